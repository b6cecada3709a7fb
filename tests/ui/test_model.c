/*
 * test_model.c -- the model folded from hand-built traces: lanes and
 * segments, stacks, timers, queues, console, seeking from checkpoints.
 *
 * Each trace is written event by event as the runtime documents them in
 * trace.h, so these tests pin the model to that contract rather than to
 * whatever the runtime happens to emit today.
 */
#include <stdlib.h>

#include "model.h"
#include "play.h"
#include "test.h"

/* ---- building traces ---------------------------------------------------- */

typedef struct tb {
    sim_trace T;
    double t;
    int loop;
} tb;

static int32_t S(tb *b, const char *s)
{
    return sim_trace_intern(&b->T, s, strlen(s));
}

/* Append an event at the builder's clock. */
static sim_event *E(tb *b, int kind, int task, int coro, int a, int bb, int c)
{
    sim_event *e = sim_trace_push(&b->T);
    e->kind = (uint16_t)kind;
    e->t = b->t;
    e->loop = (uint16_t)b->loop;
    e->task = task;
    e->coro = coro;
    e->a = a;
    e->b = bb;
    e->c = c;
    return e;
}

static void clock_to(tb *b, double t)
{
    sim_event *e = E(b, SIM_EV_CLOCK, -1, -1, 0, 0, 0);
    e->x = b->t;
    e->t = t;
    b->t = t;
}

/* One task c1 that prints, sleeps 1 s in asyncio.sleep and returns 3.
 * Frame numbers are noted where the tests look. */
static void trace_sleep(tb *b)
{
    sim_trace_init(&b->T);
    b->t = 0;
    b->loop = 0;
    E(b, SIM_EV_TASK_NEW, 0, 7, S(b, "Task-1"), S(b, "c1"), 0);          /* 0 */
    E(b, SIM_EV_READY_PUSH, 0, -1, 1, SIM_H_STEP, 0);                     /* 1 */
    b->loop = 1;
    E(b, SIM_EV_RUN_BEGIN, -1, -1, SIM_RUN_UNTIL_COMPLETE, 0, 0);         /* 2 */
    E(b, SIM_EV_ITER, -1, -1, 1, 1, 0);                                    /* 3 */
    E(b, SIM_EV_READY_POP, 0, -1, 1, SIM_H_STEP, 0);                      /* 4 */
    E(b, SIM_EV_STEP_BEGIN, 0, 7, 0, 0, 0);                               /* 5 */
    E(b, SIM_EV_FRAME_PUSH, 0, 7, S(b, "c1"), SIM_FR_COROUTINE, 0);       /* 6 */
    E(b, SIM_EV_STMT, 0, 7, 0, 0, 0)->line = 4;                           /* 7 */
    E(b, SIM_EV_PRINT, 0, 7, S(b, "hi"), 0, 0);                           /* 8 */
    E(b, SIM_EV_FRAME_PUSH, 0, 7, S(b, "asyncio.sleep"), SIM_FR_LIBRARY, 1); /* 9 */
    E(b, SIM_EV_TIMER_PUSH, 0, 7, 2, 0, 0)->x = 1.0;                      /* 10 */
    E(b, SIM_EV_YIELD, 0, 7, S(b, "<Future pending>"), 0, 1);             /* 11 */
    E(b, SIM_EV_STEP_END, 0, 7, SIM_STEP_AWAIT, 0, 0);                    /* 12 */
    E(b, SIM_EV_ITER, -1, -1, 2, 0, 0);                                    /* 13 */
    clock_to(b, 1.0);                                                      /* 14 */
    E(b, SIM_EV_TIMER_POP, 0, -1, 2, 0, 0);                               /* 15 */
    E(b, SIM_EV_READY_POP, 0, -1, 2, SIM_H_TIMER_SLEEP, 0);               /* 16 */
    E(b, SIM_EV_FUTURE_DONE, -1, -1, 5, SIM_FUT_SLEEP, SIM_TASK_FINISHED); /* 17 */
    E(b, SIM_EV_READY_PUSH, 0, -1, 3, SIM_H_WAKEUP, 0);                   /* 18 */
    E(b, SIM_EV_ITER, -1, -1, 3, 1, 0);                                    /* 19 */
    E(b, SIM_EV_READY_POP, 0, -1, 3, SIM_H_WAKEUP, 0);                    /* 20 */
    E(b, SIM_EV_STEP_BEGIN, 0, 7, 0, 0, 0);                               /* 21 */
    E(b, SIM_EV_SEND, 0, 7, S(b, "None"), 0, 0);                          /* 22 */
    E(b, SIM_EV_FRAME_POP, 0, 7, 0, S(b, "None"), 1);                     /* 23 */
    E(b, SIM_EV_STMT, 0, 7, 0, 0, 0)->line = 5;                           /* 24 */
    E(b, SIM_EV_FRAME_POP, 0, 7, 0, S(b, "3"), 0);                        /* 25 */
    E(b, SIM_EV_TASK_DONE, 0, 7, SIM_TASK_FINISHED, S(b, "3"), 0);        /* 26 */
    E(b, SIM_EV_STEP_END, 0, 7, SIM_STEP_DONE, 0, 0);                     /* 27 */
    E(b, SIM_EV_RUN_END, -1, -1, SIM_RUN_UNTIL_COMPLETE, 0, 0);           /* 28 */
    b->loop = 0;
    E(b, SIM_EV_END, -1, -1, SIM_END_COMPLETED, 0, 0);                    /* 29 */
}

