/*
 * tl_event.h — the fixed-size event record and the one table of event kinds.
 *
 * Recording code (primitives) writes these records into per-thread rings;
 * tl_writer.c is the only reader. Each kind's contract below says when it is
 * recorded and what its fields hold; the writer turns the records into trace
 * events (see docs/trace-format.md). Adding a kind here fails the build
 * (-Wswitch, no default) until the writer handles it.
 *
 * "sync" kinds take a number from the global sequence counter at the moment
 * they are recorded. The writer processes sync events of all threads in that
 * order, so the order must be the real one: a sync event is recorded inside
 * the critical section it describes (after a lock is acquired, before it is
 * released; before a signal/post/arrival, after the matching wait returns).
 * A sync event must be recorded without blocking between taking the number
 * and publishing it (tl__record does both): the writer waits for gaps.
 */
#ifndef TL_EVENT_H
#define TL_EVENT_H

#include <stdint.h>

/* X(name, sync) — fields not named in the contract are 0. */
#define TL_EVENT_KINDS(X)                                                      \
    /* first event of a thread. arg: creator's thread id (0: not created by    \
       tl_thread_create). */                                                   \
    X(THREAD_START, 1)                                                         \
    /* last event of a thread (return from its function, tl_thread_exit, or    \
       TLS destruction of an adopted thread). */                               \
    X(THREAD_END, 1)                                                           \
    /* before the real pthread_create. arg: the new thread's id. */            \
    X(THREAD_CREATE, 1)                                                        \
    /* before the real join. arg: target thread id; flags: TL_EVF_TIMED for    \
       a try or timed join. */                                                 \
    X(JOIN_BEGIN, 1)                                                           \
    /* after the real join returned. arg: target id; aux: its return code. */  \
    X(JOIN_END, 1)                                                             \
    /* after a successful detach. arg: target id. */                           \
    X(THREAD_DETACH, 1)                                                        \
    /* the calling thread was renamed (name is in its registry record). */     \
    X(THREAD_NAME, 0)                                                          \
    /* an object was initialized. obj: its id (kind, name, site, initial       \
       value are in the object registry). */                                   \
    X(OBJ_INIT, 1)                                                             \
    /* an object was destroyed. obj; flags: TL_EVF_REINIT when the program     \
       initialized its memory again without destroying it. */                  \
    X(OBJ_DESTROY, 1)                                                          \
    /* before every real destroy (OBJ_DESTROY follows, before or after the     \
       real call): the detectors check the object is idle. obj. */             \
    X(DESTROY_CHECK, 1)                                                        \
    /* a traced call returned an error that is not one of its ordinary         \
       outcomes (EBUSY of a trylock, ETIMEDOUT of a timed wait, ...).          \
       obj (0 for a thread call); arg: the error code; aux: TL_CALL_*. */      \
    X(CALL_ERROR, 1)                                                           \
    /* the fast try failed and the thread is about to block on a lock.         \
       obj; aux: TL_MODE_*; flags: TL_EVF_TIMED for a timed lock. */           \
    X(LOCK_WAIT, 1)                                                            \
    /* the lock is held. obj; aux: TL_MODE_*; flags: TL_EVF_TRY when no        \
       LOCK_WAIT preceded it, TL_EVF_NONBLOCK when the program called a        \
       trylock. For a recursive mutex re-entry too. */                         \
    X(LOCK_ACQUIRE, 1)                                                         \
    /* a blocking attempt after LOCK_WAIT gave up. obj; aux: mode; arg: the    \
       error code (ETIMEDOUT, EDEADLK, ...). */                                \
    X(LOCK_FAIL, 1)                                                            \
    /* before the real unlock. obj. */                                         \
    X(LOCK_RELEASE, 1)                                                         \
    /* before the real cond wait; also releases the mutex. obj: cond;          \
       arg: mutex id; flags: TL_EVF_TIMED for a timed wait. */                 \
    X(COND_WAIT, 1)                                                            \
    /* after the real cond wait returned; the mutex is held again. obj: cond;  \
       arg: mutex id; aux: return code (0, ETIMEDOUT). */                      \
    X(COND_WAKE, 1)                                                            \
    /* before the real signal / broadcast. obj: cond. */                       \
    X(COND_SIGNAL, 1)                                                          \
    X(COND_BROADCAST, 1)                                                       \
    /* the fast trywait failed; about to block. obj: sem; flags: TL_EVF_TIMED. \
       */                                                                      \
    X(SEM_WAIT, 1)                                                             \
    /* the wait got through (value decremented). obj; flags: TL_EVF_TRY when   \
       no SEM_WAIT preceded it. */                                             \
    X(SEM_ACQUIRE, 1)                                                          \
    /* a blocking wait after SEM_WAIT gave up. obj; arg: error code. */        \
    X(SEM_FAIL, 1)                                                             \
    /* before the real post. obj. */                                           \
    X(SEM_POST, 1)                                                             \
    /* before the real barrier wait. obj. */                                   \
    X(BARRIER_ARRIVE, 1)                                                       \
    /* after it returned. obj; aux: 1 for the PTHREAD_BARRIER_SERIAL_THREAD. */\
    X(BARRIER_LEAVE, 1)                                                        \
    /* around a sleep. arg (begin): requested ns. */                           \
    X(SLEEP_BEGIN, 0)                                                          \
    X(SLEEP_END, 0)                                                            \
    /* instrumented code entered a function (THREADLENS_FUNCS). site: a return \
       address inside it (TL_EVF_PC; names the function); arg: the return     \
       address into its caller. */                                             \
    X(FUNC_ENTER, 0)                                                           \
    /* ... and left the function of the last unmatched FUNC_ENTER. */          \
    X(FUNC_EXIT, 0)                                                            \
    /* the race detector found a new pair of racing sites (tl_race.h). arg:   \
       (tl_race_rec *); the thread is the second accessor. */                  \
    X(RACE, 0)                                                                 \
    /* ---- blocking queue (tl_queue.c). Recorded under the queue's lock.    \
       Q_PUT and Q_GET: arg = TL_QARG(serial, depth): the item's serial     \
       number in this queue (1, 2, ...) and the items queued afterwards. */ \
    /* about to block. obj; aux: TL_QOP_*; flags: TL_EVF_TIMED. */          \
    X(Q_WAIT, 1)                                                           \
    X(Q_PUT, 1)                                                            \
    X(Q_GET, 1)                                                            \
    /* a blocking put/get/join after Q_WAIT gave up. obj; aux: TL_QOP_*;     \
       arg: ETIMEDOUT or EPIPE (closed). */                                 \
    X(Q_FAIL, 1)                                                           \
    /* task_done. obj; arg: items not yet done afterwards. */               \
    X(Q_DONE, 1)                                                           \
    /* join returned: every item was done. obj. */                          \
    X(Q_JOINED, 1)                                                         \
    X(Q_CLOSE, 1)                                                          \
    /* ---- thread pool (tl_pool.c). Tasks are numbered per pool: serial in  \
       arg, with TL_QARG(serial, queued) where queued is given. */          \
    /* a worker thread begins serving. obj: pool; arg: worker index. */     \
    X(POOL_WORKER, 1)                                                      \
    /* a worker found no task and blocks for one. obj. */                   \
    X(POOL_IDLE, 1)                                                        \
    /* on the submitting thread just before a TASK_SUBMIT, when its label  \
       differs from the one this thread gave pool obj last (it holds for    \
       the thread's later submits to obj too): arg: the label (const char  \
       *, kept until exit, may be 0); site: the task function (TL_EVF_PC); \
       val: the serial. */                                                  \
    X(TASK_LABEL, 0)                                                       \
    /* a task was queued. obj; arg: TL_QARG(serial, queued); site: the      \
       submit call. */                                                      \
    X(TASK_SUBMIT, 1)                                                      \
    /* a worker took the task. obj; arg: TL_QARG(serial, queued). */        \
    X(TASK_BEGIN, 1)                                                       \
    /* just before TASK_END of a failed task: arg: the message (const       \
       char *, kept until exit, may be 0); val: the status (int). */        \
    X(TASK_FAIL, 0)                                                        \
    /* the task returned. obj; arg: serial; aux: 1 when it failed. */       \
    X(TASK_END, 1)                                                         \
    /* TASK_END of a task that succeeded, then TASK_BEGIN of the next, at    \
       once: the worker took it without letting the pool's lock go (one     \
       event less per task while work is queued). obj; arg:                 \
       TL_QARG(serial, queued) of the task begun; site: the serial that     \
       ended. */                                                            \
    X(TASK_NEXT, 1)                                                        \
    /* a queued task was cancelled. obj; arg: TL_QARG(serial, queued). */   \
    X(TASK_CANCEL, 1)                                                      \
    /* about to block for a task's result. obj; arg: serial; flags:         \
       TL_EVF_TIMED. */                                                     \
    X(FUTURE_WAIT, 1)                                                      \
    /* a wait for / a look at a result returned. obj; arg: serial; aux: 0   \
       (the task has finished) or ETIMEDOUT. */                             \
    X(FUTURE_DONE, 1)                                                      \
    /* shutdown began. obj; aux: 1 when queued tasks are cancelled. */      \
    X(POOL_SHUTDOWN, 1)                                                    \
    /* a failed task's future was released, its pool shut down or the      \
       process exits, and nobody had looked at the failure. obj; arg:       \
       serial; aux: TL_UNOBS_*. */                                          \
    X(TASK_UNOBSERVED, 1)                                                  \
    /* the last future of tasks c * TL_TASK_CHUNK .. (c + 1) *              \
       TL_TASK_CHUNK - 1 was freed: no event names them again (the writer   \
       lets their records go). obj; arg: c. */                              \
    X(TASKS_FREED, 1)                                                      \
    /* ---- event (tl_flag.c) ---- obj: the event. */                       \
    X(EVENT_SET, 1)                                                        \
    X(EVENT_CLEAR, 1)                                                      \
    /* about to block (the flag is clear). flags: TL_EVF_TIMED. */          \
    X(EVENT_WAIT, 1)                                                       \
    /* the blocked wait returned. aux: 0 (set) or ETIMEDOUT. */             \
    X(EVENT_WAKE, 1)                                                       \
    /* ---- timer (tl_timer.c) ---- obj: the timer. */                      \
    /* before its thread is created. arg: delay (ns). */                    \
    X(TIMER_START, 1)                                                      \
    /* on the timer's thread, about to wait out the delay. arg: delay. */   \
    X(TIMER_WAIT, 1)                                                       \
    /* the wait ended. aux: 0: fn runs now; 1: cancelled, fn never runs. */ \
    X(TIMER_FIRE, 1)                                                       \
    /* fn returned. */                                                      \
    X(TIMER_DONE, 1)                                                       \
    /* tl_timer_cancel. aux: 1 when it stopped the timer in time. */        \
    X(TIMER_CANCEL, 1)                                                     \
    /* the program's own marks. arg: (const char *) name for PHASE_BEGIN,      \
       MARK and COUNTER; val: the counter's double, as bits. */                \
    X(PHASE_BEGIN, 0)                                                          \
    X(PHASE_END, 0)                                                            \
    X(MARK, 0)                                                                 \
    X(COUNTER, 0)

