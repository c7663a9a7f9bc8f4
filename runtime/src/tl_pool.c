/*
 * tl_pool.c — tl_pool_* and tl_future_*: the seeds' ThreadPoolExecutor.
 *
 * A fixed set of worker threads takes tasks from one FIFO under the pool's
 * mutex. Every task has a future, kept on the pool's list until the program
 * releases it (or the pool is destroyed), so a failure nobody looked at can
 * still be reported when the pool shuts down: the pitfall of Python's pool,
 * which loses such exceptions, is what this file exists to avoid.
 *
 * Tasks are numbered per pool in submission order. The events name a task
 * by that number (TASK_SUBMIT, TASK_BEGIN, TASK_END or TASK_NEXT,
 * FUTURE_*), and the writer matches them to draw the task's slice, its
 * queue wait and the arrows submit → start and end → the wait that got the
 * result. Those are also the race detector's edges, keyed by the future's
 * address.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl_hl.h"

enum { C_WORK, C_DONE, C_COUNT };

struct tl_future {
    tl_future *qnext;       /* in the pool's queue */
    tl_future *prev, *next; /* in the pool's list of futures not yet freed */
    tl_pool *pool;
    tl_task_fn fn;
    void *arg, *result;
    const char *error;      /* interned (lives until exit), or NULL */
    uint64_t serial;
    int status;
    _Atomic uint8_t state;  /* tl_future_state; changed under the pool's lock */
    uint8_t in_queue, released, observed, reported;
    unsigned waiters;
};

typedef struct worker {
    tl_pool *pool;
    unsigned index;
    int started;
    tl_thread th;
} worker;

struct tl_pool {
    tl_pool *live_prev, *live_next; /* pools not yet destroyed */
    pthread_mutex_t mu;
    pthread_cond_t c[C_COUNT]; /* workers wait on C_WORK; result waiters and shutdown on C_DONE */
    tl_future *qhead, *qtail;
    size_t queued;             /* pending tasks in the queue (cancelled ones excluded) */
    tl_future all;             /* sentinel of the list of futures */
    worker *workers;
    unsigned nworkers, idle;
    uint64_t serial;
    uint16_t *freed;           /* by serial / TL_TASK_CHUNK: futures freed */
    size_t nfreed;
    int stopping, joining, stopped;
    uint32_t id;
};

/* Pools not yet destroyed, for the check at exit. */
static pthread_mutex_t live_mu = PTHREAD_MUTEX_INITIALIZER;
static tl_pool *live;

static void live_add(tl_pool *p) {
    tl__lock(&live_mu);
    p->live_next = live;
    if (live) live->live_prev = p;
    live = p;
    tl__unlock(&live_mu);
}

static void live_remove(tl_pool *p) {
    tl__lock(&live_mu);
    if (p->live_prev) p->live_prev->live_next = p->live_next;
    else live = p->live_next;
    if (p->live_next) p->live_next->live_prev = p->live_prev;
    tl__unlock(&live_mu);
}

/* The task this thread is running (tl_task_fail's target). */
static __thread tl_future *current_task __attribute__((tls_model("initial-exec")));

static tl_future_state state(const tl_future *f) {
    return (tl_future_state)atomic_load_explicit(&f->state, memory_order_acquire);
}

static void set_state(tl_future *f, tl_future_state s) {
    atomic_store_explicit(&f->state, (uint8_t)s, memory_order_release);
}

static int finished(const tl_future *f) { return state(f) >= TL_FUTURE_DONE; }

/* Makes room to count the frees of serial's group; on failure that
 * group's records stay in the writer, nothing worse (pool lock held). */
static void freed_room(tl_pool *p, uint64_t serial) {
    size_t c = (size_t)(serial / TL_TASK_CHUNK), n = p->nfreed ? 2 * p->nfreed : 16;
    if (c < p->nfreed) return;
    while (n <= c) n *= 2;
    uint16_t *g = realloc(p->freed, n * sizeof *g);
    if (!g) return;
    memset(g + p->nfreed, 0, (n - p->nfreed) * sizeof *g);
    p->freed = g, p->nfreed = n;
}

/* Frees a future nobody can reach any more (pool lock held). The writer
 * keeps a record per task for arrows to later looks at its result; once a
 * whole group of futures is gone it is told, so a long-running pool does
 * not grow its memory by the task. Serial 0 is never used. */
