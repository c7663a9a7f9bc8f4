/*
 * tv_findtext.c — findings read from their args: the side panel's text
 * (races with the variable's whole story, deadlock and hang cycles,
 * inversions) and the places each one refers to (tv_fx), which the overlays
 * draw. Findings are few and the loader keeps their events, so every
 * function here simply re-parses them.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_findtext.h"

/* ---- lookups ----------------------------------------------------------- */

char *tv_site_short(const char *site, char *buf, size_t len) {
    if (!len) return buf;
    buf[0] = 0;
    if (!site) return buf;
    /* "path:line (func)": the part before " (" */
    const char *end = strstr(site, " (");
    size_t n = end ? (size_t)(end - site) : strlen(site);
    const char *base = site;
    for (const char *p = site; p < site + n; p++)
        if (*p == '/') base = p + 1;
    n -= (size_t)(base - site);
    if (n >= len) n = len - 1;
    memcpy(buf, base, n);
    buf[n] = 0;
    return buf;
}

static uint32_t lane_pid(const tv_model *m, const tv_lane *l) {
    return l->process < m->nprocs ? m->procs[l->process].pid : 0;
}

uint32_t tv_thread_lane(const tv_model *m, uint32_t pid, int64_t tid) {
    for (uint32_t i = 0; i < m->nlanes; i++) {
        const tv_lane *l = &m->lanes[i];
        if (l->kind == TV_LANE_THREAD && l->tid == tid && lane_pid(m, l) == pid) return i;
    }
    return TV_NO_LANE;
}

const tv_object *tv_find_object(const tv_model *m, uint32_t pid, int64_t id) {
    for (size_t i = 0; i < m->nobjects; i++)
        if (m->objects[i].id == id && m->objects[i].pid == pid) return &m->objects[i];
    return NULL;
}

uint32_t tv_lock_lane(const tv_model *m, uint32_t pid, const char *name) {
    tv_str s = tv_model_find_str(m, name);
    if (!s) return TV_NO_LANE;
    for (uint32_t i = 0; i < m->nlanes; i++) {
        const tv_lane *l = &m->lanes[i];
        if ((l->flags & TV_LANE_LOCK) && l->name == s && lane_pid(m, l) == pid) return i;
    }
    return TV_NO_LANE;
}

/* ---- args -------------------------------------------------------------- */

