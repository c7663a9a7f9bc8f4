/*
 * rwlock_readers.c — table_lock (rwlock) taken for reading and stats_lock
 * (mutex) in both orders by two threads: table_lock(read) -> stats_lock and
 * stats_lock -> table_lock(read). Both sides of table_lock are reads, which
 * never exclude each other, so the cycle cannot deadlock: no finding.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static long lookups;

static void *read_then_count(void *arg) {
    (void)arg;
    pthread_rwlock_rdlock(&table_lock);
    pthread_mutex_lock(&stats_lock);
    lookups++;
    pthread_mutex_unlock(&stats_lock);
    pthread_rwlock_unlock(&table_lock);
    return NULL;
}

static void *count_then_read(void *arg) {
    (void)arg;
    pthread_mutex_lock(&stats_lock);
    pthread_rwlock_rdlock(&table_lock);
    lookups++;
    pthread_rwlock_unlock(&table_lock);
    pthread_mutex_unlock(&stats_lock);
    return NULL;
}

int main(void) {
    alarm(20);
    pthread_t t;
    pthread_create(&t, NULL, read_then_count, NULL);
    pthread_join(t, NULL);
    pthread_create(&t, NULL, count_then_read, NULL);
    pthread_join(t, NULL);
    printf("%ld lookups\n", lookups);
    return 0;
}
