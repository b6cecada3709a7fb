/*
 * interp.c -- executes statements of coroutine, awaitable and main bodies.
 *
 * A statement frame keeps a stack of blocks (sim_blk): the body, an if
 * branch, a repeat body, a try body, an except clause, a finally clause.
 * Executing is "take the next statement of the top block"; leaving a block
 * is block_end(). Exceptions, return and break unwind the block stack and
 * stop at the first try/except/finally that has a say, as Python's
 * compiler arranges with its exception table. A finally block remembers
 * what to resume afterwards (sim_pending): nothing, re-raise, return or
 * break.
 *
 * Main runs on the same machinery, synchronously: its loop statements
 * (run_until_complete, run_forever, asyncio_run, send, drive) call into the
 * loop or into a coroutine and come back.
 */
#include "runtime.h"
#include "bigint.h"

#include <stdio.h>
#include <stdlib.h>

#include <math.h>
#include <string.h>

/* ---- variables --------------------------------------------------------- */

/* A value an assignment let go of: maybe the last reference to a
 * coroutine main drove by hand (CPython closes it now) or to one never
 * started (CPython warns now). collect.c. */
static void let_go(sim_state *S, sim_value old)
{
    if (S->nhand && (old.type == SIM_LIST || old.type == SIM_EXC || old.type == SIM_OBJ))
        sim_collect_dropped(S, &old, 1);
    if (old.type == SIM_OBJ)
        sim_collect_unstarted(S, old);
}

void sim_frame_assign(sim_state *S, sim_frame *f, const sim_name *n, sim_value v)
{
    sim_value *slot = NULL;
    if (!n->id) {                /* no "as": the value is let go of at once */
        let_go(S, v);
        return;
    }
    if (n->local >= 0 && f->func->kind != SIM_F_MAIN)
        slot = &f->locals[n->local];
    else if (n->global >= 0)
        slot = &S->globals[n->global];
    if (!slot)
        return;
    sim_value old = *slot;
    *slot = v;
    let_go(S, old);
}

static void unbind(sim_state *S, sim_frame *f, const sim_name *n)
{
    sim_value u = {0};
    sim_frame_assign(S, f, n, u);
}

static void make_env(sim_state *S, sim_frame *f, sim_env *env)
{
    env->arena = &S->arena;
    env->types = &S->sc->types;
    env->locals = f->func->kind == SIM_F_MAIN ? NULL : f->locals;
    env->globals = S->globals;
    env->local_names = f->func->locals;
    env->now = S->clock;
    env->task_name = sim_task_name_value(S);
}

/* The value of the bound variable n in f, as the evaluator would find it
 * (a coroutine's local, else a global); 0 when it is not simply there (an
 * unbound name, a builtin): the evaluator then decides, error included. */
static int name_bound(sim_state *S, const sim_frame *f, const sim_name *n, sim_value *out)
{
    const sim_value *v = NULL;
    if (n->local >= 0 && f->func->kind != SIM_F_MAIN)
        v = &f->locals[n->local];
    else if (n->global >= 0)
        v = &S->globals[n->global];
    if (!v || v->type == SIM_UNBOUND)
        return 0;
    *out = *v;
    return 1;
}

/* An expression in f. A constant or a bound name, most of what a step
 * evaluates, is read here without building the evaluator's environment
 * (about 60 instructions a time on the window benchmark). */
int sim_frame_eval(sim_state *S, sim_frame *f, const sim_expr *x, sim_value *out, sim_exc **e)
{
    if (!x) {
        *out = sim_none();
        return 0;
    }
    if (x->kind == SIM_E_CONST) {
        *out = x->k;
        return 0;
    }
    if (x->kind == SIM_E_NAME && name_bound(S, f, &x->name, out))
        return 0;
    sim_env env;
    make_env(S, f, &env);
    return sim_expr_eval(x, &env, out, e);
}

/* Read the variable n as a Python name expression would. */
int sim_frame_lookup(sim_state *S, sim_frame *f, const sim_name *n, sim_value *out, sim_exc **e)
{
    if (name_bound(S, f, n, out))
        return 0;
    sim_expr x = {.kind = SIM_E_NAME, .name = *n};
    return sim_frame_eval(S, f, &x, out, e);
}

