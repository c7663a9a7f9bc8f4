/*
 * exit_running.c — the process ends while threads still run.
 *   exit_running detached   detached threads lock in an endless loop; main
 *                           returns while they do.
 *   exit_running main_exit  main calls pthread_exit while its workers run;
 *                           the process ends when the last worker returns.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t busy_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_long iterations;

static atomic_long per_worker[3];

static void *spinning_worker(void *arg) {
    atomic_long *mine = arg;
    for (;;) {
        pthread_mutex_lock(&busy_lock);
        atomic_fetch_add(mine, 1);
        pthread_mutex_unlock(&busy_lock);
        sched_yield();
    }
    return NULL;
}

static void *finite_worker(void *arg) {
    long n = (long)(size_t)arg;
    for (long i = 0; i < n; i++) {
        pthread_mutex_lock(&busy_lock);
        atomic_fetch_add(&iterations, 1);
        pthread_mutex_unlock(&busy_lock);
        sched_yield();
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    if (!strcmp(argv[1], "detached")) {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        for (int i = 0; i < 3; i++) {
            pthread_t t;
            pthread_create(&t, &attr, spinning_worker, &per_worker[i]);
        }
        for (int i = 0; i < 3; i++)
            while (atomic_load(&per_worker[i]) < 100) sched_yield();
        printf("returning with workers running\n");
        return 0;
    }
    if (!strcmp(argv[1], "main_exit")) {
        for (int i = 0; i < 3; i++) {
            pthread_t t;
            pthread_create(&t, NULL, finite_worker, (void *)(size_t)(200 * (i + 1)));
        }
        printf("main leaves first\n");
        fflush(stdout);
        pthread_exit(NULL);
    }
    return 2;
}
