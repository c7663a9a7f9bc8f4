/*
 * tv_report_json.c — `threadlens report --json`. Times and durations are
 * integer nanoseconds on the file's clock (keys ending in _ns). Integers are
 * added as raw text: cJSON keeps numbers as doubles and would print large
 * ones in exponent form.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "tv_report_int.h"

static int add_int(cJSON *o, const char *key, int64_t v) {
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    return cJSON_AddRawToObject(o, key, buf) ? 0 : -1;
}

static int add_str(cJSON *o, const char *key, const char *s) {
    return (s ? cJSON_AddStringToObject(o, key, s) : cJSON_AddNullToObject(o, key)) ? 0 : -1;
}

static cJSON *header(const tv_rep *r, cJSON *root) {
    const tv_model *m = r->m;
    const tv_stats *st = &m->stats;
    int bad = add_str(root, "file", m->path);
    cJSON *procs = cJSON_AddArrayToObject(root, "processes");
    for (uint32_t i = 0; procs && i < m->nprocs; i++) {
        cJSON *p = cJSON_CreateObject();
        if (!p || !cJSON_AddItemToArray(procs, p)) {
            cJSON_Delete(p);
            return NULL;
        }
        bad |= add_int(p, "pid", m->procs[i].pid);
        bad |= add_str(p, "name", tv_model_str(m, m->procs[i].name));
    }
    bad |= !cJSON_AddBoolToObject(root, "threadlens", st->threadlens);
    bad |= !cJSON_AddBoolToObject(root, "complete", !st->truncated);
    bad |= add_int(root, "start_ns", m->t0);
    bad |= add_int(root, "end_ns", m->t1);
    bad |= add_int(root, "duration_ns", m->t1 - m->t0);
    bad |= add_int(root, "events", (int64_t)st->events);
    cJSON *ph = cJSON_AddObjectToObject(root, "events_by_phase");
    for (int c = 0; ph && c < 128; c++)
        if (st->by_phase[c]) {
            char key[2] = {(char)c, 0};
            bad |= add_int(ph, key, (int64_t)st->by_phase[c]);
        }
    bad |= add_int(root, "unknown_phases", (int64_t)st->unknown_phase);
    bad |= add_int(root, "unmatched", (int64_t)st->unmatched);
    if (st->summary_events >= 0)
        bad |= add_int(root, "summary_events", st->summary_events);
    else
        bad |= !cJSON_AddNullToObject(root, "summary_events");
    bad |= add_int(root, "dropped", st->dropped);
    return bad || !procs || !ph ? NULL : root;
}

static int threads(const tv_rep *r, cJSON *arr) {
    int bad = 0;
    for (size_t i = 0; i < r->nthreads; i++) {
        const tv_rep_thread *t = &r->threads[i];
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            return -1;
        }
        bad |= add_int(o, "pid", t->pid);
        bad |= add_int(o, "tid", t->tid);
        bad |= add_str(o, "name", t->name);
        bad |= add_int(o, "slices", (int64_t)t->slices);
        bad |= add_int(o, "running_ns", t->running);
        bad |= add_int(o, "blocked_ns", t->blocked);
        if (t->has_time) {
            bad |= add_int(o, "first_ts_ns", t->first);
            bad |= add_int(o, "last_ts_ns", t->last);
        } else {
            bad |= !cJSON_AddNullToObject(o, "first_ts_ns");
            bad |= !cJSON_AddNullToObject(o, "last_ts_ns");
        }
    }
    return bad ? -1 : 0;
}

static int locks(const tv_rep *r, cJSON *arr) {
    int bad = 0;
    for (size_t i = 0; i < r->nlocks; i++) {
        const tv_rep_lock *k = &r->locks[i];
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            return -1;
        }
        bad |= add_str(o, "name", k->name);
        bad |= add_int(o, "pid", k->pid);
        bad |= add_str(o, "kind", k->kind);
        if (k->object_id >= 0)
            bad |= add_int(o, "object_id", k->object_id);
        else
            bad |= !cJSON_AddNullToObject(o, "object_id");
        bad |= add_int(o, "acquisitions", (int64_t)k->acquisitions);
        bad |= add_int(o, "contended", (int64_t)k->contended);
        bad |= add_int(o, "read_holds", (int64_t)k->read_holds);
        bad |= add_int(o, "waits", (int64_t)k->waits);
        bad |= add_int(o, "wait_total_ns", k->wait_total);
        bad |= add_int(o, "wait_max_ns", k->wait_max);
        bad |= add_int(o, "hold_total_ns", k->hold_total);
        bad |= add_int(o, "hold_max_ns", k->hold_max);
    }
    return bad ? -1 : 0;
}

/* {p50, p95, max}, each null when there were no values. */
static int add_pct(cJSON *o, const char *key, const tv_rep_pct *p) {
    cJSON *x = cJSON_AddObjectToObject(o, key);
    if (!x) return -1;
    if (!p->n) {
        int bad = 0;
        static const char *const keys[] = {"p50", "p95", "max"};
        for (int i = 0; i < 3; i++) bad |= !cJSON_AddNullToObject(x, keys[i]);
        return bad ? -1 : 0;
    }
    return add_int(x, "p50", p->p50) | add_int(x, "p95", p->p95) | add_int(x, "max", p->max);
}

