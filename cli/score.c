/*
 * score.c -- the comparison behind `corosim grade`: the answer's lines
 * against the expected printed lines, by a longest common subsequence of
 * their texts, then verdicts and points (docs/FORMAT-EXTENSIONS.md,
 * "Grading").
 *
 * Cost: the LCS table is (expected + 1) x (answer + 1) int32 cells. A
 * pair too big for SCORE_MAX_CELLS is first cut down to the part between
 * its common start and end (lines of the same text and time, which some
 * best alignment matches anyway): a right or nearly right answer of any
 * length costs O(lines). Only what still does not fit is refused, rather
 * than exhausting memory.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grade.h"

#define SCORE_TIME_TOL 1e-6

const char *score_verdict_name(int v)
{
    static const char *const names[] = {"ok", "wrong time", "out of order", "missing",
                                        "unexpected"};
    return v >= 0 && v < GRADE_NVERDICTS ? names[v] : "?";
}

/* The readings of an answer line: none has e's text, its text after its
 * time (or the line when it has none), or the whole line with no time (a
 * line that is itself an expected text, grade_line.whole). */
enum { SCORE_NONE, SCORE_SPLIT, SCORE_WHOLE };

/* Which reading of answer line l has expected line e's text. Both cannot:
 * the text after a time is shorter than the whole line. */
static int score_reading(const grade_expected *e, const grade_line *l)
{
    if (l->whole && strcmp(e->text, l->raw) == 0)
        return SCORE_WHOLE;
    return strcmp(e->text, l->text) == 0 ? SCORE_SPLIT : SCORE_NONE;
}

/* Does answer line l state expected line e's time (or no time at all)? */
static int score_time_ok(const grade_line *l, const grade_expected *e)
{
    return !l->has_time || fabs(l->t - e->t) <= SCORE_TIME_TOL;
}

/* Settle line l on the reading taken: the whole line has no time. */
static void score_take(grade_line *l, int reading)
{
    if (reading == SCORE_WHOLE) {
        l->text = l->raw;
        l->has_time = 0;
        l->t = 0;
    }
    l->whole = 0;
}

/* The weight of matching e with l: K per matched line (K larger than any
 * count of right times), plus one when the time is right too (always, for
 * the whole reading: it has no time). So the alignment has the most matched
 * lines first, then the most right times. */
static int32_t score_weight(const grade_expected *e, const grade_line *l, int32_t K)
{
    int reading = score_reading(e, l);
    if (reading == SCORE_NONE)
        return -1;
    return K + (reading == SCORE_WHOLE || score_time_ok(l, e));
}

/* Match expected line i with answer line j in r, on the reading that has
 * i's text, with verdict v (GRADE_OK or GRADE_WRONG_TIME by the time when
 * v is -1). */
