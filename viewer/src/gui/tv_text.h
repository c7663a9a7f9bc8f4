/*
 * tv_text.h — text from a glyph atlas: the printable ASCII glyphs of a TTF
 * are rendered once into one texture, then strings are drawn glyph by glyph
 * (no per-frame TTF work). Other characters show as '?'.
 */
#ifndef TV_TEXT_H
#define TV_TEXT_H

#include <SDL.h>
#include <limits.h>
#include <stddef.h>

#include "tv_style.h"

typedef struct tv_font tv_font;

/* The font file: $THREADLENS_FONT, else the build's default. */
const char *tv_font_path(void);
/* px: pixel size; bold: synthesized bold style. NULL with err on failure. */
tv_font *tv_font_open(SDL_Renderer *r, int px, int bold, char *err, size_t errlen);
void tv_font_close(tv_font *f);
int tv_font_height(const tv_font *f);
int tv_text_width(const tv_font *f, const char *s);
int tv_text_width_n(const tv_font *f, const char *s, size_t n);
/* Draws s with its top-left at (x, y), cut to fit maxw pixels with "..."
 * (nothing drawn when not even that fits, or when maxw <= 0: a width
 * computed from a window too narrow for it). TV_TEXT_NOLIMIT draws it all.
 * Returns the width drawn. */
#define TV_TEXT_NOLIMIT INT_MAX
int tv_text_draw(SDL_Renderer *r, tv_font *f, int x, int y, const char *s, tv_rgb c, int maxw);

#endif
