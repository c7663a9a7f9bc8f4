/*
 * tl_shadow.c — shadow memory for the race detector: where the state of
 * each byte of program memory lives (the encoding is in tl_race_int.h).
 *
 * A two-level map: a table with one slot per 1 MiB region of the 47-bit
 * user address space (1 GiB of address space, touched only where the
 * program has memory), each slot pointing to the region's shadow, reserved
 * with MAP_NORESERVE the first time an access lands there: 4 MiB of
 * granule summaries, then 16 MiB of per-byte cells. The kernel commits
 * pages only as they are written, so the cost is 4 bytes per byte the
 * program's instrumented code touches (16 where granules split), in 4 KiB
 * steps. A fixed-offset mapping like TSan's would save a load, but needs
 * the program's layout known in advance; this one works under any loader.
 */
#include <sys/mman.h>

#include "tl_race_int.h"

#define REGIONS ((uintptr_t)1 << (TL_SHADOW_ADDR_BITS - TL_SHADOW_REGION_SHIFT))
#define REGION_BYTES ((TL_SHADOW_SUMMARIES + TL_SHADOW_REGION) * sizeof(tl_cell))
#define PAGE 4096u

TL_INTERNAL _Atomic(tl_cell *) *tl__shadow_top;
static _Atomic uint64_t reserved;
static _Atomic int warned;

int tl__shadow_init(void) {
    if (tl__shadow_top) return 0;
    void *p = tl__pages(REGIONS * sizeof(*tl__shadow_top));
    if (!p) return -1;
    tl__shadow_top = p;
    return 0;
}

tl_cell *tl__shadow_map(uintptr_t addr) {
    if (addr >> TL_SHADOW_ADDR_BITS || !tl__shadow_top) return NULL;
    tl_cell *c = tl__shadow_peek(addr);
    if (c) return c;
    uint64_t cap = tl__g.opt.shadow_mb << 20;
    if (atomic_fetch_add_explicit(&reserved, REGION_BYTES, memory_order_relaxed) + REGION_BYTES >
        cap) {
        atomic_fetch_sub_explicit(&reserved, REGION_BYTES, memory_order_relaxed);
        if (!atomic_exchange(&warned, 1))
            tl__warn("race detection: shadow memory limit reached (THREADLENS_SHADOW_MB=%llu); "
                     "memory touched from now on is not checked",
                     (unsigned long long)tl__g.opt.shadow_mb);
        return NULL;
    }
    tl_cell *fresh = tl__pages(REGION_BYTES);
    if (!fresh) {
        atomic_fetch_sub_explicit(&reserved, REGION_BYTES, memory_order_relaxed);
        if (!atomic_exchange(&warned, 1))
            tl__warn("race detection: cannot map shadow memory; some memory is not checked");
        return NULL;
    }
    _Atomic(tl_cell *) *slot = &tl__shadow_top[addr >> TL_SHADOW_REGION_SHIFT];
    tl_cell *expected = NULL;
    if (!atomic_compare_exchange_strong_explicit(slot, &expected, fresh, memory_order_acq_rel,
                                                 memory_order_acquire)) {
        tl__pages_free(fresh, REGION_BYTES); /* another thread mapped it first */
        atomic_fetch_sub_explicit(&reserved, REGION_BYTES, memory_order_relaxed);
    }
    return tl__shadow_peek(addr);
}

static void zero(tl_cell *c) {
    if (atomic_load_explicit(&c->w, memory_order_relaxed))
        atomic_store_explicit(&c->w, 0, memory_order_relaxed);
    if (atomic_load_explicit(&c->r, memory_order_relaxed))
        atomic_store_explicit(&c->r, 0, memory_order_relaxed);
}

/* Zeroes n cells. Whole pages go back to the kernel (they read as zero
 * again) when there are many; single cells are stored atomically, as
 * other threads may be checking their neighbours. Cells already zero are
 * only read, so untouched pages stay uncommitted. */
static void zero_cells(tl_cell *c, size_t n) {
    uintptr_t lo = (uintptr_t)c, hi = (uintptr_t)(c + n);
    uintptr_t plo = (lo + PAGE - 1) & ~(uintptr_t)(PAGE - 1), phi = hi & ~(uintptr_t)(PAGE - 1);
    if (phi > plo && phi - plo >= 16 * PAGE) {
        madvise((void *)plo, phi - plo, MADV_DONTNEED);
        for (tl_cell *p = c; (uintptr_t)p < plo; p++) zero(p);
        for (tl_cell *p = (tl_cell *)phi; p < c + n; p++) zero(p);
        return;
    }
    for (size_t i = 0; i < n; i++) zero(&c[i]);
}

/* Part of a granule: its cells take over (splitting it) and the part is
 * zeroed. */
static void clear_part(tl_cell *sum, uintptr_t lo, uintptr_t hi) {
    uint64_t w = atomic_load_explicit(&sum->w, memory_order_relaxed);
    uint64_t r = atomic_load_explicit(&sum->r, memory_order_relaxed);
    if (!tl__e_split(w)) {
        if (!w && !r) return;
        uintptr_t g = lo & ~(uintptr_t)(TL_GRAIN - 1);
        for (uintptr_t a = g; a < g + TL_GRAIN; a++) {
            tl_cell *c = tl__shadow_cell(sum, a);
            atomic_store_explicit(&c->w, w, memory_order_relaxed);
            atomic_store_explicit(&c->r, r, memory_order_relaxed);
        }
        atomic_store_explicit(&sum->r, 0, memory_order_relaxed);
        atomic_store_explicit(&sum->w, TL_SUM_SPLIT, memory_order_release);
    }
    for (uintptr_t a = lo; a < hi; a++) zero(tl__shadow_cell(sum, a));
}

static void clear_region(tl_cell *sum, uintptr_t lo, uintptr_t hi) {
    uintptr_t glo = (lo + TL_GRAIN - 1) & ~(uintptr_t)(TL_GRAIN - 1);
    uintptr_t ghi = hi & ~(uintptr_t)(TL_GRAIN - 1);
    if (glo >= ghi) { /* within one granule */
        clear_part(sum, lo, hi);
        return;
    }
    if (lo < glo) clear_part(sum, lo, glo);
    if (ghi < hi) clear_part(sum + (ghi - lo + (lo & (TL_GRAIN - 1))) / TL_GRAIN, ghi, hi);
    /* Whole granules: their summaries become "never accessed"; cells of
     * split ones are stale and unread until a split rewrites them. */
    tl_cell *first = sum + (glo - (lo & ~(uintptr_t)(TL_GRAIN - 1))) / TL_GRAIN;
    zero_cells(first, (ghi - glo) / TL_GRAIN);
}

void tl__shadow_clear(uintptr_t addr, size_t size) {
    if (!tl__shadow_top || size == 0) return;
    uintptr_t end = addr + size;
    if (end < addr || addr >> TL_SHADOW_ADDR_BITS) return;
    if (end >> TL_SHADOW_ADDR_BITS) end = (uintptr_t)1 << TL_SHADOW_ADDR_BITS;
    while (addr < end) {
        uintptr_t region_end = (addr | (TL_SHADOW_REGION - 1)) + 1;
        uintptr_t stop = region_end < end ? region_end : end;
        tl_cell *sum = tl__shadow_peek(addr);
        if (sum) clear_region(sum, addr, stop);
        addr = stop;
    }
}
