/*
 * tv_load.c — tv_load() and tv_load_buffer(): reads the file in chunks,
 * finds the elements (tv_scan), parses them (tv_parse), and builds the model
 * (tv_build).
 *
 * A large file is cut into pieces of about 8 MB, each starting at a line
 * that begins with '{' (else after "},"), and the calling thread and one
 * other take pieces in turn. A piece assumes it starts between two elements
 * of the events array; the thread that parses the piece before checks the
 * assumption when it reaches that point and, if it was wrong, goes on to the
 * end of the file itself, and the pieces after are discarded. The calling
 * thread feeds finished pieces to the build pass in file order meanwhile
 * (B/E and b/e matching need file order), so the build overlaps parsing.
 */
#define _GNU_SOURCE /* memmem */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tv_internal.h"
#include "tv_scan.h"

#define TV_CHUNK (1u << 20)         /* read size: small enough to stay in the L2 cache */
#define TV_ARENA (256u << 10)       /* cJSON arena per parsing thread */
/* smaller files are parsed by one thread; a thread takes a piece at a time
 * (variables only so that the fuzz target can make pieces tiny) */
uint64_t tv_load_split_min = 4u << 20;
uint64_t tv_load_piece_size = 8u << 20;
#define TV_SPLIT_MIN tv_load_split_min
#define TV_PIECE tv_load_piece_size
#define TV_MAX_PIECES 256
#define TV_SPLIT_WINDOW (1u << 20)  /* how far past a cut to look for a line start */
#define TV_PROGRESS_NS 50000000ll   /* progress callback period */

typedef struct input {
    const char *name;
    int fd;          /* -1: mem */
    const char *mem;
    uint64_t size;
} input;

/* A stretch of the file parsed by one thread. Pieces after the first start
 * at a line beginning with '{' and assume it is an element of the events
 * array; the piece before checks that when it reaches that point. */
typedef struct piece {
    uint64_t begin;
    uint64_t limit;  /* the next piece's begin, or UINT64_MAX */
    int form;        /* 0: from the file's start; '[' or '{': between elements */
    tv_parsed out;
    int at_split;    /* stopped at limit, between two elements */
    int went_on;     /* limit was not between elements: parsed on to the end */
    atomic_int done_flag;
    atomic_uint_fast64_t done; /* bytes scanned, for progress */
} piece;

typedef struct loader {
    const input *in;
    const tv_load_opts *opts;
    piece *pieces;
    int npieces;
    atomic_int next;       /* the next piece to take */
    atomic_int last_valid; /* pieces after this one are wasted work */
    atomic_int cancel;
    int64_t last_progress;
    pthread_mutex_t mu;
    pthread_cond_t cv;     /* a piece is done */
} loader;

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* On the calling thread: reports progress about every 50 ms; returns
 * non-zero when the user cancelled. */
static int progress(loader *L, int force) {
    if (atomic_load(&L->cancel)) return 1;
    if (!L->opts || !L->opts->progress) return 0;
    int64_t t = now_ns();
    if (!force && t - L->last_progress < TV_PROGRESS_NS) return 0;
    L->last_progress = t;
    uint64_t done = 0;
    for (int i = 0; i < L->npieces; i++) done += atomic_load_explicit(&L->pieces[i].done, memory_order_relaxed);
    double f = L->in->size ? (double)done / (double)L->in->size : 1.0;
    if (f > 1) f = 1;
    int was = tv_arena_pause();
    int r = L->opts->progress(L->opts->ctx, f);
    tv_arena_resume(was);
    if (r) atomic_store(&L->cancel, 1);
    return r;
}

typedef struct reader {
    char *buf;
    size_t cap;
} reader;

