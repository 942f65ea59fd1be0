import DynamicsAnalysis
import MLPNumerics
import XCTest

final class PhaseDetectorTests: XCTestCase {
    /// A synthetic saddle–saddle–attractor curve on t = 10^(k/40), k = 0…240:
    /// plateau E ∝ t^−0.02 up to t = 100, fast drop E ∝ t^−3 to t = 300, slow E ∝ t^−0.01 after;
    /// index 2 below t = 150, 1 below t = 10⁴, then 0; ‖∇E‖ = 10⁴/t² (< 1e-6 from t = 10⁵);
    /// E_gen minimal at t = 10^3.5.
    private struct Curve {
        var t: [Double] = [], etr: [Double] = [], egen: [Double] = [], grad: [Double] = [], index: [Int] = []
    }

    private func syntheticCurve(noise: Double = 0, flicker: Bool = false) -> Curve {
        var c = Curve()
        var rng = PortableRandom(seed: 7)
        let e100 = 1.7 * pow(100, -0.02), e300 = e100 * pow(3, -3)
        for k in 0...240 {
            let t = pow(10, Double(k) / 40)
            var e = t <= 100 ? 1.7 * pow(t, -0.02) : t <= 300 ? e100 * pow(t / 100, -3) : e300 * pow(t / 300, -0.01)
            e *= 1 + noise * (2 * rng.nextUniform() - 1)
            c.t.append(t)
            c.etr.append(e)
            c.egen.append(1e-3 + 1e-4 * (log10(t) - 3.5) * (log10(t) - 3.5))
            c.grad.append(1e4 / (t * t))
            var i = t < 150 ? 2 : t < 1e4 ? 1 : 0
            if flicker && (k == 150 || k == 170) { i = 0 }  // isolated index glitches
            c.index.append(i)
        }
        return c
    }

    private func detect(_ c: Curve) throws -> PhaseReport {
        try PhaseDetector.detect(
            time: c.t, trainingError: c.etr, generalizationError: c.egen,
            gradientNorm: c.grad, index: c.index, settings: .schemaDefaults)
    }

    /// Asserts that `actual` is within `points` grid steps (factor 10^(1/40) each) of `expected`.
    private func assertNearGrid(
        _ actual: Double, _ expected: Double, points: Double = 2,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertLessThanOrEqual(
            abs(log10(actual / expected)), points / 40 + 1e-9,
            "\(actual) vs \(expected)", file: file, line: line)
    }

    private func assertKnownSegments(_ r: PhaseReport, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(
            r.segments.map(\.phase),
            [.plateau, .transition, .nearOptimalSaddle, .approachToAttractor, .converged],
            file: file, line: line)
        guard r.segments.count == 5 else { return }
        assertNearGrid(r.segments[0].endTime, 100, file: file, line: line)
        assertNearGrid(r.segments[2].startTime, 300, points: 3, file: file, line: line)
        assertNearGrid(r.segments[2].endTime, 1e4, file: file, line: line)
        assertNearGrid(r.segments[4].startTime, 1e5, file: file, line: line)
        XCTAssertEqual(r.segments.map(\.index), [2, 1, 1, 0, 0], file: file, line: line)
        XCTAssertEqual(r.escapes.map(\.toIndex), [1, 0], file: file, line: line)
        assertNearGrid(r.escapes[0].time, 150, file: file, line: line)
        assertNearGrid(r.escapes[1].time, 1e4, file: file, line: line)
    }

    func testSyntheticCurveGivesKnownSegments() throws {
        let r = try detect(syntheticCurve())
        assertKnownSegments(r)
        XCTAssertEqual(r.segments[4].endTime, 1e6, accuracy: 1e-6)
        assertNearGrid(try XCTUnwrap(r.convergenceTime), 1e5, points: 1)
        // Segment ends carry the curve values.
        XCTAssertEqual(r.segments[0].trainingErrorAtStart, 1.7)
        XCTAssertEqual(r.segments[3].minimumGradientNorm, 1e4 / pow(r.segments[3].endTime, 2), accuracy: 1e-18)
    }

    func testEarlyStoppingPointIsTheGeneralizationMinimum() throws {
        let r = try detect(syntheticCurve())
        XCTAssertEqual(r.earlyStoppingTime, pow(10, 140.0 / 40), accuracy: 1e-9)
        XCTAssertEqual(r.earlyStoppingGeneralizationError, 1e-3, accuracy: 1e-15)
    }

    func testNoiseAndIndexGlitchesDoNotCreateSegments() throws {
        assertKnownSegments(try detect(syntheticCurve(noise: 2e-3, flicker: true)))
    }

    func testSlopeFitIsExactOnAPowerLaw() {
        let logT = (0...50).map { Double($0) / 10 }
        let s = PhaseDetector.localSlopes(logT: logT, logE: logT.map { -0.7 * $0 + 2 }, halfWidth: 0.25)
        for v in s { XCTAssertEqual(v, -0.7, accuracy: 1e-12) }
    }

    func testDebounceMergesShortRunsIntoPredecessor() {
        XCTAssertEqual(
            PhaseDetector.debounce([1, 1, 1, 2, 1, 1, 1, 3, 3, 3], minimum: 2), [1, 1, 1, 1, 1, 1, 1, 3, 3, 3])
        XCTAssertEqual(PhaseDetector.debounce([5, 1, 1, 1], minimum: 2), [1, 1, 1, 1])
    }

    func testNeverConvergedAndInvalidInput() throws {
        var c = syntheticCurve()
        c.grad[c.grad.count - 1] = 1  // the last point is above tolerance: no convergence
        XCTAssertNil(try detect(c).convergenceTime)
        XCTAssertThrowsError(
            try PhaseDetector.detect(
                time: [1, 2], trainingError: [1], generalizationError: [1, 1],
                gradientNorm: [1, 1], index: [0, 0], settings: .schemaDefaults))
        XCTAssertThrowsError(
            try PhaseDetector.detect(
                time: [1, 1, 2], trainingError: [1, 1, 1], generalizationError: [1, 1, 1],
                gradientNorm: [1, 1, 1], index: [0, 0, 0], settings: .schemaDefaults))
    }
}
