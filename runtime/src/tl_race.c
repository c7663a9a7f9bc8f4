/*
 * tl_race.c — FastTrack checks of each access against shadow memory, the
 * interned read sets, and the race records handed to the writer.
 *
 * Per byte (Flanagan and Freund, "FastTrack", PLDI 2009): a write must come
 * after the last write and after every read not already ordered before
 * another; a read must come after the last write. "After" is the epoch test
 * clock <= vc[tid], O(1). A read by a second thread that is not ordered
 * with the first inflates the read word into a read set; sets are interned
 * (an array read by four threads shares one set for all its bytes) and
 * pruned of reads ordered before the new one, which keeps them small.
 *
 * One record per pair of racing sites, whatever the address: a loop that
 * races a million times is one report with a count.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "tl_race_int.h"

TL_INTERNAL _Atomic int tl__race_on;

/* ---- switching on -------------------------------------------------------- */

static _Atomic int enable_state; /* 0 never tried, 1 in progress, 2 done */

int tl__race_enable(void) {
    if (atomic_load_explicit(&tl__race_on, memory_order_acquire)) return 1;
    if (tl__in_runtime) return 0;
    int expected = 0;
    if (!atomic_compare_exchange_strong(&enable_state, &expected, 1)) {
        /* Another thread is enabling it (at most a few ms): a missed check
         * or two is harmless, a wait in a constructor is not. */
        return atomic_load_explicit(&tl__race_on, memory_order_acquire);
    }
    tl__in_runtime++;
    int ok = tl__init() && tl__g.opt.races && tl__shadow_init() == 0 && tl__hb_init() == 0;
    tl__in_runtime--;
    if (ok) atomic_store_explicit(&tl__race_on, 1, memory_order_release);
    atomic_store(&enable_state, 2);
    return ok;
}

void tl__race_forget(uintptr_t addr, size_t size) {
    if (atomic_load_explicit(&tl__race_on, memory_order_relaxed)) tl__shadow_clear(addr, size);
}

/* ---- read sets ------------------------------------------------------------ */

#define RS_MAX 64 /* readers kept per byte; more drops the oldest */
#define RS_CHUNK 4096
#define RS_CHUNKS 4096

typedef struct rset {
    uint64_t hash;
    uint32_t n;
    uint64_t e[];
} rset;

static struct {
    tl_spin lock;
    _Atomic(rset *) *chunks[RS_CHUNKS];
    uint32_t count; /* index 0 unused */
    uint32_t *table;
    uint32_t cap;
    uint64_t bytes;
} RS;

static const rset *rset_get(uint32_t idx) {
    _Atomic(rset *) *chunk = __atomic_load_n(&RS.chunks[idx / RS_CHUNK], __ATOMIC_ACQUIRE);
    return chunk ? atomic_load_explicit(&chunk[idx % RS_CHUNK], memory_order_acquire) : NULL;
}

static uint64_t rs_hash(const uint64_t *e, uint32_t n) {
    uint64_t h = n;
    for (uint32_t i = 0; i < n; i++) h = (h ^ e[i]) * 0x100000001B3ull + (h >> 29);
    return h | 1;
}

static int rs_grow(void) {
    uint32_t cap = RS.cap ? RS.cap * 2 : 4096;
    uint32_t *t = tl__pages(cap * sizeof(uint32_t));
    if (!t) return -1;
    for (uint32_t i = 0; i < RS.cap; i++) {
        uint32_t idx = RS.table[i];
        if (!idx) continue;
        uint32_t h = (uint32_t)rset_get(idx)->hash & (cap - 1);
        while (t[h]) h = (h + 1) & (cap - 1);
        t[h] = idx;
    }
    if (RS.table) tl__pages_free(RS.table, RS.cap * sizeof(uint32_t));
    RS.table = t;
    RS.cap = cap;
    return 0;
}

/* The index of the set holding exactly e[0..n) (sorted by thread), 0 when
 * memory is short. */
