/*
 * narrate.c -- one plain sentence for each frame, as a teacher would say
 * it: who does what, and what it means for the loop.
 *
 * The sentence reads the event of the frame, the state the model is at
 * (it must be at that frame), and a few neighbouring events of the same
 * step (to say, for example, for when a sleep's timer is set).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ast.h"
#include "model_impl.h"

typedef struct say {
    char *buf;
    size_t size, len;
} say;

static void sayf(say *s, const char *fmt, ...)
{
    if (s->len + 1 >= s->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(s->buf + s->len, s->size - s->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        s->len += (size_t)n < s->size - s->len ? (size_t)n : s->size - s->len - 1;
}

static const char *who(const cs_model *M, int32_t task)
{
    return task >= 0 && (uint32_t)task < M->ntasks ? M->tasks[task].name : "main";
}

/* Whose stack a coroutine event touches: its task, or main. */
static int32_t coro_owner(const cs_model *M, int32_t coro)
{
    int32_t c = cs_model_coro(M, coro);
    return c > 0 ? M->coro_task[c] : -1;
}

static const cs_stack *stack_of(const cs_model *M, int32_t coro)
{
    int32_t c = cs_model_coro(M, coro);
    return c >= 0 && (uint32_t)c < M->st.nstacks ? &M->st.stacks[c] : NULL;
}

static const char *frame_name(const cs_stack *s, int32_t depth)
{
    return s && depth >= 0 && (uint32_t)depth < s->n ? s->fr[depth].name : "?";
}

/* The function of a root coroutine, known from the whole run even before
 * its first frame is pushed; "?" when it never ran. */
static const char *root_name(const cs_model *M, int32_t coro)
{
    int32_t c = cs_model_coro(M, coro);
    return c >= 0 && (uint32_t)c < M->ncoros && M->coro_name[c] ? M->coro_name[c] : "?";
}

/* " (tum)" when main holds the coroutine in a variable: two objects of
 * one function are told apart by it. */
static const char *root_var(const cs_model *M, int32_t coro, char *buf, size_t n)
{
    const char *var = cs_model_coro_var(M, cs_model_coro(M, coro));
    buf[0] = 0;
    if (var)
        snprintf(buf, n, " (%s)", var);
    return buf;
}

/* The source line, trimmed, or NULL. */
static const char *source_line(const cs_model *M, int32_t line, char *tmp, size_t n)
{
    if (!M->sc || line <= 0 || line > M->sc->nsource)
        return NULL;
    const char *l = M->sc->source[line - 1];
    while (*l == ' ')
        l++;
    snprintf(tmp, n, "%s", l);
    char *hash = strstr(tmp, "  #");
    if (hash)
        *hash = 0;
    return tmp;
}

/* A timer pushed for task near frame f within its step: 1 and its
 * deadline in *when, or 0 when none. */
static int timer_near(const cs_model *M, uint32_t f, int32_t task, double *when)
{
    uint32_t lo = f > 32 ? f - 32 : 0, hi = f + 32 < M->nframes ? f + 32 : M->nframes;
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, M->trace);
    for (uint32_t e = lo; e < hi; e++) {
        const sim_event *ev = sim_trace_at(&C, e);
        if (ev->kind == SIM_EV_TIMER_PUSH && ev->task == task && ev->task >= 0) {
            *when = ev->x;
            return 1;
        }
    }
    return 0;
}

static const char *handle_kind(int kind)
{
    static const char *const k[] = {"step", "wakeup", "sleep timer callback",
                                    "gather callback", "run_until_complete callback",
                                    "callback"};
    return kind >= 0 && kind < 6 ? k[kind] : "callback";
}

static const char *queue_name(const cs_model *M, int32_t q)
{
    return q >= 0 && (uint32_t)q < M->nqueues ? M->queue_name[q] : "the queue";
}

/* ---- one sentence per kind of event ----------------------------------- */

/* The exception a loop call that ended at frame f raises into main (the
 * RAISE of main right after its RUN_END), or NULL when it returned. */
static const char *run_raised(const cs_model *M, uint32_t f)
{
    if (f + 1 >= M->nframes)
        return NULL;
    const sim_event next = cs_model_event(M, f + 1);
    return next.kind == SIM_EV_RAISE && next.task < 0 && next.coro < 0
        ? cs_model_str(M, next.a) : NULL;
}

