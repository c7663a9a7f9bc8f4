/*
 * tv_draw_ui.c — the chrome around the lanes: time axis, details panel or
 * status line, find bar, tooltip, help overlay, and the loading screen.
 */
#include <stdio.h>
#include <string.h>

#include "tv_draw.h"
#include "tv_lockgraph.h"
#include "tv_replay.h"
#include "tv_report_int.h"

void tv_draw_axis(tv_gfx *g, const tv_view *v) {
    const tv_geom *G = &v->g;
    const tv_model *m = v->m;
    tv_gfx_fill(g, tv_c_axis_bg, 0, 0, G->w, G->area_y0);
    tv_gfx_fill(g, tv_c_sep, 0, G->area_y0 - 1, G->w, 1);
    int fh = tv_font_height(g->font);
    char b[200], d[48];
    const tv_rep *rep = v->rep;
    if (v->mode == TV_MODE_POOL && rep && v->pool < rep->npools)
        snprintf(b, sizeof b, "pool %s, visible: %s", rep->pools[v->pool].name ? rep->pools[v->pool].name : "?",
                 tv_fmt_dur(v->end - v->start, d, sizeof d));
    else
        snprintf(b, sizeof b, "visible: %s", tv_fmt_dur(v->end - v->start, d, sizeof d));
    tv_text_draw(g->r, g->small, 10, (G->area_y0 - fh) / 2, b, tv_c_text_dim, G->tl_x0 - 16);

    /* a 1-2-5 step whose labels fit between the ticks */
    int64_t span = v->end - v->start, step = 0;
    int px = G->tl_x1 - G->tl_x0, min_px = 110;
    int64_t t0 = m->t0, rel = v->start - t0, k = 0;
    for (int tries = 0; tries < 4; tries++) {
        step = tv_tick_step(span, px, min_px);
        k = rel >= 0 ? (rel + step - 1) / step : -((-rel) / step);
        int widest = 0;
        for (int64_t t = k * step; t0 + t <= v->end; t += step) {
            int w = tv_text_width(g->font, tv_fmt_tick(t, step, b, sizeof b));
            if (w > widest) widest = w;
        }
        double spacing = (double)step * px / (double)span;
        if (widest + 14 <= spacing) break;
        min_px = widest + 24;
    }
    SDL_RenderSetClipRect(g->r, &(SDL_Rect){G->tl_x0, 0, px, G->area_y0});
    for (int64_t t = k * step; t0 + t <= v->end; t += step) {
        int x = (int)tv_t2x(v, t0 + t);
        tv_gfx_fill(g, tv_c_text_dim, x, G->area_y0 - 9, 1, 8);
        tv_fmt_tick(t, step, b, sizeof b);
        if (x + 4 + tv_text_width(g->font, b) <= G->tl_x1) /* no half labels at the edge */
            tv_text_draw(g->r, g->font, x + 4, (G->area_y0 - fh) / 2 - 2, b, tv_c_text, TV_TEXT_NOLIMIT);
    }
    /* process- and global-scope marks: a marker on the axis (their line runs
     * down the lanes) */
    for (size_t i = tv_marks_first_at(m->gmarks, m->ngmarks, v->start); i < m->ngmarks && m->gmarks[i].ts <= v->end; i++) {
        const tv_mark *mk = &m->gmarks[i];
        float x = (float)(int)tv_t2x(v, mk->ts) + 0.5f, y = (float)G->area_y0 - 11;
        tv_rgb c = mk->finding ? tv_c_finding : tv_c_mark;
        tv_gfx_tri(g, c, x - 5, y, x + 5, y, x, y + 10);
        /* the rest of a pile at one pixel adds nothing */
        while (i + 1 < m->ngmarks && (int)tv_t2x(v, m->gmarks[i + 1].ts) == (int)x) i++;
    }
    tv_gfx_flush_tris(g);
    SDL_RenderSetClipRect(g->r, NULL);
}

/* What the replay is doing, in front of the status line: the view, the
 * playhead's step and the speed. Returns the length written. */
