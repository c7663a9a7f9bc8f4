/*
 * tv_build.c — the build pass: reads every record once, in file order (B/E
 * and b/e matching depend on it), and sorts each event into its process and
 * lane; the loader feeds it piece by piece while other pieces are parsed.
 * At the end, tv_build_rows.c lays out rows and v2 flows, tv_build_lanes.c
 * v1 flows and the model's arrays.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_build.h"

/* A part's strings into the model's table, and its records to match. */
static int merge_strings(tv_builder *b, tv_parsed *p) {
    tv_strtab *s1 = p->strings;
    if (s1 == b->st) return 0;
    uint32_t *remap = malloc((size_t)s1->n * sizeof *remap);
    if (!remap) return -1;
    for (uint32_t i = 0; i < s1->n; i++) {
        const char *s = tv_strtab_get(s1, i);
        remap[i] = tv_strtab_intern(b->st, s, s1->offs[i + 1] - s1->offs[i] - 1);
        if (remap[i] == UINT32_MAX) {
            free(remap);
            return -1;
        }
    }
    for (size_t i = 0; i < p->nrecs; i++) {
        tv_rec *r = &p->recs[i];
        r->name = remap[r->name];
        r->cat = remap[r->cat];
        r->label = remap[r->label];
        r->str2 = remap[r->str2];
        if (r->flags & TV_REC_PIDSTR) r->pid = remap[r->pid];
        if (r->flags & TV_REC_TIDSTR) r->tid = remap[(uint32_t)r->tid];
    }
    free(remap);
    return 0;
}

static uint32_t get_proc(tv_builder *b, const tv_rec *r) {
    uint64_t a = (uint64_t)r->pid | ((r->flags & TV_REC_PIDSTR) ? 1ull << 32 : 0);
    if (b->last_proc != TV_NONE && a == b->last_proc_key) return b->last_proc;
    int created;
    uint32_t *v = tv_map_get(&b->proc_map, a, 0, &created);
    if (!v) {
        b->oom = 1;
        return TV_NONE;
    }
    if (!created) {
        b->last_proc_key = a;
        return b->last_proc = *v;
    }
    tv_bproc *p = TV_PUSH3(b, b->procs, b->nprocs, b->capprocs);
    if (!p) return TV_NONE;
    if (r->flags & TV_REC_PIDSTR) {
        p->pidstr = r->pid;
        p->pid = 0x80000000u + ++b->nstrpids; /* names become made-up pids */
    } else {
        p->pid = r->pid;
    }
    *v = (uint32_t)(b->nprocs - 1);
    return *v;
}

static uint32_t new_lane(tv_builder *b, uint8_t kind, uint32_t proc) {
    tv_blane *l = TV_PUSH3(b, b->lanes, b->nlanes, b->caplanes);
    if (!l) return TV_NONE;
    l->kind = kind;
    l->proc = proc;
    return (uint32_t)(b->nlanes - 1);
}

static uint32_t thread_lane(tv_builder *b, uint32_t proc, const tv_rec *r) {
    uint64_t a = (uint64_t)proc | ((r->flags & TV_REC_TIDSTR) ? 1ull << 32 : 0);
    uint64_t k = (uint64_t)r->tid;
    /* events of a few threads interleave: a small cache before the map */
    tv_lane_cache *lc = &b->thread_cache[(k ^ (k >> 7) ^ a) & (TV_LANE_CACHE - 1)];
    if (lc->lane != TV_NONE && lc->a == a && lc->k == k) return lc->lane;
    int created;
    uint32_t *v = tv_map_get(&b->thread_map, a, k, &created);
    if (!v) {
        b->oom = 1;
        return TV_NONE;
    }
    if (created) {
        uint32_t l = new_lane(b, TV_LANE_THREAD, proc);
        if (l == TV_NONE) return TV_NONE;
        tv_blane *L = &b->lanes[l];
        if (r->flags & TV_REC_TIDSTR) {
            L->tidstr = (tv_str)r->tid;
            L->tid = ++b->nstrtids;
        } else {
            L->tid = r->tid;
        }
        L->sort = (int32_t)b->procs[proc].nthreads++;
        *v = l;
    }
    lc->a = a;
    lc->k = k;
    lc->lane = *v;
    return *v;
}

