import DynamicsAnalysis
import Foundation
import MLPNumerics
import TestSupport
import XCTest

/// Faces at infinity (`Face`, `FaceObjective`) against finite differences and closed forms, and
/// located limits at infinity against the dynamics itself: GD continued far beyond the stop.
final class LimitsAtInfinityTests: XCTestCase {
    private let faces: [Face] = [
        Face(roles: [.tanh, .linear]), Face(roles: [.step, .tanh]), Face(roles: [.linear, .step]),
        Face(roles: [.dipole(partner: 1), .partner]), Face(roles: [.tanh, .dipole(partner: 2), .partner]),
    ]

    private func parameters(_ face: Face, seed: UInt64) -> [Double] {
        var random = PortableRandom(seed: seed)
        return (0..<face.dimension).map { _ in random.nextUniform(in: 0.3, 1.7) }
    }

    /// g(x; ρ) written out per role, independently of `Face.evaluate`.
    private func closedForm(_ face: Face, _ rho: [Double], _ x: Double) -> Double {
        var k = 0, f = 0.0
        for role in face.roles {
            switch role {
            case .tanh: f += rho[k + 1] * tanh(rho[k] * x); k += 2
            case .linear: f += rho[k] * x; k += 1
            case .step: f += rho[k] * (x > 0 ? 1 : -1); k += 1
            case .dipole:
                f += rho[k + 1] * tanh(rho[k] * x) + rho[k + 2] * x / (cosh(rho[k] * x) * cosh(rho[k] * x)); k += 3
            case .partner: break
            }
        }
        return f
    }

    func testFaceObjectiveMatchesFiniteDifferencesAndClosedForms() {
        let data = Fixtures.teacherData(n: 30, sigma: 0.5)
        for (index, face) in faces.enumerated() {
            let objective = FaceObjective(data: data, face: face)
            let rho = parameters(face, seed: UInt64(index + 1))
            let direct =
                zip(data.x, data.y).reduce(0) { $0 + pow(closedForm(face, rho, $1.0) - $1.1, 2) } / Double(data.count)
            XCTAssertEqual(objective.value(at: rho), direct, accuracy: 1e-14 * direct, "\(face)")
            let h = 1e-6
            let gradient = objective.gradient(at: rho), hessian = objective.hessian(at: rho)
            let d = face.dimension
            for a in 0..<d {
                var plus = rho, minus = rho
                plus[a] += h
                minus[a] -= h
                let numeric = (objective.value(at: plus) - objective.value(at: minus)) / (2 * h)
                XCTAssertEqual(gradient[a], numeric, accuracy: 1e-7 * max(1, abs(numeric)), "\(face) gradient \(a)")
                let (gp, gm) = (objective.gradient(at: plus), objective.gradient(at: minus))
                for b in 0..<d {
                    let second = (gp[b] - gm[b]) / (2 * h)
                    XCTAssertEqual(
                        hessian[a * d + b], second, accuracy: 1e-6 * max(1, abs(second)), "\(face) Hessian \(a),\(b)")
                }
            }
        }
    }

    /// The finite network written for a face point computes the face's function (what E_tr, E_gen
    /// and the grouping into functions see), and `parameters(near:)` inverts it.
    func testFaceNetworkComputesTheFaceFunction() {
        // Never 0: a step is exact for |x| > 2·10⁻⁵.
        let xs = stride(from: -3.95, through: 4.0, by: 0.1).map { $0 }
        for (index, face) in faces.enumerated() {
            let rho = parameters(face, seed: UInt64(index + 11))
            let net = face.network(rho)
            for x in xs {
                let expected = closedForm(face, rho, x)
                XCTAssertEqual(net(x), expected, accuracy: 1e-9 * max(1, abs(expected)), "\(face) at x = \(x)")
            }
            let back = face.parameters(near: net)
            for (a, b) in zip(back, rho) { XCTAssertEqual(a, b, accuracy: 1e-4 * max(1, abs(b)), "\(face)") }
        }
    }

