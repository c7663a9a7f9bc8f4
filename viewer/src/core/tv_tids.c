/*
 * tv_tids.c — the "tid" of many events, read again from the trace file:
 * which thread took a lock hold when threads share the holder's name (the
 * replay's holders, the lock graph's nestings). A pool's default-named
 * workers make that every hold of a trace, so this reads only the event's
 * own bytes and its top-level "tid" from the file mapped into memory,
 * without building a cJSON tree: a quarter of a million holds in a fraction
 * of a second, in any order. When the file is not exactly the one loaded
 * (grown, touched, a pipe, a buffer), tv_event_reader_get() reads it, with
 * its checks.
 */
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tv_internal.h"
#include "tv_tids.h"

struct tv_tids {
    const char *map; /* the loaded file, NULL: not that file; use slow */
    size_t size;
    tv_event_reader *slow;
};

tv_tids *tv_tids_open(const tv_model *m) {
    tv_tids *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    const tv_strtab *st = m->strings;
    struct stat sb;
    if (st && !st->is_buffer && m->path) {
        int fd = open(m->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
            (uint64_t)sb.st_dev == st->file_dev && (uint64_t)sb.st_ino == st->file_ino &&
            (uint64_t)sb.st_size == st->file_size &&
            (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec == st->file_mtime_ns) {
            void *p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
            if (p != MAP_FAILED) t->map = p, t->size = (size_t)sb.st_size;
        }
        if (fd >= 0) close(fd);
    }
    if (!t->map && !(t->slow = tv_event_reader_open(m))) {
        free(t);
        return NULL;
    }
    return t;
}

void tv_tids_close(tv_tids *t) {
    if (!t) return;
    if (t->map) munmap((void *)t->map, t->size);
    tv_event_reader_close(t->slow);
    free(t);
}

/* ---- a top-level key of one JSON object, without a tree ---- */

static const char *ws(const char *p, const char *e) {
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

/* p at the opening quote; returns past the closing one, or NULL */
static const char *skip_string(const char *p, const char *e) {
    for (p++; p < e; p++) {
        if (*p == '\\') p++;
        else if (*p == '"') return p + 1;
    }
    return NULL;
}

static const char *skip_value(const char *p, const char *e) {
    if (p >= e) return NULL;
    if (*p == '"') return skip_string(p, e);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        while (p < e) {
            if (*p == '"') {
                if (!(p = skip_string(p, e))) return NULL;
                continue;
            }
            if (*p == '{' || *p == '[') depth++;
            else if ((*p == '}' || *p == ']') && --depth == 0) return p + 1;
            p++;
        }
        return NULL;
    }
    while (p < e && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n') p++;
    return p;
}

/* The event's "tid" as the loader reads it (absent: 0). The text ends
 * with '}', where strtod and strtoll stop at the latest. */
static int scan_tid(const char *text, size_t len, int64_t *tid) {
    const char *p = ws(text, text + len), *e = text + len;
    if (p >= e || *p != '{') return -1;
    p++;
    for (;;) {
        p = ws(p, e);
        if (p < e && *p == '}') {
            *tid = 0;
            return 0;
        }
        if (p >= e || *p != '"') return -1;
        const char *k = p;
        if (!(p = skip_string(p, e))) return -1;
        int is_tid = p - k == 5 && !memcmp(k, "\"tid\"", 5);
        p = ws(p, e);
        if (p >= e || *p != ':') return -1;
        p = ws(p + 1, e);
        if (is_tid) {
            char *end;
            if (p < e && *p == '"') {
                long long n = strtoll(p + 1, &end, 10);
                if (end == p + 1 || *end != '"') return -1;
                *tid = n;
                return 0;
            }
            double d = strtod(p, &end);
            if (end == p || !(fabs(d) <= 9007199254740992.0)) return -1;
            *tid = (int64_t)d;
            return 0;
        }
        if (!(p = skip_value(p, e))) return -1;
        p = ws(p, e);
        if (p < e && *p == ',') p++;
        else if (p < e && *p == '}') {
            *tid = 0;
            return 0;
        } else {
            return -1;
        }
    }
}

static int slow_tid(tv_tids *t, tv_src src, int64_t *tid) {
    cJSON *ev = tv_event_reader_get(t->slow, src);
    if (!ev) return -1;
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(ev, "tid");
    int r = 0;
    if (!j) {
        *tid = 0;
    } else if (cJSON_IsNumber(j) && fabs(j->valuedouble) <= 9007199254740992.0) {
        *tid = (int64_t)j->valuedouble;
    } else if (cJSON_IsString(j) && j->valuestring && j->valuestring[0]) {
        char *end;
        *tid = strtoll(j->valuestring, &end, 10);
        r = *end ? -1 : 0;
    } else {
        r = -1;
    }
    cJSON_Delete(ev);
    return r;
}

int tv_tids_get(tv_tids *t, tv_src src, int64_t *tid) {
    if (src == TV_SRC_NONE) return -1;
    if (!t->map) return slow_tid(t, src, tid);
    size_t len = TV_SRC_LEN(src);
    uint64_t off = TV_SRC_OFF(src);
    if (!len || off + len > t->size || t->map[off + len - 1] != '}') return -1;
    return scan_tid(t->map + off, len, tid);
}