typedef enum tl_event_kind {
#define TL__KIND_ENUM(name, sync) TL_EV_##name,
    TL_EVENT_KINDS(TL__KIND_ENUM)
#undef TL__KIND_ENUM
    TL_EV__COUNT
} tl_event_kind;

/* Lock modes, in aux of LOCK_* events. */
enum { TL_MODE_WRITE = 0, TL_MODE_READ = 1 };

/* When a failure was found unobserved, in aux of TASK_UNOBSERVED. */
enum { TL_UNOBS_SHUTDOWN = 0, TL_UNOBS_RELEASE = 1, TL_UNOBS_EXIT = 2 };

/* Queue operations, in aux of Q_WAIT and Q_FAIL. */
enum { TL_QOP_GET = 0, TL_QOP_PUT = 1, TL_QOP_JOIN = 2 };

/* What a thread blocked in a queue operation is doing, before the queue's
 * name (the trace's state slice and the detectors' reports say the same). */
static inline const char *tl__qop_wait_text(unsigned op) {
    return op == TL_QOP_PUT    ? "waiting to put into "
           : op == TL_QOP_JOIN ? "joining queue "
                               : "waiting to get from ";
}

/* A serial number and a count in one arg: the serial in the low 40 bits,
 * the count (saturated) in the high 24. */
