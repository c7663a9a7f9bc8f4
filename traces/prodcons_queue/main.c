/*
 * prodcons_queue — the seeds' producer-consumer with a Queue.
 *
 * Seed 002 (the default run): a bounded queue and an Event to stop.
 *
 *     def producer(queue, event):
 *         while not event.is_set():
 *             message = random.randint(1, 101)
 *             queue.put(message)
 *     def consumer(queue, event):
 *         while not event.is_set() or not queue.empty():
 *             message = queue.get()
 *     pipeline = queue.Queue(maxsize=10); event = threading.Event()
 *     with concurrent.futures.ThreadPoolExecutor(max_workers=2) as executor:
 *         executor.submit(producer, pipeline, event)
 *         executor.submit(consumer, pipeline, event)
 *         time.sleep(0.1); event.set()
 *
 * The C twin: tl_queue for queue.Queue, tl_event for Event, tl_pool for the
 * executor. The producer takes 2 ms to "get" a message and the consumer 8 ms
 * to "store" one, so the queue fills to its 10 and the producer waits on
 * put; after the event the consumer drains what is left.
 *
 * `tl_prodcons_queue task_done` is seed 004's consumer: it marks each item
 * done (q.task_done()) and main waits with q.join() until all 20 items
 * put were processed; then it closes the queue to end the consumer's
 * `while True` (a daemon thread in Python).
 *
 * Both forms are correct: threadlens finds nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <threadlens.h>

/* logging.info with format "%(asctime)s: %(message)s", to the millisecond. */
static void say(const char *fmt, long a, long b) {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    printf("%02d:%02d:%02d.%03ld: ", tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
    printf(fmt, a, b);
    putchar('\n');
    fflush(stdout);
}

static tl_queue *pipeline;
static tl_event *event;

/* ---- seed 002: stop with an Event ------------------------------------------- */

static int producer(void *arg, void **result) {
    (void)arg, (void)result;
    unsigned seed = 42; /* the same messages on every run */
    while (!tl_event_is_set(event)) {
        tl_sleep_ms(2); /* pretend we're getting a number from the network */
        long message = 1 + rand_r(&seed) % 101;
        say("Producer got message: %ld", message, 0);
        if (tl_queue_put(pipeline, (void *)message) != 0) break;
    }
    say("Producer received event. Exiting", 0, 0);
    /* The seed's consumer can block in get() for good if it found the event
     * clear and the queue then stays empty: closing ends such a get. */
    tl_queue_close(pipeline);
    return 0;
}

static int consumer(void *arg, void **result) {
    (void)arg, (void)result;
    while (!tl_event_is_set(event) || tl_queue_size(pipeline) > 0) {
        void *message;
        if (tl_queue_get(pipeline, &message) != 0) break; /* closed and empty */
        say("Consumer storing message: %ld (size=%ld)", (long)message, (long)tl_queue_size(pipeline));
        tl_sleep_ms(8); /* pretend we're saving a number in the database */
    }
    say("Consumer received event. Exiting", 0, 0);
    return 0;
}

static int with_event(void) {
    pipeline = tl_queue_create(10, "pipeline");
    event = tl_event_create("event");
    tl_pool *executor = tl_pool_create(2, "executor");
    if (!pipeline || !event || !executor) return 1;
    tl_future *p = tl_pool_submit(executor, producer, NULL, "producer");
    tl_future *c = tl_pool_submit(executor, consumer, NULL, "consumer");
    if (!p || !c) return 1;
    tl_sleep_ms(100);
    say("Main: about to set event", 0, 0);
    tl_event_set(event);
    tl_pool_destroy(executor); /* the end of the with block: waits for both */
    tl_event_destroy(event);
    tl_queue_destroy(pipeline);
    return 0;
}

/* ---- seed 004: task_done and join ------------------------------------------- */

#define ITEMS 20

static int data_computation(int i) { return i * i; }

static void *producer_thread(void *q) {
    for (long i = 0; i < ITEMS; i++) {
        tl_sleep_ms(2);
        tl_queue_put(q, (void *)(long)data_computation((int)i)); /* output_queue.put(data) */
    }
    return NULL;
}

static void *consumer_thread(void *q) {
    void *data;
    while (tl_queue_get(q, &data) == 0) { /* while True: data = input_queue.get() */
        say("Consumer got data: %ld (size=%ld)", (long)data, (long)tl_queue_size(q));
        tl_sleep_ms(5); /* do something with the data */
        tl_queue_task_done(q); /* indicate data has been consumed */
    }
    return NULL;
}

static int with_task_done(void) {
    tl_queue *q = tl_queue_create(0, "q"); /* Queue(): unbounded */
    if (!q) return 1;
    tl_thread t1, t2;
    if (tl_thread_create(&t1, "consumer", consumer_thread, q) ||
        tl_thread_create(&t2, "producer", producer_thread, q))
        return 1;
    tl_thread_join(t2, NULL);
    say("Main: producer done, waiting for q.join()", 0, 0);
    tl_queue_join(q); /* until every item put got its task_done */
    say("Main: all %ld items processed", ITEMS, 0);
    tl_queue_close(q); /* Python leaves the daemon consumer blocked in get() */
    tl_thread_join(t1, NULL);
    tl_queue_destroy(q);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "task_done") == 0) return with_task_done();
    return with_event();
}
