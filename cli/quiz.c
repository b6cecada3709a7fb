/*
 * quiz.c -- `corosim quiz SCENARIO --out DIR`: a worksheet from a
 * scenario. question.md holds the title, the Python listing and the
 * question; answer.md the transcript with times and, for each printed
 * line, one sentence derived from the trace saying why it is printed
 * then: which task printed, and which await (or which absence of one)
 * let it run at that moment.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "grade.h"
#include "steps.h"
#include "unicode.h"

static const char quiz_usage[] = "usage: corosim quiz SCENARIO.json --out DIR\n";

/* A coroutine object as the walk knows it: its function (bottom frame) and
 * the variable main holds it in (coro_bind), string ids, 0 unknown. */
typedef struct quiz_coro {
    int32_t fn, var;
} quiz_coro;

/* The time.sleep calls of a stretch of a step: how many, their seconds
 * in all, the first few of them, whether they all are the same. */
enum { QUIZ_BLOCKS_LISTED = 4 };
typedef struct quiz_blocks {
    int n;
    double total;
    double first[QUIZ_BLOCKS_LISTED];
    int same;
} quiz_blocks;

/* A send() of main's into a coroutine it drives by hand, and what it did:
 * returned what the innermost yield gave up; ran the coroutine to its
 * return (send() raises StopIteration with the value); let an exception
 * out of it; or raised its own error ("cannot reuse already awaited
 * coroutine") without running any of it. */
enum { QUIZ_SEND_OPEN, QUIZ_SEND_YIELDED, QUIZ_SEND_RETURNED, QUIZ_SEND_FAILED,
       QUIZ_SEND_REFUSED };
typedef struct quiz_send {
    int coro;
    int depth;                 /* of its bottom frame on coro's stack (the
                                  send's c: it may be awaited inline there) */
    int how;                   /* QUIZ_SEND_* */
    int32_t what;              /* the value, return value or exception */
} quiz_send;

/* What the walk over the trace knows at a print. */
typedef struct quiz_walk {
    const sim_trace *T;
    const sim_scenario *sc;
    const sim_outcome *o;
    const steps_list *L;
    int step;                  /* the step in progress, -1 none */
    int next;                  /* next step to begin */
    int prints_in_step;        /* prints so far in this step */
    quiz_blocks blocks;        /* time.sleep calls of this step since its
                                  previous print (or its beginning) */
    quiz_blocks main_blocks;   /* main's time.sleep calls since its previous
                                  print (or the start) */
    int main_prints;           /* main's prints so far */
    int sent;                  /* main has driven a coroutine by hand since
                                  the last loop run began */
    quiz_send last_send;       /* the last of those sends */
    int driving;               /* coroutine main drives by hand (the latest
                                  statement of main's thread is its), -1 none */
    int closing;               /* coroutine main threw GeneratorExit into: it
                                  let go of it (collect.c), -1 none */
    int task_closing;          /* the same thrown in by the step running now
                                  (its frame let go of it), -1 none */
    int task_stmt;             /* coroutine of the running step's latest
                                  statement, -1 none */
    quiz_coro *co;             /* by trace coroutine id */
    int nfn;
    int runs_ended;            /* loop runs that returned so far */
    int run_how;               /* SIM_RUN_* of the last one */
    double run_end_t;
    size_t run_end_i;          /* its RUN_END event */
    const char *run_raised;    /* "Type: message" it raised, NULL if it returned */
} quiz_walk;

/* A time or a delay as the worksheet writes it: Python's repr, without
 * the ".0" of a whole number (t=8000000.5, t=2, t=1e-09). */
typedef struct { char s[32]; } quiz_num;

static quiz_num qnum(double d)
{
    quiz_num n;
    sim_float_repr(d, n.s);
    size_t len = strlen(n.s);
    if (len > 2 && !strcmp(n.s + len - 2, ".0"))
        n.s[len - 2] = 0;
    return n;
}

static const char *quiz_task(const quiz_walk *W, int k)
{
    return k >= 0 && k < W->o->ntasks ? W->o->tasks[k].name : "main";
}

/* Who did event ev: the task whose step holds it, or main. */
static const char *quiz_who(const quiz_walk *W, long ev)
{
    for (int i = 0; i < W->L->n; i++) {
        const steps_step *s = &W->L->s[i];
        if ((size_t)ev > s->begin && (size_t)ev < s->end)
            return quiz_task(W, s->task);
        if (s->begin > (size_t)ev)
            break;
    }
    return sim_trace_event(W->T, (size_t)ev).loop ? "a loop callback" : "main";
}

static int quiz_blockers(sim_buf *b, const quiz_walk *W, size_t from, size_t to,
                         double after);

/* Why the first step of a task runs now: who created it, when, and when
 * that is later, what held the loop meanwhile (the steps ahead of it that
 * blocked it). */
static void quiz_first_step(sim_buf *b, const quiz_walk *W, const steps_step *s)
{
    const char *me = quiz_task(W, s->task);
    double t = sim_trace_event(W->T, s->begin).t;
    sim_event w = s->waker >= 0 ? sim_trace_event(W->T, (size_t)s->waker)
                                : (sim_event){.kind = SIM_EV_NKINDS};
    if (w.kind == SIM_EV_TASK_NEW)
        sim_buf_printf(b, "%s runs its first step at t=%s: %s created it at t=%s "
                       "(a new task is only scheduled, whether create_task, ensure_future, "
                       "gather, run_until_complete or asyncio.run made it), and the loop "
                       "reached it in the ready queue", me, qnum(t).s, quiz_who(W, s->waker),
                       qnum(w.t).s);
    if (w.kind == SIM_EV_TASK_NEW && t > w.t + 1e-6) {
        sim_buf_printf(b, " at t=%s, after ", qnum(t).s);
        if (!quiz_blockers(b, W, (size_t)s->waker, s->begin, w.t))
            sim_buf_puts(b, "the loop had run what was ahead of it");
        else
            sim_buf_puts(b, " held the loop");
    }
    if (w.kind == SIM_EV_TASK_NEW)
        sim_buf_putc(b, '.');
    else
        sim_buf_printf(b, "%s runs its first step at t=%s, when the loop reached it in the "
                       "ready queue.", me, qnum(t).s);
}

/* Whether event k (main's, with no loop running) is part of asyncio.run
 * itself: the last loop run begun before it is an asyncio.run that has not
 * returned. A bounded look back: far enough for any worksheet. */
