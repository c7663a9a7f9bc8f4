/*
 * tl_tracks.h — maps recorded events to Perfetto tracks. The only place that
 * decides which trace events an event becomes (docs/trace-format.md is the
 * user-facing description of the result).
 *
 * Called by the writer thread only, with events in the global order: every
 * thread's events in program order, sync events of all threads in sequence
 * order. Keeps its own model of each thread's state, each lock's holders and
 * waiters, semaphore tokens, condition waiters and barrier generations, so
 * the output nests correctly whatever the input (dropped events included).
 */
#ifndef TL_TRACKS_H
#define TL_TRACKS_H

#include "tl_json.h"

/* Writes the opening bracket and the process metadata. */
TL_INTERNAL void tl__tracks_open(tl_out *out, uint64_t pid, const char *process_name);
/* Sizes the model for every thread and object registered so far, so that
 * processing their events never moves it. Call before each batch. */
TL_INTERNAL void tl__tracks_reserve(uint32_t max_tid, uint32_t max_obj);
/* Takes the next event and returns its time in ns as drawn (clamped into
 * the order). What it draws is queued (tl_spool.h): it is written by
 * tl__tracks_catch_up, or by a cut or the end, which write the queue first. */
TL_INTERNAL uint64_t tl__tracks_event(uint32_t tid, const tl_rec *e);
/* Writes up to max queued steps; returns how many it wrote. */
TL_INTERNAL size_t tl__tracks_catch_up(size_t max);
/* Steps queued, and the time of the oldest (0 when none). Lines a finding
 * left held are queued first, so they count and the writer does not sleep
 * on them. */
TL_INTERNAL size_t tl__tracks_pending(uint64_t *oldest_ns);
/* The thread's record ended and is drained: if its THREAD_END was lost,
 * its track ends at its last event. */
TL_INTERNAL void tl__tracks_thread_gone(uint32_t tid);
/* n more events of thread tid were lost (full ring): a mark and a counter. */
TL_INTERNAL void tl__tracks_dropped(uint32_t tid, uint64_t n);
/* Cuts tid's open slices at ns when the oldest began at least min_age ns
 * earlier: they are written up to ns and go on as new pieces. The writer
 * calls it at each flush for threads whose events up to ns are processed
 * (and written: it writes whatever is queued first). */
TL_INTERNAL void tl__tracks_cut(uint32_t tid, uint64_t ns, uint64_t min_age);
/* Closes every open slice at now_ns (or the last time written, if later)
 * and writes the final line and the closing bracket. */
TL_INTERNAL void tl__tracks_close(uint64_t now_ns, uint64_t events, uint64_t dropped);

/* ---- for the findings' events (tl_finding.c) ---- */

/* While steps are queued, what is written through these two is queued
 * behind them as text (until the next tracks call), so a finding follows
 * the events that led to it without the backlog being written first. */
/* {"ph":"<ph>","pid":P,"tid":T,"ts":TS — the caller goes on with
 * ,"key":value pairs and ends with tl__tracks_line_end(). */
TL_INTERNAL void tl__tracks_line_begin(char ph, uint32_t tid, uint64_t ns);
TL_INTERNAL void tl__tracks_line_end(void);
TL_INTERNAL tl_out *tl__tracks_out(void);
/* A new flow bind id (one space for all of the trace's arrows). */
TL_INTERNAL uint64_t tl__tracks_flow_id(void);
/* The latest time written so far: slices still open end at or after it. */
TL_INTERNAL uint64_t tl__tracks_now(void);
/* Plain (unescaped) text as the trace shows it: a thread's name, an
 * object's name, a site ("file.c:12", or a symbolized return address). */
TL_INTERNAL void tl__tracks_thread_label(uint32_t tid, char *out, size_t cap);
TL_INTERNAL void tl__tracks_obj_label(uint32_t id, char *out, size_t cap);
TL_INTERNAL void tl__tracks_site_label(uint64_t site, unsigned flags, char *out, size_t cap);

#endif /* TL_TRACKS_H */
