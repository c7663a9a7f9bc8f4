/*
 * tl_finding.c — renders the detectors' findings (tl_finding.h): an instant
 * event in the trace, arrows for a deadlock's cycle, and a report on stderr
 * laid out the way TSan and lockdep users read them. After a deadlock or a
 * hang it decides, by THREADLENS_ON_DEADLOCK, whether the process ends.
 *
 * Writer thread only; it may allocate and format freely.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tl_finding.h"
#include "tl_tracks.h"

enum { ON_DEADLOCK_EXIT = 0, ON_DEADLOCK_ABORT = 1, ON_DEADLOCK_WAIT = 2 };

static uint32_t next_id;
static int fatal;
/* Reported per kind, for the exit summary: written by the writer, read
 * after it has stopped (tl__writer_finish waits for it). */
static _Atomic uint64_t found[TL_FIND__KINDS];

uint32_t tl__finding_new_id(void) { return ++next_id; }

void tl__finding_counted(tl_finding_kind kind) {
    if (kind < TL_FIND__KINDS) atomic_fetch_add_explicit(&found[kind], 1, memory_order_relaxed);
}

void tl__finding_start(tl_finding *f, tl_finding_kind kind, uint32_t tid, uint64_t ns) {
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->id = tl__finding_new_id();
    f->count = 1;
    f->tid = tid;
    f->ns = ns;
}
int tl__finding_fatal(void) { return fatal; }

/* ---- a growing text buffer ---------------------------------------------------- */

typedef struct sbuf { char *s; size_t len, cap; } sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...) {
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) return;
        if (b->s && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap : 1024;
        while (cap <= b->len + (size_t)n) cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) tl__die("out of memory reporting a finding");
        b->s = p, b->cap = cap;
    }
}

/* ---- names --------------------------------------------------------------------- */

typedef struct label { char s[TL_NAME_MAX + 48]; } label;
typedef struct slabel { char s[600]; } slabel;

static label thread_l(uint32_t tid) {
    label l;
    char name[TL_NAME_MAX];
    tl__tracks_thread_label(tid, name, sizeof name);
    snprintf(l.s, sizeof l.s, "%s (T%u)", name, tid);
    return l;
}

/* "Thread main (T1)" at the start of a report's line; "Thread 0 (T2)", not
 * "Thread Thread 0 (T2)", for a thread its program named "Thread 0". */
static label thread_line_l(uint32_t tid) {
    label l = thread_l(tid), t;
    if (strncmp(l.s, "Thread ", 7) == 0 || strncmp(l.s, "thread ", 7) == 0) return l;
    memcpy(t.s, "Thread ", 7);
    memcpy(t.s + 7, l.s, sizeof t.s - 8); /* names are shorter than the label */
    t.s[sizeof t.s - 1] = 0;
    return t;
}

static label obj_l(uint32_t id) {
    label l;
    tl__tracks_obj_label(id, l.s, sizeof l.s);
    return l;
}

/* "lock_a (0x5581...)" */
static label obj_addr_l(uint32_t id) {
    label l;
    char name[TL_NAME_MAX];
    const tl_obj *r = tl__obj_get(id);
    tl__tracks_obj_label(id, name, sizeof name);
    snprintf(l.s, sizeof l.s, "%s (%#llx)", name, r ? (unsigned long long)r->addr : 0ull);
    return l;
}

static slabel site_l(tl_fsite at) {
    slabel l;
    tl__tracks_site_label(at.site, at.flags, l.s, sizeof l.s);
    return l;
}

static const char *kind_name(tl_finding_kind k) {
    switch (k) {
    case TL_FIND_LOCK_ORDER: return "lock order inversion";
    case TL_FIND_DEADLOCK: return "deadlock";
    case TL_FIND_HANG: return "hang";
    case TL_FIND_MISUSE: return "misuse";
    case TL_FIND_RACE: return "data race";
    case TL_FIND_TASK: return "unobserved task failure";
    case TL_FIND__KINDS: break;
    }
    return "finding";
}

