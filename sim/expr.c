/*
 * expr.c -- see expr.h. A recursive-descent parser for the grammar of
 * format section 2, an evaluator with Python semantics on top of value.c,
 * and print templates parsed the way CPython 3.11 parses f-strings.
 */
#include "expr.h"
#include "bigint.h"
#include "pynames.h"
#include "unicode.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Nesting of brackets and unary operators the parser follows (CPython
 * refuses more than 200 nested parentheses), and the height of a tree,
 * which bounds the evaluator's recursion. */
#define MAX_NEST 200
#define MAX_HEIGHT 500

/* ---- lexer --------------------------------------------------------------- */

typedef enum tkind { T_END, T_NUM, T_STR, T_NAME, T_OP } tkind;

typedef struct token {
    tkind kind;
    size_t pos, len;           /* where it is in the text */
    sim_value v;               /* T_NUM, T_STR: the constant */
} token;

/* The parser reads one expression, text[pos..end), of a text that may be
 * longer (a template): columns count from the start of the whole text. */
typedef struct parser {
    sim_arena *A;
    const char *s;
    size_t full;               /* length of the whole text */
    size_t pos, end;
    token tok;                 /* the current token */
    sim_resolve_fn resolve;
    void *ud;
    int nest;                  /* brackets and unary operators open now */
    int height;                /* height of the tree built last */
    int failed;
    int *errcol;
    char *errmsg;
    size_t errsz;
} parser;

static const char *const keywords[] = {
    "False", "None", "True", "and", "as", "assert", "async", "await", "break",
    "class", "continue", "def", "del", "elif", "else", "except", "finally",
    "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
};

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static int is_ident(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || is_digit(c);
}

/* The column shown for byte offset pos of the text, 1-based as a file's:
 * 1 + the characters before it (a UTF-8 character is one column, as the
 * loader counts file columns). */
static size_t ccol(const parser *p, size_t pos)
{
    return 1 + sim_unicode_count(p->s, pos < p->full ? pos : p->full);
}

/* Record the first error, at column col, and return NULL so that parse
 * functions can end with `return perr(...)`. */
static void *perr(parser *p, size_t col, const char *fmt, ...)
{
    if (!p->failed) {
        p->failed = 1;
        if (p->errcol)
            *p->errcol = (int)col;
        if (p->errmsg && p->errsz) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(p->errmsg, p->errsz, fmt, ap);
            va_end(ap);
        }
    }
    return NULL;
}

/* How messages name the current token: its text in quotes (cut short at a
 * character boundary), the character that ends a template field, or "end
 * of text". */
static const char *tok_desc(const parser *p, char buf[48])
{
    const token *t = &p->tok;
    if (t->kind == T_END && p->end >= p->full)
        return "end of text";
    if (t->kind == T_END) {
        snprintf(buf, 48, "'%c'", p->s[p->end]);
        return buf;
    }
    size_t n = t->len > 24 ? 24 : t->len;
    while (n < t->len && n > 0 && ((unsigned char)p->s[t->pos + n] & 0xC0) == 0x80)
        n--;
    snprintf(buf, 48, "'%.*s%s'", (int)n, p->s + t->pos, n < t->len ? "..." : "");
    return buf;
}

static int tok_is(const parser *p, const char *text)
{
    size_t n = strlen(text);
    return (p->tok.kind == T_OP || p->tok.kind == T_NAME) && p->tok.len == n &&
           memcmp(p->s + p->tok.pos, text, n) == 0;
}

static int tok_is_keyword(const parser *p)
{
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (tok_is(p, keywords[i]))
            return 1;
    return 0;
}

/* Digits of base with single underscores between them, from p->pos;
 * returns how many digits there were. */
static int scan_digits(parser *p, int base)
{
    int n = 0;
    for (; p->pos < p->end; p->pos++) {
        char c = p->s[p->pos], lc = (char)(c | 0x20);
        int d = is_digit(c) ? c - '0' : (lc >= 'a' && lc <= 'f') ? lc - 'a' + 10 : 99;
        if (d < base) {
            n++;
            continue;
        }
        if (c != '_' || n == 0 || p->pos + 1 >= p->end)
            break;
        char nx = p->s[p->pos + 1], lnx = (char)(nx | 0x20);
        int dn = is_digit(nx) ? nx - '0' : (lnx >= 'a' && lnx <= 'f') ? lnx - 'a' + 10 : 99;
        if (dn >= base)
            break;
    }
    return n;
}

/* The value of an int literal's digits (underscores skipped); a decimal
 * one past int64 is a bigint (a hexadecimal, octal or binary one that
 * large is not supported). */
static int int_literal(parser *p, const char *d, size_t n, int base, size_t col)
{
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        char lc = (char)(d[i] | 0x20);
        if (d[i] == '_')
            continue;
        int64_t dig = is_digit(d[i]) ? d[i] - '0' : lc - 'a' + 10;
        if (v > (INT64_MAX - dig) / base && base == 10) {
            char *digits = sim_arena_alloc(p->A, n + 1);
            size_t k = 0;
            for (size_t j = 0; j < n; j++)
                if (d[j] != '_')
                    digits[k++] = d[j];
            if (k > SIM_INT_MAX_STR_DIGITS) {
                perr(p, col, "integer literal at column %zu has %zu digits: Python 3.11 reads "
                     "at most %d (sys.set_int_max_str_digits); compute it instead",
                     ccol(p, col), k, SIM_INT_MAX_STR_DIGITS);
                return -1;
            }
            p->tok.v = sim_bigint_parse(p->A, digits, k);
            return 0;
        }
        if (v > (INT64_MAX - dig) / base) {
            perr(p, col, "integer literal at column %zu is too large for a base-%d literal",
                 ccol(p, col), base);
            return -1;
        }
        v = v * base + dig;
    }
    p->tok.v = sim_int(v);
    return 0;
}

/* A float literal: strtod on the text without underscores, correctly
 * rounded as CPython reads it. */
