/*
 * test_scenes.c -- the model of real runs of bundled scenarios: what the
 * renderer draws from (lanes, segments, stacks, queues) at chosen frames,
 * so a change of layout cannot hide a wrong state.
 */
#include <stdlib.h>

#include "doc.h"
#include "predict.h"
#include "test.h"

int ui_check_seeks(const sim_trace *T, const struct sim_scenario *sc);

/* Load a bundled scenario into d; 0 on success. */
static int load(cs_doc *d, const char *file)
{
    char path[1024], err[4096];
    snprintf(path, sizeof path, "%s/%s", COROSCOPE_SCENARIOS, file);
    if (cs_doc_load(d, path, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

/* The first frame at or after f whose event is of kind k, or nframes. */
static uint32_t find_ev(const cs_model *M, uint32_t f, int k)
{
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, M->trace);
    while (f < M->nframes && sim_trace_at(&C, f)->kind != k)
        f++;
    return f;
}

static int32_t task_named(const cs_model *M, const char *name)
{
    for (uint32_t i = 0; i < M->ntasks; i++)
        if (!strcmp(M->tasks[i].name, name))
            return (int32_t)i;
    return -1;
}

/* The stack main drives by hand at the first yield: w4 > w3 > w2 > W1,
 * the yield leaves from depth 3; after the last send the stack is empty. */
TEST_IMPL(scenario_stack_w1_w4)
{
    cs_doc d;
    ASSERT_EQ_INT(0, load(&d, "06-stack-w1-w4.json"));
    cs_model *M = &d.M;
    uint32_t y = find_ev(M, 0, SIM_EV_YIELD);
    ASSERT(y < M->nframes);
    cs_model_seek(M, y);
    const sim_event ye = cs_model_event(M, y), *e = &ye;
    const cs_stack *s = &M->st.stacks[cs_model_coro(M, e->coro)];
    ASSERT_EQ_INT(4, s->n);
    static const char *names[] = {"w4", "w3", "w2", "W1"};
    for (int i = 0; i < 4; i++)
        ASSERT_EQ_STR(names[i], s->fr[i].name);
    ASSERT_EQ_INT(SIM_FR_COROUTINE, s->fr[2].kind);
    ASSERT_EQ_INT(SIM_FR_AWAITABLE, s->fr[3].kind);
    ASSERT_EQ_INT(3, e->c);
    cs_model_seek(M, M->nframes - 1);
    ASSERT_EQ_INT(0, M->st.stacks[cs_model_coro(M, e->coro)].n);
    ASSERT_EQ_INT(0, ui_check_seeks(sim_trace_get(d.S), d.sc));
    cs_doc_free(&d);
    return 0;
}

/* The first frame at or after f whose event is of kind k from main
 * (task -1) and, when coro_none, of main's own frame (coro -1). */
static uint32_t find_main_ev(const cs_model *M, uint32_t f, int k, int coro_none)
{
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, M->trace);
    for (; f < M->nframes; f++) {
        const sim_event *e = sim_trace_at(&C, f);
        if (e->kind == k && e->task < 0 && (!coro_none || e->coro < 0))
            break;
    }
    return f;
}

/* Conformance 422: main drives by hand a coroutine that Task-1 awaits.
 * During the drive main is inside Task-1's stack (beats above user); when
 * main's own next statement runs it is not, and the stack holds user
 * alone (beats finished under main). */
TEST_IMPL(scenario_drive_into_awaited)
{
    cs_doc d;
    ASSERT_EQ_INT(0, load(&d, "../tests/conformance/422-drive-coroutine-a-task-awaits.json"));
    cs_model *M = &d.M;
    uint32_t send = find_main_ev(M, 0, SIM_EV_SEND, 0);
    ASSERT(send < M->nframes);
    cs_model_seek(M, send);
    const sim_event se = cs_model_event(M, send);
    const cs_stack *s = &M->st.stacks[cs_model_coro(M, se.coro)];
    ASSERT(M->st.main_inside);
    ASSERT(s->n >= 2);
    ASSERT_EQ_STR("user", s->fr[0].name);
    ASSERT_EQ_STR("beats", s->fr[1].name);
    uint32_t back = find_main_ev(M, send, SIM_EV_STMT, 1);
    ASSERT(back < M->nframes);
    cs_model_seek(M, back);
    ASSERT(!M->st.main_inside);
    ASSERT_EQ_INT(1, M->st.stacks[cs_model_coro(M, se.coro)].n);
    ASSERT_EQ_INT(0, ui_check_seeks(sim_trace_get(d.S), d.sc));
    cs_doc_free(&d);
    return 0;
}

/* c1 forks c2 at t=1: Task-2 is born then, created by Task-1, and its
 * lane starts there; every task of the run finishes. */
TEST_IMPL(scenario_fork_lanes)
{
    cs_doc d;
    ASSERT_EQ_INT(0, load(&d, "08-fork.json"));
    cs_model *M = &d.M;
    int32_t t1 = task_named(M, "Task-1"), t2 = task_named(M, "Task-2");
    ASSERT(t1 >= 0 && t2 >= 0);
    ASSERT_EQ_INT(t1, M->tasks[t2].creator);
    ASSERT_NEAR(1.0, cs_model_event(M, M->tasks[t2].born).t, 1e-9);
    const cs_lane *L = cs_model_task_lane(M, t2);
    ASSERT(L && L->nseg > 0);
    ASSERT_NEAR(1.0, L->segs[0].t0, 1e-9);
    int slept = 0;
    for (uint32_t i = 0; i < L->nseg; i++)
        if (L->segs[i].st == CS_ST_SLEEPING && fabs(L->segs[i].when - 3.0) < 1e-9)
            slept = 1;
    ASSERT(slept);
    for (uint32_t i = 0; i < M->ntasks; i++)
        ASSERT_EQ_INT(SIM_TASK_FINISHED, M->tasks[i].final);
    ASSERT_EQ_INT(CS_ST_DONE, L->segs[L->nseg - 1].st);
    cs_doc_free(&d);
    return 0;
}

/* A blocks for 1 s from t=0.5 holding the loop; B's 0.5 s timer fires at
 * 0.5 too, but B is only ready, starved, until A lets go at 1.5. */
TEST_IMPL(scenario_famine_late)
{
    cs_doc d;
    ASSERT_EQ_INT(0, load(&d, "04-famine.json"));
    cs_model *M = &d.M;
    const cs_lane *A = cs_model_task_lane(M, task_named(M, "Task-1"));
    const cs_lane *B = cs_model_task_lane(M, task_named(M, "Task-2"));
    int blocked = 0, late = 0;
    for (uint32_t i = 0; i < A->nseg; i++)
        if (A->segs[i].st == CS_ST_BLOCKED && fabs(A->segs[i].t0 - 0.5) < 1e-9 &&
            fabs(A->segs[i].t1 - 1.5) < 1e-9)
            blocked = 1;
    for (uint32_t i = 0; i < B->nseg; i++) {
        const cs_seg *s = &B->segs[i];
        if (s->st == CS_ST_READY && fabs(s->t0 - 0.5) < 1e-9 && fabs(s->t1 - 1.5) < 1e-9)
            late = 1;
    }
    ASSERT(blocked);
    ASSERT(late);
    cs_doc_free(&d);
    return 0;
}

/* The window of four: the queue never holds more than 4 items, is full
 * with putters waiting at some frame, and ends empty. */
TEST_IMPL(scenario_queue_window_slots)
{
    cs_doc d;
    ASSERT_EQ_INT(0, load(&d, "13-queue-window.json"));
    cs_model *M = &d.M;
    ASSERT_EQ_INT(1, M->nqueues);
    ASSERT_EQ_INT(4, M->queue_max[0]);
    uint32_t most = 0, full_waiting = 0;
    for (uint32_t f = 0; f < M->nframes; f++) {
        cs_model_seek(M, f);
        const cs_qstate *q = &M->st.queues[0];
        most = q->n > most ? q->n : most;
        if (q->n == 4 && q->nputters > 0)
            full_waiting++;
    }
    ASSERT_EQ_INT(4, most);
    ASSERT(full_waiting > 0);
    ASSERT_EQ_INT(0, M->st.queues[0].n);
    ASSERT_EQ_INT(0, ui_check_seeks(sim_trace_get(d.S), d.sc));
    cs_doc_free(&d);
    return 0;
}

/* Every bundled scenario folds into a model whose every frame narrates,
 * naming every function it speaks of. */
TEST_IMPL(scenario_all_narrate)
{
    char **titles, **files, err[512];
    int n = cs_doc_index(COROSCOPE_SCENARIOS, &titles, &files, err, sizeof err);
    ASSERT(n >= 19);
    for (int i = 0; i < n; i++) {
        if (strstr(files[i], "100k"))
            continue;  /* 4 million frames: the benchmark's job */
        cs_doc d;
        char buf[512], lerr[4096];
        ASSERT_EQ_INT(0, cs_doc_load(&d, files[i], lerr, sizeof lerr));
        for (uint32_t f = 0; f < d.M.nframes; f++) {
            cs_model_seek(&d.M, f);
            cs_narrate(&d.M, f, buf, sizeof buf);
            if (!buf[0])
                TEST_FAIL_("%s frame %u has no narration", files[i], f);
            if (strstr(buf, "?("))  /* a coroutine named before its first frame */
                TEST_FAIL_("%s frame %u names an unknown function: %s", files[i], f, buf);
        }
        cs_doc_free(&d);
    }
    cs_doc_index_free(titles, files, n);
    return 0;
}

/* A file that does not load leaves the doc empty and says where and why. */
TEST_IMPL(scenario_invalid_file_error)
{
    char path[1024], err[4096];
    snprintf(path, sizeof path, "%s/../tests/invalid/missing-comma.json", COROSCOPE_SCENARIOS);
    cs_doc d;
    ASSERT_EQ_INT(-1, cs_doc_load(&d, path, err, sizeof err));
    ASSERT_EQ_INT(0, d.loaded);
    ASSERT(strstr(err, "missing-comma.json:") != NULL);
    ASSERT(strstr(err, ": error: ") != NULL);
    cs_doc_free(&d);
    return 0;
}

/* Prediction mode on pieces: End stops at the first print, hidden; the
 * next forward move reveals it without moving; the one after goes on to
 * the second print. Backward moves and mode off hide nothing. */
TEST_IMPL(scenario_prediction_gate)
{
    cs_doc d;
    ASSERT_EQ_INT(0, load(&d, "03-pieces.json"));
    cs_model *M = &d.M;
    uint32_t p1 = find_ev(M, 0, SIM_EV_PRINT), p2 = find_ev(M, p1 + 1, SIM_EV_PRINT);
    ASSERT(p2 < M->nframes);
    int ask = 0;
    ASSERT_EQ_INT(p1, cs_predict_move(M, 1, 0, UINT32_MAX, &ask));
    ASSERT_EQ_INT(1, ask);
    ASSERT_EQ_INT(p1, cs_predict_move(M, 1, p1, p1 + 1, &ask));
    ASSERT_EQ_INT(0, ask);
    ASSERT_EQ_INT(p2, cs_predict_move(M, 1, p1, UINT32_MAX, &ask));
    ASSERT_EQ_INT(1, ask);
    ASSERT_EQ_INT(p1, cs_predict_move(M, 1, p2, p1, &ask));
    ASSERT_EQ_INT(0, ask);
    ASSERT_EQ_INT(M->nframes - 1, cs_predict_move(M, 0, 0, UINT32_MAX, &ask));
    ASSERT_EQ_INT(0, ask);
    cs_doc_free(&d);
    return 0;
}

/* outer awaits the task inner (Task-3): its lane says which task it
 * waits on, from the task the trace names in the awaited future. */
TEST_IMPL(scenario_waits_on_named_task)
{
    cs_doc d;
    char path[1024], err[4096];
    snprintf(path, sizeof path, "%s/../tests/conformance/124-cancel-awaiting-task.json",
             COROSCOPE_SCENARIOS);
    ASSERT_EQ_INT(0, cs_doc_load(&d, path, err, sizeof err));
    cs_model *M = &d.M;
    const cs_lane *L = cs_model_task_lane(M, task_named(M, "Task-2"));
    int found = 0;
    for (uint32_t i = 0; i < L->nseg; i++)
        if (L->segs[i].st == CS_ST_WAITING && L->segs[i].wait == CS_W_TASK)
            found = L->segs[i].arg == task_named(M, "Task-3");
    ASSERT(found);
    cs_doc_free(&d);
    return 0;
}

/* Hand-made loops: main's lane is split by the coroutine each send
 * advances, named by the variable main holds it in (two objects of drum,
 * tum and pak), so their random order shows on the timeline. */
TEST_IMPL(scenario_hand_driving_lane)
{
    cs_doc d;
    ASSERT_EQ_INT(0, load(&d, "17-hand-made-loops.json"));
    cs_model *M = &d.M;
    const cs_lane *L = cs_model_main_lane(M);
    int tum = 0, pak = 0, plain = 0;
    for (uint32_t i = 0; i < L->nseg; i++) {
        const cs_seg *s = &L->segs[i];
        if (s->st != CS_ST_RUNNING)
            continue;
        const char *var = s->arg > 0 ? M->coro_var[s->arg] : NULL;
        tum += var && !strcmp(var, "tum") && !strcmp(M->coro_name[s->arg], "drum");
        pak += var && !strcmp(var, "pak") && !strcmp(M->coro_name[s->arg], "drum");
        plain += s->arg < 0;
    }
    ASSERT(tum >= 2 && pak >= 2 && plain > 0);
    cs_doc_free(&d);
    return 0;
}

/* Column of event e on the steps axis (the run's end past the last). */
static double step_col(const cs_model *M, uint32_t e)
{
    return e < M->nframes ? M->col[e] : M->col_end;
}

/* Every print of a task happens while its lane says it runs, in a
 * running segment, its last step as wide as a step on the steps axis
 * (the task's end is drawn from the end of that step, not from its
 * return inside it): over the bundled scenarios and a run whose
 * second and last step prints. */
TEST_IMPL(scenario_prints_while_running)
{
    char **titles, **files, err[512];
    int n = cs_doc_index(COROSCOPE_SCENARIOS, &titles, &files, err, sizeof err);
    ASSERT(n >= 19);
    for (int i = 0; i <= n; i++) {
        char path[1024], lerr[4096];
        if (i < n && strstr(files[i], "100k"))
            continue;
        if (i == n)
            snprintf(path, sizeof path, "%s/37-final-step-lane.json", COROSCOPE_UI_SCENES);
        else
            snprintf(path, sizeof path, "%s", files[i]);
        cs_doc d;
        ASSERT_EQ_INT(0, cs_doc_load(&d, path, lerr, sizeof lerr));
        sim_trace_cursor C;
        sim_trace_cursor_init(&C, d.M.trace);
        for (uint32_t f = 0; f < d.M.nframes; f++) {
            const sim_event *e = sim_trace_at(&C, f);
            if (e->kind != SIM_EV_PRINT || e->task < 0)
                continue;
            const cs_seg *s = cs_lane_at(cs_model_task_lane(&d.M, e->task), f);
            if (!s || s->st != CS_ST_RUNNING)
                TEST_FAIL_("%s frame %u: %s prints while its lane says %s", path, f,
                           d.M.tasks[e->task].name, s ? cs_st_name(s->st) : "nothing");
            const cs_lane *L = cs_model_task_lane(&d.M, e->task);
            int last = s + 1 < L->segs + L->nseg && s[1].st >= CS_ST_DONE;
            if (last && step_col(&d.M, s->e1) - step_col(&d.M, s->e0) < 0.5)
                TEST_FAIL_("%s frame %u: %s prints in its last step, of no width", path, f,
                           d.M.tasks[e->task].name);
        }
        cs_doc_free(&d);
    }
    cs_doc_index_free(titles, files, n);
    return 0;
}

/* Ten tasks run one coroutine (job): the narration of a frame pushed in
 * a task names the task first, so "job awaits ..." is never ambiguous. */
TEST_IMPL(scenario_push_names_task)
{
    cs_doc d;
    ASSERT_EQ_INT(0, load(&d, "13-queue-window.json"));
    cs_model *M = &d.M;
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, M->trace);
    int checked = 0;
    for (uint32_t f = 0; f < M->nframes; f++) {
        sim_event e = *sim_trace_at(&C, f);
        if (e.kind != SIM_EV_FRAME_PUSH || e.c == 0 || e.task < 0)
            continue;
        char buf[512];
        cs_model_seek(M, f);
        cs_narrate(M, f, buf, sizeof buf);
        const char *name = M->tasks[e.task].name;
        if (strncmp(buf, name, strlen(name)) || buf[strlen(name)] != ' ')
            TEST_FAIL_("frame %u of %s: '%s'", f, name, buf);
        checked++;
    }
    ASSERT(checked >= 10);
    cs_doc_free(&d);
    return 0;
}

