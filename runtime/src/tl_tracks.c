/*
 * tl_tracks.c — recorded events → trace events (contract in tl_tracks.h).
 *
 * Track layout (docs/trace-format.md has the full vocabulary):
 * - Thread track (pid, tid): complete X slices only, written when they end.
 *   (B/E would be simpler to stream, but the DevTools trace engine matches
 *   B/E with one stack for all threads and rejects interleaved threads.)
 *   The innermost slice is always the thread's state (running, waiting for
 *   L, ...); program phases and (code built with `threadlens cc`) the
 *   functions it is in are its parents, one stack of levels: a boundary of
 *   a level cuts the levels inside it and the state slice, so they always
 *   nest, whatever order phases and calls end in. Slices open longer than a flush
 *   interval are cut at each flush (tl__tracks_cut) and continue in a new
 *   piece, so a killed process's file still shows what every thread was
 *   doing up to the last flush.
 * - Lock holds: async b/e, one id per hold, named after the lock, so the
 *   holds of one lock share a track group and overlapping read holds get
 *   rows of their own. Hand-over-hand locking spans two tracks and never
 *   overlaps on one.
 * - Flows (v2): made by the consumer. When a wait ends because of another
 *   thread (unlock, signal, post, last barrier arrival, exit, create), a
 *   zero-length slice is written on the producer's track at the producer's
 *   time with flow_out, and the consumer's new "running" slice gets
 *   flow_in. Every flow therefore has both ends.
 * - Counters: lock waiters, semaphore values, the program's own counters.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl_racereport.h"
#include "tl_spool.h"
#include "tl_symbolize.h"
#include "tl_tracks_int.h"

#define MAX_PHASES 128 /* deeper phases are counted, not drawn (Perfetto stops at 512) */
#define MAX_LEVELS 256 /* phases and functions; deeper calls are counted, not drawn */
#define SEM_TOKENS 64

/* Why a piece continues a slice: a cut or an inner level ending, or a
 * level opening around it. */
enum { CONT_NO, CONT_CUT, CONT_LEVEL };

/* An open slice on a thread track: written as X when it ends or is cut. */
typedef struct open_slice {
    uint64_t start;     /* ns */
    uint64_t site;      /* of the event that opened it (0: none) */
    uint64_t flow_in;   /* bind id for the first piece, 0: none */
    uint8_t flags;      /* the opening event's TL_EVF_* */
    uint8_t cont;       /* a piece after a cut (CONT_*) */
} open_slice;

/* A level above the state slice: a program phase, a function call, a pool
 * task or a timer's function. */
typedef struct phase {
    const char *jname;  /* escaped name, in the text cache */
    uint8_t kind;       /* TL_LV_* */
    char *xargs;        /* more args members for every piece (owned), or NULL */
    open_slice s;
} phase;

typedef struct wthread {
    uint8_t seen, state, state_open;
    uint32_t wait_obj;
    int gave_up;               /* the open wait ends in this error (wait_failed) */
    uint64_t last_ns, end_ns;
    char sname[ESC_NAME + 32]; /* escaped name of the open state slice */
    open_slice st;             /* the open state slice */
    char jname[ESC_NAME];      /* escaped thread name */
    phase *phases;             /* levels, outermost first; grown on use */
    int depth, cap_levels;
    int nphases;               /* levels that are phases */
    int skipped, fskipped;     /* phases / calls past the limits, not drawn */
    uint32_t created_by;       /* pending create flow */
    uint64_t create_ns;
    uint32_t woken_tid;        /* cond: who signalled this waiter */
    uint64_t woken_ns;
    uint8_t woken_kind;        /* 0 none, 1 signal, 2 broadcast */
    uint64_t bar_gen;
} wthread;

typedef struct reader { uint32_t tid, depth; uint64_t hold; } reader;
typedef struct token { uint32_t tid; uint64_t ns; } token;

typedef struct wobj {
    uint8_t known, kind, subkind;
    const char *jname; /* escaped name, in the text cache */
    /* locks: the exclusive holder, or readers */
    uint32_t owner, depth, waiters;
    uint64_t hold;
    reader *readers;
    uint32_t nreaders, capreaders;
    token last_release;
    /* semaphores: tokens in FIFO order; anon ones have no known poster */
    uint64_t anon;
    token *tokens;
    uint32_t tok_head, tok_count;
    /* conditions: waiting threads in arrival order */
    uint32_t *cwait;
    uint32_t ncwait, capcwait;
    /* barriers */
    uint64_t count, arrivals, gen, done_gen;
    token last_arrival;
} wobj;

static tl_out *O;
static char pidstr[24];
static size_t pidlen;
static wthread *threads;
static uint32_t nthreads;
static wobj *objs;
static uint32_t nobjs;
static uint64_t hold_seq, flow_seq, last_sync_ns, max_ns, dropped_all;
/* Steps processed but not yet written (tl__tracks_catch_up), and whether
 * they are being written now: output from there is in order already. */
static tl_spool spool;
static int formatting;
enum { SP_EVENT, SP_GONE, SP_DROPPED, SP_TEXT };
/* O is the file, or held while a finding writes behind queued steps. */
static tl_out *file_out, held;

/* ---- cached text ------------------------------------------------------------ */

/* Escaped text by pointer: names the program passes (string literals, kept
 * by pointer), call sites ("file:line", or a symbolized return address) and
 * the names the writer gives objects (keyed by their registry record) are
 * made and escaped once, not on every event. Open addressing; never shrinks. */
enum { TXT_NAME, TXT_SITE, TXT_PC, TXT_OBJ, TXT_FUNC, TXT_ENTRY };

/* A name for an object registered by the preload, which knows only its
 * address and maybe where it was initialized: the variable holding it
 * ("counter_lock"), else "<kind>@file.c:12 #<id>" of the init call, else by
 * index. */
static void obj_auto_name(const tl_obj *r, char *out, size_t cap) {
    const char *kind = tl__obj_kind_name(r->kind);
    if (tl__sym_data(r->addr, out, cap)) return;
    char site[512];
    if (r->site && tl__sym_pc(r->site, site, sizeof site) && strncmp(site, "0x", 2) != 0) {
        char *paren = strstr(site, " (");
        if (paren) *paren = 0;
        const char *base = strrchr(site, '/');
        /* One init call often makes many objects (a loop, a helper): the
         * index keeps their names, and so their lock tracks, apart. */
        snprintf(out, cap, "%s@%.40s #%u", kind, base ? base + 1 : site, r->id);
        return;
    }
    snprintf(out, cap, "%s #%u", kind, r->id);
}
/* The function in a symbolized return address (tl__sym_pc's formats), in
 * place: "worker" from "/abs/prog.c:12 (worker)" or "worker+0x1a (prog)";
 * a module offset or a raw address stays whole. */
static const char *func_of_label(char *label) {
    size_t n = strlen(label);
    char *open = strrchr(label, '(');
    if (!open || open == label || open[-1] != ' ' || !n || label[n - 1] != ')') return label;
    char *plus = strstr(label, "+0x");
    if (plus && plus < open) { /* "sym+0x1a (module)" */
        *plus = 0;
        return label;
    }
    label[n - 1] = 0; /* "file:line (func)" */
    return open + 1;
}

typedef struct text { uint64_t key; uint32_t kind, len; char *s; } text;
static text *texts;
static size_t ntexts, captexts;

