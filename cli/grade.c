/*
 * grade.c -- `corosim grade SCENARIO ANSWER|DIR [--json] [--csv FILE|-]`:
 * run the scenario, read each answer (answer.c), compare (score.c) and
 * report: a readable diff with a score, Gradescope's results.json, or one
 * CSV row per answer file (RFC 4180). Exit 0 when every answer is
 * perfect, 1 when one is not, 2 on invalid input or usage.
 */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "grade.h"
#include "unicode.h"

static const char grade_usage[] =
    "usage: corosim grade SCENARIO.json ANSWER.txt [--json]\n"
    "       corosim grade SCENARIO.json DIR/ [--csv FILE|-]\n";

struct grade_args {
    const char *scenario, *answer, *csv;
    int json;
};

/* The expected printed lines of a run: one per line of each print's text,
 * trimmed, blank ones dropped. Texts are malloc'ed (grade_exp_free). */
typedef struct grade_exp {
    int n, cap;
    grade_expected *e;
} grade_exp;

/* Parse the arguments after "grade"; -1 after a usage message. */
static int grade_parse(int argc, char **argv, struct grade_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            a->json = 1;
        else if (!strcmp(argv[i], "--csv") && i + 1 < argc)
            a->csv = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "corosim grade: unknown option '%s'\n%s", argv[i], grade_usage);
            return -1;
        } else if (!a->scenario)
            a->scenario = argv[i];
        else if (!a->answer)
            a->answer = argv[i];
        else {
            fprintf(stderr, "corosim grade: one answer file or directory at a time "
                            "('%s')\n%s", argv[i], grade_usage);
            return -1;
        }
    }
    if (!a->answer) {
        fprintf(stderr, "corosim grade: expected a scenario and an answer file or "
                        "directory\n%s", grade_usage);
        return -1;
    }
    return 0;
}

/* A malloc'ed copy of s[0..n) with its control characters but tab written
 * as the escapes the window shows (sim_unicode_ctrl_escape: \r, \x1b): an
 * answer line cannot hold a carriage return (it ends the line), so this is
 * how a student writes the print `progress\r50%`, and the report stays
 * readable on a terminal. A tab stays one: answers are typed with tabs. */
/* U+00A0 (no-break space) and the other space separators (Zs) but the
 * ASCII space: a student's editor or a pasted web page puts them where
 * a space is meant. */
