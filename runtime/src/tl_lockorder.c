/*
 * tl_lockorder.c — the lock-order graph: potential deadlocks found in runs
 * where timing happened to save the program (lockdep's and TSan's idea).
 *
 * An edge A→B means some thread acquired B, in a way that could block,
 * while it held A. Each edge remembers, per (mode A was held in, mode B was
 * acquired in), the first thread and both sites. A new edge that closes a
 * cycle of any length is a finding. A cycle can only deadlock if every lock
 * in it can make its waiter block, so at each lock the mode it is held in
 * (outgoing edge) and the mode it is wanted in (incoming edge) must not both
 * be read: the search walks (lock, mode it was reached in) pairs.
 * Trylocks add no edge into the lock they take (they cannot wait), and
 * re-entering a held lock adds none (tl_detect.c filters it).
 *
 * Each distinct cycle (its locks, rotated to start at the lowest id) is
 * reported once; later acquisitions along its closing edge, and the same
 * cycle closed another way, raise its count, written at the end.
 */
#include <stdlib.h>
#include <string.h>

#include "tl_detect_int.h"

#define COMBOS 4 /* held mode × acquired mode */
#define MAX_CYCLES 4096

typedef struct einfo {
    uint32_t tid;
    tl_fsite held_at, want_at;
    uint64_t ns;
} einfo;

typedef struct edge {
    uint32_t from, to;
    uint32_t next_out;  /* the next edge out of `from`, +1 (0: none) */
    uint32_t cycle;     /* the cycle this edge closed, +1 (0: none) */
    uint8_t modes;      /* bit combo(h, a) for each combination seen */
    einfo first[COMBOS];
} edge;

typedef struct cycle {
    uint64_t key;
    uint64_t reported; /* the count last written */
    tl_finding *f;
} cycle;

static edge *edges;
static uint32_t nedges, capedges;
static uint32_t *emap; /* open addressing: edge index + 1 */
static uint32_t capmap;
static uint32_t *adj;  /* per lock id: first edge out, +1 */
static uint32_t capadj;
static cycle *cycles;
static uint32_t ncycles, capcycles;
static int full_warned;

/* DFS scratch: visited (lock, mode) marks by generation, and the path. */
static uint32_t *vis_gen;
static uint8_t *vis_bits;
static uint32_t gen; /* vis_gen and vis_bits have capadj entries */
typedef struct frame {
    uint32_t node;
    uint8_t am;       /* the mode the node was reached in (wanted in) */
    uint8_t ic;       /* iterator: combination of edge it */
    uint8_t took_c;   /* the step this frame took: combination, edge */
    uint32_t it, took_e;
} frame;
static frame *stack;
static uint32_t capstack;

static unsigned combo(unsigned h, unsigned a) { return (h == TL_MODE_READ) * 2 + (a == TL_MODE_READ); }
static unsigned combo_h(unsigned c) { return c >= 2 ? TL_MODE_READ : TL_MODE_WRITE; }
static unsigned combo_a(unsigned c) { return c & 1 ? TL_MODE_READ : TL_MODE_WRITE; }

static uint64_t hash2(uint32_t a, uint32_t b) {
    return (((uint64_t)a << 32) | b) * 0x9E3779B97F4A7C15ull;
}

static void *must(void *p) {
    if (!p) tl__die("out of memory in the lock-order detector");
    return p;
}

static void ensure_adj(uint32_t id) {
    if (id < capadj) return;
    uint32_t cap = capadj ? capadj : 256;
    while (cap <= id) cap *= 2;
    adj = must(realloc(adj, cap * sizeof *adj));
    vis_gen = must(realloc(vis_gen, cap * sizeof *vis_gen));
    vis_bits = must(realloc(vis_bits, cap));
    memset(adj + capadj, 0, (cap - capadj) * sizeof *adj);
    memset(vis_gen + capadj, 0, (cap - capadj) * sizeof *vis_gen);
    memset(vis_bits + capadj, 0, cap - capadj);
    capadj = cap;
}