static int fill(piece *w, const input *in, reader *rd, tv_scan *sc, size_t *len, int *eof) {
    size_t keep = tv_scan_keep_from(sc);
    if (keep > 0) {
        memmove(rd->buf, rd->buf + keep, *len - keep);
        *len -= keep;
        tv_scan_shift(sc, keep);
    }
    if (*len == rd->cap) { /* one element larger than the buffer */
        char *b = realloc(rd->buf, rd->cap * 2);
        if (!b) {
            tv_parsed_fail(&w->out, sc->base + *len, "out of memory");
            return -1;
        }
        rd->buf = b;
        rd->cap *= 2;
    }
    uint64_t at = sc->base + *len;
    size_t want = rd->cap - *len;
    if (want > in->size - at) want = (size_t)(in->size - at);
    ssize_t n = want ? pread(in->fd, rd->buf + *len, want, (off_t)at) : 0;
    if (n < 0) {
        tv_parsed_fail(&w->out, UINT64_MAX, "%s", strerror(errno));
        return -1;
    }
    *len += (size_t)n;
    /* a file that shrank while being read ends where it ends */
    *eof = n == 0 || sc->base + *len >= in->size;
    return 0;
}

/* Parses piece k (on the calling thread when main, which reports progress). */
static void run_piece(loader *L, int k, reader *rd, int main) {
    piece *w = &L->pieces[k];
    const input *in = L->in;
    tv_parsed *out = &w->out;
    tv_scan sc;
    if (w->form) tv_scan_init_in_array(&sc, w->form);
    else tv_scan_init(&sc);
    char *buf;
    size_t len = 0;
    int eof = 0;
    if (in->fd < 0) {
        buf = (char *)in->mem + w->begin;
        len = (size_t)(in->size - w->begin);
        eof = 1;
    } else {
        buf = rd->buf;
    }
    sc.base = w->begin;
    unsigned n = 0;
    while (!out->failed) {
        size_t limit = w->limit == UINT64_MAX ? SIZE_MAX : (size_t)(w->limit - sc.base);
        int r = tv_scan_run(&sc, buf, len, limit, eof);
        if (r == TV_SCAN_OPEN) {
            /* cJSON finds the element's end itself; the byte scanner only
             * runs when it cannot (element cut by the buffer's end, bad
             * JSON, too deep), and then sorts out which it was */
            const char *el = buf + sc.el_start, *end = NULL;
            cJSON *root = cJSON_ParseWithLengthOpts(el, len - sc.el_start, &end, 0);
            if (!root) {
                tv_arena_reset();
                continue;
            }
            size_t elen = (size_t)(end - el);
            /* too deep: the scanner finds where */
            if (tv_parse_tree(out, root, el, elen, sc.base + sc.el_start,
                              TV_MAX_NESTING - sc.ev_depth - 1) > 0)
                continue;
            tv_scan_element_end(&sc, sc.el_start + elen);
            r = TV_SCAN_ELEMENT;
        } else if (r == TV_SCAN_ELEMENT) {
            tv_parse_element(out, buf + sc.el_start, sc.pos - sc.el_start, sc.base + sc.el_start);
        }
        if (r == TV_SCAN_ELEMENT) {
            if (++n % 256 == 0) {
                atomic_store_explicit(&w->done, sc.base + sc.pos - w->begin, memory_order_relaxed);
                if (atomic_load_explicit(&L->cancel, memory_order_relaxed) ||
                    k > atomic_load_explicit(&L->last_valid, memory_order_relaxed))
                    break;
                if (main && progress(L, 0)) break;
            }
        } else if (r == TV_SCAN_MORE) {
            atomic_store_explicit(&w->done, sc.base + sc.pos - w->begin, memory_order_relaxed);
            if (in->fd < 0 || fill(w, in, rd, &sc, &len, &eof)) break;
            buf = rd->buf;
        } else if (r == TV_SCAN_LIMIT) {
            if (tv_scan_between_elements(&sc)) {
                w->at_split = 1;
                break;
            }
            /* the next piece started inside something: it, and every
             * piece after it, is wrong; this one goes on to the end */
            w->limit = UINT64_MAX;
            w->went_on = 1;
            int cur = atomic_load(&L->last_valid);
            while (k < cur && !atomic_compare_exchange_weak(&L->last_valid, &cur, k)) {
            }
        } else if (r == TV_SCAN_DONE) {
            out->truncated = sc.truncated;
            if (sc.cut_element) tv_parse_cut(out, buf + sc.el_start, len - sc.el_start, sc.base + sc.el_start);
            break;
        } else {
            tv_parsed_fail(out, sc.err_off, "%s", sc.err);
        }
    }
    atomic_store(&w->done, (w->limit == UINT64_MAX ? in->size : w->limit) - w->begin);
    pthread_mutex_lock(&L->mu);
    atomic_store(&w->done_flag, 1);
    pthread_cond_broadcast(&L->cv);
    pthread_mutex_unlock(&L->mu);
}

