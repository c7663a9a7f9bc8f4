/*
 * test_funcslices.c — FUNC_ENTER / FUNC_EXIT as tl_tracks draws them: slices
 * of cat "function" named after the function, args.at the call site, nested
 * with phases and state slices whatever order they end in, unmatched
 * returns ignored, open calls closed at the thread's end and the trace's.
 * Every trace must pass tracecheck.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "tl_racereport.h"
#include "tl_tracks.h"
#include "tl_test.h"
#include "tracecheck.h"

static tl_out out;
static char path[64];
static uint64_t seq = 1, now_ns = 1000, t0;

/* Functions to name: exported (the test links with -rdynamic), so both the
 * libdw symbolizer and the dynamic-symbol fallback know them. */
volatile int tl_probe_sink[3]; /* distinct bodies: no identical-code folding */
__attribute__((noinline)) void tl_probe_outer(void) { tl_probe_sink[0]++; }
__attribute__((noinline)) void tl_probe_inner(void) { tl_probe_sink[1]++; }
__attribute__((noinline)) void tl_probe_caller(void) { tl_probe_sink[2]++; }

/* A return address inside each (what __tsan_func_entry receives; the
 * symbolizer looks up the byte before it, so +1 is the entry, inside even
 * a one-instruction function). */
static uint64_t in_fn(void (*fn)(void)) { return (uint64_t)(uintptr_t)fn + 1; }

static void open_trace(void) {
    snprintf(path, sizeof path, "/tmp/tl_funcs_XXXXXX");
    int fd = mkstemp(path);
    tl__out_init(&out, fd, 1 << 20);
    tl__tracks_open(&out, 4242, "funcs");
}

static void ev_full(uint32_t tid, unsigned kind, uint32_t obj, uint64_t arg, unsigned aux,
                    uint64_t site, unsigned flags) {
    tl_rec e = {0};
    now_ns += 1000;
    e.ts = t0 + now_ns; /* monotonic clock mode: ticks are ns from t0 */
    e.seq = tl__kind_is_sync(kind) ? seq++ : 0;
    e.kind = (uint8_t)kind, e.obj = obj, e.arg = arg, e.aux = (uint16_t)aux;
    e.site = site, e.flags = (uint8_t)flags;
    tl__tracks_event(tid, &e);
}

static void ev(uint32_t tid, unsigned kind, uint32_t obj, uint64_t arg, unsigned aux) {
    ev_full(tid, kind, obj, arg, aux, 0, 0);
}

/* A call of fn from the return address caller. */
static void enter(uint32_t tid, void (*fn)(void), uint64_t caller) {
    ev_full(tid, TL_EV_FUNC_ENTER, 0, caller, 0, in_fn(fn), TL_EVF_PC);
}

static void leave(uint32_t tid) { ev(tid, TL_EV_FUNC_EXIT, 0, 0, 0); }

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

static void calls_should_nest_and_be_named(void) {
    open_trace();
    uint64_t from_main = in_fn(tl_probe_caller);
    ev(1, TL_EV_THREAD_START, 0, 0, 0);
    enter(1, tl_probe_outer, from_main);
    enter(1, tl_probe_inner, in_fn(tl_probe_outer));
    ev(1, TL_EV_SLEEP_BEGIN, 0, 1000, 0);
    ev(1, TL_EV_SLEEP_END, 0, 0, 0);
    leave(1);
    leave(1);
    tc_trace *t = close_and_load();
    const tc_slice *o = t ? tc_slice_find(t, 0, 1, "tl_probe_outer", 0) : NULL;
    const tc_slice *i = t ? tc_slice_find(t, 0, 1, "tl_probe_inner", 0) : NULL;
    const tc_slice *s = t ? tc_slice_find(t, 0, 1, "sleeping", 0) : NULL;
    CHECK(o && i && s);
    if (o && i && s) {
        CHECK_STR(o->cat, "function");
        CHECK(o->depth == 0 && i->depth == 1 && s->depth == 2);
        CHECK(o->start_ns <= i->start_ns && i->end_ns <= o->end_ns);
        CHECK(i->start_ns <= s->start_ns && s->end_ns <= i->end_ns);
        const cJSON *at = tc_slice_arg(i, "at");
        CHECK(cJSON_IsString(at) && strstr(at->valuestring, "tl_probe_outer"));
        CHECK(cJSON_IsString(tc_slice_arg(o, "at")));
    }
    tc_free(t);
    unlink(path);
}

/* A phase begun inside a call and ended after it returned, and a call made
 * inside a phase that ends first: the inner level goes on as a new piece. */