static void float_literal(parser *p, const char *d, size_t n)
{
    sim_buf b = {0};
    for (size_t i = 0; i < n; i++)
        if (d[i] != '_')
            sim_buf_putc(&b, d[i]);
    p->tok.v = sim_float(strtod(b.p, NULL));
    sim_buf_free(&b);
}

/* Whether the '.' at pos starts an attribute: a name follows it. */
static int attribute_follows(const parser *p, size_t pos)
{
    return pos + 1 < p->end && is_ident(p->s[pos + 1]) && !is_digit(p->s[pos + 1]);
}

/* NUMBER: 0x/0o/0b ints, decimal ints (no leading zeros, as in Python 3),
 * floats with a point and/or an exponent, '_' between digits. */
static int lex_number(parser *p)
{
    const char *s = p->s;
    size_t st = p->pos;
    int base = 10, isfloat = 0, ok = 1;
    char pfx = st + 1 < p->end ? (char)(s[st + 1] | 0x20) : 0;
    if (s[st] == '0' && (pfx == 'x' || pfx == 'o' || pfx == 'b')) {
        base = pfx == 'x' ? 16 : pfx == 'o' ? 8 : 2;
        p->pos += 2;
        if (p->pos < p->end && s[p->pos] == '_')
            p->pos++;               /* 0x_ff: one '_' may follow the prefix */
        ok = scan_digits(p, base) > 0;
    } else {
        scan_digits(p, 10);
        if (p->pos < p->end && s[p->pos] == '.') {
            isfloat = 1;
            p->pos++;
            scan_digits(p, 10);
        }
        if (p->pos < p->end && (s[p->pos] | 0x20) == 'e') {
            isfloat = 1;
            p->pos += p->pos + 1 < p->end && (s[p->pos + 1] == '+' || s[p->pos + 1] == '-') ? 2 : 1;
            ok = scan_digits(p, 10) > 0;
        }
    }
    for (; p->pos < p->end && (is_ident(s[p->pos]) || s[p->pos] == '.'); p->pos++) {
        if (s[p->pos] == '.' && (isfloat || base != 10) && attribute_follows(p, p->pos))
            break;    /* 2.5.real, 0x10.real: the literal, then an attribute */
        ok = 0;       /* "1abc", "1.2.3": one bad literal, shown whole */
    }
    p->tok = (token){T_NUM, st, p->pos - st, sim_none()};
    if (!ok) {
        perr(p, st, "invalid number '%.*s' at column %zu", (int)(p->pos - st), s + st, ccol(p, st));
        return -1;
    }
    if (isfloat) {
        float_literal(p, s + st, p->pos - st);
        return 0;
    }
    size_t zeros = 0;
    while (st + zeros < p->pos && (s[st + zeros] == '0' || s[st + zeros] == '_'))
        zeros++;
    if (base == 10 && zeros > 0 && zeros < p->pos - st) {
        perr(p, st, "leading zeros in decimal integer literals are not permitted at column %zu; "
                    "use an 0o prefix for octal integers", ccol(p, st));
        return -1;
    }
    size_t skip = base == 10 ? 0 : 2;
    return int_literal(p, s + st + skip, p->pos - st - skip, base, st);
}

/* Append code point cp as UTF-8 at out[*n]. */
static void utf8_put(char *out, size_t *n, uint32_t cp)
{
    int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    out[(*n)++] = (char)(len == 1 ? cp : ((0xF00u >> len) & 0xF0u) | (cp >> 6 * (len - 1)));
    for (int i = 1; i < len; i++)
        out[(*n)++] = (char)(0x80u | ((cp >> 6 * (len - 1 - i)) & 0x3Fu));
}

/* The value of exactly ndig hex digits at s[at..], or -1. */
static long hex_digits(const parser *p, size_t at, int ndig)
{
    long v = 0;
    for (int i = 0; i < ndig; i++, at++) {
        char c = at < p->end ? p->s[at] : 0, lc = (char)(c | 0x20);
        if (!is_digit(c) && !(lc >= 'a' && lc <= 'f'))
            return -1;
        v = v * 16 + (is_digit(c) ? c - '0' : lc - 'a' + 10);
    }
    return v;
}

/* \x \u \U escapes: a code point of 2, 4 or 8 hex digits. */
static int lex_hex_escape(parser *p, char *out, size_t *n)
{
    size_t at = p->pos;
    char kind = p->s[at + 1];
    int ndig = kind == 'x' ? 2 : kind == 'u' ? 4 : 8;
    long cp = hex_digits(p, at + 2, ndig);
    if (cp < 0) {
        perr(p, at, "truncated \\%c%.*s escape at column %zu", kind, ndig, "XXXXXXXX", ccol(p, at));
        return -1;
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        perr(p, at, "escape at column %zu is not a Unicode character the simulator can hold",
             ccol(p, at));
        return -1;
    }
    utf8_put(out, n, (uint32_t)cp);
    p->pos = at + 2 + (size_t)ndig;
    return 0;
}

/* One backslash escape at p->pos, as Python decodes it in a str literal;
 * an unknown escape keeps its backslash. */
static int lex_escape(parser *p, char *out, size_t *n)
{
    static const char simple[] = "\\\\''\"\"a\ab\bf\fn\nr\rt\tv\v";
    char c = p->s[p->pos + 1];
    for (const char *e = simple; *e; e += 2)
        if (c == e[0]) {
            out[(*n)++] = e[1];
            p->pos += 2;
            return 0;
        }
    if (c == '\n') {
        p->pos += 2;
        return 0;
    }
    if (c == 'x' || c == 'u' || c == 'U')
        return lex_hex_escape(p, out, n);
    if (c == 'N') {
        perr(p, p->pos, "\\N{...} escape at column %zu is not supported", ccol(p, p->pos));
        return -1;
    }
    if (c < '0' || c > '7') {
        out[(*n)++] = '\\';
        p->pos++;
        return 0;
    }
    uint32_t v = 0;
    for (int i = 0; i < 3 && p->pos + 1 < p->end && p->s[p->pos + 1] >= '0' && p->s[p->pos + 1] <= '7'; i++)
        v = v * 8 + (uint32_t)(p->s[++p->pos] - '0');
    p->pos++;
    utf8_put(out, n, v);
    return 0;
}

