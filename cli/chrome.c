/*
 * chrome.c -- `corosim run SCENARIO --chrome FILE`: the trace as Chrome
 * Trace Event Format JSON, for Perfetto and chrome://tracing.
 *
 * Tracks (pid 1): tid 1 main, tid 2 the event loop, tid 10+k task k.
 * Slices are B/E pairs kept strictly nested by a stack per track: every E
 * closes the top of its track's stack, so nesting holds by construction.
 *   main:  "main" for the whole run; "loop.run_forever()" & co. while
 *          main is inside a loop; "send(v)" while main drives a coroutine
 *          by hand, with that coroutine's frames inside.
 *   loop:  "iteration N" per _run_once.
 *   task:  "step N" per Task.__step, with the coroutine frames inside
 *          (the suspended ones reopened at each step); between two steps
 *          one wait slice ("asyncio.sleep(1)", "await q.get()", ...), so
 *          waits never overlap steps; "scheduled" from creation to the
 *          first step; "time.sleep(x)" inside a step for blocking calls.
 * Instants (ph "i", s "t") mark prints, yields, sends, throws, raises,
 * catches, cancellations, warnings and the waking events; flows (s/f,
 * bp "e") go from a step's waker (steps.c) to the step.
 * ts is virtual seconds x 1e6; events are written in trace order, so ts
 * never decreases and equal-ts events keep their causal order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chrome.h"
#include "steps.h"

enum { CH_MAIN_TID = 1, CH_LOOP_TID = 2, CH_TASK_TID0 = 10 };
enum { CH_S_MAIN, CH_S_RUN, CH_S_ITER, CH_S_STEP, CH_S_FRAME, CH_S_WAIT, CH_S_SEND,
       CH_S_BLOCK };

/* An open slice on a track. */
typedef struct ch_open {
    int kind, coro, depth;
} ch_open;

typedef struct ch_track {
    int n, cap;
    ch_open *s;
} ch_track;

/* The suspended frames of a coroutine: function name ids by depth. */
typedef struct ch_frames {
    int n, cap;
    int32_t *name;
} ch_frames;

typedef struct ch_flow {
    long waker;
    int step;
} ch_flow;

typedef struct chrome {
    sim_buf *b;
    const sim_trace *T;
    const sim_scenario *sc;
    const sim_outcome *o;
    steps_list steps;
    ch_track *tracks;          /* 2 + ntasks: main, loop, tasks */
    ch_frames *frames;         /* by coroutine id */
    int nframes;
    ch_flow *flows;
    int nflows, flow_at;
    int cur_task;              /* task whose step runs, -1 none */
    int cur_coro;              /* its root coroutine */
    int next_step;             /* next steps.s to begin */
    int first;                 /* no event written yet */
} chrome;

/* Append s as a JSON string. */
static void chrome_str(sim_buf *b, const char *s)
{
    sim_buf_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            sim_buf_printf(b, "\\%c", c);
        else if (c == '\n')
            sim_buf_puts(b, "\\n");
        else if (c < 0x20)
            sim_buf_printf(b, "\\u%04x", c);
        else
            sim_buf_putc(b, (char)c);
    }
    sim_buf_putc(b, '"');
}

/* Start one event object: name, ph, ts, tid (the caller adds fields and
 * closes it with chrome_close). */
static void chrome_open_ev(chrome *C, const char *name, const char *ph, double t, int tid)
{
    sim_buf_puts(C->b, C->first ? "\n" : ",\n");
    C->first = 0;
    sim_buf_puts(C->b, "{\"name\":");
    chrome_str(C->b, name);
    sim_buf_printf(C->b, ",\"ph\":\"%s\",\"ts\":%.3f,\"pid\":1,\"tid\":%d", ph, t * 1e6, tid);
}

static void chrome_close(chrome *C)
{
    sim_buf_putc(C->b, '}');
}

static int chrome_tid(int track)
{
    return track == 0 ? CH_MAIN_TID : track == 1 ? CH_LOOP_TID : CH_TASK_TID0 + track - 2;
}

/* Open a slice on track (0 main, 1 loop, 2+k task k). */
static void chrome_begin(chrome *C, int track, const char *name, const char *cat, double t,
                         int kind, int coro, int depth)
{
    ch_track *tr = &C->tracks[track];
    if (tr->n == tr->cap) {
        tr->cap = tr->cap ? tr->cap * 2 : 16;
        tr->s = realloc(tr->s, (size_t)tr->cap * sizeof *tr->s);
        if (!tr->s)
            abort();
    }
    tr->s[tr->n++] = (ch_open){kind, coro, depth};
    chrome_open_ev(C, name, "B", t, chrome_tid(track));
    sim_buf_printf(C->b, ",\"cat\":\"%s\"", cat);
    chrome_close(C);
}

