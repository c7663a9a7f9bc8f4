/*
 * tl_sym_dw.c — libthreadlens_sym.so: addresses of the calling process as
 * module, symbol and source line, with elfutils' libdwfl (contract:
 * tl_sym_abi.h). The runtime's writer thread dlopens it at the first address
 * it must name, so libdw and the compression libraries it pulls in stay out
 * of traced processes that never need them, and out of libthreadlens.
 *
 * Debug info is looked for on the local disk only. dwfl_standard_find_debuginfo
 * would dlopen libdebuginfod when DEBUGINFOD_URLS is set (Debian sets it in
 * /etc/profile.d): network access and gnutls initialisation inside the
 * traced program, whose locks our own wrappers would then see.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "tl_sym_abi.h"

#define EXPORT __attribute__((visibility("default")))
#define DEBUG_ROOT "/usr/lib/debug"

typedef struct session {
    Dwfl *dwfl;
    pid_t pid;                   /* the process the modules were read from */
    unsigned long long adds, subs; /* the dynamic linker's load/unload counts then */
    char *unversioned;           /* the last name cut at '@' (returned to the caller) */
    char *demangled;             /* the last demangled name (likewise) */
    char path[PATH_MAX];         /* the last joined source path (likewise) */
    char member[512];            /* the last "var.field[3]" (likewise) */
    struct var_slot {            /* variables' DIEs by address: the search */
        Dwarf *dw;               /* walks every unit, and an array of locks */
        uint64_t maddr;          /* asks for the same variable once per lock */
        int found;
        Dwarf_Die die;
    } vars[64];
} session;

/* ---- local-only debug info ------------------------------------------------- */

/* An fd for path when it is an ELF file whose build ID is id (any ELF file
 * when id is NULL), else -1. */
static int open_debug(const char *path, const unsigned char *id, int idlen, char **name_out) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    bool ok = elf != NULL && elf_kind(elf) == ELF_K_ELF;
    if (ok && id != NULL) {
        const void *got;
        ssize_t n = dwelf_elf_gnu_build_id(elf, &got);
        ok = n == idlen && memcmp(got, id, (size_t)idlen) == 0;
    }
    if (elf != NULL) elf_end(elf);
    if (!ok) {
        close(fd);
        return -1;
    }
    *name_out = strdup(path); /* libdwfl frees it with the module */
    return fd;
}

/* Directory part of path into dir (no trailing slash; "" for "/x"). 0 when
 * path has no directory. */
static int dir_of(const char *path, char *dir, size_t cap) {
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (slash == NULL || (size_t)(slash - path) >= cap) return 0;
    memcpy(dir, path, (size_t)(slash - path));
    dir[slash - path] = 0;
    return 1;
}

/* The find_debuginfo callback, in gdb's order: the build-ID tree, then the
 * .gnu_debuglink name next to the module, in its .debug/ and under
 * /usr/lib/debug. A candidate must carry the module's build ID, so a stale
 * debug file is never used; a module without a build ID gets no separate
 * debug info. (The module file itself was already searched by libdwfl.) */
static int find_debuginfo_local(Dwfl_Module *mod, void **userdata, const char *modname,
                                Dwarf_Addr base, const char *file_name, const char *debuglink,
                                GElf_Word crc, char **debuginfo_file_name) {
    (void)userdata, (void)modname, (void)base, (void)crc;
    char path[PATH_MAX], dir[PATH_MAX];

    /* dwz's shared file (.gnu_debugaltlink) is the only name with a slash:
     * absolute, or relative to the file that refers to it. */
    if (debuglink != NULL && strchr(debuglink, '/') != NULL) {
        if (debuglink[0] == '/') return open_debug(debuglink, NULL, 0, debuginfo_file_name);
        if (!dir_of(file_name, dir, sizeof dir)) return -1;
        if (snprintf(path, sizeof path, "%s/%s", dir, debuglink) >= (int)sizeof path) return -1;
        return open_debug(path, NULL, 0, debuginfo_file_name);
    }

    const unsigned char *id;
    GElf_Addr id_vaddr;
    int idlen = dwfl_module_build_id(mod, &id, &id_vaddr);
    if (idlen <= 1) return -1;
    int n = snprintf(path, sizeof path, DEBUG_ROOT "/.build-id/%02x/", id[0]);
    for (int i = 1; i < idlen && n + 3 < (int)sizeof path; i++)
        n += snprintf(path + n, sizeof path - (size_t)n, "%02x", id[i]);
    if (n + 7 < (int)sizeof path) {
        memcpy(path + n, ".debug", 7);
        int fd = open_debug(path, id, idlen, debuginfo_file_name);
        if (fd >= 0) return fd;
    }

    if (debuglink == NULL || !dir_of(file_name, dir, sizeof dir)) return -1;
    static const char *const forms[] = {"%s/%s", "%s/.debug/%s", DEBUG_ROOT "%s/%s"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        if (snprintf(path, sizeof path, forms[i], dir, debuglink) >= (int)sizeof path) continue;
        if (strcmp(path, file_name) == 0) continue; /* the stripped file itself */
        int fd = open_debug(path, id, idlen, debuginfo_file_name);
        if (fd >= 0) return fd;
    }
    return -1;
}

