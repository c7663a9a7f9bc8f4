/*
 * tl_internal.h — what the runtime's files share. Never installed.
 *
 * Ground rules for everything under runtime/src:
 * - Only pthreads and libc. No stdio, malloc or locks on the recording path
 *   (tl__record and what it inlines); those belong to setup and the writer.
 * - Shared internals are tl__module_verb() and TL_INTERNAL (hidden), so an
 *   LD_PRELOAD build exports nothing but the public API; the rest is static.
 * - Our own pthread locks failing is a bug: tl__die() with a message.
 * - Every stderr line starts with "threadlens: ".
 * - Call interposed libc functions as TL_REAL(f)(...) (tl_real.h), and keep
 *   tl__in_runtime raised around code that may run the program's code or
 *   libraries (malloc, the symbolizer): in the preload build every wrapper
 *   entered while it is raised goes straight to libc.
 */
#ifndef TL_INTERNAL_H
#define TL_INTERNAL_H

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include "threadlens.h"
#include "tl_event.h"
#include "tl_real.h"

#define TL_INTERNAL __attribute__((visibility("hidden")))
#define TL_LIKELY(x) __builtin_expect(!!(x), 1)
#define TL_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define TL_NAME_MAX 64

/* ---- options (tl_options.c; the table is tl_options.inc) ------------------ */

/* Option value types: STR (const char *, never NULL), UINT (a number in
 * [lo, hi]), BOOL (0/1), CHOICE (an index into the '|'-separated def). */
#define TL_OPT_CTYPE_STR const char *
#define TL_OPT_CTYPE_UINT uint64_t
#define TL_OPT_CTYPE_BOOL int
#define TL_OPT_CTYPE_CHOICE int

typedef struct tl_options {
#define TL_OPTION(type, field, env, def, lo, hi, help) TL_OPT_CTYPE_##type field;
#include "tl_options.inc"
#undef TL_OPTION
} tl_options;

enum { TL_CLOCK_AUTO = 0, TL_CLOCK_TSC = 1, TL_CLOCK_MONOTONIC = 2 };

/* Fills *o from the environment; a bad value warns once, naming the
 * variable, and keeps the default. Not thread-safe: call once at init. */
TL_INTERNAL void tl__options_load(tl_options *o);
/* Writes the option table (variable, default, meaning) to fd. */
TL_INTERNAL void tl__options_print(int fd);

/* ---- re-entry and memory (tl_arena.c) ------------------------------------ */

/* Non-zero while this thread runs the runtime's own slow paths, and always
 * in the writer thread: the preload's wrappers then call libc untraced, so
 * the tracer never traces (or waits for) itself. */
extern TL_INTERNAL __thread int tl__in_runtime __attribute__((tls_model("initial-exec")));

/* Zeroed pages straight from mmap (NULL on failure). */
TL_INTERNAL void *tl__pages(size_t n);
TL_INTERNAL void tl__pages_free(void *p, size_t n);
/* Zeroed, 64-byte aligned memory that lives until exit. Lock-free and
 * malloc-free: safe inside the program's malloc and in signal handlers. */
TL_INTERNAL void *tl__arena_alloc(size_t n);

/* ---- clock (tl_clock.c) --------------------------------------------------- */

extern TL_INTERNAL int tl__clock_tsc; /* 1: tl__now() returns TSC ticks */

/* Raw ticks: TSC where an invariant TSC was confirmed, else CLOCK_MONOTONIC
 * nanoseconds. Only tl__clock_to_ns gives them a unit. */