static int grade_is_wide_space(int32_t cp)
{
    return cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

size_t grade_fold_spaces(char *s, size_t n)
{
    size_t out = 0;
    for (size_t i = 0; i < n;) {
        int32_t cp;
        int k = sim_unicode_decode((const unsigned char *)s + i, n - i, &cp);
        if (grade_is_wide_space(cp))
            s[out++] = ' ';
        else
            memmove(s + out, s + i, (size_t)k), out += (size_t)k;
        i += (size_t)k;
    }
    return out;
}

static char *grade_escaped(const char *s, size_t n)
{
    char *copy = malloc(4 * n + 1), *p = copy;
    if (!copy)
        abort();
    for (size_t i = 0; i < n;) {
        int32_t cp;
        int k = sim_unicode_decode((const unsigned char *)s + i, n - i, &cp);
        char esc[8];
        if (cp != '\t' && sim_unicode_ctrl_escape(cp, esc))
            p += sprintf(p, "%s", esc);
        else if (grade_is_wide_space(cp))
            *p++ = ' ';
        else {
            memcpy(p, s + i, (size_t)k);
            p += k;
        }
        i += (size_t)k;
    }
    *p = '\0';
    return copy;
}

char *grade_line_text(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t' || *s == '\r'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    char *text = grade_escaped(s, n);      /* wide spaces are spaces: trimmed too */
    size_t len = strlen(text), from = strspn(text, " \t");
    while (len > from && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    if (len == from) {
        free(text);
        return NULL;
    }
    memmove(text, text + from, len - from);
    text[len - from] = '\0';
    return text;
}

/* Append one expected line (s[0..n) as grade_line_text writes it) unless
 * blank. */
static void grade_exp_push(grade_exp *x, const char *s, size_t n, double t, const char *who)
{
    char *text = grade_line_text(s, n);
    if (!text)
        return;
    if (x->n == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 64;
        x->e = realloc(x->e, (size_t)x->cap * sizeof *x->e);
        if (!x->e)
            abort();
    }
    x->e[x->n++] = (grade_expected){.text = text, .t = t, .who = who};
}

/* The expected lines of outcome o (borrowed by x for the task names). */
static void grade_exp_build(grade_exp *x, const sim_outcome *o)
{
    memset(x, 0, sizeof *x);
    for (int i = 0; i < o->nprints; i++) {
        const sim_print *p = &o->prints[i];
        const char *who = p->task >= 0 ? o->tasks[p->task].name : "main";
        const char *s = p->text;
        for (;;) {
            const char *nl = strchr(s, '\n');
            grade_exp_push(x, s, nl ? (size_t)(nl - s) : strlen(s), p->t, who);
            if (!nl)
                break;
            s = nl + 1;
        }
    }
}

static void grade_exp_free(grade_exp *x)
{
    for (int i = 0; i < x->n; i++)
        free((char *)x->e[i].text);
    free(x->e);
    memset(x, 0, sizeof *x);
}

/* The message for an answer too far from the expected lines to align. */
static void grade_too_large(char *err, size_t errlen, const char *path, int nans, int nexp)
{
    snprintf(err, errlen, "%s: %d answer lines against %d expected lines: too many to align "
             "(grade aligns at most %u million pairs of lines, after the lines they start and "
             "end with alike)", path, nans, nexp, SCORE_MAX_CELLS / 1000000u);
}

/* Grade one answer file: read, split times, compare. 0, or -1 with err. */
static int grade_one(const grade_exp *x, const char *path, grade_result *r,
                     char *err, size_t errlen)
{
    grade_answer a;
    if (answer_read(path, &a, err, errlen) < 0)
        return -1;
    answer_split_times(&a, x->e, x->n);
    int rc = score_compare(x->e, x->n, &a, r);
    if (rc < 0)
        grade_too_large(err, errlen, path, a.n, x->n);
    answer_free(&a);
    return rc;
}

/* The counts as "8 ok, 1 missing, ..." (only the non-zero ones). */
static void grade_counts(sim_buf *b, const grade_result *r)
{
    int first = 1;
    for (int v = 0; v < GRADE_NVERDICTS; v++)
        if (r->count[v] || v == GRADE_OK) {
            sim_buf_printf(b, "%s%d %s", first ? "" : ", ", r->count[v], score_verdict_name(v));
            first = 0;
        }
}

/* One diff line for expected line i. */
static void grade_diff_exp(sim_buf *b, const grade_exp *x, const grade_answer *a,
                           const grade_result *r, int i)
{
    const grade_expected *e = &x->e[i];
    int v = r->exp_verdict[i], j = r->exp_match[i];
    const char *mark = v == GRADE_OK ? " " : v == GRADE_WRONG_TIME ? "~" : "-";
    sim_buf_printf(b, "%s %-12s %10.3f  %-9s %s", mark, score_verdict_name(v), e->t, e->who,
                   e->text);
    if (v == GRADE_WRONG_TIME)
        sim_buf_printf(b, "   (your line %d says t=%g)", a->line[j].lineno, a->line[j].t);
    else if (v == GRADE_OUT_OF_ORDER)
        sim_buf_printf(b, "   (your line %d has it in the wrong place)", a->line[j].lineno);
    sim_buf_putc(b, '\n');
}

/* One diff line for answer line j that is not in the LCS. */
static void grade_diff_ans(sim_buf *b, const grade_answer *a, const grade_result *r, int j)
{
    const grade_line *l = &a->line[j];
    int i = r->ans_match[j];
    sim_buf_printf(b, "+ %-12s %10s  %-9s %s   (your line %d", i >= 0 ? "misplaced" : "unexpected",
                   "", "", l->text, l->lineno);
    /* no "expected line N": it may be N itself, the order around it is wrong */
    sim_buf_puts(b, i >= 0 ? ", in the wrong order among the lines around it)\n" : ")\n");
}

/* The readable report: the expected lines and the answer's interleaved as
 * a diff (the LCS pairs as anchors), then the score. */
static void grade_report(sim_buf *b, const char *path, const sim_scenario *sc,
                         const grade_exp *x, const grade_answer *a, const grade_result *r)
{
    sim_buf_printf(b, "# grade %s against %s (%s): %d expected lines, %d answer lines\n", path,
                   sc->path, sc->name, x->n, a->n);
    int i = 0, j = 0;
    while (i < x->n || j < a->n) {
        int ilcs = i < x->n && r->exp_match[i] >= 0 && r->exp_verdict[i] <= GRADE_WRONG_TIME;
        int jlcs = j < a->n && r->ans_match[j] >= 0 &&
                   r->exp_verdict[r->ans_match[j]] <= GRADE_WRONG_TIME;
        if (i < x->n && !ilcs)
            grade_diff_exp(b, x, a, r, i++);
        else if (j < a->n && !jlcs)
            grade_diff_ans(b, a, r, j++);
        else {
            grade_diff_exp(b, x, a, r, i++);
            j++;
        }
    }
    sim_buf_printf(b, "score: %.2f/100 (", r->points);
    grade_counts(b, r);
    sim_buf_printf(b, ")%s\n", r->points >= 100.0 ? ": perfect" : "");
}

/* The answer of line i in Gradescope's results.json: one test. */
static cJSON *grade_json_test(const grade_exp *x, const grade_answer *a,
                              const grade_result *r, int i)
{
    static const double worth[] = {1.0, 0.5, 0.5, 0.0};
    const grade_expected *e = &x->e[i];
    int v = r->exp_verdict[i], j = r->exp_match[i];
    double each = 100.0 / x->n;
    char name[256], out[512];
    snprintf(name, sizeof name, "line %d: %.200s", i + 1, e->text);
    if (v == GRADE_OK)
        snprintf(out, sizeof out, "ok: printed by %s at t=%g", e->who, e->t);
    else if (v == GRADE_MISSING)
        snprintf(out, sizeof out, "missing: %s prints this at t=%g", e->who, e->t);
    else
        snprintf(out, sizeof out, "%s: %s prints this at t=%g; your line %d %s",
                 score_verdict_name(v), e->who, e->t, a->line[j].lineno,
                 v == GRADE_WRONG_TIME ? "gives another time" : "has it in the wrong place");
    cJSON *t = cJSON_CreateObject();
    cJSON_AddStringToObject(t, "name", name);
    cJSON_AddNumberToObject(t, "score", round(each * worth[v] * 1e4) / 1e4);
    cJSON_AddNumberToObject(t, "max_score", round(each * 1e4) / 1e4);
    cJSON_AddStringToObject(t, "status", v == GRADE_OK ? "passed" : "failed");
    cJSON_AddStringToObject(t, "output", out);
    return t;
}

/* Gradescope's results.json for one answer (score, max_score, output,
 * tests: one per expected line). report may be NULL when err is set. */
static char *grade_json(const grade_exp *x, const grade_answer *a, const grade_result *r,
                        const char *report, const char *err)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "score", r ? round(r->points * 100) / 100 : 0.0);
    cJSON_AddNumberToObject(root, "max_score", 100);
    cJSON_AddStringToObject(root, "output", err ? err : report);
    cJSON *tests = cJSON_AddArrayToObject(root, "tests");
    for (int i = 0; r && i < x->n; i++)
        cJSON_AddItemToArray(tests, grade_json_test(x, a, r, i));
    char *s = cJSON_Print(root);
    cJSON_Delete(root);
    return s;
}

