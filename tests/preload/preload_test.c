/*
 * preload_test.c — the LD_PRELOAD interposer's tests: runs one unmodified
 * pthreads program (progs/) under `threadlens run`, then checks its exit,
 * its output and its trace: first the Perfetto rules (tracecheck, zero
 * problems), then that the threads, holds, waits and arrows the program
 * must produce are there, named after the program's own symbols and
 * located at its source lines (found through the "@marker" comments).
 *
 * usage: preload_test TEST PATH/TO/threadlens PATH/TO/PROGRAM
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "preload_run.h"
#include "tl_test.h"

#define failures tl_test_failures
/* Timed waits last at least until their deadline; the bounds below leave
 * room for the time between computing a deadline and starting to wait. */
#define MS 1000000LL /* in trace nanoseconds */

/* ---- checks several tests share ------------------------------------------- */

/* The runtime's one-line exit summary names this trace. */
static int has_summary(const pl_run *r, const char *trace) {
    for (const char *l = r->err; (l = strstr(l, "threadlens: ")) != NULL; l++) {
        const char *eol = strchr(l, '\n');
        size_t len = eol ? (size_t)(eol - l) : strlen(l);
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)len, l);
        if (strstr(line, " threads, ") && strstr(line, " events, ") && strstr(line, trace)) return 1;
    }
    return 0;
}

/* Closed cleanly: strict JSON ending with the summary event, nothing open. */
static void check_complete(const pl_run *r, const tc_trace *t, const char *trace) {
    CHECK_MSG(!t->truncated, "%s has no closing bracket", trace);
    const char *last = pl_last_event_name(trace);
    CHECK_MSG(!strcmp(last, "threadlens_summary"), "last event of %s is \"%s\"", trace, last);
    CHECK_EQ(t->stats.unclosed, 0);
    CHECK_EQ(t->stats.unclosed_async, 0);
    CHECK_MSG(has_summary(r, trace), "no summary line naming %s on stderr", trace);
}

typedef struct site_scan {
    long sites;           /* "at"/"released_at" strings seen */
    long bad;             /* of those, failing the test's rule */
    int symbolized;       /* rule: 1 = "file.c:N", 0 = "func+0x.. (prog)"/"prog+0x.." */
    const char *module;   /* the program's basename, for rule 0 */
} site_scan;

static int site_ok(const site_scan *s, const char *at) {
    if (s->symbolized) return strstr(at, ".c:") != NULL;
    char plus[128], paren[128];
    snprintf(plus, sizeof plus, "%s+0x", s->module);
    snprintf(paren, sizeof paren, "(%s", s->module);
    return strncmp(at, "0x", 2) != 0 && (strstr(at, plus) || strstr(at, paren));
}

static void scan_sites(const cJSON *ev, void *ctx) {
    site_scan *s = ctx;
    const cJSON *args = cJSON_GetObjectItem(ev, "args");
    static const char *const keys[] = {"at", "released_at"};
    for (int k = 0; k < 2; k++) {
        const char *at = cJSON_GetStringValue(cJSON_GetObjectItem(args, keys[k]));
        if (!at) continue;
        s->sites++;
        if (!site_ok(s, at)) {
            if (s->bad++ < 5) fprintf(stderr, "unexpected site %s \"%s\"\n", keys[k], at);
        }
    }
}

/* Three read holds of lock on distinct threads, all overlapping at once. */
static int three_readers_overlap(const tc_trace *t, const char *lock) {
    const tc_slice *rd[64];
    size_t n = 0;
    for (size_t i = 0; i < t->n_async && n < 64; i++) {
        const char *mode = pl_arg(t->async[i], "mode");
        if (!strcmp(t->async[i]->name, lock) && mode && !strcmp(mode, "read")) rd[n++] = t->async[i];
    }
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n; b++)
            for (size_t c = b + 1; c < n; c++) {
                int64_t start = rd[a]->start_ns, end = rd[a]->end_ns;
                if (rd[b]->start_ns > start) start = rd[b]->start_ns;
                if (rd[c]->start_ns > start) start = rd[c]->start_ns;
                if (rd[b]->end_ns < end) end = rd[b]->end_ns;
                if (rd[c]->end_ns < end) end = rd[c]->end_ns;
                if (start < end && rd[a]->tid != rd[b]->tid && rd[b]->tid != rd[c]->tid &&
                    rd[a]->tid != rd[c]->tid)
                    return 1;
            }
    return 0;
}

static size_t read_holds(const tc_trace *t, const char *lock) {
    size_t n = 0;
    for (size_t i = 0; i < t->n_async; i++) {
        const char *mode = pl_arg(t->async[i], "mode");
        n += !strcmp(t->async[i]->name, lock) && mode && !strcmp(mode, "read");
    }
    return n;
}

