/*
 * test_trace_store.c -- the compact event store: every field of every
 * event read back as written, in a walk, by jumps and from the pending
 * last event; across chunk boundaries; sim_trace_set_b in place.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"
#include "test.h"

/* A deterministic generator of awkward events: fields that repeat (the
 * coding's common case) and extremes (INT32_MIN/MAX, nan, -0.0, huge
 * iteration jumps, times that go back). */
static uint32_t rng(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static int32_t pick_int(uint32_t *x, int32_t prev)
{
    static const int32_t extremes[] = {0, 1, -1, 63, 64, 127, 128, -128, INT32_MAX, INT32_MIN,
                                       1 << 20, -(1 << 20)};
    uint32_t r = rng(x) % 8;
    if (r < 3)
        return prev;
    if (r < 5)
        return extremes[rng(x) % (sizeof extremes / sizeof *extremes)];
    return (int32_t)rng(x) >> (rng(x) % 31);
}

static double pick_double(uint32_t *x, double prev)
{
    static const double extremes[] = {0.0, -0.0, 1e-300, DBL_MAX, 0.1, 1e16};
    uint32_t r = rng(x) % 8;
    if (r < 4)
        return prev;
    if (r == 4)
        return NAN;
    if (r == 5)
        return extremes[rng(x) % (sizeof extremes / sizeof *extremes)];
    return (double)rng(x) / 7.0;
}

static sim_event make_event(uint32_t *x, const sim_event *prev)
{
    sim_event e;
    memset(&e, 0, sizeof e);
    e.kind = (uint16_t)(rng(x) % SIM_EV_NKINDS);
    e.t = pick_double(x, prev->t);
    e.x = rng(x) % 3 ? 0 : pick_double(x, prev->x);
    e.iter = rng(x) % 4 ? prev->iter : prev->iter + rng(x);
    e.loop = (uint16_t)(rng(x) % 16 ? prev->loop : rng(x));
    e.task = pick_int(x, prev->task);
    e.coro = pick_int(x, prev->coro);
    e.line = pick_int(x, prev->line);
    e.a = rng(x) % 2 ? 0 : pick_int(x, prev->a);
    e.b = rng(x) % 2 ? 0 : pick_int(x, prev->b);
    e.c = rng(x) % 2 ? 0 : pick_int(x, prev->c);
    if (e.kind == SIM_EV_CANCEL)
        e.b = (int32_t)(rng(x) % 2);
    return e;
}

static int same_event(const sim_event *a, const sim_event *b)
{
    return memcmp(a, b, sizeof *a) == 0;     /* bit for bit: nan and -0.0 too */
}

/* Fill T with n generated events (kept in want), pushed as sim_emit does. */
static sim_event *fill(sim_trace *T, size_t n, uint32_t seed)
{
    sim_event *want = malloc(n * sizeof *want), prev;
    memset(&prev, 0, sizeof prev);
    for (size_t i = 0; i < n; i++) {
        want[i] = make_event(&seed, &prev);
        *sim_trace_push(T) = want[i];
        prev = want[i];
    }
    return want;
}

/* 600,000 events: a few chunks of 2 MiB (checked below), every field back
 * bit for bit in a walk from 0. */
TEST_IMPL(trace_store_walk_reads_back_every_field)
{
    enum { N = 600000 };
    sim_trace T;
    sim_trace_init(&T);
    sim_event *want = fill(&T, N, 12345);
    ASSERT_EQ_INT(N, T.n);
    ASSERT(T.nchunks >= 2);
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, &T);
    size_t bad = 0;
    for (size_t i = 0; i < N; i++)
        bad += !same_event(&want[i], sim_trace_at(&C, i));
    ASSERT_EQ_INT(0, bad);
    free(want);
    sim_trace_free(&T);
    return 0;
}

/* Jumps back and forth (one cursor, and sim_trace_event), the pending last
 * events included, give the same events as the walk. */
