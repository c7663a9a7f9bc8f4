/*
 * tv_replay_impl.h — what the replay's files share: its layout and the
 * helpers they call across. tv_replay.c builds the steps and their index
 * lists, tv_replay_seek.c moves the playhead, tv_replay_state.c answers the
 * state and the texts (holders' tids are read again by tv_tids.c). Not for
 * views: they see tv_replay.h.
 */
#ifndef TV_REPLAY_IMPL_H
#define TV_REPLAY_IMPL_H

#include "tv_map.h"
#include "tv_replay.h"

struct tv_replay {
    const tv_model *m;
    tv_step *steps;
    size_t nsteps;
    /* Per lane, the steps whose lane or thread is that lane, in step order:
     * lane_steps[lane_at[l] .. lane_at[l + 1]). 32-bit step numbers keep a
     * step at 40 bytes or so with its index entries. */
    size_t *lane_at;
    uint32_t *lane_steps;
    uint32_t *plain; /* steps that are not counter samples */
    size_t nplain;
    uint32_t *finds; /* finding steps */
    size_t nfinds;
    /* lanes by kind, in display order */
    uint32_t *threads, nthreads;
    uint32_t *locks, nlocks;
    uint32_t *counters, ncounters;
    uint32_t *lock_pos;  /* per lane: its position in locks[], TV_NO_LANE */
    tv_map lock_by_name; /* (process, lock name) -> lock lane */
    /* slice categories the replay tells apart (0 when the trace has none) */
    tv_str cat_state, cat_finding, cat_flow, cat_function, cat_task, cat_phase;
};

/* The object a waiting state names ("forks" of "waiting for forks"), a
 * pointer into name; NULL when the state is not a wait. */
const char *tv_rp_waits_for(const char *name);
/* The lock lane of the process named name (the object of a wait), else
 * TV_NO_LANE. */
uint32_t tv_rp_lock_named(const tv_replay *r, uint32_t process, const char *name);
/* The thread lane that took hold `index` of row `row` of lock lane `lane`,
 * TV_NO_LANE when unknown (the step list remembers it). */
uint32_t tv_rp_hold_thread(const tv_replay *r, uint32_t lane, uint32_t row, size_t index);


#endif
