/*
 * tl_racereport.c — renders the race detector's records (tl_race.h) in the
 * writer thread: the `data race` finding instant with both accesses in its
 * args, a zero-length slice on each accessing thread joined by one arrow,
 * and a report on stderr in ThreadSanitizer's layout (docs/trace-format.md,
 * "Finding events"). At the end of the trace it reports records whose
 * TL_EV_RACE was lost and writes the final repeat counts.
 *
 * The detector keeps one record per pair of access pcs, but a user thinks
 * in source lines: `counter++` is a load and a store, two pcs on one line,
 * and racing with itself makes two records. Records whose accesses are at
 * the same (unordered) pair of file:line places are one finding here: the
 * first is reported, the others only add to its count. Frames of the
 * runtime itself (the thread trampoline that calls the program's function)
 * are left out of every stack.
 *
 * Writer thread only; it may allocate and format freely.
 */
#define _GNU_SOURCE
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl_finding.h"
#include "tl_race.h"
#include "tl_racereport.h"
#include "tl_symbolize.h"
#include "tl_tracks.h"

#define SITE_MAX 600 /* a symbolized site */
#define VAR_MAX 256

/* A finding as the trace holds it: the records that share its pair of
 * places, the first of which it was reported from. */
typedef struct finding {
    char *key;            /* the two places (key_make) */
    uint64_t hash;
    uint32_t fid;         /* its finding id */
    uint32_t tid;         /* the thread its instant is on */
    tl_race_rec *rec;     /* the record it was reported from */
    uint64_t written;     /* the count last written */
} finding;

static finding *finds;
static uint32_t nfinds, capfinds;

/* The finding of each rendered record, by rec->id: its index + 1, 0 when
 * the record was not rendered yet. */
static uint32_t *find_of;
static uint32_t find_of_cap;

static uint32_t *find_of_slot(uint32_t id) {
    if (id >= find_of_cap) {
        uint32_t cap = find_of_cap ? find_of_cap : 64;
        while (cap <= id) cap *= 2;
        uint32_t *p = realloc(find_of, (size_t)cap * sizeof *p);
        if (!p) tl__die("out of memory reporting a data race");
        memset(p + find_of_cap, 0, (size_t)(cap - find_of_cap) * sizeof *p);
        find_of = p, find_of_cap = cap;
    }
    return &find_of[id];
}

/* Findings are few (THREADLENS_MAX_RACES records at most, 1000 by
 * default) and each is looked up once per record: a scan comparing hashes
 * first is plenty. Returns the index, or nfinds when the key is new. */
static uint32_t finding_find(const char *key, uint64_t hash) {
    uint32_t i = 0;
    while (i < nfinds && !(finds[i].hash == hash && !strcmp(finds[i].key, key))) i++;
    return i;
}

static finding *finding_add(char *key, uint64_t hash) {
    if (nfinds == capfinds) {
        uint32_t cap = capfinds ? 2 * capfinds : 16;
        finding *p = realloc(finds, (size_t)cap * sizeof *p);
        if (!p) tl__die("out of memory reporting a data race");
        finds = p, capfinds = cap;
    }
    finding *f = &finds[nfinds++];
    memset(f, 0, sizeof *f);
    f->key = key, f->hash = hash;
    return f;
}

void tl__racereport_reset(void) {
    for (uint32_t i = 0; i < nfinds; i++) free(finds[i].key);
    free(finds);
    finds = NULL, nfinds = capfinds = 0;
    free(find_of);
    find_of = NULL, find_of_cap = 0;
}

/* ---- frames of our own ---------------------------------------------------------- */

/* The code of the runtime's shared object, as address ranges, found once:
 * every call event asks (tl_tracks' call slices), so dladdr each time would
 * cost too much. None in the static library, where the runtime is part of
 * the executable and an address cannot tell its code from the program's:
 * frames are kept then. */
#define OWN_RANGES 4
static struct { uint64_t lo, hi; } own[OWN_RANGES];
static unsigned nown;
static int own_looked_up;

typedef struct own_query {
    uint64_t self; /* an address of our code */
    unsigned index;
} own_query;

