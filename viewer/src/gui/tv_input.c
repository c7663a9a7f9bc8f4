/*
 * tv_input.c — events to view changes. Keys are read from key-down events
 * (layout-independent scancode names such as W/A/S/D) except '?', '/', '+'
 * and '-', which depend on the keyboard layout and come from text input.
 * The replay: Space plays, Left/Right step (Shift: the selected thread's
 * steps only), n/N jump between findings, a click or drag on the axis puts
 * the playhead there.
 */
#include "tv_input.h"

#include <math.h>
#include <string.h>

#include "tv_draw.h"
#include "tv_lockgraph.h"
#include "tv_overlay.h"

#define DRAG_PX 4    /* moved less than this: a click */
#define ZOOM_STEP 0.8

static void open_find(tv_view *v) {
    v->find.open = 1;
    v->help = 0;
}

static double pivot_x(const tv_view *v) {
    if (v->mouse_in && tv_view_zone(v, v->mouse_x, v->mouse_y) == TV_ZONE_TIMELINE) return v->mouse_x;
    return (v->g.tl_x0 + v->g.tl_x1) / 2.0;
}

static void update_hover(tv_view *v, const tv_input *in) {
    int z = tv_view_zone(v, v->mouse_x, v->mouse_y);
    if (!v->mouse_in || in->dragging || v->help || v->mode == TV_MODE_LOCKS ||
        (z != TV_ZONE_TIMELINE && z != TV_ZONE_AXIS))
        v->hover = (tv_sel){TV_SEL_NONE, 0, 0, 0};
    else
        v->hover = tv_view_hit(v, v->mouse_x, v->mouse_y);
}

/* The playhead at window column x, within the trace. */
static void playhead_at(tv_view *v, int x) {
    if (x < v->g.tl_x0) x = v->g.tl_x0;
    if (x > v->g.tl_x1 - 1) x = v->g.tl_x1 - 1;
    int64_t t = tv_x2t(v, x);
    if (t < v->m->t0) t = v->m->t0;
    if (t > v->m->t1) t = v->m->t1;
    v->playing = 0;
    tv_playhead_set(v, t);
}

static void relayout_side(tv_view *v) { tv_view_resize(v, v->g.w, v->g.h); }

static void click(tv_view *v, int x, int y) {
    int z = tv_view_zone(v, x, y);
    if (z == TV_ZONE_SIDE) {
        size_t f = tv_side_finding_at(v, x, y);
        if (f != SIZE_MAX) tv_focus_finding(v, f);
        return;
    }
    if (v->mode == TV_MODE_LOCKS) {
        const tv_lockgraph *lg = v->lockgraph;
        SDL_Rect a = tv_lockgraph_area(v);
        if (lg && x >= a.x && x < a.x + a.w && y >= a.y && y < a.y + a.h) {
            int n = tv_lockgraph_hit(lg, a, x, y);
            v->lg_node1 = n >= 0 ? n + 1 : 0;
        }
        return;
    }
    if (z == TV_ZONE_LABEL) {
        const tv_item *it = tv_view_item_at(v, y);
        if (!it) return;
        if (it->kind == TV_ITEM_PROC) tv_view_toggle_proc(v, it->index);
        else tv_view_toggle_lane(v, it->index);
        return;
    }
    if (z == TV_ZONE_TIMELINE || z == TV_ZONE_AXIS) {
        tv_sel s = tv_view_hit(v, x, y);
        /* a click on the axis moves the playhead: it keeps the selection
         * (the thread Shift+Left/Right follows) unless it hits a mark */
        if (z == TV_ZONE_AXIS && s.kind == TV_SEL_NONE) return;
        tv_view_select(v, &s);
    }
}

static int find_key(tv_view *v, const SDL_KeyboardEvent *k) {
    switch (k->keysym.sym) {
    case SDLK_ESCAPE:
        v->find.open = 0;
        return 1;
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
        tv_find_step(v, (k->keysym.mod & KMOD_SHIFT) ? -1 : 1);
        return 1;
    case SDLK_BACKSPACE: {
        size_t n = strlen(v->find.text);
        while (n > 0 && (v->find.text[n - 1] & 0xc0) == 0x80) n--; /* a whole UTF-8 char */
        if (n > 0) n--;
        v->find.text[n] = 0;
        tv_find_set(v, v->find.text);
        return 1;
    }
    default:
        return 0;
    }
}

