/*
 * tl_tracks_int.h — tl_tracks.c's drawing primitives, for the files that map
 * more event families onto the same tracks (tl_tracks_hl.c: queues, pools,
 * events, timers). Writer thread only; never installed.
 *
 * Names passed as jname/jobj/what are JSON-escaped already (the text caches
 * below give escaped, cached text).
 */
#ifndef TL_TRACKS_INT_H
#define TL_TRACKS_INT_H

#include "tl_tracks.h"

#define ESC_NAME (TL_NAME_MAX * 6 + 1)

/* What a thread's state slice says it is doing. */
typedef enum {
    ST_NONE, ST_RUNNING, ST_LOCK, ST_COND, ST_JOIN, ST_BARRIER, ST_SEM, ST_SLEEP, ST_ENDED,
    ST_QUEUE, ST_IDLE, ST_FUTURE, ST_EVENT, ST_TIMER
} state_t;

/* Levels above the state slice (phases nest; each kind has its cat). */
enum { TL_LV_PHASE, TL_LV_FUNC, TL_LV_TASK, TL_LV_TIMER };

/* Grows a zero-filled array of *n elements so index want fits (doubling;
 * out of memory is fatal in the writer). */
TL_INTERNAL void *tl__tk_grow(void *arr, uint32_t *n, uint32_t want, size_t elem);

/* Ends tid's state slice and opens "<what><jobj>" (jobj may be NULL). */
TL_INTERNAL void tl__tk_state(uint32_t tid, uint64_t ns, state_t st, const char *what,
                              const char *jobj, uint32_t wait_obj, uint64_t flow_in,
                              const tl_rec *site_ev);
TL_INTERNAL void tl__tk_running(uint32_t tid, uint64_t ns, uint64_t flow_in, const tl_rec *site_ev);
/* Running again after a wait that gave up with err (args.outcome). */
TL_INTERNAL void tl__tk_wait_failed(uint32_t tid, uint64_t ns, int err, const tl_rec *site_ev);
TL_INTERNAL void tl__tk_ensure_running(uint32_t tid, uint64_t ns);
/* tid's state and what it waits on. */
TL_INTERNAL state_t tl__tk_state_of(uint32_t tid, uint32_t *wait_obj);
/* A zero-length "<what><jobj>" slice on src_tid at src_ns with flow_out
 * (moved before dst_ns); returns the flow id, 0 for src_tid 0. */
TL_INTERNAL uint64_t tl__tk_flow_source(uint32_t src_tid, uint64_t src_ns, const char *what,
                                        const char *jobj, uint64_t dst_ns);
/* A zero-length "<what><jobj>" slice on tid at ns with flow_in. */
TL_INTERNAL void tl__tk_flow_target(uint32_t tid, uint64_t ns, const char *what, const char *jobj,
                                    uint64_t flow);
/* Opens a level of kind TL_LV_* (args.at from site_ev; xargs: more args
 * members, malloc'ed, owned by the level); 0 when the stack is full. */
TL_INTERNAL int tl__tk_level_push(uint32_t tid, uint64_t ns, const char *jname, int kind,
                                  uint64_t flow_in, const tl_rec *site_ev, char *xargs);
/* Ends the innermost level of that kind, its last piece with args.at
 * dropped and xargs (owned, may be NULL) in place of the level's own. */
TL_INTERNAL void tl__tk_level_pop(uint32_t tid, uint64_t ns, int kind, char *xargs);
TL_INTERNAL void tl__tk_counter(uint32_t tid, uint64_t ns, const char *jname, const char *key,
                                double v);
/* {"ph":"M","pid":P,"tid":T,"name":"<name>","args":{ — the caller writes
 * the members and ends with "}},\n". */
TL_INTERNAL void tl__tk_meta_begin(uint32_t tid, const char *name);
/* Writes "value" for a recorded site. */
TL_INTERNAL void tl__tk_put_site(uint64_t site, unsigned flags);

/* Escaped, cached text. */
TL_INTERNAL const char *tl__tk_obj_jname(uint32_t id);
TL_INTERNAL const char *tl__tk_thread_jname(uint32_t tid);
TL_INTERNAL const char *tl__tk_name_jtext(const char *name); /* NULL: "" */
TL_INTERNAL const char *tl__tk_func_jtext(uint64_t fn);      /* the function at an entry address */
TL_INTERNAL const char *tl__tk_site_jtext(uint64_t site, unsigned flags); /* "file.c:12" */

/* tl_tracks_hl.c: the events of queues, pools, events and timers. */
TL_INTERNAL void tl__tracks_hl_event(uint32_t tid, uint64_t ns, const tl_rec *e);
TL_INTERNAL void tl__tracks_hl_reset(void);
/* An object was destroyed: what was kept for its arrows goes. */
TL_INTERNAL void tl__tracks_hl_forget(uint32_t obj);

#endif /* TL_TRACKS_INT_H */
