/*
 * philosophers.c — five dining philosophers, each takes its left fork, waits
 * at a barrier until all five hold theirs, then reaches for its right fork:
 * a real deadlock whose wait-for cycle has five threads. The detector ends
 * the process (86); alarm() is the safety net if it does not.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#define N 5

static pthread_mutex_t forks[N] = {
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
};
static pthread_barrier_t all_seated;

static void *philosopher(void *arg) {
    int i = (int)(intptr_t)arg;
    pthread_mutex_lock(&forks[i]); /* @left */
    pthread_barrier_wait(&all_seated);
    pthread_mutex_lock(&forks[(i + 1) % N]); /* @right */
    pthread_mutex_unlock(&forks[(i + 1) % N]);
    pthread_mutex_unlock(&forks[i]);
    return NULL;
}

int main(void) {
    alarm(20);
    pthread_barrier_init(&all_seated, NULL, N);
    pthread_t t[N];
    for (int i = 0; i < N; i++) pthread_create(&t[i], NULL, philosopher, (void *)(intptr_t)i);
    for (int i = 0; i < N; i++) pthread_join(t[i], NULL);
    puts("everyone ate: impossible");
    return 1;
}
