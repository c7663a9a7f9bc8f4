/*
 * tc_model.c — freezing the model into the public arrays, the query
 * functions, tc_check() and freeing.
 */
#include "tc_internal.h"

#include <stdlib.h>
#include <string.h>

static int cmp_thread(const void *pa, const void *pb)
{
    const tc_thread *a = *(const tc_thread *const *)pa;
    const tc_thread *b = *(const tc_thread *const *)pb;
    if (a->pid != b->pid)
        return a->pid < b->pid ? -1 : 1;
    if (a->sort_index != b->sort_index)
        return a->sort_index < b->sort_index ? -1 : 1;
    return a->tid < b->tid ? -1 : a->tid > b->tid;
}

static int cmp_counter(const void *pa, const void *pb)
{
    const tc_counter *a = *(const tc_counter *const *)pa;
    const tc_counter *b = *(const tc_counter *const *)pb;
    if (a->pid != b->pid)
        return a->pid < b->pid ? -1 : 1;
    return strcmp(a->track, b->track);
}

/* Pointers to the slices whose indexes are in v (size_t). */
static const tc_slice **slice_ptrs(const tc__model *m, const tc__vec *v)
{
    const tc_slice **out = tc__xcalloc(v->len, sizeof(*out));
    for (size_t i = 0; i < v->len; i++)
        out[i] = &TC__AT(&m->slices, tc_slice, TC__AT(v, size_t, i));
    return out;
}

static const tc_instant **instant_ptrs(const tc__model *m, const tc__vec *v)
{
    const tc_instant **out = tc__xcalloc(v->len, sizeof(*out));
    for (size_t i = 0; i < v->len; i++)
        out[i] = &TC__AT(&m->instants, tc_instant, TC__AT(v, size_t, i));
    return out;
}

static void finish_threads(tc_trace *t, tc__model *m)
{
    m->thread_ptrs = tc__xcalloc(m->threads.len, sizeof(tc_thread *));
    for (size_t i = 0; i < m->threads.len; i++) {
        tc__thread *th = TC__AT(&m->threads, tc__thread *, i);
        th->pub.slices = slice_ptrs(m, &th->slices);
        th->pub.n_slices = th->slices.len;
        th->pub.instants = instant_ptrs(m, &th->instants);
        th->pub.n_instants = th->instants.len;
        m->thread_ptrs[i] = &th->pub;
        for (size_t k = 0; k < th->slices.len; k++)
            t->stats.slices += th->pub.slices[k]->end_ns != TC_OPEN_END;
    }
    if (m->threads.len > 1)
        qsort(m->thread_ptrs, m->threads.len, sizeof(tc_thread *), cmp_thread);
    t->threads = m->thread_ptrs;
    t->n_threads = t->stats.threads = m->threads.len;
}

static void finish_async(tc_trace *t, tc__model *m)
{
    m->async_ptrs = slice_ptrs(m, &m->async);
    t->async = m->async_ptrs;
    t->n_async = m->async.len;
    for (size_t i = 0; i < t->n_async; i++)
        t->stats.async_slices += t->async[i]->end_ns != TC_OPEN_END;
}

static void finish_flows(tc_trace *t, tc__model *m)
{
    const tc_slice *slices = (const tc_slice *)m->slices.data;
    m->flow_arr = tc__xcalloc(m->flows.len, sizeof(tc_flow));
    for (size_t i = 0; i < m->flows.len; i++) {
        const tc__flowref *f = &TC__AT(&m->flows, tc__flowref, i);
        m->flow_arr[i].bind_id = f->bind_id;
        m->flow_arr[i].from = &slices[f->from];
        m->flow_arr[i].to = &slices[f->to];
    }
    t->flows = m->flow_arr;
    t->n_flows = t->stats.flows = m->flows.len;
}

static void finish_counters(tc_trace *t, tc__model *m)
{
    m->counter_ptrs = tc__xcalloc(m->counters.len, sizeof(tc_counter *));
    for (size_t i = 0; i < m->counters.len; i++) {
        tc__counter *c = TC__AT(&m->counters, tc__counter *, i);
        c->pub.samples = (const tc_sample *)c->samples.data;
        c->pub.n_samples = c->samples.len;
        t->stats.samples += c->samples.len;
        m->counter_ptrs[i] = &c->pub;
    }
    if (m->counters.len > 1)
        qsort(m->counter_ptrs, m->counters.len, sizeof(tc_counter *),
          cmp_counter);
    t->counters = m->counter_ptrs;
    t->n_counters = t->stats.counters = m->counters.len;
}

