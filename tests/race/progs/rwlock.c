/*
 * rwlock.c — a table behind a rwlock. MODE:
 *   write_under_read  the updater takes the lock for reading and writes:
 *                     read holds never exclude each other, so its write
 *                     races with a reader's read (exactly one race);
 *   correct           the updater takes it for writing; readers read
 *                     concurrently under read holds: no race.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static int table[8];
static int wrong;

static void *updater(void *arg) {
    (void)arg;
    if (wrong)
        pthread_rwlock_rdlock(&table_lock);
    else
        pthread_rwlock_wrlock(&table_lock);
    table[3] = 99; /* @update */
    pthread_rwlock_unlock(&table_lock);
    return NULL;
}

static void *reader(void *arg) {
    int sum = 0;
    pthread_rwlock_rdlock(&table_lock);
    for (int i = 0; i < 8; i++) sum += table[i]; /* @lookup */
    pthread_rwlock_unlock(&table_lock);
    *(int *)arg = sum;
    return NULL;
}

int main(int argc, char **argv) {
    alarm(20);
    wrong = argc > 1 && !strcmp(argv[1], "write_under_read");
    int sums[2];
    pthread_t u, r[2];
    pthread_create(&r[0], NULL, reader, &sums[0]);
    pthread_create(&u, NULL, updater, NULL);
    pthread_create(&r[1], NULL, reader, &sums[1]);
    pthread_join(u, NULL);
    pthread_join(r[0], NULL);
    pthread_join(r[1], NULL);
    printf("sums %d %d\n", sums[0], sums[1]);
    return 0;
}
