/*
 * tv_view.h — the state of one timeline view and everything about it that
 * needs no SDL: lane order and geometry, time <-> pixel mapping, level of
 * detail, hit testing, flows on screen, find, the details panel's text.
 * tv_draw.c paints it, tv_input.c changes it, and the render test asks it
 * where things must be on a screenshot.
 */
#ifndef TV_VIEW_H
#define TV_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "tv_fmt.h"
#include "tv_model.h"
#include "tv_style.h"

/* One entry of the vertical layout: a process header or a lane. */
enum tv_item_kind { TV_ITEM_PROC, TV_ITEM_LANE };
typedef struct tv_item {
    uint8_t kind;      /* tv_item_kind */
    uint8_t collapsed;
    uint16_t nrows;    /* slice rows shown (thread and async lanes) */
    uint32_t index;    /* process or lane index */
    int y, h;          /* content coordinates: 0 = top of the first item */
} tv_item;

/* What a click selected (or the mouse hovers). */
enum tv_sel_kind { TV_SEL_NONE, TV_SEL_SLICE, TV_SEL_MARK, TV_SEL_GMARK, TV_SEL_FLOW, TV_SEL_SAMPLE };
typedef struct tv_sel {
    int kind;       /* tv_sel_kind */
    uint32_t lane;  /* SLICE, MARK (lane->marks), SAMPLE */
    uint32_t row;   /* SLICE */
    size_t index;   /* slice in row, mark, gmark, flow or sample */
} tv_sel;

/* Per-row summary for zoomed-out views, built when the view opens (like
 * Perfetto's mipmaps): the row's time is cut into buckets of b0 << k ns at
 * level k; each bucket knows the first slice starting at or after its start,
 * and the longest slice starting in it with its duration and color. A pixel
 * column then costs one or two bucket reads, whatever the number of slices
 * in it, and never touches the slices themselves. */
#define TV_MIP_LEVELS 24
typedef struct tv_bucket {
    uint32_t first;   /* first slice with ts >= the bucket's start */
    uint32_t longest; /* longest slice starting in the bucket (when any) */
    uint32_t dur;     /* its duration, ns, saturated: UINT32_MAX, read the slice */
    tv_rgb color;     /* its color */
} tv_bucket;
typedef struct tv_rowsum {
    int64_t t0, b0;   /* start of bucket 0 (the first slice), level-0 width */
    int nlv;
    tv_bucket *lv[TV_MIP_LEVELS]; /* nb[k] + 1 entries: the last is a sentinel */
    size_t nb[TV_MIP_LEVELS];
} tv_rowsum;

/* The same for a counter lane: per bucket the first sample at or after its
 * start, and the min, max and last value of the samples in it. */
typedef struct tv_cbucket {
    uint32_t first;
    float min, max, last; /* empty bucket: +inf, -inf, NaN */
} tv_cbucket;
typedef struct tv_csum {
    int64_t t0, b0;
    int nlv;
    tv_cbucket *lv[TV_MIP_LEVELS];
    size_t nb[TV_MIP_LEVELS];
} tv_csum;

/* A find result: a slice (row < TV_FIND_MARK), a lane mark or a gmark. */
#define TV_FIND_MARK 0xfffffffeu
#define TV_FIND_GMARK 0xffffffffu
typedef struct tv_findref {
    uint32_t lane, row, index;
} tv_findref;

typedef struct tv_find {
    int open;
    char text[128];
    tv_findref *hits;
    size_t nhits;
    size_t cur;     /* index into hits, SIZE_MAX = none yet */
    int capped;     /* more matches than stored */
} tv_find;

/* Screen regions, recomputed when the size or the panel changes. */
typedef struct tv_geom {
    int w, h;
    int tl_x0, tl_x1;      /* timeline columns [tl_x0, tl_x1) */
    int area_y0, area_y1;  /* lanes [area_y0, area_y1) */
    int panel_y0;          /* details panel / status line from here to h */
    int sb_x;              /* scrollbar column */
    int side_x0;           /* side column [side_x0, w) x [0, panel_y0); w when closed */
} tv_geom;

/* What the lanes area shows (`v` cycles; the pool view only when the trace
 * has pools). */
enum tv_mode { TV_MODE_TIMELINE, TV_MODE_LOCKS, TV_MODE_POOL, TV_NMODES };

struct tv_replay;
struct tv_lockgraph;
struct tv_rep;

