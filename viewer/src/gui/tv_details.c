/*
 * tv_details.c — the text of the details panel, the tooltip and the view
 * state file. Args are not in the model: the event is read again from the
 * file (tv_model_event) when something is selected.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_fmt.h"
#include "tv_view.h"

static const char *S(const tv_view *v, tv_str s) { return tv_model_str(v->m, s); }

static void rel(const tv_view *v, int64_t t, char *b, size_t n) { tv_fmt_time(t - v->m->t0, b, n); }

/* One JSON value on one line; long ones cut. */
static void value_text(const cJSON *j, char *b, size_t n) {
    if (cJSON_IsString(j)) {
        snprintf(b, n, "%s", j->valuestring);
    } else if (cJSON_IsNumber(j)) {
        double d = j->valuedouble;
        if (d == floor(d) && fabs(d) < 1e15) snprintf(b, n, "%.0f", d);
        else snprintf(b, n, "%.9g", d);
    } else if (cJSON_IsBool(j)) {
        snprintf(b, n, "%s", cJSON_IsTrue(j) ? "true" : "false");
    } else if (cJSON_IsNull(j)) {
        snprintf(b, n, "null");
    } else {
        char *p = cJSON_PrintUnformatted(j);
        snprintf(b, n, "%s", p ? p : "?");
        cJSON_free(p);
    }
    if (strlen(b) > 160) { /* cut at a character boundary */
        size_t k = 157;
        while (k > 0 && (b[k] & 0xc0) == 0x80) k--;
        strcpy(b + k, "...");
    }
}

static const char *arg_str(const cJSON *ev, const char *key) {
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(ev, "args");
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(a, key);
    return cJSON_IsString(x) ? x->valuestring : NULL;
}

/* args, except the keys already shown (skip: NULL-terminated list) */
static void put_args(tv_text *o, const cJSON *ev, const char *const *skip) {
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(ev, "args"), *c;
    char b[200];
    cJSON_ArrayForEach(c, a) {
        int shown = 0;
        for (const char *const *k = skip; k && *k; k++)
            if (c->string && !strcmp(c->string, *k)) shown = 1;
        if (shown || !c->string) continue;
        value_text(c, b, sizeof b);
        tv_put(o, "%s\t%s\n", c->string, b);
    }
}

static const char *lane_desc(const tv_view *v, uint32_t lane, char *b, size_t n) {
    if (lane >= v->m->nlanes) {
        snprintf(b, n, "?");
        return b;
    }
    const tv_lane *l = &v->m->lanes[lane];
    if (l->kind == TV_LANE_THREAD)
        snprintf(b, n, "%s (tid %lld)", S(v, l->name), (long long)l->tid);
    else
        snprintf(b, n, "%s", S(v, l->name));
    return b;
}

/* The hold on lock lane l that ended last at or before t (prev), or started
 * first at or after t (next). */
static const tv_slice *hold_near(const tv_lane *l, int64_t t, int next, const tv_slice *self) {
    const tv_slice *best = NULL;
    for (uint32_t r = 0; r < l->nrows; r++) {
        const tv_row *row = &l->rows[r];
        if (next) {
            size_t i = tv_row_first_starting_at(row, t);
            while (i < row->n && &row->s[i] == self) i++;
            if (i < row->n && (!best || row->s[i].ts < best->ts)) best = &row->s[i];
        } else {
            size_t i = tv_row_first_ending_after(row, t);
            while (i > 0 && &row->s[i - 1] == self) i--;
            if (i > 0) {
                const tv_slice *c = &row->s[i - 1];
                if (c != self && (!best || c->ts + c->dur > best->ts + best->dur)) best = c;
            }
        }
    }
    return best;
}

/* The "unlock <lock>" flow that handed the lock over at release time t. */
static const tv_flow *handoff(const tv_view *v, const char *lock, int64_t t) {
    const tv_model *m = v->m;
    char want[300];
    snprintf(want, sizeof want, "unlock %s", lock);
    tv_str id = tv_model_find_str(m, want);
    if (!id) return NULL;
    const tv_flow *best = NULL;
    for (size_t i = tv_flows_first_at(m, t - 5000); i < m->nflows && m->flows[i].ts0 <= t + 5000; i++)
        if (m->flows[i].name == id &&
            (!best || llabs(m->flows[i].ts0 - t) < llabs(best->ts0 - t)))
            best = &m->flows[i];
    return best;
}

/* How long the thread on lane waited before resuming at t (the slice of the
 * same row that ends at t), or -1. */
