/*
 * tl_tracks_hl.c — queue, pool, event and timer events → trace events
 * (docs/trace-format.md, "Queues, pools, events and timers").
 *
 * Draws with tl_tracks.c's primitives (tl_tracks_int.h) and keeps what
 * those hand-offs need to draw their arrows: a queue's unconsumed puts
 * (matched to gets by the item's serial number), every pool task's submit
 * and end (matched by the task's number, to the task slice and to each
 * look at its result; kept until the pool says its future was freed,
 * TASKS_FREED), an event's last set, a timer's cancel. A task
 * failure nobody looked at becomes a finding here, since this is where
 * its label, worker and message are known.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl_finding.h"
#include "tl_symbolize.h"
#include "tl_tracks_int.h"

#define PUTS_KEPT 4096 /* per queue: older unconsumed puts lose their arrow */

typedef struct tok { uint64_t serial; uint32_t tid; uint64_t ns; } tok;

enum { TK_UNKNOWN, TK_QUEUED, TK_RUNNING, TK_ENDED, TK_CANCELLED };

typedef struct htask {
    const char *jlabel;      /* escaped, cached */
    const char *label;       /* the program's label (interned), or NULL */
    const char *error;       /* its tl_task_fail message (interned), or NULL */
    uint64_t fn;             /* the task function */
    uint64_t sub_ns, begin_ns, end_ns, sub_site;
    int64_t status;
    uint32_t sub_tid, worker;
    uint8_t sub_flags, state;
} htask;

typedef struct hobj {
    tok *puts;               /* queue: ring of PUTS_KEPT */
    uint32_t puts_head, puts_count;
    htask **tasks;           /* pool: chunks of TL_TASK_CHUNK, by serial (TASKS_FREED frees one) */
    uint32_t ntasks_chunks;
    uint32_t busy;
    tok last;                /* event: the last set; timer: the cancel in time */
} hobj;

typedef struct hthread {
    uint32_t label_pool;             /* TASK_LABEL: for this thread's next submits */
    uint64_t label_fn;               /* to that pool (tl_pool.c, say_label) */
    const char *label;
    const char *fail_msg;            /* TASK_FAIL, for the TASK_END after it */
    int64_t fail_status;
    uint8_t failed;
    uint64_t wait_serial;            /* FUTURE_WAIT */
    uint64_t task_serial;            /* the task level drawn on this worker, 0: none */
} hthread;

static hobj *hobjs;
static uint32_t nhobjs;
static hthread *hthreads;
static uint32_t nhthreads;

static hobj *hobj_of(uint32_t id) {
    if (id >= nhobjs) hobjs = tl__tk_grow(hobjs, &nhobjs, id, sizeof *hobjs);
    return &hobjs[id];
}

static hthread *hthr(uint32_t tid) {
    if (tid >= nhthreads) hthreads = tl__tk_grow(hthreads, &nhthreads, tid, sizeof *hthreads);
    return &hthreads[tid];
}

/* The task with that serial (created on first mention). */
static htask *task_of(hobj *p, uint64_t serial) {
    uint64_t c = serial / TL_TASK_CHUNK;
    if (c > UINT32_MAX / 2) c = UINT32_MAX / 2; /* a corrupt serial: one shared slot */
    if (c >= p->ntasks_chunks) p->tasks = tl__tk_grow(p->tasks, &p->ntasks_chunks, (uint32_t)c, sizeof *p->tasks);
    if (!p->tasks[c] && !(p->tasks[c] = calloc(TL_TASK_CHUNK, sizeof(htask))))
        tl__die("out of memory in the trace writer");
    htask *k = &p->tasks[c][serial % TL_TASK_CHUNK];
    if (!k->jlabel) k->jlabel = "task";
    return k;
}

/* ---- output pieces ---------------------------------------------------------------- */

static tl_out *O;

/* An instant "<what><jobj>" of cat on tid; the caller may add args members
 * (each starting with ",") before instant_end. */
static void instant_begin(uint32_t tid, uint64_t ns, const char *cat, const char *what,
                          const char *jobj, const tl_rec *site_ev) {
    O = tl__tracks_out();
    tl__tracks_line_begin('i', tid, ns);
    tl__out_lit(O, ",\"s\":\"t\",\"cat\":\"");
    tl__out_str(O, cat);
    tl__out_lit(O, "\",\"name\":\"");
    tl__out_str(O, what);
    tl__out_str(O, jobj);
    tl__out_lit(O, "\",\"args\":{\"tid\":");
    tl__out_u64(O, tid);
    if (site_ev && site_ev->site) {
        tl__out_lit(O, ",\"at\":");
        tl__tk_put_site(site_ev->site, site_ev->flags);
    }
}