/* 'string' or "string" on one line. The decoded text is never longer than
 * its source, so it is written straight into a str of that size. */
static int lex_string(parser *p)
{
    size_t st = p->pos++;
    char quote = p->s[st];
    sim_str *str = sim_arena_alloc(p->A, sizeof(sim_str) + (p->end - p->pos) + 1);
    size_t n = 0;
    for (;;) {
        if (p->pos >= p->end || p->s[p->pos] == '\n' || p->s[p->pos] == '\r' ||
            (p->s[p->pos] == '\\' && p->pos + 1 >= p->end)) {
            perr(p, st, "unterminated string starting at column %zu", ccol(p, st));
            return -1;
        }
        if (p->s[p->pos] == quote)
            break;
        if (p->s[p->pos] != '\\')
            str->data[n++] = p->s[p->pos++];
        else if (lex_escape(p, str->data, &n) < 0)
            return -1;
    }
    p->pos++;
    str->len = (uint32_t)n;
    str->data[n] = 0;
    p->tok = (token){T_STR, st, p->pos - st, sim_str_value(str)};
    return 0;
}

/* Operators and punctuation: two-character ones first. Any other ASCII
 * punctuation becomes a token too, so that the parser can say what it
 * expected instead. */
static int lex_op(parser *p)
{
    static const char *const two[] = {"==", "!=", "<=", ">=", "//", "**"};
    const char *s = p->s + p->pos;
    unsigned char c = (unsigned char)s[0];
    size_t len = 1;
    for (size_t i = 0; i < sizeof two / sizeof two[0]; i++)
        if (p->pos + 1 < p->end && s[0] == two[i][0] && s[1] == two[i][1])
            len = 2;
    if (c <= 0x20 || c >= 0x7F) {
        size_t n = 1;
        while (c >= 0xC0 && p->pos + n < p->end && ((unsigned char)s[n] & 0xC0) == 0x80)
            n++;
        if (c < 0x20 || c == 0x7F)
            perr(p, p->pos, "unexpected character '\\x%02x' at column %zu", c, ccol(p, p->pos));
        else
            perr(p, p->pos, "unexpected character '%.*s' at column %zu", (int)n, s,
                 ccol(p, p->pos));
        return -1;
    }
    p->tok = (token){T_OP, p->pos, len, sim_none()};
    p->pos += len;
    return 0;
}

/* Read the next token into p->tok; -1 after an error. */
static int lex(parser *p)
{
    while (p->pos < p->end && is_space(p->s[p->pos]))
        p->pos++;
    p->tok = (token){T_END, p->pos, 0, sim_none()};
    if (p->pos >= p->end)
        return 0;
    char c = p->s[p->pos];
    if (is_digit(c) || (c == '.' && p->pos + 1 < p->end && is_digit(p->s[p->pos + 1])))
        return lex_number(p);
    if (c == '\'' || c == '"')
        return lex_string(p);
    size_t st = p->pos, len = sim_unicode_ident_len(p->s + st, p->end - st);
    if (!len)
        return lex_op(p);
    p->pos += len;
    p->tok = (token){T_NAME, st, len, sim_none()};
    return 0;
}

/* ---- parser ---------------------------------------------------------- */

static sim_expr *parse_expr(parser *p);
static sim_expr *parse_unary(parser *p);

/* A node over a (of height ha) and b (the tree built last, if any); keeps
 * track of the height, which must stay within MAX_HEIGHT. */
static sim_expr *mknode(parser *p, int kind, int op, size_t col, sim_expr *a, int ha,
                        sim_expr *b)
{
    int h = 1 + (b && p->height > ha ? p->height : ha);
    if (h > MAX_HEIGHT)
        return perr(p, col, "expression too complex at column %zu: more than %d levels of operations",
                    ccol(p, col), MAX_HEIGHT);
    sim_expr *e = sim_arena_zalloc(p->A, sizeof *e);
    e->kind = (uint8_t)kind;
    e->op = (uint8_t)op;
    e->col = (uint16_t)(col > 65535 ? 65535 : col);
    e->name.local = e->name.global = -1;
    e->a = a;
    e->b = b;
    p->height = h;
    return e;
}

/* Enter one more level of nesting at the current token, or fail. */
static int deeper(parser *p)
{
    if (++p->nest <= MAX_NEST)
        return 0;
    perr(p, p->tok.pos, "expression nested too deeply at column %zu (more than %d levels)",
         ccol(p, p->tok.pos), MAX_NEST);
    return -1;
}

/* "unexpected X at column N: expected 'close' to close 'open' at column M" */
static void *expect_close(parser *p, const char *close, const char *open, size_t col)
{
    char buf[48];
    return perr(p, p->tok.pos, "unexpected %s at column %zu: expected %s to close '%s' at column %zu",
                tok_desc(p, buf), ccol(p, p->tok.pos), close, open, ccol(p, col));
}

/* A constant atom: the current token's value or v. */
static sim_expr *const_atom(parser *p, sim_value v)
{
    sim_expr *e = mknode(p, SIM_E_CONST, 0, p->tok.pos, NULL, 0, NULL);
    if (!e || lex(p) < 0)
        return NULL;
    e->k = v;
    return e;
}

/* Adjacent string literals are one string, as in Python. */
static sim_expr *string_atom(parser *p)
{
    sim_expr *e = const_atom(p, p->tok.v);
    while (e && p->tok.kind == T_STR) {
        const sim_str *a = e->k.u.s, *b = p->tok.v.u.s;
        sim_str *s = sim_str_new(p->A, a->data, (size_t)a->len + b->len);
        memcpy(s->data + a->len, b->data, b->len);
        e->k = sim_str_value(s);
        if (lex(p) < 0)
            return NULL;
    }
    return e;
}