static int key(tv_view *v, tv_input *in, const SDL_KeyboardEvent *k) {
    int ctrl = (k->keysym.mod & KMOD_CTRL) != 0;
    if (ctrl && k->keysym.sym == SDLK_f) {
        open_find(v);
        return 1;
    }
    if (v->find.open) return find_key(v, k);
    int span_px = v->g.tl_x1 - v->g.tl_x0, area = v->g.area_y1 - v->g.area_y0;
    int shift = (k->keysym.mod & KMOD_SHIFT) != 0;
    switch (k->keysym.sym) {
    case SDLK_q: in->quit = 1; return 0;
    case SDLK_w: tv_view_zoom(v, ZOOM_STEP, pivot_x(v)); return 1;
    case SDLK_s: tv_view_zoom(v, 1 / ZOOM_STEP, pivot_x(v)); return 1;
    case SDLK_a: tv_view_pan_px(v, span_px / 8.0); return 1;
    case SDLK_d: tv_view_pan_px(v, -span_px / 8.0); return 1;
    case SDLK_LEFT:
    case SDLK_RIGHT:
        tv_playhead_step(v, k->keysym.sym == SDLK_RIGHT ? 1 : -1, shift ? tv_view_sel_thread(v) : TV_NO_LANE);
        return 1;
    case SDLK_SPACE: tv_play_toggle(v); return 1;
    case SDLK_n: tv_finding_step(v, shift ? -1 : 1); return 1;
    case SDLK_l:
        if (!v->m->nfindings) return 0;
        v->findings_hidden = !v->findings_hidden;
        relayout_side(v);
        return 1;
    case SDLK_k:
        v->legend = !v->legend;
        relayout_side(v);
        return 1;
    case SDLK_v:
        tv_view_cycle_mode(v, shift ? -1 : 1);
        update_hover(v, in);
        return 1;
    case SDLK_f: tv_view_fit_sel(v); return 1;
    case SDLK_UP: tv_view_scroll_to(v, v->scroll - 40); return 1;
    case SDLK_DOWN: tv_view_scroll_to(v, v->scroll + 40); return 1;
    case SDLK_PAGEUP: tv_view_scroll_to(v, v->scroll - area * 9 / 10); return 1;
    case SDLK_PAGEDOWN: tv_view_scroll_to(v, v->scroll + area * 9 / 10); return 1;
    case SDLK_HOME: tv_view_scroll_to(v, 0); return 1;
    case SDLK_END: tv_view_scroll_to(v, v->content_h); return 1;
    case SDLK_ESCAPE:
        if (v->help) v->help = 0;
        else if (v->sel.kind == TV_SEL_NONE && v->finding1) v->finding1 = 0; /* then the focus */
        else tv_view_select(v, NULL);
        return 1;
    default: return 0;
    }
}

static int text(tv_view *v, const char *t) {
    if (v->find.open) {
        size_t n = strlen(v->find.text);
        for (; *t && n + 1 < sizeof v->find.text; t++)
            if ((unsigned char)*t >= 0x20) v->find.text[n++] = *t;
        v->find.text[n] = 0;
        tv_find_set(v, v->find.text);
        return 1;
    }
    if (!strcmp(t, "/")) {
        open_find(v);
        return 1;
    }
    if (!strcmp(t, "?")) {
        v->help = !v->help;
        return 1;
    }
    if (!strcmp(t, "+") || !strcmp(t, "=")) { /* '=' is '+' without Shift */
        tv_play_scale(v, 2);
        return 1;
    }
    if (!strcmp(t, "-")) {
        tv_play_scale(v, 0.5);
        return 1;
    }
    return 0;
}

