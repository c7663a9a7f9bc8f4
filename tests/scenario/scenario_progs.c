/*
 * scenario_progs.c — small tl_* programs, one per scenario, chosen by
 * argv[1]. scenario_test.c runs each in its own process with THREADLENS_OUT
 * set and checks the trace. Sleeps make the interesting interleaving
 * certain (a waiter really waits); nothing here depends on them for
 * correctness.
 */
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <threadlens.h>

static tl_mutex lock_a, lock_b;
static tl_rwlock ledger;
static tl_cond ready;
static tl_sem slots;
static tl_barrier meet;
static tl_spinlock spin;
/* Choreography, not traced: a thread announces it is about to block, and
 * the other waits for that before acting, so a waiter really waits even on
 * a loaded machine. */
static sem_t announced;
static void announce(void) { sem_post(&announced); }
static void await_announce(void) {
    while (sem_wait(&announced) != 0) {
    }
}

/* ---- handoff: main holds a lock a worker waits for ---------------------- */

static void *take_a(void *arg) {
    (void)arg;
    announce();
    tl_mutex_lock(&lock_a);
    tl_mutex_unlock(&lock_a);
    return NULL;
}

static int handoff(void) {
    tl_thread t;
    tl_mutex_init(&lock_a, TL_MUTEX_NORMAL, "handoff lock");
    tl_mutex_lock(&lock_a);
    tl_thread_create(&t, "worker", take_a, NULL);
    await_announce();
    tl_sleep_ms(30);
    tl_mutex_unlock(&lock_a);
    return tl_thread_join(t, NULL);
}

/* ---- hand-over-hand: lock A, lock B, unlock A, unlock B ------------------ */

static void *hand_over_hand_loop(void *arg) {
    (void)arg;
    for (int i = 0; i < 50; i++) {
        tl_mutex_lock(&lock_a);
        tl_mutex_lock(&lock_b);
        tl_mutex_unlock(&lock_a);
        tl_mutex_unlock(&lock_b);
    }
    return NULL;
}

static int hand_over_hand(void) {
    tl_thread t[2];
    tl_mutex_init(&lock_a, TL_MUTEX_NORMAL, "A");
    tl_mutex_init(&lock_b, TL_MUTEX_NORMAL, "B");
    tl_thread_create(&t[0], "hoh 1", hand_over_hand_loop, NULL);
    tl_thread_create(&t[1], "hoh 2", hand_over_hand_loop, NULL);
    return tl_thread_join(t[0], NULL) | tl_thread_join(t[1], NULL);
}

/* ---- readers: three overlapping read holds, then a writer ---------------- */

static void *reader(void *arg) {
    (void)arg;
    tl_barrier_wait(&meet);
    tl_rwlock_rdlock(&ledger);
    tl_barrier_wait(&meet); /* all three hold the read lock now */
    tl_sleep_ms(20);
    tl_rwlock_unlock(&ledger);
    return NULL;
}

static int readers(void) {
    tl_thread t[3];
    tl_rwlock_init(&ledger, "ledger");
    tl_barrier_init(&meet, 4, "meet");
    for (int i = 0; i < 3; i++) tl_thread_create(&t[i], "reader", reader, NULL);
    tl_barrier_wait(&meet);
    tl_barrier_wait(&meet);
    tl_rwlock_wrlock(&ledger); /* waits for the readers */
    tl_rwlock_unlock(&ledger);
    int rc = 0;
    for (int i = 0; i < 3; i++) rc |= tl_thread_join(t[i], NULL);
    return rc;
}

/* ---- cond: signal one waiter, then broadcast to two ---------------------- */

static int stage;

static void *cond_waiter(void *arg) {
    int want = (int)(long)arg;
    tl_mutex_lock(&lock_a);
    announce(); /* main can take the mutex only once we wait */
    while (stage < want) tl_cond_wait(&ready, &lock_a);
    tl_mutex_unlock(&lock_a);
    return NULL;
}