static uint32_t named_lane(tv_builder *b, tv_map *map, uint8_t kind, uint32_t proc, tv_str name) {
    int created;
    uint32_t *v = tv_map_get(map, proc, name, &created);
    if (!v) {
        b->oom = 1;
        return TV_NONE;
    }
    if (created) {
        uint32_t l = new_lane(b, kind, proc);
        if (l == TV_NONE) return TV_NONE;
        b->lanes[l].name = name;
        *v = l;
    }
    return *v;
}

static tv_item *new_item(tv_builder *b, tv_blane *L, const tv_rec *r, uint32_t i, int64_t dur) {
    tv_item *it = TV_PUSH3(b, L->items, L->nitems, L->capitems);
    if (!it) return NULL;
    it->ts = r->ts;
    it->dur = dur;
    it->rec = i;
    it->rec_end = TV_NONE;
    it->link = TV_NONE;
    it->ep = TV_NONE;
    return it;
}

static void add_ep(tv_builder *b, int v2, const tv_rec *r, uint32_t i, uint32_t lane, uint32_t item) {
    tv_ep *e = v2 ? TV_PUSH(b, b->ep2) : TV_PUSH(b, b->ep1);
    if (!e) return;
    e->ts = r->ts;
    e->rec = i;
    e->lane = lane;
    e->item = item;
}

static void add_mark(tv_builder *b, const tv_rec *r, uint32_t proc) {
    tv_mark mk;
    memset(&mk, 0, sizeof mk);
    mk.ts = r->ts;
    mk.src = r->src;
    mk.name = r->name;
    mk.cat = r->cat;
    mk.pid = b->procs[proc].pid;
    mk.finding = (r->flags & TV_REC_FINDING) != 0;
    mk.lane = TV_NO_LANE;
    tv_mark *dst;
    if (r->scope == 't') {
        mk.scope = TV_SCOPE_THREAD;
        uint32_t l = thread_lane(b, proc, r);
        if (l == TV_NONE) return;
        mk.lane = l; /* a build lane until tv_build_finish renumbers it */
        tv_blane *L = &b->lanes[l];
        dst = TV_PUSH3(b, L->marks, L->nmarks, L->capmarks);
    } else {
        mk.scope = r->scope == 'p' ? TV_SCOPE_PROCESS : TV_SCOPE_GLOBAL;
        dst = TV_PUSH(b, b->gmarks);
    }
    if (!dst) return;
    *dst = mk;
    if (mk.finding) {
        tv_fmark *f = TV_PUSH(b, b->findings);
        if (!f) return;
        f->m = mk;
        f->kind = r->label ? r->label : r->name;
    }
}

static void meta(tv_builder *b, const tv_rec *r, uint32_t proc) {
    tv_bproc *P = &b->procs[proc];
    switch (r->scope) {
    case TV_META_PROCESS_NAME:
        P->name = r->label;
        P->has_name = 1;
        break;
    case TV_META_PROCESS_SORT:
        P->sort = (int32_t)r->u.i;
        P->has_sort = 1;
        break;
    case TV_META_THREAD_NAME:
    case TV_META_THREAD_SORT: {
        uint32_t l = thread_lane(b, proc, r);
        if (l == TV_NONE) return;
        tv_blane *L = &b->lanes[l];
        if (r->scope == TV_META_THREAD_NAME) {
            L->name = r->label;
            L->has_name = 1;
        } else {
            L->sort = (int32_t)r->u.i;
            L->has_sort = 1;
        }
        break;
    }
    case TV_META_OBJECT: {
        tv_object *o = TV_PUSH(b, b->objects);
        if (!o) return;
        o->id = r->u.i;
        o->pid = P->pid;
        o->kind = r->cat;
        o->name = r->name;
        o->addr = r->label;
        o->created_at = r->str2;
        break;
    }
    case TV_META_POOL_WORKER: {
        uint32_t l = thread_lane(b, proc, r);
        tv_pool_worker *w = l == TV_NONE ? NULL : TV_PUSH(b, b->pool_workers);
        if (!w) return;
        w->pool = r->u.i;
        w->index = r->id == UINT64_MAX ? -1 : (int64_t)r->id;
        w->pid = P->pid;
        w->lane = l;
        break;
    }
    case TV_META_SUMMARY:
        b->has_summary = 1;
        b->summary_events = r->u.i;
        b->summary_dropped = (int64_t)r->id;
        break;
    }
}

