#ifndef CVECTORMATH_SHIM_H
#define CVECTORMATH_SHIM_H

// Eight-lane double operations that Swift's SIMD8<Double> lowers lane by lane (see
// docs/performance.md): there, a fused multiply-add becomes eight scalar `fma` calls that LLVM's
// SLP vectorizer may or may not reassemble into one instruction. Here each is one LLVM vector
// operation (llvm.fma.v8f64, fcmp + select), so the code is one 512-bit instruction wherever the
// target has it (-march=native on an AVX-512 machine) and correct, if slower, everywhere else.
// Swift imports cvm_double8 as SIMD8<Double>; the functions inline into the caller.

typedef double cvm_double8 __attribute__((__vector_size__(64)));
typedef long long cvm_long8 __attribute__((__vector_size__(64)));

/// a · b + c with one rounding, per lane.
static inline __attribute__((__always_inline__)) cvm_double8 cvm_fma8(cvm_double8 a, cvm_double8 b, cvm_double8 c) {
    return __builtin_elementwise_fma(a, b, c);
}

/// a · b − c with one rounding, per lane (−c is a sign flip: −(+0) = −0).
static inline __attribute__((__always_inline__)) cvm_double8 cvm_fms8(cvm_double8 a, cvm_double8 b, cvm_double8 c) {
    return __builtin_elementwise_fma(a, b, -c);
}

/// c − a · b with one rounding, per lane.
static inline __attribute__((__always_inline__)) cvm_double8 cvm_fnma8(cvm_double8 a, cvm_double8 b, cvm_double8 c) {
    return __builtin_elementwise_fma(-a, b, c);
}

/// a < b ? a : b per lane: b when either is NaN (x86 `minpd` semantics).
static inline __attribute__((__always_inline__)) cvm_double8 cvm_min8(cvm_double8 a, cvm_double8 b) {
    cvm_long8 lt = a < b;
    return (cvm_double8)((lt & (cvm_long8)a) | (~lt & (cvm_long8)b));
}

/// a > b ? a : b per lane: b when either is NaN (x86 `maxpd` semantics).
static inline __attribute__((__always_inline__)) cvm_double8 cvm_max8(cvm_double8 a, cvm_double8 b) {
    cvm_long8 gt = a > b;
    return (cvm_double8)((gt & (cvm_long8)a) | (~gt & (cvm_long8)b));
}

#endif
