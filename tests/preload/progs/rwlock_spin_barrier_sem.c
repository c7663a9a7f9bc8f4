/*
 * rwlock_spin_barrier_sem.c — the other primitives, every entry point:
 * a rwlock read by three threads at once (all read-lock flavours) and
 * written (all write-lock flavours, some timing out behind a reader), a
 * contended spinlock, a barrier of three over two rounds, an unnamed
 * semaphore (wait/trywait/timedwait/clockwait/post) and a named one
 * (sem_open/sem_close/sem_unlink). The program checks every return code.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_barrier_t round_barrier;
static pthread_spinlock_t counter_spin;
static sem_t items;
static sem_t *named_sem;
static atomic_int ready;      /* threads about to block */
static atomic_int release_it; /* the lingering reader may unlock */
static long counter;

static void expect(const char *what, int got, int want) {
    if (got != want) {
        printf("%s: got %d (%s), want %d\n", what, got, strerror(got), want);
        exit(1);
    }
}

/* sem_* report errors through errno. */
static int sem_rc(int rc) { return rc == 0 ? 0 : errno; }

static struct timespec in_ms(clockid_t clock, long ms) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    ts.tv_nsec += ms * 1000000L;
    ts.tv_sec += ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    return ts;
}

static void await_ready(int n) {
    while (atomic_load(&ready) < n) sched_yield();
    usleep(20000); /* they are now blocked, or about to be */
    atomic_store(&ready, 0);
}

static void *reader(void *arg) {
    int which = *(int *)arg;
    atomic_fetch_add(&ready, 1);
    expect("rdlock", pthread_rwlock_rdlock(&table_lock), 0); /* @rdlock */
    pthread_barrier_wait(&round_barrier); /* all three hold it here */
    expect("unlock", pthread_rwlock_unlock(&table_lock), 0);

    struct timespec rt = in_ms(CLOCK_REALTIME, 10000), mono = in_ms(CLOCK_MONOTONIC, 10000);
    if (which == 0) {
        int rc;
        while ((rc = pthread_rwlock_tryrdlock(&table_lock)) == EBUSY) sched_yield();
        expect("tryrdlock", rc, 0);
    } else if (which == 1) {
        expect("timedrdlock", pthread_rwlock_timedrdlock(&table_lock, &rt), 0);
    } else {
        expect("clockrdlock", pthread_rwlock_clockrdlock(&table_lock, CLOCK_MONOTONIC, &mono), 0);
    }
    pthread_barrier_wait(&round_barrier);
    expect("unlock", pthread_rwlock_unlock(&table_lock), 0);
    return NULL;
}

static void *lingering_reader(void *arg) {
    (void)arg;
    expect("rdlock", pthread_rwlock_rdlock(&table_lock), 0);
    atomic_fetch_add(&ready, 1);
    while (!atomic_load(&release_it)) sched_yield();
    expect("unlock", pthread_rwlock_unlock(&table_lock), 0);
    return NULL;
}

static void rwlock_part(void) {
    pthread_t r[3], l;
    int which[3] = {0, 1, 2};
    expect("barrier init", pthread_barrier_init(&round_barrier, NULL, 3), 0);
    expect("wrlock", pthread_rwlock_wrlock(&table_lock), 0);
    for (int i = 0; i < 3; i++) pthread_create(&r[i], NULL, reader, &which[i]);
    await_ready(3);
    expect("unlock", pthread_rwlock_unlock(&table_lock), 0);
    for (int i = 0; i < 3; i++) pthread_join(r[i], NULL);
    expect("barrier destroy", pthread_barrier_destroy(&round_barrier), 0);

    struct timespec rt = in_ms(CLOCK_REALTIME, 10000), mono = in_ms(CLOCK_MONOTONIC, 10000);
    expect("trywrlock", pthread_rwlock_trywrlock(&table_lock), 0);
    expect("unlock", pthread_rwlock_unlock(&table_lock), 0);
    expect("timedwrlock", pthread_rwlock_timedwrlock(&table_lock, &rt), 0);
    expect("unlock", pthread_rwlock_unlock(&table_lock), 0);
    expect("clockwrlock", pthread_rwlock_clockwrlock(&table_lock, CLOCK_MONOTONIC, &mono), 0);
    expect("unlock", pthread_rwlock_unlock(&table_lock), 0);

    pthread_create(&l, NULL, lingering_reader, NULL);
    while (atomic_load(&ready) < 1) sched_yield();
    atomic_store(&ready, 0);
    rt = in_ms(CLOCK_REALTIME, 30);
    expect("timedwrlock behind a reader", pthread_rwlock_timedwrlock(&table_lock, &rt), ETIMEDOUT); /* @timedwrlock */
    mono = in_ms(CLOCK_MONOTONIC, 30);
    expect("clockwrlock behind a reader", pthread_rwlock_clockwrlock(&table_lock, CLOCK_MONOTONIC, &mono), ETIMEDOUT);
    expect("trywrlock behind a reader", pthread_rwlock_trywrlock(&table_lock), EBUSY);
    expect("tryrdlock beside a reader", pthread_rwlock_tryrdlock(&table_lock), 0);
    expect("unlock", pthread_rwlock_unlock(&table_lock), 0);
    atomic_store(&release_it, 1);
    pthread_join(l, NULL);
    expect("rwlock destroy", pthread_rwlock_destroy(&table_lock), 0);
}

