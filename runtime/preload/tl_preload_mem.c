/*
 * tl_preload_mem.c — the preload's memory functions, for the race detector:
 * the allocator (a new block must not race with the accesses of the object
 * that used the memory before) and memcpy / memmove / memset (instrumented
 * code calls them for struct copies and memory intrinsics; the bytes they
 * touch are accesses like any other).
 *
 * While race detection is off, as for every program `threadlens run` traces
 * without instrumentation, each wrapper is libc's function behind one
 * branch. The allocator is glibc's, reached through its __libc_* names: no
 * dlsym, which allocates itself. A program that brings its own malloc
 * (linked into the executable) keeps it, as it keeps its own free.
 *
 * Not in a sanitizer build of the runtime: the sanitizer's allocator and
 * interceptors own these names there.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tl_preload.h"
#include "tl_race.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || \
    defined(THREADLENS_SANITIZE_ADDRESS) || defined(THREADLENS_SANITIZE_THREAD)
typedef int tl__pl_mem_not_built; /* ISO C wants a declaration in every file */
#else

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);
extern void *__libc_valloc(size_t);
extern void *__libc_pvalloc(size_t);
extern void __chk_fail(void) __attribute__((noreturn));

/* Each wrapper tests this first and, while it is 0, tail-calls libc: the
 * work for the detector is out of line. */
static inline int race_on(void) {
    return TL_UNLIKELY(atomic_load_explicit(&tl__race_on, memory_order_relaxed));
}

/* ---- allocation ------------------------------------------------------------ */

/* [p, p+n) is a new object: forget what was done to that memory before.
 * Not for the runtime's own blocks (no instrumented code touches them).
 * Keeps errno: a successful malloc leaves it alone. */
static __attribute__((noinline)) void fresh(void *p, size_t n) {
    if (tl__in_runtime) return;
    int e = errno;
    tl__race_forget((uintptr_t)p, n);
    errno = e;
}

static inline void *fresh_block(void *p) {
    if (p) fresh(p, malloc_usable_size(p));
    return p;
}

/* ALLOC(call): the block from call, made fresh while detection is on. */
#define ALLOC(call) (TL_LIKELY(!race_on()) ? (call) : fresh_block(call))

TL_WRAP void *malloc(size_t n) { return ALLOC(__libc_malloc(n)); }
TL_WRAP void *calloc(size_t k, size_t n) { return ALLOC(__libc_calloc(k, n)); }
TL_WRAP void free(void *p) { __libc_free(p); }
TL_WRAP void *memalign(size_t align, size_t n) { return ALLOC(__libc_memalign(align, n)); }
/* glibc's aligned_alloc is its memalign (2.36: the same function). */
TL_WRAP void *aligned_alloc(size_t align, size_t n) { return ALLOC(__libc_memalign(align, n)); }
TL_WRAP void *valloc(size_t n) { return ALLOC(__libc_valloc(n)); }
TL_WRAP void *pvalloc(size_t n) { return ALLOC(__libc_pvalloc(n)); }

TL_WRAP int posix_memalign(void **out, size_t align, size_t n) {
    /* glibc's checks: a power of two, a multiple of sizeof(void *). */
    if (align % sizeof(void *) != 0 || align == 0 || (align & (align - 1)) != 0) return EINVAL;
    int e = errno;
    void *p = __libc_memalign(align, n);
    errno = e;
    if (!p) return ENOMEM;
    *out = race_on() ? fresh_block(p) : p;
    return 0;
}

/* A block that moved is new; one that grew in place is new past its old
 * end (the bytes kept are the same object). */
static void *grow(void *old, size_t n) {
    if (TL_LIKELY(!race_on())) return __libc_realloc(old, n);
    if (!old) return fresh_block(__libc_realloc(old, n));
    size_t had = malloc_usable_size(old);
    void *p = __libc_realloc(old, n);
    if (p == NULL || !race_on()) return p;
    size_t has = malloc_usable_size(p);
    if (p != old) fresh(p, has);
    else if (has > had) fresh((char *)p + had, has - had);
    return p;
}

TL_WRAP void *realloc(void *old, size_t n) { return grow(old, n); }

TL_WRAP void *reallocarray(void *old, size_t k, size_t n) {
    size_t bytes;
    if (__builtin_mul_overflow(k, n, &bytes)) {
        errno = ENOMEM;
        return NULL;
    }
    return grow(old, bytes);
}

