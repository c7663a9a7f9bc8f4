/*
 * lost_update.c — the seeds' FakeDatabase: two threads each copy the value,
 * "work" for 100 ms, and write the copy plus one back. Both read 0, both
 * write 1: one update is lost. `locked` takes the database's lock around
 * the update and is race-free (the value ends at 2).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    int value;
    pthread_mutex_t lock;
} fake_database;

static fake_database db = {0, PTHREAD_MUTEX_INITIALIZER};
static int locked;

static void *update(void *arg) {
    fake_database *d = arg;
    if (locked) pthread_mutex_lock(&d->lock);
    int local = d->value; /* @read */
    usleep(100000);
    d->value = local + 1; /* @write */
    if (locked) pthread_mutex_unlock(&d->lock);
    return NULL;
}

int main(int argc, char **argv) {
    alarm(20);
    locked = argc > 1 && !strcmp(argv[1], "locked");
    pthread_t t[2];
    for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, update, &db);
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
    printf("value %d\n", db.value);
    return 0;
}
