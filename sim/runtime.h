/*
 * runtime.h -- internal structures of a run: coroutine objects and their
 * frames, futures and tasks, handles, event loops, queues, and sim_state.
 *
 * Not installed for users: only the sim sources include it. The model is CPython
 * 3.11's, object for object:
 *
 *   sim_coro    a coroutine object (or an awaitable's __await__ generator);
 *               its frame runs on the stack of whoever drives it.
 *   sim_frame   one activation: a coroutine or awaitable body executed
 *               statement by statement, or a library frame (asyncio.sleep,
 *               Future.__await__, Queue.get, Queue.put) run as a small state
 *               machine. frame->child is the frame it awaits (above it).
 *   sim_future  asyncio.Future; sim_task extends it with a coroutine.
 *   sim_handle  an entry of the ready queue or the timer heap.
 *   sim_loop    BaseEventLoop: ready deque, timer heap, stopping flag.
 */
#ifndef SIM_RUNTIME_H
#define SIM_RUNTIME_H

#include <setjmp.h>

#include "expr.h"
#include "sim.h"

typedef struct sim_frame sim_frame;
typedef struct sim_coro sim_coro;
typedef struct sim_future sim_future;
typedef struct sim_task sim_task;
typedef struct sim_handle sim_handle;
typedef struct sim_loop sim_loop;
typedef struct sim_queue sim_queue;

/* ---- coroutines and frames ------------------------------------------ */
typedef enum { CORO_CREATED, CORO_SUSPENDED, CORO_RUNNING, CORO_CLOSED } sim_corostate;

struct sim_coro {
    sim_object hdr;            /* SIM_OBJ_CORO */
    int32_t id;                /* creation number, also the trace's coro id */
    uint8_t state;             /* sim_corostate */
    uint8_t generator;         /* an awaitable's __await__ generator */
    uint8_t library;           /* asyncio.sleep / Queue.get / ... coroutine */
    uint8_t bare;              /* generator bound by "coroutine": W().__await__()
                                * itself, not the awaitable W() */
    uint8_t hand;              /* main has sent into it (in sim_state.hand) */
    uint8_t warned;            /* its never-awaited warning is in the trace */
    uint32_t mark;             /* collect.c: last walk that reached it */
    const char *name;          /* function name */
    sim_frame *frame;          /* its own frame (NULL once closed) */
    sim_frame *top;            /* innermost frame while it drives a stack */
};

/* Library coroutines a task or an await can run. */
typedef enum { LIB_SLEEP, LIB_QGET, LIB_QPUT, LIB_SHUTDOWN_ASYNCGENS,
               LIB_SHUTDOWN_EXECUTOR, LIB_WRAP } sim_libkind;

typedef enum { FR_BODY, FR_FUTURE_AWAIT, FR_SLEEP, FR_QGET, FR_QPUT, FR_RETURN, FR_WRAP } sim_frkind;

/* A block being executed inside a statement frame. */
typedef enum { BLK_BODY, BLK_SEQ, BLK_REPEAT, BLK_TRY, BLK_EXCEPT, BLK_FINALLY } sim_blkkind;
typedef enum { PEND_NONE, PEND_RAISE, PEND_RETURN, PEND_BREAK } sim_pending;

typedef struct sim_blk {
    const sim_stmt *s;         /* statements of this block */
    int n, pc;                 /* count, next index */
    uint8_t kind;              /* sim_blkkind */
    uint8_t pending;           /* BLK_FINALLY: what to do after it */
    const sim_stmt *owner;     /* the repeat / try statement */
    int64_t iter, count;       /* BLK_REPEAT; count < 0: while True */
    sim_exc *exc;              /* BLK_EXCEPT: being handled; FINALLY: pending */
    sim_value val;             /* BLK_FINALLY: pending return value */
    const sim_handler *h;      /* BLK_EXCEPT: the clause */
} sim_blk;

