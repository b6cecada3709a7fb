/*
 * trace.c -- the event trace store: events coded compactly in chunks, with
 * checkpoints for random access, and an interning string table (trace.h).
 *
 * Cost: an event is coded once, when the next is appended (about 5 bytes
 * with the checkpoints on the window scenario, against 48 for the record
 * readers get; about 7 ns); reading event i is O(1) in a walk and at most
 * SIM_TRACE_MARK - 1 decodes after a jump. Interning a string is one hash
 * and, the first time, one copy into a shared buffer; a probe compares the
 * stored hash before the bytes. Growth doubles, so the amortised cost of
 * both is O(1).
 */
#include "trace.h"

#include <assert.h>
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
    for (size_t k = 0; k < T->nchunks; k++)
        free(T->chunk[k]);
    free(T->chunk);
    free(T->chunk_len);
    free(T->marks);
    free(T->strings.buf);
    free(T->strings.off);
    free(T->strings.hash);
    memset(T, 0, sizeof *T);
}

/* ---- the coding of one event --------------------------------------------
 *
 * A header byte: the kind in bits 0-5 and, in bit 6, "the same fields as
 * the last event of this kind in this block"; without that bit a second
 * byte says which fields follow: CLOCK (t, iter and loop, when any of them
 * differs from the event before), LINE, TASK, CORO (when they differ), X,
 * A, B, C (when not zero). Then the fields, in that order: t and x as the
 * 8 bytes of the double, iter and line as the zigzag varint of the
 * difference from the event before, loop as a varint, task and coro as 0
 * for -1, else 1 + the zigzag difference from the last task (coroutine)
 * other than -1 (a run alternates between a task's events and the loop's
 * own, task -1: coded against the event before, each switch would take 3
 * bytes), a, b and c as zigzag varints. A cancel's b is always written
 * (one byte), so that sim_trace_set_b can set it in place.
 */
enum {
    F_CLOCK = 1, F_LINE = 2, F_TASK = 4, F_CORO = 8, F_X = 16, F_A = 32, F_B = 64, F_C = 128,
    H_SAME = 64, KIND_MASK = 63,
    KNOWN = 0x100,             /* kfields[kind]: set once the kind was seen */
    CHUNK_BITS = 21,
    EV_MAX = 64                /* bytes an event can take, at most (56) */
};

static uint32_t zigzag(uint32_t d) { return (d << 1) ^ (0u - (d >> 31)); }
static uint32_t unzigzag(uint32_t z) { return (z >> 1) ^ (0u - (z & 1)); }

