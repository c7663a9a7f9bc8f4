/*
 * tv_lod.c — level of detail. A frame must take about the same time whether
 * one slice or ten million are in view, so nothing here walks all visible
 * slices:
 * - zoomed in, slices are walked one by one and sub-pixel ones are skipped a
 *   pixel column at a time (galloping search), each merged column colored
 *   like its longest slice;
 * - zoomed out (a pixel column spans at least one level-0 bucket, ~8 slices)
 *   each column reads one or two buckets of the row summary built when the
 *   view opens, which never touches the slices: at ten million events the
 *   slices are half a gigabyte, and a cache miss per column would cost more
 *   than the whole frame budget.
 */
#include <math.h>
#include <stdlib.h>

#include "tv_view.h"

#define MIP_MIN_SLICES 256 /* shorter rows are always walked slice by slice */
#define PER_BUCKET 8       /* slices per level-0 bucket, on average */
#define NO_SLICE UINT32_MAX
#define SCAN_MAX 64        /* longest slice of a column: look at this many */

/* Colors of the slices that summarize buckets, cached by (name, cat, label):
 * the color functions compare strings. */
typedef struct {
    tv_str name, cat, label;
    int used;
    tv_rgb c;
} color_slot;

static tv_rgb cached_color(const tv_view *v, const tv_lane *l, const tv_slice *s, color_slot *cache) {
    uint32_t h = (s->name * 2654435761u) ^ (s->cat * 40503u) ^ (s->label * 2246822519u);
    color_slot *e = &cache[(h >> 7) & 1023];
    if (!e->used || e->name != s->name || e->cat != s->cat || e->label != s->label) {
        *e = (color_slot){s->name, s->cat, s->label, 1, tv_view_slice_color(v, l, s)};
    }
    return e->c;
}

/* A bucket's longest duration: dur saturates at 4.29 s, and a slice longer
 * than that must still win and be drawn wide when a pixel spans more. Only
 * saturated buckets touch the slices. */
static int64_t rep_dur(const tv_slice *s, const tv_bucket *b) {
    return b->dur == UINT32_MAX ? s[b->longest].dur : (int64_t)b->dur;
}

static int better(const tv_slice *s, const tv_bucket *a, const tv_bucket *b) { /* a beats b */
    if (a->longest == NO_SLICE) return 0;
    if (b->longest == NO_SLICE || a->dur > b->dur) return 1;
    return a->dur == UINT32_MAX && b->dur == UINT32_MAX && rep_dur(s, a) > rep_dur(s, b);
}

/* The level-0 grid of a summary over n items from time first to last: about
 * PER_BUCKET items a bucket. Returns the number of buckets. */
static size_t bucket_grid(int64_t first, int64_t last, size_t n, int64_t *t0, int64_t *b0) {
    *t0 = first;
    *b0 = (last - first + 1) / (int64_t)(n / PER_BUCKET);
    if (*b0 < 1) *b0 = 1;
    return (size_t)((last - first) / *b0) + 1;
}

static int build_row(const tv_view *v, const tv_lane *l, const tv_row *r, tv_rowsum *rs,
                     color_slot *cache) {
    const tv_slice *s = r->s;
    size_t n = r->n;
    rs->nlv = 0;
    if (n < MIP_MIN_SLICES || n >= NO_SLICE) return 0;
    size_t nb = bucket_grid(s[0].ts, s[n - 1].ts, n, &rs->t0, &rs->b0);
    tv_bucket *L = malloc((nb + 1) * sizeof *L);
    if (!L) return -1;
    size_t b = 0;
    L[0] = (tv_bucket){0, NO_SLICE, 0, {0, 0, 0, 0}};
    for (size_t i = 0; i < n; i++) {
        size_t bi = (size_t)((s[i].ts - rs->t0) / rs->b0);
        while (b < bi) L[++b] = (tv_bucket){(uint32_t)i, NO_SLICE, 0, {0, 0, 0, 0}};
        uint32_t d = s[i].dur > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)s[i].dur;
        if (L[b].longest == NO_SLICE || d > L[b].dur) L[b].longest = (uint32_t)i, L[b].dur = d;
    }
    while (b < nb) L[++b] = (tv_bucket){(uint32_t)n, NO_SLICE, 0, {0, 0, 0, 0}};
    for (b = 0; b < nb; b++)
        if (L[b].longest != NO_SLICE) L[b].color = cached_color(v, l, &s[L[b].longest], cache);
    rs->lv[0] = L, rs->nb[0] = nb, rs->nlv = 1;
    while (rs->nb[rs->nlv - 1] > 16 && rs->nlv < TV_MIP_LEVELS) {
        const tv_bucket *P = rs->lv[rs->nlv - 1];
        size_t pn = rs->nb[rs->nlv - 1], qn = (pn + 1) / 2;
        tv_bucket *Q = malloc((qn + 1) * sizeof *Q);
        if (!Q) return -1;
        for (size_t j = 0; j < qn; j++) {
            Q[j] = P[2 * j];
            if (2 * j + 1 < pn && better(s, &P[2 * j + 1], &Q[j])) {
                Q[j] = P[2 * j + 1];
                Q[j].first = P[2 * j].first;
            }
        }
        Q[qn] = (tv_bucket){(uint32_t)n, NO_SLICE, 0, {0, 0, 0, 0}};
        rs->lv[rs->nlv] = Q, rs->nb[rs->nlv] = qn, rs->nlv++;
    }
    return 0;
}

