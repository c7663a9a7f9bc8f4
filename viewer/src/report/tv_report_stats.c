/*
 * tv_report_stats.c — per-thread and per-lock figures (definitions in
 * tv_report_int.h). One pass over every slice; slice names are classified
 * once per distinct string, since a trace has millions of slices but few names.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "tv_report_int.h"

/* What a state slice name means: its class, and for lock waits the lock. */
enum { CLS_RUNNING = 1, CLS_BLOCKED = 2, CLS_LOCKWAIT = 3 };

static const char *const lock_wait_prefix[] = {"waiting for ", "waiting to read ", "spinning on "};

static int classify(const tv_model *m, tv_str name, tv_str *lock) {
    const char *s = tv_model_str(m, name);
    *lock = 0;
    if (!strcmp(s, "running")) return CLS_RUNNING;
    for (size_t i = 0; i < sizeof lock_wait_prefix / sizeof *lock_wait_prefix; i++) {
        size_t n = strlen(lock_wait_prefix[i]);
        if (!strncmp(s, lock_wait_prefix[i], n)) {
            *lock = tv_model_find_str(m, s + n);
            /* A lock nobody ever held has no lane: still blocked time. */
            return *lock ? CLS_LOCKWAIT : CLS_BLOCKED;
        }
    }
    return CLS_BLOCKED;
}

/* classify(), remembered per name in names: (name, 0) -> class, and for a
 * lock wait (name, 1) -> the lock. */
static int name_class(tv_map *names, const tv_model *m, tv_str name, tv_str *lock, int *oom) {
    int created;
    uint32_t *v = tv_map_get(names, name, 0, &created);
    if (v && !created) {
        *lock = *v == CLS_LOCKWAIT ? tv_map_find(names, name, 1) : 0;
        return (int)*v;
    }
    int cls = classify(m, name, lock);
    if (!v) {
        *oom = 1;
        return cls;
    }
    *v = (uint32_t)cls;
    if (cls == CLS_LOCKWAIT) {
        uint32_t *l = tv_map_get(names, name, 1, NULL);
        if (l) *l = *lock;
        else *oom = 1;
    }
    return cls;
}

/* Is the hold's b event on thread tid? 1 yes, 0 no, -1 cannot tell (the
 * file cannot be re-read, or the tid is a name the model replaced). */
static int hold_on_thread(tv_event_reader *rd, const tv_slice *s, int64_t tid) {
    cJSON *ev = tv_event_reader_get(rd, s->src);
    if (!ev) return -1;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(ev, "tid");
    int r = -1;
    if (!t) {
        r = tid == 0; /* the loader's default */
    } else if (cJSON_IsNumber(t)) {
        if (fabs(t->valuedouble) <= 9007199254740992.0) r = (int64_t)t->valuedouble == tid;
    } else if (cJSON_IsString(t) && t->valuestring && t->valuestring[0]) {
        /* numeric strings are numbers to the loader too */
        char *end;
        errno = 0;
        long long n = strtoll(t->valuestring, &end, 10);
        const char *c = t->valuestring;
        if (!*end && !errno && (*c == '-' || (*c >= '0' && *c <= '9'))) r = n == tid;
    }
    cJSON_Delete(ev);
    return r;
}

/* Did the waiting thread (lane th) acquire the lock (lane) right when its wait
 * ended? Holds name their holder (args.thread), kept in the model as the
 * slice's label; when other threads of the process share the waiter's name
 * (a pool's default thread@file.c:line), the hold's own tid decides. */
static int wait_ends_in_hold(const tv_lane *lock, int64_t end, const tv_lane *th, int shared,
                             tv_event_reader *rd) {
    for (uint32_t r = 0; r < lock->nrows; r++) {
        const tv_row *row = &lock->rows[r];
        for (size_t i = tv_row_first_starting_at(row, end - TV_REP_MATCH_NS);
             i < row->n && row->s[i].ts <= end + TV_REP_MATCH_NS; i++) {
            const tv_slice *s = &row->s[i];
            if (s->label && s->label != th->name) continue;
            if (!shared || hold_on_thread(rd, s, th->tid) != 0) return 1;
        }
    }
    return 0;
}

/* Lookups by a (pid, id) pair: a hit is checked (an index past uint32 is
 * stored cut short), and a miss falls back to a scan. */

/* Index i for (a, b): put sets it, put_first only when (a, b) is new. */
static void index_put(tv_map *h, uint64_t a, uint64_t b, size_t i, int *oom) {
    uint32_t *v = tv_map_get(h, a, b, NULL);
    if (v) *v = (uint32_t)i;
    else *oom = 1;
}

