/*
 * tl_bench.c — the on-demand benchmark of libthreadlens (issue 2, section 6).
 *
 *   build/bin/tl_bench [--quick] [--keep] [--only MODE,...]
 *
 * Prints one table of medians, each against its target where the issue
 * gives one:
 *   0. what this machine charges for a timestamp and an atomic increment;
 *   1. an uncontended lock+unlock pair, plain pthread vs tl_mutex (traced),
 *      alternated burst by burst in one process, and their ratio;
 *   2. the cost of one recorded event amortized including the writer: wall
 *      time of the producing thread and CPU time of the whole process
 *      (getrusage, so the writer thread is in it), per event;
 *   3. writer throughput to a file (events / time until tl_flush returned);
 *   4. bytes per event (trace size / events recorded) for a two-thread mix
 *      and for pure lock pairs;
 *   5. events dropped (the trace's summary line), and whether the trace
 *      drew a lock hold for every pair recorded.
 *
 * Scenarios (MODE): burst (1), flood (2, 3: a ring that holds a whole
 * repetition), counter and pairs (2, 3, 5: the default ring, which fills),
 * mix (3, 4). Each runs in a child process (fork + exec of this program
 * with "--child MODE"): the runtime traces one process into one file,
 * chosen by THREADLENS_OUT at the first tl_* call. A child prints "key
 * value" lines on stdout; the parent takes the median of each key over the
 * repetitions and reads the child's trace. Machines are noisy: nothing here
 * asserts on time. The exit status is 0 unless a scenario failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "threadlens.h"

#ifndef TL_BENCH_BUILD_TYPE
#define TL_BENCH_BUILD_TYPE "unknown"
#endif

/* ---- sizes ------------------------------------------------------------------ */

#define BURST_PAIRS 4096      /* 8192 events: an eighth of the default 65536-event ring */
#define FLOOD_RING "2097152"  /* the ring of the flood scenario, in events */
#define MIX_RING "2097152"    /* the mix's: a thread's events of a repetition fit */
#define MIX_BATCH 16          /* iterations per phase in the mix */
#define MAX_VALS 16

/* Scaled down by --quick (for valgrind and smoke runs). */
static struct {
    int reps;            /* timed repetitions per scenario (median taken) */
    int bursts;          /* bursts per repetition in the burst scenario */
    uint64_t counter_n;  /* events per repetition, default ring */
    uint64_t pairs_n;    /* lock pairs per repetition, default ring */
    uint64_t flood_n;    /* events per repetition, big ring (< FLOOD_RING) */
    uint64_t mix_batches; /* per thread */
} cfg = {3, 100, 10000000u, 3000000u, 1500000u, 5000u};

static void cfg_quick(void) {
    cfg.reps = 1, cfg.bursts = 10, cfg.counter_n = 200000u, cfg.pairs_n = 100000u;
    cfg.flood_n = 200000u, cfg.mix_batches = 500u;
}

/* ---- clocks ------------------------------------------------------------------ */

static uint64_t ts_ns(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ns(void) { return ts_ns(CLOCK_MONOTONIC); }
static uint64_t thread_cpu_ns(void) { return ts_ns(CLOCK_THREAD_CPUTIME_ID); }

/* User + system time of every thread of the process, the writer included. */
static uint64_t process_cpu_ns(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) * 1000000000u +
           ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000u;
}

/* ================================================================================
 * Children: each mode measures and prints "key value" lines.
 * ================================================================================ */

static void emit(const char *prefix, const char *key, double v) {
    printf("%s_%s %.17g\n", prefix, key, v);
}

/* ---- workloads ---------------------------------------------------------------- */

static pthread_mutex_t plain_m = PTHREAD_MUTEX_INITIALIZER;
static tl_mutex pair_m;
static uint64_t n_recorded, n_pairs; /* what this process recorded (main thread) */
static volatile uint64_t bench_sink;  /* keeps measured loops from being optimized out */

static void plain_pairs(uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        pthread_mutex_lock(&plain_m);
        pthread_mutex_unlock(&plain_m);
    }
}

static void traced_pairs(uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        tl_mutex_lock(&pair_m);
        tl_mutex_unlock(&pair_m);
    }
    n_recorded += 2 * n, n_pairs += n;
}

