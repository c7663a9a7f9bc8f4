/* Every kind of memory access C code can make, compiled with -fsanitize=thread
 * and linked against libthreadlens_preload: that it links shows the runtime
 * defines each __tsan_* entry point the compiler emitted; the checks show the
 * atomic entry points perform their operation (value and memory order), in
 * every size. Single-threaded: no race may be reported. Exit 0 = all right. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fails;
#define CHECK(c)                                                                 \
    do {                                                                         \
        if (!(c)) {                                                              \
            fprintf(stderr, "FAIL abi_all.c:%d: %s\n", __LINE__, #c);            \
            fails++;                                                             \
        }                                                                        \
    } while (0)

/* A memory order the compiler cannot see (so it passes it at run time). */
static volatile int dyn_mo = __ATOMIC_SEQ_CST;

/* gcc turns 16-byte atomics into __tsan_atomic128_* calls; clang does only
 * with cmpxchg16b (-mcx16), else it calls libatomic. */
#if defined(__SIZEOF_INT128__) && (!defined(__clang__) || defined(__GCC_HAVE_SYNC_COMPARE_AND_SWAP_16))
#define HAVE_A128 1
#else
#define HAVE_A128 0
#endif

/* One size: T with two values A and B (A chosen so that + 1 wraps or
 * carries, and with the sign bit set where it has one); m and pm model what
 * the _Atomic and the plain variable hold. */
#define TEST_SIZE(NAME, TYPE, A, B)                                               \
    static _Atomic TYPE NAME##_at;                                                \
    static TYPE NAME##_pl;                                                        \
    static void test_##NAME(void) {                                               \
        typedef TYPE T;                                                           \
        _Atomic T *const atp = &NAME##_at;                                        \
        T *const plp = &NAME##_pl;                                                \
        int mo = dyn_mo;                                                          \
        /* loads and stores in every valid order */                               \
        atomic_store_explicit(atp, (T)(A), memory_order_relaxed);                 \
        CHECK(atomic_load_explicit(atp, memory_order_relaxed) == (T)(A));         \
        atomic_store_explicit(atp, (T)(B), memory_order_release);                 \
        CHECK(atomic_load_explicit(atp, memory_order_acquire) == (T)(B));         \
        atomic_store_explicit(atp, (T)(A), memory_order_seq_cst);                 \
        CHECK(atomic_load_explicit(atp, memory_order_consume) == (T)(A));         \
        CHECK(atomic_load_explicit(atp, memory_order_seq_cst) == (T)(A));         \
        atomic_store(atp, (T)(B));                                                \
        CHECK(atomic_load(atp) == (T)(B));                                        \
        __atomic_store_n(plp, (T)(A), mo);                                        \
        CHECK(__atomic_load_n(plp, mo) == (T)(A));                                \
        /* exchange */                                                            \
        CHECK(atomic_exchange_explicit(atp, (T)(A), memory_order_relaxed) == (T)(B)); \
        CHECK(atomic_exchange_explicit(atp, (T)(B), memory_order_acq_rel) == (T)(A)); \
        CHECK(atomic_exchange(atp, (T)(A)) == (T)(B));                            \
        CHECK(__atomic_exchange_n(plp, (T)(B), mo) == (T)(A));                    \
        CHECK(__sync_lock_test_and_set(plp, (T)(A)) == (T)(B));                   \
        __sync_lock_release(plp);                                                 \
        CHECK(__atomic_load_n(plp, __ATOMIC_RELAXED) == 0);                       \
        /* read-modify-write */                                                   \
        {                                                                         \
            T m = (T)(A);                                                         \
            atomic_store(atp, m);                                                 \
            RMW_ON(atp);                                                          \
        }                                                                         \
        /* the __atomic and __sync builtins on a plain variable */                \
        {                                                                         \
            T pm = (T)(A);                                                        \
            __atomic_store_n(plp, pm, __ATOMIC_SEQ_CST);                          \
            BUILTIN_P(plp);                                                       \
        }                                                                         \
        /* compare-exchange */                                                    \
        {                                                                         \
            T e = (T)(B);                                                         \
            atomic_store(atp, (T)(A));                                            \
            CHECK(!atomic_compare_exchange_strong(atp, &e, (T)(B)) && e == (T)(A)); \
            CHECK(atomic_compare_exchange_strong(atp, &e, (T)(B)) && e == (T)(A)); \
            CHECK(atomic_load(atp) == (T)(B));                                    \
            e = (T)(A);                                                           \
            CHECK(!atomic_compare_exchange_strong_explicit(atp, &e, (T)(A),       \
                      memory_order_acq_rel, memory_order_acquire) && e == (T)(B)); \
            int tries = 0;                                                        \
            while (!atomic_compare_exchange_weak_explicit(atp, &e, (T)(A),        \
                       memory_order_release, memory_order_relaxed) && ++tries < 1000) \
                CHECK(e == (T)(B));                                               \
            CHECK(atomic_load(atp) == (T)(A));                                    \
            e = (T)(A);                                                           \
            CHECK(atomic_compare_exchange_strong_explicit(atp, &e, (T)(B),        \
                      memory_order_relaxed, memory_order_relaxed));               \
            __atomic_store_n(plp, (T)(A), __ATOMIC_RELAXED);                      \
            CHECK(__sync_val_compare_and_swap(plp, (T)(B), (T)(A)) == (T)(A));    \
            CHECK(__sync_val_compare_and_swap(plp, (T)(A), (T)(B)) == (T)(A));    \
            CHECK(__sync_bool_compare_and_swap(plp, (T)(B), (T)(A)));             \
            CHECK(!__sync_bool_compare_and_swap(plp, (T)(B), (T)(A)));            \
            e = (T)(A);                                                           \
            CHECK(__atomic_compare_exchange_n(plp, &e, (T)(B), 0, mo, __ATOMIC_RELAXED)); \
            CHECK(!__atomic_compare_exchange_n(plp, &e, (T)(B), 1, mo, __ATOMIC_RELAXED) \
                  && e == (T)(B));                                                \
        }                                                                         \
    }

