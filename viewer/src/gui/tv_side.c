/*
 * tv_side.c — the side column's layout, without SDL: when it is open, where
 * the findings list's rows are (fixed TV_SIDE_LINE lines from the top, so a
 * click maps to a finding without a font), and each finding's list line.
 * tv_draw_side.c paints it.
 */
#include <stdio.h>

#include "tv_view.h"

#define FLIST_TOP 4 /* px above the list's header line */

int tv_side_flist_open(const tv_view *v) { return !v->findings_hidden && v->m->nfindings > 0; }

int tv_side_open(const tv_view *v) {
    return v->has_playhead || v->legend || v->mode == TV_MODE_POOL || tv_side_flist_open(v);
}

size_t tv_side_flist_rows(const tv_view *v) {
    if (!tv_side_flist_open(v)) return 0;
    return v->m->nfindings < TV_FLIST_MAX ? v->m->nfindings : TV_FLIST_MAX;
}

int tv_side_flist_y1(const tv_view *v) {
    if (!tv_side_flist_open(v)) return 0;
    return FLIST_TOP + TV_SIDE_LINE * (1 + (int)tv_side_flist_rows(v)) + 6;
}

size_t tv_side_finding_at(const tv_view *v, int x, int y) {
    if (tv_view_zone(v, x, y) != TV_ZONE_SIDE || !tv_side_flist_open(v)) return SIZE_MAX;
    int top = FLIST_TOP + TV_SIDE_LINE;
    if (y < top) return SIZE_MAX;
    size_t row = (size_t)((y - top) / TV_SIDE_LINE);
    if (row >= tv_side_flist_rows(v)) return SIZE_MAX;
    size_t i = v->flist_top + row;
    return i < v->m->nfindings ? i : SIZE_MAX;
}

void tv_side_show_finding(tv_view *v) {
    size_t rows = tv_side_flist_rows(v), n = v->m->nfindings;
    if (!rows) return;
    if (v->finding1) {
        size_t f = v->finding1 - 1;
        if (f < v->flist_top) v->flist_top = f;
        if (f >= v->flist_top + rows) v->flist_top = f + 1 - rows;
    }
    if (v->flist_top + rows > n) v->flist_top = n - rows;
}

size_t tv_side_finding_line(const tv_model *m, size_t i, char *buf, size_t len) {
    if (len) buf[0] = 0;
    if (i >= m->nfindings) return 0;
    char t[48], who[160];
    tv_fmt_time(tv_finding_ts(m, i) - m->t0, t, sizeof t);
    uint32_t lane = tv_finding_lane(m, i);
    if (lane < m->nlanes)
        snprintf(who, sizeof who, "%s (tid %lld)", tv_model_str(m, m->lanes[lane].name),
                 (long long)m->lanes[lane].tid);
    else
        snprintf(who, sizeof who, "process");
    int n = snprintf(buf, len, "%zu. %s  %s  %s", i + 1, tv_model_str(m, m->findings[i].kind), t, who);
    return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len ? len - 1 : 0;
}