static double secs(uint64_t ns) { return (double)ns / 1e9; }

/* ---- the one-line message ------------------------------------------------------- */

static void message(const tl_finding *f, sbuf *b) {
    switch (f->kind) {
    case TL_FIND_LOCK_ORDER:
        sb_printf(b, "lock order inversion (potential deadlock): ");
        for (uint32_t i = 0; i < f->nsteps; i++) sb_printf(b, "%s => ", obj_l(f->steps[i].held).s);
        sb_printf(b, "%s", obj_l(f->steps[0].held).s);
        break;
    case TL_FIND_DEADLOCK:
        sb_printf(b, "deadlock: ");
        for (uint32_t i = 0; i < f->nsteps; i++) {
            const tl_fstep *s = &f->steps[i];
            sb_printf(b, "%s%s %s", i ? "; " : "", thread_l(s->tid).s, s->state);
            if (s->held) sb_printf(b, " holding %s", obj_l(s->held).s);
        }
        break;
    case TL_FIND_HANG:
        sb_printf(b, "hang: every thread blocked for %.1f s: ", secs(f->hang_ns));
        for (uint32_t i = 0; i < f->nsteps; i++)
            sb_printf(b, "%s%s %s", i ? "; " : "", thread_l(f->steps[i].tid).s, f->steps[i].state);
        if (f->lost) sb_printf(b, " (lost wakeup on %s)", obj_l(f->lost_cond).s);
        break;
    case TL_FIND_MISUSE:
        sb_printf(b, "%s", f->what);
        if (f->obj) sb_printf(b, ": %s", obj_l(f->obj).s);
        else if (f->obj_tid) sb_printf(b, ": %s", thread_l(f->obj_tid).s);
        if (f->at.site) sb_printf(b, " at %s", site_l(f->at).s);
        break;
    case TL_FIND_TASK:
        sb_printf(b, "unobserved task failure: task '%s' (#%llu) of pool %s failed with status %lld%s%s; "
                     "nobody looked at its future",
                  f->task.label, (unsigned long long)f->task.serial, obj_l(f->task.pool).s,
                  (long long)f->task.status, f->task.error ? ": " : "",
                  f->task.error ? f->task.error : "");
        break;
    case TL_FIND_RACE: case TL_FIND__KINDS:
        break;
    }
}

/* ---- the trace event ------------------------------------------------------------- */

static tl_out *O;

static void key(const char *k) {
    tl__out_lit(O, ",\"");
    tl__out_str(O, k);
    tl__out_lit(O, "\":");
}

static void kv_str(const char *k, const char *v) {
    key(k);
    tl__out_jstr(O, v);
}

static void kv_u64(const char *k, uint64_t v) {
    key(k);
    tl__out_u64(O, v);
}

static void kv_site(const char *k, tl_fsite at) {
    if (at.site) kv_str(k, site_l(at).s);
}

/* Opens an object with its first member (the kv_ helpers write a comma
 * before theirs). */
static void obj_open_u64(const char *k, uint64_t v) {
    tl__out_lit(O, "{\"");
    tl__out_str(O, k);
    tl__out_lit(O, "\":");
    tl__out_u64(O, v);
}