/* The states of a lane as a string, one letter per segment:
 * r ready, R running, B blocked, S sleeping, W waiting, L loop, I idle,
 * D done, F failed, C cancelled, - none. */
static const char *lane_letters(const cs_lane *L, char *buf, size_t n)
{
    static const char letters[CS_NST] = {'-', 'r', 'R', 'B', 'S', 'W', 'L', 'I',
                                         'D', 'F', 'C'};
    size_t i = 0;
    for (uint32_t k = 0; k < L->nseg && i + 1 < n; k++)
        buf[i++] = letters[L->segs[k].st];
    buf[i] = 0;
    return buf;
}

TEST_IMPL(model_sleep_lanes)
{
    tb b;
    trace_sleep(&b);
    cs_model M;
    ASSERT_EQ_INT(0, cs_model_init(&M, &b.T, NULL, 0));
    char buf[64];
    ASSERT_EQ_INT(1, M.ntasks);
    ASSERT_EQ_STR("Task-1", M.tasks[0].name);
    ASSERT_EQ_STR("c1", M.tasks[0].fn);
    ASSERT_EQ_INT(-1, M.tasks[0].creator);
    ASSERT_EQ_INT(SIM_TASK_FINISHED, M.tasks[0].final);
    ASSERT_EQ_STR("3", M.tasks[0].result);
    const cs_lane *L = cs_model_task_lane(&M, 0);
    ASSERT_EQ_STR("rRSrRD", lane_letters(L, buf, sizeof buf));
    /* running from its step's begin to its end */
    ASSERT_EQ_INT(5, L->segs[1].e0);
    ASSERT_EQ_INT(12, L->segs[1].e1);
    /* sleeping on the timer for t=1, woken by the wakeup at frame 18 */
    ASSERT_EQ_INT(CS_W_TIMER, L->segs[2].wait);
    ASSERT_NEAR(1.0, L->segs[2].when, 1e-12);
    ASSERT_NEAR(0.0, L->segs[2].t0, 1e-12);
    ASSERT_NEAR(1.0, L->segs[2].t1, 1e-12);
    ASSERT_EQ_INT(18, L->segs[2].e1);
    ASSERT_EQ_INT(L->segs[2].e1, L->segs[2].late_e); /* never late */
    ASSERT_EQ_INT(M.nframes, L->segs[5].e1);
    /* main waits inside run_until_complete; the loop idles at the jump */
    ASSERT_EQ_STR("RWRD", lane_letters(cs_model_main_lane(&M), buf, sizeof buf));
    ASSERT_EQ_INT(CS_W_LOOP, cs_model_main_lane(&M)->segs[1].wait);
    ASSERT_EQ_STR("LRLILRL-", lane_letters(cs_model_loop_lane(&M), buf, sizeof buf));
    const cs_seg *idle = &cs_model_loop_lane(&M)->segs[3];
    ASSERT_NEAR(0.0, idle->t0, 1e-12);
    ASSERT_NEAR(1.0, idle->t1, 1e-12);
    ASSERT_EQ_INT(0, cs_model_loop_lane(&M)->segs[1].arg);
    ASSERT(cs_lane_at(L, 13) == &L->segs[2]);
    ASSERT(cs_lane_at(L, 0) == &L->segs[0]);
    cs_model_free(&M);
    sim_trace_free(&b.T);
    return 0;
}

