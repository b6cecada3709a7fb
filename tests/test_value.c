/*
 * test_value.c -- values (value.c) and expressions (expr.c). The expected
 * strings are what CPython 3.11 prints for the same expressions, with the
 * same variables bound (see ctx_init).
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "bigint.h"
#include "expr.h"
#include "test.h"

/* ---- a small world to evaluate in ------------------------------------ */

/* Globals: x = 5, f = 2.5, s = 'héllo', l = [1, 'a', None], n = None,
 * t = True, e = StopIteration(7), k = KeyError('key'),
 * big = 9223372036854775807, g (never bound). In the enclosing function:
 * a = 3 (bound), u (assigned later, so unbound). now = 1.5 and
 * task_name = 'Task-1' are the builtins. */
static const char *const global_names[] = {"x", "f", "s", "l", "n", "t", "e", "k", "big", "g"};
static const char *const local_names[] = {"a", "u"};
enum { NGLOBALS = 10, NLOCALS = 2 };

typedef struct ctx {
    sim_arena A;
    sim_exctypes T;
    sim_value globals[NGLOBALS], locals[NLOCALS];
    sim_env env;
    sim_buf out;
} ctx;

static int find(const char *const *names, int n, const char *id)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], id) == 0)
            return i;
    return -1;
}

static int test_resolve(void *ud, const char *id, sim_name *out)
{
    ctx *c = ud;
    out->id = sim_arena_strdup(&c->A, id);
    out->local = find(local_names, NLOCALS, id);
    out->global = find(global_names, NGLOBALS, id);
    if (out->local < 0 && out->global < 0 && strcmp(id, "now") == 0)
        return SIM_E_NOW;
    if (out->local < 0 && out->global < 0 && strcmp(id, "task_name") == 0)
        return SIM_E_TASKNAME;
    return SIM_E_NAME;
}

static void ctx_init(ctx *c)
{
    memset(c, 0, sizeof *c);
    sim_arena_init(&c->A);
    sim_exctypes_init(&c->T);
    sim_arena *A = &c->A;
    sim_list *l = sim_list_new(A, 0);
    sim_list_append(A, l, sim_int(1));
    sim_list_append(A, l, sim_str_from(A, "a"));
    sim_list_append(A, l, sim_none());
    sim_value g[NGLOBALS] = {
        sim_int(5), sim_float(2.5), sim_str_from(A, "h\xc3\xa9llo"), sim_list_value(l),
        sim_none(), sim_bool(1),
        {.type = SIM_EXC, .u.e = sim_exc_with_arg(A, SIM_EXC_STOPITERATION, sim_int(7))},
        {.type = SIM_EXC, .u.e = sim_exc_new(A, SIM_EXC_KEYERROR, "key")},
        sim_int(INT64_MAX), {.type = SIM_UNBOUND},
    };
    memcpy(c->globals, g, sizeof g);
    c->locals[0] = sim_int(3);
    c->env = (sim_env){A, &c->T, c->locals, c->globals, local_names, 1.5,
                       sim_str_from(A, "Task-1")};
}

static void ctx_free(ctx *c)
{
    sim_buf_free(&c->out);
    sim_exctypes_free(&c->T);
    sim_arena_free(&c->A);
}

/* Parse and evaluate src: repr(result), "Type: message" for an exception,
 * "error@COL: message" for a parse error. */
static const char *run(ctx *c, const char *src)
{
    int col = -1;
    char msg[200] = "";
    sim_value v;
    sim_exc *exc = NULL;
    c->out.len = 0;
    sim_buf_puts(&c->out, "");
    sim_expr *e = sim_expr_parse(&c->A, src, strlen(src), test_resolve, c, &col, msg, sizeof msg);
    if (!e)
        sim_buf_printf(&c->out, "error@%d: %s", col, msg);
    else if (sim_expr_eval(e, &c->env, &v, &exc) < 0)
        sim_exc_describe(&c->out, &c->T, exc);
    else
        sim_value_repr(&c->out, &c->T, v);
    return c->out.p;
}

/* Parse and format a template, with the same conventions as run(). */
static const char *run_tmpl(ctx *c, const char *src)
{
    int col = -1;
    char msg[200] = "";
    sim_exc *exc = NULL;
    c->out.len = 0;
    sim_buf_puts(&c->out, "");
    sim_tmpl *t = sim_tmpl_parse(&c->A, src, strlen(src), test_resolve, c, &col, msg, sizeof msg);
    if (!t)
        sim_buf_printf(&c->out, "error@%d: %s", col, msg);
    else if (sim_tmpl_format(t, &c->env, &c->out, &exc) < 0)
        sim_exc_describe(&c->out, &c->T, exc);
    return c->out.p;
}

typedef struct tcase {
    const char *src, *want;
} tcase;

/* Run every case through fn; report each mismatch, fail if any. */
static int run_cases(const tcase *cases, size_t n, const char *(*fn)(ctx *, const char *))
{
    ctx c;
    int bad = 0;
    ctx_init(&c);
    for (size_t i = 0; i < n; i++) {
        const char *got = fn(&c, cases[i].src);
        if (strcmp(got, cases[i].want) != 0) {
            fprintf(stderr, "  %s\n    expected: %s\n    actual:   %s\n", cases[i].src,
                    cases[i].want, got);
            bad++;
        }
    }
    ctx_free(&c);
    return bad;
}

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

/* ---- exception types ------------------------------------------------- */

TEST_IMPL(value_exctypes)
{
    sim_exctypes T;
    sim_exctypes_init(&T);
    ASSERT_EQ_INT(SIM_EXC_NBUILTIN, T.n);
    ASSERT_EQ_INT(SIM_EXC_ZERODIVISIONERROR, sim_exctypes_get(&T, "ZeroDivisionError", 0));
    ASSERT_EQ_INT(-1, sim_exctypes_get(&T, "MyError", 0));
    ASSERT(sim_exctypes_is(&T, SIM_EXC_ZERODIVISIONERROR, SIM_EXC_ARITHMETICERROR));
    ASSERT(sim_exctypes_is(&T, SIM_EXC_OVERFLOWERROR, SIM_EXC_EXCEPTION));
    ASSERT(sim_exctypes_is(&T, SIM_EXC_KEYERROR, SIM_EXC_LOOKUPERROR));
    ASSERT(sim_exctypes_is(&T, SIM_EXC_INDEXERROR, SIM_EXC_LOOKUPERROR));
    ASSERT(sim_exctypes_is(&T, SIM_EXC_RECURSIONERROR, SIM_EXC_RUNTIMEERROR));
    ASSERT(sim_exctypes_is(&T, SIM_EXC_UNBOUNDLOCALERROR, SIM_EXC_NAMEERROR));
    ASSERT(!sim_exctypes_is(&T, SIM_EXC_CANCELLEDERROR, SIM_EXC_EXCEPTION));
    ASSERT(!sim_exctypes_is(&T, SIM_EXC_KEYBOARDINTERRUPT, SIM_EXC_EXCEPTION));
    ASSERT(!sim_exctypes_is(&T, SIM_EXC_GENERATOREXIT, SIM_EXC_EXCEPTION));
    ASSERT(!sim_exctypes_is(&T, SIM_EXC_SYSTEMEXIT, SIM_EXC_EXCEPTION));
    ASSERT(sim_exctypes_is(&T, SIM_EXC_CANCELLEDERROR, SIM_EXC_BASEEXCEPTION));
    ASSERT(sim_exctypes_is(&T, SIM_EXC_QUEUEFULL, SIM_EXC_EXCEPTION));
    ASSERT(sim_exctypes_is(&T, SIM_EXC_INVALIDSTATEERROR, SIM_EXC_EXCEPTION));
    ASSERT(!sim_exctypes_is(&T, SIM_EXC_EXCEPTION, SIM_EXC_ZERODIVISIONERROR));
    ASSERT(!sim_exctypes_is(&T, SIM_EXC_KEYERROR, SIM_EXC_INDEXERROR));
    /* unknown names become subclasses of Exception, once each */
    int mine = sim_exctypes_get(&T, "MyError", 1);
    ASSERT_EQ_INT(SIM_EXC_NBUILTIN, mine);
    for (int i = 0; i < 40; i++) {
        char name[16];
        snprintf(name, sizeof name, "E%d", i);
        ASSERT_EQ_INT(SIM_EXC_NBUILTIN + 1 + i, sim_exctypes_get(&T, name, 1));
    }
    ASSERT_EQ_INT(mine, sim_exctypes_get(&T, "MyError", 1));
    ASSERT_EQ_STR("MyError", T.t[mine].name);
    ASSERT(sim_exctypes_is(&T, mine, SIM_EXC_EXCEPTION));
    ASSERT(!sim_exctypes_is(&T, mine, SIM_EXC_RUNTIMEERROR));
    ASSERT_EQ_STR("CancelledError", T.t[SIM_EXC_CANCELLEDERROR].name);
    sim_exctypes_free(&T);
    return 0;
}

