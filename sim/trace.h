/*
 * trace.h -- the event trace: every observable thing the simulator does, in
 * order, compactly coded (about 5 bytes an event) with interned strings.
 *
 * The GUI replays it frame by frame and must be able to rebuild the visible
 * state (stacks, ready queue, timers, queue contents, task states) at any
 * event from the events before it. corosim writes it as JSON Lines.
 *
 * Ids used in events:
 *   task  index into the run's task table (creation order), -1 for none
 *   coro  id of the root coroutine object whose stack the event touches
 *         (a task's coroutine, or one driven by hand from main), -1 none
 *   handle ids number ready-queue handles and timers in one space: a timer
 *         popped to the ready queue keeps its id
 *   strings are ids into sim_trace.strings (sim_trace_str); 0 is ""
 */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <stddef.h>
#include <stdint.h>

typedef enum sim_evkind {
    SIM_EV_LOOP_NEW,     /* loop = new loop number */
    SIM_EV_LOOP_CLOSE,   /* loop closed (asyncio.run end) */
    SIM_EV_RUN_BEGIN,    /* a: SIM_RUN_* how main entered the loop */
    SIM_EV_RUN_END,      /* a: SIM_RUN_*; b: 1 if it ended by an interrupt */
    SIM_EV_ITER,         /* _run_once begins: a = iteration, b = ready count */
    SIM_EV_CLOCK,        /* clock moved: x = old time, t = new time */
    SIM_EV_READY_PUSH,   /* a = handle, b = SIM_H_* kind, task = whose */
    SIM_EV_READY_POP,    /* a = handle, b = kind, c = 1 when skipped (cancelled) */
    SIM_EV_TIMER_PUSH,   /* a = handle, x = when, task = whose (sleep), -1 else */
    SIM_EV_TIMER_POP,    /* a = handle: due, moved to the end of the ready queue */
    SIM_EV_TIMER_CANCEL, /* a = handle */
    SIM_EV_TASK_NEW,     /* task, coro; a = name, b = coroutine function name */
    SIM_EV_STEP_BEGIN,   /* task; a = 1 when an exception is thrown in (b = it) */
    SIM_EV_STEP_END,     /* task; a = SIM_STEP_* how the step ended, b = text */
    SIM_EV_TASK_DONE,    /* task; a = SIM_TASK_* state, b = repr(result) or exc */
    SIM_EV_CANCEL,       /* task = the task cancel() was called on; a = 1 if it
                            returned True, b = 1 when it cancelled the awaited
                            future, 0 when it set _must_cancel */
    SIM_EV_FRAME_PUSH,   /* coro; a = function name, b = SIM_FR_* kind,
                            c = depth of the new frame (0 = bottom), x = the
                            string id of its arguments ("n=12, s='a'"), 0 none */
    SIM_EV_FRAME_POP,    /* coro; c = depth; a = 1 when left by an exception,
                            b = repr of the return value or the exception */
    SIM_EV_YIELD,        /* coro; a = repr of the value, c = depth of the
                            yielding frame: travels up to the driver */
    SIM_EV_SEND,         /* coro; a = repr of the value sent down; c = depth
                            of the frame it resumes first: 0, or that of a
                            coroutine awaited inline on coro's stack */
    SIM_EV_THROW,        /* coro; a = the exception thrown down; c as SEND */
    SIM_EV_STMT,         /* coro (-1: main); line; c = depth: a statement starts */
    SIM_EV_PRINT,        /* task (-1: main); a = the text */
    SIM_EV_RAISE,        /* coro; a = exception, c = depth where raised */
    SIM_EV_CATCH,        /* coro; a = exception, c = depth of the catching try */
    SIM_EV_QUEUE_PUT,    /* a = queue index, b = repr(item), c = size after */
    SIM_EV_QUEUE_GET,    /* a = queue index, b = repr(item), c = size after */
    SIM_EV_QUEUE_WAIT,   /* task waits: a = queue, b = 0 getter / 1 putter */
    SIM_EV_QUEUE_WAKE,   /* a = queue, b = 0 getter / 1 putter, task = woken */
    SIM_EV_QUEUE_UNWAIT, /* a waiter removed itself (cancelled): a, b, task */
    SIM_EV_FUTURE_DONE,  /* a non-task future completed: a = future id,
                            b = SIM_FUT_* what it is, c = SIM_TASK_* state */
    SIM_EV_WARNING,      /* a = SIM_WARN_*; task, or b = coroutine name; where
                            CPython logs it when it can be known (a coroutine a
                            call statement drops or a rebinding lets go of, a
                            failed task no name holds, as its step ends), else
                            at the end */
    SIM_EV_INTERRUPT,    /* the loop would wait forever: Ctrl-C recorded */
    SIM_EV_SLOW_STEP,    /* task; x = seconds the handle held the loop (>= 0.1) */
    SIM_EV_BLOCK,        /* time.sleep: x = seconds; t is the time before */
    SIM_EV_END,          /* a = SIM_END_* status, b = error text */
    SIM_EV_CORO_BIND,    /* main's coroutine statement: coro; a = the variable
                            that holds it (to tell objects of one function apart) */
    SIM_EV_NKINDS
} sim_evkind;

