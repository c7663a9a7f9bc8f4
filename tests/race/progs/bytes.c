/*
 * bytes.c — byte-exact shadow: thread A writes buf[0..4] while thread B
 * writes buf[5..9] at the same time; neighbouring bytes are separate memory
 * locations, so that is no race. MODE `overlap`: B also writes buf[3],
 * one of A's bytes: exactly one race, of size 1. The stores go through a
 * volatile pointer so each stays a one-byte access.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char buf[10];
static int overlap;

static void *thread_a(void *arg) {
    (void)arg;
    volatile char *p = buf;
    p[0] = 'a';
    p[1] = 'a';
    p[2] = 'a';
    p[3] = 'a'; /* @a3 */
    p[4] = 'a';
    return NULL;
}

static void *thread_b(void *arg) {
    (void)arg;
    volatile char *p = buf;
    p[5] = 'b';
    p[6] = 'b';
    p[7] = 'b';
    p[8] = 'b';
    p[9] = 'b';
    if (overlap) p[3] = 'B'; /* @b3 */
    return NULL;
}

int main(int argc, char **argv) {
    alarm(20);
    overlap = argc > 1 && !strcmp(argv[1], "overlap");
    pthread_t a, b;
    pthread_create(&a, NULL, thread_a, NULL);
    pthread_create(&b, NULL, thread_b, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("buf %.10s\n", buf);
    return 0;
}
