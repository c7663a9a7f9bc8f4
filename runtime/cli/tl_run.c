/*
 * tl_run.c — `threadlens run [-o FILE] [--] PROG [ARGS...]`: finds PROG like
 * execvp, refuses what LD_PRELOAD cannot trace (32-bit, statically linked),
 * picks the preload library and the trace path, starts PROG with both in its
 * environment, passes on the signals sent to threadlens, and exits with
 * PROG's status. Never writes to stdout: that belongs to PROG.
 */
#define _GNU_SOURCE /* strchrnul, pipe2 */

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tl_libdir.h"
#include "tl_run.h"

#define RUN_USAGE "usage: threadlens run [-o FILE] [--] PROG [ARGS...]"
#define PRELOAD_NAME "libthreadlens_preload.so"

typedef struct {
    const char *out;         /* -o FILE as given, or NULL */
    char **argv;             /* PROG and its arguments, as typed */
    char path[PATH_MAX];     /* PROG, found like execvp */
    char preload[PATH_MAX];  /* absolute path of the preload library */
    char out_tmpl[PATH_MAX]; /* absolute THREADLENS_OUT; may contain %p */
    int setid;               /* PROG runs set-ID: no trace, and we said so */
    int out_existed;         /* the (pid-independent) trace path existed... */
    struct stat out_before;  /* ...as this file, before PROG ran */
} run_job;

/* ---- messages --------------------------------------------------------------- */

/* One stderr line "threadlens: run: ..."; returns status for `return fail(...)`. */
__attribute__((format(printf, 2, 3))) static int fail(int status, const char *fmt, ...) {
    char msg[3 * PATH_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "threadlens: run: %s\n", msg);
    return status;
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...) {
    char msg[PATH_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return fail(2, "%s (" RUN_USAGE ")", msg);
}

static int help(void) {
    fputs(RUN_USAGE "\n"
          "\n"
          "Runs PROG, a dynamically linked program, with the tracer preloaded\n"
          "(LD_PRELOAD): its threads, mutexes, rwlocks, spin locks, condition\n"
          "variables, semaphores and barriers are traced without recompiling it.\n"
          "\n"
          "  -o, --output FILE  the trace file; %p becomes PROG's process id.\n"
          "                     Default: $THREADLENS_OUT if set, else\n"
          "                     <PROG>-<pid>.json in the current directory\n"
          "  -h, --help         this help\n"
          "\n"
          "Exits with PROG's status (128+N if signal N ended it), 126/127 if PROG\n"
          "cannot be started, 2 on a usage error. Signals sent to threadlens with\n"
          "kill are passed on to PROG. THREADLENS_PRELOAD names the preload library\n"
          "to use; THREADLENS_CHILDREN=1 also traces PROG's child processes; the\n"
          "other THREADLENS_* options ('threadlens options') apply as usual.\n",
          stdout);
    return 0;
}

/* Returns -1 to go on, else the exit status. Options end at PROG. */
static int parse_args(int argc, char **argv, run_job *j) {
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) return help();
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (i + 1 == argc || !argv[i + 1][0]) return usage_error("option '%s' needs a FILE", a);
            j->out = argv[++i];
        } else if (!strncmp(a, "--output=", 9)) {
            if (!a[9]) return usage_error("option '--output' needs a FILE");
            j->out = a + 9;
        } else {
            return usage_error("unknown option '%s'", a);
        }
    }
    if (i == argc) return usage_error("no PROG given");
    j->argv = argv + i;
    return -1;
}

/* ---- finding PROG ----------------------------------------------------------- */

/* 0 if execve would start path, else the errno it would (most likely) fail with. */
static int exec_errno(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) return errno;
    if (S_ISDIR(st.st_mode)) return EISDIR;
    if (!S_ISREG(st.st_mode)) return EACCES;
    return faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) == 0 ? 0 : errno;
}

/* execvp's search: an empty PATH entry is the current directory. As a shell
 * does, entries we cannot look into and directories named like PROG are
 * skipped. Returns 0, EACCES (only non-executable files found) or ENOENT. */
