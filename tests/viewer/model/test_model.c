/*
 * test_model.c — the loader and model on hand-written traces (traces/):
 * a threadlens trace, a foreign Chrome trace, truncated files, malformed
 * files (each with its exact error line), the two-thread split, re-reading
 * events, and a real trace from tl_demo. Every model loaded is also checked
 * against tv_model.h's invariants (tv_check.c).
 *
 *   test_model GROUP TRACES_DIR TMP_DIR [DEMO_TRACE]
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tv_check.h"
#include "tl_test.h"
#include "tv_load.h"

static const char *traces, *tmpdir;




static char *path_of(const char *dir, const char *name) {
    static char buf[4][1024];
    static int i;
    char *p = buf[i++ % 4];
    snprintf(p, sizeof buf[0], "%s/%s", dir, name);
    return p;
}

static tv_model *load_opts(const char *path, int threads) {
    char err[512];
    tv_load_opts o = {NULL, NULL, threads};
    tv_model *m = tv_load(path, &o, err, sizeof err);
    if (!m) {
        fprintf(stderr, "load %s: %s\n", path, err);
        tl_test_failures++;
        return NULL;
    }
    const char *bad = tv_check_model(m);
    if (bad) {
        fprintf(stderr, "%s: model invariant broken: %s\n", path, bad);
        tl_test_failures++;
    }
    return m;
}

static tv_model *load(const char *name) {
    return load_opts(path_of(traces, name), 0);
}

static const tv_lane *lane_named(const tv_model *m, const char *name) {
    for (uint32_t i = 0; i < m->nlanes; i++)
        if (!strcmp(tv_model_str(m, m->lanes[i].name), name)) return &m->lanes[i];
    fprintf(stderr, "no lane named \"%s\"\n", name);
    tl_test_failures++;
    static tv_lane none;
    return &none;
}

static uint32_t lane_index(const tv_model *m, const tv_lane *l) {
    return (uint32_t)(l - m->lanes);
}

/* Slice i of row d, or a zeroed slice (and a failure) when absent. */
static const tv_slice *slice(const tv_lane *l, uint32_t d, size_t i) {
    static tv_slice none;
    if (d >= l->nrows || i >= l->rows[d].n) {
        fprintf(stderr, "no slice %zu in row %u\n", i, d);
        tl_test_failures++;
        return &none;
    }
    return &l->rows[d].s[i];
}

#define CHECK_SLICE(m, s, ts_, dur_, name_, flags_) \
    do {                                            \
        const tv_slice *s_ = (s);                   \
        CHECK_EQ(s_->ts, ts_);                      \
        CHECK_EQ(s_->dur, dur_);                    \
        CHECK_STR(tv_model_str(m, s_->name), name_); \
        CHECK_EQ(s_->flags, flags_);                \
    } while (0)

/* ---- a threadlens trace ---- */

