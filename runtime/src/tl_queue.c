/*
 * tl_queue.c — tl_queue_*: the seeds' queue.Queue, a blocking FIFO.
 *
 * A ring of void * under one mutex, with a condition for each kind of
 * waiter (getters, putters, joiners). Items are numbered in put order; the
 * getter of item n records n, which is how the writer draws the arrow from
 * each put to the get that took the item (FIFO: item n is the n-th get).
 * The queue is a hand-off for the race detector: a put orders everything
 * before it before the get that follows; a task_done orders the consumer's
 * work before the join that returns.
 */
#include <stdlib.h>
#include <string.h>

#include "tl_hl.h"

enum { C_NOT_EMPTY, C_NOT_FULL, C_ALL_DONE, C_COUNT };

struct tl_queue {
    pthread_mutex_t mu;
    pthread_cond_t c[C_COUNT];
    void **ring;
    size_t ring_cap; /* a power of two */
    size_t head, count;
    size_t capacity; /* 0: unbounded */
    size_t unfinished;
    uint64_t puts, gets; /* serial numbers of the last item put / taken */
    unsigned getters, putters, joiners;
    int closed;
    uint32_t id;
};

tl_queue *tl_queue_create_at(size_t capacity, const char *name, const tl_site *site) {
    tl_queue *q = calloc(1, sizeof *q);
    size_t cap = 16;
    while (capacity && cap < capacity && cap < ((size_t)1 << 40)) cap *= 2;
    if (q) q->ring = malloc(cap * sizeof *q->ring);
    if (!q || !q->ring) {
        free(q);
        errno = ENOMEM;
        return NULL;
    }
    q->ring_cap = cap;
    q->capacity = capacity;
    tl__hl_init(&q->mu, q->c, C_COUNT);
    q->id = tl__obj_register(TL_OBJ_QUEUE, 0, q, name, (uintptr_t)site, 0, capacity);
    tl__hb_forget((uintptr_t)q); /* memory reused: earlier objects there order nothing */
    tl__hb_forget((uintptr_t)&q->unfinished);
    return q;
}

static int full(const tl_queue *q) { return q->capacity && q->count >= q->capacity; }

/* Room for one more item in the ring (an unbounded queue grows). */
static int make_room(tl_queue *q) {
    if (q->count < q->ring_cap) return 0;
    size_t cap = q->ring_cap * 2;
    void **ring = malloc(cap * sizeof *ring);
    if (!ring) return ENOMEM;
    for (size_t i = 0; i < q->count; i++) ring[i] = q->ring[(q->head + i) & (q->ring_cap - 1)];
    free(q->ring);
    q->ring = ring, q->ring_cap = cap, q->head = 0;
    return 0;
}

/* Blocks (mu held) until ready(q) or the queue closes or the deadline
 * passes; Q_WAIT first, Q_FAIL when it gives up. Returns 0 when ready. */
static int block(tl_queue *q, int (*ready)(const tl_queue *), unsigned op, unsigned *waiters,
                 pthread_cond_t *c, uint64_t deadline, const tl_site *site) {
    tl__hl_record(TL_EV_Q_WAIT, q->id, 0, op, deadline != TL_HL_FOREVER ? TL_EVF_TIMED : 0, site);
    int rc = 0;
    (*waiters)++;
    while (!ready(q) && !(q->closed && op != TL_QOP_JOIN) && rc == 0)
        rc = tl__hl_wait(c, &q->mu, deadline);
    (*waiters)--;
    if (ready(q) && !(q->closed && op == TL_QOP_PUT)) return 0;
    rc = q->closed && op != TL_QOP_JOIN ? EPIPE : ETIMEDOUT;
    tl__hl_record(TL_EV_Q_FAIL, q->id, (uint64_t)rc, op, 0, site);
    return rc;
}

static int has_room(const tl_queue *q) { return !full(q); }
static int has_item(const tl_queue *q) { return q->count > 0; }
static int all_done(const tl_queue *q) { return q->unfinished == 0; }

