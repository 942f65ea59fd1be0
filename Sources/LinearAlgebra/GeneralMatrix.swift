import CLAPACKE

/// Why a general (non-symmetric) dense routine failed.
public enum GeneralMatrixError: Error, Equatable, CustomStringConvertible {
    /// `matrix.count` is not `n·n`, `n < 1`, or the right-hand side is not of length n.
    case badShape(count: Int, dimension: Int)
    /// An entry is NaN or infinite.
    case nonFinite
    /// LAPACK returned a nonzero `info` (negative: bad argument; positive: singular matrix for
    /// `dgesv`, no convergence for `dgeev`).
    case lapack(routine: String, info: Int)

    public var description: String {
        switch self {
        case .badShape(let count, let n):
            return "matrix has \(count) entries, expected n·n with n = \(n) ≥ 1 (and a right-hand side of length n)"
        case .nonFinite: return "matrix or right-hand side has a non-finite entry"
        case .lapack(let routine, let info): return "LAPACK \(routine) failed with info = \(info)"
        }
    }
}

/// Dense routines for general square matrices (row-major), where the symmetric ones do not apply:
/// linear solves and eigenvalues of products such as `(I − ηH₁)(I − ηH₀)`.
public enum GeneralMatrix {
    /// The solution x of `A x = b` (LAPACK `dgesv`, LU with partial pivoting).
    /// - Throws: `GeneralMatrixError` for a bad shape, a non-finite entry or an exactly singular `A`.
    public static func solve(_ matrix: [Double], dimension n: Int, _ b: [Double]) throws -> [Double] {
        try check(matrix, n, rhs: b)
        var a = matrix
        var x = b
        var pivots = [clapack_int](repeating: 0, count: n)
        let info = a.withUnsafeMutableBufferPointer { aPtr in
            x.withUnsafeMutableBufferPointer { xPtr in
                pivots.withUnsafeMutableBufferPointer { pPtr in
                    LAPACKE_dgesv(
                        LAPACK_ROW_MAJOR, clapack_int(n), 1, aPtr.baseAddress, clapack_int(n), pPtr.baseAddress,
                        xPtr.baseAddress, 1)
                }
            }
        }
        guard info == 0 else { throw GeneralMatrixError.lapack(routine: "dgesv", info: Int(info)) }
        return x
    }

    /// The eigenvalues of A as (real, imaginary) pairs, in LAPACK's order (`dgeev`, no eigenvectors).
    /// - Throws: `GeneralMatrixError` for a bad shape, a non-finite entry or no convergence.
    public static func eigenvalues(_ matrix: [Double], dimension n: Int) throws -> [(re: Double, im: Double)] {
        try check(matrix, n, rhs: nil)
        var a = matrix
        var re = [Double](repeating: 0, count: n)
        var im = [Double](repeating: 0, count: n)
        var unused = [Double](repeating: 0, count: 1)
        let info = a.withUnsafeMutableBufferPointer { aPtr in
            re.withUnsafeMutableBufferPointer { rPtr in
                im.withUnsafeMutableBufferPointer { iPtr in
                    unused.withUnsafeMutableBufferPointer { uPtr in
                        LAPACKE_dgeev(
                            LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "N")), CChar(UInt8(ascii: "N")), clapack_int(n),
                            aPtr.baseAddress, clapack_int(n), rPtr.baseAddress, iPtr.baseAddress,
                            uPtr.baseAddress, 1, uPtr.baseAddress, 1)
                    }
                }
            }
        }
        guard info == 0 else { throw GeneralMatrixError.lapack(routine: "dgeev", info: Int(info)) }
        return zip(re, im).map { (re: $0, im: $1) }
    }

    /// The spectral radius `max |μ|` over the eigenvalues μ of A.
    public static func spectralRadius(_ matrix: [Double], dimension n: Int) throws -> Double {
        try eigenvalues(matrix, dimension: n).reduce(0) { max($0, ($1.re * $1.re + $1.im * $1.im).squareRoot()) }
    }

    /// The product `A B` of two row-major `n × n` matrices.
    public static func multiply(_ a: [Double], _ b: [Double], dimension n: Int) -> [Double] {
        precondition(a.count == n * n && b.count == n * n, "multiply: shape mismatch")
        var c = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for k in 0..<n {
                let aik = a[i * n + k]
                for j in 0..<n { c[i * n + j] += aik * b[k * n + j] }
            }
        }
        return c
    }

    private static func check(_ matrix: [Double], _ n: Int, rhs: [Double]?) throws {
        guard n >= 1, matrix.count == n * n, rhs.map({ $0.count == n }) ?? true else {
            throw GeneralMatrixError.badShape(count: matrix.count, dimension: n)
        }
        guard matrix.allSatisfy(\.isFinite), rhs?.allSatisfy(\.isFinite) ?? true else {
            throw GeneralMatrixError.nonFinite
        }
    }
}
