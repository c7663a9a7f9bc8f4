/*
 * test_report.c — `threadlens report` on hand-written traces whose figures
 * are known exactly (locks.json, findings.json, races.json, foreign.json in
 * this folder).
 *
 *   test_report DIR          every fixture check; DIR holds the fixtures
 *   test_report --demo FILE  checks a trace written by tl_demo
 *
 * Expected numbers are worked out in comments from the fixtures' events.
 */
#define _GNU_SOURCE /* open_memstream, mkstemp */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "tl_test.h"
#include "tv_load.h"
#include "tv_report.h"
#include "report_check.h"

static int starts_with(const char *s, const char *prefix) {
    return !strncmp(s, prefix, strlen(prefix));
}

static int list_size(const cJSON *o, const char *key) {
    const cJSON *v = get(o, key);
    return cJSON_IsArray(v) ? cJSON_GetArraySize(v) : -1;
}

static const cJSON *by_name(const cJSON *list, const char *name) {
    const cJSON *e;
    cJSON_ArrayForEach(e, list) if (!strcmp(get_str(e, "name"), name)) return e;
    return NULL;
}

static void check_keys(const cJSON *j) {
    static const char *const lists[] = {"threads", "locks", "races", "lock_order",
                                        "deadlocks", "hangs", "misuse"};
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
        if (!cJSON_IsArray(get(j, lists[i]))) {
            fprintf(stderr, "key %s missing or not a list\n", lists[i]);
            tl_test_failures++;
        }
    CHECK(cJSON_IsNumber(get(j, "events")));
    CHECK(cJSON_IsNumber(get(j, "dropped")));
}

static void check_no_findings(const cJSON *j) {
    static const char *const kinds[] = {"races", "lock_order", "deadlocks", "hangs", "misuse"};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) CHECK(list_size(j, kinds[i]) == 0);
}

/* ---- locks.json: three threads, mutex A, rwlock L, spinlock S ---- */

