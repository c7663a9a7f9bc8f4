/*
 * tl_hb.c — happens-before: what each synchronization does to the threads'
 * vector clocks.
 *
 * Every sync object (by trace id) and every address used for atomics or the
 * runtime's hand-offs has a clock; a release joins the thread's clock into
 * it and advances the thread's own entry, an acquire joins it into the
 * thread's. The hook runs where the event is recorded, which the recording
 * rules already place correctly: acquires after the real call returned,
 * releases before the real call (tl_event.h).
 *
 * Read/write locks keep two clocks: what writers released (every acquire
 * takes it) and what readers released (only writers take it), so two
 * readers never order each other. A barrier keeps one clock per phase,
 * alternating: a fast thread arriving at phase n+1 must not hand its clock
 * to a slow one still leaving phase n.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <string.h>

#include "tl_race_int.h"

#define TL_RACE_MAX_OBJ_ID (1u << 22) /* the registry's id space (tl_registry.c) */

typedef struct tl_sync {
    tl_spin lock;
    tl_vc c;  /* releases (writers'; phase parity 0 for a barrier) */
    tl_vc c2; /* readers' releases; phase parity 1 for a barrier */
    uint64_t arrived; /* barrier arrivals so far */
} tl_sync;

/* Sync objects by trace id: a table of pointers sized for every id the
 * registry can hand out, mapped NORESERVE (pages appear as ids are used). */
static _Atomic(tl_sync *) *by_id;
static uint32_t by_id_cap;

/* Addresses (atomics, hand-offs): open addressing, never deleted. */
#define ADDR_SLOTS (1u << 20)
typedef struct addr_slot {
    _Atomic uintptr_t key;
    _Atomic(tl_sync *) sync;
} addr_slot;
static addr_slot *by_addr;
static _Atomic int addr_full_warned;

int tl__hb_init(void) {
    if (by_id) return 0;
    /* Ids are never reused: size for every id the registry can hand out
     * (NORESERVE, so only the pages of ids in use are committed). */
    by_id_cap = TL_RACE_MAX_OBJ_ID;
    by_id = tl__pages((size_t)by_id_cap * sizeof(*by_id));
    by_addr = tl__pages((size_t)ADDR_SLOTS * sizeof(addr_slot));
    return by_id && by_addr ? 0 : -1;
}

static tl_sync *sync_new(_Atomic(tl_sync *) *slot) {
    tl_sync *s = atomic_load_explicit(slot, memory_order_acquire);
    if (s) return s;
    tl_sync *fresh = tl__arena_alloc(sizeof *fresh);
    if (!fresh) return NULL;
    if (!atomic_compare_exchange_strong_explicit(slot, &s, fresh, memory_order_acq_rel,
                                                 memory_order_acquire))
        return s; /* the arena keeps ours: rare, and 64 bytes */
    return fresh;
}

static tl_sync *sync_of_id(uint32_t id) {
    if (id == 0 || id >= by_id_cap) return NULL;
    return sync_new(&by_id[id]);
}

static tl_sync *sync_of_addr(uintptr_t key) {
    if (!by_addr || key == 0) return NULL;
    uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ull;
    uint32_t i = (uint32_t)(h >> 44) & (ADDR_SLOTS - 1);
    for (uint32_t probe = 0; probe < 64; probe++, i = (i + 1) & (ADDR_SLOTS - 1)) {
        uintptr_t k = atomic_load_explicit(&by_addr[i].key, memory_order_acquire);
        if (k == 0) {
            uintptr_t expected = 0;
            if (atomic_compare_exchange_strong_explicit(&by_addr[i].key, &expected, key,
                                                        memory_order_acq_rel,
                                                        memory_order_acquire))
                k = key;
            else
                k = expected;
        }
        if (k == key) return sync_new(&by_addr[i].sync);
    }
    if (!atomic_exchange(&addr_full_warned, 1))
        tl__warn("race detection: too many synchronizing addresses; later ones order nothing");
    return NULL;
}

/* ---- the operations ------------------------------------------------------- */

static void acquire_from(tl_rthread *rt, const tl_vc *v) {
    if (!v->c) return;
    tl__vc_join(&rt->vc, v);
    rt->vc_gen++;
}

static void release_into(tl_rthread *rt, tl_vc *v) {
    tl__vc_join(v, &rt->vc);
}

static void acquire(tl_rthread *rt, tl_sync *s, int both) {
    if (!s) return;
    tl__spin_lock(&s->lock);
    acquire_from(rt, &s->c);
    if (both) acquire_from(rt, &s->c2);
    tl__spin_unlock(&s->lock);
}

