/*
 * tv_draw.c — the lanes: process headers, slices (through the LOD walker),
 * lock holds in their holder's color, counters as step graphs, marks, flow
 * arrows, the selection. Only items that intersect the screen are visited
 * (binary search over the layout), so the cost follows the window, not the
 * trace.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tv_draw.h"
#include "tv_overlay.h"

#define NAME_MIN_W 40 /* a lane name gets at least this, else its tag goes */

/* Pixel coordinates far outside the window are clamped, so that an int never
 * overflows at deep zoom. */
static int clampx(const tv_view *v, double x) {
    if (x < v->g.tl_x0 - 4) return v->g.tl_x0 - 4;
    if (x > v->g.tl_x1 + 4) return v->g.tl_x1 + 4;
    return (int)floor(x);
}

typedef struct {
    tv_gfx *g;
    const tv_view *v;
    const tv_lane *l;
    const tv_row *row;
    int y;  /* row top */
    int ty; /* label top */
    tv_rgb last; /* color of the last merged piece: the count is written on it */
} row_ctx;

static void on_span(void *ctx, const tv_span *sp) {
    row_ctx *c = ctx;
    const tv_view *v = c->v;
    int x0 = clampx(v, sp->x0), x1 = clampx(v, sp->x1);
    if (x1 <= x0) x1 = x0 + 1;
    if (sp->kind == TV_SPAN_BLOCK) {
        /* the number of merged slices, where there is room for it */
        char n[24];
        snprintf(n, sizeof n, "%zu", sp->count);
        if (x1 - x0 >= tv_text_width(c->g->font, n) + 8)
            tv_gfx_label(c->g, x0, c->ty, x1 - x0, n, tv_text_on(c->last), 1);
        return;
    }
    if (sp->kind == TV_SPAN_MERGED) {
        c->last = tv_shade(sp->color, 0.82); /* darker: several slices */
        tv_gfx_rect(c->g, c->last, x0, c->y, x1 - x0, TV_SLICE_H);
        return;
    }
    const tv_slice *s = &c->row->s[sp->index];
    tv_rgb col = tv_view_slice_color(v, c->l, s);
    /* a one-pixel gap at the right end tells neighbours of one color apart */
    int gap = x1 - x0 >= 5, stop = 0;
    tv_gfx_rect(c->g, col, x0, c->y, x1 - x0 - gap, TV_SLICE_H);
    /* a wait that gave up ends in a bar: the thread runs on either way */
    if ((s->flags & (TV_SLICE_TIMED_OUT | TV_SLICE_GAVE_UP)) && x1 - x0 >= 3) {
        stop = x1 - x0 >= 8 ? 3 : 1;
        tv_gfx_rect(c->g, tv_c_gave_up, x1 - gap - stop, c->y, stop, TV_SLICE_H);
    }
    /* a label inside, kept on screen when the slice starts left of it */
    int lx0 = x0 > v->g.tl_x0 ? x0 : v->g.tl_x0, lx1 = x1 - stop < v->g.tl_x1 ? x1 - stop : v->g.tl_x1;
    if (lx1 - lx0 >= 24) {
        const char *txt = (c->l->flags & TV_LANE_LOCK) && s->label ? tv_model_str(v->m, s->label)
                                                                   : tv_model_str(v->m, s->name);
        const char *why = (s->flags & TV_SLICE_TIMED_OUT) ? " (timed out)"
                          : (s->flags & TV_SLICE_GAVE_UP) ? " (gave up)" : NULL;
        tv_gfx_label_plus(c->g, lx0 + 4, c->ty, lx1 - lx0 - 8, txt, why, tv_text_on(col), 0);
    }
}