/* ---- float repr -------------------------------------------------------- */

TEST_IMPL(value_float_repr)
{
    static const struct {
        double d;
        const char *want;
    } cases[] = {
        {0.0, "0.0"}, {-0.0, "-0.0"}, {1.0, "1.0"}, {100.0, "100.0"}, {0.1, "0.1"},
        {0.1 + 0.2, "0.30000000000000004"}, {1e16, "1e+16"}, {1e15, "1000000000000000.0"},
        {9999999999999998.0, "9999999999999998.0"}, {1e-4, "0.0001"}, {1e-5, "1e-05"},
        {1.5e-7, "1.5e-07"}, {123456789012345680.0, "1.2345678901234568e+17"},
        {1e22, "1e+22"}, {5e-324, "5e-324"}, {DBL_MAX, "1.7976931348623157e+308"},
        {DBL_MIN, "2.2250738585072014e-308"}, {-2.5, "-2.5"}, {1.0 / 3, "0.3333333333333333"},
        {2.0 / 3, "0.6666666666666666"}, {123.456, "123.456"}, {1e100, "1e+100"},
        {0x1p-1022 * 0x1p-30, "2.0722615e-317"}, {0x1p-44, "5.684341886080802e-14"},
        {0x1p+54, "1.8014398509481984e+16"}, {0x1p+863, "6.150157786156811e+259"},
        /* powers of two where the nearest 16 digits miss but a neighbour reads back */
        {0x1p-1017, "7.120236347223045e-307"}, {0x1p-1007, "7.291122019556398e-304"},
        {0x1p-957, "8.209073602596753e-289"},
        {INFINITY, "inf"}, {-INFINITY, "-inf"}, {NAN, "nan"}, {4.35, "4.35"},
        {0.3, "0.3"}, {1.1, "1.1"}, {2.675, "2.675"}, {1234567.0, "1234567.0"},
    };
    char out[32];
    for (size_t i = 0; i < NCASES(cases); i++) {
        sim_float_repr(cases[i].d, out);
        ASSERT_EQ_STR(cases[i].want, out);
    }
    return 0;
}

/* Every power of two (where the gap below halves) and many random bit
 * patterns read back exactly, in at most 17 digits. */
TEST_IMPL(value_float_repr_roundtrip)
{
    char out[32];
    uint64_t seed = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 2098 + 30000; i++) {
        double d;
        if (i < 2098) {
            d = ldexp(1.0, i - 1074);
        } else {
            seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
            memcpy(&d, &seed, sizeof d);
        }
        if (isnan(d) || isinf(d))
            continue;
        sim_float_repr(d, out);
        ASSERT(strtod(out, NULL) == d);
        ASSERT(strlen(out) < 26);
    }
    return 0;
}

/* ---- str() / repr() ---------------------------------------------------- */

static const char *repr_of(sim_buf *b, sim_value v, int str)
{
    b->len = 0;
    sim_buf_puts(b, "");
    (str ? sim_value_str : sim_value_repr)(b, NULL, v);
    return b->p;
}

TEST_IMPL(value_str_repr)
{
    sim_arena A;
    sim_buf b = {0};
    sim_arena_init(&A);
    ASSERT_EQ_STR("None", repr_of(&b, sim_none(), 0));
    ASSERT_EQ_STR("True", repr_of(&b, sim_bool(7), 1));
    ASSERT_EQ_STR("False", repr_of(&b, sim_bool(0), 0));
    ASSERT_EQ_STR("-9223372036854775807", repr_of(&b, sim_int(-INT64_MAX), 0));
    ASSERT_EQ_STR("2.5", repr_of(&b, sim_float(2.5), 1));
    ASSERT_EQ_STR("'abc'", repr_of(&b, sim_str_from(&A, "abc"), 0));
    ASSERT_EQ_STR("abc", repr_of(&b, sim_str_from(&A, "abc"), 1));
    ASSERT_EQ_STR("\"it's\"", repr_of(&b, sim_str_from(&A, "it's"), 0));
    ASSERT_EQ_STR("'say \"hi\"'", repr_of(&b, sim_str_from(&A, "say \"hi\""), 0));
    ASSERT_EQ_STR("'both \\' and \"'", repr_of(&b, sim_str_from(&A, "both ' and \""), 0));
    ASSERT_EQ_STR("'a\\\\b\\n\\r\\t\\x00\\x1f\\x7f'",
                  repr_of(&b, sim_str_value(sim_str_new(&A, "a\\b\n\r\t\0\x1f\x7f", 9)), 0));
    /* printable non-ASCII stays, the rest is escaped like CPython does */
    ASSERT_EQ_STR("'h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80'",
                  repr_of(&b, sim_str_from(&A, "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80"), 0));
    ASSERT_EQ_STR("'\\x80\\xa0\\xad\\u200b\\u2028\\u3000\\ue000\\U000f0000'",
                  repr_of(&b, sim_str_from(&A, "\xc2\x80\xc2\xa0\xc2\xad\xe2\x80\x8b\xe2\x80\xa8"
                                                   "\xe3\x80\x80\xee\x80\x80\xf3\xb0\x80\x80"), 0));
    sim_list *l = sim_list_new(&A, 1), *inner = sim_list_new(&A, 0);
    sim_list_append(&A, inner, sim_float(1.0));
    sim_list_append(&A, l, sim_int(1));
    sim_list_append(&A, l, sim_str_from(&A, "a"));
    sim_list_append(&A, l, sim_none());
    sim_list_append(&A, l, sim_bool(1));
    sim_list_append(&A, l, sim_list_value(inner));
    ASSERT_EQ_STR("[1, 'a', None, True, [1.0]]", repr_of(&b, sim_list_value(l), 1));
    ASSERT_EQ_STR("[]", repr_of(&b, sim_list_value(sim_list_new(&A, 0)), 0));
    sim_object task = {SIM_OBJ_TASK, "Task pending name='Task-1' coro=<c1() running>"};
    ASSERT_EQ_STR("<Task pending name='Task-1' coro=<c1() running>>",
                  repr_of(&b, sim_obj_value(&task), 1));
    ASSERT_EQ_STR("_asyncio.Task", sim_value_typename(NULL, sim_obj_value(&task)));
    sim_object q = {SIM_OBJ_QUEUE, NULL}, co = {SIM_OBJ_CORO, "coroutine object c1"};
    ASSERT_EQ_STR("Queue", sim_value_typename(NULL, sim_obj_value(&q)));
    ASSERT_EQ_STR("coroutine", sim_value_typename(NULL, sim_obj_value(&co)));
    ASSERT_EQ_STR("<coroutine object c1>", repr_of(&b, sim_obj_value(&co), 0));
    ASSERT_EQ_STR("NoneType", sim_value_typename(NULL, sim_none()));
    sim_buf_free(&b);
    sim_arena_free(&A);
    return 0;
}

static sim_value exc_value(sim_exc *e)
{
    sim_value v = {.type = SIM_EXC, .u.e = e};
    return v;
}

static const char *describe(sim_buf *b, const sim_exctypes *T, sim_exc *e)
{
    b->len = 0;
    sim_buf_puts(b, "");
    sim_exc_describe(b, T, e);
    return b->p;
}

