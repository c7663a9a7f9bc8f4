/*
 * tv_fmt.h — durations as people read them, the one format the report and
 * the timeline share, and the bounded text the panels are written into
 * (tv_fmt.c).
 */
#ifndef TV_FMT_H
#define TV_FMT_H

#include <stddef.h>
#include <stdint.h>

/* "1.25 ms", "320 ns", "8.00 us": three significant digits, the unit chosen
 * so the number is < 1000 (whole nanoseconds below 1 us). Returns buf. */
char *tv_fmt_dur(int64_t ns, char *buf, size_t len);

/* Text written into buf[len] (len > 0): tv_put appends, printf-style, and
 * stops at the end, always terminated; pos is the length so far. */
typedef struct tv_text {
    char *buf;
    size_t len, pos;
} tv_text;

__attribute__((format(printf, 2, 3))) void tv_put(tv_text *t, const char *fmt, ...);

#endif
