/*
 * loop.c -- the event loop: BaseEventLoop._run_once, run_forever,
 * run_until_complete and asyncio.run, as CPython 3.11 has them, in virtual
 * time (ASYNCIO-RULES A1-A7, F18).
 *
 * The ready queue is a ring buffer of handles (O(1) push and pop); timers
 * are a binary heap ordered by (when, scheduling sequence) (O(log n)).
 * Handles come from a free list, so the hot path does not call malloc once
 * the pools are warm. A cancelled timer stays in the heap until it reaches
 * the head, as in CPython.
 */
#include "runtime.h"

#include <stdio.h>
#include <stdlib.h>

#define CLOCK_RESOLUTION 1e-9

void *sim_grow(void *p, size_t *cap, size_t elem)
{
    *cap = *cap ? *cap * 2 : 64;
    p = realloc(p, *cap * elem);
    if (!p)
        abort();
    return p;
}

sim_loop *sim_loop_new(sim_state *S)
{
    sim_loop *L = sim_arena_zalloc(&S->arena, sizeof *L);
    L->hdr.kind = SIM_OBJ_LOOP;
    L->hdr.label = "_UnixSelectorEventLoop running=False closed=False debug=False";
    L->id = ++S->nloops;
    L->next = S->loops;
    S->loops = L;
    sim_event *e = sim_emit(S, SIM_EV_LOOP_NEW, -1, -1);
    if (e)
        e->loop = (uint16_t)L->id;
    return L;
}

static sim_handle *handle_alloc(sim_state *S, int kind)
{
    sim_handle *h = S->handle_free;
    if (h)
        S->handle_free = h->next_free;
    else
        h = sim_arena_zalloc(&S->arena, sizeof *h);
    uint32_t gen = h->gen;
    *h = (sim_handle){0};
    h->gen = gen;
    h->kind = (uint8_t)kind;
    h->id = S->nhandles++;
    return h;
}

/* Return h to the pool; outstanding (pointer, gen) pairs go stale. */
static void handle_release(sim_state *S, sim_handle *h)
{
    h->gen++;
    h->next_free = S->handle_free;
    S->handle_free = h;
}

static int handle_task_index(const sim_handle *h)
{
    if (h->task)
        return h->task->index;
    return -1;
}

static void ready_append(sim_state *S, sim_loop *L, sim_handle *h)
{
    if (L->rlen == L->rcap) {            /* grow and unwrap the ring */
        size_t cap = L->rcap ? L->rcap * 2 : 64;
        sim_handle **r = malloc(cap * sizeof *r);
        if (!r)
            abort();
        for (size_t i = 0; i < L->rlen; i++)
            r[i] = L->ready[(L->rhead + i) % L->rcap];
        free(L->ready);
        L->ready = r;
        L->rcap = cap;
        L->rhead = 0;
    }
    L->ready[(L->rhead + L->rlen) % L->rcap] = h;
    L->rlen++;
    sim_event *e = sim_emit(S, SIM_EV_READY_PUSH, handle_task_index(h), -1);
    if (e) {
        e->a = h->id;
        e->b = h->kind;
    }
}

static sim_handle *ready_popleft(sim_loop *L)
{
    sim_handle *h = L->ready[L->rhead];
    L->rhead = (L->rhead + 1) % L->rcap;
    L->rlen--;
    return h;
}

sim_handle *sim_loop_call_soon(sim_state *S, sim_loop *L, int kind)
{
    sim_handle *h = handle_alloc(S, kind);
    ready_append(S, L, h);
    return h;
}

static int timer_less(const sim_handle *a, const sim_handle *b)
{
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void heap_push(sim_loop *L, sim_handle *h)
{
    if (L->hlen == L->hcap)
        L->heap = sim_grow(L->heap, &L->hcap, sizeof *L->heap);
    size_t i = L->hlen++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!timer_less(h, L->heap[p]))
            break;
        L->heap[i] = L->heap[p];
        i = p;
    }
    L->heap[i] = h;
}

/* heapq.heappop exactly (_siftup: the smaller child moves up to a leaf,
 * then the last item bubbles up, _siftdown). With a total order any heap
 * pops the same sequence; a timer due at nan compares false both ways, and
 * then only the very same algorithm gives CPython's order. */
