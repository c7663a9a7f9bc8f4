/*
 * start_thread — the seeds' first thread (tutorials 000, 002, 003): create a
 * thread that runs a function with an argument, start it, wait for it.
 *
 *     def thread_function(name):
 *         logging.info("Thread %s: starting", name)
 *         time.sleep(2)
 *         logging.info("Thread %s: finishing", name)
 *
 *     logging.info("Main    : before creating thread")
 *     x = threading.Thread(target=thread_function, args=(1,))
 *     logging.info("Main    : before running thread")
 *     x.start()
 *     logging.info("Main    : wait for the thread to finish")
 *     x.join()
 *     logging.info("Main    : all done")
 *
 * The C twin: pthread_create is Thread() and start() in one call (a pthread
 * runs as soon as it exists), so "before running thread" is printed just
 * before it; pthread_join is join(). The sleep is 200 ms (2 s in the seed).
 * One form: nothing here is wrong. See README.md.
 */
#define _GNU_SOURCE
#include <pthread.h>
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

/* args=(1,): the argument travels as the void * of pthread_create. */
static void *thread_function(void *arg) {
    long name = (long)arg;
    char line[64];
    snprintf(line, sizeof(line), "Thread %ld", name);
    pthread_setname_np(pthread_self(), line); /* the lane's name */
    snprintf(line, sizeof(line), "Thread %ld: starting", name);
    say(line);
    sleep_ms(200);
    snprintf(line, sizeof(line), "Thread %ld: finishing", name);
    say(line);
    return NULL;
}

int main(void) {
    say("Main    : before creating thread");
    pthread_t x;
    say("Main    : before running thread");
    int rc = pthread_create(&x, NULL, thread_function, (void *)1L);
    if (rc != 0) {
        fprintf(stderr, "pthread_create: %s\n", strerror(rc));
        return 1;
    }
    say("Main    : wait for the thread to finish");
    pthread_join(x, NULL);
    say("Main    : all done");
    return 0;
}