/* The narration of the first event of kind in file, into buf; 0, or -1
 * when the file does not load or has no such event. */
static int narrate_first(const char *file, int kind, char *buf, size_t n)
{
    cs_doc d;
    if (load(&d, file) != 0)
        return -1;
    uint32_t f = find_ev(&d.M, 0, kind);
    int rc = f < d.M.nframes ? 0 : -1;
    if (rc == 0) {
        cs_model_seek(&d.M, f);
        cs_narrate(&d.M, f, buf, n);
    }
    cs_doc_free(&d);
    return rc;
}

/* A loop call that raises into main is narrated so, not as returning:
 * run_until_complete of a task that failed raises its exception. */
TEST_IMPL(scenario_run_end_says_raised)
{
    char buf[512];
    ASSERT_EQ_INT(0, narrate_first("../tests/conformance/257-exception-in-main-task.json",
                                   SIM_EV_RUN_END, buf, sizeof buf));
    ASSERT(strstr(buf, "raises ZeroDivisionError") != NULL);
    ASSERT(strstr(buf, "returns") == NULL);
    ASSERT_EQ_INT(0, narrate_first("08-fork.json", SIM_EV_RUN_END, buf, sizeof buf));
    ASSERT(strstr(buf, "returns to main") != NULL);
    return 0;
}

