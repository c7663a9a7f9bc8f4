/*
 * trylock_backoff.c — AB/BA done right: one thread takes lock_a then
 * lock_b, the other holds lock_b and only tries lock_a, backing off
 * (releasing lock_b) when it is busy. Both run at once, many times; no
 * deadlock is possible and nothing is reported.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

#define ROUNDS 300

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static long transfers, backoffs;

static void *thread_ab(void *arg) {
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock_a);
        pthread_mutex_lock(&lock_b);
        transfers++;
        pthread_mutex_unlock(&lock_b);
        pthread_mutex_unlock(&lock_a);
        sched_yield();
    }
    return NULL;
}

static void *thread_ba(void *arg) {
    (void)arg;
    for (int i = 0; i < ROUNDS;) {
        pthread_mutex_lock(&lock_b);
        if (pthread_mutex_trylock(&lock_a) == EBUSY) { /* @trylock */
            backoffs++;
            pthread_mutex_unlock(&lock_b);
            sched_yield();
            continue;
        }
        transfers++;
        i++;
        pthread_mutex_unlock(&lock_a);
        pthread_mutex_unlock(&lock_b);
    }
    return NULL;
}

int main(void) {
    alarm(20);
    pthread_t ab, ba;
    pthread_create(&ab, NULL, thread_ab, NULL);
    pthread_create(&ba, NULL, thread_ba, NULL);
    pthread_join(ab, NULL);
    pthread_join(ba, NULL);
    printf("%ld transfers, %ld back-offs\n", transfers, backoffs);
    return transfers == 2 * ROUNDS ? 0 : 1;
}
