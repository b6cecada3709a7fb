/*
 * state.c -- a run of a scenario: sim_new / sim_run / sim_free, the small
 * services every module uses (errors, clock, step counting, prints, trace
 * emission), and the outcome built at the end.
 *
 * The end of a scenario can come from deep inside the loop (a limit, a
 * loop that would wait forever inside run_until_complete): sim_end_now()
 * longjmps back to sim_run(). That is safe because everything a run
 * allocates lives in its arena or in arrays owned by the state.
 */
#include "runtime.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

sim_exc *sim_err(sim_state *S, int type, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sim_exc_new(&S->arena, type, msg);
}

/* The hot path of tracing (tens of millions of calls in a big run): the
 * record is written whole in one go; the caller fills in the kind's fields,
 * and the trace codes it with the batch it is in. When the batch is full,
 * emit_flushed codes it first: a tail call, so that the common path saves
 * no registers for a call it does not make (a quarter of its cost). */
#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

static NOINLINE sim_event *emit_flushed(sim_state *S, int kind, int task, int coro);

sim_event *sim_emit(sim_state *S, int kind, int task, int coro)
{
    if (!S->opt.trace)
        return NULL;
    sim_trace *T = &S->trace;
    if (T->npend == SIM_TRACE_PEND)
        return emit_flushed(S, kind, task, coro);
    sim_event *e = sim_trace_push_raw(T);     /* every field written below */
    const sim_loop *L = S->running;
    *e = (sim_event){.t = S->clock, .kind = (uint16_t)kind, .task = task, .coro = coro,
                     .line = S->line, .loop = L ? (uint16_t)L->id : 0,
                     .iter = L ? L->iter : 0};
    return e;
}

static NOINLINE sim_event *emit_flushed(sim_state *S, int kind, int task, int coro)
{
    sim_trace_flush(&S->trace);
    return sim_emit(S, kind, task, coro);
}

/* Slot of address p in the string id cache. */
static unsigned idcache_slot(const void *p)
{
    uintptr_t u = (uintptr_t)p;
    return (unsigned)((u >> 4) ^ (u >> 10)) & (SIM_IDCACHE - 1);
}

/* The id of an unchanging string, interned the first time its address
 * is seen (and again only when another address took its slot). */
static int32_t str_id_cached(sim_state *S, const char *s)
{
    unsigned i = idcache_slot(s);
    if (S->name_key[i] != s) {
        S->name_key[i] = s;
        S->name_id[i] = sim_trace_intern(&S->trace, s, strlen(s));
    }
    return S->name_id[i];
}

int32_t sim_str_id(sim_state *S, const char *s)
{
    return S->opt.trace ? str_id_cached(S, s) : 0;
}

/* repr of an int without printf: the digits, then a new string id. An
 * item put in a queue is got back soon after, so recent ints are cached by
 * value, and the string table's hash is not probed at all (an int that
 * comes back after leaving the cache gets a second id for its text). */
static int32_t int_repr_id(sim_state *S, int64_t i)
{
    unsigned slot = (unsigned)((uint64_t)i & (SIM_INTCACHE - 1));
    if (S->int_id[slot] && S->int_key[slot] == i)
        return S->int_id[slot];
    char buf[SIM_INT_DIGITS], *p = sim_int_digits(i, buf);
    S->int_key[slot] = i;
    S->int_id[slot] = sim_trace_add(&S->trace, p, (size_t)(buf + SIM_INT_DIGITS - p));
    return S->int_id[slot];
}

/* "<label>" of an object: labels never change once set (a state change
 * points the object at another label), so the id is cached by address. */
static int32_t obj_repr_id(sim_state *S, const sim_object *o)
{
    const char *label = o->label ? o->label : "object";
    unsigned i = idcache_slot(label);
    if (S->label_key[i] != label) {
        sim_buf *b = &S->tmp;
        b->len = 0;
        sim_buf_putc(b, '<');
        sim_buf_puts(b, label);
        sim_buf_putc(b, '>');
        S->label_key[i] = label;
        S->label_id[i] = sim_trace_intern(&S->trace, b->p, b->len);
    }
    return S->label_id[i];
}

