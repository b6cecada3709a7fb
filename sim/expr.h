/*
 * expr.h -- the expression language of scenarios (format section 2):
 * parsing at load time into sim_expr trees, evaluation at run time with
 * Python semantics, and print templates ("text {expr} {x:.2f}").
 */
#ifndef SIM_EXPR_H
#define SIM_EXPR_H

#include "ast.h"

/* Resolver the loader passes to the parser: fill *out for identifier id
 * (out->id must be set to an arena copy). Return SIM_E_NAME for a variable,
 * SIM_E_NOW / SIM_E_TASKNAME for the builtins when id is not a variable. */
typedef int (*sim_resolve_fn)(void *ud, const char *id, sim_name *out);

/* Parse text[0..len) (an expression without its leading '='). Returns the
 * tree (arena-owned) or NULL with *errcol (0-based column into text) and
 * errmsg (e.g. "expected ')' after '(' at column 4, found end of text",
 * the message's column 1-based)
 * filled. */
sim_expr *sim_expr_parse(sim_arena *A, const char *text, size_t len,
                         sim_resolve_fn resolve, void *ud,
                         int *errcol, char *errmsg, size_t errsz);

/* Parse a print template; same error convention, errcol into text. '{{'
 * and '}}' are literal braces; a lone '}' is an error, as in Python. */
sim_tmpl *sim_tmpl_parse(sim_arena *A, const char *text, size_t len,
                         sim_resolve_fn resolve, void *ud,
                         int *errcol, char *errmsg, size_t errsz);

/* What evaluation reads. locals may be NULL (main). */
typedef struct sim_env {
    sim_arena *arena;          /* where new strings/lists/exceptions go */
    const sim_exctypes *types;
    sim_value *locals;
    sim_value *globals;
    const char *const *local_names;   /* for UnboundLocalError messages */
    double now;                /* builtin now */
    sim_value task_name;       /* builtin task_name (str or None) */
} sim_env;

/* Evaluate e. Returns 0 with *out set, or -1 with *exc set to the Python
 * exception (NameError, ZeroDivisionError, TypeError, IndexError, ...). */
int sim_expr_eval(const sim_expr *e, const sim_env *env, sim_value *out,
                  sim_exc **exc);

/* Append the formatted template to out; 0 or -1 with *exc. */
int sim_tmpl_format(const sim_tmpl *t, const sim_env *env, sim_buf *out,
                    sim_exc **exc);

#endif