static void instant_end(void) {
    tl__out_lit(O, "}");
    tl__tracks_line_end();
}

/* A task's args, built with memcpy and tl__fmt_u64: with a burst's events
 * written afterwards, snprintf here was most of the time writing them took.
 * Truncates at cap (always terminated). */
typedef struct xbuf { char *s; size_t n, cap; } xbuf;

static xbuf xb_new(size_t cap) {
    xbuf b = {malloc(cap), 0, cap};
    if (!b.s) tl__die("out of memory in the trace writer");
    b.s[0] = 0;
    return b;
}

static void xb_put(xbuf *b, const char *s, size_t k) {
    if (k > b->cap - 1 - b->n) k = b->cap - 1 - b->n;
    memcpy(b->s + b->n, s, k);
    b->s[b->n += k] = 0;
}

#define xb_lit(b, s) xb_put((b), "" s "", sizeof(s) - 1)
static void xb_str(xbuf *b, const char *s) { xb_put(b, s, strlen(s)); }

static void xb_u64(xbuf *b, uint64_t v) {
    char d[20];
    xb_put(b, d, tl__fmt_u64(d, v));
}

/* "12.345": microseconds from ns. */
static void xb_us(xbuf *b, uint64_t ns) {
    char d[4] = {'.', (char)('0' + ns % 1000 / 100), (char)('0' + ns % 100 / 10), (char)('0' + ns % 10)};
    xb_u64(b, ns / 1000);
    xb_put(b, d, 4);
}

/* ---- queues ------------------------------------------------------------------------ */

static void put_push(hobj *q, tok t) {
    if (!q->puts && !(q->puts = calloc(PUTS_KEPT, sizeof *q->puts)))
        tl__die("out of memory in the trace writer");
    if (q->puts_count == PUTS_KEPT) {
        q->puts_head = (q->puts_head + 1) % PUTS_KEPT;
        q->puts_count--;
    }
    q->puts[(q->puts_head + q->puts_count++) % PUTS_KEPT] = t;
}

/* The put of item serial, {0} when it was forgotten or lost. */
static tok put_take(hobj *q, uint64_t serial) {
    tok none = {0, 0, 0};
    while (q->puts_count) {
        tok t = q->puts[q->puts_head];
        if (t.serial > serial) return none;
        q->puts_head = (q->puts_head + 1) % PUTS_KEPT;
        q->puts_count--;
        if (t.serial == serial) return t;
    }
    return none;
}

static void on_queue(uint32_t tid, uint64_t ns, const tl_rec *e) {
    hobj *q = hobj_of(e->obj);
    const char *jq = tl__tk_obj_jname(e->obj);
    uint32_t on;
    int waiting = tl__tk_state_of(tid, &on) == ST_QUEUE && on == e->obj;
    switch ((tl_event_kind)e->kind) {
    case TL_EV_Q_WAIT:
        tl__tk_state(tid, ns, ST_QUEUE, tl__qop_wait_text(e->aux), jq, e->obj, 0, e);
        break;
    case TL_EV_Q_PUT:
        if (waiting) tl__tk_running(tid, ns, 0, e);
        else tl__tk_ensure_running(tid, ns);
        put_push(q, (tok){TL_QARG_SERIAL(e->arg), tid, ns});
        tl__tk_counter(tid, ns, jq, "depth", (double)TL_QARG_COUNT(e->arg));
        break;
    case TL_EV_Q_GET: {
        tok from = put_take(q, TL_QARG_SERIAL(e->arg));
        uint64_t flow = from.tid && from.tid != tid ? tl__tk_flow_source(from.tid, from.ns, "put ", jq, ns) : 0;
        if (waiting) {
            tl__tk_running(tid, ns, flow, e);
        } else {
            tl__tk_ensure_running(tid, ns);
            tl__tk_flow_target(tid, ns, "get ", jq, flow);
        }
        tl__tk_counter(tid, ns, jq, "depth", (double)TL_QARG_COUNT(e->arg));
        break;
    }
    case TL_EV_Q_FAIL:
        tl__tk_wait_failed(tid, ns, (int)e->arg, e);
        break;
    case TL_EV_Q_JOINED:
        tl__tk_running(tid, ns, 0, e);
        break;
    case TL_EV_Q_CLOSE:
        tl__tk_ensure_running(tid, ns);
        instant_begin(tid, ns, "queue", "close ", jq, e);
        instant_end();
        break;
    default: /* Q_DONE */
        tl__tk_ensure_running(tid, ns);
        break;
    }
}