#define RMW_ON(ptr)                                                               \
    do {                                                                          \
        RMW2(add, +, 1, ptr);                                                     \
        RMW2(sub, -, 3, ptr);                                                     \
        RMW2(and, &, (T) ~(T)6, ptr);                                             \
        RMW2(or, |, 0x41, ptr);                                                   \
        RMW2(xor, ^, 0x15, ptr);                                                  \
    } while (0)
#define RMW2(op, cop, v, ptr)                                                     \
    RMW_ORD(op, cop, v, ptr, memory_order_relaxed);                               \
    RMW_ORD(op, cop, v, ptr, memory_order_consume);                               \
    RMW_ORD(op, cop, v, ptr, memory_order_acquire);                               \
    RMW_ORD(op, cop, v, ptr, memory_order_release);                               \
    RMW_ORD(op, cop, v, ptr, memory_order_acq_rel);                               \
    RMW_ORD(op, cop, v, ptr, memory_order_seq_cst);                               \
    RMW_ORD_IMPLICIT(op, cop, v, ptr)
#define RMW_ORD(op, cop, v, ptr, ord)                                             \
    do {                                                                          \
        T o_ = atomic_fetch_##op##_explicit(ptr, (T)(v), ord);                    \
        CHECK(o_ == m);                                                           \
        m = (T)(m cop (T)(v));                                                    \
        CHECK(atomic_load_explicit(ptr, memory_order_relaxed) == m);              \
    } while (0)
#define RMW_ORD_IMPLICIT(op, cop, v, ptr)                                         \
    do {                                                                          \
        T o_ = atomic_fetch_##op(ptr, (T)(v));                                    \
        CHECK(o_ == m);                                                           \
        m = (T)(m cop (T)(v));                                                    \
    } while (0)

#define BUILTIN_P(p)                                                              \
    do {                                                                          \
        T *plq = (p);                                                             \
        BUILTIN_ON(plq, __ATOMIC_RELAXED);                                        \
        BUILTIN_ON(plq, __ATOMIC_ACQUIRE);                                        \
        BUILTIN_ON(plq, __ATOMIC_RELEASE);                                        \
        BUILTIN_ON(plq, __ATOMIC_ACQ_REL);                                        \
        BUILTIN_ON(plq, __ATOMIC_SEQ_CST);                                        \
        BUILTIN_ON(plq, mo);                                                      \
        /* __sync: full barriers */                                               \
        BUILTIN_SYNC(plq);                                                        \
    } while (0)
#define BUILTIN_ON(ptr, ord)                                                      \
    do {                                                                          \
        T o_;                                                                     \
        o_ = __atomic_fetch_add(ptr, (T)1, ord); CHECK(o_ == pm); pm = (T)(pm + 1);         \
        o_ = __atomic_fetch_sub(ptr, (T)5, ord); CHECK(o_ == pm); pm = (T)(pm - 5);         \
        o_ = __atomic_fetch_and(ptr, (T)~(T)2, ord); CHECK(o_ == pm); pm = (T)(pm & (T)~(T)2); \
        o_ = __atomic_fetch_or(ptr, (T)0x30, ord); CHECK(o_ == pm); pm = (T)(pm | 0x30);    \
        o_ = __atomic_fetch_xor(ptr, (T)0x11, ord); CHECK(o_ == pm); pm = (T)(pm ^ 0x11);   \
        o_ = __atomic_fetch_nand(ptr, (T)0x7b, ord); CHECK(o_ == pm); pm = (T)~(pm & 0x7b); \
        o_ = __atomic_add_fetch(ptr, (T)7, ord); pm = (T)(pm + 7); CHECK(o_ == pm);         \
        o_ = __atomic_sub_fetch(ptr, (T)2, ord); pm = (T)(pm - 2); CHECK(o_ == pm);         \
        o_ = __atomic_and_fetch(ptr, (T)~(T)8, ord); pm = (T)(pm & (T)~(T)8); CHECK(o_ == pm); \
        o_ = __atomic_or_fetch(ptr, (T)0x80, ord); pm = (T)(pm | 0x80); CHECK(o_ == pm);    \
        o_ = __atomic_xor_fetch(ptr, (T)0x3, ord); pm = (T)(pm ^ 0x3); CHECK(o_ == pm);     \
        o_ = __atomic_nand_fetch(ptr, (T)0x55, ord); pm = (T)~(pm & 0x55); CHECK(o_ == pm); \
        CHECK(__atomic_load_n(ptr, __ATOMIC_RELAXED) == pm);                                \
    } while (0)
