/*
 * barrier.c — two threads work in three phases separated by a barrier.
 * Each writes its own slot in phase 1 and reads the other's in phase 2,
 * then writes its own again in phase 3: every conflicting pair is in
 * different phases, so the barrier orders it. MODE `phase_race` also has
 * thread 0 write `shared` and thread 1 read it within phase 2: the
 * barriers before and after order nothing between those two (exactly one
 * race).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_barrier_t phase;
static int slot[2];
static int shared;
static int phase_race;

static void *worker(void *arg) {
    int me = (int)(long)arg, other = 1 - me, sum = 0;
    slot[me] = me + 1;
    pthread_barrier_wait(&phase);
    sum += slot[other];
    if (phase_race && me == 0) shared = 7; /* @phase-write */
    if (phase_race && me == 1) sum += shared; /* @phase-read */
    pthread_barrier_wait(&phase);
    slot[me] = sum;
    pthread_barrier_wait(&phase);
    return NULL;
}

int main(int argc, char **argv) {
    alarm(20);
    phase_race = argc > 1 && !strcmp(argv[1], "phase_race");
    pthread_barrier_init(&phase, NULL, 2);
    pthread_t t[2];
    for (long i = 0; i < 2; i++) pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
    pthread_barrier_destroy(&phase);
    printf("slots %d %d\n", slot[0], slot[1]);
    return 0;
}
