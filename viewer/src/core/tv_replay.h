/*
 * tv_replay.h — replaying a loaded trace step by step (issue 8): the ordered
 * list of moments where something changes (a thread's state, a lock's
 * holder, a counter, a mark, a finding), and the whole program's state at
 * any time: every thread's state and what it waits for, every lock's owner
 * and waiters, every counter's value (semaphores, queue depths, pool
 * queued/busy, lock waiters). SDL-free: the viewer's playhead and state
 * panel and the tests read it alike.
 *
 * Built once per model (O(events log events)); queries are O(log n) for a
 * step and O(lanes log n) for a state.
 */
#ifndef TV_REPLAY_H
#define TV_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "tv_model.h"

typedef struct tv_replay tv_replay;

/* What happens at a step. */
enum tv_step_kind {
    TV_STEP_STATE,   /* a thread's state slice begins (running, waiting for L, ...) */
    TV_STEP_SLICE,   /* another slice begins on a thread (function, task, phase) */
    TV_STEP_HOLD,    /* a lock hold begins (lane: the lock lane) */
    TV_STEP_RELEASE, /* a lock hold ends (lane: the lock lane) */
    TV_STEP_COUNTER, /* a counter sample changes the value (lane: the counter lane) */
    TV_STEP_MARK,    /* an instant on a thread (or process/global: lane TV_NO_LANE) */
    TV_STEP_ACCESS,  /* a data race's access marker (a cat "finding" X slice, dur 0) */
    TV_STEP_FINDING, /* a finding instant (index: into m->findings) */
};

typedef struct tv_step {
    int64_t ts;      /* ns, model clock */
    uint32_t lane;   /* the lane it happens on; TV_NO_LANE for process/global marks */
    uint32_t thread; /* the thread lane it belongs to (a hold's holder, a sample's
                        recording thread when known), else TV_NO_LANE */
    uint32_t row;    /* slice steps: the row */
    uint8_t kind;    /* tv_step_kind */
    size_t index;    /* slice in row, sample, mark (lane marks or gmarks), finding */
} tv_step;

/* NULL when out of memory. The model must outlive the replay. */
tv_replay *tv_replay_new(const tv_model *m);
void tv_replay_free(tv_replay *r);

/* Steps are sorted by (ts, then a stable order: file order where known).
 * At one ts: slices first (X slices are written when they end, so their
 * file order says nothing; a parent before its child), then holds,
 * releases, marks and findings in file order, then counter samples.
 * A state that only goes on under the same name (cut by a call or phase)
 * is no step; nor is a repeat of one zero-length slice (one step per
 * moment). Build fails (NULL) past UINT32_MAX steps. */
size_t tv_replay_nsteps(const tv_replay *r);
const tv_step *tv_replay_step(const tv_replay *r, size_t i);

/* The first step after time t (dir > 0: ts > t) or the last before it
 * (dir < 0: ts < t), only counting steps whose lane or thread is `lane`
 * (TV_NO_LANE: every step). SIZE_MAX when there is none. Counter steps are
 * skipped unless with_counters. dir == 0: the first step at or after t
 * (ts >= t). */
size_t tv_replay_seek(const tv_replay *r, int64_t t, int dir, uint32_t lane, int with_counters);
/* The next (dir > 0) / previous finding step strictly after / before t,
 * SIZE_MAX when none. */
size_t tv_replay_seek_finding(const tv_replay *r, int64_t t, int dir);

/* The state at time t: everything that began at or before t and had not
 * ended before t (at a change, the state beginning at t). A lock hold
 * covers [begin, end): at its release step the lock is free, at the next
 * holder's hold step it is the next holder's. */
typedef struct tv_rp_thread {
    uint32_t lane;
    const char *name;      /* thread name */
    int64_t tid;
    const char *state;     /* its state slice's name ("running", "waiting for forks",
                              "sleeping"); "" before it started, "exited" after */
    const char *waits_for; /* the object a waiting state names ("forks"), else NULL */
    int64_t since;         /* when that state began (ns); "exited": when its last
                              slice ended; "": t */
    const char *doing;     /* innermost other slice (function, task label), else NULL */
    uint32_t lock_lane;    /* the lock lane waits_for names (same process), else TV_NO_LANE */
} tv_rp_thread;

typedef struct tv_rp_lock {
    uint32_t lane;         /* the lock lane */
    const char *name;
    const char *owner;     /* holder's name (write or only holder), NULL when free */
    int64_t owner_tid;     /* -1 when unknown or free */
    uint32_t readers;      /* read holds now (rwlocks) */
    uint32_t nwaiters;
    const uint32_t *waiters; /* thread lanes whose state waits for this lock */
    uint32_t owner_lane;   /* the owner's thread lane, TV_NO_LANE when unknown or free */
} tv_rp_lock;

typedef struct tv_rp_counter {
    uint32_t lane;         /* the counter lane */
    const char *name;      /* "<series> <key>", e.g. "slots value", "jobs depth" */
    double value;          /* the last sample at or before t */
    int known;             /* 0 before its first sample */
} tv_rp_counter;

typedef struct tv_rp_state {
    int64_t t;
    tv_rp_thread *threads; size_t nthreads; /* display order */
    tv_rp_lock *locks; size_t nlocks;
    tv_rp_counter *counters; size_t ncounters;
    size_t nfindings;      /* findings at or before t */
    void *mem;             /* owned storage */
} tv_rp_state;

/* Fills s (the caller's, zeroed or freed before); 0, or -1 out of memory. */
int tv_replay_state(const tv_replay *r, int64_t t, tv_rp_state *s);
void tv_rp_state_free(tv_rp_state *s);

/* The state panel's text at t: one line per thread, lock and counter,
 * "\n"-separated, e.g.
 *   "threads"
 *   "  update (tid 2): sleeping since 1.02 ms"
 *   "  philosopher (tid 3): waiting for forks+0x28, held by philosopher (tid 4)"
 *   "locks"
 *   "  forks: held by philosopher (tid 2); waiting: philosopher (tid 6)"
 *   "counters"
 *   "  jobs depth = 3"
 * Returns the length written (truncated to len - 1). */
size_t tv_replay_text(const tv_replay *r, int64_t t, char *buf, size_t len);

/* One line describing step i ("1.204 ms  update (tid 3): read of db  [race]"),
 * for the status line and the step tests. */
size_t tv_replay_step_text(const tv_replay *r, size_t i, char *buf, size_t len);

/* Bytes the replay holds (steps and their index lists), for the tests and
 * the benchmark: about 40 per step. */
size_t tv_replay_bytes(const tv_replay *r);

#endif
