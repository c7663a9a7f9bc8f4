/*
 * test_queue.c — tl_queue's semantics (queue.Queue's): every item delivered
 * exactly once and in order under many producers and consumers, capacity
 * respected, timeouts, try calls, task_done/join, close. One case per ctest
 * (pool_queue.<case>); the run is traced, like any tl_* program.
 */
#include <errno.h>
#include <stdlib.h>

#include "pool_test.h"

/* ---- many producers, many consumers --------------------------------------- */

#define PRODUCERS 4
#define CONSUMERS 4
#define PER_PRODUCER 20000

/* Item: producer p's n-th item is p * PER_PRODUCER + n, as ITEM(). */
typedef struct mpmc {
    tl_queue *q;
    size_t capacity;
    atomic_int seen[PRODUCERS * PER_PRODUCER]; /* times each item was got */
    atomic_int reordered, over_capacity, bad_items;
    atomic_long got;
} mpmc;

typedef struct producer_arg {
    mpmc *m;
    int p;
} producer_arg;

static void *producer(void *arg) {
    producer_arg *a = arg;
    for (int n = 0; n < PER_PRODUCER; n++) {
        int rc = tl_queue_put(a->m->q, ITEM(a->p * PER_PRODUCER + n));
        if (rc != 0) {
            fprintf(stderr, "producer %d: put %d returned %d\n", a->p, n, rc);
            atomic_fetch_add(&a->m->bad_items, 1);
        }
        if (a->m->capacity && tl_queue_size(a->m->q) > a->m->capacity)
            atomic_fetch_add(&a->m->over_capacity, 1);
    }
    return NULL;
}

/* Gets until the queue is closed and drained. One consumer's gets are in
 * order, so the items it gets from one producer must come in that
 * producer's order (the queue is FIFO and each producer puts in order). */
static void *consumer(void *arg) {
    mpmc *m = arg;
    long last[PRODUCERS];
    for (int p = 0; p < PRODUCERS; p++) last[p] = -1;
    for (;;) {
        void *item = NULL;
        int rc = tl_queue_get(m->q, &item);
        if (rc == EPIPE) break;
        if (rc != 0) {
            fprintf(stderr, "consumer: get returned %d\n", rc);
            atomic_fetch_add(&m->bad_items, 1);
            break;
        }
        if (m->capacity && tl_queue_size(m->q) > m->capacity) atomic_fetch_add(&m->over_capacity, 1);
        long v = ITEM_N(item);
        if (v < 0 || v >= PRODUCERS * PER_PRODUCER) {
            atomic_fetch_add(&m->bad_items, 1);
            continue;
        }
        int p = (int)(v / PER_PRODUCER);
        long n = v % PER_PRODUCER;
        if (n <= last[p]) {
            if (atomic_fetch_add(&m->reordered, 1) < 5)
                fprintf(stderr, "consumer: producer %d's item %ld after its item %ld\n", p, n, last[p]);
        }
        last[p] = n;
        atomic_fetch_add(&m->seen[v], 1);
        atomic_fetch_add(&m->got, 1);
    }
    return NULL;
}

static void run_mpmc(size_t capacity) {
    mpmc *m = calloc(1, sizeof(*m));
    CHECK(m != NULL);
    if (!m) return;
    m->capacity = capacity;
    m->q = tl_queue_create(capacity, "mpmc");
    CHECK(m->q != NULL);
    if (!m->q) {
        free(m);
        return;
    }
    tl_thread prod[PRODUCERS], cons[CONSUMERS];
    producer_arg pa[PRODUCERS];
    for (int c = 0; c < CONSUMERS; c++) CHECK_EQ(tl_thread_create(&cons[c], "consumer", consumer, m), 0);
    for (int p = 0; p < PRODUCERS; p++) {
        pa[p] = (producer_arg){m, p};
        CHECK_EQ(tl_thread_create(&prod[p], "producer", producer, &pa[p]), 0);
    }
    for (int p = 0; p < PRODUCERS; p++) CHECK_EQ(tl_thread_join(prod[p], NULL), 0);
    /* Every item is in; close lets the consumers drain the rest and stop. */
    tl_queue_close(m->q);
    for (int c = 0; c < CONSUMERS; c++) CHECK_EQ(tl_thread_join(cons[c], NULL), 0);

    CHECK_EQ(atomic_load(&m->got), PRODUCERS * PER_PRODUCER);
    int lost = 0, duplicated = 0;
    for (int i = 0; i < PRODUCERS * PER_PRODUCER; i++) {
        int s = atomic_load(&m->seen[i]);
        lost += s == 0;
        duplicated += s > 1;
    }
    CHECK_EQ(lost, 0);
    CHECK_EQ(duplicated, 0);
    CHECK_EQ(atomic_load(&m->reordered), 0);
    CHECK_EQ(atomic_load(&m->over_capacity), 0);
    CHECK_EQ(atomic_load(&m->bad_items), 0);
    CHECK_EQ(tl_queue_size(m->q), 0);
    tl_queue_destroy(m->q);
    free(m);
}