    /// The boundary excess is the first-order change of E_tr from the face to a nearby network on
    /// the path to it: compared with the exact difference of E_tr.
    func testBoundaryExcessIsTheFirstOrderChange() {
        let data = Fixtures.teacherData(n: 40, sigma: 0.5, seed: 7)
        let (w, v, p, s) = (1.1, 1.9, 0.4, -0.3)
        func check(_ face: Face, _ rho: [Double], near net: Network, tolerance: Double) {
            let objective = FaceObjective(data: data, face: face)
            let exact = TrainingError.value(net, on: data) - objective.value(at: rho)
            let predicted = face.boundaryExcess(rho, residual: objective.residual(at: rho), data: data, near: net)
            XCTAssertEqual(predicted, exact, accuracy: tolerance * abs(exact), "\(face)")
        }
        // Linear: unit 2 at small w on the curve v w = p; the error is O(w²) relative.
        check(
            Face(roles: [.tanh, .linear]), [w, v, p], near: Network(w: [w, 0.02], v: [v, p / 0.02]), tolerance: 0.01)
        // Dipole: separation δ around w̄ with v = c/2 ± q/δ; O(δ²) relative.
        let (mean, c, q, delta) = (0.9, 1.5, 0.6, 0.02)
        check(
            Face(roles: [.dipole(partner: 1), .partner]), [mean, c, q],
            near: Network(w: [mean + delta / 2, mean - delta / 2], v: [c / 2 + q / delta, c / 2 - q / delta]),
            tolerance: 0.01)
        // Step at |w| = 40 (first order: the quadratic term is (1/n) Σ (tanh − sgn)² s², far smaller).
        let steep = Network(w: [w, 40], v: [v, s])
        let objective = FaceObjective(data: data, face: Face(roles: [.tanh, .step]))
        let exact = TrainingError.value(steep, on: data) - objective.value(at: [w, v, s])
        let residual = objective.residual(at: [w, v, s])
        let firstOrder =
            2 * s / Double(data.count)
            * zip(data.x, residual).reduce(0) { $0 + $1.1 * (tanh(40 * $1.0) - ($1.0 > 0 ? 1 : -1)) }
        XCTAssertEqual(firstOrder, exact, accuracy: 0.05 * abs(exact))
        let excess = Face(roles: [.tanh, .step]).boundaryExcess([w, v, s], residual: residual, data: data, near: steep)
        XCTAssertTrue(
            excess == firstOrder || excess == -.infinity,
            "the excess is the first-order change at |w|, or −∞ when it turns negative further out")
    }

    /// A start located at infinity keeps heading there: GD continued for twice the steps it took
    /// lowers E_tr towards, never below, the face's minimum, and brings the function closer to the
    /// face's. The dataset is the CI sweep's n = 25, σ = 0.8, seed 3, where most random starts end
    /// at infinity (all of the first six, at 36–58·10³ steps, each on a face with one linear unit;
    /// one start here keeps the debug-build test short; docs/sweeps.md has the measurements on
    /// every face kind).
    func testLocatedStartsKeepHeadingToTheirFace() throws {
        let sample = SampledDataset.sample(n: 25, sigma: 0.8, seed: 3, teacher: .paperTeacher)
        let data = TrainingSet(x: sample.x, y: sample.noisy)
        let line = EmbeddedLine(fit: Fixtures.widthOneFit(data), data: data)
        let segments = try EmbeddedLineAnalysis(
            line: line, eta: 0.01, gridPoints: 201, gridMargin: 0.1, tolerance: EigenvalueTolerance()
        ).stableSegments
        let known = KnownSets(
            data: data, eta: 0.01, line: line, lineSegments: segments, teacher: .paperTeacher, width: 2,
            refiner: CriticalPointRefinerSettings(), setTolerance: 1e-4)
        let certification = CertificationSettings(gradient: 0.01, energyGap: 1e-3, lineMargin: 2, pathSamples: 8)
        var random = PortableRandom(seed: 0)
        let starts = [Network(flat: (0..<4).map { _ in random.nextUniform(in: -2.5, 2.5) })]
        let kernel = GradientDescentKernel(data: data, width: 2, learningRate: 0.01)
        var located = 0
        for start in starts {
            let (outcome, limit) = MultiStartDescent.descend(
                kernel, from: start, maxSteps: 400_000, gradientTolerance: 1e-6, checkInterval: 2000
            ) {
                LimitSetCertifier.certify($0, gradientNorm: $1.gradientNorm, known: known, settings: certification)
                    .point
            }
            guard let limit, limit.kind == LimitSetKind.atInfinity, let face = limit.atInfinity?.face else { continue }
            located += 1
            var theta = outcome.final
            _ = kernel.run(&theta, steps: 2 * outcome.steps)
            let (before, after) = (outcome.trainingError, TrainingError.value(theta, on: data))
            XCTAssertLessThan(after, before, "\(face): E_tr keeps falling")
            XCTAssertGreaterThanOrEqual(after, limit.trainingError - 1e-12, "\(face): never below the face's minimum")
            XCTAssertLessThan(
                LimitFunctions.distance(theta, limit.point), LimitFunctions.distance(outcome.final, limit.point),
                "\(face): the function approaches the face's")
        }
        XCTAssertEqual(located, 1, "the start is located at infinity")
    }

