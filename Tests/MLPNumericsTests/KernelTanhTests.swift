import XCTest
@testable import MLPNumerics
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// `simdTanh` against an extended-precision reference (`tanh` on Float80 where available) and
/// against libm's double `tanh`, in units in the last place of the true result.
final class KernelTanhTests: XCTestCase {
    /// Error of `simdTanh` at each input, in ulps of the reference value (0 for exact ties at 0).
    private func maxUlpErrors(_ inputs: [Double]) -> (vsTrue: Double, vsLibm: Double, worstInput: Double) {
        var worstTrue = 0.0, worstLibm = 0.0, worstInput = 0.0
        var i = 0
        while i < inputs.count {
            var lane = SIMD8<Double>(repeating: 0)
            for j in 0..<8 where i + j < inputs.count { lane[j] = inputs[i + j] }
            let out = simdTanh(lane)
            for j in 0..<8 where i + j < inputs.count {
                let x = inputs[i + j]
                let libm = tanh(x)
                #if arch(x86_64) && !os(Windows)
                let exact = tanh(Float80(x))
                let reference = Double(exact)
                #else
                let exact = libm
                let reference = libm
                #endif
                let unit = reference == 0 ? Double.leastNonzeroMagnitude : abs(reference).nextDown.ulp
                #if arch(x86_64) && !os(Windows)
                let errTrue = Double(abs(Float80(out[j]) - exact)) / unit
                #else
                let errTrue = abs(out[j] - exact) / unit
                #endif
                let errLibm = abs(out[j] - libm) / unit
                if errTrue > worstTrue { worstTrue = errTrue; worstInput = x }
                worstLibm = max(worstLibm, errLibm)
            }
            i += 8
        }
        return (worstTrue, worstLibm, worstInput)
    }

    func testDenseSweepAndRandomInputsWithinThreeUlps() {
        var inputs: [Double] = []
        // Dense sweep over the interesting range, both signs.
        var x = -20.0
        while x <= 20 { inputs.append(x); x += 1.0 / 4096 }
        // Around the branch point 0.625 and the saturation clamp 19.1.
        for c in [0.625, 19.1] {
            var v = c
            for _ in 0..<2000 { inputs.append(v); inputs.append(-v); v = v.nextDown }
            v = c
            for _ in 0..<2000 { inputs.append(v); v = v.nextUp }
        }
        // Small magnitudes down to subnormals (relative accuracy must hold).
        var s = 1.0
        while s > 1e-310 { inputs.append(s); inputs.append(-s * 0.7); s *= 0.83 }
        // Random inputs: log-uniform magnitudes and random finite bit patterns.
        var rng = PortableRandom(seed: 7)
        for _ in 0..<100_000 {
            let mag = pow(10, rng.nextUniform(in: -12, 2))
            inputs.append(rng.nextUniform() < 0.5 ? mag : -mag)
            let bits = Double(bitPattern: rng.next())
            if bits.isFinite { inputs.append(bits) }
        }
        let e = maxUlpErrors(inputs)
        print("simdTanh over \(inputs.count) inputs: max error \(e.vsTrue) ulp vs Float80 tanh (at x = \(e.worstInput)), \(e.vsLibm) ulp vs libm tanh")
        XCTAssertLessThanOrEqual(e.vsTrue, 3)
        XCTAssertLessThanOrEqual(e.vsLibm, 3)
    }

    func testSpecialValues() {
        let inputs = SIMD8<Double>(0, -0.0, .infinity, -.infinity, .nan, 1e300, -1e-320, 19.1)
        let out = simdTanh(inputs)
        XCTAssertEqual(out[0], 0)
        XCTAssertEqual(out[0].sign, .plus)
        XCTAssertEqual(out[1], 0)
        XCTAssertEqual(out[1].sign, .minus)
        XCTAssertEqual(out[2], 1)
        XCTAssertEqual(out[3], -1)
        XCTAssertTrue(out[4].isNaN)
        XCTAssertEqual(out[5], 1)
        XCTAssertEqual(out[6], -1e-320)
        XCTAssertEqual(out[7], 1)
    }
}
