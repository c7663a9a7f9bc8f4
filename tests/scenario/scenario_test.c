/*
 * scenario_test.c — runs one scenario of tl_scenarios in a child process
 * with THREADLENS_OUT set, then checks its exit, its stderr and its trace:
 * first the Perfetto rules (tracecheck), then that the slices, holds, flows
 * and counters the scenario must produce are there, named and ordered.
 *
 * usage: scenario_test SCENARIO PATH/TO/tl_scenarios
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tl_test.h"
#include "tracecheck.h"

/* CHECK and the failure count come from the unit tests' framework. */
#define failures tl_test_failures

typedef struct run {
    const char *scenario;
    const char *env[4];        /* extra NAME=VALUE settings */
    const char *kill_when;     /* send kill_sig once the trace contains this */
    int kill_sig;
    int no_trace;              /* the scenario must not write a trace */
    int status;                /* from waitpid */
    char trace[256], errpath[256];
    char err[16384];           /* the child's stderr */
    tc_trace *t;
} run;

static const char *progs;

static void slurp(const char *path, char *buf, size_t cap) {
    buf[0] = 0;
    FILE *f = fopen(path, "r");
    if (!f) return;
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = 0;
    fclose(f);
}

static int file_contains(const char *path, const char *needle) {
    static char buf[1 << 20];
    slurp(path, buf, sizeof buf);
    return strstr(buf, needle) != NULL;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void append_option(const char *var, const char *opts) {
    char buf[1024];
    const char *old = getenv(var);
    snprintf(buf, sizeof buf, "%s%s%s", old ? old : "", old && *old ? ":" : "", opts);
    setenv(var, buf, 1);
}

/* Runs the scenario to completion (30 s at most) and loads its trace. */
static void execute(run *r) {
    snprintf(r->trace, sizeof r->trace, "/tmp/tl_scenario_%s_%d.json", r->scenario, (int)getpid());
    snprintf(r->errpath, sizeof r->errpath, "/tmp/tl_scenario_%s_%d.err", r->scenario, (int)getpid());
    unlink(r->trace);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(r->errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 2);
        setenv("THREADLENS_OUT", r->trace, 1);
        /* Under a sanitizer, its own deadly-signal handler would report the
         * crash and exit before the runtime's handler runs. */
        append_option("TSAN_OPTIONS", "handle_segv=0:handle_abort=0");
        append_option("ASAN_OPTIONS", "handle_segv=0:handle_abort=0");
        for (int i = 0; i < 4 && r->env[i]; i++) putenv((char *)r->env[i]);
        execl(progs, progs, r->scenario, (char *)NULL);
        _exit(127);
    }
    double start = now_s();
    int killed = 0;
    while (waitpid(pid, &r->status, WNOHANG) == 0) {
        if (r->kill_when && !killed && file_contains(r->trace, r->kill_when)) {
            usleep(100000); /* let the waits reach the file too */
            kill(pid, r->kill_sig);
            killed = 1;
        }
        if (now_s() - start > 30) {
            fprintf(stderr, "scenario %s timed out\n", r->scenario);
            kill(pid, SIGKILL);
            failures++;
        }
        usleep(5000);
    }
    slurp(r->errpath, r->err, sizeof r->err);
    fprintf(stderr, "--- child stderr ---\n%s--------------------\n", r->err);
    if (r->no_trace) {
        CHECK(access(r->trace, F_OK) != 0);
        return;
    }
    char why[512];
    r->t = tc_load_file(r->trace, why, sizeof why);
    if (!r->t) {
        fprintf(stderr, "trace did not load: %s\n", why);
        failures++;
        return;
    }
    tc_problems p;
    size_t n = tc_check(r->t, &p);
    for (size_t i = 0; i < p.count; i++) fprintf(stderr, "trace problem: %s\n", p.lines[i]);
    CHECK(n == 0);
}

static int exited_with(const run *r, int code) {
    return WIFEXITED(r->status) && WEXITSTATUS(r->status) == code;
}

static int killed_by(const run *r, int sig) {
    return WIFSIGNALED(r->status) && WTERMSIG(r->status) == sig;
}

/* The tid of the thread called name (first match), or 0. */
static uint32_t tid_of(const tc_trace *t, const char *name) {
    for (size_t i = 0; i < t->n_threads; i++)
        if (t->threads[i]->name && !strcmp(t->threads[i]->name, name)) return t->threads[i]->tid;
    return 0;
}