enum { SIM_RUN_UNTIL_COMPLETE, SIM_RUN_FOREVER, SIM_RUN_ASYNCIO };
enum { SIM_H_STEP, SIM_H_WAKEUP, SIM_H_TIMER_SLEEP, SIM_H_GATHER_CB,
       SIM_H_RUC_CB, SIM_H_CALLBACK };
enum { SIM_STEP_AWAIT, SIM_STEP_BARE_YIELD, SIM_STEP_BAD_YIELD, SIM_STEP_DONE };
enum { SIM_TASK_PENDING, SIM_TASK_FINISHED, SIM_TASK_FAILED, SIM_TASK_CANCELLED };
enum { SIM_FR_COROUTINE, SIM_FR_AWAITABLE, SIM_FR_LIBRARY };
enum { SIM_FUT_SLEEP, SIM_FUT_GATHER, SIM_FUT_QUEUE };
/* SHUTDOWN_ERROR: asyncio.run()'s teardown logs a leftover task that ended
 * with an exception other than CancelledError ("unhandled exception during
 * asyncio.run() shutdown"); task, b = the exception. The trace and the
 * transcript show it; the outcome's warnings (format section 6) do not. */
/* IGNORED: closing a coroutine main dropped (collect.c) went wrong, which
 * CPython only logs: coro, b = "Exception ignored in: <coroutine object c>:
 * RuntimeError: coroutine ignored GeneratorExit". Trace and transcript
 * only, as SHUTDOWN_ERROR. */
enum { SIM_WARN_NEVER_RETRIEVED, SIM_WARN_NEVER_AWAITED, SIM_WARN_SHUTDOWN_ERROR,
       SIM_WARN_IGNORED };
enum { SIM_END_COMPLETED, SIM_END_UNCAUGHT, SIM_END_INTERRUPTED, SIM_END_LIMIT };

typedef struct sim_event {
    double t;                  /* virtual clock when it happened */
    double x;                  /* kind-specific number */
    uint32_t iter;             /* _run_once count of the running loop, 0 outside */
    uint16_t kind;             /* sim_evkind */
    uint16_t loop;             /* running loop number, 0 when none runs */
    int32_t task;
    int32_t coro;
    int32_t line;              /* source line of the current statement, 0 none */
    int32_t a, b, c;
} sim_event;                   /* 48 bytes */

/* Interned strings: one char buffer plus an open-addressing hash whose
 * slots keep each string's hash beside its id (a probe that meets another
 * string costs no second cache miss). */
typedef struct sim_strslot {
    uint32_t id1;              /* id + 1, 0 for an empty slot */
    uint32_t h;                /* hash of the string */
} sim_strslot;

typedef struct sim_strtab {
    char *buf;
    size_t len, cap;
    uint32_t *off;             /* offset of string id */
    uint32_t n, capn;
    sim_strslot *hash;
    uint32_t hcap;
    uint32_t nhashed;          /* strings in hash (sim_trace_add's are not) */
} sim_strtab;

/* The context an event is coded against: the event before it (its t,
 * iter, loop, line, task and coro), the last task and coroutine other than
 * -1, and the field set each kind used last in the current block of
 * SIM_TRACE_MARK events (0: none yet). Kept by the writer and by readers. */
typedef struct sim_trace_ctx {
    sim_event ev;
    int32_t rtask, rcoro;
    uint16_t kfields[64];
} sim_trace_ctx;

/* One checkpoint: where event k * SIM_TRACE_MARK starts and its context
 * (the field sets start empty in every block). */
