/*
 * three_locks.c — a lock order cycle through three locks and three threads
 * (a->b, b->c, c->a), each thread run to its end before the next starts:
 * one lock order inversion whose cycle has three edges, no deadlock.
 */
#include <pthread.h>
#include <unistd.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_c = PTHREAD_MUTEX_INITIALIZER;

static void take_two(pthread_mutex_t *first, pthread_mutex_t *second) {
    pthread_mutex_lock(first);
    pthread_mutex_lock(second);
    pthread_mutex_unlock(second);
    pthread_mutex_unlock(first);
}

static void *take_ab(void *arg) {
    (void)arg;
    take_two(&lock_a, &lock_b);
    return NULL;
}

static void *take_bc(void *arg) {
    (void)arg;
    take_two(&lock_b, &lock_c);
    return NULL;
}

static void *take_ca(void *arg) {
    (void)arg;
    take_two(&lock_c, &lock_a);
    return NULL;
}

int main(void) {
    alarm(20);
    void *(*fns[3])(void *) = {take_ab, take_bc, take_ca};
    for (int i = 0; i < 3; i++) {
        pthread_t t;
        pthread_create(&t, NULL, fns[i], NULL);
        pthread_join(t, NULL);
    }
    return 0;
}
