/*
 * tv_parse.c — one array element to records: parses it with cJSON (in the
 * thread's arena), checks the fields the viewer relies on, and keeps only
 * what the model needs (tv_rec). Args are not kept (tv_model_event re-reads
 * them), except the few the model shows without re-reading, and the whole
 * text of finding events (tv_raw.c).
 */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_internal.h"

/* Times beyond this many microseconds (31 years) are corrupt, and their
 * nanoseconds would overflow int64 arithmetic. */
#define TV_MAX_US 1e15
/* pids and tids must be exact integers in a double */
#define TV_MAX_ID 9007199254740992.0

void tv_parsed_fail(tv_parsed *p, uint64_t off, const char *fmt, ...) {
    if (p->failed) return;
    p->failed = 1;
    p->err_off = off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, sizeof p->err, fmt, ap);
    va_end(ap);
}

void tv_parsed_free(tv_parsed *p) {
    free(p->recs);
    tv_raw_free(&p->raw);
    tv_strtab_free(p->strings);
    p->recs = NULL;
    p->strings = NULL;
    p->nrecs = p->caprecs = 0;
}

/* Where the value of top-level key `key` starts in the element text (which
 * cJSON has accepted, so the walk can be simple), for error positions. */
static size_t field_pos(const char *el, size_t len, const char *key) {
    size_t klen = strlen(key), i = 1, found = 0; /* cJSON keeps the last of duplicate keys */
    for (;;) {
        while (i < len && el[i] != '"') {
            if (el[i] == '}') return found;
            i++;
        }
        if (i >= len) return found;
        size_t k0 = ++i;
        while (i < len && el[i] != '"') i += el[i] == '\\' ? 2 : 1;
        if (i >= len) return found;
        int match = i - k0 == klen && memcmp(el + k0, key, klen) == 0;
        i++;
        while (i < len && el[i] != ':') i++;
        i++;
        while (i < len && (el[i] == ' ' || el[i] == '\t' || el[i] == '\n' || el[i] == '\r')) i++;
        if (i >= len) return found;
        if (match) found = i;
        /* skip the value */
        int depth = 0;
        while (i < len) {
            char c = el[i];
            if (c == '"') {
                i++;
                while (i < len && el[i] != '"') i += el[i] == '\\' ? 2 : 1;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) return found;
                depth--;
            } else if (c == ',' && depth == 0) {
                break;
            }
            i++;
        }
    }
}

/* cJSON's cJSON_Is* are calls into the shared library; these run for every
 * field of every event. */
#define IS_NUMBER(v) ((v) && ((v)->type & 0xff) == cJSON_Number)
#define IS_STRING(v) ((v) && ((v)->type & 0xff) == cJSON_String && (v)->valuestring)
#define IS_OBJECT(v) ((v) && ((v)->type & 0xff) == cJSON_Object)
#define IS_TRUE(v) ((v) && ((v)->type & 0xff) == cJSON_True)

typedef struct ctx {
    tv_parsed *p;
    const char *el;
    size_t len;
    uint64_t off;
} ctx;

static int field_fail(ctx *c, const char *key, const char *what) {
    tv_parsed_fail(c->p, c->off + field_pos(c->el, c->len, key), "expected %s for \"%s\"", what, key);
    return -1;
}

static int intern_fail(ctx *c) {
    tv_parsed_fail(c->p, c->off, c->p->strings->n + 1 >= TV_STRTAB_MAX
                                     ? "more than 2^30 distinct strings (the viewer's limit)"
                                     : "out of memory");
    return -1;
}

/* Names and categories repeat from one event to the next: a string equal to
 * the last one interned at the same place costs one comparison. */
static int intern_cached(ctx *c, const char *s, uint32_t *cache, uint32_t *out) {
    const char *last = tv_strtab_get(c->p->strings, *cache);
    const char *a = s;
    while (*a && *a == *last) {
        a++;
        last++;
    }
    if (*a == *last) {
        *out = *cache;
        return 0;
    }
    uint32_t id = tv_strtab_intern(c->p->strings, s, strlen(s));
    if (id == UINT32_MAX) return intern_fail(c);
    *out = *cache = id;
    return 0;
}

