/*
 * render_test.c — the viewer's rendering test. Renders a hand-written trace
 * with fixed times headless (tv_render_offscreen, as `view --screenshot`),
 * reads the PNG back and checks that what the layout says is where it is:
 * lanes and labels at their rows, slices in their state colors, lock holds in
 * their holder's color, the flow arrows' pixels along their paths, the
 * counter's step, the mark. Then the LOD walker on a dense trace, hit
 * testing, find, the details text, and tv_view_main's exit codes.
 *
 * usage: tv_render_test FIXTURE.json OUTDIR
 */
#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../pixels.h"
#include "tl_test.h"
#include "tv_app.h"
#include "tv_input.h"
#include "tv_load.h"
#include "tv_text.h"
#include "tv_view.h"


#define US 1000LL
#define W 1000
#define H 600

static int dark(tv_rgb a) { return a.r + a.g + a.b < 3 * 130; }
/* an arrow's gray (blended over any background): dark and without hue */
static int arrowish(tv_rgb a) {
    int mx = a.r > a.g ? (a.r > a.b ? a.r : a.b) : (a.g > a.b ? a.g : a.b);
    int mn = a.r < a.g ? (a.r < a.b ? a.r : a.b) : (a.g < a.b ? a.g : a.b);
    return dark(a) && mx - mn < 30;
}

static uint32_t lane_named(const tv_model *m, const char *name, int kind) {
    for (uint32_t i = 0; i < m->nlanes; i++)
        if (m->lanes[i].kind == kind && !strcmp(tv_model_str(m, m->lanes[i].name), name)) return i;
    return TV_NO_LANE;
}

/* y of the middle of row `row` of lane */
static int row_mid(const tv_view *v, uint32_t lane, uint32_t row) {
    int y, h;
    if (!tv_view_row_rect(v, lane, row, &y, &h)) return -1;
    return y + h / 2;
}

static int count_dark(SDL_Surface *s, int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) n += dark(px(s, x, y));
    return n;
}

