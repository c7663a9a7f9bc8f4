/*
 * condition — a condition variable (Python's threading.Condition, one of
 * seed 002's "Threading Objects") and its classic bug, the lost wakeup.
 * The seed gives only the heading; the Python here is the usual example:
 *
 *     condition = threading.Condition()
 *     message = None
 *     def producer():
 *         global message
 *         time.sleep(0.05)                # making the message
 *         with condition:
 *             message = "hello"
 *             condition.notify()
 *     def consumer():
 *         time.sleep(0.3)                 # late: the notify came already
 *         with condition:
 *             condition.wait()            # fixed: while message is None:
 *             logging.info(...)           #            condition.wait()
 *
 * A notify with nobody waiting is not remembered. `tl_condition`: the
 * producer notifies at 50 ms, the consumer comes at 300 ms (late, with a
 * margin no loaded machine delays the producer by) and
 * waits without looking at `message`: it waits for a signal that already
 * came. The consumer waits on message_ready, main waits in the join,
 * nobody is left to wake anyone. After
 * THREADLENS_HANG_MS (3 s by default) of that, threadlens reports the hang,
 * with a "Lost wakeup" line, and ends the process with status 86.
 * `tl_condition fixed`: the consumer waits only while the predicate is
 * false, in a loop, under the mutex (the message is the state; the signal
 * only says "look again"). See README.md.
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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

/* Python's Condition is a lock and a condition in one; C keeps them apart. */
static pthread_mutex_t message_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t message_ready = PTHREAD_COND_INITIALIZER;
static const char *message; /* the predicate: NULL until produced */

static int fixed;

static void *producer(void *arg) {
    (void)arg;
    sleep_ms(50); /* making the message */
    pthread_mutex_lock(&message_lock);
    message = "hello";
    say("Producer: message ready, notify");
    pthread_cond_signal(&message_ready);
    pthread_mutex_unlock(&message_lock);
    return NULL;
}

static void *consumer(void *arg) {
    (void)arg;
    sleep_ms(300);
    pthread_mutex_lock(&message_lock);
    if (fixed) {
        /* The message may already be there (it is, here), and a waiter may
         * wake without a signal: check, and check again after each wake. */
        while (message == NULL) pthread_cond_wait(&message_ready, &message_lock);
    } else {
        say("Consumer: waiting for the notify");
        pthread_cond_wait(&message_ready, &message_lock);
    }
    say("Consumer: got the message: %s", message);
    pthread_mutex_unlock(&message_lock);
    return NULL;
}

int main(int argc, char **argv) {
    fixed = argc > 1 && strcmp(argv[1], "fixed") == 0;
    pthread_t threads[2];
    pthread_create(&threads[0], NULL, producer, NULL);
    pthread_create(&threads[1], NULL, consumer, NULL);
    /* Named by main, before main can join them: the lanes and main's
     * "joining ..." slices all get the names. */
    pthread_setname_np(threads[0], "producer");
    pthread_setname_np(threads[1], "consumer");
    pthread_join(threads[0], NULL);
    pthread_join(threads[1], NULL);
    say("Main: all done");
    return 0;
}