static int intern(ctx *c, const char *s, uint32_t *out) {
    uint32_t id = tv_strtab_intern(c->p->strings, s, strlen(s));
    if (id == UINT32_MAX) return intern_fail(c);
    *out = id;
    return 0;
}

static tv_rec *new_rec(ctx *c) {
    tv_parsed *p = c->p;
    if (p->nrecs == p->caprecs) {
        size_t cap = p->caprecs ? p->caprecs * 2 : 4096;
        tv_rec *r = realloc(p->recs, cap * sizeof *r);
        if (!r) {
            tv_parsed_fail(p, c->off, "out of memory");
            return NULL;
        }
        p->recs = r;
        p->caprecs = cap;
    }
    return &p->recs[p->nrecs++];
}

static uint64_t hash64(const char *s) {
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++) h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return h;
}

/* An id (async id, id2, bind_id, flow id) as a 64-bit key: numbers as
 * themselves, strings hashed (with a tag, so "5" and 5 differ). */
static int id_key(const cJSON *v, uint64_t *out) {
    if (IS_NUMBER(v)) {
        double d = v->valuedouble;
        if (isfinite(d) && d == floor(d) && fabs(d) < 9.2e18) {
            *out = (uint64_t)(int64_t)d;
        } else {
            memcpy(out, &d, sizeof d);
            *out ^= 0x5bd1e9955bd1e995ull;
        }
        return 0;
    }
    if (IS_STRING(v)) {
        *out = hash64(v->valuestring) ^ 0x2545F4914F6CDD1Dull;
        return 0;
    }
    if (IS_OBJECT(v)) { /* id2: {"local": x} or {"global": x} */
        const cJSON *l = NULL, *g = NULL;
        for (const cJSON *c = v->child; c; c = c->next) {
            if (!c->string) continue;
            if (!strcmp(c->string, "local")) l = c;
            else if (!strcmp(c->string, "global")) g = c;
        }
        uint64_t k;
        if (l && !id_key(l, &k)) {
            *out = k * 0x9E3779B97F4A7C15ull + 1;
            return 0;
        }
        if (g && !id_key(g, &k)) {
            *out = k * 0x9E3779B97F4A7C15ull + 2;
            return 0;
        }
    }
    return -1;
}

/* pid and tid: numbers, or strings (numeric ones are numbers; others are
 * names, e.g. foreign traces' "tid": "CrBrowserMain"). */
static int pid_tid(ctx *c, const cJSON *v, const char *key, int64_t *num, uint32_t *str, int *is_str) {
    *is_str = 0;
    *num = 0;
    if (!v) return 0;
    if (IS_NUMBER(v)) {
        double d = v->valuedouble;
        if (!isfinite(d) || fabs(d) > TV_MAX_ID) return field_fail(c, key, "an integer");
        *num = (int64_t)d;
        return 0;
    }
    if (IS_STRING(v)) {
        const char *s = v->valuestring;
        char *end;
        long long n = strtoll(s, &end, 10);
        if (*s && !*end && (*s == '-' || (*s >= '0' && *s <= '9'))) {
            *num = n;
            return 0;
        }
        *is_str = 1;
        return intern(c, s, str);
    }
    return field_fail(c, key, "a number or a string");
}

static int is_true(const cJSON *v) {
    return v && (IS_TRUE(v) || (IS_NUMBER(v) && v->valuedouble != 0));
}

static int str_eq(const cJSON *v, const char *s) {
    return IS_STRING(v) && strcmp(v->valuestring, s) == 0;
}

