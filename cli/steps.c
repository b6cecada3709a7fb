/*
 * steps.c -- one pass over a trace collecting the task steps (steps.h):
 * where each begins and ends, what it ended waiting for, and the event
 * that woke it.
 *
 * Wakers: each ready-queue handle remembers the event that caused its
 * push -- the latest timer pop, queue put/get, task done, cancel, task
 * creation or gather completion since the running handle began; a handle
 * pushed while another runs inherits that one's cause when nothing newer
 * happened (so a sleep's timer pop reaches the step it resumes through
 * the sleep callback).
 */
#include <stdlib.h>
#include <string.h>

#include "steps.h"

/* The pass's working state. */
typedef struct steps_pass {
    steps_list *L;
    const sim_trace *T;
    int *cur;                  /* task -> its step in progress, -1 none */
    int *last;                 /* task -> its latest step, -1 none */
    long *cause;               /* handle -> the event that pushed it */
    size_t ncause;
    long waker;                /* cause for the next push */
    long popped;               /* cause of the handle last popped */
} steps_pass;

/* Remember that handle h was pushed because of event ev. */
static void steps_set_cause(steps_pass *P, int32_t h, long ev)
{
    if (h < 0)
        return;
    if ((size_t)h >= P->ncause) {
        size_t n = P->ncause ? P->ncause : 1024;
        while (n <= (size_t)h)
            n *= 2;
        P->cause = realloc(P->cause, n * sizeof *P->cause);
        if (!P->cause)
            abort();
        for (size_t i = P->ncause; i < n; i++)
            P->cause[i] = -1;
        P->ncause = n;
    }
    P->cause[h] = ev;
}

static long steps_get_cause(const steps_pass *P, int32_t h)
{
    return h >= 0 && (size_t)h < P->ncause ? P->cause[h] : -1;
}

/* A new step of task k beginning at event i (e). */
static void steps_begin(steps_pass *P, int k, const sim_event *e, size_t i)
{
    steps_list *L = P->L;
    if (L->n == L->cap) {
        L->cap = L->cap ? L->cap * 2 : 256;
        L->s = realloc(L->s, (size_t)L->cap * sizeof *L->s);
        if (!L->s)
            abort();
    }
    steps_step *s = &L->s[L->n];
    memset(s, 0, sizeof *s);
    s->task = k;
    s->begin = s->end = i;
    s->first = P->last[k] < 0;
    s->thrown = e->a == 1;
    s->prev = P->last[k];
    s->nth = s->prev >= 0 ? L->s[s->prev].nth + 1 : 1;
    s->waker = P->popped;
    s->wait = STEPS_W_OTHER;
    s->queue = -1;
    P->cur[k] = P->last[k] = L->n++;
}

/* The end of task k's step at event i: classify its wait. */
static void steps_end(steps_pass *P, steps_step *s, const sim_event *e, size_t i)
{
    s->end = i;
    if (s->wait == STEPS_W_DONE || s->wait == STEPS_W_QUEUE_GET || s->wait == STEPS_W_QUEUE_PUT)
        return;
    if (e->a == SIM_STEP_BARE_YIELD) {
        s->wait = STEPS_W_YIELD;
        return;
    }
    const char *y = s->yield_ev ? sim_trace_str(P->T, s->yield_repr) : "";
    if (!strncmp(y, "<Task", 5))
        s->wait = STEPS_W_TASK;
    else if (!strncmp(y, "<_GatheringFuture", 17))
        s->wait = STEPS_W_GATHER;
    else if (s->delay > 0)
        s->wait = STEPS_W_SLEEP;
}

/* Events inside a step of task k that tell what it waits for. */
static void steps_inside(steps_pass *P, const sim_event *e, size_t i)
{
    int k = e->task;
    if (k < 0 || P->cur[k] < 0)
        return;
    steps_step *s = &P->L->s[P->cur[k]];
    if (e->kind == SIM_EV_TIMER_PUSH) {
        s->delay = e->x - e->t;
        s->timer_ev = i;
    }
    else if (e->kind == SIM_EV_QUEUE_WAIT) {
        s->wait = e->b ? STEPS_W_QUEUE_PUT : STEPS_W_QUEUE_GET;
        s->queue = e->a;
    } else if (e->kind == SIM_EV_QUEUE_UNWAIT)
        s->wait = STEPS_W_OTHER;
    else if (e->kind == SIM_EV_YIELD) {
        s->yield_ev = i;
        s->yield_repr = e->a;
    }
    else if (e->kind == SIM_EV_TASK_DONE)
        s->wait = STEPS_W_DONE;
    else if (e->kind == SIM_EV_STEP_END) {
        steps_end(P, s, e, i);
        P->cur[k] = -1;
    }
}