static void maybe_free(tl_future *f) {
    if (!f->released || !finished(f) || f->in_queue) return;
    tl_pool *p = f->pool;
    f->prev->next = f->next;
    f->next->prev = f->prev;
    uint64_t c = f->serial / TL_TASK_CHUNK;
    if (c < p->nfreed && ++p->freed[c] == TL_TASK_CHUNK - (c == 0))
        tl__hl_record(TL_EV_TASKS_FREED, p->id, c, 0, 0, NULL);
    free(f);
}

/* A failure nobody looked at, now that nobody will (pool lock held);
 * when: TL_UNOBS_*. */
static void unobserved(tl_pool *p, tl_future *f, unsigned when, const tl_site *site) {
    if (state(f) != TL_FUTURE_FAILED || f->observed || f->reported) return;
    f->reported = 1;
    tl__hl_record(TL_EV_TASK_UNOBSERVED, p->id, f->serial, when, 0, site);
}

/* Labels are interned, so the writer may read them after the program's
 * buffer changed; a thread submitting one label many times interns it once. */
static const char *label_of(const char *label) {
    static __thread const char *last __attribute__((tls_model("initial-exec")));
    if (!label) return NULL;
    if (last && strncmp(last, label, TL_NAME_MAX) == 0) return last; /* no copy per submit */
    char cut[TL_NAME_MAX]; /* labels are names: the writer's buffers hold this much */
    snprintf(cut, sizeof cut, "%s", label);
    if (last && strcmp(last, cut) == 0) return last;
    const char *s = tl_intern(cut);
    if (s) last = s;
    return s;
}

/* The label and function this thread last recorded for a pool: the writer
 * keeps them per thread, so a submit like the one before records one event
 * less. After a lost event (a full ring) it is said again: the lost one may
 * have been a label. */
static __thread struct {
    uint32_t pool;
    const char *label;
    tl_task_fn fn;
} said __attribute__((tls_model("initial-exec")));

static void say_label(const tl_pool *p, const char *lab, tl_task_fn fn, uint64_t serial) {
    tl_thread_rec *t = tl__self();
    if (!t || !p->id) return;
    if (!t->gap && said.pool == p->id && said.label == lab && said.fn == fn) return;
    tl__record_in(t, TL_EV_TASK_LABEL, p->id, (uintptr_t)lab, 0, TL_EVF_PC, (uint64_t)(uintptr_t)fn,
                  serial);
    said.pool = t->gap ? 0 : p->id, said.label = lab, said.fn = fn;
}

/* ---- workers ----------------------------------------------------------------- */

/* The next task in the queue, cancelled ones skipped; NULL when it is
 * empty (pool lock held). */
static tl_future *take(tl_pool *p) {
    while (p->qhead) {
        tl_future *f = p->qhead;
        p->qhead = f->qnext;
        if (!p->qhead) p->qtail = NULL;
        f->in_queue = 0;
        if (state(f) == TL_FUTURE_CANCELLED) { /* tl_future_cancel left it here */
            maybe_free(f);
            continue;
        }
        p->queued--;
        return f;
    }
    return NULL;
}

/* The next task to run, waiting for one; NULL when the pool stops and the
 * queue is empty (pool lock held). */
static tl_future *next_task(tl_pool *p) {
    for (;;) {
        tl_future *f = take(p);
        if (f || p->stopping) return f;
        p->idle++;
        tl__hl_record(TL_EV_POOL_IDLE, p->id, 0, 0, 0, NULL);
        while (!p->qhead && !p->stopping) tl__hl_wait(&p->c[C_WORK], &p->mu, TL_HL_FOREVER);
        p->idle--;
    }
}

static void start(tl_future *f) {
    set_state(f, TL_FUTURE_RUNNING);
    tl__hb_acquire((uintptr_t)f);
}

/* Runs f, which start() began, without the lock (pool lock held on entry
 * and exit), and then the next queued task, and so on; returns when the
 * queue is empty. A task that called tl_task_fail failed, whatever it
 * returned. A task that succeeded while another waits in the queue ends
 * and hands over in one event (TASK_NEXT), the common case of a busy pool. */