TEST_IMPL(model_sleep_stack_and_timers)
{
    tb b;
    trace_sleep(&b);
    cs_model M;
    ASSERT_EQ_INT(0, cs_model_init(&M, &b.T, NULL, 0));
    cs_model_seek(&M, 11);
    const cs_stack *s = cs_model_task_stack(&M, 0);
    ASSERT(s);
    ASSERT_EQ_INT(2, s->n);
    ASSERT_EQ_STR("c1", s->fr[0].name);
    ASSERT_EQ_STR("asyncio.sleep", s->fr[1].name);
    ASSERT_EQ_INT(SIM_FR_LIBRARY, s->fr[1].kind);
    ASSERT_EQ_INT(4, s->fr[0].line);
    ASSERT_EQ_INT(4, cs_model_task_line(&M, 0));
    ASSERT_EQ_INT(0, M.st.running);
    ASSERT_EQ_INT(1, M.st.ntimers);
    ASSERT_NEAR(1.0, M.st.timers[0].when, 1e-12);
    ASSERT_EQ_INT(0, M.st.timers[0].task);
    ASSERT_EQ_INT(0, M.st.nready);
    cs_model_seek(&M, 15); /* the timer moved to the ready queue */
    ASSERT_EQ_INT(0, M.st.ntimers);
    ASSERT_EQ_INT(1, M.st.nready);
    ASSERT_EQ_INT(SIM_H_TIMER_SLEEP, M.st.ready[0].kind);
    ASSERT_NEAR(1.0, M.st.t, 1e-12);
    ASSERT_EQ_INT(-1, M.st.running);
    cs_model_seek(&M, 19);
    ASSERT_EQ_INT(1, M.st.nready);
    ASSERT_EQ_INT(SIM_H_WAKEUP, M.st.ready[0].kind);
    ASSERT_EQ_INT(3, M.st.iter);
    cs_model_seek(&M, 23); /* sleep returned: its frame popped */
    ASSERT_EQ_INT(1, cs_model_task_stack(&M, 0)->n);
    ASSERT_EQ_STR("asyncio.sleep", M.st.popped.name);
    cs_model_seek(&M, 26);
    ASSERT_EQ_INT(0, cs_model_task_stack(&M, 0)->n);
    cs_model_seek(&M, 5); /* backwards */
    ASSERT_EQ_INT(0, cs_model_task_stack(&M, 0)->n);
    ASSERT_EQ_INT(0, M.st.running);
    cs_model_free(&M);
    sim_trace_free(&b.T);
    return 0;
}

/* ---- seeking ------------------------------------------------------------ */

static int stacks_equal(const cs_state *a, const cs_state *b)
{
    if (a->nstacks != b->nstacks)
        return 0;
    for (uint32_t i = 0; i < a->nstacks; i++) {
        const cs_stack *x = &a->stacks[i], *y = &b->stacks[i];
        if (x->n != y->n || x->exc != y->exc || (x->exc && x->exc_depth != y->exc_depth))
            return 0;
        for (uint32_t k = 0; k < x->n; k++)
            if (x->fr[k].name != y->fr[k].name || x->fr[k].line != y->fr[k].line)
                return 0;
    }
    return 1;
}

static int handles_equal(const cs_handle *a, uint32_t na, const cs_handle *b, uint32_t nb)
{
    if (na != nb)
        return 0;
    for (uint32_t i = 0; i < na; i++)
        if (a[i].id != b[i].id || a[i].task != b[i].task || a[i].when != b[i].when)
            return 0;
    return 1;
}

/* Same visible state? */
int ui_states_equal(const cs_state *a, const cs_state *b);
int ui_states_equal(const cs_state *a, const cs_state *b)
{
    if (a->ev != b->ev || a->t != b->t || a->iter != b->iter || a->running != b->running
        || a->main_drives != b->main_drives || a->main_inside != b->main_inside)
        return 0;
    if (!handles_equal(a->ready, a->nready, b->ready, b->nready)
        || !handles_equal(a->timers, a->ntimers, b->timers, b->ntimers))
        return 0;
    for (uint32_t q = 0; q < a->nqueues; q++) {
        const cs_qstate *x = &a->queues[q], *y = &b->queues[q];
        if (x->n != y->n || x->ngetters != y->ngetters || x->nputters != y->nputters)
            return 0;
        for (uint32_t i = 0; i < x->n; i++)
            if (x->items[i].repr != y->items[i].repr || x->items[i].task != y->items[i].task)
                return 0;
    }
    return stacks_equal(a, b);
}

