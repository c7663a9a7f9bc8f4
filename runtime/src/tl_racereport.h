/*
 * tl_racereport.h — the writer's side of the race detector: each
 * tl_race_rec (tl_race.h) becomes a finding in the trace (an instant, two
 * zero-length slices joined by an arrow) and a TSan-style report on stderr;
 * records at the same pair of source lines are one finding.
 *
 * Writer thread only.
 */
#ifndef TL_RACEREPORT_H
#define TL_RACEREPORT_H

#include "tl_internal.h"

/* A TL_EV_RACE event of thread tid, drawn at ns (tl__tracks_event's time). */
TL_INTERNAL void tl__racereport_event(uint32_t tid, uint64_t ns, const tl_rec *e);
/* At the end of the trace, after the last event: reports every record whose
 * event was lost, writes the final repeat counts, says how many races were
 * past THREADLENS_MAX_RACES. */
TL_INTERNAL void tl__racereport_close(void);
/* 1 when the return address pc is in the runtime's own shared object (a
 * thread trampoline): stacks and call sites leave such frames out. Always 0
 * in the static library, where the runtime is part of the executable. */
TL_INTERNAL int tl__racereport_own_pc(uint64_t pc);
/* Forgets what was reported (a new trace). */
TL_INTERNAL void tl__racereport_reset(void);

#endif /* TL_RACEREPORT_H */
