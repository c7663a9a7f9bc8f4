#define _GNU_SOURCE /* vasprintf */
/*
 * tv_report_table.c — aligned text tables: cells are collected first, so
 * each column is as wide as its widest cell (names can be long).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tv_report_table.h"

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