/* Seek every frame of T in a scrambled order with checkpoints every 3
 * events; each state must equal the one reached by replaying one event at
 * a time. Returns 0 when they all match. */
int ui_check_seeks(const sim_trace *T, const struct sim_scenario *sc);
int ui_check_seeks(const sim_trace *T, const struct sim_scenario *sc)
{
    cs_model A, B;
    if (cs_model_init(&A, T, sc, 1u << 30) || cs_model_init(&B, T, sc, 3))
        return -1;
    int bad = 0;
    uint32_t n = A.nframes, step = n > 7 ? 7 : 1;
    for (uint32_t i = 0; i < n && !bad; i++) {
        cs_model_seek(&A, i);
        uint32_t j = (uint32_t)(((uint64_t)i * step + n / 2) % n);
        cs_model_seek(&B, j);
        cs_model_seek(&B, i);
        if (!ui_states_equal(&A.st, &B.st)) {
            fprintf(stderr, "state differs at frame %u (after a seek from %u)\n", i, j);
            bad = 1;
        }
    }
    cs_model_free(&A);
    cs_model_free(&B);
    return bad;
}

TEST_IMPL(model_seek_matches_replay)
{
    tb b;
    trace_sleep(&b);
    ASSERT_EQ_INT(0, ui_check_seeks(&b.T, NULL));
    sim_trace_free(&b.T);
    return 0;
}

TEST_IMPL(model_console_and_columns)
{
    tb b;
    trace_sleep(&b);
    cs_model M;
    ASSERT_EQ_INT(0, cs_model_init(&M, &b.T, NULL, 0));
    ASSERT_EQ_INT(2, M.nout);
    ASSERT_EQ_INT(CS_OUT_PRINT, M.out[0].kind);
    ASSERT_EQ_STR("hi", cs_model_out_text(&M, &M.out[0]));
    ASSERT_EQ_INT(0, M.out[0].task);
    ASSERT_EQ_INT(CS_OUT_END, M.out[1].kind);
    ASSERT_EQ_INT(-1, cs_model_out_at(&M, 7));
    ASSERT_EQ_INT(0, cs_model_out_at(&M, 8));
    ASSERT_EQ_INT(0, cs_model_out_at(&M, 28));
    ASSERT_EQ_INT(1, cs_model_out_at(&M, 29));
    /* columns never go back; a step is one column wide */
    for (uint32_t e = 1; e < M.nframes; e++)
        ASSERT(M.col[e] >= M.col[e - 1]);
    ASSERT_NEAR(1.0, M.col[12] - M.col[5], 1e-12);
    ASSERT_EQ_INT(3, M.niters);
    ASSERT_EQ_INT(13, M.iters[1]);
    cs_model_free(&M);
    sim_trace_free(&b.T);
    return 0;
}

/* ---- queues --------------------------------------------------------------- */

/* A queue of 1 slot: Task-1 puts a, Task-2 waits in put, Task-1 gets a and
 * wakes Task-2, which puts b. */
