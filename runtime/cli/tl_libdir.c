/*
 * tl_libdir.c — finds the runtime libraries relative to the `threadlens`
 * executable (/proc/self/exe), so a build tree and an installed tree that
 * was moved elsewhere both work without configuration.
 */
#define _GNU_SOURCE /* realpath on /proc/self/exe */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tl_libdir.h"

#ifndef TL_BIN_TO_LIB
#define TL_BIN_TO_LIB "../lib" /* CMake passes the install layout's bin→lib path */
#endif

/* 0 if path names a regular file; out gets its absolute, resolved form. */
static int resolve_file(const char *path, char *out) {
    struct stat st;
    return realpath(path, out) && stat(out, &st) == 0 && S_ISREG(st.st_mode) ? 0 : -1;
}

int tl_cli_find_lib(const char *name, char *out, char *looked, size_t looked_cap) {
    char dir[PATH_MAX], a[PATH_MAX], b[PATH_MAX];
    if (!realpath("/proc/self/exe", dir)) {
        snprintf(looked, looked_cap, "/proc/self/exe: %s", strerror(errno));
        return -1;
    }
    *strrchr(dir, '/') = 0; /* realpath's answer is absolute */
    int na = snprintf(a, sizeof a, "%s/../lib/%s", dir, name);
    int nb = snprintf(b, sizeof b, "%s/" TL_BIN_TO_LIB "/%s", dir, name);
    if (na > 0 && (size_t)na < sizeof a && resolve_file(a, out) == 0) return 0;
    if (nb > 0 && (size_t)nb < sizeof b && resolve_file(b, out) == 0) return 0;
    if (!strcmp(a, b))
        snprintf(looked, looked_cap, "%s", a);
    else
        snprintf(looked, looked_cap, "%s and %s", a, b);
    return -1;
}
