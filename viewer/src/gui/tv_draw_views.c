/*
 * tv_draw_views.c — the lock graph view: a title bar where the axis is, the
 * graph (tv_draw_lockgraph) over the lanes area, the side column beside it.
 */
#include <stdio.h>

#include "tv_draw.h"
#include "tv_lockgraph.h"
#include "tv_overlay.h"

SDL_Rect tv_lockgraph_area(const tv_view *v) {
    const tv_geom *G = &v->g;
    int x1 = G->side_x0 < G->w ? G->side_x0 : G->w;
    return (SDL_Rect){0, G->area_y0, x1, G->area_y1 - G->area_y0};
}

void tv_draw_locks_view(tv_gfx *g, tv_view *v) {
    const tv_geom *G = &v->g;
    const tv_lockgraph *lg = tv_view_lockgraph(v);
    SDL_Rect area = tv_lockgraph_area(v);
    tv_gfx_fill(g, tv_c_bg, area.x, area.y, area.w, area.h);
    tv_gfx_fill(g, tv_c_axis_bg, 0, 0, G->w, G->area_y0);
    tv_gfx_fill(g, tv_c_sep, 0, G->area_y0 - 1, G->w, 1);
    char b[256];
    if (lg)
        snprintf(b, sizeof b, "Lock graph: %zu lock%s, %zu edge%s (B taken while holding A), %zu cycle%s",
                 lg->nnodes, lg->nnodes == 1 ? "" : "s", lg->nedges, lg->nedges == 1 ? "" : "s",
                 lg->ndistinct, lg->ndistinct == 1 ? "" : "s");
    else
        snprintf(b, sizeof b, "Lock graph: out of memory");
    int fh = tv_font_height(g->bold);
    tv_text_draw(g->r, g->bold, 10, (G->area_y0 - fh) / 2, b, tv_c_text, area.w - 150);
    const char *hint = "v: next view";
    int hw = tv_text_width(g->small, hint);
    if (area.w - hw - 12 > tv_text_width(g->bold, b) + 20)
        tv_text_draw(g->r, g->small, area.w - hw - 12, (G->area_y0 - fh) / 2 + 1, hint, tv_c_text_dim, TV_TEXT_NOLIMIT);
    if (!lg || area.w <= 0 || area.h <= 0) return;
    SDL_RenderSetClipRect(g->r, &area);
    /* the focused finding's cycle stands out, when it has one */
    tv_draw_lockgraph(g, lg, area, (int)v->finding1);
    tv_gfx_flush_rects(g);
    tv_gfx_flush_tris(g);
    SDL_RenderSetClipRect(g->r, NULL);
}
