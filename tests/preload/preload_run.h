/*
 * preload_run.h — running an unmodified program under `threadlens run` for
 * the preload tests, and the trace queries those tests share. Nothing here
 * decides pass or fail: it runs, loads and answers; preload_test.c checks.
 */
#ifndef PRELOAD_RUN_H
#define PRELOAD_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "tracecheck.h"

typedef struct pl_run {
    const char *name;       /* the test: names the temporary files */
    const char *threadlens; /* the threadlens command */
    const char *prog;       /* the program to trace */
    const char *args[4];    /* its arguments, NULL-terminated */
    const char *env[4];     /* extra NAME=VALUE settings, NULL-terminated */
    int timeout_s;          /* killed (with its whole process group) after this */
    /* results */
    int status;             /* threadlens run's wait status */
    int timed_out;
    char trace[256], outpath[256], errpath[256];
    char *out, *err;        /* what the run wrote to stdout and stderr */
    tc_trace *t;            /* NULL if the trace did not load */
    char load_error[512];
    size_t problems;        /* tc_check's count; the lines went to stderr */
} pl_run;

/* Runs `threadlens run -o TRACE -- PROG ARGS...` to its end or its timeout,
 * echoes its stdout and stderr to ours, and loads and checks the trace. */
void pl_execute(pl_run *r);

/* Removes the run's files (unless keep) and frees what it holds. */
void pl_finish(pl_run *r, int keep);

int pl_exited_with(const pl_run *r, int code);

/* The whole file, NUL-terminated (caller frees), or NULL. */
char *pl_slurp(const char *path);

/* The 1-based line of progs/FILE that contains "@MARKER", or -1. */
int pl_marker_line(const char *file, const char *marker);

/* "FILE:LINE" for that marker, in one of 8 rotating static buffers. */
const char *pl_site(const char *file, const char *marker);

/* Whether text (an "at" string, NULL allowed) names site "FILE:LINE":
 * "FILE:12" is not found in "FILE:123". */
int pl_site_in(const char *text, const char *site);

/* ---- trace queries (tid 0 = any thread) ------------------------------------ */

/* The first thread called name, or 0; the number of threads called name. */
uint32_t pl_tid_of(const tc_trace *t, const char *name);
size_t pl_threads_named(const tc_trace *t, const char *name);

/* A string argument of a slice, or NULL. */
const char *pl_arg(const tc_slice *s, const char *key);

/* Async slices (lock holds) called name; those held by tid; the nth of them
 * whose "at" contains at_part (NULL: any). */
size_t pl_holds(const tc_trace *t, const char *name, uint32_t tid);
const tc_slice *pl_hold_at(const tc_trace *t, const char *name, uint32_t tid, const char *at_part,
                           size_t nth);

/* The nth thread slice called name on tid whose "at" contains at_part (NULL: any). */
const tc_slice *pl_slice_at(const tc_trace *t, uint32_t tid, const char *name, const char *at_part,
                            size_t nth);

/* Flows whose source is called from (or starts with from, if prefix) and
 * whose target is on to_tid; the nth such flow. */
size_t pl_flows(const tc_trace *t, const char *from, int prefix, uint32_t to_tid);
const tc_flow *pl_flow(const tc_trace *t, const char *from, int prefix, uint32_t to_tid, size_t nth);

/* Calls fn on every event of the trace file, parsed one line at a time (the
 * format writes one event a line). Returns the number of events, -1 if the
 * file cannot be read. */
long pl_each_event(const char *path, void (*fn)(const cJSON *event, void *ctx), void *ctx);

/* The name of the trace's last event, "" if none (caller frees nothing). */
const char *pl_last_event_name(const char *path);

#endif
