/*
 * race_locks — a race-free, lock-heavy program for race_bench.sh (issue 6,
 * section 5): THREADS threads move amounts between ACCOUNTS accounts, each
 * transfer under the two accounts' mutexes (taken in address order), and
 * every 16th iteration read a shared table under a rwlock read hold and
 * bump a statistics counter under a mutex. Few accesses per lock: what it
 * measures is the cost of each synchronization to the happens-before
 * clocks.
 *   race_locks [ITERATIONS_PER_THREAD] [THREADS]   (defaults 400000, 2)
 * Prints the total, which must stay constant.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define ACCOUNTS 16
#define MAX_THREADS 16

typedef struct {
    pthread_mutex_t lock;
    long balance;
    long transfers;
} account;

static account accounts[ACCOUNTS];
static pthread_rwlock_t rates_lock = PTHREAD_RWLOCK_INITIALIZER;
static long rates[8] = {1, 2, 3, 4, 5, 6, 7, 8};
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static long lookups;
static long iterations;

static void *worker(void *arg) {
    unsigned seed = (unsigned)(long)arg * 2654435761u + 1;
    long seen = 0;
    for (long i = 0; i < iterations; i++) {
        seed = seed * 1103515245u + 12345u;
        int a = (int)(seed >> 8) % ACCOUNTS, b = (int)(seed >> 16) % ACCOUNTS;
        if (a == b) b = (b + 1) % ACCOUNTS;
        account *first = &accounts[a < b ? a : b], *second = &accounts[a < b ? b : a];
        pthread_mutex_lock(&first->lock);
        pthread_mutex_lock(&second->lock);
        accounts[a].balance -= 3;
        accounts[b].balance += 3;
        first->transfers++;
        second->transfers++;
        pthread_mutex_unlock(&second->lock);
        pthread_mutex_unlock(&first->lock);
        if (i % 16 == 0) {
            pthread_rwlock_rdlock(&rates_lock);
            seen += rates[i % 8];
            pthread_rwlock_unlock(&rates_lock);
            pthread_mutex_lock(&stats_lock);
            lookups++;
            pthread_mutex_unlock(&stats_lock);
        }
    }
    return (void *)seen;
}

int main(int argc, char **argv) {
    iterations = argc > 1 ? atol(argv[1]) : 400000;
    int threads = argc > 2 ? atoi(argv[2]) : 2;
    if (iterations < 1 || threads < 1 || threads > MAX_THREADS) {
        fprintf(stderr, "usage: race_locks [ITERATIONS] [THREADS<=%d]\n", MAX_THREADS);
        return 2;
    }
    for (int i = 0; i < ACCOUNTS; i++) {
        pthread_mutex_init(&accounts[i].lock, NULL);
        accounts[i].balance = 1000;
    }
    pthread_t t[MAX_THREADS];
    for (long i = 0; i < threads; i++) pthread_create(&t[i], NULL, worker, (void *)i);
    long seen = 0;
    for (int i = 0; i < threads; i++) {
        void *r;
        pthread_join(t[i], &r);
        seen += (long)r;
    }
    long sum = 0;
    for (int i = 0; i < ACCOUNTS; i++) sum += accounts[i].balance;
    printf("total %ld (expected %d), %ld lookups, %ld seen\n", sum, ACCOUNTS * 1000, lookups, seen);
    return 0;
}
