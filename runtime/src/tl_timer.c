/*
 * tl_timer.c — tl_timer_*: the seeds' threading.Timer.
 *
 * Each timer is a traced thread ("timer <name>") that waits out the delay
 * on a condition, so a cancel wakes it at once and the trace shows the
 * arrow from the cancel. The delay counts from tl_timer_start, not from
 * when the thread got to run. Creating the thread orders the starter's
 * work before fn, and the join orders fn before whatever follows it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tl_hl.h"

struct tl_timer {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    void (*fn)(void *);
    void *arg;
    uint64_t delay, deadline;
    int cancelled, fired;
    uint32_t id;
    tl_thread th;
};

static void *timer_main(void *arg) {
    tl_timer *t = arg;
    tl__lock(&t->mu);
    tl__hl_record(TL_EV_TIMER_WAIT, t->id, t->delay, 0, TL_EVF_TIMED, NULL);
    while (!t->cancelled && tl__hl_wait(&t->cv, &t->mu, t->deadline) == 0) {
    }
    t->fired = !t->cancelled;
    tl__hl_record(TL_EV_TIMER_FIRE, t->id, 0, !t->fired, 0, NULL);
    tl__unlock(&t->mu);
    if (t->fired) {
        t->fn(t->arg);
        tl__hl_record(TL_EV_TIMER_DONE, t->id, 0, 0, 0, NULL);
    }
    return NULL;
}

tl_timer *tl_timer_start_at(uint64_t delay_ns, void (*fn)(void *), void *arg, const char *name,
                            const tl_site *site) {
    if (!fn) {
        errno = EINVAL;
        return NULL;
    }
    tl_timer *t = calloc(1, sizeof *t);
    if (!t) {
        errno = ENOMEM;
        return NULL;
    }
    tl__hl_init(&t->mu, &t->cv, 1);
    t->fn = fn, t->arg = arg, t->delay = delay_ns;
    t->deadline = tl__hl_deadline(delay_ns);
    t->id = tl__obj_register(TL_OBJ_TIMER, 0, t, name, (uintptr_t)site, 0, delay_ns);
    const tl_obj *o = tl__obj_get(t->id);
    char tname[TL_NAME_MAX + 8];
    snprintf(tname, sizeof tname, "timer %s", o ? o->name : name ? name : "");
    tl__hl_record(TL_EV_TIMER_START, t->id, delay_ns, 0, 0, site);
    int rc = tl_thread_create_at(&t->th, NULL, tname, timer_main, t, site);
    if (rc) {
        tl__hl_record(TL_EV_OBJ_DESTROY, t->id, 0, 0, 0, site);
        tl__hl_fini(&t->mu, &t->cv, 1);
        free(t);
        errno = rc;
        return NULL;
    }
    return t;
}

int tl_timer_cancel_at(tl_timer *t, const tl_site *site) {
    tl__lock(&t->mu);
    int rc = t->fired ? EALREADY : 0;
    if (!rc && !t->cancelled) {
        t->cancelled = 1;
        tl__hl_signal(&t->cv);
    }
    tl__hl_record(TL_EV_TIMER_CANCEL, t->id, 0, rc == 0, 0, site);
    tl__unlock(&t->mu);
    return rc;
}

int tl_timer_join_at(tl_timer *t, const tl_site *site) {
    tl_thread_join_at(t->th, NULL, site);
    int rc = t->fired ? 0 : ECANCELED;
    tl__hl_record(TL_EV_OBJ_DESTROY, t->id, 0, 0, 0, site);
    tl__hl_fini(&t->mu, &t->cv, 1);
    free(t);
    return rc;
}
