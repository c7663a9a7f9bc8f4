/*
 * tv_bench_base.c — the floor a cJSON-based loader cannot beat on one
 * thread: read the file and parse every line with cJSON, building nothing.
 * Uses whatever cJSON hooks are installed (malloc unless a loader installed
 * its own, which fall back to malloc outside a load).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "tv_bench.h"

#define CHUNK (32u << 20)

int64_t tv_bench_cjson_floor(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    char *buf = malloc(CHUNK);
    if (!buf) {
        close(fd);
        return -1;
    }
    size_t have = 0;
    int64_t parsed = 0;
    for (;;) {
        ssize_t got = read(fd, buf + have, CHUNK - have);
        if (got < 0) {
            parsed = -1;
            break;
        }
        have += (size_t)got;
        char *p = buf, *end = buf + have;
        char *nl;
        while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
            size_t len = (size_t)(nl - p);
            if (len && p[len - 1] == ',') len--;
            if (len && *p == '{') {
                cJSON *j = cJSON_ParseWithLength(p, len);
                if (j) parsed++;
                cJSON_Delete(j);
            }
            p = nl + 1;
        }
        have = (size_t)(end - p);
        memmove(buf, p, have);
        if (got == 0 || have == CHUNK) break; /* EOF, or a line longer than a chunk */
    }
    free(buf);
    close(fd);
    return parsed;
}