static void threadlens_trace(void) {
    tv_model *m = load("threadlens.json");
    if (!m) return;
    CHECK_EQ(m->stats.events, 33);
    CHECK_EQ(m->stats.summary_events, 31);
    CHECK_EQ(m->stats.dropped, 3);
    CHECK_EQ(m->stats.threadlens, 1);
    CHECK_EQ(m->stats.truncated, 0);
    CHECK_EQ(m->stats.unknown_phase, 0);
    CHECK_EQ(m->stats.unmatched, 0);
    CHECK_EQ(m->stats.clamped, 0);
    CHECK_EQ(m->stats.joined, 2);
    CHECK_EQ(m->stats.by_phase['X'], 9);
    CHECK_EQ(m->stats.by_phase['M'], 8);
    CHECK_EQ(m->t0, 5000);
    CHECK_EQ(m->t1, 60000);
    CHECK_EQ(m->nprocs, 1);
    CHECK_EQ(m->procs[0].pid, 100);
    CHECK_STR(tv_model_str(m, m->procs[0].name), "bank");
    CHECK_EQ(m->nlanes, 6);
    CHECK_EQ(m->procs[0].nlanes, 6);

    /* display order: threads by sort index (the worker's metadata came
     * first), then locks by first appearance, then counters */
    static const char *const order[] = {"thread@bank.c:5", "worker", "account", "ledger",
                                        "account waiters", "threadlens dropped events"};
    static const int kinds[] = {TV_LANE_THREAD, TV_LANE_THREAD, TV_LANE_ASYNC,
                                TV_LANE_ASYNC, TV_LANE_COUNTER, TV_LANE_COUNTER};
    for (int i = 0; i < 6 && i < (int)m->procs[0].nlanes; i++) {
        const tv_lane *l = &m->lanes[m->procs[0].lanes[i]];
        CHECK_STR(tv_model_str(m, l->name), order[i]);
        CHECK_EQ(l->kind, kinds[i]);
    }

    const tv_lane *main_ = lane_named(m, "thread@bank.c:5");
    CHECK_EQ(main_->tid, 1);
    CHECK_EQ(main_->sort_index, 1);
    CHECK_EQ(main_->nrows, 2);
    if (main_->nrows == 2) {
        CHECK_EQ(main_->rows[0].n, 2);
        CHECK_EQ(main_->rows[1].n, 3);
    }
    /* the phase's two pieces are one slice again; the running pieces too */
    CHECK_SLICE(m, slice(main_, 0, 0), 10000, 40000, "setup", TV_SLICE_JOINED);
    CHECK_STR(tv_model_str(m, slice(main_, 0, 0)->cat), "phase");
    /* a piece after the phase ended is on another row: not joined */
    CHECK_SLICE(m, slice(main_, 0, 1), 50000, 10000, "running", 0);
    CHECK_SLICE(m, slice(main_, 1, 0), 10000, 25000, "running", TV_SLICE_JOINED);
    CHECK_SLICE(m, slice(main_, 1, 1), 35000, 10000, "waiting for account", 0);
    CHECK_SLICE(m, slice(main_, 1, 2), 45000, 5000, "running", TV_SLICE_FLOW_IN);
    CHECK_EQ(slice(main_, 1, 0)->src_end, TV_SRC_NONE);
    CHECK_EQ(main_->nmarks, 2);
    if (main_->nmarks == 2) {
        CHECK_STR(tv_model_str(m, main_->marks[0].name), "checkpoint");
        CHECK_EQ(main_->marks[0].ts, 40000);
        CHECK_EQ(main_->marks[0].finding, 0);
        CHECK_STR(tv_model_str(m, main_->marks[1].name), "misuse");
        CHECK_EQ(main_->marks[1].finding, 1);
        CHECK_EQ(main_->marks[1].lane, lane_index(m, main_));
    }

    const tv_lane *worker = lane_named(m, "worker");
    CHECK_EQ(worker->nrows, 2);
    CHECK_SLICE(m, slice(worker, 0, 0), 5000, 55000, "running", 0);
    CHECK_SLICE(m, slice(worker, 1, 0), 44999, 0, "unlock account", TV_SLICE_FLOW_OUT);

    CHECK_EQ(m->nflows, 1);
    if (m->nflows == 1) {
        const tv_flow *f = &m->flows[0];
        CHECK_EQ(f->ts0, 44999);
        CHECK_EQ(f->ts1, 45000);
        CHECK_EQ(f->lane0, lane_index(m, worker));
        CHECK_EQ(f->lane1, lane_index(m, main_));
        CHECK_EQ(f->depth0, 1);
        CHECK_EQ(f->depth1, 1);
        CHECK_STR(tv_model_str(m, f->name), "unlock account");
    }

    const tv_lane *account = lane_named(m, "account");
    CHECK_EQ(account->flags, TV_LANE_LOCK);
    CHECK_EQ(account->nrows, 1);
    CHECK_SLICE(m, slice(account, 0, 0), 12000, 32999, "account", 0);
    CHECK_STR(tv_model_str(m, slice(account, 0, 0)->label), "worker");
    CHECK_SLICE(m, slice(account, 0, 1), 45000, 3000, "account", 0);
    CHECK_STR(tv_model_str(m, slice(account, 0, 1)->label), "main");
    CHECK(slice(account, 0, 1)->src_end != TV_SRC_NONE);

    /* overlapping read holds need a second row */
    const tv_lane *ledger = lane_named(m, "ledger");
    CHECK_EQ(ledger->nrows, 2);
    CHECK_SLICE(m, slice(ledger, 0, 0), 20000, 20000, "ledger", TV_SLICE_READ);
    CHECK_SLICE(m, slice(ledger, 0, 1), 50000, 5000, "ledger", 0);
    CHECK_SLICE(m, slice(ledger, 1, 0), 25000, 17000, "ledger", TV_SLICE_READ);
    CHECK_STR(tv_model_str(m, slice(ledger, 1, 0)->label), "worker");

    const tv_lane *waiters = lane_named(m, "account waiters");
    CHECK_EQ(waiters->nsamples, 2);
    if (waiters->nsamples == 2) {
        CHECK_EQ(waiters->samples[0].ts, 35000);
        CHECK(waiters->samples[0].value == 1);
        CHECK(waiters->samples[1].value == 0);
        CHECK(waiters->vmin == 0 && waiters->vmax == 1);
        CHECK(waiters->lod && waiters->lod[0].min == 0 && waiters->lod[0].max == 1);
    }

    CHECK_EQ(m->ngmarks, 1);
    if (m->ngmarks == 1) {
        CHECK_STR(tv_model_str(m, m->gmarks[0].name), "epoch");
        CHECK_EQ(m->gmarks[0].scope, TV_SCOPE_PROCESS);
        CHECK_EQ(m->gmarks[0].pid, 100);
    }
    CHECK_EQ(m->nfindings, 1);
    if (m->nfindings == 1) {
        CHECK_STR(tv_model_str(m, m->findings[0].kind), "misuse");
        const tv_mark *fm = &m->findings_marks[m->findings[0].mark];
        CHECK_EQ(fm->ts, 47000);
        CHECK_EQ(fm->lane, lane_index(m, main_));
    }
    CHECK_EQ(m->nobjects, 2);
    if (m->nobjects == 2) {
        CHECK_EQ(m->objects[0].id, 1);
        CHECK_STR(tv_model_str(m, m->objects[0].kind), "mutex");
        CHECK_STR(tv_model_str(m, m->objects[0].name), "account");
        CHECK_STR(tv_model_str(m, m->objects[0].addr), "0x10");
        CHECK_STR(tv_model_str(m, m->objects[0].created_at), "bank.c:12");
        CHECK_STR(tv_model_str(m, m->objects[1].kind), "rwlock");
    }
    CHECK(tv_model_find_str(m, "ledger") != 0);
    CHECK_EQ(tv_model_find_str(m, "never in the trace"), 0);
    CHECK(tv_model_bytes(m) > 6 * sizeof(tv_lane));

    /* the row helpers */
    const tv_row *r = &main_->rows[1];
    CHECK_EQ(tv_row_first_ending_after(r, 0), 0);
    CHECK_EQ(tv_row_first_ending_after(r, 35000), 1);
    CHECK_EQ(tv_row_first_ending_after(r, 34999), 0);
    CHECK_EQ(tv_row_first_ending_after(r, 50000), 3);
    CHECK_EQ(tv_row_first_starting_at(r, 35000), 1);
    CHECK_EQ(tv_row_first_starting_at(r, 35001), 2);
    CHECK_EQ(tv_row_first_starting_at(r, 99999), 3);
    tv_model_free(m);
}

/* ---- tv_model_event ---- */

static int copy_file(const char *from, const char *to) {
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    if (!a || !b) {
        if (a) fclose(a);
        if (b) fclose(b);
        return -1;
    }
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, a)) > 0) fwrite(buf, 1, n, b);
    fclose(a);
    return fclose(b);
}

