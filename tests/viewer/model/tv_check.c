/* tv_check.c — see tv_check.h. */
#include <stdio.h>
#include <stdlib.h>

#include "tv_check.h"

static char why[256];

#define FAIL(...)                                    \
    do {                                             \
        snprintf(why, sizeof why, __VA_ARGS__);      \
        return why;                                  \
    } while (0)

static const char *check_row(const tv_lane *l, uint32_t li, uint32_t d) {
    const tv_row *r = &l->rows[d];
    for (size_t i = 0; i < r->n; i++) {
        const tv_slice *s = &r->s[i];
        if (s->dur < 0) FAIL("lane %u row %u slice %zu: negative dur", li, d, i);
        if (i + 1 < r->n && s->ts + s->dur > r->s[i + 1].ts)
            FAIL("lane %u row %u slice %zu: overlaps the next or is out of order", li, d, i);
        if (l->kind == TV_LANE_THREAD && d > 0) {
            /* inside the slice of the row above that starts last at or before it */
            const tv_row *up = &l->rows[d - 1];
            size_t k = tv_row_first_starting_at(up, s->ts + 1);
            int inside = k > 0 && up->s[k - 1].ts + up->s[k - 1].dur >= s->ts + s->dur;
            if (!inside) FAIL("lane %u row %u slice %zu: not inside a slice of row %u", li, d, i, d - 1);
        }
    }
    if (r->n == 0) FAIL("lane %u row %u: empty", li, d);
    return NULL;
}

static const char *check_lane(const tv_model *m, uint32_t li) {
    const tv_lane *l = &m->lanes[li];
    if (l->kind > TV_LANE_COUNTER) FAIL("lane %u: bad kind", li);
    if (l->process >= m->nprocs) FAIL("lane %u: bad process", li);
    for (uint32_t d = 0; d < l->nrows; d++) {
        const char *e = check_row(l, li, d);
        if (e) return e;
    }
    for (size_t i = 0; i < l->nmarks; i++) {
        if (l->marks[i].lane != li || l->marks[i].scope != TV_SCOPE_THREAD)
            FAIL("lane %u mark %zu: wrong lane or scope", li, i);
        if (i + 1 < l->nmarks && l->marks[i].ts > l->marks[i + 1].ts) FAIL("lane %u: marks out of order", li);
    }
    if (l->kind == TV_LANE_COUNTER) {
        if (l->nrows || !l->nsamples) FAIL("counter lane %u: rows or no samples", li);
        for (size_t i = 0; i < l->nsamples; i++) {
            double v = l->samples[i].value;
            if (i + 1 < l->nsamples && l->samples[i].ts > l->samples[i + 1].ts)
                FAIL("counter lane %u: samples out of order", li);
            if (v < l->vmin || v > l->vmax) FAIL("counter lane %u: sample outside vmin..vmax", li);
            const tv_minmax *mm = &l->lod[i / TV_LOD_BLOCK];
            if (v < mm->min || v > mm->max) FAIL("counter lane %u: sample outside its lod block", li);
        }
    } else if (l->nsamples) {
        FAIL("lane %u: samples in a slice lane", li);
    }
    return NULL;
}

const char *tv_check_model(const tv_model *m) {
    if (!m) FAIL("no model");
    if (m->t0 > m->t1) FAIL("t0 > t1");
    uint32_t *seen = calloc(m->nlanes + 1, sizeof *seen);
    if (!seen) FAIL("out of memory");
    const char *e = NULL;
    for (uint32_t p = 0; p < m->nprocs && !e; p++) {
        const tv_process *P = &m->procs[p];
        int last_kind = 0;
        for (uint32_t k = 0; k < P->nlanes; k++) {
            uint32_t li = P->lanes[k];
            if (li >= m->nlanes) {
                snprintf(why, sizeof why, "process %u: lane index out of range", p);
                e = why;
                break;
            }
            if (seen[li]++ || m->lanes[li].process != p) {
                snprintf(why, sizeof why, "lane %u: listed twice or by the wrong process", li);
                e = why;
                break;
            }
            if (m->lanes[li].kind < last_kind) {
                snprintf(why, sizeof why, "process %u: lanes not in kind order", p);
                e = why;
                break;
            }
            last_kind = m->lanes[li].kind;
        }
    }
    for (uint32_t li = 0; li < m->nlanes && !e; li++) {
        if (!seen[li]) {
            snprintf(why, sizeof why, "lane %u: in no process", li);
            e = why;
        }
    }
    free(seen);
    if (e) return e;
    for (uint32_t li = 0; li < m->nlanes; li++)
        if ((e = check_lane(m, li)) != NULL) return e;
    for (size_t i = 0; i < m->ngmarks; i++) {
        if (m->gmarks[i].scope == TV_SCOPE_THREAD || m->gmarks[i].lane != TV_NO_LANE)
            FAIL("gmark %zu: thread scope", i);
        if (i + 1 < m->ngmarks && m->gmarks[i].ts > m->gmarks[i + 1].ts) FAIL("gmarks out of order");
    }
    for (size_t i = 0; i < m->nflows; i++) {
        const tv_flow *f = &m->flows[i];
        if (f->lane0 >= m->nlanes || f->lane1 >= m->nlanes) FAIL("flow %zu: lane out of range", i);
        const tv_lane *a = &m->lanes[f->lane0], *b = &m->lanes[f->lane1];
        if (a->kind != TV_LANE_THREAD || b->kind != TV_LANE_THREAD) FAIL("flow %zu: not between threads", i);
        if ((a->nrows || f->depth0) && f->depth0 >= a->nrows) FAIL("flow %zu: depth0 out of range", i);
        if ((b->nrows || f->depth1) && f->depth1 >= b->nrows) FAIL("flow %zu: depth1 out of range", i);
        if (i + 1 < m->nflows && f->ts0 > m->flows[i + 1].ts0) FAIL("flows out of order");
    }
    for (size_t i = 0; i < m->nfindings; i++) {
        if (m->findings[i].mark >= m->nfindings) FAIL("finding %zu: mark out of range", i);
        const tv_mark *mk = &m->findings_marks[m->findings[i].mark];
        if (!mk->finding) FAIL("finding %zu: mark not a finding", i);
        if (mk->lane != TV_NO_LANE && mk->lane >= m->nlanes) FAIL("finding %zu: lane out of range", i);
        if (i + 1 < m->nfindings && m->findings_marks[i].ts > m->findings_marks[i + 1].ts)
            FAIL("findings out of order");
    }
    if (tv_model_str(m, 0)[0]) FAIL("string 0 is not empty");
    return NULL;
}