static int64_t waited_before(const tv_view *v, uint32_t lane, uint32_t depth, int64_t t) {
    if (lane >= v->m->nlanes) return -1;
    const tv_lane *l = &v->m->lanes[lane];
    for (uint32_t r = depth < l->nrows ? depth : 0; r < l->nrows; r++) {
        const tv_row *row = &l->rows[r];
        size_t i = tv_row_first_starting_at(row, t);
        const char *nm = i > 0 ? S(v, row->s[i - 1].name) : "";
        /* "waiting for", "waiting to read", "waiting on" (a cond's mutex) and
         * a spinlock's "spinning on" */
        if (i > 0 && (!strncmp(nm, "waiting", 7) || !strncmp(nm, "spinning on ", 12)) &&
            llabs(row->s[i - 1].ts + row->s[i - 1].dur - t) < 5000)
            return row->s[i - 1].dur;
        if (r == depth) break;
    }
    return -1;
}

static void lock_details(const tv_view *v, tv_text *o, const tv_lane *l, const tv_slice *s,
                         const cJSON *ev, const cJSON *ev_end) {
    const tv_model *m = v->m;
    char b1[64], b2[64];
    const char *lock = S(v, l->name);
    tv_put(o, "held by\t%s%s\n", s->label ? S(v, s->label) : "?",
        (s->flags & TV_SLICE_READ) ? " (read)" : "");
    const char *at = arg_str(ev, "at"), *rat = arg_str(ev_end, "released_at");
    if (at) tv_put(o, "acquired at\t%s\n", at);
    if (rat) tv_put(o, "released at\t%s\n", rat);
    const tv_slice *prev = hold_near(l, s->ts, 0, s);
    if (prev)
        tv_put(o, "got it from\t%s, released %s\n", prev->label ? S(v, prev->label) : "?",
            (rel(v, prev->ts + prev->dur, b1, sizeof b1), b1));
    else
        tv_put(o, "got it from\t(first hold in the trace)\n");
    int64_t end = s->ts + s->dur;
    const tv_slice *next = hold_near(l, end, 1, s);
    if (next) {
        const tv_flow *f = handoff(v, lock, end);
        int64_t w = f ? waited_before(v, f->lane1, f->depth1, f->ts1) : -1;
        if (w >= 0)
            tv_put(o, "released to\t%s at %s, after waiting %s\n",
                next->label ? S(v, next->label) : "?", (rel(v, next->ts, b1, sizeof b1), b1),
                tv_fmt_dur(w, b2, sizeof b2));
        else
            tv_put(o, "released to\t%s at %s (no wait)\n", next->label ? S(v, next->label) : "?",
                (rel(v, next->ts, b1, sizeof b1), b1));
    } else {
        tv_put(o, "released to\t(nobody: last hold)\n");
    }
    for (size_t i = 0; i < m->nobjects; i++)
        if (m->objects[i].name == l->name && m->objects[i].pid == m->procs[l->process].pid) {
            tv_put(o, "lock\t%s, created at %s\n", S(v, m->objects[i].kind),
                S(v, m->objects[i].created_at));
            break;
        }
}

/* Arrows into and out of a slice. */
static void slice_flows(const tv_view *v, tv_text *o, uint32_t lane, uint32_t row, const tv_slice *s) {
    const tv_model *m = v->m;
    char b1[128], b2[64];
    int64_t end = s->ts + s->dur;
    int shown = 0;
    if (s->flags & TV_SLICE_FLOW_IN) {
        size_t lo = 0, hi = m->nflows;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (m->flows[v->flow_by_end[mid]].ts1 < s->ts) lo = mid + 1;
            else hi = mid;
        }
        for (size_t k = lo; k < m->nflows && shown < 3; k++) {
            const tv_flow *f = &m->flows[v->flow_by_end[k]];
            if (f->ts1 > end) break;
            if (f->lane1 != lane || f->depth1 != row) continue;
            tv_put(o, "arrow in\t%s from %s at %s\n", S(v, f->name), lane_desc(v, f->lane0, b1, sizeof b1),
                (rel(v, f->ts0, b2, sizeof b2), b2));
            shown++;
        }
    }
    if (s->flags & TV_SLICE_FLOW_OUT) {
        size_t lo = 0, hi = m->nflows;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (m->flows[mid].ts0 < s->ts) lo = mid + 1;
            else hi = mid;
        }
        for (size_t k = lo; k < m->nflows && shown < 6; k++) {
            const tv_flow *f = &m->flows[k];
            if (f->ts0 > end) break;
            if (f->lane0 != lane || f->depth0 != row) continue;
            tv_put(o, "arrow out\tto %s at %s\n", lane_desc(v, f->lane1, b1, sizeof b1),
                (rel(v, f->ts1, b2, sizeof b2), b2));
            shown++;
        }
    }
}

