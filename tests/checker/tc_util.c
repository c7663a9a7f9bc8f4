/*
 * tc_util.c — allocation, vectors, string maps and problem lines.
 *
 * The checker is a test tool: running out of memory aborts with a message
 * rather than threading error codes through every rule.
 */
#include "tc_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void tc__oom(size_t n)
{
    fprintf(stderr, "tracecheck: out of memory (%zu bytes)\n", n);
    abort();
}

void *tc__xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        tc__oom(n);
    return p;
}

void *tc__xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        tc__oom(n * size);
    return p;
}

char *tc__xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(tc__xmalloc(n), s, n);
}

static char *vxprintf(const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *s = tc__xmalloc((size_t)(n < 0 ? 0 : n) + 1);
    vsnprintf(s, (size_t)(n < 0 ? 0 : n) + 1, fmt, again);
    va_end(again);
    return s;
}

char *tc__xprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vxprintf(fmt, ap);
    va_end(ap);
    return s;
}

void *tc__vec_push(tc__vec *v)
{
    if (v->len == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        char *data = realloc(v->data, cap * v->size);
        if (!data)
            tc__oom(cap * v->size);
        v->data = data;
        v->cap = cap;
    }
    void *slot = v->data + v->len++ * v->size;
    memset(slot, 0, v->size);
    return slot;
}

void tc__vec_free(tc__vec *v)
{
    free(v->data);
    v->data = NULL;
    v->len = v->cap = 0;
}

/* FNV-1a: keys are short ("1:42", "t|cat|id"), any decent hash will do. */
static size_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (size_t)h;
}

/* Index of key's slot, or of the empty slot where it would go. */
static size_t slot_of(const tc__map *m, const char *key)
{
    size_t i = hash(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static void grow(tc__map *m)
{
    tc__map bigger = {0};
    bigger.cap = m->cap ? m->cap * 2 : 64;
    bigger.keys = tc__xcalloc(bigger.cap, sizeof(char *));
    bigger.vals = tc__xcalloc(bigger.cap, sizeof(size_t));
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = slot_of(&bigger, m->keys[i]);
        bigger.keys[j] = m->keys[i];
        bigger.vals[j] = m->vals[i];
    }
    bigger.len = m->len;
    free(m->keys);
    free(m->vals);
    *m = bigger;
}

size_t tc__map_get(const tc__map *m, const char *key)
{
    if (!m->cap)
        return TC__NONE;
    size_t i = slot_of(m, key);
    return m->keys[i] ? m->vals[i] : TC__NONE;
}

void tc__map_set(tc__map *m, const char *key, size_t val)
{
    if ((m->len + 1) * 2 > m->cap) /* keep the load factor under 1/2 */
        grow(m);
    size_t i = slot_of(m, key);
    if (!m->keys[i]) {
        m->keys[i] = tc__xstrdup(key);
        m->len++;
    }
    m->vals[i] = val;
}

void tc__map_free(tc__map *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

const char *tc__intern(tc__model *m, const char *s)
{
    size_t i = tc__map_get(&m->string_map, s);
    if (i == TC__NONE) {
        i = m->strings.len;
        tc__map_set(&m->string_map, s, i);
        *(char **)tc__vec_push(&m->strings) = tc__xstrdup(s);
    }
    return TC__AT(&m->strings, char *, i);
}

/* Keeps the first TC_MAX_PROBLEMS lines; later ones are only counted. */
static void add_problem(tc__model *m, size_t key, char *line)
{
    if (m->problems.len < TC_MAX_PROBLEMS) {
        tc__problem_rec *r = tc__vec_push(&m->problems);
        r->key = key;
        r->seq = m->n_problems;
        r->line = line;
    } else {
        free(line);
    }
    m->n_problems++;
}

void tc__problem(tc__model *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_problem(m, TC__NONE, vxprintf(fmt, ap));
    va_end(ap);
}

void tc__text_problem(tc__model *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_problem(m, 0, vxprintf(fmt, ap));
    va_end(ap);
}

/* The "(line L, ph=B name=x tid=3)" part, with long names shortened. */
static char *event_label(const tc__event *ev)
{
    char line[32] = "";
    if (ev->line > 0)
        snprintf(line, sizeof(line), "line %ld, ", ev->line);
    const char *name = ev->name && *ev->name ? ev->name : "(none)";
    char ph[2] = {ev->ph ? ev->ph : '?', 0};
    char tid[16] = "?"; /* 0: missing or invalid */
    if (ev->tid)
        snprintf(tid, sizeof(tid), "%lu", (unsigned long)ev->tid);
    return tc__xprintf("event #%zu (%sph=%s name=%.60s%s tid=%s)", ev->index,
                       line, ph, name, strlen(name) > 60 ? "..." : "", tid);
}

void tc__event_problem(tc__model *m, const tc__event *ev, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *what = vxprintf(fmt, ap);
    va_end(ap);
    char *label = event_label(ev);
    add_problem(m, ev->index + 1, tc__xprintf("%s: %s", label, what));
    free(label);
    free(what);
}