static void index_put_first(tv_map *h, uint64_t a, uint64_t b, size_t i, int *oom) {
    int created;
    uint32_t *v = tv_map_get(h, a, b, &created);
    if (!v) *oom = 1;
    else if (created) *v = (uint32_t)i;
}

static const tv_object *object_by_name(const tv_rep *r, uint32_t pid, tv_str name) {
    const tv_model *m = r->m;
    size_t i = tv_map_find(&r->obj_by_name, pid, name);
    if (i < m->nobjects && m->objects[i].pid == pid && m->objects[i].name == name)
        return &m->objects[i];
    for (i = 0; i < m->nobjects; i++)
        if (m->objects[i].pid == pid && m->objects[i].name == name) return &m->objects[i];
    return NULL;
}

static void lock_from_lane(const tv_rep *r, tv_rep_lock *k, uint32_t li) {
    const tv_model *m = r->m;
    const tv_lane *l = &m->lanes[li];
    k->lane = li;
    k->pid = m->procs[l->process].pid;
    k->name = tv_model_str(m, l->name);
    k->object_id = -1;
    const tv_object *o = object_by_name(r, k->pid, l->name);
    if (o) {
        k->kind = tv_model_str(m, o->kind);
        k->object_id = o->id;
    }
    for (uint32_t ri = 0; ri < l->nrows; ri++)
        for (size_t i = 0; i < l->rows[ri].n; i++) {
            const tv_slice *s = &l->rows[ri].s[i];
            k->acquisitions++;
            if (s->flags & TV_SLICE_READ) k->read_holds++;
            k->hold_total += s->dur;
            if (s->dur > k->hold_max) k->hold_max = s->dur;
        }
}

/* What thread_from_lane needs besides the lane. */
typedef struct lane_ctx {
    tv_map *names;       /* state slice name -> class (see name_class) */
    const tv_map *locks; /* (process, lock name) -> index in r->locks */
    const tv_map *lanes_named; /* (process, thread name) -> thread lanes so named */
    tv_str state;
    tv_event_reader *rd;
} lane_ctx;

static void thread_from_lane(tv_rep *r, tv_rep_thread *t, uint32_t li, const lane_ctx *c, int *oom) {
    tv_map *names = c->names;
    const tv_map *locks = c->locks;
    tv_str state = c->state;
    const tv_model *m = r->m;
    const tv_lane *l = &m->lanes[li];
    t->lane = li;
    t->pid = m->procs[l->process].pid;
    t->tid = l->tid;
    t->name = tv_model_str(m, l->name);
    uint32_t same_name = tv_map_find(c->lanes_named, l->process, l->name);
    if (same_name == TV_NONE) same_name = 0;
    for (uint32_t ri = 0; ri < l->nrows; ri++) {
        const tv_row *row = &l->rows[ri];
        if (!row->n) continue;
        t->slices += row->n;
        int64_t first = row->s[0].ts, last = row->s[row->n - 1].ts + row->s[row->n - 1].dur;
        if (!t->has_time || first < t->first) t->first = first;
        if (!t->has_time || last > t->last) t->last = last;
        t->has_time = 1;
        if (!state) continue;
        for (size_t i = 0; i < row->n; i++) {
            const tv_slice *s = &row->s[i];
            if (s->cat != state) continue;
            tv_str lock;
            int cls = name_class(names, m, s->name, &lock, oom);
            if (cls == CLS_RUNNING) {
                t->running += s->dur;
                continue;
            }
            t->blocked += s->dur;
            uint32_t ki;
            if (cls != CLS_LOCKWAIT || (ki = tv_map_find(locks, l->process, lock)) == TV_NONE) continue;
            tv_rep_lock *k = &r->locks[ki];
            k->waits++;
            k->wait_total += s->dur;
            if (s->dur > k->wait_max) k->wait_max = s->dur;
            if (wait_ends_in_hold(&m->lanes[k->lane], s->ts + s->dur, l, same_name > 1, c->rd))
                k->contended++;
        }
    }
    if (l->nmarks) {
        if (!t->has_time || l->marks[0].ts < t->first) t->first = l->marks[0].ts;
        if (!t->has_time || l->marks[l->nmarks - 1].ts > t->last) t->last = l->marks[l->nmarks - 1].ts;
        t->has_time = 1;
    }
}

