/*
 * overlay_test.c — findings where they happened and the lock graph, on real
 * traces (ph.json: five dining philosophers, an inversion and a deadlock of
 * five; abba.json: an inversion without deadlock; lu.json: the lost update,
 * two races on db with the second thread's own earlier read; lu_noprior.json
 * the same without it; hang.json: a lost wakeup) and on a hand-written one:
 * the lock graph's nodes, edges and cycles, finding texts, the places of
 * each finding, and pixels drawn on a software renderer (no display).
 *
 * usage: tv_overlay_test FIXTURE_DIR OUTDIR
 */
#include <SDL.h>
#include <SDL_image.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tl_test.h"
#include "tv_load.h"
#include "tv_overlay.h"

static const char *fixdir, *outdir;

static tv_model *load(const char *name) {
    char p[1024], err[256];
    if (strchr(name, '/')) snprintf(p, sizeof p, "%s", name);
    else snprintf(p, sizeof p, "%s/%s", fixdir, name);
    tv_model *m = tv_load(p, NULL, err, sizeof err);
    CHECK_MSG(m != NULL, "cannot load %s: %s", p, err);
    return m;
}

static size_t finding(const tv_model *m, const char *kind, size_t nth) {
    for (size_t i = 0; i < m->nfindings; i++)
        if (!strcmp(tv_model_str(m, m->findings[i].kind), kind) && !nth--) return i;
    return SIZE_MAX;
}

static uint32_t thread_lane(const tv_model *m, int64_t tid) {
    for (uint32_t i = 0; i < m->nlanes; i++)
        if (m->lanes[i].kind == TV_LANE_THREAD && m->lanes[i].tid == tid) return i;
    return TV_NO_LANE;
}

/* ---- lock graph ---------------------------------------------------------- */

/* The cycle edges form exactly one cycle through n nodes. */
static void check_one_cycle(const tv_lockgraph *g, size_t n, const char *what) {
    size_t ncyc = 0;
    int out[64] = {0}, in[64] = {0};
    for (size_t k = 0; k < g->nedges; k++)
        if (g->edges[k].cycle) {
            ncyc++;
            if (g->edges[k].from < 64) out[g->edges[k].from]++;
            if (g->edges[k].to < 64) in[g->edges[k].to]++;
        }
    CHECK_MSG(ncyc == n, "%s: %zu cycle edges, want %zu", what, ncyc, n);
    for (size_t i = 0; i < g->nnodes && i < 64; i++)
        CHECK_MSG(out[i] == 1 && in[i] == 1 && g->nodes[i].in_cycle, "%s: node %s has %d out, %d in cycle edges",
                  what, g->nodes[i].name, out[i], in[i]);
    /* follow it: back to the start after exactly n steps */
    uint32_t at = 0;
    size_t steps = 0;
    do {
        size_t k = 0;
        while (k < g->nedges && !(g->edges[k].cycle && g->edges[k].from == at)) k++;
        if (k == g->nedges) break;
        at = g->edges[k].to;
        steps++;
    } while (at != 0 && steps <= n);
    CHECK_MSG(at == 0 && steps == n, "%s: the cycle from node 0 closes after %zu steps, want %zu", what, steps, n);
}

static void check_graph_ph(void) {
    tv_model *m = load("ph.json");
    if (!m) return;
    tv_lockgraph *g = tv_lockgraph_build(m);
    CHECK(g != NULL);
    if (g) {
        CHECK_EQ(g->nnodes, 5);
        /* each philosopher took one fork: no "taken while held" edge from
         * the holds, though all five threads share a name */
        CHECK_EQ(g->nedges, 5);
        CHECK_EQ(g->ncycles, 2); /* the inversion and the deadlock */
        CHECK_EQ(g->ndistinct, 1); /* on the same five edges */
        check_one_cycle(g, 5, "ph");
        for (size_t i = 0; i < g->nnodes; i++) {
            CHECK_MSG(!strncmp(g->nodes[i].name, "forks", 5) && !strcmp(g->nodes[i].kind, "mutex") &&
                          g->nodes[i].lane != TV_NO_LANE && g->nodes[i].holds == 1,
                      "node %zu: %s %s lane %u holds %llu", i, g->nodes[i].name, g->nodes[i].kind, g->nodes[i].lane,
                      (unsigned long long)g->nodes[i].holds);
            double r = hypot(g->nodes[i].x - 0.5, g->nodes[i].y - 0.5);
            CHECK_MSG(fabs(r - 0.5) < 1e-3, "node %zu at %.3f,%.3f: not on the cycle's circle", i, g->nodes[i].x,
                      g->nodes[i].y);
        }
        for (size_t k = 0; k < g->nedges; k++)
            CHECK_MSG(!strcmp(g->edges[k].from_site, "philosophers.c:22") &&
                          !strcmp(g->edges[k].to_site, "philosophers.c:24") && !strcmp(g->edges[k].thread, "philosopher"),
                      "edge %zu: sites '%s' -> '%s' by '%s'", k, g->edges[k].from_site, g->edges[k].to_site,
                      g->edges[k].thread);
        /* the deadlock's edges are the inversion's: focusing either shows them */
        size_t dl = finding(m, "deadlock", 0), inv = finding(m, "lock order inversion", 0);
        CHECK(dl != SIZE_MAX && inv != SIZE_MAX);
        for (size_t k = 0; k < g->nedges && dl != SIZE_MAX; k++)
            CHECK(tv_lockgraph_edge_in(g, k, (int)dl + 1) && tv_lockgraph_edge_in(g, k, (int)inv + 1));
        /* deterministic */
        tv_lockgraph *g2 = tv_lockgraph_build(m);
        for (size_t i = 0; g2 && i < g->nnodes; i++)
            CHECK(g2->nodes[i].x == g->nodes[i].x && g2->nodes[i].y == g->nodes[i].y);
        tv_lockgraph_free(g2);
    }
    tv_lockgraph_free(g);
    tv_model_free(m);
}