#define TL_QARG(serial, count)                                                 \
    (((uint64_t)(serial) & 0xFFFFFFFFFFull) |                                  \
     ((uint64_t)((count) < 0xFFFFFFu ? (count) : 0xFFFFFFu) << 40))
#define TL_QARG_SERIAL(arg) ((arg) & 0xFFFFFFFFFFull)
#define TL_QARG_COUNT(arg) ((arg) >> 40)

/* Pool tasks, by serial, in the groups TASKS_FREED names: a pool records
 * one event per group, not one per future released, and the writer keeps
 * its task records in the same groups, so it frees one per event. */
#define TL_TASK_CHUNK 1024u

/* Event flags. */
enum {
    TL_EVF_TRY = 1u << 0,      /* acquired by the non-blocking fast path */
    TL_EVF_PC = 1u << 1,       /* site is a return address, not a tl_site * */
    TL_EVF_NONBLOCK = 1u << 2, /* the program asked not to block (trylock) */
    TL_EVF_TIMED = 1u << 3,    /* a wait with a timeout: it cannot hang */
    TL_EVF_REINIT = 1u << 4,   /* OBJ_DESTROY implied by an init over a live object */
    TL_EVF_GAP = 1u << 5,      /* events of this thread were lost just before this one */
    TL_EVF_SHARED = 1u << 6    /* (object site_flags) process-shared: other processes may
                                  release its waiters */
};