static int64_t dur(const tc_slice *s) { return s->end_ns - s->start_ns; }

/* ---- 1. the course exercise ------------------------------------------------- */

#define CE "course_exercise.c"

static void check_course_exercise(pl_run *r) {
    const tc_trace *t = r->t;
    CHECK(pl_exited_with(r, 0));
    CHECK_MSG(t->n_threads >= 5, "%zu threads", t->n_threads);
    CHECK_EQ(pl_tid_of(t, "main"), 1);
    CHECK_EQ(pl_threads_named(t, "producer"), 2);
    CHECK_EQ(pl_threads_named(t, "consumer"), 2);
    uint32_t prod = pl_tid_of(t, "producer"), cons = pl_tid_of(t, "consumer");
    /* The static mutex is named after its variable; every lock call is a hold. */
    CHECK_MSG(pl_holds(t, "lock", 0) >= 4 * 2000, "%zu holds of \"lock\"", pl_holds(t, "lock", 0));
    CHECK_MSG(pl_hold_at(t, "lock", prod, pl_site(CE, "producer-lock"), 0) != NULL,
              "no hold of lock by producer at %s", pl_site(CE, "producer-lock"));
    CHECK_MSG(pl_hold_at(t, "lock", cons, pl_site(CE, "consumer-lock"), 0) != NULL,
              "no hold of lock by consumer at %s", pl_site(CE, "consumer-lock"));
    /* Consumers started first and found the buffer empty. */
    const tc_slice *w = pl_slice_at(t, 0, "waiting on not_empty", pl_site(CE, "consumer-wait"), 0);
    CHECK_MSG(w != NULL, "no \"waiting on not_empty\" at %s", pl_site(CE, "consumer-wait"));
    const tc_slice *pw = pl_slice_at(t, 0, "waiting on not_full", NULL, 0);
    CHECK(!pw || pl_site_in(pl_arg(pw, "at"), pl_site(CE, "producer-wait")));
    /* A signal or broadcast woke a producer or a consumer. */
    size_t woke = 0;
    for (size_t i = 0; i < t->n_flows; i++) {
        const tc_flow *f = &t->flows[i];
        const char *to = tc_thread_name(t, 0, f->to->tid);
        if ((!strncmp(f->from->name, "signal ", 7) || !strncmp(f->from->name, "broadcast ", 10)) && to &&
            (!strcmp(to, "consumer") || !strcmp(to, "producer")))
            woke++;
    }
    CHECK_MSG(woke >= 1, "no signal/broadcast arrow to a producer or consumer");
    size_t to_consumer = 0;
    for (const tc_flow *f; (f = pl_flow(t, "signal not_empty", 0, 0, to_consumer)) != NULL;) {
        const char *to = tc_thread_name(t, 0, f->to->tid);
        if (to && !strcmp(to, "consumer")) break;
        to_consumer++;
    }
    CHECK_MSG(pl_flow(t, "signal not_empty", 0, 0, to_consumer) != NULL, "no \"signal not_empty\" arrow to a consumer");
    CHECK_EQ(pl_flows(t, "create producer", 0, 0), 2);
    CHECK_EQ(pl_flows(t, "create consumer", 0, 0), 2);
    CHECK_EQ(pl_flows(t, "exit of producer", 0, 1), 2);
    CHECK_EQ(pl_flows(t, "exit of consumer", 0, 1), 2);
    CHECK(pl_slice_at(t, 1, "joining producer", NULL, 0) != NULL);
    site_scan s = {.symbolized = 1};
    pl_each_event(r->trace, scan_sites, &s);
    CHECK_MSG(s.sites > 8000 && s.bad == 0, "%ld sites, %ld without file:line", s.sites, s.bad);
    CHECK(strstr(r->out, "consumed ") != NULL);
    check_complete(r, t, r->trace);
}

/* The same program with the symbolizer off: function+offset or
 * module+offset, never a bare address. */
static void check_course_exercise_nosym(pl_run *r) {
    CHECK(pl_exited_with(r, 0));
    site_scan s = {.symbolized = 0, .module = "course_exercise"};
    pl_each_event(r->trace, scan_sites, &s);
    CHECK_MSG(s.sites > 8000 && s.bad == 0, "%ld sites, %ld not in course_exercise", s.sites, s.bad);
    check_complete(r, r->t, r->trace);
}

/* ---- 2. mutex types ------------------------------------------------------- */

#define MT "mutex_types.c"