/* The builtins when there is no resolver: now, task_name, else a name
 * bound nowhere. */
static int default_resolve(void *ud, const char *id, sim_name *out)
{
    (void)ud;
    out->local = out->global = -1;
    return strcmp(id, "now") == 0 ? SIM_E_NOW
         : strcmp(id, "task_name") == 0 ? SIM_E_TASKNAME : SIM_E_NAME;
}

/* None, True, False, or an identifier the resolver places; other Python
 * keywords cannot start an operand. */
static sim_expr *name_atom(parser *p)
{
    size_t col = p->tok.pos;
    const char *t = p->s + col;
    if (tok_is(p, "None") || tok_is(p, "True") || tok_is(p, "False"))
        return const_atom(p, t[0] == 'N' ? sim_none() : sim_bool(t[0] == 'T'));
    if (tok_is_keyword(p))
        return perr(p, col, "unexpected keyword '%.*s' at column %zu: expected an operand",
                    (int)p->tok.len, t, ccol(p, col));
    char *id = sim_arena_strndup(p->A, t, p->tok.len);
    sim_name nm = {NULL, -1, -1};
    int kind = (p->resolve ? p->resolve : default_resolve)(p->ud, id, &nm);
    if (kind != SIM_E_NAME && kind != SIM_E_NOW && kind != SIM_E_TASKNAME)
        return perr(p, col, "name '%s' at column %zu cannot be used here", id, ccol(p, col));
    sim_expr *e = mknode(p, kind, 0, col, NULL, 0, NULL);
    if (!e || lex(p) < 0)
        return NULL;
    e->name = nm;
    if (!e->name.id)
        e->name.id = id;
    return e;
}

/* "(" expr ")" */
static sim_expr *paren_atom(parser *p)
{
    size_t col = p->tok.pos;
    if (lex(p) < 0)
        return NULL;
    sim_expr *e = parse_expr(p);
    if (e && !tok_is(p, ")"))
        return expect_close(p, "')'", "(", col);
    return e && lex(p) == 0 ? e : NULL;
}

/* "[" [expr ("," expr)* [","]] "]" */
static sim_expr *list_atom(parser *p)
{
    size_t col = p->tok.pos;
    int n = 0, cap = 4, h = 0;
    sim_expr **items = sim_arena_alloc(p->A, (size_t)cap * sizeof *items);
    if (lex(p) < 0)
        return NULL;
    while (!tok_is(p, "]")) {
        sim_expr *item = parse_expr(p);
        if (!item)
            return NULL;
        if (n == cap) {
            sim_expr **more = sim_arena_alloc(p->A, (size_t)(cap *= 2) * sizeof *items);
            items = memcpy(more, items, (size_t)n * sizeof *items);
        }
        items[n++] = item;
        h = p->height > h ? p->height : h;
        if (tok_is(p, ",")) {
            if (lex(p) < 0)
                return NULL;
        } else if (!tok_is(p, "]")) {
            return expect_close(p, "',' or ']'", "[", col);
        }
    }
    sim_expr *e = mknode(p, SIM_E_LIST, 0, col, NULL, h, NULL);
    if (!e || lex(p) < 0)
        return NULL;
    e->n = n;
    e->items = items;
    return e;
}

static sim_expr *parse_atom(parser *p)
{
    char buf[48];
    switch (p->tok.kind) {
    case T_NUM: return const_atom(p, p->tok.v);
    case T_STR: return string_atom(p);
    case T_NAME: return name_atom(p);
    case T_OP:
        if (tok_is(p, "("))
            return paren_atom(p);
        if (tok_is(p, "["))
            return list_atom(p);
        break;
    default: break;
    }
    return perr(p, p->tok.pos, "unexpected %s at column %zu: expected an operand",
                tok_desc(p, buf), ccol(p, p->tok.pos));
}

/* "." NAME */
static sim_expr *parse_attr(parser *p, sim_expr *a)
{
    char buf[48];
    size_t col = p->tok.pos;
    if (lex(p) < 0)
        return NULL;
    if (p->tok.kind != T_NAME || tok_is_keyword(p))
        return perr(p, p->tok.pos, "unexpected %s at column %zu: expected an attribute name after '.'",
                    tok_desc(p, buf), ccol(p, p->tok.pos));
    if (sim_pynames_attribute(p->s + p->tok.pos, p->tok.len))   /* args, upper, ... */
        return perr(p, p->tok.pos, "attribute '.%.*s' at column %zu is not supported: values "
                    "have .value (of a StopIteration) and the number attributes .real, .imag, "
                    ".numerator and .denominator", (int)p->tok.len, p->s + p->tok.pos,
                    ccol(p, p->tok.pos));
    sim_expr *e = mknode(p, SIM_E_ATTR, 0, col, a, p->height, NULL);
    if (!e)
        return NULL;
    e->attr = sim_arena_strndup(p->A, p->s + p->tok.pos, p->tok.len);
    return lex(p) == 0 ? e : NULL;
}

/* "[" expr "]" */
static sim_expr *parse_index(parser *p, sim_expr *a)
{
    size_t col = p->tok.pos;
    int ha = p->height;
    if (lex(p) < 0)
        return NULL;
    sim_expr *b = parse_expr(p);
    if (b && !tok_is(p, "]"))
        return expect_close(p, "']'", "[", col);
    if (!b || lex(p) < 0)
        return NULL;
    return mknode(p, SIM_E_INDEX, 0, col, a, ha, b);
}

/* post := atom ("." NAME | "[" expr "]")* */
static sim_expr *parse_post(parser *p)
{
    sim_expr *a = parse_atom(p);
    while (a && (tok_is(p, ".") || tok_is(p, "[")))
        a = tok_is(p, ".") ? parse_attr(p, a) : parse_index(p, a);
    return a;
}

