/// `tanh` of eight lanes at once, accurate to ≤ 3 ulp for every finite input (measured max: see
/// docs/performance.md); NaN propagates, ±∞ gives ±1, and the sign of zero is kept.
///
/// Branch-free, with one division per call:
/// - `|x| < 0.625`: `|x| + |x|·z·P(z)/Q(z)`, `z = x²` (Cephes' rational approximation, relative
///   error ≲ 2.5e-16 on this interval, so tiny inputs keep full relative accuracy);
/// - `|x| ≥ 0.625`: `1 − 2/(e^{2|x|} + 1)`, with `|x|` clamped to 19.1, beyond which the result
///   rounds to 1. `e^y` is `2^k · p(r)`, `y = k ln 2 + r`, `|r| ≤ ln2/2`, `p` the degree-13 Taylor
///   polynomial (truncation error < 5e-18 relative);
/// and the sign of `x` is copied onto the magnitude.
///
/// Written so that LLVM keeps every operation on full 512-bit vectors (checked with objdump,
/// docs/performance.md): range reduction as two FMAs with negated constants, `2^k` built from the
/// bits of the rounding shifter, masks only through `replacing(with:where:)`. `@_transparent`
/// because `@inline(__always)` was not honoured for the second call site in the kernel loop.
@_transparent
public func simdTanh(_ x: SIMD8<Double>) -> SIMD8<Double> {
    typealias V = SIMD8<Double>
    typealias U = SIMD8<UInt64>
    let signBit = U(repeating: 0x8000_0000_0000_0000)
    let bits = unsafeBitCast(x, to: U.self)
    let sign = bits & signBit
    let ax = unsafeBitCast(bits & ~signBit, to: V.self)

    // Large branch: e = exp(2a). NaN compares false and stays NaN (blended away below).
    let a = ax.replacing(with: 19.1, where: ax .> 19.1)
    let y = a + a
    let shifter = V(repeating: 0x1.8p52)  // adding it rounds to an integer held in the low bits
    let kd = y * V(repeating: 1.442_695_040_888_963_4) + shifter
    let k = kd - shifter
    let r0 = y.addingProduct(k, V(repeating: -6.931_457_519_531_25e-1))  // k·ln2Hi is exact (k ≤ 56)
    let r = r0.addingProduct(k, V(repeating: -1.428_606_820_309_417_232_12e-6))
    var p = V(repeating: 1.0 / 6_227_020_800)                    // 1/13!
    p = V(repeating: 1.0 / 479_001_600).addingProduct(p, r)      // 1/12!
    p = V(repeating: 1.0 / 39_916_800).addingProduct(p, r)
    p = V(repeating: 1.0 / 3_628_800).addingProduct(p, r)
    p = V(repeating: 1.0 / 362_880).addingProduct(p, r)
    p = V(repeating: 1.0 / 40_320).addingProduct(p, r)
    p = V(repeating: 1.0 / 5_040).addingProduct(p, r)
    p = V(repeating: 1.0 / 720).addingProduct(p, r)
    p = V(repeating: 1.0 / 120).addingProduct(p, r)
    p = V(repeating: 1.0 / 24).addingProduct(p, r)
    p = V(repeating: 1.0 / 6).addingProduct(p, r)
    p = V(repeating: 0.5).addingProduct(p, r)
    p = V(repeating: 1).addingProduct(p, r)
    p = V(repeating: 1).addingProduct(p, r)
    // 2^k: the low 12 bits of kd's pattern are k (0 ≤ k ≤ 56); shift them into the exponent.
    let scaleBits = (unsafeBitCast(kd, to: U.self) &<< 52) &+ U(repeating: 1023 &<< 52)
    let e = p * unsafeBitCast(scaleBits, to: V.self)

    // Small branch: Cephes tanh.c coefficients, P/Q in z = x².
    let z = ax * ax
    var pz = V(repeating: -9.643_991_794_250_522_386_28e-1)
    pz = V(repeating: -9.928_772_310_019_185_865_64e1).addingProduct(pz, z)
    pz = V(repeating: -1.614_687_684_417_084_479_52e3).addingProduct(pz, z)
    var qz = z + V(repeating: 1.128_116_784_916_329_314_02e2)
    qz = V(repeating: 2.235_488_390_601_004_485_83e3).addingProduct(qz, z)
    qz = V(repeating: 4.844_063_053_251_254_860_48e3).addingProduct(qz, z)

    // One division serves both branches: |tanh x| = base + num/den.
    let large = ax .>= V(repeating: 0.625)
    let base = ax.replacing(with: 1, where: large)
    let num = (ax * z * pz).replacing(with: -2, where: large)
    let den = qz.replacing(with: e + V(repeating: 1), where: large)
    let magnitude = base + num / den
    return unsafeBitCast(unsafeBitCast(magnitude, to: U.self) | sign, to: V.self)
}
