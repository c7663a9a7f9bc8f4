/*
 * tl_record.c — the slow paths of recording: the global sequence counter and
 * what a thread does when its ring is full.
 *
 * Policy for a full ring (stated in README): kick the writer, wait up to
 * THREADLENS_FULL_WAIT_US for it to make room, then drop the event and count
 * it. The count is written into the trace and printed at exit. Memory never
 * grows past one ring per live thread.
 */
#include <sched.h>
#include <time.h>

#include "tl_internal.h"

TL_INTERNAL tl_seq_line tl__seq_line = {1};

int tl__ring_wait_room(tl_thread_rec *t) {
    uint64_t budget = tl__g.opt.full_wait_us;
    if (budget == 0 || atomic_load_explicit(&tl__g.state, memory_order_acquire) != TL_STATE_ON)
        return 0;
    tl__writer_kick();
    uint64_t start = tl__mono_ns();
    for (int spins = 0;; spins++) {
        t->tail_cache = atomic_load_explicit(&t->tail, memory_order_acquire);
        if (t->head_local - t->tail_cache <= t->mask) return 1;
        if (tl__mono_ns() - start >= budget * 1000u) return 0;
        if (spins < 64) {
            sched_yield();
        } else {
            tl__nap(20000);
        }
    }
}
