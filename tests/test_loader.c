/*
 * test_loader.c -- the loader (loader.h): a scenario using every verb and
 * target, converted and resolved; one test per kind of mistake with the
 * exact diagnostic; the fixtures of tests/invalid; truncated and mutated
 * files, which must always come back cleanly.
 *
 * Scenario texts are written with ` for " to stay readable.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "jsonpos.h"
#include "loader.h"
#include "bigint.h"
#include "test.h"

/* src with every ` turned into "; malloc'ed, the caller frees it. */
static char *json_of(const char *src)
{
    size_t n = strlen(src);
    char *s = malloc(n + 1);
    for (size_t i = 0; i <= n; i++)
        s[i] = src[i] == '`' ? '"' : src[i];
    return s;
}

/* Load src (backticks for quotes) as "t.json". */
static sim_scenario *load(const char *src, sim_diags *d)
{
    char *text = json_of(src);
    sim_scenario *sc = sim_scenario_load_text("t.json", text, strlen(text), d);
    free(text);
    return sc;
}

static void print_diags(const sim_diags *d)
{
    for (int i = 0; i < d->n; i++)
        fprintf(stderr, "    diag: %s\n", d->msg[i]);
}

/* 0 when loading src fails with exactly the one diagnostic want. */
static int diag_is(const char *src, const char *want)
{
    sim_diags d = {0};
    sim_scenario *sc = load(src, &d);
    int ok = !sc && d.n == 1 && !strcmp(d.msg[0], want);
    if (!ok) {
        fprintf(stderr, "    want: %s\n", want);
        print_diags(&d);
    }
    sim_scenario_free(sc);
    sim_diags_free(&d);
    return !ok;
}

/* 0 when loading src fails and its first diagnostic starts with want. */
static int diag_starts(const char *src, const char *want)
{
    sim_diags d = {0};
    sim_scenario *sc = load(src, &d);
    int ok = !sc && d.n >= 1 && !strncmp(d.msg[0], want, strlen(want));
    if (!ok) {
        fprintf(stderr, "    want prefix: %s\n", want);
        print_diags(&d);
    }
    sim_scenario_free(sc);
    sim_diags_free(&d);
    return !ok;
}

/* 0 when src loads without a diagnostic. */
static int loads_ok(const char *src)
{
    sim_diags d = {0};
    sim_scenario *sc = load(src, &d);
    print_diags(&d);
    int ok = sc != NULL && d.n == 0;
    sim_scenario_free(sc);
    sim_diags_free(&d);
    return !ok;
}

#define EXPECT_DIAG(src, want) ASSERT(diag_is((src), (want)) == 0)
#define EXPECT_LOADS(src) ASSERT(loads_ok(src) == 0)
#define EXPECT_DIAG_PREFIX(src, want) ASSERT(diag_starts((src), (want)) == 0)

/* The first SIM_E_NAME / NOW / TASKNAME node of e (depth first) whose
 * id is id, or NULL; works whatever shape the parser gives the tree. */
static const sim_expr *find_name(const sim_expr *e, const char *id)
{
    if (!e)
        return NULL;
    if ((e->kind == SIM_E_NAME || e->kind == SIM_E_NOW || e->kind == SIM_E_TASKNAME) &&
        e->name.id && !strcmp(e->name.id, id))
        return e;
    const sim_expr *r = find_name(e->a, id);
    if (!r)
        r = find_name(e->b, id);
    for (int i = 0; !r && e->kind == SIM_E_LIST && i < e->n; i++)
        r = find_name(e->items[i], id);
    return r;
}

/* The same over the fields of a print template. */
static const sim_expr *tmpl_name(const sim_tmpl *t, const char *id)
{
    for (int i = 0; t && i < t->n; i++) {
        const sim_expr *e = find_name(t->parts[i].e, id);
        if (e)
            return e;
    }
    return NULL;
}

/* Line and column (1-based, characters) of the first needle in src. */
static void where(const char *src, const char *needle, int *line, int *col)
{
    char *text = json_of(src), *nd = json_of(needle);
    const char *p = strstr(text, nd);
    *line = *col = 0;
    if (p)
        sim_jpos_linecol(text, (size_t)(p - text), line, col);
    free(text);
    free(nd);
}

/* ---- a scenario with every verb and target in its place ------------- */

static const char FULL[] =
    "{`format`: `coroscope-scenario/1`, `name`: `everything`,\n"
    " `title`: `All verbs`, `description`: `Every statement once`,\n"
    " `source`: [`l1`, `l2`, `l3`, `l4`, `l5`, `l6`, `l7`, `l8`, `l9`, `l10`],\n"
    " `_comment`: `ignored`,\n"
    " `coroutines`: {\n"
    "  `c1`: {`params`: [`x`], `body`: [\n"
    "    {`print`: `c1 {x} {now}`, `line`: 2},\n"
    "    {`set`: `y`, `value`: `=x + 1`},\n"
    "    {`sleep`: 0.5},\n"
    "    {`block`: 1},\n"
    "    {`await`: {`call`: `c2`, `args`: []}, `as`: `r`},\n"
    "    {`await`: {`awaitable`: `w1`, `args`: [1]}},\n"
    "    {`await`: {`task`: `t`}},\n"
    "    {`await`: {`sleep`: `=y`}},\n"
    "    {`await`: {`gather`: [{`call`: `c2`}, {`task`: `t`}, {`sleep`: 0}],\n"
    "               `return_exceptions`: true}, `as`: `all`},\n"
    "    {`await`: {`queue_get`: `q`}, `as`: `item`},\n"
    "    {`await`: {`queue_put`: `q`, `value`: [1, `two`, `=y`]}},\n"
    "    {`try`: [{`raise`: `MyError`, `message`: `boom`}],\n"
    "     `except`: [{`type`: [`ValueError`, `MyError`], `as`: `e`, `body`: [{`raise`: null}]},\n"
    "                {`body`: [{`print`: `bare`}]}],\n"
    "     `finally`: [{`print`: `fin`}]},\n"
    "    {`if`: `=y > 1`, `then`: [{`return`: `=y`}], `else`: [{`cancel`: `t`}]},\n"
    "    {`repeat`: 3, `var`: `i`, `body`: [{`if`: true, `then`: [{`break`: true}]}]},\n"
    "    {`repeat`: null, `body`: [{`break`: true}]},\n"
    "    {`create_task`: {`call`: `c2`}, `as`: `t2`},\n"
    "    {`call`: `c2`, `args`: []},\n"
    "    {`stop_loop`: true},\n"
    "    {`queue_put_nowait`: `q`, `value`: 5},\n"
    "    {`queue_get_nowait`: `q`, `as`: `z`},\n"
    "    {`return`: null}\n"
    "  ]},\n"
    "  `c2`: {`body`: [{`return`: 7}]}\n"
    " },\n"
    " `awaitables`: {\n"
    "  `w1`: {`params`: [`n`], `body`: [{`yield`: null, `as`: `got`}, {`return`: `=n`}]}\n"
    " },\n"
    " `queues`: {`q`: {`maxsize`: 2}, `q0`: {}},\n"
    " `main`: [\n"
    "   {`set`: `t`, `value`: null},\n"
    "   {`create_task`: {`call`: `c1`, `args`: [1]}, `as`: `t`, `line`: 9},\n"
    "   {`run_until_complete`: {`task`: `t`}, `as`: `res`},\n"
    "   {`run_forever`: true},\n"
    "   {`new_loop`: true},\n"
    "   {`asyncio_run`: {`call`: `c1`, `args`: [2]}, `as`: `res2`},\n"
    "   {`task_result`: `t`, `as`: `tr`},\n"
    "   {`task_exception`: `t`, `as`: `te`},\n"
    "   {`coroutine`: {`call`: `c2`}, `as`: `co`},\n"
    "   {`coroutine`: {`awaitable`: `w1`, `args`: [3]}, `as`: `aw`},\n"
    "   {`send`: `co`, `value`: null, `as`: `y`},\n"
    "   {`drive`: [`co`, `aw`], `policy`: `random`, `seed`: 42, `as`: `out`},\n"
    "   {`drive`: [`co`], `policy`: `round_robin`},\n"
    "   {`print`: `{task_name} {now} {missing}`}\n"
    " ],\n"
    " `limits`: {`max_steps`: 5000, `max_time`: 60, `max_depth`: 50},\n"
    " `expect`: {`prints`: [], `_note`: `x`, `end`: {`status`: `completed`}}\n"
    "}\n";

