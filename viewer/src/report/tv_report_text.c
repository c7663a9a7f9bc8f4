/*
 * tv_report_text.c — `threadlens report`: the summary for a person. Times
 * are on the file's clock, durations with units ("1.25 ms").
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "tv_fmt.h"
#include "tv_report_int.h"
#include "tv_report_table.h"

typedef char dbuf[32];

/* Every string from the trace goes through put (tv_tab_put: control
 * characters escaped); table cells are escaped by the table. */
static void put(FILE *f, const char *s) {
    tv_tab_put(f, s);
}

static const char *dur(dbuf b, int64_t ns) {
    return tv_fmt_dur(ns, b, sizeof(dbuf));
}

static void header(const tv_rep *r, FILE *f) {
    const tv_model *m = r->m;
    const tv_stats *st = &m->stats;
    dbuf a, b, c;
    fputs("file      ", f);
    put(f, m->path ? m->path : "(memory)");
    fputc('\n', f);
    for (uint32_t i = 0; i < m->nprocs; i++) {
        fputs(i ? "          " : "process   ", f);
        put(f, tv_model_str(m, m->procs[i].name));
        fprintf(f, " (pid %" PRIu32 ")\n", m->procs[i].pid);
    }
    fprintf(f, "duration  %s (%s to %s)\n", dur(a, m->t1 - m->t0), dur(b, m->t0), dur(c, m->t1));
    fprintf(f, "trace     %s, %s\n", st->threadlens ? "threadlens" : "foreign (not written by threadlens)",
            st->truncated ? "truncated (the file ends inside the event array)" : "complete");
    fprintf(f, "events    %" PRIu64, st->events);
    const char *sep = " (";
    for (int ph = 0; ph < 128; ph++)
        if (st->by_phase[ph]) {
            char name[2] = {(char)ph, 0};
            fputs(sep, f);
            put(f, name); /* a foreign trace's ph may be any character */
            fprintf(f, " %" PRIu64, st->by_phase[ph]);
            sep = ", ";
        }
    fprintf(f, "%s\n", *sep == ',' ? ")" : "");
    if (st->unknown_phase) fprintf(f, "skipped   %" PRIu64 " events of phases not drawn\n", st->unknown_phase);
    fprintf(f, "dropped   %" PRId64 "%s\n", st->dropped,
            st->dropped ? " (events lost while recording: the trace is incomplete)" : "");
}

static int threads(const tv_rep *r, FILE *f) {
    static const char *const head[] = {"pid", "tid", "name", "slices", "running", "blocked", "first", "last"};
    if (!r->nthreads) {
        fputs("\nthreads: none\n", f);
        return 0;
    }
    fprintf(f, "\nthreads (%zu)\n", r->nthreads);
    tv_tab t;
    tv_tab_init(&t, 8, head, "rrlrrrrr");
    for (size_t i = 0; i < r->nthreads; i++) {
        const tv_rep_thread *th = &r->threads[i];
        dbuf a, b, c, d;
        tv_tab_cell(&t, "%" PRIu32, th->pid);
        tv_tab_cell(&t, "%" PRId64, th->tid);
        tv_tab_cell(&t, "%s", th->name);
        tv_tab_cell(&t, "%" PRIu64, th->slices);
        tv_tab_cell(&t, "%s", dur(a, th->running));
        tv_tab_cell(&t, "%s", dur(b, th->blocked));
        tv_tab_cell(&t, "%s", th->has_time ? dur(c, th->first) : "-");
        tv_tab_cell(&t, "%s", th->has_time ? dur(d, th->last) : "-");
    }
    int rc = tv_tab_print(&t, f, "  ");
    tv_tab_free(&t);
    if (r->m->stats.threadlens)
        fputs("  running: time in \"running\" state slices; blocked: in all other states (waiting,\n"
          "  spinning, joining, in a barrier, sleeping)\n", f);
    return rc;
}

