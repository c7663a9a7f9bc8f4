/*
 * pool_exception — the seeds' warning about ThreadPoolExecutor: a task that
 * raises, whose future nobody looks at, fails in silence (the program
 * "terminates with no output"). The C twin: a task fails (tl_task_fail)
 * and the program never asks its future. threadlens does not stay silent:
 * the failure is reported on stderr when the pool shuts down, as an
 * "unobserved task failure" finding in the trace and in `threadlens report`.
 *
 *     with concurrent.futures.ThreadPoolExecutor(max_workers=2) as executor:
 *         for index in range(3):
 *             executor.submit(thread_function, index)   # index 1 raises
 *
 * `tl_pool_exception fixed` keeps the futures and looks at each result, as
 * the seed's fix does (future.result() re-raises): the failure is then the
 * program's to handle, and nothing is reported. See README.md.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <threadlens.h>

#define TASKS 3

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
    if (index == 1) /* Python: raise ValueError(...) */
        return tl_task_fail("Thread %ld: no data for index %ld", index, index);
    say("finishing", index);
    *result = NULL;
    return 0;
}

int main(int argc, char **argv) {
    int fixed = argc > 1 && strcmp(argv[1], "fixed") == 0;
    tl_pool *executor = tl_pool_create(2, "executor");
    if (!executor) return 1;
    tl_future *futures[TASKS];
    for (long index = 0; index < TASKS; index++) {
        char label[48];
        snprintf(label, sizeof(label), "thread_function(%ld)", index);
        futures[index] = tl_pool_submit(executor, thread_function, (void *)index, label);
        if (!futures[index]) return 1;
    }
    int failed = 0;
    if (fixed) {
        for (long index = 0; index < TASKS; index++) {
            if (tl_future_result(futures[index], NULL) != 0) {
                printf("task %ld failed: %s\n", index, tl_future_error(futures[index]));
                failed = 1;
            }
        }
    }
    /* The buggy version ends the with block without a look at the futures:
     * shutdown reports the failure nobody saw. */
    tl_pool_destroy(executor);
    return failed;
}