static void traced_counters(uint64_t n) {
    for (uint64_t i = 0; i < n; i++) tl_counter("bench.value", (double)(i & 1023));
    n_recorded += n;
}

static uint64_t timed(void (*fn)(uint64_t), uint64_t n) {
    uint64_t t0 = now_ns();
    fn(n);
    return now_ns() - t0;
}

/* Starts tracing and primes the lock path; the clock calibration, the
 * writer's start and this thread's registration are not measured. */
static void child_start(void) {
    tl_mutex_init(&pair_m, TL_MUTEX_NORMAL, "bench.pair");
    n_recorded += 2; /* THREAD_START of main, OBJ_INIT */
    traced_pairs(1000);
    tl_flush();
}

/* What the parent needs besides timings: the number of events and lock
 * pairs recorded (the trace's summary is checked against them). */
static void child_end(const char *prefix) {
    emit(prefix, "recorded", (double)n_recorded);
    emit(prefix, "pairs", (double)n_pairs);
}

/* ---- burst: the recording cost with a warm ring that never fills -------------- */

/* Bursts of fn(n) with tl_flush between them (not timed), so the default
 * ring never fills and the producer never waits: what each call costs the
 * program while the writer keeps up. Returns ns per call of fn's unit. */
static double burst_cost(void (*fn)(uint64_t), uint64_t n, uint64_t *other_ns,
                         void (*other)(uint64_t)) {
    uint64_t total = 0;
    for (int b = 0; b < cfg.bursts; b++) {
        if (other) *other_ns += timed(other, n);
        total += timed(fn, n);
        tl_flush();
    }
    return (double)total / ((double)cfg.bursts * (double)n);
}

/* Plain and traced pairs alternate burst by burst, so drift in the machine
 * hits both alike. The trace holds lock pairs only (bytes per event). */
static void child_burst(void) {
    child_start();
    for (int rep = 0; rep < cfg.reps; rep++) {
        uint64_t plain = 0;
        double traced = burst_cost(traced_pairs, BURST_PAIRS, &plain, plain_pairs);
        double plain_ns = (double)plain / ((double)cfg.bursts * BURST_PAIRS);
        emit("burst", "plain_ns", plain_ns);
        emit("burst", "pair_ns", traced);
        emit("burst", "ratio", traced / plain_ns);
    }
    child_end("burst");
}

/* ---- sustained: n events, then tl_flush, all timed ---------------------------- */

/* One repetition of fn(n), which records `events` events. Emits per event:
 * wall = the producer's loop; drain = until tl_flush returned (the writer
 * has written everything); cpu = the process's CPU time (producer, writer
 * and the waits of a full ring); wcpu = the CPU time not spent by this
 * thread, i.e. the writer's. */
static void sustained(const char *prefix, void (*fn)(uint64_t), uint64_t n, uint64_t events) {
    uint64_t c0 = process_cpu_ns(), tc0 = thread_cpu_ns(), t0 = now_ns();
    fn(n);
    uint64_t t1 = now_ns();
    tl_flush();
    uint64_t t2 = now_ns(), tc2 = thread_cpu_ns(), c2 = process_cpu_ns();
    double ev = (double)events;
    emit(prefix, "wall_ns", (double)(t1 - t0) / ev);
    emit(prefix, "drain_ns", (double)(t2 - t0) / ev);
    emit(prefix, "cpu_ns", (double)(c2 - c0) / ev);
    emit(prefix, "wcpu_ns", (double)((c2 - c0) - (tc2 - tc0)) / ev);
}

/* First the producer-only cost of one event (bursts, warm ring), then the
 * sustained loop, where a full ring makes the producer wait. */
static void child_counter(void) {
    child_start();
    traced_counters(1000);
    for (int rep = 0; rep < cfg.reps; rep++)
        emit("counter", "burst_ns", burst_cost(traced_counters, 2 * BURST_PAIRS, NULL, NULL));
    for (int rep = 0; rep < cfg.reps; rep++)
        sustained("counter", traced_counters, cfg.counter_n, cfg.counter_n);
    child_end("counter");
}

static void child_pairs(void) {
    child_start();
    for (int rep = 0; rep < cfg.reps; rep++) sustained("pairs", traced_pairs, cfg.pairs_n, 2 * cfg.pairs_n);
    child_end("pairs");
}