static const Dwfl_Callbacks callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = find_debuginfo_local,
};

/* ---- modules --------------------------------------------------------------- */

static int count_objects(struct dl_phdr_info *info, size_t size, void *arg) {
    unsigned long long *c = arg;
    if (size >= offsetof(struct dl_phdr_info, dlpi_subs) + sizeof info->dlpi_subs) {
        c[0] = info->dlpi_adds, c[1] = info->dlpi_subs;
    }
    return 1; /* the counters are the same in every entry */
}

/* Without /proc: the dynamic linker's list of objects, each reported from
 * its file. The vdso (no file) is left out; calls never return into it. */
static int report_object(struct dl_phdr_info *info, size_t size, void *arg) {
    (void)size;
    Dwfl *dwfl = arg;
    const char *path = info->dlpi_name;
    char exe[PATH_MAX];
    if (path == NULL || path[0] == 0) { /* the main program */
        const char *fn = (const char *)getauxval(AT_EXECFN);
        if (fn == NULL || realpath(fn, exe) == NULL) return 0;
        path = exe;
    }
    if (path[0] == '/') dwfl_report_elf(dwfl, path, path, -1, info->dlpi_addr, false);
    return 0;
}

/* (Re)reads the module list. Modules still mapped keep what libdwfl has
 * already loaded for them. */
static void report(session *s) {
    s->pid = getpid();
    memset(s->vars, 0, sizeof s->vars); /* a module may go, and its Dwarf with it */
    unsigned long long c[2] = {0, 0};
    dl_iterate_phdr(count_objects, c);
    s->adds = c[0], s->subs = c[1];
    dwfl_report_begin(s->dwfl);
    if (dwfl_linux_proc_report(s->dwfl, s->pid) != 0) {
        dwfl_report_begin(s->dwfl); /* drops a partial list */
        dl_iterate_phdr(report_object, s->dwfl);
    }
    dwfl_report_end(s->dwfl, NULL, NULL);
}

typedef struct seg_query { uint64_t addr, first; int found; } seg_query;

/* The object whose PT_LOAD segments (bss included) hold q->addr; q->first
 * is the address of its first segment. */
static int find_object(struct dl_phdr_info *info, size_t size, void *arg) {
    (void)size;
    seg_query *q = arg;
    uint64_t first = 0;
    int have_first = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD) continue;
        uint64_t lo = info->dlpi_addr + ph->p_vaddr;
        if (!have_first) first = lo, have_first = 1;
        if (q->addr >= lo && q->addr - lo < ph->p_memsz) {
            q->first = first, q->found = 1;
            return 1;
        }
    }
    return 0;
}

/* The module holding addr. /proc/PID/maps lists files only, so a module's
 * range ends where its file does; zero-filled .bss beyond the last file page
 * is found through the dynamic linker's segments instead. An object loaded
 * since the last report (dlopen) causes one re-report. */
static Dwfl_Module *module_of(session *s, uint64_t addr) {
    if (s->pid != getpid()) report(s); /* forked: re-read for the child */
    Dwfl_Module *mod = dwfl_addrmodule(s->dwfl, addr);
    if (mod != NULL) return mod;
    seg_query q = {addr, 0, 0};
    dl_iterate_phdr(find_object, &q);
    if (!q.found) return NULL; /* heap, stack, anonymous or JIT memory */
    mod = dwfl_addrmodule(s->dwfl, q.first);
    if (mod != NULL) return mod;
    unsigned long long c[2] = {0, 0};
    dl_iterate_phdr(count_objects, c);
    if (c[0] == s->adds && c[1] == s->subs) return NULL;
    report(s);
    mod = dwfl_addrmodule(s->dwfl, addr);
    return mod != NULL ? mod : dwfl_addrmodule(s->dwfl, q.first);
}

/* ---- symbols --------------------------------------------------------------- */

