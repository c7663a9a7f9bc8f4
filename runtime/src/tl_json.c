/*
 * tl_json.c — formatting for the writer (see tl_json.h for the contract).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tl_json.h"

int tl__out_init(tl_out *o, int fd, size_t cap) {
    memset(o, 0, sizeof *o);
    o->buf = malloc(cap);
    if (!o->buf) return -ENOMEM;
    o->cap = cap;
    o->fd = fd;
    return 0;
}

void tl__out_flush(tl_out *o) {
    if (o->keep) {
        o->keep(o);
        return;
    }
    size_t off = 0;
    while (off < o->len && !o->failed) {
        ssize_t w = write(o->fd, o->buf + off, o->len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            o->failed = 1;
            tl__warn("writing the trace failed: %s; the rest of this trace is lost",
                     w < 0 ? strerror(errno) : "short write");
            break;
        }
        off += (size_t)w;
        o->bytes += (uint64_t)w;
    }
    o->len = 0;
}

/* Two digits per division: the writer prints several numbers per event and
 * this was its hottest function. */
static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Digits in v (v > 0): log2 * log10(2) guesses, one comparison corrects. */
static size_t digits10(uint64_t v) {
    static const uint64_t pow10[20] = {1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
                                       10000000ull, 100000000ull, 1000000000ull, 10000000000ull,
                                       100000000000ull, 1000000000000ull, 10000000000000ull,
                                       100000000000000ull, 1000000000000000ull,
                                       10000000000000000ull, 100000000000000000ull,
                                       1000000000000000000ull, 10000000000000000000ull};
    size_t t = ((size_t)(64 - __builtin_clzll(v)) * 1233) >> 12;
    return t + (v >= pow10[t]);
}

/* Written in place from the last digit back: no copy of a variable length. */
size_t tl__fmt_u64(char *buf, uint64_t v) {
    if (v < 10) {
        buf[0] = (char)('0' + v);
        return 1;
    }
    size_t n = digits10(v);
    char *p = buf + n;
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        p -= 2;
        memcpy(p, digit_pairs + 2 * r, 2);
    }
    if (v >= 10) {
        p -= 2;
        memcpy(p, digit_pairs + 2 * v, 2);
    } else {
        *--p = (char)('0' + v);
    }
    return n;
}

size_t tl__fmt_hex(char *buf, uint64_t v) {
    size_t n = 2;
    buf[0] = '0', buf[1] = 'x';
    for (int b = 60; b >= 0; b -= 4)
        if (n > 2 || (v >> b) & 15 || b == 0) buf[n++] = "0123456789abcdef"[(v >> b) & 15];
    return n;
}

void tl__out_u64(tl_out *o, uint64_t v) {
    if (o->len + 20 > o->cap) return; /* callers reserved a line */
    o->len += tl__fmt_u64(o->buf + o->len, v);
}

void tl__out_i64(tl_out *o, int64_t v) {
    if (v < 0) {
        tl__out_lit(o, "-");
        tl__out_u64(o, (uint64_t)0 - (uint64_t)v);
    } else {
        tl__out_u64(o, (uint64_t)v);
    }
}

void tl__out_ts(tl_out *o, uint64_t ns) {
    tl__out_u64(o, ns / 1000);
    unsigned frac = (unsigned)(ns % 1000);
    if (frac == 0) return;
    char d[4] = {'.', (char)('0' + frac / 100), digit_pairs[2 * (frac % 100)],
                 digit_pairs[2 * (frac % 100) + 1]};
    tl__out_raw(o, d, 4);
}

void tl__out_double(tl_out *o, double v) {
    char tmp[40];
    if (!isfinite(v)) v = 0;
    if (fabs(v) < 9e15 && v == (double)(int64_t)v) {
        tl__out_i64(o, (int64_t)v);
        return;
    }
    int n = snprintf(tmp, sizeof tmp, "%.17g", v);
    tl__out_raw(o, tmp, (size_t)n);
}

/* Length of the valid UTF-8 sequence at s, or 0 if it is not valid. */
static int utf8_len(const unsigned char *s) {
    int n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
    if (n == 0 || s[0] > 0xF4 || (s[0] & 0xFE) == 0xC0) return 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if (n == 3 && s[0] == 0xE0 && s[1] < 0xA0) return 0; /* overlong */
    if (n == 3 && s[0] == 0xED && s[1] >= 0xA0) return 0; /* surrogates */
    if (n == 4 && s[0] == 0xF0 && s[1] < 0x90) return 0;
    if (n == 4 && s[0] == 0xF4 && s[1] >= 0x90) return 0;
    return n;
}

/* Escapes s into dst; returns bytes written (no terminator). */
static size_t escape(char *dst, size_t cap, const char *s) {
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n + 7 < cap;) {
        if (*p == '"' || *p == '\\') {
            dst[n++] = '\\', dst[n++] = (char)*p++;
        } else if (*p < 0x20) {
            memcpy(dst + n, "\\u00", 4);
            dst[n + 4] = hex[*p >> 4], dst[n + 5] = hex[*p & 15];
            n += 6, p++;
        } else if (*p < 0x80) {
            dst[n++] = (char)*p++;
        } else {
            int k = utf8_len(p);
            if (k == 0) {
                dst[n++] = '?', p++;
            } else {
                memcpy(dst + n, p, (size_t)k);
                n += (size_t)k, p += k;
            }
        }
    }
    return n;
}

void tl__json_escape(char *dst, size_t cap, const char *s) {
    size_t n = escape(dst, cap, s ? s : "");
    dst[n] = 0;
}

void tl__out_jbody(tl_out *o, const char *s) {
    if (o->len + 512 > o->cap) tl__out_flush(o);
    o->len += escape(o->buf + o->len, 512, s ? s : "");
}

void tl__out_jstr(tl_out *o, const char *s) {
    tl__out_lit(o, "\"");
    tl__out_jbody(o, s);
    tl__out_lit(o, "\"");
}
