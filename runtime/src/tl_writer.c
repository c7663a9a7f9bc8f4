/*
 * tl_writer.c — the writer thread: drains every thread's ring, merges them
 * into one order and streams the trace.
 *
 * Order: each thread's events stay in program order; sync events of all
 * threads are processed in sequence-number order. Numbers are dense, so a
 * missing number means a thread took it and has not published yet (a few ns,
 * unless it was preempted): the merge stops there until the next cycle, and
 * gives the number up after GAP_NS (the thread may have been killed). This
 * yields the exact order of every lock, signal and post without any lock on
 * the recording side.
 *
 * Output: one event per line, written with write(2) at least every
 * THREADLENS_FLUSH_MS, so the file on disk is a loadable prefix at any
 * moment, except during a burst, whose lines are written later (pace).
 * The final drain (exit, fatal signal) closes open slices and the array.
 * Only this thread touches tl_tracks and the output buffer, until it has
 * stopped.
 */
#define _GNU_SOURCE /* sched_getaffinity */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "tl_detect.h"
#include "tl_finding.h"
#include "tl_racereport.h"
#include "tl_symbolize.h"
#include "tl_tracks.h"

#define OUT_CAP (1u << 20)
#define GAP_NS 250000000ull         /* give up on a missing sequence number */
#define STAGE_MAX (1u << 18)        /* events a thread may have staged (10 MiB) */
#define FINISH_WAIT_NS 5000000000ull /* a stuck writer does not hang exit */
#define CATCH_UP_STEP 4096u         /* steps written between two drains (about 2 ms) */
#define SPOOL_MAX (1u << 20)        /* steps queued (48 MiB) before writing is forced */
#define SPARE_WINDOW_NS 50000000u   /* 50 ms: a dozen ticks of a 250 Hz scheduler */

typedef struct active {
    tl_thread_rec *rec;
    const tl_rec *ring; /* copies: the record's producer line stays the */
    uint64_t mask;        /* producer's alone */
    uint32_t id;
    uint64_t pos;    /* next event to process */
    uint64_t avail;  /* head snapshot for this cycle */
    uint64_t dropped_seen;
    /* Events copied out of the ring while the merge waits for a missing
     * sequence number, so the ring keeps draining and the thread does not
     * stall or drop because another one was preempted. Read before the ring. */
    tl_rec *stage;
    uint32_t stage_head, stage_len, stage_cap;
} active;

typedef struct heap_item { uint64_t seq; uint32_t idx; } heap_item;

static struct {
    tl_out out;
    pthread_t thread;
    int started;
    _Atomic uint32_t wake;      /* futex word the writer sleeps on */
    _Atomic int stop;           /* final drain requested */
    _Atomic uint64_t stop_ticks; /* when: the end of the trace */
    _Atomic int done;           /* the writer has written the end */
    _Atomic uint64_t flush_req, flush_ack;
    _Atomic uint64_t st_events, st_dropped, st_bytes;
    uint64_t next_seq, gap_since;
    uint64_t last_cut_ns;       /* the previous cycle's cut: burst() measures the rate */
    uint64_t write_cpu;         /* this thread's CPU time spent writing a backlog */
    uint64_t spare_at;          /* when core_to_spare last measured (trace ns) */
    uint64_t last_prog_cpu;     /* the process's CPU time less write_cpu then */
    int spare;                  /* what it found */
    int in_burst;               /* the last cycle's drain was a burst */
    uint32_t ncpu;              /* cores the process may run on */
    uint32_t known;             /* threads 1..known are in the active list or retired */
    active *act;
    uint32_t nact, capact;
    heap_item *heap;
    uint32_t nheap;
} W;

TL_INTERNAL _Atomic int tl__writer_sleeping;

static void futex_wait(_Atomic uint32_t *word, uint32_t seen, uint64_t ns) {
    struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
    syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, seen, &ts, NULL, 0);
}