static int verbs_are(const sim_block *b, const int *want, int n)
{
    if (b->n != n)
        return 0;
    for (int i = 0; i < n; i++)
        if (b->s[i].verb != want[i])
            return 0;
    return 1;
}

static int names_are(const char *const *v, int n, const char *const *want, int nw)
{
    if (n != nw)
        return 0;
    for (int i = 0; i < n; i++)
        if (strcmp(v[i], want[i]))
            return 0;
    return 1;
}

TEST_IMPL(loader_valid_header)
{
    sim_diags d = {0};
    sim_scenario *sc = load(FULL, &d);
    print_diags(&d);
    ASSERT(sc != NULL);
    ASSERT_EQ_INT(0, d.n);
    ASSERT_EQ_STR("t.json", sc->path);
    ASSERT_EQ_STR("everything", sc->name);
    ASSERT_EQ_STR("All verbs", sc->title);
    ASSERT_EQ_STR("Every statement once", sc->description);
    ASSERT_EQ_INT(10, sc->nsource);
    ASSERT_EQ_STR("l10", sc->source[9]);
    ASSERT_EQ_INT(5000, sc->limits.max_steps);
    ASSERT_NEAR(60.0, sc->limits.max_time, 0);
    ASSERT_EQ_INT(50, sc->limits.max_depth);
    ASSERT_EQ_STR("{\"prints\":[],\"end\":{\"status\":\"completed\"}}", sc->expect_json);
    ASSERT_EQ_INT(2, sc->nqueues);
    ASSERT_EQ_STR("q", sc->queues[0].name);
    ASSERT_EQ_INT(2, sc->queues[0].maxsize);
    ASSERT_EQ_INT(0, sc->queues[0].global);
    ASSERT_EQ_INT(0, sc->queues[1].maxsize);
    ASSERT_EQ_INT(1, sc->queues[1].global);
    static const char *const globals[] = {"q", "q0", "t", "res", "res2", "tr",
                                          "te", "co", "aw", "y", "out"};
    ASSERT(names_are(sc->globals, sc->nglobals, globals, 11));
    ASSERT_EQ_INT(SIM_EXC_NBUILTIN + 1, sc->types.n);
    ASSERT_EQ_STR("MyError", sc->types.t[SIM_EXC_NBUILTIN].name);
    sim_scenario_free(sc);
    return 0;
}

TEST_IMPL(loader_valid_functions)
{
    sim_diags d = {0};
    sim_scenario *sc = load(FULL, &d);
    ASSERT(sc != NULL);
    ASSERT_EQ_INT(3, sc->nfuncs);
    const sim_func *c1 = &sc->funcs[0], *c2 = &sc->funcs[1], *w1 = &sc->funcs[2];
    ASSERT_EQ_STR("c1", c1->name);
    ASSERT_EQ_INT(SIM_F_COROUTINE, c1->kind);
    ASSERT_EQ_INT(1, c1->nparams);
    static const char *const l1[] = {"x", "y", "r", "all", "item", "e", "i", "t2", "z"};
    ASSERT(names_are(c1->locals, c1->nlocals, l1, 9));
    ASSERT_EQ_STR("c2", c2->name);
    ASSERT_EQ_INT(0, c2->nlocals);
    ASSERT_EQ_STR("w1", w1->name);
    ASSERT_EQ_INT(SIM_F_AWAITABLE, w1->kind);
    static const char *const lw[] = {"n", "got"};
    ASSERT(names_are(w1->locals, w1->nlocals, lw, 2));
    ASSERT_EQ_INT(SIM_F_MAIN, sc->main.kind);
    ASSERT_EQ_INT(0, sc->main.nlocals);
    static const int v1[] = {
        SIM_S_PRINT, SIM_S_SET, SIM_S_SLEEP, SIM_S_BLOCK, SIM_S_AWAIT, SIM_S_AWAIT,
        SIM_S_AWAIT, SIM_S_AWAIT, SIM_S_AWAIT, SIM_S_AWAIT, SIM_S_AWAIT, SIM_S_TRY,
        SIM_S_IF, SIM_S_REPEAT, SIM_S_REPEAT, SIM_S_CREATE_TASK, SIM_S_CALL,
        SIM_S_STOP_LOOP, SIM_S_QPUT_NOWAIT, SIM_S_QGET_NOWAIT, SIM_S_RETURN};
    ASSERT(verbs_are(&c1->body, v1, 21));
    static const int vw[] = {SIM_S_YIELD, SIM_S_RETURN};
    ASSERT(verbs_are(&w1->body, vw, 2));
    static const int vm[] = {
        SIM_S_SET, SIM_S_CREATE_TASK, SIM_S_RUN_UNTIL_COMPLETE, SIM_S_RUN_FOREVER,
        SIM_S_NEW_LOOP, SIM_S_ASYNCIO_RUN, SIM_S_TASK_RESULT, SIM_S_TASK_EXCEPTION,
        SIM_S_COROUTINE, SIM_S_COROUTINE, SIM_S_SEND, SIM_S_DRIVE, SIM_S_DRIVE, SIM_S_PRINT};
    ASSERT(verbs_are(&sc->main.body, vm, 14));
    const sim_stmt *y = &w1->body.s[0];
    ASSERT_EQ_INT(SIM_E_CONST, y->expr->kind);
    ASSERT_EQ_INT(SIM_NONE, y->expr->k.type);
    ASSERT_EQ_INT(1, y->as.local);
    sim_scenario_free(sc);
    return 0;
}

TEST_IMPL(loader_valid_coroutine_statements)
{
    sim_diags d = {0};
    sim_scenario *sc = load(FULL, &d);
    ASSERT(sc != NULL);
    const sim_stmt *s = sc->funcs[0].body.s;
    /* print with a line, its fields resolved */
    ASSERT_EQ_INT(2, s[0].line);
    ASSERT_EQ_INT(0, tmpl_name(s[0].tmpl, "x")->name.local);
    ASSERT_EQ_INT(SIM_E_NOW, tmpl_name(s[0].tmpl, "now")->kind);
    /* set: target local 1 (also a global of main), value reads x */
    ASSERT_EQ_STR("y", s[1].name.id);
    ASSERT_EQ_INT(1, s[1].name.local);
    ASSERT_EQ_INT(9, s[1].name.global);
    ASSERT_EQ_INT(0, find_name(s[1].expr, "x")->name.local);
    ASSERT_EQ_INT(-1, find_name(s[1].expr, "x")->name.global);
    ASSERT_EQ_INT(SIM_FLOAT, s[2].expr->k.type);
    ASSERT_NEAR(0.5, s[2].expr->k.u.f, 0);
    ASSERT_EQ_INT(SIM_INT, s[3].expr->k.type);
    /* await targets */
    ASSERT_EQ_INT(SIM_T_CALL, s[4].target.kind);
    ASSERT_EQ_INT(1, s[4].target.call.func);
    ASSERT_EQ_INT(0, s[4].target.call.awaitable);
    ASSERT_EQ_INT(2, s[4].as.local);
    ASSERT_EQ_INT(2, s[5].target.call.func);
    ASSERT_EQ_INT(1, s[5].target.call.awaitable);
    ASSERT_EQ_INT(1, s[5].target.call.nargs);
    ASSERT_EQ_INT(1, s[5].target.call.args[0]->k.u.i);
    ASSERT_EQ_INT(-1, s[5].as.local);
    ASSERT_EQ_INT(SIM_T_TASK, s[6].target.kind);
    ASSERT_EQ_INT(-1, s[6].target.name.local);
    ASSERT_EQ_INT(2, s[6].target.name.global);
    ASSERT_EQ_INT(SIM_T_SLEEP, s[7].target.kind);
    ASSERT_EQ_INT(1, find_name(s[7].target.expr, "y")->name.local);
    ASSERT_EQ_INT(SIM_T_GATHER, s[8].target.kind);
    ASSERT_EQ_INT(3, s[8].target.n);
    ASSERT_EQ_INT(1, s[8].target.return_exceptions);
    ASSERT_EQ_INT(SIM_T_CALL, s[8].target.items[0].kind);
    ASSERT_EQ_INT(SIM_T_TASK, s[8].target.items[1].kind);
    ASSERT_EQ_INT(SIM_T_SLEEP, s[8].target.items[2].kind);
    ASSERT_EQ_INT(3, s[8].as.local);
    ASSERT_EQ_INT(SIM_T_QGET, s[9].target.kind);
    ASSERT_EQ_INT(sc->queues[0].global, s[9].target.queue.global);
    ASSERT_EQ_INT(-1, s[9].target.queue.local);
    ASSERT_EQ_INT(4, s[9].as.local);
    ASSERT_EQ_INT(SIM_T_QPUT, s[10].target.kind);
    ASSERT_EQ_INT(SIM_E_LIST, s[10].target.expr->kind);
    ASSERT_EQ_INT(3, s[10].target.expr->n);
    ASSERT_EQ_INT(SIM_STR, s[10].target.expr->items[1]->k.type);
    ASSERT_EQ_STR("two", s[10].target.expr->items[1]->k.u.s->data);
    ASSERT(find_name(s[10].target.expr, "y") != NULL);
    sim_scenario_free(sc);
    return 0;
}