TEST_IMPL(trace_store_jumps_read_back)
{
    enum { N = 200003 };
    sim_trace T;
    sim_trace_init(&T);
    sim_event *want = fill(&T, N, 777);
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, &T);
    uint32_t x = 99;
    size_t bad = 0;
    for (int k = 0; k < 100000; k++) {
        size_t i = k % 50 == 0 ? N - 1 : rng(&x) % N;
        sim_event e = k % 2 ? sim_trace_event(&T, i) : *sim_trace_at(&C, i);
        bad += !same_event(&want[i], &e);
        if (k % 3 == 0 && i + 1 < N)    /* the next one, after a jump */
            bad += !same_event(&want[i + 1], sim_trace_at(&C, i + 1));
    }
    ASSERT_EQ_INT(0, bad);
    free(want);
    sim_trace_free(&T);
    return 0;
}

/* set_b on coded events (first of a checkpoint, middle, last of a batch)
 * and on pending ones, read back before and after they are coded. */
TEST_IMPL(trace_store_set_b_in_place)
{
    sim_trace T;
    sim_trace_init(&T);
    size_t idx[] = {0, 1, 63, 64, 65, SIM_TRACE_PEND - 1, SIM_TRACE_PEND, 1000};
    for (size_t i = 0; i < 1002; i++) {
        sim_event *e = sim_trace_push(&T);
        e->kind = SIM_EV_CANCEL;
        e->task = (int32_t)i;
        e->a = 1;
        e->c = (int32_t)(i * 7);
    }
    for (size_t k = 0; k < sizeof idx / sizeof *idx; k++)
        sim_trace_set_b(&T, idx[k], 1);
    sim_trace_set_b(&T, T.n - 1, 1);                      /* the last one */
    sim_trace_push(&T)->kind = SIM_EV_PRINT;
    ASSERT(T.npend > 1002 - 1000);                          /* 1000 was pending */
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, &T);
    for (size_t i = 0; i < 2 * 1002; i++) {
        if (i == 1002)
            sim_trace_flush(&T);
        size_t j = i % 1002;
        const sim_event *e = sim_trace_at(&C, j);
        int want_b = j == 1001;
        for (size_t k = 0; k < sizeof idx / sizeof *idx; k++)
            want_b |= idx[k] == j;
        ASSERT_EQ_INT(want_b, e->b);
        ASSERT_EQ_INT((int)j, e->task);
        ASSERT_EQ_INT((int)(j * 7), e->c);
        ASSERT_EQ_INT(1, e->a);
    }
    ASSERT_EQ_INT(SIM_EV_PRINT, sim_trace_at(&C, 1002)->kind);
    ASSERT_EQ_INT(0, T.npend);
    sim_trace_set_b(&T, 1000, 0);                         /* coded now */
    ASSERT_EQ_INT(0, sim_trace_event(&T, 1000).b);
    ASSERT_EQ_INT(1, sim_trace_event(&T, 1001).b);
    sim_trace_free(&T);
    return 0;
}

/* The coding is compact on a run-like stream: an event whose context
 * repeats and whose fields are small takes 2 to 4 bytes. */
TEST_IMPL(trace_store_is_compact)
{
    enum { N = 100000 };
    sim_trace T;
    sim_trace_init(&T);
    for (size_t i = 0; i < N; i++) {
        sim_event *e = sim_trace_push(&T);
        e->kind = SIM_EV_READY_PUSH;
        e->t = (double)(i / 1000);
        e->iter = (uint32_t)(i / 10);
        e->loop = 1;
        e->task = (int32_t)(i / 3);
        e->a = (int32_t)(i % 100);
        e->b = SIM_H_STEP;
    }
    ASSERT(T.end < (uint64_t)N * 5);
    ASSERT(sim_trace_bytes(&T) < (size_t)N * 6);
    sim_trace_free(&T);
    return 0;
}