/* A task as the trace shows it, with its name and coroutine as CPython's
 * repr has them: "<Task pending name='Task-2' coro=<child()>>", so that a
 * reader of the trace (the visualizer) can tell which task an await waits
 * on. Built each time: only tasks that are awaited are traced this way. */
static int32_t task_repr_id(sim_state *S, const sim_task *t)
{
    sim_buf *b = &S->tmp;
    b->len = 0;
    sim_task_repr(b, t);
    return sim_trace_intern(&S->trace, b->p, b->len);
}

void sim_repr_put(sim_state *S, sim_buf *b, sim_value v)
{
    if (v.type == SIM_OBJ && v.u.o->kind == SIM_OBJ_TASK)
        sim_task_repr(b, (const sim_task *)v.u.o);
    else
        sim_value_repr(b, &S->sc->types, v);
}

const char *sim_repr_cstr(sim_state *S, sim_value v)
{
    sim_buf *b = &S->tmp;
    b->len = 0;
    sim_repr_put(S, b, v);
    sim_buf_putc(b, 0);
    return b->p;
}

void sim_task_repr(sim_buf *b, const sim_task *t)
{
    /* 3.11's _task_repr_info: a pending task with cancel() requests is
     * "cancelling" (nothing in a scenario uncancels it) */
    const char *state = t->fut.state == SIM_TASK_PENDING && t->num_cancels > 0
        ? "Task cancelling" : t->fut.hdr.label ? t->fut.hdr.label : "Task";
    sim_buf_printf(b, "<%s name='%s' coro=<%s()>>", state, t->name,
                   t->coro && t->coro->name ? t->coro->name : "?");
}

/* The id of constant text, kept in *slot (0 until first used: id 0 is ""). */
static int32_t const_id(sim_state *S, int32_t *slot, const char *text)
{
    if (!*slot)
        *slot = sim_trace_intern(&S->trace, text, strlen(text));
    return *slot;
}

/* The hot cases (None, booleans, ints, objects) skip the repr buffer. */
int32_t sim_repr_id(sim_state *S, sim_value v)
{
    if (!S->opt.trace)
        return 0;
    switch (v.type) {
    case SIM_NONE: return const_id(S, &S->id_none, "None");
    case SIM_BOOL: return v.u.b ? const_id(S, &S->id_true, "True")
                                : const_id(S, &S->id_false, "False");
    case SIM_INT: return int_repr_id(S, v.u.i);
    case SIM_OBJ: return v.u.o->kind == SIM_OBJ_TASK ? task_repr_id(S, (const sim_task *)v.u.o)
                                                     : obj_repr_id(S, v.u.o);
    }
    sim_buf *b = &S->tmp;
    b->len = 0;
    sim_value_repr(b, &S->sc->types, v);
    return sim_trace_intern(&S->trace, b->p ? b->p : "", b->len);
}

int32_t sim_exc_id(sim_state *S, const sim_exc *e)
{
    if (!S->opt.trace || !e)
        return 0;
    sim_buf *b = &S->tmp;
    b->len = 0;
    sim_exc_describe(b, &S->sc->types, e);
    return sim_trace_intern(&S->trace, b->p ? b->p : "", b->len);
}

sim_value sim_task_name_value(sim_state *S)
{
    if (!S->cur_task)
        return sim_none();
    return sim_str_value(S->cur_task->name_str);
}

void sim_end_now(sim_state *S, int status, const char *error)
{
    S->outcome.status = status;
    S->outcome.error = error;
    longjmp(S->end_jmp, 1);
}

void sim_clock_advance_to(sim_state *S, double t)
{
    if (t > S->sc->limits.max_time)
        sim_end_now(S, SIM_END_LIMIT, "max_time");
    sim_event *e = sim_emit(S, SIM_EV_CLOCK, -1, -1);
    if (e) {
        e->x = S->clock;
        e->t = t;
    }
    S->clock = t;
}

void sim_clock_advance(sim_state *S, double d)
{
    sim_clock_advance_to(S, S->clock + d);
}

void sim_count_step(sim_state *S)
{
    if (++S->steps > S->sc->limits.max_steps)
        sim_end_now(S, SIM_END_LIMIT, "max_steps");
}