static int own_object(struct dl_phdr_info *info, size_t size, void *arg) {
    (void)size;
    own_query *q = arg;
    unsigned index = q->index++;
    int mine = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uint64_t lo = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && q->self >= lo && q->self - lo < ph->p_memsz) mine = 1;
    }
    if (!mine) return 0;
    /* dl_iterate_phdr lists the executable first: found there, the runtime
     * is the static library, linked into it. */
    for (int i = 0; index > 0 && i < info->dlpi_phnum && nown < OWN_RANGES; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X)) continue;
        own[nown].lo = info->dlpi_addr + ph->p_vaddr;
        own[nown].hi = own[nown].lo + ph->p_memsz;
        nown++;
    }
    return 1;
}

int tl__racereport_own_pc(uint64_t pc) {
    if (!own_looked_up) {
        own_looked_up = 1;
        own_query q = {(uint64_t)(uintptr_t)&tl__racereport_own_pc, 0};
        dl_iterate_phdr(own_object, &q);
    }
    /* A return address: the call is the byte before it. */
    for (unsigned i = 0; pc && i < nown; i++)
        if (pc - 1 >= own[i].lo && pc - 1 < own[i].hi) return 1;
    return 0;
}

/* ---- one record, as text ------------------------------------------------------ */

#define FRAMES_MAX (1 + TL_RACE_STACK)

typedef struct acc_view {
    const tl_race_access *a;
    uint32_t tid;             /* 0: unknown */
    uint64_t ns;              /* drawn at */
    int time_unknown;
    uint64_t addr;
    char thread[TL_NAME_MAX]; /* plain name ("" when tid is 0) */
    /* The access, then its callers, innermost first, without the runtime's
     * own frames; never empty. */
    uint64_t frame[FRAMES_MAX];
    uint8_t frame_flags[FRAMES_MAX];
    unsigned nframes;
    char at[SITE_MAX];        /* frame 0 ("?" when unknown) */
} acc_view;

typedef struct race_view {
    const tl_race_rec *r;
    uint32_t fid;
    uint64_t count;
    char var[VAR_MAX];        /* "" when no name is known */
    char addr[24];
    acc_view first, second;
    acc_view prior;           /* second's own earlier read; tid 0: none or time unknown */
} race_view;

static const char *op_of(const tl_race_access *a) { return a->write ? "write" : "read"; }

static void site_text(uint64_t site, unsigned flags, char *out, size_t cap) {
    tl__tracks_site_label(site, flags, out, cap);
}

static void frame_add(acc_view *v, uint64_t site, unsigned flags) {
    if ((flags & TL_EVF_PC) && tl__racereport_own_pc(site)) return;
    if (v->nframes < FRAMES_MAX) {
        v->frame[v->nframes] = site;
        v->frame_flags[v->nframes++] = (uint8_t)flags;
    }
}

static void acc_fill(acc_view *v, const tl_race_access *a, uint64_t rec_addr) {
    memset(v, 0, sizeof *v);
    v->a = a;
    v->tid = a->tid;
    v->addr = a->addr ? a->addr : rec_addr;
    if (v->tid) tl__tracks_thread_label(v->tid, v->thread, sizeof v->thread);
    frame_add(v, a->site, a->site_flags);
    for (unsigned i = 0; i < a->nstack && i < TL_RACE_STACK; i++) frame_add(v, a->stack[i], TL_EVF_PC);
    /* Only our own code: say where anyway rather than nowhere. */
    if (!v->nframes) v->frame[0] = a->site, v->frame_flags[0] = a->site_flags, v->nframes = 1;
    site_text(v->frame[0], v->frame_flags[0], v->at, sizeof v->at);
}

/* Both accesses' times: the second at its access (never after the event that
 * announced it), the first before it. The first is the earliest access from
 * its site in its interval, or unknown: then it is drawn 1 ns before the
 * second, so the arrow's source sorts before its target in Perfetto. */