typedef struct tv_view {
    const tv_model *m;
    const char *title;     /* file name shown in the status line */
    int64_t start, end;    /* visible time range, ns on the model clock */
    int scroll;            /* vertical scroll, px */
    tv_geom g;

    /* lane order: lanes of process p are order[proc_first[p] .. proc_first[p+1]) */
    uint32_t *order, *proc_first;
    uint8_t *lane_collapsed, *proc_collapsed;
    tv_item *items;
    size_t nitems;
    int content_h;
    int32_t *lane_item;    /* lane -> index in items, -1 when hidden */
    int32_t *lane_ident;   /* thread lane -> identity color index, else -1 */
    tv_rowsum **rowsum;    /* [lane][row] */
    tv_csum *csum;         /* [lane], counter lanes */
    struct tv_ident *ident;/* (process, thread name) -> identity color, sorted */
    size_t nident;
    uint32_t *flow_by_end; /* flow indexes sorted by ts1 */

    tv_sel sel, hover;
    int mouse_x, mouse_y, mouse_in;
    int help;
    tv_find find;

    /* Issue 8: replay, side panels, views. Zero is "off" or the default
     * (tv_view_new callocs). */
    int mode;              /* tv_mode */
    int has_playhead;      /* 0: no playhead yet (no state panel) */
    int64_t playhead;      /* ns, model clock */
    int playing;
    double speed;          /* trace ns per real second; 0: chosen on play */
    double play_frac;      /* ns of playback not yet applied (below 1) */
    size_t step1;          /* 1 + the replay step the playhead was put on, 0 none */
    size_t finding1;       /* 1 + the focused finding (m->findings), 0 none */
    int findings_hidden;   /* the findings list is open by default when there are any */
    int legend;            /* the legend is shown */
    int side_scroll;       /* px, the side column below the findings list */
    size_t flist_top;      /* first finding shown in the list */
    size_t pool;           /* the pool shown in TV_MODE_POOL (index in rep->pools) */
    int lg_node1;          /* 1 + the selected lock-graph node, 0 none */
    uint8_t *lane_filter;  /* lanes laid out (1) or not (0); NULL: all */
    struct tv_replay *replay;      /* owned, built on first use (tv_view_replay) */
    struct tv_lockgraph *lockgraph;/* owned, built on first use (tv_view_lockgraph) */
    struct tv_rep *rep;            /* owned, built on first use (tv_view_rep): pools */
    struct tv_fx_set *fx;          /* owned, built on first use (tv_view_fx): where
                                      each finding is drawn */
} tv_view;

/* Builds the view (lane order, per-row summaries: O(events)) showing the
 * whole trace at size w x h. NULL when out of memory. */
tv_view *tv_view_new(const tv_model *m, int w, int h);
void tv_view_free(tv_view *v);
void tv_view_resize(tv_view *v, int w, int h);
/* Rebuilds items after a collapse change. */
void tv_view_relayout(tv_view *v);
void tv_view_toggle_lane(tv_view *v, uint32_t lane);
void tv_view_toggle_proc(tv_view *v, uint32_t proc);

/* Range and scroll; every change is clamped to sane limits. */
void tv_view_set_range(tv_view *v, int64_t start, int64_t end);
void tv_view_fit_all(tv_view *v);
void tv_view_fit_sel(tv_view *v); /* the selection, or everything when none */
void tv_view_zoom(tv_view *v, double factor, double pivot_x); /* factor < 1 zooms in */
void tv_view_pan_px(tv_view *v, double dx);
void tv_view_scroll_to(tv_view *v, int scroll);
void tv_view_select(tv_view *v, const tv_sel *s); /* also resizes the panel */
/* Shows [t0, t1]: centred at the current zoom, but kept inside the trace
 * when the view is narrower than it; fitted when wider than 80% of the view.
 * Expands the process, and the lane when row > 0 is hidden by a collapse,
 * and scrolls the row into view. */
void tv_view_reveal(tv_view *v, uint32_t lane, uint32_t row, int64_t t0, int64_t t1);

/* Mapping between times (ns, model clock) and window x. */
double tv_t2x(const tv_view *v, int64_t t);
int64_t tv_x2t(const tv_view *v, double x);

/* Screen geometry of lane and row; 0 when the lane is hidden (collapsed
 * process) — the coordinates may still lie outside the lanes area. */
int tv_view_lane_rect(const tv_view *v, uint32_t lane, int *y, int *h);
int tv_view_row_rect(const tv_view *v, uint32_t lane, uint32_t row, int *y, int *h);
int tv_view_proc_rect(const tv_view *v, uint32_t proc, int *y, int *h);
/* First item whose bottom is below screen y (binary search). */
size_t tv_view_first_item(const tv_view *v, int y);
/* The item at screen y, or NULL. */
const tv_item *tv_view_item_at(const tv_view *v, int y);

/* Identity color of a thread lane, and of a lock holder name in a process. */
tv_rgb tv_view_thread_color(const tv_view *v, uint32_t lane);
tv_rgb tv_view_holder_color(const tv_view *v, uint32_t proc, tv_str name);
/* The color a slice of lane is drawn in. */
tv_rgb tv_view_slice_color(const tv_view *v, const tv_lane *l, const tv_slice *s);

