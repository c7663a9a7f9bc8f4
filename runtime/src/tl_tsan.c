/*
 * tl_tsan.c — the entry points of compiler instrumentation: the __tsan_*
 * functions gcc (>= 9) and clang (>= 11) call from code compiled with
 * -fsanitize=thread, which `threadlens cc` links against our runtime instead
 * of libtsan. Plain accesses go to the race detector (tl__race_check /
 * tl__race_access), function entry and exit to its shadow call stack, and
 * atomic operations are performed here and order threads by address
 * (tl__hb_begin / tl__hb_end).
 *
 * Compiled into libthreadlens and the preload alike; exported by name (the
 * rest of the runtime is hidden). Never instrumented: in a TSan build of the
 * runtime (THREADLENS_SANITIZE=thread) libtsan owns these names and this
 * file is empty.
 *
 * Signatures follow LLVM's tsan_interface.h / tsan_interface_atomic.h (gcc's
 * sanitizer.def declares the same names). Besides what the compilers emit by
 * default, the families behind options (gcc --param tsan-distinguish-volatile,
 * clang -tsan-distinguish-volatile / -tsan-compound-read-before-write), the
 * _pc variants, C++'s vptr hooks and clang >= 16's __tsan_mem* are here, so
 * any object of those compilers links.
 */
#include <string.h>

#include "tl_race_int.h"

/* Not in sanitizer builds of the runtime: libtsan owns these names under
 * TSan, and gcc declares them as built-ins (with its own types) under ASan. */
#if defined(__SANITIZE_THREAD__) || defined(THREADLENS_SANITIZE_THREAD) || \
    defined(__SANITIZE_ADDRESS__) || defined(THREADLENS_SANITIZE_ADDRESS)
typedef int tl__tsan_not_built; /* ISO C wants a declaration in every file */
#else

#define TL_TSAN __attribute__((visibility("default")))
#define TL_TSAN_PC ((uint64_t)(uintptr_t)__builtin_return_address(0))

/* ---- switching on ------------------------------------------------------- */

/* Instrumented constructors (and the code of libraries initialized before
 * the program's __tsan_init constructor) can run first, so the first
 * instrumented event of the process also asks, once: a program run with
 * THREADLENS_RACES=0 then pays two loads per access, never a call. */
static _Atomic int tsan_asked;

static __attribute__((noinline, cold)) int tsan_ask(void) {
    /* Not from inside the runtime (tl__race_enable refuses there): the
     * program's next access asks again. */
    if (tl__in_runtime) return 0;
    if (atomic_exchange_explicit(&tsan_asked, 1, memory_order_relaxed))
        return atomic_load_explicit(&tl__race_on, memory_order_relaxed);
    return tl__race_enable(); /* starts tracing too, if it has not started */
}

static inline int tsan_on(void) {
    if (TL_LIKELY(atomic_load_explicit(&tl__race_on, memory_order_relaxed))) return 1;
    if (TL_LIKELY(atomic_load_explicit(&tsan_asked, memory_order_relaxed))) return 0;
    return tsan_ask();
}

TL_TSAN void __tsan_init(void) {
    if (!atomic_load_explicit(&tsan_asked, memory_order_relaxed)) tsan_ask();
}

/* ---- plain accesses ------------------------------------------------------ */

static inline __attribute__((always_inline)) void tsan_fixed(void *addr, unsigned size, int kind,
                                                             uint64_t pc) {
    if (TL_LIKELY(tsan_on())) tl__race_check((uintptr_t)addr, size, kind, pc);
}

static inline __attribute__((always_inline)) void tsan_range(const void *addr, size_t size,
                                                             int kind, uint64_t pc) {
    if (TL_LIKELY(tsan_on()) && size != 0)
        tl__race_access((uintptr_t)addr, size, kind, pc, TL_EVF_PC);
}

/* A volatile access is an ordinary access (volatile orders nothing between
 * threads), and so is a misaligned one (the detector is byte-exact). A
 * compound read-modify-write (x++, under clang's
 * -tsan-compound-read-before-write) is checked as its write: a write
 * conflicts with everything the read would, and clang's default drops the
 * read the same way. */
