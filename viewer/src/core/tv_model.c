/*
 * tv_model.c — the model's accessors: strings, re-reading an event (from the
 * loader's copy for findings, else from the file), row searches, size and
 * free.
 */
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tv_internal.h"

const char *tv_model_str(const tv_model *m, tv_str s) {
    if (!m || !m->strings || s >= m->strings->n) return "";
    return tv_strtab_get(m->strings, s);
}

tv_str tv_model_find_str(const tv_model *m, const char *s) {
    if (!m || !m->strings || !s) return 0;
    uint32_t id = tv_strtab_find(m->strings, s, strlen(s));
    return id == UINT32_MAX ? 0 : id;
}

struct tv_event_reader {
    const tv_model *m;
    int fd; /* -2: not opened yet (findings need no file); -1: cannot be */
};

tv_event_reader *tv_event_reader_open(const tv_model *m) {
    tv_event_reader *r = malloc(sizeof *r);
    if (!r) return NULL;
    r->m = m;
    r->fd = -2;
    return r;
}

void tv_event_reader_close(tv_event_reader *r) {
    if (!r) return;
    if (r->fd >= 0) close(r->fd);
    free(r);
}

static cJSON *parse_object(const char *text, size_t len) {
    /* the arena is only ever active inside a load, on the loading threads */
    int was = tv_arena_pause();
    cJSON *j = cJSON_ParseWithLength(text, len);
    tv_arena_resume(was);
    if (j && !cJSON_IsObject(j)) {
        cJSON_Delete(j);
        j = NULL;
    }
    return j;
}

struct cJSON *tv_event_reader_get(tv_event_reader *r, tv_src src) {
    if (!r || !r->m || !r->m->strings || src == TV_SRC_NONE) return NULL;
    const tv_model *m = r->m;
    const tv_strtab *t = m->strings;
    size_t len;
    const char *kept = tv_raw_find(&t->raw, src, &len);
    if (kept) return parse_object(kept, len);
    len = TV_SRC_LEN(src);
    uint64_t off = TV_SRC_OFF(src);
    if (r->fd == -2)
        /* non-blocking: the trace may have come from a FIFO, whose open
         * would wait for a writer forever */
        r->fd = m->path ? open(m->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) : -1;
    struct stat st;
    if (!len || r->fd < 0 || fstat(r->fd, &st) != 0 || !S_ISREG(st.st_mode)) return NULL;
    int verify = 0;
    if (t->is_buffer) {
        if ((uint64_t)st.st_size != t->file_size) return NULL;
    } else {
        /* A trace still being written only grows: what the model read is
         * still there. Anything else (another file, a shorter one) is not
         * the model's file any more. */
        if ((uint64_t)st.st_dev != t->file_dev || (uint64_t)st.st_ino != t->file_ino ||
            (uint64_t)st.st_size < t->file_size)
            return NULL;
        /* grown or touched: the event read must be the one the model holds
         * (a file rewritten in place from the start would not be) */
        verify = (uint64_t)st.st_size != t->file_size ||
                 (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec != t->file_mtime_ns;
    }
    if (off + len > t->file_size) return NULL;
    char *buf = malloc(len);
    cJSON *j = NULL;
    if (buf && pread(r->fd, buf, len, (off_t)off) == (ssize_t)len) j = parse_object(buf, len);
    free(buf);
    if (j && verify && !tv_model_has_event(m, src, j)) {
        cJSON_Delete(j);
        j = NULL;
    }
    return j;
}

struct cJSON *tv_model_event(const tv_model *m, tv_src src) {
    if (!m || src == TV_SRC_NONE) return NULL;
    tv_event_reader *r = tv_event_reader_open(m);
    cJSON *j = tv_event_reader_get(r, src);
    tv_event_reader_close(r);
    return j;
}

size_t tv_row_first_ending_after(const tv_row *r, int64_t t) {
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->s[mid].ts + r->s[mid].dur > t) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

size_t tv_row_first_starting_at(const tv_row *r, int64_t t) {
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->s[mid].ts >= t) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

/* The lower bound by ts of any array of records with an int64 ts field. */
#define FIRST_AT(arr, n, field, t)                                \
    do {                                                          \
        size_t lo_ = 0, hi_ = (n);                                \
        while (lo_ < hi_) {                                       \
            size_t mid_ = lo_ + (hi_ - lo_) / 2;                  \
            if ((arr)[mid_].field < (t)) lo_ = mid_ + 1;          \
            else hi_ = mid_;                                      \
        }                                                         \
        return lo_;                                               \
    } while (0)

size_t tv_marks_first_at(const tv_mark *mk, size_t n, int64_t t) { FIRST_AT(mk, n, ts, t); }

size_t tv_flows_first_at(const tv_model *m, int64_t t) { FIRST_AT(m->flows, m->nflows, ts0, t); }

size_t tv_samples_first_at(const tv_lane *l, int64_t t) { FIRST_AT(l->samples, l->nsamples, ts, t); }

size_t tv_model_bytes(const tv_model *m) {
    if (!m) return 0;
    size_t b = sizeof *m;
    if (m->path) b += strlen(m->path) + 1;
    if (m->strings) b += tv_strtab_bytes(m->strings);
    b += m->nprocs * sizeof *m->procs;
    for (uint32_t i = 0; i < m->nprocs; i++) b += m->procs[i].nlanes * sizeof *m->procs[i].lanes;
    b += m->nlanes * sizeof *m->lanes;
    for (uint32_t i = 0; i < m->nlanes; i++) {
        const tv_lane *l = &m->lanes[i];
        b += l->nrows * sizeof *l->rows;
        for (uint32_t d = 0; d < l->nrows; d++) b += l->rows[d].n * sizeof(tv_slice);
        b += l->nmarks * sizeof *l->marks;
        b += l->nsamples * sizeof *l->samples;
        b += (l->nsamples + TV_LOD_BLOCK - 1) / TV_LOD_BLOCK * sizeof *l->lod;
    }
    b += m->ngmarks * sizeof *m->gmarks;
    b += m->nflows * sizeof *m->flows;
    b += m->nobjects * sizeof *m->objects;
    b += m->npool_workers * sizeof *m->pool_workers;
    b += m->nfindings * (sizeof *m->findings_marks + sizeof *m->findings);
    return b;
}

void tv_model_free(tv_model *m) {
    if (!m) return;
    if (m->lanes) {
        for (uint32_t i = 0; i < m->nlanes; i++) {
            tv_lane *l = &m->lanes[i];
            if (l->rows)
                for (uint32_t d = 0; d < l->nrows; d++) free(l->rows[d].s);
            free(l->rows);
            free(l->marks);
            free(l->samples);
            free(l->lod);
        }
    }
    free(m->lanes);
    if (m->procs)
        for (uint32_t i = 0; i < m->nprocs; i++) free(m->procs[i].lanes);
    free(m->procs);
    free(m->gmarks);
    free(m->flows);
    free(m->objects);
    free(m->pool_workers);
    free(m->findings_marks);
    free(m->findings);
    tv_strtab_free(m->strings);
    free(m->path);
    free(m);
}
