/*
 * io_vs_cpu — the seeds' first lesson (tutorials 001 and 002): "Tasks that
 * spend much of their time waiting for external events are generally good
 * candidates for threading. Problems that require heavy CPU computation
 * [...] might not run faster at all" — because CPython's GIL lets one
 * thread run Python code at a time.
 *
 * C has no GIL. Four threads that wait (a 200 ms sleep stands in for a
 * download) take 200 ms together, as in Python; four threads that compute
 * take about as long as one when there are four cores free — their
 * `running` slices overlap in the trace — and only on fewer cores do they
 * queue for the CPU. `tl_io_vs_cpu` waits, `tl_io_vs_cpu cpu` computes;
 * both print how long one task and all four took. See README.md.
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define THREADS 4
#define STEPS 20000000L

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The I/O-bound task: a request whose answer takes 200 ms to come. */
static void *download(void *arg) {
    (void)arg;
    pthread_setname_np(pthread_self(), "download");
    usleep(200 * 1000);
    return NULL;
}

/* The CPU-bound task: seed 003's func_4_thread, `while n < n_max: n += 1`,
 * with a little arithmetic so the compiler keeps the loop. */
static void *compute(void *arg) {
    pthread_setname_np(pthread_self(), "compute");
    uint64_t n = 0, x = (uintptr_t)arg;
    while (n < STEPS) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        n += 1;
    }
    return (void *)(uintptr_t)(x & 1);
}

static double run(void *(*task)(void *), int threads) {
    pthread_t t[THREADS];
    double t0 = now_ms();
    for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, task, (void *)(intptr_t)i);
    for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
    return now_ms() - t0;
}

int main(int argc, char **argv) {
    int cpu = argc > 1 && strcmp(argv[1], "cpu") == 0;
    void *(*task)(void *) = cpu ? compute : download;
    const char *what = cpu ? "compute" : "download";
    double one = run(task, 1);
    printf("1 %s thread:  %6.0f ms\n", what, one);
    double four = run(task, THREADS);
    printf("%d %s threads: %6.0f ms (%.1f times one, on %ld cores)\n", THREADS, what, four,
           four / one, sysconf(_SC_NPROCESSORS_ONLN));
    return 0;
}