TEST_IMPL(model_queue_slots_and_waiters)
{
    tb b = {0};
    sim_trace_init(&b.T);
    b.loop = 1;
    E(&b, SIM_EV_TASK_NEW, 0, 1, S(&b, "Task-1"), S(&b, "p"), 0);          /* 0 */
    E(&b, SIM_EV_TASK_NEW, 1, 2, S(&b, "Task-2"), S(&b, "p"), 0);          /* 1 */
    E(&b, SIM_EV_STEP_BEGIN, 0, 1, 0, 0, 0);                               /* 2 */
    E(&b, SIM_EV_QUEUE_PUT, 0, 1, 0, S(&b, "'a'"), 1);                     /* 3 */
    E(&b, SIM_EV_STEP_END, 0, 1, SIM_STEP_BARE_YIELD, 0, 0);               /* 4 */
    E(&b, SIM_EV_STEP_BEGIN, 1, 2, 0, 0, 0);                               /* 5 */
    E(&b, SIM_EV_QUEUE_WAIT, 1, 2, 0, 1, 0);                               /* 6 */
    E(&b, SIM_EV_YIELD, 1, 2, S(&b, "<Future pending>"), 0, 1);            /* 7 */
    E(&b, SIM_EV_STEP_END, 1, 2, SIM_STEP_AWAIT, 0, 0);                    /* 8 */
    E(&b, SIM_EV_STEP_BEGIN, 0, 1, 0, 0, 0);                               /* 9 */
    E(&b, SIM_EV_QUEUE_GET, 0, 1, 0, S(&b, "'a'"), 0);                     /* 10 */
    E(&b, SIM_EV_QUEUE_WAKE, 1, -1, 0, 1, 0);                              /* 11 */
    E(&b, SIM_EV_READY_PUSH, 1, -1, 9, SIM_H_WAKEUP, 0);                   /* 12 */
    E(&b, SIM_EV_STEP_END, 0, 1, SIM_STEP_AWAIT, 0, 0);                    /* 13 */
    E(&b, SIM_EV_STEP_BEGIN, 1, 2, 0, 0, 0);                               /* 14 */
    E(&b, SIM_EV_QUEUE_PUT, 1, 2, 0, S(&b, "'b'"), 1);                     /* 15 */
    E(&b, SIM_EV_STEP_END, 1, 2, SIM_STEP_AWAIT, 0, 0);                    /* 16 */
    cs_model M;
    ASSERT_EQ_INT(0, cs_model_init(&M, &b.T, NULL, 0));
    ASSERT_EQ_INT(1, M.nqueues);
    cs_model_seek(&M, 8);
    ASSERT_EQ_INT(1, M.st.queues[0].n);
    ASSERT_EQ_STR("'a'", M.st.queues[0].items[0].repr);
    ASSERT_EQ_INT(0, M.st.queues[0].items[0].task);
    ASSERT_EQ_INT(1, M.st.queues[0].nputters);
    ASSERT_EQ_INT(1, M.st.queues[0].putters[0]);
    const cs_seg *w = cs_lane_at(cs_model_task_lane(&M, 1), 8);
    ASSERT_EQ_INT(CS_ST_WAITING, w->st);
    ASSERT_EQ_INT(CS_W_QUEUE_PUT, w->wait);
    ASSERT_EQ_INT(0, w->arg);
    cs_model_seek(&M, 11);
    ASSERT_EQ_INT(0, M.st.queues[0].n);
    ASSERT_EQ_INT(0, M.st.queues[0].nputters);
    ASSERT_EQ_INT(CS_ST_READY, cs_lane_at(cs_model_task_lane(&M, 1), 12)->st);
    cs_model_seek(&M, 16);
    ASSERT_EQ_INT(1, M.st.queues[0].n);
    ASSERT_EQ_INT(1, M.st.queues[0].items[0].task);
    /* a bare yield puts Task-1 back in line */
    ASSERT_EQ_INT(CS_ST_READY, cs_lane_at(cs_model_task_lane(&M, 0), 4)->st);
    cs_model_free(&M);
    ASSERT_EQ_INT(0, ui_check_seeks(&b.T, NULL));
    sim_trace_free(&b.T);
    return 0;
}

/* ---- blocking and starvation ------------------------------------------- */

/* Task-1 sleeps until t=0.5; Task-2 calls time.sleep(1) at t=0: the loop
 * is blocked until 1.0, Task-1's timer is late by 0.5 s. */