/* The ring (FLOOD_RING events) holds a whole repetition, so the producer
 * never waits and the process's CPU time is recording plus writing only.
 * The warm-up fills the ring once: its pages are faulted in before timing.
 * Counters ("flood_*") and lock pairs ("floodpairs_*") alternate. */
static void child_flood(void) {
    child_start();
    traced_counters(strtoull(FLOOD_RING, NULL, 10));
    tl_flush();
    for (int rep = 0; rep < cfg.reps; rep++) {
        sustained("flood", traced_counters, cfg.flood_n, cfg.flood_n);
        sustained("floodpairs", traced_pairs, cfg.flood_n / 2, cfg.flood_n);
    }
    child_end("flood");
}

/* ---- mix: two threads, a realistic blend -------------------------------------- */

/* Per batch and thread: a phase around MIX_BATCH iterations of 8 pairs on
 * the thread's own mutex and one pair on a mutex both threads take (with a
 * little work inside, so they collide), a counter every 4th iteration and a
 * mark per batch. Both threads run the same loop. */
#define MIX_PAIRS_PER_BATCH (MIX_BATCH * 9)
#define MIX_EVENTS_PER_BATCH (2 + 2 * MIX_PAIRS_PER_BATCH + MIX_BATCH / 4 + 1)

static tl_mutex mix_shared;

typedef struct mix_arg {
    tl_mutex own;
    uint64_t cpu_ns; /* out: this thread's CPU time in the loop */
} mix_arg;

static void mix_iteration(tl_mutex *own, uint64_t i) {
    for (int j = 0; j < 8; j++) {
        tl_mutex_lock(own);
        tl_mutex_unlock(own);
    }
    tl_mutex_lock(&mix_shared);
    for (int k = 0; k < 200; k++) bench_sink += (uint64_t)k;
    tl_mutex_unlock(&mix_shared);
    if (i % 4 == 0) tl_counter("bench.progress", (double)i);
}

static void *mix_loop(void *p) {
    mix_arg *a = p;
    uint64_t c0 = thread_cpu_ns();
    for (uint64_t b = 0; b < cfg.mix_batches; b++) {
        tl_phase_begin("bench.batch");
        for (uint64_t i = 0; i < MIX_BATCH; i++) mix_iteration(&a->own, b * MIX_BATCH + i);
        tl_mark("bench.batch_done");
        tl_phase_end();
    }
    a->cpu_ns = thread_cpu_ns() - c0;
    return NULL;
}

/* The worker's create, start, end and the join's begin and end: 5 events. */
static void mix_once(mix_arg *mine, mix_arg *other) {
    tl_thread t;
    uint64_t c0 = process_cpu_ns(), t0 = now_ns();
    if (tl_thread_create(&t, "bench.worker", mix_loop, other) != 0) {
        fprintf(stderr, "tl_bench: cannot create the mix worker thread\n");
        exit(1);
    }
    mix_loop(mine);
    tl_thread_join(t, NULL);
    tl_flush();
    uint64_t t2 = now_ns(), c2 = process_cpu_ns();
    n_recorded += 2 * cfg.mix_batches * MIX_EVENTS_PER_BATCH + 5;
    n_pairs += 2 * cfg.mix_batches * MIX_PAIRS_PER_BATCH;
    emit("mix", "wall_ns", (double)(t2 - t0));
    emit("mix", "cpu_ns", (double)(c2 - c0));
    emit("mix", "wcpu_ns", (double)((c2 - c0) - mine->cpu_ns - other->cpu_ns));
}

static void child_mix(void) {
    child_start();
    static mix_arg a, b;
    tl_mutex_init(&mix_shared, TL_MUTEX_NORMAL, "bench.shared");
    tl_mutex_init(&a.own, TL_MUTEX_NORMAL, "bench.own_main");
    tl_mutex_init(&b.own, TL_MUTEX_NORMAL, "bench.own_worker");
    n_recorded += 3;
    for (int rep = 0; rep < cfg.reps; rep++) mix_once(&a, &b);
    child_end("mix");
}

/* ---- child dispatch ------------------------------------------------------------ */

