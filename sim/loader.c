/*
 * loader.c -- a scenario file (format sections 1 to 3) -> sim_scenario.
 *
 * The text is checked (size, UTF-8), cJSON builds a tree from it, and the
 * scanner of jsonpos.c gives every value of the tree its line and column.
 * Then, in dependency order:
 *   1. the top level: format, name, source, limits, queues, and the names
 *      of the coroutines and awaitables;
 *   2. the bindings: every name each function binds anywhere in its body
 *      becomes one of its locals (after its parameters), every name main
 *      binds becomes a global (after the queues), so that an expression
 *      can be resolved wherever a name is used first;
 *   3. the statements, converted and checked in one walk. Statement verbs
 *      and await targets are described by tables (keys allowed, keys
 *      required, places allowed) rather than by code.
 * Every problem becomes one diagnostic at the position of the offending
 * value; all of them are sorted by position and appended to the caller's
 * sim_diags. The cJSON tree and every table of this file are freed before
 * returning; only the scenario (and its arena) outlives the call.
 */
#include "loader.h"
#include "bigint.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "expr.h"
#include "jsonpos.h"
#include "sim.h"
#include "pynames.h"
#include "unicode.h"

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

#define MAX_TEXT (64u << 20)   /* bytes: larger files are refused */
#define MAX_KEPT 10000         /* diagnostics kept in memory */
#define MAX_SHOWN 1000         /* diagnostics handed to the caller */

static const char FORMAT_ID[] = "coroscope-scenario/1";

/* ==== allocation and diagnostics ====================================== */

static void oom(size_t n)
{
    fprintf(stderr, "coroscope: out of memory (%zu bytes)\n", n);
    abort();
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void sim_diags_free(sim_diags *d)
{
    for (int i = 0; i < d->n; i++)
        free(d->msg[i]);
    free(d->msg);
    d->msg = NULL;
    d->n = d->cap = 0;
}

/* The line is formatted into a malloc'ed string owned by d. */
void sim_diags_addf(sim_diags *d, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = xrealloc(NULL, (size_t)(n < 0 ? 0 : n) + 1);
    vsnprintf(s, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap2);
    va_end(ap2);
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 16;
        d->msg = xrealloc(d->msg, (size_t)d->cap * sizeof *d->msg);
    }
    d->msg[d->n++] = s;
}

/* ==== name tables ===================================================== */

/* A list of distinct names with a hash index: the locals of a function,
 * the globals, the function and queue names. The strings are arena-owned;
 * v and h are malloc'ed and released by names_free. */
typedef struct names {
    int n, cap;
    const char **v;            /* by slot, in the order first added */
    int hcap;                  /* power of two, more than twice n */
    int *h;                    /* slot + 1, 0 for an empty bucket */
} names;

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

static int names_find(const names *N, const char *s)
{
    if (!N->hcap)
        return -1;
    uint32_t mask = (uint32_t)N->hcap - 1;
    for (uint32_t i = hash_str(s) & mask; N->h[i]; i = (i + 1) & mask)
        if (!strcmp(N->v[N->h[i] - 1], s))
            return N->h[i] - 1;
    return -1;
}

/* Rebuild the index with hcap buckets. */
static void names_rehash(names *N, int hcap)
{
    free(N->h);
    N->h = calloc((size_t)hcap, sizeof *N->h);
    if (!N->h)
        oom((size_t)hcap * sizeof *N->h);
    N->hcap = hcap;
    uint32_t mask = (uint32_t)hcap - 1;
    for (int k = 0; k < N->n; k++) {
        uint32_t i = hash_str(N->v[k]) & mask;
        while (N->h[i])
            i = (i + 1) & mask;
        N->h[i] = k + 1;
    }
}

/* Slot of s, added (as an arena copy) when new. */
static int names_add(names *N, sim_arena *A, const char *s)
{
    int k = names_find(N, s);
    if (k >= 0)
        return k;
    if (N->n == N->cap) {
        N->cap = N->cap ? 2 * N->cap : 8;
        N->v = xrealloc(N->v, (size_t)N->cap * sizeof *N->v);
    }
    N->v[N->n++] = sim_arena_strdup(A, s);
    if (2 * N->n >= N->hcap) {
        names_rehash(N, N->hcap ? 2 * N->hcap : 16);
        return N->n - 1;
    }
    uint32_t mask = (uint32_t)N->hcap - 1, i = hash_str(s) & mask;
    while (N->h[i])
        i = (i + 1) & mask;
    N->h[i] = N->n;
    return N->n - 1;
}

static void names_free(names *N)
{
    free(N->v);
    free(N->h);
    memset(N, 0, sizeof *N);
}

/* A copy of the names into the arena, for sim_func.locals and friends. */
static const char **names_export(const names *N, sim_arena *A)
{
    const char **v = sim_arena_zalloc(A, (size_t)N->n * sizeof *v + 1);
    if (N->n)
        memcpy(v, N->v, (size_t)N->n * sizeof *v);
    return v;
}

/* ==== the loader's state ============================================== */

typedef struct diag {
    int line, col, seq;        /* line 0: the file as a whole */
    char *msg;                 /* the whole line, malloc'ed */
} diag;

typedef struct nodepos {
    const cJSON *node;
    const sim_jpos *pos;
} nodepos;

/* Everything one load needs. Owns map, np, dg, the name tables and the
 * text copy; borrows the scenario being filled. */
typedef struct ld {
    sim_scenario *sc;
    sim_arena *A;              /* &sc->arena */
    const char *file;          /* name used in messages */
    char *text;                /* NUL-terminated copy of the JSON text */
    sim_jposmap map;           /* positions, in document order */
    nodepos *np;               /* cJSON node -> position, sorted by node */
    size_t nnp;
    diag *dg;
    int ndg, capdg, dropped;
    names funcs;               /* coroutines, then awaitables: sc->funcs order */
    int ncoro;
    const cJSON **defs;        /* the JSON definition of each function */
    names *locals;             /* the locals of each function */
    names queues, globals;
    names badnames;            /* definitions refused for their name */
    sim_func *fn;              /* function being converted (&sc->main in main) */
    names *fnlocals;           /* its locals, NULL in main */
    int in_repeat;             /* nesting inside fn */
} ld;

static const sim_jpos NOPOS = {0, 0, 1, 1, 0, 0};

static int cmp_nodepos(const void *a, const void *b)
{
    const nodepos *x = a, *y = b;
    return x->node < y->node ? -1 : x->node > y->node;
}

/* Where value v starts (1:1 if unknown, which a consistent map excludes). */
static const sim_jpos *pos_of(const ld *L, const cJSON *v)
{
    nodepos key = {v, NULL};
    const nodepos *p = L->np ? bsearch(&key, L->np, L->nnp, sizeof key, cmp_nodepos) : NULL;
    return p ? p->pos : &NOPOS;
}

/* Record one problem at line:col (0:0 for the file as a whole). Control
 * characters that names from the file may carry become '?', so that every
 * problem stays one line. */
static void report(ld *L, int line, int col, const char *fmt, va_list ap)
{
    if (L->ndg >= MAX_KEPT) {
        L->dropped++;
        return;
    }
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = '?';
    size_t n = strlen(L->file) + strlen(msg) + 64;
    char *s = xrealloc(NULL, n);
    if (line > 0)
        snprintf(s, n, "%s:%d:%d: error: %s", L->file, line, col, msg);
    else
        snprintf(s, n, "%s: error: %s", L->file, msg);
    if (L->ndg == L->capdg) {
        L->capdg = L->capdg ? 2 * L->capdg : 16;
        L->dg = xrealloc(L->dg, (size_t)L->capdg * sizeof *L->dg);
    }
    L->dg[L->ndg] = (diag){line, col, L->ndg, s};
    L->ndg++;
}

static void PRINTF_LIKE(4, 5) err_at(ld *L, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(L, line, col, fmt, ap);
    va_end(ap);
}

/* A problem with value v, reported where v starts. */
static void PRINTF_LIKE(3, 4) err(ld *L, const cJSON *v, const char *fmt, ...)
{
    const sim_jpos *p = pos_of(L, v);
    va_list ap;
    va_start(ap, fmt);
    report(L, p->line, p->col, fmt, ap);
    va_end(ap);
}

/* A problem with the key of object member m, reported at the key. */
static void PRINTF_LIKE(3, 4) errk(ld *L, const cJSON *m, const char *fmt, ...)
{
    const sim_jpos *p = pos_of(L, m);
    va_list ap;
    va_start(ap, fmt);
    report(L, p->kline ? p->kline : p->line, p->kline ? p->kcol : p->col, fmt, ap);
    va_end(ap);
}

static int cmp_diag(const void *a, const void *b)
{
    const diag *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Hand the problems to the caller in file order, at most MAX_SHOWN. */
static void emit_diags(ld *L, sim_diags *d)
{
    if (L->ndg > 1)
        qsort(L->dg, (size_t)L->ndg, sizeof *L->dg, cmp_diag);
    for (int i = 0; i < L->ndg && i < MAX_SHOWN; i++)
        sim_diags_addf(d, "%s", L->dg[i].msg);
    int more = L->dropped + (L->ndg > MAX_SHOWN ? L->ndg - MAX_SHOWN : 0);
    if (more)
        sim_diags_addf(d, "%s: error: %d more errors not shown", L->file, more);
}

/* ==== small text helpers =============================================== */

/* Short strings returned by value, usable inside one printf call: C11
 * keeps such a temporary alive to the end of the full expression. */
typedef struct text64 {
    char s[96];
} text64;
typedef struct text400 {
    char s[400];
} text400;

static int is_comment(const char *key)
{
    return key && key[0] == '_';
}

/* 1 when word is one of the space-separated words of list. */
static int in_words(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; *p;) {
        size_t k = strcspn(p, " ");
        if (k == n && !strncmp(p, word, n))
            return 1;
        p += k + (p[k] == ' ');
    }
    return 0;
}

/* Split the space-separated words of list into out[] (at most max), using
 * buf (a copy of list) for storage; returns how many. */
static int split_words(const char *list, char *buf, size_t bufsz, const char **out, int max)
{
    int n = 0;
    snprintf(buf, bufsz, "%s", list);
    for (char *p = buf; *p && n < max;) {
        out[n++] = p;
        p += strcspn(p, " ");
        if (*p)
            *p++ = 0;
    }
    return n;
}

/* "a, b, c" (", ..." when it grows too long for a message). */
static text400 join(const char *const *v, int n)
{
    text400 t = {""};
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        size_t k = strlen(v[i]);
        if (len + k + 8 >= sizeof t.s) {
            snprintf(t.s + len, sizeof t.s - len, "%s...", i ? ", " : "");
            break;
        }
        len += (size_t)snprintf(t.s + len, sizeof t.s - len, "%s%s", i ? ", " : "", v[i]);
    }
    return t;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Edit distance between a and b, ignoring case: insertions, deletions,
 * substitutions and swaps of neighbours; 1000 for long words. */
static int distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 40 || m > 40)
        return 1000;
    int d[41][41];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            int best = d[i - 1][j - 1] + (lower(a[i - 1]) != lower(b[j - 1]));
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1]) && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[n][m];
}

/* " (did you mean 'x'?)" for the candidate nearest to s when it is near
 * enough (at most one edit per three letters of the candidate), else "". */
