/*
 * model_state.c -- the dynamic state: applying one event to a cs_state,
 * and saving / restoring it as a compact checkpoint.
 *
 * Everything here is O(1) or O(small) per event except removals from the
 * middle of the ready queue or the timers, which real traces rarely do.
 */
#include <stdlib.h>
#include <string.h>

#include "model_impl.h"

/* Grow *p (an array of elem-size items with capacity *cap) to hold need
 * items. Aborts on out of memory: the visualizer cannot go on without its
 * state, and a half-applied event would show a wrong picture. */
void cs_grow(void **p, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap)
        return;
    uint32_t nc = *cap ? *cap : 8;
    while (nc < need)
        nc *= 2;
    void *q = realloc(*p, (size_t)nc * elem);
    if (!q)
        abort();
    *p = q;
    *cap = nc;
}

/* ---- stacks ----------------------------------------------------------- */

/* Push frame f at depth d of stack s, dropping anything at or above d
 * first (the trace gives depths, so a missed pop cannot desynchronise). */
static void stack_push(cs_stack *s, uint32_t d, cs_frame f)
{
    if (d > s->n)
        d = s->n;
    cs_grow((void **)&s->fr, &s->cap, d + 1, sizeof *s->fr);
    s->fr[d] = f;
    s->n = d + 1;
}

static cs_stack *stack_of(cs_model *M, cs_state *st, int32_t coro)
{
    int32_t c = cs_model_coro(M, coro);
    return c >= 0 && (uint32_t)c < st->nstacks ? &st->stacks[c] : NULL;
}

/* FRAME_POP: remember the frame for the animation, cut the stack at its
 * depth, and follow the exception when it was left by one. */
static void apply_frame_pop(cs_model *M, cs_state *st, const sim_event *e)
{
    cs_stack *s = stack_of(M, st, e->coro);
    if (!s)
        return;
    uint32_t d = e->c < 0 ? 0 : (uint32_t)e->c;
    if (d < s->n)
        st->popped = s->fr[d];
    if (d < s->n)
        s->n = d;
    if (d == 0 && s == &st->stacks[st->main_drives > 0 ? st->main_drives : 0])
        st->main_inside = 0;
    if (e->a) {
        s->exc = cs_model_str(M, e->b);
        s->exc_depth = (int32_t)d - 1;
    } else {
        s->exc = NULL;
    }
}

static void apply_stmt(cs_model *M, cs_state *st, const sim_event *e)
{
    cs_stack *s = stack_of(M, st, e->coro);
    if (!s || s->n == 0)
        return;
    uint32_t d = e->coro < 0 ? 0 : (uint32_t)(e->c < 0 ? 0 : e->c);
    if (d >= s->n)
        d = s->n - 1;
    s->fr[d].line = e->line;
}

/* ---- ready queue and timers ------------------------------------------- */

static void ready_append(cs_state *st, cs_handle h)
{
    if (st->nready && st->ready[st->nready - 1].id == h.id)
        return; /* a timer moved here already by TIMER_POP */
    cs_grow((void **)&st->ready, &st->capready, st->nready + 1, sizeof h);
    st->ready[st->nready++] = h;
}

/* Remove handle id from arr[0..*n), searching from the front. Returns
 * its index or -1. */
static int32_t handles_remove(cs_handle *arr, uint32_t *n, int32_t id,
                              cs_handle *out)
{
    for (uint32_t i = 0; i < *n; i++) {
        if (arr[i].id != id)
            continue;
        if (out)
            *out = arr[i];
        memmove(arr + i, arr + i + 1, (size_t)(*n - i - 1) * sizeof *arr);
        (*n)--;
        return (int32_t)i;
    }
    return -1;
}

/* Insert h into the timers sorted by (when, seq): usually at the end. */
static void timer_insert(cs_state *st, cs_handle h)
{
    cs_grow((void **)&st->timers, &st->captimers, st->ntimers + 1, sizeof h);
    uint32_t i = st->ntimers;
    while (i > 0 && st->timers[i - 1].when > h.when)
        i--;
    memmove(st->timers + i + 1, st->timers + i,
            (size_t)(st->ntimers - i) * sizeof h);
    st->timers[i] = h;
    st->ntimers++;
}

static void apply_timer_pop(cs_model *M, cs_state *st, const sim_event *e)
{
    cs_handle h = {.id = e->a, .kind = SIM_H_TIMER_SLEEP,
                   .task = cs_model_handle_task(M, e->a, e->task)};
    handles_remove(st->timers, &st->ntimers, e->a, &h);
    ready_append(st, h);
}

/* ---- queues ------------------------------------------------------------ */

static void ids_append(int32_t **arr, uint32_t *n, uint32_t *cap, int32_t v)
{
    cs_grow((void **)arr, cap, *n + 1, sizeof **arr);
    (*arr)[(*n)++] = v;
}

