/*
 * tv_hit.c — what is where on screen: the flow arrows as drawn and what a
 * click at (x, y) refers to. Drawing and clicking share tv_view_arrows(), so
 * an arrow can be clicked exactly where it is painted.
 */
#include <math.h>
#include <stdlib.h>

#include "tv_view.h"

static size_t flows_ending_from(const tv_view *v, int64_t t) { /* in flow_by_end */
    size_t lo = 0, hi = v->m->nflows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->m->flows[v->flow_by_end[mid]].ts1 < t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* Centre of the row an arrow end attaches to; a lane of a collapsed process
 * attaches to the process header. */
static int end_y(const tv_view *v, uint32_t lane, uint32_t depth, float *y) {
    int ry, rh;
    if (tv_view_row_rect(v, lane, depth, &ry, &rh)) {
        *y = (float)ry + (float)rh / 2;
        return 1;
    }
    if (lane < v->m->nlanes && tv_view_proc_rect(v, v->m->lanes[lane].process, &ry, &rh)) {
        *y = (float)ry + (float)rh / 2;
        return 1;
    }
    return 0;
}

static int on_screen(const tv_view *v, float x, float y) {
    return x >= v->g.tl_x0 && x <= v->g.tl_x1 && y >= v->g.area_y0 && y <= v->g.area_y1;
}

static int make_arrow(const tv_view *v, size_t fi, tv_arrow *a) {
    const tv_flow *f = &v->m->flows[fi];
    float y0, y1;
    if (!end_y(v, f->lane0, f->depth0, &y0) || !end_y(v, f->lane1, f->depth1, &y1)) return 0;
    a->flow = fi;
    a->x0 = (float)tv_t2x(v, f->ts0), a->x1 = (float)tv_t2x(v, f->ts1);
    a->y0 = y0, a->y1 = y1;
    return on_screen(v, a->x0, a->y0) || on_screen(v, a->x1, a->y1);
}

size_t tv_view_arrows_in_range(const tv_view *v) {
    const tv_model *m = v->m;
    size_t a = tv_flows_first_at(m, v->end + 1) - tv_flows_first_at(m, v->start);
    size_t b = flows_ending_from(v, v->end + 1) - flows_ending_from(v, v->start);
    return a + b; /* arrows with both ends in range count twice: an estimate */
}

/* Too many arrows in view to tell apart: only those of the selection. */
static size_t selection_arrows(const tv_view *v, tv_arrow *out, size_t cap) {
    const tv_model *m = v->m;
    size_t n = 0;
    if (v->sel.kind == TV_SEL_FLOW && v->sel.index < m->nflows) {
        if (make_arrow(v, v->sel.index, &out[0])) n++;
        return n;
    }
    int64_t a, b;
    if (v->sel.kind != TV_SEL_SLICE || !tv_view_sel_extent(v, &v->sel, &a, &b)) return 0;
    size_t i = tv_flows_first_at(m, a), k = flows_ending_from(v, a);
    /* a long parent slice may span very many arrows: look at a bounded number */
    for (int guard = 0; i < m->nflows && m->flows[i].ts0 <= b && n < cap && guard < 20000; i++, guard++) {
        const tv_flow *f = &m->flows[i];
        if (f->lane0 == v->sel.lane && f->depth0 == v->sel.row && make_arrow(v, i, &out[n])) n++;
    }
    for (int guard = 0; k < m->nflows && n < cap && guard < 20000; k++, guard++) {
        const tv_flow *f = &m->flows[v->flow_by_end[k]];
        if (f->ts1 > b) break;
        if (f->lane1 == v->sel.lane && f->depth1 == v->sel.row && make_arrow(v, v->flow_by_end[k], &out[n])) n++;
    }
    return n;
}

size_t tv_view_arrows(const tv_view *v, tv_arrow *out, size_t cap) {
    const tv_model *m = v->m;
    if (!m->nflows || !cap) return 0;
    if (tv_view_arrows_in_range(v) > TV_ARROWS_DENSE) return selection_arrows(v, out, cap);
    size_t a0 = tv_flows_first_at(m, v->start), a1 = tv_flows_first_at(m, v->end + 1);
    size_t b0 = flows_ending_from(v, v->start), b1 = flows_ending_from(v, v->end + 1);
    size_t n = 0;
    for (size_t i = a0; i < a1 && n < cap; i++)
        if (make_arrow(v, i, &out[n])) n++;
    for (size_t k = b0; k < b1 && n < cap; k++) {
        size_t i = v->flow_by_end[k];
        if (m->flows[i].ts0 >= v->start && m->flows[i].ts0 <= v->end) continue; /* done above */
        if (make_arrow(v, i, &out[n])) n++;
    }
    return n;
}

static double seg_dist(double px, double py, const tv_arrow *a) {
    double dx = a->x1 - a->x0, dy = a->y1 - a->y0, l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? ((px - a->x0) * dx + (py - a->y0) * dy) / l2 : 0;
    if (t < 0) t = 0;
    if (t > 1) t = 1;
    double ex = a->x0 + t * dx - px, ey = a->y0 + t * dy - py;
    return sqrt(ex * ex + ey * ey);
}

/* The mark nearest x within tol pixels, or SIZE_MAX. */
static size_t nearest_mark(const tv_view *v, const tv_mark *mk, size_t n, int x, double tol) {
    size_t i = tv_marks_first_at(mk, n, tv_x2t(v, x - tol)), best = SIZE_MAX;
    double bd = tol + 1;
    /* a pile of marks at one pixel: the first 256 are enough to choose from */
    for (int k = 0; i < n && k < 256 && tv_t2x(v, mk[i].ts) <= x + tol; i++, k++) {
        double d = fabs(tv_t2x(v, mk[i].ts) - x);
        if (d < bd || (d <= bd && mk[i].finding)) bd = d, best = i;
    }
    return best;
}

tv_sel tv_view_hit(const tv_view *v, int x, int y) {
    tv_sel none = {TV_SEL_NONE, 0, 0, 0};
    const tv_model *m = v->m;
    int zone = tv_view_zone(v, x, y);
    if (zone == TV_ZONE_AXIS && x >= v->g.tl_x0) {
        size_t i = nearest_mark(v, m->gmarks, m->ngmarks, x, 5);
        return i == SIZE_MAX ? none : (tv_sel){TV_SEL_GMARK, TV_NO_LANE, 0, i};
    }
    if (zone != TV_ZONE_TIMELINE) return none;
    const tv_item *it = tv_view_item_at(v, y);
    int ly = 0;
    const tv_lane *l = NULL;
    if (it && it->kind == TV_ITEM_LANE) {
        l = &m->lanes[it->index];
        ly = v->g.area_y0 + it->y - v->scroll;
        /* marks sit on the top of the lane */
        if (l->nmarks && y < ly + 14) {
            size_t i = nearest_mark(v, l->marks, l->nmarks, x, 5);
            if (i != SIZE_MAX) return (tv_sel){TV_SEL_MARK, it->index, 0, i};
        }
    }
    if (m->nflows) {
        tv_arrow *a = malloc(TV_ARROWS_MAX * sizeof *a);
        if (a) {
            size_t n = tv_view_arrows(v, a, TV_ARROWS_MAX), best = SIZE_MAX;
            double bd = 4.0;
            for (size_t i = 0; i < n; i++) {
                double d = seg_dist(x, y, &a[i]);
                if (d <= bd) bd = d, best = a[i].flow;
            }
            free(a);
            if (best != SIZE_MAX) return (tv_sel){TV_SEL_FLOW, TV_NO_LANE, 0, best};
        }
    }
    if (!l) return none;
    int64_t t = tv_x2t(v, x);
    if (l->kind == TV_LANE_COUNTER) {
        size_t i = tv_samples_first_at(l, t + 1);
        if (i == 0) return none;
        return (tv_sel){TV_SEL_SAMPLE, it->index, 0, i - 1};
    }
    int rel = y - ly - TV_LANE_PAD;
    if (rel < 0) return none;
    uint32_t row = (uint32_t)(rel / TV_ROW_H);
    if (row >= it->nrows || row >= l->nrows || rel % TV_ROW_H >= TV_SLICE_H) return none;
    const tv_row *r = &l->rows[row];
    int64_t tol = tv_x2t(v, x + 2) - t; /* 2 px: tiny slices stay clickable */
    size_t i = tv_row_first_ending_after(r, t - tol - 1), best = SIZE_MAX;
    int64_t bd = INT64_MAX;
    for (int k = 0; i < r->n && r->s[i].ts <= t + tol && k < 256; i++, k++) {
        int64_t a = r->s[i].ts, b = a + r->s[i].dur;
        int64_t d = t < a ? a - t : t > b ? t - b : 0;
        if (d < bd) bd = d, best = i;
        if (d == 0) break;
    }
    if (best == SIZE_MAX) return none;
    return (tv_sel){TV_SEL_SLICE, it->index, row, best};
}

int tv_view_sel_extent(const tv_view *v, const tv_sel *s, int64_t *t0, int64_t *t1) {
    const tv_model *m = v->m;
    switch (s->kind) {
    case TV_SEL_SLICE: {
        if (s->lane >= m->nlanes || s->row >= m->lanes[s->lane].nrows ||
            s->index >= m->lanes[s->lane].rows[s->row].n)
            return 0;
        const tv_slice *sl = &m->lanes[s->lane].rows[s->row].s[s->index];
        *t0 = sl->ts, *t1 = sl->ts + sl->dur;
        return 1;
    }
    case TV_SEL_MARK:
        if (s->lane >= m->nlanes || s->index >= m->lanes[s->lane].nmarks) return 0;
        *t0 = *t1 = m->lanes[s->lane].marks[s->index].ts;
        return 1;
    case TV_SEL_GMARK:
        if (s->index >= m->ngmarks) return 0;
        *t0 = *t1 = m->gmarks[s->index].ts;
        return 1;
    case TV_SEL_FLOW: {
        if (s->index >= m->nflows) return 0;
        const tv_flow *f = &m->flows[s->index];
        *t0 = f->ts0 < f->ts1 ? f->ts0 : f->ts1;
        *t1 = f->ts0 < f->ts1 ? f->ts1 : f->ts0;
        return 1;
    }
    case TV_SEL_SAMPLE: {
        if (s->lane >= m->nlanes || s->index >= m->lanes[s->lane].nsamples) return 0;
        const tv_lane *l = &m->lanes[s->lane];
        *t0 = l->samples[s->index].ts;
        *t1 = s->index + 1 < l->nsamples ? l->samples[s->index + 1].ts : m->t1;
        return 1;
    }
    }
    return 0;
}

const char *tv_view_sel_name(const tv_view *v, const tv_sel *s) {
    const tv_model *m = v->m;
    int64_t a, b;
    if (!tv_view_sel_extent(v, s, &a, &b)) return "";
    switch (s->kind) {
    case TV_SEL_SLICE: return tv_model_str(m, m->lanes[s->lane].rows[s->row].s[s->index].name);
    case TV_SEL_MARK: return tv_model_str(m, m->lanes[s->lane].marks[s->index].name);
    case TV_SEL_GMARK: return tv_model_str(m, m->gmarks[s->index].name);
    case TV_SEL_FLOW: return tv_model_str(m, m->flows[s->index].name);
    case TV_SEL_SAMPLE: return tv_model_str(m, m->lanes[s->lane].name);
    }
    return "";
}