static int locks(const tv_rep *r, FILE *f) {
    static const char *const head[] = {"name", "kind", "acquisitions", "contended", "wait total",
                                       "wait max", "hold total", "hold max", "read holds"};
    if (!r->nlocks) {
        fprintf(f, "\nlocks: none%s\n",
                r->m->stats.threadlens ? "" : " (lock tracks come from threadlens traces)");
        return 0;
    }
    fprintf(f, "\nlocks (%zu)\n", r->nlocks);
    tv_tab t;
    tv_tab_init(&t, 9, head, "llrrrrrrr");
    for (size_t i = 0; i < r->nlocks; i++) {
        const tv_rep_lock *k = &r->locks[i];
        dbuf a, b, c, d;
        tv_tab_cell(&t, "%s", k->name);
        tv_tab_cell(&t, "%s", k->kind ? k->kind : "-");
        tv_tab_cell(&t, "%" PRIu64, k->acquisitions);
        tv_tab_cell(&t, "%" PRIu64, k->contended);
        tv_tab_cell(&t, "%s", dur(a, k->wait_total));
        tv_tab_cell(&t, "%s", dur(b, k->wait_max));
        tv_tab_cell(&t, "%s", dur(c, k->hold_total));
        tv_tab_cell(&t, "%s", dur(d, k->hold_max));
        tv_tab_cell(&t, "%" PRIu64, k->read_holds);
    }
    int rc = tv_tab_print(&t, f, "  ");
    tv_tab_free(&t);
    fputs("  contended: acquisitions that had to wait (a \"waiting for\", \"waiting to read\" or\n"
          "  \"spinning on\" slice ending where the thread's hold begins); wait: all such slices\n", f);
    return rc;
}

/* ---- pools ---- */

static void pct_line(FILE *f, const char *what, const tv_rep_pct *p) {
    dbuf a, b, c;
    fprintf(f, "    %-11s", what);
    if (!p->n) fputs("-\n", f);
    else fprintf(f, "p50 %s, p95 %s, max %s\n", dur(a, p->p50), dur(b, p->p95), dur(c, p->max));
}

/* The text lists the first TV_REP_TEXT_TASKS tasks by start and, after
 * them, up to as many failed ones: a long run stays readable and a failure
 * is never cut off. --json lists every task. */
#define TV_REP_TEXT_TASKS 20

static int task_table(FILE *f, const tv_rep_pool *p) {
    static const char *const head[] = {"start", "task", "label", "worker", "queue wait", "run time", "status"};
    tv_tab t;
    tv_tab_init(&t, 7, head, "rrllrrl");
    size_t shown = 0, failed_extra = 0;
    for (size_t i = 0; i < p->tasks; i++) {
        const tv_rep_task *k = &p->task_list[i];
        if (i >= TV_REP_TEXT_TASKS && !(k->failed && failed_extra < TV_REP_TEXT_TASKS)) continue;
        failed_extra += i >= TV_REP_TEXT_TASKS;
        shown++;
        dbuf a, b, c;
        tv_tab_cell(&t, "%s", dur(a, k->start));
        if (k->number >= 0) tv_tab_cell(&t, "%" PRId64, k->number);
        else tv_tab_cell(&t, "-");
        tv_tab_cell(&t, "%s", k->label);
        tv_tab_cell(&t, "%s", p->workers[k->worker].thread);
        tv_tab_cell(&t, "%s", k->wait >= 0 ? dur(b, k->wait) : "-");
        tv_tab_cell(&t, "%s", dur(c, k->run));
        tv_tab_cell(&t, "%s", k->failed ? "FAILED" : "ok");
    }
    if (shown < p->tasks)
        fprintf(f, "    tasks (the first %d by start%s; %" PRIu64 " not shown: --json lists them all)\n",
                TV_REP_TEXT_TASKS, failed_extra ? ", then the later failed ones" : "", p->tasks - shown);
    else fputs("    tasks\n", f);
    int rc = tv_tab_print(&t, f, "      ");
    tv_tab_free(&t);
    return rc;
}

