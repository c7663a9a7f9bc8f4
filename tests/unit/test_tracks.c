/*
 * Unit tests for tl_tracks.c: hand-made event sequences, including ones a
 * full ring or a misbehaving program produces, must give a trace that passes
 * every Perfetto rule (tracecheck) and says what happened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tl_tracks.h"
#include "tl_test.h"
#include "tracecheck.h"

static tl_out out;
static char path[64];
static uint64_t seq = 1, now_ns = 1000;
static uint64_t tick0; /* the clock's time zero, so that an event's ts is now_ns */

static void open_trace(void) {
    snprintf(path, sizeof path, "/tmp/tl_tracks_XXXXXX");
    int fd = mkstemp(path);
    tl__out_init(&out, fd, 1 << 20);
    tl__tracks_open(&out, 4242, "unit");
}

/* One event of thread tid, 1 us after the previous one. */
static void ev(uint32_t tid, unsigned kind, uint32_t obj, uint64_t arg, unsigned aux) {
    tl_rec e = {0};
    now_ns += 1000;
    e.ts = tick0 + now_ns; /* monotonic clock mode: ticks are ns */
    e.seq = tl__kind_is_sync(kind) ? seq++ : 0;
    e.kind = (uint8_t)kind, e.obj = obj, e.arg = arg, e.aux = (uint16_t)aux;
    tl__tracks_event(tid, &e);
}

/* Closes the trace and loads it; the caller frees. */
static tc_trace *close_and_load(void) {
    tl__tracks_close(now_ns + 1000, 0, 0);
    tl__out_flush(&out);
    close(out.fd);
    free(out.buf);
    char err[256];
    tc_trace *t = tc_load_file(path, err, sizeof err);
    if (!t) fprintf(stderr, "load failed: %s\n", err);
    tc_problems p;
    size_t n = t ? tc_check(t, &p) : 1;
    for (size_t i = 0; t && i < p.count; i++) fprintf(stderr, "problem: %s\n", p.lines[i]);
    CHECK(n == 0);
    return t;
}

static void missing_events_should_still_give_a_valid_trace(void) {
    open_trace();
    ev(1, TL_EV_THREAD_START, 0, 0, 0);
    ev(1, TL_EV_LOCK_RELEASE, 7, 0, 0);              /* release without acquire */
    ev(2, TL_EV_LOCK_ACQUIRE, 7, 0, 0);              /* a thread whose START was dropped */
    ev(1, TL_EV_LOCK_WAIT, 7, 0, TL_MODE_WRITE);
    ev(1, TL_EV_MARK, 0, (uintptr_t)"after a lost wakeup", 0); /* ACQUIRE was dropped */
    ev(1, TL_EV_COND_WAKE, 9, 7, 0);                 /* wake without wait */
    ev(1, TL_EV_PHASE_END, 0, 0, 0);                 /* end without begin */
    ev(2, TL_EV_SEM_ACQUIRE, 8, 0, 0);               /* more waits than posts */
    ev(2, TL_EV_BARRIER_LEAVE, 10, 0, 0);
    ev(3, TL_EV_JOIN_END, 0, 99, 0);                 /* join of an unknown thread */
    ev(2, TL_EV_THREAD_END, 0, 0, 0);
    ev(2, TL_EV_LOCK_RELEASE, 7, 0, 0);              /* after its end: ignored */
    tc_trace *t = close_and_load();
    CHECK(t && tc_thread_name(t, 0, 2) != NULL);
    CHECK(t && tc_slice_find(t, 0, 1, "waiting for unknown object", 0) != NULL);
    const tc_slice *hold = t ? tc_async_find(t, "unknown object", 0) : NULL;
    CHECK(hold && hold->tid == 2 && hold->end_ns != TC_OPEN_END);
    /* The wake re-took the mutex: the lost release ended thread 2's hold. */
    const tc_slice *next = t ? tc_async_find(t, "unknown object", 1) : NULL;
    CHECK(next && next->tid == 1 && hold && hold->end_ns == next->start_ns);
    CHECK(t && tc_async_find(t, "unknown object", 2) == NULL);
    tc_free(t);
    unlink(path);
}

static void deep_phases_should_stop_at_the_limit(void) {
    open_trace();
    ev(1, TL_EV_THREAD_START, 0, 0, 0);
    for (int i = 0; i < 600; i++) ev(1, TL_EV_PHASE_BEGIN, 0, (uintptr_t)"deep", 0);
    for (int i = 0; i < 600; i++) ev(1, TL_EV_PHASE_END, 0, 0, 0);
    tc_trace *t = close_and_load();
    CHECK(t && tc_slice_count(t, 0, 1, "deep") == 128);
    tc_free(t);
    unlink(path);
}

