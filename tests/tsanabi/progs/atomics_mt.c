/* Atomic entry points under contention: four threads update atomics of
 * every size with read-modify-writes and compare-exchange loops; the totals
 * must be exact (the entry points perform the operations atomically). A
 * plain counter guarded by a spinlock made of atomic_flag (acquire /
 * release) must not be reported: the flag orders the threads. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#if defined(__SIZEOF_INT128__) && (!defined(__clang__) || defined(__GCC_HAVE_SYNC_COMPARE_AND_SWAP_16))
#define HAVE_A128 1
#else
#define HAVE_A128 0
#endif

#define THREADS 4
#define ITERS 20000

static _Atomic unsigned char a8;
static _Atomic unsigned short a16;
static _Atomic unsigned a32;
static _Atomic unsigned long long a64;
static _Atomic unsigned c8;             /* CAS loops */
static _Atomic unsigned long long c64;
static unsigned sync32;                 /* __sync builtins */
static unsigned long long flip64 = ~0ull; /* each thread flips its own bit */
#if HAVE_A128
static _Atomic unsigned __int128 a128, c128;
#endif
static atomic_flag lock = ATOMIC_FLAG_INIT;
static long locked_plain;

static void *worker(void *arg) {
    unsigned id = (unsigned)(size_t)arg;
    for (int i = 0; i < ITERS; i++) {
        atomic_fetch_add_explicit(&a8, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&a16, 1, memory_order_acq_rel);
        atomic_fetch_add(&a32, 1);
        atomic_fetch_sub_explicit(&a64, 1, memory_order_release);
        unsigned e = atomic_load_explicit(&c8, memory_order_relaxed);
        while (!atomic_compare_exchange_weak_explicit(&c8, &e, e + 1, memory_order_acq_rel,
                                                      memory_order_relaxed)) {
        }
        unsigned long long e64 = atomic_load(&c64);
        while (!atomic_compare_exchange_strong(&c64, &e64, e64 + 3)) {
        }
        __sync_fetch_and_add(&sync32, 2);
        __atomic_fetch_xor(&flip64, 1ull << id, __ATOMIC_ACQ_REL);
#if HAVE_A128
        atomic_fetch_add(&a128, ((unsigned __int128)1 << 64) | 1);
        unsigned __int128 e128 = atomic_load_explicit(&c128, memory_order_acquire);
        while (!atomic_compare_exchange_weak(&c128, &e128, e128 + 0xffffffffffffffffull)) {
        }
#endif
        while (atomic_flag_test_and_set_explicit(&lock, memory_order_acquire)) {
        }
        locked_plain++;
        atomic_flag_clear_explicit(&lock, memory_order_release);
    }
    return NULL;
}

int main(void) {
    pthread_t t[THREADS];
    for (size_t i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    const unsigned long long n = (unsigned long long)THREADS * ITERS;
    int bad = 0;
#define EXPECT(x, want)                                                               \
    if ((unsigned long long)(x) != (unsigned long long)(want)) {                      \
        fprintf(stderr, "FAIL %s = %llu, want %llu\n", #x, (unsigned long long)(x),   \
                (unsigned long long)(want));                                          \
        bad = 1;                                                                      \
    }
    EXPECT(a8, (unsigned char)n);
    EXPECT(a16, (unsigned short)n);
    EXPECT(a32, n);
    EXPECT(a64, -n);
    EXPECT(c8, n);
    EXPECT(c64, 3 * n);
    EXPECT(sync32, 2 * n);
    EXPECT(flip64, ITERS % 2 ? ~0ull ^ 0xfull : ~0ull);
    EXPECT(locked_plain, n);
#if HAVE_A128
    unsigned __int128 v = a128;
    EXPECT((unsigned long long)(v >> 64), n);
    EXPECT((unsigned long long)v, n);
    unsigned __int128 w = c128, want = (unsigned __int128)n * 0xffffffffffffffffull;
    EXPECT((unsigned long long)(w >> 64), (unsigned long long)(want >> 64));
    EXPECT((unsigned long long)w, (unsigned long long)want);
#endif
    if (!bad) printf("atomics_mt: ok\n");
    return bad;
}