static void text_make(text *t, uint64_t key, uint32_t kind) {
    char buf[ESC_NAME + 32];
    if (kind == TXT_NAME) {
        tl__json_escape(buf, sizeof buf, (const char *)(uintptr_t)key);
    } else if (kind == TXT_PC) {
        char raw[512];
        tl__sym_pc(key, raw, sizeof raw);
        tl__json_escape(buf, sizeof buf, raw);
    } else if (kind == TXT_FUNC) {
        char raw[512];
        tl__sym_pc(key, raw, sizeof raw);
        tl__json_escape(buf, sizeof buf, func_of_label(raw));
    } else if (kind == TXT_ENTRY) { /* a function's entry address */
        char raw[TL_NAME_MAX];
        if (!tl__sym_func(key, raw, sizeof raw)) snprintf(raw, sizeof raw, "%#llx", (unsigned long long)key);
        tl__json_escape(buf, sizeof buf, raw);
    } else if (kind == TXT_OBJ) {
        char raw[TL_NAME_MAX];
        obj_auto_name((const tl_obj *)(uintptr_t)key, raw, sizeof raw);
        tl__json_escape(buf, sizeof buf, raw);
    } else {
        const tl_site *site = (const tl_site *)(uintptr_t)key;
        tl__json_escape(buf, ESC_NAME, site->file);
        size_t n = strlen(buf);
        buf[n++] = ':';
        n += tl__fmt_u64(buf + n, site->line > 0 ? (uint64_t)site->line : 0);
        buf[n] = 0;
    }
    t->key = key, t->kind = kind, t->len = (uint32_t)strlen(buf);
    if (!(t->s = malloc(t->len + 1))) tl__die("out of memory in the trace writer");
    memcpy(t->s, buf, t->len + 1);
}

static const text *text_of(uint64_t key, uint32_t kind) {
    if (2 * (ntexts + 1) > captexts) {
        size_t cap = captexts ? 2 * captexts : 1024;
        text *old = texts, *nt = calloc(cap, sizeof *nt);
        if (!nt) tl__die("out of memory in the trace writer");
        for (size_t i = 0; i < captexts; i++) {
            if (!old[i].s) continue;
            size_t j = ((old[i].key ^ old[i].kind) * 0x9E3779B97F4A7C15ull >> 20) & (cap - 1);
            while (nt[j].s) j = (j + 1) & (cap - 1);
            nt[j] = old[i];
        }
        free(old);
        texts = nt, captexts = cap;
    }
    size_t j = ((key ^ kind) * 0x9E3779B97F4A7C15ull >> 20) & (captexts - 1);
    for (; texts[j].s; j = (j + 1) & (captexts - 1))
        if (texts[j].key == key && texts[j].kind == kind) return &texts[j];
    text_make(&texts[j], key, kind);
    ntexts++;
    return &texts[j];
}

static const text *name_text(const char *name) { return text_of((uintptr_t)name, TXT_NAME); }
static const text *site_text(uint64_t site, unsigned flags) {
    return text_of(site, (flags & TL_EVF_PC) ? TXT_PC : TXT_SITE);
}

/* ---- model tables ---------------------------------------------------------- */

void *tl__tk_grow(void *arr, uint32_t *n, uint32_t want, size_t elem) {
    uint32_t cap = *n ? *n : 16;
    while (cap <= want) cap *= 2;
    char *p = realloc(arr, (size_t)cap * elem);
    if (!p) tl__die("out of memory in the trace writer");
    memset(p + (size_t)*n * elem, 0, (size_t)(cap - *n) * elem);
    *n = cap;
    return p;
}

void tl__tracks_reserve(uint32_t max_tid, uint32_t max_obj) {
    if (max_tid >= nthreads) threads = tl__tk_grow(threads, &nthreads, max_tid, sizeof *threads);
    if (max_obj >= nobjs) objs = tl__tk_grow(objs, &nobjs, max_obj, sizeof *objs);
}

/* The arrays only grow here when an event names an id the registry had not
 * given out at the start of the cycle (tl__tracks_reserve); pointers into
 * them must not be kept across a call that may name a new id. */
static wthread *thr(uint32_t tid) {
    if (tid >= nthreads) threads = tl__tk_grow(threads, &nthreads, tid, sizeof *threads);
    return &threads[tid];
}

static wobj *obj(uint32_t id) {
    if (id >= nobjs) objs = tl__tk_grow(objs, &nobjs, id, sizeof *objs);
    wobj *o = &objs[id];
    if (!o->known) {
        const tl_obj *r = tl__obj_get(id);
        o->known = 1;
        o->kind = r ? r->kind : TL_OBJ__COUNT;
        o->subkind = r ? r->subkind : 0;
        o->count = r ? r->init_value : 0;
        if (r && !r->name[0]) o->jname = text_of((uintptr_t)r, TXT_OBJ)->s;
        else o->jname = name_text(r ? r->name : "unknown object")->s;
    }
    return o;
}

/* ---- line pieces ----------------------------------------------------------- */

/* {"ph":"X","pid":P,"tid":T,"ts":TS — the caller continues, then line_end. */
static void line_begin(char ph, uint32_t tid, uint64_t ns) {
    tl__out_begin(O);
    char head[8] = {'{', '"', 'p', 'h', '"', ':', '"', ph};
    tl__out_raw(O, head, 8);
    tl__out_lit(O, "\",\"pid\":");
    tl__out_raw(O, pidstr, pidlen);
    tl__out_lit(O, ",\"tid\":");
    tl__out_u64(O, tid);
    tl__out_lit(O, ",\"ts\":");
    tl__out_ts(O, ns);
    if (ns > max_ns) max_ns = ns;
}

static void line_end(void) { tl__out_lit(O, "},\n"); }

static void put_cat_name(const char *cat, const char *jname) {
    tl__out_lit(O, ",\"cat\":\"");
    tl__out_str(O, cat);
    tl__out_lit(O, "\",\"name\":\"");
    tl__out_str(O, jname);
    tl__out_lit(O, "\"");
}

/* "file:line" of a recorded site, or the raw return address. */
static void put_site_value(uint64_t site, unsigned flags) {
    const text *t = site_text(site, flags);
    tl__out_lit(O, "\"");
    tl__out_raw(O, t->s, t->len);
    tl__out_lit(O, "\"");
}

/* ,"args":{"<key>":"file:line"} when the event has a site. */
static void put_site_args(const char *key, const tl_rec *e) {
    if (!e || !e->site) return;
    tl__out_lit(O, ",\"args\":{\"");
    tl__out_str(O, key);
    tl__out_lit(O, "\":");
    put_site_value(e->site, e->flags);
    tl__out_lit(O, "}");
}

static void put_flow(uint64_t id, int out) {
    if (!id) return;
    tl__out_lit(O, ",\"bind_id\":");
    tl__out_u64(O, id);
    if (out) tl__out_lit(O, ",\"flow_out\":true");
    else tl__out_lit(O, ",\"flow_in\":true");
}

/* dst = a + b (dst holds ESC_NAME + 32 bytes; b is an escaped name). */
static void join2(char *dst, const char *a, const char *b) {
    size_t n = strlen(a), m = strlen(b);
    memcpy(dst, a, n);
    memcpy(dst + n, b, m + 1);
}

/* ---- threads: metadata, state slices, phases ------------------------------- */

/* {"ph":"M","pid":P,"tid":T,"name":"<name>","args":{ — the caller writes
 * the args and closes with "}},\n". */
static void meta_begin(uint32_t tid, const char *name) {
    tl__out_begin(O);
    tl__out_lit(O, "{\"ph\":\"M\",\"pid\":");
    tl__out_raw(O, pidstr, pidlen);
    tl__out_lit(O, ",\"tid\":");
    tl__out_u64(O, tid);
    tl__out_lit(O, ",\"name\":\"");
    tl__out_str(O, name);
    tl__out_lit(O, "\",\"args\":{");
}

/* A preload thread the program did not name is named after its start
 * routine ("worker"). */
