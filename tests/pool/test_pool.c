/*
 * test_pool.c — tl_pool and tl_future semantics (ThreadPoolExecutor's):
 * every task runs exactly once with the right result, map keeps order,
 * shutdown runs or cancels pending work, timed waits, failures kept on the
 * future, cancel, tasks that submit tasks. One case per ctest
 * (pool_pool.<case>); ctest fails any case whose output says "unobserved
 * task failure": every failure here is looked at.
 */
#include <errno.h>
#include <stdlib.h>

#include "pool_test.h"

/* ---- tasks ---------------------------------------------------------------- */

/* gate: tasks that must stay running until the test lets them go wait for
 * it; started counts the gated tasks that began. */
static tl_event *gate;
static atomic_int started;
static atomic_int counted;

static int gated(void *arg, void **result) {
    atomic_fetch_add(&started, 1);
    tl_event_wait(gate);
    *result = arg;
    return 0;
}

static int count(void *arg, void **result) {
    atomic_fetch_add(&counted, 1);
    *result = arg;
    return 0;
}

/* ---- 100 000 tasks through 8 workers -------------------------------------- */

#define MANY 100000
static atomic_int ran[MANY];

static int record(void *arg, void **result) {
    long i = ITEM_N(arg);
    atomic_fetch_add(&ran[i], 1);
    *result = ITEM(i * 3);
    return 0;
}

CASE(many_tasks) {
    tl_pool *p = tl_pool_create(8, "many");
    CHECK(p != NULL);
    if (!p) return;
    tl_future **f = calloc(MANY, sizeof(*f));
    CHECK(f != NULL);
    if (!f) return;
    int failed_submits = 0;
    for (long i = 0; i < MANY; i++) {
        f[i] = tl_pool_submit(p, record, ITEM(i), "record");
        failed_submits += f[i] == NULL;
    }
    CHECK_EQ(failed_submits, 0);
    int wrong = 0, not_done = 0;
    for (long i = 0; i < MANY; i++) {
        if (!f[i]) continue;
        void *r = NULL;
        int rc = tl_future_result(f[i], &r);
        if ((rc != 0 || ITEM_N(r) != i * 3) && wrong++ < 5)
            fprintf(stderr, "task %ld: status %d, result %ld\n", i, rc, ITEM_N(r));
        not_done += tl_future_state_of(f[i]) != TL_FUTURE_DONE;
        tl_future_release(f[i]);
    }
    CHECK_EQ(wrong, 0);
    CHECK_EQ(not_done, 0);
    CHECK_EQ(tl_pool_shutdown(p, 0), 0);
    int never = 0, twice = 0;
    for (long i = 0; i < MANY; i++) {
        int n = atomic_load(&ran[i]);
        never += n == 0;
        twice += n > 1;
    }
    CHECK_EQ(never, 0);
    CHECK_EQ(twice, 0);
    tl_pool_destroy(p);
    free(f);
}

/* ---- map ------------------------------------------------------------------ */

static int square(void *arg, void **result) {
    long n = ITEM_N(arg);
    *result = ITEM(n * n);
    return 0;
}

CASE(map_in_order) {
    enum { N = 1000 };
    tl_pool *p = tl_pool_create(4, "mapper");
    CHECK(p != NULL);
    if (!p) return;
    static void *args[N], *results[N];
    for (long i = 0; i < N; i++) args[i] = ITEM(i);
    CHECK_EQ(tl_pool_map(p, square, args, results, N, "square"), 0);
    int wrong = 0;
    for (long i = 0; i < N; i++) wrong += ITEM_N(results[i]) != i * i;
    CHECK_EQ(wrong, 0);
    /* Results may be dropped; an empty map does nothing. */
    CHECK_EQ(tl_pool_map(p, square, args, NULL, N, NULL), 0);
    CHECK_EQ(tl_pool_map(p, square, args, results, 0, "none"), 0);
    tl_pool_destroy(p);
}