static uint32_t rs_intern(const uint64_t *e, uint32_t n) {
    uint64_t h = rs_hash(e, n);
    uint32_t found = 0;
    tl__spin_lock(&RS.lock);
    if (RS.cap) {
        for (uint32_t i = (uint32_t)h & (RS.cap - 1); RS.table[i]; i = (i + 1) & (RS.cap - 1)) {
            const rset *s = rset_get(RS.table[i]);
            if (s->hash == h && s->n == n && memcmp(s->e, e, n * sizeof *e) == 0) {
                found = RS.table[i];
                break;
            }
        }
    }
    if (!found) {
        uint32_t idx = RS.count ? RS.count : 1;
        size_t bytes = sizeof(rset) + n * sizeof(uint64_t);
        if (idx < (uint32_t)RS_CHUNKS * RS_CHUNK &&
            RS.bytes + bytes <= (tl__g.opt.shadow_mb << 20) / 8 &&
            ((idx + 1) * 2 <= RS.cap || rs_grow() == 0)) {
            _Atomic(rset *) *chunk = RS.chunks[idx / RS_CHUNK];
            if (!chunk) {
                chunk = tl__pages(RS_CHUNK * sizeof(*chunk));
                if (chunk) __atomic_store_n(&RS.chunks[idx / RS_CHUNK], chunk, __ATOMIC_RELEASE);
            }
            rset *s = chunk ? tl__arena_alloc(bytes) : NULL;
            if (s) {
                s->hash = h;
                s->n = n;
                memcpy(s->e, e, n * sizeof *e);
                atomic_store_explicit(&chunk[idx % RS_CHUNK], s, memory_order_release);
                uint32_t i = (uint32_t)h & (RS.cap - 1);
                while (RS.table[i]) i = (i + 1) & (RS.cap - 1);
                RS.table[i] = idx;
                RS.count = idx + 1;
                RS.bytes += bytes;
                found = idx;
            }
        }
    }
    tl__spin_unlock(&RS.lock);
    return found;
}

/* ---- the checks ------------------------------------------------------------ */

static inline int ordered(const tl_rthread *rt, uint64_t e) {
    uint32_t u = tl__e_tid(e);
    if (u == rt->tid) return 1;
    return tl__e_clock(e) <= (u < rt->vc.cap ? rt->vc.c[u] : 0);
}

static inline int is_set(uint64_t r) {
    return tl__e_tid(r) == TL_E_SHARED;
}

/* The read word after a read e that is not ordered after r. */
static uint64_t read_join(tl_rthread *rt, uint64_t r, uint64_t e) {
    if (rt->t_old == r && rt->t_e == e && rt->t_gen == rt->vc_gen) return rt->t_new;
    uint64_t list[RS_MAX];
    uint32_t n = 0;
    const uint64_t *old = &r;
    uint32_t nold = 1;
    if (is_set(r)) {
        const rset *s = rset_get((uint32_t)r);
        old = s ? s->e : NULL;
        nold = s ? s->n : 0;
    }
    /* Keep the reads not ordered before this one, and this one, sorted by
     * thread (so equal sets intern to one). */
    for (uint32_t i = 0; i < nold && n < RS_MAX - 1; i++)
        if (!ordered(rt, old[i])) list[n++] = old[i];
    uint32_t j = n++;
    for (; j > 0 && tl__e_tid(list[j - 1]) > rt->tid; j--) list[j] = list[j - 1];
    list[j] = e;
    uint64_t out = e;
    if (n > 1) {
        uint32_t idx = rs_intern(list, n);
        if (idx) out = ((uint64_t)TL_E_SHARED << TL_E_TID_SHIFT) | idx;
    }
    rt->t_old = r;
    rt->t_e = e;
    rt->t_gen = rt->vc_gen;
    rt->t_new = out;
    return out;
}

/* The first read in r not ordered before this thread's present, or 0. */
static uint64_t unordered_read(const tl_rthread *rt, uint64_t r) {
    if (!r) return 0;
    if (!is_set(r)) return ordered(rt, r) ? 0 : r;
    const rset *s = rset_get((uint32_t)r);
    for (uint32_t i = 0; s && i < s->n; i++)
        if (!ordered(rt, s->e[i])) return s->e[i];
    return 0;
}

static int read_set_has(uint64_t r, uint64_t e) {
    const rset *s = rset_get((uint32_t)r);
    for (uint32_t i = 0; s && i < s->n; i++)
        if (((s->e[i] ^ e) & TL_E_TIME_MASK) == 0) return 1;
    return 0;
}

