/*
 * test_sync.c — tl_event (threading.Event) and tl_timer (threading.Timer)
 * semantics: set wakes every waiter, a set event lets waits through, clear,
 * timed waits; a timer fires on its own thread, a cancel in time stops it,
 * a cancel too late says so. One case per ctest (pool_sync.<case>). No time
 * is asserted: "fires after the delay" is checked as "fired".
 */
#include <errno.h>

#include "pool_test.h"

/* ---- event ---------------------------------------------------------------- */

#define WAITERS 4

typedef struct waiters {
    tl_event *e;
    atomic_int started, woken, bad;
} waiters;

static void *wait_event(void *arg) {
    waiters *w = arg;
    atomic_fetch_add(&w->started, 1);
    if (tl_event_wait(w->e) != 0) atomic_fetch_add(&w->bad, 1);
    atomic_fetch_add(&w->woken, 1);
    return NULL;
}

static void *wait_event_timed(void *arg) {
    waiters *w = arg;
    atomic_fetch_add(&w->started, 1);
    if (tl_event_wait_timed(w->e, TL_SEC(120)) != 0) atomic_fetch_add(&w->bad, 1);
    atomic_fetch_add(&w->woken, 1);
    return NULL;
}

CASE(set_wakes_all) {
    waiters w = {.e = tl_event_create("go")};
    CHECK(w.e != NULL);
    if (!w.e) return;
    CHECK_EQ(tl_event_is_set(w.e), 0);
    tl_thread t[WAITERS];
    for (int i = 0; i < WAITERS; i++)
        CHECK_EQ(tl_thread_create(&t[i], "waiter", i % 2 ? wait_event_timed : wait_event, &w), 0);
    CHECK(await_at_least(&w.started, WAITERS));
    tl_sleep_ms(30);
    CHECK_EQ(atomic_load(&w.woken), 0); /* nobody passes a clear event */
    tl_event_set(w.e);
    for (int i = 0; i < WAITERS; i++) CHECK_EQ(tl_thread_join(t[i], NULL), 0);
    CHECK_EQ(atomic_load(&w.woken), WAITERS);
    CHECK_EQ(atomic_load(&w.bad), 0);
    CHECK_EQ(tl_event_is_set(w.e), 1);
    tl_event_destroy(w.e);
}

CASE(set_event_passes) {
    tl_event *e = tl_event_create("open");
    CHECK(e != NULL);
    if (!e) return;
    tl_event_set(e);
    tl_event_set(e); /* setting a set event changes nothing */
    CHECK_EQ(tl_event_is_set(e), 1);
    CHECK_EQ(tl_event_wait(e), 0);
    CHECK_EQ(tl_event_wait_timed(e, 0), 0);
    CHECK_EQ(tl_event_wait_timed(e, TL_MS(10)), 0);
    /* Waits do not consume it (unlike a semaphore). */
    CHECK_EQ(tl_event_is_set(e), 1);
    tl_event_destroy(e);
}

CASE(clear) {
    tl_event *e = tl_event_create("flag");
    CHECK(e != NULL);
    if (!e) return;
    tl_event_set(e);
    tl_event_clear(e);
    CHECK_EQ(tl_event_is_set(e), 0);
    CHECK_EQ(tl_event_wait_timed(e, TL_MS(10)), ETIMEDOUT);
    tl_event_clear(e); /* clearing a clear event changes nothing */
    CHECK_EQ(tl_event_is_set(e), 0);
    tl_event_set(e);
    CHECK_EQ(tl_event_wait_timed(e, TL_MS(10)), 0);
    tl_event_destroy(e);
}

CASE(timed_wait_times_out) {
    tl_event *e = tl_event_create("never");
    CHECK(e != NULL);
    if (!e) return;
    CHECK_EQ(tl_event_wait_timed(e, TL_MS(20)), ETIMEDOUT);
    CHECK_EQ(tl_event_wait_timed(e, 0), ETIMEDOUT);
    CHECK_EQ(tl_event_is_set(e), 0);
    tl_event_destroy(e);
}

/* The common use: one thread waits for another to say it is ready. */
static void *set_event(void *arg) {
    tl_event_set(arg);
    return NULL;
}

static void set_timer(void *e) { tl_event_set(e); }

/* "Forever" as a timeout: the deadline must not wrap around into the past. */
CASE(timed_wait_forever) {
    tl_event *e = tl_event_create("eventually");
    CHECK(e != NULL);
    if (!e) return;
    tl_timer *t = tl_timer_start(TL_MS(20), set_timer, e, "setter");
    CHECK(t != NULL);
    if (!t) return;
    CHECK_EQ(tl_event_wait_timed(e, UINT64_MAX), 0);
    CHECK_EQ(tl_event_is_set(e), 1);
    CHECK_EQ(tl_timer_join(t), 0);
    tl_event_destroy(e);
}

