/*
 * loader.h -- JSON file -> sim_scenario (ast.h), validated completely.
 *
 * cJSON parses the text; a position map built from the same text gives
 * every JSON value its line and column, because cJSON keeps none. The
 * cJSON tree is converted to our structs and freed before returning.
 */
#ifndef SIM_LOADER_H
#define SIM_LOADER_H

#include "ast.h"

/* Diagnostics: one line per problem, "FILE:LINE:COL: error: MESSAGE". */
typedef struct sim_diags {
    int n, cap;
    char **msg;                /* malloc'ed strings */
} sim_diags;

void sim_diags_free(sim_diags *d);
/* Append a formatted diagnostic (the caller writes the whole line). */
void sim_diags_addf(sim_diags *d, const char *fmt, ...);

/* Load the scenario in file path. Returns a new scenario (free with
 * sim_scenario_free) or NULL with every problem appended to *d. */
sim_scenario *sim_scenario_load_file(const char *path, sim_diags *d);

/* Same for text[0..len) already in memory; name is used in messages. */
sim_scenario *sim_scenario_load_text(const char *name, const char *text,
                                     size_t len, sim_diags *d);

void sim_scenario_free(sim_scenario *sc);

#endif