/* The flow whose source slice is called from, or NULL; its target's tid is
 * checked by the caller. */
static const tc_flow *flow_from(const tc_trace *t, const char *from, size_t nth) {
    return tc_flow_find(t, from, nth);
}

static int overlaps(const tc_slice *a, const tc_slice *b) {
    return a->start_ns < b->end_ns && b->start_ns < a->end_ns;
}

/* ---- the scenarios' expectations ------------------------------------------ */

static void check_handoff(run *r) {
    const tc_trace *t = r->t;
    uint32_t main_tid = tid_of(t, "main"), worker = tid_of(t, "worker");
    CHECK(exited_with(r, 0));
    CHECK(main_tid == 1 && worker == 2);
    const tc_slice *wait = tc_slice_find(t, 0, worker, "waiting for handoff lock", 0);
    CHECK(wait && wait->end_ns - wait->start_ns >= 20000000); /* main held it 30 ms */
    const tc_flow *f = flow_from(t, "unlock handoff lock", 0);
    CHECK(f && f->from->tid == main_tid && f->to->tid == worker);
    CHECK(f && !strcmp(f->to->name, "running") && wait && f->to->start_ns == wait->end_ns);
    const tc_slice *h1 = tc_async_find(t, "handoff lock", 0), *h2 = tc_async_find(t, "handoff lock", 1);
    CHECK(h1 && h2 && h1->tid == main_tid && h2->tid == worker && h1->end_ns <= h2->start_ns);
    CHECK(h1 && cJSON_IsString(tc_slice_arg(h1, "at")));
    CHECK(h1 && cJSON_IsString(tc_slice_arg(h1, "released_at")));
    const tc_counter *c = tc_counter_find(t, 0, "handoff lock waiters");
    CHECK(c && c->n_samples == 2 && c->samples[0].value == 1 && c->samples[1].value == 0);
    const tc_flow *create = flow_from(t, "create worker", 0);
    CHECK(create && create->to->tid == worker);
    const tc_flow *join = flow_from(t, "exit of worker", 0);
    CHECK(join && join->from->tid == worker && join->to->tid == main_tid);
    CHECK(tc_slice_find(t, 0, main_tid, "joining worker", 0) != NULL);
    CHECK(strstr(r->err, "threadlens: 2 threads") != NULL && strstr(r->err, r->trace) != NULL);
}

static void check_hand_over_hand(run *r) {
    const tc_trace *t = r->t;
    CHECK(exited_with(r, 0));
    size_t na = 0, nb = 0, crossed = 0;
    for (size_t i = 0; i < t->n_async; i++) {
        const tc_slice *s = t->async[i];
        if (!strcmp(s->name, "A")) na++;
        if (!strcmp(s->name, "B")) nb++;
    }
    CHECK(na == 100 && nb == 100);
    /* Each A hold overlaps a B hold of the same thread without nesting. */
    for (size_t i = 0; i < 100; i++) {
        const tc_slice *a = tc_async_find(t, "A", i);
        for (size_t j = 0; a && j < 100; j++) {
            const tc_slice *b = tc_async_find(t, "B", j);
            if (b->tid == a->tid && overlaps(a, b) && a->start_ns < b->start_ns && a->end_ns < b->end_ns)
                crossed++;
        }
    }
    CHECK(crossed == 100);
}

static void check_readers(run *r) {
    const tc_trace *t = r->t;
    CHECK(exited_with(r, 0));
    const tc_slice *rd[3];
    for (int i = 0; i < 3; i++) {
        rd[i] = tc_async_find(t, "ledger", (size_t)i);
        CHECK(rd[i] && cJSON_IsString(tc_slice_arg(rd[i], "mode")));
    }
    CHECK(rd[0] && rd[1] && rd[2] && overlaps(rd[0], rd[1]) && overlaps(rd[1], rd[2]) && overlaps(rd[0], rd[2]));
    const tc_slice *w = tc_async_find(t, "ledger", 3);
    CHECK(w && tc_slice_arg(w, "mode") == NULL && w->tid == 1);
    for (int i = 0; i < 3 && w; i++) CHECK(rd[i] && rd[i]->end_ns <= w->start_ns);
    CHECK(tc_slice_find(t, 0, 1, "waiting for ledger", 0) != NULL);
    const tc_flow *f = flow_from(t, "unlock ledger", 0);
    CHECK(f && f->to->tid == 1);
    CHECK(tc_slice_count(t, 0, 1, "in barrier meet") == 2);
}

