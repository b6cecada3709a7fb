/*
 * answer.c -- a student's predicted transcript, read and checked: UTF-8
 * text, one printed line per line, optionally prefixed by its virtual
 * time. The rules are in docs/FORMAT-EXTENSIONS.md ("Answer files").
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade.h"

/* Largest answer file accepted: far beyond any transcript a student types. */
#define ANSWER_MAX_BYTES (16u << 20)

/* Read all of path into a malloc'ed buffer (*len bytes, NUL-terminated).
 * NULL with err set when it cannot be read or is too large. */
static char *answer_slurp(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n > ANSWER_MAX_BYTES)
            break;
        if (n == cap) {
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    int failed = ferror(fp);
    fclose(fp);
    if (!buf || failed || n > ANSWER_MAX_BYTES) {
        snprintf(err, errlen, "%s: %s", path,
                 !buf ? "out of memory" : failed ? "read error (is it a directory?)"
                                                : "larger than 16 MiB: not a transcript");
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 when the
 * bytes there are not UTF-8 (overlong forms and surrogates included). */
static int answer_utf8_len(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80)
        return 1;
    int len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (len == 0 || s[0] > 0xF4 || (size_t)len > n)
        return 0;
    for (int i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if (len == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0)))
        return 0;
    if (len == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90)))
        return 0;
    return len;
}

/* Check the whole text: no NUL byte, valid UTF-8. On failure err gets
 * "FILE:LINE:COL: ..." (column in bytes, 1-based) and -1 is returned. */
static int answer_check_text(const char *path, const char *buf, size_t len,
                             char *err, size_t errlen)
{
    int line = 1;
    size_t bol = 0;
    for (size_t i = 0; i < len;) {
        const unsigned char *s = (const unsigned char *)buf + i;
        int col = (int)(i - bol) + 1;
        if (s[0] == 0) {
            snprintf(err, errlen, "%s:%d:%d: a NUL byte: this is a binary file, not a "
                     "transcript (expected UTF-8 text, one printed line per line)",
                     path, line, col);
            return -1;
        }
        int k = answer_utf8_len(s, len - i);
        if (k == 0) {
            snprintf(err, errlen, "%s:%d:%d: byte 0x%02X is not valid UTF-8 (save the "
                     "file as UTF-8 text)", path, line, col, s[0]);
            return -1;
        }
        if (s[0] == '\n' || (s[0] == '\r' && (i + 1 >= len || s[1] != '\n'))) {
            line++;
            bol = i + 1;
        }
        i += (size_t)k;
    }
    return 0;
}

/* Strip spaces, tabs and carriage returns from both ends of s[0..*n);
 * returns the new start. */
static char *answer_trim(char *s, size_t *n)
{
    while (*n && (*s == ' ' || *s == '\t' || *s == '\r')) {
        s++;
        (*n)--;
    }
    while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t' || s[*n - 1] == '\r'))
        (*n)--;
    return s;
}

/* Append one kept line (text s[0..n), line number) to a. */
static void answer_push(grade_answer *a, const char *s, size_t n, int lineno)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 64;
        a->line = realloc(a->line, (size_t)a->cap * sizeof *a->line);
        if (!a->line)
            abort();
    }
    grade_line *l = &a->line[a->n++];
    memset(l, 0, sizeof *l);
    l->raw = malloc(n + 1);
    if (!l->raw)
        abort();
    memcpy(l->raw, s, n);
    l->raw[n] = '\0';
    l->lineno = lineno;
}

/* The end of the line that starts at p: its LF, the CR of a CRLF, or a
 * CR alone (old Mac files), as Python's universal newlines read them. */
static char *answer_line_end(char *p, char *end)
{
    while (p < end && *p != '\n' && *p != '\r')
        p++;
    return p;
}

/* A Markdown code fence: three or more backticks, maybe an info word
 * ("```text"), as around the transcript pasted from answer.md. */
static int answer_is_fence(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] == '`')
        i++;
    if (i < 3)
        return 0;
    while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_'))
        i++;
    return i == n;
}

/* Split buf into lines (LF, CRLF or CR), dropping blank lines, comments
 * and code fences; wide spaces are made spaces first. */
static void answer_split(grade_answer *a, char *buf, size_t len)
{
    int lineno = 1;
    char *p = buf, *end = buf + len;
    if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        p += 3;                               /* a UTF-8 byte-order mark */
    while (p < end) {
        char *nl = answer_line_end(p, end);
        size_t n = grade_fold_spaces(p, (size_t)(nl - p));
        char *s = answer_trim(p, &n);
        if (n && s[0] != '#' && !answer_is_fence(s, n))
            answer_push(a, s, n, lineno);
        lineno++;
        p = nl < end && *nl == '\r' && nl + 1 < end && nl[1] == '\n' ? nl + 2 : nl + 1;
    }
}

