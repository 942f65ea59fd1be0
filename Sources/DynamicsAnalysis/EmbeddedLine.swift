import LinearAlgebra
import MLPNumerics

/// The embedded one-neuron line of a width-2 network (Fukumizu & Amari 2000):
/// `L = {w_1 = w_2 = w*, v_1 = γ c*, v_2 = (1 − γ) c*}`, γ ∈ R, where `c*·tanh(w* x)` is the best
/// width-1 fit, and its images under the symmetry group.
///
/// Every point of L is a critical point of `E_tr` with the value `E_1` of the width-1 fit and one
/// zero Hessian eigenvalue along L (tangent `(0, 0, 1, −1)/√2`). The curvature across L — the
/// *transverse eigenvalue*, the smallest eigenvalue of the Hessian restricted to the normal space
/// of L — has the sign of `γ(1 − γ)·A` (A: `WidthOneFit.coefficient`); GD with step η stays on L
/// only where also `λ_max(γ) < 2/η`. The swap of the two neurons maps γ to 1 − γ, so γ is
/// reported folded to `γ ≥ 1/2` where a point is located on L modulo symmetry.
public struct EmbeddedLine: CriticalLine, Sendable {
    public let fit: WidthOneFit
    public let data: TrainingSet
    /// `A = c*·(2/n) Σ_k r_k tanh''(w* x_k) x_k²`.
    public let coefficient: Double

    public init(fit: WidthOneFit, data: TrainingSet) {
        self.fit = fit
        self.data = data
        coefficient = fit.coefficient(on: data)
    }

    /// `E_tr` on every point of L (the width-1 fit's training error).
    public var trainingError: Double { fit.trainingError }

    /// `L(γ) = (w*, w*, γ c*, (1 − γ) c*)`.
    public func point(_ gamma: Double) -> Network {
        Network(w: [fit.w, fit.w], v: [gamma * fit.c, (1 - gamma) * fit.c])
    }

    /// `∇²E_tr` at `L(γ)`, 4 × 4 row-major.
    public func hessian(at gamma: Double) -> [Double] {
        TrainingError.hessian(point(gamma), on: data)
    }

    /// The Hessian spectrum at `L(γ)`, ascending.
    /// - Throws: `SymmetricEigenError` if the Hessian is not finite.
    public func spectrum(at gamma: Double) throws -> [Double] {
        try SymmetricEigen.decompose(hessian(at: gamma), dimension: 4).values
    }

    /// An orthonormal basis of the normal space of L: `e_w1`, `e_w2`, `(0, 0, 1, 1)/√2`.
    static let normalBasis: [[Double]] = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0.5.squareRoot(), 0.5.squareRoot()]]

    /// The transverse eigenvalue at `L(γ)`: the smallest eigenvalue of `QᵀHQ`, Q the normal basis
    /// (the Hessian restricted to the directions across L).
    /// - Throws: `SymmetricEigenError` if the Hessian is not finite.
    public func transverseEigenvalue(at gamma: Double) throws -> Double {
        let h = hessian(at: gamma)
        let q = EmbeddedLine.normalBasis
        var reduced = [Double](repeating: 0, count: 9)
        for a in 0..<3 {
            let hq = Dense.multiply(h, rows: 4, q[a])
            for b in 0..<3 { reduced[b * 3 + a] = Dense.dot(q[b], hq) }
        }
        // Symmetrize exactly (the products above agree to rounding).
        for a in 0..<3 {
            for b in 0..<a {
                let s = 0.5 * (reduced[a * 3 + b] + reduced[b * 3 + a]); reduced[a * 3 + b] = s; reduced[b * 3 + a] = s
            }
        }
        return try SymmetricEigen.decompose(reduced, dimension: 3).values[0]
    }

    /// λ_max of the Hessian at `L(γ)`.
    /// - Throws: `SymmetricEigenError` if the Hessian is not finite.
    public func largestEigenvalue(at gamma: Double) throws -> Double {
        try spectrum(at: gamma)[3]
    }

    /// Where a width-2 point is relative to L modulo symmetry.
    public struct Projection: Equatable, Sendable {
        /// γ of the nearest point of L, folded to γ ≥ 1/2 (the neuron swap maps γ to 1 − γ).
        public let gamma: Double
        /// The Euclidean distance from the point to the nearest image of L.
        public let distance: Double
        /// The nearest point of that image, in the point's own coordinates.
        public let nearest: Network
    }

    /// The orthogonal projection of `net` onto the nearest of L's images under the symmetry group.
    ///
    /// The images are `(s_1 w*, s_2 w*, s_1 γ c*, s_2 (1 − γ) c*)` (sign flips; the swap only maps
    /// γ → 1 − γ). For each of the 4 sign choices the best γ is `(s_1 v_1 − s_2 v_2 + c*)/(2c*)`.
    /// - Precondition: `net.width == 2` and `c* ≠ 0`.
    public func project(_ net: Network) -> Projection {
        precondition(net.width == 2, "the embedded line lives in width 2")
        let (w, c) = (fit.w, fit.c)
        precondition(c != 0, "the width-1 fit is the zero function: L is not a line")
        var best: Projection?
        for s1 in [1.0, -1.0] {
            for s2 in [1.0, -1.0] {
                let gamma = (s1 * net.v[0] - s2 * net.v[1] + c) / (2 * c)
                let nearest = Network(w: [s1 * w, s2 * w], v: [s1 * gamma * c, s2 * (1 - gamma) * c])
                var squared = 0.0
                for (a, b) in zip(net.flat, nearest.flat) { squared += (a - b) * (a - b) }
                let distance = squared.squareRoot()
                if best == nil || distance < best!.distance {
                    best = Projection(gamma: max(gamma, 1 - gamma), distance: distance, nearest: nearest)
                }
            }
        }
        return best!
    }

    /// Whether γ lies in one of `segments` (closed).
    public static func contains(_ segments: [ClosedRange<Double>], _ gamma: Double) -> Bool {
        segments.contains { $0.contains(gamma) }
    }

    /// The distance from γ to the nearest end of the segment containing it (0 when in none).
    public static func margin(_ segments: [ClosedRange<Double>], _ gamma: Double) -> Double {
        guard let segment = segments.first(where: { $0.contains(gamma) }) else { return 0 }
        return min(gamma - segment.lowerBound, segment.upperBound - gamma)
    }
}

/// The embedded line's critical structure on a γ grid: what the line stage records.
public typealias EmbeddedLineAnalysis = CriticalLineAnalysis<EmbeddedLine>

/// Whether a run stays on the interior 0 < γ < 1 of L (the paper's start passes close to it).
public enum InteriorOutcome: String, Sendable {
    case stays = "stays on the interior of L"
    case leaves = "leaves the interior of L"
    case notApplicable = "not applicable: L is flat across (A = 0 within the eigenvalue tolerance)"
}

extension CriticalLineAnalysis {
    /// The predicted outcome for a start that passes close to the interior of L: it stays when the
    /// interior is GD-stable (γ = 1/2 in a stable segment: transverse eigenvalue > 0, i.e. A > 0,
    /// and λ_max < 2/η), it leaves when it is not (A < 0: an index-1 saddle); not applicable when
    /// the transverse eigenvalue at γ = 1/2 is inside the zero band (L flat across, e.g. L ⊂ M).
    public var predictedOutcome: InteriorOutcome {
        let middle = (try? line.transverseEigenvalue(at: 0.5)) ?? .nan
        if abs(middle) <= zeroBand { return .notApplicable }
        return EmbeddedLine.contains(stableSegments, 0.5) ? .stays : .leaves
    }
}
