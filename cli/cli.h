/*
 * cli.h -- pieces of the corosim program shared between its files.
 */
#ifndef CORO_CLI_H
#define CORO_CLI_H

#include <stdio.h>

#include "sim.h"

/* Exit statuses of the command-line contract (format section 7). */
enum { CLI_OK = 0, CLI_MISMATCH = 1, CLI_USAGE = 2 };

/* Write data[0..len) to path atomically (temporary file + rename; an
 * existing device or FIFO is written directly), or to
 * standard output when path is "-". Returns 0, or -1 after printing why. */
int cli_write_file(const char *path, const char *data, size_t len);

/* Load path, printing its diagnostics to stderr. NULL when invalid. */
sim_scenario *cli_load(const char *path);
/* The same; when the scenario does not load, its first diagnostic goes to
 * first[0..n) too. */
sim_scenario *cli_load_first(const char *path, char *first, size_t n);

/* Compare the outcome of sc's run with its "expect" block; prints a diff
 * of each mismatch, and a line per property, to out. T is the run's trace
 * (borrowed), NULL when not recorded (props_need_trace says when it is
 * needed). Returns 0 when all match, 1 otherwise. */
int cli_check_expect(const sim_scenario *sc, const sim_outcome *o, const sim_trace *T,
                     FILE *out);

/* props.c: the property keys of "expect" (max_concurrent, end_time,
 * order). props_need_trace: 1 when checking them needs the trace. */
struct cJSON;
int props_need_trace(const sim_scenario *sc);
/* Check each property key of expect (borrowed) against the run; prints
 * one line per property to out. Returns 1 when one fails. */
int props_check(const sim_scenario *sc, const sim_outcome *o, const sim_trace *T,
                const struct cJSON *expect, FILE *out);

/* The commands in their own files: arguments after the command name;
 * each returns the exit status. */
int cli_grade(int argc, char **argv);     /* grade.c */
int cli_quiz(int argc, char **argv);      /* quiz.c */

#endif
