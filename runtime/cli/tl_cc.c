/*
 * tl_cc.c — `threadlens cc [COMPILER ARGS...]`: a compiler wrapper in the
 * manner of ccache and distcc. Sources are compiled with -fsanitize=thread
 * (the compiler emits __tsan_* calls at every access); programs are linked
 * WITHOUT it, against libthreadlens_preload.so, which implements those
 * entry points, with an rpath so the program runs where it was built.
 *
 * The arguments are classified once: a compile-only command (-c, -S, -E,
 * -M, -MM, -fsyntax-only) gets the flag and is exec'd; a link of objects
 * alone gets the runtime and is exec'd; a build from sources compiles each
 * source to an object in a private temporary directory (the flag must not
 * reach the link, where it would pull in libtsan), then links those. The
 * compiler's messages and exit status pass through unchanged.
 */
#define _GNU_SOURCE /* mkdtemp, strchrnul */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tl_cc.h"
#include "tl_libdir.h"

#define CC_USAGE "usage: threadlens cc [COMPILER ARGS...]"
#define RUNTIME_LIB "libthreadlens_preload.so"
#define TSAN_FLAG "-fsanitize=thread"

extern char **environ;

/* ---- argument vectors ---------------------------------------------------------- */

typedef struct {
    char **v;
    size_t n, cap;
} strvec;

