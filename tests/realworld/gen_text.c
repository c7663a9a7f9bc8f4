/*
 * gen_text — writes N bytes of deterministic, compressible but not trivial
 * text (words from a seeded vocabulary) to stdout, for compressing with
 * real multi-threaded programs. All-equal input would leave their workers
 * idle; random bytes would not compress.
 *   gen_text BYTES
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state = 0x9E3779B97F4A7C15ull;

static uint32_t next(void) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(state >> 33);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: gen_text BYTES\n");
        return 2;
    }
    long long want = atoll(argv[1]);
    static char words[4096][12];
    for (int i = 0; i < 4096; i++) {
        int len = 2 + (int)(next() % 9);
        for (int k = 0; k < len; k++) words[i][k] = (char)('a' + next() % 26);
        words[i][len] = 0;
    }
    long long n = 0;
    int col = 0;
    while (n < want) {
        const char *w = words[next() % 4096];
        int len = fprintf(stdout, "%s%c", w, ++col % 12 ? ' ' : '\n');
        if (len < 0) return 1;
        n += len;
    }
    return fflush(stdout) != 0;
}
