/*
 * future.c -- asyncio.Future, Task and gather, as CPython 3.11 writes them
 * in Lib/asyncio/futures.py and tasks.py.
 *
 * Completion never runs a callback directly: every done callback is queued
 * on the loop with call_soon (Future.__schedule_callbacks), which is why an
 * awaiter resumes one iteration after what it awaits completes, and the
 * awaiter of a gather one more.
 */
#include "runtime.h"

#include <stdio.h>
#include <stdlib.h>

#include <string.h>

static int is_cancelled_error(sim_state *S, const sim_exc *e)
{
    return e && sim_exctypes_is(&S->sc->types, e->type, SIM_EXC_CANCELLEDERROR);
}

sim_exc *sim_cancelled_error(sim_state *S)
{
    return sim_exc_new(&S->arena, SIM_EXC_CANCELLEDERROR, NULL);
}

sim_future *sim_future_new(sim_state *S, sim_loop *loop, int what)
{
    sim_future *f = S->fut_free;
    if (f) {
        S->fut_free = f->next_free;
        memset(f, 0, sizeof *f);
    } else {
        f = sim_arena_zalloc(&S->arena, sizeof *f);
    }
    f->hdr.kind = SIM_OBJ_FUTURE;
    f->hdr.label = "Future pending";
    f->fkind = FUT_PLAIN;
    f->what = (uint8_t)what;
    f->id = S->nfutures++;
    f->loop = loop;
    f->result = sim_none();
    return f;
}

void sim_future_release(sim_state *S, sim_future *f)
{
    if (f->escaped || f->fkind != FUT_PLAIN || f->cbs || S->waking != f)
        return;
    f->next_free = S->fut_free;
    S->fut_free = f;
}

/* Future.__schedule_callbacks: queue every callback, in registration
 * order, as its own handle; the list is emptied. */
static void schedule_callbacks(sim_state *S, sim_future *f)
{
    static const uint8_t hkind[] = {SIM_H_WAKEUP, SIM_H_GATHER_CB, SIM_H_RUC_CB};
    sim_callback *cb = f->cbs;
    f->cbs = f->cbs_tail = NULL;
    while (cb) {
        sim_callback *next = cb->next;
        sim_handle *h = sim_loop_call_soon(S, f->loop, hkind[cb->kind]);
        h->fut = f;
        if (cb->kind == CB_WAKEUP)
            h->task = cb->obj;
        else if (cb->kind == CB_GATHER)
            h->gather = cb->obj;
        cb->next = S->cb_free;
        S->cb_free = cb;
        cb = next;
    }
}

/* Trace the completion of f with its state and its result or exception. */
static void trace_done(sim_state *S, sim_future *f)
{
    sim_event *e;
    if (f->fkind == FUT_TASK) {
        sim_task *t = (sim_task *)f;
        e = sim_emit(S, SIM_EV_TASK_DONE, t->index, t->coro->id);
        if (e) {
            e->a = f->state;
            e->b = f->state == SIM_TASK_FINISHED ? sim_repr_id(S, f->result)
                 : f->exc ? sim_exc_id(S, f->exc) : 0;
        }
        return;
    }
    e = sim_emit(S, SIM_EV_FUTURE_DONE, -1, -1);
    if (e) {
        e->a = f->id;
        e->b = f->what;
        e->c = f->state;
    }
}

/* Move f from pending to state (result/exception already stored). */
static void future_complete(sim_state *S, sim_future *f, int state)
{
    f->state = (uint8_t)state;
    if (f->fkind == FUT_TASK)
        f->hdr.label = state == SIM_TASK_FINISHED ? "Task finished"
                     : state == SIM_TASK_FAILED ? "Task finished with an exception"
                     : "Task cancelled";
    else
        f->hdr.label = state == SIM_TASK_CANCELLED ? "Future cancelled" : "Future finished";
    trace_done(S, f);
    schedule_callbacks(S, f);
}

