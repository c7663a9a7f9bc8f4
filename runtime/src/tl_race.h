/*
 * tl_race.h — the data race detector's interface to the rest of the runtime.
 *
 * Happens-before with vector clocks, checked FastTrack-style against byte-
 * exact shadow memory (tl_race_int.h has the encoding). Unlike the lock and
 * deadlock detectors, which read the event stream in the writer, the race
 * detector runs on the program's threads at each access: recording every
 * load and store as an event would cost far more than checking it.
 *
 * Who calls what:
 * - tl__record_in (tl_internal.h) hands every sync event to tl__hb_event
 *   while detection is on: that is the only source of lock, thread, cond,
 *   semaphore and barrier happens-before, for both the tl_* API and the
 *   preload, recorded or dropped.
 * - The accesses come from the compiler's instrumentation (tl_tsan.c, the
 *   __tsan_* entry points `threadlens cc` links against), from the tl_read /
 *   tl_write annotations (tl_annotate.c) and from the preload's memcpy /
 *   memset / memmove wrappers.
 * - Atomics and the runtime's own hand-offs (queue, pool, event) order
 *   threads through tl__hb_release / tl__hb_acquire on an address.
 * - A race becomes one tl_race_rec per pair of access sites, announced to
 *   the writer by a TL_EV_RACE event on the thread that found it; the writer
 *   (tl_racereport.c) turns it into trace events and a report.
 */
#ifndef TL_RACE_H
#define TL_RACE_H

#include "tl_internal.h"

/* ---- switching on ------------------------------------------------------- */

/* tl__race_on (declared in tl_internal.h, for tl__record_in) is 1 while
 * accesses are checked and sync events feed the clocks. Off until the
 * first instrumented or annotated access asks for it (so a plain program
 * under `threadlens run` pays nothing), and off again once the trace is
 * finished. */

/* Turns detection on if THREADLENS_RACES allows it and tracing is on.
 * Idempotent and thread-safe; returns tl__race_on. Threads that existed
 * before start with fresh clocks: only synchronization seen from now on
 * orders accesses seen from now on, which is exactly what is needed. */
TL_INTERNAL int tl__race_enable(void);
/* ---- accesses ------------------------------------------------------------- */

/* Access kinds. */
enum { TL_ACC_READ = 0, TL_ACC_WRITE = 1 };

/* Checks an access of size bytes (any size, any alignment) at addr by the
 * calling thread and records it in shadow memory. site is a return address
 * with TL_EVF_PC in site_flags (the instrumented code), or a tl_site *.
 * Does nothing while detection is off, inside the runtime, or for a thread
 * that has ended. */
TL_INTERNAL void tl__race_access(uintptr_t addr, size_t size, int kind, uint64_t site,
                                 unsigned site_flags);

/* Function entry and exit of instrumented code: the shadow call stack that
 * reports print, and (THREADLENS_FUNCS) the FUNC_ENTER / FUNC_EXIT events
 * that become call-stack slices. pc is a return address inside the entered
 * function (names it), caller the return address into its caller. */
TL_INTERNAL void tl__race_func_enter(uint64_t pc, uint64_t caller);
TL_INTERNAL void tl__race_func_exit(void);

/* Forgets every access to [addr, addr+size): memory freed, allocated, or a
 * new thread's stack. Later accesses there race with nothing before. */
TL_INTERNAL void tl__race_forget(uintptr_t addr, size_t size);

/* A name for the memory [addr, addr+size) in reports ("counter"), for data
 * the symbol tables cannot name (heap, or the lib without symbols). The
 * name is copied. Writer side: tl__race_var_name. */
TL_INTERNAL void tl__race_name_var(uintptr_t addr, size_t size, const char *name);
/* The named variable holding addr: "counter", "table+0x8"; 0 (out = "")
 * when none. For the writer (formats with stdio). */
TL_INTERNAL size_t tl__race_var_name(uintptr_t addr, char *out, size_t cap);

/* ---- happens-before -------------------------------------------------------- */

