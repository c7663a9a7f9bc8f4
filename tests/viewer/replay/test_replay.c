/*
 * test_replay.c — the replay (viewer/src/core/tv_replay.h) on a hand-written
 * trace with exact expectations (small.json) and on real traces from the
 * runtime: the lost update (lu.json: two data races on db), the dining
 * philosophers' deadlock of five (ph.json) and a pool map (pm.json); and
 * a generated lock-heavy trace for the step index's size and consistency.
 *
 *   test_replay GROUP FIXTURES_DIR TMP_DIR     (GROUP: small, lu, ph, pm, big, all)
 *   test_replay dump TRACE                     (every step and the state there)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "tl_test.h"
#include "tv_bench.h"
#include "tv_load.h"
#include "tv_replay.h"

static const char *fixtures, *tmpdir;

static tv_model *load_path(const char *path) {
    char err[512];
    tv_model *m = tv_load(path, NULL, err, sizeof err);
    if (!m) {
        fprintf(stderr, "load %s: %s\n", path, err);
        tl_test_failures++;
    }
    return m;
}

static tv_model *load(const char *name) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", fixtures, name);
    return load_path(path);
}

/* ns on the model's clock of a trace time in microseconds (as the JSON has it) */
static int64_t us(double v) { return (int64_t)(v * 1000 + (v < 0 ? -0.5 : 0.5)); }

static uint32_t lane_of_tid(const tv_model *m, int64_t tid) {
    for (uint32_t i = 0; i < m->nlanes; i++)
        if (m->lanes[i].kind == TV_LANE_THREAD && m->lanes[i].tid == tid) return i;
    fprintf(stderr, "no thread lane with tid %lld\n", (long long)tid);
    tl_test_failures++;
    return TV_NO_LANE;
}

static uint32_t lane_named(const tv_model *m, const char *name) {
    for (uint32_t i = 0; i < m->nlanes; i++)
        if (!strcmp(tv_model_str(m, m->lanes[i].name), name)) return i;
    fprintf(stderr, "no lane named \"%s\"\n", name);
    tl_test_failures++;
    return TV_NO_LANE;
}

static const tv_rp_thread *thread_in(const tv_rp_state *s, uint32_t lane) {
    for (size_t i = 0; i < s->nthreads; i++)
        if (s->threads[i].lane == lane) return &s->threads[i];
    static const tv_rp_thread none = {TV_NO_LANE, "", -1, "(missing)", NULL, 0, NULL, TV_NO_LANE};
    fprintf(stderr, "thread lane %u not in the state\n", lane);
    tl_test_failures++;
    return &none;
}

static const tv_rp_lock *lock_in(const tv_rp_state *s, const char *name) {
    for (size_t i = 0; i < s->nlocks; i++)
        if (!strcmp(s->locks[i].name, name)) return &s->locks[i];
    static const tv_rp_lock none = {TV_NO_LANE, "", NULL, -1, 0, 0, NULL, TV_NO_LANE};
    fprintf(stderr, "lock %s not in the state\n", name);
    tl_test_failures++;
    return &none;
}

static const tv_rp_counter *counter_in(const tv_rp_state *s, const char *name) {
    for (size_t i = 0; i < s->ncounters; i++)
        if (!strcmp(s->counters[i].name, name)) return &s->counters[i];
    static const tv_rp_counter none = {TV_NO_LANE, "", 0, 0};
    fprintf(stderr, "counter %s not in the state\n", name);
    tl_test_failures++;
    return &none;
}

static const char *step_text(const tv_replay *r, size_t i) {
    static char buf[4][1024];
    static int k;
    char *b = buf[k++ % 4];
    tv_replay_step_text(r, i, b, sizeof buf[0]);
    return b;
}

static const char *state_text(const tv_replay *r, int64_t t) {
    static char buf[16384];
    tv_replay_text(r, t, buf, sizeof buf);
    return buf;
}

#define CHECK_HAS(hay, needle)                                                           \
    do {                                                                                 \
        const char *h_ = (hay), *n_ = (needle);                                          \
        CHECK_MSG(strstr(h_, n_) != NULL, "\"%s\" not in:\n%s", n_, h_);                 \
    } while (0)

/* The steps' invariants, on any trace: sorted, lanes in range, the lane
 * lists agreeing with a linear filter in both directions. */
static void check_steps(const tv_model *m, const tv_replay *r) {
    size_t n = tv_replay_nsteps(r);
    for (size_t i = 1; i < n; i++)
        if (tv_replay_step(r, i)->ts < tv_replay_step(r, i - 1)->ts) {
            CHECK_MSG(0, "step %zu before step %zu", i, i - 1);
            break;
        }
    CHECK(tv_replay_step(r, n) == NULL);
    for (uint32_t l = 0; l < m->nlanes; l++) {
        int counters = m->lanes[l].kind == TV_LANE_COUNTER;
        /* forward from before the start visits exactly the lane's steps */
        size_t want = 0, got = 0;
        for (size_t i = 0; i < n; i++) {
            const tv_step *s = tv_replay_step(r, i);
            if (s->lane == l || s->thread == l) want++;
        }
        int64_t t = m->t0 - 1;
        size_t prev = SIZE_MAX;
        for (;;) {
            size_t i = tv_replay_seek(r, t, 1, l, counters);
            if (i == SIZE_MAX) break;
            const tv_step *s = tv_replay_step(r, i);
            CHECK_MSG(s->lane == l || s->thread == l, "lane %u: step %zu is on lane %u thread %u", l, i,
                      s->lane, s->thread);
            CHECK(prev == SIZE_MAX || s->ts > tv_replay_step(r, prev)->ts);
            /* count every step of this lane at this time */
            for (size_t j = i; j < n && tv_replay_step(r, j)->ts == s->ts; j++)
                if (tv_replay_step(r, j)->lane == l || tv_replay_step(r, j)->thread == l) got++;
            prev = i;
            t = s->ts;
        }
        CHECK_MSG(got == want, "lane %u: %zu steps seen, %zu there", l, got, want);
    }
}

