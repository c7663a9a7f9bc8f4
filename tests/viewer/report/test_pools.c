/*
 * test_pools.c — the pool section of `threadlens report` (text and JSON) on
 * pools.json, a hand-written trace whose figures are worked out below.
 *
 *   test_pools DIR    DIR holds the fixtures (pools.json, locks.json)
 *
 * pools.json: pid 300, pool "crunch" (object 5), workers tid 11 (index 0),
 * 12 (index 1), 13 (index 2, runs nothing). Times in us:
 *   task  worker  slice               queue wait  status
 *   1     11      10-30  (20)         8           ok
 *   2     12      10-15  (5)          8           failed ("task failed" instant at 15)
 *   3     11      40-50  (10)         25.5        ok
 *   4     11      60-70 + 70-80 (20)  50          ok (two pieces; the last one has the args)
 *   5     12      20-60  (40)         17          ok
 * Lifetimes (first to last state slice): 11: 2-100 (98), 12: 2-90 (88),
 * 13: 5-100 (95, three pieces).
 * Queue waits 8 8 17 25.5 50: p50 (rank 3) 17, p95 (rank 5) 50, max 50.
 * Run times 5 10 20 20 40: p50 20, p95 40, max 40.
 * Busy: 11: 50, 12: 45, 13: 0; utilization 50/98 = 0.5102, 45/88 = 0.5114, 0.
 * Imbalance: 50 / (95 / 3) = 1.5789.
 * Idle gaps: 11: 2-10 (8), 30-40, 50-60 (10), 80-100 (20); 12: 2-10 (8),
 * 15-20 (5), 60-90 (30); 13: 5-100 (95). Longest: 13 95 at 5, 12 30 at 60,
 * 11 20 at 80.
 */
#define _GNU_SOURCE /* open_memstream, mkstemp */
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
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

#define CHECK_NUM(json, key, want)                                                        \
    do {                                                                                  \
        const cJSON *v_ = cJSON_GetObjectItemCaseSensitive(json, key);                    \
        if (!cJSON_IsNumber(v_) || fabs(v_->valuedouble - (want)) > 1e-9) {               \
            fprintf(stderr, "%s:%d: %s: got %g, want %g\n", __FILE__, __LINE__, key,      \
                    cJSON_IsNumber(v_) ? v_->valuedouble : NAN, (double)(want));          \
            tl_test_failures++;                                                           \
        }                                                                                 \
    } while (0)

static void check_pct(const cJSON *pool, const char *key, int64_t p50, int64_t p95, int64_t max) {
    const cJSON *p = get(pool, key);
    CHECK(cJSON_IsObject(p));
    CHECK_INT(p, "p50", p50);
    CHECK_INT(p, "p95", p95);
    CHECK_INT(p, "max", max);
}

static void check_worker(const cJSON *w, int64_t tid, const char *thread, int64_t index, int64_t tasks,
                         int64_t busy, int64_t life, double util) {
    CHECK(w);
    if (!w) return;
    CHECK_INT(w, "tid", tid);
    CHECK_STR(get_str(w, "thread"), thread);
    CHECK_INT(w, "index", index);
    CHECK_INT(w, "tasks", tasks);
    CHECK_INT(w, "busy_ns", busy);
    CHECK_INT(w, "lifetime_ns", life);
    CHECK_NUM(w, "utilization", util);
}

static void check_gap(const cJSON *g, int64_t tid, const char *thread, int64_t start, int64_t dur) {
    CHECK(g);
    if (!g) return;
    CHECK_INT(g, "tid", tid);
    CHECK_STR(get_str(g, "thread"), thread);
    CHECK_INT(g, "start_ns", start);
    CHECK_INT(g, "dur_ns", dur);
}

/* number -1: unknown (no args), null in the JSON */
static void check_task(const cJSON *t, int64_t number, const char *label, int64_t tid, int64_t start,
                       int64_t run, const char *status) {
    CHECK(t);
    if (!t) return;
    if (number >= 0) CHECK_INT(t, "task", number);
    else CHECK(cJSON_IsNull(get(t, "task")));
    CHECK_STR(get_str(t, "label"), label);
    CHECK_INT(t, "tid", tid);
    CHECK_INT(t, "start_ns", start);
    CHECK_INT(t, "run_ns", run);
    CHECK_STR(get_str(t, "status"), status);
}