typedef char *(*demangle_fn)(const char *, char *, size_t *, int *);

/* A symbol's name for people: without the version that separate debug
 * files spell into .symtab ("stdout@GLIBC_2.2.5"), and C++ names demangled
 * when the program has libstdc++'s demangler loaded. */
static const char *display_name(session *s, const char *name) {
    const char *at = strchr(name, '@');
    if (at != NULL && at > name) {
        char *cut = strndup(name, (size_t)(at - name));
        if (cut != NULL) {
            free(s->unversioned);
            s->unversioned = cut;
            name = cut;
        }
    }
    if (name[0] != '_' || name[1] != 'Z') return name;
    demangle_fn fn = (demangle_fn)dlsym(RTLD_DEFAULT, "__cxa_demangle");
    if (fn == NULL) return name;
    int status = -1;
    char *d = fn(name, NULL, NULL, &status);
    if (d == NULL || status != 0) {
        free(d);
        return name;
    }
    free(s->demangled);
    s->demangled = d;
    return d;
}

static int is_code(const GElf_Sym *sym) {
    int t = GELF_ST_TYPE(sym->st_info);
    return t == STT_FUNC || t == STT_GNU_IFUNC || t == STT_NOTYPE;
}

static int holds(const GElf_Sym *sym, uint64_t sym_addr, uint64_t addr) {
    return GELF_ST_TYPE(sym->st_info) == STT_OBJECT && sym->st_size > 0 && addr >= sym_addr &&
           addr - sym_addr < sym->st_size;
}

/* libdwfl's nearest-symbol search skips local symbols when a sizeless
 * global label (__data_start, __bss_start) sits at or below addr in the
 * same section, which is where a program's first static variable lives;
 * a scan of the whole table finds the innermost object holding addr. */
static const char *data_scan(Dwfl_Module *mod, uint64_t addr, uint64_t *sym_addr) {
    int n = dwfl_module_getsymtab(mod);
    const char *best = NULL;
    GElf_Xword best_size = 0;
    for (int i = 1; i < n; i++) {
        GElf_Sym sym;
        GElf_Addr value;
        const char *name = dwfl_module_getsym_info(mod, i, &sym, &value, NULL, NULL, NULL);
        if (name == NULL || name[0] == 0 || sym.st_shndx == SHN_UNDEF) continue;
        if (!holds(&sym, value, addr)) continue;
        if (best == NULL || sym.st_size < best_size) best = name, best_size = sym.st_size, *sym_addr = value;
    }
    return best;
}

/* The line table row for addr by walking the compilation units. libdwfl
 * 0.188 finds a unit through .debug_aranges only, which clang does not emit
 * unless asked (-gdwarf-aranges). */
static Dwarf_Line *line_by_units(Dwfl_Module *mod, uint64_t addr, Dwarf_Die *cudie) {
    Dwarf_Addr bias = 0;
    Dwarf *dw = dwfl_module_getdwarf(mod, &bias);
    if (dw == NULL) return NULL;
    Dwarf_CU *cu = NULL;
    while (dwarf_get_units(dw, cu, &cu, NULL, NULL, cudie, NULL) == 0) {
        if (dwarf_haspc(cudie, addr - bias) <= 0) continue;
        Dwarf_Line *l = dwarf_getsrc_die(cudie, addr - bias);
        if (l != NULL) return l;
    }
    return NULL;
}

/* Source file and line of addr, the path made absolute with the
 * compilation directory when the line table has it relative (it may stay
 * relative: distributions build with -fdebug-prefix-map=...=.). */
static void line_of(session *s, Dwfl_Module *mod, uint64_t addr, tl_sym_result *out) {
    const char *file = NULL, *dir = NULL;
    int line = 0;
    Dwfl_Line *dl = dwfl_module_getsrc(mod, addr);
    if (dl != NULL) {
        file = dwfl_lineinfo(dl, NULL, &line, NULL, NULL, NULL);
        dir = dwfl_line_comp_dir(dl);
    } else {
        Dwarf_Die cudie;
        Dwarf_Line *l = line_by_units(mod, addr, &cudie);
        if (l == NULL || dwarf_lineno(l, &line) != 0) return;
        file = dwarf_linesrc(l, NULL, NULL);
        Dwarf_Attribute attr;
        dir = dwarf_formstring(dwarf_attr(&cudie, DW_AT_comp_dir, &attr));
    }
    if (file == NULL || file[0] == 0 || line <= 0) return;
    if (file[0] != '/' && dir != NULL && dir[0] == '/' &&
        snprintf(s->path, sizeof s->path, "%s/%s", dir, file) < (int)sizeof s->path)
        file = s->path;
    out->file = file;
    out->line = line;
}