static void view_make(race_view *v, const tl_race_rec *r, uint32_t ev_tid, uint64_t ev_ns) {
    memset(v, 0, sizeof *v);
    v->r = r;
    v->count = atomic_load_explicit(&((tl_race_rec *)r)->count, memory_order_relaxed);
    if (!v->count) v->count = 1;
    snprintf(v->addr, sizeof v->addr, "0x%llx", (unsigned long long)r->addr);
    if (!tl__race_var_name((uintptr_t)r->addr, v->var, sizeof v->var))
        tl__sym_data(r->addr, v->var, sizeof v->var);
    acc_fill(&v->first, &r->first, r->addr);
    acc_fill(&v->second, &r->second, r->addr);
    if (!v->second.tid) {
        v->second.tid = ev_tid ? ev_tid : 1;
        tl__tracks_thread_label(v->second.tid, v->second.thread, sizeof v->second.thread);
    }
    uint64_t ns2 = r->second.ts ? tl__clock_to_ns(r->second.ts) : ev_ns;
    if (ev_ns && ns2 > ev_ns) ns2 = ev_ns;
    v->second.ns = ns2;
    uint64_t ns1 = r->first.ts ? tl__clock_to_ns(r->first.ts) : ns2;
    v->first.time_unknown = r->first.ts == 0;
    if (ns1 >= ns2) ns1 = ns2 > 0 ? ns2 - 1 : 0;
    v->first.ns = ns1;
    /* Drawn only where its time is known: a marker at a made-up time would
     * tell the story wrong. */
    if (r->prior.tid && r->prior.ts) {
        acc_fill(&v->prior, &r->prior, r->addr);
        uint64_t ns0 = tl__clock_to_ns(r->prior.ts);
        v->prior.ns = ns0 < ns2 ? ns0 : ns2;
    }
}

/* "counter" or "0x55d0c0a4c014": what the slices and the message name. */
static const char *what_of(const race_view *v) { return v->var[0] ? v->var : v->addr; }

/* The one-line message (issue 5's format, kept by the viewer's report):
 * "data race on counter (4 bytes at 0x3000): write by w1 at race.c:10, read
 * by w2 at race.c:20". */
static void message(const race_view *v, FILE *m) {
    unsigned size = v->r->size;
    if (v->var[0])
        fprintf(m, "data race on %s (%u byte%s at %s): ", v->var, size, size == 1 ? "" : "s", v->addr);
    else
        fprintf(m, "data race at %s (%u byte%s): ", v->addr, size, size == 1 ? "" : "s");
    const acc_view *acc[2] = {&v->first, &v->second};
    for (int i = 0; i < 2; i++) {
        const acc_view *a = acc[i];
        fprintf(m, "%s%s by %s at %s", i ? ", " : "", op_of(a->a),
                a->tid ? a->thread : "an unknown thread", a->at);
    }
}

/* ---- the trace -------------------------------------------------------------- */

/* A JSON string into m. */
static void jstr(FILE *m, const char *s) {
    size_t cap = strlen(s) * 6 + 3;
    char stackbuf[1024];
    char *buf = cap <= sizeof stackbuf ? stackbuf : malloc(cap);
    if (!buf) tl__die("out of memory reporting a data race");
    tl__json_escape(buf, cap, s);
    fprintf(m, "\"%s\"", buf);
    if (buf != stackbuf) free(buf);
}

/* Nanoseconds as the trace's microseconds. */
static void jts(FILE *m, uint64_t ns) {
    fprintf(m, "%llu.%03u", (unsigned long long)(ns / 1000u), (unsigned)(ns % 1000u));
}

static void j_prior(FILE *m, const acc_view *v) {
    fputs(",\"prior\":{\"op\":\"read\",\"ts\":", m);
    jts(m, v->ns);
    fputs(",\"at\":", m);
    jstr(m, v->at);
    fputc('}', m);
}