static int parse_meta(ctx *c, tv_rec *r, const char *name, const cJSON *args) {
    const cJSON *a;
    if (strncmp(name, "threadlens_", 11) == 0) c->p->threadlens = 1;
    if (!strcmp(name, "process_name") || !strcmp(name, "thread_name")) {
        r->scope = name[0] == 'p' ? TV_META_PROCESS_NAME : TV_META_THREAD_NAME;
        a = cJSON_GetObjectItemCaseSensitive(args, "name");
        if (!IS_STRING(a)) return 1;
        return intern(c, a->valuestring, &r->label);
    }
    if (!strcmp(name, "process_sort_index") || !strcmp(name, "thread_sort_index")) {
        r->scope = name[0] == 'p' ? TV_META_PROCESS_SORT : TV_META_THREAD_SORT;
        a = cJSON_GetObjectItemCaseSensitive(args, "sort_index");
        if (!IS_NUMBER(a) || !isfinite(a->valuedouble) || fabs(a->valuedouble) > 2e9) return 1;
        r->u.i = (int64_t)a->valuedouble;
        return 0;
    }
    if (!strcmp(name, "threadlens_object")) {
        r->scope = TV_META_OBJECT;
        a = cJSON_GetObjectItemCaseSensitive(args, "id");
        r->u.i = IS_NUMBER(a) && isfinite(a->valuedouble) && fabs(a->valuedouble) < TV_MAX_ID
                     ? (int64_t)a->valuedouble
                     : -1;
        static const char *const keys[4] = {"kind", "name", "addr", "created_at"};
        uint32_t *dst[4] = {&r->cat, &r->name, &r->label, &r->str2};
        for (int i = 0; i < 4; i++) {
            a = cJSON_GetObjectItemCaseSensitive(args, keys[i]);
            if (IS_STRING(a) && intern(c, a->valuestring, dst[i])) return -1;
        }
        return 0;
    }
    if (!strcmp(name, "threadlens_pool_worker")) {
        r->scope = TV_META_POOL_WORKER;
        a = cJSON_GetObjectItemCaseSensitive(args, "pool");
        if (!IS_NUMBER(a) || !isfinite(a->valuedouble) || fabs(a->valuedouble) >= TV_MAX_ID) return 1;
        r->u.i = (int64_t)a->valuedouble;
        a = cJSON_GetObjectItemCaseSensitive(args, "index");
        r->id = IS_NUMBER(a) && isfinite(a->valuedouble) && a->valuedouble >= 0 &&
                        a->valuedouble < TV_MAX_ID
                    ? (uint64_t)a->valuedouble
                    : UINT64_MAX;
        return 0;
    }
    if (!strcmp(name, "threadlens_summary")) {
        r->scope = TV_META_SUMMARY;
        a = cJSON_GetObjectItemCaseSensitive(args, "events");
        r->u.i = IS_NUMBER(a) && isfinite(a->valuedouble) && a->valuedouble >= 0 &&
                         a->valuedouble < TV_MAX_ID
                     ? (int64_t)a->valuedouble
                     : -1;
        a = cJSON_GetObjectItemCaseSensitive(args, "dropped");
        r->id = IS_NUMBER(a) && isfinite(a->valuedouble) && a->valuedouble >= 0 &&
                        a->valuedouble < TV_MAX_ID
                    ? (uint64_t)a->valuedouble
                    : 0;
        return 0;
    }
    return 1; /* metadata the viewer does not use */
}

/* Does series ("<name> <key>") equal name, a space, and key? */
static int series_is(const char *series, const char *name, const char *key) {
    while (*name && *series == *name) {
        series++;
        name++;
    }
    if (*name || *series != ' ') return 0;
    series++;
    while (*key && *series == *key) {
        series++;
        key++;
    }
    return !*key && !*series;
}

/* Counter samples: one record per numeric arg, series "<name> <key>". A few
 * series are written over and over: they are found in a small cache without
 * building the string. */