#define TL_TSAN_SIZE(n)                                                                     \
    TL_TSAN void __tsan_read##n(void *a) { tsan_fixed(a, n, TL_ACC_READ, TL_TSAN_PC); }    \
    TL_TSAN void __tsan_write##n(void *a) { tsan_fixed(a, n, TL_ACC_WRITE, TL_TSAN_PC); }  \
    TL_TSAN void __tsan_read##n##_pc(void *a, void *pc) {                                   \
        tsan_fixed(a, n, TL_ACC_READ, (uint64_t)(uintptr_t)pc);                             \
    }                                                                                       \
    TL_TSAN void __tsan_write##n##_pc(void *a, void *pc) {                                  \
        tsan_fixed(a, n, TL_ACC_WRITE, (uint64_t)(uintptr_t)pc);                            \
    }                                                                                       \
    TL_TSAN void __tsan_unaligned_read##n(const void *a) {                                  \
        tsan_fixed((void *)(uintptr_t)a, n, TL_ACC_READ, TL_TSAN_PC);                       \
    }                                                                                       \
    TL_TSAN void __tsan_unaligned_write##n(void *a) {                                       \
        tsan_fixed(a, n, TL_ACC_WRITE, TL_TSAN_PC);                                         \
    }                                                                                       \
    TL_TSAN void __tsan_volatile_read##n(void *a) {                                         \
        tsan_fixed(a, n, TL_ACC_READ, TL_TSAN_PC);                                          \
    }                                                                                       \
    TL_TSAN void __tsan_volatile_write##n(void *a) {                                        \
        tsan_fixed(a, n, TL_ACC_WRITE, TL_TSAN_PC);                                         \
    }                                                                                       \
    TL_TSAN void __tsan_unaligned_volatile_read##n(void *a) {                               \
        tsan_fixed(a, n, TL_ACC_READ, TL_TSAN_PC);                                          \
    }                                                                                       \
    TL_TSAN void __tsan_unaligned_volatile_write##n(void *a) {                              \
        tsan_fixed(a, n, TL_ACC_WRITE, TL_TSAN_PC);                                         \
    }                                                                                       \
    TL_TSAN void __tsan_read_write##n(void *a) {                                            \
        tsan_fixed(a, n, TL_ACC_WRITE, TL_TSAN_PC);                                         \
    }                                                                                       \
    TL_TSAN void __tsan_unaligned_read_write##n(void *a) {                                  \
        tsan_fixed(a, n, TL_ACC_WRITE, TL_TSAN_PC);                                         \
    }

TL_TSAN_SIZE(1)
TL_TSAN_SIZE(2)
TL_TSAN_SIZE(4)
TL_TSAN_SIZE(8)
TL_TSAN_SIZE(16)

/* gcc: accesses of other sizes (a packed or odd-sized member, a struct copy
 * done in place). */
TL_TSAN void __tsan_read_range(void *a, unsigned long size) {
    tsan_range(a, size, TL_ACC_READ, TL_TSAN_PC);
}
TL_TSAN void __tsan_write_range(void *a, unsigned long size) {
    tsan_range(a, size, TL_ACC_WRITE, TL_TSAN_PC);
}
TL_TSAN void __tsan_read_range_pc(void *a, unsigned long size, void *pc) {
    tsan_range(a, size, TL_ACC_READ, (uint64_t)(uintptr_t)pc);
}
TL_TSAN void __tsan_write_range_pc(void *a, unsigned long size, void *pc) {
    tsan_range(a, size, TL_ACC_WRITE, (uint64_t)(uintptr_t)pc);
}

/* C++ vtable pointers: an update that stores the same value is no write
 * (TSan's rule: constructors of a base and a derived class store it twice). */
TL_TSAN void __tsan_vptr_read(void **p) { tsan_fixed(p, sizeof *p, TL_ACC_READ, TL_TSAN_PC); }
TL_TSAN void __tsan_vptr_update(void **p, void *v) {
    if (*(void *volatile *)p != v) tsan_fixed(p, sizeof *p, TL_ACC_WRITE, TL_TSAN_PC);
}