/* One CSV field per RFC 4180: quoted when it holds a comma, a quote, CR
 * or LF, with quotes doubled; bytes that are not UTF-8 (file names may
 * hold any) become U+FFFD, so the CSV stays UTF-8. */
static void grade_csv_field(sim_buf *b, const char *s, int last)
{
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    size_t n = strlen(s);
    if (quote)
        sim_buf_putc(b, '"');
    for (size_t i = 0; i < n;) {
        int32_t cp;
        int k = sim_unicode_decode((const unsigned char *)s + i, n - i, &cp);
        if (cp < 0)
            sim_buf_puts(b, "\xEF\xBF\xBD");   /* a file name's byte that is not UTF-8: U+FFFD */
        else if (s[i] == '"')
            sim_buf_puts(b, "\"\"");
        else
            sim_buf_put(b, s + i, (size_t)k);
        i += (size_t)k;
    }
    if (quote)
        sim_buf_putc(b, '"');
    sim_buf_puts(b, last ? "\r\n" : ",");
}

static void grade_csv_header(sim_buf *b)
{
    sim_buf_puts(b, "file,score,ok,wrong_time,out_of_order,missing,unexpected,error\r\n");
}

/* One CSV row: the file, then its score and counts, or its error. */
static void grade_csv_row(sim_buf *b, const char *file, const grade_result *r, const char *err)
{
    char num[32];
    grade_csv_field(b, file, 0);
    snprintf(num, sizeof num, "%.2f", r ? r->points : 0.0);
    grade_csv_field(b, r ? num : "", 0);
    for (int v = 0; v < GRADE_NVERDICTS; v++) {
        snprintf(num, sizeof num, "%d", r ? r->count[v] : 0);
        grade_csv_field(b, r ? num : "", 0);
    }
    grade_csv_field(b, err ? err : "", 1);
}

