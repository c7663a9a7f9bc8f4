/*
 * stack_reuse.c — a detached thread fills an array on its stack and ends;
 * a thread created after it has ended (nothing orders the two: the end is
 * seen through a relaxed atomic) gets the same stack from glibc's cache
 * and fills its own array there. A new thread's stack is new memory: no
 * race.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#define BUF 4096

static atomic_uintptr_t first_buf;
static atomic_int first_done;

/* One function for both threads: the same frame, so the same addresses
 * when the stack is reused. */
static void *fill_stack(void *arg) {
    volatile char buf[BUF];
    for (int i = 0; i < BUF; i++) buf[i] = 'x'; /* @fill */
    uintptr_t mine = (uintptr_t)buf;
    if (!arg) {
        atomic_store_explicit(&first_buf, mine, memory_order_relaxed);
        atomic_store_explicit(&first_done, 1, memory_order_relaxed);
    } else {
        uintptr_t theirs = atomic_load_explicit(&first_buf, memory_order_relaxed);
        *(int *)arg = mine < theirs + BUF && theirs < mine + BUF;
    }
    return NULL;
}

int main(void) {
    alarm(20);
    pthread_attr_t detached;
    pthread_attr_init(&detached);
    pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
    pthread_t t;
    pthread_create(&t, &detached, fill_stack, NULL);
    while (!atomic_load_explicit(&first_done, memory_order_relaxed)) usleep(1000);
    usleep(200000); /* let it finish ending: its stack goes back to the cache */
    int overlap = 0;
    pthread_create(&t, NULL, fill_stack, &overlap);
    pthread_join(t, NULL);
    printf("same stack: %s\n", overlap ? "yes" : "no");
    return 0;
}