/* The time.sleep a clock move at frame f comes from: 1 and its BLOCK
 * event in *blk when event f - 1 is a block that started at the clock's
 * old time and lasts until its new one (sim_clock_advance right after
 * the block is recorded), else 0: the loop's own jump to its first timer. */
static int clock_from_block(const cs_model *M, uint32_t f, const sim_event *e,
                            sim_event *blk)
{
    if (f == 0)
        return 0;
    *blk = cs_model_event(M, f - 1);
    double end = blk->t + blk->x;
    return blk->kind == SIM_EV_BLOCK && blk->t == e->x
        && fabs(end - e->t) <= 1e-9 * (fabs(end) > 1 ? fabs(end) : 1);
}

/* A clock move: time.sleep held the loop (or, outside any loop, main's
 * thread) for its duration, or the idle loop jumps to its next timer. */
static void say_clock(const cs_model *M, uint32_t f, const sim_event *e, say *s)
{
    sim_event blk;
    if (!clock_from_block(M, f, e, &blk))
        sayf(s, "Nothing is ready: the loop waits for the next timer, and the clock "
                "jumps from t=%g to t=%g.", e->x, e->t);
    else if (blk.task >= 0 || blk.loop != 0)
        sayf(s, "time.sleep(%g) in %s held the loop: nobody else could run while the "
                "clock moved by %g s, from t=%g to t=%g.",
             blk.x, who(M, blk.task), blk.x, e->x, e->t);
    else
        sayf(s, "main's time.sleep(%g) held the thread: no loop ran and nothing else "
                "could run while the clock moved by %g s, from t=%g to t=%g.",
             blk.x, blk.x, e->x, e->t);
}

static void say_loop(const cs_model *M, uint32_t f, const sim_event *e, say *s)
{
    static const char *const how[] = {"loop.run_until_complete()", "loop.run_forever()",
                                      "asyncio.run()"};
    const char *h = e->a >= 0 && e->a < 3 ? how[e->a] : "the loop";
    switch (e->kind) {
    case SIM_EV_LOOP_NEW:
        sayf(s, "A new event loop (loop %d) is created.", e->loop ? e->loop : e->a);
        break;
    case SIM_EV_LOOP_CLOSE:
        sayf(s, "The event loop is closed: its ready queue and timers are dropped.");
        break;
    case SIM_EV_RUN_BEGIN:
        sayf(s, "main calls %s: the loop starts turning and main waits inside the call.", h);
        break;
    case SIM_EV_RUN_END:
        if (e->b)
            sayf(s, "%s is interrupted (Ctrl-C) and main goes on.", h);
        else if (run_raised(M, f))
            sayf(s, "The loop stops: %s raises %s in main.", h, run_raised(M, f));
        else
            sayf(s, "The loop stops: %s returns to main.", h);
        break;
    case SIM_EV_ITER:
        if (e->b == 0 && M->st.ntimers == 0)
            sayf(s, "Loop iteration %d begins with nothing ready and no timer: the loop "
                    "would wait forever.", e->a);
        else if (e->b == 0)
            sayf(s, "Loop iteration %d begins with nothing ready: the loop waits for its "
                    "next timer, whose callback runs in this iteration (the task it wakes "
                    "resumes in the next).", e->a);
        else
            sayf(s, "Loop iteration %d begins: %d handle%s ready, run in order; "
                    "anything queued meanwhile waits for the next iteration.",
                 e->a, e->b, e->b == 1 ? " is" : "s are");
        break;
    case SIM_EV_CLOCK:
        say_clock(M, f, e, s);
        break;
    case SIM_EV_INTERRUPT:
        sayf(s, "Nothing is ready and no timer is set: the loop would wait forever, "
                "so the user presses Ctrl-C.");
        break;
    default:
        break;
    }
    (void)M;
}