/* Grade one answer file and print the report (or, with --json, the
 * results.json) to stdout; --csv also writes a one-row CSV. Returns the
 * exit status. */
static int grade_single(const struct grade_args *g, const sim_scenario *sc, const grade_exp *x)
{
    char err[512] = "";
    grade_answer a = {0};
    grade_result r = {0};
    int bad = answer_read(g->answer, &a, err, sizeof err) < 0;
    if (!bad) {
        answer_split_times(&a, x->e, x->n);
        if (score_compare(x->e, x->n, &a, &r) < 0) {
            grade_too_large(err, sizeof err, g->answer, a.n, x->n);
            bad = 1;
        }
    }
    sim_buf rep = {0};
    if (bad)
        fprintf(stderr, "corosim grade: %s\n", err);
    else
        grade_report(&rep, g->answer, sc, x, &a, &r);
    if (g->json) {
        char *js = grade_json(x, &a, bad ? NULL : &r, rep.p, bad ? err : NULL);
        printf("%s\n", js);
        cJSON_free(js);
    } else if (!bad)
        fputs(rep.p, stdout);
    int rc = bad ? CLI_USAGE : r.points >= 100.0 ? CLI_OK : CLI_MISMATCH;
    if (g->csv) {
        sim_buf b = {0};
        grade_csv_header(&b);
        grade_csv_row(&b, g->answer, bad ? NULL : &r, bad ? err : NULL);
        if (cli_write_file(g->csv, b.p, b.len) < 0)
            rc = CLI_USAGE;
        sim_buf_free(&b);
    }
    sim_buf_free(&rep);
    score_free(&r);
    answer_free(&a);
    return rc;
}

static int grade_cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* realloc that aborts on exhaustion, as the simulator does. */
static void *grade_xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p)
        abort();
    return p;
}

/* Is dir/name a regular file, and not the file skip names (NULL: none)? */
static int grade_is_file(const char *dir, const char *name, const char *skip)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *full = grade_xrealloc(NULL, len);
    snprintf(full, len, "%s/%s", dir, name);
    struct stat st, sk;
    int reg = stat(full, &st) == 0 && S_ISREG(st.st_mode);
    if (reg && skip && stat(skip, &sk) == 0 && sk.st_dev == st.st_dev && sk.st_ino == st.st_ino)
        reg = 0;
    free(full);
    return reg;
}

/* The regular, non-hidden files of dir but skip (the CSV this grading
 * writes, which a second run would grade too), sorted by name (malloc'ed
 * array of malloc'ed names, *n of them); NULL when dir cannot be listed. */
