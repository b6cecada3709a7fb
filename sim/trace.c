/*
 * trace.c -- the event trace store: a growable array of fixed-size records
 * and an interning string table (see trace.h).
 *
 * Cost: an event is one 48-byte append; interning a string is one hash and,
 * the first time, one copy into a shared buffer; a probe compares the
 * stored hash before the bytes. Growth doubles, so the
 * amortised cost of both is O(1).
 */
#include "trace.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "coroscope: out of memory (%zu bytes)\n", n);
        abort();
    }
    return q;
}

/* FNV-1a, then MurmurHash3's finaliser: FNV's low bits (the slot) depend
 * only on the low bits of each byte, which made numbers collide. */
static uint32_t hash_bytes(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

void sim_trace_init(sim_trace *T)
{
    memset(T, 0, sizeof *T);
    sim_trace_intern(T, "", 0);
}

void sim_trace_free(sim_trace *T)
{
    free(T->ev);
    free(T->strings.buf);
    free(T->strings.off);
    free(T->strings.hv);
    free(T->strings.hash);
    memset(T, 0, sizeof *T);
}

sim_event *sim_trace_push(sim_trace *T)
{
    if (T->n == T->cap) {
        T->cap = T->cap ? T->cap * 2 : 4096;
        T->ev = xrealloc(T->ev, T->cap * sizeof *T->ev);
    }
    sim_event *e = &T->ev[T->n++];
    memset(e, 0, sizeof *e);
    return e;
}

sim_event sim_trace_event(const sim_trace *T, size_t i)
{
    return T->ev[i];
}

void sim_trace_set_b(sim_trace *T, size_t i, int32_t b)
{
    T->ev[i].b = b;
}

void sim_trace_cursor_init(sim_trace_cursor *C, const sim_trace *T)
{
    memset(C, 0, sizeof *C);
    C->T = T;
    C->i = SIZE_MAX;
}

const sim_event *sim_trace_at(sim_trace_cursor *C, size_t i)
{
    C->ev = C->T->ev[i];
    C->i = i;
    return &C->ev;
}

/* Double the hash table and re-insert every string id. */
static void strtab_rehash(sim_strtab *st)
{
    uint32_t cap = st->hcap ? st->hcap * 2 : 1024;
    uint32_t *h = calloc(cap, sizeof *h);
    if (!h)
        abort();
    for (uint32_t id = 0; id < st->n; id++) {
        uint32_t i = st->hv[id] & (cap - 1);
        while (h[i])
            i = (i + 1) & (cap - 1);
        h[i] = id + 1;
    }
    free(st->hash);
    st->hash = h;
    st->hcap = cap;
}

/* Append s, of hash h, as a new string id (no lookup). */
static int32_t strtab_add(sim_strtab *st, const char *s, size_t len, uint32_t h)
{
    if (st->len + len + 1 > st->cap) {
        while (st->len + len + 1 > st->cap)
            st->cap = st->cap ? st->cap * 2 : 65536;
        st->buf = xrealloc(st->buf, st->cap);
    }
    if (st->n == st->capn) {
        st->capn = st->capn ? st->capn * 2 : 1024;
        st->off = xrealloc(st->off, st->capn * sizeof *st->off);
        st->hv = xrealloc(st->hv, st->capn * sizeof *st->hv);
    }
    st->hv[st->n] = h;
    memcpy(st->buf + st->len, s, len);
    st->buf[st->len + len] = 0;
    st->off[st->n] = (uint32_t)st->len;
    st->len += len + 1;
    return (int32_t)st->n++;
}

int32_t sim_trace_intern(sim_trace *T, const char *s, size_t len)
{
    sim_strtab *st = &T->strings;
    if ((st->n + 1) * 2 > st->hcap)
        strtab_rehash(st);
    uint32_t h = hash_bytes(s, len), i = h & (st->hcap - 1);
    while (st->hash[i]) {
        uint32_t id = st->hash[i] - 1;
        const char *t = st->buf + st->off[id];
        if (st->hv[id] == h && strncmp(t, s, len) == 0 && t[len] == 0)
            return (int32_t)id;
        i = (i + 1) & (st->hcap - 1);
    }
    int32_t id = strtab_add(st, s, len, h);
    st->hash[i] = (uint32_t)id + 1;
    return id;
}

const char *sim_trace_str(const sim_trace *T, int32_t id)
{
    if (id < 0 || (uint32_t)id >= T->strings.n)
        return "";
    return T->strings.buf + T->strings.off[id];
}

const char *sim_evkind_name(int kind)
{
    static const char *const names[SIM_EV_NKINDS] = {
        "loop_new", "loop_close", "run_begin", "run_end", "iter", "clock",
        "ready_push", "ready_pop", "timer_push", "timer_pop", "timer_cancel",
        "task_new", "step_begin", "step_end", "task_done", "cancel",
        "frame_push", "frame_pop", "yield", "send", "throw", "stmt", "print",
        "raise", "catch", "queue_put", "queue_get", "queue_wait", "queue_wake",
        "queue_unwait", "future_done", "warning", "interrupt", "slow_step",
        "block", "end", "coro_bind"};
    return kind >= 0 && kind < SIM_EV_NKINDS ? names[kind] : "?";
}
