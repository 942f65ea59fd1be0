import Foundation
import MLPNumerics
import XCTest

final class PortableRandomTests: XCTestCase {
    /// A straightforward transcription of Vigna's reference C code (splitmix64.c, xoshiro256starstar.c).
    private struct ReferenceXoshiro {
        var s: [UInt64]

        static func splitMix64(_ x: inout UInt64) -> UInt64 {
            x = x &+ 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        init(state: [UInt64]) { s = state }

        init(seed: UInt64) {
            var x = seed
            s = (0..<4).map { _ in Self.splitMix64(&x) }
        }

        static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

        mutating func next() -> UInt64 {
            let result = Self.rotl(s[1] &* 5, 7) &* 9
            let t = s[1] << 17
            s[2] ^= s[0]
            s[3] ^= s[1]
            s[1] ^= s[2]
            s[0] ^= s[3]
            s[2] ^= t
            s[3] = Self.rotl(s[3], 45)
            return result
        }
    }

    func testReferenceTranscriptionReproducesThePublishedVectors() {
        // xoshiro256** from state (1, 2, 3, 4), as in the test vectors of the reference implementations.
        var x = ReferenceXoshiro(state: [1, 2, 3, 4])
        XCTAssertEqual(
            (0..<10).map { _ in x.next() },
            [
                11520, 0, 1509978240, 1215971899390074240, 1216172134540287360,
                607988272756665600, 16172922978634559625, 8476171486693032832,
                10595114339597558777, 2904607092377533576,
            ])
        // SplitMix64 seeded with 1234567 (Rosetta Code, "Pseudo-random numbers/Splitmix64").
        var state: UInt64 = 1234567
        XCTAssertEqual(
            (0..<5).map { _ in ReferenceXoshiro.splitMix64(&state) },
            [
                6457827717110365317, 3203168211198807973, 9817491932198370423,
                4593380528125082431, 16408922859458223821,
            ])
    }

    func testGeneratorMatchesTheReferenceAlgorithm() {
        for seed: UInt64 in [0, 1, 42, 0xDEAD_BEEF, .max] {
            var rng = PortableRandom(seed: seed)
            var reference = ReferenceXoshiro(seed: seed)
            for _ in 0..<1000 { XCTAssertEqual(rng.next(), reference.next(), "seed \(seed)") }
        }
    }

    func testFixedSeedGivesGoldenValues() {
        // Recorded after the stream was checked against the reference transcription above; any
        // change here changes every "fixed-seed" dataset of the pipeline.
        var rng = PortableRandom(seed: 42)
        XCTAssertEqual(
            (0..<4).map { _ in rng.next() },
            [1546998764402558742, 6990951692964543102, 12544586762248559009, 17057574109182124193])
        var uniform = PortableRandom(seed: 42)
        XCTAssertEqual(
            (0..<3).map { _ in uniform.nextUniform() }, [0.08386297105988216, 0.3789802506626686, 0.6800434110281394])
        var normal = PortableRandom(seed: 42)
        XCTAssertEqual(
            (0..<4).map { _ in normal.nextNormal() },
            [-0.7262191382447857, -0.21119691823195985, 0.2216227015035933, 0.5227716877560146])
        // The first pair is the polar method applied to the first two uniforms (accepted: s < 1).
        let (u, v) = (2 * 0.08386297105988216 - 1, 2 * 0.3789802506626686 - 1)
        let s = u * u + v * v
        XCTAssertLessThan(s, 1)
        XCTAssertEqual(-0.7262191382447857, u * (-2 * Foundation.log(s) / s).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(-0.21119691823195985, v * (-2 * Foundation.log(s) / s).squareRoot(), accuracy: 1e-15)
    }

    func testNormalDeviatesHaveUnitVariance() {
        var rng = PortableRandom(seed: 7)
        let n = 100_000
        var sum = 0.0, sumSquares = 0.0, sumFourth = 0.0
        for _ in 0..<n {
            let z = rng.nextNormal()
            sum += z
            sumSquares += z * z
            sumFourth += z * z * z * z
        }
        let mean = sum / Double(n)
        let variance = sumSquares / Double(n) - mean * mean
        // Standard errors: 1/√n for the mean, √(2/n) for the variance; 5σ bounds.
        XCTAssertLessThan(abs(mean), 5 / Double(n).squareRoot())
        XCTAssertLessThan(abs(variance - 1), 5 * (2 / Double(n)).squareRoot())
        // Kurtosis 3 (standard error √(96/n)) distinguishes a normal from, e.g., a uniform.
        XCTAssertLessThan(abs(sumFourth / Double(n) - 3), 5 * (96 / Double(n)).squareRoot())
    }

    func testUniformIsInTheUnitIntervalAndPermutationIsAPermutation() {
        var rng = PortableRandom(seed: 8)
        for _ in 0..<10_000 {
            let u = rng.nextUniform()
            XCTAssertTrue(u >= 0 && u < 1)
        }
        for n in [0, 1, 2, 7, 50] { XCTAssertEqual(rng.permutation(n).sorted(), Array(0..<n)) }
    }

    /// `portableLog` agrees with glibc/Darwin `log` (itself < 1 ulp) to ≤ 4 ulp. Measured worst over
    /// 2·10^6 samples: 3 ulp over [1e-321, 1e308], 4 ulp in [0.5, 2]. (The source comment's "about
    /// 1 ulp" is optimistic: the quotient f = (m − 1)/(m + 1) and the final sums each round.)
    func testPortableLogMatchesFoundationLog() {
        var rng = PortableRandom(seed: 9)
        var worst = 0.0
        for _ in 0..<20_000 {
            // x over the whole positive range (e^-740 is subnormal) and densely in [0.5, 2].
            let x =
                rng.nextUniform() < 0.5
                ? Foundation.exp(rng.nextUniform(in: -740, 709))
                : rng.nextUniform(in: 0.5, 2)
            let reference = Foundation.log(x)
            worst = max(worst, abs(portableLog(x) - reference) / reference.ulp)
        }
        XCTAssertLessThanOrEqual(worst, 4)
        for x in [
            Double.leastNonzeroMagnitude, .leastNormalMagnitude, 1e-300, 0.5, 0.999_999_999, 1.000_000_001, 2, 1e300,
            .greatestFiniteMagnitude,
        ] {
            XCTAssertLessThanOrEqual(abs(portableLog(x) - Foundation.log(x)), 4 * Foundation.log(x).ulp, "x = \(x)")
        }
        XCTAssertEqual(portableLog(1), 0)
    }
}
