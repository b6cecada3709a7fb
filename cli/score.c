/*
 * score.c -- the comparison behind `corosim grade`: the answer's lines
 * against the expected printed lines, by a longest common subsequence of
 * their texts, then verdicts and points (docs/FORMAT-EXTENSIONS.md,
 * "Grading").
 *
 * Cost: the LCS table is (expected + 1) x (answer + 1) int32 cells; pairs
 * above SCORE_MAX_CELLS are refused rather than exhausting memory.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grade.h"

#define SCORE_MAX_CELLS 25000000u
#define SCORE_TIME_TOL 1e-6

const char *score_verdict_name(int v)
{
    static const char *const names[] = {"ok", "wrong time", "out of order", "missing",
                                        "unexpected"};
    return v >= 0 && v < GRADE_NVERDICTS ? names[v] : "?";
}

/* Does answer line l state expected line e's time (or no time at all)? */
static int score_time_ok(const grade_line *l, const grade_expected *e)
{
    return !l->has_time || fabs(l->t - e->t) <= SCORE_TIME_TOL;
}

/* The weight of matching e with l: K per matched line (K larger than any
 * count of right times), plus one when the time is right too. So the
 * alignment has the most matched lines first, then the most right times. */
static int32_t score_weight(const grade_expected *e, const grade_line *l, int32_t K)
{
    if (strcmp(e->text, l->text) != 0)
        return -1;
    return K + score_time_ok(l, e);
}

/* Fill D[i][j] = best weight for expected[i..] against answer[j..]. */
static void score_table(const grade_expected *exp, int ne, const grade_answer *a,
                        int32_t *D, int32_t K)
{
    int w = a->n + 1;
    for (int i = ne; i >= 0; i--)
        for (int j = a->n; j >= 0; j--) {
            int32_t *d = &D[(size_t)i * w + j];
            if (i == ne || j == a->n) {
                *d = 0;
                continue;
            }
            int32_t best = D[(size_t)(i + 1) * w + j];
            if (D[(size_t)i * w + j + 1] > best)
                best = D[(size_t)i * w + j + 1];
            int32_t m = score_weight(&exp[i], &a->line[j], K);
            if (m >= 0 && m + D[(size_t)(i + 1) * w + j + 1] > best)
                best = m + D[(size_t)(i + 1) * w + j + 1];
            *d = best;
        }
}

/* Walk the table from (0, 0) and record the matched pairs. */
static void score_walk(const grade_expected *exp, int ne, const grade_answer *a,
                       const int32_t *D, int32_t K, grade_result *r)
{
    int w = a->n + 1, i = 0, j = 0;
    while (i < ne && j < a->n) {
        int32_t m = score_weight(&exp[i], &a->line[j], K);
        if (m >= 0 && D[(size_t)i * w + j] == m + D[(size_t)(i + 1) * w + j + 1]) {
            r->exp_match[i] = j;
            r->ans_match[j] = i;
            r->exp_verdict[i] = score_time_ok(&a->line[j], &exp[i]) ? GRADE_OK
                                                                     : GRADE_WRONG_TIME;
            i++, j++;
        } else if (D[(size_t)(i + 1) * w + j] >= D[(size_t)i * w + j + 1])
            i++;
        else
            j++;
    }
}

/* An expected line left out of the LCS whose text the answer does hold on
 * a line also left out: "out of order", paired with the first such line. */
static void score_out_of_order(const grade_expected *exp, int ne, const grade_answer *a,
                               grade_result *r)
{
    for (int i = 0; i < ne; i++) {
        if (r->exp_match[i] >= 0)
            continue;
        for (int j = 0; j < a->n; j++)
            if (r->ans_match[j] < 0 && strcmp(exp[i].text, a->line[j].text) == 0) {
                r->exp_match[i] = j;
                r->ans_match[j] = i;
                r->exp_verdict[i] = GRADE_OUT_OF_ORDER;
                break;
            }
    }
}

/* Counts and points: ok 1, wrong time or out of order 1/2, missing 0,
 * each unexpected line -1/2; the sum (at least 0) over the expected
 * count, times 100. */
static void score_points(grade_result *r)
{
    static const double worth[] = {1.0, 0.5, 0.5, 0.0};
    double sum = 0;
    for (int i = 0; i < r->nexp; i++) {
        r->count[r->exp_verdict[i]]++;
        sum += worth[r->exp_verdict[i]];
    }
    for (int j = 0; j < r->nans; j++)
        if (r->ans_match[j] < 0)
            r->count[GRADE_UNEXPECTED]++;
    sum -= 0.5 * r->count[GRADE_UNEXPECTED];
    if (sum < 0)
        sum = 0;
    if (r->nexp == 0)
        r->points = r->count[GRADE_UNEXPECTED] ? 0.0 : 100.0;
    else
        r->points = 100.0 * sum / r->nexp;
}

int score_compare(const grade_expected *exp, int nexp, const grade_answer *a,
                  grade_result *r)
{
    memset(r, 0, sizeof *r);
    size_t cells = (size_t)(nexp + 1) * (size_t)(a->n + 1);
    if (cells > SCORE_MAX_CELLS)
        return -1;
    r->nexp = nexp;
    r->nans = a->n;
    r->exp_verdict = malloc(((size_t)nexp + 1) * sizeof *r->exp_verdict);
    r->exp_match = malloc(((size_t)nexp + 1) * sizeof *r->exp_match);
    r->ans_match = malloc(((size_t)a->n + 1) * sizeof *r->ans_match);
    int32_t *D = malloc(cells * sizeof *D);
    if (!r->exp_verdict || !r->exp_match || !r->ans_match || !D)
        abort();
    for (int i = 0; i < nexp; i++) {
        r->exp_verdict[i] = GRADE_MISSING;
        r->exp_match[i] = -1;
    }
    for (int j = 0; j < a->n; j++)
        r->ans_match[j] = -1;
    int32_t K = (nexp < a->n ? nexp : a->n) + 1;
    score_table(exp, nexp, a, D, K);
    score_walk(exp, nexp, a, D, K, r);
    free(D);
    score_out_of_order(exp, nexp, a, r);
    score_points(r);
    return 0;
}

void score_free(grade_result *r)
{
    free(r->exp_verdict);
    free(r->exp_match);
    free(r->ans_match);
    memset(r, 0, sizeof *r);
}
