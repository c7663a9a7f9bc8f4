/*
 * tv_lockgraph.c — the lock graph: locks (lock lanes and threadlens objects
 * of lock kinds) as nodes, an edge A -> B whenever a thread began a hold of
 * B while holding A, plus the edges of every inversion's and deadlock's
 * cycle; and its deterministic layout.
 *
 * One sweep over all holds in time order finds the edges. A hold knows its
 * holder only by name (slice.label); threads often share a name (five
 * "philosopher"s), so when the name is ambiguous the two holds' events are
 * read again for their tids (tv_tids: many holds, cheap).
 * Sites are re-read (tv_event_reader) only for the first hold of each new
 * edge: a 1M-event trace costs a sort and a sweep.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_findtext.h"
#include "tv_lockgraph.h"
#include "tv_tids.h"

/* ---- a map of uint64 keys to uint32 values (open addressing) ---------- */

typedef struct u64map {
    uint64_t *k;
    uint32_t *v; /* UINT32_MAX: free */
    size_t cap, n;
} u64map;

static uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

static uint32_t *map_slot(u64map *m, uint64_t key) {
    for (size_t i = mix(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1))
        if (m->v[i] == UINT32_MAX || m->k[i] == key) {
            m->k[i] = key;
            return &m->v[i];
        }
}