typedef struct scenario {
    const char *mode;
    void (*run)(void);
    const char *buffer_events; /* THREADLENS_BUFFER_EVENTS, NULL: the default */
    int scan;                  /* count lock holds and waits in the trace */
} scenario;

static const scenario scenarios[] = {
    {"burst", child_burst, NULL, 1},
    {"flood", child_flood, FLOOD_RING, 1},
    {"counter", child_counter, NULL, 0},
    {"pairs", child_pairs, NULL, 1},
    {"mix", child_mix, MIX_RING, 1},
};
#define N_SCENARIOS (sizeof scenarios / sizeof scenarios[0])

static int child_main(const char *mode) {
    for (size_t i = 0; i < N_SCENARIOS; i++)
        if (strcmp(scenarios[i].mode, mode) == 0) {
            scenarios[i].run();
            fflush(stdout);
            return 0;
        }
    fprintf(stderr, "tl_bench: unknown mode '%s'\n", mode);
    return 2;
}

/* ================================================================================
 * Parent: runs the children, collects medians, reads the traces, prints.
 * ================================================================================ */

typedef struct series {
    char key[48];
    double v[MAX_VALS];
    int n;
} series;

static series results[64];
static int n_results;

typedef struct trace_info {
    int ran;            /* the scenario was run (see --only) */
    int ok;             /* the summary line was found */
    uint64_t bytes;     /* file size */
    uint64_t events;    /* the summary's "events" */
    uint64_t dropped;   /* the summary's "dropped" */
    uint64_t holds;     /* lock holds drawn ("ph":"b" lines), if scanned */
    uint64_t waits;     /* "waiting for bench.shared" slices, if scanned */
    char clock[16];
} trace_info;

static trace_info traces[N_SCENARIOS];
static int any_failed;

static void add_value(const char *key, double v) {
    series *s = NULL;
    for (int i = 0; i < n_results; i++)
        if (strcmp(results[i].key, key) == 0) s = &results[i];
    if (!s && n_results < (int)(sizeof results / sizeof results[0])) {
        s = &results[n_results++];
        snprintf(s->key, sizeof s->key, "%s", key);
    }
    if (s && s->n < MAX_VALS) s->v[s->n++] = v;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The series "<mode>_<name>", sorted; NULL when no child reported it. */
static const series *get(const char *mode, const char *name) {
    char key[64];
    snprintf(key, sizeof key, "%s_%s", mode, name);
    for (int i = 0; i < n_results; i++)
        if (strcmp(results[i].key, key) == 0) {
            qsort(results[i].v, (size_t)results[i].n, sizeof(double), cmp_double);
            return &results[i];
        }
    return NULL;
}

/* The median of a series; -1 (shown as n/a) when there is none. */
static double median(const series *s) {
    if (!s || s->n == 0) return -1;
    return s->n % 2 ? s->v[s->n / 2] : (s->v[s->n / 2 - 1] + s->v[s->n / 2]) / 2;
}

static double med(const char *mode, const char *name) { return median(get(mode, name)); }

/* ---- reading a trace ------------------------------------------------------------ */

static uint64_t json_u64_after(const char *hay, const char *key) {
    const char *p = strstr(hay, key);
    return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

/* Counts the occurrences of two needles in a file, reading it in chunks
 * (a needle split across chunks is still found once). */
static void count_in_file(const char *path, const char *needle[2], uint64_t count[2]) {
    FILE *f = fopen(path, "rb");
    size_t cap = 1u << 20, keep = 0, got, overlap = 63;
    char *buf = malloc(cap + overlap + 1);
    count[0] = count[1] = 0;
    while (f && buf && (got = fread(buf + keep, 1, cap, f)) > 0) {
        size_t len = keep + got;
        for (int k = 0; k < 2; k++) {
            size_t nl = strlen(needle[k]);
            /* start past the overlap, except in the first chunk */
            for (char *p = buf + (keep ? keep - (nl - 1) : 0);
                 (p = memmem(p, len - (size_t)(p - buf), needle[k], nl)) != NULL; p++)
                count[k]++;
        }
        keep = len < overlap ? len : overlap;
        memmove(buf, buf + len - keep, keep);
    }
    free(buf);
    if (f) fclose(f);
}

/* Size and the summary line {"name":"threadlens_summary","args":{"events":N,
 * "dropped":D,"clock":"..."}} at the end of the trace; with scan, also the
 * lock holds and waits drawn. */
static trace_info read_trace(const char *path, int scan) {
    trace_info ti = {0};
    struct stat st;
    FILE *f = fopen(path, "rb");
    if (!f || fstat(fileno(f), &st) != 0) {
        if (f) fclose(f);
        return ti;
    }
    ti.bytes = (uint64_t)st.st_size;
    char tail[4097];
    fseek(f, st.st_size > 4096 ? (long)st.st_size - 4096 : 0, SEEK_SET);
    size_t n = fread(tail, 1, sizeof tail - 1, f);
    fclose(f);
    tail[n] = 0;
    const char *sum = strstr(tail, "\"threadlens_summary\"");
    if (sum) {
        ti.ok = 1;
        ti.events = json_u64_after(sum, "\"events\":");
        ti.dropped = json_u64_after(sum, "\"dropped\":");
        const char *c = strstr(sum, "\"clock\":\"");
        if (c) sscanf(c + 9, "%15[a-z]", ti.clock);
    }
    if (scan) {
        const char *needle[2] = {"{\"ph\":\"b\"", "\"name\":\"waiting for bench.shared\""};
        uint64_t count[2];
        count_in_file(path, needle, count);
        ti.holds = count[0], ti.waits = count[1];
    }
    return ti;
}

/* ---- running a child ------------------------------------------------------------ */

static void child_exec(const scenario *sc, const char *trace, int out_fd, int quick) {
    dup2(out_fd, 1);
    setenv("THREADLENS_OUT", trace, 1);
    setenv("THREADLENS_SUMMARY", "0", 1);
    setenv("THREADLENS_ENABLE", "1", 1);
    if (sc->buffer_events) setenv("THREADLENS_BUFFER_EVENTS", sc->buffer_events, 1);
    char *argv[] = {"tl_bench", "--child", (char *)sc->mode, quick ? "--quick" : NULL, NULL};
    execv("/proc/self/exe", argv);
    fprintf(stderr, "tl_bench: exec of /proc/self/exe failed: %s\n", strerror(errno));
    _exit(127);
}

/* Collects the child's "key value" lines until it closes stdout. */
static void read_results(int fd) {
    FILE *f = fdopen(fd, "r");
    char line[256], key[48];
    double v;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "%47s %lf", key, &v) == 2) add_value(key, v);
    if (f) fclose(f);
}

