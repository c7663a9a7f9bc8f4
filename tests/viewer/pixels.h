/*
 * pixels.h — what the viewer's pixel tests share: a rendered PNG read back
 * as ARGB8888, and one pixel's color (magenta outside the image, a color
 * the viewer never draws). Header only.
 */
#ifndef TV_TEST_PIXELS_H
#define TV_TEST_PIXELS_H

#include <SDL.h>
#include <SDL_image.h>

#include "tv_style.h"

static inline SDL_Surface *load_png(const char *path) {
    SDL_Surface *s = IMG_Load(path);
    if (!s) return NULL;
    SDL_Surface *c = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(s);
    return c;
}

static inline tv_rgb px(SDL_Surface *s, int x, int y) {
    if (x < 0 || y < 0 || x >= s->w || y >= s->h) return TV_RGB(255, 0, 255);
    uint32_t p = ((uint32_t *)((uint8_t *)s->pixels + (size_t)y * s->pitch))[x];
    return TV_RGB((p >> 16) & 255, (p >> 8) & 255, p & 255);
}

static inline int same(tv_rgb a, tv_rgb b) { return a.r == b.r && a.g == b.g && a.b == b.b; }

#endif
