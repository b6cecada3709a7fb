/*
 * model.h -- what the visualizer shows, folded from a run's event trace.
 *
 * No SDL here: this is the state the renderer draws from, and the tests
 * check it directly.
 *
 * Two kinds of data:
 *
 *   static   computed once by one pass over the whole trace: lanes of
 *            state segments (one lane for main, one for the loop, one per
 *            task), task facts, console lines, the step column of each
 *            event, the index of loop iterations.
 *   dynamic  the state after frame N (= after event N): the stacks of
 *            every coroutine, the ready queue, the timers, the queues,
 *            the clock. cs_model_seek() rebuilds it from the nearest
 *            checkpoint (one every K events) and replays fewer than K
 *            events, so seeking anywhere costs the same as stepping.
 *
 * A frame is an event index in [0, nframes). The state "at frame N"
 * includes the effect of event N, and event N is what the frame shows
 * happening (narration, animations).
 */
#ifndef UI_MODEL_H
#define UI_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

struct sim_scenario;

/* What a lane shows during a segment. */
typedef enum cs_st {
    CS_ST_NONE,        /* not created yet / no loop running */
    CS_ST_READY,       /* in the ready queue, waiting for its turn */
    CS_ST_RUNNING,     /* holding the loop */
    CS_ST_BLOCKED,     /* inside time.sleep: holding the loop, doing nothing */
    CS_ST_SLEEPING,    /* waiting on a timer (asyncio.sleep) */
    CS_ST_WAITING,     /* waiting on a queue, a future, a task, the loop */
    CS_ST_LOOP,        /* loop lane: the loop's own work between steps */
    CS_ST_IDLE,        /* loop lane: nothing ready, the clock jumps */
    CS_ST_DONE,        /* finished with a result */
    CS_ST_FAILED,      /* finished with an exception */
    CS_ST_CANCELLED,
    CS_NST
} cs_st;

/* What a WAITING / SLEEPING segment waits for (cs_seg.arg says which). */
typedef enum cs_wait {
    CS_W_NONE,
    CS_W_TIMER,        /* arg: timer handle */
    CS_W_QUEUE_GET,    /* arg: queue index */
    CS_W_QUEUE_PUT,    /* arg: queue index */
    CS_W_TASK,         /* arg: task index */
    CS_W_GATHER,
    CS_W_FUTURE,
    CS_W_LOOP          /* main inside a SIM_RUN_* call (arg) */
} cs_wait;

/* A span of one lane in one state. Events [e0, e1): e0 started it, e1
 * ended it (the next segment starts there). */
typedef struct cs_seg {
    double t0, t1;     /* virtual time span */
    double when;       /* SLEEPING: deadline of the timer */
    uint32_t e0, e1;
    uint32_t late_e;   /* SLEEPING: first event whose clock is past when
                          (e1 when never late) */
    uint8_t st;        /* cs_st */
    uint8_t wait;      /* cs_wait */
    int32_t arg;       /* see cs_wait; on the loop lane, RUNNING and
                          BLOCKED: the task */
} cs_seg;

enum { CS_LANE_MAIN = -2, CS_LANE_LOOP = -1 };

typedef struct cs_lane {
    int32_t who;       /* CS_LANE_MAIN, CS_LANE_LOOP or a task index */
    cs_seg *segs;      /* owned */
    uint32_t nseg, cap;
} cs_lane;

/* Facts about a task over the whole run. */
typedef struct cs_taskinfo {
    const char *name;  /* "Task-3" (trace string) */
    const char *fn;    /* coroutine function name */
    int32_t coro;      /* compact coroutine index (see cs_model_coro) */
    int32_t creator;   /* task that created it; -1 main; -2 the runtime */
    uint32_t born;     /* event of TASK_NEW */
    uint32_t died;     /* event of TASK_DONE, or UINT32_MAX */
    uint8_t final;     /* SIM_TASK_* at the end of the run */
    const char *result;/* repr of the result or the exception, or "" */
} cs_taskinfo;

/* One line of the output console. */
typedef enum cs_outkind {
    CS_OUT_PRINT, CS_OUT_NEVER_RETRIEVED, CS_OUT_NEVER_AWAITED,
    CS_OUT_SLOW, CS_OUT_INTERRUPT, CS_OUT_END, CS_OUT_ERROR
} cs_outkind;

typedef struct cs_outline {
    uint32_t ev;
    double t;
    int32_t task;      /* -1 main */
    uint8_t kind;      /* cs_outkind */
    uint32_t text;     /* offset into the model's text buffer */
} cs_outline;

/* ---- dynamic state ------------------------------------------------------ */

