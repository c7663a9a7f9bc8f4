/*
 * tv_pools.c — the pool view's texts: a pool's scheduling summary as the
 * report computes it (tv_report_int.h), and what a task slice says about
 * itself (queue wait, run time, status; its args are re-read from the file).
 * SDL-free.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "tv_report_int.h"
#include "tv_fmt.h"
#include "tv_view.h"

static void pct(tv_text *o, const char *what, const tv_rep_pct *p) {
    char a[32], b[32], c[32];
    if (!p->n) {
        tv_put(o, "%s\t(none)\n", what);
        return;
    }
    tv_put(o, "%s\tp50 %s, p95 %s, max %s\n", what, tv_fmt_dur(p->p50, a, sizeof a),
        tv_fmt_dur(p->p95, b, sizeof b), tv_fmt_dur(p->max, c, sizeof c));
}

size_t tv_pool_summary_text(tv_view *v, size_t pool, char *buf, size_t len) {
    tv_text o = {buf, len, 0};
    if (len) buf[0] = 0;
    const tv_rep *r = tv_view_rep(v);
    if (!r || pool >= r->npools) return 0;
    const tv_rep_pool *p = &r->pools[pool];
    char d[32], e[32];
    tv_put(&o, "pool %s (%zu of %zu)\n", p->name ? p->name : "?", pool + 1, r->npools);
    tv_put(&o, "workers\t%zu\n", p->nworkers);
    tv_put(&o, "tasks\t%llu ran", (unsigned long long)p->tasks);
    if (p->failed) tv_put(&o, ", %llu failed", (unsigned long long)p->failed);
    if (p->cancelled) tv_put(&o, ", %llu cancelled", (unsigned long long)p->cancelled);
    tv_put(&o, "\n");
    pct(&o, "queue wait", &p->wait);
    pct(&o, "run time", &p->run);
    if (p->imbalance > 0) tv_put(&o, "imbalance\t%.2f (max busy / mean busy)\n", p->imbalance);
    else tv_put(&o, "imbalance\t(nothing ran)\n");
    tv_put(&o, "utilization per worker\n");
    for (size_t w = 0; w < p->nworkers; w++) {
        const tv_rep_worker *k = &p->workers[w];
        tv_put(&o, "  %s (tid %lld): %.0f%%, %llu tasks, busy %s\n", k->thread ? k->thread : "?",
            (long long)k->tid, k->utilization * 100, (unsigned long long)k->tasks,
            tv_fmt_dur(k->busy, d, sizeof d));
    }
    if (p->ngaps) tv_put(&o, "longest idle gaps\n");
    for (int g = 0; g < p->ngaps; g++) {
        const tv_rep_gap *gp = &p->gaps[g];
        const char *who = gp->worker < p->nworkers && p->workers[gp->worker].thread ? p->workers[gp->worker].thread : "?";
        tv_fmt_time(gp->start - v->m->t0, e, sizeof e);
        tv_put(&o, "  %s: %s at %s\n", who, tv_fmt_dur(gp->dur, d, sizeof d), e);
    }
    return o.pos;
}

/* The task slice the selection is in: the selected slice itself, or the
 * task around it on the same lane (a state slice under a task). */
static const tv_slice *task_of(const tv_view *v, const tv_sel *s, tv_str task) {
    const tv_model *m = v->m;
    if (s->kind != TV_SEL_SLICE || s->lane >= m->nlanes || !task) return NULL;
    const tv_lane *l = &m->lanes[s->lane];
    if (s->row >= l->nrows || s->index >= l->rows[s->row].n) return NULL;
    const tv_slice *sel = &l->rows[s->row].s[s->index];
    if (sel->cat == task) return sel;
    for (uint32_t r = s->row; r-- > 0;) {
        const tv_row *row = &l->rows[r];
        size_t i = tv_row_first_starting_at(row, sel->ts + 1);
        if (i > 0 && row->s[i - 1].cat == task && row->s[i - 1].ts + row->s[i - 1].dur >= sel->ts)
            return &row->s[i - 1];
    }
    return NULL;
}

static const cJSON *arg(const cJSON *ev, const char *key) {
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ev, "args"), key);
}

size_t tv_task_text(const tv_view *v, const tv_sel *sel, char *buf, size_t len) {
    const tv_model *m = v->m;
    tv_text o = {buf, len, 0};
    if (len) buf[0] = 0;
    const tv_slice *t = task_of(v, sel, tv_model_find_str(m, "task"));
    if (!t) return 0;
    /* a task written in pieces keeps its figures in the last one */
    cJSON *ev = tv_model_event(m, t->src_end ? t->src_end : t->src);
    if (!ev || !arg(ev, "status")) {
        cJSON_Delete(ev);
        ev = tv_model_event(m, t->src);
    }
    char d[32], b[48];
    const cJSON *num = arg(ev, "task"), *wait = arg(ev, "queue_wait_us"), *st = arg(ev, "status"),
                *err = arg(ev, "error");
    tv_put(&o, "task %s", tv_model_str(m, t->name));
    if (cJSON_IsNumber(num)) tv_put(&o, " (#%.0f)", num->valuedouble);
    tv_put(&o, "\n");
    const tv_lane *l = &m->lanes[sel->lane];
    tv_put(&o, "worker\t%s (tid %lld)\n", tv_model_str(m, l->name), (long long)l->tid);
    tv_put(&o, "started\t%s\n", tv_fmt_time(t->ts - m->t0, b, sizeof b));
    /* checked before the conversion: a hostile 1e300 would be undefined */
    if (cJSON_IsNumber(wait) && wait->valuedouble >= 0 && wait->valuedouble < 9e12)
        tv_put(&o, "queue wait\t%s\n", tv_fmt_dur((int64_t)(wait->valuedouble * 1000 + 0.5), d, sizeof d));
    else tv_put(&o, "queue wait\t(not recorded)\n");
    tv_put(&o, "run time\t%s%s\n", tv_fmt_dur(t->dur, d, sizeof d),
        (t->flags & TV_SLICE_UNFINISHED) ? " (unfinished)" : "");
    if (cJSON_IsString(st)) tv_put(&o, "status\t%s\n", st->valuestring);
    if (cJSON_IsString(err)) tv_put(&o, "error\t%s\n", err->valuestring);
    cJSON_Delete(ev);
    return o.pos;
}
