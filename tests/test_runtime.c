/*
 * test_runtime.c -- the runtime seen through the public API: scenarios
 * loaded from text, run, and their outcome and trace inspected.
 */
#include <stdlib.h>
#include <string.h>

#include "run_text.h"
#include "runtime.h"
#include "test.h"

sim_state *test_run_text(const char *text, sim_scenario **sc, int trace)
{
    sim_diags d = {0};
    *sc = sim_scenario_load_text("t.json", text, strlen(text), &d);
    for (int i = 0; i < d.n; i++)
        fprintf(stderr, "%s\n", d.msg[i]);
    sim_diags_free(&d);
    if (!*sc)
        return NULL;
    sim_options opt = {.trace = trace};
    sim_state *S = sim_new(*sc, &opt);
    sim_run(S);
    return S;
}

TEST_IMPL(runtime_random_matches_cpython)
{
    /* random.seed(s); [random.choice(range(n)) for n in (2,3,5,7,100,1000)] */
    static const struct { int64_t seed; uint32_t want[6]; } cases[] = {
        {0, {1, 1, 0, 2, 65, 497}}, {1, {0, 2, 0, 2, 15, 507}},
        {42, {0, 0, 2, 1, 28, 142}}, {-7, {1, 0, 3, 5, 6, 74}},
        {1099511627776LL, {0, 1, 0, 3, 6, 397}}};
    static const uint32_t ns[6] = {2, 3, 5, 7, 100, 1000};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        sim_mt mt;
        sim_mt_seed(&mt, cases[c].seed);
        for (int i = 0; i < 6; i++)
            ASSERT_EQ_INT(cases[c].want[i], sim_mt_randbelow(&mt, ns[i]));
    }
    return 0;
}

static const char fork_text[] =
    "{\"format\": \"coroscope-scenario/1\", \"name\": \"f\","
    " \"coroutines\": {"
    "  \"c1\": {\"body\": [{\"sleep\": 1}, {\"create_task\": {\"call\": \"c2\"}},"
    "                     {\"sleep\": 1}, {\"print\": \"c1 {now}\"}]},"
    "  \"c2\": {\"body\": [{\"sleep\": 2}, {\"print\": \"c2 {task_name}\"}]}},"
    " \"main\": [{\"create_task\": {\"call\": \"c1\"}}, {\"run_forever\": true},"
    "            {\"print\": \"after {now}\"}]}";

TEST_IMPL(runtime_fork_outcome)
{
    sim_scenario *sc;
    sim_state *S = test_run_text(fork_text, &sc, 0);
    ASSERT(S);
    const sim_outcome *o = sim_outcome_get(S);
    ASSERT_EQ_INT(SIM_END_COMPLETED, o->status);
    ASSERT_EQ_INT(3, o->nprints);
    ASSERT_EQ_STR("c1 2.0", o->prints[0].text);
    ASSERT_EQ_STR("c2 Task-2", o->prints[1].text);
    ASSERT_NEAR(3.0, o->prints[1].t, 1e-9);
    ASSERT_EQ_INT(-1, o->prints[2].task);
    ASSERT_EQ_INT(1, o->ninterrupts);
    ASSERT_NEAR(3.0, o->interrupts[0], 1e-9);
    ASSERT_EQ_INT(2, o->ntasks);
    ASSERT_EQ_STR("c2", o->tasks[1].coro);
    ASSERT_EQ_STR("None", o->tasks[1].result);
    sim_free(S);
    sim_scenario_free(sc);
    return 0;
}

/* Frame pushes and pops balance per coroutine, steps nest, and every
 * event's time never goes backwards. */
TEST_IMPL(runtime_trace_invariants)
{
    sim_scenario *sc;
    sim_state *S = test_run_text(fork_text, &sc, 1);
    ASSERT(S);
    const sim_trace *T = sim_trace_get(S);
    ASSERT(T && T->n > 50);
    int depth[16] = {0}, in_step = 0;
    double t = 0;
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, T);
    for (size_t i = 0; i < T->n; i++) {
        const sim_event *e = sim_trace_at(&C, i);
        ASSERT(e->t >= t);
        t = e->t;
        if (e->kind == SIM_EV_FRAME_PUSH) {
            ASSERT(e->coro >= 0 && e->coro < 16);
            ASSERT_EQ_INT(depth[e->coro], e->c);
            depth[e->coro]++;
        } else if (e->kind == SIM_EV_FRAME_POP) {
            depth[e->coro]--;
            ASSERT_EQ_INT(depth[e->coro], e->c);
        } else if (e->kind == SIM_EV_STEP_BEGIN) {
            ASSERT_EQ_INT(0, in_step);
            in_step = 1;
        } else if (e->kind == SIM_EV_STEP_END) {
            in_step = 0;
        }
    }
    ASSERT_EQ_INT(SIM_EV_END, sim_trace_event(T, T->n - 1).kind);
    sim_free(S);
    sim_scenario_free(sc);
    return 0;
}

