/*
 * tv_input.h — SDL events to view changes (Perfetto/Tracy habits: wheel
 * zooms at the cursor, drag pans, W/S/A/D, F fits, / finds).
 */
#ifndef TV_INPUT_H
#define TV_INPUT_H

#include <SDL.h>

#include "tv_view.h"

typedef struct tv_input {
    int down;        /* left button held */
    int dragging;    /* moved far enough to be a drag, not a click */
    int down_x, down_y, down_zone, down_scroll;
    int64_t down_start, down_end;
    int quit;
} tv_input;

/* Applies one event. Returns 1 when the view must be redrawn. */
int tv_input_event(tv_view *v, tv_input *in, const SDL_Event *e);

#endif
