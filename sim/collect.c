/*
 * collect.c -- closing the coroutines main lets go of.
 *
 * CPython frees an object when its last reference goes, and a suspended
 * coroutine (or generator) freed so is closed first: GeneratorExit is
 * thrown in where it waits, its finally blocks and `except GeneratorExit`
 * clauses run, and what goes wrong then is only logged ("Exception ignored
 * in: ..."). A scenario drops a coroutine it drives by hand when main
 * rebinds the last variable, or list, that held it: after `c.send(None)`,
 * `c = worker(2)` runs worker 1's finally there and then.
 *
 * The simulator counts no references. When an assignment drops a list, an
 * exception or an object (or a verb without `as` drops its value) while a
 * coroutine main started by hand is not closed, a walk marks what is still
 * reachable: the globals, the value on its way, main's pending exceptions,
 * the frames of every coroutine not closed (locals, an awaitable's
 * arguments, pending exceptions and return values, items being put, the
 * queue a Queue.get or put waits on), the tasks (their coroutines, results
 * and exceptions); a queue reached so holds its items.
 * Each hand-driven coroutine in what was dropped that is left unmarked is
 * closed, in the order CPython's deallocation meets them (a list's items
 * last first), and the walk is repeated after each close. Frames of
 * coroutines that are themselves unreachable count as reachable: CPython
 * frees such objects only when its cycle collector runs, at no time a
 * scenario can know. What was dropped is looked through first (O(its
 * size)); only when it holds a hand-driven coroutine does the walk run, and
 * that visits every coroutine the run made: O(objects) for each reference
 * to one that is dropped. A scenario that never sends into a coroutine
 * pays one test per assignment.
 *
 * A frame that returns lets go of its locals the same way (stack_pop), so
 * a coroutine main passed to a task is closed in that task's step when the
 * task's frame returns, as in CPython. A frame that raises is kept by the
 * exception's traceback, and so are its locals, for as long as something
 * holds the exception: they are kept on it (held), and go when it does
 * (an `except ... as e` ends, a handler without a name ends). A task keeps
 * the exception it failed with. The exception a close throws is dropped by
 * close(), and the locals of the frames it unwound go then. A value on its
 * way (a return value, an exception being raised) is reachable meanwhile.
 *
 * Left out: finalization after main's last statement (CPython closes what
 * is left in an order of its garbage collector's, and not always: the
 * outcome has no place after the end); and the arguments of a coroutine
 * closed before it started (a task cancelled before its first step).
 */
#include "runtime.h"

#include <stdlib.h>
#include <string.h>

/* A walk: the values still to visit, and the epoch that marks a list, an
 * exception or a coroutine as met. */
typedef struct walk {
    sim_value *todo;
    size_t n, cap;
    uint32_t epoch;
} walk;

static void walk_push(walk *W, sim_value v)
{
    if (v.type != SIM_LIST && v.type != SIM_EXC && v.type != SIM_OBJ)
        return;
    if (W->n == W->cap)
        W->todo = sim_grow(W->todo, &W->cap, sizeof *W->todo);
    W->todo[W->n++] = v;
}

static void walk_push_exc(walk *W, sim_exc *e)
{
    if (e)
        walk_push(W, (sim_value){.type = SIM_EXC, .u.e = e});
}

/* Pop one value; mark it, and push what it holds (a list's items in
 * order, so the last is popped first: CPython's list_dealloc order; an
 * exception's StopIteration value, then its argument, then its context).
 * Returns the coroutine it is when met for the first time, else NULL. */
static sim_coro *walk_step(walk *W)
{
    sim_value v = W->todo[--W->n];
    if (v.type == SIM_LIST) {
        if (v.u.l->mark == W->epoch)
            return NULL;
        v.u.l->mark = W->epoch;
        for (uint32_t i = 0; i < v.u.l->len; i++)
            walk_push(W, v.u.l->items[i]);
        return NULL;
    }
    if (v.type == SIM_EXC) {
        sim_exc *e = v.u.e;
        if (e->mark == W->epoch)
            return NULL;
        e->mark = W->epoch;
        walk_push_exc(W, e->context);
        if (e->held)
            walk_push(W, sim_list_value(e->held));
        if (e->nargs)
            walk_push(W, e->arg);
        walk_push(W, e->value);
        return NULL;
    }
    if (v.u.o->kind == SIM_OBJ_QUEUE) {
        sim_queue *q = (sim_queue *)v.u.o;
        if (q->mark == W->epoch)
            return NULL;
        q->mark = W->epoch;
        for (size_t k = q->len; k-- > 0;)     /* a deque frees its first item first */
            walk_push(W, q->items[(q->head + k) % q->cap]);
        return NULL;
    }
    if (v.u.o->kind != SIM_OBJ_CORO)
        return NULL;
    sim_coro *co = (sim_coro *)v.u.o;
    if (co->mark == W->epoch)
        return NULL;
    co->mark = W->epoch;
    return co;
}

