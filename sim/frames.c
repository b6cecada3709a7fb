/*
 * frames.c -- coroutine objects and the stacks they run on.
 *
 * C has no coroutines, so each Python frame is a heap object that keeps
 * its own cursor. A stack is a chain of frames (parent below, child above)
 * rooted in one coroutine object; resuming it resumes the innermost frame.
 * A frame stops for one of four reasons (sim_act): it yields (the value
 * travels up past every frame to whoever called send), it returns or
 * raises (its parent resumes with the value or the exception), or it
 * awaits something new (a child frame is pushed and entered).
 *
 * Library frames (asyncio.sleep, Future.__await__, Queue.get, Queue.put,
 * _wrap_awaitable, the asyncio.run shutdown coroutines) are small state
 * machines written after their Python source in Lib/asyncio.
 */
#include "runtime.h"
#include "bigint.h"

#include <stdio.h>
#include <stdlib.h>

#include <stddef.h>
#include <string.h>

static const char *const lib_names[] = {
    "sleep", "get", "put", "shutdown_asyncgens", "shutdown_default_executor",
    "_wrap_awaitable"};

/* ---- frame pool ------------------------------------------------------ */

static const int pool_locals[3] = {4, 16, 64};

sim_frame *sim_frame_alloc(sim_state *S, int nlocals)
{
    int pool = nlocals <= 4 ? 0 : nlocals <= 16 ? 1 : nlocals <= 64 ? 2 : 3;
    sim_frame *f = pool < 3 ? S->frame_free[pool] : NULL;
    if (f) {
        S->frame_free[pool] = f->next_free;
    } else {
        int n = pool < 3 ? pool_locals[pool] : nlocals;
        f = sim_arena_alloc(&S->arena, sizeof *f + (size_t)n * sizeof(sim_value));
    }
    memset(f, 0, offsetof(sim_frame, blk0));   /* blk0 is written on push */
    f->pool = (uint8_t)pool;
    f->locals = (sim_value *)(f + 1);
    f->blk = f->blk0;
    f->capblk = 4;
    return f;
}

void sim_frame_release(sim_state *S, sim_frame *f)
{
    if (f->pool < 3) {
        f->next_free = S->frame_free[f->pool];
        S->frame_free[f->pool] = f;
    }
}

/* ---- coroutine objects ------------------------------------------------ */

static sim_coro *coro_alloc(sim_state *S, const char *name, const char *label)
{
    sim_coro *co = sim_arena_zalloc(&S->arena, sizeof *co);
    co->hdr.kind = SIM_OBJ_CORO;
    co->hdr.label = label;
    co->id = S->ncoros++;
    co->name = name;
    co->state = CORO_CREATED;
    if (S->ncoro_list == S->capcoros) {
        S->capcoros = S->capcoros ? S->capcoros * 2 : 256;
        S->coros = realloc(S->coros, S->capcoros * sizeof *S->coros);
        if (!S->coros)
            abort();
    }
    S->coros[S->ncoro_list++] = co;
    return co;
}

/* repr label of coroutine objects of function fn, built once per run. */
static const char *coro_label(sim_state *S, const sim_call *call)
{
    const char **slot = &S->labels[call->func];
    if (!*slot) {
        const sim_func *fn = &S->sc->funcs[call->func];
        sim_buf *b = &S->tmp;
        b->len = 0;
        sim_buf_printf(b, call->awaitable ? "generator object %s.__await__"
                                          : "coroutine object %s", fn->name);
        *slot = sim_arena_strndup(&S->arena, b->p, b->len);
    }
    return *slot;
}

sim_coro *sim_coro_new(sim_state *S, const sim_call *call, sim_value *args)
{
    const sim_func *fn = &S->sc->funcs[call->func];
    sim_coro *co = coro_alloc(S, fn->name, coro_label(S, call));
    co->generator = (uint8_t)call->awaitable;
    co->frame = sim_frame_body(S, fn, args);
    co->frame->coro = co;
    return co;
}

