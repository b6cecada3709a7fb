/*
 * jsonpos.c -- see jsonpos.h. A recursive descent over the text that keeps
 * the line and column of its cursor up to date byte by byte, so positions
 * cost nothing extra even when a whole file sits on one line.
 */
#include "jsonpos.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The scanner's cursor. m and err are borrowed from the caller. */
typedef struct scan {
    const unsigned char *s;
    size_t i, n;
    int line, col;
    int depth;
    int failed;
    sim_jposmap *m;
    sim_jpos_error *err;
} scan;

static int value(scan *S, int kline, int kcol);

/* Bytes of the UTF-8 sequence that starts with lead byte c (1 for a
 * stray continuation byte, so callers always make progress). */
static size_t utf8_len(unsigned char c)
{
    if (c >= 0xF0)
        return 4;
    if (c >= 0xE0)
        return 3;
    if (c >= 0xC0)
        return 2;
    return 1;
}

/* Consume one byte: a newline starts a new line, every byte that is not
 * a UTF-8 continuation byte moves one column on. */
static void adv(scan *S)
{
    unsigned char c = S->s[S->i++];
    if (c == '\n') {
        S->line++;
        S->col = 1;
    } else if ((c & 0xC0) != 0x80) {
        S->col++;
    }
}

/* The byte under the cursor, or -1 at the end of the text. */
static int peek(const scan *S)
{
    return S->i < S->n ? S->s[S->i] : -1;
}

/* Describe what is under the cursor for a message: "'x'", "the end of the
 * text", "control character U+0001" (a single quote as "'"). */
static void describe(const scan *S, char *buf, size_t sz)
{
    int c = peek(S);
    if (c < 0)
        snprintf(buf, sz, "the end of the text");
    else if (c < 0x20 || c == 0x7f)
        snprintf(buf, sz, "control character U+%04X", (unsigned)c);
    else if (c == '\'')
        snprintf(buf, sz, "\"'\"");
    else if (c == 0xEF && S->i + 2 < S->n && S->s[S->i + 1] == 0xBB && S->s[S->i + 2] == 0xBF)
        snprintf(buf, sz, "U+FEFF (a byte-order mark)");     /* invisible when quoted */
    else
        snprintf(buf, sz, "'%.*s'", (int)utf8_len((unsigned char)c),
                 (const char *)S->s + S->i);
}

/* Record the first syntax error at line/col (later ones are echoes of it)
 * and return -1 so callers can write `return fail(...)`. */
static int fail_at(scan *S, size_t off, int line, int col, const char *fmt, ...)
{
    if (!S->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(S->err->msg, sizeof S->err->msg, fmt, ap);
        va_end(ap);
        S->err->off = off;
        S->err->line = line;
        S->err->col = col;
        S->failed = 1;
    }
    return -1;
}

#define FAIL(S, ...) fail_at((S), (S)->i, (S)->line, (S)->col, __VA_ARGS__)

/* Skip the whitespace JSON allows (space, tab, CR, LF); any other control
 * character between tokens is an error. */
static int skip_ws(scan *S)
{
    for (;;) {
        int c = peek(S);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            adv(S);
        else if (c >= 0 && c < 0x20)
            return FAIL(S, "control character U+%04X between tokens; only "
                           "spaces, tabs and line breaks may separate them",
                        (unsigned)c);
        else if (c == '/' && S->i + 1 < S->n && (S->s[S->i + 1] == '/' || S->s[S->i + 1] == '*'))
            return FAIL(S, "JSON has no comments; use a key beginning with '_' instead, "
                           "such as \"_comment\": \"...\"");
        else
            return 0;
    }
}

/* Append the position of the value under the cursor; returns its index. */
static size_t push(scan *S, int kline, int kcol)
{
    sim_jposmap *m = S->m;
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 256;
        sim_jpos *v = realloc(m->v, cap * sizeof *v);
        if (!v) {
            fprintf(stderr, "coroscope: out of memory\n");
            abort();
        }
        m->v = v;
        m->cap = cap;
    }
    sim_jpos *p = &m->v[m->n];
    p->off = (uint32_t)S->i;
    p->len = 0;
    p->line = S->line;
    p->col = S->col;
    p->kline = kline;
    p->kcol = kcol;
    return m->n++;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Read the XXXX of a \uXXXX escape (cursor on the 'u'); returns the code
 * unit or -1 after reporting. */