CASE(mpmc_unbounded) { run_mpmc(0); }
CASE(mpmc_bounded) { run_mpmc(16); }
/* Capacity 1: every put waits for a get, the hardest hand-off. */
CASE(mpmc_capacity_one) { run_mpmc(1); }

/* ---- one producer, one consumer: strict FIFO ------------------------------ */

#define SPSC_ITEMS 50000

static void *spsc_producer(void *arg) {
    tl_queue *q = arg;
    for (int n = 0; n < SPSC_ITEMS; n++) tl_queue_put(q, ITEM(n));
    return NULL;
}

CASE(spsc_fifo) {
    tl_queue *q = tl_queue_create(8, "spsc");
    CHECK(q != NULL);
    if (!q) return;
    tl_thread t;
    CHECK_EQ(tl_thread_create(&t, "producer", spsc_producer, q), 0);
    int out_of_order = 0;
    for (int n = 0; n < SPSC_ITEMS; n++) {
        void *item = NULL;
        CHECK_EQ(tl_queue_get(q, &item), 0);
        if (ITEM_N(item) != n && out_of_order++ < 5)
            fprintf(stderr, "item %d is %ld\n", n, ITEM_N(item));
    }
    CHECK_EQ(out_of_order, 0);
    CHECK_EQ(tl_thread_join(t, NULL), 0);
    tl_queue_destroy(q);
}

/* ---- a full bounded queue blocks its producer ----------------------------- */

#define BLOCK_CAP 4
#define BLOCK_ITEMS 10

typedef struct blocking {
    tl_queue *q;
    atomic_int puts; /* puts that returned */
} blocking;

static void *blocking_producer(void *arg) {
    blocking *b = arg;
    for (int n = 0; n < BLOCK_ITEMS; n++) {
        if (tl_queue_put(b->q, ITEM(n)) != 0) break;
        atomic_fetch_add(&b->puts, 1);
    }
    return NULL;
}

CASE(bounded_blocks_producer) {
    blocking b = {.q = tl_queue_create(BLOCK_CAP, "bounded")};
    CHECK(b.q != NULL);
    if (!b.q) return;
    tl_thread t;
    CHECK_EQ(tl_thread_create(&t, "producer", blocking_producer, &b), 0);
    CHECK(await_at_least(&b.puts, BLOCK_CAP));
    /* Whatever the scheduling, no fifth put can return while nobody gets. */
    tl_sleep_ms(50);
    CHECK_EQ(atomic_load(&b.puts), BLOCK_CAP);
    CHECK_EQ(tl_queue_size(b.q), BLOCK_CAP);
    /* Each get makes room for exactly one more put. */
    for (int n = 0; n < BLOCK_ITEMS; n++) {
        void *item = NULL;
        CHECK_EQ(tl_queue_get(b.q, &item), 0);
        CHECK_EQ(ITEM_N(item), n);
        CHECK(tl_queue_size(b.q) <= BLOCK_CAP);
        int want = n + 1 + BLOCK_CAP < BLOCK_ITEMS ? n + 1 + BLOCK_CAP : BLOCK_ITEMS;
        CHECK(await_at_least(&b.puts, want));
        CHECK(atomic_load(&b.puts) <= n + 1 + BLOCK_CAP);
    }
    CHECK_EQ(tl_thread_join(t, NULL), 0);
    CHECK_EQ(atomic_load(&b.puts), BLOCK_ITEMS);
    tl_queue_destroy(b.q);
}

/* ---- timeouts and try calls ----------------------------------------------- */

