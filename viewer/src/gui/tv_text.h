/*
 * tv_text.h — text from a glyph atlas: the printable ASCII glyphs of a TTF
 * are rendered once into one texture, then strings are drawn glyph by glyph
 * (no per-frame TTF work). Strings are UTF-8: a character outside printable
 * ASCII is rendered once with SDL_ttf into a bounded per-code-point cache and
 * drawn from there; widths use the same advances. Invalid UTF-8 shows as
 * U+FFFD, characters the font lacks (and control characters) as '?'.
 */
#ifndef TV_TEXT_H
#define TV_TEXT_H

#include <SDL.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

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

/* UTF-8: decodes the character at *s (s < e; a NUL byte decodes as 0) and
 * moves *s past it. An invalid, overlong, surrogate or truncated sequence
 * gives TV_UTF8_BAD (U+FFFD) and moves past at least one byte. */
#define TV_UTF8_BAD 0xfffdu
uint32_t tv_utf8_next(const char **s, const char *e);
/* Copies src to dst (len bytes, NUL included) as valid UTF-8: bad bytes
 * become U+FFFD, and a character that does not fit is left out whole.
 * Returns the length written. For text given to SDL (the window title). */
size_t tv_utf8_clean(char *dst, size_t len, const char *src);

#endif