/* Takes the next piece, if any is left that may still count. */
static int take(loader *L) {
    int k = atomic_fetch_add(&L->next, 1);
    if (k >= L->npieces || k > atomic_load(&L->last_valid) || atomic_load(&L->cancel)) return -1;
    return k;
}

static int reader_init(const input *in, reader *rd) {
    rd->cap = 0;
    rd->buf = NULL;
    if (in->fd < 0) return 0;
    rd->buf = malloc(TV_CHUNK);
    if (!rd->buf) return -1;
    rd->cap = TV_CHUNK;
    return 0;
}

static void *worker_thread(void *arg) {
    loader *L = arg;
    char *arena = malloc(TV_ARENA);
    if (arena) tv_arena_begin(arena, TV_ARENA);
    reader rd;
    if (reader_init(L->in, &rd) == 0) {
        int k;
        while ((k = take(L)) >= 0) run_piece(L, k, &rd, 0);
    }
    free(rd.buf);
    tv_arena_end();
    free(arena);
    /* pieces this thread will never parse: mark them done for the waiter */
    pthread_mutex_lock(&L->mu);
    pthread_cond_broadcast(&L->cv);
    pthread_mutex_unlock(&L->mu);
    return NULL;
}

static int find_byte_form(const input *in) {
    char head[64];
    size_t n;
    if (in->fd < 0) {
        n = in->size < sizeof head ? (size_t)in->size : sizeof head;
        memcpy(head, in->mem, n);
    } else {
        ssize_t r = pread(in->fd, head, sizeof head, 0);
        n = r > 0 ? (size_t)r : 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (head[i] == '[' || head[i] == '{') return head[i];
        if (head[i] != ' ' && head[i] != '\n' && head[i] != '\r' && head[i] != '\t') return 0;
    }
    return 0;
}

/* A split point at or after `from`: the '{' of the first "\n{" (else "},{")
 * within a window; 0 when there is none. */
static uint64_t find_split(const input *in, uint64_t from) {
    if (from >= in->size) return 0;
    size_t n = in->size - from < TV_SPLIT_WINDOW ? (size_t)(in->size - from) : TV_SPLIT_WINDOW;
    char *win = NULL;
    const char *p;
    if (in->fd < 0) {
        p = in->mem + from;
    } else {
        win = malloc(n);
        if (!win) return 0;
        ssize_t r = pread(in->fd, win, n, (off_t)from);
        n = r > 0 ? (size_t)r : 0;
        p = win;
    }
    uint64_t split = 0;
    const char *hit = memmem(p, n, "\n{", 2);
    if (hit) {
        split = from + (uint64_t)(hit - p) + 1;
    } else if ((hit = memmem(p, n, "},{", 3)) != NULL) {
        split = from + (uint64_t)(hit - p) + 2;
    }
    free(win);
    return split;
}

/* Line and column (1-based, in bytes) of a file offset, for messages. */
static void line_col(const input *in, uint64_t off, uint64_t *line, uint64_t *col) {
    uint64_t l = 1, last = 0; /* offset just after the last newline */
    char buf[1 << 16];
    for (uint64_t at = 0; at < off;) {
        size_t n = off - at < sizeof buf ? (size_t)(off - at) : sizeof buf;
        const char *p;
        if (in->fd < 0) {
            p = in->mem + at;
        } else {
            ssize_t r = pread(in->fd, buf, n, (off_t)at);
            if (r <= 0) break;
            n = (size_t)r;
            p = buf;
        }
        for (size_t i = 0; i < n; i++)
            if (p[i] == '\n') {
                l++;
                last = at + i + 1;
            }
        at += n;
    }
    *line = l;
    *col = off - last + 1;
}

