/*
 * semaphore — the seeds' threading.Semaphore.
 *
 * Seed 002's Semaphore section: a counter that acquire() decrements and
 * release() increments, acquire() blocking while it is zero; used to limit
 * how many threads use a resource at once, such as a connection pool:
 *
 *     pool = threading.Semaphore(2)
 *     def worker(index):
 *         with pool:                # acquire ... release
 *             use_a_connection()
 *
 * The C twin (the default run): a POSIX semaphore `connection_pool` with
 * value 2 and 5 threads, each using a connection for 100 ms; at most two
 * are inside at once, the other three wait in sem_wait.
 *
 * `tl_semaphore mutex` is seed 000's other use: Semaphore() (value 1) as a
 * lock around FakeDatabase's `value += 1`, by two threads:
 *
 *     self.mutex = threading.Semaphore()
 *     def locked_update3(self):
 *         self.mutex.acquire(); self.value += 1; self.mutex.release()
 *
 * Both are correct: threadlens finds nothing.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define THREADS 5
#define CONNECTIONS 2

static sem_t connection_pool;
static sem_t mutex; /* FakeDatabase's Semaphore() */
static int value;   /* FakeDatabase.value, under mutex */

/* logging.info with format "%(asctime)s: %(message)s", to the millisecond. */
static void say(long index, const char *what) {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    printf("%02d:%02d:%02d.%03ld: Thread %ld: %s\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
           ts.tv_nsec / 1000000, index, what);
    fflush(stdout);
}

static void *worker(void *arg) {
    long index = (long)arg;
    char name[16];
    snprintf(name, sizeof name, "worker %ld", index);
    pthread_setname_np(pthread_self(), name);
    say(index, "waiting for a connection");
    sem_wait(&connection_pool); /* with pool: */
    say(index, "got a connection");
    usleep(100 * 1000); /* use it */
    say(index, "releasing its connection");
    sem_post(&connection_pool);
    return NULL;
}

static void *locked_update3(void *arg) {
    long index = (long)arg;
    char name[16];
    snprintf(name, sizeof name, "update %ld", index);
    pthread_setname_np(pthread_self(), name);
    say(index, "starting update");
    sem_wait(&mutex);
    int local_copy = value; /* value += 1, in the seed's slow steps */
    local_copy += 1;
    usleep(100 * 1000);
    value = local_copy;
    sem_post(&mutex);
    say(index, "finishing update");
    return NULL;
}

int main(int argc, char **argv) {
    int as_mutex = argc > 1 && strcmp(argv[1], "mutex") == 0;
    int n = as_mutex ? 2 : THREADS;
    sem_init(as_mutex ? &mutex : &connection_pool, 0, as_mutex ? 1 : CONNECTIONS);
    pthread_t threads[THREADS];
    for (long index = 0; index < n; index++)
        pthread_create(&threads[index], NULL, as_mutex ? locked_update3 : worker, (void *)index);
    for (long index = 0; index < n; index++) pthread_join(threads[index], NULL);
    if (as_mutex) printf("Testing update. Ending value is %d.\n", value);
    sem_destroy(as_mutex ? &mutex : &connection_pool);
    return 0;
}
