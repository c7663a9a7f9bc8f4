/*
 * cc_race.c — the course's racy counter, for `threadlens cc`: two workers
 * look at counter (peek) and call twice() -> bump() -> counter++, with no
 * lock. Built with the compiler's -fsanitize=thread instrumentation, so the
 * report's stacks and the trace's call-stack slices come from
 * __tsan_func_entry/exit.
 *
 * The second worker starts when the first is done, through a relaxed atomic
 * flag, which orders nothing: the races are the same in every run. Its
 * peek reads what the first one's bump wrote, and its bump writes over it:
 * two pairs of racing sites, with gcc and clang alike.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

int counter;
static atomic_int first_done;

static __attribute__((noinline)) int peek(void) { return counter; }
static __attribute__((noinline)) void bump(void) { counter++; }
static __attribute__((noinline)) void twice(void) {
    bump();
    bump();
}

static void *worker(void *second) {
    long seen = 0;
    while (second && !atomic_load_explicit(&first_done, memory_order_relaxed)) {
    }
    for (int i = 0; i < 3; i++) {
        seen += peek();
        twice();
    }
    if (!second) atomic_store_explicit(&first_done, 1, memory_order_relaxed);
    return (void *)seen;
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
