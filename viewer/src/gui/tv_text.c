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

/* Characters outside the atlas: rendered once each, on first use, into a
 * small texture kept in an open-addressing table keyed by code point. The
 * table holds at most CACHE_MAX glyphs; when full it is emptied (a trace
 * would need thousands of distinct non-ASCII characters on screen for that
 * to matter). Advances are known without a renderer (width measurement), so
 * the texture is made only when the glyph is first drawn. */
#define CACHE_SLOTS 8192 /* power of two, twice CACHE_MAX */
#define CACHE_MAX 4096

typedef struct {
    Uint32 cp;
    int used;        /* slot taken */
    int missing;     /* the font has no such glyph: shown as '?' */
    int tried;       /* texture creation attempted */
    int adv;
    int w, h;
    SDL_Texture *tex;
} glyph;

struct tv_font {
    SDL_Texture *atlas;
    SDL_Rect src[NGLYPH]; /* glyph surface in the atlas */
    int adv[NGLYPH];
    int height;
    int ellipsis_w;
    TTF_Font *ttf;      /* kept open for glyphs outside the atlas */
    SDL_Renderer *r;
    glyph *cache;       /* CACHE_SLOTS entries, allocated on first use */
    int ncache;
};

uint32_t tv_utf8_next(const char **ps, const char *e) {
    const unsigned char *s = (const unsigned char *)*ps;
    unsigned c = s[0];
    if (c < 0x80) {
        *ps += 1;
        return c;
    }
    int n;
    uint32_t cp, min;
    if (c >= 0xc2 && c <= 0xdf) n = 1, cp = c & 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef) n = 2, cp = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4) n = 3, cp = c & 0x07, min = 0x10000;
    else {
        *ps += 1;
        return TV_UTF8_BAD;
    }
    for (int i = 1; i <= n; i++) {
        /* a truncated sequence: one U+FFFD for the bytes that were there */
        if ((const char *)s + i >= e || (s[i] & 0xc0) != 0x80) {
            *ps += i;
            return TV_UTF8_BAD;
        }
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    *ps += n + 1;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return TV_UTF8_BAD;
    return cp;
}

size_t tv_utf8_clean(char *dst, size_t len, const char *src) {
    size_t o = 0;
    if (!len) return 0;
    const char *e = src + strlen(src);
    while (src < e) {
        const char *p = src;
        uint32_t cp = tv_utf8_next(&src, e);
        size_t n = (size_t)(src - p);
        const char *bytes = p;
        if (cp == TV_UTF8_BAD) bytes = "\xEF\xBF\xBD", n = 3;
        if (o + n >= len) break; /* never cut a character */
        memcpy(dst + o, bytes, n);
        o += n;
    }
    dst[o] = 0;
    return o;
}

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
    if (!ok) {
        TTF_CloseFont(ttf);
        tv_font_close(f);
        return NULL;
    }
    f->ttf = ttf;
    f->r = r;
    f->ellipsis_w = 3 * f->adv['.' - FIRST];
    return f;
}

static void cache_flush(tv_font *f) {
    if (!f->cache) return;
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (f->cache[i].tex) SDL_DestroyTexture(f->cache[i].tex);
    memset(f->cache, 0, CACHE_SLOTS * sizeof *f->cache);
    f->ncache = 0;
}

void tv_font_close(tv_font *f) {
    if (!f) return;
    cache_flush(f);
    free(f->cache);
    if (f->atlas) SDL_DestroyTexture(f->atlas);
    if (f->ttf) TTF_CloseFont(f->ttf);
    free(f);
}

int tv_font_height(const tv_font *f) { return f->height; }

#define QMARK ('?' - FIRST)

/* The cache entry of a code point outside the atlas (made on first use, with
 * its advance), or NULL: show it as '?'. */
