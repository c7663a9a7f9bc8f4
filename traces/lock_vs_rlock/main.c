/*
 * lock_vs_rlock — seed 001: "RLock allows a thread to .acquire() an RLock
 * multiple times before it calls .release()". A plain Lock does not: the
 * second acquire by the thread that holds it waits for itself, forever.
 * The seed's FakeDatabase, with a helper that takes the lock too:
 *
 *     class FakeDatabase:
 *         def __init__(self):
 *             self.value = 0
 *             self._lock = threading.Lock()      # fixed: threading.RLock()
 *         def value_now(self):
 *             with self._lock:
 *                 return self.value
 *         def locked_update(self, name):
 *             with self._lock:
 *                 local_copy = self.value_now()  # acquires _lock again
 *                 local_copy += 1
 *                 time.sleep(0.1)
 *                 self.value = local_copy
 *
 * The C twin: two threads run locked_update. `tl_lock_vs_rlock` makes
 * database_lock a default pthread mutex (Lock): the first thread in
 * locked_update deadlocks on itself in value_now, threadlens reports the
 * deadlock (a cycle of one thread) and ends the process with status 86.
 * `tl_lock_vs_rlock fixed` makes it PTHREAD_MUTEX_RECURSIVE (RLock): the
 * nested acquire just counts, and the value ends at 2. See README.md.
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* logging.info with format "%(asctime)s: %(message)s", to the millisecond. */
static void say(const char *fmt, ...) {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    printf("%02d:%02d:%02d.%03ld: ", tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* FakeDatabase: self._lock and self.value */
static pthread_mutex_t database_lock;
static long database_value;

static long value_now(void) {
    /* Called with database_lock already held by locked_update. */
    pthread_mutex_lock(&database_lock);
    long value = database_value;
    pthread_mutex_unlock(&database_lock);
    return value;
}

static void *locked_update(void *arg) {
    long name = (long)arg;
    say("Thread %ld: starting update", name);
    pthread_mutex_lock(&database_lock);
    long local_copy = value_now();
    local_copy += 1;
    sleep_ms(100);
    database_value = local_copy;
    pthread_mutex_unlock(&database_lock);
    say("Thread %ld: finishing update", name);
    return NULL;
}

int main(int argc, char **argv) {
    int fixed = argc > 1 && strcmp(argv[1], "fixed") == 0;
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    /* Lock or RLock: the only difference between the two forms. */
    pthread_mutexattr_settype(&attr, fixed ? PTHREAD_MUTEX_RECURSIVE : PTHREAD_MUTEX_DEFAULT);
    pthread_mutex_init(&database_lock, &attr);
    pthread_mutexattr_destroy(&attr);

    say("Testing update. Starting value is %ld.", database_value);
    pthread_t threads[2];
    for (long index = 0; index < 2; index++) {
        pthread_create(&threads[index], NULL, locked_update, (void *)index);
        /* Named by main, before main can join it: the lane and main's
         * "joining ..." slice both get the name. */
        char thread_name[16];
        snprintf(thread_name, sizeof thread_name, "Thread %ld", index);
        pthread_setname_np(threads[index], thread_name);
    }
    for (int index = 0; index < 2; index++) pthread_join(threads[index], NULL);
    say("Testing update. Ending value is %ld.", database_value);
    pthread_mutex_destroy(&database_lock);
    return 0;
}