static void check_mutex_types(pl_run *r) {
    const tc_trace *t = r->t;
    CHECK(pl_exited_with(r, 0)); /* the program checked every return code */
    CHECK(strstr(r->out, "errorcheck relock: Resource deadlock avoided") != NULL);
    CHECK(strstr(r->out, "timedlock: Connection timed out") != NULL);
    CHECK(strstr(r->out, "clocklock: Connection timed out") != NULL);
    CHECK(strstr(r->out, "trylock: Device or resource busy") != NULL);
    CHECK_EQ(pl_holds(t, "plain_mutex", 1), 1);
    /* Locked twice, unlocked twice: one hold from the first lock to the last unlock. */
    CHECK_EQ(pl_holds(t, "rec_mutex", 0), 1);
    const tc_slice *rec = pl_hold_at(t, "rec_mutex", 1, pl_site(MT, "rec-lock"), 0);
    CHECK(rec != NULL);
    CHECK(rec && pl_site_in(pl_arg(rec, "released_at"), pl_site(MT, "rec-unlock")));
    /* The refused relock neither starts nor ends a hold. */
    CHECK_EQ(pl_holds(t, "err_mutex", 0), 1);
    CHECK_EQ(pl_holds(t, "adaptive_mutex", 0), 2000);
    /* Timeouts: waits that end without the lock, inside the holder's hold. */
    uint32_t holder = pl_tid_of(t, "holder");
    const tc_slice *w1 = pl_slice_at(t, 1, "waiting for held_mutex", pl_site(MT, "timedlock"), 0);
    const tc_slice *w2 = pl_slice_at(t, 1, "waiting for held_mutex", pl_site(MT, "clocklock-timeout"), 0);
    CHECK_MSG(w1 != NULL, "no wait at %s", pl_site(MT, "timedlock"));
    CHECK_MSG(w2 != NULL, "no wait at %s", pl_site(MT, "clocklock-timeout"));
    CHECK(w1 && dur(w1) >= 40 * MS);
    CHECK(w2 && dur(w2) >= 40 * MS);
    const tc_slice *held = pl_hold_at(t, "held_mutex", holder, pl_site(MT, "holder-lock"), 0);
    CHECK(holder && held);
    CHECK(held && w1 && w2 && held->start_ns <= w1->start_ns && held->end_ns >= w2->end_ns);
    /* main got held_mutex once, at the clocklock that succeeded, after both timeouts */
    CHECK_EQ(pl_holds(t, "held_mutex", 1), 1);
    const tc_slice *got = pl_hold_at(t, "held_mutex", 1, NULL, 0);
    CHECK_MSG(got && pl_site_in(pl_arg(got, "at"), pl_site(MT, "clocklock-ok")),
              "main's hold of held_mutex is at %s", got && pl_arg(got, "at") ? pl_arg(got, "at") : "?");
    CHECK(got && w2 && got->start_ns >= w2->end_ns);
    /* A timeout is no handoff: no unlock arrow ends a timed-out wait. */
    for (size_t i = 0; i < t->n_flows; i++)
        CHECK(!(w1 && t->flows[i].to->tid == 1 && t->flows[i].to->start_ns == w1->end_ns));
    check_complete(r, t, r->trace);
}

/* ---- 3. rwlock, spinlock, barrier, semaphores ----------------------------- */

#define RS "rwlock_spin_barrier_sem.c"