static void score_pair(const grade_expected *e, int i, grade_line *l, int j, int v,
                       grade_result *r)
{
    score_take(l, score_reading(e, l));
    r->exp_match[i] = j;
    r->ans_match[j] = i;
    r->exp_verdict[i] = v >= 0 ? v : score_time_ok(l, e) ? GRADE_OK : GRADE_WRONG_TIME;
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
static void score_walk(const grade_expected *exp, int ne, grade_answer *a,
                       const int32_t *D, int32_t K, grade_result *r)
{
    int w = a->n + 1, i = 0, j = 0;
    while (i < ne && j < a->n) {
        int32_t m = score_weight(&exp[i], &a->line[j], K);
        if (m >= 0 && D[(size_t)i * w + j] == m + D[(size_t)(i + 1) * w + j + 1]) {
            score_pair(&exp[i], i, &a->line[j], j, -1, r);
            i++, j++;
        } else if (D[(size_t)(i + 1) * w + j] >= D[(size_t)i * w + j + 1])
            i++;
        else
            j++;
    }
}

/* An expected line left out of the LCS whose text the answer does hold on
 * a line also left out (by either reading): "out of order", paired with the
 * first such line. The lines left over after that that could be read whole
 * are (the reading of the rule: a whole line that is a print has no time). */
static void score_out_of_order(const grade_expected *exp, int ne, grade_answer *a,
                               grade_result *r)
{
    for (int i = 0; i < ne; i++) {
        if (r->exp_match[i] >= 0)
            continue;
        for (int j = 0; j < a->n; j++)
            if (r->ans_match[j] < 0 && score_reading(&exp[i], &a->line[j]) != SCORE_NONE) {
                score_pair(&exp[i], i, &a->line[j], j, GRADE_OUT_OF_ORDER, r);
                break;
            }
    }
    for (int j = 0; j < a->n; j++)
        if (r->ans_match[j] < 0 && a->line[j].whole)
            score_take(&a->line[j], SCORE_WHOLE);
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

/* Does answer line l match expected line e in text and time (the most a
 * pair can weigh)? */
static int score_same(const grade_expected *e, const grade_line *l)
{
    int reading = score_reading(e, l);
    return reading == SCORE_WHOLE || (reading == SCORE_SPLIT && score_time_ok(l, e));
}

/* The LCS of exp[p..ne-s) and answer lines [p..n-s) into r, whose first p
 * and last s pairs match one to one. */
static void score_align(const grade_expected *exp, int ne, grade_answer *a, int p, int s,
                        grade_result *r)
{
    for (int k = 0; k < p + s; k++) {
        int i = k < p ? k : ne - (k - p) - 1, j = k < p ? k : a->n - (k - p) - 1;
        score_pair(&exp[i], i, &a->line[j], j, GRADE_OK, r);
    }
    grade_answer mid = {.n = a->n - p - s, .line = a->line + p};
    int nm = ne - p - s;
    size_t cells = (size_t)(nm + 1) * (size_t)(mid.n + 1);
    int32_t *D = malloc(cells * sizeof *D);
    if (!D)
        abort();
    grade_result sub = {.exp_verdict = r->exp_verdict + p, .exp_match = r->exp_match + p,
                        .ans_match = r->ans_match + p};
    int32_t K = (nm < mid.n ? nm : mid.n) + 1;
    score_table(exp + p, nm, &mid, D, K);
    score_walk(exp + p, nm, &mid, D, K, &sub);
    for (int i = p; i < ne - s; i++)           /* indexes of the middle, made whole */
        if (r->exp_match[i] >= 0)
            r->exp_match[i] += p;
    for (int j = p; j < a->n - s; j++)
        if (r->ans_match[j] >= 0)
            r->ans_match[j] += p;
    free(D);
}

int score_compare(const grade_expected *exp, int nexp, grade_answer *a, grade_result *r)
{
    memset(r, 0, sizeof *r);
    int p = 0, s = 0;
    if ((size_t)(nexp + 1) * (size_t)(a->n + 1) > SCORE_MAX_CELLS) {
        while (p < nexp && p < a->n && score_same(&exp[p], &a->line[p]))
            p++;
        while (s < nexp - p && s < a->n - p &&
               score_same(&exp[nexp - 1 - s], &a->line[a->n - 1 - s]))
            s++;
    }
    if ((size_t)(nexp - p - s + 1) * (size_t)(a->n - p - s + 1) > SCORE_MAX_CELLS)
        return -1;
    r->nexp = nexp;
    r->nans = a->n;
    r->exp_verdict = malloc(((size_t)nexp + 1) * sizeof *r->exp_verdict);
    r->exp_match = malloc(((size_t)nexp + 1) * sizeof *r->exp_match);
    r->ans_match = malloc(((size_t)a->n + 1) * sizeof *r->ans_match);
    if (!r->exp_verdict || !r->exp_match || !r->ans_match)
        abort();
    for (int i = 0; i < nexp; i++) {
        r->exp_verdict[i] = GRADE_MISSING;
        r->exp_match[i] = -1;
    }
    for (int j = 0; j < a->n; j++)
        r->ans_match[j] = -1;
    score_align(exp, nexp, a, p, s, r);
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
