/*
 * test_symbolize.c — the symbolizer (runtime/src/tl_symbolize.c) on this
 * very program: its call sites, functions and variables, a libc function
 * and a library dlopened after the first lookup.
 *
 * Run as `test_symbolize [full|fallback|stripped]` (tests/symbolize):
 *   full      libthreadlens_sym.so is expected when TL_TEST_HAVE_SYM: lines
 *             and static symbols; otherwise the fallback's answers.
 *   fallback  THREADLENS_SYMBOLIZER=0: dynamic symbols and module offsets.
 *   stripped  a copy without any symbol table: module offsets only.
 * Built with -g -O0 so a call's line is the line it is written on.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tl_symbolize.h"
#include "tl_test.h"

#ifndef TL_TEST_HAVE_SYM
#define TL_TEST_HAVE_SYM 0
#endif

static enum { FULL, FALLBACK, STRIPPED } mode;
static int with_lines;      /* the libdw symbolizer answers */
static int with_debug_libs; /* and may find libc6-dbg's files */

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
int global_array[16] = {1};
static char big_bss[1 << 17]; /* ends well past the executable's last file page */
/* A lock inside a struct, an array inside a struct inside it. */
static struct {
    int value;
    pthread_mutex_t lock;
    struct {
        long a;
        int b[4];
    } inner;
} fake_db;

static __attribute__((noinline)) uint64_t return_address(void) {
    return (uint64_t)(uintptr_t)__builtin_return_address(0);
}

static int call_line;
static __attribute__((noinline)) uint64_t site_caller(void) {
    uint64_t pc = return_address(); call_line = __LINE__;
    return pc;
}

static void *worker_routine(void *arg) { return arg; }

/* The main program's load bias (it comes first in the list). */
static int first_object(struct dl_phdr_info *info, size_t size, void *arg) {
    (void)info, (void)size;
    *(uint64_t *)arg = info->dlpi_addr;
    return 1;
}
static uint64_t exe_bias(void) {
    uint64_t bias = 0;
    dl_iterate_phdr(first_object, &bias);
    return bias;
}
static const char *exe_name;

/* "<module>+0x<off>" exactly, or "<symbol>+0x<hex> (<module>)". Never the
 * absolute address. */
static void check_offset_form(const char *got, uint64_t pc, uint64_t bias, const char *module) {
    char want[256], tail[256];
    snprintf(want, sizeof want, "%s+0x%llx", module, (unsigned long long)(pc - bias));
    snprintf(tail, sizeof tail, " (%s)", module);
    size_t gl = strlen(got), tl = strlen(tail);
    int sym_form = gl > tl && strcmp(got + gl - tl, tail) == 0 && strstr(got, "+0x") != NULL;
    CHECK_MSG(strcmp(got, want) == 0 || sym_form, "got \"%s\", want \"%s\" or \"sym+0x.. (%s)\"", got,
              want, module);
    char abs[32];
    snprintf(abs, sizeof abs, "0x%llx", (unsigned long long)pc);
    CHECK_MSG(bias == 0 || strstr(got, abs) == NULL, "\"%s\" shows the absolute pc %s", got, abs);
}

static void test_call_site(void) {
    char buf[4096];
    uint64_t pc = site_caller();
    size_t n = tl__sym_pc(pc, buf, sizeof buf);
    CHECK_EQ(n, strlen(buf));
    if (with_lines) {
        char want[64];
        snprintf(want, sizeof want, "test_symbolize.c:%d (site_caller)", call_line);
        const char *at = strstr(buf, want);
        CHECK_MSG(buf[0] == '/' && at != NULL && strlen(at) == strlen(want), "got \"%s\", want \"/...%s\"",
                  buf, want);
        CHECK_MSG(strstr(buf, "/tests/unit/test_symbolize.c:") != NULL, "not the absolute path: \"%s\"", buf);
    } else {
        check_offset_form(buf, pc, exe_bias(), exe_name);
    }
    /* Cached: the same text again. */
    char again[4096];
    CHECK_EQ(tl__sym_pc(pc, again, sizeof again), n);
    CHECK_STR(again, buf);
    /* Truncated, still terminated. */
    char small[8];
    CHECK_EQ(tl__sym_pc(pc, small, sizeof small), 7);
    CHECK_EQ(strlen(small), 7);
    CHECK(strncmp(small, buf, 7) == 0);
}

