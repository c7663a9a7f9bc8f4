/*
 * fuzz_load.c — the loader's fuzz target: any bytes must either load into a
 * model that keeps tv_model.h's invariants (checked with tv_check.c) or be
 * refused with exactly one non-empty line of error; never crash, hang or
 * leak. Each input is loaded twice: on one thread, and cut into tiny pieces
 * parsed by two threads (so the splitting and its checks are fuzzed too);
 * both must give the same answer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_check.h"
#include "tv_internal.h"
#include "tv_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tv_model *load(const uint8_t *data, size_t size, int threads, char *err, size_t errlen) {
    tv_load_opts o = {NULL, NULL, threads};
    tv_model *m = tv_load_buffer("fuzz.json", (const char *)data, size, &o, err, errlen);
    if (!m) {
        if (!err[0] || strchr(err, '\n') || strncmp(err, "fuzz.json", 9) != 0) {
            fprintf(stderr, "bad error line: \"%s\"\n", err);
            abort();
        }
        return NULL;
    }
    const char *bad = tv_check_model(m);
    if (bad) {
        fprintf(stderr, "model invariant broken (threads=%d): %s\n", threads, bad);
        abort();
    }
    return m;
}

static void same(const tv_model *a, const tv_model *b) {
    int ok = a->stats.events == b->stats.events && a->nlanes == b->nlanes && a->nprocs == b->nprocs &&
             a->t0 == b->t0 && a->t1 == b->t1 && a->nflows == b->nflows && a->ngmarks == b->ngmarks &&
             a->nfindings == b->nfindings && a->stats.truncated == b->stats.truncated &&
             a->stats.unmatched == b->stats.unmatched && a->stats.joined == b->stats.joined;
    for (uint32_t i = 0; ok && i < a->nlanes; i++) {
        ok = a->lanes[i].nrows == b->lanes[i].nrows && a->lanes[i].nsamples == b->lanes[i].nsamples &&
             a->lanes[i].nmarks == b->lanes[i].nmarks &&
             !strcmp(tv_model_str(a, a->lanes[i].name), tv_model_str(b, b->lanes[i].name));
        for (uint32_t d = 0; ok && d < a->lanes[i].nrows; d++) {
            const tv_row *x = &a->lanes[i].rows[d], *y = &b->lanes[i].rows[d];
            ok = x->n == y->n;
            /* string ids may differ (interned in another order): compare text */
            for (size_t k = 0; ok && k < x->n; k++)
                ok = x->s[k].ts == y->s[k].ts && x->s[k].dur == y->s[k].dur && x->s[k].src == y->s[k].src &&
                     x->s[k].src_end == y->s[k].src_end && x->s[k].flags == y->s[k].flags &&
                     !strcmp(tv_model_str(a, x->s[k].name), tv_model_str(b, y->s[k].name)) &&
                     !strcmp(tv_model_str(a, x->s[k].label), tv_model_str(b, y->s[k].label));
        }
    }
    if (!ok) {
        fprintf(stderr, "one thread and two threads disagree\n");
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err1[512], err2[512];
    tv_load_split_min = 4u << 20;
    tv_load_piece_size = 8u << 20;
    tv_model *one = load(data, size, 1, err1, sizeof err1);
    tv_load_split_min = 16;
    tv_load_piece_size = 64;
    tv_model *two = load(data, size, 0, err2, sizeof err2);
    if (!one != !two || (!one && strcmp(err1, err2) != 0)) {
        fprintf(stderr, "one thread: \"%s\"; two threads: \"%s\"\n", one ? "ok" : err1, two ? "ok" : err2);
        abort();
    }
    if (one && two) same(one, two);
    tv_model_free(one);
    tv_model_free(two);
    return 0;
}