static int replay_status(const tv_view *v, char *b, size_t len) {
    int n = 0;
    if (v->mode == TV_MODE_LOCKS && v->lockgraph) {
        const tv_lockgraph *lg = v->lockgraph;
        if (v->lg_node1 && (size_t)v->lg_node1 <= lg->nnodes) {
            const tv_lg_node *nd = &lg->nodes[v->lg_node1 - 1];
            n = snprintf(b, len, "lock %s%s%s: %llu holds   |   ", nd->name, *nd->kind ? ", " : "", nd->kind,
                         (unsigned long long)nd->holds);
        } else {
            n = snprintf(b, len, "lock graph   |   ");
        }
    }
    if (v->has_playhead && (size_t)n < len) {
        char t[200], sp[48];
        /* the step, which starts with its time; else the time alone */
        if (!v->playing && v->step1 && v->replay && v->step1 <= tv_replay_nsteps(v->replay))
            tv_replay_step_text(v->replay, v->step1 - 1, t, sizeof t);
        else
            tv_fmt_time(v->playhead - v->m->t0, t, sizeof t);
        tv_fmt_dur((int64_t)tv_play_speed(v), sp, sizeof sp);
        n += snprintf(b + n, len - (size_t)n, "%s%s   |   %s/s%s   |   ", v->playing ? "playing " : "", t, sp,
                      v->playing ? "" : " (Space plays)");
    }
    return n < 0 ? 0 : (size_t)n < len ? n : (int)len - 1;
}

static void status_line(tv_gfx *g, const tv_view *v) {
    const tv_geom *G = &v->g;
    const tv_model *m = v->m;
    int threads = 0, locks = 0;
    for (uint32_t i = 0; i < m->nlanes; i++) {
        threads += m->lanes[i].kind == TV_LANE_THREAD;
        locks += (m->lanes[i].flags & TV_LANE_LOCK) != 0;
    }
    char b[1024], d[48];
    int n = replay_status(v, b, sizeof b);
    n += snprintf(b + n, sizeof b - (size_t)n, "%s   |   %llu events, %d threads, %d locks, %zu arrows%s   |   %s",
                  v->title ? v->title : "", (unsigned long long)m->stats.events, threads, locks,
                  m->nflows, m->stats.truncated ? ", truncated file" : "",
                  tv_fmt_dur(m->t1 - m->t0, d, sizeof d));
    if (n > 0 && (size_t)n < sizeof b && tv_view_arrows_in_range(v) > TV_ARROWS_DENSE)
        snprintf(b + n, sizeof b - (size_t)n, "   |   arrows: too many to show, click a slice or zoom in");
    int fh = tv_font_height(g->font), y = G->panel_y0 + (G->h - G->panel_y0 - fh) / 2;
    const char *hint = v->has_playhead ? "Space  play    Left/Right  step    n  finding    v  view    ?  keys"
                                       : "?  keys    Space  replay    n  next finding    v  view    click  details";
    int hw = tv_text_width(g->small, hint), room = G->w - hw - 40;
    /* a narrow window: the status, cut, rather than the hint over it */
    if (room < G->w / 2) room = G->w - 20;
    else tv_text_draw(g->r, g->small, G->w - hw - 12, y + 1, hint, tv_c_text_dim, TV_TEXT_NOLIMIT);
    tv_text_draw(g->r, g->font, 10, y, b, tv_c_text, room);
}

