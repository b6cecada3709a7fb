/*
 * ast.h -- a loaded scenario: our own structs, converted from the JSON tree
 * by the loader (loader.c) and validated completely before anything runs.
 *
 * Everything here lives in the scenario's arena (sim_scenario.arena) and is
 * read-only once loading succeeded; many runs may share one scenario.
 */
#ifndef SIM_AST_H
#define SIM_AST_H

#include "value.h"

/* A variable reference, resolved at load time. local: slot in the frame of
 * the enclosing function (-1 when the function never binds the name);
 * global: slot in the globals (-1 when main never binds it and it is not a
 * queue). Lookup: local slot if bound; if local >= 0 and unbound,
 * UnboundLocalError (CPython); else global slot if bound; else builtin;
 * else NameError. */
typedef struct sim_name {
    const char *id;            /* NULL when absent (e.g. no "as") */
    int local;
    int global;
} sim_name;

/* ---- expressions ---------------------------------------------------- */
typedef enum sim_ekind {
    SIM_E_CONST,       /* k */
    SIM_E_NAME,        /* name */
    SIM_E_NOW,         /* builtin now (only when not shadowed, see resolver) */
    SIM_E_TASKNAME,    /* builtin task_name */
    SIM_E_LIST,        /* [items] */
    SIM_E_NEG,         /* -a */
    SIM_E_NOT,         /* not a */
    SIM_E_BIN,         /* a op b, op in '+' '-' '*' '/' '%', or 'f' for // */
    SIM_E_CMP,         /* a op b, op SIM_CMP_* */
    SIM_E_AND,         /* a and b */
    SIM_E_OR,          /* a or b */
    SIM_E_ATTR,        /* a.attr */
    SIM_E_INDEX        /* a[b] */
} sim_ekind;

typedef struct sim_expr {
    uint8_t kind;              /* sim_ekind */
    uint8_t op;
    uint16_t col;              /* 0-based column in the expression text */
    int n;                     /* SIM_E_LIST: item count */
    sim_value k;               /* SIM_E_CONST */
    sim_name name;             /* SIM_E_NAME */
    const char *attr;          /* SIM_E_ATTR */
    struct sim_expr *a, *b;
    struct sim_expr **items;   /* SIM_E_LIST */
} sim_expr;

/* A print template: literal text and {expr} / {expr:.Nf} fields. */
typedef struct sim_tpart {
    const char *lit;           /* literal text (braces already unescaped), or NULL */
    size_t litlen;
    sim_expr *e;               /* field, or NULL */
    int prec;                  /* N of :.Nf, -1 for str() */
} sim_tpart;

typedef struct sim_tmpl {
    int n;
    sim_tpart *parts;
} sim_tmpl;

/* ---- statements ----------------------------------------------------- */
typedef enum sim_verb {
    SIM_S_PRINT, SIM_S_SET, SIM_S_SLEEP, SIM_S_BLOCK, SIM_S_AWAIT, SIM_S_YIELD,
    SIM_S_RETURN, SIM_S_RAISE, SIM_S_TRY, SIM_S_IF, SIM_S_REPEAT, SIM_S_BREAK,
    SIM_S_CREATE_TASK, SIM_S_CANCEL, SIM_S_CALL, SIM_S_STOP_LOOP,
    SIM_S_QPUT_NOWAIT, SIM_S_QGET_NOWAIT, SIM_S_RUN_UNTIL_COMPLETE,
    SIM_S_RUN_FOREVER, SIM_S_ASYNCIO_RUN, SIM_S_NEW_LOOP, SIM_S_TASK_RESULT,
    SIM_S_TASK_EXCEPTION, SIM_S_COROUTINE, SIM_S_SEND, SIM_S_DRIVE,
    SIM_S_NVERBS
} sim_verb;

/* A call: coroutine (awaitable = 0) or awaitable class (awaitable = 1). */
typedef struct sim_call {
    int awaitable;
    int func;                  /* index into sim_scenario.funcs */
    sim_name var;              /* the variable of the same name, if any (id
                                  NULL, or no slot: none): it hides the function */
    const char *arity_error;   /* Python's TypeError text when the arguments do
                                  not match the parameters (raised at the call) */
    int nargs;
    sim_expr **args;
} sim_call;

