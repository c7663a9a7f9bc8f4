/*
 * tl_marks.c — the program's own annotations: sleeps, phases, marks,
 * counters, and tl_intern, the process-lifetime string table that makes
 * runtime-built names safe to keep by pointer.
 *
 * Mark names are stored in events by pointer (never copied on the recording
 * path), so the writer reads them later; a NULL name becomes "(null)" here
 * rather than a NULL the writer would have to dereference.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tl_internal.h"

static const char tl_null_name[] = "(null)";

static uint64_t name_arg(const char *name) {
    return (uint64_t)(uintptr_t)(name != NULL ? name : tl_null_name);
}

/* Restarts with the remaining time after a signal, as the header promises.
 * errno is restored: a void sleep must not leave EINTR behind. */
void tl_sleep_ns_at(uint64_t ns, const tl_site *site) {
    int saved = errno;
    struct timespec req = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
    struct timespec rem;
    tl__record(TL_EV_SLEEP_BEGIN, 0, ns, 0, 0, site);
    while (TL_REAL(nanosleep)(&req, &rem) != 0 && errno == EINTR) req = rem;
    tl__record(TL_EV_SLEEP_END, 0, 0, 0, 0, site);
    errno = saved;
}

void tl_phase_begin_at(const char *name, const tl_site *site) {
    tl__record(TL_EV_PHASE_BEGIN, 0, name_arg(name), 0, 0, site);
}

void tl_phase_end_at(const tl_site *site) {
    tl__record(TL_EV_PHASE_END, 0, 0, 0, 0, site);
}

void tl_mark_at(const char *name, const tl_site *site) {
    tl__record(TL_EV_MARK, 0, name_arg(name), 0, 0, site);
}

/* The value travels as its bit pattern in val, which tl__record does not
 * take, hence tl__record_in. */
void tl_counter_at(const char *name, double value, const tl_site *site) {
    if (!isfinite(value)) return;
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    tl_thread_rec *t = tl__self();
    if (t != NULL) tl__record_in(t, TL_EV_COUNTER, 0, name_arg(name), 0, 0, (uintptr_t)site, bits);
}

/* ---- tl_intern: open addressing, linear probing, load kept <= 1/2 ---------- */

static pthread_mutex_t intern_lock = PTHREAD_MUTEX_INITIALIZER;
static char **intern_slots; /* guarded by intern_lock; never freed */
static size_t intern_cap;   /* a power of two, or 0 before the first use */
static size_t intern_count;

static uint64_t intern_hash(const char *s) { /* FNV-1a */
    uint64_t h = 14695981039346656037u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* The slot holding s, or the empty slot where it belongs. cap must be > 0
 * and the table not full, which the load limit guarantees. */
static char **intern_find(char **slots, size_t cap, const char *s) {
    size_t i = (size_t)intern_hash(s) & (cap - 1);
    while (slots[i] != NULL && strcmp(slots[i], s) != 0) i = (i + 1) & (cap - 1);
    return &slots[i];
}

static int intern_grow(void) {
    size_t cap = intern_cap ? intern_cap * 2 : 64;
    char **slots = calloc(cap, sizeof *slots);
    if (slots == NULL) return -1;
    for (size_t i = 0; i < intern_cap; i++)
        if (intern_slots[i] != NULL) *intern_find(slots, cap, intern_slots[i]) = intern_slots[i];
    free(intern_slots);
    intern_slots = slots;
    intern_cap = cap;
    return 0;
}

static const char *intern_locked(const char *s) {
    if (intern_cap != 0) {
        char *found = *intern_find(intern_slots, intern_cap, s);
        if (found != NULL) return found;
    }
    if ((intern_count + 1) * 2 > intern_cap && intern_grow() != 0) return NULL;
    char **slot = intern_find(intern_slots, intern_cap, s);
    *slot = strdup(s);
    if (*slot == NULL) return NULL;
    intern_count++;
    return *slot;
}

const char *tl_intern(const char *s) {
    if (s == NULL) return NULL;
    tl__lock(&intern_lock);
    const char *r = intern_locked(s);
    tl__unlock(&intern_lock);
    return r;
}