static int quiz_in_asyncio_run(const quiz_walk *W, size_t k)
{
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, W->T);
    for (size_t i = k, seen = 0; i-- > 0 && seen < 100000; seen++) {
        const sim_event *e = sim_trace_at(&C, i);
        if (e->kind == SIM_EV_RUN_END)
            return 0;
        if (e->kind == SIM_EV_RUN_BEGIN)
            return e->a == SIM_RUN_ASYNCIO;
    }
    return 0;
}

/* Whether an event of kind is one of what a cancel() does besides
 * cancelling tasks: futures cancelled, wakeups queued, timers dropped,
 * queue waiters removed. */
static int quiz_cancel_effect(int kind)
{
    return kind == SIM_EV_FUTURE_DONE || kind == SIM_EV_READY_PUSH
           || kind == SIM_EV_TIMER_CANCEL || kind == SIM_EV_QUEUE_UNWAIT;
}

/* Who cancelled me (the CANCEL event k), said as a cause: a cancel() call
 * by a task or main; one passed on to me through what the cancelled task
 * awaited (a task, a gather): cancel() is a statement of its own, so the
 * CANCEL events before k, with only what those cancels did between them
 * (futures cancelled, wakeups queued, timers dropped) and no statement,
 * are the one call that ended in mine; or asyncio.run's cleanup of the
 * tasks its main coroutine left pending. */
static void quiz_canceller(sim_buf *b, const quiz_walk *W, size_t k, const char *me)
{
    size_t first = k;
    for (size_t i = k; i > 0; i--) {      /* over what each cancel of the chain did */
        int kind = sim_trace_event(W->T, i - 1).kind;
        if (kind == SIM_EV_CANCEL)
            first = i - 1;
        else if (!quiz_cancel_effect(kind))
            break;
    }
    sim_event e = sim_trace_event(W->T, first);
    const char *who = quiz_who(W, (long)first);
    if (e.loop == 0 && !strcmp(who, "main") && quiz_in_asyncio_run(W, first)) {
        sim_buf_printf(b, "asyncio.run() cancelled the tasks its main coroutine left pending "
                       "at t=%s", qnum(e.t).s);
        return;
    }
    sim_buf_printf(b, "%s called %s.cancel() at t=%s", who, quiz_task(W, e.task), qnum(e.t).s);
    if (first != k)
        sim_buf_printf(b, ", and the cancel was passed on to %s through what %s was awaiting",
                       me, quiz_task(W, e.task));
}

/* The cancels of task k between its steps p and s that returned True: the
 * first that only set _must_cancel (b = 0: the task was between steps, or
 * what it awaited could not be cancelled), and how many cancel() passed on
 * to what the task awaited (b = 1). */
typedef struct quiz_cancels {
    long must;                 /* event index, -1 none */
    int nfwd;
} quiz_cancels;

static quiz_cancels quiz_cancels_of(const quiz_walk *W, const steps_step *p,
                                    const steps_step *s)
{
    quiz_cancels c = {.must = -1};
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, W->T);
    for (size_t i = p->end + 1; i < s->begin; i++) {
        const sim_event *e = sim_trace_at(&C, i);
        if (e->kind != SIM_EV_CANCEL || e->task != s->task || e->a != 1)
            continue;
        if (e->b)
            c.nfwd++;
        else if (c.must < 0)
            c.must = (long)i;
    }
    return c;
}

/* Write clause c of a list (after "; " unless it is the first, *said
 * counts them), with the number of times it was repeated. */
static void quiz_clause(sim_buf *b, const sim_buf *c, int reps, int *said)
{
    if (!c->len)
        return;
    sim_buf_printf(b, "%s%.*s", (*said)++ ? "; " : "", (int)c->len, c->p);
    if (reps == 2)
        sim_buf_puts(b, " (twice)");
    else if (reps > 2)
        sim_buf_printf(b, " (%d times)", reps);
}

/* The callers of the cancels of the task of steps p and s, between them,
 * that were passed on to what it awaited, in order, one clause each
 * ("main called Task-1.cancel() at t=1"), a clause the same as the one
 * before counted instead of written again ("(twice)"). */
static void quiz_forwarders(sim_buf *b, const quiz_walk *W, const steps_step *p,
                            const steps_step *s, const char *me)
{
    sim_buf prev = {0}, cur = {0};
    int reps = 0, said = 0;
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, W->T);
    for (size_t i = p->end + 1; i < s->begin; i++) {
        const sim_event *e = sim_trace_at(&C, i);
        if (e->kind != SIM_EV_CANCEL || e->task != s->task || e->a != 1 || e->b != 1)
            continue;
        cur.len = 0;
        quiz_canceller(&cur, W, i, me);
        if (prev.len == cur.len && !memcmp(prev.p, cur.p, cur.len)) {
            reps++;
            continue;
        }
        quiz_clause(b, &prev, reps, &said);
        prev.len = 0;
        sim_buf_put(&prev, cur.p, cur.len);
        reps = 1;
    }
    quiz_clause(b, &prev, reps, &said);
    sim_buf_free(&prev);
    sim_buf_free(&cur);
}

/* What the task or gather a step awaited came to, said from its done
 * event w (TASK_DONE or a gather's FUTURE_DONE); thrown: the exception
 * the step began with (a gather's is only known from it). */
static void quiz_awaited_outcome(sim_buf *b, const quiz_walk *W, const sim_event *w,
                                 const char *thrown)
{
    int task = w->kind == SIM_EV_TASK_DONE;
    int state = task ? w->a : w->c;
    if (task)
        sim_buf_printf(b, "the task it awaited, %s, ", quiz_task(W, w->task));
    else
        sim_buf_puts(b, "the gather it awaited ");
    if (state == SIM_TASK_CANCELLED)
        sim_buf_puts(b, "was cancelled");
    else if (state == SIM_TASK_FAILED)
        sim_buf_printf(b, "ended with %s", task ? sim_trace_str(W->T, w->b) : thrown);
    else if (task)
        sim_buf_printf(b, "returned %s", sim_trace_str(W->T, w->b));
    else
        sim_buf_puts(b, "completed");
    sim_buf_printf(b, " at t=%s", qnum(w->t).s);
}

/* A step woken by what it awaited (w: a task's or gather's done event)
 * after cancel() was passed on to that: in CPython Task.cancel() cancels
 * the awaited future and returns True without setting _must_cancel, so the
 * task resumes through its wakeup with the awaited outcome, whatever it
 * is. */
