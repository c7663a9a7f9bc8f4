/*
 * tl_preload_sem.c — sem_* (unnamed and named) and pthread_barrier_*
 * wrappers.
 *
 * Semaphores report failure through errno: recording may touch errno
 * (registration, the clock, waking the writer), so it is saved around
 * everything we do and the program sees exactly what the real call left.
 * Waits are try-first like the locks; EINTR is returned, not retried.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>

#include "tl_preload.h"

enum { WAIT_PLAIN, WAIT_TIMED, WAIT_CLOCK };

static uint32_t sem_obj(sem_t *s) {
    uint32_t id = tl__pl_obj_known(s, TL_OBJ_SEM);
    if (TL_LIKELY(id != 0)) return id;
    int value = 0; /* first seen now: start the token count where it is */
    sem_getvalue(s, &value);
    return tl__pl_obj_slow(s, TL_OBJ_SEM, 0, value > 0 ? (uint64_t)value : 0);
}

static int real_wait(sem_t *s, int how, clockid_t clk, const struct timespec *abs) {
    switch (how) {
    case WAIT_TIMED: return TL_REAL(sem_timedwait)(s, abs);
    case WAIT_CLOCK: return TL_REAL(sem_clockwait)(s, clk, abs);
    default: return TL_REAL(sem_wait)(s);
    }
}

/* glibc's waits check a pending cancellation, the clock and the deadline
 * before they take a token; sem_trywait checks none of them, so the try
 * first must not skip those checks: a waiting thread with a pending cancel
 * is cancelled, and a bad deadline or clock fails with EINVAL, exactly as
 * without us. */
static int try_allowed(int how, clockid_t clk, const struct timespec *abs) {
    pthread_testcancel();
    if (how == WAIT_CLOCK && clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC) return 0;
    if (how != WAIT_PLAIN && (!abs || abs->tv_nsec < 0 || abs->tv_nsec >= 1000000000)) return 0;
    return 1;
}

static int acquire(tl_thread_rec *t, sem_t *s, int how, clockid_t clk,
                   const struct timespec *abs, uint64_t pc) {
    int saved = errno;
    uint32_t id = sem_obj(s);
    if (!try_allowed(how, clk, abs)) {
        errno = saved;
        return real_wait(s, how, clk, abs); /* it fails at once, or is cancelled */
    }
    if (TL_REAL(sem_trywait)(s) == 0) {
        tl__pl_record(t, TL_EV_SEM_ACQUIRE, id, 0, 0, TL_EVF_TRY, pc);
        errno = saved;
        return 0;
    }
    tl__pl_record(t, TL_EV_SEM_WAIT, id, 0, 0, how != WAIT_PLAIN ? TL_EVF_TIMED : 0, pc);
    errno = saved; /* the try's EAGAIN is ours, not the program's */
    int rc = real_wait(s, how, clk, abs);
    saved = errno;
    if (rc == 0) tl__pl_record(t, TL_EV_SEM_ACQUIRE, id, 0, 0, 0, pc);
    else tl__pl_record(t, TL_EV_SEM_FAIL, id, (uint64_t)saved, 0, 0, pc);
    errno = saved;
    return rc;
}

TL_WRAP int sem_init(sem_t *s, int pshared, unsigned value) {
    int rc = TL_REAL(sem_init)(s, pshared, value);
    if (rc != 0) return rc;
    TL_PL_ENTER(t, 0);
    int saved = errno;
    tl__pl_obj_init(t, s, TL_OBJ_SEM, 0, value, TL_PL_PC, pshared != 0);
    errno = saved;
    return 0;
}

TL_WRAP int sem_destroy(sem_t *s) {
    uint64_t pc = TL_PL_PC;
    tl__pl_destroy_check(s, TL_OBJ_SEM, pc);
    int rc = TL_REAL(sem_destroy)(s);
    if (rc != 0) {
        tl__pl_call_error(errno, s, TL_OBJ_SEM, TL_CALL_SEM_DESTROY, pc);
        return rc;
    }
    TL_PL_ENTER(t, 0);
    int saved = errno;
    tl__pl_obj_destroy(t, s, pc);
    errno = saved;
    return 0;
}

TL_WRAP int sem_wait(sem_t *s) {
    TL_PL_ENTER(t, TL_REAL(sem_wait)(s));
    return acquire(t, s, WAIT_PLAIN, 0, NULL, TL_PL_PC);
}

TL_WRAP int sem_timedwait(sem_t *s, const struct timespec *abs) {
    TL_PL_ENTER(t, TL_REAL(sem_timedwait)(s, abs));
    return acquire(t, s, WAIT_TIMED, 0, abs, TL_PL_PC);
}

TL_WRAP int sem_clockwait(sem_t *s, clockid_t clk, const struct timespec *abs) {
    TL_PL_ENTER(t, TL_REAL(sem_clockwait)(s, clk, abs));
    return acquire(t, s, WAIT_CLOCK, clk, abs, TL_PL_PC);
}