/* unary := "-" unary | post. A negated number is folded into a constant. */
static sim_expr *parse_unary(parser *p)
{
    if (!tok_is(p, "-")) {
        sim_expr *a = parse_post(p);
        if (a && tok_is(p, "**"))
            return perr(p, p->tok.pos, "operator '**' at column %zu is not supported",
                        ccol(p, p->tok.pos));
        return a;
    }
    size_t col = p->tok.pos;
    if (deeper(p) < 0 || lex(p) < 0)
        return NULL;
    sim_expr *a = parse_unary(p);
    p->nest--;
    if (!a)
        return NULL;
    if (a->kind == SIM_E_CONST &&
        (a->k.type == SIM_FLOAT || a->k.type == SIM_INT || a->k.type == SIM_BIG)) {
        if (a->k.type == SIM_FLOAT)
            a->k.u.f = -a->k.u.f;
        else if (a->k.type == SIM_BIG || a->k.u.i == INT64_MIN)
            a->k = sim_bigint_neg(p->A, a->k);   /* -2**63 is an int, -(-2**63) not */
        else
            a->k.u.i = -a->k.u.i;
        a->col = (uint16_t)(col > 65535 ? 65535 : col);
        return a;
    }
    return mknode(p, SIM_E_NEG, 0, col, a, p->height, NULL);
}

/* A left-associative level: next (OP next)*, for the operators of ops. */
typedef struct binop {
    const char *text;
    uint8_t kind, op;
} binop;

static sim_expr *parse_chain(parser *p, sim_expr *(*next)(parser *), const binop *ops)
{
    sim_expr *a = next(p);
    while (a) {
        const binop *o = ops;
        while (o->text && !tok_is(p, o->text))
            o++;
        if (!o->text)
            break;
        size_t col = p->tok.pos;
        int ha = p->height;
        if (lex(p) < 0)
            return NULL;
        sim_expr *b = next(p);
        a = b ? mknode(p, o->kind, o->op, col, a, ha, b) : NULL;
    }
    return a;
}

static sim_expr *parse_term(parser *p)
{
    static const binop ops[] = {{"*", SIM_E_BIN, '*'}, {"/", SIM_E_BIN, '/'},
                                {"//", SIM_E_BIN, 'f'}, {"%", SIM_E_BIN, '%'}, {NULL, 0, 0}};
    return parse_chain(p, parse_unary, ops);
}

static sim_expr *parse_sum(parser *p)
{
    static const binop ops[] = {{"+", SIM_E_BIN, '+'}, {"-", SIM_E_BIN, '-'}, {NULL, 0, 0}};
    return parse_chain(p, parse_term, ops);
}

/* The comparison operator at the current token (SIM_CMP_*), or -1. */
static int cmp_op(const parser *p)
{
    static const char *const ops[] = {"==", "!=", "<", "<=", ">", ">="};
    for (int i = 0; i < 6; i++)
        if (tok_is(p, ops[i]))
            return i;
    return -1;
}

/* cmp := sum (CMPOP sum)?  -- one comparison: chains and 'in'/'is' are
 * refused with a message rather than misread. */
static sim_expr *parse_cmp(parser *p)
{
    sim_expr *a = parse_sum(p);
    if (a && (tok_is(p, "in") || tok_is(p, "is")))
        return perr(p, p->tok.pos, "operator '%.2s' at column %zu is not supported",
                    p->s + p->tok.pos, ccol(p, p->tok.pos));
    int op = a ? cmp_op(p) : -1;
    if (op < 0)
        return a;
    size_t col = p->tok.pos;
    int ha = p->height;
    if (lex(p) < 0)
        return NULL;
    sim_expr *b = parse_sum(p);
    if (b && cmp_op(p) >= 0)
        return perr(p, p->tok.pos, "chained comparison at column %zu is not supported: "
                    "write 'a < b and b < c'", ccol(p, p->tok.pos));
    return b ? mknode(p, SIM_E_CMP, op, col, a, ha, b) : NULL;
}

/* not := "not" not | cmp */
static sim_expr *parse_not(parser *p)
{
    if (!tok_is(p, "not"))
        return parse_cmp(p);
    size_t col = p->tok.pos;
    if (deeper(p) < 0 || lex(p) < 0)
        return NULL;
    sim_expr *a = parse_not(p);
    p->nest--;
    return a ? mknode(p, SIM_E_NOT, 0, col, a, p->height, NULL) : NULL;
}

static sim_expr *parse_and(parser *p)
{
    static const binop ops[] = {{"and", SIM_E_AND, 0}, {NULL, 0, 0}};
    return parse_chain(p, parse_not, ops);
}

/* expr := or. Every bracket comes back through here: one nesting level. */
static sim_expr *parse_expr(parser *p)
{
    static const binop ops[] = {{"or", SIM_E_OR, 0}, {NULL, 0, 0}};
    if (deeper(p) < 0)
        return NULL;
    sim_expr *e = parse_chain(p, parse_and, ops);
    p->nest--;
    return e;
}

/* The error for text left after a whole expression e, naming the Python
 * forms that end up here: a string prefix (r'..', f'..') and a template's
 * self-documenting {x=}. */
static sim_expr *trailing_text(parser *p, const sim_expr *e)
{
    char buf[48];
    size_t at = p->tok.pos;
    if (e->kind == SIM_E_NAME && p->tok.kind == T_STR && strlen(e->name.id) <= 2 &&
        strspn(e->name.id, "rRbBfFuU") == strlen(e->name.id))
        return perr(p, at - strlen(e->name.id), "string prefix '%s' at column %zu is not "
                    "supported: write a plain string literal", e->name.id,
                    ccol(p, at - strlen(e->name.id)));
    if (tok_is(p, "=") && at + 1 == p->end)
        return perr(p, at, "'=' at column %zu: the self-documenting form {x=} is not "
                    "supported; write x={x}", ccol(p, at));
    return perr(p, at, "unexpected text %s after the expression at column %zu",
                tok_desc(p, buf), ccol(p, at));
}