static text64 did_you_mean(const char *s, const char *const *cands, int n)
{
    text64 t = {""};
    int best = -1, bestd = 1000;
    for (int i = 0; i < n; i++) {
        int d = distance(s, cands[i]);
        if (d < bestd && 3 * d <= (int)strlen(cands[i])) {
            best = i;
            bestd = d;
        }
    }
    if (best >= 0)
        snprintf(t.s, sizeof t.s, " (did you mean '%.40s'?)", cands[best]);
    return t;
}

/* What a name may be, as error messages say it. */
#define NAME_RULE "letters of any script in NFKC form, digits and _, not starting with a digit"

/* 1 when s is a Python identifier (in its NFKC form: unicode.h). */
static int is_ident(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n && sim_unicode_ident_len(s, n) == n;
}

static int is_keyword(const char *s)
{
    static const char kw[] =
        "False None True and as assert async await break class continue def del "
        "elif else except finally for from global if import in is lambda nonlocal "
        "not or pass raise return try while with yield";
    return in_words(kw, s);
}

/* Describe value v for "got ...": its text when it is a number, a string
 * or a literal (shortened), else "a list" or "an object". */
static text64 got(const ld *L, const cJSON *v)
{
    text64 t = {""};
    if (!v)
        snprintf(t.s, sizeof t.s, "nothing");
    else if (cJSON_IsArray(v))
        snprintf(t.s, sizeof t.s, "a list");
    else if (cJSON_IsObject(v))
        snprintf(t.s, sizeof t.s, "an object");
    else {
        const sim_jpos *p = pos_of(L, v);
        size_t n = p->len;
        if (n > 40) {
            n = 36;
            while (n > 0 && ((unsigned char)L->text[p->off + n] & 0xC0) == 0x80)
                n--;
        }
        snprintf(t.s, sizeof t.s, "%.*s%s", (int)n, L->text + p->off,
                 n < p->len ? (cJSON_IsString(v) ? "...\"" : "...") : "");
    }
    return t;
}

/* 1 when the len bytes at t hold '.', 'e' or 'E' (a float's spelling).
 * Bounded: strcspn would scan on through the rest of the file. */
static int spelled_float(const char *t, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (t[i] == '.' || t[i] == 'e' || t[i] == 'E')
            return 1;
    return 0;
}

/* 1 when v is a JSON number written as an integer too big for int64. */
static int int_too_big(const ld *L, const cJSON *v)
{
    if (!cJSON_IsNumber(v))
        return 0;
    const sim_jpos *p = pos_of(L, v);
    return !spelled_float(L->text + p->off, p->len);
}

/* " of 64 bits (...)" when v is an integer int_value refuses, else "":
 * the message's "must be an integer" would read false without it. */
static const char *int_bits_note(const ld *L, const cJSON *v)
{
    return int_too_big(L, v) ? " of 64 bits (-9223372036854775808 to 9223372036854775807)" : "";
}

/* 1 when v is a JSON number written as an integer that fits int64. */
static int int_value(const ld *L, const cJSON *v, int64_t *out)
{
    if (!cJSON_IsNumber(v))
        return 0;
    const sim_jpos *p = pos_of(L, v);
    const char *t = L->text + p->off;
    char buf[32];
    if (p->len >= sizeof buf || spelled_float(t, p->len))
        return 0;
    memcpy(buf, t, p->len);
    buf[p->len] = 0;
    errno = 0;
    long long x = strtoll(buf, NULL, 10);
    if (errno)
        return 0;
    *out = x;
    return 1;
}

/* ==== values and expressions ========================================== */

/* Context of the name resolver: L itself (its fn and fnlocals). A name is
 * the function's local if it binds it, main's global if main binds it (or
 * it is a queue), else a builtin (now, task_name), else left for the run
 * to raise NameError. The id stored is the table's copy when there is one. */
static int resolve(void *ud, const char *id, sim_name *out)
{
    ld *L = ud;
    out->local = L->fnlocals ? names_find(L->fnlocals, id) : -1;
    out->global = names_find(&L->globals, id);
    if (out->local >= 0)
        out->id = L->fnlocals->v[out->local];
    else if (out->global >= 0)
        out->id = L->globals.v[out->global];
    else
        out->id = sim_arena_strdup(L->A, id);
    if (out->local < 0 && out->global < 0 && !strcmp(id, "now"))
        return SIM_E_NOW;
    if (out->local < 0 && out->global < 0 && !strcmp(id, "task_name"))
        return SIM_E_TASKNAME;
    return SIM_E_NAME;
}

static sim_expr *mk_const(ld *L, sim_value k)
{
    sim_expr *e = sim_arena_zalloc(L->A, sizeof *e);
    e->kind = SIM_E_CONST;
    e->k = k;
    return e;
}

/* "=expr" string v -> expression tree; a syntax error is reported at the
 * character of the JSON text where the parser stopped. One at the very
 * start ("=== sep ===") is most likely text: the message says how to
 * write a string that begins with '='. */
static sim_expr *conv_expr(ld *L, const cJSON *v)
{
    const char *s = v->valuestring + 1;
    char msg[200] = "";
    int col = 0;
    sim_expr *e = sim_expr_parse(L->A, s, strlen(s), resolve, L, &col, msg, sizeof msg);
    if (!e) {
        const sim_jpos *p = pos_of(L, v);
        int text = col <= 0 && !strchr(s, '\'') && strlen(s) < 60;
        err_at(L, p->line, sim_jpos_strcol(L->text, p, (size_t)(col < 0 ? 0 : col) + 1),
               "invalid expression: %s%s%s%s", msg,
               text ? " (a string that begins with '=' is an expression; for the text "
                      "itself write \"='=" : "", text ? s : "", text ? "'\")" : "");
    }
    return e;
}

static sim_expr *conv_value(ld *L, const cJSON *v);

/* A JSON number as a constant: an int when written as an integer (of any
 * size, as Python's json makes it), else a finite float (1e400 would be
 * infinity, which JSON cannot mean). */
static sim_expr *conv_number(ld *L, const cJSON *v)
{
    int64_t i;
    if (int_value(L, v, &i))
        return mk_const(L, sim_int(i));
    const sim_jpos *p = pos_of(L, v);
    if (!spelled_float(L->text + p->off, p->len)) {
        const char *t = L->text + p->off;
        int neg = *t == '-';
        if (p->len - (size_t)neg > SIM_INT_MAX_STR_DIGITS) {
            err(L, v, "integer with %zu digits: Python 3.11 reads at most %d "
                      "(sys.set_int_max_str_digits); compute it in the scenario instead",
                p->len - (size_t)neg, SIM_INT_MAX_STR_DIGITS);
            return NULL;
        }
        sim_value big = sim_bigint_parse(L->A, t + neg, p->len - (size_t)neg);
        return mk_const(L, neg ? sim_bigint_neg(L->A, big) : big);
    }
    if (!isfinite(v->valuedouble)) {
        err(L, v, "number %s is too large: it would be infinity; a float is at most "
                  "about 1.7976931348623157e308", got(L, v).s);
        return NULL;
    }
    return mk_const(L, sim_float(v->valuedouble));
}

/* A JSON list -> SIM_E_LIST of its items' values. */
static sim_expr *conv_list(ld *L, const cJSON *v)
{
    sim_expr *e = sim_arena_zalloc(L->A, sizeof *e);
    e->kind = SIM_E_LIST;
    e->n = cJSON_GetArraySize(v);
    e->items = sim_arena_zalloc(L->A, (size_t)e->n * sizeof *e->items);
    int k = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, v) e->items[k++] = conv_value(L, it);
    return e;
}

/* A value (format section 2): numbers (ints when written as integers that
 * fit int64, bigints beyond), booleans, null, strings ("=..." is an expression), lists.
 * NULL for v NULL, or after reporting an object or a bad expression. */
static sim_expr *conv_value(ld *L, const cJSON *v)
{
    if (!v)
        return NULL;
    if (cJSON_IsNumber(v))
        return conv_number(L, v);
    if (cJSON_IsBool(v))
        return mk_const(L, sim_bool(cJSON_IsTrue(v)));
    if (cJSON_IsNull(v))
        return mk_const(L, sim_none());
    if (cJSON_IsString(v))
        return v->valuestring[0] == '=' ? conv_expr(L, v)
                                        : mk_const(L, sim_str_from(L->A, v->valuestring));
    if (cJSON_IsArray(v))
        return conv_list(L, v);
    err(L, v, "expected a value (number, string, true, false, null, list or "
              "\"=expression\"), got an object");
    return NULL;
}

/* A number-like value: a number (an integer when int_only), or an
 * "=expression"; where any number will do, also true, false and null,
 * values Python takes (sleep(True) is sleep(1)) or refuses when the
 * statement runs (sleep(None): TypeError). what names it and expected says
 * what is right, for the message; a plain string gets the hint of its "="
 * form, being far more often a lost "=" than meant. */
static sim_expr *conv_numeric(ld *L, const cJSON *v, const char *what,
                              const char *expected, int int_only)
{
    int64_t i;
    int ok = cJSON_IsString(v) ? v->valuestring[0] == '='
                               : cJSON_IsNumber(v) ? !int_only || int_value(L, v, &i)
                               : !int_only && (cJSON_IsBool(v) || cJSON_IsNull(v));
    if (ok)
        return conv_value(L, v);
    int plain = cJSON_IsString(v) && strlen(v->valuestring) < 40;
    if (int_only && int_too_big(L, v)) {
        err(L, v, "%s must be an integer%s, got %s", what, int_bits_note(L, v), got(L, v).s);
        return NULL;
    }
    err(L, v, "%s must be %s, got %s%s%s%s", what, expected, got(L, v).s,
        plain ? " (did you mean \"=" : "", plain ? v->valuestring : "", plain ? "\"?)" : "");
    return NULL;
}

/* The condition of "if": an "=expression" or a constant; a plain string
 * is almost always an expression that lost its "=". */
static sim_expr *conv_cond(ld *L, const cJSON *v)
{
    if (cJSON_IsString(v) && v->valuestring[0] != '=') {
        err(L, v, "'if' condition must be an \"=expression\" or a constant, got %s "
                  "(did you mean \"=%.40s\"?)", got(L, v).s, v->valuestring);
        return NULL;
    }
    return conv_value(L, v);
}

/* A print template; errors are reported inside the string, as for
 * expressions. */
static sim_tmpl *conv_tmpl(ld *L, const cJSON *v)
{
    const char *s = v->valuestring;
    char msg[200] = "";
    int col = 0;
    sim_tmpl *t = sim_tmpl_parse(L->A, s, strlen(s), resolve, L, &col, msg, sizeof msg);
    if (!t) {
        const sim_jpos *p = pos_of(L, v);
        err_at(L, p->line, sim_jpos_strcol(L->text, p, (size_t)(col < 0 ? 0 : col)),
               "invalid print template: %s", msg);
    }
    return t;
}

/* ==== names in statements ============================================ */

static const sim_name NO_NAME = {NULL, -1, -1};

/* print and range are the Python built-ins that statements call (print,
 * repeat's for ... in range()): a name that rebinds one would make those
 * statements fail in Python, which the simulator does not model. Reported
 * at the value at, or at its key when key. */