static int search_path(const char *name, char *out, size_t cap) {
    const char *path = getenv("PATH");
    if (!path) path = "/bin:/usr/bin"; /* glibc's execvp default */
    int err = ENOENT;
    for (const char *p = path;; p++) {
        const char *end = strchrnul(p, ':');
        int len = (int)(end - p);
        int n = snprintf(out, cap, "%.*s%s%s", len, p, len ? "/" : "", name);
        struct stat st;
        if (n > 0 && (size_t)n < cap && stat(out, &st) == 0) {
            int e = exec_errno(out);
            if (e == 0) return 0;
            if (e == EACCES) err = EACCES;
        }
        if (!*end) return err;
        p = end;
    }
}

/* Sets j->path; else prints what a shell would and returns 126 or 127. */
static int find_prog(run_job *j) {
    const char *name = j->argv[0];
    int e;
    if (strchr(name, '/')) {
        e = strlen(name) < sizeof j->path ? exec_errno(name) : ENAMETOOLONG;
        if (!e) snprintf(j->path, sizeof j->path, "%s", name);
    } else {
        e = *name ? search_path(name, j->path, sizeof j->path) : ENOENT;
        if (e == ENOENT) return fail(127, "%s: command not found", name);
    }
    if (!e) return 0;
    return fail(e == ENOENT || e == ENOTDIR ? 127 : 126, "%s: %s", name, strerror(e));
}

/* ---- what LD_PRELOAD can trace ---------------------------------------------- */

#if defined(__x86_64__)
#define TL_ELF_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define TL_ELF_MACHINE EM_AARCH64
#else
#define TL_ELF_MACHINE EM_NONE /* not checked */
#endif
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define TL_ELF_DATA ELFDATA2LSB
#else
#define TL_ELF_DATA ELFDATA2MSB
#endif

/* A 64-bit executable this machine runs (foreign ones: exec will say so). */
static int elf_is_native_exec(const Elf64_Ehdr *eh) {
    return eh->e_ident[EI_CLASS] == ELFCLASS64 && eh->e_ident[EI_DATA] == TL_ELF_DATA &&
           (eh->e_type == ET_EXEC || eh->e_type == ET_DYN) &&
           (TL_ELF_MACHINE == EM_NONE || eh->e_machine == TL_ELF_MACHINE);
}

/* Whether the program asks for an interpreter: the dynamic loader, which is
 * what reads LD_PRELOAD. Static and static-pie programs have none. Headers
 * that cannot be read count as yes: exec judges them. */
static int elf_has_interp(int fd, const Elf64_Ehdr *eh) {
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum >= PN_XNUM)
        return 1;
    Elf64_Phdr ph[16];
    for (unsigned i = 0; i < eh->e_phnum; i += 16) {
        unsigned k = eh->e_phnum - i < 16 ? eh->e_phnum - i : 16;
        ssize_t want = (ssize_t)(k * sizeof ph[0]);
        if (pread(fd, ph, (size_t)want, (off_t)(eh->e_phoff + i * sizeof ph[0])) != want) return 1;
        for (unsigned m = 0; m < k; m++)
            if (ph[m].p_type == PT_INTERP) return 1;
    }
    return 0;
}

enum { PROG_TRACEABLE, PROG_32BIT, PROG_STATIC };

/* Scripts (#!: the interpreter gets the preload), non-ELF files (exec fails
 * on them) and unreadable files (execute-only) count as traceable. */
static int elf_kind(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PROG_TRACEABLE;
    Elf64_Ehdr eh;
    ssize_t n = pread(fd, &eh, sizeof eh, 0);
    int kind = PROG_TRACEABLE;
    if (n >= EI_NIDENT && !memcmp(eh.e_ident, ELFMAG, SELFMAG)) {
        if (eh.e_ident[EI_CLASS] == ELFCLASS32)
            kind = PROG_32BIT;
        else if (n == (ssize_t)sizeof eh && elf_is_native_exec(&eh) && !elf_has_interp(fd, &eh))
            kind = PROG_STATIC;
    }
    close(fd);
    return kind;
}

/* A set-ID program that changes credentials runs in secure-execution mode,
 * where the loader ignores preload paths containing a '/'. Returns 1 if so. */