/* The calls CALL_ERROR names, as the program called them. */
#define TL_CALLS(X)                                                            \
    X(MUTEX_UNLOCK, "pthread_mutex_unlock")                                    \
    X(MUTEX_DESTROY, "pthread_mutex_destroy")                                  \
    X(RWLOCK_UNLOCK, "pthread_rwlock_unlock")                                  \
    X(RWLOCK_DESTROY, "pthread_rwlock_destroy")                                \
    X(SPIN_DESTROY, "pthread_spin_destroy")                                    \
    X(COND_DESTROY, "pthread_cond_destroy")                                    \
    X(COND_SIGNAL, "pthread_cond_signal")                                      \
    X(COND_BROADCAST, "pthread_cond_broadcast")                                \
    X(SEM_POST, "sem_post")                                                    \
    X(SEM_DESTROY, "sem_destroy")                                              \
    X(BARRIER_DESTROY, "pthread_barrier_destroy")                              \
    X(DETACH, "pthread_detach")

enum {
#define TL__CALL_ENUM(name, fn) TL_CALL_##name,
    TL_CALLS(TL__CALL_ENUM)
#undef TL__CALL_ENUM
    TL_CALL__COUNT
};

typedef struct tl_rec {
    uint64_t ts;   /* raw clock ticks (tl__now); the writer converts */
    union {
        uint64_t seq; /* sync kinds: global order, starting at 1 */
        uint64_t val; /* local kinds: second payload (counter value bits) */
    };
    uint64_t site; /* (const tl_site *), or a return address with TL_EVF_PC */
    uint64_t arg;  /* kind-specific, see the table */
    uint32_t obj;  /* object id from the registry, 0 for none */
    uint8_t kind;  /* tl_event_kind */
    uint8_t flags; /* TL_EVF_* */
    uint16_t aux;  /* kind-specific small value */
} tl_rec;

_Static_assert(sizeof(tl_rec) == 40, "tl_rec must stay 40 bytes: rings are sized in events");
_Static_assert(TL_EV__COUNT <= 256, "kind is stored in one byte");

/* 1 for kinds that take a sequence number (table column "sync"). */
static inline int tl__kind_is_sync(unsigned kind) {
    static const unsigned char sync[TL_EV__COUNT] = {
#define TL__KIND_SYNC(name, s) s,
        TL_EVENT_KINDS(TL__KIND_SYNC)
#undef TL__KIND_SYNC
    };
    return kind < TL_EV__COUNT && sync[kind];
}

#endif /* TL_EVENT_H */
