/*
 * pool_submit — the seeds' ThreadPoolExecutor.submit, in C with tl_pool:
 *
 *     with concurrent.futures.ThreadPoolExecutor(max_workers=2) as executor:
 *         for index in range(2):
 *             executor.submit(thread_function, index)
 *
 * Each task logs, sleeps (200 ms here, 2 s in the seed) and logs again.
 * `tl_pool_submit 2 4` submits four: two then wait in the pool's queue for a
 * worker. See README.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <threadlens.h>

/* logging.info with format "%(asctime)s: %(message)s", to the millisecond. */
static void say(const char *what, long index) {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    printf("%02d:%02d:%02d.%03ld: Thread %ld: %s\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
           ts.tv_nsec / 1000000, index, what);
    fflush(stdout);
}

static int thread_function(void *arg, void **result) {
    long index = (long)arg;
    say("starting", index);
    tl_sleep_ms(200);
    say("finishing", index);
    *result = NULL;
    return 0;
}

int main(int argc, char **argv) {
    unsigned max_workers = argc > 1 ? (unsigned)atoi(argv[1]) : 2;
    long tasks = argc > 2 ? atol(argv[2]) : 2;
    if (max_workers < 1 || tasks < 1) {
        fprintf(stderr, "usage: %s [MAX_WORKERS [TASKS]]\n", argv[0]);
        return 2;
    }
    tl_pool *executor = tl_pool_create(max_workers, "executor");
    if (!executor) return 1;
    for (long index = 0; index < tasks; index++) {
        /* The label names the task in the trace and the report. */
        char label[48];
        snprintf(label, sizeof(label), "thread_function(%ld)", index);
        /* Like the seed, the future is not kept: the pool frees it. */
        if (!tl_pool_submit(executor, thread_function, (void *)index, label)) return 1;
    }
    /* The end of the with block: shutdown(wait=True) runs every submitted
     * task, then the pool and its futures are gone. */
    tl_pool_destroy(executor);
    return 0;
}