int tv_input_event(tv_view *v, tv_input *in, const SDL_Event *e) {
    switch (e->type) {
    case SDL_QUIT:
        in->quit = 1;
        return 0;
    case SDL_WINDOWEVENT:
        switch (e->window.event) {
        case SDL_WINDOWEVENT_SIZE_CHANGED:
            tv_view_resize(v, e->window.data1, e->window.data2);
            return 1;
        case SDL_WINDOWEVENT_LEAVE:
            v->mouse_in = 0;
            v->hover = (tv_sel){TV_SEL_NONE, 0, 0, 0};
            return 1;
        case SDL_WINDOWEVENT_CLOSE:
            in->quit = 1;
            return 0;
        default:
            return 1; /* exposed, restored, ...: draw again */
        }
    case SDL_MOUSEMOTION: {
        v->mouse_x = e->motion.x, v->mouse_y = e->motion.y, v->mouse_in = 1;
        if (in->down) {
            int dx = e->motion.x - in->down_x, dy = e->motion.y - in->down_y;
            if (!in->dragging && dx * dx + dy * dy >= DRAG_PX * DRAG_PX) in->dragging = 1;
            if (in->down_zone == TV_ZONE_AXIS && v->mode != TV_MODE_LOCKS) {
                playhead_at(v, e->motion.x); /* scrubbing */
            } else if (in->down_zone == TV_ZONE_SIDE || v->mode == TV_MODE_LOCKS) {
                /* nothing to drag there */
            } else if (in->dragging) {
                if (in->down_zone == TV_ZONE_SCROLLBAR) {
                    int area = v->g.area_y1 - v->g.area_y0;
                    tv_view_scroll_to(v, in->down_scroll + (int)((double)dy * v->content_h / (area > 0 ? area : 1)));
                } else {
                    v->start = in->down_start, v->end = in->down_end;
                    tv_view_pan_px(v, dx);
                    tv_view_scroll_to(v, in->down_scroll - dy);
                }
            }
        }
        update_hover(v, in);
        return 1;
    }
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.button != SDL_BUTTON_LEFT) return 0;
        v->mouse_x = e->button.x, v->mouse_y = e->button.y, v->mouse_in = 1;
        if (v->help) { /* any click closes the help */
            v->help = 0;
            return 1;
        }
        in->down = 1, in->dragging = 0;
        in->down_x = e->button.x, in->down_y = e->button.y;
        in->down_zone = tv_view_zone(v, e->button.x, e->button.y);
        in->down_start = v->start, in->down_end = v->end, in->down_scroll = v->scroll;
        if (in->down_zone == TV_ZONE_SCROLLBAR) in->dragging = 1;
        if (in->down_zone == TV_ZONE_AXIS && v->mode != TV_MODE_LOCKS && e->button.x >= v->g.tl_x0) {
            playhead_at(v, e->button.x);
            return 1;
        }
        return 0;
    case SDL_MOUSEBUTTONUP:
        if (e->button.button != SDL_BUTTON_LEFT || !in->down) return 0;
        in->down = 0;
        if (!in->dragging) click(v, e->button.x, e->button.y);
        in->dragging = 0;
        update_hover(v, in);
        return 1;
    case SDL_MOUSEWHEEL: {
        int y = e->wheel.y, x = e->wheel.x;
        if (e->wheel.direction == SDL_MOUSEWHEEL_FLIPPED) y = -y, x = -x;
        int mx = e->wheel.mouseX, my = e->wheel.mouseY; /* where the pointer was */
        v->mouse_x = mx, v->mouse_y = my, v->mouse_in = 1;
        int z = tv_view_zone(v, mx, my);
        if (z == TV_ZONE_SIDE) {
            if (my < tv_side_flist_y1(v)) { /* the findings list */
                size_t rows = tv_side_flist_rows(v), n = v->m->nfindings;
                if (y > 0) v->flist_top = v->flist_top > (size_t)y ? v->flist_top - (size_t)y : 0;
                else if (y < 0) v->flist_top += (size_t)-y;
                if (v->flist_top + rows > n) v->flist_top = n > rows ? n - rows : 0;
            } else {
                v->side_scroll -= y * 48; /* clamped when drawn */
                if (v->side_scroll < 0) v->side_scroll = 0;
            }
            return 1;
        }
        if (v->mode == TV_MODE_LOCKS) return 0;
        if ((SDL_GetModState() & KMOD_SHIFT) || z == TV_ZONE_LABEL || z == TV_ZONE_SCROLLBAR) {
            tv_view_scroll_to(v, v->scroll - y * 48);
        } else if (y) {
            tv_view_zoom(v, pow(ZOOM_STEP, y), mx);
        }
        if (x) tv_view_pan_px(v, -x * 40.0);
        update_hover(v, in);
        return 1;
    }
    case SDL_KEYDOWN: {
        int r = key(v, in, &e->key);
        update_hover(v, in);
        return r;
    }
    case SDL_TEXTINPUT:
        return text(v, e->text.text);
    default:
        return 0;
    }
}
