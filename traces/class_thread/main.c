/*
 * class_thread — the seeds' class-based threads (tutorials 003 and 004):
 * subclass Thread, put the work in run(), and start() it; start() again
 * is refused.
 *
 *     class MyThread(Thread):                     # tutorial 003
 *         def __init__(self, n_max=1_000_000):    # here 10_000_000
 *             Thread.__init__(self)
 *             self.n_max = n_max
 *         def run(self):
 *             n = 0
 *             while n < self.n_max:
 *                 n += 1
 *
 *     class Sleepy(threading.Thread):             # tutorial 004
 *         def run(self):
 *             time.sleep(5)
 *             print("Hello form Thread")
 *     t = Sleepy(); t.start(); t.join()
 *     print("The main program continues to run in the foreground.")
 *
 * "calling start again will produce a RuntimeError".
 *
 * The C twin: a struct my_thread is the Thread object — a name, a run
 * function pointer (the method a "subclass" sets) and its fields (n_max) —
 * and thread_start()/thread_join() are its methods. thread_start() keeps
 * Python's rule: a second start is refused with the RuntimeError's message
 * "threads can only be started once". Without that guard a second
 * pthread_create would start a second thread and overwrite the pthread_t
 * of the first, which nobody could then join. MyThread counts to
 * 10_000_000 (the seed's function-based twin's count), about 100 ms of CPU;
 * Sleepy sleeps 500 ms (5 s in the seed). One form: the guard is the point, threadlens finds nothing.
 * See README.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <threadlens.h> /* only for tl_mark: the refusal makes no pthread call */

/* print, with the time in front to compare with the trace. */
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

/* threading.Thread. Only the thread that owns the object starts and joins
 * it, so started and joined need no lock. */
struct my_thread {
    const char *name;                    /* the lane's name, max 15 chars */
    void (*run)(struct my_thread *self); /* what a subclass overrides */
    long n_max;                          /* MyThread's own field */
    pthread_t id;
    int started, joined;
};

static void *bootstrap(void *arg) {
    struct my_thread *self = arg;
    pthread_setname_np(pthread_self(), self->name);
    self->run(self);
    return NULL;
}

static int thread_start(struct my_thread *self) {
    if (self->started) {
        char line[80];
        snprintf(line, sizeof(line), "%s: RuntimeError: threads can only be started once",
                 self->name);
        say(line);
        tl_mark("RuntimeError: threads can only be started once");
        return EINVAL;
    }
    int rc = pthread_create(&self->id, NULL, bootstrap, self);
    if (rc == 0) self->started = 1;
    return rc;
}

/* Python may join a thread twice; pthreads may not: the second is a no-op. */
static int thread_join(struct my_thread *self) {
    if (!self->started) {
        say("RuntimeError: cannot join thread before it is started");
        return EINVAL;
    }
    if (self->joined) return 0;
    int rc = pthread_join(self->id, NULL);
    if (rc == 0) self->joined = 1;
    return rc;
}

/* MyThread.run: count to n_max, on the CPU. */
static void my_thread_run(struct my_thread *self) {
    volatile long n = 0;
    while (n < self->n_max) n += 1;
    char line[64];
    snprintf(line, sizeof(line), "%s: counted to %ld", self->name, (long)n);
    say(line);
}

/* Sleepy.run */
static void sleepy_run(struct my_thread *self) {
    (void)self;
    sleep_ms(500);
    say("Hello from Thread");
}

int main(void) {
    struct my_thread my_thread = {.name = "MyThread", .run = my_thread_run, .n_max = 10000000};
    struct my_thread t = {.name = "Sleepy", .run = sleepy_run};
    if (thread_start(&my_thread) != 0 || thread_start(&t) != 0) return 1;
    say("Main: Sleepy started; start it again");
    if (thread_start(&t) == 0) return 1; /* refused: it is running already */
    thread_join(&my_thread);
    thread_join(&t);
    say("The main program continues to run in the foreground.");
    return 0;
}