static sim_handle *heap_pop(sim_loop *L)
{
    sim_handle *top = L->heap[0], *last = L->heap[--L->hlen];
    size_t n = L->hlen, pos = 0, c = 1;
    if (!n)
        return top;
    while (c < n) {
        if (c + 1 < n && !timer_less(L->heap[c], L->heap[c + 1]))
            c++;
        L->heap[pos] = L->heap[c];
        pos = c;
        c = 2 * pos + 1;
    }
    while (pos > 0) {
        size_t p = (pos - 1) / 2;
        if (!timer_less(last, L->heap[p]))
            break;
        L->heap[pos] = L->heap[p];
        pos = p;
    }
    L->heap[pos] = last;
    return top;
}

sim_handle *sim_loop_call_later(sim_state *S, sim_loop *L, double delay, int kind)
{
    sim_handle *h = handle_alloc(S, kind);
    h->when = S->clock + delay;
    h->seq = S->timer_seq++;
    h->in_heap = 1;
    heap_push(L, h);
    sim_event *e = sim_emit(S, SIM_EV_TIMER_PUSH, S->cur_task ? S->cur_task->index : -1, -1);
    if (e) {
        e->a = h->id;
        e->x = h->when;
    }
    return h;
}

void sim_handle_cancel(sim_state *S, sim_handle *h, uint32_t gen)
{
    if (!h || h->gen != gen || h->cancelled)
        return;
    h->cancelled = 1;
    sim_event *e = sim_emit(S, SIM_EV_TIMER_CANCEL, -1, -1);
    if (e)
        e->a = h->id;
}

/* Run one handle: the callback it stands for. */
static void handle_run(sim_state *S, sim_handle *h)
{
    switch (h->kind) {
    case SIM_H_STEP:
        sim_task_step(S, h->task, h->exc);
        break;
    case SIM_H_WAKEUP:
        sim_task_wakeup(S, h->task, h->fut);
        break;
    case SIM_H_TIMER_SLEEP:              /* _set_result_unless_cancelled */
        if (h->fut->state == SIM_TASK_PENDING)
            sim_future_set_result(S, h->fut, sim_none());
        break;
    case SIM_H_GATHER_CB:
        sim_gather_done_cb(S, h->gather, h->fut);
        break;
    case SIM_H_RUC_CB:                   /* _run_until_complete_cb */
        if (h->fut->state != SIM_TASK_CANCELLED)
            h->fut->log_traceback = 0;    /* it calls fut.exception() */
        if (h->fut->state != SIM_TASK_FAILED ||
            !(sim_exctypes_is(&S->sc->types, h->fut->exc->type, SIM_EXC_KEYBOARDINTERRUPT) ||
              sim_exctypes_is(&S->sc->types, h->fut->exc->type, SIM_EXC_SYSTEMEXIT)))
            h->fut->loop->stopping = 1;
        break;
    }
}

/* Drop cancelled timers at the heap head, then compute how long select()
 * would wait: 0 when something is ready or the loop stops, the time to
 * the first timer, or -1 for "forever". */
static double loop_timeout(sim_state *S, sim_loop *L)
{
    while (L->hlen && L->heap[0]->cancelled)
        handle_release(S, heap_pop(L));
    if (L->rlen || L->stopping)
        return 0;
    if (L->hlen) {
        double d = L->heap[0]->when - S->clock;
        return d > 0 ? d : 0;
    }
    return -1;
}

/* Move every timer due before now + resolution to the end of the ready
 * queue, in heap order. CPython stops at `when >= end_time`, so a timer
 * whose deadline is nan (sleep(nan)) is due at once. */
static void loop_collect_timers(sim_state *S, sim_loop *L)
{
    double end = S->clock + CLOCK_RESOLUTION;
    while (L->hlen && !(L->heap[0]->when >= end)) {
        sim_handle *h = heap_pop(L);
        h->in_heap = 0;
        if (h->cancelled) {
            handle_release(S, h);
            continue;
        }
        sim_event *e = sim_emit(S, SIM_EV_TIMER_POP, handle_task_index(h), -1);
        if (e)
            e->a = h->id;
        ready_append(S, L, h);
    }
}

/* Run the ntodo handles that were ready when the iteration began. Returns
 * -1 when a KeyboardInterrupt/SystemExit escaped (left in S->escaped). */
static int loop_run_ready(sim_state *S, sim_loop *L, size_t ntodo)
{
    for (size_t i = 0; i < ntodo && L->rlen; i++) {
        sim_handle *h = ready_popleft(L);
        sim_event *e = sim_emit(S, SIM_EV_READY_POP, handle_task_index(h), -1);
        if (e) {
            e->a = h->id;
            e->b = h->kind;
            e->c = h->cancelled;
        }
        if (!h->cancelled) {
            double t0 = S->clock;
            handle_run(S, h);
            /* Handle._run times the callback only when it returns: a
             * KeyboardInterrupt or SystemExit leaving it skips the check. */
            if (!S->escaped && S->clock - t0 >= 0.1
                && (e = sim_emit(S, SIM_EV_SLOW_STEP, handle_task_index(h), -1)))
                e->x = S->clock - t0;
        }
        handle_release(S, h);
        if (S->escaped)
            return -1;
    }
    return 0;
}