struct sim_frame {
    sim_frame *parent, *child;
    uint8_t kind;              /* sim_frkind */
    uint8_t fkind;             /* SIM_FR_* for the trace */
    int depth;                 /* 0 = bottom of the stack */
    int nbody;                 /* FR_BODY frames from the bottom up to this one:
                                  what max_depth bounds (format 4) */
    sim_coro *coro;            /* the coroutine object this frame is (or NULL) */
    sim_coro *root;            /* root of the stack it runs on */
    const sim_func *func;      /* FR_BODY */
    sim_value *locals;         /* FR_BODY: func->nlocals slots */
    const sim_stmt *cur;       /* statement suspended in (await / yield) */
    int nblk, capblk;
    sim_blk *blk;              /* block stack (blk0 inline when small) */
    /* library frames */
    int lstate;
    sim_future *fut;           /* awaited future */
    sim_handle *timer;         /* FR_SLEEP: its timer */
    uint32_t timer_gen;
    sim_value lval;            /* delay / item */
    sim_queue *queue;
    sim_coro *inner;           /* FR_WRAP: the awaitable's generator */
    uint8_t pool;              /* size class in the frame pool */
    uint8_t lost_child;        /* the coroutine it awaits was finished by a send
                                  from elsewhere: resuming it raises RuntimeError */
    sim_frame *next_free;      /* pool link */
    sim_blk blk0[4];           /* last: sim_frame_alloc clears what precedes */
};

/* ---- futures and tasks ---------------------------------------------- */
typedef enum { CB_WAKEUP, CB_GATHER, CB_RUC } sim_cbkind;

typedef struct sim_callback {
    uint8_t kind;              /* sim_cbkind */
    void *obj;                 /* task / gather / loop */
    struct sim_callback *next;
} sim_callback;

typedef enum { FUT_PLAIN, FUT_TASK, FUT_GATHER } sim_futkind;

struct sim_future {
    sim_object hdr;            /* SIM_OBJ_FUTURE or SIM_OBJ_TASK */
    uint8_t fkind;             /* sim_futkind */
    uint8_t state;             /* SIM_TASK_PENDING / FINISHED / FAILED / CANCELLED */
    uint8_t log_traceback;     /* exception not retrieved yet */
    uint8_t blocking;          /* _asyncio_future_blocking */
    uint8_t what;              /* SIM_FUT_* for the trace */
    uint8_t escaped;           /* its object reached main as a send's value,
                                  or a second waiter: never reused */
    int32_t id;
    int32_t waiter;            /* queue waiter futures: the waiting task, -1
                                  main (fits the padding before loop) */
    sim_loop *loop;
    sim_value result;
    sim_exc *exc;
    sim_callback *cbs;
    union {
        sim_callback *cbs_tail;
        sim_future *next_free;     /* in sim_state's free list (cbs NULL) */
    };
};

typedef struct sim_gather {
    sim_future fut;            /* the _GatheringFuture (fkind FUT_GATHER) */
    int n, nfinished, nfuts;
    sim_future **children;     /* in argument order, duplicates repeated */
    uint8_t return_exceptions;
    uint8_t cancel_requested;
    uint8_t orphan;            /* gather() has not returned it (yet, or ever) */
} sim_gather;

struct sim_task {
    sim_future fut;            /* fkind FUT_TASK */
    int32_t index;             /* creation order, index into S->tasks */
    const char *name;          /* "Task-N" */
    sim_str *name_str;         /* the same as a str value, for task_name */
    sim_coro *coro;
    sim_future *fut_waiter;
    uint8_t must_cancel;
    uint8_t anon;              /* created by create_task without "as": once it
                                  is done only the loop held it */
    uint8_t warned;            /* its never-retrieved warning is in the trace */
    int num_cancels;
};