TEST_IMPL(runtime_limits)
{
    static const char spin[] =
        "{\"format\": \"coroscope-scenario/1\", \"name\": \"s\", \"limits\": {\"max_steps\": 50},"
        " \"coroutines\": {\"c\": {\"body\": [{\"repeat\": null, \"body\": [{\"sleep\": 0}]}]}},"
        " \"main\": [{\"asyncio_run\": {\"call\": \"c\"}}]}";
    sim_scenario *sc;
    sim_state *S = test_run_text(spin, &sc, 0);
    ASSERT(S);
    ASSERT_EQ_INT(SIM_END_LIMIT, sim_outcome_get(S)->status);
    ASSERT_EQ_STR("max_steps", sim_outcome_get(S)->error);
    ASSERT_EQ_STR("max_steps", sim_errmsg(S));
    sim_free(S);
    sim_scenario_free(sc);
    static const char deep[] =
        "{\"format\": \"coroscope-scenario/1\", \"name\": \"d\", \"limits\": {\"max_depth\": 20},"
        " \"coroutines\": {\"r\": {\"params\": [\"n\"], \"body\": ["
        "   {\"await\": {\"call\": \"r\", \"args\": [\"=n + 1\"]}}]}},"
        " \"main\": [{\"asyncio_run\": {\"call\": \"r\", \"args\": [0]}}]}";
    S = test_run_text(deep, &sc, 0);
    ASSERT(S);
    ASSERT_EQ_INT(SIM_END_UNCAUGHT, sim_outcome_get(S)->status);
    ASSERT_EQ_STR("RecursionError: maximum recursion depth exceeded", sim_outcome_get(S)->error);
    sim_free(S);
    sim_scenario_free(sc);
    return 0;
}

/* Two runs of one scenario side by side give the same outcome: a run
 * keeps no state outside its handle. */
TEST_IMPL(runtime_two_runs_independent)
{
    sim_scenario *sc;
    sim_state *A = test_run_text(fork_text, &sc, 1);
    ASSERT(A);
    sim_state *B = sim_new(sc, NULL);
    sim_run(B);
    const sim_outcome *a = sim_outcome_get(A), *b = sim_outcome_get(B);
    ASSERT_EQ_INT(a->nprints, b->nprints);
    for (int i = 0; i < a->nprints; i++)
        ASSERT_EQ_STR(a->prints[i].text, b->prints[i].text);
    ASSERT_EQ_STR(a->tasks[0].name, b->tasks[0].name);
    sim_free(A);
    sim_free(B);
    sim_scenario_free(sc);
    return 0;
}

/* Two getters wait on an empty queue, then main's tasks put twice: each
 * queue_wake names the task woken, first waiter first. */
static const char wake_text[] =
    "{\"format\": \"coroscope-scenario/1\", \"name\": \"w\","
    " \"queues\": {\"q\": {}},"
    " \"coroutines\": {"
    "  \"g\": {\"body\": [{\"await\": {\"queue_get\": \"q\"}, \"as\": \"x\"},"
    "                    {\"print\": \"{task_name} got {x}\"}]},"
    "  \"p\": {\"body\": [{\"queue_put_nowait\": \"q\", \"value\": 1},"
    "                    {\"queue_put_nowait\": \"q\", \"value\": 2}]}},"
    " \"main\": [{\"create_task\": {\"call\": \"g\"}}, {\"create_task\": {\"call\": \"g\"}},"
    "            {\"create_task\": {\"call\": \"p\"}},"
    "            {\"run_until_complete\": {\"sleep\": 1}}]}";