static uint32_t *map_slot(uint32_t from, uint32_t to) {
    uint32_t j = (uint32_t)(hash2(from, to) >> 40) & (capmap - 1);
    for (;; j = (j + 1) & (capmap - 1)) {
        uint32_t i = emap[j];
        if (!i || (edges[i - 1].from == from && edges[i - 1].to == to)) return &emap[j];
    }
}

static edge *find_edge(uint32_t from, uint32_t to) {
    if (!capmap) return NULL;
    uint32_t i = *map_slot(from, to);
    return i ? &edges[i - 1] : NULL;
}

static edge *add_edge(uint32_t from, uint32_t to) {
    if (2 * (nedges + 1) > capmap) {
        uint32_t cap = capmap ? 2 * capmap : 1024;
        free(emap);
        emap = must(calloc(cap, sizeof *emap));
        capmap = cap;
        for (uint32_t i = 0; i < nedges; i++) *map_slot(edges[i].from, edges[i].to) = i + 1;
    }
    if (nedges == capedges) {
        capedges = capedges ? 2 * capedges : 256;
        edges = must(realloc(edges, capedges * sizeof *edges));
    }
    ensure_adj(from > to ? from : to);
    edge *e = &edges[nedges++];
    memset(e, 0, sizeof *e);
    e->from = from, e->to = to;
    e->next_out = adj[from];
    adj[from] = nedges;
    *map_slot(from, to) = nedges;
    return e;
}

static int visited(uint32_t node, unsigned am) {
    if (vis_gen[node] != gen) {
        vis_gen[node] = gen;
        vis_bits[node] = 0;
    }
    if (vis_bits[node] & (1u << am)) return 1;
    vis_bits[node] |= (uint8_t)(1u << am);
    return 0;
}

/* Looks for a path from `to` (reached in mode a0) back to `from` that can
 * block at every lock, `from` being held in h0. Returns its length; frame i
 * of the stack then names the edge and combination of step i (0: none). */
static uint32_t find_path(uint32_t from, uint32_t to, unsigned h0, unsigned a0) {
    if (++gen == 0) {
        memset(vis_gen, 0, capadj * sizeof *vis_gen);
        gen = 1;
    }
    if (capstack == 0) {
        capstack = 64;
        stack = must(malloc(capstack * sizeof *stack));
    }
    uint32_t depth = 0;
    visited(to, a0);
    stack[depth++] = (frame){to, (uint8_t)a0, 0, 0, adj[to], 0};
    while (depth) {
        frame *fr = &stack[depth - 1];
        if (!fr->it) {
            depth--;
            continue;
        }
        uint32_t idx = fr->it - 1;
        const edge *e = &edges[idx];
        unsigned c = fr->ic++;
        if (fr->ic >= COMBOS) fr->it = e->next_out, fr->ic = 0;
        if (!(e->modes & (1u << c))) continue;
        if (fr->am == TL_MODE_READ && combo_h(c) == TL_MODE_READ) continue; /* shared: no wait */
        unsigned a = combo_a(c);
        if (e->to == from && a == TL_MODE_READ && h0 == TL_MODE_READ) continue;
        if (e->to != from && visited(e->to, a)) continue;
        fr->took_e = idx, fr->took_c = (uint8_t)c;
        if (e->to == from) return depth;
        if (depth == capstack) {
            capstack *= 2;
            stack = must(realloc(stack, capstack * sizeof *stack));
        }
        stack[depth++] = (frame){e->to, (uint8_t)a, 0, 0, adj[e->to], 0};
    }
    return 0;
}

static uint64_t cycle_key(const uint32_t *locks, uint32_t n) {
    uint32_t lo = 0;
    for (uint32_t i = 1; i < n; i++)
        if (locks[i] < locks[lo]) lo = i;
    uint64_t h = 1469598103934665603ull;
    for (uint32_t i = 0; i < n; i++) {
        h ^= locks[(lo + i) % n];
        h *= 1099511628211ull;
    }
    return h ^ n;
}

static void fill_step(tl_fstep *s, const edge *e, unsigned c) {
    const einfo *in = &e->first[c];
    memset(s, 0, sizeof *s);
    s->tid = in->tid;
    s->held = e->from, s->want = e->to;
    s->held_mode = (uint8_t)combo_h(c), s->want_mode = (uint8_t)combo_a(c);
    s->held_at = in->held_at, s->want_at = in->want_at;
    s->ns = in->ns;
}