TEST_IMPL(loader_valid_control_flow)
{
    sim_diags d = {0};
    sim_scenario *sc = load(FULL, &d);
    ASSERT(sc != NULL);
    const sim_stmt *s = sc->funcs[0].body.s;
    const sim_stmt *t = &s[11];
    ASSERT_EQ_INT(1, t->body.n);
    ASSERT_EQ_INT(SIM_S_RAISE, t->body.s[0].verb);
    ASSERT_EQ_INT(SIM_EXC_NBUILTIN, t->body.s[0].exc_type);
    ASSERT_EQ_STR("boom", t->body.s[0].expr->k.u.s->data);
    ASSERT_EQ_INT(2, t->nhandlers);
    ASSERT_EQ_INT(2, t->handlers[0].ntypes);
    ASSERT_EQ_INT(SIM_EXC_VALUEERROR, t->handlers[0].types[0]);
    ASSERT_EQ_INT(SIM_EXC_NBUILTIN, t->handlers[0].types[1]);
    ASSERT_EQ_INT(5, t->handlers[0].as.local);
    ASSERT_EQ_INT(-1, t->handlers[0].body.s[0].exc_type);
    ASSERT(t->handlers[0].body.s[0].expr == NULL);
    ASSERT_EQ_INT(0, t->handlers[1].ntypes);
    ASSERT(t->handlers[1].as.id == NULL);
    ASSERT_EQ_INT(1, t->finally.n);
    ASSERT_EQ_INT(SIM_S_RETURN, s[12].body.s[0].verb);
    ASSERT_EQ_INT(SIM_S_CANCEL, s[12].orelse.s[0].verb);
    ASSERT_EQ_INT(2, s[12].orelse.s[0].name.global);
    ASSERT_EQ_INT(3, s[13].expr->k.u.i);
    ASSERT_EQ_INT(6, s[13].as.local);
    ASSERT_EQ_INT(SIM_S_BREAK, s[13].body.s[0].body.s[0].verb);
    ASSERT(s[14].expr == NULL);
    ASSERT_EQ_INT(1, s[15].call.func);
    ASSERT_EQ_INT(7, s[15].as.local);
    ASSERT_EQ_INT(1, s[16].call.func);
    ASSERT_EQ_INT(0, s[16].call.nargs);
    ASSERT_EQ_INT(sc->queues[0].global, s[18].queue.global);
    ASSERT_EQ_INT(5, s[18].expr->k.u.i);
    ASSERT_EQ_INT(8, s[19].as.local);
    ASSERT_EQ_INT(SIM_NONE, s[20].expr->k.type);
    sim_scenario_free(sc);
    return 0;
}

TEST_IMPL(loader_valid_main_statements)
{
    sim_diags d = {0};
    sim_scenario *sc = load(FULL, &d);
    ASSERT(sc != NULL);
    const sim_stmt *m = sc->main.body.s;
    ASSERT_EQ_INT(2, m[0].name.global);
    ASSERT_EQ_INT(-1, m[0].name.local);
    ASSERT_EQ_INT(9, m[1].line);
    ASSERT_EQ_INT(0, m[1].call.func);
    ASSERT_EQ_INT(1, m[1].call.nargs);
    ASSERT_EQ_INT(2, m[1].as.global);
    ASSERT_EQ_INT(SIM_T_TASK, m[2].target.kind);
    ASSERT_EQ_INT(3, m[2].as.global);
    ASSERT_EQ_INT(0, m[5].call.func);
    ASSERT_EQ_INT(2, m[6].name.global);
    ASSERT_EQ_INT(5, m[6].as.global);
    ASSERT_EQ_INT(6, m[7].as.global);
    ASSERT_EQ_INT(1, m[8].call.func);
    ASSERT_EQ_INT(2, m[9].call.func);
    ASSERT_EQ_INT(1, m[9].call.awaitable);
    ASSERT_EQ_INT(7, m[10].name.global);
    ASSERT_EQ_INT(SIM_NONE, m[10].expr->k.type);
    ASSERT_EQ_INT(9, m[10].as.global);
    ASSERT_EQ_INT(2, m[11].ndrive);
    ASSERT_EQ_INT(7, m[11].drive[0].global);
    ASSERT_EQ_INT(8, m[11].drive[1].global);
    ASSERT_EQ_INT(SIM_DRIVE_RANDOM, m[11].policy);
    ASSERT_EQ_INT(42, m[11].expr->k.u.i);
    ASSERT_EQ_INT(10, m[11].as.global);
    ASSERT_EQ_INT(SIM_DRIVE_ROUND_ROBIN, m[12].policy);
    ASSERT(m[12].expr == NULL);
    ASSERT(m[12].as.id == NULL);
    ASSERT_EQ_INT(SIM_E_TASKNAME, tmpl_name(m[13].tmpl, "task_name")->kind);
    ASSERT_EQ_INT(SIM_E_NOW, tmpl_name(m[13].tmpl, "now")->kind);
    const sim_expr *miss = tmpl_name(m[13].tmpl, "missing");
    ASSERT_EQ_INT(SIM_E_NAME, miss->kind);
    ASSERT_EQ_INT(-1, miss->name.local);
    ASSERT_EQ_INT(-1, miss->name.global);
    sim_scenario_free(sc);
    return 0;
}

TEST_IMPL(loader_valid_positions)
{
    sim_diags d = {0};
    sim_scenario *sc = load(FULL, &d);
    ASSERT(sc != NULL);
    const sim_stmt *s = sc->funcs[0].body.s;
    ASSERT_EQ_INT(7, s[0].jline);
    ASSERT_EQ_INT(5, s[0].jcol);
    ASSERT_EQ_INT(15, s[8].jline);
    ASSERT_EQ_INT(5, s[8].jcol);
    int line, col;
    where(FULL, "{`break`: true}]}]}", &line, &col);
    ASSERT_EQ_INT(line, s[13].body.s[0].body.s[0].jline);
    ASSERT_EQ_INT(col, s[13].body.s[0].body.s[0].jcol);
    where(FULL, "{`raise`: null}", &line, &col);
    ASSERT_EQ_INT(line, s[11].handlers[0].body.s[0].jline);
    ASSERT_EQ_INT(col, s[11].handlers[0].body.s[0].jcol);
    where(FULL, "{`print`: `{task_name}", &line, &col);
    ASSERT_EQ_INT(line, sc->main.body.s[13].jline);
    ASSERT_EQ_INT(col, sc->main.body.s[13].jcol);
    ASSERT_EQ_INT(4, col);
    sim_scenario_free(sc);
    return 0;
}

/* ---- smaller valid scenarios ----------------------------------------- */