static int hides_builtin(ld *L, const cJSON *at, const char *name, int key)
{
    const char *stmt = !strcmp(name, "print") ? "'print' statements call Python's print()"
                     : !strcmp(name, "range") ? "'repeat' loops over Python's range()"
                     : NULL;
    if (stmt)
        (key ? errk : err)(L, at, "'%s' cannot be rebound: %s, and in Python this name "
                                  "would hide it; choose another name", name, stmt);
    return stmt != NULL;
}

/* 1 when v is a string holding a usable variable name; else reports what
 * key holds and returns 0. */
static int check_varname(ld *L, const cJSON *v, const char *key)
{
    if (!cJSON_IsString(v)) {
        err(L, v, "'%s' must be a variable name in a string such as \"x\", got %s", key,
            got(L, v).s);
        return 0;
    }
    if (!is_ident(v->valuestring)) {
        err(L, v, "'%s' must be a variable name (" NAME_RULE "), got %s", key, got(L, v).s);
        return 0;
    }
    if (is_keyword(v->valuestring)) {
        err(L, v, "'%s' is a Python keyword and cannot be a variable name", v->valuestring);
        return 0;
    }
    return !hides_builtin(L, v, v->valuestring, 0);
}

/* A name the statement binds ("as", "var", the target of "set") or reads
 * by name; pass 1 made every bound name a local or a global. */
static sim_name conv_bind(ld *L, const cJSON *v, const char *key)
{
    sim_name nm = NO_NAME;
    if (check_varname(L, v, key))
        resolve(L, v->valuestring, &nm);
    return nm;
}

/* An optional binding ("as", "var"): absent or null binds nothing. */
static sim_name conv_opt_bind(ld *L, const cJSON *v, const char *key)
{
    return v && !cJSON_IsNull(v) ? conv_bind(L, v, key) : NO_NAME;
}

/* "main" or "coroutine 'c1'", for messages. */
static text64 place_name(const ld *L)
{
    text64 t = {"main"};
    if (L->fn->kind != SIM_F_MAIN)
        snprintf(t.s, sizeof t.s, "%s '%.40s'",
                 L->fn->kind == SIM_F_COROUTINE ? "coroutine" : "awaitable", L->fn->name);
    return t;
}

/* A use of a kind ("queue", "coroutine") named by v whose definition was
 * refused for its name: said so, not "not defined", and 1. */
static int refused_name(ld *L, const cJSON *v, const char *kind)
{
    if (names_find(&L->badnames, v->valuestring) < 0)
        return 0;
    err(L, v, "%s '%s' is not defined: its definition was refused for its name "
              "(reported above)", kind, v->valuestring);
    return 1;
}

/* A queue named by v, read as a variable when the statement runs (Python
 * looks q up for q.put(...): a parameter, a local or a global that main
 * rebinds is what it finds); a name bound nowhere is reported. */
static sim_name conv_queue(ld *L, const cJSON *v)
{
    sim_name nm = NO_NAME;
    if (!cJSON_IsString(v)) {
        err(L, v, "expected a queue name in a string such as \"q\", got %s", got(L, v).s);
        return nm;
    }
    resolve(L, v->valuestring, &nm);
    if (nm.local >= 0 || nm.global >= 0)
        return nm;
    if (refused_name(L, v, "queue"))
        return nm;
    if (L->queues.n == 0)
        err(L, v, "queue '%s' is not defined; there are no queues: define it as "
                  "\"queues\": {\"%s\": {\"maxsize\": 0}}", v->valuestring, v->valuestring);
    else
        err(L, v, "queue '%s' is not defined; defined queues: %s%s", v->valuestring,
            join(L->queues.v, L->queues.n).s,
            did_you_mean(v->valuestring, L->queues.v, L->queues.n).s);
    return nm;
}

/* ==== forms: statement verbs, await targets, calls ===================== */

enum { W_MAIN = 1, W_CORO = 2, W_AWT = 4, W_ANY = 7 };

typedef void (*stmt_fn)(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s);

/* A statement verb or an await target: the key that selects it, the
 * other keys it takes (space-separated), those of them it needs, an
 * example for messages, its code (sim_verb or sim_tkind), and for verbs
 * the places it may appear and the function that reads the rest. */
typedef struct form {
    const char *name, *keys, *required, *example;
    int code;
    int where;
    stmt_fn conv;
} form;

/* A family of forms, with the words its messages use. */
typedef struct formset {
    const form *v;
    int n;
    const char *what;          /* "statement verb" */
    const char *noun;          /* "statement" */
    const char *extra;         /* keys every form of the family takes */
} formset;

static void st_print(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s);
static void st_set(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s);
static void st_delay(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s);
static void st_target(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s);
static void st_value(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s);
static void st_raise(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s);
static void st_try(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s);
static void st_if(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s);
static void st_repeat(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s);
static void st_flag(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s);
static void st_callobj(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s);
static void st_taskvar(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s);
static void st_call(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s);
static void st_queue(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s);
static void st_send(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s);
static void st_drive(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s);

/* The statements of format section 3, in sim_verb order. */
static const form VERBS[] = {
    {"print", "", "", "{\"print\": \"x is {x}\"}", SIM_S_PRINT, W_ANY, st_print},
    {"set", "value", "value", "{\"set\": \"x\", \"value\": 1}", SIM_S_SET, W_ANY, st_set},
    {"sleep", "", "", "{\"sleep\": 1}", SIM_S_SLEEP, W_CORO, st_delay},
    {"block", "", "", "{\"block\": 1}", SIM_S_BLOCK, W_ANY, st_delay},
    {"await", "as", "", "{\"await\": {\"task\": \"t\"}, \"as\": \"x\"}", SIM_S_AWAIT, W_CORO,
     st_target},
    {"yield", "as", "", "{\"yield\": null, \"as\": \"x\"}", SIM_S_YIELD, W_AWT, st_value},
    {"return", "", "", "{\"return\": 1}", SIM_S_RETURN, W_CORO | W_AWT, st_value},
    {"raise", "message", "", "{\"raise\": \"ValueError\", \"message\": \"bad\"}",
     SIM_S_RAISE, W_ANY, st_raise},
    {"try", "except finally", "",
     "{\"try\": [...], \"except\": [{\"type\": \"ValueError\", \"body\": [...]}]}",
     SIM_S_TRY, W_ANY, st_try},
    {"if", "then else", "then", "{\"if\": \"=x > 1\", \"then\": [...], \"else\": [...]}",
     SIM_S_IF, W_ANY, st_if},
    {"repeat", "var body", "body", "{\"repeat\": 3, \"var\": \"i\", \"body\": [...]}",
     SIM_S_REPEAT, W_ANY, st_repeat},
    {"break", "", "", "{\"break\": true}", SIM_S_BREAK, W_ANY, st_flag},
    {"create_task", "as", "", "{\"create_task\": {\"call\": \"c1\"}, \"as\": \"t\"}",
     SIM_S_CREATE_TASK, W_ANY, st_callobj},
    {"cancel", "", "", "{\"cancel\": \"t\"}", SIM_S_CANCEL, W_ANY, st_taskvar},
    {"call", "args", "", "{\"call\": \"c1\", \"args\": []}", SIM_S_CALL, W_ANY, st_call},
    {"stop_loop", "", "", "{\"stop_loop\": true}", SIM_S_STOP_LOOP, W_ANY, st_flag},
    {"queue_put_nowait", "value", "value", "{\"queue_put_nowait\": \"q\", \"value\": 1}",
     SIM_S_QPUT_NOWAIT, W_ANY, st_queue},
    {"queue_get_nowait", "as", "", "{\"queue_get_nowait\": \"q\", \"as\": \"x\"}",
     SIM_S_QGET_NOWAIT, W_ANY, st_queue},
    {"run_until_complete", "as", "", "{\"run_until_complete\": {\"call\": \"c1\"}}",
     SIM_S_RUN_UNTIL_COMPLETE, W_MAIN, st_target},
    {"run_forever", "", "", "{\"run_forever\": true}", SIM_S_RUN_FOREVER, W_MAIN, st_flag},
    {"asyncio_run", "as", "", "{\"asyncio_run\": {\"call\": \"c1\"}}", SIM_S_ASYNCIO_RUN,
     W_MAIN, st_callobj},
    {"new_loop", "", "", "{\"new_loop\": true}", SIM_S_NEW_LOOP, W_MAIN, st_flag},
    {"task_result", "as", "", "{\"task_result\": \"t\", \"as\": \"x\"}", SIM_S_TASK_RESULT,
     W_MAIN, st_taskvar},
    {"task_exception", "as", "", "{\"task_exception\": \"t\", \"as\": \"e\"}",
     SIM_S_TASK_EXCEPTION, W_MAIN, st_taskvar},
    {"coroutine", "as", "", "{\"coroutine\": {\"call\": \"c1\"}, \"as\": \"c\"}",
     SIM_S_COROUTINE, W_MAIN, st_callobj},
    {"send", "value as", "", "{\"send\": \"c\", \"value\": null, \"as\": \"y\"}", SIM_S_SEND,
     W_MAIN, st_send},
    {"drive", "policy seed as", "policy",
     "{\"drive\": [\"c1\", \"c2\"], \"policy\": \"round_robin\", \"as\": \"x\"}", SIM_S_DRIVE,
     W_MAIN, st_drive},
};

/* What await and run_until_complete take; the first two are the calls. */
static const form TARGETS[] = {
    {"call", "args", "", "{\"call\": \"c1\", \"args\": []}", SIM_T_CALL, 0, NULL},
    {"awaitable", "args", "", "{\"awaitable\": \"w1\", \"args\": []}", SIM_T_CALL, 0, NULL},
    {"task", "", "", "{\"task\": \"t\"}", SIM_T_TASK, 0, NULL},
    {"sleep", "", "", "{\"sleep\": 1}", SIM_T_SLEEP, 0, NULL},
    {"gather", "return_exceptions", "", "{\"gather\": [{\"task\": \"t\"}]}", SIM_T_GATHER, 0,
     NULL},
    {"queue_get", "", "", "{\"queue_get\": \"q\"}", SIM_T_QGET, 0, NULL},
    {"queue_put", "value", "value", "{\"queue_put\": \"q\", \"value\": 1}", SIM_T_QPUT, 0, NULL},
};

static const formset STMTS = {VERBS, (int)(sizeof VERBS / sizeof *VERBS), "statement verb",
                              "statement", "line"};
static const formset TARGETSET = {TARGETS, (int)(sizeof TARGETS / sizeof *TARGETS), "target",
                                  "target", ""};
static const formset CALLSET = {TARGETS, 2, "call kind", "call", ""};

static const form *form_named(const formset *S, const char *key)
{
    for (int i = 0; i < S->n; i++)
        if (!strcmp(S->v[i].name, key))
            return &S->v[i];
    return NULL;
}

/* 1 when some form of S takes key besides its own name. */
static int form_key(const formset *S, const char *key)
{
    for (int i = 0; i < S->n; i++)
        if (in_words(S->v[i].keys, key))
            return 1;
    return in_words(S->extra, key);
}

/* The names of the forms of S, for "expected one of ...". */
static int form_names(const formset *S, const char **out)
{
    for (int i = 0; i < S->n; i++)
        out[i] = S->v[i].name;
    return S->n;
}