static void check_graph_abba(void) {
    tv_model *m = load("abba.json");
    if (!m) return;
    tv_lockgraph *g = tv_lockgraph_build(m);
    CHECK(g != NULL);
    if (g) {
        CHECK_EQ(g->nnodes, 2);
        CHECK_EQ(g->nedges, 2);
        CHECK_EQ(g->ncycles, 1);
        CHECK_EQ(g->ndistinct, 1);
        check_one_cycle(g, 2, "abba");
        /* both edges were seen in the holds: counted, with their sites */
        for (size_t k = 0; k < g->nedges; k++) {
            const tv_lg_edge *e = &g->edges[k];
            int ab = !strcmp(g->nodes[e->from].name, "lock_a");
            CHECK_MSG(e->count == 1 && e->ts > 0, "edge %zu: count %llu ts %lld", k, (unsigned long long)e->count,
                      (long long)e->ts);
            CHECK_STR(e->from_site, ab ? "abba_lucky.c:16" : "abba_lucky.c:26");
            CHECK_STR(e->to_site, ab ? "abba_lucky.c:17" : "abba_lucky.c:27");
            CHECK_STR(e->thread, ab ? "thread_ab" : "thread_ba");
        }
    }
    tv_lockgraph_free(g);
    tv_model_free(m);
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    CHECK_MSG(f != NULL, "cannot write %s", path);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

/* Two threads named "w" and one "solo": tid 1 holds A over [10, 100] and
 * takes B at 70 (an edge A -> B); tid 2 takes B at 20 and C at 30 while
 * tid 1 holds A (no edge from A: another thread of the same name), and
 * holds C while taking B (C -> B, then a rwlock read on D by "solo" inside
 * nothing). */
static const char *k_same_names =
    "[\n"
    "{\"ph\":\"M\",\"pid\":7,\"tid\":1,\"name\":\"thread_name\",\"args\":{\"name\":\"w\"}},\n"
    "{\"ph\":\"M\",\"pid\":7,\"tid\":2,\"name\":\"thread_name\",\"args\":{\"name\":\"w\"}},\n"
    "{\"ph\":\"M\",\"pid\":7,\"tid\":3,\"name\":\"thread_name\",\"args\":{\"name\":\"solo\"}},\n"
    "{\"ph\":\"M\",\"pid\":7,\"tid\":1,\"name\":\"threadlens_object\",\"args\":{\"id\":1,\"kind\":\"mutex\",\"name\":\"A\",\"addr\":\"0x10\"}},\n"
    "{\"ph\":\"M\",\"pid\":7,\"tid\":1,\"name\":\"threadlens_object\",\"args\":{\"id\":2,\"kind\":\"mutex\",\"name\":\"B\",\"addr\":\"0x20\"}},\n"
    "{\"ph\":\"M\",\"pid\":7,\"tid\":1,\"name\":\"threadlens_object\",\"args\":{\"id\":3,\"kind\":\"cond\",\"name\":\"cv\",\"addr\":\"0x30\"}},\n"
    "{\"ph\":\"X\",\"pid\":7,\"tid\":1,\"ts\":0,\"dur\":200,\"cat\":\"state\",\"name\":\"running\"},\n"
    "{\"ph\":\"X\",\"pid\":7,\"tid\":2,\"ts\":0,\"dur\":200,\"cat\":\"state\",\"name\":\"running\"},\n"
    "{\"ph\":\"X\",\"pid\":7,\"tid\":3,\"ts\":0,\"dur\":200,\"cat\":\"state\",\"name\":\"running\"},\n"
    "{\"ph\":\"b\",\"pid\":7,\"tid\":1,\"ts\":10,\"cat\":\"lock\",\"name\":\"A\",\"id2\":{\"local\":1},\"args\":{\"thread\":\"w\",\"at\":\"/src/x.c:10 (f)\"}},\n"
    "{\"ph\":\"b\",\"pid\":7,\"tid\":2,\"ts\":20,\"cat\":\"lock\",\"name\":\"C\",\"id2\":{\"local\":2},\"args\":{\"thread\":\"w\",\"at\":\"/src/y.c:5 (g)\"}},\n"
    "{\"ph\":\"b\",\"pid\":7,\"tid\":2,\"ts\":30,\"cat\":\"lock\",\"name\":\"B\",\"id2\":{\"local\":3},\"args\":{\"thread\":\"w\",\"at\":\"/src/y.c:6 (g)\"}},\n"
    "{\"ph\":\"e\",\"pid\":7,\"tid\":2,\"ts\":40,\"cat\":\"lock\",\"name\":\"B\",\"id2\":{\"local\":3},\"args\":{}},\n"
    "{\"ph\":\"e\",\"pid\":7,\"tid\":2,\"ts\":50,\"cat\":\"lock\",\"name\":\"C\",\"id2\":{\"local\":2},\"args\":{}},\n"
    "{\"ph\":\"b\",\"pid\":7,\"tid\":1,\"ts\":70,\"cat\":\"lock\",\"name\":\"B\",\"id2\":{\"local\":4},\"args\":{\"thread\":\"w\",\"at\":\"/src/x.c:11 (f)\"}},\n"
    "{\"ph\":\"e\",\"pid\":7,\"tid\":1,\"ts\":80,\"cat\":\"lock\",\"name\":\"B\",\"id2\":{\"local\":4},\"args\":{}},\n"
    "{\"ph\":\"e\",\"pid\":7,\"tid\":1,\"ts\":100,\"cat\":\"lock\",\"name\":\"A\",\"id2\":{\"local\":1},\"args\":{}},\n"
    "{\"ph\":\"b\",\"pid\":7,\"tid\":3,\"ts\":110,\"cat\":\"lock\",\"name\":\"D\",\"id2\":{\"local\":5},\"args\":{\"thread\":\"solo\",\"mode\":\"read\",\"at\":\"/src/z.c:1 (h)\"}},\n"
    "{\"ph\":\"b\",\"pid\":7,\"tid\":3,\"ts\":120,\"cat\":\"lock\",\"name\":\"A\",\"id2\":{\"local\":6},\"args\":{\"thread\":\"solo\",\"at\":\"/src/z.c:2 (h)\"}},\n"
    "{\"ph\":\"e\",\"pid\":7,\"tid\":3,\"ts\":130,\"cat\":\"lock\",\"name\":\"A\",\"id2\":{\"local\":6},\"args\":{}},\n"
    "{\"ph\":\"e\",\"pid\":7,\"tid\":3,\"ts\":140,\"cat\":\"lock\",\"name\":\"D\",\"id2\":{\"local\":5},\"args\":{}}\n"
    "]\n";

static int node_named(const tv_lockgraph *g, const char *name) {
    for (size_t i = 0; i < g->nnodes; i++)
        if (!strcmp(g->nodes[i].name, name)) return (int)i;
    return -1;
}

static const tv_lg_edge *edge(const tv_lockgraph *g, const char *a, const char *b) {
    int x = node_named(g, a), y = node_named(g, b);
    for (size_t k = 0; k < g->nedges; k++)
        if ((int)g->edges[k].from == x && (int)g->edges[k].to == y) return &g->edges[k];
    return NULL;
}

static void check_graph_same_names(void) {
    char p[1024];
    snprintf(p, sizeof p, "%s/same_names.json", outdir);
    write_file(p, k_same_names);
    tv_model *m = load(p);
    if (!m) return;
    tv_lockgraph *g = tv_lockgraph_build(m);
    CHECK(g != NULL);
    if (g) {
        /* A and B from their objects (the cond is no lock), C and D from their lanes */
        CHECK_EQ(g->nnodes, 4);
        CHECK(node_named(g, "A") == 0 && node_named(g, "B") == 1 && node_named(g, "cv") < 0);
        CHECK(node_named(g, "C") >= 0 && !strcmp(g->nodes[node_named(g, "C")].kind, "") &&
              g->nodes[node_named(g, "C")].id == -1);
        const tv_lg_edge *ab = edge(g, "A", "B"), *cb = edge(g, "C", "B"), *da = edge(g, "D", "A");
        CHECK_MSG(ab && ab->count == 1 && ab->ts == 70000 && !strcmp(ab->from_site, "x.c:10") &&
                      !strcmp(ab->to_site, "x.c:11"),
                  "A -> B: taken by tid 1 at 70 us");
        CHECK_MSG(cb && cb->count == 1 && !strcmp(cb->from_site, "y.c:5") && !strcmp(cb->to_site, "y.c:6"),
                  "C -> B: taken by tid 2");
        CHECK_MSG(da && !strcmp(da->thread, "solo"), "D -> A by solo (a name of one thread: no re-read)");
        CHECK_MSG(!edge(g, "A", "C") && g->nedges == 3,
                  "edges from another thread of the same name: %zu edges", g->nedges);
        CHECK_EQ(g->ncycles, 0);
        for (size_t i = 0; i < g->nnodes; i++) CHECK(!g->nodes[i].in_cycle);
    }
    tv_lockgraph_free(g);
    tv_model_free(m);

    /* no locks: an empty graph */
    m = load("lu.json");
    if (m) {
        g = tv_lockgraph_build(m);
        CHECK(g && g->nnodes == 0 && g->nedges == 0 && g->ncycles == 0);
        tv_lockgraph_free(g);
        tv_model_free(m);
    }
}

/* ---- finding text and places -------------------------------------------- */

static void check_text_ph(void) {
    tv_model *m = load("ph.json");
    if (!m) return;
    char b[8192];
    size_t dl = finding(m, "deadlock", 0);
    CHECK(dl != SIZE_MAX);
    size_t n = tv_finding_text(m, dl, b, sizeof b);
    CHECK(n == strlen(b) && n > 0);
    for (int t = 2; t <= 6; t++) {
        char tid[32];
        snprintf(tid, sizeof tid, "philosopher (tid %d) holds", t);
        CHECK_MSG(strstr(b, tid) != NULL, "deadlock text lacks '%s':\n%s", tid, b);
    }
    CHECK_MSG(strstr(b, "philosophers.c:22") && strstr(b, "philosophers.c:24") && strstr(b, "held by"),
              "deadlock text lacks the sites:\n%s", b);
    CHECK_MSG(strstr(b, "holds forks+0x78 (taken at philosophers.c:22), waits for forks+0xa0 "
                        "(philosophers.c:24) held by philosopher (tid 6)"),
              "tid 5's line:\n%s", b);
    /* cut at a line, never inside one */
    char small[200];
    n = tv_finding_text(m, dl, small, sizeof small);
    CHECK(n < sizeof small && n == strlen(small) && !strncmp(small, b, n) && (b[n] == '\n'));
    CHECK(tv_finding_text(m, m->nfindings, b, sizeof b) == 0 && b[0] == 0);

    size_t inv = finding(m, "lock order inversion", 0);
    tv_finding_text(m, inv, b, sizeof b);
    CHECK_MSG(strstr(b, "holding forks+0xa0 (taken at philosophers.c:22) takes forks (philosophers.c:24)"),
              "inversion text:\n%s", b);

    /* the places: five blocked threads, each arrow to the owner of its lock */
    tv_fx_set *fx = tv_fx_build(m);
    CHECK(fx && fx->n == m->nfindings);
    if (fx) {
        const tv_fx *f = &fx->f[dl];
        CHECK_EQ(f->kind, TV_FX_DEADLOCK);
        CHECK_EQ(f->npts, 5);
        CHECK_EQ(f->nlinks, 5);
        for (uint32_t k = 0; k < f->nlinks && f->npts == 5; k++) {
            const tv_fx_link *l = &f->links[k];
            CHECK(l->from < 5 && l->to < 5 && l->from != l->to && f->pts[l->from].waits);
            CHECK_MSG(!strncmp(l->label, "forks", 5), "link %u label '%s'", k, l->label);
        }
        /* tid 5 waits for forks+0xa0, held by tid 6 */
        uint32_t l5 = thread_lane(m, 5), l6 = thread_lane(m, 6);
        int found = 0;
        for (uint32_t k = 0; k < f->nlinks; k++)
            found |= f->pts[f->links[k].from].lane == l5 && f->pts[f->links[k].to].lane == l6 &&
                     !strcmp(f->links[k].label, "forks+0xa0");
        CHECK_MSG(found, "no arrow tid 5 -> tid 6 labelled forks+0xa0");
        CHECK_EQ(fx->f[inv].kind, TV_FX_INVERSION);
        CHECK_EQ(fx->f[inv].npts, 5);
    }
    tv_fx_free(fx);
    tv_model_free(m);
}

/* The story's numbered lines, in order, each holding want[i]. */
static void check_story(const char *text, const char *const *want, int n) {
    const char *p = strstr(text, "the story of db");
    CHECK_MSG(p != NULL, "no story:\n%s", text);
    if (!p) return;
    for (int i = 0; i < n; i++) {
        char num[16];
        snprintf(num, sizeof num, "\n%d. ", i + 1);
        const char *l = strstr(p, num);
        CHECK_MSG(l != NULL, "story step %d missing:\n%s", i + 1, text);
        if (!l) return;
        const char *e = strchr(l + 1, '\n');
        size_t len = e ? (size_t)(e - l) : strlen(l);
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)len, l + 1);
        CHECK_MSG(strstr(line, want[i]) != NULL, "step %d is '%s', want '%s'", i + 1, line, want[i]);
        p = l + 1;
    }
    char num[16];
    snprintf(num, sizeof num, "\n%d. ", n + 1);
    CHECK_MSG(!strstr(p, num), "more than %d steps:\n%s", n, text);
}

