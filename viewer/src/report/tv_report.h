/*
 * tv_report.h — `threadlens report`: statistics and findings of a loaded
 * trace, as text or JSON.
 */
#ifndef TV_REPORT_H
#define TV_REPORT_H

#include <stdio.h>

#include "tv_model.h"

/* Writes the report for m to f. json != 0: one JSON object with the keys
 * threads, events, dropped, locks, pools, races, lock_order, deadlocks,
 * hangs, misuse always present. Returns 0, or -1 on a write error. */
int tv_report_write(const tv_model *m, FILE *f, int json);

/* `threadlens report [--json] FILE`: argv[0] is "report". Returns the exit
 * status (0 ok, 1 bad trace, 2 usage). */
int tv_report_main(int argc, char **argv);

#endif
