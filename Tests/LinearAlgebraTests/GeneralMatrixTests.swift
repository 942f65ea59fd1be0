import LinearAlgebra
import XCTest

final class GeneralMatrixTests: XCTestCase {
    func testRotationScalingHasConjugatePairOnItsCircle() throws {
        let (r, phi) = (0.93, 1.1)
        let a = [r * cos(phi), -r * sin(phi), r * sin(phi), r * cos(phi)]
        let mu = try GeneralMatrix.eigenvalues(a, dimension: 2).sorted { $0.im < $1.im }
        XCTAssertEqual(mu[0].re, r * cos(phi), accuracy: 1e-15)
        XCTAssertEqual(mu[0].im, -r * sin(phi), accuracy: 1e-15)
        XCTAssertEqual(mu[1].im, r * sin(phi), accuracy: 1e-15)
        XCTAssertEqual(try GeneralMatrix.spectralRadius(a, dimension: 2), r, accuracy: 1e-15)
    }

    /// The companion matrix of Π(z − z_i) has exactly the roots z_i as eigenvalues.
    func testCompanionMatrixGivesThePolynomialsRoots() throws {
        let roots = [3.0, 2.0, 1.0, -0.5]
        var coefficients = [1.0]  // highest degree first
        for z in roots {
            var next = coefficients + [0]
            for i in 1..<next.count { next[i] -= z * coefficients[i - 1] }
            coefficients = next
        }
        let n = roots.count
        var a = [Double](repeating: 0, count: n * n)
        for j in 0..<n { a[j] = -coefficients[j + 1] }
        for i in 1..<n { a[i * n + i - 1] = 1 }
        let mu = try GeneralMatrix.eigenvalues(a, dimension: n)
        assertClose(mu.map(\.re).sorted(), roots.sorted(), accuracy: 1e-12)
        XCTAssertEqual(mu.map { abs($0.im) }.max()!, 0, accuracy: 1e-12)
        XCTAssertEqual(try GeneralMatrix.spectralRadius(a, dimension: n), 3, accuracy: 1e-12)
    }

    func testSolveRecoversAKnownSolution() throws {
        let n = 5
        // A well-conditioned non-symmetric matrix: diagonally dominant with an asymmetric part.
        let a = (0..<(n * n)).map { k -> Double in
            let (i, j) = (k / n, k % n)
            return i == j ? 6 + Double(i) : 1 / Double(1 + i + 2 * j)
        }
        let x = [1.5, -2.0, 0.25, 3.0, -0.75]
        let b = Dense.multiply(a, rows: n, x)
        assertClose(try GeneralMatrix.solve(a, dimension: n, b), x, accuracy: 1e-14)
        XCTAssertEqual(
            GeneralMatrix.multiply(
                a, [1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1], dimension: n), a)
    }

    func testSingularAndBadInputThrow() {
        XCTAssertThrowsError(try GeneralMatrix.solve([1, 2, 2, 4], dimension: 2, [1, 1])) { error in
            XCTAssertEqual(error as? GeneralMatrixError, .lapack(routine: "dgesv", info: 2))
        }
        XCTAssertThrowsError(try GeneralMatrix.eigenvalues([1, .nan, 0, 1], dimension: 2)) { error in
            XCTAssertEqual(error as? GeneralMatrixError, .nonFinite)
        }
        XCTAssertThrowsError(try GeneralMatrix.solve([1, 0, 0, 1], dimension: 2, [1])) { error in
            XCTAssertEqual(error as? GeneralMatrixError, .badShape(count: 4, dimension: 2))
        }
    }
}

private func assertClose(
    _ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