static void say_handles(const cs_model *M, const sim_event *e, say *s)
{
    int32_t task = cs_model_handle_task(M, e->a, e->task);
    switch (e->kind) {
    case SIM_EV_READY_PUSH:
        if (e->b == SIM_H_STEP)
            sayf(s, "%s's next step is put at the back of the ready queue (%u waiting).",
                 who(M, task), M->st.nready);
        else if (e->b == SIM_H_WAKEUP)
            sayf(s, "What %s awaited is done: its wakeup joins the ready queue, so it "
                    "runs in the next iteration.", who(M, task));
        else
            sayf(s, "A %s joins the ready queue.", handle_kind(e->b));
        break;
    case SIM_EV_READY_POP:
        if (e->c)
            sayf(s, "The loop takes the next handle (a %s) off the ready queue: it was "
                    "cancelled, so it is skipped.", handle_kind(e->b));
        else if (task >= 0)
            sayf(s, "The loop takes the next handle off the ready queue: a %s of %s.",
                 handle_kind(e->b), who(M, task));
        else
            sayf(s, "The loop takes the next handle off the ready queue: a %s.",
                 handle_kind(e->b));
        break;
    case SIM_EV_TIMER_PUSH:
        if (e->task >= 0)
            sayf(s, "A timer is set for t=%g to wake %s.", e->x, who(M, e->task));
        else
            sayf(s, "A timer is set for t=%g.", e->x);
        break;
    case SIM_EV_TIMER_POP:
        if (e->t > 0 && M->st.t > 0)
            sayf(s, "A timer is due (t=%g): its callback moves to the end of the ready "
                    "queue.", M->st.t);
        else
            sayf(s, "A timer is due: its callback moves to the end of the ready queue.");
        break;
    case SIM_EV_TIMER_CANCEL:
        sayf(s, "A timer is cancelled: it will never fire.");
        break;
    default:
        break;
    }
}

static void say_task(const cs_model *M, const sim_event *e, say *s)
{
    const char *w = who(M, e->task);
    switch (e->kind) {
    case SIM_EV_TASK_NEW: {
        int32_t by = e->task >= 0 ? M->tasks[e->task].creator : -1;
        sayf(s, "%s calls create_task: new task %s will run %s(); its first step is "
                "queued with call_soon.", who(M, by), w, cs_model_str(M, e->b));
        break;
    }
    case SIM_EV_STEP_BEGIN:
        if (e->a)
            sayf(s, "The loop runs a step of %s: it throws %s into the coroutine.", w,
                 cs_model_str(M, e->b));
        else
            sayf(s, "The loop runs a step of %s: send(None) resumes its coroutine where "
                    "it stopped.", w);
        break;
    case SIM_EV_STEP_END:
        if (e->a == SIM_STEP_AWAIT)
            sayf(s, "%s gives the loop back: it waits for a future and holds no place "
                    "in the ready queue.", w);
        else if (e->a == SIM_STEP_BARE_YIELD)
            sayf(s, "%s yields nothing (a bare yield, as sleep(0)): it goes to the back "
                    "of the ready queue.", w);
        else if (e->a == SIM_STEP_BAD_YIELD)
            sayf(s, "%s yielded something that is not a future: a RuntimeError will be "
                    "thrown into it next iteration.", w);
        else
            sayf(s, "%s's coroutine is finished: the step ends for good.", w);
        break;
    case SIM_EV_TASK_DONE:
        if (e->a == SIM_TASK_FINISHED)
            sayf(s, "%s is done, with result %s; whoever awaits it is woken.", w,
                 cs_model_str(M, e->b));
        else if (e->a == SIM_TASK_FAILED)
            sayf(s, "%s failed with %s.", w, cs_model_str(M, e->b));
        else
            sayf(s, "%s is cancelled.", w);
        break;
    case SIM_EV_CANCEL:
        if (!e->a)
            sayf(s, "%s.cancel() does nothing: the task is already done.", w);
        else if (e->b)
            sayf(s, "%s.cancel(): the future it waits on is cancelled, so CancelledError "
                    "will be thrown into it when it wakes.", w);
        else
            sayf(s, "%s.cancel(): it is not waiting, so CancelledError will be thrown in "
                    "at its next step.", w);
        break;
    default:
        break;
    }
}

/* "w2, w3, w4" : the frames below depth d, innermost first. */
static void frames_below(const cs_stack *st, int32_t d, say *s)
{
    int first = 1;
    for (int32_t i = d - 1; st && i >= 0; i--) {
        if ((uint32_t)i >= st->n)
            continue;
        sayf(s, "%s%s", first ? "" : ", ", st->fr[i].name);
        first = 0;
    }
    if (first)
        sayf(s, "no other frame");
}

