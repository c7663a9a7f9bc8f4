/*
 * tv_replay.c — the replay's step list (tv_replay.h): every moment a thread's
 * state, a lock's holder, a counter, a mark or a finding changes, sorted by
 * time, with per-lane index lists so that stepping one thread through a
 * million-event trace stays a binary search. Also who took each lock hold:
 * holds name their holder (args.thread), and when threads share that name
 * (five "philosopher"s) the hold's own event says which tid it was.
 * Seeking is tv_replay_seek.c; the state at a time and the texts are
 * tv_replay_state.c.
 */
#include <stdlib.h>
#include <string.h>

#include "tv_replay_impl.h"
#include "tv_tids.h"

/* A step while sorting: key orders steps of one time. X slices are written
 * when they end, so their file position says nothing about when they began:
 * they come first (key 0, parent before child by row); then what is written
 * at its time, in file order (holds, releases, marks, findings: offset + 1);
 * counter samples, which keep no position, last. */
typedef struct rec {
    tv_step s;
    uint64_t key;
} rec;

#define KEY_LAST UINT64_MAX

/* A hold whose holder is found by the tid of its event: b->v[rec] is its
 * step (and the next one its release). */
typedef struct pending {
    tv_src src;
    size_t rec;
    uint32_t process;
} pending;

typedef struct build {
    const tv_model *m;
    rec *v;
    size_t n, cap;
    int oom;
    tv_map names; /* (process, thread name) -> thread lane, AMBIGUOUS when shared */
    tv_map tids;  /* (process, tid) -> thread lane */
    pending *pending; /* holds whose thread is known by tid only */
    size_t npending, cappending;
    struct state_ref *states; /* one thread's state slices (thread_steps) */
    size_t capstates;
} build;

#define AMBIGUOUS (TV_NONE - 1)

static void add(build *b, int64_t ts, uint32_t lane, uint32_t thread, uint32_t row, int kind,
                size_t index, uint64_t key) {
    if (b->oom) return;
    if (b->n == b->cap) {
        size_t c = b->cap ? b->cap * 2 : 1024;
        rec *v = realloc(b->v, c * sizeof *v);
        if (!v) {
            b->oom = 1;
            return;
        }
        b->v = v;
        b->cap = c;
    }
    rec *e = &b->v[b->n++];
    memset(e, 0, sizeof *e);
    e->s.ts = ts;
    e->s.lane = lane;
    e->s.thread = thread;
    e->s.row = row;
    e->s.kind = (uint8_t)kind;
    e->s.index = index;
    e->key = key;
}

static uint64_t src_key(tv_src src) { return src == TV_SRC_NONE ? KEY_LAST - 1 : TV_SRC_OFF(src) + 1; }

static int cmp_rec(const void *pa, const void *pb) {
    const rec *a = pa, *b = pb;
    if (a->s.ts != b->s.ts) return a->s.ts < b->s.ts ? -1 : 1;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    if (a->s.lane != b->s.lane) return a->s.lane < b->s.lane ? -1 : 1;
    if (a->s.row != b->s.row) return a->s.row < b->s.row ? -1 : 1;
    if (a->s.kind != b->s.kind) return a->s.kind < b->s.kind ? -1 : 1;
    if (a->s.index != b->s.index) return a->s.index < b->s.index ? -1 : 1;
    return 0;
}

/* ---- who took a hold ---- */

/* The holder's thread by name when that is unique in its process; else
 * TV_NO_LANE, and the hold waits for its tid (resolve_pending). */
static uint32_t holder_by_name(build *b, const tv_lane *lk, const tv_slice *s) {
    uint32_t l = s->label ? tv_map_find(&b->names, lk->process, s->label) : TV_NONE;
    return l < b->m->nlanes ? l : TV_NO_LANE;
}

static int cmp_pending(const void *pa, const void *pb) {
    uint64_t a = TV_SRC_OFF(((const pending *)pa)->src), b = TV_SRC_OFF(((const pending *)pb)->src);
    return a < b ? -1 : a > b;
}

/* Reads the tids of holds with a shared (or no) holder name, in file order
 * so the file is read once, front to back. */
