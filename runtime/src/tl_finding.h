/*
 * tl_finding.h — what the detectors found, as plain structs, and the one
 * module that renders them: an event in the trace (docs/trace-format.md,
 * "Finding events") and a report on stderr in the layout users know from
 * TSan and lockdep. Detectors never print or write JSON themselves. (Data
 * races have their own renderer, tl_racereport.c: their records come from
 * the race detector, not from these structs; ids and counts are shared.)
 *
 * Writer thread only.
 */
#ifndef TL_FINDING_H
#define TL_FINDING_H

#include "tl_internal.h"

typedef enum tl_finding_kind {
    TL_FIND_LOCK_ORDER,
    TL_FIND_DEADLOCK,
    TL_FIND_HANG,
    TL_FIND_MISUSE,
    TL_FIND_RACE, /* rendered by tl_racereport.c; here only counted and named */
    TL_FIND_TASK, /* a pool task failed and nobody looked (tl_tracks_hl.c) */
    TL_FIND__KINDS
} tl_finding_kind;

/* A site as recorded: a tl_site *, or a return address with TL_EVF_PC. */
typedef struct tl_fsite {
    uint64_t site;
    uint8_t flags;
} tl_fsite;

/* One step of a cycle, or one thread of a hang.
 * - lock order: thread tid acquired `want` (mode want_mode, at want_at)
 *   while holding `held` (taken in held_mode at held_at), at time ns.
 * - deadlock: thread tid holds `held` (taken at held_at) and waits for
 *   `want` (at want_at) — or, with want 0, for thread want_tid to end.
 * - hang: thread tid is in `state` (a text) since ns, waiting on `want`
 *   (an object) or want_tid (a thread), at want_at. */
typedef struct tl_fstep {
    uint32_t tid;
    uint32_t held, want, want_tid;
    uint8_t held_mode, want_mode;
    tl_fsite held_at, want_at;
    uint64_t ns;
    char state[96];
} tl_fstep;

#define TL_FIND_MAX_STEPS 64 /* longer cycles are cut in the report */

typedef struct tl_finding {
    tl_finding_kind kind;
    uint32_t id;      /* unique in the trace */
    uint64_t count;   /* times seen (lock order repeats) */
    uint32_t tid;     /* the thread it is drawn on */
    uint64_t ns;      /* when */
    uint32_t nsteps;  /* steps[] in use; total may be larger when cut */
    uint32_t total;
    tl_fstep steps[TL_FIND_MAX_STEPS];
    /* misuse */
    char what[96];
    uint32_t obj;      /* the object misused, 0: none */
    uint32_t obj_tid;  /* or the thread (joins) */
    tl_fsite at;
    char detail[256];  /* one more line for stderr ("held by main (T1) since ...") */
    /* hang */
    uint64_t hang_ns;  /* how long every thread has been blocked */
    int lost;          /* a lost wakeup: a signal found no waiter */
    uint32_t lost_cond, lost_tid;
    uint64_t lost_ns;
    tl_fsite lost_at;
    /* unobserved task failure (tid: who shut the pool down or released it) */
    struct {
        uint32_t pool, worker, submitter;
        uint64_t serial, failed_ns;
        int64_t status;
        char label[TL_NAME_MAX];
        const char *error; /* the task's message (kept until exit), or NULL */
        tl_fsite submitted_at;
    } task;
} tl_finding;

/* Clears f and gives it a kind, a new id, a count of 1, a thread and a time. */
TL_INTERNAL void tl__finding_start(tl_finding *f, tl_finding_kind kind, uint32_t tid, uint64_t ns);
/* Writes f to the trace and reports it on stderr. */
TL_INTERNAL void tl__finding_report(const tl_finding *f);
/* A later event with f's id and its new count (no stderr). */
TL_INTERNAL void tl__finding_recount(const tl_finding *f);

/* A new finding id (tl__finding_start takes one too): ids are unique across
 * every kind, races included. */
TL_INTERNAL uint32_t tl__finding_new_id(void);
/* Counts a finding rendered elsewhere (a data race) for the exit summary. */
TL_INTERNAL void tl__finding_counted(tl_finding_kind kind);
/* "; found 1 data race, 2 lock order inversions" for the exit summary, or ""
 * when nothing was found. Any thread, once the writer has stopped. */
TL_INTERNAL void tl__finding_summary(char *out, size_t cap);
/* Writes a whole report block to stderr (one write where it fits). */
TL_INTERNAL void tl__finding_stderr(const char *text, size_t len);

/* After a deadlock or hang: 1 once the process is to end (THREADLENS_ON_DEADLOCK
 * exit or abort); the writer then closes the trace and calls tl__finding_end. */
TL_INTERNAL int tl__finding_fatal(void);
TL_INTERNAL void tl__finding_end(void) __attribute__((noreturn));

#endif /* TL_FINDING_H */