static void quiz_resume_forwarded(sim_buf *b, const quiz_walk *W, const steps_step *p,
                                  const steps_step *s, const sim_event *w, int nfwd)
{
    const char *me = quiz_task(W, s->task);
    const sim_event b0 = sim_trace_event(W->T, s->begin);
    const char *thrown = s->thrown ? sim_trace_str(W->T, b0.b) : NULL;
    quiz_forwarders(b, W, p, s, me);
    sim_buf_printf(b, "; %s.cancel() passed %s on to what %s awaited instead of cancelling "
                   "%s: ", me, nfwd > 1 ? "each" : "it", me, me);
    quiz_awaited_outcome(b, W, w, thrown);
    if (thrown)
        sim_buf_printf(b, ", so %s resumes with that: %s is thrown in where it waited since "
                       "t=%s.", me, thrown, qnum(sim_trace_event(W->T, p->end).t).s);
    else
        sim_buf_printf(b, ", so %s resumes with that result: the cancel never reached %s "
                       "itself.", me, me);
}

/* Whether the cancel at k only set _must_cancel for a reason the quiz can
 * name: its task awaited nothing (a bare yield), or what it awaited had
 * completed before k, or it is a gather (or other future) that refused:
 * every cancel k passed on returned False. (A cancel() that raised, a
 * RecursionError of a cancel cycle, is recorded with b = 0 too.) */
static int quiz_must_cancel_known(const quiz_walk *W, const steps_step *p,
                                  const steps_step *s, size_t k)
{
    if (p->wait == STEPS_W_YIELD || s->waker < 0 || (size_t)s->waker < k)
        return 1;
    for (size_t i = k + 1; i < s->begin; i++) {
        sim_event e = sim_trace_event(W->T, i);
        if (e.kind == SIM_EV_CANCEL && e.a)
            return 0;
        if (e.kind != SIM_EV_CANCEL && !quiz_cancel_effect(e.kind))
            return 1;
    }
    return 1;
}

/* A step that begins with CancelledError because a cancel() (event k)
 * only set _must_cancel: the task awaited nothing (a bare yield had
 * queued its next step), or what it awaited had completed already (its
 * wakeup queued), or could not be cancelled (a gather whose children had
 * all finished, its own completion still to come). */
static void quiz_resume_must_cancel(sim_buf *b, const quiz_walk *W, const steps_step *p,
                                    const steps_step *s, size_t k)
{
    const char *me = quiz_task(W, s->task);
    double since = sim_trace_event(W->T, p->end).t;
    sim_event w = s->waker >= 0 ? sim_trace_event(W->T, (size_t)s->waker) : (sim_event){0};
    quiz_canceller(b, W, k, me);
    if (p->wait == STEPS_W_YIELD)
        sim_buf_printf(b, " while %s awaited nothing (its bare yield at t=%s had put its next "
                       "step in the ready queue)", me, qnum(since).s);
    else if (s->waker < 0)
        sim_buf_puts(b, " after what it awaited had already completed");
    else if ((size_t)s->waker < k)
        sim_buf_printf(b, " after what it awaited had already completed at t=%s",
                       qnum(w.t).s);
    else if (p->wait == STEPS_W_GATHER)
        sim_buf_printf(b, " while the gather it awaited could not be cancelled (its children "
                       "had all finished) but had not completed yet; it completed at t=%s",
                       qnum(w.t).s);
    else
        sim_buf_printf(b, " while what it awaited could not be cancelled; it completed at "
                       "t=%s", qnum(w.t).s);
    sim_buf_puts(b, ", so that cancel() only set _must_cancel: CancelledError is thrown in "
                    "at its next step instead.");
}

/* Why a later step that began with an exception thrown in runs, when no
 * cancel of the task explains it: what it awaited failed or was
 * cancelled. */
static void quiz_resume_thrown(sim_buf *b, const quiz_walk *W, const steps_step *p,
                               const steps_step *s, const sim_event *w)
{
    const sim_event b0 = sim_trace_event(W->T, s->begin);
    double since = sim_trace_event(W->T, p->end).t;
    sim_buf_printf(b, "the loop throws %s into it where it waited since t=%s",
                   sim_trace_str(W->T, b0.b), qnum(since).s);
    if (p->wait == STEPS_W_GATHER)
        sim_buf_puts(b, ": the gather it awaited failed with it.");
    else if (p->wait == STEPS_W_TASK && w && w->kind == SIM_EV_TASK_DONE)
        sim_buf_printf(b, ": the task it awaited, %s, %s at t=%s.", quiz_task(W, w->task),
                       w->a == SIM_TASK_CANCELLED ? "was cancelled" : "ended with it",
                       qnum(w->t).s);
    else
        sim_buf_putc(b, '.');
}

/* Whether w is the completion of the task or gather step p awaited. */
static int quiz_awaited_done(const steps_step *p, const sim_event *w)
{
    return w && ((p->wait == STEPS_W_TASK && w->kind == SIM_EV_TASK_DONE) ||
                 (p->wait == STEPS_W_GATHER && w->kind == SIM_EV_FUTURE_DONE
                  && w->b == SIM_FUT_GATHER));
}

/* Whether target tg, or a sleep inside it (a gather's items), is an
 * asyncio.sleep of a constant delay k with t + k == when (*k set). */
static int quiz_sleep_target(const sim_target *tg, double t, double when, double *k)
{
    if (tg->kind == SIM_T_GATHER) {
        for (int i = 0; i < tg->n; i++)
            if (quiz_sleep_target(&tg->items[i], t, when, k))
                return 1;
        return 0;
    }
    const sim_expr *x = tg->kind == SIM_T_SLEEP ? tg->expr : NULL;
    if (!x || x->kind != SIM_E_CONST || (x->k.type != SIM_INT && x->k.type != SIM_FLOAT))
        return 0;
    double d = x->k.type == SIM_INT ? (double)x->k.u.i : x->k.u.f;
    if (t + d != when)
        return 0;
    *k = d;
    return 1;
}

/* The same over the statements of block bk and the blocks inside them
 * that are on source line line (any line when line is -1). */
static int quiz_sleep_block(const sim_block *bk, int line, double t, double when, double *k)
{
    for (int i = 0; i < bk->n; i++) {
        const sim_stmt *st = &bk->s[i];
        sim_target one = {.kind = SIM_T_SLEEP, .expr = st->expr};
        const sim_target *tg = st->verb == SIM_S_SLEEP ? &one
                               : st->verb == SIM_S_AWAIT || st->verb == SIM_S_RUN_UNTIL_COMPLETE
                               ? &st->target : NULL;
        if (tg && (line < 0 || st->line == line) && quiz_sleep_target(tg, t, when, k))
            return 1;
        if (quiz_sleep_block(&st->body, line, t, when, k) ||
            quiz_sleep_block(&st->orelse, line, t, when, k) ||
            quiz_sleep_block(&st->finally, line, t, when, k))
            return 1;
        for (int h = 0; h < st->nhandlers; h++)
            if (quiz_sleep_block(&st->handlers[h].body, line, t, when, k))
                return 1;
    }
    return 0;
}

