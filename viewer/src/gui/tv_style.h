/*
 * tv_style.h — the viewer's colors and geometry constants. SDL-free, so the
 * render test can ask which color a slice must have on screen.
 */
#ifndef TV_STYLE_H
#define TV_STYLE_H

#include <stdint.h>

#include "tv_model.h"

typedef struct tv_rgb {
    uint8_t r, g, b, a;
} tv_rgb;

#define TV_RGB(r, g, b) ((tv_rgb){(r), (g), (b), 255})

/* Geometry, in pixels. */
enum {
    TV_LABEL_W = 220,     /* left column: process and lane names */
    TV_AXIS_H = 30,       /* time axis on top */
    TV_PROC_H = 24,       /* process header row */
    TV_ROW_H = 18,        /* one slice row (slice 16 px + 2 px gap) */
    TV_SLICE_H = 16,
    TV_LANE_PAD = 3,      /* above and below the rows of a lane */
    TV_COUNTER_H = 44,    /* an expanded counter lane */
    TV_SCROLLBAR_W = 10,
    TV_STATUS_H = 22,     /* bottom line when nothing is selected */
    TV_PANEL_H = 184,     /* bottom details panel when something is */
    TV_FONT_PX = 12,
    TV_SMALL_PX = 11,
    TV_SIDE_W = 380,      /* right side column: findings, state, pool, legend */
    TV_SIDE_LINE = 17,    /* one line of the side column */
    TV_FLIST_MAX = 10,    /* findings list rows before it scrolls */
};

/* Fixed colors of the user interface. */
extern const tv_rgb tv_c_bg, tv_c_lane_a, tv_c_lane_b, tv_c_proc_bg, tv_c_label_bg,
    tv_c_axis_bg, tv_c_grid, tv_c_text, tv_c_text_dim, tv_c_sep, tv_c_arrow, tv_c_arrow_sel,
    tv_c_select, tv_c_panel_bg, tv_c_finding, tv_c_mark, tv_c_cond_mark, tv_c_counter_fill,
    tv_c_counter_line, tv_c_counter_range, tv_c_tooltip_bg, tv_c_playhead, tv_c_wait_bg,
    tv_c_focus_bg, tv_c_gave_up;

/* The color of state slice `name` (cat "state"): running green, waiting red,
 * and so on (docs/trace-format.md lists the names); anything else a stable
 * pastel hashed from the name. */
tv_rgb tv_state_color(const char *name);
/* A stable pastel color for any other slice name (phases, foreign traces). */
tv_rgb tv_hash_color(const char *name);
/* A pool task's color: stable per label, more saturated than phases so
 * that tasks stand out on their workers' lanes. */
tv_rgb tv_task_color(const char *label);
/* The color of a slice of category cat and name (both may be ""). */
tv_rgb tv_slice_color(const char *cat, const char *name);
/* The identity color of the k-th thread of a process (lane swatch, lock holds). */
tv_rgb tv_thread_color(unsigned k);
/* A darker (f < 1) or lighter (f > 1, towards white) variant. */
tv_rgb tv_shade(tv_rgb c, double f);
/* Readable text color over background c. */
tv_rgb tv_text_on(tv_rgb c);

#endif
