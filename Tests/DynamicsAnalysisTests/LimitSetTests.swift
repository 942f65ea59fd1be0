import DynamicsAnalysis
import Foundation
import MLPNumerics
import TestSupport
import XCTest

/// Locating limits on their sets, certifying them early, grouping them into functions, and the
/// Wilson interval, each against independent references (closed forms, known values, brute force).
final class LimitSetTests: XCTestCase {
    private func authorsData() throws -> TrainingSet {
        let parsed = try TwoColumnText.parse(try String(contentsOf: authorsDataFile, encoding: .utf8))
        return TrainingSet(x: parsed.x, y: parsed.y)
    }

    /// The known sets of a run with the schema's defaults.
    private func known(_ data: TrainingSet, eta: Double = 0.01) throws -> KnownSets {
        let line = EmbeddedLine(fit: Fixtures.widthOneFit(data), data: data)
        let analysis = try EmbeddedLineAnalysis(
            line: line, eta: eta, gridPoints: 201, gridMargin: 0.1, tolerance: EigenvalueTolerance())
        return KnownSets(
            data: data, eta: eta, line: line, lineSegments: analysis.stableSegments, teacher: .paperTeacher, width: 2,
            refiner: CriticalPointRefinerSettings(), setTolerance: schemaDefault("eigen.set_tolerance") as! Double)
    }

    private static let certification = CertificationSettings(
        gradient: schemaDefault("multistart.certify_gradient") as! Double,
        energyGap: schemaDefault("multistart.certify_energy_gap") as! Double,
        lineMargin: schemaDefault("multistart.certify_line_margin") as! Double,
        pathSamples: schemaDefault("multistart.certify_path_samples") as! Int)

    /// The paper's attractor on the authors' data (SCIENCE.md, docs/phases.md), to 4 digits.
    private let attractor = Network(w: [0.5475, 2.1531], v: [1.6101, 0.672])

    private func perturbed(_ net: Network, by size: Double, seed: UInt64) -> Network {
        var random = PortableRandom(seed: seed)
        let direction = (0..<net.flat.count).map { _ in random.nextNormal() }
        let norm = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return Network(flat: zip(net.flat, direction).map { $0 + size * $1 / norm })
    }

    // MARK: Refinement located on sets

    /// Near a stable point of L, refinement stops on L (no failure, no slide along it): the
    /// projection is exactly critical, γ is close to the start's, and it is in a stable segment.
    /// Near the interior saddle (A < 0) Newton reaches L too, with index 1 and γ unstable.
    func testRefinementStopsOnTheEmbeddedLine() throws {
        let data = try authorsData()
        let known = try known(data)
        let line = try XCTUnwrap(known.line)
        for (gamma, seed) in [(1.6, UInt64(1)), (3.0, 2), (-0.7, 3)] {
            let start = perturbed(line.point(gamma), by: 1e-3, seed: seed)
            let limit = LimitSetRefiner.refine(start, known: known)
            XCTAssertEqual(limit.kind, .embeddedLine, "γ = \(gamma): \(limit.method)")
            XCTAssertTrue(limit.converged)
            XCTAssertLessThan(limit.gradientNorm, 1e-12)
            XCTAssertEqual(limit.gamma!, max(gamma, 1 - gamma), accuracy: 2e-3)
            XCTAssertEqual(limit.gammaStable, true)
            XCTAssertEqual(limit.index, 0)
            XCTAssertEqual(limit.zeroCount, 1)
            XCTAssertEqual(line.project(limit.point).distance, 0, accuracy: 1e-15)
        }
        let saddle = LimitSetRefiner.refine(perturbed(line.point(0.45), by: 1e-4, seed: 4), known: known)
        XCTAssertEqual(saddle.kind, .embeddedLine)
        XCTAssertEqual(saddle.index, 1)
        XCTAssertEqual(saddle.gammaStable, false)
        XCTAssertLessThan(saddle.gamma!, 1)
        XCTAssertEqual(saddle.interiorOutcome, .stays)
    }

