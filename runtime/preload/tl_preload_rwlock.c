/*
 * tl_preload_rwlock.c — pthread_rwlock_* and pthread_spin_* wrappers.
 *
 * The same try-first scheme as mutexes (tl_preload_mutex.c), with the mode
 * in aux; unlock cannot tell which mode it releases, and the writer knows.
 */
#define _GNU_SOURCE
#include "tl_preload.h"

enum { BLOCK_PLAIN, BLOCK_TIMED, BLOCK_CLOCK };

static int real_try(pthread_rwlock_t *l, unsigned mode) {
    return mode == TL_MODE_READ ? TL_REAL(pthread_rwlock_tryrdlock)(l)
                                : TL_REAL(pthread_rwlock_trywrlock)(l);
}

static int real_block(pthread_rwlock_t *l, unsigned mode, int how, clockid_t clk,
                      const struct timespec *abs) {
    int rd = mode == TL_MODE_READ;
    switch (how) {
    case BLOCK_TIMED:
        return rd ? TL_REAL(pthread_rwlock_timedrdlock)(l, abs)
                  : TL_REAL(pthread_rwlock_timedwrlock)(l, abs);
    case BLOCK_CLOCK:
        return rd ? TL_REAL(pthread_rwlock_clockrdlock)(l, clk, abs)
                  : TL_REAL(pthread_rwlock_clockwrlock)(l, clk, abs);
    default:
        return rd ? TL_REAL(pthread_rwlock_rdlock)(l) : TL_REAL(pthread_rwlock_wrlock)(l);
    }
}

static int acquire(tl_thread_rec *t, pthread_rwlock_t *l, unsigned mode, int how, clockid_t clk,
                   const struct timespec *abs, uint64_t pc) {
    uint32_t id = tl__pl_obj(l, TL_OBJ_RWLOCK, 0);
    if (real_try(l, mode) == 0) {
        tl__pl_record(t, TL_EV_LOCK_ACQUIRE, id, 0, mode, TL_EVF_TRY, pc);
        return 0;
    }
    tl__pl_record(t, TL_EV_LOCK_WAIT, id, 0, mode, how != BLOCK_PLAIN ? TL_EVF_TIMED : 0, pc);
    return tl__pl_lock_outcome(t, real_block(l, mode, how, clk, abs), id, mode, pc);
}

static int try_acquire(tl_thread_rec *t, pthread_rwlock_t *l, unsigned mode, uint64_t pc) {
    uint32_t id = tl__pl_obj(l, TL_OBJ_RWLOCK, 0);
    int rc = real_try(l, mode);
    if (rc == 0) tl__pl_record(t, TL_EV_LOCK_ACQUIRE, id, 0, mode, TL_EVF_TRY | TL_EVF_NONBLOCK, pc);
    return rc;
}

TL_WRAP int pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *attr) {
    int rc = TL_REAL(pthread_rwlock_init)(l, attr);
    if (rc != 0) return rc;
    TL_PL_ENTER(t, 0);
    int ps = 0;
    if (attr) pthread_rwlockattr_getpshared(attr, &ps);
    tl__pl_obj_init(t, l, TL_OBJ_RWLOCK, 0, 0, TL_PL_PC, ps == PTHREAD_PROCESS_SHARED);
    return 0;
}

TL_WRAP int pthread_rwlock_destroy(pthread_rwlock_t *l) {
    uint64_t pc = TL_PL_PC;
    tl__pl_destroy_check(l, TL_OBJ_RWLOCK, pc);
    int rc = TL_REAL(pthread_rwlock_destroy)(l);
    if (rc != 0) return tl__pl_call_error(rc, l, TL_OBJ_RWLOCK, TL_CALL_RWLOCK_DESTROY, pc);
    TL_PL_ENTER(t, 0);
    tl__pl_obj_destroy(t, l, pc);
    return 0;
}

TL_WRAP int pthread_rwlock_rdlock(pthread_rwlock_t *l) {
    TL_PL_ENTER(t, TL_REAL(pthread_rwlock_rdlock)(l));
    return acquire(t, l, TL_MODE_READ, BLOCK_PLAIN, 0, NULL, TL_PL_PC);
}

TL_WRAP int pthread_rwlock_wrlock(pthread_rwlock_t *l) {
    TL_PL_ENTER(t, TL_REAL(pthread_rwlock_wrlock)(l));
    return acquire(t, l, TL_MODE_WRITE, BLOCK_PLAIN, 0, NULL, TL_PL_PC);
}

TL_WRAP int pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *abs) {
    TL_PL_ENTER(t, TL_REAL(pthread_rwlock_timedrdlock)(l, abs));
    return acquire(t, l, TL_MODE_READ, BLOCK_TIMED, 0, abs, TL_PL_PC);
}

TL_WRAP int pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *abs) {
    TL_PL_ENTER(t, TL_REAL(pthread_rwlock_timedwrlock)(l, abs));
    return acquire(t, l, TL_MODE_WRITE, BLOCK_TIMED, 0, abs, TL_PL_PC);
}

