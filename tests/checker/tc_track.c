/*
 * tc_track.c — replays the events in Perfetto's order and checks thread
 * tracks (rule c, trace-format.md section 4).
 *
 * Order: by ts, ties in file order; but once the trace holds any X, ties
 * put every E first, then X longest first, then the rest in file order
 * (trace_sorter.h SlowOperatorLess). Each (pid, tid) keeps a stack of open
 * slices. An X stays on the stack until an event of its thread arrives at or
 * after its end (intervals are closed on the left, open on the right).
 */
#include "tc_internal.h"

#include <stdlib.h>
#include <string.h>

#define ZERO_PAIR_LOOKAHEAD 4096 /* events at one ts searched for a B */

typedef struct order_key {
    int64_t ts;
    int rank;        /* E 0, X 1, others 2 when the trace has an X */
    int64_t neg_dur; /* X: longest first */
    size_t index;
} order_key;

static int cmp_key(const void *pa, const void *pb)
{
    const order_key *a = pa, *b = pb;
    if (a->ts != b->ts)
        return a->ts < b->ts ? -1 : 1;
    if (a->rank != b->rank)
        return a->rank - b->rank;
    if (a->neg_dur != b->neg_dur)
        return a->neg_dur < b->neg_dur ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* The placeable non-M events in Perfetto's order; *n receives the count. */
static size_t *sorted_order(tc__model *m, size_t *n)
{
    order_key *keys = tc__xcalloc(m->n_ev, sizeof(*keys));
    size_t k = 0;
    for (size_t i = 0; i < m->n_ev; i++)
        m->has_x |= m->ev[i].ph == 'X';
    for (size_t i = 0; i < m->n_ev; i++) {
        const tc__event *ev = &m->ev[i];
        if (!ev->placeable || ev->ph == 'M')
            continue;
        order_key *key = &keys[k++];
        key->ts = ev->ts;
        key->rank = !m->has_x ? 0 : ev->ph == 'E' ? 0 : ev->ph == 'X' ? 1 : 2;
        key->neg_dur = m->has_x && ev->ph == 'X' ? -ev->dur : 0;
        key->index = i;
    }
    if (k > 1)
        qsort(keys, k, sizeof(*keys), cmp_key);
    size_t *order = tc__xcalloc(k, sizeof(size_t));
    for (size_t i = 0; i < k; i++)
        order[i] = keys[i].index;
    free(keys);
    *n = k;
    return order;
}

tc__thread *tc__thread_get(tc__model *m, uint32_t pid, uint32_t tid)
{
    char key[32];
    snprintf(key, sizeof(key), "%lu:%lu", (unsigned long)pid,
             (unsigned long)tid);
    size_t i = tc__map_get(&m->thread_map, key);
    if (i != TC__NONE)
        return TC__AT(&m->threads, tc__thread *, i);
    tc__thread *th = tc__xcalloc(1, sizeof(*th));
    th->pub.pid = pid;
    th->pub.tid = tid;
    th->stack.size = sizeof(tc__open);
    th->slices.size = sizeof(size_t);
    th->instants.size = sizeof(size_t);
    th->first_event = TC__NONE;
    tc__map_set(&m->thread_map, key, m->threads.len);
    *(tc__thread **)tc__vec_push(&m->threads) = th;
    return th;
}

size_t tc__slice_new(tc__model *m, const tc__event *ev, int depth)
{
    tc_slice *s = tc__vec_push(&m->slices);
    s->ph = ev->ph == 'E' ? 'B' : ev->ph;
    s->name = ev->name;
    s->cat = ev->cat;
    s->pid = ev->pid;
    s->tid = ev->tid;
    s->start_ns = ev->ts;
    s->end_ns = TC_OPEN_END;
    s->depth = depth;
    s->args = ev->args;
    s->flow_in = ev->has_bind && ev->flow_in;
    s->flow_out = ev->has_bind && ev->flow_out;
    s->bind_id = ev->bind_id;
    s->event = ev->index;
    return m->slices.len - 1;
}

static tc_slice *slice_at(tc__model *m, size_t i)
{
    return &TC__AT(&m->slices, tc_slice, i);
}

static tc__open *top_of(tc__thread *th)
{
    return th->stack.len ? &TC__AT(&th->stack, tc__open, th->stack.len - 1)
                         : NULL;
}

/* The thread of a thread-track event, its finished X slices popped. */
static tc__thread *track_of(tc__model *m, const tc__event *ev)
{
    tc__thread *th = tc__thread_get(m, ev->pid, ev->tid);
    th->track_events++;
    if (ev->index < th->first_event) /* TC__NONE is the largest */
        th->first_event = ev->index;
    tc__open *top;
    while ((top = top_of(th)) && top->ph == 'X' && top->end <= ev->ts)
        th->stack.len--;
    return th;
}

static bool depth_ok(tc__model *m, const tc__thread *th, const tc__event *ev)
{
    if (th->stack.len < TC__MAX_DEPTH)
        return true;
    tc__event_problem(m, ev, "nesting depth reaches %d: Perfetto drops "
                      "slices at depth %d and deeper", TC__MAX_DEPTH,
                      TC__MAX_DEPTH);
    return false;
}

static void push_open(tc__thread *th, size_t slice, const tc__event *ev,
                      int64_t end)
{
    tc__open *o = tc__vec_push(&th->stack);
    o->slice = slice;
    o->event = ev->index;
    o->end = end;
    o->ph = ev->ph;
}

static size_t add_thread_slice(tc__model *m, tc__thread *th,
                               const tc__event *ev)
{
    size_t s = tc__slice_new(m, ev, (int)th->stack.len);
    *(size_t *)tc__vec_push(&th->slices) = s;
    return s;
}

static void thread_begin(tc__model *m, const tc__event *ev)
{
    tc__thread *th = track_of(m, ev);
    if (ev->swallowed)
        return;
    size_t s = depth_ok(m, th, ev) ? add_thread_slice(m, th, ev) : TC__NONE;
    push_open(th, s, ev, -1); /* a dropped B still takes its E */
    if (s != TC__NONE)
        tc__flow_event(m, ev, s);
}

/* Reports the innermost enclosing X that [ts, end) sticks out of. */
static bool x_overlaps(tc__model *m, tc__thread *th, const tc__event *ev,
                       int64_t end)
{
    for (size_t k = th->stack.len; k-- > 0;) {
        const tc__open *o = &TC__AT(&th->stack, tc__open, k);
        if (o->ph != 'X' || end <= o->end)
            continue;
        const tc__event *p = &m->ev[o->event];
        char a[32], b[32];
        tc__event_problem(m, ev, "X ends at %s, after its enclosing X '%s' "
                          "(event #%zu) ends at %s: slices on a thread must "
                          "nest or be disjoint", tc__us(end, a), p->name,
                          p->index, tc__us(o->end, b));
        return true;
    }
    return false;
}

static void thread_complete(tc__model *m, const tc__event *ev)
{
    tc__thread *th = track_of(m, ev);
    int64_t end = ev->ts + ev->dur;
    bool overlaps = x_overlaps(m, th, ev, end);
    if (!depth_ok(m, th, ev))
        return;
    size_t s = add_thread_slice(m, th, ev);
    slice_at(m, s)->end_ns = end;
    if (!overlaps) /* Perfetto spills it to another track */
        push_open(th, s, ev, end);
    tc__flow_event(m, ev, s);
}

static bool same_cat(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool ends(const tc__event *e, const tc__event *b)
{
    return !strcmp(e->name, b->name) && same_cat(e->cat, b->cat);
}

/* Perfetto's order puts an E before a B at the same ts once the trace has
 * an X: a zero-length B/E pair then leaves the B open forever, silently. */
static bool zero_length_pair(tc__model *m, const size_t *order, size_t n,
                             size_t pos)
{
    const tc__event *e = &m->ev[order[pos]];
    for (size_t q = pos + 1; q < n && q - pos < ZERO_PAIR_LOOKAHEAD; q++) {
        tc__event *b = &m->ev[order[q]];
        if (b->ts != e->ts)
            break;
        if (b->ph != 'B' || b->pid != e->pid || b->tid != e->tid ||
            b->index > e->index || b->swallowed || !ends(e, b))
            continue;
        b->swallowed = true;
        tc__event_problem(m, e, "zero-length B/E pair (B is event #%zu): in "
                          "a trace with X events Perfetto sorts this E before "
                          "its B, so the B never ends; use X with dur 0 or an "
                          "instant", b->index);
        return true;
    }
    return false;
}

/* An enclosing X that ends before the B closing at ts is a partial overlap. */
static void check_enclosing_x(tc__model *m, tc__thread *th,
                              const tc__event *b, int64_t ts)
{
    for (size_t k = th->stack.len; k-- > 0;) {
        const tc__open *o = &TC__AT(&th->stack, tc__open, k);
        if (o->ph != 'X' || o->end >= ts)
            continue;
        const tc__event *x = &m->ev[o->event];
        char a[32], c[32];
        tc__event_problem(m, b, "B ends at %s, after its enclosing X '%s' "
                          "(event #%zu) ends at %s: slices on a thread must "
                          "nest or be disjoint%s", tc__us(ts, a), x->name,
                          x->index, tc__us(o->end, c), x->ts == b->ts
                              ? " (a B and an X starting at the same ts: "
                                "Perfetto puts the X first)" : "");
        return;
    }
}

static void close_top(tc__model *m, tc__thread *th, const tc__event *e)
{
    tc__open o = *top_of(th);
    th->stack.len--;
    if (o.slice != TC__NONE) {
        slice_at(m, o.slice)->end_ns = e->ts;
        slice_at(m, o.slice)->end_args = e->args;
    }
    check_enclosing_x(m, th, &m->ev[o.event], e->ts);
}

/* An E arriving while an X that started inside its B is still running. */
static bool pop_running_x(tc__model *m, tc__thread *th, const tc__event *e)
{
    tc__open *top = top_of(th);
    if (!top || top->ph != 'X')
        return true;
    const tc__event *x = &m->ev[top->event];
    char a[32];
    tc__event_problem(m, e, "E closes its B while X '%s' (event #%zu, until "
                      "%s) is still running: slices on a thread must nest or "
                      "be disjoint", x->name, x->index, tc__us(top->end, a));
    while ((top = top_of(th)) && top->ph == 'X')
        th->stack.len--;
    return top != NULL;
}

static void report_unmatched(tc__model *m, const tc__event *e,
                             const tc__event *b)
{
    const char *hint = "";
    if (!strcmp(e->name, b->name))
        hint = e->cat && !b->cat ? " (an E with a cat never matches a B "
                                   "without one)"
                                 : " (E and B must have the same cat)";
    tc__event_problem(m, e, "E name=%s cat=%s does not match the open B "
                      "name=%s cat=%s (event #%zu)%s", e->name,
                      e->cat ? e->cat : "(none)", b->name,
                      b->cat ? b->cat : "(none)", b->index, hint);
}

static void thread_end(tc__model *m, const size_t *order, size_t n,
                       size_t pos)
{
    const tc__event *e = &m->ev[order[pos]];
    tc__thread *th = track_of(m, e);
    if (m->has_x && zero_length_pair(m, order, n, pos))
        return;
    if (!th->stack.len) {
        tc__event_problem(m, e, "E without an open B on its thread "
                          "(Perfetto drops it)");
        return;
    }
    if (!pop_running_x(m, th, e))
        return;
    const tc__event *b = &m->ev[top_of(th)->event];
    if (ends(e, b)) {
        close_top(m, th, e);
        return;
    }
    report_unmatched(m, e, b);
    for (size_t k = th->stack.len - 1; k-- > 0;) {
        /* Perfetto closes the first match further down; the slices above
         * it stay open ("Did not end"), already covered by this report. */
        tc__open *o = &TC__AT(&th->stack, tc__open, k);
        if (o->ph == 'B' && ends(e, &m->ev[o->event])) {
            th->stack.len = k + 1;
            close_top(m, th, e);
            return;
        }
    }
}

static void add_instant(tc__model *m, const tc__event *ev, int depth,
                        tc__thread *th)
{
    tc_instant *in = tc__vec_push(&m->instants);
    in->name = ev->name;
    in->cat = ev->cat;
    in->scope = ev->scope;
    in->pid = ev->pid;
    in->tid = ev->tid;
    in->ts_ns = ev->ts;
    in->depth = depth;
    in->args = ev->args;
    in->event = ev->index;
    if (th)
        *(size_t *)tc__vec_push(&th->instants) = m->instants.len - 1;
}

static void instant(tc__model *m, const tc__event *ev)
{
    if (ev->scope != 't') {
        add_instant(m, ev, 0, NULL);
        return;
    }
    tc__thread *th = track_of(m, ev);
    if (depth_ok(m, th, ev))
        add_instant(m, ev, (int)th->stack.len, th);
}

static void dispatch(tc__model *m, const size_t *order, size_t n, size_t pos)
{
    const tc__event *ev = &m->ev[order[pos]];
    switch (ev->ph) {
    case 'B':
        thread_begin(m, ev);
        break;
    case 'E':
        thread_end(m, order, n, pos);
        break;
    case 'X':
        thread_complete(m, ev);
        break;
    case 'i': case 'I':
        instant(m, ev);
        break;
    case 'b': case 'e': case 'n':
        tc__async_event(m, ev);
        break;
    case 'C':
        tc__counter_event(m, ev);
        break;
    default: /* M is read in file order; others are not placeable */
        break;
    }
}

/* Open B slices at the end: an error in a complete trace, counted in a
 * truncated one (the writer died with them open). */
static void finish_threads(tc__model *m, tc_stats *st)
{
    for (size_t i = 0; i < m->threads.len; i++) {
        tc__thread *th = TC__AT(&m->threads, tc__thread *, i);
        for (size_t k = 0; k < th->stack.len; k++) {
            const tc__open *o = &TC__AT(&th->stack, tc__open, k);
            if (o->ph != 'B')
                continue;
            if (!m->complete)
                st->unclosed++;
            else
                tc__event_problem(m, &m->ev[o->event], "B is never closed "
                                  "(Perfetto shows \"Did not end\")");
        }
    }
}

void tc__run_tracks(tc__model *m, tc_stats *st)
{
    size_t n;
    size_t *order = sorted_order(m, &n);
    for (size_t pos = 0; pos < n; pos++)
        dispatch(m, order, n, pos);
    free(order);
    finish_threads(m, st);
    tc__finish_async(m, st);
    tc__finish_flows(m, st);
}
