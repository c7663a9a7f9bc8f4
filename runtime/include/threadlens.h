/*
 * threadlens.h — the public tl_* API of libthreadlens.
 *
 * Every call has pthreads semantics (same arguments, same return codes: 0 or
 * an errno value) and is recorded into the trace named by THREADLENS_OUT.
 * The upper-case-free names below are macros that pass the call site
 * (file, line, function) to the *_at functions; call the *_at functions
 * directly only from wrappers that forward their own caller's site.
 *
 * Thread-safety: every function may be called from any thread. Recording
 * never blocks on a lock and never allocates, except once: a thread's first
 * event and an object's first use register them. Object init, thread
 * creation and tl_intern() may allocate. When a thread's buffer is full it
 * waits up to THREADLENS_FULL_WAIT_US for the writer, then drops the event.
 *
 * Names passed to tl_phase_begin, tl_mark and tl_counter are kept by pointer
 * and must stay valid for the life of the process (string literals, or the
 * result of tl_intern()). Names passed to init and thread functions are copied.
 */
#ifndef THREADLENS_H
#define THREADLENS_H

#include <pthread.h>
#include <stddef.h>
#include <semaphore.h>
#include <stdint.h>
#include <time.h>

#if defined(__GLIBC__) && !defined(__USE_XOPEN2K)
#error "threadlens.h needs POSIX 2008 (rwlocks, spinlocks, barriers): compile with -std=gnu11, or define _POSIX_C_SOURCE=200809L before the first #include"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define TL_API __attribute__((visibility("default")))
#else
#define TL_API
#endif

#define THREADLENS_VERSION_MAJOR 0
#define THREADLENS_VERSION_MINOR 1
#define THREADLENS_VERSION_PATCH 0

/* A call site. The TL_SITE macro makes one static instance per call site, so
 * events carry a single pointer and no string is ever copied. */
typedef struct tl_site {
    const char *file;
    const char *func;
    int line;
} tl_site;

#if defined(__GNUC__)
#define TL_SITE                                                                \
    (__extension__({                                                           \
        static const tl_site tl__site_ = {__FILE__, __func__, __LINE__};        \
        &tl__site_;                                                            \
    }))
#else
#define TL_SITE ((const tl_site *)0)
#endif

/* ---- threads -------------------------------------------------------------- */

typedef struct tl_thread {
    pthread_t handle;
    uint32_t id; /* the small id shown as tid in the trace (1 = first thread) */
} tl_thread;

/* Starts fn(arg) on a new thread named `name` (NULL: "thread@file:line").
 * attr may be NULL. Returns 0 or an errno value; *t is set on success. */
TL_API int tl_thread_create_at(tl_thread *t, const pthread_attr_t *attr,
                               const char *name, void *(*fn)(void *), void *arg,
                               const tl_site *site);
TL_API int tl_thread_join_at(tl_thread t, void **result, const tl_site *site);
/* Detached threads are the seeds' daemon threads: nobody joins them, and the
 * trace still closes their slices when the process exits. */
TL_API int tl_thread_detach_at(tl_thread t, const tl_site *site);
TL_API void tl_thread_exit_at(void *result, const tl_site *site) __attribute__((noreturn));
/* Renames the calling thread (copied, at most 63 bytes kept). Returns 0. */
TL_API int tl_thread_set_name(const char *name);
/* The calling thread's trace id; registers the thread on first use. */
TL_API uint32_t tl_thread_self_id(void);

#define tl_thread_create(t, name, fn, arg) tl_thread_create_at((t), NULL, (name), (fn), (arg), TL_SITE)
#define tl_thread_create_attr(t, attr, name, fn, arg) tl_thread_create_at((t), (attr), (name), (fn), (arg), TL_SITE)
#define tl_thread_join(t, res) tl_thread_join_at((t), (res), TL_SITE)
#define tl_thread_detach(t) tl_thread_detach_at((t), TL_SITE)
#define tl_thread_exit(res) tl_thread_exit_at((res), TL_SITE)

