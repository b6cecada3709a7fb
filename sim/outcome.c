/*
 * outcome.c -- writes the coroscope-outcome/1 JSON (format section 6) and
 * the trace as JSON Lines. Plain appends to a sim_buf: no JSON library is
 * needed to write, only to read. Numbers are formatted by hand (a trace
 * has millions of lines).
 */
#include "sim.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *sim_task_state_name(int state)
{
    static const char *const names[] = {"pending", "finished", "failed", "cancelled"};
    return state >= 0 && state < 4 ? names[state] : "?";
}

const char *sim_end_status_name(int status)
{
    static const char *const names[] = {"completed", "uncaught", "interrupted", "limit"};
    return status >= 0 && status < 4 ? names[status] : "?";
}

/* Append a string literal (its length known at compile time). */
#define PUT_LIT(b, lit) sim_buf_put((b), "" lit, sizeof(lit) - 1)

/* A JSON string literal (UTF-8 passes through; controls are escaped),
 * written in place into room reserved a piece at a time (a pass to
 * measure each string first cost 5% of writing a million tasks). */
static void json_str(sim_buf *b, const char *s)
{
    if (!s) {
        PUT_LIT(b, "null");
        return;
    }
    static const char hex[] = "0123456789abcdef";
    size_t room = 64;
    char *start = sim_buf_reserve(b, room), *p = start;
    *p++ = '"';
    for (; *s; s++) {
        if ((size_t)(p - start) + 8 > room) {      /* an escape and the quote fit */
            b->len += (size_t)(p - start);
            room *= 2;
            p = start = sim_buf_reserve(b, room);
        }
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\') {
            *p++ = (char)c;
        } else if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = (char)c;
        } else if (c == '\n' || c == '\t') {
            *p++ = '\\';
            *p++ = c == '\n' ? 'n' : 't';
        } else {
            memcpy(p, "\\u00", 4);
            p[4] = hex[c >> 4];
            p[5] = hex[c & 15];
            p += 6;
        }
    }
    *p++ = '"';
    b->len += (size_t)(p - start);
    b->p[b->len] = 0;
}

static void json_num(sim_buf *b, double d)
{
    char tmp[32];
    sim_float_repr(d, tmp);
    sim_buf_puts(b, tmp);
}

static const char *task_name(const sim_outcome *o, int i)
{
    return i >= 0 && i < o->ntasks ? o->tasks[i].name : NULL;
}

/* Where the outcome's text goes: appended to b, or (put set) handed to
 * put a slice at a time, b being only the slice (the outcome of a
 * million tasks is 80 MB of text: built whole, it cost a 128 MiB buffer
 * and its copies as it grew). */
typedef struct out_w {
    sim_buf *b;
    sim_put_fn put;
    void *ctx;
} out_w;

enum { OUT_SLICE = 1 << 16 };

/* Hand the slice to put once it holds at least n bytes. */
static void out_w_flush(out_w *w, size_t n)
{
    if (w->put && w->b->len >= n) {
        w->put(w->ctx, w->b->p, w->b->len);
        w->b->len = 0;
    }
}

static void write_prints(const sim_outcome *o, out_w *w)
{
    sim_buf *b = w->b;
    sim_buf_puts(b, "  \"prints\": [");
    for (int i = 0; i < o->nprints; i++) {
        sim_buf_puts(b, i ? ",\n    {\"t\": " : "\n    {\"t\": ");
        json_num(b, o->prints[i].t);
        PUT_LIT(b, ", \"task\": ");
        json_str(b, task_name(o, o->prints[i].task));
        PUT_LIT(b, ", \"text\": ");
        json_str(b, o->prints[i].text);
        sim_buf_putc(b, '}');
        out_w_flush(w, OUT_SLICE);
    }
    sim_buf_puts(b, o->nprints ? "\n  ],\n" : "],\n");
}

static void write_tasks(const sim_outcome *o, out_w *w)
{
    sim_buf *b = w->b;
    sim_buf_puts(b, "  \"tasks\": [");
    for (int i = 0; i < o->ntasks; i++) {
        const sim_task_info *t = &o->tasks[i];
        sim_buf_puts(b, i ? ",\n    {\"name\": " : "\n    {\"name\": ");
        json_str(b, t->name);
        PUT_LIT(b, ", \"coro\": ");
        json_str(b, t->coro);
        PUT_LIT(b, ", \"state\": \"");
        sim_buf_puts(b, sim_task_state_name(t->state));
        sim_buf_putc(b, '"');
        if (t->result) {
            PUT_LIT(b, ", \"result\": ");
            json_str(b, t->result);
        }
        if (t->exception) {
            PUT_LIT(b, ", \"exception\": ");
            json_str(b, t->exception);
        }
        sim_buf_putc(b, '}');
        out_w_flush(w, OUT_SLICE);
    }
    sim_buf_puts(b, o->ntasks ? "\n  ],\n" : "],\n");
}

static void write_warnings(const sim_outcome *o, out_w *w)
{
    sim_buf *b = w->b;
    sim_buf_puts(b, "  \"warnings\": [");
    for (int i = 0; i < o->nwarnings; i++) {
        const sim_warning *wn = &o->warnings[i];
        sim_buf_puts(b, i ? ",\n    " : "\n    ");
        if (wn->kind == SIM_WARN_NEVER_RETRIEVED) {
            sim_buf_puts(b, "{\"kind\": \"exception_never_retrieved\", \"task\": ");
            json_str(b, task_name(o, wn->task));
        } else {
            sim_buf_puts(b, "{\"kind\": \"coroutine_never_awaited\", \"coro\": ");
            json_str(b, wn->coro);
        }
        sim_buf_putc(b, '}');
        out_w_flush(w, OUT_SLICE);
    }
    sim_buf_puts(b, o->nwarnings ? "\n  ],\n" : "],\n");
}

