/*
 * tv_sort.h — TV_DEFINE_SORT(name, type, less): a stable merge sort for one
 * element type with its comparison inlined (the build sorts millions of
 * slices; a comparison through a function pointer costs as much as the rest).
 * Trace data is nearly sorted, so the input is first checked in one pass,
 * runs of 16 are insertion-sorted, and merges of runs already in order are
 * skipped. less(a, b) takes two pointers. Falls back to tv_sort's qsort path
 * semantics (unstable) only if the scratch buffer cannot be allocated.
 */
#ifndef TV_SORT_H
#define TV_SORT_H

#include <stdlib.h>
#include <string.h>

#define TV_DEFINE_SORT(name, type, less)                                                       \
    static int name##_cmp_(const void *a, const void *b) {                                     \
        return less((const type *)a, (const type *)b) ? -1 : less((const type *)b, (const type *)a); \
    }                                                                                          \
    static void name(type *v, size_t n) {                                                      \
        size_t i = 1;                                                                          \
        while (i < n && !less(&v[i], &v[i - 1])) i++;                                          \
        if (i >= n) return;                                                                    \
        type *tmp = malloc(n * sizeof *tmp);                                                   \
        if (!tmp) {                                                                            \
            qsort(v, n, sizeof *v, name##_cmp_);                                               \
            return;                                                                            \
        }                                                                                      \
        for (size_t lo = 0; lo < n; lo += 16) {                                                \
            size_t hi = lo + 16 < n ? lo + 16 : n;                                             \
            for (size_t k = lo + 1; k < hi; k++) {                                             \
                if (!less(&v[k], &v[k - 1])) continue;                                         \
                type x = v[k];                                                                 \
                size_t j = k;                                                                  \
                while (j > lo && less(&x, &v[j - 1])) {                                        \
                    v[j] = v[j - 1];                                                           \
                    j--;                                                                       \
                }                                                                              \
                v[j] = x;                                                                      \
            }                                                                                  \
        }                                                                                      \
        type *src = v, *dst = tmp;                                                             \
        for (size_t w = 16; w < n; w *= 2) {                                                   \
            for (size_t lo = 0; lo < n; lo += 2 * w) {                                         \
                size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;    \
                if (mid >= hi || !less(&src[mid], &src[mid - 1])) {                            \
                    memcpy(dst + lo, src + lo, (hi - lo) * sizeof *v);                         \
                    continue;                                                                  \
                }                                                                              \
                size_t a = lo, b = mid, k = lo;                                                \
                while (a < mid && b < hi) dst[k++] = less(&src[b], &src[a]) ? src[b++] : src[a++]; \
                while (a < mid) dst[k++] = src[a++];                                           \
                while (b < hi) dst[k++] = src[b++];                                            \
            }                                                                                  \
            type *t_ = src;                                                                    \
            src = dst;                                                                         \
            dst = t_;                                                                          \
        }                                                                                      \
        if (src != v) memcpy(v, src, n * sizeof *v);                                           \
        free(tmp);                                                                             \
    }

#endif
