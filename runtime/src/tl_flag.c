/*
 * tl_flag.c — tl_event_*: the seeds' threading.Event, a flag threads wait
 * for. (The file is not tl_event.c: tl_event.h is the runtime's table of
 * recorded event kinds.)
 *
 * Like Python's, a wait that a set ended returns 0 even if the flag was
 * cleared again before the waiter ran: every set bumps a generation, and
 * waiters wait for the flag or a new generation. A set orders everything
 * before it before the waits it ends (and the waits that find it set).
 */
#include <stdlib.h>

#include "tl_hl.h"

struct tl_event {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint64_t gen;
    int flag;
    unsigned waiters;
    uint32_t id;
};

tl_event *tl_event_create_at(const char *name, const tl_site *site) {
    tl_event *e = calloc(1, sizeof *e);
    if (!e) {
        errno = ENOMEM;
        return NULL;
    }
    tl__hl_init(&e->mu, &e->cv, 1);
    e->id = tl__obj_register(TL_OBJ_EVENT, 0, e, name, (uintptr_t)site, 0, 0);
    tl__hb_forget((uintptr_t)e); /* memory reused: earlier objects there order nothing */
    return e;
}

void tl_event_set_at(tl_event *e, const tl_site *site) {
    tl__lock(&e->mu);
    e->flag = 1;
    e->gen++;
    tl__hb_release((uintptr_t)e);
    tl__hl_record(TL_EV_EVENT_SET, e->id, 0, 0, 0, site);
    if (e->waiters) tl__hl_broadcast(&e->cv);
    tl__unlock(&e->mu);
}

void tl_event_clear_at(tl_event *e, const tl_site *site) {
    tl__lock(&e->mu);
    e->flag = 0;
    tl__hl_record(TL_EV_EVENT_CLEAR, e->id, 0, 0, 0, site);
    tl__unlock(&e->mu);
}

int tl_event_is_set(tl_event *e) {
    tl__lock(&e->mu);
    int set = e->flag;
    if (set) tl__hb_acquire((uintptr_t)e);
    tl__unlock(&e->mu);
    return set;
}

static int event_wait(tl_event *e, uint64_t deadline, const tl_site *site) {
    tl__lock(&e->mu);
    int rc = 0;
    if (!e->flag) {
        uint64_t gen = e->gen;
        tl__hl_record(TL_EV_EVENT_WAIT, e->id, 0, 0, deadline != TL_HL_FOREVER ? TL_EVF_TIMED : 0, site);
        e->waiters++;
        while (!e->flag && e->gen == gen && rc == 0) rc = tl__hl_wait(&e->cv, &e->mu, deadline);
        e->waiters--;
        rc = e->flag || e->gen != gen ? 0 : ETIMEDOUT;
        tl__hl_record(TL_EV_EVENT_WAKE, e->id, 0, (unsigned)rc, 0, site);
    }
    if (rc == 0) tl__hb_acquire((uintptr_t)e);
    tl__unlock(&e->mu);
    return rc;
}

int tl_event_wait_at(tl_event *e, const tl_site *site) {
    return event_wait(e, TL_HL_FOREVER, site);
}

int tl_event_wait_timed_at(tl_event *e, uint64_t timeout_ns, const tl_site *site) {
    return event_wait(e, tl__hl_deadline(timeout_ns), site);
}

void tl_event_destroy_at(tl_event *e, const tl_site *site) {
    if (!e) return;
    tl__hl_record(TL_EV_OBJ_DESTROY, e->id, 0, 0, 0, site);
    tl__hl_fini(&e->mu, &e->cv, 1);
    free(e);
}
