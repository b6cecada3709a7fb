/*
 * bench.c -- coroscope_bench: how fast the visualizer seeks and draws a big
 * run. Prints figures; it is not a test and asserts nothing about time.
 *
 *   coroscope_bench [N [WxH]]     N jobs of the window-100k scenario
 *                                 (default 10000 tasks), frames of WxH
 *                                 (default 1920x1080)
 *
 * It runs the bundled window scenario with JOBS = N, folds the model, then
 * times random seeks and full-frame software renders at frames spread over
 * the run. The target is under 16 ms for each (60 frames a second).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "doc.h"
#include "render.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The bundled window scenario with its first statement (JOBS = ...) set
 * to n. Returns malloc'ed JSON text, or NULL. */
static char *window_text(long n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/19-window-100k.json", COROSCOPE_SCENARIOS);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    static char buf[1 << 20];
    size_t len = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[len] = 0;
    cJSON *root = cJSON_Parse(buf);
    cJSON *set = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "main"), 0);
    cJSON *expect = cJSON_DetachItemFromObject(root, "expect");
    cJSON_Delete(expect);
    if (!set || !cJSON_GetObjectItem(set, "value")) {
        cJSON_Delete(root);
        return NULL;
    }
    cJSON_ReplaceItemInObject(set, "value", cJSON_CreateNumber((double)n));
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return text;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Print mean, median and max of the k samples in ms. */
static void report(const char *what, double *ms, int k)
{
    double sum = 0;
    for (int i = 0; i < k; i++)
        sum += ms[i];
    qsort(ms, (size_t)k, sizeof *ms, cmp_double);
    printf("%-28s mean %7.3f ms  median %7.3f ms  max %7.3f ms  (%d samples)\n", what,
           sum / k, ms[k / 2], ms[k - 1], k);
}

/* A deterministic spread of frames over [0, n). */
static uint32_t sample_frame(uint32_t n, int i)
{
    uint64_t x = (uint64_t)(i + 1) * 0x9E3779B97F4A7C15ull;
    return (uint32_t)((x >> 17) % n);
}

static void bench_seek(cs_model *M)
{
    enum { K = 2000 };
    static double ms[K];
    for (int i = 0; i < K; i++) {
        double t0 = now_ms();
        cs_model_seek(M, sample_frame(M->nframes, i));
        ms[i] = now_ms() - t0;
    }
    report("seek (random frame)", ms, K);
    for (int i = 0; i < K; i++) {
        uint32_t f = sample_frame(M->nframes, i);
        cs_model_seek(M, f);
        double t0 = now_ms();
        cs_model_seek(M, f ? f - 1 : 0);
        ms[i] = now_ms() - t0;
    }
    report("step back one frame", ms, K);
}

static void bench_render(cs_doc *d, int w, int h)
{
    char err[512];
    cs_render *R = cs_render_new(w, h, COROSCOPE_ASSETS, err, sizeof err);
    if (!R) {
        printf("render: %s\n", err);
        return;
    }
    cs_view v;
    cs_view_init(&v);
    v.M = &d->M;
    v.title = d->sc->title;
    enum { K = 40 };
    double ms[K];
    int pitch;
    for (int axis = 0; axis < 2; axis++) {
        v.axis = axis;
        cs_render_pixels(R, &v, &pitch);  /* warm the glyph cache */
        for (int i = 0; i < K; i++) {
            cs_model_seek(&d->M, sample_frame(d->M.nframes, i));
            double t0 = now_ms();
            cs_render_pixels(R, &v, &pitch);
            ms[i] = now_ms() - t0;
        }
        char what[64];
        snprintf(what, sizeof what, "render %dx%d (%s)", w, h, axis ? "steps" : "time");
        report(what, ms, K);
    }
    cs_render_free(R);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000;
    int w = 1920, h = 1080;
    if (argc > 2 && sscanf(argv[2], "%dx%d", &w, &h) != 2)
        return fprintf(stderr, "usage: coroscope_bench [N [WxH]]\n"), 2;
    char *text = window_text(n);
    if (!text)
        return fprintf(stderr, "coroscope_bench: cannot read the window scenario\n"), 2;
    sim_diags dg = {0};
    double t0 = now_ms();
    sim_scenario *sc = sim_scenario_load_text("window", text, strlen(text), &dg);
    free(text);
    if (!sc)
        return fprintf(stderr, "%s\n", dg.n ? dg.msg[0] : "invalid"), 2;
    sim_options opt = {.trace = 1};
    sim_state *S = sim_new(sc, &opt);
    sim_run(S);
    double t1 = now_ms();
    cs_doc d = {.sc = sc, .S = S};
    if (cs_model_init(&d.M, sim_trace_get(S), sc, 0) != 0)
        return fprintf(stderr, "coroscope_bench: out of memory\n"), 2;
    d.loaded = 1;
    double t2 = now_ms();
    printf("window scenario, %ld jobs: %u tasks, %u frames (trace events)\n", n, d.M.ntasks,
           d.M.nframes);
    printf("%-28s %9.1f ms\n", "simulate with the trace", t1 - t0);
    printf("%-28s %9.1f ms (checkpoint every %u events)\n", "fold the model", t2 - t1,
           d.M.every);
    bench_seek(&d.M);
    bench_render(&d, w, h);
    cs_doc_free(&d);
    return 0;
}
