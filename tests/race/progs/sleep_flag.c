/*
 * sleep_flag.c — "wait a bit and it will be ready": the setter writes
 * `config` and `ready`; the user, started after that, sleeps 100 ms and
 * reads them. Only the sleep separates the accesses, and a sleep orders
 * nothing: both variables race, and the reports say a sleep hid it. (main
 * learns that the setter wrote through a relaxed atomic, which orders
 * nothing either: it only makes the sleep come after the writes.)
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static int config;
static int ready;
static atomic_int setter_done;

static void *setter(void *arg) {
    (void)arg;
    config = 42; /* @config-write */
    ready = 1;   /* @ready-write */
    atomic_store_explicit(&setter_done, 1, memory_order_relaxed);
    return NULL;
}

static void *user(void *arg) {
    (void)arg;
    usleep(100000); /* @sleep */
    if (ready) /* @ready-read */
        printf("config %d\n", config); /* @config-read */
    return NULL;
}

int main(void) {
    alarm(20);
    pthread_t s, u;
    pthread_create(&s, NULL, setter, NULL);
    while (!atomic_load_explicit(&setter_done, memory_order_relaxed)) usleep(1000);
    pthread_create(&u, NULL, user, NULL);
    pthread_join(s, NULL);
    pthread_join(u, NULL);
    return 0;
}