void tl__tracks_thread_label(uint32_t tid, char *out, size_t cap) {
    char raw[TL_NAME_MAX];
    tl__thread_name(tid, raw);
    if (!raw[0]) {
        tl_thread_rec *rec = tl__thread_get(tid);
        if (!rec || !rec->start_fn ||
            !tl__sym_func((uint64_t)(uintptr_t)rec->start_fn, raw, sizeof raw))
            snprintf(raw, sizeof raw, "thread %u", tid);
    }
    snprintf(out, cap, "%s", raw);
}

static void emit_thread_name(uint32_t tid) {
    wthread *t = thr(tid);
    char raw[TL_NAME_MAX];
    tl__tracks_thread_label(tid, raw, sizeof raw);
    tl__json_escape(t->jname, sizeof t->jname, raw);
    meta_begin(tid, "thread_name");
    tl__out_lit(O, "\"name\":\"");
    tl__out_str(O, t->jname);
    tl__out_lit(O, "\"}},\n");
}

static void see(uint32_t tid) {
    if (tid == 0) return; /* an untraced thread (joined, detached): no track */
    wthread *t = thr(tid);
    if (t->seen) return;
    t->seen = 1;
    emit_thread_name(tid);
    meta_begin(tid, "thread_sort_index");
    tl__out_lit(O, "\"sort_index\":");
    tl__out_u64(O, tid);
    tl__out_lit(O, "}},\n");
}

/* xargs: more members ("\"task\":3"), or NULL. */
static void put_x_args(const open_slice *o, const char *xargs) {
    const char *sep = ",\"args\":{";
    if (o->cont) {
        tl__out_str(O, sep);
        tl__out_lit(O, "\"continued\":true");
        sep = ",";
    } else if (o->site) {
        tl__out_str(O, sep);
        tl__out_lit(O, "\"at\":");
        put_site_value(o->site, o->flags);
        sep = ",";
    }
    if (xargs && *xargs) {
        tl__out_str(O, sep);
        tl__out_str(O, xargs);
        sep = ",";
    }
    if (sep[0] == ',' && sep[1] == 0) tl__out_lit(O, "}");
}

/* One complete slice [o->start, end) on tid's track. */
static void slice_xa(uint32_t tid, uint64_t end, const char *cat, const char *jname,
                     const open_slice *o, const char *xargs) {
    line_begin('X', tid, o->start);
    tl__out_lit(O, ",\"dur\":");
    tl__out_ts(O, end - o->start);
    put_cat_name(cat, jname);
    put_flow(o->flow_in, 0);
    put_x_args(o, xargs);
    line_end();
    if (end > max_ns) max_ns = end;
}

static open_slice opening(uint64_t ns, const tl_rec *site_ev, uint64_t flow_in) {
    open_slice o = {ns, 0, flow_in, 0, 0};
    if (site_ev) o.site = site_ev->site, o.flags = site_ev->flags;
    return o;
}

/* args.outcome of a wait that gave up with err (wait_failed); NULL: an
 * error said by its number. */
static const char *outcome_text(int err) {
    switch (err) {
    case ETIMEDOUT: return "timed out";
    case EPIPE: return "closed";
    case EBUSY: return "busy";
    case ECANCELED: return "cancelled";
    default: return NULL;
    }
}

/* An empty piece after a level opened or closed or a cut says nothing (the
 * state changes where the level did, as between a worker's back-to-back
 * pool tasks) and is left out, unless it says how a wait ended. */
static void state_close(uint32_t tid, uint64_t ns) {
    wthread *t = thr(tid);
    if (t->state_open && (ns > t->st.start || t->st.cont == CONT_NO || t->gave_up)) {
        char x[64];
        const char *why = outcome_text(t->gave_up);
        x[0] = 0;
        if (why) snprintf(x, sizeof x, "\"outcome\":\"%s\"", why);
        else if (t->gave_up) snprintf(x, sizeof x, "\"outcome\":\"failed\",\"errno\":%d", t->gave_up);
        slice_xa(tid, ns, "state", t->sname, &t->st, x);
    }
    t->state_open = 0;
    t->gave_up = 0;
}

/* The state slice goes on after a phase boundary or a cut, as a new piece. */
static void state_continue(wthread *t, uint64_t ns, uint8_t cont) {
    t->st = (open_slice){ns, 0, 0, 0, cont};
    t->state_open = t->sname[0] != 0;
}

/* Ends the open state slice and opens "<what><object name>". */
static void state_set(uint32_t tid, uint64_t ns, state_t st, const char *what, const char *jobj,
                      uint32_t wait_obj, uint64_t flow_in, const tl_rec *site_ev) {
    wthread *t = thr(tid);
    see(tid);
    state_close(tid, ns);
    join2(t->sname, what, jobj ? jobj : "");
    t->state = (uint8_t)st;
    t->wait_obj = wait_obj;
    t->st = opening(ns, site_ev, flow_in);
    t->state_open = 1;
}

static void running(uint32_t tid, uint64_t ns, uint64_t flow_in, const tl_rec *site_ev) {
    state_set(tid, ns, ST_RUNNING, "running", NULL, 0, flow_in, site_ev);
}

/* Ends a wait that gave up with err (ETIMEDOUT; EPIPE: the queue closed;
 * EBUSY: a try join of a running thread; ECANCELED: the thread was
 * cancelled in it; any other error): the thread runs on either way, so
 * only the wait's slice can tell, in args.outcome. */
static void wait_failed(uint32_t tid, uint64_t ns, int err, const tl_rec *site_ev) {
    wthread *t = thr(tid);
    if (t->state != ST_RUNNING && t->state != ST_ENDED) t->gave_up = err ? err : -1;
    running(tid, ns, 0, site_ev);
}

/* A thread that records anything but a wait is running again (its wakeup
 * may have been dropped with a full ring). */
static void ensure_running(uint32_t tid, uint64_t ns) {
    wthread *t = thr(tid);
    if (t->state != ST_RUNNING && t->state != ST_ENDED) running(tid, ns, 0, NULL);
}

/* A zero-length slice on the producer's track, the source of a flow whose
 * target starts at dst_ns. Returns the flow id for the consumer's flow_in.
 * Perfetto sorts a longer X before a zero-length one at the same ts and
 * would see the flow_in first, so a source that ties with its target moves
 * 1 ns earlier (a zero-length slice nests anywhere on its track). */
static uint64_t flow_source(uint32_t src_tid, uint64_t src_ns, const char *what,
                            const char *jobj, uint64_t dst_ns) {
    if (!src_tid) return 0;
    if (src_ns >= dst_ns && dst_ns > 0) src_ns = dst_ns - 1;
    see(src_tid);
    char name[ESC_NAME + 32];
    join2(name, what, jobj);
    uint64_t id = ++flow_seq;
    line_begin('X', src_tid, src_ns);
    tl__out_lit(O, ",\"dur\":0");
    put_cat_name("flow", name);
    put_flow(id, 1);
    line_end();
    return id;
}

static void phase_x(uint32_t tid, uint64_t end, const phase *p) {
    static const char *const cat[] = {"phase", "function", "task", "timer"};
    slice_xa(tid, end, cat[p->kind], p->jname, &p->s, p->xargs);
}

/* Opens a level inside the others; 0 when the stack is full. xargs is
 * owned by the level from now on (freed even when it is not drawn). */
static int level_push(uint32_t tid, uint64_t ns, const char *jname, int kind, open_slice o,
                      char *xargs) {
    wthread *t = thr(tid);
    if (t->depth >= MAX_LEVELS) {
        free(xargs);
        return 0;
    }
    if (t->depth == t->cap_levels) {
        int cap = t->cap_levels ? 2 * t->cap_levels : 16;
        phase *p = realloc(t->phases, (size_t)cap * sizeof *p);
        if (!p) tl__die("out of memory in the trace writer");
        t->phases = p, t->cap_levels = cap;
    }
    state_close(tid, ns);
    o.start = ns;
    t->phases[t->depth++] = (phase){jname, (uint8_t)kind, xargs, o};
    t->nphases += kind == TL_LV_PHASE;
    state_continue(t, ns, CONT_LEVEL);
    return 1;
}

