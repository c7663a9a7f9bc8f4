/*
 * tl_preload_cond.c — pthread_cond_* wrappers, for both ABIs glibc keeps.
 *
 * glibc 2.3.2 replaced the condition variable and kept the old functions
 * under version GLIBC_2.2.5 for binaries linked before that: such a binary
 * must reach the old implementation (the new one crashes on its objects).
 * So each function exists here twice, bound to each version through
 * .symver and tl_preload.map; both record the same events, keyed by the
 * program's address. pthread_cond_clockwait only exists in the new ABI.
 *
 * A wait is COND_WAIT (the mutex is given up inside) and COND_WAKE (held
 * again), both recorded while the mutex is held. A thread cancelled inside
 * the wait leaves through the cleanup handler, after glibc re-acquired the
 * mutex: it records COND_WAKE with ECANCELED, so the trace does not believe
 * the mutex is still free.
 */
#define _GNU_SOURCE
#include "tl_preload.h"

typedef struct wait_call {
    tl_thread_rec *t;
    uint32_t cid, mid;
    uint64_t pc;
} wait_call;

enum { WAIT_PLAIN, WAIT_TIMED, WAIT_CLOCK };

static void on_cancel(void *p) {
    wait_call *w = p;
    tl__pl_record(w->t, TL_EV_COND_WAKE, w->cid, w->mid, ECANCELED, 0, w->pc);
}

static int real_wait(int old, int how, pthread_cond_t *c, pthread_mutex_t *m, clockid_t clk,
                     const struct timespec *abs) {
    switch (how) {
    case WAIT_TIMED:
        return old ? TL_REAL(pthread_cond_timedwait_old)(c, m, abs)
                   : TL_REAL(pthread_cond_timedwait)(c, m, abs);
    case WAIT_CLOCK: return TL_REAL(pthread_cond_clockwait)(c, m, clk, abs);
    default:
        return old ? TL_REAL(pthread_cond_wait_old)(c, m) : TL_REAL(pthread_cond_wait)(c, m);
    }
}

static int traced_wait(tl_thread_rec *t, int old, int how, pthread_cond_t *c, pthread_mutex_t *m,
                clockid_t clk, const struct timespec *abs, uint64_t pc) {
    wait_call w = {t, tl__pl_obj(c, TL_OBJ_COND, 0), tl__pl_obj(m, TL_OBJ_MUTEX, tl__pl_mutex_kind(m)),
                   pc};
    tl__pl_record(t, TL_EV_COND_WAIT, w.cid, w.mid, 0, how != WAIT_PLAIN ? TL_EVF_TIMED : 0, pc);
    int rc;
    pthread_cleanup_push(on_cancel, &w);
    rc = real_wait(old, how, c, m, clk, abs);
    pthread_cleanup_pop(0);
    tl__pl_record(t, TL_EV_COND_WAKE, w.cid, w.mid, (unsigned)rc, 0, pc);
    return rc;
}

static int init(int old, pthread_cond_t *c, const pthread_condattr_t *attr, uint64_t pc) {
    int rc = old ? TL_REAL(pthread_cond_init_old)(c, attr) : TL_REAL(pthread_cond_init)(c, attr);
    if (rc != 0) return rc;
    TL_PL_ENTER(t, 0);
    int ps = 0;
    if (attr) pthread_condattr_getpshared(attr, &ps);
    tl__pl_obj_init(t, c, TL_OBJ_COND, 0, 0, pc, ps == PTHREAD_PROCESS_SHARED);
    return 0;
}

static int destroy(int old, pthread_cond_t *c, uint64_t pc) {
    tl__pl_destroy_check(c, TL_OBJ_COND, pc);
    int rc = old ? TL_REAL(pthread_cond_destroy_old)(c) : TL_REAL(pthread_cond_destroy)(c);
    if (rc != 0) return tl__pl_call_error(rc, c, TL_OBJ_COND, TL_CALL_COND_DESTROY, pc);
    tl_thread_rec *t = tl__pl_self();
    if (t) tl__pl_obj_destroy(t, c, pc);
    return rc;
}