static void one(tv_builder *b, const tv_rec *r, uint32_t i) {
    uint32_t proc = get_proc(b, r);
    if (proc == TV_NONE) return;
    tv_stats *st = &b->m->stats;
    if (r->ph != 'M') {
        int64_t end = r->ts + (r->ph == 'X' ? r->u.dur : 0);
        if (!b->has_time) {
            b->t0 = r->ts;
            b->t1 = end;
            b->has_time = 1;
        }
        if (r->ts < b->t0) b->t0 = r->ts;
        if (end > b->t1) b->t1 = end;
    }
    switch (r->ph) {
    case 'X':
    case 'B': {
        uint32_t l = thread_lane(b, proc, r);
        if (l == TV_NONE) return;
        tv_blane *L = &b->lanes[l];
        tv_item *it = new_item(b, L, r, i, r->ph == 'X' ? r->u.dur : -1);
        if (!it) return;
        if (r->flags & TV_REC_TIMED_OUT) it->flags |= TV_SLICE_TIMED_OUT;
        if (r->flags & TV_REC_GAVE_UP) it->flags |= TV_SLICE_GAVE_UP;
        uint32_t item = (uint32_t)(L->nitems - 1);
        if (r->ph == 'B') {
            uint32_t *s = TV_PUSH3(b, L->stack, L->nstack, L->capstack);
            if (!s) return;
            *s = item;
        }
        if (r->flags & (TV_REC_FLOW_IN | TV_REC_FLOW_OUT)) {
            add_ep(b, 1, r, i, l, item);
            if (!b->oom) L->items[item].ep = (uint32_t)(b->ep2.n - 1);
        }
        break;
    }
    case 'E': {
        uint32_t l = thread_lane(b, proc, r);
        if (l == TV_NONE) return;
        tv_blane *L = &b->lanes[l];
        if (!L->nstack) {
            st->unmatched++;
            return;
        }
        tv_item *it = &L->items[L->stack[--L->nstack]];
        it->dur = r->ts > it->ts ? r->ts - it->ts : 0;
        it->rec_end = i;
        break;
    }
    case 'b':
    case 'n': {
        uint32_t l = named_lane(b, &b->async_map, TV_LANE_ASYNC, proc, r->name);
        if (l == TV_NONE) return;
        tv_blane *L = &b->lanes[l];
        if (r->flags & TV_REC_LOCK) L->flags |= TV_LANE_LOCK;
        tv_item *it = new_item(b, L, r, i, r->ph == 'n' ? 0 : -1);
        if (!it) return;
        if (r->flags & TV_REC_READ) it->flags |= TV_SLICE_READ;
        if (r->ph == 'b') {
            uint32_t *open = tv_map_get(&b->open_map, ((uint64_t)l << 32) | r->cat, r->id, NULL);
            if (!open) {
                b->oom = 1;
                return;
            }
            it->link = *open;
            *open = (uint32_t)(L->nitems - 1);
        }
        break;
    }
    case 'e': {
        uint32_t l = tv_map_find(&b->async_map, proc, r->name);
        uint32_t *open = l == TV_NONE ? NULL
                                      : tv_map_get(&b->open_map, ((uint64_t)l << 32) | r->cat, r->id, NULL);
        if (!open || *open == TV_NONE) {
            if (l != TV_NONE && !open) b->oom = 1;
            st->unmatched++;
            return;
        }
        tv_item *it = &b->lanes[l].items[*open];
        *open = it->link;
        if (it->link == TV_NONE) tv_map_del(&b->open_map, ((uint64_t)l << 32) | r->cat, r->id);
        it->link = TV_NONE;
        it->dur = r->ts > it->ts ? r->ts - it->ts : 0;
        it->rec_end = i;
        break;
    }
    case 'C': {
        uint32_t l = named_lane(b, &b->counter_map, TV_LANE_COUNTER, proc, r->name);
        if (l == TV_NONE) return;
        tv_blane *L = &b->lanes[l];
        tv_sample *s = TV_PUSH3(b, L->samples, L->nsamples, L->capsamples);
        if (!s) return;
        s->ts = r->ts;
        s->value = r->u.value;
        if (r->name == b->dropped_series && r->u.value > b->dropped_counter)
            b->dropped_counter = r->u.value;
        break;
    }
    case 'i':
    case 'I':
        add_mark(b, r, proc);
        break;
    case 's':
    case 't':
    case 'f': {
        uint32_t l = thread_lane(b, proc, r);
        if (l != TV_NONE) add_ep(b, 0, r, i, l, TV_NONE);
        break;
    }
    case 'M':
        meta(b, r, proc);
        break;
    }
}