static int warn_setid(const char *name, const char *path) {
    struct stat st;
    struct statvfs fs;
    if (stat(path, &st) != 0) return 0;
    if (statvfs(path, &fs) == 0 && (fs.f_flag & ST_NOSUID)) return 0;
    int uid = (st.st_mode & S_ISUID) && st.st_uid != getuid();
    int gid = (st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP) && st.st_gid != getgid();
    if (uid || gid)
        fprintf(stderr,
                "threadlens: run: %s is set-%s-ID: the loader ignores LD_PRELOAD for it, "
                "so it will not be traced\n",
                name, uid ? "user" : "group");
    return uid || gid;
}

static int check_prog(run_job *j) {
    const char *name = j->argv[0];
    switch (elf_kind(j->path)) {
    case PROG_32BIT:
        return fail(2, "%s is a 32-bit program; the tracer is 64-bit", name);
    case PROG_STATIC:
        return fail(2, "%s is statically linked: an LD_PRELOAD tracer cannot see its pthread "
                       "calls (rebuild it without -static, or use the tl_* API)", name);
    }
    j->setid = warn_setid(name, j->path);
    return 0;
}

/* ---- the preload library ---------------------------------------------------- */

/* 0 if path names a regular file; out gets its absolute, resolved form. */
static int resolve_file(const char *path, char *out) {
    struct stat st;
    return realpath(path, out) && stat(out, &st) == 0 && S_ISREG(st.st_mode) ? 0 : -1;
}

/* LD_PRELOAD is split at spaces and colons: such a path cannot be named. */
static int check_preload_name(const char *path) {
    if (!strpbrk(path, " :")) return 0;
    return fail(2, "cannot preload %s: LD_PRELOAD cannot name a path containing a space or ':'",
                path);
}

/* THREADLENS_PRELOAD, else next to this program (tl_libdir.c). */
static int find_preload(run_job *j) {
    const char *env = getenv("THREADLENS_PRELOAD");
    if (env && *env) {
        if (resolve_file(env, j->preload) == 0) return check_preload_name(j->preload);
        return fail(2, "cannot find " PRELOAD_NAME " (looked in %s, from THREADLENS_PRELOAD)", env);
    }
    char looked[2 * PATH_MAX + 8];
    if (tl_cli_find_lib(PRELOAD_NAME, j->preload, looked, sizeof looked) == 0)
        return check_preload_name(j->preload);
    return fail(2, "cannot find " PRELOAD_NAME " (looked in %s)", looked);
}

/* ---- the trace path --------------------------------------------------------- */

/* Appends s at out[*n]; escape doubles '%' so the runtime's %p expansion
 * leaves s as it is. Returns -1 if out is full. */
static int append(char *out, size_t cap, size_t *n, const char *s, int escape) {
    for (; *s; s++) {
        if (*n + 2 + (escape && *s == '%') > cap) return -1;
        if (escape && *s == '%') out[(*n)++] = '%';
        out[(*n)++] = *s;
    }
    out[*n] = 0;
    return 0;
}

/* The runtime's expansion of THREADLENS_OUT (runtime/src/tl_init.c), with
 * pid for %p. *uses_pid tells whether the result depends on the pid. */
static int expand_out(const char *tmpl, long pid, char *out, size_t cap, int *uses_pid) {
    size_t n = 0;
    out[0] = 0;
    *uses_pid = 0;
    for (const char *p = tmpl; *p; p++) {
        char piece[32] = {*p, 0};
        if (p[0] == '%' && p[1] == 'p') {
            snprintf(piece, sizeof piece, "%ld", pid);
            *uses_pid = 1;
            p++;
        } else if (p[0] == '%' && p[1] == '%') {
            p++;
        }
        if (append(out, cap, &n, piece, 0) != 0) return -1;
    }
    return 0;
}

/* THREADLENS_OUT for PROG: -o FILE, else $THREADLENS_OUT, else
 * <basename(PROG)>-%p.json; absolute, as PROG may chdir before its first event. */