static int parse_counter(ctx *c, const tv_rec *proto, const char *name, const cJSON *args) {
    char small[256];
    tv_parsed *p = c->p;
    size_t nlen = strlen(name);
    for (const cJSON *a = args ? args->child : NULL; a; a = a->next) {
        if (!IS_NUMBER(a) || !isfinite(a->valuedouble) || !a->string) continue;
        uint32_t series = UINT32_MAX;
        for (int i = 0; i < TV_SERIES_CACHE; i++)
            if (p->series_cache[i] && series_is(tv_strtab_get(p->strings, p->series_cache[i]), name, a->string)) {
                series = p->series_cache[i];
                break;
            }
        if (series == UINT32_MAX) {
            size_t klen = strlen(a->string), total = nlen + 1 + klen;
            char *buf = total < sizeof small ? small : malloc(total + 1);
            if (!buf) {
                tv_parsed_fail(p, c->off, "out of memory");
                return -1;
            }
            memcpy(buf, name, nlen);
            buf[nlen] = ' ';
            memcpy(buf + nlen + 1, a->string, klen);
            series = tv_strtab_intern(p->strings, buf, total);
            if (buf != small) free(buf);
            if (series == UINT32_MAX) {
                tv_parsed_fail(p, c->off, "out of memory");
                return -1;
            }
            p->series_cache[p->series_next++ % TV_SERIES_CACHE] = series;
        }
        tv_rec *r = new_rec(c);
        if (!r) return -1;
        *r = *proto;
        r->name = series;
        r->u.value = a->valuedouble;
    }
    return 0;
}

/* ns = llround(us * 1000), inline (|us| <= 1e15 here) */
static inline int64_t to_ns(double us) {
    double ns = us * 1000.0;
    return (int64_t)(ns < 0 ? ns - 0.5 : ns + 0.5);
}