/* prior: the same thread's own earlier read (second access only), or NULL. */
static void j_access(FILE *m, const acc_view *v, const acc_view *prior) {
    const tl_race_access *a = v->a;
    fprintf(m, "{\"tid\":%u", v->tid);
    if (v->tid) {
        fputs(",\"thread\":", m);
        jstr(m, v->thread);
    }
    fputs(",\"ts\":", m);
    jts(m, v->ns);
    if (v->time_unknown) fputs(",\"time_unknown\":true", m);
    fprintf(m, ",\"op\":\"%s\",\"size\":%u,\"addr\":\"0x%llx\",\"at\":", op_of(a), a->size,
            (unsigned long long)v->addr);
    jstr(m, v->at);
    /* The access first, then its callers: the frames of the report. */
    fputs(",\"stack\":[", m);
    jstr(m, v->at);
    char s[SITE_MAX];
    for (unsigned i = 1; i < v->nframes; i++) {
        site_text(v->frame[i], v->frame_flags[i], s, sizeof s);
        fputc(',', m);
        jstr(m, s);
    }
    fputs("],\"locks\":[", m);
    for (unsigned i = 0; i < a->nlocks && i < TL_RACE_LOCKS; i++)
        fprintf(m, "%s%u", i ? "," : "", a->locks[i]);
    fputc(']', m);
    if (prior && prior->tid) j_prior(m, prior);
    fputc('}', m);
}

static void j_objects(FILE *m, const race_view *v) {
    uint32_t ids[2 * TL_RACE_LOCKS];
    unsigned n = 0;
    const tl_race_access *acc[2] = {&v->r->first, &v->r->second};
    for (int i = 0; i < 2; i++)
        for (unsigned k = 0; k < acc[i]->nlocks && k < TL_RACE_LOCKS; k++) {
            uint32_t id = acc[i]->locks[k];
            unsigned j = 0;
            while (j < n && ids[j] != id) j++;
            if (id && j == n) ids[n++] = id;
        }
    fputs(",\"objects\":[", m);
    for (unsigned i = 0; i < n; i++) {
        const tl_obj *o = tl__obj_get(ids[i]);
        char name[TL_NAME_MAX];
        tl__tracks_obj_label(ids[i], name, sizeof name);
        fprintf(m, "%s{\"id\":%u,\"kind\":", i ? "," : "", ids[i]);
        jstr(m, o ? tl__obj_kind_name(o->kind) : "object");
        fputs(",\"name\":", m);
        jstr(m, name);
        fprintf(m, ",\"addr\":\"0x%llx\"}", o ? (unsigned long long)o->addr : 0ull);
    }
    fputs("]", m);
}

static double sleep_ms(const tl_race_rec *r) {
    uint64_t b = tl__clock_to_ns(r->sleep_begin), e = tl__clock_to_ns(r->sleep_end);
    return e > b ? (double)(e - b) / 1e6 : 0.0;
}

/* The args object of the instant. */
static char *instant_args(const race_view *v, size_t *len) {
    char *buf = NULL;
    FILE *m = open_memstream(&buf, len);
    if (!m) tl__die("out of memory reporting a data race");
    fprintf(m, "{\"finding\":\"data race\",\"id\":%u,\"count\":%llu,\"message\":", v->fid,
            (unsigned long long)v->count);
    char *msg = NULL;
    size_t mlen = 0;
    FILE *mm = open_memstream(&msg, &mlen);
    if (!mm) tl__die("out of memory reporting a data race");
    message(v, mm);
    fclose(mm);
    jstr(m, msg);
    free(msg);
    fprintf(m, ",\"addr\":\"%s\",\"size\":%u", v->addr, v->r->size);
    if (v->var[0]) {
        fputs(",\"variable\":", m);
        jstr(m, v->var);
    }
    fputs(",\"first\":", m);
    j_access(m, &v->first, NULL);
    fputs(",\"second\":", m);
    j_access(m, &v->second, &v->prior);
    if (v->r->sleep_end) {
        char at[SITE_MAX];
        fprintf(m, ",\"sleep\":{\"tid\":%u", v->second.tid);
        if (v->r->sleep_site) {
            site_text(v->r->sleep_site, v->r->sleep_flags, at, sizeof at);
            fputs(",\"at\":", m);
            jstr(m, at);
        }
        fprintf(m, ",\"ms\":%.3f}", sleep_ms(v->r));
    }
    j_objects(m, v);
    fputs("}", m);
    if (fclose(m) != 0 || !buf) tl__die("out of memory reporting a data race");
    return buf;
}

