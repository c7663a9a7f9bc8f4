/*
 * tv_bench.h — the viewer benchmark's parts: the trace generator and the
 * cJSON floor (tv_bench.c measures the viewer itself).
 */
#ifndef TV_BENCH_H
#define TV_BENCH_H

#include <stdint.h>

typedef struct tv_bench_file {
    uint64_t events; /* array elements written */
    uint64_t bytes;
    int64_t duration_ns; /* trace time span */
} tv_bench_file;

/* Writes a threadlens-format trace of about `events` events to path (8
 * threads contending on shared locks). 0, or -1 with errno set. */
int tv_bench_generate(const char *path, uint64_t events, tv_bench_file *out);

/* The floor: read path in large chunks and cJSON_ParseWithLength each line
 * (one event per line), nothing else. Returns the events parsed, -1 on error. */
int64_t tv_bench_cjson_floor(const char *path);

#endif
