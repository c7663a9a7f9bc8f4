/*
 * tv_text.c — the glyph atlas. Rendering text with SDL_ttf each frame costs
 * a rasterization and a texture upload per string; an atlas made once keeps
 * labels on hundreds of slices cheap, and the output is deterministic.
 */
#include "tv_text.h"

#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIRST 32
#define LAST 126
#define NGLYPH (LAST - FIRST + 1)

struct tv_font {
    SDL_Texture *atlas;
    SDL_Rect src[NGLYPH]; /* glyph surface in the atlas */
    int adv[NGLYPH];
    int height;
    int ellipsis_w;
};

const char *tv_font_path(void) {
    const char *p = getenv("THREADLENS_FONT");
    return p && *p ? p : TV_DEFAULT_FONT;
}

tv_font *tv_font_open(SDL_Renderer *r, int px, int bold, char *err, size_t errlen) {
    if (!TTF_WasInit() && TTF_Init() != 0) {
        snprintf(err, errlen, "cannot start SDL_ttf: %s", TTF_GetError());
        return NULL;
    }
    const char *path = tv_font_path();
    TTF_Font *ttf = TTF_OpenFont(path, px);
    if (!ttf) {
        snprintf(err, errlen, "%s: cannot open the font: %s (set THREADLENS_FONT to a .ttf file)",
                 path, TTF_GetError());
        return NULL;
    }
    if (bold) TTF_SetFontStyle(ttf, TTF_STYLE_BOLD);
    TTF_SetFontHinting(ttf, TTF_HINTING_LIGHT);
    tv_font *f = calloc(1, sizeof *f);
    SDL_Surface *glyph[NGLYPH] = {0};
    SDL_Surface *sheet = NULL;
    int ok = f != NULL;
    int x = 0, h = 0;
    for (int i = 0; ok && i < NGLYPH; i++) {
        int minx, maxx, miny, maxy, adv;
        if (TTF_GlyphMetrics32(ttf, (Uint32)(FIRST + i), &minx, &maxx, &miny, &maxy, &adv) != 0)
            adv = px / 2;
        f->adv[i] = adv;
        if (i == 0) continue; /* space: nothing to draw */
        glyph[i] = TTF_RenderGlyph32_Blended(ttf, (Uint32)(FIRST + i), (SDL_Color){255, 255, 255, 255});
        if (!glyph[i]) continue;
        f->src[i] = (SDL_Rect){x, 0, glyph[i]->w, glyph[i]->h};
        x += glyph[i]->w + 1;
        if (glyph[i]->h > h) h = glyph[i]->h;
    }
    f->height = TTF_FontHeight(ttf);
    if (h < 1) h = 1;
    if (ok) {
        sheet = SDL_CreateRGBSurfaceWithFormat(0, x > 0 ? x : 1, h, 32, SDL_PIXELFORMAT_ARGB8888);
        ok = sheet != NULL;
    }
    if (ok) {
        SDL_FillRect(sheet, NULL, SDL_MapRGBA(sheet->format, 255, 255, 255, 0));
        for (int i = 1; i < NGLYPH; i++) {
            if (!glyph[i]) continue;
            /* copy the coverage as alpha, untouched by blending */
            SDL_SetSurfaceBlendMode(glyph[i], SDL_BLENDMODE_NONE);
            SDL_Rect d = f->src[i];
            SDL_BlitSurface(glyph[i], NULL, sheet, &d);
        }
        f->atlas = SDL_CreateTextureFromSurface(r, sheet);
        ok = f->atlas != NULL;
        if (!ok) snprintf(err, errlen, "cannot create the glyph texture: %s", SDL_GetError());
        else SDL_SetTextureBlendMode(f->atlas, SDL_BLENDMODE_BLEND);
    } else if (f) {
        snprintf(err, errlen, "cannot build the glyph atlas: %s", SDL_GetError());
    } else {
        snprintf(err, errlen, "out of memory");
    }
    for (int i = 0; i < NGLYPH; i++) SDL_FreeSurface(glyph[i]);
    SDL_FreeSurface(sheet);
    TTF_CloseFont(ttf);
    if (!ok) {
        tv_font_close(f);
        return NULL;
    }
    f->ellipsis_w = 3 * f->adv['.' - FIRST];
    return f;
}

void tv_font_close(tv_font *f) {
    if (!f) return;
    if (f->atlas) SDL_DestroyTexture(f->atlas);
    free(f);
}

int tv_font_height(const tv_font *f) { return f->height; }

/* Glyph slot of the character at s (advancing s past a whole UTF-8 sequence). */
static int slot(const char **s) {
    unsigned char c = (unsigned char)**s;
    (*s)++;
    if (c >= FIRST && c <= LAST) return c - FIRST;
    if (c >= 0xc0) /* a multi-byte sequence shows as one '?' */
        while ((**s & 0xc0) == 0x80) (*s)++;
    return '?' - FIRST;
}

int tv_text_width_n(const tv_font *f, const char *s, size_t n) {
    int w = 0;
    const char *e = s + n;
    while (s < e && *s) w += f->adv[slot(&s)];
    return w;
}

int tv_text_width(const tv_font *f, const char *s) { return tv_text_width_n(f, s, SIZE_MAX / 2); }

int tv_text_draw(SDL_Renderer *r, tv_font *f, int x, int y, const char *s, tv_rgb c, int maxw) {
    int total = tv_text_width(f, s), limit = total, dots = 0;
    if (maxw <= 0) return 0;
    if (total > maxw) {
        if (maxw < f->ellipsis_w + f->adv['W' - FIRST]) return 0;
        limit = maxw - f->ellipsis_w;
        dots = 1;
    }
    SDL_SetTextureColorMod(f->atlas, c.r, c.g, c.b);
    SDL_SetTextureAlphaMod(f->atlas, c.a);
    int pen = 0;
    while (*s) {
        const char *p = s;
        int g = slot(&p);
        if (pen + f->adv[g] > limit) break;
        if (f->src[g].w > 0) {
            SDL_Rect d = {x + pen, y, f->src[g].w, f->src[g].h};
            SDL_RenderCopy(r, f->atlas, &f->src[g], &d);
        }
        pen += f->adv[g];
        s = p;
    }
    if (dots) {
        int g = '.' - FIRST;
        for (int i = 0; i < 3; i++, pen += f->adv[g]) {
            SDL_Rect d = {x + pen, y, f->src[g].w, f->src[g].h};
            SDL_RenderCopy(r, f->atlas, &f->src[g], &d);
        }
    }
    return pen;
}