/* Ends level k. Levels inside it end too and go on as new pieces after it,
 * so that everything still nests (a phase ended inside a call it began
 * outside of, a call that returns inside a phase it began). Slices that end
 * together are written outermost first: Perfetto breaks a tie of equal
 * start and duration by file order, the first becoming the parent. */
static void level_pop(uint32_t tid, uint64_t ns, int k) {
    wthread *t = thr(tid);
    for (int i = k; i < t->depth; i++) phase_x(tid, ns, &t->phases[i]);
    state_close(tid, ns);
    t->nphases -= t->phases[k].kind == TL_LV_PHASE;
    free(t->phases[k].xargs);
    for (int i = k + 1; i < t->depth; i++) {
        t->phases[i - 1] = t->phases[i];
        t->phases[i - 1].s = (open_slice){ns, 0, 0, 0, 1};
    }
    t->depth--;
    state_continue(t, ns, CONT_CUT);
}

/* The innermost open level of that kind, -1 when none. */
static int level_find(const wthread *t, int kind) {
    for (int i = t->depth - 1; i >= 0; i--)
        if (t->phases[i].kind == kind) return i;
    return -1;
}

static void phase_begin(uint32_t tid, uint64_t ns, const tl_rec *e) {
    wthread *t = thr(tid);
    const char *jname = name_text((const char *)(uintptr_t)e->arg)->s;
    if (t->nphases >= MAX_PHASES || !level_push(tid, ns, jname, TL_LV_PHASE, opening(ns, e, 0), NULL))
        thr(tid)->skipped++;
}

static void phase_end(uint32_t tid, uint64_t ns) {
    wthread *t = thr(tid);
    if (t->skipped) {
        t->skipped--;
        return;
    }
    int k = level_find(t, TL_LV_PHASE);
    if (k >= 0) level_pop(tid, ns, k); /* an end without a begin: nothing to close */
}

/* A call of instrumented code: named after the function the return address
 * e->site is in, args.at its call site (e->arg, the return address into the
 * caller), none when the caller is the runtime's own thread trampoline. */
static void func_enter(uint32_t tid, uint64_t ns, const tl_rec *e) {
    const char *jname = text_of(e->site, TXT_FUNC)->s;
    uint64_t at = tl__racereport_own_pc(e->arg) ? 0 : e->arg;
    open_slice o = {ns, at, 0, TL_EVF_PC, 0};
    if (!level_push(tid, ns, jname, TL_LV_FUNC, o, NULL)) thr(tid)->fskipped++;
}

static void func_exit(uint32_t tid, uint64_t ns) {
    wthread *t = thr(tid);
    if (t->fskipped) {
        t->fskipped--;
        return;
    }
    int k = level_find(t, TL_LV_FUNC);
    if (k >= 0) level_pop(tid, ns, k); /* a return from before tracing: ignored */
}

static void thread_close(uint32_t tid, uint64_t ns) {
    wthread *t = thr(tid);
    for (int i = 0; i < t->depth; i++) {
        phase_x(tid, ns, &t->phases[i]);
        free(t->phases[i].xargs);
    }
    t->depth = t->nphases = t->skipped = t->fskipped = 0;
    state_close(tid, ns);
    t->state = ST_ENDED;
    t->end_ns = ns;
}

void tl__tracks_cut(uint32_t tid, uint64_t ns, uint64_t min_age) {
    tl__tracks_catch_up(SIZE_MAX);
    wthread *t = thr(tid);
    if (!t->seen || t->state == ST_ENDED || ns <= t->last_ns) return;
    uint64_t oldest = t->depth ? t->phases[0].s.start : t->st.start;
    if (!t->state_open && !t->depth) return;
    if (oldest + min_age > ns) return;
    /* Cut every level at once, so the pieces before and after nest; the
     * outermost first (see level_pop). */
    for (int i = 0; i < t->depth; i++) {
        phase_x(tid, ns, &t->phases[i]);
        t->phases[i].s = (open_slice){ns, 0, 0, 0, 1};
    }
    state_close(tid, ns);
    state_continue(t, ns, CONT_CUT);
    t->last_ns = ns; /* later events of this thread cannot start before the cut */
}

/* ---- counters and marks ---------------------------------------------------- */

static void counter(uint32_t tid, uint64_t ns, const char *jname, const char *key, double v) {
    line_begin('C', tid, ns);
    tl__out_lit(O, ",\"name\":\"");
    tl__out_str(O, jname);
    tl__out_lit(O, "\",\"args\":{\"");
    tl__out_str(O, key);
    tl__out_lit(O, "\":");
    tl__out_double(O, v);
    tl__out_lit(O, "}");
    line_end();
}

static void instant(uint32_t tid, uint64_t ns, const char *cat, const char *jname,
                    const tl_rec *site_ev) {
    line_begin('i', tid, ns);
    tl__out_lit(O, ",\"s\":\"t\"");
    put_cat_name(cat, jname);
    put_site_args("at", site_ev);
    line_end();
}

/* ---- locks ------------------------------------------------------------------ */

static void hold_b(uint32_t tid, uint64_t ns, wobj *o, uint64_t hold, int read, const tl_rec *e) {
    line_begin('b', tid, ns);
    put_cat_name("lock", o->jname);
    tl__out_lit(O, ",\"id2\":{\"local\":");
    tl__out_u64(O, hold);
    tl__out_lit(O, "},\"args\":{\"thread\":\"");
    tl__out_str(O, thr(tid)->jname);
    if (read) tl__out_lit(O, "\",\"mode\":\"read\"");
    else tl__out_lit(O, "\"");
    if (e && e->site) {
        tl__out_lit(O, ",\"at\":");
        put_site_value(e->site, e->flags);
    }
    tl__out_lit(O, "}");
    line_end();
}

static void hold_e(uint32_t tid, uint64_t ns, wobj *o, uint64_t hold, const tl_rec *e) {
    line_begin('e', tid, ns);
    put_cat_name("lock", o->jname);
    tl__out_lit(O, ",\"id2\":{\"local\":");
    tl__out_u64(O, hold);
    tl__out_lit(O, "}");
    put_site_args("released_at", e);
    line_end();
}

static reader *find_reader(wobj *o, uint32_t tid) {
    for (uint32_t i = 0; i < o->nreaders; i++)
        if (o->readers[i].tid == tid) return &o->readers[i];
    return NULL;
}

static void lock_take(uint32_t tid, uint64_t ns, wobj *o, int read, const tl_rec *e) {
    if (!read && o->owner == tid) {
        if (o->kind == TL_OBJ_MUTEX && o->subkind == TL_MUTEX_RECURSIVE) {
            o->depth++; /* re-entry: the same hold goes on */
            return;
        }
        /* Any other lock cannot be taken twice by its owner: the release
         * was lost (a full ring). End the old hold, start a new one. */
        hold_e(tid, ns, o, o->hold, NULL);
        o->owner = 0;
    }
    reader *r = read ? find_reader(o, tid) : NULL;
    if (r) {
        r->depth++;
        return;
    }
    /* Holders that cannot coexist with this one must have released it in
     * events we lost (a full ring): end their holds here. */
    if (o->owner && o->owner != tid) {
        hold_e(o->owner, ns, o, o->hold, NULL);
        o->owner = 0;
    }
    while (!read && o->nreaders) {
        reader *x = &o->readers[--o->nreaders];
        hold_e(x->tid, ns, o, x->hold, NULL);
    }
    uint64_t hold = ++hold_seq;
    if (read) {
        if (o->nreaders == o->capreaders)
            o->readers = tl__tk_grow(o->readers, &o->capreaders, o->nreaders, sizeof *o->readers);
        o->readers[o->nreaders++] = (reader){tid, 1, hold};
    } else {
        o->owner = tid, o->depth = 1, o->hold = hold;
    }
    hold_b(tid, ns, o, hold, read, e);
}