/* The delay the sleep of step p was given, as the scenario writes it:
 * when - now has float noise (2.1 - 2 is 0.10000000000000009). The timer
 * push has the time, when and the source line; a constant delay of a
 * sleep on that line (then anywhere) that gives that when is it; else
 * the shortest decimal that does (a delay computed at run time). */
static quiz_num quiz_sleep_delay(const quiz_walk *W, const steps_step *p)
{
    sim_event e = sim_trace_event(W->T, p->timer_ev);
    double k;
    for (int pass = 0; pass < 2; pass++) {
        int line = pass ? -1 : e.line;
        if (quiz_sleep_block(&W->sc->main.body, line, e.t, e.x, &k))
            return qnum(k);
        for (int f = 0; f < W->sc->nfuncs; f++)
            if (quiz_sleep_block(&W->sc->funcs[f].body, line, e.t, e.x, &k))
                return qnum(k);
    }
    char num[32];
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(num, sizeof num, "%.*g", digits, e.x - e.t);
        if (e.t + strtod(num, NULL) == e.x)
            return qnum(strtod(num, NULL));
    }
    return qnum(e.x - e.t);
}

/* A sum of time.sleep seconds without the noise of float addition
 * (0.1 + 0.2 is 0.30000000000000004): 12 significant digits. */
static quiz_num quiz_seconds(double d)
{
    char num[32];
    snprintf(num, sizeof num, "%.12g", d);
    return qnum(strtod(num, NULL));
}

/* Count one time.sleep of x seconds into k. */
static void quiz_block_add(quiz_blocks *k, double x)
{
    if (k->n < QUIZ_BLOCKS_LISTED)
        k->first[k->n] = x;
    k->same = k->n == 0 || (k->same && x == k->first[0]);
    k->n++;
    k->total += x;
}

/* The time.sleep calls of step st between event indexes from and to into
 * *k. */
static void quiz_step_blocks(const quiz_walk *W, const steps_step *st, size_t from, size_t to,
                             quiz_blocks *k)
{
    *k = (quiz_blocks){0};
    size_t lo = st->begin > from ? st->begin : from, hi = st->end < to ? st->end : to;
    for (size_t e = lo + 1; e < hi; e++) {
        sim_event ev = sim_trace_event(W->T, e);
        if (ev.kind == SIM_EV_BLOCK)
            quiz_block_add(k, ev.x);
    }
}

/* Whether a RUN_END lies between event indexes from and to: main had the
 * control meanwhile (its own code, a time.sleep of main's, ran). */
static int quiz_stopped(const quiz_walk *W, size_t from, size_t to)
{
    for (size_t i = from + 1; i < to; i++)
        if (sim_trace_event(W->T, i).kind == SIM_EV_RUN_END)
            return 1;
    return 0;
}

/* One step that blocked the loop, said with its time.sleep calls:
 * "Task-1's step (time.sleep(1))", "(two time.sleep(0.5) calls)", or
 * "(time.sleep calls, 1.5 s in all)". */
static void quiz_blocker(sim_buf *b, const quiz_walk *W, const steps_step *st,
                         const quiz_blocks *k)
{
    static const char *const words[] = {"", "one", "two", "three", "four", "five"};
    sim_buf_printf(b, "%s's step (", quiz_task(W, st->task));
    if (k->n == 1)
        sim_buf_printf(b, "time.sleep(%s))", qnum(k->first[0]).s);
    else if (k->same && k->n <= 5)
        sim_buf_printf(b, "%s time.sleep(%s) calls)", words[k->n], qnum(k->first[0]).s);
    else if (k->same)
        sim_buf_printf(b, "%d time.sleep(%s) calls)", k->n, qnum(k->first[0]).s);
    else
        sim_buf_printf(b, "time.sleep calls, %s s in all)", quiz_seconds(k->total).s);
}

/* The steps that blocked the loop (time.sleep) between event indexes
 * from and to (the one in progress at from too, with its calls after
 * from), ending after time after: "Task-1's step (time.sleep(1)) and
 * Task-3's step (...)", at most four named. Returns how many there are
 * (0: none, nothing written). */
static int quiz_blockers(sim_buf *b, const quiz_walk *W, size_t from, size_t to, double after)
{
    enum { LISTED = 4 };
    int n = 0, idx[LISTED + 1];
    for (int i = 0; i < W->L->n && W->L->s[i].begin < to; i++) {
        const steps_step *st = &W->L->s[i];
        if (st->end <= from || st->end >= to
            || sim_trace_event(W->T, st->end).t <= after + 1e-9)
            continue;
        quiz_blocks k;
        quiz_step_blocks(W, st, from, to, &k);
        if (k.n && n <= LISTED)
            idx[n] = i;
        n += k.n > 0;
    }
    for (int j = 0; j < n && j < LISTED; j++) {
        const steps_step *st = &W->L->s[idx[j]];
        quiz_blocks k;
        quiz_step_blocks(W, st, from, to, &k);
        int last = j == n - 1 || j == LISTED - 1;
        sim_buf_puts(b, j == 0 ? "" : last && n <= LISTED ? " and " : ", ");
        quiz_blocker(b, W, st, &k);
    }
    if (n > LISTED)
        sim_buf_printf(b, " and %d other steps that blocked", n - LISTED);
    return n;
}

/* The event index of the first event of kind with handle a after from
 * (before to), or to when there is none. */
static size_t quiz_handle_event(const quiz_walk *W, size_t from, size_t to, int kind, int a)
{
    for (size_t i = from + 1; i < to; i++) {
        sim_event e = sim_trace_event(W->T, i);
        if (e.kind == kind && e.a == a)
            return i;
    }
    return to;
}

/* Why step s runs after the asyncio.sleep its previous step p awaited,
 * told from the trace: when the timer fired (its TIMER_POP: late, after
 * the steps that blocked the loop past when it was due, or while the loop
 * was not running), when its callback ran (after the steps ahead of it in
 * the ready queue, which may block), and what ran before the task's own
 * step once it was ready (the steps queued ahead of it that blocked). */
