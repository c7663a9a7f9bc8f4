/*
 * queue_result — the seeds' "return values from threads" (tutorial 003): a
 * thread's function cannot return a value to the one that started it, so it
 * puts its result on a queue and the main thread gets it from there.
 *
 *     def func_4_thread(q_out: Queue) -> None:
 *         print("thread doing work...")
 *         time.sleep(5)
 *         func_result = func()
 *         q_out.put(func_result)
 *
 *     func_result_queue: Queue = Queue(maxsize=0)
 *     thread = Thread(target=func_4_thread, args=(func_result_queue,))
 *     thread.start()
 *     func_result = func_result_queue.get()
 *     print(func_result, "from queue")
 *
 * The C twin: a pthread, and a tl_queue (C has no queue.Queue) of capacity
 * 0, unbounded like maxsize=0. The result travels as a malloc'd int: the
 * worker writes it, main reads it after the get, and threadlens finds no
 * race because a put is ordered before the get that takes the item. The
 * sleep is 500 ms (5 s in the seed).
 *
 *   (no argument)  the seed: one thread, one result.
 *   workers        three threads, each putting its own result; they finish
 *                  in the reverse order of their start, and main gets the
 *                  results in the order they were put.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <threadlens.h>

#define MAX_WORKERS 3

typedef struct {
    tl_queue *q_out;
    int index; /* -1: the seed's single thread */
    long work_ms;
} job;

static int func(int index) {
    return index < 0 ? 42 : 100 + index;
}

static void *func_4_thread(void *arg) {
    job *j = arg;
    char name[16];
    if (j->index < 0) {
        snprintf(name, sizeof(name), "func_4_thread");
        printf("thread doing work...\n");
    } else {
        snprintf(name, sizeof(name), "func_4_thread %d", j->index);
        printf("thread %d doing work...\n", j->index);
    }
    fflush(stdout);
    pthread_setname_np(pthread_self(), name);
    tl_sleep_ms(j->work_ms); /* time.sleep(5) */
    int *func_result = malloc(sizeof(*func_result));
    if (!func_result) return NULL;
    *func_result = func(j->index);
    tl_queue_put(j->q_out, func_result);
    return NULL;
}

int main(int argc, char **argv) {
    int many = argc > 1 && strcmp(argv[1], "workers") == 0;
    if (argc > 1 && !many) {
        fprintf(stderr, "usage: %s [workers]\n", argv[0]);
        return 2;
    }
    int n = many ? MAX_WORKERS : 1;
    tl_queue *func_result_queue = tl_queue_create(0, "func_result_queue");
    if (!func_result_queue) return 1;

    pthread_t threads[MAX_WORKERS];
    job jobs[MAX_WORKERS];
    for (int i = 0; i < n; i++) {
        /* With several, the first started works longest: results come back
         * in the order they are put, not the order the threads started. */
        jobs[i] = (job){func_result_queue, many ? i : -1, many ? 150L * (n - i) : 500L};
        if (pthread_create(&threads[i], NULL, func_4_thread, &jobs[i]) != 0) return 1;
    }
    for (int i = 0; i < n; i++) {
        void *item;
        if (tl_queue_get(func_result_queue, &item) != 0) return 1;
        int *func_result = item;
        printf("%d from queue\n", *func_result);
        fflush(stdout);
        free(func_result);
    }
    /* Python waits for a non-daemon thread at exit; C must join. */
    for (int i = 0; i < n; i++) pthread_join(threads[i], NULL);
    tl_queue_destroy(func_result_queue);
    return 0;
}