/* The figures that need no args: workers, run times, busy time, gaps. */
static void check_schedule(const cJSON *p, int args) {
    CHECK_INT(p, "pid", 300);
    CHECK_INT(p, "id", 5);
    CHECK_STR(get_str(p, "name"), "crunch");
    CHECK_INT(p, "workers", 3);
    CHECK_INT(p, "tasks", 5);
    CHECK_INT(p, "failed", 1);
    CHECK_INT(p, "cancelled", 1);
    check_pct(p, "run_ns", 20000, 40000, 40000);
    CHECK_NUM(p, "imbalance", 1.5789);
    const cJSON *ws = get(p, "worker_stats");
    CHECK(cJSON_GetArraySize(ws) == 3);
    check_worker(cJSON_GetArrayItem(ws, 0), 11, "crunch worker 0", 0, 3, 50000, 98000, 0.5102);
    check_worker(cJSON_GetArrayItem(ws, 1), 12, "crunch worker 1", 1, 2, 45000, 88000, 0.5114);
    check_worker(cJSON_GetArrayItem(ws, 2), 13, "crunch worker 2", 2, 0, 0, 95000, 0);
    const cJSON *gs = get(p, "idle_gaps");
    CHECK(cJSON_GetArraySize(gs) == 3);
    check_gap(cJSON_GetArrayItem(gs, 0), 13, "crunch worker 2", 5000, 95000);
    check_gap(cJSON_GetArrayItem(gs, 1), 12, "crunch worker 1", 60000, 30000);
    check_gap(cJSON_GetArrayItem(gs, 2), 11, "crunch worker 0", 80000, 20000);
    /* every task, by start then worker; task 4's two pieces are one task */
    const cJSON *ts = get(p, "task_list");
    CHECK(cJSON_GetArraySize(ts) == 5);
    check_task(cJSON_GetArrayItem(ts, 0), args ? 1 : -1, "parse", 11, 10000, 20000, "ok");
    check_task(cJSON_GetArrayItem(ts, 1), args ? 2 : -1, "parse", 12, 10000, 5000, "failed");
    check_task(cJSON_GetArrayItem(ts, 2), args ? 5 : -1, "sum", 12, 20000, 40000, "ok");
    check_task(cJSON_GetArrayItem(ts, 3), args ? 3 : -1, "sum", 11, 40000, 10000, "ok");
    check_task(cJSON_GetArrayItem(ts, 4), args ? 4 : -1, "merge", 11, 60000, 20000, "ok");
}

static void check_pools_json(const tv_model *m) {
    cJSON *j = report_json(m);
    CHECK(j);
    if (!j) return;
    const cJSON *pools = get(j, "pools");
    CHECK(cJSON_IsArray(pools) && cJSON_GetArraySize(pools) == 1);
    const cJSON *p = cJSON_GetArrayItem(pools, 0);
    if (p) {
        check_schedule(p, 1);
        /* 17 us is waited by task 5; 50 us only by task 4's last piece */
        check_pct(p, "queue_wait_ns", 17000, 50000, 50000);
        const cJSON *ts = get(p, "task_list");
        CHECK_INT(cJSON_GetArrayItem(ts, 1), "queue_wait_ns", 8000);
        CHECK_INT(cJSON_GetArrayItem(ts, 4), "queue_wait_ns", 50000);
    }
    cJSON_Delete(j);
}

static void test_pools(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/pools.json", dir);
    tv_model *m = load(path);
    CHECK(m);
    if (!m) return;
    check_pools_json(m);
    char *text = report(m, 0);
    CHECK(text);
    if (text) {
        check_text(text, "\nlocks: none\n\npools (1)\n");
        check_text(text, "\ncrunch (pid 300, object #5): 3 workers, 5 tasks ran, 1 failed, 1 cancelled\n"
                         "queue wait p50 17.0 us, p95 50.0 us, max 50.0 us\n"
                         "run time p50 20.0 us, p95 40.0 us, max 40.0 us\n"
                         "imbalance 1.58 (max busy / mean busy; 1.00 = even)\n"
                         "worker tid index tasks busy lifetime utilization\n"
                         "crunch worker 0 11 0 3 50.0 us 98.0 us 51.0%\n"
                         "crunch worker 1 12 1 2 45.0 us 88.0 us 51.1%\n"
                         "crunch worker 2 13 2 0 0 ns 95.0 us 0.0%\n"
                         "longest idle gaps\n"
                         "worker tid from idle for\n"
                         "crunch worker 2 13 5.00 us 95.0 us\n"
                         "crunch worker 1 12 60.0 us 30.0 us\n"
                         "crunch worker 0 11 80.0 us 20.0 us\n"
                         "tasks\n"
                         "start task label worker queue wait run time status\n"
                         "10.0 us 1 parse crunch worker 0 8.00 us 20.0 us ok\n"
                         "10.0 us 2 parse crunch worker 1 8.00 us 5.00 us FAILED\n"
                         "20.0 us 5 sum crunch worker 1 17.0 us 40.0 us ok\n"
                         "40.0 us 3 sum crunch worker 0 25.5 us 10.0 us ok\n"
                         "60.0 us 4 merge crunch worker 0 50.0 us 20.0 us ok\n");
        check_text(text, "\nfindings: none\n");
        free(text);
    }
    tv_model_free(m);
}