size_t tv_view_details(const tv_view *v, const tv_sel *s, char *buf, size_t len) {
    const tv_model *m = v->m;
    tv_text o = {buf, len, 0};
    if (len) buf[0] = 0;
    int64_t a, b;
    if (!tv_view_sel_extent(v, s, &a, &b)) return 0;
    char t1[64], t2[64], ld[128];
    static const char *const skip_at[] = {"at", NULL};
    switch (s->kind) {
    case TV_SEL_SLICE: {
        const tv_lane *l = &m->lanes[s->lane];
        const tv_slice *sl = &l->rows[s->row].s[s->index];
        cJSON *ev = tv_model_event(m, sl->src), *ev_end = tv_model_event(m, sl->src_end);
        int lock = (l->flags & TV_LANE_LOCK) != 0;
        if (lock && sl->label) tv_put(&o, "%s held by %s\n", S(v, sl->name), S(v, sl->label));
        else tv_put(&o, "%s\n", S(v, sl->name));
        if (sl->cat) tv_put(&o, "category\t%s\n", S(v, sl->cat));
        tv_put(&o, "%s\t%s\n", l->kind == TV_LANE_THREAD ? "thread" : lock ? "lock" : "track",
            lane_desc(v, s->lane, ld, sizeof ld));
        tv_put(&o, "start\t%s\n", (rel(v, sl->ts, t1, sizeof t1), t1));
        tv_put(&o, "duration\t%s%s\n", tv_fmt_dur(sl->dur, t2, sizeof t2),
            (sl->flags & TV_SLICE_UNFINISHED) ? " (unfinished: runs to the end)" : "");
        if (lock) {
            lock_details(v, &o, l, sl, ev, ev_end);
            static const char *const skip[] = {"at", "thread", "released_at", NULL};
            put_args(&o, ev, skip);
            put_args(&o, ev_end, skip);
        } else {
            const char *at = arg_str(ev, "at");
            if (at) tv_put(&o, "source\t%s\n", at);
            if (sl->flags & TV_SLICE_JOINED) tv_put(&o, "pieces\tjoined (written in pieces at each flush)\n");
            slice_flows(v, &o, s->lane, s->row, sl);
            put_args(&o, ev, skip_at);
            put_args(&o, ev_end, skip_at);
        }
        if (!ev && sl->src) tv_put(&o, "args\t(the file changed: cannot re-read the event)\n");
        cJSON_Delete(ev);
        cJSON_Delete(ev_end);
        break;
    }
    case TV_SEL_MARK:
    case TV_SEL_GMARK: {
        const tv_mark *mk = s->kind == TV_SEL_MARK ? &m->lanes[s->lane].marks[s->index]
                                                   : &m->gmarks[s->index];
        cJSON *ev = tv_model_event(m, mk->src);
        tv_put(&o, "%s\n", S(v, mk->name));
        if (mk->cat) tv_put(&o, "category\t%s\n", S(v, mk->cat));
        if (mk->scope == TV_SCOPE_THREAD)
            tv_put(&o, "thread\t%s\n", lane_desc(v, mk->lane, ld, sizeof ld));
        else
            tv_put(&o, "scope\t%s (pid %u)\n", mk->scope == TV_SCOPE_GLOBAL ? "global" : "process",
                mk->pid);
        tv_put(&o, "time\t%s\n", (rel(v, mk->ts, t1, sizeof t1), t1));
        const char *at = arg_str(ev, "at");
        if (at) tv_put(&o, "source\t%s\n", at);
        put_args(&o, ev, skip_at);
        cJSON_Delete(ev);
        break;
    }
    case TV_SEL_FLOW: {
        const tv_flow *f = &m->flows[s->index];
        cJSON *ev = tv_model_event(m, f->src);
        tv_put(&o, "%s\n", S(v, f->name));
        tv_put(&o, "from\t%s at %s\n", lane_desc(v, f->lane0, ld, sizeof ld),
            (rel(v, f->ts0, t1, sizeof t1), t1));
        tv_put(&o, "to\t%s at %s\n", lane_desc(v, f->lane1, ld, sizeof ld),
            (rel(v, f->ts1, t1, sizeof t1), t1));
        tv_put(&o, "latency\t%s\n", tv_fmt_dur(f->ts1 - f->ts0, t2, sizeof t2));
        const char *at = arg_str(ev, "at");
        if (at) tv_put(&o, "source\t%s\n", at);
        put_args(&o, ev, skip_at);
        cJSON_Delete(ev);
        break;
    }
    case TV_SEL_SAMPLE: {
        const tv_lane *l = &m->lanes[s->lane];
        const tv_sample *sm = &l->samples[s->index];
        tv_put(&o, "%s\n", S(v, l->name));
        char val[64];
        snprintf(val, sizeof val, "%.10g", sm->value);
        tv_put(&o, "value\t%s\n", val);
        tv_put(&o, "time\t%s\n", (rel(v, sm->ts, t1, sizeof t1), t1));
        tv_put(&o, "lasts\t%s\n", tv_fmt_dur(b - a, t2, sizeof t2));
        snprintf(val, sizeof val, "%.10g .. %.10g", l->vmin, l->vmax);
        tv_put(&o, "range\t%s over %zu samples\n", val, l->nsamples);
        break;
    }
    }
    return o.pos;
}

