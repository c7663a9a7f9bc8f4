/*
 * tv_replay_state.c — the program's state at one time (tv_replay.h): each
 * thread's state slice and what it waits for, each lock's owner, readers
 * and waiters, each counter's value; and the state panel's and the steps'
 * texts. Every answer is a few binary searches per lane: the playhead asks
 * on every frame.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_fmt.h"
#include "tv_replay_impl.h"

const char *tv_rp_waits_for(const char *name) {
    /* the state slices of docs/trace-format.md that wait for something */
    static const char *const verb[] = {
        "waiting for ", "waiting to read ", "waiting to get from ", "waiting to put into ",
        "waiting on ",  "spinning on ",     "joining queue ",       "joining ",
        "in barrier ",  "idle in ",
    };
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof verb / sizeof *verb; i++) {
        size_t n = strlen(verb[i]);
        if (!strncmp(name, verb[i], n) && name[n]) return name + n;
    }
    return NULL;
}

uint32_t tv_rp_lock_named(const tv_replay *r, uint32_t process, const char *name) {
    tv_str id = name ? tv_model_find_str(r->m, name) : 0;
    return id ? tv_map_find(&r->lock_by_name, process, id) : TV_NO_LANE;
}

/* How many slices of the row begin at or before t. */
static size_t count_le(const tv_row *row, int64_t t) {
    return t == INT64_MAX ? row->n : tv_row_first_starting_at(row, t + 1);
}

static void thread_at(const tv_replay *r, uint32_t li, int64_t t, tv_rp_thread *o) {
    const tv_model *m = r->m;
    const tv_lane *l = &m->lanes[li];
    *o = (tv_rp_thread){li, tv_model_str(m, l->name), l->tid, "", NULL, t, NULL, TV_NO_LANE};
    int64_t first = INT64_MAX, last = INT64_MIN;
    const tv_slice *st = NULL, *doing = NULL;
    for (uint32_t d = 0; d < l->nrows; d++) {
        const tv_row *row = &l->rows[d];
        if (!row->n) continue;
        if (row->s[0].ts < first) first = row->s[0].ts;
        if (row->s[row->n - 1].ts + row->s[row->n - 1].dur > last)
            last = row->s[row->n - 1].ts + row->s[row->n - 1].dur;
        size_t k = count_le(row, t);
        if (!k) continue;
        const tv_slice *s = &row->s[k - 1];
        if (s->ts + s->dur < t) continue;
        if (r->cat_state && s->cat == r->cat_state) {
            /* at a change the state beginning at t wins over the one ending */
            if (!st || s->ts >= st->ts) st = s;
        } else if (s->dur > 0 && !(r->cat_finding && s->cat == r->cat_finding) &&
                   !(r->cat_flow && s->cat == r->cat_flow)) {
            doing = s; /* deeper rows come later: the innermost wins */
        }
    }
    if (first == INT64_MAX || t < first) return;
    if (t > last) {
        o->state = "exited";
        o->since = last;
        return;
    }
    if (st) {
        o->state = tv_model_str(m, st->name);
        o->since = st->ts;
        o->waits_for = tv_rp_waits_for(o->state);
        if (o->waits_for) o->lock_lane = tv_rp_lock_named(r, l->process, o->waits_for);
    }
    if (doing) o->doing = tv_model_str(m, doing->name);
}

/* The lock's holds at t: a hold covers [ts, end), so a release step shows
 * the lock free; a hold the trace never ended covers its end too. */
static void lock_at(const tv_replay *r, uint32_t li, int64_t t, tv_rp_lock *o) {
    const tv_model *m = r->m;
    const tv_lane *l = &m->lanes[li];
    *o = (tv_rp_lock){li, tv_model_str(m, l->name), NULL, -1, 0, 0, NULL, TV_NO_LANE};
    uint32_t nholds = 0, wrow = 0, arow = 0;
    size_t wi = SIZE_MAX, ai = SIZE_MAX;
    for (uint32_t d = 0; d < l->nrows; d++) {
        const tv_row *row = &l->rows[d];
        size_t k = count_le(row, t);
        if (!k) continue;
        const tv_slice *s = &row->s[k - 1];
        int64_t end = s->ts + s->dur;
        if (!(t < end || ((s->flags & TV_SLICE_UNFINISHED) && t <= end))) continue;
        nholds++;
        if (ai == SIZE_MAX) arow = d, ai = k - 1;
        if (s->flags & TV_SLICE_READ) o->readers++;
        else if (wi == SIZE_MAX) wrow = d, wi = k - 1;
    }
    if (wi == SIZE_MAX && nholds == 1) wrow = arow, wi = ai; /* the only holder */
    if (wi == SIZE_MAX) return;
    uint32_t who = tv_rp_hold_thread(r, li, wrow, wi);
    o->owner_lane = who;
    if (who < m->nlanes) {
        o->owner = tv_model_str(m, m->lanes[who].name);
        o->owner_tid = m->lanes[who].tid;
    } else {
        tv_str label = l->rows[wrow].s[wi].label;
        o->owner = label ? tv_model_str(m, label) : "?";
    }
}

