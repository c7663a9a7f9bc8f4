/*
 * views_test.c — the window's replay, side panels, lock graph and pool
 * views, offscreen (SDL's software renderer on a surface: no display).
 *   - lu.json (a lost update): the same key events the window gets step the
 *     playhead onto every race access in order, and the state panel's text
 *     there names each thread's state; n/N, Shift+Right, Space, +/-, a click
 *     on the axis and on the findings list do what the keys say.
 *   - ph.json (five philosophers): `--screenshot --finding <the deadlock>`
 *     draws the wait-for cycle in the finding color across the lanes, not
 *     before the playhead reaches it, and lists both findings.
 *   - pe.json / pm.json (pools): the pool view lays out only the workers and
 *     the pool's counters, draws tasks in their label colors, and its panel
 *     shows the report's summary and the selected task's figures.
 *   - `view` options: --at, --view, --finding, their errors.
 *
 * usage: tv_views_test DIR_WITH_TRACES OUTDIR
 */
#include <SDL.h>
#include <SDL_image.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../pixels.h"
#include "tl_test.h"
#include "tv_app.h"
#include "tv_draw.h"
#include "tv_input.h"
#include "tv_load.h"
#include "tv_replay.h"
#include "tv_view.h"

#define W 1400
#define H 800

static const char *dir, *outdir;

static tv_model *load(const char *name) {
    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    tv_model *m = tv_load(path, NULL, err, sizeof err);
    CHECK_MSG(m != NULL, "cannot load %s: %s", path, err);
    return m;
}


static int count_color(SDL_Surface *s, tv_rgb c, int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) n += same(px(s, x, y), c);
    return n;
}

static int count_ink(SDL_Surface *s, int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            tv_rgb p = px(s, x, y);
            n += p.r + p.g + p.b < 3 * 130;
        }
    return n;
}

/* ---- synthesized events, as SDL delivers them to the window ---------------- */

static int send(tv_view *v, tv_input *in, SDL_Event e) { return tv_input_event(v, in, &e); }
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
static SDL_Event button(int down, int x, int y) {
    SDL_Event e = {.type = down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP};
    e.button.button = SDL_BUTTON_LEFT, e.button.x = x, e.button.y = y;
    return e;
}
static void click_at(tv_view *v, tv_input *in, int x, int y) {
    send(v, in, button(1, x, y));
    send(v, in, button(0, x, y));
}

static uint32_t thread_lane(const tv_model *m, int64_t tid) {
    for (uint32_t i = 0; i < m->nlanes; i++)
        if (m->lanes[i].kind == TV_LANE_THREAD && m->lanes[i].tid == tid) return i;
    return TV_NO_LANE;
}

/* ---- the lost update, step by step ---------------------------------------- */

typedef struct race_access {
    int64_t ts;
    uint32_t lane;
    int write;
} race_access;

/* The race access markers as the model has them: X slices of cat "finding",
 * 0 long, named "race: read of db" / "race: write of db", by time. */
static size_t race_accesses(const tv_model *m, race_access *out, size_t cap) {
    size_t n = 0;
    tv_str fcat = tv_model_find_str(m, "finding");
    for (uint32_t li = 0; li < m->nlanes; li++)
        for (uint32_t r = 0; r < m->lanes[li].nrows; r++)
            for (size_t i = 0; i < m->lanes[li].rows[r].n; i++) {
                const tv_slice *s = &m->lanes[li].rows[r].s[i];
                const char *name = tv_model_str(m, s->name);
                if (s->cat != fcat || s->dur != 0 || strncmp(name, "race: ", 6) || n == cap) continue;
                out[n++] = (race_access){s->ts, li, !strncmp(name, "race: write", 11)};
            }
    for (size_t i = 1; i < n; i++) /* insertion sort by time */
        for (size_t j = i; j > 0 && out[j].ts < out[j - 1].ts; j--) {
            race_access t = out[j];
            out[j] = out[j - 1], out[j - 1] = t;
        }
    return n;
}

/* Every thread whose state slice covers t (strictly inside) must appear in
 * the state text as "<name> (tid N): <state>". */