static int pool(FILE *f, const tv_rep_pool *p) {
    static const char *const head[] = {"worker", "tid", "index", "tasks", "busy", "lifetime", "utilization"};
    static const char *const gap_head[] = {"worker", "tid", "from", "idle for"};
    fputs("  ", f);
    if (p->name) put(f, p->name);
    else fprintf(f, "pool #%" PRId64, p->id);
    fprintf(f, " (pid %" PRIu32 ", object #%" PRId64 "): %zu worker%s, %" PRIu64 " task%s ran, %" PRIu64
               " failed, %" PRIu64 " cancelled\n",
            p->pid, p->id, p->nworkers, p->nworkers == 1 ? "" : "s", p->tasks, p->tasks == 1 ? "" : "s",
            p->failed, p->cancelled);
    pct_line(f, "queue wait", &p->wait);
    pct_line(f, "run time", &p->run);
    if (p->imbalance > 0) fprintf(f, "    %-11s%.2f (max busy / mean busy; 1.00 = even)\n", "imbalance", p->imbalance);
    else fprintf(f, "    %-11snone (no busy time)\n", "imbalance");
    int rc = 0;
    if (p->nworkers) {
        tv_tab t;
        tv_tab_init(&t, 7, head, "lrrrrrr");
        for (size_t i = 0; i < p->nworkers; i++) {
            const tv_rep_worker *w = &p->workers[i];
            dbuf a, b;
            tv_tab_cell(&t, "%s", w->thread);
            tv_tab_cell(&t, "%" PRId64, w->tid);
            if (w->index >= 0) tv_tab_cell(&t, "%" PRId64, w->index);
            else tv_tab_cell(&t, "-");
            tv_tab_cell(&t, "%" PRIu64, w->tasks);
            tv_tab_cell(&t, "%s", dur(a, w->busy));
            tv_tab_cell(&t, "%s", dur(b, w->end - w->start));
            tv_tab_cell(&t, "%.1f%%", w->utilization * 100);
        }
        rc |= tv_tab_print(&t, f, "    ");
        tv_tab_free(&t);
    }
    if (p->ngaps) {
        fputs("    longest idle gaps\n", f);
        tv_tab t;
        tv_tab_init(&t, 4, gap_head, "lrrr");
        for (int i = 0; i < p->ngaps; i++) {
            const tv_rep_worker *w = &p->workers[p->gaps[i].worker];
            dbuf a, b;
            tv_tab_cell(&t, "%s", w->thread);
            tv_tab_cell(&t, "%" PRId64, w->tid);
            tv_tab_cell(&t, "%s", dur(a, p->gaps[i].start));
            tv_tab_cell(&t, "%s", dur(b, p->gaps[i].dur));
        }
        rc |= tv_tab_print(&t, f, "      ");
        tv_tab_free(&t);
    }
    if (p->tasks) rc |= task_table(f, p);
    return rc;
}

static int pools(const tv_rep *r, FILE *f) {
    if (!r->npools) {
        fputs("\npools: none\n", f);
        return 0;
    }
    fprintf(f, "\npools (%zu)\n", r->npools);
    int rc = 0;
    for (size_t i = 0; i < r->npools; i++) rc |= pool(f, &r->pools[i]);
    fputs("  queue wait: submit to start; run time: the task's slice; utilization: busy (its\n"
          "  tasks' run time) / lifetime (first to last state slice); idle gaps: before, between\n"
          "  and after a worker's tasks; tasks: each task that ran, the worker that ran it,\n"
          "  its queue wait and run time\n", f);
    return rc;
}

/* ---- findings ---- */

static const char *str_arg(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static int num_arg(const cJSON *o, const char *key, double *out) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v)) return 0;
    *out = v->valuedouble;
    return 1;
}

/* A number that can be an int64 id (a wider one names nothing: converting
 * it would be undefined). */
static int id_ok(double v) {
    return v >= -9.2e18 && v <= 9.2e18;
}

/* An id or count: all its digits when it can be one, else short. */
static void put_num(FILE *f, double v) {
    fprintf(f, id_ok(v) ? "%.0f" : "%g", v);
}