/* One line whose body was made elsewhere: room for all of it first, so a
 * flush never leaves half an event on disk. */
static void room(size_t n) {
    tl_out *o = tl__tracks_out();
    if (o->len + n + TL_OUT_LINE_MAX > o->cap) tl__out_flush(o);
}

static void write_instant(const race_view *v, uint64_t ns) {
    size_t len = 0;
    char *args = instant_args(v, &len);
    room(len);
    tl_out *o = tl__tracks_out();
    tl__tracks_line_begin('i', v->second.tid, ns);
    tl__out_lit(o, ",\"s\":\"t\",\"cat\":\"finding\",\"name\":\"data race\",\"args\":");
    tl__out_raw(o, args, len);
    tl__tracks_line_end();
    free(args);
}

/* "race: write of counter" on the access's thread, at its time; a prior
 * read is marked as such (args.prior) and has no arrow. */
static void access_slice(const race_view *v, const acc_view *a, uint64_t flow, int out, int prior) {
    tl_out *o = tl__tracks_out();
    char name[VAR_MAX + 32];
    snprintf(name, sizeof name, "race: %s of %s", op_of(a->a), what_of(v));
    room(0);
    tl__tracks_line_begin('X', a->tid, a->ns);
    tl__out_lit(o, ",\"dur\":0,\"cat\":\"finding\",\"name\":");
    tl__out_jstr(o, name);
    if (flow) {
        tl__out_lit(o, ",\"bind_id\":");
        tl__out_u64(o, flow);
        if (out) tl__out_lit(o, ",\"flow_out\":true");
        else tl__out_lit(o, ",\"flow_in\":true");
    }
    tl__out_lit(o, ",\"args\":{\"finding_id\":");
    tl__out_u64(o, v->fid);
    if (prior) tl__out_lit(o, ",\"prior\":true");
    tl__out_lit(o, "}");
    tl__tracks_line_end();
}

/* ---- stderr ---------------------------------------------------------------------- */

static void by_thread(FILE *m, const acc_view *a) {
    char dflt[32];
    snprintf(dflt, sizeof dflt, "thread %u", a->tid);
    if (!a->tid) fputs("an unknown thread", m);
    else if (!strcmp(a->thread, dflt)) fprintf(m, "thread T%u", a->tid);
    else fprintf(m, "thread %s (T%u)", a->thread, a->tid);
}

static void access_text(FILE *m, const acc_view *a, int previous) {
    const char *op = a->a->write ? (previous ? "write" : "Write") : (previous ? "read" : "Read");
    fprintf(m, "  %s%s", previous ? "Previous " : "", op);
    if (a->a->size) fprintf(m, " of size %u", a->a->size);
    fprintf(m, " at 0x%llx by ", (unsigned long long)a->addr);
    by_thread(m, a);
    fputs(":\n", m);
    fprintf(m, "    #0 %s\n", a->at);
    char s[SITE_MAX];
    for (unsigned i = 1; i < a->nframes; i++) {
        site_text(a->frame[i], a->frame_flags[i], s, sizeof s);
        fprintf(m, "    #%u %s\n", i, s);
    }
}

/* "mutex m (0x5581...)": the kind unless the name starts with it already
 * ("mutex@prodcons.c:30 #4"). */
static void lock_text(FILE *m, uint32_t id, unsigned mode) {
    const tl_obj *o = tl__obj_get(id);
    char name[TL_NAME_MAX];
    tl__tracks_obj_label(id, name, sizeof name);
    const char *kind = o ? tl__obj_kind_name(o->kind) : NULL;
    size_t k = kind ? strlen(kind) : 0;
    if (kind && !(strncmp(name, kind, k) == 0 && (name[k] == '@' || name[k] == ' ')))
        fprintf(m, "%s ", kind);
    fprintf(m, "%s (0x%llx)%s", name, o ? (unsigned long long)o->addr : 0ull,
            mode == TL_MODE_READ ? " for reading" : "");
}