/* The send or throw into coroutine *arg (a trace coro id) that a yield
 * answers: a cs_model_find_back predicate. */
static int resumes_coro(const cs_model *M, const sim_event *e, void *arg)
{
    (void)M;
    return e->coro == *(const int32_t *)arg &&
           (e->kind == SIM_EV_SEND || e->kind == SIM_EV_THROW);
}

/* Does the yield e at frame f answer a close: the last send or throw
 * into its coroutine threw GeneratorExit, and not from a task's step
 * (main, or the frame that let go of the coroutine, closes it: no send()
 * or throw() call of main waits for the value)? */
static int yield_answers_close(const cs_model *M, uint32_t f, const sim_event *e)
{
    if (coro_owner(M, e->coro) >= 0)
        return 0;
    int32_t coro = e->coro;
    uint32_t k = cs_model_find_back(M, 0, f, resumes_coro, &coro);
    if (k == UINT32_MAX)
        return 0;
    sim_event r = cs_model_event(M, k);
    return r.kind == SIM_EV_THROW && !strcmp(cs_model_str(M, r.a), "GeneratorExit");
}

static void say_yield(const cs_model *M, uint32_t f, const sim_event *e, say *s)
{
    const cs_stack *st = stack_of(M, e->coro);
    int32_t owner = coro_owner(M, e->coro);
    const char *name = frame_name(st, e->c);
    const char *v = cs_model_str(M, e->a);
    double when = 0;
    if (yield_answers_close(M, f, e)) {
        sayf(s, "%s yields %s instead of finishing: %s() was being closed (GeneratorExit "
                "thrown in, as nothing holds it any more), so close() fails with "
                "\"coroutine ignored GeneratorExit\", which Python only logs.",
             name, *v ? v : "None", root_name(M, e->coro));
        return;
    }
    if (owner >= 0 && timer_near(M, f, owner, &when)) {
        sayf(s, "%s awaits %s: the future yields to the loop; a timer is set for t=%g.",
             who(M, owner), name, when);
        return;
    }
    sayf(s, "%s yields %s: the value travels up through ", name, *v ? v : "None");
    frames_below(st, e->c, s);
    if (owner >= 0)
        sayf(s, " to %s's step, and the loop gets control back.", who(M, owner));
    else
        sayf(s, " to main, where send() returns it.");
}

