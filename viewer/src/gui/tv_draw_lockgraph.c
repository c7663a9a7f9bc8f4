/*
 * tv_draw_lockgraph.c — the lock graph view: locks as boxes (name, kind,
 * holds) where tv_lockgraph_layout put them, "taken while held" edges as
 * arrows labelled with their sites, the cycles of inversions and deadlocks
 * in the finding color, a legend. Box geometry does not depend on the font,
 * so hit testing needs no renderer.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tv_overlay.h"

enum { BOX_H = 36, BOX_MIN_W = 80, BOX_MAX_W = 200, MARGIN_X = BOX_MAX_W / 2 + 10, MARGIN_Y = BOX_H / 2 + 12,
       LEGEND_H = 26 };

/* The layout's unit square stretched over the area (a little wider than
 * high, so that labels have room), minus the legend: its width and height. */
static float unit_h(SDL_Rect a) {
    float uh = (float)(a.h - LEGEND_H - 2 * MARGIN_Y);
    return uh < 0 ? 0 : uh;
}

static float unit_w(SDL_Rect a) {
    float uw = (float)(a.w - 2 * MARGIN_X), uh = unit_h(a);
    if (uw < 0) uw = 0;
    return uw < 1.7f * uh ? uw : 1.7f * uh;
}

/* The box's second line: "mutex, 12 holds". */
static void kind_line(const tv_lg_node *n, char *b, size_t len) {
    snprintf(b, len, "%s, %llu hold%s", n->kind && n->kind[0] ? n->kind : "lock", (unsigned long long)n->holds,
             n->holds == 1 ? "" : "s");
}

static int box_w(const tv_lockgraph *lg, SDL_Rect a, const tv_lg_node *n) {
    /* about 7 px a character of the bold 12 px name, 6 of the 11 px line */
    char k[96];
    kind_line(n, k, sizeof k);
    size_t len = strlen(n->name ? n->name : ""), kl = strlen(k);
    int w = len > 40 ? BOX_MAX_W : (int)len * 7 + 24, w2 = kl > 40 ? BOX_MAX_W : (int)kl * 6 + 20;
    if (w2 > w) w = w2;
    /* a grid's column: no wider than it */
    int cap = lg->cell > 0 && lg->cell < 1 ? (int)(lg->cell * unit_w(a)) - 36 : BOX_MAX_W; /* room for an arrow */
    if (cap < 60) cap = 60;
    if (cap > BOX_MAX_W) cap = BOX_MAX_W;
    return w < BOX_MIN_W ? (BOX_MIN_W < cap ? BOX_MIN_W : cap) : w > cap ? cap : w;
}

static void centre(const tv_lockgraph *lg, SDL_Rect a, size_t i, float *x, float *y) {
    float uw = (float)(a.w - 2 * MARGIN_X), uh = unit_h(a), sx = unit_w(a);
    if (uw < 0) uw = 0;
    float x0 = (float)a.x + MARGIN_X + (uw - sx) / 2, y0 = (float)a.y + MARGIN_Y;
    *x = x0 + lg->nodes[i].x * sx;
    *y = y0 + lg->nodes[i].y * uh;
}

int tv_lockgraph_node_rect(const tv_lockgraph *lg, SDL_Rect area, size_t i, SDL_Rect *r) {
    if (!lg || i >= lg->nnodes) return 0;
    float x, y;
    centre(lg, area, i, &x, &y);
    int w = box_w(lg, area, &lg->nodes[i]);
    *r = (SDL_Rect){(int)lroundf(x) - w / 2, (int)lroundf(y) - BOX_H / 2, w, BOX_H};
    return 1;
}

int tv_lockgraph_hit(const tv_lockgraph *lg, SDL_Rect area, int x, int y) {
    if (!lg) return -1;
    for (size_t i = lg->nnodes; i-- > 0;) { /* the last drawn is on top */
        SDL_Rect r;
        tv_lockgraph_node_rect(lg, area, i, &r);
        if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h) return (int)i;
    }
    return -1;
}

/* Where the segment from the centre of r towards (dx, dy) leaves r. */
static float exit_t(const SDL_Rect *r, float dx, float dy) {
    float hw = r->w / 2.0f + 3, hh = r->h / 2.0f + 3;
    float tx = fabsf(dx) > 1e-3f ? hw / fabsf(dx) : 1e9f, ty = fabsf(dy) > 1e-3f ? hh / fabsf(dy) : 1e9f;
    return tx < ty ? tx : ty;
}

static int has_reverse(const tv_lockgraph *lg, const tv_lg_edge *e) {
    for (size_t k = 0; k < lg->nedges; k++)
        if (lg->edges[k].from == e->to && lg->edges[k].to == e->from) return 1;
    return 0;
}

