/*
 * tv_draw_replay.c — the playhead: a line down the lanes, and on the axis a
 * handle with its time (relative to the trace start, full precision).
 */
#include <math.h>

#include "tv_draw.h"

void tv_draw_playhead(tv_gfx *g, const tv_view *v) {
    const tv_geom *G = &v->g;
    if (!v->has_playhead || v->playhead < v->start || v->playhead > v->end) return;
    int x = (int)floor(tv_t2x(v, v->playhead));
    if (x < G->tl_x0 || x >= G->tl_x1) return;
    SDL_RenderSetClipRect(g->r, &(SDL_Rect){G->tl_x0, G->area_y0, G->tl_x1 - G->tl_x0, G->area_y1 - G->area_y0});
    /* a white edge keeps it visible over any slice */
    tv_gfx_fill(g, (tv_rgb){255, 255, 255, 200}, x - 1, G->area_y0, 4, G->area_y1 - G->area_y0);
    tv_gfx_fill(g, tv_c_playhead, x, G->area_y0, 2, G->area_y1 - G->area_y0);
    SDL_RenderSetClipRect(g->r, NULL);
}

void tv_draw_playhead_axis(tv_gfx *g, const tv_view *v) {
    const tv_geom *G = &v->g;
    if (!v->has_playhead || v->playhead < v->start || v->playhead > v->end) return;
    int x = (int)floor(tv_t2x(v, v->playhead));
    if (x < G->tl_x0 || x >= G->tl_x1) return;
    SDL_RenderSetClipRect(g->r, &(SDL_Rect){G->tl_x0, 0, G->tl_x1 - G->tl_x0, G->area_y0});
    char b[64];
    tv_fmt_time(v->playhead - v->m->t0, b, sizeof b);
    int fh = tv_font_height(g->small), bw = tv_text_width(g->small, b) + 10, bh = fh + 4;
    int bx = x + 7, by = (G->area_y0 - bh) / 2 - 1;
    if (bx + bw > G->tl_x1) bx = x - 7 - bw; /* no room on the right: the label goes left */
    tv_gfx_fill(g, tv_c_playhead, bx, by, bw, bh);
    tv_text_draw(g->r, g->small, bx + 5, by + 2, b, TV_RGB(255, 255, 255), TV_TEXT_NOLIMIT);
    tv_gfx_fill(g, tv_c_playhead, x, 0, 2, G->area_y0);
    float cx = (float)x + 1;
    tv_gfx_tri(g, tv_c_playhead, cx - 6, (float)G->area_y0 - 9, cx + 6, (float)G->area_y0 - 9, cx, (float)G->area_y0);
    tv_gfx_flush_tris(g);
    SDL_RenderSetClipRect(g->r, NULL);
}