static glyph *lookup(tv_font *f, Uint32 cp) {
    if (cp < 0xa0 || !f->ttf) return NULL; /* controls (ASCII ones never get here but DEL) */
    if (!f->cache) {
        f->cache = calloc(CACHE_SLOTS, sizeof *f->cache);
        if (!f->cache) return NULL;
    }
    Uint32 i = (cp * 2654435761u) >> 19; /* 13 bits: CACHE_SLOTS */
    for (;; i = (i + 1) & (CACHE_SLOTS - 1)) {
        glyph *g = &f->cache[i];
        if (!g->used) break;
        if (g->cp == cp) return g->missing ? NULL : g;
    }
    if (f->ncache >= CACHE_MAX) cache_flush(f);
    i = (cp * 2654435761u) >> 19;
    while (f->cache[i].used) i = (i + 1) & (CACHE_SLOTS - 1);
    glyph *g = &f->cache[i];
    g->used = 1;
    g->cp = cp;
    f->ncache++;
    int minx, maxx, miny, maxy, adv;
    if (!TTF_GlyphIsProvided32(f->ttf, cp) ||
        TTF_GlyphMetrics32(f->ttf, cp, &minx, &maxx, &miny, &maxy, &adv) != 0 || adv < 0) {
        g->missing = 1;
        return NULL;
    }
    g->adv = adv;
    return g;
}

/* The next character of s (before e): its atlas slot, or -1 with *out set
 * to its cache entry. s advances past the whole UTF-8 sequence. */
static inline int next_glyph(tv_font *f, const char **s, const char *e, glyph **out) {
    unsigned char c = (unsigned char)**s;
    if (c >= FIRST && c <= LAST) { /* the fast path: ASCII */
        (*s)++;
        return c - FIRST;
    }
    Uint32 cp = tv_utf8_next(s, e);
    glyph *g = lookup(f, cp);
    if (!g) return QMARK;
    *out = g;
    return -1;
}

int tv_text_width_n(const tv_font *cf, const char *s, size_t n) {
    /* the glyph cache is the only thing that changes (f is never const) */
    tv_font *f = (tv_font *)cf;
    int w = 0;
    size_t len = strnlen(s, n);
    const char *e = s + len;
    while (s < e) {
        glyph *g = NULL;
        int k = next_glyph(f, &s, e, &g);
        w += k >= 0 ? f->adv[k] : g->adv;
    }
    return w;
}

int tv_text_width(const tv_font *f, const char *s) { return tv_text_width_n(f, s, strlen(s)); }

static void draw_cached(tv_font *f, glyph *g, int x, int y, tv_rgb c) {
    if (!g->tried) {
        g->tried = 1;
        SDL_Surface *sf = TTF_RenderGlyph32_Blended(f->ttf, g->cp, (SDL_Color){255, 255, 255, 255});
        if (sf) {
            g->tex = SDL_CreateTextureFromSurface(f->r, sf);
            g->w = sf->w;
            g->h = sf->h;
            SDL_FreeSurface(sf);
            if (g->tex) SDL_SetTextureBlendMode(g->tex, SDL_BLENDMODE_BLEND);
        }
    }
    if (!g->tex) return;
    SDL_SetTextureColorMod(g->tex, c.r, c.g, c.b);
    SDL_SetTextureAlphaMod(g->tex, c.a);
    SDL_RenderCopy(f->r, g->tex, NULL, &(SDL_Rect){x, y, g->w, g->h});
}

int tv_text_draw(SDL_Renderer *r, tv_font *f, int x, int y, const char *s, tv_rgb c, int maxw) {
    if (maxw <= 0) return 0;
    size_t len = strlen(s);
    const char *e = s + len;
    int total = tv_text_width_n(f, s, len), limit = total, dots = 0;
    if (total > maxw) {
        if (maxw < f->ellipsis_w + f->adv['W' - FIRST]) return 0;
        limit = maxw - f->ellipsis_w;
        dots = 1;
    }
    SDL_SetTextureColorMod(f->atlas, c.r, c.g, c.b);
    SDL_SetTextureAlphaMod(f->atlas, c.a);
    int pen = 0;
    while (s < e) {
        const char *p = s;
        glyph *g = NULL;
        int k = next_glyph(f, &p, e, &g);
        int adv = k >= 0 ? f->adv[k] : g->adv;
        if (pen + adv > limit) break;
        if (k < 0) {
            if (f->r == r) draw_cached(f, g, x + pen, y, c);
        } else if (f->src[k].w > 0) {
            SDL_Rect d = {x + pen, y, f->src[k].w, f->src[k].h};
            SDL_RenderCopy(r, f->atlas, &f->src[k], &d);
        }
        pen += adv;
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
