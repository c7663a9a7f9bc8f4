/*
 * tv_bench — the viewer's benchmark (issue 3, section 7). On demand, never
 * in ctest: it measures, it does not assert.
 *
 *   tv_bench [--events N ...] [--dir DIR] [--keep] [--repeat R]
 *
 * For each N (default 1M and 10M): generate a threadlens-format trace of N
 * events in DIR (default $TMPDIR or /tmp), then in a child process (so each
 * N starts from a fresh heap and its own peak RSS):
 *   a. the floor: read the file and cJSON_ParseWithLength each line, 1 thread
 *      (measured last, with the loader's cJSON hooks installed: outside a
 *      load they are plain malloc/free);
 *   b. tv_load wall time with threads=0 (as many as useful) and threads=1;
 *   c. resident memory: RSS after the load minus before, per event; the
 *      model's own count (tv_model_bytes) per event; peak RSS (VmHWM);
 *   d. frame time: tv_render_offscreen, 30 frames at 1600x900, of the whole
 *      trace, 1/100 of it and a 20 us window, against the same call on a
 *      1-event model (the cost of an empty frame).
 * The file is in the page cache when it is loaded (just written): the load
 * figures are parse and build time, not disk time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tv_app.h"
#include "tv_bench.h"
#include "tv_load.h"

#define TARGET_LOAD_S 0.65      /* 1M events */
#define TARGET_BYTES 64.0       /* resident bytes per event */
#define TARGET_FRAME_MS 16.0
#define FRAMES 30
#define SHOT_W 1600
#define SHOT_H 900

enum { Z_EMPTY, Z_WHOLE, Z_MID, Z_DEEP, NZOOM };
static const char *const zoom_name[NZOOM] = {"empty frame (1-event model)", "whole trace",
                                             "1/100 of the trace", "20 us window"};

/* What the child measures; sent to the parent through a pipe. */
typedef struct result {
    int ok;            /* the load worked */
    char err[256];
    double floor_s;    /* cJSON floor */
    int64_t floor_events;
    double load_s[2];  /* threads=0, threads=1 (best of --repeat) */
    uint64_t events;   /* model->stats.events */
    double rss_delta;  /* bytes */
    double rss_trimmed; /* the same after malloc_trim(0): without freed heap */
    double model_bytes;
    double peak_rss;   /* VmHWM, bytes */
    int render_ok;
    char render_err[256];
    double frame_mean[NZOOM], frame_max[NZOOM];
} result;

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double rss_bytes(void) {
    long size = 0, res = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    if (fscanf(f, "%ld %ld", &size, &res) != 2) res = 0;
    fclose(f);
    return (double)res * (double)sysconf(_SC_PAGESIZE);
}

static double vm_hwm(void) {
    char line[256];
    double kb = 0;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return 0;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6)) kb = strtod(line + 6, NULL);
    fclose(f);
    return kb * 1024;
}

/* Other work on the machine shows up in every timing: say how busy it was. */
static void print_loadavg(const char *when) {
    char buf[128] = "";
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (!fgets(buf, sizeof buf, f)) buf[0] = 0;
        fclose(f);
    }
    char *sp = strchr(buf, ' ');
    if (sp) sp = strchr(sp + 1, ' ');
    if (sp) *sp = 0;
    printf("load average (1 and 5 min) %s: %s\n", when, buf[0] ? buf : "unknown");
}

static tv_model *load(const char *path, int threads, double *secs, char *err, size_t errlen) {
    tv_load_opts opts = {NULL, NULL, threads};
    double t0 = now_s();
    tv_model *m = tv_load(path, &opts, err, errlen);
    *secs = now_s() - t0;
    return m;
}

