/*
 * tl_preload_thread.c — pthread_create / join / detach / exit / cancel /
 * setname wrappers.
 *
 * A thread created here starts in a trampoline that binds the record the
 * creator prepared (so THREAD_CREATE names the new id before the thread
 * exists), like tl_thread.c; the record itself carries the program's
 * function and argument, so creating a thread allocates nothing. THREAD_END
 * comes from the registry's thread-exit destructor, whichever way the
 * thread ends (return, pthread_exit, cancellation).
 *
 * Joins and renames find their target's trace id by pthread_t
 * (tl__pl_threads). Both the new thread and its creator store it, since a
 * join or pthread_setname_np may come before the new thread ran at all; as
 * glibc reuses the pthread_t of ended threads, a store only ever raises the
 * id (ids grow), so a late store cannot hide a newer thread. Threads created
 * by libc itself or before tracing started are unknown there: their joins
 * carry no target.
 */
#define _GNU_SOURCE
#include "tl_preload.h"

static void remember(pthread_t th, uint32_t id) {
    tl_amslot *s = tl__addrmap_insert(&tl__pl_threads, (uint64_t)th);
    if (!s) return;
    uint32_t old = atomic_load_explicit(&s->id, memory_order_relaxed);
    while (old < id && !atomic_compare_exchange_weak_explicit(&s->id, &old, id,
                                                              memory_order_release,
                                                              memory_order_relaxed)) {
    }
}

static void *trampoline(void *p) {
    tl_thread_rec *rec = p;
    void *(*fn)(void *) = rec->start_fn;
    void *arg = rec->start_arg;
    tl__thread_attach(rec);
    remember(pthread_self(), rec->id);
    return fn(arg);
}

TL_WRAP int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *),
                           void *arg) {
    TL_PL_ENTER(t, TL_REAL(pthread_create)(th, attr, fn, arg));
    uint64_t pc = TL_PL_PC;
    tl_thread_rec *rec = tl__thread_prepare(NULL, t->id, pc, TL_EVF_PC);
    if (!rec) return TL_REAL(pthread_create)(th, attr, fn, arg);
    rec->start_fn = fn;
    rec->start_arg = arg;
    tl__pl_record(t, TL_EV_THREAD_CREATE, 0, rec->id, 0, 0, pc);
    int rc = TL_REAL(pthread_create)(th, attr, trampoline, rec);
    if (rc != 0) {
        tl__thread_abandon(rec);
        return rc;
    }
    remember(*th, rec->id);
    int ds;
    /* Created detached: joining it is misuse, and never a wait. */
    if (attr && pthread_attr_getdetachstate(attr, &ds) == 0 && ds == PTHREAD_CREATE_DETACHED)
        tl__pl_record(t, TL_EV_THREAD_DETACH, 0, rec->id, 0, 0, pc);
    return 0;
}

/* ---- joins -------------------------------------------------------------------- */

typedef struct join_call {
    tl_thread_rec *t;
    uint32_t target;
    uint64_t pc;
} join_call;

static void on_cancel(void *p) {
    join_call *j = p;
    tl__pl_record(j->t, TL_EV_JOIN_END, 0, j->target, ECANCELED, 0, j->pc);
}

enum { JOIN_PLAIN, JOIN_TIMED, JOIN_CLOCK };

static int real_join(pthread_t th, void **ret, int how, clockid_t clk,
                     const struct timespec *abs) {
    switch (how) {
    case JOIN_TIMED: return TL_REAL(pthread_timedjoin_np)(th, ret, abs);
    case JOIN_CLOCK: return TL_REAL(pthread_clockjoin_np)(th, ret, clk, abs);
    default: return TL_REAL(pthread_join)(th, ret);
    }
}

/* A join is a cancellation point: leaving through the cleanup handler
 * still ends the joining slice. */