#define HEAD "{`format`: `coroscope-scenario/1`, `name`: `t`,\n"

TEST_IMPL(loader_defaults)
{
    sim_diags d = {0};
    sim_scenario *sc = load(HEAD " `main`: []}", &d);
    ASSERT(sc != NULL);
    ASSERT_EQ_INT(10000000, sc->limits.max_steps);
    ASSERT_NEAR(86400.0, sc->limits.max_time, 0);
    ASSERT_EQ_INT(1000, sc->limits.max_depth);
    ASSERT(sc->expect_json == NULL);
    ASSERT(sc->title == NULL);
    ASSERT_EQ_INT(0, sc->nfuncs);
    ASSERT_EQ_INT(0, sc->nglobals);
    ASSERT_EQ_INT(0, sc->main.body.n);
    ASSERT_EQ_INT(SIM_EXC_NBUILTIN, sc->types.n);
    sim_scenario_free(sc);
    return 0;
}

/* integers stay ints (a bigint past int64, as Python's json reads them);
 * other numbers are finite floats */
TEST_IMPL(loader_numbers)
{
    sim_diags d = {0};
    sim_scenario *sc = load(HEAD " `main`: [{`set`: `a`, `value`: [9223372036854775807, "
                                 "-9223372036854775808, 9223372036854775807.0, 1.0, 1e2, -0, "
                                 "true, null, ``]}]}", &d);
    print_diags(&d);
    ASSERT(sc != NULL);
    const sim_expr *l = sc->main.body.s[0].expr;
    ASSERT_EQ_INT(9, l->n);
    ASSERT_EQ_INT(SIM_INT, l->items[0]->k.type);
    ASSERT(l->items[0]->k.u.i == INT64_MAX);
    ASSERT_EQ_INT(SIM_INT, l->items[1]->k.type);
    ASSERT(l->items[1]->k.u.i == INT64_MIN);
    ASSERT_EQ_INT(SIM_FLOAT, l->items[2]->k.type);
    ASSERT_NEAR(9223372036854775808.0, l->items[2]->k.u.f, 0);
    ASSERT_EQ_INT(SIM_FLOAT, l->items[3]->k.type);
    ASSERT_EQ_INT(SIM_FLOAT, l->items[4]->k.type);
    ASSERT_NEAR(100.0, l->items[4]->k.u.f, 0);
    ASSERT_EQ_INT(SIM_INT, l->items[5]->k.type);
    ASSERT_EQ_INT(SIM_BOOL, l->items[6]->k.type);
    ASSERT_EQ_INT(SIM_NONE, l->items[7]->k.type);
    ASSERT_EQ_INT(SIM_STR, l->items[8]->k.type);
    sim_scenario_free(sc);
    sc = load(HEAD " `main`: [{`set`: `a`, `value`: [9223372036854775808, "
                   "-123456789012345678901234567890]}]}", &d);
    print_diags(&d);
    ASSERT(sc != NULL);
    l = sc->main.body.s[0].expr;
    ASSERT_EQ_INT(SIM_BIG, l->items[0]->k.type);
    ASSERT_EQ_INT(SIM_BIG, l->items[1]->k.type);
    ASSERT_EQ_INT(-1, l->items[1]->k.u.big->sign);
    sim_scenario_free(sc);
    return 0;
}

/* A name a function binds anywhere is its local, even where it is used
 * before its binding; now bound by main is main's variable everywhere. */
TEST_IMPL(loader_name_resolution)
{
    sim_diags d = {0};
    sim_scenario *sc = load(HEAD
        " `coroutines`: {`c`: {`params`: [`p`], `body`: [\n"
        "   {`print`: `{v} {p} {now} {g}`},\n"
        "   {`repeat`: 2, `var`: `v`, `body`: []}]}},\n"
        " `queues`: {`q`: {}},\n"
        " `main`: [{`set`: `now`, `value`: 1}, {`set`: `g`, `value`: `=q`},\n"
        "          {`print`: `{now}`}, {`coroutine`: {`call`: `c`, `args`: [0]}, `as`: `co`}]}",
        &d);
    print_diags(&d);
    ASSERT(sc != NULL);
    const sim_tmpl *t = sc->funcs[0].body.s[0].tmpl;
    ASSERT_EQ_INT(1, tmpl_name(t, "v")->name.local);
    ASSERT_EQ_INT(0, tmpl_name(t, "p")->name.local);
    ASSERT_EQ_INT(SIM_E_NAME, tmpl_name(t, "now")->kind);
    ASSERT_EQ_INT(-1, tmpl_name(t, "now")->name.local);
    ASSERT_EQ_INT(1, tmpl_name(t, "now")->name.global);
    ASSERT_EQ_INT(2, tmpl_name(t, "g")->name.global);
    ASSERT_EQ_INT(0, find_name(sc->main.body.s[1].expr, "q")->name.global);
    ASSERT_EQ_INT(SIM_E_NAME, tmpl_name(sc->main.body.s[2].tmpl, "now")->kind);
    sim_scenario_free(sc);
    return 0;
}

/* Columns count characters (é is one, a tab is one); lines count \n. */
TEST_IMPL(loader_positions_unicode)
{
    EXPECT_DIAG(HEAD "\t`main`: [{`print`: `é`}, {`slep`: 1}]}",
                "t.json:2:28: error: unknown statement verb 'slep'; expected one of print, set, "
                "sleep, block, await, yield, return, raise, try, if, repeat, break, create_task, "
                "cancel, call, stop_loop, queue_put_nowait, queue_get_nowait, run_until_complete, "
                "run_forever, asyncio_run, new_loop, task_result, task_exception, coroutine, send, "
                "drive (did you mean 'sleep'?)");
    return 0;
}

/* The column of a character inside a string counts escapes as written. */
TEST_IMPL(loader_string_columns)
{
    const char *text = "  \"a\\u00e9\\n\\uD83D\\uDE00b\"";
    sim_jposmap m = {0};
    sim_jpos_error e;
    ASSERT_EQ_INT(0, sim_jpos_scan(text, strlen(text), &m, &e));
    ASSERT_EQ_INT(1, (int)m.n);
    ASSERT_EQ_INT(3, m.v[0].col);
    ASSERT_EQ_INT(4, sim_jpos_strcol(text, &m.v[0], 0));   /* a */
    ASSERT_EQ_INT(5, sim_jpos_strcol(text, &m.v[0], 1));   /* \u00e9 */
    ASSERT_EQ_INT(5, sim_jpos_strcol(text, &m.v[0], 2));   /* its second byte */
    ASSERT_EQ_INT(11, sim_jpos_strcol(text, &m.v[0], 3));  /* \n */
    ASSERT_EQ_INT(13, sim_jpos_strcol(text, &m.v[0], 4));  /* the surrogate pair */
    ASSERT_EQ_INT(25, sim_jpos_strcol(text, &m.v[0], 8));  /* b */
    ASSERT_EQ_INT(26, sim_jpos_strcol(text, &m.v[0], 99)); /* the closing quote */
    sim_jpos_free(&m);
    return 0;
}

/* An expression error is reported at its character in the JSON text. */
TEST_IMPL(loader_err_expression_column)
{
    EXPECT_DIAG_PREFIX(HEAD " `main`: [{`set`: `a`, `value`: `=(1 + )`}]}",
                       "t.json:2:40: error: invalid expression: ");
    EXPECT_DIAG_PREFIX(HEAD " `main`: [{`set`: `a`, `value`: `=\\u0028 1 + )`}]}",
                       "t.json:2:46: error: invalid expression: ");
    EXPECT_DIAG_PREFIX(HEAD " `main`: [{`print`: `x {1 +}`}]}",
                       "t.json:2:28: error: invalid print template: ");
    return 0;
}

/* ---- mistakes, one per test, with their exact diagnostics ------------ */

TEST_IMPL(loader_err_unknown_key_in_statement)
{
    EXPECT_DIAG(HEAD " `coroutines`: {`c`: {`body`: [{`sleep`: 1, `sleeep`: 2}]}}, `main`: []}",
                "t.json:2:45: error: unknown key 'sleeep' in 'sleep' statement; allowed: line");
    return 0;
}

