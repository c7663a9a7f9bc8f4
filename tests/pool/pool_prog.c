/*
 * pool_prog.c — small programs for pool_trace_test.sh, which runs one
 * (argv[1]) with THREADLENS_OUT set and checks its stderr, its trace and
 * `threadlens report` on it:
 *   trace               a pool, a queue, an event and two timers, every
 *                       failure looked at: the trace's task slices,
 *                       counters and flows, and waits that time out
 *   unobserved          a task fails and nobody looks: reported at shutdown
 *   unobserved_release  the same, its future released without a look
 *   handover            one worker, held while five tasks queue up, then
 *                       running them back to back (TASK_NEXT)
 *   steady              rounds of tasks, each future released: prints how
 *                       much the heap grew per task after the first round
 *                       (the writer keeps a task's record only until its
 *                       future is freed)
 * Sleeps make some waits likely (a queue of tasks, an idle worker); the
 * checks do not depend on them.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include <threadlens.h>

/* ---- trace ---------------------------------------------------------------- */

static tl_queue *jobs;

static int job(void *arg, void **result) {
    tl_sleep_ms(5);
    *result = arg;
    return 0;
}

/* Submitted without a label: its slices are named after the function. */
static int brew(void *arg, void **result) {
    (void)arg;
    *result = NULL;
    return 0;
}

static int bad_job(void *arg, void **result) {
    (void)result;
    return tl_task_fail("bad input %d", (int)(long)arg);
}

static void *producer(void *arg) {
    (void)arg;
    for (long i = 1; i <= 10; i++) tl_queue_put(jobs, (void *)i);
    tl_queue_close(jobs);
    return NULL;
}

static void *announce(void *arg) {
    tl_sleep_ms(10);
    tl_event_set(arg);
    return NULL;
}

static void ring(void *arg) { (void)arg; }

static int gate(void *arg, void **result) {
    (void)result;
    return tl_event_wait(arg);
}

static int trace(void) {
    int bad = 0;
    tl_pool *crew = tl_pool_create(3, "crew");
    jobs = tl_queue_create(2, "jobs");
    tl_event *ready = tl_event_create("ready");
    if (!crew || !jobs || !ready) return 1;

    /* Six jobs for three workers: some wait in the pool's queue. */
    tl_future *f[6];
    char label[16];
    for (long i = 0; i < 6; i++) {
        snprintf(label, sizeof(label), "job %ld", i + 1);
        f[i] = tl_pool_submit(crew, job, (void *)(i + 1), label);
    }
    tl_future *unnamed = tl_pool_submit(crew, brew, NULL, NULL);
    tl_future *failing = tl_pool_submit(crew, bad_job, (void *)42L, "bad job");
    for (long i = 0; i < 6; i++) {
        void *r = NULL;
        bad |= tl_future_result(f[i], &r) != 0 || r != (void *)(i + 1);
        tl_future_release(f[i]);
    }
    bad |= tl_future_result(unnamed, NULL) != 0;
    tl_future_release(unnamed);
    /* Looked at: not reported. */
    bad |= tl_future_result(failing, NULL) != -1;
    bad |= tl_future_error(failing) == NULL || strcmp(tl_future_error(failing), "bad input 42") != 0;
    tl_future_release(failing);

    /* Ten items through a queue of two. */
    tl_thread t;
    tl_thread_create(&t, "producer", producer, NULL);
    void *item;
    long sum = 0;
    while (tl_queue_get(jobs, &item) == 0) sum += (long)item;
    bad |= sum != 55;
    tl_thread_join(t, NULL);

    tl_thread_create(&t, "announcer", announce, ready);
    bad |= tl_event_wait(ready) != 0;
    tl_thread_join(t, NULL);

    /* Waits that give up: a task held on an event nobody sets yet. */
    tl_event *hold = tl_event_create("hold");
    tl_future *held = hold ? tl_pool_submit(crew, gate, hold, "held") : NULL;
    if (!held) return 1;
    bad |= tl_future_wait_timed(held, TL_MS(2)) != ETIMEDOUT;
    bad |= tl_event_wait_timed(hold, TL_MS(2)) != ETIMEDOUT;
    tl_event_set(hold);
    bad |= tl_future_result(held, NULL) != 0;
    tl_future_release(held);

    tl_timer *alarm = tl_timer_start(TL_MS(5), ring, NULL, "alarm");
    tl_timer *snooze = tl_timer_start(TL_SEC(600), ring, NULL, "snooze");
    if (!alarm || !snooze) return 1;
    bad |= tl_timer_join(alarm) != 0;
    bad |= tl_timer_cancel(snooze) != 0;
    bad |= tl_timer_join(snooze) != ECANCELED;

    bad |= tl_pool_shutdown(crew, 0) != 0;
    tl_pool_destroy(crew);
    tl_queue_destroy(jobs);
    tl_event_destroy(ready);
    tl_event_destroy(hold);
    if (bad) fprintf(stderr, "pool_prog trace: a call returned the wrong thing\n");
    return bad;
}

