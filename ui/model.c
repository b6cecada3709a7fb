/*
 * model.c -- building the model, seeking, and the queries the renderer
 * and the narration use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "model_impl.h"

const char *cs_st_name(int st)
{
    static const char *const names[CS_NST] = {
        "not started", "ready", "running", "blocked (time.sleep)", "sleeping",
        "waiting", "loop", "idle", "done", "failed", "cancelled"};
    return st >= 0 && st < CS_NST ? names[st] : "?";
}

const char *cs_end_name(int status)
{
    static const char *const names[] = {"completed", "uncaught", "interrupted", "limit"};
    return status >= 0 && status < 4 ? names[status] : "ended";
}

void cs_end_reason(const cs_model *M, int status, int32_t error, char *buf, size_t n)
{
    const char *e = cs_model_str(M, error);
    const sim_limits *lim = M->sc ? &M->sc->limits : NULL;
    if (status == SIM_END_INTERRUPTED && !*e)
        snprintf(buf, n, "KeyboardInterrupt (Ctrl-C)");
    else if (status == SIM_END_LIMIT && lim && !strcmp(e, "max_steps"))
        snprintf(buf, n, "max_steps: more than %lld statements ran", (long long)lim->max_steps);
    else if (status == SIM_END_LIMIT && lim && !strcmp(e, "max_time"))
        snprintf(buf, n, "max_time: the clock would have moved past %g s of virtual time",
                 lim->max_time);
    else
        snprintf(buf, n, "%s", *e ? e : cs_end_name(status));
}

const char *cs_model_str(const cs_model *M, int32_t id)
{
    if (!M->trace || id <= 0 || (uint32_t)id >= M->trace->strings.n)
        return "";
    return sim_trace_str(M->trace, id);
}

/* ---- building ------------------------------------------------------------ */

/* Grow a table of int32 indexed from 0 so that index i exists; new slots
 * are -1. 0, or -1 when out of memory. */
static int table_reach(int32_t **t, uint32_t *n, uint32_t i)
{
    if (i < *n)
        return 0;
    uint32_t cap = *n ? *n : 64;
    while (cap <= i)
        cap *= 2;
    int32_t *p = realloc(*t, cap * sizeof *p);
    if (!p)
        return -1;
    for (uint32_t k = *n; k < cap; k++)
        p[k] = -1;
    *t = p;
    *n = cap;
    return 0;
}

static int is_handle_event(int kind)
{
    return kind == SIM_EV_READY_PUSH || kind == SIM_EV_READY_POP
           || kind == SIM_EV_TIMER_PUSH || kind == SIM_EV_TIMER_POP;
}

/* One walk of the trace (decoding is the cost: one pass, not four):
 * number the root coroutines in order of first appearance (main is 0),
 * count the tasks, find the queues, and note which task each handle
 * belongs to (some events name it, as a step popped off the ready queue
 * does; others do not, as the push of a wakeup). */
static int scan(cs_model *M)
{
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, M->trace);
    int32_t maxq = -1;
    if (table_reach(&M->coro_of, &M->ncoro_ids, 0) < 0)
        return -1;
    M->coro_of[0] = 0;
    M->ncoros = 1;
    for (uint32_t e = 0; e < M->nframes; e++) {
        const sim_event *ev = sim_trace_at(&C, e);
        if (ev->coro >= 0) {
            if (table_reach(&M->coro_of, &M->ncoro_ids, (uint32_t)ev->coro + 1) < 0)
                return -1;
            if (M->coro_of[ev->coro + 1] < 0)
                M->coro_of[ev->coro + 1] = (int32_t)M->ncoros++;
        }
        if (ev->kind == SIM_EV_TASK_NEW)
            M->ntasks++;
        if (ev->kind >= SIM_EV_QUEUE_PUT && ev->kind <= SIM_EV_QUEUE_UNWAIT && ev->a > maxq)
            maxq = ev->a;
        if (is_handle_event(ev->kind) && ev->a >= 0) {
            if (table_reach(&M->handle_task, &M->nhandle_ids, (uint32_t)ev->a) < 0)
                return -1;
            if (ev->task >= 0)
                M->handle_task[ev->a] = ev->task;
        }
    }
    M->nqueues = (uint32_t)(maxq + 1);
    if (M->sc && (uint32_t)M->sc->nqueues > M->nqueues)
        M->nqueues = (uint32_t)M->sc->nqueues;
    return 0;
}