static int append_text(const char *path, const char *text) {
    FILE *f = fopen(path, "ab");
    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

static void write_file(const char *path, const char *data, size_t len);

static void event_rereads(void) {
    const char *copy = path_of(tmpdir, "reread.json");
    CHECK(copy_file(path_of(traces, "threadlens.json"), copy) == 0);
    tv_model *m = load_opts(copy, 1);
    if (!m) return;
    const tv_lane *main_ = lane_named(m, "thread@bank.c:5");
    const tv_slice *s = slice(main_, 1, 1); /* waiting for account */
    cJSON *e = tv_model_event(m, s->src);
    CHECK(e != NULL);
    if (e) {
        CHECK_STR(cJSON_GetObjectItem(e, "name")->valuestring, "waiting for account");
        cJSON *args = cJSON_GetObjectItem(e, "args");
        CHECK(args && cJSON_IsString(cJSON_GetObjectItem(args, "at")));
        if (args) CHECK_STR(cJSON_GetObjectItem(args, "at")->valuestring, "bank.c:23");
        cJSON_Delete(e);
    }
    /* a lock hold's end event */
    const tv_lane *account = lane_named(m, "account");
    e = tv_model_event(m, slice(account, 0, 1)->src_end);
    CHECK(e != NULL);
    if (e) {
        cJSON *args = cJSON_GetObjectItem(e, "args");
        CHECK(args && cJSON_IsString(cJSON_GetObjectItem(args, "released_at")));
        if (args) CHECK_STR(cJSON_GetObjectItem(args, "released_at")->valuestring, "bank.c:24");
        cJSON_Delete(e);
    }
    CHECK(tv_model_event(m, TV_SRC_NONE) == NULL);
    /* the finding's args */
    if (m->nfindings) {
        e = tv_model_event(m, m->findings_marks[0].src);
        CHECK(e != NULL);
        if (e) {
            cJSON *msg = cJSON_GetObjectItem(cJSON_GetObjectItem(e, "args"), "message");
            CHECK(cJSON_IsString(msg));
            if (cJSON_IsString(msg)) CHECK_STR(msg->valuestring, "unlock of a mutex not held");
            cJSON_Delete(e);
        }
    }
    /* the file grew (a trace still being written): still re-read */
    CHECK(append_text(copy, "\n") == 0);
    e = tv_model_event(m, s->src);
    CHECK(e != NULL);
    cJSON_Delete(e);
    /* replaced by another file (new inode): no re-reading of stale offsets */
    const char *other = path_of(tmpdir, "reread2.json");
    CHECK(copy_file(path_of(traces, "threadlens.json"), other) == 0);
    CHECK(rename(other, copy) == 0);
    CHECK(tv_model_event(m, s->src) == NULL);
    /* findings are kept by the loader: answered even now */
    if (m->nfindings) {
        e = tv_model_event(m, m->findings_marks[0].src);
        CHECK(e != NULL);
        cJSON_Delete(e);
    }
    tv_model_free(m);

    /* a buffer's model re-reads only from a real file with the same content */
    char err[256];
    const char *small = "[{\"ph\":\"i\",\"ts\":1,\"name\":\"x\"}]";
    tv_model *b = tv_load_buffer("no/such/file.json", small, strlen(small), NULL, err, sizeof err);
    CHECK(b != NULL);
    if (b) {
        CHECK_EQ(b->lanes[0].nmarks, 1);
        if (b->lanes[0].nmarks) CHECK(tv_model_event(b, b->lanes[0].marks[0].src) == NULL);
        tv_model_free(b);
    }
    /* but a finding it answers from the loader's copy */
    const char *fnd = "[{\"ph\":\"i\",\"ts\":1,\"name\":\"x\",\"cat\":\"finding\",\"args\":{\"id\":4}}]";
    b = tv_load_buffer("no/such/file.json", fnd, strlen(fnd), NULL, err, sizeof err);
    CHECK(b != NULL);
    if (b) {
        CHECK_EQ(b->nfindings, 1);
        cJSON *fe = b->nfindings ? tv_model_event(b, b->findings_marks[0].src) : NULL;
        CHECK(fe != NULL);
        if (fe) CHECK_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(fe, "args"), "id")->valuedouble, 4);
        cJSON_Delete(fe);
        tv_model_free(b);
    }
}

/* ---- re-reading a trace that is still being written ---- */

/* Every event the model points at can be re-read: 0, or how many cannot. */
static int reread_all(const tv_model *m) {
    int bad = 0;
    tv_event_reader *rd = tv_event_reader_open(m);
    CHECK(rd != NULL);
#define TRY(src)                                    \
    do {                                            \
        tv_src s_ = (src);                          \
        if (s_ == TV_SRC_NONE) break;               \
        cJSON *e_ = tv_event_reader_get(rd, s_);    \
        if (!e_) bad++;                             \
        cJSON_Delete(e_);                           \
    } while (0)
    for (uint32_t i = 0; i < m->nlanes; i++) {
        const tv_lane *l = &m->lanes[i];
        for (uint32_t d = 0; d < l->nrows; d++)
            for (size_t k = 0; k < l->rows[d].n; k++) {
                TRY(l->rows[d].s[k].src);
                TRY(l->rows[d].s[k].src_end);
            }
        for (size_t k = 0; k < l->nmarks; k++) TRY(l->marks[k].src);
    }
    for (size_t k = 0; k < m->ngmarks; k++) TRY(m->gmarks[k].src);
    for (size_t k = 0; k < m->nflows; k++) TRY(m->flows[k].src);
#undef TRY
    tv_event_reader_close(rd);
    return bad;
}

/* A hand-written prefix of a trace, with what threadlens.json lacks: B/E
 * (one child clamped to its parent), v1 flows, async instants, I marks. */
static const char live_head[] =
    "[\n"
    "{\"ph\":\"B\",\"pid\":1,\"tid\":1,\"ts\":1,\"name\":\"outer\"},\n"
    "{\"ph\":\"B\",\"pid\":1,\"tid\":1,\"ts\":2,\"name\":\"inner\"},\n"
    "{\"ph\":\"s\",\"pid\":1,\"tid\":1,\"ts\":2.5,\"name\":\"hop\",\"cat\":\"f\",\"id\":9},\n"
    "{\"ph\":\"E\",\"pid\":1,\"tid\":1,\"ts\":5},\n"
    "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":3,\"dur\":9,\"name\":\"long child\"},\n"
    "{\"ph\":\"E\",\"pid\":1,\"tid\":1,\"ts\":8},\n"
    "{\"ph\":\"t\",\"pid\":1,\"tid\":2,\"ts\":6,\"name\":\"hop\",\"cat\":\"f\",\"id\":9},\n"
    "{\"ph\":\"f\",\"pid\":1,\"tid\":2,\"ts\":7,\"name\":\"hop\",\"cat\":\"f\",\"id\":9},\n"
    "{\"ph\":\"X\",\"pid\":1,\"tid\":2,\"ts\":5,\"dur\":4,\"name\":\"work\"},\n"
    "{\"ph\":\"n\",\"pid\":1,\"tid\":2,\"ts\":6,\"cat\":\"io\",\"name\":\"req\",\"id\":3},\n"
    "{\"ph\":\"I\",\"pid\":1,\"tid\":2,\"ts\":7,\"s\":\"g\",\"name\":\"global\"},\n"
    "{\"ph\":\"i\",\"pid\":1,\"tid\":2,\"ts\":8,\"s\":\"t\",\"cat\":\"finding\",\"name\":\"misuse\",\"args\":{\"finding\":\"misuse\",\"message\":\"kept\"}},\n"
    "{\"ph\":\"B\",\"pid\":1,\"tid\":3,\"ts\":1,\"name\":\"b/e child\"},\n"
    "{\"ph\":\"E\",\"pid\":1,\"tid\":3,\"ts\":6},\n"
    "{\"ph\":\"X\",\"pid\":1,\"tid\":3,\"ts\":0,\"dur\":4,\"name\":\"parent\"},\n";

/* The trace grows after the load, the writer appending whole lines: every
 * event the model holds is still re-read. Rewritten in place (same inode),
 * the events no longer where the model read them are refused. */
