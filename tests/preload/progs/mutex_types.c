/*
 * mutex_types.c — every mutex type and every way of locking one, each
 * result checked by the program itself (it exits 1 on the first surprise):
 * normal, recursive (locked twice = one hold), errorcheck (relock returns
 * EDEADLK), adaptive, timedlock and clocklock timing out while another
 * thread holds the lock, trylock returning EBUSY, and a clocklock that
 * succeeds once the holder lets go.
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

static pthread_mutex_t plain_mutex;
static pthread_mutex_t rec_mutex;
static pthread_mutex_t err_mutex;
static pthread_mutex_t adaptive_mutex;
static pthread_mutex_t held_mutex = PTHREAD_MUTEX_INITIALIZER;
static atomic_int holder_state; /* 1: holds held_mutex; 2: may release it */

static void expect(const char *what, int got, int want) {
    printf("%s: %s\n", what, got == 0 ? "0" : strerror(got));
    if (got != want) {
        printf("%s: got %d, want %d\n", what, got, want);
        exit(1);
    }
}

static void init_typed(pthread_mutex_t *m, int type) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, type);
    expect("init", pthread_mutex_init(m, &a), 0);
    pthread_mutexattr_destroy(&a);
}

static struct timespec in_ms(clockid_t clock, long ms) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    ts.tv_nsec += ms * 1000000L;
    ts.tv_sec += ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    return ts;
}

static void *holder(void *arg) {
    (void)arg;
    pthread_mutex_lock(&held_mutex); /* @holder-lock */
    atomic_store(&holder_state, 1);
    while (atomic_load(&holder_state) != 2) sched_yield();
    pthread_mutex_unlock(&held_mutex);
    return NULL;
}

static void *adaptive_user(void *arg) {
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&adaptive_mutex);
        pthread_mutex_unlock(&adaptive_mutex);
    }
    return NULL;
}

int main(void) {
    init_typed(&plain_mutex, PTHREAD_MUTEX_NORMAL);
    expect("normal lock", pthread_mutex_lock(&plain_mutex), 0);
    expect("normal unlock", pthread_mutex_unlock(&plain_mutex), 0);

    init_typed(&rec_mutex, PTHREAD_MUTEX_RECURSIVE);
    expect("recursive lock", pthread_mutex_lock(&rec_mutex), 0); /* @rec-lock */
    expect("recursive relock", pthread_mutex_lock(&rec_mutex), 0);
    expect("recursive unlock", pthread_mutex_unlock(&rec_mutex), 0);
    expect("recursive last unlock", pthread_mutex_unlock(&rec_mutex), 0); /* @rec-unlock */

    init_typed(&err_mutex, PTHREAD_MUTEX_ERRORCHECK);
    expect("errorcheck lock", pthread_mutex_lock(&err_mutex), 0);
    expect("errorcheck relock", pthread_mutex_lock(&err_mutex), EDEADLK);
    expect("errorcheck unlock", pthread_mutex_unlock(&err_mutex), 0);
    expect("errorcheck unlock again", pthread_mutex_unlock(&err_mutex), EPERM);

    init_typed(&adaptive_mutex, PTHREAD_MUTEX_ADAPTIVE_NP);
    pthread_t a[2];
    for (int i = 0; i < 2; i++) pthread_create(&a[i], NULL, adaptive_user, NULL);
    for (int i = 0; i < 2; i++) pthread_join(a[i], NULL);

    pthread_t h;
    pthread_create(&h, NULL, holder, NULL);
    while (atomic_load(&holder_state) != 1) sched_yield();
    struct timespec rt = in_ms(CLOCK_REALTIME, 50);
    expect("timedlock", pthread_mutex_timedlock(&held_mutex, &rt), ETIMEDOUT); /* @timedlock */
    struct timespec mono = in_ms(CLOCK_MONOTONIC, 50);
    expect("clocklock", pthread_mutex_clocklock(&held_mutex, CLOCK_MONOTONIC, &mono), ETIMEDOUT); /* @clocklock-timeout */
    expect("trylock", pthread_mutex_trylock(&held_mutex), EBUSY);
    atomic_store(&holder_state, 2);
    mono = in_ms(CLOCK_MONOTONIC, 10000);
    expect("clocklock after release", pthread_mutex_clocklock(&held_mutex, CLOCK_MONOTONIC, &mono), 0); /* @clocklock-ok */
    expect("unlock", pthread_mutex_unlock(&held_mutex), 0);
    pthread_join(h, NULL);

    pthread_mutex_t *all[] = {&plain_mutex, &rec_mutex, &err_mutex, &adaptive_mutex};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) expect("destroy", pthread_mutex_destroy(all[i]), 0);
    return 0;
}