sim_frame *sim_frame_library(sim_state *S, int kind, sim_value arg, sim_queue *q)
{
    static const uint8_t frkind[] = {FR_SLEEP, FR_QGET, FR_QPUT, FR_RETURN,
                                     FR_RETURN, FR_WRAP};
    sim_frame *f = sim_frame_alloc(S, 0);
    f->kind = frkind[kind];
    f->fkind = SIM_FR_LIBRARY;
    f->lval = arg;
    f->queue = q;
    if (kind == LIB_WRAP)
        f->inner = (sim_coro *)arg.u.o;
    return f;
}

sim_coro *sim_coro_library(sim_state *S, int kind, sim_value arg, sim_queue *q)
{
    static const char *const labels[] = {
        "coroutine object sleep", "coroutine object Queue.get",
        "coroutine object Queue.put", "coroutine object BaseEventLoop.shutdown_asyncgens",
        "coroutine object BaseEventLoop.shutdown_default_executor",
        "coroutine object _wrap_awaitable"};
    sim_coro *co = coro_alloc(S, lib_names[kind], labels[kind]);
    co->library = 1;
    /* CPython 3.11's _wrap_awaitable is a @types.coroutine generator: one
     * that never starts gives no 'never awaited' warning. */
    co->generator = kind == LIB_WRAP;
    co->frame = sim_frame_library(S, kind, arg, q);
    co->frame->coro = co;
    return co;
}

sim_frame *sim_frame_body(sim_state *S, const sim_func *fn, const sim_value *args)
{
    sim_frame *f = sim_frame_alloc(S, sim_frame_nheld(fn));
    f->kind = FR_BODY;
    f->fkind = fn->kind == SIM_F_AWAITABLE ? SIM_FR_AWAITABLE : SIM_FR_COROUTINE;
    f->func = fn;
    for (int i = 0; i < fn->nlocals; i++)
        f->locals[i].type = SIM_UNBOUND;
    for (int i = 0; i < fn->nparams; i++)
        f->locals[i] = args[i];
    for (int i = fn->nlocals; i < sim_frame_nheld(fn); i++)
        f->locals[i] = args[i - fn->nlocals];      /* the instance's own copy */
    f->nblk = 1;
    f->blk[0] = (sim_blk){.s = fn->body.s, .n = fn->body.n, .kind = BLK_BODY};
    return f;
}

int sim_coro_line(const sim_coro *co)
{
    if (co->state == CORO_CREATED || !co->frame || !co->frame->root)
        return 0;
    for (const sim_frame *f = co->frame->root->top; f; f = f->parent)
        if (f->kind == FR_BODY && f->cur)
            return f->cur->line;
    return 0;
}

/* Frame that awaits future f: Future.__await__. */
static sim_frame *future_await_frame(sim_state *S, sim_future *fut)
{
    sim_frame *f = sim_frame_alloc(S, 0);
    f->kind = FR_FUTURE_AWAIT;
    f->fkind = SIM_FR_LIBRARY;
    f->fut = fut;
    return f;
}

/* Why `await co` fails on a coroutine that has started (CPython's
 * GET_AWAITABLE, then SEND): it is done; its frame runs now (a coroutine
 * awaiting itself or a caller); or it is suspended in an await, its own
 * or one a task or main drives. An awaited coroutine stays CORO_RUNNING
 * while the stack it is part of waits, so it runs only if that stack is
 * the one executing. */
static sim_exc *await_refused(sim_state *S, const sim_coro *co)
{
    if (co->state == CORO_CLOSED)
        return sim_err(S, SIM_EXC_RUNTIMEERROR, "cannot reuse already awaited coroutine");
    if (co->state == CORO_RUNNING && co->frame && co->frame->root == S->executing)
        return sim_err(S, SIM_EXC_VALUEERROR, "coroutine already executing");
    return sim_err(S, SIM_EXC_RUNTIMEERROR, "coroutine is being awaited already");
}