static int parse_fields(ctx *c, const cJSON *root, int room) {
    const cJSON *ph = NULL, *name = NULL, *cat = NULL, *ts = NULL, *dur = NULL, *pid = NULL,
                *tid = NULL, *args = NULL, *id = NULL, *id2 = NULL, *bind = NULL, *fin = NULL,
                *fout = NULL, *scope = NULL, *bp = NULL;
    for (const cJSON *f = root->child; f; f = f->next) {
        const char *k = f->string;
        if ((f->type & (cJSON_Object | cJSON_Array)) && !tv_json_depth_ok(f, room - 1)) return 1;
        if (!k) continue;
        /* byte by byte: this runs for every field of every event */
        switch (k[0]) {
        case 'p':
            if (k[1] == 'h' && !k[2]) ph = f;
            else if (k[1] == 'i' && k[2] == 'd' && !k[3]) pid = f;
            break;
        case 't':
            if (k[1] == 's' && !k[2]) ts = f;
            else if (k[1] == 'i' && k[2] == 'd' && !k[3]) tid = f;
            break;
        case 'd':
            if (k[1] == 'u' && k[2] == 'r' && !k[3]) dur = f;
            break;
        case 'n':
            if (k[1] == 'a' && k[2] == 'm' && k[3] == 'e' && !k[4]) name = f;
            break;
        case 'c':
            if (k[1] == 'a' && k[2] == 't' && !k[3]) cat = f;
            break;
        case 'a':
            if (k[1] == 'r' && k[2] == 'g' && k[3] == 's' && !k[4]) args = f;
            break;
        case 'i':
            if (k[1] == 'd' && !k[2]) id = f;
            else if (k[1] == 'd' && k[2] == '2' && !k[3]) id2 = f;
            break;
        case 'b':
            if (!strcmp(k, "bind_id")) bind = f;
            else if (k[1] == 'p' && !k[2]) bp = f;
            break;
        case 'f':
            if (!strcmp(k, "flow_in")) fin = f;
            else if (!strcmp(k, "flow_out")) fout = f;
            break;
        case 's':
            if (!k[1]) scope = f;
            break;
        }
    }
    tv_parsed *p = c->p;
    if (!IS_STRING(ph) || !ph->valuestring[0] || ph->valuestring[1])
        return field_fail(c, "ph", "a one-character string");
    unsigned char phc = (unsigned char)ph->valuestring[0];
    if (phc < 128) p->by_phase[phc]++;
    switch (phc) {
    case 'S': phc = 'b'; break; /* legacy async begin/end: the same to us */
    case 'F': phc = 'e'; break;
    case 'X': case 'B': case 'E': case 'b': case 'e': case 'n': case 'i': case 'I':
    case 'C': case 's': case 't': case 'f': case 'M':
        break;
    default:
        p->unknown_phase++;
        return 0;
    }
    if (name && !IS_STRING(name)) return field_fail(c, "name", "a string");
    if (cat && !IS_STRING(cat)) return field_fail(c, "cat", "a string");
    if (args && !IS_OBJECT(args)) return field_fail(c, "args", "an object");

    tv_rec proto;
    memset(&proto, 0, sizeof proto);
    size_t len = c->len > 0xffffff ? 0 : c->len;
    proto.src = TV_SRC(c->off, len);
    proto.ph = phc;
    if (phc != 'M') {
        if (!IS_NUMBER(ts)) return field_fail(c, "ts", "a number");
        double v = ts->valuedouble;
        if (!isfinite(v) || fabs(v) > TV_MAX_US)
            return field_fail(c, "ts", "a time within 1e15 microseconds");
        proto.ts = to_ns(v);
    }
    if (dur) {
        if (!IS_NUMBER(dur)) return field_fail(c, "dur", "a number");
        double v = dur->valuedouble;
        if (!isfinite(v) || v < 0 || v > TV_MAX_US)
            return field_fail(c, "dur", "a duration from 0 to 1e15 microseconds");
        proto.u.dur = to_ns(v);
    }
    int64_t n;
    uint32_t s;
    int is_str;
    if (pid_tid(c, pid, "pid", &n, &s, &is_str)) return -1;
    if (!is_str && (n < 0 || n > (int64_t)UINT32_MAX)) {
        /* the model's pids are 32-bit: a larger or negative one is kept
         * apart from the others by its text, like a pid given as a name */
        char text[24];
        snprintf(text, sizeof text, "%" PRId64, n);
        if (intern(c, text, &s)) return -1;
        is_str = 1;
    }
    proto.pid = is_str ? s : (uint32_t)n;
    if (is_str) proto.flags |= TV_REC_PIDSTR;
    if (pid_tid(c, tid, "tid", &n, &s, &is_str)) return -1;
    proto.tid = is_str ? (int64_t)s : n;
    if (is_str) proto.flags |= TV_REC_TIDSTR;
    const char *namestr = name ? name->valuestring : "";
    if (phc != 'C' && phc != 'M' && name && intern_cached(c, namestr, &p->last_name, &proto.name)) return -1;
    if (cat && intern_cached(c, cat->valuestring, &p->last_cat, &proto.cat)) return -1;
    const char *cs = cat ? cat->valuestring : "";
    int is_lock = cs[0] == 'l' && cs[1] == 'o' && cs[2] == 'c' && cs[3] == 'k' && !cs[4];
    if (is_lock) proto.flags |= TV_REC_LOCK;
    int is_state = cs[0] == 's' && !strcmp(cs, "state");

    switch (phc) {
    case 'X':
    case 'B':
        for (const cJSON *a = args ? args->child : NULL; a; a = a->next) {
            if (a->string && a->string[0] == 'c' && !strcmp(a->string, "continued")) {
                if (is_true(a)) proto.flags |= TV_REC_CONTINUED;
            } else {
                proto.flags |= TV_REC_ARGS;
                /* threadlens's state slices only: elsewhere "outcome" may mean anything */
                if (is_state && a->string && a->string[0] == 'o' && !strcmp(a->string, "outcome"))
                    proto.flags |= str_eq(a, "timed out") ? TV_REC_TIMED_OUT : TV_REC_GAVE_UP;
            }
        }
        if (is_true(fin) || is_true(fout)) {
            const cJSON *b = bind ? bind : id;
            if (b && id_key(b, &proto.id) == 0) {
                if (is_true(fin)) proto.flags |= TV_REC_FLOW_IN;
                if (is_true(fout)) proto.flags |= TV_REC_FLOW_OUT;
            }
        }
        break;
    case 'b':
    case 'e':
    case 'n': {
        const cJSON *i = id ? id : id2;
        if (i && id_key(i, &proto.id)) return field_fail(c, id ? "id" : "id2", "a number or a string");
        if (phc == 'b' && args) {
            const cJSON *thread = NULL, *mode = NULL;
            for (const cJSON *a = args->child; a; a = a->next) {
                const char *k = a->string;
                if (!k) continue;
                if (k[0] == 't' && !strcmp(k, "thread")) thread = a;
                else if (k[0] == 'm' && !strcmp(k, "mode")) mode = a;
            }
            if (is_lock && IS_STRING(thread) && intern_cached(c, thread->valuestring, &c->p->last_label, &proto.label))
                return -1;
            if (str_eq(mode, "read")) proto.flags |= TV_REC_READ;
        }
        break;
    }
    case 'i':
    case 'I':
        proto.scope = 't';
        if (IS_STRING(scope) && (scope->valuestring[0] == 'p' || scope->valuestring[0] == 'g'))
            proto.scope = (uint8_t)scope->valuestring[0];
        if (cat && !strcmp(cat->valuestring, "finding")) {
            proto.flags |= TV_REC_FINDING;
            const cJSON *k = cJSON_GetObjectItemCaseSensitive(args, "finding");
            proto.label = proto.name;
            if (IS_STRING(k) && intern(c, k->valuestring, &proto.label)) return -1;
        }
        break;
    case 's':
    case 't':
    case 'f':
        if (id && id_key(id, &proto.id)) return field_fail(c, "id", "a number or a string");
        if (IS_STRING(bp) && !strcmp(bp->valuestring, "e")) proto.scope = 'e';
        break;
    case 'C':
        return parse_counter(c, &proto, namestr, args);
    case 'M': {
        int r = parse_meta(c, &proto, namestr, args);
        if (r) return r < 0 ? -1 : 0;
        break;
    }
    }
    tv_rec *r = new_rec(c);
    if (!r) return -1;
    *r = proto;
    if ((proto.flags & TV_REC_FINDING) && tv_raw_add(&p->raw, proto.src, c->el, c->len)) {
        tv_parsed_fail(p, c->off, "out of memory");
        return -1;
    }
    return 0;
}

