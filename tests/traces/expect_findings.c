/*
 * expect_findings — checks `threadlens report --json` output against one run
 * of an example's `expected` file (traces/<dir>/expected):
 *
 *     expect_findings EXPECTED TRACE REPORT.json
 *
 * The run is the block that starts with "run TRACE ...". Its KIND lines say
 * how many findings of that kind the report must list ("2", or "1+" for at
 * least one) and words those findings must mention between them; every kind
 * it does not name must have none, so a fixed version that finds anything
 * fails. Other directives (exit, stderr, stdout, env) are trace_test.sh's;
 * an unknown one is an error, so a typo cannot turn a check off.
 *
 * Prints one line per kind and exits 0 when all hold, 1 when one does not,
 * 2 on bad input.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

/* The report's finding arrays (tv_report_findings.c). */
static const char *const KINDS[] = {
    "races", "lock_order", "deadlocks", "hangs", "misuse", "task_failures", "other_findings",
};
#define NKINDS (sizeof KINDS / sizeof KINDS[0])
static const char *const OTHER_DIRECTIVES[] = {"exit", "stderr", "stdout", "env"};

#define MAX_WORDS 16

typedef struct {
    int listed;
    long count;
    int at_least;
    int nwords;
    char *words[MAX_WORDS];
    int line;
} expectation;

static int kind_index(const char *k) {
    for (size_t i = 0; i < NKINDS; i++)
        if (strcmp(KINDS[i], k) == 0) return (int)i;
    return -1;
}

static int is_other_directive(const char *k) {
    for (size_t i = 0; i < sizeof OTHER_DIRECTIVES / sizeof OTHER_DIRECTIVES[0]; i++)
        if (strcmp(OTHER_DIRECTIVES[i], k) == 0) return 1;
    return 0;
}

static char *read_all(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "expect_findings: cannot open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) break;
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1) break;
        char *bigger = realloc(buf, cap *= 2);
        if (!bigger) free(buf);
        buf = bigger;
    }
    int err = ferror(f);
    fclose(f);
    if (!buf || err) {
        free(buf);
        fprintf(stderr, "expect_findings: cannot read %s\n", path);
        return NULL;
    }
    buf[n] = 0;
    return buf;
}

/* Splits line into whitespace-separated words, in place; a line whose
 * first word starts with '#' is a comment. */
static int split(char *line, char **w, int max) {
    int n = 0;
    for (char *p = line; *p && n < max;) {
        while (isspace((unsigned char)*p)) p++;
        if (!*p || (*p == '#' && n == 0)) break; /* a comment line; "mutex #3" is a word */
        w[n++] = p;
        while (*p && !isspace((unsigned char)*p)) p++;
        if (*p) *p++ = 0;
    }
    return n;
}

/* Fills want[] from TRACE's block; returns 0, or 2 on a bad file. */
static int parse_expected(char *text, const char *file, const char *trace,
                          expectation want[NKINDS]) {
    int in_block = 0, found = 0, seen_run = 0, lineno = 0;
    for (char *line = text; line; ) {
        char *next = strchr(line, '\n');
        if (next) *next++ = 0;
        lineno++;
        char *w[MAX_WORDS + 2];
        int n = split(line, w, MAX_WORDS + 2);
        line = next;
        if (n == 0) continue;
        if (strcmp(w[0], "run") == 0) {
            if (n < 2) {
                fprintf(stderr, "%s:%d: 'run' needs a trace file name\n", file, lineno);
                return 2;
            }
            in_block = strcmp(w[1], trace) == 0;
            if (in_block && found) {
                fprintf(stderr, "%s:%d: a second run writes %s\n", file, lineno, trace);
                return 2;
            }
            found |= in_block;
            seen_run = 1;
            continue;
        }
        int k = kind_index(w[0]);
        if (k < 0) {
            if (is_other_directive(w[0])) continue;
            fprintf(stderr, "%s:%d: unknown directive '%s'\n", file, lineno, w[0]);
            return 2;
        }
        if (!seen_run) {
            fprintf(stderr, "%s:%d: '%s' before the first 'run'\n", file, lineno, w[0]);
            return 2;
        }
        if (!in_block) continue;
        char *end;
        if (n < 2 || (errno = 0, want[k].count = strtol(w[1], &end, 10), errno) ||
            want[k].count < 0 || end == w[1] || (*end && strcmp(end, "+") != 0)) {
            fprintf(stderr, "%s:%d: '%s' needs a count: N or N+\n", file, lineno, w[0]);
            return 2;
        }
        if (want[k].listed) {
            fprintf(stderr, "%s:%d: '%s' listed twice for %s\n", file, lineno, w[0], trace);
            return 2;
        }
        if (n > MAX_WORDS + 1) {
            fprintf(stderr, "%s:%d: more than %d words\n", file, lineno, MAX_WORDS);
            return 2;
        }
        want[k].listed = 1;
        want[k].at_least = *end == '+';
        want[k].line = lineno;
        for (int i = 2; i < n; i++) want[k].words[want[k].nwords++] = w[i];
    }
    if (!found) {
        fprintf(stderr, "%s: no 'run %s' block\n", file, trace);
        return 2;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fputs("usage: expect_findings EXPECTED TRACE REPORT.json\n", stderr);
        return 2;
    }
    char *expected = read_all(argv[1]);
    char *report = read_all(argv[3]);
    if (!expected || !report) return 2;
    expectation want[NKINDS];
    memset(want, 0, sizeof want);
    int rc = parse_expected(expected, argv[1], argv[2], want);
    if (rc) return rc;
    cJSON *root = cJSON_Parse(report);
    if (!root) {
        fprintf(stderr, "expect_findings: %s is not JSON\n", argv[3]);
        return 2;
    }
    int fail = 0;
    for (size_t k = 0; k < NKINDS; k++) {
        cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, KINDS[k]);
        if (!cJSON_IsArray(arr)) {
            fprintf(stderr, "expect_findings: %s has no \"%s\" array\n", argv[3], KINDS[k]);
            fail = 1;
            continue;
        }
        long have = cJSON_GetArraySize(arr);
        const expectation *e = &want[k];
        int ok = e->listed ? (e->at_least ? have >= e->count : have == e->count) : have == 0;
        char *text = cJSON_PrintUnformatted(arr);
        printf("%-15s %ld, want %ld%s", KINDS[k], have, e->count, e->at_least ? " or more" : "");
        if (!ok) fail = 1;
        for (int i = 0; i < e->nwords; i++) {
            if (!text || !strstr(text, e->words[i])) {
                printf("%s lacks '%s'", ok ? "; the findings" : ",", e->words[i]);
                ok = 0;
                fail = 1;
            }
        }
        printf("%s\n", ok ? "  ok" : "  FAILED");
        if (!ok && have > 0 && text) printf("  %s: %.2000s\n", KINDS[k], text);
        cJSON_free(text);
    }
    cJSON_Delete(root);
    free(expected);
    free(report);
    return fail;
}