/* The form of object o: its one key that names a form of S (*vm: that
 * member). Reports an object with two such keys, or none; then the first
 * key that no form takes is taken for a misspelled form name. */
static const form *find_form(ld *L, const cJSON *o, const formset *S, const cJSON **vm)
{
    const form *f = NULL;
    const cJSON *unknown = NULL, *m;
    cJSON_ArrayForEach(m, o) {
        const form *g = is_comment(m->string) ? NULL : form_named(S, m->string);
        if (!g && !unknown && !is_comment(m->string) && !form_key(S, m->string))
            unknown = m;
        if (g && f == g)        /* the same key twice: reported as a duplicate key */
            return NULL;
        if (g && f) {
            errk(L, m, "an object here holds one %s, but this one has '%s' and '%s'%s",
                 S->what, f->name, g->name,
                 S == &STMTS ? "; write each statement as its own object" : "");
            return NULL;
        }
        if (g) {
            f = g;
            *vm = m;
        }
    }
    if (f)
        return f;
    const char *names[32];
    int n = form_names(S, names);
    if (unknown)
        errk(L, unknown, "unknown %s '%s'; expected one of %s%s", S->what, unknown->string,
             join(names, n).s, did_you_mean(unknown->string, names, n).s);
    else
        err(L, o, "no %s in this object; expected one of %s", S->what, join(names, n).s);
    return NULL;
}

/* Report the keys of object o that are not in allowed (comments and the
 * key skip excepted), and the keys of required that o lacks. where places
 * the object for the message ("at the top level", "in 'set' statement");
 * example, if not NULL, shows a right way. */
static void check_keys(ld *L, const cJSON *o, const char *allowed, const char *required,
                       const char *where, const char *skip, const char *example)
{
    char buf[200];
    const char *words[24];
    int n = split_words(allowed, buf, sizeof buf, words, 24);
    const cJSON *m;
    cJSON_ArrayForEach(m, o) {
        if (is_comment(m->string) || (skip && !strcmp(m->string, skip)) ||
            in_words(allowed, m->string))
            continue;
        errk(L, m, "unknown key '%s' %s; %s%s%s", m->string, where,
             n ? "allowed: " : "it takes no other key", join(words, n).s,
             did_you_mean(m->string, words, n).s);
    }
    char rbuf[200];
    const char *req[8];
    int nr = split_words(required, rbuf, sizeof rbuf, req, 8);
    for (int i = 0; i < nr; i++)
        if (!cJSON_GetObjectItemCaseSensitive(o, req[i]))
            err(L, o, "missing required key '%s' %s%s%s", req[i], where,
                example ? "; for example " : "", example ? example : "");
}

/* check_keys for an object of form f of family S. */
static void check_form_keys(ld *L, const cJSON *o, const form *f, const formset *S)
{
    char allowed[200], where[80];
    snprintf(allowed, sizeof allowed, "%s%s%s", f->keys, *f->keys && *S->extra ? " " : "",
             S->extra);
    snprintf(where, sizeof where, "in '%s' %s", f->name, S->noun);
    check_keys(L, o, allowed, f->required, where, f->name, f->example);
}

/* ==== calls and targets =============================================== */

/* Index of the function called name (a coroutine, or an awaitable when
 * awaitable), or -1 after saying what is defined. */
static int find_func(ld *L, const cJSON *namev, int awaitable)
{
    const char *name = namev->valuestring;
    int k = names_find(&L->funcs, name);
    if (k >= 0 && (k >= L->ncoro) == awaitable)
        return k;
    if (k >= 0) {
        err(L, namev, "'%s' is %s, not %s; call it with {\"%s\": \"%s\"}", name,
            awaitable ? "a coroutine" : "an awaitable", awaitable ? "an awaitable" : "a coroutine",
            awaitable ? "call" : "awaitable", name);
        return -1;
    }
    const char *kind = awaitable ? "awaitable" : "coroutine";
    const char *const *v = L->funcs.v + (awaitable ? L->ncoro : 0);
    int n = awaitable ? L->funcs.n - L->ncoro : L->ncoro;
    if (refused_name(L, namev, kind))
        return -1;
    if (n == 0)
        err(L, namev, "%s '%s' is not defined; there are no %ss: define it under \"%ss\"",
            kind, name, kind, kind);
    else
        err(L, namev, "%s '%s' is not defined; defined %ss: %s%s", kind, name, kind,
            join(v, n).s, did_you_mean(name, v, n).s);
    return -1;
}

/* Python's message for a call with the wrong number of arguments:
 * "c1() takes 1 positional argument but 2 were given", "c1() missing 1
 * required positional argument: 'x'". An awaitable is a class: its
 * __init__ counts self as Python does, and without parameters it has no
 * __init__ ("w1() takes no arguments"). Python raises it as a TypeError
 * when the call runs (a call in a branch never taken is no error), so it
 * is kept on the call for the run. */
static void check_arity(ld *L, sim_call *c)
{
    const sim_func *f = &L->sc->funcs[c->func];
    const names *params = &L->locals[c->func];
    char fname[80], msg[500];
    snprintf(fname, sizeof fname, c->awaitable ? "%.40s.__init__()" : "%.40s()", f->name);
    int self = c->awaitable, takes = f->nparams + self, given = c->nargs + self;
    int miss = f->nparams - c->nargs;
    if (c->awaitable && f->nparams == 0 && c->nargs > 0) {
        snprintf(msg, sizeof msg, "%.40s() takes no arguments", f->name);
    } else if (c->nargs > f->nparams) {
        snprintf(msg, sizeof msg, "%s takes %d positional argument%s but %d %s given", fname,
                 takes, takes == 1 ? "" : "s", given, given == 1 ? "was" : "were");
    } else if (miss > 0) {
        char list[300] = "";
        size_t len = 0;
        for (int i = c->nargs; i < f->nparams && len < sizeof list - 50; i++)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s'%.40s'",
                                    i == c->nargs ? "" : i + 1 < f->nparams ? ", "
                                                       : miss == 2 ? " and " : ", and ",
                                    params->v[i]);
        snprintf(msg, sizeof msg, "%s missing %d required positional argument%s: %s", fname,
                 miss, miss == 1 ? "" : "s", list);
    } else {
        return;
    }
    c->arity_error = sim_arena_strdup(L->A, msg);
}

/* The callee namev and the arguments argsv (a list of values, or NULL)
 * of a call into *c; the arguments must match the callee's parameters. */
static void conv_callee(ld *L, const cJSON *namev, const cJSON *argsv, int awaitable,
                        sim_call *c)
{
    c->awaitable = awaitable;
    c->func = -1;
    if (!cJSON_IsString(namev))
        err(L, namev, "'%s' takes the name of %s in a string, got %s", namev->string,
            awaitable ? "an awaitable" : "a coroutine", got(L, namev).s);
    else
        c->func = find_func(L, namev, awaitable);
    if (c->func >= 0)
        resolve(L, namev->valuestring, &c->var);
    if (argsv && !cJSON_IsArray(argsv)) {
        err(L, argsv, "'args' must be a list of values, got %s", got(L, argsv).s);
        return;
    }
    c->nargs = argsv ? cJSON_GetArraySize(argsv) : 0;
    c->args = sim_arena_zalloc(L->A, (size_t)c->nargs * sizeof *c->args);
    int k = 0;
    const cJSON *a;
    if (argsv)
        cJSON_ArrayForEach(a, argsv) c->args[k++] = conv_value(L, a);
    if (c->func >= 0)
        check_arity(L, c);
}

/* A CALL object, {"call": NAME, "args": [...]} or {"awaitable": ...},
 * as create_task, asyncio_run and coroutine take it. */
static void conv_callobj(ld *L, const cJSON *v, sim_call *c, const char *verb)
{
    c->func = -1;
    if (!cJSON_IsObject(v)) {
        int str = cJSON_IsString(v) && strlen(v->valuestring) < 40;
        err(L, v, "'%s' takes a call such as {\"call\": \"c1\", \"args\": []}, got %s%s%s%s",
            verb, got(L, v).s, str ? " (did you mean {\"call\": \"" : "",
            str ? v->valuestring : "", str ? "\"}?)" : "");
        return;
    }
    const cJSON *km = NULL;
    const form *f = find_form(L, v, &CALLSET, &km);
    if (!f)
        return;
    check_form_keys(L, v, f, &CALLSET);
    conv_callee(L, km, cJSON_GetObjectItemCaseSensitive(v, "args"),
                !strcmp(f->name, "awaitable"), c);
}

static void conv_target(ld *L, const cJSON *v, sim_target *t, const char *verb);

/* {"gather": [TARGET...], "return_exceptions": bool} into *t. */
static void conv_gather(ld *L, const cJSON *o, const cJSON *list, sim_target *t)
{
    const cJSON *re = cJSON_GetObjectItemCaseSensitive(o, "return_exceptions");
    if (re && !cJSON_IsBool(re))
        err(L, re, "'return_exceptions' must be true or false, got %s", got(L, re).s);
    t->return_exceptions = cJSON_IsTrue(re);
    if (!cJSON_IsArray(list)) {
        err(L, list, "'gather' takes a list of targets such as [{\"call\": \"c1\"}, "
                     "{\"task\": \"t\"}], got %s", got(L, list).s);
        return;
    }
    t->n = cJSON_GetArraySize(list);
    t->items = sim_arena_zalloc(L->A, (size_t)t->n * sizeof *t->items);
    int k = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, list) conv_target(L, it, &t->items[k++], "gather");
}

/* The hint for a target given as a bare string: the task or the call it
 * probably means. */
static text64 target_hint(ld *L, const cJSON *v)
{
    text64 t = {""};
    if (!cJSON_IsString(v) || strlen(v->valuestring) > 40)
        return t;
    sim_name nm;
    resolve(L, v->valuestring, &nm);
    if (nm.local >= 0 || nm.global >= 0)
        snprintf(t.s, sizeof t.s, " (did you mean {\"task\": \"%s\"}?)", v->valuestring);
    else if (names_find(&L->funcs, v->valuestring) >= 0)
        snprintf(t.s, sizeof t.s, " (did you mean {\"call\": \"%s\"}?)", v->valuestring);
    return t;
}

/* A TARGET (format section 3) into *t; verb names its user for messages. */
static void conv_target(ld *L, const cJSON *v, sim_target *t, const char *verb)
{
    t->queue = NO_NAME;
    t->name = NO_NAME;
    t->call.func = -1;
    if (!cJSON_IsObject(v)) {
        err(L, v, "'%s' takes a target: {\"call\": \"c1\"}, {\"task\": \"t\"}, {\"sleep\": 1}, "
                  "{\"gather\": [...]}, {\"queue_get\": \"q\"} or {\"queue_put\": \"q\", "
                  "\"value\": 1}; got %s%s", verb, got(L, v).s, target_hint(L, v).s);
        return;
    }
    const cJSON *km = NULL;
    const form *f = find_form(L, v, &TARGETSET, &km);
    if (!f)
        return;
    check_form_keys(L, v, f, &TARGETSET);
    t->kind = (uint8_t)f->code;
    if (f->code == SIM_T_CALL)
        conv_callee(L, km, cJSON_GetObjectItemCaseSensitive(v, "args"),
                    !strcmp(f->name, "awaitable"), &t->call);
    else if (f->code == SIM_T_TASK)
        t->name = conv_bind(L, km, "task");
    else if (f->code == SIM_T_SLEEP)
        t->expr = conv_numeric(L, km, "'sleep' duration", "a number or an \"=expression\"", 0);
    else if (f->code == SIM_T_GATHER)
        conv_gather(L, v, km, t);
    else
        t->queue = conv_queue(L, km);
    if (f->code == SIM_T_QPUT)
        t->expr = conv_value(L, cJSON_GetObjectItemCaseSensitive(v, "value"));
}