/* ---- what was wrong, when cJSON refused an element ---- */

/* cJSON only says where it stopped; this walks the element with the JSON
 * grammar to say what was expected there. */
typedef struct jdiag {
    const char *s;
    size_t n, i;
    const char *msg;
} jdiag;

static void jd_ws(jdiag *d) {
    while (d->i < d->n && (d->s[d->i] == ' ' || d->s[d->i] == '\t' || d->s[d->i] == '\n' ||
                           d->s[d->i] == '\r'))
        d->i++;
}

static int jd_fail(jdiag *d, const char *msg) {
    d->msg = msg;
    return -1;
}

static int is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int jd_string(jdiag *d) {
    d->i++; /* the opening quote */
    while (d->i < d->n) {
        char c = d->s[d->i];
        if (c == '"') {
            d->i++;
            return 0;
        }
        if (c == '\\') {
            d->i++;
            if (d->i >= d->n) break;
            c = d->s[d->i];
            if (c == 'u') {
                for (int k = 1; k <= 4; k++)
                    if (d->i + k >= d->n || !is_hex(d->s[d->i + k])) {
                        d->i--;
                        return jd_fail(d, "expected a valid escape");
                    }
                d->i += 4;
            } else if (!strchr("\"\\/bfnrt", c) || !c) {
                d->i--;
                return jd_fail(d, "expected a valid escape");
            }
        }
        d->i++;
    }
    return jd_fail(d, "expected a closing '\"'");
}

static int jd_digits(jdiag *d) {
    size_t at = d->i;
    while (d->i < d->n && d->s[d->i] >= '0' && d->s[d->i] <= '9') d->i++;
    return d->i > at ? 0 : jd_fail(d, "expected a digit");
}

