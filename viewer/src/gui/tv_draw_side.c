/*
 * tv_draw_side.c — the side column right of the lanes: the findings list
 * (fixed rows, see tv_side.c), then a scrolling part with the focused
 * finding's text, the pool's summary and the selected task (pool view),
 * the state at the playhead (waiting threads highlighted, each thread with
 * its state's color), and the legend.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_draw.h"
#include "tv_overlay.h"
#include "tv_replay.h"

#define PAD 10
#define KEY_W 96

static int lh(void) { return TV_SIDE_LINE; }

/* Draws s[0..n) (a copy: the text functions want a terminated string). */
static void draw_n(tv_gfx *g, tv_font *f, int x, int y, const char *s, size_t n, tv_rgb c, int maxw) {
    char b[512];
    if (n >= sizeof b) n = sizeof b - 1;
    memcpy(b, s, n);
    b[n] = 0;
    tv_text_draw(g->r, f, x, y + 1, b, c, maxw);
}

/* The most bytes of s (at a character boundary) that fit in w. */
static size_t fit(tv_font *f, const char *s, size_t n, int w) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if (tv_text_width_n(f, s, mid) <= w) lo = mid;
        else hi = mid - 1;
    }
    while (lo > 0 && lo < n && (s[lo] & 0xc0) == 0x80) lo--;
    return lo;
}

int tv_draw_wrapped(tv_gfx *g, tv_font *f, int x, int y, int w, const char *line, tv_rgb c, int draw) {
    const char *tab = strchr(line, '\t');
    if (tab && w > KEY_W + 80) {
        if (draw) draw_n(g, f, x, y, line, (size_t)(tab - line), tv_c_text_dim, KEY_W - 6);
        line = tab + 1, x += KEY_W, w -= KEY_W;
    }
    const char *s = line;
    int h = 0, indent = 0;
    if (!*s) return lh();
    while (*s) {
        size_t n = strlen(s);
        int avail = w - indent;
        if (avail < 20) avail = 20;
        size_t k = tv_text_width_n(f, s, n) <= avail ? n : fit(f, s, n, avail);
        size_t brk = k;
        if (k < n)
            for (size_t j = k; j > k / 3; j--)
                if (s[j - 1] == ' ' || s[j - 1] == ',' || s[j - 1] == '/') {
                    brk = j;
                    break;
                }
        if (brk == 0) { /* not one character fits: take one anyway */
            brk = 1;
            while (brk < n && (s[brk] & 0xc0) == 0x80) brk++;
        }
        if (draw) draw_n(g, f, x + indent, y + h, s, brk, c, avail + 4);
        s += brk;
        while (*s == ' ') s++;
        h += lh();
        indent = 14;
    }
    return h;
}

/* Each "\n"-separated line of text, wrapped; the first in bold when title. */
static int text_block(tv_gfx *g, const char *text, int x, int y, int w, int title, int y0, int y1) {
    int h = 0;
    char line[1024];
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n >= sizeof line) n = sizeof line - 1;
        memcpy(line, p, n);
        line[n] = 0;
        tv_font *f = title && p == text ? g->bold : g->font;
        int dy = tv_draw_wrapped(g, f, x, y + h, w, line, tv_c_text, 0);
        if (y + h + dy > y0 && y + h < y1) tv_draw_wrapped(g, f, x, y + h, w, line, tv_c_text, 1);
        h += dy;
        p = nl ? nl + 1 : p + n;
    }
    return h;
}

static void header(tv_gfx *g, int x, int y, int w, const char *title, const char *hint) {
    int hw = hint ? tv_text_width(g->small, hint) : 0;
    tv_text_draw(g->r, g->bold, x, y + 1, title, tv_c_text, w - hw - 8);
    if (hint && tv_text_width(g->bold, title) + hw + 12 < w)
        tv_text_draw(g->r, g->small, x + w - hw, y + 2, hint, tv_c_text_dim, TV_TEXT_NOLIMIT);
}

