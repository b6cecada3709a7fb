/*
 * test_trace.c -- the event trace at scale: interning, the reprs the trace
 * records without the repr buffer, records written after the trace grew,
 * and the JSON Lines written slice by slice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_text.h"
#include "runtime.h"
#include "test.h"


TEST_IMPL(trace_intern_dedup)
{
    enum { N = 50000 };
    static int32_t ids[N];
    sim_trace T;
    sim_trace_init(&T);
    ASSERT_EQ_INT(0, sim_trace_intern(&T, "", 0));
    char s[32];
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < N; i++) {
            int n = snprintf(s, sizeof s, i % 2 ? "Task-%d" : "%d", i);
            int32_t id = sim_trace_intern(&T, s, (size_t)n);
            if (pass == 0)
                ids[i] = id;
            else
                ASSERT_EQ_INT(ids[i], id);
            ASSERT_EQ_STR(s, sim_trace_str(&T, id));
        }
    }
    ASSERT_EQ_INT(N + 1, T.strings.n);
    ASSERT_EQ_INT(sim_trace_intern(&T, "Task-1", 6), sim_trace_intern(&T, "Task-12", 6));
    sim_trace_free(&T);
    return 0;
}

static const char reprs_text[] =
    "{\"format\": \"coroscope-scenario/1\", \"name\": \"r\","
    " \"queues\": {\"q\": {\"maxsize\": 0}},"
    " \"main\": ["
    "  {\"queue_put_nowait\": \"q\", \"value\": \"=None\"},"
    "  {\"queue_put_nowait\": \"q\", \"value\": \"=True\"},"
    "  {\"queue_put_nowait\": \"q\", \"value\": \"=False\"},"
    "  {\"queue_put_nowait\": \"q\", \"value\": \"=-12\"},"
    "  {\"queue_put_nowait\": \"q\", \"value\": \"=-9223372036854775807 - 1\"},"
    "  {\"queue_put_nowait\": \"q\", \"value\": \"=1.5\"},"
    "  {\"queue_put_nowait\": \"q\", \"value\": \"='s'\"},"
    "  {\"queue_put_nowait\": \"q\", \"value\": \"=[1, None]\"},"
    "  {\"queue_put_nowait\": \"q\", \"value\": \"=-12\"}]}";

TEST_IMPL(trace_reprs_match_python)
{
    /* repr() of each item, as CPython prints it */
    static const char *const want[] = {"None", "True", "False", "-12",
                                       "-9223372036854775808", "1.5", "'s'",
                                       "[1, None]", "-12"};
    sim_scenario *sc;
    sim_state *S = test_run_text(reprs_text, &sc, 1);
    ASSERT(S);
    const sim_trace *T = sim_trace_get(S);
    size_t k = 0;
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, T);
    for (size_t i = 0; i < T->n; i++) {
        const sim_event *e = sim_trace_at(&C, i);
        if (e->kind == SIM_EV_QUEUE_PUT) {
            ASSERT(k < sizeof want / sizeof want[0]);
            ASSERT_EQ_STR(want[k], sim_trace_str(T, e->b));
            k++;
        }
    }
    ASSERT_EQ_INT(sizeof want / sizeof want[0], k);
    sim_free(S);
    sim_scenario_free(sc);
    return 0;
}

/* N tasks wait on an empty queue; asyncio.run's teardown cancels each,
 * which cancels its waiter future: enough events to grow the trace
 * while a cancel record is still being filled in. */
static char *waiters_text(int n)
{
    static const char fmt[] =
        "{\"format\": \"coroscope-scenario/1\", \"name\": \"w\","
        " \"coroutines\": {"
        "  \"waiter\": {\"body\": [{\"await\": {\"queue_get\": \"q\"}}]},"
        "  \"main\": {\"body\": ["
        "   {\"repeat\": %d, \"body\": [{\"create_task\": {\"call\": \"waiter\"}}]},"
        "   {\"sleep\": 1}]}},"
        " \"queues\": {\"q\": {\"maxsize\": 0}},"
        " \"main\": [{\"asyncio_run\": {\"call\": \"main\"}}]}";
    char *text = malloc(sizeof fmt + 16);
    snprintf(text, sizeof fmt + 16, fmt, n);
    return text;
}

TEST_IMPL(trace_cancel_records_survive_growth)
{
    enum { N = 10000 };
    char *text = waiters_text(N);
    sim_scenario *sc;
    sim_state *S = test_run_text(text, &sc, 1);
    free(text);
    ASSERT(S);
    const sim_trace *T = sim_trace_get(S);
    int cancels = 0;
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, T);
    for (size_t i = 0; i < T->n; i++) {
        const sim_event *e = sim_trace_at(&C, i);
        if (e->kind == SIM_EV_CANCEL) {
            ASSERT_EQ_INT(1, e->a);      /* cancel() returned True */
            ASSERT_EQ_INT(1, e->b);      /* by cancelling the waiter */
            cancels++;
        }
    }
    ASSERT_EQ_INT(N, cancels);
    ASSERT_EQ_INT(SIM_TASK_CANCELLED, sim_outcome_get(S)->tasks[N].state);
    sim_free(S);
    sim_scenario_free(sc);
    return 0;
}

TEST_IMPL(trace_jsonl_slices_equal_whole)
{
    char *text = waiters_text(50);
    sim_scenario *sc;
    sim_state *S = test_run_text(text, &sc, 1);
    free(text);
    ASSERT(S);
    const sim_trace *T = sim_trace_get(S);
    sim_buf whole = {0}, sliced = {0};
    sim_trace_write_jsonl(T, &whole);
    for (size_t i = 0; i < T->n; i += 7)
        sim_trace_write_jsonl_range(T, i, i + 7 < T->n ? i + 7 : T->n, &sliced);
    ASSERT(whole.len > 0);
    ASSERT_EQ_INT(whole.len, sliced.len);
    ASSERT(memcmp(whole.p, sliced.p, whole.len) == 0);
    sim_buf_free(&whole);
    sim_buf_free(&sliced);
    sim_free(S);
    sim_scenario_free(sc);
    return 0;
}
