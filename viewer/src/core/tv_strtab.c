/*
 * tv_strtab.c — interned strings: a multiply-xorshift hash into an open-addressing
 * table of ids; the characters live in one block, so a model with a million
 * events but a few hundred distinct names holds a few kilobytes of strings.
 */
#include <stdlib.h>
#include <string.h>

#include "tv_internal.h"

/* 8 bytes at a time (names are short, but many are interned) */
static uint32_t hash_bytes(const char *s, size_t len) {
    uint64_t h = 0x9E3779B97F4A7C15ull ^ len;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
        s += 8;
        len -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, len);
    h = (h ^ w) * 0x94D049BB133111EBull;
    h ^= h >> 29;
    return (uint32_t)h ^ (uint32_t)(h >> 32);
}

static int grow_table(tv_strtab *t) {
    uint32_t size = t->tmask ? (t->tmask + 1) * 2 : 256;
    uint32_t *table = calloc(size, sizeof *table);
    if (!table) return -1;
    for (uint32_t id = 0; id < t->n; id++) {
        uint32_t i = t->hashes[id] & (size - 1);
        while (table[i]) i = (i + 1) & (size - 1);
        table[i] = id + 1;
    }
    free(t->table);
    t->table = table;
    t->tmask = size - 1;
    return 0;
}

tv_strtab *tv_strtab_new(void) {
    tv_strtab *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    if (tv_strtab_intern(t, "", 0) != 0) {
        tv_strtab_free(t);
        return NULL;
    }
    return t;
}

void tv_strtab_free(tv_strtab *t) {
    if (!t) return;
    free(t->chars);
    free(t->offs);
    free(t->hashes);
    free(t->table);
    tv_raw_free(&t->raw);
    free(t);
}

static uint32_t lookup(const tv_strtab *t, const char *s, size_t len, uint32_t h, uint32_t *slot) {
    uint32_t i = h & t->tmask;
    for (;;) {
        uint32_t v = t->table[i];
        if (!v) break;
        uint32_t id = v - 1;
        if (t->hashes[id] == h && t->offs[id + 1] - t->offs[id] == len + 1 &&
            memcmp(t->chars + t->offs[id], s, len) == 0)
            return id;
        i = (i + 1) & t->tmask;
    }
    *slot = i;
    return UINT32_MAX;
}

uint32_t tv_strtab_find(const tv_strtab *t, const char *s, size_t len) {
    if (!t->tmask) return UINT32_MAX;
    uint32_t slot;
    return lookup(t, s, len, hash_bytes(s, len), &slot);
}

uint32_t tv_strtab_intern(tv_strtab *t, const char *s, size_t len) {
    uint32_t h = hash_bytes(s, len), slot = 0;
    if (t->tmask) {
        uint32_t id = lookup(t, s, len, h, &slot);
        if (id != UINT32_MAX) return id;
    }
    /* 2^30 strings keep every size below in 32 bits (table: 2^31 slots) */
    if (t->n + 1 >= TV_STRTAB_MAX) return UINT32_MAX;
    /* keep the table at most half full */
    if ((t->n + 1) * 2 > t->tmask) {
        if (grow_table(t)) return UINT32_MAX;
        lookup(t, s, len, h, &slot);
    }
    if (t->n + 2 > t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 64;
        uint64_t *offs = realloc(t->offs, (size_t)(cap + 1) * sizeof *offs);
        if (!offs) return UINT32_MAX;
        t->offs = offs;
        uint32_t *hashes = realloc(t->hashes, (size_t)cap * sizeof *hashes);
        if (!hashes) return UINT32_MAX;
        t->hashes = hashes;
        t->cap = cap;
    }
    if (t->nchars + len + 1 > t->capchars) {
        size_t cap = t->capchars ? t->capchars * 2 : 1024;
        while (cap < t->nchars + len + 1) cap *= 2;
        char *chars = realloc(t->chars, cap);
        if (!chars) return UINT32_MAX;
        t->chars = chars;
        t->capchars = cap;
    }
    uint32_t id = t->n++;
    if (id == 0) t->offs[0] = 0;
    memcpy(t->chars + t->nchars, s, len);
    t->chars[t->nchars + len] = 0;
    t->nchars += len + 1;
    t->offs[id + 1] = t->nchars;
    t->hashes[id] = h;
    t->table[slot] = id + 1;
    return id;
}

size_t tv_strtab_bytes(const tv_strtab *t) {
    return sizeof *t + t->capchars + (size_t)(t->cap + 1) * sizeof *t->offs +
           (size_t)t->cap * sizeof *t->hashes + (size_t)(t->tmask + 1) * sizeof *t->table +
           tv_raw_bytes(&t->raw);
}

void tv_strtab_shrink(tv_strtab *t) {
    char *chars = realloc(t->chars, t->nchars ? t->nchars : 1);
    if (chars) {
        t->chars = chars;
        t->capchars = t->nchars ? t->nchars : 1;
    }
}
