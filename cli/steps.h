/*
 * steps.h -- the task steps of a recorded trace, one record per
 * Task.__step, with what each step ended waiting for and which event woke
 * it. Shared by the expect properties (props.c), the quiz sheets (quiz.c)
 * and the Chrome export (chrome.c).
 */
#ifndef CORO_STEPS_H
#define CORO_STEPS_H

#include <stddef.h>

#include "sim.h"

/* What a step ended waiting for. */
typedef enum steps_wait {
    STEPS_W_DONE,        /* the task finished in this step */
    STEPS_W_SLEEP,       /* asyncio.sleep(d > 0): a timer */
    STEPS_W_YIELD,       /* a bare yield (asyncio.sleep(0)): ready again at once */
    STEPS_W_QUEUE_GET,   /* Queue.get on an empty queue */
    STEPS_W_QUEUE_PUT,   /* Queue.put on a full queue */
    STEPS_W_TASK,        /* another task */
    STEPS_W_GATHER,      /* a gather */
    STEPS_W_OTHER        /* another future (an awaitable's yield, ...) */
} steps_wait;

typedef struct steps_step {
    int task;
    size_t begin, end;         /* event indexes of STEP_BEGIN and STEP_END */
    int first;                 /* the task's first step */
    int thrown;                /* began with an exception thrown in */
    int wait;                  /* steps_wait */
    int queue;                 /* QUEUE_GET / QUEUE_PUT: queue index */
    double delay;              /* SLEEP: the delay asked for, as when - now
                                  (float noise: quiz.c finds the given one) */
    size_t timer_ev;           /* SLEEP: the step's last TIMER_PUSH (x = when) */
    int prev;                  /* the same task's previous step, -1 none */
    int nth;                   /* 1 for the task's first step, 2 for its second... */
    long waker;                /* event index that scheduled this step, -1 unknown */
    size_t yield_ev;           /* the last YIELD of the step (0: none) */
    int32_t yield_repr;        /* that YIELD's value (its a: a string id) */
} steps_step;

typedef struct steps_list {
    int n, cap;
    steps_step *s;             /* owned */
} steps_list;

/* Build the steps of trace T (borrowed; ntasks tasks). Free with
 * steps_free. */
void steps_build(steps_list *L, const sim_trace *T, int ntasks);
void steps_free(steps_list *L);
/* 1 when the step's wait is on another task's progress (queue, task,
 * gather): the task is parked, not working (see max_concurrent). */
int steps_parked(const steps_step *s);
/* The most tasks at work at one time (docs/FORMAT-EXTENSIONS.md). */
int steps_max_concurrent(const steps_list *L, int ntasks);
/* Short label of a wait: "asyncio.sleep(1)", "q.get()", "await Task-2"... */
void steps_wait_label(sim_buf *b, const steps_list *L, int i, const sim_trace *T,
                      const sim_scenario *sc);

#endif
