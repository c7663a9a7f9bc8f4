/*
 * hl_handoff.c — data handed over through threadlens's higher-level tools
 * (issue 7): a queue put -> get, a pool submit -> task -> result, an event
 * set -> wait. Each orders the plain accesses on both sides: no race.
 * MODE `tasks_race` has two pool tasks add to one counter without a lock
 * (the seeds' race, in a pool): exactly one race.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <threadlens.h>

static int message[8];
static long counter;
static tl_event *ready;

static void *consumer(void *arg) {
    tl_queue *q = arg;
    long sum = 0;
    void *item;
    while (tl_queue_get(q, &item) == 0) {
        int *m = item;
        for (int i = 0; i < 8; i++) sum += m[i];
        tl_queue_task_done(q);
    }
    return (void *)sum;
}

static int fill(void *arg, void **result) {
    int *m = arg;
    for (int i = 0; i < 8; i++) m[i] += i; /* the submitter wrote it before */
    *result = m;
    return 0;
}

/* The first task spins on a relaxed flag (which orders nothing) until the
 * second has run: the two always run on different workers. */
static int flag;
static int add(void *arg, void **result) {
    (void)result;
    if (arg)
        while (!__atomic_load_n(&flag, __ATOMIC_RELAXED)) {
        }
    counter++; /* @task-add */
    if (!arg) __atomic_store_n(&flag, 1, __ATOMIC_RELAXED);
    return 0;
}

static void *waiter(void *arg) {
    (void)arg;
    tl_event_wait(ready);
    return (void *)(long)message[3];
}

int main(int argc, char **argv) {
    alarm(20);
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "tasks_race")) {
        tl_pool *p = tl_pool_create(2, "adders");
        tl_future *a = tl_pool_submit(p, add, &flag, "add after");
        tl_future *b = tl_pool_submit(p, add, NULL, "add first");
        tl_future_result(a, NULL);
        tl_future_result(b, NULL);
        tl_pool_destroy(p);
        printf("counter %s\n", counter > 0 ? "set" : "zero");
        return 0;
    }
    /* queue: 50 messages, each written, put, got and read */
    static int msgs[50][8];
    tl_queue *q = tl_queue_create(4, "mailbox");
    tl_thread c;
    tl_thread_create(&c, "consumer", consumer, q);
    for (int r = 0; r < 50; r++) {
        for (int i = 0; i < 8; i++) msgs[r][i] = r;
        tl_queue_put(q, msgs[r]);
    }
    tl_queue_join(q);
    tl_queue_close(q);
    void *sum;
    tl_thread_join(c, &sum);
    tl_queue_destroy(q);
    /* pool: written by main, changed by the task, read by main */
    tl_pool *p = tl_pool_create(2, "fillers");
    for (int i = 0; i < 8; i++) message[i] = 10;
    tl_future *f = tl_pool_submit(p, fill, message, "fill");
    void *res;
    tl_future_result(f, &res);
    int after = ((int *)res)[7];
    tl_pool_destroy(p);
    /* event: written, then set; the waiter reads after its wait */
    ready = tl_event_create("ready");
    tl_thread w;
    tl_thread_create(&w, "waiter", waiter, NULL);
    message[3] = 42;
    tl_event_set(ready);
    void *got;
    tl_thread_join(w, &got);
    tl_event_destroy(ready);
    printf("sum %ld after %d got %ld\n", (long)sum, after, (long)got);
    return 0;
}
