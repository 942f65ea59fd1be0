import LinearAlgebra
import MLPNumerics

/// A width-k critical point φ embedded in width k + 1 by splitting unit i (Fukumizu & Amari 2000): the
/// copies keep `w_i` and share `v_i` as `γ v_i` and `(1 − γ) v_i`; the new unit is the last one.
///
/// Every θ(γ) computes φ's function, so it is critical with φ's `E_tr`, and the line is flat along its
/// tangent `(e_{v_i} − e_{v_new})/√2`. Across it, the curvature has the sign of `γ(1 − γ)·A_i`
/// (`WidthOneFit.splittingCoefficients`), on top of φ's own directions: where φ is a saddle of width k,
/// every θ(γ) keeps its escape directions. `EmbeddedLine` is the case k = 1.
public struct SplitEmbedding: CriticalLine, Sendable {
    /// φ, a critical point of width k.
    public let base: Network
    /// The unit split (0-based).
    public let unit: Int
    public let data: TrainingSet
    /// `A_i` of the split unit.
    public let coefficient: Double

    /// - Precondition: `unit < base.width` and `base.v[unit] ≠ 0` (a silent unit splits into no line).
    public init(base: Network, unit: Int, data: TrainingSet) {
        precondition(unit >= 0 && unit < base.width, "no unit \(unit) in width \(base.width)")
        precondition(base.v[unit] != 0, "unit \(unit) has v = 0: splitting it gives no line")
        self.base = base
        self.unit = unit
        self.data = data
        coefficient = WidthOneFit.splittingCoefficients(base, on: data)[unit]
    }

    /// The width of the embedded network, k + 1.
    public var width: Int { base.width + 1 }

    /// θ(γ): φ with `v_i → γ v_i` and a last unit `(w_i, (1 − γ) v_i)`.
    public func point(_ gamma: Double) -> Network {
        var v = base.v
        v[unit] = gamma * base.v[unit]
        return Network(w: base.w + [base.w[unit]], v: v + [(1 - gamma) * base.v[unit]])
    }

    /// An orthonormal basis of the directions across the line: every coordinate axis but `v_i` and
    /// `v_new`, and `(e_{v_i} + e_{v_new})/√2`.
    var normalBasis: [[Double]] {
        let m = width, (vi, vNew) = (m + unit, 2 * m - 1)
        var basis: [[Double]] = []
        for axis in 0..<(2 * m) where axis != vi && axis != vNew {
            var e = [Double](repeating: 0, count: 2 * m)
            e[axis] = 1
            basis.append(e)
        }
        var sum = [Double](repeating: 0, count: 2 * m)
        (sum[vi], sum[vNew]) = (0.5.squareRoot(), 0.5.squareRoot())
        return basis + [sum]
    }

    /// The Hessian spectrum and index at θ(γ) (`HessianAnalysis`, one zero eigenvalue along the line).
    /// - Throws: `SymmetricEigenError` if the Hessian is not finite.
    public func analysis(at gamma: Double, tolerance: EigenvalueTolerance) throws -> HessianAnalysis {
        try HessianAnalysis(network: point(gamma), data: data, tolerance: tolerance, alignmentDepth: 0)
    }

    /// The smallest eigenvalue of `QᵀHQ` at θ(γ), Q the normal basis.
    /// - Throws: `SymmetricEigenError` if the Hessian is not finite.
    public func transverseEigenvalue(at gamma: Double) throws -> Double {
        let d = 2 * width
        let h = TrainingError.hessian(point(gamma), on: data)
        let q = normalBasis
        let n = q.count
        let hq = q.map { Dense.multiply(h, rows: d, $0) }
        var reduced = [Double](repeating: 0, count: n * n)
        for a in 0..<n {
            for b in 0...a {
                let value = 0.5 * (Dense.dot(q[b], hq[a]) + Dense.dot(q[a], hq[b]))
                (reduced[a * n + b], reduced[b * n + a]) = (value, value)
            }
        }
        return try SymmetricEigen.decompose(reduced, dimension: n).values[0]
    }

    /// The Hessian spectrum at θ(γ), ascending.
    /// - Throws: `SymmetricEigenError` if the Hessian is not finite.
    public func spectrum(at gamma: Double) throws -> [Double] {
        try SymmetricEigen.decompose(TrainingError.hessian(point(gamma), on: data), dimension: 2 * width).values
    }

    /// λ_max of the Hessian at θ(γ).
    /// - Throws: `SymmetricEigenError` if the Hessian is not finite.
    public func largestEigenvalue(at gamma: Double) throws -> Double { try spectrum(at: gamma).last! }
}

/// A width-k critical point φ embedded in width k + 1 by a zero unit `(w, v) = (0, 0)`: critical (the new
/// unit's output and its gradient vanish), and a saddle unless `(2/n) Σ r_k x_k = 0` — the Hessian couples
/// `w_new` and `v_new` by that sum, giving the eigenvalue pair ±b in that plane.
public struct ZeroUnitEmbedding: Sendable {
    public let base: Network
    /// `b = (2/n) Σ_k r_k x_k`, r the residuals of φ.
    public let coupling: Double
    /// θ = (φ, (0, 0)).
    public let point: Network

    public init(base: Network, data: TrainingSet) {
        self.base = base
        point = Network(w: base.w + [0], v: base.v + [0])
        var sum = 0.0
        for k in 0..<data.count { sum += (base(data.x[k]) - data.y[k]) * data.x[k] }
        coupling = 2 / Double(data.count) * sum
    }
}
