/*
 * create_join.c — main writes the input before pthread_create, the thread
 * reads it and writes its result, main reads the result after
 * pthread_join: create and join order everything. No race.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int input[16];
static long result;

static void *work(void *arg) {
    (void)arg;
    long sum = 0;
    for (int i = 0; i < 16; i++) sum += input[i];
    result = sum;
    return NULL;
}

int main(void) {
    alarm(20);
    for (int i = 0; i < 16; i++) input[i] = i;
    pthread_t t;
    pthread_create(&t, NULL, work, NULL);
    pthread_join(t, NULL);
    printf("result %ld\n", result);
    for (int i = 0; i < 16; i++) input[i] = 0;
    return 0;
}
