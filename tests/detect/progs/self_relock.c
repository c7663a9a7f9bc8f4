/*
 * self_relock.c — main locks a default (normal) mutex it already holds: a
 * deadlock with a cycle of one, to be reported at once (the process ends
 * with 86, or aborts with THREADLENS_ON_DEADLOCK=abort). alarm() is only
 * the safety net if nothing is reported.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t self_lock = PTHREAD_MUTEX_INITIALIZER;

int main(void) {
    alarm(20);
    pthread_mutex_lock(&self_lock); /* @first */
    pthread_mutex_lock(&self_lock); /* @relock */
    puts("relocked: impossible");
    return 1;
}
