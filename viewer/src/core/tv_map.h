/*
 * tv_map.h — a hash map from two 64-bit words to a uint32 (tv_map.c), for
 * the loader's build pass and for the other viewer libraries (the report
 * counts and indexes with it). Linear probing, backward-shift deletion.
 */
#ifndef TV_MAP_H
#define TV_MAP_H

#include <stddef.h>
#include <stdint.h>

#define TV_NONE UINT32_MAX

/* The first key word must never be UINT64_MAX (it marks a free slot). A
 * zeroed tv_map may be freed, but must be initialised before any other use. */
typedef struct tv_map {
    uint64_t *keys; /* 2 per slot */
    uint32_t *vals;
    size_t mask, n;
} tv_map;
/* 0, or -1 out of memory. */
int tv_map_init(tv_map *m, size_t hint);
void tv_map_free(tv_map *m);
/* Returns a pointer to the value for (a, b), inserting TV_NONE when
 * absent (*created = 1); NULL when out of memory. The pointer is valid
 * until the next insertion. */
uint32_t *tv_map_get(tv_map *m, uint64_t a, uint64_t b, int *created);
/* The value for (a, b), or TV_NONE when absent. */
uint32_t tv_map_find(const tv_map *m, uint64_t a, uint64_t b);
void tv_map_del(tv_map *m, uint64_t a, uint64_t b);

#endif