/* A fixture's model and replay, the steps checked; NULL (nothing to free)
 * when either cannot be made. */
static tv_replay *replay_of(const char *name, tv_model **mp) {
    tv_model *m = *mp = load(name);
    if (!m) return NULL;
    tv_replay *r = tv_replay_new(m);
    CHECK(r != NULL);
    if (!r) {
        tv_model_free(m);
        *mp = NULL;
        return NULL;
    }
    check_steps(m, r);
    return r;
}

/* ---- small.json: exact steps and states ---- */

static void small_trace(void) {
    tv_model *m;
    tv_replay *r = replay_of("small.json", &m);
    if (!r) return;
    uint32_t A = lane_of_tid(m, 1), B = lane_of_tid(m, 2), lm = lane_named(m, "m"),
             lrw = lane_named(m, "rw"), cw = lane_named(m, "m waiters");
    /* every step, in order (times relative to t0 = 10 us) */
    static const char *const want[] = {
        "0 ns  A (tid 1): calls work",
        "0 ns  A (tid 1): running",
        "2.000 us  A (tid 1): read of x  [race]",
        "2.000 us  A (tid 1): locks rw for reading",
        "5.000 us  B (tid 2): running",
        "6.000 us  B (tid 2): locks m",
        "7.000 us  B (tid 2): locks rw for reading",
        "8.000 us  B (tid 2): checkpoint",
        "10.000 us  A (tid 1): waiting for m, held by B (tid 2)",
        "10.000 us  m waiters = 1",
        "12.000 us  tick",
        "15.000 us  B (tid 2): sleeping",
        "20.000 us  A (tid 1): running",
        "20.000 us  B (tid 2): unlocks m",
        "20.000 us  A (tid 1): locks m",
        "20.000 us  m waiters = 0",
        "25.000 us  B (tid 2): running",
        "26.000 us  B (tid 2): write of x  [race]",
        "26.000 us  B (tid 2): finding: data race on x: read by A at s.c:3, write by B at s.c:13",
        "28.000 us  B (tid 2): unlocks rw",
        "30.000 us  A (tid 1): unlocks m",
        "30.000 us  A (tid 1): unlocks rw",
    };
    size_t nwant = sizeof want / sizeof *want;
    CHECK_EQ(tv_replay_nsteps(r), nwant);
    for (size_t i = 0; i < nwant && i < tv_replay_nsteps(r); i++) CHECK_STR(step_text(r, i), want[i]);
    static const int kinds[] = {TV_STEP_SLICE,   TV_STEP_STATE,   TV_STEP_ACCESS,  TV_STEP_HOLD,
                                TV_STEP_STATE,   TV_STEP_HOLD,    TV_STEP_HOLD,    TV_STEP_MARK,
                                TV_STEP_STATE,   TV_STEP_COUNTER, TV_STEP_MARK,    TV_STEP_STATE,
                                TV_STEP_STATE,   TV_STEP_RELEASE, TV_STEP_HOLD,    TV_STEP_COUNTER,
                                TV_STEP_STATE,   TV_STEP_ACCESS,  TV_STEP_FINDING, TV_STEP_RELEASE,
                                TV_STEP_RELEASE, TV_STEP_RELEASE};
    for (size_t i = 0; i < nwant && i < tv_replay_nsteps(r); i++) CHECK_EQ(tv_replay_step(r, i)->kind, kinds[i]);
    if (tv_replay_nsteps(r) == nwant) {
        CHECK_EQ(tv_replay_step(r, 3)->lane, lrw);
        CHECK_EQ(tv_replay_step(r, 3)->thread, A);
        CHECK_EQ(tv_replay_step(r, 13)->thread, B);
        CHECK_EQ(tv_replay_step(r, 9)->lane, cw);
        CHECK_EQ(tv_replay_step(r, 9)->thread, TV_NO_LANE);
        CHECK_EQ(tv_replay_step(r, 10)->lane, TV_NO_LANE); /* a global mark */
        CHECK_EQ(tv_replay_step(r, 18)->index, 0);          /* m->findings[0] */
        CHECK_EQ(tv_replay_step(r, 18)->lane, B);
    }

    /* seeking: strictly after / before, filtered, counters optional */
    CHECK_EQ(tv_replay_seek(r, us(9), 1, TV_NO_LANE, 0), 0);
    CHECK_EQ(tv_replay_seek(r, us(10), 1, TV_NO_LANE, 0), 2);
    CHECK_EQ(tv_replay_seek(r, us(10), 0, TV_NO_LANE, 0), 0);
    CHECK_EQ(tv_replay_seek(r, us(20), 1, TV_NO_LANE, 0), 10);  /* the gmark: counter skipped */
    CHECK_EQ(tv_replay_seek(r, us(19), 1, TV_NO_LANE, 1), 8);
    CHECK_EQ(tv_replay_seek(r, us(22), -1, TV_NO_LANE, 0), 8); /* last step before 22 us, no counter */
    CHECK_EQ(tv_replay_seek(r, us(22), -1, TV_NO_LANE, 1), 9);
    CHECK_EQ(tv_replay_seek(r, us(10), -1, TV_NO_LANE, 1), SIZE_MAX);
    CHECK_EQ(tv_replay_seek(r, us(40), 1, TV_NO_LANE, 1), SIZE_MAX);
    CHECK_EQ(tv_replay_seek(r, us(1000), -1, TV_NO_LANE, 0), 21);
    CHECK_EQ(tv_replay_seek(r, us(12), 1, B, 0), 4);  /* B's first: its running at 15 us */
    CHECK_EQ(tv_replay_seek(r, us(18), 1, B, 0), 11); /* then sleeping */
    CHECK_EQ(tv_replay_seek(r, us(12), 1, A, 0), 8);  /* A's next: waiting for m */
    CHECK_EQ(tv_replay_seek(r, us(20), 1, lm, 0), 13);
    CHECK_EQ(tv_replay_seek(r, us(0), 1, cw, 1), 9);
    CHECK_EQ(tv_replay_seek(r, us(0), 1, cw, 0), SIZE_MAX);
    CHECK_EQ(tv_replay_seek(r, us(0), 1, m->nlanes, 1), SIZE_MAX);
    CHECK_EQ(tv_replay_seek_finding(r, us(0), 1), 18);
    CHECK_EQ(tv_replay_seek_finding(r, us(36), 1), SIZE_MAX);
    CHECK_EQ(tv_replay_seek_finding(r, us(37), -1), 18);
    CHECK_EQ(tv_replay_seek_finding(r, us(36), -1), SIZE_MAX);

    /* the state at 20 us: A waits for m, which B holds; rw has two readers */
    tv_rp_state s = {0};
    CHECK_EQ(tv_replay_state(r, us(20), &s), 0);
    CHECK_EQ(s.nthreads, 2);
    CHECK_EQ(s.nlocks, 2);
    CHECK_EQ(s.ncounters, 1);
    CHECK_EQ(s.nfindings, 0);
    if (s.nthreads == 2) {
        CHECK_EQ(s.threads[0].lane, A);
        CHECK_STR(s.threads[0].state, "waiting for m");
        CHECK_STR(s.threads[0].waits_for ? s.threads[0].waits_for : "(null)", "m");
        CHECK_EQ(s.threads[0].since, us(20));
        CHECK_STR(s.threads[0].doing ? s.threads[0].doing : "(null)", "work");
        CHECK_EQ(s.threads[0].lock_lane, lm);
        CHECK_STR(s.threads[1].state, "running");
        CHECK(s.threads[1].waits_for == NULL);
        CHECK(s.threads[1].doing == NULL);
        CHECK_EQ(s.threads[1].tid, 2);
    }
    const tv_rp_lock *k = lock_in(&s, "m");
    CHECK_STR(k->owner ? k->owner : "(free)", "B");
    CHECK_EQ(k->owner_tid, 2);
    CHECK_EQ(k->owner_lane, B);
    CHECK_EQ(k->nwaiters, 1);
    if (k->nwaiters == 1) CHECK_EQ(k->waiters[0], A);
    k = lock_in(&s, "rw");
    CHECK(k->owner == NULL);
    CHECK_EQ(k->readers, 2);
    CHECK_EQ(k->nwaiters, 0);
    CHECK_EQ(counter_in(&s, "m waiters")->value, 1);
    CHECK_EQ(counter_in(&s, "m waiters")->known, 1);
    tv_rp_state_free(&s);
    CHECK_STR(state_text(r, us(20)),
              "threads\n"
              "  A (tid 1): waiting for m, held by B (tid 2), since 10.0 us (in work)\n"
              "  B (tid 2): running since 5.00 us\n"
              "locks\n"
              "  rw: read by 2 threads\n"
              "  m: held by B (tid 2); waiting: A (tid 1)\n"
              "counters\n"
              "  m waiters = 1");

    /* at 30 us B has handed m to A: the release step shows it free of B */
    CHECK_EQ(tv_replay_state(r, us(30), &s), 0);
    k = lock_in(&s, "m");
    CHECK_STR(k->owner ? k->owner : "(free)", "A");
    CHECK_EQ(k->nwaiters, 0);
    CHECK_STR(thread_in(&s, A)->state, "running");
    CHECK_STR(thread_in(&s, B)->state, "sleeping");
    CHECK_EQ(counter_in(&s, "m waiters")->value, 0);
    tv_rp_state_free(&s);
    /* at 39 us A is rw's only reader: its owner */
    CHECK_EQ(tv_replay_state(r, us(39), &s), 0);
    k = lock_in(&s, "rw");
    CHECK_STR(k->owner ? k->owner : "(free)", "A");
    CHECK_EQ(k->readers, 1);
    CHECK_EQ(s.nfindings, 1);
    tv_rp_state_free(&s);
    /* at 40 us both released; B's still running, A too (until 50) */
    CHECK_EQ(tv_replay_state(r, us(40), &s), 0);
    CHECK(lock_in(&s, "m")->owner == NULL);
    CHECK(lock_in(&s, "rw")->owner == NULL);
    CHECK_EQ(lock_in(&s, "rw")->readers, 0);
    tv_rp_state_free(&s);
    /* out of range: before anything, nothing started; after, all exited */
    CHECK_EQ(tv_replay_state(r, us(5), &s), 0);
    CHECK_STR(thread_in(&s, A)->state, "");
    CHECK_STR(thread_in(&s, B)->state, "");
    CHECK(lock_in(&s, "m")->owner == NULL);
    CHECK_EQ(counter_in(&s, "m waiters")->known, 0);
    tv_rp_state_free(&s);
    CHECK_STR(state_text(r, us(5)),
              "threads\n  A (tid 1): not started\n  B (tid 2): not started\nlocks\n  rw: free\n  m: free\n"
              "counters\n  m waiters: no value yet");
    CHECK_EQ(tv_replay_state(r, us(47), &s), 0);
    CHECK_STR(thread_in(&s, A)->state, "running");
    CHECK_STR(thread_in(&s, B)->state, "exited");
    CHECK_EQ(thread_in(&s, B)->since, us(45));
    tv_rp_state_free(&s);
    CHECK_EQ(tv_replay_state(r, INT64_MAX, &s), 0);
    CHECK_STR(thread_in(&s, A)->state, "exited");
    CHECK_EQ(counter_in(&s, "m waiters")->value, 0);
    CHECK_EQ(s.nfindings, 1);
    tv_rp_state_free(&s);
    CHECK_EQ(tv_replay_state(r, INT64_MIN, &s), 0);
    CHECK_STR(thread_in(&s, A)->state, "");
    tv_rp_state_free(&s);
    CHECK_HAS(state_text(r, us(60)), "A (tid 1): exited at 40.0 us");

    /* truncation: the length written, at most len - 1 */
    char tiny[8];
    CHECK_EQ(tv_replay_text(r, us(20), tiny, sizeof tiny), 7);
    CHECK_STR(tiny, "threads");
    CHECK_EQ(tv_replay_step_text(r, 0, tiny, sizeof tiny), 7);
    CHECK_EQ(tv_replay_step_text(r, 999, tiny, sizeof tiny), 0);
    CHECK(tv_replay_bytes(r) > 0);
    tv_replay_free(r);
    tv_model_free(m);
}

