/* Correctly synchronized sharing; nothing may be reported:
 * - data published with a release store and read after an acquire load,
 *   back and forth (ping-pong), through the __tsan_atomic* entry points;
 * - a heap message handed over by pointer (release / acquire) and freed by
 *   the receiver; plain memcpy / memset of shared buffers in between;
 * - a counter under a mutex;
 * - memory freed by one thread and allocated again by another without any
 *   ordering between them: a new block is a new object, whatever was done
 *   to that memory before. */
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS 2000
#define BIG (1 << 20)

static int data[64];
static char text[128];
static _Atomic int turn; /* even: main's turn, odd: the worker's */
static _Atomic(char *) msg;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long counted;
static volatile size_t n = 100;
static _Atomic int freed; /* relaxed: orders nothing */
static char *_Atomic old_block;

static void *worker(void *arg) {
    (void)arg;
    for (int r = 1; r < 2 * ROUNDS; r += 2) {
        while (atomic_load_explicit(&turn, memory_order_acquire) != r) {
        }
        for (int i = 0; i < 64; i++) data[i] += 1;
        memset(text, 'w', n);
        atomic_store_explicit(&turn, r + 1, memory_order_release);
    }
    char *p;
    while ((p = atomic_load_explicit(&msg, memory_order_acquire)) == NULL) {
    }
    int ok = p[0] == 'h' && p[4999] == 'z';
    free(p);
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&m);
        counted++;
        pthread_mutex_unlock(&m);
    }
    char *big = malloc(BIG);
    memset(big, 1, BIG);
    for (int i = 0; i < 4096; i += 64) big[i] = 2;
    atomic_store_explicit(&old_block, big, memory_order_relaxed);
    free(big);
    atomic_store_explicit(&freed, 1, memory_order_relaxed);
    return (void *)(size_t)ok;
}

int main(void) {
    /* A fixed threshold: the big block is mmapped and unmapped, so the next
     * one likely gets the same address. */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    for (int r = 0; r < 2 * ROUNDS; r += 2) {
        while (atomic_load_explicit(&turn, memory_order_acquire) != r) {
        }
        for (int i = 0; i < 64; i++) data[i] += 1;
        memcpy(text + 1, text, n - 1);
        atomic_store_explicit(&turn, r + 1, memory_order_release);
    }
    char *p = malloc(5000);
    memset(p, 'z', 5000);
    p[0] = 'h';
    atomic_store_explicit(&msg, p, memory_order_release);
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&m);
        counted++;
        pthread_mutex_unlock(&m);
    }
    while (!atomic_load_explicit(&freed, memory_order_relaxed)) {
    }
    char *big = malloc(BIG);
    int reused = big == atomic_load_explicit(&old_block, memory_order_relaxed);
    memset(big, 3, BIG);
    for (int i = 0; i < 4096; i += 64) big[i] = 4;
    free(big);
    void *ok;
    pthread_join(t, &ok);
    while (atomic_load(&turn) != 2 * ROUNDS) {
    }
    int good = ok && data[0] == 2 * ROUNDS && data[63] == 2 * ROUNDS && counted == 2000;
    printf("handoff: %s (big block %s)\n", good ? "ok" : "WRONG", reused ? "reused" : "not reused");
    return !good;
}
