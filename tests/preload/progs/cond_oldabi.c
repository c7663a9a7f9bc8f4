/*
 * cond_oldabi.c — a program bound to the pre-2.3.2 condition variable ABI
 * (pthread_cond_*@GLIBC_2.2.5), as binaries built against glibc 2.2 are.
 * The old functions keep a pointer to a heap cond inside the user's object;
 * handing such an object to the new functions crashes. An interposer that
 * exports only unversioned cond wrappers routes these calls to the new ABI,
 * and this program dies with SIGSEGV.
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

/* x86_64 only: GLIBC_2.2.5 is that architecture's first version. */
__asm__(".symver pthread_cond_init, pthread_cond_init@GLIBC_2.2.5");
__asm__(".symver pthread_cond_destroy, pthread_cond_destroy@GLIBC_2.2.5");
__asm__(".symver pthread_cond_wait, pthread_cond_wait@GLIBC_2.2.5");
__asm__(".symver pthread_cond_timedwait, pthread_cond_timedwait@GLIBC_2.2.5");
__asm__(".symver pthread_cond_signal, pthread_cond_signal@GLIBC_2.2.5");
__asm__(".symver pthread_cond_broadcast, pthread_cond_broadcast@GLIBC_2.2.5");

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cond;                       /* old pthread_cond_init */
static pthread_cond_t go_cond = PTHREAD_COND_INITIALIZER; /* old lazy allocation */
static int ready, go;
static atomic_int waiting;

static void expect(const char *what, int got, int want) {
    if (got != want) {
        printf("%s: got %d (%s), want %d\n", what, got, strerror(got), want);
        exit(1);
    }
}

static void *waiter(void *arg) {
    (void)arg;
    pthread_mutex_lock(&state_lock);
    atomic_fetch_add(&waiting, 1);
    while (!ready) expect("wait", pthread_cond_wait(&ready_cond, &state_lock), 0); /* @old-wait */
    pthread_mutex_unlock(&state_lock);
    return NULL;
}

static void *go_waiter(void *arg) {
    (void)arg;
    pthread_mutex_lock(&state_lock);
    atomic_fetch_add(&waiting, 1);
    while (!go) expect("wait", pthread_cond_wait(&go_cond, &state_lock), 0);
    pthread_mutex_unlock(&state_lock);
    return NULL;
}

int main(void) {
    expect("init", pthread_cond_init(&ready_cond, NULL), 0);
    pthread_t t, g[2];
    pthread_create(&t, NULL, waiter, NULL);
    while (atomic_load(&waiting) < 1) sched_yield();
    usleep(20000); /* let it block in the wait */
    pthread_mutex_lock(&state_lock);
    ready = 1;
    expect("signal", pthread_cond_signal(&ready_cond), 0);
    pthread_mutex_unlock(&state_lock);
    pthread_join(t, NULL);

    for (int i = 0; i < 2; i++) pthread_create(&g[i], NULL, go_waiter, NULL);
    while (atomic_load(&waiting) < 3) sched_yield();
    usleep(20000);
    pthread_mutex_lock(&state_lock);
    go = 1;
    expect("broadcast", pthread_cond_broadcast(&go_cond), 0);
    pthread_mutex_unlock(&state_lock);
    for (int i = 0; i < 2; i++) pthread_join(g[i], NULL);

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 20000000L;
    ts.tv_sec += ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    pthread_mutex_lock(&state_lock);
    expect("timedwait", pthread_cond_timedwait(&ready_cond, &state_lock, &ts), ETIMEDOUT);
    pthread_mutex_unlock(&state_lock);

    expect("destroy", pthread_cond_destroy(&ready_cond), 0);
    expect("destroy", pthread_cond_destroy(&go_cond), 0);
    printf("old ABI ok\n");
    return 0;
}
