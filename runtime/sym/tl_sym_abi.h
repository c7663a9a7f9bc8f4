/*
 * tl_sym_abi.h — the contract between the runtime (runtime/src/tl_symbolize.c)
 * and libthreadlens_sym.so (tl_sym_dw.c), which it dlopens. Never installed.
 *
 * The library exports one function, TL_SYM_ENTRY. The runtime passes the ABI
 * version it was built with and refuses a table whose abi or size differ, so
 * a libthreadlens_sym.so left over from another build is never called
 * through a mismatched table.
 */
#ifndef TL_SYM_ABI_H
#define TL_SYM_ABI_H

#include <stdint.h>

/* Bump on any change to the structs or the meaning of a field. */
#define TL_SYM_ABI 2
#define TL_SYM_ENTRY "threadlens_sym_ops"

enum {
    TL_SYM_CODE = 0, /* addr is in code: module, enclosing symbol, source line */
    TL_SYM_FUNC = 1, /* addr is a function's entry: its symbol, nothing else */
    TL_SYM_DATA = 2  /* addr is data: the object symbol whose extent holds it */
};

typedef struct tl_sym_result {
    /* The module's file as mapped (may be "[vdso]"-like); NULL: addr is in
     * no module (heap, stack, anonymous mappings). */
    const char *module;
    /* Load bias: addr - bias is the address in the module's own ELF
     * numbering (what addr2line -e module takes). */
    uint64_t bias;
    /* NULL: no acceptable symbol. For TL_SYM_FUNC, set only when the
     * function starts exactly at addr; for TL_SYM_DATA, only for an object
     * symbol with addr in [sym_addr, sym_addr + size) — or, when the debug
     * info describes the variable, the member or element holding addr
     * ("db.lock", "forks[1]", "pool.slots[2].mutex") with sym_addr its
     * address (ABI 2). Without a symbol
     * version ("@GLIBC_2.2.5"); demangled when the process has libstdc++
     * loaded (its __cxa_demangle). */
    const char *symbol;
    uint64_t sym_addr; /* the symbol's address in this process */
    /* TL_SYM_CODE with line info: source file (absolute when the DWARF
     * allows it) and line; else NULL and 0. */
    const char *file;
    int line;
} tl_sym_result;

typedef struct tl_sym_ops {
    uint32_t abi;  /* TL_SYM_ABI */
    uint32_t size; /* sizeof(tl_sym_ops) */
    /* A session over the calling process; NULL on failure. */
    void *(*open)(void);
    void (*close)(void *session);
    /* Fills *out (zeroed first). Returns 1 when addr lies in a known
     * module, 0 otherwise. The strings stay valid until the next call on
     * the session. Single-threaded per session. */
    int (*lookup)(void *session, uint64_t addr, int kind, tl_sym_result *out);
} tl_sym_ops;

/* The exported entry: the table for `abi`, or NULL when this library
 * implements another version. */
typedef const tl_sym_ops *(*tl_sym_entry_fn)(uint32_t abi);

#endif
