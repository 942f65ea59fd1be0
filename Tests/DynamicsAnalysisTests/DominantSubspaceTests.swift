import DynamicsAnalysis
import Foundation
import LinearAlgebra
import MLPNumerics
import TestSupport
import XCTest

/// The projector onto the top-k Hessian eigenvectors against matrices of known spectrum and
/// against NumPy's `eigh`.
final class DominantSubspaceTests: XCTestCase {
    /// A = Q diag(λ) Qᵀ with Q a product of plane rotations, so its eigenvectors are Q's columns.
    static func knownSpectrum(_ lambda: [Double]) -> (a: [Double], q: [[Double]]) {
        let d = lambda.count
        var q = (0..<d).map { i in (0..<d).map { $0 == i ? 1.0 : 0.0 } }  // rows of Q
        for (i, j, angle) in [(0, 1, 0.3), (1, 2, -0.7), (0, 3, 1.1), (2, 3, 0.45)] where j < d {
            let (c, s) = (cos(angle), sin(angle))
            for r in 0..<d {
                let (a, b) = (q[r][i], q[r][j])
                q[r][i] = c * a - s * b
                q[r][j] = s * a + c * b
            }
        }
        var a = [Double](repeating: 0, count: d * d)
        for r in 0..<d { for c in 0..<d { for k in 0..<d { a[r * d + c] += q[r][k] * lambda[k] * q[c][k] } } }
        let columns = (0..<d).map { k in (0..<d).map { q[$0][k] } }
        return (a, columns)
    }

    func testProjectionOntoTheTopEigenvectorsOfAKnownSpectrum() throws {
        let lambda = [-0.5, 0.2, 3.0, 7.0]
        let (a, columns) = Self.knownSpectrum(lambda)
        let g = [0.3, -1.2, 0.8, 2.5]
        for k in 1...3 {
            let subspace = try DominantSubspace(matrix: a, dimension: 4, k: k)
            // Top k eigenvalues: 7, 3, 0.2 → columns 3, 2, 1.
            let top = (0..<k).map { columns[3 - $0] }
            var expected = [Double](repeating: 0, count: 4)
            for u in top {
                let c = zip(u, g).reduce(0) { $0 + $1.0 * $1.1 }
                for j in 0..<4 { expected[j] += c * u[j] }
            }
            let projected = subspace.project(g), rest = subspace.complement(g)
            for j in 0..<4 {
                XCTAssertEqual(projected[j], expected[j], accuracy: 1e-13)
                XCTAssertEqual(rest[j], g[j] - expected[j], accuracy: 1e-13)
            }
            let chi = Dense.norm(expected) / Dense.norm(g)
            XCTAssertEqual(subspace.alignment(g), chi, accuracy: 1e-13)
            XCTAssertEqual(subspace.largestEigenvalue, 7, accuracy: 1e-12)
        }
        XCTAssertEqual(try DominantSubspace(matrix: a, dimension: 4, k: 1).alignment(columns[3]), 1, accuracy: 1e-13)
        XCTAssertEqual(try DominantSubspace(matrix: a, dimension: 4, k: 1).alignment(columns[0]), 0, accuracy: 1e-13)
        XCTAssertTrue(try DominantSubspace(matrix: a, dimension: 4, k: 1).alignment([0, 0, 0, 0]).isNaN)
    }

    /// χ_1 and P_1 g of the Hessian of E_tr at a width-2 point, against NumPy's eigh.
    func testAlignmentOfTheTrainingErrorAgainstNumPy() throws {
        guard try runTool([projectPython, "-c", "import numpy"]).status == 0 else {
            throw XCTSkip("numpy is not installed")
        }
        let data = Fixtures.teacherData(n: 30, sigma: 0.2)
        let net = Network(w: [0.7, -1.4], v: [1.1, 0.4])
        let h = TrainingError.hessian(net, on: data), g = TrainingError.gradient(net, on: data)
        let subspace = try DominantSubspace(matrix: h, dimension: 4, k: 1)
        let script = """
            import numpy as np, sys
            h = np.array([float(v) for v in sys.argv[1].split(',')]).reshape(4, 4)
            g = np.array([float(v) for v in sys.argv[2].split(',')])
            w, u = np.linalg.eigh(h)
            top = u[:, -1]
            p = top * (top @ g)
            print(','.join(repr(float(v)) for v in list(p) + [np.linalg.norm(p) / np.linalg.norm(g), w[-1]]))
            """
        let text = { (v: [Double]) in v.map { String($0) }.joined(separator: ",") }
        let result = try runTool([projectPython, "-c", script, text(h), text(g)])
        XCTAssertEqual(result.status, 0, result.stderr)
        let reference = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").map {
            Double($0)!
        }
        let projected = subspace.project(g)
        for j in 0..<4 { XCTAssertEqual(projected[j], reference[j], accuracy: 1e-12 * Dense.norm(g)) }
        XCTAssertEqual(subspace.alignment(g), reference[4], accuracy: 1e-12)
        XCTAssertEqual(subspace.largestEigenvalue, reference[5], accuracy: 1e-12 * abs(reference[5]))
    }
}