/* ---- blocks ------------------------------------------------------------ */

static sim_blk *blk_push(sim_state *S, sim_frame *f, int kind, const sim_block *b,
                         const sim_stmt *owner)
{
    if (f->nblk == f->capblk) {
        sim_blk *nb = sim_arena_alloc(&S->arena, (size_t)f->capblk * 2 * sizeof *nb);
        memcpy(nb, f->blk, (size_t)f->nblk * sizeof *nb);
        f->blk = nb;
        f->capblk *= 2;
    }
    sim_blk *k = &f->blk[f->nblk++];
    memset(k, 0, sizeof *k);
    k->kind = (uint8_t)kind;
    k->s = b->s;
    k->n = b->n;
    k->owner = owner;
    return k;
}

static void push_finally(sim_state *S, sim_frame *f, const sim_stmt *t, int pending,
                         sim_exc *e, sim_value v)
{
    sim_blk *k = blk_push(S, f, BLK_FINALLY, &t->finally, t);
    k->pending = (uint8_t)pending;
    k->exc = e;
    k->val = v;
}

/* Pop the top block, leaving the `as` name of an except clause unbound
 * (Python deletes it). Returns the owner if it has a finally clause to
 * run next, for the callers that unwind. */
static const sim_stmt *blk_pop(sim_state *S, sim_frame *f)
{
    sim_blk *k = &f->blk[--f->nblk];
    if (k->kind == BLK_EXCEPT) {
        unbind(S, f, &k->h->as);
        /* the handled exception goes, and what its traceback held (collect.c) */
        if (S->nhand && k->exc && k->exc->held)
            sim_collect_dropped(S, &(sim_value){.type = SIM_EXC, .u.e = k->exc}, 1);
    }
    if ((k->kind == BLK_TRY || k->kind == BLK_EXCEPT) && k->owner->finally.n)
        return k->owner;
    return NULL;
}

/* The except clause of try statement t that matches e, or NULL. */
static const sim_handler *match_handler(sim_state *S, const sim_stmt *t, const sim_exc *e)
{
    for (int i = 0; i < t->nhandlers; i++) {
        const sim_handler *h = &t->handlers[i];
        if (h->ntypes == 0)
            return h;
        for (int j = 0; j < h->ntypes; j++)
            if (sim_exctypes_is(&S->sc->types, e->type, h->types[j]))
                return h;
    }
    return NULL;
}

static void trace_exc(sim_state *S, sim_frame *f, int kind, sim_exc *e)
{
    sim_event *ev = sim_emit(S, kind, S->cur_task ? S->cur_task->index : -1,
                             f->root ? f->root->id : -1);
    if (ev) {
        ev->a = sim_exc_id(S, e);
        ev->c = f->depth;
    }
}

/* unwind_raise's walk down f's blocks. */
static int unwind_raise_blocks(sim_state *S, sim_frame *f, sim_exc *e)
{
    while (f->nblk) {
        sim_blk *k = &f->blk[f->nblk - 1];
        if (k->kind == BLK_FINALLY) {            /* replaces what was pending */
            f->nblk--;
            continue;
        }
        const sim_stmt *t = k->kind == BLK_TRY ? k->owner : NULL;
        const sim_stmt *fin = blk_pop(S, f);
        const sim_handler *h = t ? match_handler(S, t, e) : NULL;
        if (h) {
            sim_blk *x = blk_push(S, f, BLK_EXCEPT, &h->body, t);
            x->exc = e;
            x->h = h;
            sim_frame_assign(S, f, &h->as, (sim_value){.type = SIM_EXC, .u.e = e});
            trace_exc(S, f, SIM_EV_CATCH, e);
            return 1;
        }
        if (fin) {
            push_finally(S, f, fin, PEND_RAISE, e, sim_none());
            return 1;
        }
    }
    return 0;
}