static void cut_should_split_every_level_into_nesting_pieces(void) {
    open_trace();
    ev(1, TL_EV_THREAD_START, 0, 0, 0);
    ev(1, TL_EV_PHASE_BEGIN, 0, (uintptr_t)"outer", 0);
    ev(1, TL_EV_SLEEP_BEGIN, 0, 1000000, 0);
    tl__tracks_cut(1, now_ns + 500, 100);   /* old enough: cut */
    tl__tracks_cut(1, now_ns + 600, 1000);  /* the new pieces are too young */
    now_ns += 1000;
    ev(1, TL_EV_SLEEP_END, 0, 0, 0);
    ev(1, TL_EV_PHASE_END, 0, 0, 0);
    tc_trace *t = close_and_load();
    CHECK(t && tc_slice_count(t, 0, 1, "outer") == 2 && tc_slice_count(t, 0, 1, "sleeping") == 2);
    const tc_slice *a = t ? tc_slice_find(t, 0, 1, "sleeping", 0) : NULL;
    const tc_slice *b = t ? tc_slice_find(t, 0, 1, "sleeping", 1) : NULL;
    CHECK(a && b && a->end_ns == b->start_ns && cJSON_IsTrue(tc_slice_arg(b, "continued")));
    CHECK(b && b->depth == 1);
    tc_free(t);
    unlink(path);
}

static void names_should_be_escaped(void) {
    open_trace();
    ev(1, TL_EV_THREAD_START, 0, 0, 0);
    ev(1, TL_EV_MARK, 0, (uintptr_t)"quote\" back\\ nl\n bad\xff", 0);
    ev(1, TL_EV_COUNTER, 0, (uintptr_t)"odd \"counter\"", 0);
    tc_trace *t = close_and_load();
    CHECK(t && tc_instant_find(t, "quote\" back\\ nl\n bad?", 0) != NULL);
    CHECK(t && tc_counter_find(t, 0, "odd \"counter\" value") != NULL);
    tc_free(t);
    unlink(path);
}

/* Events are queued and written later, in order; a finding's lines are
 * queued behind them, and a cut or the end writes the queue first. */
static void events_should_wait_in_order_until_written(void) {
    open_trace();
    size_t opened = out.len;
    ev(1, TL_EV_THREAD_START, 0, 0, 0);
    ev(1, TL_EV_MARK, 0, (uintptr_t)"first", 0);
    ev(1, TL_EV_MARK, 0, (uintptr_t)"second", 0);
    ev(1, TL_EV_MARK, 0, (uintptr_t)"third", 0);
    CHECK(out.len == opened);
    CHECK(tl__tracks_pending(NULL) == 4);
    CHECK(tl__tracks_catch_up(2) == 2);
    CHECK(tl__tracks_pending(NULL) == 2);
    out.buf[out.len] = 0;
    CHECK(strstr(out.buf + opened, "\"first\"") != NULL && strstr(out.buf + opened, "\"second\"") == NULL);
    /* A finding's line comes after the events queued before it. */
    tl__tracks_line_begin('i', 1, now_ns);
    tl_out *o = tl__tracks_out();
    tl__out_lit(o, ",\"s\":\"t\",\"name\":\"finding\"");
    tl__tracks_line_end();
    size_t written = out.len;
    ev(1, TL_EV_MARK, 0, (uintptr_t)"fourth", 0);
    CHECK(out.len == written); /* the finding did not write the backlog */
    CHECK(tl__tracks_pending(NULL) == 4);
    CHECK(tl__tracks_catch_up(SIZE_MAX) == 4);
    out.buf[out.len] = 0;
    const char *third = strstr(out.buf + opened, "\"third\"");
    const char *finding = strstr(out.buf + opened, "\"finding\"");
    const char *fourth = strstr(out.buf + opened, "\"fourth\"");
    CHECK(third && finding && fourth && third < finding && finding < fourth);
    /* With nothing queued a finding is written at once. */
    tl__tracks_line_begin('i', 1, now_ns);
    tl__out_lit(tl__tracks_out(), ",\"s\":\"t\",\"name\":\"direct\"");
    tl__tracks_line_end();
    CHECK(tl__tracks_pending(NULL) == 0);
    out.buf[out.len] = 0;
    CHECK(strstr(out.buf + opened, "\"direct\"") != NULL);
    ev(1, TL_EV_MARK, 0, (uintptr_t)"last", 0);
    CHECK(tl__tracks_pending(NULL) == 1);
    tc_trace *t = close_and_load();
    CHECK(tl__tracks_pending(NULL) == 0);
    CHECK(t && tc_instant_find(t, "first", 0) && tc_instant_find(t, "finding", 0) &&
          tc_instant_find(t, "last", 0));
    tc_free(t);
    unlink(path);
}

