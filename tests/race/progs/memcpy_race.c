/*
 * memcpy_race.c — a memcpy whose size is only known at run time (a libc
 * call, not instrumented code) fills a shared buffer while another thread
 * reads one of its bytes: exactly one race, found through the runtime's
 * memcpy.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char shared_buf[64];
static volatile size_t copy_size = 48;

static void *writer(void *arg) {
    char local[64];
    memset(local, 'm', sizeof local);
    memcpy(shared_buf, local, copy_size); /* @memcpy */
    (void)arg;
    return NULL;
}

static void *reader(void *arg) {
    *(char *)arg = shared_buf[20]; /* @read */
    return NULL;
}

int main(void) {
    alarm(20);
    char seen;
    pthread_t w, r;
    pthread_create(&w, NULL, writer, NULL);
    pthread_create(&r, NULL, reader, &seen);
    pthread_join(w, NULL);
    pthread_join(r, NULL);
    printf("seen %s\n", seen == 'm' ? "m" : "nothing yet");
    return 0;
}
