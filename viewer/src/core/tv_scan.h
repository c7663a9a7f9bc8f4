/*
 * tv_scan.h — finds the elements of a trace's event array without parsing
 * them: the top-level '[' ... ']' or the "traceEvents" array of a top-level
 * object (other keys are skipped, whatever their size). Resumable at any
 * byte, so the file can be fed in chunks; only the element being scanned must
 * stay in the buffer.
 */
#ifndef TV_SCAN_H
#define TV_SCAN_H

#include <stddef.h>
#include <stdint.h>

/* Containers deeper than this (counting the top-level array) are refused:
 * real traces nest 3 or 4 deep, and it keeps cJSON's recursion shallow. */
#define TV_MAX_NESTING 64

enum tv_scan_result {
    TV_SCAN_OPEN,    /* an element starts at el_start: the caller may let cJSON
                        find its end (tv_scan_element_end), else scan on */
    TV_SCAN_ELEMENT, /* an element at [el_start, pos) of the buffer */
    TV_SCAN_MORE,    /* the buffer is used up: keep [keep_from(), len), add more */
    TV_SCAN_DONE,    /* end of input reached; truncated says how */
    TV_SCAN_LIMIT,   /* reached the limit given to tv_scan_run() */
    TV_SCAN_ERROR,   /* err_off, err */
};

typedef struct tv_scan {
    int state;
    int depth;       /* open containers, including the top-level one */
    int ev_depth;    /* depth of the events array while inside it, else 0 */
    int el_depth;    /* inside an element or a skipped value: its own depth */
    int in_str, esc;
    int form;        /* '[' or '{': the top-level container */
    int got_events;  /* a "traceEvents" array was seen (object form) */
    int truncated;   /* the input ended inside the events array */
    int cut_element; /* ... inside an element, which is at [el_start, len) */
    int saw_content; /* a non-blank byte was seen */
    char key[12];
    int keylen;      /* bytes of the current key, up to sizeof key + 1 */
    size_t pos;      /* next byte of the buffer */
    size_t el_start; /* buffer offset of the element being scanned */
    uint64_t base;   /* file offset of buffer byte 0 */
    uint64_t err_off;
    const char *err;
} tv_scan;

void tv_scan_init(tv_scan *s);
/* A scanner that starts between two elements of the events array (the second
 * half of a file split in two); form is the top-level container. */
void tv_scan_init_in_array(tv_scan *s, int form);
/* True when the scanner is between two elements of the events array, as
 * tv_scan_init_in_array() assumes. */
int tv_scan_between_elements(const tv_scan *s);

/* Scans buf[s->pos .. len) (stopping at limit, a buffer offset, if lower);
 * eof says that no more input follows buf[len - 1]. */
int tv_scan_run(tv_scan *s, const char *buf, size_t len, size_t limit, int eof);
/* The element opened at el_start ends before buffer offset end (found by a
 * parser that accepted it whole). */
void tv_scan_element_end(tv_scan *s, size_t end);
/* The first buffer byte still needed (the current element's start, or pos). */
size_t tv_scan_keep_from(const tv_scan *s);
/* The buffer lost its first `by` bytes (they were consumed). */
void tv_scan_shift(tv_scan *s, size_t by);

#endif
