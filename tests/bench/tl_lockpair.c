/*
 * tl_lockpair — an unmodified pthreads program for the preload benchmark:
 * times uncontended pthread_mutex_lock/unlock pairs on one thread and
 * prints the best of several bursts in ns per pair. Run plain and under
 * `threadlens run`; preload_bench.sh compares the two. A burst (8192
 * events) fits half the default ring and the writer drains it during the
 * pause, so this is the cost to the recording thread, not the writer's
 * throughput (tl_bench measures that).
 *   tl_lockpair [PAIRS_PER_BURST] [BURSTS]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv) {
    long pairs = argc > 1 ? atol(argv[1]) : 4096;
    int bursts = argc > 2 ? atoi(argv[2]) : 50;
    struct timespec pause = {0, 20 * 1000 * 1000};
    double best = 1e300;
    for (int b = 0; b < bursts; b++) {
        double t0 = now_ns();
        for (long i = 0; i < pairs; i++) {
            pthread_mutex_lock(&m);
            pthread_mutex_unlock(&m);
        }
        double per = (now_ns() - t0) / (double)pairs;
        if (per < best) best = per;
        nanosleep(&pause, NULL);
    }
    printf("%.2f\n", best);
    return 0;
}
