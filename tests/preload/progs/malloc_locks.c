/*
 * malloc_locks.c — a program that replaces malloc and friends with a bump
 * allocator over a static arena, guarded by a pthread mutex (as custom
 * allocators and old jemalloc builds do). Every allocation anywhere in the
 * process — libc's, the loader's, the tracer's own — then goes through
 * pthread_mutex_lock, possibly before the tracer is initialized and from
 * inside the tracer. Nothing is ever given back: free only checks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BYTES (256u << 20)
#define HEADER 16 /* the block's size lives just before the pointer */

static _Alignas(4096) unsigned char arena[ARENA_BYTES];
static size_t used;
static pthread_mutex_t arena_lock = PTHREAD_MUTEX_INITIALIZER;

static int in_arena(const void *p) {
    return (const unsigned char *)p >= arena && (const unsigned char *)p < arena + ARENA_BYTES;
}

static void *bump(size_t align, size_t size) {
    if (align < HEADER) align = HEADER;
    if (size > ARENA_BYTES) {
        errno = ENOMEM;
        return NULL;
    }
    pthread_mutex_lock(&arena_lock);
    uintptr_t base = (uintptr_t)arena;
    uintptr_t p = (base + used + HEADER + align - 1) & ~(uintptr_t)(align - 1);
    if (p + size > base + ARENA_BYTES) {
        pthread_mutex_unlock(&arena_lock);
        errno = ENOMEM;
        return NULL;
    }
    used = p + size - base;
    ((size_t *)p)[-1] = size;
    pthread_mutex_unlock(&arena_lock);
    return (void *)p;
}

void *malloc(size_t size) { return bump(HEADER, size); }

void free(void *p) {
    /* The loader's early allocations do not come from the arena. */
    if (p && in_arena(p) && ((size_t *)p)[-1] > ARENA_BYTES) abort();
}

void *calloc(size_t n, size_t size) {
    if (size && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = bump(HEADER, n * size);
    if (p) memset(p, 0, n * size);
    return p;
}

size_t malloc_usable_size(void *p) { return p && in_arena(p) ? ((size_t *)p)[-1] : 0; }

void *realloc(void *old, size_t size) {
    void *p = bump(HEADER, size);
    if (p && old) {
        size_t keep = in_arena(old) ? malloc_usable_size(old) : 0;
        memcpy(p, old, keep < size ? keep : size);
    }
    return p;
}

void *memalign(size_t align, size_t size) { return bump(align, size); }
void *aligned_alloc(size_t align, size_t size) { return bump(align, size); }

int posix_memalign(void **out, size_t align, size_t size) {
    if (align % sizeof(void *) || (align & (align - 1))) return EINVAL;
    void *p = bump(align, size);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}

static pthread_mutex_t results_lock = PTHREAD_MUTEX_INITIALIZER;
static long checked;

static void *allocator(void *arg) {
    unsigned seed = (unsigned)(size_t)arg;
    long ok = 0;
    for (int i = 0; i < 2000; i++) {
        seed = seed * 1103515245u + 12345u;
        size_t n = 1 + (seed >> 16) % 200;
        unsigned char *p = malloc(n);
        memset(p, (int)(n & 0xff), n);
        p = realloc(p, n * 2);
        ok += p[n - 1] == (unsigned char)(n & 0xff);
        free(p);
        void *q = NULL;
        if (posix_memalign(&q, 64, n) == 0 && ((uintptr_t)q & 63) == 0) ok++;
        free(q);
        char *s = strdup("threadlens");
        ok += s && malloc_usable_size(s) >= 11;
        free(s);
    }
    pthread_mutex_lock(&results_lock);
    checked += ok;
    pthread_mutex_unlock(&results_lock);
    return NULL;
}

int main(void) {
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, allocator, (void *)(size_t)(i + 1));
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    void *a = aligned_alloc(256, 512), *m = memalign(4096, 100), *c = calloc(10, 10);
    int aligned = ((uintptr_t)a & 255) == 0 && ((uintptr_t)m & 4095) == 0 && c && !((char *)c)[99];
    printf("%ld checks passed, %zu bytes used\n", checked, used);
    return checked == 4 * 2000 * 3 && aligned ? 0 : 1;
}