/* ---- mutexes -------------------------------------------------------------- */

typedef enum tl_mutex_kind {
    TL_MUTEX_NORMAL = 0,
    TL_MUTEX_RECURSIVE = 1,  /* the seeds' RLock */
    TL_MUTEX_ERRORCHECK = 2
} tl_mutex_kind;

/* The id fields are owned by the runtime; 0 means "not registered yet", so a
 * zero-filled static object works and is registered on first use. */
typedef struct tl_mutex {
    pthread_mutex_t m;
    uint32_t id;
    uint32_t kind;
} tl_mutex;

#define TL_MUTEX_INITIALIZER {PTHREAD_MUTEX_INITIALIZER, 0, TL_MUTEX_NORMAL}

TL_API int tl_mutex_init_at(tl_mutex *m, tl_mutex_kind kind, const char *name, const tl_site *site);
TL_API int tl_mutex_lock_at(tl_mutex *m, const tl_site *site);
TL_API int tl_mutex_trylock_at(tl_mutex *m, const tl_site *site);
/* abstime is CLOCK_REALTIME, as for pthread_mutex_timedlock. */
TL_API int tl_mutex_timedlock_at(tl_mutex *m, const struct timespec *abstime, const tl_site *site);
TL_API int tl_mutex_unlock_at(tl_mutex *m, const tl_site *site);
TL_API int tl_mutex_destroy_at(tl_mutex *m, const tl_site *site);

#define tl_mutex_init(m, kind, name) tl_mutex_init_at((m), (kind), (name), TL_SITE)
#define tl_mutex_lock(m) tl_mutex_lock_at((m), TL_SITE)
#define tl_mutex_trylock(m) tl_mutex_trylock_at((m), TL_SITE)
#define tl_mutex_timedlock(m, abstime) tl_mutex_timedlock_at((m), (abstime), TL_SITE)
#define tl_mutex_unlock(m) tl_mutex_unlock_at((m), TL_SITE)
#define tl_mutex_destroy(m) tl_mutex_destroy_at((m), TL_SITE)

/* ---- read/write locks ----------------------------------------------------- */

typedef struct tl_rwlock {
    pthread_rwlock_t rw;
    uint32_t id;
    uint32_t pad_;
} tl_rwlock;

#define TL_RWLOCK_INITIALIZER {PTHREAD_RWLOCK_INITIALIZER, 0, 0}

TL_API int tl_rwlock_init_at(tl_rwlock *l, const char *name, const tl_site *site);
TL_API int tl_rwlock_rdlock_at(tl_rwlock *l, const tl_site *site);
TL_API int tl_rwlock_wrlock_at(tl_rwlock *l, const tl_site *site);
TL_API int tl_rwlock_tryrdlock_at(tl_rwlock *l, const tl_site *site);
TL_API int tl_rwlock_trywrlock_at(tl_rwlock *l, const tl_site *site);
TL_API int tl_rwlock_timedrdlock_at(tl_rwlock *l, const struct timespec *abstime, const tl_site *site);
TL_API int tl_rwlock_timedwrlock_at(tl_rwlock *l, const struct timespec *abstime, const tl_site *site);
TL_API int tl_rwlock_unlock_at(tl_rwlock *l, const tl_site *site);
TL_API int tl_rwlock_destroy_at(tl_rwlock *l, const tl_site *site);

#define tl_rwlock_init(l, name) tl_rwlock_init_at((l), (name), TL_SITE)
#define tl_rwlock_rdlock(l) tl_rwlock_rdlock_at((l), TL_SITE)
#define tl_rwlock_wrlock(l) tl_rwlock_wrlock_at((l), TL_SITE)
#define tl_rwlock_tryrdlock(l) tl_rwlock_tryrdlock_at((l), TL_SITE)
#define tl_rwlock_trywrlock(l) tl_rwlock_trywrlock_at((l), TL_SITE)
#define tl_rwlock_timedrdlock(l, abstime) tl_rwlock_timedrdlock_at((l), (abstime), TL_SITE)
#define tl_rwlock_timedwrlock(l, abstime) tl_rwlock_timedwrlock_at((l), (abstime), TL_SITE)
#define tl_rwlock_unlock(l) tl_rwlock_unlock_at((l), TL_SITE)
#define tl_rwlock_destroy(l) tl_rwlock_destroy_at((l), TL_SITE)

