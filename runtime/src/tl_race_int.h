/*
 * tl_race_int.h — the race detector's own state, shared by its files
 * (tl_shadow.c, tl_vclock.c, tl_hb.c, tl_race.c, tl_racesite.c) and the
 * inline fast path the __tsan_* entry points use (tl_tsan.c).
 *
 * Shadow memory is byte-exact (a race on one byte of a char[10] is a race on
 * that byte only) without paying for it on every access: each aligned
 * 4-byte granule has a 16-byte summary, authoritative while all its bytes
 * share one state — true of nearly every int, pointer and double access.
 * The first access that gives part of a granule a different state splits
 * it: its four per-byte cells (same layout, a separate area reserved
 * alongside and only committed where used) take over for good.
 *
 * A state is FastTrack's, in two words:
 *   w  the last write, as an epoch (tid TL_E_SPLIT in a summary: split);
 *   r  the last read as an epoch, or (tid field TL_E_SHARED) the index of
 *      an interned read set: one epoch per thread whose read is not
 *      ordered before the others'.
 * Nothing is evicted, so no race with the last write or with any
 * unordered read is ever lost (a 4-slot shadow like TSan's forgets).
 * Updates are plain relaxed stores, as in TSan: two threads updating one
 * granule at once can lose an update, which restores an older state that
 * was ordered before the lost one — a missed report, never a false one.
 *
 * An epoch is one 64-bit word: thread id (16 bits), the index of the site
 * in that thread's site table (16 bits: where it happened, with its stack
 * and locks, for the report), and the thread's clock (32 bits). 0 is "no
 * access". Two epochs are the same moment when they differ only in site.
 */
#ifndef TL_RACE_INT_H
#define TL_RACE_INT_H

#include "tl_race.h"

#define TL_E_TID_SHIFT 48
#define TL_E_SITE_SHIFT 32
#define TL_E_SITE_MASK (0xFFFFull << TL_E_SITE_SHIFT)
#define TL_E_TIME_MASK (~TL_E_SITE_MASK) /* tid and clock */
#define TL_E_SHARED 0xFFFFu              /* r holds a read-set index */
#define TL_E_SPLIT 0xFFFFu               /* (summary w) per-byte cells rule */
#define TL_RACE_MAX_TID 0xFFFEu          /* threads past it are not checked */

static inline uint32_t tl__e_tid(uint64_t e) { return (uint32_t)(e >> TL_E_TID_SHIFT); }
static inline uint32_t tl__e_site(uint64_t e) { return (uint32_t)(e >> TL_E_SITE_SHIFT) & 0xFFFFu; }
static inline uint32_t tl__e_clock(uint64_t e) { return (uint32_t)e; }

/* ---- shadow memory (tl_shadow.c) ------------------------------------------- */

typedef struct tl_cell {
    _Atomic uint64_t w, r;
} tl_cell;

#define TL_GRAIN 4 /* bytes per summary */

/* Program memory is mapped in 1 MiB regions. Each region's shadow is one
 * reservation (MAP_NORESERVE, pages committed as written): the summaries
 * (4 MiB), then the per-byte cells (16 MiB, touched only where split). */
#define TL_SHADOW_REGION_SHIFT 20
#define TL_SHADOW_REGION ((uintptr_t)1 << TL_SHADOW_REGION_SHIFT)
#define TL_SHADOW_SUMMARIES (TL_SHADOW_REGION / TL_GRAIN)
#define TL_SHADOW_ADDR_BITS 47 /* user space on x86-64 and arm64 (4-level) */

extern TL_INTERNAL _Atomic(tl_cell *) *tl__shadow_top;

/* The summary of addr's granule, mapping its region if needed; NULL when
 * the address is outside user space or the THREADLENS_SHADOW_MB budget is
 * spent. The region's summaries are contiguous. */
TL_INTERNAL tl_cell *tl__shadow_map(uintptr_t addr);
/* Sets up the region table (once, at enable). Returns 0 or -1. */
TL_INTERNAL int tl__shadow_init(void);
/* Forgets every access to [addr, addr+size) in regions that exist. */
TL_INTERNAL void tl__shadow_clear(uintptr_t addr, size_t size);

/* The summary of addr's granule if its region is mapped, else NULL. */
static inline tl_cell *tl__shadow_peek(uintptr_t addr) {
    if (TL_UNLIKELY(addr >> TL_SHADOW_ADDR_BITS)) return NULL;
    tl_cell *base = atomic_load_explicit(&tl__shadow_top[addr >> TL_SHADOW_REGION_SHIFT],
                                         memory_order_acquire);
    return base ? base + ((addr & (TL_SHADOW_REGION - 1)) / TL_GRAIN) : NULL;
}

/* The per-byte cell of addr, given its granule's summary. */
static inline tl_cell *tl__shadow_cell(tl_cell *summary, uintptr_t addr) {
    tl_cell *base = summary - ((addr & (TL_SHADOW_REGION - 1)) / TL_GRAIN);
    return base + TL_SHADOW_SUMMARIES + (addr & (TL_SHADOW_REGION - 1));
}

