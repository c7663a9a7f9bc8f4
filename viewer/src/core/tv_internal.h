/*
 * tv_internal.h — what the loader's files share: the string table, the cJSON
 * arena, the transient event records the parsers produce and the build pass
 * turns into a tv_model. Not for views: they see tv_model.h and tv_load.h.
 */
#ifndef TV_INTERNAL_H
#define TV_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "tv_load.h"
#include "tv_map.h"
#include "tv_model.h"

/* ---- finding texts (tv_raw.c) ---- */

/* The text of every finding event, keyed by its tv_src: tv_model_event()
 * serves findings from here without re-reading the file (findings are few,
 * and a pipe or a file still being written cannot be re-read reliably). */
typedef struct tv_rawtab {
    tv_src *src;   /* in file order when sorted */
    uint64_t *at;  /* text i is chars[at[i] .. at[i + 1]) */
    size_t n, cap;
    char *chars;
    size_t nchars, capchars;
    int unsorted;  /* added out of file order: search linearly */
} tv_rawtab;

/* 0, or -1 out of memory. */
int tv_raw_add(tv_rawtab *t, tv_src src, const char *text, size_t len);
int tv_raw_append(tv_rawtab *dst, const tv_rawtab *from);
/* The text of the event at src, or NULL. */
const char *tv_raw_find(const tv_rawtab *t, tv_src src, size_t *len);
size_t tv_raw_bytes(const tv_rawtab *t);
void tv_raw_free(tv_rawtab *t);

/* ---- string table (tv_strtab.c) ---- */

/* Interned strings: one hash table, one growing block of characters. The
 * model's table also remembers which file it came from (tv_model_event). */
#define TV_STRTAB_MAX (1u << 30) /* distinct strings in a model */
typedef struct tv_strtab {
    char *chars;
    size_t nchars, capchars;
    uint64_t *offs;  /* offs[id] = start of string id in chars; offs[n] = nchars */
    uint32_t *hashes;
    uint32_t n, cap;
    uint32_t *table; /* open addressing: id + 1, 0 = free */
    uint32_t tmask;
    /* the file the model was loaded from */
    int is_buffer;
    uint64_t file_size;
    int64_t file_mtime_ns;
    uint64_t file_ino;
    uint64_t file_dev;
    /* the model's table only: its findings' texts */
    tv_rawtab raw;
} tv_strtab;

tv_strtab *tv_strtab_new(void);
void tv_strtab_free(tv_strtab *t);
/* Returns the id, or UINT32_MAX when out of memory. */
uint32_t tv_strtab_intern(tv_strtab *t, const char *s, size_t len);
uint32_t tv_strtab_find(const tv_strtab *t, const char *s, size_t len);
static inline const char *tv_strtab_get(const tv_strtab *t, uint32_t id) {
    return t->chars + t->offs[id];
}
size_t tv_strtab_bytes(const tv_strtab *t);
void tv_strtab_shrink(tv_strtab *t);

/* ---- cJSON arena (tv_arena.c) ---- */

/* cJSON_InitHooks is process-global, so the hooks are installed once and
 * serve everybody: a thread with an active arena bump-allocates from it;
 * any other allocation (other threads, an element too large) goes to malloc,
 * and free() ignores pointers inside the calling thread's arena. */
void tv_arena_install(void);
void tv_arena_begin(char *base, size_t cap);
void tv_arena_end(void);
/* Non-zero when some allocation since the last reset went to malloc (or no
 * arena is active): the tree must then be cJSON_Delete'd before the reset. */
int tv_arena_spilled(void);
/* Forgets everything allocated from the arena since the last reset. */
void tv_arena_reset(void);
/* Suspends the arena (e.g. around a user callback that may use cJSON). */
int tv_arena_pause(void);
void tv_arena_resume(int was);

/* ---- records (tv_parse.c) ---- */

enum tv_rec_flags {
    TV_REC_PIDSTR = 1u << 0,    /* pid is a string id (not a number) */
    TV_REC_TIDSTR = 1u << 1,    /* tid is a string id */
    TV_REC_CONTINUED = 1u << 2, /* args.continued */
    TV_REC_FLOW_IN = 1u << 3,   /* flow_in with bind_id in id */
    TV_REC_FLOW_OUT = 1u << 4,  /* flow_out with bind_id in id */
    TV_REC_READ = 1u << 5,      /* args.mode == "read" */
    TV_REC_FINDING = 1u << 6,   /* cat == "finding" */
    TV_REC_LOCK = 1u << 7,      /* cat == "lock" */
    TV_REC_ARGS = 1u << 8,      /* X/B: args other than continued */
    TV_REC_TIMED_OUT = 1u << 9, /* X/B of cat "state": args.outcome == "timed out" */
    TV_REC_GAVE_UP = 1u << 10,  /* ... another args.outcome (closed, failed, ...) */
};