CASE(timed_get_empty) {
    tl_queue *q = tl_queue_create(0, "empty");
    CHECK(q != NULL);
    if (!q) return;
    void *item = ITEM(42);
    CHECK_EQ(tl_queue_get_timed(q, &item, TL_MS(20)), ETIMEDOUT);
    CHECK_EQ(tl_queue_get_timed(q, &item, 0), ETIMEDOUT);
    /* An item there is taken at once, whatever the timeout. */
    CHECK_EQ(tl_queue_put(q, ITEM(7)), 0);
    CHECK_EQ(tl_queue_get_timed(q, &item, TL_MS(20)), 0);
    CHECK_EQ(ITEM_N(item), 7);
    CHECK_EQ(tl_queue_get_timed(q, &item, TL_MS(1)), ETIMEDOUT);
    tl_queue_destroy(q);
}

static void put_later(void *q) { tl_queue_put(q, ITEM(5)); }

/* "Forever" as a timeout: the deadline must not wrap around into the past. */
CASE(timed_get_forever) {
    tl_queue *q = tl_queue_create(0, "later");
    CHECK(q != NULL);
    if (!q) return;
    tl_timer *t = tl_timer_start(TL_MS(20), put_later, q, "putter");
    CHECK(t != NULL);
    if (!t) return;
    void *item = NULL;
    CHECK_EQ(tl_queue_get_timed(q, &item, UINT64_MAX), 0);
    CHECK_EQ(ITEM_N(item), 5);
    CHECK_EQ(tl_timer_join(t), 0);
    tl_queue_destroy(q);
}

CASE(timed_put_full) {
    tl_queue *q = tl_queue_create(2, "full");
    CHECK(q != NULL);
    if (!q) return;
    CHECK_EQ(tl_queue_put_timed(q, ITEM(1), TL_MS(20)), 0);
    CHECK_EQ(tl_queue_put_timed(q, ITEM(2), TL_MS(20)), 0);
    CHECK_EQ(tl_queue_put_timed(q, ITEM(3), TL_MS(20)), ETIMEDOUT);
    CHECK_EQ(tl_queue_size(q), 2);
    void *item = NULL;
    CHECK_EQ(tl_queue_get(q, &item), 0);
    CHECK_EQ(ITEM_N(item), 1);
    CHECK_EQ(tl_queue_get(q, &item), 0);
    CHECK_EQ(ITEM_N(item), 2);
    CHECK_EQ(tl_queue_tryget(q, &item), EAGAIN);
    tl_queue_destroy(q);
}

CASE(try_calls) {
    tl_queue *q = tl_queue_create(3, "try");
    CHECK(q != NULL);
    if (!q) return;
    void *item = ITEM(99);
    CHECK_EQ(tl_queue_tryget(q, &item), EAGAIN);
    CHECK_EQ(ITEM_N(item), 99); /* untouched when nothing was got */
    for (int n = 0; n < 3; n++) CHECK_EQ(tl_queue_tryput(q, ITEM(n)), 0);
    CHECK_EQ(tl_queue_tryput(q, ITEM(3)), EAGAIN);
    CHECK_EQ(tl_queue_size(q), 3);
    for (int n = 0; n < 3; n++) {
        CHECK_EQ(tl_queue_tryget(q, &item), 0);
        CHECK_EQ(ITEM_N(item), n);
    }
    CHECK_EQ(tl_queue_tryget(q, &item), EAGAIN);
    tl_queue_destroy(q);

    /* Unbounded: a try put never finds it full. */
    q = tl_queue_create(0, "try unbounded");
    CHECK(q != NULL);
    if (!q) return;
    for (int n = 0; n < 10000; n++) CHECK_EQ(tl_queue_tryput(q, ITEM(n)), 0);
    CHECK_EQ(tl_queue_size(q), 10000);
    for (int n = 0; n < 10000; n++) {
        CHECK_EQ(tl_queue_tryget(q, &item), 0);
        CHECK_EQ(ITEM_N(item), n);
    }
    tl_queue_destroy(q);
}

/* ---- task_done / join ----------------------------------------------------- */

typedef struct joiner {
    tl_queue *q;
    atomic_int joined;
    int rc;
} joiner;

static void *join_queue(void *arg) {
    joiner *j = arg;
    j->rc = tl_queue_join(j->q);
    atomic_store(&j->joined, 1);
    return NULL;
}