/* Remove the first occurrence of v (or the first element when v is not
 * there: the trace named no task). */
static void ids_remove(int32_t *arr, uint32_t *n, int32_t v)
{
    if (*n == 0)
        return;
    uint32_t i = 0;
    while (i < *n && arr[i] != v)
        i++;
    if (i == *n)
        i = 0;
    memmove(arr + i, arr + i + 1, (size_t)(*n - i - 1) * sizeof *arr);
    (*n)--;
}

static cs_qstate *queue_of(cs_state *st, int32_t q)
{
    return q >= 0 && (uint32_t)q < st->nqueues ? &st->queues[q] : NULL;
}

static void apply_queue(cs_model *M, cs_state *st, const sim_event *e)
{
    cs_qstate *q = queue_of(st, e->a);
    if (!q)
        return;
    switch (e->kind) {
    case SIM_EV_QUEUE_PUT:
        cs_grow((void **)&q->items, &q->cap, q->n + 1, sizeof *q->items);
        q->items[q->n++] = (cs_qitem){cs_model_str(M, e->b), e->task};
        break;
    case SIM_EV_QUEUE_GET:
        if (q->n) {
            memmove(q->items, q->items + 1, (size_t)(q->n - 1) * sizeof *q->items);
            q->n--;
        }
        break;
    case SIM_EV_QUEUE_WAIT:
        if (e->b)
            ids_append(&q->putters, &q->nputters, &q->capputters, e->task);
        else
            ids_append(&q->getters, &q->ngetters, &q->capgetters, e->task);
        break;
    default: /* WAKE, UNWAIT: the waiter leaves the line */
        if (e->b)
            ids_remove(q->putters, &q->nputters, e->task);
        else
            ids_remove(q->getters, &q->ngetters, e->task);
        break;
    }
}

/* ---- one event ---------------------------------------------------------- */

/* Stack events: frames, statements, exceptions, hand driving. */
static void apply_stack_event(cs_model *M, cs_state *st, const sim_event *e)
{
    cs_stack *s = stack_of(M, st, e->coro);
    switch (e->kind) {
    case SIM_EV_FRAME_PUSH:
        if (!s)
            return;
        /* a root frame has no line before its first statement (e->line is
         * whoever started it: main's asyncio.run line, say) */
        stack_push(s, e->c < 0 ? 0 : (uint32_t)e->c,
                   (cs_frame){cs_model_str(M, e->a), e->c > 0 ? e->line : 0, (uint8_t)e->b,
                              e->x > 0 ? cs_model_str(M, (int32_t)e->x) : NULL});
        break;
    case SIM_EV_FRAME_POP:
        apply_frame_pop(M, st, e);
        break;
    case SIM_EV_STMT:
        if (st->running < 0 && e->task < 0 && e->coro < 0)
            st->main_inside = 0;     /* main's own statement: no send runs (one that
                                        finished a coroutine awaited on a task's stack
                                        popped no bottom frame) */
        apply_stmt(M, st, e);
        break;
    case SIM_EV_RAISE:
        if (s) {
            s->exc = cs_model_str(M, e->a);
            s->exc_depth = e->c;
        }
        break;
    case SIM_EV_CATCH:
        if (s)
            s->exc = NULL;
        break;
    default:
        break;
    }
}

void cs_state_apply(cs_model *M, cs_state *st, const sim_event *e)
{
    st->ev++;
    if (st->main_inside == CS_INSIDE_YIELDS)
        st->main_inside = 0;     /* the frame after the yield: the send is over */
    st->t = e->kind == SIM_EV_BLOCK ? e->t + e->x : e->t;
    st->loop = e->loop;
    if (e->kind == SIM_EV_ITER)
        st->iter = (uint32_t)e->a;
    switch (e->kind) {
    case SIM_EV_STEP_BEGIN:
        st->running = e->task;
        break;
    case SIM_EV_STEP_END:
    case SIM_EV_END:
        st->running = -1;
        break;
    case SIM_EV_READY_PUSH:
        ready_append(st, (cs_handle){.id = e->a, .kind = (uint8_t)e->b,
                                     .task = cs_model_handle_task(M, e->a, e->task)});
        break;
    case SIM_EV_READY_POP:
        handles_remove(st->ready, &st->nready, e->a, NULL);
        break;
    case SIM_EV_TIMER_PUSH:
        timer_insert(st, (cs_handle){.id = e->a, .kind = SIM_H_TIMER_SLEEP,
                                     .task = e->task, .when = e->x, .set_at = e->t,
                                     .seq = st->timer_seq++, .loop = e->loop});
        break;
    case SIM_EV_TIMER_POP:
        apply_timer_pop(M, st, e);
        break;
    case SIM_EV_TIMER_CANCEL:
        handles_remove(st->timers, &st->ntimers, e->a, NULL);
        break;
    case SIM_EV_LOOP_CLOSE:
        st->nready = st->ntimers = 0;
        break;
    case SIM_EV_SEND:
    case SIM_EV_THROW:
        if (st->running < 0) {
            st->main_drives = cs_model_coro(M, e->coro);
            st->main_inside = 1;
        }
        break;
    case SIM_EV_YIELD:
        if (st->running < 0 && cs_model_coro(M, e->coro) == st->main_drives)
            st->main_inside = st->main_inside ? CS_INSIDE_YIELDS : 0;
        break;
    case SIM_EV_QUEUE_PUT: case SIM_EV_QUEUE_GET: case SIM_EV_QUEUE_WAIT:
    case SIM_EV_QUEUE_WAKE: case SIM_EV_QUEUE_UNWAIT:
        apply_queue(M, st, e);
        break;
    default:
        apply_stack_event(M, st, e);
        break;
    }
}

