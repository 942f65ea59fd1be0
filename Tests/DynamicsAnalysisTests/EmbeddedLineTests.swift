import DynamicsAnalysis
import Foundation
import MLPNumerics
import TestSupport
import XCTest

/// Root finding, the width-1 fit, the coefficient A and the embedded line's critical structure,
/// each against an independent reference: closed forms, finite differences of E_tr, and a NumPy
/// script written from SCIENCE.md alone (Tests/References/embedded_line_reference.py).
final class EmbeddedLineTests: XCTestCase {
    /// The authors' noisy dataset shipped in data/.
    private func authorsData() throws -> TrainingSet {
        let parsed = try TwoColumnText.parse(try String(contentsOf: authorsDataFile, encoding: .utf8))
        return TrainingSet(x: parsed.x, y: parsed.y)
    }

    // MARK: Root finding

    func testBrentFindsKnownRoots() throws {
        // cos x = x: the Dottie number.
        let dottie = try XCTUnwrap(RootFinding.brent({ cos($0) - $0 }, 0, 1))
        XCTAssertEqual(dottie, 0.7390851332151607, accuracy: 2e-16)
        // A cubic with a root of multiplicity one at 2 and a flat stretch elsewhere.
        let cubic = try XCTUnwrap(RootFinding.brent({ ($0 - 2) * ($0 * $0 + 1) }, -10, 7))
        XCTAssertEqual(cubic, 2, accuracy: 1e-15)
        // Endpoints that are roots, and brackets without a sign change.
        XCTAssertEqual(RootFinding.brent({ $0 - 3 }, 3, 5), 3)
        XCTAssertNil(RootFinding.brent({ $0 * $0 + 1 }, -1, 1))
        XCTAssertNil(RootFinding.brent({ _ in .nan }, -1, 1))
    }

    func testSignChangesSkipTheZeroBand() {
        // sin on [0.5, 9.5]: roots π, 2π, 3π.
        let grid = (0...90).map { 0.5 + Double($0) * 0.1 }
        let roots = RootFinding.roots(of: sin, grid: grid, zeroBand: 0)
        XCTAssertEqual(roots.count, 3)
        for (root, k) in zip(roots, 1...3) { XCTAssertEqual(root, Double(k) * .pi, accuracy: 1e-14) }
        // Values inside the band neither start nor end a bracket: noise around zero is no root,
        // and a crossing through the band is one bracket.
        XCTAssertTrue(
            RootFinding.signChangeBrackets(xs: [0, 1, 2, 3], values: [1e-17, -1e-17, 2e-17, -3e-18], zeroBand: 1e-12)
                .isEmpty)
        let brackets = RootFinding.signChangeBrackets(
            xs: [0, 1, 2, 3, 4], values: [1, 1e-14, -1e-15, -2, -1], zeroBand: 1e-12)
        XCTAssertEqual(brackets.count, 1)
        XCTAssertEqual(brackets[0].lower, 0)
        XCTAssertEqual(brackets[0].upper, 3)
    }

    // MARK: The width-1 fit and A

    func testWidthOneFitOfTeacherDataIsTheTeacher() {
        let data = Fixtures.teacherData(n: 60, sigma: 0)
        let fit = Fixtures.widthOneFit(data)
        XCTAssertTrue(fit.converged, fit.reason)
        XCTAssertEqual(fit.w, 1, accuracy: 1e-12)
        XCTAssertEqual(fit.c, 2, accuracy: 1e-12)
        XCTAssertLessThan(fit.trainingError, 1e-24)
        XCTAssertEqual(fit.coefficient(on: data), 0, accuracy: 1e-12)
    }

    /// The fit is the global minimizer: no point of a dense independent scan of E_1(w, c(w)) and
    /// no perturbation lies below it; its gradient vanishes.
    func testWidthOneFitIsTheGlobalMinimum() {
        let data = Fixtures.teacherData(n: 80, sigma: 0.3, seed: 7)
        let fit = Fixtures.widthOneFit(data)
        XCTAssertTrue(fit.converged)
        XCTAssertGreaterThanOrEqual(fit.w, 0)
        let e1 = TrainingError.value(fit.network, on: data)
        XCTAssertEqual(e1, fit.trainingError, accuracy: 1e-16)
        for j in 0..<4000 {
            let w = 0.005 + Double(j) * 0.005
            let t = data.x.map { tanh(w * $0) }
            let c = zip(t, data.y).reduce(0) { $0 + $1.0 * $1.1 } / t.reduce(0) { $0 + $1 * $1 }
            XCTAssertGreaterThanOrEqual(TrainingError.value(Network(w: [w], v: [c]), on: data), e1 - 1e-15, "w = \(w)")
        }
        XCTAssertLessThan(TrainingError.gradient(fit.network, on: data).map(abs).max()!, 1e-12)
    }