static const cJSON *item(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

static const char *str(const cJSON *o, const char *k) {
    const cJSON *j = item(o, k);
    return cJSON_IsString(j) && j->valuestring ? j->valuestring : NULL;
}

static int num(const cJSON *o, const char *k, double *out) {
    const cJSON *j = item(o, k);
    if (!cJSON_IsNumber(j) || !isfinite(j->valuedouble)) return 0;
    *out = j->valuedouble;
    return 1;
}

static int64_t inum(const cJSON *o, const char *k, int64_t dflt) {
    double v;
    return num(o, k, &v) && fabs(v) < 9e15 ? (int64_t)v : dflt;
}

/* A trace time (us) as model ns; dflt when absent. */
static int64_t ts_ns(const cJSON *o, const char *k, int64_t dflt) {
    double v;
    return num(o, k, &v) && fabs(v) < 9e12 ? llround(v * 1000) : dflt;
}

/* The finding's own copy of an object's name (args.objects), else the
 * trace's threadlens_object, else "#id". */
static const char *obj_name(const tv_model *m, uint32_t pid, const cJSON *args, int64_t id, char *buf,
                            size_t len) {
    const cJSON *o;
    cJSON_ArrayForEach(o, item(args, "objects")) if (inum(o, "id", -1) == id && str(o, "name")) return str(o, "name");
    const tv_object *ob = tv_find_object(m, pid, id);
    if (ob && ob->name) return tv_model_str(m, ob->name);
    snprintf(buf, len, "#%lld", (long long)id);
    return buf;
}

static const char *lane_name(const tv_model *m, uint32_t lane) {
    return lane < m->nlanes ? tv_model_str(m, m->lanes[lane].name) : NULL;
}

/* "philosopher (tid 2)": the entry's own thread name, else its lane's. */
static const char *thread_ref(const tv_model *m, uint32_t pid, const char *name, int64_t tid, char *buf,
                              size_t len) {
    if (!name) name = lane_name(m, tv_thread_lane(m, pid, tid));
    if (tid < 0) snprintf(buf, len, "%s", name ? name : "?");
    else snprintf(buf, len, "%s (tid %lld)", name ? name : "thread", (long long)tid);
    return buf;
}

static const tv_mark *finding_mark(const tv_model *m, size_t i) {
    if (i >= m->nfindings || m->findings[i].mark >= m->nfindings) return NULL;
    return &m->findings_marks[m->findings[i].mark];
}

static cJSON *finding_event(const tv_model *m, size_t i) {
    const tv_mark *mk = finding_mark(m, i);
    return mk ? tv_model_event(m, mk->src) : NULL;
}

static int kind_of(const char *k) {
    if (!k) return TV_FX_OTHER;
    if (!strcmp(k, "data race")) return TV_FX_RACE;
    if (!strcmp(k, "deadlock")) return TV_FX_DEADLOCK;
    if (!strcmp(k, "hang")) return TV_FX_HANG;
    if (!strcmp(k, "lock order inversion")) return TV_FX_INVERSION;
    return TV_FX_OTHER;
}

/* ---- text -------------------------------------------------------------- */

typedef struct out {
    char *buf;
    size_t len, pos;
    int full;
} out;

/* Whole lines only: a panel shows a cut text as complete lines. */
static void line(out *o, const char *fmt, ...) {
    if (o->full) return;
    char l[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l, sizeof l, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= sizeof l) n = sizeof l - 1;
    size_t need = (size_t)n + (o->pos ? 1 : 0);
    if (o->pos + need >= o->len) {
        o->full = 1;
        return;
    }
    if (o->pos) o->buf[o->pos++] = '\n';
    memcpy(o->buf + o->pos, l, (size_t)n);
    o->pos += (size_t)n;
    o->buf[o->pos] = 0;
}

static double rel_ms(const tv_model *m, int64_t ns) { return (double)(ns - m->t0) / 1e6; }

/* One access of the variable's story. */
typedef struct access {
    int64_t ts, tid;
    const char *thread, *op, *at;
    int prior;
} access;

static int access_cmp(const void *a, const void *b) {
    const access *x = a, *y = b;
    if (x->ts != y->ts) return x->ts < y->ts ? -1 : 1;
    return x->tid < y->tid ? -1 : x->tid > y->tid;
}

typedef struct story {
    access *a;
    size_t n, cap;
    cJSON **keep; /* the parsed events the strings point into */
    size_t nkeep, capkeep;
} story;

static void story_add(story *s, const cJSON *acc, int64_t tid, const char *thread, const char *op, int prior) {
    if (!acc) return;
    if (cJSON_IsTrue(item(acc, "time_unknown"))) return; /* no place in a time order */
    int64_t ts = ts_ns(acc, "ts", INT64_MIN);
    if (ts == INT64_MIN || !op) return;
    for (size_t i = 0; i < s->n; i++) /* the same access seen by two findings */
        if (s->a[i].ts == ts && s->a[i].tid == tid && !strcmp(s->a[i].op, op)) return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 8;
        access *a = realloc(s->a, cap * sizeof *a);
        if (!a) return;
        s->a = a, s->cap = cap;
    }
    s->a[s->n++] = (access){ts, tid, thread, op, str(acc, "at"), prior};
}

static void story_access(story *s, const cJSON *acc) {
    if (!cJSON_IsObject(acc)) return;
    int64_t tid = inum(acc, "tid", -1);
    const char *thread = str(acc, "thread");
    const cJSON *pr = item(acc, "prior");
    if (cJSON_IsObject(pr)) story_add(s, pr, tid, thread, str(pr, "op") ? str(pr, "op") : "read", 1);
    story_add(s, acc, tid, thread, str(acc, "op"), 0);
}

/* Every race access to the variable of finding `self` (same process, same
 * address or same name), in time order. */
