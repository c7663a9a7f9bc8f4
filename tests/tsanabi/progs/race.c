/* The lost update: two threads increment a global without a lock. */
#include <pthread.h>
#include <stdio.h>

int counter;

static void *worker(void *arg) {
    (void)arg;
    for (int i = 0; i < 10000; i++) counter++;
    return NULL;
}

int main(void) {
    pthread_t a, b;
    pthread_create(&a, NULL, worker, NULL);
    pthread_create(&b, NULL, worker, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("counter %s\n", counter > 0 ? "set" : "zero");
    return 0;
}
