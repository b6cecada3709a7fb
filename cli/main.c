/*
 * main.c -- corosim, the headless program: run a scenario and print its
 * transcript, write its outcome and trace, check it against its expect
 * block, validate files. Exit 0 success, 1 mismatch, 2 invalid input or
 * usage (format section 7).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chrome.h"
#include "cli.h"

static const char usage[] =
    "usage: corosim run SCENARIO.json [--outcome FILE|-] [--trace FILE|-] [--trace-stats]\n"
    "                  [--chrome FILE|-] [--quiet]\n"
    "       corosim check SCENARIO.json...\n"
    "       corosim validate SCENARIO.json...\n"
    "       corosim grade SCENARIO.json ANSWER.txt [--json] [--csv FILE|-]\n"
    "       corosim grade SCENARIO.json DIR/ [--csv FILE|-]\n"
    "       corosim quiz SCENARIO.json --out DIR\n"
    "       corosim --help | --version\n"
    "\n"
    "run       simulate the scenario as CPython 3.11 asyncio would, in virtual time,\n"
    "          and print a transcript; --outcome writes the coroscope-outcome/1 JSON,\n"
    "          --trace the full event trace as JSON Lines ('-' is standard output);\n"
    "          --chrome the trace in Chrome Trace Event Format (Perfetto,\n"
    "          chrome://tracing);\n"
    "          --trace-stats records the trace in memory only and prints its size\n"
    "          to standard error (for benchmarks)\n"
    "check     compare each scenario's outcome with its \"expect\" block\n"
    "validate  load each scenario and report every problem as FILE:LINE:COL: error: ...\n"
    "grade     score a predicted transcript (one printed line per line, optionally\n"
    "          prefixed by its virtual time) against the run's prints, out of 100;\n"
    "          --json writes Gradescope's results.json, a DIR grades every file in it\n"
    "          into one CSV row each (--csv FILE, default standard output)\n"
    "quiz      write DIR/question.md (the listing and the question) and DIR/answer.md\n"
    "          (the transcript with times, and why each line is printed then)\n"
    "\n"
    "exit status: 0 success, 1 a check or grade that does not match, 2 invalid input or\n"
    "usage\n";

/* An output being written: standard output ("-"), an existing file that
 * is not a regular one written in place (a device such as /dev/null, a
 * FIFO: renaming over it would replace it with a plain file), or else a
 * temporary file renamed over path once complete, so that a reader never
 * sees half of it. */
typedef struct cli_out {
    const char *path;          /* where the output goes: through a symlink, its target */
    char *real;                /* that target (malloc'ed), or NULL */
    char *tmp;                 /* temporary name, or NULL */
    FILE *fp;
    int ok;
} cli_out;

/* The temporary files being written, for the signal handler: a run
 * stopped by Ctrl-C or kill leaves no NAME.tmp.PID behind. The one mutable
 * global of the program, as a handler can reach nothing else. */
static const char *volatile out_tmps[4];