static void check_text_lu(void) {
    tv_model *m = load("lu.json");
    if (!m) return;
    char b[8192];
    size_t r1 = finding(m, "data race", 0), r2 = finding(m, "data race", 1);
    CHECK(r1 != SIZE_MAX && r2 != SIZE_MAX);
    tv_finding_text(m, r1, b, sizeof b);
    CHECK_MSG(strstr(b, "data race on db (4 bytes at 0x") && strstr(b, "first: read by update (tid 3)") &&
                  strstr(b, "lost_update.c:23") && strstr(b, "second: write by update (tid 2)") &&
                  strstr(b, "lost_update.c:25") && strstr(b, "lost update"),
              "race text:\n%s", b);
    /* the lost update, step by step: both reads before both writes */
    static const char *const steps[] = {"update (tid 2) reads db  (lost_update.c:23)",
                                        "update (tid 3) reads db  (lost_update.c:23)",
                                        "update (tid 2) writes db  (lost_update.c:25)",
                                        "update (tid 3) writes db  (lost_update.c:25)"};
    check_story(b, steps, 4);
    /* the other race tells the same story */
    char b2[8192];
    tv_finding_text(m, r2, b2, sizeof b2);
    CHECK(strstr(b2, "the story of db") && !strcmp(strstr(b2, "the story of db"), strstr(b, "the story of db")));

    tv_fx_set *fx = tv_fx_build(m);
    if (fx) {
        const tv_fx *f = &fx->f[r1];
        CHECK_EQ(f->kind, TV_FX_RACE);
        CHECK_EQ(f->npts, 3); /* T2's own read, T3's read, T2's write */
        CHECK_EQ(f->nlinks, 1);
        int prior = 0;
        for (uint32_t i = 0; i < f->npts; i++) {
            prior += f->pts[i].prior;
            CHECK_STR(f->pts[i].label, "db");
            CHECK(f->pts[i].lane != TV_NO_LANE);
            /* the marker slices are on their own row, below the states */
            CHECK_MSG(f->pts[i].row > 0, "point %u on row %u", i, f->pts[i].row);
        }
        CHECK_EQ(prior, 1);
        if (f->nlinks == 1) {
            CHECK_EQ(f->pts[f->links[0].from].tag, 'R');
            CHECK_EQ(f->pts[f->links[0].to].tag, 'W');
            CHECK(f->pts[f->links[0].from].lane == thread_lane(m, 3));
        }
    }
    tv_fx_free(fx);
    tv_model_free(m);

    /* a runtime without the earlier read: three steps */
    m = load("lu_noprior.json");
    if (!m) return;
    tv_finding_text(m, finding(m, "data race", 0), b, sizeof b);
    static const char *const steps3[] = {"update (tid 3) reads db", "update (tid 2) writes db",
                                         "update (tid 3) writes db"};
    check_story(b, steps3, 3);
    CHECK(!strstr(b, "lost update"));
    tv_model_free(m);
}

