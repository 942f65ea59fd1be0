import LinearAlgebra
import XCTest

final class SymmetricEigenTests: XCTestCase {
    /// Max-norm of the residual `A u − λ u` over all pairs, and of `UᵀU − I`.
    private func residuals(_ a: [Double], _ n: Int, _ e: SymmetricEigendecomposition) -> (eig: Double, orth: Double) {
        var eig = 0.0, orth = 0.0
        for i in 0..<n {
            let au = Dense.multiply(a, rows: n, e.vectors[i])
            let r = zip(au, e.vectors[i]).map { $0 - e.values[i] * $1 }
            eig = max(eig, Dense.norm(r))
            for j in 0..<n {
                orth = max(orth, abs(Dense.dot(e.vectors[i], e.vectors[j]) - (i == j ? 1 : 0)))
            }
        }
        return (eig, orth)
    }

    private func frobenius(_ a: [Double]) -> Double { Dense.norm(a) }

    func testDiagonalMatrixGivesSortedDiagonal() throws {
        let d = [3.0, -1.0, 0.0, 7.5, -4.25]
        let n = d.count
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { a[i * n + i] = d[i] }
        let e = try SymmetricEigen.decompose(a, dimension: n)
        XCTAssertEqual(e.values, d.sorted())
        for (k, value) in e.values.enumerated() {
            let i = d.firstIndex(of: value)!
            XCTAssertEqual(abs(e.vectors[k][i]), 1, accuracy: 1e-15)
        }
    }

    func testTwoByTwoClosedForm() throws {
        let (p, q, r) = (1.3, -0.7, 2.9)
        let e = try SymmetricEigen.decompose([p, q, q, r], dimension: 2)
        let mean = (p + r) / 2
        let radius = (((p - r) / 2) * ((p - r) / 2) + q * q).squareRoot()
        XCTAssertEqual(e.values[0], mean - radius, accuracy: 1e-14)
        XCTAssertEqual(e.values[1], mean + radius, accuracy: 1e-14)
        // Eigenvector of λ: proportional to (q, λ − p).
        for k in 0..<2 {
            let u = e.vectors[k]
            let ref = [q, e.values[k] - p]
            let cosine = abs(Dense.dot(u, ref)) / Dense.norm(ref)
            XCTAssertEqual(cosine, 1, accuracy: 1e-14)
        }
    }

    func testTridiagonalToeplitzSpectrum() throws {
        for n in [1, 2, 7, 40] {
            var a = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                a[i * n + i] = 2
                if i + 1 < n { a[i * n + i + 1] = -1; a[(i + 1) * n + i] = -1 }
            }
            let e = try SymmetricEigen.decompose(a, dimension: n)
            let exact = (1...n).map { 2 - 2 * cos(Double($0) * .pi / Double(n + 1)) }.sorted()
            for k in 0..<n { XCTAssertEqual(e.values[k], exact[k], accuracy: 1e-13) }
            let res = residuals(a, n, e)
            XCTAssertLessThanOrEqual(res.eig, 1e-12 * frobenius(a))
            XCTAssertLessThanOrEqual(res.orth, 1e-13)
        }
    }

    /// A random orthogonal matrix as the product of Householder reflections `I − 2 h hᵀ/‖h‖²`
    /// (row-major), built from deterministic pseudo-random vectors.
    private func randomOrthogonal(_ n: Int, seed: UInt64) -> [Double] {
        var state = seed
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1.0p-53 * 2 - 1
        }
        var q = [Double](repeating: 0, count: n * n)
        for i in 0..<n { q[i * n + i] = 1 }
        for _ in 0..<n {
            let h = (0..<n).map { _ in uniform() }
            let hh = Dense.dot(h, h)
            // Q ← Q (I − 2 h hᵀ / hh)
            for i in 0..<n {
                var qh = 0.0
                for j in 0..<n { qh += q[i * n + j] * h[j] }
                for j in 0..<n { q[i * n + j] -= 2 * qh * h[j] / hh }
            }
        }
        return q
    }

    func testRandomOrthogonalSimilarityRecoversSpectrum() throws {
        let n = 8
        let d = [-3.5, -1.0, -1e-3, 0.0, 0.25, 1.0, 2.0, 10.0]
        let q = randomOrthogonal(n, seed: 42)
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                var s = 0.0
                for k in 0..<n { s += q[i * n + k] * d[k] * q[j * n + k] }
                a[i * n + j] = s
            }
        }
        // Symmetrize exactly; rounding in the product breaks exact symmetry by ~1e-16.
        for i in 0..<n { for j in 0..<i { a[j * n + i] = a[i * n + j] } }
        let e = try SymmetricEigen.decompose(a, dimension: n)
        for k in 0..<n { XCTAssertEqual(e.values[k], d[k], accuracy: 1e-12) }
        let res = residuals(a, n, e)
        XCTAssertLessThanOrEqual(res.eig, 1e-12 * frobenius(a))
        XCTAssertLessThanOrEqual(res.orth, 1e-13)
        // Each eigenvector is ± the matching column of Q (the spectrum is simple).
        for k in 0..<n {
            let column = (0..<n).map { q[$0 * n + k] }
            XCTAssertEqual(abs(Dense.dot(column, e.vectors[k])), 1, accuracy: 1e-12)
        }
    }

    func testNonSymmetricInputIsRejected() {
        XCTAssertThrowsError(try SymmetricEigen.decompose([1, 2, 2.001, 1], dimension: 2)) { error in
            guard case SymmetricEigenError.notSymmetric(0, 1, _, _)? = error as? SymmetricEigenError else {
                return XCTFail("unexpected error \(error)")
            }
        }
    }

    func testBadShapeAndNonFiniteAreRejected() {
        XCTAssertThrowsError(try SymmetricEigen.decompose([1, 2, 3], dimension: 2))
        XCTAssertThrowsError(try SymmetricEigen.decompose([1, .nan, .nan, 1], dimension: 2))
    }
}