/* A ratio, to four decimals. */
static int add_ratio(cJSON *o, const char *key, double v) {
    return cJSON_AddNumberToObject(o, key, round(v * 10000) / 10000) ? 0 : -1;
}

static cJSON *add_obj(cJSON *arr) {
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int pools(const tv_rep *r, cJSON *arr) {
    int bad = 0;
    for (size_t i = 0; i < r->npools; i++) {
        const tv_rep_pool *p = &r->pools[i];
        cJSON *o = add_obj(arr), *ws, *gs, *ts;
        if (!o) return -1;
        bad |= add_int(o, "pid", p->pid);
        bad |= add_int(o, "id", p->id);
        bad |= add_str(o, "name", p->name);
        bad |= add_int(o, "workers", (int64_t)p->nworkers);
        bad |= add_int(o, "tasks", (int64_t)p->tasks);
        bad |= add_int(o, "failed", (int64_t)p->failed);
        bad |= add_int(o, "cancelled", (int64_t)p->cancelled);
        bad |= add_pct(o, "queue_wait_ns", &p->wait);
        bad |= add_pct(o, "run_ns", &p->run);
        bad |= add_ratio(o, "imbalance", p->imbalance);
        if (!(ws = cJSON_AddArrayToObject(o, "worker_stats"))) return -1;
        for (size_t k = 0; k < p->nworkers; k++) {
            const tv_rep_worker *w = &p->workers[k];
            cJSON *x = add_obj(ws);
            if (!x) return -1;
            bad |= add_int(x, "tid", w->tid);
            bad |= add_str(x, "thread", w->thread);
            if (w->index >= 0) bad |= add_int(x, "index", w->index);
            else bad |= !cJSON_AddNullToObject(x, "index");
            bad |= add_int(x, "tasks", (int64_t)w->tasks);
            bad |= add_int(x, "busy_ns", w->busy);
            bad |= add_int(x, "lifetime_ns", w->end - w->start);
            bad |= add_ratio(x, "utilization", w->utilization);
        }
        if (!(gs = cJSON_AddArrayToObject(o, "idle_gaps"))) return -1;
        for (int k = 0; k < p->ngaps; k++) {
            const tv_rep_worker *w = &p->workers[p->gaps[k].worker];
            cJSON *x = add_obj(gs);
            if (!x) return -1;
            bad |= add_int(x, "tid", w->tid);
            bad |= add_str(x, "thread", w->thread);
            bad |= add_int(x, "start_ns", p->gaps[k].start);
            bad |= add_int(x, "dur_ns", p->gaps[k].dur);
        }
        if (!(ts = cJSON_AddArrayToObject(o, "task_list"))) return -1;
        for (size_t k = 0; k < p->tasks; k++) {
            const tv_rep_task *t = &p->task_list[k];
            const tv_rep_worker *w = &p->workers[t->worker];
            cJSON *x = add_obj(ts);
            if (!x) return -1;
            if (t->number >= 0) bad |= add_int(x, "task", t->number);
            else bad |= !cJSON_AddNullToObject(x, "task");
            bad |= add_str(x, "label", t->label);
            bad |= add_int(x, "tid", w->tid);
            bad |= add_str(x, "thread", w->thread);
            bad |= add_int(x, "start_ns", t->start);
            if (t->wait >= 0) bad |= add_int(x, "queue_wait_ns", t->wait);
            else bad |= !cJSON_AddNullToObject(x, "queue_wait_ns");
            bad |= add_int(x, "run_ns", t->run);
            bad |= add_str(x, "status", t->failed ? "failed" : "ok");
        }
    }
    return bad ? -1 : 0;
}

/* args[key] copied into o under the same key, or null. */
static int copy_arg(cJSON *o, const cJSON *args, const char *key, int (*ok)(const cJSON *)) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, key);
    cJSON *c = v && ok(v) ? cJSON_Duplicate(v, 1) : cJSON_CreateNull();
    if (!c || !cJSON_AddItemToObject(o, key, c)) {
        cJSON_Delete(c);
        return -1;
    }
    return 0;
}