/* ---- handles and loops ---------------------------------------------- */
struct sim_handle {
    uint8_t kind;              /* SIM_H_* */
    uint8_t cancelled;
    uint8_t in_heap;
    uint32_t gen;              /* bumped when recycled */
    int32_t id;
    double when;               /* timers */
    uint64_t seq;              /* timers: scheduling order */
    sim_task *task;            /* STEP / WAKEUP */
    sim_future *fut;           /* WAKEUP: awaited; TIMER_SLEEP: to resolve;
                                  GATHER_CB: child; RUC_CB: the future */
    sim_gather *gather;        /* GATHER_CB */
    sim_exc *exc;              /* STEP: to throw in */
    sim_handle *next_free;
};

struct sim_loop {
    sim_object hdr;            /* SIM_OBJ_LOOP */
    int id;
    uint8_t stopping, closed;
    uint32_t iter;
    sim_handle **ready;        /* ring buffer */
    size_t rhead, rlen, rcap;
    sim_handle **heap;         /* binary heap on (when, seq) */
    size_t hlen, hcap;
    sim_task **tasks;          /* tasks of this loop, creation order */
    size_t ntasks, captasks;
    sim_loop *next;            /* every loop of the run, newest first */
};

struct sim_queue {
    sim_object hdr;            /* SIM_OBJ_QUEUE */
    int index;
    uint32_t mark;             /* collect.c: last walk that reached it */
    sim_loop *loop;            /* bound on first wait (_LoopBoundMixin) */
    int64_t maxsize;           /* as given: 0 or less is unbounded */
    int64_t nputs;             /* items ever put (CPython's _unfinished_tasks) */
    sim_value *items;          /* ring buffer */
    size_t head, len, cap;
    sim_future **getters, **putters;   /* FIFO arrays with a head index */
    size_t ghead, glen, gcap, phead, plen, pcap;
};

/* ---- the run ----------------------------------------------------------- */
#define SIM_IDCACHE 64         /* entries of sim_state's string id cache */
#define SIM_INTCACHE 1024      /* entries of its int repr id cache */

typedef struct sim_mt { uint32_t mt[624]; int mti; } sim_mt;

struct sim_state {
    const sim_scenario *sc;
    sim_arena arena;           /* values, futures, tasks, coroutines */
    sim_options opt;
    double clock;
    int64_t steps;
    int32_t ncoros, nfutures, nhandles, nloops, task_counter;
    uint64_t timer_seq;
    sim_value *globals;
    sim_queue **queues;
    sim_loop *loops;           /* every loop (owns their arrays) */
    const char **labels;       /* repr labels of coroutine objects, by function */
    sim_loop *current;         /* asyncio.get_event_loop() outside a loop */
    sim_loop *running;         /* the loop running now, or NULL */
    sim_task *cur_task;        /* task whose step is running, or NULL */
    sim_exc *escaped;          /* KeyboardInterrupt/SystemExit leaving a task */
    int line;                  /* line of the statement being executed */
    sim_coro **coros;          /* every coroutine object, creation order */
    size_t ncoro_list, capcoros;
    sim_task **tasks;
    size_t ntasks, captasks;
    sim_frame *frame_free[3];  /* pools: up to 4, 16, 64 locals */
    sim_handle *handle_free;
    sim_callback *cb_free;
    sim_future *fut_free;      /* sleep futures done with (sim_future_release) */
    sim_future *waking;        /* the future whose wakeup runs the step now */
    sim_coro *executing;       /* root whose stack sim_coro_resume runs now */
    sim_frame *main_frame;     /* main's frame while main runs */
    /* outcome being built */
    sim_print *prints;
    size_t nprints, capprints;
    double *interrupts;
    int *interrupt_prints;     /* prints made before each interrupt */
    size_t ninterrupts, capinterrupts;
    int *shutdown_errors;      /* tasks asyncio.run's teardown logged */
    int *shutdown_prints;      /* prints made before each */
    size_t nshutdown_errors, capshutdown_errors;
    sim_outcome outcome;
    int ended;
    jmp_buf end_jmp;           /* longjmp here to end the scenario at once */
    sim_trace trace;
    /* trace string ids of strings that never change during the run, cached
     * by address (direct-mapped): names (sim_str_id) and "<label>" reprs */
    const char *name_key[SIM_IDCACHE], *label_key[SIM_IDCACHE];
    int32_t name_id[SIM_IDCACHE], label_id[SIM_IDCACHE];
    int32_t id_none, id_true, id_false;  /* their reprs' ids, 0 until used */
    int64_t int_key[SIM_INTCACHE];       /* ids of recent ints' reprs, by */
    int32_t int_id[SIM_INTCACHE];        /* value mod size (id 0: empty) */
    sim_buf tmp;               /* scratch for reprs */
    /* collect.c: the coroutines main started by hand (send, drive), which
     * are closed when nothing holds them any more, and what closing them
     * logged ("Exception ignored in: ...") with the prints before each */
    sim_coro **hand;
    size_t nhand, caphand;
    uint32_t mark_epoch;
    int closing;               /* coro_close calls under way */
    sim_value flight;          /* a value on its way while frames let go of
                                  theirs: a return value, an exception */
    sim_value *drop;           /* locals of frames a close unwound, let go */
    size_t ndrop, capdrop;     /* of once the close is over */
    const char **ignored;
    int *ignored_prints;
    size_t nignored, capignored;
    char errmsg[256];
};

