/*
 * tv_report_pools.c — the scheduling figures of each thread pool: tasks,
 * queue waits, run times, per-worker busy time and utilization, imbalance,
 * longest idle gaps (definitions in tv_report_int.h). The model keeps no
 * args: each task slice's first and last piece are re-read from the file.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "tv_report_int.h"

/* A task as gathered: pieces of one (pool, task number) merged. */
typedef struct task {
    uint32_t pool;
    uint32_t lane;       /* the worker that ran it */
    int64_t number;      /* args.task, -1 when absent */
    tv_str label;
    int64_t start, end;  /* ns */
    int64_t wait;        /* ns, -1 when unknown */
    int failed;
} task;

typedef struct ctx {
    tv_rep *r;
    const tv_model *m;
    tv_map pool_by_id;   /* (pid, object id) -> pool */
    tv_map pool_of_lane; /* (lane, 0) -> the pool it serves */
    tv_map worker_of;    /* (pool, lane) -> index in its workers */
    tv_map task_by_num;  /* (pool, task number) -> index in tasks */
    task *tasks;
    size_t ntasks, captasks;
    size_t cappools;
    int oom;
} ctx;

static int grow(void **arr, size_t *cap, size_t n, size_t size) {
    if (n < *cap) return 0;
    size_t c = *cap ? *cap * 2 : 16;
    void *a = realloc(*arr, c * size);
    if (!a) return -1;
    memset((char *)a + *cap * size, 0, (c - *cap) * size);
    *arr = a;
    *cap = c;
    return 0;
}

/* The pool (pid, id), made when new; name (args.pool, may be NULL) names a
 * pool that has no name yet. TV_NONE out of memory. */
static uint32_t pool_get(ctx *c, uint32_t pid, int64_t id, const char *name) {
    tv_rep *r = c->r;
    int created;
    uint32_t *v = tv_map_get(&c->pool_by_id, pid, (uint64_t)id, &created);
    if (!v) return TV_NONE;
    uint32_t pi = *v;
    if (created) {
        if (grow((void **)&r->pools, &c->cappools, r->npools, sizeof *r->pools)) {
            tv_map_del(&c->pool_by_id, pid, (uint64_t)id);
            return TV_NONE;
        }
        pi = *v = (uint32_t)r->npools++;
        tv_rep_pool *p = &r->pools[pi];
        memset(p, 0, sizeof *p);
        p->pid = pid;
        p->id = id;
    }
    tv_rep_pool *p = &r->pools[pi];
    if (name && !p->name && !(p->name = p->name_copy = strdup(name))) return TV_NONE;
    return pi;
}

/* Lane li as a worker of pool pi (index -1: not announced); -1 out of memory. */
static int worker_add(ctx *c, uint32_t pi, uint32_t li, int64_t index) {
    tv_rep_pool *p = &c->r->pools[pi];
    int created;
    uint32_t *v = tv_map_get(&c->worker_of, pi, li, &created);
    if (!v) return -1;
    if (!created) {
        if (index >= 0 && p->workers[*v].index < 0) p->workers[*v].index = index;
        return 0;
    }
    if (grow((void **)&p->workers, &p->capworkers, p->nworkers, sizeof *p->workers)) {
        tv_map_del(&c->worker_of, pi, li);
        return -1;
    }
    tv_rep_worker *w = &p->workers[p->nworkers];
    w->lane = li;
    w->tid = c->m->lanes[li].tid;
    w->thread = tv_model_str(c->m, c->m->lanes[li].name);
    w->index = index;
    *v = (uint32_t)p->nworkers++;
    return 0;
}

static int num(const cJSON *args, const char *key, double *out) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, key);
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= -9.2e15 && v->valuedouble <= 9.2e15)) return 0;
    *out = v->valuedouble;
    return 1;
}

/* args[key] of the last piece, else of the first. */
static int num2(const cJSON *last, const cJSON *first, const char *key, double *out) {
    return num(last, key, out) || num(first, key, out);
}

