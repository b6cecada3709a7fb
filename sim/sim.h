/*
 * sim.h -- the public API of the simulator library.
 *
 *   sim_scenario *sc = sim_scenario_load_file(path, &diags);   (loader.h)
 *   sim_state *S = sim_new(sc, &opts);
 *   sim_run(S);
 *   const sim_outcome *o = sim_outcome_get(S);
 *   const sim_trace *t = sim_trace_get(S);       (when opts.trace)
 *   sim_free(S); sim_scenario_free(sc);
 *
 * A sim_state is an opaque handle; it holds no pointer into any global and
 * two of them may run side by side. It borrows the scenario, which must
 * outlive it.
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include "ast.h"
#include "loader.h"
#include "trace.h"

#define SIM_VERSION "0.1.0"

typedef struct sim_state sim_state;

typedef struct sim_options {
    int trace;                 /* record the event trace in memory */
} sim_options;

typedef struct sim_print {
    double t;
    int task;                  /* index into sim_outcome.tasks, -1 for main */
    const char *text;
} sim_print;

typedef struct sim_task_info {
    const char *name;          /* "Task-3" */
    const char *coro;          /* coroutine function name */
    int state;                 /* SIM_TASK_* */
    const char *result;        /* repr(result) when finished, else NULL */
    const char *exception;     /* "Type: message" when failed, else NULL */
} sim_task_info;

typedef struct sim_warning {
    int kind;                  /* SIM_WARN_* */
    int task;                  /* NEVER_RETRIEVED: task index */
    const char *coro;          /* NEVER_AWAITED: coroutine function name */
} sim_warning;

typedef struct sim_outcome {
    const char *scenario;
    int nprints, ntasks, nwarnings, ninterrupts;
    sim_print *prints;
    sim_task_info *tasks;
    sim_warning *warnings;
    double *interrupts;
    int status;                /* SIM_END_* */
    double t;                  /* clock at the end */
    const char *error;         /* "Type: message", limit name, or NULL */
    /* not part of coroscope-outcome/1: the tasks asyncio.run()'s teardown
     * logged as "unhandled exception during asyncio.run() shutdown" */
    int nshutdown_errors;
    int *shutdown_errors;      /* task indices */
    /* not part of it either: how many prints came before each interrupt
     * and each shutdown error (a transcript shows them in order) */
    int *interrupt_prints;     /* ninterrupts entries */
    int *shutdown_prints;      /* nshutdown_errors entries */
    /* not part of it either: what closing a dropped coroutine logged,
     * "Exception ignored in: <coroutine object c>: RuntimeError: ...", and
     * how many prints came before each */
    int nignored;
    const char **ignored;
    int *ignored_prints;
} sim_outcome;

/* A new run of sc (borrowed). Never NULL (aborts on OOM). */
sim_state *sim_new(const sim_scenario *sc, const sim_options *opt);
/* Run the scenario to its end; returns the SIM_END_* status. */
int sim_run(sim_state *S);
/* The outcome after sim_run (owned by S). */
const sim_outcome *sim_outcome_get(const sim_state *S);
/* The recorded trace (owned by S), or NULL when opts.trace was 0. */
const sim_trace *sim_trace_get(const sim_state *S);
/* Last error message of S ("" when none): the end error of the run. */
const char *sim_errmsg(const sim_state *S);
/* Release S and everything it owns. */
void sim_free(sim_state *S);

/* Append the outcome as coroscope-outcome/1 JSON (pretty, one key a line). */
void sim_outcome_write_json(const sim_outcome *o, sim_buf *out);
/* Where a writer hands its text, a slice at a time (ctx is the caller's). */
typedef void (*sim_put_fn)(void *ctx, const char *s, size_t n);
/* The same text handed to put in slices of about 64 KiB: a big outcome
 * never sits in memory whole. */
void sim_outcome_write_json_to(const sim_outcome *o, sim_put_fn put, void *ctx);
/* Append one JSON Lines record per event of T. */
void sim_trace_write_jsonl(const sim_trace *T, sim_buf *out);
/* The same for events [from, to) of T only (to <= T->n): a writer can
 * stream a big trace slice by slice. */
void sim_trace_write_jsonl_range(const sim_trace *T, size_t from, size_t to, sim_buf *out);
/* Names used in JSON: "finished", "completed", ... */
const char *sim_task_state_name(int state);
const char *sim_end_status_name(int status);

#endif