static int fail_on_five(void *arg, void **result) {
    long n = ITEM_N(arg);
    if (n == 5 || n == 8) return 100 + (int)n;
    *result = ITEM(n + 1);
    return 0;
}

CASE(map_failure) {
    enum { N = 10 };
    tl_pool *p = tl_pool_create(3, "mapper");
    CHECK(p != NULL);
    if (!p) return;
    void *args[N], *results[N] = {0};
    for (long i = 0; i < N; i++) args[i] = ITEM(i);
    /* Two fail: the status is the first one's in order, whichever failed
     * first; map looked at both, so neither is reported. */
    CHECK_EQ(tl_pool_map(p, fail_on_five, args, results, N, "maybe"), 105);
    /* map waits for all: the other tasks ran and their results are there. */
    for (long i = 0; i < N; i++)
        if (i != 5 && i != 8) CHECK_EQ(ITEM_N(results[i]), i + 1);
    tl_pool_destroy(p);
}

/* ---- shutdown with pending work ------------------------------------------- */

#define PENDING 100

static void open_gate(void *arg) { tl_event_set(arg); }

CASE(shutdown_waits) {
    gate = tl_event_create("gate");
    tl_pool *p = tl_pool_create(2, "draining");
    CHECK(gate != NULL && p != NULL);
    if (!gate || !p) return;
    tl_future *g[2], *f[PENDING];
    for (long i = 0; i < 2; i++) g[i] = tl_pool_submit(p, gated, ITEM(i), "gated");
    CHECK(await_at_least(&started, 2));
    for (long i = 0; i < PENDING; i++) f[i] = tl_pool_submit(p, count, ITEM(i), "count");
    /* Both workers are held; the timer lets them go, most likely while
     * shutdown already waits. Every queued task must run either way. */
    tl_timer *t = tl_timer_start(TL_MS(50), open_gate, gate, "opener");
    CHECK(t != NULL);
    CHECK_EQ(tl_pool_shutdown(p, 0), 0);
    CHECK_EQ(atomic_load(&counted), PENDING);
    for (long i = 0; i < PENDING; i++) {
        CHECK_EQ(tl_future_state_of(f[i]), TL_FUTURE_DONE);
        void *r = NULL;
        CHECK_EQ(tl_future_result(f[i], &r), 0);
        CHECK_EQ(ITEM_N(r), i);
    }
    for (long i = 0; i < 2; i++) CHECK_EQ(tl_future_result(g[i], NULL), 0);
    if (t) CHECK_EQ(tl_timer_join(t), 0);
    /* Shut down: no more tasks; shutting down again does nothing. */
    errno = 0;
    CHECK(tl_pool_submit(p, count, ITEM(0), "late") == NULL);
    CHECK_EQ(errno, EPIPE);
    void *args[2] = {ITEM(1), ITEM(2)};
    CHECK_EQ(tl_pool_map(p, count, args, NULL, 2, "late"), EPIPE);
    CHECK_EQ(atomic_load(&counted), PENDING);
    CHECK_EQ(tl_pool_shutdown(p, 1), 0);
    tl_pool_destroy(p);
    tl_event_destroy(gate);
}

/* Holds the gate shut until every pending future is cancelled: the workers
 * stay busy, so shutdown(cancel) must cancel all of them itself. */
typedef struct watcher {
    tl_future **f;
    int n;
    atomic_int all_cancelled;
} watcher;

static void *open_when_cancelled(void *arg) {
    watcher *w = arg;
    for (int tries = 0; tries < 60000; tries++) {
        int c = 0;
        for (int i = 0; i < w->n; i++) c += tl_future_state_of(w->f[i]) == TL_FUTURE_CANCELLED;
        if (c == w->n) {
            atomic_store(&w->all_cancelled, 1);
            break;
        }
        tl_sleep_ms(1);
    }
    tl_event_set(gate);
    return NULL;
}