TEST_IMPL(runtime_queue_wake_names_task)
{
    sim_scenario *sc;
    sim_state *S = test_run_text(wake_text, &sc, 1);
    ASSERT(S);
    const sim_trace *T = sim_trace_get(S);
    int32_t waited[4], woke[4];
    int nw = 0, nk = 0;
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, T);
    for (size_t i = 0; i < T->n; i++) {
        const sim_event *e = sim_trace_at(&C, i);
        if (e->kind == SIM_EV_QUEUE_WAIT && nw < 4)
            waited[nw++] = e->task;
        if (e->kind == SIM_EV_QUEUE_WAKE && nk < 4)
            woke[nk++] = e->task;
    }
    ASSERT_EQ_INT(2, nw);
    ASSERT_EQ_INT(2, nk);
    ASSERT_EQ_INT(0, waited[0]);   /* Task-1 waits first, Task-2 next */
    ASSERT_EQ_INT(waited[0], woke[0]);
    ASSERT_EQ_INT(waited[1], woke[1]);
    ASSERT_EQ_INT(1, waited[1]);
    sim_free(S);
    sim_scenario_free(sc);
    return 0;
}

/* Past 2**24 s, now + 1e-9 == now: a timer at the clock is never due and
 * CPython's loop would spin forever (its virtual clock cannot move). The
 * run ends interrupted, as a loop that would wait forever does, not hung. */
TEST_IMPL(runtime_unreachable_timer_interrupts)
{
    static const char text[] =
        "{\"format\": \"coroscope-scenario/1\", \"name\": \"late\","
        " \"limits\": {\"max_time\": 1e9},"
        " \"main\": [{\"block\": 20000000}, {\"run_until_complete\": {\"sleep\": 1}},"
        "            {\"print\": \"never\"}]}";
    sim_scenario *sc;
    sim_state *S = test_run_text(text, &sc, 0);
    ASSERT(S);
    const sim_outcome *o = sim_outcome_get(S);
    ASSERT_EQ_INT(SIM_END_INTERRUPTED, o->status);
    ASSERT_EQ_INT(1, o->ninterrupts);
    ASSERT_NEAR(20000001.0, o->t, 1e-6);
    ASSERT_EQ_INT(0, o->nprints);
    sim_free(S);
    sim_scenario_free(sc);
    return 0;
}

/* Events of kind in T: how many, the last of them in *last, and in *tmax
 * (when not NULL) the latest time of any event. */
static int trace_count(const sim_trace *T, int kind, sim_event *last, double *tmax)
{
    int n = 0;
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, T);
    if (tmax)
        *tmax = 0;
    for (size_t i = 0; i < T->n; i++) {
        const sim_event *e = sim_trace_at(&C, i);
        if (e->kind == kind) {
            n++;
            *last = *e;
        }
        if (tmax && e->t > *tmax)
            *tmax = e->t;
    }
    return n;
}

/* Run text; 0 when it printed exactly one line, want. */
static int only_print_is(const char *text, const char *want)
{
    sim_scenario *sc;
    sim_state *S = test_run_text(text, &sc, 0);
    ASSERT(S);
    const sim_outcome *o = sim_outcome_get(S);
    ASSERT_EQ_INT(1, o->nprints);
    ASSERT_EQ_STR(want, o->prints[0].text);
    sim_free(S);
    sim_scenario_free(sc);
    return 0;
}

/* The RuntimeError of a task awaiting a task of another loop names both
 * tasks and their coroutines, as CPython's reprs do (without their source
 * positions and callbacks, which the format leaves unspecified). */
TEST_IMPL(runtime_other_loop_error_names_tasks)
{
    static const char text[] =
        "{\"format\": \"coroscope-scenario/1\", \"name\": \"loops\","
        " \"coroutines\": {\"slow\": {\"params\": [], \"body\": [{\"sleep\": 1}]},"
        "   \"other\": {\"params\": [\"t\"], \"body\": [{\"try\": [{\"await\": {\"task\": \"t\"}}],"
        "     \"except\": [{\"type\": \"RuntimeError\", \"as\": \"e\", \"body\": [{\"print\": \"{e}\"}]}]}]}},"
        " \"main\": [{\"create_task\": {\"call\": \"slow\", \"args\": []}, \"as\": \"t\"},"
        "   {\"new_loop\": true}, {\"run_until_complete\": {\"call\": \"other\", \"args\": [\"=t\"]}}]}";
    ASSERT_EQ_INT(0, only_print_is(text, "Task <Task pending name='Task-2' coro=<other()>> got Future "
                                     "<Task pending name='Task-1' coro=<slow()>> attached to a different loop"));
    return 0;
}