/* ---- lu.json: the lost update, step by step ---- */

static void lost_update(void) {
    tv_model *m;
    tv_replay *r = replay_of("lu.json", &m);
    if (!r) return;
    uint32_t T1 = lane_of_tid(m, 1), T2 = lane_of_tid(m, 2), T3 = lane_of_tid(m, 3);
    /* pressing "next step" from before the start meets the accesses in time
     * order: T2 reads (the read of its read-modify-write, "prior"), T3
     * reads, T2 writes (two stores, one per finding), T3 writes: the lost
     * update */
    static const struct {
        double ts;
        int64_t tid;
        const char *text;
        const char *t1, *t2, *t3; /* the threads' states there */
    } acc[] = {
        {761.091, 2, "140.632 us  update (tid 2): read of db  [race]", "running", "running", ""},
        {912.377, 3, "291.918 us  update (tid 3): read of db  [race]", "running", "sleeping", "running"},
        {101024.601, 2, "100.404 ms  update (tid 2): write of db  [race]", "joining update", "running", "sleeping"},
        {101026.220, 2, "100.405 ms  update (tid 2): write of db  [race]", "joining update", "running", "sleeping"},
        {101256.226, 3, "100.635 ms  update (tid 3): write of db  [race]", "joining update", "exited", "running"},
    };
    enum { NACC = sizeof acc / sizeof *acc };
    size_t nacc = 0, nsteps = 0;
    int64_t t = m->t0 - 1;
    for (size_t i; (i = tv_replay_seek(r, t, 1, TV_NO_LANE, 0)) != SIZE_MAX;) {
        t = tv_replay_step(r, i)->ts;
        /* every step at this time (the seek gave the first) */
        for (; i < tv_replay_nsteps(r) && tv_replay_step(r, i)->ts == t; i++) {
            const tv_step *s = tv_replay_step(r, i);
            nsteps++;
            if (s->kind != TV_STEP_ACCESS) continue;
            if (nacc >= NACC) {
                nacc++;
                continue;
            }
            CHECK_EQ(s->ts, us(acc[nacc].ts));
            CHECK_EQ(s->lane, lane_of_tid(m, acc[nacc].tid));
            CHECK_STR(step_text(r, i), acc[nacc].text);
            tv_rp_state st = {0};
            CHECK_EQ(tv_replay_state(r, s->ts, &st), 0);
            CHECK_STR(thread_in(&st, T1)->state, acc[nacc].t1);
            CHECK_STR(thread_in(&st, T2)->state, acc[nacc].t2);
            CHECK_STR(thread_in(&st, T3)->state, acc[nacc].t3);
            CHECK_STR(thread_in(&st, T1)->doing ? thread_in(&st, T1)->doing : "(null)", "main");
            if (!strcmp(acc[nacc].t1, "joining update")) {
                CHECK_STR(thread_in(&st, T1)->waits_for ? thread_in(&st, T1)->waits_for : "(null)", "update");
                CHECK_EQ(thread_in(&st, T1)->lock_lane, TV_NO_LANE); /* a thread, not a lock */
            }
            if (strcmp(acc[nacc].t2, "exited"))
                CHECK_STR(thread_in(&st, T2)->doing ? thread_in(&st, T2)->doing : "(null)", "update");
            tv_rp_state_free(&st);
            nacc++;
        }
    }
    CHECK_EQ(nacc, NACC);
    CHECK(nsteps > 20);
    /* the state panel's text at T3's read */
    CHECK_STR(state_text(r, us(912.377)),
              "threads\n"
              "  main (tid 1): running since 3.20 us (in main)\n"
              "  update (tid 2): sleeping since 142 us (in update)\n"
              "  update (tid 3): running since 264 us (in update)");
    /* "running" cut where main() begins is one state: no step there */
    CHECK_EQ(tv_replay_seek(r, m->t0, 1, T1, 0), tv_replay_seek(r, us(661.957), 0, T1, 0) - 1);
    CHECK_HAS(step_text(r, tv_replay_seek(r, m->t0, 1, T1, 0)), "main (tid 1): calls main");

    /* n: the first finding from the start is the first race (id 1), then the second */
    size_t f = tv_replay_seek_finding(r, m->t0, 1);
    CHECK(f != SIZE_MAX);
    if (f != SIZE_MAX) {
        const tv_step *s = tv_replay_step(r, f);
        CHECK_EQ(s->kind, TV_STEP_FINDING);
        CHECK_EQ(s->ts, us(101026.220));
        CHECK_EQ(s->lane, T2);
        CHECK_HAS(step_text(r, f), "update (tid 2): finding: data race on db");
        size_t g = tv_replay_seek_finding(r, s->ts, 1);
        CHECK(g != SIZE_MAX && tv_replay_step(r, g)->ts == us(101256.226));
        CHECK_EQ(tv_replay_seek_finding(r, us(101256.226), 1), SIZE_MAX);
        CHECK_EQ(tv_replay_seek_finding(r, m->t1 + 1, -1), g);
    }
    /* one thread only: T3's steps, and nothing of the others */
    t = m->t0 - 1;
    size_t n3 = 0;
    for (size_t i; (i = tv_replay_seek(r, t, 1, T3, 0)) != SIZE_MAX; t = tv_replay_step(r, i)->ts, n3++)
        CHECK(tv_replay_step(r, i)->lane == T3 || tv_replay_step(r, i)->thread == T3);
    CHECK(n3 >= 5);
    /* out of range */
    CHECK_EQ(tv_replay_seek(r, m->t1, 1, TV_NO_LANE, 1), SIZE_MAX);
    CHECK_EQ(tv_replay_seek(r, m->t0, -1, TV_NO_LANE, 1), SIZE_MAX);
    CHECK_EQ(tv_replay_seek(r, m->t0 - 1, 1, TV_NO_LANE, 1), 0);
    CHECK_EQ(tv_replay_seek(r, m->t1 + 1, -1, TV_NO_LANE, 1), tv_replay_nsteps(r) - 1);
    tv_rp_state st = {0};
    CHECK_EQ(tv_replay_state(r, m->t0 - 1000, &st), 0);
    for (size_t i = 0; i < st.nthreads; i++) CHECK_STR(st.threads[i].state, "");
    CHECK_EQ(st.nfindings, 0);
    tv_rp_state_free(&st);
    CHECK_EQ(tv_replay_state(r, m->t1 + 1000, &st), 0);
    for (size_t i = 0; i < st.nthreads; i++) CHECK_STR(st.threads[i].state, "exited");
    CHECK_EQ(st.nfindings, 2);
    tv_rp_state_free(&st);
    tv_replay_free(r);
    tv_model_free(m);
}

