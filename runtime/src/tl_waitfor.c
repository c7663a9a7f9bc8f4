/*
 * tl_waitfor.c — real deadlocks and hangs.
 *
 * Deadlock: when a thread starts an untimed wait for a lock (or a join),
 * follow the wait-for graph: thread → the lock it waits for → the threads
 * holding it in a conflicting mode → the lock each of them waits for → ...
 * Coming back to the first thread is a deadlock: in the writer's order every
 * thread on the cycle is blocked, and none can run before another does.
 * Relocking a non-recursive lock is the cycle of one — said only after the
 * wait has lasted SELF_WAIT_NS with nobody unlocking it meanwhile, since
 * glibc lets another thread unlock a plain mutex for its owner (undefined
 * by POSIX, reported as misuse; programs that pass a Python-style Lock
 * between threads do it), and never once someone has. Waits that glibc
 * refuses with EDEADLK (relocking an error-checking mutex, joining oneself
 * or a thread that joins us) are not waits.
 *
 * Hang: the watchdog (each writer cycle) sees every live traced thread in an
 * untimed wait (lock, cond, join, sem, barrier), and no event at all for
 * longer than THREADLENS_HANG_MS, and the kernel agrees there is no other thread (one
 * we never saw could still wake them). A thread in I/O or a sleep runs, as
 * far as we know, so it keeps the watchdog quiet; so does a wait on a
 * process-shared object (another process may end it), a semaphore wait
 * while the program has a signal handler (it may post), and any doubt
 * from lost events.
 */
#include <stdlib.h>
#include <string.h>

#include "tl_detect_int.h"

static uint32_t *vis; /* per thread: the search generation that visited it */
static uint32_t capvis, gen;
static uint32_t *path; /* threads on the current search path */
static uint32_t *path_it;
static uint32_t cappath;
static int hang_reported;
static uint8_t *in_deadlock; /* threads already reported in a deadlock */
static tl_finding scratch;
static uint64_t check_ns; /* the time of the current search */

#define SELF_WAIT_NS 300000000ull

static void *must(void *p) {
    if (!p) tl__die("out of memory in the deadlock detector");
    return p;
}

static void ensure(uint32_t n) {
    if (n <= capvis) return;
    uint32_t cap = capvis ? capvis : 64;
    while (cap < n) cap *= 2;
    vis = must(realloc(vis, cap * sizeof *vis));
    in_deadlock = must(realloc(in_deadlock, cap));
    memset(vis + capvis, 0, (cap - capvis) * sizeof *vis);
    memset(in_deadlock + capvis, 0, cap - capvis);
    capvis = cap;
}

/* Does thread tid's current wait count for the graph? Relocking an
 * error-checking mutex, or a rwlock the thread holds for writing, fails
 * with EDEADLK instead of waiting. */
static int blocked(uint32_t tid, const dthread *t) {
    if (t->ended || t->timed) return 0;
    if (t->state == DS_JOIN) {
        if (!t->wait_on || t->wait_on == tid) return 0;
        /* Joining a thread that is joining us: glibc answers EDEADLK. */
        const dthread *x = tl__d_thread(t->wait_on);
        return !(x->state == DS_JOIN && x->wait_on == tid && !x->timed);
    }
    if (t->state != DS_LOCK) return 0;
    const dobj *o = tl__d_obj(t->wait_on);
    if (o->owner == tid && ((o->kind == TL_OBJ_MUTEX && o->subkind == TL_MUTEX_ERRORCHECK) ||
                            o->kind == TL_OBJ_RWLOCK))
        return 0;
    if (o->owner == tid) return !o->foreign_unlock && check_ns >= t->since + SELF_WAIT_NS;
    return 1;
}


/* The i-th thread t waits for (0: no more). A writer waits for the owner
 * and every reader; a reader only for the owner (glibc prefers readers). */
static uint32_t successor(const dthread *t, uint32_t i) {
    if (t->state == DS_JOIN) {
        const dthread *x = tl__d_thread(t->wait_on);
        return i == 0 && !x->ended ? t->wait_on : 0;
    }
    const dobj *o = tl__d_obj(t->wait_on);
    if (o->owner) {
        if (i == 0) return o->owner;
        i--;
    }
    if (t->mode == TL_MODE_READ) return 0;
    return i < o->nreaders ? o->readers[i] : 0;
}

static void step_of(tl_fstep *s, uint32_t tid, uint32_t prev) {
    const dthread *t = tl__d_thread(tid);
    memset(s, 0, sizeof *s);
    s->tid = tid;
    s->ns = t->since;
    if (t->state == DS_JOIN) s->want_tid = t->wait_on;
    else s->want = t->wait_on, s->want_mode = t->mode;
    s->want_at = t->wait_at;
    /* What this thread holds that the previous one waits for. */
    const dthread *p = tl__d_thread(prev);
    if (p->state == DS_LOCK) {
        const dheld *h = tl__d_held((dthread *)t, p->wait_on);
        if (h) s->held = h->obj, s->held_mode = h->mode, s->held_at = h->at;
    }
    tl__d_state_text(t, s->state, sizeof s->state);
}

static void report_deadlock(uint32_t n, uint32_t tid, uint64_t ns) {
    tl_finding *f = &scratch;
    tl__finding_start(f, TL_FIND_DEADLOCK, tid, ns);
    f->total = n;
    f->nsteps = n < TL_FIND_MAX_STEPS ? n : TL_FIND_MAX_STEPS;
    for (uint32_t i = 0; i < f->nsteps; i++) {
        step_of(&f->steps[i], path[i], path[(i + n - 1) % n]);
        in_deadlock[path[i]] = 1;
    }
    tl__finding_report(f);
}