static void check_screenshot(const tv_model *m, const char *outdir) {
    char png[1024], png2[1024], err[256];
    snprintf(png, sizeof png, "%s/fixture.png", outdir);
    snprintf(png2, sizeof png2, "%s/fixture-again.png", outdir);
    tv_shot shot = {W, H, m->t0, m->t0 + 1000 * US};
    CHECK_MSG(tv_render_offscreen(m, &shot, png, 0, NULL, NULL, err, sizeof err) == 0, "%s", err);
    CHECK_MSG(tv_render_offscreen(m, &shot, png2, 2, NULL, NULL, err, sizeof err) == 0, "%s", err);
    SDL_Surface *s = load_png(png), *s2 = load_png(png2);
    CHECK_MSG(s && s2, "cannot read back %s: %s", png, IMG_GetError());
    if (!s || !s2) return;
    CHECK_MSG(s->w == W && s->h == H, "size %dx%d", s->w, s->h);
    /* deterministic: the same pixels twice */
    int differ = 0;
    for (int y = 0; y < H && !differ; y++)
        differ = memcmp((uint8_t *)s->pixels + (size_t)y * s->pitch, (uint8_t *)s2->pixels + (size_t)y * s2->pitch, W * 4) != 0;
    CHECK_MSG(!differ, "two renders of the same view differ");

    tv_view *v = tv_view_new(m, W, H);
    tv_view_set_range(v, shot.start, shot.end);
    uint32_t alpha = lane_named(m, "alpha", TV_LANE_THREAD), beta = lane_named(m, "beta", TV_LANE_THREAD);
    uint32_t lock = lane_named(m, "m", TV_LANE_ASYNC), waiters = lane_named(m, "m waiters", TV_LANE_COUNTER);
    CHECK_MSG(alpha != TV_NO_LANE && beta != TV_NO_LANE && lock != TV_NO_LANE && waiters != TV_NO_LANE,
          "lanes alpha %u beta %u m %u 'm waiters' %u", alpha, beta, lock, waiters);
    if (alpha == TV_NO_LANE || beta == TV_NO_LANE || lock == TV_NO_LANE || waiters == TV_NO_LANE) goto out;
    CHECK_MSG(m->lanes[lock].flags & TV_LANE_LOCK, "m is not a lock lane");

    /* layout: process header, threads in trace order, the lock, its waiters right under it */
    int ya, yb, yl, yw, yp, h;
    CHECK_MSG(tv_view_proc_rect(v, 0, &yp, &h) && yp == TV_AXIS_H, "process header at %d", yp);
    CHECK_MSG(tv_view_lane_rect(v, alpha, &ya, &h) && ya == yp + TV_PROC_H, "alpha at %d", ya);
    CHECK_MSG(tv_view_lane_rect(v, beta, &yb, &h) && yb > ya, "beta at %d", yb);
    int hl;
    CHECK_MSG(tv_view_lane_rect(v, lock, &yl, &hl) && yl > yb, "lock lane at %d", yl);
    CHECK_MSG(tv_view_lane_rect(v, waiters, &yw, &h) && yw == yl + hl, "waiters at %d, lock lane ends %d", yw, yl + hl);
    CHECK_MSG(m->lanes[alpha].nrows == 2, "alpha has %u rows (running + the flow source)", m->lanes[alpha].nrows);

    /* the process header band and the lane names in the left column */
    CHECK_MSG(same(px(s, 150, yp + 3), tv_c_proc_bg), "process header color at y=%d", yp + 3);
    CHECK_MSG(same(px(s, 8, ya + 8), tv_view_thread_color(v, alpha)), "alpha's swatch");
    CHECK_MSG(same(px(s, 8, yb + 8), tv_view_thread_color(v, beta)), "beta's swatch");
    CHECK_MSG(!same(tv_view_thread_color(v, alpha), tv_view_thread_color(v, beta)), "threads share a color");
    int ra = row_mid(v, alpha, 0), rb = row_mid(v, beta, 0);
    CHECK_MSG(count_dark(s, 32, ra - 8, 100, ra + 8) > 20, "no name drawn in alpha's label cell at y=%d", ra);
    CHECK_MSG(count_dark(s, 32, rb - 8, 100, rb + 8) > 20, "no name drawn in beta's label cell at y=%d", rb);
    CHECK_MSG(count_dark(s, 32, yw + h - 4, 100, yw + h - 1) == 0, "ink below the last lane's name");
    CHECK_MSG(count_dark(s, v->g.tl_x0, 0, W - 20, TV_AXIS_H - 2) > 30, "no tick labels on the axis");

    /* state slices in their colors (near their right ends, away from labels) */
    int x = (int)tv_t2x(v, 290 * US);
    CHECK_MSG(same(px(s, x, ra), tv_state_color("waiting for m")), "alpha 'waiting for m' at %d,%d", x, ra);
    CHECK_MSG(same(tv_state_color("waiting for m"), TV_RGB(229, 57, 53)), "waiting is red");
    /* ... exactly in its row: first and last pixel rows, not one beyond */
    int ry, rh;
    tv_view_row_rect(v, alpha, 0, &ry, &rh);
    CHECK_MSG(rh == TV_SLICE_H && same(px(s, x, ry), tv_state_color("waiting for m")) &&
              same(px(s, x, ry + rh - 1), tv_state_color("waiting for m")) &&
              !same(px(s, x, ry - 1), tv_state_color("waiting for m")) &&
              !same(px(s, x, ry + rh), tv_state_color("waiting for m")),
          "alpha's row 0 is not at y %d..%d", ry, ry + rh - 1);
    /* ... and from its start time: running before it */
    int xs = (int)tv_t2x(v, 100 * US);
    CHECK_MSG(same(px(s, xs + 1, ry + 1), tv_state_color("waiting for m")) &&
              same(px(s, xs - 2, ry + 1), tv_state_color("running")),
          "the wait does not start at x %d", xs);
    x = (int)tv_t2x(v, 590 * US);
    CHECK_MSG(same(px(s, x, rb), tv_state_color("sleeping")), "beta 'sleeping' at %d,%d", x, rb);
    x = (int)tv_t2x(v, 980 * US);
    CHECK_MSG(same(px(s, x, ra), tv_state_color("running")), "alpha 'running' at %d,%d", x, ra);
    x = (int)tv_t2x(v, 50 * US);
    CHECK_MSG(same(px(s, x, rb), tv_c_lane_a) || same(px(s, x, rb), tv_c_lane_b), "beta before it started");

    /* lock holds in the holder's identity color */
    int rl = row_mid(v, lock, 0);
    x = (int)tv_t2x(v, 250 * US);
    CHECK_MSG(same(px(s, x, rl), tv_view_thread_color(v, beta)), "hold by beta at %d,%d", x, rl);
    x = (int)tv_t2x(v, 480 * US);
    CHECK_MSG(same(px(s, x, rl), tv_view_thread_color(v, alpha)), "hold by alpha at %d,%d", x, rl);
    x = (int)tv_t2x(v, 700 * US);
    CHECK_MSG(!same(px(s, x, rl), tv_view_thread_color(v, alpha)), "a hold after the last release");

    /* the counter: full height while one thread waits, empty after */
    int wy, wh;
    tv_view_lane_rect(v, waiters, &wy, &wh);
    x = (int)tv_t2x(v, 200 * US);
    CHECK_MSG(same(px(s, x, wy + wh / 2), tv_c_counter_fill), "waiters=1 at %d,%d", x, wy + wh / 2);
    x = (int)tv_t2x(v, 700 * US);
    CHECK_MSG(!same(px(s, x, wy + wh / 2), tv_c_counter_fill), "waiters=0 at %d", x);
    int rise = 0; /* the step up at 100 us: line color in the column */
    for (int dx = -2; dx <= 2; dx++)
        rise += same(px(s, (int)tv_t2x(v, 100 * US) + dx, wy + wh / 2), tv_c_counter_line);
    CHECK_MSG(rise > 0, "no riser at 100 us");

    /* the mark */
    x = (int)tv_t2x(v, 700 * US);
    CHECK_MSG(same(px(s, x, ya + 3), tv_c_mark), "mark 'checkpoint' at %d,%d", x, ya + 3);

    /* arrows: dark pixels along each path, none a few pixels beside it */
    tv_arrow arr[16];
    size_t na = tv_view_arrows(v, arr, 16);
    CHECK_MSG(na == 2, "%zu arrows on screen, want 2", na);
    int seen_create = 0;
    for (size_t i = 0; i < na; i++) {
        const tv_arrow *a = &arr[i];
        const char *name = tv_model_str(m, m->flows[a->flow].name);
        if (!strcmp(name, "create beta")) {
            seen_create = 1;
            CHECK_MSG(a->y0 == row_mid(v, alpha, 1) + 0.0f, "create arrow starts at y %.1f", a->y0);
            CHECK_MSG(a->y1 == row_mid(v, beta, 0) + 0.0f, "create arrow ends at y %.1f", a->y1);
        }
        int on = 0, off = 0;
        float dx = a->x1 - a->x0, dy = a->y1 - a->y0, len = SDL_sqrtf(dx * dx + dy * dy);
        for (int k = 2; k <= 8; k++) {
            float f = k / 10.0f, cx = a->x0 + f * dx, cy = a->y0 + f * dy;
            on += arrowish(px(s, (int)cx, (int)cy));
            /* 7 px to the side, where only background may be */
            tv_rgb side = px(s, (int)(cx - dy / len * 7), (int)(cy + dx / len * 7));
            off += arrowish(side);
        }
        CHECK_MSG(on == 7, "arrow '%s': %d of 7 points on its path are dark", name, on);
        CHECK_MSG(off == 0, "arrow '%s': %d points beside it are dark", name, off);
        tv_rgb head = px(s, (int)(a->x1 - dx / len * 4), (int)(a->y1 - dy / len * 4));
        CHECK_MSG(same(head, tv_c_arrow), "arrow '%s': no head at its end", name);
    }
    CHECK_MSG(seen_create, "no 'create beta' arrow");
out:
    tv_view_free(v);
    SDL_FreeSurface(s);
    SDL_FreeSurface(s2);
}