static void walk_drain(walk *W)
{
    while (W->n)
        walk_step(W);
}

static void walk_values(walk *W, const sim_value *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        walk_push(W, v[i]);
}

/* What one frame holds: its locals, its blocks' pending exceptions and
 * return values, a library frame's argument; the coroutines it awaits. */
static void walk_frame(walk *W, const sim_frame *f)
{
    if (f->kind == FR_BODY && f->func->kind != SIM_F_MAIN)
        walk_values(W, f->locals, (size_t)sim_frame_nheld(f->func));
    for (int i = 0; i < f->nblk; i++) {
        walk_push_exc(W, f->blk[i].exc);
        walk_push(W, f->blk[i].val);
    }
    walk_push(W, f->lval);
    if (f->queue)                     /* a Queue.get or put waiting on it */
        walk_push(W, sim_obj_value(&f->queue->hdr));
    if (f->inner)
        f->inner->mark = W->epoch;
    if (f->child && f->child->coro)
        f->child->coro->mark = W->epoch;
}

/* Every frame of the stack co is the root of; a coroutine not started,
 * its own frame (its arguments). */
static void walk_coro_frames(walk *W, const sim_coro *co)
{
    if (!co->frame)
        return;
    const sim_coro *root = co->frame->root;
    int own = co->state == CORO_CREATED || !root || root == co || !root->frame;
    if (!own)
        return;                     /* walked from the root of its stack */
    for (const sim_frame *f = co->frame; f; f = co->state == CORO_CREATED ? NULL : f->child)
        walk_frame(W, f);
}

/* Mark everything reachable with a new epoch. */
static void walk_roots(sim_state *S, walk *W)
{
    W->epoch = ++S->mark_epoch;
    W->n = 0;
    walk_values(W, S->globals, (size_t)S->sc->nglobals);
    walk_push(W, S->flight);
    if (S->main_frame)
        walk_frame(W, S->main_frame);
    walk_drain(W);
    for (size_t i = 0; i < S->ncoro_list; i++) {
        walk_coro_frames(W, S->coros[i]);
        walk_drain(W);
    }
    for (size_t i = 0; i < S->ntasks; i++) {
        if (S->tasks[i]->coro)       /* a task wraps a coroutine main sent into */
            S->tasks[i]->coro->mark = W->epoch;
        walk_push(W, S->tasks[i]->fut.result);
        walk_push_exc(W, S->tasks[i]->fut.exc);
    }
    walk_drain(W);
}

/* Keep in S->hand only the coroutines not closed (one running now, its
 * frame letting go of something, is suspended again later); their count. */
static size_t hand_prune(sim_state *S)
{
    size_t n = 0;
    for (size_t i = 0; i < S->nhand; i++)
        if (S->hand[i]->state != CORO_CLOSED)
            S->hand[n++] = S->hand[i];
    S->nhand = n;
    return n;
}

void sim_collect_raised(sim_state *S, sim_exc *exc, const sim_value *old, size_t n)
{
    if (!n)
        return;
    if (S->closing) {
        while (S->ndrop + n > S->capdrop)
            S->drop = sim_grow(S->drop, &S->capdrop, sizeof *S->drop);
        memcpy(S->drop + S->ndrop, old, n * sizeof *old);
        S->ndrop += n;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (old[i].type != SIM_LIST && old[i].type != SIM_EXC && old[i].type != SIM_OBJ)
            continue;
        if (!exc->held)
            exc->held = sim_list_new(&S->arena, 4);
        sim_list_append(&S->arena, exc->held, old[i]);
    }
}

/* The close that began when S->drop held base values is over: the locals
 * of the frames it unwound are let go of now. */
static void release_unwound(sim_state *S, size_t base)
{
    size_t n = S->ndrop - base;
    if (!n)
        return;
    sim_value *vals = malloc(n * sizeof *vals);
    if (!vals)
        abort();
    memcpy(vals, S->drop + base, n * sizeof *vals);
    S->ndrop = base;
    sim_collect_dropped(S, vals, n);
    free(vals);
}

/* "Exception ignored in: <coroutine object c>: Type: message", logged
 * where the prints stand now. */
static void note_ignored(sim_state *S, sim_coro *co, const sim_exc *err)
{
    sim_buf b = {0};
    sim_buf_puts(&b, "Exception ignored in: ");
    sim_value_repr(&b, &S->sc->types, sim_obj_value(&co->hdr));
    sim_buf_puts(&b, ": ");
    sim_exc_describe(&b, &S->sc->types, err);
    const char *text = sim_arena_strndup(&S->arena, b.p ? b.p : "", b.len);
    sim_buf_free(&b);
    S->ignored = sim_grow_noted(S->ignored, sizeof *S->ignored, &S->ignored_prints,
                                S->nignored, &S->capignored);
    S->ignored_prints[S->nignored] = (int)S->nprints;
    S->ignored[S->nignored++] = text;
    sim_event *e = sim_emit(S, SIM_EV_WARNING, S->cur_task ? S->cur_task->index : -1, co->id);
    if (e) {
        e->a = SIM_WARN_IGNORED;
        e->b = sim_str_id(S, text);
    }
}