/* ---- pools ------------------------------------------------------------------------- */

static void counters(uint32_t tid, uint64_t ns, uint32_t pool, const char *key, double v) {
    tl__tk_counter(tid, ns, tl__tk_obj_jname(pool), key, v);
}

static void task_submit(uint32_t tid, uint64_t ns, const tl_rec *e) {
    hobj *p = hobj_of(e->obj);
    uint64_t serial = TL_QARG_SERIAL(e->arg);
    htask *k = task_of(p, serial);
    hthread *h = hthr(tid);
    /* A lost event just before may have been this task's label. */
    if (e->flags & TL_EVF_GAP) h->label_pool = 0;
    if (h->label_pool == e->obj) {
        k->label = h->label, k->fn = h->label_fn;
        k->jlabel = h->label ? tl__tk_name_jtext(h->label) : tl__tk_func_jtext(h->label_fn);
    }
    k->sub_tid = tid, k->sub_ns = ns, k->sub_site = e->site, k->sub_flags = e->flags;
    k->state = TK_QUEUED;
    tl__tk_ensure_running(tid, ns);
    counters(tid, ns, e->obj, "queued", (double)TL_QARG_COUNT(e->arg));
}

/* The task's level is pushed before the worker's state turns to running,
 * so the idle slice ends where the task begins and no empty piece is left.
 * handover: the worker went straight on from another task (TASK_NEXT), so
 * busy did not change and its counter is not written again. */
static void task_begin(uint32_t tid, uint64_t ns, const tl_rec *e, int handover) {
    hobj *p = hobj_of(e->obj);
    uint64_t serial = TL_QARG_SERIAL(e->arg);
    htask *k = task_of(p, serial);
    hthread *h = hthr(tid);
    uint64_t flow = k->sub_tid && k->sub_tid != tid
                        ? tl__tk_flow_source(k->sub_tid, k->sub_ns, "submit ", k->jlabel, ns) : 0;
    xbuf x = xb_new(64);
    xb_lit(&x, "\"pool_id\":");
    xb_u64(&x, e->obj);
    xb_lit(&x, ",\"task\":");
    xb_u64(&x, serial);
    h->task_serial = tl__tk_level_push(tid, ns, k->jlabel, TL_LV_TASK, flow, NULL, x.s) ? serial : 0;
    tl__tk_running(tid, ns, 0, NULL);
    k->state = TK_RUNNING, k->worker = tid, k->begin_ns = ns;
    p->busy++;
    counters(tid, ns, e->obj, "queued", (double)TL_QARG_COUNT(e->arg));
    if (!handover) counters(tid, ns, e->obj, "busy", p->busy);
}

/* The args of a task's last piece (malloc'ed). The names and the message
 * are bounded (ESC_NAME, tl_task_fail's 512 bytes escaped), so cap holds
 * them all; a longer text would only be cut. */
static char *task_args(uint32_t pool, uint64_t serial, const htask *k) {
    xbuf x = xb_new(4 * ESC_NAME + 256 + (k->error ? 6 * 512 + 32 : 0));
    xb_lit(&x, "\"pool\":\"");
    xb_str(&x, tl__tk_obj_jname(pool));
    xb_lit(&x, "\",\"pool_id\":");
    xb_u64(&x, pool);
    xb_lit(&x, ",\"task\":");
    xb_u64(&x, serial);
    xb_lit(&x, ",\"queue_wait_us\":");
    xb_us(&x, k->sub_tid && k->begin_ns > k->sub_ns ? k->begin_ns - k->sub_ns : 0);
    if (k->sub_tid) {
        xb_lit(&x, ",\"submitted_by\":");
        xb_u64(&x, k->sub_tid);
        xb_lit(&x, ",\"submitted_at\":\"");
        xb_str(&x, k->sub_site ? tl__tk_site_jtext(k->sub_site, k->sub_flags) : "?");
        xb_lit(&x, "\"");
    }
    if (!k->status) {
        xb_lit(&x, ",\"status\":\"ok\"");
    } else {
        xb_lit(&x, ",\"status\":\"failed\",\"status_code\":");
        if (k->status < 0) xb_lit(&x, "-");
        xb_u64(&x, k->status < 0 ? 0 - (uint64_t)k->status : (uint64_t)k->status);
        if (k->error) {
            xb_lit(&x, ",\"error\":\"");
            tl__json_escape(x.s + x.n, x.cap - x.n - 1, k->error);
            x.n += strlen(x.s + x.n);
            xb_lit(&x, "\"");
        }
    }
    return x.s;
}