static int cond(void) {
    tl_thread t[3];
    tl_mutex_init(&lock_a, TL_MUTEX_NORMAL, "state");
    tl_cond_init(&ready, "ready");
    tl_thread_create(&t[0], "first", cond_waiter, (void *)1L);
    await_announce();
    tl_mutex_lock(&lock_a);
    stage = 1;
    tl_cond_signal(&ready);
    tl_mutex_unlock(&lock_a);
    tl_thread_join(t[0], NULL);
    tl_thread_create(&t[1], "second", cond_waiter, (void *)2L);
    tl_thread_create(&t[2], "third", cond_waiter, (void *)2L);
    await_announce();
    await_announce();
    tl_mutex_lock(&lock_a);
    stage = 2;
    tl_cond_broadcast(&ready);
    tl_mutex_unlock(&lock_a);
    return tl_thread_join(t[1], NULL) | tl_thread_join(t[2], NULL);
}

/* ---- sem: a waiter released by a post ------------------------------------ */

static void *sem_waiter(void *arg) {
    (void)arg;
    announce();
    tl_sem_wait(&slots);
    return NULL;
}

static int sem(void) {
    tl_thread t;
    tl_sem_init(&slots, 0, "slots");
    tl_thread_create(&t, "waiter", sem_waiter, NULL);
    await_announce();
    tl_sleep_ms(30);
    tl_sem_post(&slots);
    return tl_thread_join(t, NULL);
}

/* ---- barrier: the last arrival releases the others ----------------------- */

static void *barrier_party(void *arg) {
    tl_sleep_ms((int)(long)arg);
    announce();
    tl_barrier_wait(&meet);
    return NULL;
}

static int barrier(void) {
    tl_thread t[2];
    tl_barrier_init(&meet, 3, "meet");
    tl_thread_create(&t[0], "early", barrier_party, (void *)1L);
    tl_thread_create(&t[1], "middle", barrier_party, (void *)5L);
    await_announce();
    await_announce();
    tl_sleep_ms(30);
    tl_barrier_wait(&meet); /* main arrives last */
    return tl_thread_join(t[0], NULL) | tl_thread_join(t[1], NULL);
}

/* ---- phases, marks and counters, with a wait inside a phase -------------- */

static int phases(void) {
    tl_thread t;
    tl_mutex_init(&lock_a, TL_MUTEX_NORMAL, "inner lock");
    tl_phase_begin("outer");
    tl_phase_begin("inner");
    tl_mutex_lock(&lock_a);
    tl_thread_create(&t, "contender", take_a, NULL);
    await_announce();
    tl_sleep_ms(30);
    tl_mutex_unlock(&lock_a);
    tl_mark("checkpoint");
    tl_phase_end();
    for (int i = 1; i <= 3; i++) tl_counter("progress", i);
    tl_phase_end();
    tl_phase_end(); /* one too many: ignored */
    return tl_thread_join(t, NULL);
}

/* ---- recursive mutex: one hold for three nested locks -------------------- */

static int recursive(void) {
    tl_mutex_init(&lock_a, TL_MUTEX_RECURSIVE, "rlock");
    for (int i = 0; i < 3; i++) tl_mutex_lock(&lock_a);
    for (int i = 0; i < 3; i++) tl_mutex_unlock(&lock_a);
    return tl_mutex_trylock(&lock_a) | tl_mutex_unlock(&lock_a);
}

/* ---- timeouts and spinning ------------------------------------------------ */

static void *hold_a_long(void *arg) {
    (void)arg;
    tl_mutex_lock(&lock_a);
    announce(); /* main may try now: the lock is surely taken */
    tl_sleep_ms(60);
    tl_mutex_unlock(&lock_a);
    return NULL;
}

static void *spin_briefly(void *arg) {
    (void)arg;
    announce();
    tl_spin_lock(&spin);
    tl_spin_unlock(&spin);
    return NULL;
}