void sim_print_record(sim_state *S, const char *text, size_t len)
{
    if (S->nprints == S->capprints) {
        S->capprints = S->capprints ? S->capprints * 2 : 64;
        S->prints = realloc(S->prints, S->capprints * sizeof *S->prints);
        if (!S->prints)
            abort();
    }
    sim_print *p = &S->prints[S->nprints++];
    p->t = S->clock;
    p->task = S->cur_task ? S->cur_task->index : -1;
    p->text = sim_arena_strndup(&S->arena, text, len);
    sim_event *e = sim_emit(S, SIM_EV_PRINT, p->task, -1);
    if (e)
        e->a = sim_trace_intern(&S->trace, text, len);
}

sim_state *sim_new(const sim_scenario *sc, const sim_options *opt)
{
    sim_state *S = calloc(1, sizeof *S);
    if (!S)
        abort();
    S->sc = sc;
    if (opt)
        S->opt = *opt;
    sim_arena_init(&S->arena);
    if (S->opt.trace)
        sim_trace_init(&S->trace);
    S->globals = sim_arena_zalloc(&S->arena, (size_t)(sc->nglobals + 1) * sizeof *S->globals);
    S->labels = sim_arena_zalloc(&S->arena, (size_t)(sc->nfuncs + 1) * sizeof *S->labels);
    S->queues = sim_arena_zalloc(&S->arena, (size_t)(sc->nqueues + 1) * sizeof *S->queues);
    for (int i = 0; i < sc->nqueues; i++) {
        S->queues[i] = sim_queue_new(S, i, sc->queues[i].maxsize);
        S->globals[sc->queues[i].global] = sim_obj_value(&S->queues[i]->hdr);
    }
    return S;
}

/* Append warning w to o->warnings (cap: its capacity, grown by doubling). */
static void warning_add(sim_state *S, sim_outcome *o, size_t *cap, sim_warning w)
{
    if ((size_t)o->nwarnings == *cap) {
        sim_warning *old = o->warnings;
        *cap = *cap ? *cap * 2 : 16;
        o->warnings = sim_arena_alloc(&S->arena, *cap * sizeof *o->warnings);
        if (o->nwarnings)
            memcpy(o->warnings, old, (size_t)o->nwarnings * sizeof *o->warnings);
    }
    o->warnings[o->nwarnings++] = w;
}

static void warning_event(sim_state *S, int kind, int task, const char *coro)
{
    sim_event *e = sim_emit(S, SIM_EV_WARNING, task, -1);
    if (e) {
        e->a = kind;
        e->b = coro ? sim_str_id(S, coro) : 0;
    }
}

void sim_warn_never_retrieved(sim_state *S, sim_task *t)
{
    t->warned = 1;
    warning_event(S, SIM_WARN_NEVER_RETRIEVED, t->index, NULL);
}

int sim_coro_never_awaited(const sim_coro *co)
{
    return co->state == CORO_CREATED && !co->generator;
}

void sim_warn_dropped_coro(sim_state *S, sim_coro *co)
{
    if (!sim_coro_never_awaited(co) || co->warned)
        return;
    co->warned = 1;
    warning_event(S, SIM_WARN_NEVER_AWAITED, -1, co->name);
}

/* Warnings as they stand at the end (format section 6): one pass over the
 * tasks and one over the coroutines (at a million tasks each pass is a
 * cache miss an object, so there is no counting pass first). The trace
 * gets those it has not had yet. */
static void outcome_warnings(sim_state *S, sim_outcome *o)
{
    size_t cap = 0;
    for (size_t i = 0; i < S->ntasks; i++)
        if (S->tasks[i]->fut.state == SIM_TASK_FAILED && S->tasks[i]->fut.log_traceback) {
            warning_add(S, o, &cap, (sim_warning){SIM_WARN_NEVER_RETRIEVED, (int)i, NULL});
            if (!S->tasks[i]->warned)
                warning_event(S, SIM_WARN_NEVER_RETRIEVED, (int)i, NULL);
        }
    for (size_t i = 0; i < S->ncoro_list; i++)
        if (sim_coro_never_awaited(S->coros[i])) {
            warning_add(S, o, &cap, (sim_warning){SIM_WARN_NEVER_AWAITED, -1, S->coros[i]->name});
            if (!S->coros[i]->warned)
                warning_event(S, SIM_WARN_NEVER_AWAITED, -1, S->coros[i]->name);
        }
    if (!o->warnings)
        o->warnings = sim_arena_zalloc(&S->arena, sizeof *o->warnings);
}

