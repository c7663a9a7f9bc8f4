/*
 * tv_build_rows.c — from each lane's collected slices to rows. Thread lanes
 * nest by a stack (after sorting by start, longer first, as Perfetto does),
 * with the writer's cut pieces joined back; async lanes go to the first row
 * where they fit. Lanes are independent, so two threads share them. Then v2
 * flows are matched and their ends flagged.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "tv_build.h"
#include "tv_sort.h"

/* Per-thread scratch and results. */
typedef struct lane_ctx {
    tv_builder *b;
    uint32_t *stack, *last, *count;
    size_t capstack, caplast, capcount;
    int64_t *tree; /* async first-fit: min-tree over the rows' ends */
    size_t treecap, nrows;
    uint64_t clamped, joined;
    int oom;
} lane_ctx;

/* start, then longer first (the parent before its child), then file order */
static inline int item_less(const tv_item *x, const tv_item *y) {
    if (x->ts != y->ts) return x->ts < y->ts;
    if (x->dur != y->dur) return x->dur > y->dur;
    return x->rec < y->rec;
}
TV_DEFINE_SORT(sort_items, tv_item, item_less)

static int64_t item_end(const tv_item *it) {
    return it->ts + it->dur;
}

/* Room for index d in a per-depth array. */
static int reserve(lane_ctx *c, uint32_t **arr, size_t *cap, size_t d, uint32_t fill) {
    if (d < *cap) return 0;
    size_t n = *cap ? *cap : 16;
    while (n <= d) n *= 2;
    uint32_t *a = realloc(*arr, n * sizeof *a);
    if (!a) {
        c->oom = 1;
        return -1;
    }
    for (size_t i = *cap; i < n; i++) a[i] = fill;
    *arr = a;
    *cap = n;
    return 0;
}

static void close_open(const tv_builder *b, tv_blane *L) {
    for (size_t i = 0; i < L->nitems; i++) {
        tv_item *it = &L->items[i];
        if (it->dur < 0) { /* a B or b without its end */
            it->dur = b->t1 > it->ts ? b->t1 - it->ts : 0;
            it->flags |= TV_SLICE_UNFINISHED;
        }
    }
}

static void join(lane_ctx *c, tv_item *items, uint32_t into, uint32_t k) {
    tv_item *a = &items[into], *s = &items[k];
    int64_t end = item_end(s) > item_end(a) ? item_end(s) : item_end(a);
    a->dur = end - a->ts;
    /* how a wait ended is on its last piece */
    a->flags |= TV_SLICE_JOINED | (s->flags & (TV_SLICE_UNFINISHED | TV_SLICE_TIMED_OUT | TV_SLICE_GAVE_UP));
    /* An X piece with args of its own (a pool task's last piece: its
     * status) stays reachable as the slice's src_end. */
    const tv_rec *r = tv_brec(c->b, s->rec);
    if (s->rec_end != TV_NONE) a->rec_end = s->rec_end;
    else if (r->ph == 'X' && (r->flags & TV_REC_ARGS)) a->rec_end = s->rec;
    s->flags |= TV_ITEM_DEAD;
    s->link = into;
    s->depth = a->depth;
    c->joined++;
}

/* Clamps item k (at stack position pos) to its parent's end. */
static void clamp(lane_ctx *c, tv_item *items, size_t pos, uint32_t k) {
    if (pos == 0) return;
    int64_t pe = item_end(&items[c->stack[pos - 1]]);
    if (item_end(&items[k]) > pe) {
        items[k].dur = pe - items[k].ts;
        c->clamped++;
    }
}

