/*
 * tl_symbolize.c — code and data addresses of the traced process as text,
 * for the writer thread (tl_symbolize.h). Owns the choice between the libdw
 * symbolizer (libthreadlens_sym.so, dlopened here at the first lookup and
 * spoken to through runtime/sym/tl_sym_abi.h) and the fallback on the
 * dynamic linker (dladdr, dl_iterate_phdr), the text formats, and the cache.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dladdr1, dl_iterate_phdr, program_invocation_name */
#endif
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "../sym/tl_sym_abi.h"
#include "tl_symbolize.h"

#define SYM_LIB "libthreadlens_sym.so"

enum { UNTRIED, WITH_LIB, FALLBACK };
enum { Q_PC, Q_FUNC, Q_DATA }; /* cache kinds: one text per (address, question) */

typedef struct entry {
    uint64_t addr;
    uint32_t kind, len;
    char *text; /* NULL: free slot */
} entry;

static struct {
    int state;
    void *dl;
    const tl_sym_ops *ops;
    void *session;
    entry *tab;
    size_t n, cap;
    char exe[PATH_MAX];       /* the main program's file, for the fallback */
    char text[PATH_MAX + 1024]; /* the text being made */
} S;

/* ---- loading libthreadlens_sym.so ------------------------------------------ */

/* Loads and starts the symbolizer at path. loud: say why it failed (the
 * user named it, or it exists next to us); an ABI mismatch is always said. */
static int try_load(const char *path, int loud) {
    void *dl = dlopen(path, RTLD_LOCAL | RTLD_LAZY);
    if (dl == NULL) {
        if (loud) tl__warn("cannot load the symbolizer: %s; naming code by dynamic symbols only", dlerror());
        return 0;
    }
    tl_sym_entry_fn entry = (tl_sym_entry_fn)dlsym(dl, TL_SYM_ENTRY);
    const tl_sym_ops *ops = entry != NULL ? entry(TL_SYM_ABI) : NULL;
    if (ops == NULL || ops->abi != TL_SYM_ABI || ops->size != sizeof *ops) {
        tl__warn("%s is not a symbolizer for this threadlens (interface %d); naming code by "
                 "dynamic symbols only", path, TL_SYM_ABI);
        dlclose(dl);
        return 0;
    }
    void *session = ops->open();
    if (session == NULL) {
        tl__warn("the symbolizer %s did not start; naming code by dynamic symbols only", path);
        dlclose(dl);
        return 0;
    }
    S.dl = dl, S.ops = ops, S.session = session;
    return 1;
}

/* THREADLENS_SYMBOLIZER first, then our own directory (the install and
 * build trees keep both libraries in lib/), then the default search path. */
static void load(void) {
    S.state = FALLBACK;
    const char *env = getenv("THREADLENS_SYMBOLIZER");
    if (env != NULL && env[0] != 0) {
        if (strcmp(env, "0") != 0 && try_load(env, 1)) S.state = WITH_LIB;
        return;
    }
    Dl_info self;
    const char *slash;
    if (dladdr((void *)(uintptr_t)&tl__sym_pc, &self) && self.dli_fname != NULL &&
        (slash = strrchr(self.dli_fname, '/')) != NULL) {
        char path[PATH_MAX];
        int n = snprintf(path, sizeof path, "%.*s/" SYM_LIB, (int)(slash - self.dli_fname),
                         self.dli_fname);
        if (n > 0 && (size_t)n < sizeof path && access(path, F_OK) == 0) {
            if (try_load(path, 1)) S.state = WITH_LIB;
            return;
        }
    }
    if (try_load(SYM_LIB, 0)) S.state = WITH_LIB;
}

/* ---- the fallback: dynamic linker only -------------------------------------- */

typedef struct obj_query {
    uint64_t addr, bias;
    const char *name;
} obj_query;

static int find_object(struct dl_phdr_info *info, size_t size, void *arg) {
    (void)size;
    obj_query *q = arg;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uint64_t lo = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && q->addr >= lo && q->addr - lo < ph->p_memsz) {
            q->bias = info->dlpi_addr;
            q->name = info->dlpi_name;
            return 1;
        }
    }
    return 0;
}

static const char *exe_path(void) {
    if (S.exe[0] == 0) {
        ssize_t n = readlink("/proc/self/exe", S.exe, sizeof S.exe - 1);
        if (n > 0) {
            S.exe[n] = 0;
        } else {
            const char *fn = (const char *)getauxval(AT_EXECFN);
            if (fn == NULL) fn = program_invocation_name;
            snprintf(S.exe, sizeof S.exe, "%s", fn != NULL && fn[0] ? fn : "program");
        }
    }
    return S.exe;
}

/* Same answers as the library's lookup, from the dynamic symbol tables:
 * dladdr only matches a sized symbol that contains the address. */