typedef struct found {
    uintptr_t addr;  /* first racing byte */
    uint32_t n;      /* racing bytes from addr with the same earlier access */
    uint64_t prev;   /* that access's epoch */
    int prev_write;
    uint64_t own;    /* a racing write's own thread's earlier read of the byte
                        (the read of a read-modify-write: a lost update's
                        first half), 0 when none */
} found;

/* This thread's read in r (a read epoch or a read set), or 0: looked up
 * only once a write is found racing, for the report. */
static uint64_t own_read(const tl_rthread *rt, uint64_t r) {
    if (!r) return 0;
    if (!is_set(r)) return tl__e_tid(r) == rt->tid ? r : 0;
    const rset *s = rset_get((uint32_t)r);
    for (uint32_t i = 0; s && i < s->n; i++)
        if (tl__e_tid(s->e[i]) == rt->tid) return s->e[i];
    return 0;
}

static void report(tl_rthread *rt, const found *f, uintptr_t addr, size_t size, int kind,
                   uint64_t site, unsigned flags);

/* FastTrack's rule for one byte holding (w, r): the earlier access this one
 * races with (*prev, 0 if none) and the byte's new state. Returns 0 when
 * the byte already holds this access (same interval). */
static inline __attribute__((always_inline)) int step(tl_rthread *rt, int kind, uint64_t e, uint64_t *mine, uint64_t site,
                       unsigned flags, uint64_t w, uint64_t r, uint64_t *nw, uint64_t *nr,
                       uint64_t *prev, int *prev_write) {
    *prev = 0;
    *prev_write = 0;
    if (kind == TL_ACC_WRITE) {
        if (((w ^ e) & TL_E_TIME_MASK) == 0) return 0;
        if (w && !ordered(rt, w)) {
            *prev = w;
            *prev_write = 1;
        } else {
            *prev = unordered_read(rt, r);
        }
    } else {
        if (((r ^ e) & TL_E_TIME_MASK) == 0) return 0;
        if (is_set(r) && read_set_has(r, e)) return 0;
        if (w && !ordered(rt, w)) {
            *prev = w;
            *prev_write = 1;
        }
    }
    if (!*mine) *mine = e | ((uint64_t)tl__rsite_fast(rt, site, flags) << TL_E_SITE_SHIFT);
    if (kind == TL_ACC_WRITE) {
        *nw = *mine;
        *nr = 0;
    } else {
        *nw = w;
        *nr = (!r || (!is_set(r) && ordered(rt, r))) ? *mine : read_join(rt, r, *mine);
    }
    return 1;
}

/* Stores the new state. When the word this access decides (w for a write,
 * r for a read) was empty or another thread's, it is compare-exchanged
 * against what the decision read: two threads making their first access to
 * a byte at the same moment must not both find it empty. Replacing the
 * thread's own older state (a loop in a new interval) is a plain store: a
 * CAS there would double the cost of streaming over an array. 0: the word
 * changed meanwhile; decide again. */
static inline int swap(_Atomic uint64_t *word, uint64_t old, uint64_t new, uint32_t owner,
                       uint32_t me) {
    if (new == old) return 1;
    if (owner == me) {
        atomic_store_explicit(word, new, memory_order_relaxed);
        return 1;
    }
    return atomic_compare_exchange_strong_explicit(word, &old, new, memory_order_relaxed,
                                                   memory_order_relaxed);
}

static inline int store(tl_cell *c, int kind, uint64_t w, uint64_t r, uint64_t nw, uint64_t nr,
                        uint32_t me) {
    if (kind == TL_ACC_WRITE) {
        if (!swap(&c->w, w, nw, w ? tl__e_tid(w) : 0, me)) return 0;
        if (nr != r) atomic_store_explicit(&c->r, nr, memory_order_relaxed);
        return 1;
    }
    /* No read since this thread's own write counts as the thread's too. */
    if (!swap(&c->r, r, nr, r ? tl__e_tid(r) : w ? tl__e_tid(w) : 0, me)) return 0;
    if (nw != w) atomic_store_explicit(&c->w, nw, memory_order_relaxed);
    return 1;
}

