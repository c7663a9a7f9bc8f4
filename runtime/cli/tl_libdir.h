/*
 * tl_libdir.h — where the `threadlens` command finds the libraries it hands
 * to programs (libthreadlens_preload.so for run and cc): next to itself.
 */
#ifndef TL_LIBDIR_H
#define TL_LIBDIR_H

#include <stddef.h>

/* Finds the file name in the library directory that belongs to this
 * executable: bin/../lib in a build tree, else the install layout's bin→lib
 * path (lib/<multiarch> under /usr). Returns 0 with its absolute, resolved
 * path in out (PATH_MAX bytes); else -1 with where it looked ("A" or
 * "A and B") in looked, for the caller's message. */
int tl_cli_find_lib(const char *name, char *out, char *looked, size_t looked_cap);

#endif