static void draw_rows(tv_gfx *g, const tv_view *v, const tv_item *it, int ly) {
    const tv_lane *l = &v->m->lanes[it->index];
    uint32_t n = it->nrows < l->nrows ? it->nrows : l->nrows;
    for (uint32_t r = 0; r < n; r++) {
        int y = ly + TV_LANE_PAD + (int)r * TV_ROW_H;
        if (y + TV_SLICE_H < v->g.area_y0 || y > v->g.area_y1) continue;
        row_ctx c = {g, v, l, &l->rows[r], y, y + (TV_SLICE_H - tv_font_height(g->font)) / 2,
                     tv_c_text};
        tv_view_walk_row(v, it->index, r, on_span, &c);
    }
}

/* A counter lane's vertical mapping. */
typedef struct {
    double lo, hi, gy1, gh;
    int zy; /* y of the value 0 */
} cgeom;

static int cy(const cgeom *c, double val) { return (int)lround(c->gy1 - (val - c->lo) / (c->hi - c->lo) * c->gh); }

/* A horizontal step at val from x a to b: the area under it (pass 0) or
 * the line (pass 1). */
static void step(tv_gfx *g, const cgeom *c, int pass, int a, int b, double val) {
    if (b <= a) return;
    int y = cy(c, val);
    if (pass == 0) tv_gfx_rect(g, tv_c_counter_fill, a, y < c->zy ? y : c->zy, b - a, abs(c->zy - y));
    else tv_gfx_rect(g, tv_c_counter_line, a, y - 1, b - a, 2);
}

/* A pixel column holding several values: filled up to the highest, the range
 * as a bar. */
static void column(tv_gfx *g, const cgeom *c, int pass, int x, double mn, double mx) {
    int ymx = cy(c, mx), ymn = cy(c, mn);
    if (pass == 0) tv_gfx_rect(g, tv_c_counter_fill, x, ymx < c->zy ? ymx : c->zy, 1, abs(c->zy - ymx) + 1);
    else tv_gfx_rect(g, tv_c_counter_range, x, ymx - 1, 1, ymn - ymx + 2);
}

/* Zoomed out: a column at a time from the lane's bucket summary. */
static void counter_coarse(tv_gfx *g, const tv_view *v, const tv_lane *l, const tv_csum *cs, int lv,
                           const cgeom *c, int pass) {
    const tv_cbucket *L = cs->lv[lv];
    const size_t nb = cs->nb[lv];
    const double B = (double)(cs->b0 << lv), nspp = (double)(v->end - v->start) / (v->g.tl_x1 - v->g.tl_x0);
    const double tend = (double)(v->m->t1 > l->samples[l->nsamples - 1].ts ? v->m->t1 : l->samples[l->nsamples - 1].ts);
#define BUCKET_AT(t) ((t) <= (double)cs->t0 ? 0 : (size_t)fmin((double)nb, ceil(((t) - (double)cs->t0) / B)))
    int x0 = v->g.tl_x0;
    size_t ba = BUCKET_AT((double)v->start);
    double cur = L[ba].first > 0 ? l->samples[L[ba].first - 1].value : NAN;
    int run = x0; /* the current step started here */
    for (int col = x0; col < v->g.tl_x1; col++) {
        double ta = (double)v->start + (col - x0) * nspp, tb = ta + nspp;
        if (ta > tend) break;
        size_t bb = BUCKET_AT(tb);
        if (bb > ba && L[bb].first > L[ba].first) {
            double mn = INFINITY, mx = -INFINITY, last = NAN;
            for (size_t b = ba; b < bb; b++) {
                if (L[b].min < mn) mn = L[b].min;
                if (L[b].max > mx) mx = L[b].max;
                if (!isnan(L[b].last)) last = L[b].last;
            }
            if (!isnan(cur)) {
                step(g, c, pass, run, col, cur);
                if (cur < mn) mn = cur;
                if (cur > mx) mx = cur;
            }
            column(g, c, pass, col, mn, mx);
            cur = last;
            run = col + 1;
        }
        ba = bb;
    }
    if (!isnan(cur)) {
        double xe = tv_t2x(v, (int64_t)tend);
        step(g, c, pass, run, xe > v->g.tl_x1 ? v->g.tl_x1 : (int)xe, cur);
    }
#undef BUCKET_AT
}

