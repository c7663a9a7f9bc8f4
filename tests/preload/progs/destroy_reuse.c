/*
 * destroy_reuse.c — object lifetimes an address-keyed side table must get
 * right: one heap address initialized, locked and destroyed 10 000 times
 * (each life is a new object), then a mutex's memory reused as a condition
 * variable without pthread_mutex_destroy. Prints the addresses so the test
 * can find them in the trace.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LIVES 10000

static pthread_mutex_t guard = PTHREAD_MUTEX_INITIALIZER;

static void expect(const char *what, int got, int want) {
    if (got != want) {
        printf("%s: got %d (%s), want %d\n", what, got, strerror(got), want);
        exit(1);
    }
}

int main(void) {
    pthread_mutex_t *m = malloc(sizeof *m);
    for (int i = 0; i < LIVES; i++) {
        expect("init", pthread_mutex_init(m, NULL), 0); /* @reuse-init */
        expect("lock", pthread_mutex_lock(m), 0);
        expect("unlock", pthread_mutex_unlock(m), 0);
        expect("destroy", pthread_mutex_destroy(m), 0);
    }
    printf("cycled %p\n", (void *)m);

    /* A union keeps the two views of the memory honest about size. */
    union { pthread_mutex_t m; pthread_cond_t c; } *shared = malloc(sizeof *shared);
    expect("init", pthread_mutex_init(&shared->m, NULL), 0);
    expect("lock", pthread_mutex_lock(&shared->m), 0);
    expect("unlock", pthread_mutex_unlock(&shared->m), 0);
    /* no destroy: the memory simply becomes a condition variable */
    expect("cond init", pthread_cond_init(&shared->c, NULL), 0);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 5000000L;
    ts.tv_sec += ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    expect("lock guard", pthread_mutex_lock(&guard), 0);
    expect("timedwait", pthread_cond_timedwait(&shared->c, &guard, &ts), ETIMEDOUT);
    expect("signal", pthread_cond_signal(&shared->c), 0);
    expect("unlock guard", pthread_mutex_unlock(&guard), 0);
    expect("cond destroy", pthread_cond_destroy(&shared->c), 0);
    printf("reused %p\n", (void *)shared);
    free(shared);
    free(m); /* only now, so that shared got an address of its own */
    return 0;
}
