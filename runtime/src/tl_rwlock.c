/*
 * tl_rwlock.c — tl_rwlock_*: pthread read/write locks, recorded.
 *
 * Same try-first scheme as tl_mutex.c, with the mode (TL_MODE_READ or
 * TL_MODE_WRITE) in aux. Unlock cannot know which mode it releases, so
 * LOCK_RELEASE carries none; the writer knows what the thread holds.
 */
#include "tl_internal.h"

static uint32_t rwlock_id(tl_rwlock *l) {
    return tl__obj_lazy(&l->id, TL_OBJ_RWLOCK, 0, l);
}

static int rwlock_try(tl_rwlock *l, unsigned mode) {
    return mode == TL_MODE_READ ? TL_REAL(pthread_rwlock_tryrdlock)(&l->rw)
                                : TL_REAL(pthread_rwlock_trywrlock)(&l->rw);
}

/* The real blocking call for mode; abstime NULL blocks without limit. */
static int rwlock_real_block(tl_rwlock *l, unsigned mode, const struct timespec *abstime) {
    if (mode == TL_MODE_READ)
        return abstime ? TL_REAL(pthread_rwlock_timedrdlock)(&l->rw, abstime) : TL_REAL(pthread_rwlock_rdlock)(&l->rw);
    return abstime ? TL_REAL(pthread_rwlock_timedwrlock)(&l->rw, abstime) : TL_REAL(pthread_rwlock_wrlock)(&l->rw);
}

/* Any failed try lands here, not only EBUSY, so the program gets the
 * blocking call's own answer (EDEADLK, EAGAIN for too many readers, ...). */
static int rwlock_block(tl_rwlock *l, uint32_t id, unsigned mode,
                        const struct timespec *abstime, const tl_site *site) {
    tl__record(TL_EV_LOCK_WAIT, id, 0, mode, abstime ? TL_EVF_TIMED : 0, site);
    return tl__lock_outcome(rwlock_real_block(l, mode, abstime), id, mode, site);
}

static int rwlock_acquire(tl_rwlock *l, unsigned mode, const struct timespec *abstime,
                          const tl_site *site) {
    uint32_t id = rwlock_id(l);
    if (rwlock_try(l, mode) == 0) {
        tl__record(TL_EV_LOCK_ACQUIRE, id, 0, mode, TL_EVF_TRY, site);
        return 0;
    }
    return rwlock_block(l, id, mode, abstime, site);
}

/* tryrdlock / trywrlock: a failure records nothing, the program did not wait. */
static int rwlock_tryacquire(tl_rwlock *l, unsigned mode, const tl_site *site) {
    uint32_t id = rwlock_id(l);
    int rc = rwlock_try(l, mode);
    if (rc == 0) tl__record(TL_EV_LOCK_ACQUIRE, id, 0, mode, TL_EVF_TRY | TL_EVF_NONBLOCK, site);
    return rc;
}

int tl_rwlock_init_at(tl_rwlock *l, const char *name, const tl_site *site) {
    int rc = TL_REAL(pthread_rwlock_init)(&l->rw, NULL);
    if (rc != 0) return rc;
    uint32_t id = tl__obj_register(TL_OBJ_RWLOCK, 0, l, name, (uintptr_t)site, 0, 0);
    __atomic_store_n(&l->id, id, __ATOMIC_RELEASE);
    return 0;
}

int tl_rwlock_rdlock_at(tl_rwlock *l, const tl_site *site) {
    return rwlock_acquire(l, TL_MODE_READ, NULL, site);
}

int tl_rwlock_wrlock_at(tl_rwlock *l, const tl_site *site) {
    return rwlock_acquire(l, TL_MODE_WRITE, NULL, site);
}

int tl_rwlock_tryrdlock_at(tl_rwlock *l, const tl_site *site) {
    return rwlock_tryacquire(l, TL_MODE_READ, site);
}

int tl_rwlock_trywrlock_at(tl_rwlock *l, const tl_site *site) {
    return rwlock_tryacquire(l, TL_MODE_WRITE, site);
}

int tl_rwlock_timedrdlock_at(tl_rwlock *l, const struct timespec *abstime, const tl_site *site) {
    return rwlock_acquire(l, TL_MODE_READ, abstime, site);
}

int tl_rwlock_timedwrlock_at(tl_rwlock *l, const struct timespec *abstime, const tl_site *site) {
    return rwlock_acquire(l, TL_MODE_WRITE, abstime, site);
}

/* Recorded before the real unlock, while the lock is still held. */
int tl_rwlock_unlock_at(tl_rwlock *l, const tl_site *site) {
    uint32_t id = rwlock_id(l);
    tl__record(TL_EV_LOCK_RELEASE, id, 0, 0, 0, site);
    return tl__call_error(TL_REAL(pthread_rwlock_unlock)(&l->rw), id, TL_CALL_RWLOCK_UNLOCK, site);
}

int tl_rwlock_destroy_at(tl_rwlock *l, const tl_site *site) {
    tl__obj_destroying(&l->id, site);
    return tl__obj_forget(&l->id, TL_REAL(pthread_rwlock_destroy)(&l->rw));
}