static uint32_t map_get(const u64map *m, uint64_t key) {
    if (!m->cap) return UINT32_MAX;
    for (size_t i = mix(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (m->v[i] == UINT32_MAX) return UINT32_MAX;
        if (m->k[i] == key) return m->v[i];
    }
}

static int map_put(u64map *m, uint64_t key, uint32_t val) {
    if (2 * (m->n + 1) > m->cap) {
        u64map g = {0};
        g.cap = m->cap ? 2 * m->cap : 64;
        g.k = malloc(g.cap * sizeof *g.k);
        g.v = malloc(g.cap * sizeof *g.v);
        if (!g.k || !g.v) {
            free(g.k);
            free(g.v);
            return -1;
        }
        memset(g.v, 0xff, g.cap * sizeof *g.v);
        for (size_t i = 0; i < m->cap; i++)
            if (m->v[i] != UINT32_MAX) *map_slot(&g, m->k[i]) = m->v[i];
        g.n = m->n;
        free(m->k);
        free(m->v);
        *m = g;
    }
    uint32_t *s = map_slot(m, key);
    if (*s == UINT32_MAX) m->n++;
    *s = val;
    return 0;
}

static void map_free(u64map *m) {
    free(m->k);
    free(m->v);
}

/* ---- the graph and what it owns --------------------------------------- */

typedef struct blk {
    struct blk *next;
    max_align_t data[];
} blk;

typedef struct cyc {
    uint32_t finding;
    uint32_t *edges;
    size_t n;
} cyc;

typedef struct lg_full {
    tv_lockgraph g;    /* first: tv_lockgraph_free casts back */
    blk *mem;          /* strings */
    size_t capnodes, capedges;
    uint32_t *corder;  /* cycle nodes in cycle order (layout) */
    size_t ncorder;
    cyc *cycs;         /* per finding with a cycle: its edges (focus) */
    size_t ncycs;
} lg_full;

static const char *pool_str(lg_full *f, const char *s) {
    if (!s || !*s) return "";
    size_t n = strlen(s);
    blk *b = malloc(sizeof *b + n + 1);
    if (!b) return "";
    b->next = f->mem;
    f->mem = b;
    memcpy(b->data, s, n + 1);
    return (const char *)b->data;
}

static uint32_t add_node(lg_full *f, tv_lg_node n) {
    tv_lockgraph *g = &f->g;
    if (g->nnodes == f->capnodes) {
        size_t cap = f->capnodes ? 2 * f->capnodes : 16;
        tv_lg_node *p = realloc(g->nodes, cap * sizeof *p);
        if (!p) return UINT32_MAX;
        g->nodes = p, f->capnodes = cap;
    }
    g->nodes[g->nnodes] = n;
    return (uint32_t)g->nnodes++;
}

static uint32_t add_edge(lg_full *f, u64map *emap, uint32_t from, uint32_t to) {
    uint64_t key = (uint64_t)from << 32 | to;
    uint32_t e = map_get(emap, key);
    if (e != UINT32_MAX) return e;
    tv_lockgraph *g = &f->g;
    if (g->nedges == f->capedges) {
        size_t cap = f->capedges ? 2 * f->capedges : 16;
        tv_lg_edge *p = realloc(g->edges, cap * sizeof *p);
        if (!p) return UINT32_MAX;
        g->edges = p, f->capedges = cap;
    }
    if (map_put(emap, key, (uint32_t)g->nedges)) return UINT32_MAX;
    g->edges[g->nedges] = (tv_lg_edge){from, to, 0, "", "", "", -1, 0};
    return (uint32_t)g->nedges++;
}

static int lock_kind(const char *k) {
    return strstr(k, "mutex") || strstr(k, "rwlock") || strstr(k, "spin") || !strcmp(k, "lock");
}

static uint32_t lane_pid(const tv_model *m, uint32_t lane) {
    uint32_t p = m->lanes[lane].process;
    return p < m->nprocs ? m->procs[p].pid : 0;
}

static uint64_t pid_str(uint32_t pid, tv_str s) { return (uint64_t)pid << 32 | s; }

/* ---- nodes --------------------------------------------------------------- */

typedef struct ctx {
    const tv_model *m;
    lg_full *f;
    u64map lock_by_name; /* (pid, name) -> lock lane */
    u64map node_by_lane; /* lane -> node */
    u64map node_by_id;   /* (pid, object id) -> node; ids fit 32 bits in practice */
    u64map threads;      /* (pid, thread name) -> thread lanes with it */
    u64map edges;        /* (from, to) -> edge */
} ctx;

static uint64_t id_key(uint32_t pid, int64_t id) { return (uint64_t)pid << 32 | ((uint64_t)id & 0xffffffffu); }

static int build_nodes(ctx *c) {
    const tv_model *m = c->m;
    for (uint32_t i = 0; i < m->nlanes; i++) {
        const tv_lane *l = &m->lanes[i];
        if (l->flags & TV_LANE_LOCK) {
            uint64_t k = pid_str(lane_pid(m, i), l->name);
            if (map_get(&c->lock_by_name, k) == UINT32_MAX && map_put(&c->lock_by_name, k, i)) return -1;
        } else if (l->kind == TV_LANE_THREAD) {
            uint64_t k = pid_str(lane_pid(m, i), l->name);
            uint32_t n = map_get(&c->threads, k);
            if (map_put(&c->threads, k, n == UINT32_MAX ? 1 : n + 1)) return -1;
        }
    }
    for (size_t i = 0; i < m->nobjects; i++) {
        const tv_object *o = &m->objects[i];
        const char *kind = tv_model_str(m, o->kind);
        if (!lock_kind(kind) || map_get(&c->node_by_id, id_key(o->pid, o->id)) != UINT32_MAX) continue;
        /* map_get's "none" is TV_NO_LANE; a lane already claimed (two
         * objects of one name) stays with the first */
        uint32_t lane = map_get(&c->lock_by_name, pid_str(o->pid, o->name));
        if (lane != TV_NO_LANE && map_get(&c->node_by_lane, lane) != UINT32_MAX) lane = TV_NO_LANE;
        uint32_t n = add_node(c->f, (tv_lg_node){o->pid, o->id, tv_model_str(m, o->name), kind, lane, 0, 0, 0, 0});
        if (n == UINT32_MAX || map_put(&c->node_by_id, id_key(o->pid, o->id), n)) return -1;
        if (lane != TV_NO_LANE && map_put(&c->node_by_lane, lane, n)) return -1;
    }
    for (uint32_t i = 0; i < m->nlanes; i++) {
        const tv_lane *l = &m->lanes[i];
        if (!(l->flags & TV_LANE_LOCK) || map_get(&c->node_by_lane, i) != UINT32_MAX) continue;
        uint32_t n = add_node(c->f, (tv_lg_node){lane_pid(m, i), -1, tv_model_str(m, l->name), "", i, 0, 0, 0, 0});
        if (n == UINT32_MAX || map_put(&c->node_by_lane, i, n)) return -1;
    }
    for (size_t n = 0; n < c->f->g.nnodes; n++) {
        tv_lg_node *nd = &c->f->g.nodes[n];
        if (nd->lane == TV_NO_LANE) continue;
        const tv_lane *l = &m->lanes[nd->lane];
        for (uint32_t r = 0; r < l->nrows; r++) nd->holds += l->rows[r].n;
    }
    return 0;
}

/* ---- edges from holds --------------------------------------------------- */

typedef struct hold {
    int64_t ts, end;
    tv_src src;
    uint32_t node, pid;
    tv_str label;
    int64_t tid;       /* INT64_MIN: not read yet; -1: unknown */
    const char *at;    /* short site, NULL: not read yet */
} hold;

static int hold_cmp(const void *a, const void *b) {
    const hold *x = a, *y = b;
    if (x->ts != y->ts) return x->ts < y->ts ? -1 : 1;
    uint64_t ox = TV_SRC_OFF(x->src), oy = TV_SRC_OFF(y->src); /* file order */
    if (ox != oy) return ox < oy ? -1 : 1;
    return x->node < y->node ? -1 : x->node > y->node;
}

/* Which thread took the hold: its tid, -1 when unknown. */
static void read_tid(tv_tids *t, hold *h) {
    if (h->tid != INT64_MIN) return;
    if (tv_tids_get(t, h->src, &h->tid)) h->tid = -1;
}

/* Where the hold was taken (args.at): only for the first hold of each edge. */
static void read_site(ctx *c, tv_event_reader *r, hold *h) {
    if (h->at) return;
    cJSON *ev = tv_event_reader_get(r, h->src);
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ev, "args"), "at");
    char b[256];
    h->at = pool_str(c->f, tv_site_short(cJSON_IsString(at) ? at->valuestring : NULL, b, sizeof b));
    cJSON_Delete(ev);
}

