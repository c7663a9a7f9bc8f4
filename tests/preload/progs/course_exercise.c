/*
 * course_exercise.c — the classic bounded-buffer exercise, written the way a
 * course asks for it: statically initialized mutex and condition variables,
 * two producers, two consumers, joins. No threadlens header: it is run with
 * `threadlens run`. The "@name" comments mark the lines preload_test.c
 * expects in call sites; keep each marked call on its marked line.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#define CAPACITY 2
#define ITEMS 2000 /* per producer; each consumer takes as many */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static int buffer[CAPACITY];
static int count, head, tail;
static long consumed_sum[2];

static void *producer(void *arg) {
    int base = *(int *)arg;
    for (int i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&lock); /* @producer-lock */
        while (count == CAPACITY)
            pthread_cond_wait(&not_full, &lock); /* @producer-wait */
        buffer[tail] = base + i;
        tail = (tail + 1) % CAPACITY;
        count++;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static void *consumer(void *arg) {
    long *sum = arg;
    for (int i = 0; i < ITEMS; i++) {
        pthread_mutex_lock(&lock); /* @consumer-lock */
        while (count == 0)
            pthread_cond_wait(&not_empty, &lock); /* @consumer-wait */
        *sum += buffer[head];
        head = (head + 1) % CAPACITY;
        count--;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

int main(void) {
    pthread_t prod[2], cons[2];
    static int bases[2] = {0, 100000};
    for (int i = 0; i < 2; i++) pthread_create(&cons[i], NULL, consumer, &consumed_sum[i]);
    /* Consumers find the buffer empty and wait, so there is always a wakeup
     * to see; the result does not depend on it. */
    usleep(20000);
    for (int i = 0; i < 2; i++) pthread_create(&prod[i], NULL, producer, &bases[i]);
    for (int i = 0; i < 2; i++) pthread_join(prod[i], NULL);
    for (int i = 0; i < 2; i++) pthread_join(cons[i], NULL);
    long want = 0;
    for (int b = 0; b < 2; b++)
        for (int i = 1; i <= ITEMS; i++) want += bases[b] + i;
    long got = consumed_sum[0] + consumed_sum[1];
    printf("consumed %ld, produced %ld\n", got, want);
    return got == want ? 0 : 1;
}
