/*
 * tl_clock.c — one clock for every event.
 *
 * Events store raw ticks; only this file gives them a unit. With an
 * invariant TSC (CPUID 0x80000007 EDX bit 8) ticks are rdtsc values, which
 * cost a few ns; the tick→ns ratio is measured against CLOCK_MONOTONIC over
 * start-up (2 ms of spinning) and then fixed, so every converted timestamp
 * uses the same ratio and slices never shrink or cross. Without it, ticks are
 * CLOCK_MONOTONIC nanoseconds.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <sys/syscall.h>
#include <unistd.h>

#include "tl_internal.h"

TL_INTERNAL int tl__clock_tsc;

/* Calibration spins this long at init; enough for a ratio good to ~1e-5. */
#define TL_CALIBRATE_NS 2000000u

static uint64_t base_ticks;  /* ticks at time zero */
static uint64_t base_mono;   /* CLOCK_MONOTONIC ns at time zero */
/* ns = (ticks - base_ticks) * mult >> 32; fixed at init, before any
 * thread but the initializing one records. */
static uint64_t mult = (uint64_t)1 << 32;

uint64_t tl__mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int tsc_is_invariant(void) {
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    if (!__get_cpuid(0x80000000u, &a, &b, &c, &d) || a < 0x80000007u) return 0;
    __get_cpuid(0x80000007u, &a, &b, &c, &d);
    return (d >> 8) & 1;
#else
    return 0;
#endif
}

/* One (ticks, ns) pair, read as close together as we can: the pair with
 * the shortest bracketing interval out of a few tries. */
static void sample(uint64_t *ticks, uint64_t *ns) {
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < 5; i++) {
        uint64_t t0 = tl__now(), m = tl__mono_ns(), t1 = tl__now();
        if (t1 - t0 < best) best = t1 - t0, *ticks = t0 + (t1 - t0) / 2, *ns = m;
    }
}

/* Measures the TSC against CLOCK_MONOTONIC over TL_CALIBRATE_NS of spinning.
 * Done once, at init, so every timestamp of the run uses one ratio. */
static int calibrate(void) {
    uint64_t t0, m0, t1, m1;
    sample(&t0, &m0);
    do sample(&t1, &m1); while (m1 - m0 < TL_CALIBRATE_NS);
    double ratio = (double)(m1 - m0) / (double)(t1 - t0);
    if (t1 <= t0 || ratio < 0.01 || ratio > 100.0) return -1;
    mult = (uint64_t)(ratio * 4294967296.0);
    base_ticks = t1; /* time zero after calibration: the first event is near 0 */
    base_mono = m1;
    return 0;
}

int tl__clock_init(int mode) {
    int rc = 0;
    tl__clock_tsc = 0;
    if (mode != TL_CLOCK_MONOTONIC) {
        if (tsc_is_invariant()) tl__clock_tsc = 1;
        else if (mode == TL_CLOCK_TSC) rc = -1;
    }
    base_mono = tl__mono_ns();
    base_ticks = tl__now();
    mult = (uint64_t)1 << 32;
    if (tl__clock_tsc && calibrate() != 0) {
        tl__warn("the TSC runs at an implausible rate; using CLOCK_MONOTONIC "
                 "(set THREADLENS_CLOCK=monotonic to skip the check)");
        tl__clock_tsc = 0;
        base_ticks = base_mono;
    }
    return rc;
}

uint64_t tl__clock_to_ns(uint64_t ticks) {
    if (ticks <= base_ticks) return 0;
    return (uint64_t)(((unsigned __int128)(ticks - base_ticks) * mult) >> 32);
}

const char *tl__clock_name(void) { return tl__clock_tsc ? "tsc" : "monotonic"; }

void tl__nap(uint64_t ns) {
    struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
    syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, NULL);
}
