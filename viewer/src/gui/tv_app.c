/*
 * tv_app.c — `threadlens view`: arguments, loading with a progress bar, and
 * the window's event loop (the headless screenshot: tv_shot.c).
 */
#include "tv_app.h"

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tv_draw.h"
#include "tv_input.h"
#include "tv_load.h"
#include "tv_view.h"

#define DEFAULT_W 1600
#define DEFAULT_H 900

#define TV_VIEW_USAGE                                                                              \
    "usage: threadlens view TRACE [--screenshot OUT.png] [--size WxH] [--range START:END] [--at TIME] " \
    "[--view timeline|locks|pool[:N]] [--finding N] [--legend]"

static void help(void) {
    fputs(TV_VIEW_USAGE "\n"
          "  Shows TRACE (a threadlens or any Chrome/Perfetto JSON trace) on a timeline, and replays it.\n"
          "  --screenshot OUT.png  render to a PNG and exit; needs no display\n"
          "  --size WxH            image (or initial window) size, default 1600x900\n"
          "  --range START:END     visible time range, relative to the trace start, with a unit\n"
          "                        ns, us, ms or s (none: ms), e.g. --range 2ms:3.5ms\n"
          "  --at TIME             the playhead at TIME (same syntax, relative to the trace start),\n"
          "                        with the state panel: every thread, lock and counter there\n"
          "  --view VIEW           timeline (default), locks (the lock graph), pool (the first\n"
          "                        pool's workers and counters, with its summary) or pool:N\n"
          "  --finding N           focus finding N (1-based, as listed): the playhead on it\n"
          "  --legend              show the legend of colors and marks\n"
          "  In the window press ? for the keys: wheel zooms, drag pans, W/S/A/D, F fits,\n"
          "  click selects (details below), / finds, Space replays, Left/Right step,\n"
          "  n jumps to the next finding, v switches views, k shows the legend, Q quits.\n"
          "environment:\n"
          "  THREADLENS_FONT=FILE.ttf    draw with this font\n"
          "  THREADLENS_VIEW_STATE=FILE  testing aid: after every input event the window writes\n"
          "                              its view state to FILE, one key=value per line: start_ns,\n"
          "                              end_ns (relative to the trace start), scroll, selected\n"
          "                              (none|slice|mark|gmark|flow|sample), selected_name,\n"
          "                              selected_lane, selected_row, selected_ts, selected_dur,\n"
          "                              find, find_hits, help, collapsed, width, height,\n"
          "                              playhead_ns (-1: none), mode (timeline|locks|pool),\n"
          "                              speed (trace ns per second), playing, finding (1-based,\n"
          "                              0: none), step, pool, legend, findings_list\n",
          stdout);
}

static int usage_error(const char *fmt, const char *arg) {
    fputs("threadlens view: ", stderr);
    fprintf(stderr, fmt, arg);
    /* one line: the mistake, then the synopsis */
    fputs(" (" TV_VIEW_USAGE "; --help for more)\n", stderr);
    return 2;
}

static const char *base_name(const char *p) {
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the window ---------------------------------------------------------- */

typedef struct app {
    const char *path;
    int w, h;
    SDL_Window *win;
    SDL_Renderer *r;
    tv_gfx g;
    int gfx_ok;
    double load_start;
    char err[512];
} app;

static int open_window(app *a) {
    if (a->win) return 0;
    /* SDL wants UTF-8: a file name with bad bytes gets U+FFFD, as drawn */
    char title[600];
    int n = snprintf(title, sizeof title, "threadlens - ");
    tv_utf8_clean(title + n, sizeof title - (size_t)n, base_name(a->path));
    a->win = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, a->w, a->h,
                              SDL_WINDOW_RESIZABLE);
    if (!a->win) {
        snprintf(a->err, sizeof a->err, "cannot open a window: %s", SDL_GetError());
        return -1;
    }
    a->r = SDL_CreateRenderer(a->win, -1, 0);
    if (!a->r) a->r = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
    if (!a->r) {
        snprintf(a->err, sizeof a->err, "cannot create a renderer: %s", SDL_GetError());
        return -1;
    }
    if (tv_gfx_init(&a->g, a->r, a->err, sizeof a->err)) return -1;
    a->gfx_ok = 1;
    return 0;
}