/* Track the causes of ready-queue pushes. */
static void steps_wakers(steps_pass *P, const sim_event *e, size_t i)
{
    switch (e->kind) {
    case SIM_EV_TIMER_POP: case SIM_EV_QUEUE_PUT: case SIM_EV_QUEUE_GET:
    case SIM_EV_TASK_DONE: case SIM_EV_CANCEL: case SIM_EV_TASK_NEW:
        P->waker = (long)i;
        break;
    case SIM_EV_FUTURE_DONE:
        if (e->b == SIM_FUT_GATHER)
            P->waker = (long)i;
        break;
    case SIM_EV_READY_PUSH:
        steps_set_cause(P, e->a, P->waker);
        break;
    case SIM_EV_READY_POP:
        P->popped = P->waker = steps_get_cause(P, e->a);
        break;
    default:
        break;
    }
}

void steps_build(steps_list *L, const sim_trace *T, int ntasks)
{
    memset(L, 0, sizeof *L);
    steps_pass P = {.L = L, .T = T, .waker = -1, .popped = -1};
    P.cur = malloc(((size_t)ntasks + 1) * sizeof *P.cur);
    P.last = malloc(((size_t)ntasks + 1) * sizeof *P.last);
    if (!P.cur || !P.last)
        abort();
    for (int k = 0; k < ntasks; k++)
        P.cur[k] = P.last[k] = -1;
    sim_trace_cursor C;
    if (T)
        sim_trace_cursor_init(&C, T);
    for (size_t i = 0; T && i < T->n; i++) {
        const sim_event *e = sim_trace_at(&C, i);
        steps_wakers(&P, e, i);
        if (e->kind == SIM_EV_STEP_BEGIN && e->task >= 0 && e->task < ntasks)
            steps_begin(&P, e->task, e, i);
        else if (e->task >= 0 && e->task < ntasks)
            steps_inside(&P, e, i);
    }
    free(P.cur);
    free(P.last);
    free(P.cause);
}

void steps_free(steps_list *L)
{
    free(L->s);
    memset(L, 0, sizeof *L);
}

int steps_parked(const steps_step *s)
{
    return s->wait == STEPS_W_QUEUE_GET || s->wait == STEPS_W_QUEUE_PUT ||
           s->wait == STEPS_W_TASK || s->wait == STEPS_W_GATHER;
}

/* A task is at work during a step that does not end parked, and in the
 * wait after it (sleeping or ready), until its next step begins; the
 * first step of a task cancelled before it ran is no work. Steps never
 * overlap, so the others' count only changes at step boundaries. */
int steps_max_concurrent(const steps_list *L, int ntasks)
{
    char *working = calloc((size_t)ntasks + 1, 1);
    if (!working)
        abort();
    int now = 0, max = 0;
    for (int i = 0; i < L->n; i++) {
        const steps_step *s = &L->s[i];
        if (working[s->task]) {
            working[s->task] = 0;
            now--;
        }
        if (steps_parked(s) || (s->first && s->thrown))
            continue;
        if (now + 1 > max)
            max = now + 1;
        if (s->wait != STEPS_W_DONE) {
            working[s->task] = 1;
            now++;
        }
    }
    free(working);
    return max;
}

/* The task awaited by step s: the name inside its "<Task pending name=..>"
 * repr is not recorded, so the label says "a task". */
void steps_wait_label(sim_buf *b, const steps_list *L, int i, const sim_trace *T,
                      const sim_scenario *sc)
{
    const steps_step *s = &L->s[i];
    const char *q = s->queue >= 0 && s->queue < sc->nqueues ? sc->queues[s->queue].name : "queue";
    switch (s->wait) {
    case STEPS_W_DONE: sim_buf_puts(b, "done"); break;
    case STEPS_W_SLEEP: sim_buf_printf(b, "asyncio.sleep(%g)", s->delay); break;
    case STEPS_W_YIELD: sim_buf_puts(b, "asyncio.sleep(0)"); break;
    case STEPS_W_QUEUE_GET: sim_buf_printf(b, "await %s.get()", q); break;
    case STEPS_W_QUEUE_PUT: sim_buf_printf(b, "await %s.put()", q); break;
    case STEPS_W_TASK: sim_buf_puts(b, "await task"); break;
    case STEPS_W_GATHER: sim_buf_puts(b, "await gather"); break;
    default:
        sim_buf_printf(b, "await %s", s->yield_ev ? sim_trace_str(T, s->yield_repr) : "?");
    }
}
