/*
 * tls.c — thread-local data: a __thread counter and a stack array per
 * thread, four threads at once, then four more (which may get the first
 * ones' stacks and TLS blocks back, ordered by the joins). Threads never
 * touch each other's: no race.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static __thread long tls_counter;
static __thread char tls_name[16];

static void *worker(void *arg) {
    long local[64];
    for (int i = 0; i < 64; i++) local[i] = i + (long)arg;
    for (int round = 0; round < 1000; round++) {
        tls_counter += local[round % 64];
        tls_name[round % 16] = (char)('a' + round % 26);
    }
    return (void *)(tls_counter + tls_name[0]);
}

int main(void) {
    alarm(20);
    long total = 0;
    for (int batch = 0; batch < 2; batch++) {
        pthread_t t[4];
        for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, worker, (void *)i);
        for (int i = 0; i < 4; i++) {
            void *r;
            pthread_join(t[i], &r);
            total += (long)r;
        }
    }
    printf("total %ld\n", total);
    return 0;
}
