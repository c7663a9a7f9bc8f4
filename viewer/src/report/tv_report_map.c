/*
 * tv_report_map.c — the small hash map the report counts with (slice names
 * and locks; finding ids).
 */
#include <stdlib.h>

#include "tv_report_int.h"

static size_t slot(const tv_rep_map *h, uint64_t key) {
    uint64_t x = key * 0x9e3779b97f4a7c15ull;
    size_t i = (size_t)(x ^ (x >> 29)) & (h->cap - 1);
    while (h->keys[i] && h->keys[i] != key) i = (i + 1) & (h->cap - 1);
    return i;
}

int tv_rep_map_put(tv_rep_map *h, uint64_t key, uint64_t val) {
    if ((h->n + 1) * 2 > h->cap) {
        tv_rep_map g = {NULL, NULL, h->cap ? h->cap * 2 : 64, 0};
        g.keys = calloc(g.cap, sizeof *g.keys);
        g.vals = calloc(g.cap, sizeof *g.vals);
        if (!g.keys || !g.vals) {
            free(g.keys);
            free(g.vals);
            return -1;
        }
        for (size_t i = 0; i < h->cap; i++)
            if (h->keys[i]) {
                size_t j = slot(&g, h->keys[i]);
                g.keys[j] = h->keys[i];
                g.vals[j] = h->vals[i];
                g.n++;
            }
        free(h->keys);
        free(h->vals);
        *h = g;
    }
    size_t i = slot(h, key);
    if (!h->keys[i]) h->n++;
    h->keys[i] = key;
    h->vals[i] = val;
    return 0;
}

int tv_rep_map_get(const tv_rep_map *h, uint64_t key, uint64_t *val) {
    if (!h->cap) return 0;
    size_t i = slot(h, key);
    if (!h->keys[i]) return 0;
    *val = h->vals[i];
    return 1;
}

void tv_rep_map_free(tv_rep_map *h) {
    free(h->keys);
    free(h->vals);
}