/* pass 0 fills the area under the steps, pass 1 draws the line on top */
static void draw_counter(tv_gfx *g, const tv_view *v, const tv_item *it, int ly, int pass) {
    const tv_lane *l = &v->m->lanes[it->index];
    if (!l->nsamples) return;
    cgeom c;
    tv_counter_range(l, &c.lo, &c.hi);
    int gy0 = ly + (it->collapsed ? 3 : 6);
    c.gy1 = ly + it->h - 3;
    c.gh = c.gy1 - gy0;
    c.zy = cy(&c, 0.0);
    const tv_csum *cs = tv_view_csum(v, it->index);
    int lv = tv_csum_level(v, cs);
    if (lv >= 0) {
        counter_coarse(g, v, l, cs, lv, &c, pass);
        return;
    }
    size_t i = tv_samples_first_at(l, v->start + 1);
    if (i > 0) i--;
    int64_t tend = v->m->t1 > l->samples[l->nsamples - 1].ts ? v->m->t1 : l->samples[l->nsamples - 1].ts;
    int prev_y = INT32_MIN;
    while (i < l->nsamples && l->samples[i].ts <= v->end) {
        double xa = tv_t2x(v, l->samples[i].ts);
        double col = floor(xa < v->g.tl_x0 ? v->g.tl_x0 : xa);
        size_t j = tv_counter_next(l, i, tv_x2t(v, col + 1));
        if (j <= i) j = i + 1;
        double seg0 = xa;
        if (j - i > 1) { /* many samples in this pixel column */
            double mn, mx;
            tv_counter_minmax(l, i, j, &mn, &mx);
            column(g, &c, pass, (int)col, mn, mx);
            seg0 = col + 1;
        }
        /* the step of the last sample in the group, to the next sample */
        double v1 = l->samples[j - 1].value, xs = tv_t2x(v, l->samples[j - 1].ts);
        double xb = tv_t2x(v, j < l->nsamples ? l->samples[j].ts : tend);
        int a = clampx(v, seg0 > xs ? seg0 : xs), y = cy(&c, v1);
        step(g, &c, pass, a, clampx(v, xb), v1);
        if (pass == 1 && prev_y != INT32_MIN && j - i == 1 && prev_y != y) /* the riser */
            tv_gfx_rect(g, tv_c_counter_line, a, prev_y < y ? prev_y - 1 : y - 1, 2, abs(prev_y - y) + 2);
        prev_y = y;
        i = j;
    }
}

static void counter_label(tv_gfx *g, const tv_view *v, const tv_item *it, int ly) {
    const tv_lane *l = &v->m->lanes[it->index];
    if (!l->nsamples || it->collapsed) return;
    char b[48];
    snprintf(b, sizeof b, "max %.6g", l->vmax);
    int w = tv_text_width(g->small, b) + 6, room = v->g.tl_x1 - v->g.tl_x0 - 4;
    if (w > room) return; /* a timeline too narrow for it */
    tv_gfx_fill(g, TV_RGB(255, 255, 255), v->g.tl_x0 + 2, ly + 2, w, tv_font_height(g->small));
    tv_text_draw(g->r, g->small, v->g.tl_x0 + 5, ly + 2, b, tv_c_text_dim, TV_TEXT_NOLIMIT);
}