/* ---- ph.json: five philosophers, each holding one fork and waiting for the next ---- */

static void philosophers(void) {
    tv_model *m;
    tv_replay *r = replay_of("ph.json", &m);
    if (!r) return;
    /* the first finding is the inversion, at the same moment the deadlock */
    size_t f = tv_replay_seek_finding(r, m->t0, 1);
    CHECK(f != SIZE_MAX);
    if (f == SIZE_MAX) goto out;
    const tv_step *s = tv_replay_step(r, f);
    CHECK_EQ(s->ts, us(794.784));
    CHECK_HAS(step_text(r, f), "philosopher (tid 5): finding: lock order inversion");
    CHECK(f + 1 < tv_replay_nsteps(r) && tv_replay_step(r, f + 1)->kind == TV_STEP_FINDING);
    CHECK_HAS(step_text(r, f + 1), "finding: deadlock: philosopher (T5) waiting for forks+0xa0");
    CHECK_EQ(tv_replay_seek_finding(r, s->ts, 1), SIZE_MAX); /* both at one time */

    tv_rp_state st = {0};
    CHECK_EQ(tv_replay_state(r, s->ts, &st), 0);
    CHECK_EQ(st.nthreads, 6);
    CHECK_EQ(st.nlocks, 5);
    CHECK_EQ(st.nfindings, 2);
    int waiting = 0;
    for (size_t i = 0; i < st.nthreads; i++) {
        const tv_rp_thread *th = &st.threads[i];
        if (th->tid == 1) {
            CHECK_STR(th->state, "joining philosopher");
            continue;
        }
        CHECK_MSG(!strncmp(th->state, "waiting for forks", 17), "tid %lld: %s", (long long)th->tid, th->state);
        CHECK(th->waits_for && !strncmp(th->waits_for, "forks", 5));
        CHECK(th->lock_lane != TV_NO_LANE);
        waiting++;
    }
    CHECK_EQ(waiting, 5);
    /* each fork: one owner, one waiter, not the same; the owner of what
     * tid N waits for is tid N + 1 (tid 6's: tid 2) */
    for (size_t i = 0; i < st.nlocks; i++) {
        const tv_rp_lock *k = &st.locks[i];
        CHECK_MSG(k->owner != NULL, "%s has no owner", k->name);
        CHECK_EQ(k->nwaiters, 1);
        CHECK(k->owner_lane != TV_NO_LANE);
        if (k->nwaiters != 1 || k->owner_lane == TV_NO_LANE) continue;
        CHECK(k->waiters[0] != k->owner_lane);
        int64_t waiter = m->lanes[k->waiters[0]].tid;
        CHECK_EQ(k->owner_tid, waiter == 6 ? 2 : waiter + 1);
        CHECK_STR(k->owner, "philosopher");
    }
    CHECK_EQ(counter_in(&st, "forks waiters")->value, 1);
    CHECK_EQ(counter_in(&st, "forks+0xa0 waiters")->value, 1);
    tv_rp_state_free(&st);
    const char *txt = state_text(r, s->ts);
    CHECK_HAS(txt, "  philosopher (tid 2): waiting for forks+0x28, held by philosopher (tid 3), since 346 us\n");
    CHECK_HAS(txt, "  forks: held by philosopher (tid 2); waiting: philosopher (tid 6)\n");
    CHECK_HAS(txt, "  forks+0x28: held by philosopher (tid 3); waiting: philosopher (tid 2)\n");
    /* the holds' steps name their thread by tid, though all share a name */
    size_t h = tv_replay_seek(r, m->t0 - 1, 1, lane_named(m, "forks+0x28"), 0);
    CHECK(h != SIZE_MAX);
    if (h != SIZE_MAX) {
        CHECK_EQ(tv_replay_step(r, h)->kind, TV_STEP_HOLD);
        CHECK_EQ(tv_replay_step(r, h)->thread, lane_of_tid(m, 3));
        CHECK_HAS(step_text(r, h), "philosopher (tid 3): locks forks+0x28");
    }
    /* before anyone waits: no waiter counter value, a free fork */
    CHECK_EQ(tv_replay_state(r, us(500), &st), 0);
    CHECK_EQ(counter_in(&st, "forks waiters")->known, 0);
    CHECK(lock_in(&st, "forks")->owner == NULL);
    CHECK_STR(thread_in(&st, lane_of_tid(m, 2))->state, "");
    tv_rp_state_free(&st);
    /* a waiting step names the owner of the lock right then */
    size_t w = tv_replay_seek(r, us(781), 1, lane_of_tid(m, 2), 0);
    CHECK(w != SIZE_MAX);
    if (w != SIZE_MAX) CHECK_HAS(step_text(r, w), "philosopher (tid 2): waiting for forks+0x28, held by philosopher (tid 3)");
out:
    tv_replay_free(r);
    tv_model_free(m);
}