/* Result of resuming a coroutine: it yielded, returned or raised. */
typedef enum { RES_YIELD, RES_RETURN, RES_RAISE } sim_resume;

/* How a frame is entered and what it asks for when it stops. */
typedef enum { IN_START, IN_VALUE, IN_EXC } sim_in;
typedef enum { ACT_YIELD, ACT_RETURN, ACT_RAISE, ACT_PUSH } sim_actkind;
typedef struct sim_act {
    int kind;                  /* sim_actkind */
    sim_value v;               /* yielded / returned value */
    sim_exc *e;                /* raised exception */
    sim_frame *child;          /* frame to push on top */
} sim_act;

/* ---- frames.c ---------------------------------------------------------- */
/* Library frame of kind (LIB_*) without a coroutine object: what an
 * inline `await asyncio.sleep(d)` or queue operation runs. */
sim_frame *sim_frame_library(sim_state *S, int kind, sim_value arg, sim_queue *q);
/* Statement frame for fn with its parameters bound to args. */
sim_frame *sim_frame_body(sim_state *S, const sim_func *fn, const sim_value *args);
/* The frame that awaiting v runs (a coroutine's own frame, or
 * Future.__await__ for a future), or NULL with *exc (TypeError, reuse). */
sim_frame *sim_await_frame(sim_state *S, sim_value v, sim_exc **exc);
/* asyncio.ensure_future(v, loop): a task for a coroutine (wrapped for an
 * awaitable), v itself for a future; NULL with *exc otherwise. */
sim_future *sim_ensure_future(sim_state *S, sim_value v, sim_loop *loop, sim_exc **exc);
/* events.get_event_loop(): the running loop, else the current one. */
sim_loop *sim_get_event_loop(sim_state *S, sim_exc **exc);

/* ---- interp.c ---------------------------------------------------------- */
/* Variables and expressions as seen from frame f (main: globals). */
void sim_frame_assign(sim_state *S, sim_frame *f, const sim_name *n, sim_value v);
int sim_frame_lookup(sim_state *S, sim_frame *f, const sim_name *n, sim_value *out, sim_exc **e);
int sim_frame_eval(sim_state *S, sim_frame *f, const sim_expr *x, sim_value *out, sim_exc **e);
/* A TARGET's value: coroutine object or future. */
int sim_frame_target(sim_state *S, sim_frame *f, const sim_target *tg, sim_value *out,
                     sim_exc **e);
/* The coroutine object of a call. */
int sim_frame_call(sim_state *S, sim_frame *f, const sim_call *c, sim_value *out, sim_exc **e);
/* The future in variable n, or NULL with AttributeError naming attr. */
sim_future *sim_frame_future(sim_state *S, sim_frame *f, const sim_name *n, const char *attr,
                             sim_exc **e);