/* Unwind for exception e: returns 1 when a clause of this frame takes
 * over (an except that matches, or a finally to run first), 0 when e
 * leaves the frame. While blocks let go of what they held, e is on its
 * way (S->flight): what it reaches is not dropped. */
static int unwind_raise(sim_state *S, sim_frame *f, sim_exc *e)
{
    sim_value outer = S->flight;
    S->flight = (sim_value){.type = SIM_EXC, .u.e = e};
    int taken = unwind_raise_blocks(S, f, e);
    S->flight = outer;
    return taken;
}

/* Unwind for `return v`: 1 when a finally runs first, 0 when the frame
 * returns now. */
static int unwind_return(sim_state *S, sim_frame *f, sim_value v)
{
    sim_value outer = S->flight;     /* v is on its way, as e in unwind_raise */
    S->flight = v;
    int taken = 0;
    while (f->nblk && !taken) {
        const sim_stmt *fin = blk_pop(S, f);
        if (fin) {
            push_finally(S, f, fin, PEND_RETURN, NULL, v);
            taken = 1;
        }
    }
    S->flight = outer;
    return taken;
}

/* Unwind for `break` to the innermost repeat, through finally clauses. */
static void unwind_break(sim_state *S, sim_frame *f)
{
    while (f->nblk) {
        if (f->blk[f->nblk - 1].kind == BLK_REPEAT) {
            f->nblk--;
            return;
        }
        const sim_stmt *fin = blk_pop(S, f);
        if (fin) {
            push_finally(S, f, fin, PEND_BREAK, NULL, sim_none());
            return;
        }
    }
}

/* Raise e at the current point of f: 0 to keep executing f, or 1 with
 * act set because e leaves the frame. */
static int do_raise(sim_state *S, sim_frame *f, sim_exc *e, sim_act *act)
{
    trace_exc(S, f, SIM_EV_RAISE, e);
    if (unwind_raise(S, f, e))
        return 0;
    act->kind = ACT_RAISE;
    act->e = e;
    return 1;
}

static int do_return(sim_state *S, sim_frame *f, sim_value v, sim_act *act)
{
    if (unwind_return(S, f, v))
        return 0;
    act->kind = ACT_RETURN;
    act->v = v;
    return 1;
}

/* The top block ran out of statements. */
static int block_end(sim_state *S, sim_frame *f, sim_act *act)
{
    sim_blk *k = &f->blk[f->nblk - 1];
    if (k->kind == BLK_BODY)
        return do_return(S, f, sim_none(), act);
    if (k->kind == BLK_REPEAT && (++k->iter < k->count || k->count < 0)) {
        k->pc = 0;
        sim_frame_assign(S, f, &k->owner->as, sim_int(k->iter));
        return 0;
    }
    if (k->kind == BLK_FINALLY) {
        sim_blk done = *k;
        f->nblk--;
        if (done.pending == PEND_RAISE)
            return do_raise(S, f, done.exc, act);
        if (done.pending == PEND_RETURN)
            return do_return(S, f, done.val, act);
        if (done.pending == PEND_BREAK)
            unwind_break(S, f);
        return 0;
    }
    const sim_stmt *fin = blk_pop(S, f);
    if (fin)
        push_finally(S, f, fin, PEND_NONE, NULL, sim_none());
    return 0;
}

/* ---- statements -------------------------------------------------------- */

/* The frame whose handled exception g sees next: the one awaiting g, and
 * below a stack's bottom frame main's, whose statement runs the loop or
 * the send that runs the stack; NULL past main. */
static sim_frame *handler_outer(const sim_state *S, const sim_frame *g)
{
    return g->parent ? g->parent : g == S->main_frame ? NULL : S->main_frame;
}

/* The exception a bare raise in f re-raises, as sys.exc_info() has it:
 * the innermost except body open in f, or finally reached by an exception
 * (CPython enters it as a handler of that exception), else the same in
 * the frames handler_outer gives. */