CASE(task_done_join) {
    joiner j = {.q = tl_queue_create(0, "work")};
    CHECK(j.q != NULL);
    if (!j.q) return;
    /* Nothing was ever put: join returns at once, task_done is one too many. */
    CHECK_EQ(tl_queue_join(j.q), 0);
    CHECK_EQ(tl_queue_task_done(j.q), EINVAL);

    for (int n = 0; n < 3; n++) CHECK_EQ(tl_queue_put(j.q, ITEM(n)), 0);
    tl_thread t;
    CHECK_EQ(tl_thread_create(&t, "joiner", join_queue, &j), 0);
    void *item;
    for (int n = 0; n < 3; n++) CHECK_EQ(tl_queue_get(j.q, &item), 0);
    /* Got is not done: join waits for the third task_done. */
    CHECK_EQ(tl_queue_task_done(j.q), 0);
    CHECK_EQ(tl_queue_task_done(j.q), 0);
    tl_sleep_ms(50);
    CHECK_EQ(atomic_load(&j.joined), 0);
    CHECK_EQ(tl_queue_task_done(j.q), 0);
    CHECK_EQ(tl_thread_join(t, NULL), 0);
    CHECK_EQ(atomic_load(&j.joined), 1);
    CHECK_EQ(j.rc, 0);
    CHECK_EQ(tl_queue_task_done(j.q), EINVAL);

    /* Items put after the count went back to zero count again. */
    CHECK_EQ(tl_queue_put(j.q, ITEM(3)), 0);
    CHECK_EQ(tl_queue_get(j.q, &item), 0);
    atomic_store(&j.joined, 0);
    CHECK_EQ(tl_thread_create(&t, "joiner", join_queue, &j), 0);
    tl_sleep_ms(20);
    CHECK_EQ(atomic_load(&j.joined), 0);
    CHECK_EQ(tl_queue_task_done(j.q), 0);
    CHECK_EQ(tl_thread_join(t, NULL), 0);
    CHECK_EQ(j.rc, 0);
    CHECK_EQ(tl_queue_task_done(j.q), EINVAL);
    tl_queue_destroy(j.q);
}

/* The queue.Queue worker pattern: workers get and task_done forever, the
 * main thread joins the queue, then closes it to stop them. */
#define JOIN_WORKERS 3
#define JOIN_ITEMS 3000

typedef struct join_workers {
    tl_queue *q;
    atomic_int done;
} join_workers;

static void *done_worker(void *arg) {
    join_workers *w = arg;
    void *item;
    while (tl_queue_get(w->q, &item) == 0) {
        atomic_fetch_add(&w->done, 1);
        tl_queue_task_done(w->q);
    }
    return NULL;
}

CASE(join_with_workers) {
    join_workers w = {.q = tl_queue_create(10, "jobs")};
    CHECK(w.q != NULL);
    if (!w.q) return;
    tl_thread t[JOIN_WORKERS];
    for (int i = 0; i < JOIN_WORKERS; i++) CHECK_EQ(tl_thread_create(&t[i], "worker", done_worker, &w), 0);
    for (int n = 0; n < JOIN_ITEMS; n++) CHECK_EQ(tl_queue_put(w.q, ITEM(n)), 0);
    CHECK_EQ(tl_queue_join(w.q), 0);
    /* join returned: every item was got and done. */
    CHECK_EQ(atomic_load(&w.done), JOIN_ITEMS);
    CHECK_EQ(tl_queue_size(w.q), 0);
    tl_queue_close(w.q);
    for (int i = 0; i < JOIN_WORKERS; i++) CHECK_EQ(tl_thread_join(t[i], NULL), 0);
    tl_queue_destroy(w.q);
}

/* ---- close ---------------------------------------------------------------- */

typedef struct closer {
    tl_queue *q;
    atomic_int started;
    atomic_int epipe, other;
} closer;

static void *blocked_getter(void *arg) {
    closer *c = arg;
    void *item = NULL;
    atomic_fetch_add(&c->started, 1);
    int rc = tl_queue_get(c->q, &item);
    atomic_fetch_add(rc == EPIPE ? &c->epipe : &c->other, 1);
    return NULL;
}

static void *blocked_putter(void *arg) {
    closer *c = arg;
    atomic_fetch_add(&c->started, 1);
    int rc = tl_queue_put(c->q, ITEM(1000));
    atomic_fetch_add(rc == EPIPE ? &c->epipe : &c->other, 1);
    return NULL;
}