/* A pending task that cancel() was called on is "cancelling" in its repr
 * (3.11's _task_repr_info), here in the RuntimeError of awaiting itself. */
TEST_IMPL(runtime_task_repr_cancelling)
{
    static const char text[] =
        "{\"format\": \"coroscope-scenario/1\", \"name\": \"self\","
        " \"coroutines\": {\"w\": {\"params\": [], \"body\": ["
        "   {\"try\": [{\"sleep\": 1}], \"except\": [{\"type\": \"CancelledError\", \"body\": []}]},"
        "   {\"try\": [{\"await\": {\"task\": \"t\"}}], \"except\": [{\"type\": \"RuntimeError\","
        "     \"as\": \"e\", \"body\": [{\"print\": \"{e}\"}]}]}]}},"
        " \"main\": [{\"create_task\": {\"call\": \"w\", \"args\": []}, \"as\": \"t\"},"
        "   {\"run_until_complete\": {\"sleep\": 0}}, {\"cancel\": \"t\"},"
        "   {\"run_until_complete\": {\"task\": \"t\"}}]}";
    ASSERT_EQ_INT(0, only_print_is(text, "Task cannot await on itself: <Task cancelling name='Task-1' coro=<w()>>"));
    return 0;
}

/* A slow step that ends by a KeyboardInterrupt leaving the loop is not
 * reported (Handle._run's timing is skipped), a slow one that returns is. */
TEST_IMPL(runtime_slow_step_not_after_interrupt)
{
    static const char text[] =
        "{\"format\": \"coroscope-scenario/1\", \"name\": \"slow\","
        " \"coroutines\": {\"bomb\": {\"params\": [], \"body\": [{\"sleep\": 1}, {\"block\": 0.5},"
        "     {\"raise\": \"KeyboardInterrupt\"}]},"
        "   \"slowpoke\": {\"params\": [], \"body\": [{\"sleep\": 2}, {\"block\": 0.3}]}},"
        " \"main\": [{\"create_task\": {\"call\": \"bomb\", \"args\": []}},"
        "   {\"create_task\": {\"call\": \"slowpoke\", \"args\": []}},"
        "   {\"try\": [{\"run_forever\": true}], \"except\": [{\"type\": \"KeyboardInterrupt\","
        "     \"body\": []}]}, {\"run_forever\": true}]}";
    sim_scenario *sc;
    sim_state *S = test_run_text(text, &sc, 1);
    ASSERT(S);
    sim_event slow;
    ASSERT_EQ_INT(1, trace_count(sim_trace_get(S), SIM_EV_SLOW_STEP, &slow, NULL));
    ASSERT_NEAR(0.3, slow.x, 1e-9);
    sim_free(S);
    sim_scenario_free(sc);
    return 0;
}

/* A block that max_time cuts is not in the trace: the run ends at the
 * clock before it, and no event lies past that time. */
TEST_IMPL(runtime_block_cut_by_max_time)
{
    static const char text[] =
        "{\"format\": \"coroscope-scenario/1\", \"name\": \"cut\", \"limits\": {\"max_time\": 10},"
        " \"main\": [{\"block\": 5}, {\"block\": 6}, {\"print\": \"never\"}]}";
    sim_scenario *sc;
    sim_state *S = test_run_text(text, &sc, 1);
    ASSERT(S);
    const sim_outcome *o = sim_outcome_get(S);
    ASSERT_EQ_INT(SIM_END_LIMIT, o->status);
    ASSERT_NEAR(5.0, o->t, 1e-9);
    sim_event block;
    double tmax;
    ASSERT_EQ_INT(1, trace_count(sim_trace_get(S), SIM_EV_BLOCK, &block, &tmax));
    ASSERT_NEAR(5.0, block.t + block.x, 1e-9);
    ASSERT(tmax <= 5.0 + 1e-9);
    sim_free(S);
    sim_scenario_free(sc);
    return 0;
}

/* Events of a resumed step carry the line the task waited at, not the
 * line of whatever ran last (main's statement, another task's): the step's
 * begin, the pops of the library frames and the first statement after. */