/* The holders' tids are read again from the file: also when it was touched
 * since the load (the checked reader), and not at all from a buffer (the
 * owner is then only known by name). */
static void philosophers_reread(void) {
    char src[1024], path[1024];
    snprintf(src, sizeof src, "%s/ph.json", fixtures);
    snprintf(path, sizeof path, "%s/ph_touched.json", tmpdir);
    FILE *f = fopen(src, "rb"), *g = fopen(path, "wb");
    static char data[1 << 16];
    size_t len = f ? fread(data, 1, sizeof data, f) : 0;
    CHECK(f && g && len > 0 && len < sizeof data && fwrite(data, 1, len, g) == len);
    if (f) fclose(f);
    if (g) fclose(g);
    tv_model *m = load_path(path);
    if (!m) return;
    struct timespec ts[2] = {{0, UTIME_OMIT}, {12345, 0}};
    CHECK_EQ(utimensat(AT_FDCWD, path, ts, 0), 0);
    tv_replay *r = tv_replay_new(m);
    CHECK(r != NULL);
    if (r) {
        size_t h = tv_replay_seek(r, m->t0 - 1, 1, lane_named(m, "forks+0x28"), 0);
        CHECK(h != SIZE_MAX && tv_replay_step(r, h)->thread == lane_of_tid(m, 3));
        CHECK_HAS(state_text(r, us(794.784)), "  forks+0x28: held by philosopher (tid 3); waiting: philosopher (tid 2)\n");
    }
    tv_replay_free(r);
    tv_model_free(m);
    remove(path);

    char err[256];
    m = tv_load_buffer("ph.json", data, len, NULL, err, sizeof err);
    CHECK(m != NULL);
    if (!m) return;
    r = tv_replay_new(m);
    CHECK(r != NULL);
    if (r) {
        size_t h = tv_replay_seek(r, m->t0 - 1, 1, lane_named(m, "forks+0x28"), 0);
        CHECK(h != SIZE_MAX && tv_replay_step(r, h)->thread == TV_NO_LANE);
        CHECK_HAS(step_text(r, h), "philosopher: locks forks+0x28");
        tv_rp_state st = {0};
        CHECK_EQ(tv_replay_state(r, us(794.784), &st), 0);
        const tv_rp_lock *k = lock_in(&st, "forks+0x28");
        CHECK_STR(k->owner ? k->owner : "(free)", "philosopher");
        CHECK_EQ(k->owner_tid, -1);
        CHECK_EQ(k->owner_lane, TV_NO_LANE);
        CHECK_EQ(k->nwaiters, 1);
        tv_rp_state_free(&st);
        CHECK_HAS(state_text(r, us(794.784)), "  forks+0x28: held by philosopher; waiting: philosopher (tid 2)\n");
    }
    tv_replay_free(r);
    tv_model_free(m);
}

