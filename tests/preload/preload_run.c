/*
 * preload_run.c — runs one traced program for preload_test.c: `threadlens
 * run` in its own process group (so a hung program and everything it
 * started can be killed together), stdout and stderr to files, then the
 * trace loaded and checked with tracecheck. Also the queries the checks
 * share.
 */
#define _GNU_SOURCE
#include "preload_run.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PRELOAD_PROGS_DIR
#error "PRELOAD_PROGS_DIR (the programs' source directory) must be defined"
#endif

char *pl_slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0;) {
        n += got;
        if (cap - n - 1 == 0) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (buf) buf[n] = 0;
    return buf;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void start(pl_run *r) {
    const char *argv[16] = {r->threadlens, "run", "-o", r->trace, "--", r->prog};
    int n = 6;
    for (int i = 0; i < 4 && r->args[i]; i++) argv[n++] = r->args[i];
    argv[n] = NULL;
    setpgid(0, 0);
    int out = open(r->outpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(r->errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0) _exit(126);
    dup2(out, 1);
    dup2(err, 2);
    for (int i = 0; i < 4 && r->env[i]; i++) putenv((char *)r->env[i]);
    execv(r->threadlens, (char *const *)argv);
    _exit(127);
}

void pl_execute(pl_run *r) {
    snprintf(r->trace, sizeof r->trace, "/tmp/tl_preload_%s_%d.json", r->name, (int)getpid());
    snprintf(r->outpath, sizeof r->outpath, "/tmp/tl_preload_%s_%d.out", r->name, (int)getpid());
    snprintf(r->errpath, sizeof r->errpath, "/tmp/tl_preload_%s_%d.err", r->name, (int)getpid());
    unlink(r->trace);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) start(r);
    setpgid(pid, pid); /* also here: no race with the kill below */
    double begin = now_s();
    while (waitpid(pid, &r->status, WNOHANG) == 0) {
        if (now_s() - begin > r->timeout_s) {
            fprintf(stderr, "%s: no end after %d s: killing it\n", r->name, r->timeout_s);
            r->timed_out = 1;
            kill(-pid, SIGKILL);
            waitpid(pid, &r->status, 0);
            break;
        }
        usleep(2000);
    }
    kill(-pid, SIGKILL); /* whatever it left behind (forked children) */
    r->out = pl_slurp(r->outpath);
    r->err = pl_slurp(r->errpath);
    if (!r->out) r->out = calloc(1, 1);
    if (!r->err) r->err = calloc(1, 1);
    fprintf(stderr, "--- %s: stdout ---\n%s--- stderr ---\n%s------------------\n", r->name, r->out, r->err);
    r->t = tc_load_file(r->trace, r->load_error, sizeof r->load_error);
    if (!r->t) {
        fprintf(stderr, "%s: trace did not load: %s\n", r->name, r->load_error);
        return;
    }
    tc_problems p;
    r->problems = tc_check(r->t, &p);
    for (size_t i = 0; i < p.count; i++) fprintf(stderr, "trace problem: %s\n", p.lines[i]);
}

void pl_finish(pl_run *r, int keep) {
    if (keep) {
        fprintf(stderr, "kept %s for inspection\n", r->trace);
    } else {
        unlink(r->trace);
        unlink(r->outpath);
        unlink(r->errpath);
    }
    tc_free(r->t);
    free(r->out);
    free(r->err);
}

int pl_exited_with(const pl_run *r, int code) {
    return !r->timed_out && WIFEXITED(r->status) && WEXITSTATUS(r->status) == code;
}

int pl_marker_line(const char *file, const char *marker) {
    char path[512], want[128], line[1024];
    snprintf(path, sizeof path, "%s/%s", PRELOAD_PROGS_DIR, file);
    snprintf(want, sizeof want, "@%s ", marker);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    int n = 0, found = -1;
    while (found < 0 && fgets(line, sizeof line, f)) {
        n++;
        if (strstr(line, want)) found = n;
    }
    fclose(f);
    return found;
}

const char *pl_site(const char *file, const char *marker) {
    static char bufs[8][256];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof bufs[0], "%s:%d", file, pl_marker_line(file, marker));
    return b;
}