/* Recorded before the real call so it orders before the wake it causes. */
static int wake(int old, int all, pthread_cond_t *c, uint64_t pc) {
    tl_thread_rec *t = tl__pl_self();
    if (t)
        tl__pl_record(t, all ? TL_EV_COND_BROADCAST : TL_EV_COND_SIGNAL,
                      tl__pl_obj(c, TL_OBJ_COND, 0), 0, 0, 0, pc);
    if (all) return old ? TL_REAL(pthread_cond_broadcast_old)(c) : TL_REAL(pthread_cond_broadcast)(c);
    return old ? TL_REAL(pthread_cond_signal_old)(c) : TL_REAL(pthread_cond_signal)(c);
}

/* ---- the exported functions, two per name -------------------------------- */

#define TL_COND_VERSIONS(name)                                                 \
    __asm__(".symver tl__" #name "_new, pthread_" #name "@@GLIBC_2.3.2");      \
    __asm__(".symver tl__" #name "_old, pthread_" #name "@GLIBC_2.2.5")

TL_COND_VERSIONS(cond_init);
TL_COND_VERSIONS(cond_destroy);
TL_COND_VERSIONS(cond_wait);
TL_COND_VERSIONS(cond_timedwait);
TL_COND_VERSIONS(cond_signal);
TL_COND_VERSIONS(cond_broadcast);

#define TL_COND_PAIR(ret, name, params, body_new, body_old)              \
    TL_WRAP ret tl__##name##_new params;                                       \
    TL_WRAP ret tl__##name##_old params;                                       \
    ret tl__##name##_new params { body_new; }                                  \
    ret tl__##name##_old params { body_old; }

TL_COND_PAIR(int, cond_init, (pthread_cond_t *c, const pthread_condattr_t *a),
             return init(0, c, a, TL_PL_PC), return init(1, c, a, TL_PL_PC))
TL_COND_PAIR(int, cond_destroy, (pthread_cond_t *c),
             return destroy(0, c, TL_PL_PC), return destroy(1, c, TL_PL_PC))
TL_COND_PAIR(int, cond_signal, (pthread_cond_t *c),
             return wake(0, 0, c, TL_PL_PC), return wake(1, 0, c, TL_PL_PC))
TL_COND_PAIR(int, cond_broadcast, (pthread_cond_t *c),
             return wake(0, 1, c, TL_PL_PC), return wake(1, 1, c, TL_PL_PC))
TL_COND_PAIR(int, cond_wait, (pthread_cond_t *c, pthread_mutex_t *m),
             TL_PL_ENTER(t, TL_REAL(pthread_cond_wait)(c, m));
             return traced_wait(t, 0, WAIT_PLAIN, c, m, 0, NULL, TL_PL_PC),
             TL_PL_ENTER(t, TL_REAL(pthread_cond_wait_old)(c, m));
             return traced_wait(t, 1, WAIT_PLAIN, c, m, 0, NULL, TL_PL_PC))
TL_COND_PAIR(int, cond_timedwait,
             (pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abs),
             TL_PL_ENTER(t, TL_REAL(pthread_cond_timedwait)(c, m, abs));
             return traced_wait(t, 0, WAIT_TIMED, c, m, 0, abs, TL_PL_PC),
             TL_PL_ENTER(t, TL_REAL(pthread_cond_timedwait_old)(c, m, abs));
             return traced_wait(t, 1, WAIT_TIMED, c, m, 0, abs, TL_PL_PC))

TL_WRAP int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clk,
                                   const struct timespec *abs) {
    TL_PL_ENTER(t, TL_REAL(pthread_cond_clockwait)(c, m, clk, abs));
    return traced_wait(t, 0, WAIT_CLOCK, c, m, clk, abs, TL_PL_PC);
}