static sim_exc *handled_exception(sim_state *S, sim_frame *f)
{
    for (sim_frame *g = f; g; g = handler_outer(S, g))
        for (int i = g->nblk - 1; i >= 0; i--) {
            const sim_blk *k = &g->blk[i];
            if (k->kind == BLK_EXCEPT || (k->kind == BLK_FINALLY && k->pending == PEND_RAISE))
                return k->exc;
        }
    return sim_err(S, SIM_EXC_RUNTIMEERROR, "No active exception to reraise");
}

static int stmt_raise(sim_state *S, sim_frame *f, const sim_stmt *s, sim_exc **e)
{
    if (s->exc_type < 0) {
        *e = handled_exception(S, f);
        return -1;
    }
    sim_value msg;
    if (!s->expr) {
        *e = sim_exc_new(&S->arena, s->exc_type, NULL);
        return -1;
    }
    if (sim_frame_eval(S, f, s->expr, &msg, e) < 0)
        return -1;
    *e = sim_exc_with_arg(&S->arena, s->exc_type, msg);   /* =None is ValueError(None) */
    return -1;
}

/* An int loop count (Python's range() argument rules). */
static int stmt_repeat(sim_state *S, sim_frame *f, const sim_stmt *s, sim_exc **e)
{
    int64_t count = -1;
    if (s->expr) {
        sim_value n;
        if (sim_frame_eval(S, f, s->expr, &n, e) < 0)
            return -1;
        if (n.type != SIM_INT && n.type != SIM_BOOL && n.type != SIM_BIG) {
            *e = sim_err(S, SIM_EXC_TYPEERROR, "'%s' object cannot be interpreted as an integer",
                         sim_value_typename(&S->sc->types, n));
            return -1;
        }
        /* range() of an int past 64 bits: as good as endless, or empty */
        count = n.type == SIM_BIG ? (n.u.big->sign > 0 ? INT64_MAX : 0)
              : n.type == SIM_BOOL ? n.u.b : n.u.i;
        if (count <= 0)
            return 0;
    }
    sim_blk *k = blk_push(S, f, BLK_REPEAT, &s->body, s);
    k->count = count;
    sim_frame_assign(S, f, &s->as, sim_int(0));
    return 0;
}

/* time.sleep(d): the clock moves, nothing else runs. */
static int stmt_block(sim_state *S, sim_frame *f, const sim_stmt *s, sim_exc **e)
{
    sim_value d;
    if (sim_frame_eval(S, f, s->expr, &d, e) < 0)
        return -1;
    double secs;
    if (d.type == SIM_BIG) {
        *e = sim_err(S, SIM_EXC_OVERFLOWERROR, "timestamp too large to convert to C _PyTime_t");
        return -1;
    }
    if (d.type == SIM_FLOAT)
        secs = d.u.f;
    else if (d.type == SIM_INT || d.type == SIM_BOOL)
        secs = d.type == SIM_INT ? (double)d.u.i : d.u.b;
    else {
        *e = sim_err(S, SIM_EXC_TYPEERROR, "'%s' object cannot be interpreted as an integer",
                     sim_value_typename(&S->sc->types, d));
        return -1;
    }
    /* time.sleep's own checks, in its order (_PyTime_FromSecondsObject). */
    if (isnan(secs)) {
        *e = sim_err(S, SIM_EXC_VALUEERROR, "Invalid value NaN (not a number)");
        return -1;
    }
    if (!(fabs(secs * 1e9) <= 9223372036854775808.0)) {
        *e = sim_err(S, SIM_EXC_OVERFLOWERROR, d.type == SIM_FLOAT
                     ? "timestamp out of range for platform time_t"
                     : "timestamp too large to convert to C _PyTime_t");
        return -1;
    }
    if (secs < 0) {
        *e = sim_err(S, SIM_EXC_VALUEERROR, "sleep length must be non-negative");
        return -1;
    }
    /* A block that max_time cuts never moves the clock (the run ends
     * before the move): it is not recorded, so that nothing is drawn
     * blocking past the end of the run. */
    sim_event *ev = S->clock + secs > S->sc->limits.max_time ? NULL
        : sim_emit(S, SIM_EV_BLOCK, S->cur_task ? S->cur_task->index : -1,
                   f->root ? f->root->id : -1);
    if (ev)
        ev->x = secs;
    sim_clock_advance(S, secs);
    return 0;
}

