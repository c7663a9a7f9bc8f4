/*
 * tv_load.h — read a Chrome/Perfetto JSON trace into a tv_model.
 *
 * Accepts the array form and {"traceEvents": [...]}, one event per line or
 * all on one line, and a file that ends early (a trace whose process was
 * killed): the incomplete last event is dropped and stats.truncated is set.
 * The file is never held as one cJSON tree: elements of the top-level array
 * are found by a scanner and parsed one at a time with cJSON; large files are
 * split between two threads.
 *
 * Bad input gets one line in err, "FILE:LINE:COL: what was expected"
 * (e.g. "t.json:3:17: expected a number for \"ts\""), and NULL.
 */
#ifndef TV_LOAD_H
#define TV_LOAD_H

#include <stddef.h>

#include "tv_model.h"

typedef struct tv_load_opts {
    /* Called on the calling thread about every 50 ms while loading, with the
     * fraction of the file read (0..1). May be NULL. Returning non-zero
     * cancels the load (tv_load returns NULL, err "cancelled"). */
    int (*progress)(void *ctx, double fraction);
    void *ctx;
    int threads; /* 0 = as many as useful (at most 2 today); 1 = no extra thread */
} tv_load_opts;

tv_model *tv_load(const char *path, const tv_load_opts *opts, char *err, size_t errlen);

/* The same from memory (fuzzing, tests): name is used in error messages and
 * tv_model_event() cannot re-read (returns NULL) unless name is a real file
 * with the same content; findings it answers from the loader's copy. */
tv_model *tv_load_buffer(const char *name, const char *data, size_t len,
                         const tv_load_opts *opts, char *err, size_t errlen);

#endif