/* main.c: main-only statements; 0 or -1 with *e. */
int sim_main_stmt(sim_state *S, sim_frame *f, const sim_stmt *s, sim_exc **e);
/* Enter or resume a statement frame; fills *act with why it stopped. */
void sim_body_step(sim_state *S, sim_frame *f, int in, sim_value v, sim_exc *e,
                   sim_act *act);
/* New coroutine object for call (a coroutine function or awaitable class),
 * arguments already evaluated. Registered in the never-started list. */
sim_coro *sim_coro_new(sim_state *S, const sim_call *call, sim_value *args);
/* New library coroutine (asyncio.sleep, Queue.get, Queue.put). */
sim_coro *sim_coro_library(sim_state *S, int kind, sim_value arg, sim_queue *q);
/* Resume co: send value (exc == NULL) or throw exc. *out is the yielded or
 * returned value, *exc_out the exception raised. */
sim_resume sim_coro_resume(sim_state *S, sim_coro *co, sim_value value,
                           sim_exc *exc, sim_value *out, sim_exc **exc_out);
/* Drop the frames of co (and of what it awaits inline) without running
 * them, each popped as left by exc: a coroutine that ignored GeneratorExit
 * is freed so (collect.c). co is closed after. */
void sim_coro_discard(sim_state *S, sim_coro *co, sim_exc *exc);
/* Throw exc into what co's own frame awaits (the frames above it), until
 * that frame returns or raises, or the stack yields: what freeing co's
 * frame does to a library call it awaits (Queue.get leaves the queue,
 * asyncio.sleep cancels its timer). co's frame is not run. */
void sim_coro_close_awaited(sim_state *S, sim_coro *co, sim_exc *exc);
/* Run main's statements; returns 0, or -1 with *exc escaped from main. */
int sim_main_run(sim_state *S, sim_exc **exc);

/* ---- future.c ---------------------------------------------------------- */
sim_future *sim_future_new(sim_state *S, sim_loop *loop, int what);
/* Give f back for reuse by sim_future_new: the caller holds the last
 * reference (a sleep's future once the sleep returned: its timer is gone,
 * the task no longer waits on it, and its one wakeup is the handle running
 * this step). Kept instead when that is not sure: a step not started by
 * f's own wakeup (main sent into the coroutine, or another task did, while
 * the wakeup is still queued), a future with a second waiter, one whose
 * object main received from a send (it may be in a variable). */
void sim_future_release(sim_state *S, sim_future *f);
void sim_future_set_result(sim_state *S, sim_future *f, sim_value v);
void sim_future_set_exception(sim_state *S, sim_future *f, sim_exc *e);
/* Future.cancel(): 1 when it was pending and is now cancelled. Tasks and
 * gathers dispatch to their own cancel. */
int sim_future_cancel(sim_state *S, sim_future *f);
/* Future.result(): 0 with *out, or -1 with *exc (marks retrieved). */
int sim_future_result(sim_state *S, sim_future *f, sim_value *out, sim_exc **exc);
/* Future.exception(): 0 with *out (None or the exception), or -1. */
int sim_future_exception(sim_state *S, sim_future *f, sim_value *out, sim_exc **exc);
void sim_future_add_callback(sim_state *S, sim_future *f, int kind, void *obj);
void sim_future_remove_callback(sim_future *f, int kind, void *obj);
/* Task for coroutine co on loop: named Task-N, first step scheduled. */
sim_task *sim_task_new(sim_state *S, sim_loop *loop, sim_coro *co);
/* The source line of the statement co's stack is suspended in (the
 * innermost scenario frame's await or yield), 0 before it starts. */
int sim_coro_line(const sim_coro *co);
/* Append CPython's repr of t without its source positions and callbacks,
 * "<Task pending name='Task-2' coro=<child()>>" ("cancelling" once cancel()
 * was called on it while pending), to b (state.c). */
