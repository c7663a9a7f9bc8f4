/*
 * counter.c — the course's racy counter: two threads add one to a global
 * a million times without a lock. Built in one step as a new user would:
 *   threadlens cc -g -o counter counter.c && ./counter
 */
#include <pthread.h>
#include <stdio.h>

int counter = 0;

void *worker(void *arg) {
    (void)arg;
    for (int i = 0; i < 1000000; i++)
        counter++; /* @inc */
    return NULL;
}

int main(void) {
    pthread_t a, b;
    pthread_create(&a, NULL, worker, NULL);
    pthread_create(&b, NULL, worker, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("counter = %d (expected 2000000)\n", counter);
    return 0;
}
