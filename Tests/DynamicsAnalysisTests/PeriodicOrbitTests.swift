import DynamicsAnalysis
import Foundation
import LinearAlgebra
import MLPNumerics
import TestSupport
import XCTest

/// Periodic orbits of GD (`PeriodicOrbits`) on the full study's n = 25, σ = 0.8 datasets, where GD with η = 0.01
/// never converged: checked against the GD kernel itself (independent code), central differences of G², and GD
/// continued from where the study's budget ended.
final class PeriodicOrbitTests: XCTestCase {
    private func known(seed: UInt64, eta: Double = 0.01) throws -> KnownSets {
        let sample = SampledDataset.sample(n: 25, sigma: 0.8, seed: seed, teacher: .paperTeacher)
        let data = TrainingSet(x: sample.x, y: sample.noisy)
        let line = EmbeddedLine(fit: Fixtures.widthOneFit(data), data: data)
        let segments = try EmbeddedLineAnalysis(
            line: line, eta: eta, gridPoints: 201, gridMargin: 0.1, tolerance: EigenvalueTolerance()
        ).stableSegments
        return KnownSets(
            data: data, eta: eta, line: line, lineSegments: segments, teacher: .paperTeacher, width: 2,
            refiner: CriticalPointRefinerSettings(), setTolerance: 1e-4)
    }

    private func distance(_ a: Network, _ b: Network) -> Double { Dense.distance(a.flat, b.flat) }

    /// Dataset 9, start 3: after the budget of 4·10⁶ steps E_tr alternates 0.533890 / 0.534015 with ‖∇E_tr‖ =
    /// 1.61.
    private let settled = Network(flat: [
        -0.6208409307509911, 0.2404560499951254, -9.496075854094002, -14.213592502357024,
    ])

    func testSettledStartIsLocatedOnAnAttractingTwoCycle() throws {
        let known = try known(seed: 9)
        let limit = try XCTUnwrap(PeriodicOrbits.locate(settled, known: known))
        let orbit = try XCTUnwrap(limit.orbit)
        XCTAssertEqual(limit.kind, .periodicOrbit)
        XCTAssertEqual(orbit.period, 2)
        XCTAssertEqual(orbit.trainingErrors[0], 0.5338902, accuracy: 1e-7)
        XCTAssertEqual(orbit.trainingErrors[1], 0.5340145, accuracy: 1e-7)
        XCTAssertEqual(limit.trainingError, orbit.trainingErrors[0], "the point recorded is the orbit's lowest")
        XCTAssertEqual(limit.gradientNorm, 1.61, accuracy: 0.01, "not a critical point")
        // Past GD's stability limit: η·λ_max = 2.03 > 2 at the orbit's lower point (a minimum there would repel GD).
        XCTAssertEqual(known.eta * limit.eigenvalues.last!, 2.029, accuracy: 0.001)
        XCTAssertLessThan(orbit.multiplierRadius, 1)
        XCTAssertGreaterThan(orbit.multiplierRadius, 0.9999, "attracting, slowly: why 4·10⁶ steps did not settle it")

        // The GD kernel (independent SIMD code) maps the orbit onto itself: one step to the other point, two steps
        // back.
        let kernel = GradientDescentKernel(data: known.data, width: 2, learningRate: known.eta)
        var theta = orbit.points[0]
        _ = kernel.run(&theta, steps: 1)
        XCTAssertLessThan(distance(theta, orbit.points[1]), 1e-12)
        _ = kernel.run(&theta, steps: 1)
        XCTAssertLessThan(distance(theta, orbit.points[0]), 1e-12)
        XCTAssertGreaterThan(distance(orbit.points[0], orbit.points[1]), 1e-2)
    }