/* Python looks a callee up like any name: a variable of the function's
 * name, a local of the caller or a global main has bound, hides the
 * coroutine function (an unbound local raises UnboundLocalError). Returns 1
 * with what the variable holds in *v, 0 when the name is the function's,
 * -1 on an error. */
static int callee_hidden(sim_state *S, sim_frame *f, const sim_call *c, sim_value *v,
                         sim_exc **e)
{
    const sim_name *n = &c->var;
    if (!n->id || (n->local < 0 && (n->global < 0 || S->globals[n->global].type == SIM_UNBOUND)))
        return 0;
    return sim_frame_lookup(S, f, n, v, e) < 0 ? -1 : 1;
}

/* The arguments of c, evaluated into args, after the callee's name is
 * looked up; calling a variable that hides the function, or the function
 * with arguments that do not fit its parameters, is a TypeError. */
static int eval_args(sim_state *S, sim_frame *f, const sim_call *c, sim_value *args, sim_exc **e)
{
    sim_value callee;
    int hidden = callee_hidden(S, f, c, &callee, e);
    if (hidden < 0)
        return -1;
    for (int i = 0; i < c->nargs; i++)
        if (sim_frame_eval(S, f, c->args[i], &args[i], e) < 0)
            return -1;
    if (hidden) {
        *e = sim_err(S, SIM_EXC_TYPEERROR, "'%s' object is not callable",
                     sim_value_typename(&S->sc->types, callee));
        return -1;
    }
    if (c->arity_error) {
        *e = sim_err(S, SIM_EXC_TYPEERROR, "%s", c->arity_error);
        return -1;
    }
    return 0;
}

/* Calling a coroutine function or an awaitable class: a coroutine object
 * (for an awaitable, the generator its __await__ returns). */
int sim_frame_call(sim_state *S, sim_frame *f, const sim_call *c, sim_value *out, sim_exc **e)
{
    sim_value args[64];
    sim_value *a = c->nargs <= 64 ? args : sim_arena_alloc(&S->arena, (size_t)c->nargs * sizeof *a);
    if (eval_args(S, f, c, a, e) < 0)
        return -1;
    *out = sim_obj_value(&sim_coro_new(S, c, a)->hdr);
    return 0;
}


/* The argument of gather item i that an earlier item j < i names too
 * (`if arg not in arg_to_fut`: one future per object); only a variable
 * can name an object twice, calls make new ones. i when none. */
static int gather_repeat(const sim_target *tg, const sim_value *vals, int i)
{
    int j = tg->items[i].kind == SIM_T_TASK ? 0 : i;
    while (j < i && !(tg->items[j].kind == SIM_T_TASK && vals[j].type == SIM_OBJ &&
                      vals[i].type == SIM_OBJ && vals[j].u.o == vals[i].u.o))
        j++;
    return j;
}

/* gather(*items): Python evaluates every argument first (a nested gather
 * creates its tasks then); gather then wraps each in order on one loop and
 * puts its _done_callback on it at once, so a child already done has that
 * callback scheduled before the next argument's task. If wrapping raises,
 * the children wrapped so far keep the callback of a gather that never
 * returns, which marks their exceptions retrieved (bpo-46672). */
static int make_gather(sim_state *S, sim_frame *f, const sim_target *tg, sim_value *out,
                       sim_exc **e)
{
    sim_value *vals = sim_arena_alloc(&S->arena, (size_t)(tg->n + 1) * sizeof *vals);
    sim_loop *loop = NULL;
    for (int i = 0; i < tg->n; i++)
        if (sim_frame_target(S, f, &tg->items[i], &vals[i], e) < 0)
            return -1;
    if (tg->n == 0) {
        if (!(loop = sim_get_event_loop(S, e)))
            return -1;
        *out = sim_obj_value(&sim_gather_new(S, loop, NULL, 0, tg->return_exceptions)->hdr);
        return 0;
    }
    sim_gather *g = sim_gather_begin(S, tg->n, tg->return_exceptions);
    for (int i = 0; i < tg->n; i++) {
        int j = gather_repeat(tg, vals, i);
        sim_future *child = j < i ? g->children[j] : sim_ensure_future(S, vals[i], loop, e);
        if (!child)
            return -1;
        sim_gather_add(S, g, i, child, j == i);
        loop = child->loop;
    }
    *out = sim_obj_value(&sim_gather_end(g, loop)->hdr);
    return 0;
}