typedef struct group {
    uint32_t *v;
    size_t n, cap;
} group;

static int sweep_holds(ctx *c) {
    const tv_model *m = c->m;
    size_t nh = 0;
    for (size_t n = 0; n < c->f->g.nnodes; n++) nh += c->f->g.nodes[n].holds;
    if (!nh) return 0;
    hold *h = malloc(nh * sizeof *h);
    group *gr = NULL;
    size_t ngr = 0;
    u64map gmap = {0};
    tv_event_reader *rd = tv_event_reader_open(m);
    tv_tids *tids = tv_tids_open(m);
    int rc = -1;
    if (!h || !rd || !tids) goto out;
    size_t k = 0;
    for (size_t n = 0; n < c->f->g.nnodes; n++) {
        const tv_lg_node *nd = &c->f->g.nodes[n];
        if (nd->lane == TV_NO_LANE) continue;
        const tv_lane *l = &m->lanes[nd->lane];
        for (uint32_t r = 0; r < l->nrows; r++)
            for (size_t i = 0; i < l->rows[r].n; i++) {
                const tv_slice *s = &l->rows[r].s[i];
                h[k++] = (hold){s->ts, s->ts + s->dur, s->src, (uint32_t)n, nd->pid, s->label, INT64_MIN, NULL};
            }
    }
    qsort(h, nh, sizeof *h, hold_cmp);
    for (size_t i = 0; i < nh; i++) {
        hold *b = &h[i];
        if (!b->label) continue; /* holder unknown */
        uint64_t key = pid_str(b->pid, b->label);
        uint32_t gi = map_get(&gmap, key);
        if (gi == UINT32_MAX) {
            group *p = realloc(gr, (ngr + 1) * sizeof *p);
            if (!p || map_put(&gmap, key, (uint32_t)ngr)) goto out;
            gr = p;
            gr[ngr] = (group){0};
            gi = (uint32_t)ngr++;
        }
        group *g = &gr[gi];
        uint32_t nthreads = map_get(&c->threads, key);
        int ambiguous = nthreads != 1;
        size_t w = 0;
        for (size_t j = 0; j < g->n; j++) {
            hold *a = &h[g->v[j]];
            if (a->end <= b->ts) continue; /* released: forget it */
            g->v[w++] = g->v[j];
            if (a->node == b->node) continue;
            if (ambiguous) {
                read_tid(tids, a);
                read_tid(tids, b);
                if (a->tid < 0 || a->tid != b->tid) continue;
            }
            uint32_t e = add_edge(c->f, &c->edges, a->node, b->node);
            if (e == UINT32_MAX) goto out;
            tv_lg_edge *E = &c->f->g.edges[e];
            if (!E->count++) {
                read_site(c, rd, a);
                read_site(c, rd, b);
                E->from_site = a->at, E->to_site = b->at;
                E->thread = tv_model_str(m, b->label);
                E->ts = b->ts;
            }
        }
        g->n = w;
        if (g->n == g->cap) {
            size_t cap = g->cap ? 2 * g->cap : 4;
            uint32_t *v = realloc(g->v, cap * sizeof *v);
            if (!v) goto out;
            g->v = v, g->cap = cap;
        }
        g->v[g->n++] = (uint32_t)i;
    }
    rc = 0;
out:
    for (size_t i = 0; i < ngr; i++) free(gr[i].v);
    free(gr);
    map_free(&gmap);
    tv_tids_close(tids);
    tv_event_reader_close(rd);
    free(h);
    return rc;
}

