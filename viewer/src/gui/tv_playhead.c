/*
 * tv_playhead.c — the replay's playhead: where it is, stepping it through
 * the replay's steps (any thread, or one lane), jumping between findings,
 * playing in trace time, and keeping it in view. SDL-free: the window's
 * keys, the headless --at/--finding and the tests all come through here.
 */
#include <math.h>
#include <stdlib.h>

#include "tv_findtext.h"
#include "tv_overlay.h"
#include "tv_replay.h"
#include "tv_view.h"

struct tv_replay *tv_view_replay(tv_view *v) {
    if (!v->replay) v->replay = tv_replay_new(v->m);
    return v->replay;
}

/* The visible range follows the playhead: a step or a jump outside the
 * middle 90% centres it; playing pages forward, so the picture does not
 * crawl under the reader's eyes; a playhead put somewhere by hand moves
 * the view only when it is off screen. */
enum { FOLLOW_STEP, FOLLOW_PAGE, FOLLOW_OUTSIDE };
static void follow(tv_view *v, int how) {
    int paging = how == FOLLOW_PAGE;
    const tv_model *m = v->m;
    int64_t span = v->end - v->start, margin = span / 20, len = m->t1 - m->t0;
    int inside = v->playhead >= v->start && v->playhead <= v->end;
    if (inside && (how == FOLLOW_OUTSIDE || span >= len ||
                   (v->playhead >= v->start + margin && v->playhead <= v->end - margin)))
        return;
    int64_t start = paging && v->playhead > v->end - margin ? v->playhead - span / 10
                                                            : v->playhead - span / 2;
    /* narrower than the trace: show the trace, not empty time past its ends */
    if (span <= len) {
        if (start > m->t1 - span) start = m->t1 - span;
        if (start < m->t0) start = m->t0;
    }
    tv_view_set_range(v, start, start + span);
}

/* Scrolls a lane into view when it is laid out but off screen. */
static void show_lane(tv_view *v, uint32_t lane) {
    int y, h;
    if (lane == TV_NO_LANE || !tv_view_lane_rect(v, lane, &y, &h)) return;
    if (y < v->g.area_y0 || y + h > v->g.area_y1)
        tv_view_scroll_to(v, v->scroll + y - v->g.area_y0 - (v->g.area_y1 - v->g.area_y0) / 3);
}

static void place(tv_view *v, int64_t t) {
    int had = v->has_playhead;
    /* inside the trace: a playhead past its ends shows nothing and would
     * overflow the view's arithmetic (--at 9000000000s) */
    if (t < v->m->t0) t = v->m->t0;
    if (t > v->m->t1) t = v->m->t1;
    v->has_playhead = 1;
    v->playhead = t;
    v->play_frac = 0;
    if (!had) tv_view_resize(v, v->g.w, v->g.h); /* the state panel opens */
}

void tv_playhead_set(tv_view *v, int64_t t) {
    place(v, t);
    v->step1 = 0;
    follow(v, FOLLOW_OUTSIDE);
}

uint32_t tv_view_sel_thread(const tv_view *v) {
    switch (v->sel.kind) {
    case TV_SEL_SLICE:
    case TV_SEL_MARK:
    case TV_SEL_SAMPLE:
        return v->sel.lane < v->m->nlanes ? v->sel.lane : TV_NO_LANE;
    default:
        return TV_NO_LANE;
    }
}

static int step_matches(const tv_step *s, uint32_t lane) {
    if (s->kind == TV_STEP_COUNTER) return 0;
    return lane == TV_NO_LANE || s->lane == lane || s->thread == lane;
}