static inline uint64_t tl__now(void) {
#if defined(__x86_64__) || defined(__i386__)
    if (TL_LIKELY(tl__clock_tsc)) return __rdtsc();
#endif
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Chooses the clock (mode: TL_CLOCK_*), records the trace's time zero and,
 * for the TSC, measures its rate (2 ms). Returns 0, or -1 when the TSC was
 * asked for but is not invariant (then CLOCK_MONOTONIC is used). */
TL_INTERNAL int tl__clock_init(int mode);
/* Nanoseconds since the trace's time zero (0 for ticks before it). */
TL_INTERNAL uint64_t tl__clock_to_ns(uint64_t ticks);
TL_INTERNAL const char *tl__clock_name(void);
/* CLOCK_MONOTONIC in ns, for timeouts (never for event timestamps). */
TL_INTERNAL uint64_t tl__mono_ns(void);
/* Sleeps ns (less if a signal arrives) through the raw system call: unlike
 * nanosleep(), not a cancellation point, so a thread waiting here for the
 * writer inside a lock wrapper is never cancelled there. Async-signal-safe. */
TL_INTERNAL void tl__nap(uint64_t ns);

/* ---- threads (tl_registry.c) ---------------------------------------------- */

/*
 * One record per thread that ever recorded; ids are 1..N in registration
 * order and never reused (the trace's tid). The ring is single-producer
 * (the thread itself) single-consumer (the writer): head is published with
 * release, tail with release, each read with acquire by the other side.
 */
typedef struct tl_thread_rec {
    /* Producer side, one cache line touched only by the owning thread (the
     * writer keeps its own copies of ring and mask). */
    _Alignas(64) tl_rec *ring;
    uint64_t mask;         /* ring size - 1 (a power of two) */
    uint64_t head_local;   /* next slot to fill */
    uint64_t tail_cache;   /* last tail seen by the producer */
    volatile sig_atomic_t in_record; /* a signal handler must not nest */
    volatile sig_atomic_t gap;       /* an event was dropped since the last one recorded */
    /* Shared lines: each written by one side, read by the other. */
    _Alignas(64) _Atomic uint64_t head; /* events published */
    _Alignas(64) _Atomic uint64_t tail; /* events consumed by the writer */
    _Alignas(64) _Atomic uint64_t dropped; /* events lost to a full ring or nesting */
    _Atomic int ended;         /* 1 after THREAD_END was published */
    uint32_t id;
    uint32_t creator;          /* id of the creating thread, 0 = adopted */
    uint64_t create_site;      /* a tl_site *, or a return address (TL_EVF_PC) */
    uint8_t create_flags;      /* TL_EVF_PC or 0 */
    /* The program's thread function and argument, for the trampoline of a
     * thread created through the preload; start_fn also names the thread
     * when the program gives it no name. */
    void *(*start_fn)(void *);
    void *start_arg;
    /* Immutable names swapped whole: the writer reads them without a lock,
     * so a signal landing on a renaming thread cannot block it. */
    _Atomic(struct tl_name *) name;
    /* The race detector's state of this thread (tl_race_int.h), made when
     * the thread is created or first checks an access while detection is
     * on. Written before the thread runs or by the thread itself. */
    struct tl_rthread *race;
} tl_thread_rec;

/* A thread name. Replaced names stay allocated (the writer may be reading
 * one) and linked, so they stay reachable; renames are rare. */
typedef struct tl_name {
    struct tl_name *prev;
    char s[];
} tl_name;

extern TL_INTERNAL __thread tl_thread_rec *tl__tls_self
    __attribute__((tls_model("initial-exec")));

/* The calling thread's record, registering it (with a generic name, or
 * "main" for the process's first thread) on first use; NULL while tracing
 * is off or finished. May allocate on the first call only. */
TL_INTERNAL tl_thread_rec *tl__self_slow(void);
static inline tl_thread_rec *tl__self(void) {
    tl_thread_rec *t = tl__tls_self;
    return TL_LIKELY(t != NULL) ? t : tl__self_slow();
}

/* For tl_thread_create: a record for a thread about to be created, with its
 * id assigned (the creator puts it in THREAD_CREATE). NULL when tracing is
 * off or memory is short; then the thread is adopted when it first records. */
TL_INTERNAL tl_thread_rec *tl__thread_prepare(const char *name, uint32_t creator,
                                              uint64_t site, unsigned site_flags);
/* For a prepared record whose pthread_create failed. */
TL_INTERNAL void tl__thread_abandon(tl_thread_rec *t);
/* In the new thread, first thing: binds rec to it and records THREAD_START. */
TL_INTERNAL void tl__thread_attach(tl_thread_rec *t);
/* Records THREAD_END for the calling thread and stops its recording.
 * Safe to call twice (the second call does nothing). */
TL_INTERNAL void tl__thread_end(void);
/* Looks a thread up by trace id (NULL if unknown). Records are never freed. */
TL_INTERNAL tl_thread_rec *tl__thread_get(uint32_t id);
/* 1 once the process's first thread has ended (main called pthread_exit). */
TL_INTERNAL int tl__main_ended(void);
TL_INTERNAL uint32_t tl__thread_count(void);
/* Copies a thread's current name into out (TL_NAME_MAX bytes). Lock-free.
 * "" for a thread whose default name the writer derives (preload threads:
 * the start routine's symbol). */
TL_INTERNAL void tl__thread_name(uint32_t id, char *out);
TL_INTERNAL void tl__thread_rename(tl_thread_rec *t, const char *name);
TL_INTERNAL void tl__thread_rename_other(tl_thread_rec *self, tl_thread_rec *t, const char *name);
/* Writer: takes back the ring of an ended, fully drained thread. Returns 0
 * (try again later) instead of waiting when the registry is busy: the
 * writer must never block on a lock a signal handler's thread may hold. */
TL_INTERNAL int tl__ring_recycle(tl_thread_rec *t);

/* ---- objects (tl_registry.c) ---------------------------------------------- */

typedef enum tl_obj_kind {
    TL_OBJ_MUTEX,
    TL_OBJ_RWLOCK,
    TL_OBJ_SPIN,
    TL_OBJ_COND,
    TL_OBJ_SEM,
    TL_OBJ_BARRIER,
    TL_OBJ_QUEUE,   /* init_value: capacity, 0 unbounded */
    TL_OBJ_POOL,    /* init_value: workers */
    TL_OBJ_EVENT,
    TL_OBJ_TIMER,   /* init_value: delay (ns) */
    TL_OBJ__COUNT
} tl_obj_kind;

typedef struct tl_obj {
    uint32_t id;
    uint8_t kind;      /* tl_obj_kind */
    uint8_t subkind;   /* tl_mutex_kind for mutexes */
    uint8_t site_flags; /* TL_EVF_PC when site is a return address; TL_EVF_SHARED */
    uint64_t addr;     /* the program's object */
    uint64_t init_value; /* semaphore value, barrier count */
    uint64_t site;     /* where it was created (a tl_site *, a pc, or 0) */
    /* Given, else "mutex@file.c:12", else "mutex #3". "" when the site is a
     * pc: the writer names it after symbolizing (tl_tracks.c). */
    char name[TL_NAME_MAX];
} tl_obj;

/* Registers a new object and records OBJ_INIT; returns its id, or 0 when
 * tracing is off or memory is short (then its events are not recorded).
 * Lock-free and malloc-free (see tl_arena.c for why). */
TL_INTERNAL uint32_t tl__obj_register(tl_obj_kind kind, unsigned subkind, const void *addr,
                                      const char *name, uint64_t site, unsigned site_flags,
                                      uint64_t init_value);
/* An id slot (*idp) holds 0, an id, or this while one thread registers the
 * object (the others wait for it briefly). */
#define TL_ID_PENDING UINT32_MAX

/* Registers the object of *idp unless another thread already did (or is
 * doing it): returns its id, 0 when it cannot be registered. */
TL_INTERNAL uint32_t tl__obj_claim(uint32_t *idp, tl_obj_kind kind, unsigned subkind,
                                   const void *addr, uint64_t site, unsigned site_flags,
                                   uint64_t init_value);
/* The id in *idp, registering the object first if *idp is 0 (static
 * initializers, or an object initialized before tracing started). Two
 * threads racing here get the same id. */
TL_INTERNAL uint32_t tl__obj_lazy(uint32_t *idp, tl_obj_kind kind, unsigned subkind,
                                  const void *addr);
/* Registry entry by id; NULL for 0 or unknown. Entries are never freed. */
TL_INTERNAL const tl_obj *tl__obj_get(uint32_t id);
TL_INTERNAL uint32_t tl__obj_count(void);
TL_INTERNAL const char *tl__obj_kind_name(unsigned kind);

/* ---- recording (tl_record.c) ---------------------------------------------- */

/* The global sequence counter, alone on its cache line (every sync event of
 * every thread increments it; nothing else should be invalidated by that). */
typedef struct tl_seq_line { _Alignas(64) _Atomic uint64_t value; } tl_seq_line;
extern TL_INTERNAL tl_seq_line tl__seq_line;
#define tl__seq (tl__seq_line.value)

/* Slow path of tl__record when the ring is full: waits up to
 * THREADLENS_FULL_WAIT_US for the writer, then gives up. Returns 1 when
 * there is room now. */
TL_INTERNAL int tl__ring_wait_room(tl_thread_rec *t);
/* Asks the writer to drain now (async-signal-safe). */
TL_INTERNAL void tl__writer_kick(void);
extern TL_INTERNAL _Atomic int tl__writer_sleeping;

/* The race detector (tl_race.h): while it is on, every sync event (and
 * sleep) feeds its clocks, whether or not the event fits in the ring. */
extern TL_INTERNAL _Atomic int tl__race_on;
TL_INTERNAL void tl__hb_event(tl_thread_rec *t, unsigned kind, uint32_t obj, uint64_t arg,
                              unsigned aux, unsigned flags, uint64_t site);

/* Appends one event to the calling thread's ring. Never blocks on a lock and
 * never allocates; when the ring stays full it drops the event and counts
 * it. Sync kinds take their sequence number here, after the room check, so
 * a number is never taken for a dropped event. */
static inline void tl__record_in(tl_thread_rec *t, unsigned kind, uint32_t obj,
                                 uint64_t arg, unsigned aux, unsigned flags,
                                 uint64_t site, uint64_t val) {
    if (TL_UNLIKELY(atomic_load_explicit(&tl__race_on, memory_order_relaxed)) &&
        (tl__kind_is_sync(kind) || kind == TL_EV_SLEEP_BEGIN || kind == TL_EV_SLEEP_END))
        tl__hb_event(t, kind, obj, arg, aux, flags, site);
    if (TL_UNLIKELY(t->in_record)) { /* a signal handler interrupted us */
        atomic_fetch_add_explicit(&t->dropped, 1, memory_order_relaxed);
        t->gap = 1;
        return;
    }
    t->in_record = 1;
    /* Keep the compiler from moving ring accesses above the flag: a handler
     * running between them would write the slot we are about to fill. */
    atomic_signal_fence(memory_order_seq_cst);
    uint64_t head = t->head_local;
    if (TL_UNLIKELY(head - t->tail_cache > t->mask)) {
        t->tail_cache = atomic_load_explicit(&t->tail, memory_order_acquire);
        if (head - t->tail_cache > t->mask && !tl__ring_wait_room(t)) {
            atomic_fetch_add_explicit(&t->dropped, 1, memory_order_relaxed);
            t->gap = 1;
            atomic_signal_fence(memory_order_seq_cst);
            t->in_record = 0;
            return;
        }
    }
    tl_rec *e = &t->ring[head & t->mask];
    e->ts = tl__now();
    e->seq = tl__kind_is_sync(kind)
                 ? atomic_fetch_add_explicit(&tl__seq, 1, memory_order_relaxed)
                 : val;
    e->site = site;
    e->arg = arg;
    e->obj = obj;
    e->kind = (uint8_t)kind;
    /* The first event after a loss says so: the detectors forget what they
     * believed this thread held. */
    if (TL_UNLIKELY(t->gap)) {
        flags |= TL_EVF_GAP;
        t->gap = 0;
    }
    e->flags = (uint8_t)flags;
    e->aux = (uint16_t)aux;
    t->head_local = head + 1;
    atomic_store_explicit(&t->head, head + 1, memory_order_release);
    /* Wake a sleeping writer once per quarter ring, so a busy thread is
     * drained before it fills up rather than after. */
    if (TL_UNLIKELY(((head + 1) & (t->mask >> 2)) == 0) &&
        atomic_load_explicit(&tl__writer_sleeping, memory_order_relaxed))
        tl__writer_kick();
    atomic_signal_fence(memory_order_seq_cst);
    t->in_record = 0;
}

/* Records one event for the calling thread (no-op while tracing is off). */
static inline void tl__record(unsigned kind, uint32_t obj, uint64_t arg, unsigned aux,
                              unsigned flags, const tl_site *site) {
    tl_thread_rec *t = tl__self();
    if (TL_LIKELY(t != NULL)) tl__record_in(t, kind, obj, arg, aux, flags, (uintptr_t)site, 0);
}

/* For the lock wrappers: what a blocking call that followed LOCK_WAIT
 * returned, recorded as LOCK_ACQUIRE or LOCK_FAIL. Returns rc. */
static inline int tl__lock_outcome(int rc, uint32_t id, unsigned mode, const tl_site *site) {
    if (rc == 0) tl__record(TL_EV_LOCK_ACQUIRE, id, 0, mode, 0, site);
    else tl__record(TL_EV_LOCK_FAIL, id, (uint64_t)rc, mode, 0, site);
    return rc;
}

/* After a call whose failure is not one of its ordinary outcomes: a
 * CALL_ERROR (TL_CALL_*) for the misuse detector. Returns rc. */
static inline int tl__call_error(int rc, uint32_t obj, unsigned call, const tl_site *site) {
    if (TL_UNLIKELY(rc != 0)) tl__record(TL_EV_CALL_ERROR, obj, (uint64_t)rc, call, 0, site);
    return rc;
}

/* After COND_WAKE with return code rc: is the mutex held again? (EPERM and
 * EINVAL fail before the wait gives it up; a cancelled wait re-takes it.) */
static inline int tl__cond_relocked(unsigned rc) {
    return rc == 0 || rc == ETIMEDOUT || rc == ECANCELED || rc == EOWNERDEAD;
}

/* Does unlocking this lock release it whoever asks? glibc's normal mutexes
 * and spinlocks do not check the caller (error-checking and recursive
 * mutexes answer EPERM, and rwlocks are left to their own devices). */
static inline int tl__unlock_unchecked(unsigned obj_kind, unsigned subkind) {
    return obj_kind == TL_OBJ_SPIN || (obj_kind == TL_OBJ_MUTEX && subkind == TL_MUTEX_NORMAL);
}

/* For the destroy wrappers: OBJ_DESTROY is recorded before the real destroy
 * (once destroyed, the address may be re-initialized by another thread,
 * whose OBJ_INIT must come after it); an object that never registered has
 * nothing to close. */
static inline void tl__obj_destroying(uint32_t *idp, const tl_site *site) {
    uint32_t id = __atomic_load_n(idp, __ATOMIC_ACQUIRE);
    if (id == 0 || id == TL_ID_PENDING) return;
    tl__record(TL_EV_DESTROY_CHECK, id, 0, 0, 0, site);
    tl__record(TL_EV_OBJ_DESTROY, id, 0, 0, 0, site);
}

/* After the real destroy: the id is forgotten whatever it returned (the
 * trace has closed it; later use registers a new object). Returns rc. */
static inline int tl__obj_forget(uint32_t *idp, int rc) {
    __atomic_store_n(idp, 0, __ATOMIC_RELEASE);
    return rc;
}

/* ---- process lifecycle (tl_init.c) ---------------------------------------- */

typedef struct tl_global {
    tl_options opt;
    _Atomic int state;          /* TL_STATE_* */
    char path[4096];            /* the trace file, after %p expansion */
    uint64_t pid;
} tl_global;

enum { TL_STATE_UNINIT = 0, TL_STATE_ON = 1, TL_STATE_OFF = 2, TL_STATE_DONE = 3 };

extern TL_INTERNAL tl_global tl__g;

/* At exit, before the trace closes: failures of pool tasks nobody looked
 * at (tl_pool.c). */
TL_INTERNAL void tl__pools_at_exit(void);

/* Starts tracing once per process (idempotent, thread-safe). Returns 1 when
 * tracing is on afterwards. */
TL_INTERNAL int tl__init(void);
/* Flushes everything, closes the trace and prints the summary; later events
 * are dropped. Idempotent; called at exit and from fatal-signal handlers. */
TL_INTERNAL void tl__finish(void);

/* For the writer thread after it closed the trace because a detector ends
 * the process: prints the summary and marks tracing finished, so exit
 * paths and signal handlers have nothing left to do. */
TL_INTERNAL void tl__finish_by_writer(void);

/* The threads the kernel counts in this process (/proc/self/status), 0
 * when unknown: threads we never saw included. */
TL_INTERNAL long tl__kernel_threads(void);

/* 1 when the program installed a handler of its own for some signal (one
 * that may post a semaphore and end a wait no thread could end). */
TL_INTERNAL int tl__program_handles_signals(void);

/* Writes "threadlens: <msg>\n" to stderr without stdio. */
TL_INTERNAL void tl__warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
TL_INTERNAL void tl__die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Our own locks: failure is a bug in threadlens, never the program's. */
TL_INTERNAL void tl__lock(pthread_mutex_t *m);
TL_INTERNAL void tl__unlock(pthread_mutex_t *m);

/* ---- writer (tl_writer.c) ------------------------------------------------- */

/* Opens the trace file and starts the writer thread. Returns 0 or -errno. */
TL_INTERNAL int tl__writer_start(const char *path);
/* Drains everything published so far and writes it; returns when written. */
TL_INTERNAL void tl__writer_flush(void);
/* Final drain: closes every open slice at the current time, writes the
 * closing bracket and stops the writer thread. Safe from a signal handler on
 * any thread but the writer's; waits at most 5 s (the writer may need
 * malloc, whose lock a crashed thread can hold). */
TL_INTERNAL void tl__writer_finish(void);

typedef struct tl_writer_stats {
    uint64_t events;    /* records processed */
    uint64_t dropped;   /* records lost (full rings, signal nesting) */
    uint64_t bytes;     /* written to the file */
    uint32_t threads;
} tl_writer_stats;
TL_INTERNAL void tl__writer_stats(tl_writer_stats *out);

#endif /* TL_INTERNAL_H */