void sim_future_set_result(sim_state *S, sim_future *f, sim_value v)
{
    if (f->state != SIM_TASK_PENDING)
        return;
    f->result = v;
    future_complete(S, f, SIM_TASK_FINISHED);
}

void sim_future_set_exception(sim_state *S, sim_future *f, sim_exc *e)
{
    if (f->state != SIM_TASK_PENDING)
        return;
    f->exc = e;
    f->log_traceback = 1;
    future_complete(S, f, SIM_TASK_FAILED);
}

/* Future.cancel() itself (what Task.__step calls as super().cancel()). */
static int future_cancel_base(sim_state *S, sim_future *f)
{
    f->log_traceback = 0;
    if (f->state != SIM_TASK_PENDING)
        return 0;
    future_complete(S, f, SIM_TASK_CANCELLED);
    return 1;
}

static int cancel_at(sim_state *S, sim_future *f, int depth);

/* Task.cancel(): cancel what the task waits on, or mark it so that the
 * next __step throws CancelledError in (format 4, rules C13). -1 when the
 * chain of waiters is too deep (see cancel_at). */
static int task_cancel(sim_state *S, sim_task *t, int depth)
{
    t->fut.log_traceback = 0;
    sim_event *e = sim_emit(S, SIM_EV_CANCEL, t->index, t->coro->id);
    if (t->fut.state != SIM_TASK_PENDING)
        return 0;
    t->num_cancels++;
    if (e)
        e->a = 1;
    /* cancelling the waiter emits events, which may move the trace: the
     * record is found again by its index */
    size_t ei = e ? S->trace.n - 1 : 0;
    int r = t->fut_waiter ? cancel_at(S, t->fut_waiter, depth + 1) : 0;
    if (r < 0)
        return -1;
    if (r) {
        if (e)
            sim_trace_set_b(&S->trace, ei, 1);
        return 1;
    }
    t->must_cancel = 1;
    return 1;
}

/* _GatheringFuture.cancel(): cancel the children; the outer future itself
 * completes later, from the children's done callbacks. */
static int gather_cancel(sim_state *S, sim_gather *g, int depth)
{
    if (g->fut.state != SIM_TASK_PENDING)
        return 0;
    int ret = 0;
    for (int i = 0; i < g->n; i++) {
        int r = cancel_at(S, g->children[i], depth + 1);
        if (r < 0)
            return -1;
        ret |= r;
    }
    if (ret)
        g->cancel_requested = 1;
    return ret;
}

/* cancel() of f, depth calls deep in a chain of task -> the future it
 * waits on -> a gather's children. CPython recurses the same way, so a
 * task that awaits (through gathers) a gather holding itself, or a very
 * long chain, ends in RecursionError: past the scenario's max_depth (at
 * most CANCEL_DEPTH_MAX, to keep the C stack safe) this returns -1 and
 * the cancels stop where they are, as the exception would stop them. */
#define CANCEL_DEPTH_MAX 2000
static int cancel_at(sim_state *S, sim_future *f, int depth)
{
    int limit = S->sc->limits.max_depth < CANCEL_DEPTH_MAX ? S->sc->limits.max_depth
                                                            : CANCEL_DEPTH_MAX;
    if (depth >= limit)
        return -1;
    if (f->fkind == FUT_TASK)
        return task_cancel(S, (sim_task *)f, depth);
    if (f->fkind == FUT_GATHER)
        return gather_cancel(S, (sim_gather *)f, depth);
    return future_cancel_base(S, f);
}

/* f.cancel(): 1 when it was cancelled (or will be), 0 when it was done
 * already, -1 when the cancel recursed too deep: the caller raises
 * RecursionError (where CPython's cancel() would raise it). */
int sim_future_cancel(sim_state *S, sim_future *f)
{
    return cancel_at(S, f, 0);
}