static int fallback_lookup(uint64_t addr, int kind, tl_sym_result *r) {
    memset(r, 0, sizeof *r);
    obj_query q = {addr, 0, NULL};
    if (!dl_iterate_phdr(find_object, &q)) return 0;
    r->module = q.name != NULL && q.name[0] != 0 ? q.name : exe_path();
    r->bias = q.bias;

    Dl_info di;
    const ElfW(Sym) *sym = NULL;
    if (!dladdr1((void *)(uintptr_t)addr, &di, (void **)&sym, RTLD_DL_SYMENT) || sym == NULL ||
        di.dli_sname == NULL || di.dli_sname[0] == 0)
        return 1;
    uint64_t at = (uintptr_t)di.dli_saddr;
    int type = ELF64_ST_TYPE(sym->st_info); /* the same macro body for ELF32 */
    int func = type == STT_FUNC || type == STT_GNU_IFUNC;
    int ok = kind == TL_SYM_CODE   ? func || type == STT_NOTYPE
             : kind == TL_SYM_FUNC ? func && at == addr
                                   : type == STT_OBJECT && addr >= at && addr - at < sym->st_size;
    if (ok) r->symbol = di.dli_sname, r->sym_addr = at;
    return 1;
}

static int lookup(uint64_t addr, int kind, tl_sym_result *r) {
    if (S.state == UNTRIED) load();
    if (S.state == WITH_LIB) return S.ops->lookup(S.session, addr, kind, r);
    return fallback_lookup(addr, kind, r);
}

/* ---- text ------------------------------------------------------------------- */

__attribute__((format(printf, 1, 2))) static size_t put(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(S.text, sizeof S.text, fmt, ap);
    va_end(ap);
    if (n < 0) {
        S.text[0] = 0;
        return 0;
    }
    return (size_t)n < sizeof S.text ? (size_t)n : sizeof S.text - 1;
}

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

static size_t make_text(uint64_t addr, uint32_t kind) {
    tl_sym_result r;
    typedef unsigned long long ull;
    if (kind == Q_PC) {
        /* The return address may be the first byte of the next line's code
         * (or past the function's end after a noreturn call). */
        if (addr == 0 || !lookup(addr - 1, TL_SYM_CODE, &r) || r.module == NULL)
            return put("0x%llx", (ull)addr);
        if (r.file != NULL && r.line > 0)
            return r.symbol ? put("%s:%d (%s)", r.file, r.line, r.symbol)
                            : put("%s:%d", r.file, r.line);
        if (r.symbol != NULL)
            return put("%s+0x%llx (%s)", r.symbol, (ull)(addr - r.sym_addr), base_name(r.module));
        return put("%s+0x%llx", base_name(r.module), (ull)(addr - r.bias));
    }
    if (!lookup(addr, kind == Q_FUNC ? TL_SYM_FUNC : TL_SYM_DATA, &r) || r.symbol == NULL)
        return put("%s", "");
    if (kind == Q_FUNC || addr == r.sym_addr) return put("%s", r.symbol);
    return put("%s+0x%llx", r.symbol, (ull)(addr - r.sym_addr));
}

/* ---- cache ------------------------------------------------------------------ */

static size_t slot(const entry *tab, size_t cap, uint64_t addr, uint32_t kind) {
    size_t j = (size_t)(((addr ^ kind) * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
    while (tab[j].text != NULL && (tab[j].addr != addr || tab[j].kind != kind)) j = (j + 1) & (cap - 1);
    return j;
}

static const entry *cached(uint64_t addr, uint32_t kind) {
    if (2 * (S.n + 1) > S.cap) {
        size_t cap = S.cap ? 2 * S.cap : 256;
        entry *tab = calloc(cap, sizeof *tab);
        if (tab == NULL) tl__die("out of memory in the symbolizer");
        for (size_t i = 0; i < S.cap; i++)
            if (S.tab[i].text != NULL) tab[slot(tab, cap, S.tab[i].addr, S.tab[i].kind)] = S.tab[i];
        free(S.tab);
        S.tab = tab, S.cap = cap;
    }
    entry *e = &S.tab[slot(S.tab, S.cap, addr, kind)];
    if (e->text != NULL) return e;
    size_t len = make_text(addr, kind);
    if ((e->text = malloc(len + 1)) == NULL) tl__die("out of memory in the symbolizer");
    memcpy(e->text, S.text, len + 1);
    e->addr = addr, e->kind = kind, e->len = (uint32_t)len;
    S.n++;
    return e;
}

static size_t answer(uint64_t addr, uint32_t kind, char *out, size_t cap) {
    if (cap == 0) return 0;
    const entry *e = cached(addr, kind);
    size_t n = e->len < cap ? e->len : cap - 1;
    memcpy(out, e->text, n);
    out[n] = 0;
    return n;
}

size_t tl__sym_pc(uint64_t pc, char *out, size_t cap) { return answer(pc, Q_PC, out, cap); }
size_t tl__sym_func(uint64_t addr, char *out, size_t cap) { return answer(addr, Q_FUNC, out, cap); }
size_t tl__sym_data(uint64_t addr, char *out, size_t cap) { return answer(addr, Q_DATA, out, cap); }

void tl__sym_close(void) {
    for (size_t i = 0; i < S.cap; i++) free(S.tab[i].text);
    free(S.tab);
    if (S.session != NULL) S.ops->close(S.session);
    if (S.dl != NULL) dlclose(S.dl);
    memset(&S, 0, sizeof S);
}