static void check_interaction(const tv_model *m) {
    tv_view *v = tv_view_new(m, W, H);
    tv_view_set_range(v, m->t0, m->t0 + 1000 * US);
    uint32_t alpha = lane_named(m, "alpha", TV_LANE_THREAD), lock = lane_named(m, "m", TV_LANE_ASYNC);
    if (alpha == TV_NO_LANE || lock == TV_NO_LANE) {
        tv_view_free(v);
        return;
    }
    /* hit testing: the slice under a point, and an arrow near one */
    tv_sel s = tv_view_hit(v, (int)tv_t2x(v, 200 * US), row_mid(v, alpha, 0));
    CHECK_MSG(s.kind == TV_SEL_SLICE && !strcmp(tv_view_sel_name(v, &s), "waiting for m"),
          "hit: kind %d '%s'", s.kind, tv_view_sel_name(v, &s));
    tv_arrow arr[16];
    size_t na = tv_view_arrows(v, arr, 16);
    for (size_t i = 0; i < na; i++) {
        if (strcmp(tv_model_str(m, m->flows[arr[i].flow].name), "create beta")) continue;
        s = tv_view_hit(v, (int)((arr[i].x0 + arr[i].x1) / 2), (int)((arr[i].y0 + arr[i].y1) / 2) + 1);
        CHECK_MSG(s.kind == TV_SEL_FLOW && s.index == arr[i].flow, "arrow hit: kind %d", s.kind);
    }

    /* details: who released the lock to whom */
    char d[4096];
    s = tv_view_hit(v, (int)tv_t2x(v, 200 * US), row_mid(v, lock, 0));
    CHECK_MSG(s.kind == TV_SEL_SLICE, "no hold under the cursor");
    tv_view_details(v, &s, d, sizeof d);
    CHECK_MSG(strstr(d, "held by\tbeta"), "details:\n%s", d);
    CHECK_MSG(strstr(d, "acquired at\tfixture.c:20"), "details:\n%s", d);
    CHECK_MSG(strstr(d, "released at\tfixture.c:22"), "details:\n%s", d);
    CHECK_MSG(strstr(d, "released to\talpha at 300.000 us, after waiting 200 us"), "details:\n%s", d);
    CHECK_MSG(strstr(d, "got it from\t(first hold"), "details:\n%s", d);
    s = tv_view_hit(v, (int)tv_t2x(v, 400 * US), row_mid(v, lock, 0));
    tv_view_details(v, &s, d, sizeof d);
    CHECK_MSG(strstr(d, "got it from\tbeta, released 300.000 us"), "details:\n%s", d);
    CHECK_MSG(strstr(d, "released to\t(nobody"), "details:\n%s", d);
    s = tv_view_hit(v, (int)tv_t2x(v, 200 * US), row_mid(v, alpha, 0));
    tv_view_details(v, &s, d, sizeof d);
    CHECK_MSG(!strncmp(d, "waiting for m\n", 14) && strstr(d, "start\t100.000 us") &&
              strstr(d, "duration\t200 us") && strstr(d, "source\tfixture.c:11"),
          "details:\n%s", d);

    /* find: case-insensitive, steps select and centre */
    tv_find_set(v, "WAITING");
    CHECK_MSG(v->find.nhits == 1, "find 'WAITING': %zu hits", v->find.nhits);
    tv_find_step(v, 1);
    CHECK_MSG(v->sel.kind == TV_SEL_SLICE && !strcmp(tv_view_sel_name(v, &v->sel), "waiting for m"), "find step");
    tv_find_set(v, "running");
    CHECK_MSG(v->find.nhits == 4, "find 'running': %zu hits", v->find.nhits);
    tv_find_set(v, "zzz");
    CHECK_MSG(v->find.nhits == 0, "find 'zzz': %zu hits", v->find.nhits);
    /* a match near the end, centred: the view stops at the trace's end */
    tv_view_set_range(v, m->t0, m->t0 + 800 * US);
    tv_find_set(v, "checkpoint");
    tv_find_step(v, 1);
    CHECK_MSG(v->sel.kind == TV_SEL_MARK && v->end == m->t1 && v->start == m->t1 - 800 * US,
          "find near the end: %lld..%lld", (long long)(v->start - m->t0), (long long)(v->end - m->t0));
    tv_view_set_range(v, m->t0, m->t0 + 1000 * US);

    /* zoom at a point keeps that point's time under it */
    int64_t t = tv_x2t(v, 600);
    tv_view_zoom(v, 0.5, 600);
    CHECK_MSG(llabs(tv_x2t(v, 600) - t) < 2 * US && v->end - v->start == 500 * US, "zoom: %lld..%lld",
          (long long)v->start, (long long)v->end);
    tv_view_toggle_lane(v, alpha);
    int y, h;
    tv_view_lane_rect(v, alpha, &y, &h);
    CHECK_MSG(h == TV_ROW_H + 2 * TV_LANE_PAD, "collapsed alpha is %d px high", h);
    tv_view_free(v);
}

/* Input: synthetic SDL events through tv_input_event, as the window gets
 * them (the Xvfb test sends real ones). */
static int send(tv_view *v, tv_input *in, SDL_Event e) { return tv_input_event(v, in, &e); }
static SDL_Event motion(int x, int y) {
    SDL_Event e = {.type = SDL_MOUSEMOTION};
    e.motion.x = x, e.motion.y = y;
    return e;
}
static SDL_Event button(int down, int x, int y) {
    SDL_Event e = {.type = down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP};
    e.button.button = SDL_BUTTON_LEFT, e.button.x = x, e.button.y = y;
    return e;
}
static SDL_Event wheel(int notches, int x, int y) {
    SDL_Event e = {.type = SDL_MOUSEWHEEL};
    e.wheel.y = notches, e.wheel.direction = SDL_MOUSEWHEEL_NORMAL, e.wheel.mouseX = x, e.wheel.mouseY = y;
    return e;
}
static SDL_Event key(SDL_Keycode k, Uint16 mod) {
    SDL_Event e = {.type = SDL_KEYDOWN};
    e.key.keysym.sym = k, e.key.keysym.mod = mod;
    return e;
}
static SDL_Event text(const char *t) {
    SDL_Event e = {.type = SDL_TEXTINPUT};
    snprintf(e.text.text, sizeof e.text.text, "%s", t);
    return e;
}

