/*
 * tv_modes.c — which view the lanes area shows: the timeline, the lock
 * graph, or one pool (its workers' lanes and its queued/busy counters, a
 * lane filter on the same timeline). Owns the lazily built lock graph and
 * report figures. SDL-free.
 */
#include <stdlib.h>
#include <string.h>

#include "tv_findtext.h"
#include "tv_lockgraph.h"
#include "tv_replay.h"
#include "tv_report_int.h"
#include "tv_view.h"

struct tv_lockgraph *tv_view_lockgraph(tv_view *v) {
    if (!v->lockgraph) {
        v->lockgraph = tv_lockgraph_build(v->m);
        if (v->lockgraph) tv_lockgraph_layout(v->lockgraph);
    }
    return v->lockgraph;
}

struct tv_rep *tv_view_rep(tv_view *v) {
    if (v->rep) return v->rep;
    tv_rep *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    if (tv_rep_build(r, v->m)) { /* it frees what it built */
        free(r);
        return NULL;
    }
    return v->rep = r;
}

int tv_view_has_pools(const tv_view *v) {
    const tv_model *m = v->m;
    if (m->npool_workers) return 1;
    for (size_t i = 0; i < m->nobjects; i++)
        if (!strcmp(tv_model_str(m, m->objects[i].kind), "pool")) return 1;
    return 0;
}

size_t tv_view_npools(tv_view *v) {
    if (!tv_view_has_pools(v)) return 0;
    tv_rep *r = tv_view_rep(v);
    return r ? r->npools : 0;
}

const char *tv_mode_name(int mode) {
    switch (mode) {
    case TV_MODE_LOCKS: return "locks";
    case TV_MODE_POOL: return "pool";
    default: return "timeline";
    }
}

/* The pool's lanes: its workers, and "<pool> queued" / "<pool> busy" of its
 * process. */
static int pool_filter(tv_view *v, const tv_rep_pool *p) {
    const tv_model *m = v->m;
    uint8_t *f = calloc(m->nlanes + 1, 1);
    if (!f) return -1;
    for (size_t w = 0; w < p->nworkers; w++)
        if (p->workers[w].lane < m->nlanes) f[p->workers[w].lane] = 1;
    size_t nl = p->name ? strlen(p->name) : 0;
    for (uint32_t i = 0; p->name && i < m->nlanes; i++) {
        const tv_lane *l = &m->lanes[i];
        if (l->kind != TV_LANE_COUNTER || l->process >= m->nprocs || m->procs[l->process].pid != p->pid)
            continue;
        const char *n = tv_model_str(m, l->name);
        if (!strncmp(n, p->name, nl) && (!strcmp(n + nl, " queued") || !strcmp(n + nl, " busy"))) f[i] = 1;
    }
    free(v->lane_filter);
    v->lane_filter = f;
    return 0;
}

int tv_view_set_mode(tv_view *v, int mode, size_t pool) {
    if (mode == TV_MODE_POOL) {
        if (pool >= tv_view_npools(v)) return -1;
        if (pool_filter(v, &v->rep->pools[pool])) return -1;
        v->pool = pool;
    } else {
        free(v->lane_filter);
        v->lane_filter = NULL;
        if (mode == TV_MODE_LOCKS && !tv_view_lockgraph(v)) return -1;
    }
    int changed = v->mode != mode || mode == TV_MODE_POOL;
    v->mode = mode;
    v->lg_node1 = 0;
    v->side_scroll = 0;
    tv_view_relayout(v);
    if (changed) tv_view_scroll_to(v, 0);
    return 0;
}

void tv_view_cycle_mode(tv_view *v, int dir) {
    size_t np = tv_view_npools(v);
    /* positions: 0 timeline, 1 locks, 2 + k pool k */
    size_t n = 2 + np, at = v->mode == TV_MODE_POOL ? 2 + v->pool : v->mode == TV_MODE_LOCKS ? 1 : 0;
    if (at >= n) at = 0;
    size_t next = dir < 0 ? (at + n - 1) % n : (at + 1) % n;
    int rc = next >= 2 ? tv_view_set_mode(v, TV_MODE_POOL, next - 2)
                       : tv_view_set_mode(v, next == 1 ? TV_MODE_LOCKS : TV_MODE_TIMELINE, 0);
    if (rc) tv_view_set_mode(v, TV_MODE_TIMELINE, 0);
}

void tv_view_free_modes(tv_view *v) {
    if (v->replay) tv_replay_free(v->replay);
    if (v->lockgraph) tv_lockgraph_free(v->lockgraph);
    tv_fx_free(v->fx);
    if (v->rep) {
        tv_rep_free(v->rep);
        free(v->rep);
    }
    free(v->lane_filter);
    v->replay = NULL, v->lockgraph = NULL, v->rep = NULL, v->lane_filter = NULL, v->fx = NULL;
}