/* Releases one level of tid's hold (recursive mutexes and read locks nest). */
static void lock_drop(uint32_t tid, uint64_t ns, wobj *o, const tl_rec *e) {
    /* A normal mutex or a spinlock is unlocked for whoever asks (misuse, and
     * the detectors say so): the owner's hold ends here. */
    if (o->owner && o->owner != tid && tl__unlock_unchecked(o->kind, o->subkind)) {
        hold_e(o->owner, ns, o, o->hold, e);
        o->owner = 0, o->depth = 0;
        o->last_release = (token){tid, ns};
        return;
    }
    if (o->owner == tid) {
        if (--o->depth) return;
        hold_e(tid, ns, o, o->hold, e);
        o->owner = 0;
    } else {
        reader *r = find_reader(o, tid);
        if (!r) return; /* not held by tid: misuse or a dropped acquire */
        if (--r->depth) return;
        hold_e(tid, ns, o, r->hold, e);
        *r = o->readers[--o->nreaders];
    }
    o->last_release = (token){tid, ns};
}

static void waiters(uint32_t tid, uint64_t ns, wobj *o, int delta) {
    if (delta < 0 && o->waiters == 0) return;
    o->waiters += (uint32_t)delta;
    counter(tid, ns, o->jname, "waiters", o->waiters);
}

static const char *wait_verb(const wobj *o, unsigned mode) {
    if (o->kind == TL_OBJ_SPIN) return "spinning on ";
    return mode == TL_MODE_READ ? "waiting to read " : "waiting for ";
}

static void on_lock(uint32_t tid, uint64_t ns, const tl_rec *e) {
    wobj *o = obj(e->obj);
    wthread *t = thr(tid);
    int was_waiting = t->state == ST_LOCK && t->wait_obj == e->obj;
    switch ((tl_event_kind)e->kind) {
    case TL_EV_LOCK_WAIT:
        state_set(tid, ns, ST_LOCK, wait_verb(o, e->aux), o->jname, e->obj, 0, e);
        waiters(tid, ns, o, +1);
        break;
    case TL_EV_LOCK_ACQUIRE: {
        uint64_t flow = 0;
        if (was_waiting) {
            waiters(tid, ns, o, -1);
            if (o->last_release.tid && o->last_release.tid != tid)
                flow = flow_source(o->last_release.tid, o->last_release.ns, "unlock ", o->jname, ns);
            running(tid, ns, flow, e);
        } else {
            ensure_running(tid, ns);
        }
        lock_take(tid, ns, o, e->aux == TL_MODE_READ, e);
        break;
    }
    case TL_EV_LOCK_FAIL:
        if (was_waiting) waiters(tid, ns, o, -1);
        wait_failed(tid, ns, (int)e->arg, e);
        break;
    case TL_EV_LOCK_RELEASE:
        ensure_running(tid, ns);
        lock_drop(tid, ns, o, e);
        break;
    default:
        break;
    }
}

/* ---- conditions ------------------------------------------------------------ */

static void cond_remove(wobj *c, uint32_t tid) {
    for (uint32_t i = 0; i < c->ncwait; i++)
        if (c->cwait[i] == tid) {
            memmove(&c->cwait[i], &c->cwait[i + 1], (c->ncwait - i - 1) * sizeof *c->cwait);
            c->ncwait--;
            return;
        }
}

/* Marks the first unmarked waiter (signal) or all of them (broadcast). */
static void cond_notify(uint32_t tid, uint64_t ns, wobj *c, int all) {
    for (uint32_t i = 0; i < c->ncwait; i++) {
        wthread *w = thr(c->cwait[i]);
        if (w->woken_kind) continue;
        w->woken_kind = all ? 2 : 1, w->woken_tid = tid, w->woken_ns = ns;
        if (!all) return;
    }
}

/* The OS may wake another waiter than the first: take over a signal mark. */
static void cond_claim(uint32_t tid, wobj *c) {
    wthread *me = thr(tid);
    if (me->woken_kind) return;
    for (uint32_t i = 0; i < c->ncwait; i++) {
        wthread *w = thr(c->cwait[i]);
        if (w->woken_kind == 1) {
            me->woken_kind = 1, me->woken_tid = w->woken_tid, me->woken_ns = w->woken_ns;
            w->woken_kind = 0;
            return;
        }
    }
}

static void on_cond(uint32_t tid, uint64_t ns, const tl_rec *e) {
    wobj *c = obj(e->obj);
    wthread *t = thr(tid);
    switch ((tl_event_kind)e->kind) {
    case TL_EV_COND_WAIT:
        ensure_running(tid, ns);
        /* One level, as glibc releases it: a recursive mutex locked twice
         * stays held through the wait. */
        lock_drop(tid, ns, obj((uint32_t)e->arg), e);
        if (c->ncwait == c->capcwait)
            c->cwait = tl__tk_grow(c->cwait, &c->capcwait, c->ncwait, sizeof *c->cwait);
        c->cwait[c->ncwait++] = tid;
        t->woken_kind = 0;
        state_set(tid, ns, ST_COND, "waiting on ", c->jname, e->obj, 0, e);
        break;
    case TL_EV_COND_WAKE: {
        cond_remove(c, tid);
        if (e->aux == 0) cond_claim(tid, c);
        uint64_t flow = 0;
        if (e->aux == 0 && t->woken_kind && t->woken_tid != tid)
            flow = flow_source(t->woken_tid, t->woken_ns,
                               t->woken_kind == 2 ? "broadcast " : "signal ", c->jname, ns);
        t->woken_kind = 0;
        if (e->aux) wait_failed(tid, ns, e->aux, e);
        else running(tid, ns, flow, e);
        /* EPERM, EINVAL: the wait never gave the mutex up */
        if (tl__cond_relocked(e->aux)) lock_take(tid, ns, obj((uint32_t)e->arg), 0, e);
        break;
    }
    case TL_EV_COND_SIGNAL:
    case TL_EV_COND_BROADCAST: {
        ensure_running(tid, ns);
        cond_notify(tid, ns, c, e->kind == TL_EV_COND_BROADCAST);
        char name[ESC_NAME + 32];
        join2(name, e->kind == TL_EV_COND_BROADCAST ? "broadcast " : "signal ", c->jname);
        instant(tid, ns, "cond", name, e);
        break;
    }
    default:
        break;
    }
}

/* ---- semaphores ------------------------------------------------------------ */

static void sem_value(uint32_t tid, uint64_t ns, wobj *s) {
    counter(tid, ns, s->jname, "value", (double)(s->anon + s->tok_count));
}

static void sem_push(wobj *s, uint32_t tid, uint64_t ns) {
    if (!s->tokens && !(s->tokens = calloc(SEM_TOKENS, sizeof *s->tokens)))
        tl__die("out of memory in the trace writer");
    if (s->tok_count == SEM_TOKENS) { /* oldest poster forgotten, value kept */
        s->tok_head = (s->tok_head + 1) % SEM_TOKENS;
        s->tok_count--;
        s->anon++;
    }
    s->tokens[(s->tok_head + s->tok_count++) % SEM_TOKENS] = (token){tid, ns};
}

/* Takes the oldest token; returns its poster (tid 0 when unknown). */
static token sem_pop(wobj *s) {
    token none = {0, 0};
    if (s->anon) {
        s->anon--;
        return none;
    }
    if (!s->tok_count) return none; /* a post we did not see (dropped) */
    token t = s->tokens[s->tok_head];
    s->tok_head = (s->tok_head + 1) % SEM_TOKENS;
    s->tok_count--;
    return t;
}