/* One _run_once. Returns 0, 1 when the loop would wait forever (nothing
 * ready and no timer, or a timer the clock can never reach), or -1 when
 * an exception escaped a handle. */
static int loop_run_once(sim_state *S, sim_loop *L)
{
    double timeout = loop_timeout(S, L);
    if (timeout < 0)
        return 1;
    L->iter++;
    sim_event *e = sim_emit(S, SIM_EV_ITER, -1, -1);
    if (e) {
        e->a = (int32_t)L->iter;
        e->b = (int32_t)L->rlen;
    }
    if (timeout > 0)
        sim_clock_advance_to(S, L->heap[0]->when);
    loop_collect_timers(S, L);
    if (!L->rlen && !L->stopping && L->hlen)
        return 1;  /* a timer at the clock yet never due (past 2**24 s, now + 1e-9 == now):
                      every iteration would be this one, a spin only Ctrl-C ends */
    return loop_run_ready(S, L, L->rlen);
}

void *sim_grow_noted(void *items, size_t elem, int **prints, size_t n, size_t *cap)
{
    if (n < *cap)
        return items;
    size_t c = *cap;
    items = sim_grow(items, &c, elem);
    *prints = sim_grow(*prints, cap, sizeof **prints);
    return items;
}

/* Record an interrupt: the course presses Ctrl-C when the loop idles. */
static void loop_interrupt(sim_state *S)
{
    S->interrupts = sim_grow_noted(S->interrupts, sizeof *S->interrupts, &S->interrupt_prints,
                               S->ninterrupts, &S->capinterrupts);
    S->interrupt_prints[S->ninterrupts] = (int)S->nprints;
    S->interrupts[S->ninterrupts++] = S->clock;
    sim_emit(S, SIM_EV_INTERRUPT, -1, -1);
}

int sim_loop_run_forever(sim_state *S, sim_loop *L, sim_exc **exc)
{
    if (L->closed) {
        *exc = sim_err(S, SIM_EXC_RUNTIMEERROR, "Event loop is closed");
        return -1;
    }
    sim_loop *saved = S->running;
    int line = S->line;             /* main's statement, for the events after */
    S->running = L;
    int rc;
    for (;;) {
        rc = loop_run_once(S, L);
        if (rc || L->stopping)
            break;
    }
    L->stopping = 0;
    S->running = saved;
    S->line = line;
    if (rc == 1)
        loop_interrupt(S);
    if (rc == -1) {
        *exc = S->escaped;
        S->escaped = NULL;
    }
    return rc;
}

/* run_until_complete(f): f is already a future of L. The interrupt of a
 * loop that would wait forever ends the scenario (format section 4). */
int sim_loop_run_until_complete(sim_state *S, sim_loop *L, sim_future *f,
                                int new_task, sim_value *out, sim_exc **exc)
{
    if (L->closed) {
        *exc = sim_err(S, SIM_EXC_RUNTIMEERROR, "Event loop is closed");
        return -1;
    }
    if (f->loop != L) {
        *exc = sim_err(S, SIM_EXC_VALUEERROR,
                       "The future belongs to a different loop than the one specified as the loop argument");
        return -1;
    }
    sim_future_add_callback(S, f, CB_RUC, L);
    int rc = sim_loop_run_forever(S, L, exc);
    sim_future_remove_callback(f, CB_RUC, L);
    if (rc == 1)
        sim_end_now(S, SIM_END_INTERRUPTED, NULL);
    if (rc == -1) {
        if (new_task && f->state == SIM_TASK_FAILED)
            f->log_traceback = 0;
        return -1;
    }
    if (f->state == SIM_TASK_PENDING) {
        *exc = sim_err(S, SIM_EXC_RUNTIMEERROR, "Event loop stopped before Future completed.");
        return -1;
    }
    return sim_future_result(S, f, out, exc);
}

void sim_loop_close(sim_state *S, sim_loop *L)
{
    while (L->rlen)
        handle_release(S, ready_popleft(L));
    while (L->hlen)
        handle_release(S, heap_pop(L));
    L->closed = 1;
    L->hdr.label = "_UnixSelectorEventLoop running=False closed=True debug=False";
    sim_emit(S, SIM_EV_LOOP_CLOSE, -1, -1);
}

