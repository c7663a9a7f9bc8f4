/*
 * tl_registry.c — thread and object records.
 *
 * Ids are dense (1..N) and never reused, so the trace's tids and object ids
 * are stable for the whole run even when the system reuses thread ids or
 * addresses. Records live until exit; both tables are chunked arrays whose
 * slots are published with release stores, so the writer can look any id up
 * without a lock. Thread registration takes the registry lock (ids must be
 * published in order: the writer walks them); object registration is
 * lock-free. Neither calls malloc (tl_arena.c says why), and nothing that
 * holds the registry lock waits for anything else.
 *
 * A thread's ring is owned by the thread until it ends; the writer returns
 * drained rings here (tl__ring_recycle) so programs that create thousands of
 * short threads reuse a few rings.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tl_internal.h"

#define CHUNK_BITS 10
#define CHUNK (1u << CHUNK_BITS)
#define MAX_CHUNKS 4096 /* 4M threads or objects per run */

typedef _Atomic(tl_thread_rec *) thread_slot;
typedef _Atomic(tl_obj *) obj_slot;

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(thread_slot *) thread_chunks[MAX_CHUNKS];
static _Atomic(obj_slot *) obj_chunks[MAX_CHUNKS];
static _Atomic uint32_t thread_count, obj_next, obj_count;
/* The process's first thread has ended (pthread_exit from main). */
static _Atomic int main_ended;
/* Recycled rings, singly linked through their first bytes. */
typedef struct free_ring { struct free_ring *next; } free_ring;
static free_ring *free_rings;
static pthread_key_t exit_key;
static int exit_key_ok;
static __thread int tls_ended __attribute__((tls_model("initial-exec")));

TL_INTERNAL __thread tl_thread_rec *tl__tls_self __attribute__((tls_model("initial-exec")));

/* ---- generic chunked tables ------------------------------------------------ */

/* Returns the slot for id, mapping its chunk; two threads mapping the same
 * chunk at once keep the first one installed. */
static void *table_slot(_Atomic(void *) *chunks, uint32_t id, size_t slot_size) {
    uint32_t c = id >> CHUNK_BITS;
    if (c >= MAX_CHUNKS) return NULL;
    char *chunk = atomic_load_explicit(&chunks[c], memory_order_acquire);
    if (!chunk) {
        char *fresh = tl__pages(CHUNK * slot_size);
        if (!fresh) return NULL;
        void *expected = NULL;
        if (atomic_compare_exchange_strong_explicit(&chunks[c], &expected, fresh,
                                                    memory_order_acq_rel, memory_order_acquire)) {
            chunk = fresh;
        } else {
            tl__pages_free(fresh, CHUNK * slot_size);
            chunk = expected;
        }
    }
    return chunk + (size_t)(id & (CHUNK - 1)) * slot_size;
}

static void *table_peek(_Atomic(void *) *chunks, uint32_t id, size_t slot_size) {
    uint32_t c = id >> CHUNK_BITS;
    if (c >= MAX_CHUNKS) return NULL;
    char *chunk = atomic_load_explicit(&chunks[c], memory_order_acquire);
    return chunk ? chunk + (size_t)(id & (CHUNK - 1)) * slot_size : NULL;
}

/* ---- threads --------------------------------------------------------------- */

static void on_thread_exit(void *rec) {
    if (rec && tl__tls_self == rec) tl__thread_end();
}

static void make_exit_key(void) {
    exit_key_ok = pthread_key_create(&exit_key, on_thread_exit) == 0;
}

static uint64_t ring_size(void) {
    uint64_t want = tl__g.opt.buffer_events, n = 1024;
    while (n < want) n <<= 1;
    return n;
}

/* Takes a recycled ring or maps one. Called with reg_lock held. */
static tl_rec *ring_get(uint64_t n) {
    free_ring *r = free_rings;
    if (r) {
        free_rings = r->next;
        return (tl_rec *)(void *)r;
    }
    return tl__pages(n * sizeof(tl_rec));
}

int tl__ring_recycle(tl_thread_rec *t) {
    int rc = TL_REAL(pthread_mutex_trylock)(&reg_lock);
    if (rc == EBUSY) return 0;
    if (rc != 0) tl__die("internal trylock failed: %s (a bug in threadlens)", strerror(rc));
    if (t->ring) {
        free_ring *r = (free_ring *)(void *)t->ring;
        r->next = free_rings;
        free_rings = r;
        t->ring = NULL;
    }
    tl__unlock(&reg_lock);
    return 1;
}

