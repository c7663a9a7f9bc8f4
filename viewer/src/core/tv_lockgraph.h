/*
 * tv_lockgraph.h — the lock graph of a trace (issue 8): locks as nodes, an
 * edge A -> B for every "B acquired while A held" seen on some thread,
 * labelled with where (A's acquisition site, B's acquisition site) and by
 * whom; the edges of each lock-order inversion's cycle (findings "lock
 * order inversion", args.cycle) and each deadlock's (args.cycle) marked.
 * SDL-free; tv_draw_lockgraph.c draws it, laid out here.
 */
#ifndef TV_LOCKGRAPH_H
#define TV_LOCKGRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "tv_model.h"

typedef struct tv_lg_node {
    uint32_t pid;
    int64_t id;          /* threadlens object id, -1 when only known by name */
    const char *name;    /* the lock's name (its lane's name) */
    const char *kind;    /* "mutex", "rwlock", ...; "" when unknown */
    uint32_t lane;       /* its lock lane, TV_NO_LANE when none */
    uint64_t holds;      /* acquisitions seen */
    float x, y;          /* layout, in [0, 1] x [0, 1] (tv_lockgraph_layout) */
    int in_cycle;        /* on some finding's cycle */
} tv_lg_node;

typedef struct tv_lg_edge {
    uint32_t from, to;       /* node indexes: `to` acquired while `from` held */
    uint64_t count;          /* times seen */
    const char *from_site;   /* where `from` was taken ("philosophers.c:22"), may be "" */
    const char *to_site;     /* where `to` was taken, may be "" */
    const char *thread;      /* a thread that did it (the first seen) */
    int64_t ts;              /* first time seen (ns), -1 when only from a finding */
    int cycle;               /* 0, or 1 + index into m->findings of the first
                                cycle (inversion or deadlock) it belongs to */
} tv_lg_edge;

typedef struct tv_lockgraph {
    tv_lg_node *nodes; size_t nnodes;
    tv_lg_edge *edges; size_t nedges;
    size_t ncycles;          /* findings with a cycle */
    size_t ndistinct;        /* distinct cycles: an inversion and the deadlock
                                on the same edges are one */
    float cell;              /* layout: the width a node has to itself, in
                                x units (a grid's column); boxes fit in it */
} tv_lockgraph;

/* NULL when out of memory; a trace without locks gives an empty graph.
 * Names and kinds point into the model's strings: the model must outlive
 * the graph. Nodes: lock objects in file order, then lock lanes without an
 * object. */
tv_lockgraph *tv_lockgraph_build(const tv_model *m);
void tv_lockgraph_free(tv_lockgraph *g);
/* Node positions: cycle nodes on a circle in cycle order (the first
 * cycle's order first), the others on a ring around them (up to 12) or in
 * a grid beside them; deterministic. (tv_lockgraph_build lays out already.) */
void tv_lockgraph_layout(tv_lockgraph *g);
/* Whether edge e is on the cycle of finding fi (1 + index into m->findings):
 * an edge shared by an inversion and a deadlock has `cycle` = the first one
 * only, and focusing the other must still show it. */
int tv_lockgraph_edge_in(const tv_lockgraph *g, size_t e, int fi);

#endif