/* ---- spinlocks ------------------------------------------------------------ */

typedef struct tl_spinlock {
    pthread_spinlock_t s;
    uint32_t id;
} tl_spinlock;

TL_API int tl_spin_init_at(tl_spinlock *s, const char *name, const tl_site *site);
TL_API int tl_spin_lock_at(tl_spinlock *s, const tl_site *site);
TL_API int tl_spin_trylock_at(tl_spinlock *s, const tl_site *site);
TL_API int tl_spin_unlock_at(tl_spinlock *s, const tl_site *site);
TL_API int tl_spin_destroy_at(tl_spinlock *s, const tl_site *site);

#define tl_spin_init(s, name) tl_spin_init_at((s), (name), TL_SITE)
#define tl_spin_lock(s) tl_spin_lock_at((s), TL_SITE)
#define tl_spin_trylock(s) tl_spin_trylock_at((s), TL_SITE)
#define tl_spin_unlock(s) tl_spin_unlock_at((s), TL_SITE)
#define tl_spin_destroy(s) tl_spin_destroy_at((s), TL_SITE)

/* ---- condition variables -------------------------------------------------- */

typedef struct tl_cond {
    pthread_cond_t c;
    uint32_t id;
    uint32_t pad_;
} tl_cond;

#define TL_COND_INITIALIZER {PTHREAD_COND_INITIALIZER, 0, 0}

TL_API int tl_cond_init_at(tl_cond *c, const char *name, const tl_site *site);
TL_API int tl_cond_wait_at(tl_cond *c, tl_mutex *m, const tl_site *site);
/* abstime is CLOCK_REALTIME. Returns ETIMEDOUT on timeout. */
TL_API int tl_cond_timedwait_at(tl_cond *c, tl_mutex *m, const struct timespec *abstime, const tl_site *site);
TL_API int tl_cond_signal_at(tl_cond *c, const tl_site *site);
TL_API int tl_cond_broadcast_at(tl_cond *c, const tl_site *site);
TL_API int tl_cond_destroy_at(tl_cond *c, const tl_site *site);

#define tl_cond_init(c, name) tl_cond_init_at((c), (name), TL_SITE)
#define tl_cond_wait(c, m) tl_cond_wait_at((c), (m), TL_SITE)
#define tl_cond_timedwait(c, m, abstime) tl_cond_timedwait_at((c), (m), (abstime), TL_SITE)
#define tl_cond_signal(c) tl_cond_signal_at((c), TL_SITE)
#define tl_cond_broadcast(c) tl_cond_broadcast_at((c), TL_SITE)
#define tl_cond_destroy(c) tl_cond_destroy_at((c), TL_SITE)

/* ---- counting semaphores (return -1 and set errno, like sem_*) ------------ */

typedef struct tl_sem {
    sem_t s;
    uint32_t id;
    uint32_t pad_;
} tl_sem;

TL_API int tl_sem_init_at(tl_sem *s, unsigned value, const char *name, const tl_site *site);
TL_API int tl_sem_wait_at(tl_sem *s, const tl_site *site);
TL_API int tl_sem_trywait_at(tl_sem *s, const tl_site *site);
TL_API int tl_sem_timedwait_at(tl_sem *s, const struct timespec *abstime, const tl_site *site);
TL_API int tl_sem_post_at(tl_sem *s, const tl_site *site);
TL_API int tl_sem_destroy_at(tl_sem *s, const tl_site *site);