static void race_story(const tv_model *m, uint32_t pid, const cJSON *args, out *o) {
    const char *addr = str(args, "addr"), *var = str(args, "variable");
    const char *name = var ? var : addr ? addr : "the variable";
    story s = {0};
    for (size_t i = 0; i < m->nfindings; i++) {
        const tv_mark *mk = finding_mark(m, i);
        if (!mk || mk->pid != pid || kind_of(tv_model_str(m, m->findings[i].kind)) != TV_FX_RACE) continue;
        cJSON *ev = finding_event(m, i);
        const cJSON *a = item(ev, "args");
        const char *a2 = str(a, "addr"), *v2 = str(a, "variable");
        int same = (addr && a2 && !strcmp(addr, a2)) || (var && v2 && !strcmp(var, v2));
        if (!same || s.nkeep == 4096) {
            cJSON_Delete(ev);
            continue;
        }
        if (s.nkeep == s.capkeep) {
            size_t cap = s.capkeep ? 2 * s.capkeep : 8;
            cJSON **k = realloc(s.keep, cap * sizeof *k);
            if (!k) {
                cJSON_Delete(ev);
                break;
            }
            s.keep = k, s.capkeep = cap;
        }
        s.keep[s.nkeep++] = ev;
        story_access(&s, item(a, "first"));
        story_access(&s, item(a, "second"));
    }
    if (s.n) {
        qsort(s.a, s.n, sizeof *s.a, access_cmp);
        /* One access reported by two findings may carry two times (the
         * second access's report time, the next race's record of it): the
         * same thread, operation and line with no other access between is
         * one step of the story. */
        size_t w = 0;
        for (size_t i = 0; i < s.n; i++) {
            const access *p = w ? &s.a[w - 1] : NULL, *x = &s.a[i];
            if (p && p->tid == x->tid && !strcmp(p->op, x->op) && p->at && x->at && !strcmp(p->at, x->at)) continue;
            s.a[w++] = *x;
        }
        s.n = w;
        line(o, "");
        line(o, "the story of %s, every racing access in time order:", name);
        for (size_t i = 0; i < s.n; i++) {
            const access *x = &s.a[i];
            char th[256], site[256];
            thread_ref(m, pid, x->thread, x->tid, th, sizeof th);
            tv_site_short(x->at, site, sizeof site);
            line(o, "%zu. %.3f ms  %s %s %s%s%s%s", i + 1, rel_ms(m, x->ts), th,
                 !strcmp(x->op, "write") ? "writes" : !strcmp(x->op, "read") ? "reads" : x->op, name,
                 site[0] ? "  (" : "", site, site[0] ? ")" : "");
        }
    }
    for (size_t i = 0; i < s.nkeep; i++) cJSON_Delete(s.keep[i]);
    free(s.keep);
    free(s.a);
}

static void race_text(const tv_model *m, uint32_t pid, const cJSON *args, out *o) {
    const char *addr = str(args, "addr"), *var = str(args, "variable");
    double size;
    char sz[48] = "";
    if (num(args, "size", &size)) snprintf(sz, sizeof sz, "%g byte%s", size, size == 1 ? "" : "s");
    char what[160] = "";
    if (var && addr) snprintf(what, sizeof what, " (%s%s%s)", sz, sz[0] ? " at " : "at ", addr);
    else if (sz[0]) snprintf(what, sizeof what, " (%s)", sz);
    line(o, "data race on %s%s", var ? var : addr ? addr : "?", what);
    static const char *const acc[] = {"first", "second"};
    for (int k = 0; k < 2; k++) {
        const cJSON *a = item(args, acc[k]);
        if (!cJSON_IsObject(a)) continue;
        char th[256], site[256], when[48];
        thread_ref(m, pid, str(a, "thread"), inum(a, "tid", -1), th, sizeof th);
        int64_t ts = ts_ns(a, "ts", INT64_MIN);
        if (cJSON_IsTrue(item(a, "time_unknown")) || ts == INT64_MIN) snprintf(when, sizeof when, "time unknown");
        else snprintf(when, sizeof when, "%.3f ms", rel_ms(m, ts));
        tv_site_short(str(a, "at"), site, sizeof site);
        line(o, "%s: %s by %s at %s, %s", acc[k], str(a, "op") ? str(a, "op") : "access", th, when,
             site[0] ? site : "?");
        const cJSON *pr = item(a, "prior");
        if (cJSON_IsObject(pr)) {
            tv_site_short(str(pr, "at"), site, sizeof site);
            line(o, "  after its own %s at %.3f ms, %s (a read-modify-write: a lost update)",
                 str(pr, "op") ? str(pr, "op") : "read", rel_ms(m, ts_ns(pr, "ts", m->t0)), site[0] ? site : "?");
        }
    }
    const cJSON *sl = item(args, "sleep");
    double ms;
    if (cJSON_IsObject(sl) && num(sl, "ms", &ms))
        line(o, "only a %.3g ms sleep separated them: a sleep orders nothing", ms);
    race_story(m, pid, args, o);
}