/* A hang (lost_wakeup.c: main joins the waiter, which waits on a condition
 * signalled before it waited): a join arrow, both waits, the lost signal. */
static void check_hang(void) {
    tv_model *m = load("hang.json");
    if (!m) return;
    size_t h = finding(m, "hang", 0);
    CHECK(h != SIZE_MAX);
    char b[4096];
    tv_finding_text(m, h, b, sizeof b);
    CHECK_MSG(strstr(b, "main (tid 1): joining waiter since ") && strstr(b, "(lost_wakeup.c:37)") &&
                  strstr(b, "waiter (tid 3): waiting on wake_cond (mutex wake_lock) since ") &&
                  strstr(b, "lost wakeup: signaller (tid 2) signalled wake_cond at ") && strstr(b, "lost_wakeup.c:18"),
              "hang text:\n%s", b);
    tv_fx_set *fx = tv_fx_build(m);
    if (fx && h != SIZE_MAX) {
        const tv_fx *f = &fx->f[h];
        uint32_t l1 = thread_lane(m, 1), l2 = thread_lane(m, 2), l3 = thread_lane(m, 3);
        CHECK_EQ(f->kind, TV_FX_HANG);
        CHECK_EQ(f->npts, 3);
        CHECK_EQ(f->nlinks, 1);
        int waits = 0, sig = 0;
        for (uint32_t i = 0; i < f->npts; i++) {
            const tv_fx_point *p = &f->pts[i];
            if (p->waits) {
                waits++;
                CHECK(p->since < p->ts && (p->lane == l1 || p->lane == l3));
            }
            if (p->tag == 'S') sig += p->lane == l2 && !strcmp(p->label, "signal wake_cond: no waiter");
        }
        CHECK_EQ(waits, 2); /* the join's target is itself blocked */
        CHECK_EQ(sig, 1);
        if (f->nlinks == 1) {
            CHECK(f->pts[f->links[0].from].lane == l1 && f->pts[f->links[0].to].lane == l3);
            CHECK_STR(f->links[0].label, "join");
        }
    }
    tv_fx_free(fx);
    tv_model_free(m);
}

