/*
 * tc_meta.c — metadata events and rule h: every pid has a process_name,
 * every thread with thread-track events has a thread_name (the last one
 * wins, as in Perfetto's UpdateThreadName), sort indexes are integers.
 *
 * M events are read in file order: they carry no meaningful ts, and "last
 * wins" means last in the file.
 */
#include "tc_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static tc__proc *proc_of(tc__model *m, uint32_t pid, size_t event)
{
    char key[16];
    snprintf(key, sizeof(key), "%lu", (unsigned long)pid);
    size_t i = tc__map_get(&m->proc_map, key);
    if (i == TC__NONE) {
        i = m->procs.len;
        tc__map_set(&m->proc_map, key, i);
        tc__proc *p = tc__vec_push(&m->procs);
        p->pid = pid;
        p->first_event = event;
    }
    return &TC__AT(&m->procs, tc__proc, i);
}

void tc__note_pid(tc__model *m, const tc__event *ev)
{
    proc_of(m, ev->pid, ev->index);
}

/* args.name as a string, or NULL with a problem recorded. */
static const char *name_arg(tc__model *m, const tc__event *ev)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(ev->args, "name");
    if (cJSON_IsString(v))
        return v->valuestring;
    tc__event_problem(m, ev, "%s needs args.name as a string", ev->name);
    return NULL;
}

/* args.sort_index as an integer; false with a problem recorded. */
static bool sort_arg(tc__model *m, const tc__event *ev, long long *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(ev->args, "sort_index");
    if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
        fabs(v->valuedouble) < 9e15) {
        *out = (long long)v->valuedouble;
        return true;
    }
    tc__event_problem(m, ev, "%s needs args.sort_index as an integer",
                      ev->name);
    return false;
}

void tc__meta_event(tc__model *m, const tc__event *ev)
{
    long long sort;
    if (!strcmp(ev->name, "process_name")) {
        const char *name = name_arg(m, ev);
        if (name)
            proc_of(m, ev->pid, ev->index)->name = name;
    } else if (!strcmp(ev->name, "process_sort_index")) {
        sort_arg(m, ev, &sort);
    } else if (!strcmp(ev->name, "thread_name")) {
        const char *name = name_arg(m, ev);
        if (name)
            tc__thread_get(m, ev->pid, ev->tid)->pub.name = name;
    } else if (!strcmp(ev->name, "thread_sort_index")) {
        if (sort_arg(m, ev, &sort)) {
            tc__thread *th = tc__thread_get(m, ev->pid, ev->tid);
            th->pub.sort_index = sort;
            th->pub.has_sort_index = true;
        }
    }
    /* Perfetto ignores every other M name; so do we. */
}

void tc__check_names(tc__model *m)
{
    for (size_t i = 0; i < m->procs.len; i++) {
        const tc__proc *p = &TC__AT(&m->procs, tc__proc, i);
        if (!p->name)
            tc__problem(m, "pid %lu: no process_name metadata event (first "
                        "event of the pid: #%zu)", (unsigned long)p->pid,
                        p->first_event);
    }
    for (size_t i = 0; i < m->threads.len; i++) {
        const tc__thread *th = TC__AT(&m->threads, tc__thread *, i);
        if (th->track_events && !th->pub.name)
            tc__problem(m, "pid %lu tid %lu: no thread_name metadata event "
                        "for a thread with %zu thread-track events (first: "
                        "#%zu)", (unsigned long)th->pub.pid,
                        (unsigned long)th->pub.tid, th->track_events,
                        th->first_event);
    }
}