#define BUILTIN_SYNC(ptr)                                                         \
    do {                                                                          \
        T o_;                                                                     \
        o_ = __sync_fetch_and_add(ptr, (T)1); CHECK(o_ == pm); pm = (T)(pm + 1);      \
        o_ = __sync_fetch_and_sub(ptr, (T)9); CHECK(o_ == pm); pm = (T)(pm - 9);      \
        o_ = __sync_fetch_and_or(ptr, (T)0x24); CHECK(o_ == pm); pm = (T)(pm | 0x24); \
        o_ = __sync_fetch_and_and(ptr, (T)0x3c); CHECK(o_ == pm); pm = (T)(pm & 0x3c); \
        o_ = __sync_fetch_and_xor(ptr, (T)0x66); CHECK(o_ == pm); pm = (T)(pm ^ 0x66); \
        o_ = __sync_add_and_fetch(ptr, (T)4); pm = (T)(pm + 4); CHECK(o_ == pm);      \
        o_ = __sync_sub_and_fetch(ptr, (T)1); pm = (T)(pm - 1); CHECK(o_ == pm);      \
        o_ = __sync_or_and_fetch(ptr, (T)0x100); pm = (T)(pm | 0x100); CHECK(o_ == pm); \
        CHECK(__atomic_load_n(ptr, __ATOMIC_SEQ_CST) == pm);                          \
    } while (0)

TEST_SIZE(s8, signed char, -1, 0x5a)
TEST_SIZE(u8, unsigned char, 0xff, 0x5a)
TEST_SIZE(s16, short, -2, 0x1234)
TEST_SIZE(u16, unsigned short, 0xfffe, 0x8001)
TEST_SIZE(s32, int, -3, 0x12345678)
TEST_SIZE(u32, unsigned, 0xfffffffeu, 0x80000001u)
TEST_SIZE(s64, long long, -4, 0x123456789abcdef0ll)
TEST_SIZE(u64, unsigned long long, 0xfffffffffffffffeull, 0x8000000000000001ull)
#if HAVE_A128
#define A128 (((unsigned __int128)0xdeadbeefcafef00dull << 64) | 0xffffffffffffffffull)
#define B128 (((unsigned __int128)0x0123456789abcdefull << 64) | 0x8000000000000000ull)
TEST_SIZE(u128, unsigned __int128, A128, B128)
TEST_SIZE(s128, __int128, -(__int128)5, (__int128)B128)
#endif

/* __atomic_test_and_set / __atomic_clear, fences. */
static void test_flags(void) {
    static atomic_flag f = ATOMIC_FLAG_INIT;
    static unsigned char b;
    CHECK(!atomic_flag_test_and_set_explicit(&f, memory_order_acquire));
    CHECK(atomic_flag_test_and_set(&f));
    atomic_flag_clear_explicit(&f, memory_order_release);
    CHECK(!atomic_flag_test_and_set_explicit(&f, memory_order_relaxed));
    atomic_flag_clear(&f);
    CHECK(!__atomic_test_and_set(&b, __ATOMIC_SEQ_CST));
    CHECK(__atomic_test_and_set(&b, __ATOMIC_ACQ_REL));
    __atomic_clear(&b, __ATOMIC_RELEASE);
    CHECK(b == 0);
    atomic_thread_fence(memory_order_seq_cst);
    atomic_thread_fence(memory_order_acquire);
    atomic_thread_fence(memory_order_release);
    atomic_thread_fence(memory_order_acq_rel);
    atomic_signal_fence(memory_order_seq_cst);
    __sync_synchronize();
}

/* ---- plain accesses ------------------------------------------------------- */

struct __attribute__((packed)) packed {
    char c;
    short s;
    int i;
    long long l;
    double d;
#ifdef __SIZEOF_INT128__
    __int128 q;
#endif
};
struct odd3 { char c[3]; };
struct odd7 { char c[7]; };
struct big { char b[100]; int x; };
struct bits { unsigned a : 3, b : 7, c : 22; };

