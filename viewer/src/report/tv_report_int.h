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

typedef struct tv_rep {
    const tv_model *m;
    tv_rep_thread *threads;
    size_t nthreads;
    tv_rep_lock *locks;
    size_t nlocks;
    tv_rep_finding *findings; /* in order of first report */
    size_t nfindings;
    tv_map thread_by_tid; /* (pid, tid) -> index in threads */
    tv_map obj_by_id, obj_by_name; /* (pid, id or name) -> index in m->objects */
} tv_rep;

/* JSON key / text heading of each kind. */
extern const char *const tv_rep_kind_key[TV_REP_NKINDS];

int tv_rep_build(tv_rep *r, const tv_model *m); /* 0, or -1 out of memory */
void tv_rep_free(tv_rep *r);
int tv_rep_findings(tv_rep *r);                 /* called by tv_rep_build */

/* Name of thread tid / object id in process pid, or NULL. */
const char *tv_rep_thread_name(const tv_rep *r, uint32_t pid, int64_t tid);
const char *tv_rep_object_name(const tv_rep *r, uint32_t pid, int64_t id);

int tv_rep_text(const tv_rep *r, FILE *f);
int tv_rep_json(const tv_rep *r, FILE *f);

#endif