static void render(result *r, const tv_model *m, int zoom) {
    tv_shot shot = {SHOT_W, SHOT_H, 0, 0}; /* start == end: the whole trace */
    int64_t mid = m->t0 + (m->t1 - m->t0) / 2, span = 0;
    if (zoom == Z_MID) span = (m->t1 - m->t0) / 100;
    if (zoom == Z_DEEP) span = 20000;
    if (span > 0) {
        shot.start = mid - span / 2;
        shot.end = shot.start + span;
    }
    char err[256] = "";
    if (tv_render_offscreen(m, &shot, NULL, FRAMES, &r->frame_mean[zoom], &r->frame_max[zoom], err,
                            sizeof err)) {
        r->render_ok = 0;
        if (!r->render_err[0])
            snprintf(r->render_err, sizeof r->render_err, "%s: %.200s", zoom_name[zoom],
                     err[0] ? err : "tv_render_offscreen failed");
        r->frame_mean[zoom] = r->frame_max[zoom] = -1;
    }
}

static void measure(const char *path, int repeat, result *r) {
    memset(r, 0, sizeof *r);
    r->render_ok = 1;
    /* The first load of this fresh process (threads=0) is the one whose RSS
     * is read: anything allocated and freed before it (SDL, the floor's
     * buffers) would leave resident heap for the model to reuse unseen. */
    double before = rss_bytes(), s;
    tv_model *m = load(path, 0, &s, r->err, sizeof r->err);
    if (!m) return;
    r->rss_delta = rss_bytes() - before;
    malloc_trim(0);
    r->rss_trimmed = rss_bytes() - before;
    r->model_bytes = (double)tv_model_bytes(m);
    r->events = m->stats.events;
    r->load_s[0] = s;

    /* The empty frame first: it also pays SDL's and the font's start-up, so
     * the trace's frames below do not. */
    static const char one[] = "[{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":0,\"dur\":1,\"name\":\"x\"}]";
    tv_load_opts opts = {NULL, NULL, 0};
    char err[256];
    tv_model *tiny = tv_load_buffer("one-event", one, sizeof one - 1, &opts, err, sizeof err);
    if (tiny) {
        render(r, tiny, Z_EMPTY);
        render(r, tiny, Z_EMPTY);
        tv_model_free(tiny);
    } else {
        r->render_ok = 0;
        snprintf(r->render_err, sizeof r->render_err, "the 1-event model: %.200s", err);
        r->frame_mean[Z_EMPTY] = -1;
    }
    for (int z = Z_WHOLE; z < NZOOM; z++) render(r, m, z);
    tv_model_free(m);

    for (int t = 0; t <= 1; t++)
        for (int i = t ? 0 : 1; i < repeat; i++) {
            if (!(m = load(path, t, &s, r->err, sizeof r->err))) return;
            if (!r->load_s[t] || s < r->load_s[t]) r->load_s[t] = s;
            tv_model_free(m);
        }

    double t0 = now_s();
    r->floor_events = tv_bench_cjson_floor(path);
    r->floor_s = now_s() - t0;
    r->ok = 1;
    r->peak_rss = vm_hwm();
}

/* Runs measure() in a child; 0 on success. */
static int measure_in_child(const char *path, int repeat, result *r) {
    int fd[2];
    if (pipe(fd)) return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        close(fd[0]);
        result res;
        measure(path, repeat, &res);
        ssize_t w = write(fd[1], &res, sizeof res);
        _exit(w == (ssize_t)sizeof res ? 0 : 1);
    }
    close(fd[1]);
    size_t got = 0;
    while (got < sizeof *r) {
        ssize_t n = read(fd[0], (char *)r + got, sizeof *r - got);
        if (n <= 0) break;
        got += (size_t)n;
    }
    close(fd[0]);
    int status;
    waitpid(pid, &status, 0);
    if (got != sizeof *r) {
        fprintf(stderr, "tv_bench: the measuring process died (status 0x%x)\n", status);
        return -1;
    }
    return 0;
}

static const char *mb(char *buf, double bytes) {
    snprintf(buf, 32, "%.1f MB", bytes / 1e6);
    return buf;
}

static const char *count(char *buf, uint64_t n) {
    char tmp[32];
    int len = snprintf(tmp, sizeof tmp, "%" PRIu64, n), o = 0;
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = 0;
    return buf;
}

#define LABEL "  %-64s"