static void check_state_text(const tv_model *m, const tv_replay *r, int64_t t, const char *what) {
    static char buf[16384];
    tv_replay_text(r, t, buf, sizeof buf);
    tv_str scat = tv_model_find_str(m, "state");
    int threads = 0;
    for (uint32_t li = 0; li < m->nlanes; li++) {
        const tv_lane *l = &m->lanes[li];
        if (l->kind != TV_LANE_THREAD) continue;
        for (uint32_t row = 0; row < l->nrows; row++) {
            const tv_row *rw = &l->rows[row];
            size_t i = tv_row_first_ending_after(rw, t);
            for (; i < rw->n && rw->s[i].ts < t; i++) {
                if (rw->s[i].cat != scat || rw->s[i].ts + rw->s[i].dur <= t) continue;
                char want[256];
                snprintf(want, sizeof want, "%s (tid %lld): %s", tv_model_str(m, l->name), (long long)l->tid,
                         tv_model_str(m, rw->s[i].name));
                CHECK_MSG(strstr(buf, want) != NULL, "%s: the state panel lacks '%s':\n%s", what, want, buf);
                threads++;
            }
        }
    }
    CHECK_MSG(threads >= 1, "%s: no thread in a state at %lld", what, (long long)t);
}

static void check_lost_update(void) {
    tv_model *m = load("lu.json");
    if (!m) return;
    race_access acc[16];
    size_t na = race_accesses(m, acc, 16);
    /* the lost update: T2 reads, T3 reads, T2 writes (reported for both
     * races), T3 writes */
    uint32_t t2 = thread_lane(m, 2), t3 = thread_lane(m, 3);
    CHECK_MSG(na == 5, "lu.json has %zu race access markers, want 5", na);
    if (na == 5)
        CHECK_MSG(acc[0].lane == t2 && !acc[0].write && acc[1].lane == t3 && !acc[1].write && acc[2].lane == t2 &&
                      acc[2].write && acc[4].lane == t3 && acc[4].write,
                  "the accesses are not the lost-update story");
    tv_view *v = tv_view_new(m, W, H);
    tv_input in = {0};
    CHECK_MSG(!v->has_playhead && tv_side_flist_open(v) && v->g.side_x0 < W,
              "a trace with findings opens with the findings list, no playhead");
    /* Right, as the window gets it, until the playhead stops */
    size_t next = 0, presses = 0;
    int64_t last = INT64_MIN;
    int monotonic = 1;
    tv_replay *r = tv_view_replay(v);
    CHECK_MSG(r != NULL, "no replay");
    while (r && presses++ < 2000) {
        int64_t before = v->has_playhead ? v->playhead : INT64_MIN;
        size_t s1 = v->step1;
        send(v, &in, key(SDLK_RIGHT, 0));
        if (v->playhead == before && v->step1 == s1) break;
        if (v->playhead < last) monotonic = 0;
        last = v->playhead;
        CHECK_MSG(v->playhead >= v->start && v->playhead <= v->end, "step %zu: the playhead left the view", presses);
        if (next < na && v->playhead == acc[next].ts && v->step1) {
            const tv_step *st = tv_replay_step(r, v->step1 - 1);
            if (st->kind == TV_STEP_ACCESS && (st->thread == acc[next].lane || st->lane == acc[next].lane)) {
                char what[64];
                snprintf(what, sizeof what, "access %zu", next + 1);
                check_state_text(m, r, v->playhead, what);
                /* the accessing thread runs */
                char want[128], buf[16384];
                const tv_lane *l = &m->lanes[acc[next].lane];
                snprintf(want, sizeof want, "%s (tid %lld): running", tv_model_str(m, l->name), (long long)l->tid);
                tv_replay_text(r, v->playhead, buf, sizeof buf);
                CHECK_MSG(strstr(buf, want) != NULL, "%s: '%s' missing:\n%s", what, want, buf);
                next++;
            }
        }
        CHECK_MSG(next >= na || v->playhead <= acc[next].ts, "Right stepped over access %zu at %lld", next + 1,
                  (long long)acc[next].ts);
    }
    CHECK_MSG(next == na, "Right landed on %zu of %zu race accesses", next, na);
    CHECK_MSG(monotonic && presses > na, "Right went back in time or barely moved (%zu presses)", presses);
    /* and back: Left visits them in reverse */
    size_t back = na;
    for (size_t k = 0; k < 2000 && back > 0; k++) {
        int64_t before = v->playhead;
        size_t s1 = v->step1;
        send(v, &in, key(SDLK_LEFT, 0));
        if (v->playhead == before && v->step1 == s1) break;
        if (v->playhead == acc[back - 1].ts && v->step1 &&
            tv_replay_step(r, v->step1 - 1)->kind == TV_STEP_ACCESS)
            back--;
    }
    CHECK_MSG(back == 0, "Left missed access %zu going back", back);

    /* n / N: the findings in list order, the list's selection follows */
    tv_view_free(v);
    v = tv_view_new(m, W, H);
    memset(&in, 0, sizeof in);
    CHECK_MSG(m->nfindings == 2, "lu.json has %zu findings", m->nfindings);
    send(v, &in, key(SDLK_n, 0));
    CHECK_MSG(v->has_playhead && v->finding1 == 1 && v->playhead == tv_finding_ts(m, 0), "n: finding %zu at %lld",
              v->finding1, (long long)v->playhead);
    send(v, &in, key(SDLK_n, 0));
    CHECK_MSG(v->finding1 == 2 && v->playhead == tv_finding_ts(m, 1), "n again: finding %zu", v->finding1);
    send(v, &in, key(SDLK_n, 0));
    CHECK_MSG(v->finding1 == 2, "n past the last finding moved");
    send(v, &in, key(SDLK_n, KMOD_LSHIFT));
    CHECK_MSG(v->finding1 == 1 && v->playhead == tv_finding_ts(m, 0), "N: finding %zu", v->finding1);
    int64_t f0 = v->playhead;
    send(v, &in, key(SDLK_RIGHT, 0));
    CHECK_MSG(v->playhead >= f0 && v->step1, "Right after n: %lld", (long long)v->playhead);
    char st[2048];
    tv_view_state_text(v, st, sizeof st);
    char want[128];
    snprintf(want, sizeof want, "playhead_ns=%lld\nmode=timeline\n", (long long)(v->playhead - m->t0));
    CHECK_MSG(strstr(st, want) && strstr(st, "finding=1\n") && strstr(st, "playing=0\n"), "state text:\n%s", st);

    /* a click on the findings list's second row */
    int row_y = 4 + TV_SIDE_LINE + TV_SIDE_LINE + TV_SIDE_LINE / 2;
    click_at(v, &in, v->g.side_x0 + 60, row_y);
    CHECK_MSG(v->finding1 == 2 && v->playhead == tv_finding_ts(m, 1), "click on row 2: finding %zu", v->finding1);
    /* a click on the axis puts the playhead there, keeping the selection */
    int ax = (v->g.tl_x0 + v->g.tl_x1) / 2;
    click_at(v, &in, ax, TV_AXIS_H / 2);
    int64_t t = tv_x2t(v, ax);
    CHECK_MSG(v->playhead == (t < m->t0 ? m->t0 : t > m->t1 ? m->t1 : t), "axis click: %lld want %lld",
              (long long)v->playhead, (long long)t);

    /* Shift+Right with T3 selected: T3's own steps only */
    tv_sel s3 = {TV_SEL_SLICE, t3, 0, 0};
    tv_view_select(v, &s3);
    tv_playhead_set(v, m->t0);
    size_t own = 0;
    for (int k = 0; k < 200; k++) {
        int64_t before = v->playhead;
        send(v, &in, key(SDLK_RIGHT, KMOD_LSHIFT));
        if (v->playhead == before) break;
        const tv_step *sp = tv_replay_step(r = tv_view_replay(v), v->step1 - 1);
        CHECK_MSG(sp->thread == t3 || sp->lane == t3, "Shift+Right stopped on lane %u/%u, not T3", sp->lane, sp->thread);
        own++;
    }
    CHECK_MSG(own >= 3, "Shift+Right made %zu steps on T3", own);

    /* Space plays at a speed; + and - double and halve it */
    tv_playhead_set(v, m->t0);
    send(v, &in, key(SDLK_SPACE, 0));
    double sp0 = tv_play_speed(v);
    CHECK_MSG(v->playing && sp0 > 0, "Space does not play");
    send(v, &in, text("+"));
    CHECK_MSG(tv_play_speed(v) == sp0 * 2, "+ does not double the speed");
    send(v, &in, text("-"));
    send(v, &in, text("-"));
    CHECK_MSG(tv_play_speed(v) == sp0 / 2, "- does not halve the speed");
    int64_t p0 = v->playhead;
    CHECK_MSG(tv_play_tick(v, 0.25) && v->playhead == p0 + (int64_t)(0.25 * sp0 / 2 + 0.5),
              "a tick of 0.25 s moved the playhead %lld ns at %g ns/s", (long long)(v->playhead - p0), sp0 / 2);
    send(v, &in, key(SDLK_SPACE, 0));
    CHECK_MSG(!v->playing && !tv_play_tick(v, 0.25), "Space does not pause");
    /* a slow speed still moves: the fractions of a ns carry over ticks */
    tv_playhead_set(v, m->t0);
    v->speed = 20;
    v->playing = 1;
    for (int i = 0; i < 600; i++) tv_play_tick(v, 0.016);
    CHECK_MSG(v->playhead - m->t0 >= 191 && v->playhead - m->t0 <= 193,
              "600 ticks of 16 ms at 20 ns/s moved the playhead %lld ns, not 192",
              (long long)(v->playhead - m->t0));
    v->playing = 0;
    /* --at past the trace: the playhead stays at its end */
    tv_playhead_set(v, INT64_MAX);
    CHECK_MSG(v->playhead == m->t1, "a playhead past the end is not clamped");
    tv_play_scale(v, 1e30);
    send(v, &in, key(SDLK_SPACE, 0));
    tv_play_tick(v, 10);
    CHECK_MSG(v->playhead == m->t1 && !v->playing, "playing stops at the trace end");

    /* l hides the list, k shows the legend, v cycles the views (no pools) */
    send(v, &in, key(SDLK_l, 0));
    CHECK_MSG(!tv_side_flist_open(v), "l does not hide the findings list");
    send(v, &in, key(SDLK_k, 0));
    CHECK_MSG(v->legend, "k does not show the legend");
    send(v, &in, key(SDLK_v, 0));
    CHECK_MSG(v->mode == TV_MODE_LOCKS, "v: mode %d, want the lock graph", v->mode);
    send(v, &in, key(SDLK_v, 0));
    CHECK_MSG(v->mode == TV_MODE_TIMELINE, "v from the lock graph without pools: mode %d", v->mode);
    tv_view_free(v);

    /* the screenshot at an access: the playhead's line and the state panel */
    if (na == 5) {
        char png[1024], err[256];
        snprintf(png, sizeof png, "%s/lu-at.png", outdir);
        tv_shot shot = {W, H, 0, 0};
        tv_shot_more more = {1, acc[1].ts, TV_MODE_TIMELINE, 0, 0, 0};
        CHECK_MSG(tv_render_offscreen_more(m, &shot, &more, png, 0, NULL, NULL, err, sizeof err) == 0, "%s", err);
        SDL_Surface *s = load_png(png);
        v = tv_view_new(m, W, H);
        tv_shot_apply(v, &shot, &more, err, sizeof err);
        CHECK_MSG(s && v->has_playhead && v->playhead == acc[1].ts, "lu-at.png");
        if (s) {
            int x = (int)tv_t2x(v, v->playhead);
            int line = count_color(s, tv_c_playhead, x - 1, v->g.area_y0 + 5, x + 3, v->g.area_y1 - 5);
            CHECK_MSG(line > (v->g.area_y1 - v->g.area_y0) / 2, "the playhead's line: %d pixels at x=%d", line, x);
            CHECK_MSG(count_ink(s, v->g.side_x0 + 5, tv_side_flist_y1(v), W - 5, tv_side_flist_y1(v) + 200) > 300,
                      "no state panel text");
            SDL_FreeSurface(s);
        }
        tv_view_free(v);
    }
    tv_model_free(m);
}