int answer_read(const char *path, grade_answer *a, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    size_t len;
    char *buf = answer_slurp(path, &len, err, errlen);
    if (!buf)
        return -1;
    int rc = answer_check_text(path, buf, len, err, errlen);
    if (rc == 0)
        answer_split(a, buf, len);
    free(buf);
    return rc;
}

void answer_free(grade_answer *a)
{
    for (int i = 0; i < a->n; i++)
        free(a->line[i].raw);
    free(a->line);
    memset(a, 0, sizeof *a);
}

/* A decimal number at s ("1", "1.5", "1,5", ".5", "2e-3"): its length (0
 * when there is none) and its value in *t. */
static size_t answer_number(const char *s, double *t)
{
    size_t i = 0, comma = 0;
    int digits = 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (s[i] == ',' && digits && s[i + 1] >= '0' && s[i + 1] <= '9')
        comma = i;                /* "0,5": the decimal comma of French answers */
    if (s[i] == '.' || comma)
        for (i++; s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    if (!digits)
        return 0;
    if ((s[i] == 'e' || s[i] == 'E') && (s[i + 1] == '-' || s[i + 1] == '+' ||
                                         (s[i + 1] >= '0' && s[i + 1] <= '9'))) {
        size_t j = i + 1 + (s[i + 1] == '-' || s[i + 1] == '+');
        if (s[j] < '0' || s[j] > '9')
            return 0;
        for (i = j; s[i] >= '0' && s[i] <= '9'; i++)
            ;
    }
    char num[64], *end;
    if (i >= sizeof num)
        return 0;
    memcpy(num, s, i);
    num[i] = 0;
    if (comma)
        num[comma] = '.';
    *t = strtod(num, &end);
    return (size_t)(end - num) == i ? i : 0;
}

/* The spaces and tabs at s: how many. */
static size_t answer_blanks(const char *s)
{
    return strspn(s, " \t");
}

/* The time prefix: a number, optionally followed by "s", then at least
 * one space or tab. Returns the length of the prefix with its spaces (0
 * when there is none, or nothing follows) and the time in *t. */
static size_t answer_time_prefix(const char *s, double *t)
{
    size_t i = answer_number(s, t);
    if (!i)
        return 0;
    if (s[i] == 's')
        i++;
    size_t k = answer_blanks(s + i);
    return k && s[i + k] ? i + k : 0;
}

/* The looser ways of writing a time that students use, taken only when
 * the rest of the line then is a print (answer_split_times): "t=3",
 * "t = 3", "2.5 s" (a space before the unit), "3:", "[3]", "(3)", and
 * their mixes ("[t=3s]:"), then at least one space or tab. Returns the
 * prefix's length with its spaces, 0 when there is none. */
static size_t answer_loose_prefix(const char *s, double *t)
{
    size_t i = 0;
    char close = s[0] == '[' ? ']' : s[0] == '(' ? ')' : 0;
    if (close)
        i++;
    if ((s[i] == 't' || s[i] == 'T') && s[i + 1 + answer_blanks(s + i + 1)] == '=') {
        i += 1 + answer_blanks(s + i + 1) + 1;
        i += answer_blanks(s + i);
    }
    size_t n = answer_number(s + i, t);
    if (!n)
        return 0;
    i += n;
    size_t k = answer_blanks(s + i);
    if (s[i + k] == 's' && (s[i + k + 1] == ' ' || s[i + k + 1] == '\t' || s[i + k + 1] == ':'
                            || (close && s[i + k + 1] == close)))
        i += k + 1;                    /* "2.5 s" or "2.5s" */
    if (close && s[i] != close)
        return 0;
    i += close != 0;
    i += s[i] == ':';
    k = answer_blanks(s + i);
    return k && s[i + k] ? i + k : 0;
}

/* Is text one of the n expected texts? */
static int answer_is_expected(const char *text, const grade_expected *e, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(text, e[i].text) == 0)
            return 1;
    return 0;
}

/* A task column, as corosim run's transcript writes one: the name of the
 * task that prints an expected text ("Task-2", "main"), spaces, then that
 * very text. Returns the length of the name with its spaces, or 0. */
static size_t answer_who_prefix(const char *s, const grade_expected *e, int n)
{
    for (int i = 0; i < n; i++) {
        size_t len = strlen(e[i].who);
        if (strncmp(s, e[i].who, len) != 0 || (s[len] != ' ' && s[len] != '\t'))
            continue;
        size_t k = len + strspn(s + len, " \t");
        if (strcmp(s + k, e[i].text) == 0)
            return k;
    }
    return 0;
}