static void objects(const tl_finding *f) {
    uint32_t ids[2 * TL_FIND_MAX_STEPS + 2], n = 0;
#define ADD(x)                                                                 \
    do {                                                                       \
        uint32_t v_ = (x), k_;                                                 \
        for (k_ = 0; k_ < n && ids[k_] != v_; k_++) {}                         \
        if (v_ && k_ == n) ids[n++] = v_;                                      \
    } while (0)
    for (uint32_t i = 0; i < f->nsteps; i++) {
        ADD(f->steps[i].held);
        ADD(f->steps[i].want);
    }
    ADD(f->obj);
    if (f->lost) ADD(f->lost_cond);
#undef ADD
    key("objects");
    tl__out_lit(O, "[");
    for (uint32_t i = 0; i < n; i++) {
        const tl_obj *r = tl__obj_get(ids[i]);
        char hex[20];
        tl__out_str(O, i ? ",{\"id\":" : "{\"id\":");
        tl__out_u64(O, ids[i]);
        kv_str("kind", r ? tl__obj_kind_name(r->kind) : "object");
        kv_str("name", obj_l(ids[i]).s);
        key("addr");
        tl__out_lit(O, "\"");
        tl__out_raw(O, hex, tl__fmt_hex(hex, r ? r->addr : 0));
        tl__out_lit(O, "\"}");
    }
    tl__out_lit(O, "]");
}

static const char *mode_s(unsigned m) { return m == TL_MODE_READ ? "read" : "write"; }

static void kind_args(const tl_finding *f) {
    switch (f->kind) {
    case TL_FIND_LOCK_ORDER:
    case TL_FIND_DEADLOCK: {
        int dl = f->kind == TL_FIND_DEADLOCK;
        key("cycle");
        tl__out_lit(O, "[");
        for (uint32_t i = 0; i < f->nsteps; i++) {
            const tl_fstep *s = &f->steps[i];
            if (i) tl__out_lit(O, ",");
            obj_open_u64("tid", s->tid);
            char name[TL_NAME_MAX];
            tl__tracks_thread_label(s->tid, name, sizeof name);
            kv_str("thread", name);
            if (s->held) kv_u64(dl ? "holds" : "holding", s->held);
            if (s->want) kv_u64(dl ? "waits_for" : "acquiring", s->want);
            if (s->want_tid) kv_u64("joining", s->want_tid);
            if (s->held) kv_str(dl ? "held_mode" : "holding_mode", mode_s(s->held_mode));
            if (s->want) kv_str(dl ? "waiting_mode" : "acquiring_mode", mode_s(s->want_mode));
            kv_site(dl ? "held_at" : "holding_at", s->held_at);
            kv_site(dl ? "waiting_at" : "acquiring_at", s->want_at);
            key(dl ? "since_ts" : "ts");
            tl__out_ts(O, s->ns);
            tl__out_lit(O, "}");
        }
        tl__out_lit(O, "]");
        if (f->total > f->nsteps) kv_u64("cycle_length", f->total);
        break;
    }
    case TL_FIND_HANG:
        kv_u64("blocked_for_ms", f->hang_ns / 1000000u);
        key("threads");
        tl__out_lit(O, "[");
        for (uint32_t i = 0; i < f->nsteps; i++) {
            const tl_fstep *s = &f->steps[i];
            if (i) tl__out_lit(O, ",");
            obj_open_u64("tid", s->tid);
            kv_str("state", s->state);
            key("since_ts");
            tl__out_ts(O, s->ns);
            kv_u64("waiting_on", s->want ? s->want : s->want_tid);
            if (s->want_tid) kv_str("waiting_on_kind", "thread");
            kv_site("at", s->want_at);
            tl__out_lit(O, "}");
        }
        tl__out_lit(O, "]");
        if (f->lost) {
            key("lost_wakeup");
            obj_open_u64("cond", f->lost_cond);
            key("signal_ts");
            tl__out_ts(O, f->lost_ns);
            kv_u64("signal_tid", f->lost_tid);
            kv_site("at", f->lost_at);
            tl__out_lit(O, "}");
        }
        break;
    case TL_FIND_MISUSE:
        kv_str("what", f->what);
        if (f->obj) kv_u64("object", f->obj);
        if (f->obj_tid) kv_u64("thread", f->obj_tid);
        kv_site("at", f->at);
        if (f->detail[0]) kv_str("detail", f->detail);
        break;
    case TL_FIND_TASK: {
        char pool[TL_NAME_MAX];
        tl__tracks_obj_label(f->task.pool, pool, sizeof pool);
        kv_str("pool", pool);
        kv_u64("pool_id", f->task.pool);
        kv_u64("task", f->task.serial);
        kv_str("label", f->task.label);
        key("status_code");
        if (f->task.status < 0) tl__out_lit(O, "-");
        tl__out_u64(O, f->task.status < 0 ? 0 - (uint64_t)f->task.status : (uint64_t)f->task.status);
        if (f->task.error) kv_str("error", f->task.error);
        kv_u64("worker", f->task.worker);
        key("failed_ts");
        tl__out_ts(O, f->task.failed_ns);
        if (f->task.submitter) kv_u64("submitted_by", f->task.submitter);
        kv_site("submitted_at", f->task.submitted_at);
        break;
    }
    case TL_FIND_RACE: case TL_FIND__KINDS:
        break;
    }
}

