/*
 * tv_overlay.c — findings drawn on the timeline where they happened: a
 * race's accesses ringed R/W with an arrow from the first to the second
 * (and the second thread's own earlier read, the lost update); a deadlock's
 * or hang's wait-for cycle as a loop of arrows across the blocked threads'
 * lanes at the moment of detection, each wait outlined; an inversion's
 * acquisitions marked. The places come from tv_fx (tv_findtext.h), read
 * once per view (tv_view_fx), so a frame only maps times to pixels.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_overlay.h"

/* ---- the places, read once per view --------------------------------- */

struct tv_fx_set *tv_view_fx(tv_view *v) {
    if (!v->fx) v->fx = tv_fx_build(v->m);
    return v->fx;
}

/* ---- shapes ----------------------------------------------------------- */

enum { AL_LEFT, AL_RIGHT, AL_CENTRE }; /* where x is on a label: its start, end, middle */
typedef struct lab {
    int x, y, align; /* AL_CENTRE: (x, y) is the middle of the text */
    char txt[96];
    tv_rgb c;
    int bold;
} lab;

typedef struct ctx {
    tv_gfx *g;
    const tv_view *v;
    float w;         /* line width: 1 normal, more for the focus */
    lab labs[192];
    int nlabs;
} ctx;

static void label(ctx *c, int x, int y, int align, int bold, tv_rgb col, const char *fmt, const char *s) {
    if (c->nlabs == (int)(sizeof c->labs / sizeof c->labs[0])) return;
    lab *l = &c->labs[c->nlabs++];
    l->x = x, l->y = y, l->align = align, l->c = col, l->bold = bold;
    snprintf(l->txt, sizeof l->txt, fmt, s);
}

static float clampf(const tv_view *v, double x) {
    double lo = v->g.tl_x0 - 4000.0, hi = v->g.tl_x1 + 4000.0;
    return (float)(x < lo ? lo : x > hi ? hi : x);
}

static float tx(const ctx *c, int64_t t) { return clampf(c->v, tv_t2x(c->v, t)); }

static void ring(tv_gfx *g, tv_rgb col, float x, float y, float r, float th) {
    enum { N = 24 };
    for (int k = 0; k < N; k++) {
        double a0 = 2 * M_PI * k / N, a1 = 2 * M_PI * (k + 1) / N;
        float ox0 = x + r * (float)cos(a0), oy0 = y + r * (float)sin(a0);
        float ox1 = x + r * (float)cos(a1), oy1 = y + r * (float)sin(a1);
        float ix0 = x + (r - th) * (float)cos(a0), iy0 = y + (r - th) * (float)sin(a0);
        float ix1 = x + (r - th) * (float)cos(a1), iy1 = y + (r - th) * (float)sin(a1);
        tv_gfx_tri(g, col, ox0, oy0, ox1, oy1, ix1, iy1);
        tv_gfx_tri(g, col, ox0, oy0, ix1, iy1, ix0, iy0);
    }
}

static void disc(tv_gfx *g, tv_rgb col, float x, float y, float r) {
    enum { N = 16 };
    for (int k = 0; k < N; k++) {
        double a0 = 2 * M_PI * k / N, a1 = 2 * M_PI * (k + 1) / N;
        tv_gfx_tri(g, col, x, y, x + r * (float)cos(a0), y + r * (float)sin(a0), x + r * (float)cos(a1),
                   y + r * (float)sin(a1));
    }
}

/* White under the finding's lines: they cross red waiting slices. */
static tv_rgb halo(void) {
    tv_rgb c = TV_RGB(255, 255, 255);
    c.a = 200;
    return c;
}

static void head(tv_gfx *g, tv_rgb col, float x1, float y1, float ux, float uy, float hl, float hw) {
    float bx = x1 - ux * hl, by = y1 - uy * hl;
    tv_gfx_tri(g, col, x1, y1, bx - uy * hw, by + ux * hw, bx + uy * hw, by - ux * hw);
}

/* A straight arrow, shortened by r0 at its start and r1 at its end (rings). */
static void arrow(tv_gfx *g, tv_rgb col, float x0, float y0, float x1, float y1, float r0, float r1, float w) {
    float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
    if (len <= r0 + r1 + 2) return;
    float ux = dx / len, uy = dy / len;
    x0 += ux * r0, y0 += uy * r0, x1 -= ux * r1, y1 -= uy * r1;
    float hl = 8 + 2 * w, hw = 4 + w;
    tv_gfx_line(g, halo(), x0, y0, x1 - ux * hl * 0.8f, y1 - uy * hl * 0.8f, w + 3);
    tv_gfx_line(g, col, x0, y0, x1 - ux * hl * 0.8f, y1 - uy * hl * 0.8f, w);
    head(g, col, x1, y1, ux, uy, hl, hw);
}

