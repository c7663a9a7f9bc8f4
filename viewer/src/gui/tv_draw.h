/*
 * tv_draw.h — painting a tv_view with an SDL_Renderer (a window's, or a
 * software renderer on a surface for screenshots: the same code).
 */
#ifndef TV_DRAW_H
#define TV_DRAW_H

#include <SDL.h>

#include "tv_replay.h"
#include "tv_text.h"
#include "tv_view.h"

#define TV_BATCH_COLORS 48

typedef struct tv_rect_batch {
    uint32_t rgba;
    SDL_Rect *r;
    int n, cap;
} tv_rect_batch;

typedef struct tv_gfx {
    SDL_Renderer *r;
    tv_font *font, *small, *bold;
    /* filled rectangles grouped by color, drawn with one call per color */
    tv_rect_batch batch[TV_BATCH_COLORS];
    int nbatch;
    /* triangles (marks, arrowheads, thick lines) for SDL_RenderGeometry */
    SDL_Vertex *vert;
    int nvert, capvert;
    tv_arrow *arrows;
    /* deferred slice labels: drawn after the rectangles under them */
    struct tv_label *labels;
    int nlabels, caplabels;
    /* the details panel's text: it re-reads events from the file, so it is
     * built when the selection changes, not on every frame */
    const tv_model *details_m;
    tv_sel details_sel;
    char details[8192];
    /* the side column's texts that re-read the file, by what they show */
    const tv_model *side_m;
    size_t side_finding1, side_pool1;
    tv_sel side_task_sel;
    char finding_text[8192], pool_text[4096], task_text[2048];
    int side_content_h; /* the scrolling part's height, last frame */
    /* the state panel at the playhead, made again only when it moves */
    const tv_model *state_m;
    int64_t state_t;
    char *state_text;       /* NULL until first made */
    tv_rp_state state;
    int state_have;
} tv_gfx;

int tv_gfx_init(tv_gfx *g, SDL_Renderer *r, char *err, size_t errlen);
void tv_gfx_free(tv_gfx *g);

/* primitives (tv_gfx.c) */
void tv_gfx_rect(tv_gfx *g, tv_rgb c, int x, int y, int w, int h);       /* batched */
void tv_gfx_flush_rects(tv_gfx *g);
void tv_gfx_fill(tv_gfx *g, tv_rgb c, int x, int y, int w, int h);       /* immediate */
void tv_gfx_frame(tv_gfx *g, tv_rgb c, int x, int y, int w, int h, int t); /* outline */
void tv_gfx_tri(tv_gfx *g, tv_rgb c, float x0, float y0, float x1, float y1, float x2, float y2);
void tv_gfx_line(tv_gfx *g, tv_rgb c, float x0, float y0, float x1, float y1, float width);
void tv_gfx_flush_tris(tv_gfx *g);
void tv_gfx_label(tv_gfx *g, int x, int y, int maxw, const char *s, tv_rgb c, int centre);
/* s then suffix (a string literal: labels are drawn at the flush) */
void tv_gfx_label_plus(tv_gfx *g, int x, int y, int maxw, const char *s, const char *suffix,
                       tv_rgb c, int centre);
void tv_gfx_flush_labels(tv_gfx *g);

/* the whole frame (tv_draw.c) and its chrome (tv_draw_ui.c) */
void tv_draw_frame(tv_gfx *g, tv_view *v);
void tv_draw_axis(tv_gfx *g, const tv_view *v);
void tv_draw_panel(tv_gfx *g, const tv_view *v);
void tv_draw_overlays(tv_gfx *g, const tv_view *v);
void tv_draw_progress(tv_gfx *g, int w, int h, const char *what, double frac);

/* issue 8: the playhead (tv_draw_replay.c), the side column
 * (tv_draw_side.c), the legend (tv_legend.c), the lock graph view
 * (tv_draw_views.c) */
void tv_draw_playhead(tv_gfx *g, const tv_view *v);
void tv_draw_playhead_axis(tv_gfx *g, const tv_view *v);
void tv_draw_side(tv_gfx *g, tv_view *v);
/* Draws the legend at (x, y) in width w; returns its height. */
int tv_draw_legend(tv_gfx *g, int x, int y, int w);
void tv_draw_locks_view(tv_gfx *g, tv_view *v);
SDL_Rect tv_lockgraph_area(const tv_view *v);
/* Text cut into lines that fit w (at spaces where it can); "key\tvalue"
 * lines get a key column. Returns the height used; draws only when draw. */
int tv_draw_wrapped(tv_gfx *g, tv_font *f, int x, int y, int w, const char *line, tv_rgb c, int draw);

#endif