/* Closing a coroutine main let go of, when it goes wrong, is narrated as
 * what Python logs. */
TEST_IMPL(scenario_dropped_close_narrated)
{
    char buf[512];
    ASSERT_EQ_INT(0, narrate_first("../tests/conformance/439-dropped-coroutines-are-closed.json",
                                   SIM_EV_WARNING, buf, sizeof buf));
    ASSERT(strstr(buf, "so it was closed") != NULL);
    ASSERT(strstr(buf, "<coroutine object stubborn>: RuntimeError: coroutine ignored "
                       "GeneratorExit") != NULL);
    return 0;
}

/* A frame keeps the arguments it was called with: down(n=3) under top(),
 * which has none. */
TEST_IMPL(scenario_frames_show_arguments)
{
    cs_doc d;
    ASSERT_EQ_INT(0, load(&d, "../tests/conformance/431-recursion-under-a-small-max-depth.json"));
    cs_model *M = &d.M;
    uint32_t pop = find_ev(M, 0, SIM_EV_FRAME_POP);
    ASSERT(pop < M->nframes);
    cs_model_seek(M, pop - 1);
    const sim_event e = cs_model_event(M, pop);
    const cs_stack *s = &M->st.stacks[cs_model_coro(M, e.coro)];
    ASSERT(s->n >= 3);
    ASSERT_EQ_STR("top", s->fr[0].name);
    ASSERT(s->fr[0].args == NULL);
    ASSERT_EQ_STR("down", s->fr[1].name);
    ASSERT_EQ_STR("n=3", s->fr[1].args);
    ASSERT_EQ_STR("n=2", s->fr[2].args);
    cs_doc_free(&d);
    return 0;
}

