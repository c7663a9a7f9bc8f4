/*
 * tl_options.c — THREADLENS_* environment variables, from tl_options.inc.
 *
 * Runs once, at init, before any writer thread exists, so plain stdio-free
 * parsing with a warning per bad value is enough.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tl_internal.h"

static void load_str(const char **field, const char *env, const char *def) {
    const char *v = getenv(env);
    *field = (v && *v) ? v : def;
}

static void load_uint(uint64_t *field, const char *env, uint64_t def, uint64_t lo, uint64_t hi) {
    const char *v = getenv(env);
    *field = def;
    if (!v || !*v) return;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || *end || v[0] == '-' || n < lo || n > hi) {
        tl__warn("ignoring %s=%s: expected a whole number from %llu to %llu; using %llu",
                 env, v, (unsigned long long)lo, (unsigned long long)hi, (unsigned long long)def);
        return;
    }
    *field = n;
}

static void load_bool(int *field, const char *env, int def) {
    const char *v = getenv(env);
    *field = def;
    if (!v || !*v) return;
    if (!strcmp(v, "1") || !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on")) *field = 1;
    else if (!strcmp(v, "0") || !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off")) *field = 0;
    else tl__warn("ignoring %s=%s: expected 1 or 0; using %d", env, v, def);
}

/* choices is "a|b|c"; the value is the index of the match, default 0. */
static void load_choice(int *field, const char *env, const char *choices) {
    const char *v = getenv(env);
    *field = 0;
    if (!v || !*v) return;
    size_t n = strlen(v);
    int i = 0;
    for (const char *p = choices; *p; i++) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && !strncmp(p, v, n)) { *field = i; return; }
        if (!bar) break;
        p = bar + 1;
    }
    char first[64];
    snprintf(first, sizeof first, "%.*s", (int)strcspn(choices, "|"), choices);
    tl__warn("ignoring %s=%s: expected one of %s; using %s", env, v, choices, first);
}

#define TL_LOAD_STR(f, env, def, lo, hi) load_str(&o->f, env, def)
#define TL_LOAD_UINT(f, env, def, lo, hi) load_uint(&o->f, env, def, lo, hi)
#define TL_LOAD_BOOL(f, env, def, lo, hi) load_bool(&o->f, env, def)
#define TL_LOAD_CHOICE(f, env, def, lo, hi) load_choice(&o->f, env, def)

void tl__options_load(tl_options *o) {
#define TL_OPTION(type, field, env, def, lo, hi, help) TL_LOAD_##type(field, env, def, lo, hi);
#include "tl_options.inc"
#undef TL_OPTION
    /* The address maps index with a mask. */
    uint64_t n = 1024;
    while (n < o->max_objects) n <<= 1;
    o->max_objects = n;
}

static void print_row(int fd, const char *env, const char *def, const char *help) {
    char line[512];
    int n = snprintf(line, sizeof line, "  %-29s %-20s %s\n", env, def, help);
    if (n > (int)sizeof line - 1) n = (int)sizeof line - 1;
    if (n > 0 && write(fd, line, (size_t)n) < 0) return;
}

#define TL_DEF_STR(def) def
#define TL_DEF_UINT(def) #def
#define TL_DEF_BOOL(def) #def
#define TL_DEF_CHOICE(def) def

void tl__options_print(int fd) {
    print_row(fd, "variable", "default", "meaning");
#define TL_OPTION(type, field, env, def, lo, hi, help) print_row(fd, env, TL_DEF_##type(def), help);
#include "tl_options.inc"
#undef TL_OPTION
}