/* Level of detail: walks the visible part of a row and reports what to draw.
 * A TV_SPAN_SLICE is one slice >= 1 px wide; sub-pixel slices make merged
 * blocks: TV_SPAN_MERGED pieces (one or more pixel columns, each colored
 * like the longest slice in it: `index`, `color`) and then one TV_SPAN_BLOCK
 * for the whole block with the number of slices. Zoomed out (a pixel spans
 * a level-0 bucket or more) the walk reads the row summary only. */
enum tv_span_kind { TV_SPAN_SLICE, TV_SPAN_MERGED, TV_SPAN_BLOCK };
typedef struct tv_span {
    int kind;
    double x0, x1;
    size_t index;  /* the slice (SLICE) or the longest slice (MERGED) */
    size_t count;  /* slices covered (MERGED, BLOCK) */
    tv_rgb color;  /* MERGED: the longest slice's color */
} tv_span;
typedef void (*tv_span_fn)(void *ctx, const tv_span *sp);
void tv_view_walk_row(const tv_view *v, uint32_t lane, uint32_t row, tv_span_fn fn, void *ctx);
/* Builds and frees the summaries below (tv_view_new and tv_view_free do). */
int tv_lod_build(tv_view *v);
void tv_lod_free(tv_view *v);
/* The row's summary (NULL for short rows, always walked slice by slice). */
const tv_rowsum *tv_view_rowsum(const tv_view *v, uint32_t lane, uint32_t row);
/* A counter lane's summary (NULL when short) and the level whose buckets
 * fit in a pixel column at the current zoom (-1: draw sample by sample). */
const tv_csum *tv_view_csum(const tv_view *v, uint32_t lane);
int tv_csum_level(const tv_view *v, const tv_csum *cs);

/* Counters (the first sample at or after t: tv_samples_first_at):
 * tv_counter_next gallops forward from sample i; min and max of samples [a, b). */
size_t tv_counter_next(const tv_lane *l, size_t i, int64_t t);
void tv_counter_minmax(const tv_lane *l, size_t a, size_t b, double *mn, double *mx);
/* The counter's value range as drawn (always includes 0). */
void tv_counter_range(const tv_lane *l, double *lo, double *hi);

/* Flow arrows as drawn: both ends in window coordinates. Arrows whose ends
 * both lie off-screen are left out. When more than TV_ARROWS_DENSE are in
 * the visible range (a zoomed-out busy trace: a gray haze that hides the
 * slices), only the arrows of the selected slice or arrow are returned, as
 * in Perfetto. */
typedef struct tv_arrow {
    size_t flow;
    float x0, y0, x1, y1;
} tv_arrow;
size_t tv_view_arrows(const tv_view *v, tv_arrow *out, size_t cap);
/* About how many arrows have an end in the visible time range. */
size_t tv_view_arrows_in_range(const tv_view *v);
#define TV_ARROWS_MAX 3000
#define TV_ARROWS_DENSE 400

/* Screen zones. */
enum tv_zone { TV_ZONE_NONE, TV_ZONE_TIMELINE, TV_ZONE_LABEL, TV_ZONE_AXIS, TV_ZONE_PANEL,
               TV_ZONE_SCROLLBAR, TV_ZONE_SIDE };
int tv_view_zone(const tv_view *v, int x, int y);
/* What is at (x, y): a mark, a flow arrow (within 4 px), a slice, a counter
 * sample, or a gmark in the axis. */
tv_sel tv_view_hit(const tv_view *v, int x, int y);
/* Time extent of a selection (flows: ts0..ts1, instants: ts..ts). 0 when none. */
int tv_view_sel_extent(const tv_view *v, const tv_sel *s, int64_t *t0, int64_t *t1);
/* The name of what s refers to ("" when none). */
const char *tv_view_sel_name(const tv_view *v, const tv_sel *s);

/* Find: (re)runs the search for text; next/prev step through the matches
 * (dir +1 / -1), select the match and reveal it. */
void tv_find_set(tv_view *v, const char *text);
void tv_find_step(tv_view *v, int dir);
void tv_find_clear(tv_view *v);

/* Text of the details panel for the selection: lines "key\tvalue", the
 * first line is the title. Returns the length written. */
size_t tv_view_details(const tv_view *v, const tv_sel *s, char *buf, size_t len);
/* One line for the hover tooltip. */
size_t tv_view_tooltip(const tv_view *v, const tv_sel *s, char *buf, size_t len);
/* The view state as the testing aid writes it (THREADLENS_VIEW_STATE). */
size_t tv_view_state_text(const tv_view *v, char *buf, size_t len);