static void test_function(void) {
    char buf[256];
    uint64_t f = (uint64_t)(uintptr_t)&worker_routine;
    if (mode == FULL && TL_TEST_HAVE_SYM) {
        CHECK_EQ(tl__sym_func(f, buf, sizeof buf), strlen("worker_routine"));
        CHECK_STR(buf, "worker_routine");
    } else {
        tl__sym_func(f, buf, sizeof buf); /* no .symtab: unknown unless exported */
        CHECK_MSG(buf[0] == 0 || strcmp(buf, "worker_routine") == 0, "got \"%s\"", buf);
    }
    /* Not an entry point. */
    CHECK_EQ(tl__sym_func(f + 1, buf, sizeof buf), 0);
    CHECK_STR(buf, "");
}

static void test_data(void) {
    char buf[256];
    int full = mode == FULL && TL_TEST_HAVE_SYM;
    size_t n = tl__sym_data((uint64_t)(uintptr_t)&counter_lock, buf, sizeof buf);
    if (full) {
        CHECK_STR(buf, "counter_lock");
        CHECK_EQ(n, strlen("counter_lock"));
    } else {
        CHECK_MSG(n == 0 || strcmp(buf, "counter_lock") == 0, "got \"%s\"", buf);
    }

    /* With debug info, elements and members by name; without, offsets. */
    tl__sym_data((uint64_t)(uintptr_t)&global_array[3], buf, sizeof buf);
    char want[64];
    snprintf(want, sizeof want, "global_array+0x%zx", 3 * sizeof(int));
    if (full) CHECK_STR(buf, "global_array[3]");
    else CHECK_MSG(buf[0] == 0 || strcmp(buf, want) == 0, "got \"%s\"", buf);
    tl__sym_data((uint64_t)(uintptr_t)&global_array[0], buf, sizeof buf);
    if (full) CHECK_STR(buf, "global_array[0]");

    tl__sym_data((uint64_t)(uintptr_t)&big_bss[100000], buf, sizeof buf);
    if (full) CHECK_STR(buf, "big_bss[100000]");
    big_bss[100000] = 1;

    tl__sym_data((uint64_t)(uintptr_t)&fake_db.lock, buf, sizeof buf);
    if (full) CHECK_STR(buf, "fake_db.lock");
    tl__sym_data((uint64_t)(uintptr_t)&fake_db.inner.b[2], buf, sizeof buf);
    if (full) CHECK_STR(buf, "fake_db.inner.b[2]");
    /* a struct's first member is the struct itself: the address is ambiguous */
    tl__sym_data((uint64_t)(uintptr_t)&fake_db.value, buf, sizeof buf);
    if (full) CHECK_STR(buf, "fake_db");
    /* padding is in no member: the innermost one around it, plus the offset */
    tl__sym_data((uint64_t)(uintptr_t)&fake_db.value + sizeof(int), buf, sizeof buf);
    snprintf(want, sizeof want, "fake_db+0x%zx", sizeof(int));
    if (full && offsetof(__typeof__(fake_db), lock) > sizeof(int)) CHECK_STR(buf, want);
    fake_db.value = 1;

    /* Not in any module's data. */
    void *heap = malloc(64);
    int local = 0;
    CHECK_EQ(tl__sym_data((uint64_t)(uintptr_t)heap, buf, sizeof buf), 0);
    CHECK_STR(buf, "");
    CHECK_EQ(tl__sym_data((uint64_t)(uintptr_t)&local, buf, sizeof buf), 0);
    CHECK_STR(buf, "");
    free(heap);
}

/* libc's own definition, not a sanitizer's interceptor of the same name. */
static uint64_t lib_function(const char *lib, const char *name, int noload) {
    void *h = dlopen(lib, RTLD_LAZY | (noload ? RTLD_NOLOAD : 0));
    if (h == NULL) return 0;
    uint64_t f = (uint64_t)(uintptr_t)dlsym(h, name);
    dlclose(h); /* libc and libm stay: libc is ours, libm is loaded below */
    return f;
}