static void live_file(void) {
    const char *path = path_of(tmpdir, "live.json");
    write_file(path, live_head, sizeof live_head - 1);
    tv_model *m = load_opts(path, 1);
    if (!m) return;
    CHECK_EQ(m->stats.truncated, 1);
    CHECK_EQ(m->stats.clamped, 2);
    CHECK_EQ(m->nflows, 2);
    CHECK_EQ(m->nfindings, 1);
    CHECK_EQ(reread_all(m), 0);
    CHECK(append_text(path, "{\"ph\":\"X\",\"pid\":1,\"tid\":2,\"ts\":20,\"dur\":1,\"name\":\"later\"},\n") == 0);
    CHECK_EQ(reread_all(m), 0);
    cJSON *e = tv_model_event(m, slice(lane_named(m, "thread 1"), 2, 0)->src); /* long child */
    CHECK(e && cJSON_IsNumber(cJSON_GetObjectItem(e, "dur")));
    cJSON_Delete(e);
    /* the E of a slice clamped to its parent (its end is not the E's time) */
    const tv_slice *be = slice(lane_named(m, "thread 3"), 1, 0);
    CHECK_EQ(be->ts + be->dur, 4000);
    e = tv_model_event(m, be->src_end);
    CHECK(e && cJSON_IsString(cJSON_GetObjectItem(e, "ph")));
    cJSON_Delete(e);

    /* The same file rewritten in place, longer, with "work" at the same
     * offset but another time, and "long child" renamed: refused. */
    const tv_slice *work = slice(lane_named(m, "thread 2"), 0, 0);
    const tv_slice *child = slice(lane_named(m, "thread 1"), 2, 0);
    const tv_slice *outer = slice(lane_named(m, "thread 1"), 0, 0);
    char *text = malloc(sizeof live_head + 100);
    if (text) {
        memcpy(text, live_head, sizeof live_head);
        char *w = strstr(text, "\"ts\":5,\"dur\":4");
        char *c = strstr(text, "long child");
        CHECK(w && c);
        if (w && c) {
            w[5] = '6';
            c[0] = 'L';
            FILE *f = fopen(path, "r+b");
            CHECK(f != NULL);
            if (f) {
                fwrite(text, 1, sizeof live_head - 1, f);
                fputs("{\"ph\":\"X\",\"pid\":1,\"tid\":2,\"ts\":30,\"dur\":1,\"name\":\"more\"},\n", f);
                fclose(f);
            }
            e = tv_model_event(m, work->src);
            CHECK(e == NULL);
            cJSON_Delete(e);
            e = tv_model_event(m, child->src);
            CHECK(e == NULL);
            cJSON_Delete(e);
            /* untouched events are still the model's */
            e = tv_model_event(m, outer->src);
            CHECK(e != NULL);
            cJSON_Delete(e);
        }
        free(text);
    }
    /* shorter than at the load: not the model's file any more */
    CHECK(truncate(path, 10) == 0);
    e = tv_model_event(m, outer->src);
    CHECK(e == NULL);
    cJSON_Delete(e);
    /* the finding's text, kept by the loader, is still there */
    e = tv_model_event(m, m->findings_marks[0].src);
    CHECK(e != NULL);
    if (e) CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "args"), "message")->valuestring, "kept");
    cJSON_Delete(e);
    tv_model_free(m);
}

/* A trace read from a pipe (e.g. <(zcat trace.json.gz)) loads the same. */
static void from_a_pipe(void) {
    const char *fifo = path_of(tmpdir, "pipe.json");
    unlink(fifo);
    CHECK(mkfifo(fifo, 0600) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        FILE *in = fopen(path_of(traces, "threadlens.json"), "rb");
        FILE *out = fopen(fifo, "wb");
        int c;
        while (in && out && (c = fgetc(in)) != EOF) fputc(c, out);
        if (out) fclose(out);
        _exit(0);
    }
    tv_model *m = load_opts(fifo, 0);
    int status;
    waitpid(pid, &status, 0);
    if (!m) return;
    CHECK_EQ(m->stats.events, 33);
    CHECK_EQ(m->nlanes, 6);
    CHECK(tv_model_event(m, slice(lane_named(m, "worker"), 0, 0)->src) == NULL);
    /* findings are kept by the loader: their args even from a pipe */
    CHECK_EQ(m->nfindings, 1);
    if (m->nfindings) {
        cJSON *e = tv_model_event(m, m->findings_marks[0].src);
        CHECK(e != NULL);
        const cJSON *what = cJSON_GetObjectItem(cJSON_GetObjectItem(e, "args"), "what");
        CHECK(cJSON_IsString(what));
        if (cJSON_IsString(what)) CHECK_STR(what->valuestring, "unlock of a mutex not held");
        cJSON_Delete(e);
    }
    tv_model_free(m);
}

/* ---- a foreign Chrome trace ---- */

