/*
 * tl_test.h — the tests' whole framework (unit, scenario and viewer tests):
 * each CHECK records a failure and goes on, TEST_RUN runs one case by name,
 * main returns the failure count.
 */
#ifndef TL_TEST_H
#define TL_TEST_H

#include <stdio.h>
#include <string.h>

static int tl_test_failures;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            tl_test_failures++;                                                  \
        }                                                                        \
    } while (0)

#define CHECK_STR(got, want)                                                     \
    do {                                                                         \
        const char *g_ = (got), *w_ = (want);                                    \
        if (strcmp(g_, w_) != 0) {                                               \
            fprintf(stderr, "%s:%d: %s = \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got, g_, w_); \
            tl_test_failures++;                                                  \
        }                                                                        \
    } while (0)

#define CHECK_EQ(got, want)                                                      \
    do {                                                                         \
        long long g_ = (long long)(got), w_ = (long long)(want);                 \
        if (g_ != w_) {                                                          \
            fprintf(stderr, "%s:%d: %s = %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_); \
            tl_test_failures++;                                                  \
        }                                                                        \
    } while (0)

/* CHECK with a printf-style explanation of what was seen. */
#define CHECK_MSG(cond, ...)                                                     \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                        \
            fputc('\n', stderr);                                                 \
            tl_test_failures++;                                                  \
        }                                                                        \
    } while (0)

#define TEST_RUN(fn)                                                             \
    do {                                                                         \
        int before_ = tl_test_failures;                                          \
        fn();                                                                    \
        printf("%s %s\n", tl_test_failures == before_ ? "ok  " : "FAIL", #fn);   \
    } while (0)

#define TEST_DONE() (printf("%d failure(s)\n", tl_test_failures), tl_test_failures != 0)

#endif