static void write_event(const tl_finding *f, uint64_t ns) {
    O = tl__tracks_out();
    sbuf msg = {0};
    message(f, &msg);
    tl__tracks_line_begin('i', f->tid, ns);
    tl__out_str(O, f->kind == TL_FIND_HANG ? ",\"s\":\"g\"" : ",\"s\":\"t\"");
    tl__out_lit(O, ",\"cat\":\"finding\",\"name\":");
    tl__out_jstr(O, kind_name(f->kind));
    tl__out_lit(O, ",\"args\":{\"finding\":");
    tl__out_jstr(O, kind_name(f->kind));
    kv_u64("id", f->id);
    kv_u64("count", f->count);
    kv_str("message", msg.s ? msg.s : "");
    kind_args(f);
    objects(f);
    tl__out_lit(O, "}");
    tl__tracks_line_end();
    free(msg.s);
}

/* Zero-length slices on each thread of the cycle (or of the hang), joined
 * by one chain of arrows: T0 → T1 → ... → T0 for a deadlock. */
static void draw_threads(const tl_finding *f, uint64_t ns) {
    int cyc = f->kind == TL_FIND_DEADLOCK;
    uint32_t n = f->nsteps;
    uint64_t id = cyc ? tl__tracks_flow_id() : 0;
    for (uint32_t i = 0; i < n + (cyc ? 1u : 0u); i++) {
        const tl_fstep *s = &f->steps[i % n];
        sbuf name = {0};
        sb_printf(&name, "%s: %s", kind_name(f->kind), s->state);
        if (cyc && s->want) {
            const tl_fstep *next = &f->steps[(i + 1) % n];
            sb_printf(&name, ", held by %s", thread_l(next->tid).s);
        }
        tl__tracks_line_begin('X', s->tid, ns + i);
        tl__out_lit(O, ",\"dur\":0,\"cat\":\"finding\",\"name\":");
        tl__out_jstr(O, name.s);
        if (id) {
            tl__out_lit(O, ",\"bind_id\":");
            tl__out_u64(O, id);
            if (i > 0) tl__out_lit(O, ",\"flow_in\":true");
            if (i < n) tl__out_lit(O, ",\"flow_out\":true");
        }
        tl__out_lit(O, ",\"args\":{\"finding_id\":");
        tl__out_u64(O, f->id);
        tl__out_lit(O, "}");
        tl__tracks_line_end();
        free(name.s);
    }
}

/* ---- stderr ------------------------------------------------------------------------ */

static const char *const RULE = "==================\n";

