/*
 * jsonpos.h -- where each value of a JSON text is (line and column), for
 * the loader's messages; cJSON keeps no positions.
 *
 * sim_jpos_scan() reads the text as strict JSON (RFC 8259) and records one
 * sim_jpos per value in document order: a value before its contents, the
 * members of an object and the items of an array in order. That is the
 * order of a preorder walk of the cJSON tree of the same text, so the two
 * can be paired up node by node. Lines and columns are 1-based; a column
 * counts characters (UTF-8 code points), a tab counting 1.
 *
 * The scanner is also the loader's judge of syntax: it names what it
 * expected where the text goes wrong, and it rejects what cJSON tolerates
 * but JSON forbids (leading zeros, raw control characters in strings,
 * control characters between tokens).
 */
#ifndef SIM_JSONPOS_H
#define SIM_JSONPOS_H

#include <stddef.h>
#include <stdint.h>

/* Containers nested deeper than this are an error (cJSON's limit too). */
#define SIM_JPOS_MAX_DEPTH 1000

typedef struct sim_jpos {
    uint32_t off;              /* byte offset of the value's first byte */
    uint32_t len;              /* bytes of its text, brackets included */
    int line, col;             /* where the value starts */
    int kline, kcol;           /* where its key starts (object members), else 0 */
} sim_jpos;

typedef struct sim_jposmap {
    size_t n, cap;
    sim_jpos *v;               /* malloc'ed, document order */
} sim_jposmap;

/* A syntax error: where, and a message such as "expected ':' after the
 * key, found '1'" (without the "invalid JSON: " prefix). */
typedef struct sim_jpos_error {
    size_t off;
    int line, col;
    int valid;                 /* valid JSON that coroscope cannot take */
    char msg[160];
} sim_jpos_error;

/* Scan text[0..len) (UTF-8, already checked by sim_jpos_check_utf8) and
 * append the position of every value to m. Returns 0, or -1 with *err
 * describing the first syntax error (m then holds a prefix). A leading
 * UTF-8 byte order mark is skipped. */
int sim_jpos_scan(const char *text, size_t len, sim_jposmap *m,
                  sim_jpos_error *err);

/* Release the storage of m; m is empty and reusable afterwards. */
void sim_jpos_free(sim_jposmap *m);

/* Check that text[0..len) is UTF-8 without NUL bytes. Returns 0, or -1
 * with *err at the first offending byte ("invalid UTF-8 byte 0xff" or
 * "NUL byte"). */
int sim_jpos_check_utf8(const char *text, size_t len, sim_jpos_error *err);

/* Line and column of byte offset off of text (off <= its length). */
void sim_jpos_linecol(const char *text, size_t off, int *line, int *col);

/* Column of the character that produces byte k of the decoded content of
 * the string value at p (k = 0 is the first character after the opening
 * quote; an escape such as \n or \u00e9 is one character of the text).
 * k past the end gives the column of the closing quote. */
int sim_jpos_strcol(const char *text, const sim_jpos *p, size_t k);

#endif