/* Close the top slice of track. */
static void chrome_end(chrome *C, int track, double t)
{
    ch_track *tr = &C->tracks[track];
    if (tr->n == 0)
        return;
    tr->n--;
    chrome_open_ev(C, "", "E", t, chrome_tid(track));
    chrome_close(C);
}

/* Index of the topmost open slice of kind (and coro, when >= 0), or -1. */
static int chrome_find(const chrome *C, int track, int kind, int coro)
{
    const ch_track *tr = &C->tracks[track];
    for (int i = tr->n - 1; i >= 0; i--)
        if (tr->s[i].kind == kind && (coro < 0 || tr->s[i].coro == coro))
            return i;
    return -1;
}

/* Close slices of track down to and including index i. */
static void chrome_end_to(chrome *C, int track, int i, double t)
{
    while (i >= 0 && C->tracks[track].n > i)
        chrome_end(C, track, t);
}

/* An instant on track with an optional detail argument. */
static void chrome_instant(chrome *C, int track, const char *name, const char *cat, double t,
                           const char *detail)
{
    chrome_open_ev(C, name, "i", t, chrome_tid(track));
    sim_buf_printf(C->b, ",\"s\":\"t\",\"cat\":\"%s\",\"args\":{\"t\":%.9g", cat, t);
    if (detail) {
        sim_buf_puts(C->b, ",\"detail\":");
        chrome_str(C->b, detail);
    }
    sim_buf_puts(C->b, "}");
    chrome_close(C);
}

/* The track an event happens on: the running step's task, else the loop
 * while one runs, else main. */
static int chrome_track_of(const chrome *C, const sim_event *e)
{
    if (C->cur_task >= 0)
        return 2 + C->cur_task;
    return e->loop ? 1 : 0;
}

static const char *chrome_s(const chrome *C, int32_t id)
{
    return sim_trace_str(C->T, id);
}

/* Record a frame push or pop in the coroutine's suspended-frame stack. */
static void chrome_frames_set(chrome *C, int coro, int depth, int32_t name)
{
    if (coro < 0)
        return;
    if (coro >= C->nframes) {
        int n = C->nframes ? C->nframes : 64;
        while (n <= coro)
            n *= 2;
        C->frames = realloc(C->frames, (size_t)n * sizeof *C->frames);
        if (!C->frames)
            abort();
        memset(C->frames + C->nframes, 0, (size_t)(n - C->nframes) * sizeof *C->frames);
        C->nframes = n;
    }
    ch_frames *f = &C->frames[coro];
    if (name < 0) {
        f->n = depth < f->n ? depth : f->n;
        return;
    }
    if (depth >= f->cap) {
        f->cap = depth + 8;
        f->name = realloc(f->name, (size_t)f->cap * sizeof *f->name);
        if (!f->name)
            abort();
    }
    f->name[depth] = name;
    f->n = depth + 1;
}

/* Reopen the suspended frames of coro on track (a resumed coroutine). */
static void chrome_reopen_frames(chrome *C, int track, int coro, int from, double t)
{
    if (coro < 0 || coro >= C->nframes)
        return;
    for (int d = from; d < C->frames[coro].n; d++)
        chrome_begin(C, track, chrome_s(C, C->frames[coro].name[d]), "frame", t, CH_S_FRAME,
                     coro, d);
}

static int chrome_cmp_flow(const void *a, const void *b)
{
    const ch_flow *x = a, *y = b;
    return x->waker != y->waker ? (x->waker < y->waker ? -1 : 1) : x->step - y->step;
}

/* The flows, one per step with a known waker, sorted by waker event. */
static void chrome_plan_flows(chrome *C)
{
    C->flows = malloc(((size_t)C->steps.n + 1) * sizeof *C->flows);
    if (!C->flows)
        abort();
    for (int i = 0; i < C->steps.n; i++)
        if (C->steps.s[i].waker >= 0)
            C->flows[C->nflows++] = (ch_flow){C->steps.s[i].waker, i};
    qsort(C->flows, (size_t)C->nflows, sizeof *C->flows, chrome_cmp_flow);
}

