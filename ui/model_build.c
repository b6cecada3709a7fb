/*
 * model_build.c -- the one pass over the whole trace that builds the
 * static part of the model: lane segments, task facts, console lines, the
 * step column of every event, the iteration index and the checkpoints.
 *
 * It folds the events into the model's working state exactly as seeking
 * does (cs_state_apply), and watches them to decide, lane by lane, what
 * each task is doing between two events.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "model_impl.h"

#define OPEN UINT32_MAX

/* A lane in a transient state (blocked, idle) goes back to `back` at the
 * next event. */
typedef struct revert {
    cs_lane *lane;
    uint8_t back;
    int32_t arg;
    double after;             /* the new state starts no earlier than this */
} revert;

typedef struct builder {
    cs_model *M;
    uint32_t e;               /* event being observed */
    const sim_event *ev;      /* it: M->cur's, valid until the next event */
    double tb;                /* clock just before the event */
    /* what the running step did, to tell what its task waits for next */
    int32_t step_task;
    int has_timer, has_queue, putter, requeued;
    double timer_when;
    int32_t timer_id, queue;
    const char *yield_repr;
    uint8_t *done;            /* per task: TASK_DONE seen */
    int32_t end_task;         /* the task that ended inside the running step, -1 */
    uint8_t end_st;           /* its end (done, failed, cancelled), drawn from step_end */
    revert rv[3];
    int nrv;
    double col;               /* step column counter */
    uint32_t capiters;
} builder;

/* ---- lanes ---------------------------------------------------------------- */