static struct packed gp;
static struct odd3 o3a = {{1, 2, 3}}, o3b;
static struct odd7 o7a = {{1, 2, 3, 4, 5, 6, 7}}, o7b;
static struct big bga, bgb;
static struct bits gbits;
static volatile char v1;
static volatile short v2;
static volatile int v4;
static volatile long long v8;
static long double gld;
static float gf;
static double gd;
#ifdef __SIZEOF_INT128__
static __int128 g16;
static volatile __int128 v16;
#endif
static char buf[4096], buf2[4096];
static volatile size_t dyn_n = 77;

/* noinline + a pointer argument: the compiler cannot fold the accesses. */
static __attribute__((noinline)) void plain(struct packed *p, char *dst, const char *src,
                                            size_t n) {
    p->c = 1;
    p->s = 2;
    p->i = 3;
    p->l = 4;
    p->d = 5.5;
    p->s++;
    p->i += p->s;
    p->l *= p->i;
#ifdef __SIZEOF_INT128__
    p->q = ((__int128)p->l << 64) | 7;
    p->q += 1;
#endif
    CHECK(p->c == 1 && p->s == 3 && p->i == 6 && p->l == 24 && p->d == 5.5);
#ifdef __SIZEOF_INT128__
    CHECK((long long)(p->q >> 64) == 24 && (long long)p->q == 8);
#endif
    o3b = o3a;
    o7b = o7a;
    CHECK(o3b.c[2] == 3 && o7b.c[6] == 7);
    for (int i = 0; i < 100; i++) bga.b[i] = (char)i;
    bga.x = 42;
    bgb = bga;
    CHECK(bgb.b[99] == 99 && bgb.x == 42);
    gbits.a = 5;
    gbits.b = 100;
    gbits.c = 12345;
    gbits.b++;
    CHECK(gbits.a == 5 && gbits.b == 101 && gbits.c == 12345);
    v1 = 1; v2 = 2; v4 = 4; v8 = 8;
    v1++; v2++; v4++; v8++;
    CHECK(v1 == 2 && v2 == 3 && v4 == 5 && v8 == 9);
    gld = 1.5L; gld *= 2; gf = 2.5f; gf += 1; gd = gf * 2;
    CHECK(gld == 3.0L && gf == 3.5f && gd == 7.0);
#ifdef __SIZEOF_INT128__
    g16 = 1; g16 <<= 100; v16 = g16; v16 += 1;
    CHECK(v16 == ((__int128)1 << 100) + 1);
#endif
    /* memory functions: variable and constant sizes, small and large */
    memset(dst, 'a', n);
    memcpy(dst + 100, src, n);
    memcpy(dst + 200, src, 16);
    memcpy(dst + 300, src, 1000);
    memset(dst + 1400, 'b', 64);
    memmove(dst + 1, dst, n);
    memmove(dst + 2000, dst + 2001, 500);
    CHECK(dst[1] == 'a' && dst[100] == src[0] && dst[300 + 999] == src[999] && dst[1463] == 'b');
    for (size_t i = 0; i < n; i++) dst[3000 + i] = 0; /* a loop gcc makes into memset */
    for (size_t i = 0; i < n; i++) dst[3500 + i] = src[i]; /* ... into memcpy */
    CHECK(dst[3000] == 0 && dst[3500 + n - 1] == src[n - 1]);
    char *h = malloc(n);
    CHECK(h != NULL);
    memcpy(h, src, n);
    h = realloc(h, 10 * n);
    CHECK(h != NULL && h[n - 1] == src[n - 1]);
    free(h);
    h = calloc(n, 3);
    CHECK(h != NULL && h[3 * n - 1] == 0);
    free(h);
    void *al = NULL;
    CHECK(posix_memalign(&al, 64, n) == 0 && ((uintptr_t)al & 63) == 0);
    free(al);
    al = aligned_alloc(128, 256);
    CHECK(al != NULL && ((uintptr_t)al & 127) == 0);
    free(al);
    CHECK(posix_memalign(&al, 3, n) != 0);
}

int main(void) {
    for (size_t i = 0; i < sizeof buf2; i++) buf2[i] = (char)(i * 7);
    plain(&gp, buf, buf2, dyn_n);
    test_s8();
    test_u8();
    test_s16();
    test_u16();
    test_s32();
    test_u32();
    test_s64();
    test_u64();
#if HAVE_A128
    test_u128();
    test_s128();
#endif
    test_flags();
    if (fails) fprintf(stderr, "abi_all: %d checks failed\n", fails);
    else printf("abi_all: ok (128-bit atomics %s)\n", HAVE_A128 ? "checked" : "not compiled");
    return fails != 0;
}