    /// A start stalled on the plateau of a nearly flat L (A ≈ −6·10⁻⁴: the full study's n = 25,
    /// σ = 0.05, seed 1) is located at the end of its budget by following the Levenberg–Marquardt
    /// descent: θ below is where GD from the study's second start stood after its 8·10⁶ steps
    /// (‖∇E_tr‖ = 1.2·10⁻⁶, E_tr 8.6·10⁻⁷ below E_1, both units at w ≈ 1.1, so θ itself suggests no
    /// face). The descent ends near the face `linear + tanh`; an independent C loop continued GD from
    /// θ and reached it: E_tr fell 3.4·10⁻⁵ to the face's level between 3 and 5·10⁷ more steps, with
    /// w_1 → 0 (docs/sweeps.md). Here GD is continued for 2·10⁵ steps: E_tr falls, stays above the
    /// face's minimum, and the unit that turns linear shrinks.
    func testStalledPlateauStartIsLocatedByItsDescent() throws {
        let sample = SampledDataset.sample(n: 25, sigma: 0.05, seed: 1, teacher: .paperTeacher)
        let data = TrainingSet(x: sample.x, y: sample.noisy)
        let line = EmbeddedLine(fit: Fixtures.widthOneFit(data), data: data)
        XCTAssertEqual(line.coefficient, -5.997e-4, accuracy: 1e-6, "the study's dataset")
        let segments = try EmbeddedLineAnalysis(
            line: line, eta: 0.01, gridPoints: 201, gridMargin: 0.1, tolerance: EigenvalueTolerance()
        ).stableSegments
        let known = KnownSets(
            data: data, eta: 0.01, line: line, lineSegments: segments, teacher: .paperTeacher, width: 2,
            refiner: CriticalPointRefinerSettings(), setTolerance: 1e-4)
        let certification = CertificationSettings(gradient: 0.01, energyGap: 1e-3, lineMargin: 2, pathSamples: 8)
        let stalled = Network(flat: [1.0174307630897905, 1.1803123635062889, 1.1600627543534303, 0.7832520475733707])
        let gradientNorm = TrainingError.gradient(stalled, on: data).reduce(0) { $0 + $1 * $1 }.squareRoot()
        XCTAssertEqual(TrainingError.value(stalled, on: data) - line.trainingError, -8.6e-7, accuracy: 0.1e-7)

        XCTAssertNil(
            LimitSetCertifier.certify(stalled, gradientNorm: gradientNorm, known: known, settings: certification).point,
            "during the run: no finite minimum set, and θ suggests no face")
        let limit = try XCTUnwrap(
            LimitSetCertifier.certify(
                stalled, gradientNorm: gradientNorm, known: known, settings: certification,
                followDescent: true
            ).point)
        XCTAssertEqual(limit.kind, .atInfinity)
        XCTAssertEqual(limit.atInfinity?.face, Face(roles: [.linear, .tanh]))
        XCTAssertEqual(limit.trainingError - line.trainingError, -3.367e-5, accuracy: 0.001e-5)

        let kernel = GradientDescentKernel(data: data, width: 2, learningRate: 0.01)
        var theta = stalled
        _ = kernel.run(&theta, steps: 200_000)
        let after = TrainingError.value(theta, on: data)
        XCTAssertLessThan(after, TrainingError.value(stalled, on: data), "E_tr keeps falling")
        XCTAssertGreaterThan(after, limit.trainingError, "never below the face's minimum")
        XCTAssertLessThan(abs(theta.w[0]), abs(stalled.w[0]), "the unit turning linear shrinks")
    }
}