static void foreign_trace(void) {
    tv_model *m = load("foreign.json");
    if (!m) return;
    CHECK_EQ(m->stats.events, 22);
    CHECK_EQ(m->stats.unknown_phase, 2); /* P and O */
    CHECK_EQ(m->stats.by_phase['P'], 1);
    CHECK_EQ(m->stats.by_phase['E'], 3);
    CHECK_EQ(m->stats.unmatched, 1); /* the E without a B */
    CHECK_EQ(m->stats.threadlens, 0);
    CHECK_EQ(m->stats.summary_events, -1);
    CHECK_EQ(m->stats.dropped, 0);
    CHECK_EQ(m->stats.truncated, 0);
    CHECK_EQ(m->t0, 100000);
    CHECK_EQ(m->t1, 1000750);
    CHECK_EQ(m->nprocs, 2);
    if (m->nprocs == 2) {
        CHECK_STR(tv_model_str(m, m->procs[0].name), "Browser");
        CHECK_EQ(m->procs[0].nlanes, 6);
        CHECK_STR(tv_model_str(m, m->procs[1].name), "process 8");
        CHECK_EQ(m->procs[1].nlanes, 1);
    }
    /* string tids name their lanes; numeric strings are numbers */
    static const char *const order[] = {"CrBrowserMain", "IOThread", "thread 1234", "URLRequest",
                                        "mem heap", "mem gpu"};
    for (int i = 0; i < 6 && i < (int)m->procs[0].nlanes; i++)
        CHECK_STR(tv_model_str(m, m->lanes[m->procs[0].lanes[i]].name), order[i]);
    const tv_lane *browser = lane_named(m, "CrBrowserMain");
    CHECK_EQ(browser->kind, TV_LANE_THREAD);
    CHECK_EQ(browser->nrows, 2);
    CHECK_SLICE(m, slice(browser, 0, 0), 100000, 100000, "RunTask", 0);
    CHECK_SLICE(m, slice(browser, 1, 0), 110000, 40000, "Layout", 0);
    CHECK(slice(browser, 1, 0)->src_end != TV_SRC_NONE);
    const tv_lane *io = lane_named(m, "IOThread");
    CHECK(io->tid != browser->tid);
    CHECK_SLICE(m, slice(io, 0, 0), 300000, 50000, "Recv", 0);
    const tv_lane *t1234 = lane_named(m, "thread 1234");
    CHECK_EQ(t1234->tid, 1234);
    CHECK_SLICE(m, slice(t1234, 0, 0), 400000, 10000, "Work", 0);

    /* async: overlapping requests on two rows, the instant fits the first */
    const tv_lane *req = lane_named(m, "URLRequest");
    CHECK_EQ(req->kind, TV_LANE_ASYNC);
    CHECK_EQ(req->flags, 0);
    CHECK_EQ(req->nrows, 2);
    CHECK_SLICE(m, slice(req, 0, 0), 305000, 25000, "URLRequest", 0);
    CHECK_SLICE(m, slice(req, 0, 1), 340000, 0, "URLRequest", 0);
    CHECK_SLICE(m, slice(req, 1, 0), 320000, 40000, "URLRequest", 0);
    CHECK_STR(tv_model_str(m, slice(req, 1, 0)->cat), "net");

    /* a counter with two keys: two series */
    const tv_lane *heap = lane_named(m, "mem heap"), *gpu = lane_named(m, "mem gpu");
    CHECK_EQ(heap->nsamples, 2);
    CHECK_EQ(gpu->nsamples, 2);
    CHECK(heap->vmin == 10 && heap->vmax == 30);
    CHECK(gpu->vmin == 5 && gpu->vmax == 20);
    if (gpu->nsamples == 2) CHECK_EQ(gpu->samples[1].ts, 200000);

    CHECK_EQ(m->ngmarks, 1);
    if (m->ngmarks) {
        CHECK_EQ(m->gmarks[0].scope, TV_SCOPE_GLOBAL);
        CHECK_STR(tv_model_str(m, m->gmarks[0].name), "vsync");
    }

    /* v1 flows: s -> t -> f, bound to the enclosing slices */
    CHECK_EQ(m->nflows, 2);
    if (m->nflows == 2) {
        CHECK_EQ(m->flows[0].ts0, 120000);
        CHECK_EQ(m->flows[0].ts1, 310000);
        CHECK_EQ(m->flows[0].lane0, lane_index(m, browser));
        CHECK_EQ(m->flows[0].depth0, 1);
        CHECK_EQ(m->flows[0].lane1, lane_index(m, io));
        CHECK_EQ(m->flows[0].depth1, 0);
        CHECK_STR(tv_model_str(m, m->flows[0].name), "msg");
        CHECK_EQ(m->flows[1].ts0, 310000);
        CHECK_EQ(m->flows[1].ts1, 405000);
        CHECK_EQ(m->flows[1].lane1, lane_index(m, t1234));
    }
    const tv_lane *other = lane_named(m, "thread 1");
    CHECK_SLICE(m, slice(other, 0, 0), 1000500, 250, "other process", 0);
    tv_model_free(m);
}

/* The same trace in the array form, all on one line. */
static void foreign_one_line(void) {
    const char *one =
        "[{\"ph\":\"B\",\"pid\":1,\"tid\":2,\"ts\":1,\"name\":\"a\"},{\"ph\":\"X\",\"pid\":1,"
        "\"tid\":2,\"ts\":2,\"dur\":1,\"name\":\"b\",\"args\":{\"x\":\"]}\"}},{\"ph\":\"E\","
        "\"pid\":1,\"tid\":2,\"ts\":4},{\"ph\":\"C\",\"pid\":1,\"ts\":1,\"name\":\"c\",\"args\":"
        "{\"v\":1.5}},{\"ph\":\"i\",\"ts\":3,\"name\":\"g\",\"s\":\"g\"}]";
    char err[256];
    tv_model *m = tv_load_buffer("one.json", one, strlen(one), NULL, err, sizeof err);
    CHECK(m != NULL);
    if (!m) return;
    CHECK(tv_check_model(m) == NULL);
    CHECK_EQ(m->stats.events, 5);
    const tv_lane *t = lane_named(m, "thread 2");
    CHECK_EQ(t->nrows, 2);
    CHECK_SLICE(m, slice(t, 0, 0), 1000, 3000, "a", 0);
    CHECK_SLICE(m, slice(t, 1, 0), 2000, 1000, "b", 0);
    CHECK_EQ(lane_named(m, "c v")->nsamples, 1);
    CHECK_EQ(m->ngmarks, 1);
    tv_model_free(m);
}

/* Pieces cut at one instant whose times were rounded so that the parent and
 * the child both end 1 ns after the cut: each joins its own predecessor. */
static void rounded_pieces(void) {
    const char *t =
        "[{\"ph\":\"X\",\"name\":\"phase\",\"pid\":1,\"tid\":1,\"ts\":0,\"dur\":10.0006},\n"
        "{\"ph\":\"X\",\"name\":\"running\",\"pid\":1,\"tid\":1,\"ts\":5,\"dur\":5.0006},\n"
        "{\"ph\":\"X\",\"name\":\"phase\",\"pid\":1,\"tid\":1,\"ts\":10,\"dur\":10,"
        "\"args\":{\"continued\":true}},\n"
        "{\"ph\":\"X\",\"name\":\"running\",\"pid\":1,\"tid\":1,\"ts\":10,\"dur\":10,"
        "\"args\":{\"continued\":true}}]\n";
    char err[256];
    tv_model *m = tv_load_buffer("rounded.json", t, strlen(t), NULL, err, sizeof err);
    CHECK(m != NULL);
    if (!m) return;
    CHECK(tv_check_model(m) == NULL);
    const tv_lane *l = lane_named(m, "thread 1");
    CHECK_EQ(l->nrows, 2);
    CHECK_EQ(m->stats.joined, 2);
    CHECK_EQ(m->stats.clamped, 0);
    CHECK_SLICE(m, slice(l, 0, 0), 0, 20000, "phase", TV_SLICE_JOINED);
    CHECK_SLICE(m, slice(l, 1, 0), 5000, 15000, "running", TV_SLICE_JOINED);
    tv_model_free(m);
}

/* pids are 32-bit in the model: a larger or negative pid is a process of its
 * own, not folded onto the pid it truncates to. */