static void report_status(const char *mode, pid_t pid, int status) {
    if (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    if (pid > 0 && WIFSIGNALED(status))
        fprintf(stderr, "tl_bench: scenario '%s' died with signal %d\n", mode, WTERMSIG(status));
    else
        fprintf(stderr, "tl_bench: scenario '%s' failed (status %d)\n", mode,
                pid > 0 ? WEXITSTATUS(status) : -1);
    any_failed = 1;
}

/* Runs one scenario to completion and reads its trace (then deletes it
 * unless keep). Returns the scenario's wall time in seconds. */
static double run_scenario(size_t idx, const char *dir, int quick, int keep) {
    const scenario *sc = &scenarios[idx];
    char trace[4096];
    snprintf(trace, sizeof trace, "%s/%s.json", dir, sc->mode);
    int fds[2];
    if (pipe(fds) != 0) {
        perror("tl_bench: pipe");
        exit(1);
    }
    fflush(stdout);
    uint64_t t0 = now_ns();
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        child_exec(sc, trace, fds[1], quick);
    }
    close(fds[1]);
    if (pid > 0) read_results(fds[0]);
    else close(fds[0]);
    int status = 0;
    if (pid > 0) waitpid(pid, &status, 0);
    report_status(sc->mode, pid, status);
    traces[idx] = read_trace(trace, sc->scan);
    traces[idx].ran = 1;
    if (!keep) unlink(trace);
    return (double)(now_ns() - t0) / 1e9;
}

/* ---- the table ---------------------------------------------------------------- */

enum { INFO, AT_MOST, AT_LEAST };

/* One row: label, median (with min..max when there are repetitions), unit,
 * and for a target its bound and PASS/MISS. v < 0 means not measured. */
