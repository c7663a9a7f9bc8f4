/*
 * run_target.c — the program tests/run/run_cli.sh starts under `threadlens
 * run`. Its arguments are actions, done in order:
 *   print WORD      WORD and a newline on stdout
 *   lines N         N numbered lines on stdout
 *   threads         two threads taking a mutex (pthread calls to trace)
 *   env VAR         the value of VAR on stdout, or "(unset)"
 *   pid | euid      getpid() | geteuid() on stdout
 *   wait-term DIR   writes its pid to DIR/ready, waits for SIGTERM, writes
 *                   DIR/marker
 *   raise SIG       SIG (TERM, SEGV or a number) with its default action
 *   exit N          exits with status N
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static volatile sig_atomic_t got_term;

static void *worker(void *arg) {
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&lock);
        counter += (long)(size_t)arg;
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static void threads(void) {
    pthread_t t[2];
    for (size_t i = 0; i < 2; i++) pthread_create(&t[i], NULL, worker, (void *)(i + 1));
    for (size_t i = 0; i < 2; i++) pthread_join(t[i], NULL);
    printf("counter %ld\n", counter);
}

static void on_term(int sig) {
    (void)sig;
    got_term = 1;
}

static int touch(const char *dir, const char *name, const char *text) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

/* Blocks SIGTERM before announcing readiness, so it cannot come too early. */
static void wait_term(const char *dir) {
    sigset_t term, old;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, &old);
    signal(SIGTERM, on_term);
    char pid[32];
    snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (touch(dir, "ready", pid) != 0) exit(90);
    while (!got_term) sigsuspend(&old);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (touch(dir, "marker", "got SIGTERM\n") != 0) exit(91);
}

static int signal_number(const char *s) {
    if (!strcmp(s, "TERM")) return SIGTERM;
    if (!strcmp(s, "SEGV")) return SIGSEGV;
    return atoi(s);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";
        if (!strcmp(a, "print")) printf("%s\n", v), i++;
        else if (!strcmp(a, "lines")) {
            for (long n = 0; n < atol(v); n++) printf("line %ld of the output\n", n);
            i++;
        } else if (!strcmp(a, "threads")) threads();
        else if (!strcmp(a, "env")) printf("%s\n", getenv(v) ? getenv(v) : "(unset)"), i++;
        else if (!strcmp(a, "pid")) printf("%ld\n", (long)getpid());
        else if (!strcmp(a, "euid")) printf("%ld\n", (long)geteuid());
        else if (!strcmp(a, "wait-term")) wait_term(v), i++;
        else if (!strcmp(a, "raise")) {
            fflush(stdout);
            signal(signal_number(v), SIG_DFL);
            raise(signal_number(v));
            i++;
        } else if (!strcmp(a, "exit")) exit(atoi(v));
        else {
            fprintf(stderr, "run_target: unknown action '%s'\n", a);
            return 99;
        }
    }
    return 0;
}