static void test_locks(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/locks.json", dir);
    tv_model *m = load(path);
    CHECK(m);
    if (!m) return;
    cJSON *j = report_json(m);
    CHECK(j);
    if (j) {
        check_keys(j);
        CHECK_INT(j, "events", 58);
        CHECK_INT(j, "dropped", 2);
        CHECK_INT(j, "summary_events", 50);
        CHECK_INT(j, "unknown_phases", 0);
        CHECK(cJSON_IsTrue(get(j, "threadlens")));
        CHECK(cJSON_IsTrue(get(j, "complete")));
        CHECK_INT(j, "start_ns", 0);
        CHECK_INT(j, "end_ns", 60000);
        CHECK_INT(j, "duration_ns", 60000);
        CHECK(!strcmp(get_str(cJSON_GetArrayItem(get(j, "processes"), 0), "name"), "bank"));
        check_no_findings(j);

        const cJSON *th = get(j, "threads");
        CHECK(cJSON_GetArraySize(th) == 3);
        const cJSON *t = by_name(th, "main");
        CHECK(t);
        /* running 0-43 + 46-60 us; waiting for L 43-46; marks at 0.5 and 60 */
        CHECK_INT(t, "pid", 100);
        CHECK_INT(t, "tid", 1);
        CHECK_INT(t, "slices", 3);
        CHECK_INT(t, "running_ns", 57000);
        CHECK_INT(t, "blocked_ns", 3000);
        CHECK_INT(t, "first_ts_ns", 0);
        CHECK_INT(t, "last_ts_ns", 60000);
        t = by_name(th, "t1");
        CHECK(t);
        /* running 1-10, 15-30, 40-50, 51-55; waiting 10-15, sleeping 30-40, spinning 50-51 */
        CHECK_INT(t, "tid", 2);
        CHECK_INT(t, "slices", 7);
        CHECK_INT(t, "running_ns", 38000);
        CHECK_INT(t, "blocked_ns", 16000);
        CHECK_INT(t, "first_ts_ns", 1000);
        CHECK_INT(t, "last_ts_ns", 55000);
        t = by_name(th, "t2");
        CHECK(t);
        /* running 1-5, 9-30, 33-40, 42-58; waits 5-9, 30-33 (two pieces, joined),
         * 40-42; plus the zero-length flow source "unlock A" */
        CHECK_INT(t, "tid", 3);
        CHECK_INT(t, "slices", 8);
        CHECK_INT(t, "running_ns", 48000);
        CHECK_INT(t, "blocked_ns", 9000);
        CHECK_INT(t, "first_ts_ns", 1000);
        CHECK_INT(t, "last_ts_ns", 58000);

        const cJSON *lk = get(j, "locks");
        CHECK(cJSON_GetArraySize(lk) == 3);
        CHECK(!strcmp(get_str(cJSON_GetArrayItem(lk, 0), "name"), "A"));
        const cJSON *a = by_name(lk, "A");
        CHECK(a);
        /* holds: t1 2-8, t2 9-15, t1 15-20, main 33-34. Waits: t2 5-9 (then holds),
         * t1 10-15 (then holds), t2 30-33 (gives up; main takes A at 33: not t2's) */
        CHECK(!strcmp(get_str(a, "kind"), "mutex"));
        CHECK_INT(a, "object_id", 1);
        CHECK_INT(a, "pid", 100);
        CHECK_INT(a, "acquisitions", 4);
        CHECK_INT(a, "contended", 2);
        CHECK_INT(a, "waits", 3);
        CHECK_INT(a, "read_holds", 0);
        CHECK_INT(a, "wait_total_ns", 12000);
        CHECK_INT(a, "wait_max_ns", 5000);
        CHECK_INT(a, "hold_total_ns", 18000);
        CHECK_INT(a, "hold_max_ns", 6000);
        const cJSON *l = by_name(lk, "L");
        CHECK(l);
        /* read holds t1 41-45, t2 42-44 (waited to read 40-42); main waits 43-46,
         * writes 46-50 */
        CHECK(!strcmp(get_str(l, "kind"), "rwlock"));
        CHECK_INT(l, "acquisitions", 3);
        CHECK_INT(l, "read_holds", 2);
        CHECK_INT(l, "contended", 2);
        CHECK_INT(l, "waits", 2);
        CHECK_INT(l, "wait_total_ns", 5000);
        CHECK_INT(l, "wait_max_ns", 3000);
        CHECK_INT(l, "hold_total_ns", 10000);
        CHECK_INT(l, "hold_max_ns", 4000);
        const cJSON *s = by_name(lk, "S");
        CHECK(s);
        /* t2 48-51; t1 spins 50-51 and holds 51-53 */
        CHECK(!strcmp(get_str(s, "kind"), "spinlock"));
        CHECK_INT(s, "acquisitions", 2);
        CHECK_INT(s, "contended", 1);
        CHECK_INT(s, "waits", 1);
        CHECK_INT(s, "wait_total_ns", 1000);
        CHECK_INT(s, "wait_max_ns", 1000);
        CHECK_INT(s, "hold_total_ns", 5000);
        CHECK_INT(s, "hold_max_ns", 3000);
        cJSON_Delete(j);
    }

    char *text = report(m, 0);
    CHECK(text);
    if (text) {
        check_text(text, "process bank (pid 100)\n");
        check_text(text, "duration 60.0 us (0 ns to 60.0 us)\n");
        check_text(text, "trace threadlens, complete\n");
        check_text(text, "events 58 (C 7, M 11, X 19, b 9, e 9, i 3)\n");
        check_text(text, "dropped 2 ");
        check_text(text, "\nthreads (3)\n");
        check_text(text, "\npid tid name slices running blocked first last\n");
        check_text(text, "\n100 1 main 3 57.0 us 3.00 us 0 ns 60.0 us\n");
        check_text(text, "\n100 3 t2 8 48.0 us 9.00 us 1.00 us 58.0 us\n");
        check_text(text, "\nlocks (3)\n");
        check_text(text, "\nname kind acquisitions contended wait total wait max hold total hold max read holds\n");
        check_text(text, "\nA mutex 4 2 12.0 us 5.00 us 18.0 us 6.00 us 0\n");
        check_text(text, "\nL rwlock 3 2 5.00 us 3.00 us 10.0 us 4.00 us 2\n");
        check_text(text, "\nS spinlock 2 1 1.00 us 1.00 us 5.00 us 3.00 us 0\n");
        check_text(text, "\nfindings: none\n");
        free(text);
    }
    tv_model_free(m);
}