TEST_IMPL(value_exceptions)
{
    sim_arena A;
    sim_exctypes T;
    sim_buf b = {0};
    sim_arena_init(&A);
    sim_exctypes_init(&T);
    sim_exc *ve = sim_exc_new(&A, SIM_EXC_VALUEERROR, "x");
    sim_exc *ce = sim_exc_new(&A, SIM_EXC_CANCELLEDERROR, NULL);
    sim_exc *ke = sim_exc_new(&A, SIM_EXC_KEYERROR, "a");
    sim_exc *si = sim_exc_with_arg(&A, SIM_EXC_STOPITERATION, sim_int(5));
    sim_exc *wrap = sim_exc_with_arg(&A, SIM_EXC_RUNTIMEERROR, exc_value(ke));
    sim_exc *my = sim_exc_newf(&A, sim_exctypes_get(&T, "MyError", 1), "%d left", 3);
    ASSERT_EQ_STR("ValueError('x')", repr_of(&b, exc_value(ve), 0));
    ASSERT_EQ_STR("x", repr_of(&b, exc_value(ve), 1));
    ASSERT_EQ_STR("CancelledError()", repr_of(&b, exc_value(ce), 0));
    ASSERT_EQ_STR("", repr_of(&b, exc_value(ce), 1));
    ASSERT_EQ_STR("'a'", repr_of(&b, exc_value(ke), 1));
    ASSERT_EQ_STR("KeyError('a')", repr_of(&b, exc_value(ke), 0));
    ASSERT_EQ_STR("5", repr_of(&b, exc_value(si), 1));
    ASSERT_EQ_INT(5, si->value.u.i);
    ASSERT_EQ_INT(SIM_NONE, ve->value.type);
    ASSERT_EQ_STR("ValueError: x", describe(&b, &T, ve));
    ASSERT_EQ_STR("CancelledError", describe(&b, &T, ce));
    ASSERT_EQ_STR("KeyError: 'a'", describe(&b, &T, ke));
    ASSERT_EQ_STR("RuntimeError: 'a'", describe(&b, &T, wrap));
    ASSERT_EQ_STR("RuntimeError(KeyError('a'))", repr_of(&b, exc_value(wrap), 0));
    ASSERT_EQ_STR("MyError: 3 left", describe(&b, &T, my));
    ASSERT_EQ_STR("StopIteration: 5", describe(&b, &T, si));
    ASSERT_EQ_STR("ZeroDivisionError: division by zero",
                  describe(&b, &T, sim_exc_newf(&A, SIM_EXC_ZERODIVISIONERROR, "division by zero")));
    ASSERT_EQ_STR("MyError", sim_value_typename(&T, exc_value(my)));
    ASSERT(sim_value_truthy(exc_value(ce)));
    sim_buf_free(&b);
    sim_exctypes_free(&T);
    sim_arena_free(&A);
    return 0;
}

/* int / int is correctly rounded even beyond 2**53 (CPython's
 * long_true_divide), where (double)a / (double)b would round twice. */
TEST_IMPL(value_int_true_divide)
{
    static const struct {
        int64_t a, b;
        double want;
    } cases[] = {
        {9007199254740993, 1, 9007199254740992.0},
        {9223372036854775807, 3, 3.0744573456182584e+18},
        {-9223372036854775807, 7, -1.3176245766935393e+18},
        {9007199254740993, 2, 4503599627370496.5},
        {9007199254740995, 1, 9007199254740996.0},
        {1, 3, 0.3333333333333333},
        {2, 3, 0.6666666666666666},
        {1, 9223372036854775807, 1.0842021724855044e-19},
        {9223372036854775807, 9223372036854775806, 1.0},
        {-7, 2, -3.5},
        {0, -5, -0.0},
    };
    sim_arena A;
    sim_arena_init(&A);
    for (size_t i = 0; i < NCASES(cases); i++) {
        sim_value out;
        sim_exc *exc = NULL;
        ASSERT_EQ_INT(0, sim_value_binop(&A, NULL, '/', sim_int(cases[i].a), sim_int(cases[i].b),
                                         &out, &exc));
        ASSERT_EQ_INT(SIM_FLOAT, out.type);
        ASSERT(out.u.f == cases[i].want && signbit(out.u.f) == signbit(cases[i].want));
    }
    sim_arena_free(&A);
    return 0;
}

TEST_IMPL(value_equal_and_truthy)
{
    sim_arena A;
    sim_arena_init(&A);
    sim_list *l1 = sim_list_new(&A, 0), *l2 = sim_list_new(&A, 0);
    sim_list_append(&A, l1, sim_int(1));
    sim_list_append(&A, l2, sim_float(1.0));
    ASSERT(sim_value_equal(sim_list_value(l1), sim_list_value(l2)));
    ASSERT(sim_value_equal(sim_int(1), sim_bool(1)));
    ASSERT(sim_value_equal(sim_int(9007199254740992), sim_float(9007199254740992.0)));
    ASSERT(!sim_value_equal(sim_int(9007199254740993), sim_float(9007199254740992.0)));
    ASSERT(!sim_value_equal(sim_float(NAN), sim_float(NAN)));
    ASSERT(!sim_value_equal(sim_none(), sim_int(0)));
    ASSERT(sim_value_equal(sim_none(), sim_none()));
    ASSERT(sim_value_equal(sim_str_from(&A, "ab"), sim_str_from(&A, "ab")));
    sim_exc *e1 = sim_exc_new(&A, SIM_EXC_VALUEERROR, "x"), *e2 = sim_exc_new(&A, SIM_EXC_VALUEERROR, "x");
    ASSERT(sim_value_equal(exc_value(e1), exc_value(e1)));
    ASSERT(!sim_value_equal(exc_value(e1), exc_value(e2)));
    /* a list holding NaN equals itself: CPython compares items by identity first */
    sim_list *ln = sim_list_new(&A, 0);
    sim_list_append(&A, ln, sim_float(NAN));
    ASSERT(sim_value_equal(sim_list_value(ln), sim_list_value(ln)));
    ASSERT(!sim_value_truthy(sim_none()));
    ASSERT(!sim_value_truthy(sim_float(-0.0)));
    ASSERT(sim_value_truthy(sim_float(NAN)));
    ASSERT(!sim_value_truthy(sim_str_from(&A, "")));
    ASSERT(!sim_value_truthy(sim_list_value(sim_list_new(&A, 4))));
    ASSERT(sim_value_truthy(sim_list_value(l1)));
    sim_arena_free(&A);
    return 0;
}

/* a + b may share a's array (it grows in place when a ends it): the lists
 * that share it still see their own items, and growing a list many times
 * keeps memory linear. */
TEST_IMPL(value_list_concat_shares)
{
    sim_arena A;
    sim_arena_init(&A);
    sim_exc *e = NULL;
    sim_value s = sim_list_value(sim_list_new(&A, 0)), one, u, v, w;
    for (int i = 0; i < 1000; i++) {
        sim_list *item = sim_list_new(&A, 1);
        sim_list_append(&A, item, sim_int(i));
        ASSERT_EQ_INT(0, sim_value_binop(&A, NULL, '+', s, sim_list_value(item), &s, &e));
    }
    size_t grown = A.total;
    one = sim_list_value(sim_list_new(&A, 1));
    sim_list_append(&A, one.u.l, sim_int(-1));
    ASSERT_EQ_INT(0, sim_value_binop(&A, NULL, '+', s, one, &u, &e));   /* in place */
    ASSERT_EQ_INT(0, sim_value_binop(&A, NULL, '+', s, s, &v, &e));     /* a copy */
    ASSERT_EQ_INT(0, sim_value_binop(&A, NULL, '+', u, one, &w, &e));   /* in place again */
    ASSERT_EQ_INT(1000, (int)s.u.l->len);
    ASSERT_EQ_INT(1001, (int)u.u.l->len);
    ASSERT_EQ_INT(2000, (int)v.u.l->len);
    ASSERT_EQ_INT(1002, (int)w.u.l->len);
    ASSERT_EQ_INT(-1, (int)u.u.l->items[1000].u.i);
    ASSERT_EQ_INT(0, (int)v.u.l->items[1000].u.i);
    ASSERT_EQ_INT(999, (int)v.u.l->items[1999].u.i);
    ASSERT_EQ_INT(-1, (int)w.u.l->items[1001].u.i);
    ASSERT(s.u.l != u.u.l && u.u.l->items == s.u.l->items);
    /* 1000 appends: arrays growing by half, not 1000 copies of up to 1000 items */
    ASSERT(grown < 200 * 1024);
    sim_arena_free(&A);
    return 0;
}