/* ---- inside a variable: its members and elements -------------------------- */

/* The address a variable's one-operation location names: DW_OP_addr
 * (gcc), or an index into .debug_addr (DWARF 5, clang's default); else 0. */
static uint64_t op_addr(Dwarf_Attribute *loc, Dwarf_Op *op) {
    if (op->atom == DW_OP_addr) return op->number;
    Dwarf_Attribute a;
    Dwarf_Addr addr;
    if ((op->atom == DW_OP_addrx || op->atom == DW_OP_GNU_addr_index) &&
        dwarf_getlocation_attr(loc, op, &a) == 0 && dwarf_formaddr(&a, &addr) == 0)
        return addr;
    return 0;
}

/* The DIE of the global or file-static variable `name` whose location is
 * the module address maddr. Function-local statics are not looked for. */
static int var_die(Dwarf *dw, const char *name, uint64_t maddr, Dwarf_Die *out) {
    Dwarf_CU *cu = NULL;
    Dwarf_Die cudie;
    while (dwarf_get_units(dw, cu, &cu, NULL, NULL, &cudie, NULL) == 0) {
        Dwarf_Die d;
        if (dwarf_child(&cudie, &d) != 0) continue;
        do {
            if (dwarf_tag(&d) != DW_TAG_variable) continue;
            const char *n = dwarf_diename(&d);
            Dwarf_Attribute at;
            Dwarf_Op *ops;
            size_t nops;
            if (n == NULL || strcmp(n, name) != 0 || dwarf_attr(&d, DW_AT_location, &at) == NULL ||
                dwarf_getlocation(&at, &ops, &nops) != 0 || nops != 1 || op_addr(&at, &ops[0]) != maddr)
                continue;
            *out = d;
            return 1;
        } while (dwarf_siblingof(&d, &d) == 0);
    }
    return 0;
}

static int type_of(Dwarf_Die *die, Dwarf_Die *type) {
    Dwarf_Attribute at;
    Dwarf_Die t;
    return dwarf_attr_integrate(die, DW_AT_type, &at) != NULL && dwarf_formref_die(&at, &t) != NULL &&
           dwarf_peel_type(&t, type) == 0;
}

/* Appends to b the members and elements of `type` that hold byte `off`
 * ("" + ".lock", "[3]", ".slots[2].mutex"); returns the bytes left over
 * inside the innermost one named. An array is entered even at offset 0 (a
 * lock at an array's start is its element 0); a struct only past it. */
static uint64_t walk(Dwarf_Die *type, uint64_t off, char *b, size_t cap) {
    size_t len = strlen(b);
    Dwarf_Die t = *type;
    for (int depth = 0; depth < 16; depth++) {
        int tag = dwarf_tag(&t);
        Dwarf_Die next;
        if (tag == DW_TAG_array_type) {
            Dwarf_Die sub, elem;
            Dwarf_Word esize;
            int nsub = 0;
            if (dwarf_child(&t, &sub) == 0)
                do nsub += dwarf_tag(&sub) == DW_TAG_subrange_type; while (dwarf_siblingof(&sub, &sub) == 0);
            if (nsub != 1 || !type_of(&t, &elem) || dwarf_aggregate_size(&elem, &esize) != 0 || esize == 0)
                break;
            uint64_t i = off / esize;
            int n = snprintf(b + len, cap - len, "[%llu]", (unsigned long long)i);
            if (n < 0 || (size_t)n >= cap - len) break;
            len += (size_t)n;
            off -= i * esize;
            next = elem;
        } else if ((tag == DW_TAG_structure_type || tag == DW_TAG_union_type) && off > 0) {
            Dwarf_Die m, mt;
            int found = 0;
            if (dwarf_child(&t, &m) == 0) {
                do {
                    Dwarf_Attribute at;
                    Dwarf_Word loc = 0, msize;
                    if (dwarf_tag(&m) != DW_TAG_member || dwarf_hasattr(&m, DW_AT_bit_size)) continue;
                    if (dwarf_attr(&m, DW_AT_data_member_location, &at) != NULL && dwarf_formudata(&at, &loc) != 0)
                        continue;
                    if (!type_of(&m, &mt) || dwarf_aggregate_size(&mt, &msize) != 0) continue;
                    if (off < loc || off - loc >= msize) continue;
                    const char *name = dwarf_diename(&m);
                    if (name != NULL) { /* an anonymous struct or union adds no name */
                        int n = snprintf(b + len, cap - len, ".%s", name);
                        if (n < 0 || (size_t)n >= cap - len) break;
                        len += (size_t)n;
                    }
                    off -= loc;
                    found = 1;
                    break;
                } while (dwarf_siblingof(&m, &m) == 0);
            }
            if (!found) break;
            next = mt;
        } else {
            break;
        }
        t = next;
    }
    b[len] = 0;
    return off;
}