CASE(shutdown_cancels) {
    gate = tl_event_create("gate");
    tl_pool *p = tl_pool_create(2, "cancelling");
    CHECK(gate != NULL && p != NULL);
    if (!gate || !p) return;
    tl_future *g[2], *f[PENDING];
    for (long i = 0; i < 2; i++) g[i] = tl_pool_submit(p, gated, ITEM(i), "gated");
    CHECK(await_at_least(&started, 2));
    for (long i = 0; i < PENDING; i++) f[i] = tl_pool_submit(p, count, ITEM(i), "count");
    for (long i = 0; i < PENDING; i++) CHECK_EQ(tl_future_state_of(f[i]), TL_FUTURE_PENDING);
    watcher w = {.f = f, .n = PENDING};
    tl_thread t;
    CHECK_EQ(tl_thread_create(&t, "watcher", open_when_cancelled, &w), 0);
    CHECK_EQ(tl_pool_shutdown(p, 1), PENDING);
    CHECK_EQ(tl_thread_join(t, NULL), 0);
    CHECK_EQ(atomic_load(&w.all_cancelled), 1);
    CHECK_EQ(atomic_load(&counted), 0);
    for (long i = 0; i < PENDING; i++) {
        CHECK_EQ(tl_future_state_of(f[i]), TL_FUTURE_CANCELLED);
        CHECK_EQ(tl_future_wait(f[i]), 0);
        CHECK_EQ(tl_future_result(f[i], NULL), ECANCELED);
        CHECK_EQ(tl_future_wait_timed(f[i], 0), 0);
        tl_future_release(f[i]);
    }
    /* The running ones were not cancelled: they finished. */
    for (long i = 0; i < 2; i++) {
        void *r = NULL;
        CHECK_EQ(tl_future_result(g[i], &r), 0);
        CHECK_EQ(ITEM_N(r), i);
        CHECK_EQ(tl_future_state_of(g[i]), TL_FUTURE_DONE);
    }
    CHECK_EQ(tl_pool_shutdown(p, 1), 0);
    tl_pool_destroy(p);
    tl_event_destroy(gate);
}

/* Without a gate: whatever the timing, cancelled + ran == submitted, and
 * each future says which. */
#define MIXED 300
static atomic_int mixed_ran[MIXED];

static int nap(void *arg, void **result) {
    long i = ITEM_N(arg);
    atomic_fetch_add(&mixed_ran[i], 1);
    tl_sleep_ms(1);
    *result = arg;
    return 0;
}

CASE(shutdown_cancels_some) {
    tl_pool *p = tl_pool_create(2, "racing");
    CHECK(p != NULL);
    if (!p) return;
    tl_future *f[MIXED];
    for (long i = 0; i < MIXED; i++) f[i] = tl_pool_submit(p, nap, ITEM(i), "nap");
    size_t cancelled = tl_pool_shutdown(p, 1);
    size_t ran_n = 0, done = 0, cancelled_futures = 0;
    for (long i = 0; i < MIXED; i++) {
        int n = atomic_load(&mixed_ran[i]);
        CHECK(n <= 1);
        ran_n += n;
        tl_future_state s = tl_future_state_of(f[i]);
        void *r = NULL;
        int rc = tl_future_result(f[i], &r);
        if (s == TL_FUTURE_DONE) {
            done++;
            CHECK_EQ(n, 1);
            CHECK_EQ(rc, 0);
            CHECK_EQ(ITEM_N(r), i);
        } else {
            CHECK_EQ(s, TL_FUTURE_CANCELLED);
            cancelled_futures++;
            CHECK_EQ(n, 0);
            CHECK_EQ(rc, ECANCELED);
        }
    }
    CHECK_EQ(cancelled + ran_n, MIXED);
    CHECK_EQ(cancelled_futures, cancelled);
    CHECK_EQ(done, ran_n);
    tl_pool_destroy(p); /* frees the futures not released */
}