static void coro_close(sim_state *S, sim_coro *co);

/* After co yielded instead of closing, CPython frees its frame without
 * running it, and with it what the frame awaits: that coroutine (the
 * Queue.get or asyncio.sleep the close started, say) is closed in turn,
 * so its own cleanup runs (the getter leaves the queue, the timer is
 * cancelled). Then co's frames go. */
static void close_failed(sim_state *S, sim_coro *co, sim_exc *err)
{
    sim_frame *child = co->frame ? co->frame->child : NULL;
    if (child && child->coro && child->kind == FR_BODY && child->coro->state != CORO_CLOSED)
        coro_close(S, child->coro);       /* a coroutine or generator: logs its own failure */
    else if (child)
        sim_coro_close_awaited(S, co, sim_exc_new(&S->arena, SIM_EXC_GENERATOREXIT, NULL));
    sim_coro_discard(S, co, err);
}

/* coro.close() as the deallocator calls it: GeneratorExit thrown in; a
 * GeneratorExit or StopIteration coming out, or a return, is a quiet
 * close; a yield is "coroutine ignored GeneratorExit" (close_failed); any
 * other exception is logged and dropped. */
static void coro_close(sim_state *S, sim_coro *co)
{
    sim_exc *exit = sim_exc_new(&S->arena, SIM_EXC_GENERATOREXIT, NULL);
    sim_value out;
    sim_exc *err = NULL;
    int line = S->line;
    size_t base = S->ndrop;
    S->closing++;
    sim_resume r = sim_coro_resume(S, co, sim_none(), exit, &out, &err);
    if (r == RES_YIELD) {
        err = sim_err(S, SIM_EXC_RUNTIMEERROR, "%s ignored GeneratorExit",
                      co->generator ? "generator" : "coroutine");
        close_failed(S, co, err);
    }
    S->closing--;
    S->line = line;
    release_unwound(S, base);
    if (r == RES_YIELD) {
        /* logged below */
    } else if (r == RES_RETURN || !err ||
               sim_exctypes_is(&S->sc->types, err->type, SIM_EXC_GENERATOREXIT) ||
               sim_exctypes_is(&S->sc->types, err->type, SIM_EXC_STOPITERATION)) {
        return;
    }
    note_ignored(S, co, err);
}

/* The hand-driven coroutines in old[0..nold), in the order freeing them
 * one after another meets them. */
static sim_coro **dropped_order(sim_state *S, const sim_value *old, size_t nold, size_t *n)
{
    walk W = {.epoch = ++S->mark_epoch};
    sim_coro **met = NULL;
    size_t cap = 0;
    *n = 0;
    for (size_t i = nold; i-- > 0;)
        walk_push(&W, old[i]);
    while (W.n) {
        sim_coro *co = walk_step(&W);
        if (!co || !co->hand)
            continue;
        if (*n == cap)
            met = sim_grow(met, &cap, sizeof *met);
        met[(*n)++] = co;
    }
    free(W.todo);
    return met;
}

/* The first coroutine of met the last walk did not reach. */
static sim_coro *unreached(sim_coro **met, size_t nmet, uint32_t epoch)
{
    for (size_t i = 0; i < nmet; i++)
        if (met[i]->state == CORO_SUSPENDED && met[i]->mark != epoch)
            return met[i];
    return NULL;
}

void sim_collect_unstarted(sim_state *S, sim_value old)
{
    enum { UNSTARTED_WALK_MAX = 4096 };
    if (old.type != SIM_OBJ || old.u.o->kind != SIM_OBJ_CORO)
        return;
    sim_coro *co = (sim_coro *)old.u.o;
    if (!sim_coro_never_awaited(co) || co->warned || !S->opt.trace ||
        S->ncoro_list > UNSTARTED_WALK_MAX)
        return;
    walk W = {0};
    walk_roots(S, &W);
    free(W.todo);
    if (co->mark != W.epoch)
        sim_warn_dropped_coro(S, co);
}

void sim_collect_dropped(sim_state *S, const sim_value *old, size_t n)
{
    if (!hand_prune(S))
        return;
    size_t nmet;
    sim_coro **met = dropped_order(S, old, n, &nmet);
    if (!nmet) {                     /* the usual case: a walk of old alone */
        free(met);
        return;
    }
    walk W = {0};
    for (;;) {
        walk_roots(S, &W);
        sim_coro *co = unreached(met, nmet, W.epoch);
        if (!co)
            break;
        coro_close(S, co);
        if (co->state == CORO_SUSPENDED)     /* cannot be: never walk forever */
            co->state = CORO_CLOSED;
    }
    free(W.todo);
    free(met);
    hand_prune(S);
}