/* The entry of cycle whose thread holds lock id, or NULL. */
static const cJSON *holder_of(const cJSON *cycle, int64_t id) {
    const cJSON *e;
    cJSON_ArrayForEach(e, cycle) if (inum(e, "holds", -2) == id) return e;
    return NULL;
}

static void deadlock_text(const tv_model *m, uint32_t pid, int64_t ts, const cJSON *args, out *o) {
    const cJSON *cyc = item(args, "cycle"), *e;
    line(o, "deadlock: %d threads wait for each other (detected at %.3f ms)", cJSON_GetArraySize(cyc),
         rel_ms(m, ts));
    cJSON_ArrayForEach(e, cyc) {
        char th[256], ow[256], h[64], w[64], hs[256], ws[256];
        thread_ref(m, pid, str(e, "thread"), inum(e, "tid", -1), th, sizeof th);
        tv_site_short(str(e, "held_at"), hs, sizeof hs);
        tv_site_short(str(e, "waiting_at"), ws, sizeof ws);
        const char *held = obj_name(m, pid, args, inum(e, "holds", -1), h, sizeof h);
        if (item(e, "joining")) {
            int64_t jt = inum(e, "joining", -1);
            line(o, "%s holds %s (taken at %s), waits to join %s (%s)", th, held, hs[0] ? hs : "?",
                 thread_ref(m, pid, NULL, jt, ow, sizeof ow), ws[0] ? ws : "?");
            continue;
        }
        int64_t wid = inum(e, "waits_for", -1);
        const cJSON *own = holder_of(cyc, wid);
        if (own) thread_ref(m, pid, str(own, "thread"), inum(own, "tid", -1), ow, sizeof ow);
        line(o, "%s holds %s (taken at %s), waits for %s (%s)%s%s", th, held, hs[0] ? hs : "?",
             obj_name(m, pid, args, wid, w, sizeof w), ws[0] ? ws : "?", own ? " held by " : "", own ? ow : "");
    }
}

static void inversion_text(const tv_model *m, uint32_t pid, const cJSON *args, out *o) {
    const char *msg = str(args, "message");
    line(o, "%s", msg ? msg : "lock order inversion");
    line(o, "each thread took the next lock while holding the previous one:");
    const cJSON *e;
    cJSON_ArrayForEach(e, item(args, "cycle")) {
        char th[256], h[64], a[64], hs[256], as[256];
        thread_ref(m, pid, str(e, "thread"), inum(e, "tid", -1), th, sizeof th);
        tv_site_short(str(e, "holding_at"), hs, sizeof hs);
        tv_site_short(str(e, "acquiring_at"), as, sizeof as);
        line(o, "%.3f ms  %s holding %s (taken at %s) takes %s (%s)", rel_ms(m, ts_ns(e, "ts", m->t0)), th,
             obj_name(m, pid, args, inum(e, "holding", -1), h, sizeof h), hs[0] ? hs : "?",
             obj_name(m, pid, args, inum(e, "acquiring", -1), a, sizeof a), as[0] ? as : "?");
    }
    line(o, "in another interleaving these threads wait for each other forever");
}