/* The text [p->pos, p->end) as one whole expression. */
static sim_expr *parse_all(parser *p)
{
    if (lex(p) < 0)
        return NULL;
    sim_expr *e = parse_expr(p);
    if (e && tok_is(p, "(") && e->kind == SIM_E_NAME)
        return perr(p, p->tok.pos, "'%s(...)' is a call: scenario expressions have no calls "
                    "(names, literals, operators, [index] and .value only)", e->name.id);
    if (e && p->tok.kind != T_END)
        return trailing_text(p, e);
    return e;
}

static parser parser_new(sim_arena *A, const char *text, size_t len, sim_resolve_fn resolve,
                         void *ud, int *errcol, char *errmsg, size_t errsz)
{
    parser p = {0};
    p.A = A;
    p.s = text;
    p.full = p.end = len;
    p.resolve = resolve;
    p.ud = ud;
    p.errcol = errcol;
    p.errmsg = errmsg;
    p.errsz = errsz;
    return p;
}

sim_expr *sim_expr_parse(sim_arena *A, const char *text, size_t len,
                         sim_resolve_fn resolve, void *ud,
                         int *errcol, char *errmsg, size_t errsz)
{
    parser p = parser_new(A, text, len, resolve, ud, errcol, errmsg, errsz);
    sim_expr *e = parse_all(&p);
    return p.failed ? NULL : e;
}

/* ---- templates ----------------------------------------------------------- */

/* End of the expression of a field that starts at i: the first '}', ':'
 * or '!' (but not '!=') outside brackets and string literals, as CPython
 * 3.11 scans f-strings; also a '}' that closes a '(' or '[', which leaves
 * the parser to report the bracket. len when there is none, with
 * *in_string set when a string literal was still open. */
static size_t field_end(const char *s, size_t i, size_t len, int *in_string)
{
    char open[MAX_NEST];
    int depth = 0;
    char quote = 0;
    for (; i < len; i++) {
        char c = s[i];
        if (quote) {
            if (c == '\\' && i + 1 < len)
                i++;
            else if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '(' || c == '[' || c == '{') {
            if (depth < MAX_NEST)
                open[depth] = c;
            depth++;
        } else if (depth > 0 && (c == ')' || c == ']' || c == '}')) {
            depth--;
            if (c == '}' && depth < MAX_NEST && open[depth] != '{')
                return i;
        } else if (depth == 0 && (c == '}' || c == ':' ||
                                  (c == '!' && (i + 1 >= len || s[i + 1] != '=')))) {
            return i;
        }
    }
    *in_string = quote != 0;
    return len;
}

/* The format spec of a field, s[at..close) after its ':': empty (str()) or
 * .Nf, the only ones the format allows. Sets *prec. */
static int field_spec(parser *p, size_t at, size_t close, int *prec)
{
    const char *s = p->s;
    size_t i = at + 1;
    *prec = -1;
    if (i == close)
        return 0;
    int n = 0;
    size_t d = i + 1;
    while (d < close && is_digit(s[d]) && n < 1000)
        n = n * 10 + (s[d++] - '0');
    if (s[i] != '.' || d == i + 1 || d + 1 != close || s[d] != 'f' || n > 999) {
        perr(p, at, "unsupported format spec '%.*s' at column %zu: expected ':.Nf' (e.g. ':.2f')",
             (int)(close - at), s + at, ccol(p, at));
        return -1;
    }
    *prec = n;
    return 0;
}

/* One field at s[open] == '{': its expression, parsed with columns of the
 * whole template, and its format spec. Sets *next past the closing '}'. */
static int tmpl_field(parser *p, size_t open, sim_tpart *part, size_t *next)
{
    const char *s = p->s;
    int in_string = 0;
    size_t start = open + 1, end = field_end(s, start, p->full, &in_string);
    size_t close = end;
    while (close < p->full && s[close] != '}')
        close++;
    size_t first = start;
    while (first < end && is_space(s[first]))
        first++;
    if (in_string) {
        p->pos = start;
        p->end = end;
        parse_all(p);   /* reports the unterminated string */
    }
    if (p->failed)
        return -1;
    if (close >= p->full)
        perr(p, open, "unclosed '{' at column %zu: expected '}'", ccol(p, open));
    else if (s[end] == '!')
        perr(p, end, "conversion at column %zu is not supported ('!r', '!s', '!a')", ccol(p, end));
    else if (first == end)
        perr(p, open, "empty expression in '{}' at column %zu", ccol(p, open));
    if (p->failed)
        return -1;
    p->pos = start;
    p->end = end;
    part->e = parse_all(p);
    if (!part->e || (s[end] == ':' && field_spec(p, end, close, &part->prec) < 0))
        return -1;
    if (s[end] != ':')
        part->prec = -1;
    *next = close + 1;
    return 0;
}

/* The literal text collected so far becomes a part of its own. */
static void tmpl_flush(parser *p, sim_buf *lit, sim_tmpl *t)
{
    if (lit->len == 0)
        return;
    sim_tpart *part = &t->parts[t->n++];
    part->lit = sim_arena_strndup(p->A, lit->p, lit->len);
    part->litlen = lit->len;
    part->e = NULL;
    part->prec = -1;
    lit->len = 0;
}

/* Walk the template: '{{' and '}}' are braces, '{' opens a field, a lone
 * '}' is an error (as in CPython: "f-string: single '}' is not allowed"). */
static int tmpl_walk(parser *p, sim_tmpl *t)
{
    sim_buf lit = {0};
    size_t i = 0;
    int rc = 0;
    while (rc == 0 && i < p->full) {
        char c = p->s[i];
        int twice = i + 1 < p->full && p->s[i + 1] == c;
        if ((c == '{' || c == '}') && twice) {
            sim_buf_putc(&lit, c);
            i += 2;
        } else if (c == '}') {
            perr(p, i, "single '}' is not allowed at column %zu (write '}}' for a brace)",
                 ccol(p, i));
            rc = -1;
        } else if (c == '{') {
            tmpl_flush(p, &lit, t);
            rc = tmpl_field(p, i, &t->parts[t->n], &i);
            t->n += rc == 0;
        } else {
            sim_buf_putc(&lit, c);
            i++;
        }
    }
    tmpl_flush(p, &lit, t);
    sim_buf_free(&lit);
    return rc;
}

