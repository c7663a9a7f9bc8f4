/*
 * signal_lock.c — signal handlers that lock a mutex (undefined behaviour,
 * and common): another thread sends SIGUSR1 and SIGALRM to the main thread
 * thousands of times while main locks and unlocks two other mutexes in a
 * loop, and sometimes waits for one the sender holds. A handler can land
 * anywhere, including inside the tracer's own recording code.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MIN_HANDLED 2000
#define MIN_ROUNDS 20000
#define MAX_ROUNDS 50000 /* bounds the trace when the sender is starved */

static pthread_mutex_t handler_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t a_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t handled;
static atomic_int started, done;
static pthread_t main_thread;

static void on_signal(int sig) {
    (void)sig;
    pthread_mutex_lock(&handler_lock); /* @handler-lock */
    handled++;
    pthread_mutex_unlock(&handler_lock);
}

static void *sender(void *arg) {
    (void)arg;
    atomic_store(&started, 1);
    for (int i = 0; !atomic_load(&done); i++) {
        pthread_kill(main_thread, i % 2 ? SIGUSR1 : SIGALRM);
        if (i % 100 == 0) {
            /* Make main wait for a_lock now and then. */
            pthread_mutex_lock(&a_lock);
            usleep(200);
            pthread_mutex_unlock(&a_lock);
        }
        sched_yield();
    }
    return NULL;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    /* Each handler blocks the other signal: handler_lock is not recursive. */
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR1);
    sigaddset(&sa.sa_mask, SIGALRM);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);

    main_thread = pthread_self();
    pthread_t s;
    pthread_create(&s, NULL, sender, NULL);
    while (!atomic_load(&started)) sched_yield();
    long rounds;
    for (rounds = 0; rounds < MAX_ROUNDS && (handled < MIN_HANDLED || rounds < MIN_ROUNDS); rounds++) {
        pthread_mutex_lock(&a_lock);
        pthread_mutex_lock(&b_lock);
        pthread_mutex_unlock(&b_lock);
        pthread_mutex_unlock(&a_lock);
    }
    while (handled < MIN_HANDLED / 10) sched_yield();
    atomic_store(&done, 1);
    pthread_join(s, NULL);
    printf("%ld rounds, %d signals handled\n", rounds, (int)handled);
    return 0;
}