/* clang >= 16 calls these for memory intrinsics (clang 14 and gcc call
 * memcpy & co, which the preload interposes). The source is read before the
 * destination is written, as the copy does. */
TL_TSAN void *__tsan_memcpy(void *d, const void *s, uintptr_t n) {
    tsan_range(s, n, TL_ACC_READ, TL_TSAN_PC);
    tsan_range(d, n, TL_ACC_WRITE, TL_TSAN_PC);
    return TL_REAL(memcpy)(d, s, n);
}
TL_TSAN void *__tsan_memmove(void *d, const void *s, uintptr_t n) {
    tsan_range(s, n, TL_ACC_READ, TL_TSAN_PC);
    tsan_range(d, n, TL_ACC_WRITE, TL_TSAN_PC);
    return TL_REAL(memmove)(d, s, n);
}
TL_TSAN void *__tsan_memset(void *d, int c, uintptr_t n) {
    tsan_range(d, n, TL_ACC_WRITE, TL_TSAN_PC);
    return TL_REAL(memset)(d, c, n);
}

/* ---- functions ------------------------------------------------------------ */

/* caller is __builtin_return_address(0) of the instrumented function; our
 * own return address lies inside it and names it. */
TL_TSAN void __tsan_func_entry(void *caller) {
    if (TL_LIKELY(tsan_on())) tl__race_func_enter(TL_TSAN_PC, (uint64_t)(uintptr_t)caller);
}
TL_TSAN void __tsan_func_exit(void) {
    if (TL_LIKELY(atomic_load_explicit(&tl__race_on, memory_order_relaxed))) tl__race_func_exit();
}

/* clang emits these only around Objective-C dealloc methods; accesses in
 * between are still checked. */
TL_TSAN void __tsan_ignore_thread_begin(void) {}
TL_TSAN void __tsan_ignore_thread_end(void) {}

/* Explicit happens-before (sanitizer/tsan_interface.h). */
TL_TSAN void __tsan_acquire(void *addr) {
    if (tsan_on()) tl__hb_acquire((uintptr_t)addr);
}
TL_TSAN void __tsan_release(void *addr) {
    if (tsan_on()) tl__hb_release((uintptr_t)addr);
}

/* ---- atomics ---------------------------------------------------------------- */

/* The compiler replaced the atomic instruction with the call, so each
 * function performs the operation. It is not checked as a plain access
 * (atomics do not race); it orders threads when its memory order says so:
 * a release publishes the thread's clock at the address, an acquire takes
 * it, both inside tl__hb_begin/end so that what an RMW or compare-exchange
 * observed and what it synchronizes with agree.
 *
 * Memory orders are C11's (= __ATOMIC_*: relaxed 0, consume 1, acquire 2,
 * release 3, acq_rel 4, seq_cst 5). gcc may add MEMMODEL_SYNC (bit 15, the
 * __sync builtins) or the HLE bits (16, 17): masked off as TSan does; an
 * unknown value counts as seq_cst. The operation itself is done relaxed
 * when asked, with release for a release store, else seq_cst (never weaker
 * than asked). */
enum { MO_RELAXED = 0, MO_CONSUME, MO_ACQUIRE, MO_RELEASE, MO_ACQ_REL, MO_SEQ_CST };

static inline int tsan_mo(int mo) {
    int m = mo & 0x7fff;
    return m > MO_SEQ_CST ? MO_SEQ_CST : m;
}
static inline unsigned tsan_acq(int m) {
    return m == MO_CONSUME || m == MO_ACQUIRE || m == MO_ACQ_REL || m == MO_SEQ_CST
               ? TL_HB_ACQUIRE : 0;
}
static inline unsigned tsan_rel(int m) {
    return m == MO_RELEASE || m == MO_ACQ_REL || m == MO_SEQ_CST ? TL_HB_RELEASE : 0;
}

/* Runs OP (a statement) under the address's sync state when it orders
 * something and detection is on. */