/* The flow starts of event i (a waker), on track. */
static void chrome_flow_starts(chrome *C, size_t i, int track, double t)
{
    while (C->flow_at < C->nflows && C->flows[C->flow_at].waker < (long)i)
        C->flow_at++;
    for (; C->flow_at < C->nflows && C->flows[C->flow_at].waker == (long)i; C->flow_at++) {
        chrome_open_ev(C, "wakes", "s", t, chrome_tid(track));
        sim_buf_printf(C->b, ",\"cat\":\"flow\",\"id\":%d", C->flows[C->flow_at].step + 1);
        chrome_close(C);
    }
}

/* Metadata: the process and one named track per thread. */
static void chrome_metadata(chrome *C)
{
    sim_buf name = {0};
    sim_buf_printf(&name, "corosim: %s", C->sc->name);
    chrome_open_ev(C, "process_name", "M", 0, CH_MAIN_TID);
    sim_buf_puts(C->b, ",\"args\":{\"name\":");
    chrome_str(C->b, name.p);
    sim_buf_puts(C->b, "}}");
    for (int k = -2; k < C->o->ntasks; k++) {
        name.len = 0;
        if (k == -2)
            sim_buf_puts(&name, "main");
        else if (k == -1)
            sim_buf_puts(&name, "event loop");
        else
            sim_buf_printf(&name, "%s (%s)", C->o->tasks[k].name, C->o->tasks[k].coro);
        int tid = chrome_tid(k + 2);
        chrome_open_ev(C, "thread_name", "M", 0, tid);
        sim_buf_puts(C->b, ",\"args\":{\"name\":");
        chrome_str(C->b, name.p);
        sim_buf_puts(C->b, "}}");
        chrome_open_ev(C, "thread_sort_index", "M", 0, tid);
        sim_buf_printf(C->b, ",\"args\":{\"sort_index\":%d}}", tid);
    }
    sim_buf_free(&name);
}

/* Names of how main entered the loop. */
static const char *chrome_run_name(int how)
{
    return how == SIM_RUN_UNTIL_COMPLETE ? "loop.run_until_complete()"
           : how == SIM_RUN_FOREVER      ? "loop.run_forever()"
                                         : "asyncio.run()";
}

/* STEP_BEGIN: end the task's wait, open the step and its resumed frames,
 * finish the flow from its waker. */
static void chrome_step_begin(chrome *C, const sim_event *e)
{
    int k = e->task, track = 2 + k;
    chrome_end_to(C, track, chrome_find(C, track, CH_S_WAIT, -1), e->t);
    while (C->next_step < C->steps.n && C->steps.s[C->next_step].task != k)
        C->next_step++;                   /* never: steps are in trace order */
    int si = C->next_step;
    char name[64];
    snprintf(name, sizeof name, "step %d", si < C->steps.n ? C->steps.s[si].nth : 1);
    chrome_begin(C, track, name, "step", e->t, CH_S_STEP, e->coro, 0);
    C->cur_task = k;
    C->cur_coro = e->coro;
    if (si < C->steps.n && C->steps.s[si].waker >= 0) {
        chrome_open_ev(C, "wakes", "f", e->t, chrome_tid(track));
        sim_buf_printf(C->b, ",\"bp\":\"e\",\"cat\":\"flow\",\"id\":%d", si + 1);
        chrome_close(C);
    }
    chrome_reopen_frames(C, track, e->coro, 0, e->t);
}

/* STEP_END: close the step; open the wait that follows, if any. */
static void chrome_step_end(chrome *C, const sim_event *e)
{
    int k = e->task, track = 2 + k;
    chrome_end_to(C, track, chrome_find(C, track, CH_S_STEP, -1), e->t);
    C->cur_task = -1;
    C->cur_coro = -1;
    int si = C->next_step++;
    if (si >= C->steps.n || C->steps.s[si].wait == STEPS_W_DONE)
        return;
    sim_buf label = {0};
    steps_wait_label(&label, &C->steps, si, C->T, C->sc);
    chrome_begin(C, track, label.p, "wait", e->t, CH_S_WAIT, -1, 0);
    sim_buf_free(&label);
}

/* SEND / THROW: an instant inside the step that drives its own
 * coroutine; a slice (with the resumed frames) when driven by hand. */
static void chrome_send(chrome *C, const sim_event *e, int track)
{
    sim_buf name = {0};
    sim_buf_printf(&name, "%s(%s)", e->kind == SIM_EV_SEND ? "send" : "throw",
                   chrome_s(C, e->a));
    if (C->cur_task >= 0 && e->coro == C->cur_coro)
        chrome_instant(C, track, name.p, "send", e->t, NULL);
    else {
        chrome_begin(C, track, name.p, "send", e->t, CH_S_SEND, e->coro, e->c);
        chrome_reopen_frames(C, track, e->coro, e->c, e->t);
    }
    sim_buf_free(&name);
}

