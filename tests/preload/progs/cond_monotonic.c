/*
 * cond_monotonic.c — condition variables on CLOCK_MONOTONIC, as liblzma
 * uses them: pthread_condattr_setclock + pthread_cond_timedwait with a
 * monotonic deadline (timing out), and pthread_cond_clockwait timing out
 * and then woken by a signal. The program checks that no timed wait
 * returned before its deadline on the clock it named.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t mono_cond;
static pthread_cond_t clock_cond = PTHREAD_COND_INITIALIZER;
static int ready;
static atomic_int waiting;

static void expect(const char *what, int got, int want) {
    if (got != want) {
        printf("%s: got %d (%s), want %d\n", what, got, strerror(got), want);
        exit(1);
    }
}

static struct timespec in_ms(clockid_t clock, long ms) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    ts.tv_nsec += ms * 1000000L;
    ts.tv_sec += ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    return ts;
}

static void expect_past(const char *what, clockid_t clock, const struct timespec *deadline) {
    struct timespec now;
    clock_gettime(clock, &now);
    if (now.tv_sec < deadline->tv_sec || (now.tv_sec == deadline->tv_sec && now.tv_nsec < deadline->tv_nsec)) {
        printf("%s returned before its deadline\n", what);
        exit(1);
    }
}

static void *signaller(void *arg) {
    (void)arg;
    while (atomic_load(&waiting) < 1) sched_yield();
    usleep(20000); /* main is in its clockwait by now */
    pthread_mutex_lock(&state_lock);
    ready = 1;
    pthread_cond_signal(&clock_cond);
    pthread_mutex_unlock(&state_lock);
    return NULL;
}

int main(void) {
    pthread_condattr_t attr;
    expect("condattr_init", pthread_condattr_init(&attr), 0);
    expect("setclock", pthread_condattr_setclock(&attr, CLOCK_MONOTONIC), 0);
    expect("cond_init", pthread_cond_init(&mono_cond, &attr), 0);
    pthread_condattr_destroy(&attr);

    pthread_mutex_lock(&state_lock);
    struct timespec deadline = in_ms(CLOCK_MONOTONIC, 30);
    expect("timedwait", pthread_cond_timedwait(&mono_cond, &state_lock, &deadline), ETIMEDOUT); /* @mono-timedwait */
    expect_past("timedwait", CLOCK_MONOTONIC, &deadline);

    deadline = in_ms(CLOCK_MONOTONIC, 30);
    expect("clockwait", pthread_cond_clockwait(&clock_cond, &state_lock, CLOCK_MONOTONIC, &deadline), ETIMEDOUT); /* @clockwait-timeout */
    expect_past("clockwait", CLOCK_MONOTONIC, &deadline);

    pthread_t s;
    pthread_create(&s, NULL, signaller, NULL);
    atomic_store(&waiting, 1);
    deadline = in_ms(CLOCK_REALTIME, 10000);
    while (!ready) {
        int rc = pthread_cond_clockwait(&clock_cond, &state_lock, CLOCK_REALTIME, &deadline); /* @clockwait-signalled */
        expect("clockwait", rc, 0);
    }
    pthread_mutex_unlock(&state_lock);
    pthread_join(s, NULL);
    expect("destroy", pthread_cond_destroy(&mono_cond), 0);
    printf("monotonic ok\n");
    return 0;
}