    func testJacobianOfTheSecondIterateMatchesCentralDifferences() throws {
        let known = try known(seed: 9)
        let x = settled.flat
        let analytic = PeriodicOrbits.cycle(x, period: 2, data: known.data, eta: known.eta).jacobian
        let h = 1e-6
        for j in 0..<4 {
            var plus = x, minus = x
            plus[j] += h
            minus[j] -= h
            let (a, b) = (
                PeriodicOrbits.iterates(plus, count: 2, data: known.data, eta: known.eta)[2],
                PeriodicOrbits.iterates(minus, count: 2, data: known.data, eta: known.eta)[2]
            )
            for i in 0..<4 {
                XCTAssertEqual(analytic[i * 4 + j], (a[i] - b[i]) / (2 * h), accuracy: 1e-7, "∂(G²)_\(i)/∂θ_\(j)")
            }
        }
    }

    /// GD continued from where the budget ended approaches the orbit at the rate its multiplier predicts.
    func testGradientDescentApproachesTheOrbitAtTheMultipliersRate() throws {
        let known = try known(seed: 9)
        let orbit = try XCTUnwrap(PeriodicOrbits.locate(settled, known: known)?.orbit)
        let kernel = GradientDescentKernel(data: known.data, width: 2, learningRate: known.eta)
        func toOrbit(_ theta: Network) -> Double { orbit.points.map { distance($0, theta) }.min()! }
        var theta = settled
        let before = toOrbit(theta)
        let cycles = 50_000
        _ = kernel.run(&theta, steps: 2 * cycles)
        let measured = toOrbit(theta) / before
        XCTAssertEqual(measured, pow(orbit.multiplierRadius, Double(cycles)), accuracy: 0.02, "before \(before)")
        XCTAssertLessThan(measured, 0.6)
    }

    /// Dataset 17, start 2: ‖G²(θ) − θ‖ is 10⁻⁵ of a step, but θ drifts along a near-continuum of
    /// 2-cycles (multiplier
    /// 1 − 2·10⁻⁷); Newton lands on a cycle 0.8 away that GD does not approach — not located.
    func testDriftingStartIsNotLocated() throws {
        let drifting = Network(flat: [0.06971534501159984, 0.06935791873076717, 7.801075916821366, 6.623929991734073])
        XCTAssertNil(PeriodicOrbits.locate(drifting, known: try known(seed: 17)))
    }

    /// With half the step size the same point is no orbit: GD descends (period 1 is a critical point, not an orbit).
    func testNoOrbitWhereGradientDescentIsStable() throws {
        let halfStep = try known(seed: 9, eta: 0.005)
        XCTAssertNil(PeriodicOrbits.locate(settled, known: halfStep))
        let kernel = GradientDescentKernel(data: halfStep.data, width: 2, learningRate: 0.005)
        var theta = settled
        _ = kernel.run(&theta, steps: 100_000)
        let norm = Dense.norm(TrainingError.gradient(theta, on: halfStep.data))
        XCTAssertNil(
            PeriodicOrbits.locate(theta, known: halfStep),
            "GD with η = 0.005 converges instead: ‖∇E_tr‖ = "
                + "\(norm)")
        XCTAssertLessThan(norm, 1e-3)
    }

    /// The end-of-run certificate falls back to the orbit; during the run (‖∇E_tr‖ above the certificate's gate)
    /// nothing.
    func testEndOfRunCertificateLocatesTheOrbit() throws {
        let known = try known(seed: 9)
        let settings = CertificationSettings(gradient: 0.01, energyGap: 1e-3, lineMargin: 2, pathSamples: 8)
        let norm = Dense.norm(TrainingError.gradient(settled, on: known.data))
        XCTAssertNil(LimitSetCertifier.certify(settled, gradientNorm: norm, known: known, settings: settings).point)
        let limit = try XCTUnwrap(
            LimitSetCertifier.certifyEndOfRun(settled, gradientNorm: norm, known: known, settings: settings))
        XCTAssertEqual(limit.kind, .periodicOrbit)
        XCTAssertEqual(limit.interiorOutcome, .leaves)
    }
}
