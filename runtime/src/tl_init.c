/*
 * tl_init.c — starting and ending a traced process.
 *
 * Tracing starts lazily, on the first recorded event, so a program that
 * links libthreadlens but never calls it pays nothing. Every way out of the
 * process leaves a complete trace: exit() and return from main (atexit),
 * fatal signals and SIGINT/SIGTERM (a handler that has the writer flush, then
 * restores the default action and re-raises). SIGKILL cannot be caught; the
 * writer's periodic flush leaves a loadable prefix on disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tl_finding.h"
#include "tl_internal.h"

TL_INTERNAL tl_global tl__g;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static _Atomic int finish_once, finish_done;
static __thread int finishing; /* this thread is inside tl__finish */

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGINT, SIGTERM};
#define N_FATAL (sizeof fatal_signals / sizeof fatal_signals[0])

/* ---- messages -------------------------------------------------------------- */

static void vwarn(const char *fmt, va_list ap) {
    char line[1024] = "threadlens: ";
    size_t n = strlen(line);
    int k = vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
    if (k < 0) return;
    n += (size_t)k < sizeof line - n - 1 ? (size_t)k : sizeof line - n - 2;
    line[n++] = '\n';
    ssize_t w = write(2, line, n);
    (void)w;
}

void tl__warn(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vwarn(fmt, ap);
    va_end(ap);
}

void tl__die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vwarn(fmt, ap);
    va_end(ap);
    abort();
}

void tl__lock(pthread_mutex_t *m) {
    int rc = TL_REAL(pthread_mutex_lock)(m);
    if (rc) tl__die("internal lock failed: %s (a bug in threadlens)", strerror(rc));
}

void tl__unlock(pthread_mutex_t *m) {
    int rc = TL_REAL(pthread_mutex_unlock)(m);
    if (rc) tl__die("internal unlock failed: %s (a bug in threadlens)", strerror(rc));
}

/* ---- the trace path -------------------------------------------------------- */

/* Expands %p (pid) and %% in THREADLENS_OUT. Returns 0, or -1 if too long. */
static int expand_path(const char *pattern, char *out, size_t cap) {
    size_t n = 0;
    for (const char *p = pattern; *p; p++) {
        char num[32];
        const char *piece = num;
        if (p[0] == '%' && p[1] == 'p') {
            snprintf(num, sizeof num, "%ld", (long)getpid());
            p++;
        } else if (p[0] == '%' && p[1] == '%') {
            num[0] = '%', num[1] = 0;
            p++;
        } else {
            num[0] = *p, num[1] = 0;
        }
        size_t len = strlen(piece);
        if (n + len >= cap) return -1;
        memcpy(out + n, piece, len);
        n += len;
    }
    out[n] = 0;
    return 0;
}

/* Inserts ".<tag>" before a final ".json" (else appends it). */
static int add_suffix(char *path, size_t cap, const char *tag) {
    size_t n = strlen(path), t = strlen(tag);
    size_t at = n >= 5 && !strcmp(path + n - 5, ".json") ? n - 5 : n;
    if (n + t + 2 > cap) return -1;
    memmove(path + at + t + 1, path + at, n - at + 1);
    path[at] = '.';
    memcpy(path + at + 1, tag, t);
    return 0;
}

/* A child of the program `threadlens run` started, and a new image after
 * exec, each get their own file instead of truncating the first one. */
static int trace_path(char *out, size_t cap) {
    if (expand_path(tl__g.opt.out, out, cap) != 0) return -1;
    char tag[40];
    if (tl__g.opt.run_pid && tl__g.opt.run_pid != tl__g.pid) {
        snprintf(tag, sizeof tag, "%llu", (unsigned long long)tl__g.pid);
        if (add_suffix(out, cap, tag) != 0) return -1;
    }
    if (tl__g.opt.exec_gen) {
        snprintf(tag, sizeof tag, "exec%llu", (unsigned long long)tl__g.opt.exec_gen);
        if (add_suffix(out, cap, tag) != 0) return -1;
    }
    return 0;
}

/* Processes started by the program under `threadlens run` (make -j, sh -c)
 * are not what the user asked to see, unless THREADLENS_CHILDREN=1. */
static int is_untraced_child(void) {
    return tl__g.opt.run_pid && tl__g.opt.run_pid != tl__g.pid && !tl__g.opt.children;
}

/* ---- signals --------------------------------------------------------------- */

static void on_fatal_signal(int sig) {
    int saved = errno;
    tl__finish();
    /* Default action now, with the same signal, so the exit status and core
     * dump are what they would have been without us. */
    signal(sig, SIG_DFL);
    raise(sig);
    errno = saved;
}

/* Only signals the program left at their default: a program that handles
 * SIGINT itself keeps its behaviour and its trace keeps recording. */
static void install_signal_handlers(void) {
    for (size_t i = 0; i < N_FATAL; i++) {
        struct sigaction old, sa;
        if (sigaction(fatal_signals[i], NULL, &old) != 0) continue;
        if ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL) continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        /* No SA_RESETHAND: the same signal on another thread during the
         * drain must wait for it too (tl__finish), not kill the process. */
        sa.sa_flags = SA_NODEFER;
        sigaction(fatal_signals[i], &sa, NULL);
    }
}

/* A forked child has no writer thread and shares the parent's file: it must
 * neither write nor wait for a writer at exit. */