void sim_task_repr(sim_buf *b, const sim_task *t);
/* Append repr(v) to b, a task's as sim_task_repr writes it. */
void sim_repr_put(sim_state *S, sim_buf *b, sim_value v);
/* repr(v) as a C string in S->tmp (valid until the next use of tmp), as
 * sim_repr_put writes it: for the error messages that show it. */
const char *sim_repr_cstr(sim_state *S, sim_value v);
/* Task.__step(exc); exc NULL for a plain send(None). */
void sim_task_step(sim_state *S, sim_task *t, sim_exc *exc);
/* Task.__wakeup(fut). */
void sim_task_wakeup(sim_state *S, sim_task *t, sim_future *fut);
/* gather(*futs): futs already ensure_future'd, in argument order. */
sim_future *sim_gather_new(sim_state *S, sim_loop *loop, sim_future **futs,
                           int n, int return_exceptions);
/* The same built as CPython's gather() does, one argument at a time: its
 * _done_callback goes on each child right after the child is wrapped, so
 * a child already done schedules it before the next argument's task is
 * created. begin: n children to come (the outer future is None until end:
 * an orphan whose callbacks only mark exceptions retrieved); add: child i,
 * first when it is not a repeat of an earlier argument; end: the outer
 * future, on loop. */
sim_gather *sim_gather_begin(sim_state *S, int n, int return_exceptions);
void sim_gather_add(sim_state *S, sim_gather *g, int i, sim_future *child, int first);
sim_future *sim_gather_end(sim_gather *g, sim_loop *loop);
void sim_gather_done_cb(sim_state *S, sim_gather *g, sim_future *child);
/* CancelledError instance. */
sim_exc *sim_cancelled_error(sim_state *S);

/* ---- collect.c --------------------------------------------------------- */
/* An assignment dropped old[0..n) (what a variable held, or the locals of
 * a frame that returned, in the order CPython lets go of them): close each
 * coroutine started by hand that nothing reaches any more, as CPython does
 * when the last reference to it goes (GeneratorExit thrown in). old is
 * borrowed. Cheap when main never sent into a coroutine (or all of those
 * are done). */
void sim_collect_dropped(sim_state *S, const sim_value *old, size_t n);
/* An assignment dropped old: when it is a coroutine never started that
 * nothing reaches any more, CPython warns "never awaited" as it dies, and
 * the trace gets the warning now (the outcome's list is unchanged). One
 * walk of every coroutine per such drop, so only in a run of a few
 * thousand coroutines; past that the warning stays at the end. */
void sim_collect_unstarted(sim_state *S, sim_value old);
/* The locals old[0..n) of a frame exc left: its traceback holds them, so
 * they go when exc does; unless a close threw exc, which is dropped at the
 * end of the close. */
void sim_collect_raised(sim_state *S, sim_exc *exc, const sim_value *old, size_t n);

/* ---- loop.c ------------------------------------------------------------ */
/* p (malloc'ed, NULL at first) moved to twice *cap items of elem bytes, 64
 * the first time; *cap updated. Aborts when memory runs out. */
void *sim_grow(void *p, size_t *cap, size_t elem);
/* Room for entry n in a list of things the transcript shows among the
 * prints: items (elem bytes each, returned, maybe moved) and, in step,
 * *prints, how many prints came before each. */
void *sim_grow_noted(void *items, size_t elem, int **prints, size_t n, size_t *cap);
sim_loop *sim_loop_new(sim_state *S);
sim_handle *sim_loop_call_soon(sim_state *S, sim_loop *L, int kind);
sim_handle *sim_loop_call_later(sim_state *S, sim_loop *L, double delay, int kind);
void sim_handle_cancel(sim_state *S, sim_handle *h, uint32_t gen);
/* run_forever: returns 0, 1 when interrupted (would wait forever), or -1
 * with *exc when KeyboardInterrupt/SystemExit escaped a task. */
int sim_loop_run_forever(sim_state *S, sim_loop *L, sim_exc **exc);
/* run_until_complete(fut); 0 with *out, -1 with *exc. Ends the scenario
 * (status interrupted) when the loop would wait forever. */
