/*
 * cancel_in_wait.c — threads cancelled inside blocking calls: one in
 * pthread_cond_wait (glibc re-acquires the mutex and runs the cleanup
 * handler, which unlocks it), one in sleep. Main then takes the mutex
 * itself, which hangs if the cleanup handler did not run.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t wait_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never_cond = PTHREAD_COND_INITIALIZER;
static int waiting;
static atomic_int sleeping;

static void unlock_it(void *m) {
    pthread_mutex_unlock(m); /* @cleanup-unlock */
}

static void *cond_waiter(void *arg) {
    (void)arg;
    pthread_mutex_lock(&wait_lock);
    pthread_cleanup_push(unlock_it, &wait_lock);
    waiting = 1;
    for (;;) pthread_cond_wait(&never_cond, &wait_lock); /* @cancelled-wait */
    pthread_cleanup_pop(1);
    return NULL;
}

static void *sleeper(void *arg) {
    (void)arg;
    atomic_store(&sleeping, 1);
    sleep(100); /* @cancelled-sleep */
    return NULL;
}

int main(void) {
    pthread_t w, s;
    void *ret;
    pthread_create(&w, NULL, cond_waiter, NULL);
    /* waiting is set under the lock and the wait releases it atomically:
     * once main holds the lock and sees the flag, the thread is waiting. */
    for (int seen = 0; !seen;) {
        pthread_mutex_lock(&wait_lock);
        seen = waiting;
        pthread_mutex_unlock(&wait_lock);
        if (!seen) sched_yield();
    }
    pthread_cancel(w);
    pthread_join(w, &ret);
    int ok = ret == PTHREAD_CANCELED;

    pthread_create(&s, NULL, sleeper, NULL);
    while (!atomic_load(&sleeping)) sched_yield();
    usleep(20000); /* let it reach the sleep */
    pthread_cancel(s);
    pthread_join(s, &ret);
    ok = ok && ret == PTHREAD_CANCELED;

    pthread_mutex_lock(&wait_lock); /* @main-relock */
    pthread_mutex_unlock(&wait_lock);
    printf("cancelled both: %s\n", ok ? "yes" : "no");
    return ok ? 0 : 1;
}