static void check_cond(run *r) {
    const tc_trace *t = r->t;
    CHECK(exited_with(r, 0));
    uint32_t first = tid_of(t, "first"), second = tid_of(t, "second"), third = tid_of(t, "third");
    CHECK(tc_slice_find(t, 0, first, "waiting on ready", 0) != NULL);
    const tc_flow *s = flow_from(t, "signal ready", 0);
    CHECK(s && s->from->tid == 1 && s->to->tid == first);
    const tc_flow *b1 = flow_from(t, "broadcast ready", 0), *b2 = flow_from(t, "broadcast ready", 1);
    CHECK(b1 && b2 && b1->to->tid != b2->to->tid);
    CHECK(b1 && (b1->to->tid == second || b1->to->tid == third));
    CHECK(tc_instant_find(t, "broadcast ready", 0) != NULL);
    /* The wait released the mutex: its hold ends when the wait begins. */
    const tc_slice *wait = tc_slice_find(t, 0, first, "waiting on ready", 0);
    int released = 0;
    for (size_t i = 0; wait && i < t->n_async; i++)
        if (!strcmp(t->async[i]->name, "state") && t->async[i]->tid == first &&
            t->async[i]->end_ns == wait->start_ns)
            released = 1;
    CHECK(released);
}

static void check_sem(run *r) {
    const tc_trace *t = r->t;
    uint32_t waiter = tid_of(t, "waiter");
    CHECK(exited_with(r, 0));
    CHECK(tc_slice_find(t, 0, waiter, "waiting for slots", 0) != NULL);
    const tc_flow *f = flow_from(t, "post slots", 0);
    CHECK(f && f->from->tid == 1 && f->to->tid == waiter);
    const tc_counter *c = tc_counter_find(t, 0, "slots value");
    CHECK(c && c->n_samples == 3);
    CHECK(c && c->samples[0].value == 0 && c->samples[1].value == 1 && c->samples[2].value == 0);
}

static void check_barrier(run *r) {
    const tc_trace *t = r->t;
    CHECK(exited_with(r, 0));
    uint32_t early = tid_of(t, "early"), middle = tid_of(t, "middle");
    CHECK(tc_slice_find(t, 0, early, "in barrier meet", 0) != NULL);
    const tc_flow *f1 = flow_from(t, "last arrival at meet", 0), *f2 = flow_from(t, "last arrival at meet", 1);
    CHECK(f1 && f2 && f1->from->tid == 1 && f2->from->tid == 1);
    CHECK(f1 && f2 && f1->to->tid != f2->to->tid);
    CHECK(f1 && (f1->to->tid == early || f1->to->tid == middle));
    CHECK(flow_from(t, "last arrival at meet", 2) == NULL);
}

static void check_phases(run *r) {
    const tc_trace *t = r->t;
    CHECK(exited_with(r, 0));
    const tc_slice *outer = tc_slice_find(t, 0, 1, "outer", 0), *inner = tc_slice_find(t, 0, 1, "inner", 0);
    CHECK(outer && inner && outer->depth == 0 && inner->depth == 1);
    CHECK(outer && inner && outer->start_ns <= inner->start_ns && inner->end_ns <= outer->end_ns);
    const tc_slice *sleep = tc_slice_find(t, 0, 1, "sleeping", 0);
    CHECK(sleep && sleep->depth == 2 && inner && sleep->start_ns >= inner->start_ns);
    const tc_instant *mark = tc_instant_find(t, "checkpoint", 0);
    CHECK(mark && mark->tid == 1 && inner && mark->ts_ns <= inner->end_ns);
    const tc_counter *c = tc_counter_find(t, 0, "progress value");
    CHECK(c && c->n_samples == 3 && c->samples[2].value == 3);
    CHECK(tc_slice_find(t, 0, tid_of(t, "contender"), "waiting for inner lock", 0) != NULL);
}

static void check_recursive(run *r) {
    CHECK(exited_with(r, 0));
    CHECK(tc_async_find(r->t, "rlock", 0) != NULL && tc_async_find(r->t, "rlock", 1) != NULL);
    CHECK(tc_async_find(r->t, "rlock", 2) == NULL); /* 3 nested locks = 1 hold */
}