static void wide_pids(void) {
    const char *t =
        "[{\"ph\":\"X\",\"name\":\"a\",\"pid\":4294967297,\"tid\":1,\"ts\":0,\"dur\":1},"
        "{\"ph\":\"X\",\"name\":\"b\",\"pid\":1,\"tid\":1,\"ts\":0,\"dur\":1},"
        "{\"ph\":\"X\",\"name\":\"c\",\"pid\":-1,\"tid\":1,\"ts\":0,\"dur\":1},"
        "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":1,\"args\":{\"name\":\"one\"}},"
        "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":4294967297,\"args\":{\"name\":\"big\"}}]";
    char err[256];
    tv_model *m = tv_load_buffer("pids.json", t, strlen(t), NULL, err, sizeof err);
    CHECK(m != NULL);
    if (!m) return;
    CHECK(tv_check_model(m) == NULL);
    CHECK_EQ(m->nprocs, 3);
    int one = 0, big = 0;
    for (uint32_t i = 0; i < m->nprocs; i++) {
        const tv_process *p = &m->procs[i];
        CHECK_EQ(p->nlanes, 1);
        const tv_lane *l = &m->lanes[p->lanes[0]];
        const char *pn = tv_model_str(m, p->name), *sn = tv_model_str(m, l->rows[0].s[0].name);
        if (!strcmp(pn, "one")) one += !strcmp(sn, "b");
        if (!strcmp(pn, "big")) big += !strcmp(sn, "a");
    }
    CHECK(one == 1 && big == 1);
    tv_model_free(m);
}

/* ---- truncated files ---- */

static void truncated_files(void) {
    tv_model *m = load("truncated_mid.json");
    if (m) {
        CHECK_EQ(m->stats.truncated, 1);
        CHECK_EQ(m->stats.events, 4);
        CHECK_EQ(m->t1, 5000);
        const tv_lane *main_ = lane_named(m, "main");
        CHECK_EQ(main_->nrows, 2);
        CHECK_SLICE(m, slice(main_, 0, 0), 0, 5000, "running", 0);
        /* a B without its E runs to the end of the trace */
        CHECK_SLICE(m, slice(main_, 1, 0), 2000, 3000, "work", TV_SLICE_UNFINISHED);
        const tv_lane *lock = lane_named(m, "m");
        CHECK_SLICE(m, slice(lock, 0, 0), 1000, 4000, "m", TV_SLICE_UNFINISHED);
        CHECK_STR(tv_model_str(m, slice(lock, 0, 0)->label), "main");
        CHECK_EQ(slice(lock, 0, 0)->src_end, TV_SRC_NONE);
        tv_model_free(m);
    }
    m = load("truncated_bracket.json");
    if (m) {
        CHECK_EQ(m->stats.truncated, 1);
        CHECK_EQ(m->stats.events, 3);
        const tv_lane *main_ = lane_named(m, "main");
        CHECK_EQ(main_->nrows, 1);
        CHECK_SLICE(m, slice(main_, 0, 1), 5000, 3000, "sleeping", 0);
        tv_model_free(m);
    }
    /* cut right after '[', inside a string, inside the traceEvents key */
    static const char *const cuts[] = {"[", "[\n", "[{\"ph\":\"X\",\"name\":\"a{[\\",
                                       "{\"traceEv", "{\"traceEvents\":[{\"ph\":", "[{\"ph\":\"i\",\"ts\":1},"};
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        char err[256];
        tv_model *t = tv_load_buffer("cut.json", cuts[i], strlen(cuts[i]), NULL, err, sizeof err);
        CHECK(t != NULL);
        if (!t) {
            fprintf(stderr, "cut %zu: %s\n", i, err);
            continue;
        }
        CHECK_EQ(t->stats.truncated, 1);
        CHECK(tv_check_model(t) == NULL);
        tv_model_free(t);
    }
    /* a complete file is not truncated, whatever follows the array */
    const char *whole = "{\"traceEvents\":[],\"metadata\":{\"a\":[1,{\"b\":\"]\"}]}}\n";
    char err[256];
    m = tv_load_buffer("whole.json", whole, strlen(whole), NULL, err, sizeof err);
    CHECK(m != NULL);
    if (m) {
        CHECK_EQ(m->stats.truncated, 0);
        CHECK_EQ(m->stats.events, 0);
        CHECK_EQ(m->nlanes, 0);
        tv_model_free(m);
    }
}

/* ---- malformed files: one exact line each ---- */

static void write_file(const char *path, const char *data, size_t len) {
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) return;
    fwrite(data, 1, len, f);
    fclose(f);
}

/* Loads data (as a file in tmpdir) and checks the error is FILE + want. */
static void expect_error(const char *name, const char *data, size_t len, const char *want) {
    const char *path = path_of(tmpdir, name);
    write_file(path, data, len);
    char err[512], full[1024];
    tv_model *m = tv_load(path, NULL, err, sizeof err);
    CHECK(m == NULL);
    if (m) {
        fprintf(stderr, "%s: loaded, expected an error\n", name);
        tv_model_free(m);
        return;
    }
    snprintf(full, sizeof full, "%s%s", path, want);
    CHECK_STR(err, full);
    CHECK(strchr(err, '\n') == NULL);
    /* the same from memory, and on one thread */
    tv_load_opts one = {NULL, NULL, 1};
    m = tv_load_buffer(path, data, len, &one, err, sizeof err);
    CHECK(m == NULL);
    if (m) tv_model_free(m);
    else CHECK_STR(err, full);
}

#define EXPECT(name, literal, want) expect_error(name, literal, sizeof literal - 1, want)