static void check_rwlock_spin_barrier_sem(pl_run *r) {
    const tc_trace *t = r->t;
    CHECK(pl_exited_with(r, 0));
    CHECK_EQ(pl_threads_named(t, "reader"), 3);
    /* 3 readers x 2 rounds, the lingering reader, main's tryrdlock */
    CHECK_MSG(read_holds(t, "table_lock") == 8, "%zu read holds", read_holds(t, "table_lock"));
    CHECK_MSG(three_readers_overlap(t, "table_lock"), "no three overlapping read holds");
    CHECK(pl_hold_at(t, "table_lock", pl_tid_of(t, "reader"), pl_site(RS, "rdlock"), 0) != NULL);
    /* main's write holds: wrlock, trywrlock, timedwrlock, clockwrlock */
    size_t writes = 0;
    for (size_t i = 0; i < t->n_async; i++)
        writes += !strcmp(t->async[i]->name, "table_lock") && t->async[i]->tid == 1 && !pl_arg(t->async[i], "mode");
    CHECK_EQ(writes, 4);
    CHECK_MSG(pl_slice_at(t, 0, "waiting to read table_lock", pl_site(RS, "rdlock"), 0) != NULL,
              "no reader waited for main's write hold");
    CHECK(pl_flows(t, "unlock table_lock", 0, 0) >= 1);
    const tc_slice *tw = pl_slice_at(t, 1, "waiting for table_lock", pl_site(RS, "timedwrlock"), 0);
    CHECK(tw && dur(tw) >= 20 * MS);
    CHECK_MSG(pl_slice_at(t, 0, "in barrier round_barrier", NULL, 3) != NULL, "fewer than 4 barrier waits");
    CHECK_EQ(pl_flows(t, "last arrival at round_barrier", 0, 0), 4);
    uint32_t spinner = pl_tid_of(t, "spinner");
    CHECK(spinner && pl_slice_at(t, spinner, "spinning on counter_spin", pl_site(RS, "spin-lock"), 0) != NULL);
    CHECK(pl_holds(t, "counter_spin", 0) == 3);
    uint32_t sw = pl_tid_of(t, "sem_waiter"), nw = pl_tid_of(t, "named_waiter");
    CHECK(sw && pl_slice_at(t, sw, "waiting for items", pl_site(RS, "sem-wait"), 0) != NULL);
    const tc_flow *post = pl_flow(t, "post items", 0, sw, 0);
    CHECK(post && post->from->tid == 1);
    const tc_slice *timed = pl_slice_at(t, 1, "waiting for items", pl_site(RS, "sem-timedwait"), 0);
    CHECK(timed && dur(timed) >= 20 * MS);
    const tc_flow *named = pl_flow(t, "post ", 1, nw, 0);
    CHECK_MSG(nw && named && strcmp(named->from->name, "post items") != 0, "no post arrow to named_waiter");
    CHECK(tc_counter_find(t, 0, "items value") != NULL);
    check_complete(r, t, r->trace);
}

/* ---- 4-5. condition variables: old ABI, monotonic clocks ------------------ */

static void check_cond_oldabi(pl_run *r) {
    const tc_trace *t = r->t;
    CHECK_MSG(pl_exited_with(r, 0), "wait status 0x%x (exit %d): the old-ABI calls reached the new ABI?",
              r->status, WIFEXITED(r->status) ? WEXITSTATUS(r->status) : -1);
    CHECK(strstr(r->out, "old ABI ok") != NULL);
    uint32_t w = pl_tid_of(t, "waiter");
    const tc_slice *wait = pl_slice_at(t, w, "waiting on ready_cond", pl_site("cond_oldabi.c", "old-wait"), 0);
    CHECK(w && wait);
    const tc_flow *sig = pl_flow(t, "signal ready_cond", 0, w, 0);
    /* >=: a wait longer than a flush interval (a loaded machine) is cut into
     * pieces, and this is the first. */
    CHECK(sig && wait && sig->from->tid == 1 && sig->to->start_ns >= wait->end_ns);
    CHECK_EQ(pl_flows(t, "broadcast go_cond", 0, 0), 2);
    CHECK(pl_slice_at(t, 1, "waiting on ready_cond", NULL, 0) != NULL); /* the timedwait */
    check_complete(r, t, r->trace);
}

#define CM "cond_monotonic.c"

static void check_cond_monotonic(pl_run *r) {
    const tc_trace *t = r->t;
    CHECK(pl_exited_with(r, 0)); /* no timed wait returned before its deadline */
    const tc_slice *mono = pl_slice_at(t, 1, "waiting on mono_cond", pl_site(CM, "mono-timedwait"), 0);
    CHECK(mono && dur(mono) >= 20 * MS);
    CHECK_EQ(pl_flows(t, "signal mono_cond", 0, 0), 0);
    const tc_slice *cw = pl_slice_at(t, 1, "waiting on clock_cond", pl_site(CM, "clockwait-timeout"), 0);
    CHECK(cw && dur(cw) >= 20 * MS);
    const tc_slice *woken = pl_slice_at(t, 1, "waiting on clock_cond", pl_site(CM, "clockwait-signalled"), 0);
    CHECK(woken != NULL);
    const tc_flow *sig = pl_flow(t, "signal clock_cond", 0, 1, 0);
    CHECK(sig && sig->from->tid == pl_tid_of(t, "signaller"));
    CHECK(sig && woken && sig->to->start_ns == woken->end_ns);
    check_complete(r, t, r->trace);
}

/* ---- 6. object lifetimes at one address ----------------------------------- */

typedef struct objects {
    char cycled[32], reused[32];  /* addresses the program printed */
    uint32_t *cycled_ids;
    size_t n_cycled, cap;
    char first_name[128], first_created_at[512];
    uint32_t reused_mutex, reused_cond;
} objects;