TEST_IMPL(loader_err_await_in_main)
{
    EXPECT_DIAG(HEAD " `coroutines`: {`c`: {`body`: []}},\n"
                     " `main`: [{`await`: {`call`: `c`}}]}",
                "t.json:3:11: error: 'await' is only allowed inside a coroutine, not in main");
    return 0;
}

TEST_IMPL(loader_err_yield_in_coroutine)
{
    EXPECT_DIAG(HEAD " `coroutines`: {`c`: {`body`: [{`yield`: null}]}}, `main`: []}",
                "t.json:2:32: error: 'yield' is only allowed inside an awaitable, not in "
                "coroutine 'c'");
    return 0;
}

TEST_IMPL(loader_err_await_in_awaitable)
{
    EXPECT_DIAG(HEAD " `awaitables`: {`w`: {`body`: [{`await`: {`sleep`: 1}}]}}, `main`: []}",
                "t.json:2:32: error: 'await' is only allowed inside a coroutine, not in "
                "awaitable 'w'");
    return 0;
}

TEST_IMPL(loader_err_return_in_main)
{
    EXPECT_DIAG(HEAD " `main`: [{`return`: 1}]}",
                "t.json:2:11: error: 'return' is only allowed inside a coroutine or an "
                "awaitable, not in main");
    return 0;
}

TEST_IMPL(loader_err_main_only_verb)
{
    EXPECT_DIAG(HEAD " `coroutines`: {`c`: {`body`: [{`run_forever`: true}]}}, `main`: []}",
                "t.json:2:32: error: 'run_forever' is only allowed in main, not in coroutine 'c'");
    return 0;
}

TEST_IMPL(loader_err_undefined_coroutine)
{
    EXPECT_DIAG(HEAD " `coroutines`: {`c1`: {`body`: []}, `c2`: {`body`: []}},\n"
                     " `main`: [{`create_task`: {`call`: `c3`}}]}",
                "t.json:3:36: error: coroutine 'c3' is not defined; defined coroutines: c1, c2");
    return 0;
}

TEST_IMPL(loader_err_undefined_coroutine_suggests)
{
    EXPECT_DIAG(HEAD " `coroutines`: {`worker`: {`body`: []}},\n"
                     " `main`: [{`asyncio_run`: {`call`: `wroker`}}]}",
                "t.json:3:36: error: coroutine 'wroker' is not defined; defined coroutines: "
                "worker (did you mean 'worker'?)");
    return 0;
}

TEST_IMPL(loader_err_awaitable_called_as_coroutine)
{
    EXPECT_DIAG(HEAD " `awaitables`: {`w`: {`body`: []}},\n"
                     " `main`: [{`coroutine`: {`call`: `w`}, `as`: `c`}]}",
                "t.json:3:34: error: 'w' is an awaitable, not a coroutine; call it with "
                "{\"awaitable\": \"w\"}");
    return 0;
}

/* Names of any script are Python names when written in NFKC form; a use
 * of a definition refused for its name says so, not "not defined". */
TEST_IMPL(loader_names_unicode)
{
    EXPECT_LOADS(HEAD " `coroutines`: {`t\u00e2che`: {`params`: [`d\u00e9lai`], `body`: []}},\n"
                 " `main`: [{`set`: `\u4e2d`, `value`: `=1`},\n"
                 "          {`asyncio_run`: {`call`: `t\u00e2che`, `args`: [`=\u4e2d`]}}]}");
    EXPECT_DIAG(HEAD " `main`: [{`set`: `\ufb01le`, `value`: 1}]}",
                "t.json:2:19: error: 'set' must be a variable name (letters of any script in NFKC "
                "form, digits and _, not starting with a digit), got \"\xef\xac\x81le\"");
    sim_diags d = {0};
    sim_scenario *sc = load(HEAD " `coroutines`: {`my-c`: {`params`: [], `body`: []}},\n"
                   " `main`: [{`asyncio_run`: {`call`: `my-c`}}]}", &d);
    ASSERT(sc == NULL && d.n == 2);
    ASSERT_EQ_STR("t.json:3:36: error: coroutine 'my-c' is not defined: its definition was "
                  "refused for its name (reported above)", d.msg[1]);
    sim_diags_free(&d);
    return 0;
}

TEST_IMPL(loader_err_queue_and_coroutine_one_name)
{
    EXPECT_DIAG(HEAD " `queues`: {`q`: {}}, `coroutines`: {`q`: {`body`: []}}, `main`: []}",
                "t.json:2:38: error: 'q' is defined both as a queue and as a coroutine; in "
                "Python one name holds one object: give them different names");
    return 0;
}

TEST_IMPL(loader_err_undefined_queue)
{
    EXPECT_DIAG(HEAD " `queues`: {`q`: {}}, `main`: [{`queue_put_nowait`: `q2`, `value`: 1}]}",
                "t.json:2:53: error: queue 'q2' is not defined; defined queues: q");
    return 0;
}

TEST_IMPL(loader_err_max_steps)
{
    EXPECT_DIAG(HEAD " `main`: [], `limits`: {`max_steps`: -3}}",
                "t.json:2:38: error: 'max_steps' must be a positive integer, got -3");
    return 0;
}

/* The arity message of the first call of main in src (backticks for
 * quotes), which must load: Python raises it only when the call runs. */
static int arity_is(const char *src, const char *want)
{
    sim_diags d = {0};
    sim_scenario *sc = load(src, &d);
    const sim_stmt *s = sc ? &sc->main.body.s[0] : NULL;
    const sim_call *c = s ? &s->call : NULL;
    int ok = c && c->arity_error && !strcmp(c->arity_error, want);
    if (!ok) {
        fprintf(stderr, "    want: %s\n    got:  %s\n", want,
                c && c->arity_error ? c->arity_error : "(none)");
        print_diags(&d);
    }
    sim_scenario_free(sc);
    sim_diags_free(&d);
    return !ok;
}

TEST_IMPL(loader_arity_messages)
{
    ASSERT(arity_is(HEAD " `coroutines`: {`c1`: {`params`: [`x`], `body`: []}},\n"
                         " `main`: [{`call`: `c1`, `args`: [1, 2]}]}",
                    "c1() takes 1 positional argument but 2 were given") == 0);
    ASSERT(arity_is(HEAD " `coroutines`: {`c1`: {`params`: [`x`, `y`, `z`], `body`: []}},\n"
                         " `main`: [{`call`: `c1`, `args`: [1]}]}",
                    "c1() missing 2 required positional arguments: 'y' and 'z'") == 0);
    ASSERT(arity_is(HEAD " `awaitables`: {`w`: {`params`: [`n`], `body`: []}},\n"
                         " `main`: [{`coroutine`: {`awaitable`: `w`}, `as`: `c`}]}",
                    "w.__init__() missing 1 required positional argument: 'n'") == 0);
    ASSERT(arity_is(HEAD " `awaitables`: {`w`: {`body`: []}},\n"
                         " `main`: [{`coroutine`: {`awaitable`: `w`, `args`: [1]}, `as`: `c`}]}",
                    "w() takes no arguments") == 0);
    return 0;
}

TEST_IMPL(loader_err_break_outside_repeat)
{
    EXPECT_DIAG(HEAD " `main`: [{`if`: true, `then`: [{`break`: true}]}]}",
                "t.json:2:33: error: 'break' is only allowed inside the body of a 'repeat'");
    return 0;
}

/* A bare raise may stand anywhere, as in Python (it re-raises what is
 * being handled when it runs); only a message without a type is wrong. */
TEST_IMPL(loader_err_reraise_outside_except)
{
    EXPECT_LOADS(HEAD " `main`: [{`raise`: null}]}");
    EXPECT_DIAG(HEAD " `main`: [{`raise`: null, `message`: `m`}]}",
                "t.json:2:27: error: 'message' needs an exception type, e.g. {\"raise\": "
                "\"ValueError\", \"message\": \"bad\"}");
    return 0;
}