/* Gives each item its row; returns the number of rows (counts in c->count). */
static int nest(lane_ctx *c, tv_blane *L, uint32_t *nrows) {
    const tv_builder *b = c->b;
    tv_item *it = L->items;
    size_t n = L->nitems, ns = 0;
    *nrows = 0;
    sort_items(it, n);
    for (size_t d = 0; d < c->caplast; d++) c->last[d] = TV_NONE;
    for (size_t d = 0; d < c->capcount; d++) c->count[d] = 0;
    for (uint32_t k = 0; k < n; k++) {
        tv_item *s = &it[k];
        const tv_rec *r = tv_brec(b, s->rec);
        int cont = (r->flags & TV_REC_CONTINUED) != 0;
        int64_t ts = s->ts;
        /* A continued piece may overlap its predecessor by 1 ns when the
         * trace's times were rounded (sub-ns foreign clocks): it pops the
         * slices that end within that 1 ns, so that at every level it meets
         * its predecessor on the same row and joins it there. */
        int64_t slack = cont ? 1 : 0;
        while (ns > 0 && item_end(&it[c->stack[ns - 1]]) <= ts + slack) ns--;
        uint32_t d = (uint32_t)ns;
        if (reserve(c, &c->last, &c->caplast, d, TV_NONE) || reserve(c, &c->count, &c->capcount, d, 0) ||
            reserve(c, &c->stack, &c->capstack, d, 0))
            return -1;
        /* the previous piece is the last slice of this row, if it is a
         * child of the same parent */
        uint32_t prev = c->last[d];
        if (cont && prev != TV_NONE && (d == 0 || it[prev].ts >= it[c->stack[d - 1]].ts)) {
            int64_t pe = item_end(&it[prev]);
            if (pe - ts <= 1 && ts - pe <= 1 && tv_brec(b, it[prev].rec)->name == r->name) {
                join(c, it, prev, k);
                c->stack[ns++] = prev;
                clamp(c, it, ns - 1, prev);
                continue;
            }
        }
        c->stack[ns++] = k;
        clamp(c, it, ns - 1, k);
        s->depth = d;
        c->last[d] = k;
        c->count[d]++;
        if (d + 1 > *nrows) *nrows = d + 1;
    }
    return 0;
}

static int fill_rows(const tv_builder *b, tv_blane *L, const uint32_t *count, uint32_t nrows) {
    L->nrows = nrows;
    if (!nrows) return 0;
    L->rows = calloc(nrows, sizeof *L->rows);
    if (!L->rows) return -1;
    for (uint32_t d = 0; d < nrows; d++) {
        L->rows[d].s = malloc((count[d] ? count[d] : 1) * sizeof(tv_slice));
        if (!L->rows[d].s) return -1;
    }
    for (size_t k = 0; k < L->nitems; k++) {
        const tv_item *it = &L->items[k];
        if (it->flags & TV_ITEM_DEAD) continue;
        const tv_rec *r = tv_brec(b, it->rec);
        tv_row *row = &L->rows[it->depth];
        tv_slice *s = &row->s[row->n++];
        s->ts = it->ts;
        s->dur = it->dur;
        s->src = r->src;
        s->src_end = it->rec_end == TV_NONE ? TV_SRC_NONE : tv_brec(b, it->rec_end)->src;
        s->name = r->name;
        s->cat = r->cat;
        s->flags = it->flags & 0xffffu;
        s->label = r->label;
    }
    return 0;
}

/* ---- async lanes: first fit ---- */

/* Leftmost row whose last slice ends at or before ts: a min-tree over the
 * rows' ends, so a lane with many concurrent slices stays O(log rows). */
static int tree_set(lane_ctx *c, size_t row, int64_t end) {
    if (row >= c->treecap) {
        size_t cap = c->treecap ? c->treecap * 2 : 8;
        int64_t *t = malloc(2 * cap * sizeof *t);
        if (!t) {
            c->oom = 1;
            return -1;
        }
        for (size_t i = 0; i < 2 * cap; i++) t[i] = INT64_MAX;
        for (size_t i = 0; i < c->nrows; i++) t[cap + i] = c->tree[c->treecap + i];
        for (size_t i = cap - 1; i >= 1; i--) t[i] = t[2 * i] < t[2 * i + 1] ? t[2 * i] : t[2 * i + 1];
        free(c->tree);
        c->tree = t;
        c->treecap = cap;
    }
    if (row >= c->nrows) c->nrows = row + 1;
    size_t i = c->treecap + row;
    c->tree[i] = end;
    for (i /= 2; i >= 1; i /= 2) c->tree[i] = c->tree[2 * i] < c->tree[2 * i + 1] ? c->tree[2 * i] : c->tree[2 * i + 1];
    return 0;
}

