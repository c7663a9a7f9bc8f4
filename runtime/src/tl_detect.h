/*
 * tl_detect.h — the online detectors: lock order (potential deadlocks), the
 * wait-for graph (real deadlocks), the hang watchdog and pthread misuse.
 *
 * They run in the writer thread on the events in the writer's order, the
 * same prefix of the program's history that the trace shows, so nothing is
 * added to the recording path. A finding is rendered by tl_finding.c.
 */
#ifndef TL_DETECT_H
#define TL_DETECT_H

#include "tl_internal.h"

/* Every event, after tl_tracks drew it (ns as drawn). */
TL_INTERNAL void tl__detect_event(uint32_t tid, uint64_t ns, const tl_rec *e);
/* Events were lost: holds are no longer known exactly (no more findings
 * that rest on them). */
TL_INTERNAL void tl__detect_dropped(void);
/* Once per writer cycle, all published events processed: the watchdog. */
TL_INTERNAL void tl__detect_tick(uint64_t now_ns);
/* At the end of the trace: final repeat counts. */
TL_INTERNAL void tl__detect_close(void);
/* Forgets everything (a new trace). */
TL_INTERNAL void tl__detect_reset(void);

#endif /* TL_DETECT_H */