TEST_IMPL(runtime_resumed_step_lines)
{
    static const char text[] =
        "{\"format\": \"coroscope-scenario/1\", \"name\": \"lines\","
        " \"coroutines\": {\"nap\": {\"params\": [], \"body\": [{\"sleep\": 1, \"line\": 5},"
        "     {\"print\": \"woke\", \"line\": 6}]}},"
        " \"main\": [{\"create_task\": {\"call\": \"nap\", \"args\": []}, \"as\": \"t\", \"line\": 9},"
        "   {\"run_until_complete\": {\"task\": \"t\"}, \"line\": 10}]}";
    sim_scenario *sc;
    sim_state *S = test_run_text(text, &sc, 1);
    ASSERT(S);
    const sim_trace *T = sim_trace_get(S);
    int steps = 0, pops = 0;
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, T);
    for (size_t i = 0; i < T->n; i++) {
        const sim_event *e = sim_trace_at(&C, i);
        if (e->kind == SIM_EV_STEP_BEGIN && ++steps == 2)
            ASSERT_EQ_INT(5, e->line);
        if (steps == 2 && e->kind == SIM_EV_FRAME_POP && e->task == 0 && pops++ < 2)
            ASSERT_EQ_INT(5, e->line);    /* Future.__await__, asyncio.sleep */
    }
    ASSERT_EQ_INT(2, steps);
    ASSERT(pops >= 2);
    sim_free(S);
    sim_scenario_free(sc);
    return 0;
}

/* A sleep's future is reused once the sleep has returned: two tasks that
 * sleep 5,000 times each leave far fewer than 10,000 futures' worth of
 * memory behind, and their results, times and the clock are as without
 * the reuse. A third task cancelled in its sleep takes the other path (its
 * future stays). */
TEST_IMPL(runtime_sleep_futures_reused)
{
    static const char text[] =
        "{\"format\": \"coroscope-scenario/1\", \"name\": \"sleeps\","
        " \"coroutines\": {"
        "  \"w\": {\"params\": [\"n\", \"d\"], \"body\": ["
        "    {\"repeat\": \"=n\", \"body\": [{\"sleep\": \"=d\"}]}, {\"return\": \"=n\"}]},"
        "  \"m\": {\"params\": [], \"body\": ["
        "    {\"create_task\": {\"call\": \"w\", \"args\": [1, 10000]}, \"as\": \"late\"},"
        "    {\"await\": {\"gather\": [{\"call\": \"w\", \"args\": [5000, 0.5]},"
        "                              {\"call\": \"w\", \"args\": [5000, 0.25]}]}, \"as\": \"r\"},"
        "    {\"cancel\": \"late\"}, {\"sleep\": 0},"
        "    {\"return\": \"=r\"}]}},"
        " \"main\": [{\"asyncio_run\": {\"call\": \"m\", \"args\": []}, \"as\": \"r\"},"
        "          {\"print\": \"{r}\"}]}";
    sim_scenario *sc;
    sim_state *S = test_run_text(text, &sc, 0);
    ASSERT(S);
    const sim_outcome *o = sim_outcome_get(S);
    ASSERT_EQ_INT(SIM_END_COMPLETED, o->status);
    ASSERT_EQ_INT(1, o->nprints);
    ASSERT_EQ_STR("[5000, 5000]", o->prints[0].text);
    ASSERT_NEAR(2500.0, o->t, 1e-6);
    ASSERT_EQ_INT(SIM_TASK_CANCELLED, o->tasks[1].state);
    ASSERT(S->fut_free != NULL);
    ASSERT(S->arena.total < (size_t)5000 * sizeof(sim_future));
    sim_free(S);
    sim_scenario_free(sc);
    return 0;
}

/* stub ignores GeneratorExit (yields again); kept(=s) holds it or not. */
static const char dropped_text[] =
    "{\"format\": \"coroscope-scenario/1\", \"name\": \"drop\","
    " \"awaitables\": {\"tick\": {\"params\": [], \"body\": [{\"yield\": 1}]}},"
    " \"coroutines\": {\"stub\": {\"params\": [], \"body\": [{\"try\": ["
    "    {\"await\": {\"awaitable\": \"tick\", \"args\": []}}],"
    "   \"except\": [{\"type\": \"GeneratorExit\", \"body\": [{\"print\": \"caught\"},"
    "    {\"await\": {\"awaitable\": \"tick\", \"args\": []}}]}]}]}},"
    " \"main\": [{\"coroutine\": {\"call\": \"stub\", \"args\": []}, \"as\": \"s\"},"
    "          {\"send\": \"s\", \"value\": null}, {\"set\": \"t\", \"value\": \"=%s\"},"
    "          {\"set\": \"s\", \"value\": null}, {\"print\": \"after\"}]}";