/* EAGAIN records nothing: the program did not wait. */
TL_WRAP int sem_trywait(sem_t *s) {
    TL_PL_ENTER(t, TL_REAL(sem_trywait)(s));
    int saved = errno;
    uint32_t id = sem_obj(s);
    errno = saved;
    int rc = TL_REAL(sem_trywait)(s);
    saved = errno;
    if (rc == 0) tl__pl_record(t, TL_EV_SEM_ACQUIRE, id, 0, 0, TL_EVF_TRY | TL_EVF_NONBLOCK, TL_PL_PC);
    errno = saved;
    return rc;
}

/* Recorded before the real post so it orders before the wait it releases. */
TL_WRAP int sem_post(sem_t *s) {
    TL_PL_ENTER(t, TL_REAL(sem_post)(s));
    int saved = errno;
    uint32_t id = sem_obj(s);
    uint64_t pc = TL_PL_PC;
    tl__pl_record(t, TL_EV_SEM_POST, id, 0, 0, 0, pc);
    errno = saved;
    int rc = TL_REAL(sem_post)(s);
    if (TL_UNLIKELY(rc != 0)) {
        saved = errno;
        tl__pl_record(t, TL_EV_CALL_ERROR, id, (uint64_t)saved, TL_CALL_SEM_POST, 0, pc);
        errno = saved;
    }
    return rc;
}

/* A named semaphore is an object from its open (the value it has then) to
 * its close; sem_unlink only removes the name. Opening the same name twice
 * returns the same address, which then stays one object. */
TL_WRAP sem_t *sem_open(const char *name, int oflag, ...) {
    mode_t mode = 0;
    unsigned value = 0;
    if (oflag & O_CREAT) {
        va_list ap;
        va_start(ap, oflag);
        mode = (mode_t)va_arg(ap, unsigned);
        value = va_arg(ap, unsigned);
        va_end(ap);
    }
    sem_t *s = TL_REAL(sem_open)(name, oflag, mode, value);
    if (s == SEM_FAILED) return s;
    TL_PL_ENTER(t, s);
    int saved = errno, now = 0;
    tl_amslot *slot = tl__addrmap_find(&tl__pl_objs, (uintptr_t)s);
    if (!slot || atomic_load_explicit(&slot->id, memory_order_acquire) == 0) {
        sem_getvalue(s, &now);
        tl__pl_obj_init(t, s, TL_OBJ_SEM, 0, now > 0 ? (uint64_t)now : 0, TL_PL_PC, 1);
    }
    errno = saved;
    return s;
}

TL_WRAP int sem_close(sem_t *s) {
    TL_PL_ENTER(t, TL_REAL(sem_close)(s));
    int saved = errno;
    tl__pl_obj_destroy(t, s, TL_PL_PC); /* before: the mapping goes away */
    errno = saved;
    return TL_REAL(sem_close)(s);
}

/* ---- barriers --------------------------------------------------------------- */

TL_WRAP int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr,
                                 unsigned count) {
    int rc = TL_REAL(pthread_barrier_init)(b, attr, count);
    if (rc != 0) return rc;
    TL_PL_ENTER(t, 0);
    int ps = 0;
    if (attr) pthread_barrierattr_getpshared(attr, &ps);
    tl__pl_obj_init(t, b, TL_OBJ_BARRIER, 0, count, TL_PL_PC, ps == PTHREAD_PROCESS_SHARED);
    return 0;
}

TL_WRAP int pthread_barrier_destroy(pthread_barrier_t *b) {
    uint64_t pc = TL_PL_PC;
    tl__pl_destroy_check(b, TL_OBJ_BARRIER, pc);
    int rc = TL_REAL(pthread_barrier_destroy)(b);
    if (rc != 0) return tl__pl_call_error(rc, b, TL_OBJ_BARRIER, TL_CALL_BARRIER_DESTROY, pc);
    TL_PL_ENTER(t, 0);
    tl__pl_obj_destroy(t, b, pc);
    return 0;
}

/* LEAVE is recorded whatever the wait returned: the thread did arrive. */
TL_WRAP int pthread_barrier_wait(pthread_barrier_t *b) {
    TL_PL_ENTER(t, TL_REAL(pthread_barrier_wait)(b));
    uint64_t pc = TL_PL_PC;
    uint32_t id = tl__pl_obj(b, TL_OBJ_BARRIER, 0);
    tl__pl_record(t, TL_EV_BARRIER_ARRIVE, id, 0, 0, 0, pc);
    int rc = TL_REAL(pthread_barrier_wait)(b);
    tl__pl_record(t, TL_EV_BARRIER_LEAVE, id, 0, rc == PTHREAD_BARRIER_SERIAL_THREAD, 0, pc);
    return rc;
}
