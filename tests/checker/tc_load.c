/*
 * tc_load.c — from bytes to a checked trace.
 *
 * Mirrors Perfetto's JSON tokenizer at file level (trace-format.md section
 * 1): detection by the first bytes, the two container forms, a truncated
 * array cut after its last complete event, a truncated object rejected.
 * Events of the array form are parsed one at a time (tc_scan.c finds them),
 * so a trace of a million events never exists as one cJSON tree. Then every
 * rule runs once (analyze) and the model is frozen.
 */
#include "tc_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Writes "name:line:col: what" (or "name: what" when off is TC__NONE). */
static void set_err(char *err, size_t errlen, const char *name,
                    const char *buf, size_t len, size_t off, const char *fmt,
                    ...) TC__PRINTF(7, 8);

static void set_err(char *err, size_t errlen, const char *name,
                    const char *buf, size_t len, size_t off, const char *fmt,
                    ...)
{
    if (!err || !errlen)
        return;
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (off == TC__NONE) {
        snprintf(err, errlen, "%s: %s", name, what);
        return;
    }
    long line, col;
    tc__line_col(buf, len, off, &line, &col);
    snprintf(err, errlen, "%s:%ld:%ld: %s", name, line, col, what);
}

static size_t skip_ws(const char *buf, size_t len, size_t i)
{
    while (i < len && strchr(" \t\r\n", buf[i]) && buf[i])
        i++;
    return i;
}

/* A hint when the text at `at` is a NaN or Infinity literal. */
static const char *nan_hint(const char *at, size_t left)
{
    static const char *const words[] = {"NaN", "Infinity", "-Infinity"};
    for (size_t k = 0; k < 3; k++) {
        size_t n = strlen(words[k]);
        if (left >= n && !memcmp(at, words[k], n))
            return " (NaN and Infinity are not JSON: never write them)";
    }
    return "";
}

