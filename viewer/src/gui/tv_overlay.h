/*
 * tv_overlay.h — findings drawn where they happened (issue 8), and the lock
 * graph view. Called by tv_draw.c; SDL drawing through tv_gfx.
 */
#ifndef TV_OVERLAY_H
#define TV_OVERLAY_H

#include <stddef.h>
#include <stdint.h>

#include "tv_draw.h"
#include "tv_findtext.h"
#include "tv_lockgraph.h"

/* On the timeline, after slices and arrows:
 * - data races: both accesses marked on their thread lanes (a ring with
 *   R/W), a connecting arrow, labelled with the variable;
 * - deadlocks and hangs: at the finding's time, the wait-for cycle drawn
 *   across the blocked threads' lanes (thread -> lock -> owner: an arrow
 *   from each waiting thread's lane to the lane of the thread holding what
 *   it waits for, labelled with the lock), in the finding color;
 * - lock order inversions: a small marker at each acquisition of the cycle
 *   on its thread.
 * The places come from tv_fx_build (tv_findtext.h), read once per view.
 * upto: only findings at or before it (the replay reveals them as the
 * playhead passes them); INT64_MAX: all. focus: index into m->findings
 * drawn emphasised (thicker, on top), or SIZE_MAX. */
void tv_draw_finding_overlays(tv_gfx *g, tv_view *v, int64_t upto, size_t focus);
/* Where each finding of the view's model is drawn, built on first use and
 * owned by the view; NULL when out of memory. */
struct tv_fx_set *tv_view_fx(tv_view *v);

/* tv_finding_text (finding i as text for the side panel) is SDL-free: it
 * lives in core, tv_findtext.h, included above. */

/* The lock graph view, filling area: nodes as labelled boxes (the lock's
 * name and kind), edges as arrows labelled with their sites, the edges and
 * nodes of cycles in the finding color; focus_cycle (1 + finding index, 0:
 * none) drawn emphasised. A graph without nodes draws "no locks in this
 * trace". */
void tv_draw_lockgraph(tv_gfx *g, const tv_lockgraph *lg, SDL_Rect area, int focus_cycle);
/* The node at (x, y) in area, or -1. */
int tv_lockgraph_hit(const tv_lockgraph *lg, SDL_Rect area, int x, int y);
/* Where node i's box is drawn in area (what tv_lockgraph_hit tests; the
 * tests find the cycle's arrows between boxes). 0 when i is out of range. */
int tv_lockgraph_node_rect(const tv_lockgraph *lg, SDL_Rect area, size_t i, SDL_Rect *r);

#endif