/* ---- pm.json: a pool of three, its queued and busy counters ---- */

static void pool_map(void) {
    tv_model *m;
    tv_replay *r = replay_of("pm.json", &m);
    if (!r) return;
    uint32_t w0 = lane_named(m, "executor worker 0"), main_ = lane_of_tid(m, 1);
    static const struct {
        double ts;
        int queued_known, busy_known;
        double queued, busy;
    } at[] = {
        {560.0, 0, 0, 0, 0},         {560.764, 1, 0, 1, 0}, {561.5, 1, 0, 3, 0},
        {627.799, 1, 1, 2, 1},       {700.0, 1, 1, 0, 3},   {200840.0, 1, 1, 0, 2},
        {200872.591, 1, 1, 0, 0},    {1e9, 1, 1, 0, 0},
    };
    for (size_t i = 0; i < sizeof at / sizeof *at; i++) {
        tv_rp_state st = {0};
        CHECK_EQ(tv_replay_state(r, us(at[i].ts), &st), 0);
        const tv_rp_counter *q = counter_in(&st, "executor queued"), *b = counter_in(&st, "executor busy");
        CHECK_MSG(q->known == at[i].queued_known && q->value == at[i].queued, "at %.3f us: queued %d %g",
                  at[i].ts, q->known, q->value);
        CHECK_MSG(b->known == at[i].busy_known && b->value == at[i].busy, "at %.3f us: busy %d %g", at[i].ts,
                  b->known, b->value);
        tv_rp_state_free(&st);
    }
    tv_rp_state st = {0};
    CHECK_EQ(tv_replay_state(r, us(700), &st), 0);
    CHECK_STR(thread_in(&st, w0)->state, "sleeping");
    CHECK_STR(thread_in(&st, w0)->doing ? thread_in(&st, w0)->doing : "(null)", "thread_function");
    CHECK_STR(thread_in(&st, main_)->state, "waiting for thread_function");
    CHECK_EQ(thread_in(&st, main_)->lock_lane, TV_NO_LANE);
    tv_rp_state_free(&st);
    CHECK_EQ(tv_replay_state(r, us(200880), &st), 0);
    CHECK_STR(thread_in(&st, w0)->state, "idle in executor");
    CHECK_STR(thread_in(&st, w0)->waits_for ? thread_in(&st, w0)->waits_for : "(null)", "executor");
    CHECK(thread_in(&st, w0)->doing == NULL);
    tv_rp_state_free(&st);
    CHECK_HAS(state_text(r, us(700)), "  executor busy = 3");
    /* the worker's task, as a step; counter steps only when the value changes */
    size_t k = tv_replay_seek(r, us(627), 1, w0, 0);
    int task = 0;
    for (; k != SIZE_MAX; k = tv_replay_seek(r, tv_replay_step(r, k)->ts, 1, w0, 0))
        for (size_t j = k; j < tv_replay_nsteps(r) && tv_replay_step(r, j)->ts == tv_replay_step(r, k)->ts; j++)
            if (strstr(step_text(r, j), "executor worker 0 (tid 2): runs task thread_function")) task++;
    CHECK_EQ(task, 1);
    int qsteps = 0;
    uint32_t q = lane_named(m, "executor queued");
    for (size_t i = tv_replay_seek(r, m->t0 - 1, 1, q, 1); i != SIZE_MAX;
         i = tv_replay_seek(r, tv_replay_step(r, i)->ts, 1, q, 1))
        qsteps++;
    CHECK_EQ(qsteps, 6); /* 1 2 3 2 1 0 */
    tv_replay_free(r);
    tv_model_free(m);
}