void tl__writer_kick(void) {
    atomic_fetch_add_explicit(&W.wake, 1, memory_order_release);
    syscall(SYS_futex, &W.wake, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

/* ---- the merge ------------------------------------------------------------- */

static void heap_push(uint64_t seq, uint32_t idx) {
    uint32_t i = W.nheap++;
    while (i > 0 && W.heap[(i - 1) / 2].seq > seq) {
        W.heap[i] = W.heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    W.heap[i] = (heap_item){seq, idx};
}

static void heap_pop(void) {
    heap_item last = W.heap[--W.nheap];
    uint32_t i = 0;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= W.nheap) break;
        if (c + 1 < W.nheap && W.heap[c + 1].seq < W.heap[c].seq) c++;
        if (W.heap[c].seq >= last.seq) break;
        W.heap[i] = W.heap[c];
        i = c;
    }
    if (W.nheap) W.heap[i] = last;
}

static int staged(const active *a) { return a->stage_head < a->stage_len; }

/* Moves past the event peek returned. Gives room back to a producer that
 * may be waiting on a full ring every 1024 events, not only per cycle. */
static inline void step(active *a) {
    if (staged(a)) {
        if (++a->stage_head == a->stage_len) a->stage_head = a->stage_len = 0;
        return;
    }
    if ((++a->pos & 1023) == 0) atomic_store_explicit(&a->rec->tail, a->pos, memory_order_release);
}

static const tl_rec *peek(active *a) {
    if (staged(a)) return &a->stage[a->stage_head];
    return a->pos < a->avail ? &a->ring[a->pos & a->mask] : NULL;
}

/* Copies a's unprocessed ring events to its stage (up to STAGE_MAX). */
static void stage_ring(active *a) {
    uint64_t n = a->avail - a->pos;
    if (n == 0 || a->stage_len + n > STAGE_MAX) return;
    if (a->stage_len + n > a->stage_cap) {
        uint32_t cap = a->stage_cap ? a->stage_cap : 4096;
        while (cap < a->stage_len + n) cap *= 2;
        tl_rec *p = realloc(a->stage, (size_t)cap * sizeof *p);
        if (!p) return; /* the ring keeps them; the producer waits instead */
        a->stage = p, a->stage_cap = cap;
    }
    for (; a->pos < a->avail; a->pos++) a->stage[a->stage_len++] = a->ring[a->pos & a->mask];
}

/* One event, in the global order: its trace events, the detectors, and a
 * race the detector (on the program's threads) announced. */
static inline void process(uint32_t id, const tl_rec *e) {
    uint64_t ns = tl__tracks_event(id, e);
    tl__detect_event(id, ns, e);
    if (TL_UNLIKELY(e->kind == TL_EV_RACE)) tl__racereport_event(id, ns, e);
}

/* Processes a's local events up to its next sync event, which it queues.
 * Returns the number processed. */
static uint64_t advance(uint32_t idx) {
    active *a = &W.act[idx];
    const tl_rec *e;
    uint64_t n = 0;
    while ((e = peek(a)) != NULL) {
        if (tl__kind_is_sync(e->kind)) {
            heap_push(e->seq, idx);
            break;
        }
        process(a->id, e);
        step(a);
        n++;
    }
    return n;
}

/* May the merge skip the missing number next_seq? */
static int gap_expired(int final) {
    if (final) return 1;
    uint64_t now = tl__mono_ns();
    if (!W.gap_since) W.gap_since = now;
    return now - W.gap_since > GAP_NS;
}

static uint64_t merge(int final) {
    uint64_t n = 0;
    W.nheap = 0;
    for (uint32_t i = 0; i < W.nact; i++) n += advance(i);
    while (W.nheap) {
        heap_item top = W.heap[0];
        if (top.seq > W.next_seq) {
            if (!gap_expired(final)) {
                for (uint32_t i = 0; i < W.nact; i++) stage_ring(&W.act[i]);
                break;
            }
            W.next_seq = top.seq;
        }
        W.gap_since = 0;
        heap_pop();
        active *a = &W.act[top.idx];
        const tl_rec *e = peek(a);
        process(a->id, e);
        step(a);
        n++;
        if (top.seq >= W.next_seq) W.next_seq = top.seq + 1;
        n += advance(top.idx);
    }
    return n;
}

/* ---- the cycle ------------------------------------------------------------- */

static void add_new_threads(void) {
    uint32_t count = tl__thread_count();
    for (; W.known < count; W.known++) {
        tl_thread_rec *rec = tl__thread_get(W.known + 1);
        if (!rec) continue;
        if (W.nact == W.capact) {
            W.capact = W.capact ? 2 * W.capact : 64;
            W.act = realloc(W.act, W.capact * sizeof *W.act);
            W.heap = realloc(W.heap, W.capact * sizeof *W.heap);
            if (!W.act || !W.heap) tl__die("out of memory in the trace writer");
        }
        W.act[W.nact++] = (active){.rec = rec, .ring = rec->ring, .mask = rec->mask, .id = rec->id};
    }
}

/* Publishes progress, reports drops, and retires ended, drained threads. */
static void settle(void) {
    for (uint32_t i = 0; i < W.nact;) {
        active *a = &W.act[i];
        atomic_store_explicit(&a->rec->tail, a->pos, memory_order_release);
        uint64_t d = atomic_load_explicit(&a->rec->dropped, memory_order_relaxed);
        if (d > a->dropped_seen) {
            tl__tracks_dropped(a->id, d - a->dropped_seen);
            tl__detect_dropped();
            atomic_fetch_add_explicit(&W.st_dropped, d - a->dropped_seen, memory_order_relaxed);
            a->dropped_seen = d;
        }
        int ended = atomic_load_explicit(&a->rec->ended, memory_order_acquire);
        if (ended && !staged(a) &&
            a->pos == atomic_load_explicit(&a->rec->head, memory_order_acquire) &&
            tl__ring_recycle(a->rec)) {
            tl__tracks_thread_gone(a->id);
            free(a->stage);
            W.act[i] = W.act[--W.nact];
            continue;
        }
        i++;
    }
}

/* Cuts long-open slices at cut_ns on threads whose events up to then are
 * all processed (a thread stuck behind a sequence gap waits a cycle). */
static void cut_open_slices(uint64_t cut_ns) {
    uint64_t min_age = tl__g.opt.flush_ms * 1000000u;
    for (uint32_t i = 0; i < W.nact; i++)
        if (W.act[i].pos == W.act[i].avail && !staged(&W.act[i]))
            tl__tracks_cut(W.act[i].id, cut_ns, min_age);
}

static uint64_t cpu_ns(clockid_t c) {
    struct timespec ts;
    if (clock_gettime(c, &ts) != 0) return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Whether the program's threads and the writer's draining left a whole
 * core idle over the last SPARE_WINDOW_NS or more: writing there slows
 * nobody. The writer's own writing is not counted, or a chunk written on
 * an idle core would hide that core from the next measure. The window is
 * long because the kernel adds a running thread's time to the process
 * clock only at its scheduler tick: over a cycle of a few ms, a busy
 * program could look idle. */
static int core_to_spare(uint64_t now_ns, int burst_begins) {
    if (!burst_begins && now_ns - W.spare_at < SPARE_WINDOW_NS) return W.spare;
    uint64_t proc = cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
    uint64_t prog = proc > W.write_cpu ? proc - W.write_cpu : 0;
    uint64_t used = prog > W.last_prog_cpu ? prog - W.last_prog_cpu : 0;
    /* What a quiet spell left idle says nothing about the burst that ends
     * it: that one is measured afresh, and written behind until then. */
    W.spare = !burst_begins && W.ncpu > 1 &&
              used < (uint64_t)(W.ncpu - 1) * (now_ns - W.spare_at);
    W.last_prog_cpu = prog;
    W.spare_at = now_ns;
    return W.spare;
}

/* Whether n events in dt ns are a burst: a quarter of a ring per flush
 * interval or more, the rate at which a thread wakes the writer. A rate,
 * not a count per drain: a drain right after a chunk of writing finds few
 * events even in the middle of a burst. */
static int burst(uint64_t n, uint64_t dt) {
    return n > 0 && (unsigned __int128)n * tl__g.opt.flush_ms * 1000000u >=
                        (unsigned __int128)(tl__g.opt.buffer_events / 4) * dt;
}

/* Writing the JSON is most of the writer's work. During a burst that
 * keeps the cores busy, the writer only drains, orders and runs the
 * detectors, and leaves the writing until the program quiets down or
 * leaves a core idle, so a burst is not slowed by it; the file then trails
 * the program by at most THREADLENS_LAG_MS or SPOOL_MAX steps. A finding
 * is queued behind them (tl_tracks.h). Returns 1 when steps are left that
 * should be written before the writer sleeps. */
static int pace(int quiet, int spare, int all) {
    uint64_t oldest;
    size_t pend = tl__tracks_pending(&oldest);
    if (!pend) return 0;
    uint64_t now = tl__clock_to_ns(tl__now());
    int late = pend > SPOOL_MAX ||
               (now > oldest && now - oldest >= (uint64_t)tl__g.opt.lag_ms * 1000000u);
    if (!all && !quiet && !spare && !late) return 0;
    uint64_t t0 = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
    tl__tracks_catch_up(all ? SIZE_MAX : CATCH_UP_STEP + (pend > SPOOL_MAX ? pend - SPOOL_MAX : 0));
    W.write_cpu += cpu_ns(CLOCK_THREAD_CPUTIME_ID) - t0;
    return !all && tl__tracks_pending(NULL) != 0;
}

/* all: write everything processed (the end, or a flush request). */
static int cycle(int final, int all) {
    add_new_threads();
    tl__tracks_reserve(tl__thread_count(), tl__obj_count());
    /* Events published before this moment were stamped before it (an event
     * stamped earlier but published later is clamped to the cut by the
     * per-thread clamp in tl_tracks). */
    uint64_t cut_ticks = tl__now();
    uint64_t cut_ns = tl__clock_to_ns(cut_ticks);
    uint64_t dt = cut_ns > W.last_cut_ns ? cut_ns - W.last_cut_ns : 0;
    W.last_cut_ns = cut_ns;
    for (uint32_t i = 0; i < W.nact; i++)
        W.act[i].avail = atomic_load_explicit(&W.act[i].rec->head, memory_order_acquire);
    uint64_t n = merge(final);
    if (!final) {
        /* The watchdog, once every event published before the cut is in. */
        int caught_up = 1;
        for (uint32_t i = 0; i < W.nact; i++)
            if (W.act[i].pos != W.act[i].avail || staged(&W.act[i])) caught_up = 0;
        if (caught_up) tl__detect_tick(cut_ns);
    }
    settle();
    int b = burst(n, dt);
    int spare = core_to_spare(cut_ns, b && !W.in_burst);
    W.in_burst = b;
    int more = pace(!b, spare, final || all);
    if (!final && !tl__tracks_pending(NULL)) cut_open_slices(cut_ns);
    tl__out_flush(&W.out);
    atomic_fetch_add_explicit(&W.st_events, n, memory_order_relaxed);
    atomic_store_explicit(&W.st_bytes, W.out.bytes, memory_order_relaxed);
    return more;
}

/* Main called pthread_exit and every other thread has ended: the process
 * ends when its last thread does, and this thread is one, so it must stop
 * now, as exit() would have stopped it (glibc then calls exit(0), whose
 * tl__finish finds the trace closed and prints the summary). Counted by the
 * kernel, so threads we never saw (thrd_create, timer threads) keep it
 * going; the ended main thread still counts until the process ends. */
static int alone(void) {
    return tl__main_ended() && tl__kernel_threads() <= 2;
}

/* The first request's time is the end of the trace. */
static void request_stop(void) {
    uint64_t none = 0;
    atomic_compare_exchange_strong(&W.stop_ticks, &none, tl__now());
    atomic_store_explicit(&W.stop, 1, memory_order_release);
}

static void *writer_main(void *arg) {
    (void)arg;
    /* Never traced: neither the wrappers the writer itself calls nor the
     * program's code it may run (malloc, the symbolizer's libraries). */
    tl__in_runtime = 1;
    uint64_t sleep_ns = tl__g.opt.flush_ms * 1000000u;
    for (;;) {
        /* Read the wake word before the cycle: a kick that arrives while we
         * drain (a ring filled up meanwhile) makes the wait below return at
         * once instead of being lost for a whole interval. */
        uint32_t seen = atomic_load_explicit(&W.wake, memory_order_acquire);
        int stop = atomic_load_explicit(&W.stop, memory_order_acquire);
        uint64_t req = atomic_load_explicit(&W.flush_req, memory_order_acquire);
        int more = cycle(stop, req != atomic_load_explicit(&W.flush_ack, memory_order_relaxed));
        if (stop) break;
        if (tl__finding_fatal()) { /* a deadlock or hang ends the process */
            request_stop();
            continue;
        }
        if (alone()) { /* see alone() */
            request_stop();
            continue;
        }
        atomic_store_explicit(&W.flush_ack, req, memory_order_release);
        if (more || atomic_load_explicit(&W.stop, memory_order_acquire) ||
            atomic_load_explicit(&W.flush_req, memory_order_acquire) != req)
            continue;
        atomic_store_explicit(&tl__writer_sleeping, 1, memory_order_relaxed);
        futex_wait(&W.wake, seen, sleep_ns);
        atomic_store_explicit(&tl__writer_sleeping, 0, memory_order_relaxed);
    }
    atomic_store_explicit(&W.flush_ack, atomic_load(&W.flush_req), memory_order_release);
    cycle(1, 1);
    tl__detect_close();
    tl__racereport_close();
    /* The program ended when it asked to stop, not after our last drain
     * (events of threads still running meanwhile extend it). */
    tl__tracks_close(tl__clock_to_ns(atomic_load(&W.stop_ticks)), atomic_load(&W.st_events),
                     atomic_load(&W.st_dropped));
    tl__out_flush(&W.out);
    atomic_store_explicit(&W.st_bytes, W.out.bytes, memory_order_relaxed);
    close(W.out.fd);
    tl__sym_close();
    atomic_store_explicit(&W.done, 1, memory_order_release);
    if (tl__finding_fatal()) tl__finding_end();
    return NULL;
}

/* ---- control ---------------------------------------------------------------- */

static void process_name(char *out, size_t cap) {
    int fd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, out, cap - 1) : -1;
    if (fd >= 0) close(fd);
    if (n <= 0) n = 0;
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == 0)) n--;
    out[n] = 0;
    if (!n) memcpy(out, "process", 8);
}

