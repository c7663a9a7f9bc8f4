/*
 * malloc_reuse.c — thread A mallocs blocks, writes them and frees them;
 * thread B, later (told through a relaxed atomic, which orders nothing),
 * mallocs blocks of the same size until some of them are A's memory, and
 * writes each. A free synchronizes with the allocation that reuses the
 * memory (C11 7.22.3): no race. Run with GLIBC_TUNABLES=
 * glibc.malloc.tcache_count=0:glibc.malloc.arena_max=1 so that both
 * threads allocate from one arena without per-thread caches. Another
 * thread's allocation in between (the trace writer's) can still take A's
 * memory first, so the pair runs again, up to ROUNDS times, until B has
 * reused some of it.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define SIZE 64
#define BLOCKS 100
#define REUSED 10
#define TRIES 2000
#define ROUNDS 50

static atomic_uintptr_t freed[BLOCKS]; /* A's blocks, for B to compare */
static atomic_int a_freed, b_done;

static void *thread_a(void *arg) {
    (void)arg;
    char *p[BLOCKS];
    for (int b = 0; b < BLOCKS; b++) {
        p[b] = malloc(SIZE);
        for (int i = 0; i < SIZE; i++) p[b][i] = 'a'; /* @a-write */
    }
    for (int b = 0; b < BLOCKS; b++) {
        atomic_store_explicit(&freed[b], (uintptr_t)p[b], memory_order_relaxed);
        free(p[b]);
    }
    atomic_store_explicit(&a_freed, 1, memory_order_relaxed);
    /* stay alive: a thread's exit frees memory of its own */
    while (!atomic_load_explicit(&b_done, memory_order_relaxed)) usleep(1000);
    return NULL;
}

/* Whether [q, q+SIZE) overlaps one of A's freed blocks. */
static int was_freed(const char *q) {
    for (int k = 0; k < BLOCKS; k++) {
        uintptr_t old = atomic_load_explicit(&freed[k], memory_order_relaxed);
        if ((uintptr_t)q < old + SIZE && old < (uintptr_t)q + SIZE) return 1;
    }
    return 0;
}

/* Allocates (keeping every block, so each malloc returns new memory) until
 * REUSED of them were A's, or TRIES. */
static void *thread_b(void *arg) {
    while (!atomic_load_explicit(&a_freed, memory_order_relaxed)) usleep(1000);
    static char *q[TRIES];
    int reused = 0, n = 0;
    while (n < TRIES && reused < REUSED) {
        char *p = q[n++] = malloc(SIZE);
        for (int i = 0; i < SIZE; i++) p[i] = 'b'; /* @b-write */
        reused += was_freed(p);
    }
    for (int b = 0; b < n; b++) free(q[b]);
    atomic_store_explicit(&b_done, 1, memory_order_relaxed);
    *(int *)arg = reused;
    return NULL;
}

int main(void) {
    alarm(20);
    int reused = 0, round = 0;
    while (!reused && round++ < ROUNDS) {
        atomic_store(&a_freed, 0);
        atomic_store(&b_done, 0);
        pthread_t a, b;
        pthread_create(&b, NULL, thread_b, &reused);
        pthread_create(&a, NULL, thread_a, NULL);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
    }
    printf("reused blocks: %s (%d, round %d)\n", reused ? "yes" : "no", reused, round);
    return 0;
}