/* ---- pixels -------------------------------------------------------------- */

typedef struct canvas {
    SDL_Surface *s;
    SDL_Renderer *r;
    tv_gfx g;
    int ok;
} canvas;

static int canvas_open(canvas *c, int w, int h) {
    char err[256];
    memset(c, 0, sizeof *c);
    c->s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    c->r = c->s ? SDL_CreateSoftwareRenderer(c->s) : NULL;
    c->ok = c->r && tv_gfx_init(&c->g, c->r, err, sizeof err) == 0;
    CHECK_MSG(c->ok, "no software renderer: %s %s", SDL_GetError(), err);
    return c->ok;
}

static void canvas_clear(canvas *c) {
    SDL_SetRenderDrawColor(c->r, 255, 255, 255, 255);
    SDL_RenderSetClipRect(c->r, NULL);
    SDL_RenderClear(c->r);
}

static void canvas_save(canvas *c, const char *name) {
    SDL_RenderFlush(c->r);
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", outdir, name);
    IMG_SavePNG(c->s, p);
}

static void canvas_close(canvas *c) {
    if (c->ok) tv_gfx_free(&c->g);
    if (c->r) SDL_DestroyRenderer(c->r);
    SDL_FreeSurface(c->s);
}

static tv_rgb px(SDL_Surface *s, int x, int y) {
    if (x < 0 || y < 0 || x >= s->w || y >= s->h) return TV_RGB(255, 255, 255);
    uint32_t p = ((uint32_t *)((uint8_t *)s->pixels + (size_t)y * s->pitch))[x];
    return TV_RGB((p >> 16) & 255, (p >> 8) & 255, p & 255);
}

