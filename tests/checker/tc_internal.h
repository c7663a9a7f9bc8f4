/*
 * tc_internal.h — shared internals of the trace checker (not installed).
 *
 * Pipeline (each step in its own file):
 *   tc_load.c   read the file, detect its form, parse each event with cJSON
 *               (a truncated array loses only its partial last event)
 *   tc_scan.c   one lexical pass over the raw text: event spans and lines,
 *               trailing commas, structure errors, bytes Perfetto rejects
 *   tc_event.c  per-event field rules (a, b, f, g and the flow fields of e)
 *   tc_track.c  Perfetto's sort order, thread-track nesting (c), instants
 *   tc_async.c  async slices (d), v2 flows (e), counters (g)
 *   tc_meta.c   metadata events and the naming rules (h)
 *   tc_model.c  freezing the model into the public arrays, queries
 *   tc_util.c   vectors, string maps, problem lines
 *
 * Invariant: while the model is built, slices, instants and threads are
 * referred to by index (their vectors may move); public pointers are made
 * only by tc__model_finish(), after which nothing is added.
 */
#ifndef TC_INTERNAL_H
#define TC_INTERNAL_H

#include "tracecheck.h"

#include <stdarg.h>

#define TC__MAX_DEPTH 512     /* slice_tracker.h: deeper slices are dropped */
#define TC__NONE ((size_t)-1) /* "no index" */
#define TC__MAX_LEX 20        /* lexical problems listed; the rest counted */

#if defined(__GNUC__)
#define TC__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TC__PRINTF(f, a)
#endif

/* ---- tc_util.c ------------------------------------------------------------ */

/* A growable array of fixed-size elements. */
typedef struct tc__vec {
    char *data;
    size_t len, cap, size;
} tc__vec;

#define TC__VEC_OF(type) {NULL, 0, 0, sizeof(type)}
#define TC__AT(v, type, i) (((type *)(v)->data)[i])

_Noreturn void tc__oom(size_t n);         /* prints a message, aborts */
void *tc__xmalloc(size_t n);               /* aborts on failure */
void *tc__xcalloc(size_t n, size_t size);  /* aborts on failure */
char *tc__xstrdup(const char *s);
char *tc__xprintf(const char *fmt, ...) TC__PRINTF(1, 2);
void *tc__vec_push(tc__vec *v);            /* a zeroed new last element */
void tc__vec_free(tc__vec *v);

/* An open-addressing map from strings (copied) to size_t. */
typedef struct tc__map {
    char **keys;
    size_t *vals;
    size_t cap, len;
} tc__map;

size_t tc__map_get(const tc__map *m, const char *key); /* TC__NONE if absent */
void tc__map_set(tc__map *m, const char *key, size_t val);
void tc__map_free(tc__map *m);

/* ---- the model ------------------------------------------------------------ */

/* One element of the event array, with the fields the rules read. The
 * cJSON object itself is freed once read; only its args are kept. */
typedef struct tc__event {
    cJSON *json;          /* only while tc__read_event() runs, then NULL */
    size_t index;
    long line;            /* 1-based line of its first byte; 0 if unknown */
    char ph;              /* first char of "ph"; 0 if missing */
    const char *name;     /* interned; "" when missing */
    const char *cat;      /* interned; NULL when missing or empty */
    uint32_t pid, tid;
    bool has_ts;
    int64_t ts;
    bool has_dur;
    int64_t dur;
    cJSON *args;          /* owned; NULL unless an object */
    char scope;           /* instants: 't', 'p' or 'g' */
    tc_id_scope id_scope; /* async and counter events with an id */
    const char *id;       /* interned id text, or NULL */
    bool has_bind;        /* valid bind_id on a phase that may carry it */
    uint64_t bind_id;
    bool flow_in, flow_out;
    bool placeable;       /* valid enough to take part in the simulation */
    bool swallowed;       /* B of a zero-length pair, already reported */
} tc__event;

/* A slice still open on a stack. */
typedef struct tc__open {
    size_t slice;         /* index in model->slices; TC__NONE if dropped */
    size_t event;
    int64_t end;          /* X: its end; B and b: -1 */
    char ph;
} tc__open;

typedef struct tc__thread {
    tc_thread pub;
    tc__vec stack;        /* tc__open */
    tc__vec slices;       /* size_t, into model->slices */
    tc__vec instants;     /* size_t, into model->instants */
    size_t track_events;  /* B E X and thread-scoped instants */
    size_t first_event;   /* first of them, for messages */
} tc__thread;

typedef struct tc__identity {
    char *label;          /* "cat=x id=5" for messages */
    uint32_t pid;         /* id2.local only; else 0 */
    tc_id_scope scope;
    const char *cat;      /* interned */
    const char *id;       /* interned */
    tc__vec stack;        /* tc__open */
} tc__identity;

typedef struct tc__pending {
    size_t slice;         /* the slice that started the flow */
    size_t event;
    bool active;          /* started and not yet consumed */
    size_t consumed_by;   /* event that consumed it last, or TC__NONE */
} tc__pending;

typedef struct tc__flowref {
    uint64_t bind_id;
    size_t from, to;      /* into model->slices */
} tc__flowref;

typedef struct tc__counter {
    tc_counter pub;
    char *track;
    tc__vec samples;      /* tc_sample */
} tc__counter;