static void thread_ref(const tv_rep *r, FILE *f, uint32_t pid, const cJSON *o, const char *key) {
    double tid;
    if (!num_arg(o, key, &tid)) {
        fputs("an unknown thread", f);
        return;
    }
    const char *name = id_ok(tid) ? tv_rep_thread_name(r, pid, (int64_t)tid) : NULL;
    fputs("thread ", f);
    put_num(f, tid);
    if (name) {
        fputs(" (", f);
        put(f, name);
        fputc(')', f);
    }
}

static void object_ref(const tv_rep *r, FILE *f, uint32_t pid, const cJSON *o, const char *key) {
    double id;
    const char *s = str_arg(o, key);
    if (s) {
        put(f, s);
        return;
    }
    if (!num_arg(o, key, &id)) {
        fputs("?", f);
        return;
    }
    const char *name = id_ok(id) ? tv_rep_object_name(r, pid, (int64_t)id) : NULL;
    if (name) {
        put(f, name);
        fputs(" (#", f);
        put_num(f, id);
        fputc(')', f);
    } else {
        fputs("object #", f);
        put_num(f, id);
    }
}

/* One entry of a race's locks: an object id (or a name). */
static void lock_ref(const tv_rep *r, FILE *f, uint32_t pid, const cJSON *e) {
    if (cJSON_IsString(e) && e->valuestring) {
        put(f, e->valuestring);
        return;
    }
    if (!cJSON_IsNumber(e)) {
        fputs("?", f);
        return;
    }
    const char *name = id_ok(e->valuedouble) ? tv_rep_object_name(r, pid, (int64_t)e->valuedouble) : NULL;
    if (name) {
        put(f, name);
        fputs(" (#", f);
        put_num(f, e->valuedouble);
        fputc(')', f);
    } else {
        fputs("object #", f);
        put_num(f, e->valuedouble);
    }
}

/* A ts arg: microseconds, like the event's ts. */
static void ts_ref(FILE *f, const cJSON *o, const char *key) {
    double us;
    dbuf b;
    if (num_arg(o, key, &us) && fabs(us) < 9e12) fprintf(f, " at %s", dur(b, llround(us * 1000)));
}

static void site_ref(FILE *f, const char *what, const cJSON *o, const char *key) {
    const char *s = str_arg(o, key);
    if (s) {
        fputs(what, f);
        put(f, s);
    }
}

static void race(const tv_rep *r, FILE *f, const tv_rep_finding *x) {
    const char *var = str_arg(x->args, "variable"), *addr = str_arg(x->args, "addr");
    double size;
    fputs("    ", f);
    if (var) {
        fputs("variable ", f);
        put(f, var);
        fputs(", ", f);
    }
    fputs("address ", f);
    put(f, addr ? addr : "?");
    if (num_arg(x->args, "size", &size)) {
        fputs(", ", f);
        put_num(f, size);
        fputs(size == 1 ? " byte" : " bytes", f);
    }
    fputc('\n', f);
    static const char *const acc[] = {"first", "second"};
    for (int i = 0; i < 2; i++) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(x->args, acc[i]);
        if (!cJSON_IsObject(a)) continue;
        const char *op = str_arg(a, "op");
        fprintf(f, "    %s:%s ", acc[i], i ? "" : " ");
        put(f, op ? op : "access");
        fputs(" by ", f);
        thread_ref(r, f, x->pid, a, "tid");
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "time_unknown")))
            fputs(" (time unknown)", f);
        else
            ts_ref(f, a, "ts");
        site_ref(f, ", ", a, "at");
        fputc('\n', f);
        const cJSON *prior = cJSON_GetObjectItemCaseSensitive(a, "prior");
        if (cJSON_IsObject(prior)) {
            fputs("      after its own read", f);
            ts_ref(f, prior, "ts");
            site_ref(f, ", ", prior, "at");
            fputs(" (a read-modify-write: a lost update)\n", f);
        }
        const cJSON *stack = cJSON_GetObjectItemCaseSensitive(a, "stack"), *e;
        if (cJSON_IsArray(stack) && cJSON_GetArraySize(stack) > 0) {
            fputs("      stack:", f);
            cJSON_ArrayForEach(e, stack) if (cJSON_IsString(e) && e->valuestring) {
                fputc(' ', f);
                put(f, e->valuestring);
            }
            fputc('\n', f);
        } else if (cJSON_IsString(stack) && stack->valuestring) {
            fputs("      stack: ", f);
            put(f, stack->valuestring);
            fputc('\n', f);
        }
        const cJSON *locks = cJSON_GetObjectItemCaseSensitive(a, "locks");
        if (cJSON_IsArray(locks)) {
            fputs("      locks held: ", f);
            if (!cJSON_GetArraySize(locks)) fputs("none", f);
            int n = 0;
            cJSON_ArrayForEach(e, locks) {
                fputs(n++ ? ", " : "", f);
                lock_ref(r, f, x->pid, e);
            }
            fputc('\n', f);
        }
    }
    const cJSON *sl = cJSON_GetObjectItemCaseSensitive(x->args, "sleep");
    if (cJSON_IsObject(sl)) {
        double ms;
        fputs("    only a sleep separated them", f);
        if (num_arg(sl, "ms", &ms) && fabs(ms) < 9e12) fprintf(f, ": %g ms", ms);
        fputs(" in ", f);
        thread_ref(r, f, x->pid, sl, "tid");
        site_ref(f, " at ", sl, "at");
        fputs(" (a sleep orders nothing)\n", f);
    }
}