int tv_replay_state(const tv_replay *r, int64_t t, tv_rp_state *s) {
    memset(s, 0, sizeof *s);
    s->t = t;
    if (!r) return 0;
    const tv_model *m = r->m;
    /* one block: threads, locks, counters (8-byte aligned structs), then
     * the waiters (each thread waits for at most one lock) */
    size_t bt = r->nthreads * sizeof *s->threads, bl = r->nlocks * sizeof *s->locks,
           bc = r->ncounters * sizeof *s->counters, bw = r->nthreads * sizeof(uint32_t);
    char *mem = malloc(bt + bl + bc + bw + 1);
    if (!mem) return -1;
    s->mem = mem;
    s->threads = (tv_rp_thread *)mem;
    s->locks = (tv_rp_lock *)(mem + bt);
    s->counters = (tv_rp_counter *)(mem + bt + bl);
    uint32_t *waiters = (uint32_t *)(mem + bt + bl + bc);
    s->nthreads = r->nthreads;
    s->nlocks = r->nlocks;
    s->ncounters = r->ncounters;
    for (uint32_t i = 0; i < r->nthreads; i++) thread_at(r, r->threads[i], t, &s->threads[i]);
    for (uint32_t i = 0; i < r->nlocks; i++) lock_at(r, r->locks[i], t, &s->locks[i]);
    /* waiters: count per lock, give each its part of the array, fill */
    for (uint32_t i = 0; i < r->nthreads; i++) {
        uint32_t ll = s->threads[i].lock_lane;
        if (ll < m->nlanes && r->lock_pos[ll] != TV_NO_LANE) s->locks[r->lock_pos[ll]].nwaiters++;
    }
    size_t used = 0;
    for (uint32_t i = 0; i < r->nlocks; i++) {
        s->locks[i].waiters = waiters + used;
        used += s->locks[i].nwaiters;
        s->locks[i].nwaiters = 0;
    }
    for (uint32_t i = 0; i < r->nthreads; i++) {
        uint32_t ll = s->threads[i].lock_lane;
        if (ll >= m->nlanes || r->lock_pos[ll] == TV_NO_LANE) continue;
        tv_rp_lock *k = &s->locks[r->lock_pos[ll]];
        ((uint32_t *)k->waiters)[k->nwaiters++] = s->threads[i].lane;
    }
    for (uint32_t i = 0; i < r->ncounters; i++) {
        const tv_lane *l = &m->lanes[r->counters[i]];
        tv_rp_counter *c = &s->counters[i];
        size_t k = t == INT64_MAX ? l->nsamples : tv_samples_first_at(l, t + 1);
        *c = (tv_rp_counter){r->counters[i], tv_model_str(m, l->name), k ? l->samples[k - 1].value : 0, k > 0};
    }
    s->nfindings = t == INT64_MAX ? m->nfindings : tv_marks_first_at(m->findings_marks, m->nfindings, t + 1);
    return 0;
}

void tv_rp_state_free(tv_rp_state *s) {
    if (!s) return;
    free(s->mem);
    memset(s, 0, sizeof *s);
}

/* ---- texts ---- */

/* A time since the trace start to the microsecond: "1.204 ms". */
static char *fmt_time(int64_t ns, char *b, size_t n) {
    const char *sign = ns < 0 ? "-" : "";
    unsigned long long a = ns < 0 ? (unsigned long long)0 - (unsigned long long)ns : (unsigned long long)ns;
    if (a < 1000) snprintf(b, n, "%s%llu ns", sign, a);
    else if (a < 1000000) snprintf(b, n, "%s%llu.%03llu us", sign, a / 1000, a % 1000);
    else if (a < 1000000000) snprintf(b, n, "%s%llu.%03llu ms", sign, a / 1000000, a % 1000000 / 1000);
    else snprintf(b, n, "%s%llu.%03llu s", sign, a / 1000000000, a % 1000000000 / 1000000);
    return b;
}