static void phases_and_calls_should_nest_in_any_order(void) {
    open_trace();
    ev(1, TL_EV_THREAD_START, 0, 0, 0);
    enter(1, tl_probe_outer, 0);
    ev(1, TL_EV_PHASE_BEGIN, 0, (uintptr_t)"load", 0);
    leave(1);                        /* returns inside "load" */
    ev(1, TL_EV_PHASE_END, 0, 0, 0);
    ev(1, TL_EV_PHASE_BEGIN, 0, (uintptr_t)"store", 0);
    enter(1, tl_probe_inner, 0);
    ev(1, TL_EV_PHASE_END, 0, 0, 0); /* "store" ends inside the call */
    leave(1);
    tc_trace *t = close_and_load();
    CHECK(t && tc_slice_count(t, 0, 1, "tl_probe_outer") == 1);
    CHECK(t && tc_slice_count(t, 0, 1, "load") == 2);
    CHECK(t && tc_slice_count(t, 0, 1, "store") == 1);
    CHECK(t && tc_slice_count(t, 0, 1, "tl_probe_inner") == 2);
    const tc_slice *l1 = t ? tc_slice_find(t, 0, 1, "load", 1) : NULL;
    CHECK(l1 && l1->depth == 0 && cJSON_IsTrue(tc_slice_arg(l1, "continued")));
    const tc_slice *i1 = t ? tc_slice_find(t, 0, 1, "tl_probe_inner", 1) : NULL;
    CHECK(i1 && i1->depth == 0 && cJSON_IsTrue(tc_slice_arg(i1, "continued")));
    tc_free(t);
    unlink(path);
}

static void unmatched_and_open_calls_should_give_a_valid_trace(void) {
    open_trace();
    ev(1, TL_EV_THREAD_START, 0, 0, 0);
    leave(1);                               /* a return from before tracing */
    ev(1, TL_EV_PHASE_BEGIN, 0, (uintptr_t)"p", 0);
    leave(1);                               /* no call open: the phase stays */
    ev(1, TL_EV_PHASE_END, 0, 0, 0);
    ev(2, TL_EV_THREAD_START, 0, 0, 0);
    enter(2, tl_probe_outer, 0);
    enter(2, tl_probe_inner, 0);
    ev(2, TL_EV_LOCK_WAIT, 3, 0, TL_MODE_WRITE);
    ev(2, TL_EV_THREAD_END, 0, 0, 0);       /* ends with two calls open */
    enter(1, tl_probe_outer, 0);            /* open at the end of the trace */
    tc_trace *t = close_and_load();
    CHECK(t && tc_slice_count(t, 0, 1, "p") == 1);
    const tc_slice *w = t ? tc_slice_find(t, 0, 2, "waiting for unknown object", 0) : NULL;
    const tc_slice *o2 = t ? tc_slice_find(t, 0, 2, "tl_probe_outer", 0) : NULL;
    CHECK(w && o2 && w->depth == 2 && o2->end_ns == w->end_ns);
    const tc_slice *o1 = t ? tc_slice_find(t, 0, 1, "tl_probe_outer", 0) : NULL;
    CHECK(o1 && o1->end_ns != TC_OPEN_END);
    tc_free(t);
    unlink(path);
}

/* Linked with the static library, the runtime is part of the executable:
 * its frames cannot be told from the program's and are kept, call sites in
 * it included. */
static void static_runtime_frames_should_be_kept(void) {
    CHECK(!tl__racereport_own_pc((uint64_t)(uintptr_t)&tl__tracks_now + 1));
    CHECK(!tl__racereport_own_pc(in_fn(tl_probe_outer)));
    open_trace();
    ev(1, TL_EV_THREAD_START, 0, 0, 0);
    enter(1, tl_probe_inner, (uint64_t)(uintptr_t)&tl__tracks_now + 1);
    leave(1);
    tc_trace *t = close_and_load();
    const tc_slice *i = t ? tc_slice_find(t, 0, 1, "tl_probe_inner", 0) : NULL;
    CHECK(i && cJSON_IsString(tc_slice_arg(i, "at")));
    tc_free(t);
    unlink(path);
}

static void deep_recursion_should_stop_at_the_limit(void) {
    open_trace();
    ev(1, TL_EV_THREAD_START, 0, 0, 0);
    for (int i = 0; i < 600; i++) enter(1, tl_probe_inner, 0);
    for (int i = 0; i < 600; i++) leave(1);
    ev(1, TL_EV_MARK, 0, (uintptr_t)"after", 0);
    tc_trace *t = close_and_load();
    CHECK(t && tc_slice_count(t, 0, 1, "tl_probe_inner") == 256);
    tc_free(t);
    unlink(path);
}

int main(void) {
    tl__clock_init(TL_CLOCK_MONOTONIC);
    t0 = tl__now();
    TEST_RUN(calls_should_nest_and_be_named);
    TEST_RUN(phases_and_calls_should_nest_in_any_order);
    TEST_RUN(unmatched_and_open_calls_should_give_a_valid_trace);
    TEST_RUN(static_runtime_frames_should_be_kept);
    TEST_RUN(deep_recursion_should_stop_at_the_limit);
    return TEST_DONE();
}
