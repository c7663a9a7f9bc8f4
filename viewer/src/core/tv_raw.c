/*
 * tv_raw.c — the texts of finding events, kept by the loader so that
 * tv_model_event() can answer for findings without the file: the report
 * needs every finding's args, and the file may be a pipe or may have been
 * appended to since. Only findings are kept (a handful per trace), so the
 * memory per ordinary event does not change.
 */
#include <stdlib.h>
#include <string.h>

#include "tv_internal.h"

static int grow(void **p, size_t *cap, size_t need, size_t size, size_t first) {
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : first;
    while (c < need) c *= 2;
    void *q = realloc(*p, c * size);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

int tv_raw_add(tv_rawtab *t, tv_src src, const char *text, size_t len) {
    size_t cap = t->cap;
    /* src and at grow together: at has one more entry */
    if (t->n + 2 > cap) {
        size_t c = cap;
        if (grow((void **)&t->src, &c, t->n + 2, sizeof *t->src, 8)) return -1;
        c = cap;
        if (grow((void **)&t->at, &c, t->n + 2, sizeof *t->at, 8)) return -1;
        t->cap = c;
    }
    if (grow((void **)&t->chars, &t->capchars, t->nchars + len, 1, 1024)) return -1;
    if (t->n == 0) t->at[0] = 0;
    else if (TV_SRC_OFF(t->src[t->n - 1]) >= TV_SRC_OFF(src)) t->unsorted = 1;
    memcpy(t->chars + t->nchars, text, len);
    t->nchars += len;
    t->src[t->n++] = src;
    t->at[t->n] = t->nchars;
    return 0;
}

int tv_raw_append(tv_rawtab *dst, const tv_rawtab *from) {
    for (size_t i = 0; i < from->n; i++)
        if (tv_raw_add(dst, from->src[i], from->chars + from->at[i], from->at[i + 1] - from->at[i]))
            return -1;
    return 0;
}

const char *tv_raw_find(const tv_rawtab *t, tv_src src, size_t *len) {
    size_t i = t->n;
    if (t->unsorted) {
        for (i = 0; i < t->n && t->src[i] != src; i++) {
        }
    } else {
        size_t lo = 0, hi = t->n;
        uint64_t off = TV_SRC_OFF(src);
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (TV_SRC_OFF(t->src[mid]) < off) lo = mid + 1;
            else hi = mid;
        }
        if (lo < t->n && t->src[lo] == src) i = lo;
    }
    if (i >= t->n) return NULL;
    *len = t->at[i + 1] - t->at[i];
    return t->chars + t->at[i];
}

size_t tv_raw_bytes(const tv_rawtab *t) {
    return t->cap * (sizeof *t->src + sizeof *t->at) + t->capchars;
}

void tv_raw_free(tv_rawtab *t) {
    free(t->src);
    free(t->at);
    free(t->chars);
    memset(t, 0, sizeof *t);
}