/* "name.member[i]" for addr inside the variable at sym_addr, from the
 * module's DWARF; NULL when it has none or says nothing more. */
static const char *member_name(session *s, Dwfl_Module *mod, const char *name, uint64_t sym_addr,
                               uint64_t addr, uint64_t *at) {
    Dwarf_Addr bias = 0;
    Dwarf *dw = dwfl_module_getdwarf(mod, &bias);
    Dwarf_Die type;
    if (dw == NULL) return NULL;
    uint64_t maddr = sym_addr - bias;
    struct var_slot *v = &s->vars[(maddr >> 3) % (sizeof s->vars / sizeof s->vars[0])];
    if (v->dw != dw || v->maddr != maddr) {
        v->dw = dw, v->maddr = maddr;
        v->found = var_die(dw, name, maddr, &v->die);
    }
    if (!v->found || !type_of(&v->die, &type)) return NULL;
    snprintf(s->member, sizeof s->member, "%s", name);
    size_t base = strlen(s->member);
    uint64_t rest = walk(&type, addr - sym_addr, s->member, sizeof s->member);
    if (strlen(s->member) == base) return NULL;
    *at = addr - rest;
    return s->member;
}

static int sym_lookup(void *sp, uint64_t addr, int kind, tl_sym_result *out) {
    session *s = sp;
    memset(out, 0, sizeof *out);
    Dwfl_Module *mod = module_of(s, addr);
    if (mod == NULL) return 0;

    Dwarf_Addr start = 0;
    out->module = dwfl_module_info(mod, NULL, &start, NULL, NULL, NULL, NULL, NULL);
    GElf_Addr bias = 0;
    out->bias = dwfl_module_getelf(mod, &bias) != NULL ? bias : start;

    GElf_Off off = 0;
    GElf_Sym sym;
    const char *name = dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL);
    if (name != NULL && name[0] == 0) name = NULL;
    uint64_t sym_addr = addr - off;
    switch (kind) {
    case TL_SYM_CODE:
        if (name != NULL && !is_code(&sym)) name = NULL;
        line_of(s, mod, addr, out);
        break;
    case TL_SYM_FUNC:
        if (name != NULL && (off != 0 || GELF_ST_TYPE(sym.st_info) == STT_OBJECT ||
                             GELF_ST_TYPE(sym.st_info) == STT_NOTYPE))
            name = NULL;
        break;
    default:
        if (name == NULL || !holds(&sym, sym_addr, addr)) name = data_scan(mod, addr, &sym_addr);
        break;
    }
    if (name != NULL) {
        out->symbol = display_name(s, name);
        out->sym_addr = sym_addr;
        uint64_t at;
        const char *m = kind == TL_SYM_DATA ? member_name(s, mod, out->symbol, sym_addr, addr, &at) : NULL;
        if (m != NULL) out->symbol = m, out->sym_addr = at;
    }
    return 1;
}

/* ---- sessions -------------------------------------------------------------- */

static void sym_close(void *sp) {
    session *s = sp;
    if (s == NULL) return;
    if (s->dwfl != NULL) dwfl_end(s->dwfl);
    free(s->unversioned);
    free(s->demangled);
    free(s);
}

static void *sym_open(void) {
    session *s = calloc(1, sizeof *s);
    if (s == NULL) return NULL;
    s->dwfl = dwfl_begin(&callbacks);
    if (s->dwfl == NULL) {
        free(s);
        return NULL;
    }
    report(s);
    return s;
}

static const tl_sym_ops ops = {
    .abi = TL_SYM_ABI,
    .size = sizeof(tl_sym_ops),
    .open = sym_open,
    .close = sym_close,
    .lookup = sym_lookup,
};

EXPORT const tl_sym_ops *threadlens_sym_ops(uint32_t abi) {
    return abi == TL_SYM_ABI ? &ops : NULL;
}
_Static_assert(__builtin_types_compatible_p(__typeof__(&threadlens_sym_ops), tl_sym_entry_fn),
               "the entry's type is the one tl_symbolize.c looks up");