/* ---- edges from findings' cycles ----------------------------------------- */

static const char *jstr(const cJSON *o, const char *k) {
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(j) && j->valuestring ? j->valuestring : NULL;
}

static int64_t jint(const cJSON *o, const char *k) {
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(j) && fabs(j->valuedouble) < 9e15 ? (int64_t)j->valuedouble : -1;
}

/* The node of object id, made from the finding's own description of it
 * (args.objects) when the trace has no threadlens_object for it. */
static uint32_t node_of(ctx *c, uint32_t pid, int64_t id, const cJSON *args) {
    if (id < 0) return UINT32_MAX;
    uint32_t n = map_get(&c->node_by_id, id_key(pid, id));
    if (n != UINT32_MAX) return n;
    const cJSON *o, *obj = NULL;
    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(args, "objects")) if (jint(o, "id") == id) obj = o;
    char nb[32];
    snprintf(nb, sizeof nb, "#%lld", (long long)id);
    const char *name = jstr(obj, "name") ? jstr(obj, "name") : nb;
    uint32_t lane = TV_NO_LANE;
    tv_str s = tv_model_find_str(c->m, name);
    if (s) {
        uint32_t l = map_get(&c->lock_by_name, pid_str(pid, s));
        if (l != UINT32_MAX && map_get(&c->node_by_lane, l) != UINT32_MAX) {
            n = map_get(&c->node_by_lane, l); /* a lane-only node: now it has its id */
            c->f->g.nodes[n].id = id;
            return map_put(&c->node_by_id, id_key(pid, id), n) ? UINT32_MAX : n;
        }
        lane = l; /* TV_NO_LANE when none */
    }
    n = add_node(c->f, (tv_lg_node){pid, id, pool_str(c->f, name), pool_str(c->f, jstr(obj, "kind")), lane, 0, 0, 0, 0});
    if (n == UINT32_MAX || map_put(&c->node_by_id, id_key(pid, id), n)) return UINT32_MAX;
    return n;
}

static void corder_add(lg_full *f, uint32_t n) {
    for (size_t i = 0; i < f->ncorder; i++)
        if (f->corder[i] == n) return;
    uint32_t *p = realloc(f->corder, (f->ncorder + 1) * sizeof *p);
    if (!p) return;
    f->corder = p;
    f->corder[f->ncorder++] = n;
}

