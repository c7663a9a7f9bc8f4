/*
 * tv_fmt.c — times on the timeline: positions with full nanosecond
 * precision, axis ticks in 1-2-5 steps labelled in the largest unit that
 * keeps them short (durations: tv_fmt_dur in core's tv_fmt.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_view.h"

char *tv_fmt_time(int64_t ns, char *buf, size_t len) {
    const char *sign = ns < 0 ? "-" : "";
    uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    if (a < 1000)
        snprintf(buf, len, "%s%llu ns", sign, (unsigned long long)a);
    else if (a < 1000000)
        snprintf(buf, len, "%s%llu.%03llu us", sign, (unsigned long long)(a / 1000),
                 (unsigned long long)(a % 1000));
    else if (a < 1000000000)
        snprintf(buf, len, "%s%llu.%06llu ms", sign, (unsigned long long)(a / 1000000),
                 (unsigned long long)(a % 1000000));
    else
        snprintf(buf, len, "%s%llu.%09llu s", sign, (unsigned long long)(a / 1000000000),
                 (unsigned long long)(a % 1000000000));
    return buf;
}

int64_t tv_tick_step(int64_t span, int px, int min_px) {
    if (px < 1) px = 1;
    double raw = (double)span * min_px / px;
    int64_t step = 1;
    while ((double)step < raw && step < INT64_MAX / 10) {
        if ((double)step * 2 >= raw) return step * 2;
        if ((double)step * 5 >= raw) return step * 5;
        step *= 10;
    }
    return step;
}

char *tv_fmt_tick(int64_t t, int64_t step, char *buf, size_t len) {
    if (t == 0) {
        snprintf(buf, len, "0");
        return buf;
    }
    uint64_t a = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
    static const struct { uint64_t div; int digits; const char *unit; } u[] = {
        {1, 0, "ns"}, {1000, 3, "us"}, {1000000, 6, "ms"}, {1000000000, 9, "s"}};
    int k = a < 1000 ? 0 : a < 1000000 ? 1 : a < 1000000000 ? 2 : 3;
    /* decimals: enough to tell ticks apart, i.e. down to the step */
    int step_digits = 0;
    for (int64_t s = step; s % 10 == 0 && s > 0; s /= 10) step_digits++;
    int dec = u[k].digits - step_digits;
    if (dec < 0) dec = 0;
    char num[48];
    int n = snprintf(num, sizeof num, "%s%llu", t < 0 ? "-" : "", (unsigned long long)(a / u[k].div));
    if (dec > 0) {
        char frac[16];
        snprintf(frac, sizeof frac, "%0*llu", u[k].digits, (unsigned long long)(a % u[k].div));
        frac[dec] = 0;
        /* drop trailing zeros: "2.50 ms" -> "2.5 ms", "2.00" -> "2" */
        int fl = dec;
        while (fl > 0 && frac[fl - 1] == '0') frac[--fl] = 0;
        if (fl > 0 && n > 0 && (size_t)n < sizeof num - 1)
            snprintf(num + n, sizeof num - (size_t)n, ".%s", frac);
    }
    snprintf(buf, len, "%s %s", num, u[k].unit);
    return buf;
}

int tv_parse_time(const char *s, int64_t *ns) {
    if (!s || !*s) return -1;
    char *end;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v) || v < 0) return -1;
    double mul = 1e6; /* no unit: milliseconds */
    if (!strcmp(end, "ns")) mul = 1;
    else if (!strcmp(end, "us")) mul = 1e3;
    else if (!strcmp(end, "ms")) mul = 1e6;
    else if (!strcmp(end, "s")) mul = 1e9;
    else if (*end) return -1;
    double r = v * mul;
    if (r > 9e18) return -1;
    *ns = (int64_t)llround(r);
    return 0;
}
