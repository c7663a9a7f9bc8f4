/*
 * hang_sem.c — the watchdog's two sides.
 *   hang_sem sem     two threads wait on a semaphore nobody posts while main
 *                    joins them: every thread blocked, a hang (86).
 *   hang_sem sleep   a thread sleeps 1.5 s while main joins it: sleeping is
 *                    not blocking, so no hang even with a 0.5 s threshold.
 * alarm() is the safety net if no hang is reported.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static sem_t never_posted;

static void *sem_waiter(void *arg) {
    (void)arg;
    sem_wait(&never_posted); /* @sem-wait */
    return NULL;
}

static void *sleeper(void *arg) {
    (void)arg;
    usleep(1500 * 1000);
    return NULL;
}

int main(int argc, char **argv) {
    alarm(20);
    if (argc != 2) return 2;
    pthread_t t[2];
    if (!strcmp(argv[1], "sem")) {
        sem_init(&never_posted, 0, 0);
        for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, sem_waiter, NULL);
        for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
        puts("posted: impossible");
        return 1;
    }
    pthread_create(&t[0], NULL, sleeper, NULL);
    pthread_join(t[0], NULL);
    puts("slept");
    return 0;
}