static void check_timeouts(run *r) {
    const tc_trace *t = r->t;
    CHECK(exited_with(r, 0));
    const tc_slice *w = tc_slice_find(t, 0, 1, "waiting for slow lock", 0);
    CHECK(w && w->end_ns - w->start_ns >= 5000000);
    CHECK(flow_from(t, "unlock slow lock", 0) == NULL); /* a timeout is no handoff */
    CHECK(tc_slice_find(t, 0, 1, "waiting on never", 0) != NULL);
    CHECK(flow_from(t, "signal never", 0) == NULL);
    CHECK(tc_slice_find(t, 0, tid_of(t, "spinner"), "spinning on spin", 0) != NULL);
}

static void check_many_threads(run *r) {
    CHECK(exited_with(r, 0));
    CHECK(r->t->n_threads == 1501);
    CHECK(tc_thread_find(r->t, 0, 1501) != NULL);
    /* Every thread has its create arrow and its exit→join arrow. */
    CHECK(r->t->stats.flows == 3000);
    const tc_thread *last = tc_thread_find(r->t, 0, 1501);
    CHECK(last && last->name && !strncmp(last->name, "thread@scenario_progs.c:", 24));
}

/* The trace's last event, parsed (caller deletes), or NULL. */
static cJSON *last_event(const run *r) {
    static char buf[1 << 20];
    FILE *f = fopen(r->trace, "r");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f), from = size > (long)sizeof buf - 1 ? size - (long)sizeof buf + 1 : 0;
    fseek(f, from, SEEK_SET);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *end = strrchr(buf, '}');
    if (!end) return NULL;
    end[1] = 0;
    char *start = strrchr(buf, '\n');
    while (start && start[1] != '{') { *start = 0; start = strrchr(buf, '\n'); }
    return start ? cJSON_Parse(start + 1) : NULL;
}

static void check_complete(run *r) {
    CHECK(!r->t->truncated);
    cJSON *last = last_event(r);
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(last, "name"));
    CHECK(name && !strcmp(name, "threadlens_summary"));
    cJSON_Delete(last);
    CHECK(r->t->stats.unclosed == 0);
}

static void check_daemon(run *r) {
    CHECK(exited_with(r, 0));
    check_complete(r);
    uint32_t d = tid_of(r->t, "daemon");
    CHECK(d != 0 && tc_slice_count(r->t, 0, d, "running") >= 1);
    CHECK(tc_async_find(r->t, "daemon lock", 3) != NULL);
}

static void check_exit_thread(run *r) {
    CHECK(exited_with(r, 3));
    check_complete(r);
    CHECK(tc_instant_find(r->t, "calling exit", 0) != NULL);
}

static void check_crash(run *r, int sig) {
    CHECK(killed_by(r, sig));
    check_complete(r);
    const tc_instant *m = tc_instant_find(r->t, "about to crash", 0);
    CHECK(m && m->tid == tid_of(r->t, "crasher"));
}
static void check_abort_thread(run *r) { check_crash(r, SIGABRT); }
static void check_segv_thread(run *r) { check_crash(r, SIGSEGV); }

/* The detector (issue 5) ends the deadlocked program itself: the lock order
 * warning, then the deadlock, both in the trace, which is complete. */
static void check_deadlock_detected(run *r) {
    CHECK(exited_with(r, 86));
    check_complete(r);
    CHECK(strstr(r->err, "WARNING: threadlens: lock order inversion") != NULL);
    CHECK(strstr(r->err, "ERROR: threadlens: deadlock") != NULL);
    CHECK(strstr(r->err, "scenario_progs.c:") != NULL);
    const tc_instant *lo = tc_instant_find(r->t, "lock order inversion", 0);
    const tc_instant *dl = tc_instant_find(r->t, "deadlock", 0);
    CHECK(lo != NULL && dl != NULL);
    CHECK(lo && dl && lo->ts_ns <= dl->ts_ns);
    CHECK(tc_slice_find(r->t, 0, 1, "waiting for fork B", 0) != NULL);
}

/* With THREADLENS_ON_DEADLOCK=wait the deadlock is reported and the
 * program stays stuck: the kill paths below still close or keep the trace. */
