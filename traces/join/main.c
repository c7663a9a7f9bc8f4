/*
 * join — the seeds' join() (tutorial 002, "join() a Thread"): "If you
 * .join() a thread, that statement will wait until either kind of thread is
 * finished" — daemon or not.
 *
 *     x = threading.Thread(target=thread_function, args=(1,))  # or daemon=True
 *     x.start()
 *     logging.info("Main    : wait for the thread to finish")
 *     x.join()
 *     logging.info("Main    : all done")
 *
 * The C twin, no argument: main joins a joinable thread; pthread_join
 * waits out its 200 ms sleep (2 s in the seed).
 *
 * `tl_join detached`: the pitfall of taking the seed's sentence to C. The
 * C daemon thread is a detached one, and a detached thread cannot be joined:
 * pthread_join fails at once with EINVAL (if the thread were already gone it
 * would be undefined behaviour). threadlens reports "join of a detached
 * thread". main has to wait some other way — here the thread posts a
 * semaphore when it is done. See README.md.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* logging.info with format "%(asctime)s: %(message)s", to the millisecond. */
static void say(const char *what) {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    printf("%02d:%02d:%02d.%03ld: %s\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
           ts.tv_nsec / 1000000, what);
    fflush(stdout);
}

static void sleep_ms(long ms) {
    struct timespec d = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&d, NULL);
}

static int detached;
static sem_t finished;   /* posted by the detached thread when it is done */
static sem_t may_return; /* keeps it alive until main has tried its join */

static void *thread_function(void *arg) {
    long name = (long)arg;
    char line[64];
    snprintf(line, sizeof(line), "Thread %ld", name);
    pthread_setname_np(pthread_self(), line);
    snprintf(line, sizeof(line), "Thread %ld: starting", name);
    say(line);
    sleep_ms(200);
    snprintf(line, sizeof(line), "Thread %ld: finishing", name);
    say(line);
    if (detached) {
        sem_post(&finished);
        /* Joining a detached thread that has already ended is undefined:
         * make sure main's join meets it alive, whatever the timing. */
        sem_wait(&may_return);
    }
    return NULL;
}

int main(int argc, char **argv) {
    detached = argc > 1 && strcmp(argv[1], "detached") == 0;
    if (detached) {
        sem_init(&finished, 0, 0);
        sem_init(&may_return, 0, 0);
    }
    say("Main    : before creating thread");
    pthread_t x;
    say("Main    : before running thread");
    int rc = pthread_create(&x, NULL, thread_function, (void *)1L);
    if (rc != 0) {
        fprintf(stderr, "pthread_create: %s\n", strerror(rc));
        return 1;
    }
    if (detached) pthread_detach(x); /* daemon=True */
    say("Main    : wait for the thread to finish");
    rc = pthread_join(x, NULL); /* x.join() */
    if (rc != 0) {
        char line[80];
        snprintf(line, sizeof(line), "Main    : pthread_join: %s", strerror(rc));
        say(line);
        sem_post(&may_return);
        sem_wait(&finished); /* the wait the join did not do */
    }
    say("Main    : all done");
    return 0;
}