static void malformed_files(void) {
    char err[512], want[1024];
    const char *missing = path_of(tmpdir, "no-such-file.json");
    tv_model *m = tv_load(missing, NULL, err, sizeof err);
    CHECK(m == NULL);
    snprintf(want, sizeof want, "%s: %s", missing, strerror(ENOENT));
    CHECK_STR(err, want);
    m = tv_load(tmpdir, NULL, err, sizeof err);
    CHECK(m == NULL);
    snprintf(want, sizeof want, "%s: %s", tmpdir, strerror(EISDIR));
    CHECK_STR(err, want);

    EXPECT("empty.json", "", ": empty file (expected a JSON array of trace events)");
    /* cJSON keeps the last of duplicate keys: the error points at that one */
    EXPECT("dupkey.json", "[{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":0,\"dur\":1,\"name\":\"x\",\"ts\":\"bad\"}]\n",
           ":1:59: expected a number for \"ts\"");
    EXPECT("blank.json", " \n\t\n", ": empty file (expected a JSON array of trace events)");
    EXPECT("binary.bin", "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0",
           ":1:1: expected '[' or '{' (not a JSON trace)");
    EXPECT("text.txt", "hello, world\n", ":1:1: expected '[' or '{' (not a JSON trace)");
    EXPECT("csv.txt", "\n\n  ts,name\n1,a\n", ":3:3: expected '[' or '{' (not a JSON trace)");
    EXPECT("object.json", "{\"foo\": 1, \"bar\": [2]}",
           ":1:22: expected a \"traceEvents\" array (not a JSON trace)");
    EXPECT("events-not-array.json", "{\"traceEvents\": {}}", ":1:17: expected '[' after \"traceEvents\"");
    EXPECT("ts-string.json",
           "[\n{\"ph\":\"i\",\"ts\":1,\"name\":\"a\"},\n{\"ph\":\"X\", \"ts\": \"12\",\"dur\":1,\"name\":\"b\"}]",
           ":3:18: expected a number for \"ts\"");
    EXPECT("ts-missing.json", "[{\"ph\":\"X\",\"dur\":1,\"name\":\"b\"}]", ":1:2: expected a number for \"ts\"");
    EXPECT("ts-absurd.json", "[{\"ph\":\"i\",\"ts\":1e300}]",
           ":1:17: expected a time within 1e15 microseconds for \"ts\"");
    EXPECT("ts-overflow.json", "[{\"ph\":\"i\",\"ts\":1e999}]",
           ":1:17: expected a time within 1e15 microseconds for \"ts\"");
    EXPECT("dur-negative.json", "[{\"ph\":\"X\",\"ts\":1,\"dur\":-5}]",
           ":1:25: expected a duration from 0 to 1e15 microseconds for \"dur\"");
    EXPECT("dur-type.json", "[{\"ph\":\"X\",\"ts\":1,\"dur\":[1]}]", ":1:25: expected a number for \"dur\"");
    EXPECT("ph-number.json", "[{\"ph\":5,\"ts\":1}]", ":1:8: expected a one-character string for \"ph\"");
    EXPECT("ph-long.json", "[{\"ph\":\"XX\",\"ts\":1}]", ":1:8: expected a one-character string for \"ph\"");
    EXPECT("name-type.json", "[{\"ph\":\"i\",\"ts\":1,\"name\":7}]", ":1:26: expected a string for \"name\"");
    EXPECT("pid-object.json", "[{\"ph\":\"i\",\"ts\":1,\"pid\":{}}]",
           ":1:25: expected a number or a string for \"pid\"");
    EXPECT("tid-absurd.json", "[{\"ph\":\"i\",\"ts\":1,\"tid\":1e300}]", ":1:25: expected an integer for \"tid\"");
    EXPECT("args-type.json", "[{\"ph\":\"i\",\"ts\":1,\"args\":\"x\"}]", ":1:26: expected an object for \"args\"");
    EXPECT("not-object.json", "[1, 2]", ":1:2: expected '{' (a trace event object)");
    EXPECT("garbage-between.json",
           "[\n{\"ph\":\"i\",\"ts\":1,\"name\":\"a\"} xyz\n{\"ph\":\"i\",\"ts\":2,\"name\":\"b\"}]",
           ":2:30: expected ',' or ']' after an event");
    EXPECT("garbage-after-comma.json", "[{\"ph\":\"i\",\"ts\":1},\n  @@]",
           ":2:3: expected '{' (a trace event object)");
    EXPECT("after-end.json", "[{\"ph\":\"i\",\"ts\":1}]\n]", ":2:1: expected the end of the file after the trace");
    EXPECT("bad-json.json", "[{\"ph\":\"i\" \"ts\":1}]", ":1:12: expected ',' or '}' inside the event");
    EXPECT("bad-literal.json", "[{\"ph\":\"i\",\"ts\":1,\"x\":nul}]", ":1:23: expected a value inside the event");
    EXPECT("bad-colon.json", "[\n  {\"ph\" \"i\"}]", ":2:9: expected ':' inside the event");
    /* a stray quote makes the rest of the file one long string: that is an
     * error where the quote broke the event, not a truncated file */
    EXPECT("stray-quote.json",
           "[{\"ph\":\"i\",\"ts\":1,\"name\":\"a\"},\n{\"ph\":\"i\",\"ts\":2,\"x.:{\"y\":1}},\n{\"ph\":\"i\",\"ts\":3}]",
           ":2:24: expected ':' inside the event");
    /* 62 '[' in args: the 63rd container inside the event is the 65th level */
    char deep[256];
    int n = snprintf(deep, sizeof deep, "[{\"args\":");
    for (int i = 0; i < 70; i++) deep[n++] = '[';
    deep[n] = 0;
    expect_error("deep.json", deep, (size_t)n, ":1:72: nesting deeper than 64");
    EXPECT("deep-object.json", "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]",
           ":1:69: nesting deeper than 64");
}

/* A progress callback that cancels. */
static int calls;
static double last_fraction;
static int cancel_now(void *ctx, double f) {
    (void)ctx;
    calls++;
    last_fraction = f;
    return 1;
}
static int keep_going(void *ctx, double f) {
    (void)ctx;
    calls++;
    last_fraction = f;
    return 0;
}

static void progress_and_cancel(void) {
    char err[256];
    tv_load_opts o = {keep_going, NULL, 0};
    calls = 0;
    tv_model *m = tv_load(path_of(traces, "threadlens.json"), &o, err, sizeof err);
    CHECK(m != NULL);
    CHECK(calls >= 1);
    CHECK(last_fraction == 1.0);
    tv_model_free(m);
    o.progress = cancel_now;
    m = tv_load(path_of(traces, "threadlens.json"), &o, err, sizeof err);
    CHECK(m == NULL);
    CHECK_STR(err, "cancelled");
}

/* ---- the two-thread split ---- */

/* A large trace in memory: n events, one per line (or pretty-printed). */
static char *big_trace(size_t n, int pretty, size_t *len) {
    size_t cap = n * 200 + 64, at = 0;
    char *b = malloc(cap);
    if (!b) return NULL;
    at += (size_t)sprintf(b + at, "[\n");
    for (size_t i = 0; i < n; i++) {
        int tid = (int)(i % 5) + 1;
        double ts = (double)i * 1.5;
        if (i % 7 == 3)
            at += (size_t)sprintf(b + at, pretty ? "{\"ph\":\"C\",\"pid\":1,\"ts\":%.3f,\"name\":\"q\",\n\"args\":\n{\"v\":%zu}},\n"
                                                 : "{\"ph\":\"C\",\"pid\":1,\"ts\":%.3f,\"name\":\"q\",\"args\":{\"v\":%zu}},\n",
                                  ts, i % 13);
        else
            at += (size_t)sprintf(b + at, pretty ? "{\"ph\":\"X\",\"pid\":1,\"tid\":%d,\n\"ts\":%.3f,\"dur\":1,\"name\":\"s%zu\",\"args\":\n{\"at\":\"x.c:1\"}},\n"
                                                 : "{\"ph\":\"X\",\"pid\":1,\"tid\":%d,\"ts\":%.3f,\"dur\":1,\"name\":\"s%zu\",\"args\":{\"at\":\"x.c:1\"}},\n",
                                  tid, ts, i % 11);
    }
    at += (size_t)sprintf(b + at, "{\"ph\":\"i\",\"pid\":1,\"tid\":1,\"ts\":0,\"name\":\"end\"}]\n");
    *len = at;
    return b;
}