typedef struct sim_trace_mark {
    uint64_t off;
    double t;
    uint32_t iter;
    int32_t line, task, coro, rtask, rcoro;
    uint16_t loop;
} sim_trace_mark;

enum { SIM_TRACE_MARK = 128, SIM_TRACE_PEND = 256 };

/* The store (trace.c): events coded one after another in chunks of
 * bytes, each as a kind and the fields that differ from the context; the
 * last events appended (up to SIM_TRACE_PEND) are kept whole, then coded
 * in one batch. */
typedef struct sim_trace {
    size_t n;                  /* events recorded, the pending ones included */
    uint8_t **chunk;           /* chunk k holds offsets [k << 21, (k + 1) << 21) */
    uint32_t *chunk_len;       /* bytes used in each chunk but the last */
    size_t nchunks, capchunks;
    sim_trace_mark *marks;     /* one per SIM_TRACE_MARK events */
    size_t nmarks, capmarks;
    uint64_t end;              /* offset where the next event goes */
    sim_trace_ctx ctx;         /* the writer's context */
    uint32_t npend;            /* events n - npend .. n - 1, not coded yet */
    sim_event pend[SIM_TRACE_PEND];
    sim_strtab strings;
} sim_trace;

/* A reader of one trace: sim_trace_at returns event i, cheapest when i
 * follows the event read before (a fold over the whole trace). */
typedef struct sim_trace_cursor {
    const sim_trace *T;
    size_t i;                  /* index of ev; SIZE_MAX before the first read */
    uint64_t next;             /* where event i + 1 starts (trace.c) */
    sim_trace_ctx ctx;         /* ctx.ev is event i, what sim_trace_at returns */
} sim_trace_cursor;

/* Empty trace; string id 0 is "". */
void sim_trace_init(sim_trace *T);
void sim_trace_free(sim_trace *T);
/* Code the events appended but not coded yet (readers see them either
 * way: this only saves a finished trace the memory of the pending ones). */
void sim_trace_flush(sim_trace *T);
/* Append a zeroed record and return it, to be filled in before the next
 * append (the record is valid until then). */
sim_event *sim_trace_push(sim_trace *T);
/* The same, not zeroed: for a caller that writes every field at once (the
 * hot path: an event is kept whole with up to SIM_TRACE_PEND - 1 others,
 * then the batch is coded in one go). */
static inline sim_event *sim_trace_push_raw(sim_trace *T)
{
    if (T->npend == SIM_TRACE_PEND)
        sim_trace_flush(T);
    T->n++;
    return &T->pend[T->npend++];
}
/* Event i (i < T->n), by value. For one-off reads: a loop over many events
 * uses a cursor. */
sim_event sim_trace_event(const sim_trace *T, size_t i);
/* Set b of the recorded event i (SIM_EV_CANCEL's b, known only once the
 * cancel has run), 0 <= b <= 63. */
void sim_trace_set_b(sim_trace *T, size_t i, int32_t b);
/* Bytes the events take in memory: their coding and the checkpoints (the
 * record of a reader, sim_event, is 48). */
size_t sim_trace_bytes(const sim_trace *T);
/* A cursor on T (borrowed: T outlives it and is not appended to meanwhile). */
void sim_trace_cursor_init(sim_trace_cursor *C, const sim_trace *T);
/* Event i (i < T->n) as read by C: the pointer is C's and valid until the
 * next call on C. O(1) for i equal to or just after the last index read,
 * else a bounded re-read from a nearby checkpoint. */
const sim_event *sim_trace_at(sim_trace_cursor *C, size_t i);
/* Intern s[0..len); returns its id. */
int32_t sim_trace_intern(sim_trace *T, const char *s, size_t len);
/* Add s[0..len) as a new id without looking for an equal string: for a
 * string the caller knows to be new or caches itself (a task's name, an
 * int's repr), it saves the probe of a table far bigger than the caches
 * (one miss, 150 ns, per string at a million tasks). An equal string
 * interned later gets another id: ids are names for text, not identities. */
int32_t sim_trace_add(sim_trace *T, const char *s, size_t len);
const char *sim_trace_str(const sim_trace *T, int32_t id);
/* Name of an event kind as written in JSON Lines ("ready_push", ...). */
const char *sim_evkind_name(int kind);

#endif