static void check_input(const tv_model *m) {
    tv_view *v = tv_view_new(m, W, H);
    tv_view_set_range(v, m->t0, m->t0 + 1000 * US);
    tv_input in = {0};
    uint32_t alpha = lane_named(m, "alpha", TV_LANE_THREAD);
    if (alpha == TV_NO_LANE) goto out;
    send(v, &in, motion(600, 300));
    int64_t t600 = tv_x2t(v, 600), span = v->end - v->start;
    CHECK_MSG(send(v, &in, wheel(2, 600, 300)) && v->end - v->start < span * 65 / 100 &&
              llabs(tv_x2t(v, 600) - t600) < 2 * US,
          "wheel: span %lld, time under the cursor moved by %lld", (long long)(v->end - v->start),
          (long long)(tv_x2t(v, 600) - t600));
    int64_t s0 = v->start;
    span = v->end - v->start;
    send(v, &in, button(1, 600, 300));
    send(v, &in, motion(650, 300));
    send(v, &in, motion(700, 300));
    send(v, &in, button(0, 700, 300));
    CHECK_MSG(v->start < s0 && v->end - v->start == span && v->sel.kind == TV_SEL_NONE,
          "drag: start %lld -> %lld", (long long)s0, (long long)v->start);
    send(v, &in, key(SDLK_f, 0)); /* nothing selected: the whole trace */
    CHECK_MSG(v->start <= m->t0 && v->end >= m->t1, "F without a selection");
    int x = (int)tv_t2x(v, 200 * US), y = row_mid(v, alpha, 0);
    send(v, &in, motion(x, y));
    CHECK_MSG(v->hover.kind == TV_SEL_SLICE && !strcmp(tv_view_sel_name(v, &v->hover), "waiting for m"), "hover");
    send(v, &in, button(1, x, y));
    send(v, &in, button(0, x + 1, y));
    CHECK_MSG(v->sel.kind == TV_SEL_SLICE && !strcmp(tv_view_sel_name(v, &v->sel), "waiting for m"), "click select");
    send(v, &in, key(SDLK_f, 0));
    CHECK_MSG(v->start < m->t0 + 100 * US && v->start > m->t0 + 50 * US && v->end > m->t0 + 300 * US &&
              v->end < m->t0 + 350 * US,
          "F: %lld..%lld", (long long)(v->start - m->t0), (long long)(v->end - m->t0));
    send(v, &in, key(SDLK_ESCAPE, 0));
    CHECK_MSG(v->sel.kind == TV_SEL_NONE, "Esc clears the selection");
    send(v, &in, key(SDLK_w, 0));
    span = v->end - v->start;
    send(v, &in, key(SDLK_s, 0));
    CHECK_MSG(v->end - v->start > span, "S zooms out");
    s0 = v->start;
    send(v, &in, key(SDLK_d, 0));
    CHECK_MSG(v->start > s0, "D pans right");
    send(v, &in, text("/"));
    CHECK_MSG(v->find.open, "/ opens find");
    send(v, &in, text("wa"));
    send(v, &in, text("it"));
    send(v, &in, key(SDLK_q, 0)); /* typing, not quitting */
    CHECK_MSG(!in.quit && v->find.nhits == 1 && !strcmp(v->find.text, "wait"), "find text '%s'", v->find.text);
    send(v, &in, key(SDLK_RETURN, 0));
    CHECK_MSG(v->sel.kind == TV_SEL_SLICE && v->find.cur == 0, "Enter steps to the match");
    send(v, &in, key(SDLK_BACKSPACE, 0));
    CHECK_MSG(!strcmp(v->find.text, "wai"), "backspace");
    send(v, &in, key(SDLK_ESCAPE, 0));
    CHECK_MSG(!v->find.open && v->sel.kind == TV_SEL_SLICE, "Esc closes find first");
    send(v, &in, text("?"));
    CHECK_MSG(v->help == 1, "? shows help");
    send(v, &in, text("?"));
    CHECK_MSG(v->help == 0, "? hides help");
    SDL_Event rs = {.type = SDL_WINDOWEVENT};
    rs.window.event = SDL_WINDOWEVENT_SIZE_CHANGED, rs.window.data1 = 800, rs.window.data2 = 500;
    send(v, &in, rs);
    CHECK_MSG(v->g.w == 800 && v->g.h == 500 && v->g.tl_x1 == 800 - TV_SCROLLBAR_W, "resize");
    int ly, lh;
    tv_view_lane_rect(v, alpha, &ly, &lh);
    send(v, &in, button(1, 60, ly + 5));
    send(v, &in, button(0, 60, ly + 5));
    CHECK_MSG(v->lane_collapsed[alpha], "a click on the lane name collapses it");
    char st[1024];
    tv_view_state_text(v, st, sizeof st);
    CHECK_MSG(strstr(st, "selected=slice\nselected_name=waiting for m\nselected_lane=alpha\n") &&
              strstr(st, "width=800\n") && strstr(st, "collapsed=1\n"),
          "state text:\n%s", st);
    send(v, &in, key(SDLK_q, 0));
    CHECK_MSG(in.quit, "q quits");
out:
    tv_view_free(v);
}

/* A dense row: 20000 slices in 20 ms. Zoomed out, the walker must merge
 * them, cover every slice exactly once, and color each column like its
 * longest slice: running in the first half, waiting in the second. */
typedef struct {
    size_t slices, merged_count, blocks;
    double last_x1;
    int overlap;
} walk_stats;

static void on_span(void *ctx, const tv_span *sp) {
    walk_stats *w = ctx;
    if (sp->kind == TV_SPAN_SLICE) w->slices++;
    if (sp->kind == TV_SPAN_MERGED) {
        w->merged_count += sp->count;
        if (sp->x0 < w->last_x1 - 1.0) w->overlap++;
        w->last_x1 = sp->x1;
    }
    if (sp->kind == TV_SPAN_BLOCK) w->blocks++;
}

static void check_lod(const char *outdir) {
    size_t cap = 4 << 20, n = 0;
    char *buf = malloc(cap);
    n += (size_t)snprintf(buf + n, cap - n, "[\n");
    double t = 0;
    for (int i = 0; i < 10000; i++) {
        int late = i >= 5000;
        double run = late ? 0.5 : 1.5, wait = late ? 1.5 : 0.5;
        n += (size_t)snprintf(buf + n, cap - n,
                              "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":%.3f,\"dur\":%.3f,\"cat\":\"state\",\"name\":\"running\"},\n"
                              "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":%.3f,\"dur\":%.3f,\"cat\":\"state\",\"name\":\"waiting for q\"},\n",
                              t, run, t + run, wait);
        t += run + wait;
    }
    n += (size_t)snprintf(buf + n, cap - n, "{\"ph\":\"M\",\"pid\":1,\"tid\":1,\"name\":\"thread_name\",\"args\":{\"name\":\"dense\"}}]\n");
    char err[256];
    tv_model *m = tv_load_buffer("dense.json", buf, n, NULL, err, sizeof err);
    free(buf);
    CHECK_MSG(m != NULL, "dense trace: %s", err);
    if (!m) return;
    tv_view *v = tv_view_new(m, W, H);
    uint32_t lane = lane_named(m, "dense", TV_LANE_THREAD);
    CHECK_MSG(lane != TV_NO_LANE && m->lanes[lane].nrows == 1 && m->lanes[lane].rows[0].n == 20000, "dense lane");
    if (lane != TV_NO_LANE && m->lanes[lane].nrows) {
        walk_stats w = {0};
        tv_view_walk_row(v, lane, 0, on_span, &w);
        CHECK_MSG(w.slices + w.merged_count == 20000, "walk covered %zu + %zu slices", w.slices, w.merged_count);
        CHECK_MSG(w.blocks >= 1 && w.merged_count > 19000, "not merged: %zu blocks, %zu merged", w.blocks, w.merged_count);
        CHECK_MSG(w.overlap == 0, "merged pieces overlap %d times", w.overlap);
        const tv_rowsum *rs = tv_view_rowsum(v, lane, 0);
        CHECK_MSG(rs && rs->nlv > 1 && rs->lv[0][0].first == 0 && rs->lv[0][rs->nb[0]].first == 20000 &&
                  rs->lv[0][0].dur == 1500 && rs->lv[rs->nlv - 1][0].dur == 1500,
              "row summary");

        char png[1024];
        snprintf(png, sizeof png, "%s/dense.png", outdir);
        tv_shot shot = {W, H, 0, 0};
        CHECK_MSG(tv_render_offscreen(m, &shot, png, 0, NULL, NULL, err, sizeof err) == 0, "%s", err);
        SDL_Surface *s = load_png(png);
        CHECK_MSG(s != NULL, "read %s", png);
        if (s) {
            int y = row_mid(v, lane, 0);
            tv_rgb early = px(s, (int)tv_t2x(v, 4000 * US), y + 6), late = px(s, (int)tv_t2x(v, 16000 * US), y + 6);
            CHECK_MSG(same(early, tv_shade(tv_state_color("running"), 0.82)), "early merged column %d,%d,%d", early.r, early.g, early.b);
            CHECK_MSG(same(late, tv_shade(tv_state_color("waiting for q"), 0.82)), "late merged column %d,%d,%d", late.r, late.g, late.b);
            SDL_FreeSurface(s);
        }
        /* zoomed in to 20 us, slices are wide again */
        tv_view_set_range(v, 10000 * US, 10020 * US);
        walk_stats z = {0};
        tv_view_walk_row(v, lane, 0, on_span, &z);
        CHECK_MSG(z.blocks == 0 && z.slices >= 20 && z.slices <= 22, "deep zoom: %zu slices %zu blocks", z.slices, z.blocks);
    }
    tv_view_free(v);
    tv_model_free(m);
}

