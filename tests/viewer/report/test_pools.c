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

/* The figures that need no args: workers, run times, busy time, gaps. */
static void check_schedule(const cJSON *p) {
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
}

static void check_pools_json(const tv_model *m) {
    cJSON *j = report_json(m);
    CHECK(j);
    if (!j) return;
    const cJSON *pools = get(j, "pools");
    CHECK(cJSON_IsArray(pools) && cJSON_GetArraySize(pools) == 1);
    const cJSON *p = cJSON_GetArrayItem(pools, 0);
    if (p) {
        check_schedule(p);
        /* 17 us is waited by task 5; 50 us only by task 4's last piece */
        check_pct(p, "queue_wait_ns", 17000, 50000, 50000);
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
                         "crunch worker 0 11 80.0 us 20.0 us\n");
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
    char path[4096], tmpdir[] = "/tmp/tv_pools_fifo_XXXXXX";
    snprintf(path, sizeof path, "%s/pools.json", dir);
    CHECK(mkdtemp(tmpdir) != NULL);
    char fifo[sizeof tmpdir + 16];
    snprintf(fifo, sizeof fifo, "%s/p", tmpdir);
    CHECK(mkfifo(fifo, 0600) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        FILE *in = fopen(path, "rb"), *out = fopen(fifo, "wb");
        int c;
        while (in && out && (c = fgetc(in)) != EOF) fputc(c, out);
        if (out) fclose(out);
        _exit(0);
    }
    tv_model *m = load(fifo);
    int status;
    waitpid(pid, &status, 0);
    CHECK(m);
    if (m) {
        cJSON *j = report_json(m);
        const cJSON *p = j ? cJSON_GetArrayItem(get(j, "pools"), 0) : NULL;
        CHECK(p);
        if (p) {
            check_schedule(p);
            const cJSON *w = get(p, "queue_wait_ns");
            CHECK(cJSON_IsNull(get(w, "p50")) && cJSON_IsNull(get(w, "p95")) && cJSON_IsNull(get(w, "max")));
        }
        cJSON_Delete(j);
        char *text = report(m, 0);
        if (text) check_text(text, "\nqueue wait -\nrun time p50 20.0 us");
        free(text);
        tv_model_free(m);
    }
    unlink(fifo);
    rmdir(tmpdir);
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
    test_help();
    if (tl_test_failures) fprintf(stderr, "%d check(s) failed\n", tl_test_failures);
    else printf("ok\n");
    return tl_test_failures ? 1 : 0;
}