sim_frame *sim_await_frame(sim_state *S, sim_value v, sim_exc **exc)
{
    if (v.type == SIM_OBJ && v.u.o->kind == SIM_OBJ_CORO && !((sim_coro *)v.u.o)->bare) {
        sim_coro *co = (sim_coro *)v.u.o;
        if (co->state != CORO_CREATED) {
            *exc = await_refused(S, co);
            return NULL;
        }
        co->state = CORO_RUNNING;
        return co->frame;
    }
    if (v.type == SIM_OBJ && (v.u.o->kind == SIM_OBJ_FUTURE || v.u.o->kind == SIM_OBJ_TASK))
        return future_await_frame(S, (sim_future *)v.u.o);
    /* a bare generator is not awaitable: only the object with __await__ is */
    *exc = sim_err(S, SIM_EXC_TYPEERROR, "object %s can't be used in 'await' expression",
                   v.type == SIM_OBJ && v.u.o->kind == SIM_OBJ_CORO
                       ? "generator" : sim_value_typename(&S->sc->types, v));
    return NULL;
}

sim_loop *sim_get_event_loop(sim_state *S, sim_exc **exc)
{
    if (S->running)
        return S->running;
    if (S->current)
        return S->current;
    *exc = sim_err(S, SIM_EXC_RUNTIMEERROR,
                   "There is no current event loop in thread 'MainThread'.");
    return NULL;
}

sim_future *sim_ensure_future(sim_state *S, sim_value v, sim_loop *loop, sim_exc **exc)
{
    if (v.type == SIM_OBJ && (v.u.o->kind == SIM_OBJ_FUTURE || v.u.o->kind == SIM_OBJ_TASK)) {
        sim_future *f = (sim_future *)v.u.o;
        if (loop && f->loop != loop) {
            *exc = sim_err(S, SIM_EXC_VALUEERROR, "The future belongs to a different "
                           "loop than the one specified as the loop argument");
            return NULL;
        }
        return f;
    }
    if (v.type != SIM_OBJ || v.u.o->kind != SIM_OBJ_CORO) {
        *exc = sim_err(S, SIM_EXC_TYPEERROR,
                       "An asyncio.Future, a coroutine or an awaitable is required");
        return NULL;
    }
    if (!loop && !(loop = sim_get_event_loop(S, exc)))
        return NULL;
    /* An awaitable is wrapped in _wrap_awaitable; a bare generator is a
     * coroutine to asyncio (types.GeneratorType): its own task, named by
     * its __name__. */
    sim_coro *co = (sim_coro *)v.u.o;
    if (co->generator && !co->bare)
        co = sim_coro_library(S, LIB_WRAP, v, NULL);
    else if (co->bare)
        co->name = "__await__";
    return &sim_task_new(S, loop, co)->fut;
}

/* ---- library frames ---------------------------------------------------- */

static void act_result(sim_state *S, sim_future *fut, sim_act *act)
{
    act->kind = sim_future_result(S, fut, &act->v, &act->e) < 0 ? ACT_RAISE : ACT_RETURN;
}

/* Future.__await__ as the C FutureIter runs it: while the future is
 * pending, yield it and mark it _asyncio_future_blocking, unless the mark
 * is already set (a task that awaited itself keeps it): then RuntimeError
 * "await wasn't used with future". When done, return its result (or raise
 * its exception). */
static void future_await_step(sim_state *S, sim_frame *f, int in, sim_act *act)
{
    if (in != IN_EXC && f->fut->state == SIM_TASK_PENDING && !f->fut->blocking) {
        f->fut->blocking = 1;
        act->kind = ACT_YIELD;
        act->v = sim_obj_value(&f->fut->hdr);
    } else if (in != IN_EXC && f->fut->state == SIM_TASK_PENDING) {
        act->kind = ACT_RAISE;
        act->e = sim_err(S, SIM_EXC_RUNTIMEERROR, "await wasn't used with future");
    } else if (in != IN_EXC) {
        act_result(S, f->fut, act);
    }
}

/* asyncio.sleep(delay): a bare yield for delay <= 0, else a future that
 * a timer resolves, awaited, with the timer cancelled in `finally`. */
