/*
 * tl_racesite.c — what a race report says about an access long after it
 * happened: its site, call stack and locks, kept per thread.
 *
 * The shadow cell of a byte has room for 16 bits of "where": an index into
 * the accessing thread's table of distinct (site, stack, locks). Entries are
 * added, never changed (but for the time of the latest use), so another
 * thread can read them without a lock when it finds a race. The common case
 * — a loop writing an array from one line — costs three compares against
 * the last lookup.
 *
 * The call stack is the shadow stack of __tsan_func_entry/exit: a push and
 * a pop per call, with a running hash so a stack is identified without
 * walking it.
 */
#include <string.h>

#include "tl_race_int.h"

static inline uint64_t mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    return h * 0xFF51AFD7ED558CCDull;
}

static inline uint64_t stack_hash(const tl_rthread *rt) {
    return rt->hash[rt->depth < TL_RACE_DEPTH ? rt->depth : TL_RACE_DEPTH];
}

const tl_rsite *tl__rsite_get(const tl_rthread *rt, uint32_t idx) {
    if (idx == 0 || idx >= atomic_load_explicit(&((tl_rthread *)rt)->nsites, memory_order_acquire))
        return NULL;
    const tl_rsite *chunk = rt->site_chunks[idx / TL_RACE_SITE_CHUNK];
    return chunk ? &chunk[idx % TL_RACE_SITE_CHUNK] : NULL;
}

const tl_rsite *tl__rsite_of(uint64_t e) {
    tl_thread_rec *t = tl__thread_get(tl__e_tid(e));
    tl_rthread *rt = t ? __atomic_load_n(&t->race, __ATOMIC_ACQUIRE) : NULL;
    return rt ? tl__rsite_get(rt, tl__e_site(e)) : NULL;
}

void tl__rsite_snapshot(const tl_rthread *rt, uint64_t *stack, uint8_t *nstack, uint32_t *locks,
                        uint8_t *modes, uint8_t *nlocks) {
    uint32_t d = rt->depth < TL_RACE_DEPTH ? rt->depth : TL_RACE_DEPTH;
    uint32_t n = 0;
    for (; n < TL_RACE_STACK && n < d; n++) stack[n] = rt->frames[d - 1 - n];
    *nstack = (uint8_t)n;
    uint32_t held = rt->nheld < TL_RACE_HELD ? rt->nheld : TL_RACE_HELD;
    uint32_t k = 0;
    for (uint32_t i = held; i-- > 0 && k < TL_RACE_LOCKS; k++) { /* the innermost first */
        locks[k] = rt->held[i];
        modes[k] = rt->held_mode[i];
    }
    *nlocks = (uint8_t)k;
}

static tl_rsite *slot_of(tl_rthread *rt, uint32_t idx) {
    return &rt->site_chunks[idx / TL_RACE_SITE_CHUNK][idx % TL_RACE_SITE_CHUNK];
}

static int index_grow(tl_rthread *rt) {
    uint32_t cap = rt->site_index_cap ? rt->site_index_cap * 2 : 1024;
    uint16_t *fresh = tl__arena_alloc(cap * sizeof(uint16_t));
    if (!fresh) return -1;
    uint32_t n = atomic_load_explicit(&rt->nsites, memory_order_relaxed);
    for (uint32_t idx = 1; idx < n; idx++) {
        const tl_rsite *s = slot_of(rt, idx);
        uint32_t h = (uint32_t)mix(mix(s->site, s->stack_hash), s->lock_hash) & (cap - 1);
        while (fresh[h]) h = (h + 1) & (cap - 1);
        fresh[h] = (uint16_t)idx;
    }
    rt->site_index = fresh; /* the old one stays in the arena: at most 2x */
    rt->site_index_cap = cap;
    return 0;
}

static uint32_t site_add(tl_rthread *rt, uint64_t site, unsigned flags, uint64_t sh,
                         uint64_t lh) {
    uint32_t idx = atomic_load_explicit(&rt->nsites, memory_order_relaxed);
    if (idx == 0) idx = 1; /* 0 means unknown */
    if (idx >= TL_RACE_SITES) return 0;
    if ((idx + 1) * 2 > rt->site_index_cap && index_grow(rt) != 0) return 0;
    tl_rsite **chunk = &rt->site_chunks[idx / TL_RACE_SITE_CHUNK];
    if (!*chunk && !(*chunk = tl__arena_alloc(TL_RACE_SITE_CHUNK * sizeof(tl_rsite)))) return 0;
    tl_rsite *s = slot_of(rt, idx);
    s->site = site;
    s->flags = (uint8_t)flags;
    s->stack_hash = sh;
    s->lock_hash = lh;
    tl__rsite_snapshot(rt, s->stack, &s->nstack, s->locks, s->lock_modes, &s->nlocks);
    uint32_t h = (uint32_t)mix(mix(site, sh), lh) & (rt->site_index_cap - 1);
    while (rt->site_index[h]) h = (h + 1) & (rt->site_index_cap - 1);
    rt->site_index[h] = (uint16_t)idx;
    atomic_store_explicit(&rt->nsites, idx + 1, memory_order_release);
    return idx;
}

