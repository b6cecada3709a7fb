/*
 * doc.c -- loading a scenario for the visualizer: validate, run with the
 * trace recorded, fold the model; and the scenario picker's index.
 *
 * A run is done once per load, so stepping back and forth never re-runs
 * the simulator: the model seeks in the recorded trace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "doc.h"

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* Join the diagnostics into err, one per line, cut to errlen. */
static void diags_join(const sim_diags *dg, char *err, size_t errlen)
{
    size_t len = 0;
    err[0] = 0;
    for (int i = 0; i < dg->n && len + 1 < errlen; i++) {
        int k = snprintf(err + len, errlen - len, "%s%s", i ? "\n" : "", dg->msg[i]);
        if (k < 0)
            break;
        len += (size_t)k < errlen - len ? (size_t)k : errlen - len - 1;
    }
}

int cs_doc_index_find(char *const *files, int n, const char *path)
{
    struct stat want, st;
    if (!path || stat(path, &want) != 0)
        return -1;
    for (int i = 0; i < n; i++)
        if (stat(files[i], &st) == 0 && st.st_dev == want.st_dev && st.st_ino == want.st_ino)
            return i;
    return -1;
}

void cs_doc_stamp(const char *path, time_t *mtime, long long *size)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        *mtime = st.st_mtime;
        *size = (long long)st.st_size;
    } else {
        *mtime = 0;
        *size = -1;
    }
}

int cs_doc_load(cs_doc *d, const char *path, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    sim_diags dg = {0};
    d->sc = sim_scenario_load_file(path, &dg);
    if (!d->sc) {
        diags_join(&dg, err, errlen);
        if (!dg.n)
            snprintf(err, errlen, "%s: error: cannot load the scenario", path);
        sim_diags_free(&dg);
        return -1;
    }
    sim_diags_free(&dg);
    sim_options opt = {.trace = 1};
    d->S = sim_new(d->sc, &opt);
    sim_run(d->S);
    d->path = dup_str(path);
    if (!d->path || cs_model_init(&d->M, sim_trace_get(d->S), d->sc, 0) != 0) {
        snprintf(err, errlen, "%s: error: out of memory building the view", path);
        free(d->path);
        sim_free(d->S);
        sim_scenario_free(d->sc);
        memset(d, 0, sizeof *d);
        return -1;
    }
    d->loaded = 1;
    return 0;
}

void cs_doc_free(cs_doc *d)
{
    if (d->loaded)
        cs_model_free(&d->M);
    if (d->S)
        sim_free(d->S);
    if (d->sc)
        sim_scenario_free(d->sc);
    free(d->path);
    memset(d, 0, sizeof *d);
}

/* Read a whole small file; NULL when it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, cap);
            if (!nb)
                break;
            buf = nb;
        }
        size_t k = fread(buf + n, 1, cap - n - 1, fp);
        n += k;
        if (k == 0)
            break;
    }
    fclose(fp);
    if (buf)
        buf[n] = 0;
    *len = n;
    return buf;
}

/* Append one entry of index.json to the lists; 0 or -1 on a bad entry. */
static int index_entry(const cJSON *e, const char *dir, char **titles, char **files, int i)
{
    const cJSON *file = cJSON_GetObjectItemCaseSensitive(e, "file");
    const cJSON *title = cJSON_GetObjectItemCaseSensitive(e, "title");
    if (!cJSON_IsString(file))
        return -1;
    const char *t = cJSON_IsString(title) ? title->valuestring : file->valuestring;
    size_t n = strlen(dir) + strlen(file->valuestring) + 2;
    files[i] = malloc(n);
    titles[i] = dup_str(t);
    if (!files[i] || !titles[i])
        return -1;
    snprintf(files[i], n, "%s/%s", dir, file->valuestring);
    return 0;
}

int cs_doc_index(const char *dir, char ***titles, char ***files, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/index.json", dir);
    size_t len = 0;
    char *text = slurp(path, &len);
    cJSON *root = text ? cJSON_ParseWithLength(text, len) : NULL;
    free(text);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "scenarios");
    int n = cJSON_GetArraySize(list);
    *titles = calloc((size_t)n + 1, sizeof **titles);
    *files = calloc((size_t)n + 1, sizeof **files);
    int k = 0, bad = !root || !cJSON_IsArray(list) || !*titles || !*files;
    for (const cJSON *e = bad ? NULL : list->child; e; e = e->next)
        if (index_entry(e, dir, *titles, *files, k++) != 0) {
            bad = 1;
            break;
        }
    cJSON_Delete(root);
    if (bad) {
        snprintf(err, errlen, "%s: error: not a readable coroscope-index/1 list of scenarios", path);
        cs_doc_index_free(*titles, *files, k);
        *titles = *files = NULL;
        return -1;
    }
    return k;
}

void cs_doc_index_free(char **titles, char **files, int n)
{
    for (int i = 0; i < n && titles && files; i++) {
        free(titles[i]);
        free(files[i]);
    }
    free(titles);
    free(files);
}