/* The same trace as if the process had been killed: no summary, no ]. */
static void test_truncated(const char *dir) {
    char path[4096], tmp[] = "/tmp/tv_report_trunc_XXXXXX";
    snprintf(path, sizeof path, "%s/locks.json", dir);
    FILE *in = fopen(path, "rb");
    CHECK(in);
    if (!in) return;
    char *data = malloc((1 << 16) + 1);
    size_t n = fread(data, 1, 1 << 16, in);
    fclose(in);
    data[n] = 0;
    /* Cut in the middle of the last mark ("end" at 60 us): it and the summary go. */
    char *cut = strstr(data, "\"name\":\"end\"");
    CHECK(cut);
    int fd = mkstemp(tmp);
    CHECK(fd >= 0);
    if (!cut || fd < 0) {
        free(data);
        return;
    }
    CHECK(write(fd, data, (size_t)(cut - data)) == cut - data);
    close(fd);
    free(data);

    tv_model *m = load(tmp);
    CHECK(m);
    if (m) {
        cJSON *j = report_json(m);
        CHECK(j);
        if (j) {
            check_keys(j);
            CHECK(cJSON_IsFalse(get(j, "complete")));
            CHECK(cJSON_IsNull(get(j, "summary_events")));
            CHECK_INT(j, "events", 56);
            /* no summary: the "threadlens" "dropped events" counter says 2 */
            CHECK_INT(j, "dropped", 2);
            CHECK_INT(by_name(get(j, "locks"), "A"), "acquisitions", 4);
            cJSON_Delete(j);
        }
        char *text = report(m, 0);
        if (text) check_text(text, "trace threadlens, truncated");
        free(text);
        tv_model_free(m);
    }
    unlink(tmp);
}

/* ---- findings.json: one finding of each kind, id 2 reported three times ---- */

static void test_findings(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/findings.json", dir);
    tv_model *m = load(path);
    CHECK(m);
    if (!m) return;
    cJSON *j = report_json(m);
    CHECK(j);
    if (j) {
        check_keys(j);
        CHECK_INT(j, "events", 29);
        CHECK_INT(j, "dropped", 0);

        const cJSON *races = get(j, "races");
        CHECK(cJSON_GetArraySize(races) == 2);
        const cJSON *r = cJSON_GetArrayItem(races, 0);
        CHECK_INT(r, "ts_ns", 10000);
        CHECK_INT(r, "tid", 3);
        CHECK_INT(r, "pid", 200);
        CHECK(starts_with(get_str(r, "message"), "data race on counter (4 bytes"));
        const cJSON *args = get(r, "args");
        CHECK(!strcmp(get_str(args, "variable"), "counter"));
        CHECK_INT(args, "id", 1);
        CHECK_INT(get(args, "first"), "tid", 2);
        CHECK(!strcmp(get_str(get(args, "second"), "op"), "read"));
        /* the race's own keys, next to args */
        r = cJSON_GetArrayItem(races, 0);
        CHECK_INT(r, "id", 1);
        CHECK_INT(r, "count", 1);
        CHECK(!strcmp(get_str(r, "addr"), "0x3000"));
        CHECK_INT(r, "size", 4);
        CHECK(!strcmp(get_str(r, "variable"), "counter"));
        CHECK_INT(get(r, "first"), "tid", 2);
        CHECK(!strcmp(get_str(get(r, "second"), "op"), "read"));
        r = cJSON_GetArrayItem(races, 1);
        CHECK_INT(r, "ts_ns", 12000);
        CHECK_INT(get(r, "args"), "id", 6);
        CHECK_INT(r, "id", 6);
        CHECK(cJSON_IsNull(get(r, "variable")));

        /* Reported with counts 1 (20 us), 3 (25 us), 2 (30 us): one entry, count 3. */
        const cJSON *lo = get(j, "lock_order");
        CHECK(cJSON_GetArraySize(lo) == 1);
        r = cJSON_GetArrayItem(lo, 0);
        CHECK_INT(r, "ts_ns", 25000);
        CHECK_INT(r, "tid", 2);
        CHECK_INT(get(r, "args"), "count", 3);
        CHECK(list_size(get(r, "args"), "cycle") == 2);
        CHECK_INT(cJSON_GetArrayItem(get(get(r, "args"), "cycle"), 1), "acquiring", 1);

        const cJSON *dl = get(j, "deadlocks");
        CHECK(cJSON_GetArraySize(dl) == 1);
        r = cJSON_GetArrayItem(dl, 0);
        CHECK_INT(r, "ts_ns", 40000);
        CHECK_INT(r, "tid", 1);
        CHECK(starts_with(get_str(r, "message"), "deadlock: "));
        CHECK(list_size(get(r, "args"), "cycle") == 2);

        const cJSON *hg = get(j, "hangs");
        CHECK(cJSON_GetArraySize(hg) == 1);
        r = cJSON_GetArrayItem(hg, 0);
        CHECK_INT(r, "ts_ns", 50000);
        CHECK_INT(get(get(r, "args"), "lost_wakeup"), "cond", 3);
        CHECK(list_size(get(r, "args"), "threads") == 1);

        const cJSON *mu = get(j, "misuse");
        CHECK(cJSON_GetArraySize(mu) == 1);
        r = cJSON_GetArrayItem(mu, 0);
        CHECK_INT(r, "ts_ns", 55000);
        CHECK_INT(r, "tid", 1);
        CHECK(!strcmp(get_str(get(r, "args"), "what"), "unlock of a mutex not held"));

        /* A held by w1, B by w2, each waiting for the other until the end. */
        const cJSON *b = by_name(get(j, "locks"), "B");
        CHECK(b);
        CHECK_INT(b, "acquisitions", 1);
        CHECK_INT(b, "waits", 1);
        CHECK_INT(b, "contended", 0);
        CHECK_INT(b, "wait_total_ns", 50000);
        CHECK_INT(b, "hold_total_ns", 54000);
        cJSON_Delete(j);
    }

    char *text = report(m, 0);
    CHECK(text);
    if (text) {
        check_text(text, "\nfindings (6)\n");
        check_text(text, "\ndata race at 10.0 us on thread 3 (w2)\ndata race on counter (4 bytes");
        check_text(text, "\nvariable counter, address 0x3000, 4 bytes\n");
        check_text(text, "\nfirst: write by thread 2 (w1) at 5.00 us, race.c:10\n");
        check_text(text, "\nstack: inc race.c:10 worker race.c:30\n");
        check_text(text, "\nsecond: read by thread 3 (w2) at 10.0 us, race.c:20\n");
        check_text(text, "\nlock order inversion at 25.0 us on thread 2 (w1), reported 3 times\n");
        check_text(text, "\nthread 3 (w2) holds B (#2) (taken at buggy.c:40), acquires A (#1) at buggy.c:41\n");
        check_text(text, "\nthread 2 (w1) holds A (#1) (taken at buggy.c:30), waits for B (#2) at buggy.c:31\n");
        check_text(text, "\nthread 1 (main): waiting on C since 45.0 us\n");
        check_text(text, "\nlost wakeup: signal of C (#3) by thread 3 (w2) at 44.0 us found no waiter\n");
        check_text(text, "\nunlock of a mutex not held: A (#1) at buggy.c:9\n");
        free(text);
    }
    tv_model_free(m);
}

