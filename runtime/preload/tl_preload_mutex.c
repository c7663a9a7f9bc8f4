/*
 * tl_preload_mutex.c — pthread_mutex_* wrappers.
 *
 * Try first, like tl_mutex.c: a trylock that succeeds is an uncontended
 * acquisition; only when it fails is LOCK_WAIT recorded before the real
 * blocking call, so the trace shows waiting exactly where it happened. Any
 * try failure takes the slow path, so the program gets the blocking call's
 * own answer (EDEADLK, EINVAL, EAGAIN).
 */
#define _GNU_SOURCE
#include "tl_preload.h"

/* lock, timedlock, clocklock: which real call blocks. A clock glibc does
 * not support makes clocklock fail at once even when the mutex is free; the
 * try first would lock it instead, so such a call goes straight to glibc. */
enum { BLOCK_PLAIN, BLOCK_TIMED, BLOCK_CLOCK };

static int real_block(pthread_mutex_t *m, int how, clockid_t clk, const struct timespec *abs) {
    switch (how) {
    case BLOCK_TIMED: return TL_REAL(pthread_mutex_timedlock)(m, abs);
    case BLOCK_CLOCK: return TL_REAL(pthread_mutex_clocklock)(m, clk, abs);
    default: return TL_REAL(pthread_mutex_lock)(m);
    }
}

static int acquire(tl_thread_rec *t, pthread_mutex_t *m, int how, clockid_t clk,
                   const struct timespec *abs, uint64_t pc) {
    uint32_t id = tl__pl_obj(m, TL_OBJ_MUTEX, tl__pl_mutex_kind(m));
    int rc = TL_REAL(pthread_mutex_trylock)(m);
    if (rc == 0 || rc == EOWNERDEAD) {
        tl__pl_record(t, TL_EV_LOCK_ACQUIRE, id, 0, TL_MODE_WRITE, TL_EVF_TRY, pc);
        return rc;
    }
    tl__pl_record(t, TL_EV_LOCK_WAIT, id, 0, TL_MODE_WRITE, how != BLOCK_PLAIN ? TL_EVF_TIMED : 0, pc);
    return tl__pl_lock_outcome(t, real_block(m, how, clk, abs), id, TL_MODE_WRITE, pc);
}

TL_WRAP int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr) {
    int rc = TL_REAL(pthread_mutex_init)(m, attr);
    if (rc != 0) return rc;
    TL_PL_ENTER(t, 0);
    int ps = 0;
    if (attr) pthread_mutexattr_getpshared(attr, &ps);
    tl__pl_obj_init(t, m, TL_OBJ_MUTEX, tl__pl_mutex_kind(m), 0, TL_PL_PC, ps == PTHREAD_PROCESS_SHARED);
    return 0;
}

TL_WRAP int pthread_mutex_destroy(pthread_mutex_t *m) {
    uint64_t pc = TL_PL_PC;
    tl__pl_destroy_check(m, TL_OBJ_MUTEX, pc);
    int rc = TL_REAL(pthread_mutex_destroy)(m);
    /* EBUSY: still the same, live object */
    if (rc != 0) return tl__pl_call_error(rc, m, TL_OBJ_MUTEX, TL_CALL_MUTEX_DESTROY, pc);
    TL_PL_ENTER(t, 0);
    tl__pl_obj_destroy(t, m, pc);
    return 0;
}

TL_WRAP int pthread_mutex_lock(pthread_mutex_t *m) {
    TL_PL_ENTER(t, TL_REAL(pthread_mutex_lock)(m));
    return acquire(t, m, BLOCK_PLAIN, 0, NULL, TL_PL_PC);
}

TL_WRAP int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abs) {
    TL_PL_ENTER(t, TL_REAL(pthread_mutex_timedlock)(m, abs));
    return acquire(t, m, BLOCK_TIMED, 0, abs, TL_PL_PC);
}

TL_WRAP int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clk, const struct timespec *abs) {
    TL_PL_ENTER(t, TL_REAL(pthread_mutex_clocklock)(m, clk, abs));
    if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC)
        return TL_REAL(pthread_mutex_clocklock)(m, clk, abs);
    return acquire(t, m, BLOCK_CLOCK, clk, abs, TL_PL_PC);
}

/* EBUSY records nothing: the program did not wait. */
TL_WRAP int pthread_mutex_trylock(pthread_mutex_t *m) {
    TL_PL_ENTER(t, TL_REAL(pthread_mutex_trylock)(m));
    uint32_t id = tl__pl_obj(m, TL_OBJ_MUTEX, tl__pl_mutex_kind(m));
    int rc = TL_REAL(pthread_mutex_trylock)(m);
    if (rc == 0 || rc == EOWNERDEAD)
        tl__pl_record(t, TL_EV_LOCK_ACQUIRE, id, 0, TL_MODE_WRITE, TL_EVF_TRY | TL_EVF_NONBLOCK, TL_PL_PC);
    return rc;
}

/* Recorded before the real unlock, while the lock is still held, so its
 * sequence number falls inside the critical section. */
TL_WRAP int pthread_mutex_unlock(pthread_mutex_t *m) {
    TL_PL_ENTER(t, TL_REAL(pthread_mutex_unlock)(m));
    uint32_t id = tl__pl_obj(m, TL_OBJ_MUTEX, tl__pl_mutex_kind(m));
    uint64_t pc = TL_PL_PC;
    tl__pl_record(t, TL_EV_LOCK_RELEASE, id, 0, 0, 0, pc);
    int rc = TL_REAL(pthread_mutex_unlock)(m);
    if (TL_UNLIKELY(rc != 0)) tl__pl_record(t, TL_EV_CALL_ERROR, id, (uint64_t)rc, TL_CALL_MUTEX_UNLOCK, 0, pc);
    return rc;
}