int pl_site_in(const char *text, const char *site) {
    size_t n = strlen(site);
    for (const char *p = text; p && (p = strstr(p, site)) != NULL; p++)
        if (p[n] < '0' || p[n] > '9') return 1;
    return 0;
}

uint32_t pl_tid_of(const tc_trace *t, const char *name) {
    for (size_t i = 0; i < t->n_threads; i++)
        if (t->threads[i]->name && !strcmp(t->threads[i]->name, name)) return t->threads[i]->tid;
    return 0;
}

size_t pl_threads_named(const tc_trace *t, const char *name) {
    size_t n = 0;
    for (size_t i = 0; i < t->n_threads; i++) n += t->threads[i]->name && !strcmp(t->threads[i]->name, name);
    return n;
}

const char *pl_arg(const tc_slice *s, const char *key) {
    return s ? cJSON_GetStringValue(tc_slice_arg(s, key)) : NULL;
}

static int at_matches(const tc_slice *s, const char *at_part) {
    return !at_part || pl_site_in(pl_arg(s, "at"), at_part);
}

size_t pl_holds(const tc_trace *t, const char *name, uint32_t tid) {
    size_t n = 0;
    for (size_t i = 0; i < t->n_async; i++)
        n += !strcmp(t->async[i]->name, name) && (!tid || t->async[i]->tid == tid);
    return n;
}

const tc_slice *pl_hold_at(const tc_trace *t, const char *name, uint32_t tid, const char *at_part,
                           size_t nth) {
    for (size_t i = 0; i < t->n_async; i++) {
        const tc_slice *s = t->async[i];
        if (!strcmp(s->name, name) && (!tid || s->tid == tid) && at_matches(s, at_part) && nth-- == 0)
            return s;
    }
    return NULL;
}

const tc_slice *pl_slice_at(const tc_trace *t, uint32_t tid, const char *name, const char *at_part,
                            size_t nth) {
    for (size_t i = 0; i < t->n_threads; i++) {
        const tc_thread *th = t->threads[i];
        if (tid && th->tid != tid) continue;
        for (size_t j = 0; j < th->n_slices; j++) {
            const tc_slice *s = th->slices[j];
            if (!strcmp(s->name, name) && at_matches(s, at_part) && nth-- == 0) return s;
        }
    }
    return NULL;
}

static int flow_matches(const tc_flow *f, const char *from, int prefix, uint32_t to_tid) {
    int named = prefix ? !strncmp(f->from->name, from, strlen(from)) : !strcmp(f->from->name, from);
    return named && (!to_tid || f->to->tid == to_tid);
}

size_t pl_flows(const tc_trace *t, const char *from, int prefix, uint32_t to_tid) {
    size_t n = 0;
    for (size_t i = 0; i < t->n_flows; i++) n += flow_matches(&t->flows[i], from, prefix, to_tid);
    return n;
}

const tc_flow *pl_flow(const tc_trace *t, const char *from, int prefix, uint32_t to_tid, size_t nth) {
    for (size_t i = 0; i < t->n_flows; i++)
        if (flow_matches(&t->flows[i], from, prefix, to_tid) && nth-- == 0) return &t->flows[i];
    return NULL;
}

long pl_each_event(const char *path, void (*fn)(const cJSON *event, void *ctx), void *ctx) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char *line = NULL;
    size_t cap = 0;
    long n = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == ',' || line[len - 1] == ']'))
            line[--len] = 0;
        if (len == 0 || line[0] != '{') continue;
        cJSON *ev = cJSON_Parse(line);
        if (!ev) continue; /* a line cut off by a kill; tc_load reports it */
        fn(ev, ctx);
        cJSON_Delete(ev);
        n++;
    }
    free(line);
    fclose(f);
    return n;
}

static void remember_name(const cJSON *ev, void *ctx) {
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(ev, "name"));
    snprintf(ctx, 128, "%s", name ? name : "");
}

const char *pl_last_event_name(const char *path) {
    static char name[128];
    name[0] = 0;
    pl_each_event(path, remember_name, name);
    return name;
}
