#define _GNU_SOURCE /* vasprintf */
/*
 * tv_report_table.c — aligned text tables: cells are collected first, so
 * each column is as wide as its widest cell (names can be long); and the
 * escaping of control characters in trace strings for the text report.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tv_report_table.h"

/* Bytes of the control character at s, or 0. */
static int control_at(const unsigned char *s) {
    if (*s < 0x20 || *s == 0x7f) return 1;
    if (*s == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f) return 2;
    return 0;
}

static size_t escape_to(char *out, const char *s) {
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        int k = control_at(p);
        if (!k) {
            if (out) out[n] = (char)*p;
            n++;
            p++;
            continue;
        }
        for (int i = 0; i < k; i++, p++) {
            if (out) {
                out[n] = '\\';
                out[n + 1] = 'x';
                out[n + 2] = hex[*p >> 4];
                out[n + 3] = hex[*p & 15];
            }
            n += 4;
        }
    }
    if (out) out[n] = 0;
    return n;
}

char *tv_tab_escape(const char *s) {
    char *out = malloc(escape_to(NULL, s) + 1);
    if (out) escape_to(out, s);
    return out;
}

void tv_tab_put(FILE *f, const char *s) {
    const char *clean = s;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (control_at(p)) {
            clean = NULL;
            break;
        }
    if (clean) {
        fputs(s, f);
        return;
    }
    char *e = tv_tab_escape(s);
    if (e) fputs(e, f);
    else fputs("?", f);
    free(e);
}

void tv_tab_init(tv_tab *t, int ncols, const char *const *head, const char *align) {
    memset(t, 0, sizeof *t);
    t->ncols = ncols > TV_TAB_MAXCOLS ? TV_TAB_MAXCOLS : ncols;
    t->align = align;
    for (int c = 0; c < t->ncols; c++) tv_tab_cell(t, "%s", head[c]);
}

void tv_tab_cell(tv_tab *t, const char *fmt, ...) {
    if (t->oom) return;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        char **c = realloc(t->cells, cap * sizeof *c);
        if (!c) {
            t->oom = 1;
            return;
        }
        t->cells = c;
        t->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&t->cells[t->n], fmt, ap) < 0) {
        t->oom = 1;
        va_end(ap);
        return;
    }
    va_end(ap);
    char *cell = t->cells[t->n];
    for (const unsigned char *p = (const unsigned char *)cell; *p; p++)
        if (control_at(p)) {
            char *e = tv_tab_escape(cell);
            free(cell);
            t->cells[t->n] = e;
            if (!e) {
                t->oom = 1;
                return;
            }
            break;
        }
    size_t w = strlen(t->cells[t->n]);
    int col = (int)(t->n % (size_t)t->ncols);
    if (w > t->width[col]) t->width[col] = w;
    t->n++;
}

int tv_tab_print(tv_tab *t, FILE *f, const char *indent) {
    if (t->oom) return -1;
    for (size_t i = 0; i < t->n; i++) {
        int col = (int)(i % (size_t)t->ncols);
        int last = col == t->ncols - 1 || i + 1 == t->n;
        int w = (int)t->width[col];
        if (!col) fputs(indent, f);
        if (t->align[col] == 'r')
            fprintf(f, "%*s", w, t->cells[i]);
        else if (last) /* no trailing blanks */
            fputs(t->cells[i], f);
        else
            fprintf(f, "%-*s", w, t->cells[i]);
        fputs(last ? "\n" : "  ", f);
    }
    return 0;
}

void tv_tab_free(tv_tab *t) {
    for (size_t i = 0; i < t->n; i++) free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof *t);
}
