/*
 * tv_tids.h — the "tid" of many events of a trace, read again from its
 * file (tv_tids.c): straight from the file when it is the one loaded, else
 * through tv_event_reader. For the replay's and the lock graph's lock
 * holders when threads share a name.
 */
#ifndef TV_TIDS_H
#define TV_TIDS_H

#include <stdint.h>

#include "tv_model.h"

typedef struct tv_tids tv_tids;
tv_tids *tv_tids_open(const tv_model *m);                 /* NULL: out of memory */
int tv_tids_get(tv_tids *t, tv_src src, int64_t *tid);   /* 0 (absent: 0), or -1 */
void tv_tids_close(tv_tids *t);

#endif