sim_tmpl *sim_tmpl_parse(sim_arena *A, const char *text, size_t len,
                         sim_resolve_fn resolve, void *ud,
                         int *errcol, char *errmsg, size_t errsz)
{
    parser p = parser_new(A, text, len, resolve, ud, errcol, errmsg, errsz);
    size_t fields = 0;
    for (size_t i = 0; i < len; i++)
        fields += text[i] == '{';
    sim_tmpl *t = sim_arena_zalloc(A, sizeof *t);
    t->parts = sim_arena_zalloc(A, (2 * fields + 1) * sizeof *t->parts);
    if (tmpl_walk(&p, t) < 0 || p.failed)
        return NULL;
    return t;
}

/* ---- evaluation ---------------------------------------------------------- */

/* Store e in *exc and return -1. */
static int throw_exc(sim_exc **exc, sim_exc *e)
{
    *exc = e;
    return -1;
}

/* Python's lookup (see sim_name in ast.h): a local slot hides the global
 * one even while unbound; the builtins come last. */
static int eval_name(const sim_name *n, const sim_env *env, sim_value *out, sim_exc **exc)
{
    if (n->local >= 0 && env->locals) {
        *out = env->locals[n->local];
        if (out->type != SIM_UNBOUND)
            return 0;
        return throw_exc(exc, sim_exc_newf(env->arena, SIM_EXC_UNBOUNDLOCALERROR,
                     "cannot access local variable '%s' where it is not associated with a value",
                     n->id));
    }
    if (n->global >= 0 && env->globals && env->globals[n->global].type != SIM_UNBOUND) {
        *out = env->globals[n->global];
        return 0;
    }
    if (strcmp(n->id, "now") == 0 || strcmp(n->id, "task_name") == 0) {
        *out = n->id[0] == 'n' ? sim_float(env->now)
             : env->task_name.type == SIM_UNBOUND ? sim_none() : env->task_name;
        return 0;
    }
    return throw_exc(exc, sim_exc_newf(env->arena, SIM_EXC_NAMEERROR,
                 "name '%s' is not defined", n->id));
}

static int eval_list(const sim_expr *e, const sim_env *env, sim_value *out, sim_exc **exc)
{
    sim_list *l = sim_list_new(env->arena, (uint32_t)e->n);
    for (int i = 0; i < e->n; i++)
        if (sim_expr_eval(e->items[i], env, &l->items[l->len++], exc) < 0)
            return -1;
    *out = sim_list_value(l);
    return 0;
}

/* and / or return the operand that decided, not a bool; not gives a bool. */
static int eval_logic(const sim_expr *e, const sim_env *env, sim_value *out, sim_exc **exc)
{
    if (sim_expr_eval(e->a, env, out, exc) < 0)
        return -1;
    int t = sim_value_truthy(*out);
    if (e->kind == SIM_E_NOT)
        *out = sim_bool(!t);
    else if (e->kind == SIM_E_AND ? t : !t)
        return sim_expr_eval(e->b, env, out, exc);
    return 0;
}

/* - a, a op b, a cmp b: value.c does the work. */
static int eval_arith(const sim_expr *e, const sim_env *env, sim_value *out, sim_exc **exc)
{
    sim_value a, b;
    if (sim_expr_eval(e->a, env, &a, exc) < 0)
        return -1;
    if (e->kind == SIM_E_NEG)
        return sim_value_neg(env->arena, env->types, a, out, exc);
    if (sim_expr_eval(e->b, env, &b, exc) < 0)
        return -1;
    if (e->kind == SIM_E_CMP)
        return sim_value_compare(env->arena, env->types, e->op, a, b, out, exc);
    return sim_value_binop(env->arena, env->types, e->op, a, b, out, exc);
}

/* Only StopIteration's .value exists; every other attribute is missing. */
/* The data attributes of numbers: real, imag, numerator and denominator
 * of an int or bool (True.real is the int 1), real and imag of a float.
 * Returns 0 when a has no such attribute. */
static int number_attr(sim_value a, const char *attr, sim_value *out)
{
    int isint = a.type == SIM_INT || a.type == SIM_BIG || a.type == SIM_BOOL;
    if (isint && (!strcmp(attr, "real") || !strcmp(attr, "numerator")))
        *out = a.type == SIM_BOOL ? sim_int(a.u.b) : a;
    else if (isint && (!strcmp(attr, "imag") || !strcmp(attr, "denominator")))
        *out = sim_int(attr[0] == 'd');
    else if (a.type == SIM_FLOAT && (!strcmp(attr, "real") || !strcmp(attr, "imag")))
        *out = attr[0] == 'r' ? a : sim_float(0.0);
    else
        return 0;
    return 1;
}

static int eval_attr(const sim_expr *e, const sim_env *env, sim_value *out, sim_exc **exc)
{
    sim_value a;
    if (sim_expr_eval(e->a, env, &a, exc) < 0)
        return -1;
    if (a.type == SIM_EXC && strcmp(e->attr, "value") == 0 &&
        sim_exctypes_is(env->types, a.u.e->type, SIM_EXC_STOPITERATION)) {
        *out = a.u.e->value;
        return 0;
    }
    if (number_attr(a, e->attr, out))
        return 0;
    return throw_exc(exc, sim_exc_newf(env->arena, SIM_EXC_ATTRIBUTEERROR,
                 "'%s' object has no attribute '%s'",
                 sim_value_typename(env->types, a), e->attr));
}

