/*
 * tv_scan.c — the element scanner (see tv_scan.h).
 *
 * Inside an element only brackets and strings matter: cJSON checks the rest
 * when it parses the element, so the scanner just counts depth (not bracket
 * kinds) and skips string contents. Usually the scanner does not even do
 * that: at an element's '{' it returns TV_SCAN_OPEN, and the loader lets
 * cJSON parse from there and report where the element ended; the byte loop
 * only runs for elements cJSON did not accept whole (cut by the end of the
 * buffer, malformed, too deep).
 */
#include <string.h>

#include "tv_scan.h"

enum {
    S_START,     /* before the top-level value */
    S_ARR_FIRST, /* after the events array's '[': an element or ']' */
    S_ARR_NEXT,  /* after ',': an element (or ']': a trailing comma is tolerated) */
    S_ARR_AFTER, /* after an element: ',' or ']' */
    S_ELEM,      /* inside an element */
    S_OBJ_FIRST, /* after the top-level '{': a key or '}' */
    S_OBJ_NEXT,  /* after ',': a key */
    S_KEY,       /* inside a key */
    S_COLON,     /* after a key */
    S_VALUE,     /* after ':' */
    S_SKIP,      /* inside a container value of another key */
    S_SKIP_STR,  /* inside a string value of another key */
    S_SKIP_ATOM, /* inside a number or literal value of another key */
    S_OBJ_AFTER, /* after a value: ',' or '}' */
    S_END,       /* after the top-level value */
};

/* 1 for bytes that matter outside strings inside an element */
static const unsigned char special[256] = {
    ['"'] = 1, ['{'] = 1, ['}'] = 1, ['['] = 1, [']'] = 1,
};
/* 1 for bytes that matter inside strings */
static const unsigned char str_special[256] = {
    ['"'] = 1, ['\\'] = 1,
};