static int timeouts(void) {
    tl_thread t;
    struct timespec when;
    tl_mutex_init(&lock_a, TL_MUTEX_NORMAL, "slow lock");
    tl_cond_init(&ready, "never");
    tl_spin_init(&spin, "spin");
    tl_thread_create(&t, "holder", hold_a_long, NULL);
    await_announce();
    clock_gettime(CLOCK_REALTIME, &when);
    when.tv_nsec += 10000000;
    if (when.tv_nsec >= 1000000000) when.tv_sec++, when.tv_nsec -= 1000000000;
    int rc = tl_mutex_timedlock(&lock_a, &when);
    if (rc == 0) tl_mutex_unlock(&lock_a);
    tl_thread_join(t, NULL);
    tl_mutex_lock(&lock_a);
    clock_gettime(CLOCK_REALTIME, &when);
    when.tv_nsec += 5000000;
    if (when.tv_nsec >= 1000000000) when.tv_sec++, when.tv_nsec -= 1000000000;
    int rc2 = tl_cond_timedwait(&ready, &lock_a, &when);
    tl_mutex_unlock(&lock_a);
    tl_spin_lock(&spin);
    tl_thread_create(&t, "spinner", spin_briefly, NULL);
    await_announce();
    tl_sleep_ms(20);
    tl_spin_unlock(&spin);
    tl_thread_join(t, NULL);
    return !(rc == 110 /* ETIMEDOUT */ && rc2 == 110);
}

/* ---- many short threads: tids never reused, rings recycled --------------- */

static void *nothing(void *arg) { return arg; }

static int many_threads(void) {
    for (int i = 0; i < 1500; i++) {
        tl_thread t;
        if (tl_thread_create(&t, NULL, nothing, NULL) || tl_thread_join(t, NULL)) return 1;
    }
    return 0;
}

/* ---- exit paths ------------------------------------------------------------ */

static atomic_int daemon_rounds;

static void *daemon_loop(void *arg) {
    (void)arg;
    tl_thread_set_name("daemon");
    for (;;) {
        tl_mutex_lock(&lock_a);
        tl_mutex_unlock(&lock_a);
        atomic_fetch_add(&daemon_rounds, 1);
        tl_sleep_ms(1);
    }
    return NULL;
}

static int daemon_thread(void) {
    tl_thread t;
    tl_mutex_init(&lock_a, TL_MUTEX_NORMAL, "daemon lock");
    tl_thread_create(&t, NULL, daemon_loop, NULL);
    tl_thread_detach(t);
    /* At least 5 holds (the test looks for the 4th), however loaded the machine. */
    while (atomic_load(&daemon_rounds) < 5) tl_sleep_ms(1);
    return 0; /* main returns while the daemon keeps running */
}

static void *exit_from_thread(void *arg) {
    (void)arg;
    tl_mark("calling exit");
    exit(3);
}

static int exit_thread(void) {
    tl_thread t;
    tl_thread_create(&t, "exiter", exit_from_thread, NULL);
    tl_thread_join(t, NULL);
    return 0;
}

static void *crash(void *arg) {
    tl_mark("about to crash");
    if (arg) abort();
    raise(SIGSEGV);
    return NULL;
}

static int abort_thread(void) {
    tl_thread t;
    tl_thread_create(&t, "crasher", crash, (void *)1L);
    tl_thread_join(t, NULL);
    return 0;
}

static int segv_thread(void) {
    tl_thread t;
    tl_thread_create(&t, "crasher", crash, NULL);
    tl_thread_join(t, NULL);
    return 0;
}

static void *lock_b_then_a(void *arg) {
    (void)arg;
    tl_mutex_lock(&lock_b);
    announce();
    tl_sleep_ms(20);
    tl_mutex_lock(&lock_a);
    return NULL;
}

