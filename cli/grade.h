/*
 * grade.h -- `corosim grade`: a student's predicted transcript (answer.c)
 * scored against the prints of a run (score.c), reported as text, as
 * Gradescope's results.json, or as one CSV row per file (grade.c).
 * The rules are in docs/FORMAT-EXTENSIONS.md.
 */
#ifndef CORO_GRADE_H
#define CORO_GRADE_H

#include <stddef.h>

/* One kept line of an answer file. */
typedef struct grade_line {
    char *raw;                 /* the line, trimmed (owned) */
    const char *text;          /* the printed text: raw, or raw after the time */
    int whole;                 /* raw is itself an expected text: it may be read
                                  whole, with no time, instead (the alignment
                                  picks the reading that matches best) */
    int has_time;
    double t;                  /* the time written, when has_time */
    int lineno;                /* 1-based line in the file */
} grade_line;

typedef struct grade_answer {
    int n, cap;
    grade_line *line;          /* owned */
} grade_answer;

/* One expected printed line (a print whose text holds newlines gives one
 * per line). Strings are borrowed. */
typedef struct grade_expected {
    const char *text;          /* trimmed (owned by the score's caller) */
    double t;
    const char *who;           /* "Task-2" or "main" */
} grade_expected;

typedef enum grade_verdict {
    GRADE_OK, GRADE_WRONG_TIME, GRADE_OUT_OF_ORDER, GRADE_MISSING, GRADE_UNEXPECTED,
    GRADE_NVERDICTS
} grade_verdict;

/* The comparison. exp_verdict[i] for expected line i; exp_match[i] the
 * answer line it was matched to (LCS or out of order), -1 when missing.
 * ans_match[j] the expected line answer line j stands for, -1 when it is
 * unexpected. */
typedef struct grade_result {
    int nexp, nans;
    int *exp_verdict, *exp_match, *ans_match;  /* owned */
    int count[GRADE_NVERDICTS];
    double points;             /* score out of 100 */
} grade_result;

/* One line of a print's text (s[0..n), without its newline) as grade
 * expects it in an answer: trimmed, its control characters but tab written
 * as escapes (\r, \x1b). malloc'ed; NULL when the line is blank (grade
 * drops it). grade.c; quiz.c writes its transcript with it. */
char *grade_line_text(const char *s, size_t n);
/* s[0..n) with each space separator other than ASCII's (U+00A0 and the
 * rest of Zs) made an ASCII space, in place; returns the new length. */
size_t grade_fold_spaces(char *s, size_t n);

/* Read path into *a (blank lines and # comments dropped, text trimmed).
 * Returns 0, or -1 with "FILE[:LINE:COL]: what is wrong" in err. Times are
 * not split yet (answer_split_times). */
int answer_read(const char *path, grade_answer *a, char *err, size_t errlen);
/* Split each line's time prefix off (see the prefix rule in
 * docs/FORMAT-EXTENSIONS.md), then a task column that names the task
 * printing the rest; a line that is itself one of the n expected texts is
 * marked whole, to be read either way by score_compare. */
void answer_split_times(grade_answer *a, const grade_expected *e, int n);
void answer_free(grade_answer *a);

/* The most expected x answer line pairs score_compare aligns, after the
 * lines both start and end with alike. */
#define SCORE_MAX_CELLS 25000000u

/* Compare answer a with the nexp expected lines; fills *r (free with
 * score_free) and settles each whole line's reading in a (the whole text
 * with no time, or its time and the rest: the one the alignment took; the
 * whole text when it matched nothing). Returns 0, or -1 when the pair is
 * too large to compare. */
int score_compare(const grade_expected *exp, int nexp, grade_answer *a, grade_result *r);
void score_free(grade_result *r);
/* "ok", "wrong time", "out of order", "missing", "unexpected". */
const char *score_verdict_name(int v);

#endif