static void task_end(uint32_t tid, uint64_t ns, const tl_rec *e, int handover) {
    hobj *p = hobj_of(e->obj);
    uint64_t serial = e->arg;
    htask *k = task_of(p, serial);
    hthread *h = hthr(tid);
    k->status = 0, k->error = NULL;
    if (e->aux) {
        k->status = h->failed ? h->fail_status : -1;
        k->error = h->failed ? h->fail_msg : NULL;
    }
    h->failed = 0;
    if (!k->begin_ns) k->begin_ns = ns;
    char *xargs = task_args(e->obj, serial, k);
    if (h->task_serial == serial) tl__tk_level_pop(tid, ns, TL_LV_TASK, xargs);
    else free(xargs);
    h->task_serial = 0;
    if (e->aux) {
        char *esc = malloc(6 * 512 + 1);
        if (!esc) tl__die("out of memory in the trace writer");
        tl__json_escape(esc, 6 * 512 + 1, k->error ? k->error : "");
        instant_begin(tid, ns, "task", "task failed: ", k->jlabel, NULL);
        tl__out_lit(O, ",\"pool_id\":");
        tl__out_u64(O, e->obj);
        tl__out_lit(O, ",\"task\":");
        tl__out_u64(O, serial);
        tl__out_lit(O, ",\"status_code\":");
        if (k->status < 0) tl__out_lit(O, "-");
        tl__out_u64(O, k->status < 0 ? 0 - (uint64_t)k->status : (uint64_t)k->status);
        if (k->error) {
            tl__out_lit(O, ",\"error\":\"");
            tl__out_str(O, esc);
            tl__out_lit(O, "\"");
        }
        instant_end();
        free(esc);
    }
    k->state = TK_ENDED, k->worker = tid, k->end_ns = ns;
    if (p->busy) p->busy--;
    if (!handover) counters(tid, ns, e->obj, "busy", p->busy);
}

static void future_done(uint32_t tid, uint64_t ns, const tl_rec *e) {
    htask *k = task_of(hobj_of(e->obj), e->arg);
    uint32_t on;
    int waiting = tl__tk_state_of(tid, &on) == ST_FUTURE && on == e->obj &&
                  hthr(tid)->wait_serial == e->arg;
    uint64_t flow = 0;
    if (e->aux == 0 && k->state == TK_ENDED && k->worker != tid)
        flow = tl__tk_flow_source(k->worker, k->end_ns, "result of ", k->jlabel, ns);
    if (waiting && e->aux) {
        tl__tk_wait_failed(tid, ns, e->aux, e);
    } else if (waiting) {
        tl__tk_running(tid, ns, flow, e);
    } else {
        tl__tk_ensure_running(tid, ns);
        tl__tk_flow_target(tid, ns, "got ", k->jlabel, flow);
    }
}

static void unobserved(uint32_t tid, uint64_t ns, const tl_rec *e) {
    htask *k = task_of(hobj_of(e->obj), e->arg);
    tl_finding *f = calloc(1, sizeof *f);
    if (!f) tl__die("out of memory in the trace writer");
    tl__finding_start(f, TL_FIND_TASK, tid, ns);
    f->obj = e->obj;
    f->at = (tl_fsite){e->site, e->flags};
    static const char *const when[] = {"the pool shut down", "its future was released",
                                       "the program exited"};
    snprintf(f->what, sizeof f->what, "%s", when[e->aux < 3 ? e->aux : 0]);
    f->task.pool = e->obj, f->task.worker = k->worker, f->task.submitter = k->sub_tid;
    f->task.serial = e->arg, f->task.failed_ns = k->end_ns;
    f->task.status = k->status, f->task.error = k->error;
    f->task.submitted_at = (tl_fsite){k->sub_site, k->sub_flags};
    if (k->label) snprintf(f->task.label, sizeof f->task.label, "%s", k->label);
    else if (!k->fn || !tl__sym_func(k->fn, f->task.label, sizeof f->task.label))
        snprintf(f->task.label, sizeof f->task.label, "task");
    tl__finding_report(f);
    free(f);
}