/* ---- the empty state ---------------------------------------------------- */

/* Allocate st for M's coroutines and queues; main's stack gets its module
 * frame. Returns 0 or -1 (out of memory). */
int cs_state_init(cs_model *M, cs_state *st)
{
    memset(st, 0, sizeof *st);
    st->running = -1;
    st->main_drives = -1;
    st->nstacks = M->ncoros;
    st->stacks = calloc(M->ncoros ? M->ncoros : 1, sizeof *st->stacks);
    st->nqueues = M->nqueues;
    st->queues = calloc(M->nqueues ? M->nqueues : 1, sizeof *st->queues);
    if (!st->stacks || !st->queues)
        return -1;
    cs_state_reset(st);
    return 0;
}

/* Back to "before the first event", keeping the buffers. */
void cs_state_reset(cs_state *st)
{
    uint32_t nst = st->nstacks, nq = st->nqueues;
    for (uint32_t i = 0; i < nst; i++) {
        st->stacks[i].n = 0;
        st->stacks[i].exc = NULL;
    }
    for (uint32_t i = 0; i < nq; i++)
        st->queues[i].n = st->queues[i].ngetters = st->queues[i].nputters = 0;
    st->ev = 0;
    st->t = 0;
    st->iter = 0;
    st->loop = 0;
    st->running = -1;
    st->main_drives = -1;
    st->main_inside = 0;
    st->nready = st->ntimers = 0;
    st->timer_seq = 0;
    memset(&st->popped, 0, sizeof st->popped);
    if (nst)
        stack_push(&st->stacks[0], 0, (cs_frame){"<module>", 0, SIM_FR_COROUTINE, NULL});
}

void cs_state_free(cs_state *st)
{
    for (uint32_t i = 0; i < st->nstacks; i++)
        free(st->stacks[i].fr);
    for (uint32_t i = 0; i < st->nqueues; i++) {
        free(st->queues[i].items);
        free(st->queues[i].getters);
        free(st->queues[i].putters);
    }
    free(st->stacks);
    free(st->queues);
    free(st->ready);
    free(st->timers);
    memset(st, 0, sizeof *st);
}

/* ---- checkpoints: the state as one compact byte string ------------------ */

struct cs_checkpoint {
    unsigned char *buf;  /* owned */
    size_t len, cap;
};

static void put(cs_checkpoint *c, const void *p, size_t n)
{
    if (n == 0)
        return;
    if (c->len + n > c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 256;
        while (nc < c->len + n)
            nc *= 2;
        unsigned char *q = realloc(c->buf, nc);
        if (!q)
            abort();
        c->buf = q;
        c->cap = nc;
    }
    memcpy(c->buf + c->len, p, n);
    c->len += n;
}

static const unsigned char *get(const unsigned char *p, void *dst, size_t n)
{
    if (n)
        memcpy(dst, p, n);
    return p + n;
}

/* Only stacks that hold something are saved: most coroutines of a long
 * run are finished (empty) or not started. */
static void save_stacks(cs_checkpoint *c, const cs_state *st)
{
    uint32_t live = 0;
    for (uint32_t i = 0; i < st->nstacks; i++)
        live += st->stacks[i].n || st->stacks[i].exc;
    put(c, &live, sizeof live);
    for (uint32_t i = 0; i < st->nstacks; i++) {
        const cs_stack *s = &st->stacks[i];
        if (!s->n && !s->exc)
            continue;
        put(c, &i, sizeof i);
        put(c, &s->n, sizeof s->n);
        put(c, &s->exc, sizeof s->exc);
        put(c, &s->exc_depth, sizeof s->exc_depth);
        put(c, s->fr, (size_t)s->n * sizeof *s->fr);
    }
}

