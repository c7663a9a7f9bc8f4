/*
 * tl_sem.c — tl_sem_*: unnamed POSIX semaphores, recorded.
 *
 * These follow sem_*: -1 with errno on failure. Registration and recording
 * may touch errno (allocation, clock, waking the writer), so everything we
 * do around the real call saves and restores it: the caller sees exactly the
 * errno the real sem_* call left. Waits are try-first like the locks.
 */
#include <errno.h>

#include "tl_internal.h"

static uint32_t sem_id(tl_sem *s) {
    int saved = errno;
    uint32_t id = tl__obj_lazy(&s->id, TL_OBJ_SEM, 0, s);
    errno = saved;
    return id;
}

static void sem_record(unsigned kind, uint32_t id, uint64_t arg, unsigned flags,
                       const tl_site *site) {
    int saved = errno;
    tl__record(kind, id, arg, 0, flags, site);
    errno = saved;
}

/* The slow path after a failed trywait (any failure, so the program gets the
 * blocking call's own error). EINTR is returned, not retried: the program
 * sees the interruption exactly as sem_wait reports it. */
static int sem_block(tl_sem *s, uint32_t id, const struct timespec *abstime,
                     const tl_site *site) {
    sem_record(TL_EV_SEM_WAIT, id, 0, abstime ? TL_EVF_TIMED : 0, site);
    int rc = abstime ? TL_REAL(sem_timedwait)(&s->s, abstime) : TL_REAL(sem_wait)(&s->s);
    if (rc == 0)
        sem_record(TL_EV_SEM_ACQUIRE, id, 0, 0, site);
    else
        sem_record(TL_EV_SEM_FAIL, id, (uint64_t)errno, 0, site);
    return rc;
}

/* wait and timedwait; abstime NULL waits without limit. */
static int sem_acquire(tl_sem *s, const struct timespec *abstime, const tl_site *site) {
    int saved = errno;
    uint32_t id = sem_id(s);
    if (TL_REAL(sem_trywait)(&s->s) == 0) {
        sem_record(TL_EV_SEM_ACQUIRE, id, 0, TL_EVF_TRY, site);
        return 0;
    }
    errno = saved; /* the try's EAGAIN is ours, not the program's */
    return sem_block(s, id, abstime, site);
}

/* Process-private: the API has no pshared argument. */
int tl_sem_init_at(tl_sem *s, unsigned value, const char *name, const tl_site *site) {
    if (TL_REAL(sem_init)(&s->s, 0, value) != 0) return -1;
    int saved = errno;
    uint32_t id = tl__obj_register(TL_OBJ_SEM, 0, s, name, (uintptr_t)site, 0, value);
    __atomic_store_n(&s->id, id, __ATOMIC_RELEASE);
    errno = saved;
    return 0;
}

int tl_sem_wait_at(tl_sem *s, const tl_site *site) {
    return sem_acquire(s, NULL, site);
}

int tl_sem_timedwait_at(tl_sem *s, const struct timespec *abstime, const tl_site *site) {
    return sem_acquire(s, abstime, site);
}

/* EAGAIN records nothing: the program did not wait. */
int tl_sem_trywait_at(tl_sem *s, const tl_site *site) {
    uint32_t id = sem_id(s);
    int rc = TL_REAL(sem_trywait)(&s->s);
    if (rc == 0) sem_record(TL_EV_SEM_ACQUIRE, id, 0, TL_EVF_TRY | TL_EVF_NONBLOCK, site);
    return rc;
}

/* Recorded before the real post so it orders before the wait it releases. */
int tl_sem_post_at(tl_sem *s, const tl_site *site) {
    uint32_t id = sem_id(s);
    sem_record(TL_EV_SEM_POST, id, 0, 0, site);
    int rc = TL_REAL(sem_post)(&s->s);
    if (rc != 0) {
        int err = errno;
        tl__record(TL_EV_CALL_ERROR, id, (uint64_t)err, TL_CALL_SEM_POST, 0, site);
        errno = err;
    }
    return rc;
}

int tl_sem_destroy_at(tl_sem *s, const tl_site *site) {
    tl__obj_destroying(&s->id, site);
    return tl__obj_forget(&s->id, TL_REAL(sem_destroy)(&s->s));
}