/* CPython 3.11 writes ints of up to 4300 decimal digits, signs aside. */
TEST_IMPL(value_int_digit_limit)
{
    sim_arena A;
    sim_arena_init(&A);
    char digits[4402];
    memset(digits, '9', sizeof digits);
    sim_value at = sim_bigint_parse(&A, digits, 4300), over = sim_bigint_parse(&A, digits, 4301);
    ASSERT(!sim_value_int_too_long(at));
    ASSERT(!sim_value_int_too_long(sim_bigint_neg(&A, at)));
    ASSERT(sim_value_int_too_long(over));
    ASSERT(sim_value_int_too_long(sim_bigint_neg(&A, over)));
    ASSERT(sim_value_int_too_long(sim_bigint_parse(&A, digits, 4401)));
    sim_list *l = sim_list_new(&A, 2);
    sim_list_append(&A, l, sim_int(1));
    sim_list_append(&A, l, over);
    ASSERT(sim_value_int_too_long(sim_list_value(l)));
    ASSERT(!sim_value_int_too_long(sim_int(INT64_MIN)));
    sim_arena_free(&A);
    return 0;
}

/* Deeply nested lists: repr stops at '[...]', comparison raises
 * RecursionError, nothing overflows the C stack. */
TEST_IMPL(value_deep_nesting)
{
    sim_arena A;
    sim_buf b = {0};
    sim_arena_init(&A);
    sim_value v = sim_int(0), w = sim_int(0);
    for (int i = 0; i < 5000; i++) {
        sim_list *l = sim_list_new(&A, 1), *m = sim_list_new(&A, 1);
        sim_list_append(&A, l, v);
        sim_list_append(&A, m, w);
        v = sim_list_value(l);
        w = sim_list_value(m);
    }
    sim_value_repr(&b, NULL, v);
    ASSERT(strstr(b.p, "[...]") != NULL);
    sim_value out;
    sim_exc *exc = NULL;
    ASSERT_EQ_INT(-1, sim_value_compare(&A, NULL, SIM_CMP_LT, v, w, &out, &exc));
    ASSERT_EQ_INT(SIM_EXC_RECURSIONERROR, exc->type);
    (void)sim_value_equal(v, w);
    sim_buf_free(&b);
    sim_arena_free(&A);
    return 0;
}

/* ---- expressions: evaluation, checked against CPython 3.11 --------------- */

