/*
 * tv_report_int.h — the report's figures, computed once from a model and
 * then written as text (tv_report_text.c) or JSON (tv_report_json.c).
 *
 * Definitions the two outputs share (and the docs of `threadlens report`):
 * - Thread time: the sum of the thread's state slices (cat "state").
 *   running = slices named "running"; blocked = every other state slice
 *   (waiting for/to read/on, spinning on, joining, in barrier, sleeping).
 * - Lock waits: state slices "waiting for L", "waiting to read L" and
 *   "spinning on L" on the threads of L's process. waits/wait totals count
 *   all of them (a timed-out wait was still a wait); contended counts those
 *   that end in an acquisition: a hold of L by that thread (the hold's
 *   args.thread; when threads of the process share the waiter's name, the
 *   hold's tid, re-read from the file) beginning within TV_REP_MATCH_NS of
 *   the wait's end.
 * - Findings: instants of cat "finding"; reports sharing (pid, args.id)
 *   collapse into the one with the highest args.count, listed where the
 *   first of them was. A data race keeps the time and thread of its first
 *   report (the access; later ones are the final count, written at the end).
 * - Pools (tv_report_pools.c): threadlens_object of kind "pool", the threads
 *   with a threadlens_pool_worker for it, and its tasks: X slices of cat
 *   "task" (pieces of one (pid, args.pool_id, args.task) joined; a slice
 *   without pool_id belongs to its worker's pool). A task runs from its
 *   first piece's start to its last piece's end; its queue wait is
 *   args.queue_wait_us; it failed when args.status is "failed" (or, when the
 *   file cannot be re-read, when a "task failed" instant lies inside it).
 *   Percentiles are nearest-rank. A worker's lifetime runs from its first
 *   to its last state slice; busy = the sum of its tasks' run times;
 *   utilization = busy / lifetime; imbalance = max busy / mean busy over
 *   the pool's workers (0 when nothing ran). Idle gaps: per worker, from
 *   its start to its first task, between consecutive tasks, and from its
 *   last task to its end; the pool keeps the TV_REP_GAPS longest. The task
 *   list names each task's worker, queue wait, run time and status.
 */
#ifndef TV_REPORT_INT_H
#define TV_REPORT_INT_H

#include <stdint.h>
#include <stdio.h>

#include "tv_map.h"
#include "tv_model.h"

struct cJSON;

/* The writer stamps the hold's b with the same instant that ends the wait;
 * the slack only absorbs rounding of foreign or hand-edited files. */
#define TV_REP_MATCH_NS 1000

typedef struct tv_rep_thread {
    uint32_t lane;
    uint32_t pid;
    int64_t tid;
    const char *name;
    uint64_t slices;
    int64_t running, blocked; /* ns */
    int64_t first, last;      /* ns, file clock; valid when has_time */
    int has_time;
} tv_rep_thread;

typedef struct tv_rep_lock {
    uint32_t lane;
    uint32_t pid;
    const char *name;
    const char *kind;   /* threadlens_object kind, NULL when unknown */
    int64_t object_id;  /* -1 when unknown */
    uint64_t acquisitions, read_holds, contended, waits;
    int64_t wait_total, wait_max, hold_total, hold_max; /* ns */
} tv_rep_lock;

enum tv_rep_kind {
    TV_REP_RACE,
    TV_REP_LOCK_ORDER,
    TV_REP_DEADLOCK,
    TV_REP_HANG,
    TV_REP_MISUSE,
    TV_REP_TASK,  /* an unobserved task failure */
    TV_REP_OTHER,
    TV_REP_NKINDS
};

typedef struct tv_rep_finding {
    int kind;              /* tv_rep_kind */
    const char *kind_name; /* args.finding as written (e.g. "data race") */
    int64_t ts;            /* ns */
    uint32_t pid;
    int64_t tid;           /* the event's tid, -1 when unknown */
    int64_t id;            /* args.id, -1 when absent */
    int64_t count;         /* args.count, 1 when absent */
    const char *message;   /* args.message, else the event name */
    struct cJSON *args;    /* the event's args object (owned), never NULL */
} tv_rep_finding;

typedef struct tv_rep_worker {
    uint32_t lane;
    int64_t tid;
    const char *thread;
    int64_t index;      /* its threadlens_pool_worker index, -1 when unknown */
    uint64_t tasks;
    int64_t busy;       /* ns */
    int64_t start, end; /* ns, its lifetime; start == end when unknown */
    double utilization; /* busy / lifetime, 0 when the lifetime is 0 */
} tv_rep_worker;

/* Nearest-rank percentiles of n values (none when n == 0). */
typedef struct tv_rep_pct {
    uint64_t n;
    int64_t p50, p95, max; /* ns */
} tv_rep_pct;

typedef struct tv_rep_gap {
    uint32_t worker;    /* index in the pool's workers */
    int64_t start, dur; /* ns */
} tv_rep_gap;

/* One task that ran, as listed in the report. */
typedef struct tv_rep_task {
    int64_t number;     /* args.task, -1 when absent */
    const char *label;  /* the slice's name */
    uint32_t worker;    /* index in the pool's workers */
    int64_t start, run; /* ns */
    int64_t wait;       /* ns, -1 when unknown */
    int failed;
} tv_rep_task;

#define TV_REP_GAPS 3
typedef struct tv_rep_pool {
    uint32_t pid;
    int64_t id;         /* object id */
    const char *name;   /* the object's name, else args.pool, else NULL */
    char *name_copy;    /* owns name when it came from args.pool */
    tv_rep_worker *workers; /* by index, then tid */
    size_t nworkers, capworkers;
    uint64_t tasks, failed, cancelled; /* cancelled: "task cancelled" instants */
    tv_rep_pct wait, run;
    double imbalance;
    tv_rep_gap gaps[TV_REP_GAPS]; /* longest first */
    int ngaps;
    tv_rep_task *task_list; /* every task that ran, by start, then worker */
} tv_rep_pool;

typedef struct tv_rep {
    const tv_model *m;
    tv_rep_thread *threads;
    size_t nthreads;
    tv_rep_lock *locks;
    size_t nlocks;
    tv_rep_finding *findings; /* in order of first report */
    size_t nfindings;
    tv_rep_pool *pools;       /* objects' order, then pools only tasks name */
    size_t npools;
    tv_map thread_by_tid; /* (pid, tid) -> index in threads */
    tv_map obj_by_id, obj_by_name; /* (pid, id or name) -> index in m->objects */
} tv_rep;

/* JSON key / text heading of each kind. */
extern const char *const tv_rep_kind_key[TV_REP_NKINDS];

int tv_rep_build(tv_rep *r, const tv_model *m); /* 0, or -1 out of memory */
void tv_rep_free(tv_rep *r);
int tv_rep_findings(tv_rep *r);                 /* called by tv_rep_build */
int tv_rep_pools(tv_rep *r);                    /* called by tv_rep_build */
void tv_rep_pools_free(tv_rep *r);

/* Name of thread tid / object id in process pid, or NULL. */
const char *tv_rep_thread_name(const tv_rep *r, uint32_t pid, int64_t tid);
const char *tv_rep_object_name(const tv_rep *r, uint32_t pid, int64_t id);

int tv_rep_text(const tv_rep *r, FILE *f);
int tv_rep_json(const tv_rep *r, FILE *f);

#endif