int tv_playhead_step(tv_view *v, int dir, uint32_t lane) {
    const tv_replay *r = tv_view_replay(v);
    if (!r) return 0;
    size_t n = tv_replay_nsteps(r), k = SIZE_MAX;
    /* Several steps at one time (a finding and its access, five threads
     * blocking at once): from the current step, walk the ones that share
     * its time first, so none is skipped. */
    if (v->has_playhead && v->step1 && v->step1 <= n) {
        size_t c = v->step1 - 1;
        const tv_step *cur = tv_replay_step(r, c);
        if (cur->ts == v->playhead) {
            if (dir > 0)
                for (size_t i = c + 1; i < n && tv_replay_step(r, i)->ts == cur->ts; i++) {
                    if (step_matches(tv_replay_step(r, i), lane)) { k = i; break; }
                }
            else
                for (size_t i = c; i-- > 0 && tv_replay_step(r, i)->ts == cur->ts;) {
                    if (step_matches(tv_replay_step(r, i), lane)) { k = i; break; }
                }
        }
    }
    if (k == SIZE_MAX) {
        int64_t from = v->has_playhead ? v->playhead : dir > 0 ? v->m->t0 - 1 : v->m->t1 + 1;
        k = tv_replay_seek(r, from, dir, lane, 0);
        /* the last of a group at one time when going back, so that Right
         * then Left returns to the same step */
        if (k != SIZE_MAX && dir < 0) {
            int64_t t = tv_replay_step(r, k)->ts;
            while (k + 1 < n && tv_replay_step(r, k + 1)->ts == t && step_matches(tv_replay_step(r, k + 1), lane)) k++;
        }
        /* and the first when going forward */
        if (k != SIZE_MAX && dir > 0) {
            int64_t t = tv_replay_step(r, k)->ts;
            while (k > 0 && tv_replay_step(r, k - 1)->ts == t && step_matches(tv_replay_step(r, k - 1), lane)) k--;
        }
    }
    if (k == SIZE_MAX || k >= n) return 0;
    const tv_step *s = tv_replay_step(r, k);
    place(v, s->ts);
    v->step1 = k + 1;
    v->playing = 0;
    follow(v, FOLLOW_STEP);
    show_lane(v, s->thread != TV_NO_LANE ? s->thread : s->lane);
    return 1;
}

int64_t tv_finding_ts(const tv_model *m, size_t i) {
    if (i >= m->nfindings || m->findings[i].mark >= m->nfindings) return m->t0;
    return m->findings_marks[m->findings[i].mark].ts;
}

uint32_t tv_finding_lane(const tv_model *m, size_t i) {
    if (i >= m->nfindings || m->findings[i].mark >= m->nfindings) return TV_NO_LANE;
    const tv_mark *mk = &m->findings_marks[m->findings[i].mark];
    return mk->scope == TV_SCOPE_THREAD ? mk->lane : TV_NO_LANE;
}

/* A finding whose places (both accesses of a race, every wait of a
 * deadlock) would fill less than a tenth of the view is zoomed to, so
 * that its marks and arrows are not a pile at one pixel: the view becomes
 * three times their extent, at least 20 us. A view already that close is
 * left alone. */
static void zoom_to_finding(tv_view *v, size_t i) {
    const tv_fx_set *fx = tv_view_fx(v);
    if (!fx || i >= fx->n) return;
    const tv_fx *f = &fx->f[fx->f[i].dup_of < fx->n ? fx->f[i].dup_of : i];
    if (!f->npts) return; /* a misuse, a task failure: one time, nothing to frame */
    int64_t lo = f->lo < f->ts ? f->lo : f->ts, hi = f->hi > f->ts ? f->hi : f->ts;
    int64_t span = v->end - v->start, ext = hi - lo;
    int64_t want = 3 * ext > 20000 ? 3 * ext : 20000;
    if (ext > span / 10 || want >= span) return;
    int64_t start = lo + ext / 2 - want / 2;
    if (start < v->m->t0) start = v->m->t0;
    tv_view_set_range(v, start, start + want);
}

