/*
 * tl_detect.c — the detectors' model (tl_detect_int.h) and the misuse
 * checks (the Helgrind/DRD list), fed every event in the writer's order.
 *
 * The model is the detectors' own, not tl_tracks': drawing and judging
 * need different facts (who holds what since where, which waits can end by
 * a timeout), and keeping them apart keeps each simple. Because events
 * arrive as a prefix of the program's history in sequence order, a state
 * seen here really existed: a lock is held between the ACQUIRE (recorded
 * after the real lock) and the RELEASE (recorded before the real unlock).
 * Lock order and wait-for cycles are in tl_lockorder.c and tl_waitfor.c.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl_detect_int.h"
#include "tl_tracks.h"

/* Misuse kinds: each object (or thread) reports each kind once. */
enum {
    MU_UNLOCK, MU_RELOCK, MU_DESTROY_BUSY, MU_COND_NOMUTEX, MU_COND_TWO,
    MU_JOIN_DETACHED, MU_JOIN_JOINED, MU_JOIN_SELF, MU_END_HOLDING, MU_REINIT,
    MU_ERROR
};

/* Threads and objects live in chunks that never move, so a pointer from
 * tl__d_thread or tl__d_obj stays valid however many ids come after it. */
#define CHUNK 1024
static dthread **tchunks;
static uint32_t ntchunks;
static dobj **ochunks;
static uint32_t nochunks;
static uint32_t nthreads; /* ids below this have a slot */
static uint32_t anon_misused; /* misuse of no known object or thread */
static int inexact;
static uint64_t last_event_ns;

uint64_t tl__d_last_event_ns(void) { return last_event_ns; }

static void *grow(void *arr, uint32_t *n, uint32_t want, size_t elem) {
    uint32_t cap = *n ? *n : 16;
    while (cap <= want) cap *= 2;
    char *p = realloc(arr, (size_t)cap * elem);
    if (!p) tl__die("out of memory in the detectors");
    memset(p + (size_t)*n * elem, 0, (size_t)(cap - *n) * elem);
    *n = cap;
    return p;
}

static void *slot(void ***chunks, uint32_t *nchunks, uint32_t id, size_t elem) {
    uint32_t c = id / CHUNK;
    if (c >= *nchunks) *chunks = grow(*chunks, nchunks, c, sizeof **chunks);
    if (!(*chunks)[c] && !((*chunks)[c] = calloc(CHUNK, elem)))
        tl__die("out of memory in the detectors");
    return (char *)(*chunks)[c] + (size_t)(id % CHUNK) * elem;
}

dthread *tl__d_thread(uint32_t tid) {
    if (tid >= nthreads) nthreads = tid + 1;
    return slot((void ***)&tchunks, &ntchunks, tid, sizeof(dthread));
}

uint32_t tl__d_nthreads(void) { return nthreads; }
int tl__d_inexact(void) { return inexact; }

dobj *tl__d_obj(uint32_t id) {
    dobj *o = slot((void ***)&ochunks, &nochunks, id, sizeof(dobj));
    if (!o->known) {
        const tl_obj *r = tl__obj_get(id);
        o->known = 1;
        o->kind = r ? r->kind : TL_OBJ__COUNT;
        o->subkind = r ? r->subkind : 0;
        o->count = r && r->init_value ? r->init_value : 1;
        o->shared = r && (r->site_flags & TL_EVF_SHARED);
    }
    return o;
}

dheld *tl__d_held(dthread *t, uint32_t obj) {
    for (uint32_t i = 0; i < t->nheld; i++)
        if (t->held[i].obj == obj) return &t->held[i];
    return NULL;
}

static int is_lock(const dobj *o) {
    return o->kind == TL_OBJ_MUTEX || o->kind == TL_OBJ_RWLOCK || o->kind == TL_OBJ_SPIN;
}

static const char *kind_text(const dobj *o) {
    switch (o->kind) {
    case TL_OBJ_MUTEX: return "mutex";
    case TL_OBJ_RWLOCK: return "rwlock";
    case TL_OBJ_SPIN: return "spinlock";
    case TL_OBJ_COND: return "condition variable";
    case TL_OBJ_SEM: return "semaphore";
    case TL_OBJ_BARRIER: return "barrier";
    }
    return "object";
}

