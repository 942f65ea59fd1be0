import DynamicsAnalysis
import Foundation
import LinearAlgebra
import XCTest

/// Projected descent on a quadratic with known spectrum, where every variant has a closed form:
/// along eigenvector u_i the coefficient is multiplied by (1 − ηλ_i) per step when the step acts
/// on that direction and left alone when it does not.
final class ProjectedDescentTests: XCTestCase {
    let lambda = [0.1, 0.5, 2.0, 4.0]
    let coefficients = [1.0, -0.6, 0.8, 0.3]

    func closedForm(_ projection: StepProjection, eta: Double, t: Int, k: Int) -> [Double] {
        (0..<4).map { i in
            let dominant = i >= 4 - k
            let acts = projection == .plain || (projection == .dominant) == dominant
            return coefficients[i] * (acts ? pow(1 - eta * lambda[i], Double(t)) : 1)
        }
    }

    func testEveryVariantFollowsItsClosedForm() throws {
        let (a, u) = DominantSubspaceTests.knownSpectrum(lambda)
        let quadratic = Quadratic(a: a, b: [0, 0, 0, 0])
        let start = (0..<4).map { j in (0..<4).reduce(0) { $0 + coefficients[$1] * u[$1][j] } }
        let times = [0, 1, 2, 5, 10, 37, 100]
        for (eta, k) in [(0.3, 1), (0.3, 2), (0.6, 1)] {
            for projection in StepProjection.allCases {
                let descent = ProjectedDescent(
                    objective: quadratic, projection: projection, learningRate: eta, dominantDimension: k,
                    refreshEvery: 3)
                let record = try descent.run(from: start, steps: 100, recordTimes: times, reference: 0)
                XCTAssertEqual(record.t, times)
                XCTAssertNil(record.divergedAt)
                for (n, t) in times.enumerated() {
                    let c = closedForm(projection, eta: eta, t: t, k: k)
                    let excess = (0..<4).reduce(0) { $0 + 0.5 * lambda[$1] * c[$1] * c[$1] }
                    XCTAssertEqual(
                        record.excess[n], excess, accuracy: 1e-12 * max(1, excess),
                        "\(projection) η = \(eta) k = \(k) t = \(t)")
                    let g = (0..<4).map { lambda[$0] * c[$0] }
                    let chi = (0..<k).reduce(0) { $0 + g[3 - $1] * g[3 - $1] }.squareRoot() / Dense.norm(g)
                    XCTAssertEqual(record.fullAlignment[n], chi, accuracy: 1e-10, "\(projection) η = \(eta) t = \(t)")
                    XCTAssertEqual(record.largestEigenvalue[n], 4, accuracy: 1e-12)
                    XCTAssertTrue(record.stochasticAlignment[n].isNaN)
                }
            }
        }
    }

    /// Above 2/λ_max the plain and dominant steps grow along u_top by |1 − ηλ_max| per step and
    /// diverge; the bulk-only steps never touch that direction and converge.
    func testAboveTheStabilityThresholdOnlyTheBulkConverges() throws {
        let (a, _) = DominantSubspaceTests.knownSpectrum(lambda)
        let quadratic = Quadratic(a: a, b: [0, 0, 0, 0])
        let start = [0.2, -0.1, 0.3, 0.05]
        var finals: [StepProjection: ProjectedDescentRecord] = [:]
        for projection in StepProjection.allCases {
            finals[projection] = try ProjectedDescent(
                objective: quadratic, projection: projection, learningRate: 0.9, dominantDimension: 1,
                refreshEvery: 1
            ).run(from: start, steps: 5000, recordTimes: [0, 5000], reference: 0)
        }
        XCTAssertNotNil(finals[.plain]!.divergedAt)
        XCTAssertNotNil(finals[.dominant]!.divergedAt)
        XCTAssertNil(finals[.bulk]!.divergedAt)
        XCTAssertGreaterThan(finals[.bulk]!.excess.last!, 0)
        // Bulk-only leaves the top component as it was: the excess tends to ½ λ_max c_top².
    }

    /// A stochastic gradient replaces the full one in the step, and its own χ_k is recorded.
    func testStochasticGradientDrivesTheStep() throws {
        let (a, u) = DominantSubspaceTests.knownSpectrum(lambda)
        let quadratic = Quadratic(a: a, b: [0, 0, 0, 0])
        let start = [0.2, -0.1, 0.3, 0.05]
        let offset = u[3].map { 0.5 * $0 }  // along the top eigenvector
        for projection in StepProjection.allCases {
            let record = try ProjectedDescent(
                objective: quadratic, projection: projection, learningRate: 0.1, dominantDimension: 1, refreshEvery: 1
            )
            .run(from: start, steps: 1, recordTimes: [0, 1], reference: 0) { x in
                zip(quadratic.gradient(at: x), offset).map { $0 + $1 }
            }
            let noisy = zip(quadratic.gradient(at: start), offset).map { $0 + $1 }
            let subspace = DominantSubspace(try SymmetricEigen.decompose(a, dimension: 4), k: 1)
            let step =
                projection == .plain
                ? noisy : projection == .dominant ? subspace.project(noisy) : subspace.complement(noisy)
            for j in 0..<4 { XCTAssertEqual(record.final[j], start[j] - 0.1 * step[j], accuracy: 1e-14) }
            XCTAssertEqual(record.stochasticAlignment[0], subspace.alignment(noisy), accuracy: 1e-13)
            XCTAssertTrue(record.stochasticAlignment[1].isNaN)
        }
    }
}