static void say_frames(const cs_model *M, uint32_t f, const sim_event *e, say *s)
{
    const cs_stack *st = stack_of(M, e->coro);
    const char *v = cs_model_str(M, e->b);
    switch (e->kind) {
    case SIM_EV_FRAME_PUSH: {
        const char *args = e->x > 0 ? cs_model_str(M, (int32_t)e->x) : "";
        if (e->c == 0)
            sayf(s, "%s starts running %s(%s): its first frame is pushed.",
                 who(M, coro_owner(M, e->coro)), cs_model_str(M, e->a), args);
        else if (coro_owner(M, e->coro) >= 0)  /* tasks may share a coroutine: say whose */
            sayf(s, "%s (in %s) awaits %s(%s): a new frame is pushed on top of the stack and "
                    "runs at once (no trip through the loop).",
                 who(M, coro_owner(M, e->coro)), frame_name(st, e->c - 1), cs_model_str(M, e->a),
                 args);
        else
            sayf(s, "%s awaits %s(%s): a new frame is pushed on top of the stack and runs "
                    "at once (no trip through the loop).",
                 frame_name(st, e->c - 1), cs_model_str(M, e->a), args);
        break;
    }
    case SIM_EV_FRAME_POP:
        if (e->a && e->c > 0)
            sayf(s, "%s leaves %s: the exception moves up to its caller %s.", v,
                 M->st.popped.name, frame_name(st, e->c - 1));
        else if (e->a)
            sayf(s, "%s leaves %s, the last frame: it escapes the coroutine.", v,
                 M->st.popped.name);
        else if (e->c > 0)
            sayf(s, "%s returns %s to %s: its frame is popped.", M->st.popped.name,
                 *v ? v : "None", frame_name(st, e->c - 1));
        else
            sayf(s, "%s returns %s: the coroutine is finished (StopIteration).",
                 M->st.popped.name, *v ? v : "None");
        break;
    case SIM_EV_YIELD:
        say_yield(M, f, e, s);
        break;
    case SIM_EV_SEND: {
        char var[80];
        if (st && st->n == 0)  /* a coroutine not started yet */
            sayf(s, "%s sends %s into %s()%s: the coroutine starts, from its first line.",
                 who(M, M->st.running), *cs_model_str(M, e->a) ? cs_model_str(M, e->a) : "None",
                 root_name(M, e->coro), root_var(M, e->coro, var, sizeof var));
        else
            sayf(s, "%s sends %s into %s()%s: the value travels down the stack to the "
                    "innermost yield.", who(M, M->st.running),
                 *cs_model_str(M, e->a) ? cs_model_str(M, e->a) : "None",
                 root_name(M, e->coro), root_var(M, e->coro, var, sizeof var));
        break;
    }
    case SIM_EV_THROW:
        sayf(s, "%s is thrown into %s(): it travels down to the innermost frame and "
                "is raised there.", cs_model_str(M, e->a), root_name(M, e->coro));
        break;
    case SIM_EV_RAISE: {
        sim_event p = f > 0 ? cs_model_event(M, f - 1) : *e;
        if (f > 0 && p.kind == SIM_EV_FRAME_POP && p.a && p.coro == e->coro && p.c == e->c + 1)
            sayf(s, "%s arrives in %s from the frame it awaited, and keeps unwinding there "
                    "(an except or finally of %s may stop or delay it).",
                 cs_model_str(M, e->a), frame_name(st, e->c), frame_name(st, e->c));
        else
            sayf(s, "%s raises %s.", frame_name(st, e->c), cs_model_str(M, e->a));
        break;
    }
    case SIM_EV_CATCH:
        sayf(s, "The try in %s catches %s: the stack stops unwinding here.",
             frame_name(st, e->c), cs_model_str(M, e->a));
        break;
    default:
        break;
    }
}

static void say_queue(const cs_model *M, const sim_event *e, say *s)
{
    const char *q = queue_name(M, e->a);
    int64_t max = e->a >= 0 && (uint32_t)e->a < M->nqueues ? M->queue_max[e->a] : 0;
    const char *w = who(M, e->task);
    switch (e->kind) {
    case SIM_EV_QUEUE_PUT:
        if (max > 0)
            sayf(s, "%s puts %s into %s: %d of %lld slots are used.", w,
                 cs_model_str(M, e->b), q, e->c, (long long)max);
        else
            sayf(s, "%s puts %s into %s (%d item%s).", w, cs_model_str(M, e->b), q,
                 e->c, e->c == 1 ? "" : "s");
        break;
    case SIM_EV_QUEUE_GET:
        sayf(s, "%s takes %s out of %s (%d left).", w, cs_model_str(M, e->b), q, e->c);
        break;
    case SIM_EV_QUEUE_WAIT:
        if (e->b)
            sayf(s, "%s is full: %s waits in put() for a free slot.", q, w);
        else
            sayf(s, "%s is empty: %s waits in get() for an item.", q, w);
        break;
    case SIM_EV_QUEUE_WAKE:
        sayf(s, "%s has %s now: %s, first in line, is woken and will resume next "
                "iteration.", q, e->b ? "a free slot" : "an item", w);
        break;
    case SIM_EV_QUEUE_UNWAIT:
        sayf(s, "%s leaves the line of %s (it was cancelled).", w, q);
        break;
    default:
        break;
    }
}