void tv_focus_finding(tv_view *v, size_t i) {
    const tv_model *m = v->m;
    if (i >= m->nfindings) return;
    int64_t t = tv_finding_ts(m, i);
    place(v, t);
    v->finding1 = i + 1;
    v->playing = 0;
    v->step1 = 0;
    /* the replay's step for it, so that stepping goes on from there */
    const tv_replay *r = tv_view_replay(v);
    if (r) {
        size_t n = tv_replay_nsteps(r);
        for (size_t k = tv_replay_seek(r, t - 1, 1, TV_NO_LANE, 1); k < n && tv_replay_step(r, k)->ts == t; k++)
            if (tv_replay_step(r, k)->kind == TV_STEP_FINDING && tv_replay_step(r, k)->index == i) {
                v->step1 = k + 1;
                break;
            }
    }
    uint32_t lane = tv_finding_lane(m, i);
    uint32_t p = lane < m->nlanes ? m->lanes[lane].process : UINT32_MAX;
    if (p < m->nprocs && v->proc_collapsed[p]) tv_view_toggle_proc(v, p);
    zoom_to_finding(v, i);
    follow(v, FOLLOW_STEP);
    show_lane(v, lane);
    tv_side_show_finding(v);
}

/* Findings in list order (by time, then index): the next after (t, cur). */
int tv_finding_step(tv_view *v, int dir) {
    const tv_model *m = v->m;
    if (!m->nfindings) return 0;
    size_t cur = v->finding1 ? v->finding1 - 1 : SIZE_MAX;
    int64_t t = v->has_playhead ? v->playhead : dir > 0 ? INT64_MIN : INT64_MAX;
    /* the focused finding counts as "here" only while the playhead is on it */
    if (cur != SIZE_MAX && (!v->has_playhead || tv_finding_ts(m, cur) != t)) cur = SIZE_MAX;
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < m->nfindings; i++) {
        int64_t ti = tv_finding_ts(m, i);
        int after = ti > t || (ti == t && (cur == SIZE_MAX ? 0 : i > cur));
        int before = ti < t || (ti == t && (cur == SIZE_MAX ? 0 : i < cur));
        if (dir > 0 && after) {
            if (best == SIZE_MAX || ti < tv_finding_ts(m, best)) best = i;
        } else if (dir < 0 && before) {
            if (best == SIZE_MAX || ti >= tv_finding_ts(m, best)) best = i;
        }
    }
    if (best == SIZE_MAX) return 0;
    tv_focus_finding(v, best);
    return 1;
}

/* A 1-2-5 value near x. */
static double nice(double x) {
    if (!(x > 1)) return 1;
    double p = pow(10, floor(log10(x))), f = x / p;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

double tv_play_speed(const tv_view *v) {
    if (v->speed > 0) return v->speed;
    return nice((double)(v->end - v->start) / 10.0);
}

void tv_play_scale(tv_view *v, double factor) {
    double s = tv_play_speed(v) * factor;
    if (s < 1) s = 1;       /* 1 ns per second */
    if (s > 1e15) s = 1e15; /* a month per second */
    v->speed = s;
}

void tv_play_toggle(tv_view *v) {
    if (v->playing) {
        v->playing = 0;
        return;
    }
    if (!v->has_playhead || v->playhead >= v->m->t1) {
        /* from the left edge of what is shown (or the start), not from
         * wherever a finished run left it */
        int64_t t = v->start > v->m->t0 ? v->start : v->m->t0;
        if (v->has_playhead && v->playhead >= v->m->t1) t = v->m->t0;
        place(v, t);
    }
    if (v->speed <= 0) v->speed = tv_play_speed(v);
    v->step1 = 0;
    v->playing = 1;
    follow(v, FOLLOW_PAGE);
}

int tv_play_tick(tv_view *v, double dt) {
    if (!v->playing || !v->has_playhead || !(dt > 0)) return 0;
    /* the fraction of a ns is carried to the next tick: at a few ns per
     * second a rounded step would be 0 every frame and never move */
    double d = dt * tv_play_speed(v) + v->play_frac;
    if (d > 1e18) d = 1e18;
    int64_t step = (int64_t)floor(d);
    v->play_frac = d - (double)step;
    int64_t t = v->playhead < v->m->t1 - step ? v->playhead + step : v->m->t1;
    if (t >= v->m->t1) {
        t = v->m->t1;
        v->playing = 0;
    }
    v->playhead = t;
    v->step1 = 0;
    follow(v, FOLLOW_PAGE);
    return 1;
}