/* FRAME_PUSH / FRAME_POP: frame slices, and the end of a hand-driven
 * send when its bottom frame returns. */
static void chrome_frame(chrome *C, const sim_event *e, int track)
{
    if (e->kind == SIM_EV_FRAME_PUSH) {
        chrome_frames_set(C, e->coro, e->c, e->a);
        chrome_begin(C, track, chrome_s(C, e->a), "frame", e->t, CH_S_FRAME, e->coro, e->c);
        return;
    }
    chrome_frames_set(C, e->coro, e->c, -1);
    const ch_track *tr = &C->tracks[track];
    for (int i = tr->n - 1; i >= 0; i--)
        if (tr->s[i].kind == CH_S_FRAME && tr->s[i].coro == e->coro && tr->s[i].depth == e->c) {
            chrome_end_to(C, track, i, e->t);
            break;
        }
    int send = chrome_find(C, track, CH_S_SEND, e->coro);
    if (send >= 0 && tr->s[send].depth == e->c)   /* the frame the send resumed returned */
        chrome_end_to(C, track, send, e->t);
    else if (e->c == 0)
        chrome_end_to(C, track, send, e->t);
}

/* Instants naming a value: "yield 'x'", "q.put(3)", ... */
static void chrome_named(chrome *C, int track, const char *cat, double t, const char *fmt,
                         const char *a1, const char *a2)
{
    sim_buf name = {0};
    sim_buf_printf(&name, fmt, a1, a2);
    chrome_instant(C, track, name.p, cat, t, NULL);
    sim_buf_free(&name);
}

static const char *chrome_task_name(const chrome *C, int k)
{
    return k >= 0 && k < C->o->ntasks ? C->o->tasks[k].name : "?";
}

static const char *chrome_queue_name(const chrome *C, int q)
{
    return q >= 0 && q < C->sc->nqueues ? C->sc->queues[q].name : "queue";
}

/* The loop's structure: runs (on main) and iterations (on the loop). */
static void chrome_loop_event(chrome *C, const sim_event *e)
{
    char name[48];
    switch (e->kind) {
    case SIM_EV_RUN_BEGIN:
        chrome_begin(C, 0, chrome_run_name(e->a), "run", e->t, CH_S_RUN, -1, 0);
        break;
    case SIM_EV_RUN_END:
        chrome_end_to(C, 1, 0, e->t);
        chrome_end_to(C, 0, chrome_find(C, 0, CH_S_RUN, -1), e->t);
        break;
    case SIM_EV_ITER:
        chrome_end_to(C, 1, chrome_find(C, 1, CH_S_ITER, -1), e->t);
        snprintf(name, sizeof name, "iteration %d", e->a);
        chrome_begin(C, 1, name, "loop", e->t, CH_S_ITER, -1, 0);
        break;
    case SIM_EV_BLOCK:
        snprintf(name, sizeof name, "time.sleep(%g)", e->x);
        chrome_begin(C, chrome_track_of(C, e), name, "block", e->t, CH_S_BLOCK, -1, 0);
        chrome_end(C, chrome_track_of(C, e), e->t + e->x);
        break;
    default:
        break;
    }
}

