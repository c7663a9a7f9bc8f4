/*
 * tl_spin.c — tl_spin_*: pthread spinlocks, recorded.
 *
 * Try-first like tl_mutex.c: pthread_spin_trylock, and only when that fails
 * LOCK_WAIT, the real pthread_spin_lock, then LOCK_ACQUIRE. Spinlocks are
 * always TL_MODE_WRITE and process-private.
 */
#include "tl_internal.h"

/* No static initializer exists, but a spinlock initialized before tracing
 * started still has id 0 and registers here. */
static uint32_t spin_id(tl_spinlock *s) {
    return tl__obj_lazy(&s->id, TL_OBJ_SPIN, 0, s);
}

/* Any failed try lands here, so a real error (EDEADLK where the platform
 * detects it) reaches the program unchanged. */
static int spin_block(tl_spinlock *s, uint32_t id, const tl_site *site) {
    tl__record(TL_EV_LOCK_WAIT, id, 0, TL_MODE_WRITE, 0, site);
    return tl__lock_outcome(TL_REAL(pthread_spin_lock)(&s->s), id, TL_MODE_WRITE, site);
}

int tl_spin_init_at(tl_spinlock *s, const char *name, const tl_site *site) {
    int rc = TL_REAL(pthread_spin_init)(&s->s, PTHREAD_PROCESS_PRIVATE);
    if (rc != 0) return rc;
    uint32_t id = tl__obj_register(TL_OBJ_SPIN, 0, s, name, (uintptr_t)site, 0, 0);
    __atomic_store_n(&s->id, id, __ATOMIC_RELEASE);
    return 0;
}

int tl_spin_lock_at(tl_spinlock *s, const tl_site *site) {
    uint32_t id = spin_id(s);
    if (TL_REAL(pthread_spin_trylock)(&s->s) == 0) {
        tl__record(TL_EV_LOCK_ACQUIRE, id, 0, TL_MODE_WRITE, TL_EVF_TRY, site);
        return 0;
    }
    return spin_block(s, id, site);
}

/* EBUSY records nothing: the program did not wait. */
int tl_spin_trylock_at(tl_spinlock *s, const tl_site *site) {
    uint32_t id = spin_id(s);
    int rc = TL_REAL(pthread_spin_trylock)(&s->s);
    if (rc == 0) tl__record(TL_EV_LOCK_ACQUIRE, id, 0, TL_MODE_WRITE, TL_EVF_TRY | TL_EVF_NONBLOCK, site);
    return rc;
}

/* Recorded before the real unlock, while the lock is still held. */
int tl_spin_unlock_at(tl_spinlock *s, const tl_site *site) {
    tl__record(TL_EV_LOCK_RELEASE, spin_id(s), 0, 0, 0, site);
    return TL_REAL(pthread_spin_unlock)(&s->s);
}

int tl_spin_destroy_at(tl_spinlock *s, const tl_site *site) {
    tl__obj_destroying(&s->id, site);
    return tl__obj_forget(&s->id, TL_REAL(pthread_spin_destroy)(&s->s));
}