static void resolve_pending(build *b) {
    if (!b->npending || b->oom) return;
    tv_tids *rd = tv_tids_open(b->m);
    if (!rd) {
        b->oom = 1;
        return;
    }
    qsort(b->pending, b->npending, sizeof *b->pending, cmp_pending);
    for (size_t k = 0; k < b->npending; k++) {
        const pending *p = &b->pending[k];
        int64_t tid;
        if (tv_tids_get(rd, p->src, &tid)) continue;
        uint32_t who = tv_map_find(&b->tids, p->process, (uint64_t)tid);
        tv_step *h = &b->v[p->rec].s, *e = p->rec + 1 < b->n ? &b->v[p->rec + 1].s : NULL;
        h->thread = who;
        if (e && e->kind == TV_STEP_RELEASE && e->lane == h->lane && e->row == h->row && e->index == h->index)
            e->thread = who;
    }
    tv_tids_close(rd);
}

static int index_threads(build *b) {
    const tv_model *m = b->m;
    if (tv_map_init(&b->names, m->nlanes) || tv_map_init(&b->tids, m->nlanes)) return -1;
    for (uint32_t i = 0; i < m->nlanes; i++) {
        const tv_lane *l = &m->lanes[i];
        if (l->kind != TV_LANE_THREAD) continue;
        int created;
        uint32_t *v = tv_map_get(&b->names, l->process, l->name, &created);
        if (!v) return -1;
        *v = created ? i : AMBIGUOUS;
        if (!(v = tv_map_get(&b->tids, l->process, (uint64_t)l->tid, &created))) return -1;
        if (created) *v = i;
    }
    return 0;
}

/* ---- the steps ---- */