    func testRefinementFindsTheIsolatedAttractor() throws {
        let data = try authorsData()
        let limit = LimitSetRefiner.refine(perturbed(attractor, by: 0.05, seed: 5), known: try known(data))
        XCTAssertEqual(limit.kind, .isolatedMinimum)
        XCTAssertEqual(limit.index, 0)
        XCTAssertEqual(limit.zeroCount, 0)
        XCTAssertEqual(limit.trainingError, 0.040311, accuracy: 5e-7)
        XCTAssertEqual(limit.interiorOutcome, .leaves)
    }

    /// On noiseless data every point near M — generic pieces and the degenerate points where the
    /// pieces meet — is located on M, exactly critical, with E_tr ≈ 0; on noisy data M is not a set of minima.
    func testNoiselessLimitsLieOnM() throws {
        let noisy = try authorsData()
        let clean = TrainingSet(x: noisy.x, y: noisy.x.map { Network.paperTeacher($0) })
        let known = try known(clean)
        XCTAssertNotNil(known.optimalTeacher)
        XCTAssertNil(try self.known(noisy).optimalTeacher)
        let points = [
            Network(w: [1, 1], v: [0.7, 1.3]), Network(w: [1, 1.8], v: [2, 0]), Network(w: [1, 0], v: [2, 0.9]),
            Network(w: [1, 1], v: [2, 0]), Network(w: [-1, 0], v: [-2, 0]), Network(w: [1, -1], v: [3, -1]),
        ]
        for (k, point) in points.enumerated() {
            let limit = LimitSetRefiner.refine(perturbed(point, by: 1e-3, seed: UInt64(10 + k)), known: known)
            XCTAssertEqual(limit.kind, .optimalManifold, "\(point.flat): \(limit.method)")
            XCTAssertTrue(limit.converged)
            XCTAssertLessThan(limit.trainingError, 1e-24)
            XCTAssertLessThan(Regions.optimalRegion(limit.point, teacher: .paperTeacher).distance, 1e-12)
        }
    }

    // MARK: Certificates

    func testCertificatesAcceptBasinsAndRefuseTheRest() throws {
        let data = try authorsData()
        let known = try known(data)
        let line = try XCTUnwrap(known.line)
        let settings = Self.certification
        func gradientNorm(_ net: Network) -> Double {
            TrainingError.gradient(net, on: data).reduce(0) { $0 + $1 * $1 }.squareRoot()
        }
        func certify(_ net: Network, _ settings: CertificationSettings = LimitSetTests.certification) -> LimitPoint? {
            LimitSetCertifier.certify(net, gradientNorm: gradientNorm(net), known: known, settings: settings).point
        }
        // Close to the attractor: certain.
        let near = perturbed(attractor, by: 0.002, seed: 20)
        XCTAssertEqual(certify(near)?.kind, .isolatedMinimum)
        // Too far above it: no certificate, and the landing level is reported for skipping.
        let far = perturbed(attractor, by: 0.6, seed: 21)
        let gap = TrainingError.value(far, on: data) - 0.040311
        if gap > settings.energyGap, gradientNorm(far) <= settings.gradient {
            let result = LimitSetCertifier.certify(
                far, gradientNorm: gradientNorm(far), known: known, settings: settings)
            XCTAssertNil(result.point)
        }
        // Above the line's level: the attractor below it is not certain, however large the gap allowed.
        var generous = settings
        generous.energyGap = 1
        generous.gradient = 10
        let aboveLine = perturbed(attractor, by: 1.5, seed: 22)
        if TrainingError.value(aboveLine, on: data) >= line.trainingError,
            let limit = LimitSetRefiner.refine(aboveLine, known: known) as LimitPoint?, limit.kind == .isolatedMinimum
        {
            XCTAssertNil(certify(aboveLine, generous))
        }
        // Across L (d = (1 − γ, −γ, 0, 0), where the gradient stays small), deep inside a stable
        // segment: certain, with γ; next to the segment's end γ = 1, where the transverse eigenvalue
        // vanishes, the margin 0.01·√2·c* is below 2 × the distance: not yet.
        func across(_ gamma: Double, _ size: Double) -> Network {
            let d = [1 - gamma, -gamma, 0, 0]
            let norm = d.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return Network(flat: zip(line.point(gamma).flat, d).map { $0 + size * $1 / norm })
        }
        let certified = try XCTUnwrap(certify(across(2.5, 0.02)))
        XCTAssertEqual(certified.kind, .embeddedLine)
        XCTAssertEqual(certified.gamma!, 2.5, accuracy: 0.02)
        XCTAssertNotNil(LimitSetRefiner.descend(across(1.01, 0.02), known: known).gamma, "lands on L")
        XCTAssertNil(certify(across(1.01, 0.02)))
        // Near the interior saddle: never.
        XCTAssertNil(certify(perturbed(line.point(0.5), by: 0.01, seed: 25)))
        // A large gradient: not tried.
        XCTAssertNil(certify(Network(w: [0.3, -0.2], v: [1, 1])))
    }