static const tcase eval_cases[] = {
    /* ints, floats, bool as int */
    {"1 + 2 * 3", "7"}, {"(1 + 2) * 3", "9"}, {"7 - 2 - 1", "4"}, {"2 * -3", "-6"},
    {"--5", "5"}, {"- -x", "5"}, {"-x", "-5"}, {"1 + i % 3", "NameError: name 'i' is not defined"},
    {"x + f", "7.5"}, {"0.1 + 0.2", "0.30000000000000004"}, {"1.0 * 3", "3.0"},
    {"10 / 4", "2.5"}, {"10 / 5", "2.0"}, {"1 / 3", "0.3333333333333333"},
    {"True + 1", "2"}, {"True + True", "2"}, {"-True", "-1"}, {"True * 2.5", "2.5"},
    {"False / 2", "0.0"}, {"True // 2", "0"}, {"0 / -5", "-0.0"},
    {"7 // 2", "3"}, {"-7 // 2", "-4"}, {"7 // -2", "-4"}, {"-7 // -2", "3"},
    {"7 % 3", "1"}, {"-7 % 3", "2"}, {"7 % -3", "-2"}, {"-7 % -3", "-1"}, {"6 % -3", "0"},
    {"7.5 // 2", "3.0"}, {"-7.5 // 2", "-4.0"}, {"7 // -2.0", "-4.0"}, {"-7 % 2.0", "1.0"},
    {"7.5 % -2", "-0.5"}, {"-0.0 // 1", "-0.0"}, {"0.0 % -1", "-0.0"}, {"-0.0 % 1", "0.0"},
    {"5.0 % 1e309", "5.0"}, {"-5.0 % 1e309", "inf"}, {"-5.0 // 1e309", "-1.0"},
    {"1e308 * 10", "inf"}, {"1e309 - 1e309", "nan"}, {"1e16", "1e+16"}, {"1_000_000", "1000000"},
    {"0x1F + 0o17 + 0b11", "49"}, {"0x_1F + 0o_17 + 0b_1_1", "49"}, {".5", "0.5"}, {"5.", "5.0"}, {"1e-5", "1e-05"},
    {"2.5e3", "2500.0"}, {"00", "0"}, {"big", "9223372036854775807"},
    {"-big - 1", "-9223372036854775808"}, {"big // -1", "-9223372036854775807"},
    {"(-big - 1) % -1", "0"}, {"big / 3", "3.0744573456182584e+18"},
    {"-9223372036854775807 / 7", "-1.3176245766935393e+18"},
    {"9007199254740993 / 1", "9007199254740992.0"},
    /* division by zero */
    {"1 / 0", "ZeroDivisionError: division by zero"},
    {"1.0 / 0", "ZeroDivisionError: float division by zero"},
    {"1 / 0.0", "ZeroDivisionError: float division by zero"},
    {"1 // 0", "ZeroDivisionError: integer division or modulo by zero"},
    {"1 % 0", "ZeroDivisionError: integer modulo by zero"},
    {"1.0 // 0", "ZeroDivisionError: float floor division by zero"},
    {"1.0 % 0", "ZeroDivisionError: float modulo"},
    {"1 % False", "ZeroDivisionError: integer modulo by zero"},
    /* str and list */
    {"'a' + 'b'", "'ab'"}, {"'ab' * 3", "'ababab'"}, {"3 * 'ab'", "'ababab'"},
    {"'ab' * -1", "''"}, {"'ab' * 0", "''"}, {"'ab' * True", "'ab'"},
    {"[1, 2] + [3]", "[1, 2, 3]"}, {"[0] * 3", "[0, 0, 0]"}, {"2 * [1, 'a']", "[1, 'a', 1, 'a']"},
    {"[1] * -2", "[]"}, {"[]", "[]"}, {"[1, [2, [3]]]", "[1, [2, [3]]]"}, {"[1, 2,]", "[1, 2]"},
    {"'a' 'b' \"c\"", "'abc'"}, {"'it\\'s'", "\"it's\""}, {"\"say \\\"hi\\\"\"", "'say \"hi\"'"},
    {"'tab\\there\\n'", "'tab\\there\\n'"}, {"'\\x41\\u00e9\\U0001F600'", "'A\xc3\xa9\xf0\x9f\x98\x80'"},
    {"'\\101\\7'", "'A\\x07'"}, {"'\\d'", "'\\\\d'"}, {"'back\\\\slash'", "'back\\\\slash'"},
    {"'\\a\\b\\f\\v\\0'", "'\\x07\\x08\\x0c\\x0b\\x00'"},
    {"l + [x]", "[1, 'a', None, 5]"}, {"s + '!'", "'h\xc3\xa9llo!'"},
    /* type errors */
    {"1 + 'a'", "TypeError: unsupported operand type(s) for +: 'int' and 'str'"},
    {"'a' + 1", "TypeError: can only concatenate str (not \"int\") to str"},
    {"'a' + None", "TypeError: can only concatenate str (not \"NoneType\") to str"},
    {"[1] + 'a'", "TypeError: can only concatenate list (not \"str\") to list"},
    {"[1] + 1", "TypeError: can only concatenate list (not \"int\") to list"},
    {"None + 1", "TypeError: unsupported operand type(s) for +: 'NoneType' and 'int'"},
    {"'a' - 'b'", "TypeError: unsupported operand type(s) for -: 'str' and 'str'"},
    {"[1] - [1]", "TypeError: unsupported operand type(s) for -: 'list' and 'list'"},
    {"'a' / 2", "TypeError: unsupported operand type(s) for /: 'str' and 'int'"},
    {"'a' // 2", "TypeError: unsupported operand type(s) for //: 'str' and 'int'"},
    {"2 % 'a'", "TypeError: unsupported operand type(s) for %: 'int' and 'str'"},
    {"[1] % 2", "TypeError: unsupported operand type(s) for %: 'list' and 'int'"},
    {"'a' * 'b'", "TypeError: can't multiply sequence by non-int of type 'str'"},
    {"'a' * [1]", "TypeError: can't multiply sequence by non-int of type 'list'"},
    {"[1] * 'a'", "TypeError: can't multiply sequence by non-int of type 'str'"},
    {"'a' * 1.5", "TypeError: can't multiply sequence by non-int of type 'float'"},
    {"1.5 * 'a'", "TypeError: can't multiply sequence by non-int of type 'float'"},
    {"None * 'a'", "TypeError: can't multiply sequence by non-int of type 'NoneType'"},
    {"None * None", "TypeError: unsupported operand type(s) for *: 'NoneType' and 'NoneType'"},
    {"e * 2", "TypeError: unsupported operand type(s) for *: 'StopIteration' and 'int'"},
    {"-'a'", "TypeError: bad operand type for unary -: 'str'"},
    {"-None", "TypeError: bad operand type for unary -: 'NoneType'"},
    {"-[1]", "TypeError: bad operand type for unary -: 'list'"},
    /* comparisons */
    {"1 < 2", "True"}, {"2 <= 1", "False"}, {"1 == 1.0", "True"}, {"True == 1", "True"},
    {"1 != 1.0", "False"}, {"'a' < 'b'", "True"}, {"'abc' < 'abd'", "True"}, {"'ab' < 'a'", "False"},
    {"'Z' < 'a'", "True"}, {"'\xc3\xa9' > 'z'", "True"}, {"s == 'h\xc3\xa9llo'", "True"},
    {"[1, 2] < [1, 3]", "True"}, {"[1, 2] < [1, 2, 0]", "True"}, {"[1, 2] == [1, 2.0]", "True"},
    {"[1, 'a'] == [1, 2]", "False"}, {"[1] < [1, 'a']", "True"}, {"[[1]] < [[1, 2]]", "True"},
    {"[1, 2] >= [1, 2]", "True"}, {"[2] > [1, 5]", "True"},
    {"None == None", "True"}, {"None != 0", "True"}, {"1 == '1'", "False"}, {"[] == ''", "False"},
    {"e == e", "True"}, {"e != k", "True"}, {"9007199254740993 == 9007199254740992.0", "False"},
    {"9007199254740993 > 9007199254740992.0", "True"}, {"big < 1e19", "True"},
    {"big == 9223372036854775808.0", "False"}, {"-big - 1 == -9223372036854775808.0", "True"},
    {"1e309 > big", "True"}, {"0.5 > 0", "True"}, {"-0.5 < 0", "True"}, {"-0.5 < -1", "False"},
    {"(1e309 - 1e309) == (1e309 - 1e309)", "False"}, {"(1e309 - 1e309) != 1", "True"},
    {"1 < (1e309 - 1e309)", "False"}, {"1 >= (1e309 - 1e309)", "False"},
    {"1 < 'a'", "TypeError: '<' not supported between instances of 'int' and 'str'"},
    {"'a' >= 1", "TypeError: '>=' not supported between instances of 'str' and 'int'"},
    {"None < None", "TypeError: '<' not supported between instances of 'NoneType' and 'NoneType'"},
    {"[1] < ['a']", "TypeError: '<' not supported between instances of 'int' and 'str'"},
    {"[1] > 1", "TypeError: '>' not supported between instances of 'list' and 'int'"},
    {"e <= e", "TypeError: '<=' not supported between instances of 'StopIteration' and 'StopIteration'"},
    /* and / or / not */
    {"1 and 2", "2"}, {"0 and 2", "0"}, {"None or 'x'", "'x'"}, {"'' or 0", "0"},
    {"[] or [1]", "[1]"}, {"not 0", "True"}, {"not []", "True"}, {"not 'a'", "False"},
    {"not not 1", "True"}, {"not 1 == 2", "True"}, {"not x < 3 and f > 2", "True"},
    {"1 or 1 / 0", "1"}, {"0 and 1 / 0", "0"}, {"0 or 1 / 0", "ZeroDivisionError: division by zero"},
    {"x > 3 and x < 10 or n", "True"}, {"n or n and 1", "None"}, {"t and 'yes' or 'no'", "'yes'"},
    {"0.0 or -0.0", "-0.0"},
    /* names */
    {"x", "5"}, {"a", "3"}, {"a * x", "15"}, {"n", "None"}, {"t", "True"}, {"f", "2.5"},
    {"u", "UnboundLocalError: cannot access local variable 'u' where it is not associated with a value"},
    {"g", "NameError: name 'g' is not defined"},
    {"nope + 1", "NameError: name 'nope' is not defined"},
    {"d\xc3\xa9lai_\xe4\xb8\xad", "NameError: name 'd\xc3\xa9lai_\xe4\xb8\xad' is not defined"},
    {"now", "1.5"}, {"task_name", "'Task-1'"}, {"now * 2", "3.0"},
    /* attributes */
    {"e.value", "7"}, {"e.value + 1", "8"},
    {"k.value", "AttributeError: 'KeyError' object has no attribute 'value'"},
    {"x.value", "AttributeError: 'int' object has no attribute 'value'"},
    {"n.foo", "AttributeError: 'NoneType' object has no attribute 'foo'"},
    /* indexing */
    {"l[0]", "1"}, {"l[-1]", "None"}, {"l[1]", "'a'"}, {"l[-3]", "1"}, {"l[True]", "'a'"},
    {"l[3]", "IndexError: list index out of range"}, {"l[-4]", "IndexError: list index out of range"},
    {"l['a']", "TypeError: list indices must be integers or slices, not str"},
    {"l[1.0]", "TypeError: list indices must be integers or slices, not float"},
    {"l[None]", "TypeError: list indices must be integers or slices, not NoneType"},
    {"s[1]", "'\xc3\xa9'"}, {"s[-1]", "'o'"}, {"s[0] + s[4]", "'ho'"}, {"'\xf0\x9f\x98\x80x'[1]", "'x'"},
    {"s[5]", "IndexError: string index out of range"}, {"''[0]", "IndexError: string index out of range"},
    {"s['a']", "TypeError: string indices must be integers, not 'str'"},
    {"s[1.5]", "TypeError: string indices must be integers, not 'float'"},
    {"x[0]", "TypeError: 'int' object is not subscriptable"},
    {"n[0]", "TypeError: 'NoneType' object is not subscriptable"},
    {"e[0]", "TypeError: 'StopIteration' object is not subscriptable"},
    {"[[1, 2], [3]][0][1]", "2"}, {"[1, 2][x - 4]", "2"}, {"l[1][0]", "'a'"},
    /* errors inside a list display and evaluation order */
    {"[1, 1 / 0]", "ZeroDivisionError: division by zero"},
    {"g[1 / 0]", "NameError: name 'g' is not defined"},
    /* printf-style str % */
    {"'abc' % 5", "TypeError: not all arguments converted during string formatting"},
    {"'abc' % []", "'abc'"}, {"'abc' % 'x'", "TypeError: not all arguments converted during string formatting"},
    {"'%d items' % 3", "'3 items'"}, {"'%s' % [1]", "'[1]'"}, {"'%s %s' % [1]", "TypeError: not enough arguments for format string"},
    {"'%5.2f|' % 3.14159", "' 3.14|'"}, {"'%-5d|' % -3", "'-3   |'"}, {"'%05d' % -42", "'-0042'"},
    {"'%+d % d' % 5", "TypeError: not enough arguments for format string"}, {"'%+d' % 5", "'+5'"},
    {"'% d' % 5", "' 5'"}, {"'%x %%' % 255", "'ff %'"}, {"'%#06x' % 255", "'0x00ff'"}, {"'%#x' % -255", "'-0xff'"},
    {"'%o' % 8", "'10'"}, {"'%#o' % 8", "'0o10'"}, {"'%X' % 255", "'FF'"}, {"'%.3d' % -5", "'-005'"},
    {"'%05.3d' % -5", "'-0005'"}, {"'%d' % 1e20", "'100000000000000000000'"}, {"'%d' % -0.5", "'0'"},
    {"'%i' % True", "'1'"}, {"'%s' % True", "'True'"}, {"'%r' % s", "\"'h\xc3\xa9llo'\""},
    {"'%a' % s", "\"'h\\\\xe9llo'\""}, {"'%.2s' % s", "'h\xc3\xa9'"}, {"'%6s|' % s", "' h\xc3\xa9llo|'"},
    {"'%-6s|' % s", "'h\xc3\xa9llo |'"}, {"'%05s' % 'ab'", "'   ab'"}, {"'%c' % 65", "'A'"},
    {"'%c' % 233", "'\xc3\xa9'"}, {"'%c' % 'z'", "'z'"}, {"'%5c' % 65", "'    A'"},
    {"'%e' % 12345.678", "'1.234568e+04'"}, {"'%.0e' % 12345.0", "'1e+04'"}, {"'%g' % 1e16", "'1e+16'"},
    {"'%#g' % 1.0", "'1.00000'"}, {"'%G' % 1e-10", "'1E-10'"}, {"'%f' % 1", "'1.000000'"},
    {"'%+.2f' % -0.0", "'-0.00'"}, {"'%05f' % 1e309", "'00inf'"}, {"'%05f' % -1e309", "'-0inf'"},
    {"'%F' % 1e309", "'INF'"}, {"'%f' % (1e309 - 1e309)", "'nan'"}, {"'%+f' % (1e309 - 1e309)", "'+nan'"},
    {"'%s' % e", "'7'"}, {"'%r' % k", "\"KeyError('key')\""}, {"'%s' % k", "\"'key'\""},
    {"'%d' % 'a'", "TypeError: %d format: a real number is required, not str"},
    {"'%x' % 1.5", "TypeError: %x format: an integer is required, not float"},
    {"'%f' % 'a'", "TypeError: must be real number, not str"},
    {"'%f' % None", "TypeError: must be real number, not NoneType"},
    {"'%c' % 'ab'", "TypeError: %c requires int or char"},
    {"'%c' % 1.0", "TypeError: %c requires int or char"},
    {"'%c' % -1", "OverflowError: %c arg not in range(0x110000)"},
    {"'%z' % 1", "ValueError: unsupported format character 'z' (0x7a) at index 1"},
    {"'\xc3\xa9%\xc3\xa9' % 1", "ValueError: unsupported format character '?' (0xe9) at index 2"},
    {"'abc%' % 1", "ValueError: incomplete format"}, {"'%' % 1", "ValueError: incomplete format"},
    {"'%5%' % 1", "ValueError: unsupported format character '%' (0x25) at index 2"},
    {"'%(a)s' % 1", "TypeError: format requires a mapping"},
    {"'%(a)s' % [1]", "TypeError: list indices must be integers or slices, not str"},
    {"'%(a' % [1]", "ValueError: incomplete format key"},
    {"'%*d' % 5", "TypeError: not enough arguments for format string"},
    {"'%*d' % 'a'", "TypeError: * wants int"},
    {"'%d' % (1e309 - 1e309)", "ValueError: cannot convert float NaN to integer"},
    {"'%d' % 1e309", "OverflowError: cannot convert float infinity to integer"},
    {"'%ld' % 5", "'5'"}, {"'%.3s' % None", "'Non'"}, {"'%s%%' % 50", "'50%'"},
};

