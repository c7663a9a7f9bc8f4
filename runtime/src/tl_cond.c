/*
 * tl_cond.c — tl_cond_*: pthread condition variables, recorded.
 *
 * A wait is two events around the real call: COND_WAIT (the mutex is given
 * up inside the wait; the writer releases it) and COND_WAKE (the mutex is
 * held again), both naming the mutex in arg. Both are recorded while the
 * mutex is held, so their sequence numbers fall inside its critical
 * sections. Signal and broadcast are recorded before the real call so they
 * order before the wake they cause.
 */
#include "tl_internal.h"

static uint32_t cond_id(tl_cond *c) {
    return tl__obj_lazy(&c->id, TL_OBJ_COND, 0, c);
}

/* wait and timedwait; abstime NULL waits without limit. */
static int cond_wait(tl_cond *c, tl_mutex *m, const struct timespec *abstime,
                     const tl_site *site) {
    uint32_t cid = cond_id(c);
    uint32_t mid = tl__obj_lazy(&m->id, TL_OBJ_MUTEX, m->kind, m);
    tl__record(TL_EV_COND_WAIT, cid, mid, 0, abstime ? TL_EVF_TIMED : 0, site);
    int rc = abstime ? TL_REAL(pthread_cond_timedwait)(&c->c, &m->m, abstime)
                     : TL_REAL(pthread_cond_wait)(&c->c, &m->m);
    tl__record(TL_EV_COND_WAKE, cid, mid, (unsigned)rc, 0, site);
    return rc;
}

/* Default attributes: the condition's clock is CLOCK_REALTIME, which is what
 * tl_cond_timedwait's abstime promises. */
int tl_cond_init_at(tl_cond *c, const char *name, const tl_site *site) {
    int rc = TL_REAL(pthread_cond_init)(&c->c, NULL);
    if (rc != 0) return rc;
    uint32_t id = tl__obj_register(TL_OBJ_COND, 0, c, name, (uintptr_t)site, 0, 0);
    __atomic_store_n(&c->id, id, __ATOMIC_RELEASE);
    return 0;
}

int tl_cond_wait_at(tl_cond *c, tl_mutex *m, const tl_site *site) {
    return cond_wait(c, m, NULL, site);
}

int tl_cond_timedwait_at(tl_cond *c, tl_mutex *m, const struct timespec *abstime,
                         const tl_site *site) {
    return cond_wait(c, m, abstime, site);
}

int tl_cond_signal_at(tl_cond *c, const tl_site *site) {
    tl__record(TL_EV_COND_SIGNAL, cond_id(c), 0, 0, 0, site);
    return TL_REAL(pthread_cond_signal)(&c->c);
}

int tl_cond_broadcast_at(tl_cond *c, const tl_site *site) {
    tl__record(TL_EV_COND_BROADCAST, cond_id(c), 0, 0, 0, site);
    return TL_REAL(pthread_cond_broadcast)(&c->c);
}

int tl_cond_destroy_at(tl_cond *c, const tl_site *site) {
    tl__obj_destroying(&c->id, site);
    return tl__obj_forget(&c->id, TL_REAL(pthread_cond_destroy)(&c->c));
}