static void on_sem(uint32_t tid, uint64_t ns, const tl_rec *e) {
    wobj *s = obj(e->obj);
    wthread *t = thr(tid);
    switch ((tl_event_kind)e->kind) {
    case TL_EV_SEM_WAIT:
        state_set(tid, ns, ST_SEM, "waiting for ", s->jname, e->obj, 0, e);
        break;
    case TL_EV_SEM_ACQUIRE: {
        int was_waiting = t->state == ST_SEM && t->wait_obj == e->obj;
        token from = sem_pop(s);
        if (was_waiting) {
            uint64_t flow = from.tid && from.tid != tid ? flow_source(from.tid, from.ns, "post ", s->jname, ns) : 0;
            running(tid, ns, flow, e);
        } else {
            ensure_running(tid, ns);
        }
        sem_value(tid, ns, s);
        break;
    }
    case TL_EV_SEM_FAIL:
        wait_failed(tid, ns, (int)e->arg, e);
        break;
    case TL_EV_SEM_POST:
        ensure_running(tid, ns);
        sem_push(s, tid, ns);
        sem_value(tid, ns, s);
        break;
    default:
        break;
    }
}

/* ---- barriers -------------------------------------------------------------- */

static void on_barrier(uint32_t tid, uint64_t ns, const tl_rec *e) {
    wobj *b = obj(e->obj);
    wthread *t = thr(tid);
    if (e->kind == TL_EV_BARRIER_ARRIVE) {
        state_set(tid, ns, ST_BARRIER, "in barrier ", b->jname, e->obj, 0, e);
        t->bar_gen = b->gen;
        if (++b->arrivals >= b->count) {
            b->last_arrival = (token){tid, ns};
            b->done_gen = b->gen++;
            b->arrivals = 0;
        }
        return;
    }
    uint64_t flow = 0;
    if (t->state == ST_BARRIER && t->bar_gen == b->done_gen && b->gen > t->bar_gen &&
        b->last_arrival.tid != tid)
        flow = flow_source(b->last_arrival.tid, b->last_arrival.ns, "last arrival at ", b->jname, ns);
    running(tid, ns, flow, e);
}

/* ---- threads ---------------------------------------------------------------- */

static void on_thread(uint32_t tid, uint64_t ns, const tl_rec *e) {
    wthread *t = thr(tid);
    switch ((tl_event_kind)e->kind) {
    case TL_EV_THREAD_START: {
        uint64_t flow = 0;
        see(tid); /* its name, for "create <name>" */
        if (t->created_by)
            flow = flow_source(t->created_by, t->create_ns, "create ", t->jname[0] ? t->jname : "thread", ns);
        running(tid, ns, flow, e);
        break;
    }
    case TL_EV_THREAD_END:
        see(tid);
        thread_close(tid, ns);
        break;
    case TL_EV_THREAD_CREATE: {
        ensure_running(tid, ns);
        uint32_t child = (uint32_t)e->arg;
        wthread *c = thr(child);
        /* Nothing is drawn for the child yet: pthread_create may still fail. */
        c->created_by = tid, c->create_ns = ns;
        break;
    }
    case TL_EV_JOIN_BEGIN: {
        uint32_t target = (uint32_t)e->arg;
        see(target);
        state_set(tid, ns, ST_JOIN, "joining ", target ? thr(target)->jname : "an untraced thread",
                  target, 0, e);
        break;
    }
    case TL_EV_JOIN_END: {
        uint32_t target = (uint32_t)e->arg;
        wthread *x = thr(target);
        uint64_t flow = 0;
        if (e->aux == 0 && target && x->state == ST_ENDED && target != tid)
            flow = flow_source(target, x->end_ns, "exit of ", x->jname, ns);
        if (e->aux) wait_failed(tid, ns, e->aux, e);
        else running(tid, ns, flow, e);
        break;
    }
    case TL_EV_THREAD_DETACH: {
        ensure_running(tid, ns);
        see((uint32_t)e->arg);
        char name[ESC_NAME + 32];
        join2(name, "detach ", thr((uint32_t)e->arg)->jname);
        instant(tid, ns, "thread", name, e);
        break;
    }
    case TL_EV_THREAD_NAME: { /* arg: the renamed thread (not always tid) */
        uint32_t target = e->arg ? (uint32_t)e->arg : tid;
        if (thr(target)->seen) emit_thread_name(target);
        else see(target);
        /* A join that began before the thread named itself is a join of
         * the new name from here on. */
        for (uint32_t i = 1; i < nthreads; i++) {
            wthread *j = &threads[i];
            if (j->state == ST_JOIN && j->state_open && j->wait_obj == target)
                join2(j->sname, "joining ", thr(target)->jname);
        }
        break;
    }
    default:
        break;
    }
}

/* ---- objects ----------------------------------------------------------------- */

static void on_obj_init(uint32_t tid, uint64_t ns, const tl_rec *e) {
    wobj *o = obj(e->obj);
    const tl_obj *r = tl__obj_get(e->obj);
    ensure_running(tid, ns);
    /* Perfetto ignores M events it does not know; our viewer reads these. */
    meta_begin(tid, "threadlens_object");
    tl__out_lit(O, "\"id\":");
    tl__out_u64(O, e->obj);
    tl__out_lit(O, ",\"kind\":\"");
    tl__out_str(O, tl__obj_kind_name(o->kind));
    tl__out_lit(O, "\",\"name\":\"");
    tl__out_str(O, o->jname);
    tl__out_lit(O, "\",\"addr\":\"");
    char hex[20];
    tl__out_raw(O, hex, tl__fmt_hex(hex, r ? r->addr : 0));
    tl__out_lit(O, "\"");
    if (e->site) {
        tl__out_lit(O, ",\"created_at\":");
        put_site_value(e->site, e->flags);
    }
    static const char *const size_key[TL_OBJ__COUNT] = {
        [TL_OBJ_QUEUE] = "capacity", [TL_OBJ_POOL] = "workers", [TL_OBJ_TIMER] = "delay_ns"};
    if (r && o->kind < TL_OBJ__COUNT && size_key[o->kind]) {
        tl__out_lit(O, ",\"");
        tl__out_str(O, size_key[o->kind]);
        tl__out_lit(O, "\":");
        tl__out_u64(O, r->init_value);
    }
    tl__out_lit(O, "}},\n");
    if (o->kind == TL_OBJ_SEM) {
        o->anon = e->arg;
        sem_value(tid, ns, o);
    } else if (o->kind == TL_OBJ_BARRIER) {
        o->count = e->arg ? e->arg : 1;
    }
}

/* ---- the entry points -------------------------------------------------------- */

static uint64_t event_ns(wthread *t, const tl_rec *e) {
    uint64_t ns = tl__clock_to_ns(e->ts);
    /* Keep time consistent with the order we process in: a thread preempted
     * between reading the clock and taking its sequence number would
     * otherwise put an effect before its cause by a few ns. */
    if (tl__kind_is_sync(e->kind)) {
        if (ns < last_sync_ns) ns = last_sync_ns;
        last_sync_ns = ns;
    }
    if (ns < t->last_ns) ns = t->last_ns;
    t->last_ns = ns;
    /* The trace ends no earlier than any event: a slice opened after the
     * program asked to stop (a thread still starting) writes nothing yet. */
    if (ns > max_ns) max_ns = ns;
    return ns;
}