void tv_draw_panel(tv_gfx *g, const tv_view *v) {
    const tv_geom *G = &v->g;
    tv_gfx_fill(g, tv_c_panel_bg, 0, G->panel_y0, G->w, G->h - G->panel_y0);
    tv_gfx_fill(g, tv_c_sep, 0, G->panel_y0, G->w, 1);
    if (v->sel.kind == TV_SEL_NONE) {
        status_line(g, v);
        return;
    }
    const tv_sel *a = &g->details_sel, *b = &v->sel;
    if (g->details_m != v->m || a->kind != b->kind || a->lane != b->lane || a->row != b->row ||
        a->index != b->index) {
        tv_view_details(v, &v->sel, g->details, sizeof g->details);
        g->details_m = v->m;
        g->details_sel = v->sel;
    }
    char text[sizeof g->details]; /* cut into lines in place below */
    memcpy(text, g->details, strlen(g->details) + 1);
    int fh = tv_font_height(g->font), lh = fh + 3;
    int x = 12, y = G->panel_y0 + 8, colw = G->w / 2 - 16, keyw = 110;
    if (colw < keyw + 120) colw = G->w - 24; /* too narrow for two columns */
    char *line = text, *nl;
    int first = 1;
    SDL_RenderSetClipRect(g->r, &(SDL_Rect){0, G->panel_y0 + 1, G->w, G->h - G->panel_y0 - 1});
    for (; *line; line = nl ? nl + 1 : line + strlen(line)) {
        nl = strchr(line, '\n');
        if (nl) *nl = 0;
        if (first) {
            /* the title, with the selection's color as a swatch */
            tv_text_draw(g->r, g->bold, x, y, line, tv_c_text, G->w - 24);
            y += lh + 4;
            first = 0;
        } else {
            if (y + lh > G->h - 4) { /* next column */
                x += colw + 16;
                y = G->panel_y0 + 8 + lh + 4;
                if (x + 100 > G->w) break;
            }
            char *tab = strchr(line, '\t');
            if (tab) {
                *tab = 0;
                tv_text_draw(g->r, g->font, x, y, line, tv_c_text_dim, keyw - 8);
                tv_text_draw(g->r, g->font, x + keyw, y, tab + 1, tv_c_text, colw - keyw);
            } else {
                tv_text_draw(g->r, g->font, x, y, line, tv_c_text, colw);
            }
            y += lh;
        }
        if (!nl) break;
    }
    SDL_RenderSetClipRect(g->r, NULL);
}

static void box(tv_gfx *g, tv_rgb bg, int x, int y, int w, int h) {
    tv_gfx_fill(g, TV_RGB(0, 0, 0), x + 2, y + 2, w, h); /* shadow */
    tv_gfx_fill(g, bg, x, y, w, h);
    tv_gfx_frame(g, TV_RGB(140, 145, 152), x, y, w, h, 1);
}

static void find_bar(tv_gfx *g, const tv_view *v) {
    const tv_geom *G = &v->g;
    int w = 470, h = 26, x = G->tl_x1 - w - 8, y = G->area_y0 + 6;
    if (x < 4) x = 4;
    box(g, TV_RGB(255, 255, 255), x, y, w, h);
    int fh = tv_font_height(g->font), ty = y + (h - fh) / 2;
    int px = x + 8 + tv_text_draw(g->r, g->bold, x + 8, ty, "Find:", tv_c_text, TV_TEXT_NOLIMIT) + 6;
    char count[64];
    const tv_find *f = &v->find;
    if (!f->text[0]) snprintf(count, sizeof count, "type a name");
    else if (!f->nhits) snprintf(count, sizeof count, "no match");
    else if (f->cur == SIZE_MAX) snprintf(count, sizeof count, "%zu%s found, Enter", f->nhits, f->capped ? "+" : "");
    else snprintf(count, sizeof count, "%zu/%zu%s", f->cur + 1, f->nhits, f->capped ? "+" : "");
    int cw = tv_text_width(g->small, count);
    int tw = tv_text_draw(g->r, g->font, px, ty, f->text, tv_c_text, x + w - cw - 20 - px);
    tv_gfx_fill(g, tv_c_text, px + tw + 1, y + 5, 1, h - 10); /* caret */
    tv_text_draw(g->r, g->small, x + w - cw - 8, ty + 1, count,
                 f->text[0] && !f->nhits ? tv_c_finding : tv_c_text_dim, TV_TEXT_NOLIMIT);
}

static void tooltip(tv_gfx *g, const tv_view *v) {
    char b[512];
    if (!v->mouse_in || !tv_view_tooltip(v, &v->hover, b, sizeof b)) return;
    int w = tv_text_width(g->font, b) + 12, h = tv_font_height(g->font) + 8;
    int x = v->mouse_x + 14, y = v->mouse_y + 18;
    if (x + w > v->g.w - 2) x = v->g.w - w - 2;
    if (y + h > v->g.h - 2) y = v->mouse_y - h - 6;
    if (x < 2) x = 2;
    box(g, tv_c_tooltip_bg, x, y, w, h);
    tv_text_draw(g->r, g->font, x + 6, y + 4, b, tv_c_text, TV_TEXT_NOLIMIT);
}

