import LinearAlgebra

/// The span of the eigenvectors of the k largest eigenvalues of a symmetric matrix (the
/// "dominant" Hessian directions of Deng et al.) and projections onto it and onto its orthogonal
/// complement (the "bulk").
public struct DominantSubspace: Sendable {
    /// Orthonormal basis u_1..u_k, the eigenvectors of the k largest eigenvalues, largest first.
    public let basis: [[Double]]
    /// The eigendecomposition of the whole matrix (ascending values).
    public let spectrum: SymmetricEigendecomposition

    /// - Parameters:
    ///   - spectrum: a symmetric eigendecomposition (ascending values, unit vectors).
    ///   - k: the dimension of the dominant subspace, clamped to `0...spectrum.dimension`.
    public init(_ spectrum: SymmetricEigendecomposition, k: Int) {
        let d = spectrum.dimension
        let depth = min(max(k, 0), d)
        basis = (0..<depth).map { spectrum.vectors[d - 1 - $0] }
        self.spectrum = spectrum
    }

    /// The dominant subspace of the row-major `d × d` symmetric matrix `matrix`.
    /// - Throws: `SymmetricEigenError` if it is not finite and symmetric or LAPACK fails.
    public init(matrix: [Double], dimension: Int, k: Int) throws {
        self.init(try SymmetricEigen.decompose(matrix, dimension: dimension), k: k)
    }

    /// λ_max.
    public var largestEigenvalue: Double { spectrum.values[spectrum.dimension - 1] }

    /// `P_k g = Σ_i ⟨u_i, g⟩ u_i`.
    public func project(_ g: [Double]) -> [Double] {
        var result = [Double](repeating: 0, count: g.count)
        for u in basis {
            let c = Dense.dot(u, g)
            for j in 0..<g.count { result[j] += c * u[j] }
        }
        return result
    }

    /// `(I − P_k) g`.
    public func complement(_ g: [Double]) -> [Double] {
        let p = project(g)
        return (0..<g.count).map { g[$0] - p[$0] }
    }

    /// `χ_k(g) = ‖P_k g‖ / ‖g‖` in [0, 1]; NaN when `g = 0`.
    public func alignment(_ g: [Double]) -> Double {
        guard let chi = HessianAnalysis.alignment(of: g, spectrum: spectrum, depth: basis.count) else { return .nan }
        return chi.last ?? 0
    }
}