static void out_on_signal(int sig)
{
    for (int i = 0; i < 4; i++)
        if (out_tmps[i])
            unlink(out_tmps[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Register (tmp) or forget (NULL, old) a temporary file. */
static void out_track(const char *tmp, const char *old)
{
    for (int i = 0; i < 4; i++)
        if (out_tmps[i] == old) {
            out_tmps[i] = tmp;
            break;
        }
    if (tmp) {
        signal(SIGINT, out_on_signal);
        signal(SIGTERM, out_on_signal);
        signal(SIGHUP, out_on_signal);
    }
}

/* Where a symlink path finally points (malloc'ed; a relative target is
 * taken from the link's folder), or NULL when path is no symlink. Eight
 * links at most, as a loop of them would never end. */
static char *link_target(const char *path)
{
    char *cur = NULL;
    struct stat st;
    for (int hops = 0; hops < 8 && lstat(cur ? cur : path, &st) == 0 && S_ISLNK(st.st_mode);
         hops++) {
        const char *at = cur ? cur : path;
        char buf[4096];
        ssize_t n = readlink(at, buf, sizeof buf - 1);
        if (n <= 0)
            break;
        buf[n] = 0;
        const char *slash = strrchr(at, '/');
        size_t dir = buf[0] == '/' || !slash ? 0 : (size_t)(slash - at) + 1;
        char *next = malloc(dir + (size_t)n + 1);
        if (!next)
            abort();
        memcpy(next, at, dir);
        memcpy(next + dir, buf, (size_t)n + 1);
        free(cur);
        cur = next;
    }
    return cur;
}

static void out_open(cli_out *o, const char *path)
{
    struct stat st;
    *o = (cli_out){.path = path, .ok = 1};
    if (strcmp(path, "-") == 0) {
        o->fp = stdout;
        return;
    }
    if ((o->real = link_target(path)))
        o->path = path = o->real;          /* renamed over the target, the link stays */
    if (stat(path, &st) != 0 || S_ISREG(st.st_mode)) {
        size_t n = strlen(path) + 32;
        o->tmp = malloc(n);
        snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
        out_track(o->tmp, NULL);
    }
    o->fp = fopen(o->tmp ? o->tmp : path, "wb");
    o->ok = o->fp != NULL;
}

static void out_put(cli_out *o, const char *data, size_t len)
{
    if (o->ok && len && fwrite(data, 1, len, o->fp) != len)
        o->ok = 0;
}

/* Finish o: flush or close, rename into place; 0, or -1 after saying why
 * (a temporary file left by a failure is removed). */
static int out_close(cli_out *o)
{
    if (o->fp == stdout) {
        if (o->ok && fflush(stdout) == 0 && !ferror(stdout))
            return 0;
        fprintf(stderr, "corosim: cannot write standard output: %s\n", strerror(errno));
        return -1;
    }
    if (o->fp && fclose(o->fp) != 0)
        o->ok = 0;
    if (o->ok && o->tmp && rename(o->tmp, o->path) != 0)
        o->ok = 0;
    if (!o->ok) {
        fprintf(stderr, "corosim: cannot write %s: %s\n", o->path, strerror(errno));
        if (o->tmp)
            remove(o->tmp);
    }
    out_track(NULL, o->tmp);
    free(o->tmp);
    free(o->real);
    return o->ok ? 0 : -1;
}

/* The one-line reminders printed with a usage error (the whole text is
 * --help's). */
static const char run_usage[] =
    "usage: corosim run SCENARIO.json [--outcome FILE|-] [--trace FILE|-] [--chrome FILE|-]\n"
    "                  [--trace-stats] [--quiet]    (corosim --help for more)\n";
static const char check_usage[] =
    "usage: corosim check SCENARIO.json...    (corosim --help for more)\n";
static const char validate_usage[] =
    "usage: corosim validate SCENARIO.json...    (corosim --help for more)\n";

int cli_write_file(const char *path, const char *data, size_t len)
{
    cli_out o;
    out_open(&o, path);
    out_put(&o, data, len);
    return out_close(&o);
}

/* The trace as JSON Lines, formatted and written a slice at a time: the
 * text of a big run (about 160 bytes an event) never sits in memory whole. */
static int write_trace(const char *path, const sim_trace *T)
{
    enum { SLICE = 65536 };
    cli_out o;
    sim_buf b = {0};
    out_open(&o, path);
    for (size_t i = 0; i < T->n && o.ok; i += SLICE) {
        b.len = 0;
        sim_trace_write_jsonl_range(T, i, i + SLICE < T->n ? i + SLICE : T->n, &b);
        out_put(&o, b.p, b.len);
    }
    sim_buf_free(&b);
    return out_close(&o);
}

static void put_out(void *o, const char *s, size_t n) { out_put(o, s, n); }

/* The outcome, written as it is formatted (see sim_outcome_write_json_to). */
static int write_outcome(const char *path, const sim_outcome *oc)
{
    cli_out o;
    out_open(&o, path);
    sim_outcome_write_json_to(oc, put_out, &o);
    return out_close(&o);
}

sim_scenario *cli_load_first(const char *path, char *first, size_t n)
{
    sim_diags d = {0};
    sim_scenario *sc = sim_scenario_load_file(path, &d);
    for (int i = 0; i < d.n; i++)
        fprintf(stderr, "%s\n", d.msg[i]);
    if (!sc && first && n)
        snprintf(first, n, "%s", d.n ? d.msg[0] : path);
    sim_diags_free(&d);
    return sc;
}

sim_scenario *cli_load(const char *path)
{
    return cli_load_first(path, NULL, 0);
}

/* A name or title of the scenario, with control characters as \xNN: the
 * header is corosim's own line, and an escape sequence in it would take
 * over the terminal (the prints themselves stay as Python prints them). */
static void print_plain(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
}

/* A printed text after its time and task: a line it holds is aligned
 * under the first, so that it does not read as a line of its own. */
static void print_indented(const char *text)
{
    for (int first = 1;; first = 0) {
        const char *nl = strchr(text, '\n');
        int n = nl ? (int)(nl - text) : (int)strlen(text);
        printf("%*s%.*s\n", !first && n ? 22 : 0, "", n, text);
        if (!nl)
            return;
        text = nl + 1;
    }
}

/* A virtual time as the transcript shows it: three decimals, or Python's
 * repr past 1e15 s, where fixed decimals would run to hundreds of digits
 * (a sleep of 1e300). */
typedef struct { char s[32]; } clock_str;

static clock_str clock_text(double t)
{
    clock_str c;
    if (fabs(t) < 1e15)
        snprintf(c.s, sizeof c.s, "%.3f", t);
    else
        sim_float_repr(t, c.s);
    return c;
}

/* How far print_notices has gone in each list of notices. */
typedef struct notice_pos {
    int ki, ks, kx;            /* interrupts, shutdown errors, ignored */
} notice_pos;

/* The interrupts, shutdown errors and ignored exceptions that came after
 * exactly nprints prints, from where *k stands (each list is in order). */
static void print_notices(const sim_outcome *o, int nprints, notice_pos *k)
{
    int *ki = &k->ki, *ks = &k->ks;
    for (; *ki < o->ninterrupts && o->interrupt_prints[*ki] <= nprints; ++*ki) {
        double t = o->interrupts[*ki];
        printf("# interrupted (Ctrl-C) at t=%s: no callback was ready and no timer could "
               "fire, so the loop would have waited forever%s\n", clock_text(t).s,
               t + 1e-9 == t ? " (past 2**24 s, now + 1e-9 == now: a timer at the clock "
                               "is never due, and CPython's loop would spin)" : "");
    }
    for (; *ks < o->nshutdown_errors && o->shutdown_prints[*ks] <= nprints; ++*ks) {
        const sim_task_info *t = &o->tasks[o->shutdown_errors[*ks]];
        printf("# asyncio.run() shutdown: unhandled exception in %s (", t->name);
        print_plain(t->exception ? t->exception : "?");
        printf(")\n");
    }
    for (; k->kx < o->nignored && o->ignored_prints[k->kx] <= nprints; k->kx++) {
        printf("# closing a coroutine nothing holds any more: ");
        print_plain(o->ignored[k->kx]);
        printf("\n");
    }
}

/* How each task ended, for a run of a few tasks (what a cancellation lesson
 * compares); a count of each state for a bigger run. */
static void print_task_ends(const sim_outcome *o)
{
    enum { LISTED_MAX = 20 };
    int count[4] = {0};
    for (int i = 0; i < o->ntasks; i++) {
        const sim_task_info *t = &o->tasks[i];
        count[t->state >= 0 && t->state < 4 ? t->state : 0]++;
        if (o->ntasks > LISTED_MAX)
            continue;
        printf("# %s (%s): %s", t->name, t->coro ? t->coro : "?",
               sim_task_state_name(t->state));
        printf("%s", t->result ? ", result " : t->exception ? ", " : "");
        print_plain(t->result ? t->result : t->exception ? t->exception : "");
        printf("\n");
    }
    if (o->ntasks > LISTED_MAX)
        printf("# %d tasks: %d finished, %d failed, %d cancelled, %d pending\n", o->ntasks,
               count[1], count[2], count[3], count[0]);
}

/* After a limit's name, what the limit was and what reached it. */
static void print_limit(const sim_scenario *sc, const sim_outcome *o)
{
    if (o->status != SIM_END_LIMIT || !o->error)
        return;
    if (!strcmp(o->error, "max_steps"))
        printf(" (more than %" PRId64 " statements ran)", sc->limits.max_steps);
    else if (!strcmp(o->error, "max_time"))
        printf(" (the clock would have moved past %g s of virtual time)", sc->limits.max_time);
}

/* The readable transcript: prints with time and task, an interrupt or a
 * shutdown error where it happened among them, then the ending. */
static void print_transcript(const sim_scenario *sc, const sim_outcome *o)
{
    notice_pos k = {0};
    printf("# ");
    print_plain(sc->name);
    if (sc->title) {
        printf(": ");
        print_plain(sc->title);
    }
    printf("\n");
    for (int i = 0; i < o->nprints; i++) {
        const sim_print *p = &o->prints[i];
        const char *who = p->task >= 0 ? o->tasks[p->task].name : "main";
        print_notices(o, i, &k);
        printf("%10s  %-9s ", clock_text(p->t).s, who);
        print_indented(p->text);
    }
    print_notices(o, o->nprints, &k);
    for (int i = 0; i < o->nwarnings; i++) {
        const sim_warning *w = &o->warnings[i];
        if (w->kind == SIM_WARN_NEVER_RETRIEVED) {
            printf("# warning: Task exception was never retrieved (%s: ", o->tasks[w->task].name);
            print_plain(o->tasks[w->task].exception);
            printf(")\n");
        } else {
            printf("# warning: coroutine '%s' was never awaited\n", w->coro);
        }
    }
    print_task_ends(o);
    printf("# end: %s at t=%s%s%s", sim_end_status_name(o->status), clock_text(o->t).s,
           o->error ? ": " : "", o->error ? o->error : "");
    print_limit(sc, o);
    printf("\n");
}

/* --trace-stats: the size of the in-memory trace, on standard error. */
static void print_trace_stats(const sim_trace *T)
{
    fprintf(stderr, "trace: %zu events (%zu bytes), %u strings (%zu bytes)\n",
            T->n, sim_trace_bytes(T), (unsigned)T->strings.n, T->strings.len);
}

struct run_args {
    const char *file, *outcome, *trace, *chrome;
    int quiet, trace_stats;
};

/* Two outputs to one place would mix (standard output) or replace each
 * other (a file): a usage error. */
static int distinct_outputs(const struct run_args *a)
{
    const char *path[] = {a->outcome, a->trace, a->chrome};
    static const char *const opt[] = {"--outcome", "--trace", "--chrome"};
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (path[i] && path[j] && !strcmp(path[i], path[j])) {
                const char *where = strcmp(path[i], "-") ? path[i] : "standard output ('-')";
                fprintf(stderr, "corosim run: %s and %s both write to %s; give each its own "
                        "file\n%s", opt[i], opt[j], where, run_usage);
                return -1;
            }
    return 0;
}

static int parse_run(int argc, char **argv, struct run_args *a)
{
    memset(a, 0, sizeof *a);
    static const char *const valued[] = {"--outcome", "--trace", "--chrome"};
    for (int i = 0; i < argc; i++) {
        const char **slot[] = {&a->outcome, &a->trace, &a->chrome};
        int k = 0;
        while (k < 3 && strcmp(argv[i], valued[k]))
            k++;
        if (k < 3) {
            if (i + 1 >= argc || *slot[k]) {
                fprintf(stderr, "corosim run: %s %s\n%s", valued[k],
                        i + 1 >= argc ? "needs a file name (or - for standard output)"
                                      : "is given twice", run_usage);
                return -1;
            }
            *slot[k] = argv[++i];
        } else if (strcmp(argv[i], "--quiet") == 0)
            a->quiet = 1;
        else if (strcmp(argv[i], "--trace-stats") == 0)
            a->trace_stats = 1;
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "corosim run: unknown option '%s'\n%s", argv[i], run_usage);
            return -1;
        } else if (!a->file)
            a->file = argv[i];
        else {
            fprintf(stderr, "corosim run: one scenario at a time ('%s')\n", argv[i]);
            return -1;
        }
    }
    if (!a->file)
        fprintf(stderr, "corosim run: which scenario?\n%s", run_usage);
    return a->file ? distinct_outputs(a) : -1;
}

static int write_outputs(const struct run_args *a, const sim_scenario *sc, sim_state *S)
{
    int rc = 0;
    if (a->outcome)
        rc |= write_outcome(a->outcome, sim_outcome_get(S));
    if (a->trace)
        rc |= write_trace(a->trace, sim_trace_get(S));
    if (a->chrome) {
        sim_buf b = {0};
        chrome_write(sc, sim_outcome_get(S), sim_trace_get(S), &b);
        rc |= cli_write_file(a->chrome, b.p, b.len);
        sim_buf_free(&b);
    }
    return rc;
}

static int cmd_run(int argc, char **argv)
{
    struct run_args a;
    if (parse_run(argc, argv, &a) < 0)
        return CLI_USAGE;
    sim_scenario *sc = cli_load(a.file);
    if (!sc)
        return CLI_USAGE;
    sim_options opt = {.trace = a.trace != NULL || a.trace_stats || a.chrome != NULL};
    sim_state *S = sim_new(sc, &opt);
    sim_run(S);
    int to_stdout = (a.outcome && !strcmp(a.outcome, "-")) || (a.trace && !strcmp(a.trace, "-")) ||
                    (a.chrome && !strcmp(a.chrome, "-"));
    int rc = write_outputs(&a, sc, S) < 0 ? CLI_USAGE : CLI_OK;
    if (!a.quiet && !to_stdout && rc == CLI_OK)  /* after the files: a failure reads last */
        print_transcript(sc, sim_outcome_get(S));
    if (a.trace_stats)
        print_trace_stats(sim_trace_get(S));
    sim_free(S);
    sim_scenario_free(sc);
    return rc;
}

/* check and validate take only file names: an option is a usage error,
 * not a file that cannot be read ("./-x.json" names a file that starts
 * with '-'). */
static int files_only(const char *cmd, int argc, char **argv, const char *use)
{
    for (int i = 0; i < argc; i++)
        if (argv[i][0] == '-') {
            fprintf(stderr, "corosim %s: unknown option '%s' (a file whose name starts with "
                            "'-' is written ./%s)\n%s", cmd, argv[i], argv[i], use);
            return -1;
        }
    return 0;
}

static int cmd_check(int argc, char **argv)
{
    int worst = CLI_OK;
    if (argc == 0) {
        fprintf(stderr, "corosim check: which scenarios?\n%s", check_usage);
        return CLI_USAGE;
    }
    if (files_only("check", argc, argv, check_usage) < 0)
        return CLI_USAGE;
    for (int i = 0; i < argc; i++) {
        sim_scenario *sc = cli_load(argv[i]);
        if (sc && !sc->expect_json) {     /* nothing to check: bad input, not a mismatch */
            fprintf(stderr, "%s:1:1: error: no \"expect\" block to check against; add one, e.g. "
                    "the outcome of 'corosim run %s --outcome -'\n", argv[i], argv[i]);
            sim_scenario_free(sc);
            sc = NULL;
        }
        if (!sc) {
            worst = CLI_USAGE;
            continue;
        }
        sim_options opt = {.trace = props_need_trace(sc)};
        sim_state *S = sim_new(sc, &opt);
        sim_run(S);
        int bad = cli_check_expect(sc, sim_outcome_get(S), sim_trace_get(S), stdout);
        printf("%s %s\n", bad ? "FAIL" : "ok  ", argv[i]);
        if (bad && worst == CLI_OK)
            worst = CLI_MISMATCH;
        sim_free(S);
        sim_scenario_free(sc);
    }
    return worst;
}

static int cmd_validate(int argc, char **argv)
{
    int rc = argc ? CLI_OK : CLI_USAGE;
    if (!argc)
        fprintf(stderr, "corosim validate: which scenarios?\n%s", validate_usage);
    if (files_only("validate", argc, argv, validate_usage) < 0)
        return CLI_USAGE;
    for (int i = 0; i < argc; i++) {
        sim_scenario *sc = cli_load(argv[i]);
        if (!sc)
            rc = CLI_USAGE;
        sim_scenario_free(sc);
    }
    return rc;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return CLI_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("corosim %s (CPython 3.11 asyncio semantics)\n", SIM_VERSION);
        return CLI_OK;
    }
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 2, argv + 2);
    if (!strcmp(cmd, "check"))
        return cmd_check(argc - 2, argv + 2);
    if (!strcmp(cmd, "quiz"))
        return cli_quiz(argc - 2, argv + 2);
    if (!strcmp(cmd, "grade"))
        return cli_grade(argc - 2, argv + 2);
    if (!strcmp(cmd, "validate"))
        return cmd_validate(argc - 2, argv + 2);
    fprintf(stderr, "corosim: unknown command '%s'\n%s", cmd, usage);
    return CLI_USAGE;
}

/* A failed write to standard output (a full disk, a closed pipe) is an
 * error too, not a silent success. */
int main(int argc, char **argv)
{
    int rc = dispatch(argc, argv);
    if (rc != CLI_USAGE && (fflush(stdout) != 0 || ferror(stdout))) {
        fprintf(stderr, "corosim: cannot write standard output: %s\n", strerror(errno));
        return CLI_USAGE;
    }
    return rc;
}
