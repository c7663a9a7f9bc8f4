/*
 * tv_fmt.c — durations with three significant digits, and bounded text
 * (tv_fmt.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "tv_fmt.h"

char *tv_fmt_dur(int64_t ns, char *buf, size_t len) {
    static const char *const unit[] = {"ns", "us", "ms", "s"};
    const char *sign = ns < 0 ? "-" : "";
    double v = ns < 0 ? -(double)ns : (double)ns;
    int u = 0;
    if (v < 1000) {
        snprintf(buf, len, "%s%.0f ns", sign, v);
        return buf;
    }
    while (u < 3 && v >= 999.5) {
        v /= 1000;
        u++;
    }
    int prec = v < 9.995 ? 2 : v < 99.95 ? 1 : 0;
    snprintf(buf, len, "%s%.*f %s", sign, prec, v, unit[u]);
    return buf;
}

void tv_put(tv_text *t, const char *fmt, ...) {
    if (t->pos + 1 >= t->len) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->pos, t->len - t->pos, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    t->pos += (size_t)n;
    if (t->pos >= t->len) t->pos = t->len - 1;
}