/* ==== statements ====================================================== */

static void conv_stmt(ld *L, const cJSON *o, sim_stmt *s);

/* The statement list arr into *b; what names the list for messages. A
 * missing list (arr NULL) is an empty block. */
static void conv_block(ld *L, const cJSON *arr, sim_block *b, const char *what)
{
    b->n = 0;
    b->s = NULL;
    if (!arr)
        return;
    if (!cJSON_IsArray(arr)) {
        err(L, arr, "%s must be a list of statements, got %s", what, got(L, arr).s);
        return;
    }
    b->n = cJSON_GetArraySize(arr);
    b->s = sim_arena_zalloc(L->A, (size_t)b->n * sizeof *b->s);
    int k = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) conv_stmt(L, it, &b->s[k++]);
}

/* "line": an integer in 1..len(source), or any positive int without a
 * source; 0 when absent. */
static int conv_line(ld *L, const cJSON *v)
{
    int64_t x = 0;
    int ns = L->sc->nsource;
    if (!v)
        return 0;
    if (int_value(L, v, &x) && x >= 1 && x <= (ns ? ns : INT_MAX))
        return (int)x;
    if (ns)
        err(L, v, "'line' must be an integer in 1..%d (a line of \"source\"), got %s", ns,
            got(L, v).s);
    else
        err(L, v, "'line' must be a positive integer, got %s", got(L, v).s);
    return 0;
}

/* Report a verb used where the format does not allow it. */
static void check_place(ld *L, const cJSON *o, const form *f)
{
    int here = L->fn->kind == SIM_F_MAIN ? W_MAIN : L->fn->kind == SIM_F_COROUTINE ? W_CORO
                                                                                  : W_AWT;
    if (f->where & here)
        return;
    const char *allowed = f->where == W_MAIN   ? "in main"
                          : f->where == W_CORO ? "inside a coroutine"
                          : f->where == W_AWT  ? "inside an awaitable"
                                               : "inside a coroutine or an awaitable";
    err(L, o, "'%s' is only allowed %s, not in %s", f->name, allowed, place_name(L).s);
}

static void stmt_init(sim_stmt *s)
{
    memset(s, 0, sizeof *s);
    s->name = s->as = s->target.name = NO_NAME;
    s->queue = s->target.queue = NO_NAME;
    s->exc_type = -1;
    s->call.func = s->target.call.func = -1;
}

/* One statement: its verb, its keys, its place, its line; then the verb's
 * converter reads the rest, and "as" is bound for verbs that take it. */
static void conv_stmt(ld *L, const cJSON *o, sim_stmt *s)
{
    const sim_jpos *p = pos_of(L, o);
    stmt_init(s);
    s->jline = p->line;
    s->jcol = p->col;
    if (!cJSON_IsObject(o)) {
        err(L, o, "a statement must be an object such as {\"print\": \"hello\"}, got %s",
            got(L, o).s);
        return;
    }
    const cJSON *v = NULL;
    const form *f = find_form(L, o, &STMTS, &v);
    if (!f)
        return;
    s->verb = (uint8_t)f->code;
    check_form_keys(L, o, f, &STMTS);
    check_place(L, o, f);
    s->line = conv_line(L, cJSON_GetObjectItemCaseSensitive(o, "line"));
    f->conv(L, o, v, s);
    if (in_words(f->keys, "as"))
        s->as = conv_opt_bind(L, cJSON_GetObjectItemCaseSensitive(o, "as"), "as");
}

static void st_print(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s)
{
    (void)o;
    if (cJSON_IsString(v))
        s->tmpl = conv_tmpl(L, v);
    else
        err(L, v, "'print' takes a text template such as \"x is {x}\", got %s", got(L, v).s);
}

static void st_set(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s)
{
    s->name = conv_bind(L, v, "set");
    s->expr = conv_value(L, cJSON_GetObjectItemCaseSensitive(o, "value"));
}

/* sleep and block: a duration. */
static void st_delay(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s)
{
    char what[40];
    (void)o;
    snprintf(what, sizeof what, "'%s' duration", v->string);
    s->expr = conv_numeric(L, v, what, "a number or an \"=expression\"", 0);
}

/* await and run_until_complete: a target. */
static void st_target(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s)
{
    (void)o;
    conv_target(L, v, &s->target, v->string);
}

/* yield and return: a value. */
static void st_value(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s)
{
    (void)o;
    s->expr = conv_value(L, v);
}

/* An exception type name: a builtin, or a new class when add (raise);
 * except clauses (add 0) may only name builtins, raised types and
 * Python's built-in exceptions (which nothing raises: such a clause never
 * matches, as in Python). */
static int conv_exctype(ld *L, const cJSON *v, int add)
{
    const char *dot = cJSON_IsString(v) ? strrchr(v->valuestring, '.') : NULL;
    if (!cJSON_IsString(v) || !is_ident(v->valuestring) || is_keyword(v->valuestring)) {
        err(L, v, "exception type must be a plain name such as \"ValueError\", got %s%s%s%s",
            got(L, v).s, dot && is_ident(dot + 1) ? " (did you mean '" : "",
            dot && is_ident(dot + 1) ? dot + 1 : "", dot && is_ident(dot + 1) ? "'?)" : "");
        return -1;
    }
    sim_exctypes *T = &L->sc->types;
    int id = sim_exctypes_get(T, v->valuestring, add || sim_pynames_exception(v->valuestring));
    if (id >= 0)
        return id;
    const char **cands = xrealloc(NULL, (size_t)T->n * sizeof *cands);
    for (int i = 0; i < T->n; i++)
        cands[i] = T->t[i].name;
    err(L, v, "exception type '%s' is not defined: it is not a Python built-in and no "
              "statement raises it%s",
        v->valuestring, did_you_mean(v->valuestring, cands, T->n).s);
    free(cands);
    return -1;
}

/* raise TYPE("message"), or a bare re-raise: of the exception being
 * handled when it runs (in Python that need not be in an except body of
 * the same function: a finally, a coroutine awaited from an except body),
 * else RuntimeError('No active exception to reraise'). */
static void st_raise(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s)
{
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(o, "message");
    if (!cJSON_IsNull(v)) {
        s->exc_type = conv_exctype(L, v, 1);
        s->expr = msg && !cJSON_IsNull(msg) ? conv_value(L, msg) : NULL;  /* NULL: no argument */
        return;
    }
    if (msg)
        errk(L, msg, "'message' needs an exception type, e.g. {\"raise\": \"ValueError\", "
                     "\"message\": \"bad\"}");
}

/* The "type" of an except clause: a name or a list of names. */
static void conv_handler_types(ld *L, const cJSON *t, sim_handler *h)
{
    if (!cJSON_IsArray(t)) {
        h->ntypes = 1;
        h->types = sim_arena_zalloc(L->A, sizeof *h->types);
        h->types[0] = conv_exctype(L, t, 0);
        return;
    }
    h->ntypes = cJSON_GetArraySize(t);
    if (h->ntypes == 0)
        err(L, t, "'type' lists no exception type; name at least one, or leave 'type' "
                  "out for a bare except");
    h->types = sim_arena_zalloc(L->A, (size_t)h->ntypes * sizeof *h->types);
    int k = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, t) h->types[k++] = conv_exctype(L, it, 0);
}

/* One except clause {"type": T, "as": "e", "body": [...]}; a bare one
 * (no type) must come last, as Python requires. */
static void conv_handler(ld *L, const cJSON *o, sim_handler *h, int last)
{
    h->as = NO_NAME;
    if (!cJSON_IsObject(o)) {
        err(L, o, "an except clause must be an object such as {\"type\": \"ValueError\", "
                  "\"as\": \"e\", \"body\": [...]}, got %s", got(L, o).s);
        return;
    }
    check_keys(L, o, "type as body line", "", "in an except clause", NULL, NULL);
    conv_line(L, cJSON_GetObjectItemCaseSensitive(o, "line"));
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "type");
    const cJSON *as = cJSON_GetObjectItemCaseSensitive(o, "as");
    if (t)
        conv_handler_types(L, t, h);
    else if (!last)
        err(L, o, "a bare except (no 'type') must be the last except clause");
    if (!t && as && !cJSON_IsNull(as))
        errk(L, as, "'as' needs a 'type': a bare except cannot name the exception");
    h->as = conv_opt_bind(L, as, "as");
    conv_block(L, cJSON_GetObjectItemCaseSensitive(o, "body"), &h->body, "'body'");
}

static void st_try(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s)
{
    const cJSON *ex = cJSON_GetObjectItemCaseSensitive(o, "except");
    const cJSON *fin = cJSON_GetObjectItemCaseSensitive(o, "finally");
    conv_block(L, v, &s->body, "'try'");
    if ((!ex || (cJSON_IsArray(ex) && !cJSON_GetArraySize(ex))) && !fin)
        err(L, o, "'try' needs an 'except' list or a 'finally' list (or both)");
    if (ex && !cJSON_IsArray(ex))
        err(L, ex, "'except' must be a list of clauses such as [{\"type\": \"ValueError\", "
                   "\"body\": [...]}], got %s", got(L, ex).s);
    if (ex && cJSON_IsArray(ex)) {
        s->nhandlers = cJSON_GetArraySize(ex);
        s->handlers = sim_arena_zalloc(L->A, (size_t)s->nhandlers * sizeof *s->handlers);
        int k = 0;
        const cJSON *h;
        cJSON_ArrayForEach(h, ex) {
            conv_handler(L, h, &s->handlers[k], k + 1 == s->nhandlers);
            k++;
        }
    }
    conv_block(L, fin, &s->finally, "'finally'");
}

static void st_if(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s)
{
    s->expr = conv_cond(L, v);
    conv_block(L, cJSON_GetObjectItemCaseSensitive(o, "then"), &s->body, "'then'");
    conv_block(L, cJSON_GetObjectItemCaseSensitive(o, "else"), &s->orelse, "'else'");
}

/* repeat N (null: forever), binding "var" to 0, 1, ... */
static void st_repeat(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s)
{
    if (!cJSON_IsNull(v))
        s->expr = conv_numeric(L, v, "'repeat' count",
                               "an integer, null (repeat forever) or an \"=expression\"", 1);
    s->as = conv_opt_bind(L, cJSON_GetObjectItemCaseSensitive(o, "var"), "var");
    L->in_repeat++;
    conv_block(L, cJSON_GetObjectItemCaseSensitive(o, "body"), &s->body, "'body'");
    L->in_repeat--;
}

/* Verbs that take true: stop_loop, run_forever, new_loop, break. */
static void st_flag(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s)
{
    if (!cJSON_IsTrue(v))
        err(L, v, "'%s' takes true, as in {\"%s\": true}; got %s", v->string, v->string,
            got(L, v).s);
    if (s->verb == SIM_S_BREAK && !L->in_repeat)
        err(L, o, "'break' is only allowed inside the body of a 'repeat'");
}

