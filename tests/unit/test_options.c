/* Unit tests for tl_options.c: defaults, parsing, one warning per bad value. */
#include <stdlib.h>
#include <unistd.h>

#include "tl_internal.h"
#include "tl_test.h"

/* Runs tl__options_load with stderr captured into buf. */
static void load_capturing(tl_options *o, char *buf, size_t cap) {
    int fds[2];
    if (pipe(fds) != 0) return;
    int saved = dup(2);
    dup2(fds[1], 2);
    tl__options_load(o);
    dup2(saved, 2);
    close(saved);
    close(fds[1]);
    ssize_t n = read(fds[0], buf, cap - 1);
    buf[n > 0 ? n : 0] = 0;
    close(fds[0]);
}

static void clear_env(void) {
#define TL_OPTION(type, field, env, def, lo, hi, help) unsetenv(env);
#include "tl_options.inc"
#undef TL_OPTION
}

static void options_should_default_when_unset(void) {
    tl_options o;
    char err[1024];
    clear_env();
    load_capturing(&o, err, sizeof err);
    CHECK_STR(o.out, "threadlens-%p.json");
    CHECK(o.enable == 1);
    CHECK(o.buffer_events == 65536);
    CHECK(o.flush_ms == 100);
    CHECK(o.clock == TL_CLOCK_AUTO);
    CHECK_STR(err, "");
}

static void options_should_parse_good_values(void) {
    tl_options o;
    char err[1024];
    clear_env();
    setenv("THREADLENS_OUT", "/tmp/x-%p.json", 1);
    setenv("THREADLENS_BUFFER_EVENTS", "4096", 1);
    setenv("THREADLENS_FLUSH_MS", "10", 1);
    setenv("THREADLENS_CLOCK", "monotonic", 1);
    setenv("THREADLENS_SUMMARY", "no", 1);
    load_capturing(&o, err, sizeof err);
    CHECK_STR(o.out, "/tmp/x-%p.json");
    CHECK(o.buffer_events == 4096);
    CHECK(o.flush_ms == 10);
    CHECK(o.clock == TL_CLOCK_MONOTONIC);
    CHECK(o.summary == 0);
    CHECK_STR(err, "");
}

static void options_should_warn_once_and_keep_default_on_bad_values(void) {
    tl_options o;
    char err[2048];
    clear_env();
    setenv("THREADLENS_FLUSH_MS", "fast", 1);
    setenv("THREADLENS_BUFFER_EVENTS", "12", 1); /* below the minimum */
    setenv("THREADLENS_CLOCK", "sundial", 1);
    setenv("THREADLENS_ENABLE", "maybe", 1);
    load_capturing(&o, err, sizeof err);
    CHECK(o.flush_ms == 100);
    CHECK(o.buffer_events == 65536);
    CHECK(o.clock == TL_CLOCK_AUTO);
    CHECK(o.enable == 1);
    CHECK(strstr(err, "threadlens: ignoring THREADLENS_FLUSH_MS=fast") != NULL);
    CHECK(strstr(err, "THREADLENS_BUFFER_EVENTS=12") != NULL);
    CHECK(strstr(err, "THREADLENS_CLOCK=sundial: expected one of auto|tsc|monotonic; using auto") != NULL);
    CHECK(strstr(err, "THREADLENS_ENABLE=maybe") != NULL);
    int lines = 0;
    for (char *p = err; *p; p++) lines += *p == '\n';
    CHECK(lines == 4);
    clear_env();
}

static void print_should_list_every_variable(void) {
    char path[] = "/tmp/tl_opts_XXXXXX";
    int fd = mkstemp(path);
    tl__options_print(fd);
    char buf[8192];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = 0;
#define TL_OPTION(type, field, env, def, lo, hi, help) CHECK(strstr(buf, env) != NULL);
#include "tl_options.inc"
#undef TL_OPTION
    CHECK(strstr(buf, "65536") != NULL);
    close(fd);
    unlink(path);
}

int main(void) {
    TEST_RUN(options_should_default_when_unset);
    TEST_RUN(options_should_parse_good_values);
    TEST_RUN(options_should_warn_once_and_keep_default_on_bad_values);
    TEST_RUN(print_should_list_every_variable);
    return TEST_DONE();
}