static size_t tree_first_fit(const lane_ctx *c, int64_t ts) {
    if (!c->treecap || c->tree[1] > ts) return c->nrows;
    size_t i = 1;
    while (i < c->treecap) i = c->tree[2 * i] <= ts ? 2 * i : 2 * i + 1;
    return i - c->treecap;
}

static int async_rows(lane_ctx *c, tv_blane *L) {
    sort_items(L->items, L->nitems);
    c->nrows = 0;
    for (size_t i = 0; i < c->treecap * 2; i++) c->tree[i] = INT64_MAX;
    for (size_t k = 0; k < L->nitems; k++) {
        tv_item *it = &L->items[k];
        size_t row = tree_first_fit(c, it->ts);
        if (tree_set(c, row, item_end(it))) return -1;
        it->depth = (uint32_t)row;
    }
    if (reserve(c, &c->count, &c->capcount, c->nrows, 0)) return -1;
    for (size_t d = 0; d < c->nrows; d++) c->count[d] = 0;
    for (size_t k = 0; k < L->nitems; k++) c->count[L->items[k].depth]++;
    if (fill_rows(c->b, L, c->count, (uint32_t)c->nrows)) return -1;
    free(L->items); /* async items are not needed for flows */
    L->items = NULL;
    L->nitems = L->capitems = 0;
    return 0;
}

static int lane_rows(lane_ctx *c, tv_blane *L) {
    if (!L->nitems || L->kind == TV_LANE_COUNTER) return 0;
    close_open(c->b, L);
    if (L->kind == TV_LANE_ASYNC) return async_rows(c, L);
    uint32_t nrows;
    if (nest(c, L, &nrows) || fill_rows(c->b, L, c->count, nrows)) return -1;
    return 0;
}

/* ---- two threads over the lanes ---- */

typedef struct pool {
    tv_builder *b;
    uint32_t *order; /* lanes, largest first */
    size_t n;
    atomic_size_t next;
} pool;

static void work(pool *p, lane_ctx *c) {
    size_t i;
    while (!c->oom && (i = atomic_fetch_add(&p->next, 1)) < p->n)
        if (lane_rows(c, &p->b->lanes[p->order[i]])) c->oom = 1;
}

typedef struct job {
    pool *p;
    lane_ctx c;
} job;

static void *work_thread(void *arg) {
    job *j = arg;
    work(j->p, &j->c);
    return NULL;
}

static void ctx_free(lane_ctx *c) {
    free(c->stack);
    free(c->last);
    free(c->count);
    free(c->tree);
}

typedef struct lane_size {
    size_t n;
    uint32_t lane;
} lane_size;

static int cmp_size(const void *a, const void *b) {
    const lane_size *x = a, *y = b;
    return x->n > y->n ? -1 : x->n < y->n;
}

int tv_build_rows(tv_builder *b, int threads) {
    pool p = {b, NULL, 0, 0};
    p.order = malloc((b->nlanes ? b->nlanes : 1) * sizeof *p.order);
    lane_size *sizes = malloc((b->nlanes ? b->nlanes : 1) * sizeof *sizes);
    if (!p.order || !sizes) {
        free(p.order);
        free(sizes);
        return -1;
    }
    size_t total = 0;
    for (size_t l = 0; l < b->nlanes; l++)
        if (b->lanes[l].nitems) {
            sizes[p.n++] = (lane_size){b->lanes[l].nitems, (uint32_t)l};
            total += b->lanes[l].nitems;
        }
    /* largest first, so that the two threads end together */
    tv_sort(sizes, p.n, sizeof *sizes, cmp_size);
    for (size_t i = 0; i < p.n; i++) p.order[i] = sizes[i].lane;
    free(sizes);
    job other;
    memset(&other, 0, sizeof other);
    other.p = &p;
    other.c.b = b;
    lane_ctx me;
    memset(&me, 0, sizeof me);
    me.b = b;
    pthread_t tid;
    int two = threads != 1 && p.n > 1 && total > 100000 && pthread_create(&tid, NULL, work_thread, &other) == 0;
    work(&p, &me);
    if (two) pthread_join(tid, NULL);
    b->m->stats.clamped += me.clamped + other.c.clamped;
    b->m->stats.joined += me.joined + other.c.joined;
    int rc = me.oom || other.c.oom ? -1 : 0;
    ctx_free(&me);
    ctx_free(&other.c);
    free(p.order);
    return rc;
}