static void quiz_resume_sleep(sim_buf *b, const quiz_walk *W, const steps_step *p,
                              const steps_step *s)
{
    const char *me = quiz_task(W, s->task);
    sim_event push = sim_trace_event(W->T, p->timer_ev);
    size_t tp = quiz_handle_event(W, p->end, s->begin, SIM_EV_TIMER_POP, push.a);
    size_t tc = quiz_handle_event(W, tp, s->begin, SIM_EV_READY_POP, push.a);
    double when = push.x, fired = sim_trace_event(W->T, tp).t;
    double ran = tc < s->begin ? sim_trace_event(W->T, tc).t : fired;
    double t = sim_trace_event(W->T, s->begin).t;
    int late = fired > when + 1e-6, slow = ran > fired + 1e-6, wait = t > ran + 1e-6;
    sim_buf_printf(b, "its asyncio.sleep(%s) timer set at t=%s ", quiz_sleep_delay(W, p).s,
                   qnum(push.t).s);
    if (late) {
        sim_buf_printf(b, "was due at t=%s but fired late, at t=%s: ", qnum(when).s,
                       qnum(fired).s);
        if (quiz_stopped(W, p->end, tp))
            sim_buf_puts(b, "the loop was not running until then");
        else if (quiz_blockers(b, W, p->end, tp, when))
            sim_buf_puts(b, " held the loop until then");
        else
            sim_buf_puts(b, "the loop was busy until then");
    } else if (slow)
        sim_buf_printf(b, "came due at t=%s", qnum(fired).s);
    else
        sim_buf_printf(b, wait ? "fired at t=%s" : "fired", qnum(fired).s);
    if (slow) {
        sim_buf_printf(b, ", and its callback ran at t=%s, ", qnum(ran).s);
        if (quiz_stopped(W, tp, tc))
            sim_buf_puts(b, "when the loop ran again");
        else {
            sim_buf_puts(b, "after ");
            if (quiz_blockers(b, W, tp, tc, fired))
                sim_buf_puts(b, " ahead of it in the ready queue");
            else
                sim_buf_puts(b, "the callbacks ahead of it in the ready queue");
        }
    }
    if (wait) {
        sim_buf_printf(b, "; %s was then ready, but ", me);
        if (quiz_stopped(W, tc, s->begin))
            sim_buf_printf(b, "the loop was not running until t=%s", qnum(t).s);
        else {
            sim_buf_printf(b, "waited until t=%s behind ", qnum(t).s);
            if (quiz_blockers(b, W, tc, s->begin, ran))
                sim_buf_puts(b, " ahead of it in the ready queue");
            else
                sim_buf_puts(b, "the callbacks ahead of it in the ready queue");
        }
    }
    sim_buf_putc(b, '.');
}

/* Why a later step runs: what its previous step waited for, and the
 * cancels of the task meanwhile. */
static void quiz_resume(sim_buf *b, const quiz_walk *W, const steps_step *s)
{
    const steps_step *p = &W->L->s[s->prev];
    const char *me = quiz_task(W, s->task);
    const sim_event b0 = sim_trace_event(W->T, s->begin);
    double t = b0.t, since = sim_trace_event(W->T, p->end).t;
    sim_event waker = s->waker >= 0 ? sim_trace_event(W->T, (size_t)s->waker) : b0;
    const sim_event *w = s->waker >= 0 ? &waker : NULL;
    const char *q = p->queue >= 0 && p->queue < W->sc->nqueues ? W->sc->queues[p->queue].name
                                                                : "the queue";
    quiz_cancels c = quiz_cancels_of(W, p, s);
    sim_buf_printf(b, "%s resumes at t=%s because ", me, qnum(t).s);
    if (s->thrown && w && w->kind == SIM_EV_CANCEL && (size_t)s->waker < p->end) {
        quiz_canceller(b, W, (size_t)s->waker, me);
        sim_buf_puts(b, p->wait == STEPS_W_YIELD
                     ? " during its own step, which set _must_cancel: the step ended in a bare "
                       "yield, so CancelledError is thrown in at its next step."
                     : " during its own step, which set _must_cancel: when the step then "
                       "awaited, the loop cancelled what it awaited, so CancelledError is "
                       "thrown in where it waited.");
    }
    else if (s->thrown && w && w->kind == SIM_EV_CANCEL) {
        quiz_canceller(b, W, (size_t)s->waker, me);
        sim_buf_puts(b, ", so CancelledError is thrown in where it waited.");
    }
    else if (s->thrown && c.must >= 0 && quiz_must_cancel_known(W, p, s, (size_t)c.must))
        quiz_resume_must_cancel(b, W, p, s, (size_t)c.must);
    else if (c.nfwd && quiz_awaited_done(p, w))
        quiz_resume_forwarded(b, W, p, s, w, c.nfwd);
    else if (s->thrown)
        quiz_resume_thrown(b, W, p, s, w);
    else if (p->wait == STEPS_W_SLEEP)
        quiz_resume_sleep(b, W, p, s);
    else if (p->wait == STEPS_W_YIELD)
        sim_buf_printf(b, "its bare yield to the loop at t=%s (an asyncio.sleep(0), or the "
                       "yield of an awaitable) gave the other ready callbacks their turn first.",
                       qnum(since).s);
    else if (p->wait == STEPS_W_QUEUE_GET && w && w->kind == SIM_EV_QUEUE_PUT)
        sim_buf_printf(b, "its await %s.get(), waiting since t=%s, got the item %s put "
                       "at t=%s.", q, qnum(since).s, quiz_who(W, s->waker), qnum(w->t).s);
    else if (p->wait == STEPS_W_QUEUE_PUT && w && w->kind == SIM_EV_QUEUE_GET)
        sim_buf_printf(b, "its await %s.put(), waiting since t=%s for a free slot, got "
                       "one when %s took an item at t=%s.", q, qnum(since).s,
                       quiz_who(W, s->waker), qnum(w->t).s);
    else if (p->wait == STEPS_W_TASK && w && w->kind == SIM_EV_TASK_DONE)
        sim_buf_printf(b, "the task it awaited since t=%s, %s, finished at t=%s.",
                       qnum(since).s, quiz_task(W, w->task), qnum(w->t).s);
    else if (p->wait == STEPS_W_GATHER)
        sim_buf_printf(b, "the gather it awaited since t=%s completed%s%s.", qnum(since).s,
                       w ? " at t=" : " by t=", qnum(w ? w->t : t).s);
    else
        sim_buf_printf(b, "what it awaited since t=%s completed.", qnum(since).s);
}

/* What the time.sleep calls before a print did, each call said as it was
 * made: "Its time.sleep(0.5) held the whole loop for 0.5 s before the
 * print." or, for several, how many and the seconds in all; when: since
 * which point ("since its previous print"), held: what they held ("the
 * whole loop", "main"), tail: said last (", no loop running"). */