static void on_fork_child(void) {
    atomic_store(&finish_once, 1);
    atomic_store(&finish_done, 1);
    atomic_store(&tl__g.state, TL_STATE_DONE);
    tl__tls_self = NULL;
}

/* ---- start and finish ------------------------------------------------------ */

/* A normal exit (not a fatal signal: the pools' locks may be held there)
 * still reports what only the end of the program reveals. */
static void at_exit(void) {
    if (atomic_load_explicit(&tl__g.state, memory_order_acquire) == TL_STATE_ON) tl__pools_at_exit();
    tl__finish();
}

static void init_once_fn(void) {
    tl__options_load(&tl__g.opt);
    tl__g.pid = (uint64_t)getpid();
    if (tl__g.opt.help) tl__options_print(2);
    if (!tl__g.opt.enable || is_untraced_child()) {
        atomic_store(&tl__g.state, TL_STATE_OFF);
        return;
    }
    if (tl__clock_init(tl__g.opt.clock) != 0)
        tl__warn("THREADLENS_CLOCK=tsc but this CPU has no invariant TSC; using CLOCK_MONOTONIC");
    if (trace_path(tl__g.path, sizeof tl__g.path) != 0) {
        tl__warn("THREADLENS_OUT is too long; tracing is off");
        atomic_store(&tl__g.state, TL_STATE_OFF);
        return;
    }
    int rc = tl__writer_start(tl__g.path);
    if (rc != 0) {
        tl__warn("cannot write the trace to %s: %s; tracing is off", tl__g.path, strerror(-rc));
        atomic_store(&tl__g.state, TL_STATE_OFF);
        return;
    }
    pthread_atfork(NULL, NULL, on_fork_child);
    atexit(at_exit);
    if (tl__g.opt.signals) install_signal_handlers();
    atomic_store_explicit(&tl__g.state, TL_STATE_ON, memory_order_release);
}

int tl__init(void) {
    int s = atomic_load_explicit(&tl__g.state, memory_order_acquire);
    if (TL_LIKELY(s != TL_STATE_UNINIT)) return s == TL_STATE_ON;
    pthread_once(&init_once, init_once_fn);
    return atomic_load_explicit(&tl__g.state, memory_order_acquire) == TL_STATE_ON;
}

static void print_summary(void) {
    tl_writer_stats st;
    tl__writer_stats(&st);
    char dropped[128] = "";
    if (st.dropped)
        snprintf(dropped, sizeof dropped, ", %llu DROPPED (full buffers: raise THREADLENS_BUFFER_EVENTS; or recorded inside signal handlers)",
                 (unsigned long long)st.dropped);
    char found[192];
    tl__finding_summary(found, sizeof found);
    tl__warn("%u threads, %llu events%s, %.1f MB -> %s (open in ui.perfetto.dev)%s", st.threads,
             (unsigned long long)st.events, dropped, (double)st.bytes / 1e6, tl__g.path, found);
}

/* Polls (this may run in a signal handler) until another thread's finish
 * is done, 5 s at most: a second fatal signal, or Ctrl-C during the exit
 * drain, must not kill the process before the trace is closed. */
static void wait_for_other_finish(void) {
    for (int i = 0; i < 25000 && !atomic_load(&finish_done); i++) {
        tl__nap(200000);
    }
}

void tl__finish(void) {
    if (finishing) return; /* a signal inside our own finish */
    if (atomic_exchange(&finish_once, 1)) {
        wait_for_other_finish();
        return;
    }
    finishing = 1;
    tl__in_runtime++; /* for good: nothing after the summary is traced */
    if (atomic_load_explicit(&tl__g.state, memory_order_acquire) == TL_STATE_ON) {
        atomic_store_explicit(&tl__g.state, TL_STATE_DONE, memory_order_release);
        tl__writer_finish();
        if (tl__g.opt.summary) print_summary();
    }
    atomic_store(&finish_done, 1);
}

long tl__kernel_threads(void) {
    char buf[2048];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = 0;
    const char *p = strstr(buf, "\nThreads:");
    return p ? strtol(p + 9, NULL, 10) : 0;
}

int tl__program_handles_signals(void) {
    for (int sig = 1; sig < NSIG; sig++) {
        struct sigaction sa;
        if (sig == SIGKILL || sig == SIGSTOP || sigaction(sig, NULL, &sa) != 0) continue;
        void *h = (sa.sa_flags & SA_SIGINFO) ? (void *)sa.sa_sigaction : (void *)sa.sa_handler;
        if (h != (void *)SIG_DFL && h != (void *)SIG_IGN && h != (void *)on_fatal_signal) return 1;
    }
    return 0;
}

void tl__finish_by_writer(void) {
    tl__in_runtime++;
    if (atomic_exchange(&finish_once, 1)) { /* an exit is finishing: let it print */
        wait_for_other_finish();
        return;
    }
    finishing = 1;
    atomic_store_explicit(&tl__g.state, TL_STATE_DONE, memory_order_release);
    if (tl__g.opt.summary) print_summary();
    atomic_store(&finish_done, 1);
}

/* ---- public control -------------------------------------------------------- */

void tl_flush(void) {
    if (tl__init()) tl__writer_flush();
}

const char *tl_trace_path(void) {
    return tl__init() || atomic_load(&tl__g.state) == TL_STATE_DONE ? tl__g.path : "";
}