void tl__d_state_text(const dthread *t, char *out, size_t cap) {
    char name[TL_NAME_MAX + 32];
    if (t->state == DS_JOIN) {
        tl__tracks_thread_label(t->wait_on, name, sizeof name);
        snprintf(out, cap, "joining %s", t->wait_on ? name : "an untraced thread");
        return;
    }
    tl__tracks_obj_label(t->wait_on, name, sizeof name);
    switch ((dstate)t->state) {
    case DS_LOCK:
        snprintf(out, cap, "%s %s", t->mode == TL_MODE_READ ? "waiting to read" : "waiting for", name);
        return;
    case DS_COND: {
        char m[TL_NAME_MAX + 32];
        tl__tracks_obj_label(t->cond_mutex, m, sizeof m);
        snprintf(out, cap, "waiting on %s (mutex %s)", name, m);
        return;
    }
    case DS_SEM: snprintf(out, cap, "waiting for %s", name); return;
    case DS_BARRIER: snprintf(out, cap, "in barrier %s", name); return;
    case DS_SLEEP: snprintf(out, cap, "sleeping"); return;
    case DS_QUEUE: snprintf(out, cap, "%s%s", tl__qop_wait_text(t->mode), name); return;
    case DS_IDLE: snprintf(out, cap, "idle in %s", name); return;
    case DS_FUTURE: snprintf(out, cap, "waiting for a task of %s", name); return;
    case DS_EVENT: snprintf(out, cap, "waiting for %s", name); return;
    case DS_RUN: case DS_JOIN: break;
    }
    snprintf(out, cap, "running");
}

/* ---- holds ------------------------------------------------------------------- */

static void held_push(dthread *t, uint32_t obj, unsigned mode, tl_fsite at, uint64_t ns) {
    if (t->nheld == t->capheld) t->held = grow(t->held, &t->capheld, t->nheld, sizeof *t->held);
    t->held[t->nheld++] = (dheld){obj, 1, (uint8_t)mode, at, ns};
}

/* Drops one level of tid's hold on o; 0 when tid did not hold it. */
static int hold_drop(uint32_t tid, uint32_t id, dobj *o) {
    dthread *t = tl__d_thread(tid);
    dheld *h = tl__d_held(t, id);
    int was = 0;
    if (o->owner == tid) {
        was = 1;
        if (--o->depth == 0) o->owner = 0;
    } else {
        for (uint32_t i = 0; i < o->nreaders; i++)
            if (o->readers[i] == tid) {
                o->readers[i] = o->readers[--o->nreaders];
                was = 1;
                break;
            }
    }
    if (h && --h->depth == 0) *h = t->held[--t->nheld];
    return was;
}

static void hold_take(uint32_t tid, uint32_t id, dobj *o, unsigned mode, tl_fsite at, uint64_t ns) {
    dthread *t = tl__d_thread(tid);
    dheld *h = tl__d_held(t, id);
    if (mode == TL_MODE_READ) {
        if (o->nreaders == o->capreaders)
            o->readers = grow(o->readers, &o->capreaders, o->nreaders, sizeof *o->readers);
        o->readers[o->nreaders++] = tid;
    } else if (o->owner == tid) {
        o->depth++;
    } else {
        o->owner = tid, o->depth = 1; /* another owner: its release was lost */
    }
    if (h) h->depth++;
    else held_push(t, id, mode, at, ns);
}

/* ---- misuse ---------------------------------------------------------------- */

static tl_finding scratch; /* large; the writer is one thread */

static void misuse(uint32_t tid, uint64_t ns, unsigned kind, uint32_t obj, uint32_t obj_tid,
                   const tl_rec *e, const char *detail, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

static void misuse(uint32_t tid, uint64_t ns, unsigned kind, uint32_t obj, uint32_t obj_tid,
                   const tl_rec *e, const char *detail, const char *fmt, ...) {
    uint32_t *mask = obj ? &tl__d_obj(obj)->misused
                   : obj_tid ? &tl__d_thread(obj_tid)->misused : &anon_misused;
    if (*mask & (1u << kind)) return;
    *mask |= 1u << kind;
    tl_finding *f = &scratch;
    tl__finding_start(f, TL_FIND_MISUSE, tid, ns);
    f->obj = obj;
    f->obj_tid = obj_tid;
    f->at = (tl_fsite){e->site, e->flags};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->what, sizeof f->what, fmt, ap);
    va_end(ap);
    if (detail) snprintf(f->detail, sizeof f->detail, "%s", detail);
    tl__finding_report(f);
}