/* ---- foreign.json: a Chrome trace ({"traceEvents": ...}, several lines an event) ---- */

static void test_foreign(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/foreign.json", dir);
    tv_model *m = load(path);
    CHECK(m);
    if (!m) return;
    cJSON *j = report_json(m);
    CHECK(j);
    if (j) {
        check_keys(j);
        check_no_findings(j);
        CHECK(list_size(j, "locks") == 0);
        CHECK(list_size(j, "threads") == 2);
        CHECK_INT(j, "events", 14);
        CHECK_INT(j, "unknown_phases", 2); /* P and O */
        CHECK_INT(j, "dropped", 0);
        CHECK(cJSON_IsFalse(get(j, "threadlens")));
        CHECK(cJSON_IsTrue(get(j, "complete")));
        const cJSON *t = by_name(get(j, "threads"), "CrBrowserMain");
        CHECK_INT(t, "tid", 70);
        CHECK_INT(t, "slices", 2);
        CHECK_INT(t, "running_ns", 0);
        CHECK_INT(t, "first_ts_ns", 1000000);
        CHECK_INT(t, "last_ts_ns", 1500000);
        t = by_name(get(j, "threads"), "IOThread");
        CHECK_INT(t, "slices", 1);
        cJSON_Delete(j);
    }
    char *text = report(m, 0);
    CHECK(text);
    if (text) {
        check_text(text, "trace foreign (not written by threadlens), complete\n");
        check_text(text, "skipped 2 events of phases not drawn\n");
        check_text(text, "\nlocks: none (lock tracks come from threadlens traces)\n");
        check_text(text, "\nfindings: none\n");
        free(text);
    }
    tv_model_free(m);
}

/* ---- findings when the file cannot be re-read: a pipe, a growing file ---- */

