/*
 * tc_async.c — async slices (rule d), v2 flows (rule e) and counter series
 * (rule g), fed by tc_track.c in Perfetto's order.
 *
 * Async identity (trace-format.md section 5): the cookie is (cat, id), with
 * id2.local also scoped to the pid. tid plays no part. Within one identity
 * b/e nest like B/E, and an e names its b or has no name.
 */
#include "tc_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_SEP "\x1f" /* cannot appear unescaped in a name we compare */

static const char *scope_word(tc_id_scope scope)
{
    switch (scope) {
    case TC_ID_NONE:
        return "thread";
    case TC_ID:
        return "id";
    case TC_ID2_GLOBAL:
        return "id2.global";
    case TC_ID2_LOCAL:
        return "id2.local";
    }
    return "?";
}

/* The identity of ev, created on first use. */
static tc__identity *identity_of(tc__model *m, const tc__event *ev)
{
    uint32_t pid = ev->id_scope == TC_ID2_LOCAL ? ev->pid : 0;
    const char *cat = ev->cat ? ev->cat : "";
    char *key = tc__xprintf("%d" KEY_SEP "%s" KEY_SEP "%s" KEY_SEP "%lu",
                            (int)ev->id_scope, cat, ev->id,
                            (unsigned long)pid);
    size_t i = tc__map_get(&m->identity_map, key);
    if (i == TC__NONE) {
        i = m->identities.len;
        tc__map_set(&m->identity_map, key, i);
    }
    free(key);
    if (i < m->identities.len)
        return &TC__AT(&m->identities, tc__identity, i);
    tc__identity *idn = tc__vec_push(&m->identities);
    idn->pid = pid;
    idn->scope = ev->id_scope;
    idn->cat = ev->cat;
    idn->id = ev->id;
    idn->label = pid ? tc__xprintf("cat=%s %s=%s pid=%lu",
                                   ev->cat ? ev->cat : "(none)",
                                   scope_word(ev->id_scope), ev->id,
                                   (unsigned long)pid)
                     : tc__xprintf("cat=%s %s=%s", ev->cat ? ev->cat
                                   : "(none)", scope_word(ev->id_scope),
                                   ev->id);
    idn->stack.size = sizeof(tc__open);
    return idn;
}

static size_t add_async_slice(tc__model *m, const tc__event *ev,
                              tc__identity *idn)
{
    size_t s = tc__slice_new(m, ev, (int)idn->stack.len);
    tc_slice *sl = &TC__AT(&m->slices, tc_slice, s);
    sl->id_scope = idn->scope;
    sl->async_id = idn->id;
    if (ev->ph == 'n')
        sl->end_ns = ev->ts;
    *(size_t *)tc__vec_push(&m->async) = s;
    return s;
}

/* A hint when the same id is open under another cat. */
static const char *other_cat(const tc__model *m, const tc__identity *idn)
{
    for (size_t i = 0; i < m->identities.len; i++) {
        const tc__identity *o = &TC__AT(&m->identities, tc__identity, i);
        if (o != idn && o->stack.len && o->pid == idn->pid &&
            o->scope == idn->scope && o->id == idn->id) /* interned */
            return o->label;
    }
    return NULL;
}

static void close_async(tc__model *m, tc__identity *idn, size_t k,
                        const tc__event *e)
{
    const tc__open *o = &TC__AT(&idn->stack, tc__open, k);
    tc_slice *s = &TC__AT(&m->slices, tc_slice, o->slice);
    s->end_ns = e->ts;
    s->end_args = e->args;
    idn->stack.len = k; /* slices opened inside it stay open */
}

static void async_end(tc__model *m, const tc__event *e, tc__identity *idn)
{
    if (!idn->stack.len) {
        const char *o = other_cat(m, idn);
        tc__event_problem(m, e, "e has no open b with identity %s%s%s%s",
                          idn->label, o ? " (an open b has " : "",
                          o ? o : "", o ? ": cat is part of the identity)"
                                        : "");
        return;
    }
    size_t top = idn->stack.len - 1;
    const tc__event *b = &m->ev[TC__AT(&idn->stack, tc__open, top).event];
    if (!e->name[0] || !strcmp(e->name, b->name)) {
        close_async(m, idn, top, e);
        return;
    }
    for (size_t k = top; k-- > 0;) {
        const tc__event *d = &m->ev[TC__AT(&idn->stack, tc__open, k).event];
        if (strcmp(e->name, d->name) == 0) {
            tc__event_problem(m, e, "e closes b '%s' (event #%zu) while b "
                              "'%s' (event #%zu) of the same identity %s is "
                              "open inside it: b/e of one id must nest",
                              d->name, d->index, b->name, b->index,
                              idn->label);
            close_async(m, idn, k, e);
            return;
        }
    }
    tc__event_problem(m, e, "e name=%s matches no open b of identity %s (the "
                      "innermost is name=%s, event #%zu)", e->name,
                      idn->label, b->name, b->index);
}