static const char *err_name(unsigned err) {
    const char *s = strerrorname_np((int)err);
    return s ? s : "an error";
}

/* "held by worker (T3) since file.c:12" */
static void holder_text(const dobj *o, char *out, size_t cap) {
    uint32_t who = o->owner ? o->owner : o->nreaders ? o->readers[0] : 0;
    if (!who) {
        snprintf(out, cap, "it is not locked");
        return;
    }
    char name[TL_NAME_MAX], site[512] = "?";
    tl__tracks_thread_label(who, name, sizeof name);
    for (uint32_t i = 0; i < tl__d_thread(who)->nheld; i++) {
        const dheld *h = &tl__d_thread(who)->held[i];
        if (tl__d_obj(h->obj) == o) tl__tracks_site_label(h->at.site, h->at.flags, site, sizeof site);
    }
    snprintf(out, cap, "it is %s by %s (T%u), taken at %s", o->owner ? "held" : "read-held",
             name, who, site);
}

/* A lock, cond, sem or barrier about to go away (destroy, or an init over it). */
static void check_idle(uint32_t tid, uint64_t ns, const tl_rec *e, uint32_t id, int reinit) {
    dobj *o = tl__d_obj(id);
    char detail[600] = "";
    int busy = 0;
    if (is_lock(o)) {
        busy = (o->owner || o->nreaders) && !inexact;
        if (busy) holder_text(o, detail, sizeof detail);
    } else if (o->kind == TL_OBJ_COND) {
        busy = o->unsignaled > 0;
        snprintf(detail, sizeof detail, "%u thread%s waiting on it, not signalled", o->unsignaled,
                 o->unsignaled == 1 ? " is" : "s are");
    } else if (o->kind == TL_OBJ_SEM || o->kind == TL_OBJ_BARRIER) {
        busy = o->waiters > 0;
        snprintf(detail, sizeof detail, "%u thread%s waiting on it", o->waiters,
                 o->waiters == 1 ? " is" : "s are");
    }
    if (!busy) return;
    if (reinit)
        misuse(tid, ns, MU_REINIT, id, 0, e, detail, "re-initialization of a %s in use", kind_text(o));
    else if (is_lock(o))
        misuse(tid, ns, MU_DESTROY_BUSY, id, 0, e, detail, "destroy of a locked %s", kind_text(o));
    else
        misuse(tid, ns, MU_DESTROY_BUSY, id, 0, e, detail, "destroy of a %s with waiters", kind_text(o));
}

static void check_release(uint32_t tid, uint64_t ns, const tl_rec *e, dobj *o) {
    if (inexact || o->owner == tid) return;
    for (uint32_t i = 0; i < o->nreaders; i++)
        if (o->readers[i] == tid) return;
    char detail[600];
    holder_text(o, detail, sizeof detail);
    if (o->owner || o->nreaders)
        misuse(tid, ns, MU_UNLOCK, e->obj, 0, e, detail, "unlock of a %s held by another thread",
               kind_text(o));
    else
        misuse(tid, ns, MU_UNLOCK, e->obj, 0, e, NULL, "unlock of a %s not held", kind_text(o));
}

static const char *lock_call(const dobj *o, unsigned mode) {
    if (o->kind == TL_OBJ_SPIN) return "pthread_spin_lock";
    if (o->kind == TL_OBJ_RWLOCK) return mode == TL_MODE_READ ? "pthread_rwlock_rdlock" : "pthread_rwlock_wrlock";
    return "pthread_mutex_lock";
}