static void print_result(uint64_t n, const tv_bench_file *f, double gen_s, const char *path,
                         const result *r) {
    char b1[64], b2[32];
    printf("\n== %s events: %s\n   %s, %.1f B/event, %.3f s of trace time, written in %.2f s\n",
           count(b2, n), path, mb(b1, (double)f->bytes), (double)f->bytes / (double)f->events,
           (double)f->duration_ns * 1e-9, gen_s);
    printf(LABEL "%8.3f s   (%s events)\n", "a. cJSON floor: read + cJSON_ParseWithLength per line, 1 thread",
           r->floor_s, count(b1, (uint64_t)(r->floor_events > 0 ? r->floor_events : 0)));
    if (!r->ok) {
        printf("  tv_load failed: %s\n", r->err);
        return;
    }
    printf(LABEL "%8.3f s   %.2fx the floor\n", "b. tv_load, threads=0", r->load_s[0],
           r->load_s[0] / r->floor_s);
    printf(LABEL "%8.3f s   %.2fx the floor\n", "   tv_load, threads=1", r->load_s[1],
           r->load_s[1] / r->floor_s);
    printf(LABEL "%8.1f B/event (%s, %s events)\n", "c. resident after the load (RSS delta)",
           r->rss_delta / (double)r->events, mb(b1, r->rss_delta), count(b2, r->events));
    printf(LABEL "%8.1f B/event (%s)\n", "   the same after malloc_trim(0) (heap the loader freed)",
           r->rss_trimmed / (double)r->events, mb(b1, r->rss_trimmed));
    printf(LABEL "%8.1f B/event (%s)\n", "   model bytes (tv_model_bytes)",
           r->model_bytes / (double)r->events, mb(b1, r->model_bytes));
    printf(LABEL "%8.1f MB\n", "   peak RSS of the measuring process (VmHWM)", r->peak_rss / 1e6);
    printf("  d. frame time, tv_render_offscreen at %dx%d, %d frames each:\n", SHOT_W, SHOT_H, FRAMES);
    for (int z = 0; z < NZOOM; z++) {
        snprintf(b1, sizeof b1, "   %s", zoom_name[z]);
        if (r->frame_mean[z] < 0) {
            printf(LABEL "     n/a\n", b1);
            continue;
        }
        printf(LABEL "%8.2f ms mean, %.2f ms max", b1, r->frame_mean[z], r->frame_max[z]);
        if (z != Z_EMPTY && r->frame_mean[Z_EMPTY] > 0)
            printf(", %.1fx the empty frame", r->frame_mean[z] / r->frame_mean[Z_EMPTY]);
        printf("\n");
    }
    if (!r->render_ok) printf("     render failed: %s\n", r->render_err);
}

typedef struct verdict {
    char what[64];
    char value[32];
    char target[16];
    int pass; /* 1 pass, 0 miss, -1 not measured */
} verdict;

static int add_verdicts(verdict *v, uint64_t n, const result *r) {
    int k = 0;
    char tag[32];
    if (n % 1000000)
        count(tag, n);
    else
        snprintf(tag, sizeof tag, "%" PRIu64 "M", n / 1000000);
    if (n == 1000000) {
        snprintf(v[k].what, sizeof v[k].what, "load %s events (threads=0)", tag);
        snprintf(v[k].target, sizeof v[k].target, "<= %.2f s", TARGET_LOAD_S);
        if (r->ok) snprintf(v[k].value, sizeof v[k].value, "%.3f s", r->load_s[0]);
        v[k].pass = r->ok ? r->load_s[0] <= TARGET_LOAD_S : -1;
        k++;
    }
    snprintf(v[k].what, sizeof v[k].what, "resident per event, %s (RSS delta)", tag);
    snprintf(v[k].target, sizeof v[k].target, "<= %.0f B", TARGET_BYTES);
    double bpe = r->ok ? r->rss_delta / (double)r->events : 0;
    if (r->ok) snprintf(v[k].value, sizeof v[k].value, "%.1f B", bpe);
    v[k].pass = r->ok ? bpe <= TARGET_BYTES : -1;
    k++;
    double worst = -1;
    for (int z = Z_WHOLE; z < NZOOM; z++)
        if (r->frame_mean[z] > worst) worst = r->frame_mean[z];
    int measured = r->ok && r->render_ok;
    snprintf(v[k].what, sizeof v[k].what, "frame, %s, worst of 3 zooms (mean)", tag);
    snprintf(v[k].target, sizeof v[k].target, "<= %.0f ms", TARGET_FRAME_MS);
    if (measured) snprintf(v[k].value, sizeof v[k].value, "%.2f ms", worst);
    v[k].pass = measured ? worst <= TARGET_FRAME_MS : -1;
    k++;
    return k;
}

