/*
 * tv_layout.c — lane order, vertical layout, the time <-> pixel mapping and
 * every change of range or scroll (clamped here, so input code cannot put the
 * view somewhere useless).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tv_view.h"

struct tv_ident {
    uint64_t key; /* process << 32 | thread name */
    uint32_t color;
};

static int cmp_ident(const void *a, const void *b) {
    uint64_t x = ((const struct tv_ident *)a)->key, y = ((const struct tv_ident *)b)->key;
    return x < y ? -1 : x > y;
}

struct flow_end {
    int64_t ts1;
    uint32_t i;
};

static int cmp_flow_end(const void *a, const void *b) {
    const struct flow_end *x = a, *y = b;
    if (x->ts1 != y->ts1) return x->ts1 < y->ts1 ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static int build_flow_index(tv_view *v) {
    const tv_model *m = v->m;
    struct flow_end *t = malloc((m->nflows + 1) * sizeof *t);
    if (!t) return -1;
    for (size_t i = 0; i < m->nflows; i++) t[i] = (struct flow_end){m->flows[i].ts1, (uint32_t)i};
    qsort(t, m->nflows, sizeof *t, cmp_flow_end);
    for (size_t i = 0; i < m->nflows; i++) v->flow_by_end[i] = t[i].i;
    free(t);
    return 0;
}

/* Per process: threads, then each lock followed by its "<lock> waiters"
 * counter, then other async lanes, then the remaining counters. */
static int build_order(tv_view *v) {
    const tv_model *m = v->m;
    v->order = malloc((m->nlanes + 1) * sizeof *v->order);
    v->proc_first = malloc((m->nprocs + 1) * sizeof *v->proc_first);
    uint8_t *placed = calloc(m->nlanes + 1, 1);
    if (!v->order || !v->proc_first || !placed) {
        free(placed);
        return -1;
    }
    uint32_t n = 0;
    for (uint32_t p = 0; p < m->nprocs; p++) {
        const tv_process *pr = &m->procs[p];
        v->proc_first[p] = n;
        for (uint32_t k = 0; k < pr->nlanes; k++) {
            uint32_t li = pr->lanes[k];
            if (li < m->nlanes && !placed[li] && m->lanes[li].kind == TV_LANE_THREAD)
                v->order[n++] = li, placed[li] = 1;
        }
        for (uint32_t k = 0; k < pr->nlanes; k++) {
            uint32_t li = pr->lanes[k];
            if (li >= m->nlanes || placed[li] || m->lanes[li].kind != TV_LANE_ASYNC ||
                !(m->lanes[li].flags & TV_LANE_LOCK))
                continue;
            v->order[n++] = li, placed[li] = 1;
            const char *lock = tv_model_str(m, m->lanes[li].name);
            size_t ll = strlen(lock);
            for (uint32_t q = 0; q < pr->nlanes; q++) {
                uint32_t ci = pr->lanes[q];
                if (ci >= m->nlanes || placed[ci] || m->lanes[ci].kind != TV_LANE_COUNTER) continue;
                const char *cn = tv_model_str(m, m->lanes[ci].name);
                if (!strncmp(cn, lock, ll) && !strcmp(cn + ll, " waiters"))
                    v->order[n++] = ci, placed[ci] = 1;
            }
        }
        for (int pass = 0; pass < 2; pass++)
            for (uint32_t k = 0; k < pr->nlanes; k++) {
                uint32_t li = pr->lanes[k];
                if (li < m->nlanes && !placed[li] &&
                    m->lanes[li].kind == (pass ? TV_LANE_COUNTER : TV_LANE_ASYNC))
                    v->order[n++] = li, placed[li] = 1;
            }
    }
    v->proc_first[m->nprocs] = n;
    free(placed);
    return 0;
}

static int build_ident(tv_view *v) {
    const tv_model *m = v->m;
    v->lane_ident = malloc((m->nlanes + 1) * sizeof *v->lane_ident);
    v->ident = malloc((m->nlanes + 1) * sizeof *v->ident);
    if (!v->lane_ident || !v->ident) return -1;
    for (uint32_t i = 0; i < m->nlanes; i++) v->lane_ident[i] = -1;
    for (uint32_t p = 0; p < m->nprocs; p++) {
        uint32_t k = 0;
        for (uint32_t j = v->proc_first[p]; j < v->proc_first[p + 1]; j++) {
            uint32_t li = v->order[j];
            if (m->lanes[li].kind != TV_LANE_THREAD) continue;
            v->lane_ident[li] = (int32_t)k;
            v->ident[v->nident++] =
                (struct tv_ident){((uint64_t)p << 32) | m->lanes[li].name, k};
            k++;
        }
    }
    qsort(v->ident, v->nident, sizeof *v->ident, cmp_ident);
    return 0;
}

tv_view *tv_view_new(const tv_model *m, int w, int h) {
    tv_view *v = calloc(1, sizeof *v);
    if (!v) return NULL;
    v->m = m;
    v->sel.kind = v->hover.kind = TV_SEL_NONE;
    v->find.cur = SIZE_MAX;
    v->lane_collapsed = calloc(m->nlanes + 1, 1);
    v->proc_collapsed = calloc(m->nprocs + 1, 1);
    v->lane_item = malloc((m->nlanes + 1) * sizeof *v->lane_item);
    v->items = malloc((m->nlanes + m->nprocs + 1) * sizeof *v->items);
    v->flow_by_end = malloc((m->nflows + 1) * sizeof *v->flow_by_end);
    if (!v->lane_collapsed || !v->proc_collapsed || !v->lane_item || !v->items ||
        !v->flow_by_end || build_order(v) || build_ident(v) || build_flow_index(v) ||
        tv_lod_build(v)) {
        tv_view_free(v);
        return NULL;
    }
    v->g.w = w, v->g.h = h;
    tv_view_relayout(v);
    tv_view_fit_all(v);
    return v;
}

void tv_view_free(tv_view *v) {
    if (!v) return;
    tv_view_free_modes(v);
    tv_lod_free(v);
    tv_find_clear(v);
    free(v->order);
    free(v->proc_first);
    free(v->lane_collapsed);
    free(v->proc_collapsed);
    free(v->items);
    free(v->lane_item);
    free(v->lane_ident);
    free(v->ident);
    free(v->flow_by_end);
    free(v);
}

static void compute_geom(tv_view *v) {
    tv_geom *g = &v->g;
    int label = TV_LABEL_W < g->w / 3 ? TV_LABEL_W : g->w / 3;
    int panel = v->sel.kind != TV_SEL_NONE ? TV_PANEL_H : TV_STATUS_H;
    if (panel > g->h / 2) panel = g->h / 2;
    int side = tv_side_open(v) ? TV_SIDE_W : 0;
    if (side > g->w * 2 / 5) side = g->w * 2 / 5;
    g->side_x0 = g->w - side;
    g->sb_x = g->side_x0 - TV_SCROLLBAR_W;
    g->tl_x0 = label;
    g->tl_x1 = g->sb_x > label + 1 ? g->sb_x : label + 1;
    g->panel_y0 = g->h - panel;
    g->area_y0 = TV_AXIS_H < g->h ? TV_AXIS_H : g->h;
    g->area_y1 = g->panel_y0 > g->area_y0 ? g->panel_y0 : g->area_y0;
}

void tv_view_scroll_to(tv_view *v, int scroll) {
    int maxs = v->content_h - (v->g.area_y1 - v->g.area_y0);
    if (scroll > maxs) scroll = maxs;
    if (scroll < 0) scroll = 0;
    v->scroll = scroll;
}

void tv_view_relayout(tv_view *v) {
    const tv_model *m = v->m;
    int y = 0;
    v->nitems = 0;
    for (uint32_t i = 0; i < m->nlanes; i++) v->lane_item[i] = -1;
    for (uint32_t p = 0; p < m->nprocs; p++) {
        if (v->lane_filter) { /* a filtered view: processes without a lane shown go */
            uint32_t j = v->proc_first[p];
            while (j < v->proc_first[p + 1] && !v->lane_filter[v->order[j]]) j++;
            if (j == v->proc_first[p + 1]) continue;
        }
        v->items[v->nitems++] =
            (tv_item){TV_ITEM_PROC, v->proc_collapsed[p], 0, p, y, TV_PROC_H};
        y += TV_PROC_H;
        if (v->proc_collapsed[p]) continue;
        for (uint32_t j = v->proc_first[p]; j < v->proc_first[p + 1]; j++) {
            uint32_t li = v->order[j];
            if (v->lane_filter && !v->lane_filter[li]) continue;
            const tv_lane *l = &m->lanes[li];
            int c = v->lane_collapsed[li], h;
            uint32_t rows = 0;
            if (l->kind == TV_LANE_COUNTER) {
                h = c ? TV_ROW_H + 2 * TV_LANE_PAD : TV_COUNTER_H;
            } else {
                rows = l->nrows ? l->nrows : 1;
                if (c || rows > 0xffff) rows = c ? 1 : 0xffff;
                h = (int)rows * TV_ROW_H + 2 * TV_LANE_PAD;
            }
            v->lane_item[li] = (int32_t)v->nitems;
            v->items[v->nitems++] = (tv_item){TV_ITEM_LANE, (uint8_t)c, (uint16_t)rows, li, y, h};
            y += h;
        }
    }
    v->content_h = y;
    compute_geom(v);
    tv_view_scroll_to(v, v->scroll);
}

void tv_view_resize(tv_view *v, int w, int h) {
    v->g.w = w > 1 ? w : 1;
    v->g.h = h > 1 ? h : 1;
    compute_geom(v);
    tv_view_scroll_to(v, v->scroll);
}

void tv_view_toggle_lane(tv_view *v, uint32_t lane) {
    if (lane >= v->m->nlanes) return;
    v->lane_collapsed[lane] ^= 1;
    tv_view_relayout(v);
}

void tv_view_toggle_proc(tv_view *v, uint32_t proc) {
    if (proc >= v->m->nprocs) return;
    v->proc_collapsed[proc] ^= 1;
    tv_view_relayout(v);
}

#define TV_MIN_SPAN 20 /* ns: 20 ns across the screen is as deep as it gets */
/* How far outside the trace a range may reach, and the widest one. The
 * loader keeps times within +-1e18 ns and durations below 1e18, so a trace
 * is at most 3e18 ns long and every sum below stays far from int64 overflow
 * (the saturating helpers guard what callers pass in). */
#define TV_FAR (INT64_MAX / 4)
#define TV_WIDEST (INT64_MAX / 2)

static int64_t sat_add(int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

/* llround for any double: saturates instead of overflowing */
static int64_t sat_round(double x) {
    if (!(x == x)) return 0;
    if (x >= 9.2e18) return INT64_MAX;
    if (x <= -9.2e18) return INT64_MIN;
    return (int64_t)llround(x);
}

void tv_view_set_range(tv_view *v, int64_t start, int64_t end) {
    const tv_model *m = v->m;
    int64_t len = m->t1 - m->t0;
    if (len < 1) len = 1;
    if (end < start) {
        int64_t t = start;
        start = end, end = t;
    }
    /* by centre and span, so that a far-off request keeps its zoom */
    int64_t span, c;
    if (!__builtin_sub_overflow(end, start, &span)) c = start + span / 2;
    else span = INT64_MAX, c = start / 2 + end / 2;
    int64_t maxspan = len > TV_WIDEST / 10 ? TV_WIDEST : len * 10;
    if (maxspan < 1000) maxspan = 1000;
    if (span > maxspan) span = maxspan;
    if (span < TV_MIN_SPAN) span = TV_MIN_SPAN;
    int64_t lo = sat_add(m->t0, -TV_FAR), hi = sat_add(m->t1, TV_FAR);
    if (c < lo) c = lo;
    if (c > hi) c = hi;
    start = c - span / 2;
    int64_t pad = len / 50;
    if (span <= len + 2 * pad) {
        /* zoomed in: stay within the trace (and a small margin) */
        if (start < m->t0 - pad) start = m->t0 - pad;
        if (start + span > m->t1 + pad) start = m->t1 + pad - span;
    } else {
        /* zoomed out further than the trace: keep it in the middle third */
        if (c < m->t0) start = m->t0 - span / 2;
        if (c > m->t1) start = m->t1 - span / 2;
    }
    v->start = start;
    v->end = start + span;
}

void tv_view_fit_all(tv_view *v) {
    int64_t len = v->m->t1 - v->m->t0, pad = len / 100;
    tv_view_set_range(v, v->m->t0 - pad, v->m->t1 + pad + (len == 0 ? 1000 : 0));
}

void tv_view_fit_sel(tv_view *v) {
    int64_t a, b;
    if (!tv_view_sel_extent(v, &v->sel, &a, &b)) {
        tv_view_fit_all(v);
        return;
    }
    int64_t pad = (b - a) / 10;
    if (pad < 50) pad = 50; /* an instant: show 100 ns around it */
    tv_view_set_range(v, a - pad, b + pad);
}

double tv_t2x(const tv_view *v, int64_t t) {
    double k = (double)(v->g.tl_x1 - v->g.tl_x0) / (double)(v->end - v->start);
    return v->g.tl_x0 + (double)(t - v->start) * k;
}

int64_t tv_x2t(const tv_view *v, double x) {
    double k = (double)(v->end - v->start) / (double)(v->g.tl_x1 - v->g.tl_x0);
    return sat_add(v->start, sat_round((x - v->g.tl_x0) * k));
}

void tv_view_zoom(tv_view *v, double factor, double px) {
    if (px < v->g.tl_x0) px = v->g.tl_x0;
    if (px > v->g.tl_x1) px = v->g.tl_x1;
    double frac = (px - v->g.tl_x0) / (double)(v->g.tl_x1 - v->g.tl_x0);
    int64_t pivot = tv_x2t(v, px);
    double span = (double)(v->end - v->start) * factor;
    if (!(span >= TV_MIN_SPAN)) span = TV_MIN_SPAN;
    if (span > (double)TV_WIDEST) span = (double)TV_WIDEST;
    int64_t start = sat_add(pivot, -sat_round(frac * span));
    tv_view_set_range(v, start, sat_add(start, sat_round(span)));
}

void tv_view_pan_px(tv_view *v, double dx) {
    const tv_model *m = v->m;
    double k = (double)(v->end - v->start) / (double)(v->g.tl_x1 - v->g.tl_x0);
    /* moving further than the trace is long plus its margins changes nothing
     * once clamped, and keeps start - d and end - d far from overflow */
    int64_t len = m->t1 - m->t0, most = len + len / 25 + 1;
    int64_t d = sat_round(dx * k);
    if (d > most) d = most;
    if (d < -most) d = -most;
    tv_view_set_range(v, v->start - d, v->end - d);
}

void tv_view_select(tv_view *v, const tv_sel *s) {
    v->sel = s ? *s : (tv_sel){TV_SEL_NONE, 0, 0, 0};
    compute_geom(v);
    tv_view_scroll_to(v, v->scroll);
}

void tv_view_reveal(tv_view *v, uint32_t lane, uint32_t row, int64_t t0, int64_t t1) {
    const tv_model *m = v->m;
    int64_t span = v->end - v->start;
    if (t1 - t0 > span - span / 5) { /* wider than 80% of the view */
        int64_t pad = (t1 - t0) / 10 + 50;
        tv_view_set_range(v, t0 - pad, t1 + pad);
    } else {
        int64_t c = t0 + (t1 - t0) / 2, start = c - span / 2;
        /* a match near either end: show the trace, not empty time past it
         * (the match stays in view: it is under 80% of the span) */
        if (span <= m->t1 - m->t0) {
            if (start > m->t1 - span) start = m->t1 - span;
            if (start < m->t0) start = m->t0;
        }
        tv_view_set_range(v, start, start + span);
    }
    if (lane >= m->nlanes) return;
    uint32_t p = m->lanes[lane].process;
    if (p < m->nprocs && v->proc_collapsed[p]) tv_view_toggle_proc(v, p);
    /* a collapsed lane shows its first row only: a match below would be
     * framed on the wrong slice */
    if (row > 0 && v->lane_collapsed[lane]) tv_view_toggle_lane(v, lane);
    int y, h;
    if (!tv_view_row_rect(v, lane, row, &y, &h)) return;
    if (y < v->g.area_y0 || y + h > v->g.area_y1)
        tv_view_scroll_to(v, v->scroll + y - v->g.area_y0 - (v->g.area_y1 - v->g.area_y0) / 3);
}

int tv_view_lane_rect(const tv_view *v, uint32_t lane, int *y, int *h) {
    if (lane >= v->m->nlanes || v->lane_item[lane] < 0) return 0;
    const tv_item *it = &v->items[v->lane_item[lane]];
    *y = v->g.area_y0 + it->y - v->scroll;
    *h = it->h;
    return 1;
}

int tv_view_row_rect(const tv_view *v, uint32_t lane, uint32_t row, int *y, int *h) {
    int ly, lh;
    if (!tv_view_lane_rect(v, lane, &ly, &lh)) return 0;
    const tv_item *it = &v->items[v->lane_item[lane]];
    if (row >= it->nrows) row = it->nrows ? it->nrows - 1u : 0;
    *y = ly + TV_LANE_PAD + (int)row * TV_ROW_H;
    *h = TV_SLICE_H;
    return 1;
}

int tv_view_proc_rect(const tv_view *v, uint32_t proc, int *y, int *h) {
    for (size_t i = 0; i < v->nitems; i++)
        if (v->items[i].kind == TV_ITEM_PROC && v->items[i].index == proc) {
            *y = v->g.area_y0 + v->items[i].y - v->scroll;
            *h = v->items[i].h;
            return 1;
        }
    return 0;
}

size_t tv_view_first_item(const tv_view *v, int y) {
    int cy = y - v->g.area_y0 + v->scroll;
    size_t lo = 0, hi = v->nitems;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->items[mid].y + v->items[mid].h <= cy) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

const tv_item *tv_view_item_at(const tv_view *v, int y) {
    if (y < v->g.area_y0 || y >= v->g.area_y1) return NULL;
    size_t i = tv_view_first_item(v, y);
    if (i >= v->nitems) return NULL;
    int cy = y - v->g.area_y0 + v->scroll;
    return cy >= v->items[i].y ? &v->items[i] : NULL;
}

tv_rgb tv_view_thread_color(const tv_view *v, uint32_t lane) {
    if (lane >= v->m->nlanes || v->lane_ident[lane] < 0) return tv_c_text_dim;
    return tv_thread_color((unsigned)v->lane_ident[lane]);
}

tv_rgb tv_view_holder_color(const tv_view *v, uint32_t proc, tv_str name) {
    struct tv_ident key = {((uint64_t)proc << 32) | name, 0};
    const struct tv_ident *f = bsearch(&key, v->ident, v->nident, sizeof key, cmp_ident);
    if (f) return tv_thread_color(f->color);
    return tv_hash_color(tv_model_str(v->m, name));
}

tv_rgb tv_view_slice_color(const tv_view *v, const tv_lane *l, const tv_slice *s) {
    if ((l->flags & TV_LANE_LOCK) && s->label) {
        tv_rgb c = tv_view_holder_color(v, l->process, s->label);
        /* read holds lighter: several readers may share the lock */
        return (s->flags & TV_SLICE_READ) ? tv_shade(c, 1.35) : c;
    }
    return tv_slice_color(tv_model_str(v->m, s->cat), tv_model_str(v->m, s->name));
}

int tv_view_zone(const tv_view *v, int x, int y) {
    const tv_geom *g = &v->g;
    if (x < 0 || y < 0 || x >= g->w || y >= g->h) return TV_ZONE_NONE;
    if (y >= g->panel_y0) return TV_ZONE_PANEL;
    if (x >= g->side_x0) return TV_ZONE_SIDE;
    if (y < g->area_y0) return TV_ZONE_AXIS;
    if (x >= g->sb_x) return TV_ZONE_SCROLLBAR;
    if (x < g->tl_x0) return TV_ZONE_LABEL;
    return TV_ZONE_TIMELINE;
}
