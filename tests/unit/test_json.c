/* Unit tests for tl_json.c: escaping, numbers, timestamps. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tl_json.h"
#include "tl_test.h"

static tl_out out;

/* Runs fn on a fresh buffer and returns what it produced (NUL-terminated). */
static const char *render(void (*fn)(void *), void *arg) {
    static char copy[4096];
    out.len = 0;
    tl__out_begin(&out);
    fn(arg);
    memcpy(copy, out.buf, out.len);
    copy[out.len] = 0;
    return copy;
}

static void put_ts(void *p) { tl__out_ts(&out, *(uint64_t *)p); }
static void put_u64(void *p) { tl__out_u64(&out, *(uint64_t *)p); }
static void put_double(void *p) { tl__out_double(&out, *(double *)p); }
static void put_jstr(void *p) { tl__out_jstr(&out, (const char *)p); }

static const char *ts(uint64_t ns) { return render(put_ts, &ns); }
static const char *u64(uint64_t v) { return render(put_u64, &v); }
static const char *dbl(double v) { return render(put_double, &v); }
static const char *jstr(const char *s) { return render(put_jstr, (void *)s); }

static void ts_should_print_microseconds_with_three_decimals(void) {
    CHECK_STR(ts(0), "0");
    CHECK_STR(ts(1), "0.001");
    CHECK_STR(ts(1000), "1");
    CHECK_STR(ts(1500), "1.500");
    CHECK_STR(ts(123456789), "123456.789");
    CHECK_STR(ts(2000000007), "2000000.007");
}

static void u64_should_print_every_digit(void) {
    CHECK_STR(u64(0), "0");
    CHECK_STR(u64(42), "42");
    CHECK_STR(u64(18446744073709551615ull), "18446744073709551615");
    /* Each length's first and last value: the digit count is computed first. */
    char want[24];
    for (uint64_t p = 1, i = 0; i < 19; i++, p *= 10) {
        snprintf(want, sizeof want, "%llu", (unsigned long long)p);
        CHECK_STR(u64(p), want);
        snprintf(want, sizeof want, "%llu", (unsigned long long)(p * 10 - 1));
        CHECK_STR(u64(p * 10 - 1), want);
    }
    CHECK_STR(u64(10000000000000000000ull), "10000000000000000000");
}

static void double_should_stay_valid_json(void) {
    CHECK_STR(dbl(3), "3");
    CHECK_STR(dbl(-2), "-2");
    CHECK_STR(dbl(0.5), "0.5");
    CHECK_STR(dbl(0.0 / 0.0), "0"); /* NaN would break Perfetto's args */
    CHECK_STR(dbl(1.0 / 0.0), "0");
}

static void jstr_should_escape_quotes_backslashes_and_controls(void) {
    CHECK_STR(jstr("plain"), "\"plain\"");
    CHECK_STR(jstr("a\"b\\c"), "\"a\\\"b\\\\c\"");
    CHECK_STR(jstr("tab\there\nnew"), "\"tab\\u0009here\\u000anew\"");
    CHECK_STR(jstr("\x01"), "\"\\u0001\"");
}

static void jstr_should_pass_utf8_and_replace_broken_bytes(void) {
    CHECK_STR(jstr("caf\xc3\xa9 \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
    CHECK_STR(jstr("bad\xff!"), "\"bad?!\"");
    CHECK_STR(jstr("cut\xc3"), "\"cut?\"");
    CHECK_STR(jstr("\xed\xa0\x80"), "\"???\""); /* a UTF-8 encoded surrogate */
    CHECK_STR(jstr("\xc0\xaf"), "\"??\"");      /* overlong */
}

static void escape_should_truncate_without_splitting(void) {
    char small[8];
    tl__json_escape(small, sizeof small, "\"\"\"\"\"");
    CHECK(strlen(small) < sizeof small);
    CHECK(strlen(small) % 2 == 0); /* never half an escape */
    tl__json_escape(small, sizeof small, NULL);
    CHECK_STR(small, "");
}

static void flush_should_write_everything_to_the_file(void) {
    char path[] = "/tmp/tl_json_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    tl_out o;
    CHECK(tl__out_init(&o, fd, 4096) == 0);
    for (int i = 0; i < 1000; i++) {
        tl__out_begin(&o);
        tl__out_lit(&o, "0123456789");
    }
    tl__out_flush(&o);
    CHECK(o.bytes == 10000);
    CHECK(lseek(fd, 0, SEEK_END) == 10000);
    close(fd);
    unlink(path);
    free(o.buf);
}

int main(void) {
    if (tl__out_init(&out, -1, 1 << 16) != 0) return 1;
    TEST_RUN(ts_should_print_microseconds_with_three_decimals);
    TEST_RUN(u64_should_print_every_digit);
    TEST_RUN(double_should_stay_valid_json);
    TEST_RUN(jstr_should_escape_quotes_backslashes_and_controls);
    TEST_RUN(jstr_should_pass_utf8_and_replace_broken_bytes);
    TEST_RUN(escape_should_truncate_without_splitting);
    TEST_RUN(flush_should_write_everything_to_the_file);
    return TEST_DONE();
}