static void format_error(const input *in, const tv_parsed *p, char *err, size_t errlen) {
    if (!err || !errlen) return;
    if (p->err_off == UINT64_MAX) {
        snprintf(err, errlen, "%s: %s", in->name, p->err);
        return;
    }
    uint64_t line, col;
    line_col(in, p->err_off, &line, &col);
    snprintf(err, errlen, "%s:%llu:%llu: %s", in->name, (unsigned long long)line,
             (unsigned long long)col, p->err);
}

static void set_err(char *err, size_t errlen, const char *fmt, const char *a, const char *b) {
    if (err && errlen) snprintf(err, errlen, fmt, a, b);
}

/* Splits the file into pieces (one when it is small or threads == 1). */
static int plan(loader *L) {
    const input *in = L->in;
    int form = find_byte_form(in);
    int want = 1;
    if ((!L->opts || L->opts->threads != 1) && in->size >= TV_SPLIT_MIN && form) {
        uint64_t n = in->size / TV_PIECE;
        want = n < 2 ? 2 : n > TV_MAX_PIECES ? TV_MAX_PIECES : (int)n;
    }
    L->pieces = calloc((size_t)want, sizeof *L->pieces);
    if (!L->pieces) return -1;
    L->npieces = 1;
    L->pieces[0].limit = UINT64_MAX;
    for (int i = 1; i < want; i++) {
        uint64_t from = in->size / (uint64_t)want * (uint64_t)i;
        piece *prev = &L->pieces[L->npieces - 1];
        if (from <= prev->begin) from = prev->begin + 1;
        uint64_t at = find_split(in, from);
        if (!at) continue;
        prev->limit = at;
        piece *p = &L->pieces[L->npieces++];
        p->begin = at;
        p->limit = UINT64_MAX;
        p->form = form;
    }
    for (int i = 0; i < L->npieces; i++) {
        L->pieces[i].out.strings = tv_strtab_new();
        if (!L->pieces[i].out.strings) return -1;
    }
    atomic_store(&L->last_valid, L->npieces - 1);
    return 0;
}

static void free_pieces(loader *L) {
    if (!L->pieces) return;
    for (int i = 0; i < L->npieces; i++) tv_parsed_free(&L->pieces[i].out);
    free(L->pieces);
}

static tv_model *load(const input *in, const tv_load_opts *opts, char *err, size_t errlen) {
    if (in->size == 0) {
        set_err(err, errlen, "%s: %s", in->name, "empty file (expected a JSON array of trace events)");
        return NULL;
    }
    tv_arena_install();
    loader L;
    memset(&L, 0, sizeof L);
    L.in = in;
    L.opts = opts;
    L.last_progress = now_ns();
    pthread_mutex_init(&L.mu, NULL);
    pthread_cond_init(&L.cv, NULL);
    reader rd = {NULL, 0};
    char *arena = NULL;
    tv_builder *b = NULL;
    tv_model *m = NULL;
    int thread = 0, oom = 0;
    pthread_t tid;
    const tv_parsed *error = NULL;
    if (plan(&L) || reader_init(in, &rd) || !(arena = malloc(TV_ARENA))) {
        set_err(err, errlen, "%s: %s", in->name, "out of memory");
        goto out;
    }
    if (L.npieces > 1 && pthread_create(&tid, NULL, worker_thread, &L) == 0) thread = 1;

    /* Parse pieces, and feed the finished ones to the build pass in file
     * order, so that the build overlaps the other thread's parsing. */
    int fed = 0, finished = 0;
    while (!finished && !oom && !error && !atomic_load(&L.cancel)) {
        while (fed < L.npieces && atomic_load(&L.pieces[fed].done_flag)) {
            piece *p = &L.pieces[fed];
            if (p->out.failed) {
                error = &p->out;
                break;
            }
            if (!b && !(b = tv_build_begin(p->out.strings))) {
                p->out.strings = NULL; /* freed by tv_build_begin */
                oom = 1;
                break;
            }
            int rc = tv_build_feed(b, &p->out);
            if (fed == 0) p->out.strings = NULL; /* the builder's table now */
            if (rc) {
                oom = rc == -2 ? 2 : 1;
                break;
            }
            fed++;
            if (!p->at_split) {
                finished = 1; /* reached the end (or went on to it) */
                break;
            }
        }
        if (finished || oom || error) break;
        int k = take(&L);
        if (k >= 0) {
            tv_arena_begin(arena, TV_ARENA);
            run_piece(&L, k, &rd, 1);
            tv_arena_end();
            continue;
        }
        /* nothing left to take: wait for the other thread's piece */
        pthread_mutex_lock(&L.mu);
        if (!atomic_load(&L.pieces[fed].done_flag)) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += 20000000;
            if (until.tv_nsec >= 1000000000) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000;
            }
            pthread_cond_timedwait(&L.cv, &L.mu, &until);
        }
        pthread_mutex_unlock(&L.mu);
        progress(&L, 0);
    }
    int cancelled = !error && !oom && !finished;
    if (finished && !error && !oom && progress(&L, 1)) cancelled = 1; /* all read */
    atomic_store(&L.cancel, 1); /* whatever the other thread still does is not needed */
    if (thread) pthread_join(tid, NULL);
    if (error) {
        format_error(in, error, err, errlen);
    } else if (oom) {
        set_err(err, errlen, "%s: %s", in->name,
                oom == 2 ? "more than 4294967294 events (the viewer's limit)" : "out of memory");
    } else if (cancelled) {
        if (err && errlen) snprintf(err, errlen, "cancelled");
    } else {
        m = tv_build_end(b, opts ? opts->threads : 0);
        b = NULL;
        if (!m) set_err(err, errlen, "%s: %s", in->name, "out of memory");
    }
    if (m) {
        m->path = strdup(in->name);
        if (!m->path) {
            tv_model_free(m);
            m = NULL;
            set_err(err, errlen, "%s: %s", in->name, "out of memory");
        }
    }