static uint8_t *put_varint(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

static const uint8_t *get_varint(const uint8_t *p, uint64_t *v)
{
    uint64_t r = 0;
    for (int shift = 0;; shift += 7) {
        uint8_t byte = *p++;
        r |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            break;
    }
    *v = r;
    return p;
}

static uint8_t *put_double(uint8_t *p, double d)
{
    memcpy(p, &d, sizeof d);
    return p + sizeof d;
}

static const uint8_t *get_double(const uint8_t *p, double *d)
{
    memcpy(d, p, sizeof *d);
    return p + sizeof *d;
}

/* The bits of a double, to compare without float rules (-0.0, NaN). */
static uint64_t dbits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

/* The fields of e that are written, coded after prev. Bitwise | and not
 * ||: every test is done, none is a branch (about 30 instructions, against
 * 50 with the branches of the short-circuit form). */
static unsigned ev_fields(const sim_event *e, const sim_event *prev)
{
    unsigned clock = (dbits(e->t) != dbits(prev->t)) | (e->iter != prev->iter)
                   | (e->loop != prev->loop);
    return clock * F_CLOCK | (e->line != prev->line) * F_LINE
         | (e->task != prev->task) * F_TASK | (e->coro != prev->coro) * F_CORO
         | (dbits(e->x) != 0) * F_X | (e->a != 0) * F_A
         | ((e->b != 0) | (e->kind == SIM_EV_CANCEL)) * F_B | (e->c != 0) * F_C;
}

/* The difference v - from, zigzagged (int32 arithmetic, wrapping). */
static uint32_t delta(int32_t v, int32_t from) { return zigzag((uint32_t)v - (uint32_t)from); }

/* A task or coroutine id: 0 for -1, else 1 + its difference from real. */
static uint64_t real_code(int32_t v, int32_t real)
{
    return v == -1 ? 0 : (uint64_t)delta(v, real) + 1;
}

static int32_t real_decode(uint64_t u, int32_t real)
{
    return u == 0 ? -1 : (int32_t)((uint32_t)real + unzigzag((uint32_t)(u - 1)));
}

/* After event e (of fields f): what the next event is coded against. */
static void ctx_advance(sim_trace_ctx *c, const sim_event *e, unsigned f)
{
    if (e->task != -1)
        c->rtask = e->task;
    if (e->coro != -1)
        c->rcoro = e->coro;
    c->kfields[e->kind] = (uint16_t)(KNOWN | f);
}

/* Code e against prev (the event before it) and c at p (EV_MAX bytes
 * free); c moves on past e but for c->ev, which the caller keeps (a batch
 * is coded in place, each event against the one before it in the batch,
 * with no copy). Returns the end. */
static uint8_t *ev_encode(uint8_t *p, const sim_event *e, const sim_event *prev,
                          sim_trace_ctx *c)
{
    unsigned f = ev_fields(e, prev);
    if (c->kfields[e->kind] == (KNOWN | f)) {
        *p++ = (uint8_t)(e->kind | H_SAME);
    } else {
        *p++ = (uint8_t)e->kind;
        *p++ = (uint8_t)f;
    }
    if (f & F_CLOCK) {
        p = put_double(p, e->t);
        p = put_varint(p, zigzag(e->iter - prev->iter));
        p = put_varint(p, e->loop);
    }
    if (f & F_LINE)
        p = put_varint(p, delta(e->line, prev->line));
    if (f & F_TASK)
        p = put_varint(p, real_code(e->task, c->rtask));
    if (f & F_CORO)
        p = put_varint(p, real_code(e->coro, c->rcoro));
    if (f & F_X)
        p = put_double(p, e->x);
    if (f & F_A)
        p = put_varint(p, zigzag((uint32_t)e->a));
    if (f & F_B)
        p = put_varint(p, zigzag((uint32_t)e->b));
    if (f & F_C)
        p = put_varint(p, zigzag((uint32_t)e->c));
    ctx_advance(c, e, f);
    return p;
}

/* The fields of the event whose header is at p, and where they start. */
static const uint8_t *ev_header(const uint8_t *p, const sim_trace_ctx *c, unsigned *f)
{
    if (p[0] & H_SAME) {
        *f = c->kfields[p[0] & KIND_MASK] & 0xff;
        return p + 1;
    }
    *f = p[1];
    return p + 2;
}

/* A zigzag varint field. */
static const uint8_t *get_signed(const uint8_t *p, int32_t *v)
{
    uint64_t u;
    p = get_varint(p, &u);
    *v = (int32_t)unzigzag((uint32_t)u);
    return p;
}

/* Decode the event at p into c->ev (c is the context before it, and
 * moves on past it); returns where the next starts. */
static const uint8_t *ev_decode(const uint8_t *p, sim_trace_ctx *c)
{
    sim_event *e = &c->ev;
    uint16_t kind = (uint16_t)(p[0] & KIND_MASK);
    unsigned f;
    uint64_t u;
    p = ev_header(p, c, &f);
    e->kind = kind;
    e->x = 0;
    e->a = e->b = e->c = 0;
    if (f & F_CLOCK) {
        p = get_double(p, &e->t);
        p = get_varint(p, &u);
        e->iter += unzigzag((uint32_t)u);
        p = get_varint(p, &u);
        e->loop = (uint16_t)u;
    }
    if (f & F_LINE) {
        p = get_varint(p, &u);
        e->line = (int32_t)((uint32_t)e->line + unzigzag((uint32_t)u));
    }
    if (f & F_TASK) {
        p = get_varint(p, &u);
        e->task = real_decode(u, c->rtask);
    }
    if (f & F_CORO) {
        p = get_varint(p, &u);
        e->coro = real_decode(u, c->rcoro);
    }
    if (f & F_X)
        p = get_double(p, &e->x);
    if (f & F_A)
        p = get_signed(p, &e->a);
    if (f & F_B)
        p = get_signed(p, &e->b);
    if (f & F_C)
        p = get_signed(p, &e->c);
    ctx_advance(c, e, f);
    return p;
}

/* ---- the store ------------------------------------------------------------
 *
 * Chunks of 2 MiB, never moved once allocated (growth copies no event
 * bytes, and pages the run never reaches are never touched); an event
 * never straddles two. A checkpoint every SIM_TRACE_MARK events keeps the
 * offset and the context, so event i is at most SIM_TRACE_MARK - 1
 * decodes (about 10 ns each) away from one; the field sets of the kinds
 * start afresh in every block, so a checkpoint need not keep them.
 */
static void *grow(void *p, size_t *cap, size_t size)
{
    *cap = *cap ? *cap * 2 : 64;
    return xrealloc(p, *cap * size);
}

/* Make room for n more events at T->end, opening a chunk if needed. An
 * event takes at most EV_MAX bytes and a batch starts only where n of them
 * fit, so no event straddles two chunks: a chunk is closed here, with its
 * length, when the next batch might not fit (it wastes at most
 * SIM_TRACE_PEND * EV_MAX bytes, 0.8%, of a chunk). (Offering chunks as
 * transparent huge pages was tried: on the development VM it made a big
 * run's system time bimodal, 0.2 s or 1.0 s, against a steady 0.4 s.) */
static uint8_t *store_room(sim_trace *T, size_t n)
{
    size_t k = (size_t)(T->end >> CHUNK_BITS);
    uint32_t pos = (uint32_t)(T->end & ((1u << CHUNK_BITS) - 1));
    if (k < T->nchunks && pos + n * EV_MAX <= (1u << CHUNK_BITS))
        return T->chunk[k] + pos;
    if (k < T->nchunks)
        T->chunk_len[k++] = pos;     /* closed: its length is final */
    if (T->nchunks == T->capchunks) {
        size_t cap = T->capchunks;
        T->chunk = grow(T->chunk, &cap, sizeof *T->chunk);
        T->chunk_len = xrealloc(T->chunk_len, cap * sizeof *T->chunk_len);
        T->capchunks = cap;
    }
    T->chunk[T->nchunks] = xrealloc(NULL, (size_t)1 << CHUNK_BITS);
    T->chunk_len[T->nchunks++] = 0;
    T->end = (uint64_t)k << CHUNK_BITS;
    return T->chunk[k];
}

/* A checkpoint at offset off for the next event, whose context is c with
 * prev the event before it; its block starts with no field sets known. */
static void mark_add(sim_trace *T, uint64_t off, const sim_event *prev)
{
    if (T->nmarks == T->capmarks)
        T->marks = grow(T->marks, &T->capmarks, sizeof *T->marks);
    sim_trace_ctx *c = &T->ctx;
    T->marks[T->nmarks++] = (sim_trace_mark){
        .off = off, .t = prev->t, .iter = prev->iter, .line = prev->line,
        .task = prev->task, .coro = prev->coro, .rtask = c->rtask, .rcoro = c->rcoro,
        .loop = prev->loop};
    memset(c->kfields, 0, sizeof c->kfields);
}

/* The context at checkpoint m. */
static void ctx_from_mark(sim_trace_ctx *c, const sim_trace_mark *m)
{
    memset(c, 0, sizeof *c);
    c->ev.t = m->t;
    c->ev.iter = m->iter;
    c->ev.loop = m->loop;
    c->ev.line = m->line;
    c->ev.task = m->task;
    c->ev.coro = m->coro;
    c->rtask = m->rtask;
    c->rcoro = m->rcoro;
}

/* Code the pending events, in one loop: the writer's context stays in
 * cache and each event is coded against the one before it in place. */
void sim_trace_flush(sim_trace *T)
{
    if (!T->npend)
        return;
    uint8_t *start = store_room(T, T->npend), *p = start;
    size_t idx = T->n - T->npend;
    const sim_event *prev = &T->ctx.ev;
    for (uint32_t j = 0; j < T->npend; j++, idx++) {
        if (idx % SIM_TRACE_MARK == 0)
            mark_add(T, T->end + (uint64_t)(p - start), prev);
        p = ev_encode(p, &T->pend[j], prev, &T->ctx);
        prev = &T->pend[j];
    }
    T->ctx.ev = *prev;
    T->end += (uint64_t)(p - start);
    T->npend = 0;
}

/* Bytes used in chunk k: the last one is still being filled. */
static uint32_t chunk_used(const sim_trace *T, size_t k)
{
    if (k + 1 < T->nchunks)
        return T->chunk_len[k];
    return (uint32_t)(T->end - ((uint64_t)k << CHUNK_BITS));
}

sim_event *sim_trace_push(sim_trace *T)
{
    sim_event *e = sim_trace_push_raw(T);
    memset(e, 0, sizeof *e);
    return e;
}

/* The bytes of the stored event at *off (moved on to the next chunk when
 * the chunk ends there). */
static const uint8_t *store_at(const sim_trace *T, uint64_t *off)
{
    size_t k = (size_t)(*off >> CHUNK_BITS);
    uint32_t pos = (uint32_t)(*off & ((1u << CHUNK_BITS) - 1));
    if (pos >= chunk_used(T, k)) {
        k++;
        pos = 0;
        *off = (uint64_t)k << CHUNK_BITS;
    }
    return T->chunk[k] + pos;
}

/* Decode the stored event at C->next, the one after C->i. */
static void cursor_step(sim_trace_cursor *C)
{
    const uint8_t *p = store_at(C->T, &C->next);
    C->i++;
    if (C->i % SIM_TRACE_MARK == 0)          /* a new block: as the writer did */
        memset(C->ctx.kfields, 0, sizeof C->ctx.kfields);
    const uint8_t *q = ev_decode(p, &C->ctx);
    C->next += (uint64_t)(q - p);
}

/* Put C just before the block of event i. */
static void cursor_seek_block(sim_trace_cursor *C, size_t i)
{
    const sim_trace_mark *m = &C->T->marks[i / SIM_TRACE_MARK];
    ctx_from_mark(&C->ctx, m);
    C->next = m->off;
    C->i = i - i % SIM_TRACE_MARK - 1;      /* SIZE_MAX for block 0: steps to 0 */
}

void sim_trace_cursor_init(sim_trace_cursor *C, const sim_trace *T)
{
    memset(C, 0, sizeof *C);
    C->T = T;
    C->i = SIZE_MAX;
}

const sim_event *sim_trace_at(sim_trace_cursor *C, size_t i)
{
    const sim_trace *T = C->T;
    size_t coded = T->n - T->npend;
    if (i >= coded) {                /* not coded yet: it may still be filled in */
        C->i = SIZE_MAX;
        return &T->pend[i - coded];
    }
    if (C->i == i)
        return &C->ctx.ev;
    if (C->i == SIZE_MAX || i < C->i || i - C->i > i % SIM_TRACE_MARK)
        cursor_seek_block(C, i);
    while (C->i != i)
        cursor_step(C);
    return &C->ctx.ev;
}

size_t sim_trace_bytes(const sim_trace *T)
{
    size_t used = 0;
    for (size_t k = 0; k < T->nchunks; k++)
        used += chunk_used(T, k);
    return used + T->nmarks * sizeof *T->marks + T->npend * sizeof *T->pend;
}

sim_event sim_trace_event(const sim_trace *T, size_t i)
{
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, T);
    return *sim_trace_at(&C, i);
}

