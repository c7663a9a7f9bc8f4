/*
 * fake_preload.c — a stand-in for libthreadlens_preload.so in run_cli.sh
 * (built by the script with plain cc, so it also loads into /bin/sh and into
 * sanitizer builds' programs): its constructor writes "{}" to THREADLENS_OUT
 * (%p expanded) in the process `threadlens run` started, unless
 * FAKE_PRELOAD_SKIP is set (a program that never wrote a trace).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((constructor)) static void fake_trace(void) {
    const char *out = getenv("THREADLENS_OUT"), *run = getenv("THREADLENS_RUN_PID");
    if (!out || !run || getenv("FAKE_PRELOAD_SKIP") || atol(run) != (long)getpid()) return;
    char path[4096];
    size_t n = 0;
    for (const char *p = out; *p && n + 24 < sizeof path; p++) {
        if (p[0] == '%' && p[1] == 'p') n += (size_t)sprintf(path + n, "%ld", (long)getpid()), p++;
        else if (p[0] == '%' && p[1] == '%') path[n++] = '%', p++;
        else path[n++] = *p;
    }
    path[n] = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, "{}\n", 3) != 3) _exit(98);
    close(fd);
}