/* One frame of a coroutine stack. */
typedef struct cs_frame {
    const char *name;  /* function name (trace string) */
    int32_t line;      /* line of its current statement, 0 none */
    uint8_t kind;      /* SIM_FR_* */
    const char *args;  /* "n=12, s='a'" (trace string), NULL when none */
} cs_frame;

/* The stack of one root coroutine; index 0 is main's own (module) stack. */
typedef struct cs_stack {
    cs_frame *fr;      /* owned; fr[0] is the bottom */
    uint32_t n, cap;
    const char *exc;   /* exception in flight, NULL when none */
    int32_t exc_depth; /* frame it is in; -1 when it left the stack */
} cs_stack;

/* A ready-queue handle or a timer. */
typedef struct cs_handle {
    int32_t id;
    uint8_t kind;      /* SIM_H_* */
    int32_t task;      /* whose, -1 none */
    double when;       /* timers */
    double set_at;     /* timers: the clock when it was set (its sleep's
                          delay is when - set_at) */
    uint64_t seq;      /* timers: scheduling order */
    int32_t loop;      /* timers: the loop that holds it (0 unknown) */
} cs_handle;

/* An item in a queue and who put it there. */
typedef struct cs_qitem {
    const char *repr;
    int32_t task;      /* putter, -1 main */
} cs_qitem;

typedef struct cs_qstate {
    cs_qitem *items;   /* owned, FIFO: items[0] is the next get */
    uint32_t n, cap;
    int32_t *getters;  /* owned: task indices in waiting order */
    uint32_t ngetters, capgetters;
    int32_t *putters;
    uint32_t nputters, capputters;
} cs_qstate;

enum { CS_INSIDE_YIELDS = 2 };

/* Everything that changes from frame to frame. */
typedef struct cs_state {
    uint32_t ev;       /* events applied: the state is at frame ev - 1 */
    double t;
    uint32_t iter;
    int32_t loop;      /* running loop number, 0 none */
    int32_t running;   /* task whose step runs, -1 none */
    int32_t main_drives; /* compact coro main drove by hand last, -1 none */
    int32_t main_inside; /* 1 while that coroutine runs (sent into, not
                            yielded back yet); CS_INSIDE_YIELDS at the frame
                            of its yield back to main, which still belongs
                            to the send (as a task's yield to its step) */
    cs_stack *stacks;  /* owned, one per compact coroutine */
    uint32_t nstacks;
    cs_handle *ready;  /* owned FIFO: ready[0] runs next */
    uint32_t nready, capready;
    cs_handle *timers; /* owned, sorted by (when, seq) */
    uint32_t ntimers, captimers;
    uint64_t timer_seq;
    cs_qstate *queues; /* owned, nqueues */
    uint32_t nqueues;
    cs_frame popped;   /* the frame the last FRAME_POP removed */
} cs_state;

/* ---- the model ---------------------------------------------------------- */

typedef struct cs_checkpoint cs_checkpoint;

typedef struct cs_model {
    const sim_trace *trace;            /* borrowed */
    const struct sim_scenario *sc;     /* borrowed, may be NULL */
    uint32_t nframes;                  /* = trace->n */
    /* static */
    cs_taskinfo *tasks;                /* owned */
    uint32_t ntasks;
    cs_lane *lanes;                    /* owned: main, loop, then tasks */
    uint32_t nlanes;
    double *col;                       /* owned: step column of each event */
    uint32_t *iters;                   /* owned: events that begin iterations */
    uint32_t niters;
    cs_outline *out;                   /* owned console lines */
    uint32_t nout, capout;
    char *text;                        /* owned text buffer (console) */
    size_t ntext, captext;
    int32_t *coro_of;                  /* owned: trace coro id + 1 -> compact */
    uint32_t ncoro_ids;
    uint32_t ncoros;                   /* compact coroutines (0 = main) */
    int32_t *handle_task;              /* owned: handle id -> task or -1,
                                          from the events that name it */
    uint32_t nhandle_ids;
    int32_t *coro_task;                /* owned: compact coro -> task or -1 */
    const char **coro_name;            /* owned: compact coro -> root name */
    const char **coro_var;             /* owned: compact coro -> the variable main
                                          bound it to (coroutine statement), or NULL */
    uint32_t nqueues;                  /* queues of the scenario */
    const char **queue_name;           /* owned array of borrowed names */
    int64_t *queue_max;                /* owned: maxsize, <= 0 unbounded */
    double t_end;                      /* clock at the last event */
    double col_end;                    /* step column after the last event */
    /* checkpoints */
    uint32_t every;                    /* K */
    cs_checkpoint **cps;               /* owned */
    uint32_t ncps;
    /* the current frame */
    cs_state st;
    sim_trace_cursor cur;              /* reads trace for seeking, at st.ev - 1 */
} cs_model;

