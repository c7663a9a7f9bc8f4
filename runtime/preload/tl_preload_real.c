/*
 * tl_preload_real.c — finds libc's functions behind our wrappers
 * (tl_real.inc lists them; tl_real.h says why each resolves on its own).
 *
 * dlvsym where glibc has two functions under one name (the condition
 * variables: a binary linked against the old ABI must reach the old one,
 * or it crashes), plain dlsym(RTLD_NEXT) for the rest. On glibc >= 2.34
 * neither calls malloc nor any wrapper unless it fails.
 */
#define _GNU_SOURCE
#include <dlfcn.h>

#include "tl_preload.h"

TL_INTERNAL tl_real_table tl__real;

static const struct {
    const char *sym, *ver;
} rows[TL_REAL__COUNT] = {
#define TL_REAL_FN(ret, field, sym, ver, params) {sym, ver},
#include "tl_real.inc"
#undef TL_REAL_FN
};

static void **entry(int idx) {
    return (void **)(void *)((char *)&tl__real + (size_t)idx * sizeof(void *));
}

void *tl__real_need(int idx) {
    void *p = NULL;
    if (rows[idx].ver) p = dlvsym(RTLD_NEXT, rows[idx].sym, rows[idx].ver);
    /* Version names are per architecture: fall back to the default one. */
    if (!p) p = dlsym(RTLD_NEXT, rows[idx].sym);
    if (!p) tl__die("cannot find the real %s: %s", rows[idx].sym, dlerror());
    __atomic_store_n(entry(idx), p, __ATOMIC_RELAXED);
    return p;
}

_Static_assert(sizeof(tl_real_table) == TL_REAL__COUNT * sizeof(void *),
               "tl_real_table holds exactly one pointer per row");

/* Everything at load time, so the common path never takes the slow branch;
 * a missing optional function (old glibc) is left for its first call. */
__attribute__((constructor(101))) static void resolve_all(void) {
    for (int i = 0; i < TL_REAL__COUNT; i++) {
        if (__atomic_load_n(entry(i), __ATOMIC_RELAXED)) continue;
        void *p = rows[i].ver ? dlvsym(RTLD_NEXT, rows[i].sym, rows[i].ver) : NULL;
        if (!p) p = dlsym(RTLD_NEXT, rows[i].sym);
        if (p) __atomic_store_n(entry(i), p, __ATOMIC_RELAXED);
    }
}