/* _cancel_all_tasks found a leftover that failed: task.exception() marks
 * it retrieved, and call_exception_handler logs "unhandled exception
 * during asyncio.run() shutdown" with it. */
static void log_shutdown_error(sim_state *S, sim_task *t)
{
    t->fut.log_traceback = 0;
    S->shutdown_errors = sim_grow_noted(S->shutdown_errors, sizeof *S->shutdown_errors,
                                    &S->shutdown_prints, S->nshutdown_errors,
                                    &S->capshutdown_errors);
    S->shutdown_prints[S->nshutdown_errors] = (int)S->nprints;
    S->shutdown_errors[S->nshutdown_errors++] = t->index;
    sim_event *e = sim_emit(S, SIM_EV_WARNING, t->index, -1);
    if (e) {
        e->a = SIM_WARN_SHUTDOWN_ERROR;
        e->b = t->fut.exc ? sim_exc_id(S, t->fut.exc) : 0;
    }
}

/* Runner.close(): _cancel_all_tasks in creation order, then the two
 * shutdown coroutines as tasks of their own, then close the loop. An
 * exception on the way (a run ended early by a stale stop(), a
 * KeyboardInterrupt) skips what is left, the check of the leftovers'
 * exceptions included, and is returned: asyncio.run raises it. */
static int asyncio_run_close(sim_state *S, sim_loop *L, sim_exc **exc)
{
    size_t n = 0;
    sim_future **pend = sim_arena_alloc(&S->arena, (L->ntasks + 1) * sizeof *pend);
    for (size_t i = 0; i < L->ntasks; i++)
        if (L->tasks[i]->fut.state == SIM_TASK_PENDING)
            pend[n++] = &L->tasks[i]->fut;
    sim_value v;
    int rc = 0;
    if (n) {
        for (size_t i = 0; i < n; i++)
            sim_future_cancel(S, pend[i]);
        sim_future *g = sim_gather_new(S, L, pend, (int)n, 1);
        rc = sim_loop_run_until_complete(S, L, g, 0, &v, exc);
        for (size_t i = 0; i < n && rc == 0; i++)
            if (pend[i]->state == SIM_TASK_FAILED)
                log_shutdown_error(S, (sim_task *)pend[i]);
    }
    static const int kinds[2] = {LIB_SHUTDOWN_ASYNCGENS, LIB_SHUTDOWN_EXECUTOR};
    for (int i = 0; i < 2 && rc == 0; i++) {
        sim_task *t = sim_task_new(S, L, sim_coro_library(S, kinds[i], sim_none(), NULL));
        rc = sim_loop_run_until_complete(S, L, &t->fut, 1, &v, exc);
    }
    S->current = NULL;
    sim_loop_close(S, L);
    return rc;
}

int sim_asyncio_run(sim_state *S, sim_value v, sim_value *out, sim_exc **exc)
{
    sim_loop *L = sim_loop_new(S);           /* Runner.__enter__ */
    S->current = L;
    sim_event *e = sim_emit(S, SIM_EV_RUN_BEGIN, -1, -1);
    if (e)
        e->a = SIM_RUN_ASYNCIO;
    int rc = -1;
    if (v.type == SIM_OBJ && v.u.o->kind == SIM_OBJ_CORO && !((sim_coro *)v.u.o)->generator) {
        sim_task *t = sim_task_new(S, L, (sim_coro *)v.u.o);
        rc = sim_loop_run_until_complete(S, L, &t->fut, 1, out, exc);
    } else {
        sim_buf *b = &S->tmp;
        b->len = 0;
        const sim_coro *g = v.type == SIM_OBJ && v.u.o->kind == SIM_OBJ_CORO ? (sim_coro *)v.u.o
                                                                           : NULL;
        if (g && !g->bare)      /* asyncio.run(W()): the awaitable object, not its __await__ */
            sim_buf_printf(b, "<__main__.%s object>", g->name);
        else
            sim_value_repr(b, &S->sc->types, v);
        sim_buf_putc(b, 0);
        *exc = sim_err(S, SIM_EXC_VALUEERROR, "a coroutine was expected, got %s", b->p);
    }
    sim_exc *close_exc = NULL;
    if (asyncio_run_close(S, L, &close_exc) < 0) {
        *exc = close_exc;                    /* replaces main's outcome */
        rc = -1;
    }
    e = sim_emit(S, SIM_EV_RUN_END, -1, -1);
    if (e)
        e->a = SIM_RUN_ASYNCIO;
    return rc;
}