static void report_cycle(edge *closing, unsigned c0, uint32_t len, uint32_t tid, uint64_t ns) {
    uint32_t n = len + 1;
    uint32_t *eidx = must(malloc(n * sizeof *eidx));
    uint8_t *ecombo = must(malloc(n));
    uint32_t *locks = must(malloc(n * sizeof *locks));
    for (uint32_t i = 0; i < len; i++) eidx[i] = stack[i].took_e, ecombo[i] = stack[i].took_c;
    /* The cycle in order: the path from the closing edge's target back to
     * its source, then the closing edge (the acquisition that closed it). */
    eidx[len] = (uint32_t)(closing - edges);
    ecombo[len] = (uint8_t)c0;
    for (uint32_t i = 0; i < n; i++) locks[i] = edges[eidx[i]].from;
    uint64_t key = cycle_key(locks, n);
    for (uint32_t i = 0; i < ncycles; i++)
        if (cycles[i].key == key) {
            cycles[i].f->count++;
            if (!closing->cycle) closing->cycle = i + 1;
            goto out;
        }
    if (ncycles == MAX_CYCLES) {
        if (!full_warned) tl__warn("more than %d lock order cycles; later ones are not reported", MAX_CYCLES);
        full_warned = 1;
        goto out;
    }
    if (ncycles == capcycles) {
        capcycles = capcycles ? 2 * capcycles : 16;
        cycles = must(realloc(cycles, capcycles * sizeof *cycles));
    }
    tl_finding *f = must(malloc(sizeof *f));
    tl__finding_start(f, TL_FIND_LOCK_ORDER, tid, ns);
    f->total = n;
    f->nsteps = n < TL_FIND_MAX_STEPS ? n : TL_FIND_MAX_STEPS;
    for (uint32_t i = 0; i < f->nsteps; i++) fill_step(&f->steps[i], &edges[eidx[i]], ecombo[i]);
    /* The closing step is what this thread did now. */
    if (f->nsteps == n) f->steps[n - 1].tid = tid, f->steps[n - 1].ns = ns;
    cycles[ncycles] = (cycle){key, 1, f};
    closing->cycle = ++ncycles;
    tl__finding_report(f);
out:
    free(eidx);
    free(ecombo);
    free(locks);
}

void tl__lockorder_acquire(uint32_t tid, uint64_t ns, uint32_t obj, unsigned mode, unsigned flags,
                           tl_fsite at) {
    dthread *t = tl__d_thread(tid);
    if (!t->nheld || (flags & TL_EVF_NONBLOCK)) return;
    for (uint32_t i = 0; i < t->nheld; i++) {
        const dheld *h = &t->held[i];
        if (h->obj == obj) continue;
        unsigned c = combo(h->mode, mode);
        edge *e = find_edge(h->obj, obj);
        if (e && (e->modes & (1u << c))) {
            if (e->cycle) cycles[e->cycle - 1].f->count++;
            continue;
        }
        if (!e) e = add_edge(h->obj, obj);
        e->modes |= (uint8_t)(1u << c);
        e->first[c] = (einfo){tid, h->at, at, ns};
        uint32_t len = find_path(h->obj, obj, h->mode, mode);
        if (len) report_cycle(e, c, len, tid, ns);
    }
}

void tl__lockorder_close(void) {
    for (uint32_t i = 0; i < ncycles; i++)
        if (cycles[i].f->count != cycles[i].reported) {
            cycles[i].reported = cycles[i].f->count;
            tl__finding_recount(cycles[i].f);
        }
}

void tl__lockorder_reset(void) {
    for (uint32_t i = 0; i < ncycles; i++) free(cycles[i].f);
    free(cycles);
    free(edges);
    free(emap);
    free(adj);
    free(vis_gen);
    free(vis_bits);
    free(stack);
    cycles = NULL, edges = NULL, emap = NULL, adj = NULL, vis_gen = NULL, vis_bits = NULL, stack = NULL;
    ncycles = capcycles = nedges = capedges = capmap = capadj = gen = capstack = 0;
    full_warned = 0;
}
