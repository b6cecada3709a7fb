/*
 * main.c -- the statements only main may use: the ones that enter an event
 * loop (run_until_complete, run_forever, asyncio_run), make loops, read
 * task results, and drive coroutines by hand (send, drive; format 5).
 */
#include "runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void run_trace(sim_state *S, int kind, int how, int interrupted)
{
    sim_event *e = sim_emit(S, kind, -1, -1);
    if (e) {
        e->a = how;
        e->b = interrupted;
    }
}

/* loop.run_until_complete(TARGET) on the current loop. */
static int main_ruc(sim_state *S, sim_frame *f, const sim_stmt *s, sim_exc **e)
{
    sim_value v, out;
    sim_loop *L = sim_get_event_loop(S, e);
    if (!L || sim_frame_target(S, f, &s->target, &v, e) < 0)
        return -1;
    int new_task = !(v.type == SIM_OBJ && (v.u.o->kind == SIM_OBJ_FUTURE ||
                                            v.u.o->kind == SIM_OBJ_TASK));
    sim_future *fut = sim_ensure_future(S, v, L, e);
    if (!fut)
        return -1;
    run_trace(S, SIM_EV_RUN_BEGIN, SIM_RUN_UNTIL_COMPLETE, 0);
    int rc = sim_loop_run_until_complete(S, L, fut, new_task, &out, e);
    run_trace(S, SIM_EV_RUN_END, SIM_RUN_UNTIL_COMPLETE, 0);
    if (rc < 0)
        return -1;
    sim_frame_assign(S, f, &s->as, out);
    return 0;
}

/* loop.run_forever(): an interrupt (the loop idles) just returns. */
static int main_run_forever(sim_state *S, sim_exc **e)
{
    sim_loop *L = sim_get_event_loop(S, e);
    if (!L)
        return -1;
    run_trace(S, SIM_EV_RUN_BEGIN, SIM_RUN_FOREVER, 0);
    int rc = sim_loop_run_forever(S, L, e);
    run_trace(S, SIM_EV_RUN_END, SIM_RUN_FOREVER, rc == 1);
    return rc < 0 ? -1 : 0;
}

static int main_asyncio_run(sim_state *S, sim_frame *f, const sim_stmt *s, sim_exc **e)
{
    sim_value v, out;
    if (sim_frame_call(S, f, &s->call, &v, e) < 0)
        return -1;
    if (sim_asyncio_run(S, v, &out, e) < 0)
        return -1;
    sim_frame_assign(S, f, &s->as, out);
    return 0;
}

/* coro.send(value): the yielded value, or StopIteration(result). */
static sim_resume main_send1(sim_state *S, sim_coro *co, sim_value v, sim_value *out,
                             sim_exc **e)
{
    int line = S->line;             /* main's statement: the next send's line too */
    if (!co->hand) {                /* closed when main lets go of it (collect.c) */
        co->hand = 1;
        if (S->nhand == S->caphand)
            S->hand = sim_grow(S->hand, &S->caphand, sizeof *S->hand);
        S->hand[S->nhand++] = co;
    }
    sim_resume r = sim_coro_resume(S, co, v, NULL, out, e);
    S->line = line;
    if (r == RES_YIELD && out->type == SIM_OBJ && out->u.o->kind == SIM_OBJ_FUTURE)
        ((sim_future *)out->u.o)->escaped = 1;     /* main may keep it: never reused */
    if (r == RES_RETURN) {
        *e = out->type == SIM_NONE ? sim_exc_new(&S->arena, SIM_EXC_STOPITERATION, NULL)
                                   : sim_exc_with_arg(&S->arena, SIM_EXC_STOPITERATION, *out);
        (*e)->value = *out;
    }
    return r;
}

/* The coroutine object held by variable n. */
static sim_coro *coro_var(sim_state *S, sim_frame *f, const sim_name *n, sim_exc **e)
{
    sim_value v;
    if (sim_frame_lookup(S, f, n, &v, e) < 0)
        return NULL;
    if (v.type == SIM_OBJ && v.u.o->kind == SIM_OBJ_CORO)
        return (sim_coro *)v.u.o;
    *e = sim_err(S, SIM_EXC_ATTRIBUTEERROR, "'%s' object has no attribute 'send'",
                 sim_value_typename(&S->sc->types, v));
    return NULL;
}

static int main_send(sim_state *S, sim_frame *f, const sim_stmt *s, sim_exc **e)
{
    sim_value v, out;
    sim_coro *co = coro_var(S, f, &s->name, e);
    if (!co || sim_frame_eval(S, f, s->expr, &v, e) < 0)
        return -1;
    if (main_send1(S, co, v, &out, e) != RES_YIELD)
        return -1;
    sim_frame_assign(S, f, &s->as, out);
    return 0;
}

/* One send(None) for drive: 1 when co finished (its value appended to
 * results), 0 when it yielded, -1 when it raised. */
static int drive_send(sim_state *S, sim_coro *co, sim_list *results, sim_exc **e)
{
    sim_value out;
    sim_resume r = main_send1(S, co, sim_none(), &out, e);
    if (r == RES_YIELD)
        return 0;
    if (r == RES_RAISE)
        return -1;
    sim_list_append(&S->arena, results, out);
    return 1;
}

/* live.remove(co): the first item that is co leaves live[0..*n) (a
 * coroutine listed twice stays once). */
static void live_remove(sim_coro **live, int *n, const sim_coro *co)
{
    int i = 0;
    while (i < *n && live[i] != co)
        i++;
    for (; i + 1 < *n; i++)
        live[i] = live[i + 1];
    if (i < *n)
        (*n)--;
}