static void cycle(const tv_rep *r, FILE *f, const tv_rep_finding *x, int deadlock) {
    const cJSON *cyc = cJSON_GetObjectItemCaseSensitive(x->args, "cycle"), *e;
    if (!cJSON_IsArray(cyc)) cyc = NULL;
    cJSON_ArrayForEach(e, cyc) {
        fputs("    ", f);
        thread_ref(r, f, x->pid, e, "tid");
        fputs(" holds ", f);
        object_ref(r, f, x->pid, e, deadlock ? "holds" : "holding");
        site_ref(f, " (taken at ", e, deadlock ? "held_at" : "holding_at");
        if (str_arg(e, deadlock ? "held_at" : "holding_at")) fputc(')', f);
        fputs(deadlock ? ", waits for " : ", acquires ", f);
        object_ref(r, f, x->pid, e, deadlock ? "waits_for" : "acquiring");
        site_ref(f, " at ", e, deadlock ? "waiting_at" : "acquiring_at");
        fputc('\n', f);
    }
}

static void hang(const tv_rep *r, FILE *f, const tv_rep_finding *x) {
    const cJSON *ths = cJSON_GetObjectItemCaseSensitive(x->args, "threads"), *e;
    if (!cJSON_IsArray(ths)) ths = NULL;
    cJSON_ArrayForEach(e, ths) {
        const char *state = str_arg(e, "state");
        double since;
        dbuf b;
        fputs("    ", f);
        thread_ref(r, f, x->pid, e, "tid");
        fputs(": ", f);
        put(f, state ? state : "blocked");
        if (num_arg(e, "since_ts", &since) && fabs(since) < 9e12)
            fprintf(f, " since %s", dur(b, llround(since * 1000)));
        fputc('\n', f);
    }
    const cJSON *lw = cJSON_GetObjectItemCaseSensitive(x->args, "lost_wakeup");
    if (cJSON_IsObject(lw)) {
        fputs("    lost wakeup: signal of ", f);
        object_ref(r, f, x->pid, lw, "cond");
        fputs(" by ", f);
        thread_ref(r, f, x->pid, lw, "signal_tid");
        ts_ref(f, lw, "signal_ts");
        fputs(" found no waiter\n", f);
    }
}

static void misuse(const tv_rep *r, FILE *f, const tv_rep_finding *x) {
    const char *what = str_arg(x->args, "what");
    fputs("    ", f);
    put(f, what ? what : "misuse");
    if (cJSON_GetObjectItemCaseSensitive(x->args, "object")) {
        fputs(": ", f);
        object_ref(r, f, x->pid, x->args, "object");
    } else if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(x->args, "thread"))) {
        fputs(": ", f); /* join of a detached thread, of itself */
        thread_ref(r, f, x->pid, x->args, "thread");
    }
    site_ref(f, " at ", x->args, "at");
    fputc('\n', f);
}