static const unsigned char *load_stacks(const unsigned char *p, cs_state *st)
{
    uint32_t live, i, n;
    p = get(p, &live, sizeof live);
    while (live--) {
        p = get(p, &i, sizeof i);
        p = get(p, &n, sizeof n);
        cs_stack *s = &st->stacks[i];
        p = get(p, &s->exc, sizeof s->exc);
        p = get(p, &s->exc_depth, sizeof s->exc_depth);
        cs_grow((void **)&s->fr, &s->cap, n, sizeof *s->fr);
        p = get(p, s->fr, (size_t)n * sizeof *s->fr);
        s->n = n;
    }
    return p;
}

static void save_queues(cs_checkpoint *c, const cs_state *st)
{
    for (uint32_t i = 0; i < st->nqueues; i++) {
        const cs_qstate *q = &st->queues[i];
        put(c, &q->n, sizeof q->n);
        put(c, q->items, (size_t)q->n * sizeof *q->items);
        put(c, &q->ngetters, sizeof q->ngetters);
        put(c, q->getters, (size_t)q->ngetters * sizeof *q->getters);
        put(c, &q->nputters, sizeof q->nputters);
        put(c, q->putters, (size_t)q->nputters * sizeof *q->putters);
    }
}

static const unsigned char *load_ids(const unsigned char *p, int32_t **arr,
                                     uint32_t *n, uint32_t *cap)
{
    p = get(p, n, sizeof *n);
    cs_grow((void **)arr, cap, *n, sizeof **arr);
    return get(p, *arr, (size_t)*n * sizeof **arr);
}

static const unsigned char *load_queues(const unsigned char *p, cs_state *st)
{
    for (uint32_t i = 0; i < st->nqueues; i++) {
        cs_qstate *q = &st->queues[i];
        p = get(p, &q->n, sizeof q->n);
        cs_grow((void **)&q->items, &q->cap, q->n, sizeof *q->items);
        p = get(p, q->items, (size_t)q->n * sizeof *q->items);
        p = load_ids(p, &q->getters, &q->ngetters, &q->capgetters);
        p = load_ids(p, &q->putters, &q->nputters, &q->capputters);
    }
    return p;
}

static void save_handles(cs_checkpoint *c, const cs_handle *h, uint32_t n)
{
    put(c, &n, sizeof n);
    put(c, h, (size_t)n * sizeof *h);
}

static const unsigned char *load_handles(const unsigned char *p, cs_handle **h,
                                         uint32_t *n, uint32_t *cap)
{
    p = get(p, n, sizeof *n);
    cs_grow((void **)h, cap, *n, sizeof **h);
    return get(p, *h, (size_t)*n * sizeof **h);
}

/* Save st into a new checkpoint (owned by the caller: cs_checkpoint_free). */
cs_checkpoint *cs_checkpoint_save(const cs_state *st)
{
    cs_checkpoint *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    put(c, &st->ev, sizeof st->ev);
    put(c, &st->t, sizeof st->t);
    put(c, &st->iter, sizeof st->iter);
    put(c, &st->loop, sizeof st->loop);
    put(c, &st->running, sizeof st->running);
    put(c, &st->main_drives, sizeof st->main_drives);
    put(c, &st->main_inside, sizeof st->main_inside);
    put(c, &st->timer_seq, sizeof st->timer_seq);
    put(c, &st->popped, sizeof st->popped);
    save_handles(c, st->ready, st->nready);
    save_handles(c, st->timers, st->ntimers);
    save_queues(c, st);
    save_stacks(c, st);
    return c;
}

/* Overwrite st (allocated by cs_state_init for the same model) with c. */
void cs_checkpoint_load(const cs_checkpoint *c, cs_state *st)
{
    cs_state_reset(st);
    const unsigned char *p = c->buf;
    p = get(p, &st->ev, sizeof st->ev);
    p = get(p, &st->t, sizeof st->t);
    p = get(p, &st->iter, sizeof st->iter);
    p = get(p, &st->loop, sizeof st->loop);
    p = get(p, &st->running, sizeof st->running);
    p = get(p, &st->main_drives, sizeof st->main_drives);
    p = get(p, &st->main_inside, sizeof st->main_inside);
    p = get(p, &st->timer_seq, sizeof st->timer_seq);
    p = get(p, &st->popped, sizeof st->popped);
    p = load_handles(p, &st->ready, &st->nready, &st->capready);
    p = load_handles(p, &st->timers, &st->ntimers, &st->captimers);
    p = load_queues(p, st);
    load_stacks(p, st);
}

void cs_checkpoint_free(cs_checkpoint *c)
{
    if (c)
        free(c->buf);
    free(c);
}

size_t cs_checkpoint_size(const cs_checkpoint *c)
{
    return c ? c->len : 0;
}