int tv_rep_build(tv_rep *r, const tv_model *m) {
    tv_map locks = {0}, names = {0}, lanes_named = {0};
    tv_event_reader *rd = NULL;
    int bad = 0;
    memset(r, 0, sizeof *r);
    r->m = m;
    if (tv_map_init(&locks, 64) || tv_map_init(&names, 64) || tv_map_init(&lanes_named, 64) ||
        tv_map_init(&r->thread_by_tid, 64) || tv_map_init(&r->obj_by_id, 64) ||
        tv_map_init(&r->obj_by_name, 64))
        goto oom;
    size_t nthreads = 0, nlocks = 0;
    for (uint32_t i = 0; i < m->nlanes; i++) {
        if (m->lanes[i].kind == TV_LANE_THREAD) nthreads++;
        if (m->lanes[i].kind == TV_LANE_ASYNC && (m->lanes[i].flags & TV_LANE_LOCK)) nlocks++;
    }
    r->threads = calloc(nthreads + 1, sizeof *r->threads);
    r->locks = calloc(nlocks + 1, sizeof *r->locks);
    if (!r->threads || !r->locks) goto oom;
    /* Backwards, so that where a name or id repeats the first object wins. */
    for (size_t i = m->nobjects; i-- > 0;) {
        const tv_object *o = &m->objects[i];
        index_put(&r->obj_by_name, o->pid, o->name, i, &bad);
        index_put(&r->obj_by_id, o->pid, (uint64_t)o->id, i, &bad);
    }

    /* Display order: processes in order, each one's lanes in order. Locks
     * first, so the threads' waits can be added to them. */
    for (uint32_t p = 0; p < m->nprocs; p++)
        for (uint32_t j = 0; j < m->procs[p].nlanes; j++) {
            uint32_t li = m->procs[p].lanes[j];
            const tv_lane *l = &m->lanes[li];
            if (l->kind != TV_LANE_ASYNC || !(l->flags & TV_LANE_LOCK)) continue;
            index_put(&locks, l->process, l->name, r->nlocks, &bad);
            lock_from_lane(r, &r->locks[r->nlocks++], li);
        }
    /* how many thread lanes of each process share each name */
    for (uint32_t li = 0; li < m->nlanes; li++) {
        const tv_lane *l = &m->lanes[li];
        if (l->kind != TV_LANE_THREAD) continue;
        int created;
        uint32_t *n = tv_map_get(&lanes_named, l->process, l->name, &created);
        if (!n) bad = 1;
        else *n = created ? 1 : *n + 1;
    }
    if (!(rd = tv_event_reader_open(m))) goto oom;
    lane_ctx c = {&names, &locks, &lanes_named, tv_model_find_str(m, "state"), rd};
    for (uint32_t p = 0; p < m->nprocs; p++)
        for (uint32_t j = 0; j < m->procs[p].nlanes; j++) {
            uint32_t li = m->procs[p].lanes[j];
            if (m->lanes[li].kind != TV_LANE_THREAD) continue;
            index_put_first(&r->thread_by_tid, m->procs[p].pid, (uint64_t)m->lanes[li].tid, r->nthreads, &bad);
            thread_from_lane(r, &r->threads[r->nthreads++], li, &c, &bad);
        }
    if (bad || tv_rep_findings(r) || tv_rep_pools(r)) goto oom;
    tv_event_reader_close(rd);
    tv_map_free(&locks);
    tv_map_free(&names);
    tv_map_free(&lanes_named);
    return 0;
oom:
    tv_event_reader_close(rd);
    tv_map_free(&locks);
    tv_map_free(&names);
    tv_map_free(&lanes_named);
    tv_rep_free(r);
    return -1;
}

void tv_rep_free(tv_rep *r) {
    tv_map_free(&r->thread_by_tid);
    tv_map_free(&r->obj_by_id);
    tv_map_free(&r->obj_by_name);
    free(r->threads);
    free(r->locks);
    for (size_t i = 0; i < r->nfindings; i++) cJSON_Delete(r->findings[i].args);
    free(r->findings);
    tv_rep_pools_free(r);
    memset(r, 0, sizeof *r);
}

const char *tv_rep_thread_name(const tv_rep *r, uint32_t pid, int64_t tid) {
    size_t i = tv_map_find(&r->thread_by_tid, pid, (uint64_t)tid);
    if (i < r->nthreads && r->threads[i].pid == pid && r->threads[i].tid == tid)
        return r->threads[i].name;
    for (i = 0; i < r->nthreads; i++)
        if (r->threads[i].pid == pid && r->threads[i].tid == tid) return r->threads[i].name;
    return NULL;
}

const char *tv_rep_object_name(const tv_rep *r, uint32_t pid, int64_t id) {
    const tv_object *o = r->m->objects;
    size_t i = tv_map_find(&r->obj_by_id, pid, (uint64_t)id);
    if (i < r->m->nobjects && o[i].pid == pid && o[i].id == id)
        return tv_model_str(r->m, o[i].name);
    for (i = 0; i < r->m->nobjects; i++)
        if (r->m->objects[i].pid == pid && r->m->objects[i].id == id)
            return tv_model_str(r->m, r->m->objects[i].name);
    return NULL;
}