static void collect_objects(const cJSON *ev, void *ctx) {
    objects *o = ctx;
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(ev, "name"));
    if (!name || strcmp(name, "threadlens_object")) return;
    const cJSON *args = cJSON_GetObjectItem(ev, "args");
    const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(args, "kind"));
    const char *addr = cJSON_GetStringValue(cJSON_GetObjectItem(args, "addr"));
    const char *oname = cJSON_GetStringValue(cJSON_GetObjectItem(args, "name"));
    uint32_t id = (uint32_t)cJSON_GetNumberValue(cJSON_GetObjectItem(args, "id"));
    if (!kind || !addr) return;
    if (!strcmp(addr, o->cycled) && !strcmp(kind, "mutex")) {
        if (o->n_cycled == o->cap) o->cycled_ids = realloc(o->cycled_ids, (o->cap = o->cap * 2 + 64) * sizeof(uint32_t));
        if (o->n_cycled == 0) {
            const char *created = cJSON_GetStringValue(cJSON_GetObjectItem(args, "created_at"));
            snprintf(o->first_name, sizeof o->first_name, "%s", oname ? oname : "");
            snprintf(o->first_created_at, sizeof o->first_created_at, "%s", created ? created : "");
        }
        o->cycled_ids[o->n_cycled++] = id;
    }
    if (!strcmp(addr, o->reused) && !strcmp(kind, "mutex")) o->reused_mutex = id;
    if (!strcmp(addr, o->reused) && !strcmp(kind, "cond")) o->reused_cond = id;
}

/* "mutex@destroy_reuse.c:29", maybe followed by " #<id>" (the writer adds
 * the index so that objects made by one init call keep their own tracks). */
static int named_for_site(const char *name, const char *want) {
    size_t n = strlen(want);
    return !strncmp(name, want, n) && (name[n] == 0 || !strncmp(name + n, " #", 2));
}

