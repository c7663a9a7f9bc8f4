/*
 * threads_10k.c — 10 000 short threads over the program's life, never more
 * than 50 at once: batches of 45 joined threads and 5 detached ones (some
 * detached after creation, some created detached). The kernel reuses
 * thread ids and glibc reuses descriptors and stacks; the trace must not.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

#define BATCHES 200
#define JOINED 45
#define DETACHED 5

static atomic_int detached_done;
static atomic_long work;

static void *joined_task(void *arg) {
    atomic_fetch_add(&work, (long)(size_t)arg);
    return arg;
}

static void *detached_task(void *arg) {
    atomic_fetch_add(&work, (long)(size_t)arg);
    atomic_fetch_add(&detached_done, 1);
    return NULL;
}

int main(void) {
    pthread_attr_t detached;
    pthread_attr_init(&detached);
    pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
    for (int b = 0; b < BATCHES; b++) {
        pthread_t t[JOINED], d;
        for (int i = 0; i < JOINED; i++)
            if (pthread_create(&t[i], NULL, joined_task, (void *)(size_t)1) != 0) return 1;
        for (int i = 0; i < DETACHED; i++) {
            if (i % 2) {
                if (pthread_create(&d, &detached, detached_task, (void *)(size_t)1) != 0) return 1;
            } else {
                if (pthread_create(&d, NULL, detached_task, (void *)(size_t)1) != 0) return 1;
                pthread_detach(d);
            }
        }
        for (int i = 0; i < JOINED; i++) {
            void *ret;
            if (pthread_join(t[i], &ret) != 0 || ret != (void *)(size_t)1) return 1;
        }
        /* Bound the live detached threads too. */
        while (atomic_load(&detached_done) < (b + 1) * DETACHED) sched_yield();
    }
    pthread_attr_destroy(&detached);
    printf("%ld units of work\n", atomic_load(&work));
    return atomic_load(&work) == BATCHES * (JOINED + DETACHED) ? 0 : 1;
}