/* ---- unobserved ----------------------------------------------------------- */

static int hidden(void *arg, void **result) {
    (void)result;
    return tl_task_fail("hidden failure %d", (int)(long)arg);
}

/* executor.submit(f) and never f.result(): Python's pool says nothing. */
static int unobserved(int release) {
    tl_pool *p = tl_pool_create(2, "silent");
    if (!p) return 1;
    tl_future *ok = tl_pool_submit(p, job, (void *)1L, "fine");
    tl_future *lost = tl_pool_submit(p, hidden, (void *)7L, "lost cause");
    if (!ok || !lost) return 1;
    int rc = tl_future_result(ok, NULL);
    if (release) {
        tl_future_wait(lost); /* waiting is not looking */
        tl_future_release(lost);
    }
    tl_pool_shutdown(p, 0);
    tl_pool_destroy(p);
    return rc;
}

/* ---- handover --------------------------------------------------------------- */

/* The worker is busy in "gate" until every step is queued, so it ends each
 * task with the next one waiting: each end and begin is one event. */
static int handover(void) {
    int bad = 0;
    tl_pool *p = tl_pool_create(1, "solo");
    tl_event *open = tl_event_create("open");
    if (!p || !open) return 1;
    tl_future *g = tl_pool_submit(p, gate, open, "gate");
    tl_future *f[5];
    char label[16];
    for (int i = 0; i < 5; i++) {
        snprintf(label, sizeof label, "step %d", i + 1);
        f[i] = tl_pool_submit(p, job, (void *)(long)(i + 1), label);
        bad |= f[i] == NULL;
    }
    tl_event_set(open);
    bad |= g == NULL || tl_future_result(g, NULL) != 0;
    for (int i = 0; i < 5 && !bad; i++) {
        void *r = NULL;
        bad |= tl_future_result(f[i], &r) != 0 || r != (void *)(long)(i + 1);
    }
    tl_pool_destroy(p);
    tl_event_destroy(open);
    if (bad) fprintf(stderr, "pool_prog handover: a call returned the wrong thing\n");
    return bad;
}

/* ---- steady ------------------------------------------------------------------ */

/* Bytes malloc has handed out, in every arena (the writer's thread's too). */
static size_t heap_in_use(void) { return mallinfo2().uordblks; }

/* A long-running pool in miniature: each round submits ROUND tasks, looks
 * at every result, releases every future and flushes the trace, so what the
 * heap holds after a round is what the runtime keeps across rounds. */
static int steady(void) {
    enum { ROUNDS = 6, ROUND = 4096 };
    static tl_future *f[ROUND];
    tl_pool *p = tl_pool_create(2, "steady");
    if (!p) return 1;
    int bad = 0;
    size_t first = 0;
    for (int r = 0; r < ROUNDS && !bad; r++) {
        for (int i = 0; i < ROUND && !bad; i++)
            bad |= (f[i] = tl_pool_submit(p, brew, NULL, "tick")) == NULL;
        for (int i = 0; i < ROUND && !bad; i++) {
            bad |= tl_future_result(f[i], NULL) != 0;
            tl_future_release(f[i]);
        }
        tl_flush();
        if (r == 0) first = heap_in_use();
    }
    size_t last = heap_in_use();
    if (bad) fprintf(stderr, "pool_prog steady: a call returned the wrong thing\n");
    else if (first == 0) printf("heap growth: unknown (no mallinfo2 here)\n");
    else
        printf("heap growth: %ld bytes per task over %d tasks\n",
               ((long)last - (long)first) / ((ROUNDS - 1) * ROUND), (ROUNDS - 1) * ROUND);
    tl_pool_destroy(p);
    return bad;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "trace") == 0) return trace();
    if (argc == 2 && strcmp(argv[1], "unobserved") == 0) return unobserved(0);
    if (argc == 2 && strcmp(argv[1], "unobserved_release") == 0) return unobserved(1);
    if (argc == 2 && strcmp(argv[1], "handover") == 0) return handover();
    if (argc == 2 && strcmp(argv[1], "steady") == 0) return steady();
    fprintf(stderr, "usage: pool_prog trace|unobserved|unobserved_release|handover|steady\n");
    return 2;
}