static void run(tl_pool *p, tl_future *f) {
    while (f) {
        tl__unlock(&p->mu);
        tl_future *outer = current_task;
        current_task = f;
        void *result = NULL;
        int st = f->fn(f->arg, &result);
        current_task = outer;
        tl__lock(&p->mu);
        if (f->error && st == 0) st = -1;
        f->status = st;
        f->result = result;
        if (st)
            tl__hl_record_val(TL_EV_TASK_FAIL, p->id, (uintptr_t)f->error, (uint64_t)(int64_t)st, 0, 0);
        tl__hb_release((uintptr_t)f);
        set_state(f, st ? TL_FUTURE_FAILED : TL_FUTURE_DONE);
        tl_future *next = st ? NULL : take(p);
        if (next) {
            start(next);
            tl__hl_record_val(TL_EV_TASK_NEXT, p->id, TL_QARG(next->serial, p->queued), 0,
                              f->serial, 0);
        } else {
            tl__hl_record(TL_EV_TASK_END, p->id, f->serial, st != 0, 0, NULL);
        }
        if (f->waiters) tl__hl_broadcast(&p->c[C_DONE]);
        if (f->released) {
            unobserved(p, f, TL_UNOBS_RELEASE, NULL);
            maybe_free(f);
        }
        f = next;
    }
}

static void *worker_main(void *arg) {
    worker *w = arg;
    tl_pool *p = w->pool;
    tl__lock(&p->mu);
    tl__hl_record(TL_EV_POOL_WORKER, p->id, w->index, 0, 0, NULL);
    tl_future *f;
    while ((f = next_task(p)) != NULL) {
        start(f);
        tl__hl_record(TL_EV_TASK_BEGIN, p->id, TL_QARG(f->serial, p->queued), 0, 0, NULL);
        run(p, f);
    }
    tl__unlock(&p->mu);
    return NULL;
}

/* ---- the pool ----------------------------------------------------------------- */

static void join_workers(tl_pool *p, const tl_site *site) {
    for (unsigned i = 0; i < p->nworkers; i++)
        if (p->workers[i].started) tl_thread_join_at(p->workers[i].th, NULL, site);
}

static void pool_free(tl_pool *p) {
    while (p->all.next != &p->all) {
        tl_future *f = p->all.next;
        p->all.next = f->next;
        free(f);
    }
    tl__hl_fini(&p->mu, p->c, C_COUNT);
    free(p->freed);
    free(p->workers);
    free(p);
}

tl_pool *tl_pool_create_at(unsigned workers, const char *name, const tl_site *site) {
    if (workers == 0 || workers > 65536) {
        errno = EINVAL;
        return NULL;
    }
    tl_pool *p = calloc(1, sizeof *p);
    if (p) p->workers = calloc(workers, sizeof *p->workers);
    if (!p || !p->workers) {
        free(p);
        errno = ENOMEM;
        return NULL;
    }
    tl__hl_init(&p->mu, p->c, C_COUNT);
    p->all.prev = p->all.next = &p->all;
    p->id = tl__obj_register(TL_OBJ_POOL, 0, p, name, (uintptr_t)site, 0, workers);
    live_add(p);
    const tl_obj *o = tl__obj_get(p->id);
    const char *base = o ? o->name : name ? name : "pool";
    p->nworkers = workers;
    for (unsigned i = 0; i < workers; i++) {
        worker *w = &p->workers[i];
        char wname[TL_NAME_MAX + 24];
        snprintf(wname, sizeof wname, "%s worker %u", base, i);
        w->pool = p, w->index = i;
        int rc = tl_thread_create_at(&w->th, NULL, wname, worker_main, w, site);
        if (rc) {
            tl__lock(&p->mu);
            p->stopping = 1;
            tl__hl_broadcast(&p->c[C_WORK]);
            tl__unlock(&p->mu);
            join_workers(p, site);
            tl__hl_record(TL_EV_OBJ_DESTROY, p->id, 0, 0, 0, site);
            live_remove(p);
            pool_free(p);
            errno = rc;
            return NULL;
        }
        w->started = 1;
    }
    return p;
}