/* "p.c:22 -> p.c:24" as "p.c:22 -> :24" when both sites are in one file. */
static void site_label(const tv_lg_edge *e, char *b, size_t len) {
    const char *f = e->from_site ? e->from_site : "", *t = e->to_site ? e->to_site : "";
    const char *fc = strrchr(f, ':'), *tc = strrchr(t, ':');
    int n;
    if (fc && tc && fc - f == tc - t && !strncmp(f, t, (size_t)(fc - f)))
        n = snprintf(b, len, "%s -> %s", f, tc);
    else if (*f || *t)
        n = snprintf(b, len, "%s -> %s", *f ? f : "?", *t ? t : "?");
    else
        n = snprintf(b, len, "%s", "");
    if (e->count > 1 && n >= 0 && (size_t)n < len)
        snprintf(b + n, len - (size_t)n, " (%llux)", (unsigned long long)e->count);
}

typedef struct elab {
    float x, y, room; /* room: the arrow's visible length */
    char txt[120];
    tv_rgb c;
} elab;

static void draw_edge(tv_gfx *g, const tv_lockgraph *lg, SDL_Rect area, size_t k, int hot, elab *el) {
    const tv_lg_edge *e = &lg->edges[k];
    SDL_Rect ra, rb;
    tv_lockgraph_node_rect(lg, area, e->from, &ra);
    tv_lockgraph_node_rect(lg, area, e->to, &rb);
    float ax = ra.x + ra.w / 2.0f, ay = ra.y + ra.h / 2.0f, bx = rb.x + rb.w / 2.0f, by = rb.y + rb.h / 2.0f;
    float dx = bx - ax, dy = by - ay, len = sqrtf(dx * dx + dy * dy);
    el->txt[0] = 0;
    if (len < 1) return;
    float ux = dx / len, uy = dy / len, nx = -uy, ny = ux;
    /* A -> B and B -> A side by side, each on its own right */
    float off = has_reverse(lg, e) ? 6.0f : 0.0f;
    ax += nx * off, ay += ny * off, bx += nx * off, by += ny * off;
    float t0 = exit_t(&ra, dx, dy), t1 = exit_t(&rb, -dx, -dy);
    float x0 = ax + dx * t0, y0 = ay + dy * t0, x1 = bx - dx * t1, y1 = by - dy * t1;
    if ((x1 - x0) * ux + (y1 - y0) * uy <= 4) return; /* boxes overlap */
    tv_rgb c = e->cycle ? tv_c_finding : tv_c_arrow;
    float w = hot ? 4.0f : e->cycle ? 2.5f : 1.5f, hl = 10 + w, hw = 5 + w;
    float hx = x1 - ux * hl, hy = y1 - uy * hl;
    tv_gfx_line(g, c, x0, y0, hx + ux * 2, hy + uy * 2, w);
    tv_gfx_tri(g, c, x1, y1, hx - uy * hw, hy + ux * hw, hx + uy * hw, hy - ux * hw);
    site_label(e, el->txt, sizeof el->txt);
    el->room = (x1 - x0) * ux + (y1 - y0) * uy;
    /* beside the middle, on the arrow's own side */
    el->x = (x0 + x1) / 2 + nx * (off ? off + 9 : 0);
    el->y = (y0 + y1) / 2 + ny * (off ? off + 9 : 0);
    el->c = e->cycle ? tv_c_finding : tv_c_text_dim;
}

/* s in at most maxw pixels, centred; a long name loses its middle, not its
 * end ("mutex@prog.c:30 #4" and "#5" stay apart). */
static void text_fit(tv_gfx *g, tv_font *f, SDL_Rect r, int y, const char *s, tv_rgb c) {
    int maxw = r.w - 10, w = tv_text_width(f, s);
    if (w <= maxw) {
        tv_text_draw(g->r, f, r.x + (r.w - w) / 2, y, s, c, TV_TEXT_NOLIMIT);
        return;
    }
    size_t n = strlen(s), keep = n;
    char b[256];
    while (keep > 2) {
        keep--;
        size_t head = (keep + 1) / 2, tail = keep - head;
        if (head + tail + 4 > sizeof b) continue;
        /* whole UTF-8 characters only */
        while (head > 0 && ((unsigned char)s[head] & 0xc0) == 0x80) head--;
        while (tail > 0 && ((unsigned char)s[n - tail] & 0xc0) == 0x80) tail--;
        snprintf(b, sizeof b, "%.*s...%s", (int)head, s, s + n - tail);
        if (tv_text_width(f, b) <= maxw) break;
    }
    tv_text_draw(g->r, f, r.x + 5, y, b, c, maxw);
}