int tl__writer_start(const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return -errno;
    if (tl__out_init(&W.out, fd, OUT_CAP) != 0) {
        close(fd);
        return -ENOMEM;
    }
    char name[64];
    process_name(name, sizeof name);
    tl__tracks_open(&W.out, tl__g.pid, name);
    tl__detect_reset();
    tl__racereport_reset();
    tl__out_flush(&W.out);
    W.next_seq = 1;
    W.last_cut_ns = W.last_prog_cpu = W.write_cpu = W.spare_at = 0;
    W.spare = W.in_burst = 0;
    cpu_set_t cpus;
    W.ncpu = sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? (uint32_t)CPU_COUNT(&cpus) : 1;

    /* The writer takes no signals: the program's handlers run on its own
     * threads, and a fatal signal is handled where it happened. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = TL_REAL(pthread_create)(&W.thread, &attr, writer_main, NULL);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        close(fd);
        return -rc;
    }
    W.started = 1;
    return 0;
}

/* Waits (polling: this may run in a signal handler) until cond holds. */
static int wait_until(_Atomic uint64_t *word, uint64_t want, uint64_t limit_ns) {
    uint64_t start = tl__mono_ns();
    while (atomic_load_explicit(word, memory_order_acquire) < want) {
        if (tl__mono_ns() - start > limit_ns) return 0;
        tl__nap(200000);
    }
    return 1;
}

void tl__writer_flush(void) {
    if (!W.started || atomic_load(&W.stop)) return;
    uint64_t req = atomic_fetch_add(&W.flush_req, 1) + 1;
    tl__writer_kick();
    wait_until(&W.flush_ack, req, FINISH_WAIT_NS);
}

void tl__writer_finish(void) {
    if (!W.started || pthread_equal(pthread_self(), W.thread)) return;
    request_stop();
    tl__writer_kick();
    uint64_t start = tl__mono_ns();
    while (!atomic_load_explicit(&W.done, memory_order_acquire)) {
        if (tl__mono_ns() - start > FINISH_WAIT_NS) {
            tl__warn("the trace writer did not finish in time; %s may end early", tl__g.path);
            return;
        }
        tl__nap(200000);
    }
}

void tl__writer_stats(tl_writer_stats *out) {
    out->events = atomic_load(&W.st_events);
    out->dropped = atomic_load(&W.st_dropped);
    out->bytes = atomic_load(&W.st_bytes);
    out->threads = tl__thread_count();
}