void tl__waitfor_blocked(uint32_t tid, uint64_t ns) {
    if (tl__d_inexact() || tl__finding_fatal()) return;
    check_ns = ns;
    uint32_t nt = tl__d_nthreads();
    ensure(nt + 1);
    if (in_deadlock[tid]) return;
    if (++gen == 0) {
        memset(vis, 0, capvis * sizeof *vis);
        gen = 1;
    }
    if (cappath < nt + 1) {
        cappath = nt + 1;
        path = must(realloc(path, cappath * sizeof *path));
        path_it = must(realloc(path_it, cappath * sizeof *path_it));
    }
    uint32_t depth = 0;
    path[depth] = tid, path_it[depth] = 0, depth++;
    vis[tid] = gen;
    while (depth) {
        uint32_t cur = path[depth - 1];
        const dthread *t = tl__d_thread(cur);
        uint32_t next = blocked(cur, t) ? successor(t, path_it[depth - 1]++) : 0;
        if (!next) {
            depth--;
            continue;
        }
        if (next == tid) {
            report_deadlock(depth, tid, ns);
            return;
        }
        if (next >= capvis || vis[next] == gen || in_deadlock[next]) continue;
        vis[next] = gen;
        path[depth] = next, path_it[depth] = 0, depth++;
    }
}

static int hang_state(const dthread *t) {
    if (t->timed) return 0;
    switch ((dstate)t->state) {
    case DS_LOCK: case DS_COND: case DS_SEM: case DS_BARRIER: return !tl__d_obj(t->wait_on)->shared;
    case DS_JOIN: return t->wait_on != 0 && !tl__d_thread(t->wait_on)->ended;
    case DS_QUEUE: case DS_IDLE: case DS_FUTURE: case DS_EVENT: return 1;
    case DS_RUN: case DS_SLEEP: break;
    }
    return 0;
}

void tl__waitfor_tick(uint64_t now_ns) {
    /* Relocks of one's own lock: blocked() says when one has waited long
     * enough to be a deadlock (see the top). */
    for (uint32_t i = 1; i < tl__d_nthreads(); i++) {
        const dthread *t = tl__d_thread(i);
        if (t->state == DS_LOCK && !t->ended && tl__d_obj(t->wait_on)->owner == i)
            tl__waitfor_blocked(i, now_ns);
    }
    uint64_t limit = tl__g.opt.hang_ms * 1000000u;
    /* After lost events a thread may be running while it looks blocked. */
    if (!limit || tl__finding_fatal() || tl__d_inexact()) return;
    uint32_t nt = tl__d_nthreads(), live = 0;
    uint64_t latest = 0;
    for (uint32_t i = 1; i < nt; i++) {
        const dthread *t = tl__d_thread(i);
        if (!t->seen || t->ended) continue;
        if (!hang_state(t)) {
            hang_reported = 0; /* something runs: a later hang is a new one */
            return;
        }
        live++;
        if (t->since > latest) latest = t->since;
    }
    /* Nothing at all happened for the whole time: an event (a thread that
     * ended, a post, a signal) may be what releases a wait whose own wakeup
     * is not recorded yet. */
    uint64_t quiet = tl__d_last_event_ns();
    if (quiet < latest) quiet = latest;
    if (!live || hang_reported || now_ns < quiet + limit) return;
    /* The writer, and a main thread that called pthread_exit (the kernel
     * keeps the group leader until the process ends), are not traced. */
    long expect = (long)live + 1 + (tl__main_ended() ? 1 : 0);
    if (tl__kernel_threads() != expect) return;
    /* A signal handler may post a semaphore (async-signal-safe) and end a
     * sem_wait: with one installed, a semaphore wait is not a hang. */
    int sem_waits = 0;
    for (uint32_t i = 1; i < nt; i++) {
        const dthread *t = tl__d_thread(i);
        if (t->seen && !t->ended && t->state == DS_SEM) sem_waits = 1;
    }
    if (sem_waits && tl__program_handles_signals()) return;
    hang_reported = 1;
    tl_finding *f = &scratch;
    tl__finding_start(f, TL_FIND_HANG, 1, now_ns);
    f->hang_ns = now_ns - quiet;
    for (uint32_t i = 1; i < nt; i++) {
        const dthread *t = tl__d_thread(i);
        if (!t->seen || t->ended) continue;
        f->total++;
        if (f->nsteps < TL_FIND_MAX_STEPS) {
            tl_fstep *s = &f->steps[f->nsteps++];
            memset(s, 0, sizeof *s);
            s->tid = i;
            s->ns = t->since;
            if (t->state == DS_JOIN) s->want_tid = t->wait_on;
            else s->want = t->wait_on, s->want_mode = t->mode;
            s->want_at = t->wait_at;
            tl__d_state_text(t, s->state, sizeof s->state);
        }
        if (t->state == DS_COND && !f->lost) {
            const dobj *c = tl__d_obj(t->wait_on);
            if (c->lost && c->lost_ns <= t->since) {
                f->lost = 1;
                f->lost_cond = t->wait_on, f->lost_tid = c->lost_tid;
                f->lost_ns = c->lost_ns, f->lost_at = c->lost_at;
            }
        }
    }
    tl__finding_report(f);
}

void tl__waitfor_reset(void) {
    free(vis);
    free(in_deadlock);
    free(path);
    free(path_it);
    vis = NULL, in_deadlock = NULL, path = NULL, path_it = NULL;
    capvis = cappath = gen = 0;
    hang_reported = 0;
}