static void say_misc(const cs_model *M, const sim_event *e, say *s)
{
    char tmp[256];
    const char *w = who(M, e->task >= 0 ? e->task : M->st.running);
    switch (e->kind) {
    case SIM_EV_STMT: {
        int32_t owner = e->coro >= 0 ? coro_owner(M, e->coro) : -1;
        const char *l = source_line(M, e->line, tmp, sizeof tmp);
        if (l && owner >= 0 && e->task < 0)      /* main sends into a task's awaited coroutine */
            sayf(s, "main, sending by hand, runs line %d of %s's stack: %s", e->line,
                 who(M, owner), l);
        else if (l)
            sayf(s, "%s runs line %d: %s", who(M, owner), e->line, l);
        else
            sayf(s, "%s runs the next statement of %s.", who(M, owner),
                 frame_name(stack_of(M, e->coro), e->c));
        break;
    }
    case SIM_EV_PRINT:
        sayf(s, "%s prints \"%s\" at t=%g.", e->task >= 0 ? who(M, e->task) : "main",
             cs_model_str(M, e->a), e->t);
        break;
    case SIM_EV_FUTURE_DONE:
        sayf(s, "A %s future is done: the callbacks waiting on it are scheduled.",
             e->b == SIM_FUT_SLEEP ? "sleep" : e->b == SIM_FUT_GATHER ? "gather" : "queue");
        break;
    case SIM_EV_WARNING:
        if (e->a == SIM_WARN_NEVER_RETRIEVED)
            sayf(s, "Warning: %s failed and nobody retrieved its exception.", who(M, e->task));
        else if (e->a == SIM_WARN_SHUTDOWN_ERROR)
            sayf(s, "asyncio.run() cancelled the leftover %s, which raised %s instead: it logs "
                    "\"unhandled exception during asyncio.run() shutdown\".", who(M, e->task),
                 cs_model_str(M, e->b));
        else if (e->a == SIM_WARN_IGNORED)
            sayf(s, "Nothing holds the coroutine any more, so it was closed, and closing it "
                    "went wrong; Python only logs it: %s.", cs_model_str(M, e->b));
        else
            sayf(s, "Warning: coroutine %s() was created but never awaited.",
                 cs_model_str(M, e->b));
        break;
    case SIM_EV_SLOW_STEP:
        sayf(s, "%s held the loop for %.3g s in one step: every other task had to wait.",
             w, e->x);
        break;
    case SIM_EV_BLOCK:
        sayf(s, "%s calls time.sleep(%g): the whole thread sleeps, nothing else can run "
                "until t=%g.", w, e->x, e->t + e->x);
        break;
    case SIM_EV_END:
        if (e->a == SIM_END_COMPLETED)
            sayf(s, "The program ends at t=%g.", e->t);
        else {
            char why[256];
            cs_end_reason(M, e->a, e->b, why, sizeof why);
            sayf(s, "The program ends (%s) at t=%g: %s.", cs_end_name(e->a), e->t, why);
        }
        break;
    default:
        sayf(s, "%s.", sim_evkind_name(e->kind));
        break;
    }
}

void cs_narrate(const cs_model *M, uint32_t f, char *buf, size_t size)
{
    say s = {buf, size, 0};
    if (size)
        buf[0] = 0;
    if (f >= M->nframes || !size)
        return;
    const sim_event ev = cs_model_event(M, f), *e = &ev;
    switch (e->kind) {
    case SIM_EV_LOOP_NEW: case SIM_EV_LOOP_CLOSE: case SIM_EV_RUN_BEGIN:
    case SIM_EV_RUN_END: case SIM_EV_ITER: case SIM_EV_CLOCK: case SIM_EV_INTERRUPT:
        say_loop(M, f, e, &s);
        break;
    case SIM_EV_READY_PUSH: case SIM_EV_READY_POP: case SIM_EV_TIMER_PUSH:
    case SIM_EV_TIMER_POP: case SIM_EV_TIMER_CANCEL:
        say_handles(M, e, &s);
        break;
    case SIM_EV_TASK_NEW: case SIM_EV_STEP_BEGIN: case SIM_EV_STEP_END:
    case SIM_EV_TASK_DONE: case SIM_EV_CANCEL:
        say_task(M, e, &s);
        break;
    case SIM_EV_FRAME_PUSH: case SIM_EV_FRAME_POP: case SIM_EV_YIELD: case SIM_EV_SEND:
    case SIM_EV_THROW: case SIM_EV_RAISE: case SIM_EV_CATCH:
        say_frames(M, f, e, &s);
        break;
    case SIM_EV_QUEUE_PUT: case SIM_EV_QUEUE_GET: case SIM_EV_QUEUE_WAIT:
    case SIM_EV_QUEUE_WAKE: case SIM_EV_QUEUE_UNWAIT:
        say_queue(M, e, &s);
        break;
    default:
        say_misc(M, e, &s);
        break;
    }
}