    /// On the sampled dataset of seed 15 (n = 100, σ = 0.2) the damped Newton search on E_1 used to
    /// stall at ‖∇‖ ≈ 6e-11, where E_1 can no longer measure progress; the fit converges now, so
    /// L is critical to the refiner's tolerance.
    func testWidthOneFitConvergesBelowTheRoundingOfE1() {
        let sample = SampledDataset.sample(n: 100, sigma: 0.2, seed: 15, teacher: .paperTeacher)
        let data = TrainingSet(x: sample.x, y: sample.noisy)
        let fit = Fixtures.widthOneFit(data)
        XCTAssertTrue(fit.converged, "\(fit.reason), ‖∇‖ = \(fit.gradientNorm)")
        XCTAssertLessThan(fit.iterations, 30)
        let line = EmbeddedLine(fit: fit, data: data)
        XCTAssertLessThan(TrainingError.gradient(line.point(0.58), on: data).map(abs).max()!, 1e-12)
    }

    /// A_i against finite differences: along the transverse direction d = (1 − γ, −γ, 0, 0) at
    /// L(γ), the second derivative of E_tr is exactly γ(1 − γ)·A (the Gauss–Newton part vanishes
    /// along d). Also for a width-3 split of neuron 1: the same identity with A_1.
    func testSplittingCoefficientMatchesSecondDifferences() {
        let data = Fixtures.teacherData(n: 100, sigma: 0.2)
        let fit = Fixtures.widthOneFit(data)
        let a = fit.coefficient(on: data)
        let line = EmbeddedLine(fit: fit, data: data)
        XCTAssertEqual(line.coefficient, a)
        for gamma in [-1.3, -0.2, 0.3, 0.5, 0.9, 1.6] {
            let base = line.point(gamma).flat
            let d = [1 - gamma, -gamma, 0, 0]
            let h = 1e-4
            func e(_ s: Double) -> Double {
                TrainingError.value(Network(flat: zip(base, d).map { $0 + s * $1 }), on: data)
            }
            let second = (e(h) - 2 * e(0) + e(-h)) / (h * h)
            XCTAssertEqual(second, gamma * (1 - gamma) * a, accuracy: 1e-7 * max(1, abs(a)), "γ = \(gamma)")
        }
        // Width 2 critical point (any), split neuron 0 of it into width 3.
        let critical = CriticalPointRefiner.refine(Network(w: [2.1, 0.55], v: [0.7, 1.6]), on: data)
        XCTAssertTrue(critical.converged)
        let net = Network(flat: critical.point)
        let coefficients = WidthOneFit.splittingCoefficients(net, on: data)
        let gamma = 0.3
        let split = Network(
            w: [net.w[0], net.w[0], net.w[1]], v: [gamma * net.v[0], (1 - gamma) * net.v[0], net.v[1]])
        let d = [1 - gamma, -gamma, 0, 0, 0, 0]
        let h = 1e-4
        func e(_ s: Double) -> Double {
            TrainingError.value(Network(flat: zip(split.flat, d).map { $0 + s * $1 }), on: data)
        }
        XCTAssertEqual((e(h) - 2 * e(0) + e(-h)) / (h * h), gamma * (1 - gamma) * coefficients[0], accuracy: 1e-7)
    }

    // MARK: The line's structure