/* The queue held by the variable a queue statement or target names, or
 * NULL with Python's AttributeError for the method it calls (attr). */
static sim_queue *queue_of(sim_state *S, sim_frame *f, const sim_name *n, const char *attr,
                           sim_exc **e)
{
    sim_value v;
    if (sim_frame_lookup(S, f, n, &v, e) < 0)
        return NULL;
    if (v.type == SIM_OBJ && v.u.o->kind == SIM_OBJ_QUEUE)
        return (sim_queue *)v.u.o;
    *e = sim_err(S, SIM_EXC_ATTRIBUTEERROR, "'%s' object has no attribute '%s'",
                 sim_value_typename(&S->sc->types, v), attr);
    return NULL;
}

/* The queue of an await target queue_get / queue_put. */
static sim_queue *target_queue(sim_state *S, sim_frame *f, const sim_target *tg, sim_exc **e)
{
    return queue_of(S, f, &tg->queue, tg->kind == SIM_T_QGET ? "get" : "put", e);
}

/* What a library target (sleep, queue_get, queue_put) runs: which library
 * coroutine, its argument (the delay, the item) and its queue, looked up
 * in Python's order (q before the item of q.put(item)). 0, or -1 with *e. */
static int library_args(sim_state *S, sim_frame *f, const sim_target *tg, int *lib,
                        sim_value *v, sim_queue **q, sim_exc **e)
{
    *v = sim_none();
    *q = NULL;
    *lib = tg->kind == SIM_T_SLEEP ? LIB_SLEEP : tg->kind == SIM_T_QGET ? LIB_QGET : LIB_QPUT;
    if (tg->kind != SIM_T_SLEEP && !(*q = target_queue(S, f, tg, e)))
        return -1;
    return tg->expr ? sim_frame_eval(S, f, tg->expr, v, e) : 0;
}

/* What a TARGET evaluates to: a coroutine object (call, sleep, queue
 * operation), or a future (a task variable, a gather). */
int sim_frame_target(sim_state *S, sim_frame *f, const sim_target *tg, sim_value *out,
                        sim_exc **e)
{
    sim_value v;
    sim_queue *q;
    int lib;
    switch (tg->kind) {
    case SIM_T_CALL: return sim_frame_call(S, f, &tg->call, out, e);
    case SIM_T_TASK: return sim_frame_lookup(S, f, &tg->name, out, e);
    case SIM_T_GATHER: return make_gather(S, f, tg, out, e);
    default: break;
    }
    if (library_args(S, f, tg, &lib, &v, &q, e) < 0)
        return -1;
    *out = sim_obj_value(&sim_coro_library(S, lib, v, q)->hdr);
    return 0;
}

/* The library frame an inline await of sleep / queue_get / queue_put
 * runs; no coroutine object is made for it, as nobody else can see it. */
static sim_frame *library_await(sim_state *S, sim_frame *f, const sim_target *tg, sim_exc **e)
{
    sim_value v;
    sim_queue *q;
    int lib;
    if (library_args(S, f, tg, &lib, &v, &q, e) < 0)
        return NULL;
    return sim_frame_library(S, lib, v, q);
}

static int stmt_await(sim_state *S, sim_frame *f, const sim_stmt *s, sim_act *act, sim_exc **e)
{
    sim_value v;
    sim_frame *child;
    sim_target sleep = {.kind = SIM_T_SLEEP, .expr = s->expr};
    const sim_target *tg = s->verb == SIM_S_SLEEP ? &sleep : &s->target;
    if (tg->kind == SIM_T_SLEEP || tg->kind == SIM_T_QGET || tg->kind == SIM_T_QPUT)
        child = library_await(S, f, tg, e);
    else if (sim_frame_target(S, f, tg, &v, e) < 0)
        return -1;
    else
        child = sim_await_frame(S, v, e);
    if (!child)
        return -1;
    f->cur = s;
    act->kind = ACT_PUSH;
    act->child = child;
    return 1;
}

