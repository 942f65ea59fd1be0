/// The tolerance τ that splits a Hessian spectrum into negative (`λ < −τ`), zero (`|λ| ≤ τ`) and
/// positive (`λ > τ`) eigenvalues: `τ = relative · max(1, max_i |λ_i|)`.
///
/// Default `relative = 1e-8`. The analytic Hessian of `E_tr` is a mean of O(1) terms, so rounding
/// moves its eigenvalues by ~1e-15·‖H‖; eigenvalues that are zero in exact arithmetic (e.g. on
/// the noiseless optimal region) come out at ~1e-16. Genuinely nonzero eigenvalues met in this
/// problem (plateau, optimal region with σ > 0, the attractor) are ≳ 1e-5 (measured; see
/// docs/analysis.md). 1e-8 sits orders of magnitude from both. The floor `max(1, ·)` keeps τ
/// absolute for tiny Hessians, where a relative test would call rounding noise "nonzero".
public struct EigenvalueTolerance: Codable, Equatable, Sendable {
    /// The relative factor; τ = relative · max(1, max|λ|).
    public var relative: Double

    public init(relative: Double = 1e-8) {
        precondition(relative >= 0, "tolerance must be non-negative")
        self.relative = relative
    }

    /// τ for the given spectrum.
    public func threshold(for eigenvalues: [Double]) -> Double {
        let scale = eigenvalues.reduce(0) { max($0, abs($1)) }
        return relative * max(1, scale)
    }
}