/* create_task, asyncio_run, coroutine: a CALL object. */
static void st_callobj(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s)
{
    (void)o;
    conv_callobj(L, v, &s->call, v->string);
}

/* cancel, task_result, task_exception: a variable holding a task. */
static void st_taskvar(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s)
{
    (void)o;
    s->name = conv_bind(L, v, v->string);
}

/* {"call": NAME, "args": [...]} as a statement: a coroutine never awaited. */
static void st_call(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s)
{
    conv_callee(L, v, cJSON_GetObjectItemCaseSensitive(o, "args"), 0, &s->call);
}

/* queue_put_nowait (with its value) and queue_get_nowait. */
static void st_queue(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s)
{
    s->queue = conv_queue(L, v);
    if (s->verb == SIM_S_QPUT_NOWAIT)
        s->expr = conv_value(L, cJSON_GetObjectItemCaseSensitive(o, "value"));
}

/* c.send(value); the value defaults to None. */
static void st_send(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s)
{
    const cJSON *val = cJSON_GetObjectItemCaseSensitive(o, "value");
    s->name = conv_bind(L, v, "send");
    s->expr = val ? conv_value(L, val) : mk_const(L, sim_none());
}

/* The drive policy named by v: SIM_DRIVE_*, or -1 after reporting. */
static int conv_policy(ld *L, const cJSON *v)
{
    static const char *const names[] = {"in_order", "round_robin", "random"};
    for (int i = 0; i < 3 && cJSON_IsString(v); i++)
        if (!strcmp(v->valuestring, names[i]))
            return i;
    if (v)
        err(L, v, "unknown drive policy %s; expected one of \"in_order\", \"round_robin\", "
                  "\"random\"%s", got(L, v).s,
            cJSON_IsString(v) ? did_you_mean(v->valuestring, names, 3).s : "");
    return -1;
}

/* drive: coroutine variables, a policy, a seed for policy random. */
static void st_drive(ld *L, const cJSON *o, const cJSON *v, sim_stmt *s)
{
    const cJSON *seed = cJSON_GetObjectItemCaseSensitive(o, "seed"), *it;
    int policy = conv_policy(L, cJSON_GetObjectItemCaseSensitive(o, "policy"));
    s->policy = (uint8_t)(policy < 0 ? 0 : policy);
    if (cJSON_IsArray(v)) {
        s->ndrive = cJSON_GetArraySize(v);
        s->drive = sim_arena_zalloc(L->A, (size_t)s->ndrive * sizeof *s->drive);
        int k = 0;
        cJSON_ArrayForEach(it, v) s->drive[k++] = conv_bind(L, it, "drive");
    } else {
        err(L, v, "'drive' takes a list of coroutine variables such as [\"c1\", \"c2\"], "
                  "got %s", got(L, v).s);
    }
    if (policy == SIM_DRIVE_RANDOM && !seed)
        err(L, o, "policy \"random\" needs a 'seed': an integer, a float, a string or an "
                  "\"=expression\"");
    if (policy >= 0 && policy != SIM_DRIVE_RANDOM && seed)
        errk(L, seed, "'seed' is only used with policy \"random\"");
    /* random.seed(S) takes an int, a float or a str (and bool, an int);
     * None would seed from the OS, a list is a TypeError. */
    if (seed && (cJSON_IsNull(seed) || cJSON_IsArray(seed) || cJSON_IsObject(seed)))
        err(L, seed, "'seed' must be an integer, a float, a string or an \"=expression\" "
                     "(random.seed(S) must make the same choices every run), got %s",
            got(L, seed).s);
    else if (seed)
        s->expr = conv_value(L, seed);
}

/* ==== pass 1: bindings ================================================ */

static void collect_block(ld *L, const cJSON *body, names *N);

/* Add to N every name statement (or except clause) o binds, in document
 * order: set targets, "as", repeat "var", and those of nested bodies.
 * Types named by raise become known exception types. Malformed pieces are
 * skipped here; pass 2 reports them. */
static void collect_obj(ld *L, const cJSON *o, names *N)
{
    const cJSON *m, *h;
    if (!cJSON_IsObject(o))
        return;
    cJSON_ArrayForEach(m, o) {
        const char *k = m->string;
        if (in_words("set as var", k) && cJSON_IsString(m) && is_ident(m->valuestring) &&
            !is_keyword(m->valuestring))
            names_add(N, L->A, m->valuestring);
        else if (in_words("try then else body finally", k))
            collect_block(L, m, N);
        else if (!strcmp(k, "except") && cJSON_IsArray(m))
            cJSON_ArrayForEach(h, m) collect_obj(L, h, N);
        else if (!strcmp(k, "raise") && cJSON_IsString(m) && is_ident(m->valuestring) &&
                 !is_keyword(m->valuestring))
            sim_exctypes_get(&L->sc->types, m->valuestring, 1);
    }
}

static void collect_block(ld *L, const cJSON *body, names *N)
{
    const cJSON *s;
    if (cJSON_IsArray(body))
        cJSON_ArrayForEach(s, body) collect_obj(L, s, N);
}

/* The parameters of function i: its first locals, distinct names. */
static void bind_params(ld *L, int i)
{
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(L->defs[i], "params"), *p;
    sim_func *f = &L->sc->funcs[i];
    if (params && !cJSON_IsArray(params)) {
        err(L, params, "'params' must be a list of parameter names such as [\"x\", \"y\"], "
                       "got %s", got(L, params).s);
        return;
    }
    cJSON_ArrayForEach(p, params) {
        if (!check_varname(L, p, "params"))
            continue;
        if (names_find(&L->locals[i], p->valuestring) >= 0)
            err(L, p, "duplicate parameter '%s' in %s '%s'", p->valuestring,
                f->kind == SIM_F_COROUTINE ? "coroutine" : "awaitable", f->name);
        else
            names_add(&L->locals[i], L->A, p->valuestring);
    }
    f->nparams = L->locals[i].n;
}

/* Pass 1 for every function and main; then the locals and globals are
 * final and copied into the scenario. */
static void bind_all(ld *L, const cJSON *root)
{
    sim_scenario *sc = L->sc;
    for (int i = 0; i < sc->nfuncs; i++) {
        bind_params(L, i);
        collect_block(L, cJSON_GetObjectItemCaseSensitive(L->defs[i], "body"), &L->locals[i]);
        sc->funcs[i].nlocals = L->locals[i].n;
        sc->funcs[i].locals = names_export(&L->locals[i], L->A);
    }
    collect_block(L, cJSON_GetObjectItemCaseSensitive(root, "main"), &L->globals);
    sc->nglobals = L->globals.n;
    sc->globals = names_export(&L->globals, L->A);
}

/* ==== pass 2 and the top level ======================================== */

/* Convert the body of every function, then main. */
static void convert_all(ld *L, const cJSON *root)
{
    sim_scenario *sc = L->sc;
    for (int i = 0; i < sc->nfuncs; i++) {
        L->fn = &sc->funcs[i];
        L->fnlocals = &L->locals[i];
        L->in_repeat = 0;
        conv_block(L, cJSON_GetObjectItemCaseSensitive(L->defs[i], "body"), &L->fn->body,
                   "'body'");
    }
    L->fn = &sc->main;
    L->fnlocals = NULL;
    L->in_repeat = 0;
    conv_block(L, cJSON_GetObjectItemCaseSensitive(root, "main"), &sc->main.body, "'main'");
}

/* A name defined by a key (coroutine, awaitable, queue): a Python name. */
static int check_defname(ld *L, const cJSON *m, const char *kind)
{
    int ok = is_ident(m->string) && !is_keyword(m->string);
    if (!ok)
        errk(L, m, "%s name '%s' is not a valid Python name (" NAME_RULE ", not a keyword)",
             kind, m->string);
    if (ok && !hides_builtin(L, m, m->string, 1))
        return 1;
    names_add(&L->badnames, L->A, m->string);   /* its uses say why they fail */
    return 0;
}

/* The definitions of one of "coroutines" / "awaitables" (kind) into
 * sc->funcs and L->funcs, remembering each JSON definition. */
static void declare_kind(ld *L, const cJSON *defs, int kind)
{
    const char *word = kind == SIM_F_COROUTINE ? "coroutine" : "awaitable";
    const cJSON *m;
    cJSON_ArrayForEach(m, defs) {
        if (is_comment(m->string) || !check_defname(L, m, word))
            continue;
        if (names_find(&L->queues, m->string) >= 0) {
            names_add(&L->badnames, L->A, m->string);
            errk(L, m, "'%s' is defined both as a queue and as %s; in Python one name holds "
                       "one object: give them different names", m->string,
                 kind == SIM_F_COROUTINE ? "a coroutine" : "an awaitable");
            continue;
        }
        int k = names_find(&L->funcs, m->string);
        if (k >= 0 && L->sc->funcs[k].kind != kind)
            errk(L, m, "'%s' is defined both as a coroutine and as an awaitable; give them "
                       "different names", m->string);
        if (k >= 0)
            continue;
        if (!cJSON_IsObject(m)) {
            err(L, m, "%s '%s' must be an object such as {\"params\": [], \"body\": [...]}, "
                      "got %s", word, m->string, got(L, m).s);
            continue;
        }
        char where[80];
        snprintf(where, sizeof where, "in %s '%.40s'", word, m->string);
        check_keys(L, m, "params body", "body", where, NULL,
                   "{\"params\": [], \"body\": [{\"print\": \"hi\"}]}");
        k = names_add(&L->funcs, L->A, m->string);
        L->defs[k] = m;
        L->sc->funcs[k].name = L->funcs.v[k];
        L->sc->funcs[k].kind = (uint8_t)kind;
    }
}

/* sc->funcs: the coroutines first, then the awaitables, in file order. */
static void declare_funcs(ld *L, const cJSON *coros, const cJSON *awts)
{
    int n = 0;
    const cJSON *o[2] = {coros, awts};
    for (int j = 0; j < 2; j++) {
        if (o[j] && !cJSON_IsObject(o[j]))
            err(L, o[j], "'%s' must be an object of definitions such as {\"%s\": {\"params\": "
                         "[], \"body\": [...]}}, got %s", o[j]->string, j ? "w1" : "c1",
                got(L, o[j]).s);
        else if (o[j])
            n += cJSON_GetArraySize(o[j]);
    }
    L->sc->funcs = sim_arena_zalloc(L->A, (size_t)n * sizeof *L->sc->funcs);
    L->defs = xrealloc(NULL, (size_t)n * sizeof *L->defs);
    L->locals = xrealloc(NULL, (size_t)(n ? n : 1) * sizeof *L->locals);
    memset(L->locals, 0, (size_t)(n ? n : 1) * sizeof *L->locals);
    if (cJSON_IsObject(coros))
        declare_kind(L, coros, SIM_F_COROUTINE);
    L->ncoro = L->funcs.n;
    if (cJSON_IsObject(awts))
        declare_kind(L, awts, SIM_F_AWAITABLE);
    L->sc->nfuncs = L->funcs.n;
}

/* "queues": {"q": {"maxsize": N}}; each queue takes a global slot, in
 * file order, before any variable of main. */