/* "<kind>@file.c:12" for a tl_site, else "" (the caller picks a fallback;
 * a pc is left to the writer, which symbolizes it). */
static void site_name(char *out, const char *kind, uint64_t site_bits, unsigned flags) {
    out[0] = 0;
    const tl_site *site = (const tl_site *)(uintptr_t)site_bits;
    if (!site || (flags & TL_EVF_PC) || !site->file) return;
    const char *base = strrchr(site->file, '/');
    snprintf(out, TL_NAME_MAX, "%s@%s:%d", kind, base ? base + 1 : site->file, site->line);
}

/* A process's first thread is "main" when it registers itself (adopted);
 * the test is on the registering thread, so only adopted threads use it.
 * A thread created through the preload gets "": the writer names it after
 * its start routine. */
static void default_name(char *out, const tl_thread_rec *t, int adopted) {
    uint32_t id = t->id;
    if (t->create_flags & TL_EVF_PC) {
        out[0] = 0;
        return;
    }
    site_name(out, "thread", t->create_site, t->create_flags);
    if (out[0]) return;
    if (adopted && syscall(SYS_gettid) == getpid()) snprintf(out, TL_NAME_MAX, "main");
    else snprintf(out, TL_NAME_MAX, "thread %u", id);
}

/* A new name node for at most TL_NAME_MAX - 1 bytes of s, linked to the one
 * it replaces; NULL when out of memory. */
static tl_name *name_new(const char *s, tl_name *prev) {
    size_t n = strnlen(s, TL_NAME_MAX - 1);
    tl_name *p = tl__arena_alloc(sizeof *p + n + 1);
    if (p) p->prev = prev, memcpy(p->s, s, n), p->s[n] = 0;
    return p;
}

/* A new record with its id, ring and name; NULL when out of memory (a
 * record that got no id is simply never used: the arena does not free). */
static tl_thread_rec *thread_new(const char *name, uint32_t creator, uint64_t site,
                                 unsigned site_flags, int adopted) {
    tl_thread_rec *t = tl__arena_alloc(sizeof(tl_thread_rec));
    if (!t) return NULL;
    uint64_t n = ring_size();
    t->create_site = site;
    t->create_flags = (uint8_t)site_flags;
    tl__lock(&reg_lock);
    t->ring = ring_get(n);
    uint32_t id = atomic_load_explicit(&thread_count, memory_order_relaxed) + 1;
    thread_slot *slot = t->ring ? table_slot((_Atomic(void *) *)thread_chunks, id, sizeof(thread_slot)) : NULL;
    if (slot) {
        t->id = id;
        t->mask = n - 1;
        t->creator = creator;
        char buf[TL_NAME_MAX];
        if (name && *name) snprintf(buf, sizeof buf, "%s", name);
        else default_name(buf, t, adopted);
        atomic_store_explicit(&t->name, name_new(buf, NULL), memory_order_relaxed);
        atomic_store_explicit(slot, t, memory_order_release);
        atomic_store_explicit(&thread_count, id, memory_order_release);
    }
    if (!slot && t->ring) {
        free_ring *r = (free_ring *)(void *)t->ring;
        r->next = free_rings;
        free_rings = r;
    }
    tl__unlock(&reg_lock);
    return slot ? t : NULL;
}

tl_thread_rec *tl__thread_prepare(const char *name, uint32_t creator, uint64_t site,
                                  unsigned site_flags) {
    if (atomic_load_explicit(&tl__g.state, memory_order_acquire) != TL_STATE_ON) return NULL;
    tl__in_runtime++;
    tl_thread_rec *t = thread_new(name, creator, site, site_flags, 0);
    tl__in_runtime--;
    return t;
}

void tl__thread_abandon(tl_thread_rec *t) {
    atomic_store_explicit(&t->ended, 1, memory_order_release);
}

void tl__thread_attach(tl_thread_rec *t) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, make_exit_key);
    tl__tls_self = t;
    if (exit_key_ok) pthread_setspecific(exit_key, t);
    tl__record_in(t, TL_EV_THREAD_START, 0, t->creator, 0, t->create_flags, t->create_site, 0);
}