/* The finding color, or a blend of it over white (antialiased edges). */
static int reddish(tv_rgb c) { return c.r > 150 && c.g < 140 && c.b < 140 && c.r - c.g > 80; }

static int count_red(SDL_Surface *s, int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) n += reddish(px(s, x, y));
    return n;
}

static int count_nonwhite(SDL_Surface *s) {
    int n = 0;
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++) {
            tv_rgb c = px(s, x, y);
            n += c.r != 255 || c.g != 255 || c.b != 255;
        }
    return n;
}

static void check_draw_graph(void) {
    canvas c;
    if (!canvas_open(&c, 900, 600)) {
        canvas_close(&c);
        return;
    }
    SDL_Rect area = {0, 0, 900, 600};
    tv_model *m = load("ph.json");
    tv_lockgraph *g = m ? tv_lockgraph_build(m) : NULL;
    if (g && g->nedges) {
        canvas_clear(&c);
        tv_draw_lockgraph(&c.g, g, area, 0);
        SDL_RenderFlush(c.r);
        canvas_save(&c, "ph-lockgraph.png");
        for (size_t k = 0; k < g->nedges; k++) {
            /* red along the arrow between the two boxes */
            SDL_Rect ra, rb;
            CHECK(tv_lockgraph_node_rect(g, area, g->edges[k].from, &ra));
            CHECK(tv_lockgraph_node_rect(g, area, g->edges[k].to, &rb));
            float ax = ra.x + ra.w / 2.0f, ay = ra.y + ra.h / 2.0f, bx = rb.x + rb.w / 2.0f, by = rb.y + rb.h / 2.0f;
            int on = 0, samples = 0;
            for (float t = 0.2f; t <= 0.8f; t += 0.02f) {
                int x = (int)lroundf(ax + (bx - ax) * t), y = (int)lroundf(ay + (by - ay) * t);
                if (x >= ra.x && x < ra.x + ra.w && y >= ra.y && y < ra.y + ra.h) continue;
                if (x >= rb.x && x < rb.x + rb.w && y >= rb.y && y < rb.y + rb.h) continue;
                samples++;
                on += count_red(c.s, x - 2, y - 2, x + 3, y + 3) > 0;
            }
            CHECK_MSG(samples > 10 && on > samples * 8 / 10, "edge %zu: red at %d of %d points on its segment", k, on,
                      samples);
            /* the box of a cycle node is framed in red */
            CHECK(count_red(c.s, ra.x, ra.y, ra.x + ra.w, ra.y + 2) > ra.w / 2);
        }
        /* hit testing: each box's middle is its node, outside none */
        for (size_t i = 0; i < g->nnodes; i++) {
            SDL_Rect r;
            tv_lockgraph_node_rect(g, area, i, &r);
            CHECK_EQ(tv_lockgraph_hit(g, area, r.x + r.w / 2, r.y + r.h / 2), (long long)i);
        }
        CHECK_EQ(tv_lockgraph_hit(g, area, 450, 300), -1); /* the pentagon's middle */
        /* the legend */
        CHECK(count_red(c.s, 0, 600 - 26, 900, 600) > 20);
    }
    tv_lockgraph_free(g);
    tv_model_free(m);

    m = load("abba.json");
    g = m ? tv_lockgraph_build(m) : NULL;
    if (g) {
        canvas_clear(&c);
        tv_draw_lockgraph(&c.g, g, area, 1);
        canvas_save(&c, "abba-lockgraph.png");
        SDL_Rect ra, rb;
        tv_lockgraph_node_rect(g, area, 0, &ra);
        tv_lockgraph_node_rect(g, area, 1, &rb);
        CHECK_MSG(abs(ra.y - rb.y) < 2 && ra.x < rb.x, "lock_a left of lock_b: %d,%d %d,%d", ra.x, ra.y, rb.x, rb.y);
        /* two arrows, one above the other, between the boxes */
        int mx = (ra.x + ra.w + rb.x) / 2, my = ra.y + ra.h / 2;
        CHECK_MSG(count_red(c.s, mx - 80, my - 12, mx - 40, my - 2) > 0 && count_red(c.s, mx - 80, my + 2, mx - 40, my + 12) > 0,
                  "two red arrows between lock_a and lock_b");
    }
    tv_lockgraph_free(g);
    tv_model_free(m);

    m = load("lu.json");
    g = m ? tv_lockgraph_build(m) : NULL;
    if (g) {
        canvas_clear(&c);
        tv_draw_lockgraph(&c.g, g, area, 0);
        canvas_save(&c, "empty-lockgraph.png");
        int dark = 0;
        for (int y = 280; y < 320; y++)
            for (int x = 350; x < 550; x++) {
                tv_rgb p = px(c.s, x, y);
                dark += p.r + p.g + p.b < 500;
            }
        CHECK_MSG(dark > 30, "'no locks in this trace' not drawn (%d dark pixels)", dark);
        CHECK_EQ(tv_lockgraph_hit(g, area, 450, 300), -1);
    }
    tv_lockgraph_free(g);
    tv_model_free(m);
    canvas_close(&c);
}