static void free_builder(tv_builder *b) {
    for (size_t i = 0; i < b->nlanes; i++) {
        tv_blane *L = &b->lanes[i];
        free(L->items);
        free(L->stack);
        free(L->marks);
        free(L->samples);
        if (L->rows) {
            for (uint32_t d = 0; d < L->nrows; d++) free(L->rows[d].s);
            free(L->rows);
        }
    }
    free(b->lanes);
    free(b->procs);
    free(b->blocks);
    tv_map_free(&b->proc_map);
    tv_map_free(&b->thread_map);
    tv_map_free(&b->async_map);
    tv_map_free(&b->counter_map);
    tv_map_free(&b->open_map);
    free(b->gmarks.v);
    free(b->findings.v);
    free(b->ep2.v);
    free(b->ep1.v);
    free(b->flows.v);
    free(b->objects.v);
    free(b->pool_workers.v);
    free(b);
}

void tv_build_abort(tv_builder *b) {
    if (!b) return;
    if (b->m) {
        b->m->strings = NULL;
        tv_model_free(b->m);
    }
    tv_strtab_free(b->st);
    free_builder(b);
}

tv_builder *tv_build_begin(tv_strtab *strings) {
    tv_builder *b = calloc(1, sizeof *b);
    if (!b) {
        tv_strtab_free(strings);
        return NULL;
    }
    b->st = strings;
    b->last_proc = TV_NONE;
    for (int i = 0; i < TV_LANE_CACHE; i++) b->thread_cache[i].lane = TV_NONE;
    b->dropped_series = TV_NONE;
    b->m = calloc(1, sizeof *b->m);
    if (!b->m || tv_map_init(&b->proc_map, 16) || tv_map_init(&b->thread_map, 64) ||
        tv_map_init(&b->async_map, 64) || tv_map_init(&b->counter_map, 64) ||
        tv_map_init(&b->open_map, 64)) {
        tv_build_abort(b);
        return NULL;
    }
    b->m->strings = b->st;
    return b;
}

int tv_build_feed(tv_builder *b, tv_parsed *p) {
    if (merge_strings(b, p)) return -1;
    /* parts come in file order, so the texts stay sorted by offset */
    if (tv_raw_append(&b->st->raw, &p->raw)) return -1;
    tv_raw_free(&p->raw);
    if (b->dropped_series == TV_NONE) {
        uint32_t ds = tv_strtab_find(b->st, "threadlens dropped events", 25);
        if (ds != UINT32_MAX) b->dropped_series = ds;
    }
    tv_stats *st = &b->m->stats;
    st->events += p->events;
    st->unknown_phase += p->unknown_phase;
    for (int c = 0; c < 128; c++) st->by_phase[c] += p->by_phase[c];
    st->threadlens |= p->threadlens;
    st->truncated = p->truncated;

    size_t nb = (p->nrecs + (1u << TV_BLOCK_BITS) - 1) >> TV_BLOCK_BITS;
    if ((b->nblocks + nb) << TV_BLOCK_BITS >= TV_NONE) return -2; /* 4G events: records are uint32 */
    if (b->nblocks + nb > b->capblocks) {
        size_t cap = b->capblocks ? b->capblocks : 64;
        while (cap < b->nblocks + nb) cap *= 2;
        const tv_rec **bl = realloc(b->blocks, cap * sizeof *bl);
        if (!bl) return -1;
        b->blocks = bl;
        b->capblocks = cap;
    }
    uint32_t base = (uint32_t)(b->nblocks << TV_BLOCK_BITS);
    for (size_t k = 0; k < nb; k++) b->blocks[b->nblocks++] = p->recs + (k << TV_BLOCK_BITS);
    for (size_t i = 0; i < p->nrecs && !b->oom; i++) one(b, &p->recs[i], base + (uint32_t)i);
    return b->oom ? -1 : 0;
}

tv_model *tv_build_end(tv_builder *b, int threads) {
    tv_stats *st = &b->m->stats;
    st->summary_events = b->has_summary ? b->summary_events : -1;
    st->dropped = b->has_summary ? b->summary_dropped : (int64_t)b->dropped_counter;
    b->m->t0 = b->t0;
    b->m->t1 = b->t1;
    if (tv_build_rows(b, threads) || tv_build_flows_v2(b) || tv_build_flows(b) || tv_build_finish(b)) {
        tv_build_abort(b);
        return NULL;
    }
    tv_model *m = b->m;
    free_builder(b);
    return m;
}