static void findings_list(tv_gfx *g, const tv_view *v, int x0, int w) {
    const tv_model *m = v->m;
    size_t rows = tv_side_flist_rows(v);
    int x = x0 + PAD, y = 4;
    char b[256];
    snprintf(b, sizeof b, "Findings (%zu)", m->nfindings);
    header(g, x, y, w - 2 * PAD, b, "n next  N prev  l hide");
    y += lh();
    for (size_t r = 0; r < rows; r++, y += lh()) {
        size_t i = v->flist_top + r;
        if (i >= m->nfindings) break;
        int focus = v->finding1 == i + 1;
        if (focus) tv_gfx_fill(g, tv_c_focus_bg, x0 + 1, y, w - 1, lh());
        /* the finding's mark, then its line; not yet reached by the playhead: dim */
        int later = v->has_playhead && tv_finding_ts(m, i) > v->playhead;
        tv_rgb c = later ? tv_c_text_dim : tv_c_finding;
        tv_gfx_tri(g, c, (float)x, (float)y + 4, (float)x + 9, (float)y + 4, (float)x + 4.5f, (float)y + 12);
        tv_gfx_flush_tris(g);
        tv_side_finding_line(m, i, b, sizeof b);
        tv_text_draw(g->r, focus ? g->bold : g->font, x + 14, y + 1, b, later ? tv_c_text_dim : tv_c_text,
                     w - 2 * PAD - 14);
    }
    if (m->nfindings > rows) {
        snprintf(b, sizeof b, "%zu-%zu of %zu", v->flist_top + 1, v->flist_top + rows, m->nfindings);
        int bw = tv_text_width(g->small, b);
        tv_text_draw(g->r, g->small, x0 + w - PAD - bw, y + 1, b, tv_c_text_dim, TV_TEXT_NOLIMIT);
    }
    tv_gfx_fill(g, tv_c_sep, x0, tv_side_flist_y1(v) - 1, w, 1);
}

static const char *cached_finding(tv_gfx *g, const tv_view *v) {
    if (g->side_m != v->m) {
        g->side_m = v->m;
        g->side_finding1 = g->side_pool1 = 0;
        g->side_task_sel.kind = -1;
    }
    if (g->side_finding1 != v->finding1) {
        g->finding_text[0] = 0;
        if (v->finding1) tv_finding_text(v->m, v->finding1 - 1, g->finding_text, sizeof g->finding_text);
        g->side_finding1 = v->finding1;
    }
    return g->finding_text;
}

static int blocked(const char *state) {
    return !strncmp(state, "waiting", 7) || !strncmp(state, "spinning", 8) || !strncmp(state, "joining", 7) ||
           !strncmp(state, "in barrier", 10);
}

#define STATE_CAP (64 * 1024)

/* The state text and state at the playhead, made again only when the
 * playhead moves (not on every frame); NULL out of memory. */
static const char *cached_state(tv_gfx *g, const tv_view *v, const tv_replay *r, const tv_rp_state **st) {
    if (!g->state_text || g->state_m != v->m || g->state_t != v->playhead) {
        if (g->state_have) tv_rp_state_free(&g->state);
        memset(&g->state, 0, sizeof g->state);
        g->state_have = 0;
        g->state_m = NULL;
        if (!g->state_text && !(g->state_text = malloc(STATE_CAP))) return NULL;
        tv_replay_text(r, v->playhead, g->state_text, STATE_CAP);
        g->state_have = tv_replay_state(r, v->playhead, &g->state) == 0;
        g->state_m = v->m, g->state_t = v->playhead;
    }
    *st = g->state_have ? &g->state : NULL;
    return g->state_text;
}

/* The state at the playhead: tv_replay_text's lines; a thread's line gets
 * its state's swatch, and a red band while it waits. */
static int state_block(tv_gfx *g, tv_view *v, int x, int y, int w, int y0, int y1) {
    const tv_model *m = v->m;
    tv_replay *r = tv_view_replay(v);
    char t[64], b[256];
    tv_fmt_time(v->playhead - m->t0, t, sizeof t);
    snprintf(b, sizeof b, "State at %s", t);
    int h = 0;
    if (y > y0 - lh() && y < y1) header(g, x, y, w, b, "Left/Right step");
    h += lh();
    if (!r) return h + tv_draw_wrapped(g, g->font, x, y + h, w, "(out of memory)", tv_c_finding, 1);
    if (v->step1 && v->step1 <= tv_replay_nsteps(r)) {
        tv_replay_step_text(r, v->step1 - 1, b, sizeof b);
        int dy = tv_draw_wrapped(g, g->small, x, y + h, w, b, tv_c_text_dim, 0);
        if (y + h + dy > y0 && y + h < y1) tv_draw_wrapped(g, g->small, x, y + h, w, b, tv_c_text_dim, 1);
        h += dy;
    }
    const tv_rp_state *st;
    const char *text = cached_state(g, v, r, &st);
    if (!text) return h;
    char line[1024];
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n >= sizeof line) n = sizeof line - 1;
        memcpy(line, p, n);
        line[n] = 0;
        p = nl ? nl + 1 : p + n;
        const tv_rp_thread *th = NULL;
        for (size_t i = 0; st && i < st->nthreads && line[0] == ' '; i++) {
            char pre[200];
            int k = snprintf(pre, sizeof pre, "%s (tid %lld)", st->threads[i].name ? st->threads[i].name : "",
                             (long long)st->threads[i].tid);
            const char *q = line;
            while (*q == ' ') q++;
            if (k > 0 && !strncmp(q, pre, (size_t)k)) {
                th = &st->threads[i];
                break;
            }
        }
        int section = line[0] && line[0] != ' ';
        int ind = th ? 14 : 0;
        int dy = tv_draw_wrapped(g, section ? g->bold : g->font, x + ind, y + h, w - ind, line, tv_c_text, 0);
        if (y + h + dy > y0 && y + h < y1) {
            const char *stn = th && th->state ? th->state : "";
            if (th && (th->waits_for || blocked(stn))) tv_gfx_fill(g, tv_c_wait_bg, x - 4, y + h, w + 8, dy);
            if (th && *stn) {
                tv_gfx_fill(g, tv_state_color(stn), x, y + h + 4, 10, 10);
                tv_gfx_frame(g, tv_shade(tv_state_color(stn), 0.7), x, y + h + 4, 10, 10, 1);
            }
            tv_draw_wrapped(g, section ? g->bold : g->font, x + ind, y + h, w - ind, line, tv_c_text, 1);
        }
        h += dy;
    }
    return h;
}