static void check_deadlock_sigterm(run *r) {
    CHECK(killed_by(r, SIGTERM));
    check_complete(r);
    const tc_slice *w = tc_slice_find(r->t, 0, 1, "waiting for fork B", 0);
    CHECK(w && w->end_ns != TC_OPEN_END);
    CHECK(tc_slice_find(r->t, 0, tid_of(r->t, "philosopher"), "waiting for fork A", 0) != NULL);
}

/* The end of the last piece of a wait that was cut at every flush. */
static int64_t wait_end(const tc_trace *t, uint32_t tid, const char *name) {
    int64_t end = 0;
    const tc_slice *s;
    for (size_t i = 0; (s = tc_slice_find(t, 0, tid, name, i)) != NULL; i++)
        if (s->end_ns > end) end = s->end_ns;
    return end;
}

/* SIGKILL: no chance to finish. The file is a prefix that still loads, and
 * the deadlocked waits are on disk up to the last flush (cut into pieces,
 * the later ones marked continued), the holds still open. */
static void check_deadlock_sigkill(run *r) {
    CHECK(killed_by(r, SIGKILL));
    CHECK(r->t->truncated);
    const tc_slice *w = tc_slice_find(r->t, 0, 1, "waiting for fork B", 0);
    CHECK(w && wait_end(r->t, 1, "waiting for fork B") - w->start_ns >= 50000000);
    const tc_slice *more = tc_slice_find(r->t, 0, 1, "waiting for fork B", 1);
    CHECK(more && cJSON_IsTrue(tc_slice_arg(more, "continued")));
    uint32_t p = tid_of(r->t, "philosopher");
    const tc_slice *pw = tc_slice_find(r->t, 0, p, "waiting for fork A", 0);
    CHECK(pw && wait_end(r->t, p, "waiting for fork A") - pw->start_ns >= 50000000);
    const tc_slice *h = tc_async_find(r->t, "fork A", 0);
    CHECK(h && h->end_ns == TC_OPEN_END && h->tid == 1);
}

static void check_forever_sigkill(run *r) {
    CHECK(killed_by(r, SIGKILL));
    CHECK(r->t->truncated);
    const tc_counter *c = tc_counter_find(r->t, 0, "iteration value");
    CHECK(c && c->n_samples >= 50);
}

static void check_flood(run *r) {
    CHECK(exited_with(r, 0));
    check_complete(r);
    CHECK(tc_instant_find(r->t, "threadlens: events dropped", 0) != NULL);
    const tc_counter *c = tc_counter_find(r->t, 0, "threadlens dropped events");
    CHECK(c && c->n_samples >= 1 && c->samples[c->n_samples - 1].value > 0);
    CHECK(strstr(r->err, "DROPPED") != NULL);
    cJSON *last = last_event(r);
    const cJSON *dropped = cJSON_GetObjectItem(cJSON_GetObjectItem(last, "args"), "dropped");
    CHECK(cJSON_IsNumber(dropped) && dropped->valuedouble > 0);
    CHECK(cJSON_IsNumber(dropped) && c && dropped->valuedouble == c->samples[c->n_samples - 1].value);
    cJSON_Delete(last);
}

/* Whether the writer wrote a burst at once or later (THREADLENS_LAG_MS:
 * while the rounds run it falls tens of thousands of events behind, and
 * catches up in the pause, and for the finding), the trace is the same:
 * every hold, in order, and the finding. */
static void check_burst(run *r) {
    CHECK(exited_with(r, 0));
    check_complete(r);
    /* Holds by start time: one after another (a mutex), all closed. */
    size_t holds = 0;
    int64_t prev_end = 0;
    int ordered = 1;
    for (size_t i = 0; i < r->t->n_async; i++) {
        const tc_slice *h = r->t->async[i];
        if (strcmp(h->name, "burst lock") != 0) continue;
        if (h->start_ns < prev_end || h->end_ns == TC_OPEN_END) ordered = 0;
        prev_end = h->end_ns;
        holds++;
    }
    /* A writer starved for a whole second (a sanitizer build on a loaded
     * machine) drops events despite THREADLENS_FULL_WAIT_US; then the holds
     * cannot be counted or checked one by one. */
    int dropped = strstr(r->err, "DROPPED") != NULL;
    if (dropped) fprintf(stderr, "events were dropped: the holds are not counted\n");
    CHECK(dropped || holds == 2 * 5000 + 2 * 2500 + 2); /* two rounds of 2 threads, 2 at the end */
    CHECK(holds > 0 && (dropped || ordered));
    const tc_counter *c = tc_counter_find(r->t, 0, "round value");
    CHECK(c && c->n_samples == 1);
    CHECK(tc_instant_find(r->t, "lock order inversion", 0) != NULL);
    CHECK(strstr(r->err, "found 1 lock order inversion") != NULL);
}