/* s[i]: the i-th code point of s (a UTF-8 lead byte starts each one). */
static int str_index(const sim_env *env, const sim_str *s, int64_t i, sim_value *out,
                     sim_exc **exc)
{
    int64_t n = (int64_t)sim_unicode_count(s->data, s->len);
    if (i < 0)
        i += n;
    if (i < 0 || i >= n)
        return throw_exc(exc, sim_exc_new(env->arena, SIM_EXC_INDEXERROR,
                                           "string index out of range"));
    uint32_t at = 0, end;
    for (int64_t c = -1; at < s->len; at++)
        if (((unsigned char)s->data[at] & 0xC0) != 0x80 && ++c == i)
            break;
    for (end = at + 1; end < s->len && ((unsigned char)s->data[end] & 0xC0) == 0x80; end++)
        ;
    *out = sim_str_value(sim_str_new(env->arena, s->data + at, end - at));
    return 0;
}

/* a[b] for lists and strs, with CPython's messages for the rest. */
static int eval_index(const sim_expr *e, const sim_env *env, sim_value *out, sim_exc **exc)
{
    sim_value a, b;
    if (sim_expr_eval(e->a, env, &a, exc) < 0 || sim_expr_eval(e->b, env, &b, exc) < 0)
        return -1;
    const char *bt = sim_value_typename(env->types, b);
    if (b.type == SIM_BIG && (a.type == SIM_STR || a.type == SIM_LIST))
        return throw_exc(exc, sim_exc_new(env->arena, SIM_EXC_INDEXERROR,
                                           "cannot fit 'int' into an index-sized integer"));
    int isint = b.type == SIM_INT || b.type == SIM_BOOL;
    int64_t i = b.type == SIM_INT ? b.u.i : b.type == SIM_BOOL ? b.u.b != 0 : 0;
    if (a.type == SIM_STR && isint)
        return str_index(env, a.u.s, i, out, exc);
    if (a.type == SIM_STR)
        return throw_exc(exc, sim_exc_newf(env->arena, SIM_EXC_TYPEERROR,
                     "string indices must be integers, not '%s'", bt));
    if (a.type != SIM_LIST)
        return throw_exc(exc, sim_exc_newf(env->arena, SIM_EXC_TYPEERROR,
                     "'%s' object is not subscriptable", sim_value_typename(env->types, a)));
    if (!isint)
        return throw_exc(exc, sim_exc_newf(env->arena, SIM_EXC_TYPEERROR,
                     "list indices must be integers or slices, not %s", bt));
    if (i < 0)
        i += a.u.l->len;
    if (i < 0 || i >= a.u.l->len)
        return throw_exc(exc, sim_exc_new(env->arena, SIM_EXC_INDEXERROR,
                                           "list index out of range"));
    *out = a.u.l->items[i];
    return 0;
}

int sim_expr_eval(const sim_expr *e, const sim_env *env, sim_value *out,
                  sim_exc **exc)
{
    switch (e->kind) {
    case SIM_E_CONST:
        *out = e->k;
        return 0;
    case SIM_E_NAME: return eval_name(&e->name, env, out, exc);
    case SIM_E_NOW:
        *out = sim_float(env->now);
        return 0;
    case SIM_E_TASKNAME:
        *out = env->task_name.type == SIM_UNBOUND ? sim_none() : env->task_name;
        return 0;
    case SIM_E_LIST: return eval_list(e, env, out, exc);
    case SIM_E_NOT:
    case SIM_E_AND:
    case SIM_E_OR: return eval_logic(e, env, out, exc);
    case SIM_E_ATTR: return eval_attr(e, env, out, exc);
    case SIM_E_INDEX: return eval_index(e, env, out, exc);
    default: return eval_arith(e, env, out, exc);
    }
}

/* format(v, '.Nf'): numbers in fixed notation, correctly rounded like
 * CPython (glibc's printf is exact); str and the rest refuse the code. */
static int format_fixed(const sim_env *env, sim_value v, int prec, sim_buf *out,
                        sim_exc **exc)
{
    if (v.type == SIM_STR)
        return throw_exc(exc, sim_exc_new(env->arena, SIM_EXC_VALUEERROR,
                     "Unknown format code 'f' for object of type 'str'"));
    if (v.type != SIM_INT && v.type != SIM_BOOL && v.type != SIM_FLOAT && v.type != SIM_BIG)
        return throw_exc(exc, sim_exc_newf(env->arena, SIM_EXC_TYPEERROR,
                     "unsupported format string passed to %s.__format__",
                     sim_value_typename(env->types, v)));
    double d = v.type == SIM_FLOAT ? v.u.f : v.type == SIM_INT ? (double)v.u.i : v.u.b != 0;
    if (v.type == SIM_BIG && sim_bigint_to_double(env->arena, v, &d, exc) < 0)
        return -1;
    if (isnan(d))
        sim_buf_puts(out, "nan");
    else
        sim_buf_printf(out, "%.*f", prec, d);
    return 0;
}

/* {expr}: str(v); a list nested deeper than str() walks is CPython's
 * RecursionError, an int of more than 4300 digits its ValueError. */
static int format_str(const sim_env *env, sim_value v, sim_buf *out, sim_exc **exc)
{
    if (sim_value_too_deep(v))
        return throw_exc(exc, sim_exc_new(env->arena, SIM_EXC_RECURSIONERROR,
                     "maximum recursion depth exceeded while getting the repr of an object"));
    if (sim_value_check_int_str(env->arena, v, exc) < 0)
        return -1;
    sim_value_str(out, env->types, v);
    return 0;
}

/* On an exception, out is left as it was: Python prints nothing then. */
int sim_tmpl_format(const sim_tmpl *t, const sim_env *env, sim_buf *out,
                    sim_exc **exc)
{
    size_t mark = out->len;
    for (int i = 0; i < t->n; i++) {
        const sim_tpart *part = &t->parts[i];
        sim_value v;
        if (part->lit) {
            sim_buf_put(out, part->lit, part->litlen);
            continue;
        }
        if (sim_expr_eval(part->e, env, &v, exc) < 0 ||
            (part->prec >= 0 ? format_fixed(env, v, part->prec, out, exc)
                             : format_str(env, v, out, exc)) < 0) {
            out->len = mark;
            if (out->p)
                out->p[mark] = 0;
            return -1;
        }
    }
    return 0;
}