static void quiz_blocked_by(sim_buf *b, const quiz_blocks *k, const char *when,
                            const char *held, const char *tail)
{
    static const char *const words[] = {"", "one", "two", "three", "four", "five", "six",
                                        "seven", "eight", "nine", "ten"};
    if (k->n == 0)
        return;
    if (k->n == 1) {
        sim_buf_printf(b, " Its time.sleep(%s) held %s for %s s before the print%s.",
                       qnum(k->first[0]).s, held, qnum(k->first[0]).s, tail);
        return;
    }
    sim_buf_puts(b, " Its ");
    if (k->n <= 10)
        sim_buf_puts(b, words[k->n]);
    else
        sim_buf_printf(b, "%d", k->n);
    if (k->same)
        sim_buf_printf(b, " time.sleep(%s) calls", qnum(k->first[0]).s);
    else if (k->n <= QUIZ_BLOCKS_LISTED) {
        sim_buf_puts(b, " time.sleep calls (");
        for (int i = 0; i < k->n; i++)
            sim_buf_printf(b, "%s%s", i == 0 ? "" : i == k->n - 1 ? " and " : ", ",
                           qnum(k->first[i]).s);
        sim_buf_puts(b, " s)");
    } else
        sim_buf_puts(b, " time.sleep calls");
    sim_buf_printf(b, " %s held %s for %s s in all%s.", when, held,
                   quiz_seconds(k->total).s, tail);
}

/* The same for the calls of a task's step; since: the step printed
 * before (the calls are the ones after that print). */
static void quiz_blocked(sim_buf *b, const quiz_blocks *k, int since)
{
    quiz_blocked_by(b, k, since ? "since its previous print" : "in this step before the print",
                    "the whole loop", "");
}

/* The same for main's time.sleep calls since its previous print (when:
 * "since its previous print", or "before the print" for its first): they
 * hold main, no loop running. */
static void quiz_main_blocked(sim_buf *b, const quiz_blocks *k, int since)
{
    quiz_blocked_by(b, k, since ? "since its previous print" : "before the print", "main",
                    ", no loop running");
}

/* The sentence for a print by task step s. */
static void quiz_task_print(sim_buf *b, const quiz_walk *W, const steps_step *s)
{
    const char *me = quiz_task(W, s->task);
    if (W->task_closing >= 0 && W->task_stmt == W->task_closing && W->task_closing < W->nfn)
        sim_buf_printf(b, "Nothing holds the coroutine %s any more (%s's frame let go of its "
                       "last reference), so CPython closes it in this step: GeneratorExit is "
                       "thrown in where it waits, and the print runs in its cleanup.",
                       sim_trace_str(W->T, W->co[W->task_closing].fn), me);
    else if (W->prints_in_step > 0)
        sim_buf_printf(b, "%s is still in the same step: nothing since its previous print "
                       "gave control back to the loop.", me);
    else if (s->first)
        quiz_first_step(b, W, s);
    else
        quiz_resume(b, W, s);
    quiz_blocked(b, &W->blocks, W->prints_in_step > 0);
}

/* The sentence for a print by main after it drove a coroutine by hand:
 * what its last send() did. */
static void quiz_after_send(sim_buf *b, const quiz_walk *W, double t)
{
    const quiz_send *d = &W->last_send;
    const char *what = sim_trace_str(W->T, d->what);
    sim_buf_printf(b, "Main prints at t=%s, after driving a coroutine by hand: its last "
                   "send() ", qnum(t).s);
    if (d->how == QUIZ_SEND_YIELDED)
        sim_buf_printf(b, "returned %s, what the innermost yield gave up.", what);
    else if (d->how == QUIZ_SEND_RETURNED)
        sim_buf_printf(b, "ran the coroutine to its end: it returned %s, so send() raised "
                       "StopIteration with that value.", what);
    else if (d->how == QUIZ_SEND_FAILED)
        sim_buf_printf(b, "raised %s: the exception left the coroutine, which is finished "
                       "now.", what);
    else if (d->how == QUIZ_SEND_REFUSED)
        sim_buf_printf(b, "raised %s: send() itself refused, and none of the coroutine ran.",
                       what);
    else
        sim_buf_puts(b, "had not returned.");
}

/* Follow main's hand sends: a SEND of main's opens one; the YIELD that
 * comes back up (the coroutine suspended), the pop of the coroutine's
 * bottom frame (it returned or failed) or an exception raised in main before
 * either (send() refused) ends it. Main's THROWs are the closes of
 * coroutines it let go of (collect.c: a scenario has no throw()). */
static void quiz_follow_send(quiz_walk *W, const sim_event *e)
{
    quiz_send *d = &W->last_send;
    if (e->kind == SIM_EV_SEND && e->task < 0 && e->loop == 0 && d->how != QUIZ_SEND_OPEN) {
        *d = (quiz_send){.coro = e->coro, .depth = e->c, .how = QUIZ_SEND_OPEN};
        W->sent = 1;
    } else if (d->how != QUIZ_SEND_OPEN)
        return;
    else if (e->kind == SIM_EV_YIELD && e->task < 0 && e->coro == d->coro)
        *d = (quiz_send){d->coro, d->depth, QUIZ_SEND_YIELDED, e->a};
    else if (e->kind == SIM_EV_FRAME_POP && e->coro == d->coro && e->c == d->depth)
        *d = (quiz_send){d->coro, d->depth, e->a ? QUIZ_SEND_FAILED : QUIZ_SEND_RETURNED, e->b};
    else if (e->kind == SIM_EV_RAISE && e->task < 0 && e->coro < 0)
        *d = (quiz_send){d->coro, d->depth, QUIZ_SEND_REFUSED, e->a};
}