/* A wait that timed out, found its queue closed or failed ends like one
 * that got through; only its slice's args.outcome tells them apart. */
static void waits_that_give_up_should_say_how(void) {
    open_trace();
    ev(1, TL_EV_THREAD_START, 0, 0, 0);
    ev(1, TL_EV_LOCK_WAIT, 7, 0, TL_MODE_WRITE);
    ev(1, TL_EV_LOCK_FAIL, 7, ETIMEDOUT, TL_MODE_WRITE);
    ev(1, TL_EV_SEM_WAIT, 8, 0, 0);
    ev(1, TL_EV_SEM_FAIL, 8, EINTR, 0);
    ev(1, TL_EV_Q_WAIT, 12, 0, TL_QOP_GET);
    ev(1, TL_EV_Q_FAIL, 12, EPIPE, TL_QOP_GET);
    ev(1, TL_EV_JOIN_BEGIN, 0, 2, 0);
    ev(1, TL_EV_JOIN_END, 0, 2, EBUSY);
    ev(1, TL_EV_LOCK_WAIT, 7, 0, TL_MODE_WRITE);
    ev(1, TL_EV_LOCK_ACQUIRE, 7, 0, TL_MODE_WRITE);
    ev(1, TL_EV_COND_WAIT, 9, 7, 0);
    ev(1, TL_EV_COND_WAKE, 9, 7, ETIMEDOUT);
    ev(1, TL_EV_LOCK_RELEASE, 7, 0, 0);
    tc_trace *t = close_and_load();
    const tc_slice *lock = t ? tc_slice_find(t, 0, 1, "waiting for unknown object", 0) : NULL;
    const tc_slice *sem = t ? tc_slice_find(t, 0, 1, "waiting for unknown object", 1) : NULL;
    const tc_slice *got = t ? tc_slice_find(t, 0, 1, "waiting for unknown object", 2) : NULL;
    const tc_slice *q = t ? tc_slice_find(t, 0, 1, "waiting to get from unknown object", 0) : NULL;
    const tc_slice *join = t ? tc_slice_find(t, 0, 1, "joining thread 2", 0) : NULL;
    const tc_slice *cond = t ? tc_slice_find(t, 0, 1, "waiting on unknown object", 0) : NULL;
    const cJSON *o;
    CHECK(lock && (o = tc_slice_arg(lock, "outcome")) && strcmp(o->valuestring, "timed out") == 0);
    CHECK(sem && (o = tc_slice_arg(sem, "outcome")) && strcmp(o->valuestring, "failed") == 0);
    CHECK(sem && (o = tc_slice_arg(sem, "errno")) && o->valueint == EINTR);
    CHECK(q && (o = tc_slice_arg(q, "outcome")) && strcmp(o->valuestring, "closed") == 0);
    CHECK(join && (o = tc_slice_arg(join, "outcome")) && strcmp(o->valuestring, "busy") == 0);
    CHECK(cond && (o = tc_slice_arg(cond, "outcome")) && strcmp(o->valuestring, "timed out") == 0);
    CHECK(got && tc_slice_arg(got, "outcome") == NULL);
    /* The running slice after a failed wait says nothing of it. */
    const tc_slice *run = t ? tc_slice_find(t, 0, 1, "running", 1) : NULL;
    CHECK(run && tc_slice_arg(run, "outcome") == NULL);
    tc_free(t);
    unlink(path);
}

int main(void) {
    tl__clock_init(TL_CLOCK_MONOTONIC);
    uint64_t t = tl__now();
    tick0 = t - tl__clock_to_ns(t);
    TEST_RUN(missing_events_should_still_give_a_valid_trace);
    TEST_RUN(deep_phases_should_stop_at_the_limit);
    TEST_RUN(cut_should_split_every_level_into_nesting_pieces);
    TEST_RUN(names_should_be_escaped);
    TEST_RUN(events_should_wait_in_order_until_written);
    TEST_RUN(waits_that_give_up_should_say_how);
    return TEST_DONE();
}
