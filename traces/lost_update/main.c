/*
 * lost_update — the seeds' race condition (tutorials 002, 001, 000): two
 * tasks of a pool update one FakeDatabase, and one update is lost.
 *
 *     class FakeDatabase:
 *         def __init__(self):
 *             self.value = 0
 *         def update(self, name):
 *             local_copy = self.value
 *             local_copy += 1
 *             time.sleep(0.1)
 *             self.value = local_copy
 *
 *     with concurrent.futures.ThreadPoolExecutor(max_workers=2) as executor:
 *         for index in range(2):
 *             executor.submit(database.update, index)
 *     logging.info("Testing update. Ending value is %d.", database.value)
 *
 * The C twin: `database` is a global struct, update() a task on a tl_pool of
 * two workers. Both tasks copy 0, sleep 100 ms (0.1 s in the seed: the same),
 * and write 1 back: the ending value is 1, and threadlens reports the data
 * race on database.value — on every run, since nothing orders the two tasks
 * whatever the timing.
 *
 *   (no argument)  update: the seed's race.
 *   fixed          locked_update: the same steps inside `with self._lock:`,
 *                  a pthread mutex. Ending value 2, nothing to report.
 *   semaphore      locked_update3 (tutorial 000): a semaphore of 1 used as
 *                  the lock (sem_wait/sem_post). Ending value 2, nothing.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <threadlens.h>

typedef struct {
    int value;
    pthread_mutex_t lock; /* self.lock (self._lock in tutorial 002) */
    sem_t mutex;          /* self.mutex = threading.Semaphore() */
} FakeDatabase;

static FakeDatabase database = {.value = 0, .lock = PTHREAD_MUTEX_INITIALIZER};

/* logging.info with format "%(asctime)s: %(message)s", to the millisecond. */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...) {
    struct timespec ts;
    struct tm tm;
    va_list ap;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    printf("%02d:%02d:%02d.%03ld: ", tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

static int update(void *arg, void **result) {
    long name = (long)arg;
    say("Thread %ld: starting update", name);
    int local_copy = database.value;
    local_copy += 1;
    tl_sleep_ms(100); /* the other task reads the old value meanwhile */
    database.value = local_copy;
    say("Thread %ld: finishing update", name);
    *result = NULL;
    return 0;
}

static int locked_update(void *arg, void **result) {
    long name = (long)arg;
    say("Thread %ld: starting update", name);
    pthread_mutex_lock(&database.lock); /* with self._lock: */
    int local_copy = database.value;
    local_copy += 1;
    tl_sleep_ms(100);
    database.value = local_copy;
    pthread_mutex_unlock(&database.lock);
    say("Thread %ld: finishing update", name);
    *result = NULL;
    return 0;
}

static int locked_update3(void *arg, void **result) {
    long name = (long)arg;
    say("Thread %ld: starting update", name);
    sem_wait(&database.mutex); /* self.mutex.acquire() */
    int local_copy = database.value;
    local_copy += 1;
    tl_sleep_ms(100);
    database.value = local_copy;
    sem_post(&database.mutex); /* self.mutex.release() */
    say("Thread %ld: finishing update", name);
    *result = NULL;
    return 0;
}

int main(int argc, char **argv) {
    const char *form = argc > 1 ? argv[1] : "";
    tl_task_fn fn;
    const char *fn_name; /* names the tasks in the trace */
    if (argc == 1) {
        fn = update, fn_name = "update";
    } else if (strcmp(form, "fixed") == 0) {
        fn = locked_update, fn_name = "locked_update";
    } else if (strcmp(form, "semaphore") == 0) {
        fn = locked_update3, fn_name = "locked_update3";
    } else {
        fprintf(stderr, "usage: %s [fixed|semaphore]\n", argv[0]);
        return 2;
    }
    /* A value 1 semaphore lets one thread at a time in: a lock. (Made only
     * when used: threadlens draws a semaphore's value as a counter.) */
    if (fn == locked_update3) sem_init(&database.mutex, 0, 1);
    /* value is the struct's first field: at its address the trace would
     * see the whole struct, "database". */
    tl_name_var(&database.value, sizeof(database.value), "database.value");

    say("Testing update. Starting value is %d.", database.value);
    tl_pool *executor = tl_pool_create(2, "executor");
    if (!executor) return 1;
    for (long index = 0; index < 2; index++) {
        char label[48];
        snprintf(label, sizeof(label), "%s(%ld)", fn_name, index);
        if (!tl_pool_submit(executor, fn, (void *)index, label)) return 1;
    }
    tl_pool_destroy(executor); /* the end of the with block: waits for both */
    say("Testing update. Ending value is %d.", database.value);
    if (fn == locked_update3) sem_destroy(&database.mutex);
    return 0;
}
