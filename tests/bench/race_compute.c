/*
 * race_compute — a race-free compute program for race_bench.sh (issue 6,
 * section 5): THREADS threads smooth a shared array in PASSES passes,
 * each its own slice (reading neighbours' cells of the input, writing
 * only its own cells of the output), a barrier between passes, and every
 * 64 rows a partial sum added to a global total under a mutex (the
 * occasional locking). Almost every access is a plain load or store of
 * shared memory, which is what race detection pays for.
 *   race_compute [PASSES] [THREADS]   (defaults 40, 2)
 * Prints a checksum so the work cannot be optimized away.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define ROWS 512
#define COLS 512
#define MAX_THREADS 16

static double grid[2][ROWS][COLS];
static double total;
static pthread_mutex_t total_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t pass_done;
static int passes, threads;

/* One row of a 5-point stencil: a call per row, as real kernels are
 * (THREADLENS_FUNCS draws each as a slice). */
__attribute__((noinline)) static double smooth_row(double (*out)[COLS], double (*in)[COLS],
                                                   int r) {
    double sum = 0;
    for (int c = 1; c < COLS - 1; c++) {
        double v = 0.5 * in[r][c] +
                   0.125 * (in[r - 1][c] + in[r + 1][c] + in[r][c - 1] + in[r][c + 1]);
        out[r][c] = v;
        sum += v;
    }
    return sum;
}

static void *worker(void *arg) {
    int id = (int)(long)arg;
    int lo = 1 + id * (ROWS - 2) / threads, hi = 1 + (id + 1) * (ROWS - 2) / threads;
    for (int p = 0; p < passes; p++) {
        double (*in)[COLS] = grid[p & 1], (*out)[COLS] = grid[(p + 1) & 1];
        double partial = 0;
        for (int r = lo; r < hi; r++) {
            partial += smooth_row(out, in, r);
            if ((r - lo) % 64 == 63 || r == hi - 1) {
                pthread_mutex_lock(&total_lock);
                total += partial;
                pthread_mutex_unlock(&total_lock);
                partial = 0;
            }
        }
        pthread_barrier_wait(&pass_done);
    }
    return NULL;
}

int main(int argc, char **argv) {
    passes = argc > 1 ? atoi(argv[1]) : 40;
    threads = argc > 2 ? atoi(argv[2]) : 2;
    if (passes < 1 || threads < 1 || threads > MAX_THREADS) {
        fprintf(stderr, "usage: race_compute [PASSES] [THREADS<=%d]\n", MAX_THREADS);
        return 2;
    }
    for (int r = 0; r < ROWS; r++)
        for (int c = 0; c < COLS; c++) grid[0][r][c] = grid[1][r][c] = (r * 31 + c * 17) % 100;
    pthread_barrier_init(&pass_done, NULL, (unsigned)threads);
    pthread_t t[MAX_THREADS];
    for (long i = 0; i < threads; i++) pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
    pthread_barrier_destroy(&pass_done);
    printf("checksum %.3f\n", total);
    return 0;
}