static void mark_shape(tv_gfx *g, const tv_view *v, const tv_mark *mk, float x, float y, int big) {
    const char *cat = tv_model_str(v->m, mk->cat);
    if (big || mk->finding) {
        tv_gfx_tri(g, TV_RGB(255, 255, 255), x - 7.5f, y - 1, x + 7.5f, y - 1, x, y + 12);
        tv_gfx_tri(g, tv_c_finding, x - 6, y, x + 6, y, x, y + 10);
    } else if (!strcmp(cat, "mark")) {
        tv_gfx_tri(g, TV_RGB(255, 255, 255), x - 5.5f, y - 1, x + 5.5f, y - 1, x, y + 9);
        tv_gfx_tri(g, tv_c_mark, x - 4.5f, y, x + 4.5f, y, x, y + 7.5f);
    } else { /* cond signals, detaches, dropped events: a diamond */
        tv_rgb c = !strcmp(cat, "cond") ? tv_c_cond_mark : !strcmp(cat, "threadlens") ? TV_RGB(230, 120, 0) : tv_c_mark;
        tv_gfx_tri(g, TV_RGB(255, 255, 255), x - 5, y + 4, x, y - 1, x + 5, y + 4);
        tv_gfx_tri(g, TV_RGB(255, 255, 255), x - 5, y + 4, x + 5, y + 4, x, y + 9);
        tv_gfx_tri(g, c, x - 4, y + 4, x, y, x + 4, y + 4);
        tv_gfx_tri(g, c, x - 4, y + 4, x + 4, y + 4, x, y + 8);
    }
}

static void draw_marks(tv_gfx *g, const tv_view *v, const tv_item *it, int ly) {
    const tv_lane *l = &v->m->lanes[it->index];
    size_t i = tv_marks_first_at(l->marks, l->nmarks, tv_x2t(v, v->g.tl_x0 - 8));
    int64_t tmax = tv_x2t(v, v->g.tl_x1 + 8);
    while (i < l->nmarks && l->marks[i].ts <= tmax) {
        double x = tv_t2x(v, l->marks[i].ts);
        if (!l->marks[i].finding) mark_shape(g, v, &l->marks[i], (float)floor(x) + 0.5f, (float)ly + 1, 0);
        /* one mark per 3 px is all that can be seen */
        size_t j = tv_marks_first_at(l->marks, l->nmarks, tv_x2t(v, floor(x) + 3));
        i = j > i ? j : i + 1;
    }
}

static void draw_findings(tv_gfx *g, const tv_view *v) {
    const tv_model *m = v->m;
    size_t nf = m->nfindings;
    /* findings_marks is sorted by ts; they are few */
    size_t i = tv_marks_first_at(m->findings_marks, nf, tv_x2t(v, v->g.tl_x0 - 8));
    for (; i < nf && m->findings_marks[i].ts <= tv_x2t(v, v->g.tl_x1 + 8); i++) {
        const tv_mark *mk = &m->findings_marks[i];
        int y, h;
        if (mk->scope != TV_SCOPE_THREAD || !tv_view_lane_rect(v, mk->lane, &y, &h)) continue;
        mark_shape(g, v, mk, (float)floor(tv_t2x(v, mk->ts)) + 0.5f, (float)y + 1, 1);
    }
}

static void draw_gmarks(tv_gfx *g, const tv_view *v) {
    const tv_model *m = v->m;
    size_t i = tv_marks_first_at(m->gmarks, m->ngmarks, tv_x2t(v, v->g.tl_x0 - 8));
    int64_t tmax = tv_x2t(v, v->g.tl_x1 + 8);
    while (i < m->ngmarks && m->gmarks[i].ts <= tmax) {
        const tv_mark *mk = &m->gmarks[i];
        int x = (int)floor(tv_t2x(v, mk->ts));
        tv_rgb c = mk->finding ? tv_c_finding : tv_c_mark;
        c.a = 150;
        tv_gfx_rect(g, c, x, v->g.area_y0, 1, v->g.area_y1 - v->g.area_y0);
        size_t j = tv_marks_first_at(m->gmarks, m->ngmarks, tv_x2t(v, x + 3));
        i = j > i ? j : i + 1;
    }
}