static void release(tl_rthread *rt, tl_sync *s, int readers) {
    if (!s) return;
    tl__spin_lock(&s->lock);
    release_into(rt, readers ? &s->c2 : &s->c);
    tl__spin_unlock(&s->lock);
    tl__rthread_tick(rt);
}

static int is_rwlock(uint32_t obj) {
    const tl_obj *o = tl__obj_get(obj);
    return o && o->kind == TL_OBJ_RWLOCK;
}

/* The mode this thread holds obj in (the release event does not say). */
static unsigned held_mode(const tl_rthread *rt, uint32_t obj) {
    uint32_t n = rt->nheld < TL_RACE_HELD ? rt->nheld : TL_RACE_HELD;
    for (uint32_t i = n; i-- > 0;)
        if (rt->held[i] == obj) return rt->held_mode[i];
    return TL_MODE_WRITE;
}

static void barrier_arrive(tl_rthread *rt, uint32_t obj) {
    tl_sync *s = sync_of_id(obj);
    if (!s) return;
    const tl_obj *o = tl__obj_get(obj);
    uint64_t n = o && o->init_value ? o->init_value : 0;
    tl__spin_lock(&s->lock);
    uint64_t phase = n ? s->arrived / n : 0;
    tl_vc *v = (phase & 1) ? &s->c2 : &s->c;
    /* The first arrival of a phase starts its clock afresh: every thread
     * of the phase before it has left already (they all had to arrive
     * again for this phase to begin). */
    if (n && s->arrived % n == 0) tl__vc_zero(v);
    release_into(rt, v);
    s->arrived++;
    tl__spin_unlock(&s->lock);
    rt->barrier_phase = phase;
    tl__rthread_tick(rt);
}

static void barrier_leave(tl_rthread *rt, uint32_t obj) {
    tl_sync *s = sync_of_id(obj);
    if (!s) return;
    tl__spin_lock(&s->lock);
    acquire_from(rt, (rt->barrier_phase & 1) ? &s->c2 : &s->c);
    tl__spin_unlock(&s->lock);
}

static void thread_created(tl_rthread *rt, uint32_t child_id) {
    tl_thread_rec *c = tl__thread_get(child_id);
    tl_rthread *crt = c ? tl__rthread_of(c) : NULL;
    if (crt && crt != rt) {
        tl__vc_join(&crt->vc, &rt->vc);
        crt->vc_gen++;
    }
    tl__rthread_tick(rt);
}

static void thread_joined(tl_rthread *rt, uint32_t target) {
    tl_thread_rec *c = tl__thread_get(target);
    tl_rthread *crt = c ? __atomic_load_n(&c->race, __ATOMIC_ACQUIRE) : NULL;
    if (crt && crt != rt) acquire_from(rt, &crt->vc);
}

static void destroyed(uint32_t obj) {
    if (obj == 0 || obj >= by_id_cap) return;
    tl_sync *s = atomic_exchange_explicit(&by_id[obj], NULL, memory_order_acq_rel);
    if (!s) return;
    /* Only this object's clock memory is recycled: a thread still using a
     * destroyed object is a bug the misuse detector reports. */
    tl__spin_lock(&s->lock);
    tl__vc_free(&s->c);
    tl__vc_free(&s->c2);
    tl__spin_unlock(&s->lock);
}

/* A new thread's stack (and the TLS glibc puts next to it) may be memory of
 * an ended thread, which glibc caches for reuse: its old accesses are not
 * this thread's business. */
static void forget_stack(void) {
    pthread_attr_t a;
    if (pthread_getattr_np(pthread_self(), &a) != 0) return;
    void *lo;
    size_t size;
    if (pthread_attr_getstack(&a, &lo, &size) == 0) tl__race_forget((uintptr_t)lo, size);
    pthread_attr_destroy(&a);
}