/* First event in [lo, hi) whose clock is past when; hi when none. */
static uint32_t first_late(const cs_model *M, uint32_t lo, uint32_t hi, double when)
{
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (sim_trace_event(M->trace, mid).t > when + 1e-9)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static void seg_close(const cs_model *M, cs_seg *s, uint32_t e, double t)
{
    s->e1 = e;
    s->t1 = t > s->t0 ? t : s->t0;
    if (s->st == CS_ST_BLOCKED && s->t1 < s->when)
        s->t1 = s->when;  /* when holds the end of the time.sleep */
    s->late_e = s->e1;
    if (s->st == CS_ST_SLEEPING && s->t1 > s->when + 1e-9)
        s->late_e = first_late(M, s->e0, s->e1, s->when);
}

static int seg_same(const cs_seg *s, uint8_t st, uint8_t wait, int32_t arg,
                    double when)
{
    return s->st == st && s->wait == wait && s->arg == arg && s->when == when;
}

/* From event B->e on, lane L is in state st (wait, arg, when). A segment
 * that would last no event is replaced, and merged with the one before it
 * when they are alike. */
static void lane_set(builder *B, cs_lane *L, uint8_t st, uint8_t wait,
                     int32_t arg, double when)
{
    cs_seg *s = L->nseg ? &L->segs[L->nseg - 1] : NULL;
    if (s && s->e1 == OPEN && seg_same(s, st, wait, arg, when))
        return;
    if (s && s->e1 == OPEN && s->e0 == B->e) {
        L->nseg--;
        cs_seg *p = L->nseg ? &L->segs[L->nseg - 1] : NULL;
        if (p && p->e1 == B->e && seg_same(p, st, wait, arg, when)) {
            p->e1 = OPEN;
            return;
        }
    } else if (s && s->e1 == OPEN) {
        seg_close(B->M, s, B->e, B->tb);
    }
    cs_grow((void **)&L->segs, &L->cap, L->nseg + 1, sizeof *L->segs);
    L->segs[L->nseg++] = (cs_seg){.t0 = B->tb, .t1 = B->tb, .when = when,
                                  .e0 = B->e, .e1 = OPEN, .late_e = OPEN,
                                  .st = st, .wait = wait, .arg = arg};
}

static void lane_state(builder *B, cs_lane *L, uint8_t st)
{
    lane_set(B, L, st, CS_W_NONE, -1, 0);
}

static cs_lane *task_lane(builder *B, int32_t task)
{
    if (task < 0 || (uint32_t)task >= B->M->ntasks)
        return NULL;
    return &B->M->lanes[2 + task];
}

static uint8_t lane_now(const cs_lane *L)
{
    return L->nseg && L->segs[L->nseg - 1].e1 == OPEN
               ? L->segs[L->nseg - 1].st : CS_ST_NONE;
}

/* ---- console ---------------------------------------------------------------- */

static uint32_t text_add(cs_model *M, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if (M->ntext + (size_t)n + 1 > M->captext) {
        size_t nc = M->captext ? M->captext * 2 : 4096;
        while (nc < M->ntext + (size_t)n + 1)
            nc *= 2;
        char *p = realloc(M->text, nc);
        if (!p)
            abort();
        M->text = p;
        M->captext = nc;
    }
    va_start(ap, fmt);
    vsnprintf(M->text + M->ntext, (size_t)n + 1, fmt, ap);
    va_end(ap);
    uint32_t off = (uint32_t)M->ntext;
    M->ntext += (size_t)n + 1;
    return off;
}

static void out_add(builder *B, uint8_t kind, int32_t task, uint32_t text)
{
    cs_model *M = B->M;
    cs_grow((void **)&M->out, &M->capout, M->nout + 1, sizeof *M->out);
    M->out[M->nout++] = (cs_outline){B->e, B->ev->t, task, kind, text};
}

static const char *task_name(const cs_model *M, int32_t task)
{
    return task >= 0 && (uint32_t)task < M->ntasks ? M->tasks[task].name : "main";
}

/* Console lines for warnings, slow steps, interrupts and the end. */
static void observe_console(builder *B)
{
    cs_model *M = B->M;
    const sim_event *ev = B->ev;
    switch (ev->kind) {
    case SIM_EV_PRINT:
        out_add(B, CS_OUT_PRINT, ev->task, text_add(M, "%s", cs_model_str(M, ev->a)));
        break;
    case SIM_EV_WARNING:
        if (ev->a == SIM_WARN_NEVER_RETRIEVED) {
            const char *exc = ev->task >= 0 && (uint32_t)ev->task < M->ntasks
                                  ? M->tasks[ev->task].result : NULL;
            out_add(B, CS_OUT_NEVER_RETRIEVED, ev->task,
                    text_add(M, "Task exception was never retrieved: %s%s%s%s",
                             task_name(M, ev->task), exc && *exc ? " (" : "",
                             exc && *exc ? exc : "", exc && *exc ? ")" : ""));
        }
        else if (ev->a == SIM_WARN_SHUTDOWN_ERROR)
            out_add(B, CS_OUT_NEVER_RETRIEVED, ev->task,
                    text_add(M, "unhandled exception during asyncio.run() shutdown: %s %s",
                             task_name(M, ev->task), cs_model_str(M, ev->b)));
        else if (ev->a == SIM_WARN_IGNORED)
            out_add(B, CS_OUT_NEVER_RETRIEVED, ev->task, text_add(M, "%s", cs_model_str(M, ev->b)));
        else
            out_add(B, CS_OUT_NEVER_AWAITED, ev->task,
                    text_add(M, "RuntimeWarning: coroutine '%s' was never awaited",
                             cs_model_str(M, ev->b)));
        break;
    case SIM_EV_SLOW_STEP:
        out_add(B, CS_OUT_SLOW, ev->task,
                text_add(M, "asyncio debug mode would log: Executing %s took %.3f seconds "
                            "(not program output)", task_name(M, ev->task), ev->x));
        break;
    case SIM_EV_INTERRUPT:
        out_add(B, CS_OUT_INTERRUPT, -1,
                text_add(M, "KeyboardInterrupt: the loop would wait forever"));
        break;
    case SIM_EV_END:
        if (ev->a == SIM_END_COMPLETED)
            out_add(B, CS_OUT_END, -1, text_add(M, "-- completed at t=%g --", ev->t));
        else {
            char why[256];
            cs_end_reason(M, ev->a, ev->b, why, sizeof why);
            out_add(B, CS_OUT_ERROR, -1, text_add(M, "-- %s at t=%g: %s --", cs_end_name(ev->a),
                                                  ev->t, why));
        }
        break;
    default:
        break;
    }
}

/* ---- what a task waits for ------------------------------------------------ */

/* Task named in a repr such as "<Task pending name='Task-3' ...>", or -1. */
static int32_t task_in_repr(const cs_model *M, const char *repr)
{
    const char *p = strstr(repr, "name='");
    if (!p)
        return -1;
    p += 6;
    const char *q = strchr(p, '\'');
    if (!q)
        return -1;
    size_t n = (size_t)(q - p);
    if (n > 5 && strncmp(p, "Task-", 5) == 0) {
        long k = strtol(p + 5, NULL, 10);
        if (k >= 1 && (uint32_t)k <= M->ntasks
            && strncmp(M->tasks[k - 1].name, p, n) == 0 && !M->tasks[k - 1].name[n])
            return (int32_t)(k - 1);
    }
    for (uint32_t i = 0; i < M->ntasks; i++)
        if (strncmp(M->tasks[i].name, p, n) == 0 && !M->tasks[i].name[n])
            return (int32_t)i;
    return -1;
}

/* The step of task ended with an await: sleeping on its timer, waiting in
 * a queue, or waiting on whatever future it yielded. */
static void after_await(builder *B, cs_lane *L)
{
    if (B->requeued) {
        lane_state(B, L, CS_ST_READY);
    } else if (B->has_timer) {
        lane_set(B, L, CS_ST_SLEEPING, CS_W_TIMER, B->timer_id, B->timer_when);
    } else if (B->has_queue) {
        lane_set(B, L, CS_ST_WAITING, B->putter ? CS_W_QUEUE_PUT : CS_W_QUEUE_GET,
                 B->queue, 0);
    } else {
        const char *r = B->yield_repr ? B->yield_repr : "";
        int32_t t = task_in_repr(B->M, r);
        if (strstr(r, "Gathering"))
            lane_set(B, L, CS_ST_WAITING, CS_W_GATHER, -1, 0);
        else if (t >= 0)
            lane_set(B, L, CS_ST_WAITING, CS_W_TASK, t, 0);
        else
            lane_set(B, L, CS_ST_WAITING, CS_W_FUTURE, -1, 0);
    }
}

static void observe_step_end(builder *B)
{
    const sim_event *ev = B->ev;
    cs_lane *L = task_lane(B, ev->task);
    lane_state(B, &B->M->lanes[1], CS_ST_LOOP);
    B->step_task = -1;
    if (L && B->end_task == ev->task) {  /* the last step ran up to here */
        lane_state(B, L, B->end_st);
        B->end_task = -1;
        return;
    }
    if (!L || B->done[ev->task])
        return;
    if (ev->a == SIM_STEP_AWAIT)
        after_await(B, L);
    else if (ev->a == SIM_STEP_BARE_YIELD || ev->a == SIM_STEP_BAD_YIELD)
        lane_state(B, L, CS_ST_READY);
}

static void observe_step_begin(builder *B)
{
    B->step_task = B->ev->task;
    B->has_timer = B->has_queue = B->requeued = 0;
    B->yield_repr = NULL;
    cs_lane *L = task_lane(B, B->ev->task);
    if (L)
        lane_state(B, L, CS_ST_RUNNING);
    lane_set(B, &B->M->lanes[1], CS_ST_RUNNING, CS_W_NONE, B->ev->task, 0);
}

/* ---- tasks --------------------------------------------------------------- */

static void observe_task_new(builder *B)
{
    cs_model *M = B->M;
    const sim_event *ev = B->ev;
    if (ev->task < 0 || (uint32_t)ev->task >= M->ntasks)
        return;
    cs_taskinfo *ti = &M->tasks[ev->task];
    ti->name = cs_model_str(M, ev->a);
    ti->fn = cs_model_str(M, ev->b);
    ti->coro = cs_model_coro(M, ev->coro);
    ti->creator = M->st.running >= 0 ? M->st.running : -1;
    ti->born = B->e;
    if (ti->coro >= 0)
        M->coro_task[ti->coro] = ev->task;
    lane_state(B, task_lane(B, ev->task), CS_ST_READY);
}

static void observe_task_done(builder *B)
{
    cs_model *M = B->M;
    const sim_event *ev = B->ev;
    cs_lane *L = task_lane(B, ev->task);
    if (!L)
        return;
    static const uint8_t st[] = {CS_ST_READY, CS_ST_DONE, CS_ST_FAILED, CS_ST_CANCELLED};
    uint8_t s = ev->a >= 0 && ev->a < 4 ? st[ev->a] : CS_ST_DONE;
    if (ev->task == B->step_task) {  /* its own last step: running until step_end */
        B->end_task = ev->task;
        B->end_st = s;
    } else {
        lane_state(B, L, s);
    }
    B->done[ev->task] = 1;
    M->tasks[ev->task].final = (uint8_t)ev->a;
    M->tasks[ev->task].died = B->e;
    M->tasks[ev->task].result = cs_model_str(M, ev->b);
}

/* time.sleep: the task (or main) and the loop are blocked until the next
 * event, which comes after the clock moved. */
static void observe_block(builder *B)
{
    cs_model *M = B->M;
    const sim_event *ev = B->ev;
    double end = ev->t + ev->x;
    int32_t task = ev->task >= 0 ? ev->task : M->st.running;
    cs_lane *L = task >= 0 ? task_lane(B, task) : &M->lanes[0];
    if (!L)
        return;
    uint8_t back = lane_now(L);
    lane_set(B, L, CS_ST_BLOCKED, CS_W_NONE, -1, end);
    B->rv[B->nrv++] = (revert){L, back, -1, end};
    cs_lane *loop = &M->lanes[1];
    if (task >= 0 && lane_now(loop) != CS_ST_NONE) {
        lane_set(B, loop, CS_ST_BLOCKED, CS_W_NONE, task, end);
        B->rv[B->nrv++] = (revert){loop, CS_ST_RUNNING, task, end};
    }
}

static void observe_ready_push(builder *B)
{
    const sim_event *ev = B->ev;
    if (ev->b != SIM_H_STEP && ev->b != SIM_H_WAKEUP)
        return;
    int32_t task = cs_model_handle_task(B->M, ev->a, ev->task);
    if (task >= 0 && task == B->step_task)
        B->requeued = 1;
    else if (task_lane(B, task) && !B->done[task])
        lane_state(B, task_lane(B, task), CS_ST_READY);
}

/* Notes about the running step. */
static void observe_step_detail(builder *B)
{
    const sim_event *ev = B->ev;
    if (B->step_task < 0)
        return;
    if (ev->kind == SIM_EV_TIMER_PUSH && ev->task == B->step_task) {
        B->has_timer = 1;
        B->timer_when = ev->x;
        B->timer_id = ev->a;
    } else if (ev->kind == SIM_EV_QUEUE_WAIT && ev->task == B->step_task) {
        B->has_queue = 1;
        B->queue = ev->a;
        B->putter = ev->b;
    } else if (ev->kind == SIM_EV_YIELD) {
        B->yield_repr = cs_model_str(B->M, ev->a);
    } else if (ev->kind == SIM_EV_TIMER_CANCEL && B->has_timer && ev->a == B->timer_id) {
        B->has_timer = 0;
    }
}

/* ---- main and the loop --------------------------------------------------- */

/* main drives a coroutine by hand (send, throw, drive): main's lane runs
 * "inside" that coroutine (arg = its compact index) from the send until it
 * yields back or returns, so the timeline shows which one each send
 * advanced. */
static void observe_hand_driving(builder *B, cs_lane *main)
{
    const sim_event *ev = B->ev;
    if (ev->loop != 0 || ev->task >= 0 || lane_now(main) != CS_ST_RUNNING)
        return;
    int32_t c = cs_model_coro(B->M, ev->coro);
    if ((ev->kind == SIM_EV_SEND || ev->kind == SIM_EV_THROW) && c > 0)
        lane_set(B, main, CS_ST_RUNNING, CS_W_NONE, c, 0);
    else if ((ev->kind == SIM_EV_YIELD || (ev->kind == SIM_EV_FRAME_POP && ev->c == 0)) && c > 0)
        lane_set(B, main, CS_ST_RUNNING, CS_W_NONE, -1, 0);
}

static void observe_loop(builder *B)
{
    cs_model *M = B->M;
    const sim_event *ev = B->ev;
    cs_lane *main = &M->lanes[0], *loop = &M->lanes[1];
    switch (ev->kind) {
    case SIM_EV_RUN_BEGIN:
        lane_set(B, main, CS_ST_WAITING, CS_W_LOOP, ev->a, 0);
        lane_state(B, loop, CS_ST_LOOP);
        break;
    case SIM_EV_RUN_END:
        lane_state(B, main, CS_ST_RUNNING);
        lane_state(B, loop, CS_ST_NONE);
        break;
    case SIM_EV_CLOCK:
        if (lane_now(loop) == CS_ST_LOOP) {
            lane_state(B, loop, CS_ST_IDLE);
            B->rv[B->nrv++] = (revert){loop, CS_ST_LOOP, -1, ev->t};
        }
        break;
    case SIM_EV_ITER:
        cs_grow((void **)&M->iters, &B->capiters, M->niters + 1,
                sizeof *M->iters);
        M->iters[M->niters++] = B->e;
        break;
    case SIM_EV_END:
        lane_state(B, main, ev->a == SIM_END_UNCAUGHT ? CS_ST_FAILED : CS_ST_DONE);
        lane_state(B, loop, CS_ST_NONE);
        break;
    default:
        observe_hand_driving(B, main);
        break;
    }
}

/* ---- step columns -------------------------------------------------------- */

/* Column of event ev on the "steps" axis: a step is one column wide, an
 * iteration boundary half a column, a clock jump or main statement a
 * little; everything else happens where it is. */
static double column(builder *B, const sim_event *ev)
{
    double c;
    switch (ev->kind) {
    case SIM_EV_ITER: case SIM_EV_RUN_BEGIN: case SIM_EV_RUN_END:
        return B->col += 0.5;
    case SIM_EV_STEP_END:
        return B->col += 1;
    case SIM_EV_CLOCK:
        c = B->col;
        B->col += 0.5;
        return c;
    case SIM_EV_BLOCK:
        c = B->col;
        B->col += 1;
        return c;
    case SIM_EV_STMT: case SIM_EV_SEND: case SIM_EV_THROW:
        if (B->M->st.running < 0 && ev->loop == 0)
            return B->col += 0.25;
        return B->col;
    default:
        return B->col;
    }
}

/* ---- the pass ------------------------------------------------------------ */

static void observe(builder *B)
{
    const sim_event *ev = B->ev;
    B->tb = ev->kind == SIM_EV_CLOCK ? ev->x : ev->t;
    double tb = B->tb;
    while (B->nrv > 0) {
        revert r = B->rv[--B->nrv];
        B->tb = tb > r.after ? tb : r.after;
        lane_set(B, r.lane, r.back, CS_W_NONE, r.arg, 0);
    }
    B->tb = tb;
    observe_step_detail(B);
    switch (ev->kind) {
    case SIM_EV_TASK_NEW: observe_task_new(B); break;
    case SIM_EV_TASK_DONE: observe_task_done(B); break;
    case SIM_EV_STEP_BEGIN: observe_step_begin(B); break;
    case SIM_EV_STEP_END: observe_step_end(B); break;
    case SIM_EV_READY_PUSH: observe_ready_push(B); break;
    case SIM_EV_BLOCK: observe_block(B); break;
    case SIM_EV_FRAME_PUSH: {
        int32_t c = cs_model_coro(B->M, ev->coro);
        if (c > 0 && ev->c == 0 && !B->M->coro_name[c])
            B->M->coro_name[c] = cs_model_str(B->M, ev->a);
        break;
    }
    case SIM_EV_CORO_BIND: {
        int32_t c = cs_model_coro(B->M, ev->coro);
        if (c > 0 && !B->M->coro_var[c])
            B->M->coro_var[c] = cs_model_str(B->M, ev->a);
        break;
    }
    default: observe_loop(B); break;
    }
    observe_console(B);
}

/* Close every open segment at the end of the trace. */
static void close_lanes(builder *B)
{
    cs_model *M = B->M;
    for (uint32_t i = 0; i < M->nlanes; i++) {
        cs_lane *L = &M->lanes[i];
        if (L->nseg && L->segs[L->nseg - 1].e1 == OPEN)
            seg_close(M, &L->segs[L->nseg - 1], M->nframes, M->t_end);
    }
}

static void save_checkpoint(cs_model *M)
{
    M->cps[M->ncps++] = cs_checkpoint_save(&M->st);
}

int cs_model_build(cs_model *M)
{
    builder B = {.M = M, .step_task = -1, .end_task = -1};
    B.done = calloc(M->ntasks ? M->ntasks : 1, 1);
    if (!B.done)
        return -1;
    cs_lane *main = &M->lanes[0];
    B.ev = &(sim_event){.kind = SIM_EV_NKINDS};
    lane_state(&B, main, CS_ST_RUNNING);
    save_checkpoint(M);
    for (uint32_t e = 0; e < M->nframes; e++) {
        B.e = e;
        B.ev = sim_trace_at(&M->cur, e);
        cs_state_apply(M, &M->st, B.ev);
        observe(&B);
        M->col[e] = column(&B, B.ev);
        if ((e + 1) % M->every == 0)
            save_checkpoint(M);
    }
    M->col_end = B.col + 0.5;
    close_lanes(&B);
    free(B.done);
    return 0;
}
