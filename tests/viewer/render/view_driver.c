/*
 * view_driver.c — the Xvfb test's helper.
 *   view_driver view TRACE [options]   runs tv_view_main, as `threadlens view`
 *   view_driver locate TRACE STATE LANE ROW TIME_US
 *       prints "X Y": where the middle of row ROW of lane LANE at TIME_US
 *       (relative to the trace start) is in the window whose view state
 *       file is STATE (THREADLENS_VIEW_STATE), using the viewer's own layout.
 *   view_driver replay TRACE
 *       prints "F S": the playhead (ns, relative to the trace start) after
 *       n (the first finding) and then Right (the next step), as the
 *       window's keys move it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_app.h"
#include "tv_load.h"
#include "tv_view.h"

static long long state_value(const char *file, const char *key) {
    FILE *f = fopen(file, "r");
    char line[512];
    size_t kl = strlen(key);
    long long v = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, kl) && line[kl] == '=') v = atoll(line + kl + 1);
    if (f) fclose(f);
    return v;
}

static int locate(char **argv) {
    char err[256];
    tv_model *m = tv_load(argv[0], NULL, err, sizeof err);
    if (!m) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    const char *state = argv[1];
    int w = (int)state_value(state, "width"), h = (int)state_value(state, "height");
    tv_view *v = tv_view_new(m, w, h);
    tv_view_set_range(v, m->t0 + state_value(state, "start_ns"), m->t0 + state_value(state, "end_ns"));
    tv_view_scroll_to(v, (int)state_value(state, "scroll"));
    int rc = 1;
    for (uint32_t i = 0; i < m->nlanes; i++) {
        int y, hh;
        if (strcmp(tv_model_str(m, m->lanes[i].name), argv[2]) ||
            !tv_view_row_rect(v, i, (uint32_t)atoi(argv[3]), &y, &hh))
            continue;
        printf("%d %d\n", (int)tv_t2x(v, m->t0 + (int64_t)(atof(argv[4]) * 1000)), y + hh / 2);
        rc = 0;
        break;
    }
    if (rc) fprintf(stderr, "locate: no lane '%s'\n", argv[2]);
    tv_view_free(v);
    tv_model_free(m);
    return rc;
}

static int replay(const char *trace) {
    char err[256];
    tv_model *m = tv_load(trace, NULL, err, sizeof err);
    if (!m) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    tv_view *v = tv_view_new(m, 1200, 700);
    int rc = 1;
    if (v && tv_finding_step(v, 1)) {
        long long f = (long long)(v->playhead - m->t0);
        if (tv_playhead_step(v, 1, TV_NO_LANE)) {
            printf("%lld %lld\n", f, (long long)(v->playhead - m->t0));
            rc = 0;
        }
    }
    if (rc) fprintf(stderr, "replay: no finding, or no step after it\n");
    tv_view_free(v);
    tv_model_free(m);
    return rc;
}

int main(int argc, char **argv) {
    if (argc >= 2 && !strcmp(argv[1], "view")) return tv_view_main(argc - 1, argv + 1);
    if (argc == 7 && !strcmp(argv[1], "locate")) return locate(argv + 2);
    if (argc == 3 && !strcmp(argv[1], "replay")) return replay(argv[2]);
    fprintf(stderr, "usage: %s view TRACE [options] | locate TRACE STATE LANE ROW TIME_US | replay TRACE\n",
            argv[0]);
    return 2;
}
