/*
 * tl_spool.c — the writer's FIFO of processed, unwritten events (see
 * tl_spool.h).
 */
#include <stdlib.h>

#include "tl_spool.h"

#define CHUNK_ENTRIES 8192 /* 384 KiB */
/* Emptied chunks kept for the next burst (24 MiB): writing into fresh
 * memory page-faults, and that was a third of the writer's time. */
#define KEEP_CHUNKS 64

struct tl_spool_chunk {
    tl_spool_chunk *next;
    tl_spooled e[CHUNK_ENTRIES];
};

static tl_spool_chunk *chunk_get(tl_spool *s) {
    tl_spool_chunk *c = s->spare;
    if (c) s->spare = c->next, s->nspare--;
    else if (!(c = malloc(sizeof *c))) return NULL;
    c->next = NULL;
    return c;
}

static void chunk_put(tl_spool *s, tl_spool_chunk *c) {
    if (s->nspare == KEEP_CHUNKS) {
        free(c);
        return;
    }
    c->next = s->spare;
    s->spare = c, s->nspare++;
}

int tl__spool_push(tl_spool *s, const tl_spooled *e) {
    if (!s->tail || s->tail_pos == CHUNK_ENTRIES) {
        tl_spool_chunk *c = chunk_get(s);
        if (!c) return -1;
        if (s->tail) s->tail->next = c;
        else s->head = c, s->head_pos = 0;
        s->tail = c, s->tail_pos = 0;
    }
    s->tail->e[s->tail_pos++] = *e;
    s->count++;
    return 0;
}

const tl_spooled *tl__spool_front(const tl_spool *s) {
    return s->count ? &s->head->e[s->head_pos] : NULL;
}

void tl__spool_pop(tl_spool *s) {
    if (!s->count) return;
    s->count--;
    if (++s->head_pos < CHUNK_ENTRIES && s->count) return;
    /* The head chunk is used up, or the spool is empty. */
    tl_spool_chunk *done = s->head;
    if (s->count) {
        s->head = done->next, s->head_pos = 0;
    } else {
        s->head = s->tail = NULL, s->head_pos = s->tail_pos = 0;
    }
    chunk_put(s, done);
}

void tl__spool_free(tl_spool *s) {
    while (s->head) {
        tl_spool_chunk *next = s->head->next;
        free(s->head);
        s->head = next;
    }
    while (s->spare) {
        tl_spool_chunk *next = s->spare->next;
        free(s->spare);
        s->spare = next;
    }
    *s = (tl_spool){0};
}