#define RETRIES 8 /* then the last decision stands: a report may be missed, never invented */
#define SPLIT_WAIT 100000 /* yields; past them (a splitter that died) the cells are read as they are */

static inline void note(found *f, const tl_rthread *rt, int kind, uint64_t r, uintptr_t a, uint32_t n,
                        uint64_t prev, int prev_write) {
    if (!prev) return;
    if (f->n == 0)
        *f = (found){a, n, prev, prev_write, kind == TL_ACC_WRITE ? own_read(rt, r) : 0};
    else if (f->prev == prev && f->addr + f->n == a)
        f->n += n;
}

/* Bytes [lo, hi) of the granule summarized by sum. */
static void check_grain(tl_rthread *rt, tl_cell *sum, uintptr_t lo, uintptr_t hi, int kind,
                        uint64_t e, uint64_t *mine, uint64_t site, unsigned flags, found *f) {
    uint64_t nw, nr, prev;
    int prev_write;
    for (int tries = 0;; tries++) {
        uint64_t w = atomic_load_explicit(&sum->w, memory_order_acquire);
        uint64_t r = atomic_load_explicit(&sum->r, memory_order_relaxed);
        if (tl__e_split(w)) {
            /* Another thread is writing the cells: they are its alone
             * until it publishes the split. */
            for (int n = 0; n < SPLIT_WAIT &&
                            atomic_load_explicit(&sum->w, memory_order_acquire) == TL_SUM_SPLITTING;
                 n++)
                sched_yield();
            break;
        }
        if (!step(rt, kind, e, mine, site, flags, w, r, &nw, &nr, &prev, &prev_write)) return;
        if (hi - lo == TL_GRAIN) {
            if (!store(sum, kind, w, r, nw, nr, rt->tid) && tries < RETRIES) continue;
            note(f, rt, kind, r, lo, (uint32_t)(hi - lo), prev, prev_write);
            return;
        }
        /* Part of the granule changes: its bytes go their own ways. One
         * thread claims the split before writing the cells: two splitting
         * at once would each write all four, and the later one's copy of
         * the old state could overwrite the other's access (a race lost). */
        if (!atomic_compare_exchange_strong_explicit(&sum->w, &w, TL_SUM_SPLITTING,
                                                     memory_order_acquire, memory_order_relaxed)) {
            if (tries < RETRIES) continue; /* decide again from the new state */
            note(f, rt, kind, r, lo, (uint32_t)(hi - lo), prev, prev_write);
            return;
        }
        uintptr_t g = lo & ~(uintptr_t)(TL_GRAIN - 1);
        for (uintptr_t a = g; a < g + TL_GRAIN; a++) {
            tl_cell *c = tl__shadow_cell(sum, a);
            int in = a >= lo && a < hi;
            atomic_store_explicit(&c->w, in ? nw : w, memory_order_relaxed);
            atomic_store_explicit(&c->r, in ? nr : r, memory_order_relaxed);
        }
        atomic_store_explicit(&sum->r, 0, memory_order_relaxed);
        atomic_store_explicit(&sum->w, TL_SUM_SPLIT, memory_order_release);
        note(f, rt, kind, r, lo, (uint32_t)(hi - lo), prev, prev_write);
        return;
    }
    for (uintptr_t a = lo; a < hi; a++) {
        tl_cell *c = tl__shadow_cell(sum, a);
        for (int tries = 0;; tries++) {
            uint64_t w = atomic_load_explicit(&c->w, memory_order_relaxed);
            uint64_t r = atomic_load_explicit(&c->r, memory_order_relaxed);
            if (!step(rt, kind, e, mine, site, flags, w, r, &nw, &nr, &prev, &prev_write)) break;
            if (!store(c, kind, w, r, nw, nr, rt->tid) && tries < RETRIES) continue;
            note(f, rt, kind, r, a, 1, prev, prev_write);
            break;
        }
    }
}

