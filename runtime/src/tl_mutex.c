/*
 * tl_mutex.c — tl_mutex_*: pthread mutexes, recorded.
 *
 * Owns the mapping of tl_mutex_kind to pthread mutex types and the
 * try-first acquisition: a trylock that succeeds is an uncontended
 * LOCK_ACQUIRE (TL_EVF_TRY); only a failed try records LOCK_WAIT before the
 * real blocking call, so the trace shows waiting exactly when it happened.
 * Every function returns what the pthread call returned.
 */
#include <errno.h>

#include "tl_internal.h"

/* Statically initialized mutexes register on first use with their kind. */
static uint32_t mutex_id(tl_mutex *m) {
    return tl__obj_lazy(&m->id, TL_OBJ_MUTEX, m->kind, m);
}

/* No default: a new tl_mutex_kind fails the build here (-Wswitch). */
static int mutex_pthread_type(tl_mutex_kind kind, int *type) {
    switch (kind) {
    case TL_MUTEX_NORMAL: *type = PTHREAD_MUTEX_DEFAULT; return 0;
    case TL_MUTEX_RECURSIVE: *type = PTHREAD_MUTEX_RECURSIVE; return 0;
    case TL_MUTEX_ERRORCHECK: *type = PTHREAD_MUTEX_ERRORCHECK; return 0;
    }
    return EINVAL;
}

static int mutex_init_typed(pthread_mutex_t *pm, int type) {
    pthread_mutexattr_t attr;
    int rc = pthread_mutexattr_init(&attr);
    if (rc != 0) return rc;
    rc = pthread_mutexattr_settype(&attr, type);
    if (rc == 0) rc = TL_REAL(pthread_mutex_init)(pm, &attr);
    pthread_mutexattr_destroy(&attr);
    return rc;
}

/* The slow path after a failed try. Any try failure lands here, not only
 * EBUSY: the real blocking call then returns the error the program would
 * have seen (EINVAL, EAGAIN on recursion overflow, ...). */
static int mutex_block(tl_mutex *m, uint32_t id, const struct timespec *abstime,
                       const tl_site *site) {
    tl__record(TL_EV_LOCK_WAIT, id, 0, TL_MODE_WRITE, abstime ? TL_EVF_TIMED : 0, site);
    int rc = abstime ? TL_REAL(pthread_mutex_timedlock)(&m->m, abstime) : TL_REAL(pthread_mutex_lock)(&m->m);
    return tl__lock_outcome(rc, id, TL_MODE_WRITE, site);
}

/* lock and timedlock; abstime NULL blocks without limit. */
static int mutex_acquire(tl_mutex *m, const struct timespec *abstime, const tl_site *site) {
    uint32_t id = mutex_id(m);
    if (TL_REAL(pthread_mutex_trylock)(&m->m) == 0) {
        tl__record(TL_EV_LOCK_ACQUIRE, id, 0, TL_MODE_WRITE, TL_EVF_TRY, site);
        return 0;
    }
    return mutex_block(m, id, abstime, site);
}

int tl_mutex_init_at(tl_mutex *m, tl_mutex_kind kind, const char *name, const tl_site *site) {
    int type;
    int rc = mutex_pthread_type(kind, &type);
    if (rc != 0) return rc;
    rc = mutex_init_typed(&m->m, type);
    if (rc != 0) return rc;
    m->kind = (uint32_t)kind;
    uint32_t id = tl__obj_register(TL_OBJ_MUTEX, (unsigned)kind, m, name, (uintptr_t)site, 0, 0);
    __atomic_store_n(&m->id, id, __ATOMIC_RELEASE);
    return 0;
}

int tl_mutex_lock_at(tl_mutex *m, const tl_site *site) {
    return mutex_acquire(m, NULL, site);
}

int tl_mutex_timedlock_at(tl_mutex *m, const struct timespec *abstime, const tl_site *site) {
    return mutex_acquire(m, abstime, site);
}

/* EBUSY (or any failure) records nothing: the program did not wait. A
 * recursive re-entry succeeds and is a LOCK_ACQUIRE; the writer counts depth. */
int tl_mutex_trylock_at(tl_mutex *m, const tl_site *site) {
    uint32_t id = mutex_id(m);
    int rc = TL_REAL(pthread_mutex_trylock)(&m->m);
    if (rc == 0) tl__record(TL_EV_LOCK_ACQUIRE, id, 0, TL_MODE_WRITE, TL_EVF_TRY | TL_EVF_NONBLOCK, site);
    return rc;
}

/* Recorded before the real unlock so its sequence number is taken while the
 * lock is still held; a failing unlock (EPERM) is left for the writer. */
int tl_mutex_unlock_at(tl_mutex *m, const tl_site *site) {
    uint32_t id = mutex_id(m);
    tl__record(TL_EV_LOCK_RELEASE, id, 0, 0, 0, site);
    return tl__call_error(TL_REAL(pthread_mutex_unlock)(&m->m), id, TL_CALL_MUTEX_UNLOCK, site);
}

int tl_mutex_destroy_at(tl_mutex *m, const tl_site *site) {
    tl__obj_destroying(&m->id, site);
    return tl__obj_forget(&m->id, TL_REAL(pthread_mutex_destroy)(&m->m));
}
