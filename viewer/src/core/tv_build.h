/*
 * tv_build.h — the build pass's state, shared by tv_build.c (one pass over
 * the records, in file order), tv_build_rows.c (each lane's collected slices
 * into rows; v2 flows) and tv_build_lanes.c (v1 flows, the final model).
 */
#ifndef TV_BUILD_H
#define TV_BUILD_H

#include "tv_internal.h"

enum { TV_ITEM_DEAD = 1u << 16 }; /* joined into another item */

/* A slice being built (thread or async lane). */
typedef struct tv_item {
    int64_t ts, dur;  /* dur < 0: still open */
    uint32_t rec;     /* the X/B/b record */
    uint32_t rec_end; /* the E/e record, or TV_NONE */
    uint32_t depth;   /* row */
    uint32_t flags;   /* tv_slice_flags | TV_ITEM_DEAD */
    uint32_t link;    /* async: the open item below this one (same key); joined: survivor */
    uint32_t ep;      /* thread: its v2 flow end in ep2, or TV_NONE */
} tv_item;

typedef struct tv_blane {
    uint8_t kind;
    uint32_t proc;
    int64_t tid;
    tv_str tidstr;    /* the tid's string, for tids that are names */
    tv_str name;
    int has_name, has_sort;
    int32_t sort;
    uint32_t flags;   /* tv_lane_flags */
    tv_item *items;
    size_t nitems, capitems;
    uint32_t *stack;  /* open B items (thread lanes) */
    size_t nstack, capstack;
    tv_mark *marks;
    size_t nmarks, capmarks;
    tv_sample *samples;
    size_t nsamples, capsamples;
    /* the result */
    tv_row *rows;
    uint32_t nrows;
    uint32_t final;   /* index in model->lanes */
} tv_blane;

typedef struct tv_bproc {
    uint32_t pid;
    tv_str pidstr;
    tv_str name;
    int has_name, has_sort;
    int32_t sort;
    uint32_t nthreads; /* lanes created so far, for default sort indexes */
} tv_bproc;

/* A flow end seen in the pass (v2: X/B with bind_id; v1: s/t/f). */
typedef struct tv_ep {
    int64_t ts;
    uint32_t rec;
    uint32_t lane;
    uint32_t item;    /* v2: item index once known */
    uint32_t _pad;
} tv_ep;

typedef struct tv_fmark {
    tv_mark m;
    tv_str kind;
} tv_fmark;

#define TV_VEC(type) struct { type *v; size_t n, cap; }

/* Records are referred to by a 32-bit index: each fed part starts at a
 * multiple of 2^16, so an index finds its record through one table. */
#define TV_BLOCK_BITS 16

#define TV_LANE_CACHE 16
typedef struct tv_lane_cache {
    uint64_t a, k;
    uint32_t lane;
} tv_lane_cache;

typedef struct tv_builder {
    const tv_rec **blocks;
    size_t nblocks, capblocks;
    tv_strtab *st;
    tv_model *m;
    int oom;

    tv_blane *lanes;
    size_t nlanes, caplanes;
    tv_bproc *procs;
    size_t nprocs, capprocs;
    tv_map proc_map, thread_map, async_map, counter_map, open_map;
    uint64_t last_proc_key;
    uint32_t last_proc;
    tv_lane_cache thread_cache[TV_LANE_CACHE];
    uint32_t nstrtids, nstrpids;

    TV_VEC(tv_mark) gmarks;
    TV_VEC(tv_fmark) findings;
    TV_VEC(tv_ep) ep2, ep1;
    TV_VEC(tv_flow) flows;
    TV_VEC(tv_object) objects;
    TV_VEC(tv_pool_worker) pool_workers; /* lane: a build lane until the end */

    int64_t t0, t1;
    int has_time;
    int has_summary;
    int64_t summary_events, summary_dropped;
    double dropped_counter;
    tv_str dropped_series;
} tv_builder;

static inline const tv_rec *tv_brec(const tv_builder *b, uint32_t i) {
    return &b->blocks[i >> TV_BLOCK_BITS][i & ((1u << TV_BLOCK_BITS) - 1)];
}

/* Appends one zeroed element to the array (ptr, n, cap), doubling it when
 * full; NULL (and b->oom) when out of memory. */
#define TV_PUSH3(b, ptr, n, cap)                                                  \
    ({                                                                           \
        __typeof__(ptr) p_ = NULL;                                               \
        if ((n) == (cap)) {                                                      \
            size_t c_ = (cap) ? (cap) * 2 : 8;                                   \
            __typeof__(ptr) v_ = realloc((ptr), c_ * sizeof *v_);                \
            if (v_) {                                                            \
                (ptr) = v_;                                                      \
                (cap) = c_;                                                      \
            }                                                                    \
        }                                                                        \
        if ((n) < (cap)) {                                                       \
            p_ = &(ptr)[(n)++];                                                  \
            memset(p_, 0, sizeof *p_);                                           \
        } else {                                                                 \
            (b)->oom = 1;                                                        \
        }                                                                        \
        p_;                                                                      \
    })
#define TV_PUSH(b, vec) TV_PUSH3(b, (vec).v, (vec).n, (vec).cap)

/* tv_build_rows.c: every lane's rows (on two threads unless threads == 1),
 * then v2 flows */
int tv_build_rows(tv_builder *b, int threads);
int tv_build_flows_v2(tv_builder *b);
/* tv_build_lanes.c: v1 flows, then the model's arrays */
int tv_build_flows(tv_builder *b);
int tv_build_finish(tv_builder *b);

#endif