static void hang_text(const tv_model *m, uint32_t pid, const cJSON *args, out *o) {
    const char *msg = str(args, "message");
    line(o, "%s", msg ? msg : "hang");
    const cJSON *e;
    cJSON_ArrayForEach(e, item(args, "threads")) {
        char th[256], site[256];
        thread_ref(m, pid, NULL, inum(e, "tid", -1), th, sizeof th);
        tv_site_short(str(e, "at"), site, sizeof site);
        int64_t since = ts_ns(e, "since_ts", INT64_MIN);
        char when[48] = "";
        if (since != INT64_MIN) snprintf(when, sizeof when, " since %.3f ms", rel_ms(m, since));
        line(o, "%s: %s%s%s%s%s", th, str(e, "state") ? str(e, "state") : "blocked", when, site[0] ? " (" : "",
             site, site[0] ? ")" : "");
    }
    const cJSON *lw = item(args, "lost_wakeup");
    if (cJSON_IsObject(lw)) {
        char th[256], c[64], site[256];
        thread_ref(m, pid, NULL, inum(lw, "signal_tid", -1), th, sizeof th);
        tv_site_short(str(lw, "at"), site, sizeof site);
        line(o, "lost wakeup: %s signalled %s at %.3f ms (%s) while no thread waited", th,
             obj_name(m, pid, args, inum(lw, "cond", -1), c, sizeof c), rel_ms(m, ts_ns(lw, "signal_ts", m->t0)),
             site[0] ? site : "?");
    }
}

size_t tv_finding_text(const tv_model *m, size_t i, char *buf, size_t len) {
    if (!buf || !len) return 0;
    buf[0] = 0;
    out o = {buf, len, 0, 0};
    const tv_mark *mk = m ? finding_mark(m, i) : NULL;
    if (!mk) return 0;
    const char *kind = tv_model_str(m, m->findings[i].kind);
    cJSON *ev = tv_model_event(m, mk->src);
    const cJSON *args = item(ev, "args");
    if (!cJSON_IsObject(args)) {
        line(&o, "%s at %.3f ms", kind[0] ? kind : "finding", rel_ms(m, mk->ts));
        cJSON_Delete(ev);
        return o.pos;
    }
    switch (kind_of(kind)) {
    case TV_FX_RACE: race_text(m, mk->pid, args, &o); break;
    case TV_FX_DEADLOCK: deadlock_text(m, mk->pid, mk->ts, args, &o); break;
    case TV_FX_INVERSION: inversion_text(m, mk->pid, args, &o); break;
    case TV_FX_HANG: hang_text(m, mk->pid, args, &o); break;
    default: {
        const char *msg = str(args, "message");
        char site[256];
        line(&o, "%s", msg ? msg : kind);
        tv_site_short(str(args, "at"), site, sizeof site);
        if (site[0]) line(&o, "at %s, %.3f ms", site, rel_ms(m, mk->ts));
        if (str(args, "detail")) line(&o, "%s", str(args, "detail"));
    }
    }
    double count;
    if (num(args, "count", &count) && count > 1) line(&o, "seen %g times", count);
    cJSON_Delete(ev);
    return o.pos;
}

/* ---- places ------------------------------------------------------------ */

/* The storage of a tv_fx_set: one block per allocation, freed together. */
typedef struct blk {
    struct blk *next;
    max_align_t data[];
} blk;

static void *fx_alloc(tv_fx_set *s, size_t n) {
    blk *b = calloc(1, sizeof *b + (n ? n : 1));
    if (!b) return NULL;
    b->next = s->mem;
    s->mem = b;
    return b->data;
}

static const char *fx_str(tv_fx_set *s, const char *t) {
    if (!t) return "";
    size_t n = strlen(t);
    char *c = fx_alloc(s, n + 1);
    if (!c) return "";
    memcpy(c, t, n + 1);
    return c;
}

/* The row of the marker slice (cat "finding") at ts on lane, else 0. */
static uint32_t marker_row(const tv_model *m, uint32_t lane, int64_t ts, tv_str cat) {
    if (lane >= m->nlanes || !cat) return 0;
    const tv_lane *l = &m->lanes[lane];
    for (uint32_t r = 0; r < l->nrows; r++) {
        const tv_row *row = &l->rows[r];
        for (size_t k = tv_row_first_starting_at(row, ts); k < row->n && row->s[k].ts == ts; k++)
            if (row->s[k].cat == cat) return r;
    }
    return 0;
}

