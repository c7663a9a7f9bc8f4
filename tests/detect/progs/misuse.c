/*
 * misuse.c — one misuse of the pthreads API per run, chosen by the first
 * argument (see the table at the end). Each misuse is one glibc survives:
 * the program ends by itself with status 0, and prints what the call
 * returned. Waits that the misuse would make endless are timed; the barrier
 * destroyed under a waiter blocks its destroyer for good, so main exits
 * while both are still blocked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void report(const char *what, int rc) { printf("%s: %s\n", what, rc ? strerror(rc) : "0"); }

static struct timespec in_ms(long ms) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += ms * 1000000L;
    ts.tv_sec += ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    return ts;
}

static void init_errorcheck(pthread_mutex_t *m) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(m, &a);
    pthread_mutexattr_destroy(&a);
}

/* ---- unlocks ------------------------------------------------------------- */

static pthread_mutex_t free_lock = PTHREAD_MUTEX_INITIALIZER;

/* Twice: the second must not be reported again. */
static void unlock_not_held(void) {
    report("unlock", pthread_mutex_unlock(&free_lock)); /* @unlock-not-held */
    report("unlock again", pthread_mutex_unlock(&free_lock));
}

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t locked, may_end;

static void *locker(void *arg) {
    (void)arg;
    pthread_mutex_lock(&shared_lock);
    sem_post(&locked);
    sem_wait(&may_end);
    return NULL;
}

static void unlock_other(void) {
    sem_init(&locked, 0, 0);
    sem_init(&may_end, 0, 0);
    pthread_t t;
    pthread_create(&t, NULL, locker, NULL);
    sem_wait(&locked);
    report("unlock", pthread_mutex_unlock(&shared_lock)); /* @unlock-other */
    sem_post(&may_end);
    pthread_join(t, NULL);
}

static pthread_spinlock_t spin;

static void spin_unlock(void) {
    pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
    report("spin unlock", pthread_spin_unlock(&spin));
    pthread_spin_destroy(&spin);
}

static pthread_mutex_t check_lock;

/* glibc refuses (EPERM); the finding is the unlock itself, reported once. */
static void errorcheck_unlock(void) {
    init_errorcheck(&check_lock);
    report("errorcheck unlock", pthread_mutex_unlock(&check_lock)); /* @eperm */
}

static pthread_mutex_t relock_lock;

static void errorcheck_relock(void) {
    init_errorcheck(&relock_lock);
    pthread_mutex_lock(&relock_lock);
    report("relock", pthread_mutex_lock(&relock_lock)); /* @relock */
    pthread_mutex_unlock(&relock_lock);
}

/* ---- destroys and re-inits ------------------------------------------------ */

static pthread_mutex_t doomed_lock = PTHREAD_MUTEX_INITIALIZER;

static void destroy_locked(void) {
    pthread_mutex_lock(&doomed_lock);
    report("destroy", pthread_mutex_destroy(&doomed_lock)); /* @destroy-locked */
    pthread_mutex_unlock(&doomed_lock);
}

static pthread_rwlock_t doomed_rwlock = PTHREAD_RWLOCK_INITIALIZER;

static void destroy_locked_rwlock(void) {
    pthread_rwlock_wrlock(&doomed_rwlock);
    report("destroy rwlock", pthread_rwlock_destroy(&doomed_rwlock));
}

static pthread_mutex_t reinit_lock;

static void reinit(void) {
    pthread_mutex_init(&reinit_lock, NULL);
    pthread_mutex_lock(&reinit_lock);
    report("init again", pthread_mutex_init(&reinit_lock, NULL)); /* @reinit */
}

static pthread_mutex_t doomed_cond_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t doomed_cond = PTHREAD_COND_INITIALIZER;
static int cond_waiting; /* under doomed_cond_lock */

static void *cond_waiter(void *arg) {
    (void)arg;
    pthread_mutex_lock(&doomed_cond_lock);
    cond_waiting = 1;
    struct timespec until = in_ms(1000);
    report("timed wait", pthread_cond_timedwait(&doomed_cond, &doomed_cond_lock, &until));
    pthread_mutex_unlock(&doomed_cond_lock);
    return NULL;
}

/* Seeing cond_waiting set under the mutex means the waiter has released it
 * by entering the wait. glibc's destroy then waits for the timeout. */
static void destroy_cond(void) {
    pthread_t t;
    pthread_create(&t, NULL, cond_waiter, NULL);
    for (int seen = 0; !seen; usleep(1000)) {
        pthread_mutex_lock(&doomed_cond_lock);
        seen = cond_waiting;
        pthread_mutex_unlock(&doomed_cond_lock);
    }
    report("destroy cond", pthread_cond_destroy(&doomed_cond)); /* @destroy-cond */
    pthread_join(t, NULL);
}

static sem_t doomed_sem;
static atomic_int sem_waiting;

static void *sem_waiter(void *arg) {
    (void)arg;
    struct timespec until = in_ms(1000);
    atomic_store(&sem_waiting, 1);
    report("sem timed wait", sem_timedwait(&doomed_sem, &until) ? errno : 0);
    return NULL;
}

static void destroy_sem(void) {
    sem_init(&doomed_sem, 0, 0);
    pthread_t t;
    pthread_create(&t, NULL, sem_waiter, NULL);
    while (!atomic_load(&sem_waiting)) usleep(1000);
    usleep(300 * 1000); /* from "about to wait" to waiting */
    report("destroy sem", sem_destroy(&doomed_sem) ? errno : 0);
    pthread_join(t, NULL);
}

