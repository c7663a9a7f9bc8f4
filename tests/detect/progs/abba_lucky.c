/*
 * abba_lucky.c — the same opposite lock orders as abba_hang.c, but the
 * second thread starts only after the first has ended, so the run ends
 * fine: a lock order inversion (potential deadlock), no deadlock.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static int balance;

static void *thread_ab(void *arg) {
    (void)arg;
    pthread_mutex_lock(&lock_a); /* @ab-a */
    pthread_mutex_lock(&lock_b); /* @ab-b */
    balance++;
    pthread_mutex_unlock(&lock_b);
    pthread_mutex_unlock(&lock_a);
    return NULL;
}

static void *thread_ba(void *arg) {
    (void)arg;
    pthread_mutex_lock(&lock_b); /* @ba-b */
    pthread_mutex_lock(&lock_a); /* @ba-a */
    balance--;
    pthread_mutex_unlock(&lock_a);
    pthread_mutex_unlock(&lock_b);
    return NULL;
}

int main(void) {
    alarm(20);
    pthread_t t;
    pthread_create(&t, NULL, thread_ab, NULL);
    pthread_join(t, NULL);
    pthread_create(&t, NULL, thread_ba, NULL);
    pthread_join(t, NULL);
    printf("balance %d\n", balance);
    return 0;
}
