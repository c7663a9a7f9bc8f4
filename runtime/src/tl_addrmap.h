/*
 * tl_addrmap.h — address → trace id, for objects the runtime did not make.
 *
 * The tl_* types carry their id inside the object; a plain pthread_mutex_t
 * (or a pthread_t) cannot, so the preload keeps it here. One open-addressing
 * table per map, linear probing, sized once (THREADLENS_MAX_OBJECTS) from
 * mmap with MAP_NORESERVE: lookups are lock-free and allocation-free, so
 * they are safe inside malloc and signal handlers.
 *
 * Keys are never removed. Destroying an object stores id 0 in its slot and
 * keeps the key, so an address that is reused (the common case: a struct
 * freed and allocated again) finds its old slot, and only distinct
 * addresses use up capacity. When the table is three-quarters full new
 * addresses are not tracked (their events carry no object) and a warning
 * names the option, once.
 */
#ifndef TL_ADDRMAP_H
#define TL_ADDRMAP_H

#include "tl_internal.h"

typedef struct tl_amslot {
    _Atomic uint64_t key;  /* the address; 0 = empty */
    _Atomic uint32_t id;   /* 0 = none (destroyed, or never registered) */
    _Atomic uint32_t kind; /* what id was registered as (tl_obj_kind) */
} tl_amslot;

typedef struct tl_addrmap {
    _Atomic(tl_amslot *) slots;
    _Atomic uint64_t used;
    _Atomic int warned;
    const char *what; /* "objects" or "threads", for the warning */
} tl_addrmap;

static inline uint64_t tl__addrmap_hash(uint64_t key) {
    return (key >> 4) * 0x9E3779B97F4A7C15ull;
}

/* The slot holding key, or NULL when key was never inserted. */
static inline tl_amslot *tl__addrmap_find(tl_addrmap *m, uint64_t key) {
    tl_amslot *s = atomic_load_explicit(&m->slots, memory_order_acquire);
    if (TL_UNLIKELY(s == NULL)) return NULL;
    uint64_t mask = tl__g.opt.max_objects - 1;
    for (uint64_t i = tl__addrmap_hash(key) >> 20;; i++) {
        uint64_t k = atomic_load_explicit(&s[i & mask].key, memory_order_acquire);
        if (k == key) return &s[i & mask];
        if (k == 0) return NULL;
    }
}

/* The slot for key, inserted if needed; NULL when the table is full (or
 * could not be mapped). */
TL_INTERNAL tl_amslot *tl__addrmap_insert(tl_addrmap *m, uint64_t key);

#endif /* TL_ADDRMAP_H */