/* ---- the philosophers' deadlock ------------------------------------------- */

static size_t finding_named(const tv_model *m, const char *kind) {
    for (size_t i = 0; i < m->nfindings; i++)
        if (!strcmp(tv_model_str(m, m->findings[i].kind), kind)) return i;
    return SIZE_MAX;
}

/* Pixels of the finding color at the bottom of each philosopher lane but the
 * last (where the cycle's arrows cross into the next lane), near x. */
static int crossings(SDL_Surface *s, const tv_view *v, const uint32_t *lanes, int n, int x, int *missing) {
    int total = 0;
    *missing = 0;
    for (int k = 0; k + 1 < n; k++) {
        int y, h;
        if (!tv_view_lane_rect(v, lanes[k], &y, &h)) continue;
        int c = count_color(s, tv_c_finding, x - 60, y + h - 4, x + 60, y + h);
        total += c;
        *missing += c == 0;
    }
    return total;
}

static void check_deadlock(void) {
    tv_model *m = load("ph.json");
    if (!m) return;
    size_t dl = finding_named(m, "deadlock");
    CHECK_MSG(dl != SIZE_MAX && m->nfindings == 2, "ph.json: %zu findings, deadlock %zu", m->nfindings, dl);
    if (dl == SIZE_MAX) goto out;
    uint32_t phil[5];
    int np = 0;
    for (uint32_t i = 0; i < m->nlanes && np < 5; i++)
        if (m->lanes[i].kind == TV_LANE_THREAD && !strcmp(tv_model_str(m, m->lanes[i].name), "philosopher"))
            phil[np++] = i;
    CHECK_MSG(np == 5, "%d philosophers", np);
    /* through the command line, as a user would; 200 us around the deadlock */
    char png[1024], arg[32], range[64], e[256];
    snprintf(png, sizeof png, "%s/ph-deadlock.png", outdir);
    snprintf(arg, sizeof arg, "%zu", dl + 1);
    int64_t ft = tv_finding_ts(m, dl) - m->t0;
    snprintf(range, sizeof range, "%lldns:%lldns", (long long)(ft - 100000), (long long)(ft + 100000));
    char path[1024];
    snprintf(path, sizeof path, "%s/ph.json", dir);
    char *argv[] = {"view", path, "--screenshot", png, "--size", "1400x800", "--range", range, "--finding", arg, NULL};
    CHECK_MSG(tv_view_main(10, argv) == 0, "view --finding %s failed", arg);
    SDL_Surface *s = load_png(png);
    tv_view *v = tv_view_new(m, W, H);
    tv_shot shot = {W, H, m->t0 + ft - 100000, m->t0 + ft + 100000};
    tv_shot_more more = {0, 0, TV_MODE_TIMELINE, 0, dl + 1, 0};
    CHECK_MSG(tv_shot_apply(v, &shot, &more, e, sizeof e) == 0, "%s", e);
    CHECK_MSG(v->finding1 == dl + 1 && v->playhead == tv_finding_ts(m, dl), "--finding: focus %zu playhead %lld",
              v->finding1, (long long)v->playhead);
    if (s && np == 5) {
        int x = (int)tv_t2x(v, tv_finding_ts(m, dl)), missing;
        int n = crossings(s, v, phil, np, x, &missing);
        CHECK_MSG(n > 20 && missing == 0, "the cycle overlay: %d finding-color pixels between the lanes, %d gaps", n,
                  missing);
        /* the findings panel: two rows, the deadlock's highlighted */
        CHECK_MSG(tv_side_flist_rows(v) == 2, "the findings list has %zu rows", tv_side_flist_rows(v));
        for (int r = 0; r < 2; r++) {
            int y = 4 + TV_SIDE_LINE * (1 + r);
            CHECK_MSG(count_ink(s, v->g.side_x0 + 20, y, v->g.side_x0 + 200, y + TV_SIDE_LINE) > 40,
                      "no text in findings row %d", r + 1);
        }
        int fy = 4 + TV_SIDE_LINE * (1 + (int)dl) + TV_SIDE_LINE / 2;
        CHECK_MSG(same(px(s, W - 4, fy), tv_c_focus_bg), "the deadlock's row is not highlighted");
        char line[256];
        tv_side_finding_line(m, dl, line, sizeof line);
        CHECK_MSG(strstr(line, "deadlock") && strstr(line, "philosopher (tid"), "list line '%s'", line);
    }
    CHECK_MSG(s != NULL, "cannot read %s", png);
    SDL_FreeSurface(s);
    /* before the playhead reaches it, the cycle is not drawn */
    snprintf(png, sizeof png, "%s/ph-before.png", outdir);
    tv_shot_more before = {1, m->t0 + ft - 50000, TV_MODE_TIMELINE, 0, 0, 0};
    CHECK_MSG(tv_render_offscreen_more(m, &shot, &before, png, 0, NULL, NULL, e, sizeof e) == 0, "%s", e);
    s = load_png(png);
    if (s && np == 5) {
        int missing, n = crossings(s, v, phil, np, (int)tv_t2x(v, tv_finding_ts(m, dl)), &missing);
        CHECK_MSG(n == 0, "the cycle is drawn before the playhead reaches it (%d pixels)", n);
    }
    SDL_FreeSurface(s);
    tv_view_free(v);
    /* the lock graph view: the cycle in the finding color */
    snprintf(png, sizeof png, "%s/ph-locks.png", outdir);
    char *argl[] = {"view", path, "--screenshot", png, "--size", "1400x800", "--view", "locks", NULL};
    CHECK_MSG(tv_view_main(8, argl) == 0, "view --view locks failed");
    s = load_png(png);
    if (s) {
        v = tv_view_new(m, W, H);
        tv_view_set_mode(v, TV_MODE_LOCKS, 0);
        SDL_Rect a = tv_lockgraph_area(v);
        int n = count_color(s, tv_c_finding, a.x, a.y, a.x + a.w, a.y + a.h);
        CHECK_MSG(n > 200, "the lock graph's cycle: %d finding-color pixels", n);
        tv_view_free(v);
        SDL_FreeSurface(s);
    }
out:
    tv_model_free(m);
}

