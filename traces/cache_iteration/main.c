/*
 * cache_iteration — the seeds' "using locks in threading" (tutorial 003): one
 * thread walks a cache while another adds to it.
 *
 *     my_cache = {str(i): i for i in range(100)}
 *     lck = Lock()
 *
 *     def check_cache() -> None:
 *         while True:
 *             with lck:
 *                 for key, value in my_cache.items():
 *                     pass    # do important stuff with cache items
 *
 *     def add_to_cache() -> None:
 *         while True:
 *             with lck:
 *                 current_time = time.time_ns()
 *                 my_cache[str(current_time)] = current_time
 *                 time.sleep(0.1)
 *
 * Without the lock, the cache can grow in the middle of check_cache's loop:
 * "RuntimeError: dictionary changed size during iteration".
 *
 * The C twin: the cache is a fixed array of key/value entries and a count
 * (room for every entry ever added, so the buggy form reads stale entries but
 * cannot crash). check_cache walks it, spending 30 us on each entry, and
 * raises Python's RuntimeError when the count changed under it; it stops when
 * it has seen every addition. add_to_cache adds 5 entries, each inside the
 * lock with a 20 ms sleep (0.1 s in the seed), and pauses 5 ms between them
 * so that check_cache gets the lock (a lock is not fair: without the pause
 * the adder takes it back at once). The run takes about 130 ms.
 *
 *   (no argument)  no lock: threadlens reports the data race on my_cache on
 *                  every run; the RuntimeError appears on most.
 *   fixed          both hold lck, as in the seed: nothing to report.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <threadlens.h>

#define INITIAL 100
#define ADDS 5
#define WORK_NS 30000 /* the "important stuff" done with each entry */

typedef struct {
    char key[24];
    long long value;
} entry;

static struct {
    entry entries[INITIAL + ADDS];
    int count;
} my_cache;
static pthread_mutex_t lck = PTHREAD_MUTEX_INITIALIZER;
static int use_lock;

static long long now_ns(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *check_cache(void *arg) {
    (void)arg;
    pthread_setname_np(pthread_self(), "check_cache");
    for (;;) {
        if (use_lock) pthread_mutex_lock(&lck);
        int size = my_cache.count;
        unsigned long long total = 0; /* the "important stuff": a sum */
        for (int i = 0; i < size; i++) {
            total += (unsigned long long)my_cache.entries[i].value;
            /* Work without calls to instrumented functions: each call would
             * be a slice in the trace. */
            struct timespec t0, t;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            do clock_gettime(CLOCK_MONOTONIC, &t);
            while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < WORK_NS);
        }
        int changed = my_cache.count != size;
        if (use_lock) pthread_mutex_unlock(&lck);
        if (changed) {
            /* What Python prints when the exception ends the thread. */
            fprintf(stderr, "Exception in thread check_cache:\n"
                            "RuntimeError: dictionary changed size during iteration\n");
            return NULL;
        }
        if (size == INITIAL + ADDS) {
            printf("check_cache: saw all %d entries (sum %llu)\n", size, total);
            return NULL;
        }
        struct timespec pause = {0, 1000000}; /* 1 ms: lets the adder in */
        nanosleep(&pause, NULL);
    }
}

static void *add_to_cache(void *arg) {
    (void)arg;
    pthread_setname_np(pthread_self(), "add_to_cache");
    for (int n = 0; n < ADDS; n++) {
        if (use_lock) pthread_mutex_lock(&lck);
        long long current_time = now_ns(CLOCK_REALTIME);
        entry *e = &my_cache.entries[my_cache.count];
        snprintf(e->key, sizeof(e->key), "%lld", current_time);
        e->value = current_time;
        my_cache.count++;
        struct timespec sleep = {0, 20000000}; /* time.sleep(0.1) */
        nanosleep(&sleep, NULL);
        if (use_lock) pthread_mutex_unlock(&lck);
        struct timespec pause = {0, 5000000};
        nanosleep(&pause, NULL);
    }
    return NULL;
}

int main(int argc, char **argv) {
    use_lock = argc > 1 && strcmp(argv[1], "fixed") == 0;
    if (argc > 1 && !use_lock) {
        fprintf(stderr, "usage: %s [fixed]\n", argv[0]);
        return 2;
    }
    for (int i = 0; i < INITIAL; i++) { /* {str(i): i for i in range(100)} */
        snprintf(my_cache.entries[i].key, sizeof(my_cache.entries[i].key), "%d", i);
        my_cache.entries[i].value = i;
    }
    my_cache.count = INITIAL;
    /* Races on a global are named "my_cache+0xd20"; the fields read better. */
    tl_name_var(&my_cache.count, sizeof(my_cache.count), "my_cache.count");
    tl_name_var(my_cache.entries, sizeof(my_cache.entries), "my_cache.entries");

    pthread_t check_cache_thread, add_to_cache_thread;
    if (pthread_create(&check_cache_thread, NULL, check_cache, NULL) != 0) return 1;
    if (pthread_create(&add_to_cache_thread, NULL, add_to_cache, NULL) != 0) return 1;
    pthread_join(check_cache_thread, NULL);
    pthread_join(add_to_cache_thread, NULL);
    printf("my_cache has %d entries\n", my_cache.count);
    return 0;
}