/* Every clock move of file is narrated by where it comes from: right
 * after a time.sleep (a BLOCK event) it says the sleep held the loop or
 * main's thread, never "Nothing is ready"; elsewhere it is the idle loop's
 * jump to its first timer. *nblock and *nidle count the two kinds. */
static int check_clock_narration(const char *path, int *nblock, int *nidle)
{
    cs_doc d;
    char buf[512], err[4096];
    ASSERT_EQ_INT(0, cs_doc_load(&d, path, err, sizeof err));
    cs_model *M = &d.M;
    for (uint32_t f = 1; f < M->nframes; f++) {
        if (cs_model_event(M, f).kind != SIM_EV_CLOCK)
            continue;
        int blocked = cs_model_event(M, f - 1).kind == SIM_EV_BLOCK;
        cs_model_seek(M, f);
        cs_narrate(M, f, buf, sizeof buf);
        if (blocked && (strstr(buf, "Nothing is ready") || !strstr(buf, "time.sleep(")
                        || !strstr(buf, "held the")))
            TEST_FAIL_("%s frame %u: a block's clock narrated as: %s", path, f, buf);
        if (!blocked && !strstr(buf, "Nothing is ready"))
            TEST_FAIL_("%s frame %u: the idle loop's clock narrated as: %s", path, f, buf);
        *(blocked ? nblock : nidle) += 1;
    }
    cs_doc_free(&d);
    return 0;
}