/* Future._make_cancelled_error: the CancelledError that escaped the task
 * the first time, a fresh one afterwards. A future that is not cancelled
 * (gather asks its last child, whatever became of it) keeps its exception
 * and gives a fresh one. */
static sim_exc *make_cancelled_error(sim_state *S, sim_future *f)
{
    if (f->state != SIM_TASK_CANCELLED)
        return sim_cancelled_error(S);
    sim_exc *e = f->exc;
    f->exc = NULL;
    return e ? e : sim_cancelled_error(S);
}

int sim_future_result(sim_state *S, sim_future *f, sim_value *out, sim_exc **exc)
{
    if (f->state == SIM_TASK_CANCELLED) {
        *exc = make_cancelled_error(S, f);
        return -1;
    }
    if (f->state == SIM_TASK_PENDING) {
        *exc = sim_exc_new(&S->arena, SIM_EXC_INVALIDSTATEERROR, "Result is not set.");
        return -1;
    }
    f->log_traceback = 0;
    if (f->state == SIM_TASK_FAILED) {
        *exc = f->exc;
        return -1;
    }
    *out = f->result;
    return 0;
}

int sim_future_exception(sim_state *S, sim_future *f, sim_value *out, sim_exc **exc)
{
    if (f->state == SIM_TASK_CANCELLED) {
        *exc = make_cancelled_error(S, f);
        return -1;
    }
    if (f->state == SIM_TASK_PENDING) {
        *exc = sim_exc_new(&S->arena, SIM_EXC_INVALIDSTATEERROR, "Exception is not set.");
        return -1;
    }
    f->log_traceback = 0;
    if (f->state == SIM_TASK_FAILED) {
        out->type = SIM_EXC;
        out->u.e = f->exc;
    } else {
        *out = sim_none();
    }
    return 0;
}

/* add_done_callback: on a done future the callback is queued at once. */
void sim_future_add_callback(sim_state *S, sim_future *f, int kind, void *obj)
{
    sim_callback *cb = S->cb_free;
    if (cb)
        S->cb_free = cb->next;
    else
        cb = sim_arena_alloc(&S->arena, sizeof *cb);
    cb->kind = (uint8_t)kind;
    cb->obj = obj;
    cb->next = NULL;
    /* A second waiter (a task that sent into another task's coroutine got
     * the future yielded again) still refers to it after the first one's
     * sleep returns: never reuse it. */
    if (f->cbs)
        f->escaped = 1;
    if (f->cbs_tail)
        f->cbs_tail->next = cb;
    else
        f->cbs = cb;
    f->cbs_tail = cb;
    if (f->state != SIM_TASK_PENDING)
        schedule_callbacks(S, f);
}

void sim_future_remove_callback(sim_future *f, int kind, void *obj)
{
    sim_callback **p = &f->cbs, *last = NULL;
    while (*p) {
        if ((*p)->kind == kind && (*p)->obj == obj) {
            *p = (*p)->next;
            continue;
        }
        last = *p;
        p = &(*p)->next;
    }
    f->cbs_tail = last;
}

/* "Task-N" as a str value, written without printf (one per task). */
static sim_str *task_name(sim_state *S, int n)
{
    char name[32], digits[16];
    int k = 0;
    unsigned u = (unsigned)n;
    do
        digits[k++] = (char)('0' + u % 10);
    while (u /= 10);
    memcpy(name, "Task-", 5);
    for (int i = 0; i < k; i++)
        name[5 + i] = digits[k - 1 - i];
    name[5 + k] = 0;
    return sim_str_cstr(&S->arena, name);
}

