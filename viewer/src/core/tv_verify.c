/*
 * tv_verify.c — is an event re-read from a grown file the one the model
 * holds at that offset? A trace being written only grows, so its events stay
 * where they were; a file rewritten in place (a new run writing the same
 * path) would put other events there. The model keeps no table from offsets
 * to items (that would cost memory per event), so the item is looked up by
 * the event's own time: rows, marks and flows are all sorted by it.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "tv_internal.h"

/* The same conversion and limits as the parser (tv_parse.c). */
static int event_ts(const cJSON *ev, int64_t *ns) {
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(ev, "ts");
    if (!cJSON_IsNumber(ts) || !isfinite(ts->valuedouble) || fabs(ts->valuedouble) > 1e15) return 0;
    double v = ts->valuedouble * 1000.0;
    *ns = (int64_t)(v < 0 ? v - 0.5 : v + 0.5);
    return 1;
}

static int kind_is(const tv_lane *l, int async) {
    return l->kind == (async ? TV_LANE_ASYNC : TV_LANE_THREAD);
}

/* A slice beginning at ts with this src and name. */
static int has_begin(const tv_model *m, int async, int64_t ts, tv_src src, tv_str name) {
    for (uint32_t i = 0; i < m->nlanes; i++) {
        const tv_lane *l = &m->lanes[i];
        if (!kind_is(l, async)) continue;
        for (uint32_t d = 0; d < l->nrows; d++) {
            const tv_row *r = &l->rows[d];
            for (size_t k = tv_row_first_starting_at(r, ts); k < r->n && r->s[k].ts == ts; k++)
                if (r->s[k].src == src) return r->s[k].name == name;
        }
    }
    return 0;
}

/* A slice ending with this end event. Its end is the event's time unless
 * the slice was clamped to its parent or joined, hence the scan after the
 * binary search. */
static int has_end(const tv_model *m, int async, int64_t ts, tv_src src) {
    for (uint32_t i = 0; i < m->nlanes; i++) {
        const tv_lane *l = &m->lanes[i];
        if (!kind_is(l, async)) continue;
        for (uint32_t d = 0; d < l->nrows; d++) {
            const tv_row *r = &l->rows[d];
            for (size_t k = tv_row_first_ending_after(r, ts - 1); k < r->n && r->s[k].ts + r->s[k].dur == ts; k++)
                if (r->s[k].src_end == src) return 1;
        }
    }
    for (uint32_t i = 0; i < m->nlanes; i++) {
        const tv_lane *l = &m->lanes[i];
        if (!kind_is(l, async)) continue;
        for (uint32_t d = 0; d < l->nrows; d++)
            for (size_t k = 0; k < l->rows[d].n; k++)
                if (l->rows[d].s[k].src_end == src) return 1;
    }
    return 0;
}

static int in_marks(const tv_mark *mk, size_t n, int64_t ts, tv_src src, tv_str name) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (mk[mid].ts < ts) lo = mid + 1;
        else hi = mid;
    }
    for (; lo < n && mk[lo].ts == ts; lo++)
        if (mk[lo].src == src) return mk[lo].name == name ? 1 : -1;
    return 0;
}

static int has_mark(const tv_model *m, int64_t ts, tv_src src, tv_str name) {
    int r = in_marks(m->gmarks, m->ngmarks, ts, src, name);
    for (uint32_t i = 0; !r && i < m->nlanes; i++)
        r = in_marks(m->lanes[i].marks, m->lanes[i].nmarks, ts, src, name);
    return r > 0;
}

/* A v1 flow whose source step is this event. */
static int has_flow(const tv_model *m, int64_t ts, tv_src src, tv_str name) {
    size_t lo = 0, hi = m->nflows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->flows[mid].ts0 < ts) lo = mid + 1;
        else hi = mid;
    }
    for (; lo < m->nflows && m->flows[lo].ts0 == ts; lo++)
        if (m->flows[lo].src == src) return m->flows[lo].name == name;
    return 0;
}

int tv_model_has_event(const tv_model *m, tv_src src, const cJSON *ev) {
    const cJSON *ph = cJSON_GetObjectItemCaseSensitive(ev, "ph");
    const cJSON *nm = cJSON_GetObjectItemCaseSensitive(ev, "name");
    int64_t ts;
    if (!cJSON_IsString(ph) || !ph->valuestring || !ph->valuestring[0] || ph->valuestring[1] ||
        !event_ts(ev, &ts))
        return 0;
    if (nm && (!cJSON_IsString(nm) || !nm->valuestring)) return 0;
    /* an absent name is "" (id 0); a name the model never saw is not it */
    uint32_t name = 0;
    if (nm) {
        name = tv_strtab_find(m->strings, nm->valuestring, strlen(nm->valuestring));
        if (name == UINT32_MAX) return 0;
    }
    const cJSON *dur = cJSON_GetObjectItemCaseSensitive(ev, "dur");
    int64_t end = ts;
    if (cJSON_IsNumber(dur) && isfinite(dur->valuedouble) && fabs(dur->valuedouble) <= 1e15)
        end += llround(dur->valuedouble * 1000.0);
    switch (ph->valuestring[0]) {
    case 'X': /* the first piece of a slice, or the last one (src_end) */
        return has_begin(m, 0, ts, src, name) || has_end(m, 0, end, src);
    case 'B': return has_begin(m, 0, ts, src, name);
    case 'b':
    case 'S':
    case 'n': return has_begin(m, 1, ts, src, name);
    case 'E': return has_end(m, 0, ts, src);
    case 'e':
    case 'F': return has_end(m, 1, ts, src);
    case 'i':
    case 'I': return has_mark(m, ts, src, name);
    case 's':
    case 't': return has_flow(m, ts, src, name);
    default: return 0; /* nothing in the model points at other events */
    }
}