typedef struct tc__proc {
    uint32_t pid;
    const char *name;
    size_t first_event;
} tc__proc;

struct tc__model {
    char *path;
    tc__vec strings;      /* char *: interned names, cats and ids */
    tc__map string_map;
    tc__event *ev;
    size_t n_ev;
    bool has_x;           /* changes Perfetto's order at equal ts */
    bool complete;        /* the array or object was closed */
    tc__vec problems;     /* tc__problem_rec, at most TC_MAX_PROBLEMS */
    size_t n_problems;
    tc__vec slices;       /* tc_slice, thread and async */
    tc__vec instants;     /* tc_instant */
    tc__vec threads;      /* tc__thread * */
    tc__map thread_map;
    tc__vec identities;   /* tc__identity */
    tc__map identity_map;
    tc__vec pending;      /* tc__pending */
    tc__map flow_map;
    tc__vec flows;        /* tc__flowref */
    tc__vec counters;     /* tc__counter * */
    tc__map counter_map;
    tc__vec procs;        /* tc__proc */
    tc__map proc_map;
    tc__vec async;        /* size_t, into slices, by start */
    /* built by tc__model_finish() */
    const tc_thread **thread_ptrs;
    const tc_slice **async_ptrs;
    tc_flow *flow_arr;
    const tc_counter **counter_ptrs;
    const tc_instant **instant_ptrs;
    const char **problem_lines; /* sorted, for tc_check() */
    tc_problems out;
};

typedef struct tc__model tc__model;

/* A problem line and where it sorts: byte-level problems first, then by
 * event, then those about the whole trace; ties in the order found. */
typedef struct tc__problem_rec {
    size_t key;           /* 0 byte-level, index + 1, or TC__NONE */
    size_t seq;
    char *line;
} tc__problem_rec;

/* ---- problems (tc_util.c) ------------------------------------------------- */

/* Records a problem of event ev: "event #N (line L, ph=B name=x tid=3): ...". */
void tc__event_problem(tc__model *m, const tc__event *ev, const char *fmt, ...)
    TC__PRINTF(3, 4);
/* Records a problem not tied to one event. */
void tc__problem(tc__model *m, const char *fmt, ...) TC__PRINTF(2, 3);
/* Records a byte-level problem of the text (listed first). */
void tc__text_problem(tc__model *m, const char *fmt, ...) TC__PRINTF(2, 3);

/* Returns the model's copy of s, shared by every equal string. */
const char *tc__intern(tc__model *m, const char *s);

/* ---- tc_scan.c ------------------------------------------------------------ */

/* Where one event sits in the text. */
typedef struct tc__span {
    size_t start, end;    /* [start, end) */
    long line;            /* of its first byte */
} tc__span;

/* A byte sequence Perfetto rejects, found by the lexical scan. */
typedef struct tc__lex {
    long line, col;
    char what[160];
} tc__lex;

typedef struct tc__scan {
    char form;            /* '[' (array) or '{' (object) */
    bool closed;          /* the top-level container was closed */
    size_t close_off;     /* offset of its closing bracket */
    size_t last_end;      /* just past the last complete event; 0 if none */
    bool tail_partial;    /* non-blank bytes after last_end, when !closed */
    tc__vec events;       /* tc__span of each complete event */
    tc__vec commas;       /* size_t: trailing commas before the events' ']' */
    size_t error_off;     /* first structural error, or TC__NONE */
    char error[64];       /* what it is */
    tc__vec lex;          /* tc__lex, at most TC__MAX_LEX */
    size_t n_lex;
} tc__scan;

/* Scans buf. Never fails; fields describe what was found. */
void tc__scan_text(const char *buf, size_t len, tc__scan *out);
void tc__scan_free(tc__scan *s);
/* Converts a byte offset into 1-based line and column. */
void tc__line_col(const char *buf, size_t len, size_t off, long *line,
                  long *col);

/* ---- rules ---------------------------------------------------------------- */

/* Reads and checks json into ev (tc_event.c); detaches json's args. */
void tc__read_event(tc__model *m, tc__event *ev, cJSON *json);
/* The text of an id (string as is, integer in decimal) into buf. */
void tc__id_text(const cJSON *v, char *buf, size_t n);
/* Nanoseconds as microseconds with 3 decimals, like the trace writes them. */
const char *tc__us(int64_t ns, char buf[32]);
void tc__run_tracks(tc__model *m, tc_stats *st);         /* tc_track.c */
tc__thread *tc__thread_get(tc__model *m, uint32_t pid, uint32_t tid);
void tc__async_event(tc__model *m, const tc__event *ev); /* tc_async.c */
void tc__counter_event(tc__model *m, const tc__event *ev);
void tc__flow_event(tc__model *m, const tc__event *ev, size_t slice);
void tc__finish_async(tc__model *m, tc_stats *st);
void tc__finish_flows(tc__model *m, tc_stats *st);
void tc__meta_event(tc__model *m, const tc__event *ev);  /* tc_meta.c */
void tc__note_pid(tc__model *m, const tc__event *ev);
void tc__check_names(tc__model *m);

/* Adds a slice to model->slices and returns its index. */
size_t tc__slice_new(tc__model *m, const tc__event *ev, int depth);

/* Freezes the model into t's public fields (tc_model.c). */
void tc__model_finish(tc_trace *t);
void tc__model_free(tc__model *m);

#endif /* TC_INTERNAL_H */
