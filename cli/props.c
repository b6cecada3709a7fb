/*
 * props.c -- the property keys of an "expect" block (max_concurrent,
 * end_time, order; docs/FORMAT-EXTENSIONS.md), checked against a run.
 * The loader has already checked their types.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "cli.h"
#include "steps.h"

int props_need_trace(const sim_scenario *sc)
{
    cJSON *exp = sc->expect_json ? cJSON_Parse(sc->expect_json) : NULL;
    int need = cJSON_GetObjectItemCaseSensitive(exp, "max_concurrent") != NULL;
    cJSON_Delete(exp);
    return need;
}

/* max_concurrent: the most tasks at work at once, from the trace. */
static int props_max_concurrent(const sim_scenario *sc, const sim_outcome *o,
                                const sim_trace *T, const cJSON *want, FILE *out)
{
    if (!T) {
        fprintf(out, "  %s: max_concurrent: cannot be checked without the trace\n", sc->path);
        return 1;
    }
    steps_list L;
    steps_build(&L, T, o->ntasks);
    int got = steps_max_concurrent(&L, o->ntasks);
    steps_free(&L);
    int w = want->valueint;
    if (got == w)
        fprintf(out, "  %s: max_concurrent %d: ok\n", sc->path, w);
    else
        fprintf(out, "  %s: max_concurrent differs: expected %d task%s at work at once at "
                "most, the run has %d\n", sc->path, w, w == 1 ? "" : "s", got);
    return got != w;
}

/* end_time: end.t within 1e-6. */
static int props_end_time(const sim_scenario *sc, const sim_outcome *o, const cJSON *want,
                          FILE *out)
{
    int bad = fabs(want->valuedouble - o->t) > 1e-6;
    if (bad)
        fprintf(out, "  %s: end_time differs: expected %g, the run ends at t=%g\n", sc->path,
                want->valuedouble, o->t);
    else
        fprintf(out, "  %s: end_time %g: ok\n", sc->path, want->valuedouble);
    return bad;
}

/* order: the texts appear in this relative order among the prints (a
 * subsequence, matched greedily from the first print). */
static int props_order(const sim_scenario *sc, const sim_outcome *o, const cJSON *want,
                       FILE *out)
{
    const cJSON *item = want->child;
    const char *after = NULL;
    for (int i = 0; i < o->nprints && item; i++)
        if (!strcmp(o->prints[i].text, item->valuestring)) {
            after = item->valuestring;
            item = item->next;
        }
    if (!item) {
        fprintf(out, "  %s: order of %d prints: ok\n", sc->path, cJSON_GetArraySize(want));
        return 0;
    }
    int printed = 0;
    for (int i = 0; i < o->nprints; i++)
        printed |= !strcmp(o->prints[i].text, item->valuestring);
    if (!printed)
        fprintf(out, "  %s: order differs: \"%s\" is never printed\n", sc->path,
                item->valuestring);
    else
        fprintf(out, "  %s: order differs: \"%s\" is not printed after \"%s\"\n", sc->path,
                item->valuestring, after ? after : "(start)");
    return 1;
}

int props_check(const sim_scenario *sc, const sim_outcome *o, const sim_trace *T,
                const cJSON *expect, FILE *out)
{
    int bad = 0;
    const cJSON *v;
    if ((v = cJSON_GetObjectItemCaseSensitive(expect, "max_concurrent")))
        bad |= props_max_concurrent(sc, o, T, v, out);
    if ((v = cJSON_GetObjectItemCaseSensitive(expect, "end_time")))
        bad |= props_end_time(sc, o, v, out);
    if ((v = cJSON_GetObjectItemCaseSensitive(expect, "order")))
        bad |= props_order(sc, o, v, out);
    return bad;
}
