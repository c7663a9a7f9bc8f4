/*
 * tracecheck.h — load a Chrome/Perfetto JSON trace, check it against the
 * rules Perfetto's importer enforces (docs: trace-format.md), and query what
 * the trace contains (thread slices, async slices, flows, counters, instants).
 *
 * Loading runs every rule once and builds the query model, so tc_check() and
 * the query functions are cheap and never fail.
 *
 * Ownership: everything reachable from a tc_trace (strings, slices, args
 * cJSON objects, problem lines) belongs to the trace and stays valid until
 * tc_free(). Callers never free any of it and must not modify it.
 *
 * Thread-safety: a loaded trace is immutable; any number of threads may query
 * it at once. Do not load from two threads at once: cJSON records parse
 * errors in a process-global variable.
 *
 * Out of memory aborts the process with a message: this is a test tool.
 */
#ifndef TRACECHECK_H
#define TRACECHECK_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TC_OPEN_END (-1) /* end_ns of a slice that was never closed */

/* How an async slice is identified (trace-format.md section 5). */
typedef enum tc_id_scope {
    TC_ID_NONE = 0,     /* a thread-track slice */
    TC_ID,              /* "id": global track */
    TC_ID2_GLOBAL,      /* "id2":{"global":...}: global track */
    TC_ID2_LOCAL        /* "id2":{"local":...}: track scoped to the pid */
} tc_id_scope;

/* A slice on a thread track (B/E pair or X) or on an async track (b/e pair or
 * n). Times are integer nanoseconds: llround(ts_us * 1000). */
typedef struct tc_slice {
    char ph;              /* 'B' (B/E pair), 'X', 'b' (b/e pair) or 'n' */
    const char *name;     /* never NULL; "" when the event had no name */
    const char *cat;      /* NULL when absent or empty */
    uint32_t pid, tid;    /* of the opening event (B, X, b or n) */
    int64_t start_ns;
    int64_t end_ns;       /* TC_OPEN_END if never closed (truncated trace) */
    int depth;            /* thread: stack depth, 0 = top level;
                             async: nesting depth within its identity */
    const cJSON *args;     /* args of the opening event, or NULL */
    const cJSON *end_args; /* args of the closing E/e event, or NULL */
    tc_id_scope id_scope;  /* TC_ID_NONE for thread slices */
    const char *async_id;  /* async only: id text ("0x1f", "42"); else NULL */
    bool flow_in, flow_out; /* v2 flow flags of the opening event */
    uint64_t bind_id;       /* meaningful when flow_in or flow_out is set */
    size_t event;           /* index of the opening event in the array */
} tc_slice;

/* An instant event (i or I). Thread-scoped instants also appear in their
 * thread's list. */
typedef struct tc_instant {
    const char *name;     /* never NULL */
    const char *cat;      /* NULL when absent or empty */
    char scope;           /* 't' (also when "s" is absent), 'p' or 'g' */
    uint32_t pid, tid;
    int64_t ts_ns;
    int depth;            /* thread scope: stack depth; otherwise 0 */
    const cJSON *args;    /* or NULL */
    size_t event;         /* index in the event array */
} tc_instant;

/* A thread: a (pid, tid) that has thread-track events or metadata. */
typedef struct tc_thread {
    uint32_t pid, tid;
    const char *name;          /* last thread_name, NULL if none */
    long long sort_index;      /* thread_sort_index, 0 if none */
    bool has_sort_index;
    const tc_slice *const *slices;     /* B/E and X slices, by start time
                                          (a parent before its children);
                                          B left open in a truncated trace
                                          have end_ns == TC_OPEN_END */
    size_t n_slices;
    const tc_instant *const *instants; /* thread-scoped instants, by time */
    size_t n_instants;
} tc_thread;

/* One flow arrow (v2: bind_id + flow_out ... flow_in). */
typedef struct tc_flow {
    uint64_t bind_id;
    const tc_slice *from;      /* slice whose event had flow_out */
    const tc_slice *to;        /* slice whose event had flow_in */
} tc_flow;

typedef struct tc_sample {
    int64_t ts_ns;
    double value;
} tc_sample;

/* A counter track: one per (pid, "<name> <key>") or
 * (pid, "<name> id: <id> <key>"), like Perfetto's process counter tracks. */
typedef struct tc_counter {
    uint32_t pid;
    const char *track;         /* full track name */
    const tc_sample *samples;  /* by time */
    size_t n_samples;
} tc_counter;

typedef struct tc_stats {
    size_t events;         /* elements of the event array that were loaded */
    size_t threads;        /* entries of tc_trace.threads */
    size_t slices;         /* closed thread-track slices (B/E pairs and X) */
    size_t async_slices;   /* closed async slices (b/e pairs and n) */
    size_t flows;          /* flow arrows */
    size_t counters;       /* counter tracks */
    size_t samples;        /* counter samples, all tracks */
    size_t instants;       /* i/I events of every scope */
    size_t unclosed;       /* B left open at the end of a truncated trace */
    size_t unclosed_async; /* b left open at the end of a truncated trace */
    size_t dangling_flows; /* flow_out never consumed by a flow_in */
} tc_stats;