static void sleep_step(sim_state *S, sim_frame *f, int in, sim_value v, sim_act *act)
{
    if (in != IN_START) {
        sim_handle_cancel(S, f->timer, f->timer_gen);
        act->kind = in == IN_VALUE ? ACT_RETURN : ACT_RAISE;
        act->v = f->lstate == 1 ? sim_none() : v;
        if (in == IN_VALUE && f->lstate == 2 && f->timer->gen != f->timer_gen)
            sim_future_release(S, f->fut);  /* fired, resolved, awaited: unreferenced */
        return;
    }
    sim_value le;
    if (sim_value_compare(&S->arena, &S->sc->types, SIM_CMP_LE, f->lval, sim_int(0),
                          &le, &act->e) < 0) {
        act->kind = ACT_RAISE;
        return;
    }
    if (le.u.b) {
        f->lstate = 1;
        act->kind = ACT_YIELD;
        act->v = sim_none();
        return;
    }
    if (!S->running) {
        act->kind = ACT_RAISE;
        act->e = sim_err(S, SIM_EXC_RUNTIMEERROR, "no running event loop");
        return;
    }
    double d = f->lval.type == SIM_FLOAT ? f->lval.u.f
             : f->lval.type == SIM_BOOL ? f->lval.u.b : (double)f->lval.u.i;
    if (f->lval.type == SIM_BIG &&                  /* loop.time() + delay */
        sim_bigint_to_double(&S->arena, f->lval, &d, &act->e) < 0) {
        act->kind = ACT_RAISE;
        return;
    }
    f->fut = sim_future_new(S, S->running, SIM_FUT_SLEEP);
    f->timer = sim_loop_call_later(S, S->running, d, SIM_H_TIMER_SLEEP);
    f->timer->fut = f->fut;
    f->timer->task = S->cur_task;
    f->timer_gen = f->timer->gen;
    f->lstate = 2;
    act->kind = ACT_PUSH;
    act->child = future_await_frame(S, f->fut);
}

/* _LoopBoundMixin's error, with the queue's repr as it stands. */
static sim_exc *bound_elsewhere(sim_state *S, sim_queue *q)
{
    return sim_err(S, SIM_EXC_RUNTIMEERROR, "%s is bound to a different event loop",
                   sim_repr_cstr(S, sim_obj_value(&q->hdr)));
}

/* Queue.get / Queue.put: while the queue is empty (full), wait on a new
 * waiter future; on an exception, cancel and withdraw the waiter and pass
 * the wake-up on if the queue can serve someone else. */
static void queue_step(sim_state *S, sim_frame *f, int in, sim_exc *e, sim_act *act)
{
    sim_queue *q = f->queue;
    int put = f->kind == FR_QPUT;
    if (in == IN_EXC) {
        sim_future_cancel(S, f->fut);
        sim_queue_unwait(S, q, put, f->fut);
        int can = put ? !sim_queue_full(q) : q->len > 0;
        if (can && f->fut->state != SIM_TASK_CANCELLED)
            sim_queue_wakeup_next(S, q, put);
        act->kind = ACT_RAISE;
        act->e = e;
        return;
    }
    if (put ? sim_queue_full(q) : q->len == 0) {
        /* self._get_loop().create_future(): with no running loop, a queue
         * no loop has bound yet gets None as its loop. */
        sim_loop *L = S->running;
        if (!L || (q->loop && q->loop != L)) {
            act->kind = ACT_RAISE;
            act->e = q->loop ? bound_elsewhere(S, q)
                             : sim_err(S, SIM_EXC_ATTRIBUTEERROR,
                                       "'NoneType' object has no attribute 'create_future'");
            return;
        }
        q->loop = L;
        f->fut = sim_future_new(S, L, SIM_FUT_QUEUE);
        sim_queue_wait(S, q, put, f->fut);
        act->kind = ACT_PUSH;
        act->child = future_await_frame(S, f->fut);
        return;
    }
    act->kind = ACT_RETURN;
    act->v = sim_none();
    if ((put ? sim_queue_put_nowait(S, q, f->lval, &act->e)
             : sim_queue_get_nowait(S, q, &act->v, &act->e)) < 0)
        act->kind = ACT_RAISE;
}

/* _wrap_awaitable: `return (yield from awaitable.__await__())`. */
static void wrap_step(sim_state *S, sim_frame *f, int in, sim_value v, sim_act *act)
{
    (void)S;
    if (in == IN_START) {
        f->inner->state = CORO_RUNNING;
        act->kind = ACT_PUSH;
        act->child = f->inner->frame;
        return;
    }
    act->kind = in == IN_VALUE ? ACT_RETURN : ACT_RAISE;
    act->v = v;
}