/* Frame pushes minus pops in T. */
static int frames_left(const sim_trace *T)
{
    sim_event e;
    return trace_count(T, SIM_EV_FRAME_PUSH, &e, NULL) - trace_count(T, SIM_EV_FRAME_POP, &e, NULL);
}

TEST_IMPL(runtime_dropped_coroutine_closed)
{
    char text[sizeof dropped_text + 8];
    snprintf(text, sizeof text, dropped_text, "None");   /* nothing else holds s */
    sim_scenario *sc;
    sim_state *S = test_run_text(text, &sc, 1);
    ASSERT(S);
    const sim_outcome *o = sim_outcome_get(S);
    ASSERT_EQ_INT(SIM_END_COMPLETED, o->status);
    ASSERT_EQ_INT(2, o->nprints);
    ASSERT_EQ_STR("caught", o->prints[0].text);
    ASSERT_EQ_STR("after", o->prints[1].text);
    ASSERT_EQ_INT(1, o->nignored);
    ASSERT_EQ_STR("Exception ignored in: <coroutine object stub>: "
                  "RuntimeError: coroutine ignored GeneratorExit", o->ignored[0]);
    ASSERT_EQ_INT(1, o->ignored_prints[0]);
    sim_event w;
    ASSERT_EQ_INT(1, trace_count(sim_trace_get(S), SIM_EV_WARNING, &w, NULL));
    ASSERT_EQ_INT(SIM_WARN_IGNORED, w.a);
    ASSERT_EQ_INT(0, frames_left(sim_trace_get(S)));   /* the discarded frames popped */
    ASSERT_EQ_INT(CORO_CLOSED, S->coros[0]->state);
    sim_free(S);
    sim_scenario_free(sc);

    snprintf(text, sizeof text, dropped_text, "s");      /* t still holds it */
    S = test_run_text(text, &sc, 1);
    ASSERT(S);
    o = sim_outcome_get(S);
    ASSERT_EQ_INT(1, o->nprints);
    ASSERT_EQ_STR("after", o->prints[0].text);
    ASSERT_EQ_INT(0, o->nignored);
    ASSERT_EQ_INT(CORO_SUSPENDED, S->coros[0]->state);
    sim_free(S);
    sim_scenario_free(sc);
    return 0;
}

/* A body frame's push carries its arguments as text (x: a string id). */
TEST_IMPL(runtime_frame_push_args)
{
    static const char text[] =
        "{\"format\": \"coroscope-scenario/1\", \"name\": \"args\","
        " \"awaitables\": {\"W\": {\"params\": [\"k\"], \"body\": [{\"return\": \"=k\"}]}},"
        " \"coroutines\": {\"down\": {\"params\": [\"n\", \"s\"], \"body\": ["
        "    {\"if\": \"=n > 0\", \"then\": [{\"await\": {\"call\": \"down\","
        "                                        \"args\": [\"=n - 1\", \"=s + 'x' * 100\"]}}],"
        "     \"else\": [{\"await\": {\"awaitable\": \"W\", \"args\": [[1, null]]}}]}]}},"
        " \"main\": [{\"asyncio_run\": {\"call\": \"down\", \"args\": [1, \"\\u00e9\"]}}]}";
    sim_scenario *sc;
    sim_state *S = test_run_text(text, &sc, 1);
    ASSERT(S);
    const sim_trace *T = sim_trace_get(S);
    const char *want[] = {"n=1, s='\xc3\xa9'", NULL, "k=[1, None]"};
    int seen = 0;
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, T);
    for (size_t i = 0; i < T->n; i++) {
        const sim_event *e = sim_trace_at(&C, i);
        if (e->kind != SIM_EV_FRAME_PUSH || seen >= 3)
            continue;
        const char *args = e->x > 0 ? sim_trace_str(T, (int32_t)e->x) : "";
        if (seen == 1) {          /* n=0 and s of 101 characters: cut at 80 bytes */
            ASSERT(strncmp(args, "n=0, s='\xc3\xa9xxx", 12) == 0);
            ASSERT_EQ_INT(80, (int)strlen(args));
            ASSERT_EQ_STR("...", args + 77);
        } else {
            ASSERT_EQ_STR(want[seen], args);
        }
        seen++;
    }
    ASSERT_EQ_INT(3, seen);
    sim_free(S);
    sim_scenario_free(sc);
    return 0;
}

