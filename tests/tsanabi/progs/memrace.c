/* A race through memcpy and memset (calls the preload interposes; the
 * instrumented code does not check them itself): two threads fill the same
 * buffer without a lock. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

char shared[256]; /* global and read at the end: the copies are not dead */
char src[256] = "threadlens";
static volatile size_t len = 200; /* not a constant: a real call */

static void *copier(void *arg) {
    (void)arg;
    for (int i = 0; i < 100; i++) memcpy(shared, src, len);
    return NULL;
}

static void *clearer(void *arg) {
    (void)arg;
    for (int i = 0; i < 100; i++) memset(shared + 8, 0, len);
    return NULL;
}

int main(void) {
    pthread_t a, b;
    pthread_create(&a, NULL, copier, NULL);
    pthread_create(&b, NULL, clearer, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("memrace: done (%d)\n", shared[10]);
    return 0;
}
