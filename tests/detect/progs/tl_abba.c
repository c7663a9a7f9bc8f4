/*
 * tl_abba.c — the tl_* API path: AB/BA lock orders in two threads, the
 * second started after the first ended, so a lock order inversion is
 * reported with file.c:N sites and the run ends fine.
 */
#include <stdio.h>

#include "threadlens.h"

static tl_mutex lock_a, lock_b;

static void *thread_ab(void *arg) {
    (void)arg;
    tl_mutex_lock(&lock_a); /* @ab-a */
    tl_mutex_lock(&lock_b); /* @ab-b */
    tl_mutex_unlock(&lock_b);
    tl_mutex_unlock(&lock_a);
    return NULL;
}

static void *thread_ba(void *arg) {
    (void)arg;
    tl_mutex_lock(&lock_b); /* @ba-b */
    tl_mutex_lock(&lock_a); /* @ba-a */
    tl_mutex_unlock(&lock_a);
    tl_mutex_unlock(&lock_b);
    return NULL;
}

int main(void) {
    tl_mutex_init(&lock_a, TL_MUTEX_NORMAL, "lock_a");
    tl_mutex_init(&lock_b, TL_MUTEX_NORMAL, "lock_b");
    tl_thread t;
    tl_thread_create(&t, "thread_ab", thread_ab, NULL);
    tl_thread_join(t, NULL);
    tl_thread_create(&t, "thread_ba", thread_ba, NULL);
    tl_thread_join(t, NULL);
    tl_mutex_destroy(&lock_a);
    tl_mutex_destroy(&lock_b);
    puts("done");
    return 0;
}
