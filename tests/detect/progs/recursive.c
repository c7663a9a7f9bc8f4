/*
 * recursive.c — a recursive mutex taken twice, then inner_lock inside it,
 * then the recursive mutex once more while inner_lock is held (re-entry,
 * which cannot block); a second thread nests the same way. No finding:
 * re-entry adds no inner_lock -> rec_lock order.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t rec_lock;
static pthread_mutex_t inner_lock = PTHREAD_MUTEX_INITIALIZER;
static int depth_seen;

static void nest(void) {
    pthread_mutex_lock(&rec_lock);
    pthread_mutex_lock(&rec_lock); /* @relock */
    pthread_mutex_lock(&inner_lock);
    pthread_mutex_lock(&rec_lock); /* @reenter */
    depth_seen = 3;
    pthread_mutex_unlock(&rec_lock);
    pthread_mutex_unlock(&inner_lock);
    pthread_mutex_unlock(&rec_lock);
    pthread_mutex_unlock(&rec_lock);
}

static void *nester(void *arg) {
    (void)arg;
    nest();
    return NULL;
}

int main(void) {
    alarm(20);
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&rec_lock, &a);
    pthread_mutexattr_destroy(&a);
    nest();
    pthread_t t;
    pthread_create(&t, NULL, nester, NULL);
    pthread_join(t, NULL);
    pthread_mutex_destroy(&rec_lock);
    printf("depth %d\n", depth_seen);
    return 0;
}