/* ---- races.json: data races as the runtime writes them (tl_racereport.c) ---- */

static void test_races(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/races.json", dir);
    tv_model *m = load(path);
    CHECK(m);
    if (!m) return;
    cJSON *j = report_json(m);
    CHECK(j);
    if (j) {
        check_keys(j);
        const cJSON *races = get(j, "races");
        CHECK(cJSON_GetArraySize(races) == 2);
        /* id 1 reported at 5 us (count 1) and at the end (10 us, count 7):
         * one entry, where and when the race was, with the final count */
        const cJSON *r = cJSON_GetArrayItem(races, 0);
        CHECK_INT(r, "id", 1);
        CHECK_INT(r, "count", 7);
        CHECK_INT(r, "ts_ns", 5000);
        CHECK_INT(r, "tid", 3);
        CHECK(!strcmp(get_str(r, "addr"), "0x4010"));
        CHECK_INT(r, "size", 4);
        CHECK(!strcmp(get_str(r, "variable"), "counter"));
        CHECK(starts_with(get_str(r, "message"), "data race on counter (4 bytes at 0x4010): write by"));
        CHECK_INT(get(r, "first"), "tid", 2);
        CHECK_INT(get(r, "first"), "ts_ns", 2000);
        CHECK_INT(get(r, "second"), "ts_ns", 5000);
        CHECK(!strcmp(get_str(get(r, "first"), "op"), "write"));
        CHECK(!strcmp(get_str(get(r, "first"), "thread"), "worker"));
        CHECK(list_size(get(r, "first"), "stack") == 2);
        CHECK(list_size(get(r, "first"), "locks") == 1);
        CHECK(!strcmp(get_str(get(r, "second"), "at"), "racy.c:11 (worker)"));
        CHECK_INT(get(r, "args"), "count", 7);
        /* id 2: no variable name, first time unknown */
        r = cJSON_GetArrayItem(races, 1);
        CHECK_INT(r, "id", 2);
        CHECK_INT(r, "count", 1);
        CHECK_INT(r, "size", 1);
        CHECK(cJSON_IsNull(get(r, "variable")));
        CHECK(cJSON_IsTrue(get(get(r, "first"), "time_unknown")));
        cJSON_Delete(j);
    }
    char *text = report(m, 0);
    CHECK(text);
    if (text) {
        check_text(text, "\nfindings (2)\n");
        check_text(text, "\ndata race at 5.00 us on thread 3 (worker), reported 7 times\n");
        check_text(text, "\nvariable counter, address 0x4010, 4 bytes\n");
        check_text(text, "\nfirst: write by thread 2 (worker) at 2.00 us, racy.c:12 (worker)\n");
        check_text(text, "\nstack: racy.c:12 (worker) racy.c:40 (main)\nlocks held: m (#1)\n");
        check_text(text, "\nsecond: read by thread 3 (worker) at 5.00 us, racy.c:11 (worker)\n");
        check_text(text, "\nlocks held: none\n");
        check_text(text, "\nonly a sleep separated them: 100 ms in thread 3 (worker) at racy.c:20 (worker)");
        check_text(text, "\nfirst: write by thread 3 (worker) (time unknown), racy.c:30\n");
        check_text(text, "\naddress 0x6000, 1 byte\n");
        free(text);
    }
    tv_model_free(m);
}

/* The text checks of test_findings that need every finding's args. */
static void check_findings_text(const tv_model *m) {
    char *text = report(m, 0);
    CHECK(text);
    if (!text) return;
    check_text(text, "\nfindings (6)\n");
    check_text(text, "\ndata race at 10.0 us on thread 3 (w2)\ndata race on counter (4 bytes");
    check_text(text, "\nvariable counter, address 0x3000, 4 bytes\n");
    check_text(text, "\nlock order inversion at 25.0 us on thread 2 (w1), reported 3 times\n");
    check_text(text, "\nunlock of a mutex not held: A (#1) at buggy.c:9\n");
    CHECK(!strstr(text, "address ?"));
    free(text);
}

/* `threadlens report <(cat findings.json)`: the trace comes from a pipe and
 * cannot be re-read; the loader's copy of each finding serves. */
