/*
 * demo.c — a small bank, traced with the tl_* API.
 *
 * Four tellers move money between accounts. Each transfer locks both
 * accounts in id order (hand-over-hand: lock A, lock B, unlock A, unlock B),
 * so no deadlock; the accounts are contended, so the trace shows waits and
 * unlock→acquire handoff arrows. Two auditors read the ledger under a
 * rwlock at the same time (overlapping read holds). A clerk hands receipts
 * to a printer through a condition variable; at most two tellers use the
 * vault at once (a semaphore); everyone meets at a barrier before closing.
 *
 * Run it with THREADLENS_OUT=demo.json and open demo.json in ui.perfetto.dev.
 */
#include <stdio.h>
#include <threadlens.h>

#define ACCOUNTS 3
#define TELLERS 4
#define TRANSFERS 6

static tl_mutex account_lock[ACCOUNTS];
static long balance[ACCOUNTS] = {1000, 1000, 1000};
static tl_rwlock ledger;
static tl_sem vault;
static tl_barrier closing;
static tl_mutex receipts_lock;
static tl_cond receipts_ready;
static int receipts, printed;

static void transfer(int from, int to, long amount) {
    int first = from < to ? from : to, second = from < to ? to : from;
    tl_phase_begin("transfer");
    tl_mutex_lock(&account_lock[first]);
    tl_mutex_lock(&account_lock[second]);
    balance[from] -= amount; /* both accounts change under both locks */
    balance[to] += amount;
    tl_mutex_unlock(&account_lock[first]); /* hand-over-hand: keep only the second */
    tl_sleep_ms(1);
    tl_mutex_unlock(&account_lock[second]);
    tl_phase_end();
}

static void *teller(void *arg) {
    int me = (int)(long)arg;
    for (int i = 0; i < TRANSFERS; i++) {
        transfer((me + i) % ACCOUNTS, (me + i + 1) % ACCOUNTS, 10);
        tl_mutex_lock(&receipts_lock);
        receipts++;
        tl_cond_signal(&receipts_ready);
        tl_mutex_unlock(&receipts_lock);
    }
    tl_sem_wait(&vault);
    tl_sleep_ms(2);
    tl_sem_post(&vault);
    tl_barrier_wait(&closing);
    return NULL;
}

static void *auditor(void *arg) {
    (void)arg;
    for (int i = 0; i < 3; i++) {
        tl_rwlock_rdlock(&ledger);
        tl_sleep_ms(2);
        tl_rwlock_unlock(&ledger);
        tl_sleep_ms(1);
    }
    tl_barrier_wait(&closing);
    return NULL;
}

static void *printer(void *arg) {
    (void)arg;
    tl_mutex_lock(&receipts_lock);
    while (printed < TELLERS * TRANSFERS) {
        while (printed == receipts) tl_cond_wait(&receipts_ready, &receipts_lock);
        printed++;
        tl_counter("receipts printed", printed);
    }
    tl_mutex_unlock(&receipts_lock);
    tl_barrier_wait(&closing);
    return NULL;
}

int main(void) {
    static const char *names[ACCOUNTS] = {"account A", "account B", "account C"};
    for (int i = 0; i < ACCOUNTS; i++) tl_mutex_init(&account_lock[i], TL_MUTEX_NORMAL, names[i]);
    tl_rwlock_init(&ledger, "ledger");
    tl_sem_init(&vault, 2, "vault");
    tl_barrier_init(&closing, TELLERS + 3, "closing");
    tl_mutex_init(&receipts_lock, TL_MUTEX_NORMAL, "receipts");
    tl_cond_init(&receipts_ready, "receipts ready");

    tl_thread threads[TELLERS + 3];
    char name[32];
    for (int i = 0; i < TELLERS; i++) {
        snprintf(name, sizeof name, "teller %d", i + 1);
        tl_thread_create(&threads[i], name, teller, (void *)(long)i);
    }
    tl_thread_create(&threads[TELLERS], "auditor 1", auditor, NULL);
    tl_thread_create(&threads[TELLERS + 1], "auditor 2", auditor, NULL);
    tl_thread_create(&threads[TELLERS + 2], "printer", printer, NULL);
    tl_mark("bank open");
    for (int i = 0; i < TELLERS + 3; i++) tl_thread_join(threads[i], NULL);

    long total = 0;
    for (int i = 0; i < ACCOUNTS; i++) total += balance[i];
    printf("total money: %ld (expected 3000), receipts printed: %d\n", total, printed);
    return total == 3000 ? 0 : 1;
}
