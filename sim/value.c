/*
 * value.c -- see value.h. The slice of Python's data model that scenarios
 * use: construction, str()/repr(), truth, arithmetic and comparison, with
 * CPython 3.11's results and error messages.
 */
#include "value.h"
#include "bigint.h"
#include "unicode.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deepest list nesting that repr() and comparisons walk. CPython stops at
 * its recursion limit (1000, less the frames below: a repr in main fails
 * past 996 levels, in a task of asyncio.run past about 987) with
 * RecursionError; repr() here cannot fail, so it writes '[...]' below this
 * depth instead, and the callers that can raise check first. */
#define NEST_MAX 990
/* Largest str (bytes) and list (items) that + and * build. CPython's only
 * limit is memory; these keep lengths in uint32 and memory sane. */
#define STR_MAX (1u << 28)
#define LIST_MAX (1u << 24)

/* ---- exception types --------------------------------------------------- */

/* CPython 3.11's classes. TimeoutError really derives from OSError, which
 * scenarios cannot name, so Exception stands in for it. */
static const sim_exctype builtin_types[SIM_EXC_NBUILTIN] = {
    [SIM_EXC_BASEEXCEPTION] = {"BaseException", -1},
    [SIM_EXC_EXCEPTION] = {"Exception", SIM_EXC_BASEEXCEPTION},
    [SIM_EXC_KEYBOARDINTERRUPT] = {"KeyboardInterrupt", SIM_EXC_BASEEXCEPTION},
    [SIM_EXC_SYSTEMEXIT] = {"SystemExit", SIM_EXC_BASEEXCEPTION},
    [SIM_EXC_CANCELLEDERROR] = {"CancelledError", SIM_EXC_BASEEXCEPTION},
    [SIM_EXC_GENERATOREXIT] = {"GeneratorExit", SIM_EXC_BASEEXCEPTION},
    [SIM_EXC_ARITHMETICERROR] = {"ArithmeticError", SIM_EXC_EXCEPTION},
    [SIM_EXC_ZERODIVISIONERROR] = {"ZeroDivisionError", SIM_EXC_ARITHMETICERROR},
    [SIM_EXC_OVERFLOWERROR] = {"OverflowError", SIM_EXC_ARITHMETICERROR},
    [SIM_EXC_LOOKUPERROR] = {"LookupError", SIM_EXC_EXCEPTION},
    [SIM_EXC_KEYERROR] = {"KeyError", SIM_EXC_LOOKUPERROR},
    [SIM_EXC_INDEXERROR] = {"IndexError", SIM_EXC_LOOKUPERROR},
    [SIM_EXC_RUNTIMEERROR] = {"RuntimeError", SIM_EXC_EXCEPTION},
    [SIM_EXC_RECURSIONERROR] = {"RecursionError", SIM_EXC_RUNTIMEERROR},
    [SIM_EXC_VALUEERROR] = {"ValueError", SIM_EXC_EXCEPTION},
    [SIM_EXC_TYPEERROR] = {"TypeError", SIM_EXC_EXCEPTION},
    [SIM_EXC_NAMEERROR] = {"NameError", SIM_EXC_EXCEPTION},
    [SIM_EXC_UNBOUNDLOCALERROR] = {"UnboundLocalError", SIM_EXC_NAMEERROR},
    [SIM_EXC_ATTRIBUTEERROR] = {"AttributeError", SIM_EXC_EXCEPTION},
    [SIM_EXC_STOPITERATION] = {"StopIteration", SIM_EXC_EXCEPTION},
    [SIM_EXC_QUEUEFULL] = {"QueueFull", SIM_EXC_EXCEPTION},
    [SIM_EXC_QUEUEEMPTY] = {"QueueEmpty", SIM_EXC_EXCEPTION},
    [SIM_EXC_TIMEOUTERROR] = {"TimeoutError", SIM_EXC_EXCEPTION},
    [SIM_EXC_INVALIDSTATEERROR] = {"InvalidStateError", SIM_EXC_EXCEPTION},
    [SIM_EXC_MEMORYERROR] = {"MemoryError", SIM_EXC_EXCEPTION},
};

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "coroscope: out of memory (%zu bytes)\n", n);
        abort();
    }
    return q;
}

void sim_exctypes_init(sim_exctypes *T)
{
    T->n = SIM_EXC_NBUILTIN;
    T->cap = SIM_EXC_NBUILTIN + 8;
    T->t = xrealloc(NULL, (size_t)T->cap * sizeof *T->t);
    memcpy(T->t, builtin_types, sizeof builtin_types);
}

/* The builtin names are static strings; only the added ones are freed. */
void sim_exctypes_free(sim_exctypes *T)
{
    for (int i = SIM_EXC_NBUILTIN; i < T->n; i++)
        free((char *)T->t[i].name);
    free(T->t);
    T->t = NULL;
    T->n = T->cap = 0;
}

int sim_exctypes_get(sim_exctypes *T, const char *name, int add)
{
    if (!name)
        return -1;
    for (int i = 0; i < T->n; i++)
        if (strcmp(T->t[i].name, name) == 0)
            return i;
    if (!add)
        return -1;
    if (T->n == T->cap) {
        T->cap *= 2;
        T->t = xrealloc(T->t, (size_t)T->cap * sizeof *T->t);
    }
    size_t len = strlen(name) + 1;
    char *copy = xrealloc(NULL, len);
    memcpy(copy, name, len);
    T->t[T->n].name = copy;
    T->t[T->n].parent = SIM_EXC_EXCEPTION;
    return T->n++;
}

/* Without a table (NULL), only the builtin hierarchy is known. */
int sim_exctypes_is(const sim_exctypes *T, int sub, int base)
{
    const sim_exctype *t = T ? T->t : builtin_types;
    int n = T ? T->n : SIM_EXC_NBUILTIN;
    for (int i = sub; i >= 0 && i < n; i = t[i].parent)
        if (i == base)
            return 1;
    return 0;
}

/* Name of exception type id; without a table only the builtins are known. */
static const char *exc_type_name(const sim_exctypes *T, int type)
{
    if (T && type >= 0 && type < T->n)
        return T->t[type].name;
    if (type >= 0 && type < SIM_EXC_NBUILTIN)
        return builtin_types[type].name;
    return "BaseException";
}

/* ---- constructors -------------------------------------------------------- */

sim_value sim_none(void)
{
    sim_value v = {.type = SIM_NONE};
    return v;
}

sim_value sim_bool(int b)
{
    sim_value v = {.type = SIM_BOOL, .u.b = b != 0};
    return v;
}

sim_value sim_int(int64_t i)
{
    sim_value v = {.type = SIM_INT, .u.i = i};
    return v;
}

sim_value sim_float(double f)
{
    sim_value v = {.type = SIM_FLOAT, .u.f = f};
    return v;
}

sim_value sim_str_value(sim_str *s)
{
    sim_value v = {.type = SIM_STR, .u.s = s};
    return v;
}

sim_value sim_obj_value(sim_object *o)
{
    sim_value v = {.type = SIM_OBJ, .u.o = o};
    return v;
}

sim_value sim_list_value(sim_list *l)
{
    sim_value v = {.type = SIM_LIST, .u.l = l};
    return v;
}

/* A str of len bytes, contents to be written by the caller. */
static sim_str *str_alloc(sim_arena *A, size_t len)
{
    sim_str *r = sim_arena_alloc(A, sizeof(sim_str) + len + 1);
    r->len = (uint32_t)len;
    r->data[len] = 0;
    return r;
}

sim_str *sim_str_new(sim_arena *A, const char *s, size_t len)
{
    sim_str *r = str_alloc(A, len);
    if (len)
        memcpy(r->data, s, len);
    return r;
}

