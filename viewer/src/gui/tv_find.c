/*
 * tv_find.c — find slices and marks by name. A name is tested once (a bitmap
 * over interned string ids), then every row is walked once in a k-way merge
 * by time, so the matches come out in time order, as they are stepped
 * through.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_view.h"

#define FIND_CAP 4000000 /* matches kept; "N+" beyond */

typedef struct {
    const tv_model *m;
    char needle[128];
    uint8_t *known, *match; /* bit per tv_str */
    size_t nbits;
} matcher;

static int ci_contains(const char *hay, const char *needle) {
    for (; *hay; hay++) {
        size_t k = 0;
        while (needle[k] && hay[k] && tolower((unsigned char)hay[k]) == needle[k]) k++;
        if (!needle[k]) return 1;
    }
    return 0;
}

static int name_matches(matcher *mt, tv_str s) {
    if (s >= mt->nbits) {
        size_t n = mt->nbits ? mt->nbits : 1024;
        while (n <= s) n *= 2;
        uint8_t *k = realloc(mt->known, n / 8), *m = realloc(mt->match, n / 8);
        if (k) mt->known = k;
        if (m) mt->match = m;
        if (!k || !m) return 0;
        memset(mt->known + mt->nbits / 8, 0, (n - mt->nbits) / 8);
        memset(mt->match + mt->nbits / 8, 0, (n - mt->nbits) / 8);
        mt->nbits = n;
    }
    uint8_t bit = (uint8_t)(1u << (s & 7));
    if (!(mt->known[s >> 3] & bit)) {
        mt->known[s >> 3] |= bit;
        if (ci_contains(tv_model_str(mt->m, s), mt->needle)) mt->match[s >> 3] |= bit;
    }
    return (mt->match[s >> 3] & bit) != 0;
}

/* A cursor over one sorted sequence: a slice row or a mark array. */
typedef struct {
    int64_t ts;
    uint32_t lane, row;
    size_t i, n;
    const tv_slice *s;
    const tv_mark *mk;
} cursor;

static int advance(matcher *mt, cursor *c) {
    for (; c->i < c->n; c->i++) {
        tv_str name = c->s ? c->s[c->i].name : c->mk[c->i].name;
        if (name_matches(mt, name)) {
            c->ts = c->s ? c->s[c->i].ts : c->mk[c->i].ts;
            return 1;
        }
    }
    return 0;
}

static int before(const cursor *a, const cursor *b) {
    if (a->ts != b->ts) return a->ts < b->ts;
    if (a->lane != b->lane) return a->lane < b->lane;
    return a->row < b->row;
}

static void sift_down(cursor *h, size_t n, size_t i) {
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && before(&h[l], &h[m])) m = l;
        if (r < n && before(&h[r], &h[m])) m = r;
        if (m == i) return;
        cursor t = h[i];
        h[i] = h[m], h[m] = t;
        i = m;
    }
}

void tv_find_clear(tv_view *v) {
    free(v->find.hits);
    v->find.hits = NULL;
    v->find.nhits = 0;
    v->find.cur = SIZE_MAX;
    v->find.capped = 0;
}

void tv_find_set(tv_view *v, const char *text) {
    const tv_model *m = v->m;
    if (text != v->find.text) snprintf(v->find.text, sizeof v->find.text, "%s", text);
    tv_find_clear(v);
    if (!v->find.text[0]) return;
    matcher mt = {.m = m};
    size_t k = 0;
    for (; v->find.text[k] && k + 1 < sizeof mt.needle; k++)
        mt.needle[k] = (char)tolower((unsigned char)v->find.text[k]);
    mt.needle[k] = 0;

    size_t nc = 1;
    for (uint32_t li = 0; li < m->nlanes; li++) nc += m->lanes[li].nrows + 1;
    cursor *h = malloc(nc * sizeof *h);
    size_t cap = 1024, n = 0;
    tv_findref *hits = malloc(cap * sizeof *hits);
    if (!h || !hits) goto out;
    size_t nh = 0;
    for (uint32_t li = 0; li < m->nlanes; li++) {
        const tv_lane *l = &m->lanes[li];
        if (l->kind == TV_LANE_COUNTER) continue;
        for (uint32_t r = 0; r < l->nrows; r++) {
            h[nh] = (cursor){0, li, r, 0, l->rows[r].n, l->rows[r].s, NULL};
            if (advance(&mt, &h[nh])) nh++;
        }
        h[nh] = (cursor){0, li, TV_FIND_MARK, 0, l->nmarks, NULL, l->marks};
        if (advance(&mt, &h[nh])) nh++;
    }
    h[nh] = (cursor){0, TV_NO_LANE, TV_FIND_GMARK, 0, m->ngmarks, NULL, m->gmarks};
    if (advance(&mt, &h[nh])) nh++;
    for (size_t i = nh; i-- > 0;) sift_down(h, nh, i);
    while (nh) {
        if (n == FIND_CAP) {
            v->find.capped = 1;
            break;
        }
        if (n == cap) {
            tv_findref *t = realloc(hits, 2 * cap * sizeof *hits);
            if (!t) {
                v->find.capped = 1;
                break;
            }
            hits = t, cap *= 2;
        }
        hits[n++] = (tv_findref){h[0].lane, h[0].row, (uint32_t)h[0].i};
        h[0].i++;
        if (!advance(&mt, &h[0])) h[0] = h[--nh];
        sift_down(h, nh, 0);
    }
out:
    free(h);
    free(mt.known);
    free(mt.match);
    if (n == 0) {
        free(hits);
        hits = NULL;
    }
    v->find.hits = hits;
    v->find.nhits = n;
}

void tv_find_step(tv_view *v, int dir) {
    tv_find *f = &v->find;
    if (!f->nhits) return;
    if (f->cur == SIZE_MAX) f->cur = dir > 0 ? 0 : f->nhits - 1;
    else f->cur = (f->cur + (dir > 0 ? 1 : f->nhits - 1)) % f->nhits;
    const tv_findref *r = &f->hits[f->cur];
    tv_sel s;
    if (r->row == TV_FIND_GMARK) s = (tv_sel){TV_SEL_GMARK, TV_NO_LANE, 0, r->index};
    else if (r->row == TV_FIND_MARK) s = (tv_sel){TV_SEL_MARK, r->lane, 0, r->index};
    else s = (tv_sel){TV_SEL_SLICE, r->lane, r->row, r->index};
    tv_view_select(v, &s);
    int64_t a, b;
    if (tv_view_sel_extent(v, &s, &a, &b))
        tv_view_reveal(v, s.kind == TV_SEL_GMARK ? TV_NO_LANE : s.lane,
                       s.kind == TV_SEL_SLICE ? s.row : 0, a, b);
}
