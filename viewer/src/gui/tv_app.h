/*
 * tv_app.h — `threadlens view`: the interactive window and the headless
 * screenshot, over the same drawing code.
 */
#ifndef TV_APP_H
#define TV_APP_H

#include <stddef.h>
#include <stdint.h>

#include "tv_model.h"
#include "tv_view.h"

/* `threadlens view FILE [--screenshot OUT.png] [--size WxH] [--range START:END]
 * [--at TIME] [--view timeline|locks|pool[:N]] [--finding N] [--legend]`;
 * argv[0] is "view". Returns the exit status (0 ok, 1 bad trace or render
 * failure, 2 usage). */
int tv_view_main(int argc, char **argv);

/* What an offscreen render shows: the window size and the visible time range
 * in ns on the model's clock (start == end: the whole trace). */
typedef struct tv_shot {
    int w, h;
    int64_t start, end;
} tv_shot;

/* And what else (zero: nothing): the playhead, the view, a finding. */
typedef struct tv_shot_more {
    int has_at;
    int64_t at;      /* the playhead, ns on the model's clock */
    int mode;        /* tv_mode: timeline, locks, pool */
    size_t pool;     /* TV_MODE_POOL: which (0-based) */
    size_t finding;  /* 1 + the finding to focus (m->findings), 0 none */
    int legend;      /* the legend shown */
} tv_shot_more;

/* Puts a fresh view where the shot says (what --view, --range, --at and
 * --finding do); more may be NULL. 0, or -1 with one line in err (no such
 * pool or finding). */
int tv_shot_apply(tv_view *v, const tv_shot *s, const tv_shot_more *more, char *err, size_t errlen);

/* Renders the timeline of m offscreen exactly as `view --screenshot` does.
 * Writes a PNG when png != NULL. frames > 0 renders that many frames first
 * and stores their mean and max time in ms (either pointer may be NULL) —
 * the benchmark's frame time. Returns 0, or -1 with one line in err. */
int tv_render_offscreen(const tv_model *m, const tv_shot *shot, const char *png, int frames,
                        double *mean_ms, double *max_ms, char *err, size_t errlen);
/* The same with the playhead, view and finding of more (`view --screenshot`). */
int tv_render_offscreen_more(const tv_model *m, const tv_shot *shot, const tv_shot_more *more, const char *png,
                             int frames, double *mean_ms, double *max_ms, char *err, size_t errlen);

#endif