TEST_IMPL(expr_eval)
{
    return run_cases(eval_cases, NCASES(eval_cases), run) != 0;
}

/* Scenarios read no attribute but StopIteration's .value; the others
 * CPython has (e.args, s.upper, ...) do not exist here. */
TEST_IMPL(expr_other_attributes)
{
    static const tcase cases[] = {
        {"e.args", "error@2: attribute '.args' at column 3 is not supported: values have .value "
                   "(of a StopIteration) and the number attributes .real, .imag, .numerator and "
                   ".denominator"},
        {"s.value", "AttributeError: 'str' object has no attribute 'value'"},
        {"(7).numerator + (7).denominator + (7).imag", "8"}, {"True.real", "1"},
        {"(2.5).real + (2.5).imag", "2.5"},
        {"(2.5).numerator", "AttributeError: 'float' object has no attribute 'numerator'"},
    };
    return run_cases(cases, NCASES(cases), run) != 0;
}

/* Past 64 bits ints grow as CPython's do (values checked against CPython
 * 3.11); the sizes a sequence repeat can take stay bounded. */
TEST_IMPL(expr_int_overflow)
{
    static const tcase cases[] = {
        {"big + 1", "9223372036854775808"},
        {"-big - 2", "-9223372036854775809"},
        {"big * 2", "18446744073709551614"},
        {"-(-big - 1)", "9223372036854775808"},
        {"(-big - 1) // -1", "9223372036854775808"},
        {"9223372036854775808", "9223372036854775808"},
        {"-9223372036854775808", "-9223372036854775808"},
        {"3037000500 * 3037000500", "9223372037000250000"},
        {"3037000499 * -3037000499", "-9223372030926249001"},
        {"big * big // big == big", "True"},
        {"(big * 10) // -7", "-13176245766935394010"},
        {"(big * 10) % -7", "0"},
        {"(big * 10 + 1) % -7", "-6"},
        {"(big + 1) / 3", "3.0744573456182584e+18"},
        {"big * big * 1.0", "8.507059173023462e+37"},
        {"big + 1 == 9223372036854775808.0", "True"},
        {"big + 2 == 9223372036854775808.0", "False"},
        {"100000000000000000000 < 1e20", "False"},
        {"100000000000000000001 > 1e20", "True"},
        {"'ab' * big", "OverflowError: repeated string is too long"},
        {"[1] * big", "MemoryError"},
        {"'a' * big", "MemoryError"},
        {"'ab' * 2147483648", "MemoryError"},
        {"'ab' + 'c' * 268435455", "MemoryError"},
        {"'ab' * (big + 1)", "OverflowError: cannot fit 'int' into an index-sized integer"},
        {"[1][big + 1]", "IndexError: cannot fit 'int' into an index-sized integer"},
    };
    return run_cases(cases, NCASES(cases), run) != 0;
}

/* ---- expressions: parse errors ------------------------------------------- */

static const tcase error_cases[] = {
    {"", "error@0: unexpected end of text at column 1: expected an operand"},
    {"   ", "error@3: unexpected end of text at column 4: expected an operand"},
    {"1 +", "error@3: unexpected end of text at column 4: expected an operand"},
    {"(1 + 2", "error@6: unexpected end of text at column 7: expected ')' to close '(' at column 1"},
    {"(1 2)", "error@3: unexpected '2' at column 4: expected ')' to close '(' at column 1"},
    {"1 + )", "error@4: unexpected ')' at column 5: expected an operand"},
    {"x y", "error@2: unexpected text 'y' after the expression at column 3"},
    {"1 +* 2", "error@3: unexpected '*' at column 4: expected an operand"},
    {"[1, 2", "error@5: unexpected end of text at column 6: expected ',' or ']' to close '[' at column 1"},
    {"[1 2]", "error@3: unexpected '2' at column 4: expected ',' or ']' to close '[' at column 1"},
    {"[,]", "error@1: unexpected ',' at column 2: expected an operand"},
    {"l[1", "error@3: unexpected end of text at column 4: expected ']' to close '[' at column 2"},
    {"l[]", "error@2: unexpected ']' at column 3: expected an operand"},
    {"x.", "error@2: unexpected end of text at column 3: expected an attribute name after '.'"},
    {"x.real.1", "error@6: unexpected text '.1' after the expression at column 7"},
    {"x._", "AttributeError: 'int' object has no attribute '_'"},   /* none has it */
    {"x.None", "error@2: unexpected 'None' at column 3: expected an attribute name after '.'"},
    {"'abc", "error@0: unterminated string starting at column 1"},
    {"x + \"ab", "error@4: unterminated string starting at column 5"},
    {"'ab\\'", "error@0: unterminated string starting at column 1"},
    {"'ab\\", "error@0: unterminated string starting at column 1"},
    {"'a\nb'", "error@0: unterminated string starting at column 1"},
    {"'\\x4'", "error@1: truncated \\xXX escape at column 2"},
    {"'ab\\u12'", "error@3: truncated \\uXXXX escape at column 4"},
    {"'\\U00110000'", "error@1: escape at column 2 is not a Unicode character the simulator can hold"},
    {"'\\ud800'", "error@1: escape at column 2 is not a Unicode character the simulator can hold"},
    {"'\\N{DASH}'", "error@1: \\N{...} escape at column 2 is not supported"},
    {"1 < 2 < 3", "error@6: chained comparison at column 7 is not supported: write 'a < b and b < c'"},
    {"x in l", "error@2: operator 'in' at column 3 is not supported"},
    {"x is None", "error@2: operator 'is' at column 3 is not supported"},
    {"2 ** 3", "error@2: operator '**' at column 3 is not supported"},
    {"x = 1", "error@2: unexpected text '=' after the expression at column 3"},
    {"x if t else 0", "error@2: unexpected text 'if' after the expression at column 3"},
    {"lambda: 1", "error@0: unexpected keyword 'lambda' at column 1: expected an operand"},
    {"not", "error@3: unexpected end of text at column 4: expected an operand"},
    {"1 and", "error@5: unexpected end of text at column 6: expected an operand"},
    {"x $ 1", "error@2: unexpected text '$' after the expression at column 3"},
    {"$", "error@0: unexpected '$' at column 1: expected an operand"},
    {"x + \xe2\x86\x92", "error@4: unexpected character '\xe2\x86\x92' at column 5"},
    {"\xc3\xa9 + * 2", "error@5: unexpected '*' at column 5: expected an operand"},
    {"x\xc2\xb2", "error@1: unexpected character '\xc2\xb2' at column 2"},
    {"x\x01", "error@1: unexpected character '\\x01' at column 2"},
    {"012", "error@0: leading zeros in decimal integer literals are not permitted at column 1; "
            "use an 0o prefix for octal integers"},
    {"1abc", "error@0: invalid number '1abc' at column 1"},
    {"1.2.3", "error@0: invalid number '1.2.3' at column 1"},
    {"1e", "error@0: invalid number '1e' at column 1"},
    {"0x", "error@0: invalid number '0x' at column 1"},
    {"0x__1", "error@0: invalid number '0x__1' at column 1"},
    {"r'a'", "error@0: string prefix 'r' at column 1 is not supported: write a plain string literal"},
    {"1__0", "error@0: invalid number '1__0' at column 1"},
    {"1_", "error@0: invalid number '1_' at column 1"},
    {"+1", "error@0: unexpected '+' at column 1: expected an operand"},
    {"(1, 2)", "error@2: unexpected ',' at column 3: expected ')' to close '(' at column 1"},
    {"l[1:2]", "error@3: unexpected ':' at column 4: expected ']' to close '[' at column 2"},
    {"{1}", "error@0: unexpected '{' at column 1: expected an operand"},
    {"'a' 'b", "error@4: unterminated string starting at column 5"},
    {"averyveryveryverylongname123 averyveryveryverylongname123",
     "error@29: unexpected text 'averyveryveryverylongnam...' after the expression at column 30"},
};

