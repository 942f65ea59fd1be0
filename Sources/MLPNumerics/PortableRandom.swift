/// A seeded generator whose output is bit-identical on every machine and OS.
///
/// Bits come from xoshiro256** (Blackman & Vigna) seeded through SplitMix64. Normal deviates use
/// Marsaglia's polar method with `portableLog`, written with `+ − × ÷` and `sqrt` only: those are
/// correctly rounded by IEEE 754, whereas libm's `log`/`cos` differ between platforms in the last
/// bit, which would change a "fixed-seed" dataset from machine to machine.
public struct PortableRandom: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)
    private var spareNormal: Double?

    /// Seeds the state by four SplitMix64 outputs of `seed`.
    public init(seed: UInt64) {
        var z = seed
        func splitMix() -> UInt64 {
            z &+= 0x9E37_79B9_7F4A_7C15
            var r = z
            r = (r ^ (r >> 30)) &* 0xBF58_476D_1CE4_E5B9
            r = (r ^ (r >> 27)) &* 0x94D0_49BB_1331_11EB
            return r ^ (r >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    /// A uniform deviate in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform deviate in [lower, upper).
    public mutating func nextUniform(in lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * nextUniform()
    }

    /// A standard normal deviate N(0, 1) (Marsaglia polar method; pairs are used in order).
    public mutating func nextNormal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        while true {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let factor = (-2 * portableLog(s) / s).squareRoot()
                spareNormal = v * factor
                return u * factor
            }
        }
    }

    /// A uniformly random permutation of `0..<n` (Fisher–Yates with unbiased bounded draws).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = Int(nextBounded(UInt64(i + 1)))
            p.swapAt(i, j)
        }
        return p
    }

    /// A uniform integer in `0..<bound` by Lemire's multiply-and-reject (no modulo bias).
    public mutating func nextBounded(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0)
        let threshold = (0 &- bound) % bound
        while true {
            let r = next()
            let product = r.multipliedFullWidth(by: bound)
            if product.low >= threshold { return product.high }
        }
    }

    @inline(__always)
    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// The natural logarithm of a positive finite `x`, using only correctly rounded IEEE operations,
/// so its result is the same on every platform. Within 4 ulp of libm's `log` (measured over 2·10⁶
/// samples; bit-identical results, not the last ulp, are what matters here).
///
/// `x = m · 2^e` with `m ∈ [√½, √2)`; `ln m = 2 atanh(f)`, `f = (m − 1)/(m + 1)`, `|f| ≤ 0.172`,
/// summed as an odd series to 25 terms (error < 1e-20 relative).
public func portableLog(_ x: Double) -> Double {
    precondition(x > 0 && x.isFinite, "portableLog needs a positive finite argument")
    var m = x.significand  // [1, 2)
    var e = Double(x.exponent)
    if m > 2.0.squareRoot() {
        m /= 2
        e += 1
    }
    let f = (m - 1) / (m + 1)
    let f2 = f * f
    var term = f
    var sum = 0.0
    var k = 1.0
    for _ in 0..<25 {
        sum += term / k
        term *= f2
        k += 2
    }
    let ln2Hi = 0.693_147_180_369_123_816_49
    let ln2Lo = 1.908_214_929_270_587_700_02e-10
    return (e * ln2Hi + 2 * sum) + e * ln2Lo
}

/// `tanh(x)` from correctly rounded IEEE operations only, so that datasets built from it are
/// bit-identical on every platform (libm's `tanh` may differ in the last bit). Within a few ulp.
public func portableTanh(_ x: Double) -> Double {
    if x.isNaN { return x }
    let a = abs(x)
    if a > 22 { return x > 0 ? 1 : -1 }
    let u = 2 * a
    let value: Double
    if a < 0.5 {
        // tanh = (e^u − 1)/(e^u + 1); e^u − 1 summed directly keeps relative accuracy near 0.
        var term = u
        var expm1 = 0.0
        var k = 1.0
        while k <= 30 {
            expm1 += term
            k += 1
            term *= u / k
        }
        value = expm1 / (expm1 + 2)
    } else {
        value = 1 - 2 / (portableExp(u) + 1)
    }
    return x < 0 ? -value : value
}

/// `e^x` for |x| ≤ 700 from correctly rounded IEEE operations only (see `portableTanh`).
public func portableExp(_ x: Double) -> Double {
    precondition(abs(x) <= 700, "portableExp is defined for |x| ≤ 700")
    let ln2Hi = 0.693_147_180_369_123_816_49
    let ln2Lo = 1.908_214_929_270_587_700_02e-10
    let k = (x / 0.693_147_180_559_945_309_42).rounded()
    let r = (x - k * ln2Hi) - k * ln2Lo  // |r| ≤ 0.35
    var term = 1.0
    var sum = 1.0
    var n = 1.0
    while n <= 24 {
        term *= r / n
        sum += term
        n += 1
    }
    return sum * Double(sign: .plus, exponent: Int(k), significand: 1)
}