/* An unsupported clock fails at once in glibc, even on a free lock: no try. */
TL_WRAP int pthread_rwlock_clockrdlock(pthread_rwlock_t *l, clockid_t clk,
                                       const struct timespec *abs) {
    TL_PL_ENTER(t, TL_REAL(pthread_rwlock_clockrdlock)(l, clk, abs));
    if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC)
        return TL_REAL(pthread_rwlock_clockrdlock)(l, clk, abs);
    return acquire(t, l, TL_MODE_READ, BLOCK_CLOCK, clk, abs, TL_PL_PC);
}

TL_WRAP int pthread_rwlock_clockwrlock(pthread_rwlock_t *l, clockid_t clk,
                                       const struct timespec *abs) {
    TL_PL_ENTER(t, TL_REAL(pthread_rwlock_clockwrlock)(l, clk, abs));
    if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC)
        return TL_REAL(pthread_rwlock_clockwrlock)(l, clk, abs);
    return acquire(t, l, TL_MODE_WRITE, BLOCK_CLOCK, clk, abs, TL_PL_PC);
}

/* A failed try records nothing: the program did not wait. */
TL_WRAP int pthread_rwlock_tryrdlock(pthread_rwlock_t *l) {
    TL_PL_ENTER(t, TL_REAL(pthread_rwlock_tryrdlock)(l));
    return try_acquire(t, l, TL_MODE_READ, TL_PL_PC);
}

TL_WRAP int pthread_rwlock_trywrlock(pthread_rwlock_t *l) {
    TL_PL_ENTER(t, TL_REAL(pthread_rwlock_trywrlock)(l));
    return try_acquire(t, l, TL_MODE_WRITE, TL_PL_PC);
}

TL_WRAP int pthread_rwlock_unlock(pthread_rwlock_t *l) {
    TL_PL_ENTER(t, TL_REAL(pthread_rwlock_unlock)(l));
    uint32_t id = tl__pl_obj(l, TL_OBJ_RWLOCK, 0);
    uint64_t pc = TL_PL_PC;
    tl__pl_record(t, TL_EV_LOCK_RELEASE, id, 0, 0, 0, pc);
    int rc = TL_REAL(pthread_rwlock_unlock)(l);
    if (TL_UNLIKELY(rc != 0)) tl__pl_record(t, TL_EV_CALL_ERROR, id, (uint64_t)rc, TL_CALL_RWLOCK_UNLOCK, 0, pc);
    return rc;
}

/* ---- spinlocks ------------------------------------------------------------- */

TL_WRAP int pthread_spin_init(pthread_spinlock_t *s, int pshared) {
    int rc = TL_REAL(pthread_spin_init)(s, pshared);
    if (rc != 0) return rc;
    TL_PL_ENTER(t, 0);
    tl__pl_obj_init(t, (const void *)s, TL_OBJ_SPIN, 0, 0, TL_PL_PC, pshared == PTHREAD_PROCESS_SHARED);
    return 0;
}

TL_WRAP int pthread_spin_destroy(pthread_spinlock_t *s) {
    uint64_t pc = TL_PL_PC;
    tl__pl_destroy_check((const void *)s, TL_OBJ_SPIN, pc);
    int rc = TL_REAL(pthread_spin_destroy)(s);
    if (rc != 0) return tl__pl_call_error(rc, (const void *)s, TL_OBJ_SPIN, TL_CALL_SPIN_DESTROY, pc);
    TL_PL_ENTER(t, 0);
    tl__pl_obj_destroy(t, (const void *)s, pc);
    return 0;
}

TL_WRAP int pthread_spin_lock(pthread_spinlock_t *s) {
    TL_PL_ENTER(t, TL_REAL(pthread_spin_lock)(s));
    uint64_t pc = TL_PL_PC;
    uint32_t id = tl__pl_obj((const void *)s, TL_OBJ_SPIN, 0);
    if (TL_REAL(pthread_spin_trylock)(s) == 0) {
        tl__pl_record(t, TL_EV_LOCK_ACQUIRE, id, 0, TL_MODE_WRITE, TL_EVF_TRY, pc);
        return 0;
    }
    tl__pl_record(t, TL_EV_LOCK_WAIT, id, 0, TL_MODE_WRITE, 0, pc);
    return tl__pl_lock_outcome(t, TL_REAL(pthread_spin_lock)(s), id, TL_MODE_WRITE, pc);
}

TL_WRAP int pthread_spin_trylock(pthread_spinlock_t *s) {
    TL_PL_ENTER(t, TL_REAL(pthread_spin_trylock)(s));
    uint32_t id = tl__pl_obj((const void *)s, TL_OBJ_SPIN, 0);
    int rc = TL_REAL(pthread_spin_trylock)(s);
    if (rc == 0) tl__pl_record(t, TL_EV_LOCK_ACQUIRE, id, 0, TL_MODE_WRITE, TL_EVF_TRY | TL_EVF_NONBLOCK, TL_PL_PC);
    return rc;
}

TL_WRAP int pthread_spin_unlock(pthread_spinlock_t *s) {
    TL_PL_ENTER(t, TL_REAL(pthread_spin_unlock)(s));
    uint32_t id = tl__pl_obj((const void *)s, TL_OBJ_SPIN, 0);
    tl__pl_record(t, TL_EV_LOCK_RELEASE, id, 0, 0, 0, TL_PL_PC);
    return TL_REAL(pthread_spin_unlock)(s);
}