static void draw_arrows(tv_gfx *g, const tv_view *v) {
    size_t n = tv_view_arrows(v, g->arrows, TV_ARROWS_MAX);
    int64_t s0 = 0, s1 = -1;
    if (v->sel.kind == TV_SEL_SLICE) tv_view_sel_extent(v, &v->sel, &s0, &s1);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            const tv_arrow *a = &g->arrows[i];
            const tv_flow *f = &v->m->flows[a->flow];
            /* arrows of the selection stand out, and are drawn last */
            int hot = (v->sel.kind == TV_SEL_FLOW && v->sel.index == a->flow) ||
                      (v->sel.kind == TV_SEL_SLICE &&
                       ((f->lane0 == v->sel.lane && f->depth0 == v->sel.row && f->ts0 >= s0 && f->ts0 <= s1) ||
                        (f->lane1 == v->sel.lane && f->depth1 == v->sel.row && f->ts1 >= s0 && f->ts1 <= s1)));
            if (hot != pass) continue;
            tv_rgb c = hot ? tv_c_arrow_sel : tv_c_arrow;
            float dx = a->x1 - a->x0, dy = a->y1 - a->y0, len = sqrtf(dx * dx + dy * dy);
            float w = hot ? 2.5f : 1.5f;
            if (len < 1) {
                tv_gfx_tri(g, c, a->x1 - 3, a->y1 - 6, a->x1 + 3, a->y1 - 6, a->x1, a->y1);
                continue;
            }
            float ux = dx / len, uy = dy / len, hl = len < 9 ? len : 9, hw = hot ? 5 : 4;
            float bx = a->x1 - ux * hl, by = a->y1 - uy * hl;
            tv_gfx_line(g, c, a->x0, a->y0, bx, by, w);
            tv_gfx_tri(g, c, a->x1, a->y1, bx - uy * hw, by + ux * hw, bx + uy * hw, by - ux * hw);
            tv_gfx_rect(g, c, (int)a->x0 - 1, (int)a->y0 - 1, 3, 3);
        }
}

static void draw_selection(tv_gfx *g, const tv_view *v) {
    const tv_sel *s = &v->sel;
    int64_t a, b;
    if (!tv_view_sel_extent(v, s, &a, &b)) return;
    int y, h;
    if (s->kind == TV_SEL_SLICE) {
        if (!tv_view_row_rect(v, s->lane, s->row, &y, &h)) return;
        int x0 = clampx(v, tv_t2x(v, a)), x1 = clampx(v, tv_t2x(v, b));
        if (x1 - x0 < 3) x0 = (x0 + x1) / 2 - 1, x1 = x0 + 3;
        tv_gfx_frame(g, TV_RGB(255, 255, 255), x0 - 3, y - 3, x1 - x0 + 6, h + 6, 1);
        tv_gfx_frame(g, tv_c_select, x0 - 2, y - 2, x1 - x0 + 4, h + 4, 2);
    } else if (s->kind == TV_SEL_MARK || s->kind == TV_SEL_SAMPLE) {
        if (!tv_view_lane_rect(v, s->lane, &y, &h)) return;
        int x = (int)floor(tv_t2x(v, a));
        tv_gfx_frame(g, tv_c_select, x - 6, y, 13, h, 2);
    } else if (s->kind == TV_SEL_GMARK) {
        int x = (int)floor(tv_t2x(v, a));
        tv_gfx_fill(g, tv_c_select, x - 1, v->g.area_y0, 3, v->g.area_y1 - v->g.area_y0);
    }
}