static int starts_with(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

/* A thread's state slices in time order (they never overlap, but a phase or
 * call puts them on different rows), to tell a change from a state that
 * only goes on: "running" cut where a call begins, or on after one returns. */
typedef struct state_ref {
    const tv_slice *s;
    uint32_t row;
    size_t index;
} state_ref;

static int cmp_state(const void *pa, const void *pb) {
    const state_ref *a = pa, *b = pb;
    if (a->s->ts != b->s->ts) return a->s->ts < b->s->ts ? -1 : 1;
    return a->row < b->row ? -1 : a->row > b->row;
}

static void thread_steps(build *b, const tv_replay *r, uint32_t li) {
    const tv_model *m = b->m;
    const tv_lane *l = &m->lanes[li];
    size_t nstates = 0;
    for (uint32_t d = 0; d < l->nrows; d++) {
        const tv_row *row = &l->rows[d];
        for (size_t i = 0; i < row->n; i++) {
            const tv_slice *s = &row->s[i];
            if (r->cat_state && s->cat == r->cat_state) {
                if (nstates == b->capstates) {
                    size_t c = b->capstates ? b->capstates * 2 : 256;
                    state_ref *v = realloc(b->states, c * sizeof *v);
                    if (!v) {
                        b->oom = 1;
                        return;
                    }
                    b->states = v;
                    b->capstates = c;
                }
                b->states[nstates++] = (state_ref){s, d, i};
                continue;
            }
            /* one moment drawn several times (a barrier's last arrival
             * releasing each waiter) is one step */
            if (i && s->dur == 0 && s[-1].dur == 0 && s[-1].ts == s->ts && s[-1].name == s->name) continue;
            int kind = TV_STEP_SLICE;
            if (r->cat_finding && s->cat == r->cat_finding && starts_with(tv_model_str(m, s->name), "race: "))
                kind = TV_STEP_ACCESS;
            add(b, s->ts, li, li, d, kind, i, 0);
        }
    }
    if (nstates > 1) qsort(b->states, nstates, sizeof *b->states, cmp_state);
    for (size_t k = 0; k < nstates; k++) {
        const tv_slice *s = b->states[k].s, *p = k ? b->states[k - 1].s : NULL;
        if (p && p->name == s->name && p->ts + p->dur == s->ts) continue;
        add(b, s->ts, li, li, b->states[k].row, TV_STEP_STATE, b->states[k].index, 0);
    }
    for (size_t i = 0; i < l->nmarks; i++)
        if (!l->marks[i].finding) add(b, l->marks[i].ts, li, li, 0, TV_STEP_MARK, i, src_key(l->marks[i].src));
}

static void lock_steps(build *b, uint32_t li) {
    const tv_lane *l = &b->m->lanes[li];
    for (uint32_t d = 0; d < l->nrows; d++) {
        const tv_row *row = &l->rows[d];
        for (size_t i = 0; i < row->n && !b->oom; i++) {
            const tv_slice *s = &row->s[i];
            uint32_t who = holder_by_name(b, l, s);
            if (who == TV_NO_LANE) {
                if (b->npending == b->cappending) {
                    size_t c = b->cappending ? b->cappending * 2 : 256;
                    pending *v = realloc(b->pending, c * sizeof *v);
                    if (!v) {
                        b->oom = 1;
                        return;
                    }
                    b->pending = v;
                    b->cappending = c;
                }
                b->pending[b->npending++] = (pending){s->src, b->n, l->process};
            }
            add(b, s->ts, li, who, d, TV_STEP_HOLD, i, src_key(s->src));
            if (!(s->flags & TV_SLICE_UNFINISHED))
                add(b, s->ts + s->dur, li, who, d, TV_STEP_RELEASE, i,
                    s->src_end == TV_SRC_NONE ? KEY_LAST - 1 : src_key(s->src_end));
        }
    }
}

static void counter_steps(build *b, uint32_t li) {
    const tv_lane *l = &b->m->lanes[li];
    for (size_t i = 0; i < l->nsamples; i++)
        if (i == 0 || l->samples[i].value != l->samples[i - 1].value)
            add(b, l->samples[i].ts, li, TV_NO_LANE, 0, TV_STEP_COUNTER, i, KEY_LAST);
}

static void other_steps(build *b) {
    const tv_model *m = b->m;
    for (size_t i = 0; i < m->ngmarks; i++)
        if (!m->gmarks[i].finding)
            add(b, m->gmarks[i].ts, TV_NO_LANE, TV_NO_LANE, 0, TV_STEP_MARK, i, src_key(m->gmarks[i].src));
    for (size_t i = 0; i < m->nfindings; i++) {
        const tv_mark *k = &m->findings_marks[m->findings[i].mark];
        uint32_t lane = k->scope == TV_SCOPE_THREAD && k->lane < m->nlanes ? k->lane : TV_NO_LANE;
        add(b, k->ts, lane, lane, 0, TV_STEP_FINDING, i, src_key(k->src));
    }
}

/* ---- lanes by kind ---- */

static int sort_lanes(tv_replay *r) {
    const tv_model *m = r->m;
    uint32_t n = m->nlanes ? m->nlanes : 1;
    r->threads = malloc(n * sizeof *r->threads);
    r->locks = malloc(n * sizeof *r->locks);
    r->counters = malloc(n * sizeof *r->counters);
    r->lock_pos = malloc(n * sizeof *r->lock_pos);
    if (!r->threads || !r->locks || !r->counters || !r->lock_pos ||
        tv_map_init(&r->lock_by_name, m->nlanes))
        return -1;
    for (uint32_t i = 0; i < m->nlanes; i++) r->lock_pos[i] = TV_NO_LANE;
    for (uint32_t p = 0; p < m->nprocs; p++)
        for (uint32_t k = 0; k < m->procs[p].nlanes; k++) {
            uint32_t li = m->procs[p].lanes[k];
            if (li >= m->nlanes) continue;
            const tv_lane *l = &m->lanes[li];
            if (l->kind == TV_LANE_THREAD) {
                r->threads[r->nthreads++] = li;
            } else if (l->kind == TV_LANE_COUNTER) {
                r->counters[r->ncounters++] = li;
            } else if (l->flags & TV_LANE_LOCK) {
                r->lock_pos[li] = r->nlocks;
                r->locks[r->nlocks++] = li;
                int created;
                uint32_t *v = tv_map_get(&r->lock_by_name, l->process, l->name, &created);
                if (!v) return -1;
                if (created) *v = li;
            }
        }
    return 0;
}

/* ---- index lists ---- */

static int index_steps(tv_replay *r) {
    const tv_model *m = r->m;
    size_t nl = m->nlanes;
    r->lane_at = calloc(nl + 1, sizeof *r->lane_at);
    if (!r->lane_at) return -1;
    size_t total = 0;
    for (size_t i = 0; i < r->nsteps; i++) {
        const tv_step *s = &r->steps[i];
        if (s->lane < nl) r->lane_at[s->lane]++, total++;
        if (s->thread < nl && s->thread != s->lane) r->lane_at[s->thread]++, total++;
        if (s->kind != TV_STEP_COUNTER) r->nplain++;
        if (s->kind == TV_STEP_FINDING) r->nfinds++;
    }
    r->lane_steps = malloc((total ? total : 1) * sizeof *r->lane_steps);
    r->plain = malloc((r->nplain ? r->nplain : 1) * sizeof *r->plain);
    r->finds = malloc((r->nfinds ? r->nfinds : 1) * sizeof *r->finds);
    if (!r->lane_steps || !r->plain || !r->finds) return -1;
    /* counts -> starts; filling moves each start to its lane's end, which
     * is the next lane's start: shift back after */
    size_t at = 0;
    for (size_t l = 0; l <= nl; l++) {
        size_t c = r->lane_at[l];
        r->lane_at[l] = at;
        at += c;
    }
    size_t np = 0, nf = 0;
    for (size_t i = 0; i < r->nsteps; i++) {
        const tv_step *s = &r->steps[i];
        if (s->lane < nl) r->lane_steps[r->lane_at[s->lane]++] = (uint32_t)i;
        if (s->thread < nl && s->thread != s->lane) r->lane_steps[r->lane_at[s->thread]++] = (uint32_t)i;
        if (s->kind != TV_STEP_COUNTER) r->plain[np++] = (uint32_t)i;
        if (s->kind == TV_STEP_FINDING) r->finds[nf++] = (uint32_t)i;
    }
    for (size_t l = nl; l > 0; l--) r->lane_at[l] = r->lane_at[l - 1];
    r->lane_at[0] = 0;
    return 0;
}

static tv_str cat_id(const tv_model *m, const char *s) { return tv_model_find_str(m, s); }

tv_replay *tv_replay_new(const tv_model *m) {
    if (!m) return NULL;
    tv_replay *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->m = m;
    r->cat_state = cat_id(m, "state");
    r->cat_finding = cat_id(m, "finding");
    r->cat_flow = cat_id(m, "flow");
    r->cat_function = cat_id(m, "function");
    r->cat_task = cat_id(m, "task");
    r->cat_phase = cat_id(m, "phase");
    build b = {.m = m};
    int bad = sort_lanes(r) || index_threads(&b);
    for (uint32_t i = 0; i < r->nthreads && !bad; i++) thread_steps(&b, r, r->threads[i]);
    for (uint32_t i = 0; i < r->nlocks && !bad; i++) lock_steps(&b, r->locks[i]);
    for (uint32_t i = 0; i < r->ncounters && !bad; i++) counter_steps(&b, r->counters[i]);
    if (!bad) other_steps(&b);
    if (!bad) resolve_pending(&b);
    free(b.pending);
    free(b.states);
    tv_map_free(&b.names);
    tv_map_free(&b.tids);
    /* the index lists hold 32-bit step numbers */
    bad = bad || b.oom || b.n >= UINT32_MAX;
    if (!bad) {
        if (b.n > 1) qsort(b.v, b.n, sizeof *b.v, cmp_rec);
        r->steps = malloc((b.n ? b.n : 1) * sizeof *r->steps);
        if (r->steps) {
            for (size_t i = 0; i < b.n; i++) r->steps[i] = b.v[i].s;
            r->nsteps = b.n;
        }
    }
    free(b.v);
    if (bad || !r->steps || index_steps(r)) {
        tv_replay_free(r);
        return NULL;
    }
    return r;
}

void tv_replay_free(tv_replay *r) {
    if (!r) return;
    free(r->steps);
    free(r->lane_at);
    free(r->lane_steps);
    free(r->plain);
    free(r->finds);
    free(r->threads);
    free(r->locks);
    free(r->counters);
    free(r->lock_pos);
    tv_map_free(&r->lock_by_name);
    free(r);
}

size_t tv_replay_nsteps(const tv_replay *r) { return r ? r->nsteps : 0; }

const tv_step *tv_replay_step(const tv_replay *r, size_t i) {
    return r && i < r->nsteps ? &r->steps[i] : NULL;
}

size_t tv_replay_bytes(const tv_replay *r) {
    if (!r) return 0;
    size_t nl = r->m->nlanes;
    return sizeof *r + r->nsteps * sizeof *r->steps + (nl + 1) * sizeof *r->lane_at +
           r->lane_at[nl] * sizeof *r->lane_steps + (r->nplain + r->nfinds) * sizeof(uint32_t) +
           nl * 4 * sizeof(uint32_t) + (r->lock_by_name.mask + 1) * (2 * sizeof(uint64_t) + sizeof(uint32_t));
}