/* ---- a generated lock-heavy trace: size per step, lanes consistent ---- */

/* A copy of the trace at from where every "worker N" is called "worker":
 * threads that share their name, as a pool's default-named workers do. */
static int share_names(const char *from, const char *to) {
    FILE *f = fopen(from, "rb"), *g = fopen(to, "wb");
    int c, bad = !f || !g;
    static const char pat[] = "\"worker ";
    size_t k = 0; /* characters of pat matched and held back */
    while (!bad && (c = getc(f)) != EOF) {
        if (k < sizeof pat - 1) {
            if (c == pat[k]) {
                k++;
                continue;
            }
            fwrite(pat, 1, k, g);
            k = 0;
            if (c == pat[0]) {
                k = 1;
                continue;
            }
            putc(c, g);
        } else if (c < '0' || c > '9') { /* the number is dropped */
            fputs("\"worker", g);
            k = 0;
            putc(c, g);
        }
    }
    if (f) fclose(f);
    if (g && fclose(g)) bad = 1;
    return bad ? -1 : 0;
}

static void big_trace(void) {
    char path[1024], shared[1024];
    snprintf(path, sizeof path, "%s/big.json", tmpdir);
    snprintf(shared, sizeof shared, "%s/big_shared.json", tmpdir);
    tv_bench_file bf;
    CHECK_EQ(tv_bench_generate(path, 200000, &bf), 0);
    CHECK_EQ(share_names(path, shared), 0);
    tv_model *m = load_path(path), *m2 = load_path(shared);
    tv_replay *r = m ? tv_replay_new(m) : NULL, *r2 = m2 ? tv_replay_new(m2) : NULL;
    CHECK(r != NULL && r2 != NULL);
    if (r && r2) {
        size_t n = tv_replay_nsteps(r);
        double per = (double)tv_replay_bytes(r) / (double)(n ? n : 1);
        printf("big: %llu events, %zu steps, %.1f bytes a step\n", (unsigned long long)bf.events, n, per);
        CHECK(n > bf.events / 2);
        CHECK_MSG(per <= 44, "%.1f bytes a step", per);
        check_steps(m, r);
        /* with or without shared names, every hold has the same holder */
        CHECK_EQ(tv_replay_nsteps(r2), n);
        CHECK_EQ(m2->lanes[lane_of_tid(m2, 2)].name, m2->lanes[lane_of_tid(m2, 3)].name);
        size_t holds = 0, same = 0;
        for (size_t i = 0; i < n && i < tv_replay_nsteps(r2); i++) {
            const tv_step *a = tv_replay_step(r, i), *b = tv_replay_step(r2, i);
            if (a->kind != TV_STEP_HOLD && a->kind != TV_STEP_RELEASE) continue;
            holds++;
            if (a->thread < m->nlanes && b->thread < m2->nlanes && m->lanes[a->thread].tid == m2->lanes[b->thread].tid)
                same++;
        }
        CHECK(holds > 1000);
        CHECK_EQ(same, holds);
        /* every lock's waiters wait for it */
        tv_rp_state st = {0};
        for (int k = 1; k < 8; k++) {
            int64_t t = m->t0 + (m->t1 - m->t0) / 8 * k;
            CHECK_EQ(tv_replay_state(r, t, &st), 0);
            for (size_t i = 0; i < st.nlocks; i++)
                for (uint32_t w = 0; w < st.locks[i].nwaiters; w++) {
                    const tv_rp_thread *th = thread_in(&st, st.locks[i].waiters[w]);
                    CHECK(th->waits_for && !strcmp(th->waits_for, st.locks[i].name));
                }
            tv_rp_state_free(&st);
        }
    }
    tv_replay_free(r);
    tv_replay_free(r2);
    tv_model_free(m);
    tv_model_free(m2);
    remove(path);
    remove(shared);
}