static void test_findings_pipe(const char *dir) {
    tv_model *m = load_via_pipe(dir, "findings.json");
    CHECK(m);
    if (m) {
        check_findings_text(m);
        cJSON *j = report_json(m);
        if (j) {
            CHECK(cJSON_GetArraySize(get(j, "lock_order")) == 1);
            CHECK_INT(get(cJSON_GetArrayItem(get(j, "lock_order"), 0), "args"), "count", 3);
            cJSON_Delete(j);
        }
        tv_model_free(m);
    }
}

static int append_file(const char *path, const char *text) {
    FILE *f = fopen(path, "ab");
    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

/* A copy of a fixture in a temporary file; NULL when it cannot be made. */
static char *copy_fixture(const char *dir, const char *name, char *tmp) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *in = fopen(path, "rb");
    int fd = mkstemp(tmp);
    if (!in || fd < 0) {
        if (in) fclose(in);
        if (fd >= 0) close(fd);
        return NULL;
    }
    char buf[4096];
    size_t n;
    int ok = 1;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) ok &= write(fd, buf, n) == (ssize_t)n;
    fclose(in);
    close(fd);
    return ok ? tmp : NULL;
}

/* Reporting on a trace that is still being written: it grows after the
 * load, and the findings and lock holders are still read. */
static void test_live(const char *dir) {
    char tmp[] = "/tmp/tv_report_live_XXXXXX";
    CHECK(copy_fixture(dir, "findings.json", tmp));
    tv_model *m = load(tmp);
    CHECK(m);
    if (m) {
        CHECK(append_file(tmp, "\n\n") == 0);
        check_findings_text(m);
        tv_model_free(m);
    }
    unlink(tmp);

    char tmp2[] = "/tmp/tv_report_live_XXXXXX";
    CHECK(copy_fixture(dir, "samename.json", tmp2));
    m = load(tmp2);
    CHECK(m);
    if (m) {
        CHECK(append_file(tmp2, "\n") == 0);
        cJSON *j = report_json(m);
        if (j) {
            CHECK_INT(by_name(get(j, "locks"), "A"), "contended", 0);
            CHECK_INT(by_name(get(j, "locks"), "B"), "contended", 1);
            cJSON_Delete(j);
        }
        tv_model_free(m);
    }
    unlink(tmp2);
}

/* ---- samename.json: a pool's threads share their default name ---- */

static void test_samename(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/samename.json", dir);
    tv_model *m = load(path);
    CHECK(m);
    if (!m) return;
    cJSON *j = report_json(m);
    CHECK(j);
    if (j) {
        check_keys(j);
        CHECK(list_size(j, "threads") == 4);
        /* tid 2 waits for A 2-10 and gives up; at 10 tid 3 (same name, no
         * wait) takes A: not an acquisition that waited */
        const cJSON *a = by_name(get(j, "locks"), "A");
        CHECK_INT(a, "acquisitions", 2);
        CHECK_INT(a, "waits", 1);
        CHECK_INT(a, "contended", 0);
        /* tid 4 waits for B 22-30 and takes it at 30 */
        const cJSON *b = by_name(get(j, "locks"), "B");
        CHECK_INT(b, "acquisitions", 2);
        CHECK_INT(b, "waits", 1);
        CHECK_INT(b, "contended", 1);
        cJSON_Delete(j);
    }
    tv_model_free(m);
}

/* ---- esc.json: control characters in names and messages ---- */

/* No control character but the newline, no C1 control (U+0080..U+009F). */
static int clean_text(const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && *p != '\n') || *p == 0x7f) return 0;
        if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) return 0;
    }
    return 1;
}

static void test_escapes(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/esc.json", dir);
    tv_model *m = load(path);
    CHECK(m);
    if (!m) return;
    char *text = report(m, 0);
    CHECK(text);
    if (text) {
        CHECK(clean_text(text));
        check_text(text, "\nprocess bad\\x1b[2Jproc (pid 7)\n");
        check_text(text, "\n7 1 evil\\x1b]0;pwned\\x07\\x0afake line 1 1.00 us 0 ns 1.00 us 2.00 us\n");
        check_text(text, "\nlo\\x0ack\\x7f - 1 0 0 ns");
        check_text(text, "\nmisuse at 2.00 us on thread 1 (evil\\x1b]0;pwned\\x07\\x0afake line)\n");
        /* a misuse is told by its own line (below), not its message */
        CHECK(!strstr(text, "two\\x0alines"));
        check_text(text, "\n\\x1b[31mred at a.c:1\\x0d\n");
        check_text(text, "\nodd\\x01kind at 2.00 us");
        check_text(text, "\"note\":\"del\\x7f\"}\n");
        free(text);
    }
    /* JSON keeps the strings as they are (cJSON escapes them) */
    cJSON *j = report_json(m);
    if (j) {
        const cJSON *t = cJSON_GetArrayItem(get(j, "threads"), 0);
        CHECK(!strcmp(get_str(t, "name"), "evil\x1b]0;pwned\x07\nfake line"));
        cJSON_Delete(j);
    }
    tv_model_free(m);
}