/* A trace without pools: an empty list, and "pools: none". */
static void test_no_pool(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/locks.json", dir);
    tv_model *m = load(path);
    CHECK(m);
    if (!m) return;
    cJSON *j = report_json(m);
    CHECK(j);
    if (j) {
        CHECK(cJSON_IsArray(get(j, "pools")) && cJSON_GetArraySize(get(j, "pools")) == 0);
        cJSON_Delete(j);
    }
    char *text = report(m, 0);
    if (text) check_text(text, "\npools: none\n");
    free(text);
    tv_model_free(m);
}

/* From a pipe the args cannot be re-read: tasks still belong to their
 * worker's pool, a failure shows by its instant, queue waits are unknown. */
static void test_pipe(const char *dir) {
    tv_model *m = load_via_pipe(dir, "pools.json");
    CHECK(m);
    if (m) {
        cJSON *j = report_json(m);
        const cJSON *p = j ? cJSON_GetArrayItem(get(j, "pools"), 0) : NULL;
        CHECK(p);
        if (p) {
            check_schedule(p, 0);
            CHECK(cJSON_IsNull(get(cJSON_GetArrayItem(get(p, "task_list"), 0), "queue_wait_ns")));
            const cJSON *w = get(p, "queue_wait_ns");
            CHECK(cJSON_IsNull(get(w, "p50")) && cJSON_IsNull(get(w, "p95")) && cJSON_IsNull(get(w, "max")));
        }
        cJSON_Delete(j);
        char *text = report(m, 0);
        if (text) check_text(text, "\nqueue wait -\nrun time p50 20.0 us");
        free(text);
        tv_model_free(m);
    }
}

/* A trace that grew after the load (still being written): the last piece
 * of task 4 is still found at its offset and checked. */
static void test_grown(const char *dir) {
    char path[4096], tmp[] = "/tmp/tv_pools_live_XXXXXX";
    snprintf(path, sizeof path, "%s/pools.json", dir);
    FILE *in = fopen(path, "rb");
    int fd = mkstemp(tmp);
    CHECK(in && fd >= 0);
    if (!in || fd < 0) {
        if (in) fclose(in);
        if (fd >= 0) close(fd);
        return;
    }
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) CHECK(write(fd, buf, n) == (ssize_t)n);
    fclose(in);
    tv_model *m = load(tmp);
    CHECK(m);
    if (m) {
        CHECK(write(fd, "\n\n", 2) == 2);
        check_pools_json(m);
        tv_model_free(m);
    }
    close(fd);
    unlink(tmp);
}

/* A new temporary file at path (a mkstemp template) for a generated trace. */
static FILE *temp_trace(char *path) {
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    CHECK(f);
    if (!f && fd >= 0) close(fd);
    return f;
}

/* 50 tasks, 45 and 47 failed: the text lists the first 20 and then the
 * two failures; --json all 50, the pipe's queue waits unknown. */
