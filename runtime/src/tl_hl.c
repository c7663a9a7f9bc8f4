/*
 * tl_hl.c — the higher-level tools' own locks and timed waits (tl_hl.h).
 */
#include <string.h>

#include "tl_hl.h"

static void check(int rc, const char *what) {
    if (rc) tl__die("%s failed: %s (a bug in threadlens)", what, strerror(rc));
}

void tl__hl_init(pthread_mutex_t *m, pthread_cond_t *c, unsigned nconds) {
    check(TL_REAL(pthread_mutex_init)(m, NULL), "pthread_mutex_init");
    pthread_condattr_t a;
    check(pthread_condattr_init(&a), "pthread_condattr_init");
    check(pthread_condattr_setclock(&a, CLOCK_MONOTONIC), "pthread_condattr_setclock");
    for (unsigned i = 0; i < nconds; i++)
        check(TL_REAL(pthread_cond_init)(&c[i], &a), "pthread_cond_init");
    pthread_condattr_destroy(&a);
}

void tl__hl_fini(pthread_mutex_t *m, pthread_cond_t *c, unsigned nconds) {
    for (unsigned i = 0; i < nconds; i++) TL_REAL(pthread_cond_destroy)(&c[i]);
    TL_REAL(pthread_mutex_destroy)(m);
}

uint64_t tl__hl_deadline(uint64_t timeout_ns) {
    uint64_t now = tl__mono_ns();
    return timeout_ns >= TL_HL_FOREVER - now ? TL_HL_FOREVER - 1 : now + timeout_ns;
}

int tl__hl_wait(pthread_cond_t *c, pthread_mutex_t *m, uint64_t deadline) {
    if (deadline == TL_HL_FOREVER) {
        check(TL_REAL(pthread_cond_wait)(c, m), "pthread_cond_wait");
        return 0;
    }
    if (tl__mono_ns() >= deadline) return ETIMEDOUT;
    struct timespec ts = {(time_t)(deadline / 1000000000u), (long)(deadline % 1000000000u)};
    int rc = TL_REAL(pthread_cond_timedwait)(c, m, &ts);
    if (rc && rc != ETIMEDOUT) check(rc, "pthread_cond_timedwait");
    return rc;
}

void tl__hl_signal(pthread_cond_t *c) {
    check(TL_REAL(pthread_cond_signal)(c), "pthread_cond_signal");
}

void tl__hl_broadcast(pthread_cond_t *c) {
    check(TL_REAL(pthread_cond_broadcast)(c), "pthread_cond_broadcast");
}