/* The order of prints (their first character) and warnings ('W' never
 * awaited, 'R' never retrieved) in T, into out (n bytes); returns the time
 * of the last never-retrieved warning. */
static double prints_and_warnings(const sim_trace *T, char *out, size_t n)
{
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, T);
    size_t k = 0;
    double t = -1;
    for (size_t i = 0; i < T->n && k + 1 < n; i++) {
        const sim_event *e = sim_trace_at(&C, i);
        if (e->kind == SIM_EV_PRINT)
            out[k++] = sim_trace_str(T, e->a)[0];
        else if (e->kind == SIM_EV_WARNING && e->a == SIM_WARN_NEVER_AWAITED)
            out[k++] = 'W';
        else if (e->kind == SIM_EV_WARNING && e->a == SIM_WARN_NEVER_RETRIEVED) {
            out[k++] = 'R';
            t = e->t;
        }
    }
    out[k] = 0;
    return t;
}

/* Warnings reach the trace when CPython logs them: a coroutine made and
 * dropped by a call statement at once, a failed task nobody names as its
 * step ends; each once, and the outcome still lists both at the end. */
TEST_IMPL(runtime_warnings_when_logged)
{
    static const char text[] =
        "{\"format\": \"coroscope-scenario/1\", \"name\": \"w\","
        " \"coroutines\": {\"boom\": {\"params\": [], \"body\": ["
        "    {\"sleep\": 1}, {\"raise\": \"ValueError\", \"message\": \"x\"}]},"
        "  \"m\": {\"params\": [], \"body\": [{\"create_task\": {\"call\": \"boom\", \"args\": []}},"
        "    {\"sleep\": 3}, {\"print\": \"end\"}]}},"
        " \"main\": [{\"print\": \"before\"}, {\"call\": \"boom\", \"args\": []},"
        "          {\"print\": \"after\"}, {\"asyncio_run\": {\"call\": \"m\", \"args\": []}}]}";
    sim_scenario *sc;
    sim_state *S = test_run_text(text, &sc, 1);
    ASSERT(S);
    const sim_outcome *o = sim_outcome_get(S);
    ASSERT_EQ_INT(2, o->nwarnings);
    char order[16];
    double retrieved_t = prints_and_warnings(sim_trace_get(S), order, sizeof order);
    ASSERT_EQ_STR("bWaRe", order);                   /* before, after, end */
    ASSERT_NEAR(1.0, retrieved_t, 1e-9);
    sim_free(S);
    sim_scenario_free(sc);
    return 0;
}

/* A coroutine never started warns in the trace as its last reference
 * goes: at the rebinding of c, and once d lets go of the second one. */
TEST_IMPL(runtime_unstarted_warns_when_dropped)
{
    static const char text[] =
        "{\"format\": \"coroscope-scenario/1\", \"name\": \"u\","
        " \"coroutines\": {\"greet\": {\"params\": [\"w\"], \"body\": [{\"print\": \"hi\"}]}},"
        " \"main\": [{\"coroutine\": {\"call\": \"greet\", \"args\": [1]}, \"as\": \"c\"},"
        "  {\"print\": \"1\"}, {\"coroutine\": {\"call\": \"greet\", \"args\": [2]}, \"as\": \"c\"},"
        "  {\"print\": \"2\"}, {\"set\": \"d\", \"value\": \"=c\"}, {\"set\": \"c\", \"value\": null},"
        "  {\"print\": \"3\"}, {\"set\": \"d\", \"value\": null}, {\"print\": \"4\"}]}";
    sim_scenario *sc;
    sim_state *S = test_run_text(text, &sc, 1);
    ASSERT(S);
    ASSERT_EQ_INT(2, sim_outcome_get(S)->nwarnings);
    char order[16];
    prints_and_warnings(sim_trace_get(S), order, sizeof order);
    ASSERT_EQ_STR("1W23W4", order);
    sim_free(S);
    sim_scenario_free(sc);
    return 0;
}
