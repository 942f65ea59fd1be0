import CVectorMath

/// `tanh` of eight lanes at once, within 3 ulp of the true value for every input (measured max and
/// rms: docs/performance.md, checked by `KernelTanhTests`); NaN propagates, ±∞ gives ±1, −0 gives −0.
///
/// One formula for every input, no branches: `tanh z = (e^{2z} − 1) / (e^{2z} + 1)` with
/// `e^{2z} = S·(e + 1)`, `S = 2^m`, `m = round(2z/ln 2)`, `e = expm1(2s)`, `s = z − m·(ln 2)/2`,
/// `|s| ≤ ln2/4`, and `z` clamped to [−20, 20] (beyond, the result rounds to ±1):
/// `tanh z = (S·e + S − 1) / (S·e + S + 1)`. `expm1(2s) = 2s + s²P(s)` is a degree-11 near-minimax
/// polynomial (relative error < 2.5e-17, bench/tanh_polynomial.py). Numerator and denominator are
/// two independent FMAs, and at `m = 0` the numerator is `e` exactly: small and subnormal inputs
/// keep full relative accuracy. One division.
///
/// Every operation is one 512-bit instruction with `-march=native` on AVX-512 (checked with
/// bench/asm_report.py): FMAs and clamps go through `CVectorMath` because `SIMD8<Double>`'s own
/// `addingProduct` is lowered lane by lane. The kernel inlines the same arithmetic (`vectorTanh`).
public func simdTanh(_ x: SIMD8<Double>) -> SIMD8<Double> {
    vectorTanh(x)
}

/// `simdTanh` for inputs with `|z| ≤ 20` (or NaN); larger magnitudes give NaN or wrong values.
package func simdTanhUnclamped(_ z: SIMD8<Double>) -> SIMD8<Double> {
    vectorTanhUnclamped(z)
}

/// `simdTanh`, inlined into the kernel's loops. `@_transparent` because `@inline(__always)` was not
/// honoured for the second call site in a loop; internal so that other modules (the tests) call
/// the compiled `simdTanh` instead of inlining a body an incremental build may not recompile.
@_transparent
func vectorTanh(_ x: SIMD8<Double>) -> SIMD8<Double> {
    // −20 > x ? −20 : x, then 20 < x ? 20 : x: NaN fails both comparisons and stays NaN.
    vectorTanhUnclamped(cvm_min8(SIMD8(repeating: 20), cvm_max8(SIMD8(repeating: -20), x)))
}

/// `vectorTanh` without the clamp: for `|z| ≤ 20` (or NaN); larger magnitudes give NaN or wrong
/// values. The kernel uses it on steps where `max |w_i x_k| ≤ 20` is known.
@_transparent
func vectorTanhUnclamped(_ z: SIMD8<Double>) -> SIMD8<Double> {
    typealias V = SIMD8<Double>
    // m = round(2z/ln2) by the 0x1.8p52 shifter (the sum's low bits hold m), s = z − m·(ln2/2).
    let shifter = V(repeating: 0x1.8p52)
    let kd = cvm_fma8(z, V(repeating: 2.885_390_081_777_926_8), shifter)
    let m = kd - shifter
    let s = cvm_fma8(m, V(repeating: -0.346_573_590_279_972_64), z)
    // expm1(2s) = 2s + s²·P(s), P = 2 + c3 s + … + c11 s⁹ (Estrin's scheme: short dependency
    // chains); 2s + s²P rounds once, so the result is within ~½ ulp of expm1(2s).
    let s2 = s * s, s4 = s2 * s2
    let c34 = cvm_fma8(V(repeating: 0.666_666_666_665_919_3), s, V(repeating: 1.333_333_333_333_328_2))
    let c56 = cvm_fma8(V(repeating: 0.088_888_889_091_321_69), s, V(repeating: 0.266_666_666_668_428_8))
    let c78 = cvm_fma8(V(repeating: 0.006_349_188_181_216_414), s, V(repeating: 0.025_396_825_227_963_74))
    let c911 = cvm_fma8(
        cvm_fma8(V(repeating: 5.129_407_415_057_573e-05), s, V(repeating: 2.828_516_766_467_738e-04)),
        s, V(repeating: 0.001_410_940_161_272_169_3))
    let high = cvm_fma8(cvm_fma8(c911, s2, c78), s4, cvm_fma8(c56, s2, c34))
    let p = cvm_fma8(s, high, V(repeating: 2))
    // −s²P as 0 − s²P (+0 at s = ±0), then 2s − (−s²P): at s = −0 that is −0 − (+0) = −0.
    let minusSquareTerm = cvm_fnma8(s2, p, .zero)
    let e = cvm_fms8(V(repeating: 2), s, minusSquareTerm)
    // S = 2^m: m's low bits (two's complement) shifted into the exponent field.
    let scaleBits = (unsafeBitCast(kd, to: SIMD8<UInt64>.self) &<< 52) &+ SIMD8<UInt64>(repeating: 1023 &<< 52)
    let scale = unsafeBitCast(scaleBits, to: V.self)
    // (S·e + S − 1) / (S·e + S + 1); the numerator as S·e − (1 − S) keeps the sign of a zero e.
    return cvm_fms8(scale, e, 1 - scale) / cvm_fma8(scale, e, scale + 1)
}
