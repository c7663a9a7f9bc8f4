/*
 * sem_handoff.c — ping-pong through two semaphores: the producer writes
 * the message and posts `full`; the consumer waits on `full`, reads it,
 * and posts `empty` before the producer may write again. Every access is
 * ordered by a post -> wait: no race.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <unistd.h>

static sem_t full, empty;
static int message[4];

static void *producer(void *arg) {
    (void)arg;
    for (int round = 0; round < 100; round++) {
        sem_wait(&empty);
        for (int i = 0; i < 4; i++) message[i] = round + i;
        sem_post(&full);
    }
    return NULL;
}

static void *consumer(void *arg) {
    long sum = 0;
    for (int round = 0; round < 100; round++) {
        sem_wait(&full);
        for (int i = 0; i < 4; i++) sum += message[i];
        sem_post(&empty);
    }
    *(long *)arg = sum;
    return NULL;
}

int main(void) {
    alarm(20);
    sem_init(&full, 0, 0);
    sem_init(&empty, 0, 1);
    long sum = 0;
    pthread_t p, c;
    pthread_create(&p, NULL, producer, NULL);
    pthread_create(&c, NULL, consumer, &sum);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    printf("sum %ld\n", sum);
    return 0;
}