#define TL_TSAN_SYNC(addr, flags, OP)                                          \
    do {                                                                       \
        unsigned f_ = (flags);                                                 \
        if (TL_LIKELY(f_ == 0) || !tsan_on()) {                                \
            OP;                                                                \
        } else {                                                               \
            void *tok_ = tl__hb_begin((uintptr_t)(addr));                      \
            OP;                                                                \
            tl__hb_end(tok_, f_);                                              \
        }                                                                      \
    } while (0)

/* 8- and 16-bit values travel as int: clang's instrumentation declares them
 * as i8/i16 without extension attributes, so the upper bits of the register
 * are not to be trusted, and the explicit conversion below drops them. The
 * results are returned sign-extended (clang's signext where a target asks
 * for it; gcc's callers extend themselves). */
#define TL_TSAN_ATOMICS(bits, T, V)                                                          \
    TL_TSAN V __tsan_atomic##bits##_load(const volatile T *a, int mo) {                     \
        int m = tsan_mo(mo);                                                                 \
        T r;                                                                                 \
        TL_TSAN_SYNC(a, tsan_acq(m),                                                         \
                     r = m == MO_RELAXED ? __atomic_load_n(a, __ATOMIC_RELAXED)              \
                                         : __atomic_load_n(a, __ATOMIC_SEQ_CST));            \
        return r;                                                                            \
    }                                                                                        \
    TL_TSAN void __tsan_atomic##bits##_store(volatile T *a, V v, int mo) {                  \
        int m = tsan_mo(mo);                                                                 \
        T x = (T)v;                                                                          \
        TL_TSAN_SYNC(a, tsan_rel(m),                                                         \
                     if (m == MO_RELAXED) __atomic_store_n(a, x, __ATOMIC_RELAXED);          \
                     else if (m == MO_RELEASE) __atomic_store_n(a, x, __ATOMIC_RELEASE);     \
                     else __atomic_store_n(a, x, __ATOMIC_SEQ_CST));                         \
    }                                                                                        \
    TL_TSAN_RMW(bits, T, V, exchange, __atomic_exchange_n)                                   \
    TL_TSAN_RMW(bits, T, V, fetch_add, __atomic_fetch_add)                                   \
    TL_TSAN_RMW(bits, T, V, fetch_sub, __atomic_fetch_sub)                                   \
    TL_TSAN_RMW(bits, T, V, fetch_and, __atomic_fetch_and)                                   \
    TL_TSAN_RMW(bits, T, V, fetch_or, __atomic_fetch_or)                                     \
    TL_TSAN_RMW(bits, T, V, fetch_xor, __atomic_fetch_xor)                                   \
    TL_TSAN_RMW(bits, T, V, fetch_nand, __atomic_fetch_nand)                                 \
    TL_TSAN int __tsan_atomic##bits##_compare_exchange_strong(volatile T *a, T *c, V v,     \
                                                              int mo, int fmo) {             \
        return tsan_cas##bits(a, c, (T)v, mo, fmo, 0);                                       \
    }                                                                                        \
    TL_TSAN int __tsan_atomic##bits##_compare_exchange_weak(volatile T *a, T *c, V v,       \
                                                            int mo, int fmo) {               \
        return tsan_cas##bits(a, c, (T)v, mo, fmo, 1);                                       \
    }                                                                                        \
    TL_TSAN V __tsan_atomic##bits##_compare_exchange_val(volatile T *a, V c, V v, int mo,   \
                                                         int fmo) {                          \
        T e = (T)c;                                                                          \
        tsan_cas##bits(a, &e, (T)v, mo, fmo, 0);                                             \
        return e;                                                                            \
    }

#define TL_TSAN_RMW(bits, T, V, name, builtin)                                               \
    TL_TSAN V __tsan_atomic##bits##_##name(volatile T *a, V v, int mo) {                    \
        int m = tsan_mo(mo);                                                                 \
        T x = (T)v, r;                                                                       \
        TL_TSAN_SYNC(a, tsan_acq(m) | tsan_rel(m),                                           \
                     r = m == MO_RELAXED ? builtin(a, x, __ATOMIC_RELAXED)                   \
                                         : builtin(a, x, __ATOMIC_SEQ_CST));                 \
        return r;                                                                            \
    }

/* A compare-exchange that fails is a load with the failure order: it never
 * releases. */