/* The guard also covers a signal handler that records while this thread
 * registers: its wrappers go straight to libc instead of registering the
 * thread a second time (or waiting for the registry lock we hold). */
tl_thread_rec *tl__self_slow(void) {
    if (tls_ended || tl__in_runtime) return NULL;
    tl__in_runtime++;
    tl_thread_rec *t = NULL;
    if (tl__init()) {
        t = thread_new(NULL, 0, 0, 0, 1);
        if (t) tl__thread_attach(t);
        else tls_ended = 1; /* do not retry on every event */
    }
    tl__in_runtime--;
    return t;
}

void tl__thread_end(void) {
    tl_thread_rec *t = tl__tls_self;
    if (!t) return;
    tl__record_in(t, TL_EV_THREAD_END, 0, 0, 0, 0, 0, 0);
    tl__tls_self = NULL;
    tls_ended = 1;
    if (exit_key_ok) pthread_setspecific(exit_key, NULL);
    atomic_store_explicit(&t->ended, 1, memory_order_release);
    if (syscall(SYS_gettid) == getpid()) atomic_store(&main_ended, 1);
}

int tl__main_ended(void) {
    return atomic_load(&main_ended);
}

tl_thread_rec *tl__thread_get(uint32_t id) {
    if (id == 0 || id > atomic_load_explicit(&thread_count, memory_order_acquire)) return NULL;
    thread_slot *slot = table_peek((_Atomic(void *) *)thread_chunks, id, sizeof(thread_slot));
    return slot ? atomic_load_explicit(slot, memory_order_acquire) : NULL;
}

uint32_t tl__thread_count(void) {
    return atomic_load_explicit(&thread_count, memory_order_acquire);
}

void tl__thread_name(uint32_t id, char *out) {
    tl_thread_rec *t = tl__thread_get(id);
    const tl_name *name = t ? atomic_load_explicit(&t->name, memory_order_acquire) : NULL;
    if (name) snprintf(out, TL_NAME_MAX, "%s", name->s);
    else snprintf(out, TL_NAME_MAX, "thread %u", id);
}

/* Only the thread itself renames it (see tl_name for the old names). NULL
 * or "" gives the thread its default name back. */
void tl__thread_rename(tl_thread_rec *t, const char *name) {
    char buf[TL_NAME_MAX];
    if (name && *name) snprintf(buf, sizeof buf, "%s", name);
    else default_name(buf, t, t->creator == 0);
    tl_name *old = atomic_load_explicit(&t->name, memory_order_relaxed);
    if (old && !strcmp(old->s, buf)) return;
    tl_name *copy = name_new(buf, old);
    if (!copy) return;
    atomic_store_explicit(&t->name, copy, memory_order_release);
    tl__record_in(t, TL_EV_THREAD_NAME, 0, t->id, 0, 0, 0, 0);
}

/* Another thread's name, set by the calling thread (pthread_setname_np on
 * a thread other than itself). Two renames of one thread at once keep one
 * of them; the event goes into the caller's ring, naming the target. */
void tl__thread_rename_other(tl_thread_rec *self, tl_thread_rec *t, const char *name) {
    tl_name *old = atomic_load_explicit(&t->name, memory_order_acquire);
    tl_name *copy = name_new(name, old);
    if (!copy || !atomic_compare_exchange_strong_explicit(&t->name, &old, copy,
                                                          memory_order_acq_rel,
                                                          memory_order_acquire))
        return;
    tl__record_in(self, TL_EV_THREAD_NAME, 0, t->id, 0, 0, 0, 0);
}

/* ---- objects --------------------------------------------------------------- */

static const char *const kind_names[TL_OBJ__COUNT] = {
    [TL_OBJ_MUTEX] = "mutex", [TL_OBJ_RWLOCK] = "rwlock", [TL_OBJ_SPIN] = "spinlock",
    [TL_OBJ_COND] = "cond",   [TL_OBJ_SEM] = "sem",       [TL_OBJ_BARRIER] = "barrier",
    [TL_OBJ_QUEUE] = "queue", [TL_OBJ_POOL] = "pool",     [TL_OBJ_EVENT] = "event",
    [TL_OBJ_TIMER] = "timer",
};

const char *tl__obj_kind_name(unsigned kind) {
    return kind < TL_OBJ__COUNT ? kind_names[kind] : "object";
}