static void label_cell(tv_gfx *g, const tv_view *v, const tv_item *it, int y) {
    const tv_model *m = v->m;
    int lw = v->g.tl_x0, fh = tv_font_height(g->font);
    int ty = y + (it->kind == TV_ITEM_PROC ? (it->h - fh) / 2 : TV_LANE_PAD + (TV_SLICE_H - fh) / 2);
    int tri_x = it->kind == TV_ITEM_PROC ? 10 : 22;
    float cy = (float)ty + (float)fh / 2;
    tv_rgb tc = tv_c_text_dim;
    if (it->collapsed)
        tv_gfx_tri(g, tc, (float)tri_x - 3, cy - 5, (float)tri_x - 3, cy + 5, (float)tri_x + 3, cy);
    else
        tv_gfx_tri(g, tc, (float)tri_x - 5, cy - 3, (float)tri_x + 5, cy - 3, (float)tri_x, cy + 3);
    if (it->kind == TV_ITEM_PROC) {
        const tv_process *p = &m->procs[it->index];
        char pid[32];
        snprintf(pid, sizeof pid, "pid %u", p->pid);
        int pw = tv_text_width(g->small, pid), namew = lw - 30 - pw;
        /* a narrow label column: the name first, the pid only where it fits */
        if (namew < NAME_MIN_W) namew = lw - 28;
        else tv_text_draw(g->r, g->small, lw - pw - 8, ty + 1, pid, tv_c_text_dim, TV_TEXT_NOLIMIT);
        tv_text_draw(g->r, g->bold, 20, ty, tv_model_str(m, p->name), tv_c_text, namew);
        return;
    }
    const tv_lane *l = &m->lanes[it->index];
    char tag[40] = "";
    if (l->kind == TV_LANE_THREAD) {
        tv_gfx_fill(g, tv_view_thread_color(v, it->index), 6, y + 3, 5, it->h - 6);
        snprintf(tag, sizeof tag, "tid %lld", (long long)l->tid);
    } else if (l->flags & TV_LANE_LOCK) {
        snprintf(tag, sizeof tag, "lock");
    } else if (l->kind == TV_LANE_COUNTER) {
        snprintf(tag, sizeof tag, "counter");
    } else {
        snprintf(tag, sizeof tag, "async");
    }
    int tw = tv_text_width(g->small, tag), namew = lw - 44 - tw;
    if (namew < NAME_MIN_W) namew = lw - 40;
    else tv_text_draw(g->r, g->small, lw - tw - 8, ty + 1, tag, tv_c_text_dim, TV_TEXT_NOLIMIT);
    tv_text_draw(g->r, g->font, 32, ty, tv_model_str(m, l->name), tv_c_text, namew);
}

static void draw_grid(tv_gfx *g, const tv_view *v) {
    int64_t span = v->end - v->start;
    int64_t step = tv_tick_step(span, v->g.tl_x1 - v->g.tl_x0, 110);
    int64_t t0 = v->m->t0, rel = v->start - t0;
    int64_t k = rel >= 0 ? (rel + step - 1) / step : -((-rel) / step);
    for (int64_t t = k * step; t0 + t <= v->end; t += step) {
        int x = (int)floor(tv_t2x(v, t0 + t));
        tv_gfx_rect(g, tv_c_grid, x, v->g.area_y0, 1, v->g.area_y1 - v->g.area_y0);
    }
    tv_gfx_flush_rects(g);
}