static tv_cbucket cmerge(const tv_cbucket *a, const tv_cbucket *b) {
    tv_cbucket r = *a;
    if (b->min < r.min) r.min = b->min;
    if (b->max > r.max) r.max = b->max;
    if (!isnan(b->last)) r.last = b->last;
    return r;
}

static int build_counter(const tv_lane *l, tv_csum *cs) {
    const tv_sample *s = l->samples;
    size_t n = l->nsamples;
    cs->nlv = 0;
    if (n < MIP_MIN_SLICES || n >= NO_SLICE) return 0;
    size_t nb = bucket_grid(s[0].ts, s[n - 1].ts, n, &cs->t0, &cs->b0), b = 0;
    tv_cbucket *L = malloc((nb + 1) * sizeof *L);
    if (!L) return -1;
    const tv_cbucket empty = {0, INFINITY, -INFINITY, NAN};
    L[0] = empty;
    for (size_t i = 0; i < n; i++) {
        size_t bi = (size_t)((s[i].ts - cs->t0) / cs->b0);
        while (b < bi) L[++b] = empty, L[b].first = (uint32_t)i;
        float x = (float)s[i].value;
        if (x < L[b].min) L[b].min = x;
        if (x > L[b].max) L[b].max = x;
        L[b].last = x;
    }
    while (b < nb) L[++b] = empty, L[b].first = (uint32_t)n;
    cs->lv[0] = L, cs->nb[0] = nb, cs->nlv = 1;
    while (cs->nb[cs->nlv - 1] > 16 && cs->nlv < TV_MIP_LEVELS) {
        const tv_cbucket *P = cs->lv[cs->nlv - 1];
        size_t pn = cs->nb[cs->nlv - 1], qn = (pn + 1) / 2;
        tv_cbucket *Q = malloc((qn + 1) * sizeof *Q);
        if (!Q) return -1;
        for (size_t j = 0; j < qn; j++) Q[j] = 2 * j + 1 < pn ? cmerge(&P[2 * j], &P[2 * j + 1]) : P[2 * j];
        Q[qn] = empty, Q[qn].first = (uint32_t)n;
        cs->lv[cs->nlv] = Q, cs->nb[cs->nlv] = qn, cs->nlv++;
    }
    return 0;
}

const tv_csum *tv_view_csum(const tv_view *v, uint32_t lane) {
    if (!v->csum || lane >= v->m->nlanes || !v->csum[lane].nlv) return NULL;
    return &v->csum[lane];
}

int tv_csum_level(const tv_view *v, const tv_csum *cs) {
    double nspp = (double)(v->end - v->start) / (double)(v->g.tl_x1 - v->g.tl_x0);
    if (!cs || nspp < (double)cs->b0) return -1;
    int lv = 0;
    while (lv + 1 < cs->nlv && (double)(cs->b0 << (lv + 1)) <= nspp) lv++;
    return lv;
}