int32_t cs_model_handle_task(const cs_model *M, int32_t handle, int32_t task)
{
    if (task >= 0)
        return task;
    if (handle < 0 || (uint32_t)handle >= M->nhandle_ids)
        return -1;
    return M->handle_task[handle];
}

/* Queue names and sizes from the scenario ("q0", unbounded without one). */
static int queue_facts(cs_model *M)
{
    uint32_t n = M->nqueues ? M->nqueues : 1;
    M->queue_name = calloc(n, sizeof *M->queue_name);
    M->queue_max = calloc(n, sizeof *M->queue_max);
    if (!M->queue_name || !M->queue_max)
        return -1;
    for (uint32_t i = 0; i < M->nqueues; i++) {
        int known = M->sc && i < (uint32_t)M->sc->nqueues;
        M->queue_name[i] = known ? M->sc->queues[i].name : "queue";
        M->queue_max[i] = known && M->sc->queues[i].maxsize > 0 ? M->sc->queues[i].maxsize : 0;
    }
    return 0;
}

static int alloc_static(cs_model *M)
{
    M->nlanes = 2 + M->ntasks;
    M->lanes = calloc(M->nlanes, sizeof *M->lanes);
    M->tasks = calloc(M->ntasks ? M->ntasks : 1, sizeof *M->tasks);
    M->col = calloc(M->nframes ? M->nframes : 1, sizeof *M->col);
    M->coro_task = malloc(M->ncoros * sizeof *M->coro_task);
    M->coro_name = calloc(M->ncoros, sizeof *M->coro_name);
    M->coro_var = calloc(M->ncoros, sizeof *M->coro_var);
    if (!M->lanes || !M->tasks || !M->col || !M->coro_task || !M->coro_name || !M->coro_var)
        return -1;
    M->lanes[0].who = CS_LANE_MAIN;
    M->lanes[1].who = CS_LANE_LOOP;
    for (uint32_t i = 0; i < M->ntasks; i++) {
        M->lanes[2 + i].who = (int32_t)i;
        M->tasks[i] = (cs_taskinfo){.name = "", .fn = "", .coro = -1, .creator = -2,
                                    .died = UINT32_MAX, .result = ""};
    }
    for (uint32_t i = 0; i < M->ncoros; i++)
        M->coro_task[i] = -1;
    M->coro_name[0] = "<module>";
    return 0;
}

/* Checkpoint spacing: at least 4096 events, and at most 256 checkpoints. */
static uint32_t auto_every(uint32_t n)
{
    uint32_t k = n / 256 + 1;
    return k < 4096 ? 4096 : k;
}

int cs_model_init(cs_model *M, const sim_trace *T, const sim_scenario *sc,
                  uint32_t every)
{
    memset(M, 0, sizeof *M);
    M->trace = T;
    M->sc = sc;
    M->nframes = (uint32_t)T->n;
    sim_trace_cursor_init(&M->cur, T);
    sim_event last = cs_model_event(M, M->nframes - 1);  /* NKINDS, t 0 when empty */
    M->t_end = last.kind == SIM_EV_BLOCK ? last.t + last.x : last.t;
    M->every = every ? every : auto_every(M->nframes);
    M->cps = calloc(M->nframes / M->every + 2, sizeof *M->cps);
    if (!M->cps || scan(M) || queue_facts(M) || alloc_static(M)
        || cs_state_init(M, &M->st) || cs_model_build(M)) {
        cs_model_free(M);
        return -1;
    }
    cs_model_seek(M, 0);
    return 0;
}

void cs_model_free(cs_model *M)
{
    for (uint32_t i = 0; i < M->nlanes; i++)
        free(M->lanes[i].segs);
    for (uint32_t i = 0; i < M->ncps; i++)
        cs_checkpoint_free(M->cps[i]);
    cs_state_free(&M->st);
    free(M->cps);
    free(M->lanes);
    free(M->tasks);
    free(M->col);
    free(M->iters);
    free(M->out);
    free(M->text);
    free(M->coro_of);
    free(M->coro_task);
    free(M->handle_task);
    free(M->coro_name);
    free(M->coro_var);
    free(M->queue_name);
    free(M->queue_max);
    memset(M, 0, sizeof *M);
}

/* ---- seeking ------------------------------------------------------------- */

