import CLAPACKE

/// The spectral decomposition `A = Σ_i λ_i u_i u_iᵀ` of a real symmetric matrix.
public struct SymmetricEigendecomposition: Equatable, Sendable {
    /// The eigenvalues `λ_i`, in ascending order.
    public let values: [Double]
    /// `vectors[i]` is the unit eigenvector `u_i` of `values[i]`; the vectors are orthonormal.
    public let vectors: [[Double]]

    public init(values: [Double], vectors: [[Double]]) {
        self.values = values
        self.vectors = vectors
    }

    /// The matrix dimension n.
    public var dimension: Int { values.count }
}

/// Why a symmetric eigendecomposition could not be computed.
public enum SymmetricEigenError: Error, Equatable, CustomStringConvertible {
    /// `matrix.count` is not `n·n`, or `n < 1`.
    case badShape(count: Int, dimension: Int)
    /// An entry is NaN or infinite.
    case nonFinite(row: Int, column: Int)
    /// `|A_ij − A_ji|` exceeds the tolerance.
    case notSymmetric(row: Int, column: Int, difference: Double, tolerance: Double)
    /// LAPACK `dsyevd` returned a nonzero `info` (negative: bad argument; positive: no convergence).
    case lapack(routine: String, info: Int)

    public var description: String {
        switch self {
        case .badShape(let count, let n):
            return "matrix has \(count) entries, expected n·n with n = \(n) ≥ 1"
        case .nonFinite(let i, let j):
            return "matrix entry (\(i), \(j)) is not finite"
        case .notSymmetric(let i, let j, let d, let tol):
            return "matrix is not symmetric: |A[\(i),\(j)] − A[\(j),\(i)]| = \(d) > \(tol)"
        case .lapack(let routine, let info):
            return "LAPACK \(routine) failed with info = \(info)"
        }
    }
}

/// Dense symmetric eigensolver (LAPACK `dsyevd`, divide and conquer, eigenvectors requested).
public enum SymmetricEigen {
    /// The default relative symmetry tolerance: `|A_ij − A_ji| ≤ 1e-10 · max(1, max|A|)`.
    public static let defaultSymmetryTolerance = 1e-10

    /// Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric `n × n` matrix.
    ///
    /// Only the lower triangle is passed to LAPACK after the symmetry check, so a matrix that is
    /// symmetric up to rounding is decomposed as its lower triangle mirrored.
    /// - Parameters:
    ///   - matrix: the `n·n` entries, row-major.
    ///   - n: the dimension.
    ///   - relativeTolerance: symmetry is accepted when
    ///     `|A_ij − A_ji| ≤ relativeTolerance · max(1, max_ij |A_ij|)`.
    /// - Returns: `values` ascending, `vectors[i]` the unit eigenvector of `values[i]`.
    /// - Throws: `SymmetricEigenError` for a bad shape, a non-finite entry, an asymmetric matrix,
    ///   or a nonzero LAPACK `info`.
    public static func decompose(
        _ matrix: [Double], dimension n: Int,
        relativeTolerance: Double = defaultSymmetryTolerance
    ) throws -> SymmetricEigendecomposition {
        guard n >= 1, matrix.count == n * n else {
            throw SymmetricEigenError.badShape(count: matrix.count, dimension: n)
        }
        var scale = 0.0
        for i in 0..<n {
            for j in 0..<n {
                let a = matrix[i * n + j]
                guard a.isFinite else { throw SymmetricEigenError.nonFinite(row: i, column: j) }
                scale = max(scale, abs(a))
            }
        }
        let tolerance = relativeTolerance * max(1, scale)
        for i in 0..<n {
            for j in (i + 1)..<n where abs(matrix[i * n + j] - matrix[j * n + i]) > tolerance {
                throw SymmetricEigenError.notSymmetric(
                    row: i, column: j,
                    difference: abs(matrix[i * n + j] - matrix[j * n + i]), tolerance: tolerance)
            }
        }

        // Row-major storage with uplo 'L'; on exit `a` holds the eigenvectors as columns.
        var a = matrix
        var w = [Double](repeating: 0, count: n)
        let info = a.withUnsafeMutableBufferPointer { aPtr in
            w.withUnsafeMutableBufferPointer { wPtr in
                LAPACKE_dsyevd(
                    LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "L")),
                    clapack_int(n), aPtr.baseAddress, clapack_int(n), wPtr.baseAddress)
            }
        }
        guard info == 0 else { throw SymmetricEigenError.lapack(routine: "dsyevd", info: Int(info)) }

        var vectors = [[Double]]()
        vectors.reserveCapacity(n)
        for k in 0..<n {
            vectors.append((0..<n).map { a[$0 * n + k] })
        }
        return SymmetricEigendecomposition(values: w, vectors: vectors)
    }
}
