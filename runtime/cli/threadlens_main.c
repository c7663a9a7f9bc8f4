/*
 * threadlens — the command. Subcommands live with the part they drive; this
 * file only dispatches: report and view are the viewer's (viewer/src/report,
 * viewer/src/gui); run is tl_run.c, cc is tl_cc.c.
 */
#include <stdio.h>
#include <string.h>

#include "tl_cc.h"
#include "tl_internal.h"
#include "tl_run.h"
#include "tv_app.h"
#include "tv_report.h"

static int usage(FILE *f) {
    fprintf(f,
            "usage: threadlens <command> [args]\n"
            "\n"
            "commands:\n"
            "  options               list the THREADLENS_* environment options and defaults\n"
            "  version               print the version\n"
            "  run [-o FILE] PROG    trace an unmodified, dynamically linked program\n"
            "  cc [COMPILER ARGS]    compile and link C with data race detection\n"
            "                        ('threadlens cc --help' for more)\n"
            "  report [--json] FILE  threads, locks, findings and statistics of a trace\n"
            "  view FILE             open the timeline viewer (--screenshot OUT.png: headless;\n"
            "                        'threadlens view --help' for more)\n"
            "\n"
            "Programs linked with libthreadlens write their trace to THREADLENS_OUT\n"
            "(default threadlens-<pid>.json); open it in ui.perfetto.dev.\n");
    return f == stderr ? 2 : 0;
}

int main(int argc, char **argv) {
    if (argc < 2) return usage(stderr);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) return usage(stdout);
    if (!strcmp(cmd, "options")) {
        tl__options_print(1);
        return 0;
    }
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("threadlens %d.%d.%d\n", THREADLENS_VERSION_MAJOR, THREADLENS_VERSION_MINOR,
               THREADLENS_VERSION_PATCH);
        return 0;
    }
    if (!strcmp(cmd, "report")) return tv_report_main(argc - 1, argv + 1);
    if (!strcmp(cmd, "view")) return tv_view_main(argc - 1, argv + 1);
    if (!strcmp(cmd, "run")) return tl_run_main(argc - 1, argv + 1);
    if (!strcmp(cmd, "cc")) return tl_cc_main(argc - 1, argv + 1);
    fprintf(stderr, "threadlens: unknown command '%s' (try 'threadlens --help')\n", cmd);
    return 2;
}