static tv_model *load_str(const char *name, const char *json) {
    char err[256];
    tv_model *m = tv_load_buffer(name, json, strlen(json), NULL, err, sizeof err);
    CHECK_MSG(m != NULL, "%s: %s", name, err);
    return m;
}

static void on_wide(void *ctx, const tv_span *sp) {
    const tv_span **w = ctx;
    static tv_span keep;
    if (sp->kind == TV_SPAN_SLICE && (!*w || sp->x1 - sp->x0 > (*w)->x1 - (*w)->x0)) keep = *sp, *w = &keep;
}

/* Review findings, one cheap check each. */
static void check_edges(const char *outdir) {
    /* A slice longer than the row summary's saturated 4.29 s, after enough
     * short ones for a summary: zoomed out it is one wide slice, not a
     * one-pixel merged block. */
    size_t cap = 64 << 10, n = 0;
    char *buf = malloc(cap);
    n += (size_t)snprintf(buf + n, cap - n, "[\n");
    for (int i = 0; i < 300; i++)
        n += (size_t)snprintf(buf + n, cap - n, "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":%d,\"dur\":1,\"name\":\"short\"},\n", 2 * i);
    n += (size_t)snprintf(buf + n, cap - n, "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":1000,\"dur\":1e10,\"name\":\"long\"}]\n");
    tv_model *m = load_str("sat.json", buf);
    free(buf);
    if (m) {
        tv_view *v = tv_view_new(m, 800, 150);
        CHECK_MSG(v && tv_view_rowsum(v, 0, 0), "no row summary for 301 slices");
        if (v) {
            const tv_span *w = NULL;
            tv_view_walk_row(v, 0, 0, on_wide, &w);
            CHECK_MSG(w && w->x1 - w->x0 > 400 && !strcmp(tv_model_str(m, m->lanes[0].rows[0].s[w->index].name), "long"),
                  "the 10000 s slice is not drawn wide: %.1f px", w ? w->x1 - w->x0 : 0.0);
        }
        tv_view_free(v);
        tv_model_free(m);
    }

    /* A spinlock handed over: the new holder spun, and the panel says so. */
    m = load_str("spin.json",
        "[{\"ph\":\"M\",\"pid\":1,\"tid\":1,\"name\":\"thread_name\",\"args\":{\"name\":\"a\"}},\n"
        "{\"ph\":\"M\",\"pid\":1,\"tid\":2,\"name\":\"thread_name\",\"args\":{\"name\":\"b\"}},\n"
        "{\"ph\":\"M\",\"pid\":1,\"tid\":1,\"name\":\"threadlens_object\",\"args\":{\"id\":1,\"kind\":\"spinlock\",\"name\":\"S\",\"addr\":\"0x1\",\"created_at\":\"x.c:1\"}},\n"
        "{\"ph\":\"b\",\"pid\":1,\"tid\":1,\"ts\":0,\"cat\":\"lock\",\"name\":\"S\",\"id2\":{\"local\":1},\"args\":{\"thread\":\"a\"}},\n"
        "{\"ph\":\"e\",\"pid\":1,\"tid\":1,\"ts\":10,\"cat\":\"lock\",\"name\":\"S\",\"id2\":{\"local\":1}},\n"
        "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":0,\"dur\":20,\"cat\":\"state\",\"name\":\"running\"},\n"
        "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":9.999,\"dur\":0,\"cat\":\"flow\",\"name\":\"unlock S\",\"bind_id\":1,\"flow_out\":true},\n"
        "{\"ph\":\"X\",\"pid\":1,\"tid\":2,\"ts\":0,\"dur\":2,\"cat\":\"state\",\"name\":\"running\"},\n"
        "{\"ph\":\"X\",\"pid\":1,\"tid\":2,\"ts\":2,\"dur\":8,\"cat\":\"state\",\"name\":\"spinning on S\"},\n"
        "{\"ph\":\"b\",\"pid\":1,\"tid\":2,\"ts\":10,\"cat\":\"lock\",\"name\":\"S\",\"id2\":{\"local\":2},\"args\":{\"thread\":\"b\"}},\n"
        "{\"ph\":\"e\",\"pid\":1,\"tid\":2,\"ts\":15,\"cat\":\"lock\",\"name\":\"S\",\"id2\":{\"local\":2}},\n"
        "{\"ph\":\"X\",\"pid\":1,\"tid\":2,\"ts\":10,\"dur\":10,\"cat\":\"state\",\"name\":\"running\",\"bind_id\":1,\"flow_in\":true}]\n");
    if (m) {
        tv_view *v = tv_view_new(m, W, H);
        uint32_t lock = lane_named(m, "S", TV_LANE_ASYNC);
        CHECK_MSG(lock != TV_NO_LANE, "no lock lane S");
        if (v && lock != TV_NO_LANE) {
            char d[4096];
            tv_sel s = {TV_SEL_SLICE, lock, 0, 0};
            tv_view_details(v, &s, d, sizeof d);
            CHECK_MSG(strstr(d, "released to\tb at 10.000 us, after waiting 8.00 us"), "spinlock handoff:\n%s", d);
        }
        tv_view_free(v);
        tv_model_free(m);
    }

    /* Find in a collapsed lane: a match below its first row expands it, so
     * that the selection frame is on the match, not on row 0. */
    m = load_str("nest.json",
        "[{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":0,\"dur\":100,\"name\":\"phase\",\"cat\":\"phase\"},\n"
        "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":10,\"dur\":20,\"name\":\"inner\",\"cat\":\"state\"}]\n");
    if (m) {
        tv_view *v = tv_view_new(m, W, H);
        if (v) {
            tv_view_toggle_lane(v, 0);
            tv_find_set(v, "inner");
            tv_find_step(v, 1);
            int y0, y1, h;
            CHECK_MSG(v->sel.kind == TV_SEL_SLICE && v->sel.row == 1 && !v->lane_collapsed[0] &&
                      tv_view_row_rect(v, 0, 0, &y0, &h) && tv_view_row_rect(v, 0, 1, &y1, &h) && y1 > y0,
                  "find in a collapsed lane: row %u collapsed %d", v->sel.row, v->lane_collapsed[0]);
        }
        tv_view_free(v);
        tv_model_free(m);
    }

    /* The widest trace the loader takes (3e18 ns): F shows all of it; with a
     * one-pixel timeline a long pan and a zoom keep a sane range. */
    m = load_str("wide.json",
        "[{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":-1e15,\"dur\":1e15,\"name\":\"a\"},\n"
        "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":1e15,\"dur\":1e15,\"name\":\"b\"}]\n");
    if (m) {
        tv_view *v = tv_view_new(m, W, H);
        if (v) {
            tv_view_fit_all(v);
            CHECK_MSG(v->start <= m->t0 && v->end >= m->t1, "F on a 3e18 ns trace: %lld..%lld",
                  (long long)v->start, (long long)v->end);
            tv_view_resize(v, 1, H);
            for (int i = 0; i < 3; i++) tv_view_zoom(v, 4, 0);
            int64_t span = v->end - v->start;
            tv_view_pan_px(v, 10000);
            tv_view_pan_px(v, -1e30);
            CHECK_MSG(v->end - v->start == span && v->start < m->t1 && v->end > m->t0,
                  "pan on a 1 px timeline: %lld..%lld", (long long)v->start, (long long)v->end);
        }
        tv_view_free(v);
        tv_model_free(m);
    }

    /* Text in a window too narrow for it: the status line is cut before the
     * right edge instead of running over it (and the key hint goes). */
    char png[1024], err[256];
    snprintf(png, sizeof png, "%s/narrow.png", outdir);
    m = load_str("narrow.json",
        "[{\"ph\":\"M\",\"pid\":1,\"tid\":1,\"name\":\"thread_name\",\"args\":{\"name\":\"a-thread-with-a-long-name\"}},\n"
        "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":0,\"dur\":100,\"name\":\"running\",\"cat\":\"state\"}]\n");
    if (m) {
        tv_shot shot = {200, 300, 0, 0};
        CHECK_MSG(tv_render_offscreen(m, &shot, png, 0, NULL, NULL, err, sizeof err) == 0, "%s", err);
        SDL_Surface *s = load_png(png);
        tv_view *v = tv_view_new(m, 200, 300);
        if (s && v) {
            int ly, lh;
            tv_view_lane_rect(v, 0, &ly, &lh);
            CHECK_MSG(count_dark(s, 200 - 8, v->g.panel_y0 + 2, 200, 300) == 0, "status line text at the right edge");
            CHECK_MSG(count_dark(s, v->g.tl_x0 - 6, ly, v->g.tl_x0, ly + lh) == 0, "lane name runs into the timeline");
            CHECK_MSG(count_dark(s, 30, ly + 2, v->g.tl_x0 - 6, ly + lh - 2) > 10, "no lane name");
        }
        tv_view_free(v);
        SDL_FreeSurface(s);
        tv_model_free(m);
    }
}

