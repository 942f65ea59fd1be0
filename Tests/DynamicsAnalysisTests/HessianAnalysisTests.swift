import DynamicsAnalysis
import LinearAlgebra
import MLPNumerics
import XCTest

final class HessianAnalysisTests: XCTestCase {
    /// A = Q diag(λ) Qᵀ with Q a rotation in the (0,1) plane then the (1,2) plane: known eigenpairs.
    private func rotatedQuadratic(_ lambdas: [Double]) -> (Quadratic, basis: [[Double]]) {
        let (c1, s1, c2, s2) = (cos(0.4), sin(0.4), cos(1.1), sin(1.1))
        // Columns of Q = R12 · R01.
        let r01: [[Double]] = [[c1, s1, 0], [-s1, c1, 0], [0, 0, 1]]
        let basis = r01.map { u in [u[0], c2 * u[1] - s2 * u[2], s2 * u[1] + c2 * u[2]] }
        var a = [Double](repeating: 0, count: 9)
        for i in 0..<3 { for j in 0..<3 { for k in 0..<3 { a[i * 3 + j] += basis[k][i] * lambdas[k] * basis[k][j] } } }
        for i in 0..<3 { for j in 0..<i { a[j * 3 + i] = a[i * 3 + j] } }
        return (Quadratic(a: a, b: [0.3, -1.2, 0.5]), basis)
    }

    func testAlignmentIndexAndThresholdOnQuadratic() throws {
        let lambdas = [-0.5, 1e-12, 4.0]
        let (q, basis) = rotatedQuadratic(lambdas)
        let x = [0.7, 0.1, -0.4]
        let analysis = try HessianAnalysis(q, at: x, alignmentDepth: 3)
        let g = q.gradient(at: x)
        let gNorm = sqrt(g.reduce(0) { $0 + $1 * $1 })
        // Direct χ_k from the known eigenvectors, largest eigenvalue first.
        let c = [2, 1, 0].map { k in abs(zip(basis[k], g).reduce(0) { $0 + $1.0 * $1.1 }) / gNorm }
        let alignment = try XCTUnwrap(analysis.alignment)
        XCTAssertEqual(alignment[0], c[0], accuracy: 1e-13)
        XCTAssertEqual(alignment[1], sqrt(c[0] * c[0] + c[1] * c[1]), accuracy: 1e-13)
        XCTAssertEqual(alignment[2], 1, accuracy: 1e-13)
        XCTAssertEqual(analysis.index, 1)
        XCTAssertEqual(analysis.zeroCount, 1)
        XCTAssertEqual(analysis.gradientNorm, gNorm, accuracy: 1e-14)
        XCTAssertEqual(analysis.stabilityThreshold, 0.5, accuracy: 1e-14)
        XCTAssertTrue(analysis.isStable(stepSize: 0.49))
        XCTAssertFalse(analysis.isStable(stepSize: 0.51))
        // At the critical point A⁺b … g = 0 gives no alignment.
        let zeroGradient = try HessianAnalysis(point: x, gradient: [0, 0, 0], hessian: q.a)
        XCTAssertNil(zeroGradient.alignment)
    }

    func testToleranceScalesWithSpectrum() {
        XCTAssertEqual(EigenvalueTolerance().threshold(for: [-0.1, 0.2]), 1e-8)
        XCTAssertEqual(EigenvalueTolerance().threshold(for: [-300, 0.2]), 3e-6, accuracy: 1e-20)
    }

    /// At the paper's initial point (tiny weights, near the singular region) E_tr has exactly two
    /// negative Hessian eigenvalues, and the second difference of E_tr along each eigenvector
    /// confirms its eigenvalue (an independent check of sign and size).
    func testPlateauStartHasTwoEscapeDirections() throws {
        let data = Fixtures.teacherData(sigma: 0.2)
        let net = Fixtures.paperStart
        let analysis = try HessianAnalysis(network: net, data: data)
        XCTAssertEqual(analysis.index, 2)
        XCTAssertEqual(analysis.zeroCount, 0)
        let theta = net.flat
        let h = 1e-4
        let e0 = TrainingError.value(net, on: data)
        for (lambda, u) in zip(analysis.spectrum.values, analysis.spectrum.vectors) {
            let plus = TrainingError.value(Network(flat: zip(theta, u).map { $0 + h * $1 }), on: data)
            let minus = TrainingError.value(Network(flat: zip(theta, u).map { $0 - h * $1 }), on: data)
            XCTAssertEqual((plus + minus - 2 * e0) / (h * h), lambda, accuracy: 1e-5 * max(1, abs(lambda)))
        }
    }

    /// Still on the plateau after 100 GD steps (η = 0.01): index 2; after the escape (600 steps)
    /// the iterate has left the two-escape-direction region.
    func testIndexAlongTheEarlyTrajectory() throws {
        let data = Fixtures.teacherData(sigma: 0.2)
        let onPlateau = Fixtures.gradientDescent(Fixtures.paperStart, on: data, eta: 0.01, steps: 100)
        XCTAssertEqual(try HessianAnalysis(network: onPlateau, data: data).index, 2)
        let escaped = Fixtures.gradientDescent(onPlateau, on: data, eta: 0.01, steps: 500)
        XCTAssertLessThan(try HessianAnalysis(network: escaped, data: data).index, 2)
        XCTAssertLessThan(TrainingError.value(escaped, on: data), 0.5 * TrainingError.value(onPlateau, on: data))
    }
}
