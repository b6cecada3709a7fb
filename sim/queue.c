/*
 * queue.c -- asyncio.Queue (Lib/asyncio/queues.py): a FIFO of items plus
 * two FIFOs of waiter futures. put_nowait/get_nowait wake the first waiter
 * that is not done (_wakeup_next); the woken coroutine re-checks when it
 * resumes, one iteration later. The waiting coroutines themselves are the
 * Queue.get / Queue.put library frames in interp.c.
 */
#include "runtime.h"

#include <stdlib.h>
#include <string.h>

sim_queue *sim_queue_new(sim_state *S, int index, int64_t maxsize)
{
    sim_queue *q = sim_arena_zalloc(&S->arena, sizeof *q);
    q->hdr.kind = SIM_OBJ_QUEUE;
    q->hdr.label = "Queue";
    q->index = index;
    q->maxsize = maxsize;
    return q;
}

void sim_queue_view(const sim_object *o, sim_qview *v)
{
    const sim_queue *q = (const sim_queue *)o;
    *v = (sim_qview){.maxsize = q->maxsize, .len = q->len, .ngetters = q->glen,
                     .nputters = q->plen, .tasks = q->nputs};
}

sim_value sim_queue_item(const sim_object *o, size_t i)
{
    const sim_queue *q = (const sim_queue *)o;
    return q->items[(q->head + i) % q->cap];
}

int sim_queue_full(const sim_queue *q)
{
    return q->maxsize > 0 && (int64_t)q->len >= q->maxsize;
}

/* Grow a ring buffer of elem-sized slots, unwrapping it to start at 0. */
static void *ring_grow(void *buf, size_t *head, size_t len, size_t *cap, size_t elem)
{
    size_t ncap = *cap ? *cap * 2 : 16;
    char *nb = malloc(ncap * elem);
    if (!nb)
        abort();
    for (size_t i = 0; i < len; i++)
        memcpy(nb + i * elem, (char *)buf + ((*head + i) % *cap) * elem, elem);
    free(buf);
    *head = 0;
    *cap = ncap;
    return nb;
}

static void trace_queue(sim_state *S, int kind, sim_queue *q, int b, int c, int task)
{
    sim_event *e = sim_emit(S, kind, task, -1);
    if (e) {
        e->a = q->index;
        e->b = b;
        e->c = c;
    }
}

int sim_queue_put_nowait(sim_state *S, sim_queue *q, sim_value v, sim_exc **exc)
{
    if (sim_queue_full(q)) {
        *exc = sim_exc_new(&S->arena, SIM_EXC_QUEUEFULL, NULL);
        return -1;
    }
    if (q->len == q->cap)
        q->items = ring_grow(q->items, &q->head, q->len, &q->cap, sizeof *q->items);
    q->items[(q->head + q->len) % q->cap] = v;
    q->len++;
    q->nputs++;
    trace_queue(S, SIM_EV_QUEUE_PUT, q, S->opt.trace ? sim_repr_id(S, v) : 0,
                (int)q->len, S->cur_task ? S->cur_task->index : -1);
    sim_queue_wakeup_next(S, q, 0);
    return 0;
}

int sim_queue_get_nowait(sim_state *S, sim_queue *q, sim_value *out, sim_exc **exc)
{
    if (q->len == 0) {
        *exc = sim_exc_new(&S->arena, SIM_EXC_QUEUEEMPTY, NULL);
        return -1;
    }
    *out = q->items[q->head];
    q->head = (q->head + 1) % q->cap;
    q->len--;
    trace_queue(S, SIM_EV_QUEUE_GET, q, S->opt.trace ? sim_repr_id(S, *out) : 0,
                (int)q->len, S->cur_task ? S->cur_task->index : -1);
    sim_queue_wakeup_next(S, q, 1);
    return 0;
}

/* The waiter FIFO of q for putters (1) or getters (0). */
typedef struct { sim_future ***a; size_t *head, *len, *cap; } waiters;

static waiters queue_waiters(sim_queue *q, int putter)
{
    if (putter)
        return (waiters){&q->putters, &q->phead, &q->plen, &q->pcap};
    return (waiters){&q->getters, &q->ghead, &q->glen, &q->gcap};
}

void sim_queue_wait(sim_state *S, sim_queue *q, int putter, sim_future *f)
{
    waiters w = queue_waiters(q, putter);
    if (*w.len == *w.cap)
        *w.a = ring_grow(*w.a, w.head, *w.len, w.cap, sizeof **w.a);
    (*w.a)[(*w.head + *w.len) % *w.cap] = f;
    (*w.len)++;
    f->waiter = S->cur_task ? S->cur_task->index : -1;
    trace_queue(S, SIM_EV_QUEUE_WAIT, q, putter, (int)*w.len, f->waiter);
}

/* self._getters.remove(getter). Finding it is O(n), as in CPython's
 * deque.remove; closing the gap moves the shorter side, so removing from
 * either end is O(1) once found: asyncio.run cancelling a hundred thousand
 * waiters in the order they queued is linear, not quadratic. */
void sim_queue_unwait(sim_state *S, sim_queue *q, int putter, sim_future *f)
{
    waiters w = queue_waiters(q, putter);
    sim_future **a = *w.a;
    size_t head = *w.head, len = *w.len, cap = *w.cap, i = 0;
    while (i < len && a[(head + i) % cap] != f)
        i++;
    if (i == len)
        return;
    if (i < len - 1 - i) {               /* shift the front one slot back */
        for (; i > 0; i--)
            a[(head + i) % cap] = a[(head + i - 1) % cap];
        *w.head = (head + 1) % cap;
    } else {                             /* shift the back one slot forward */
        for (; i + 1 < len; i++)
            a[(head + i) % cap] = a[(head + i + 1) % cap];
    }
    (*w.len)--;
    trace_queue(S, SIM_EV_QUEUE_UNWAIT, q, putter, (int)*w.len,
                S->cur_task ? S->cur_task->index : -1);
}

/* _wakeup_next: pop waiters until one that is not done, and resolve it. */
void sim_queue_wakeup_next(sim_state *S, sim_queue *q, int putter)
{
    waiters w = queue_waiters(q, putter);
    while (*w.len) {
        sim_future *f = (*w.a)[*w.head];
        *w.head = (*w.head + 1) % *w.cap;
        (*w.len)--;
        if (f->state == SIM_TASK_PENDING) {
            trace_queue(S, SIM_EV_QUEUE_WAKE, q, putter, (int)*w.len, f->waiter);
            sim_future_set_result(S, f, sim_none());
            break;
        }
    }
}
