import DynamicsAnalysis
import Foundation
import LinearAlgebra
import MLPNumerics
import XCTest

/// The saddle-to-saddle study's numerics: the origin's spectrum, the escape time against the
/// linearised prediction, and the types of the critical points passed.
final class SaddleToSaddleTests: XCTestCase {
    let data = Fixtures.teacherData(n: 40, sigma: 0.2)

    func settings(maxSteps: Int) -> SaddleToSaddleRun.Settings {
        SaddleToSaddleRun.Settings(
            learningRate: 0.01, maxSteps: maxSteps, pointsPerDecade: 10, gradientTolerance: 1e-7,
            widthTolerance: 0.05, eigenvalueTolerance: EigenvalueTolerance())
    }

    /// At θ = 0 the Hessian is block-diagonal with [[0, −2s], [−2s, 0]] per neuron: eigenvalues ±2s.
    func testTheOriginHasIndexMAndEigenvaluesPlusMinusTwoS() throws {
        var s = 0.0
        for k in 0..<data.count { s += data.x[k] * data.y[k] }
        s /= Double(data.count)
        XCTAssertEqual(SaddleToSaddleRun.originRate(data), s, accuracy: 1e-15)
        for m in 1...4 {
            let origin = Network(w: [Double](repeating: 0, count: m), v: [Double](repeating: 0, count: m))
            let values = try SymmetricEigen.decompose(TrainingError.hessian(origin, on: data), dimension: 2 * m).values
            for (i, value) in values.enumerated() { XCTAssertEqual(value, i < m ? -2 * s : 2 * s, accuracy: 1e-13) }
            let type = EmbeddedCriticalPoint(origin, index: m, data: data, tolerance: 0.05)
            XCTAssertEqual(type.kind, .origin)
            XCTAssertEqual(type.embeddedWidth, 0)
        }
    }

    /// Starts along one direction at scales α differ, once escaped, only by when they escape: the
    /// unstable part grows by 1 + 2ηs per step, so each decade of α costs ln 10 / ln(1 + 2ηs) steps.
    func testEscapeTimeGrowsByTheLinearisedRatePerDecade() throws {
        let s = SaddleToSaddleRun.originRate(data)
        let fit = Fixtures.widthOneFit(data)
        let threshold = SaddleToSaddleRun.escapeThreshold(data, widthOneError: fit.trainingError)
        let predicted = log(10) / log(1 + 2 * 0.01 * s)
        for direction in [Network(w: [0.8], v: [-0.3]), Network(w: [0.8, -1.1], v: [0.5, 0.2])] {
            let times = try [1e-8, 1e-4].map { alpha in
                let start = Network(flat: direction.flat.map { alpha * $0 })
                return try XCTUnwrap(
                    SaddleToSaddleRun(
                        start: start, data: data, teacher: Network(w: [1], v: [2]), escapeThreshold: threshold,
                        settings: settings(maxSteps: 3000)
                    ).escapeTime)
            }
            let slope = Double(times[0] - times[1]) / 4
            XCTAssertEqual(
                slope, predicted, accuracy: 0.01 * predicted, "width \(direction.width): escapes at \(times)")
        }
    }

    /// Width 1 from a small start ends at the best width-1 fit; the run's effective width climbs
    /// from 0 to 1, and the refined end point is a width-1 minimum.
    func testWidthOneEndsAtTheWidthOneFit() throws {
        let fit = Fixtures.widthOneFit(data)
        let threshold = SaddleToSaddleRun.escapeThreshold(data, widthOneError: fit.trainingError)
        let run = try SaddleToSaddleRun(
            start: Network(w: [1e-3], v: [2e-3]), data: data, teacher: Network(w: [1], v: [2]),
            escapeThreshold: threshold, settings: settings(maxSteps: 1_000_000))
        XCTAssertTrue(run.reachedMinimum)
        XCTAssertEqual(run.effectiveWidth.first, 0)
        XCTAssertEqual(run.effectiveWidth.last, 1)
        let refined = CriticalPointRefiner.refine(
            run.network(at: run.t.count - 1), on: data, settings: CriticalPointRefinerSettings())
        XCTAssertEqual(abs(refined.point[0]), fit.w, accuracy: 1e-8)
        XCTAssertEqual(refined.point[1] * (refined.point[0] < 0 ? -1 : 1), fit.c, accuracy: 1e-8)
        let type = EmbeddedCriticalPoint(
            Network(flat: refined.point), index: refined.analysis!.index, data: data, tolerance: 0.05)
        XCTAssertEqual(type.kind, .minimum)
        XCTAssertEqual(type.embeddedWidth, 1)
    }

    /// A point of the embedded line L is a width-1 network embedded by duplicating the neuron, and
    /// its splitting coefficient is the line's A; adding a zero unit gives an embedded point too.
    func testEmbeddedPointsAreNamedWithTheirUnitsAndA() {
        let fit = Fixtures.widthOneFit(data)
        let line = EmbeddedLine(fit: fit, data: data)
        let onLine = EmbeddedCriticalPoint(line.point(0.3), index: 1, data: data, tolerance: 0.05)
        XCTAssertEqual(onLine.kind, .embedded)
        XCTAssertEqual(onLine.embeddedWidth, 1)
        XCTAssertEqual(onLine.duplicatedUnits, [[0, 1]])
        XCTAssertEqual(onLine.zeroUnits, [])
        XCTAssertEqual(
            onLine.splittingCoefficients[0], line.coefficient, accuracy: 1e-12 * max(1, abs(line.coefficient)))
        let withZero = EmbeddedCriticalPoint(
            Network(w: [fit.w, 0.7], v: [fit.c, 0]), index: 1, data: data, tolerance: 0.05)
        XCTAssertEqual(withZero.kind, .embedded)
        XCTAssertEqual(withZero.zeroUnits, [1])
        XCTAssertEqual(withZero.duplicatedUnits, [])
        XCTAssertTrue(withZero.summary.contains("zero unit 2"), withZero.summary)
    }
}
