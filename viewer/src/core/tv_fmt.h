/*
 * tv_fmt.h — durations as people read them, the one format the report and
 * the timeline share (tv_fmt.c).
 */
#ifndef TV_FMT_H
#define TV_FMT_H

#include <stddef.h>
#include <stdint.h>

/* "1.25 ms", "320 ns", "8.00 us": three significant digits, the unit chosen
 * so the number is < 1000 (whole nanoseconds below 1 us). Returns buf. */
char *tv_fmt_dur(int64_t ns, char *buf, size_t len);

#endif