static long hex4(scan *S)
{
    adv(S);
    long v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(peek(S));
        if (h < 0)
            return FAIL(S, "\\u escape needs 4 hex digits (0-9, a-f)");
        v = v * 16 + h;
        adv(S);
    }
    return v;
}

/* One escape sequence (cursor on the backslash). A high surrogate must be
 * followed by a low one, as cJSON requires; \u0000 is refused because
 * cJSON would silently cut the string there. */
static int escape(scan *S)
{
    size_t at = S->i;
    int line = S->line, col = S->col;
    adv(S);
    int c = peek(S);
    if (c > 0 && strchr("\"\\/bfnrt", c)) {
        adv(S);
        return 0;
    }
    if (c != 'u')
        return FAIL(S, "invalid escape in a string; expected one of \\\" \\\\ "
                       "\\/ \\b \\f \\n \\r \\t \\uXXXX");
    long u = hex4(S);
    if (u < 0)
        return -1;
    if (u == 0) {
        S->err->valid = !S->failed;
        return fail_at(S, at, line, col, "\\u0000 (a NUL character) in a string is valid JSON, "
                                         "but scenario strings cannot hold it: remove it");
    }
    if (u >= 0xDC00 && u <= 0xDFFF)
        return fail_at(S, at, line, col, "unpaired surrogate \\u%04lX in a string", u);
    if (u < 0xD800 || u > 0xDBFF)
        return 0;
    if (peek(S) != '\\' || S->i + 1 >= S->n || S->s[S->i + 1] != 'u')
        return fail_at(S, at, line, col, "unpaired surrogate \\u%04lX in a string", u);
    adv(S);
    long lo = hex4(S);
    if (lo >= 0 && (lo < 0xDC00 || lo > 0xDFFF))
        return fail_at(S, at, line, col, "unpaired surrogate \\u%04lX in a string", u);
    return lo < 0 ? -1 : 0;
}

/* A string (cursor on the opening quote). Raw control characters are not
 * allowed inside: a line break there usually means a missing quote. */
static int string(scan *S)
{
    size_t at = S->i;
    int line = S->line, col = S->col;
    adv(S);
    for (;;) {
        int c = peek(S);
        if (c < 0)
            return fail_at(S, at, line, col,
                           "string never closed; expected '\"' before the end of the text");
        if (c == '"') {
            adv(S);
            return 0;
        }
        if (c == '\n')
            return FAIL(S, "line break inside a string; close it with '\"' "
                           "on the same line or write \\n");
        if (c < 0x20)
            return FAIL(S, "control character U+%04X inside a string; write it "
                           "as an escape such as \\t or \\u%04X", (unsigned)c, (unsigned)c);
        if (c == '\\') {
            if (escape(S) < 0)
                return -1;
        } else {
            adv(S);
        }
    }
}

/* Skip the digits 0-9 under the cursor; returns how many. */
static int digits(scan *S)
{
    int k = 0;
    while (peek(S) >= '0' && peek(S) <= '9') {
        adv(S);
        k++;
    }
    return k;
}

/* A number, by JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int number(scan *S)
{
    if (peek(S) == '-')
        adv(S);
    if (peek(S) == '0') {
        adv(S);
        if (peek(S) >= '0' && peek(S) <= '9')
            return FAIL(S, "leading zeros are not allowed in a JSON number");
    } else if (digits(S) == 0) {
        return FAIL(S, "expected a digit after '-'");
    }
    if (peek(S) == '.') {
        adv(S);
        if (digits(S) == 0)
            return FAIL(S, "expected a digit after the decimal point");
    }
    if (peek(S) == 'e' || peek(S) == 'E') {
        adv(S);
        if (peek(S) == '+' || peek(S) == '-')
            adv(S);
        if (digits(S) == 0)
            return FAIL(S, "expected a digit in the exponent");
    }
    return 0;
}

static int is_word(int c)
{
    return c == '_' || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* A bare word where a value belongs: true, false, null, or an error that
 * recognises Python's spellings. */