static void outcome_write(const sim_outcome *o, out_w *w)
{
    sim_buf *b = w->b;
    sim_buf_puts(b, "{\n  \"format\": \"coroscope-outcome/1\",\n  \"scenario\": ");
    json_str(b, o->scenario);
    sim_buf_puts(b, ",\n");
    write_prints(o, w);
    write_tasks(o, w);
    write_warnings(o, w);
    sim_buf_puts(b, "  \"interrupts\": [");
    for (int i = 0; i < o->ninterrupts; i++) {
        if (i)
            sim_buf_puts(b, ", ");
        json_num(b, o->interrupts[i]);
    }
    sim_buf_printf(b, "],\n  \"end\": {\"status\": \"%s\", \"t\": ", sim_end_status_name(o->status));
    json_num(b, o->t);
    sim_buf_puts(b, ", \"error\": ");
    json_str(b, o->error);
    sim_buf_puts(b, "}\n}\n");
    out_w_flush(w, 1);
}

void sim_outcome_write_json(const sim_outcome *o, sim_buf *out)
{
    out_w w = {.b = out};
    outcome_write(o, &w);
}

void sim_outcome_write_json_to(const sim_outcome *o, sim_put_fn put, void *ctx)
{
    sim_buf b = {0};
    out_w w = {.b = &b, .put = put, .ctx = ctx};
    outcome_write(o, &w);
    sim_buf_free(&b);
}

/* The writer's memory of the last number it formatted: t is the same for
 * long runs of events, and float repr is the costly part of a line. */
typedef struct num_cache {
    double d;
    char text[32];
    size_t len;
} num_cache;

/* Append the decimal digits of v at p; returns the end. */
static char *put_int(char *p, int64_t v)
{
    char tmp[24], *q = tmp + sizeof tmp;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do
        *--q = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--q = '-';
    size_t n = (size_t)(tmp + sizeof tmp - q);
    memcpy(p, q, n);
    return p + n;
}

/* Append repr(d) at p, through the cache; returns the end. JSON has no
 * nan or infinity (a timer of sleep(nan) is due at nan): they are null. */
static char *put_num(char *p, double d, num_cache *c)
{
    if (!c->len || memcmp(&c->d, &d, sizeof d) != 0) {
        if (isfinite(d))
            sim_float_repr(d, c->text);
        else
            strcpy(c->text, "null");
        c->len = strlen(c->text);
        c->d = d;
    }
    memcpy(p, c->text, c->len);
    return p + c->len;
}

static char *put_lit(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

/* One event e, number i of T: the fixed fields, then a, b, c, x, with the
 * string arguments resolved (b of print-like kinds is a string id). The
 * fixed part is formatted in a local line (well under its size), then
 * appended. */
static void write_event(const sim_trace *T, size_t i, const sim_event *e, sim_buf *b,
                        num_cache nc[2])
{
    char line[512], *p = line;
    p = put_int(put_lit(p, "{\"seq\": "), (int64_t)i);
    p = put_lit(put_lit(put_lit(p, ", \"kind\": \""), sim_evkind_name(e->kind)), "\", \"t\": ");
    p = put_num(p, e->t, &nc[0]);
    p = put_int(put_lit(p, ", \"loop\": "), e->loop);
    p = put_int(put_lit(p, ", \"iter\": "), e->iter);
    p = put_int(put_lit(p, ", \"task\": "), e->task);
    p = put_int(put_lit(p, ", \"coro\": "), e->coro);
    p = put_int(put_lit(p, ", \"line\": "), e->line);
    p = put_int(put_lit(p, ", \"a\": "), e->a);
    p = put_int(put_lit(p, ", \"b\": "), e->b);
    p = put_int(put_lit(p, ", \"c\": "), e->c);
    p = put_num(put_lit(p, ", \"x\": "), e->x, &nc[1]);
    sim_buf_put(b, line, (size_t)(p - line));
    switch (e->kind) {
    case SIM_EV_PRINT: case SIM_EV_YIELD: case SIM_EV_SEND: case SIM_EV_THROW:
    case SIM_EV_RAISE: case SIM_EV_CATCH: case SIM_EV_TASK_NEW: case SIM_EV_FRAME_PUSH:
    case SIM_EV_CORO_BIND:
        PUT_LIT(b, ", \"text\": ");
        json_str(b, sim_trace_str(T, e->a));
        if (e->kind == SIM_EV_FRAME_PUSH && e->x > 0) {
            PUT_LIT(b, ", \"args\": ");
            json_str(b, sim_trace_str(T, (int32_t)e->x));
        }
        break;
    case SIM_EV_QUEUE_PUT: case SIM_EV_QUEUE_GET: case SIM_EV_STEP_BEGIN:
    case SIM_EV_TASK_DONE: case SIM_EV_FRAME_POP: case SIM_EV_WARNING: case SIM_EV_END:
        PUT_LIT(b, ", \"text\": ");
        json_str(b, sim_trace_str(T, e->b));
        break;
    }
    sim_buf_put(b, "}\n", 2);
}

void sim_trace_write_jsonl_range(const sim_trace *T, size_t from, size_t to, sim_buf *b)
{
    num_cache nc[2];
    memset(nc, 0, sizeof nc);
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, T);
    for (size_t i = from; i < to && i < T->n; i++)
        write_event(T, i, sim_trace_at(&C, i), b, nc);
}

void sim_trace_write_jsonl(const sim_trace *T, sim_buf *b)
{
    sim_trace_write_jsonl_range(T, 0, T->n, b);
}