/* A real deadlock; the test ends it with a signal. "deadlocked" appears in
 * the trace once both threads are stuck. */
static int deadlock(void) {
    tl_thread t;
    tl_mutex_init(&lock_a, TL_MUTEX_NORMAL, "fork A");
    tl_mutex_init(&lock_b, TL_MUTEX_NORMAL, "fork B");
    tl_mutex_lock(&lock_a);
    tl_thread_create(&t, "philosopher", lock_b_then_a, NULL);
    await_announce();
    tl_mark("deadlocked");
    tl_mutex_lock(&lock_b);
    return 0;
}

/* Records forever, so the test can watch the file grow and SIGKILL it. */
static int forever(void) {
    tl_mutex_init(&lock_a, TL_MUTEX_NORMAL, "busy");
    for (long i = 0;; i++) {
        tl_mutex_lock(&lock_a);
        tl_counter("iteration", (double)i);
        tl_mutex_unlock(&lock_a);
        tl_sleep_ms(1);
    }
    return 0;
}

/* More events than the ring holds, with no wait allowed: drops. */
static int flood(void) {
    for (int i = 0; i < 2000000; i++) tl_mark("flood");
    return 0;
}

/* A thread the runtime did not create: it appears when it first records. */
static void *foreign_body(void *arg) {
    (void)arg;
    tl_mutex_lock(&lock_a);
    tl_mutex_unlock(&lock_a);
    return NULL;
}

static int foreign(void) {
    pthread_t raw;
    tl_mutex_init(&lock_a, TL_MUTEX_NORMAL, "shared");
    if (pthread_create(&raw, NULL, foreign_body, NULL)) return 1;
    return pthread_join(raw, NULL);
}

/* Review findings, each once: a recursive mutex held through a cond wait,
 * an unlock in a cleanup handler of tl_thread_exit, a join of an untraced
 * thread, a failed create, and names. */
static void unlock_a(void *arg) {
    (void)arg;
    tl_mutex_unlock(&lock_a);
}

static void *exit_holding(void *arg) {
    (void)arg;
    tl_mutex_lock(&lock_a);
    pthread_cleanup_push(unlock_a, NULL);
    tl_thread_exit(NULL);
    pthread_cleanup_pop(0);
    return NULL;
}

static void *rename_twice(void *arg) {
    (void)arg;
    tl_thread_set_name("renamed");
    tl_thread_set_name(NULL); /* back to its default */
    tl_mark("named");
    return NULL;
}

static int odd_threads(void) {
    static tl_mutex by_index = TL_MUTEX_INITIALIZER;
    tl_mutex by_site;
    tl_thread t;
    struct timespec when;
    tl_mutex_init(&by_site, TL_MUTEX_NORMAL, NULL);
    tl_mutex_lock(&by_site);
    tl_mutex_lock(&by_index);
    tl_mutex_unlock(&by_index);
    tl_mutex_unlock(&by_site);
    tl_mutex_init(&lock_a, TL_MUTEX_RECURSIVE, "R");
    tl_cond_init(&ready, "nobody");
    tl_mutex_lock(&lock_a);
    tl_mutex_lock(&lock_a);
    clock_gettime(CLOCK_REALTIME, &when);
    when.tv_nsec += 5000000;
    if (when.tv_nsec >= 1000000000) when.tv_sec++, when.tv_nsec -= 1000000000;
    tl_cond_timedwait(&ready, &lock_a, &when); /* releases one level only */
    tl_mutex_unlock(&lock_a);
    tl_mutex_unlock(&lock_a);

    tl_thread_create(&t, "exiter", exit_holding, NULL);
    tl_thread_join(t, NULL);

    t.id = 0; /* an untraced thread, as when tracing was off at its creation */
    if (pthread_create(&t.handle, NULL, nothing, NULL)) return 1;
    tl_thread_join(t, NULL);

    pthread_attr_t huge;
    pthread_attr_init(&huge);
    pthread_attr_setstacksize(&huge, (size_t)1 << 46); /* cannot be mapped */
    int rc = tl_thread_create_attr(&t, &huge, "never ran", nothing, NULL);
    pthread_attr_destroy(&huge);
    if (rc == 0) tl_thread_join(t, NULL);

    tl_thread_create_at(&t, NULL, NULL, rename_twice, NULL, NULL);
    return tl_thread_join(t, NULL) | (rc == 0);
}

