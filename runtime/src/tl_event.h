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

typedef struct tl_event {
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
} tl_event;

_Static_assert(sizeof(tl_event) == 40, "tl_event must stay 40 bytes: rings are sized in events");
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