static void check_call_error(uint32_t tid, uint64_t ns, const tl_rec *e) {
    static const char *const names[TL_CALL__COUNT] = {
#define TL__CALL_NAME(name, fn) fn,
        TL_CALLS(TL__CALL_NAME)
#undef TL__CALL_NAME
    };
    unsigned call = e->aux < TL_CALL__COUNT ? e->aux : 0;
    unsigned kind = MU_ERROR;
    if (call == TL_CALL_MUTEX_UNLOCK || call == TL_CALL_RWLOCK_UNLOCK) kind = MU_UNLOCK;
    else if (e->arg == EBUSY && call != TL_CALL_SEM_POST && call != TL_CALL_DETACH) kind = MU_DESTROY_BUSY;
    misuse(tid, ns, kind, e->obj, 0, e, NULL, "%s returned %s", names[call], err_name((unsigned)e->arg));
}

/* ---- the event switch -------------------------------------------------------- */

static void wait_begin(dthread *t, dstate st, uint32_t on, const tl_rec *e, uint64_t ns) {
    t->state = (uint8_t)st;
    t->wait_on = on;
    t->timed = (e->flags & TL_EVF_TIMED) != 0;
    t->mode = (uint8_t)e->aux;
    t->since = ns;
    t->wait_at = (tl_fsite){e->site, e->flags};
}

static void on_thread_end(uint32_t tid, uint64_t ns, const tl_rec *e) {
    dthread *t = tl__d_thread(tid);
    for (uint32_t i = 0; i < t->nheld && !inexact; i++) {
        char name[TL_NAME_MAX], detail[700], site[512];
        tl__tracks_obj_label(t->held[i].obj, name, sizeof name);
        tl__tracks_site_label(t->held[i].at.site, t->held[i].at.flags, site, sizeof site);
        snprintf(detail, sizeof detail, "%s, taken at %s, stays locked", name, site);
        misuse(tid, ns, MU_END_HOLDING, t->held[i].obj, 0, e, detail,
               "thread ended while holding a lock");
    }
    t->ended = 1;
}

static void on_join(uint32_t tid, uint64_t ns, const tl_rec *e, dthread *t) {
    uint32_t target = (uint32_t)e->arg;
    dthread *x = target ? tl__d_thread(target) : NULL;
    if (e->kind == TL_EV_JOIN_BEGIN) {
        if (target == tid) { /* glibc answers EDEADLK at once */
            misuse(tid, ns, MU_JOIN_SELF, 0, target, e, NULL, "join of the calling thread");
            return;
        }
        if (x && x->detached) { /* EINVAL at once: no wait */
            misuse(tid, ns, MU_JOIN_DETACHED, 0, target, e, NULL, "join of a detached thread");
            return;
        }
        if (x && x->joined)
            misuse(tid, ns, MU_JOIN_JOINED, 0, target, e, NULL, "join of an already joined thread");
        wait_begin(t, DS_JOIN, target, e, ns);
        if (!t->timed && x && !x->ended) tl__waitfor_blocked(tid, ns);
        return;
    }
    unsigned rc = e->aux;
    if (rc == 0 && x) x->joined = 1;
    else if (rc == EDEADLK && (!target || target == tid))
        misuse(tid, ns, MU_JOIN_SELF, 0, target, e, NULL, "join of the calling thread");
    else if (rc == EDEADLK) /* two threads joining each other */
        misuse(tid, ns, MU_ERROR, 0, target, e, NULL, "pthread_join returned EDEADLK");
    else if (rc == EINVAL) misuse(tid, ns, MU_JOIN_DETACHED, 0, target, e, NULL, "pthread_join returned EINVAL");
    else if (rc == ESRCH) misuse(tid, ns, MU_JOIN_JOINED, 0, target, e, NULL, "pthread_join returned ESRCH");
}