TEST_IMPL(model_block_starves)
{
    tb b = {0};
    sim_trace_init(&b.T);
    b.loop = 1;
    E(&b, SIM_EV_TASK_NEW, 0, 1, S(&b, "Task-1"), S(&b, "a"), 0);          /* 0 */
    E(&b, SIM_EV_TASK_NEW, 1, 2, S(&b, "Task-2"), S(&b, "b"), 0);          /* 1 */
    E(&b, SIM_EV_RUN_BEGIN, -1, -1, 0, 0, 0);                              /* 2 */
    E(&b, SIM_EV_STEP_BEGIN, 0, 1, 0, 0, 0);                               /* 3 */
    E(&b, SIM_EV_TIMER_PUSH, 0, 1, 5, 0, 0)->x = 0.5;                      /* 4 */
    E(&b, SIM_EV_STEP_END, 0, 1, SIM_STEP_AWAIT, 0, 0);                    /* 5 */
    E(&b, SIM_EV_STEP_BEGIN, 1, 2, 0, 0, 0);                               /* 6 */
    E(&b, SIM_EV_BLOCK, 1, 2, 0, 0, 0)->x = 1.0;                           /* 7 */
    b.t = 1.0;
    E(&b, SIM_EV_PRINT, 1, 2, S(&b, "woke"), 0, 0);                        /* 8 */
    E(&b, SIM_EV_STEP_END, 1, 2, SIM_STEP_DONE, 0, 0);                     /* 9 */
    E(&b, SIM_EV_TIMER_POP, 0, -1, 5, 0, 0);                               /* 10 */
    E(&b, SIM_EV_READY_PUSH, 0, -1, 6, SIM_H_WAKEUP, 0);                   /* 11 */
    cs_model M;
    ASSERT_EQ_INT(0, cs_model_init(&M, &b.T, NULL, 0));
    char buf[32];
    ASSERT_EQ_STR("rRBR", lane_letters(cs_model_task_lane(&M, 1), buf, sizeof buf));
    const cs_seg *bl = &cs_model_task_lane(&M, 1)->segs[2];
    ASSERT_NEAR(0.0, bl->t0, 1e-12);
    ASSERT_NEAR(1.0, bl->t1, 1e-12);
    ASSERT_EQ_INT(7, bl->e0);
    ASSERT_EQ_INT(8, bl->e1);
    const cs_seg *sl = cs_lane_at(cs_model_task_lane(&M, 0), 9);
    ASSERT_EQ_INT(CS_ST_SLEEPING, sl->st);
    ASSERT_NEAR(0.5, sl->when, 1e-12);
    ASSERT_NEAR(1.0, sl->t1, 1e-12);
    ASSERT_EQ_INT(8, sl->late_e); /* the first event after the block is late */
    ASSERT_EQ_STR("LRLRBRL", lane_letters(cs_model_loop_lane(&M), buf, sizeof buf));
    cs_model_seek(&M, 7);
    ASSERT_NEAR(1.0, M.st.t, 1e-12);
    cs_model_free(&M);
    sim_trace_free(&b.T);
    return 0;
}

/* ---- exceptions ----------------------------------------------------------- */

/* main drives f -> g -> h by hand; h raises, g's frame is left by the
 * exception, f catches it. */
TEST_IMPL(model_exception_unwinds)
{
    tb b = {0};
    sim_trace_init(&b.T);
    int32_t exc = S(&b, "ValueError: x");
    E(&b, SIM_EV_STMT, -1, -1, 0, 0, 0)->line = 9;                         /* 0 */
    E(&b, SIM_EV_SEND, -1, 3, S(&b, "None"), 0, 0);                        /* 1 */
    E(&b, SIM_EV_FRAME_PUSH, -1, 3, S(&b, "f"), SIM_FR_COROUTINE, 0);      /* 2 */
    E(&b, SIM_EV_FRAME_PUSH, -1, 3, S(&b, "g"), SIM_FR_COROUTINE, 1);      /* 3 */
    E(&b, SIM_EV_FRAME_PUSH, -1, 3, S(&b, "h"), SIM_FR_COROUTINE, 2);      /* 4 */
    E(&b, SIM_EV_STMT, -1, 3, 0, 0, 2)->line = 3;                          /* 5 */
    E(&b, SIM_EV_RAISE, -1, 3, exc, 0, 2);                                 /* 6 */
    E(&b, SIM_EV_FRAME_POP, -1, 3, 1, exc, 2);                             /* 7 */
    E(&b, SIM_EV_FRAME_POP, -1, 3, 1, exc, 1);                             /* 8 */
    E(&b, SIM_EV_CATCH, -1, 3, exc, 0, 0);                                 /* 9 */
    E(&b, SIM_EV_YIELD, -1, 3, S(&b, "1"), 0, 0);                          /* 10 */
    E(&b, SIM_EV_STMT, -1, -1, 0, 0, 0)->line = 10;                        /* 11 */
    cs_model M;
    ASSERT_EQ_INT(0, cs_model_init(&M, &b.T, NULL, 0));
    cs_model_seek(&M, 5);
    int32_t c = cs_model_coro(&M, 3);
    ASSERT(c > 0);
    ASSERT_EQ_INT(c, M.st.main_drives);
    ASSERT_EQ_INT(1, M.st.main_inside);
    ASSERT_EQ_INT(3, cs_model_task_line(&M, -1));
    cs_model_seek(&M, 6);
    ASSERT_EQ_STR("ValueError: x", M.st.stacks[c].exc);
    ASSERT_EQ_INT(2, M.st.stacks[c].exc_depth);
    cs_model_seek(&M, 7);
    ASSERT_EQ_INT(2, M.st.stacks[c].n);
    ASSERT_EQ_INT(1, M.st.stacks[c].exc_depth);
    ASSERT_EQ_STR("h", M.st.popped.name);
    cs_model_seek(&M, 8);
    ASSERT_EQ_INT(0, M.st.stacks[c].exc_depth);
    cs_model_seek(&M, 9);
    ASSERT(M.st.stacks[c].exc == NULL);
    cs_model_seek(&M, 10);  /* the yield still belongs to the send; f has no line */
    ASSERT_EQ_INT(CS_INSIDE_YIELDS, M.st.main_inside);
    ASSERT_EQ_INT(9, cs_model_task_line(&M, -1));
    cs_model_seek(&M, 11);
    ASSERT_EQ_INT(0, M.st.main_inside);
    ASSERT_EQ_INT(10, cs_model_task_line(&M, -1));
    ASSERT_EQ_INT(1, M.st.stacks[c].n); /* f stays suspended */
    cs_model_free(&M);
    ASSERT_EQ_INT(0, ui_check_seeks(&b.T, NULL));
    sim_trace_free(&b.T);
    return 0;
}

