/* Unit tests for tl_clock.c: both clocks advance, and convert to real ns. */
#include <time.h>

#include "tl_internal.h"
#include "tl_test.h"

static uint64_t mono(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Converted ticks must track CLOCK_MONOTONIC within 1% over 50 ms. */
static void check_mode(int mode) {
    tl__clock_init(mode);
    uint64_t t0 = tl__now(), m0 = mono();
    struct timespec nap = {0, 50000000};
    nanosleep(&nap, NULL);
    uint64_t t1 = tl__now(), m1 = mono();
    uint64_t dn = tl__clock_to_ns(t1) - tl__clock_to_ns(t0), dm = m1 - m0;
    CHECK(dn > dm * 99 / 100 && dn < dm * 101 / 100);
    CHECK(tl__clock_to_ns(t0) < 1000000000u); /* time zero is init */
    uint64_t prev = tl__now();
    for (int i = 0; i < 100000; i++) {
        uint64_t now = tl__now();
        CHECK(tl__clock_to_ns(now) >= tl__clock_to_ns(prev));
        prev = now;
    }
}

static void monotonic_clock_should_measure_real_time(void) {
    check_mode(TL_CLOCK_MONOTONIC);
    CHECK_STR(tl__clock_name(), "monotonic");
}

static void auto_clock_should_measure_real_time(void) {
    check_mode(TL_CLOCK_AUTO);
    printf("     (auto chose %s)\n", tl__clock_name());
}

static void ticks_before_time_zero_should_be_zero(void) {
    tl__clock_init(TL_CLOCK_AUTO);
    CHECK(tl__clock_to_ns(0) == 0);
}

int main(void) {
    TEST_RUN(monotonic_clock_should_measure_real_time);
    TEST_RUN(auto_clock_should_measure_real_time);
    TEST_RUN(ticks_before_time_zero_should_be_zero);
    return TEST_DONE();
}