int tv_lod_build(tv_view *v) {
    const tv_model *m = v->m;
    v->rowsum = calloc(m->nlanes + 1, sizeof *v->rowsum);
    v->csum = calloc(m->nlanes + 1, sizeof *v->csum);
    color_slot *cache = calloc(1024, sizeof *cache);
    if (!v->rowsum || !v->csum || !cache) {
        free(cache);
        return -1;
    }
    int rc = 0;
    for (uint32_t li = 0; li < m->nlanes && !rc; li++) {
        const tv_lane *l = &m->lanes[li];
        if (l->kind == TV_LANE_COUNTER) rc = build_counter(l, &v->csum[li]);
        if (l->kind == TV_LANE_COUNTER || !l->nrows) continue;
        v->rowsum[li] = calloc(l->nrows, sizeof **v->rowsum);
        if (!v->rowsum[li]) rc = -1;
        for (uint32_t r = 0; r < l->nrows && !rc; r++)
            rc = build_row(v, l, &l->rows[r], &v->rowsum[li][r], cache);
    }
    free(cache);
    return rc;
}

void tv_lod_free(tv_view *v) {
    if (v->csum)
        for (uint32_t li = 0; li < v->m->nlanes; li++)
            for (int k = 0; k < v->csum[li].nlv; k++) free(v->csum[li].lv[k]);
    free(v->csum);
    v->csum = NULL;
    if (!v->rowsum) return;
    for (uint32_t li = 0; li < v->m->nlanes; li++) {
        if (!v->rowsum[li]) continue;
        for (uint32_t r = 0; r < v->m->lanes[li].nrows; r++)
            for (int k = 0; k < v->rowsum[li][r].nlv; k++) free(v->rowsum[li][r].lv[k]);
        free(v->rowsum[li]);
    }
    free(v->rowsum);
    v->rowsum = NULL;
}

const tv_rowsum *tv_view_rowsum(const tv_view *v, uint32_t lane, uint32_t row) {
    if (!v->rowsum || lane >= v->m->nlanes || !v->rowsum[lane] || row >= v->m->lanes[lane].nrows)
        return NULL;
    const tv_rowsum *rs = &v->rowsum[lane][row];
    return rs->nlv ? rs : NULL;
}

/* First slice at or after i whose ts is >= t: galloping from i, because the
 * next pixel column's slices are usually close by (and in cache). */