sim_task *sim_task_new(sim_state *S, sim_loop *loop, sim_coro *co)
{
    sim_task *t = sim_arena_zalloc(&S->arena, sizeof *t);
    t->fut.hdr.kind = SIM_OBJ_TASK;
    t->fut.hdr.label = "Task pending";
    t->fut.fkind = FUT_TASK;
    t->fut.id = S->nfutures++;
    t->fut.loop = loop;
    t->fut.result = sim_none();
    t->coro = co;
    t->name_str = task_name(S, ++S->task_counter);
    t->name = t->name_str->data;
    t->index = (int32_t)S->ntasks;
    if (S->ntasks == S->captasks) {
        S->captasks = S->captasks ? S->captasks * 2 : 64;
        S->tasks = realloc(S->tasks, S->captasks * sizeof *S->tasks);
    }
    S->tasks[S->ntasks++] = t;
    if (loop->ntasks == loop->captasks) {
        loop->captasks = loop->captasks ? loop->captasks * 2 : 64;
        loop->tasks = realloc(loop->tasks, loop->captasks * sizeof *loop->tasks);
    }
    loop->tasks[loop->ntasks++] = t;
    sim_event *e = sim_emit(S, SIM_EV_TASK_NEW, t->index, co->id);
    if (e) {
        e->a = sim_trace_add(&S->trace, t->name, strlen(t->name)); /* new: see sim_trace_add */
        e->b = sim_str_id(S, co->name);
    }
    sim_loop_call_soon(S, loop, SIM_H_STEP)->task = t;
    return t;
}

/* Queue a step of t that throws a RuntimeError built from fmt. */
static void step_soon_error(sim_state *S, sim_task *t, sim_exc *e)
{
    sim_handle *h = sim_loop_call_soon(S, t->fut.loop, SIM_H_STEP);
    h->task = t;
    h->exc = e;
}

/* RuntimeError "Task <repr of t> " + what + the repr of v: the two bad
 * yields whose message names both the task and what it yielded. */
static sim_exc *bad_yield_error(sim_state *S, const sim_task *t, const char *what, sim_value v)
{
    sim_buf own = {0};
    sim_task_repr(&own, t);
    sim_exc *e = sim_err(S, SIM_EXC_RUNTIMEERROR, what, own.p, sim_repr_cstr(S, v));
    sim_buf_free(&own);
    return e;
}

/* What __step does with the value the coroutine yielded. */
static int task_handle_yield(sim_state *S, sim_task *t, sim_value v)
{
    if (v.type == SIM_NONE) {
        sim_loop_call_soon(S, t->fut.loop, SIM_H_STEP)->task = t;
        return SIM_STEP_BARE_YIELD;
    }
    if (v.type != SIM_OBJ || (v.u.o->kind != SIM_OBJ_FUTURE && v.u.o->kind != SIM_OBJ_TASK)) {
        step_soon_error(S, t, sim_err(S, SIM_EXC_RUNTIMEERROR, "Task got bad yield: %s",
                                      sim_repr_cstr(S, v)));
        return SIM_STEP_BAD_YIELD;
    }
    sim_future *f = (sim_future *)v.u.o;
    if (f->loop != t->fut.loop) {
        step_soon_error(S, t, bad_yield_error(S, t,
            "Task %s got Future %s attached to a different loop", v));
        return SIM_STEP_BAD_YIELD;
    }
    if (!f->blocking) {
        step_soon_error(S, t, bad_yield_error(S, t,
            "yield was used instead of yield from in task %s with %s", v));
        return SIM_STEP_BAD_YIELD;
    }
    if (f == &t->fut) {
        step_soon_error(S, t, sim_err(S, SIM_EXC_RUNTIMEERROR, "Task cannot await on itself: %s",
                                      sim_repr_cstr(S, v)));
        return SIM_STEP_BAD_YIELD;
    }
    f->blocking = 0;
    sim_future_add_callback(S, f, CB_WAKEUP, t);
    t->fut_waiter = f;
    if (t->must_cancel && sim_future_cancel(S, f) > 0)
        t->must_cancel = 0;
    return SIM_STEP_AWAIT;
}

/* Task.__step(exc): one send (or throw) into the task's coroutine, then
 * settle what came out: a result, an exception, a cancellation, or a
 * yielded future to wait on. KeyboardInterrupt and SystemExit are stored
 * and also left in S->escaped for the loop to re-raise. */