/* Skip the fields before b of an event of fields f (p: after the header). */
static uint8_t *skip_to_b(uint8_t *p, unsigned f)
{
    uint64_t u;
    if (f & F_CLOCK) {
        p += sizeof(double);
        p = (uint8_t *)get_varint(p, &u);
        p = (uint8_t *)get_varint(p, &u);
    }
    for (unsigned bit = F_LINE; bit <= F_CORO; bit <<= 1)
        if (f & bit)
            p = (uint8_t *)get_varint(p, &u);
    if (f & F_X)
        p += sizeof(double);
    if (f & F_A)
        p = (uint8_t *)get_varint(p, &u);
    return p;
}

void sim_trace_set_b(sim_trace *T, size_t i, int32_t b)
{
    if (i >= T->n - T->npend) {
        T->pend[i - (T->n - T->npend)].b = b;
        return;
    }
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, T);
    if (i % SIM_TRACE_MARK)
        sim_trace_at(&C, i - 1);     /* C's context is the one event i was coded in */
    else
        cursor_seek_block(&C, i);
    uint64_t off = C.next;
    uint8_t *p = (uint8_t *)store_at(T, &off);
    unsigned f;
    uint8_t *q = (uint8_t *)ev_header(p, &C.ctx, &f);
    assert((f & F_B) && b >= 0 && b < 64);
    *skip_to_b(q, f) = (uint8_t)zigzag((uint32_t)b);
}