static uint64_t parse_count(const char *s) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || v < 1) return 0;
    if (*end == 'k' || *end == 'K') v *= 1e3, end++;
    else if (*end == 'm' || *end == 'M') v *= 1e6, end++;
    return *end || v > 1e10 ? 0 : (uint64_t)v;
}

static int usage(FILE *f) {
    fprintf(f, "usage: tv_bench [--events N ...] [--dir DIR] [--keep] [--repeat R]\n"
               "  --events N  trace size (repeatable; 1M and 10M when not given; k/M suffixes)\n"
               "  --dir DIR   where the traces are written (default $TMPDIR or /tmp)\n"
               "  --keep      keep the generated traces\n"
               "  --repeat R  best of R loads (default 1)\n");
    return f == stderr ? 2 : 0;
}

int main(int argc, char **argv) {
    uint64_t sizes[16];
    int nsizes = 0, keep = 0, repeat = 1;
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--keep")) {
            keep = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            return usage(stdout);
        } else if (i + 1 < argc && !strcmp(a, "--events")) {
            uint64_t n = parse_count(argv[++i]);
            if (!n || nsizes == 16) {
                fprintf(stderr, "tv_bench: bad --events '%s'\n", argv[i]);
                return usage(stderr);
            }
            sizes[nsizes++] = n;
        } else if (i + 1 < argc && !strcmp(a, "--dir")) {
            dir = argv[++i];
        } else if (i + 1 < argc && !strcmp(a, "--repeat")) {
            repeat = atoi(argv[++i]);
            if (repeat < 1 || repeat > 100) return usage(stderr);
        } else {
            fprintf(stderr, "tv_bench: unknown argument '%s'\n", a);
            return usage(stderr);
        }
    }
    if (!nsizes) {
        sizes[nsizes++] = 1000000;
        sizes[nsizes++] = 10000000;
    }

    printf("tv_bench: the viewer's load, memory and frame time (%s, %ld CPUs online)\n",
#ifdef TV_BENCH_BUILD_TYPE
           TV_BENCH_BUILD_TYPE " build",
#else
           "unknown build",
#endif
           sysconf(_SC_NPROCESSORS_ONLN));
    print_loadavg("at the start");
    verdict v[16 * 3];
    int nv = 0, status = 0;
    for (int s = 0; s < nsizes; s++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/tv_bench_%" PRIu64 "_%d.json", dir, sizes[s], (int)getpid());
        tv_bench_file f;
        double t0 = now_s();
        if (tv_bench_generate(path, sizes[s], &f)) {
            fprintf(stderr, "tv_bench: cannot write %s: %s\n", path, strerror(errno));
            unlink(path);
            return 1;
        }
        double gen_s = now_s() - t0;
        result r;
        if (measure_in_child(path, repeat, &r)) {
            memset(&r, 0, sizeof r);
            snprintf(r.err, sizeof r.err, "the measuring process crashed");
            status = 1;
        }
        print_result(sizes[s], &f, gen_s, path, &r);
        nv += add_verdicts(v + nv, sizes[s], &r);
        if (!keep) unlink(path);
    }

    printf("\n");
    print_loadavg("at the end");
    printf("\ntargets (issue 3, section 7)\n");
    printf("  %-50s %12s  %-10s\n", "", "measured", "target");
    for (int i = 0; i < nv; i++)
        printf("  %-50s %12s  %-10s %s\n", v[i].what, v[i].pass < 0 ? "n/a" : v[i].value, v[i].target,
               v[i].pass < 0 ? "n/a" : v[i].pass ? "PASS" : "MISS");
    printf("  Perfetto's native importer, for scale: 1.27 s and 287 MB for an 83.5 MB 1M-event file.\n");
    return status;
}