static void lock_order_text(const tl_finding *f, sbuf *b) {
    sb_printf(b, "WARNING: threadlens: lock order inversion (potential deadlock) (pid=%llu)\n",
              (unsigned long long)tl__g.pid);
    sb_printf(b, "  Cycle in lock order graph: ");
    for (uint32_t i = 0; i < f->nsteps; i++) sb_printf(b, "%s => ", obj_addr_l(f->steps[i].held).s);
    sb_printf(b, "%s\n", obj_l(f->steps[0].held).s);
    for (uint32_t i = 0; i < f->nsteps; i++) {
        const tl_fstep *s = &f->steps[i];
        sb_printf(b, "\n  %s %sacquired while holding %s%s in thread %s:\n", obj_l(s->want).s,
                  s->want_mode == TL_MODE_READ ? "read-" : "", obj_l(s->held).s,
                  s->held_mode == TL_MODE_READ ? " (read)" : "", thread_l(s->tid).s);
        sb_printf(b, "    %s taken at %s\n", obj_l(s->held).s, site_l(s->held_at).s);
        sb_printf(b, "    %s taken at %s\n", obj_l(s->want).s, site_l(s->want_at).s);
    }
    if (f->total > f->nsteps) sb_printf(b, "  ... (%u edges in all)\n", f->total);
    if (f->nsteps == 2) {
        const tl_fstep *a = &f->steps[0], *c = &f->steps[1];
        label ha = thread_l(a->tid), hc = thread_l(c->tid);
        if (a->tid == c->tid) snprintf(hc.s, sizeof hc.s, "another thread");
        const char *la = a->held_mode == TL_MODE_READ ? "read_lock" : "lock";
        const char *lc = c->held_mode == TL_MODE_READ ? "read_lock" : "lock";
        const char *wa = a->want_mode == TL_MODE_READ ? "read_lock" : "lock";
        const char *wc = c->want_mode == TL_MODE_READ ? "read_lock" : "lock";
        char cell[4][sizeof(label) + 16];
        snprintf(cell[0], sizeof cell[0], "%s(%s);", la, obj_l(a->held).s);
        snprintf(cell[1], sizeof cell[1], "%s(%s);", lc, obj_l(c->held).s);
        snprintf(cell[2], sizeof cell[2], "%s(%s);", wc, obj_l(c->want).s);
        snprintf(cell[3], sizeof cell[3], "%s(%s);", wa, obj_l(a->want).s);
        sb_printf(b, "\n  Possible unsafe scenario:\n\n");
        sb_printf(b, "        %-32s %s\n", ha.s, hc.s);
        sb_printf(b, "        %-32s %s\n", "----", "----");
        sb_printf(b, "        %s\n", cell[0]);
        sb_printf(b, "        %-32s %s\n", "", cell[1]);
        sb_printf(b, "        %-32s %s\n", "", cell[2]);
        sb_printf(b, "        %s\n", cell[3]);
        sb_printf(b, "\n         *** DEADLOCK ***\n");
    }
    sb_printf(b, "\n  Hint: take these locks in one global order in every thread (for example "
                 "always %s before %s), or take the later one with a trylock and, when it "
                 "fails, release what you hold and try again.\n",
              obj_l(f->steps[0].held).s, obj_l(f->steps[0].want).s);
    if (f->count > 1) sb_printf(b, "  Seen %llu times.\n", (unsigned long long)f->count);
}

static void ending_text(sbuf *b) {
    int how = tl__g.opt.on_deadlock;
    if (how == ON_DEADLOCK_WAIT)
        sb_printf(b, "  The process keeps waiting (THREADLENS_ON_DEADLOCK=wait).\n");
    else if (how == ON_DEADLOCK_ABORT)
        sb_printf(b, "  The trace is closed, then the process aborts (THREADLENS_ON_DEADLOCK=abort).\n");
    else
        sb_printf(b, "  The trace is closed, then the process exits with status %llu "
                     "(THREADLENS_ON_DEADLOCK=abort dumps core, =wait keeps waiting).\n",
                  (unsigned long long)tl__g.opt.deadlock_exitcode);
}

