/*
 * handoff.c — a producer fills `data`, then raises `ready`; the consumer
 * waits for `ready`, then reads `data`. MODE:
 *   plain    ready is a volatile int: nothing orders the two threads, so
 *            both ready and data race;
 *   relaxed  ready is atomic, but relaxed: no race on ready, and still
 *            nothing orders data (exactly one race, on data);
 *   acqrel   release store, acquire load: data is published, no race.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int data;
static volatile int ready_plain;
static atomic_int ready_atomic;
static const char *mode = "plain";

static void *producer(void *arg) {
    (void)arg;
    data = 42; /* @data-write */
    if (!strcmp(mode, "plain"))
        ready_plain = 1; /* @flag-write */
    else if (!strcmp(mode, "relaxed"))
        atomic_store_explicit(&ready_atomic, 1, memory_order_relaxed);
    else
        atomic_store_explicit(&ready_atomic, 1, memory_order_release);
    return NULL;
}

static void *consumer(void *arg) {
    (void)arg;
    if (!strcmp(mode, "plain")) {
        while (!ready_plain) /* @flag-read */
            sched_yield();
    } else if (!strcmp(mode, "relaxed")) {
        while (!atomic_load_explicit(&ready_atomic, memory_order_relaxed)) sched_yield();
    } else {
        while (!atomic_load_explicit(&ready_atomic, memory_order_acquire)) sched_yield();
    }
    printf("data %d\n", data); /* @data-read */
    return NULL;
}

int main(int argc, char **argv) {
    alarm(20);
    if (argc > 1) mode = argv[1];
    pthread_t p, c;
    pthread_create(&c, NULL, consumer, NULL);
    pthread_create(&p, NULL, producer, NULL);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    return 0;
}