/* Up to 24 bytes at off, printable, for "invalid JSON near '...'". */
static void snippet(const char *buf, size_t len, size_t off, char *out)
{
    size_t n = 0;
    for (size_t k = off; k < len && n < 24 && buf[k] != '\n'; k++) {
        unsigned char c = (unsigned char)buf[k];
        out[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    out[n] = 0;
}

/* Perfetto's detection (tok.cc:1146): the text must start with [{" or {"
 * once whitespace is removed. Returns false with err set otherwise. */
static bool detect(const char *buf, size_t len, const char *name, char *err,
                   size_t errlen)
{
    size_t i = skip_ws(buf, len, 0);
    if (i == len) {
        set_err(err, errlen, name, buf, len, TC__NONE,
                "empty file: no events");
        return false;
    }
    unsigned char c = (unsigned char)buf[i];
    if (c != '[' && c != '{') {
        set_err(err, errlen, name, buf, len, i,
                isprint(c) ? "not a JSON trace: it starts with '%c'; Perfetto "
                             "needs '[{\"' or '{\"'"
                           : "not a JSON trace: it starts with byte 0x%02x "
                             "(binary data?)", c);
        return false;
    }
    size_t j = skip_ws(buf, len, i + 1);
    if (c == '[' && j < len && buf[j] == ']') {
        set_err(err, errlen, name, buf, len, i,
                "'[]' holds no events: Perfetto does not recognise a trace "
                "without events");
        return false;
    }
    if (c == '[' && j < len && buf[j] == '{')
        j = skip_ws(buf, len, j + 1);
    if (j == len) {
        set_err(err, errlen, name, buf, len, TC__NONE,
                "truncated before the first complete event");
        return false;
    }
    if (buf[j] != '"') {
        set_err(err, errlen, name, buf, len, j,
                "not a JSON trace: Perfetto needs the file to start with "
                "'[{\"' or '{\"'");
        return false;
    }
    return true;
}

/* Writes the parse error of text (which starts at offset base of buf). */
static void parse_error(const char *buf, size_t len, size_t base,
                        const char *text, const char *end, const char *name,
                        char *err, size_t errlen)
{
    size_t off = base + (end ? (size_t)(end - text) : 0);
    if (off > len)
        off = len;
    char near[32];
    snippet(buf, len, off, near);
    if (near[0])
        set_err(err, errlen, name, buf, len, off, "invalid JSON near '%s'%s",
                near, nan_hint(buf + off, len - off));
    else
        set_err(err, errlen, name, buf, len, off,
                "invalid JSON: unexpected end of the text");
}

static tc__model *model_new(const char *name, size_t n_ev)
{
    tc__model *m = tc__xcalloc(1, sizeof(*m));
    m->path = tc__xstrdup(name);
    m->n_ev = n_ev;
    m->ev = tc__xcalloc(n_ev, sizeof(tc__event));
    m->strings.size = sizeof(char *);
    m->problems.size = sizeof(tc__problem_rec);
    m->slices.size = sizeof(tc_slice);
    m->instants.size = sizeof(tc_instant);
    m->threads.size = sizeof(tc__thread *);
    m->identities.size = sizeof(tc__identity);
    m->pending.size = sizeof(tc__pending);
    m->flows.size = sizeof(tc__flowref);
    m->counters.size = sizeof(tc__counter *);
    m->procs.size = sizeof(tc__proc);
    m->async.size = sizeof(size_t);
    return m;
}

/* Problems found by the lexical scan come first: each one alone makes
 * Perfetto reject or garble the trace. */
static void lex_problems(tc__model *m, const tc__scan *sc)
{
    for (size_t k = 0; k < sc->lex.len; k++) {
        const tc__lex *l = &TC__AT(&sc->lex, tc__lex, k);
        tc__text_problem(m, "line %ld col %ld: %s", l->line, l->col,
                         l->what);
    }
    if (sc->n_lex > sc->lex.len)
        tc__text_problem(m, "... and %zu more byte-level problems",
                    sc->n_lex - sc->lex.len);
}

/* Reads event i from json (then freed). */
static void read_one(tc__model *m, size_t i, long line, cJSON *json)
{
    m->ev[i].index = i;
    m->ev[i].line = line;
    tc__read_event(m, &m->ev[i], json);
    cJSON_Delete(json);
}

/* The array form: every event parsed on its own, so that only its args
 * stay in memory. Returns false with err set on a syntax error. */
static bool read_array(tc__model *m, const char *buf, size_t len,
                       const tc__scan *sc, char *err, size_t errlen)
{
    for (size_t i = 0; i < m->n_ev; i++) {
        const tc__span *sp = &TC__AT(&sc->events, tc__span, i);
        const char *text = buf + sp->start, *end = NULL;
        cJSON *json = cJSON_ParseWithLengthOpts(text, sp->end - sp->start,
                                                &end, 0);
        size_t rest = json ? skip_ws(buf, sp->end, (size_t)(end - buf))
                           : sp->end;
        if (!json || rest < sp->end) {
            parse_error(buf, len, sp->start, text, end, m->path, err,
                        errlen);
            cJSON_Delete(json);
            return false;
        }
        read_one(m, i, sp->line, json);
    }
    return true;
}

/* The object form: parsed whole, as only an intact file can be. Perfetto
 * accepts trailing commas in traceEvents, so they are blanked first. */
static cJSON *parse_object(const char *buf, size_t len, const tc__scan *sc,
                           const char *name, char *err, size_t errlen)
{
    char *work = tc__xmalloc(len + 1);
    memcpy(work, buf, len);
    work[len] = 0;
    for (size_t k = 0; k < sc->commas.len; k++)
        work[TC__AT(&sc->commas, size_t, k)] = ' ';
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(work, len, &end, 0);
    if (!root)
        parse_error(buf, len, 0, work, end, name, err, errlen);
    free(work);
    return root;
}

/* The event array of root, or NULL with err set. */
static cJSON *events_of(cJSON *root, const char *name, char *err,
                        size_t errlen)
{
    cJSON *events = cJSON_GetObjectItemCaseSensitive(root, "traceEvents");
    if (!cJSON_IsArray(events)) {
        set_err(err, errlen, name, NULL, 0, TC__NONE,
                "the top-level object has no \"traceEvents\" array");
        return NULL;
    }
    if (!events->child) {
        set_err(err, errlen, name, NULL, 0, TC__NONE,
                "the trace holds no events");
        return NULL;
    }
    return events;
}

static tc__model *read_object(const char *buf, size_t len, const tc__scan *sc,
                              const char *name, char *err, size_t errlen)
{
    cJSON *root = parse_object(buf, len, sc, name, err, errlen);
    cJSON *events = root ? events_of(root, name, err, errlen) : NULL;
    if (!events) {
        cJSON_Delete(root);
        return NULL;
    }
    tc__model *m = model_new(name, (size_t)cJSON_GetArraySize(events));
    lex_problems(m, sc);
    bool lines = sc->events.len == m->n_ev;
    for (size_t i = 0; events->child; i++) {
        cJSON *e = cJSON_DetachItemViaPointer(events, events->child);
        read_one(m, i, lines ? TC__AT(&sc->events, tc__span, i).line : 0, e);
    }
    cJSON_Delete(root);
    return m;
}

/* Checks what the scan found at file level; false with err set. */
static bool file_level_ok(const char *buf, size_t len, const tc__scan *sc,
                          const char *name, char *err, size_t errlen)
{
    if (sc->error_off != TC__NONE) {
        set_err(err, errlen, name, buf, len, sc->error_off, "invalid JSON: %s",
                sc->error);
        return false;
    }
    if (!sc->closed && sc->form == '{') {
        set_err(err, errlen, name, buf, len, len,
                "JSON trace file is incomplete: the {\"traceEvents\":...} "
                "form cannot be truncated (Perfetto rejects it)");
        return false;
    }
    if (!sc->events.len && sc->form == '[') {
        set_err(err, errlen, name, buf, len, TC__NONE, sc->closed
                ? "the trace holds no events"
                : "truncated before the first complete event");
        return false;
    }
    size_t rest = sc->closed ? skip_ws(buf, len, sc->close_off + 1) : len;
    if (rest < len) {
        set_err(err, errlen, name, buf, len, rest,
                "unexpected data after the end of the trace");
        return false;
    }
    return true;
}

/* Parses and reads every event; NULL with err set. */
static tc__model *read_events(const char *buf, size_t len, const tc__scan *sc,
                              const char *name, char *err, size_t errlen)
{
    if (!file_level_ok(buf, len, sc, name, err, errlen))
        return NULL;
    if (sc->form == '{')
        return read_object(buf, len, sc, name, err, errlen);
    tc__model *m = model_new(name, sc->events.len);
    lex_problems(m, sc);
    if (read_array(m, buf, len, sc, err, errlen))
        return m;
    tc__model_free(m);
    return NULL;
}

/* Runs every rule once, in the order Perfetto would meet the events. */
static void analyze(tc_trace *t)
{
    tc__model *m = t->model;
    for (size_t i = 0; i < m->n_ev; i++) {
        if (!m->ev[i].placeable)
            continue;
        tc__note_pid(m, &m->ev[i]);
        if (m->ev[i].ph == 'M')
            tc__meta_event(m, &m->ev[i]);
    }
    tc__run_tracks(m, &t->stats);
    tc__check_names(m);
    tc__model_finish(t);
}

tc_trace *tc_load_buffer(const char *data, size_t len, const char *name,
                         char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = 0;
    if (!name)
        name = "(buffer)";
    if (!detect(data, len, name, err, errlen))
        return NULL;
    tc__scan sc;
    tc__scan_text(data, len, &sc);
    tc__model *m = read_events(data, len, &sc, name, err, errlen);
    if (!m) {
        tc__scan_free(&sc);
        return NULL;
    }
    tc_trace *t = tc__xcalloc(1, sizeof(*t));
    t->model = m;
    t->path = m->path;
    t->truncated = !sc.closed;
    t->dropped_partial = !sc.closed && sc.tail_partial;
    m->complete = sc.closed;
    tc__scan_free(&sc);
    analyze(t);
    return t;
}

/* Reads the whole file; returns NULL with err set. */
static char *read_file(const char *path, size_t *len, char *err,
                       size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_err(err, errlen, path, NULL, 0, TC__NONE, "cannot open: %s",
                strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0, got;
    char *buf = tc__xmalloc(cap);
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger)
                tc__oom(cap);
            buf = bigger;
        }
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        set_err(err, errlen, path, NULL, 0, TC__NONE, "cannot read: %s",
                strerror(errno));
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

tc_trace *tc_load_file(const char *path, char *err, size_t errlen)
{
    size_t len = 0;
    char *data = read_file(path, &len, err, errlen);
    if (!data)
        return NULL;
    tc_trace *t = tc_load_buffer(data, len, path, err, errlen);
    free(data);
    return t;
}

void tc_free(tc_trace *t)
{
    if (!t)
        return;
    tc__model_free(t->model);
    free(t);
}
