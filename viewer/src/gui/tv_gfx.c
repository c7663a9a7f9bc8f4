/*
 * tv_gfx.c — drawing primitives with batching. A zoomed-out frame is
 * thousands of small rectangles and marks; grouping rectangles by color and
 * triangles into one geometry call keeps the number of renderer calls small.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_draw.h"

/* Short strings (counts) are copied; longer ones must outlive the frame
 * (model strings do). */
struct tv_label {
    int x, y, maxw, centre;
    const char *s, *suffix;
    char txt[16];
    tv_rgb c;
};

int tv_gfx_init(tv_gfx *g, SDL_Renderer *r, char *err, size_t errlen) {
    memset(g, 0, sizeof *g);
    g->r = r;
    g->font = tv_font_open(r, TV_FONT_PX, 0, err, errlen);
    if (g->font) g->small = tv_font_open(r, TV_SMALL_PX, 0, err, errlen);
    if (g->small) g->bold = tv_font_open(r, TV_FONT_PX, 1, err, errlen);
    g->arrows = malloc(TV_ARROWS_MAX * sizeof *g->arrows);
    if (!g->bold || !g->arrows) {
        if (g->bold && !g->arrows) snprintf(err, errlen, "out of memory");
        tv_gfx_free(g);
        return -1;
    }
    return 0;
}

void tv_gfx_free(tv_gfx *g) {
    tv_font_close(g->font);
    tv_font_close(g->small);
    tv_font_close(g->bold);
    for (int i = 0; i < TV_BATCH_COLORS; i++) free(g->batch[i].r);
    free(g->vert);
    free(g->arrows);
    free(g->labels);
    free(g->state_text);
    if (g->state_have) tv_rp_state_free(&g->state);
    memset(g, 0, sizeof *g);
}

static uint32_t pack(tv_rgb c) {
    return (uint32_t)c.r << 24 | (uint32_t)c.g << 16 | (uint32_t)c.b << 8 | c.a;
}

/* Opaque colors are drawn without blending: SDL's software renderer takes
 * its slow per-pixel blend path for any fill while blending is on, even at
 * alpha 255 (a full-window fill: 10 ms instead of 0.4 ms). */