#define tl_sem_init(s, value, name) tl_sem_init_at((s), (value), (name), TL_SITE)
#define tl_sem_wait(s) tl_sem_wait_at((s), TL_SITE)
#define tl_sem_trywait(s) tl_sem_trywait_at((s), TL_SITE)
#define tl_sem_timedwait(s, abstime) tl_sem_timedwait_at((s), (abstime), TL_SITE)
#define tl_sem_post(s) tl_sem_post_at((s), TL_SITE)
#define tl_sem_destroy(s) tl_sem_destroy_at((s), TL_SITE)

/* ---- barriers ------------------------------------------------------------- */

typedef struct tl_barrier {
    pthread_barrier_t b;
    uint32_t id;
    uint32_t count;
} tl_barrier;

TL_API int tl_barrier_init_at(tl_barrier *b, unsigned count, const char *name, const tl_site *site);
/* Returns PTHREAD_BARRIER_SERIAL_THREAD to one thread, 0 to the others. */
TL_API int tl_barrier_wait_at(tl_barrier *b, const tl_site *site);
TL_API int tl_barrier_destroy_at(tl_barrier *b, const tl_site *site);

#define tl_barrier_init(b, count, name) tl_barrier_init_at((b), (count), (name), TL_SITE)
#define tl_barrier_wait(b) tl_barrier_wait_at((b), TL_SITE)
#define tl_barrier_destroy(b) tl_barrier_destroy_at((b), TL_SITE)

/* ---- sleeping ------------------------------------------------------------- */

/* Sleeps like nanosleep (restarting after signals) and shows "sleeping". */
TL_API void tl_sleep_ns_at(uint64_t ns, const tl_site *site);
#define tl_sleep_ns(ns) tl_sleep_ns_at((ns), TL_SITE)
#define tl_sleep_ms(ms) tl_sleep_ns_at((uint64_t)(ms) * 1000000u, TL_SITE)

/* ---- the program's own marks ---------------------------------------------- */

/* Phases nest per thread (end closes the innermost); the name is kept by
 * pointer (see top of file). */
TL_API void tl_phase_begin_at(const char *name, const tl_site *site);
TL_API void tl_phase_end_at(const tl_site *site);
TL_API void tl_mark_at(const char *name, const tl_site *site);
/* One process-wide series per name; NaN and infinities are ignored. */
TL_API void tl_counter_at(const char *name, double value, const tl_site *site);

#define tl_phase_begin(name) tl_phase_begin_at((name), TL_SITE)
#define tl_phase_end() tl_phase_end_at(TL_SITE)
#define tl_mark(name) tl_mark_at((name), TL_SITE)
#define tl_counter(name, value) tl_counter_at((name), (value), TL_SITE)

/* Returns a copy of s that lives until exit; equal strings give one pointer.
 * Allocates and locks: call it once per name, not per event. NULL on ENOMEM. */
TL_API const char *tl_intern(const char *s);

/* ---- higher-level tools: the seeds' queue.Queue, ThreadPoolExecutor,
 * Event and Timer. Opaque objects made by *_create and freed by *_destroy
 * (futures: tl_future_release, or with their pool). Timeouts are relative,
 * in nanoseconds (TL_MS, TL_SEC). Every hand-off orders memory for the race
 * detector the way its Python twin promises: a put before the get that
 * takes the item, a submit before its task runs, a task's work before the
 * wait that gets its result, a set before the waits it ends. --------------- */

#define TL_MS(ms) ((uint64_t)(ms) * 1000000u)
#define TL_SEC(s) ((uint64_t)(s) * 1000000000u)

/* ---- blocking queue ------------------------------------------------------- */

/* A FIFO of void * items. Return codes: 0; ETIMEDOUT (a timed call's time
 * ran out); EAGAIN (a try call found it full / empty); EPIPE (closed: puts
 * fail at once, gets once the queue is empty). */
typedef struct tl_queue tl_queue;

