/*
 * tl_annotate.c — the public race annotations (tl_read, tl_write,
 * tl_name_var): the way into the race detector for code not built with
 * `threadlens cc`, as in the teaching examples.
 */
#include "tl_race.h"

static int enabled(void) {
    return atomic_load_explicit(&tl__race_on, memory_order_relaxed) || tl__race_enable();
}

TL_API void tl_read_at(const volatile void *addr, size_t size, const tl_site *site) {
    if (enabled()) tl__race_access((uintptr_t)addr, size, TL_ACC_READ, (uintptr_t)site, 0);
}

TL_API void tl_write_at(const volatile void *addr, size_t size, const tl_site *site) {
    if (enabled()) tl__race_access((uintptr_t)addr, size, TL_ACC_WRITE, (uintptr_t)site, 0);
}

TL_API void tl_name_var(const volatile void *addr, size_t size, const char *name) {
    tl__race_name_var((uintptr_t)addr, size, name);
}