/* Double the hash table and re-insert every string from the old one. */
static void strtab_rehash(sim_strtab *st)
{
    uint32_t cap = st->hcap ? st->hcap * 2 : 1024;
    sim_strslot *h = calloc(cap, sizeof *h);
    if (!h)
        abort();
    for (uint32_t k = 0; k < st->hcap; k++) {
        if (!st->hash[k].id1)
            continue;
        uint32_t i = st->hash[k].h & (cap - 1);
        while (h[i].id1)
            i = (i + 1) & (cap - 1);
        h[i] = st->hash[k];
    }
    free(st->hash);
    st->hash = h;
    st->hcap = cap;
}

/* Append s as a new string id (no lookup). */
static int32_t strtab_add(sim_strtab *st, const char *s, size_t len)
{
    if (st->len + len + 1 > st->cap) {
        while (st->len + len + 1 > st->cap)
            st->cap = st->cap ? st->cap * 2 : 65536;
        st->buf = xrealloc(st->buf, st->cap);
    }
    if (st->n == st->capn) {
        st->capn = st->capn ? st->capn * 2 : 1024;
        st->off = xrealloc(st->off, st->capn * sizeof *st->off);
    }
    memcpy(st->buf + st->len, s, len);
    st->buf[st->len + len] = 0;
    st->off[st->n] = (uint32_t)st->len;
    st->len += len + 1;
    return (int32_t)st->n++;
}

int32_t sim_trace_add(sim_trace *T, const char *s, size_t len)
{
    return strtab_add(&T->strings, s, len);
}

int32_t sim_trace_intern(sim_trace *T, const char *s, size_t len)
{
    sim_strtab *st = &T->strings;
    if ((st->nhashed + 1) * 2 > st->hcap)   /* strings added unhashed do not count */
        strtab_rehash(st);
    uint32_t h = hash_bytes(s, len), i = h & (st->hcap - 1);
    for (; st->hash[i].id1; i = (i + 1) & (st->hcap - 1)) {
        if (st->hash[i].h != h)
            continue;
        const char *t = st->buf + st->off[st->hash[i].id1 - 1];
        if (strncmp(t, s, len) == 0 && t[len] == 0)
            return (int32_t)st->hash[i].id1 - 1;
    }
    int32_t id = strtab_add(st, s, len);
    st->hash[i] = (sim_strslot){.id1 = (uint32_t)id + 1, .h = h};
    st->nhashed++;
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
