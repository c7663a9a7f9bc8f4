/*
 * condvar.c — producer/consumer over a bounded queue (mutex + two
 * condition variables). The producer fills each item outside the lock,
 * then queues its pointer under the lock; the consumer dequeues under the
 * lock and reads the item outside it: the mutex (and the wake-ups) order
 * the item's writes before its reads. No race.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define SLOTS 4
#define ITEMS 200

typedef struct {
    int id;
    char text[24];
} item;

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static item *queue[SLOTS];
static int head, count;

static void *producer(void *arg) {
    (void)arg;
    for (int i = 0; i < ITEMS; i++) {
        item *it = malloc(sizeof *it);
        it->id = i;
        snprintf(it->text, sizeof it->text, "item %d", i);
        pthread_mutex_lock(&queue_lock);
        while (count == SLOTS) pthread_cond_wait(&not_full, &queue_lock);
        queue[(head + count++) % SLOTS] = it;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&queue_lock);
    }
    return NULL;
}

static void *consumer(void *arg) {
    long sum = 0;
    for (int i = 0; i < ITEMS; i++) {
        pthread_mutex_lock(&queue_lock);
        while (count == 0) pthread_cond_wait(&not_empty, &queue_lock);
        item *it = queue[head];
        head = (head + 1) % SLOTS;
        count--;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&queue_lock);
        sum += it->id + (it->text[0] == 'i');
        free(it);
    }
    *(long *)arg = sum;
    return NULL;
}

int main(void) {
    alarm(20);
    long sum = 0;
    pthread_t p, c;
    pthread_create(&c, NULL, consumer, &sum);
    pthread_create(&p, NULL, producer, NULL);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    printf("sum %ld\n", sum);
    return 0;
}