TEST_IMPL(loader_err_line_out_of_range)
{
    EXPECT_DIAG(HEAD " `source`: [`a`, `b`], `main`: [{`print`: `x`, `line`: 3}]}",
                "t.json:2:56: error: 'line' must be an integer in 1..2 (a line of \"source\"), "
                "got 3");
    return 0;
}

TEST_IMPL(loader_err_flag_false)
{
    EXPECT_DIAG(HEAD " `main`: [{`stop_loop`: false}]}",
                "t.json:2:25: error: 'stop_loop' takes true, as in {\"stop_loop\": true}; "
                "got false");
    return 0;
}

TEST_IMPL(loader_err_drive_policy)
{
    EXPECT_DIAG(HEAD " `coroutines`: {`c`: {`body`: []}},\n"
                     " `main`: [{`coroutine`: {`call`: `c`}, `as`: `k`},\n"
                     "          {`drive`: [`k`], `policy`: `round-robin`}]}",
                "t.json:4:38: error: unknown drive policy \"round-robin\"; expected one of "
                "\"in_order\", \"round_robin\", \"random\" (did you mean 'round_robin'?)");
    return 0;
}

TEST_IMPL(loader_err_random_needs_seed)
{
    EXPECT_DIAG(HEAD " `coroutines`: {`c`: {`body`: []}},\n"
                     " `main`: [{`coroutine`: {`call`: `c`}, `as`: `k`},\n"
                     "          {`drive`: [`k`], `policy`: `random`}]}",
                "t.json:4:11: error: policy \"random\" needs a 'seed': an integer, a float, a "
                "string or an \"=expression\"");
    return 0;
}

/* A verb's variable that nothing assigns loads: the statement raises
 * NameError when it runs, as in Python (conformance 437). */
TEST_IMPL(loader_never_assigned_loads)
{
    EXPECT_LOADS(HEAD " `coroutines`: {`c`: {`body`: [{`cancel`: `tsk`}]}},\n"
                      " `main`: [{`create_task`: {`call`: `c`}, `as`: `task1`},\n"
                      "          {`task_result`: `ghost`}, {`send`: `ghost`, `value`: null}]}");
    return 0;
}

TEST_IMPL(loader_err_duplicate_key)
{
    EXPECT_DIAG(HEAD " `main`: [],\n `name`: `u`}",
                "t.json:3:2: error: duplicate key 'name' (first at line 1, column 36); a key may "
                "appear only once in an object");
    return 0;
}

TEST_IMPL(loader_err_duplicate_coroutine)
{
    EXPECT_DIAG(HEAD " `coroutines`: {`c`: {`body`: []},\n"
                     "                `c`: {`body`: []}}, `main`: []}",
                "t.json:3:17: error: duplicate key 'c' (first at line 2, column 17); a key may "
                "appear only once in an object");
    return 0;
}

TEST_IMPL(loader_err_missing_name)
{
    EXPECT_DIAG("{`format`: `coroscope-scenario/1`, `main`: []}",
                "t.json:1:1: error: missing required key 'name' at the top level; for example "
                "{\"format\": \"coroscope-scenario/1\", \"name\": \"demo\", \"main\": []}");
    return 0;
}

TEST_IMPL(loader_err_format)
{
    EXPECT_DIAG("{`format`: `coroscope-scenario/2`, `name`: `t`, `main`: []}",
                "t.json:1:12: error: unsupported format \"coroscope-scenario/2\"; expected "
                "\"coroscope-scenario/1\"");
    return 0;
}

TEST_IMPL(loader_err_unknown_top_key)
{
    EXPECT_DIAG(HEAD " `main`: [], `mian`: []}",
                "t.json:2:14: error: unknown key 'mian' at the top level; allowed: format, name, "
                "title, description, source, coroutines, awaitables, queues, main, limits, "
                "expect (did you mean 'main'?)");
    return 0;
}

TEST_IMPL(loader_err_coroutine_and_awaitable)
{
    EXPECT_DIAG(HEAD " `coroutines`: {`x`: {`body`: []}},\n"
                     " `awaitables`: {`x`: {`body`: []}}, `main`: []}",
                "t.json:3:17: error: 'x' is defined both as a coroutine and as an awaitable; "
                "give them different names");
    return 0;
}

TEST_IMPL(loader_err_number_too_large)
{
    EXPECT_DIAG(HEAD " `main`: [{`block`: -1e400}]}",
                "t.json:2:21: error: number -1e400 is too large: it would be infinity; a "
                "float is at most about 1.7976931348623157e308");
    return 0;
}

TEST_IMPL(loader_err_invalid_json_comma)
{
    EXPECT_DIAG(HEAD " `main`: []\n `limits`: {}}",
                "t.json:3:2: error: invalid JSON: expected ',' or '}' after an object member, "
                "found '\"' (missing comma?)");
    return 0;
}

TEST_IMPL(loader_err_invalid_json_trailing_comma)
{
    EXPECT_DIAG(HEAD " `main`: [{`print`: `a`},]}",
                "t.json:2:26: error: invalid JSON: trailing comma before ']'; remove the comma");
    return 0;
}

TEST_IMPL(loader_err_invalid_json_python_literal)
{
    EXPECT_DIAG(HEAD " `main`: [{`set`: `a`, `value`: True}]}",
                "t.json:2:33: error: invalid JSON: unexpected 'True'; expected a value (did you "
                "mean 'true'?)");
    return 0;
}

TEST_IMPL(loader_err_unterminated_string)
{
    EXPECT_DIAG(HEAD " `main`: [{`print`: `abc}]\n}",
                "t.json:2:27: error: invalid JSON: line break inside a string; close it with "
                "'\"' on the same line or write \\n");
    return 0;
}

TEST_IMPL(loader_err_gather_not_list)
{
    EXPECT_DIAG(HEAD " `coroutines`: {`c`: {`body`: [{`await`: {`gather`: {`task`: `t`}}}]}},\n"
                     " `main`: []}",
                "t.json:2:53: error: 'gather' takes a list of targets such as [{\"call\": \"c1\"}, "
                "{\"task\": \"t\"}], got an object");
    return 0;
}

TEST_IMPL(loader_err_bare_except_not_last)
{
    EXPECT_DIAG(HEAD " `main`: [{`try`: [], `except`: [{`body`: []}, {`type`: `KeyError`}]}]}",
                "t.json:2:34: error: a bare except (no 'type') must be the last except clause");
    return 0;
}

TEST_IMPL(loader_err_except_unknown_type)
{
    EXPECT_DIAG(HEAD " `main`: [{`try`: [], `except`: [{`type`: `ValuError`}]}]}",
                "t.json:2:43: error: exception type 'ValuError' is not defined: it is not a "
                "Python built-in and no statement raises it (did you mean 'ValueError'?)");
    /* a Python built-in nothing raises: it loads, and never matches */
    EXPECT_LOADS(HEAD " `main`: [{`try`: [], `except`: [{`type`: `OSError`}]}]}");
    return 0;
}

TEST_IMPL(loader_err_value_object)
{
    EXPECT_DIAG(HEAD " `main`: [{`set`: `a`, `value`: {`x`: 1}}]}",
                "t.json:2:33: error: expected a value (number, string, true, false, null, list "
                "or \"=expression\"), got an object");
    return 0;
}

TEST_IMPL(loader_err_sleep_string)
{
    EXPECT_DIAG(HEAD " `coroutines`: {`c`: {`body`: [{`sleep`: `1`}]}}, `main`: []}",
                "t.json:2:42: error: 'sleep' duration must be a number or an \"=expression\", "
                "got \"1\" (did you mean \"=1\"?)");
    return 0;
}

TEST_IMPL(loader_err_target_string)
{
    EXPECT_DIAG(HEAD " `coroutines`: {`c`: {`body`: [{`await`: `t`}]}},\n"
                     " `main`: [{`create_task`: {`call`: `c`}, `as`: `t`}]}",
                "t.json:2:42: error: 'await' takes a target: {\"call\": \"c1\"}, {\"task\": "
                "\"t\"}, {\"sleep\": 1}, {\"gather\": [...]}, {\"queue_get\": \"q\"} or "
                "{\"queue_put\": \"q\", \"value\": 1}; got \"t\" (did you mean "
                "{\"task\": \"t\"}?)");
    return 0;
}