static void test_libraries(void) {
    char buf[4096];
    uint64_t f = lib_function("libc.so.6", "printf", 1);
    CHECK(f != 0);
    tl__sym_pc(f + 1, buf, sizeof buf);
    /* "printf+0x1 (libc.so.6)" (or an alias at the same address), or with
     * libc6-dbg installed "./stdio-common/printf.c:28 (printf)". */
    CHECK_MSG(strstr(buf, "printf+0x1 (libc.so.6)") != NULL || (with_debug_libs && strstr(buf, "printf.c:")),
              "got \"%s\"", buf);

    /* A library loaded after the first lookup: the symbolizer re-reads the
     * module list. */
    void *libm = dlopen("libm.so.6", RTLD_NOW);
    CHECK(libm != NULL);
    if (libm == NULL) return;
    /* cbrt, not cos: an IFUNC's dlsym answer is an implementation that only
     * the (stripped) .symtab names. Its aliases cbrtf64, cbrtf32x are as good. */
    uint64_t cbrt_ = (uint64_t)(uintptr_t)dlsym(libm, "cbrt");
    CHECK(cbrt_ != 0);
    tl__sym_pc(cbrt_ + 1, buf, sizeof buf);
    CHECK_MSG(strstr(buf, "+0x1 (libm.so.6)") != NULL || (with_debug_libs && strstr(buf, "cbrt.c:")),
              "got \"%s\"", buf);
    tl__sym_func(cbrt_, buf, sizeof buf);
    CHECK_MSG(strncmp(buf, "cbrt", 4) == 0, "got \"%s\"", buf);
    dlclose(libm);
}

static void test_unknown(void) {
    char buf[64];
    void *heap = malloc(16);
    uint64_t pc = (uint64_t)(uintptr_t)heap + 1;
    tl__sym_pc(pc, buf, sizeof buf);
    char want[32];
    snprintf(want, sizeof want, "0x%llx", (unsigned long long)pc);
    CHECK_STR(buf, want);
    CHECK_EQ(tl__sym_pc(0, buf, sizeof buf), 3);
    CHECK_STR(buf, "0x0");
    free(heap);
}

/* After fork the child's lookups work too (the symbolizer re-reads the
 * module list for the new pid). */
static void test_fork(void) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char buf[4096], want[64];
        uint64_t pc = return_address(); int line = __LINE__;
        tl__sym_pc(pc, buf, sizeof buf); /* a new call site: not in the inherited cache */
        snprintf(want, sizeof want, "test_symbolize.c:%d (test_fork)", line);
        int ok = with_lines ? strstr(buf, want) != NULL : strstr(buf, exe_name) != NULL;
        if (!ok) fprintf(stderr, "child: got \"%s\", want \"...%s\"\n", buf, want);
        tl__sym_data((uint64_t)(uintptr_t)&global_array[1], buf, sizeof buf);
        if (mode == FULL && TL_TEST_HAVE_SYM) ok = ok && strcmp(buf, "global_array[1]") == 0;
        tl__sym_close();
        _exit(ok ? 0 : 1);
    }
    int status = -1;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
}

static int open_fds(void) {
    int n = 0;
    for (int fd = 0; fd < 1024; fd++) n += fcntl(fd, F_GETFD) != -1;
    return n;
}
static int fds_at_start;

static void test_close_and_reopen(void) {
    tl__sym_close();
    tl__sym_close();
    char buf[256];
    if (mode == FULL && TL_TEST_HAVE_SYM) {
        tl__sym_data((uint64_t)(uintptr_t)&counter_lock, buf, sizeof buf);
        CHECK_STR(buf, "counter_lock");
    }
    tl__sym_close();
    /* Nothing left open: debug files, /proc files, streams. */
    CHECK_EQ(open_fds(), fds_at_start);
}

int main(int argc, char **argv) {
    const char *m = argc > 1 ? argv[1] : "full";
    mode = strcmp(m, "fallback") == 0 ? FALLBACK : strcmp(m, "stripped") == 0 ? STRIPPED : FULL;
    with_lines = mode == FULL && TL_TEST_HAVE_SYM;
    with_debug_libs = mode != FALLBACK && TL_TEST_HAVE_SYM;
    const char *slash = strrchr(argv[0], '/');
    exe_name = slash ? slash + 1 : argv[0];
    printf("mode %s, libthreadlens_sym %s\n", m, TL_TEST_HAVE_SYM ? "built" : "not built");

    fds_at_start = open_fds();
    TEST_RUN(test_call_site);
    TEST_RUN(test_function);
    TEST_RUN(test_data);
    TEST_RUN(test_libraries);
    TEST_RUN(test_unknown);
    TEST_RUN(test_fork);
    TEST_RUN(test_close_and_reopen);
    (void)worker_routine(NULL);
    return TEST_DONE();
}
