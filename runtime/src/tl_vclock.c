/*
 * tl_vclock.c — vector clocks and the race detector's per-thread state.
 *
 * Clocks grow when a thread with a higher id shows up and are freed when
 * their sync object is destroyed, on the recording path, where neither
 * malloc nor a blocking lock is allowed: blocks come from power-of-two size
 * classes over the runtime's arena, each class a free list behind a
 * spinlock held for a few instructions.
 */
#include <string.h>

#include "tl_race_int.h"

#define CLASS_MIN 8u   /* entries in the smallest block */
#define CLASSES 18     /* 8 .. 1M entries */

static struct {
    tl_spin lock;
    void *head;
} freelist[CLASSES];

static unsigned class_of(uint32_t n, uint32_t *cap) {
    unsigned k = 0;
    uint32_t c = CLASS_MIN;
    while (c < n && k + 1 < CLASSES) {
        c <<= 1;
        k++;
    }
    *cap = c;
    return k;
}

static uint32_t *block_alloc(uint32_t n, uint32_t *cap) {
    unsigned k = class_of(n, cap);
    if (*cap < n) return NULL;
    tl__spin_lock(&freelist[k].lock);
    void *b = freelist[k].head;
    if (b) freelist[k].head = *(void **)b;
    tl__spin_unlock(&freelist[k].lock);
    if (b) {
        memset(b, 0, *cap * sizeof(uint32_t));
        return b;
    }
    return tl__arena_alloc(*cap * sizeof(uint32_t));
}

static void block_free(uint32_t *b, uint32_t cap) {
    if (!b) return;
    uint32_t c;
    unsigned k = class_of(cap, &c);
    tl__spin_lock(&freelist[k].lock);
    *(void **)b = freelist[k].head;
    freelist[k].head = b;
    tl__spin_unlock(&freelist[k].lock);
}

int tl__vc_reserve(tl_vc *v, uint32_t n) {
    if (n <= v->cap) return 0;
    uint32_t cap;
    uint32_t *b = block_alloc(n, &cap);
    if (!b) return -1;
    if (v->c) memcpy(b, v->c, v->cap * sizeof(uint32_t));
    block_free(v->c, v->cap);
    v->c = b;
    v->cap = cap;
    return 0;
}

void tl__vc_free(tl_vc *v) {
    block_free(v->c, v->cap);
    v->c = NULL;
    v->cap = 0;
}

void tl__vc_zero(tl_vc *v) {
    if (v->c) memset(v->c, 0, v->cap * sizeof(uint32_t));
}

void tl__vc_join(tl_vc *dst, const tl_vc *src) {
    uint32_t n = src->cap;
    while (n > 0 && src->c[n - 1] == 0) n--;
    if (n == 0 || tl__vc_reserve(dst, n) != 0) return;
    for (uint32_t i = 0; i < n; i++)
        if (src->c[i] > dst->c[i]) dst->c[i] = src->c[i];
}

/* ---- per-thread state ---------------------------------------------------- */

tl_rthread *tl__rthread_of(tl_thread_rec *t) {
    tl_rthread *rt = __atomic_load_n(&t->race, __ATOMIC_ACQUIRE);
    if (rt) return rt;
    if (t->id > TL_RACE_MAX_TID) return NULL;
    rt = tl__arena_alloc(sizeof *rt);
    if (!rt) return NULL;
    rt->rec = t;
    rt->tid = t->id;
    if (tl__vc_reserve(&rt->vc, rt->tid + 1) != 0) return NULL;
    rt->vc.c[rt->tid] = 1;
    rt->epoch = ((uint64_t)rt->tid << TL_E_TID_SHIFT) | 1;
    tl_rthread *expected = NULL;
    if (!__atomic_compare_exchange_n(&t->race, &expected, rt, 0, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE))
        return expected; /* the arena keeps ours; this happens at most once per thread */
    return rt;
}

tl_rthread *tl__rthread_self(void) {
    if (tl__in_runtime) return NULL;
    tl_thread_rec *t = tl__self();
    if (!t) return NULL;
    tl_rthread *rt = tl__rthread_of(t);
    return rt && !rt->ended ? rt : NULL;
}

void tl__rthread_tick(tl_rthread *rt) {
    uint32_t c = ++rt->vc.c[rt->tid];
    rt->epoch = ((uint64_t)rt->tid << TL_E_TID_SHIFT) | c;
    rt->vc_gen++;
}