TEST_IMPL(loader_err_two_verbs)
{
    EXPECT_DIAG(HEAD " `main`: [{`print`: `a`, `block`: 1}]}",
                "t.json:2:26: error: an object here holds one statement verb, but this one has "
                "'print' and 'block'; write each statement as its own object");
    return 0;
}

/* One mistake, one message: a verb written twice is a duplicate key only. */
TEST_IMPL(loader_err_same_verb_twice)
{
    EXPECT_DIAG(HEAD " `main`: [{`print`: `a`, `print`: `b`}]}",
                "t.json:2:26: error: duplicate key 'print' (first at line 2, column 12); a key may "
                "appear only once in an object");
    return 0;
}

/* A value that begins with '=' and fails at once is likely text. */
TEST_IMPL(loader_err_text_with_equals)
{
    EXPECT_DIAG(HEAD " `main`: [{`set`: `s`, `value`: `=== sep ===`}]}",
                "t.json:2:35: error: invalid expression: unexpected '==' at column 1: expected an "
                "operand (a string that begins with '=' is an expression; for the text itself "
                "write \"='=== sep ==='\")");
    EXPECT_DIAG(HEAD " `main`: [{`print`: `{x=}`}]}",
                "t.json:2:24: error: invalid print template: '=' at column 3: the "
                "self-documenting form {x=} is not supported; write x={x}");
    return 0;
}

/* print and range stand behind statements: rebinding them is refused. */
TEST_IMPL(loader_err_rebinds_print_or_range)
{
    EXPECT_DIAG(HEAD " `main`: [{`set`: `print`, `value`: 5}, {`print`: `hello`}]}",
                "t.json:2:19: error: 'print' cannot be rebound: 'print' statements call "
                "Python's print(), and in Python this name would hide it; choose another name");
    EXPECT_DIAG(HEAD " `coroutines`: {`range`: {`body`: []}}, `main`: []}",
                "t.json:2:17: error: 'range' cannot be rebound: 'repeat' loops over Python's "
                "range(), and in Python this name would hide it; choose another name");
    return 0;
}

TEST_IMPL(loader_err_keyword_variable)
{
    EXPECT_DIAG(HEAD " `main`: [{`set`: `None`, `value`: 1}]}",
                "t.json:2:19: error: 'None' is a Python keyword and cannot be a variable name");
    return 0;
}

TEST_IMPL(loader_err_missing_required_modifier)
{
    EXPECT_DIAG(HEAD " `main`: [{`set`: `a`}]}",
                "t.json:2:11: error: missing required key 'value' in 'set' statement; for "
                "example {\"set\": \"x\", \"value\": 1}");
    return 0;
}

/* maxsize 0 or less is unbounded (CPython's full() is False then); only
 * a non-integer is refused. */
TEST_IMPL(loader_err_maxsize_not_int)
{
    EXPECT_DIAG(HEAD " `queues`: {`q`: {`maxsize`: 1.5}}, `main`: []}",
                "t.json:2:30: error: 'maxsize' must be an integer (0 or less means unbounded), "
                "got 1.5");
    sim_diags d = {0};
    sim_scenario *sc = load(HEAD " `queues`: {`q`: {`maxsize`: -1}}, `main`: []}", &d);
    ASSERT(sc != NULL);
    ASSERT_EQ_INT(-1, (int)sc->queues[0].maxsize);   /* kept as given: str(q) shows it */
    sim_scenario_free(sc);
    return 0;
}

TEST_IMPL(loader_err_seed_without_random)
{
    EXPECT_DIAG(HEAD " `coroutines`: {`c`: {`body`: []}},\n"
                     " `main`: [{`coroutine`: {`call`: `c`}, `as`: `k`},\n"
                     "          {`drive`: [`k`], `policy`: `in_order`, `seed`: 1}]}",
                "t.json:4:50: error: 'seed' is only used with policy \"random\"");
    return 0;
}

TEST_IMPL(loader_err_duplicate_param)
{
    EXPECT_DIAG(HEAD " `coroutines`: {`c`: {`params`: [`a`, `a`], `body`: []}}, `main`: []}",
                "t.json:2:39: error: duplicate parameter 'a' in coroutine 'c'");
    return 0;
}

TEST_IMPL(loader_err_top_not_object)
{
    EXPECT_DIAG("\n  [1, 2]",
                "t.json:2:3: error: the top level must be an object such as {\"format\": "
                "\"coroscope-scenario/1\", \"name\": \"demo\", \"main\": [...]}, got a list");
    return 0;
}

TEST_IMPL(loader_err_empty_text)
{
    EXPECT_DIAG("  \n", "t.json:2:1: error: invalid JSON: the text is empty; expected a JSON "
                        "object");
    return 0;
}

TEST_IMPL(loader_err_invalid_utf8)
{
    EXPECT_DIAG(HEAD " `main`: [{`print`: `caf\xe9`}]}",
                "t.json:2:25: error: invalid UTF-8 byte 0xe9; a scenario must be UTF-8 text");
    return 0;
}

TEST_IMPL(loader_err_try_without_handler)
{
    EXPECT_DIAG(HEAD " `main`: [{`try`: [{`print`: `a`}]}]}",
                "t.json:2:11: error: 'try' needs an 'except' list or a 'finally' list (or both)");
    return 0;
}

TEST_IMPL(loader_err_if_plain_string)
{
    EXPECT_DIAG(HEAD " `main`: [{`if`: `x > 1`, `then`: []}]}",
                "t.json:2:18: error: 'if' condition must be an \"=expression\" or a constant, got "
                "\"x > 1\" (did you mean \"=x > 1\"?)");
    return 0;
}

TEST_IMPL(loader_err_repeat_float)
{
    EXPECT_DIAG(HEAD " `main`: [{`repeat`: 1.5, `body`: []}]}",
                "t.json:2:22: error: 'repeat' count must be an integer, null (repeat forever) or "
                "an \"=expression\", got 1.5");
    return 0;
}

TEST_IMPL(loader_err_exception_dotted)
{
    EXPECT_DIAG(HEAD " `main`: [{`raise`: `asyncio.CancelledError`}]}",
                "t.json:2:21: error: exception type must be a plain name such as \"ValueError\", "
                "got \"asyncio.CancelledError\" (did you mean 'CancelledError'?)");
    return 0;
}

/* Every problem is reported, in file order, not just the first. */
TEST_IMPL(loader_err_all_reported)
{
    sim_diags d = {0};
    sim_scenario *sc = load(HEAD " `main`: [{`sleep`: 1},\n"
                                 "  {`print`: 3},\n"
                                 "  {`await`: {`task`: `nope`}}],\n"
                                 " `limits`: {`max_time`: -1}}", &d);
    ASSERT(sc == NULL);
    ASSERT_EQ_INT(4, d.n);
    ASSERT_EQ_STR("t.json:2:11: error: 'sleep' is only allowed inside a coroutine, not in main",
                  d.msg[0]);
    ASSERT_EQ_STR("t.json:3:13: error: 'print' takes a text template such as \"x is {x}\", "
                  "got 3", d.msg[1]);
    ASSERT_EQ_STR("t.json:4:3: error: 'await' is only allowed inside a coroutine, not in main",
                  d.msg[2]);
    ASSERT_EQ_STR("t.json:5:25: error: 'max_time' must be a number of seconds, 0 or more, got -1",
                  d.msg[3]);
    sim_diags_free(&d);
    return 0;
}

/* ---- files ------------------------------------------------------------ */

TEST_IMPL(loader_file_errors)
{
    sim_diags d = {0};
    ASSERT(sim_scenario_load_file("/nonexistent/dir/x.json", &d) == NULL);
    ASSERT(sim_scenario_load_file("/", &d) == NULL);
    ASSERT_EQ_INT(2, d.n);
    ASSERT_EQ_STR("/nonexistent/dir/x.json: error: cannot read: No such file or directory",
                  d.msg[0]);
    ASSERT_EQ_STR("/: error: cannot read: Is a directory", d.msg[1]);
    sim_diags_free(&d);
    size_t big = (64u << 20) + 1;
    char *huge = calloc(big, 1);
    ASSERT(huge != NULL);
    ASSERT(sim_scenario_load_text("big.json", huge, big, &d) == NULL);
    free(huge);
    ASSERT_EQ_INT(1, d.n);
    ASSERT_EQ_STR("big.json: error: the text is too large (67108865 bytes); a scenario is at "
                  "most 64 MiB", d.msg[0]);
    sim_diags_free(&d);
    return 0;
}