/* Run frame f one step with input (in, v, e). */
static void frame_step(sim_state *S, sim_frame *f, int in, sim_value v, sim_exc *e,
                       sim_act *act)
{
    act->kind = ACT_RAISE;
    act->e = e;
    act->v = v;
    switch (f->kind) {
    case FR_BODY: sim_body_step(S, f, in, v, e, act); break;
    case FR_FUTURE_AWAIT: future_await_step(S, f, in, act); break;
    case FR_SLEEP: sleep_step(S, f, in, v, act); break;
    case FR_QGET:
    case FR_QPUT: queue_step(S, f, in, e, act); break;
    case FR_WRAP: wrap_step(S, f, in, v, act); break;
    case FR_RETURN:
        act->kind = in == IN_EXC ? ACT_RAISE : ACT_RETURN;
        act->v = sim_none();
        break;
    }
}

/* ---- the stack ------------------------------------------------------- */

static const char *frame_name(const sim_frame *f)
{
    static const char *const names[] = {"", "Future.__await__", "asyncio.sleep",
                                        "Queue.get", "Queue.put", "", "_wrap_awaitable"};
    if (f->kind == FR_BODY)
        return f->func->name;
    if (f->kind == FR_RETURN)
        return f->coro ? f->coro->name : "shutdown";
    return names[f->kind];
}

/* "n=12, label='a'": the arguments of a body frame as its parameters hold
 * them when it is pushed, cut to about ARGS_MAX bytes; 0 when it has none.
 * (A repr per push: 3% more instructions in the window benchmark.) */
static int32_t frame_args_id(sim_state *S, const sim_frame *f)
{
    enum { ARGS_MAX = 80 };
    if (f->kind != FR_BODY || f->func->nparams == 0)
        return 0;
    sim_buf *b = &S->tmp;
    b->len = 0;
    for (int i = 0; i < f->func->nparams; i++) {
        if (i)
            sim_buf_puts(b, ", ");
        sim_buf_puts(b, f->func->locals[i]);
        sim_buf_putc(b, '=');
        sim_repr_put(S, b, f->locals[i]);
    }
    if (b->len > ARGS_MAX) {
        size_t n = ARGS_MAX - 3;
        while (n > 0 && ((unsigned char)b->p[n] & 0xC0) == 0x80)
            n--;                           /* not inside a UTF-8 sequence */
        b->len = n;
        sim_buf_puts(b, "...");
    }
    return sim_trace_add(&S->trace, b->p, b->len);   /* seldom the same twice: no hash */
}

static void trace_frame(sim_state *S, int kind, sim_frame *f, int exc, int32_t what)
{
    sim_event *e = sim_emit(S, kind, S->cur_task ? S->cur_task->index : -1, f->root->id);
    if (!e)
        return;
    e->c = f->depth;
    if (kind == SIM_EV_FRAME_PUSH) {
        e->a = sim_str_id(S, frame_name(f));
        e->b = f->fkind;
        e->x = frame_args_id(S, f);
    } else {
        e->a = exc;
        e->b = what;
    }
}

/* PEP 479: a StopIteration leaving a coroutine or generator frame becomes
 * a RuntimeError. */
static sim_exc *pep479(sim_state *S, sim_frame *f, sim_exc *e)
{
    if (f->kind != FR_BODY || !sim_exctypes_is(&S->sc->types, e->type, SIM_EXC_STOPITERATION))
        return e;
    sim_exc *r = sim_err(S, SIM_EXC_RUNTIMEERROR, f->fkind == SIM_FR_AWAITABLE
                         ? "generator raised StopIteration" : "coroutine raised StopIteration");
    r->context = e;
    return r;
}

/* Push child on top of f; RecursionError in f when the stack would hold
 * more than max_depth frames of the scenario's own coroutines and
 * awaitables. Library frames (asyncio.sleep, Queue.get, Future.__await__)
 * are not counted: the limit is the format's, on the frames a scenario
 * writes, so that it does not depend on how deep asyncio's own code runs
 * (CPython's limit of 1000 counts its machinery too: about 7 frames under
 * run_until_complete, 9 under asyncio.run). */