static void same_model(const tv_model *a, const tv_model *b) {
    CHECK_EQ(a->stats.events, b->stats.events);
    CHECK_EQ(a->nlanes, b->nlanes);
    CHECK_EQ(a->t0, b->t0);
    CHECK_EQ(a->t1, b->t1);
    for (uint32_t i = 0; i < a->nlanes && i < b->nlanes; i++) {
        const tv_lane *x = &a->lanes[i], *y = &b->lanes[i];
        CHECK_STR(tv_model_str(a, x->name), tv_model_str(b, y->name));
        CHECK_EQ(x->nrows, y->nrows);
        CHECK_EQ(x->nsamples, y->nsamples);
        for (uint32_t d = 0; d < x->nrows && d < y->nrows; d++) {
            CHECK_EQ(x->rows[d].n, y->rows[d].n);
            for (size_t k = 0; k < x->rows[d].n && k < y->rows[d].n; k++) {
                const tv_slice *s = &x->rows[d].s[k], *t = &y->rows[d].s[k];
                if (s->ts != t->ts || s->dur != t->dur || s->src != t->src ||
                    strcmp(tv_model_str(a, s->name), tv_model_str(b, t->name))) {
                    fprintf(stderr, "lane %u row %u slice %zu differs\n", i, d, k);
                    tl_test_failures++;
                    break;
                }
            }
        }
        for (size_t k = 0; k < x->nsamples && k < y->nsamples; k++)
            if (x->samples[k].ts != y->samples[k].ts || x->samples[k].value != y->samples[k].value) {
                fprintf(stderr, "lane %u sample %zu differs\n", i, k);
                tl_test_failures++;
                break;
            }
    }
}

static void parallel_split(void) {
    for (int pretty = 0; pretty < 2; pretty++) {
        size_t len;
        char *b = big_trace(60000, pretty, &len);
        CHECK(b != NULL && len > (6u << 20) / 2);
        if (!b) return;
        char err[256];
        tv_load_opts one = {NULL, NULL, 1}, two = {NULL, NULL, 0};
        tv_model *a = tv_load_buffer("big.json", b, len, &one, err, sizeof err);
        tv_model *c = tv_load_buffer("big.json", b, len, &two, err, sizeof err);
        CHECK(a && c);
        if (a && c) {
            CHECK(tv_check_model(c) == NULL);
            CHECK_EQ(a->stats.events, 60001);
            same_model(a, c);
        }
        tv_model_free(a);
        tv_model_free(c);
        /* the same through a file (chunked reads) */
        const char *path = path_of(tmpdir, "big.json");
        write_file(path, b, len);
        a = load_opts(path, 1);
        c = load_opts(path, 0);
        if (a && c) same_model(a, c);
        tv_model_free(a);
        tv_model_free(c);
        /* cancelling a two-thread load */
        tv_load_opts stop = {cancel_now, NULL, 0};
        calls = 0;
        c = tv_load(path, &stop, err, sizeof err);
        CHECK(c == NULL);
        CHECK(calls >= 1);
        if (!c) CHECK_STR(err, "cancelled");
        tv_model_free(c);
        /* an error in the second half: the same line and column either way */
        char *bad = strstr(b + len - len / 4, "\"dur\":1");
        if (bad) {
            bad[6] = '-'; /* "dur":-, */
            char e1[256], e2[256];
            write_file(path, b, len);
            a = tv_load(path, &one, e1, sizeof e1);
            c = tv_load(path, &two, e2, sizeof e2);
            CHECK(!a && !c);
            CHECK_STR(e1, e2);
            CHECK(strstr(e1, ": expected a digit inside the event") != NULL);
            tv_model_free(a);
            tv_model_free(c);
        }
        free(b);
    }
}

/* ---- a real trace ---- */

static void demo_trace(const char *path) {
    tv_model *m = load_opts(path, 0);
    if (!m) return;
    CHECK_EQ(m->stats.threadlens, 1);
    CHECK_EQ(m->stats.truncated, 0);
    CHECK_EQ(m->stats.unknown_phase, 0);
    CHECK(m->stats.summary_events > 0);
    CHECK(m->nflows > 0);
    CHECK(m->nobjects > 0);
    int locks = 0, threads = 0;
    for (uint32_t i = 0; i < m->nlanes; i++) {
        locks += (m->lanes[i].flags & TV_LANE_LOCK) != 0;
        threads += m->lanes[i].kind == TV_LANE_THREAD;
    }
    CHECK(locks > 0);
    CHECK(threads > 1);
    /* every v2 flow joins a flow_out slice to a flow_in slice */
    for (size_t i = 0; i < m->nflows; i++) {
        const tv_flow *f = &m->flows[i];
        const tv_row *r0 = &m->lanes[f->lane0].rows[f->depth0];
        const tv_row *r1 = &m->lanes[f->lane1].rows[f->depth1];
        size_t k0 = tv_row_first_ending_after(r0, f->ts0 - 1);
        while (k0 < r0->n && !(r0->s[k0].ts + r0->s[k0].dur == f->ts0 && (r0->s[k0].flags & TV_SLICE_FLOW_OUT)) &&
               r0->s[k0].ts <= f->ts0)
            k0++;
        size_t k1 = tv_row_first_starting_at(r1, f->ts1);
        while (k1 < r1->n && r1->s[k1].ts == f->ts1 && !(r1->s[k1].flags & TV_SLICE_FLOW_IN)) k1++;
        CHECK(k0 < r0->n && (r0->s[k0].flags & TV_SLICE_FLOW_OUT) && r0->s[k0].ts + r0->s[k0].dur == f->ts0);
        CHECK(k1 < r1->n && (r1->s[k1].flags & TV_SLICE_FLOW_IN) && r1->s[k1].ts == f->ts1);
        CHECK(f->ts0 <= f->ts1);
        if (tl_test_failures) break;
    }
    tv_model_free(m);
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: test_model GROUP TRACES_DIR TMP_DIR [DEMO_TRACE]\n");
        return 2;
    }
    const char *group = argv[1];
    traces = argv[2];
    tmpdir = argv[3];
    mkdir(tmpdir, 0777);
    int all = !strcmp(group, "all");
    if (all || !strcmp(group, "threadlens")) {
        threadlens_trace();
        event_rereads();
        live_file();
        progress_and_cancel();
        from_a_pipe();
    }
    if (all || !strcmp(group, "foreign")) {
        foreign_trace();
        foreign_one_line();
        rounded_pieces();
        wide_pids();
    }
    if (all || !strcmp(group, "truncated")) truncated_files();
    if (all || !strcmp(group, "malformed")) malformed_files();
    if (all || !strcmp(group, "parallel")) parallel_split();
    if (!strcmp(group, "demo")) {
        if (argc < 5) return 2;
        demo_trace(argv[4]);
    }
    printf("%s: %d failure(s)\n", group, tl_test_failures);
    return tl_test_failures != 0;
}