/* ---- replay (tv_playhead.c) ---------------------------------------------
 * The playhead: a time on the model clock that the state panel describes.
 * Every move reveals it: the visible range follows when it leaves it. */
/* The replay of the model, built on first use; NULL when out of memory. */
struct tv_replay *tv_view_replay(tv_view *v);
void tv_playhead_set(tv_view *v, int64_t t);
/* To the next (dir > 0) / previous step of any thread (lane TV_NO_LANE) or
 * of one lane (a thread's own steps, a lock's holds). 0 when there is none. */
int tv_playhead_step(tv_view *v, int dir, uint32_t lane);
/* The lane whose steps Shift+Left/Right follow: the selection's, else
 * TV_NO_LANE. */
uint32_t tv_view_sel_thread(const tv_view *v);
/* Focus finding i (m->findings): the playhead on it, revealed, selected in
 * the findings list. */
void tv_focus_finding(tv_view *v, size_t i);
/* The next (dir > 0) / previous finding in list order from the playhead;
 * 0 when there is none. */
int tv_finding_step(tv_view *v, int dir);
/* Finding i's time and thread lane (TV_NO_LANE for process-wide ones). */
int64_t tv_finding_ts(const tv_model *m, size_t i);
uint32_t tv_finding_lane(const tv_model *m, size_t i);
/* Play and pause; the speed in trace ns per real second (the default: a
 * tenth of the visible span per second); factor 2 or 0.5. */
void tv_play_toggle(tv_view *v);
double tv_play_speed(const tv_view *v);
void tv_play_scale(tv_view *v, double factor);
/* Advances a playing playhead by dt real seconds; 1 when it moved. Stops at
 * the trace end. */
int tv_play_tick(tv_view *v, double dt);

/* ---- views and side column (tv_modes.c, tv_side.c, tv_pools.c) ---------- */
/* The lock graph, built and laid out on first use; NULL when out of memory. */
struct tv_lockgraph *tv_view_lockgraph(tv_view *v);
/* The report's figures (pools), built on first use; NULL on failure. */
struct tv_rep *tv_view_rep(tv_view *v);
/* Pools the trace has (objects of kind "pool" or pool workers), cheap. */
int tv_view_has_pools(const tv_view *v);
size_t tv_view_npools(tv_view *v);
/* Switches the view; TV_MODE_POOL with pool index p. 0, or -1 when the
 * trace has no such pool. */
int tv_view_set_mode(tv_view *v, int mode, size_t pool);
/* `v`: timeline -> lock graph -> each pool -> timeline (dir -1: back). */
void tv_view_cycle_mode(tv_view *v, int dir);
const char *tv_mode_name(int mode);
/* Frees what the views own (tv_view_free does). */
void tv_view_free_modes(tv_view *v);

/* The side column, right of the lanes: the findings list (a header, one
 * line each), then — scrolling — the focused finding's text, the pool's
 * summary, the state at the playhead, the legend. Lines are TV_SIDE_LINE
 * px, so its clickable part needs no font. */
int tv_side_open(const tv_view *v);     /* anything to show */
int tv_side_flist_open(const tv_view *v);
/* Rows of the findings list shown, and its screen rectangle's y range. */
size_t tv_side_flist_rows(const tv_view *v);
int tv_side_flist_y1(const tv_view *v);
/* The finding under (x, y) in the list, or SIZE_MAX. */
size_t tv_side_finding_at(const tv_view *v, int x, int y);
/* Keeps the focused finding inside the list's rows. */
void tv_side_show_finding(tv_view *v);
/* One line per finding: "deadlock  794.784 us  philosopher (tid 5)". */
size_t tv_side_finding_line(const tv_model *m, size_t i, char *buf, size_t len);

/* Pool view texts (SDL-free): the pool's scheduling summary from the
 * report, and what a task slice's args say (queue wait, run time, status);
 * 0 when sel is not a task slice. */
size_t tv_pool_summary_text(tv_view *v, size_t pool, char *buf, size_t len);
size_t tv_task_text(const tv_view *v, const tv_sel *sel, char *buf, size_t len);

/* Time formatting: durations ("1.23 ms") are tv_fmt_dur (tv_fmt.h); a time
 * since the trace start with full precision ("12.345678 ms"). */
char *tv_fmt_time(int64_t ns, char *buf, size_t len);
/* Axis ticks for span ns over px pixels: a 1-2-5 step at least min_px apart. */
int64_t tv_tick_step(int64_t span, int px, int min_px);
/* Label of tick t (relative ns) for a step. */
char *tv_fmt_tick(int64_t t, int64_t step, char *buf, size_t len);
/* "2ms", "3.5us", "100" (ms) -> ns; -1 on error. */
int tv_parse_time(const char *s, int64_t *ns);

#endif
