/*
 * tc_scan.c — one lexical pass over the raw trace text, before cJSON sees it.
 *
 * cJSON cannot say where each event starts, cannot parse a truncated array,
 * and accepts bytes that Perfetto rejects. So this pass walks the text
 * tracking string/escape state and the open brackets, and records:
 *   - the span and line of every complete event, so events can be parsed
 *     one at a time and a truncated array cut after its last complete event;
 *   - trailing commas before the events' ']' (Perfetto accepts them, cJSON
 *     does not; the object-form loader blanks them);
 *   - the first structural error: mismatched brackets, a missing or doubled
 *     comma between events;
 *   - raw control bytes, invalid UTF-8, \uD800-\uDFFF escapes and numbers
 *     with leading zeros (trace-format.md section 1).
 * Inside an event it validates nothing but brackets: cJSON does the rest.
 */
#include "tc_internal.h"

#include <stdio.h>
#include <string.h>

typedef struct scanner {
    const char *buf;
    size_t len, i;
    long line;
    size_t line_start;
    tc__scan *out;
    tc__vec stack;        /* char: the open brackets */
    size_t events_depth;  /* stack depth at which events sit; 0 = none */
    bool in_elem;
    tc__span elem;        /* the event being scanned */
    bool want_comma;      /* an event ended; a ',' or ']' must follow */
    size_t comma;         /* comma after the last event, or TC__NONE */
    bool key_is_events;   /* the last top-level key was "traceEvents" */
    size_t last_key, last_key_len;
    size_t lex_at_last_end;
    bool done;
} scanner;

static size_t depth(const scanner *s) { return s->stack.len; }

static bool at_events(const scanner *s)
{
    return s->events_depth && depth(s) == s->events_depth;
}

static void lex(scanner *s, size_t off, const char *fmt, unsigned v)
{
    s->out->n_lex++;
    if (s->out->lex.len >= TC__MAX_LEX)
        return;
    tc__lex *l = tc__vec_push(&s->out->lex);
    l->line = s->line;
    l->col = (long)(off - s->line_start) + 1;
    snprintf(l->what, sizeof(l->what), fmt, v);
}

static void syntax_error(scanner *s, const char *what)
{
    s->out->error_off = s->i;
    snprintf(s->out->error, sizeof(s->out->error), "%s", what);
    s->done = true;
}

static void newline(scanner *s, size_t at)
{
    s->line++;
    s->line_start = at + 1;
}

/* A value starts at s->i; at the events level it is an event. */
static void elem_begin(scanner *s)
{
    if (!at_events(s) || s->in_elem)
        return;
    if (s->want_comma) {
        syntax_error(s, "missing ',' between two events");
        return;
    }
    s->in_elem = true;
    s->elem.start = s->i;
    s->elem.line = s->line;
    s->comma = TC__NONE;
}

static void elem_end(scanner *s, size_t end)
{
    if (!at_events(s) || !s->in_elem)
        return;
    s->in_elem = false;
    s->want_comma = true;
    s->elem.end = end;
    *(tc__span *)tc__vec_push(&s->out->events) = s->elem;
    s->out->last_end = end;
    s->lex_at_last_end = s->out->n_lex;
}