TEST_IMPL(loader_file_roundtrip)
{
    char path[] = "/tmp/coro_loader_XXXXXX";
    int fd = mkstemp(path);
    ASSERT(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    char *text = json_of(FULL);
    fputs("\xEF\xBB\xBF", f);
    fputs(text, f);
    fclose(f);
    free(text);
    sim_diags d = {0};
    sim_scenario *sc = sim_scenario_load_file(path, &d);
    remove(path);
    print_diags(&d);
    ASSERT(sc != NULL);
    ASSERT_EQ_STR(path, sc->path);
    ASSERT_EQ_INT(7, sc->funcs[0].body.s[0].jline);
    ASSERT_EQ_INT(5, sc->funcs[0].body.s[0].jcol);
    sim_scenario_free(sc);
    return 0;
}

/* ---- tests/invalid: NAME.json fails with the first line of NAME.expected
 * as its first diagnostic, when loaded as "tests/invalid/NAME.json". ---- */

/* The directory of this source file joined with sub, in buf. */
static void beside_this_file(char *buf, size_t sz, const char *sub)
{
    const char *slash = strrchr(__FILE__, '/');
    int n = slash ? (int)(slash - __FILE__) : 1;
    snprintf(buf, sz, "%.*s/%s", n, slash ? __FILE__ : ".", sub);
}

/* A whole file, malloc'ed and NUL-terminated, or NULL. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t n = 0, k;
    char chunk[4096];
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buf = realloc(buf, n + k + 1);
        memcpy(buf + n, chunk, k);
        n += k;
    }
    fclose(f);
    if (!buf)
        buf = calloc(1, 1);
    buf[n] = 0;
    *len = n;
    return buf;
}

/* 0 when fixture name (without .json) fails as its .expected file says. */
static int check_fixture(const char *dir, const char *name)
{
    char path[1024], label[400];
    size_t len, elen;
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    char *text = slurp(path, &len);
    snprintf(path, sizeof path, "%s/%s.expected", dir, name);
    char *want = slurp(path, &elen);
    if (!text || !want) {
        fprintf(stderr, "    fixture %s: missing .json or .expected\n", name);
        free(text);
        free(want);
        return 1;
    }
    want[strcspn(want, "\n")] = 0;
    snprintf(label, sizeof label, "tests/invalid/%s.json", name);
    sim_diags d = {0};
    sim_scenario *sc = sim_scenario_load_text(label, text, len, &d);
    int bad = sc != NULL || d.n == 0 || strcmp(d.msg[0], want) != 0;
    if (bad) {
        fprintf(stderr, "    fixture %s\n    want: %s\n", name, want);
        print_diags(&d);
    }
    sim_scenario_free(sc);
    sim_diags_free(&d);
    free(text);
    free(want);
    return bad;
}

TEST_IMPL(loader_invalid_fixtures)
{
    char dir[512];
    beside_this_file(dir, sizeof dir, "invalid");
    DIR *D = opendir(dir);
    if (!D)
        TEST_FAIL_("cannot open %s", dir);
    int n = 0, failed = 0;
    struct dirent *e;
    while ((e = readdir(D))) {
        size_t k = strlen(e->d_name);
        if (k <= 5 || strcmp(e->d_name + k - 5, ".json"))
            continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(k - 5), e->d_name);
        failed += check_fixture(dir, name);
        n++;
    }
    closedir(D);
    ASSERT(n >= 20);
    ASSERT_EQ_INT(0, failed);
    return 0;
}

/* ---- robustness ---------------------------------------------------------- */

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Mutate text[0..*len) in place once: replace, delete, insert or repeat
 * a span. text has room for 64 more bytes. */
static void mutate(char *text, size_t *len, uint64_t *seed)
{
    static const char *const bits[] = {
        "{", "}", "[", "]", "\"", ",", ":", "=", "null", "\"=x +\"", "\"_c\": 1,", "\\u12",
        "1e999", "-", "\xff", "\"sleep\"", "\"await\"", "{\"raise\": null}", "0", "\t",
        "\n", "\"\\uD800\"", "99999999999999999999", "{\"break\": true}", "\xc3\xa9", "[[[["};
    size_t n = *len, at = n ? rnd(seed) % n : 0, k = 1 + rnd(seed) % 12;
    switch (rnd(seed) % 4) {
    case 0:
        text[at] = bits[rnd(seed) % 26][0];
        break;
    case 1:
        k = k > n - at ? n - at : k;
        memmove(text + at, text + at + k, n - at - k);
        *len = n - k;
        break;
    case 2: {
        const char *b = bits[rnd(seed) % 26];
        size_t bl = strlen(b);
        memmove(text + at + bl, text + at, n - at);
        memcpy(text + at, b, bl);
        *len = n + bl;
        break;
    }
    default:
        k = k > n - at ? n - at : k;
        memmove(text + at + k, text + at, n - at);
        *len = n + k;
        break;
    }
}

/* One load that must come back cleanly: a scenario and no diagnostics,
 * or NULL and diagnostics that all look like "fuzz.json...: error: ...". */
static int load_cleanly(const char *text, size_t len)
{
    sim_diags d = {0};
    sim_scenario *sc = sim_scenario_load_text("fuzz.json", text, len, &d);
    int bad = sc ? d.n != 0 : d.n == 0;
    for (int i = 0; i < d.n; i++)
        if (strncmp(d.msg[i], "fuzz.json", 9) || !strstr(d.msg[i], ": error: ") ||
            strstr(d.msg[i], "internal error"))
            bad = 1;
    if (bad) {
        fprintf(stderr, "    input: %.*s\n", (int)len, text);
        print_diags(&d);
    }
    sim_scenario_free(sc);
    sim_diags_free(&d);
    return bad;
}

TEST_IMPL(loader_fuzz_truncated_and_mutated)
{
    char *full = json_of(FULL);
    size_t n = strlen(full);
    char *buf = malloc(n + 64 * 4 + 1);
    int bad = 0;
    for (int i = 0; i < 200; i++)
        bad += load_cleanly(full, n * (size_t)i / 200);
    uint64_t seed = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 400; i++) {
        size_t len = n;
        memcpy(buf, full, n);
        for (int m = 0, times = 1 + (int)(rnd(&seed) % 4); m < times; m++)
            mutate(buf, &len, &seed);
        bad += load_cleanly(buf, len);
    }
    free(buf);
    free(full);
    ASSERT_EQ_INT(0, bad);
    return 0;
}

/* Deep nesting and long files must neither crash nor take long. */
TEST_IMPL(loader_fuzz_deep_and_wide)
{
    size_t n = 200000;
    char *s = malloc(40 * n);
    memset(s, '[', n);
    memset(s + n, ']', n);
    ASSERT_EQ_INT(0, load_cleanly(s, 2 * n));
    size_t k = (size_t)sprintf(s, "{\"format\": \"coroscope-scenario/1\", \"name\": \"w\", "
                                  "\"main\": [");
    for (size_t i = 0; i < 20000; i++)
        k += (size_t)sprintf(s + k, "{\"set\": \"v%zu\", \"value\": %zu},", i, i);
    k += (size_t)sprintf(s + k, "{\"print\": \"{v19999}\"}]}");
    sim_diags d = {0};
    sim_scenario *sc = sim_scenario_load_text("wide.json", s, k, &d);
    ASSERT(sc != NULL);
    ASSERT_EQ_INT(20000, sc->nglobals);
    ASSERT_EQ_INT(19999, tmpl_name(sc->main.body.s[20000].tmpl, "v19999")->name.global);
    sim_scenario_free(sc);
    free(s);
    return 0;
}