    /// The early stop of MultiStartDescent: stops at the first check the certifier accepts.
    func testDescentStopsAtTheFirstCertificate() {
        let data = Fixtures.teacherData(n: 30, sigma: 0.2)
        let kernel = GradientDescentKernel(data: data, width: 2, learningRate: 0.05)
        var calls = 0
        let result = MultiStartDescent.descend(
            kernel, from: Network(w: [0.8, -1.1], v: [1.3, 0.6]), maxSteps: 1000,
            gradientTolerance: 1e-30, checkInterval: 100
        ) { _, _ -> Int? in
            calls += 1
            return calls == 4 ? 42 : nil
        }
        XCTAssertEqual(result.certificate, 42)
        XCTAssertEqual(result.outcome.steps, 300)
        XCTAssertFalse(result.outcome.converged)
        let plain = MultiStartDescent.descend(
            kernel, from: Network(w: [0.8, -1.1], v: [1.3, 0.6]), maxSteps: 300,
            gradientTolerance: 1e-30, checkInterval: 100)
        XCTAssertEqual(plain.final, result.outcome.final)
    }

    // MARK: Limit functions

    func testFunctionDistanceAndGrouping() throws {
        let data = try authorsData()
        let line = EmbeddedLine(fit: Fixtures.widthOneFit(data), data: data)
        // One orbit, one line: one function each; attractor and line: different functions.
        for element in Symmetry.elements(width: 2) {
            XCTAssertLessThan(LimitFunctions.distance(element.apply(attractor), attractor), 1e-28)
        }
        XCTAssertLessThan(LimitFunctions.distance(line.point(1.3), line.point(7.5)), 1e-28)
        let apart = LimitFunctions.distance(attractor, line.point(1.3))
        XCTAssertGreaterThan(apart, 1e-4)
        // Independent: E_x[(f − g)²] by a plain Riemann sum on [−12, 12] against the normal density.
        var riemann = 0.0
        let h = 1e-3
        for k in -12000...12000 {
            let x = Double(k) * h
            let d = attractor(x) - line.point(1.3)(x)
            riemann += d * d * exp(-0.5 * x * x) / (2 * Double.pi).squareRoot() * h
        }
        XCTAssertEqual(apart, riemann, accuracy: 1e-12)
        let points = [attractor, line.point(1.3), Symmetry.elements(width: 2)[5].apply(attractor), line.point(4)]
        let groups = LimitFunctions.group(points, tolerance: 1e-10)
        XCTAssertEqual(groups.assignment, [0, 1, 0, 1])
        XCTAssertEqual(groups.leaders, [0, 1])
    }

    /// Wilson score intervals (95 %) against published values (Newcombe 1998, Table I:
    /// 81/263 → 0.2553–0.3662; 15/148 → 0.0624–0.1605; 0/20 → 0–0.1611; 1/29 → 0.0061–0.1718).
    func testWilsonIntervalMatchesPublishedValues() {
        let cases: [(Int, Int, Double, Double)] = [
            (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605),
            (0, 20, 0, 0.1611), (1, 29, 0.0061, 0.1718),
        ]
        for (x, n, low, high) in cases {
            let interval = LimitFunctions.wilsonInterval(successes: x, trials: n)
            XCTAssertEqual(interval.lowerBound, low, accuracy: 5e-5, "\(x)/\(n)")
            XCTAssertEqual(interval.upperBound, high, accuracy: 5e-5, "\(x)/\(n)")
        }
        let all = LimitFunctions.wilsonInterval(successes: 64, trials: 64)
        XCTAssertEqual(all.upperBound, 1)
        XCTAssertEqual(all.lowerBound, 64 / (64 + 1.959963984540054 * 1.959963984540054), accuracy: 1e-15)
    }
}