static void on_pool(uint32_t tid, uint64_t ns, const tl_rec *e) {
    hthread *h = hthr(tid);
    switch ((tl_event_kind)e->kind) {
    case TL_EV_POOL_WORKER:
        tl__tk_ensure_running(tid, ns);
        O = tl__tracks_out();
        tl__tk_meta_begin(tid, "threadlens_pool_worker");
        tl__out_lit(O, "\"pool\":");
        tl__out_u64(O, e->obj);
        tl__out_lit(O, ",\"index\":");
        tl__out_u64(O, e->arg);
        tl__out_lit(O, "}},\n");
        break;
    case TL_EV_POOL_IDLE:
        tl__tk_state(tid, ns, ST_IDLE, "idle in ", tl__tk_obj_jname(e->obj), e->obj, 0, NULL);
        break;
    case TL_EV_TASK_LABEL:
        h->label_pool = e->obj, h->label = (const char *)(uintptr_t)e->arg, h->label_fn = e->site;
        break;
    case TL_EV_TASK_SUBMIT:
        task_submit(tid, ns, e);
        break;
    case TL_EV_TASK_BEGIN:
        task_begin(tid, ns, e, 0);
        break;
    case TL_EV_TASK_FAIL:
        h->failed = 1, h->fail_msg = (const char *)(uintptr_t)e->arg, h->fail_status = (int64_t)e->val;
        break;
    case TL_EV_TASK_END:
        task_end(tid, ns, e, 0);
        break;
    case TL_EV_TASK_NEXT: {
        tl_rec end = *e, begin = *e;
        end.kind = TL_EV_TASK_END, end.arg = e->site, end.site = 0, end.aux = 0;
        begin.kind = TL_EV_TASK_BEGIN, begin.site = 0;
        task_end(tid, ns, &end, 1);
        task_begin(tid, ns, &begin, 1);
        break;
    }
    case TL_EV_TASK_CANCEL: {
        tl__tk_ensure_running(tid, ns);
        htask *k = task_of(hobj_of(e->obj), TL_QARG_SERIAL(e->arg));
        k->state = TK_CANCELLED;
        instant_begin(tid, ns, "task", "task cancelled: ", k->jlabel, e);
        tl__out_lit(O, ",\"pool_id\":");
        tl__out_u64(O, e->obj);
        tl__out_lit(O, ",\"task\":");
        tl__out_u64(O, TL_QARG_SERIAL(e->arg));
        instant_end();
        counters(tid, ns, e->obj, "queued", (double)TL_QARG_COUNT(e->arg));
        break;
    }
    case TL_EV_FUTURE_WAIT:
        h->wait_serial = e->arg;
        tl__tk_state(tid, ns, ST_FUTURE, "waiting for ", task_of(hobj_of(e->obj), e->arg)->jlabel,
                     e->obj, 0, e);
        break;
    case TL_EV_FUTURE_DONE:
        future_done(tid, ns, e);
        break;
    case TL_EV_TASKS_FREED: {
        hobj *p = hobj_of(e->obj);
        if (e->arg < p->ntasks_chunks) {
            free(p->tasks[e->arg]);
            p->tasks[e->arg] = NULL;
        }
        break;
    }
    case TL_EV_POOL_SHUTDOWN:
        tl__tk_ensure_running(tid, ns);
        instant_begin(tid, ns, "pool", "shutdown ", tl__tk_obj_jname(e->obj), e);
        tl__out_str(O, e->aux ? ",\"cancel_pending\":true" : ",\"cancel_pending\":false");
        instant_end();
        break;
    default: /* TASK_UNOBSERVED */
        tl__tk_ensure_running(tid, ns);
        unobserved(tid, ns, e);
        break;
    }
}

/* ---- events and timers ---------------------------------------------------------------- */

