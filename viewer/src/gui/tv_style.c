/*
 * tv_style.c — colors. State colors follow what a reader expects at a glance
 * (green runs, red waits); everything else gets a stable hashed pastel so the
 * same name has the same color in every run and every screenshot.
 */
#include "tv_style.h"

#include <math.h>
#include <string.h>

const tv_rgb tv_c_bg = TV_RGB(255, 255, 255);
const tv_rgb tv_c_lane_a = TV_RGB(255, 255, 255);
const tv_rgb tv_c_lane_b = TV_RGB(246, 247, 249);
const tv_rgb tv_c_proc_bg = TV_RGB(226, 231, 238);
const tv_rgb tv_c_label_bg = TV_RGB(242, 244, 247);
const tv_rgb tv_c_axis_bg = TV_RGB(234, 237, 241);
const tv_rgb tv_c_grid = TV_RGB(228, 231, 235);
const tv_rgb tv_c_text = TV_RGB(32, 33, 36);
const tv_rgb tv_c_text_dim = TV_RGB(110, 114, 120);
const tv_rgb tv_c_sep = TV_RGB(205, 209, 215);
const tv_rgb tv_c_arrow = TV_RGB(40, 44, 52);
const tv_rgb tv_c_arrow_sel = TV_RGB(255, 87, 34);
const tv_rgb tv_c_select = TV_RGB(0, 0, 0);
const tv_rgb tv_c_panel_bg = TV_RGB(248, 249, 251);
const tv_rgb tv_c_finding = TV_RGB(211, 20, 20);
const tv_rgb tv_c_mark = TV_RGB(33, 60, 140);
const tv_rgb tv_c_cond_mark = TV_RGB(123, 31, 162);
const tv_rgb tv_c_counter_fill = TV_RGB(159, 190, 230);
const tv_rgb tv_c_counter_line = TV_RGB(40, 90, 170);
const tv_rgb tv_c_counter_range = TV_RGB(96, 136, 200);
const tv_rgb tv_c_tooltip_bg = TV_RGB(255, 252, 222);
const tv_rgb tv_c_playhead = TV_RGB(21, 101, 192);
const tv_rgb tv_c_wait_bg = TV_RGB(253, 226, 226);  /* a waiting thread's line */
const tv_rgb tv_c_focus_bg = TV_RGB(214, 228, 248); /* the focused finding's line */
const tv_rgb tv_c_gave_up = TV_RGB(255, 193, 7);    /* the end of a wait that timed out */

static int starts(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static uint32_t fnv1a(const char *s) {
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

static tv_rgb hsl(double h, double s, double l) {
    double c = (1 - fabs(2 * l - 1)) * s, hp = h / 60.0, x = c * (1 - fabs(fmod(hp, 2) - 1));
    double r = 0, g = 0, b = 0;
    if (hp < 1) r = c, g = x;
    else if (hp < 2) r = x, g = c;
    else if (hp < 3) g = c, b = x;
    else if (hp < 4) g = x, b = c;
    else if (hp < 5) r = x, b = c;
    else r = c, b = x;
    double m = l - c / 2;
    return TV_RGB((uint8_t)lround((r + m) * 255), (uint8_t)lround((g + m) * 255),
                  (uint8_t)lround((b + m) * 255));
}

tv_rgb tv_hash_color(const char *name) {
    uint32_t h = fnv1a(name ? name : "");
    /* Light pastel, so that phases and other slices never compete with the
     * saturated state colors; lightness and saturation vary a little so
     * that neighbours differ. */
    return hsl((double)(h % 360), 0.40 + (double)((h >> 9) % 20) / 100.0,
               0.78 + (double)((h >> 17) % 7) / 100.0);
}

tv_rgb tv_state_color(const char *name) {
    if (!name) name = "";
    if (!strcmp(name, "running")) return TV_RGB(76, 175, 80);
    if (starts(name, "waiting for")) return TV_RGB(229, 57, 53);
    if (starts(name, "waiting to read")) return TV_RGB(245, 124, 0);
    if (starts(name, "spinning on")) return TV_RGB(255, 193, 7);
    if (starts(name, "waiting on")) return TV_RGB(142, 68, 173);
    if (starts(name, "joining")) return TV_RGB(30, 136, 229);
    if (starts(name, "in barrier")) return TV_RGB(0, 150, 136);
    if (starts(name, "sleeping")) return TV_RGB(158, 158, 158);
    return tv_hash_color(name);
}

tv_rgb tv_task_color(const char *label) {
    uint32_t h = fnv1a(label ? label : "");
    return hsl((double)(h % 360), 0.55 + (double)((h >> 9) % 20) / 100.0,
               0.66 + (double)((h >> 17) % 7) / 100.0);
}

tv_rgb tv_slice_color(const char *cat, const char *name) {
    if (cat && !strcmp(cat, "state")) return tv_state_color(name);
    if (cat && !strcmp(cat, "task")) return tv_task_color(name);
    /* the zero-length sources of arrows: present, not loud */
    if (cat && !strcmp(cat, "flow")) return TV_RGB(168, 176, 190);
    return tv_hash_color(name);
}

tv_rgb tv_thread_color(unsigned k) {
    /* Distinct hues, none of them the pure green/red of the states. */
    static const tv_rgb pal[] = {
        TV_RGB(66, 133, 244), TV_RGB(240, 146, 40), TV_RGB(156, 102, 204), TV_RGB(38, 166, 178),
        TV_RGB(229, 115, 160), TV_RGB(141, 110, 77), TV_RGB(124, 160, 52), TV_RGB(92, 107, 192),
        TV_RGB(205, 170, 40), TV_RGB(3, 155, 229), TV_RGB(186, 86, 86), TV_RGB(120, 124, 130),
    };
    return pal[k % (sizeof pal / sizeof pal[0])];
}

tv_rgb tv_shade(tv_rgb c, double f) {
    double r = c.r, g = c.g, b = c.b;
    if (f <= 1) {
        r *= f, g *= f, b *= f;
    } else {
        double t = f - 1; /* towards white */
        if (t > 1) t = 1;
        r += (255 - r) * t, g += (255 - g) * t, b += (255 - b) * t;
    }
    return (tv_rgb){(uint8_t)lround(r), (uint8_t)lround(g), (uint8_t)lround(b), c.a};
}

tv_rgb tv_text_on(tv_rgb c) {
    double lum = 0.299 * c.r + 0.587 * c.g + 0.114 * c.b;
    return lum > 150 ? TV_RGB(20, 20, 24) : TV_RGB(255, 255, 255);
}