static int lane_mid(const tv_view *v, uint32_t lane) {
    int y, h;
    return tv_view_lane_rect(v, lane, &y, &h) ? y + h / 2 : -1;
}

static void check_draw_overlays(void) {
    canvas c;
    if (!canvas_open(&c, 1000, 600)) {
        canvas_close(&c);
        return;
    }
    tv_model *m = load("ph.json");
    size_t dl = m ? finding(m, "deadlock", 0) : SIZE_MAX;
    tv_view *v = m && dl != SIZE_MAX ? tv_view_new(m, 1000, 600) : NULL;
    if (v) {
        int64_t ts = m->findings_marks[m->findings[dl].mark].ts;
        tv_view_set_range(v, ts - 40000, ts + 40000);
        canvas_clear(&c);
        tv_draw_finding_overlays(&c.g, v, INT64_MAX, dl);
        canvas_save(&c, "ph-deadlock.png");
        int x = (int)lround(tv_t2x(v, ts));
        /* between the lanes of tid 5 (waiting) and tid 6 (holding forks+0xa0),
         * near the detection: the cycle's arrow */
        int y5 = lane_mid(v, thread_lane(m, 5)), y6 = lane_mid(v, thread_lane(m, 6));
        int y2 = lane_mid(v, thread_lane(m, 2));
        CHECK_MSG(y5 > 0 && y6 > y5 && y2 > 0 && y2 < y5, "lanes at %d %d %d", y2, y5, y6);
        CHECK_MSG(count_red(c.s, x - 100, y5 + 4, x + 100, y6 - 4) > 20, "no arrow between tid 5 and tid 6 at x=%d", x);
        /* and the long way back up, tid 6 -> tid 2 */
        CHECK_MSG(count_red(c.s, x - 100, y2 + 4, x + 100, y5 - 4) > 20, "no arrow between tid 2 and tid 6");
        /* a dot on each blocked thread's waiting slice at the detection */
        tv_fx_set *fx = tv_fx_build(m);
        for (uint32_t i = 0; fx && i < fx->f[dl].npts; i++) {
            const tv_fx_point *p = &fx->f[dl].pts[i];
            int y, h;
            CHECK(tv_view_row_rect(v, p->lane, p->row, &y, &h));
            const tv_slice *s = NULL;
            const tv_row *row = &m->lanes[p->lane].rows[p->row];
            size_t k = tv_row_first_ending_after(row, ts);
            if (k < row->n) s = &row->s[k];
            CHECK_MSG(s && !strncmp(tv_model_str(m, s->name), "waiting for forks", 17), "point %u not on a wait", i);
            y += h / 2;
            CHECK_MSG(count_red(c.s, x - 3, y - 3, x + 4, y + 4) > 10, "no dot on point %u at x=%d y=%d", i, x, y);
        }
        tv_fx_free(fx);
        /* before the detection, the playhead hides it all */
        canvas_clear(&c);
        tv_draw_finding_overlays(&c.g, v, ts - 1, SIZE_MAX);
        SDL_RenderFlush(c.r);
        int left = count_nonwhite(c.s);
        CHECK_MSG(left == 0, "%d pixels drawn with the playhead before every finding", left);
        /* scrolled away from it: nothing either */
        tv_view_set_range(v, m->t1 - 1000, m->t1);
        canvas_clear(&c);
        tv_draw_finding_overlays(&c.g, v, INT64_MAX, SIZE_MAX);
        SDL_RenderFlush(c.r);
        CHECK_EQ(count_red(c.s, 0, 0, 1000, 600), 0);
        tv_view_free(v);
    }
    tv_model_free(m);

    /* the lost update: rings at the accesses, the arrow between them */
    m = load("lu.json");
    size_t r1 = m ? finding(m, "data race", 0) : SIZE_MAX;
    v = m && r1 != SIZE_MAX ? tv_view_new(m, 1000, 600) : NULL;
    if (v) {
        canvas_clear(&c);
        tv_draw_finding_overlays(&c.g, v, INT64_MAX, SIZE_MAX);
        canvas_save(&c, "lu-races.png");
        tv_fx_set *fx = tv_fx_build(m);
        for (uint32_t i = 0; fx && i < fx->f[r1].npts; i++) {
            const tv_fx_point *p = &fx->f[r1].pts[i];
            int y, h, x = (int)lround(tv_t2x(v, p->ts));
            CHECK(tv_view_row_rect(v, p->lane, p->row, &y, &h));
            y += h / 2;
            /* the ring: red around the point, white inside it */
            CHECK_MSG(count_red(c.s, x - 12, y - 12, x + 13, y + 13) > 25, "no ring at point %u (%d,%d)", i, x, y);
        }
        tv_fx_free(fx);
        /* the playhead between the two races: the first only */
        int64_t t2 = m->findings_marks[m->findings[finding(m, "data race", 1)].mark].ts;
        tv_view_set_range(v, t2 - 400000, t2 + 100000);
        canvas_clear(&c);
        tv_draw_finding_overlays(&c.g, v, t2 - 1, SIZE_MAX);
        canvas_save(&c, "lu-upto.png");
        int x2 = (int)lround(tv_t2x(v, t2)), y3 = lane_mid(v, thread_lane(m, 3));
        CHECK_MSG(count_red(c.s, x2 - 8, y3 - 14, x2 + 9, y3 + 14) == 0, "the second race drawn before its time");
        tv_view_free(v);
    }
    tv_model_free(m);

    /* the hang at the trace's end: the join arrow between main and the
     * waiter stays on screen */
    m = load("hang.json");
    size_t h = m ? finding(m, "hang", 0) : SIZE_MAX;
    v = m && h != SIZE_MAX ? tv_view_new(m, 1000, 600) : NULL;
    if (v) {
        canvas_clear(&c);
        tv_draw_finding_overlays(&c.g, v, INT64_MAX, SIZE_MAX);
        canvas_save(&c, "hang.png");
        int x = (int)lround(tv_t2x(v, m->findings_marks[m->findings[h].mark].ts));
        int y1 = lane_mid(v, thread_lane(m, 1)), y3 = lane_mid(v, thread_lane(m, 3));
        CHECK_MSG(x < v->g.tl_x1 && count_red(c.s, x - 60, y1 + 6, x + 1, y3 - 6) > 10,
                  "no join arrow left of the hang at x=%d", x);
        tv_view_free(v);
    }
    tv_model_free(m);
    canvas_close(&c);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s FIXTURE_DIR OUTDIR\n", argv[0]);
        return 2;
    }
    fixdir = argv[1], outdir = argv[2];
    mkdir(outdir, 0755);
    check_graph_ph();
    check_graph_abba();
    check_graph_same_names();
    check_text_ph();
    check_text_lu();
    check_hang();
    check_draw_graph();
    check_draw_overlays();
    IMG_Quit();
    SDL_Quit();
    if (tl_test_failures) {
        fprintf(stderr, "%d check(s) failed\n", tl_test_failures);
        return 1;
    }
    printf("overlay test: all checks passed\n");
    return 0;
}