/* ---- memcpy, memmove, memset ------------------------------------------------ */

/* The runtime's own calls (its struct copies and clears, on the recording
 * path too) reach these exported wrappers like the program's: they are
 * recognized by their return address inside this library and never
 * checked. */
extern const char __ehdr_start[] __attribute__((visibility("hidden")));
extern const char etext[] __attribute__((visibility("hidden")));

static inline int checked(uint64_t pc) {
    return race_on() && pc - (uintptr_t)__ehdr_start >= (uintptr_t)(etext - __ehdr_start) &&
           !tl__in_runtime;
}

/* Before the table of real functions is filled (a constructor that runs
 * before ours): byte by byte through volatile, so that the compiler cannot
 * turn the loop back into a call of the very function it implements. */
static void *bytes_move(void *d, const void *s, size_t n) {
    volatile unsigned char *dp = d;
    const volatile unsigned char *sp = s;
    if (dp <= sp || dp >= sp + n)
        for (size_t i = 0; i < n; i++) dp[i] = sp[i];
    else
        for (size_t i = n; i-- > 0;) dp[i] = sp[i];
    return d;
}
static void *bytes_set(void *d, int c, size_t n) {
    volatile unsigned char *dp = d;
    for (size_t i = 0; i < n; i++) dp[i] = (unsigned char)c;
    return d;
}

typedef void *(*copy_fn)(void *, const void *, size_t);
typedef void *(*set_fn)(void *, int, size_t);

/* Detection on, or the real function not known yet. */
static __attribute__((noinline)) void *copy_slow(int move, void *d, const void *s, size_t n,
                                                 uint64_t pc) {
    if (checked(pc) && n != 0) {
        tl__race_access((uintptr_t)s, n, TL_ACC_READ, pc, TL_EVF_PC);
        tl__race_access((uintptr_t)d, n, TL_ACC_WRITE, pc, TL_EVF_PC);
    }
    copy_fn f = __atomic_load_n(move ? &tl__real.memmove : &tl__real.memcpy, __ATOMIC_RELAXED);
    return f ? f(d, s, n) : bytes_move(d, s, n);
}
static __attribute__((noinline)) void *set_slow(void *d, int c, size_t n, uint64_t pc) {
    if (checked(pc) && n != 0) tl__race_access((uintptr_t)d, n, TL_ACC_WRITE, pc, TL_EVF_PC);
    set_fn f = __atomic_load_n(&tl__real.memset, __ATOMIC_RELAXED);
    return f ? f(d, c, n) : bytes_set(d, c, n);
}

/* The common case is a tail call of libc's function. */
static inline void *copy(int move, void *d, const void *s, size_t n, uint64_t pc) {
    copy_fn f = __atomic_load_n(move ? &tl__real.memmove : &tl__real.memcpy, __ATOMIC_RELAXED);
    if (TL_LIKELY(!race_on() && f != NULL)) return f(d, s, n);
    return copy_slow(move, d, s, n, pc);
}
static inline void *set(void *d, int c, size_t n, uint64_t pc) {
    set_fn f = __atomic_load_n(&tl__real.memset, __ATOMIC_RELAXED);
    if (TL_LIKELY(!race_on() && f != NULL)) return f(d, c, n);
    return set_slow(d, c, n, pc);
}

TL_WRAP void *memcpy(void *d, const void *s, size_t n) { return copy(0, d, s, n, TL_PL_PC); }
TL_WRAP void *memmove(void *d, const void *s, size_t n) { return copy(1, d, s, n, TL_PL_PC); }
TL_WRAP void *memset(void *d, int c, size_t n) { return set(d, c, n, TL_PL_PC); }

/* _FORTIFY_SOURCE's checked versions, which glibc would complete with its
 * internal (unchecked) memcpy. */
TL_WRAP void *__memcpy_chk(void *d, const void *s, size_t n, size_t room) {
    if (TL_UNLIKELY(room < n)) __chk_fail();
    return copy(0, d, s, n, TL_PL_PC);
}
TL_WRAP void *__memmove_chk(void *d, const void *s, size_t n, size_t room) {
    if (TL_UNLIKELY(room < n)) __chk_fail();
    return copy(1, d, s, n, TL_PL_PC);
}
TL_WRAP void *__memset_chk(void *d, int c, size_t n, size_t room) {
    if (TL_UNLIKELY(room < n)) __chk_fail();
    return set(d, c, n, TL_PL_PC);
}

#endif /* !sanitizer build */