/* tl__hb_event (tl_internal.h) takes every sync event of the calling
 * thread from tl__record_in, before it is published or dropped: lock
 * acquire/release (by mode), cond wait and wake, signal, semaphore
 * post/acquire, barrier arrive/leave, thread create/end/join; and sleeps,
 * for the "only a sleep separated them" note. */

/* Synchronization keyed by an address (atomics, tl_queue, tl_pool, tl_rec):
 * release joins the calling thread's clock into key's clock (then advances
 * the thread's own clock); acquire joins key's clock into the thread's.
 * Call release before the store that publishes, acquire after the load
 * that observed it. No-ops while detection is off. */
TL_INTERNAL void tl__hb_release(uintptr_t key);
TL_INTERNAL void tl__hb_acquire(uintptr_t key);
/* A new object at key (memory reused): it orders nothing yet. */
TL_INTERNAL void tl__hb_forget(uintptr_t key);

/* For atomic operations that must happen inside the clock's critical
 * section (an RMW whose outcome decides whether it synchronizes): lock
 * key's sync state, run the operation, then release/acquire as asked.
 * flags: TL_HB_ACQUIRE | TL_HB_RELEASE. Returns an opaque token for
 * tl__hb_end. */
enum { TL_HB_ACQUIRE = 1, TL_HB_RELEASE = 2 };
TL_INTERNAL void *tl__hb_begin(uintptr_t key);
TL_INTERNAL void tl__hb_end(void *token, unsigned flags);

/* ---- reports (for the writer) --------------------------------------------- */

#define TL_RACE_STACK 16 /* frames kept per access, innermost first */
#define TL_RACE_LOCKS 4  /* locks kept per access */

typedef struct tl_race_access {
    uint32_t tid;          /* 0: unknown (its history was lost) */
    uint8_t write;         /* TL_ACC_* */
    uint8_t site_flags;    /* TL_EVF_PC: site is a return address */
    uint8_t nlocks;        /* locks[] in use */
    uint8_t nstack;        /* stack[] in use */
    uint32_t size;         /* bytes of that access (0: unknown) */
    uint64_t addr;         /* its first byte */
    uint64_t ts;           /* raw ticks (tl__now): for the first access, the
                              first access from this site in its
                              synchronization interval (the exact time is
                              not kept) */
    uint64_t site;         /* the access: return address or tl_site * */
    uint64_t stack[TL_RACE_STACK]; /* return addresses of the callers */
    uint32_t locks[TL_RACE_LOCKS]; /* object ids held at the access */
    uint8_t lock_modes[TL_RACE_LOCKS]; /* TL_MODE_* */
} tl_race_access;

typedef struct tl_race_rec {
    uint32_t id;            /* 1, 2, ... in the order found */
    uint64_t addr;          /* first racing byte */
    uint32_t size;          /* racing bytes from addr, within `second` */
    tl_race_access first;   /* the earlier access, from shadow memory */
    tl_race_access second;  /* the access that found it */
    tl_race_access prior;   /* second's thread's own earlier read of the
                               racing bytes (a write's read-modify-write,
                               the first half of a lost update); tid 0: none */
    /* Only a sleep separated the two: the second thread slept from
     * sleep_begin to sleep_end (raw ticks) after the first access. */
    uint64_t sleep_begin, sleep_end, sleep_site;
    uint8_t sleep_flags;    /* TL_EVF_PC for sleep_site */
    _Atomic uint64_t count; /* times this pair of sites raced (>= 1) */
    _Atomic int announced;  /* the writer has reported it */
} tl_race_rec;

/* Every record made so far (for the writer's final pass: a TL_EV_RACE lost
 * to a full ring is still reported at close). *n receives the count;
 * entries below it are complete. */
TL_INTERNAL tl_race_rec *const *tl__race_records(uint32_t *n);
/* Races not reported because THREADLENS_MAX_RACES distinct pairs were. */
TL_INTERNAL uint64_t tl__race_overflow(void);

#endif /* TL_RACE_H */