static int dump(const char *path) {
    tv_model *m = load_path(path);
    if (!m) return 1;
    tv_replay *r = tv_replay_new(m);
    if (!r) return 1;
    for (size_t i = 0; i < tv_replay_nsteps(r); i++) {
        printf("[%zu] %s\n", i, step_text(r, i));
        if (i + 1 == tv_replay_nsteps(r) || tv_replay_step(r, i + 1)->ts != tv_replay_step(r, i)->ts)
            printf("%s\n\n", state_text(r, tv_replay_step(r, i)->ts));
    }
    printf("%zu steps, %zu bytes\n", tv_replay_nsteps(r), tv_replay_bytes(r));
    tv_replay_free(r);
    tv_model_free(m);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "dump")) return dump(argv[2]);
    if (argc < 4) {
        fprintf(stderr, "usage: test_replay GROUP FIXTURES_DIR TMP_DIR | test_replay dump TRACE\n");
        return 2;
    }
    const char *group = argv[1];
    fixtures = argv[2];
    tmpdir = argv[3];
    mkdir(tmpdir, 0777);
    int all = !strcmp(group, "all");
    if (all || !strcmp(group, "small")) TEST_RUN(small_trace);
    if (all || !strcmp(group, "lu")) TEST_RUN(lost_update);
    if (all || !strcmp(group, "ph")) {
        TEST_RUN(philosophers);
        TEST_RUN(philosophers_reread);
    }
    if (all || !strcmp(group, "pm")) TEST_RUN(pool_map);
    if (all || !strcmp(group, "big")) TEST_RUN(big_trace);
    return TEST_DONE();
}