#define TL_TSAN_CAS(bits, T)                                                                 \
    static inline int tsan_cas##bits(volatile T *a, T *c, T v, int mo, int fmo, int weak) { \
        int m = tsan_mo(mo), fm = tsan_mo(fmo), ok;                                          \
        unsigned f = tsan_acq(m) | tsan_rel(m) | tsan_acq(fm);                               \
        if (TL_LIKELY(f == 0) || !tsan_on()) return tsan_cas_op##bits(a, c, v, m, fm, weak); \
        void *tok = tl__hb_begin((uintptr_t)a);                                              \
        ok = tsan_cas_op##bits(a, c, v, m, fm, weak);                                        \
        tl__hb_end(tok, ok ? tsan_acq(m) | tsan_rel(m) : tsan_acq(fm));                      \
        return ok;                                                                           \
    }

#define TL_TSAN_CAS_OP(bits, T)                                                              \
    static inline int tsan_cas_op##bits(volatile T *a, T *c, T v, int m, int fm, int weak) { \
        if (m == MO_RELAXED && fm == MO_RELAXED)                                             \
            return weak ? __atomic_compare_exchange_n(a, c, v, 1, __ATOMIC_RELAXED,          \
                                                      __ATOMIC_RELAXED)                      \
                        : __atomic_compare_exchange_n(a, c, v, 0, __ATOMIC_RELAXED,          \
                                                      __ATOMIC_RELAXED);                     \
        return weak ? __atomic_compare_exchange_n(a, c, v, 1, __ATOMIC_SEQ_CST,              \
                                                  __ATOMIC_SEQ_CST)                          \
                    : __atomic_compare_exchange_n(a, c, v, 0, __ATOMIC_SEQ_CST,              \
                                                  __ATOMIC_SEQ_CST);                         \
    }

TL_TSAN_CAS_OP(8, signed char)
TL_TSAN_CAS_OP(16, short)
TL_TSAN_CAS_OP(32, int)
TL_TSAN_CAS_OP(64, long long)
TL_TSAN_CAS(8, signed char)
TL_TSAN_CAS(16, short)
TL_TSAN_CAS(32, int)
TL_TSAN_CAS(64, long long)
TL_TSAN_ATOMICS(8, signed char, int)
TL_TSAN_ATOMICS(16, short, int)
TL_TSAN_ATOMICS(32, int, int)
TL_TSAN_ATOMICS(64, long long, long long)

#ifdef __SIZEOF_INT128__
/* 16 bytes: gcc emits __tsan_atomic128_* for every 16-byte atomic, but its
 * __atomic builtins of that size call libatomic, which the runtime must not
 * need. So everything is built on one compare-exchange: cmpxchg16b on
 * x86-64 (every x86-64 CPU that runs a current distribution has it), and
 * elsewhere a lock, as TSan does (atomic between instrumented accesses
 * only). */
typedef __int128 tl_a128;

#if defined(__x86_64__)
static inline int tsan_cas_op128(volatile tl_a128 *a, tl_a128 *c, tl_a128 v, int m, int fm,
                                 int weak) {
    (void)m, (void)fm, (void)weak;
    uint64_t lo = (uint64_t)*c, hi = (uint64_t)((unsigned __int128)*c >> 64);
    unsigned char ok;
    __asm__ __volatile__("lock cmpxchg16b %1\n\tsete %0"
                         : "=q"(ok), "+m"(*a), "+a"(lo), "+d"(hi)
                         : "b"((uint64_t)v), "c"((uint64_t)((unsigned __int128)v >> 64))
                         : "memory", "cc");
    if (!ok) *c = (tl_a128)(((unsigned __int128)hi << 64) | lo);
    return ok;
}
#else
static tl_spin tsan_lock128;
static inline int tsan_cas_op128(volatile tl_a128 *a, tl_a128 *c, tl_a128 v, int m, int fm,
                                 int weak) {
    (void)m, (void)fm, (void)weak;
    tl__spin_lock(&tsan_lock128);
    tl_a128 cur = *a;
    int ok = cur == *c;
    if (ok) *a = v;
    else *c = cur;
    tl__spin_unlock(&tsan_lock128);
    return ok;
}
#endif