static void locks_text(FILE *m, const acc_view *a) {
    if (!a->tid) return;
    fprintf(m, "  Locks held by T%u: ", a->tid);
    if (!a->a->nlocks) fputs("none", m);
    for (unsigned i = 0; i < a->a->nlocks && i < TL_RACE_LOCKS; i++) {
        if (i) fputs(", ", m);
        lock_text(m, a->a->locks[i], a->a->lock_modes[i]);
    }
    fputc('\n', m);
}

/* TSan's summary names the function after "in": "/abs/counter.c:12 in
 * worker" from "/abs/counter.c:12 (worker)"; a tl_site gives its own. */
static void summary_site(FILE *m, const acc_view *a) {
    const char *label = a->at;
    size_t n = strlen(label);
    const char *open = strrchr(label, '(');
    if (!(a->frame_flags[0] & TL_EVF_PC)) {
        const tl_site *s = (const tl_site *)(uintptr_t)a->frame[0];
        fputs(label, m);
        if (s && s->func && s->func[0]) fprintf(m, " in %s", s->func);
        return;
    }
    if (open && open > label + 1 && open[-1] == ' ' && n && label[n - 1] == ')' &&
        memchr(label, ':', (size_t)(open - label))) {
        fprintf(m, "%.*s in %.*s", (int)(open - 1 - label), label,
                (int)(label + n - 1 - (open + 1)), open + 1);
        return;
    }
    fputs(label, m);
}

static void sleep_text(FILE *m, const race_view *v) {
    const tl_race_rec *r = v->r;
    double ms = sleep_ms(r);
    char at[SITE_MAX] = "";
    if (r->sleep_site) site_text(r->sleep_site, r->sleep_flags, at, sizeof at);
    fputs("  Note: only a sleep (", m);
    if (at[0]) fprintf(m, "%s, ", at);
    fprintf(m, ms >= 100 ? "%.0f" : "%.3g", ms);
    fprintf(m, " ms in T%u) separated these accesses; a sleep orders\n"
               "  nothing, so it can hide a race but never fix it.\n", v->second.tid);
}

static void print_report(const race_view *v) {
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m) tl__die("out of memory reporting a data race");
    fputs("==================\n", m);
    fprintf(m, "WARNING: threadlens: data race (pid=%llu)\n", (unsigned long long)tl__g.pid);
    access_text(m, &v->second, 0);
    access_text(m, &v->first, 1);
    locks_text(m, &v->second);
    locks_text(m, &v->first);
    if (v->var[0]) fprintf(m, "  Location is global '%s' at %s\n", v->var, v->addr);
    if (v->r->sleep_end) sleep_text(m, v);
    if (v->prior.tid)
        fprintf(m, "  Note: T%u had read it itself before, at %s: a read-modify-write that\n"
                   "  another thread's update can slip into (a lost update).\n",
                v->prior.tid, v->prior.at);
    fputs("SUMMARY: threadlens: data race ", m);
    summary_site(m, &v->second);
    fputs("\n==================\n", m);
    if (fclose(m) != 0 || !buf) tl__die("out of memory reporting a data race");
    tl__finding_stderr(buf, len);
    free(buf);
}

/* ---- one finding per pair of places ---------------------------------------------- */

/* The place of an access for merging: "file:line" of its label, without
 * the function ("/abs/c.c:7" from "/abs/c.c:7 (bump)"; a tl_site's label
 * is that already), or the whole label when it has no line ("bump+0x1a
 * (prog)", "0x7f12ab34cd56"). The first ":<digits>" that ends the label or
 * is followed by " (" ends the place: a function name (C++'s "f(int)")
 * comes after it. */
static size_t place_len(const char *label) {
    for (const char *c = strchr(label, ':'); c; c = strchr(c + 1, ':')) {
        const char *d = c + 1;
        while (*d >= '0' && *d <= '9') d++;
        if (d > c + 1 && c > label && (!*d || (d[0] == ' ' && d[1] == '('))) return (size_t)(d - label);
    }
    return strlen(label);
}