void sim_task_step(sim_state *S, sim_task *t, sim_exc *exc)
{
    if (t->fut.state != SIM_TASK_PENDING)
        return;
    if (t->must_cancel) {
        if (!is_cancelled_error(S, exc))
            exc = sim_cancelled_error(S);
        t->must_cancel = 0;
    }
    t->fut_waiter = NULL;
    sim_task *saved = S->cur_task;
    S->cur_task = t;
    S->line = sim_coro_line(t->coro);
    sim_event *e = sim_emit(S, SIM_EV_STEP_BEGIN, t->index, t->coro->id);
    if (e && exc) {
        e->a = 1;
        e->b = sim_exc_id(S, exc);
    }
    sim_value out;
    sim_exc *err = NULL;
    sim_resume r = sim_coro_resume(S, t->coro, sim_none(), exc, &out, &err);
    int how = SIM_STEP_DONE;
    if (r == RES_RAISE && sim_exctypes_is(&S->sc->types, err->type, SIM_EXC_STOPITERATION)) {
        r = RES_RETURN;          /* `except StopIteration as exc: set_result(exc.value)`: */
        out = err->value;        /* a task of a generator that had already finished */
    }
    if (r == RES_RETURN) {
        if (t->must_cancel) {
            t->must_cancel = 0;
            future_cancel_base(S, &t->fut);
        } else {
            sim_future_set_result(S, &t->fut, out);
        }
    } else if (r == RES_RAISE) {
        if (is_cancelled_error(S, err)) {
            future_cancel_base(S, &t->fut);
            t->fut.exc = err;
        } else {
            sim_future_set_exception(S, &t->fut, err);
            if (sim_exctypes_is(&S->sc->types, err->type, SIM_EXC_KEYBOARDINTERRUPT) ||
                sim_exctypes_is(&S->sc->types, err->type, SIM_EXC_SYSTEMEXIT))
                S->escaped = err;
        }
    } else {
        how = task_handle_yield(S, t, out);
    }
    S->cur_task = saved;
    e = sim_emit(S, SIM_EV_STEP_END, t->index, t->coro->id);
    if (e)
        e->a = how;
    /* a task only the loop held is freed as its failing step ends, and its
     * Future.__del__ logs "Task exception was never retrieved" then */
    if (t->anon && t->fut.state == SIM_TASK_FAILED && t->fut.log_traceback && !S->escaped)
        sim_warn_never_retrieved(S, t);
}

void sim_task_wakeup(sim_state *S, sim_task *t, sim_future *fut)
{
    sim_value v;
    sim_exc *e = NULL;
    S->waking = fut;                 /* see sim_future_release */
    if (sim_future_result(S, fut, &v, &e) < 0)
        sim_task_step(S, t, e);
    else
        sim_task_step(S, t, NULL);
    S->waking = NULL;
}

/* A set of pointers (open addressing, arena-owned): which futures a
 * gather has seen, as CPython's arg_to_fut dict, so that asyncio.run's
 * gather of every pending task stays linear. */
typedef struct ptr_set {
    const void **slot;
    size_t mask;
} ptr_set;

static ptr_set ptr_set_new(sim_state *S, int n)
{
    size_t cap = 16;
    while (cap < 2 * (size_t)n)
        cap *= 2;
    ptr_set set = {sim_arena_zalloc(&S->arena, cap * sizeof *set.slot), cap - 1};
    return set;
}

/* Add p; 1 when it was new, 0 when it was already there. */
static int ptr_set_add(ptr_set *set, const void *p)
{
    uintptr_t u = (uintptr_t)p;
    size_t i = (size_t)((u >> 4) * 0x9E3779B97F4A7C15ull >> 32) & set->mask;
    while (set->slot[i]) {
        if (set->slot[i] == p)
            return 0;
        i = (i + 1) & set->mask;
    }
    set->slot[i] = p;
    return 1;
}

