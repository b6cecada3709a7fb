/*
 * value.h -- Python values as the simulator sees them.
 *
 * A sim_value is 16 bytes passed by value. None, bool, int (when it fits
 * int64; larger ints are SIM_BIG, see bigint.h) and float are immediate; str, list and exception point into an arena and are never
 * freed before the arena (they are immutable once built, except lists while
 * being built). Runtime objects (coroutine, task, future, queue, awaitable
 * instance) are SIM_OBJ and belong to the runtime (runtime.h).
 *
 * Every function that can fail the way Python fails returns NULL/-1 and
 * stores the Python exception in *exc (an arena-allocated sim_exc).
 */
#ifndef SIM_VALUE_H
#define SIM_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef enum sim_vtype {
    SIM_UNBOUND = 0,   /* an unassigned variable slot; never a Python value */
    SIM_NONE,
    SIM_BOOL,
    SIM_INT,
    SIM_FLOAT,
    SIM_STR,
    SIM_LIST,
    SIM_EXC,
    SIM_OBJ,
    SIM_BIG            /* an int outside int64 (bigint.h) */
} sim_vtype;

typedef struct sim_str {
    uint32_t len;
    char data[];       /* UTF-8, NUL-terminated */
} sim_str;

typedef struct sim_list {
    uint32_t len, cap;
    struct sim_value *items;
    uint32_t *tail;            /* a + b's array: how many of its items some list
                                  uses (lists share it; NULL: not shared) */
    uint32_t mark;             /* collect.c's walk: last walk that met it */
} sim_list;

typedef struct sim_exc sim_exc;
typedef struct sim_object sim_object;
typedef struct sim_bigint sim_bigint;

typedef struct sim_value {
    uint8_t type;                       /* sim_vtype */
    union {
        int b;
        int64_t i;
        double f;
        sim_str *s;
        sim_list *l;
        sim_exc *e;
        sim_object *o;
        sim_bigint *big;
    } u;
} sim_value;

/* ---- exception types ---------------------------------------------------
 * Types are small integers into a table owned by the scenario. The builtin
 * types have fixed ids; names a scenario raises that are not builtin are
 * appended as direct subclasses of Exception by the loader. */
enum {
    SIM_EXC_BASEEXCEPTION, SIM_EXC_EXCEPTION, SIM_EXC_KEYBOARDINTERRUPT,
    SIM_EXC_SYSTEMEXIT, SIM_EXC_CANCELLEDERROR, SIM_EXC_GENERATOREXIT,
    SIM_EXC_ARITHMETICERROR, SIM_EXC_ZERODIVISIONERROR, SIM_EXC_OVERFLOWERROR,
    SIM_EXC_LOOKUPERROR, SIM_EXC_KEYERROR, SIM_EXC_INDEXERROR,
    SIM_EXC_RUNTIMEERROR, SIM_EXC_RECURSIONERROR, SIM_EXC_VALUEERROR,
    SIM_EXC_TYPEERROR, SIM_EXC_NAMEERROR, SIM_EXC_UNBOUNDLOCALERROR,
    SIM_EXC_ATTRIBUTEERROR, SIM_EXC_STOPITERATION, SIM_EXC_QUEUEFULL,
    SIM_EXC_QUEUEEMPTY, SIM_EXC_TIMEOUTERROR, SIM_EXC_INVALIDSTATEERROR,
    SIM_EXC_MEMORYERROR, SIM_EXC_NBUILTIN
};

typedef struct sim_exctype {
    const char *name;
    int parent;        /* id of the base class, -1 for BaseException */
} sim_exctype;

typedef struct sim_exctypes {
    int n, cap;
    sim_exctype *t;    /* t[0..SIM_EXC_NBUILTIN) are the builtins above */
} sim_exctypes;

/* Fill with the builtin hierarchy. Storage is malloc'ed; free with _free. */
void sim_exctypes_init(sim_exctypes *T);
void sim_exctypes_free(sim_exctypes *T);
/* Id of the type called name; adds it as a subclass of Exception when
 * unknown and add != 0, else returns -1. name is copied. */
int sim_exctypes_get(sim_exctypes *T, const char *name, int add);
/* 1 when type id sub is id base or derives from it. */
int sim_exctypes_is(const sim_exctypes *T, int sub, int base);

/* An exception instance. args: 0 or 1 argument (what str()/repr() show);
 * value: StopIteration.value (None unless type is StopIteration). */
struct sim_exc {
    int type;
    int nargs;                 /* 0 or 1 */
    sim_value arg;
    sim_value value;           /* .value of StopIteration */
    sim_exc *context;          /* exception being handled when raised, or NULL */
    uint32_t mark;             /* collect.c's walk: last walk that met it */
    struct sim_list *held;     /* what its traceback keeps: locals of the frames
                                  it left (collect.c), or NULL */
};

/* ---- runtime objects ---------------------------------------------------- */
typedef enum sim_objkind {
    SIM_OBJ_CORO,      /* coroutine object (or an awaitable's __await__ generator) */
    SIM_OBJ_AWAITABLE, /* instance of an "awaitables" class, before __await__ */
    SIM_OBJ_FUTURE,
    SIM_OBJ_TASK,
    SIM_OBJ_QUEUE,
    SIM_OBJ_LOOP
} sim_objkind;

struct sim_object {
    uint8_t kind;              /* sim_objkind; the rest is in runtime.h */
    const char *label;         /* repr() prints "<label>", e.g. "coroutine object c1";
                                  set by the runtime, arena-owned */
};

