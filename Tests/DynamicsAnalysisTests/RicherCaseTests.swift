import DynamicsAnalysis
import Foundation
import LinearAlgebra
import MLPNumerics
import TestSupport
import XCTest

/// The richer case's building blocks — the best narrower fits of a two-neuron teacher's data, a unit of a
/// width-2 critical point split into width 3, a zero unit added — against an independent NumPy script
/// (Tests/References/richer_reference.py), finite differences and the width-1 line they generalise.
final class RicherCaseTests: XCTestCase {
    /// f*(x) = 3 tanh(x/2) − 2 tanh(2x): rises for large |x| but falls through 0, which no single tanh does.
    private let teacher = Network(w: [0.5, 2], v: [3, -2])

    private func sampled() -> TrainingSet {
        let set = SampledDataset.sample(n: 100, sigma: 0.2, seed: 1, teacher: teacher)
        return TrainingSet(x: set.x, y: set.noisy)
    }

    private func close(_ a: Double, _ b: Double, _ what: String, relative: Double = 1e-8, floor: Double = 1e-12) {
        XCTAssertLessThanOrEqual(abs(a - b), max(relative * max(abs(a), abs(b)), floor), "\(what): \(a) vs \(b)")
    }

    func testFitsAndEmbeddingsAgreeWithIndependentNumPyReference() throws {
        guard toolAvailable([projectPython, "-c", "import numpy"]) else {
            throw XCTSkip("\(projectPython) with numpy is not installed (scripts/setup-debian.sh)")
        }
        let data = sampled()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("richer-\(UUID().uuidString).dat")
        defer { try? FileManager.default.removeItem(at: file) }
        let text = zip(data.x, data.y).map { "\($0) \($1)" }.joined(separator: "\n")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let script = packageRoot.appendingPathComponent("Tests/References/richer_reference.py").path
        let result = try runTool([projectPython, script, file.path, "0.5,2", "3,-2", "7"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let reference = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])

        // The teacher's choice: its width-1 fit generalises ≥ 10× worse than its width-2 fit.
        let one = Fixtures.widthOneFit(data)
        let two = try XCTUnwrap(
            BestFit.search(data, width: 2, starts: 40, scale: 3, seed: 1, settings: CriticalPointRefinerSettings()))
        let width1 = try XCTUnwrap(reference["width1"] as? [String: Any])
        let width2 = try XCTUnwrap(reference["width2"] as? [String: Any])
        close(one.trainingError, try XCTUnwrap(width1["E_tr"] as? Double), "width-1 E_tr")
        close(two.trainingError, try XCTUnwrap(width2["E_tr"] as? Double), "width-2 E_tr")
        let gen1 = GeneralizationError.value(one.network, teacher: teacher)
        let gen2 = GeneralizationError.value(two.network, teacher: teacher)
        close(gen1, try XCTUnwrap(width1["E_gen"] as? Double), "width-1 E_gen")
        close(gen2, try XCTUnwrap(width2["E_gen"] as? Double), "width-2 E_gen")
        XCTAssertGreaterThanOrEqual(gen1, 10 * gen2, "both teacher neurons are needed")
        let theta = try XCTUnwrap(width2["theta"] as? [Double])
        XCTAssertLessThanOrEqual(
            Symmetry.distance(two.network, Network(flat: theta)), 1e-8, "width-2 fit modulo symmetry")

        // Splitting each unit of the reference's width-2 fit into width 3.
        let phi = Network(flat: theta)
        let gammas = try XCTUnwrap(reference["gammas"] as? [Double])
        let splits = try XCTUnwrap(reference["splits"] as? [[String: Any]])
        for (unit, expected) in splits.enumerated() {
            let line = SplitEmbedding(base: phi, unit: unit, data: data)
            close(line.coefficient, try XCTUnwrap(expected["A"] as? Double), "A_\(unit + 1)")
            let transverse = try XCTUnwrap(expected["transverse"] as? [Double])
            let largest = try XCTUnwrap(expected["lambda_max"] as? [Double])
            for (k, gamma) in gammas.enumerated() {
                close(
                    try line.transverseEigenvalue(at: gamma), transverse[k], "λ_⊥, unit \(unit + 1), γ = \(gamma)")
                close(try line.largestEigenvalue(at: gamma), largest[k], "λ_max of unit \(unit + 1) at γ = \(gamma)")
            }
        }
        let zero = try XCTUnwrap(reference["zero_unit"] as? [String: Any])
        let embedded = ZeroUnitEmbedding(base: phi, data: data)
        close(embedded.coupling, try XCTUnwrap(zero["coupling"] as? Double), "zero unit's coupling b")
        let spectrum = try HessianAnalysis(network: embedded.point, data: data, alignmentDepth: 0).spectrum.values
        for (a, b) in zip(spectrum, try XCTUnwrap(zero["eigenvalues"] as? [Double])) {
            close(a, b, "eigenvalue at the zero-unit embedding", floor: 1e-10)
        }
    }

