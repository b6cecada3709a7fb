/*
 * test.h -- the unit test harness: one list of tests (test_list.h) built into
 * one runner binary (runner.c), assert macros that print file, line,
 * expected and actual, then fail the current test.
 */
#ifndef CORO_TEST_H
#define CORO_TEST_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#define TEST_IMPL(name) int test_##name(void)

#define TEST_FAIL_(fmt, ...)                                              \
    do {                                                                  \
        fprintf(stderr, "%s:%d: assertion failed: " fmt "\n", __FILE__,   \
                __LINE__, __VA_ARGS__);                                   \
        return 1;                                                         \
    } while (0)

#define ASSERT(cond)                                                      \
    do { if (!(cond)) TEST_FAIL_("%s", #cond); } while (0)

#define ASSERT_EQ_INT(expected, actual)                                   \
    do {                                                                  \
        long long e_ = (long long)(expected), a_ = (long long)(actual);   \
        if (e_ != a_)                                                     \
            TEST_FAIL_("%s == %s: expected %lld, actual %lld", #expected, \
                       #actual, e_, a_);                                  \
    } while (0)

#define ASSERT_EQ_STR(expected, actual)                                   \
    do {                                                                  \
        const char *e_ = (expected), *a_ = (actual);                      \
        if (!e_ || !a_ || strcmp(e_, a_) != 0)                            \
            TEST_FAIL_("%s == %s: expected \"%s\", actual \"%s\"",        \
                       #expected, #actual, e_ ? e_ : "(null)",            \
                       a_ ? a_ : "(null)");                               \
    } while (0)

#define ASSERT_NEAR(expected, actual, tol)                                \
    do {                                                                  \
        double e_ = (expected), a_ = (actual);                            \
        if (!(fabs(e_ - a_) <= (tol)))                                    \
            TEST_FAIL_("%s ~= %s: expected %.17g, actual %.17g",          \
                       #expected, #actual, e_, a_);                       \
    } while (0)

#endif