/* ---- constructors (arena-allocated where not immediate) ----------------- */
sim_value sim_none(void);
sim_value sim_bool(int b);
sim_value sim_int(int64_t i);
sim_value sim_float(double f);
sim_value sim_str_value(sim_str *s);
sim_value sim_obj_value(sim_object *o);
sim_str *sim_str_new(sim_arena *A, const char *s, size_t len);
sim_str *sim_str_cstr(sim_arena *A, const char *s);
sim_value sim_str_from(sim_arena *A, const char *s);   /* str value of a C string */
sim_list *sim_list_new(sim_arena *A, uint32_t cap);
void sim_list_append(sim_arena *A, sim_list *l, sim_value v);
sim_value sim_list_value(sim_list *l);
/* Exception of type with a str message (NULL = no args). */
sim_exc *sim_exc_new(sim_arena *A, int type, const char *msg);
sim_exc *sim_exc_newf(sim_arena *A, int type, const char *fmt, ...);
/* Exception of type with one argument v (any value). */
sim_exc *sim_exc_with_arg(sim_arena *A, int type, sim_value v);

/* ---- Python protocols ------------------------------------------------- */

/* A growable byte buffer (malloc'ed) used by the formatters. */
typedef struct sim_buf {
    char *p;
    size_t len, cap;
} sim_buf;
void sim_buf_put(sim_buf *b, const char *s, size_t n);
/* Room for n more bytes: returns where they go (b->p + b->len); the
 * caller writes at most n, then adds what it wrote to b->len and keeps
 * the NUL after the contents (b->p[b->len] = 0). */
char *sim_buf_reserve(sim_buf *b, size_t n);
void sim_buf_puts(sim_buf *b, const char *s);
/* The decimal digits of i, without printf (a tenth of its cost), written
 * at the end of buf[SIM_INT_DIGITS]; returns where they start. */
enum { SIM_INT_DIGITS = 24 };
char *sim_int_digits(int64_t i, char buf[SIM_INT_DIGITS]);
/* Append them to b. */
void sim_buf_put_int(sim_buf *b, int64_t i);
void sim_buf_putc(sim_buf *b, char c);
void sim_buf_printf(sim_buf *b, const char *fmt, ...);
void sim_buf_free(sim_buf *b);

/* Python's repr(float): shortest round-trip digits ('0.1', '1e+16', '1e-05',
 * '100.0', 'inf', 'nan', '-0.0'). out must hold 32 bytes. */
void sim_float_repr(double d, char out[32]);
/* Append str(v) / repr(v), exactly as CPython 3.11 writes them. */
void sim_value_str(sim_buf *b, const sim_exctypes *T, sim_value v);
/* What CPython's Queue._format shows of a queue object (queue.c fills it
 * in; value.c prints it): maxsize as given, the items, the waiting getters
 * and putters, and the unfinished tasks (every put: there is no
 * task_done). */
typedef struct sim_qview {
    int64_t maxsize;
    size_t len, ngetters, nputters;
    int64_t tasks;
} sim_qview;
void sim_queue_view(const sim_object *q, sim_qview *v);
/* Item i (< len) of queue object q, oldest first. */
sim_value sim_queue_item(const sim_object *q, size_t i);
void sim_value_repr(sim_buf *b, const sim_exctypes *T, sim_value v);
/* 1 when v nests lists deeper than str()/repr() walk (they would write
 * '[...]' there): the caller raises RecursionError, as CPython would. */
int sim_value_too_deep(sim_value v);
/* CPython 3.11's limit on the decimal digits of an int it converts to or
 * from text (sys.int_info.default_max_str_digits). */
#define SIM_INT_MAX_STR_DIGITS 4300
/* 1 when str()/repr() of v would meet an int of more decimal digits than
 * that (v itself, or an item or exception argument inside it): CPython
 * raises ValueError instead. */
int sim_value_int_too_long(sim_value v);
/* 0, or -1 with that ValueError in *exc (CPython's message) when
 * sim_value_int_too_long(v). */
int sim_value_check_int_str(sim_arena *A, sim_value v, sim_exc **exc);
/* "Type: message" or "Type" when str(exc) is empty (the outcome form). */
void sim_exc_describe(sim_buf *b, const sim_exctypes *T, const sim_exc *e);
/* Python type name of v ('int', 'str', 'NoneType', 'list', 'ZeroDivisionError', ...). */
const char *sim_value_typename(const sim_exctypes *T, sim_value v);
/* Python truth value. */
int sim_value_truthy(sim_value v);

/* Binary operators with Python semantics (int/float promotion, // and %
 * floor rules, str and list + and *, ZeroDivisionError, TypeError with
 * CPython's message). op is one of '+' '-' '*' '/' '%', or 'f' for //. Returns 0 or -1
 * with *exc set. Ints grow past 64 bits as Python's do (bigint.h). */
int sim_value_binop(sim_arena *A, const sim_exctypes *T, int op, sim_value a,
                    sim_value b, sim_value *out, sim_exc **exc);
/* Unary minus. */
int sim_value_neg(sim_arena *A, const sim_exctypes *T, sim_value a,
                  sim_value *out, sim_exc **exc);
/* Comparison: op is SIM_CMP_*. == and != never fail; ordering of unordered
 * types raises TypeError "'<' not supported between instances of 'int' and 'str'". */
enum { SIM_CMP_EQ, SIM_CMP_NE, SIM_CMP_LT, SIM_CMP_LE, SIM_CMP_GT, SIM_CMP_GE };
int sim_value_compare(sim_arena *A, const sim_exctypes *T, int op, sim_value a,
                      sim_value b, sim_value *out, sim_exc **exc);
/* Python ==. Objects compare by identity. */
int sim_value_equal(sim_value a, sim_value b);

#endif
