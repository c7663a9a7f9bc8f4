/*
 * tl_preload_proc.c — sleeping, and replacing the process image.
 *
 * Sleeps become `sleeping` slices. glibc's sleep() and usleep() call
 * nanosleep internally without going through our symbol, so each is
 * wrapped on its own and a sleep is never counted twice.
 *
 * exec: the trace is finished first (flushed, closed, summary printed),
 * since nothing of this image survives the call. The new image has the same
 * pid and inherits THREADLENS_OUT, so it would truncate our file: we pass
 * THREADLENS_EXEC=<n+1> and it writes <trace>.exec<n+1>.json instead. A
 * vfork child calling exec shares our memory and must not touch it: it is
 * recognized by its pid. If exec fails, this image stays untraced.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl_preload.h"

/* ---- sleeping ----------------------------------------------------------------- */

static void sleep_begin(tl_thread_rec *t, uint64_t ns, uint64_t pc) {
    tl__pl_record(t, TL_EV_SLEEP_BEGIN, 0, ns, 0, 0, pc);
}

static void sleep_end(tl_thread_rec *t, uint64_t pc) {
    int saved = errno;
    tl__pl_record(t, TL_EV_SLEEP_END, 0, 0, 0, 0, pc);
    errno = saved;
}

static uint64_t ts_ns(const struct timespec *ts) {
    if (!ts || ts->tv_sec < 0 || ts->tv_nsec < 0) return 0;
    return (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
}

TL_WRAP unsigned sleep(unsigned s) {
    TL_PL_ENTER(t, TL_REAL(sleep)(s));
    uint64_t pc = TL_PL_PC;
    sleep_begin(t, (uint64_t)s * 1000000000u, pc);
    unsigned left = TL_REAL(sleep)(s);
    sleep_end(t, pc);
    return left;
}

TL_WRAP int usleep(useconds_t us) {
    TL_PL_ENTER(t, TL_REAL(usleep)(us));
    uint64_t pc = TL_PL_PC;
    sleep_begin(t, (uint64_t)us * 1000u, pc);
    int rc = TL_REAL(usleep)(us);
    sleep_end(t, pc);
    return rc;
}

TL_WRAP int nanosleep(const struct timespec *req, struct timespec *rem) {
    TL_PL_ENTER(t, TL_REAL(nanosleep)(req, rem));
    uint64_t pc = TL_PL_PC;
    sleep_begin(t, ts_ns(req), pc);
    int rc = TL_REAL(nanosleep)(req, rem);
    sleep_end(t, pc);
    return rc;
}

TL_WRAP int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
                            struct timespec *rem) {
    TL_PL_ENTER(t, TL_REAL(clock_nanosleep)(clk, flags, req, rem));
    uint64_t pc = TL_PL_PC, ns = ts_ns(req);
    if (flags & TIMER_ABSTIME) {
        struct timespec now;
        uint64_t n = clock_gettime(clk, &now) == 0 ? ts_ns(&now) : ns;
        ns = ns > n ? ns - n : 0;
    }
    sleep_begin(t, ns, pc);
    int rc = TL_REAL(clock_nanosleep)(clk, flags, req, rem);
    sleep_end(t, pc);
    return rc;
}

/* ---- exec --------------------------------------------------------------------- */

#define EXEC_VAR "THREADLENS_EXEC="

/* Finishes this image's trace. Returns 1 with the variable the new image
 * needs in var ("THREADLENS_EXEC=<n>"), 0 when this process has no trace
 * (never traced, a forked or vforked child). */
static int finish_image(char *var, size_t cap) {
    int s = atomic_load_explicit(&tl__g.state, memory_order_acquire);
    if ((s != TL_STATE_ON && s != TL_STATE_DONE) || (uint64_t)getpid() != tl__g.pid) return 0;
    int saved = errno;
    tl__finish();
    snprintf(var, cap, EXEC_VAR "%llu", (unsigned long long)tl__g.opt.exec_gen + 1);
    errno = saved;
    return 1;
}

/* envp with var in place of any THREADLENS_EXEC it had, in out (n + 2
 * entries, n = entries of envp). */
static char *const *env_with(char *const envp[], char *var, char **out) {
    size_t k = 0;
    for (size_t i = 0; envp && envp[i]; i++)
        if (strncmp(envp[i], EXEC_VAR, sizeof EXEC_VAR - 1) != 0) out[k++] = envp[i];
    out[k++] = var;
    out[k] = NULL;
    return out;
}

static size_t env_count(char *const envp[]) {
    size_t n = 0;
    while (envp && envp[n]) n++;
    return n;
}

/* For the exec calls that use the current environment. */
static void finish_image_environ(void) {
    char var[64];
    if (finish_image(var, sizeof var)) setenv("THREADLENS_EXEC", var + sizeof EXEC_VAR - 1, 1);
}

TL_WRAP int execve(const char *path, char *const argv[], char *const envp[]) {
    char var[64];
    if (!finish_image(var, sizeof var)) return TL_REAL(execve)(path, argv, envp);
    char *env[env_count(envp) + 2];
    return TL_REAL(execve)(path, argv, env_with(envp, var, env));
}

TL_WRAP int execvpe(const char *file, char *const argv[], char *const envp[]) {
    char var[64];
    if (!finish_image(var, sizeof var)) return TL_REAL(execvpe)(file, argv, envp);
    char *env[env_count(envp) + 2];
    return TL_REAL(execvpe)(file, argv, env_with(envp, var, env));
}

TL_WRAP int fexecve(int fd, char *const argv[], char *const envp[]) {
    char var[64];
    if (!finish_image(var, sizeof var)) return TL_REAL(fexecve)(fd, argv, envp);
    char *env[env_count(envp) + 2];
    return TL_REAL(fexecve)(fd, argv, env_with(envp, var, env));
}

TL_WRAP int execv(const char *path, char *const argv[]) {
    finish_image_environ();
    return TL_REAL(execv)(path, argv);
}

TL_WRAP int execvp(const char *file, char *const argv[]) {
    finish_image_environ();
    return TL_REAL(execvp)(file, argv);
}

/* The execl family: the list becomes an argv (and envp for execle). */
#define COLLECT_ARGS(first, argv, envp_out)                          \
    va_list ap_;                                                               \
    size_t n_ = 1;                                                             \
    va_start(ap_, first);                                                      \
    while (va_arg(ap_, char *) != NULL) n_++;                                  \
    va_end(ap_);                                                               \
    char *argv[n_ + 1];                                                        \
    argv[0] = (char *)(first);                                                 \
    va_start(ap_, first);                                                      \
    for (size_t i_ = 1; i_ <= n_; i_++) argv[i_] = va_arg(ap_, char *);        \
    envp_out;                                                                  \
    va_end(ap_)

TL_WRAP int execl(const char *path, const char *arg, ...) {
    COLLECT_ARGS(arg, argv, (void)0);
    return execv(path, argv);
}

TL_WRAP int execlp(const char *file, const char *arg, ...) {
    COLLECT_ARGS(arg, argv, (void)0);
    return execvp(file, argv);
}

TL_WRAP int execle(const char *path, const char *arg, ...) {
    char *const *envp;
    COLLECT_ARGS(arg, argv, envp = va_arg(ap_, char *const *));
    return execve(path, argv, envp);
}
