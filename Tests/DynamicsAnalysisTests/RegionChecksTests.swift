import DynamicsAnalysis
import MLPNumerics
import XCTest

final class RegionChecksTests: XCTestCase {
    private let noisy = Fixtures.teacherData(sigma: 0.2)
    private let clean = Fixtures.teacherData(sigma: 0)

    private func run(_ f: RegionFamily, _ data: TrainingSet) throws -> RegionCheckResult {
        try RegionChecks.check(f, on: data, sampleCount: 200, seed: 11)
    }

    func testSamplesLieOnTheirFamilies() {
        var rng = PortableRandom(seed: 1)
        for family in RegionFamily.allCases {
            let th = RegionChecks.sample(family, teacherW: 1, teacherV: 2, ranges: .init(), rng: &rng)
            let net = Network(flat: th)
            for x in [-1.3, 0.4, 2.0] {
                switch family {
                case .zeroInputWeights, .zeroOutputWeights, .zeroInputAndOutput:
                    XCTAssertEqual(net(x), 0, "\(family)")
                case .optimalSynchronized, .optimalDeadOutput, .optimalDeadInput:
                    XCTAssertEqual(net(x), 2 * tanh(x), accuracy: 1e-15, "\(family)")
                case .synchronizedSmall:
                    XCTAssertEqual(th[0], th[1]); XCTAssertEqual(th[2], th[3])
                }
            }
        }
    }

    /// σ > 0: every sampled point of the three optimal branches has exactly one escape direction.
    func testNoisyOptimalRegionHasIndexOne() throws {
        for f in [RegionFamily.optimalSynchronized, .optimalDeadOutput, .optimalDeadInput] {
            let r = try run(f, noisy)
            XCTAssertEqual(r.indexHistogram[1], 200, "\(f): \(r.indexHistogram)")
        }
    }

    /// σ = 0: H = (2/n)JᵀJ is positive semidefinite on M (index 0). Its kernel is 2-dimensional on
    /// the duplicated-neuron branch (J has rank 2) but 1-dimensional on the dead-output and
    /// dead-input branches (J has rank 3 for a generic free coordinate), so "two zero eigenvalues"
    /// holds on the synchronized branch only. The dead branches' second-smallest eigenvalue
    /// vanishes like (w_2 ∓ 1)⁴ near w_2 = ±1, like w_2² near w_2 = 0, like v_2² near v_2 = 0
    /// (where they meet other branches), so the generic count is asserted 0.2 away from those.
    func testNoiselessOptimalRegionIsFlatMinimum() throws {
        let sync = try run(.optimalSynchronized, clean)
        XCTAssertEqual(sync.indexHistogram[0], 200)
        XCTAssertEqual(sync.zeroCountHistogram[2], 200)
        for f in [RegionFamily.optimalDeadOutput, .optimalDeadInput] {
            XCTAssertEqual(try run(f, clean).indexHistogram[0], 200, "\(f)")
            var rng = PortableRandom(seed: 11)
            var generic = 0
            for _ in 0..<200 {
                let th = RegionChecks.sample(f, teacherW: 1, teacherV: 2, ranges: .init(), rng: &rng)
                let free = f == .optimalDeadOutput ? th[1] : th[3]
                let away = f == .optimalDeadOutput ? [-1.0, 0, 1].allSatisfy { abs(free - $0) > 0.2 } : abs(free) > 0.2
                guard away else { continue }
                generic += 1
                let a = try HessianAnalysis(network: Network(flat: th), data: clean)
                XCTAssertEqual(a.zeroCount, 1, "\(f) at \(th): \(a.spectrum.values)")
            }
            XCTAssertGreaterThan(generic, 100)
        }
    }

    /// Small synchronized weights (the plateau of the paper): two escape directions.
    func testSynchronizedSmallWeightsHaveTwoEscapeDirections() throws {
        let r = try run(.synchronizedSmall, noisy)
        XCTAssertEqual(r.indexHistogram[2], 200, "\(r.indexHistogram)")
    }

    /// The f ≡ 0 families (w = 0; v = 0; w_1 = 0 & v_2 = 0) also have two escape directions on
    /// every sample (measured), and no zero eigenvalue.
    func testZeroOutputFamiliesHaveTwoEscapeDirections() throws {
        for f in [RegionFamily.zeroInputWeights, .zeroOutputWeights, .zeroInputAndOutput] {
            let r = try run(f, noisy)
            XCTAssertEqual(r.indexHistogram[2], 200, "\(f): \(r.indexHistogram)")
            XCTAssertEqual(r.zeroCountHistogram[0], 200, "\(f): \(r.zeroCountHistogram)")
        }
    }
}