/* capacity 0: unbounded. NULL (errno ENOMEM) when memory is short. */
TL_API tl_queue *tl_queue_create_at(size_t capacity, const char *name, const tl_site *site);
TL_API int tl_queue_put_at(tl_queue *q, void *item, const tl_site *site);
TL_API int tl_queue_put_timed_at(tl_queue *q, void *item, uint64_t timeout_ns, const tl_site *site);
TL_API int tl_queue_tryput_at(tl_queue *q, void *item, const tl_site *site);
TL_API int tl_queue_get_at(tl_queue *q, void **item, const tl_site *site);
TL_API int tl_queue_get_timed_at(tl_queue *q, void **item, uint64_t timeout_ns, const tl_site *site);
TL_API int tl_queue_tryget_at(tl_queue *q, void **item, const tl_site *site);
/* queue.Queue's task_done/join: join waits until every item ever put has
 * been matched by a task_done. task_done beyond that returns EINVAL. */
TL_API int tl_queue_task_done_at(tl_queue *q, const tl_site *site);
TL_API int tl_queue_join_at(tl_queue *q, const tl_site *site);
/* For shutdown: wakes every waiter; later puts fail, gets drain what is
 * left. Idempotent. */
TL_API void tl_queue_close_at(tl_queue *q, const tl_site *site);
TL_API size_t tl_queue_size(tl_queue *q);
/* No thread may be using it. Items still in it are the caller's. */
TL_API void tl_queue_destroy_at(tl_queue *q, const tl_site *site);

#define tl_queue_create(capacity, name) tl_queue_create_at((capacity), (name), TL_SITE)
#define tl_queue_put(q, item) tl_queue_put_at((q), (item), TL_SITE)
#define tl_queue_put_timed(q, item, ns) tl_queue_put_timed_at((q), (item), (ns), TL_SITE)
#define tl_queue_tryput(q, item) tl_queue_tryput_at((q), (item), TL_SITE)
#define tl_queue_get(q, item) tl_queue_get_at((q), (item), TL_SITE)
#define tl_queue_get_timed(q, item, ns) tl_queue_get_timed_at((q), (item), (ns), TL_SITE)
#define tl_queue_tryget(q, item) tl_queue_tryget_at((q), (item), TL_SITE)
#define tl_queue_task_done(q) tl_queue_task_done_at((q), TL_SITE)
#define tl_queue_join(q) tl_queue_join_at((q), TL_SITE)
#define tl_queue_close(q) tl_queue_close_at((q), TL_SITE)
#define tl_queue_destroy(q) tl_queue_destroy_at((q), TL_SITE)

/* ---- thread pool with futures --------------------------------------------- */

typedef struct tl_pool tl_pool;
typedef struct tl_future tl_future;

/* A task returns 0 and may set *result, or fails by returning any other
 * status (tl_task_fail returns -1 after recording a message). A failure is
 * kept on the future, drawn in the trace, and reported on stderr (and as an
 * "unobserved task failure" finding) if the program never looked at it:
 * the pitfall of Python's pool, which hides exceptions nobody retrieves. */
typedef int (*tl_task_fn)(void *arg, void **result);

typedef enum tl_future_state {
    TL_FUTURE_PENDING = 0, /* queued */
    TL_FUTURE_RUNNING = 1,
    TL_FUTURE_DONE = 2,    /* returned 0 */
    TL_FUTURE_FAILED = 3,  /* returned non-zero */
    TL_FUTURE_CANCELLED = 4
} tl_future_state;

/* workers >= 1; the workers are threads named "<name> worker <i>". NULL
 * with errno set (EINVAL, ENOMEM, EAGAIN) when it cannot be made. */
TL_API tl_pool *tl_pool_create_at(unsigned workers, const char *name, const tl_site *site);
/* Queues fn(arg). label names the task in the trace (its first 63 bytes
 * copied, kept until exit; NULL: the function's name). NULL with errno EPIPE after shutdown, or ENOMEM. */
TL_API tl_future *tl_pool_submit_at(tl_pool *p, tl_task_fn fn, void *arg, const char *label,
                                    const tl_site *site);
/* executor.map: runs fn(args[i]) for i < n on the pool and waits for all;
 * results[i] gets each result (results may be NULL). Returns 0, or the
 * status of the first task, in order, that failed or was cancelled. */
