/*
 * abba_hang.c — two threads take lock_a and lock_b in opposite orders and
 * meet at a barrier while each holds its first lock, so both really block
 * on the second: the detector must report the deadlock (and the lock order
 * inversion) and end the process with status 86. Without a detector the
 * program would hang; alarm() ends it then (SIGALRM), so the test fails
 * instead of timing out.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold;

static void *thread_ab(void *arg) {
    (void)arg;
    pthread_mutex_lock(&lock_a); /* @ab-a */
    pthread_barrier_wait(&both_hold);
    pthread_mutex_lock(&lock_b); /* @ab-b */
    pthread_mutex_unlock(&lock_b);
    pthread_mutex_unlock(&lock_a);
    return NULL;
}

static void *thread_ba(void *arg) {
    (void)arg;
    pthread_mutex_lock(&lock_b); /* @ba-b */
    pthread_barrier_wait(&both_hold);
    pthread_mutex_lock(&lock_a); /* @ba-a */
    pthread_mutex_unlock(&lock_a);
    pthread_mutex_unlock(&lock_b);
    return NULL;
}

int main(void) {
    alarm(20);
    pthread_barrier_init(&both_hold, NULL, 2);
    pthread_t ab, ba;
    pthread_create(&ab, NULL, thread_ab, NULL);
    pthread_create(&ba, NULL, thread_ba, NULL);
    pthread_join(ab, NULL);
    pthread_join(ba, NULL);
    puts("no deadlock: impossible");
    return 1;
}
