/*
 * pool_test.h — what the tests of tests/pool share: tl_test.h's CHECKs, one
 * ctest per CASE (CMakeLists.txt finds the CASE lines; main runs the case
 * named on its command line), and bounded polling for a state another
 * thread reaches (a test never waits forever, and never asserts a time).
 */
#ifndef POOL_TEST_H
#define POOL_TEST_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <threadlens.h>

#include "tl_test.h"

/* CASE(name) at the start of a line: CMakeLists.txt registers pool_<file>.<name>. */
#define CASE(name) static void name(void)

typedef struct pool_case {
    const char *name;
    void (*fn)(void);
} pool_case;

static inline int pool_test_main(int argc, char **argv, const pool_case *cases, size_t n) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s CASE\n", argv[0]);
        return 2;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(cases[i].name, argv[1]) == 0) {
            int before = tl_test_failures;
            cases[i].fn();
            printf("%s %s\n", tl_test_failures == before ? "ok  " : "FAIL", cases[i].name);
            return TEST_DONE();
        }
    }
    fprintf(stderr, "%s: no case '%s'\n", argv[0], argv[1]);
    return 2;
}

/* Polls until *v >= want, up to about 60 s (a loaded sanitizer build is
 * slow; a correct runtime gets there long before). Returns whether it did. */
static inline int await_at_least(atomic_int *v, int want) {
    for (int i = 0; i < 60000 && atomic_load(v) < want; i++) tl_sleep_ms(1);
    return atomic_load(v) >= want;
}

/* An item or a result that is never NULL: n + 1 as a pointer. */
#define ITEM(n) ((void *)(uintptr_t)((uintptr_t)(n) + 1))
#define ITEM_N(p) ((long)((uintptr_t)(p) - 1))

#endif
