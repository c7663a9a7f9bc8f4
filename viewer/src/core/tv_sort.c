/*
 * tv_sort.c — a stable merge sort for the build pass. Trace data is nearly
 * sorted (events come roughly in time order), so the input is first checked
 * in one pass, and merges of runs already in order are skipped.
 */
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "tv_internal.h"

#define RUN 16

/* Elements are small structs of 8-byte words: copied word by word inline,
 * where a memcpy call per element would cost more than the comparison. */
static inline void copy1(char *d, const char *s, size_t size) {
    if (size % 8 == 0) {
        for (size_t i = 0; i < size; i += 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            memcpy(d + i, &w, 8);
        }
    } else {
        memcpy(d, s, size);
    }
}

static void insertion(char *b, size_t n, size_t size, int (*cmp)(const void *, const void *),
                      char *tmp) {
    for (size_t i = 1; i < n; i++) {
        if (cmp(b + (i - 1) * size, b + i * size) <= 0) continue;
        copy1(tmp, b + i * size, size);
        size_t j = i;
        while (j > 0 && cmp(b + (j - 1) * size, tmp) > 0) j--;
        memmove(b + (j + 1) * size, b + j * size, (i - j) * size);
        copy1(b + j * size, tmp, size);
    }
}

static void merge(char *src, char *dst, size_t lo, size_t mid, size_t hi, size_t size,
                  int (*cmp)(const void *, const void *)) {
    size_t i = lo, j = mid, k = lo;
    if (mid >= hi || cmp(src + (mid - 1) * size, src + mid * size) <= 0) {
        memcpy(dst + lo * size, src + lo * size, (hi - lo) * size);
        return;
    }
    while (i < mid && j < hi) {
        if (cmp(src + j * size, src + i * size) < 0) {
            copy1(dst + k * size, src + j * size, size);
            j++;
        } else {
            copy1(dst + k * size, src + i * size, size);
            i++;
        }
        k++;
    }
    memcpy(dst + k * size, src + i * size, (mid - i) * size);
    k += mid - i;
    memcpy(dst + k * size, src + j * size, (hi - j) * size);
}

void tv_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
    char *b = base;
    size_t i = 1;
    while (i < n && cmp(b + (i - 1) * size, b + i * size) <= 0) i++;
    if (i >= n) return;
    char *tmp = malloc(size * (n + 1));
    if (!tmp) {
        /* qsort is not stable, but every caller's order is total except
         * for equal elements, which stay equal whatever their order */
        qsort(base, n, size, cmp);
        return;
    }
    char *one = tmp + size * n;
    for (size_t lo = 0; lo < n; lo += RUN) insertion(b + lo * size, n - lo < RUN ? n - lo : RUN, size, cmp, one);
    char *src = b, *dst = tmp;
    for (size_t w = RUN; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n;
            size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
            merge(src, dst, lo, mid, hi, size, cmp);
        }
        char *t = src;
        src = dst;
        dst = t;
    }
    if (src != b) memcpy(b, src, n * size);
    free(tmp);
}
