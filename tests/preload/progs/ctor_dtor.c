/*
 * ctor_dtor.c — pthread calls outside main: a constructor that creates and
 * joins a thread and locks a mutex before main runs, and an atexit handler
 * and a destructor that lock mutexes after main returned (the destructor
 * runs after the tracer finished its trace; it must simply work).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t ctor_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t atexit_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t dtor_lock = PTHREAD_MUTEX_INITIALIZER;
static int ctor_count;

static void *ctor_thread(void *arg) {
    (void)arg;
    pthread_mutex_lock(&ctor_lock);
    ctor_count++;
    pthread_mutex_unlock(&ctor_lock);
    return NULL;
}

__attribute__((constructor)) static void before_main(void) {
    pthread_t t;
    if (pthread_create(&t, NULL, ctor_thread, NULL) != 0 || pthread_join(t, NULL) != 0) abort();
    pthread_mutex_lock(&ctor_lock); /* @ctor-lock */
    ctor_count++;
    pthread_mutex_unlock(&ctor_lock);
}

static void at_exit(void) {
    pthread_mutex_lock(&atexit_lock);
    pthread_mutex_unlock(&atexit_lock);
    fprintf(stderr, "atexit handler done\n");
}

__attribute__((destructor)) static void after_main(void) {
    pthread_t t;
    if (pthread_create(&t, NULL, ctor_thread, NULL) != 0 || pthread_join(t, NULL) != 0) abort();
    pthread_mutex_lock(&dtor_lock);
    pthread_mutex_unlock(&dtor_lock);
    fprintf(stderr, "destructor done\n");
}

int main(void) {
    atexit(at_exit);
    pthread_mutex_lock(&ctor_lock);
    printf("constructor ran %d times\n", ctor_count);
    pthread_mutex_unlock(&ctor_lock);
    return ctor_count == 2 ? 0 : 1;
}