static const char *str2(const cJSON *last, const cJSON *first, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(last, key);
    if (!cJSON_IsString(v) || !v->valuestring) v = cJSON_GetObjectItemCaseSensitive(first, key);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

/* Without args (a trace from a pipe): a "task failed" instant inside the task. */
static int failed_mark(const tv_model *m, const tv_lane *l, const tv_slice *s, tv_str cat) {
    for (size_t k = tv_marks_first_at(l->marks, l->nmarks, s->ts);
         k < l->nmarks && l->marks[k].ts <= s->ts + s->dur; k++)
        if (l->marks[k].cat == cat && !strncmp(tv_model_str(m, l->marks[k].name), "task failed", 11))
            return 1;
    return 0;
}

/* One task slice (or piece) on lane li. */
static void add_task(ctx *c, tv_event_reader *rd, uint32_t li, const tv_slice *s, tv_str cat) {
    const tv_model *m = c->m;
    const tv_lane *l = &m->lanes[li];
    uint32_t pid = m->procs[l->process].pid;
    cJSON *ev = tv_event_reader_get(rd, s->src);
    cJSON *ev_end = s->src_end != TV_SRC_NONE ? tv_event_reader_get(rd, s->src_end) : NULL;
    const cJSON *first = cJSON_GetObjectItemCaseSensitive(ev, "args");
    const cJSON *last = cJSON_GetObjectItemCaseSensitive(ev_end, "args");
    double pool_id, number, wait_us;
    uint32_t pi;
    if (num2(last, first, "pool_id", &pool_id)) {
        pi = pool_get(c, pid, (int64_t)pool_id, str2(last, first, "pool"));
    } else {
        /* not a threadlens pool task, unless its thread serves a pool */
        pi = tv_map_find(&c->pool_of_lane, li, 0);
        if (pi == TV_NONE) goto out;
    }
    if (pi == TV_NONE || worker_add(c, pi, li, -1)) goto oom;
    int has_num = num2(last, first, "task", &number);
    uint32_t *ti = NULL;
    int created = 1;
    if (has_num && !(ti = tv_map_get(&c->task_by_num, pi, (uint64_t)(int64_t)number, &created))) goto oom;
    task *t;
    if (created) {
        if (grow((void **)&c->tasks, &c->captasks, c->ntasks, sizeof *c->tasks)) {
            if (ti) tv_map_del(&c->task_by_num, pi, (uint64_t)(int64_t)number);
            goto oom;
        }
        if (ti) *ti = (uint32_t)c->ntasks;
        t = &c->tasks[c->ntasks++];
        t->pool = pi;
        t->lane = li;
        t->start = s->ts;
        t->end = s->ts + s->dur;
        t->wait = -1;
        t->failed = 0;
        t->number = has_num ? (int64_t)number : -1;
        t->label = s->name;
    } else {
        /* a piece the loader could not join to the rest */
        t = &c->tasks[*ti];
        if (s->ts < t->start) t->start = s->ts;
        if (s->ts + s->dur > t->end) t->end = s->ts + s->dur;
    }
    if (num2(last, first, "queue_wait_us", &wait_us) && wait_us >= 0) t->wait = llround(wait_us * 1000);
    const char *status = str2(last, first, "status");
    if (status) t->failed = !strcmp(status, "failed");
    else if (!ev && failed_mark(m, l, s, cat)) t->failed = 1;
    goto out;
oom:
    c->oom = 1;
out:
    cJSON_Delete(ev);
    cJSON_Delete(ev_end);
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest value with at least p% of them at or below it. */
static tv_rep_pct pct(int64_t *v, size_t n) {
    tv_rep_pct p = {n, 0, 0, 0};
    if (!n) return p;
    qsort(v, n, sizeof *v, cmp_i64);
    p.p50 = v[(50 * n + 99) / 100 - 1];
    p.p95 = v[(95 * n + 99) / 100 - 1];
    p.max = v[n - 1];
    return p;
}

static int cmp_worker(const void *a, const void *b) {
    const tv_rep_worker *x = a, *y = b;
    if ((x->index < 0) != (y->index < 0)) return x->index < 0 ? 1 : -1;
    if (x->index != y->index) return x->index < y->index ? -1 : 1;
    return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static int cmp_listed(const void *a, const void *b) {
    const tv_rep_task *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->worker != y->worker) return x->worker < y->worker ? -1 : 1;
    return x->number < y->number ? -1 : x->number > y->number;
}

static int cmp_task(const void *a, const void *b) {
    const task *x = a, *y = b;
    if (x->pool != y->pool) return x->pool < y->pool ? -1 : 1;
    if (x->lane != y->lane) return x->lane < y->lane ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* The worker's lifetime: its state slices, else any of its slices. */
static void lifetime(const tv_model *m, tv_rep_worker *w, tv_str state) {
    const tv_lane *l = &m->lanes[w->lane];
    for (int pass = 0; pass < 2; pass++) {
        int any = 0;
        for (uint32_t d = 0; d < l->nrows; d++)
            for (size_t k = 0; k < l->rows[d].n; k++) {
                const tv_slice *s = &l->rows[d].s[k];
                if (pass == 0 && (!state || s->cat != state)) continue;
                if (!any || s->ts < w->start) w->start = s->ts;
                if (!any || s->ts + s->dur > w->end) w->end = s->ts + s->dur;
                any = 1;
            }
        if (any) return;
    }
}

/* Keeps the TV_REP_GAPS longest gaps, longest first, then earliest. */
static void gap_add(tv_rep_pool *p, uint32_t worker, int64_t start, int64_t dur) {
    if (dur <= 0) return;
    int at = p->ngaps;
    while (at > 0 && (p->gaps[at - 1].dur < dur || (p->gaps[at - 1].dur == dur && p->gaps[at - 1].start > start)))
        at--;
    if (at >= TV_REP_GAPS) return;
    int n = p->ngaps < TV_REP_GAPS ? p->ngaps + 1 : TV_REP_GAPS;
    memmove(&p->gaps[at + 1], &p->gaps[at], (size_t)(n - 1 - at) * sizeof *p->gaps);
    p->gaps[at] = (tv_rep_gap){worker, start, dur};
    p->ngaps = n;
}

/* The figures of pool pi from its tasks t[0..n), sorted by worker lane and start. */
static int pool_figures(ctx *c, uint32_t pi, const task *t, size_t n, tv_str state, int64_t *scratch) {
    tv_rep_pool *p = &c->r->pools[pi];
    if (p->nworkers) qsort(p->workers, p->nworkers, sizeof *p->workers, cmp_worker);
    tv_map_free(&c->worker_of);
    if (tv_map_init(&c->worker_of, 64)) return -1;
    for (size_t i = 0; i < p->nworkers; i++) {
        uint32_t *v = tv_map_get(&c->worker_of, pi, p->workers[i].lane, NULL);
        if (!v) return -1;
        *v = (uint32_t)i;
        lifetime(c->m, &p->workers[i], state);
    }
    size_t nw = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i].wait >= 0) scratch[nw++] = t[i].wait;
    p->wait = pct(scratch, nw);
    for (size_t i = 0; i < n; i++) scratch[i] = t[i].end - t[i].start;
    p->run = pct(scratch, n);
    p->tasks = n;
    for (size_t i = 0; i < n;) {
        uint32_t wi = tv_map_find(&c->worker_of, pi, t[i].lane);
        tv_rep_worker *w = &p->workers[wi];
        int64_t at = w->start;
        for (; i < n && t[i].lane == w->lane; i++) {
            w->tasks++;
            w->busy += t[i].end - t[i].start;
            p->failed += (uint64_t)t[i].failed;
            if (w->end > w->start) gap_add(p, wi, at, (t[i].start < w->end ? t[i].start : w->end) - at);
            if (t[i].end > at) at = t[i].end;
        }
        if (w->end > w->start) gap_add(p, wi, at, w->end - at);
    }
    int64_t total = 0, max = 0;
    for (size_t i = 0; i < p->nworkers; i++) {
        tv_rep_worker *w = &p->workers[i];
        if (!w->tasks && w->end > w->start) gap_add(p, (uint32_t)i, w->start, w->end - w->start);
        w->utilization = w->end > w->start ? (double)w->busy / (double)(w->end - w->start) : 0;
        total += w->busy;
        if (w->busy > max) max = w->busy;
    }
    p->imbalance = total > 0 ? (double)max * (double)p->nworkers / (double)total : 0;
    if (!n) return 0;
    if (!(p->task_list = malloc(n * sizeof *p->task_list))) return -1;
    for (size_t i = 0; i < n; i++)
        p->task_list[i] = (tv_rep_task){t[i].number, tv_model_str(c->m, t[i].label),
                                        tv_map_find(&c->worker_of, pi, t[i].lane), t[i].start,
                                        t[i].end - t[i].start, t[i].wait, t[i].failed};
    qsort(p->task_list, n, sizeof *p->task_list, cmp_listed);
    return 0;
}

int tv_rep_pools(tv_rep *r) {
    const tv_model *m = r->m;
    ctx c;
    memset(&c, 0, sizeof c);
    c.r = r;
    c.m = m;
    tv_event_reader *rd = NULL;
    int64_t *scratch = NULL;
    int rc = -1;
    if (tv_map_init(&c.pool_by_id, 16) || tv_map_init(&c.pool_of_lane, 16) ||
        tv_map_init(&c.worker_of, 64) || tv_map_init(&c.task_by_num, 256))
        goto out;
    tv_str pool_kind = tv_model_find_str(m, "pool");
    for (size_t i = 0; pool_kind && i < m->nobjects; i++) {
        const tv_object *o = &m->objects[i];
        if (o->kind != pool_kind) continue;
        uint32_t pi = pool_get(&c, o->pid, o->id, NULL);
        if (pi == TV_NONE) goto out;
        if (!r->pools[pi].name && o->name) r->pools[pi].name = tv_model_str(m, o->name);
    }
    for (size_t i = 0; i < m->npool_workers; i++) {
        const tv_pool_worker *w = &m->pool_workers[i];
        if (w->lane >= m->nlanes) continue;
        uint32_t pi = pool_get(&c, w->pid, w->pool, NULL);
        if (pi == TV_NONE || worker_add(&c, pi, w->lane, w->index)) goto out;
        uint32_t *v = tv_map_get(&c.pool_of_lane, w->lane, 0, NULL);
        if (!v) goto out;
        *v = pi;
    }
    tv_str task_cat = tv_model_find_str(m, "task");
    if (task_cat) {
        if (!(rd = tv_event_reader_open(m))) goto out;
        for (uint32_t li = 0; li < m->nlanes && !c.oom; li++) {
            const tv_lane *l = &m->lanes[li];
            if (l->kind != TV_LANE_THREAD) continue;
            for (uint32_t d = 0; d < l->nrows; d++)
                for (size_t k = 0; k < l->rows[d].n; k++)
                    if (l->rows[d].s[k].cat == task_cat) add_task(&c, rd, li, &l->rows[d].s[k], task_cat);
        }
        if (c.oom) goto out;
        /* Cancelled tasks never ran: each left a "task cancelled" instant
         * naming its pool. */
        for (uint32_t li = 0; li < m->nlanes; li++) {
            const tv_lane *l = &m->lanes[li];
            for (size_t k = 0; k < l->nmarks; k++) {
                const tv_mark *mk = &l->marks[k];
                if (mk->cat != task_cat || strncmp(tv_model_str(m, mk->name), "task cancelled", 14))
                    continue;
                cJSON *ev = tv_event_reader_get(rd, mk->src);
                double pool_id;
                uint32_t pi = TV_NONE;
                if (num(cJSON_GetObjectItemCaseSensitive(ev, "args"), "pool_id", &pool_id))
                    pi = pool_get(&c, mk->pid, (int64_t)pool_id, NULL);
                else /* no args (a pipe): the process's only pool, if it has one */
                    for (uint32_t q = 0; q < r->npools; q++)
                        if (r->pools[q].pid == mk->pid) pi = pi == TV_NONE ? q : TV_NONE - 1;
                if (pi < r->npools) r->pools[pi].cancelled++;
                cJSON_Delete(ev);
            }
        }
    }
    if (c.ntasks) qsort(c.tasks, c.ntasks, sizeof *c.tasks, cmp_task);
    if (!(scratch = malloc((c.ntasks ? c.ntasks : 1) * sizeof *scratch))) goto out;
    size_t at = 0;
    for (uint32_t pi = 0; pi < r->npools; pi++) {
        size_t n = 0;
        while (at + n < c.ntasks && c.tasks[at + n].pool == pi) n++;
        if (pool_figures(&c, pi, c.tasks + at, n, tv_model_find_str(m, "state"), scratch)) goto out;
        at += n;
    }
    rc = 0;
out:
    tv_event_reader_close(rd);
    free(scratch);
    free(c.tasks);
    tv_map_free(&c.pool_by_id);
    tv_map_free(&c.pool_of_lane);
    tv_map_free(&c.worker_of);
    tv_map_free(&c.task_by_num);
    return rc;
}

void tv_rep_pools_free(tv_rep *r) {
    for (size_t i = 0; i < r->npools; i++) {
        free(r->pools[i].workers);
        free(r->pools[i].name_copy);
        free(r->pools[i].task_list);
    }
    free(r->pools);
    r->pools = NULL;
    r->npools = 0;
}