    /// Split lines are critical and flat along themselves; the sign of the transverse curvature near γ = 0
    /// and 1 is that of γ(1 − γ)·A_i; ±b is in the zero unit's spectrum.
    func testEmbeddingsAreCriticalWithTheirPredictedCurvature() throws {
        let data = sampled()
        let phi = try XCTUnwrap(
            BestFit.search(data, width: 2, starts: 40, scale: 3, seed: 1, settings: CriticalPointRefinerSettings())
        ).network
        for unit in 0..<2 {
            let line = SplitEmbedding(base: phi, unit: unit, data: data)
            for gamma in [-2.0, 0.3, 0.5, 1.7] {
                XCTAssertLessThan(Dense.norm(TrainingError.gradient(line.point(gamma), on: data)), 1e-10)
                XCTAssertEqual(
                    TrainingError.value(line.point(gamma), on: data), TrainingError.value(phi, on: data),
                    accuracy: 1e-14)
            }
            // Just inside (0, 1) and just outside: sign γ(1 − γ)A (φ is a strict minimum, so the rest is > 0).
            XCTAssertEqual(
                (try line.transverseEigenvalue(at: 0.5)).sign, (0.25 * line.coefficient).sign, "unit \(unit + 1)")
            XCTAssertEqual(
                (try line.transverseEigenvalue(at: -0.5)).sign, (-0.75 * line.coefficient).sign, "unit \(unit + 1)")
            let segments = line.stableSegments(
                signChanges: line.transverseSignChanges(
                    grid: (0...300).map { -1 + Double($0) / 100 }, zeroBand: 1e-10),
                stability: line.stabilityInterval(eta: 0.01), zeroBand: 1e-10)
            XCTAssertEqual(
                EmbeddedLine.contains(segments, 0.5), line.coefficient > 0, "the interior is stable iff A > 0")
        }
        let zero = ZeroUnitEmbedding(base: phi, data: data)
        XCTAssertLessThan(Dense.norm(TrainingError.gradient(zero.point, on: data)), 1e-10)
        let values = try HessianAnalysis(network: zero.point, data: data, alignmentDepth: 0).spectrum.values
        XCTAssertTrue(values.contains { abs($0 + abs(zero.coupling)) <= 1e-12 }, "−|b| is an eigenvalue")
        XCTAssertTrue(values.contains { abs($0 - abs(zero.coupling)) <= 1e-12 }, "+|b| is an eigenvalue")
    }

    /// For k = 1 the split line is the embedded one-neuron line L, eigenvalue for eigenvalue.
    func testSplittingTheWidthOneFitIsTheEmbeddedLine() throws {
        let data = sampled()
        let fit = Fixtures.widthOneFit(data)
        let line = EmbeddedLine(fit: fit, data: data)
        let split = SplitEmbedding(base: fit.network, unit: 0, data: data)
        XCTAssertEqual(split.coefficient, line.coefficient)
        for gamma in [-1.5, 0.2, 0.5, 3.0] {
            XCTAssertEqual(split.point(gamma), line.point(gamma))
            close(try split.transverseEigenvalue(at: gamma), try line.transverseEigenvalue(at: gamma), "λ_⊥")
            close(try split.largestEigenvalue(at: gamma), try line.largestEigenvalue(at: gamma), "λ_max")
        }
    }
}