/* The three hand-written loops of format section 5. */
static int drive_loop(sim_state *S, const sim_stmt *s, sim_coro **live, int n, sim_value seed,
                      sim_list *res, sim_exc **e)
{
    sim_mt mt;
    if (s->policy == SIM_DRIVE_RANDOM && sim_mt_seed_value(&mt, seed) < 0) {
        /* None (and nan) would seed from the OS: not reproducible. */
        *e = seed.type == SIM_NONE || seed.type == SIM_FLOAT
                 ? sim_err(S, SIM_EXC_VALUEERROR, "drive seed %s would not be reproducible; "
                           "give an int, a float or a str", seed.type == SIM_NONE ? "None" : "nan")
                 : sim_err(S, SIM_EXC_TYPEERROR, "The only supported seed types are: None,\n"
                           "int, float, str, bytes, and bytearray.");
        return -1;
    }
    if (s->policy == SIM_DRIVE_IN_ORDER) {
        for (int i = 0; i < n; i++) {
            int rc;
            while ((rc = drive_send(S, live[i], res, e)) == 0)
                ;
            if (rc < 0)
                return -1;
        }
        return 0;
    }
    sim_coro **pass = sim_arena_alloc(&S->arena, (size_t)(n + 1) * sizeof *pass);
    while (n > 0) {
        if (s->policy == SIM_DRIVE_RANDOM) {
            sim_coro *co = live[sim_mt_randbelow(&mt, (uint32_t)n)];
            int rc = drive_send(S, co, res, e);
            if (rc < 0)
                return -1;
            if (rc)
                live_remove(live, &n, co);
            continue;
        }
        int m = n;                               /* round robin: for coro in list(live) */
        memcpy(pass, live, (size_t)n * sizeof *pass);
        for (int i = 0; i < m; i++) {
            int rc = drive_send(S, pass[i], res, e);
            if (rc < 0)
                return -1;
            if (rc)
                live_remove(live, &n, pass[i]);
        }
    }
    return 0;
}

static int main_drive(sim_state *S, sim_frame *f, const sim_stmt *s, sim_exc **e)
{
    sim_coro **live = sim_arena_alloc(&S->arena, (size_t)(s->ndrive + 1) * sizeof *live);
    for (int i = 0; i < s->ndrive; i++)
        if (!(live[i] = coro_var(S, f, &s->drive[i], e)))
            return -1;
    sim_value seed = sim_none();
    if (s->policy == SIM_DRIVE_RANDOM && sim_frame_eval(S, f, s->expr, &seed, e) < 0)
        return -1;
    sim_list *res = sim_list_new(&S->arena, (uint32_t)s->ndrive);
    if (drive_loop(S, s, live, s->ndrive, seed, res, e) < 0) {
        /* Python's drive loop is a frame the exception leaves: its list of
         * coroutines stays with the traceback (collect.c) */
        sim_value held[2] = {sim_list_value(res), sim_none()};
        sim_list *l = sim_list_new(&S->arena, (uint32_t)s->ndrive);
        for (int i = 0; i < s->ndrive; i++)
            sim_list_append(&S->arena, l, sim_obj_value(&live[i]->hdr));
        held[1] = sim_list_value(l);
        sim_collect_raised(S, *e, held, 2);
        return -1;
    }
    sim_frame_assign(S, f, &s->as, sim_list_value(res));
    return 0;
}

/* t.result() / t.exception(). */
static int main_task_read(sim_state *S, sim_frame *f, const sim_stmt *s, sim_exc **e)
{
    int res = s->verb == SIM_S_TASK_RESULT;
    sim_value v;
    sim_future *fut = sim_frame_future(S, f, &s->name, res ? "result" : "exception", e);
    if (!fut)
        return -1;
    if ((res ? sim_future_result(S, fut, &v, e) : sim_future_exception(S, fut, &v, e)) < 0)
        return -1;
    sim_frame_assign(S, f, &s->as, v);
    return 0;
}

int sim_main_stmt(sim_state *S, sim_frame *f, const sim_stmt *s, sim_exc **e)
{
    sim_value v;
    switch (s->verb) {
    case SIM_S_RUN_UNTIL_COMPLETE: return main_ruc(S, f, s, e);
    case SIM_S_RUN_FOREVER: return main_run_forever(S, e);
    case SIM_S_ASYNCIO_RUN: return main_asyncio_run(S, f, s, e);
    case SIM_S_NEW_LOOP: S->current = sim_loop_new(S); return 0;
    case SIM_S_TASK_RESULT:
    case SIM_S_TASK_EXCEPTION: return main_task_read(S, f, s, e);
    case SIM_S_COROUTINE:
        if (sim_frame_call(S, f, &s->call, &v, e) < 0)
            return -1;
        ((sim_coro *)v.u.o)->bare = (uint8_t)s->call.awaitable;
        sim_frame_assign(S, f, &s->as, v);
        if (s->as.id) {
            sim_event *ev = sim_emit(S, SIM_EV_CORO_BIND, -1, ((sim_coro *)v.u.o)->id);
            if (ev)
                ev->a = sim_str_id(S, s->as.id);
        }
        return 0;
    case SIM_S_SEND: return main_send(S, f, s, e);
    case SIM_S_DRIVE: return main_drive(S, f, s, e);
    }
    *e = sim_err(S, SIM_EXC_RUNTIMEERROR, "statement not allowed here");
    return -1;
}