static void help(tv_gfx *g, const tv_view *v) {
    static const char *const keys[][2] = {
        {"mouse wheel", "zoom in and out at the cursor"},
        {"Shift + wheel", "scroll the lanes up and down"},
        {"drag", "pan (left button held)"},
        {"click", "select a slice, a mark or an arrow: details below"},
        {"click a name", "collapse or expand a lane or a process"},
        {"W  /  S", "zoom in / out (at the mouse, else the centre)"},
        {"A  /  D", "pan left / right"},
        {"Up Down PgUp PgDn", "scroll the lanes"},
        {"F", "fit the selection (or the whole trace)"},
        {"Space", "replay: play / pause the playhead; + / - speed"},
        {"Left  /  Right", "step to the previous / next event of any thread"},
        {"Shift + Left / Right", "step through the selected thread's events only"},
        {"click the axis", "put the playhead there (drag it to scrub)"},
        {"n  /  N", "next / previous finding (race, deadlock, ...)"},
        {"l  /  k", "findings list / legend on and off"},
        {"v  /  Shift+V", "next / previous view: timeline, lock graph, pools"},
        {"/  or  Ctrl+F", "find by name: Enter next, Shift+Enter previous"},
        {"Esc", "close find or help, else clear the selection, then the finding"},
        {"?", "show or hide this help"},
        {"Q", "quit"},
    };
    static const char *const states[] = {"running", "waiting for", "waiting to read", "spinning on",
                                         "waiting on", "joining", "in barrier", "sleeping"};
    const tv_geom *G = &v->g;
    int n = (int)(sizeof keys / sizeof keys[0]);
    int fh = tv_font_height(g->font), lh = fh + (G->h < 640 ? 2 : 6); /* a short window: tighter */
    int w = 620, h = 60 + n * lh + 70, x = (G->w - w) / 2, y = (G->h - h) / 2;
    if (x < 0) x = 0;
    if (y < 0) y = 0;
    tv_gfx_fill(g, (tv_rgb){20, 24, 32, 110}, 0, 0, G->w, G->h);
    box(g, TV_RGB(255, 255, 255), x, y, w, h);
    tv_text_draw(g->r, g->bold, x + 20, y + 16, "threadlens view: keys and mouse", tv_c_text, TV_TEXT_NOLIMIT);
    for (int i = 0; i < n; i++) {
        int ly = y + 48 + i * lh;
        tv_text_draw(g->r, g->bold, x + 24, ly, keys[i][0], tv_c_text, 196);
        tv_text_draw(g->r, g->font, x + 230, ly, keys[i][1], tv_c_text, w - 250);
    }
    int ly = y + 48 + n * lh + 14, lx = x + 24;
    tv_text_draw(g->r, g->bold, lx, ly, "thread states (k: the whole legend):", tv_c_text, TV_TEXT_NOLIMIT);
    ly += lh;
    for (int i = 0; i < 8; i++) {
        int tw = tv_text_width(g->small, states[i]);
        if (lx + 16 + tw > x + w - 10) lx = x + 24, ly += lh;
        tv_gfx_fill(g, tv_state_color(states[i]), lx, ly + 2, 10, 10);
        tv_text_draw(g->r, g->small, lx + 14, ly, states[i], tv_c_text, TV_TEXT_NOLIMIT);
        lx += 14 + tw + 14;
    }
}

void tv_draw_overlays(tv_gfx *g, const tv_view *v) {
    if (v->find.open) find_bar(g, v);
    if (!v->help) tooltip(g, v);
    if (v->help) help(g, v);
}

void tv_draw_progress(tv_gfx *g, int w, int h, const char *what, double frac) {
    if (frac < 0) frac = 0;
    if (frac > 1) frac = 1;
    tv_gfx_fill(g, tv_c_bg, 0, 0, w, h);
    int bw = w * 2 / 3 > 600 ? 600 : w * 2 / 3, bh = 16, x = (w - bw) / 2, y = h / 2;
    char b[600];
    snprintf(b, sizeof b, "Loading %s   %d%%", what, (int)(frac * 100));
    int fh = tv_font_height(g->font);
    tv_text_draw(g->r, g->font, x, y - fh - 8, b, tv_c_text, bw);
    tv_gfx_fill(g, tv_c_axis_bg, x, y, bw, bh);
    tv_gfx_fill(g, TV_RGB(76, 175, 80), x, y, (int)(bw * frac), bh);
    tv_gfx_frame(g, tv_c_sep, x, y, bw, bh, 1);
    tv_text_draw(g->r, g->small, x, y + bh + 8, "close the window to cancel", tv_c_text_dim, bw);
}