/* ---- a thread named after its joiner began to wait ---------------------- */

static void *rename_later(void *arg) {
    (void)arg;
    tl_sleep_ms(200); /* main is joining by now, and the writer saw it */
    tl_thread_set_name("renamed");
    tl_sleep_ms(20);
    return NULL;
}

static int late_name(void) {
    tl_thread t;
    tl_thread_create(&t, "worker", rename_later, NULL);
    return tl_thread_join(t, NULL);
}

/* ---- burst: records as fast as it can, pauses, and again ------------------ */

#define BURST_LOOPS 5000

static void *burst_loop(void *arg) {
    long n = (long)(intptr_t)arg;
    for (long i = 0; i < n; i++) {
        tl_mutex_lock(&lock_a);
        tl_mutex_unlock(&lock_a);
    }
    return NULL;
}

static int burst_round(long n) {
    tl_thread t[2];
    for (int i = 0; i < 2; i++) tl_thread_create(&t[i], "burster", burst_loop, (void *)(intptr_t)n);
    return tl_thread_join(t[0], NULL) | tl_thread_join(t[1], NULL);
}

/* Two rounds of 2 threads locking one mutex (15 000 holds, 45 000+ events
 * in well under a second): the writer leaves the JSON for later while they
 * run. Between the rounds the program is quiet; the last round is written
 * at exit. The lock order inversion at the end is found while it happens. */
static int burst(void) {
    tl_mutex_init(&lock_a, TL_MUTEX_NORMAL, "burst lock");
    tl_mutex_init(&lock_b, TL_MUTEX_NORMAL, "other lock");
    int rc = burst_round(BURST_LOOPS);
    tl_sleep_ms(300);
    tl_counter("round", 2);
    rc |= burst_round(BURST_LOOPS / 2);
    tl_mutex_lock(&lock_a);
    tl_mutex_lock(&lock_b);
    tl_mutex_unlock(&lock_b);
    tl_mutex_unlock(&lock_a);
    tl_mutex_lock(&lock_b);
    tl_mutex_lock(&lock_a);
    tl_mutex_unlock(&lock_a);
    tl_mutex_unlock(&lock_b);
    return rc;
}

static int hello(void) {
    tl_mark("hello");
    return 0;
}

static const struct { const char *name; int (*fn)(void); } scenarios[] = {
    {"handoff", handoff},     {"hand_over_hand", hand_over_hand}, {"readers", readers},
    {"cond", cond},           {"sem", sem},                       {"barrier", barrier},
    {"phases", phases},       {"recursive", recursive},           {"timeouts", timeouts},
    {"many_threads", many_threads}, {"daemon", daemon_thread},   {"exit_thread", exit_thread},
    {"abort_thread", abort_thread}, {"segv_thread", segv_thread}, {"deadlock", deadlock},
    {"forever", forever},     {"flood", flood},                   {"hello", hello},
    {"foreign", foreign},     {"odd_threads", odd_threads},       {"late_name", late_name},
    {"burst", burst},
};

int main(int argc, char **argv) {
    sem_init(&announced, 0, 0);
    for (size_t i = 0; argc > 1 && i < sizeof scenarios / sizeof scenarios[0]; i++)
        if (!strcmp(argv[1], scenarios[i].name)) return scenarios[i].fn();
    fprintf(stderr, "usage: tl_scenarios NAME (unknown scenario)\n");
    return 2;
}