static void set_color(tv_gfx *g, tv_rgb c) {
    SDL_SetRenderDrawBlendMode(g->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(g->r, c.r, c.g, c.b, c.a);
}

void tv_gfx_flush_rects(tv_gfx *g) {
    for (int i = 0; i < g->nbatch; i++) {
        tv_rect_batch *b = &g->batch[i];
        if (!b->n) continue;
        set_color(g, (tv_rgb){(uint8_t)(b->rgba >> 24), (uint8_t)(b->rgba >> 16),
                              (uint8_t)(b->rgba >> 8), (uint8_t)b->rgba});
        SDL_RenderFillRects(g->r, b->r, b->n);
        b->n = 0;
    }
    g->nbatch = 0;
}

void tv_gfx_rect(tv_gfx *g, tv_rgb c, int x, int y, int w, int h) {
    if (w <= 0 || h <= 0) return;
    uint32_t k = pack(c);
    tv_rect_batch *b = NULL;
    for (int i = g->nbatch - 1; i >= 0; i--)
        if (g->batch[i].rgba == k) {
            b = &g->batch[i];
            break;
        }
    if (!b) {
        if (g->nbatch == TV_BATCH_COLORS) tv_gfx_flush_rects(g);
        b = &g->batch[g->nbatch++];
        b->rgba = k;
        b->n = 0;
    }
    if (b->n == b->cap) {
        int cap = b->cap ? 2 * b->cap : 256;
        SDL_Rect *r = realloc(b->r, (size_t)cap * sizeof *r);
        if (!r) return;
        b->r = r, b->cap = cap;
    }
    b->r[b->n++] = (SDL_Rect){x, y, w, h};
}

void tv_gfx_fill(tv_gfx *g, tv_rgb c, int x, int y, int w, int h) {
    if (w <= 0 || h <= 0) return;
    set_color(g, c);
    SDL_RenderFillRect(g->r, &(SDL_Rect){x, y, w, h});
}

void tv_gfx_frame(tv_gfx *g, tv_rgb c, int x, int y, int w, int h, int t) {
    tv_gfx_fill(g, c, x, y, w, t);
    tv_gfx_fill(g, c, x, y + h - t, w, t);
    tv_gfx_fill(g, c, x, y + t, t, h - 2 * t);
    tv_gfx_fill(g, c, x + w - t, y + t, t, h - 2 * t);
}

static SDL_Vertex *more_verts(tv_gfx *g, int n) {
    if (g->nvert + n > g->capvert) {
        int cap = g->capvert ? 2 * g->capvert : 1024;
        while (cap < g->nvert + n) cap *= 2;
        SDL_Vertex *v = realloc(g->vert, (size_t)cap * sizeof *v);
        if (!v) return NULL;
        g->vert = v, g->capvert = cap;
    }
    SDL_Vertex *v = &g->vert[g->nvert];
    g->nvert += n;
    return v;
}

void tv_gfx_tri(tv_gfx *g, tv_rgb c, float x0, float y0, float x1, float y1, float x2, float y2) {
    SDL_Vertex *v = more_verts(g, 3);
    if (!v) return;
    SDL_Color col = {c.r, c.g, c.b, c.a};
    v[0] = (SDL_Vertex){{x0, y0}, col, {0, 0}};
    v[1] = (SDL_Vertex){{x1, y1}, col, {0, 0}};
    v[2] = (SDL_Vertex){{x2, y2}, col, {0, 0}};
}

void tv_gfx_line(tv_gfx *g, tv_rgb c, float x0, float y0, float x1, float y1, float width) {
    float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
    if (len < 0.01f) return;
    float nx = -dy / len * width / 2, ny = dx / len * width / 2;
    tv_gfx_tri(g, c, x0 + nx, y0 + ny, x1 + nx, y1 + ny, x1 - nx, y1 - ny);
    tv_gfx_tri(g, c, x0 + nx, y0 + ny, x1 - nx, y1 - ny, x0 - nx, y0 - ny);
}

void tv_gfx_flush_tris(tv_gfx *g) {
    SDL_SetRenderDrawBlendMode(g->r, SDL_BLENDMODE_BLEND); /* translucent arrows */
    if (g->nvert) SDL_RenderGeometry(g->r, NULL, g->vert, g->nvert, NULL, 0);
    g->nvert = 0;
}

void tv_gfx_label(tv_gfx *g, int x, int y, int maxw, const char *s, tv_rgb c, int centre) {
    tv_gfx_label_plus(g, x, y, maxw, s, NULL, c, centre);
}

void tv_gfx_label_plus(tv_gfx *g, int x, int y, int maxw, const char *s, const char *suffix,
                       tv_rgb c, int centre) {
    if (g->nlabels == g->caplabels) {
        int cap = g->caplabels ? 2 * g->caplabels : 256;
        struct tv_label *l = realloc(g->labels, (size_t)cap * sizeof *l);
        if (!l) return;
        g->labels = l, g->caplabels = cap;
    }
    struct tv_label *l = &g->labels[g->nlabels++];
    *l = (struct tv_label){x, y, maxw, centre, s, suffix, "", c};
    size_t n = strlen(s);
    if (n < sizeof l->txt) {
        memcpy(l->txt, s, n + 1);
        l->s = NULL;
    }
}

void tv_gfx_flush_labels(tv_gfx *g) {
    for (int i = 0; i < g->nlabels; i++) {
        const struct tv_label *l = &g->labels[i];
        const char *s = l->s ? l->s : l->txt;
        char joined[512];
        if (l->suffix) {
            snprintf(joined, sizeof joined, "%s%s", s, l->suffix);
            s = joined;
        }
        int x = l->x;
        if (l->centre) {
            int w = tv_text_width(g->font, s);
            if (w <= l->maxw) x += (l->maxw - w) / 2;
        }
        tv_text_draw(g->r, g->font, x, l->y, s, l->c, l->maxw);
    }
    g->nlabels = 0;
}
