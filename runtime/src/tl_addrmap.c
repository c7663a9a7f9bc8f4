/*
 * tl_addrmap.c — inserting into the address maps (tl_addrmap.h has the
 * contract; lookups are inline there).
 */
#include "tl_addrmap.h"

static tl_amslot *slots_of(tl_addrmap *m) {
    tl_amslot *s = atomic_load_explicit(&m->slots, memory_order_acquire);
    if (TL_LIKELY(s != NULL)) return s;
    size_t bytes = (size_t)tl__g.opt.max_objects * sizeof(tl_amslot);
    tl_amslot *fresh = tl__pages(bytes);
    if (!fresh) return NULL;
    if (atomic_compare_exchange_strong_explicit(&m->slots, &s, fresh, memory_order_acq_rel,
                                                memory_order_acquire))
        return fresh;
    tl__pages_free(fresh, bytes);
    return s;
}

static void warn_full(tl_addrmap *m) {
    if (atomic_exchange(&m->warned, 1)) return;
    tl__warn("more than %llu distinct %s addresses: later ones are not traced "
             "(raise THREADLENS_MAX_OBJECTS)",
             (unsigned long long)(tl__g.opt.max_objects / 4 * 3), m->what);
}

tl_amslot *tl__addrmap_insert(tl_addrmap *m, uint64_t key) {
    tl_amslot *s = slots_of(m);
    if (!s) return NULL;
    uint64_t mask = tl__g.opt.max_objects - 1;
    for (uint64_t i = tl__addrmap_hash(key) >> 20;; i++) {
        tl_amslot *slot = &s[i & mask];
        uint64_t k = atomic_load_explicit(&slot->key, memory_order_acquire);
        if (k == key) return slot;
        if (k != 0) continue;
        if (atomic_load_explicit(&m->used, memory_order_relaxed) >= mask / 4 * 3) {
            warn_full(m);
            return NULL;
        }
        if (atomic_compare_exchange_strong_explicit(&slot->key, &k, key, memory_order_acq_rel,
                                                    memory_order_acquire)) {
            atomic_fetch_add_explicit(&m->used, 1, memory_order_relaxed);
            return slot;
        }
        if (k == key) return slot; /* another thread inserted it just now */
    }
}
