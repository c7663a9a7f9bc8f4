/*
 * pool_map — the seeds' ThreadPoolExecutor.map, in C with tl_pool:
 *
 *     with concurrent.futures.ThreadPoolExecutor(max_workers=3) as executor:
 *         executor.map(thread_function, range(3))
 *
 * Each task logs, sleeps (200 ms here, 2 s in the seed) and logs again.
 * `tl_pool_map 2 4` is the other seed's version (max_workers=2, range(4)):
 * two tasks then wait in the pool's queue for a worker. See README.md.
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
    unsigned max_workers = argc > 1 ? (unsigned)atoi(argv[1]) : 3;
    long tasks = argc > 2 ? atol(argv[2]) : 3;
    if (max_workers < 1 || tasks < 1 || tasks > 1000) {
        fprintf(stderr, "usage: %s [MAX_WORKERS [TASKS]]\n", argv[0]);
        return 2;
    }
    void *range[1000];
    for (long i = 0; i < tasks; i++) range[i] = (void *)i;

    tl_pool *executor = tl_pool_create(max_workers, "executor");
    if (!executor) return 1;
    /* map waits for every task; NULL label: each is named thread_function. */
    int status = tl_pool_map(executor, thread_function, range, NULL, (size_t)tasks, NULL);
    /* The end of the with block: shutdown(wait=True), then the pool is gone. */
    tl_pool_destroy(executor);
    return status != 0;
}