/* ---- pools ---------------------------------------------------------------- */

static int is_worker(const tv_model *m, uint32_t lane) {
    for (size_t i = 0; i < m->npool_workers; i++)
        if (m->pool_workers[i].lane == lane) return 1;
    return 0;
}

static void check_pool(const char *trace, size_t workers, const char *summary_want) {
    tv_model *m = load(trace);
    if (!m) return;
    tv_view *v = tv_view_new(m, W, H);
    CHECK_MSG(tv_view_has_pools(v) && tv_view_npools(v) == 1, "%s: %zu pools", trace, tv_view_npools(v));
    CHECK_MSG(tv_view_set_mode(v, TV_MODE_POOL, 0) == 0 && v->mode == TV_MODE_POOL, "%s: no pool view", trace);
    CHECK_MSG(tv_view_set_mode(v, TV_MODE_POOL, 1) != 0 && v->mode == TV_MODE_POOL, "%s: a second pool", trace);
    /* only the workers and the pool's counters are laid out */
    size_t nw = 0, nc = 0, procs = 0, other = 0;
    for (size_t i = 0; i < v->nitems; i++) {
        const tv_item *it = &v->items[i];
        if (it->kind == TV_ITEM_PROC) {
            procs++;
            continue;
        }
        const tv_lane *l = &m->lanes[it->index];
        const char *name = tv_model_str(m, l->name);
        if (l->kind == TV_LANE_THREAD && is_worker(m, it->index)) nw++;
        else if (l->kind == TV_LANE_COUNTER && (!strcmp(name, "executor queued") || !strcmp(name, "executor busy")))
            nc++;
        else other++;
    }
    CHECK_MSG(nw == workers && nc == 2 && procs == 1 && other == 0,
              "%s pool view lays out %zu workers, %zu counters, %zu processes, %zu others", trace, nw, nc, procs, other);
    /* the panel's summary */
    char text[4096];
    tv_pool_summary_text(v, 0, text, sizeof text);
    char want[64];
    snprintf(want, sizeof want, "workers\t%zu\n", workers);
    CHECK_MSG(strstr(text, "pool executor") && strstr(text, want) && strstr(text, summary_want) &&
                  strstr(text, "queue wait\tp50 ") && strstr(text, "run time\tp50 ") && strstr(text, "imbalance\t") &&
                  strstr(text, "executor worker 0 (tid 2): "),
              "%s summary:\n%s", trace, text);

    /* the screenshot: every task on its worker's lane in its label's color */
    char png[1024], err[256];
    snprintf(png, sizeof png, "%s/%s-pool.png", outdir, trace);
    tv_shot shot = {W, H, 0, 0};
    tv_shot_more more = {0, 0, TV_MODE_POOL, 0, 0, 0};
    CHECK_MSG(tv_render_offscreen_more(m, &shot, &more, png, 0, NULL, NULL, err, sizeof err) == 0, "%s", err);
    SDL_Surface *s = load_png(png);
    tv_str task = tv_model_find_str(m, "task");
    size_t tasks = 0, colored = 0;
    for (size_t i = 0; s && i < v->nitems; i++) {
        if (v->items[i].kind != TV_ITEM_LANE) continue;
        uint32_t li = v->items[i].index;
        const tv_lane *l = &m->lanes[li];
        for (uint32_t r = 0; l->kind == TV_LANE_THREAD && r < l->nrows; r++)
            for (size_t k = 0; k < l->rows[r].n; k++) {
                const tv_slice *sl = &l->rows[r].s[k];
                int y, h;
                if (sl->cat != task || !tv_view_row_rect(v, li, r, &y, &h)) continue;
                tasks++;
                int x1 = (int)tv_t2x(v, sl->ts + sl->dur) - 3;
                tv_rgb c = tv_view_slice_color(v, l, sl), got = px(s, x1, y + h - 3);
                CHECK_MSG(same(c, tv_task_color(tv_model_str(m, sl->name))), "task color");
                if (same(got, c)) colored++;
                else
                    CHECK_MSG(0, "%s: task %s at %d,%d is %d,%d,%d, want %d,%d,%d", trace, tv_model_str(m, sl->name),
                              x1, y + h - 3, got.r, got.g, got.b, c.r, c.g, c.b);
            }
    }
    CHECK_MSG(tasks >= 3 && colored == tasks, "%s: %zu of %zu tasks drawn in their colors", trace, colored, tasks);
    if (s) CHECK_MSG(count_ink(s, v->g.side_x0 + 5, 0, W - 5, 200) > 300, "%s: no pool summary drawn", trace);
    SDL_FreeSurface(s);

    /* a selected task: its queue wait, run time and status */
    tv_sel sel = {TV_SEL_NONE, 0, 0, 0};
    for (uint32_t li = 0; li < m->nlanes && sel.kind == TV_SEL_NONE; li++)
        for (uint32_t r = 0; r < m->lanes[li].nrows && sel.kind == TV_SEL_NONE; r++)
            for (size_t k = 0; k < m->lanes[li].rows[r].n; k++)
                if (m->lanes[li].rows[r].s[k].cat == task && m->lanes[li].tid == 3) {
                    sel = (tv_sel){TV_SEL_SLICE, li, r, k};
                    break;
                }
    tv_task_text(v, &sel, text, sizeof text);
    CHECK_MSG(strstr(text, "task thread_function") && strstr(text, "queue wait\t") && strstr(text, "run time\t") &&
                  strstr(text, "status\t") && strstr(text, "worker\texecutor worker 1 (tid 3)"),
              "%s task text:\n%s", trace, text);
    if (!strcmp(trace, "pe.json"))
        CHECK_MSG(strstr(text, "queue wait\t158 us\n") && strstr(text, "status\tfailed\n"), "pe.json task:\n%s", text);
    /* v: timeline -> locks -> pool -> timeline */
    tv_view_set_mode(v, TV_MODE_TIMELINE, 0);
    tv_input in = {0};
    send(v, &in, key(SDLK_v, 0));
    send(v, &in, key(SDLK_v, 0));
    CHECK_MSG(v->mode == TV_MODE_POOL && v->lane_filter, "v v: mode %d", v->mode);
    send(v, &in, key(SDLK_v, 0));
    CHECK_MSG(v->mode == TV_MODE_TIMELINE && !v->lane_filter, "v v v: mode %d", v->mode);
    send(v, &in, key(SDLK_v, KMOD_LSHIFT));
    CHECK_MSG(v->mode == TV_MODE_POOL, "Shift+V back to the pool: mode %d", v->mode);
    tv_view_free(v);
    tv_model_free(m);
}

