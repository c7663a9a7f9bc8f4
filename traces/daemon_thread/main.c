/*
 * daemon_thread — the seeds' daemon threads (tutorials 002, 003, 004): a
 * daemon thread "is just killed wherever it is when the program is exiting";
 * for a non-daemon thread the program waits (threading._shutdown() joins it).
 *
 *     x = threading.Thread(target=thread_function, args=(1,), daemon=True)
 *     x.start()
 *     logging.info("Main    : wait for the thread to finish")
 *     #x.join()
 *     logging.info("Main    : all done")
 *
 * The C twin, no argument: the thread is detached (nobody will wait for it)
 * and main returns while it sleeps. Returning from main is exit(): the
 * process ends and the thread with it, in the middle of its 500 ms sleep
 * (2 s in the seed) — "Thread 1: finishing" is never printed. (500 ms, not
 * the 200 ms of the other examples: under threadlens, exit() takes 100 ms
 * or more to close the trace, and the thread sleeps on meanwhile.)
 *
 * `tl_daemon_thread nondaemon`: what Python does for a non-daemon thread.
 * main ends with pthread_exit(NULL) instead of return: only the main thread
 * ends, the process lives on until its last thread has ended, so "Thread 1:
 * finishing" is printed after "Main    : all done", as in the seed's first
 * program. Neither form is a bug. See README.md.
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

static void *thread_function(void *arg) {
    long name = (long)arg;
    char line[64];
    snprintf(line, sizeof(line), "Thread %ld", name);
    pthread_setname_np(pthread_self(), line);
    snprintf(line, sizeof(line), "Thread %ld: starting", name);
    say(line);
    sleep_ms(500);
    snprintf(line, sizeof(line), "Thread %ld: finishing", name);
    say(line);
    return NULL;
}

int main(int argc, char **argv) {
    int daemon = !(argc > 1 && strcmp(argv[1], "nondaemon") == 0);
    say("Main    : before creating thread");
    pthread_t x;
    say("Main    : before running thread");
    int rc = pthread_create(&x, NULL, thread_function, (void *)1L);
    if (rc != 0) {
        fprintf(stderr, "pthread_create: %s\n", strerror(rc));
        return 1;
    }
    /* daemon=True: no one will join it, so its resources go back to the
     * system by themselves when it ends — if it ends before the process. */
    if (daemon) pthread_detach(x);
    /* Give the thread time to log "starting" before main's next line. */
    sleep_ms(10);
    say("Main    : wait for the thread to finish");
    /* x.join() stays commented out, as in the seed. */
    say("Main    : all done");
    if (daemon)
        return 0; /* exit(): every thread dies with the process */
    /* Only main ends; like threading._shutdown(), the process waits for
     * the non-daemon thread. */
    pthread_exit(NULL);
}
