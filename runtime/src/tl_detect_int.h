/*
 * tl_detect_int.h — the detectors' shared model of threads and objects,
 * kept by tl_detect.c from the event stream and read by tl_lockorder.c and
 * tl_waitfor.c. Writer thread only; never installed.
 */
#ifndef TL_DETECT_INT_H
#define TL_DETECT_INT_H

#include "tl_detect.h"
#include "tl_finding.h"

/* What a thread is doing, for the wait-for graph and the watchdog. */
typedef enum {
    DS_RUN, DS_LOCK, DS_COND, DS_JOIN, DS_SEM, DS_BARRIER, DS_SLEEP,
    /* the higher-level tools: mode is the TL_QOP_* of a queue wait */
    DS_QUEUE, DS_IDLE, DS_FUTURE, DS_EVENT
} dstate;

/* A lock a thread holds: where and how it took it. */
typedef struct dheld {
    uint32_t obj, depth;
    uint8_t mode;      /* TL_MODE_* */
    tl_fsite at;
    uint64_t ns;
} dheld;

typedef struct dthread {
    uint8_t seen, ended, state, timed, mode;
    uint8_t detached, joined;
    uint32_t wait_on;    /* the object waited on, or the joined thread */
    uint32_t cond_mutex; /* in a cond wait: its mutex */
    uint64_t since;      /* the wait began */
    tl_fsite wait_at;
    dheld *held;
    uint32_t nheld, capheld;
    uint32_t misused;    /* misuse kinds reported with this thread as target */
} dthread;

typedef struct dobj {
    uint8_t known, kind, subkind;
    uint8_t shared;         /* process-shared: another process may end its waits */
    uint32_t owner, depth;  /* the exclusive holder */
    uint32_t *readers;      /* read holders (rwlocks), with repeats for depth */
    uint32_t nreaders, capreaders;
    uint32_t waiters;       /* cond, sem, barrier: threads waiting */
    uint32_t unsignaled;    /* cond: waiters no signal has released yet */
    uint32_t cmutex;        /* cond: the mutex of its current waiters */
    uint64_t count;         /* barrier: threads per round */
    int lost;               /* cond: the last signal found no waiter */
    uint32_t lost_tid;
    uint64_t lost_ns;
    tl_fsite lost_at;
    uint32_t misused;       /* misuse kinds already reported */
    uint8_t foreign_unlock; /* a thread has unlocked it for its owner (glibc
                               allows it): its owner relocking it may be
                               waiting for another such unlock, not stuck
                               (tl_waitfor.c) */
} dobj;

TL_INTERNAL dthread *tl__d_thread(uint32_t tid);
TL_INTERNAL dobj *tl__d_obj(uint32_t id);
TL_INTERNAL uint32_t tl__d_nthreads(void); /* ids are < this */
TL_INTERNAL dheld *tl__d_held(dthread *t, uint32_t obj);
/* 1 when the model may be wrong (events were lost): findings that rest on
 * exact holds are not reported then. */
TL_INTERNAL int tl__d_inexact(void);
/* The time of the latest event of any thread. */
TL_INTERNAL uint64_t tl__d_last_event_ns(void);

/* tl_lockorder.c: tid acquired obj (mode, flags of the ACQUIRE) at `at`,
 * holding what tl__d_thread(tid)->held lists (obj not yet in it). */
TL_INTERNAL void tl__lockorder_acquire(uint32_t tid, uint64_t ns, uint32_t obj, unsigned mode,
                                       unsigned flags, tl_fsite at);
TL_INTERNAL void tl__lockorder_close(void);
TL_INTERNAL void tl__lockorder_reset(void);

/* tl_waitfor.c: tid started an untimed wait (state already set). */
TL_INTERNAL void tl__waitfor_blocked(uint32_t tid, uint64_t ns);
TL_INTERNAL void tl__waitfor_tick(uint64_t now_ns);
TL_INTERNAL void tl__waitfor_reset(void);

/* Fills a step's thread state text ("waiting for lock_b"). */
TL_INTERNAL void tl__d_state_text(const dthread *t, char *out, size_t cap);

#endif /* TL_DETECT_INT_H */
