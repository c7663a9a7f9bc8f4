/*
 * fork_exec.c — a traced process that forks and then execs itself.
 * The forked child locks and exits (its events must not reach the parent's
 * trace, nor may its exit close that trace); then the parent execs this
 * program again with "exec-child", whose threads go to a second trace.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t parent_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t child_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t exec_lock = PTHREAD_MUTEX_INITIALIZER;

static void *exec_worker(void *arg) {
    (void)arg;
    pthread_mutex_lock(&exec_lock);
    pthread_mutex_unlock(&exec_lock);
    return NULL;
}

static void *child_worker(void *arg) {
    (void)arg;
    pthread_mutex_lock(&child_lock);
    pthread_mutex_unlock(&child_lock);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc == 2 && !strcmp(argv[1], "exec-child")) {
        pthread_t t;
        pthread_create(&t, NULL, exec_worker, NULL);
        pthread_join(t, NULL);
        printf("exec image done\n");
        return 0;
    }
    pthread_mutex_lock(&parent_lock);
    pthread_mutex_unlock(&parent_lock);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        pthread_t t;
        pthread_create(&t, NULL, child_worker, NULL);
        pthread_join(t, NULL);
        for (int i = 0; i < 100; i++) {
            pthread_mutex_lock(&child_lock);
            pthread_mutex_unlock(&child_lock);
        }
        usleep(50000); /* long enough for a writer thread, had it survived, to write */
        return 0; /* exit(): atexit handlers run in the child */
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("fork child failed\n");
        return 1;
    }
    pthread_mutex_lock(&parent_lock);
    pthread_mutex_unlock(&parent_lock);
    /* The real path, not /proc/self/exe: that would rename the process. */
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return 1;
    self[n] = 0;
    printf("exec'ing myself\n");
    fflush(stdout);
    execl(self, argv[0], "exec-child", (char *)NULL);
    perror("execl");
    return 1;
}