static void load_queues(ld *L, const cJSON *qs)
{
    const cJSON *m;
    if (!qs)
        return;
    if (!cJSON_IsObject(qs)) {
        err(L, qs, "'queues' must be an object such as {\"q\": {\"maxsize\": 0}}, got %s",
            got(L, qs).s);
        return;
    }
    L->sc->queues = sim_arena_zalloc(L->A, (size_t)cJSON_GetArraySize(qs) * sizeof *L->sc->queues);
    cJSON_ArrayForEach(m, qs) {
        if (is_comment(m->string) || !check_defname(L, m, "queue") ||
            names_find(&L->queues, m->string) >= 0)
            continue;
        const cJSON *ms = cJSON_GetObjectItemCaseSensitive(m, "maxsize");
        int64_t max = 0;
        if (!cJSON_IsObject(m))
            err(L, m, "queue '%s' must be an object such as {\"maxsize\": 0}, got %s",
                m->string, got(L, m).s);
        else
            check_keys(L, m, "maxsize", "", "in a queue", NULL, NULL);
        if (ms && !int_value(L, ms, &max))     /* <= 0 is unbounded, as in CPython */
            err(L, ms, "'maxsize' must be an integer%s (0 or less means unbounded), got %s",
                int_bits_note(L, ms), got(L, ms).s);
        int k = names_add(&L->queues, L->A, m->string);
        sim_queuedef *q = &L->sc->queues[k];
        q->name = L->queues.v[k];
        q->maxsize = ms ? max : 0;
        q->global = names_add(&L->globals, L->A, m->string);
    }
    L->sc->nqueues = L->queues.n;
}

/* A positive integer limit (at most max) from lim[key] into *out. */
static void load_int_limit(ld *L, const cJSON *lim, const char *key, int64_t max,
                           int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(lim, key);
    int64_t i;
    if (v && int_value(L, v, &i) && i > 0 && i <= max)
        *out = i;
    else if (v && max < INT64_MAX)
        err(L, v, "'%s' must be a positive integer up to %lld, got %s", key, (long long)max,
            got(L, v).s);
    else if (v)
        err(L, v, "'%s' must be a positive integer, got %s", key, got(L, v).s);
}

/* "limits": max_steps, max_time (seconds of virtual time), max_depth. */
static void load_limits(ld *L, const cJSON *lim)
{
    sim_limits *l = &L->sc->limits;
    int64_t depth = l->max_depth;
    if (!lim)
        return;
    if (!cJSON_IsObject(lim)) {
        err(L, lim, "'limits' must be an object such as {\"max_steps\": 100000}, got %s",
            got(L, lim).s);
        return;
    }
    check_keys(L, lim, "max_steps max_time max_depth", "", "in 'limits'", NULL, NULL);
    load_int_limit(L, lim, "max_steps", INT64_MAX, &l->max_steps);
    /* about 600 bytes a level: a million levels is 600 MB, which is plenty
     * (CPython's C stack gives out long before) */
    load_int_limit(L, lim, "max_depth", 1000000, &depth);
    l->max_depth = (int)depth;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(lim, "max_time");
    if (cJSON_IsNumber(t) && t->valuedouble >= 0 && isfinite(t->valuedouble))
        l->max_time = t->valuedouble;     /* 0: the clock may never move */
    else if (t)
        err(L, t, "'max_time' must be a number of seconds, 0 or more, got %s", got(L, t).s);
}

/* An optional string at the top level into *out (arena copy). */
static void load_string(ld *L, const cJSON *root, const char *key, const char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!v)
        return;
    if (!cJSON_IsString(v) || (!strcmp(key, "name") && !v->valuestring[0]))
        err(L, v, "'%s' must be a %sstring, got %s", key, strcmp(key, "name") ? "" : "non-empty ",
            got(L, v).s);
    else
        *out = sim_arena_strdup(L->A, v->valuestring);
}

/* format, name, title, description, source. */
static void load_header(ld *L, const cJSON *root)
{
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    const cJSON *src = cJSON_GetObjectItemCaseSensitive(root, "source"), *it;
    if (fmt && !cJSON_IsString(fmt))
        err(L, fmt, "'format' must be the string \"%s\", got %s", FORMAT_ID, got(L, fmt).s);
    else if (fmt && strcmp(fmt->valuestring, FORMAT_ID))
        err(L, fmt, "unsupported format %s; expected \"%s\"", got(L, fmt).s, FORMAT_ID);
    load_string(L, root, "name", &L->sc->name);
    load_string(L, root, "title", &L->sc->title);
    load_string(L, root, "description", &L->sc->description);
    if (src && !cJSON_IsArray(src)) {
        err(L, src, "'source' must be a list of strings (the lines of the program), got %s",
            got(L, src).s);
        return;
    }
    L->sc->nsource = src ? cJSON_GetArraySize(src) : 0;
    L->sc->source = sim_arena_zalloc(L->A, (size_t)L->sc->nsource * sizeof *L->sc->source);
    int k = 0;
    cJSON_ArrayForEach(it, src) {
        if (!cJSON_IsString(it))
            err(L, it, "'source' lines must be strings, got %s", got(L, it).s);
        L->sc->source[k++] = cJSON_IsString(it) ? sim_arena_strdup(L->A, it->valuestring) : "";
    }
}

/* Remove the comment keys of a tree (the copy of "expect"). */
static void strip_comments(cJSON *v)
{
    cJSON *c = v->child;
    while (c) {
        cJSON *next = c->next;
        if (cJSON_IsObject(v) && is_comment(c->string))
            cJSON_Delete(cJSON_DetachItemViaPointer(v, c));
        else
            strip_comments(c);
        c = next;
    }
}

/* The property keys of "expect" (docs/FORMAT-EXTENSIONS.md): max_concurrent
 * a non-negative integer, end_time a number, order a list of strings. */
static void load_expect_props(ld *L, const cJSON *e)
{
    int64_t i;
    const cJSON *mc = cJSON_GetObjectItemCaseSensitive(e, "max_concurrent");
    if (mc && (!int_value(L, mc, &i) || i < 0))
        err(L, mc, "'max_concurrent' must be a non-negative integer such as 4, got %s",
            got(L, mc).s);
    const cJSON *et = cJSON_GetObjectItemCaseSensitive(e, "end_time");
    if (et && !cJSON_IsNumber(et))
        err(L, et, "'end_time' must be a number of virtual seconds such as 1.5, got %s",
            got(L, et).s);
    const cJSON *order = cJSON_GetObjectItemCaseSensitive(e, "order");
    if (order && !cJSON_IsArray(order)) {
        err(L, order, "'order' must be a list of print texts such as [\"a\", \"b\"], got %s",
            got(L, order).s);
        return;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, order) {
        if (!cJSON_IsString(it))
            err(L, it, "'order' items must be print texts (strings), got %s", got(L, it).s);
    }
}

/* Is v one of the n names name(0..n-1) of the outcome (sim_task_state_name,
 * sim_end_status_name)? */
static int outcome_name(const cJSON *v, const char *(*name)(int), int n)
{
    for (int i = 0; cJSON_IsString(v) && i < n; i++)
        if (!strcmp(v->valuestring, name(i)))
            return 1;
    return 0;
}

/* Is v a string, or null when null_ok? */
static int str_or_null(const cJSON *v, int null_ok)
{
    return cJSON_IsString(v) || (null_ok && cJSON_IsNull(v));
}

/* One "prints" item of expect: {"t": 1.0, "task": "Task-1" or null, "text": "..."}. */
static void expect_print(ld *L, const cJSON *p)
{
    check_keys(L, p, "t task text", "t task text", "in an expected print", NULL,
               "{\"t\": 1.0, \"task\": \"Task-1\", \"text\": \"done\"}");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(p, "t");
    const cJSON *task = cJSON_GetObjectItemCaseSensitive(p, "task");
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(p, "text");
    if (t && !cJSON_IsNumber(t))
        err(L, t, "an expected print's 't' must be a number of virtual seconds, got %s", got(L, t).s);
    if (task && !str_or_null(task, 1))
        err(L, task, "an expected print's 'task' must be a task name such as \"Task-1\" or null "
                     "(main), got %s", got(L, task).s);
    if (text && !cJSON_IsString(text))
        err(L, text, "an expected print's 'text' must be a string, got %s", got(L, text).s);
}

/* One "tasks" item: {"name", "coro", "state", "result" or "exception"}. */
static void expect_task(ld *L, const cJSON *o)
{
    check_keys(L, o, "name coro state result exception", "name state", "in an expected task",
               NULL, "{\"name\": \"Task-1\", \"coro\": \"c1\", \"state\": \"finished\", "
               "\"result\": \"None\"}");
    static const char *keys[] = {"name", "coro", "result", "exception"};
    for (int i = 0; i < 4; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, keys[i]);
        if (v && !cJSON_IsString(v))
            err(L, v, "an expected task's '%s' must be a string, got %s", keys[i], got(L, v).s);
    }
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(o, "state");
    if (st && !outcome_name(st, sim_task_state_name, 4))
        err(L, st, "an expected task's 'state' must be \"pending\", \"finished\", \"failed\" "
                   "or \"cancelled\", got %s", got(L, st).s);
}

/* "end": {"status": ..., "t": number, "error": string or null}. */
static void expect_end(ld *L, const cJSON *o)
{
    if (!cJSON_IsObject(o)) {
        err(L, o, "'end' in 'expect' must be an object such as {\"status\": \"completed\", "
                  "\"t\": 1.0, \"error\": null}, got %s", got(L, o).s);
        return;
    }
    check_keys(L, o, "status t error", "", "in 'end'", NULL, NULL);
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(o, "status");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "t");
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "error");
    if (st && !outcome_name(st, sim_end_status_name, 4))
        err(L, st, "'status' must be \"completed\", \"uncaught\", \"interrupted\" or "
                   "\"limit\", got %s", got(L, st).s);
    if (t && !cJSON_IsNumber(t))
        err(L, t, "'t' in 'end' must be a number of virtual seconds, got %s", got(L, t).s);
    if (e && !str_or_null(e, 1))
        err(L, e, "'error' in 'end' must be a string such as \"KeyError: 'k'\" or null, got %s",
            got(L, e).s);
}

/* A list key of expect whose items each() checks (NULL: numbers). */
static void expect_list(ld *L, const cJSON *e, const char *key, const char *example,
                        void (*each)(ld *, const cJSON *))
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, key), *it;
    if (!v)
        return;
    if (!cJSON_IsArray(v)) {
        err(L, v, "'%s' in 'expect' must be a list such as %s, got %s", key, example, got(L, v).s);
        return;
    }
    cJSON_ArrayForEach(it, v) {
        if (!each && !cJSON_IsNumber(it))
            err(L, it, "'%s' items must be virtual times (numbers), got %s", key, got(L, it).s);
        else if (each && !cJSON_IsObject(it))
            err(L, it, "'%s' items must be objects such as %s, got %s", key, example, got(L, it).s);
        else if (each)
            each(L, it);
    }
}