size_t tv_view_tooltip(const tv_view *v, const tv_sel *s, char *buf, size_t len) {
    const tv_model *m = v->m;
    int64_t a, b;
    if (len) buf[0] = 0;
    if (!tv_view_sel_extent(v, s, &a, &b)) return 0;
    char d[64];
    int n = 0;
    switch (s->kind) {
    case TV_SEL_SLICE: {
        const tv_lane *l = &m->lanes[s->lane];
        const tv_slice *sl = &l->rows[s->row].s[s->index];
        if ((l->flags & TV_LANE_LOCK) && sl->label)
            n = snprintf(buf, len, "%s held by %s  %s", S(v, sl->name), S(v, sl->label),
                         tv_fmt_dur(sl->dur, d, sizeof d));
        else
            n = snprintf(buf, len, "%s  %s", S(v, sl->name), tv_fmt_dur(sl->dur, d, sizeof d));
        break;
    }
    case TV_SEL_MARK:
    case TV_SEL_GMARK:
        n = snprintf(buf, len, "%s  at %s", tv_view_sel_name(v, s), (rel(v, a, d, sizeof d), d));
        break;
    case TV_SEL_FLOW:
        n = snprintf(buf, len, "%s  (arrow, %s)", tv_view_sel_name(v, s),
                     tv_fmt_dur(b - a, d, sizeof d));
        break;
    case TV_SEL_SAMPLE:
        n = snprintf(buf, len, "%s = %.10g", tv_view_sel_name(v, s),
                     m->lanes[s->lane].samples[s->index].value);
        break;
    }
    return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len ? len - 1 : 0;
}

size_t tv_view_state_text(const tv_view *v, char *buf, size_t len) {
    static const char *const kinds[] = {"none", "slice", "mark", "gmark", "flow", "sample"};
    const tv_model *m = v->m;
    int64_t a = 0, b = 0;
    int has = tv_view_sel_extent(v, &v->sel, &a, &b);
    char lane[160] = "";
    if (has && v->sel.lane < m->nlanes) snprintf(lane, sizeof lane, "%s", S(v, m->lanes[v->sel.lane].name));
    size_t collapsed = 0;
    for (uint32_t i = 0; i < m->nlanes; i++) collapsed += v->lane_collapsed[i];
    for (uint32_t i = 0; i < m->nprocs; i++) collapsed += v->proc_collapsed[i];
    int n = snprintf(buf, len,
                     "start_ns=%lld\nend_ns=%lld\nscroll=%d\nselected=%s\nselected_name=%s\n"
                     "selected_lane=%s\nselected_row=%u\nselected_ts=%lld\nselected_dur=%lld\n"
                     "find=%s\nfind_hits=%zu\nhelp=%d\ncollapsed=%zu\nwidth=%d\nheight=%d\n",
                     (long long)(v->start - m->t0), (long long)(v->end - m->t0), v->scroll,
                     kinds[has ? v->sel.kind : 0], has ? tv_view_sel_name(v, &v->sel) : "", lane,
                     has && v->sel.kind == TV_SEL_SLICE ? v->sel.row : 0,
                     has ? (long long)(a - m->t0) : -1LL, has ? (long long)(b - a) : -1LL,
                     v->find.text, v->find.nhits, v->help, collapsed, v->g.w, v->g.h);
    /* the replay and the views (issue 8) */
    if (n >= 0 && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n,
                      "playhead_ns=%lld\nmode=%s\nspeed=%.0f\nplaying=%d\nfinding=%zu\nstep=%zu\npool=%zu\n"
                      "legend=%d\nfindings_list=%d\n",
                      v->has_playhead ? (long long)(v->playhead - m->t0) : -1LL, tv_mode_name(v->mode),
                      tv_play_speed(v), v->playing, v->finding1, v->step1,
                      v->mode == TV_MODE_POOL ? v->pool + 1 : 0, v->legend, tv_side_flist_open(v));
    return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len ? len - 1 : 0;
}
