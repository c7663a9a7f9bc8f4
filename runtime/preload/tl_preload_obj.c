/*
 * tl_preload_obj.c — the program's locks, conditions, semaphores and
 * barriers as trace objects, by address (tl_addrmap.h), and starting
 * tracing from the first wrapped call.
 *
 * An address keeps one slot for the whole run; its id changes when the
 * object is destroyed and initialized again, or when its memory is reused
 * for an object of another kind without a destroy (then the old object is
 * closed first, so the trace never shows two objects at one address).
 */
#define _GNU_SOURCE
#include "tl_preload.h"

TL_INTERNAL tl_addrmap tl__pl_objs = {.what = "object"};
TL_INTERNAL tl_addrmap tl__pl_threads = {.what = "thread"};

int tl__pl_start(void) {
    tl__in_runtime++;
    int on = tl__init();
    tl__in_runtime--;
    return on;
}

/* The object at this slot was never destroyed: close it in the trace. */
static void close_stale(tl_thread_rec *t, tl_amslot *s, uint32_t id, uint64_t pc,
                        unsigned flags) {
    uint32_t expected = id;
    if (!atomic_compare_exchange_strong_explicit(&s->id, &expected, 0, memory_order_acq_rel,
                                                 memory_order_acquire))
        return;
    if (t) tl__record_in(t, TL_EV_OBJ_DESTROY, id, 0, 0, TL_EVF_PC | flags, pc, 0);
}

/* First use: no site (the first use is not where it was made); TL_EVF_PC
 * tells the writer to name it (a global variable's symbol, else by index). */
uint32_t tl__pl_obj_slow(const void *addr, tl_obj_kind kind, unsigned subkind,
                         uint64_t init_value) {
    tl_amslot *s = tl__addrmap_insert(&tl__pl_objs, (uintptr_t)addr);
    if (!s) return 0;
    uint32_t id = atomic_load_explicit(&s->id, memory_order_acquire);
    if (id != 0 && id != TL_ID_PENDING &&
        atomic_load_explicit(&s->kind, memory_order_relaxed) == (uint32_t)kind)
        return id;
    if (id != 0 && id != TL_ID_PENDING) close_stale(tl__self(), s, id, 0, 0);
    atomic_store_explicit(&s->kind, kind, memory_order_relaxed);
    return tl__obj_claim((uint32_t *)&s->id, kind, subkind, addr, 0, TL_EVF_PC, init_value);
}

void tl__pl_obj_init(tl_thread_rec *t, const void *addr, tl_obj_kind kind, unsigned subkind,
                     uint64_t init_value, uint64_t pc, int shared) {
    tl_amslot *s = tl__addrmap_insert(&tl__pl_objs, (uintptr_t)addr);
    if (!s) return;
    uint32_t old = atomic_load_explicit(&s->id, memory_order_acquire);
    /* An init over a live object of the same kind re-initializes it (the
     * detectors check it was idle); another kind is memory reused. */
    unsigned reinit = atomic_load_explicit(&s->kind, memory_order_relaxed) == (uint32_t)kind
                          ? TL_EVF_REINIT : 0;
    if (old != 0 && old != TL_ID_PENDING) close_stale(t, s, old, pc, reinit);
    atomic_store_explicit(&s->kind, kind, memory_order_relaxed);
    uint32_t id = tl__obj_register(kind, subkind, addr, NULL, pc,
                                   TL_EVF_PC | (shared ? TL_EVF_SHARED : 0), init_value);
    atomic_store_explicit(&s->id, id, memory_order_release);
}

/* An id still being registered by another thread (a destroy racing a first
 * use, already a bug in the program) is left to that thread. */
void tl__pl_obj_destroy(tl_thread_rec *t, const void *addr, uint64_t pc) {
    tl_amslot *s = tl__addrmap_find(&tl__pl_objs, (uintptr_t)addr);
    if (!s) return;
    uint32_t id = atomic_load_explicit(&s->id, memory_order_acquire);
    do {
        if (id == 0 || id == TL_ID_PENDING) return;
    } while (!atomic_compare_exchange_weak_explicit(&s->id, &id, 0, memory_order_acq_rel,
                                                    memory_order_acquire));
    tl__pl_record(t, TL_EV_OBJ_DESTROY, id, 0, 0, 0, pc);
}

void tl__pl_destroy_check(const void *addr, tl_obj_kind kind, uint64_t pc) {
    int saved = errno;
    tl_thread_rec *t = tl__pl_self();
    uint32_t id = t ? tl__pl_obj_known(addr, kind) : 0;
    if (id) tl__pl_record(t, TL_EV_DESTROY_CHECK, id, 0, 0, 0, pc);
    errno = saved;
}

int tl__pl_call_error(int rc, const void *addr, tl_obj_kind kind, unsigned call, uint64_t pc) {
    int saved = errno;
    tl_thread_rec *t = tl__pl_self();
    if (t) tl__pl_record(t, TL_EV_CALL_ERROR, addr ? tl__pl_obj_known(addr, kind) : 0,
                         (uint64_t)rc, call, 0, pc);
    errno = saved;
    return rc;
}