static char **grade_list_dir(const char *dir, const char *skip, int *n)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    int cap = 16;
    char **names = grade_xrealloc(NULL, (size_t)cap * sizeof *names);
    *n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || !grade_is_file(dir, de->d_name, skip))
            continue;
        if (*n == cap)
            names = grade_xrealloc(names, (size_t)(cap *= 2) * sizeof *names);
        size_t len = strlen(de->d_name) + 1;
        names[*n] = memcpy(grade_xrealloc(NULL, len), de->d_name, len);
        (*n)++;
    }
    closedir(d);
    qsort(names, (size_t)*n, sizeof *names, grade_cmp_names);
    return names;
}

/* Grade every regular file of the directory into one CSV row each, in
 * name order; a file that cannot be graded gets its error in its row.
 * Exit 2 when one was invalid, else 1 when one was not perfect. */
static int grade_batch(const struct grade_args *g, const grade_exp *x)
{
    int n = 0, errors = 0, perfect = 0;
    char **names = grade_list_dir(g->answer, g->csv && strcmp(g->csv, "-") ? g->csv : NULL, &n);
    if (!names) {
        fprintf(stderr, "corosim grade: cannot list directory %s\n", g->answer);
        return CLI_USAGE;
    }
    sim_buf b = {0};
    grade_csv_header(&b);
    for (int i = 0; i < n; i++) {
        size_t len = strlen(g->answer) + strlen(names[i]) + 2;
        char *path = grade_xrealloc(NULL, len), err[512] = "";
        size_t dl = strlen(g->answer);
        snprintf(path, len, "%s%s%s", g->answer, dl && g->answer[dl - 1] == '/' ? "" : "/",
                 names[i]);
        grade_result r;
        int bad = grade_one(x, path, &r, err, sizeof err) < 0;
        grade_csv_row(&b, names[i], bad ? NULL : &r, bad ? err : NULL);
        errors += bad;
        perfect += !bad && r.points >= 100.0;
        if (!bad)
            score_free(&r);
        free(path);
        free(names[i]);
    }
    free(names);
    const char *out = g->csv ? g->csv : "-";
    int rc = cli_write_file(out, b.p, b.len) < 0 ? CLI_USAGE : CLI_OK;
    sim_buf_free(&b);
    fprintf(stderr, "corosim grade: %d files: %d perfect, %d not, %d invalid\n", n, perfect,
            n - perfect - errors, errors);
    if (rc == CLI_OK)
        rc = errors ? CLI_USAGE : perfect < n ? CLI_MISMATCH : CLI_OK;
    return rc;
}

/* Load the scenario for --json: when it is invalid, a results.json with
 * score 0 still says why, so that the autograder shows it (the student
 * can do nothing about it; the teacher can). The diagnostics go to
 * standard error as cli_load's do. */
static sim_scenario *grade_load_json(const struct grade_args *g)
{
    char first[700], err[800];
    sim_scenario *sc = cli_load_first(g->scenario, first, sizeof first);
    if (!sc) {
        snprintf(err, sizeof err, "The assignment's scenario is invalid, so nothing could be "
                 "graded; please tell your teacher: %s", first);
        char *s = grade_json(NULL, NULL, NULL, NULL, err);
        printf("%s\n", s);
        free(s);
    }
    return sc;
}

/* The command: parse, load and run the scenario once, then grade. */
int cli_grade(int argc, char **argv)
{
    struct grade_args g;
    if (grade_parse(argc, argv, &g) < 0)
        return CLI_USAGE;
    struct stat st;
    int is_dir = stat(g.answer, &st) == 0 && S_ISDIR(st.st_mode);
    if (is_dir && g.json) {
        fprintf(stderr, "corosim grade: --json grades one answer file; for a directory "
                        "use --csv FILE\n%s", grade_usage);
        return CLI_USAGE;
    }
    sim_scenario *sc = g.json ? grade_load_json(&g) : cli_load(g.scenario);
    if (!sc)
        return CLI_USAGE;
    sim_state *S = sim_new(sc, NULL);
    sim_run(S);
    grade_exp x;
    grade_exp_build(&x, sim_outcome_get(S));
    int rc = is_dir ? grade_batch(&g, &x) : grade_single(&g, sc, &x);
    grade_exp_free(&x);
    sim_free(S);
    sim_scenario_free(sc);
    return rc;
}
