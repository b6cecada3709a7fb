/*
 * pynames.c -- lookups in the generated name tables (pynames.h): a binary
 * search of a sorted table, a few dozen string compares at most.
 */
#include "pynames.h"

#include <string.h>

#include "pynames_tables.h"

/* Whether s[0..len) is one of the n sorted words of t. */
static int in_table(const char *const *t, size_t n, const char *s, size_t len)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strncmp(t[mid], s, len);
        if (c == 0 && t[mid][len] != 0)
            c = 1;                     /* t[mid] is longer: s comes first */
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

int sim_pynames_exception(const char *s)
{
    return in_table(PY_EXCEPTIONS, sizeof PY_EXCEPTIONS / sizeof *PY_EXCEPTIONS, s, strlen(s));
}

int sim_pynames_attribute(const char *s, size_t len)
{
    return in_table(PY_ATTRIBUTES, sizeof PY_ATTRIBUTES / sizeof *PY_ATTRIBUTES, s, len);
}
