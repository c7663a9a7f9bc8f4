/*
 * tv_findtext.h — what a finding says, read from its args (issue 8): the
 * side panel's text (tv_finding_text) and the places it refers to on the
 * timeline (tv_fx: threads' lanes, times, the links between them), which the
 * overlays draw and the tests check without pixels. Also the small lookups
 * the lock graph shares: a thread's lane by tid, an object's name by id, a
 * call site's short form. SDL-free.
 */
#ifndef TV_FINDTEXT_H
#define TV_FINDTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "tv_model.h"

/* Finding i as text for the side panel: lines "\n"-separated. A race:
 * the variable, both accesses (op, thread, time, source line), and the
 * story of the variable in time order (every race access to it, with the
 * thread's own earlier read when the trace has it: "T1 reads, T2 reads,
 * T1 writes, T2 writes"). A deadlock/hang: the cycle, one line per thread
 * ("philosopher (tid 2) holds forks (taken at p.c:22), waits for forks+0x28
 * (p.c:24) held by philosopher (tid 3)"). An inversion: its cycle of
 * acquisitions. Others: the message. Returns the length written (at most
 * len - 1; the text is cut at a line when it does not fit). */
size_t tv_finding_text(const tv_model *m, size_t i, char *buf, size_t len);

/* "/abs/dir/prog.c:21 (consumer)" -> "prog.c:21"; a site without a file
 * ("consumer+0x1a (prog)", "0x4005d0") keeps its first word. Returns buf. */
char *tv_site_short(const char *site, char *buf, size_t len);
/* The thread lane of (pid, tid), TV_NO_LANE when the trace has none. */
uint32_t tv_thread_lane(const tv_model *m, uint32_t pid, int64_t tid);
/* The threadlens_object (pid, id), NULL when unknown. */
const tv_object *tv_find_object(const tv_model *m, uint32_t pid, int64_t id);
/* The lock lane named name in process pid, TV_NO_LANE when none. */
uint32_t tv_lock_lane(const tv_model *m, uint32_t pid, const char *name);

/* ---- the places a finding refers to ---------------------------------- */

enum tv_fx_kind { TV_FX_OTHER, TV_FX_RACE, TV_FX_DEADLOCK, TV_FX_HANG, TV_FX_INVERSION };

typedef struct tv_fx_point {
    uint32_t lane;     /* thread lane; TV_NO_LANE when the trace lacks it */
    uint32_t row;      /* row of its marker slice (race accesses), of its
                          state slice at ts (deadlocks, hangs), else 0 */
    int64_t ts;        /* ns: the access, the detection, the acquisition */
    int64_t since;     /* a blocked thread: when its wait began; else ts */
    char tag;          /* 'R' / 'W' (race access), 'S' (a lost signal), 0 */
    uint8_t prior;     /* the second thread's own earlier read (lost update) */
    uint8_t waits;     /* a blocked thread (deadlock, hang): its wait is outlined */
    const char *label; /* variable, lock or state text; never NULL */
} tv_fx_point;

/* An arrow between two points: race first -> second; deadlock waiter ->
 * owner of what it waits for (label: that lock). */
typedef struct tv_fx_link {
    uint32_t from, to; /* point indexes */
    const char *label;
} tv_fx_link;

typedef struct tv_fx {
    uint8_t kind;      /* tv_fx_kind */
    uint32_t dup_of;   /* an earlier finding with the same args.id (a count
                          written again at the end): draw that one; else UINT32_MAX */
    int64_t ts;        /* the finding's time */
    int64_t lo, hi;    /* time extent of its points and waits */
    tv_fx_point *pts;
    uint32_t npts;
    tv_fx_link *links;
    uint32_t nlinks;
} tv_fx;

typedef struct tv_fx_set {
    tv_fx *f;          /* one per m->findings, same index */
    size_t n;
    void *mem;         /* owned storage */
} tv_fx_set;

/* Reads every finding's args once (findings are few; their events are kept
 * by the loader). NULL when out of memory. The model must outlive it. */
tv_fx_set *tv_fx_build(const tv_model *m);
void tv_fx_free(tv_fx_set *s);

#endif