void tl__race_slow(tl_rthread *rt, uintptr_t addr, size_t size, int kind, uint64_t site,
                   unsigned flags) {
    if (rt->in_hb || rt->ended || tl__in_runtime || size == 0) return;
    if (TL_UNLIKELY(atomic_load_explicit(&tl__g.state, memory_order_relaxed) != TL_STATE_ON)) {
        /* the trace is finished: nobody would hear of it */
        atomic_store_explicit(&tl__race_on, 0, memory_order_release);
        return;
    }
    /* A signal handler's accesses while this runs are not checked: they
     * would spin on the read-set lock this thread may hold, or corrupt its
     * site table mid-update. */
    rt->in_hb = 1;
    const uint64_t e = rt->epoch;
    uint64_t mine = 0; /* e with this access's site, computed on first store */
    found f = {0, 0, 0, 0, 0};
    uintptr_t a = addr, end = addr + size;
    if (end < a) end = UINTPTR_MAX;
    while (a < end) {
        uintptr_t region_end = (a | (TL_SHADOW_REGION - 1)) + 1;
        uintptr_t stop = region_end < end && region_end != 0 ? region_end : end;
        tl_cell *sum = tl__shadow_map(a);
        if (!sum) {
            a = stop;
            continue;
        }
        while (a < stop) {
            uintptr_t gend = (a | (TL_GRAIN - 1)) + 1;
            uintptr_t hi = gend < stop ? gend : stop;
            check_grain(rt, sum++, a, hi, kind, e, &mine, site, flags, &f);
            a = hi;
        }
    }
    if (f.n) report(rt, &f, addr, size, kind, site, flags);
    rt->in_hb = 0;
}

/* From the fast path: an aligned access of ngr whole granules. When they
 * all hold one state (the last access had this extent) one decision does
 * for all of them. */
void tl__race_grains(tl_rthread *rt, tl_cell *sum, uintptr_t addr, unsigned ngr, int kind,
                     uint64_t pc) {
    uint64_t w = atomic_load_explicit(&sum[0].w, memory_order_relaxed);
    uint64_t r = atomic_load_explicit(&sum[0].r, memory_order_relaxed);
    unsigned i = 1;
    for (; i < ngr; i++)
        if (atomic_load_explicit(&sum[i].w, memory_order_relaxed) != w ||
            atomic_load_explicit(&sum[i].r, memory_order_relaxed) != r)
            break;
    if (TL_UNLIKELY(i < ngr || tl__e_split(w) || rt->in_hb || rt->ended || tl__in_runtime) ||
        TL_UNLIKELY(atomic_load_explicit(&tl__g.state, memory_order_relaxed) != TL_STATE_ON)) {
        tl__race_slow(rt, addr, (size_t)ngr * TL_GRAIN, kind, pc, TL_EVF_PC);
        return;
    }
    uint64_t mine = 0, nw, nr, prev;
    int prev_write;
    rt->in_hb = 1; /* as in tl__race_slow */
    if (!step(rt, kind, rt->epoch, &mine, pc, TL_EVF_PC, w, r, &nw, &nr, &prev, &prev_write)) {
        rt->in_hb = 0;
        return;
    }
    for (i = 0; i < ngr; i++) {
        if (TL_UNLIKELY(!store(&sum[i], kind, w, r, nw, nr, rt->tid))) {
            /* Another thread got there meanwhile: decide byte by byte
             * (granules already stored hold this access and pass). */
            rt->in_hb = 0;
            tl__race_slow(rt, addr, (size_t)ngr * TL_GRAIN, kind, pc, TL_EVF_PC);
            return;
        }
    }
    if (TL_UNLIKELY(prev != 0)) {
        found f = {addr, ngr * TL_GRAIN, prev, prev_write,
                   kind == TL_ACC_WRITE ? own_read(rt, r) : 0};
        report(rt, &f, addr, (size_t)ngr * TL_GRAIN, kind, pc, TL_EVF_PC);
    }
    rt->in_hb = 0;
}

void tl__race_access(uintptr_t addr, size_t size, int kind, uint64_t site, unsigned flags) {
    if (!atomic_load_explicit(&tl__race_on, memory_order_relaxed) || tl__in_runtime) return;
    tl_rthread *rt = tl__rthread_self();
    if (rt) tl__race_slow(rt, addr, size, kind, site, flags);
}

/* ---- records ---------------------------------------------------------------- */