/* The sentence for a print by main. */
static void quiz_main_print(sim_buf *b, const quiz_walk *W, double t)
{
    static const char *const how[] = {"loop.run_until_complete()", "loop.run_forever()",
                                      "asyncio.run()"};
    if (W->closing >= 0 && W->driving == W->closing && W->driving < W->nfn)
        sim_buf_printf(b, "Nothing holds the coroutine %s any more (main let go of its last "
                       "reference), so CPython closes it at once: GeneratorExit is thrown in "
                       "where it waits, and the print runs in its cleanup (a finally or an "
                       "except GeneratorExit), before main's next statement.",
                       sim_trace_str(W->T, W->co[W->driving].fn));
    else if (W->driving >= 0 && W->driving < W->nfn && W->co[W->driving].var)
        sim_buf_printf(b, "Main drives the coroutine %s by hand (send/throw, the one in %s): "
                       "the print runs inside that send, before it returns to main.",
                       sim_trace_str(W->T, W->co[W->driving].fn),
                       sim_trace_str(W->T, W->co[W->driving].var));
    else if (W->driving >= 0 && W->driving < W->nfn)
        sim_buf_printf(b, "Main drives the coroutine %s by hand (send/throw): the print runs "
                       "inside that send, before it returns to main.",
                       sim_trace_str(W->T, W->co[W->driving].fn));
    else if (W->sent)
        quiz_after_send(b, W, t);
    else if (W->runs_ended == 0)
        sim_buf_printf(b, "Main prints at t=%s before the loop runs: module code runs at once.",
                       qnum(t).s);
    else if (W->run_raised)
        sim_buf_printf(b, "Main prints after %s raised %.*s at t=%s.", how[W->run_how],
                       (int)strcspn(W->run_raised, ":"), W->run_raised, qnum(W->run_end_t).s);
    else
        sim_buf_printf(b, "Main prints after %s returned at t=%s.", how[W->run_how],
                       qnum(W->run_end_t).s);
}

/* What the walk knows of coroutine coro (grown on demand, zeroed). */
static quiz_coro *quiz_coro_at(quiz_walk *W, int coro)
{
    if (coro >= W->nfn) {
        int n = W->nfn ? W->nfn : 64;
        while (n <= coro)
            n *= 2;
        W->co = realloc(W->co, (size_t)n * sizeof *W->co);
        if (!W->co)
            abort();
        memset(W->co + W->nfn, 0, (size_t)(n - W->nfn) * sizeof *W->co);
        W->nfn = n;
    }
    return &W->co[coro];
}

/* The close of a coroutine something let go of (collect.c): a THROW of
 * GeneratorExit (a task's cancel throws CancelledError; a scenario has no
 * throw() of its own). */
static int quiz_is_close(const quiz_walk *W, const sim_event *e)
{
    return e->kind == SIM_EV_THROW && !strcmp(sim_trace_str(W->T, e->a), "GeneratorExit");
}

/* A step's own close of a coroutine its frame let go of, until the step
 * ends. */
static void quiz_follow_task_close(quiz_walk *W, const sim_event *e)
{
    if (e->kind == SIM_EV_STEP_BEGIN || e->kind == SIM_EV_STEP_END)
        W->task_closing = W->task_stmt = -1;
    else if (quiz_is_close(W, e) && e->task >= 0)
        W->task_closing = e->coro;
    else if (e->kind == SIM_EV_STMT && e->task >= 0)
        W->task_stmt = e->coro;
}

/* Follow the event e at i: steps, hand driving, loop runs, blocking. */
static void quiz_follow(quiz_walk *W, size_t i, const sim_event *e)
{
    if (e->kind == SIM_EV_STEP_BEGIN && W->next < W->L->n && W->L->s[W->next].begin == i) {
        W->step = W->next++;
        W->prints_in_step = 0;
        W->blocks = (quiz_blocks){0};
    } else if (e->kind == SIM_EV_STEP_END && W->step >= 0 && W->L->s[W->step].end == i)
        W->step = -1;
    else if (e->kind == SIM_EV_BLOCK && W->step >= 0)
        quiz_block_add(&W->blocks, e->x);
    else if (e->kind == SIM_EV_BLOCK && e->task < 0)
        quiz_block_add(&W->main_blocks, e->x);
    else if (e->kind == SIM_EV_RUN_END) {
        W->runs_ended++;
        W->run_how = e->a;
        W->run_end_t = e->t;
        W->run_end_i = i;
        W->run_raised = NULL;
    } else if (e->kind == SIM_EV_RAISE && e->task < 0 && e->coro < 0 && W->runs_ended
               && i == W->run_end_i + 1)
        W->run_raised = sim_trace_str(W->T, e->a);   /* raised by the run that just ended */
    else if (e->kind == SIM_EV_FRAME_PUSH && e->c == 0 && e->coro >= 0)
        quiz_coro_at(W, e->coro)->fn = e->a;
    else if (e->kind == SIM_EV_CORO_BIND && e->coro >= 0)
        quiz_coro_at(W, e->coro)->var = e->a;
    else if (e->kind == SIM_EV_STMT && e->task < 0)
        W->driving = e->coro;             /* -1: a statement of main itself */
    quiz_follow_task_close(W, e);
    if (quiz_is_close(W, e) && e->task < 0)
        W->closing = e->coro;
    else if ((e->kind == SIM_EV_STMT && e->task < 0 && e->coro < 0) || e->kind == SIM_EV_SEND)
        W->closing = -1;
    quiz_follow_send(W, e);
    if (e->kind == SIM_EV_RUN_BEGIN)
        W->sent = 0;
}

/* A print's text as one Markdown code span: the fence is one backtick
 * longer than the longest run inside, and a new line inside the print is
 * shown as a return symbol so the span stays on its line; the other
 * control characters but tab as their escapes (\r, \x1b), as the
 * transcript writes them. */
static void quiz_code_span(sim_buf *b, const char *s)
{
    int run = 0, most = 0;
    for (const char *p = s; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        most = run > most ? run : most;
    }
    char fence[16];
    int n = most + 1 < (int)sizeof fence - 1 ? most + 1 : (int)sizeof fence - 1;
    memset(fence, '`', (size_t)n);
    fence[n] = 0;
    const char *pad = most ? " " : "";
    sim_buf_printf(b, "%s%s", fence, pad);
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        int32_t cp;
        int k = sim_unicode_decode((const unsigned char *)s + i, len - i, &cp);
        char esc[8];
        if (cp == '\n')
            sim_buf_puts(b, "\u23ce");
        else if (cp != '\t' && sim_unicode_ctrl_escape(cp, esc))
            sim_buf_puts(b, esc);
        else
            sim_buf_put(b, s + i, (size_t)k);
        i += (size_t)k;
    }
    sim_buf_printf(b, "%s%s", pad, fence);
}

/* answer.md's transcript: each line of each print as its time and the
 * line the way grade expects it (grade_line_text: trimmed, control
 * characters as escapes), blank lines left out as grade drops them; so
 * the block grades 100. A line of a multi-line print gets the print's
 * time too, so a line of it that begins with "#" is no comment. */