sim_str *sim_str_cstr(sim_arena *A, const char *s)
{
    return sim_str_new(A, s, strlen(s));
}

sim_value sim_str_from(sim_arena *A, const char *s)
{
    return sim_str_value(sim_str_cstr(A, s));
}

sim_list *sim_list_new(sim_arena *A, uint32_t cap)
{
    sim_list *l = sim_arena_alloc(A, sizeof *l);
    l->len = 0;
    l->cap = cap;
    l->items = cap ? sim_arena_alloc(A, cap * sizeof(sim_value)) : NULL;
    l->tail = NULL;
    l->mark = 0;
    return l;
}

/* A full list moves to an array twice as large; the old array stays in the
 * arena until it is freed. So does one whose array another list uses past
 * its end (list_concat shares arrays). */
void sim_list_append(sim_arena *A, sim_list *l, sim_value v)
{
    if (l->len == l->cap || (l->tail && *l->tail != l->len)) {
        uint32_t cap = l->cap ? l->cap * 2 : 4;
        sim_value *items = sim_arena_alloc(A, cap * sizeof(sim_value));
        if (l->len)
            memcpy(items, l->items, l->len * sizeof(sim_value));
        l->items = items;
        l->cap = cap;
        l->tail = NULL;
    }
    l->items[l->len++] = v;
    if (l->tail)
        *l->tail = l->len;
}

/* a + b. Lists never change once made, so the result may share a's array
 * when a ends where the array's used part ends: b's items go after a's and
 * the array's tail moves on (a still sees its own len). Otherwise the items
 * go to a new array with room to grow by half. The arena frees nothing
 * before the run ends, so `results = results + [x]` repeated n times would
 * otherwise keep n arrays of up to n items (quadratic memory); this way it
 * keeps O(n). */
static sim_list *list_concat(sim_arena *A, const sim_list *a, const sim_list *b)
{
    uint32_t la = a->len, lb = b->len;
    sim_list *l = sim_arena_alloc(A, sizeof *l);
    if (a->tail && *a->tail == la && a->cap - la >= lb) {
        *l = *a;
    } else {
        uint64_t want = (uint64_t)la + lb + (la + lb) / 2 + 4;
        l->cap = (uint32_t)(want > LIST_MAX ? (uint64_t)la + lb : want);
        l->items = sim_arena_alloc(A, l->cap * sizeof(sim_value));
        l->tail = sim_arena_alloc(A, sizeof *l->tail);
        if (la)
            memcpy(l->items, a->items, la * sizeof(sim_value));
    }
    if (lb)
        memcpy(l->items + la, b->items, lb * sizeof(sim_value));
    l->len = la + lb;
    *l->tail = l->len;
    l->mark = 0;
    return l;
}

/* StopIteration(v).value is v, as in CPython; every other type keeps None. */
sim_exc *sim_exc_with_arg(sim_arena *A, int type, sim_value v)
{
    sim_exc *e = sim_arena_zalloc(A, sizeof *e);
    e->type = type;
    e->nargs = 1;
    e->arg = v;
    e->value = type == SIM_EXC_STOPITERATION ? v : sim_none();
    e->context = NULL;
    return e;
}

sim_exc *sim_exc_new(sim_arena *A, int type, const char *msg)
{
    if (msg)
        return sim_exc_with_arg(A, type, sim_str_from(A, msg));
    sim_exc *e = sim_exc_with_arg(A, type, sim_none());
    e->nargs = 0;
    return e;
}

/* The message is formatted straight into the arena: measured, then written. */
static sim_exc *exc_vnewf(sim_arena *A, int type, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    sim_str *s = str_alloc(A, (size_t)n);
    vsnprintf(s->data, (size_t)n + 1, fmt, ap);
    return sim_exc_with_arg(A, type, sim_str_value(s));
}

sim_exc *sim_exc_newf(sim_arena *A, int type, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sim_exc *e = exc_vnewf(A, type, fmt, ap);
    va_end(ap);
    return e;
}

/* Store a new exception in *exc and return -1: the failure path of every
 * Python operation below. */