/* The lanes (the timeline and the pool view, which filters them). */
static void draw_timeline(tv_gfx *g, tv_view *v) {
    SDL_Renderer *r = g->r;
    const tv_geom *G = &v->g;
    size_t first = tv_view_first_item(v, G->area_y0), last = first;
    while (last < v->nitems && G->area_y0 + v->items[last].y - v->scroll < G->area_y1) last++;

    /* backgrounds of the timeline part */
    SDL_Rect tl = {G->tl_x0, G->area_y0, G->tl_x1 - G->tl_x0, G->area_y1 - G->area_y0};
    SDL_RenderSetClipRect(r, &tl);
    for (size_t i = first; i < last; i++) {
        const tv_item *it = &v->items[i];
        int y = G->area_y0 + it->y - v->scroll;
        tv_rgb bg = it->kind == TV_ITEM_PROC ? tv_c_proc_bg : (i & 1) ? tv_c_lane_b : tv_c_lane_a;
        tv_gfx_rect(g, bg, G->tl_x0, y, G->tl_x1 - G->tl_x0, it->h);
        tv_gfx_rect(g, tv_c_sep, G->tl_x0, y + it->h - 1, G->tl_x1 - G->tl_x0, 1);
    }
    tv_gfx_flush_rects(g);
    draw_grid(g, v);

    /* lane contents */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = first; i < last; i++) {
            const tv_item *it = &v->items[i];
            if (it->kind != TV_ITEM_LANE) continue;
            int y = G->area_y0 + it->y - v->scroll;
            if (v->m->lanes[it->index].kind == TV_LANE_COUNTER) draw_counter(g, v, it, y, pass);
            else if (pass == 0) draw_rows(g, v, it, y);
        }
        tv_gfx_flush_rects(g);
    }
    tv_gfx_flush_labels(g);
    for (size_t i = first; i < last; i++) {
        const tv_item *it = &v->items[i];
        int y = G->area_y0 + it->y - v->scroll;
        if (it->kind == TV_ITEM_LANE && v->m->lanes[it->index].kind == TV_LANE_COUNTER)
            counter_label(g, v, it, y);
        if (it->kind == TV_ITEM_LANE && v->m->lanes[it->index].nmarks) draw_marks(g, v, it, y);
    }
    draw_findings(g, v);
    draw_gmarks(g, v);
    tv_gfx_flush_rects(g);
    tv_gfx_flush_tris(g);
    draw_selection(g, v);
    draw_arrows(g, v);
    tv_gfx_flush_tris(g);
    tv_gfx_flush_rects(g);
    /* findings where they happened; replaying, only those already reached */
    tv_draw_finding_overlays(g, v, v->has_playhead ? v->playhead : INT64_MAX,
                             v->finding1 ? v->finding1 - 1 : SIZE_MAX);
    tv_gfx_flush_tris(g);
    tv_gfx_flush_rects(g);
    tv_draw_playhead(g, v);

    /* the label column */
    SDL_Rect lc = {0, G->area_y0, G->tl_x0, G->area_y1 - G->area_y0};
    SDL_RenderSetClipRect(r, &lc);
    tv_gfx_fill(g, tv_c_label_bg, 0, G->area_y0, G->tl_x0, G->area_y1 - G->area_y0);
    for (size_t i = first; i < last; i++) {
        const tv_item *it = &v->items[i];
        int y = G->area_y0 + it->y - v->scroll;
        if (it->kind == TV_ITEM_PROC) tv_gfx_fill(g, tv_c_proc_bg, 0, y, G->tl_x0, it->h);
        tv_gfx_fill(g, tv_c_sep, 0, y + it->h - 1, G->tl_x0, 1);
        label_cell(g, v, it, y);
    }
    tv_gfx_flush_tris(g);
    SDL_RenderSetClipRect(r, NULL);
    tv_gfx_fill(g, tv_c_sep, G->tl_x0 - 1, G->area_y0, 1, G->area_y1 - G->area_y0);

    /* scrollbar */
    int ah = G->area_y1 - G->area_y0;
    tv_gfx_fill(g, tv_c_label_bg, G->sb_x, G->area_y0, G->side_x0 - G->sb_x, ah);
    if (v->content_h > ah && ah > 0) {
        int th = (int)((double)ah * ah / v->content_h), ty;
        if (th < 20) th = 20;
        ty = G->area_y0 + (int)((double)(ah - th) * v->scroll / (v->content_h - ah));
        tv_gfx_fill(g, TV_RGB(170, 175, 184), G->sb_x + 2, ty, G->side_x0 - G->sb_x - 4, th);
    }

    tv_draw_axis(g, v);
    tv_draw_playhead_axis(g, v);
}

void tv_draw_frame(tv_gfx *g, tv_view *v) {
    SDL_Renderer *r = g->r;
    SDL_RenderSetClipRect(r, NULL);
    SDL_SetRenderDrawColor(r, tv_c_bg.r, tv_c_bg.g, tv_c_bg.b, 255);
    SDL_RenderClear(r);
    if (v->mode == TV_MODE_LOCKS) tv_draw_locks_view(g, v);
    else draw_timeline(g, v);
    tv_draw_side(g, v);
    tv_draw_panel(g, v);
    tv_draw_overlays(g, v);
}