static size_t gallop_starting_at(const tv_row *r, size_t i, int64_t t) {
    size_t n = r->n, lo = i, step = 1;
    if (lo >= n || r->s[lo].ts >= t) return lo;
    while (lo + step < n && r->s[lo + step].ts < t) lo += step, step *= 2;
    size_t hi = lo + step < n ? lo + step : n; /* s[lo].ts < t; s[hi].ts >= t or hi == n */
    lo++;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->s[mid].ts < t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static size_t longest_of(const tv_slice *s, size_t a, size_t b) {
    size_t best = a;
    if (b - a > SCAN_MAX) b = a + SCAN_MAX; /* a pile in one pixel: enough to pick a color */
    for (size_t i = a + 1; i < b; i++)
        if (s[i].dur > s[best].dur) best = i;
    return best;
}

static int same_look(const tv_slice *a, const tv_slice *b) {
    return a->name == b->name && a->cat == b->cat && a->label == b->label;
}

/* Zoomed in: slice by slice. */
static void walk_exact(const tv_view *v, const tv_lane *l, const tv_row *r, tv_span_fn fn, void *ctx) {
    const tv_slice *s = r->s;
    const double gx0 = v->g.tl_x0, k = (double)(v->g.tl_x1 - v->g.tl_x0) / (double)(v->end - v->start);
    const int64_t start = v->start, end = v->end;
#define X(t) (gx0 + (double)((t) - start) * k)
    size_t i = tv_row_first_ending_after(r, start);
    /* zero-length slices exactly at the left edge are visible too */
    while (i > 0 && s[i - 1].dur == 0 && s[i - 1].ts >= start) i--;
    while (i < r->n && s[i].ts <= end) {
        double xa = X(s[i].ts), xb = X(s[i].ts + s[i].dur);
        if (xb - xa >= 1.0) {
            fn(ctx, &(tv_span){TV_SPAN_SLICE, xa, xb, i, 1, {0, 0, 0, 0}});
            i++;
            continue;
        }
        /* a merged block: one pixel column per step */
        double bx0 = xa, last_end = xb;
        size_t total = 0;
        tv_span run = {TV_SPAN_MERGED, xa, xa, SIZE_MAX, 0, {0, 0, 0, 0}};
        for (;;) {
            double col = floor(xa);
            int64_t tnext = start + (int64_t)ceil((col + 1 - gx0) / k);
            size_t j = gallop_starting_at(r, i, tnext);
            if (j <= i) j = i + 1;
            /* a wide slice that starts in this column is drawn on its own */
            if (j - 1 > i && X(s[j - 1].ts + s[j - 1].dur) - X(s[j - 1].ts) >= 1.0) j--;
            size_t rep = longest_of(s, i, j);
            double cx1 = X(s[j - 1].ts + s[j - 1].dur);
            if (cx1 < col + 1) cx1 = col + 1;
            if (run.index != SIZE_MAX && same_look(&s[run.index], &s[rep])) {
                if (s[rep].dur > s[run.index].dur) run.index = rep;
            } else {
                if (run.index != SIZE_MAX) {
                    run.color = tv_view_slice_color(v, l, &s[run.index]);
                    fn(ctx, &run);
                }
                run = (tv_span){TV_SPAN_MERGED, run.index == SIZE_MAX ? xa : col, col, rep, 0, {0, 0, 0, 0}};
            }
            run.x1 = cx1;
            run.count += j - i;
            total += j - i;
            last_end = cx1;
            i = j;
            if (i >= r->n || s[i].ts > end) break;
            xa = X(s[i].ts);
            if (X(s[i].ts + s[i].dur) - xa >= 1.0) break; /* wide: not merged */
            if (xa - X(s[i - 1].ts + s[i - 1].dur) >= 1.0) break; /* a visible gap */
        }
        run.color = tv_view_slice_color(v, l, &s[run.index]);
        fn(ctx, &run);
        fn(ctx, &(tv_span){TV_SPAN_BLOCK, bx0, last_end > bx0 + 1 ? last_end : bx0 + 1, SIZE_MAX,
                           total, {0, 0, 0, 0}});
    }
#undef X
}

/* Zoomed out: a pixel column at a time, from the row summary. */
typedef struct {
    tv_span_fn fn;
    void *ctx;
    tv_span run;   /* the merged columns of one color being collected */
    tv_span block; /* the merged block being collected (count = slices) */
} coarse;

static void close_block(coarse *c) {
    if (c->run.count) c->fn(c->ctx, &c->run);
    if (c->block.count) c->fn(c->ctx, &c->block);
    c->run.count = c->block.count = 0;
}

static void add_merged(coarse *c, double x, size_t n, const tv_bucket *rep) {
    if (c->run.count && (c->run.color.r != rep->color.r || c->run.color.g != rep->color.g ||
                         c->run.color.b != rep->color.b || c->run.x1 < x)) {
        c->fn(c->ctx, &c->run);
        c->run.count = 0;
    }
    if (!c->run.count) c->run = (tv_span){TV_SPAN_MERGED, x, x, rep->longest, 0, rep->color};
    c->run.x1 = x + 1;
    c->run.count += n;
    if (!c->block.count) c->block = (tv_span){TV_SPAN_BLOCK, x, x, SIZE_MAX, 0, {0, 0, 0, 0}};
    c->block.x1 = x + 1;
    c->block.count += n;
}

static void walk_coarse(const tv_view *v, const tv_row *r, const tv_rowsum *rs, tv_span_fn fn, void *ctx) {
    const tv_slice *s = r->s;
    const double gx0 = v->g.tl_x0, k = (double)(v->g.tl_x1 - v->g.tl_x0) / (double)(v->end - v->start);
    const double nspp = 1.0 / k;
    const int64_t start = v->start;
#define X(t) (gx0 + (double)((t) - start) * k)
    int lv = 0;
    while (lv + 1 < rs->nlv && (double)(rs->b0 << (lv + 1)) <= nspp) lv++;
    const tv_bucket *L = rs->lv[lv];
    const size_t nb = rs->nb[lv];
    const double B = (double)(rs->b0 << lv);
    coarse c = {fn, ctx, {0}, {0}};
    int64_t cover_until = INT64_MIN; /* a slice drawn on its own covers the row up to here */
    double merged_until = -1e300;    /* time the last merged column's longest slice reaches */

    /* a slice that began left of the view */
    size_t i0 = tv_row_first_ending_after(r, start);
    if (i0 < r->n && s[i0].ts < start && X(s[i0].ts + s[i0].dur) - X(s[i0].ts) >= 1.0) {
        fn(ctx, &(tv_span){TV_SPAN_SLICE, X(s[i0].ts), X(s[i0].ts + s[i0].dur), i0, 1, {0, 0, 0, 0}});
        cover_until = s[i0].ts + s[i0].dur;
    }
    /* bucket b goes to the column its start falls in */
#define BUCKET_AT(t) ((t) <= (double)rs->t0 ? 0 : (size_t)fmin((double)nb, ceil(((t) - (double)rs->t0) / B)))
    const double last_end = (double)(s[r->n - 1].ts + s[r->n - 1].dur);
    for (int col = v->g.tl_x0; col < v->g.tl_x1; col++) {
        double ta = (double)start + (col - gx0) * nspp, tb = ta + nspp;
        if (ta > last_end) break;
        size_t ba = BUCKET_AT(ta), bb = BUCKET_AT(tb);
        size_t cnt = ba < bb ? L[bb].first - L[ba].first : 0;
        if (!cnt) {
            if ((double)cover_until > ta) continue;
            if (merged_until > ta && c.block.count) { /* a merged slice reaches into this column */
                c.run.x1 = c.block.x1 = col + 1;
                continue;
            }
            close_block(&c);
            continue;
        }
        const tv_bucket *rep = &L[ba];
        for (size_t b = ba + 1; b < bb; b++)
            if (better(s, &L[b], rep)) rep = &L[b];
        const int64_t rdur = rep_dur(s, rep);
        if ((double)rdur >= nspp) {
            /* wide enough to be drawn on its own, exactly; what else starts in
             * this column is a one-pixel merged piece before it */
            const tv_slice *w = &s[rep->longest];
            if (cnt > 1) add_merged(&c, col, cnt - 1, rep);
            close_block(&c);
            fn(ctx, &(tv_span){TV_SPAN_SLICE, X(w->ts), X(w->ts + w->dur), rep->longest, 1, {0, 0, 0, 0}});
            cover_until = w->ts + w->dur;
            continue;
        }
        add_merged(&c, col, cnt, rep);
        double reach = rs->t0 + (double)(rep - L) * B + (double)rdur;
        if (reach > merged_until) merged_until = reach;
    }
    close_block(&c);
#undef BUCKET_AT
#undef X
}

void tv_view_walk_row(const tv_view *v, uint32_t lane, uint32_t row, tv_span_fn fn, void *ctx) {
    const tv_lane *l = &v->m->lanes[lane];
    if (row >= l->nrows || !l->rows[row].n) return;
    const tv_rowsum *rs = tv_view_rowsum(v, lane, row);
    double nspp = (double)(v->end - v->start) / (double)(v->g.tl_x1 - v->g.tl_x0);
    if (rs && nspp >= (double)rs->b0) walk_coarse(v, &l->rows[row], rs, fn, ctx);
    else walk_exact(v, l, &l->rows[row], fn, ctx);
}

size_t tv_counter_next(const tv_lane *l, size_t i, int64_t t) {
    size_t n = l->nsamples, lo = i, step = 1;
    if (lo >= n || l->samples[lo].ts >= t) return lo;
    while (lo + step < n && l->samples[lo + step].ts < t) lo += step, step *= 2;
    size_t hi = lo + step < n ? lo + step : n;
    lo++;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->samples[mid].ts < t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

void tv_counter_minmax(const tv_lane *l, size_t a, size_t b, double *mn, double *mx) {
    double lo = INFINITY, hi = -INFINITY;
    size_t i = a;
    while (i < b) {
        if (l->lod && i % TV_LOD_BLOCK == 0 && i + TV_LOD_BLOCK <= b) {
            const tv_minmax *mm = &l->lod[i / TV_LOD_BLOCK];
            if (mm->min < lo) lo = mm->min;
            if (mm->max > hi) hi = mm->max;
            i += TV_LOD_BLOCK;
            continue;
        }
        double x = l->samples[i].value;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
        i++;
    }
    *mn = lo, *mx = hi;
}

void tv_counter_range(const tv_lane *l, double *lo, double *hi) {
    double a = l->nsamples ? l->vmin : 0, b = l->nsamples ? l->vmax : 0;
    if (a > 0) a = 0;
    if (b < 0) b = 0;
    if (!(b > a)) b = a + 1;
    *lo = a, *hi = b;
}