/* An unobserved task failure: which task, where it ran and failed, who
 * submitted it. */
static void task_failure(const tv_rep *r, FILE *f, const tv_rep_finding *x) {
    const char *label = str_arg(x->args, "label"), *error = str_arg(x->args, "error");
    double v;
    fputs("    task ", f);
    put(f, label ? label : "?");
    if (num_arg(x->args, "task", &v)) {
        fputs(" (#", f);
        put_num(f, v);
        fputc(')', f);
    }
    fputs(" of pool ", f);
    object_ref(r, f, x->pid, x->args, cJSON_GetObjectItemCaseSensitive(x->args, "pool") ? "pool" : "pool_id");
    fputs(" failed on ", f);
    thread_ref(r, f, x->pid, x->args, "worker");
    ts_ref(f, x->args, "failed_ts");
    if (num_arg(x->args, "status_code", &v)) {
        fputs(": status ", f);
        put_num(f, v);
    }
    if (error) {
        fputs(": ", f);
        put(f, error);
    }
    fputs("\n    submitted by ", f);
    thread_ref(r, f, x->pid, x->args, "submitted_by");
    site_ref(f, " at ", x->args, "submitted_at");
    fputs("\n    nobody read its result, state or error (tl_future_result, tl_future_state_of,\n"
          "    tl_future_error)\n", f);
}

static void other(FILE *f, const tv_rep_finding *x) {
    cJSON *copy = cJSON_Duplicate(x->args, 1);
    if (!copy) return;
    cJSON_DeleteItemFromObjectCaseSensitive(copy, "message");
    char *s = cJSON_PrintUnformatted(copy);
    if (s && strcmp(s, "{}")) {
        fputs("    ", f);
        put(f, s); /* cJSON escapes below 0x20, not 0x7f or C1 */
        fputc('\n', f);
    }
    cJSON_free(s);
    cJSON_Delete(copy);
}

static void findings(const tv_rep *r, FILE *f) {
    if (!r->nfindings) {
        fputs("\nfindings: none\n", f);
        return;
    }
    fprintf(f, "\nfindings (%zu)\n", r->nfindings);
    for (size_t i = 0; i < r->nfindings; i++) {
        const tv_rep_finding *x = &r->findings[i];
        dbuf b;
        fputs("  ", f);
        put(f, x->kind_name);
        fprintf(f, " at %s", dur(b, x->ts));
        if (x->tid >= 0) {
            const char *name = tv_rep_thread_name(r, x->pid, x->tid);
            fprintf(f, " on thread %" PRId64, x->tid);
            if (name) {
                fputs(" (", f);
                put(f, name);
                fputc(')', f);
            }
        }
        if (x->count > 1) fprintf(f, ", reported %" PRId64 " times", x->count);
        fputc('\n', f);
        /* A misuse's own line (below) says what, on which object (with its
         * number in the locks table) and where: the message would repeat it. */
        if (x->kind != TV_REP_MISUSE || !str_arg(x->args, "what")) {
            fputs("    ", f);
            put(f, x->message);
            fputc('\n', f);
        }
        switch (x->kind) {
        case TV_REP_RACE: race(r, f, x); break;
        case TV_REP_LOCK_ORDER: cycle(r, f, x, 0); break;
        case TV_REP_DEADLOCK: cycle(r, f, x, 1); break;
        case TV_REP_HANG: hang(r, f, x); break;
        case TV_REP_MISUSE: misuse(r, f, x); break;
        case TV_REP_TASK: task_failure(r, f, x); break;
        default: other(f, x); break;
        }
    }
}

int tv_rep_text(const tv_rep *r, FILE *f) {
    header(r, f);
    if (threads(r, f) || locks(r, f) || pools(r, f)) return -1;
    findings(r, f);
    return 0;
}