static void row(const char *label, double v, const series *s, const char *unit, int kind,
                double target) {
    char val[32], spread[48] = "", tgt[32] = "";
    const char *verdict = "";
    if (v < 0) snprintf(val, sizeof val, "n/a");
    else if (v >= 1e5) snprintf(val, sizeof val, "%.4g", v);
    else snprintf(val, sizeof val, "%.1f", v);
    if (s && s->n > 1) snprintf(spread, sizeof spread, "%.3g..%.3g", s->v[0], s->v[s->n - 1]);
    if (kind != INFO) {
        snprintf(tgt, sizeof tgt, "%s %g", kind == AT_MOST ? "<=" : ">=", target);
        int pass = v >= 0 && (kind == AT_MOST ? v <= target : v >= target);
        verdict = pass ? "PASS" : "MISS";
    }
    printf("  %-46s %9s %-11s %-15s %-7s %s\n", label, val, unit, spread, tgt, verdict);
}

static const trace_info *trace_of(const char *mode) {
    for (size_t i = 0; i < N_SCENARIOS; i++)
        if (strcmp(scenarios[i].mode, mode) == 0) return &traces[i];
    return NULL;
}

/* Events the scenario recorded, by its own count (plus the LOCK_WAIT events
 * of the mix, read from the trace); -1 if unknown. */
static double recorded(const char *mode) {
    double r = med(mode, "recorded");
    const trace_info *t = trace_of(mode);
    return r > 0 && t ? r + (double)t->waits : -1;
}

static double bytes_per_event(const char *mode) {
    const trace_info *t = trace_of(mode);
    double r = recorded(mode);
    return t && t->bytes && r > 0 ? (double)t->bytes / r : -1;
}

/* 1 when the scenario's trace drew a hold for every lock pair it recorded
 * (or was not scanned). A dropped unlock makes the writer believe the lock
 * stays held, and it draws nothing for that lock afterwards: such a trace
 * is cheaper to write and smaller, so its writer and size rows are flagged. */
static int complete(const char *mode) {
    const trace_info *t = trace_of(mode);
    size_t i = (size_t)(t - traces);
    return !t || !scenarios[i].scan || (double)t->holds >= med(mode, "pairs");
}

static const char *flag(const char *mode) { return complete(mode) ? "" : " (!)"; }

/* The cost of what every recorded event does at least, measured here in
 * the parent, which never traces: a timestamp and an atomic increment. */
static void print_section0(void) {
    enum { N = 2000000 };
    static _Atomic uint64_t counter;
    uint64_t t0 = now_ns();
#if defined(__x86_64__) || defined(__i386__)
    for (int i = 0; i < N; i++) bench_sink += __builtin_ia32_rdtsc();
#endif
    uint64_t t1 = now_ns();
    for (int i = 0; i < N; i++) bench_sink += now_ns();
    uint64_t t2 = now_ns();
    for (int i = 0; i < N; i++) bench_sink += atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed);
    uint64_t t3 = now_ns();
    printf("\n0. this machine (context: each event reads the clock; sync events also take a number)\n");
#if defined(__x86_64__) || defined(__i386__)
    row("rdtsc", (double)(t1 - t0) / N, NULL, "ns/call", INFO, 0);
#endif
    row("clock_gettime(CLOCK_MONOTONIC)", (double)(t2 - t1) / N, NULL, "ns/call", INFO, 0);
    row("atomic fetch_add, uncontended", (double)(t3 - t2) / N, NULL, "ns/call", INFO, 0);
}

static void print_section1(void) {
    printf("\n1. uncontended lock+unlock pair (bursts of %d pairs, ring never full)\n", BURST_PAIRS);
    row("plain pthread_mutex_lock/unlock", med("burst", "plain_ns"), get("burst", "plain_ns"),
        "ns/pair", INFO, 0);
    row("tl_mutex_lock/unlock, traced", med("burst", "pair_ns"), get("burst", "pair_ns"),
        "ns/pair", INFO, 0);
    row("ratio traced / plain", med("burst", "ratio"), get("burst", "ratio"), "x", AT_MOST, 2);
}

/* Rows of a sustained run: producer wall, process CPU, the writer's CPU.
 * wall_target: whether the producer's wall time includes the writer (it
 * does when a full ring makes it wait). */