static const char *describe(sim_state *S, const sim_exc *e)
{
    sim_buf b = {0};
    sim_exc_describe(&b, &S->sc->types, e);
    const char *s = sim_arena_strndup(&S->arena, b.p ? b.p : "", b.len);
    sim_buf_free(&b);
    return s;
}

static void outcome_tasks(sim_state *S, sim_outcome *o)
{
    o->ntasks = (int)S->ntasks;
    o->tasks = sim_arena_zalloc(&S->arena, (S->ntasks + 1) * sizeof *o->tasks);
    for (size_t i = 0; i < S->ntasks; i++) {
        sim_task *t = S->tasks[i];
        sim_task_info *ti = &o->tasks[i];
        ti->name = t->name;
        ti->coro = t->coro->name;
        ti->state = t->fut.state;
        if (t->fut.state == SIM_TASK_FINISHED && t->fut.result.type == SIM_NONE) {
            ti->result = "None";
        } else if (t->fut.state == SIM_TASK_FINISHED) {
            sim_buf *b = &S->tmp;
            b->len = 0;
            sim_value_repr(b, &S->sc->types, t->fut.result);
            ti->result = sim_arena_strndup(&S->arena, b->p ? b->p : "", b->len);
        } else if (t->fut.state == SIM_TASK_FAILED) {
            ti->exception = describe(S, t->fut.exc);
        }
    }
}

int sim_run(sim_state *S)
{
    sim_outcome *o = &S->outcome;
    o->scenario = S->sc->name;
    o->status = SIM_END_COMPLETED;
    if (!setjmp(S->end_jmp)) {
        sim_exc *e = NULL;
        S->current = sim_loop_new(S);
        if (sim_main_run(S, &e) < 0) {
            o->status = SIM_END_UNCAUGHT;
            o->error = describe(S, e);
        }
    }
    S->running = NULL;
    S->cur_task = NULL;
    S->line = 0;
    o->t = S->clock;
    o->prints = S->prints;
    o->nprints = (int)S->nprints;
    o->interrupts = S->interrupts;
    o->interrupt_prints = S->interrupt_prints;
    o->ninterrupts = (int)S->ninterrupts;
    o->shutdown_errors = S->shutdown_errors;
    o->shutdown_prints = S->shutdown_prints;
    o->nshutdown_errors = (int)S->nshutdown_errors;
    o->ignored = S->ignored;
    o->ignored_prints = S->ignored_prints;
    o->nignored = (int)S->nignored;
    outcome_tasks(S, o);
    outcome_warnings(S, o);
    sim_event *ev = sim_emit(S, SIM_EV_END, -1, -1);
    if (ev) {
        ev->a = o->status;
        ev->b = o->error ? sim_str_id(S, o->error) : 0;
        sim_trace_flush(&S->trace);
    }
    snprintf(S->errmsg, sizeof S->errmsg, "%s", o->error ? o->error : "");
    return o->status;
}

const sim_outcome *sim_outcome_get(const sim_state *S) { return &S->outcome; }

const sim_trace *sim_trace_get(const sim_state *S) { return S->opt.trace ? &S->trace : NULL; }

const char *sim_errmsg(const sim_state *S) { return S->errmsg; }

void sim_free(sim_state *S)
{
    if (!S)
        return;
    for (sim_loop *L = S->loops; L; L = L->next) {
        free(L->ready);
        free(L->heap);
        free(L->tasks);
    }
    for (int i = 0; i < S->sc->nqueues; i++) {
        free(S->queues[i]->items);
        free(S->queues[i]->getters);
        free(S->queues[i]->putters);
    }
    free(S->coros);
    free(S->tasks);
    free(S->prints);
    free(S->interrupts);
    free(S->interrupt_prints);
    free(S->shutdown_errors);
    free(S->shutdown_prints);
    free(S->hand);
    free(S->drop);
    free(S->ignored);
    free(S->ignored_prints);
    sim_buf_free(&S->tmp);
    sim_trace_free(&S->trace);
    sim_arena_free(&S->arena);
    free(S);
}
