import DynamicsAnalysis
import MLPNumerics
import XCTest

final class CriticalPointRefinerTests: XCTestCase {
    private func assertRefines<F: TwiceDifferentiableObjective>(
        _ f: F, from start: [Double], to expected: [Double], index: Int, accuracy: Double,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let r = CriticalPointRefiner.refine(f, from: start)
        XCTAssertTrue(r.converged, "reason \(r.reason), ‖g‖ = \(r.gradientNorm)", file: file, line: line)
        XCTAssertEqual(r.reason, .converged, file: file, line: line)
        for i in expected.indices {
            XCTAssertEqual(r.point[i], expected[i], accuracy: accuracy, file: file, line: line)
        }
        XCTAssertEqual(r.analysis?.index, index, file: file, line: line)
    }

    func testDoubleWellMinimaAndSaddle() {
        assertRefines(DoubleWell(), from: [0.3, 0.2], to: [0, 0], index: 1, accuracy: 1e-12)
        assertRefines(DoubleWell(), from: [1.3, -0.4], to: [1, 0], index: 0, accuracy: 1e-12)
        assertRefines(DoubleWell(), from: [-0.8, 0.9], to: [-1, 0], index: 0, accuracy: 1e-12)
    }

    func testRosenbrockFromTheClassicStart() {
        assertRefines(Rosenbrock(), from: [-1.2, 1], to: [1, 1], index: 0, accuracy: 1e-12)
    }

    /// Literature values (6 decimals) of Himmelblau's critical points: minima (index 0), saddles
    /// (index 1) and the maximum (index 2).
    func testHimmelblauCriticalPoints() {
        let minima = [[3, 2], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]]
        let saddles = [[0.086677, 2.884254], [-3.073026, -0.081353], [3.385154, 0.073852], [-0.127961, -1.953715]]
        let maximum = [-0.270845, -0.923039]
        for p in minima {
            assertRefines(Himmelblau(), from: [p[0] + 0.15, p[1] - 0.1], to: p, index: 0, accuracy: 2e-6)
            XCTAssertLessThan(CriticalPointRefiner.refine(Himmelblau(), from: [p[0] + 0.15, p[1] - 0.1]).value, 1e-24)
        }
        for p in saddles {
            assertRefines(Himmelblau(), from: [p[0] - 0.1, p[1] + 0.1], to: p, index: 1, accuracy: 2e-6)
        }
        assertRefines(Himmelblau(), from: [maximum[0] + 0.2, maximum[1] + 0.1], to: maximum, index: 2, accuracy: 2e-6)
    }

    func testReportsFailureWhenBudgetRunsOut() {
        let r = CriticalPointRefiner.refine(
            Rosenbrock(), from: [-1.2, 1], settings: CriticalPointRefinerSettings(maxIterations: 2))
        XCTAssertFalse(r.converged)
        XCTAssertEqual(r.reason, .maxIterations)
        XCTAssertEqual(r.iterations, 2)
    }

    /// After a long GD run on a seeded noisy dataset (seed 2) the iterate is near the overfitting
    /// attractor: Newton reaches ‖∇E_tr‖ < 1e-12 at an isolated minimum (index 0, no zero
    /// eigenvalue) with E_tr no larger than GD's.
    func testRefinesTheEndOfALongGDRunToTheAttractor() throws {
        let data = Fixtures.teacherData(sigma: 0.2, seed: 2)
        // η = 0.1 for 20 000 steps covers gradient-flow time 2000 (t = 2·10⁵ at η = 0.01).
        let gd = Fixtures.gradientDescent(Fixtures.paperStart, on: data, eta: 0.1, steps: 20_000)
        let r = CriticalPointRefiner.refine(gd, on: data)
        XCTAssertTrue(r.converged, "reason \(r.reason), ‖g‖ = \(r.gradientNorm)")
        XCTAssertLessThan(r.gradientNorm, 1e-12)
        let analysis = try XCTUnwrap(r.analysis)
        XCTAssertEqual(analysis.index, 0)
        XCTAssertEqual(analysis.zeroCount, 0)
        XCTAssertLessThanOrEqual(r.value, TrainingError.value(gd, on: data))
        // Polishing the refined point with further GD steps does not lower E_tr (a true minimum).
        let polished = Fixtures.gradientDescent(Network(flat: r.point), on: data, eta: 0.1, steps: 100)
        XCTAssertGreaterThanOrEqual(TrainingError.value(polished, on: data), r.value - 1e-15)
    }

    /// On the seed-2026 dataset GD from the paper's start (|w_1| = |w_2| exactly) ends on the
    /// sign-flipped synchronized line w_1 = −w_2: a critical line of index 0 with one zero
    /// eigenvalue (the flat direction along the line), not an isolated attractor.
    func testSeed2026EndsOnTheSynchronizedCriticalLine() throws {
        let data = Fixtures.teacherData(sigma: 0.2)
        let gd = Fixtures.gradientDescent(Fixtures.paperStart, on: data, eta: 0.1, steps: 20_000)
        let r = CriticalPointRefiner.refine(gd, on: data)
        XCTAssertTrue(r.converged, "reason \(r.reason), ‖g‖ = \(r.gradientNorm)")
        let analysis = try XCTUnwrap(r.analysis)
        XCTAssertEqual(analysis.index, 0)
        XCTAssertEqual(analysis.zeroCount, 1)
        XCTAssertEqual(r.point[0], -r.point[1], accuracy: 1e-10)
    }
}