/* ---- options and their errors --------------------------------------------- */

static int run_quiet(int argc, char **argv) {
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
    return rc;
}

static void check_options(void) {
    char lu[1024], ph[1024], png[1024];
    snprintf(lu, sizeof lu, "%s/lu.json", dir);
    snprintf(ph, sizeof ph, "%s/ph.json", dir);
    snprintf(png, sizeof png, "%s/opt.png", outdir);
    char *a1[] = {"view", lu, "--screenshot", png, "--view", "pool", NULL};
    CHECK_MSG(run_quiet(6, a1) == 1, "--view pool without pools: not exit 1");
    char *a2[] = {"view", ph, "--screenshot", png, "--finding", "3", NULL};
    CHECK_MSG(run_quiet(6, a2) == 1, "--finding 3 of 2: not exit 1");
    char *a3[] = {"view", ph, "--screenshot", png, "--view", "graph", NULL};
    CHECK_MSG(run_quiet(6, a3) == 2, "--view graph: not a usage error");
    char *a4[] = {"view", ph, "--screenshot", png, "--at", "soon", NULL};
    CHECK_MSG(run_quiet(6, a4) == 2, "--at soon: not a usage error");
    char *a5[] = {"view", ph, "--screenshot", png, "--finding", "0", NULL};
    CHECK_MSG(run_quiet(6, a5) == 2, "--finding 0: not a usage error");
    char *a6[] = {"view", ph, "--screenshot", png, "--size", "800x500", "--at=0.3ms", "--view=locks", NULL};
    CHECK_MSG(run_quiet(8, a6) == 0, "--at= --view=: failed");
    char *a7[] = {"view", ph, "--screenshot", png, "--view", "timeline", "--at", "300us", "--finding=1", NULL};
    CHECK_MSG(run_quiet(9, a7) == 0, "--at and --finding together failed");
    /* the legend: the swatches of the states, in the side column */
    char *a8[] = {"view", lu, "--screenshot", png, "--size", "1400x800", "--legend", NULL};
    CHECK_MSG(run_quiet(7, a8) == 0, "--legend failed");
    SDL_Surface *s = load_png(png);
    if (s) {
        static const char *const states[] = {"running", "waiting for", "waiting on", "joining", "sleeping"};
        int x0 = W - TV_SIDE_W;
        for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
            CHECK_MSG(count_color(s, tv_state_color(states[i]), x0, 0, W, H) > 150, "the legend lacks '%s'",
                      states[i]);
        CHECK_MSG(count_color(s, tv_c_finding, x0, 100, W, H) > 30, "the legend lacks the finding marks");
        SDL_FreeSurface(s);
    }
    CHECK_MSG(s != NULL, "--legend: no PNG");
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s DIR OUTDIR\n", argv[0]);
        return 2;
    }
    dir = argv[1], outdir = argv[2];
    mkdir(outdir, 0755);
    check_lost_update();
    check_deadlock();
    check_pool("pe.json", 2, "3 ran, 1 failed");
    check_pool("pm.json", 3, "tasks\t3 ran\n");
    check_options();
    IMG_Quit();
    SDL_Quit();
    if (tl_test_failures) {
        fprintf(stderr, "%d check(s) failed\n", tl_test_failures);
        return 1;
    }
    printf("views test: all checks passed\n");
    return 0;
}