static int is_str(const cJSON *v) { return cJSON_IsString(v) && v->valuestring; }
static int is_obj(const cJSON *v) { return cJSON_IsObject(v); }

/* A data race's own keys next to the generic ones, so a script need not dig
 * into args: id, count (the highest reported), addr, size, variable, first,
 * second (null when the trace lacks them; first and second gain ts_ns). */
static int race_keys(cJSON *o, const tv_rep_finding *f) {
    int bad = add_int(o, "id", f->id) | add_int(o, "count", f->count);
    bad |= copy_arg(o, f->args, "addr", is_str);
    const cJSON *size = cJSON_GetObjectItemCaseSensitive(f->args, "size");
    if (cJSON_IsNumber(size) && size->valuedouble >= 0 && size->valuedouble <= 9.2e18)
        bad |= add_int(o, "size", (int64_t)size->valuedouble);
    else
        bad |= !cJSON_AddNullToObject(o, "size");
    bad |= copy_arg(o, f->args, "variable", is_str);
    static const char *const acc[] = {"first", "second"};
    for (int i = 0; i < 2; i++) {
        bad |= copy_arg(o, f->args, acc[i], is_obj);
        /* its ts (microseconds, as in the trace) in the report's unit too */
        cJSON *a = cJSON_GetObjectItemCaseSensitive(o, acc[i]);
        const cJSON *ts = cJSON_IsObject(a) ? cJSON_GetObjectItemCaseSensitive(a, "ts") : NULL;
        if (cJSON_IsNumber(ts) && fabs(ts->valuedouble) < 9e12)
            bad |= add_int(a, "ts_ns", llround(ts->valuedouble * 1000));
    }
    return bad ? -1 : 0;
}

static int findings(const tv_rep *r, cJSON *root) {
    cJSON *arr[TV_REP_NKINDS];
    for (int k = 0; k < TV_REP_NKINDS; k++)
        if (!(arr[k] = cJSON_AddArrayToObject(root, tv_rep_kind_key[k]))) return -1;
    int bad = 0;
    for (size_t i = 0; i < r->nfindings; i++) {
        const tv_rep_finding *f = &r->findings[i];
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr[f->kind], o)) {
            cJSON_Delete(o);
            return -1;
        }
        if (f->kind == TV_REP_OTHER) bad |= add_str(o, "finding", f->kind_name);
        bad |= add_int(o, "ts_ns", f->ts);
        bad |= add_int(o, "pid", f->pid);
        bad |= add_int(o, "tid", f->tid);
        bad |= add_str(o, "message", f->message);
        if (f->kind == TV_REP_RACE) bad |= race_keys(o, f);
        cJSON *args = cJSON_Duplicate(f->args, 1);
        if (!args || !cJSON_AddItemToObject(o, "args", args)) {
            cJSON_Delete(args);
            return -1;
        }
    }
    return bad ? -1 : 0;
}

int tv_rep_json(const tv_rep *r, FILE *f) {
    cJSON *root = cJSON_CreateObject();
    int rc = -1;
    if (!root || !header(r, root)) goto out;
    cJSON *t = cJSON_AddArrayToObject(root, "threads");
    cJSON *k = cJSON_AddArrayToObject(root, "locks");
    cJSON *p = cJSON_AddArrayToObject(root, "pools");
    if (!t || !k || !p || threads(r, t) || locks(r, k) || pools(r, p) || findings(r, root)) goto out;
    char *text = cJSON_Print(root);
    if (!text) goto out;
    /* cJSON indents with tabs; two spaces read better. A raw tab can only
     * be formatting: cJSON writes a tab inside a string as \t. */
    int w = 0;
    for (const char *p = text; *p && w != EOF; p++)
        w = *p != '\t' ? fputc(*p, f) : p > text && p[-1] == ':' ? fputc(' ', f) : fputs("  ", f);
    rc = w == EOF || fputc('\n', f) == EOF ? -1 : 0;
    cJSON_free(text);
out:
    cJSON_Delete(root);
    return rc;
}
