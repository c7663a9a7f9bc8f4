/*
 * tl_symbolize.h — code and data addresses of the traced process as text
 * (call sites, thread start routines, lock variables).
 *
 * For the writer thread only: not thread-safe, may allocate, and the first
 * call may take a while (it loads libthreadlens_sym.so and reads debug
 * info). Results are cached per address until tl__sym_close.
 *
 * libthreadlens_sym.so (runtime/sym, libdw) is looked for next to the
 * runtime's own shared object, then on the default library path;
 * THREADLENS_SYMBOLIZER=/path/lib.so names it, THREADLENS_SYMBOLIZER=0 turns
 * it off. Without it, names come from the dynamic symbol tables (dladdr)
 * and module offsets from the dynamic linker's list of objects.
 */
#ifndef TL_SYMBOLIZE_H
#define TL_SYMBOLIZE_H

#include <stddef.h>
#include <stdint.h>

#include "tl_internal.h"

/* Text for a return address captured in a wrapper
 * (__builtin_return_address(0)); the line is that of the call (pc - 1).
 * Best first:
 *   "/abs/dir/prog.c:12 (worker)"  DWARF line info + enclosing function
 *   "worker+0x1a (prog)"           symbol + offset of pc, module basename
 *   "zstd+0x1f1fc"                 module basename + pc minus its load bias
 *                                  (the address addr2line -e zstd takes)
 *   "0x7f12ab34cd56"               nothing known
 * Not JSON-escaped. Returns strlen(out); out is always terminated (cap > 0). */
TL_INTERNAL size_t tl__sym_pc(uint64_t pc, char *out, size_t cap);

/* The function whose entry is addr (a thread's start routine): "worker".
 * Returns 0 (out = "") if unknown. */
TL_INTERNAL size_t tl__sym_func(uint64_t addr, char *out, size_t cap);

/* The global or static variable holding a data address: "counter_lock", or
 * "table+0x28" inside a larger object. Returns 0 (out = "") when addr is in
 * no known data symbol (heap, stack, mmap). */
TL_INTERNAL size_t tl__sym_data(uint64_t addr, char *out, size_t cap);

/* Frees the cache and unloads libthreadlens_sym.so. Safe to call twice; a
 * later lookup starts over. */
TL_INTERNAL void tl__sym_close(void);

#endif