static int stmt_create_task(sim_state *S, sim_frame *f, const sim_stmt *s, sim_exc **e)
{
    sim_value v;
    sim_future *t;
    if (sim_frame_call(S, f, &s->call, &v, e) < 0 || !(t = sim_ensure_future(S, v, NULL, e)))
        return -1;
    if (!s->as.id && t->fkind == FUT_TASK)
        ((sim_task *)t)->anon = 1;
    sim_frame_assign(S, f, &s->as, sim_obj_value(&t->hdr));
    return 0;
}

/* The future held by variable n, or NULL with AttributeError for attr. */
sim_future *sim_frame_future(sim_state *S, sim_frame *f, const sim_name *n, const char *attr,
                              sim_exc **e)
{
    sim_value v;
    if (sim_frame_lookup(S, f, n, &v, e) < 0)
        return NULL;
    if (v.type == SIM_OBJ && (v.u.o->kind == SIM_OBJ_TASK || v.u.o->kind == SIM_OBJ_FUTURE))
        return (sim_future *)v.u.o;
    *e = sim_err(S, SIM_EXC_ATTRIBUTEERROR, "'%s' object has no attribute '%s'",
                 sim_value_typename(&S->sc->types, v), attr);
    return NULL;
}

static int stmt_queue_nowait(sim_state *S, sim_frame *f, const sim_stmt *s, sim_exc **e)
{
    int get = s->verb == SIM_S_QGET_NOWAIT;
    sim_queue *q = queue_of(S, f, &s->queue, get ? "get_nowait" : "put_nowait", e);
    sim_value v;
    if (!q)
        return -1;
    if (get) {
        if (sim_queue_get_nowait(S, q, &v, e) < 0)
            return -1;
        sim_frame_assign(S, f, &s->as, v);
        return 0;
    }
    if (sim_frame_eval(S, f, s->expr, &v, e) < 0)
        return -1;
    return sim_queue_put_nowait(S, q, v, e);
}

static int stmt_print(sim_state *S, sim_frame *f, const sim_stmt *s, sim_exc **e)
{
    sim_env env;
    make_env(S, f, &env);
    sim_buf b = {0};
    int rc = sim_tmpl_format(s->tmpl, &env, &b, e);
    if (rc == 0)
        sim_print_record(S, b.p ? b.p : "", b.len);
    sim_buf_free(&b);
    return rc;
}

/* Statements with no suspension: 0 or -1 with *e. */
static int stmt_simple(sim_state *S, sim_frame *f, const sim_stmt *s, sim_exc **e)
{
    sim_value v;
    sim_future *fut;
    switch (s->verb) {
    case SIM_S_PRINT: return stmt_print(S, f, s, e);
    case SIM_S_SET:
        if (sim_frame_eval(S, f, s->expr, &v, e) < 0)
            return -1;
        sim_frame_assign(S, f, &s->name, v);
        return 0;
    case SIM_S_BLOCK: return stmt_block(S, f, s, e);
    case SIM_S_RAISE: return stmt_raise(S, f, s, e);
    case SIM_S_REPEAT: return stmt_repeat(S, f, s, e);
    case SIM_S_CREATE_TASK: return stmt_create_task(S, f, s, e);
    case SIM_S_CANCEL:
        if (!(fut = sim_frame_future(S, f, &s->name, "cancel", e)))
            return -1;
        if (sim_future_cancel(S, fut) < 0) {
            /* CPython's message depends on whether the limit is hit in a
             * Python frame or a C call; the latter is the more common. */
            *e = sim_err(S, SIM_EXC_RECURSIONERROR,
                         "maximum recursion depth exceeded while calling a Python object");
            return -1;
        }
        return 0;
    case SIM_S_CALL:
        if (s->call.awaitable) {     /* W(args) made and dropped: only its errors show */
            sim_value args[64], *a = s->call.nargs <= 64 ? args
                : sim_arena_alloc(&S->arena, (size_t)s->call.nargs * sizeof *a);
            return eval_args(S, f, &s->call, a, e);
        }
        if (sim_frame_call(S, f, &s->call, &v, e) < 0)
            return -1;
        sim_warn_dropped_coro(S, (sim_coro *)v.u.o);   /* CPython warns as it dies: now */
        return 0;
    case SIM_S_STOP_LOOP: {
        sim_loop *L = sim_get_event_loop(S, e);
        if (!L)
            return -1;
        L->stopping = 1;
        return 0;
    }
    case SIM_S_QPUT_NOWAIT:
    case SIM_S_QGET_NOWAIT: return stmt_queue_nowait(S, f, s, e);
    default: return sim_main_stmt(S, f, s, e);
    }
}