static void on_lock(uint32_t tid, uint64_t ns, const tl_rec *e, dthread *t, int was_waiting) {
    dobj *o = tl__d_obj(e->obj);
    tl_fsite at = {e->site, e->flags};
    switch ((tl_event_kind)e->kind) {
    case TL_EV_LOCK_WAIT:
        /* The order counts from the attempt, as in lockdep: the acquisition
         * that would close a cycle may be the one that never returns. */
        if (!tl__d_held(t, e->obj)) tl__lockorder_acquire(tid, ns, e->obj, e->aux, e->flags, at);
        wait_begin(t, DS_LOCK, e->obj, e, ns);
        if (!t->timed) tl__waitfor_blocked(tid, ns);
        break;
    case TL_EV_LOCK_ACQUIRE: {
        /* Re-entering a recursive mutex (or a read lock) is no new order;
         * after a LOCK_WAIT the attempt counted already. */
        if (!was_waiting && !tl__d_held(t, e->obj))
            tl__lockorder_acquire(tid, ns, e->obj, e->aux, e->flags, at);
        hold_take(tid, e->obj, o, e->aux, at, ns);
        break;
    }
    case TL_EV_LOCK_FAIL:
        if (e->arg == EDEADLK)
            misuse(tid, ns, MU_RELOCK, e->obj, 0, e, NULL, "relock of a non-recursive %s", kind_text(o));
        else if (e->arg != ETIMEDOUT && e->arg != EINTR)
            misuse(tid, ns, MU_ERROR, e->obj, 0, e, NULL, "%s returned %s", lock_call(o, e->aux),
                   err_name((unsigned)e->arg));
        break;
    case TL_EV_LOCK_RELEASE:
        check_release(tid, ns, e, o);
        if (o->owner && o->owner != tid && tl__unlock_unchecked(o->kind, o->subkind)) {
            /* glibc unlocks it for whoever asks: the owner holds it no more. */
            uint32_t owner = o->owner;
            o->foreign_unlock = 1;
            dheld *h = tl__d_held(tl__d_thread(owner), e->obj);
            if (h) h->depth = 1;
            o->depth = 1;
            hold_drop(owner, e->obj, o);
        } else {
            hold_drop(tid, e->obj, o);
        }
        break;
    default:
        break;
    }
}

static void on_cond(uint32_t tid, uint64_t ns, const tl_rec *e, dthread *t) {
    dobj *c = tl__d_obj(e->obj);
    uint32_t mid = (uint32_t)e->arg;
    switch ((tl_event_kind)e->kind) {
    case TL_EV_COND_WAIT: {
        dobj *m = tl__d_obj(mid);
        if (!inexact && m->owner != tid)
            misuse(tid, ns, MU_COND_NOMUTEX, e->obj, 0, e, NULL,
                   "wait on a condition variable without holding its mutex");
        if (c->waiters && c->cmutex && c->cmutex != mid) {
            char a[TL_NAME_MAX], b[TL_NAME_MAX], detail[300];
            tl__tracks_obj_label(c->cmutex, a, sizeof a);
            tl__tracks_obj_label(mid, b, sizeof b);
            snprintf(detail, sizeof detail, "other threads wait on it with %s, this one with %s", a, b);
            misuse(tid, ns, MU_COND_TWO, e->obj, 0, e, detail, "condition variable used with two mutexes");
        }
        if (!c->waiters) c->cmutex = mid;
        c->waiters++;
        c->unsignaled++;
        /* One level, as glibc gives it up (see tl_tracks.c). */
        if (m->owner == tid) hold_drop(tid, mid, m);
        wait_begin(t, DS_COND, e->obj, e, ns);
        t->cond_mutex = mid;
        break;
    }
    case TL_EV_COND_WAKE: {
        if (c->waiters) c->waiters--;
        if (e->aux != 0 && c->unsignaled) c->unsignaled--; /* a timeout, not a signal */
        if (e->aux == EPERM)
            misuse(tid, ns, MU_COND_NOMUTEX, e->obj, 0, e, NULL, "pthread_cond_wait returned EPERM");
        if (tl__cond_relocked(e->aux)) {
            dobj *m = tl__d_obj(mid);
            hold_take(tid, mid, m, TL_MODE_WRITE, (tl_fsite){e->site, e->flags}, ns);
        }
        break;
    }
    case TL_EV_COND_SIGNAL:
    case TL_EV_COND_BROADCAST:
        if (!c->waiters) {
            c->lost = 1, c->lost_tid = tid, c->lost_ns = ns;
            c->lost_at = (tl_fsite){e->site, e->flags};
        } else {
            c->lost = 0; /* signals reach waiters again: an old loss is history */
        }
        if (e->kind == TL_EV_COND_BROADCAST) c->unsignaled = 0;
        else if (c->unsignaled) c->unsignaled--;
        break;
    default:
        break;
    }
}