/* ---- v2 flows ---- */

static inline int ep_less(const tv_ep *x, const tv_ep *y) {
    return x->ts != y->ts ? x->ts < y->ts : x->rec < y->rec;
}
TV_DEFINE_SORT(sort_eps, tv_ep, ep_less)

static uint16_t depth16(uint32_t d) {
    return d > UINT16_MAX ? UINT16_MAX : (uint16_t)d;
}

/* Flags the row slice that item k of lane L became. */
static void flag_slice(const tv_builder *b, tv_blane *L, uint32_t k, uint32_t flag) {
    const tv_item *it = &L->items[k];
    if (it->flags & TV_ITEM_DEAD) it = &L->items[it->link];
    if (it->depth >= L->nrows) return;
    tv_row *row = &L->rows[it->depth];
    tv_src src = tv_brec(b, it->rec)->src;
    for (size_t i = tv_row_first_starting_at(row, it->ts); i < row->n && row->s[i].ts == it->ts; i++)
        if (row->s[i].src == src) {
            row->s[i].flags |= flag;
            return;
        }
}

/* flow_out of bind_id K is the source of the next flow_in of K (in time
 * order, so chains work and file order does not matter). */
int tv_build_flows_v2(tv_builder *b) {
    if (!b->ep2.n) return 0;
    tv_map src;
    if (tv_map_init(&src, 64)) return -1;
    int rc = -1;
    /* where each flow-bound item ended up after the sort */
    for (size_t i = 0; i < b->ep2.n; i++) b->ep2.v[i].item = TV_NONE;
    for (size_t l = 0; l < b->nlanes; l++) {
        tv_blane *L = &b->lanes[l];
        if (L->kind != TV_LANE_THREAD) continue;
        for (size_t k = 0; k < L->nitems; k++)
            if (L->items[k].ep != TV_NONE) b->ep2.v[L->items[k].ep].item = (uint32_t)k;
    }
    sort_eps(b->ep2.v, b->ep2.n);
    for (size_t i = 0; i < b->ep2.n; i++) {
        tv_ep *e = &b->ep2.v[i];
        if (e->item == TV_NONE) continue;
        const tv_rec *r = tv_brec(b, e->rec);
        tv_blane *L = &b->lanes[e->lane];
        const tv_item *tgt = &L->items[e->item];
        if (r->flags & TV_REC_FLOW_IN) {
            uint32_t s = tv_map_find(&src, 0, r->id);
            if (s == TV_NONE) {
                b->m->stats.unmatched++;
            } else {
                const tv_ep *se = &b->ep2.v[s];
                tv_blane *SL = &b->lanes[se->lane];
                const tv_item *si = &SL->items[se->item];
                tv_flow *f = TV_PUSH(b, b->flows);
                if (!f) goto out;
                f->ts0 = item_end(si);
                f->ts1 = tgt->ts;
                f->lane0 = se->lane;
                f->lane1 = e->lane;
                f->depth0 = depth16(si->depth);
                f->depth1 = depth16(tgt->depth);
                f->name = tv_brec(b, se->rec)->name;
                f->src = tv_brec(b, se->rec)->src;
                flag_slice(b, SL, se->item, TV_SLICE_FLOW_OUT);
                flag_slice(b, L, e->item, TV_SLICE_FLOW_IN);
            }
        }
        if (r->flags & TV_REC_FLOW_OUT) {
            uint32_t *v = tv_map_get(&src, 0, r->id, NULL);
            if (!v) goto out;
            *v = (uint32_t)i;
        }
    }
    rc = 0;
out:
    tv_map_free(&src);
    return rc;
}
