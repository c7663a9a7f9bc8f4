/*
 * tl_cc.h — `threadlens cc`: compile C with the compiler's ThreadSanitizer
 * instrumentation and link it against threadlens' race runtime instead.
 */
#ifndef TL_CC_H
#define TL_CC_H

/* `threadlens cc [COMPILER ARGS...]`: argv[0] is "cc". Returns the
 * compiler's exit status (128+N if signal N ended it), 127/126 if the
 * compiler cannot be run, 2 if it cannot instrument or for a setup error. */
int tl_cc_main(int argc, char **argv);

#endif
