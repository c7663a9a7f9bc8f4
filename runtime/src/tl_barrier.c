/*
 * tl_barrier.c — tl_barrier_*: pthread barriers, recorded.
 *
 * BARRIER_ARRIVE before the real wait and BARRIER_LEAVE after it; the
 * writer pairs the arrivals of one round with their count (the registered
 * init_value). aux of BARRIER_LEAVE marks the serial thread.
 */
#include "tl_internal.h"

static uint32_t barrier_id(tl_barrier *b) {
    return tl__obj_lazy(&b->id, TL_OBJ_BARRIER, 0, b);
}

/* Process-private, default attributes. b->count mirrors the count given
 * to the registry as the object's init_value. */
int tl_barrier_init_at(tl_barrier *b, unsigned count, const char *name, const tl_site *site) {
    int rc = TL_REAL(pthread_barrier_init)(&b->b, NULL, count);
    if (rc != 0) return rc;
    b->count = count;
    uint32_t id = tl__obj_register(TL_OBJ_BARRIER, 0, b, name, (uintptr_t)site, 0, count);
    __atomic_store_n(&b->id, id, __ATOMIC_RELEASE);
    return 0;
}

/* LEAVE is recorded whatever the wait returned: the thread did arrive, and
 * an unmatched ARRIVE would leave it looking blocked forever. */
int tl_barrier_wait_at(tl_barrier *b, const tl_site *site) {
    uint32_t id = barrier_id(b);
    tl__record(TL_EV_BARRIER_ARRIVE, id, 0, 0, 0, site);
    int rc = TL_REAL(pthread_barrier_wait)(&b->b);
    tl__record(TL_EV_BARRIER_LEAVE, id, 0, rc == PTHREAD_BARRIER_SERIAL_THREAD, 0, site);
    return rc;
}

int tl_barrier_destroy_at(tl_barrier *b, const tl_site *site) {
    tl__obj_destroying(&b->id, site);
    return tl__obj_forget(&b->id, TL_REAL(pthread_barrier_destroy)(&b->b));
}