static void deadlock_text(const tl_finding *f, sbuf *b) {
    sb_printf(b, "ERROR: threadlens: deadlock (pid=%llu)\n", (unsigned long long)tl__g.pid);
    sb_printf(b, "  Cycle in wait-for graph: ");
    for (uint32_t i = 0; i < f->nsteps; i++) {
        const tl_fstep *s = &f->steps[i];
        sb_printf(b, "%s => ", thread_l(s->tid).s);
        if (s->want) sb_printf(b, "%s => ", obj_l(s->want).s);
    }
    sb_printf(b, "%s\n\n", thread_l(f->steps[0].tid).s);
    int self = f->nsteps == 1 && f->steps[0].want;
    for (uint32_t i = 0; i < f->nsteps; i++) {
        const tl_fstep *s = &f->steps[i];
        if (s->want) sb_printf(b, "  %s waits for %s at %s\n", thread_line_l(s->tid).s,
                               obj_addr_l(s->want).s, site_l(s->want_at).s);
        else sb_printf(b, "  %s waits for %s to end, at %s\n", thread_line_l(s->tid).s,
                       thread_l(s->want_tid).s, site_l(s->want_at).s);
        if (s->held && self)
            sb_printf(b, "    and already holds it, taken at %s\n", site_l(s->held_at).s);
        else if (s->held)
            sb_printf(b, "    and holds %s, taken at %s\n", obj_addr_l(s->held).s, site_l(s->held_at).s);
    }
    if (f->total > f->nsteps) sb_printf(b, "  ... (%u threads in all)\n", f->total);
    if (self)
        sb_printf(b, "\n  Hint: a non-recursive mutex cannot be locked again by the thread that "
                     "holds it: unlock it first, or make it a recursive mutex.\n");
    else
        sb_printf(b, "\n  Hint: take the locks in one global order in every thread, or take the "
                     "later one with a trylock and back off (release what you hold and retry).\n");
    ending_text(b);
}

static void hang_text(const tl_finding *f, sbuf *b) {
    sb_printf(b, "ERROR: threadlens: hang: every thread blocked for %.1f s (pid=%llu)\n",
              secs(f->hang_ns), (unsigned long long)tl__g.pid);
    for (uint32_t i = 0; i < f->nsteps; i++) {
        const tl_fstep *s = &f->steps[i];
        sb_printf(b, "  %s: %s since %.3f s, at %s\n", thread_line_l(s->tid).s, s->state,
                  secs(s->ns), site_l(s->want_at).s);
    }
    if (f->total > f->nsteps) sb_printf(b, "  ... (%u threads in all)\n", f->total);
    if (f->lost)
        sb_printf(b, "\n  Lost wakeup: %s was signalled at %.3f s by %s at %s while no thread "
                     "waited on it, so the signal was lost. Wait in a loop on a condition "
                     "(a flag protected by the mutex), and set it before signalling.\n",
                  obj_l(f->lost_cond).s, secs(f->lost_ns), thread_l(f->lost_tid).s,
                  site_l(f->lost_at).s);
    sb_printf(b, "\n  Hint: no thread can wake the others. Check that every wait has a "
                 "matching signal, post or unlock that still happens.\n");
    ending_text(b);
}

static void misuse_text(const tl_finding *f, sbuf *b) {
    sb_printf(b, "WARNING: threadlens: %s (pid=%llu)\n", f->what, (unsigned long long)tl__g.pid);
    sb_printf(b, "  %s", thread_line_l(f->tid).s);
    if (f->at.site) sb_printf(b, " at %s", site_l(f->at).s);
    if (f->obj) sb_printf(b, ": %s", obj_addr_l(f->obj).s);
    else if (f->obj_tid) sb_printf(b, ": %s", thread_line_l(f->obj_tid).s);
    sb_printf(b, "\n");
    if (f->detail[0]) sb_printf(b, "  %s\n", f->detail);
}