/* The famine lesson: a clock moved by time.sleep in a task (04-famine)
 * or in main outside any loop (81-block-in-main) is the sleep holding
 * everyone up, not the loop waiting for a timer. */
TEST_IMPL(scenario_block_clock_narrated)
{
    char path[1024], buf[512];
    int nblock = 0, nidle = 0;
    snprintf(path, sizeof path, "%s/04-famine.json", COROSCOPE_SCENARIOS);
    ASSERT_EQ_INT(0, check_clock_narration(path, &nblock, &nidle));
    ASSERT(nblock >= 2 && nidle >= 1);
    nblock = nidle = 0;
    snprintf(path, sizeof path, "%s/81-block-in-main.json", COROSCOPE_UI_SCENES);
    ASSERT_EQ_INT(0, check_clock_narration(path, &nblock, &nidle));
    ASSERT(nblock == 1 && nidle >= 1);
    cs_doc d;
    char err[4096];
    ASSERT_EQ_INT(0, cs_doc_load(&d, path, err, sizeof err));
    cs_model_seek(&d.M, 73);
    cs_narrate(&d.M, 73, buf, sizeof buf);
    ASSERT(strstr(buf, "main's time.sleep(0.5) held the thread") != NULL);
    ASSERT(strstr(buf, "from t=0 to t=0.5") != NULL);
    cs_doc_free(&d);
    return 0;
}