/* ---- waits ---------------------------------------------------------------- */

CASE(wait_timed) {
    gate = tl_event_create("gate");
    tl_pool *p = tl_pool_create(1, "slow");
    CHECK(gate != NULL && p != NULL);
    if (!gate || !p) return;
    tl_future *f = tl_pool_submit(p, gated, ITEM(5), "long task");
    CHECK(f != NULL);
    CHECK_EQ(tl_future_wait_timed(f, TL_MS(20)), ETIMEDOUT);
    CHECK_EQ(tl_future_wait_timed(f, 0), ETIMEDOUT);
    tl_future_state s = tl_future_state_of(f);
    CHECK(s == TL_FUTURE_PENDING || s == TL_FUTURE_RUNNING);
    CHECK(await_at_least(&started, 1));
    CHECK_EQ(tl_future_state_of(f), TL_FUTURE_RUNNING);
    CHECK_EQ(tl_future_wait_timed(f, TL_MS(10)), ETIMEDOUT);
    tl_event_set(gate);
    CHECK_EQ(tl_future_wait_timed(f, UINT64_MAX), 0); /* "forever" must not wrap around */
    CHECK_EQ(tl_future_state_of(f), TL_FUTURE_DONE);
    CHECK_EQ(tl_future_wait(f), 0);
    void *r = NULL;
    CHECK_EQ(tl_future_result(f, &r), 0);
    CHECK_EQ(ITEM_N(r), 5);
    tl_future_release(f);
    tl_pool_destroy(p);
    tl_event_destroy(gate);
}

/* ---- failures ------------------------------------------------------------- */

static int returns_seven(void *arg, void **result) {
    (void)arg;
    (void)result;
    return 7;
}

static int bad_row(void *arg, void **result) {
    (void)result;
    return tl_task_fail("row %ld: bad date", ITEM_N(arg));
}

CASE(failing_tasks) {
    tl_pool *p = tl_pool_create(2, "failing");
    CHECK(p != NULL);
    if (!p) return;
    tl_future *a = tl_pool_submit(p, returns_seven, NULL, "seven");
    tl_future *b = tl_pool_submit(p, bad_row, ITEM(3), "parse row 3");
    tl_future *c = tl_pool_submit(p, square, ITEM(4), "fine");
    CHECK(a && b && c);
    if (!a || !b || !c) return;
    void *r = ITEM(77);
    CHECK_EQ(tl_future_result(a, &r), 7);
    CHECK_EQ(ITEM_N(r), 77); /* a failed task has no result */
    CHECK_EQ(tl_future_state_of(a), TL_FUTURE_FAILED);
    CHECK(tl_future_error(a) == NULL);

    CHECK_EQ(tl_future_wait(b), 0);
    CHECK_EQ(tl_future_state_of(b), TL_FUTURE_FAILED);
    CHECK_EQ(tl_future_result(b, NULL), -1);
    const char *err = tl_future_error(b);
    CHECK(err != NULL);
    if (err) CHECK_STR(err, "row 3: bad date");

    CHECK_EQ(tl_future_result(c, &r), 0);
    CHECK_EQ(ITEM_N(r), 16);
    CHECK(tl_future_error(c) == NULL);
    tl_future_release(a);
    tl_future_release(b);
    tl_future_release(c);
    /* Outside a task it only returns -1. */
    CHECK_EQ(tl_task_fail("not in a task %d", 1), -1);
    tl_pool_destroy(p);
}

/* Looking at a failure through its state alone counts as looking. */
CASE(failure_seen_by_state) {
    tl_pool *p = tl_pool_create(1, "failing");
    CHECK(p != NULL);
    if (!p) return;
    tl_future *f = tl_pool_submit(p, bad_row, ITEM(9), "parse row 9");
    CHECK(f != NULL);
    if (!f) return;
    for (int i = 0; i < 60000 && tl_future_state_of(f) != TL_FUTURE_FAILED; i++) tl_sleep_ms(1);
    CHECK_EQ(tl_future_state_of(f), TL_FUTURE_FAILED);
    tl_pool_shutdown(p, 0);
    tl_future_release(f);
    tl_pool_destroy(p);
}