sim_gather *sim_gather_begin(sim_state *S, int n, int return_exceptions)
{
    sim_gather *g = sim_arena_zalloc(&S->arena, sizeof *g);
    g->fut.hdr.kind = SIM_OBJ_FUTURE;
    g->fut.hdr.label = "_GatheringFuture pending";
    g->fut.fkind = FUT_GATHER;
    g->fut.what = SIM_FUT_GATHER;
    g->fut.id = S->nfutures++;
    g->fut.result = sim_none();
    g->n = n;
    g->return_exceptions = (uint8_t)return_exceptions;
    g->orphan = 1;
    g->children = sim_arena_alloc(&S->arena, (size_t)n * sizeof *g->children);
    return g;
}

void sim_gather_add(sim_state *S, sim_gather *g, int i, sim_future *child, int first)
{
    g->children[i] = child;
    if (first) {
        g->nfuts++;
        sim_future_add_callback(S, child, CB_GATHER, g);
    }
}

sim_future *sim_gather_end(sim_gather *g, sim_loop *loop)
{
    g->fut.loop = loop;
    g->orphan = 0;
    return &g->fut;
}

sim_future *sim_gather_new(sim_state *S, sim_loop *loop, sim_future **futs,
                           int n, int return_exceptions)
{
    if (n == 0) {
        sim_future *f = sim_future_new(S, loop, SIM_FUT_GATHER);
        sim_future_set_result(S, f, sim_list_value(sim_list_new(&S->arena, 0)));
        return f;
    }
    sim_gather *g = sim_gather_begin(S, n, return_exceptions);
    ptr_set seen = ptr_set_new(S, n);
    for (int i = 0; i < n; i++)
        sim_gather_add(S, g, i, futs[i], ptr_set_add(&seen, futs[i]));
    return sim_gather_end(g, futs[0]->loop);
}

/* The list gather returns: results, exceptions and CancelledError('') for
 * cancelled children, in argument order. */
static sim_value gather_results(sim_state *S, sim_gather *g)
{
    sim_list *l = sim_list_new(&S->arena, (uint32_t)g->n);
    for (int i = 0; i < g->n; i++) {
        sim_future *c = g->children[i];
        sim_value v;
        if (c->state == SIM_TASK_CANCELLED) {
            v.type = SIM_EXC;
            v.u.e = sim_exc_new(&S->arena, SIM_EXC_CANCELLEDERROR, "");
        } else {
            sim_exc *ignored;
            sim_future_exception(S, c, &v, &ignored);
            if (v.type == SIM_NONE)
                v = c->result;
        }
        sim_list_append(&S->arena, l, v);
    }
    return sim_list_value(l);
}

/* gather's _done_callback(child). */
void sim_gather_done_cb(sim_state *S, sim_gather *g, sim_future *child)
{
    sim_future *outer = &g->fut;
    sim_value v;
    sim_exc *e = NULL;
    g->nfinished++;
    if (g->orphan || outer->state != SIM_TASK_PENDING) {   /* outer is None or done */
        if (child->state != SIM_TASK_CANCELLED)
            sim_future_exception(S, child, &v, &e);
        return;
    }
    if (!g->return_exceptions) {
        if (child->state == SIM_TASK_CANCELLED) {
            sim_future_set_exception(S, outer, make_cancelled_error(S, child));
            return;
        }
        sim_future_exception(S, child, &v, &e);
        if (v.type == SIM_EXC) {
            sim_future_set_exception(S, outer, v.u.e);
            return;
        }
    }
    if (g->nfinished < g->nfuts)
        return;
    v = gather_results(S, g);
    /* CPython's `for fut in children` has rebound fut to the last child */
    if (g->cancel_requested)
        sim_future_set_exception(S, outer, make_cancelled_error(S, g->children[g->n - 1]));
    else
        sim_future_set_result(S, outer, v);
}