static int literal(scan *S)
{
    size_t at = S->i;
    int line = S->line, col = S->col;
    while (is_word(peek(S)))
        adv(S);
    size_t k = S->i - at;
    const char *w = (const char *)S->s + at;
    if ((k == 4 && !memcmp(w, "true", 4)) || (k == 5 && !memcmp(w, "false", 5)) ||
        (k == 4 && !memcmp(w, "null", 4)))
        return 0;
    const char *hint = "";
    if (k == 4 && !memcmp(w, "True", 4))
        hint = " (did you mean 'true'?)";
    else if (k == 5 && !memcmp(w, "False", 5))
        hint = " (did you mean 'false'?)";
    else if ((k == 4 && !memcmp(w, "None", 4)) || (k == 4 && !memcmp(w, "Null", 4)))
        hint = " (did you mean 'null'?)";
    else if (k > 0)
        hint = "; words other than true, false and null must be in double quotes";
    if (k > 40)
        k = 40;
    return fail_at(S, at, line, col, "unexpected '%.*s'; expected a value%s",
                   (int)(k ? k : 1), w, hint);
}

/* What to say when a value was expected but the cursor holds c. */
static int bad_value(scan *S, int c)
{
    char what[48];
    describe(S, what, sizeof what);
    if (c == '\'')
        return FAIL(S, "JSON strings use double quotes (\"), not single quotes");
    if (c == '/')
        return FAIL(S, "JSON has no comments; use a key beginning with '_' instead");
    return FAIL(S, "expected a value (object, list, string, number, true, "
                   "false or null), found %s", what);
}

/* One member of an object, "key": value (cursor on the key); the value
 * remembers where its key was. */
static int member(scan *S)
{
    char what[48];
    int kline = S->line, kcol = S->col;
    if (peek(S) != '"') {
        describe(S, what, sizeof what);
        if (peek(S) == '\'')
            return FAIL(S, "JSON keys use double quotes (\"), not single quotes");
        return FAIL(S, peek(S) == '}' ? "trailing comma before '}'; remove the comma"
                                      : "expected a key in double quotes, found %s",
                    what);
    }
    if (string(S) < 0 || skip_ws(S) < 0)
        return -1;
    if (peek(S) != ':') {
        describe(S, what, sizeof what);
        return FAIL(S, "expected ':' after the key, found %s", what);
    }
    adv(S);
    return skip_ws(S) < 0 ? -1 : value(S, kline, kcol);
}

/* The members of an object (cursor on '{'), separated by commas. */
static int object(scan *S)
{
    adv(S);
    if (skip_ws(S) < 0)
        return -1;
    if (peek(S) == '}') {
        adv(S);
        return 0;
    }
    for (;;) {
        if (member(S) < 0 || skip_ws(S) < 0)
            return -1;
        int c = peek(S);
        if (c == '}') {
            adv(S);
            return 0;
        }
        if (c != ',') {
            char what[48];
            describe(S, what, sizeof what);
            return FAIL(S, "expected ',' or '}' after an object member, found %s%s", what,
                        c == '"' ? " (missing comma?)" : "");
        }
        adv(S);
        if (skip_ws(S) < 0)
            return -1;
    }
}

/* The items of a list (cursor on '['), separated by commas. */
static int array(scan *S)
{
    adv(S);
    if (skip_ws(S) < 0)
        return -1;
    if (peek(S) == ']') {
        adv(S);
        return 0;
    }
    for (;;) {
        if (peek(S) == ']')
            return FAIL(S, "trailing comma before ']'; remove the comma");
        if (value(S, 0, 0) < 0 || skip_ws(S) < 0)
            return -1;
        int c = peek(S);
        if (c == ',') {
            adv(S);
            if (skip_ws(S) < 0)
                return -1;
            continue;
        }
        if (c == ']') {
            adv(S);
            return 0;
        }
        char what[48];
        describe(S, what, sizeof what);
        return FAIL(S, "expected ',' or ']' after a list item, found %s%s", what,
                    (c == '"' || c == '{' || c == '[') ? " (missing comma?)" : "");
    }
}

/* One value (cursor on its first byte): record its position, scan it,
 * then record its length. */