/* Kinds whose obj names a lock, cond, sem or barrier. */
static int obj_kind(unsigned kind) {
    switch ((tl_event_kind)kind) {
    case TL_EV_LOCK_WAIT: case TL_EV_LOCK_ACQUIRE: case TL_EV_LOCK_FAIL: case TL_EV_LOCK_RELEASE:
    case TL_EV_COND_WAIT: case TL_EV_COND_WAKE: case TL_EV_COND_SIGNAL: case TL_EV_COND_BROADCAST:
    case TL_EV_SEM_WAIT: case TL_EV_SEM_ACQUIRE: case TL_EV_SEM_FAIL: case TL_EV_SEM_POST:
    case TL_EV_BARRIER_ARRIVE: case TL_EV_BARRIER_LEAVE: case TL_EV_OBJ_DESTROY:
    case TL_EV_DESTROY_CHECK:
        return 1;
    default:
        return 0;
    }
}

/* A thread that ends inside a wait (cancelled) leaves it. */
static void leave_wait(uint8_t state, uint32_t on) {
    if (state == DS_RUN || state == DS_SLEEP || state == DS_JOIN || !on) return;
    dobj *o = tl__d_obj(on);
    if (state != DS_LOCK && o->waiters) o->waiters--;
    if (state == DS_COND && o->unsignaled) o->unsignaled--;
}