tl_future *tl_pool_submit_at(tl_pool *p, tl_task_fn fn, void *arg, const char *label,
                             const tl_site *site) {
    if (!p || !fn) {
        errno = EINVAL;
        return NULL;
    }
    tl_future *f = calloc(1, sizeof *f);
    if (!f) {
        errno = ENOMEM;
        return NULL;
    }
    const char *lab = label_of(label);
    f->pool = p, f->fn = fn, f->arg = arg;
    tl__lock(&p->mu);
    if (p->stopping) {
        tl__unlock(&p->mu);
        free(f);
        errno = EPIPE;
        return NULL;
    }
    f->serial = ++p->serial;
    freed_room(p, f->serial);
    f->next = &p->all, f->prev = p->all.prev;
    p->all.prev->next = f, p->all.prev = f;
    f->in_queue = 1;
    if (p->qtail) p->qtail->qnext = f;
    else p->qhead = f;
    p->qtail = f;
    p->queued++;
    tl__hb_forget((uintptr_t)f); /* malloc may give a released future's address */
    tl__hb_release((uintptr_t)f);
    say_label(p, lab, fn, f->serial);
    tl__hl_record(TL_EV_TASK_SUBMIT, p->id, TL_QARG(f->serial, p->queued), 0, 0, site);
    if (p->idle) tl__hl_signal(&p->c[C_WORK]);
    tl__unlock(&p->mu);
    return f;
}

int tl_pool_map_at(tl_pool *p, tl_task_fn fn, void *const *args, void **results, size_t n,
                   const char *label, const tl_site *site) {
    if (n == 0) return 0;
    tl_future **fs = malloc(n * sizeof *fs);
    if (!fs) return ENOMEM;
    int rc = 0, submit_err = 0;
    size_t k = 0;
    for (; k < n; k++) {
        fs[k] = tl_pool_submit_at(p, fn, args ? args[k] : NULL, label, site);
        if (!fs[k]) {
            submit_err = errno;
            break;
        }
    }
    for (size_t i = 0; i < k; i++) {
        void *r = NULL;
        int st = tl_future_result_at(fs[i], &r, site);
        if (results) results[i] = st == 0 ? r : NULL;
        if (st && !rc) rc = st;
        tl_future_release(fs[i]);
    }
    if (results)
        for (size_t i = k; i < n; i++) results[i] = NULL;
    free(fs);
    return rc ? rc : submit_err;
}

size_t tl_pool_shutdown_at(tl_pool *p, int cancel_pending, const tl_site *site) {
    size_t n = 0;
    tl__lock(&p->mu);
    if (!p->stopping) {
        p->stopping = 1;
        tl__hl_record(TL_EV_POOL_SHUTDOWN, p->id, 0, cancel_pending != 0, 0, site);
    }
    if (cancel_pending) {
        for (tl_future *f = p->qhead, *next; f; f = next) {
            next = f->qnext;
            f->in_queue = 0;
            if (state(f) == TL_FUTURE_PENDING) {
                set_state(f, TL_FUTURE_CANCELLED);
                p->queued--;
                n++;
                tl__hl_record(TL_EV_TASK_CANCEL, p->id, TL_QARG(f->serial, p->queued), 0, 0, site);
            }
            maybe_free(f);
        }
        p->qhead = p->qtail = NULL;
        tl__hl_broadcast(&p->c[C_DONE]);
    }
    tl__hl_broadcast(&p->c[C_WORK]);
    /* A task shutting its own pool down cannot wait for itself; a second
     * caller waits for the first one's joins. */
    int own = current_task && current_task->pool == p;
    if (own || p->joining) {
        while (!own && !p->stopped) tl__hl_wait(&p->c[C_DONE], &p->mu, TL_HL_FOREVER);
        tl__unlock(&p->mu);
        return n;
    }
    p->joining = 1;
    tl__unlock(&p->mu);
    join_workers(p, site);
    tl__lock(&p->mu);
    p->stopped = 1;
    for (tl_future *f = p->all.next; f != &p->all; f = f->next)
        unobserved(p, f, TL_UNOBS_SHUTDOWN, site);
    tl__hl_broadcast(&p->c[C_DONE]);
    tl__unlock(&p->mu);
    return n;
}

void tl_pool_destroy_at(tl_pool *p, const tl_site *site) {
    if (!p) return;
    if (current_task && current_task->pool == p) { /* it would free the running task */
        tl__warn("tl_pool_destroy at %s:%d: called from a task of that pool; ignored",
                 site ? site->file : "?", site ? site->line : 0);
        return;
    }
    tl_pool_shutdown_at(p, 0, site);
    tl__hl_record(TL_EV_OBJ_DESTROY, p->id, 0, 0, 0, site);
    live_remove(p);
    pool_free(p);
}

/* ---- futures ------------------------------------------------------------------- */