TEST_IMPL(expr_parse_errors)
{
    return run_cases(error_cases, NCASES(error_cases), run) != 0;
}

/* Brackets and operators nested past the limits fail cleanly. */
TEST_IMPL(expr_nesting_limits)
{
    ctx c;
    ctx_init(&c);
    sim_buf src = {0};
    for (int i = 0; i < 250; i++)
        sim_buf_putc(&src, '(');
    sim_buf_putc(&src, '1');
    ASSERT_EQ_STR("error@200: expression nested too deeply at column 201 (more than 200 levels)",
                  run(&c, src.p));
    src.len = 0;
    for (int i = 0; i < 100000; i++)
        sim_buf_puts(&src, i % 2 ? "not " : "-");
    sim_buf_putc(&src, '1');
    ASSERT(strncmp(run(&c, src.p), "error@", 6) == 0);
    src.len = 0;
    for (int i = 0; i < 199; i++)
        sim_buf_putc(&src, '[');
    for (int i = 0; i < 199; i++)
        sim_buf_putc(&src, ']');
    ASSERT(strncmp(run(&c, src.p), "[[[[", 4) == 0);
    src.len = 0;
    sim_buf_putc(&src, '1');
    for (int i = 0; i < 499; i++)
        sim_buf_puts(&src, " + 1");
    ASSERT_EQ_STR("500", run(&c, src.p));
    sim_buf_puts(&src, " + 1");
    ASSERT_EQ_STR("error@1998: expression too complex at column 1999: more than 500 levels of operations",
                  run(&c, src.p));
    src.len = 0;
    sim_buf_putc(&src, '[');
    for (int i = 0; i < 5000; i++)
        sim_buf_puts(&src, "1, ");
    sim_buf_putc(&src, ']');
    ASSERT(strncmp(run(&c, src.p), "[1, 1, 1", 8) == 0);
    sim_buf_free(&src);
    ctx_free(&c);
    return 0;
}

/* The tree: kinds, operators, columns, constants, resolved names. */
TEST_IMPL(expr_tree)
{
    ctx c;
    ctx_init(&c);
    const char *src = "a + x * -2 == now or not task_name";
    sim_expr *e = sim_expr_parse(&c.A, src, strlen(src), test_resolve, &c, NULL, NULL, 0);
    ASSERT(e != NULL);
    ASSERT_EQ_INT(SIM_E_OR, e->kind);
    ASSERT_EQ_INT(18, e->col);
    const sim_expr *cmp = e->a, *sum = cmp->a;
    ASSERT_EQ_INT(SIM_E_CMP, cmp->kind);
    ASSERT_EQ_INT(SIM_CMP_EQ, cmp->op);
    ASSERT_EQ_INT(SIM_E_BIN, sum->kind);
    ASSERT_EQ_INT('+', sum->op);
    ASSERT_EQ_INT(2, sum->col);
    ASSERT_EQ_INT(SIM_E_NAME, sum->a->kind);
    ASSERT_EQ_STR("a", sum->a->name.id);
    ASSERT_EQ_INT(0, sum->a->name.local);
    ASSERT_EQ_INT(-1, sum->a->name.global);
    ASSERT_EQ_INT('*', sum->b->op);
    ASSERT_EQ_INT(SIM_E_CONST, sum->b->b->kind);   /* -2 folded */
    ASSERT_EQ_INT(-2, sum->b->b->k.u.i);
    ASSERT_EQ_INT(8, sum->b->b->col);
    ASSERT_EQ_INT(SIM_E_NOW, cmp->b->kind);
    ASSERT_EQ_INT(SIM_E_NOT, e->b->kind);
    ASSERT_EQ_INT(SIM_E_TASKNAME, e->b->a->kind);
    /* a name the frame binds hides the builtin */
    src = "[1.5, 'a', None, l[0], e.value, x // 2]";
    e = sim_expr_parse(&c.A, src, strlen(src), test_resolve, &c, NULL, NULL, 0);
    ASSERT(e != NULL && e->kind == SIM_E_LIST && e->n == 6);
    ASSERT_EQ_INT(SIM_FLOAT, e->items[0]->k.type);
    ASSERT_EQ_INT(SIM_STR, e->items[1]->k.type);
    ASSERT_EQ_INT(SIM_NONE, e->items[2]->k.type);
    ASSERT_EQ_INT(SIM_E_INDEX, e->items[3]->kind);
    ASSERT_EQ_INT(SIM_E_ATTR, e->items[4]->kind);
    ASSERT_EQ_STR("value", e->items[4]->attr);
    ASSERT_EQ_INT('f', e->items[5]->op);
    /* without a resolver: builtins, and names bound nowhere */
    src = "now + nothing";
    e = sim_expr_parse(&c.A, src, strlen(src), NULL, NULL, NULL, NULL, 0);
    ASSERT(e && e->a->kind == SIM_E_NOW && e->b->kind == SIM_E_NAME);
    ASSERT_EQ_INT(-1, e->b->name.local);
    ctx_free(&c);
    return 0;
}

/* A name with a global slot that is not bound yet falls back to the
 * builtin of the same name (ast.h); an unbound local never does. */
TEST_IMPL(expr_name_lookup)
{
    ctx c;
    ctx_init(&c);
    sim_name nm = {"now", -1, 9};
    sim_expr e = {.kind = SIM_E_NAME, .name = nm};
    sim_value v;
    sim_exc *exc = NULL;
    ASSERT_EQ_INT(0, sim_expr_eval(&e, &c.env, &v, &exc));
    ASSERT_EQ_INT(SIM_FLOAT, v.type);
    c.globals[9] = sim_int(42);
    ASSERT_EQ_INT(0, sim_expr_eval(&e, &c.env, &v, &exc));
    ASSERT_EQ_INT(42, v.u.i);
    e.name.local = 1;
    ASSERT_EQ_INT(-1, sim_expr_eval(&e, &c.env, &v, &exc));
    ASSERT_EQ_INT(SIM_EXC_UNBOUNDLOCALERROR, exc->type);
    /* main: no locals at all */
    c.env.locals = NULL;
    ASSERT_EQ_INT(0, sim_expr_eval(&e, &c.env, &v, &exc));
    ASSERT_EQ_INT(42, v.u.i);
    c.env.task_name = sim_none();
    ASSERT_EQ_STR("None", run(&c, "task_name"));
    ctx_free(&c);
    return 0;
}

/* ---- templates ------------------------------------------------------------ */

