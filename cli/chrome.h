/*
 * chrome.h -- the event trace as Chrome Trace Event Format JSON (chrome.c).
 */
#ifndef CORO_CHROME_H
#define CORO_CHROME_H

#include "sim.h"

/* Append the Chrome trace of a run (scenario, outcome and trace borrowed)
 * to b as {"displayTimeUnit": "ms", "traceEvents": [...]}. Returns 0. */
int chrome_write(const sim_scenario *sc, const sim_outcome *o, const sim_trace *T, sim_buf *b);

#endif