static void test_many(void) {
    char tmp[] = "/tmp/tv_pools_many_XXXXXX";
    FILE *f = temp_trace(tmp);
    if (!f) return;
    fputs("[\n{\"ph\":\"M\",\"pid\":7,\"tid\":2,\"name\":\"thread_name\",\"args\":{\"name\":\"w0\"}},\n", f);
    for (int i = 1; i <= 50; i++)
        fprintf(f,
                "{\"ph\":\"X\",\"pid\":7,\"tid\":2,\"ts\":%d,\"dur\":1,\"cat\":\"task\",\"name\":\"t%d\","
                "\"args\":{\"pool\":\"p\",\"pool_id\":1,\"task\":%d,\"queue_wait_us\":%d,\"status\":\"%s\"}},\n",
                i * 10, i, i, i, i == 45 || i == 47 ? "failed" : "ok");
    fputs("{\"ph\":\"i\",\"pid\":7,\"tid\":2,\"ts\":600,\"s\":\"t\",\"name\":\"end\"}\n]\n", f);
    fclose(f);
    tv_model *m = load(tmp);
    CHECK(m);
    if (m) {
        char *text = report(m, 0);
        CHECK(text);
        if (text) {
            check_text(text, "tasks (the first 20 by start, then the later failed ones; 28 not shown: "
                             "--json lists them all)\n");
            check_text(text, "200 us 20 t20 w0 20.0 us 1.00 us ok\n"
                             "450 us 45 t45 w0 45.0 us 1.00 us FAILED\n"
                             "470 us 47 t47 w0 47.0 us 1.00 us FAILED\n"
                             "queue wait: submit");
            CHECK(!strstr(text, " t21 "));
            free(text);
        }
        cJSON *j = report_json(m);
        const cJSON *ts = j ? get(cJSON_GetArrayItem(get(j, "pools"), 0), "task_list") : NULL;
        CHECK(cJSON_GetArraySize(ts) == 50);
        check_task(cJSON_GetArrayItem(ts, 49), 50, "t50", 2, 500000, 1000, "ok");
        cJSON_Delete(j);
        tv_model_free(m);
    }
    unlink(tmp);
}

/* An unobserved task failure: its own JSON key and its own text, naming
 * the task, the worker, the status and the submitter. */
static void test_unobserved(void) {
    char tmp[] = "/tmp/tv_pools_unobs_XXXXXX";
    FILE *f = temp_trace(tmp);
    if (!f) return;
    fputs("[\n"
          "{\"ph\":\"M\",\"pid\":9,\"tid\":1,\"name\":\"thread_name\",\"args\":{\"name\":\"main\"}},\n"
          "{\"ph\":\"M\",\"pid\":9,\"tid\":3,\"name\":\"thread_name\",\"args\":{\"name\":\"ex worker 1\"}},\n"
          "{\"ph\":\"i\",\"pid\":9,\"tid\":1,\"ts\":400,\"s\":\"t\",\"cat\":\"finding\","
          "\"name\":\"unobserved task failure\",\"args\":{\"finding\":\"unobserved task failure\",\"id\":1,"
          "\"count\":1,\"message\":\"unobserved task failure: task 'load(1)'\",\"pool\":\"ex\",\"pool_id\":1,"
          "\"task\":2,\"label\":\"load(1)\",\"status_code\":-1,\"error\":\"no data\",\"worker\":3,"
          "\"failed_ts\":200,\"submitted_by\":1,\"submitted_at\":\"main.c:55\"}}\n]\n",
          f);
    fclose(f);
    tv_model *m = load(tmp);
    CHECK(m);
    if (m) {
        char *text = report(m, 0);
        CHECK(text);
        if (text) {
            check_text(text, "\nfindings (1)\nunobserved task failure at 400 us on thread 1 (main)\n");
            check_text(text, "\ntask load(1) (#2) of pool ex failed on thread 3 (ex worker 1) at 200 us: "
                             "status -1: no data\nsubmitted by thread 1 (main) at main.c:55\n");
            free(text);
        }
        cJSON *j = report_json(m);
        const cJSON *t = j ? cJSON_GetArrayItem(get(j, "task_failures"), 0) : NULL;
        CHECK(t);
        CHECK_INT(t, "tid", 1);
        CHECK_INT(get(t, "args"), "task", 2);
        CHECK(j && cJSON_GetArraySize(get(j, "other_findings")) == 0);
        cJSON_Delete(j);
        tv_model_free(m);
    }
    unlink(tmp);
}

/* --help names the key. */
static void test_help(void) {
    char out[] = "/tmp/tv_pools_help_XXXXXX";
    int fd = mkstemp(out);
    CHECK(fd >= 0);
    if (fd < 0) return;
    fflush(stdout);
    int saved = dup(1);
    dup2(fd, 1);
    char *argv[] = {"report", "--help"};
    int rc = tv_report_main(2, argv);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    CHECK(rc == 0);
    char text[4096] = "";
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    if (n > 0) text[n] = 0;
    close(fd);
    unlink(out);
    check_text(text, "locks, pools,");
    check_text(text, "misuse, task_failures.");
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: test_pools FIXTURE_DIR\n");
        return 2;
    }
    test_pools(argv[1]);
    test_no_pool(argv[1]);
    test_pipe(argv[1]);
    test_grown(argv[1]);
    test_many();
    test_unobserved();
    test_help();
    if (tl_test_failures) fprintf(stderr, "%d check(s) failed\n", tl_test_failures);
    else printf("ok\n");
    return tl_test_failures ? 1 : 0;
}