static int make_out_template(run_job *j) {
    const char *file = j->out ? j->out : getenv("THREADLENS_OUT");
    int dflt = !file || !*file;
    if (dflt) {
        file = strrchr(j->argv[0], '/');
        file = file ? file + 1 : j->argv[0];
    }
    char *t = j->out_tmpl, cwd[PATH_MAX];
    size_t n = 0, cap = sizeof j->out_tmpl;
    if (file[0] != '/') {
        if (!getcwd(cwd, sizeof cwd)) return fail(2, "cannot write %s: %s", file, strerror(errno));
        if (append(t, cap, &n, cwd, 1) != 0 || (strcmp(cwd, "/") && append(t, cap, &n, "/", 0)))
            return fail(2, "cannot write %s: %s", file, strerror(ENAMETOOLONG));
    }
    if (append(t, cap, &n, file, dflt) != 0 || (dflt && append(t, cap, &n, "-%p.json", 0) != 0))
        return fail(2, "cannot write %s: %s", file, strerror(ENAMETOOLONG));
    return 0;
}

/* Fails now rather than after PROG ran: opens the trace path (%p as this
 * process's pid) for writing, removing it again if it was not there. Notes
 * what was there, to tell a new trace from an old one afterwards. */
static int check_out_writable(run_job *j) {
    char path[PATH_MAX];
    int uses_pid;
    if (expand_out(j->out_tmpl, (long)getpid(), path, sizeof path, &uses_pid) != 0)
        return fail(2, "cannot write %s: %s", j->out_tmpl, strerror(ENAMETOOLONG));
    int flags = O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
    int fd = open(path, flags | O_CREAT | O_EXCL, 0644);
    int created = fd >= 0;
    if (fd < 0 && errno == EEXIST) fd = open(path, flags);
    if (fd < 0) return fail(2, "cannot write %s: %s", j->out_tmpl, strerror(errno));
    j->out_existed = !created && !uses_pid && fstat(fd, &j->out_before) == 0;
    close(fd);
    if (created) unlink(path);
    return 0;
}

/* Whether PROG (pid) wrote its trace: the file exists and is not the old one. */
static int trace_written(const run_job *j, pid_t pid) {
    char path[PATH_MAX];
    struct stat st;
    int uses_pid;
    if (expand_out(j->out_tmpl, (long)pid, path, sizeof path, &uses_pid) != 0) return 0;
    if (stat(path, &st) != 0) return 0;
    if (!j->out_existed) return 1;
    const struct stat *b = &j->out_before;
    return st.st_ino != b->st_ino || st.st_dev != b->st_dev || st.st_size != b->st_size ||
           st.st_mtim.tv_sec != b->st_mtim.tv_sec || st.st_mtim.tv_nsec != b->st_mtim.tv_nsec;
}

/* ---- signals ---------------------------------------------------------------- */

static const int k_forwarded[] = {SIGINT,  SIGTERM, SIGHUP,  SIGQUIT,
                                  SIGUSR1, SIGUSR2, SIGCONT, SIGWINCH};
#define N_FORWARDED (sizeof k_forwarded / sizeof k_forwarded[0])

/* The parent takes signals synchronously (blocked from before the fork, then
 * sigwaitinfo): none is lost before PROG's pid is known, no handler runs at
 * a bad time, and none is deferred (ThreadSanitizer delays handlers until the
 * next intercepted call, which a blocked waitpid never reaches). */
typedef struct {
    sigset_t waited;           /* SIGCHLD and the forwarded signals */
    sigset_t old_mask;         /* both restored in the child */
    struct sigaction old_chld;
} run_signals;

/* Signals threadlens was started with ignored (nohup) are not waited for:
 * they stay ignored, for PROG too. An ignored SIGCHLD would let the kernel
 * reap PROG before waitpid could: default while we wait. */