/* The two places, in a fixed order (the pair is unordered). */
static char *key_make(const race_view *v, uint64_t *hash) {
    const char *p[2] = {v->first.at, v->second.at};
    size_t n[2] = {place_len(p[0]), place_len(p[1])};
    size_t common = n[0] < n[1] ? n[0] : n[1];
    int c = memcmp(p[0], p[1], common);
    if (c > 0 || (c == 0 && n[0] > n[1])) {
        const char *tp = p[0];
        p[0] = p[1], p[1] = tp;
        size_t tn = n[0];
        n[0] = n[1], n[1] = tn;
    }
    char *key = malloc(n[0] + n[1] + 2);
    if (!key) tl__die("out of memory reporting a data race");
    memcpy(key, p[0], n[0]);
    key[n[0]] = '\n';
    memcpy(key + n[0] + 1, p[1], n[1]);
    key[n[0] + n[1] + 1] = 0;
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
    for (const char *k = key; *k; k++) h = (h ^ (unsigned char)*k) * 0x100000001b3ull;
    *hash = h;
    return key;
}

/* ---- entry points ------------------------------------------------------------------ */

/* A record the writer sees for the first time: a new finding, reported, or
 * one more record of a finding made already, which only adds its count
 * (written at close). */
static void render(tl_race_rec *r, uint32_t ev_tid, uint64_t ev_ns) {
    if (atomic_exchange_explicit(&r->announced, 1, memory_order_acq_rel)) return;
    race_view v;
    view_make(&v, r, ev_tid, ev_ns);
    uint64_t hash;
    char *key = key_make(&v, &hash);
    uint32_t k = finding_find(key, hash);
    if (k < nfinds) {
        free(key);
        *find_of_slot(r->id) = k + 1;
        return;
    }
    finding *f = finding_add(key, hash);
    v.fid = tl__finding_new_id();
    f->fid = v.fid, f->tid = v.second.tid, f->rec = r, f->written = v.count;
    *find_of_slot(r->id) = nfinds;
    uint64_t flow = v.first.tid ? tl__tracks_flow_id() : 0;
    if (v.prior.tid) access_slice(&v, &v.prior, 0, 0, 1);
    if (v.first.tid) access_slice(&v, &v.first, flow, 1, 0);
    access_slice(&v, &v.second, flow, 0, 0);
    write_instant(&v, v.second.ns);
    print_report(&v);
    tl__finding_counted(TL_FIND_RACE);
}

void tl__racereport_event(uint32_t tid, uint64_t ns, const tl_rec *e) {
    tl_race_rec *r = (tl_race_rec *)(uintptr_t)e->arg;
    if (r) render(r, tid, ns);
}

void tl__racereport_close(void) {
    uint32_t n = 0;
    tl_race_rec *const *recs = tl__race_records(&n);
    for (uint32_t i = 0; recs && i < n; i++)
        if (recs[i] && !atomic_load_explicit(&recs[i]->announced, memory_order_acquire))
            render(recs[i], 0, tl__tracks_now());
    /* Repeats since the report, of its first record and of the records
     * merged into it: a later event with the same id and the summed count,
     * as lock order cycles do. */
    uint64_t *total = nfinds ? calloc(nfinds, sizeof *total) : NULL;
    if (nfinds && !total) tl__die("out of memory reporting a data race");
    for (uint32_t i = 0; recs && i < n; i++) {
        tl_race_rec *r = recs[i];
        uint32_t k = r && r->id < find_of_cap ? find_of[r->id] : 0;
        if (!k) continue;
        uint64_t c = atomic_load_explicit(&r->count, memory_order_relaxed);
        total[k - 1] += c ? c : 1;
    }
    for (uint32_t k = 0; k < nfinds; k++) {
        finding *f = &finds[k];
        if (total[k] <= f->written) continue;
        race_view v;
        view_make(&v, f->rec, f->tid, 0);
        v.fid = f->fid, v.count = total[k];
        write_instant(&v, tl__tracks_now());
        f->written = total[k];
    }
    free(total);
    uint64_t more = tl__race_overflow();
    if (more) tl__warn("%llu more races not reported (THREADLENS_MAX_RACES)", (unsigned long long)more);
}