static void trace_stmt(sim_state *S, sim_frame *f, const sim_stmt *s)
{
    S->line = s->line;
    sim_event *ev = sim_emit(S, SIM_EV_STMT, S->cur_task ? S->cur_task->index : -1,
                             f->root ? f->root->id : -1);
    if (ev)
        ev->c = f->depth;
}

/* Execute s. Returns 0 to go on with the next statement, 1 when the frame
 * stops (act filled). */
static int exec_stmt(sim_state *S, sim_frame *f, const sim_stmt *s, sim_act *act)
{
    sim_exc *e = NULL;
    sim_count_step(S);
    trace_stmt(S, f, s);
    int rc = 0;
    sim_value v;
    switch (s->verb) {
    case SIM_S_SLEEP:
    case SIM_S_AWAIT: rc = stmt_await(S, f, s, act, &e); break;
    case SIM_S_YIELD:
        if ((rc = sim_frame_eval(S, f, s->expr, &v, &e)) == 0) {
            f->cur = s;
            act->kind = ACT_YIELD;
            act->v = v;
            return 1;
        }
        break;
    case SIM_S_RETURN:
        if ((rc = sim_frame_eval(S, f, s->expr, &v, &e)) == 0)
            return do_return(S, f, v, act);
        break;
    case SIM_S_TRY: blk_push(S, f, BLK_TRY, &s->body, s); return 0;
    case SIM_S_IF:
        if ((rc = sim_frame_eval(S, f, s->expr, &v, &e)) == 0)
            blk_push(S, f, BLK_SEQ, sim_value_truthy(v) ? &s->body : &s->orelse, s);
        break;
    case SIM_S_BREAK: unwind_break(S, f); return 0;
    default: rc = stmt_simple(S, f, s, &e); break;
    }
    if (rc < 0)
        return do_raise(S, f, e, act);
    return rc;
}

/* Run f's statements until it stops. */
static void body_run(sim_state *S, sim_frame *f, sim_act *act)
{
    for (;;) {
        sim_blk *k = &f->blk[f->nblk - 1];
        int stop = k->pc >= k->n ? block_end(S, f, act) : exec_stmt(S, f, &k->s[k->pc++], act);
        if (stop)
            return;
    }
}

void sim_body_step(sim_state *S, sim_frame *f, int in, sim_value v, sim_exc *e, sim_act *act)
{
    if (f->cur)
        S->line = f->cur->line;     /* resumed: the events are its statement's again */
    if (in == IN_VALUE && f->cur) {
        sim_frame_assign(S, f, &f->cur->as, v);
    } else if (in == IN_EXC) {
        f->cur = NULL;
        if (do_raise(S, f, e, act))
            return;
    }
    f->cur = NULL;
    body_run(S, f, act);
}

int sim_main_run(sim_state *S, sim_exc **exc)
{
    sim_frame *f = S->main_frame = sim_frame_body(S, &S->sc->main, NULL);
    sim_act act;
    body_run(S, f, &act);
    S->main_frame = NULL;
    sim_frame_release(S, f);
    if (act.kind == ACT_RAISE) {
        *exc = act.e;
        return -1;
    }
    return 0;
}
