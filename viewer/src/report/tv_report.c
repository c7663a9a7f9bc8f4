/*
 * tv_report.c — `threadlens report [--json] FILE`: load, compute, write.
 */
#include <errno.h>
#include <string.h>

#include "tv_load.h"
#include "tv_report.h"
#include "tv_report_int.h"
#include "tv_report_table.h"

int tv_report_write(const tv_model *m, FILE *f, int json) {
    tv_rep r;
    if (tv_rep_build(&r, m)) return -1;
    int rc = json ? tv_rep_json(&r, f) : tv_rep_text(&r, f);
    tv_rep_free(&r);
    if (fflush(f) == EOF || ferror(f)) rc = -1;
    return rc;
}

#define TV_REPORT_USAGE "usage: threadlens report [--json] FILE"

/* A usage error is one line: what was wrong, then the synopsis. */
static int usage_error(void) {
    fputs(" (" TV_REPORT_USAGE "; --help for more)\n", stderr);
    return 2;
}

static int help(void) {
    fputs(TV_REPORT_USAGE "\n"
          "\n"
          "Threads, events, dropped events, per-lock acquisitions, contention, wait and\n"
          "hold times, per thread pool each task's worker, queue wait and run time,\n"
          "their percentiles, each worker's utilization, imbalance and idle gaps, and\n"
          "the detectors' findings of a trace (threadlens or any Chrome JSON trace).\n"
          "\n"
          "  --json      one JSON object instead of text; times in integer nanoseconds.\n"
          "              Keys always present: threads, events, dropped, locks, pools,\n"
          "              races, lock_order, deadlocks, hangs, misuse, task_failures.\n"
          "  -h, --help  this help\n",
          stdout);
    return 0;
}

int tv_report_main(int argc, char **argv) {
    int json = 0, opts_done = 0;
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!opts_done && a[0] == '-' && a[1]) {
            if (!strcmp(a, "--")) {
                opts_done = 1;
            } else if (!strcmp(a, "--json")) {
                json = 1;
            } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
                return help();
            } else {
                fputs("threadlens report: unknown option '", stderr);
                tv_tab_put(stderr, a);
                fputs("'", stderr);
                return usage_error();
            }
        } else if (file) {
            fputs("threadlens report: one FILE only ('", stderr);
            tv_tab_put(stderr, file);
            fputs("' and '", stderr);
            tv_tab_put(stderr, a);
            fputs("')", stderr);
            return usage_error();
        } else {
            file = a;
        }
    }
    if (!file) {
        fputs("threadlens report: missing FILE (the trace to report on)", stderr);
        return usage_error();
    }

    char err[512] = "";
    tv_load_opts opts = {NULL, NULL, 0};
    tv_model *m = tv_load(file, &opts, err, sizeof err);
    if (!m) {
        /* one line, whatever the file's name holds */
        tv_tab_put(stderr, err[0] ? err : "threadlens report: cannot load the trace");
        fputc('\n', stderr);
        return 1;
    }
    errno = 0;
    int rc = tv_report_write(m, stdout, json);
    tv_model_free(m);
    if (rc) {
        fprintf(stderr, "threadlens report: cannot write the report%s%s\n", errno ? ": " : "",
                errno ? strerror(errno) : "");
        return 1;
    }
    return 0;
}