static void close_window(app *a) {
    if (a->gfx_ok) tv_gfx_free(&a->g);
    if (a->r) SDL_DestroyRenderer(a->r);
    if (a->win) SDL_DestroyWindow(a->win);
    a->gfx_ok = 0, a->r = NULL, a->win = NULL;
}

/* The progress callback: a window appears only for loads that take a while,
 * so a small trace (or a bad file) never flashes one. */
static int on_progress(void *ctx, double frac) {
    app *a = ctx;
    if (!a->win && now_s() - a->load_start < 0.25) return 0;
    if (!a->win && open_window(a)) return 1;
    SDL_Event e;
    while (SDL_PollEvent(&e))
        if (e.type == SDL_QUIT ||
            (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_CLOSE))
            return 1;
    int w, h;
    SDL_GetRendererOutputSize(a->r, &w, &h);
    tv_draw_progress(&a->g, w, h, base_name(a->path), frac);
    SDL_RenderPresent(a->r);
    return 0;
}

static void write_state(const tv_view *v, const char *file) {
    char text[4096], tmp[4096];
    size_t n = tv_view_state_text(v, text, sizeof text);
    snprintf(tmp, sizeof tmp, "%s.tmp", file);
    FILE *f = fopen(tmp, "w");
    if (!f) return;
    fwrite(text, 1, n, f);
    /* rename: a reader never sees half a file */
    if (fclose(f) == 0) rename(tmp, file);
}

static int run_window(app *a, const tv_model *m, const tv_shot *shot, const tv_shot_more *more) {
    if (open_window(a)) {
        fprintf(stderr, "threadlens view: %s\n", a->err);
        return 1;
    }
    int w, h;
    SDL_GetRendererOutputSize(a->r, &w, &h);
    tv_view *v = tv_view_new(m, w, h);
    if (!v) {
        fprintf(stderr, "threadlens view: out of memory\n");
        return 1;
    }
    v->title = base_name(a->path);
    if (tv_shot_apply(v, shot, more, a->err, sizeof a->err)) {
        fprintf(stderr, "threadlens view: %s\n", a->err);
        tv_view_free(v);
        return 1;
    }
    const char *state = getenv("THREADLENS_VIEW_STATE");
    if (state && !*state) state = NULL;
    tv_input in = {0};
    int dirty = 1, first = 1;
    double last = now_s();
    while (!in.quit) {
        if (dirty) {
            tv_draw_frame(&a->g, v);
            SDL_RenderPresent(a->r);
            dirty = 0;
            if (first && state) write_state(v, state); /* the window is ready */
            first = 0;
        }
        SDL_Event e;
        int got;
        /* playing: a frame every 16 ms at most, else sleep until an event */
        if (v->playing) got = SDL_WaitEventTimeout(&e, 16);
        else if (!(got = SDL_WaitEvent(&e))) break;
        double now = now_s();
        if (v->playing && tv_play_tick(v, now - last)) {
            dirty = 1;
            if (state) write_state(v, state);
        }
        last = now;
        if (!got) continue;
        do {
            dirty |= tv_input_event(v, &in, &e);
            if (state && e.type != SDL_POLLSENTINEL) write_state(v, state);
        } while (!in.quit && SDL_PollEvent(&e));
    }
    tv_view_free(v);
    return 0;
}

/* ---- arguments ------------------------------------------------------------ */

static int parse_size(const char *s, int *w, int *h) {
    char *e;
    errno = 0;
    long a = strtol(s, &e, 10);
    if (e == s || (*e != 'x' && *e != 'X')) return -1;
    const char *p = e + 1;
    long b = strtol(p, &e, 10);
    if (e == p || *e || errno || a < 64 || b < 64 || a > 16384 || b > 16384) return -1;
    *w = (int)a, *h = (int)b;
    return 0;
}

