/*
 * unicode.c -- Unicode properties by binary search in generated range
 * tables (unicode.h). Cost: about 10 probes of a table of 500-750 ranges.
 */
#include "unicode.h"

#include <string.h>

#include "unicode_tables.h"

/* Whether cp lies in one of the n sorted, disjoint ranges of t. */
static int in_ranges(const int32_t (*t)[2], size_t n, int32_t cp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < t[mid][0])
            hi = mid;
        else if (cp > t[mid][1])
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

#define IN(table, cp) in_ranges(table, sizeof table / sizeof table[0], cp)

int sim_unicode_printable(int32_t cp) { return !IN(UNI_NOT_PRINTABLE, cp); }
int sim_unicode_id_start(int32_t cp) { return IN(UNI_ID_START, cp); }
int sim_unicode_id_continue(int32_t cp) { return IN(UNI_ID_CONTINUE, cp); }

static int ascii_ident(unsigned char c, int first)
{
    return c == '_' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (!first && c >= '0' && c <= '9');
}

size_t sim_unicode_ident_len(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const unsigned char *u = (const unsigned char *)s + i;
        if (u[0] < 0x80) {
            if (!ascii_ident(u[0], i == 0))
                break;
            i++;
            continue;
        }
        int32_t cp;
        int len = sim_unicode_decode(u, n - i, &cp);
        if (cp < 0 || !(i == 0 ? sim_unicode_id_start(cp) : sim_unicode_id_continue(cp)))
            break;
        i += (size_t)len;
    }
    return i;
}

size_t sim_unicode_count(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

int sim_unicode_decode(const unsigned char *s, size_t n, int32_t *cp)
{
    int len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 1;
    static const int32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    *cp = -1;
    if (s[0] >= 0x80 && (len == 1 || s[0] > 0xF4 || (size_t)len > n))
        return 1;
    int32_t c = len == 1 ? s[0] : s[0] & (0x3F >> (len - 1));
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 1;
        c = c << 6 | (s[i] & 0x3F);
    }
    if (c < min[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 1;
    *cp = c;
    return len;
}

int sim_unicode_ctrl_escape(int32_t cp, char out[8])
{
    if (cp < 0 || (cp >= 0x20 && (cp < 0x7F || cp > 0x9F)))
        return 0;
    static const char hex[] = "0123456789abcdef";
    const char *named = cp == '\t' ? "\\t" : cp == '\n' ? "\\n" : cp == '\r' ? "\\r" : NULL;
    if (named)
        memcpy(out, named, 3);
    else
        memcpy(out, (char[]){'\\', 'x', hex[cp >> 4], hex[cp & 15], 0}, 5);
    return 1;
}