static int is_blank(unsigned char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

void tv_scan_init(tv_scan *s) {
    memset(s, 0, sizeof *s);
    s->state = S_START;
}

void tv_scan_init_in_array(tv_scan *s, int form) {
    tv_scan_init(s);
    s->form = form;
    s->depth = s->ev_depth = form == '[' ? 1 : 2;
    s->got_events = form == '{';
    s->saw_content = 1;
    s->state = S_ARR_NEXT;
}

int tv_scan_between_elements(const tv_scan *s) {
    return (s->state == S_ARR_FIRST || s->state == S_ARR_NEXT) && s->depth == s->ev_depth &&
           s->ev_depth == (s->form == '[' ? 1 : 2);
}

void tv_scan_element_end(tv_scan *s, size_t end) {
    s->pos = end;
    s->state = S_ARR_AFTER;
    s->el_depth = 0;
    s->in_str = s->esc = 0;
}

size_t tv_scan_keep_from(const tv_scan *s) {
    return s->state == S_ELEM ? s->el_start : s->pos;
}

void tv_scan_shift(tv_scan *s, size_t by) {
    s->pos -= by;
    if (s->state == S_ELEM) s->el_start -= by;
    s->base += by;
}

static int fail(tv_scan *s, size_t at, const char *msg) {
    s->err_off = s->base + at;
    s->err = msg;
    s->pos = at;
    return TV_SCAN_ERROR;
}

/* Scans a container's inside (el_depth > 0 on entry) or a string (in_str).
 * Returns 1 when the container closed (pos after it), 0 when the bytes ran
 * out, -1 on a nesting error. */
static int scan_nested(tv_scan *s, const unsigned char *buf, size_t stop, int outer) {
    const unsigned char *p = buf + s->pos, *e = buf + stop;
    int depth = s->el_depth;
    if (s->in_str) goto in_string;
    for (;;) {
        while (p < e && !special[*p]) p++;
        if (p == e) break;
        unsigned char c = *p++;
        if (c == '"') {
            s->in_str = 1;
        in_string:
            if (s->esc) {
                if (p == e) break;
                p++;
                s->esc = 0;
            }
            for (;;) {
                while (p < e && !str_special[*p]) p++;
                if (p == e) goto out;
                c = *p++;
                if (c == '"') break;
                /* a backslash: skip the escaped byte */
                if (p == e) {
                    s->esc = 1;
                    goto out;
                }
                p++;
            }
            s->in_str = 0;
        } else if (c == '{' || c == '[') {
            if (++depth + outer > TV_MAX_NESTING) {
                s->el_depth = depth;
                s->pos = (size_t)(p - 1 - buf);
                return -1;
            }
        } else if (--depth == 0) {
            s->el_depth = 0;
            s->pos = (size_t)(p - buf);
            return 1;
        }
    }
out:
    s->el_depth = depth;
    s->pos = (size_t)(p - buf);
    return 0;
}

static int close_top(tv_scan *s, size_t at) {
    s->depth--;
    if (s->depth == 0) {
        if (s->form == '{' && !s->got_events)
            return fail(s, at, "expected a \"traceEvents\" array (not a JSON trace)");
        s->state = S_END;
    } else {
        s->state = S_OBJ_AFTER;
    }
    return -1;
}

int tv_scan_run(tv_scan *s, const char *cbuf, size_t len, size_t limit, int eof) {
    const unsigned char *buf = (const unsigned char *)cbuf;
    size_t stop = limit < len ? limit : len;
    for (;;) {
        if (s->state == S_ELEM || s->state == S_SKIP) {
            int outer = s->state == S_ELEM ? s->ev_depth : s->depth;
            int r = scan_nested(s, buf, stop, outer);
            if (r < 0) return fail(s, s->pos, "nesting deeper than 64");
            if (r > 0) {
                if (s->state == S_ELEM) {
                    s->state = S_ARR_AFTER;
                    return TV_SCAN_ELEMENT;
                }
                s->state = S_OBJ_AFTER;
                continue;
            }
            goto ran_out;
        } else if (s->state == S_SKIP_STR || s->state == S_KEY) {
            while (s->pos < stop) {
                unsigned char c = buf[s->pos++];
                if (s->esc) {
                    s->esc = 0;
                } else if (c == '\\') {
                    s->esc = 1;
                } else if (c == '"') {
                    s->state = s->state == S_KEY ? S_COLON : S_OBJ_AFTER;
                    break;
                }
                if (s->state == S_KEY && s->keylen <= (int)sizeof s->key) {
                    if (s->keylen < (int)sizeof s->key) s->key[s->keylen] = (char)c;
                    s->keylen++;
                }
            }
            if (s->state == S_SKIP_STR || s->state == S_KEY) goto ran_out;
            continue;
        } else if (s->state == S_SKIP_ATOM) {
            while (s->pos < stop) {
                unsigned char c = buf[s->pos];
                if (is_blank(c) || c == ',' || c == '}' || c == ']') {
                    s->state = S_OBJ_AFTER;
                    break;
                }
                s->pos++;
            }
            if (s->state == S_SKIP_ATOM) goto ran_out;
            continue;
        }
        /* the states between tokens: skip blanks, look at one byte */
        while (s->pos < stop && is_blank(buf[s->pos])) s->pos++;
        if (s->pos >= stop) goto ran_out;
        size_t at = s->pos;
        unsigned char c = buf[at];
        s->pos++;
        switch (s->state) {
        case S_START:
            if (c == 0xEF && !s->saw_content) { /* a UTF-8 byte order mark */
                if (at + 3 > len && !eof) {
                    s->pos = at;
                    return TV_SCAN_MORE;
                }
                if (at + 3 <= len && buf[at + 1] == 0xBB && buf[at + 2] == 0xBF) {
                    s->pos = at + 3;
                    s->saw_content = 1;
                    continue;
                }
            }
            s->saw_content = 1;
            if (c == '[') {
                s->form = '[';
                s->depth = s->ev_depth = 1;
                s->state = S_ARR_FIRST;
            } else if (c == '{') {
                s->form = '{';
                s->depth = 1;
                s->state = S_OBJ_FIRST;
            } else {
                return fail(s, at, "expected '[' or '{' (not a JSON trace)");
            }
            break;
        case S_ARR_FIRST:
        case S_ARR_NEXT:
            if (c == '{') {
                if (s->ev_depth + 1 > TV_MAX_NESTING) return fail(s, at, "nesting deeper than 64");
                s->state = S_ELEM;
                s->el_start = at;
                s->el_depth = 1;
                s->in_str = s->esc = 0;
                return TV_SCAN_OPEN;
            } else if (c == ']') {
                s->ev_depth = 0;
                if (close_top(s, at) == TV_SCAN_ERROR) return TV_SCAN_ERROR;
            } else {
                return fail(s, at, "expected '{' (a trace event object)");
            }
            break;
        case S_ARR_AFTER:
            if (c == ',') {
                s->state = S_ARR_NEXT;
            } else if (c == ']') {
                s->ev_depth = 0;
                if (close_top(s, at) == TV_SCAN_ERROR) return TV_SCAN_ERROR;
            } else {
                return fail(s, at, "expected ',' or ']' after an event");
            }
            break;
        case S_OBJ_FIRST:
        case S_OBJ_NEXT:
            if (c == '"') {
                s->state = S_KEY;
                s->keylen = 0;
                s->esc = 0;
            } else if (c == '}') {
                if (close_top(s, at) == TV_SCAN_ERROR) return TV_SCAN_ERROR;
            } else {
                return fail(s, at, s->state == S_OBJ_FIRST ? "expected a string key or '}'"
                                                           : "expected a string key");
            }
            break;
        case S_COLON:
            if (c != ':') return fail(s, at, "expected ':' after a key");
            s->state = S_VALUE;
            break;
        case S_VALUE:
            if (s->keylen == 11 && memcmp(s->key, "traceEvents", 11) == 0) {
                if (c != '[') return fail(s, at, "expected '[' after \"traceEvents\"");
                if (s->depth + 1 > TV_MAX_NESTING) return fail(s, at, "nesting deeper than 64");
                s->depth++;
                s->ev_depth = s->depth;
                s->got_events = 1;
                s->state = S_ARR_FIRST;
            } else if (c == '{' || c == '[') {
                if (s->depth + 1 > TV_MAX_NESTING) return fail(s, at, "nesting deeper than 64");
                s->state = S_SKIP;
                s->el_depth = 1;
                s->in_str = s->esc = 0;
            } else if (c == '"') {
                s->state = S_SKIP_STR;
                s->esc = 0;
            } else if (c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n') {
                s->state = S_SKIP_ATOM;
            } else {
                return fail(s, at, "expected a value");
            }
            break;
        case S_OBJ_AFTER:
            if (c == ',') {
                s->state = S_OBJ_NEXT;
            } else if (c == '}') {
                if (close_top(s, at) == TV_SCAN_ERROR) return TV_SCAN_ERROR;
            } else {
                return fail(s, at, "expected ',' or '}'");
            }
            break;
        case S_END:
            return fail(s, at, "expected the end of the file after the trace");
        }
        continue;
    ran_out:
        if (limit <= len && s->pos >= limit) return TV_SCAN_LIMIT;
        if (!eof) return TV_SCAN_MORE;
        /* end of input */
        if (s->state == S_START) {
            s->err_off = UINT64_MAX;
            s->err = "empty file (expected a JSON array of trace events)";
            return TV_SCAN_ERROR;
        }
        if (s->state == S_END) return TV_SCAN_DONE;
        if (s->ev_depth || !s->got_events) s->truncated = 1;
        if (s->state == S_ELEM) {
            s->cut_element = 1;
            s->pos = s->el_start;
        }
        return TV_SCAN_DONE;
    }
}
