/*
 * tv_model.h — the viewer's in-memory trace: what the loader builds and every
 * view reads. Internal to viewer/ (prefix tv_).
 *
 * Invariants, established by tv_load() before it returns a model:
 * - Times are int64 nanoseconds on the file's own clock (JSON ts is in
 *   microseconds: ns = llround(ts * 1000)). Views show them relative to t0.
 * - Every row of a lane holds slices sorted by ts that do not overlap
 *   (s[i].ts + s[i].dur <= s[i+1].ts), so a row can be binary-searched by ts
 *   and by end. Depth 0 is the outermost row.
 * - Thread lanes: X slices and matched B/E pairs, nested by a stack; a child
 *   that ends after its parent is clamped to the parent's end (counted in
 *   stats.clamped). Consecutive pieces cut by the threadlens writer
 *   (args.continued) are joined into one slice (TV_SLICE_JOINED).
 * - Async lanes (b/e/n, one lane per (pid, name)): each hold goes to the
 *   first row where it fits (Perfetto's layout of overlapping async slices).
 * - Counter lanes: one per (pid, "<name> <arg key>") — Perfetto's naming —
 *   samples sorted by ts.
 * - The model never holds args: a slice, mark or flow remembers where its
 *   event is in the file (tv_src) and tv_model_event() parses it again on
 *   demand (details panel, report). That keeps resident memory per event
 *   small (target <= 64 bytes). Only the few finding events are kept whole.
 * - Every string is interned once; tv_str 0 is "".
 */
#ifndef TV_MODEL_H
#define TV_MODEL_H

#include <stddef.h>
#include <stdint.h>

struct cJSON;

typedef uint32_t tv_str;  /* index into the model's string table; 0 = "" */

/* Where an event is in the file: byte offset (40 bits) and length (24 bits;
 * 0 when the event is longer than 16 MB or has no event, e.g. a synthesized
 * end). */
typedef uint64_t tv_src;
#define TV_SRC(off, len) (((uint64_t)(off) << 24) | ((uint64_t)(len) & 0xffffffu))
#define TV_SRC_OFF(s) ((uint64_t)(s) >> 24)
#define TV_SRC_LEN(s) ((uint32_t)((s) & 0xffffffu))
#define TV_SRC_NONE ((tv_src)0)

enum tv_slice_flags {
    TV_SLICE_UNFINISHED = 1u << 0, /* B or b without its end: runs to the trace end */
    TV_SLICE_JOINED = 1u << 1,     /* pieces joined (args.continued) */
    TV_SLICE_FLOW_OUT = 1u << 2,   /* source of at least one flow */
    TV_SLICE_FLOW_IN = 1u << 3,    /* target of at least one flow */
    TV_SLICE_READ = 1u << 4,       /* a read hold (args.mode == "read", lock lanes) */
    TV_SLICE_TIMED_OUT = 1u << 5,  /* a wait that timed out (args.outcome) */
    TV_SLICE_GAVE_UP = 1u << 6,    /* a wait that ended otherwise unmet: closed, failed... */
};

typedef struct tv_slice {
    int64_t ts;      /* ns */
    int64_t dur;     /* ns, >= 0 */
    tv_src src;      /* the X, B or b event (the first piece when joined) */
    tv_src src_end;  /* the E or e event; for X pieces joined into one slice,
                        the last piece with args besides continued (a pool
                        task's last piece holds its status); else TV_SRC_NONE */
    tv_str name;
    tv_str cat;
    uint32_t flags;  /* tv_slice_flags */
    tv_str label;    /* lock lanes: the holder (args.thread), so holds can be
                        labelled and colored by thread without re-reading; else 0 */
} tv_slice; /* 48 bytes */

typedef struct tv_row {
    tv_slice *s;
    size_t n;
} tv_row;

typedef struct tv_sample {
    int64_t ts;
    double value;
} tv_sample;

/* Level-of-detail summary of a counter lane, precomputed at load: for each
 * block of TV_LOD_BLOCK consecutive samples, their min and max value. */
#define TV_LOD_BLOCK 64
typedef struct tv_minmax {
    double min, max;
} tv_minmax;

enum tv_mark_scope { TV_SCOPE_THREAD, TV_SCOPE_PROCESS, TV_SCOPE_GLOBAL };

/* An instant event (i/I/n-less instants, and findings). */
typedef struct tv_mark {
    int64_t ts;
    tv_src src;
    tv_str name;
    tv_str cat;
    uint32_t lane;   /* thread lane for TV_SCOPE_THREAD, else TV_NO_LANE */
    uint32_t pid;
    uint8_t scope;   /* tv_mark_scope */
    uint8_t finding; /* 1 when cat == "finding" */
    uint16_t _pad;
} tv_mark;
#define TV_NO_LANE UINT32_MAX

enum tv_lane_kind { TV_LANE_THREAD, TV_LANE_ASYNC, TV_LANE_COUNTER };

enum tv_lane_flags {
    TV_LANE_LOCK = 1u << 0, /* async lane of cat "lock" (a threadlens lock track) */
};

typedef struct tv_lane {
    uint8_t kind;       /* tv_lane_kind */
    uint8_t _pad[3];
    uint32_t flags;     /* tv_lane_flags */
    uint32_t process;   /* index into model->procs */
    int64_t tid;        /* thread lanes: the trace's tid; else 0 */
    tv_str name;        /* thread name (or "thread <tid>"), async name, counter series */
    int32_t sort_index; /* thread_sort_index, else order of first appearance */
    /* thread and async lanes */
    tv_row *rows;
    uint32_t nrows;
    /* thread lanes: marks with scope t, sorted by ts */
    tv_mark *marks;
    size_t nmarks;
    /* counter lanes */
    tv_sample *samples;
    size_t nsamples;
    double vmin, vmax;  /* over all samples */
    tv_minmax *lod;     /* ceil(nsamples / TV_LOD_BLOCK) entries */
} tv_lane;