/* The command is short-lived: running out of memory ends it. */
static void *xalloc(void *p, size_t n) {
    p = realloc(p, n);
    if (!p) {
        fputs("threadlens cc: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

/* Appends a (not copied); keeps v NULL-terminated for exec. */
static void sv_push(strvec *s, const char *a) {
    if (s->n + 2 > s->cap) {
        s->cap = s->cap ? 2 * s->cap : 32;
        s->v = xalloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = (char *)a;
    s->v[s->n] = NULL;
}

/* ---- classifying the arguments ------------------------------------------------- */

/* What an argument (with its value, if separate) is to the two halves of a
 * build from sources. */
enum {
    A_BOTH,     /* compile and link options: -O2, -g, -I, -pthread, ... */
    A_SOURCE,   /* a file the compiler compiles: becomes a temporary object */
    A_INPUT,    /* a file or -l the linker takes: link only, in place */
    A_LINK,     /* a link-only option: -L, -Wl, -shared, ... */
    A_OUTPUT,   /* -o FILE: the link's */
    A_LANG,     /* -x LANG: travels with each source it applies to */
    A_SANITIZE, /* the user's own -fsanitize=thread: never at the link */
};

typedef struct {
    int role;
    int n;            /* argv entries it spans: 1, or 2 for a separate value */
    const char *lang; /* A_SOURCE: the -x language in force, or NULL */
} cc_arg;

/* Options whose value is the next argument when not joined (gcc's and
 * clang's "Separate" options); the value must not be taken for a file. */
static const char *const k_separate[] = {
    "-o", "-x", "-I", "-D", "-U", "-include", "-imacros", "-idirafter", "-iprefix",
    "-iwithprefix", "-iwithprefixbefore", "-isystem", "-isysroot", "-iquote", "-imultilib",
    "-imultiarch", "-iframework", "-cxx-isystem", "-ivfsoverlay", "-MF", "-MT", "-MQ", "-MJ",
    "-A", "-B", "-aux-info", "--param", "-specs", "--sysroot", "-dumpbase", "-dumpbase-ext",
    "-dumpdir", "-wrapper", "-Xpreprocessor", "-Xassembler", "-Xclang", "-mllvm", "-target",
    "-arch", "-gcc-toolchain", "-serialize-diagnostics", "-working-directory",
    "--include-directory", "-L", "-l", "-T", "-u", "-z", "-e", "-Xlinker",
};
/* Of those, the ones only the link takes. */
static const char *const k_link_separate[] = {"-L", "-l", "-T", "-u", "-z", "-e", "-Xlinker"};
/* Link-only options without a value. -pthread is not one: it also defines
 * _REENTRANT when compiling. */
static const char *const k_link_flags[] = {
    "-shared", "-static", "-static-pie", "-rdynamic", "-pie", "-no-pie", "-nostdlib",
    "-nostartfiles", "-nodefaultlibs", "-nolibc", "-s", "-r", "-symbolic", "-shared-libgcc",
};
/* Link-only options by prefix (joined values). */
static const char *const k_link_prefixes[] = {"-Wl,", "-L", "-fuse-ld=", "--ld-path=",
                                              "-static-lib"};
/* Options that stop before the link. */
static const char *const k_no_link[] = {"-c", "-S", "-E", "-M", "-MM", "-fsyntax-only"};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static int in_list(const char *a, const char *const *list, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(a, list[i])) return 1;
    return 0;
}

static int has_prefix(const char *a, const char *const *list, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!strncmp(a, list[i], strlen(list[i]))) return 1;
    return 0;
}

/* Whether the driver compiles a file of this name (without -x): C and its
 * relatives, and assembler. Anything else goes to the linker, as the driver
 * itself decides. */
static int is_source_name(const char *path) {
    static const char *const exts[] = {
        "c",  "i", "h",   "cc", "cp", "cxx", "cpp", "CPP", "c++", "C",   "ii",  "hh", "H",
        "hp", "hxx", "hpp", "HPP", "h++", "tcc", "m", "mi", "mm", "M", "mii", "s", "S", "sx",
    };
    const char *base = strrchr(path, '/');
    const char *dot = strrchr(base ? base + 1 : path, '.');
    return dot && in_list(dot + 1, exts, N_OF(exts));
}

typedef struct {
    strvec cc;           /* the compiler, split at blanks ("ccache gcc") */
    const char *cc_name; /* as configured, for messages */
    char **args;         /* the user's arguments */
    int nargs;
    cc_arg *roles;       /* one per argument (values share their option's) */
    int nsources, ninputs;
    int no_link, relocatable;
    const char *static_flag;
    char libdir[PATH_MAX];
    char incdir[PATH_MAX]; /* holds threadlens.h; "" when not found */
    char tmpdir[PATH_MAX]; /* "" until made */
    char **objs;           /* per argument: its temporary object, for sources */
} cc_job;

/* -x LANG: the language of the files after it; "none" goes back to
 * deciding by their names (NULL). */
static const char *set_lang(const char *lang) { return strcmp(lang, "none") ? lang : NULL; }

static void classify(cc_job *j) {
    const char *lang = NULL; /* -x in force; NULL: by file name */
    j->roles = xalloc(NULL, (size_t)(j->nargs + 1) * sizeof *j->roles);
    for (int i = 0; i < j->nargs; i++) {
        const char *a = j->args[i];
        cc_arg *r = &j->roles[i];
        r->role = A_BOTH;
        r->n = 1;
        r->lang = NULL;
        if (a[0] != '-' || !a[1]) { /* a file; "-" is standard input */
            int src = lang || a[0] == '-' || is_source_name(a);
            r->role = src ? A_SOURCE : A_INPUT;
            r->lang = lang;
            if (src)
                j->nsources++;
            else
                j->ninputs++;
            continue;
        }
        if (in_list(a, k_separate, N_OF(k_separate)) && i + 1 < j->nargs) {
            r->n = 2;
            if (!strcmp(a, "-o"))
                r->role = A_OUTPUT;
            else if (!strcmp(a, "-x"))
                r->role = A_LANG, lang = set_lang(j->args[i + 1]);
            else if (!strcmp(a, "-l"))
                r->role = A_INPUT, j->ninputs++;
            else if (in_list(a, k_link_separate, N_OF(k_link_separate)))
                r->role = A_LINK;
            j->roles[i + 1] = *r;
            i++;
            continue;
        }
        if (!strncmp(a, "-o", 2)) {
            r->role = A_OUTPUT;
        } else if (!strncmp(a, "-x", 2)) {
            r->role = A_LANG;
            lang = set_lang(a + 2);
        } else if (!strncmp(a, "-l", 2)) {
            r->role = A_INPUT;
            j->ninputs++;
        } else if (!strcmp(a, TSAN_FLAG)) {
            r->role = A_SANITIZE;
        } else if (in_list(a, k_link_flags, N_OF(k_link_flags)) ||
                   has_prefix(a, k_link_prefixes, N_OF(k_link_prefixes))) {
            r->role = A_LINK;
        }
        if (in_list(a, k_no_link, N_OF(k_no_link))) j->no_link = 1;
        if (!strcmp(a, "-r")) j->relocatable = 1;
        if (!strcmp(a, "-static") || !strcmp(a, "-static-pie")) j->static_flag = a;
    }
}

/* ---- running the compiler ------------------------------------------------------- */

static int status_of(int st) { return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st); }

static int cannot_run(const char *prog, int err) {
    fprintf(stderr, "threadlens cc: cannot run %s: %s\n", prog, strerror(err));
    return err == ENOENT || err == ENOTDIR ? 127 : 126;
}

/* Replaces this process with argv (found in PATH); returns only on failure. */
static int exec_compiler(strvec *cmd) {
    execvp(cmd->v[0], cmd->v);
    return cannot_run(cmd->v[0], errno);
}

/* Runs argv and waits for it: its exit status (128+N for signal N), or -1
 * with *err set when it could not be started. quiet: all three standard
 * streams on /dev/null. The child gets the signal mask mask. */
static int spawn_wait(strvec *cmd, int quiet, const sigset_t *mask, int *err) {
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    if (quiet) {
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    }
    posix_spawnattr_setsigmask(&at, mask);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
    pid_t pid;
    int e = posix_spawnp(&pid, cmd->v[0], &fa, &at, cmd->v, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (e) {
        *err = e;
        return -1;
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            *err = errno;
            return -1;
        }
    return status_of(st);
}

/* Whether the compiler takes -fsanitize=thread: a silent compile of an
 * empty C file. Returns 0, else the exit status after saying why. */
static int probe_compiler(cc_job *j, const sigset_t *mask) {
    strvec cmd = {0};
    for (size_t i = 0; i < j->cc.n; i++) sv_push(&cmd, j->cc.v[i]);
    static const char *const probe[] = {TSAN_FLAG, "-x", "c", "-c", "-o", "/dev/null", "/dev/null"};
    for (size_t i = 0; i < N_OF(probe); i++) sv_push(&cmd, probe[i]);
    int err = 0, st = spawn_wait(&cmd, 1, mask, &err);
    free(cmd.v);
    if (st < 0) return cannot_run(j->cc.v[0], err);
    if (st == 0) return 0;
    fprintf(stderr,
            "threadlens cc: %s cannot compile with " TSAN_FLAG " (gcc >= 9 or clang >= 11 can)\n",
            j->cc_name);
    return 2;
}

/* Whether the program word names is this very threadlens (found like
 * execvp): `CC="threadlens cc" make` exports CC, and taking it as the
 * compiler would start threadlens cc over and over. */
static int is_self(const char *word) {
    char self[PATH_MAX], path[PATH_MAX], real[PATH_MAX];
    if (!realpath("/proc/self/exe", self)) return 0;
    if (strchr(word, '/')) return realpath(word, real) && !strcmp(real, self);
    const char *dirs = getenv("PATH");
    if (!dirs) dirs = "/bin:/usr/bin";
    for (const char *p = dirs;; p++) {
        const char *end = strchrnul(p, ':');
        int len = (int)(end - p);
        int n = snprintf(path, sizeof path, "%.*s%s%s", len, p, len ? "/" : "", word);
        if (n > 0 && (size_t)n < sizeof path && access(path, X_OK) == 0)
            return realpath(path, real) && !strcmp(real, self); /* the first one runs */
        if (!*end) return 0;
        p = end;
    }
}

/* $THREADLENS_CC, else $CC, else cc; split at blanks like make does. A
 * variable naming threadlens itself is passed over. */
static int pick_compiler(cc_job *j) {
    const char *const vars[] = {getenv("THREADLENS_CC"), getenv("CC"), "cc"};
    for (size_t v = 0; v < N_OF(vars) && !j->cc.n; v++) {
        if (!vars[v] || !*vars[v]) continue;
        char *copy = strdup(vars[v]);
        if (!copy) return cannot_run(vars[v], ENOMEM);
        for (char *w = strtok(copy, " \t\n"); w; w = strtok(NULL, " \t\n")) sv_push(&j->cc, w);
        if (j->cc.n && is_self(j->cc.v[0])) j->cc.n = 0; /* copy stays: short-lived */
        j->cc_name = vars[v];
    }
    if (!j->cc.n) sv_push(&j->cc, "cc");
    return 0;
}

/* ---- the runtime ---------------------------------------------------------------- */

static int find_runtime(cc_job *j) {
    char path[PATH_MAX], looked[2 * PATH_MAX + 8];
    if (tl_cli_find_lib(RUNTIME_LIB, path, looked, sizeof looked) != 0) {
        fprintf(stderr, "threadlens cc: cannot find " RUNTIME_LIB " (looked in %s)\n", looked);
        return 2;
    }
    *strrchr(path, '/') = 0;
    snprintf(j->libdir, sizeof j->libdir, "%s", path);
    return 0;
}

/* threadlens.h, so that a program using the tl_* API compiles as it is:
 * the include directory next to the library directory (build/include
 * beside build/lib; P/include beside P/lib or P/lib/<multiarch>). Searched
 * after the user's own -I (-idirafter); not found: nothing is added. */
static void find_include(cc_job *j) {
    char lib[PATH_MAX], looked[2 * PATH_MAX + 8];
    j->incdir[0] = 0;
    if (j->libdir[0]) { /* find_runtime looked already */
        snprintf(lib, sizeof lib, "%s", j->libdir);
    } else {
        if (tl_cli_find_lib(RUNTIME_LIB, lib, looked, sizeof looked) != 0) return;
        *strrchr(lib, '/') = 0;
    }
    static const char *const up[] = {"/../include", "/../../include"};
    for (int i = 0; i < 2; i++) {
        char h[PATH_MAX + 32];
        snprintf(h, sizeof h, "%s%s/threadlens.h", lib, up[i]);
        if (access(h, R_OK) == 0 && realpath(h, j->incdir)) {
            *strrchr(j->incdir, '/') = 0;
            return;
        }
    }
    j->incdir[0] = 0;
}

static void push_include(const cc_job *j, strvec *cmd) {
    if (!j->incdir[0]) return;
    sv_push(cmd, "-idirafter");
    sv_push(cmd, j->incdir);
}

/* The runtime after everything the user links, so that it comes before the
 * libc the driver adds at the end: its pthread, malloc and mem* functions
 * then take precedence, as with LD_PRELOAD. --no-as-needed keeps it even
 * when the program calls nothing of it directly (objects built without the
 * flag); the rpath through -Xlinker survives a comma in the path. */
static void push_link_flags(cc_job *j, strvec *cmd) {
    static char lflag[PATH_MAX + 3];
    snprintf(lflag, sizeof lflag, "-L%s", j->libdir);
    sv_push(cmd, lflag);
    sv_push(cmd, "-Xlinker");
    sv_push(cmd, "-rpath");
    sv_push(cmd, "-Xlinker");
    sv_push(cmd, j->libdir);
    sv_push(cmd, "-Wl,--push-state,--no-as-needed");
    sv_push(cmd, "-lthreadlens_preload");
    sv_push(cmd, "-Wl,--pop-state");
    sv_push(cmd, "-pthread");
}

/* ---- a build from sources ---------------------------------------------------------- */

/* A temporary object per source, named after it ("2-counter.o") so that
 * the compiler's own messages about it stay readable. */
static int make_objects(cc_job *j) {
    const char *base = getenv("TMPDIR");
    if (!base || !*base) base = "/tmp";
    int n = snprintf(j->tmpdir, sizeof j->tmpdir, "%s/threadlens-cc-XXXXXX", base);
    if (n < 0 || (size_t)n >= sizeof j->tmpdir || !mkdtemp(j->tmpdir)) {
        fprintf(stderr, "threadlens cc: cannot create a temporary directory in %s: %s\n", base,
                strerror(n < 0 || (size_t)n >= sizeof j->tmpdir ? ENAMETOOLONG : errno));
        j->tmpdir[0] = 0;
        return 2;
    }
    j->objs = xalloc(NULL, (size_t)j->nargs * sizeof *j->objs);
    for (int i = 0, k = 0; i < j->nargs; i++) {
        j->objs[i] = NULL;
        if (j->roles[i].role != A_SOURCE) continue;
        const char *name = strrchr(j->args[i], '/');
        name = name ? name + 1 : j->args[i];
        if (!strcmp(name, "-")) name = "stdin";
        const char *dot = strrchr(name, '.');
        int len = dot && dot != name ? (int)(dot - name) : (int)strlen(name);
        if (len > 64) len = 64;
        size_t cap = strlen(j->tmpdir) + 96;
        j->objs[i] = xalloc(NULL, cap);
        snprintf(j->objs[i], cap, "%s/%d-%.*s.o", j->tmpdir, ++k, len, name);
    }
    return 0;
}

/* Removes the temporary directory and whatever the compiler left in it
 * (-MD's .d files, -save-temps=obj). */
static void remove_objects(cc_job *j) {
    if (!j->tmpdir[0]) return;
    DIR *d = opendir(j->tmpdir);
    if (d) {
        struct dirent *e;
        char path[PATH_MAX + 256];
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(path, sizeof path, "%s/%s", j->tmpdir, e->d_name);
                unlink(path);
            }
        closedir(d);
    }
    rmdir(j->tmpdir);
    j->tmpdir[0] = 0;
}

/* compiler TSAN_FLAG <compile options> [-x LANG] SOURCE -c -o OBJECT.
 * Returns its status, or -127/-126 when it could not be started. */
static int compile_one(cc_job *j, int src, const sigset_t *mask) {
    strvec cmd = {0};
    for (size_t i = 0; i < j->cc.n; i++) sv_push(&cmd, j->cc.v[i]);
    sv_push(&cmd, TSAN_FLAG);
    push_include(j, &cmd);
    for (int i = 0; i < j->nargs; i += j->roles[i].n) {
        int role = j->roles[i].role;
        if (role != A_BOTH && role != A_SANITIZE) continue;
        for (int k = 0; k < j->roles[i].n; k++) sv_push(&cmd, j->args[i + k]);
    }
    if (j->roles[src].lang) {
        sv_push(&cmd, "-x");
        sv_push(&cmd, j->roles[src].lang);
    }
    sv_push(&cmd, j->args[src]);
    sv_push(&cmd, "-c");
    sv_push(&cmd, "-o");
    sv_push(&cmd, j->objs[src]);
    int err = 0, st = spawn_wait(&cmd, 0, mask, &err);
    free(cmd.v);
    return st < 0 ? -cannot_run(j->cc.v[0], err) : st;
}

/* compiler <the user's arguments, each source replaced by its object, no -x
 * and no -fsanitize=thread> <the runtime> */
static int link_objects(cc_job *j, const sigset_t *mask) {
    strvec cmd = {0};
    for (size_t i = 0; i < j->cc.n; i++) sv_push(&cmd, j->cc.v[i]);
    for (int i = 0; i < j->nargs; i += j->roles[i].n) {
        int role = j->roles[i].role;
        if (role == A_SOURCE) {
            sv_push(&cmd, j->objs[i]);
        } else if (role != A_LANG && role != A_SANITIZE) {
            for (int k = 0; k < j->roles[i].n; k++) sv_push(&cmd, j->args[i + k]);
        }
    }
    if (!j->relocatable) push_link_flags(j, &cmd);
    int err = 0, st = spawn_wait(&cmd, 0, mask, &err);
    free(cmd.v);
    return st < 0 ? cannot_run(j->cc.v[0], err) : st;
}

/* Whether a signal that ends threadlens arrived (it is blocked meanwhile). */
static int interrupted(const sigset_t *stop) {
    sigset_t pending;
    if (sigpending(&pending) != 0) return 0;
    for (int sig = 1; sig < NSIG; sig++)
        if (sigismember(stop, sig) == 1 && sigismember(&pending, sig) == 1) return 1;
    return 0;
}

/* Every source is compiled even after one failed, so that all their errors
 * show, as the driver does; the link only when all succeeded. Signals that
 * would end threadlens wait until the temporary files are gone. */
static int build_from_sources(cc_job *j) {
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    sigaddset(&stop, SIGQUIT);
    sigprocmask(SIG_BLOCK, &stop, &old);
    int rc = probe_compiler(j, &old);
    if (!rc) rc = make_objects(j);
    int failed = rc;
    for (int i = 0; !rc && i < j->nargs && !interrupted(&stop); i += j->roles[i].n) {
        if (j->roles[i].role != A_SOURCE) continue;
        int st = compile_one(j, i, &old);
        if (st < 0) rc = failed = -st; /* the compiler is gone: said why already */
        if (st > 0 && !failed) failed = st;
    }
    rc = failed;
    if (!rc && !interrupted(&stop)) rc = link_objects(j, &old);
    remove_objects(j);
    sigprocmask(SIG_SETMASK, &old, NULL); /* a pending SIGINT ends us here */
    return rc;
}

/* ---- the command ---------------------------------------------------------------- */

static int help(void) {
    fputs(CC_USAGE "\n"
          "\n"
          "Compiles and links C as the compiler does, with data race detection:\n"
          "sources are compiled with -fsanitize=thread (the compiler's\n"
          "ThreadSanitizer instrumentation) and programs are linked without it,\n"
          "against threadlens' runtime (" RUNTIME_LIB ", found through an\n"
          "rpath) instead of libtsan. Running the program reports data races on\n"
          "stderr and writes a trace to THREADLENS_OUT (default\n"
          "threadlens-<pid>.json); 'threadlens options' lists the settings.\n"
          "\n"
          "  threadlens cc -g -o counter counter.c && ./counter\n"
          "  threadlens cc -g -O1 -c a.c && threadlens cc -g -O1 -c b.c\n"
          "  threadlens cc -o prog a.o b.o -lm\n"
          "\n"
          "The compiler is $THREADLENS_CC, else $CC, else cc (split at blanks, so\n"
          "\"ccache gcc\" works); gcc >= 9 and clang >= 11 can instrument. With -c,\n"
          "-S, -E, -M, -MM or -fsyntax-only it only compiles; a link of objects\n"
          "alone only adds the runtime; a build from sources compiles each source\n"
          "to a temporary object, then links. The arguments reach the compiler\n"
          "as given (at that link, each source as its object), and its messages\n"
          "and exit status are threadlens cc's. Compiles also find threadlens.h\n"
          "(the tl_* API), after the user's -I directories.\n"
          "-static cannot work: the runtime is a shared library.\n"
          "\n"
          "Exits with the compiler's status, 127/126 when the compiler cannot be\n"
          "run, 2 when it cannot compile with -fsanitize=thread or the runtime\n"
          "library is missing.\n",
          stdout);
    return 0;
}

int tl_cc_main(int argc, char **argv) {
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) return help();
    static cc_job j;
    j.args = argv + 1;
    j.nargs = argc - 1;
    int rc = pick_compiler(&j);
    if (rc) return rc;
    classify(&j);
    strvec cmd = {0};
    for (size_t i = 0; i < j.cc.n; i++) sv_push(&cmd, j.cc.v[i]);
    if (!j.nsources && !j.ninputs) { /* --version, -v, -print-*, -dumpmachine */
        for (int i = 0; i < j.nargs; i++) sv_push(&cmd, j.args[i]);
        return exec_compiler(&cmd);
    }
    if (j.static_flag && !j.no_link) {
        fprintf(stderr, "threadlens cc: cannot link with %s: the race runtime (" RUNTIME_LIB
                        ") is a shared library\n", j.static_flag);
        return 2;
    }
    sigset_t mask;
    sigprocmask(SIG_SETMASK, NULL, &mask);
    if (j.no_link) {
        if ((rc = probe_compiler(&j, &mask))) return rc;
        sv_push(&cmd, TSAN_FLAG);
        find_include(&j);
        push_include(&j, &cmd);
        for (int i = 0; i < j.nargs; i++) sv_push(&cmd, j.args[i]);
        return exec_compiler(&cmd);
    }
    if (!j.relocatable && (rc = find_runtime(&j))) return rc;
    if (j.nsources) {
        find_include(&j);
        return build_from_sources(&j);
    }
    for (int i = 0; i < j.nargs; i += j.roles[i].n)
        if (j.roles[i].role != A_SANITIZE && j.roles[i].role != A_LANG)
            for (int k = 0; k < j.roles[i].n; k++) sv_push(&cmd, j.args[i + k]);
    if (!j.relocatable) push_link_flags(&j, &cmd);
    return exec_compiler(&cmd);
}