/* The row of lane's state slice (cat "state") at ts, the deepest when
 * several; else 0. A blocked thread's wait is drawn on it. */
static uint32_t state_row(const tv_model *m, uint32_t lane, int64_t ts) {
    tv_str cat = tv_model_find_str(m, "state");
    if (lane >= m->nlanes || !cat) return 0;
    const tv_lane *l = &m->lanes[lane];
    uint32_t found = 0;
    for (uint32_t r = 0; r < l->nrows; r++) {
        const tv_row *row = &l->rows[r];
        /* a wait ends at the detection or later (a trace cut there) */
        size_t k = tv_row_first_ending_after(row, ts - 1);
        if (k < row->n && row->s[k].ts <= ts && row->s[k].cat == cat) found = r;
    }
    return found;
}

/* The thread lane holding lock lane `lock` at ts (from the hold's holder
 * name), TV_NO_LANE when free or when several threads share that name. */
static uint32_t owner_at(const tv_model *m, uint32_t pid, uint32_t lock, int64_t ts) {
    if (lock >= m->nlanes) return TV_NO_LANE;
    const tv_lane *l = &m->lanes[lock];
    for (uint32_t r = 0; r < l->nrows; r++) {
        const tv_row *row = &l->rows[r];
        size_t k = tv_row_first_ending_after(row, ts);
        if (k >= row->n || row->s[k].ts > ts || !row->s[k].label) continue;
        uint32_t found = TV_NO_LANE;
        for (uint32_t i = 0; i < m->nlanes; i++) {
            const tv_lane *t = &m->lanes[i];
            if (t->kind != TV_LANE_THREAD || t->name != row->s[k].label || lane_pid(m, t) != pid) continue;
            if (found != TV_NO_LANE) return TV_NO_LANE;
            found = i;
        }
        return found;
    }
    return TV_NO_LANE;
}

typedef struct fxb {
    tv_fx_point pts[64];
    tv_fx_link links[64];
    uint32_t npts, nlinks;
} fxb;

static uint32_t add_pt(fxb *b, tv_fx_point p) {
    for (uint32_t i = 0; i < b->npts; i++) /* one point per thread and time */
        if (b->pts[i].lane == p.lane && b->pts[i].ts == p.ts && b->pts[i].tag == p.tag) {
            if (p.waits && !b->pts[i].waits) b->pts[i] = p; /* an arrow's target is itself blocked */
            return i;
        }
    if (b->npts == 64) return UINT32_MAX;
    b->pts[b->npts] = p;
    return b->npts++;
}

static void add_link(fxb *b, uint32_t from, uint32_t to, const char *label) {
    if (from == UINT32_MAX || to == UINT32_MAX || b->nlinks == 64) return;
    b->links[b->nlinks++] = (tv_fx_link){from, to, label};
}

static uint32_t race_pt(const tv_model *m, uint32_t pid, fxb *b, const cJSON *a, const char *var, tv_str cat,
                        tv_fx_set *s) {
    if (!cJSON_IsObject(a)) return UINT32_MAX;
    uint32_t lane = tv_thread_lane(m, pid, inum(a, "tid", -1));
    int64_t ts = ts_ns(a, "ts", INT64_MIN);
    if (ts == INT64_MIN) return UINT32_MAX;
    const char *op = str(a, "op");
    const cJSON *pr = item(a, "prior");
    if (cJSON_IsObject(pr) && ts_ns(pr, "ts", INT64_MIN) != INT64_MIN) {
        int64_t pts = ts_ns(pr, "ts", 0);
        add_pt(b, (tv_fx_point){lane, marker_row(m, lane, pts, cat), pts, pts, 'R', 1, 0, fx_str(s, var)});
    }
    char tag = op && !strcmp(op, "write") ? 'W' : 'R';
    return add_pt(b, (tv_fx_point){lane, marker_row(m, lane, ts, cat), ts, ts, tag, 0, 0, fx_str(s, var)});
}