/* One "warnings" item: {"kind": ..., "task": name} or {"kind": ..., "coro": name}. */
static void expect_warning(ld *L, const cJSON *o)
{
    check_keys(L, o, "kind task coro", "kind", "in an expected warning", NULL, NULL);
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(o, "kind");
    if (k && (!cJSON_IsString(k) || (strcmp(k->valuestring, "exception_never_retrieved") &&
              strcmp(k->valuestring, "coroutine_never_awaited"))))
        err(L, k, "a warning's 'kind' must be \"exception_never_retrieved\" or "
                  "\"coroutine_never_awaited\", got %s", got(L, k).s);
}

/* The outcome keys of "expect" have the shapes of coroscope-outcome/1. */
static void load_expect_outcome(ld *L, const cJSON *e)
{
    expect_list(L, e, "prints", "[{\"t\": 0.0, \"task\": null, \"text\": \"hi\"}]", expect_print);
    expect_list(L, e, "tasks", "[{\"name\": \"Task-1\", \"state\": \"finished\"}]", expect_task);
    expect_list(L, e, "warnings", "[{\"kind\": \"coroutine_never_awaited\", \"coro\": \"c\"}]",
                expect_warning);
    expect_list(L, e, "interrupts", "[4.0]", NULL);
    const cJSON *end = cJSON_GetObjectItemCaseSensitive(e, "end");
    if (end)
        expect_end(L, end);
    static const char *strs[] = {"format", "scenario"};
    for (int i = 0; i < 2; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, strs[i]);
        if (v && !cJSON_IsString(v))
            err(L, v, "'%s' in 'expect' must be a string, got %s", strs[i], got(L, v).s);
    }
}

/* "expect": checked for its keys, stored as compact JSON without comments. */
static void load_expect(ld *L, const cJSON *e)
{
    if (!e)
        return;
    if (!cJSON_IsObject(e)) {
        err(L, e, "'expect' must be an object such as {\"prints\": [...]}, got %s", got(L, e).s);
        return;
    }
    check_keys(L, e, "format scenario prints tasks warnings interrupts end max_concurrent "
                     "end_time order", "", "in 'expect'", NULL, NULL);
    load_expect_props(L, e);
    load_expect_outcome(L, e);
    cJSON *copy = cJSON_Duplicate(e, 1);
    char *s = NULL;
    if (copy) {
        strip_comments(copy);
        s = cJSON_PrintUnformatted(copy);
    }
    if (s)
        L->sc->expect_json = sim_arena_strdup(L->A, s);
    else
        err(L, e, "cannot store 'expect' (out of memory)");
    cJSON_free(s);
    cJSON_Delete(copy);
}

/* The whole scenario, in dependency order (see the top of the file). */
static void load_root(ld *L, const cJSON *root)
{
    if (!cJSON_IsObject(root)) {
        err(L, root, "the top level must be an object such as {\"format\": \"%s\", \"name\": "
                     "\"demo\", \"main\": [...]}, got %s", FORMAT_ID, got(L, root).s);
        return;
    }
    check_keys(L, root, "format name title description source coroutines awaitables queues "
                        "main limits expect", "format name main", "at the top level", NULL,
               "{\"format\": \"coroscope-scenario/1\", \"name\": \"demo\", \"main\": []}");
    load_header(L, root);
    load_limits(L, cJSON_GetObjectItemCaseSensitive(root, "limits"));
    load_queues(L, cJSON_GetObjectItemCaseSensitive(root, "queues"));
    declare_funcs(L, cJSON_GetObjectItemCaseSensitive(root, "coroutines"),
                  cJSON_GetObjectItemCaseSensitive(root, "awaitables"));
    bind_all(L, root);
    convert_all(L, root);
    load_expect(L, cJSON_GetObjectItemCaseSensitive(root, "expect"));
}

/* ==== JSON text -> tree with positions ================================ */

typedef struct keyref {
    const char *key;
    const cJSON *m;
    uint32_t off;
} keyref;

static int cmp_keyref(const void *a, const void *b)
{
    const keyref *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->off > y->off) - (x->off < y->off);
}

/* Report every key that repeats an earlier key of the same object, at the
 * repetition, in every object of the tree. Sorting keeps this n log n. */
static void check_dup_keys(ld *L, const cJSON *v)
{
    int n = cJSON_IsObject(v) ? cJSON_GetArraySize(v) : 0;
    const cJSON *c;
    if (n > 1) {
        keyref *k = xrealloc(NULL, (size_t)n * sizeof *k);
        int i = 0;
        cJSON_ArrayForEach(c, v) k[i++] = (keyref){c->string, c, pos_of(L, c)->off};
        qsort(k, (size_t)n, sizeof *k, cmp_keyref);
        for (i = 1; i < n; i++) {
            int first = i;
            while (first > 0 && !strcmp(k[first - 1].key, k[i].key))
                first--;
            if (first < i) {
                const sim_jpos *p = pos_of(L, k[first].m);
                errk(L, k[i].m, "duplicate key '%s' (first at line %d, column %d); a key may "
                                "appear only once in an object", k[i].key, p->kline, p->kcol);
            }
        }
        free(k);
    }
    for (c = v->child; c; c = c->next)
        check_dup_keys(L, c);
}

/* 1 when the text at a value's first byte c fits cJSON node v. */
static int kind_fits(const cJSON *v, char c)
{
    switch (v->type & 0xFF) {
    case cJSON_Object: return c == '{';
    case cJSON_Array: return c == '[';
    case cJSON_String: return c == '"';
    case cJSON_Number: return c == '-' || (c >= '0' && c <= '9');
    case cJSON_True: return c == 't';
    case cJSON_False: return c == 'f';
    case cJSON_NULL: return c == 'n';
    default: return 0;
    }
}

/* Pair the cJSON nodes with the scanner's positions, both in document
 * order; -1 when they disagree (a bug, never a user error). */
static int pair_nodes(ld *L, const cJSON *v, size_t *k)
{
    if (*k >= L->map.n || !kind_fits(v, L->text[L->map.v[*k].off]))
        return -1;
    L->np[*k] = (nodepos){v, &L->map.v[*k]};
    (*k)++;
    for (const cJSON *c = v->child; c; c = c->next)
        if (pair_nodes(L, c, k) < 0)
            return -1;
    return 0;
}

/* Parse text[0..len): cJSON for the tree, the scanner for positions and
 * precise syntax messages (cJSON's error pointer places what the scanner
 * let through). Returns the tree (the caller deletes it) or NULL after
 * reporting. */
static cJSON *parse(ld *L, const char *text, size_t len)
{
    sim_jpos_error e;
    if (len > MAX_TEXT) {
        err_at(L, 0, 0, "the text is too large (%zu bytes); a scenario is at most 64 MiB", len);
        return NULL;
    }
    const unsigned char *u = (const unsigned char *)text;
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        err_at(L, 1, 1, "the file is UTF-16 (it starts with a UTF-16 byte-order mark): "
                        "save it as UTF-8");
        return NULL;
    }
    if (sim_jpos_check_utf8(text, len, &e) < 0) {
        err_at(L, e.line, e.col, "%s; a scenario must be UTF-8 text", e.msg);
        return NULL;
    }
    L->text = xrealloc(NULL, len + 1);
    memcpy(L->text, text, len);
    L->text[len] = 0;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(L->text, len, &end, 0);
    int bad = sim_jpos_scan(L->text, len, &L->map, &e) < 0;
    if (bad || !root) {
        if (!bad)
            sim_jpos_linecol(L->text, end && end >= L->text ? (size_t)(end - L->text) : 0,
                             &e.line, &e.col);
        err_at(L, e.line, e.col, "%s%s", bad && e.valid ? "" : "invalid JSON: ",
               bad ? e.msg : "cannot parse the text here");
        cJSON_Delete(root);
        return NULL;
    }
    size_t k = 0;
    L->np = xrealloc(NULL, L->map.n * sizeof *L->np);
    if (pair_nodes(L, root, &k) < 0 || k != L->map.n) {
        err_at(L, 0, 0, "internal error: the position map disagrees with the JSON tree");
        cJSON_Delete(root);
        return NULL;
    }
    L->nnp = k;
    qsort(L->np, L->nnp, sizeof *L->np, cmp_nodepos);
    return root;
}

/* ==== entry points ==================================================== */

static sim_scenario *scenario_new(const char *path)
{
    sim_scenario *sc = xrealloc(NULL, sizeof *sc);
    memset(sc, 0, sizeof *sc);
    sim_arena_init(&sc->arena);
    sim_exctypes_init(&sc->types);
    sc->path = sim_arena_strdup(&sc->arena, path);
    sc->limits.max_steps = 10000000;
    sc->limits.max_time = 86400.0;
    sc->limits.max_depth = 1000;
    sc->main.name = "main";
    sc->main.kind = SIM_F_MAIN;
    return sc;
}

static void ld_free(ld *L)
{
    for (int i = 0; i < L->funcs.n; i++)
        names_free(&L->locals[i]);
    free(L->locals);
    free(L->defs);
    names_free(&L->funcs);
    names_free(&L->queues);
    names_free(&L->globals);
    names_free(&L->badnames);
    for (int i = 0; i < L->ndg; i++)
        free(L->dg[i].msg);
    free(L->dg);
    free(L->np);
    sim_jpos_free(&L->map);
    free(L->text);
}

sim_scenario *sim_scenario_load_text(const char *name, const char *text, size_t len,
                                     sim_diags *d)
{
    ld L;
    memset(&L, 0, sizeof L);
    L.file = name;
    L.sc = scenario_new(name);
    L.A = &L.sc->arena;
    cJSON *root = parse(&L, text, len);
    if (root) {
        check_dup_keys(&L, root);
        load_root(&L, root);
        cJSON_Delete(root);
    }
    int bad = L.ndg > 0 || L.dropped > 0;
    emit_diags(&L, d);
    ld_free(&L);
    if (!bad)
        return L.sc;
    sim_scenario_free(L.sc);
    return NULL;
}

/* The whole file into a malloc'ed buffer (*len bytes), or NULL after
 * reporting; reading stops once the file is known to be too large. */
static char *read_file(const char *path, size_t *len, sim_diags *d)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        sim_diags_addf(d, "%s: error: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 65536, n = 0, k;
    char *buf = xrealloc(NULL, cap);
    while ((k = fread(buf + n, 1, cap - n, f)) > 0 && (n += k) <= MAX_TEXT) {
        if (n == cap) {
            cap = cap * 2 > (size_t)MAX_TEXT + 1 ? (size_t)MAX_TEXT + 1 : cap * 2;
            buf = xrealloc(buf, cap);
        }
    }
    int e = ferror(f) ? errno : 0;
    fclose(f);
    if (e || n > MAX_TEXT) {
        if (e)
            sim_diags_addf(d, "%s: error: cannot read: %s", path, strerror(e));
        else
            sim_diags_addf(d, "%s: error: the file is larger than 64 MiB; a scenario is a "
                              "small JSON file", path);
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

sim_scenario *sim_scenario_load_file(const char *path, sim_diags *d)
{
    size_t len = 0;
    char *text = read_file(path, &len, d);
    if (!text)
        return NULL;
    sim_scenario *sc = sim_scenario_load_text(path, text, len, d);
    free(text);
    return sc;
}

void sim_scenario_free(sim_scenario *sc)
{
    if (!sc)
        return;
    sim_exctypes_free(&sc->types);
    sim_arena_free(&sc->arena);
    free(sc);
}
