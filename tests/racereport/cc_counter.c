/*
 * cc_counter.c — the plainest racy counter, for `threadlens cc`: two
 * workers run counter++ with no lock. The second starts once the first is
 * done, through a relaxed atomic flag, which orders nothing, so the race is
 * the same in every run: the second worker's first counter++ loads what
 * the first one stored (a read/write race) and stores over it (a
 * write/write race). Two pairs of access pcs, one pair of source lines: one
 * report, counted twice.
 *
 * clang's instrumentation skips a load followed by a store to the same
 * place with nothing in between (its race would be the store's anyway);
 * gcc checks both. INCREMENT is counter++ with an empty asm between the
 * load and the store, so both compilers check both, on one line.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

int counter;
static atomic_int first_done;

#define INCREMENT(x)                               \
    do {                                           \
        int v_ = (x);                              \
        __asm__ volatile("" ::: "memory");         \
        (x) = v_ + 1;                              \
    } while (0)

static void *worker(void *second) {
    while (second && !atomic_load_explicit(&first_done, memory_order_relaxed)) {
    }
    for (int i = 0; i < 3; i++) INCREMENT(counter); /* the race */
    if (!second) atomic_store_explicit(&first_done, 1, memory_order_relaxed);
    return NULL;
}

int main(void) {
    pthread_t a, b;
    pthread_create(&a, NULL, worker, NULL);
    pthread_create(&b, NULL, worker, &b);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("%d\n", counter);
    return 0;
}