static int by_id(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void check_destroy_reuse(pl_run *r) {
    const tc_trace *t = r->t;
    CHECK(pl_exited_with(r, 0));
    objects o = {0};
    const char *c = strstr(r->out, "cycled "), *u = strstr(r->out, "reused ");
    CHECK(c && u && sscanf(c, "cycled %31s", o.cycled) == 1 && sscanf(u, "reused %31s", o.reused) == 1);
    pl_each_event(r->trace, collect_objects, &o);
    size_t distinct = 0;
    if (o.n_cycled) {
        qsort(o.cycled_ids, o.n_cycled, sizeof(uint32_t), by_id);
        distinct = 1;
        for (size_t i = 1; i < o.n_cycled; i++) distinct += o.cycled_ids[i] != o.cycled_ids[i - 1];
    }
    CHECK_MSG(o.n_cycled >= 10000 && distinct >= 10000, "%zu mutex objects at %s, %zu distinct ids",
              o.n_cycled, o.cycled, distinct);
    char want[128];
    snprintf(want, sizeof want, "mutex@%s", pl_site("destroy_reuse.c", "reuse-init"));
    CHECK_MSG(named_for_site(o.first_name, want), "first object at %s is \"%s\", want \"%s\"", o.cycled, o.first_name, want);
    CHECK_MSG(pl_site_in(o.first_created_at, pl_site("destroy_reuse.c", "reuse-init")),
              "created_at \"%s\"", o.first_created_at);
    size_t holds = 0;
    for (size_t i = 0; i < t->n_async; i++) holds += named_for_site(t->async[i]->name, want);
    CHECK_MSG(holds == 10000, "%zu holds of %s", holds, want);
    /* The mutex memory that became a cond without a destroy: two objects. */
    CHECK_MSG(o.reused_mutex && o.reused_cond && o.reused_mutex != o.reused_cond,
              "at %s: mutex id %u, cond id %u", o.reused, o.reused_mutex, o.reused_cond);
    free(o.cycled_ids);
    check_complete(r, t, r->trace);
}

/* ---- 7. ten thousand threads ---------------------------------------------- */

static void check_threads_10k(pl_run *r) {
    const tc_trace *t = r->t;
    CHECK(pl_exited_with(r, 0));
    CHECK_EQ(t->n_threads, 10001);
    CHECK(tc_thread_find(t, 0, 10001) != NULL && tc_thread_find(t, 0, 10002) == NULL);
    CHECK_EQ(pl_tid_of(t, "main"), 1);
    CHECK_EQ(pl_threads_named(t, "joined_task"), 9000);
    CHECK_EQ(pl_threads_named(t, "detached_task"), 1000);
    /* Joins found the right thread although glibc reused the descriptors. */
    CHECK_EQ(pl_flows(t, "exit of joined_task", 0, 1), 9000);
    CHECK_EQ(pl_flows(t, "exit of detached_task", 0, 0), 0);
    CHECK_EQ(pl_flows(t, "create ", 1, 0), 10000);
    check_complete(r, t, r->trace);
}

/* ---- 8-11. hostile surroundings -------------------------------------------- */

static void check_malloc_locks(pl_run *r) {
    const tc_trace *t = r->t;
    CHECK(pl_exited_with(r, 0)); /* killed after the timeout if it hung */
    CHECK_EQ(pl_threads_named(t, "allocator"), 4);
    CHECK_MSG(pl_holds(t, "arena_lock", pl_tid_of(t, "allocator")) >= 1, "%zu holds of arena_lock",
              pl_holds(t, "arena_lock", 0));
    CHECK(pl_holds(t, "results_lock", 0) == 4);
    check_complete(r, t, r->trace);
}

static void check_signal_lock(pl_run *r) {
    const tc_trace *t = r->t;
    CHECK(pl_exited_with(r, 0));
    CHECK(pl_holds(t, "a_lock", 1) >= 1000 && pl_holds(t, "b_lock", 1) >= 1000);
    CHECK_MSG(pl_hold_at(t, "handler_lock", 1, pl_site("signal_lock.c", "handler-lock"), 0) != NULL,
              "no hold of handler_lock from the handler");
    check_complete(r, t, r->trace);
}

static void check_ctor_dtor(pl_run *r) {
    const tc_trace *t = r->t;
    CHECK(pl_exited_with(r, 0));
    CHECK(strstr(r->out, "constructor ran 2 times") != NULL);
    CHECK(strstr(r->err, "atexit handler done") != NULL && strstr(r->err, "destructor done") != NULL);
    CHECK_MSG(pl_hold_at(t, "ctor_lock", 1, pl_site("ctor_dtor.c", "ctor-lock"), 0) != NULL,
              "no hold of ctor_lock at %s", pl_site("ctor_dtor.c", "ctor-lock"));
    CHECK(pl_tid_of(t, "ctor_thread") != 0);
    /* registered after the tracer's own exit handler, so it ran first */
    CHECK(pl_holds(t, "atexit_lock", 1) == 1);
    check_complete(r, t, r->trace);
}

static void check_exit_detached(pl_run *r) {
    const tc_trace *t = r->t;
    CHECK(pl_exited_with(r, 0));
    CHECK_EQ(pl_threads_named(t, "spinning_worker"), 3);
    CHECK_MSG(pl_holds(t, "busy_lock", 0) >= 300, "%zu holds", pl_holds(t, "busy_lock", 0));
    check_complete(r, t, r->trace);
}

static void check_exit_main_exit(pl_run *r) {
    const tc_trace *t = r->t;
    CHECK(pl_exited_with(r, 0));
    CHECK(strstr(r->out, "main leaves first") != NULL);
    CHECK_EQ(pl_threads_named(t, "finite_worker"), 3);
    CHECK_EQ(pl_holds(t, "busy_lock", 0), 200 + 400 + 600);
    check_complete(r, t, r->trace);
}

/* ---- 12. cancellation inside blocking calls -------------------------------- */

#define CW "cancel_in_wait.c"

static void check_cancel_in_wait(pl_run *r) {
    const tc_trace *t = r->t;
    CHECK(pl_exited_with(r, 0));
    uint32_t w = pl_tid_of(t, "cond_waiter"), s = pl_tid_of(t, "sleeper");
    CHECK(w && s);
    const tc_flow *joined = pl_flow(t, "exit of cond_waiter", 0, 1, 0);
    CHECK(joined != NULL);
    const tc_slice *wait = pl_slice_at(t, w, "waiting on never_cond", pl_site(CW, "cancelled-wait"), 0);
    CHECK(wait != NULL);
    /* The wait ended when the thread was cancelled, not at the end of the trace. */
    CHECK_MSG(wait && joined && wait->end_ns <= joined->to->start_ns, "the wait outlived its thread");
    /* glibc re-took the mutex for the cleanup handler, which released it. */
    const tc_slice *h = NULL;
    for (size_t i = 0; wait && (h = pl_hold_at(t, "wait_lock", w, NULL, i)) != NULL; i++)
        if (h->start_ns >= wait->start_ns) break;
    CHECK_MSG(h != NULL, "no hold of wait_lock after the cancelled wait");
    const char *rel = pl_arg(h, "released_at");
    CHECK_MSG(h && pl_site_in(rel, pl_site(CW, "cleanup-unlock")), "released at %s", rel ? rel : "?");
    CHECK(h && joined && h->end_ns <= joined->to->start_ns);
    const tc_slice *relock = pl_hold_at(t, "wait_lock", 1, pl_site(CW, "main-relock"), 0);
    CHECK(relock && h && relock->start_ns >= h->end_ns);
    const tc_slice *sl = pl_slice_at(t, s, "sleeping", pl_site(CW, "cancelled-sleep"), 0);
    const tc_flow *sjoined = pl_flow(t, "exit of sleeper", 0, 1, 0);
    CHECK(sl && sjoined);
    int64_t end = 0;
    for (size_t i = 0; (sl = pl_slice_at(t, s, "sleeping", NULL, i)) != NULL; i++) end = sl->end_ns;
    CHECK_MSG(sjoined && end <= sjoined->to->start_ns, "the sleep outlived its thread");
    check_complete(r, t, r->trace);
}

/* ---- 13. fork and exec ------------------------------------------------------ */

typedef struct pids { uint32_t pid; int other; int summaries; } pids;

static void collect_pids(const cJSON *ev, void *ctx) {
    pids *p = ctx;
    uint32_t pid = (uint32_t)cJSON_GetNumberValue(cJSON_GetObjectItem(ev, "pid"));
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(ev, "name"));
    if (!p->pid) p->pid = pid;
    p->other += pid != p->pid;
    p->summaries += name && !strcmp(name, "threadlens_summary");
}