static int signals_take(run_signals *s) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&s->waited);
    sigaddset(&s->waited, SIGCHLD);
    for (size_t i = 0; i < N_FORWARDED; i++) {
        struct sigaction old;
        if (sigaction(k_forwarded[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaddset(&s->waited, k_forwarded[i]);
    }
    if (sigprocmask(SIG_BLOCK, &s->waited, &s->old_mask) != 0) return -1;
    return sigaction(SIGCHLD, &dfl, &s->old_chld);
}

static void signals_give_back(const run_signals *s) {
    sigaction(SIGCHLD, &s->old_chld, NULL);
    sigprocmask(SIG_SETMASK, &s->old_mask, NULL);
}

/* Passes on what someone sent with kill or sigqueue. A terminal's ^C or ^\
 * (SI_KERNEL) reached PROG already through the process group, and a signal
 * from PROG itself would bounce back forever. */
static void forward(pid_t pid, int sig, const siginfo_t *si) {
    if (sig == SIGCHLD || si->si_pid == pid) return;
    if (si->si_code == SI_USER || si->si_code == SI_QUEUE) kill(pid, sig);
}

/* ---- starting and waiting --------------------------------------------------- */

/* The environment protocol with the preload (docs/research/issue4-interposer.md
 * §4.5). A fresh run starts a fresh exec count. Returns 0 or an errno. */
static int set_child_env(const run_job *j) {
    char pid[24];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    const char *theirs = getenv("LD_PRELOAD");
    int chain = theirs && *theirs;
    size_t n = strlen(j->preload) + (chain ? strlen(theirs) + 1 : 0) + 1;
    char *pre = malloc(n); /* this child execs or exits right away */
    if (!pre) return ENOMEM;
    snprintf(pre, n, "%s%s%s", j->preload, chain ? ":" : "", chain ? theirs : "");
    if (setenv("LD_PRELOAD", pre, 1) || setenv("THREADLENS_OUT", j->out_tmpl, 1) ||
        setenv("THREADLENS_RUN_PID", pid, 1) || unsetenv("THREADLENS_EXEC"))
        return errno;
    return 0;
}

/* In the child: signals as threadlens found them, then PROG. If that fails,
 * the errno goes to the parent through errfd (close-on-exec). */
__attribute__((noreturn)) static void child_exec(const run_job *j, const run_signals *s,
                                                 int errfd) {
    signals_give_back(s);
    int e = set_child_env(j);
    if (!e) {
        execv(j->path, j->argv);
        e = errno;
    }
    if (write(errfd, &e, sizeof e) < 0) e = EIO;
    _exit(e == ENOENT || e == ENOTDIR ? 127 : 126);
}

/* Forks PROG. Returns its pid, or -1 with errno set; *errfd then reads the
 * child's exec errno. */
static pid_t spawn(const run_job *j, const run_signals *s, int *errfd) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) child_exec(j, s, fds[1]);
    int e = errno;
    close(fds[1]);
    if (pid < 0) close(fds[0]);
    *errfd = fds[0];
    errno = e;
    return pid;
}

/* 0 once exec succeeded (the pipe closed empty), else the child's errno. */
static int read_exec_errno(int fd) {
    int e = 0;
    ssize_t n;
    do n = read(fd, &e, sizeof e);
    while (n < 0 && errno == EINTR);
    close(fd);
    return n == (ssize_t)sizeof e ? e : 0;
}

/* PROG's exit status, 128+N if signal N ended it (not re-raised: a core, if
 * any, was dumped already), passing on signals meanwhile. waitpid comes
 * first each time round: a SIGCHLD taken earlier may stand for this exit. */
static int wait_prog(pid_t pid, const run_signals *s) {
    for (;;) {
        int st;
        pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid) return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        if (w < 0 && errno != EINTR)
            return fail(2, "waiting for process %ld: %s", (long)pid, strerror(errno));
        siginfo_t si;
        int sig = sigwaitinfo(&s->waited, &si);
        if (sig > 0) forward(pid, sig, &si);
    }
}

static int run_prog(const run_job *j) {
    const char *name = j->argv[0];
    run_signals s;
    int errfd;
    pid_t pid = signals_take(&s) == 0 ? spawn(j, &s, &errfd) : -1;
    if (pid < 0) return fail(2, "cannot start %s: %s", name, strerror(errno));
    int e = read_exec_errno(errfd);
    int status = wait_prog(pid, &s);
    if (e) return fail(status, "%s: %s", name, strerror(e));
    if (!j->setid && !trace_written(j, pid))
        fail(0, "no trace was written (%s made no pthread calls, or started the real program "
                "as a child process: set THREADLENS_CHILDREN=1)", name);
    return status;
}

int tl_run_main(int argc, char **argv) {
    static run_job j; /* a few PATH_MAX buffers: off the stack */
    int rc = parse_args(argc, argv, &j);
    if (rc >= 0) return rc;
    if ((rc = find_prog(&j)) || (rc = check_prog(&j)) || (rc = find_preload(&j)) ||
        (rc = make_out_template(&j)) || (rc = check_out_writable(&j)))
        return rc;
    return run_prog(&j);
}