static void fx_race(const tv_model *m, uint32_t pid, const cJSON *args, fxb *b, tv_fx_set *s) {
    const char *var = str(args, "variable") ? str(args, "variable") : str(args, "addr") ? str(args, "addr") : "?";
    tv_str cat = tv_model_find_str(m, "finding");
    uint32_t a = race_pt(m, pid, b, item(args, "first"), var, cat, s);
    uint32_t c = race_pt(m, pid, b, item(args, "second"), var, cat, s);
    add_link(b, a, c, fx_str(s, var));
}

static void fx_deadlock(const tv_model *m, uint32_t pid, int64_t ts, const cJSON *args, fxb *b, tv_fx_set *s) {
    const cJSON *cyc = item(args, "cycle"), *e;
    char nb[64];
    uint32_t idx[64];
    int n = 0;
    /* every thread of the cycle first, so that links can name their owner */
    cJSON_ArrayForEach(e, cyc) {
        if (n == 64) break;
        uint32_t lane = tv_thread_lane(m, pid, inum(e, "tid", -1));
        int64_t since = ts_ns(e, "since_ts", ts);
        char w[256];
        if (item(e, "joining")) snprintf(w, sizeof w, "joining");
        else snprintf(w, sizeof w, "waits for %s", obj_name(m, pid, args, inum(e, "waits_for", -1), nb, sizeof nb));
        idx[n++] = add_pt(b, (tv_fx_point){lane, state_row(m, lane, ts), ts, since < ts ? since : ts, 0, 0, 1,
                                           fx_str(s, w)});
    }
    int k = 0;
    cJSON_ArrayForEach(e, cyc) {
        if (k == n) break;
        uint32_t from = idx[k++], to = UINT32_MAX;
        if (item(e, "joining")) {
            uint32_t jl = tv_thread_lane(m, pid, inum(e, "joining", -1));
            for (uint32_t i = 0; i < b->npts; i++)
                if (b->pts[i].lane == jl && jl != TV_NO_LANE) to = i;
            add_link(b, from, to, "join");
            continue;
        }
        int64_t wid = inum(e, "waits_for", -1);
        const cJSON *own = holder_of(cyc, wid), *x;
        int j = 0;
        cJSON_ArrayForEach(x, cyc) {
            if (x == own && j < n) to = idx[j];
            j++;
        }
        add_link(b, from, to, fx_str(s, obj_name(m, pid, args, wid, nb, sizeof nb)));
    }
}

static void fx_hang(const tv_model *m, uint32_t pid, int64_t ts, const cJSON *args, fxb *b, tv_fx_set *s) {
    const cJSON *e;
    char nb[64];
    cJSON_ArrayForEach(e, item(args, "threads")) {
        uint32_t lane = tv_thread_lane(m, pid, inum(e, "tid", -1));
        int64_t since = ts_ns(e, "since_ts", ts);
        const char *state = str(e, "state");
        uint32_t p = add_pt(b, (tv_fx_point){lane, state_row(m, lane, ts), ts, since < ts ? since : ts, 0, 0, 1,
                                             fx_str(s, state ? state : "blocked")});
        int64_t on = inum(e, "waiting_on", -1);
        const char *onk = str(e, "waiting_on_kind");
        uint32_t target = TV_NO_LANE;
        const char *label = "";
        if (onk && !strcmp(onk, "thread")) {
            target = tv_thread_lane(m, pid, on);
            label = "join";
        } else if (on >= 0) {
            label = obj_name(m, pid, args, on, nb, sizeof nb);
            target = owner_at(m, pid, tv_lock_lane(m, pid, label), ts);
        }
        if (target != TV_NO_LANE && target != lane)
            add_link(b, p, add_pt(b, (tv_fx_point){target, state_row(m, target, ts), ts, ts, 0, 0, 0, ""}),
                     fx_str(s, label));
    }
    const cJSON *lw = item(args, "lost_wakeup");
    if (cJSON_IsObject(lw)) {
        uint32_t lane = tv_thread_lane(m, pid, inum(lw, "signal_tid", -1));
        int64_t st = ts_ns(lw, "signal_ts", INT64_MIN);
        char t[128];
        snprintf(t, sizeof t, "signal %s: no waiter", obj_name(m, pid, args, inum(lw, "cond", -1), nb, sizeof nb));
        if (st != INT64_MIN) add_pt(b, (tv_fx_point){lane, 0, st, st, 'S', 0, 0, fx_str(s, t)});
    }
}

