/*
 * barrier — seed 000's and 002's "Barrier" (threading.Barrier): a fixed
 * number of threads wait for each other; nobody passes until the last one
 * arrives, then all go on together. The seeds give only the heading; the
 * Python here is the usual example:
 *
 *     meeting_point = threading.Barrier(3)
 *     def thread_function(name, seconds):
 *         logging.info("Thread %s: starting", name)
 *         time.sleep(seconds)                 # different amounts of work
 *         logging.info("Thread %s: waiting at the barrier", name)
 *         meeting_point.wait()
 *         logging.info("Thread %s: passed the barrier", name)
 *         time.sleep(0.05)
 *         logging.info("Thread %s: finishing", name)
 *
 * The C twin: Threads 0, 1 and 2 work 100, 200 and 300 ms, then meet at a
 * pthread barrier of count 3. Thread 2 arrives last and releases Threads 0
 * and 1; all three pass within the same millisecond and finish 50 ms later.
 * There is one form, and nothing to find. See README.md.
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#define THREADS 3

/* logging.info with format "%(asctime)s: %(message)s", to the millisecond. */
static void say(const char *fmt, ...) {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    printf("%02d:%02d:%02d.%03ld: ", tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static pthread_barrier_t meeting_point;

static void *thread_function(void *arg) {
    long name = (long)arg;
    say("Thread %ld: starting", name);
    sleep_ms(100 * (name + 1));
    say("Thread %ld: waiting at the barrier", name);
    pthread_barrier_wait(&meeting_point);
    say("Thread %ld: passed the barrier", name);
    sleep_ms(50);
    say("Thread %ld: finishing", name);
    return NULL;
}

int main(void) {
    pthread_barrier_init(&meeting_point, NULL, THREADS);
    pthread_t threads[THREADS];
    for (long index = 0; index < THREADS; index++) {
        pthread_create(&threads[index], NULL, thread_function, (void *)index);
        /* Named by main, before main can join it: the lane and main's
         * "joining ..." slice both get the name. */
        char thread_name[16];
        snprintf(thread_name, sizeof thread_name, "Thread %ld", index);
        pthread_setname_np(threads[index], thread_name);
    }
    for (int index = 0; index < THREADS; index++) pthread_join(threads[index], NULL);
    pthread_barrier_destroy(&meeting_point);
    return 0;
}
