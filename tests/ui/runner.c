/*
 * runner.c -- runs the visualizer's tests (ui_test_list.h): all of them, or
 * those whose name starts with argv[1]. One line per test and a closing
 * "N passed, N failed" line; exits 1 when any failed.
 */
#include <stdio.h>
#include <string.h>

#include "test.h"

#define TEST(name) int test_##name(void);
#include "ui_test_list.h"
#undef TEST

struct test_entry {
    const char *name;
    int (*fn)(void);
};

static const struct test_entry tests[] = {
#define TEST(name) {#name, test_##name},
#include "ui_test_list.h"
#undef TEST
    {NULL, NULL}};

int main(int argc, char **argv)
{
    const char *prefix = argc > 1 ? argv[1] : "";
    int passed = 0, failed = 0;
    for (const struct test_entry *t = tests; t->name; t++) {
        if (strncmp(t->name, prefix, strlen(prefix)) != 0)
            continue;
        int rc = t->fn();
        printf("%s %s\n", rc ? "FAIL" : "ok  ", t->name);
        fflush(stdout);
        rc ? failed++ : passed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