TL_API int tl_pool_map_at(tl_pool *p, tl_task_fn fn, void *const *args, void **results, size_t n,
                          const char *label, const tl_site *site);
/* Stops taking tasks, then either runs every queued task (cancel_pending
 * 0, like shutdown(wait=True)) or cancels them (1, cancel_futures=True),
 * and joins the workers. Failures nobody looked at are reported here.
 * Returns the number of tasks cancelled. Idempotent. */
TL_API size_t tl_pool_shutdown_at(tl_pool *p, int cancel_pending, const tl_site *site);
/* Shuts down (waiting) if needed and frees the pool and every future not
 * yet released: none of them may be used afterwards. */
TL_API void tl_pool_destroy_at(tl_pool *p, const tl_site *site);

/* Waits until the task finished (done, failed or cancelled): 0, or
 * ETIMEDOUT from the timed wait. */
TL_API int tl_future_wait_at(tl_future *f, const tl_site *site);
TL_API int tl_future_wait_timed_at(tl_future *f, uint64_t timeout_ns, const tl_site *site);
/* Waits, then returns the task's status: 0 (and *result, if result is not
 * NULL), its failure status, or ECANCELED. */
TL_API int tl_future_result_at(tl_future *f, void **result, const tl_site *site);
/* Without waiting. Seeing TL_FUTURE_FAILED counts as looking at the failure. */
TL_API tl_future_state tl_future_state_of(tl_future *f);
/* The failed task's message (tl_task_fail), else NULL. Valid while the
 * future is. */
TL_API const char *tl_future_error(tl_future *f);
/* Cancels a task still queued: 0, or EBUSY when it already started. */
TL_API int tl_future_cancel_at(tl_future *f, const tl_site *site);
/* The program is done with the future (freed once its task finished). A
 * failure nobody looked at is reported now. */
TL_API void tl_future_release(tl_future *f);

/* In a task: records why it fails (printf format, copied) and returns -1,
 * for `return tl_task_fail("row %d: bad date", i);`. Outside a task it
 * only returns -1. */
TL_API int tl_task_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define tl_pool_create(workers, name) tl_pool_create_at((workers), (name), TL_SITE)
#define tl_pool_submit(p, fn, arg, label) tl_pool_submit_at((p), (fn), (arg), (label), TL_SITE)
#define tl_pool_map(p, fn, args, results, n, label) tl_pool_map_at((p), (fn), (args), (results), (n), (label), TL_SITE)
#define tl_pool_shutdown(p, cancel_pending) tl_pool_shutdown_at((p), (cancel_pending), TL_SITE)
#define tl_pool_destroy(p) tl_pool_destroy_at((p), TL_SITE)
#define tl_future_wait(f) tl_future_wait_at((f), TL_SITE)
#define tl_future_wait_timed(f, ns) tl_future_wait_timed_at((f), (ns), TL_SITE)
#define tl_future_result(f, result) tl_future_result_at((f), (result), TL_SITE)
#define tl_future_cancel(f) tl_future_cancel_at((f), TL_SITE)

/* ---- event ---------------------------------------------------------------- */

/* threading.Event: a flag threads wait for. */
typedef struct tl_event tl_event;

TL_API tl_event *tl_event_create_at(const char *name, const tl_site *site);
/* Sets the flag and wakes every waiter. */
TL_API void tl_event_set_at(tl_event *e, const tl_site *site);
TL_API void tl_event_clear_at(tl_event *e, const tl_site *site);
TL_API int tl_event_is_set(tl_event *e);
/* Returns 0 once the flag is set (at once if it is), or ETIMEDOUT. */
TL_API int tl_event_wait_at(tl_event *e, const tl_site *site);
TL_API int tl_event_wait_timed_at(tl_event *e, uint64_t timeout_ns, const tl_site *site);
TL_API void tl_event_destroy_at(tl_event *e, const tl_site *site);