static int count_lines(const char *s) {
    int n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

static void check_bad_option(run *r) {
    CHECK(exited_with(r, 0));
    CHECK(strstr(r->err, "threadlens: ignoring THREADLENS_FLUSH_MS=soon") != NULL);
    CHECK(count_lines(r->err) == 2); /* the warning and the summary */
    CHECK(tc_instant_find(r->t, "hello", 0) != NULL);
}

static void check_foreign(run *r) {
    CHECK(exited_with(r, 0));
    CHECK(tid_of(r->t, "thread 2") == 2);
    const tc_slice *run2 = tc_slice_find(r->t, 0, 2, "running", 0);
    CHECK(run2 && run2->flow_in == false); /* nobody we saw created it */
    const tc_slice *h = tc_async_find(r->t, "shared", 0);
    CHECK(h && h->tid == 2);
    /* Its end came from the thread-exit hook, not from the final close. */
    const tc_slice *main_run = tc_slice_find(r->t, 0, 1, "running", 0);
    CHECK(run2 && main_run && run2->end_ns < main_run->end_ns);
}

static void check_disabled(run *r) {
    CHECK(exited_with(r, 0));
    CHECK(r->err[0] == 0); /* no summary, no warning */
}

static void check_unwritable(run *r) {
    CHECK(exited_with(r, 0));
    CHECK(strstr(r->err, "threadlens: cannot write the trace to /nonexistent/dir/t.json: "
                         "No such file or directory; tracing is off") != NULL);
    CHECK(count_lines(r->err) == 1);
}

static void check_odd_threads(run *r) {
    const tc_trace *t = r->t;
    CHECK(exited_with(r, 0));
    /* Locked twice, so the cond wait kept the lock: one hold from the first
     * lock to the last unlock, covering the wait. */
    const tc_slice *h = tc_async_find(t, "R", 0), *wait = tc_slice_find(t, 0, 1, "waiting on nobody", 0);
    CHECK(h && wait && h->start_ns <= wait->start_ns && h->end_ns >= wait->end_ns);
    const tc_slice *h2 = tc_async_find(t, "R", 1);
    uint32_t exiter = tid_of(t, "exiter");
    /* The cleanup handler's unlock is in the trace, before the thread ended. */
    CHECK(h2 && h2->tid == exiter && cJSON_IsString(tc_slice_arg(h2, "released_at")));
    CHECK(flow_from(t, "exit of exiter", 0) != NULL);
    CHECK(tc_slice_find(t, 0, 1, "joining an untraced thread", 0) != NULL);
    CHECK(tid_of(t, "never ran") == 0); /* a failed create draws nothing */
    /* Renamed back to its default; created from main without a site. */
    const tc_instant *named = tc_instant_find(t, "named", 0);
    const char *name = named ? tc_thread_name(t, 0, named->tid) : NULL;
    CHECK(name && strncmp(name, "thread ", 7) == 0);
    /* Unnamed objects: where they were created, else their index. */
    int by_site = 0, by_index = 0;
    for (size_t i = 0; i < t->n_async; i++) {
        by_site += !strncmp(t->async[i]->name, "mutex@scenario_progs.c:", 23);
        by_index += !strncmp(t->async[i]->name, "mutex #", 7);
    }
    CHECK(by_site == 1 && by_index == 1);
}

/* The join slice names the thread as it is called while main waits: it
 * took its name after the join began, and after the writer had written
 * the start of the join (flushes every 5 ms). */
static void check_late_name(run *r) {
    const tc_trace *t = r->t;
    CHECK(exited_with(r, 0));
    /* the pieces written before the rename keep the old name */
    CHECK(tc_slice_find(t, 0, 1, "joining renamed", 0) != NULL);
}

/* ---- the table ------------------------------------------------------------- */

static const struct {
    const char *test, *scenario;
    void (*check)(run *);
    const char *env[4];
    const char *kill_when;
    int kill_sig;
    int no_trace;
} cases[] = {
    {"handoff", "handoff", check_handoff, {0}, 0, 0, 0},
    {"hand_over_hand", "hand_over_hand", check_hand_over_hand, {0}, 0, 0, 0},
    {"readers", "readers", check_readers, {0}, 0, 0, 0},
    {"cond", "cond", check_cond, {0}, 0, 0, 0},
    {"sem", "sem", check_sem, {0}, 0, 0, 0},
    {"barrier", "barrier", check_barrier, {0}, 0, 0, 0},
    {"phases", "phases", check_phases, {0}, 0, 0, 0},
    {"recursive", "recursive", check_recursive, {0}, 0, 0, 0},
    {"timeouts", "timeouts", check_timeouts, {0}, 0, 0, 0},
    {"many_threads", "many_threads", check_many_threads, {0}, 0, 0, 0},
    {"daemon", "daemon", check_daemon, {0}, 0, 0, 0},
    {"exit_thread", "exit_thread", check_exit_thread, {0}, 0, 0, 0},
    {"abort_thread", "abort_thread", check_abort_thread, {0}, 0, 0, 0},
    {"segv_thread", "segv_thread", check_segv_thread, {0}, 0, 0, 0},
    {"deadlock_detected", "deadlock", check_deadlock_detected, {0}, 0, 0, 0},
    {"deadlock_sigterm", "deadlock", check_deadlock_sigterm, {"THREADLENS_ON_DEADLOCK=wait"}, "\"deadlocked\"", SIGTERM, 0},
    {"deadlock_sigkill", "deadlock", check_deadlock_sigkill, {"THREADLENS_ON_DEADLOCK=wait"}, "\"continued\":true", SIGKILL, 0},
    {"forever_sigkill", "forever", check_forever_sigkill, {"THREADLENS_FLUSH_MS=20"}, "\"iteration\",\"args\":{\"value\":100}", SIGKILL, 0},
    {"flood", "flood", check_flood, {"THREADLENS_BUFFER_EVENTS=1024", "THREADLENS_FULL_WAIT_US=0"}, 0, 0, 0},
    {"bad_option", "hello", check_bad_option, {"THREADLENS_FLUSH_MS=soon"}, 0, 0, 0},
    {"foreign", "foreign", check_foreign, {0}, 0, 0, 0},
    {"odd_threads", "odd_threads", check_odd_threads, {0}, 0, 0, 0},
    {"late_name", "late_name", check_late_name, {"THREADLENS_FLUSH_MS=5"}, 0, 0, 0},
    /* A full ring waits for the writer (up to 1 s) instead of dropping, so
     * every hold is there even on a loaded machine; a smaller ring makes
     * the writer count the rounds as a burst (a quarter ring per drain). */
    {"burst", "burst", check_burst, {"THREADLENS_FULL_WAIT_US=1000000", "THREADLENS_BUFFER_EVENTS=16384"}, 0, 0, 0},
    {"burst_no_lag", "burst", check_burst,
     {"THREADLENS_LAG_MS=0", "THREADLENS_FULL_WAIT_US=1000000", "THREADLENS_BUFFER_EVENTS=16384"}, 0, 0, 0},
    {"disabled", "handoff", check_disabled, {"THREADLENS_ENABLE=0"}, 0, 0, 1},
    {"unwritable", "handoff", check_unwritable, {"THREADLENS_OUT=/nonexistent/dir/t.json"}, 0, 0, 1},
};

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: scenario_test TEST PATH/TO/tl_scenarios\n");
        return 2;
    }
    progs = argv[2];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (strcmp(argv[1], cases[i].test)) continue;
        run r = {.scenario = cases[i].scenario, .kill_when = cases[i].kill_when,
                 .kill_sig = cases[i].kill_sig, .no_trace = cases[i].no_trace};
        memcpy(r.env, cases[i].env, sizeof r.env);
        execute(&r);
        if (r.t || r.no_trace) cases[i].check(&r);
        if (failures == 0) {
            unlink(r.trace);
            unlink(r.errpath);
        } else {
            fprintf(stderr, "kept %s for inspection\n", r.trace);
        }
        tc_free(r.t);
        printf("%s: %s\n", argv[1], failures ? "FAIL" : "ok");
        return failures != 0;
    }
    fprintf(stderr, "unknown test %s\n", argv[1]);
    return 2;
}