TEST_IMPL(model_narration_every_frame)
{
    tb b;
    trace_sleep(&b);
    cs_model M;
    ASSERT_EQ_INT(0, cs_model_init(&M, &b.T, NULL, 0));
    char buf[512];
    for (uint32_t f = 0; f < M.nframes; f++) {
        cs_model_seek(&M, f);
        cs_narrate(&M, f, buf, sizeof buf);
        ASSERT(strlen(buf) > 8);
    }
    cs_model_seek(&M, 11);
    cs_narrate(&M, 11, buf, sizeof buf);
    ASSERT(strstr(buf, "Task-1") && strstr(buf, "t=1"));
    cs_model_free(&M);
    sim_trace_free(&b.T);
    return 0;
}

TEST_IMPL(model_navigation)
{
    tb b;
    trace_sleep(&b);
    cs_model M;
    ASSERT_EQ_INT(0, cs_model_init(&M, &b.T, NULL, 0));
    ASSERT_EQ_INT(3, cs_model_next_iter(&M, 0));
    ASSERT_EQ_INT(13, cs_model_next_iter(&M, 3));
    ASSERT_EQ_INT(13, cs_model_prev_iter(&M, 19));
    ASSERT_EQ_INT(13, cs_model_prev_iter(&M, 15));
    ASSERT_EQ_INT(2, cs_model_iter_at(&M, 15));
    ASSERT_EQ_INT(0, cs_model_iter_at(&M, 2));
    ASSERT_EQ_INT(4, cs_model_next_of_task(&M, 1, 0));
    ASSERT_EQ_INT(1, cs_model_prev_of_task(&M, 4, 0));
    ASSERT_EQ_INT(14, cs_model_frame_at_time(&M, 0.5));
    ASSERT_NEAR(M.col[5], M.col[cs_model_frame_at_col(&M, M.col[5])], 1e-12);
    ASSERT_EQ_INT(13, cs_model_frame_at_col(&M, M.col[12] + 0.1));
    cs_model_free(&M);
    sim_trace_free(&b.T);
    return 0;
}

/* Task 0's events far apart, with loop iterations between them: a trace
 * longer than the blocks the look back reads, so the walks cross blocks.
 * Returns the frames of task 0's events in *at (4 of them). */
static void trace_far_apart(tb *b, uint32_t at[4])
{
    static const int gaps[4] = {0, 200, 130, 64};
    static const int kinds[4] = {SIM_EV_TASK_NEW, SIM_EV_READY_PUSH, SIM_EV_READY_POP,
                                 SIM_EV_STEP_BEGIN};
    sim_trace_init(&b->T);
    b->t = 0;
    b->loop = 1;
    int iter = 0;
    for (int k = 0; k < 4; k++) {
        for (int i = 0; i < gaps[k]; i++)
            E(b, SIM_EV_ITER, -1, -1, ++iter, 0, 0);
        at[k] = (uint32_t)b->T.n;
        E(b, kinds[k], 0, 7, k == 0 ? S(b, "Task-1") : 1, k == 0 ? S(b, "c1") : SIM_H_STEP, 0);
    }
    for (int i = 0; i < 70; i++)
        E(b, SIM_EV_ITER, -1, -1, ++iter, 0, 0);
}