/* A split summary's w: the cells rule; and while one thread writes them
 * (the others wait: two writing at once could each erase an access). */
#define TL_SUM_SPLIT ((uint64_t)TL_E_SPLIT << TL_E_TID_SHIFT)
#define TL_SUM_SPLITTING (TL_SUM_SPLIT | 1)

static inline int tl__e_split(uint64_t w) {
    return (w >> TL_E_TID_SHIFT) == TL_E_SPLIT;
}

/* ---- vector clocks (tl_vclock.c) ------------------------------------------- */

/* A clock: c[tid] for tid < cap (entries past cap are 0). Blocks come from
 * a size-class allocator of our own: clocks grow and are freed on the
 * recording path, where malloc is not allowed. */
typedef struct tl_vc {
    uint32_t *c;
    uint32_t cap;
} tl_vc;

/* Makes room for entries below n (keeping the contents); 0, or -1 when
 * memory is short (then the clock is unchanged). */
TL_INTERNAL int tl__vc_reserve(tl_vc *v, uint32_t n);
TL_INTERNAL void tl__vc_free(tl_vc *v);
/* dst = max(dst, src); grows dst. */
TL_INTERNAL void tl__vc_join(tl_vc *dst, const tl_vc *src);
TL_INTERNAL void tl__vc_zero(tl_vc *v);

/* A small spinlock: clocks of sync objects are updated for a few ns. */
typedef struct tl_spin { atomic_flag f; } tl_spin;
static inline void tl__spin_lock(tl_spin *s) {
    while (atomic_flag_test_and_set_explicit(&s->f, memory_order_acquire)) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
}
static inline void tl__spin_unlock(tl_spin *s) {
    atomic_flag_clear_explicit(&s->f, memory_order_release);
}

/* Maps the sync clock tables (tl_hb.c; once, at enable). 0 or -1. */
TL_INTERNAL int tl__hb_init(void);

/* ---- per-thread state ------------------------------------------------------- */

#define TL_RACE_DEPTH 256 /* shadow call stack entries kept */
#define TL_RACE_HELD 8    /* locks remembered per thread */
#define TL_RACE_SITE_CHUNK 256
#define TL_RACE_SITES 65536 /* per thread (16-bit index; 0 = unknown) */

/* Where an access happened: the site, the stack and the locks held. One
 * entry per distinct (site, stack, locks) of a thread, append-only, so a
 * later report can describe an access long after it happened. */
typedef struct tl_rsite {
    uint64_t site;
    uint64_t stack_hash, lock_hash;
    uint64_t stack[TL_RACE_STACK];
    uint32_t locks[TL_RACE_LOCKS];
    uint8_t lock_modes[TL_RACE_LOCKS];
    uint8_t flags, nstack, nlocks;
    /* The first access from here in the interval of `clock` (ticks). */
    _Atomic uint32_t clock;
    _Atomic uint64_t ts;
} tl_rsite;

typedef struct tl_rthread {
    tl_thread_rec *rec;
    uint32_t tid;
    int ended;
    uint64_t epoch;     /* tid << 48 | clock, site bits 0 */
    tl_vc vc;           /* vc.c[tid] is the clock */
    uint64_t vc_gen;    /* changes whenever vc does */
    int in_hb;          /* a signal handler must not nest clock updates */

    /* shadow call stack: frames[i] is the return address into the caller of
     * the i-th open function; hash[i] identifies frames[0..i) */
    uint32_t depth;
    uint32_t func_skip; /* > 0: FUNC events dropped from this depth on */
    uint64_t frames[TL_RACE_DEPTH];
    uint64_t hash[TL_RACE_DEPTH + 1];

    /* locks held now (the first TL_RACE_HELD) */
    uint32_t nheld;
    uint32_t held[TL_RACE_HELD];
    uint8_t held_mode[TL_RACE_HELD];
    uint64_t lock_hash;

    /* site table: chunks of TL_RACE_SITE_CHUNK; nsites published with
     * release for reports made on other threads */
    tl_rsite *site_chunks[TL_RACE_SITES / TL_RACE_SITE_CHUNK];
    _Atomic uint32_t nsites;
    uint16_t *site_index; /* open addressing over (site, stack, locks) */
    uint32_t site_index_cap;
    /* recent lookups, direct-mapped by site: a loop body has a few sites */
    struct tl_rsite_cache {
        uint64_t site, stack, locks;
        uint32_t idx, clock;
    } cache[16];

    /* read-set transition cache: (old r, new epoch, vc_gen) -> new r */
    uint64_t t_old, t_e, t_gen, t_new;

    /* recent race pairs: key -> record, so a racy loop does not take the
     * global table's lock on every iteration */
    uint64_t rc_key[8];
    tl_race_rec *rc_rec[8];
    uint32_t rc_next;

    /* the last sleep (ticks), for "only a sleep separated them" */
    _Atomic uint64_t sleep_begin, sleep_end;
    uint64_t sleep_site;
    uint8_t sleep_flags;

    uint64_t barrier_phase; /* of the barrier wait in progress */
} tl_rthread;