void cs_model_seek(cs_model *M, uint32_t f)
{
    if (M->nframes == 0)
        return;
    if (f >= M->nframes)
        f = M->nframes - 1;
    uint32_t want = f + 1;              /* events to have applied */
    uint32_t k = want / M->every;       /* checkpoint at or before */
    if (k >= M->ncps)
        k = M->ncps - 1;
    uint32_t base = k * M->every;
    if (M->st.ev > want || M->st.ev < base)
        cs_checkpoint_load(M->cps[k], &M->st);
    while (M->st.ev < want)
        cs_state_apply(M, &M->st, sim_trace_at(&M->cur, M->st.ev));
}

uint32_t cs_model_frame(const cs_model *M)
{
    return M->st.ev ? M->st.ev - 1 : 0;
}

sim_event cs_model_event(const cs_model *M, uint32_t f)
{
    if (f >= M->nframes)
        return (sim_event){.kind = SIM_EV_NKINDS};
    return sim_trace_event(M->trace, f);
}

/* Frames are read in blocks that start at multiples of this, the trace's
 * checkpoint spacing: a cursor reads forwards from there cheaply. */
#define BACK_BLOCK ((uint32_t)SIM_TRACE_MARK)

/* Each block below f is copied forwards into a buffer, then tested from
 * its last event down, so pred sees the events latest first. */
uint32_t cs_model_find_back(const cs_model *M, uint32_t lo, uint32_t f,
                            int (*pred)(const cs_model *M, const sim_event *e, void *arg),
                            void *arg)
{
    sim_event buf[BACK_BLOCK];
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, M->trace);
    if (f > M->nframes)
        f = M->nframes;
    while (f > lo) {
        uint32_t b = (f - 1) / BACK_BLOCK * BACK_BLOCK;
        if (b < lo)
            b = lo;
        for (uint32_t k = b; k < f; k++)
            buf[k - b] = *sim_trace_at(&C, k);
        for (uint32_t k = f; k-- > b;)
            if (pred(M, &buf[k - b], arg))
                return k;
        f = b;
    }
    return UINT32_MAX;
}

/* ---- lanes ------------------------------------------------------------- */

const cs_lane *cs_model_task_lane(const cs_model *M, int32_t task)
{
    if (task < 0 || (uint32_t)task >= M->ntasks)
        return NULL;
    return &M->lanes[2 + task];
}

const cs_lane *cs_model_main_lane(const cs_model *M) { return &M->lanes[0]; }
const cs_lane *cs_model_loop_lane(const cs_model *M) { return &M->lanes[1]; }

uint32_t cs_lane_find(const cs_lane *L, uint32_t f)
{
    uint32_t lo = 0, hi = L->nseg;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (L->segs[mid].e1 > f)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

const cs_seg *cs_lane_at(const cs_lane *L, uint32_t f)
{
    uint32_t i = cs_lane_find(L, f);
    if (i < L->nseg && L->segs[i].e0 <= f)
        return &L->segs[i];
    return NULL;
}

/* ---- stacks ------------------------------------------------------------ */

int32_t cs_model_coro(const cs_model *M, int32_t trace_coro)
{
    if (trace_coro < -1 || (uint32_t)(trace_coro + 1) >= M->ncoro_ids)
        return -1;
    return M->coro_of[trace_coro + 1];
}

const char *cs_model_coro_var(const cs_model *M, int32_t c)
{
    return c > 0 && (uint32_t)c < M->ncoros ? M->coro_var[c] : NULL;
}

void cs_model_coro_label(const cs_model *M, int32_t c, char *buf, size_t n)
{
    const char *var = cs_model_coro_var(M, c);
    const char *fn = c >= 0 && (uint32_t)c < M->ncoros && M->coro_name[c] ? M->coro_name[c] : "?";
    snprintf(buf, n, "%s%s%s()", var ? var : "", var ? " = " : "", fn);
}

const cs_stack *cs_model_task_stack(const cs_model *M, int32_t task)
{
    if (task < 0 || (uint32_t)task >= M->ntasks)
        return NULL;
    int32_t c = M->tasks[task].coro;
    return c >= 0 && (uint32_t)c < M->st.nstacks ? &M->st.stacks[c] : NULL;
}

const cs_stack *cs_model_main_stack(const cs_model *M)
{
    return M->st.nstacks ? &M->st.stacks[0] : NULL;
}

/* Line of the innermost frame of s that has one, 0 when none. */
static int32_t innermost_line(const cs_stack *s)
{
    for (uint32_t i = s ? s->n : 0; i-- > 0;)
        if (s->fr[i].line > 0)
            return s->fr[i].line;
    return 0;
}

int32_t cs_model_task_line(const cs_model *M, int32_t task)
{
    if (task >= 0)
        return innermost_line(cs_model_task_stack(M, task));
    int32_t d = M->st.main_drives;
    if (d > 0 && M->st.main_inside && M->st.running < 0) {
        int32_t l = innermost_line(&M->st.stacks[d]);
        if (l)
            return l;
    }
    return innermost_line(cs_model_main_stack(M));
}

uint32_t cs_model_timers(const cs_model *M, cs_handle *out, uint32_t max)
{
    uint32_t n = M->st.ntimers < max ? M->st.ntimers : max;
    memcpy(out, M->st.timers, (size_t)n * sizeof *out);
    return n;
}

/* ---- console ----------------------------------------------------------- */

const char *cs_model_out_text(const cs_model *M, const cs_outline *o)
{
    return M->text + o->text;
}

int32_t cs_model_out_at(const cs_model *M, uint32_t f)
{
    uint32_t lo = 0, hi = M->nout;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (M->out[mid].ev > f)
            hi = mid;
        else
            lo = mid + 1;
    }
    return (int32_t)lo - 1;
}