/* The previous event of task 0 before f, read one event at a time going
 * back: what cs_model_prev_of_task must find. */
static uint32_t prev_of_task0_slow(const cs_model *M, uint32_t f)
{
    for (uint32_t e = f; e-- > 0;)
        if (sim_trace_event(M->trace, e).task == 0)
            return e;
    return f;
}

static int is_iter(const cs_model *M, const sim_event *e, void *arg)
{
    (void)M;
    ++*(int *)arg;
    return e->kind == SIM_EV_ITER;
}

TEST_IMPL(model_navigation_far_back)
{
    tb b;
    uint32_t at[4];
    trace_far_apart(&b, at);
    cs_model M;
    ASSERT_EQ_INT(0, cs_model_init(&M, &b.T, NULL, 0));
    ASSERT_EQ_INT(at[1], cs_model_prev_of_task(&M, at[2], 0));
    ASSERT_EQ_INT(at[0], cs_model_prev_of_task(&M, at[1], 0));
    ASSERT_EQ_INT(at[2], cs_model_next_of_task(&M, at[1], 0));
    for (uint32_t f = 0; f < M.nframes; f++)
        ASSERT_EQ_INT(prev_of_task0_slow(&M, f), cs_model_prev_of_task(&M, f, 0));
    /* latest first, within [lo, f), and only as far back as needed */
    int calls = 0;
    ASSERT_EQ_INT(at[3] - 1, cs_model_find_back(&M, at[2], at[3], is_iter, &calls));
    ASSERT_EQ_INT(1, calls);
    calls = 0;
    ASSERT_EQ_INT(UINT32_MAX, cs_model_find_back(&M, at[2], at[2] + 1, is_iter, &calls));
    ASSERT_EQ_INT(1, calls);
    ASSERT_EQ_INT(UINT32_MAX, cs_model_find_back(&M, 5, 5, is_iter, &calls));
    ASSERT_EQ_INT(1, calls);
    cs_model_free(&M);
    sim_trace_free(&b.T);
    return 0;
}

/* Space: play from the frame, pause, and at the last frame replay from
 * the first instead of "playing" on a run that cannot move. */
TEST_IMPL(model_play_from_end_replays)
{
    int playing = 0;
    ASSERT_EQ_INT(5, cs_play_toggle(&playing, 5, 10));
    ASSERT_EQ_INT(1, playing);
    ASSERT_EQ_INT(5, cs_play_toggle(&playing, 5, 10));
    ASSERT_EQ_INT(0, playing);
    ASSERT_EQ_INT(0, cs_play_toggle(&playing, 9, 10));
    ASSERT_EQ_INT(1, playing);
    ASSERT_EQ_INT(9, cs_play_toggle(&playing, 9, 10));  /* pausing stays */
    ASSERT_EQ_INT(0, playing);
    ASSERT_EQ_INT(0, cs_play_toggle(&playing, 0, 0));
    return 0;
}

/* The speed is one rounded figure, never in scientific notation: + 20
 * times from the default is "13,300" frames/s, and it stays within its
 * bounds. */
TEST_IMPL(model_speed_text)
{
    static const struct { double v; const char *s; } cases[] = {
        {4, "4"}, {6.40723, "6.4"}, {0.25, "0.25"}, {0.5, "0.5"}, {1.5, "1.5"},
        {9.96, "10"}, {91.2, "91"}, {999.6, "1,000"}, {13301.5, "13,300"},
        {100000, "100,000"}, {2.26, "2.3"},
    };
    char buf[32];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cs_speed_text(cases[i].v, buf, sizeof buf);
        ASSERT_EQ_STR(cases[i].s, buf);
    }
    double s = CS_SPEED_DEFAULT;
    for (int i = 0; i < 20; i++)
        s = cs_speed_scale(s, 1.5);
    cs_speed_text(s, buf, sizeof buf);
    ASSERT_EQ_STR("13,300", buf);
    for (int i = 0; i < 20; i++)
        s = cs_speed_scale(s, 1.5);
    ASSERT_NEAR(CS_SPEED_MAX, s, 0);
    for (int i = 0; i < 80; i++)
        s = cs_speed_scale(s, 1 / 1.5);
    ASSERT_NEAR(CS_SPEED_MIN, s, 0);
    return 0;
}