/* Length of the valid UTF-8 sequence at p, or 0 (RFC 3629 table 3-7). */
static size_t utf8_len(const unsigned char *p, size_t avail)
{
    unsigned char c = p[0];
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0xC2 || c > 0xF4 || avail < n)
        return 0;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F; /* U+D800..DFFF are not characters */
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t k = 2; k < n; k++)
        if ((p[k] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* Checks the escape at s->i (just after the backslash); returns its length. */
static size_t scan_escape(scanner *s, bool *surrogate_seen)
{
    if (s->i >= s->len || s->buf[s->i] != 'u' || s->len - s->i < 5)
        return 1;
    unsigned v = 0;
    for (size_t k = 1; k <= 4; k++) {
        char h = s->buf[s->i + k];
        unsigned d = h >= '0' && h <= '9'   ? (unsigned)(h - '0')
                     : h >= 'a' && h <= 'f' ? (unsigned)(h - 'a' + 10)
                     : h >= 'A' && h <= 'F' ? (unsigned)(h - 'A' + 10)
                                            : 16u;
        if (d == 16)
            return 1; /* not hex: cJSON reports it */
        v = v * 16 + d;
    }
    if (v >= 0xD800 && v <= 0xDFFF && !*surrogate_seen) {
        *surrogate_seen = true;
        lex(s, s->i - 1,
            "\\u%04X is a surrogate escape: Perfetto rejects the whole "
            "trace (write the character as raw UTF-8)", v);
    }
    return 5;
}

/* Checks one byte >= 0x80 or < 0x20 inside a string; returns its length. */
static size_t scan_string_byte(scanner *s, unsigned char c)
{
    if (c < 0x20) {
        if (c == '\n')
            newline(s, s->i);
        lex(s, s->i, "raw control byte 0x%02x in a string: escape bytes "
            "below 0x20", c);
        return 1;
    }
    size_t n = utf8_len((const unsigned char *)s->buf + s->i, s->len - s->i);
    if (!n && s->len - s->i >= 4) /* a cut-off tail is not a problem */
        lex(s, s->i, "invalid UTF-8 byte 0x%02x in a string", c);
    return n ? n : 1;
}

/* Scans the string starting at the quote at s->i; leaves s->i after it. */
static void scan_string(scanner *s)
{
    size_t start = ++s->i;
    bool surrogate_seen = false;
    while (s->i < s->len) {
        unsigned char c = (unsigned char)s->buf[s->i];
        if (c == '"') {
            if (depth(s) == 1 && s->out->form == '{') {
                s->last_key = start;
                s->last_key_len = s->i - start;
            }
            s->i++;
            elem_end(s, s->i);
            return;
        }
        if (c == '\\') {
            s->i++;
            s->i += scan_escape(s, &surrogate_seen);
        } else if (c < 0x20 || c >= 0x80) {
            s->i += scan_string_byte(s, c);
        } else {
            s->i++;
        }
    }
}

/* Scans a number or literal; leaves s->i on the byte after it. */
static void scan_scalar(scanner *s)
{
    const char *p = s->buf + s->i;
    size_t left = s->len - s->i;
    if ((left > 1 && p[0] == '0' && p[1] >= '0' && p[1] <= '9') ||
        (left > 2 && p[0] == '-' && p[1] == '0' && p[2] >= '0' && p[2] <= '9'))
        lex(s, s->i, "number with a leading zero: Perfetto rejects the whole "
            "trace", 0);
    while (s->i < s->len && !strchr(" \t\r\n,:[]{}\"", s->buf[s->i]))
        s->i++;
    if (s->i < s->len) /* at EOF the token may have been cut */
        elem_end(s, s->i);
}

static void open_bracket(scanner *s, char c)
{
    if (depth(s) == 0) {
        s->out->form = c;
        if (c == '[')
            s->events_depth = 1;
    } else if (depth(s) == 1 && c == '[' && s->out->form == '{' &&
               s->key_is_events && !s->events_depth) {
        s->events_depth = 2;
    }
    *(char *)tc__vec_push(&s->stack) = c;
}

static void close_bracket(scanner *s, char c)
{
    char open = depth(s) ? TC__AT(&s->stack, char, depth(s) - 1) : 0;
    if (open != (c == ']' ? '[' : '{')) {
        syntax_error(s, c == ']' ? "unexpected ']'" : "unexpected '}'");
        return;
    }
    if (at_events(s) && s->comma != TC__NONE)
        *(size_t *)tc__vec_push(&s->out->commas) = s->comma;
    bool closing_events = at_events(s);
    s->stack.len--;
    if (closing_events && s->out->form == '{')
        s->events_depth = 0; /* the rest of the object holds no events */
    if (at_events(s))
        elem_end(s, s->i + 1);
    if (depth(s) == 0) {
        s->out->closed = true;
        s->out->close_off = s->i;
        s->done = true;
    }
}

static void comma(scanner *s)
{
    if (depth(s) == 1)
        s->key_is_events = false;
    if (!at_events(s))
        return;
    if (!s->want_comma) {
        syntax_error(s, "unexpected ',': an event is missing");
        return;
    }
    s->want_comma = false;
    s->comma = s->i;
}

static void colon(scanner *s)
{
    if (at_events(s))
        syntax_error(s, "unexpected ':' between events");
    else if (depth(s) == 1)
        s->key_is_events =
            s->last_key_len == 11 &&
            memcmp(s->buf + s->last_key, "traceEvents", 11) == 0;
}

static void step(scanner *s)
{
    char c = s->buf[s->i];
    switch (c) {
    case '"':
        elem_begin(s);
        if (!s->done)
            scan_string(s);
        return;
    case '\n':
        newline(s, s->i);
        break;
    case ' ': case '\t': case '\r':
        break;
    case '{': case '[':
        elem_begin(s);
        open_bracket(s, c);
        break;
    case '}': case ']':
        close_bracket(s, c);
        break;
    case ',':
        comma(s);
        break;
    case ':':
        colon(s);
        break;
    default:
        if ((unsigned char)c < 0x20) { /* cJSON skips these as blanks */
            lex(s, s->i, "raw control byte 0x%02x outside a string",
                (unsigned char)c);
            break;
        }
        elem_begin(s);
        if (!s->done)
            scan_scalar(s);
        return;
    }
    s->i++;
}

/* A truncated tail: forget what was found in the part that gets dropped. */
static void drop_tail(scanner *s)
{
    tc__scan *o = s->out;
    o->n_lex = s->lex_at_last_end;
    if (o->lex.len > o->n_lex)
        o->lex.len = o->n_lex;
    for (size_t k = o->last_end; k < s->len; k++)
        if (!strchr(" \t\r\n,", s->buf[k]))
            o->tail_partial = true;
}

void tc__scan_text(const char *buf, size_t len, tc__scan *out)
{
    memset(out, 0, sizeof(*out));
    out->events.size = sizeof(tc__span);
    out->commas.size = sizeof(size_t);
    out->lex.size = sizeof(tc__lex);
    out->error_off = TC__NONE;
    scanner s = {.buf = buf, .len = len, .line = 1, .out = out,
                 .comma = TC__NONE};
    s.stack.size = 1;
    while (s.i < len && !s.done)
        step(&s);
    if (!out->closed && out->error_off == TC__NONE)
        drop_tail(&s);
    tc__vec_free(&s.stack);
}

void tc__scan_free(tc__scan *s)
{
    tc__vec_free(&s->events);
    tc__vec_free(&s->commas);
    tc__vec_free(&s->lex);
}

void tc__line_col(const char *buf, size_t len, size_t off, long *line,
                  long *col)
{
    size_t start = 0;
    *line = 1;
    for (size_t k = 0; k < off && k < len; k++) {
        if (buf[k] == '\n') {
            ++*line;
            start = k + 1;
        }
    }
    *col = (long)(off - start) + 1;
}
