/*
 * tl_thread.c — tl_thread_*: thread creation, join, detach, exit, names.
 *
 * A traced thread starts through a trampoline that binds the record the
 * creator prepared (so THREAD_CREATE can name the new id before the thread
 * exists). Every way a thread ends (return, tl_thread_exit, cancellation)
 * records THREAD_END in the registry's TLS destructor. When tracing is off
 * or setup fails, the program's function runs directly and the thread is
 * adopted if it ever records.
 */
#include <stdlib.h>

#include "tl_internal.h"

typedef struct tl_start {
    tl_thread_rec *rec;
    void *(*fn)(void *);
    void *arg;
} tl_start;

/* THREAD_END comes from the registry's thread-exit key destructor, which
 * runs after cleanup handlers and thread_local destructors: whatever they
 * unlock is still recorded, for a return and for tl_thread_exit alike. */
static void *thread_trampoline(void *p) {
    tl_start start = *(tl_start *)p;
    free(p);
    tl__thread_attach(start.rec);
    return start.fn(start.arg);
}

static int create_untraced(tl_thread *t, const pthread_attr_t *attr,
                           void *(*fn)(void *), void *arg) {
    int rc = TL_REAL(pthread_create)(&t->handle, attr, fn, arg);
    if (rc == 0) t->id = 0;
    return rc;
}

/* The start block is allocated before THREAD_CREATE is recorded, so running
 * out of memory falls back to an untraced start without a dangling event. */
static int create_traced(tl_thread *t, const pthread_attr_t *attr, tl_thread_rec *rec,
                         void *(*fn)(void *), void *arg, const tl_site *site) {
    tl_start *start = malloc(sizeof *start);
    if (start == NULL) {
        tl__thread_abandon(rec);
        return create_untraced(t, attr, fn, arg);
    }
    *start = (tl_start){rec, fn, arg};
    tl__record(TL_EV_THREAD_CREATE, 0, rec->id, 0, 0, site);
    int rc = TL_REAL(pthread_create)(&t->handle, attr, thread_trampoline, start);
    if (rc != 0) {
        tl__thread_abandon(rec);
        free(start);
        return rc;
    }
    t->id = rec->id;
    return 0;
}

int tl_thread_create_at(tl_thread *t, const pthread_attr_t *attr, const char *name,
                        void *(*fn)(void *), void *arg, const tl_site *site) {
    tl_thread_rec *self = tl__self();
    tl_thread_rec *rec = self ? tl__thread_prepare(name, self->id, (uintptr_t)site, 0) : NULL;
    if (rec == NULL) return create_untraced(t, attr, fn, arg);
    return create_traced(t, attr, rec, fn, arg, site);
}

/* t.id is 0 for a thread started untraced; the join is recorded anyway,
 * since the joiner's blocking is real. */
int tl_thread_join_at(tl_thread t, void **result, const tl_site *site) {
    tl__record(TL_EV_JOIN_BEGIN, 0, t.id, 0, 0, site);
    int rc = TL_REAL(pthread_join)(t.handle, result);
    tl__record(TL_EV_JOIN_END, 0, t.id, (unsigned)rc, 0, site);
    return rc;
}

int tl_thread_detach_at(tl_thread t, const tl_site *site) {
    int rc = TL_REAL(pthread_detach)(t.handle);
    if (rc == 0 && t.id != 0) tl__record(TL_EV_THREAD_DETACH, 0, t.id, 0, 0, site);
    return tl__call_error(rc, 0, TL_CALL_DETACH, site);
}

/* The thread ends in the registry's exit-key destructor (see the
 * trampoline), so nothing is recorded here. */
void tl_thread_exit_at(void *result, const tl_site *site) {
    (void)site;
    TL_REAL(pthread_exit)(result);
    __builtin_unreachable(); /* the real one is noreturn; the table entry cannot say so */
}

/* tl__thread_rename records THREAD_NAME; NULL gives back the default. */
int tl_thread_set_name(const char *name) {
    tl_thread_rec *t = tl__self();
    if (t != NULL) tl__thread_rename(t, name);
    return 0;
}

uint32_t tl_thread_self_id(void) {
    tl_thread_rec *t = tl__self();
    return t != NULL ? t->id : 0;
}