static void draw_node(tv_gfx *g, const tv_lockgraph *lg, SDL_Rect area, size_t i) {
    const tv_lg_node *n = &lg->nodes[i];
    SDL_Rect r;
    tv_lockgraph_node_rect(lg, area, i, &r);
    tv_gfx_fill(g, n->in_cycle ? TV_RGB(253, 232, 232) : TV_RGB(255, 255, 255), r.x, r.y, r.w, r.h);
    tv_gfx_frame(g, n->in_cycle ? tv_c_finding : tv_c_sep, r.x, r.y, r.w, r.h, n->in_cycle ? 2 : 1);
    int fh = tv_font_height(g->bold);
    text_fit(g, g->bold, r, r.y + 3, n->name ? n->name : "", tv_c_text);
    char k[96];
    kind_line(n, k, sizeof k);
    text_fit(g, g->small, r, r.y + 3 + fh + 1, k, tv_c_text_dim);
}

void tv_draw_lockgraph(tv_gfx *g, const tv_lockgraph *lg, SDL_Rect area, int focus_cycle) {
    if (!g || area.w <= 0 || area.h <= 0) return;
    tv_gfx_flush_rects(g);
    tv_gfx_flush_tris(g);
    SDL_Rect old;
    int clipped = SDL_RenderIsClipEnabled(g->r);
    SDL_RenderGetClipRect(g->r, &old);
    SDL_RenderSetClipRect(g->r, &area);
    tv_gfx_fill(g, tv_c_bg, area.x, area.y, area.w, area.h);
    if (!lg || !lg->nnodes) {
        const char *t = "no locks in this trace";
        tv_text_draw(g->r, g->font, area.x + (area.w - tv_text_width(g->font, t)) / 2,
                     area.y + area.h / 2 - tv_font_height(g->font) / 2, t, tv_c_text_dim, area.w);
    } else {
        /* plain edges, then cycles, then the focused cycle: each over the last */
        static elab labs[400];
        size_t nl = 0, cap = sizeof labs / sizeof labs[0];
        int label_plain = lg->nedges <= 60; /* a crowd of labels reads as noise */
        for (int pass = 0; pass < 3; pass++) {
            for (size_t k = 0; k < lg->nedges; k++) {
                const tv_lg_edge *e = &lg->edges[k];
                int hot = focus_cycle > 0 && tv_lockgraph_edge_in(lg, k, focus_cycle);
                if ((hot ? 2 : e->cycle ? 1 : 0) != pass) continue;
                elab el;
                draw_edge(g, lg, area, k, hot, &el);
                if (el.txt[0] && (e->cycle || label_plain) && nl < cap) labs[nl++] = el;
            }
            tv_gfx_flush_tris(g);
        }
        for (size_t i = 0; i < lg->nnodes; i++) draw_node(g, lg, area, i);
        for (size_t i = 0; i < nl; i++) {
            int w = tv_text_width(g->small, labs[i].txt), h = tv_font_height(g->small);
            if (w + 16 > labs[i].room) continue; /* it would cover the boxes */
            int x = (int)labs[i].x - w / 2, y = (int)labs[i].y - h / 2;
            tv_rgb bg = TV_RGB(255, 255, 255);
            bg.a = 220;
            tv_gfx_fill(g, bg, x - 2, y, w + 4, h);
            tv_text_draw(g->r, g->small, x, y, labs[i].txt, labs[i].c, TV_TEXT_NOLIMIT);
        }
    }
    /* the legend */
    int ly = area.y + area.h - LEGEND_H + 6, lx = area.x + 12;
    tv_gfx_fill(g, tv_c_sep, area.x, area.y + area.h - LEGEND_H, area.w, 1);
    tv_gfx_line(g, tv_c_arrow, (float)lx, ly + 7.0f, lx + 18.0f, ly + 7.0f, 1.5f);
    tv_gfx_tri(g, tv_c_arrow, lx + 24.0f, ly + 7.0f, lx + 16.0f, ly + 3.0f, lx + 16.0f, ly + 11.0f);
    tv_gfx_flush_tris(g);
    const char *lt = "A -> B: B taken while A held;";
    tv_text_draw(g->r, g->small, lx + 30, ly, lt, tv_c_text, TV_TEXT_NOLIMIT);
    int x2 = lx + 30 + tv_text_width(g->small, lt) + 8;
    tv_text_draw(g->r, g->small, x2, ly, "red: a cycle = possible deadlock", tv_c_finding, TV_TEXT_NOLIMIT);
    if (lg && lg->nnodes) {
        char s[96];
        snprintf(s, sizeof s, "%zu lock%s, %zu edge%s, %zu cycle%s", lg->nnodes, lg->nnodes == 1 ? "" : "s",
                 lg->nedges, lg->nedges == 1 ? "" : "s", lg->ndistinct, lg->ndistinct == 1 ? "" : "s");
        int sw = tv_text_width(g->small, s);
        tv_text_draw(g->r, g->small, area.x + area.w - sw - 12, ly, s, tv_c_text_dim, TV_TEXT_NOLIMIT);
    }
    if (clipped) SDL_RenderSetClipRect(g->r, &old);
    else SDL_RenderSetClipRect(g->r, NULL);
}