/* Metadata kinds (tv_rec.scope of an M record). */
enum tv_meta {
    TV_META_PROCESS_NAME = 1,
    TV_META_THREAD_NAME,
    TV_META_PROCESS_SORT,
    TV_META_THREAD_SORT,
    TV_META_OBJECT,
    TV_META_SUMMARY,
    TV_META_POOL_WORKER,
};

/* One event as the build pass needs it (64 bytes; transient). String fields
 * are ids in the producing worker's table until the merge remaps them.
 *   X B E      ts, u.dur (X), name, cat, flags, id = bind_id
 *   b e n      ts, name, cat, id = async id key, label = args.thread (lock)
 *   C          one record per numeric arg: name = "<name> <key>", u.value
 *   i I        ts, name, cat, scope 't' 'p' 'g', label = finding kind
 *   s t f      ts, name, cat, id
 *   M          scope = tv_meta; PROCESS/THREAD_NAME: label; *_SORT: u.i;
 *              OBJECT: u.i = id, cat = kind, name, label = addr,
 *              str2 = created_at; SUMMARY: u.i = events, id = dropped;
 *              POOL_WORKER: u.i = pool, id = index (UINT64_MAX: none) */
typedef struct tv_rec {
    int64_t ts;
    union {
        int64_t dur;
        double value;
        int64_t i;
    } u;
    uint64_t id;
    int64_t tid;
    tv_src src;
    uint32_t pid;
    tv_str name, cat, label, str2;
    uint8_t ph;
    uint8_t scope;
    uint16_t flags;
} tv_rec;

/* What the parser produced for one piece of the file. */
typedef struct tv_parsed {
    tv_rec *recs;
    size_t nrecs, caprecs;
    tv_strtab *strings;
    tv_str last_name, last_cat, last_label; /* the last interned (see tv_parse.c) */
#define TV_SERIES_CACHE 8
    tv_str series_cache[TV_SERIES_CACHE]; /* recent counter series */
    unsigned series_next;
    uint64_t events;
    uint64_t by_phase[128];
    uint64_t unknown_phase;
    int threadlens;
    int truncated;
    tv_rawtab raw; /* the texts of this part's finding events */
    /* the first error, if any */
    int failed;
    uint64_t err_off;
    char err[200];
} tv_parsed;

/* Parses one element (the text at el, el_len bytes, at file offset off) into
 * records. Returns 0, or -1 with p->failed set. */
int tv_parse_element(tv_parsed *p, const char *el, size_t el_len, uint64_t off);
/* The same for an element cJSON has already parsed (root); frees it. room:
 * how many levels of containers may nest inside the element; returns 1
 * (recording nothing) when they nest deeper. */
#define TV_PARSE_ANY_DEPTH 1000000
int tv_parse_tree(tv_parsed *p, struct cJSON *root, const char *el, size_t el_len, uint64_t off, int room);
/* The file ended inside this element: fine if it is only cut short, but
 * a syntax error before the end (say, a stray quote that made the rest of
 * the file look like one string) is reported. */
int tv_parse_cut(tv_parsed *p, const char *el, size_t len, uint64_t off);
/* True when container v holds no containers nested more than room deep. */
int tv_json_depth_ok(const struct cJSON *v, int room);
void tv_parsed_free(tv_parsed *p);
/* Records an error at file offset off (printf-style message). */
void tv_parsed_fail(tv_parsed *p, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- re-reading (tv_model.c, tv_verify.c) ---- */

/* Does the model hold the event ev (just parsed from the file) at src: a
 * slice, mark or flow of the same phase, time and name? Used when the file
 * has grown since the load, to catch a file rewritten in place. */
int tv_model_has_event(const tv_model *m, tv_src src, const struct cJSON *ev);

/* ---- build (tv_build.c) ---- */

/* The model is built from the parsers' output fed in file order (B/E and b/e
 * matching depend on it): begin with the first part's string table (the
 * builder owns it from then on), feed each part (its records must stay
 * alive until the end), then end. NULL / -1 when out of memory. */
typedef struct tv_builder tv_builder;
tv_builder *tv_build_begin(tv_strtab *strings);
int tv_build_feed(tv_builder *b, tv_parsed *p);
tv_model *tv_build_end(tv_builder *b, int threads);
void tv_build_abort(tv_builder *b);

/* ---- tuning (tv_load.c), for tests only ---- */

/* Files smaller than this are parsed by one thread (4 MB); pieces are this
 * large (8 MB). The fuzz target makes them tiny to exercise the splitting. */
extern uint64_t tv_load_split_min, tv_load_piece_size;

/* ---- misc ---- */

/* Stable sort with a pre-check for already-sorted input (tv_sort.c). */
void tv_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

#endif
