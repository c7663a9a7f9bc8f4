/*
 * tracecheck — check Chrome/Perfetto JSON traces against Perfetto's rules.
 *
 *   tracecheck [--quiet] [--summary] FILE...
 *
 * Prints every problem as "FILE: problem" and one summary line per file on
 * stdout; a file that cannot be loaded gives one "FILE:LINE:COL: ..." line
 * on stderr.
 * Exit status: 0 all files pass, 1 a file has problems, 2 a file could not
 * be read or parsed (or bad usage).
 */
#include "tracecheck.h"

#include <stdio.h>
#include <string.h>

#define EXIT_PROBLEMS 1
#define EXIT_UNREADABLE 2

typedef struct options {
    bool problems;   /* print problem lines */
    bool summaries;  /* print summary lines */
} options;

static void usage(FILE *f)
{
    fputs("usage: tracecheck [--quiet] [--summary] FILE...\n"
          "Checks Chrome/Perfetto JSON traces against the rules Perfetto's "
          "importer enforces.\n"
          "  (default)  every problem as 'FILE: problem', then a summary line "
          "per file\n"
          "  --quiet    no summary lines: print only problems and load "
          "errors\n"
          "  --summary  no problem lines: print only summaries and load "
          "errors\n"
          "Exit status: 0 all files pass, 1 problems found, 2 a file could "
          "not be loaded.\n", f);
}

static void summary(const char *path, const tc_trace *t, size_t problems)
{
    const tc_stats *s = &t->stats;
    char verdict[48] = "ok";
    if (problems)
        snprintf(verdict, sizeof(verdict), "%zu problem%s", problems,
                 problems == 1 ? "" : "s");
    printf("%s: %s: %zu events, %zu threads, %zu slices, %zu async slices, "
           "%zu flows, %zu counters, %zu instants, truncated %s",
           path, verdict, s->events, s->threads, s->slices, s->async_slices,
           s->flows, s->counters, s->instants, t->truncated ? "yes" : "no");
    if (t->truncated)
        printf(" (%zu unclosed, %zu unclosed async%s)", s->unclosed,
               s->unclosed_async,
               t->dropped_partial ? ", partial last event dropped" : "");
    if (s->dangling_flows)
        printf(", %zu dangling flows", s->dangling_flows);
    putchar('\n');
}

/* Checks one file; returns its exit status. */
static int check_one(const char *path, const options *o)
{
    char err[1024];
    tc_trace *t = tc_load_file(path, err, sizeof(err));
    if (!t) {
        fflush(stdout); /* keep the order of lines when both go to a tty */
        fprintf(stderr, "%s\n", err);
        return EXIT_UNREADABLE;
    }
    tc_problems p;
    size_t n = tc_check(t, &p);
    for (size_t i = 0; o->problems && i < p.count; i++)
        printf("%s: %s\n", path, p.lines[i]);
    if (o->problems && p.total > p.count)
        printf("%s: ... and %zu more problems\n", path, p.total - p.count);
    if (o->summaries)
        summary(path, t, n);
    tc_free(t);
    return n ? EXIT_PROBLEMS : 0;
}

int main(int argc, char **argv)
{
    options o = {true, true};
    int first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (!strcmp(argv[first], "--quiet")) {
            o.summaries = false;
        } else if (!strcmp(argv[first], "--summary")) {
            o.problems = false;
        } else if (!strcmp(argv[first], "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[first], "--")) {
            first++;
            break;
        } else {
            fprintf(stderr, "tracecheck: unknown option %s\n", argv[first]);
            usage(stderr);
            return EXIT_UNREADABLE;
        }
    }
    if (first == argc) {
        usage(stderr);
        return EXIT_UNREADABLE;
    }
    int status = 0;
    for (int i = first; i < argc; i++) {
        int s = check_one(argv[i], &o);
        if (s > status)
            status = s;
    }
    return status;
}
