/*
 * tv_shot.c — the headless screenshot: a software renderer on a surface (no
 * display needed, same drawing code, same pixels every run), showing the
 * view, range, playhead and finding that `view --screenshot` asks for.
 */
#include <SDL.h>
#include <SDL_image.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tv_app.h"
#include "tv_draw.h"

#define DEFAULT_W 1600
#define DEFAULT_H 900

static const char *base_name(const char *p) {
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int tv_shot_apply(tv_view *v, const tv_shot *s, const tv_shot_more *more, char *err, size_t errlen) {
    const tv_model *m = v->m;
    static const tv_shot_more none;
    if (!more) more = &none;
    if (more->mode == TV_MODE_POOL && tv_view_set_mode(v, TV_MODE_POOL, more->pool)) {
        size_t np = tv_view_npools(v);
        if (np) snprintf(err, errlen, "--view pool: the trace has %zu pool%s", np, np == 1 ? "" : "s");
        else snprintf(err, errlen, "--view pool: the trace has no pools");
        return -1;
    }
    if (more->mode == TV_MODE_LOCKS && tv_view_set_mode(v, TV_MODE_LOCKS, 0)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (more->legend) {
        v->legend = 1;
        tv_view_resize(v, v->g.w, v->g.h);
    }
    if (s->start != s->end) tv_view_set_range(v, s->start, s->end);
    if (more->finding) {
        if (more->finding > m->nfindings) {
            snprintf(err, errlen, "--finding %zu: the trace has %zu finding%s", more->finding, m->nfindings,
                     m->nfindings == 1 ? "" : "s");
            return -1;
        }
        int64_t start = v->start, end = v->end;
        tv_focus_finding(v, more->finding - 1);
        /* an asked-for range wins over revealing the finding, and so does
         * an asked-for time: --at follows from the view as it was */
        if (s->start != s->end) tv_view_set_range(v, s->start, s->end);
        else if (more->has_at) tv_view_set_range(v, start, end);
    }
    if (more->has_at) {
        tv_playhead_set(v, more->at);
        if (s->start != s->end) tv_view_set_range(v, s->start, s->end);
    }
    return 0;
}

int tv_render_offscreen(const tv_model *m, const tv_shot *shot, const char *png, int frames,
                        double *mean_ms, double *max_ms, char *err, size_t errlen) {
    return tv_render_offscreen_more(m, shot, NULL, png, frames, mean_ms, max_ms, err, errlen);
}

int tv_render_offscreen_more(const tv_model *m, const tv_shot *shot, const tv_shot_more *more, const char *png,
                             int frames, double *mean_ms, double *max_ms, char *err, size_t errlen) {
    int w = shot->w > 0 ? shot->w : DEFAULT_W, h = shot->h > 0 ? shot->h : DEFAULT_H;
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
    tv_gfx g;
    int gfx_ok = 0, rc = -1;
    tv_view *v = NULL;
    if (!r) {
        snprintf(err, errlen, "cannot create a %dx%d software renderer: %s", w, h, SDL_GetError());
        goto out;
    }
    if (tv_gfx_init(&g, r, err, errlen)) goto out;
    gfx_ok = 1;
    v = tv_view_new(m, w, h);
    if (!v) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    v->title = m->path ? base_name(m->path) : "";
    if (tv_shot_apply(v, shot, more, err, errlen)) goto out;
    double sum = 0, worst = 0;
    for (int i = 0; i < frames; i++) {
        double t = now_s();
        tv_draw_frame(&g, v);
        SDL_RenderFlush(r);
        t = (now_s() - t) * 1e3;
        sum += t;
        if (t > worst) worst = t;
    }
    if (mean_ms) *mean_ms = frames > 0 ? sum / frames : 0;
    if (max_ms) *max_ms = worst;
    tv_draw_frame(&g, v);
    /* the side column's scroll settles on the first frame (its height is
     * known once drawn): draw again so the picture is the settled one */
    if (v->side_scroll) tv_draw_frame(&g, v);
    SDL_RenderFlush(r);
    if (png && IMG_SavePNG(surf, png) != 0) {
        snprintf(err, errlen, "%s: cannot write the PNG: %s", png, IMG_GetError());
        goto out;
    }
    rc = 0;
out:
    tv_view_free(v);
    if (gfx_ok) tv_gfx_free(&g);
    if (r) SDL_DestroyRenderer(r);
    SDL_FreeSurface(surf);
    return rc;
}
