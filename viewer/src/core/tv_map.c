/*
 * tv_map.c — a hash map from two 64-bit words to a uint32, for the build
 * pass's lookups (lane by (pid, tid), open async slice by (lane, cat, id),
 * flow by bind_id). Linear probing, with backward-shift deletion (open
 * async slices come and go; the map stays as small as what is open).
 */
#include <stdlib.h>

#include "tv_map.h"

#define FREE_KEY UINT64_MAX

static size_t hash2(uint64_t a, uint64_t b) {
    uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull + (a << 6) + (a >> 2));
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    return (size_t)h;
}

static int alloc_slots(tv_map *m, size_t size) {
    m->keys = malloc(size * 2 * sizeof *m->keys);
    m->vals = malloc(size * sizeof *m->vals);
    if (!m->keys || !m->vals) {
        free(m->keys);
        free(m->vals);
        m->keys = NULL;
        m->vals = NULL;
        return -1;
    }
    for (size_t i = 0; i < size; i++) m->keys[2 * i] = FREE_KEY;
    m->mask = size - 1;
    return 0;
}

int tv_map_init(tv_map *m, size_t hint) {
    size_t size = 64;
    while (size < hint * 2) size *= 2;
    m->n = 0;
    return alloc_slots(m, size);
}

void tv_map_free(tv_map *m) {
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
}

static int grow(tv_map *m) {
    tv_map old = *m;
    if (alloc_slots(m, (old.mask + 1) * 2)) {
        *m = old;
        return -1;
    }
    for (size_t i = 0; i <= old.mask; i++) {
        if (old.keys[2 * i] == FREE_KEY) continue;
        size_t j = hash2(old.keys[2 * i], old.keys[2 * i + 1]) & m->mask;
        while (m->keys[2 * j] != FREE_KEY) j = (j + 1) & m->mask;
        m->keys[2 * j] = old.keys[2 * i];
        m->keys[2 * j + 1] = old.keys[2 * i + 1];
        m->vals[j] = old.vals[i];
    }
    free(old.keys);
    free(old.vals);
    return 0;
}

uint32_t *tv_map_get(tv_map *m, uint64_t a, uint64_t b, int *created) {
    size_t i = hash2(a, b) & m->mask;
    for (;;) {
        uint64_t k = m->keys[2 * i];
        if (k == FREE_KEY) break;
        if (k == a && m->keys[2 * i + 1] == b) {
            if (created) *created = 0;
            return &m->vals[i];
        }
        i = (i + 1) & m->mask;
    }
    if ((m->n + 1) * 2 > m->mask + 1) {
        if (grow(m)) return NULL;
        return tv_map_get(m, a, b, created);
    }
    m->keys[2 * i] = a;
    m->keys[2 * i + 1] = b;
    m->vals[i] = TV_NONE;
    m->n++;
    if (created) *created = 1;
    return &m->vals[i];
}

uint32_t tv_map_find(const tv_map *m, uint64_t a, uint64_t b) {
    size_t i = hash2(a, b) & m->mask;
    for (;;) {
        uint64_t k = m->keys[2 * i];
        if (k == FREE_KEY) return TV_NONE;
        if (k == a && m->keys[2 * i + 1] == b) return m->vals[i];
        i = (i + 1) & m->mask;
    }
}

void tv_map_del(tv_map *m, uint64_t a, uint64_t b) {
    size_t i = hash2(a, b) & m->mask;
    for (;;) {
        uint64_t k = m->keys[2 * i];
        if (k == FREE_KEY) return;
        if (k == a && m->keys[2 * i + 1] == b) break;
        i = (i + 1) & m->mask;
    }
    /* shift back the entries that probed past the freed slot */
    size_t j = i;
    for (;;) {
        j = (j + 1) & m->mask;
        if (m->keys[2 * j] == FREE_KEY) break;
        size_t home = hash2(m->keys[2 * j], m->keys[2 * j + 1]) & m->mask;
        /* j's entry may move to i if i lies cyclically in [home, j) */
        if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
            m->keys[2 * i] = m->keys[2 * j];
            m->keys[2 * i + 1] = m->keys[2 * j + 1];
            m->vals[i] = m->vals[j];
            i = j;
        }
    }
    m->keys[2 * i] = FREE_KEY;
    m->n--;
}