void tc__async_event(tc__model *m, const tc__event *ev)
{
    tc__identity *idn = identity_of(m, ev);
    if (ev->ph == 'e') {
        async_end(m, ev, idn);
        return;
    }
    size_t s = add_async_slice(m, ev, idn);
    if (ev->ph == 'b') {
        tc__open *o = tc__vec_push(&idn->stack);
        o->slice = s;
        o->event = ev->index;
        o->end = -1;
        o->ph = 'b';
    }
    tc__flow_event(m, ev, s);
}

void tc__finish_async(tc__model *m, tc_stats *st)
{
    for (size_t i = 0; i < m->identities.len; i++) {
        const tc__identity *idn = &TC__AT(&m->identities, tc__identity, i);
        for (size_t k = 0; k < idn->stack.len; k++) {
            const tc__open *o = &TC__AT(&idn->stack, tc__open, k);
            if (!m->complete)
                st->unclosed_async++;
            else
                tc__event_problem(m, &m->ev[o->event], "b is never closed "
                                  "by an e with identity %s", idn->label);
        }
    }
}

/* ---- flows ---------------------------------------------------------------- */

static tc__pending *pending_of(tc__model *m, uint64_t id, bool create)
{
    char key[24];
    snprintf(key, sizeof(key), "%" PRIu64, id);
    size_t i = tc__map_get(&m->flow_map, key);
    if (i == TC__NONE && !create)
        return NULL;
    if (i == TC__NONE) {
        i = m->pending.len;
        tc__map_set(&m->flow_map, key, i);
        tc__pending *p = tc__vec_push(&m->pending);
        p->consumed_by = TC__NONE;
    }
    return &TC__AT(&m->pending, tc__pending, i);
}

static void flow_in(tc__model *m, const tc__event *ev, size_t slice)
{
    tc__pending *p = pending_of(m, ev->bind_id, false);
    if (!p || !p->active) {
        char was[64] = "";
        if (p)
            snprintf(was, sizeof(was), " (its flow_out was consumed by "
                     "event #%zu)", p->consumed_by);
        tc__event_problem(m, ev, "flow_in with bind_id %" PRIu64 " has no "
                          "flow_out before it in Perfetto's order (sorted by "
                          "ts)%s", ev->bind_id, was);
        return;
    }
    tc__flowref *f = tc__vec_push(&m->flows);
    f->bind_id = ev->bind_id;
    f->from = p->slice;
    f->to = slice;
    p->active = false;
    p->consumed_by = ev->index;
}

static void flow_out(tc__model *m, const tc__event *ev, size_t slice)
{
    tc__pending *p = pending_of(m, ev->bind_id, true);
    /* A step (flow_in too) continues the flow it just consumed; a failed
     * flow_in was reported already. */
    if (!ev->flow_in && (p->active || p->consumed_by != TC__NONE))
        tc__event_problem(m, ev, "second flow_out with bind_id %" PRIu64
                          " (the first is event #%zu%s): bind ids must be "
                          "unique in the trace", ev->bind_id, p->event,
                          p->active ? ", not yet consumed" : "");
    p->slice = slice;
    p->event = ev->index;
    p->active = true;
}

void tc__flow_event(tc__model *m, const tc__event *ev, size_t slice)
{
    if (!ev->has_bind)
        return;
    if (ev->flow_in)
        flow_in(m, ev, slice);
    if (ev->flow_out)
        flow_out(m, ev, slice);
}

void tc__finish_flows(tc__model *m, tc_stats *st)
{
    for (size_t i = 0; i < m->pending.len; i++)
        st->dangling_flows += TC__AT(&m->pending, tc__pending, i).active;
}

/* ---- counters ------------------------------------------------------------- */

static tc__counter *counter_of(tc__model *m, uint32_t pid, const char *track)
{
    char *key = tc__xprintf("%lu" KEY_SEP "%s", (unsigned long)pid, track);
    size_t i = tc__map_get(&m->counter_map, key);
    if (i == TC__NONE) {
        i = m->counters.len;
        tc__map_set(&m->counter_map, key, i);
        tc__counter *c = tc__xcalloc(1, sizeof(*c));
        c->track = tc__xstrdup(track);
        c->pub.pid = pid;
        c->pub.track = c->track;
        c->samples.size = sizeof(tc_sample);
        *(tc__counter **)tc__vec_push(&m->counters) = c;
    }
    free(key);
    return TC__AT(&m->counters, tc__counter *, i);
}

/* One sample per numeric arg, on track "<name> <key>" or
 * "<name> id: <id> <key>" (parser.cc, trace-format.md section 3). */
void tc__counter_event(tc__model *m, const tc__event *ev)
{
    for (const cJSON *a = ev->args->child; a; a = a->next) {
        if (!cJSON_IsNumber(a) || !isfinite(a->valuedouble))
            continue;
        char *track = ev->id ? tc__xprintf("%s id: %s %s", ev->name, ev->id,
                                           a->string)
                         : tc__xprintf("%s %s", ev->name, a->string);
        tc_sample *s = tc__vec_push(&counter_of(m, ev->pid, track)->samples);
        s->ts_ns = ev->ts;
        s->value = a->valuedouble;
        free(track);
    }
}