static int cycle_edges(ctx *c, size_t fi, const tv_mark *mk, const cJSON *args, int deadlock, cyc *cy) {
    const cJSON *e;
    char b[256];
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(args, "cycle")) {
        uint32_t from = node_of(c, mk->pid, jint(e, deadlock ? "holds" : "holding"), args);
        uint32_t to = node_of(c, mk->pid, jint(e, deadlock ? "waits_for" : "acquiring"), args);
        if (from == UINT32_MAX || to == UINT32_MAX || from == to) continue; /* joins: no lock */
        uint32_t k = add_edge(c->f, &c->edges, from, to);
        if (k == UINT32_MAX) return -1;
        tv_lg_edge *E = &c->f->g.edges[k];
        if (!E->cycle) E->cycle = (int)fi + 1;
        if (!E->from_site[0])
            E->from_site = pool_str(c->f, tv_site_short(jstr(e, deadlock ? "held_at" : "holding_at"), b, sizeof b));
        if (!E->to_site[0])
            E->to_site = pool_str(c->f, tv_site_short(jstr(e, deadlock ? "waiting_at" : "acquiring_at"), b, sizeof b));
        if (!E->thread[0]) E->thread = pool_str(c->f, jstr(e, "thread"));
        c->f->g.nodes[from].in_cycle = c->f->g.nodes[to].in_cycle = 1;
        corder_add(c->f, from);
        corder_add(c->f, to);
        uint32_t *p = realloc(cy->edges, (cy->n + 1) * sizeof *p);
        if (!p) return -1;
        cy->edges = p;
        cy->edges[cy->n++] = k;
    }
    return 0;
}

/* Whether cycles a and b have the same edges (in any order). */
static int same_edges(const cyc *a, const cyc *b) {
    if (a->n != b->n) return 0;
    for (size_t i = 0; i < a->n; i++) {
        size_t j = 0;
        while (j < b->n && b->edges[j] != a->edges[i]) j++;
        if (j == b->n) return 0;
    }
    return 1;
}

static int finding_cycles(ctx *c) {
    const tv_model *m = c->m;
    u64map seen = {0}; /* (pid, finding id): a cycle reported again at the end */
    int rc = 0;
    for (size_t i = 0; i < m->nfindings && !rc; i++) {
        const char *kind = tv_model_str(m, m->findings[i].kind);
        int dl = !strcmp(kind, "deadlock");
        if (!dl && strcmp(kind, "lock order inversion")) continue;
        if (m->findings[i].mark >= m->nfindings) continue;
        const tv_mark *mk = &m->findings_marks[m->findings[i].mark];
        cJSON *ev = tv_model_event(m, mk->src);
        const cJSON *args = cJSON_GetObjectItemCaseSensitive(ev, "args");
        int64_t id = jint(args, "id");
        if (id >= 0 && map_get(&seen, id_key(mk->pid, id)) != UINT32_MAX) {
            cJSON_Delete(ev);
            continue;
        }
        if (id >= 0 && map_put(&seen, id_key(mk->pid, id), 1)) rc = -1;
        cyc cy = {(uint32_t)i, NULL, 0};
        if (!rc) rc = cycle_edges(c, i, mk, args, dl, &cy);
        cJSON_Delete(ev);
        if (!cy.n) {
            free(cy.edges);
            continue;
        }
        lg_full *f = c->f;
        cyc *p = realloc(f->cycs, (f->ncycs + 1) * sizeof *p);
        if (!p) {
            free(cy.edges);
            rc = -1;
            break;
        }
        f->cycs = p;
        size_t k = 0;
        while (k < f->ncycs && !same_edges(&f->cycs[k], &cy)) k++;
        if (k == f->ncycs) f->g.ndistinct++;
        f->cycs[f->ncycs++] = cy;
        f->g.ncycles++;
    }
    map_free(&seen);
    return rc;
}