static void check_fork_exec(pl_run *r) {
    const tc_trace *t = r->t;
    CHECK(pl_exited_with(r, 0));
    CHECK(strstr(r->out, "exec image done") != NULL);
    /* The first image's trace: the parent only, closed once, before the exec. */
    pids p1 = {0};
    pl_each_event(r->trace, collect_pids, &p1);
    CHECK_MSG(p1.other == 0 && p1.summaries == 1, "%d events of other pids, %d summaries", p1.other, p1.summaries);
    CHECK_EQ(pl_holds(t, "parent_lock", 1), 2);
    CHECK_EQ(pl_holds(t, "child_lock", 0), 0);
    CHECK_EQ(pl_tid_of(t, "child_worker"), 0);
    CHECK_EQ(pl_tid_of(t, "exec_worker"), 0);
    check_complete(r, t, r->trace);

    /* The exec'd image: same pid, its own file. */
    char exec1[300], exec2[300];
    size_t base = strlen(r->trace) - strlen(".json");
    snprintf(exec1, sizeof exec1, "%.*s.exec1.json", (int)base, r->trace);
    snprintf(exec2, sizeof exec2, "%.*s.exec2.json", (int)base, r->trace);
    char why[512];
    tc_trace *t2 = tc_load_file(exec1, why, sizeof why);
    CHECK_MSG(t2 != NULL, "%s: %s", exec1, why);
    CHECK(access(exec2, F_OK) != 0);
    if (t2) {
        tc_problems pr;
        size_t n = tc_check(t2, &pr);
        for (size_t i = 0; i < pr.count; i++) fprintf(stderr, "%s: trace problem: %s\n", exec1, pr.lines[i]);
        CHECK_EQ(n, 0);
        pids p2 = {0};
        pl_each_event(exec1, collect_pids, &p2);
        CHECK_MSG(p2.pid == p1.pid && p2.other == 0, "pid %u after exec, %u before", p2.pid, p1.pid);
        uint32_t ew = pl_tid_of(t2, "exec_worker");
        CHECK(ew && pl_holds(t2, "exec_lock", ew) == 1);
        CHECK_EQ(pl_tid_of(t2, "main"), 1);
        check_complete(r, t2, exec1);
        tc_free(t2);
    }
    if (failures == 0) unlink(exec1);
}

/* ---- 14-16. sleeps, names, C++ ---------------------------------------------- */

static void check_sleep_states(pl_run *r) {
    const tc_trace *t = r->t;
    CHECK(pl_exited_with(r, 0));
    uint32_t s = pl_tid_of(t, "sleepy");
    CHECK(s != 0);
    static const char *const calls[] = {"sleep", "usleep", "nanosleep", "clock_nanosleep", "clock_nanosleep-abs"};
    for (int i = 0; i < 5; i++)
        CHECK_MSG(pl_slice_at(t, s, "sleeping", pl_site("sleep_states.c", calls[i]), 0) != NULL,
                  "no sleeping slice at %s (%s)", pl_site("sleep_states.c", calls[i]), calls[i]);
    /* sleep(1) is one wait, cut into pieces at each flush. */
    const tc_slice *one = pl_slice_at(t, s, "sleeping", pl_site("sleep_states.c", "sleep"), 0), *piece;
    int64_t end = one ? one->end_ns : 0;
    for (size_t i = 0; one && (piece = pl_slice_at(t, s, "sleeping", NULL, i)) != NULL; i++)
        if (piece->start_ns == end && cJSON_IsTrue(tc_slice_arg(piece, "continued"))) end = piece->end_ns;
    CHECK_MSG(one && end - one->start_ns >= 1000 * MS, "sleep(1) slept %lld ns", one ? (long long)(end - one->start_ns) : -1LL);
    check_complete(r, t, r->trace);
}