/* UTF-8 names: drawn with the font's glyphs, measured with the same advances. */
static int ttf_adv(TTF_Font *t, Uint32 cp) {
    int a, b, c, d, adv = -1;
    TTF_GlyphMetrics32(t, cp, &a, &b, &c, &d, &adv);
    return adv;
}

static tv_model *utf8_trace(const char *thread) {
    char json[1024];
    snprintf(json, sizeof json,
             "[{\"ph\":\"M\",\"pid\":1,\"tid\":1,\"name\":\"thread_name\",\"args\":{\"name\":\"%s\"}},\n"
             "{\"ph\":\"M\",\"pid\":1,\"tid\":2,\"name\":\"thread_name\",\"args\":{\"name\":\"\xe9\x94\x81 \xce\xbb\xcf\x8c\xce\xb3\xce\xbf\xcf\x82\"}},\n"
             "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":0,\"dur\":400,\"cat\":\"state\",\"name\":\"running\"},\n"
             "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":400,\"dur\":600,\"cat\":\"state\",\"name\":\"\xd0\x9e\xd0\xb6\xd0\xb8\xd0\xb4\xd0\xb0\xd0\xbd\xd0\xb8\xd0\xb5 \xd0\xb7\xd0\xb0\xd0\xbc\xd0\xba\xd0\xb0 \xc3\xa9t\xc3\xa9\"},\n"
             "{\"ph\":\"X\",\"pid\":1,\"tid\":2,\"ts\":0,\"dur\":1000,\"cat\":\"state\",\"name\":\"bad \xff\xfe bytes\"}]\n",
             thread);
    return load_str("utf8.json", json);
}