out:
    tv_build_abort(b);
    free_pieces(&L);
    free(rd.buf);
    free(arena);
    pthread_mutex_destroy(&L.mu);
    pthread_cond_destroy(&L.cv);
#ifdef __GLIBC__
    /* The transient arrays are freed: give their pages back, or they stay
     * resident in glibc's arenas (the other thread's especially). */
    malloc_trim(0);
#endif
    return m;
}

tv_model *tv_load(const char *path, const tv_load_opts *opts, char *err, size_t errlen) {
    if (err && errlen) err[0] = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        set_err(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        set_err(err, errlen, "%s: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        set_err(err, errlen, "%s: %s", path, strerror(EISDIR));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        /* a pipe or a device (e.g. <(zcat trace.json.gz)): read it whole;
         * tv_model_event() cannot re-read such a file (but findings, which
         * the loader keeps, it answers) */
        size_t len = 0, cap = 1 << 20;
        char *data = malloc(cap);
        ssize_t n = 0;
        while (data && (n = read(fd, data + len, cap - len)) > 0) {
            len += (size_t)n;
            if (len == cap) {
                char *d = realloc(data, cap *= 2);
                if (!d) break;
                data = d;
            }
        }
        int e = n < 0 ? errno : 0;
        close(fd);
        if (!data || len == cap || e) {
            set_err(err, errlen, "%s: %s", path, e ? strerror(e) : "out of memory");
            free(data);
            return NULL;
        }
        input in = {path, -1, data, len};
        tv_model *m = load(&in, opts, err, errlen);
        free(data);
        if (m) m->strings->is_buffer = 1; /* sizes will not match: no re-reading */
        return m;
    }
    input in = {path, fd, NULL, (uint64_t)st.st_size};
    tv_model *m = load(&in, opts, err, errlen);
    close(fd);
    if (m) {
        m->strings->is_buffer = 0;
        m->strings->file_size = (uint64_t)st.st_size;
        m->strings->file_mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
        m->strings->file_ino = (uint64_t)st.st_ino;
        m->strings->file_dev = (uint64_t)st.st_dev;
    }
    return m;
}

tv_model *tv_load_buffer(const char *name, const char *data, size_t len, const tv_load_opts *opts,
                         char *err, size_t errlen) {
    if (err && errlen) err[0] = 0;
    if (!name) name = "(buffer)";
    input in = {name, -1, data, data ? len : 0};
    tv_model *m = load(&in, opts, err, errlen);
    if (m) {
        m->strings->is_buffer = 1;
        m->strings->file_size = len;
    }
    return m;
}