/* The calling thread's state, made on first use; NULL when the thread is not
 * traced, has ended, or is past TL_RACE_MAX_TID. */
TL_INTERNAL tl_rthread *tl__rthread_self(void);
/* t's state, made if needed (for the creator of a new thread). */
TL_INTERNAL tl_rthread *tl__rthread_of(tl_thread_rec *t);
/* Advances the thread's own clock (after a release). */
TL_INTERNAL void tl__rthread_tick(tl_rthread *rt);

/* ---- sites (tl_racesite.c) ----------------------------------------------------- */

/* The index of the current site (site, stack, locks) in rt's table, adding
 * it; 0 when the table is full. Also notes the first-access time of the
 * site in the current interval. */
TL_INTERNAL uint32_t tl__rsite_current(tl_rthread *rt, uint64_t site, unsigned flags);
/* The cache slot of a site with the thread's present locks: a loop that
 * takes and drops a lock between accesses keeps both states cached. */
static inline unsigned tl__rsite_slot(const tl_rthread *rt, uint64_t site) {
    return (unsigned)((site >> 2 ^ site >> 6 ^ rt->lock_hash ^ rt->lock_hash >> 17) & 15);
}
/* The same, when the last lookup for this site in this interval saw the
 * same stack and locks (the common case, inline). */
static inline uint32_t tl__rsite_fast(tl_rthread *rt, uint64_t site, unsigned flags) {
    const struct tl_rsite_cache *c = &rt->cache[tl__rsite_slot(rt, site)];
    uint32_t d = rt->depth < TL_RACE_DEPTH ? rt->depth : TL_RACE_DEPTH;
    if (TL_LIKELY(c->site == site && c->stack == rt->hash[d] && c->locks == rt->lock_hash &&
                  c->clock == (uint32_t)rt->epoch && c->idx))
        return c->idx;
    return tl__rsite_current(rt, site, flags);
}
/* Entry idx of rt's table; NULL for 0 or not (yet) published. */
TL_INTERNAL const tl_rsite *tl__rsite_get(const tl_rthread *rt, uint32_t idx);
/* The site of epoch e in its thread's table; NULL when unknown. */
TL_INTERNAL const tl_rsite *tl__rsite_of(uint64_t e);
/* rt's call stack (innermost caller first) and locks held (innermost
 * first), as much as fits a site or a report. */
TL_INTERNAL void tl__rsite_snapshot(const tl_rthread *rt, uint64_t *stack, uint8_t *nstack,
                                    uint32_t *locks, uint8_t *modes, uint8_t *nlocks);
/* A lock taken / given up by rt (from tl_hb.c). */
TL_INTERNAL void tl__rsite_lock(tl_rthread *rt, uint32_t obj, unsigned mode);
TL_INTERNAL void tl__rsite_unlock(tl_rthread *rt, uint32_t obj);

/* ---- checks (tl_race.c) ----------------------------------------------------- */

TL_INTERNAL void tl__race_slow(tl_rthread *rt, uintptr_t addr, size_t size, int kind,
                               uint64_t site, unsigned flags);
TL_INTERNAL void tl__race_grains(tl_rthread *rt, tl_cell *sum, uintptr_t addr, unsigned ngr,
                                 int kind, uint64_t pc);

/* The fast path: an aligned access whose granules already hold this
 * thread's access of this kind in the current interval (a split granule
 * never does: its summary is w = split, r = 0). Anything else goes to
 * tl__race_access / tl__race_slow. */
static inline void tl__race_check(uintptr_t addr, unsigned size, int kind, uint64_t pc) {
    if (TL_LIKELY(!atomic_load_explicit(&tl__race_on, memory_order_relaxed))) return;
    tl_thread_rec *t = tl__tls_self;
    tl_rthread *rt;
    tl_cell *c;
    if (TL_UNLIKELY(t == NULL || (rt = t->race) == NULL) ||
        TL_UNLIKELY(((addr & (TL_SHADOW_REGION - 1)) + size) > TL_SHADOW_REGION) ||
        TL_UNLIKELY((c = tl__shadow_peek(addr)) == NULL)) {
        tl__race_access(addr, size, kind, pc, TL_EVF_PC);
        return;
    }
    if (TL_LIKELY(size >= TL_GRAIN && (addr & (TL_GRAIN - 1)) == 0)) {
        uint64_t e = rt->epoch;
        for (unsigned i = 0; i < size / TL_GRAIN; i++) {
            uint64_t v = atomic_load_explicit(kind == TL_ACC_WRITE ? &c[i].w : &c[i].r,
                                              memory_order_relaxed);
            if (TL_UNLIKELY(((v ^ e) & TL_E_TIME_MASK) != 0)) {
                tl__race_grains(rt, c, addr, size / TL_GRAIN, kind, pc);
                return;
            }
        }
        return;
    }
    tl__race_slow(rt, addr, size, kind, pc, TL_EVF_PC);
}

#endif /* TL_RACE_INT_H */
