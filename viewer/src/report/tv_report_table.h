/*
 * tv_report_table.h — aligned text tables for the text report.
 */
#ifndef TV_REPORT_TABLE_H
#define TV_REPORT_TABLE_H

#include <stddef.h>
#include <stdio.h>

#define TV_TAB_MAXCOLS 16

typedef struct tv_tab {
    int ncols;
    const char *align; /* one char per column: 'l' or 'r' */
    char **cells;      /* row-major, the heading row first */
    size_t n, cap;
    size_t width[TV_TAB_MAXCOLS];
    int oom;
} tv_tab;

void tv_tab_init(tv_tab *t, int ncols, const char *const *head, const char *align);
void tv_tab_cell(tv_tab *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints every row, each line starting with indent; -1 if a cell could not be stored. */
int tv_tab_print(tv_tab *t, FILE *f, const char *indent);
void tv_tab_free(tv_tab *t);

/* Trace strings are data, not terminal input: these write a control byte
 * (below 0x20, 0x7f, and the two-byte UTF-8 C1 controls U+0080..U+009F,
 * which some terminals obey too) as \xNN, so that a name can neither drive
 * the terminal nor break a table's lines. Table cells are escaped so. */
void tv_tab_put(FILE *f, const char *s);
/* The escaped copy (malloc), or NULL out of memory. */
char *tv_tab_escape(const char *s);

#endif