/* Every yield of a hand-driven coroutine in file, narrated: one that
 * answers the GeneratorExit of a close (the last throw into it) says
 * close() fails, never that send() returns the value; the others that
 * main's send() gets it. *nclose and *nsend count the two. */
static int check_close_yields(const char *file, int *nclose, int *nsend)
{
    cs_doc d;
    char buf[512];
    ASSERT_EQ_INT(0, load(&d, file));
    cs_model *M = &d.M;
    const char *last[64] = {0};  /* kind of the last send / throw per coro */
    for (uint32_t f = 0; f < M->nframes; f++) {
        const sim_event e = cs_model_event(M, f);
        if (e.coro < 0 || e.coro >= 64)
            continue;
        if (e.kind == SIM_EV_SEND)
            last[e.coro] = "send";
        else if (e.kind == SIM_EV_THROW)
            last[e.coro] = cs_model_str(M, e.a);
        if (e.kind != SIM_EV_YIELD || M->coro_task[cs_model_coro(M, e.coro)] >= 0)
            continue;
        cs_model_seek(M, f);
        cs_narrate(M, f, buf, sizeof buf);
        int closing = last[e.coro] && !strcmp(last[e.coro], "GeneratorExit");
        if (closing && (!strstr(buf, "instead of finishing") || strstr(buf, "send()") ||
                        !strstr(buf, "coroutine ignored GeneratorExit")))
            TEST_FAIL_("%s frame %u: a yield to a close narrated as: %s", file, f, buf);
        if (!closing && !strstr(buf, "send() returns it"))
            TEST_FAIL_("%s frame %u: a yield to main's send narrated as: %s", file, f, buf);
        *(closing ? nclose : nsend) += 1;
    }
    cs_doc_free(&d);
    return 0;
}

