/*
 * many_threads — the seeds' "Working With Many Threads" (tutorial 002; the
 * five-thread example of 004 is `tl_many_threads 5`): start several
 * threads, keep them in a list, join them in order.
 *
 *     threads = list()
 *     for index in range(3):
 *         logging.info("Main    : create and start thread %d.", index)
 *         x = threading.Thread(target=thread_function, args=(index,))
 *         threads.append(x)
 *         x.start()
 *     for index, thread in enumerate(threads):
 *         logging.info("Main    : before joining thread %d.", index)
 *         thread.join()
 *         logging.info("Main    : thread %d done", index)
 *
 * "they finish in the opposite order! Multiple runs will produce different
 * orderings." Here the OS is given a hand: each thread sleeps a different
 * time around 200 ms (2 s in the seed), shuffled anew on every run, never
 * in index order — so the threads finish in an order that differs from the
 * order main joins them in. Joining in order is still right: a join of a
 * thread that has already finished returns at once. `tl_many_threads N`
 * starts N threads (1..16). One form: nothing here is wrong. See README.md.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_THREADS 16

/* logging.info with format "%(asctime)s: %(message)s", to the millisecond. */
static void say(const char *what) {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    printf("%02d:%02d:%02d.%03ld: %s\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
           ts.tv_nsec / 1000000, what);
    fflush(stdout);
}

static void sleep_ms(long ms) {
    struct timespec d = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&d, NULL);
}

/* Written by main before the threads exist: pthread_create orders it. */
static long sleep_of[MAX_THREADS];

static void *thread_function(void *arg) {
    long index = (long)arg;
    char line[64];
    snprintf(line, sizeof(line), "Thread %ld", index);
    pthread_setname_np(pthread_self(), line);
    snprintf(line, sizeof(line), "Thread %ld: starting", index);
    say(line);
    sleep_ms(sleep_of[index]);
    snprintf(line, sizeof(line), "Thread %ld: finishing", index);
    say(line);
    return NULL;
}

static int in_index_order(int n) {
    for (int i = 1; i < n; i++)
        if (sleep_of[i - 1] > sleep_of[i]) return 0;
    return 1;
}

/* Sleeps up to 40 ms apart, centred on 200 ms, in a random order that is
 * not the index order (in which they would finish just as main joins). */
static void shuffle_sleeps(int n) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    srand((unsigned)(now.tv_sec ^ now.tv_nsec));
    long step = n > 1 && 160 / (n - 1) < 40 ? 160 / (n - 1) : 40;
    do {
        for (int i = 0; i < n; i++) sleep_of[i] = 200 + step * (i - (n - 1) / 2);
        for (int i = n - 1; i > 0; i--) {
            int j = rand() % (i + 1);
            long t = sleep_of[i];
            sleep_of[i] = sleep_of[j];
            sleep_of[j] = t;
        }
    } while (n > 1 && in_index_order(n));
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 3;
    if (n < 1 || n > MAX_THREADS) {
        fprintf(stderr, "usage: %s [THREADS (1..%d)]\n", argv[0], MAX_THREADS);
        return 2;
    }
    shuffle_sleeps(n);
    pthread_t threads[MAX_THREADS];
    char line[64];
    for (long index = 0; index < n; index++) {
        snprintf(line, sizeof(line), "Main    : create and start thread %ld.", index);
        say(line);
        int rc = pthread_create(&threads[index], NULL, thread_function, (void *)index);
        if (rc != 0) {
            fprintf(stderr, "pthread_create: %s\n", strerror(rc));
            return 1;
        }
    }
    for (int index = 0; index < n; index++) {
        snprintf(line, sizeof(line), "Main    : before joining thread %d.", index);
        say(line);
        pthread_join(threads[index], NULL);
        snprintf(line, sizeof(line), "Main    : thread %d done", index);
        say(line);
    }
    return 0;
}