static void format_event(uint32_t tid, uint64_t ns, const tl_rec *e) {
    if (thr(tid)->state == ST_ENDED) return; /* after THREAD_END nothing is drawn */
    switch ((tl_event_kind)e->kind) {
    case TL_EV_THREAD_START: case TL_EV_THREAD_END: case TL_EV_THREAD_CREATE:
    case TL_EV_JOIN_BEGIN: case TL_EV_JOIN_END: case TL_EV_THREAD_DETACH:
    case TL_EV_THREAD_NAME:
        on_thread(tid, ns, e);
        break;
    case TL_EV_OBJ_INIT:
        on_obj_init(tid, ns, e);
        break;
    case TL_EV_OBJ_DESTROY:
        tl__tracks_hl_forget(e->obj);
        ensure_running(tid, ns);
        break;
    case TL_EV_DESTROY_CHECK: case TL_EV_CALL_ERROR:
        ensure_running(tid, ns); /* the detectors draw what they find */
        break;
    case TL_EV_LOCK_WAIT: case TL_EV_LOCK_ACQUIRE: case TL_EV_LOCK_FAIL:
    case TL_EV_LOCK_RELEASE:
        on_lock(tid, ns, e);
        break;
    case TL_EV_COND_WAIT: case TL_EV_COND_WAKE: case TL_EV_COND_SIGNAL:
    case TL_EV_COND_BROADCAST:
        on_cond(tid, ns, e);
        break;
    case TL_EV_SEM_WAIT: case TL_EV_SEM_ACQUIRE: case TL_EV_SEM_FAIL: case TL_EV_SEM_POST:
        on_sem(tid, ns, e);
        break;
    case TL_EV_BARRIER_ARRIVE: case TL_EV_BARRIER_LEAVE:
        on_barrier(tid, ns, e);
        break;
    case TL_EV_SLEEP_BEGIN:
        state_set(tid, ns, ST_SLEEP, "sleeping", NULL, 0, 0, e);
        break;
    case TL_EV_SLEEP_END:
        running(tid, ns, 0, NULL);
        break;
    case TL_EV_PHASE_BEGIN:
        ensure_running(tid, ns);
        phase_begin(tid, ns, e);
        break;
    case TL_EV_PHASE_END:
        ensure_running(tid, ns);
        phase_end(tid, ns);
        break;
    case TL_EV_MARK:
        ensure_running(tid, ns);
        instant(tid, ns, "mark", name_text((const char *)(uintptr_t)e->arg)->s, e);
        break;
    case TL_EV_COUNTER: {
        double v;
        memcpy(&v, &e->val, sizeof v);
        counter(tid, ns, name_text((const char *)(uintptr_t)e->arg)->s, "value", v);
        break;
    }
    case TL_EV_FUNC_ENTER:
        ensure_running(tid, ns);
        func_enter(tid, ns, e);
        break;
    case TL_EV_FUNC_EXIT:
        ensure_running(tid, ns);
        func_exit(tid, ns);
        break;
    case TL_EV_RACE: /* the writer has tl_racereport draw it */
        ensure_running(tid, ns);
        break;
    case TL_EV_Q_WAIT: case TL_EV_Q_PUT: case TL_EV_Q_GET: case TL_EV_Q_FAIL:
    case TL_EV_Q_DONE: case TL_EV_Q_JOINED: case TL_EV_Q_CLOSE:
    case TL_EV_POOL_WORKER: case TL_EV_POOL_IDLE: case TL_EV_TASK_LABEL: case TL_EV_TASK_SUBMIT:
    case TL_EV_TASK_BEGIN: case TL_EV_TASK_FAIL: case TL_EV_TASK_END: case TL_EV_TASK_NEXT:
    case TL_EV_TASK_CANCEL: case TL_EV_FUTURE_WAIT: case TL_EV_FUTURE_DONE: case TL_EV_POOL_SHUTDOWN:
    case TL_EV_TASK_UNOBSERVED: case TL_EV_TASKS_FREED:
    case TL_EV_EVENT_SET: case TL_EV_EVENT_CLEAR: case TL_EV_EVENT_WAIT: case TL_EV_EVENT_WAKE:
    case TL_EV_TIMER_START: case TL_EV_TIMER_WAIT: case TL_EV_TIMER_FIRE: case TL_EV_TIMER_DONE:
    case TL_EV_TIMER_CANCEL:
        tl__tracks_hl_event(tid, ns, e);
        break;
    case TL_EV__COUNT:
        break;
    }
}

static void thread_gone(uint32_t tid, uint64_t ns) {
    wthread *t = thr(tid);
    if (t->seen && t->state != ST_ENDED) thread_close(tid, ns);
}

static void dropped_note(uint32_t tid, uint64_t ns, uint64_t n) {
    dropped_all += n;
    see(tid);
    char name[64] = "threadlens: events dropped";
    instant(tid, ns, "threadlens", name, NULL);
    counter(tid, ns, "threadlens", "dropped events", (double)dropped_all);
}

/* ---- the spool: processed now, written later ------------------------------------ */

static void format_step(const tl_spooled *s) {
    switch (s->what) {
    case SP_EVENT: format_event(s->tid, s->rec.ts, &s->rec); break;
    case SP_GONE: thread_gone(s->tid, s->rec.ts); break;
    case SP_TEXT: {
        char *text = (char *)(uintptr_t)s->rec.site;
        tl__out_raw(O, text, (size_t)s->rec.arg);
        free(text);
        break;
    }
    default: dropped_note(s->tid, s->rec.ts, s->rec.arg); break;
    }
}

/* Writes up to max queued steps, in order; not while formatting already. */
static size_t write_queued(size_t max) {
    formatting = 1;
    size_t n = 0;
    const tl_spooled *s;
    for (; n < max && (s = tl__spool_front(&spool)) != NULL; n++) {
        format_step(s);
        tl__spool_pop(&spool);
    }
    formatting = 0;
    return n;
}

/* held's keep: what a finding wrote goes into the queue as text. Lines a
 * finding writes while steps are queued must follow them in the file, and
 * writing the queue first would stop the writer from draining the rings
 * for as long as a burst's backlog takes to format. When memory is short,
 * the queue and then the text are written at once. */
static void held_queue(tl_out *h) {
    if (!h->len) return;
    tl_spooled s = {.rec = {.ts = max_ns, .arg = h->len}, .what = SP_TEXT};
    char *text = malloc(h->len);
    if (text) {
        memcpy(text, h->buf, h->len);
        s.rec.site = (uintptr_t)text;
    }
    if (!text || tl__spool_push(&spool, &s) != 0) {
        free(text);
        tl_out *was = O;
        O = file_out;
        write_queued(SIZE_MAX);
        tl__out_raw(file_out, h->buf, h->len);
        O = was;
    }
    h->len = 0;
}

/* Where lines written from outside the model go (tl__tracks_out). */
static void hold_begin(void) {
    if (formatting || O == &held || !spool.count) return;
    if (!held.buf) {
        if (tl__out_init(&held, -1, file_out->cap) != 0) {
            write_queued(SIZE_MAX); /* memory is short: the old way */
            return;
        }
        held.keep = held_queue;
    }
    O = &held;
}

/* Queues what is held; the model writes to the file again. */
static void hold_end(void) {
    if (O != &held) return;
    O = file_out;
    held_queue(&held);
}

/* Queues a step; written at once when memory is short. */
static void spool_add(uint32_t tid, uint8_t what, const tl_rec *e, uint64_t ns) {
    hold_end();
    tl_spooled s = {.rec = *e, .tid = tid, .what = what};
    s.rec.ts = ns;
    if (tl__spool_push(&spool, &s) == 0) return;
    tl__tracks_catch_up(SIZE_MAX);
    format_step(&s);
}

size_t tl__tracks_catch_up(size_t max) {
    if (formatting) return 0;
    hold_end();
    return write_queued(max);
}

size_t tl__tracks_pending(uint64_t *oldest_ns) {
    hold_end();
    const tl_spooled *s = tl__spool_front(&spool);
    if (oldest_ns) *oldest_ns = s ? s->rec.ts : 0;
    return spool.count;
}

uint64_t tl__tracks_event(uint32_t tid, const tl_rec *e) {
    uint64_t ns = event_ns(thr(tid), e);
    spool_add(tid, SP_EVENT, e, ns);
    return ns;
}

