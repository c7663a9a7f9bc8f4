/*
 * setname.c — thread names given with pthread_setname_np: one thread names
 * itself, main renames another. The given names replace the start-routine
 * names in the trace.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

static pthread_mutex_t name_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int named, finish;

static void *names_itself(void *arg) {
    (void)arg;
    if (pthread_setname_np(pthread_self(), "io-worker") != 0) return (void *)1;
    atomic_fetch_add(&named, 1);
    while (!atomic_load(&finish)) sched_yield();
    pthread_mutex_lock(&name_lock); /* an event after the rename */
    pthread_mutex_unlock(&name_lock);
    return NULL;
}

static void *gets_renamed(void *arg) {
    (void)arg;
    while (!atomic_load(&finish)) sched_yield();
    pthread_mutex_lock(&name_lock);
    pthread_mutex_unlock(&name_lock);
    return NULL;
}

int main(void) {
    pthread_t self_namer, other;
    void *r1, *r2;
    pthread_create(&self_namer, NULL, names_itself, NULL);
    pthread_create(&other, NULL, gets_renamed, NULL);
    int rc = pthread_setname_np(other, "renamed");
    while (!atomic_load(&named)) sched_yield();
    char got[16] = "";
    pthread_getname_np(other, got, sizeof got);
    atomic_store(&finish, 1);
    pthread_join(self_namer, &r1);
    pthread_join(other, &r2);
    printf("setname rc %d, other is called %s\n", rc, got);
    return rc == 0 && r1 == NULL && r2 == NULL ? 0 : 1;
}
