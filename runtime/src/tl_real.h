/*
 * tl_real.h — how runtime code calls a libc function that the LD_PRELOAD
 * build interposes: TL_REAL(pthread_mutex_lock)(&m).
 *
 * In libthreadlens this is the function itself. In the preload library our
 * own exported pthread_mutex_lock is the wrapper, and a plain call from
 * inside the runtime would bind to it (and trace the tracer), so TL_REAL
 * goes through the table of real functions instead. Each entry resolves on
 * its first use, independently of the others: a wrapper can be entered
 * before our constructor ran (another library's constructor) or while the
 * resolver itself is running (a program whose malloc takes a mutex).
 */
#ifndef TL_REAL_H
#define TL_REAL_H

#include <pthread.h>
#include <semaphore.h>
#include <time.h>
#include <unistd.h>

#ifdef TL_PRELOAD

enum {
#define TL_REAL_FN(ret, field, sym, ver, params) TL_REAL_IDX_##field,
#include "tl_real.inc"
#undef TL_REAL_FN
    TL_REAL__COUNT
};

typedef struct tl_real_table {
#define TL_REAL_FN(ret, field, sym, ver, params) ret(*field) params;
#include "tl_real.inc"
#undef TL_REAL_FN
} tl_real_table;

extern __attribute__((visibility("hidden"))) tl_real_table tl__real;
/* Resolves entry idx (dies naming the symbol when libc lacks it) and
 * returns it. */
__attribute__((visibility("hidden"))) void *tl__real_need(int idx);

#define TL_REAL(f)                                                             \
    (__extension__({                                                           \
        __typeof__(tl__real.f) p_ = __atomic_load_n(&tl__real.f, __ATOMIC_RELAXED); \
        __builtin_expect(p_ != NULL, 1) ? p_                                   \
                                        : (__typeof__(tl__real.f))tl__real_need(TL_REAL_IDX_##f); \
    }))

#else

#define TL_REAL(f) f

#endif
#endif /* TL_REAL_H */