typedef struct tv_process {
    uint32_t pid;
    tv_str name;        /* process_name, else "process <pid>" */
    int32_t sort_index;
    /* Lanes of this process in display order: thread lanes (by sort_index,
     * then first appearance), then async lanes (by first appearance), then
     * counter lanes (by first appearance). Indexes into model->lanes. */
    uint32_t *lanes;
    uint32_t nlanes;
} tv_process;

/* An arrow. v2 flows (bind_id, flow_out/flow_in) go from the end of the
 * source slice to the start of the target slice; v1 flows (s/t/f) from one
 * step's ts to the next. */
typedef struct tv_flow {
    int64_t ts0, ts1;
    uint32_t lane0, lane1;
    uint16_t depth0, depth1; /* row of the bound slice, 0 when none */
    tv_str name;             /* the source slice's name (e.g. "unlock account") */
    tv_src src;              /* the source event */
} tv_flow; /* 40 bytes */

/* threadlens_object metadata. */
typedef struct tv_object {
    int64_t id;
    uint32_t pid;
    tv_str kind, name, addr, created_at;
} tv_object;

/* threadlens_pool_worker metadata: a thread that serves a pool. */
typedef struct tv_pool_worker {
    int64_t pool;  /* the pool's object id (args.pool) */
    int64_t index; /* args.index, -1 when absent */
    uint32_t pid;
    uint32_t lane; /* its thread lane */
} tv_pool_worker;

/* A finding (instant of cat "finding"); its args are read with tv_model_event(). */
typedef struct tv_finding {
    uint32_t mark;   /* index into model->findings_marks */
    tv_str kind;     /* args.finding, else the event name */
} tv_finding;

typedef struct tv_stats {
    uint64_t events;        /* trace events read (every element of the array) */
    uint64_t by_phase[128]; /* events per ph character */
    uint64_t unknown_phase; /* skipped: a ph we do not draw (P, O, N, D, ...) */
    uint64_t unmatched;     /* E/e without a begin, flow steps without a start */
    uint64_t clamped;       /* X/B slices that overlapped their parent */
    uint64_t joined;        /* continued pieces joined into their slice */
    int truncated;          /* the file ended inside the array (no closing ]) */
    int64_t summary_events; /* threadlens_summary args.events, -1 when absent */
    int64_t dropped;        /* threadlens_summary args.dropped, else the largest
                               "threadlens" "dropped events" counter value, else 0 */
    int threadlens;         /* the trace was written by threadlens (any threadlens_* metadata) */
} tv_stats;

typedef struct tv_model {
    char *path;            /* the file, for tv_model_event() */
    int64_t t0, t1;        /* first and last time of any event (ns) */
    tv_process *procs;     /* in display order */
    uint32_t nprocs;
    tv_lane *lanes;
    uint32_t nlanes;
    tv_mark *gmarks;       /* process- and global-scope marks, sorted by ts */
    size_t ngmarks;
    tv_flow *flows;        /* sorted by ts0 */
    size_t nflows;
    tv_object *objects;
    size_t nobjects;
    tv_pool_worker *pool_workers; /* in file order */
    size_t npool_workers;
    tv_mark *findings_marks; /* every finding instant (also in its lane's or gmarks), by ts */
    tv_finding *findings;
    size_t nfindings;
    tv_stats stats;
    struct tv_strtab *strings; /* opaque: tv_model_str() */
} tv_model;

/* The interned string (NUL-terminated, valid while the model lives). */
const char *tv_model_str(const tv_model *m, tv_str s);
/* The id of an already interned string, or 0 when the trace never used it. */
tv_str tv_model_find_str(const tv_model *m, const char *s);

/* Re-reads and parses the event at src from m->path. Returns NULL when src is
 * TV_SRC_NONE or the file changed. The caller frees with cJSON_Delete.
 * - Findings (cat "finding") are answered from a copy the loader keeps, so
 *   they are always there, even when the trace came from a pipe.
 * - A file that only grew since the load (same device and inode, not
 *   shorter: a trace still being written) is still read; the event read must
 *   then be one the model holds at src (same phase, time and name), else
 *   NULL (the file was rewritten in place). */
struct cJSON *tv_model_event(const tv_model *m, tv_src src);

/* The same for many events in a row (say, the report checking the holder of
 * every contended lock hold): the file is opened once, on the first event
 * that needs it. open returns NULL only when out of memory. */
typedef struct tv_event_reader tv_event_reader;
tv_event_reader *tv_event_reader_open(const tv_model *m);
struct cJSON *tv_event_reader_get(tv_event_reader *r, tv_src src);
void tv_event_reader_close(tv_event_reader *r);

/* Bytes the model holds (arrays and strings), for the benchmark. */
size_t tv_model_bytes(const tv_model *m);

void tv_model_free(tv_model *m);

/* Row helpers (binary search; both O(log n)). */
/* First slice in the row whose end (ts + dur) is > t, or r->n. */
size_t tv_row_first_ending_after(const tv_row *r, int64_t t);
/* First slice in the row whose ts is >= t, or r->n. */
size_t tv_row_first_starting_at(const tv_row *r, int64_t t);
/* First mark of mk[0..n) (sorted by ts) whose ts is >= t, or n. */
size_t tv_marks_first_at(const tv_mark *mk, size_t n, int64_t t);
/* First flow of m->flows whose ts0 is >= t, or m->nflows. */
size_t tv_flows_first_at(const tv_model *m, int64_t t);
/* First sample of a counter lane whose ts is >= t, or l->nsamples. */
size_t tv_samples_first_at(const tv_lane *l, int64_t t);

#endif
