/*
 * philosophers — the dining philosophers, the textbook case of seed 002's
 * "Deadlock" (the seed has only the heading): five philosophers around a
 * table, a fork between each two; to eat, one needs both forks next to it.
 *
 *     forks = [threading.Lock() for _ in range(5)]
 *     def philosopher(i):
 *         first, second = forks[i], forks[(i + 1) % 5]   # left, then right
 *         # fixed: first, second = sorted((left, right)) by fork number
 *         for meal in range(2):
 *             with first:
 *                 time.sleep(0.1)         # reaching for the other fork
 *                 with second:
 *                     eat()
 *
 * `tl_philosophers`: everyone takes the left fork, then the right. The
 * 100 ms between the two forks lets all five pick up their left fork first:
 * every fork is held, every philosopher waits for the right neighbour's, a
 * cycle of five. threadlens reports the lock order inversion and the
 * deadlock and ends the process with status 86.
 * `tl_philosophers fixed` (resource ordering): each takes the lower-numbered
 * of its two forks first. Philosopher 4 (forks 4 and 0) takes fork 0 first,
 * so the cycle cannot close; everyone eats twice. See README.md.
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define N 5
#define MEALS 2

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

/* threadlens names each after the array's element: forks[0] ... forks[4]. */
static pthread_mutex_t forks[N] = {
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
};

static int fixed;

static void *philosopher(void *arg) {
    int i = (int)(intptr_t)arg;
    int first = i, second = (i + 1) % N; /* left, then right */
    if (fixed && second < first) {       /* the lower-numbered fork first */
        first = second;
        second = i;
    }
    for (int meal = 1; meal <= MEALS; meal++) {
        pthread_mutex_lock(&forks[first]);
        say("Philosopher %d: picked up fork %d", i, first);
        sleep_ms(100);
        pthread_mutex_lock(&forks[second]);
        say("Philosopher %d: picked up fork %d, eating (meal %d)", i, second, meal);
        sleep_ms(20);
        pthread_mutex_unlock(&forks[second]);
        pthread_mutex_unlock(&forks[first]);
    }
    say("Philosopher %d: done", i);
    return NULL;
}

int main(int argc, char **argv) {
    fixed = argc > 1 && strcmp(argv[1], "fixed") == 0;
    pthread_t threads[N];
    for (int i = 0; i < N; i++) {
        pthread_create(&threads[i], NULL, philosopher, (void *)(intptr_t)i);
        /* Named by main, before main can join it: the lane and main's
         * "joining ..." slice both get the name. */
        char name[16];
        snprintf(name, sizeof name, "philosopher %d", i);
        pthread_setname_np(threads[i], name);
    }
    for (int i = 0; i < N; i++) pthread_join(threads[i], NULL);
    say("everyone ate %d times", MEALS);
    return 0;
}