static void print_sustained(const char *key, const char *mode, const char *what, int wall_target) {
    char label[96];
    const char *rows[][2] = {{"wall_ns", "producer wall"}, {"cpu_ns", "process CPU"},
                             {"wcpu_ns", "  of it the writer's"}};
    int kinds[3] = {wall_target ? AT_MOST : INFO, AT_MOST, INFO};
    for (int i = 0; i < 3; i++) {
        snprintf(label, sizeof label, "%s: %s%s", what, rows[i][1], flag(mode));
        row(label, med(key, rows[i][0]), get(key, rows[i][0]), "ns/event", kinds[i], 15);
    }
}

static void print_section2(void) {
    printf("\n2. cost per recorded event, amortized including the writer (CPU: getrusage)\n");
    row("tl_counter, producer only (bursts, warm ring)", med("counter", "burst_ns"),
        get("counter", "burst_ns"), "ns/event", INFO, 0);
    print_sustained("flood", "flood", "counters, big ring", 0);
    print_sustained("floodpairs", "flood", "lock pairs, big ring", 0);
    print_sustained("counter", "counter", "counters, default ring", 1);
    print_sustained("pairs", "pairs", "lock pairs, default ring", 1);
    printf("   big ring: THREADLENS_BUFFER_EVENTS=%s holds a repetition (%.3g events): the\n"
           "   producer never waits. Default ring (65536): a full ring makes the producer wait.\n",
           FLOOD_RING, (double)cfg.flood_n);
}

static void throughput_row(const char *label, const char *key, const char *mode, const char *name,
                           int target) {
    char full[96];
    double ns = med(key, name);
    snprintf(full, sizeof full, "%s%s", label, flag(mode));
    row(full, ns > 0 ? 1e3 / ns : -1, NULL, "M events/s", target ? AT_LEAST : INFO, 5);
}

static void print_section3(void) {
    printf("\n3. writer throughput to a file (events / time until tl_flush returned)\n");
    throughput_row("counters, big ring", "flood", "flood", "drain_ns", 1);
    throughput_row("lock pairs, big ring", "floodpairs", "flood", "drain_ns", 1);
    throughput_row("counters, default ring", "counter", "counter", "drain_ns", 1);
    throughput_row("lock pairs, default ring", "pairs", "pairs", "drain_ns", 1);
    throughput_row("counters: per second of writer CPU", "flood", "flood", "wcpu_ns", 0);
    throughput_row("lock pairs: per second of writer CPU", "floodpairs", "flood", "wcpu_ns", 0);
    double r = recorded("mix"), wall = med("mix", "wall_ns");
    char label[96];
    snprintf(label, sizeof label, "mix, 2 threads (incl. thread start, join)%s", flag("mix"));
    row(label, r > 0 && wall > 0 ? r / cfg.reps / wall * 1e3 : -1, NULL, "M events/s", INFO, 0);
}

static void print_section4(void) {
    char label[96];
    printf("\n4. trace bytes per recorded event (file size / events recorded)\n");
    snprintf(label, sizeof label, "mix, 2 threads (below)%s", flag("mix"));
    row(label, bytes_per_event("mix"), NULL, "bytes/event", AT_MOST, 80);
    snprintf(label, sizeof label, "uncontended lock pairs%s", flag("burst"));
    row(label, bytes_per_event("burst"), NULL, "bytes/event", AT_MOST, 80);
    row("counters (+2000 lock events)", bytes_per_event("counter"), NULL, "bytes/event", INFO, 0);
    const trace_info *m = trace_of("mix");
    double shared = 2.0 * (double)cfg.mix_batches * MIX_BATCH * cfg.reps;
    printf("   mix: per thread and batch a phase, %d x (8 own-mutex pairs, 1 shared-mutex\n"
           "   pair, a counter every 4th), 1 mark; THREADLENS_BUFFER_EVENTS=%s, %.0f events;\n"
           "   %.1f%% of the shared mutex's acquisitions waited\n",
           MIX_BATCH, MIX_RING, recorded("mix"), m ? 100.0 * (double)m->waits / shared : -1.0);
}