static void task_text(const tl_finding *f, sbuf *b) {
    sb_printf(b, "WARNING: threadlens: unobserved task failure (pid=%llu)\n",
              (unsigned long long)tl__g.pid);
    sb_printf(b, "  Task '%s' (#%llu) of pool %s failed on thread %s at %.3f s: status %lld%s%s\n",
              f->task.label, (unsigned long long)f->task.serial, obj_l(f->task.pool).s,
              thread_l(f->task.worker).s, secs(f->task.failed_ns), (long long)f->task.status,
              f->task.error ? ": " : "", f->task.error ? f->task.error : "");
    if (f->task.submitted_at.site)
        sb_printf(b, "  Submitted by %s at %s\n", thread_l(f->task.submitter).s,
                  site_l(f->task.submitted_at).s);
    sb_printf(b, "  Nobody read its result, state or error before %s.\n", f->what);
    sb_printf(b, "  Hint: call tl_future_result() on every future (Python's pool hides such\n"
                 "  exceptions until future.result() re-raises them).\n");
}

static void print_report(const tl_finding *f) {
    sbuf b = {0};
    sb_printf(&b, "%s", RULE);
    switch (f->kind) {
    case TL_FIND_LOCK_ORDER: lock_order_text(f, &b); break;
    case TL_FIND_DEADLOCK: deadlock_text(f, &b); break;
    case TL_FIND_HANG: hang_text(f, &b); break;
    case TL_FIND_MISUSE: misuse_text(f, &b); break;
    case TL_FIND_TASK: task_text(f, &b); break;
    case TL_FIND_RACE: case TL_FIND__KINDS: break;
    }
    sb_printf(&b, "%s", RULE);
    tl__finding_stderr(b.s, b.len);
    free(b.s);
}

void tl__finding_stderr(const char *text, size_t len) {
    for (size_t off = 0; off < len;) {
        ssize_t w = write(2, text + off, len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        off += (size_t)w;
    }
}

/* ---- entry points ----------------------------------------------------------------- */

void tl__finding_report(const tl_finding *f) {
    if (!f->nsteps && f->kind != TL_FIND_MISUSE && f->kind != TL_FIND_TASK) return;
    tl__finding_counted(f->kind);
    /* At or after everything written so far: the waits it names are open. */
    uint64_t now = tl__tracks_now();
    uint64_t ns = f->kind == TL_FIND_DEADLOCK || f->kind == TL_FIND_HANG ? (now > f->ns ? now : f->ns) : f->ns;
    write_event(f, ns);
    if (f->kind == TL_FIND_DEADLOCK || f->kind == TL_FIND_HANG) draw_threads(f, ns + 1);
    print_report(f);
    if ((f->kind == TL_FIND_DEADLOCK || f->kind == TL_FIND_HANG) &&
        tl__g.opt.on_deadlock != ON_DEADLOCK_WAIT)
        fatal = 1;
}

void tl__finding_recount(const tl_finding *f) {
    write_event(f, tl__tracks_now());
}

void tl__finding_summary(char *out, size_t cap) {
    /* Singular and plural, in the order a reader fixes them: races first. */
    static const struct { tl_finding_kind k; const char *one, *many; } names[] = {
        {TL_FIND_RACE, "data race", "data races"},
        {TL_FIND_DEADLOCK, "deadlock", "deadlocks"},
        {TL_FIND_HANG, "hang", "hangs"},
        {TL_FIND_LOCK_ORDER, "lock order inversion", "lock order inversions"},
        {TL_FIND_MISUSE, "misuse", "misuses"},
        {TL_FIND_TASK, "unobserved task failure", "unobserved task failures"},
    };
    size_t n = 0;
    if (cap) out[0] = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        uint64_t c = atomic_load_explicit(&found[names[i].k], memory_order_relaxed);
        if (!c || n >= cap) continue;
        int k = snprintf(out + n, cap - n, "%s%llu %s", n ? ", " : "; found ",
                         (unsigned long long)c, c == 1 ? names[i].one : names[i].many);
        if (k > 0) n += (size_t)k < cap - n ? (size_t)k : cap - n - 1;
    }
}

void tl__finding_end(void) {
    tl__finish_by_writer();
    if (tl__g.opt.on_deadlock == ON_DEADLOCK_ABORT) abort();
    _exit((int)tl__g.opt.deadlock_exitcode);
}