static struct {
    tl_spin lock;
    tl_race_rec **recs; /* max_races entries */
    _Atomic uint32_t n;
    uint32_t reserved; /* records made, some perhaps not yet published */
    struct pair { uint64_t k1, k2; tl_race_rec *rec; } *table;
    uint32_t cap;
    _Atomic uint64_t overflow;
    _Atomic uint32_t next_id;
} R;

tl_race_rec *const *tl__race_records(uint32_t *n) {
    *n = atomic_load_explicit(&R.n, memory_order_acquire);
    return R.recs;
}

uint64_t tl__race_overflow(void) {
    return atomic_load_explicit(&R.overflow, memory_order_relaxed);
}

static void fill_current(tl_rthread *rt, tl_race_access *x, uintptr_t addr, size_t size,
                         int kind, uint64_t site, unsigned flags, uint64_t ts) {
    x->tid = rt->tid;
    x->write = (uint8_t)kind;
    x->site_flags = (uint8_t)(flags & TL_EVF_PC);
    x->size = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
    x->addr = addr;
    x->ts = ts;
    x->site = site;
    tl__rsite_snapshot(rt, x->stack, &x->nstack, x->locks, x->lock_modes, &x->nlocks);
}

/* An earlier access (epoch e), from the site table of the thread that made it. */
static void fill_earlier(tl_race_access *x, const found *f, uint64_t e, int write) {
    uint32_t u = tl__e_tid(e);
    x->tid = u;
    x->write = (uint8_t)write;
    x->size = f->n;
    x->addr = f->addr;
    const tl_rsite *s = tl__rsite_of(e);
    if (!s) return;
    x->site = s->site;
    x->site_flags = s->flags;
    x->nstack = s->nstack;
    memcpy(x->stack, s->stack, sizeof x->stack);
    x->nlocks = s->nlocks;
    memcpy(x->locks, s->locks, sizeof x->locks);
    memcpy(x->lock_modes, s->lock_modes, sizeof x->lock_modes);
    if (atomic_load_explicit(&s->clock, memory_order_acquire) == tl__e_clock(e))
        x->ts = atomic_load_explicit(&s->ts, memory_order_relaxed);
}