static uint32_t site_find(tl_rthread *rt, uint64_t site, unsigned flags, uint64_t sh,
                          uint64_t lh) {
    if (rt->site_index_cap) {
        uint32_t mask = rt->site_index_cap - 1;
        for (uint32_t h = (uint32_t)mix(mix(site, sh), lh) & mask; rt->site_index[h];
             h = (h + 1) & mask) {
            const tl_rsite *s = slot_of(rt, rt->site_index[h]);
            if (s->site == site && s->stack_hash == sh && s->lock_hash == lh)
                return rt->site_index[h];
        }
    }
    return site_add(rt, site, flags, sh, lh);
}

uint32_t tl__rsite_current(tl_rthread *rt, uint64_t site, unsigned flags) {
    uint64_t sh = stack_hash(rt);
    uint32_t clock = tl__e_clock(rt->epoch);
    struct tl_rsite_cache *c = &rt->cache[tl__rsite_slot(rt, site)];
    if (TL_LIKELY(c->site == site && c->stack == sh && c->locks == rt->lock_hash && c->idx)) {
        if (TL_LIKELY(c->clock == clock)) return c->idx;
    } else {
        uint32_t idx = site_find(rt, site, flags & TL_EVF_PC, sh, rt->lock_hash);
        if (!idx) return 0;
        *c = (struct tl_rsite_cache){site, sh, rt->lock_hash, idx, 0};
    }
    tl_rsite *s = slot_of(rt, c->idx);
    if (atomic_load_explicit(&s->clock, memory_order_relaxed) != clock) {
        atomic_store_explicit(&s->ts, tl__now(), memory_order_relaxed);
        atomic_store_explicit(&s->clock, clock, memory_order_release);
    }
    c->clock = clock;
    return c->idx;
}

/* ---- locks held ----------------------------------------------------------- */

void tl__rsite_lock(tl_rthread *rt, uint32_t obj, unsigned mode) {
    if (rt->nheld < TL_RACE_HELD) {
        rt->held[rt->nheld] = obj;
        rt->held_mode[rt->nheld] = (uint8_t)mode;
        rt->lock_hash += mix(obj, mode);
    }
    rt->nheld++;
}

void tl__rsite_unlock(tl_rthread *rt, uint32_t obj) {
    if (rt->nheld == 0) return;
    uint32_t n = rt->nheld < TL_RACE_HELD ? rt->nheld : TL_RACE_HELD;
    for (uint32_t i = n; i-- > 0;) {
        if (rt->held[i] != obj) continue;
        rt->lock_hash -= mix(obj, rt->held_mode[i]);
        memmove(&rt->held[i], &rt->held[i + 1], (n - 1 - i) * sizeof rt->held[0]);
        memmove(&rt->held_mode[i], &rt->held_mode[i + 1], n - 1 - i);
        rt->nheld--;
        return;
    }
    /* Not among those remembered: one of the locks past TL_RACE_HELD. */
    if (rt->nheld > TL_RACE_HELD) rt->nheld--;
}

/* ---- the shadow call stack ------------------------------------------------- */

/* Function events are for the eye, not for correctness: when the thread's
 * ring is more than half full they are dropped, a whole subtree at a time
 * so the slices that are drawn still nest, and the program never waits for
 * the writer because of them. */
static int ring_busy(tl_thread_rec *t) {
    uint64_t used = t->head_local - t->tail_cache;
    if (used <= (t->mask >> 1)) return 0;
    t->tail_cache = atomic_load_explicit(&t->tail, memory_order_acquire);
    return t->head_local - t->tail_cache > (t->mask >> 1);
}

void tl__race_func_enter(uint64_t pc, uint64_t caller) {
    if (!atomic_load_explicit(&tl__race_on, memory_order_relaxed)) return;
    tl_thread_rec *t = tl__tls_self;
    tl_rthread *rt = t ? t->race : NULL;
    if (TL_UNLIKELY(!rt)) {
        if (tl__in_runtime || !(rt = tl__rthread_self())) return;
        t = rt->rec;
    }
    uint32_t d = rt->depth;
    if (d < TL_RACE_DEPTH) {
        rt->frames[d] = caller;
        rt->hash[d + 1] = mix(rt->hash[d], caller);
    }
    rt->depth = d + 1;
    if (!tl__g.opt.funcs || rt->func_skip || rt->ended) return;
    if (ring_busy(t)) {
        rt->func_skip = d + 1;
        return;
    }
    tl__record_in(t, TL_EV_FUNC_ENTER, 0, caller, 0, TL_EVF_PC, pc, 0);
}

void tl__race_func_exit(void) {
    tl_thread_rec *t = tl__tls_self;
    tl_rthread *rt = t ? t->race : NULL;
    if (!rt || rt->depth == 0) return;
    uint32_t d = rt->depth--;
    if (rt->func_skip) {
        if (d == rt->func_skip) rt->func_skip = 0;
        return;
    }
    if (!tl__g.opt.funcs || rt->ended ||
        !atomic_load_explicit(&tl__race_on, memory_order_relaxed))
        return;
    tl__record_in(t, TL_EV_FUNC_EXIT, 0, 0, 0, 0, 0, 0);
}
