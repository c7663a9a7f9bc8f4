/*
 * tl_arena.c — memory for records that live until exit (thread and object
 * records, thread names) and for event rings, taken from mmap.
 *
 * Why not malloc: registration can run inside the program's own malloc (an
 * allocator whose lock is a pthread mutex we interpose) or inside a signal
 * handler, and must then neither re-enter malloc nor wait for a lock the
 * interrupted code holds. mmap is async-signal-safe, and the bump pointer
 * below is lock-free. Nothing is ever given back; rings are recycled by the
 * registry instead.
 */
#include <stdint.h>
#include <sys/mman.h>

#include "tl_internal.h"

#define ARENA_CHUNK (1u << 20)

TL_INTERNAL __thread int tl__in_runtime __attribute__((tls_model("initial-exec")));

typedef struct chunk {
    _Atomic size_t used; /* bytes taken, header included */
    size_t cap;
} chunk;

static _Atomic(chunk *) current;

void *tl__pages(size_t n) {
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void tl__pages_free(void *p, size_t n) {
    if (p) munmap(p, n);
}

/* The header takes the first 64 bytes, so every offset stays aligned. */
static chunk *chunk_new(void) {
    chunk *c = tl__pages(ARENA_CHUNK);
    if (!c) return NULL;
    c->cap = ARENA_CHUNK;
    atomic_store_explicit(&c->used, 64, memory_order_relaxed);
    return c;
}

/* Zeroed memory aligned to 64 bytes. A request that misses the current
 * chunk installs a new one; the loser of that race unmaps its own. */
void *tl__arena_alloc(size_t n) {
    n = (n + 63) & ~(size_t)63;
    if (n > ARENA_CHUNK / 4) return tl__pages(n);
    for (;;) {
        chunk *c = atomic_load_explicit(&current, memory_order_acquire);
        if (c) {
            size_t off = atomic_fetch_add_explicit(&c->used, n, memory_order_relaxed);
            if (off + n <= c->cap) return (char *)c + off;
        }
        chunk *fresh = chunk_new();
        if (!fresh) return NULL;
        if (atomic_compare_exchange_strong_explicit(&current, &c, fresh, memory_order_acq_rel,
                                                    memory_order_acquire))
            continue;
        tl__pages_free(fresh, ARENA_CHUNK);
    }
}
