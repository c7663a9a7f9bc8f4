/* Unit tests for the per-thread ring (tl__record_in): order, wrap-around,
 * drops when full, no sequence numbers for dropped events, nesting guard. */
#include <stdlib.h>

#include "tl_internal.h"
#include "tl_test.h"

static tl_thread_rec *make_ring(uint64_t size) {
    tl_thread_rec *t = calloc(1, sizeof *t);
    t->ring = calloc(size, sizeof(tl_rec));
    t->mask = size - 1;
    t->id = 1;
    return t;
}

static void free_ring(tl_thread_rec *t) {
    free(t->ring);
    free(t);
}

static void consume(tl_thread_rec *t, uint64_t n) {
    atomic_store(&t->tail, atomic_load(&t->tail) + n);
}

static void ring_should_keep_program_order_across_wraps(void) {
    tl_thread_rec *t = make_ring(8);
    for (uint64_t round = 0; round < 5; round++) {
        for (uint64_t i = 0; i < 6; i++)
            tl__record_in(t, TL_EV_MARK, 0, round * 100 + i, 0, 0, 0, 0);
        uint64_t tail = atomic_load(&t->tail);
        for (uint64_t i = 0; i < 6; i++) CHECK(t->ring[(tail + i) & t->mask].arg == round * 100 + i);
        consume(t, 6);
    }
    CHECK(atomic_load(&t->head) == 30);
    CHECK(atomic_load(&t->dropped) == 0);
    free_ring(t);
}

static void full_ring_should_drop_and_count(void) {
    tl_thread_rec *t = make_ring(8);
    uint64_t seq0 = atomic_load(&tl__seq);
    for (int i = 0; i < 20; i++) tl__record_in(t, TL_EV_LOCK_RELEASE, 1, 0, 0, 0, 0, 0);
    CHECK(atomic_load(&t->head) == 8);
    CHECK(atomic_load(&t->dropped) == 12);
    /* Sequence numbers only for the 8 recorded: the writer never waits for
     * a number that belongs to a dropped event. */
    CHECK(atomic_load(&tl__seq) == seq0 + 8);
    consume(t, 8);
    tl__record_in(t, TL_EV_LOCK_RELEASE, 1, 0, 0, 0, 0, 0);
    CHECK(atomic_load(&t->head) == 9);
    free_ring(t);
}

static void sync_kinds_should_take_increasing_sequence_numbers(void) {
    tl_thread_rec *t = make_ring(16);
    tl__record_in(t, TL_EV_LOCK_ACQUIRE, 1, 0, 0, 0, 0, 0);
    tl__record_in(t, TL_EV_MARK, 0, 0, 0, 0, 0, 77);
    tl__record_in(t, TL_EV_LOCK_RELEASE, 1, 0, 0, 0, 0, 0);
    CHECK(t->ring[2].seq == t->ring[0].seq + 1);
    CHECK(t->ring[1].val == 77); /* local kinds carry a value instead */
    CHECK(t->ring[0].ts <= t->ring[2].ts);
    free_ring(t);
}

static void nested_record_should_drop_instead_of_corrupting(void) {
    tl_thread_rec *t = make_ring(16);
    t->in_record = 1; /* as if a signal handler interrupted tl__record_in */
    tl__record_in(t, TL_EV_MARK, 0, 0, 0, 0, 0, 0);
    CHECK(atomic_load(&t->head) == 0);
    CHECK(atomic_load(&t->dropped) == 1);
    free_ring(t);
}

int main(void) {
    tl__g.opt.full_wait_us = 0; /* no writer here: a full ring drops at once */
    tl__clock_init(TL_CLOCK_AUTO);
    TEST_RUN(ring_should_keep_program_order_across_wraps);
    TEST_RUN(full_ring_should_drop_and_count);
    TEST_RUN(sync_kinds_should_take_increasing_sequence_numbers);
    TEST_RUN(nested_record_should_drop_instead_of_corrupting);
    return TEST_DONE();
}