static void dashes(tv_gfx *g, tv_rgb col, float x0, float y0, float x1, float y1, float w) {
    float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
    for (float s = 0; s < len; s += 8) {
        float e = s + 4 < len ? s + 4 : len;
        tv_gfx_line(g, col, x0 + dx * s / len, y0 + dy * s / len, x0 + dx * e / len, y0 + dy * e / len, w);
    }
}

/* An arc from (x, y0) to (x, y1) bulging sideways (a quadratic curve): the
 * arrows of a wait-for cycle going down bulge right and those going up
 * bulge left, so that the cycle reads as one loop through the lanes. */
static void arc(ctx *c, tv_rgb col, float x, float y0, float y1, float w, int side, const char *text) {
    float dy = y1 - y0, s = dy > 0 ? 1.0f : -1.0f, bulge = fabsf(dy) * 0.3f;
    if (bulge < 14) bulge = 14;
    if (bulge > 90) bulge = 90;
    /* near an edge of the timeline (side: +1 / -1) every arc bulges away
     * from it; those that would have bulged the other way go wider, so
     * that the loop still reads as one */
    if (side && s != side) s = (float)side, bulge = bulge * 1.6f + 18;
    float cx = x + s * 2 * bulge, cy = (y0 + y1) / 2, hl = 8 + 2 * w;
    enum { N = 20 };
    float qx[N + 1], qy[N + 1];
    for (int k = 0; k <= N; k++) {
        float t = (float)k / N, u = 1 - t;
        qx[k] = u * u * x + 2 * u * t * cx + t * t * x, qy[k] = u * u * y0 + 2 * u * t * cy + t * t * y1;
    }
    /* the head along the last piece; the line stops inside it */
    float dx = qx[N] - qx[N - 1], ddy = qy[N] - qy[N - 1], len = sqrtf(dx * dx + ddy * ddy);
    float ux = len > 0.01f ? dx / len : 0, uy = len > 0.01f ? ddy / len : s;
    float ex = qx[N] - ux * hl * 0.6f, ey = qy[N] - uy * hl * 0.6f;
    for (int pass = 0; pass < 2; pass++) {
        tv_rgb cc = pass ? col : halo();
        float ww = pass ? w : w + 3;
        for (int k = 1; k < N; k++) tv_gfx_line(c->g, cc, qx[k - 1], qy[k - 1], qx[k], qy[k], ww);
        tv_gfx_line(c->g, cc, qx[N - 1], qy[N - 1], ex, ey, ww);
    }
    head(c->g, col, qx[N], qy[N], ux, uy, hl, 4 + w);
    if (text && *text) {
        float mx = x + s * bulge; /* the curve's middle */
        label(c, (int)(mx + s * 6), (int)cy - 7, s < 0 ? AL_RIGHT : AL_LEFT, 0, col, "%s", text);
    }
}

/* ---- findings ------------------------------------------------------------ */

/* Screen y of a point: the middle of its row. 0 when its lane is hidden
 * or unknown. */
static int point_y(const tv_view *v, const tv_fx_point *p, float *y) {
    int ry, rh;
    if (p->lane == TV_NO_LANE || !tv_view_row_rect(v, p->lane, p->row, &ry, &rh)) return 0;
    *y = (float)ry + (float)rh / 2;
    return 1;
}

static int onscreen_x(const tv_view *v, float x, float margin) {
    return x >= v->g.tl_x0 - margin && x <= v->g.tl_x1 + margin;
}