/* try: never block (EAGAIN). */
static int put(tl_queue *q, void *item, uint64_t deadline, int try, const tl_site *site) {
    tl__lock(&q->mu);
    int rc = q->closed ? EPIPE : 0;
    if (!rc && full(q))
        rc = try ? EAGAIN : block(q, has_room, TL_QOP_PUT, &q->putters, &q->c[C_NOT_FULL], deadline, site);
    if (!rc) rc = make_room(q);
    if (!rc) {
        q->ring[(q->head + q->count++) & (q->ring_cap - 1)] = item;
        q->unfinished++;
        tl__hb_release((uintptr_t)q);
        tl__hl_record(TL_EV_Q_PUT, q->id, TL_QARG(++q->puts, q->count), 0, 0, site);
        if (q->getters) tl__hl_signal(&q->c[C_NOT_EMPTY]);
    }
    tl__unlock(&q->mu);
    return rc;
}

static int get(tl_queue *q, void **item, uint64_t deadline, int try, const tl_site *site) {
    tl__lock(&q->mu);
    int rc = 0;
    if (!q->count)
        rc = q->closed ? EPIPE
             : try     ? EAGAIN
                       : block(q, has_item, TL_QOP_GET, &q->getters, &q->c[C_NOT_EMPTY], deadline, site);
    if (!rc) {
        void *it = q->ring[q->head];
        q->head = (q->head + 1) & (q->ring_cap - 1);
        q->count--;
        tl__hb_acquire((uintptr_t)q);
        tl__hl_record(TL_EV_Q_GET, q->id, TL_QARG(++q->gets, q->count), 0, 0, site);
        if (q->putters) tl__hl_signal(&q->c[C_NOT_FULL]);
        if (item) *item = it;
    }
    tl__unlock(&q->mu);
    return rc;
}

int tl_queue_put_at(tl_queue *q, void *item, const tl_site *site) {
    return put(q, item, TL_HL_FOREVER, 0, site);
}

int tl_queue_put_timed_at(tl_queue *q, void *item, uint64_t timeout_ns, const tl_site *site) {
    return put(q, item, tl__hl_deadline(timeout_ns), 0, site);
}

int tl_queue_tryput_at(tl_queue *q, void *item, const tl_site *site) {
    return put(q, item, TL_HL_FOREVER, 1, site);
}

int tl_queue_get_at(tl_queue *q, void **item, const tl_site *site) {
    return get(q, item, TL_HL_FOREVER, 0, site);
}

int tl_queue_get_timed_at(tl_queue *q, void **item, uint64_t timeout_ns, const tl_site *site) {
    return get(q, item, tl__hl_deadline(timeout_ns), 0, site);
}

int tl_queue_tryget_at(tl_queue *q, void **item, const tl_site *site) {
    return get(q, item, TL_HL_FOREVER, 1, site);
}

int tl_queue_task_done_at(tl_queue *q, const tl_site *site) {
    tl__lock(&q->mu);
    int rc = q->unfinished ? 0 : EINVAL;
    if (!rc) {
        q->unfinished--;
        tl__hb_release((uintptr_t)&q->unfinished);
        tl__hl_record(TL_EV_Q_DONE, q->id, q->unfinished, 0, 0, site);
        if (!q->unfinished && q->joiners) tl__hl_broadcast(&q->c[C_ALL_DONE]);
    }
    tl__unlock(&q->mu);
    return rc;
}

int tl_queue_join_at(tl_queue *q, const tl_site *site) {
    tl__lock(&q->mu);
    if (q->unfinished) {
        block(q, all_done, TL_QOP_JOIN, &q->joiners, &q->c[C_ALL_DONE], TL_HL_FOREVER, site);
        tl__hl_record(TL_EV_Q_JOINED, q->id, 0, 0, 0, site);
    }
    tl__hb_acquire((uintptr_t)&q->unfinished);
    tl__unlock(&q->mu);
    return 0;
}

void tl_queue_close_at(tl_queue *q, const tl_site *site) {
    tl__lock(&q->mu);
    if (!q->closed) {
        q->closed = 1;
        tl__hl_record(TL_EV_Q_CLOSE, q->id, 0, 0, 0, site);
        tl__hl_broadcast(&q->c[C_NOT_EMPTY]);
        tl__hl_broadcast(&q->c[C_NOT_FULL]);
    }
    tl__unlock(&q->mu);
}

size_t tl_queue_size(tl_queue *q) {
    tl__lock(&q->mu);
    size_t n = q->count;
    tl__unlock(&q->mu);
    return n;
}

void tl_queue_destroy_at(tl_queue *q, const tl_site *site) {
    if (!q) return;
    tl__hl_record(TL_EV_OBJ_DESTROY, q->id, 0, 0, 0, site);
    tl__hl_fini(&q->mu, q->c, C_COUNT);
    free(q->ring);
    free(q);
}