void tl__hb_event(tl_thread_rec *t, unsigned kind, uint32_t obj, uint64_t arg, unsigned aux,
                  unsigned flags, uint64_t site) {
    tl_rthread *rt = tl__rthread_of(t);
    if (!rt || rt->in_hb || rt->ended) return;
    rt->in_hb = 1;
    tl__in_runtime++;
    switch ((tl_event_kind)kind) {
    case TL_EV_LOCK_ACQUIRE:
        acquire(rt, sync_of_id(obj), aux == TL_MODE_WRITE);
        tl__rsite_lock(rt, obj, aux);
        break;
    case TL_EV_LOCK_RELEASE: {
        unsigned mode = held_mode(rt, obj);
        release(rt, sync_of_id(obj), mode == TL_MODE_READ && is_rwlock(obj));
        tl__rsite_unlock(rt, obj);
        break;
    }
    case TL_EV_COND_WAIT: /* gives the mutex up */
        release(rt, sync_of_id((uint32_t)arg), 0);
        tl__rsite_unlock(rt, (uint32_t)arg);
        break;
    case TL_EV_COND_WAKE:
        if (tl__cond_relocked(aux)) {
            acquire(rt, sync_of_id((uint32_t)arg), 1);
            tl__rsite_lock(rt, (uint32_t)arg, TL_MODE_WRITE);
        }
        if (aux == 0) acquire(rt, sync_of_id(obj), 0);
        break;
    case TL_EV_COND_SIGNAL: case TL_EV_COND_BROADCAST: case TL_EV_SEM_POST:
        release(rt, sync_of_id(obj), 0);
        break;
    case TL_EV_SEM_ACQUIRE:
        acquire(rt, sync_of_id(obj), 0);
        break;
    case TL_EV_BARRIER_ARRIVE:
        barrier_arrive(rt, obj);
        break;
    case TL_EV_BARRIER_LEAVE:
        barrier_leave(rt, obj);
        break;
    case TL_EV_THREAD_CREATE:
        thread_created(rt, (uint32_t)arg);
        break;
    case TL_EV_JOIN_END:
        if (aux == 0) thread_joined(rt, (uint32_t)arg);
        break;
    case TL_EV_THREAD_START:
        if (arg) forget_stack(); /* created by a traced thread: not main */
        break;
    case TL_EV_THREAD_END:
        /* Its clock is final: joiners read it. */
        rt->ended = 1;
        break;
    case TL_EV_OBJ_DESTROY:
        destroyed(obj);
        break;
    case TL_EV_SLEEP_BEGIN:
        atomic_store_explicit(&rt->sleep_begin, tl__now(), memory_order_relaxed);
        atomic_store_explicit(&rt->sleep_end, 0, memory_order_relaxed);
        rt->sleep_site = site;
        rt->sleep_flags = (uint8_t)(flags & TL_EVF_PC);
        break;
    case TL_EV_SLEEP_END:
        atomic_store_explicit(&rt->sleep_end, tl__now(), memory_order_relaxed);
        break;
    default:
        break;
    }
    tl__in_runtime--;
    rt->in_hb = 0;
}

/* ---- by address ----------------------------------------------------------- */

static tl_rthread *self_checked(void) {
    if (!atomic_load_explicit(&tl__race_on, memory_order_relaxed)) return NULL;
    tl_rthread *rt = tl__rthread_self();
    return rt && !rt->in_hb ? rt : NULL;
}

void tl__hb_release(uintptr_t key) {
    tl_rthread *rt = self_checked();
    if (!rt) return;
    tl__in_runtime++;
    release(rt, sync_of_addr(key), 0);
    tl__in_runtime--;
}

void tl__hb_forget(uintptr_t key) {
    tl_rthread *rt = self_checked();
    if (!rt) return;
    tl__in_runtime++;
    tl_sync *s = sync_of_addr(key);
    if (s) {
        tl__spin_lock(&s->lock);
        tl__vc_zero(&s->c);
        tl__vc_zero(&s->c2);
        tl__spin_unlock(&s->lock);
    }
    tl__in_runtime--;
}

void tl__hb_acquire(uintptr_t key) {
    tl_rthread *rt = self_checked();
    if (!rt) return;
    tl__in_runtime++;
    acquire(rt, sync_of_addr(key), 0);
    tl__in_runtime--;
}

typedef struct hb_token {
    tl_rthread *rt;
    tl_sync *s;
} hb_token;

/* One token per thread: a thread is in at most one atomic operation at a
 * time (a signal handler's nested one finds in_hb set and skips). */
static __thread hb_token tok_tls __attribute__((tls_model("initial-exec")));

void *tl__hb_begin(uintptr_t key) {
    tl_rthread *rt = self_checked();
    if (!rt) return NULL;
    tl__in_runtime++;
    tl_sync *s = sync_of_addr(key);
    if (!s) {
        tl__in_runtime--;
        return NULL;
    }
    rt->in_hb = 1;
    tl__spin_lock(&s->lock);
    tok_tls.rt = rt;
    tok_tls.s = s;
    return &tok_tls;
}

void tl__hb_end(void *token, unsigned flags) {
    hb_token *tok = token;
    if (!tok) return;
    tl_rthread *rt = tok->rt;
    tl_sync *s = tok->s;
    if (flags & TL_HB_RELEASE) release_into(rt, &s->c);
    if (flags & TL_HB_ACQUIRE) acquire_from(rt, &s->c);
    tl__spin_unlock(&s->lock);
    if (flags & TL_HB_RELEASE) tl__rthread_tick(rt);
    rt->in_hb = 0;
    tl__in_runtime--;
}