/* ---- oddfind.json: findings whose numbers fit no integer ---- */

static void test_odd_numbers(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/oddfind.json", dir);
    tv_model *m = load(path);
    CHECK(m);
    if (!m) return;
    /* (under UBSan, converting 1e300 to int64 would stop the test here) */
    char *text = report(m, 0);
    CHECK(text);
    if (text) {
        check_text(text, "\nthread -1e+300 holds object #1e+300, waits for L\n");
        check_text(text, "\nlost wakeup: signal of object #1e+19 by thread 1e+19 found no waiter\n");
        check_text(text, "\nmisuse: object #1e+300\n");
        free(text);
    }
    cJSON *j = report_json(m);
    if (j) {
        check_keys(j);
        cJSON_Delete(j);
    }
    tv_model_free(m);
}

/* ---- tv_report_main: exit statuses, where the output goes ---- */

/* Runs tv_report_main with stdout and stderr sent to files; returns the status. */
static int run_main(int argc, char **argv, char **out, char **err) {
    char po[] = "/tmp/tv_report_out_XXXXXX", pe[] = "/tmp/tv_report_err_XXXXXX";
    int fo = mkstemp(po), fe = mkstemp(pe);
    fflush(stdout);
    fflush(stderr);
    int so = dup(1), se = dup(2);
    dup2(fo, 1);
    dup2(fe, 2);
    int rc = tv_report_main(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(so);
    close(se);
    char **dst[2] = {out, err};
    int fds[2] = {fo, fe};
    for (int i = 0; i < 2; i++) {
        off_t len = lseek(fds[i], 0, SEEK_END);
        *dst[i] = calloc(1, (size_t)len + 1);
        CHECK(pread(fds[i], *dst[i], (size_t)len, 0) == len);
        close(fds[i]);
    }
    unlink(po);
    unlink(pe);
    return rc;
}

static int lines(const char *s) {
    int n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

static void test_main(const char *dir) {
    char path[4096], *out, *err;
    snprintf(path, sizeof path, "%s/locks.json", dir);

    char *a1[] = {"report", "--json", path};
    CHECK(run_main(3, a1, &out, &err) == 0);
    cJSON *j = cJSON_Parse(out);
    CHECK(j);
    if (j) check_keys(j);
    CHECK_INT(j, "events", 58);
    cJSON_Delete(j);
    CHECK(!*err);
    free(out);
    free(err);

    char *a2[] = {"report", path};
    CHECK(run_main(2, a2, &out, &err) == 0);
    check_text(out, "\nA mutex 4 2 12.0 us");
    free(out);
    free(err);

    char *a3[] = {"report", "--frobnicate", path};
    CHECK(run_main(3, a3, &out, &err) == 2);
    CHECK(!*out);
    /* a usage error is one line: the mistake, then the synopsis */
    CHECK(!strcmp(err, "threadlens report: unknown option '--frobnicate' "
                       "(usage: threadlens report [--json] FILE; --help for more)\n"));
    free(out);
    free(err);

    char *a4[] = {"report", "--json"};
    CHECK(run_main(2, a4, &out, &err) == 2);
    CHECK(starts_with(err, "threadlens report: missing FILE"));
    CHECK(strchr(err, '\n') == err + strlen(err) - 1);
    free(out);
    free(err);

    char *a5[] = {"report", path, path};
    CHECK(run_main(3, a5, &out, &err) == 2);
    free(out);
    free(err);

    char *a6[] = {"report", "--help"};
    CHECK(run_main(2, a6, &out, &err) == 0);
    CHECK(starts_with(out, "usage: threadlens report"));
    CHECK(!*err);
    free(out);
    free(err);

    /* A load error: the loader's one line, status 1, nothing on stdout. */
    char *a7[] = {"report", "/nonexistent/dir/trace.json"};
    CHECK(run_main(2, a7, &out, &err) == 1);
    CHECK(!*out);
    CHECK(lines(err) == 1 && strstr(err, "/nonexistent/dir/trace.json"));
    free(out);
    free(err);

    /* a name with a newline still makes one line */
    char *a9[] = {"report", "/nonexistent/a\nb.json"};
    CHECK(run_main(2, a9, &out, &err) == 1);
    CHECK(lines(err) == 1 && strstr(err, "/nonexistent/a\\x0ab.json"));
    free(out);
    free(err);

    char bad[] = "/tmp/tv_report_bad_XXXXXX";
    int fd = mkstemp(bad);
    CHECK(fd >= 0 && write(fd, "this is not json\n", 17) == 17);
    close(fd);
    char *a8[] = {"report", "--json", bad};
    CHECK(run_main(3, a8, &out, &err) == 1);
    CHECK(!*out);
    CHECK(lines(err) == 1 && starts_with(err, bad));
    free(out);
    free(err);
    unlink(bad);
}

/* A full disk: the write error is reported, not ignored. */
static void test_write_error(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/findings.json", dir);
    FILE *full = fopen("/dev/full", "w");
    if (!full) return; /* no /dev/full in this environment */
    tv_model *m = load(path);
    if (m) {
        CHECK(tv_report_write(m, full, 1) == -1);
        clearerr(full);
        CHECK(tv_report_write(m, full, 0) == -1);
        tv_model_free(m);
    }
    fclose(full);
}

/* ---- a real trace: build/bin/tl_demo (traces/demo/demo.c) ---- */

static void test_demo(const char *path) {
    tv_model *m = load(path);
    CHECK(m);
    if (!m) return;
    cJSON *j = report_json(m);
    CHECK(j);
    if (j) {
        check_keys(j);
        check_no_findings(j);
        CHECK(cJSON_IsTrue(get(j, "threadlens")));
        CHECK(cJSON_IsTrue(get(j, "complete")));
        CHECK(get_int(j, "events") > 0);
        /* main, 4 tellers, 2 auditors, the printer */
        CHECK(list_size(j, "threads") == 8);
        /* 4 tellers x 6 transfers, each locking two of the three accounts */
        int64_t account_acq = 0;
        int accounts = 0;
        const cJSON *k;
        cJSON_ArrayForEach(k, get(j, "locks")) {
            int64_t acq = get_int(k, "acquisitions"), cont = get_int(k, "contended");
            CHECK(cont >= 0 && cont <= acq && cont <= get_int(k, "waits"));
            CHECK(get_int(k, "hold_max_ns") <= get_int(k, "hold_total_ns"));
            CHECK(get_int(k, "wait_max_ns") <= get_int(k, "wait_total_ns"));
            if (starts_with(get_str(k, "name"), "account ")) {
                accounts++;
                CHECK(acq > 0);
                CHECK(!strcmp(get_str(k, "kind"), "mutex"));
                account_acq += acq;
            }
        }
        CHECK(accounts == 3);
        CHECK(account_acq == 48);
        /* 2 auditors x 3 read holds */
        const cJSON *ledger = by_name(get(j, "locks"), "ledger");
        CHECK(ledger);
        CHECK_INT(ledger, "acquisitions", 6);
        CHECK_INT(ledger, "read_holds", 6);
        CHECK(!strcmp(get_str(ledger, "kind"), "rwlock"));
        cJSON_Delete(j);
    }
    char *text = report(m, 0);
    if (text) {
        check_text(text, "\nprocess tl_demo (pid ");
        check_text(text, "\nfindings: none\n");
        check_text(text, "\nlocks (5)\n");
    }
    free(text);
    tv_model_free(m);
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "--demo")) {
        test_demo(argv[2]);
    } else if (argc == 2) {
        test_locks(argv[1]);
        test_truncated(argv[1]);
        test_findings(argv[1]);
        test_races(argv[1]);
        test_findings_pipe(argv[1]);
        test_live(argv[1]);
        test_samename(argv[1]);
        test_escapes(argv[1]);
        test_odd_numbers(argv[1]);
        test_foreign(argv[1]);
        test_main(argv[1]);
        test_write_error(argv[1]);
    } else {
        fprintf(stderr, "usage: test_report FIXTURE_DIR | --demo TRACE\n");
        return 2;
    }
    if (tl_test_failures) fprintf(stderr, "%d check(s) failed\n", tl_test_failures);
    else printf("ok\n");
    return tl_test_failures ? 1 : 0;
}
