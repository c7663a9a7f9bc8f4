/*
 * tl_run.h — `threadlens run`: trace an unmodified, dynamically linked
 * program by starting it with libthreadlens_preload.so in LD_PRELOAD.
 */
#ifndef TL_RUN_H
#define TL_RUN_H

/* `threadlens run [-o FILE] [--] PROG [ARGS...]`: argv[0] is "run". Returns
 * the exit status: PROG's own, 128+N if signal N killed it, 126/127 if it
 * could not be started (like a shell), 2 for a usage or setup error. */
int tl_run_main(int argc, char **argv);

#endif
