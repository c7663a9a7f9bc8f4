/*
 * tl_spool.h — the writer's queue of events processed but not yet written.
 *
 * Formatting JSON is most of what tracing costs, so while the program
 * records fast the writer keeps its events here, in order, and writes them
 * when the program quiets down (tl_tracks.c decides, tl_writer.c paces).
 * A FIFO of fixed-size chunks: pushing never moves what is queued, and
 * emptied chunks are kept for the next burst. Writer thread only.
 */
#ifndef TL_SPOOL_H
#define TL_SPOOL_H

#include <stddef.h>

#include "tl_internal.h"

/* One queued step for tl_tracks: an event (rec.ts already in ns, clamped
 * into the order) or a note about a thread (what). */
typedef struct tl_spooled {
    tl_rec rec;
    uint32_t tid;
    uint8_t what;
} tl_spooled;

typedef struct tl_spool_chunk tl_spool_chunk;

typedef struct tl_spool {
    tl_spool_chunk *head, *tail, *spare; /* spare: a list of emptied chunks */
    uint32_t head_pos, tail_pos; /* next to read in head, next to fill in tail */
    uint32_t nspare;
    size_t count;
} tl_spool;

/* Returns 0, or -1 when memory is short (nothing was queued). */
TL_INTERNAL int tl__spool_push(tl_spool *s, const tl_spooled *e);
/* The oldest entry, NULL when empty; valid until the next pop. */
TL_INTERNAL const tl_spooled *tl__spool_front(const tl_spool *s);
TL_INTERNAL void tl__spool_pop(tl_spool *s);
/* Empties it and gives its memory back. */
TL_INTERNAL void tl__spool_free(tl_spool *s);

#endif /* TL_SPOOL_H */
