/*
 * tl_locknest — an unmodified, lock-heavy pthreads program for
 * detect_bench.sh (issue 5, section 7), which times `threadlens run` with
 * the detectors on against off. Every acquisition is nested under another
 * so the lock-order graph gains or re-checks an edge and the held sets
 * change on each one; the order is always ascending, so the run must
 * produce no finding.
 *   tl_locknest [ITERATIONS_PER_THREAD] [THREADS]   (defaults 300000, 4)
 * Each iteration, per thread:
 *   - walks the chain hand-over-hand: chain[0], then chain[j] taken while
 *     holding chain[j-1] (never wrapping back to 0, which would close a
 *     cycle);
 *   - takes its own mutex, then the shared stats mutex inside it (own
 *     mutexes are always taken before stats, never after);
 *   - a single uncontended pair on its own mutex;
 *   - every 8th iteration, a read lock of the rwlock, with a chain mutex
 *     taken inside it (rwlock before chain, always).
 * Prints a checksum so the work cannot be optimized away.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define CHAIN 6
#define MAX_THREADS 64

static pthread_mutex_t chain[CHAIN];
static pthread_mutex_t stats = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t table = PTHREAD_RWLOCK_INITIALIZER;
static long chain_val[CHAIN];
static long total;
static long table_val = 1;

struct worker {
    pthread_t th;
    pthread_mutex_t own;
    long iters;
    long local;
};

static void *work(void *arg) {
    struct worker *w = arg;
    for (long i = 0; i < w->iters; i++) {
        pthread_mutex_lock(&chain[0]);
        chain_val[0]++;
        for (int j = 1; j < CHAIN; j++) {
            pthread_mutex_lock(&chain[j]);
            pthread_mutex_unlock(&chain[j - 1]);
            chain_val[j] += chain_val[j - 1] & 1;
        }
        pthread_mutex_unlock(&chain[CHAIN - 1]);

        pthread_mutex_lock(&w->own);
        w->local++;
        pthread_mutex_lock(&stats);
        total++;
        pthread_mutex_unlock(&stats);
        pthread_mutex_unlock(&w->own);

        pthread_mutex_lock(&w->own);
        w->local += i & 3;
        pthread_mutex_unlock(&w->own);

        if ((i & 7) == 0) {
            pthread_rwlock_rdlock(&table);
            pthread_mutex_lock(&chain[CHAIN - 1]);
            chain_val[CHAIN - 1] += table_val;
            pthread_mutex_unlock(&chain[CHAIN - 1]);
            pthread_rwlock_unlock(&table);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    long iters = argc > 1 ? atol(argv[1]) : 300000;
    int nthreads = argc > 2 ? atoi(argv[2]) : 4;
    if (iters < 1 || nthreads < 1 || nthreads > MAX_THREADS) {
        fprintf(stderr, "usage: tl_locknest [ITERATIONS >= 1] [THREADS 1..%d]\n", MAX_THREADS);
        return 2;
    }
    static struct worker w[MAX_THREADS];
    for (int j = 0; j < CHAIN; j++) pthread_mutex_init(&chain[j], NULL);
    for (int t = 0; t < nthreads; t++) {
        pthread_mutex_init(&w[t].own, NULL);
        w[t].iters = iters;
        if (pthread_create(&w[t].th, NULL, work, &w[t]) != 0) {
            perror("tl_locknest: pthread_create");
            return 1;
        }
    }
    long sum = 0;
    for (int t = 0; t < nthreads; t++) {
        pthread_join(w[t].th, NULL);
        sum += w[t].local;
        pthread_mutex_destroy(&w[t].own);
    }
    for (int j = 0; j < CHAIN; j++) {
        sum += chain_val[j];
        pthread_mutex_destroy(&chain[j]);
    }
    printf("%ld %ld\n", total, sum);
    return 0;
}
