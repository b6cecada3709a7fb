/*
 * doc.h -- one loaded scenario as the visualizer holds it: the scenario,
 * its finished run with the trace recorded, and the model folded from that
 * trace. The window and the headless renderer both start from one.
 */
#ifndef UI_DOC_H
#define UI_DOC_H

#include <stddef.h>
#include <time.h>

#include "model.h"
#include "sim.h"

typedef struct cs_doc {
    char *path;              /* owned copy of the file name */
    sim_scenario *sc;        /* owned */
    sim_state *S;            /* owned: the run, which owns the trace */
    cs_model M;              /* borrows S's trace and sc */
    int loaded;              /* 1 when the three above are valid */
} cs_doc;

/* Load path into a fresh doc *d: parse, validate, run with the trace,
 * build the model at frame 0. On failure *d is left empty (loaded = 0)
 * and err holds every diagnostic, one "FILE:LINE:COL: error: ..." per
 * line (the first errlen - 1 bytes). Returns 0 or -1. */
int cs_doc_load(cs_doc *d, const char *path, char *err, size_t errlen);

/* Release everything d owns; d is empty afterwards. */
void cs_doc_free(cs_doc *d);

/* The modification time and size of the file at path (size -1 when it
 * cannot be read), to watch it for changes. */
void cs_doc_stamp(const char *path, time_t *mtime, long long *size);

/* Read the picker list (coroscope-index/1) from dir/index.json: titles and
 * file paths (dir/file), malloc'ed, into *titles and *files. Returns the
 * count, or -1 with the reason in err. Free with cs_doc_index_free. */
int cs_doc_index(const char *dir, char ***titles, char ***files, char *err, size_t errlen);
void cs_doc_index_free(char **titles, char **files, int n);
/* The entry of files[0..n) that is the file at path (however either is
 * spelled: the same file on disk), or -1. */
int cs_doc_index_find(char *const *files, int n, const char *path);

#endif
