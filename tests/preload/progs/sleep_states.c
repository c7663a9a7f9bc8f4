/*
 * sleep_states.c — each libc sleep call, once, on a thread of its own
 * making: sleep, usleep, nanosleep, clock_nanosleep (relative and
 * absolute). Each must show as a `sleeping` slice at its line.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static void *sleepy(void *arg) {
    (void)arg;
    struct timespec ten_ms = {0, 10000000L}, until;
    sleep(1); /* @sleep */
    usleep(10000); /* @usleep */
    nanosleep(&ten_ms, NULL); /* @nanosleep */
    clock_nanosleep(CLOCK_MONOTONIC, 0, &ten_ms, NULL); /* @clock_nanosleep */
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += 10000000L;
    until.tv_sec += until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL); /* @clock_nanosleep-abs */
    return NULL;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, sleepy, NULL);
    pthread_join(t, NULL);
    printf("slept\n");
    return 0;
}
