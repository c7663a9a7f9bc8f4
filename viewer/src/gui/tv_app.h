/*
 * tv_app.h — `threadlens view`: the interactive window and the headless
 * screenshot, over the same drawing code.
 */
#ifndef TV_APP_H
#define TV_APP_H

#include <stddef.h>
#include <stdint.h>

#include "tv_model.h"

/* `threadlens view FILE [--screenshot OUT.png] [--size WxH] [--range START:END]`;
 * argv[0] is "view". Returns the exit status (0 ok, 1 bad trace or render
 * failure, 2 usage). */
int tv_view_main(int argc, char **argv);

/* What an offscreen render shows: the window size and the visible time range
 * in ns on the model's clock (start == end: the whole trace). */
typedef struct tv_shot {
    int w, h;
    int64_t start, end;
} tv_shot;

/* Renders the timeline of m offscreen exactly as `view --screenshot` does.
 * Writes a PNG when png != NULL. frames > 0 renders that many frames first
 * and stores their mean and max time in ms (either pointer may be NULL) —
 * the benchmark's frame time. Returns 0, or -1 with one line in err. */
int tv_render_offscreen(const tv_model *m, const tv_shot *shot, const char *png, int frames,
                        double *mean_ms, double *max_ms, char *err, size_t errlen);

#endif