static const char *cached_pool(tv_gfx *g, tv_view *v) {
    if (g->side_pool1 != v->pool + 1) {
        tv_pool_summary_text(v, v->pool, g->pool_text, sizeof g->pool_text);
        g->side_pool1 = v->pool + 1;
    }
    return g->pool_text;
}

static const char *cached_task(tv_gfx *g, const tv_view *v) {
    const tv_sel *a = &g->side_task_sel, *b = &v->sel;
    if (a->kind != b->kind || a->lane != b->lane || a->row != b->row || a->index != b->index) {
        tv_task_text(v, &v->sel, g->task_text, sizeof g->task_text);
        g->side_task_sel = v->sel;
    }
    return g->task_text;
}

static void rule(tv_gfx *g, int x0, int w, int y, int y0, int y1) {
    if (y > y0 && y < y1) tv_gfx_fill(g, tv_c_sep, x0 + PAD, y, w - 2 * PAD, 1);
}

void tv_draw_side(tv_gfx *g, tv_view *v) {
    const tv_geom *G = &v->g;
    if (G->side_x0 >= G->w || G->panel_y0 <= 0) return;
    int x0 = G->side_x0, w = G->w - x0, ybot = G->panel_y0;
    SDL_Rect all = {x0, 0, w, ybot};
    SDL_RenderSetClipRect(g->r, &all);
    tv_gfx_fill(g, tv_c_panel_bg, x0, 0, w, ybot);
    tv_gfx_fill(g, tv_c_sep, x0, 0, 1, ybot);
    int ytop = 0;
    const char *ftext = cached_finding(g, v);
    if (tv_side_flist_open(v)) {
        findings_list(g, v, x0, w);
        ytop = tv_side_flist_y1(v);
    }
    /* the scrolling part, kept within what it held last frame */
    int room = ybot - ytop, maxs = g->side_content_h - room;
    if (v->side_scroll > maxs) v->side_scroll = maxs;
    if (v->side_scroll < 0) v->side_scroll = 0;
    SDL_Rect sc = {x0 + 1, ytop, w - 1, room > 0 ? room : 0};
    SDL_RenderSetClipRect(g->r, &sc);
    int x = x0 + PAD, tw = w - 2 * PAD, y = ytop + 6 - v->side_scroll, start = y;
    int sections = 0;
    if (v->finding1 && ftext[0]) {
        char b[200];
        snprintf(b, sizeof b, "Finding %zu: %s", v->finding1, tv_model_str(v->m, v->m->findings[v->finding1 - 1].kind));
        if (y < ybot) header(g, x, y, tw, b, NULL);
        y += lh();
        y += text_block(g, ftext, x, y, tw, 0, ytop, ybot) + 6;
        sections++;
    }
    if (v->mode == TV_MODE_POOL) {
        if (sections++) rule(g, x0, w, y - 3, ytop, ybot), y += 4;
        y += text_block(g, cached_pool(g, v), x, y, tw, 1, ytop, ybot) + 6;
        const char *task = cached_task(g, v);
        if (task[0]) {
            rule(g, x0, w, y - 3, ytop, ybot), y += 4;
            y += text_block(g, task, x, y, tw, 1, ytop, ybot) + 6;
        } else {
            y += tv_draw_wrapped(g, g->small, x, y, tw, "click a task for its queue wait and run time",
                                 tv_c_text_dim, y < ybot) + 6;
        }
    }
    if (v->has_playhead) {
        if (sections++) rule(g, x0, w, y - 3, ytop, ybot), y += 4;
        y += state_block(g, v, x, y, tw, ytop, ybot) + 6;
    }
    if (v->legend) {
        if (sections++) rule(g, x0, w, y - 3, ytop, ybot), y += 4;
        y += tv_draw_legend(g, x, y, tw) + 6;
    }
    g->side_content_h = y - start + 6;
    tv_gfx_flush_rects(g);
    tv_gfx_flush_tris(g);
    SDL_RenderSetClipRect(g->r, NULL);
}