/* Waits until f finished (pool lock held): 0, or ETIMEDOUT. */
static int wait_finished(tl_future *f, uint64_t deadline, const tl_site *site) {
    tl_pool *p = f->pool;
    if (!finished(f)) {
        tl__hl_record(TL_EV_FUTURE_WAIT, p->id, f->serial, 0,
                      deadline != TL_HL_FOREVER ? TL_EVF_TIMED : 0, site);
        f->waiters++;
        int rc = 0;
        while (!finished(f) && rc == 0) rc = tl__hl_wait(&p->c[C_DONE], &p->mu, deadline);
        f->waiters--;
        if (!finished(f)) {
            tl__hl_record(TL_EV_FUTURE_DONE, p->id, f->serial, ETIMEDOUT, 0, site);
            return ETIMEDOUT;
        }
    }
    tl__hb_acquire((uintptr_t)f);
    tl__hl_record(TL_EV_FUTURE_DONE, p->id, f->serial, 0, 0, site);
    return 0;
}

static int future_wait(tl_future *f, uint64_t deadline, const tl_site *site) {
    tl__lock(&f->pool->mu);
    int rc = wait_finished(f, deadline, site);
    tl__unlock(&f->pool->mu);
    return rc;
}

int tl_future_wait_at(tl_future *f, const tl_site *site) {
    return future_wait(f, TL_HL_FOREVER, site);
}

int tl_future_wait_timed_at(tl_future *f, uint64_t timeout_ns, const tl_site *site) {
    return future_wait(f, tl__hl_deadline(timeout_ns), site);
}

int tl_future_result_at(tl_future *f, void **result, const tl_site *site) {
    tl__lock(&f->pool->mu);
    wait_finished(f, TL_HL_FOREVER, site);
    int rc = 0;
    switch (state(f)) {
    case TL_FUTURE_FAILED:
        f->observed = 1;
        rc = f->status;
        break;
    case TL_FUTURE_CANCELLED:
        rc = ECANCELED;
        break;
    default:
        if (result) *result = f->result;
        break;
    }
    tl__unlock(&f->pool->mu);
    return rc;
}

tl_future_state tl_future_state_of(tl_future *f) {
    tl_future_state s = state(f);
    if (s >= TL_FUTURE_DONE) {
        tl__lock(&f->pool->mu);
        if (s == TL_FUTURE_FAILED) f->observed = 1;
        tl__hb_acquire((uintptr_t)f);
        tl__unlock(&f->pool->mu);
    }
    return s;
}

const char *tl_future_error(tl_future *f) {
    tl__lock(&f->pool->mu);
    if (state(f) == TL_FUTURE_FAILED) f->observed = 1;
    const char *e = f->error;
    tl__unlock(&f->pool->mu);
    return e;
}

int tl_future_cancel_at(tl_future *f, const tl_site *site) {
    tl_pool *p = f->pool;
    tl__lock(&p->mu);
    int rc = 0;
    if (state(f) == TL_FUTURE_PENDING) {
        set_state(f, TL_FUTURE_CANCELLED);
        p->queued--;
        tl__hl_record(TL_EV_TASK_CANCEL, p->id, TL_QARG(f->serial, p->queued), 0, 0, site);
        if (f->waiters) tl__hl_broadcast(&p->c[C_DONE]);
    } else if (state(f) != TL_FUTURE_CANCELLED) {
        rc = EBUSY;
    }
    tl__unlock(&p->mu);
    return rc;
}

void tl_future_release(tl_future *f) {
    if (!f) return;
    tl_pool *p = f->pool;
    tl__lock(&p->mu);
    f->released = 1;
    unobserved(p, f, TL_UNOBS_RELEASE, NULL);
    maybe_free(f);
    tl__unlock(&p->mu);
}

int tl_task_fail(const char *fmt, ...) {
    tl_future *f = current_task;
    if (!f) return -1;
    char buf[512] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
    }
    const char *s = tl_intern(buf);
    f->error = s ? s : "(no memory for the message)";
    return -1;
}

/* A program that exits with a pool still up has looked at nothing more:
 * its unobserved failures are reported now. Workers may be running (exit
 * does not stop them), so a pool whose lock is busy is skipped, not waited
 * for. */
void tl__pools_at_exit(void) {
    if (TL_REAL(pthread_mutex_trylock)(&live_mu)) return;
    for (tl_pool *p = live; p; p = p->live_next) {
        if (TL_REAL(pthread_mutex_trylock)(&p->mu)) continue;
        for (tl_future *f = p->all.next; f != &p->all; f = f->next)
            unobserved(p, f, TL_UNOBS_EXIT, NULL);
        tl__unlock(&p->mu);
    }
    tl__unlock(&live_mu);
}