/* ---- cancel --------------------------------------------------------------- */

CASE(cancel_queued_and_running) {
    gate = tl_event_create("gate");
    tl_pool *p = tl_pool_create(1, "single");
    CHECK(gate != NULL && p != NULL);
    if (!gate || !p) return;
    tl_future *running = tl_pool_submit(p, gated, ITEM(1), "running");
    CHECK(await_at_least(&started, 1));
    tl_future *queued = tl_pool_submit(p, count, ITEM(2), "queued");
    CHECK(running && queued);
    if (!running || !queued) return;
    CHECK_EQ(tl_future_state_of(running), TL_FUTURE_RUNNING);
    CHECK_EQ(tl_future_state_of(queued), TL_FUTURE_PENDING);
    CHECK_EQ(tl_future_cancel(queued), 0);
    CHECK_EQ(tl_future_state_of(queued), TL_FUTURE_CANCELLED);
    CHECK_EQ(tl_future_result(queued, NULL), ECANCELED);
    CHECK_EQ(tl_future_cancel(running), EBUSY);
    CHECK_EQ(tl_future_state_of(running), TL_FUTURE_RUNNING);
    tl_event_set(gate);
    CHECK_EQ(tl_future_result(running, NULL), 0);
    CHECK_EQ(tl_future_cancel(running), EBUSY); /* finished: too late too */
    CHECK_EQ(tl_future_state_of(running), TL_FUTURE_DONE);
    /* The cancelled task never runs, even once the worker is free. */
    tl_future *after = tl_pool_submit(p, square, ITEM(3), "after");
    CHECK(after != NULL);
    if (after) CHECK_EQ(tl_future_result(after, NULL), 0);
    CHECK_EQ(tl_pool_shutdown(p, 0), 0);
    CHECK_EQ(atomic_load(&counted), 0);
    CHECK_EQ(tl_future_state_of(queued), TL_FUTURE_CANCELLED);
    tl_pool_destroy(p);
    tl_event_destroy(gate);
}

/* ---- tasks submitting tasks ----------------------------------------------- */

#define INNER 20
static tl_pool *nest_pool;

/* Submits INNER squares and waits for them: there are more workers than
 * outer tasks, so the inner ones always find one. */
static int outer_waits(void *arg, void **result) {
    long base = ITEM_N(arg);
    tl_future *f[INNER];
    for (long i = 0; i < INNER; i++) {
        f[i] = tl_pool_submit(nest_pool, square, ITEM(base + i), "inner");
        if (!f[i]) return tl_task_fail("submit %ld failed", i);
    }
    long sum = 0;
    for (long i = 0; i < INNER; i++) {
        void *r = NULL;
        if (tl_future_result(f[i], &r) != 0) return tl_task_fail("inner %ld failed", i);
        sum += ITEM_N(r);
        tl_future_release(f[i]);
    }
    *result = ITEM(sum);
    return 0;
}

/* Submits and returns the futures for the caller to wait for. */
static int outer_hands_back(void *arg, void **result) {
    long base = ITEM_N(arg);
    tl_future **f = calloc(INNER, sizeof(*f));
    if (!f) return tl_task_fail("out of memory");
    for (long i = 0; i < INNER; i++) f[i] = tl_pool_submit(nest_pool, square, ITEM(base + i), NULL);
    *result = f;
    return 0;
}

static long sum_squares(long from, long n) {
    long s = 0;
    for (long i = from; i < from + n; i++) s += i * i;
    return s;
}