static void draw_race(ctx *c, const tv_fx *f) {
    tv_gfx *g = c->g;
    const tv_view *v = c->v;
    float r = 9 + c->w;
    float xs[64], ys[64];
    int ok[64];
    for (uint32_t i = 0; i < f->npts && i < 64; i++) {
        const tv_fx_point *p = &f->pts[i];
        xs[i] = tx(c, p->ts);
        ok[i] = point_y(v, p, &ys[i]);
    }
    for (uint32_t k = 0; k < f->nlinks; k++) {
        const tv_fx_link *l = &f->links[k];
        if (l->from < 64 && l->to < 64 && ok[l->from] && ok[l->to])
            arrow(g, tv_c_finding, xs[l->from], ys[l->from], xs[l->to], ys[l->to], r, r, 1.5f + c->w);
    }
    for (uint32_t i = 0; i < f->npts && i < 64; i++) {
        const tv_fx_point *p = &f->pts[i];
        if (!ok[i] || !onscreen_x(v, xs[i], 200)) continue;
        if (p->prior) {
            /* the same thread's read, then its write: a read-modify-write */
            for (uint32_t j = 0; j < f->npts && j < 64; j++)
                if (j != i && ok[j] && !f->pts[j].prior && f->pts[j].lane == p->lane && xs[j] - xs[i] > 2 * r)
                    dashes(g, tv_c_finding, xs[i] + r, ys[i], xs[j] - r, ys[j], 1 + c->w / 2);
        }
        tv_rgb fill = TV_RGB(255, 255, 255);
        fill.a = 230;
        disc(g, fill, xs[i], ys[i], r - 1);
        ring(g, tv_c_finding, xs[i], ys[i], r, p->prior ? 1.5f : 2 + c->w);
        char t[2] = {p->tag ? p->tag : '?', 0};
        label(c, (int)lroundf(xs[i]), (int)lroundf(ys[i]), AL_CENTRE, 1, tv_c_finding, "%s", t);
        label(c, (int)(xs[i] + r + 3), (int)(ys[i] - r - 8), AL_LEFT, 0, tv_c_finding,
              p->prior ? "%s (its own read)" : "%s", p->label);
    }
}

/* Deadlocks and hangs: at the detection, a dot on each blocked thread's
 * lane, its wait outlined back to when it began, and an arrow to the lane
 * of the thread that holds what it waits for. */
static void draw_cycle(ctx *c, const tv_fx *f) {
    tv_gfx *g = c->g;
    const tv_view *v = c->v;
    float x = tx(c, f->ts), ys[64], ymin = 1e9f, ymax = -1e9f;
    int ok[64];
    for (uint32_t i = 0; i < f->npts && i < 64; i++) {
        ok[i] = point_y(v, &f->pts[i], &ys[i]);
        if (ok[i] && !f->pts[i].tag) {
            if (ys[i] < ymin) ymin = ys[i];
            if (ys[i] > ymax) ymax = ys[i];
        }
    }
    /* at an edge of the timeline (a hang at the trace's end, a deadlock
     * at its start) the arcs all bulge away from it and labels go that way */
    int side = x > v->g.tl_x1 - 120 ? -1 : x < v->g.tl_x0 + 120 ? 1 : 0, flip = side < 0;
    tv_rgb faint = tv_c_finding;
    faint.a = 90;
    if (ymax > ymin) tv_gfx_line(g, faint, x, ymin, x, ymax, 1);
    for (uint32_t i = 0; i < f->npts && i < 64; i++) {
        const tv_fx_point *p = &f->pts[i];
        if (!ok[i]) continue;
        if (p->tag == 'S') { /* a signal nobody waited for */
            float sx = tx(c, p->ts);
            ring(g, tv_c_finding, sx, ys[i], 6, 1.5f);
            label(c, (int)sx + 9, (int)ys[i] - 16, AL_LEFT, 0, tv_c_finding, "%s", p->label);
            continue;
        }
        if (p->waits && p->since < p->ts) { /* the wait slice, framed: dark over its red */
            float x0 = tx(c, p->since), y0 = ys[i] - TV_SLICE_H / 2.0f - 1, y1 = ys[i] + TV_SLICE_H / 2.0f + 1;
            float t = 2 + c->w / 2;
            tv_rgb dark = tv_shade(tv_c_finding, 0.45);
            tv_gfx_line(g, dark, x0, y0, x, y0, t);
            tv_gfx_line(g, dark, x0, y1, x, y1, t);
            tv_gfx_line(g, dark, x0, y0 - t / 2, x0, y1 + t / 2, t);
        }
        disc(g, TV_RGB(255, 255, 255), x, ys[i], 5.5f + c->w);
        disc(g, tv_c_finding, x, ys[i], 4 + c->w);
        /* a wait no arrow explains (a condition nobody will signal) says what it is */
        int out = 0;
        for (uint32_t k = 0; k < f->nlinks; k++) out |= f->links[k].from == i;
        if (p->waits && !out)
            label(c, flip ? (int)x - 10 : (int)x + 10, (int)ys[i] - 7, flip ? AL_RIGHT : AL_LEFT, 0, tv_c_finding, "%s",
                  p->label);
    }
    for (uint32_t k = 0; k < f->nlinks; k++) {
        const tv_fx_link *l = &f->links[k];
        if (l->from >= 64 || l->to >= 64 || !ok[l->from] || !ok[l->to] || ys[l->from] == ys[l->to]) continue;
        arc(c, tv_c_finding, x, ys[l->from], ys[l->to], 1.5f + c->w, side, l->label);
    }
}

