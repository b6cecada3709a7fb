/*
 * run_text.h -- for the unit tests: a scenario given as JSON text, loaded
 * and run to its end (defined in test_runtime.c).
 */
#ifndef CORO_RUN_TEXT_H
#define CORO_RUN_TEXT_H

#include "sim.h"

/* Load text (diagnostics to stderr) and run it, with the trace recorded
 * when trace is 1. Returns the run, or NULL when the text does not load;
 * the caller frees the run and *sc. */
sim_state *test_run_text(const char *text, sim_scenario **sc, int trace);

#endif