static void quiz_transcript(sim_buf *b, const sim_outcome *o)
{
    sim_buf_puts(b, "```\n");
    for (int i = 0; i < o->nprints; i++)
        for (const char *s = o->prints[i].text;;) {
            const char *nl = strchr(s, '\n');
            char *line = grade_line_text(s, nl ? (size_t)(nl - s) : strlen(s));
            if (line)
                sim_buf_printf(b, "%s %s\n", qnum(o->prints[i].t).s, line);
            free(line);
            if (!nl)
                break;
            s = nl + 1;
        }
    sim_buf_puts(b, "```\n");
}

/* answer.md: the transcript, then one explained line per print. */
static void quiz_answer(sim_buf *b, const sim_scenario *sc, const sim_outcome *o,
                        const sim_trace *T, const steps_list *L)
{
    sim_buf_printf(b, "# Answer: %s\n\n", sc->title ? sc->title : sc->name);
    quiz_transcript(b, o);
    sim_buf_puts(b, "\n## Why\n\n");
    quiz_walk W = {.T = T, .sc = sc, .o = o, .L = L, .step = -1, .driving = -1, .closing = -1,
                   .task_closing = -1, .task_stmt = -1,
                   .last_send = {.how = QUIZ_SEND_YIELDED}};
    int n = 0;
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, T);
    for (size_t i = 0; i < T->n; i++) {
        const sim_event *e = sim_trace_at(&C, i);
        quiz_follow(&W, i, e);
        if (e->kind == SIM_EV_INTERRUPT)
            sim_buf_printf(b, "\nAt t=%s no callback is ready and no timer can fire, so the "
                           "loop would wait forever: the run is interrupted (Ctrl-C).\n\n",
                           qnum(e->t).s);
        if (e->kind != SIM_EV_PRINT)
            continue;
        sim_buf_printf(b, "%d. t=%s, %s: ", ++n, qnum(e->t).s, quiz_task(&W, e->task));
        quiz_code_span(b, sim_trace_str(T, e->a));
        sim_buf_puts(b, ". ");
        if (W.step >= 0 && e->task >= 0)
            quiz_task_print(b, &W, &L->s[W.step]);
        else {
            quiz_main_print(b, &W, e->t);
            quiz_main_blocked(b, &W.main_blocks, W.main_prints++ > 0);
            W.main_blocks = (quiz_blocks){0};
        }
        sim_buf_puts(b, "\n");
        W.prints_in_step++;
        W.blocks = (quiz_blocks){0};
    }
    free(W.co);
    sim_buf_printf(b, "\nThe scenario ends (%s) at t=%s%s%s.\n", sim_end_status_name(o->status),
                   qnum(o->t).s, o->error ? ": " : "", o->error ? o->error : "");
}

/* question.md: title, listing, the question. The scenario's description
 * is left out: it usually tells the answer. */
static void quiz_question(sim_buf *b, const sim_scenario *sc)
{
    sim_buf_printf(b, "# %s\n\n", sc->title ? sc->title : sc->name);
    if (sc->nsource) {
        sim_buf_puts(b, "```python\n");
        for (int i = 0; i < sc->nsource; i++)
            sim_buf_printf(b, "%s\n", sc->source[i]);
        sim_buf_puts(b, "```\n\n");
    } else
        sim_buf_puts(b, "(This scenario carries no Python listing.)\n\n");
    sim_buf_puts(b, "**What is printed, and at which virtual time?** Write one line per "
                    "print, the virtual time first: `1.5 task done` (`1.5s`, `1.5 s`, "
                    "`t=1.5`, `1.5:` and `[1.5]` are read as times too).\n");
}

/* Write name inside dir atomically. */
static int quiz_write(const char *dir, const char *name, const sim_buf *b)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (!path)
        abort();
    snprintf(path, n, "%s/%s", dir, name);
    int rc = cli_write_file(path, b->p ? b->p : "", b->len);
    free(path);
    return rc;
}

/* mkdir -p dir. 0, or -1 with errno set. */
static int quiz_mkdirs(const char *dir)
{
    char *p = strdup(dir);
    if (!p)
        abort();
    int rc = 0;
    for (char *s = p + 1; rc == 0; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            rc = -1;
        *s = c;
        if (!c)
            break;
    }
    struct stat st;
    if (rc == 0 && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
        errno = ENOTDIR;
        rc = -1;
    }
    free(p);
    return rc;
}

/* Parse "SCENARIO --out DIR"; -1 after a usage message. */
static int quiz_parse(int argc, char **argv, const char **file, const char **out)
{
    *file = *out = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--out") && (i + 1 >= argc || !strcmp(argv[i + 1], "-"))) {
            fprintf(stderr, "corosim quiz: --out needs a directory name (quiz writes two "
                            "files, question.md and answer.md, into it)\n%s", quiz_usage);
            return -1;
        }
        if (!strcmp(argv[i], "--out"))
            *out = argv[++i];
        else if (argv[i][0] == '-' || *file) {
            fprintf(stderr, "corosim quiz: unexpected argument '%s'\n%s", argv[i], quiz_usage);
            return -1;
        } else
            *file = argv[i];
    }
    if (!*file || !*out) {
        fprintf(stderr, "corosim quiz: expected a scenario and --out DIR\n%s", quiz_usage);
        return -1;
    }
    return 0;
}

/* The command: run with the trace, write both sheets into DIR. */
int cli_quiz(int argc, char **argv)
{
    const char *file, *dir;
    if (quiz_parse(argc, argv, &file, &dir) < 0)
        return CLI_USAGE;
    struct stat st;
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "corosim quiz: %s exists and is not a directory\n", dir);
        return CLI_USAGE;
    }
    if (quiz_mkdirs(dir) < 0) {
        fprintf(stderr, "corosim quiz: cannot create %s: %s\n", dir, strerror(errno));
        return CLI_USAGE;
    }
    sim_scenario *sc = cli_load(file);
    if (!sc)
        return CLI_USAGE;
    sim_options opt = {.trace = 1};
    sim_state *S = sim_new(sc, &opt);
    sim_run(S);
    const sim_outcome *o = sim_outcome_get(S);
    steps_list L;
    steps_build(&L, sim_trace_get(S), o->ntasks);
    sim_buf q = {0}, a = {0};
    quiz_question(&q, sc);
    quiz_answer(&a, sc, o, sim_trace_get(S), &L);
    int rc = quiz_write(dir, "question.md", &q) < 0 || quiz_write(dir, "answer.md", &a) < 0
                 ? CLI_USAGE : CLI_OK;
    sim_buf_free(&q);
    sim_buf_free(&a);
    steps_free(&L);
    sim_free(S);
    sim_scenario_free(sc);
    return rc;
}