struct tc__model;

/* A loaded trace. All fields are read-only for callers. */
typedef struct tc_trace {
    const char *path;          /* name given at load time */
    bool truncated;            /* array form without its closing ']' */
    bool dropped_partial;      /* truncated inside an event: it was dropped */
    tc_stats stats;
    const tc_thread *const *threads;  /* by pid, sort_index, tid */
    size_t n_threads;
    const tc_slice *const *async;     /* async slices, by start time */
    size_t n_async;
    const tc_flow *flows;             /* by the time of their flow_in */
    size_t n_flows;
    const tc_counter *const *counters; /* by pid, then track name */
    size_t n_counters;
    const tc_instant *const *instants; /* all scopes, by time */
    size_t n_instants;
    struct tc__model *model;   /* private */
} tc_trace;

/* The problems found at load time. */
typedef struct tc_problems {
    const char *const *lines;  /* "event #N (...): what is wrong", trace-owned */
    size_t count;              /* entries in lines (at most TC_MAX_PROBLEMS) */
    size_t total;              /* problems found; > count when capped */
} tc_problems;

#define TC_MAX_PROBLEMS 10000 /* lines kept per trace; the rest are counted */

/* ---- loading -------------------------------------------------------------- */

/* Reads and checks the trace at path. Accepts the array form and the
 * {"traceEvents":[...]} form. A truncated array (no closing ']', a trailing
 * comma, a last event cut off mid-object) loads with truncated set and the
 * partial event dropped; a truncated object form does not.
 * Returns NULL on unreadable, empty or unparseable input and writes one line,
 * "path:line:col: what is wrong" where a position is known, into err
 * (if err is not NULL and errlen > 0). Free the result with tc_free(). */
tc_trace *tc_load_file(const char *path, char *err, size_t errlen);

/* Same as tc_load_file for a trace held in memory. name is used in messages
 * and copied; data is copied and need not be NUL-terminated. */
tc_trace *tc_load_buffer(const char *data, size_t len, const char *name,
                         char *err, size_t errlen);

/* Frees a trace and everything it owns. NULL is allowed. */
void tc_free(tc_trace *t);

/* ---- checking ------------------------------------------------------------- */

/* Returns the number of problems (0: Perfetto imports the trace as written).
 * When out is not NULL it receives the problem lines, owned by t. Problems
 * not tied to an event read "pid 1 tid 3: ..." or "line L col C: ...". */
size_t tc_check(const tc_trace *t, tc_problems *out);

/* Returns the first problem line of p containing needle, or NULL. */
const char *tc_problem_find(const tc_problems *p, const char *needle);

/* Loads path and prints "path: problem" for every problem and load error to
 * report (if not NULL). Returns 0 if the trace passes, the number of problems
 * if it does not, -1 if it could not be loaded. For tests that write a trace
 * and only need a verdict. */
long tc_check_file(const char *path, FILE *report);

/* ---- queries (pid 0 and tid 0 match any) ---------------------------------- */

/* The thread (pid, tid), or NULL. */
const tc_thread *tc_thread_find(const tc_trace *t, uint32_t pid, uint32_t tid);

/* The last thread_name of (pid, tid), or NULL. */
const char *tc_thread_name(const tc_trace *t, uint32_t pid, uint32_t tid);

/* The last process_name of pid, or NULL. */
const char *tc_process_name(const tc_trace *t, uint32_t pid);

/* The nth (0-based) thread-track slice called name on (pid, tid), in start
 * order, or NULL. */
const tc_slice *tc_slice_find(const tc_trace *t, uint32_t pid, uint32_t tid,
                              const char *name, size_t nth);

/* The nth (0-based) async slice called name, in start order, or NULL. */
const tc_slice *tc_async_find(const tc_trace *t, const char *name, size_t nth);

/* The number of thread-track slices called name on (pid, tid). */
size_t tc_slice_count(const tc_trace *t, uint32_t pid, uint32_t tid,
                      const char *name);

/* An argument of a slice: the E/e args win over the B/b args, as in
 * Perfetto's merged arg set. NULL if absent. */
const cJSON *tc_slice_arg(const tc_slice *s, const char *key);

/* The counter track (pid, track), e.g. track "queue depth", or NULL. */
const tc_counter *tc_counter_find(const tc_trace *t, uint32_t pid,
                                  const char *track);

/* The nth (0-based) instant called name (any scope), or NULL. */
const tc_instant *tc_instant_find(const tc_trace *t, const char *name,
                                  size_t nth);

/* The nth (0-based) flow leaving a slice called from_name, or NULL. */
const tc_flow *tc_flow_find(const tc_trace *t, const char *from_name,
                            size_t nth);

#ifdef __cplusplus
}
#endif

#endif /* TRACECHECK_H */
