/*
 * check.c -- `corosim check`: the outcome against the scenario's expect
 * block. Both sides are parsed with cJSON here, at the boundary, compared
 * key by key (numbers within 1e-6, the rest exactly, prints and tasks as
 * whole lists) and freed at once.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "cli.h"

/* Deep equality with the outcome's time tolerance. */
static int json_equal(const cJSON *a, const cJSON *b)
{
    if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
        return fabs(a->valuedouble - b->valuedouble) <= 1e-6;
    if ((a->type & 0xff) != (b->type & 0xff))
        return 0;
    if (cJSON_IsString(a))
        return strcmp(a->valuestring, b->valuestring) == 0;
    if (cJSON_IsArray(a) || cJSON_IsObject(a)) {
        if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
            return 0;
        const cJSON *x = a->child, *y = b->child;
        for (; x && y; x = x->next, y = y->next) {
            if (cJSON_IsObject(a)) {
                y = cJSON_GetObjectItemCaseSensitive(b, x->string);
                if (!y)
                    return 0;
            }
            if (!json_equal(x, y))
                return 0;
        }
        return 1;
    }
    return 1;                                 /* true, false, null */
}

static void print_json(FILE *out, const char *label, const cJSON *v)
{
    char *s = v ? cJSON_PrintUnformatted(v) : NULL;
    fprintf(out, "    %s %s\n", label, s ? s : "(absent)");
    cJSON_free(s);
}

/* Show where two lists part: the first differing item, and lengths. */
static void diff_list(FILE *out, const cJSON *exp, const cJSON *act)
{
    int n = cJSON_GetArraySize(exp), m = cJSON_GetArraySize(act);
    for (int i = 0; i < n || i < m; i++) {
        const cJSON *x = cJSON_GetArrayItem(exp, i), *y = cJSON_GetArrayItem(act, i);
        if (x && y && json_equal(x, y))
            continue;
        fprintf(out, "    first difference at item %d (%d expected, %d in the run):\n", i, n, m);
        print_json(out, "expected:", x);
        print_json(out, "actual:  ", y);
        return;
    }
}

int cli_check_expect(const sim_scenario *sc, const sim_outcome *o, const sim_trace *T,
                     FILE *out)
{
    if (!sc->expect_json) {
        fprintf(out, "  %s: no \"expect\" block to check against\n", sc->path);
        return 1;
    }
    sim_buf b = {0};
    sim_outcome_write_json(o, &b);
    cJSON *act = cJSON_ParseWithLength(b.p, b.len);
    cJSON *exp = cJSON_Parse(sc->expect_json);
    sim_buf_free(&b);
    int bad = 0;
    for (const cJSON *k = exp ? exp->child : NULL; k; k = k->next) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(act, k->string);
        if (!a)                               /* a property, not an outcome key */
            continue;
        if (json_equal(k, a))
            continue;
        bad = 1;
        fprintf(out, "  %s: \"%s\" differs\n", sc->path, k->string);
        if (cJSON_IsArray(k) && cJSON_IsArray(a))
            diff_list(out, k, a);
        else {
            print_json(out, "expected:", k);
            print_json(out, "actual:  ", a);
        }
    }
    bad |= props_check(sc, o, T, exp, out);
    cJSON_Delete(act);
    cJSON_Delete(exp);
    return bad;
}