static void fx_inversion(const tv_model *m, uint32_t pid, const cJSON *args, fxb *b, tv_fx_set *s) {
    const cJSON *e;
    char h[64], a[64], t[160];
    cJSON_ArrayForEach(e, item(args, "cycle")) {
        uint32_t lane = tv_thread_lane(m, pid, inum(e, "tid", -1));
        int64_t ts = ts_ns(e, "ts", INT64_MIN);
        if (ts == INT64_MIN) continue;
        snprintf(t, sizeof t, "%s -> %s", obj_name(m, pid, args, inum(e, "holding", -1), h, sizeof h),
                 obj_name(m, pid, args, inum(e, "acquiring", -1), a, sizeof a));
        add_pt(b, (tv_fx_point){lane, state_row(m, lane, ts), ts, ts, 0, 0, 0, fx_str(s, t)});
    }
}

static int fx_one(const tv_model *m, size_t i, tv_fx *f, tv_fx_set *s, int64_t *ids) {
    const tv_mark *mk = finding_mark(m, i);
    f->kind = (uint8_t)kind_of(tv_model_str(m, m->findings[i].kind));
    f->dup_of = UINT32_MAX;
    f->ts = f->lo = f->hi = mk ? mk->ts : 0;
    ids[i] = -1;
    if (!mk) return 0;
    cJSON *ev = tv_model_event(m, mk->src);
    const cJSON *args = item(ev, "args");
    ids[i] = inum(args, "id", -1);
    for (size_t j = 0; j < i && ids[i] >= 0; j++)
        if (ids[j] == ids[i] && finding_mark(m, j) && finding_mark(m, j)->pid == mk->pid) {
            f->dup_of = (uint32_t)j;
            break;
        }
    fxb *b = calloc(1, sizeof *b);
    if (!b) {
        cJSON_Delete(ev);
        return -1;
    }
    if (cJSON_IsObject(args) && f->dup_of == UINT32_MAX) switch (f->kind) {
        case TV_FX_RACE: fx_race(m, mk->pid, args, b, s); break;
        case TV_FX_DEADLOCK: fx_deadlock(m, mk->pid, mk->ts, args, b, s); break;
        case TV_FX_HANG: fx_hang(m, mk->pid, mk->ts, args, b, s); break;
        case TV_FX_INVERSION: fx_inversion(m, mk->pid, args, b, s); break;
        default: break;
        }
    cJSON_Delete(ev);
    int rc = 0;
    f->pts = fx_alloc(s, b->npts * sizeof *f->pts);
    f->links = fx_alloc(s, b->nlinks * sizeof *f->links);
    if (!f->pts || !f->links) rc = -1;
    else {
        memcpy(f->pts, b->pts, b->npts * sizeof *f->pts);
        memcpy(f->links, b->links, b->nlinks * sizeof *f->links);
        f->npts = b->npts, f->nlinks = b->nlinks;
        for (uint32_t k = 0; k < b->npts; k++) {
            if (b->pts[k].since < f->lo) f->lo = b->pts[k].since;
            if (b->pts[k].ts > f->hi) f->hi = b->pts[k].ts;
        }
    }
    free(b);
    return rc;
}

tv_fx_set *tv_fx_build(const tv_model *m) {
    tv_fx_set *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    size_t n = m ? m->nfindings : 0;
    int64_t *ids = malloc((n ? n : 1) * sizeof *ids);
    s->f = fx_alloc(s, n * sizeof *s->f);
    if (!ids || !s->f) goto fail;
    s->n = n;
    for (size_t i = 0; i < n; i++)
        if (fx_one(m, i, &s->f[i], s, ids)) goto fail;
    free(ids);
    return s;
fail:
    free(ids);
    tv_fx_free(s);
    return NULL;
}

void tv_fx_free(tv_fx_set *s) {
    if (!s) return;
    for (blk *b = s->mem, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(s);
}