static sim_frame *stack_push(sim_state *S, sim_coro *root, sim_frame *f, sim_frame *child,
                             int *in, sim_exc **e)
{
    int nbody = f->nbody + (child->kind == FR_BODY);
    if (nbody > S->sc->limits.max_depth) {
        *in = IN_EXC;
        *e = sim_err(S, SIM_EXC_RECURSIONERROR, "maximum recursion depth exceeded");
        return f;
    }
    child->parent = f;
    child->depth = f->depth + 1;
    child->nbody = nbody;
    child->root = root;
    f->child = child;
    trace_frame(S, SIM_EV_FRAME_PUSH, child, 0, 0);
    *in = IN_START;
    return child;
}

/* Pop f after it returned or raised; its coroutine object is finished. */
static sim_frame *stack_pop(sim_state *S, sim_frame *f, int raised, sim_act *act)
{
    if (S->opt.trace)
        trace_frame(S, SIM_EV_FRAME_POP, f, raised,
                    raised ? sim_exc_id(S, act->e) : sim_repr_id(S, act->v));
    sim_frame *parent = f->parent;
    if (f->coro) {
        f->coro->state = CORO_CLOSED;
        f->coro->frame = NULL;
    }
    if (parent)
        parent->child = NULL;
    /* a frame that returns lets go of its locals, maybe a coroutine's last
     * holder; one that raises stays, held by the exception's traceback */
    if (S->nhand && f->kind == FR_BODY) {
        size_t n = (size_t)sim_frame_nheld(f->func);
        if (raised) {
            sim_collect_raised(S, act->e, f->locals, n);
        } else {
            sim_value outer = S->flight;    /* the return value is on its way */
            S->flight = act->v;
            sim_collect_dropped(S, f->locals, n);
            S->flight = outer;
        }
    }
    sim_frame_release(S, f);
    return parent;
}

/* co's bottom frame has been popped: the stack's top is the frame that
 * awaited it (NULL when co was the root), which will find it done. */
static void stack_left(sim_coro *root, sim_frame *parent)
{
    root->top = parent;
    if (parent)
        parent->lost_child = 1;
}

/* Drive co's frames, from the innermost frame of the stack they are on,
 * until the stack yields (to whoever called send) or co's own frame
 * returns or raises. co is the stack's root, or a coroutine awaited inline
 * on a suspended stack: CPython's c.send() resumes c's frame wherever it
 * is; when c ends so, the frame that awaited it is left to find it done
 * (lost_child) when its own stack runs again. */
static sim_resume stack_run_to(sim_state *S, sim_frame *bottom, int in, sim_value v,
                               sim_exc *e, sim_value *out, sim_exc **eout)
{
    sim_coro *root = bottom->root;
    sim_frame *f = root->top;
    sim_act act;
    if (f->lost_child) {
        f->lost_child = 0;
        in = IN_EXC;
        e = sim_err(S, SIM_EXC_RUNTIMEERROR, "cannot reuse already awaited coroutine");
    }
    for (;;) {
        frame_step(S, f, in, v, e, &act);
        if (act.kind == ACT_PUSH) {
            f = stack_push(S, root, f, act.child, &in, &e);
            continue;
        }
        if (act.kind == ACT_YIELD) {
            root->top = f;
            int task = S->cur_task ? S->cur_task->index : -1;
            sim_event *ev = sim_emit(S, SIM_EV_YIELD, task, root->id);
            if (ev) {
                ev->a = sim_repr_id(S, act.v);
                ev->c = f->depth;
            }
            *out = act.v;
            return RES_YIELD;
        }
        int raised = act.kind == ACT_RAISE;
        if (raised)
            act.e = pep479(S, f, act.e);
        int last = f == bottom;
        sim_frame *parent = stack_pop(S, f, raised, &act);
        if (last) {
            stack_left(root, parent);
            *out = act.v;
            *eout = act.e;
            return raised ? RES_RAISE : RES_RETURN;
        }
        f = parent;
        in = raised ? IN_EXC : IN_VALUE;
        v = act.v;
        e = act.e;
    }
}