    /// Every point of L is critical with the value E_1 and a zero eigenvalue along the tangent;
    /// the transverse eigenvalue has the sign of γ(1 − γ)A; its sign changes are at γ = 0 and 1.
    func testLineIsCriticalAndChangesSignAtZeroAndOne() throws {
        let data = Fixtures.teacherData(n: 100, sigma: 0.2)
        let line = EmbeddedLine(fit: Fixtures.widthOneFit(data), data: data)
        let a = line.coefficient
        XCTAssertGreaterThan(abs(a), 1e-4)
        for gamma in stride(from: -3.0, through: 4.0, by: 0.35) {
            let point = line.point(gamma)
            XCTAssertLessThan(TrainingError.gradient(point, on: data).map(abs).max()!, 1e-12)
            XCTAssertEqual(TrainingError.value(point, on: data), line.trainingError, accuracy: 1e-15)
            let tangent = [0, 0, 1, -1].map { $0 / 2.0.squareRoot() }
            let h = line.hessian(at: gamma)
            let ht = (0..<4).map { i in (0..<4).reduce(0.0) { $0 + h[i * 4 + $1] * tangent[$1] } }
            XCTAssertLessThan(ht.map(abs).max()!, 1e-12)
            let transverse = try line.transverseEigenvalue(at: gamma)
            if abs(gamma * (1 - gamma)) > 0.05 {
                XCTAssertEqual(transverse > 0, gamma * (1 - gamma) * a > 0, "γ = \(gamma)")
            }
        }
        let grid = (0...700).map { -3.0 + Double($0) * 0.01 + 0.003 }
        let roots = line.transverseSignChanges(grid: grid, zeroBand: 1e-8)
        XCTAssertEqual(roots.count, 2)
        XCTAssertEqual(roots[0], 0, accuracy: 1e-12)
        XCTAssertEqual(roots[1], 1, accuracy: 1e-12)
    }

    /// The GD-stable interval ends where λ_max = 2/η, symmetric about 1/2; the stable segments are
    /// the interval's parts with transverse eigenvalue ≥ 0.
    func testStabilityIntervalAndSegments() throws {
        let data = Fixtures.teacherData(n: 100, sigma: 0.2)
        let line = EmbeddedLine(fit: Fixtures.widthOneFit(data), data: data)
        let eta = 0.01
        let interval = try XCTUnwrap(line.stabilityInterval(eta: eta))
        XCTAssertEqual(interval.lowerBound + interval.upperBound, 1, accuracy: 1e-10)
        XCTAssertEqual(try line.largestEigenvalue(at: interval.upperBound), 2 / eta, accuracy: 1e-9 * 2 / eta)
        XCTAssertEqual(try line.largestEigenvalue(at: interval.lowerBound), 2 / eta, accuracy: 1e-9 * 2 / eta)
        XCTAssertLessThan(try line.largestEigenvalue(at: interval.upperBound - 0.01), 2 / eta)
        let analysis = try EmbeddedLineAnalysis(
            line: line, eta: eta, gridPoints: 401, gridMargin: 0.1, tolerance: EigenvalueTolerance())
        let segments = analysis.stableSegments
        if line.coefficient < 0 {
            XCTAssertEqual(segments.count, 2)
            XCTAssertEqual(segments[0].lowerBound, interval.lowerBound)
            XCTAssertEqual(segments[0].upperBound, 0, accuracy: 1e-12)
            XCTAssertEqual(segments[1].lowerBound, 1, accuracy: 1e-12)
            XCTAssertEqual(segments[1].upperBound, interval.upperBound)
            XCTAssertEqual(analysis.predictedOutcome, .leaves)
        } else {
            XCTAssertEqual(segments.count, 1)
            XCTAssertEqual(segments[0].lowerBound, 0, accuracy: 1e-12)
            XCTAssertEqual(segments[0].upperBound, 1, accuracy: 1e-12)
            XCTAssertEqual(analysis.predictedOutcome, .stays)
        }
        XCTAssertNil(line.stabilityInterval(eta: 10), "λ_max(1/2) > 2/η: no GD-stable point")
    }

    /// On noiseless data L lies in M: flat across, no sign change, the prediction does not apply.
    func testNoiselessLineIsFlat() throws {
        let data = Fixtures.teacherData(n: 100, sigma: 0)
        let line = EmbeddedLine(fit: Fixtures.widthOneFit(data), data: data)
        let analysis = try EmbeddedLineAnalysis(
            line: line, eta: 0.01, gridPoints: 301, gridMargin: 0.1, tolerance: EigenvalueTolerance())
        XCTAssertTrue(analysis.signChanges.isEmpty)
        XCTAssertEqual(analysis.predictedOutcome, .notApplicable)
        XCTAssertEqual(analysis.stableSegments.count, 1)
    }

