/* A tiny program that uses an *installed* libthreadlens: two threads bump a
 * counter under a traced mutex. Built by tests/install/run_install_test.sh
 * with find_package(threadlens) and with pkg-config. */
#include <stdio.h>
#include <threadlens.h>

enum { THREADS = 2, ROUNDS = 1000 };

static tl_mutex lock = TL_MUTEX_INITIALIZER;
static long counter;

static void *work(void *arg)
{
    for (int i = 0; i < ROUNDS; i++) {
        tl_mutex_lock(&lock);
        counter++;
        tl_mutex_unlock(&lock);
    }
    return arg;
}

int main(void)
{
    tl_thread t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        int rc = tl_thread_create(&t[i], i == 0 ? "consumer-a" : "consumer-b", work, NULL);
        if (rc != 0) {
            fprintf(stderr, "consumer: tl_thread_create failed: %d\n", rc);
            return 1;
        }
    }
    for (int i = 0; i < THREADS; i++) {
        int rc = tl_thread_join(t[i], NULL);
        if (rc != 0) {
            fprintf(stderr, "consumer: tl_thread_join failed: %d\n", rc);
            return 1;
        }
    }
    if (counter != (long)THREADS * ROUNDS) {
        fprintf(stderr, "consumer: counter is %ld, expected %ld\n", counter, (long)THREADS * ROUNDS);
        return 1;
    }
    printf("consumer: ok, counter=%ld, trace=%s\n", counter, tl_trace_path());
    return 0;
}