void tl__tracks_thread_gone(uint32_t tid) {
    tl_rec none = {0};
    spool_add(tid, SP_GONE, &none, thr(tid)->last_ns);
}

void tl__tracks_dropped(uint32_t tid, uint64_t n) {
    tl_rec e = {.arg = n};
    spool_add(tid, SP_DROPPED, &e, thr(tid)->last_ns);
}

/* Forgets every thread and object: a new trace starts from nothing. */
static void reset_model(void) {
    for (uint32_t i = 0; i < nthreads; i++) free(threads[i].phases);
    for (uint32_t i = 0; i < nobjs; i++) {
        free(objs[i].readers);
        free(objs[i].tokens);
        free(objs[i].cwait);
    }
    free(threads);
    free(objs);
    threads = NULL, objs = NULL;
    nthreads = nobjs = 0;
    for (size_t i = 0; i < captexts; i++) free(texts[i].s);
    free(texts);
    texts = NULL, ntexts = captexts = 0;
    hold_seq = flow_seq = last_sync_ns = max_ns = dropped_all = 0;
    for (const tl_spooled *s; (s = tl__spool_front(&spool)) != NULL; tl__spool_pop(&spool))
        if (s->what == SP_TEXT) free((char *)(uintptr_t)s->rec.site);
    tl__spool_free(&spool);
    held.len = 0;
    formatting = 0;
    tl__tracks_hl_reset();
}

void tl__tracks_open(tl_out *out, uint64_t pid, const char *process_name) {
    reset_model();
    O = file_out = out;
    pidlen = tl__fmt_u64(pidstr, pid);
    pidstr[pidlen] = 0;
    tl__out_lit(O, "[\n");
    meta_begin(1, "process_name");
    tl__out_lit(O, "\"name\":");
    tl__out_jstr(O, process_name);
    tl__out_lit(O, "}},\n");
}

/* Closes holds, then every thread's state and phases, at ns. */
static void close_all(uint64_t ns) {
    for (uint32_t i = 1; i < nobjs; i++) {
        wobj *o = &objs[i];
        if (!o->known) continue;
        if (o->owner) hold_e(o->owner, ns, o, o->hold, NULL);
        for (uint32_t r = 0; r < o->nreaders; r++) hold_e(o->readers[r].tid, ns, o, o->readers[r].hold, NULL);
        o->owner = 0, o->nreaders = 0;
    }
    for (uint32_t tid = 1; tid < nthreads; tid++)
        if (threads[tid].seen && threads[tid].state != ST_ENDED) thread_close(tid, ns);
}

void tl__tracks_close(uint64_t now_ns, uint64_t events, uint64_t dropped) {
    tl__tracks_catch_up(SIZE_MAX);
    close_all(now_ns > max_ns ? now_ns : max_ns);
    /* The last line has no comma, so a cleanly closed trace is strict JSON. */
    meta_begin(1, "threadlens_summary");
    tl__out_lit(O, "\"events\":");
    tl__out_u64(O, events);
    tl__out_lit(O, ",\"dropped\":");
    tl__out_u64(O, dropped);
    tl__out_lit(O, ",\"clock\":\"");
    tl__out_str(O, tl__clock_name());
    tl__out_lit(O, "\"}}\n]\n");
}

/* ---- for the findings ---------------------------------------------------------- */

void tl__tracks_line_begin(char ph, uint32_t tid, uint64_t ns) {
    hold_begin();
    see(tid);
    line_begin(ph, tid, ns);
}

void tl__tracks_line_end(void) { line_end(); }
tl_out *tl__tracks_out(void) {
    hold_begin();
    return O;
}
uint64_t tl__tracks_flow_id(void) { return ++flow_seq; }
uint64_t tl__tracks_now(void) { return max_ns; }

void tl__tracks_obj_label(uint32_t id, char *out, size_t cap) {
    const tl_obj *r = tl__obj_get(id);
    if (!r) snprintf(out, cap, "object #%u", id);
    else if (!r->name[0]) obj_auto_name(r, out, cap);
    else snprintf(out, cap, "%s", r->name);
}

void tl__tracks_site_label(uint64_t site, unsigned flags, char *out, size_t cap) {
    if (!site) snprintf(out, cap, "?");
    else if (flags & TL_EVF_PC) tl__sym_pc(site, out, cap);
    else {
        const tl_site *s = (const tl_site *)(uintptr_t)site;
        snprintf(out, cap, "%s:%d", s->file, s->line > 0 ? s->line : 0);
    }
}

/* ---- for tl_tracks_hl.c (tl_tracks_int.h) ---------------------------------------- */

void tl__tk_state(uint32_t tid, uint64_t ns, state_t st, const char *what, const char *jobj,
                  uint32_t wait_obj, uint64_t flow_in, const tl_rec *site_ev) {
    state_set(tid, ns, st, what, jobj, wait_obj, flow_in, site_ev);
}

void tl__tk_running(uint32_t tid, uint64_t ns, uint64_t flow_in, const tl_rec *site_ev) {
    running(tid, ns, flow_in, site_ev);
}

void tl__tk_ensure_running(uint32_t tid, uint64_t ns) { ensure_running(tid, ns); }

void tl__tk_wait_failed(uint32_t tid, uint64_t ns, int err, const tl_rec *site_ev) {
    wait_failed(tid, ns, err, site_ev);
}

state_t tl__tk_state_of(uint32_t tid, uint32_t *wait_obj) {
    wthread *t = thr(tid);
    if (wait_obj) *wait_obj = t->wait_obj;
    return (state_t)t->state;
}

uint64_t tl__tk_flow_source(uint32_t src_tid, uint64_t src_ns, const char *what, const char *jobj,
                            uint64_t dst_ns) {
    return flow_source(src_tid, src_ns, what, jobj, dst_ns);
}

void tl__tk_flow_target(uint32_t tid, uint64_t ns, const char *what, const char *jobj,
                        uint64_t flow) {
    if (!flow) return;
    see(tid);
    char name[ESC_NAME + 32];
    join2(name, what, jobj);
    line_begin('X', tid, ns);
    tl__out_lit(O, ",\"dur\":0");
    put_cat_name("flow", name);
    put_flow(flow, 0);
    line_end();
}

int tl__tk_level_push(uint32_t tid, uint64_t ns, const char *jname, int kind, uint64_t flow_in,
                      const tl_rec *site_ev, char *xargs) {
    see(tid);
    return level_push(tid, ns, jname, kind, opening(ns, site_ev, flow_in), xargs);
}

void tl__tk_level_pop(uint32_t tid, uint64_t ns, int kind, char *xargs) {
    wthread *t = thr(tid);
    int k = level_find(t, kind);
    if (k < 0) {
        free(xargs);
        return;
    }
    if (xargs) {
        free(t->phases[k].xargs);
        t->phases[k].xargs = xargs;
        t->phases[k].s.site = 0;
    }
    level_pop(tid, ns, k);
}

void tl__tk_counter(uint32_t tid, uint64_t ns, const char *jname, const char *key, double v) {
    counter(tid, ns, jname, key, v);
}

void tl__tk_meta_begin(uint32_t tid, const char *name) { meta_begin(tid, name); }
void tl__tk_put_site(uint64_t site, unsigned flags) { put_site_value(site, flags); }
const char *tl__tk_obj_jname(uint32_t id) { return obj(id)->jname; }

const char *tl__tk_thread_jname(uint32_t tid) {
    see(tid);
    return thr(tid)->jname;
}

const char *tl__tk_name_jtext(const char *name) { return name ? name_text(name)->s : ""; }
const char *tl__tk_func_jtext(uint64_t fn) { return text_of(fn, TXT_ENTRY)->s; }
const char *tl__tk_site_jtext(uint64_t site, unsigned flags) { return site_text(site, flags)->s; }
