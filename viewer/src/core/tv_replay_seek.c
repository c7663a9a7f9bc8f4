/*
 * tv_replay_seek.c — moving the playhead (tv_replay.h): the next or
 * previous step of everything, of one lane or thread, or the next finding,
 * each a binary search in the step list or in a lane's index list (built
 * with the steps, tv_replay.c), so stepping one thread through a
 * million-event trace never walks the other threads' steps.
 */
#include "tv_replay_impl.h"

/* Step number at position k of a list (NULL list: the steps themselves). */
static size_t at(const uint32_t *list, size_t k) { return list ? list[k] : k; }

/* First position whose step has ts > t (strict) or ts >= t. */
static size_t lower(const tv_replay *r, const uint32_t *list, size_t n, int64_t t, int strict) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t ts = r->steps[at(list, mid)].ts;
        if (strict ? ts > t : ts >= t) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

static size_t seek_in(const tv_replay *r, const uint32_t *list, size_t n, int64_t t, int dir) {
    if (dir < 0) {
        size_t k = lower(r, list, n, t, 0);
        return k ? at(list, k - 1) : SIZE_MAX;
    }
    size_t k = lower(r, list, n, t, dir > 0);
    return k < n ? at(list, k) : SIZE_MAX;
}

size_t tv_replay_seek(const tv_replay *r, int64_t t, int dir, uint32_t lane, int with_counters) {
    if (!r) return SIZE_MAX;
    if (lane == TV_NO_LANE)
        return with_counters ? seek_in(r, NULL, r->nsteps, t, dir) : seek_in(r, r->plain, r->nplain, t, dir);
    if (lane >= r->m->nlanes) return SIZE_MAX;
    /* only a counter lane's own list holds counter steps (samples keep no thread) */
    if (!with_counters && r->m->lanes[lane].kind == TV_LANE_COUNTER) return SIZE_MAX;
    return seek_in(r, r->lane_steps + r->lane_at[lane], r->lane_at[lane + 1] - r->lane_at[lane], t, dir);
}

size_t tv_replay_seek_finding(const tv_replay *r, int64_t t, int dir) {
    if (!r) return SIZE_MAX;
    return seek_in(r, r->finds, r->nfinds, t, dir ? dir : 1);
}

uint32_t tv_rp_hold_thread(const tv_replay *r, uint32_t lane, uint32_t row, size_t index) {
    const tv_lane *l = &r->m->lanes[lane];
    if (row >= l->nrows || index >= l->rows[row].n) return TV_NO_LANE;
    int64_t ts = l->rows[row].s[index].ts;
    const uint32_t *list = r->lane_steps + r->lane_at[lane];
    size_t n = r->lane_at[lane + 1] - r->lane_at[lane];
    for (size_t k = lower(r, list, n, ts, 0); k < n && r->steps[list[k]].ts == ts; k++) {
        const tv_step *s = &r->steps[list[k]];
        if (s->kind == TV_STEP_HOLD && s->lane == lane && s->row == row && s->index == index) return s->thread;
    }
    return TV_NO_LANE;
}