CASE(tasks_submit_tasks) {
    nest_pool = tl_pool_create(4, "nested");
    CHECK(nest_pool != NULL);
    if (!nest_pool) return;
    tl_future *w[2], *h[2];
    for (long k = 0; k < 2; k++) {
        w[k] = tl_pool_submit(nest_pool, outer_waits, ITEM(k * 100), "outer waits");
        h[k] = tl_pool_submit(nest_pool, outer_hands_back, ITEM(k * 100 + 50), "outer hands back");
    }
    for (long k = 0; k < 2; k++) {
        void *r = NULL;
        CHECK_EQ(tl_future_result(w[k], &r), 0);
        CHECK_EQ(ITEM_N(r), sum_squares(k * 100, INNER));
        tl_future **f = NULL;
        CHECK_EQ(tl_future_result(h[k], (void **)&f), 0);
        CHECK(f != NULL);
        if (!f) continue;
        long sum = 0;
        for (long i = 0; i < INNER; i++) {
            CHECK(f[i] != NULL);
            if (!f[i]) continue;
            CHECK_EQ(tl_future_result(f[i], &r), 0);
            sum += ITEM_N(r);
            tl_future_release(f[i]);
        }
        CHECK_EQ(sum, sum_squares(k * 100 + 50, INNER));
        free(f);
    }
    tl_pool_destroy(nest_pool);
}

/* ---- creation and destruction --------------------------------------------- */

CASE(create_errors) {
    errno = 0;
    CHECK(tl_pool_create(0, "none") == NULL);
    CHECK_EQ(errno, EINVAL);
    /* One worker is enough. */
    tl_pool *p = tl_pool_create(1, "one");
    CHECK(p != NULL);
    if (!p) return;
    CHECK_EQ(tl_pool_map(p, square, (void *const[]){ITEM(2)}, NULL, 1, NULL), 0);
    tl_pool_destroy(p);
}

/* destroy shuts down (waiting) and frees every future not released:
 * ASan's leak check holds it to that. */
CASE(destroy_without_release) {
    tl_pool *p = tl_pool_create(3, "careless");
    CHECK(p != NULL);
    if (!p) return;
    for (long i = 0; i < 50; i++) CHECK(tl_pool_submit(p, count, ITEM(i), NULL) != NULL);
    tl_pool_destroy(p);
    CHECK_EQ(atomic_load(&counted), 50);
}

/* Released before it ran: the task still runs, and its future is freed
 * once it finished (ASan's leak check again). */
CASE(release_before_done) {
    gate = tl_event_create("gate");
    tl_pool *p = tl_pool_create(1, "early release");
    CHECK(gate != NULL && p != NULL);
    if (!gate || !p) return;
    tl_future *g = tl_pool_submit(p, gated, ITEM(1), "gated");
    CHECK(g != NULL);
    if (g) tl_future_release(g);
    for (long i = 0; i < 10; i++) {
        tl_future *f = tl_pool_submit(p, count, ITEM(i), "count");
        CHECK(f != NULL);
        if (f) tl_future_release(f);
    }
    tl_event_set(gate);
    CHECK_EQ(tl_pool_shutdown(p, 0), 0);
    CHECK_EQ(atomic_load(&counted), 10);
    tl_pool_destroy(p);
    tl_event_destroy(gate);
}

int main(int argc, char **argv) {
    static const pool_case cases[] = {
        {"many_tasks", many_tasks},
        {"map_in_order", map_in_order},
        {"map_failure", map_failure},
        {"shutdown_waits", shutdown_waits},
        {"shutdown_cancels", shutdown_cancels},
        {"shutdown_cancels_some", shutdown_cancels_some},
        {"wait_timed", wait_timed},
        {"failing_tasks", failing_tasks},
        {"failure_seen_by_state", failure_seen_by_state},
        {"cancel_queued_and_running", cancel_queued_and_running},
        {"tasks_submit_tasks", tasks_submit_tasks},
        {"create_errors", create_errors},
        {"destroy_without_release", destroy_without_release},
        {"release_before_done", release_before_done},
    };
    return pool_test_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]));
}