int sim_loop_run_until_complete(sim_state *S, sim_loop *L, sim_future *f,
                                int new_task, sim_value *out, sim_exc **exc);
/* asyncio.run(co). */
int sim_asyncio_run(sim_state *S, sim_value co, sim_value *out, sim_exc **exc);
void sim_loop_close(sim_state *S, sim_loop *L);

/* ---- queue.c ----------------------------------------------------------- */
sim_queue *sim_queue_new(sim_state *S, int index, int64_t maxsize);
int sim_queue_full(const sim_queue *q);
int sim_queue_put_nowait(sim_state *S, sim_queue *q, sim_value v, sim_exc **exc);
int sim_queue_get_nowait(sim_state *S, sim_queue *q, sim_value *out, sim_exc **exc);
/* Append a waiter future; remove one (cancelled waiter); wake the next. */
void sim_queue_wait(sim_state *S, sim_queue *q, int putter, sim_future *f);
void sim_queue_unwait(sim_state *S, sim_queue *q, int putter, sim_future *f);
void sim_queue_wakeup_next(sim_state *S, sim_queue *q, int putter);

/* ---- state.c: services ------------------------------------------------- */
/* Raise-free helpers to build exceptions in the run's arena. */
sim_exc *sim_err(sim_state *S, int type, const char *fmt, ...);
/* End the scenario now with status (SIM_END_*) and error text: longjmps. */
void sim_end_now(sim_state *S, int status, const char *error);
/* The current task's name value (None outside a task). */
sim_value sim_task_name_value(sim_state *S);
/* Move the clock forward by d (time.sleep) or to t (the loop's wait);
 * going past max_time ends the scenario with the clock unchanged. */
void sim_clock_advance(sim_state *S, double d);
void sim_clock_advance_to(sim_state *S, double t);
/* Count one statement and enforce max_steps. */
void sim_count_step(sim_state *S);
/* Record a print. */
void sim_print_record(sim_state *S, const char *text, size_t len);
/* repr(v) interned into the trace (0 when not tracing). */
int32_t sim_repr_id(sim_state *S, sim_value v);
int32_t sim_exc_id(sim_state *S, const sim_exc *e);
/* s (borrowed) must stay unchanged as long as the run: its id is cached by
 * address. Text built on the fly goes through sim_trace_intern. */
int32_t sim_str_id(sim_state *S, const char *s);
/* Append a trace event (no-op when not tracing); returns it or NULL. */
sim_event *sim_emit(sim_state *S, int kind, int task, int coro);
/* The trace's warning events, at the moment CPython logs them (the object
 * is freed); the outcome lists warnings as they stand at the end, and the
 * end emits those not emitted yet. */
void sim_warn_never_retrieved(sim_state *S, sim_task *t);
/* 1 when CPython warns of co as never awaited as it dies: never started,
 * and not an awaitable's generator (which never warns). */
int sim_coro_never_awaited(const sim_coro *co);
void sim_warn_dropped_coro(sim_state *S, sim_coro *co);
/* Values a body frame of fn holds: its locals and, for an awaitable, the
 * arguments again after them, as the instance W(args) keeps them (the
 * generator's self) while a rebinding of the parameter drops the local. */
static inline int sim_frame_nheld(const sim_func *fn)
{
    return fn->nlocals + (fn->kind == SIM_F_AWAITABLE ? fn->nparams : 0);
}
/* Frame pool. */
sim_frame *sim_frame_alloc(sim_state *S, int nlocals);
void sim_frame_release(sim_state *S, sim_frame *f);
/* Mersenne Twister as CPython's random: seed(int), choice index. */
void sim_mt_seed(sim_mt *mt, int64_t seed);
/* random.seed(v) for an int, bool, float or str v (CPython 3.11, version
 * 2); -1 for any other value (or nan, whose hash is its identity). */
int sim_mt_seed_value(sim_mt *mt, sim_value v);
uint32_t sim_mt_randbelow(sim_mt *mt, uint32_t n);

#endif