/* The events that may wake a task, and the other instants. */
static void chrome_mark(chrome *C, const sim_event *e, int track)
{
    const char *qn = chrome_queue_name(C, e->a);
    switch (e->kind) {
    case SIM_EV_PRINT:
        chrome_instant(C, track, chrome_s(C, e->a), "print", e->t,
                       e->task >= 0 ? chrome_task_name(C, e->task) : "main");
        break;
    case SIM_EV_YIELD:
        chrome_named(C, track, "yield", e->t, "yield %s%s", chrome_s(C, e->a), "");
        if (!(C->cur_task >= 0 && e->coro == C->cur_coro))
            chrome_end_to(C, track, chrome_find(C, track, CH_S_SEND, e->coro), e->t);
        break;
    case SIM_EV_RAISE:
        chrome_named(C, track, "exception", e->t, "raise %s%s", chrome_s(C, e->a), "");
        break;
    case SIM_EV_CATCH:
        chrome_named(C, track, "exception", e->t, "except %s%s", chrome_s(C, e->a), "");
        break;
    case SIM_EV_CANCEL:
        chrome_named(C, track, "cancel", e->t, "%s.cancel()%s", chrome_task_name(C, e->task),
                     "");
        break;
    case SIM_EV_TASK_NEW:
        chrome_named(C, track, "task", e->t, "create_task: %s (%s)", chrome_s(C, e->a),
                     chrome_s(C, e->b));
        break;
    case SIM_EV_TASK_DONE:
        chrome_named(C, track, "task", e->t, "%s %s", chrome_task_name(C, e->task),
                     sim_task_state_name(e->a));
        break;
    case SIM_EV_QUEUE_PUT:
        chrome_named(C, track, "queue", e->t, "%s.put(%s)", qn, chrome_s(C, e->b));
        break;
    case SIM_EV_QUEUE_GET:
        chrome_named(C, track, "queue", e->t, "%s.get() -> %s", qn, chrome_s(C, e->b));
        break;
    case SIM_EV_TIMER_POP:
        chrome_instant(C, track, "timer fired", "timer", e->t, NULL);
        break;
    case SIM_EV_FUTURE_DONE:
        if (e->b == SIM_FUT_GATHER)
            chrome_instant(C, track, "gather done", "task", e->t, NULL);
        break;
    case SIM_EV_WARNING:
        chrome_instant(C, track, e->a == SIM_WARN_NEVER_RETRIEVED
                                     ? "warning: Task exception was never retrieved"
                                     : e->a == SIM_WARN_SHUTDOWN_ERROR
                                     ? "unhandled exception during asyncio.run() shutdown"
                                     : e->a == SIM_WARN_IGNORED
                                     ? "exception ignored closing a dropped coroutine"
                                     : "warning: coroutine was never awaited",
                       "warning", e->t, NULL);
        break;
    case SIM_EV_INTERRUPT:
        chrome_instant(C, track, "interrupt (Ctrl-C): nothing left to do", "loop", e->t, NULL);
        break;
    case SIM_EV_END:
        chrome_named(C, 0, "end", e->t, "end: %s%s", sim_end_status_name(e->a), "");
        break;
    default:
        break;
    }
}

/* One trace event, e of index i: its slices, instants and flow starts. */
static void chrome_event(chrome *C, size_t i, const sim_event *e)
{
    if (i == 0)
        chrome_begin(C, 0, "main", "main", e->t, CH_S_MAIN, -1, 0);
    int track = chrome_track_of(C, e);
    switch (e->kind) {
    case SIM_EV_STEP_BEGIN:
        if (e->task >= 0 && e->task < C->o->ntasks)
            chrome_step_begin(C, e);
        return;
    case SIM_EV_STEP_END:
        if (e->task >= 0 && e->task < C->o->ntasks)
            chrome_step_end(C, e);
        return;
    case SIM_EV_SEND: case SIM_EV_THROW:
        chrome_send(C, e, track);
        return;
    case SIM_EV_FRAME_PUSH: case SIM_EV_FRAME_POP:
        chrome_frame(C, e, track);
        return;
    case SIM_EV_RUN_BEGIN: case SIM_EV_RUN_END: case SIM_EV_ITER: case SIM_EV_BLOCK:
        chrome_loop_event(C, e);
        return;
    default:
        break;
    }
    chrome_mark(C, e, track);
    if (e->kind == SIM_EV_TASK_NEW && e->task >= 0 && e->task < C->o->ntasks)
        chrome_begin(C, 2 + e->task, "scheduled", "wait", e->t, CH_S_WAIT, -1, 0);
    chrome_flow_starts(C, i, track, e->t);
}

int chrome_write(const sim_scenario *sc, const sim_outcome *o, const sim_trace *T, sim_buf *b)
{
    chrome C = {.b = b, .T = T, .sc = sc, .o = o, .cur_task = -1, .cur_coro = -1, .first = 1};
    steps_build(&C.steps, T, o->ntasks);
    chrome_plan_flows(&C);
    C.tracks = calloc((size_t)o->ntasks + 2, sizeof *C.tracks);
    if (!C.tracks)
        abort();
    sim_buf_puts(b, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[");
    chrome_metadata(&C);
    sim_trace_cursor cur;
    sim_trace_cursor_init(&cur, T);
    for (size_t i = 0; i < T->n; i++)
        chrome_event(&C, i, sim_trace_at(&cur, i));
    double t = T->n ? sim_trace_at(&cur, T->n - 1)->t : 0;
    for (int k = o->ntasks + 1; k >= 0; k--)
        chrome_end_to(&C, k, 0, t);
    sim_buf_puts(b, "\n]}\n");
    for (int k = 0; k < o->ntasks + 2; k++)
        free(C.tracks[k].s);
    for (int c = 0; c < C.nframes; c++)
        free(C.frames[c].name);
    free(C.frames);
    free(C.tracks);
    free(C.flows);
    steps_free(&C.steps);
    return 0;
}
