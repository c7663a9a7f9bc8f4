/*
 * event — threading.Event, the flag the seeds' pipeline (tutorial 002) uses
 * to tell its threads when to stop: threads wait for it, one thread sets it
 * and every waiter wakes. A wait may take a timeout, and then it says
 * whether the flag was set (True) or the time ran out (False).
 *
 *     event = threading.Event()
 *
 *     def waiter(name):
 *         logging.info("Thread %s: waiting for the event", name)
 *         event.wait()
 *         logging.info("Thread %s: the event is set: %s", name, message)
 *
 *     def impatient():
 *         if not event.wait(timeout=0.05):
 *             logging.info("Impatient: not set after 50 ms, waiting again")
 *         event.wait(timeout=1.0)
 *
 *     ...start two waiters and impatient...
 *     time.sleep(0.1)
 *     message = "go"
 *     event.set()
 *
 * The C twin: a tl_event (C has no Event), pthreads for the threads. Main
 * writes `message` before it sets the event and the waiters read it after
 * their wait: no race, since a set is ordered before the waits it ends.
 * The first timed wait (50 ms) ends before the set (100 ms): it times out;
 * the second ends at the set. One form: nothing here is wrong.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include <threadlens.h>

static tl_event *event;
static const char *message = "(none yet)";

/* logging.info with format "%(asctime)s: %(message)s", to the millisecond. */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...) {
    struct timespec ts;
    struct tm tm;
    va_list ap;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    printf("%02d:%02d:%02d.%03ld: ", tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

static void *waiter(void *arg) {
    long name = (long)arg;
    char lane[16];
    snprintf(lane, sizeof(lane), "waiter %ld", name);
    pthread_setname_np(pthread_self(), lane);
    say("Thread %ld: waiting for the event", name);
    tl_event_wait(event);
    say("Thread %ld: the event is set: %s", name, message);
    return NULL;
}

static void *impatient(void *arg) {
    (void)arg;
    pthread_setname_np(pthread_self(), "impatient");
    if (tl_event_wait_timed(event, TL_MS(50)) == ETIMEDOUT)
        say("Impatient: not set after 50 ms, waiting again");
    if (tl_event_wait_timed(event, TL_SEC(1)) == 0)
        say("Impatient: the event is set: %s", message);
    return NULL;
}

int main(void) {
    event = tl_event_create("event");
    if (!event) return 1;
    pthread_t threads[3];
    for (long i = 0; i < 2; i++)
        if (pthread_create(&threads[i], NULL, waiter, (void *)i) != 0) return 1;
    if (pthread_create(&threads[2], NULL, impatient, NULL) != 0) return 1;

    tl_sleep_ms(100); /* time.sleep(0.1) */
    message = "go";
    say("Main    : setting the event");
    tl_event_set(event);

    for (int i = 0; i < 3; i++) pthread_join(threads[i], NULL);
    say("Main    : all done");
    tl_event_destroy(event);
    return 0;
}