/* ---- navigation -------------------------------------------------------- */

/* Index of the first iteration event after f. */
static uint32_t iter_after(const cs_model *M, uint32_t f)
{
    uint32_t lo = 0, hi = M->niters;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (M->iters[mid] > f)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

uint32_t cs_model_next_iter(const cs_model *M, uint32_t f)
{
    uint32_t i = iter_after(M, f);
    return i < M->niters ? M->iters[i] : (M->nframes ? M->nframes - 1 : 0);
}

uint32_t cs_model_prev_iter(const cs_model *M, uint32_t f)
{
    uint32_t i = iter_after(M, f);
    /* iters[i - 1] <= f: the iteration f is in; go to the one before it
     * when f is its first frame */
    while (i > 0 && M->iters[i - 1] >= f)
        i--;
    return i > 0 ? M->iters[i - 1] : 0;
}

uint32_t cs_model_iter_at(const cs_model *M, uint32_t f)
{
    uint32_t i = iter_after(M, f);
    return i > 0 ? (uint32_t)cs_model_event(M, M->iters[i - 1]).a : 0;
}

/* Does event e concern task (-1 main)? */
static int concerns(const cs_model *M, const sim_event *e, int32_t task)
{
    if (task >= 0 && e->task == task)
        return 1;
    int32_t c = cs_model_coro(M, e->coro);
    if (c > 0)
        return M->coro_task[c] == task;
    if (task < 0)
        return e->coro == -1 && (e->kind == SIM_EV_STMT || e->kind == SIM_EV_PRINT)
               && e->task < 0;
    return 0;
}

uint32_t cs_model_next_of_task(const cs_model *M, uint32_t f, int32_t task)
{
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, M->trace);
    for (uint32_t e = f + 1; e < M->nframes; e++)
        if (concerns(M, sim_trace_at(&C, e), task))
            return e;
    return f;
}

/* concerns() as a cs_model_find_back predicate (arg: the task). */
static int concerns_pred(const cs_model *M, const sim_event *e, void *arg)
{
    return concerns(M, e, *(const int32_t *)arg);
}

uint32_t cs_model_prev_of_task(const cs_model *M, uint32_t f, int32_t task)
{
    uint32_t e = cs_model_find_back(M, 0, f, concerns_pred, &task);
    return e != UINT32_MAX ? e : f;
}

uint32_t cs_model_frame_at_col(const cs_model *M, double col)
{
    uint32_t lo = 0, hi = M->nframes;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (M->col[mid] >= col)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo < M->nframes ? lo : (M->nframes ? M->nframes - 1 : 0);
}

uint32_t cs_model_frame_at_time(const cs_model *M, double t)
{
    uint32_t lo = 0, hi = M->nframes;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (sim_trace_event(M->trace, mid).t >= t)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo < M->nframes ? lo : (M->nframes ? M->nframes - 1 : 0);
}

int32_t cs_model_subject(const cs_model *M, uint32_t f)
{
    if (f >= M->nframes)
        return -1;
    sim_event e = cs_model_event(M, f);
    if (e.task >= 0 && (uint32_t)e.task < M->ntasks)
        return e.task;
    int32_t c = cs_model_coro(M, e.coro);
    if (c > 0 && M->coro_task[c] >= 0)
        return M->coro_task[c];
    if (c > 0)
        return -1;
    return M->st.running;
}