TL_TSAN_CAS(128, tl_a128)

/* The current value: a compare-exchange of 0 with 0 (stores what is there). */
static inline tl_a128 tsan_load_op128(volatile tl_a128 *a) {
    tl_a128 cur = 0;
    tsan_cas_op128(a, &cur, 0, MO_SEQ_CST, MO_SEQ_CST, 0);
    return cur;
}

/* A read-modify-write as a compare-exchange loop; returns the old value. */
#define TL_TSAN_RMW128(name, EXPR)                                                           \
    static inline tl_a128 tsan_##name##_op128(volatile tl_a128 *a, tl_a128 v) {             \
        tl_a128 old = tsan_load_op128(a);                                                    \
        while (!tsan_cas_op128(a, &old, (EXPR), MO_SEQ_CST, MO_SEQ_CST, 0)) {               \
        }                                                                                    \
        return old;                                                                          \
    }                                                                                        \
    TL_TSAN tl_a128 __tsan_atomic128_##name(volatile tl_a128 *a, tl_a128 v, int mo) {       \
        int m = tsan_mo(mo);                                                                 \
        tl_a128 r;                                                                           \
        TL_TSAN_SYNC(a, tsan_acq(m) | tsan_rel(m), r = tsan_##name##_op128(a, v));           \
        return r;                                                                            \
    }

/* Wrapping arithmetic on an unsigned copy: signed overflow is undefined. */
#define TL_U128(x) ((unsigned __int128)(x))
TL_TSAN_RMW128(exchange, v)
TL_TSAN_RMW128(fetch_add, (tl_a128)(TL_U128(old) + TL_U128(v)))
TL_TSAN_RMW128(fetch_sub, (tl_a128)(TL_U128(old) - TL_U128(v)))
TL_TSAN_RMW128(fetch_and, old & v)
TL_TSAN_RMW128(fetch_or, old | v)
TL_TSAN_RMW128(fetch_xor, old ^ v)
TL_TSAN_RMW128(fetch_nand, ~(old & v))

TL_TSAN tl_a128 __tsan_atomic128_load(const volatile tl_a128 *a, int mo) {
    int m = tsan_mo(mo);
    tl_a128 r;
    TL_TSAN_SYNC(a, tsan_acq(m), r = tsan_load_op128((volatile tl_a128 *)(uintptr_t)a));
    return r;
}
TL_TSAN void __tsan_atomic128_store(volatile tl_a128 *a, tl_a128 v, int mo) {
    int m = tsan_mo(mo);
    TL_TSAN_SYNC(a, tsan_rel(m), tsan_exchange_op128(a, v));
}
TL_TSAN int __tsan_atomic128_compare_exchange_strong(volatile tl_a128 *a, tl_a128 *c,
                                                     tl_a128 v, int mo, int fmo) {
    return tsan_cas128(a, c, v, mo, fmo, 0);
}
TL_TSAN int __tsan_atomic128_compare_exchange_weak(volatile tl_a128 *a, tl_a128 *c,
                                                   tl_a128 v, int mo, int fmo) {
    return tsan_cas128(a, c, v, mo, fmo, 1);
}
TL_TSAN tl_a128 __tsan_atomic128_compare_exchange_val(volatile tl_a128 *a, tl_a128 c,
                                                      tl_a128 v, int mo, int fmo) {
    tsan_cas128(a, &c, v, mo, fmo, 0);
    return c;
}
#endif /* __SIZEOF_INT128__ */

/* Fences are performed but order nothing here: happens-before is tracked
 * per address (a release publishes at the atomic it stores to), and a fence
 * has no address. Code that publishes with a release fence and a relaxed
 * store can therefore be reported as racing (TSan has the same limit; gcc's
 * -Wtsan says so). */
TL_TSAN void __tsan_atomic_thread_fence(int mo) {
    if (tsan_mo(mo) != MO_RELAXED) __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
TL_TSAN void __tsan_atomic_signal_fence(int mo) {
    if (tsan_mo(mo) != MO_RELAXED) __atomic_signal_fence(__ATOMIC_SEQ_CST);
}

#endif /* !TSan build */