static int value(scan *S, int kline, int kcol)
{
    int c = peek(S), rc;
    if (c == '{' || c == '[') {
        if (S->depth >= SIM_JPOS_MAX_DEPTH)
            return FAIL(S, "lists and objects nested deeper than %d levels",
                        SIM_JPOS_MAX_DEPTH);
    } else if (!(c == '"' || c == '-' || (c >= '0' && c <= '9') ||
                 (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
        return bad_value(S, c);
    }
    size_t k = push(S, kline, kcol);
    S->depth++;
    if (c == '{')
        rc = object(S);
    else if (c == '[')
        rc = array(S);
    else if (c == '"')
        rc = string(S);
    else if (c == '-' || (c >= '0' && c <= '9'))
        rc = number(S);
    else
        rc = literal(S);
    S->depth--;
    S->m->v[k].len = (uint32_t)(S->i - S->m->v[k].off);
    return rc;
}

int sim_jpos_scan(const char *text, size_t len, sim_jposmap *m, sim_jpos_error *err)
{
    scan S = {(const unsigned char *)text, 0, len, 1, 1, 0, 0, m, err};
    err->valid = 0;
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
        S.i = 3;
    if (skip_ws(&S) < 0)
        return -1;
    if (peek(&S) < 0)
        return FAIL(&S, "the text is empty; expected a JSON object");
    if (value(&S, 0, 0) < 0 || skip_ws(&S) < 0)
        return -1;
    if (peek(&S) >= 0) {
        char what[48];
        describe(&S, what, sizeof what);
        return FAIL(&S, "unexpected %s after the end of the top-level value; "
                        "expected the end of the text", what);
    }
    return 0;
}

void sim_jpos_free(sim_jposmap *m)
{
    free(m->v);
    m->v = NULL;
    m->n = m->cap = 0;
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when it is not one
 * (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t utf8_valid(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t k = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                                          : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (k == 0 || k > n)
        return 0;
    for (size_t j = 1; j < k; j++)
        if ((s[j] & 0xC0) != 0x80)
            return 0;
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) ||
        (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
        return 0;
    return k;
}

int sim_jpos_check_utf8(const char *text, size_t len, sim_jpos_error *err)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        size_t k = s[i] ? utf8_valid(s + i, len - i) : 0;
        if (k) {
            i += k;
            continue;
        }
        err->off = i;
        sim_jpos_linecol(text, i, &err->line, &err->col);
        if (s[i] == 0)
            snprintf(err->msg, sizeof err->msg, "NUL byte in the text");
        else
            snprintf(err->msg, sizeof err->msg, "invalid UTF-8 byte 0x%02x", s[i]);
        return -1;
    }
    return 0;
}

void sim_jpos_linecol(const char *text, size_t off, int *line, int *col)
{
    size_t i = off >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
    int l = 1, c = 1;
    for (; i < off; i++) {
        unsigned char b = (unsigned char)text[i];
        if (b == '\n') {
            l++;
            c = 1;
        } else if ((b & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* Bytes that UTF-8 needs for code point cp. */
static size_t cp_bytes(long cp)
{
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* At raw string text r (inside the quotes, r < end): how many raw bytes
 * the next character takes (*raw) and how many bytes it decodes to. */
static size_t next_char(const unsigned char *r, const unsigned char *end, size_t *raw)
{
    if (r[0] != '\\') {
        *raw = utf8_len(r[0]);
        return *raw;
    }
    if (end - r < 6 || r[1] != 'u') {
        *raw = 2;
        return 1;
    }
    long u = 0;
    for (int j = 2; j < 6; j++)
        u = u * 16 + hexval(r[j]);
    if (u >= 0xD800 && u <= 0xDBFF && end - r >= 12) {
        *raw = 12;
        return 4;
    }
    *raw = 6;
    return cp_bytes(u);
}

int sim_jpos_strcol(const char *text, const sim_jpos *p, size_t k)
{
    const unsigned char *r = (const unsigned char *)text + p->off + 1;
    const unsigned char *end = (const unsigned char *)text + p->off + p->len - 1;
    int col = p->col + 1;
    size_t done = 0;
    while (r < end) {
        size_t raw, dec = next_char(r, end, &raw);
        if (done + dec > k)
            break;
        /* an escape is several characters of the text, all ASCII */
        col += r[0] == '\\' ? (int)raw : 1;
        done += dec;
        r += raw;
    }
    return col;
}
