/*
 * tv_check.h — checks a loaded model against the invariants tv_model.h
 * promises (rows sorted and disjoint, children inside parents, samples and
 * marks sorted, indexes in range...). Used by the model tests on every trace
 * they load and by the fuzz target on every input it accepts.
 */
#ifndef TV_CHECK_H
#define TV_CHECK_H

#include "tv_model.h"

/* NULL when the model is consistent, else what is wrong (static text). */
const char *tv_check_model(const tv_model *m);

#endif