static void draw_inversion(ctx *c, const tv_fx *f) {
    for (uint32_t i = 0; i < f->npts; i++) {
        const tv_fx_point *p = &f->pts[i];
        float y, x = tx(c, p->ts);
        if (!point_y(c->v, p, &y) || !onscreen_x(c->v, x, 100)) continue;
        ring(c->g, tv_c_finding, x, y, 5 + c->w / 2, 1.5f + c->w / 2);
        /* "A -> B" on every acquisition crowds the lanes (an inversion
         * often comes with its deadlock at the same moments): named when
         * focused */
        if (c->w > 0) label(c, (int)x + 8, (int)y + 2, AL_LEFT, 0, tv_c_finding, "%s", p->label);
    }
}

static void flush_labels(ctx *c) {
    for (int i = 0; i < c->nlabs; i++) {
        const lab *l = &c->labs[i];
        tv_font *font = l->bold ? c->g->bold : c->g->small;
        int w = tv_text_width(font, l->txt), h = tv_font_height(font);
        int x = l->align == AL_RIGHT ? l->x - w : l->align == AL_CENTRE ? l->x - w / 2 : l->x;
        int y = l->align == AL_CENTRE ? l->y - h / 2 : l->y;
        if (!l->bold) { /* readable over slices */
            tv_rgb bg = TV_RGB(255, 255, 255);
            bg.a = 215;
            tv_gfx_fill(c->g, bg, x - 2, y, w + 4, h);
        }
        tv_text_draw(c->g->r, font, x, y, l->txt, l->c, TV_TEXT_NOLIMIT);
    }
    c->nlabs = 0;
}

void tv_draw_finding_overlays(tv_gfx *g, tv_view *v, int64_t upto, size_t focus) {
    const tv_model *m = v ? v->m : NULL;
    if (!g || !m || !m->nfindings) return;
    const tv_fx_set *fx = tv_view_fx(v);
    if (!fx) return;
    /* whatever the caller has batched goes under the overlays */
    tv_gfx_flush_rects(g);
    tv_gfx_flush_tris(g);
    SDL_Rect old;
    int clipped = SDL_RenderIsClipEnabled(g->r);
    SDL_RenderGetClipRect(g->r, &old);
    SDL_Rect tl = {v->g.tl_x0, v->g.area_y0, v->g.tl_x1 - v->g.tl_x0, v->g.area_y1 - v->g.area_y0};
    SDL_RenderSetClipRect(g->r, &tl);
    /* findings' extents are in time; a point's rings and labels reach some
     * way past it */
    double nspp = (double)(v->end - v->start) / (v->g.tl_x1 - v->g.tl_x0 > 0 ? v->g.tl_x1 - v->g.tl_x0 : 1);
    int64_t pad = (int64_t)(nspp * 200), lo = v->start - pad, hi = v->end + pad;
    /* a repeated report (the same id, recounted at the end) stands for the first */
    if (focus < fx->n && fx->f[focus].dup_of != UINT32_MAX) focus = fx->f[focus].dup_of;
    static ctx c; /* its labels: too big for the stack of a frame */
    c.g = g, c.v = v, c.nlabs = 0;
    for (int pass = 0; pass < 2; pass++) { /* the focus last, on top */
        for (size_t i = 0; i < fx->n; i++) {
            const tv_fx *f = &fx->f[i];
            if ((i == focus) != pass || f->dup_of != UINT32_MAX || f->ts > upto) continue;
            if (f->hi < lo || f->lo > hi) continue;
            c.w = i == focus ? 1.5f : 0;
            switch (f->kind) {
            case TV_FX_RACE: draw_race(&c, f); break;
            case TV_FX_DEADLOCK:
            case TV_FX_HANG: draw_cycle(&c, f); break;
            case TV_FX_INVERSION: draw_inversion(&c, f); break;
            default: break;
            }
            tv_gfx_flush_tris(g);
            flush_labels(&c);
        }
    }
    if (clipped) SDL_RenderSetClipRect(g->r, &old);
    else SDL_RenderSetClipRect(g->r, NULL);
}
