/*
 * tl_preload.h — what the LD_PRELOAD wrappers share (runtime/preload only).
 *
 * Ground rules for the wrappers (docs/research/issue4-interposer.md):
 * - A wrapper is thin: TL_PL_ENTER (re-entry guard, tracing on?), the call
 *   site, the object's id, the events around the real call, and an explicit
 *   mapping of the real call's return code. Meaning lives in the writer.
 * - The real function is always called exactly once, with the program's
 *   arguments, and its result (and errno) reaches the program unchanged.
 * - Sites are return addresses (TL_EVF_PC), taken in the exported wrapper
 *   itself: the writer symbolizes them, once per address.
 */
#ifndef TL_PRELOAD_H
#define TL_PRELOAD_H

#include <errno.h>

#include "tl_addrmap.h"
#include "tl_internal.h"

#define TL_WRAP __attribute__((visibility("default")))
#define TL_PL_PC ((uint64_t)(uintptr_t)__builtin_return_address(0))

/* Maps from the program's objects and threads to trace ids. */
extern TL_INTERNAL tl_addrmap tl__pl_objs, tl__pl_threads;

/* Starts tracing on the first wrapped call (tl_preload_obj.c). */
TL_INTERNAL int tl__pl_start(void);

/* The calling thread's record when this call is to be traced: tracing on,
 * not inside the runtime, the thread not ended. NULL: call libc and return. */
static inline tl_thread_rec *tl__pl_self(void) {
    if (TL_UNLIKELY(tl__in_runtime)) return NULL;
    int s = atomic_load_explicit(&tl__g.state, memory_order_acquire);
    if (TL_UNLIKELY(s != TL_STATE_ON) && (s != TL_STATE_UNINIT || !tl__pl_start())) return NULL;
    return tl__self();
}

/* Declares `t` and returns `untraced` (an expression calling the real
 * function) when this call is not traced. */
#define TL_PL_ENTER(t, untraced)                                               \
    tl_thread_rec *t = tl__pl_self();                                          \
    if (TL_UNLIKELY(t == NULL)) return untraced

static inline void tl__pl_record(tl_thread_rec *t, unsigned kind, uint32_t obj, uint64_t arg,
                                 unsigned aux, unsigned flags, uint64_t pc) {
    tl__record_in(t, kind, obj, arg, aux, flags | TL_EVF_PC, pc, 0);
}

/* ---- objects (tl_preload_obj.c) ------------------------------------------ */

TL_INTERNAL uint32_t tl__pl_obj_slow(const void *addr, tl_obj_kind kind, unsigned subkind,
                                     uint64_t init_value);

/* The id of the live object of this kind at addr, or 0 (never seen,
 * destroyed, being registered, or another kind). */
static inline uint32_t tl__pl_obj_known(const void *addr, tl_obj_kind kind) {
    tl_amslot *s = tl__addrmap_find(&tl__pl_objs, (uintptr_t)addr);
    if (TL_UNLIKELY(s == NULL)) return 0;
    uint32_t id = atomic_load_explicit(&s->id, memory_order_acquire);
    if (TL_LIKELY(id != 0 && id != TL_ID_PENDING) &&
        TL_LIKELY(atomic_load_explicit(&s->kind, memory_order_relaxed) == (uint32_t)kind))
        return id;
    return 0;
}

/* The object's id, registering it on first use (a static initializer, or
 * an object made before tracing started); 0 when it cannot be tracked. */
static inline uint32_t tl__pl_obj(const void *addr, tl_obj_kind kind, unsigned subkind) {
    uint32_t id = tl__pl_obj_known(addr, kind);
    return TL_LIKELY(id != 0) ? id : tl__pl_obj_slow(addr, kind, subkind, 0);
}

/* After a successful real init: a new object at addr (closing the one that
 * was there if it was never destroyed). */
TL_INTERNAL void tl__pl_obj_init(tl_thread_rec *t, const void *addr, tl_obj_kind kind,
                                 unsigned subkind, uint64_t init_value, uint64_t pc,
                                 int shared);
/* Before the real destroy: OBJ_DESTROY, and the address forgets its id. */
TL_INTERNAL void tl__pl_obj_destroy(tl_thread_rec *t, const void *addr, uint64_t pc);

/* Before a real destroy: DESTROY_CHECK for the detectors (is it idle?).
 * Keeps errno. */
TL_INTERNAL void tl__pl_destroy_check(const void *addr, tl_obj_kind kind, uint64_t pc);
/* After a call that failed in a way that is not an ordinary outcome:
 * CALL_ERROR (TL_CALL_*). Keeps errno. Returns rc. */
TL_INTERNAL int tl__pl_call_error(int rc, const void *addr, tl_obj_kind kind, unsigned call,
                                  uint64_t pc);

/* The registry's kind for a pthread mutex (tl_mutex_kind), from its type. */
static inline unsigned tl__pl_mutex_kind(const pthread_mutex_t *m) {
    switch (m->__data.__kind & 3) { /* PTHREAD_MUTEX_KIND_MASK_NP */
    case PTHREAD_MUTEX_RECURSIVE: return TL_MUTEX_RECURSIVE;
    case PTHREAD_MUTEX_ERRORCHECK: return TL_MUTEX_ERRORCHECK;
    default: return TL_MUTEX_NORMAL; /* normal, adaptive */
    }
}

/* ---- threads (tl_preload_thread.c) --------------------------------------- */

/* The trace id of a thread by its pthread_t; 0 when it was not traced. */
static inline uint32_t tl__pl_thread_id(pthread_t th) {
    tl_amslot *s = tl__addrmap_find(&tl__pl_threads, (uint64_t)th);
    return s ? atomic_load_explicit(&s->id, memory_order_acquire) : 0;
}

/* ---- locks (tl_preload_lock.c) ------------------------------------------- */

/* After LOCK_WAIT and the real blocking call: LOCK_ACQUIRE or LOCK_FAIL.
 * EOWNERDEAD means the lock is held (its previous owner died). */
static inline int tl__pl_lock_outcome(tl_thread_rec *t, int rc, uint32_t id, unsigned mode,
                                      uint64_t pc) {
    if (rc == 0 || rc == EOWNERDEAD) tl__pl_record(t, TL_EV_LOCK_ACQUIRE, id, 0, mode, 0, pc);
    else tl__pl_record(t, TL_EV_LOCK_FAIL, id, (uint64_t)rc, mode, 0, pc);
    return rc;
}

#endif /* TL_PRELOAD_H */