static pthread_barrier_t doomed_barrier;
static atomic_int barrier_waiting;

static void *barrier_waiter(void *arg) {
    (void)arg;
    atomic_store(&barrier_waiting, 1);
    pthread_barrier_wait(&doomed_barrier); /* never returns */
    return NULL;
}

static void *destroyer(void *arg) {
    (void)arg;
    pthread_barrier_destroy(&doomed_barrier); /* glibc waits for the waiter: forever */
    return NULL;
}

static void destroy_barrier(void) {
    pthread_barrier_init(&doomed_barrier, NULL, 2);
    pthread_t w, d;
    pthread_create(&w, NULL, barrier_waiter, NULL);
    pthread_detach(w);
    while (!atomic_load(&barrier_waiting)) usleep(1000);
    usleep(300 * 1000);
    pthread_create(&d, NULL, destroyer, NULL);
    pthread_detach(d);
    usleep(300 * 1000);
    puts("leaving with the barrier's waiter and destroyer blocked");
}

/* ---- condition variables -------------------------------------------------- */

static pthread_mutex_t unheld_lock;
static pthread_cond_t unheld_cond = PTHREAD_COND_INITIALIZER;

/* An errorcheck mutex makes glibc refuse (EPERM) instead of corrupting it. */
static void cond_unheld(void) {
    init_errorcheck(&unheld_lock);
    struct timespec until = in_ms(100);
    report("wait unheld", pthread_cond_timedwait(&unheld_cond, &unheld_lock, &until)); /* @cond-unheld */
}

static pthread_mutex_t mutex_one = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t mutex_two = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t shared_cond = PTHREAD_COND_INITIALIZER;
static int one_waiting; /* under mutex_one */

static void *waits_with_one(void *arg) {
    (void)arg;
    pthread_mutex_lock(&mutex_one);
    one_waiting = 1;
    struct timespec until = in_ms(1000);
    report("wait with mutex_one", pthread_cond_timedwait(&shared_cond, &mutex_one, &until));
    pthread_mutex_unlock(&mutex_one);
    return NULL;
}

/* The second wait starts while the first is still waiting (see destroy_cond). */
static void cond_two_mutexes(void) {
    pthread_t t;
    pthread_create(&t, NULL, waits_with_one, NULL);
    for (int seen = 0; !seen; usleep(1000)) {
        pthread_mutex_lock(&mutex_one);
        seen = one_waiting;
        pthread_mutex_unlock(&mutex_one);
    }
    pthread_mutex_lock(&mutex_two);
    struct timespec until = in_ms(100);
    report("wait with mutex_two", pthread_cond_timedwait(&shared_cond, &mutex_two, &until)); /* @two */
    pthread_mutex_unlock(&mutex_two);
    pthread_join(t, NULL);
}

/* ---- threads ---------------------------------------------------------------- */

static sem_t may_leave;

static void *detached_worker(void *arg) {
    (void)arg;
    sem_wait(&may_leave);
    return NULL;
}

/* The worker stays alive until after the join, so its descriptor is valid. */
static void join_detached(void) {
    sem_init(&may_leave, 0, 0);
    pthread_t t;
    pthread_create(&t, NULL, detached_worker, NULL);
    pthread_detach(t);
    report("join detached", pthread_join(t, NULL)); /* @join-detached */
    sem_post(&may_leave);
    usleep(50 * 1000);
}

static void join_self(void) { report("join self", pthread_join(pthread_self(), NULL)); }

/* A second detach returns EINVAL: a call that failed, with no more precise name. */
static void error_return(void) {
    sem_init(&may_leave, 0, 0);
    pthread_t t;
    pthread_create(&t, NULL, detached_worker, NULL);
    pthread_detach(t);
    report("detach again", pthread_detach(t)); /* @detach-again */
    sem_post(&may_leave);
    usleep(50 * 1000);
}

static pthread_mutex_t leaked_lock = PTHREAD_MUTEX_INITIALIZER;

static void *holder(void *arg) {
    (void)arg;
    pthread_mutex_lock(&leaked_lock); /* @leaked */
    return NULL;
}

static void ends_holding(void) {
    pthread_t t;
    pthread_create(&t, NULL, holder, NULL);
    pthread_join(t, NULL);
}

static const struct {
    const char *mode;
    void (*run)(void);
} modes[] = {
    {"unlock_not_held", unlock_not_held},
    {"unlock_other", unlock_other},
    {"spin_unlock", spin_unlock},
    {"errorcheck_unlock", errorcheck_unlock},
    {"errorcheck_relock", errorcheck_relock},
    {"destroy_locked", destroy_locked},
    {"destroy_locked_rwlock", destroy_locked_rwlock},
    {"reinit", reinit},
    {"destroy_cond", destroy_cond},
    {"destroy_sem", destroy_sem},
    {"destroy_barrier", destroy_barrier},
    {"cond_unheld", cond_unheld},
    {"cond_two_mutexes", cond_two_mutexes},
    {"join_detached", join_detached},
    {"join_self", join_self},
    {"ends_holding", ends_holding},
    {"error_return", error_return},
};

int main(int argc, char **argv) {
    alarm(20);
    for (size_t i = 0; argc == 2 && i < sizeof modes / sizeof modes[0]; i++) {
        if (strcmp(argv[1], modes[i].mode)) continue;
        modes[i].run();
        fflush(stdout);
        return 0;
    }
    fprintf(stderr, "usage: misuse MODE (see the table in misuse.c)\n");
    return 2;
}