void sim_coro_discard(sim_state *S, sim_coro *co, sim_exc *exc)
{
    if (!co->frame || co->state == CORO_CREATED) {
        co->state = CORO_CLOSED;
        return;
    }
    sim_frame *bottom = co->frame;
    sim_coro *root = bottom->root;
    sim_act act = {.kind = ACT_RAISE, .e = exc};
    for (sim_frame *f = root->top; f;) {
        int last = f == bottom;
        sim_frame *parent = stack_pop(S, f, 1, &act);
        if (last) {
            stack_left(root, parent);
            break;
        }
        f = parent;
    }
    co->state = CORO_CLOSED;
}

static sim_resume stack_run(sim_state *S, sim_coro *co, int in, sim_value v, sim_exc *e,
                            sim_value *out, sim_exc **eout)
{
    return stack_run_to(S, co->frame, in, v, e, out, eout);
}

void sim_coro_close_awaited(sim_state *S, sim_coro *co, sim_exc *exc)
{
    sim_frame *child = co->frame && co->state != CORO_CREATED ? co->frame->child : NULL;
    if (!child)
        return;
    sim_value out;
    sim_exc *err = NULL;
    sim_coro *outer = S->executing;
    S->executing = child->root;
    stack_run_to(S, child, IN_EXC, sim_none(), exc, &out, &err);
    S->executing = outer;
}

/* Errors of send/throw on a coroutine that cannot take them now. */
static int resume_check(sim_state *S, sim_coro *co, sim_value value, sim_exc *exc,
                        sim_exc **eout)
{
    const char *what = co->generator ? "generator" : "coroutine";
    /* awaited inline on a stack that waits, co's frame is not running */
    if (co->state == CORO_RUNNING && (co->frame->root == co || co->frame->root == S->executing)) {
        *eout = sim_err(S, SIM_EXC_VALUEERROR, "%s already executing", what);
        return -1;
    }
    if (co->state == CORO_CLOSED) {
        /* an exhausted generator re-raises what is thrown in; a coroutine
         * refuses a throw as it refuses a send */
        *eout = !co->generator
                    ? sim_err(S, SIM_EXC_RUNTIMEERROR, "cannot reuse already awaited coroutine")
              : exc ? exc
                    : sim_exc_new(&S->arena, SIM_EXC_STOPITERATION, NULL);
        return -1;
    }
    if (co->state == CORO_CREATED && exc) {
        co->state = CORO_CLOSED;         /* thrown in before it started */
        *eout = exc;
        return -1;
    }
    if (co->state == CORO_CREATED && value.type != SIM_NONE) {
        *eout = sim_err(S, SIM_EXC_TYPEERROR, "can't send non-None value to a just-started %s", what);
        return -1;
    }
    return 0;
}

sim_resume sim_coro_resume(sim_state *S, sim_coro *co, sim_value value, sim_exc *exc,
                           sim_value *out, sim_exc **eout)
{
    /* the stack the send drives: co's own, or the one co is awaited on */
    const sim_coro *stack = co->frame && co->state != CORO_CREATED ? co->frame->root : co;
    sim_event *ev = sim_emit(S, exc ? SIM_EV_THROW : SIM_EV_SEND,
                             S->cur_task ? S->cur_task->index : -1, stack->id);
    if (ev) {
        ev->a = exc ? sim_exc_id(S, exc) : sim_repr_id(S, value);
        ev->c = co->frame ? co->frame->depth : 0;   /* > 0: awaited inline on ev->coro */
    }
    *out = sim_none();
    *eout = NULL;
    if (resume_check(S, co, value, exc, eout) < 0)
        return RES_RAISE;
    int in = exc ? IN_EXC : IN_VALUE;
    if (co->state == CORO_CREATED) {
        in = IN_START;
        co->top = co->frame;
        co->frame->root = co;
        co->frame->depth = 0;
        co->frame->nbody = co->frame->kind == FR_BODY;
        trace_frame(S, SIM_EV_FRAME_PUSH, co->frame, 0, 0);
    }
    co->state = CORO_RUNNING;
    sim_coro *outer = S->executing;
    S->executing = co->frame->root;
    sim_resume r = stack_run(S, co, in, value, exc, out, eout);
    S->executing = outer;
    if (r == RES_YIELD)
        co->state = CORO_SUSPENDED;
    return r;
}