static void report(tl_rthread *rt, const found *f, uintptr_t addr, size_t size, int kind,
                   uint64_t site, unsigned flags) {
    /* The pair of sites, in either order: a read here racing a write there
     * is the same finding as the write there racing a read here. */
    const tl_rsite *ps = tl__rsite_of(f->prev);
    uint64_t a = (ps ? ps->site : 0) * 2 + (uint64_t)f->prev_write;
    uint64_t b = site * 2 + (uint64_t)kind;
    uint64_t k1 = a < b ? a : b, k2 = a < b ? b : a;
    uint64_t key = (k1 * 0x9E3779B97F4A7C15ull) ^ (k2 + (k1 >> 7));
    for (unsigned i = 0; i < 8; i++) {
        if (rt->rc_rec[i] && rt->rc_key[i] == key) {
            atomic_fetch_add_explicit(&rt->rc_rec[i]->count, 1, memory_order_relaxed);
            return;
        }
    }
    /* A race not seen just now: its time, before the first report's
     * allocations (a repeat, above, only counts and needs none). */
    uint64_t now = tl__now();
    tl__in_runtime++;
    tl_race_rec *rec = NULL;
    int fresh = 0;
    tl__spin_lock(&R.lock);
    if (!R.table) {
        uint32_t max = (uint32_t)tl__g.opt.max_races;
        R.cap = 16;
        while (R.cap < max * 2) R.cap <<= 1;
        R.table = tl__pages(R.cap * sizeof *R.table);
        R.recs = tl__pages(max * sizeof *R.recs);
        if (!R.table || !R.recs) R.cap = 0;
    }
    if (R.cap) {
        uint32_t i = (uint32_t)(key >> 17) & (R.cap - 1);
        for (; R.table[i].rec; i = (i + 1) & (R.cap - 1)) {
            if (R.table[i].k1 == k1 && R.table[i].k2 == k2) {
                rec = R.table[i].rec;
                break;
            }
        }
        if (!rec && R.reserved < tl__g.opt.max_races &&
            (rec = tl__arena_alloc(sizeof *rec)) != NULL) {
            /* Counted from the start: another thread may find it in the
             * table before it is filled in and published. */
            atomic_store_explicit(&rec->count, 1, memory_order_relaxed);
            R.table[i] = (struct pair){k1, k2, rec};
            R.reserved++;
            fresh = 1;
        }
    }
    tl__spin_unlock(&R.lock);
    if (!rec) {
        atomic_fetch_add_explicit(&R.overflow, 1, memory_order_relaxed);
    } else if (!fresh) {
        atomic_fetch_add_explicit(&rec->count, 1, memory_order_relaxed);
    } else {
        rec->id = atomic_fetch_add_explicit(&R.next_id, 1, memory_order_relaxed) + 1;
        rec->addr = f->addr;
        rec->size = f->n;
        fill_earlier(&rec->first, f, f->prev, f->prev_write);
        fill_current(rt, &rec->second, addr, size, kind, site, flags, now);
        if (f->own) fill_earlier(&rec->prior, f, f->own, 0);
        else memset(&rec->prior, 0, sizeof rec->prior);
        uint64_t se = atomic_load_explicit(&rt->sleep_end, memory_order_relaxed);
        if (se && rec->first.ts && se > rec->first.ts) {
            rec->sleep_begin = atomic_load_explicit(&rt->sleep_begin, memory_order_relaxed);
            rec->sleep_end = se;
            rec->sleep_site = rt->sleep_site;
            rec->sleep_flags = rt->sleep_flags;
        }
        /* Published whole before the writer can see it, in either way. */
        tl__spin_lock(&R.lock);
        uint32_t n = atomic_load_explicit(&R.n, memory_order_relaxed);
        R.recs[n] = rec;
        atomic_store_explicit(&R.n, n + 1, memory_order_release);
        tl__spin_unlock(&R.lock);
        tl__record_in(rt->rec, TL_EV_RACE, 0, (uintptr_t)rec, 0, 0, 0, 0);
    }
    tl__in_runtime--;
    if (rec) {
        rt->rc_key[rt->rc_next] = key;
        rt->rc_rec[rt->rc_next] = rec;
        rt->rc_next = (rt->rc_next + 1) % 8;
    }
}

/* ---- variable names --------------------------------------------------------- */

#define VARS 4096

static struct {
    tl_spin lock;
    _Atomic uint32_t n;
    struct var { uintptr_t addr; size_t size; char name[TL_NAME_MAX]; } v[VARS];
} V;

void tl__race_name_var(uintptr_t addr, size_t size, const char *name) {
    if (!name || size == 0) return;
    tl__spin_lock(&V.lock);
    uint32_t n = atomic_load_explicit(&V.n, memory_order_relaxed);
    uint32_t i = 0;
    while (i < n && V.v[i].addr != addr) i++; /* a new name for the same memory wins */
    if (i < VARS) {
        V.v[i].addr = addr;
        V.v[i].size = size;
        size_t len = strlen(name);
        if (len >= TL_NAME_MAX) len = TL_NAME_MAX - 1;
        memcpy(V.v[i].name, name, len);
        V.v[i].name[len] = 0;
        if (i == n) atomic_store_explicit(&V.n, n + 1, memory_order_release);
    }
    tl__spin_unlock(&V.lock);
}

size_t tl__race_var_name(uintptr_t addr, char *out, size_t cap) {
    if (cap == 0) return 0;
    out[0] = 0;
    int len = 0;
    tl__spin_lock(&V.lock);
    for (uint32_t i = atomic_load_explicit(&V.n, memory_order_relaxed); i-- > 0;) {
        uintptr_t off = addr - V.v[i].addr;
        if (addr < V.v[i].addr || off >= V.v[i].size) continue;
        /* the form tl__sym_data gives a global: "table+0x28" */
        len = off ? snprintf(out, cap, "%s+0x%llx", V.v[i].name, (unsigned long long)off)
                  : snprintf(out, cap, "%s", V.v[i].name);
        break;
    }
    tl__spin_unlock(&V.lock);
    return len < 0 ? 0 : (size_t)len < cap ? (size_t)len : cap - 1;
}