static void on_event(uint32_t tid, uint64_t ns, const tl_rec *e) {
    hobj *o = hobj_of(e->obj);
    const char *je = tl__tk_obj_jname(e->obj);
    switch ((tl_event_kind)e->kind) {
    case TL_EV_EVENT_SET:
        tl__tk_ensure_running(tid, ns);
        o->last = (tok){0, tid, ns};
        tl__tk_counter(tid, ns, je, "set", 1);
        break;
    case TL_EV_EVENT_CLEAR:
        tl__tk_ensure_running(tid, ns);
        tl__tk_counter(tid, ns, je, "set", 0);
        break;
    case TL_EV_EVENT_WAIT:
        tl__tk_state(tid, ns, ST_EVENT, "waiting for ", je, e->obj, 0, e);
        break;
    default: { /* EVENT_WAKE */
        uint64_t flow = 0;
        if (e->aux == 0 && o->last.tid && o->last.tid != tid)
            flow = tl__tk_flow_source(o->last.tid, o->last.ns, "set ", je, ns);
        if (e->aux) tl__tk_wait_failed(tid, ns, e->aux, e);
        else tl__tk_running(tid, ns, flow, e);
        break;
    }
    }
}

static void on_timer(uint32_t tid, uint64_t ns, const tl_rec *e) {
    hobj *o = hobj_of(e->obj);
    const char *jt = tl__tk_obj_jname(e->obj);
    switch ((tl_event_kind)e->kind) {
    case TL_EV_TIMER_WAIT: {
        char what[ESC_NAME + 32];
        snprintf(what, sizeof what, "timer %.*s waiting", ESC_NAME, jt);
        tl__tk_state(tid, ns, ST_TIMER, what, NULL, e->obj, 0, NULL);
        break;
    }
    case TL_EV_TIMER_FIRE:
        if (e->aux == 0) {
            char *xargs = malloc(32);
            if (!xargs) tl__die("out of memory in the trace writer");
            snprintf(xargs, 32, "\"timer_id\":%u", e->obj);
            tl__tk_level_push(tid, ns, jt, TL_LV_TIMER, 0, NULL, xargs);
            tl__tk_running(tid, ns, 0, NULL);
        } else {
            uint64_t flow = o->last.tid && o->last.tid != tid
                                ? tl__tk_flow_source(o->last.tid, o->last.ns, "cancel ", jt, ns) : 0;
            tl__tk_running(tid, ns, flow, NULL);
        }
        break;
    case TL_EV_TIMER_DONE:
        tl__tk_level_pop(tid, ns, TL_LV_TIMER, NULL);
        break;
    case TL_EV_TIMER_CANCEL:
        tl__tk_ensure_running(tid, ns);
        if (e->aux) o->last = (tok){0, tid, ns};
        instant_begin(tid, ns, "timer", "cancel ", jt, e);
        tl__out_str(O, e->aux ? ",\"in_time\":true" : ",\"in_time\":false");
        instant_end();
        break;
    default: /* TIMER_START: the thread's creation draws the arrow */
        tl__tk_ensure_running(tid, ns);
        break;
    }
}

/* ---- entry points ------------------------------------------------------------------------ */

void tl__tracks_hl_event(uint32_t tid, uint64_t ns, const tl_rec *e) {
    switch ((tl_event_kind)e->kind) {
    case TL_EV_Q_WAIT: case TL_EV_Q_PUT: case TL_EV_Q_GET: case TL_EV_Q_FAIL:
    case TL_EV_Q_DONE: case TL_EV_Q_JOINED: case TL_EV_Q_CLOSE:
        on_queue(tid, ns, e);
        break;
    case TL_EV_EVENT_SET: case TL_EV_EVENT_CLEAR: case TL_EV_EVENT_WAIT: case TL_EV_EVENT_WAKE:
        on_event(tid, ns, e);
        break;
    case TL_EV_TIMER_START: case TL_EV_TIMER_WAIT: case TL_EV_TIMER_FIRE: case TL_EV_TIMER_DONE:
    case TL_EV_TIMER_CANCEL:
        on_timer(tid, ns, e);
        break;
    default:
        on_pool(tid, ns, e);
        break;
    }
}

static void hobj_free(hobj *o) {
    free(o->puts);
    for (uint32_t c = 0; c < o->ntasks_chunks; c++) free(o->tasks[c]);
    free(o->tasks);
    memset(o, 0, sizeof *o);
}

void tl__tracks_hl_forget(uint32_t obj) {
    if (obj < nhobjs) hobj_free(&hobjs[obj]);
}

void tl__tracks_hl_reset(void) {
    for (uint32_t i = 0; i < nhobjs; i++) hobj_free(&hobjs[i]);
    free(hobjs);
    free(hthreads);
    hobjs = NULL, hthreads = NULL;
    nhobjs = nhthreads = 0;
}
