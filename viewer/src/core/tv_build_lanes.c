/*
 * tv_build_lanes.c — the end of the build: v1 flows (s/t/f, bound to the
 * enclosing slice), then the model's arrays: processes and lanes in display
 * order, counters with their level-of-detail blocks, marks and findings,
 * objects and pool workers.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_build.h"
#include "tv_sort.h"

/* The deepest row of lane L with a slice around ts (0 when none). */
static uint32_t enclosing_row(const tv_blane *L, int64_t ts) {
    for (uint32_t d = L->nrows; d-- > 0;) {
        const tv_row *row = &L->rows[d];
        size_t k = tv_row_first_ending_after(row, ts);
        if (k < row->n && row->s[k].ts <= ts) return d;
        /* a zero-length slice exactly at ts */
        if (k > 0 && row->s[k - 1].ts == ts) return d;
    }
    return 0;
}

static inline int flow_less(const tv_flow *x, const tv_flow *y) {
    return x->ts0 < y->ts0;
}
TV_DEFINE_SORT(sort_flows, tv_flow, flow_less)

static inline int ep_less(const tv_ep *x, const tv_ep *y) {
    return x->ts != y->ts ? x->ts < y->ts : x->rec < y->rec;
}
TV_DEFINE_SORT(sort_eps, tv_ep, ep_less)

static uint16_t depth16(uint32_t d) {
    return d > UINT16_MAX ? UINT16_MAX : (uint16_t)d;
}

int tv_build_flows(tv_builder *b) {
    if (b->ep1.n) {
        tv_map prev;
        if (tv_map_init(&prev, 64)) return -1;
        sort_eps(b->ep1.v, b->ep1.n);
        for (size_t i = 0; i < b->ep1.n; i++) {
            tv_ep *e = &b->ep1.v[i];
            const tv_rec *r = tv_brec(b, e->rec);
            e->item = enclosing_row(&b->lanes[e->lane], e->ts); /* item holds the row here */
            uint32_t *v = tv_map_get(&prev, ((uint64_t)r->cat << 32) | r->name, r->id, NULL);
            if (!v) {
                tv_map_free(&prev);
                return -1;
            }
            if (r->ph != 's') {
                if (*v == TV_NONE) {
                    b->m->stats.unmatched++;
                    continue;
                }
                const tv_ep *p = &b->ep1.v[*v];
                tv_flow *f = TV_PUSH(b, b->flows);
                if (!f) {
                    tv_map_free(&prev);
                    return -1;
                }
                f->ts0 = p->ts;
                f->ts1 = e->ts;
                f->lane0 = p->lane;
                f->lane1 = e->lane;
                f->depth0 = depth16(p->item);
                f->depth1 = depth16(e->item);
                f->name = tv_brec(b, p->rec)->name;
                f->src = tv_brec(b, p->rec)->src;
            }
            *v = r->ph == 'f' ? TV_NONE : (uint32_t)i;
        }
        tv_map_free(&prev);
    }
    sort_flows(b->flows.v, b->flows.n);
    return 0;
}

/* ---- the model's arrays ---- */

static inline int mark_less(const tv_mark *x, const tv_mark *y) {
    return x->ts != y->ts ? x->ts < y->ts : x->src < y->src;
}
TV_DEFINE_SORT(sort_marks, tv_mark, mark_less)

static inline int fmark_less(const tv_fmark *x, const tv_fmark *y) {
    return mark_less(&x->m, &y->m);
}
TV_DEFINE_SORT(sort_fmarks, tv_fmark, fmark_less)

static inline int sample_less(const tv_sample *x, const tv_sample *y) {
    return x->ts < y->ts;
}
TV_DEFINE_SORT(sort_samples, tv_sample, sample_less)

/* Shrinks an array to n elements (the transient capacity is not kept). */
static void *fit(void *p, size_t n, size_t size) {
    if (!p) return NULL;
    if (!n) {
        free(p);
        return NULL;
    }
    void *q = realloc(p, n * size);
    return q ? q : p;
}