static void check_utf8(const char *outdir) {
    static const char *const cyr = "\xd0\x9f\xd0\xbe\xd1\x82\xd0\xbe\xd0\xba caf\xc3\xa9"; /* "Поток café" */
    char err[256];
    SDL_Surface *sf = SDL_CreateRGBSurfaceWithFormat(0, 400, 40, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = sf ? SDL_CreateSoftwareRenderer(sf) : NULL;
    tv_font *f = r ? tv_font_open(r, TV_FONT_PX, 0, err, sizeof err) : NULL;
    TTF_Font *t = f ? TTF_OpenFont(tv_font_path(), TV_FONT_PX) : NULL;
    CHECK_MSG(f && t, "cannot open the font: %s", f ? TTF_GetError() : err);
    if (f && t) {
        TTF_SetFontHinting(t, TTF_HINTING_LIGHT);
        int cafe = ttf_adv(t, 'c') + ttf_adv(t, 'a') + ttf_adv(t, 'f') + ttf_adv(t, 0xe9);
        CHECK_MSG(tv_text_width(f, "caf\xc3\xa9") == cafe, "width of cafe-acute %d, advances sum to %d",
              tv_text_width(f, "caf\xc3\xa9"), cafe);
        CHECK_MSG(tv_text_width(f, "caf\xc3\xa9") != tv_text_width(f, "caf?"), "cafe-acute measured as caf?");
        int potok = ttf_adv(t, 0x41f) + ttf_adv(t, 0x43e) + ttf_adv(t, 0x442) + ttf_adv(t, 0x43e) + ttf_adv(t, 0x43a);
        CHECK_MSG(tv_text_width(f, "\xd0\x9f\xd0\xbe\xd1\x82\xd0\xbe\xd0\xba") == potok, "width of Cyrillic %d, advances %d",
              tv_text_width(f, "\xd0\x9f\xd0\xbe\xd1\x82\xd0\xbe\xd0\xba"), potok);
        /* bad bytes: U+FFFD; a glyph DejaVu Sans lacks (CJK): '?' */
        CHECK_MSG(tv_text_width(f, "\xff") == tv_text_width(f, "\xef\xbf\xbd"), "invalid byte is not U+FFFD");
        CHECK_MSG(tv_text_width(f, "\xe9\x94\x81") == tv_text_width(f, "?"), "missing glyph is not '?'");
        CHECK_MSG(tv_text_width(f, "\xe2\x82") == tv_text_width(f, "\xef\xbf\xbd"), "truncated sequence");
        /* drawing: the same widths, "..." cuts that fit, ink where the text is */
        int w = tv_text_width(f, cyr);
        SDL_SetRenderDrawColor(r, 255, 255, 255, 255);
        SDL_RenderClear(r);
        CHECK_MSG(tv_text_draw(r, f, 2, 2, cyr, TV_RGB(0, 0, 0), TV_TEXT_NOLIMIT) == w, "drawn width != measured");
        SDL_RenderPresent(r);
        CHECK_MSG(count_dark(sf, 2, 0, 2 + tv_text_width(f, "\xd0\x9f\xd0\xbe\xd1\x82\xd0\xbe\xd0\xba"), 30) > 15,
              "no ink for the Cyrillic glyphs");
        int cut = tv_text_draw(r, f, 2, 2, cyr, TV_RGB(0, 0, 0), w - 1);
        CHECK_MSG(cut > 0 && cut <= w - 1, "cut text %d px in %d", cut, w - 1);
    }
    if (t) TTF_CloseFont(t);
    tv_font_close(f);
    if (r) SDL_DestroyRenderer(r);
    SDL_FreeSurface(sf);

    /* a thread's label in the timeline: its own glyphs, not "?????" */
    tv_model *m = utf8_trace(cyr), *q = utf8_trace("????? caf?");
    if (!m || !q) goto out;
    char png[1024], png2[1024];
    snprintf(png, sizeof png, "%s/utf8.png", outdir);
    snprintf(png2, sizeof png2, "%s/utf8-q.png", outdir);
    tv_shot shot = {800, 300, 0, 0};
    CHECK_MSG(tv_render_offscreen(m, &shot, png, 0, NULL, NULL, err, sizeof err) == 0, "%s", err);
    CHECK_MSG(tv_render_offscreen(q, &shot, png2, 0, NULL, NULL, err, sizeof err) == 0, "%s", err);
    SDL_Surface *s = load_png(png), *s2 = load_png(png2);
    uint32_t lane = lane_named(m, cyr, TV_LANE_THREAD);
    CHECK_MSG(lane != TV_NO_LANE, "no lane named %s", cyr);
    tv_view *v = tv_view_new(m, 800, 300);
    if (s && s2 && v && lane != TV_NO_LANE) {
        int y = row_mid(v, lane, 0), diff = 0;
        CHECK_MSG(count_dark(s, 20, y - 8, v->g.tl_x0, y + 8) > 20, "no label ink at y=%d", y);
        for (int yy = y - 8; yy < y + 8; yy++)
            for (int x = 0; x < v->g.tl_x0; x++) diff += !same(px(s, x, yy), px(s2, x, yy));
        CHECK_MSG(diff > 20, "the Cyrillic label looks like '????? caf?' (%d pixels differ)", diff);
    }
    tv_view_free(v);
    SDL_FreeSurface(s);
    SDL_FreeSurface(s2);
out:
    tv_model_free(m);
    tv_model_free(q);
}

/* A wait that timed out ends in the amber bar and says so in its label; one
 * that got through does not. The timed-out one comes in two pieces (cut at
 * a flush), its outcome on the last. */
static int amber(tv_rgb a) { return a.r > 230 && a.g > 170 && a.g < 215 && a.b < 60; }

static void check_gave_up(const char *outdir) {
    static const char json[] =
        "[{\"ph\":\"M\",\"pid\":1,\"tid\":1,\"name\":\"thread_name\",\"args\":{\"name\":\"impatient\"}},\n"
        "{\"ph\":\"M\",\"pid\":1,\"tid\":2,\"name\":\"thread_name\",\"args\":{\"name\":\"patient\"}},\n"
        "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":0,\"dur\":300,\"cat\":\"state\",\"name\":\"running\"},\n"
        "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":300,\"dur\":150,\"cat\":\"state\",\"name\":\"waiting for ev\"},\n"
        "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":450,\"dur\":150,\"cat\":\"state\",\"name\":\"waiting for ev\","
        "\"args\":{\"continued\":true,\"outcome\":\"timed out\"}},\n"
        "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":600,\"dur\":400,\"cat\":\"state\",\"name\":\"running\"},\n"
        "{\"ph\":\"X\",\"pid\":1,\"tid\":2,\"ts\":0,\"dur\":300,\"cat\":\"state\",\"name\":\"running\"},\n"
        "{\"ph\":\"X\",\"pid\":1,\"tid\":2,\"ts\":300,\"dur\":300,\"cat\":\"state\",\"name\":\"waiting for ev\"},\n"
        "{\"ph\":\"X\",\"pid\":1,\"tid\":2,\"ts\":600,\"dur\":400,\"cat\":\"state\",\"name\":\"running\"},\n"
        /* another tool's slice with an arg of that name: not a wait */
        "{\"ph\":\"X\",\"pid\":1,\"tid\":3,\"ts\":0,\"dur\":600,\"cat\":\"build\",\"name\":\"compile\","
        "\"args\":{\"outcome\":\"cached\"}}]\n";
    char err[256], png[1024];
    tv_model *m = load_str("gave_up.json", json);
    if (!m) return;
    uint32_t a = lane_named(m, "impatient", TV_LANE_THREAD), b = lane_named(m, "patient", TV_LANE_THREAD);
    CHECK(a != TV_NO_LANE && b != TV_NO_LANE);
    if (a == TV_NO_LANE || b == TV_NO_LANE) goto out;
    const tv_row *ra = &m->lanes[a].rows[0], *rb = &m->lanes[b].rows[0];
    CHECK_MSG(ra->n == 3 && (ra->s[1].flags & TV_SLICE_TIMED_OUT) && (ra->s[1].flags & TV_SLICE_JOINED),
              "the timed-out wait is not one joined slice marked timed out");
    CHECK_MSG(rb->n == 3 && !(rb->s[1].flags & (TV_SLICE_TIMED_OUT | TV_SLICE_GAVE_UP)),
              "the wait that got through is marked");
    uint32_t o = TV_NO_LANE; /* thread 3's lane, whatever its name */
    for (uint32_t i = 0; i < m->nlanes && o == TV_NO_LANE; i++)
        if (m->lanes[i].kind == TV_LANE_THREAD && i != a && i != b) o = i;
    CHECK_MSG(o != TV_NO_LANE && m->lanes[o].rows[0].n == 1 &&
                  !(m->lanes[o].rows[0].s[0].flags & (TV_SLICE_TIMED_OUT | TV_SLICE_GAVE_UP)),
              "a slice of another category with args.outcome is marked as a wait that gave up");
    snprintf(png, sizeof png, "%s/gave_up.png", outdir);
    tv_shot shot = {800, 300, 0, 0};
    CHECK_MSG(tv_render_offscreen(m, &shot, png, 0, NULL, NULL, err, sizeof err) == 0, "%s", err);
    SDL_Surface *sf = load_png(png);
    tv_view *v = tv_view_new(m, 800, 300);
    if (sf && v) {
        int xe = (int)tv_t2x(v, 600 * US), ya = row_mid(v, a, 0), yb = row_mid(v, b, 0);
        int na = 0, nb = 0, mid = 0;
        for (int x = xe - 6; x <= xe; x++) na += amber(px(sf, x, ya)), nb += amber(px(sf, x, yb));
        for (int x = (int)tv_t2x(v, 400 * US); x < (int)tv_t2x(v, 500 * US); x++) mid += amber(px(sf, x, ya));
        CHECK_MSG(na >= 2, "no amber bar where the timed-out wait ends (x %d..%d, y %d)", xe - 6, xe, ya);
        CHECK_MSG(nb == 0, "an amber bar where a wait that got through ends");
        CHECK_MSG(mid == 0, "amber inside the timed-out wait, not at its end");
    }
    tv_view_free(v);
    SDL_FreeSurface(sf);
out:
    tv_model_free(m);
}

/* tv_view_main with stderr captured: exit status and the lines it wrote */
static int run_main(int argc, char **argv, char *errbuf, size_t len, const char *outdir) {
    char path[1024];
    snprintf(path, sizeof path, "%s/stderr.txt", outdir);
    fflush(stderr);
    int saved = dup(2), fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    dup2(fd, 2);
    close(fd);
    int rc = tv_view_main(argc, argv);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(errbuf, 1, len - 1, f) : 0;
    errbuf[n] = 0;
    if (f) fclose(f);
    return rc;
}

static int lines(const char *s) {
    int n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

static void check_main(const char *fixture, const char *outdir) {
    char png[1024], bad[1024], e[4096];
    snprintf(png, sizeof png, "%s/main.png", outdir);
    unlink(png);
    char *ok[] = {"view", (char *)fixture, "--screenshot", png, "--size", "640x360", "--range", "0.1ms:900us", NULL};
    CHECK_MSG(run_main(8, ok, e, sizeof e, outdir) == 0, "--screenshot failed: %s", e);
    SDL_Surface *s = load_png(png);
    CHECK_MSG(s && s->w == 640 && s->h == 360, "main.png missing or wrong size");
    SDL_FreeSurface(s);

    snprintf(bad, sizeof bad, "%s/bad.json", outdir);
    FILE *f = fopen(bad, "w");
    fputs("[{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":\"soon\",\"dur\":1,\"name\":\"x\"}]\n", f);
    fclose(f);
    char *b[] = {"view", bad, "--screenshot", png, NULL};
    CHECK_MSG(run_main(4, b, e, sizeof e, outdir) == 1, "bad trace: not exit 1");
    CHECK_MSG(lines(e) == 1 && strstr(e, "bad.json:"), "bad trace: stderr is not one line naming the file: '%s'", e);
    char *missing[] = {"view", "/nonexistent/trace.json", "--screenshot", png, NULL};
    CHECK_MSG(run_main(4, missing, e, sizeof e, outdir) == 1 && lines(e) == 1, "missing file: '%s'", e);

    if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY") && !getenv("SDL_VIDEODRIVER")) {
        /* a window without a display: one clear line, not an invisible window */
        char *win[] = {"view", (char *)fixture, NULL};
        CHECK_MSG(run_main(2, win, e, sizeof e, outdir) == 1 && lines(e) == 1 && strstr(e, "no display"),
              "window without a display: '%s'", e);
    }
    char *u1[] = {"view", (char *)fixture, "--size", "huge", NULL};
    CHECK_MSG(run_main(4, u1, e, sizeof e, outdir) == 2 && strstr(e, "--size") && strstr(e, "usage:"), "bad --size: '%s'", e);
    CHECK_MSG(strchr(e, '\n') == e + strlen(e) - 1, "a usage error is one line: '%s'", e);
    char *u2[] = {"view", (char *)fixture, "--range", "5ms:1ms", "--screenshot", png, NULL};
    CHECK_MSG(run_main(6, u2, e, sizeof e, outdir) == 2, "reversed --range accepted");
    /* --range up to 9e18 ns past a trace starting at 1e18 ns: no overflow
     * (UBSan in the sanitizer build), the trace's end */
    char late[1024];
    snprintf(late, sizeof late, "%s/late.json", outdir);
    f = fopen(late, "w");
    fputs("[{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":1e15,\"dur\":10,\"name\":\"a\"}]\n", f);
    fclose(f);
    char *far[] = {"view", late, "--screenshot", png, "--size", "320x200", "--range", "0:9e12", NULL};
    CHECK_MSG(run_main(8, far, e, sizeof e, outdir) == 0, "--range 0:9e12: %s", e);
    char *far2[] = {"view", late, "--screenshot", png, "--size", "320x200", "--range", "8e12:9e12", NULL};
    CHECK_MSG(run_main(8, far2, e, sizeof e, outdir) == 0, "--range 8e12:9e12: %s", e);
    char *u3[] = {"view", NULL};
    CHECK_MSG(run_main(1, u3, e, sizeof e, outdir) == 2, "no trace accepted");
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s FIXTURE.json OUTDIR\n", argv[0]);
        return 2;
    }
    mkdir(argv[2], 0755);
    char err[256];
    tv_model *m = tv_load(argv[1], NULL, err, sizeof err);
    if (!m) {
        fprintf(stderr, "FAIL: cannot load %s: %s\n", argv[1], err);
        return 1;
    }
    check_screenshot(m, argv[2]);
    check_interaction(m);
    check_input(m);
    tv_model_free(m);
    check_lod(argv[2]);
    check_edges(argv[2]);
    check_utf8(argv[2]);
    check_gave_up(argv[2]);
    check_main(argv[1], argv[2]);
    IMG_Quit();
    SDL_Quit();
    if (tl_test_failures) {
        fprintf(stderr, "%d check(s) failed\n", tl_test_failures);
        return 1;
    }
    printf("render test: all checks passed\n");
    return 0;
}