static int cmp_problem(const void *pa, const void *pb)
{
    const tc__problem_rec *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void finish_problems(tc__model *m)
{
    if (m->problems.len > 1)
        qsort(m->problems.data, m->problems.len, sizeof(tc__problem_rec),
          cmp_problem);
    m->problem_lines = tc__xcalloc(m->problems.len, sizeof(char *));
    for (size_t i = 0; i < m->problems.len; i++)
        m->problem_lines[i] = TC__AT(&m->problems, tc__problem_rec, i).line;
    m->out.lines = m->problem_lines;
    m->out.count = m->problems.len;
    m->out.total = m->n_problems;
}

void tc__model_finish(tc_trace *t)
{
    tc__model *m = t->model;
    t->stats.events = m->n_ev;
    finish_threads(t, m);
    finish_async(t, m);
    finish_flows(t, m);
    finish_counters(t, m);
    m->instant_ptrs = tc__xcalloc(m->instants.len, sizeof(tc_instant *));
    for (size_t i = 0; i < m->instants.len; i++)
        m->instant_ptrs[i] = &TC__AT(&m->instants, tc_instant, i);
    t->instants = m->instant_ptrs;
    t->n_instants = t->stats.instants = m->instants.len;
    finish_problems(m);
}

static void free_threads(tc__model *m)
{
    for (size_t i = 0; i < m->threads.len; i++) {
        tc__thread *th = TC__AT(&m->threads, tc__thread *, i);
        free((void *)th->pub.slices);
        free((void *)th->pub.instants);
        tc__vec_free(&th->stack);
        tc__vec_free(&th->slices);
        tc__vec_free(&th->instants);
        free(th);
    }
    tc__vec_free(&m->threads);
    tc__map_free(&m->thread_map);
    free(m->thread_ptrs);
}

static void free_async(tc__model *m)
{
    for (size_t i = 0; i < m->identities.len; i++) {
        tc__identity *idn = &TC__AT(&m->identities, tc__identity, i);
        free(idn->label);
        tc__vec_free(&idn->stack);
    }
    tc__vec_free(&m->identities);
    tc__map_free(&m->identity_map);
    tc__vec_free(&m->async);
    free(m->async_ptrs);
    tc__vec_free(&m->pending);
    tc__map_free(&m->flow_map);
    tc__vec_free(&m->flows);
    free(m->flow_arr);
}

static void free_counters(tc__model *m)
{
    for (size_t i = 0; i < m->counters.len; i++) {
        tc__counter *c = TC__AT(&m->counters, tc__counter *, i);
        free(c->track);
        tc__vec_free(&c->samples);
        free(c);
    }
    tc__vec_free(&m->counters);
    tc__map_free(&m->counter_map);
    free(m->counter_ptrs);
}

void tc__model_free(tc__model *m)
{
    if (!m)
        return;
    free_threads(m);
    free_async(m);
    free_counters(m);
    for (size_t i = 0; i < m->problems.len; i++)
        free(TC__AT(&m->problems, tc__problem_rec, i).line);
    tc__vec_free(&m->problems);
    free(m->problem_lines);
    tc__vec_free(&m->slices);
    tc__vec_free(&m->instants);
    free(m->instant_ptrs);
    tc__vec_free(&m->procs);
    tc__map_free(&m->proc_map);
    for (size_t i = 0; i < m->n_ev; i++)
        cJSON_Delete(m->ev[i].args);
    free(m->ev);
    for (size_t i = 0; i < m->strings.len; i++)
        free(TC__AT(&m->strings, char *, i));
    tc__vec_free(&m->strings);
    tc__map_free(&m->string_map);
    free(m->path);
    free(m);
}

/* ---- checking ------------------------------------------------------------- */

size_t tc_check(const tc_trace *t, tc_problems *out)
{
    if (out)
        *out = t->model->out;
    return t->model->out.total;
}

const char *tc_problem_find(const tc_problems *p, const char *needle)
{
    for (size_t i = 0; i < p->count; i++)
        if (strstr(p->lines[i], needle))
            return p->lines[i];
    return NULL;
}

long tc_check_file(const char *path, FILE *report)
{
    char err[1024];
    tc_trace *t = tc_load_file(path, err, sizeof(err));
    if (!t) {
        if (report)
            fprintf(report, "%s\n", err);
        return -1;
    }
    tc_problems p;
    size_t n = tc_check(t, &p);
    for (size_t i = 0; report && i < p.count; i++)
        fprintf(report, "%s: %s\n", path, p.lines[i]);
    if (report && p.total > p.count)
        fprintf(report, "%s: ... and %zu more problems\n", path,
                p.total - p.count);
    tc_free(t);
    return (long)n;
}

/* ---- queries -------------------------------------------------------------- */

static bool is(uint32_t want, uint32_t got) { return !want || want == got; }

const tc_thread *tc_thread_find(const tc_trace *t, uint32_t pid, uint32_t tid)
{
    for (size_t i = 0; i < t->n_threads; i++)
        if (is(pid, t->threads[i]->pid) && is(tid, t->threads[i]->tid))
            return t->threads[i];
    return NULL;
}

const char *tc_thread_name(const tc_trace *t, uint32_t pid, uint32_t tid)
{
    const tc_thread *th = tc_thread_find(t, pid, tid);
    return th ? th->name : NULL;
}

const char *tc_process_name(const tc_trace *t, uint32_t pid)
{
    const tc__model *m = t->model;
    for (size_t i = 0; i < m->procs.len; i++)
        if (is(pid, TC__AT(&m->procs, tc__proc, i).pid))
            return TC__AT(&m->procs, tc__proc, i).name;
    return NULL;
}

/* The nth slice called name on the matching threads (threads in sort
 * order, slices in start order); *count receives how many were seen. */
static const tc_slice *each_slice(const tc_trace *t, uint32_t pid,
                                  uint32_t tid, const char *name,
                                  size_t *count, size_t nth)
{
    for (size_t i = 0; i < t->n_threads; i++) {
        const tc_thread *th = t->threads[i];
        if (!is(pid, th->pid) || !is(tid, th->tid))
            continue;
        for (size_t k = 0; k < th->n_slices; k++) {
            if (strcmp(th->slices[k]->name, name) != 0)
                continue;
            if ((*count)++ == nth)
                return th->slices[k];
        }
    }
    return NULL;
}

const tc_slice *tc_slice_find(const tc_trace *t, uint32_t pid, uint32_t tid,
                              const char *name, size_t nth)
{
    size_t count = 0;
    return each_slice(t, pid, tid, name, &count, nth);
}

size_t tc_slice_count(const tc_trace *t, uint32_t pid, uint32_t tid,
                      const char *name)
{
    size_t count = 0;
    each_slice(t, pid, tid, name, &count, TC__NONE);
    return count;
}

const tc_slice *tc_async_find(const tc_trace *t, const char *name, size_t nth)
{
    for (size_t i = 0; i < t->n_async; i++)
        if (!strcmp(t->async[i]->name, name) && nth-- == 0)
            return t->async[i];
    return NULL;
}

const cJSON *tc_slice_arg(const tc_slice *s, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(s->end_args, key);
    return v ? v : cJSON_GetObjectItemCaseSensitive(s->args, key);
}

const tc_counter *tc_counter_find(const tc_trace *t, uint32_t pid,
                                  const char *track)
{
    for (size_t i = 0; i < t->n_counters; i++)
        if (is(pid, t->counters[i]->pid) &&
            !strcmp(t->counters[i]->track, track))
            return t->counters[i];
    return NULL;
}

const tc_instant *tc_instant_find(const tc_trace *t, const char *name,
                                  size_t nth)
{
    for (size_t i = 0; i < t->n_instants; i++)
        if (!strcmp(t->instants[i]->name, name) && nth-- == 0)
            return t->instants[i];
    return NULL;
}

const tc_flow *tc_flow_find(const tc_trace *t, const char *from_name,
                            size_t nth)
{
    for (size_t i = 0; i < t->n_flows; i++)
        if (!strcmp(t->flows[i].from->name, from_name) && nth-- == 0)
            return &t->flows[i];
    return NULL;
}