static int traced_join(tl_thread_rec *t, pthread_t th, void **ret, int how, clockid_t clk,
                       const struct timespec *abs, uint64_t pc) {
    /* The main thread is not in the map (nobody created it). */
    join_call j = {t, pthread_equal(th, pthread_self()) ? t->id : tl__pl_thread_id(th), pc};
    tl__pl_record(t, TL_EV_JOIN_BEGIN, 0, j.target, 0, how != JOIN_PLAIN ? TL_EVF_TIMED : 0, pc);
    int rc;
    pthread_cleanup_push(on_cancel, &j);
    rc = real_join(th, ret, how, clk, abs);
    pthread_cleanup_pop(0);
    tl__pl_record(t, TL_EV_JOIN_END, 0, j.target, (unsigned)rc, 0, pc);
    return rc;
}

TL_WRAP int pthread_join(pthread_t th, void **ret) {
    TL_PL_ENTER(t, TL_REAL(pthread_join)(th, ret));
    return traced_join(t, th, ret, JOIN_PLAIN, 0, NULL, TL_PL_PC);
}

TL_WRAP int pthread_timedjoin_np(pthread_t th, void **ret, const struct timespec *abs) {
    TL_PL_ENTER(t, TL_REAL(pthread_timedjoin_np)(th, ret, abs));
    return traced_join(t, th, ret, JOIN_TIMED, 0, abs, TL_PL_PC);
}

TL_WRAP int pthread_clockjoin_np(pthread_t th, void **ret, clockid_t clk,
                                 const struct timespec *abs) {
    TL_PL_ENTER(t, TL_REAL(pthread_clockjoin_np)(th, ret, clk, abs));
    return traced_join(t, th, ret, JOIN_CLOCK, clk, abs, TL_PL_PC);
}

/* Does not block: only a join that happened is recorded. */
TL_WRAP int pthread_tryjoin_np(pthread_t th, void **ret) {
    TL_PL_ENTER(t, TL_REAL(pthread_tryjoin_np)(th, ret));
    uint32_t target = tl__pl_thread_id(th);
    int rc = TL_REAL(pthread_tryjoin_np)(th, ret);
    if (rc == 0) {
        uint64_t pc = TL_PL_PC;
        tl__pl_record(t, TL_EV_JOIN_BEGIN, 0, target, 0, TL_EVF_TIMED, pc);
        tl__pl_record(t, TL_EV_JOIN_END, 0, target, 0, 0, pc);
    }
    return rc;
}

/* ---- the rest ----------------------------------------------------------------- */

TL_WRAP int pthread_detach(pthread_t th) {
    TL_PL_ENTER(t, TL_REAL(pthread_detach)(th));
    uint32_t target = tl__pl_thread_id(th);
    int rc = TL_REAL(pthread_detach)(th);
    if (rc == 0 && target != 0) tl__pl_record(t, TL_EV_THREAD_DETACH, 0, target, 0, 0, TL_PL_PC);
    if (rc != 0) tl__pl_record(t, TL_EV_CALL_ERROR, 0, (uint64_t)rc, TL_CALL_DETACH, 0, TL_PL_PC);
    return rc;
}

/* Nothing to record: the thread ends in the exit-key destructor. Wrapped
 * only so the call cannot bypass the runtime's view of the thread. */
TL_WRAP void pthread_exit(void *ret) {
    TL_REAL(pthread_exit)(ret);
    __builtin_unreachable();
}

/* The cancellation shows where it lands (the target's wait ends with
 * ECANCELED); here only a mark on the canceller's track. */
TL_WRAP int pthread_cancel(pthread_t th) {
    TL_PL_ENTER(t, TL_REAL(pthread_cancel)(th));
    tl__pl_record(t, TL_EV_MARK, 0, (uintptr_t) "pthread_cancel", 0, 0, TL_PL_PC);
    return TL_REAL(pthread_cancel)(th);
}

TL_WRAP int pthread_setname_np(pthread_t th, const char *name) {
    int rc = TL_REAL(pthread_setname_np)(th, name);
    if (rc != 0) return rc;
    TL_PL_ENTER(t, 0);
    if (pthread_equal(th, pthread_self())) {
        tl__thread_rename(t, name);
    } else {
        tl_thread_rec *target = tl__thread_get(tl__pl_thread_id(th));
        if (target) tl__thread_rename_other(t, target, name);
    }
    return 0;
}