CASE(close_wakes_getters) {
    closer c = {.q = tl_queue_create(0, "closing")};
    CHECK(c.q != NULL);
    if (!c.q) return;
    tl_thread t[3];
    for (int i = 0; i < 3; i++) CHECK_EQ(tl_thread_create(&t[i], "getter", blocked_getter, &c), 0);
    CHECK(await_at_least(&c.started, 3));
    tl_sleep_ms(20); /* most likely in their gets by now; either way they must end */
    tl_queue_close(c.q);
    for (int i = 0; i < 3; i++) CHECK_EQ(tl_thread_join(t[i], NULL), 0);
    CHECK_EQ(atomic_load(&c.epipe), 3);
    CHECK_EQ(atomic_load(&c.other), 0);
    tl_queue_close(c.q); /* idempotent */
    tl_queue_destroy(c.q);
}

CASE(close_wakes_putters) {
    closer c = {.q = tl_queue_create(1, "closing full")};
    CHECK(c.q != NULL);
    if (!c.q) return;
    CHECK_EQ(tl_queue_put(c.q, ITEM(0)), 0);
    tl_thread t[2];
    for (int i = 0; i < 2; i++) CHECK_EQ(tl_thread_create(&t[i], "putter", blocked_putter, &c), 0);
    CHECK(await_at_least(&c.started, 2));
    tl_sleep_ms(20);
    tl_queue_close(c.q);
    for (int i = 0; i < 2; i++) CHECK_EQ(tl_thread_join(t[i], NULL), 0);
    CHECK_EQ(atomic_load(&c.epipe), 2);
    CHECK_EQ(atomic_load(&c.other), 0);
    /* The item put before the close is still there to get, and only it. */
    void *item = NULL;
    CHECK_EQ(tl_queue_get(c.q, &item), 0);
    CHECK_EQ(ITEM_N(item), 0);
    CHECK_EQ(tl_queue_get(c.q, &item), EPIPE);
    tl_queue_destroy(c.q);
}

CASE(close_drains) {
    tl_queue *q = tl_queue_create(0, "drain");
    CHECK(q != NULL);
    if (!q) return;
    CHECK_EQ(tl_queue_put(q, ITEM(1)), 0);
    CHECK_EQ(tl_queue_put(q, ITEM(2)), 0);
    tl_queue_close(q);
    CHECK_EQ(tl_queue_put(q, ITEM(3)), EPIPE);
    CHECK_EQ(tl_queue_tryput(q, ITEM(3)), EPIPE);
    CHECK_EQ(tl_queue_put_timed(q, ITEM(3), TL_MS(10)), EPIPE);
    CHECK_EQ(tl_queue_size(q), 2);
    void *item = NULL;
    CHECK_EQ(tl_queue_get(q, &item), 0);
    CHECK_EQ(ITEM_N(item), 1);
    CHECK_EQ(tl_queue_tryget(q, &item), 0);
    CHECK_EQ(ITEM_N(item), 2);
    /* Closed and empty: every kind of get fails at once. */
    CHECK_EQ(tl_queue_get(q, &item), EPIPE);
    CHECK_EQ(tl_queue_tryget(q, &item), EPIPE);
    CHECK_EQ(tl_queue_get_timed(q, &item, TL_SEC(30)), EPIPE);
    tl_queue_close(q);
    tl_queue_destroy(q);
}

/* Items still queued at destroy are the caller's: destroy must not touch
 * them (ASan would see a free of these stack addresses). */
CASE(destroy_with_items) {
    tl_queue *q = tl_queue_create(0, "left over");
    CHECK(q != NULL);
    if (!q) return;
    int a, b;
    CHECK_EQ(tl_queue_put(q, &a), 0);
    CHECK_EQ(tl_queue_put(q, &b), 0);
    tl_queue_destroy(q);
}

int main(int argc, char **argv) {
    static const pool_case cases[] = {
        {"mpmc_unbounded", mpmc_unbounded},
        {"mpmc_bounded", mpmc_bounded},
        {"mpmc_capacity_one", mpmc_capacity_one},
        {"spsc_fifo", spsc_fifo},
        {"bounded_blocks_producer", bounded_blocks_producer},
        {"timed_get_empty", timed_get_empty},
        {"timed_get_forever", timed_get_forever},
        {"timed_put_full", timed_put_full},
        {"try_calls", try_calls},
        {"task_done_join", task_done_join},
        {"join_with_workers", join_with_workers},
        {"close_wakes_getters", close_wakes_getters},
        {"close_wakes_putters", close_wakes_putters},
        {"close_drains", close_drains},
        {"destroy_with_items", destroy_with_items},
    };
    return pool_test_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]));
}