/* ---- build, layout, free ------------------------------------------------- */

tv_lockgraph *tv_lockgraph_build(const tv_model *m) {
    lg_full *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    if (!m) return &f->g;
    ctx c = {.m = m, .f = f};
    int rc = build_nodes(&c);
    if (!rc) rc = sweep_holds(&c);
    if (!rc) rc = finding_cycles(&c);
    map_free(&c.lock_by_name);
    map_free(&c.node_by_lane);
    map_free(&c.node_by_id);
    map_free(&c.threads);
    map_free(&c.edges);
    if (rc) {
        tv_lockgraph_free(&f->g);
        return NULL;
    }
    tv_lockgraph_layout(&f->g);
    return &f->g;
}

void tv_lockgraph_free(tv_lockgraph *g) {
    if (!g) return;
    lg_full *f = (lg_full *)g;
    for (blk *b = f->mem, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    for (size_t i = 0; i < f->ncycs; i++) free(f->cycs[i].edges);
    free(f->cycs);
    free(f->corder);
    free(g->nodes);
    free(g->edges);
    free(f);
}

/* Whether edge e is on the cycle of finding fi (1 + index), for focusing
 * any one of the findings that share an edge. */
int tv_lockgraph_edge_in(const tv_lockgraph *g, size_t e, int fi) {
    const lg_full *f = (const lg_full *)g;
    if (!g || fi <= 0) return 0;
    for (size_t i = 0; i < f->ncycs; i++)
        if ((int)f->cycs[i].finding + 1 == fi)
            for (size_t k = 0; k < f->cycs[i].n; k++)
                if (f->cycs[i].edges[k] == e) return 1;
    return 0;
}

static void on_circle(tv_lg_node *n, size_t k, size_t count, double cx, double cy, double r) {
    if (count == 1) {
        n->x = (float)cx, n->y = (float)cy;
        return;
    }
    /* from the top, clockwise; two nodes side by side */
    double a0 = count == 2 ? M_PI : -M_PI / 2, a = a0 + 2 * M_PI * (double)k / (double)count;
    n->x = (float)(cx + r * cos(a)), n->y = (float)(cy + r * sin(a));
}

static size_t grid_cols(size_t count) { return (size_t)ceil(sqrt((double)count)); }

static void on_grid(tv_lg_node *n, size_t k, size_t count, double x0, double x1) {
    size_t cols = grid_cols(count), rows = (count + cols - 1) / cols;
    size_t col = k % cols, row = k / cols;
    n->x = (float)(x0 + (x1 - x0) * ((double)col + 0.5) / (double)cols);
    n->y = (float)(((double)row + 0.5) / (double)rows);
}

void tv_lockgraph_layout(tv_lockgraph *g) {
    if (!g) return;
    lg_full *f = (lg_full *)g;
    size_t c = f->ncorder, o = g->nnodes - c;
    int ring = o <= 12; /* few others: a ring around the cycle; many: a grid beside it */
    double cx = c && o && !ring ? 0.2 : 0.5, cr = !o ? 0.5 : ring ? 0.22 : 0.2;
    g->cell = ring ? 1.0f : (float)((c ? 0.55 : 1.0) / (double)grid_cols(o));
    for (size_t k = 0; k < c; k++) on_circle(&g->nodes[f->corder[k]], k, c, cx, 0.5, cr);
    size_t k = 0;
    for (size_t i = 0; i < g->nnodes; i++) {
        tv_lg_node *n = &g->nodes[i];
        if (n->in_cycle) continue; /* corder holds exactly these */
        if (ring && !c && o <= 1) n->x = n->y = 0.5f;
        else if (ring && !c) on_circle(n, k, o, 0.5, 0.5, 0.5);
        else if (ring) on_circle(n, 2 * k + 1, 2 * o, 0.5, 0.5, 0.5); /* between the cycle's spokes */
        else on_grid(n, k, o, c ? 0.45 : 0.0, 1.0);
        k++;
    }
}