static int jd_value(jdiag *d) {
    jd_ws(d);
    if (d->i >= d->n) return jd_fail(d, "expected a value");
    char c = d->s[d->i];
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        d->i++;
        jd_ws(d);
        if (d->i < d->n && d->s[d->i] == close) {
            d->i++;
            return 0;
        }
        for (;;) {
            jd_ws(d);
            if (c == '{') {
                if (d->i >= d->n || d->s[d->i] != '"') return jd_fail(d, "expected a string key");
                if (jd_string(d)) return -1;
                jd_ws(d);
                if (d->i >= d->n || d->s[d->i] != ':') return jd_fail(d, "expected ':'");
                d->i++;
            }
            if (jd_value(d)) return -1;
            jd_ws(d);
            if (d->i < d->n && d->s[d->i] == ',') {
                d->i++;
                continue;
            }
            if (d->i < d->n && d->s[d->i] == close) {
                d->i++;
                return 0;
            }
            return jd_fail(d, c == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }
    if (c == '"') return jd_string(d);
    if (c == '-' || (c >= '0' && c <= '9')) {
        if (c == '-') d->i++;
        if (jd_digits(d)) return -1;
        if (d->i < d->n && d->s[d->i] == '.') {
            d->i++;
            if (jd_digits(d)) return -1;
        }
        if (d->i < d->n && (d->s[d->i] == 'e' || d->s[d->i] == 'E')) {
            d->i++;
            if (d->i < d->n && (d->s[d->i] == '+' || d->s[d->i] == '-')) d->i++;
            if (jd_digits(d)) return -1;
        }
        return 0;
    }
    static const char *const lits[] = {"true", "false", "null"};
    for (int k = 0; k < 3; k++) {
        size_t l = strlen(lits[k]);
        if (d->n - d->i >= l && memcmp(d->s + d->i, lits[k], l) == 0) {
            d->i += l;
            return 0;
        }
    }
    return jd_fail(d, "expected a value");
}

/* Where and what, for an element cJSON refused (cjson_at: where it stopped). */
static void diagnose(tv_parsed *p, const char *el, size_t len, uint64_t off, size_t cjson_at) {
    jdiag d = {el, len, 0, NULL};
    if (jd_value(&d) == 0) {
        /* both agree it is fine up to here, yet cJSON refused */
        tv_parsed_fail(p, off + cjson_at, "expected valid JSON inside the event");
        return;
    }
    tv_parsed_fail(p, off + d.i, "%s inside the event", d.msg);
}

int tv_parse_tree(tv_parsed *p, cJSON *root, const char *el, size_t len, uint64_t off, int room) {
    ctx c = {p, el, len, off};
    int rc = parse_fields(&c, root, room);
    if (rc <= 0) p->events++;
    if (tv_arena_spilled()) cJSON_Delete(root);
    tv_arena_reset();
    return rc;
}

int tv_parse_element(tv_parsed *p, const char *el, size_t len, uint64_t off) {
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(el, len, &end, 0);
    if (!root) {
        p->events++;
        size_t at = end && end >= el && end <= el + len ? (size_t)(end - el) : 0;
        diagnose(p, el, len, off, at);
        tv_arena_reset();
        return -1;
    }
    if (end != el + len) {
        p->events++;
        tv_parsed_fail(p, off + (size_t)(end - el), "expected ',' or ']' after an event");
        if (tv_arena_spilled()) cJSON_Delete(root);
        tv_arena_reset();
        return -1;
    }
    /* the scanner has checked the nesting */
    return tv_parse_tree(p, root, el, len, off, TV_PARSE_ANY_DEPTH);
}

int tv_parse_cut(tv_parsed *p, const char *el, size_t len, uint64_t off) {
    jdiag d = {el, len, 0, NULL};
    if (jd_value(&d) == 0 || d.i >= len) return 0;
    tv_parsed_fail(p, off + d.i, "%s inside the event", d.msg);
    return -1;
}

int tv_json_depth_ok(const cJSON *v, int room) {
    if (room < 0) return 0;
    for (const cJSON *c = v->child; c; c = c->next)
        if ((c->type & (cJSON_Object | cJSON_Array)) && !tv_json_depth_ok(c, room - 1)) return 0;
    return 1;
}
