/*
 * deadlock — seed 002's "Deadlock": two threads, two locks, taken in
 * opposite orders. Each thread holds the lock the other one waits for.
 * The seed gives only the heading; the Python here is the usual example:
 *
 *     def transfer(source, target, amount):
 *         with source.lock:
 *             time.sleep(0.1)            # long enough for the other thread
 *             with target.lock:
 *                 source.balance -= amount
 *                 target.balance += amount
 *
 *     # thread alice_to_bob: transfer(alice, bob, 10)
 *     # thread bob_to_alice: transfer(bob, alice, 20)
 *
 * The C twin: each account carries its own mutex. `tl_deadlock` locks the
 * source account first: alice_to_bob holds alice and waits for bob,
 * bob_to_alice holds bob and waits for alice. The 100 ms sleep between the
 * two locks makes that timing certain; threadlens reports the lock order
 * inversion and the deadlock and ends the process with status 86.
 * `tl_deadlock fixed` locks the two accounts in one global order (lower
 * account number first), whatever the direction of the transfer: the second
 * thread waits for the first, then both transfers go through. See README.md.
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* logging.info with format "%(asctime)s: %(message)s", to the millisecond. */
static void say(const char *fmt, ...) {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    printf("%02d:%02d:%02d.%03ld: ", tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* The lock comes first: threadlens names a lock after the variable that
 * holds it, so these lock lanes are called "alice" and "bob". */
struct account {
    pthread_mutex_t lock;
    int number;
    const char *name;
    long balance;
};
static struct account alice = {PTHREAD_MUTEX_INITIALIZER, 1, "alice", 100};
static struct account bob = {PTHREAD_MUTEX_INITIALIZER, 2, "bob", 100};

static int fixed;

struct transfer {
    struct account *source, *target;
    long amount;
    const char *thread_name;
};

static void *transfer(void *arg) {
    const struct transfer *t = arg;
    struct account *first = t->source, *second = t->target;
    /* The fix: one order for everybody, so no cycle can form. */
    if (fixed && second->number < first->number) {
        first = t->target;
        second = t->source;
    }
    say("%s: locking %s", t->thread_name, first->name);
    pthread_mutex_lock(&first->lock);
    sleep_ms(100);
    say("%s: locking %s", t->thread_name, second->name);
    pthread_mutex_lock(&second->lock);
    t->source->balance -= t->amount;
    t->target->balance += t->amount;
    pthread_mutex_unlock(&second->lock);
    pthread_mutex_unlock(&first->lock);
    say("%s: moved %ld from %s to %s", t->thread_name, t->amount, t->source->name, t->target->name);
    return NULL;
}

int main(int argc, char **argv) {
    fixed = argc > 1 && strcmp(argv[1], "fixed") == 0;
    struct transfer transfers[2] = {
        {&alice, &bob, 10, "alice_to_bob"},
        {&bob, &alice, 20, "bob_to_alice"},
    };
    pthread_t threads[2];
    for (int i = 0; i < 2; i++) {
        pthread_create(&threads[i], NULL, transfer, &transfers[i]);
        /* Named by main, before main can join it: the lane and main's
         * "joining ..." slice both get the name. */
        pthread_setname_np(threads[i], transfers[i].thread_name);
    }
    for (int i = 0; i < 2; i++) pthread_join(threads[i], NULL);
    say("balances: alice %ld, bob %ld", alice.balance, bob.balance);
    return 0;
}
