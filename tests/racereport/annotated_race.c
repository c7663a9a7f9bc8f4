/*
 * annotated_race.c — one data race through the annotations, in a fixed
 * order: "writer" writes counter, then lets "reader" go through a flag the
 * race detector cannot see (a plain C11 atomic, not instrumented), and
 * reader, holding a mutex only it uses, reads counter after a sleep. So
 * nothing orders the two accesses: exactly one race, Read by reader,
 * Previous write by writer. The reader repeats its read, each time in a new
 * interval (after an unlock), once the race has been reported (tl_flush):
 * the repeats raise the race's count, written again at the end. Then both
 * are joined and main reads counter (ordered by the joins: no race).
 *
 * With the argument "flood", reader records marks just before its read
 * until its ring is full (run with a small THREADLENS_BUFFER_EVENTS and
 * THREADLENS_FULL_WAIT_US=0): the TL_EV_RACE announcing the race is then
 * most likely dropped, and the writer must still report the race, from the
 * detector's records, when the trace closes.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "threadlens.h"

TL_SHARED(int, counter);
static atomic_int go;
static tl_mutex m;
static int flood;
#define REPEATS 5

static void *writer(void *arg) {
    (void)arg;
    tl_set(counter, 42); /* the first access */
    atomic_store(&go, 1);
    return NULL;
}

static void *reader(void *arg) {
    (void)arg;
    while (!atomic_load(&go)) {
    }
    tl_sleep_ms(20); /* the sleep */
    int v = 0;
    for (int k = 0; k < REPEATS; k++) {
        tl_mutex_lock(&m);
        for (int i = 0; flood && !k && i < 100000; i++) tl_mark("flood");
        v += tl_get(counter); /* the second access */
        tl_mutex_unlock(&m);
        if (!k) tl_flush(); /* the race is reported: the repeats are recounted */
    }
    return (void *)(long)v;
}

int main(int argc, char **argv) {
    flood = argc > 1 && !strcmp(argv[1], "flood");
    tl_mutex_init(&m, TL_MUTEX_NORMAL, "m");
    tl_thread a, b;
    tl_thread_create(&b, "reader", reader, NULL);
    tl_thread_create(&a, "writer", writer, NULL);
    tl_thread_join(a, NULL);
    tl_thread_join(b, NULL);
    printf("counter %d\n", tl_get(counter));
    return 0;
}
