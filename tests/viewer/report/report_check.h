/*
 * report_check.h — what the report tests share: reading the JSON report,
 * running `threadlens report` into memory, and checking its text. Header
 * only: the checks count into each test's own tl_test_failures. Include it
 * after defining _GNU_SOURCE (open_memstream).
 */
#ifndef REPORT_CHECK_H
#define REPORT_CHECK_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "tl_test.h"
#include "tv_load.h"
#include "tv_report.h"

#define CHECK_INT(json, key, want)                                                        \
    do {                                                                                  \
        int64_t got_ = get_int(json, key);                                                \
        if (got_ != (int64_t)(want)) {                                                    \
            fprintf(stderr, "%s:%d: %s: got %" PRId64 ", want %" PRId64 "\n", __FILE__,   \
                    __LINE__, key, got_, (int64_t)(want));                                \
            tl_test_failures++;                                                           \
        }                                                                                 \
    } while (0)

/* A missing or non-numeric key reads as INT64_MIN, which no check expects. */
static inline int64_t get_int(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : INT64_MIN;
}

static inline const char *get_str(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static inline const cJSON *get(const cJSON *o, const char *key) {
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

static inline tv_model *load(const char *path) {
    char err[512] = "";
    tv_load_opts opts = {NULL, NULL, 0};
    tv_model *m = tv_load(path, &opts, err, sizeof err);
    if (!m) fprintf(stderr, "cannot load %s: %s\n", path, err);
    return m;
}

/* `threadlens report <(cat dir/name)`: the trace read from a FIFO, which
 * cannot be read again (the loader keeps its own copy of what it needs). */
static inline tv_model *load_via_pipe(const char *dir, const char *name) {
    char path[4096], tmpdir[] = "/tmp/tv_report_fifo_XXXXXX";
    snprintf(path, sizeof path, "%s/%s", dir, name);
    CHECK(mkdtemp(tmpdir) != NULL);
    char fifo[sizeof tmpdir + 16];
    snprintf(fifo, sizeof fifo, "%s/p", tmpdir);
    CHECK(mkfifo(fifo, 0600) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        FILE *in = fopen(path, "rb"), *out = fopen(fifo, "wb");
        int c;
        while (in && out && (c = fgetc(in)) != EOF) fputc(c, out);
        if (out) fclose(out);
        _exit(0);
    }
    tv_model *m = load(fifo);
    int status;
    waitpid(pid, &status, 0);
    unlink(fifo);
    rmdir(tmpdir);
    return m;
}

static inline char *report(const tv_model *m, int json) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    int rc = tv_report_write(m, f, json);
    fclose(f);
    CHECK(rc == 0);
    return buf;
}

static inline cJSON *report_json(const tv_model *m) {
    char *text = report(m, 1);
    cJSON *j = text ? cJSON_Parse(text) : NULL;
    if (!j) fprintf(stderr, "report is not valid JSON:\n%s\n", text ? text : "(none)");
    free(text);
    return j;
}

/* Text: runs of blanks collapse to one (and go at a line's start), so
 * checks do not depend on column widths. */
static inline char *squeeze(const char *s) {
    char *out = malloc(strlen(s) + 1), *o = out;
    for (; *s; s++)
        if (*s != ' ' || (o > out && o[-1] != ' ' && o[-1] != '\n')) *o++ = *s;
    *o = 0;
    return out;
}

static inline void check_text(const char *text, const char *want) {
    char *sq = squeeze(text);
    if (!strstr(sq, want)) {
        fprintf(stderr, "text report lacks \"%s\":\n%s\n", want, text);
        tl_test_failures++;
    }
    free(sq);
}

#endif