static int parse_range(const char *s, int64_t *a, int64_t *b) {
    const char *colon = strchr(s, ':');
    if (!colon) return -1;
    char left[64];
    size_t n = (size_t)(colon - s);
    if (n >= sizeof left) return -1;
    memcpy(left, s, n);
    left[n] = 0;
    if (tv_parse_time(left, a) || tv_parse_time(colon + 1, b) || *b <= *a) return -1;
    return 0;
}

/* --range times are relative to the trace start and may be up to 9e18 ns:
 * saturate t0 + r (the view clamps it to the trace), and keep a range that
 * lies wholly past the end non-empty, as start == end means "everything". */
static void abs_range(const tv_model *m, int64_t r0, int64_t r1, int64_t *a, int64_t *b) {
    if (__builtin_add_overflow(m->t0, r0, a)) *a = INT64_MAX - 1;
    if (__builtin_add_overflow(m->t0, r1, b)) *b = INT64_MAX;
    if (*a >= *b) *a = *b - 1;
}

/* --view timeline|locks|pool|pool:N */
static int parse_view(const char *s, int *mode, size_t *pool) {
    *pool = 0;
    if (!strcmp(s, "timeline")) *mode = TV_MODE_TIMELINE;
    else if (!strcmp(s, "locks")) *mode = TV_MODE_LOCKS;
    else if (!strcmp(s, "pool")) *mode = TV_MODE_POOL;
    else if (!strncmp(s, "pool:", 5)) {
        char *e;
        errno = 0;
        long n = strtol(s + 5, &e, 10);
        if (e == s + 5 || *e || errno || n < 1) return -1;
        *mode = TV_MODE_POOL, *pool = (size_t)(n - 1);
    } else return -1;
    return 0;
}

static tv_shot_more more_of(const tv_model *m, int have_at, int64_t at, int mode, size_t pool, size_t finding,
                            int legend) {
    tv_shot_more s = {0, 0, mode, pool, finding, legend};
    if (have_at) {
        s.has_at = 1;
        if (__builtin_add_overflow(m->t0, at, &s.at)) s.at = m->t1;
    }
    return s;
}

