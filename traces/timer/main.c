/*
 * timer — the seeds' threading.Timer (seeds 000 and 002):
 *
 *     t = threading.Timer(30.0, my_function)
 *     t.start()       # my_function runs on a new thread, 30 s later
 *     t.cancel()      # stops a timer that has not fired yet; after it
 *                     # fired, cancel() does nothing
 *
 * The C twin, with 30 s scaled to 300 ms: tl_timer_start(300 ms, my_function)
 * fires; a second timer, `reminder` (500 ms), is cancelled by main at
 * 100 ms, before it fires, so its function never runs. A late cancel of
 * the first timer, after it fired, does nothing (EALREADY), as in Python.
 *
 * Correct: threadlens finds nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include <threadlens.h>

/* logging.info with format "%(asctime)s: %(message)s", to the millisecond. */
static void say(const char *what) {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    printf("%02d:%02d:%02d.%03ld: %s\n", tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, what);
    fflush(stdout);
}

static int calls; /* written by the timers' threads, read by main after the joins */

static void my_function(void *arg) {
    say((const char *)arg);
    tl_sleep_ms(20); /* its work, long enough to see */
    calls++;
}

int main(void) {
    say("Main    : starting timer (300 ms) and reminder (500 ms)");
    tl_timer *t = tl_timer_start(TL_MS(300), my_function, "my_function: the timer fired", "t");
    tl_timer *reminder = tl_timer_start(TL_MS(500), my_function, "my_function: reminder fired", "reminder");
    if (!t || !reminder) return 1;

    tl_sleep_ms(100);
    say("Main    : cancelling reminder");
    if (tl_timer_cancel(reminder) != 0) return 1; /* it must not have fired yet */

    tl_sleep_ms(300); /* t fires meanwhile */
    say("Main    : cancelling t, which already fired: does nothing");
    if (tl_timer_cancel(t) != EALREADY) return 1;

    int rc_t = tl_timer_join(t);
    int rc_reminder = tl_timer_join(reminder);
    printf("t: %s, reminder: %s, my_function ran %d time(s)\n", rc_t == 0 ? "fired" : "cancelled",
           rc_reminder == ECANCELED ? "cancelled" : "fired", calls);
    return calls == 1 && rc_t == 0 && rc_reminder == ECANCELED ? 0 : 1;
}