void tl__detect_event(uint32_t tid, uint64_t ns, const tl_rec *e) {
    if (!tl__g.opt.detect) return;
    dthread *t = tl__d_thread(tid);
    int was_waiting = t->state != DS_RUN && t->state != DS_JOIN && t->wait_on == e->obj;
    uint8_t prev_state = t->state;
    uint32_t prev_on = t->wait_on;
    if (ns > last_event_ns) last_event_ns = ns;
    /* An object the registry could not take (THREADLENS_MAX_OBJECTS): all
     * such objects share id 0, so nothing can be said about them. */
    if (!e->obj && obj_kind(e->kind)) {
        t->seen = 1;
        t->state = DS_RUN;
        return;
    }
    if (TL_UNLIKELY(e->flags & TL_EVF_GAP)) {
        /* Lost events may have released anything: believe nothing held. */
        t->nheld = 0;
        inexact = 1;
    }
    /* Anything a thread records but the start of a wait means it runs. */
    t->seen = 1;
    t->state = DS_RUN;
    switch ((tl_event_kind)e->kind) {
    case TL_EV_THREAD_END:
        leave_wait(prev_state, prev_on);
        on_thread_end(tid, ns, e);
        break;
    case TL_EV_JOIN_BEGIN: case TL_EV_JOIN_END:
        on_join(tid, ns, e, t);
        break;
    case TL_EV_THREAD_DETACH:
        if (e->arg) tl__d_thread((uint32_t)e->arg)->detached = 1;
        break;
    case TL_EV_OBJ_DESTROY:
        /* A destroy was checked at its DESTROY_CHECK; an init over a live
         * object is checked here (other closes are memory reused). */
        if (e->flags & TL_EVF_REINIT) check_idle(tid, ns, e, e->obj, 1);
        break;
    case TL_EV_DESTROY_CHECK:
        check_idle(tid, ns, e, e->obj, 0);
        break;
    case TL_EV_CALL_ERROR:
        check_call_error(tid, ns, e);
        break;
    case TL_EV_LOCK_WAIT: case TL_EV_LOCK_ACQUIRE: case TL_EV_LOCK_FAIL: case TL_EV_LOCK_RELEASE:
        on_lock(tid, ns, e, t, was_waiting);
        break;
    case TL_EV_COND_WAIT: case TL_EV_COND_WAKE: case TL_EV_COND_SIGNAL: case TL_EV_COND_BROADCAST:
        on_cond(tid, ns, e, t);
        break;
    case TL_EV_SEM_WAIT:
        tl__d_obj(e->obj)->waiters++;
        wait_begin(t, DS_SEM, e->obj, e, ns);
        break;
    case TL_EV_SEM_ACQUIRE: case TL_EV_SEM_FAIL: {
        dobj *s = tl__d_obj(e->obj);
        if (was_waiting && s->waiters) s->waiters--;
        if (e->kind == TL_EV_SEM_FAIL && e->arg != ETIMEDOUT && e->arg != EINTR &&
            e->arg != ECANCELED)
            misuse(tid, ns, MU_ERROR, e->obj, 0, e, NULL, "sem_wait returned %s", err_name((unsigned)e->arg));
        break;
    }
    case TL_EV_BARRIER_ARRIVE: {
        dobj *b = tl__d_obj(e->obj);
        if (++b->waiters >= b->count) b->waiters = 0; /* the round is complete */
        wait_begin(t, DS_BARRIER, e->obj, e, ns);
        break;
    }
    case TL_EV_SLEEP_BEGIN: case TL_EV_TIMER_WAIT:
        wait_begin(t, DS_SLEEP, 0, e, ns);
        break;
    case TL_EV_Q_WAIT:
        wait_begin(t, DS_QUEUE, e->obj, e, ns);
        break;
    case TL_EV_POOL_IDLE:
        wait_begin(t, DS_IDLE, e->obj, e, ns);
        break;
    case TL_EV_FUTURE_WAIT:
        wait_begin(t, DS_FUTURE, e->obj, e, ns);
        break;
    case TL_EV_EVENT_WAIT:
        wait_begin(t, DS_EVENT, e->obj, e, ns);
        break;
    case TL_EV_Q_PUT: case TL_EV_Q_GET: case TL_EV_Q_FAIL: case TL_EV_Q_DONE: case TL_EV_Q_JOINED:
    case TL_EV_Q_CLOSE: case TL_EV_POOL_WORKER: case TL_EV_TASK_LABEL: case TL_EV_TASK_SUBMIT:
    case TL_EV_TASK_BEGIN: case TL_EV_TASK_FAIL: case TL_EV_TASK_END: case TL_EV_TASK_NEXT:
    case TL_EV_TASK_CANCEL: case TL_EV_FUTURE_DONE: case TL_EV_POOL_SHUTDOWN: case TL_EV_TASK_UNOBSERVED:
    case TL_EV_TASKS_FREED:
    case TL_EV_EVENT_SET: case TL_EV_EVENT_CLEAR: case TL_EV_EVENT_WAKE: case TL_EV_TIMER_START:
    case TL_EV_TIMER_FIRE: case TL_EV_TIMER_DONE: case TL_EV_TIMER_CANCEL:
        break;
    case TL_EV_THREAD_START: case TL_EV_THREAD_CREATE: case TL_EV_THREAD_NAME:
    case TL_EV_OBJ_INIT: case TL_EV_SEM_POST: case TL_EV_BARRIER_LEAVE: case TL_EV_SLEEP_END:
    case TL_EV_PHASE_BEGIN: case TL_EV_PHASE_END: case TL_EV_MARK: case TL_EV_COUNTER:
    case TL_EV_FUNC_ENTER: case TL_EV_FUNC_EXIT: case TL_EV_RACE:
    case TL_EV__COUNT:
        break;
    }
}

void tl__detect_dropped(void) {
    inexact = 1;
}

void tl__detect_tick(uint64_t now_ns) {
    if (tl__g.opt.detect) tl__waitfor_tick(now_ns);
}

void tl__detect_close(void) {
    if (tl__g.opt.detect) tl__lockorder_close();
}

void tl__detect_reset(void) {
    for (uint32_t c = 0; c < ntchunks; c++) {
        for (uint32_t i = 0; tchunks[c] && i < CHUNK; i++) free(tchunks[c][i].held);
        free(tchunks[c]);
    }
    for (uint32_t c = 0; c < nochunks; c++) {
        for (uint32_t i = 0; ochunks[c] && i < CHUNK; i++) free(ochunks[c][i].readers);
        free(ochunks[c]);
    }
    free(tchunks);
    free(ochunks);
    tchunks = NULL, ochunks = NULL;
    ntchunks = nochunks = nthreads = 0;
    anon_misused = 0;
    inexact = 0;
    last_event_ns = 0;
    tl__lockorder_reset();
    tl__waitfor_reset();
}