static const tcase tmpl_cases[] = {
    {"plain text", "plain text"}, {"", ""}, {"x = {x}", "x = 5"}, {"{x}{f}{s}", "52.5h\xc3\xa9llo"},
    {"{{x}} is {x}", "{x} is 5"}, {"}}{{", "}{"}, {"{l}", "[1, 'a', None]"}, {"{n} {t}", "None True"},
    {"{0.1 + 0.2}", "0.30000000000000004"}, {"{1.0}", "1.0"}, {"{1e16}", "1e+16"},
    {"{e}", "7"}, {"{k}", "'key'"}, {"{'a' + 'b'}", "ab"}, {"{ x + 1 }", "6"},
    {"{f:.2f}", "2.50"}, {"{x:.3f}", "5.000"}, {"{t:.1f}", "1.0"}, {"{2.675:.2f}", "2.67"},
    {"{0.125:.2f}", "0.12"}, {"{-0.0001:.2f}", "-0.00"}, {"{1e20:.1f}", "100000000000000000000.0"},
    {"{x / 3:.0f}", "2"}, {"{1e309:.2f}", "inf"}, {"{-1e309:.1f}", "-inf"},
    {"{1e309 - 1e309:.2f}", "nan"}, {"{big:.1f}", "9223372036854775808.0"}, {"{x:}", "5"},
    {"{s:.2f}", "ValueError: Unknown format code 'f' for object of type 'str'"},
    {"{n:.2f}", "TypeError: unsupported format string passed to NoneType.__format__"},
    {"{l:.2f}", "TypeError: unsupported format string passed to list.__format__"},
    {"{e:.2f}", "TypeError: unsupported format string passed to StopIteration.__format__"},
    {"{x != 5}", "False"}, {"{l[1]}", "a"}, {"{[1, 2][0]}", "1"}, {"{'}'}", "}"}, {"{':'}", ":"},
    {"{'a' if}", "error@5: unexpected text 'if' after the expression at column 6"},
    {"a{1 / 0}b", "ZeroDivisionError: division by zero"},
    {"{now} {task_name}", "1.5 Task-1"}, {"{g}", "NameError: name 'g' is not defined"},
    {"t={now:.3f}s", "t=1.500s"},
};

TEST_IMPL(expr_template)
{
    return run_cases(tmpl_cases, NCASES(tmpl_cases), run_tmpl) != 0;
}

static const tcase tmpl_error_cases[] = {
    {"a } b", "error@2: single '}' is not allowed at column 3 (write '}}' for a brace)"},
    {"}", "error@0: single '}' is not allowed at column 1 (write '}}' for a brace)"},
    {"x {x", "error@2: unclosed '{' at column 3: expected '}'"},
    {"{", "error@0: unclosed '{' at column 1: expected '}'"},
    {"{x:.2f", "error@0: unclosed '{' at column 1: expected '}'"},
    {"ab {}", "error@3: empty expression in '{}' at column 4"},
    {"{  }", "error@0: empty expression in '{}' at column 1"},
    {"ab {x +}", "error@7: unexpected '}' at column 8: expected an operand"},
    {"ab {(x}", "error@6: unexpected '}' at column 7: expected ')' to close '(' at column 5"},
    {"ab {(x:.2f}", "error@6: unexpected ':' at column 7: expected ')' to close '(' at column 5"},
    {"{x)}", "error@2: unexpected text ')' after the expression at column 3"},
    {"{[1, 2}", "error@6: unexpected '}' at column 7: expected ',' or ']' to close '[' at column 2"},
    {"{x} {y + 'z}", "error@9: unterminated string starting at column 10"},
    {"{x:>5}", "error@2: unsupported format spec ':>5' at column 3: expected ':.Nf' (e.g. ':.2f')"},
    {"{x:.2}", "error@2: unsupported format spec ':.2' at column 3: expected ':.Nf' (e.g. ':.2f')"},
    {"{x:.f}", "error@2: unsupported format spec ':.f' at column 3: expected ':.Nf' (e.g. ':.2f')"},
    {"{x:.2e}", "error@2: unsupported format spec ':.2e' at column 3: expected ':.Nf' (e.g. ':.2f')"},
    {"{x!r}", "error@2: conversion at column 3 is not supported ('!r', '!s', '!a')"},
    {"{x} and {1 < 2 < 3}", "error@15: chained comparison at column 16 is not supported: write 'a < b and b < c'"},
};

TEST_IMPL(expr_template_errors)
{
    return run_cases(tmpl_error_cases, NCASES(tmpl_error_cases), run_tmpl) != 0;
}

/* Parts: literals unescaped, fields with their precision. */
TEST_IMPL(expr_template_parts)
{
    ctx c;
    ctx_init(&c);
    const char *src = "a{{b {x:.2f}}}c{s}";
    sim_tmpl *t = sim_tmpl_parse(&c.A, src, strlen(src), test_resolve, &c, NULL, NULL, 0);
    ASSERT(t != NULL);
    ASSERT_EQ_INT(4, t->n);
    ASSERT_EQ_STR("a{b ", t->parts[0].lit);
    ASSERT_EQ_INT(4, t->parts[0].litlen);
    ASSERT(t->parts[1].e && !t->parts[1].lit);
    ASSERT_EQ_INT(2, t->parts[1].prec);
    ASSERT_EQ_STR("}c", t->parts[2].lit);
    ASSERT_EQ_INT(-1, t->parts[3].prec);
    /* a failing field leaves the output as it was */
    sim_buf out = {0};
    sim_buf_puts(&out, "keep");
    sim_exc *exc = NULL;
    src = "lost {1 / 0}";
    t = sim_tmpl_parse(&c.A, src, strlen(src), test_resolve, &c, NULL, NULL, 0);
    ASSERT_EQ_INT(-1, sim_tmpl_format(t, &c.env, &out, &exc));
    ASSERT_EQ_STR("keep", out.p);
    sim_buf_free(&out);
    ctx_free(&c);
    return 0;
}

/* ---- robustness ------------------------------------------------------------- */

/* Input that is not NUL-terminated is never read past its length. */
TEST_IMPL(expr_exact_length)
{
    static const char *const srcs[] = {"00", "1e5", "'ab", "x", "0x1f", "1.", "'\\", "'\\x4",
                                       "012", "1_0", "{x", "{x:", "{x:.2", "{x:.2f", "}", "{'a"};
    ctx c;
    ctx_init(&c);
    for (size_t i = 0; i < NCASES(srcs); i++) {
        size_t n = strlen(srcs[i]);
        char *copy = malloc(n ? n : 1);
        memcpy(copy, srcs[i], n);
        int col;
        char msg[100];
        (void)sim_expr_parse(&c.A, copy, n, test_resolve, &c, &col, msg, sizeof msg);
        (void)sim_tmpl_parse(&c.A, copy, n, test_resolve, &c, &col, msg, sizeof msg);
        free(copy);
    }
    /* a prefix of a longer text: only the first len bytes count */
    sim_expr *e = sim_expr_parse(&c.A, "12+3", 2, test_resolve, &c, NULL, NULL, 0);
    ASSERT(e && e->kind == SIM_E_CONST && e->k.u.i == 12);
    ctx_free(&c);
    return 0;
}

/* Random strings over the expression alphabet: every one parses or fails
 * with a message and a column inside the text, and whatever parses
 * evaluates (or raises) and formats without crashing. */
TEST_IMPL(expr_fuzz)
{
    static const char alphabet[] = "0123456789.e_xlsfnatkug()[]+-*/%<>=!,.'\" \\:{}"
                                   "\xc3\xa9 and or not None True";
    ctx c;
    ctx_init(&c);
    uint64_t seed = 12345;
    char src[40];
    for (int iter = 0; iter < 100000; iter++) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        size_t n = (size_t)(seed >> 59) + 1;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            src[i] = alphabet[(seed >> 33) % (sizeof alphabet - 1)];
        }
        src[n] = 0;
        const char *r = (iter & 1 ? run_tmpl : run)(&c, src);
        if (strncmp(r, "error@", 6) == 0) {
            int col = atoi(r + 6);
            ASSERT(col >= 0 && (size_t)col <= n);
            ASSERT(strlen(r) > 12);
        }
        if (c.A.total > (64u << 20)) {
            ctx_free(&c);
            ctx_init(&c);
        }
    }
    ctx_free(&c);
    return 0;
}