static int counter_lane(tv_lane *out, tv_blane *L) {
    sort_samples(L->samples, L->nsamples);
    out->samples = fit(L->samples, L->nsamples, sizeof *L->samples);
    out->nsamples = L->nsamples;
    L->samples = NULL;
    size_t nb = (out->nsamples + TV_LOD_BLOCK - 1) / TV_LOD_BLOCK;
    if (nb) {
        out->lod = malloc(nb * sizeof *out->lod);
        if (!out->lod) return -1;
    }
    for (size_t i = 0; i < out->nsamples; i++) {
        double v = out->samples[i].value;
        tv_minmax *mm = &out->lod[i / TV_LOD_BLOCK];
        if (i % TV_LOD_BLOCK == 0) mm->min = mm->max = v;
        if (v < mm->min) mm->min = v;
        if (v > mm->max) mm->max = v;
        if (i == 0 || v < out->vmin) out->vmin = v;
        if (i == 0 || v > out->vmax) out->vmax = v;
    }
    return 0;
}

typedef struct order {
    int32_t sort;
    uint32_t index;
} order;

static int cmp_order(const void *a, const void *b) {
    const order *x = a, *y = b;
    if (x->sort != y->sort) return x->sort < y->sort ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* A lane's place: its process, then threads (by sort index), async lanes,
 * counters, each in order of first appearance. */
typedef struct lane_key {
    uint32_t proc, kind;
    int32_t sort;
    uint32_t index;
} lane_key;

static inline int lane_key_less(const lane_key *x, const lane_key *y) {
    if (x->proc != y->proc) return x->proc < y->proc;
    if (x->kind != y->kind) return x->kind < y->kind;
    if (x->sort != y->sort) return x->sort < y->sort;
    return x->index < y->index;
}
TV_DEFINE_SORT(sort_lane_keys, lane_key, lane_key_less)

int tv_build_finish(tv_builder *b) {
    tv_model *m = b->m;
    tv_strtab *st = b->st;
    /* default names */
    for (size_t i = 0; i < b->nprocs; i++) {
        tv_bproc *P = &b->procs[i];
        if (P->has_name) continue;
        if (P->pidstr) {
            P->name = P->pidstr;
        } else {
            char buf[48];
            int n = snprintf(buf, sizeof buf, "process %u", P->pid);
            P->name = tv_strtab_intern(st, buf, (size_t)n);
            if (P->name == UINT32_MAX) return -1;
        }
    }
    for (size_t i = 0; i < b->nlanes; i++) {
        tv_blane *L = &b->lanes[i];
        if (L->kind != TV_LANE_THREAD || L->has_name) continue;
        if (L->tidstr) {
            L->name = L->tidstr;
        } else {
            char buf[48];
            int n = snprintf(buf, sizeof buf, "thread %lld", (long long)L->tid);
            L->name = tv_strtab_intern(st, buf, (size_t)n);
            if (L->name == UINT32_MAX) return -1;
        }
    }
    /* processes in display order, then their lanes */
    order *po = malloc((b->nprocs ? b->nprocs : 1) * sizeof *po);
    lane_key *lk = malloc((b->nlanes ? b->nlanes : 1) * sizeof *lk);
    uint32_t *proc_final = malloc((b->nprocs ? b->nprocs : 1) * sizeof *proc_final);
    int rc = -1;
    if (!po || !lk || !proc_final) goto out;
    for (size_t i = 0; i < b->nprocs; i++) {
        po[i].sort = b->procs[i].has_sort ? b->procs[i].sort : (int32_t)i;
        po[i].index = (uint32_t)i;
    }
    tv_sort(po, b->nprocs, sizeof *po, cmp_order);
    for (size_t i = 0; i < b->nprocs; i++) proc_final[po[i].index] = (uint32_t)i;
    for (size_t l = 0; l < b->nlanes; l++) {
        const tv_blane *L = &b->lanes[l];
        lk[l] = (lane_key){proc_final[L->proc], L->kind, L->kind == TV_LANE_THREAD ? L->sort : 0, (uint32_t)l};
    }
    sort_lane_keys(lk, b->nlanes);
    for (size_t i = 0; i < b->nlanes; i++) b->lanes[lk[i].index].final = (uint32_t)i;
    m->procs = calloc(b->nprocs ? b->nprocs : 1, sizeof *m->procs);
    m->lanes = calloc(b->nlanes ? b->nlanes : 1, sizeof *m->lanes);
    if (!m->procs || !m->lanes) goto out;
    m->nprocs = (uint32_t)b->nprocs;
    for (size_t pi = 0, at = 0; pi < b->nprocs; pi++) {
        size_t n = 0;
        while (at + n < b->nlanes && lk[at + n].proc == pi) n++;
        tv_process *P = &m->procs[pi];
        const tv_bproc *B = &b->procs[po[pi].index];
        P->pid = B->pid;
        P->name = B->name;
        P->sort_index = po[pi].sort;
        P->nlanes = (uint32_t)n;
        P->lanes = malloc((n ? n : 1) * sizeof *P->lanes);
        if (!P->lanes) goto out;
        for (size_t k = 0; k < n; k++) P->lanes[k] = (uint32_t)(at + k);
        at += n;
    }
    m->nlanes = (uint32_t)b->nlanes;
    for (size_t l = 0; l < b->nlanes; l++) {
        tv_blane *L = &b->lanes[l];
        tv_lane *out = &m->lanes[L->final];
        out->kind = L->kind;
        out->flags = L->flags;
        out->process = proc_final[L->proc];
        out->tid = L->kind == TV_LANE_THREAD ? L->tid : 0;
        out->name = L->name;
        out->sort_index = L->sort;
        out->rows = L->rows;
        out->nrows = L->nrows;
        L->rows = NULL;
        L->nrows = 0;
        sort_marks(L->marks, L->nmarks);
        for (size_t k = 0; k < L->nmarks; k++) L->marks[k].lane = L->final;
        out->marks = fit(L->marks, L->nmarks, sizeof *L->marks);
        out->nmarks = L->nmarks;
        L->marks = NULL;
        if (L->kind == TV_LANE_COUNTER && counter_lane(out, L)) goto out;
    }
    /* marks, findings, flows, objects */
    sort_marks(b->gmarks.v, b->gmarks.n);
    m->gmarks = fit(b->gmarks.v, b->gmarks.n, sizeof *b->gmarks.v);
    m->ngmarks = b->gmarks.n;
    b->gmarks.v = NULL;
    sort_fmarks(b->findings.v, b->findings.n);
    if (b->findings.n) {
        m->findings_marks = malloc(b->findings.n * sizeof *m->findings_marks);
        m->findings = malloc(b->findings.n * sizeof *m->findings);
        if (!m->findings_marks || !m->findings) goto out;
        for (size_t i = 0; i < b->findings.n; i++) {
            tv_mark mk = b->findings.v[i].m;
            if (mk.lane != TV_NO_LANE) mk.lane = b->lanes[mk.lane].final;
            m->findings_marks[i] = mk;
            m->findings[i].mark = (uint32_t)i;
            m->findings[i].kind = b->findings.v[i].kind;
        }
        m->nfindings = b->findings.n;
    }
    for (size_t i = 0; i < b->flows.n; i++) {
        b->flows.v[i].lane0 = b->lanes[b->flows.v[i].lane0].final;
        b->flows.v[i].lane1 = b->lanes[b->flows.v[i].lane1].final;
    }
    m->flows = fit(b->flows.v, b->flows.n, sizeof *b->flows.v);
    m->nflows = b->flows.n;
    b->flows.v = NULL;
    m->objects = fit(b->objects.v, b->objects.n, sizeof *b->objects.v);
    m->nobjects = b->objects.n;
    b->objects.v = NULL;
    for (size_t i = 0; i < b->pool_workers.n; i++)
        b->pool_workers.v[i].lane = b->lanes[b->pool_workers.v[i].lane].final;
    m->pool_workers = fit(b->pool_workers.v, b->pool_workers.n, sizeof *b->pool_workers.v);
    m->npool_workers = b->pool_workers.n;
    b->pool_workers.v = NULL;
    tv_strtab_shrink(st);
    rc = 0;
out:
    free(po);
    free(lk);
    free(proc_final);
    return rc;
}
