/*
 * tl_json.h — the writer's output buffer and JSON pieces.
 *
 * Only the writer thread uses a tl_out. The buffer is allocated once by
 * tl__out_init; output goes out with write(2), never stdio. Strings are escaped for Perfetto's strict parser: ", \ and bytes
 * below 0x20 are escaped, valid UTF-8 passes through raw, and an invalid
 * byte becomes '?' (a \uD8xx escape or broken UTF-8 would fail the import).
 */
#ifndef TL_JSON_H
#define TL_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tl_internal.h"

typedef struct tl_out {
    char *buf;
    size_t len, cap;
    int fd;
    int failed;      /* a write failed; warned once, output discarded */
    uint64_t bytes;  /* written to fd so far */
    /* When set, a full buffer goes here instead of to fd, which must empty
     * it (tl_tracks holds lines this way while events wait to be written). */
    void (*keep)(struct tl_out *o);
} tl_out;

/* Longest single event line we ever produce (names are <= 64 bytes). */
#define TL_OUT_LINE_MAX 2048

TL_INTERNAL int tl__out_init(tl_out *o, int fd, size_t cap);
/* Writes the buffer to the file (retrying short writes and EINTR), or
 * hands it to keep. */
TL_INTERNAL void tl__out_flush(tl_out *o);
/* Decimal (at most 20 bytes) and "0x" hex (at most 18) into buf, without a
 * terminator; return the length. */
TL_INTERNAL size_t tl__fmt_u64(char *buf, uint64_t v);
TL_INTERNAL size_t tl__fmt_hex(char *buf, uint64_t v);
TL_INTERNAL void tl__out_u64(tl_out *o, uint64_t v);
TL_INTERNAL void tl__out_i64(tl_out *o, int64_t v);
/* Nanoseconds as microseconds with up to three decimals. */
TL_INTERNAL void tl__out_ts(tl_out *o, uint64_t ns);
/* A finite double (the caller has filtered NaN and infinities). */
TL_INTERNAL void tl__out_double(tl_out *o, double v);
/* A quoted, escaped JSON string. */
TL_INTERNAL void tl__out_jstr(tl_out *o, const char *s);
/* The escaped body of a string, without quotes. */
TL_INTERNAL void tl__out_jbody(tl_out *o, const char *s);
/* Copies an escaped string into dst (cap bytes, always terminated). */
TL_INTERNAL void tl__json_escape(char *dst, size_t cap, const char *s);

/* Makes room for one event line (flushing if needed). */
static inline void tl__out_begin(tl_out *o) {
    if (o->len + TL_OUT_LINE_MAX > o->cap) tl__out_flush(o);
}

static inline void tl__out_raw(tl_out *o, const char *s, size_t n) {
    if (o->len + n > o->cap) tl__out_flush(o);
    if (n > o->cap) return;
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

/* s must be a string literal (the "" forces it: sizeof of a pointer is not its length). */
#define tl__out_lit(o, s) tl__out_raw((o), "" s "", sizeof(s) - 1)
#define tl__out_str(o, s) tl__out_raw((o), (s), strlen(s))

#endif /* TL_JSON_H */
