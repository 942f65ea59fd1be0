import MLPNumerics

/// A line of critical points γ ↦ θ(γ) embedded from a narrower network by splitting a unit (Fukumizu &
/// Amari 2000): `EmbeddedLine` (the width-1 fit in width 2) and `SplitEmbedding` (any unit of any critical
/// point). Swapping the two copies maps γ to 1 − γ, so λ_max is symmetric about γ = 1/2 and grows like
/// γ² away from it; the sign changes of the transverse eigenvalue and where GD with step η stays follow
/// from the two eigenvalues alone.
public protocol CriticalLine {
    /// The smallest eigenvalue of the Hessian restricted to the directions across the line at θ(γ).
    func transverseEigenvalue(at gamma: Double) throws -> Double
    /// λ_max of the Hessian at θ(γ).
    func largestEigenvalue(at gamma: Double) throws -> Double
}

extension CriticalLine {
    /// The γ where the transverse eigenvalue changes sign on `grid`, each refined by Brent's method;
    /// grid values with `|λ_⊥| ≤ zeroBand` are unsigned (`RootFinding.signChangeBrackets`), so a line
    /// that is flat across (A = 0, e.g. L ⊂ M on noiseless data) has none.
    public func transverseSignChanges(grid: [Double], zeroBand: Double) -> [Double] {
        RootFinding.roots(of: { (try? self.transverseEigenvalue(at: $0)) ?? .nan }, grid: grid, zeroBand: zeroBand)
    }

    /// The interval of γ where `λ_max(γ) < 2/η`: λ_max is symmetric about γ = 1/2 (neuron swap) and
    /// grows like γ² away from it, so the interval is `[1 − γ_b, γ_b]`, with γ_b found by doubling
    /// the step from 1/2 until λ_max ≥ 2/η and then Brent's method. Nil when already
    /// `λ_max(1/2) ≥ 2/η` (no point of L is GD-stable) or no bound is found within |γ| ≤ 2^40.
    public func stabilityInterval(eta: Double) -> ClosedRange<Double>? {
        let threshold = 2 / eta
        let excess: (Double) -> Double = { ((try? self.largestEigenvalue(at: $0)) ?? .nan) - threshold }
        guard excess(0.5) < 0 else { return nil }
        var inside = 0.5, step = 0.5
        for _ in 0..<40 {
            let trial = 0.5 + 2 * step
            let value = excess(trial)
            guard value.isFinite else { return nil }
            if value >= 0 {
                guard let root = RootFinding.brent(excess, inside, trial, tolerance: 1e-13) else { return nil }
                return (1 - root)...root
            }
            inside = trial
            step *= 2
        }
        return nil
    }

    /// The parts of L that GD with step η does not leave: where the transverse eigenvalue is ≥ 0
    /// (between consecutive `signChanges`, or everywhere when there are none and it is ≥ −zeroBand)
    /// and `λ_max < 2/η` (`stability`). Sorted, closed intervals of γ.
    public func stableSegments(signChanges: [Double], stability: ClosedRange<Double>?, zeroBand: Double)
        -> [ClosedRange<Double>]
    {
        guard let stability else { return [] }
        let cuts = signChanges.filter { $0 > stability.lowerBound && $0 < stability.upperBound }.sorted()
        let bounds = [stability.lowerBound] + cuts + [stability.upperBound]
        var segments: [ClosedRange<Double>] = []
        for (lower, upper) in zip(bounds, bounds.dropFirst()) where upper > lower {
            let middle = 0.5 * (lower + upper)
            if let value = try? transverseEigenvalue(at: middle), value >= -zeroBand {
                if let last = segments.last, last.upperBound == lower {
                    segments[segments.count - 1] = last.lowerBound...upper
                } else {
                    segments.append(lower...upper)
                }
            }
        }
        return segments
    }
}