    /// The images of L(γ) under the 8 symmetries project back onto L with distance 0 and folded γ.
    func testProjectionModuloSymmetry() {
        let data = Fixtures.teacherData(n: 50, sigma: 0.2)
        let line = EmbeddedLine(fit: Fixtures.widthOneFit(data), data: data)
        for gamma in [-2.0, 0.2, 0.5, 1.7] {
            for element in Symmetry.elements(width: 2) {
                let image = element.apply(line.point(gamma))
                let projection = line.project(image)
                XCTAssertEqual(projection.distance, 0, accuracy: 1e-14)
                XCTAssertEqual(projection.gamma, max(gamma, 1 - gamma), accuracy: 1e-14)
                XCTAssertEqual(Symmetry.distance(projection.nearest, line.point(gamma)), 0, accuracy: 1e-14)
            }
        }
        // A point off L: its distance is the distance to the nearest image (checked by brute force on γ).
        let off = Network(w: [1.1, -0.8], v: [0.4, 2.2])
        var best = Double.infinity
        for element in Symmetry.elements(width: 2) {
            for j in 0...20000 {
                let gamma = -5 + Double(j) * 0.0005
                best = min(
                    best,
                    zip(element.apply(off).flat, line.point(gamma).flat).reduce(0) {
                        $0 + ($1.0 - $1.1) * ($1.0 - $1.1)
                    }.squareRoot())
            }
        }
        XCTAssertEqual(line.project(off).distance, best, accuracy: 1e-6)
    }

    /// The authors' data against the NumPy reference: w*, c*, E_1, A, the transverse eigenvalue and
    /// λ_max at sample γ, the sign changes and the GD-stable interval, to 1e-8 relative.
    func testAuthorsDataAgainstIndependentNumPyReference() throws {
        guard toolAvailable([projectPython, "-c", "import numpy"]) else {
            throw XCTSkip("\(projectPython) with numpy is not installed (scripts/setup-debian.sh)")
        }
        let script = packageRoot.appendingPathComponent("Tests/References/embedded_line_reference.py").path
        let result = try runTool([projectPython, script, authorsDataFile.path, "0.01"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let reference = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        func number(_ key: String) throws -> Double { try XCTUnwrap(reference[key] as? Double, key) }
        func numbers(_ key: String) throws -> [Double] { try XCTUnwrap(reference[key] as? [Double], key) }
        func close(_ a: Double, _ b: Double, _ what: String, scale: Double? = nil) {
            XCTAssertLessThanOrEqual(
                abs(a - b), 1e-8 * (scale ?? max(abs(a), abs(b))), "\(what): \(a) vs reference \(b)")
        }
        let data = try authorsData()
        let fit = Fixtures.widthOneFit(data)
        let line = EmbeddedLine(fit: fit, data: data)
        close(fit.w, try number("w_star"), "w*")
        close(fit.c, try number("c_star"), "c*")
        close(fit.trainingError, try number("E_1"), "E_1")
        close(line.coefficient, try number("A"), "A")
        let gammas = try numbers("gamma")
        for (k, gamma) in gammas.enumerated() {
            close(
                try line.transverseEigenvalue(at: gamma), try numbers("transverse")[k],
                "transverse eigenvalue at γ = \(gamma)")
            close(try line.largestEigenvalue(at: gamma), try numbers("lambda_max")[k], "λ_max at γ = \(gamma)")
        }
        let analysis = try EmbeddedLineAnalysis(
            line: line, eta: 0.01, gridPoints: 801, gridMargin: 0.1, tolerance: EigenvalueTolerance())
        let roots = try numbers("sign_changes")
        XCTAssertEqual(analysis.signChanges.count, roots.count)
        for (a, b) in zip(analysis.signChanges, roots) { close(a, b, "sign change", scale: 1) }
        let interval = try XCTUnwrap(analysis.stability)
        let expected = try numbers("stable_interval")
        close(interval.lowerBound, expected[0], "GD-stable interval, lower end")
        close(interval.upperBound, expected[1], "GD-stable interval, upper end")
        // The measured facts of SCIENCE.md: A < 0, so the interior is a saddle and the exterior stable.
        XCTAssertLessThan(line.coefficient, 0)
        XCTAssertEqual(analysis.predictedOutcome, .leaves)
    }
}