static void print_section5(void) {
    printf("\n5. events dropped (trace summary) and lock holds drawn (\"ph\":\"b\" lines)\n");
    printf("  %-10s %12s %12s %12s %12s %12s\n", "scenario", "recorded", "summary", "dropped",
           "lock pairs", "holds drawn");
    for (size_t i = 0; i < N_SCENARIOS; i++) {
        const trace_info *t = &traces[i];
        const char *mode = scenarios[i].mode;
        char holds[24] = "-";
        if (!t->ran) continue;
        if (scenarios[i].scan) snprintf(holds, sizeof holds, "%llu", (unsigned long long)t->holds);
        printf("  %-10s %12.0f %12llu %12llu %12.0f %12s  %s%s\n", mode, recorded(mode),
               (unsigned long long)t->events, (unsigned long long)t->dropped, med(mode, "pairs"),
               holds, !t->ok ? "NO SUMMARY" : t->dropped ? "MISS" : "PASS",
               complete(mode) ? "" : ", holds missing (!)");
    }
    printf("   recorded: counted by the benchmark; summary: the trace's threadlens_summary\n"
           "   \"events\". Target: 0 dropped. (!): holds are missing from the trace, so its\n"
           "   writer-speed and size rows above describe an incomplete trace.\n");
}

static void print_header(void) {
    const trace_info *t = trace_of("burst");
    printf("threadlens benchmark: %ld CPUs, clock %s, build %s%s, libthreadlens.so, "
           "%d repetitions (median, min..max)\n",
           sysconf(_SC_NPROCESSORS_ONLN), t && t->ok ? t->clock : "?", TL_BENCH_BUILD_TYPE,
#ifdef __OPTIMIZE__
           "",
#else
           " (NOT OPTIMIZED: numbers are meaningless)",
#endif
           cfg.reps);
    printf("  %-46s %9s %-11s %-15s %-7s\n", "", "median", "unit", "min..max", "target");
}

/* ---- main ------------------------------------------------------------------------ */

/* 1 when mode is in the comma-separated list only (NULL: every mode). */
static int selected(const char *only, const char *mode) {
    size_t n = strlen(mode);
    for (const char *p = only; p && *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) 
        if (strncmp(p, mode, n) == 0 && (p[n] == ',' || p[n] == 0)) return 1;
    return only == NULL;
}

static int parent_main(int quick, int keep, const char *only) {
    const char *tmp = getenv("TMPDIR");
    char dir[2048];
    if ((size_t)snprintf(dir, sizeof dir, "%s/tl_bench.XXXXXX", tmp && *tmp ? tmp : "/tmp") >= sizeof dir) {
        fprintf(stderr, "tl_bench: TMPDIR is too long\n");
        return 1;
    }
    if (!mkdtemp(dir)) {
        fprintf(stderr, "tl_bench: cannot create a directory in %s: %s\n", dir, strerror(errno));
        return 1;
    }
    fprintf(stderr, "tl_bench: traces in %s; running %zu scenarios, each in its own process\n",
            dir, N_SCENARIOS);
    for (size_t i = 0; i < N_SCENARIOS; i++) {
        if (!selected(only, scenarios[i].mode)) continue;
        double s = run_scenario(i, dir, quick, keep);
        fprintf(stderr, "tl_bench:   %-8s %.1f s\n", scenarios[i].mode, s);
    }
    if (!keep) rmdir(dir);
    print_header();
    print_section0();
    print_section1();
    print_section2();
    print_section3();
    print_section4();
    print_section5();
    printf("\nTargets are informational; timings vary with the machine's load.\n");
    return any_failed ? 1 : 0;
}

int main(int argc, char **argv) {
    int quick = 0, keep = 0;
    const char *child = NULL, *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) quick = 1;
        else if (strcmp(argv[i], "--keep") == 0) keep = 1;
        else if (strcmp(argv[i], "--child") == 0 && i + 1 < argc) child = argv[++i];
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) only = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--quick] [--keep] [--only MODE,...]\n"
                            "  --quick  small sizes, one repetition (smoke test, valgrind)\n"
                            "  --keep   keep the traces in the temporary directory\n"
                            "  --only   run only these scenarios (burst,flood,counter,pairs,mix)\n",
                    argv[0]);
            return 2;
        }
    }
    if (quick) cfg_quick();
    return child ? child_main(child) : parent_main(quick, keep, only);
}