/* Whether text, or text after a task column, is one of the n expected
 * texts. */
static int answer_is_print(const char *text, const grade_expected *e, int n)
{
    return answer_is_expected(text, e, n) || answer_who_prefix(text, e, n) > 0;
}

/* Where the text of line s begins after its time (0: no time; *t set):
 * the strict prefix (a number, "s", a space) when the rest is a print,
 * then a loose one ("t=3", "2.5 s", "3:", "[3]") when the rest is a print,
 * then the strict one whatever the rest (a time with a wrong text). A
 * whole line that is an expected text may also be read with no time:
 * score_compare chooses (answer_split_times marks it). */
static size_t answer_time_split_at(const char *s, const grade_expected *e, int n, double *t,
                                   int *fits)
{
    double strict_t, loose_t;
    size_t k = answer_time_prefix(s, &strict_t);
    size_t loose = answer_loose_prefix(s, &loose_t);
    *fits = 1;
    if (k && answer_is_print(s + k, e, n)) {
        *t = strict_t;
        return k;
    }
    if (loose && answer_is_print(s + loose, e, n)) {
        *t = loose_t;
        return loose;
    }
    *fits = 0;
    *t = strict_t;
    return k;
}

/* A Markdown list marker at s, with the blanks after it: "- ", "* ",
 * "\u2022 ", "12. ", "12) "; 0 when there is none. */
static size_t answer_list_marker(const char *s)
{
    size_t i = 0;
    if (s[0] == '-' || s[0] == '*')
        i = 1;
    else if (!strncmp(s, "\xE2\x80\xA2", 3))        /* a bullet */
        i = 3;
    else {
        while (s[i] >= '0' && s[i] <= '9' && i < 4)
            i++;
        if (!i || (s[i] != '.' && s[i] != ')'))
            return 0;
        i++;
    }
    size_t k = answer_blanks(s + i);
    return k && s[i + k] ? i + k : 0;
}

/* After list marker s[0..m): the time prefix when the rest is a print, or
 * no time when the marker's rest is a print itself; 0 with *fits 0 else. */
static size_t answer_after_marker(const char *s, size_t m, const grade_expected *e, int n,
                                  double *t, int *has_time, int *fits)
{
    double mt = 0;
    size_t km = answer_time_split_at(s + m, e, n, &mt, fits);
    if (*fits) {
        *t = mt;
        *has_time = 1;
        return m + km;
    }
    if ((*fits = answer_is_print(s + m, e, n)) != 0) {
        *has_time = 0;
        return m;
    }
    return 0;
}

/* Where the text of line s starts (after its time, 0 when it has none, in
 * *has_time and *t): the time prefix, strict or loose, when the rest is a
 * print; failing that, the same after a list marker ("- 0 c1 starts",
 * "3. 1.5 done": students copy the worksheet's numbered list), or the
 * marker alone when the rest is a print; else the strict prefix. A
 * number with a dot and a blank ("1. c1 starts") is taken for a list
 * number first: nobody writes the time 1 as "1.". */
static size_t answer_time_split(const char *s, const grade_expected *e, int n, double *t,
                                int *has_time)
{
    int fits;
    size_t m = answer_list_marker(s);
    if (m && s[0] >= '0' && s[0] <= '9' && s[strspn(s, "0123456789")] == '.') {
        size_t k = answer_after_marker(s, m, e, n, t, has_time, &fits);
        if (fits)
            return k;
    }
    size_t k = answer_time_split_at(s, e, n, t, &fits);
    *has_time = k > 0;
    if (fits || answer_is_print(s, e, n) || !m)
        return k;
    double mt = 0;
    int mh = 0;
    size_t km = answer_after_marker(s, m, e, n, &mt, &mh, &fits);
    if (!fits)
        return k;
    *t = mt;
    *has_time = mh;
    return km;
}

void answer_split_times(grade_answer *a, const grade_expected *e, int n)
{
    for (int i = 0; i < a->n; i++) {
        grade_line *l = &a->line[i];
        double t = 0;
        int has_time;
        size_t k = answer_time_split(l->raw, e, n, &t, &has_time);
        l->text = l->raw + k;
        l->has_time = has_time;
        l->t = has_time ? t : 0;
        l->whole = k > 0 && answer_is_expected(l->raw, e, n);
        if (!answer_is_expected(l->text, e, n))
            l->text += answer_who_prefix(l->text, e, n);
    }
}