static void put_who(tv_text *o, const tv_model *m, uint32_t lane) {
    if (lane >= m->nlanes) {
        tv_put(o, "?");
        return;
    }
    const tv_lane *l = &m->lanes[lane];
    if (l->kind == TV_LANE_THREAD) tv_put(o, "%s (tid %lld)", tv_model_str(m, l->name), (long long)l->tid);
    else tv_put(o, "%s", tv_model_str(m, l->name));
}

static void put_owner(tv_text *o, const tv_rp_lock *k) {
    if (k->owner_tid >= 0 || k->owner_lane != TV_NO_LANE) tv_put(o, "%s (tid %lld)", k->owner, (long long)k->owner_tid);
    else tv_put(o, "%s", k->owner);
}

size_t tv_replay_text(const tv_replay *r, int64_t t, char *buf, size_t len) {
    tv_text o = {buf, len, 0};
    if (!len) return 0;
    buf[0] = 0;
    tv_rp_state s;
    if (!r || tv_replay_state(r, t, &s)) return 0;
    const tv_model *m = r->m;
    char b[48];
    if (s.nthreads) tv_put(&o, "threads\n");
    for (size_t i = 0; i < s.nthreads; i++) {
        const tv_rp_thread *th = &s.threads[i];
        tv_put(&o, "  %s (tid %lld): ", th->name, (long long)th->tid);
        if (!strcmp(th->state, "exited")) {
            tv_put(&o, "exited at %s\n", tv_fmt_dur(th->since - m->t0, b, sizeof b));
            continue;
        }
        if (!th->state[0]) {
            if (th->doing) tv_put(&o, "in %s\n", th->doing); /* a trace without states */
            else tv_put(&o, "not started\n");
            continue;
        }
        tv_put(&o, "%s", th->state);
        if (th->lock_lane != TV_NO_LANE && r->lock_pos[th->lock_lane] != TV_NO_LANE) {
            const tv_rp_lock *k = &s.locks[r->lock_pos[th->lock_lane]];
            if (k->owner && k->owner_lane != th->lane) {
                tv_put(&o, ", held by ");
                put_owner(&o, k);
                tv_put(&o, ",");
            }
        }
        tv_put(&o, " since %s", tv_fmt_dur(th->since - m->t0, b, sizeof b));
        if (th->doing) tv_put(&o, " (in %s)", th->doing);
        tv_put(&o, "\n");
    }
    if (s.nlocks) tv_put(&o, "locks\n");
    for (size_t i = 0; i < s.nlocks; i++) {
        const tv_rp_lock *k = &s.locks[i];
        tv_put(&o, "  %s: ", k->name);
        if (k->owner && k->readers <= 1) {
            tv_put(&o, "held by ");
            put_owner(&o, k);
        } else if (k->readers) {
            tv_put(&o, "read by %u threads", k->readers);
        } else {
            tv_put(&o, "free");
        }
        for (uint32_t w = 0; w < k->nwaiters; w++) {
            tv_put(&o, w ? ", " : "; waiting: ");
            put_who(&o, m, k->waiters[w]);
        }
        tv_put(&o, "\n");
    }
    if (s.ncounters) tv_put(&o, "counters\n");
    for (size_t i = 0; i < s.ncounters; i++) {
        const tv_rp_counter *c = &s.counters[i];
        if (c->known) tv_put(&o, "  %s = %.6g\n", c->name, c->value);
        else tv_put(&o, "  %s: no value yet\n", c->name);
    }
    tv_rp_state_free(&s);
    if (o.pos && buf[o.pos - 1] == '\n') buf[--o.pos] = 0; /* lines are separated, not ended */
    return o.pos;
}

static const tv_slice *step_slice(const tv_model *m, const tv_step *st) {
    if (st->lane >= m->nlanes) return NULL;
    const tv_lane *l = &m->lanes[st->lane];
    if (st->row >= l->nrows || st->index >= l->rows[st->row].n) return NULL;
    return &l->rows[st->row].s[st->index];
}