static void obj_name(tl_obj *o, const char *name) {
    const char *kind = tl__obj_kind_name(o->kind);
    if (name && *name) snprintf(o->name, sizeof o->name, "%s", name);
    else if (o->site_flags & TL_EVF_PC) return; /* the writer names it */
    else site_name(o->name, kind, o->site, o->site_flags);
    if (!o->name[0]) snprintf(o->name, sizeof o->name, "%s #%u", kind, o->id);
}

static void obj_count_raise(uint32_t id) {
    uint32_t c = atomic_load_explicit(&obj_count, memory_order_relaxed);
    while (c < id && !atomic_compare_exchange_weak_explicit(&obj_count, &c, id,
                                                            memory_order_release,
                                                            memory_order_relaxed)) {
    }
}

uint32_t tl__obj_register(tl_obj_kind kind, unsigned subkind, const void *addr, const char *name,
                          uint64_t site, unsigned site_flags, uint64_t init_value) {
    tl_thread_rec *self = tl__self();
    if (!self) return 0;
    tl__in_runtime++;
    uint32_t id = 0;
    tl_obj *o = tl__arena_alloc(sizeof *o);
    obj_slot *slot = NULL;
    if (o) {
        id = atomic_fetch_add_explicit(&obj_next, 1, memory_order_relaxed) + 1;
        slot = table_slot((_Atomic(void *) *)obj_chunks, id, sizeof(obj_slot));
    }
    if (slot) {
        o->id = id;
        o->kind = (uint8_t)kind;
        o->subkind = (uint8_t)subkind;
        o->site_flags = (uint8_t)(site_flags & (TL_EVF_PC | TL_EVF_SHARED));
        o->addr = (uint64_t)(uintptr_t)addr;
        o->init_value = init_value;
        o->site = site;
        obj_name(o, name);
        atomic_store_explicit(slot, o, memory_order_release);
        obj_count_raise(id);
    } else {
        id = 0;
    }
    tl__in_runtime--;
    if (id) tl__record_in(self, TL_EV_OBJ_INIT, id, init_value, kind, site_flags & TL_EVF_PC, site, 0);
    return id;
}

/* The guard covers the whole claim: a signal handler on this thread that
 * uses the same object meanwhile must not wait for our PENDING. */
uint32_t tl__obj_claim(uint32_t *idp, tl_obj_kind kind, unsigned subkind, const void *addr,
                       uint64_t site, unsigned site_flags, uint64_t init_value) {
    for (int spins = 0;; spins++) {
        uint32_t id = __atomic_load_n(idp, __ATOMIC_ACQUIRE);
        if (id != 0 && id != TL_ID_PENDING) return id;
        tl__in_runtime++;
        if (id == 0 && __atomic_compare_exchange_n(idp, &id, TL_ID_PENDING, 0, __ATOMIC_ACQ_REL,
                                                   __ATOMIC_ACQUIRE)) {
            id = tl__obj_register(kind, subkind, addr, NULL, site, site_flags, init_value);
            __atomic_store_n(idp, id, __ATOMIC_RELEASE);
            tl__in_runtime--;
            return id;
        }
        tl__in_runtime--;
        /* Registration takes microseconds; a registrant that does not finish
         * was preempted for long or killed: go on without an object. */
        if (spins >= 100000) return 0;
        sched_yield();
    }
}

uint32_t tl__obj_lazy(uint32_t *idp, tl_obj_kind kind, unsigned subkind, const void *addr) {
    uint32_t id = __atomic_load_n(idp, __ATOMIC_ACQUIRE);
    if (TL_LIKELY(id != 0 && id != TL_ID_PENDING) || !tl__self()) return id == TL_ID_PENDING ? 0 : id;
    /* The first use is not where the object was made: name it by index. */
    return tl__obj_claim(idp, kind, subkind, addr, 0, 0, 0);
}

const tl_obj *tl__obj_get(uint32_t id) {
    if (id == 0 || id > atomic_load_explicit(&obj_count, memory_order_acquire)) return NULL;
    obj_slot *slot = table_peek((_Atomic(void *) *)obj_chunks, id, sizeof(obj_slot));
    return slot ? atomic_load_explicit(slot, memory_order_acquire) : NULL;
}

uint32_t tl__obj_count(void) {
    return atomic_load_explicit(&obj_count, memory_order_acquire);
}