#define tl_event_create(name) tl_event_create_at((name), TL_SITE)
#define tl_event_set(e) tl_event_set_at((e), TL_SITE)
#define tl_event_clear(e) tl_event_clear_at((e), TL_SITE)
#define tl_event_wait(e) tl_event_wait_at((e), TL_SITE)
#define tl_event_wait_timed(e, ns) tl_event_wait_timed_at((e), (ns), TL_SITE)
#define tl_event_destroy(e) tl_event_destroy_at((e), TL_SITE)

/* ---- timer ---------------------------------------------------------------- */

/* threading.Timer: fn(arg) runs after delay_ns on a thread of its own,
 * named "timer <name>", unless cancelled first. */
typedef struct tl_timer tl_timer;

/* NULL with errno set when the thread cannot be made. */
TL_API tl_timer *tl_timer_start_at(uint64_t delay_ns, void (*fn)(void *), void *arg,
                                   const char *name, const tl_site *site);
/* 0 when the timer was cancelled before firing, EALREADY when fn has
 * started (or finished). */
TL_API int tl_timer_cancel_at(tl_timer *t, const tl_site *site);
/* Waits for the timer's thread and frees the timer. Returns 0 when fn
 * ran, ECANCELED when the timer was cancelled. Every timer is joined once. */
TL_API int tl_timer_join_at(tl_timer *t, const tl_site *site);

#define tl_timer_start(delay_ns, fn, arg, name) tl_timer_start_at((delay_ns), (fn), (arg), (name), TL_SITE)
#define tl_timer_cancel(t) tl_timer_cancel_at((t), TL_SITE)
#define tl_timer_join(t) tl_timer_join_at((t), TL_SITE)

/* ---- data races ----------------------------------------------------------- */

/* Annotations for code not built with `threadlens cc`: tell the race detector
 * that the calling thread reads or writes size bytes at addr, here. Two
 * accesses to a byte, at least one a write, by threads that no lock,
 * join, semaphore, condition, barrier or atomic orders, are a data race:
 * reported on stderr and in the trace. The first call turns detection on
 * (THREADLENS_RACES=0 keeps it off); lock-free, never allocates afterwards. */
TL_API void tl_read_at(const volatile void *addr, size_t size, const tl_site *site);
TL_API void tl_write_at(const volatile void *addr, size_t size, const tl_site *site);
/* Names the memory [addr, addr+size) in race reports ("balance"): globals
 * are named from the program's symbols anyway; heap memory is not. */
TL_API void tl_name_var(const volatile void *addr, size_t size, const char *name);

#define tl_read(addr, size) tl_read_at((addr), (size), TL_SITE)
#define tl_write(addr, size) tl_write_at((addr), (size), TL_SITE)

/* A shared variable at file scope whose every access is checked:
 *     TL_SHARED(int, balance);           (zero-initialized)
 *     tl_set(balance, tl_get(balance) + 1);
 * tl_get and tl_set work on any lvalue (struct fields, array elements, heap
 * memory) and annotate the access with the line they are on. */
#if defined(__GNUC__)
#define TL_SHARED(type, name)                                                  \
    type name;                                                                 \
    __attribute__((constructor)) static void tl__shared_##name(void) {         \
        tl_name_var(&(name), sizeof(name), #name);                             \
    }                                                                          \
    extern type name
#define tl_get(var)                                                            \
    (__extension__({                                                           \
        tl_read(&(var), sizeof(var));                                          \
        (var);                                                                 \
    }))
#define tl_set(var, value)                                                     \
    (__extension__({                                                           \
        __typeof__(var) tl__v_ = (value);                                      \
        tl_write(&(var), sizeof(var));                                         \
        (var) = tl__v_;                                                        \
    }))
#endif

/* ---- control -------------------------------------------------------------- */

/* Writes everything recorded so far to the trace file and returns when it is
 * on disk. Tracing continues. */
TL_API void tl_flush(void);
/* The trace path for this process ("" while tracing is off). */
TL_API const char *tl_trace_path(void);

#ifdef __cplusplus
}
#endif
#endif /* THREADLENS_H */