static void *spinner(void *arg) {
    (void)arg;
    atomic_fetch_add(&ready, 1);
    expect("spin lock", pthread_spin_lock(&counter_spin), 0); /* @spin-lock */
    counter++;
    expect("spin unlock", pthread_spin_unlock(&counter_spin), 0);
    return NULL;
}

static void spin_part(void) {
    pthread_t s;
    expect("spin init", pthread_spin_init(&counter_spin, PTHREAD_PROCESS_PRIVATE), 0);
    expect("spin lock", pthread_spin_lock(&counter_spin), 0);
    pthread_create(&s, NULL, spinner, NULL);
    await_ready(1);
    expect("spin unlock", pthread_spin_unlock(&counter_spin), 0);
    pthread_join(s, NULL);
    expect("spin trylock", pthread_spin_trylock(&counter_spin), 0);
    expect("spin trylock when held", pthread_spin_trylock(&counter_spin), EBUSY);
    expect("spin unlock", pthread_spin_unlock(&counter_spin), 0);
    expect("spin destroy", pthread_spin_destroy(&counter_spin), 0);
}

static void *sem_waiter(void *arg) {
    (void)arg;
    atomic_fetch_add(&ready, 1);
    expect("sem_wait", sem_rc(sem_wait(&items)), 0); /* @sem-wait */
    return NULL;
}

static void *named_waiter(void *arg) {
    (void)arg;
    atomic_fetch_add(&ready, 1);
    expect("named sem_wait", sem_rc(sem_wait(named_sem)), 0);
    return NULL;
}

static void sem_part(void) {
    pthread_t w;
    expect("sem_init", sem_rc(sem_init(&items, 0, 0)), 0);
    pthread_create(&w, NULL, sem_waiter, NULL);
    await_ready(1);
    expect("sem_post", sem_rc(sem_post(&items)), 0); /* @sem-post */
    pthread_join(w, NULL);
    expect("sem_trywait", sem_rc(sem_trywait(&items)), EAGAIN);
    struct timespec rt = in_ms(CLOCK_REALTIME, 30);
    expect("sem_timedwait", sem_rc(sem_timedwait(&items, &rt)), ETIMEDOUT); /* @sem-timedwait */
    expect("sem_post", sem_rc(sem_post(&items)), 0);
    rt = in_ms(CLOCK_REALTIME, 10000);
    expect("sem_timedwait", sem_rc(sem_timedwait(&items, &rt)), 0);
    expect("sem_post", sem_rc(sem_post(&items)), 0);
    struct timespec mono = in_ms(CLOCK_MONOTONIC, 10000);
    expect("sem_clockwait", sem_rc(sem_clockwait(&items, CLOCK_MONOTONIC, &mono)), 0);
    expect("sem_post", sem_rc(sem_post(&items)), 0);
    expect("sem_trywait", sem_rc(sem_trywait(&items)), 0);
    expect("sem_destroy", sem_rc(sem_destroy(&items)), 0);

    char name[64];
    snprintf(name, sizeof name, "/threadlens_preload_test_%d", (int)getpid());
    named_sem = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
    if (named_sem == SEM_FAILED) {
        printf("sem_open %s: %s\n", name, strerror(errno));
        exit(1);
    }
    pthread_create(&w, NULL, named_waiter, NULL);
    await_ready(1);
    expect("named sem_post", sem_rc(sem_post(named_sem)), 0);
    pthread_join(w, NULL);
    expect("sem_close", sem_rc(sem_close(named_sem)), 0);
    expect("sem_unlink", sem_rc(sem_unlink(name)), 0);
}

int main(void) {
    rwlock_part();
    spin_part();
    sem_part();
    printf("ok, counter %ld\n", counter);
    return 0;
}
