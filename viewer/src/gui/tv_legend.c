/*
 * tv_legend.c — the legend of colors and marks (key k): each entry drawn
 * with the same shapes and colors the lanes use.
 */
#include <math.h>

#include "tv_draw.h"

enum icon { SWATCH, HOLDS, MARK, COND, DROPPED, FINDING, RACE, CYCLE, ARROW, COUNTER, TASK, PLAYHEAD, GAVE_UP };

static void draw_icon(tv_gfx *g, int icon, const char *arg, float x, float y) {
    /* (x, y): top-left of a 22 x 14 cell */
    switch (icon) {
    case SWATCH:
        tv_gfx_fill(g, tv_state_color(arg), (int)x, (int)y + 2, 22, 11);
        break;
    case HOLDS:
        for (int k = 0; k < 3; k++) tv_gfx_fill(g, tv_thread_color((unsigned)k), (int)x + k * 8, (int)y + 2, 7, 11);
        break;
    case TASK:
        tv_gfx_fill(g, tv_task_color(arg), (int)x, (int)y + 2, 22, 11);
        break;
    case MARK:
        tv_gfx_tri(g, tv_c_mark, x + 6.5f, y + 2, x + 15.5f, y + 2, x + 11, y + 10);
        break;
    case COND:
    case DROPPED: {
        tv_rgb c = icon == COND ? tv_c_cond_mark : TV_RGB(230, 120, 0);
        tv_gfx_tri(g, c, x + 7, y + 6, x + 11, y + 2, x + 15, y + 6);
        tv_gfx_tri(g, c, x + 7, y + 6, x + 15, y + 6, x + 11, y + 10);
        break;
    }
    case FINDING:
        tv_gfx_tri(g, tv_c_finding, x + 5, y + 2, x + 17, y + 2, x + 11, y + 12);
        break;
    case RACE: /* a ring, as the race accesses are marked */
        for (int a = 0; a < 16; a++) {
            float c0 = (float)a / 16 * 6.2831853f, c1 = (float)(a + 1) / 16 * 6.2831853f;
            tv_gfx_line(g, tv_c_finding, x + 11 + 6 * cosf(c0), y + 7 + 6 * sinf(c0),
                        x + 11 + 6 * cosf(c1), y + 7 + 6 * sinf(c1), 2);
        }
        break;
    case CYCLE:
        tv_gfx_line(g, tv_c_finding, x, y + 7, x + 15, y + 7, 3);
        tv_gfx_tri(g, tv_c_finding, x + 22, y + 7, x + 14, y + 2, x + 14, y + 12);
        break;
    case ARROW:
        tv_gfx_line(g, tv_c_arrow, x, y + 7, x + 15, y + 7, 1.5f);
        tv_gfx_tri(g, tv_c_arrow, x + 22, y + 7, x + 14, y + 3, x + 14, y + 11);
        break;
    case COUNTER:
        tv_gfx_fill(g, tv_c_counter_fill, (int)x, (int)y + 8, 8, 6);
        tv_gfx_fill(g, tv_c_counter_fill, (int)x + 8, (int)y + 3, 14, 11);
        tv_gfx_fill(g, tv_c_counter_line, (int)x, (int)y + 7, 8, 2);
        tv_gfx_fill(g, tv_c_counter_line, (int)x + 7, (int)y + 2, 2, 7);
        tv_gfx_fill(g, tv_c_counter_line, (int)x + 8, (int)y + 2, 14, 2);
        break;
    case PLAYHEAD:
        tv_gfx_fill(g, tv_c_playhead, (int)x + 10, (int)y, 2, 14);
        break;
    case GAVE_UP: /* as tv_draw.c ends such a wait */
        tv_gfx_fill(g, tv_state_color(arg), (int)x, (int)y + 2, 19, 11);
        tv_gfx_fill(g, tv_c_gave_up, (int)x + 19, (int)y + 2, 3, 11);
        break;
    }
}

int tv_draw_legend(tv_gfx *g, int x, int y, int w) {
    static const struct {
        int icon;
        const char *arg, *text;
    } rows[] = {
        {SWATCH, "running", "running"},
        {SWATCH, "waiting for", "waiting for a lock"},
        {SWATCH, "waiting to read", "waiting to read (rwlock)"},
        {SWATCH, "spinning on", "spinning on a spinlock"},
        {SWATCH, "waiting on", "waiting on a condition, semaphore"},
        {SWATCH, "joining", "joining a thread"},
        {SWATCH, "in barrier", "in a barrier"},
        {SWATCH, "sleeping", "sleeping"},
        {GAVE_UP, "waiting for", "a wait that timed out (or gave up: queue closed, error)"},
        {HOLDS, "", "lock hold, in its holder's color (reads lighter)"},
        {TASK, "task", "pool task, a color per label"},
        {COUNTER, "", "counter (waiters, queue depth, busy workers)"},
        {MARK, "", "mark"},
        {COND, "", "condition signal, broadcast"},
        {DROPPED, "", "threadlens: dropped events"},
        {FINDING, "", "finding"},
        {RACE, "", "race access (R read, W write), arrow between the two"},
        {CYCLE, "", "wait-for cycle: waiter -> holder of its lock"},
        {ARROW, "", "hand-off: unlock -> waiter, signal -> woken, create, join"},
        {PLAYHEAD, "", "playhead (Space plays, Left/Right step)"},
    };
    int h = 0;
    tv_text_draw(g->r, g->bold, x, y + 1, "Legend", tv_c_text, w);
    h += TV_SIDE_LINE;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        draw_icon(g, rows[i].icon, rows[i].arg, (float)x, (float)(y + h + 1));
        tv_gfx_flush_tris(g);
        h += tv_draw_wrapped(g, g->font, x + 30, y + h, w - 30, rows[i].text, tv_c_text, 1);
    }
    return h;
}