/* A coroutine main let go of yields again while GeneratorExit closes
 * it: no send() runs, so the yield is what makes close() fail (main's
 * assignment closes stub(), or a task's frame that returns lets fin()
 * go while the task runs). */
TEST_IMPL(scenario_yield_in_close_narrated)
{
    int nclose = 0, nsend = 0;
    ASSERT_EQ_INT(0, check_close_yields("../tests/conformance/443-failed-close-closes-what-"
                                        "it-awaits.json", &nclose, &nsend));
    ASSERT(nclose == 1 && nsend >= 1);
    nclose = nsend = 0;
    ASSERT_EQ_INT(0, check_close_yields("../tests/conformance/448-failed-close-cancels-its-"
                                        "timer.json", &nclose, &nsend));
    ASSERT(nclose == 1);
    nclose = nsend = 0;
    ASSERT_EQ_INT(0, check_close_yields("../tests/conformance/439-dropped-coroutines-are-"
                                        "closed.json", &nclose, &nsend));
    ASSERT(nclose == 2 && nsend >= 2);
    return 0;
}

/* At each yield of a coroutine main drives by hand in file, main's
 * current line (the Source panel's) is the yielding frame's, as a task's
 * is at its yield: the send is still under way. *n counts them. */
static int check_yield_lines(const char *file, int *n)
{
    cs_doc d;
    ASSERT_EQ_INT(0, load(&d, file));
    cs_model *M = &d.M;
    for (uint32_t f = 0; f < M->nframes; f++) {
        const sim_event e = cs_model_event(M, f);
        if (e.kind != SIM_EV_YIELD || e.task >= 0 || e.loop != 0)
            continue;
        cs_model_seek(M, f);
        const cs_stack *s = &M->st.stacks[cs_model_coro(M, e.coro)];
        ASSERT(e.c >= 0 && (uint32_t)e.c < s->n && s->fr[e.c].line > 0);
        if (cs_model_task_line(M, -1) != s->fr[e.c].line)
            TEST_FAIL_("%s frame %u: main's line %d, the yield's %d", file, f,
                       cs_model_task_line(M, -1), s->fr[e.c].line);
        ASSERT(M->st.main_inside);  /* the stack panel shows the frame running */
        (*n)++;
    }
    cs_doc_free(&d);
    return 0;
}

/* The Source panel follows a send down to its yield: 07's Mailbox and
 * 06's W1 yield at their own lines, not at main's c.send() line. */
TEST_IMPL(scenario_source_follows_hand_yield)
{
    int n = 0;
    ASSERT_EQ_INT(0, check_yield_lines("07-two-way-send.json", &n));
    ASSERT(n >= 2);
    n = 0;
    ASSERT_EQ_INT(0, check_yield_lines("06-stack-w1-w4.json", &n));
    ASSERT(n >= 2);
    return 0;
}

/* The picker opens on the scenario that is open: its entry in the index
 * is found however its path is spelled; a file not in the index has none. */
TEST_IMPL(scenario_picker_finds_open)
{
    char **titles, **files, err[512], path[1024];
    int n = cs_doc_index(COROSCOPE_SCENARIOS, &titles, &files, err, sizeof err);
    ASSERT(n > 10);
    int want = -1;
    for (int i = 0; i < n; i++)
        if (strstr(files[i], "10-task-outcomes.json"))
            want = i;
    ASSERT(want > 0);
    snprintf(path, sizeof path, "%s/../scenarios/./10-task-outcomes.json", COROSCOPE_SCENARIOS);
    ASSERT_EQ_INT(want, cs_doc_index_find(files, n, path));
    snprintf(path, sizeof path, "%s/../tests/ui/scenes/68-ruc-forever.json", COROSCOPE_SCENARIOS);
    ASSERT_EQ_INT(-1, cs_doc_index_find(files, n, path));
    ASSERT_EQ_INT(-1, cs_doc_index_find(files, n, "/nonexistent.json"));
    cs_doc_index_free(titles, files, n);
    return 0;
}