/* Build the model of trace T (borrowed; sc borrowed, may be NULL: queue
 * sizes and the source listing come from it). every = checkpoint spacing
 * in events, 0 for automatic. Returns 0, or -1 when out of memory. The
 * model starts at frame 0. */
int cs_model_init(cs_model *M, const sim_trace *T,
                  const struct sim_scenario *sc, uint32_t every);
void cs_model_free(cs_model *M);

/* Move to frame f (clamped to [0, nframes - 1]). */
void cs_model_seek(cs_model *M, uint32_t f);
/* The frame the model is at, or 0 for an empty trace. */
uint32_t cs_model_frame(const cs_model *M);
/* The event of frame f, by value (a one-off read: loops over frames use a
 * sim_trace_cursor on M->trace); kind SIM_EV_NKINDS, all else zero, when
 * f >= nframes (an empty trace). */
sim_event cs_model_event(const cs_model *M, uint32_t f);
/* The last frame k in [lo, f) whose event satisfies pred (called with
 * arg, latest first, until it returns non-zero), or UINT32_MAX. A walk
 * back over the trace, read forwards a block at a time. */
uint32_t cs_model_find_back(const cs_model *M, uint32_t lo, uint32_t f,
                            int (*pred)(const cs_model *M, const sim_event *e, void *arg),
                            void *arg);
/* Trace string by id, "" for an invalid id. */
const char *cs_model_str(const cs_model *M, int32_t id);

/* Lane of task i / main / the loop. */
const cs_lane *cs_model_task_lane(const cs_model *M, int32_t task);
const cs_lane *cs_model_main_lane(const cs_model *M);
const cs_lane *cs_model_loop_lane(const cs_model *M);
/* The segment of lane L covering frame f (NULL when none). */
const cs_seg *cs_lane_at(const cs_lane *L, uint32_t f);
/* Index of the first segment of L with e1 > f (nseg when none). */
uint32_t cs_lane_find(const cs_lane *L, uint32_t f);

/* Task a ready handle or timer belongs to (-1 none): the event's own
 * task when it names one, else what other events of that handle say. */
int32_t cs_model_handle_task(const cs_model *M, int32_t handle, int32_t task);
/* Compact coroutine index of trace coro id (-1 main -> 0); -1 unknown. */
int32_t cs_model_coro(const cs_model *M, int32_t trace_coro);
/* The variable main holds compact coroutine c in (NULL when none or
 * unknown); and "tum = drum()" or "drum()" for it into buf. */
const char *cs_model_coro_var(const cs_model *M, int32_t c);
void cs_model_coro_label(const cs_model *M, int32_t c, char *buf, size_t n);
/* Stack of task i (NULL when none), and main's. */
const cs_stack *cs_model_task_stack(const cs_model *M, int32_t task);
const cs_stack *cs_model_main_stack(const cs_model *M);
/* Current source line of task i (-1 main): its innermost frame with a
 * line at the current frame; 0 when none. */
int32_t cs_model_task_line(const cs_model *M, int32_t task);

/* Copy up to max timers sorted by (when, seq) into out; returns count.
 * (cs_state.timers is already sorted: this is a convenience.) */
uint32_t cs_model_timers(const cs_model *M, cs_handle *out, uint32_t max);

/* Text of console line o. */
const char *cs_model_out_text(const cs_model *M, const cs_outline *o);
/* Index of the last console line at or before frame f, or -1. */
int32_t cs_model_out_at(const cs_model *M, uint32_t f);

/* Navigation: the frame of the loop iteration after / before frame f
 * (f itself when none); the next / previous frame after / before f whose
 * event concerns task (-1 main), or f when none. */
uint32_t cs_model_next_iter(const cs_model *M, uint32_t f);
uint32_t cs_model_prev_iter(const cs_model *M, uint32_t f);
uint32_t cs_model_next_of_task(const cs_model *M, uint32_t f, int32_t task);
uint32_t cs_model_prev_of_task(const cs_model *M, uint32_t f, int32_t task);
/* The frame whose step column / time is nearest x (for seeking by mouse). */
uint32_t cs_model_frame_at_col(const cs_model *M, double col);
uint32_t cs_model_frame_at_time(const cs_model *M, double t);
/* Iteration number (SIM_EV_ITER a) in force at frame f, 0 before any. */
uint32_t cs_model_iter_at(const cs_model *M, uint32_t f);

/* Task whose event frame f is: the event's task, else the running one,
 * else -1 (main). */
int32_t cs_model_subject(const cs_model *M, uint32_t f);

/* One plain sentence describing frame f into buf (always terminated).
 * The model must be at frame f (narration reads the state). */
void cs_narrate(const cs_model *M, uint32_t f, char *buf, size_t size);

/* Human names: "ready", "sleeping", ... */
const char *cs_st_name(int st);

#endif