static int fail(sim_arena *A, sim_exc **exc, int type, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    *exc = exc_vnewf(A, type, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- byte buffer ------------------------------------------------------- */

/* Room for n more bytes and the NUL that always follows the contents. */
static void buf_reserve(sim_buf *b, size_t n)
{
    if (b->len + n + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1)
        cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

char *sim_buf_reserve(sim_buf *b, size_t n)
{
    buf_reserve(b, n);
    return b->p + b->len;
}

void sim_buf_put(sim_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

void sim_buf_puts(sim_buf *b, const char *s)
{
    sim_buf_put(b, s, strlen(s));
}

void sim_buf_putc(sim_buf *b, char c)
{
    sim_buf_put(b, &c, 1);
}

char *sim_int_digits(int64_t i, char buf[SIM_INT_DIGITS])
{
    char *p = buf + SIM_INT_DIGITS;
    uint64_t u = i < 0 ? 0 - (uint64_t)i : (uint64_t)i;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (i < 0)
        *--p = '-';
    return p;
}

void sim_buf_put_int(sim_buf *b, int64_t i)
{
    char buf[SIM_INT_DIGITS], *p = sim_int_digits(i, buf);
    sim_buf_put(b, p, (size_t)(buf + SIM_INT_DIGITS - p));
}

void sim_buf_printf(sim_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sim_buf_free(sim_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* ---- float repr ---------------------------------------------------------- */

/* Add delta (+1 or -1) to the last of the n decimal digits dg, carrying or
 * borrowing; a carry out of the first digit gives 10..0 with *exp10 + 1.
 * Returns 0 when the first digit would become 0. */
static int digits_bump(char *dg, int n, int *exp10, int delta)
{
    int i = n - 1;
    while (i >= 0 && dg[i] == (delta > 0 ? '9' : '0'))
        dg[i--] = delta > 0 ? '0' : '9';
    if (i >= 0) {
        dg[i] = (char)(dg[i] + delta);
        return dg[0] != '0';
    }
    if (delta < 0)
        return 0;
    dg[0] = '1';
    (*exp10)++;
    return 1;
}

/* 1 when the digits dg[0..n) times 10^exp10 read back as d. */
static int digits_roundtrip(const char *dg, int n, int exp10, double d)
{
    char s[40];
    snprintf(s, sizeof s, "%c.%.*se%d", dg[0], n - 1, dg + 1, exp10);
    return strtod(s, NULL) == d;
}

/* The shortest decimal digits of a finite d > 0 that read back as d, and
 * the decimal exponent of the first one (what dtoa's shortest mode gives
 * repr()). Tries 1..17 significant digits, correctly rounded by %.*e.
 * Just above a power of two the gap below d is half the gap above, so the
 * nearest candidate can miss while its neighbour one unit up or down still
 * reads back: those are tried too. Returns the digit count, trailing zeros
 * stripped. */
static int float_digits(double d, char dg[24], int *exp10)
{
    for (int p = 1; p <= 17; p++) {
        char s[40];
        snprintf(s, sizeof s, "%.*e", p - 1, d);
        dg[0] = s[0];
        memcpy(dg + 1, s + 2, (size_t)(p - 1));    /* skip "d." */
        *exp10 = atoi(strchr(s, 'e') + 1);
        int ok = strtod(s, NULL) == d;
        for (int delta = 1; !ok && delta >= -1; delta -= 2) {
            char alt[24];
            int e = *exp10;
            memcpy(alt, dg, (size_t)p);
            if (digits_bump(alt, p, &e, delta) && digits_roundtrip(alt, p, e, d)) {
                memcpy(dg, alt, (size_t)p);
                *exp10 = e;
                ok = 1;
            }
        }
        if (ok) {
            while (p > 1 && dg[p - 1] == '0')
                p--;
            return p;
        }
    }
    return 0;   /* not reached: 17 digits always read back */
}

/* Python's layout of the digits: positional when the exponent is in
 * [-4, 16), else d.ddde+XX with at least two exponent digits. */
void sim_float_repr(double d, char out[32])
{
    if (isnan(d) || isinf(d) || d == 0) {
        strcpy(out, isnan(d) ? "nan" : isinf(d) ? (d > 0 ? "inf" : "-inf")
                                                : (signbit(d) ? "-0.0" : "0.0"));
        return;
    }
    char dg[24];
    int e, n = float_digits(fabs(d), dg, &e);
    char *o = out;
    if (d < 0)
        *o++ = '-';
    size_t room = 31 - (size_t)(o - out);
    if (e < -4 || e >= 16)
        snprintf(o, room, "%c%s%.*se%c%02d", dg[0], n > 1 ? "." : "", n - 1, dg + 1,
                 e < 0 ? '-' : '+', abs(e));
    else if (e < 0)
        snprintf(o, room, "0.%.*s%.*s", -e - 1, "0000", n, dg);
    else if (e + 1 >= n)
        snprintf(o, room, "%.*s%.*s.0", n, dg, e + 1 - n, "0000000000000000");
    else
        snprintf(o, room, "%.*s.%.*s", e + 1, dg, n - e - 1, dg + e + 1);
}

/* ---- str() and repr() -------------------------------------------------- */

/* One character of a str repr: backslash escapes for the quote, the
 * backslash, \t \n \r, \xNN for other controls, \x \u \U for non-printable
 * non-ASCII code points, the UTF-8 bytes as they are otherwise. */
static void repr_char(sim_buf *b, const char *s, int len, int32_t cp, char quote)
{
    if (cp < 0)
        sim_buf_printf(b, "\\x%02x", (unsigned char)s[0]);
    else if (cp == quote || cp == '\\')
        sim_buf_printf(b, "\\%c", (char)cp);
    else if (cp == '\t' || cp == '\n' || cp == '\r')
        sim_buf_puts(b, cp == '\t' ? "\\t" : cp == '\n' ? "\\n" : "\\r");
    else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0x100 && !sim_unicode_printable(cp)))
        sim_buf_printf(b, "\\x%02x", (unsigned)cp);
    else if (cp >= 0x80 && !sim_unicode_printable(cp))
        sim_buf_printf(b, cp < 0x10000 ? "\\u%04x" : "\\U%08x", (unsigned)cp);
    else
        sim_buf_put(b, s, (size_t)len);
}

/* CPython's quote choice: single quotes unless the text has a single quote
 * and no double quote. */
static void str_repr(sim_buf *b, const sim_str *s)
{
    const char *d = s->data;
    char quote = memchr(d, '\'', s->len) && !memchr(d, '"', s->len) ? '"' : '\'';
    sim_buf_putc(b, quote);
    for (size_t i = 0; i < s->len;) {
        int32_t cp;
        int len = sim_unicode_decode((const unsigned char *)d + i, s->len - i, &cp);
        repr_char(b, d + i, len, cp, quote);
        i += (size_t)len;
    }
    sim_buf_putc(b, quote);
}

static void value_repr(sim_buf *b, const sim_exctypes *T, sim_value v, int depth);

static void list_repr(sim_buf *b, const sim_exctypes *T, const sim_list *l, int depth)
{
    if (depth > NEST_MAX) {
        sim_buf_puts(b, "[...]");
        return;
    }
    sim_buf_putc(b, '[');
    for (uint32_t i = 0; i < l->len; i++) {
        if (i)
            sim_buf_puts(b, ", ");
        value_repr(b, T, l->items[i], depth + 1);
    }
    sim_buf_putc(b, ']');
}

static void value_str(sim_buf *b, const sim_exctypes *T, sim_value v, int depth);

/* CPython's str() of an asyncio.Queue, "<Queue maxsize=0 _queue=[1]
 * tasks=1>"; its repr() adds " at 0x..." after the name, an address no
 * simulator can reproduce, so repr() is the same text. */
static void queue_repr(sim_buf *b, const sim_exctypes *T, const sim_object *o, int depth)
{
    sim_qview q;
    sim_queue_view(o, &q);
    sim_buf_printf(b, "<Queue maxsize=%" PRId64, q.maxsize);
    if (q.len && depth > NEST_MAX) {
        sim_buf_puts(b, " _queue=[...]");
    } else if (q.len) {
        sim_buf_puts(b, " _queue=[");
        for (size_t i = 0; i < q.len; i++) {
            if (i)
                sim_buf_puts(b, ", ");
            value_repr(b, T, sim_queue_item(o, i), depth + 1);
        }
        sim_buf_putc(b, ']');
    }
    if (q.ngetters)
        sim_buf_printf(b, " _getters[%zu]", q.ngetters);
    if (q.nputters)
        sim_buf_printf(b, " _putters[%zu]", q.nputters);
    if (q.tasks)
        sim_buf_printf(b, " tasks=%" PRId64, q.tasks);
    sim_buf_putc(b, '>');
}

/* str(e): '' without args, str(arg) with one, repr(arg) for KeyError. */
static void exc_str(sim_buf *b, const sim_exctypes *T, const sim_exc *e, int depth)
{
    if (e->nargs == 0 || depth > NEST_MAX)
        return;
    if (sim_exctypes_is(T, e->type, SIM_EXC_KEYERROR))
        value_repr(b, T, e->arg, depth + 1);
    else
        value_str(b, T, e->arg, depth + 1);
}

static void value_repr(sim_buf *b, const sim_exctypes *T, sim_value v, int depth)
{
    char tmp[32];
    switch (v.type) {
    case SIM_NONE: sim_buf_puts(b, "None"); break;
    case SIM_BOOL: sim_buf_puts(b, v.u.b ? "True" : "False"); break;
    case SIM_INT: sim_buf_put_int(b, v.u.i); break;
    case SIM_BIG: sim_bigint_digits(b, v, 10, 0); break;
    case SIM_FLOAT: sim_float_repr(v.u.f, tmp); sim_buf_puts(b, tmp); break;
    case SIM_STR: str_repr(b, v.u.s); break;
    case SIM_LIST: list_repr(b, T, v.u.l, depth); break;
    case SIM_EXC:
        sim_buf_puts(b, exc_type_name(T, v.u.e->type));
        sim_buf_putc(b, '(');
        if (v.u.e->nargs)
            value_repr(b, T, v.u.e->arg, depth + 1);
        sim_buf_putc(b, ')');
        break;
    case SIM_OBJ:
        if (v.u.o->kind == SIM_OBJ_QUEUE)
            queue_repr(b, T, v.u.o, depth);
        else
            sim_buf_printf(b, "<%s>", v.u.o->label ? v.u.o->label : "object");
        break;
    default: sim_buf_puts(b, "<unbound>"); break;
    }
}

void sim_value_repr(sim_buf *b, const sim_exctypes *T, sim_value v)
{
    value_repr(b, T, v, 0);
}

/* str() differs from repr() only for str itself and exceptions. */
static void value_str(sim_buf *b, const sim_exctypes *T, sim_value v, int depth)
{
    if (v.type == SIM_STR)
        sim_buf_put(b, v.u.s->data, v.u.s->len);
    else if (v.type == SIM_EXC)
        exc_str(b, T, v.u.e, depth);
    else
        value_repr(b, T, v, depth);
}

void sim_value_str(sim_buf *b, const sim_exctypes *T, sim_value v)
{
    value_str(b, T, v, 0);
}

/* Writes ": " and str(e), then takes ": " back when str(e) was empty. */
void sim_exc_describe(sim_buf *b, const sim_exctypes *T, const sim_exc *e)
{
    sim_buf_puts(b, exc_type_name(T, e->type));
    size_t mark = b->len;
    sim_buf_puts(b, ": ");
    size_t start = b->len;
    exc_str(b, T, e, 0);
    if (b->len == start) {
        b->len = mark;
        b->p[mark] = 0;
    }
}

/* Names as CPython's messages print them (tp_name): asyncio's C-accelerated
 * classes carry their module. An awaitable's class name is not known here. */
const char *sim_value_typename(const sim_exctypes *T, sim_value v)
{
    static const char *const objs[] = {
        [SIM_OBJ_CORO] = "coroutine", [SIM_OBJ_AWAITABLE] = "object",
        [SIM_OBJ_FUTURE] = "_asyncio.Future", [SIM_OBJ_TASK] = "_asyncio.Task",
        [SIM_OBJ_QUEUE] = "Queue", [SIM_OBJ_LOOP] = "_UnixSelectorEventLoop",
    };
    switch (v.type) {
    case SIM_NONE: return "NoneType";
    case SIM_BOOL: return "bool";
    case SIM_INT: case SIM_BIG: return "int";
    case SIM_FLOAT: return "float";
    case SIM_STR: return "str";
    case SIM_LIST: return "list";
    case SIM_EXC: return exc_type_name(T, v.u.e->type);
    case SIM_OBJ: return v.u.o->kind <= SIM_OBJ_LOOP ? objs[v.u.o->kind] : "object";
    default: return "unbound";
    }
}

int sim_value_truthy(sim_value v)
{
    switch (v.type) {
    case SIM_NONE: return 0;
    case SIM_BOOL: return v.u.b != 0;
    case SIM_INT: return v.u.i != 0;
    case SIM_FLOAT: return v.u.f != 0.0;
    case SIM_STR: return v.u.s->len != 0;
    case SIM_LIST: return v.u.l->len != 0;
    case SIM_UNBOUND: return 0;
    default: return 1;
    }
}

/* ---- arithmetic -------------------------------------------------------- */

/* bool is a subclass of int: it takes part in arithmetic as 0 and 1. */
static int is_int(sim_value v)
{
    return v.type == SIM_INT || v.type == SIM_BOOL;
}

static int is_num(sim_value v)
{
    return is_int(v) || v.type == SIM_FLOAT || v.type == SIM_BIG;
}

static int64_t int_of(sim_value v)
{
    return v.type == SIM_BOOL ? (v.u.b != 0) : v.u.i;
}

/* float(v) of a number; an int too large for a float is OverflowError. */
static int float_of(sim_arena *A, sim_value v, double *d, sim_exc **exc)
{
    if (v.type == SIM_BIG)
        return sim_bigint_to_double(A, v, d, exc);
    *d = v.type == SIM_FLOAT ? v.u.f : (double)int_of(v);
    return 0;
}

static const char *op_symbol(int op)
{
    switch (op) {
    case '+': return "+";
    case '-': return "-";
    case '*': return "*";
    case '/': return "/";
    case '%': return "%";
    default: return "//";
    }
}

/* 1 when a * b does not fit in int64_t (checked without overflowing). */
static int mul_overflows(int64_t a, int64_t b)
{
    if (a == 0 || b == 0)
        return 0;
    if (a > 0)
        return b > 0 ? a > INT64_MAX / b : b < INT64_MIN / a;
    return b > 0 ? a < INT64_MIN / b : a < INT64_MAX / b;
}

/* a / b for ints, correctly rounded like CPython's long_true_divide: the
 * quotient of the magnitudes is developed bit by bit by long division
 * until it fills 64 bits, then rounded half-to-even to 53, the remainder
 * acting as a sticky bit. (double)a / (double)b would round twice. */
static double int_true_divide(int64_t a, int64_t b)
{
    uint64_t x = a < 0 ? 0 - (uint64_t)a : (uint64_t)a;
    uint64_t y = b < 0 ? 0 - (uint64_t)b : (uint64_t)b;
    int neg = (a < 0) != (b < 0);
    if (x == 0)
        return neg ? -0.0 : 0.0;
    uint64_t m = x / y, r = x % y;
    int e = 0;
    while (!(m >> 63)) {
        int bit = r >= y - r;
        r = bit ? r - (y - r) : r * 2;
        m = m << 1 | (uint64_t)bit;
        e--;
    }
    uint64_t low = m & 0x7FF;
    m >>= 11;
    if (low > 0x400 || (low == 0x400 && (r != 0 || (m & 1))))
        m++;
    double q = ldexp((double)m, e + 11);
    return neg ? -q : q;
}

/* int op int: floor division and modulo round toward minus infinity. */
static int int_binop(sim_arena *A, int op, int64_t a, int64_t b, sim_value *out,
                     sim_exc **exc)
{
    if ((op == '/' || op == 'f' || op == '%') && b == 0)
        return fail(A, exc, SIM_EXC_ZERODIVISIONERROR, "%s",
                    op == '/' ? "division by zero"
                    : op == '%' ? "integer modulo by zero"
                                : "integer division or modulo by zero");
    if ((op == '+' && (b > 0 ? a > INT64_MAX - b : a < INT64_MIN - b)) ||
        (op == '-' && (b < 0 ? a > INT64_MAX + b : a < INT64_MIN + b)) ||
        (op == '*' && mul_overflows(a, b)) ||
        (op == 'f' && a == INT64_MIN && b == -1))
        return sim_bigint_binop(A, op, sim_int(a), sim_int(b), out, exc);   /* grows */
    switch (op) {
    case '+': *out = sim_int(a + b); break;
    case '-': *out = sim_int(a - b); break;
    case '*': *out = sim_int(a * b); break;
    case '/': *out = sim_float(int_true_divide(a, b)); break;
    case 'f':
        *out = sim_int(a / b - ((a % b != 0) && ((a < 0) != (b < 0))));
        break;
    default: {
        int64_t r = b == -1 ? 0 : a % b;
        *out = sim_int(r != 0 && (r < 0) != (b < 0) ? r + b : r);
    }
    }
    return 0;
}

/* CPython's float_divmod/float_rem: fmod, then the sign fixed to follow the
 * divisor, the quotient floored and nudged to the nearest integer. */
static double float_floordiv(double x, double y)
{
    double mod = fmod(x, y), div = (x - mod) / y;
    if (mod != 0 && (y < 0) != (mod < 0))
        div -= 1.0;
    if (div == 0)
        return copysign(0.0, x / y);
    double fl = floor(div);
    return div - fl > 0.5 ? fl + 1.0 : fl;
}

static double float_mod(double x, double y)
{
    double mod = fmod(x, y);
    if (mod == 0)
        return copysign(0.0, y);
    return (y < 0) != (mod < 0) ? mod + y : mod;
}

static int float_binop(sim_arena *A, int op, double x, double y, sim_value *out,
                       sim_exc **exc)
{
    if ((op == '/' || op == 'f' || op == '%') && y == 0)
        return fail(A, exc, SIM_EXC_ZERODIVISIONERROR, "%s",
                    op == '/' ? "float division by zero"
                    : op == '%' ? "float modulo"
                                : "float floor division by zero");
    switch (op) {
    case '+': *out = sim_float(x + y); break;
    case '-': *out = sim_float(x - y); break;
    case '*': *out = sim_float(x * y); break;
    case '/': *out = sim_float(x / y); break;
    case 'f': *out = sim_float(float_floordiv(x, y)); break;
    default: *out = sim_float(float_mod(x, y)); break;
    }
    return 0;
}

static int unsupported(sim_arena *A, const sim_exctypes *T, int op, sim_value a,
                       sim_value b, sim_exc **exc)
{
    return fail(A, exc, SIM_EXC_TYPEERROR,
                "unsupported operand type(s) for %s: '%s' and '%s'", op_symbol(op),
                sim_value_typename(T, a), sim_value_typename(T, b));
}

/* A str past STR_MAX bytes or a list past LIST_MAX items: MemoryError(),
 * as CPython raises when it cannot allocate one (with memory enough it
 * would build it; no simulator run should hold gigabytes). */
static int no_memory(sim_arena *A, sim_exc **exc)
{
    *exc = sim_exc_new(A, SIM_EXC_MEMORYERROR, NULL);
    return -1;
}

/* str + str and list + list; the left operand decides the message. */
static int concat(sim_arena *A, const sim_exctypes *T, sim_value a, sim_value b,
                  sim_value *out, sim_exc **exc)
{
    const char *what = a.type == SIM_STR ? "str" : "list";
    if (a.type != b.type)
        return fail(A, exc, SIM_EXC_TYPEERROR,
                    "can only concatenate %s (not \"%s\") to %s", what,
                    sim_value_typename(T, b), what);
    if (a.type == SIM_STR) {
        uint32_t la = a.u.s->len, lb = b.u.s->len;
        if ((uint64_t)la + lb > STR_MAX)
            return no_memory(A, exc);
        sim_str *s = str_alloc(A, la + lb);
        memcpy(s->data, a.u.s->data, la);
        memcpy(s->data + la, b.u.s->data, lb);
        *out = sim_str_value(s);
        return 0;
    }
    uint32_t la = a.u.l->len, lb = b.u.l->len;
    if ((uint64_t)la + lb > LIST_MAX)
        return no_memory(A, exc);
    *out = sim_list_value(list_concat(A, a.u.l, b.u.l));
    return 0;
}

/* seq * n for a str or list seq; n <= 0 gives an empty one. */
static int repeat_seq(sim_arena *A, sim_value seq, int64_t n, sim_value *out,
                      sim_exc **exc)
{
    uint32_t len = seq.type == SIM_STR ? seq.u.s->len : seq.u.l->len;
    uint64_t max = seq.type == SIM_STR ? STR_MAX : LIST_MAX;
    uint64_t count = n > 0 ? (uint64_t)n : 0;
    if (seq.type == SIM_STR && len && count > (uint64_t)INT64_MAX / len)
        return fail(A, exc, SIM_EXC_OVERFLOWERROR, "repeated string is too long");
    if (len && count > max / len)       /* a list past sys.maxsize too, as list_repeat */
        return no_memory(A, exc);
    uint32_t total = (uint32_t)(len * count);
    if (seq.type == SIM_STR) {
        sim_str *s = str_alloc(A, total);
        for (uint32_t i = 0; i < total; i += len)
            memcpy(s->data + i, seq.u.s->data, len);
        *out = sim_str_value(s);
        return 0;
    }
    sim_list *l = sim_list_new(A, total);
    for (uint32_t i = 0; i < total; i++)
        l->items[i] = seq.u.l->items[i % len];
    l->len = total;
    *out = sim_list_value(l);
    return 0;
}

/* seq * int or int * seq. Like CPython's sequence_repeat, a non-int count
 * is named in the message: the right operand when the left is a sequence. */
static int repeat(sim_arena *A, const sim_exctypes *T, sim_value a, sim_value b,
                  sim_value *out, sim_exc **exc)
{
    int aseq = a.type == SIM_STR || a.type == SIM_LIST;
    int bseq = b.type == SIM_STR || b.type == SIM_LIST;
    if (!aseq && !bseq)
        return unsupported(A, T, '*', a, b, exc);
    sim_value seq = aseq ? a : b, count = aseq ? b : a;
    if (count.type == SIM_BIG)
        return fail(A, exc, SIM_EXC_OVERFLOWERROR, "cannot fit 'int' into an index-sized integer");
    if (!is_int(count))
        return fail(A, exc, SIM_EXC_TYPEERROR,
                    "can't multiply sequence by non-int of type '%s'",
                    sim_value_typename(T, count));
    return repeat_seq(A, seq, int_of(count), out, exc);
}

static int str_format(sim_arena *A, const sim_exctypes *T, const sim_str *fmt,
                      sim_value arg, sim_value *out, sim_exc **exc);

int sim_value_binop(sim_arena *A, const sim_exctypes *T, int op, sim_value a,
                    sim_value b, sim_value *out, sim_exc **exc)
{
    if (is_int(a) && is_int(b))
        return int_binop(A, op, int_of(a), int_of(b), out, exc);
    if (sim_bigint_is_int(a) && sim_bigint_is_int(b))
        return sim_bigint_binop(A, op, a, b, out, exc);
    if (is_num(a) && is_num(b)) {
        double x, y;
        if (float_of(A, a, &x, exc) < 0 || float_of(A, b, &y, exc) < 0)
            return -1;
        return float_binop(A, op, x, y, out, exc);
    }
    if (op == '+' && (a.type == SIM_STR || a.type == SIM_LIST))
        return concat(A, T, a, b, out, exc);
    if (op == '*')
        return repeat(A, T, a, b, out, exc);
    if (op == '%' && a.type == SIM_STR)
        return str_format(A, T, a.u.s, b, out, exc);
    return unsupported(A, T, op, a, b, exc);
}

int sim_value_neg(sim_arena *A, const sim_exctypes *T, sim_value a,
                  sim_value *out, sim_exc **exc)
{
    if (a.type == SIM_FLOAT) {
        *out = sim_float(-a.u.f);
        return 0;
    }
    if (!sim_bigint_is_int(a))
        return fail(A, exc, SIM_EXC_TYPEERROR, "bad operand type for unary -: '%s'",
                    sim_value_typename(T, a));
    if (a.type == SIM_BIG || int_of(a) == INT64_MIN)
        *out = sim_bigint_neg(A, a);
    else
        *out = sim_int(-int_of(a));
    return 0;
}

/* ---- str % arg ----------------------------------------------------------- */

/* printf-style formatting, CPython's PyUnicode_Format for one operand that
 * is not a tuple (scenarios have none). A list counts as a mapping there:
 * it may go unused, and '%(key)s' indexes it. */
enum { F_LJUST = 1, F_SIGN = 2, F_BLANK = 4, F_ALT = 8, F_ZERO = 16 };

typedef struct fmt_state {
    sim_arena *A;
    const sim_exctypes *T;
    const sim_str *fmt;
    size_t pos;                /* next byte of fmt */
    sim_value arg;
    int used;                  /* arg consumed by a conversion or '*' */
    sim_exc **exc;
} fmt_state;

typedef struct fmt_spec {
    int flags, width, prec;    /* prec -1: none */
    char conv;
    sim_buf body;              /* the converted text without sign or prefix */
    char sign;                 /* '-', '+', ' ' or 0 */
    const char *prefix;        /* "0x" and the like for '#', else "" */
    int numeric;               /* zero padding applies */
} fmt_spec;

/* CPython's getnextarg: the one operand, once. */
static int fmt_next_arg(fmt_state *st, sim_value *v)
{
    if (st->used)
        return fail(st->A, st->exc, SIM_EXC_TYPEERROR,
                    "not enough arguments for format string");
    st->used = 1;
    *v = st->arg;
    return 0;
}

/* A width or precision: digits, or '*' taking the operand (an int). */
static int fmt_number(fmt_state *st, int *n)
{
    const char *f = st->fmt->data;
    if (f[st->pos] == '*') {
        sim_value v;
        st->pos++;
        if (fmt_next_arg(st, &v) < 0)
            return -1;
        if (v.type == SIM_BIG)
            return fail(st->A, st->exc, SIM_EXC_OVERFLOWERROR,
                        "Python int too large to convert to C ssize_t");
        if (!is_int(v))
            return fail(st->A, st->exc, SIM_EXC_TYPEERROR, "* wants int");
        int64_t w = int_of(v);
        *n = (int)(w > (int64_t)STR_MAX ? STR_MAX : w < -(int64_t)STR_MAX ? -(int64_t)STR_MAX : w);
        return 0;
    }
    for (*n = 0; f[st->pos] >= '0' && f[st->pos] <= '9'; st->pos++) {
        *n = *n * 10 + (f[st->pos] - '0');
        if (*n > (int)STR_MAX)
            return fail(st->A, st->exc, SIM_EXC_VALUEERROR, "width too big");
    }
    return 0;
}

/* '(key)': CPython wants a mapping, and a list cannot take a str key. */
static int fmt_key(fmt_state *st)
{
    if (st->arg.type != SIM_LIST)
        return fail(st->A, st->exc, SIM_EXC_TYPEERROR, "format requires a mapping");
    int depth = 1;
    while (st->pos + 1 < st->fmt->len && depth > 0) {
        char c = st->fmt->data[++st->pos];
        depth += (c == '(') - (c == ')');
    }
    if (depth > 0)
        return fail(st->A, st->exc, SIM_EXC_VALUEERROR, "incomplete format key");
    return fail(st->A, st->exc, SIM_EXC_TYPEERROR,
                "list indices must be integers or slices, not str");
}

/* Everything between '%' and the conversion character. */
static int fmt_parse(fmt_state *st, fmt_spec *sp)
{
    const char *f = st->fmt->data, *fl;
    if (f[st->pos] == '(' && fmt_key(st) < 0)
        return -1;
    for (; f[st->pos] && (fl = strchr("-+ #0", f[st->pos])); st->pos++)
        sp->flags |= 1 << (fl - "-+ #0");
    if (fmt_number(st, &sp->width) < 0)
        return -1;
    if (sp->width < 0) {
        sp->flags |= F_LJUST;
        sp->width = -sp->width;
    }
    sp->prec = -1;
    if (f[st->pos] == '.') {
        st->pos++;
        if (fmt_number(st, &sp->prec) < 0)
            return -1;
        if (sp->prec < 0)
            sp->prec = 0;
    }
    while (f[st->pos] && strchr("hlL", f[st->pos]))
        st->pos++;
    if (st->pos >= st->fmt->len)
        return fail(st->A, st->exc, SIM_EXC_VALUEERROR, "incomplete format");
    sp->conv = f[st->pos++];
    return 0;
}

/* %d %i %u %o %x %X: a float is truncated for the decimal ones (printed in
 * full, as int(x) would be); o and x want a real int. */
static int fmt_int(fmt_state *st, fmt_spec *sp, sim_value v)
{
    int dec = strchr("diu", sp->conv) != NULL;
    if (v.type == SIM_BIG) {
        sim_buf t = {0};
        sim_bigint_digits(&t, v, dec ? 10 : sp->conv == 'o' ? 8 : 16, sp->conv == 'X');
        int neg = t.p[0] == '-';
        sp->sign = neg ? '-' : 0;
        for (int n = (int)t.len - neg; n < sp->prec; n++)
            sim_buf_putc(&sp->body, '0');
        sim_buf_puts(&sp->body, t.p + neg);
        sim_buf_free(&t);
        if ((sp->flags & F_ALT) && !dec)
            sp->prefix = sp->conv == 'o' ? "0o" : sp->conv == 'x' ? "0x" : "0X";
        return 0;
    }
    if (!is_int(v) && !(dec && v.type == SIM_FLOAT))
        return fail(st->A, st->exc, SIM_EXC_TYPEERROR, "%%%c format: %s is required, not %s",
                    sp->conv, dec ? "a real number" : "an integer",
                    sim_value_typename(st->T, v));
    char digits[400];
    if (v.type == SIM_FLOAT) {
        if (isnan(v.u.f) || isinf(v.u.f))
            return fail(st->A, st->exc, isnan(v.u.f) ? SIM_EXC_VALUEERROR : SIM_EXC_OVERFLOWERROR,
                        "cannot convert float %s to integer", isnan(v.u.f) ? "NaN" : "infinity");
        double t = trunc(v.u.f);
        snprintf(digits, sizeof digits, "%.0f", fabs(t));
        sp->sign = t < 0 ? '-' : 0;
    } else {
        int64_t i = int_of(v);
        uint64_t m = i < 0 ? 0 - (uint64_t)i : (uint64_t)i;
        snprintf(digits, sizeof digits, sp->conv == 'o' ? "%" PRIo64 : sp->conv == 'x' ? "%" PRIx64
                 : sp->conv == 'X' ? "%" PRIX64 : "%" PRIu64, m);
        sp->sign = i < 0 ? '-' : 0;
    }
    for (int n = (int)strlen(digits); n < sp->prec; n++)
        sim_buf_putc(&sp->body, '0');
    sim_buf_puts(&sp->body, digits);
    if ((sp->flags & F_ALT) && !dec)
        sp->prefix = sp->conv == 'o' ? "0o" : sp->conv == 'x' ? "0x" : "0X";
    return 0;
}

/* %e %E %f %F %g %G of float(v); nan and inf as Python spells them. */
static int fmt_float(fmt_state *st, fmt_spec *sp, sim_value v)
{
    if (!is_num(v))
        return fail(st->A, st->exc, SIM_EXC_TYPEERROR, "must be real number, not %s",
                    sim_value_typename(st->T, v));
    double d;
    if (float_of(st->A, v, &d, st->exc) < 0)
        return -1;
    int upper = sp->conv == 'E' || sp->conv == 'F' || sp->conv == 'G';
    sp->sign = signbit(d) && !isnan(d) ? '-' : 0;
    if (isnan(d) || isinf(d)) {
        sim_buf_puts(&sp->body, isnan(d) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf"));
        return 0;
    }
    char cfmt[8];
    snprintf(cfmt, sizeof cfmt, "%%%s.*%c", (sp->flags & F_ALT) ? "#" : "", sp->conv);
    sim_buf_printf(&sp->body, cfmt, sp->prec < 0 ? 6 : sp->prec, fabs(d));
    return 0;
}

/* %c: an int code point or a one-character str. */
static int fmt_char(fmt_state *st, fmt_spec *sp, sim_value v)
{
    if (v.type == SIM_STR && sim_unicode_count(v.u.s->data, v.u.s->len) == 1) {
        sim_buf_put(&sp->body, v.u.s->data, v.u.s->len);
        return 0;
    }
    if (v.type == SIM_BIG)
        return fail(st->A, st->exc, SIM_EXC_OVERFLOWERROR, "%%c arg not in range(0x110000)");
    if (!is_int(v))
        return fail(st->A, st->exc, SIM_EXC_TYPEERROR, "%%c requires int or char");
    int64_t c = int_of(v);
    if (c < 0 || c > 0x10FFFF)
        return fail(st->A, st->exc, SIM_EXC_OVERFLOWERROR, "%%c arg not in range(0x110000)");
    char u[4];
    int n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    u[0] = (char)(n == 1 ? c : (0xF00 >> n & 0xF0) | (c >> 6 * (n - 1)));
    for (int i = 1; i < n; i++)
        u[i] = (char)(0x80 | ((c >> 6 * (n - 1 - i)) & 0x3F));
    sim_buf_put(&sp->body, u, (size_t)n);
    return 0;
}

/* %s %r %a: str(), repr(), and repr() with non-ASCII escaped; a precision
 * keeps that many code points. */
static void fmt_text(fmt_state *st, fmt_spec *sp, sim_value v)
{
    sim_buf t = {0};
    if (sp->conv == 's')
        sim_value_str(&t, st->T, v);
    else
        sim_value_repr(&t, st->T, v);
    for (size_t i = 0, k = 0; i < t.len; k++) {
        int32_t cp;
        int len = sim_unicode_decode((const unsigned char *)t.p + i, t.len - i, &cp);
        if (sp->prec >= 0 && k >= (size_t)sp->prec)
            break;
        if (sp->conv == 'a' && cp >= 0x80)
            sim_buf_printf(&sp->body, cp < 0x100 ? "\\x%02x" : cp < 0x10000 ? "\\u%04x" : "\\U%08x",
                           (unsigned)cp);
        else
            sim_buf_put(&sp->body, t.p + i, (size_t)len);
        i += (size_t)len;
    }
    sim_buf_free(&t);
}

/* Convert one operand by sp->conv into sp->body. */
static int fmt_convert(fmt_state *st, fmt_spec *sp, size_t convpos)
{
    sim_value v;
    if (!strchr("sradiuoxXeEfFgGc", sp->conv) || !sp->conv) {
        int32_t ch;
        sim_unicode_decode((const unsigned char *)st->fmt->data + convpos,
                    st->fmt->len - convpos, &ch);
        return fail(st->A, st->exc, SIM_EXC_VALUEERROR,
                    "unsupported format character '%c' (0x%x) at index %zu",
                    ch >= 31 && ch <= 126 ? (char)ch : '?', (unsigned)ch,
                    sim_unicode_count(st->fmt->data, convpos));
    }
    if (fmt_next_arg(st, &v) < 0)
        return -1;
    sp->prefix = "";
    if (strchr("sradiu", sp->conv) && sim_value_check_int_str(st->A, v, st->exc) < 0)
        return -1;
    if (strchr("sra", sp->conv)) {
        fmt_text(st, sp, v);
        return 0;
    }
    if (sp->conv == 'c')
        return fmt_char(st, sp, v);
    sp->numeric = 1;
    return strchr("diuoxX", sp->conv) ? fmt_int(st, sp, v) : fmt_float(st, sp, v);
}

/* Sign and prefix, then the body padded to the width: zeros go between
 * prefix and body for numbers with '0', spaces left or (with '-') right. */
static void fmt_emit(sim_buf *b, fmt_spec *sp)
{
    if (sp->numeric && !sp->sign && (sp->flags & (F_SIGN | F_BLANK)))
        sp->sign = (sp->flags & F_SIGN) ? '+' : ' ';
    size_t len = sim_unicode_count(sp->body.p, sp->body.len) + (sp->sign != 0) +
                 strlen(sp->prefix);
    size_t pad = (size_t)sp->width > len ? (size_t)sp->width - len : 0;
    int zeros = sp->numeric && (sp->flags & F_ZERO) && !(sp->flags & F_LJUST);
    for (size_t i = 0; !zeros && !(sp->flags & F_LJUST) && i < pad; i++)
        sim_buf_putc(b, ' ');
    if (sp->sign)
        sim_buf_putc(b, sp->sign);
    sim_buf_puts(b, sp->prefix);
    for (size_t i = 0; zeros && i < pad; i++)
        sim_buf_putc(b, '0');
    sim_buf_put(b, sp->body.p, sp->body.len);
    for (size_t i = 0; (sp->flags & F_LJUST) && i < pad; i++)
        sim_buf_putc(b, ' ');
}

/* One directive after its '%': literal '%%', or parse, convert, emit. */
static int fmt_directive(fmt_state *st, sim_buf *b)
{
    if (st->pos < st->fmt->len && st->fmt->data[st->pos] == '%') {
        st->pos++;
        sim_buf_putc(b, '%');
        return 0;
    }
    fmt_spec sp = {0};
    int rc = fmt_parse(st, &sp);
    if (rc == 0)
        rc = fmt_convert(st, &sp, st->pos - 1);
    if (rc == 0)
        fmt_emit(b, &sp);
    sim_buf_free(&sp.body);
    return rc;
}

static int str_format(sim_arena *A, const sim_exctypes *T, const sim_str *fmt,
                      sim_value arg, sim_value *out, sim_exc **exc)
{
    fmt_state st = {A, T, fmt, 0, arg, 0, exc};
    sim_buf b = {0};
    int rc = 0;
    while (rc == 0 && st.pos < fmt->len) {
        const char *pct = memchr(fmt->data + st.pos, '%', fmt->len - st.pos);
        size_t n = pct ? (size_t)(pct - fmt->data) - st.pos : fmt->len - st.pos;
        sim_buf_put(&b, fmt->data + st.pos, n);
        st.pos += n;
        if (pct) {
            st.pos++;
            rc = fmt_directive(&st, &b);
        }
    }
    if (rc == 0 && !st.used && arg.type != SIM_LIST)
        rc = fail(A, exc, SIM_EXC_TYPEERROR,
                  "not all arguments converted during string formatting");
    if (rc == 0)
        *out = sim_str_value(sim_str_new(A, b.p, b.len));
    sim_buf_free(&b);
    return rc;
}

/* ---- comparison ---------------------------------------------------------- */

/* Three-way comparison of an int with a double, exact like CPython's
 * (2**53 + 1 != 2.0**53): 2 when unordered (NaN). */
static int int_float_cmp(int64_t i, double d)
{
    if (isnan(d))
        return 2;
    if (d >= 9223372036854775808.0)
        return -1;
    if (d < -9223372036854775808.0)
        return 1;
    double t = trunc(d);
    int64_t ti = (int64_t)t;
    if (i != ti)
        return i < ti ? -1 : 1;
    return d > t ? -1 : d < t ? 1 : 0;
}

/* -1, 0, 1, or 2 when unordered, for two numbers (bool, int, float). */
static int num_cmp(sim_value a, sim_value b)
{
    if (a.type == SIM_BIG || b.type == SIM_BIG) {
        if (sim_bigint_is_int(a) && sim_bigint_is_int(b))
            return sim_bigint_cmp(a, b);
        if (a.type == SIM_BIG)
            return sim_bigint_cmp_double(a, b.u.f);
        int c = sim_bigint_cmp_double(b, a.u.f);
        return c == 2 ? 2 : -c;
    }
    if (is_int(a) && is_int(b)) {
        int64_t x = int_of(a), y = int_of(b);
        return (x > y) - (x < y);
    }
    if (is_int(a))
        return int_float_cmp(int_of(a), b.u.f);
    if (is_int(b)) {
        int c = int_float_cmp(int_of(b), a.u.f);
        return c == 2 ? 2 : -c;
    }
    if (isnan(a.u.f) || isnan(b.u.f))
        return 2;
    return (a.u.f > b.u.f) - (a.u.f < b.u.f);
}

/* Code point order, which is UTF-8 byte order. */
static int str_cmp(const sim_str *a, const sim_str *b)
{
    uint32_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->data, b->data, n);
    if (c == 0)
        return (a->len > b->len) - (a->len < b->len);
    return c < 0 ? -1 : 1;
}

/* Whether the three-way result c satisfies op (unordered satisfies only !=). */
static int cmp_holds(int op, int c)
{
    switch (op) {
    case SIM_CMP_EQ: return c == 0;
    case SIM_CMP_NE: return c != 0;
    case SIM_CMP_LT: return c == -1;
    case SIM_CMP_LE: return c == -1 || c == 0;
    case SIM_CMP_GT: return c == 1;
    default: return c == 1 || c == 0;
    }
}

static int value_eq(sim_value a, sim_value b, int depth);

/* CPython's PyObject_RichCompareBool, used on list items: identity first.
 * 1 equal, 0 not, -1 nested too deep (RecursionError in CPython). Floats
 * are not objects here: a nan item is taken to be the same object as a nan
 * of the same bits, as in the usual nan = inf - inf; [nan] == [nan], which
 * is True (two nans computed apart would be two objects in CPython). */
static int same_or_eq(sim_value a, sim_value b, int depth)
{
    int ptr = a.type >= SIM_STR && a.type == b.type;
    if (ptr && memcmp(&a.u, &b.u, sizeof(void *)) == 0)
        return 1;
    if (a.type == SIM_FLOAT && b.type == SIM_FLOAT && isnan(a.u.f) &&
        memcmp(&a.u.f, &b.u.f, sizeof a.u.f) == 0)
        return 1;
    return value_eq(a, b, depth);
}

static int value_eq(sim_value a, sim_value b, int depth)
{
    if (is_num(a) && is_num(b))
        return num_cmp(a, b) == 0;
    if (a.type != b.type)
        return 0;
    switch (a.type) {
    case SIM_NONE: return 1;
    case SIM_STR: return str_cmp(a.u.s, b.u.s) == 0;
    case SIM_EXC: return a.u.e == b.u.e;
    case SIM_OBJ: return a.u.o == b.u.o;
    case SIM_LIST:
        if (a.u.l == b.u.l)
            return 1;
        if (a.u.l->len != b.u.l->len)
            return 0;
        if (depth > NEST_MAX)
            return -1;
        for (uint32_t i = 0; i < a.u.l->len; i++) {
            int r = same_or_eq(a.u.l->items[i], b.u.l->items[i], depth + 1);
            if (r != 1)
                return r;
        }
        return 1;
    default: return 0;
    }
}

int sim_value_equal(sim_value a, sim_value b)
{
    return value_eq(a, b, 0) == 1;
}

/* The walk repr() makes over v, through list items and exception
 * arguments: 1 when leaf holds for a value met on the way, or past
 * (1 or 0) when the walk goes deeper than NEST_MAX. */
static int walk_any(sim_value v, int depth, int (*leaf)(sim_value), int past)
{
    if (depth > NEST_MAX)
        return past;
    if (v.type == SIM_EXC)
        return v.u.e->nargs && walk_any(v.u.e->arg, depth + 1, leaf, past);
    if (v.type != SIM_LIST)
        return leaf(v);
    for (uint32_t i = 0; i < v.u.l->len; i++)
        if (walk_any(v.u.l->items[i], depth + 1, leaf, past))
            return 1;
    return 0;
}

static int no_leaf(sim_value v)
{
    (void)v;
    return 0;
}

/* 1 when v nests lists (or exception arguments) deeper than repr() walks
 * (NEST_MAX): CPython's repr() would raise RecursionError. */
int sim_value_too_deep(sim_value v)
{
    return walk_any(v, 0, no_leaf, 1);
}

/* Whether the int v has more than SIM_INT_MAX_STR_DIGITS decimal digits:
 * from its bit length when that settles it (32 bits a limb, log10(2) =
 * 0.30103), else by writing it out. */
static int int_too_long(sim_value v)
{
    if (v.type != SIM_BIG)
        return 0;
    uint64_t bits = (uint64_t)v.u.big->n * 32;
    if (bits * 30103 / 100000 + 1 <= SIM_INT_MAX_STR_DIGITS)
        return 0;
    if ((bits - 32) * 30103 / 100000 > SIM_INT_MAX_STR_DIGITS)
        return 1;
    sim_buf b = {0};
    sim_bigint_digits(&b, v, 10, 0);
    int over = b.len - (v.u.big->sign < 0) > SIM_INT_MAX_STR_DIGITS;
    sim_buf_free(&b);
    return over;
}

int sim_value_int_too_long(sim_value v)
{
    return walk_any(v, 0, int_too_long, 0);
}

int sim_value_check_int_str(sim_arena *A, sim_value v, sim_exc **exc)
{
    if (!sim_value_int_too_long(v))
        return 0;
    return fail(A, exc, SIM_EXC_VALUEERROR, "Exceeds the limit (%d digits) for integer string "
                "conversion; use sys.set_int_max_str_digits() to increase the limit",
                SIM_INT_MAX_STR_DIGITS);
}

static int compare(sim_arena *A, const sim_exctypes *T, int op, sim_value a,
                   sim_value b, int depth, int *res, sim_exc **exc);

/* CPython's list_richcompare: lengths decide == and != first; otherwise the
 * first differing items decide, by op, and equal prefixes by length. */
static int list_compare(sim_arena *A, const sim_exctypes *T, int op, const sim_list *x,
                        const sim_list *y, int depth, int *res, sim_exc **exc)
{
    if ((op == SIM_CMP_EQ || op == SIM_CMP_NE) && x->len != y->len) {
        *res = op == SIM_CMP_NE;
        return 0;
    }
    if (depth > NEST_MAX)
        return fail(A, exc, SIM_EXC_RECURSIONERROR,
                    "maximum recursion depth exceeded in comparison");
    uint32_t i = 0, n = x->len < y->len ? x->len : y->len;
    int r = 1;
    while (i < n && (r = same_or_eq(x->items[i], y->items[i], depth + 1)) == 1)
        i++;
    if (r < 0)
        return fail(A, exc, SIM_EXC_RECURSIONERROR,
                    "maximum recursion depth exceeded in comparison");
    if (i == n) {
        *res = cmp_holds(op, (x->len > y->len) - (x->len < y->len));
        return 0;
    }
    if (op == SIM_CMP_EQ || op == SIM_CMP_NE) {
        *res = op == SIM_CMP_NE;
        return 0;
    }
    return compare(A, T, op, x->items[i], y->items[i], depth + 1, res, exc);
}

static int compare(sim_arena *A, const sim_exctypes *T, int op, sim_value a,
                   sim_value b, int depth, int *res, sim_exc **exc)
{
    static const char *const sym[] = {"==", "!=", "<", "<=", ">", ">="};
    if (is_num(a) && is_num(b))
        *res = cmp_holds(op, num_cmp(a, b));
    else if (a.type == SIM_STR && b.type == SIM_STR)
        *res = cmp_holds(op, str_cmp(a.u.s, b.u.s));
    else if (a.type == SIM_LIST && b.type == SIM_LIST)
        return list_compare(A, T, op, a.u.l, b.u.l, depth, res, exc);
    else if (op == SIM_CMP_EQ || op == SIM_CMP_NE)
        *res = (op == SIM_CMP_EQ) == (value_eq(a, b, depth) == 1);
    else
        return fail(A, exc, SIM_EXC_TYPEERROR,
                    "'%s' not supported between instances of '%s' and '%s'", sym[op],
                    sim_value_typename(T, a), sim_value_typename(T, b));
    return 0;
}

int sim_value_compare(sim_arena *A, const sim_exctypes *T, int op, sim_value a,
                      sim_value b, sim_value *out, sim_exc **exc)
{
    int res = 0;
    if (compare(A, T, op, a, b, 0, &res, exc) < 0)
        return -1;
    *out = sim_bool(res);
    return 0;
}
