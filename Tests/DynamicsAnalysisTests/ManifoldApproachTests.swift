import DynamicsAnalysis
import Foundation
import MLPNumerics
import TestSupport
import XCTest

/// A run's end on the optimal manifold M: the located point, the Hessian there and the rate, against an
/// independent NumPy script (Tests/References/manifold_end_reference.py), closed forms and exact power laws.
final class ManifoldApproachTests: XCTestCase {
    /// The clean paper run's θ_T (t = 3·10⁶ on the authors' inputs with targets 2 tanh(x)): Newton stops there.
    private let paperCleanEnd = Network(
        w: [1.020152265204894, -0.9729671018230259], v: [1.1451803777329592, -0.8552204768240701])
    private let teacher = Network(w: [1], v: [2])

    private func cleanAuthorsData() throws -> TrainingSet {
        let x = try TwoColumnText.parse(try String(contentsOf: authorsDataFile, encoding: .utf8)).x
        return TrainingSet(x: x, y: x.map { 2 * tanh($0) })
    }

    func testLocatedPointAgreesWithIndependentNumPyReference() throws {
        guard toolAvailable([projectPython, "-c", "import numpy"]) else {
            throw XCTSkip("\(projectPython) with numpy is not installed (scripts/setup-debian.sh)")
        }
        let script = packageRoot.appendingPathComponent("Tests/References/manifold_end_reference.py").path
        let result = try runTool(
            [projectPython, script, authorsDataFile.path, "1", "2"] + paperCleanEnd.flat.map { "\($0)" })
        XCTAssertEqual(result.status, 0, result.stderr)
        let reference = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        func numbers(_ key: String) throws -> [Double] { try XCTUnwrap(reference[key] as? [Double], key) }

        let approach = try ManifoldApproach(
            final: paperCleanEnd, times: [], trajectory: [], teacher: teacher, data: try cleanAuthorsData(),
            tolerance: EigenvalueTolerance())
        XCTAssertEqual(approach.distance, try XCTUnwrap(reference["distance"] as? Double), accuracy: 1e-12)
        for (a, b) in zip(approach.point.flat, try numbers("point")) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        let values = approach.analysis.spectrum.values
        let expected = try numbers("eigenvalues")
        XCTAssertEqual(values.count, expected.count)
        for (a, b) in zip(values, expected) { XCTAssertEqual(a, b, accuracy: 1e-8 * max(1, abs(b)), "eigenvalue") }
        XCTAssertEqual(approach.analysis.zeroCount, try XCTUnwrap(reference["zero_count"] as? Int))
        XCTAssertEqual(approach.analysis.index, 0)
        XCTAssertLessThan(approach.analysis.gradientNorm, 1e-14, "a point of M is critical")
        XCTAssertEqual(approach.tangentDimension, try XCTUnwrap(reference["tangent_dimension"] as? Int))
        let cosines = try numbers("kernel_tangent_cosines")
        XCTAssertEqual(approach.kernelTangentCosines.count, cosines.count)
        for (a, b) in zip(approach.kernelTangentCosines, cosines) { XCTAssertEqual(a, b, accuracy: 1e-8) }
        // The paper's "index 0 with two zero eigenvalues": one along M, one across it.
        let directions = ManifoldApproach.directions(
            cosines: approach.kernelTangentCosines, zeroCount: approach.analysis.zeroCount)
        XCTAssertEqual(directions.along, 1)
        XCTAssertEqual(directions.across, 1)
    }

    /// dist(θ_t, M) = c·t^(−1/2) exactly along a direction across the piece: the fitted exponent is 1/2, the
    /// projection does not move, and only the last decade is used.
    func testRateOfAnExactPowerLawAcrossThePiece() throws {
        let data = try cleanAuthorsData()
        let onM = Network(w: [1, -1], v: [1.2, -0.8])
        let times = (0...40).map { pow(10, 2 + Double($0) / 10) }
        // Across the piece w_1 = w*, w_2 = −w*: moving w_1 (the piece fixes it), by less than the other pieces' gap.
        let trajectory = times.map { t in Network(w: [1 + 0.05 * pow(t / 100, -0.5), -1], v: [1.2, -0.8]) }
        let approach = try ManifoldApproach(
            final: trajectory.last!, times: times, trajectory: trajectory, teacher: teacher, data: data,
            tolerance: EigenvalueTolerance())
        XCTAssertEqual(try XCTUnwrap(approach.rateExponent), 0.5, accuracy: 1e-12)
        XCTAssertEqual(approach.ratePoints, 11, "t from 10^5 to 10^6 on a grid of 10 points per decade")
        XCTAssertEqual(approach.rateWindow.lowerBound, 1e5, accuracy: 1e-6)
        XCTAssertEqual(approach.projectionDrift, 0, accuracy: 1e-15)
        XCTAssertEqual(approach.distance, 0.05 * pow(1e4, -0.5), accuracy: 1e-15)
        for (a, b) in zip(approach.point.flat, onM.flat) { XCTAssertEqual(a, b, accuracy: 1e-15) }
        // Too short a run: no exponent.
        let short = try ManifoldApproach(
            final: trajectory[1], times: Array(times[0...1]), trajectory: Array(trajectory[0...1]), teacher: teacher,
            data: data, tolerance: EigenvalueTolerance())
        XCTAssertNil(short.rateExponent)
    }

    /// The tangent basis of a width-3 piece is orthonormal and every point along it computes f* exactly.
    func testTangentBasisSpansDirectionsAlongM() throws {
        let blocks: [OptimalRegionBlock] = [
            .teacher(neurons: [0, 2], signs: [1, -1]), .cancelling(neurons: [1], signs: [1]),
        ]
        let basis = ManifoldApproach.tangentBasis(of: blocks, width: 3)
        // Teacher block of two: one v direction; a cancelling single neuron (v_2 = 0): its w.
        XCTAssertEqual(basis.count, 2)
        for (i, u) in basis.enumerated() {
            for (j, v) in basis.enumerated() {
                XCTAssertEqual(zip(u, v).map(*).reduce(0, +), i == j ? 1 : 0, accuracy: 1e-15)
            }
        }
        let onM = Network(w: [1, 0.7, -1], v: [1.5, 0, -0.5])
        let x = (0..<50).map { -3 + Double($0) * 0.12 }
        for u in basis {
            let moved = Network(flat: zip(onM.flat, u).map { $0 + 0.3 * $1 })
            for xk in x { XCTAssertEqual(moved(xk), 2 * tanh(xk), accuracy: 1e-14) }
            XCTAssertEqual(Regions.optimalRegion(moved, teacher: teacher).distance, 0, accuracy: 1e-14)
        }
    }
}
