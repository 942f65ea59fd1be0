#ifndef CLAPACKE_SHIM_H
#define CLAPACKE_SHIM_H
#include <lapacke.h>

/// `lapack_int` is a macro (int32_t or int64_t by build), which Swift cannot import: name it.
typedef lapack_int clapack_int;
#endif
