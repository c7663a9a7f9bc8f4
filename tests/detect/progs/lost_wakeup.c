/*
 * lost_wakeup.c — the signal comes before anyone waits: the signaller has
 * signalled and ended before the waiter is even created, and the waiter
 * waits without checking a predicate, so it waits forever while main joins
 * it. Every thread is blocked: a hang, with the lost wakeup named. Run with
 * a short THREADLENS_HANG_MS; alarm() is the safety net.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cond = PTHREAD_COND_INITIALIZER;

static void *signaller(void *arg) {
    (void)arg;
    pthread_mutex_lock(&wake_lock);
    pthread_cond_signal(&wake_cond); /* @signal */
    pthread_mutex_unlock(&wake_lock);
    return NULL;
}

static void *waiter(void *arg) {
    (void)arg;
    pthread_mutex_lock(&wake_lock);
    pthread_cond_wait(&wake_cond, &wake_lock); /* @wait */
    pthread_mutex_unlock(&wake_lock);
    return NULL;
}

int main(void) {
    alarm(20);
    pthread_t s, w;
    pthread_create(&s, NULL, signaller, NULL);
    pthread_join(s, NULL);
    pthread_create(&w, NULL, waiter, NULL);
    pthread_join(w, NULL); /* @join */
    puts("woken: impossible");
    return 1;
}