typedef enum sim_tkind {
    SIM_T_CALL, SIM_T_TASK, SIM_T_SLEEP, SIM_T_GATHER, SIM_T_QGET, SIM_T_QPUT
} sim_tkind;

/* What `await` / `run_until_complete` take. */
typedef struct sim_target {
    uint8_t kind;              /* sim_tkind */
    uint8_t return_exceptions; /* gather */
    sim_name queue;            /* SIM_T_QGET / SIM_T_QPUT: the variable that
                                  holds the queue (a queue's own name is a global) */
    int n;                     /* SIM_T_GATHER: item count */
    sim_call call;             /* SIM_T_CALL */
    sim_name name;             /* SIM_T_TASK: the variable holding the task */
    sim_expr *expr;            /* SIM_T_SLEEP delay, SIM_T_QPUT value */
    struct sim_target *items;  /* SIM_T_GATHER */
} sim_target;

typedef struct sim_block {
    int n;
    struct sim_stmt *s;
} sim_block;

typedef struct sim_handler {
    int ntypes;                /* 0: bare except */
    int *types;                /* exception type ids */
    sim_name as;
    sim_block body;
} sim_handler;

enum { SIM_DRIVE_IN_ORDER, SIM_DRIVE_ROUND_ROBIN, SIM_DRIVE_RANDOM };

typedef struct sim_stmt {
    uint8_t verb;              /* sim_verb */
    uint8_t policy;            /* drive */
    int line;                  /* 1-based line in source, 0 when not given */
    int jline, jcol;           /* position of the statement in the JSON file */
    sim_expr *expr;            /* set value, sleep/block delay, yield/return value,
                                  if condition, repeat count (NULL: while True),
                                  queue value, send value, raise message, drive seed */
    sim_tmpl *tmpl;            /* print */
    sim_name name;             /* set target, cancel/task_result/task_exception/send
                                  variable */
    sim_name as;               /* "as" / repeat "var" */
    sim_target target;         /* await, run_until_complete */
    sim_call call;             /* create_task, call, coroutine, asyncio_run */
    sim_name queue;            /* queue_*_nowait: the variable holding the queue */
    int exc_type;              /* raise: type id, -1 for a bare re-raise */
    sim_block body;            /* try body, if then, repeat body */
    sim_block orelse;          /* if else */
    sim_block finally;         /* try finally (n == 0: none) */
    int nhandlers;
    sim_handler *handlers;     /* try except clauses, in order */
    int ndrive;
    sim_name *drive;           /* drive: the coroutine variables */
} sim_stmt;

/* ---- functions and the scenario ------------------------------------- */
typedef enum sim_fkind { SIM_F_COROUTINE, SIM_F_AWAITABLE, SIM_F_MAIN } sim_fkind;

typedef struct sim_func {
    const char *name;
    uint8_t kind;              /* sim_fkind */
    int nparams;               /* locals[0..nparams) are the parameters */
    int nlocals;
    const char **locals;       /* local variable names, by slot */
    sim_block body;
} sim_func;

typedef struct sim_queuedef {
    const char *name;
    int64_t maxsize;           /* <= 0: unbounded */
    int global;                /* its global slot */
} sim_queuedef;

typedef struct sim_limits {
    int64_t max_steps;         /* default 10,000,000 */
    double max_time;           /* default 86,400 */
    int max_depth;             /* default 1000 */
} sim_limits;

typedef struct sim_scenario {
    sim_arena arena;           /* owns everything below */
    const char *path;          /* file name as given, for messages */
    const char *name, *title, *description;
    int nsource;
    const char **source;       /* source lines, without newline */
    int nfuncs;                /* coroutines first, then awaitables */
    sim_func *funcs;
    sim_func main;             /* kind SIM_F_MAIN, nlocals 0: it uses globals */
    int nqueues;
    sim_queuedef *queues;
    int nglobals;
    const char **globals;      /* global variable names, by slot */
    sim_limits limits;
    sim_exctypes types;        /* builtins + types named by the scenario */
    char *expect_json;         /* "expect" re-serialised (compact JSON), or NULL */
} sim_scenario;

#endif