static void check_setname(pl_run *r) {
    const tc_trace *t = r->t;
    CHECK(pl_exited_with(r, 0));
    CHECK(strstr(r->out, "other is called renamed") != NULL);
    CHECK(pl_tid_of(t, "io-worker") != 0);
    CHECK(pl_tid_of(t, "renamed") != 0);
    CHECK(pl_tid_of(t, "io-worker") != pl_tid_of(t, "renamed"));
    CHECK_EQ(pl_tid_of(t, "names_itself"), 0);
    CHECK_EQ(pl_tid_of(t, "gets_renamed"), 0);
    CHECK(pl_holds(t, "name_lock", pl_tid_of(t, "io-worker")) == 1);
    check_complete(r, t, r->trace);
}

static void check_cxx(pl_run *r) {
    const tc_trace *t = r->t;
    CHECK(pl_exited_with(r, 0));
    CHECK_MSG(t->n_threads >= 4, "%zu threads", t->n_threads);
    CHECK_MSG(pl_holds(t, "mtx", 0) >= 3000, "%zu holds of mtx", pl_holds(t, "mtx", 0));
    size_t waiters = 0;
    for (size_t i = 0; i < t->n_threads; i++)
        waiters += t->threads[i]->tid != 1 && tc_slice_find(t, 0, t->threads[i]->tid, "waiting on cv", 0);
    CHECK_EQ(waiters, 3);
    CHECK_MSG(pl_flows(t, "broadcast cv", 0, 0) >= 1, "no arrow from notify_all");
    check_complete(r, t, r->trace);
}

/* ---- the table --------------------------------------------------------------- */

/* For tests that count every event of a burst: a loaded machine may not run
 * the writer within THREADLENS_FULL_WAIT_US, and a dropped event is then
 * correct behaviour, not what those tests are about. */
#define BIG_RINGS "THREADLENS_BUFFER_EVENTS=262144"

static const struct {
    const char *test;
    void (*check)(pl_run *);
    const char *args[4];
    const char *env[4];
    int timeout_s;
} cases[] = {
    {"course_exercise", check_course_exercise, {0}, {BIG_RINGS}, 20},
    {"course_exercise_nosym", check_course_exercise_nosym, {0}, {"THREADLENS_SYMBOLIZER=0", BIG_RINGS}, 20},
    {"mutex_types", check_mutex_types, {0}, {0}, 20},
    {"rwlock_spin_barrier_sem", check_rwlock_spin_barrier_sem, {0}, {0}, 20},
    {"cond_oldabi", check_cond_oldabi, {0}, {0}, 20},
    {"cond_monotonic", check_cond_monotonic, {0}, {0}, 20},
    {"destroy_reuse", check_destroy_reuse, {0}, {BIG_RINGS}, 20},
    {"threads_10k", check_threads_10k, {0}, {0}, 50},
    {"malloc_locks", check_malloc_locks, {0}, {0}, 20},
    {"signal_lock", check_signal_lock, {0}, {0}, 20},
    {"ctor_dtor", check_ctor_dtor, {0}, {0}, 20},
    {"exit_running_detached", check_exit_detached, {"detached"}, {0}, 20},
    {"exit_running_main_exit", check_exit_main_exit, {"main_exit"}, {0}, 20},
    {"cancel_in_wait", check_cancel_in_wait, {0}, {0}, 20},
    {"fork_exec", check_fork_exec, {0}, {0}, 20},
    {"sleep_states", check_sleep_states, {0}, {0}, 20},
    {"setname", check_setname, {0}, {0}, 20},
    {"cxx", check_cxx, {0}, {0}, 20},
};

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: preload_test TEST PATH/TO/threadlens PATH/TO/PROGRAM\n");
        return 2;
    }
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (strcmp(argv[1], cases[i].test)) continue;
        pl_run r = {.name = cases[i].test, .threadlens = argv[2], .prog = argv[3],
                    .timeout_s = cases[i].timeout_s};
        memcpy(r.args, cases[i].args, sizeof r.args);
        memcpy(r.env, cases[i].env, sizeof r.env);
        pl_execute(&r);
        CHECK_MSG(!r.timed_out, "killed after %d s", r.timeout_s);
        CHECK_MSG(r.t != NULL, "the trace did not load: %s", r.load_error);
        CHECK_EQ(r.problems, 0);
        if (r.t) cases[i].check(&r);
        pl_finish(&r, failures != 0);
        printf("%s: %s\n", argv[1], failures ? "FAIL" : "ok");
        return failures != 0;
    }
    fprintf(stderr, "unknown test %s\n", argv[1]);
    return 2;
}