CASE(set_from_another_thread) {
    tl_event *e = tl_event_create("ready");
    CHECK(e != NULL);
    if (!e) return;
    tl_thread t;
    CHECK_EQ(tl_thread_create(&t, "setter", set_event, e), 0);
    CHECK_EQ(tl_event_wait_timed(e, TL_SEC(120)), 0);
    CHECK_EQ(tl_thread_join(t, NULL), 0);
    tl_event_destroy(e);
}

/* ---- timer ---------------------------------------------------------------- */

typedef struct fired {
    atomic_int runs;
    atomic_uint tid;
    tl_event *hold; /* when set: fn waits for it */
} fired;

static void on_fire(void *arg) {
    fired *f = arg;
    atomic_store(&f->tid, tl_thread_self_id());
    atomic_fetch_add(&f->runs, 1);
    if (f->hold) tl_event_wait(f->hold);
}

CASE(timer_fires) {
    fired f = {0};
    tl_timer *t = tl_timer_start(TL_MS(10), on_fire, &f, "soon");
    CHECK(t != NULL);
    if (!t) return;
    CHECK_EQ(tl_timer_join(t), 0);
    CHECK_EQ(atomic_load(&f.runs), 1);
    /* On a thread of its own. */
    CHECK(atomic_load(&f.tid) != 0);
    CHECK(atomic_load(&f.tid) != tl_thread_self_id());
}

CASE(timer_zero_delay) {
    fired f = {0};
    tl_timer *t = tl_timer_start(0, on_fire, &f, "now");
    CHECK(t != NULL);
    if (!t) return;
    CHECK_EQ(tl_timer_join(t), 0);
    CHECK_EQ(atomic_load(&f.runs), 1);
}

CASE(timer_cancel_in_time) {
    fired f = {0};
    tl_timer *t = tl_timer_start(TL_SEC(600), on_fire, &f, "later");
    CHECK(t != NULL);
    if (!t) return;
    CHECK_EQ(tl_timer_cancel(t), 0);
    CHECK_EQ(tl_timer_cancel(t), 0); /* still cancelled, fn still not started */
    CHECK_EQ(tl_timer_join(t), ECANCELED);
    CHECK_EQ(atomic_load(&f.runs), 0);
}

CASE(timer_cancel_too_late) {
    fired f = {0};
    tl_timer *t = tl_timer_start(TL_MS(1), on_fire, &f, "quick");
    CHECK(t != NULL);
    if (!t) return;
    CHECK(await_at_least(&f.runs, 1));
    CHECK_EQ(tl_timer_cancel(t), EALREADY);
    CHECK_EQ(tl_timer_join(t), 0);
    CHECK_EQ(atomic_load(&f.runs), 1);
}

/* Cancelled while fn runs: too late, and fn is not interrupted. */
CASE(timer_cancel_while_running) {
    fired f = {.hold = tl_event_create("hold")};
    CHECK(f.hold != NULL);
    if (!f.hold) return;
    tl_timer *t = tl_timer_start(0, on_fire, &f, "busy");
    CHECK(t != NULL);
    if (!t) return;
    CHECK(await_at_least(&f.runs, 1));
    CHECK_EQ(tl_timer_cancel(t), EALREADY);
    tl_event_set(f.hold);
    CHECK_EQ(tl_timer_join(t), 0);
    CHECK_EQ(atomic_load(&f.runs), 1);
    tl_event_destroy(f.hold);
}

/* Many timers at once, half cancelled: each fires or not as its cancel
 * says, never both, never twice. */
#define TIMERS 20

CASE(many_timers) {
    fired f[TIMERS];
    tl_timer *t[TIMERS];
    memset(f, 0, sizeof(f));
    for (int i = 0; i < TIMERS; i++) {
        /* Odd ones far in the future, so their cancel is in time. */
        t[i] = tl_timer_start(i % 2 ? TL_SEC(600) : TL_MS(i), on_fire, &f[i], "many");
        CHECK(t[i] != NULL);
    }
    for (int i = 0; i < TIMERS; i++) {
        if (!t[i]) continue;
        int c = tl_timer_cancel(t[i]);
        if (i % 2) CHECK_EQ(c, 0);
        CHECK(c == 0 || c == EALREADY);
        int j = tl_timer_join(t[i]);
        if (c == 0) {
            CHECK_EQ(j, ECANCELED);
            CHECK_EQ(atomic_load(&f[i].runs), 0);
        } else {
            CHECK_EQ(j, 0);
            CHECK_EQ(atomic_load(&f[i].runs), 1);
        }
    }
}

int main(int argc, char **argv) {
    static const pool_case cases[] = {
        {"set_wakes_all", set_wakes_all},
        {"set_event_passes", set_event_passes},
        {"clear", clear},
        {"timed_wait_times_out", timed_wait_times_out},
        {"timed_wait_forever", timed_wait_forever},
        {"set_from_another_thread", set_from_another_thread},
        {"timer_fires", timer_fires},
        {"timer_zero_delay", timer_zero_delay},
        {"timer_cancel_in_time", timer_cancel_in_time},
        {"timer_cancel_too_late", timer_cancel_too_late},
        {"timer_cancel_while_running", timer_cancel_while_running},
        {"many_timers", many_timers},
    };
    return pool_test_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]));
}
