/*
 * prodcons_lock — the seed's (002) one-message Pipeline built from two Locks:
 *
 *     class Pipeline:
 *         def __init__(self):
 *             self.producer_lock = threading.Lock()
 *             self.consumer_lock = threading.Lock()
 *             self.consumer_lock.acquire()
 *         def get_message(self, name):
 *             self.consumer_lock.acquire()
 *             message = self.message
 *             self.producer_lock.release()
 *             return message
 *         def set_message(self, message, name):
 *             self.producer_lock.acquire()
 *             self.message = message
 *             self.consumer_lock.release()
 *
 * The producer sends 10 random messages and a SENTINEL; the consumer stores
 * each one until it gets the SENTINEL. Each lock is released by the thread
 * that did NOT acquire it: fine for a Python Lock, which anybody may
 * release, but a pthread mutex belongs to the thread that locked it, and an
 * unlock by any other thread is undefined behaviour.
 *
 * `tl_prodcons_lock` (the seed's form) translates it word for word with two
 * pthread mutexes. glibc's default mutex does not check who unlocks, so the
 * unlocks "work"; threadlens reports each as misuse. (When the consumer
 * then locks consumer_lock while still its owner, threadlens does not call
 * that a deadlock: it has seen another thread unlock this mutex, and one
 * will again.)
 *
 * `tl_prodcons_lock fixed` uses what a Python Lock really is, a binary
 * semaphore: sem_wait and sem_post have no owner, any thread may post.
 *
 * The producer "gets each message from the network" in 40 ms, so the
 * consumer is always the one waiting for the next message (README.md).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MESSAGES 10
#define SENTINEL (-1) /* Python: SENTINEL = object() */

static int use_semaphores; /* the fixed form */

/* The seed's form: two mutexes, consumer_lock taken at start. */
static pthread_mutex_t producer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t consumer_lock = PTHREAD_MUTEX_INITIALIZER;
/* The fix: two binary semaphores; consumer_sem starts taken (0). */
static sem_t producer_sem, consumer_sem;

static int message; /* the pipeline's one slot */

/* logging.info with format "%(asctime)s: %(message)s", to the millisecond. */
static void say(const char *what, int value) {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    printf("%02d:%02d:%02d.%03ld: %s: %d\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
           ts.tv_nsec / 1000000, what, value);
    fflush(stdout);
}

static int get_message(void) {
    if (use_semaphores) sem_wait(&consumer_sem);
    else pthread_mutex_lock(&consumer_lock);
    int m = message;
    if (use_semaphores) sem_post(&producer_sem);
    else pthread_mutex_unlock(&producer_lock); /* the producer locked it: misuse */
    return m;
}

static void set_message(int m) {
    if (use_semaphores) sem_wait(&producer_sem);
    else pthread_mutex_lock(&producer_lock);
    message = m;
    if (use_semaphores) sem_post(&consumer_sem);
    else pthread_mutex_unlock(&consumer_lock); /* main or the consumer locked it: misuse */
}

static void *producer(void *arg) {
    (void)arg;
    pthread_setname_np(pthread_self(), "producer");
    unsigned seed = 42; /* the same messages on every run */
    for (int index = 0; index < MESSAGES; index++) {
        usleep(40 * 1000); /* pretend we're getting a message from the network */
        int m = 1 + rand_r(&seed) % 101; /* random.randint(1, 101) */
        say("Producer got message", m);
        set_message(m);
    }
    usleep(40 * 1000);
    set_message(SENTINEL); /* tell the consumer we're done */
    return NULL;
}

static void *consumer(void *arg) {
    (void)arg;
    pthread_setname_np(pthread_self(), "consumer");
    int m = 0;
    while (m != SENTINEL) {
        m = get_message();
        if (m != SENTINEL) say("Consumer storing message", m);
    }
    return NULL;
}

int main(int argc, char **argv) {
    use_semaphores = argc > 1 && strcmp(argv[1], "fixed") == 0;
    if (use_semaphores) {
        sem_init(&producer_sem, 0, 1);
        sem_init(&consumer_sem, 0, 0);
    } else {
        pthread_mutex_lock(&consumer_lock); /* self.consumer_lock.acquire() */
    }
    /* The seed's ThreadPoolExecutor(max_workers=2) runs the two functions. */
    pthread_t threads[2];
    pthread_create(&threads[0], NULL, producer, NULL);
    pthread_create(&threads[1], NULL, consumer, NULL);
    for (int i = 0; i < 2; i++) pthread_join(threads[i], NULL);
    return 0;
}