int tv_view_main(int argc, char **argv) {
    const char *trace = NULL, *shot = NULL;
    int w = DEFAULT_W, h = DEFAULT_H, have_range = 0, have_at = 0, mode = TV_MODE_TIMELINE;
    int64_t r0 = 0, r1 = 0, at = 0;
    size_t pool = 0, finding = 0;
    int legend = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *val = NULL;
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            help();
            return 0;
        }
        int is_opt = !strncmp(arg, "--screenshot", 12) || !strncmp(arg, "--size", 6) ||
                     !strncmp(arg, "--range", 7) || !strncmp(arg, "--at", 4) || !strncmp(arg, "--view", 6) ||
                     !strncmp(arg, "--finding", 9);
        if (is_opt) {
            const char *eq = strchr(arg, '=');
            if (eq) val = eq + 1;
            else if (i + 1 < argc) val = argv[++i];
            else return usage_error("%s needs a value", arg);
        }
        if (!strncmp(arg, "--screenshot", 12) && (arg[12] == 0 || arg[12] == '=')) {
            if (!*val) return usage_error("%s", "--screenshot needs a file name");
            shot = val;
        } else if (!strncmp(arg, "--size", 6) && (arg[6] == 0 || arg[6] == '=')) {
            if (parse_size(val, &w, &h)) return usage_error("bad --size '%s' (want WxH, e.g. 1600x900)", val);
        } else if (!strncmp(arg, "--range", 7) && (arg[7] == 0 || arg[7] == '=')) {
            if (parse_range(val, &r0, &r1))
                return usage_error("bad --range '%s' (want START:END, e.g. 2ms:3.5ms)", val);
            have_range = 1;
        } else if (!strncmp(arg, "--at", 4) && (arg[4] == 0 || arg[4] == '=')) {
            if (tv_parse_time(val, &at)) return usage_error("bad --at '%s' (want a time, e.g. 2.5ms)", val);
            have_at = 1;
        } else if (!strncmp(arg, "--view", 6) && (arg[6] == 0 || arg[6] == '=')) {
            if (parse_view(val, &mode, &pool))
                return usage_error("bad --view '%s' (want timeline, locks, pool or pool:N)", val);
        } else if (!strncmp(arg, "--finding", 9) && (arg[9] == 0 || arg[9] == '=')) {
            char *e;
            errno = 0;
            long f = strtol(val, &e, 10);
            if (e == val || *e || errno || f < 1) return usage_error("bad --finding '%s' (want N >= 1)", val);
            finding = (size_t)f;
        } else if (!strcmp(arg, "--legend")) {
            legend = 1;
        } else if (arg[0] == '-' && arg[1]) {
            return usage_error("unknown option '%s'", arg);
        } else if (trace) {
            return usage_error("one trace only ('%s' is extra)", arg);
        } else {
            trace = arg;
        }
    }
    if (!trace) return usage_error("%s", "no trace file given");

    char err[512] = "";
    if (shot) {
        tv_model *m = tv_load(trace, NULL, err, sizeof err);
        if (!m) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
        tv_shot s = {w, h, 0, 0};
        if (have_range) abs_range(m, r0, r1, &s.start, &s.end);
        tv_shot_more more = more_of(m, have_at, at, mode, pool, finding, legend);
        int rc = tv_render_offscreen_more(m, &s, &more, shot, 0, NULL, NULL, err, sizeof err);
        if (rc) fprintf(stderr, "threadlens view: %s\n", err);
        tv_model_free(m);
        TTF_Quit();
        return rc ? 1 : 0;
    }

    /* a trace viewer has no reason to keep the screen saver away (and SDL
     * would open a D-Bus connection to do so) */
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "1");
    if (!getenv("SDL_VIDEODRIVER")) {
        /* Only drivers that show a window, and only those whose display is
         * there: without one SDL 2.26 falls back to its invisible "offscreen"
         * driver, and probing Wayland without a compositor prints noise. */
        char drivers[64] = "";
        if (getenv("DISPLAY")) strcat(drivers, "x11,");
        if (getenv("WAYLAND_DISPLAY")) strcat(drivers, "wayland,");
        strcat(drivers, "kmsdrm");
        SDL_SetHint(SDL_HINT_VIDEODRIVER, drivers);
    }
    const char *drv = SDL_Init(SDL_INIT_VIDEO) == 0 ? SDL_GetCurrentVideoDriver() : NULL;
    if (!drv || ((!strcmp(drv, "offscreen") || !strcmp(drv, "dummy")) && !getenv("SDL_VIDEODRIVER"))) {
        char why[300];
        if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY"))
            snprintf(why, sizeof why, "no display (DISPLAY and WAYLAND_DISPLAY are not set)");
        else if (getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY") && !getenv("SDL_VIDEODRIVER"))
            snprintf(why, sizeof why, "cannot connect to the X display '%s'", getenv("DISPLAY"));
        else
            snprintf(why, sizeof why, "%s", drv ? "no display" : SDL_GetError());
        fprintf(stderr, "threadlens view: cannot open a window: %s; use --screenshot OUT.png to render without one\n",
                why);
        SDL_Quit();
        return 1;
    }
    app a = {.path = trace, .w = w, .h = h, .load_start = now_s()};
    tv_load_opts opts = {on_progress, &a, 0};
    tv_model *m = tv_load(trace, &opts, err, sizeof err);
    int rc;
    if (!m) {
        /* closing the window while loading is a normal way out */
        rc = a.err[0] ? 1 : strcmp(err, "cancelled") ? 1 : 0;
        if (a.err[0]) fprintf(stderr, "threadlens view: %s\n", a.err);
        else if (rc) fprintf(stderr, "%s\n", err);
    } else {
        tv_shot s = {w, h, 0, 0};
        if (have_range) abs_range(m, r0, r1, &s.start, &s.end);
        tv_shot_more more = more_of(m, have_at, at, mode, pool, finding, legend);
        rc = run_window(&a, m, &s, &more);
        tv_model_free(m);
    }
    close_window(&a);
    TTF_Quit();
    SDL_Quit();
    return rc;
}
