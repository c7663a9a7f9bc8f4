/*
 * tl_hl.h — what the higher-level tools (tl_queue.c, tl_pool.c, tl_flag.c,
 * tl_timer.c) share: their own locks and timed waits, and recording.
 *
 * These tools are built on the real pthread calls, not on tl_mutex and
 * tl_cond: the trace shows what the program asked for (a get, a task, a
 * set), not the locks inside our implementation, and the detectors judge
 * the program's locks only. Each tool records its own events (tl_event.h)
 * under its lock, so their order is the real one, and orders memory for
 * the race detector with tl__hb_release / tl__hb_acquire on its address.
 */
#ifndef TL_HL_H
#define TL_HL_H

#include "tl_race.h"

#define TL_HL_FOREVER UINT64_MAX

/* A mutex and a condition on CLOCK_MONOTONIC (a timeout is not moved by
 * a change of the wall clock). Failure is a bug: tl__die. */
TL_INTERNAL void tl__hl_init(pthread_mutex_t *m, pthread_cond_t *c, unsigned nconds);
TL_INTERNAL void tl__hl_fini(pthread_mutex_t *m, pthread_cond_t *c, unsigned nconds);
/* CLOCK_MONOTONIC ns at which a wait of timeout_ns from now ends. */
TL_INTERNAL uint64_t tl__hl_deadline(uint64_t timeout_ns);
/* One wait on c (m held), until woken or the deadline (TL_HL_FOREVER: no
 * deadline). Returns 0 or ETIMEDOUT; callers loop on their condition. */
TL_INTERNAL int tl__hl_wait(pthread_cond_t *c, pthread_mutex_t *m, uint64_t deadline);
TL_INTERNAL void tl__hl_signal(pthread_cond_t *c);
TL_INTERNAL void tl__hl_broadcast(pthread_cond_t *c);

/* Records an event of an object that registered (id 0: the registry was
 * full or tracing is off, and there is nothing to draw it on). */
static inline void tl__hl_record(unsigned kind, uint32_t obj, uint64_t arg, unsigned aux,
                                 unsigned flags, const tl_site *site) {
    if (obj) tl__record(kind, obj, arg, aux, flags, site);
}

/* A local event with a second payload (TASK_LABEL, TASK_FAIL). */
static inline void tl__hl_record_val(unsigned kind, uint32_t obj, uint64_t arg, uint64_t val,
                                     uint64_t site, unsigned flags) {
    tl_thread_rec *t = obj ? tl__self() : NULL;
    if (t) tl__record_in(t, kind, obj, arg, 0, flags, site, val);
}

#endif /* TL_HL_H */