/* ", held by X (tid N)" when the lock a waiting state names is held at ts. */
static void put_wait_owner(tv_text *o, const tv_replay *r, const tv_step *st, const char *state) {
    const tv_model *m = r->m;
    const char *obj = tv_rp_waits_for(state);
    uint32_t ll = obj ? tv_rp_lock_named(r, m->lanes[st->lane].process, obj) : TV_NO_LANE;
    if (ll == TV_NO_LANE) return;
    tv_rp_lock k;
    lock_at(r, ll, st->ts, &k);
    if (!k.owner || k.owner_lane == st->lane) return;
    tv_put(o, ", held by ");
    put_owner(o, &k);
}

static void put_finding(tv_text *o, const tv_model *m, size_t i) {
    const tv_finding *f = &m->findings[i];
    cJSON *ev = tv_model_event(m, m->findings_marks[f->mark].src);
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ev, "args"), "message");
    if (cJSON_IsString(msg) && msg->valuestring) tv_put(o, "finding: %s", msg->valuestring);
    else tv_put(o, "finding: %s", tv_model_str(m, f->kind));
    cJSON_Delete(ev);
}

size_t tv_replay_step_text(const tv_replay *r, size_t i, char *buf, size_t len) {
    tv_text o = {buf, len, 0};
    if (!len) return 0;
    buf[0] = 0;
    const tv_step *st = tv_replay_step(r, i);
    if (!st) return 0;
    const tv_model *m = r->m;
    char b[48];
    tv_put(&o, "%s  ", fmt_time(st->ts - m->t0, b, sizeof b));
    const tv_slice *s = NULL;
    const char *name = "";
    switch (st->kind) {
    case TV_STEP_STATE:
    case TV_STEP_SLICE:
    case TV_STEP_ACCESS:
        if (!(s = step_slice(m, st))) break;
        name = tv_model_str(m, s->name);
        put_who(&o, m, st->lane);
        if (st->kind == TV_STEP_STATE) {
            tv_put(&o, ": %s", name);
            put_wait_owner(&o, r, st, name);
        } else if (st->kind == TV_STEP_ACCESS) {
            tv_put(&o, ": %s  [race]", name + strlen("race: "));
        } else if (r->cat_function && s->cat == r->cat_function) {
            tv_put(&o, ": calls %s", name);
        } else if (r->cat_task && s->cat == r->cat_task) {
            tv_put(&o, ": runs task %s", name);
        } else if (r->cat_phase && s->cat == r->cat_phase) {
            tv_put(&o, ": phase %s", name);
        } else if ((r->cat_flow && s->cat == r->cat_flow) || (r->cat_finding && s->cat == r->cat_finding)) {
            tv_put(&o, ": %s", name);
        } else {
            tv_put(&o, ": begins %s", name);
        }
        break;
    case TV_STEP_HOLD:
    case TV_STEP_RELEASE:
        if (!(s = step_slice(m, st))) break;
        if (st->thread != TV_NO_LANE) put_who(&o, m, st->thread);
        else tv_put(&o, "%s", s->label ? tv_model_str(m, s->label) : "?");
        tv_put(&o, ": %s %s%s", st->kind == TV_STEP_HOLD ? "locks" : "unlocks",
            tv_model_str(m, m->lanes[st->lane].name),
            st->kind == TV_STEP_HOLD && (s->flags & TV_SLICE_READ) ? " for reading" : "");
        break;
    case TV_STEP_COUNTER: {
        const tv_lane *l = &m->lanes[st->lane];
        if (st->index < l->nsamples)
            tv_put(&o, "%s = %.6g", tv_model_str(m, l->name), l->samples[st->index].value);
        break;
    }
    case TV_STEP_MARK:
        if (st->lane != TV_NO_LANE) {
            const tv_lane *l = &m->lanes[st->lane];
            if (st->index >= l->nmarks) break;
            put_who(&o, m, st->lane);
            tv_put(&o, ": %s", tv_model_str(m, l->marks[st->index].name));
        } else if (st->index < m->ngmarks) {
            tv_put(&o, "%s", tv_model_str(m, m->gmarks[st->index].name));
        }
        break;
    case TV_STEP_FINDING:
        if (st->index >= m->nfindings) break;
        if (st->lane != TV_NO_LANE) {
            put_who(&o, m, st->lane);
            tv_put(&o, ": ");
        }
        put_finding(&o, m, st->index);
        break;
    }
    return o.pos;
}
