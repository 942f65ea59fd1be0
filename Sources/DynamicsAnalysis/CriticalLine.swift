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
    /// The Hessian spectrum at θ(γ), ascending.
    func spectrum(at gamma: Double) throws -> [Double]
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

/// A line's critical structure on a γ grid: the spectrum, the transverse eigenvalue and λ_max at every
/// grid point, where the transverse eigenvalue changes sign, where GD with step η is stable, and the
/// segments GD does not leave.
public struct CriticalLineAnalysis<Line: CriticalLine & Sendable>: Sendable {
    public let line: Line
    public let eta: Double
    /// The γ grid: `gridPoints` points spanning the GD-stable interval widened by `gridMargin`
    /// times its length on each side ([−1, 2] when no point of L is GD-stable).
    public let grid: [Double]
    /// Row-major `grid.count × 2m`, ascending per row.
    public let spectra: [Double]
    public let transverse: [Double]
    public let largest: [Double]
    /// Where the transverse eigenvalue changes sign on the grid (Brent-refined).
    public let signChanges: [Double]
    /// `λ_max(γ) < 2/η`.
    public let stability: ClosedRange<Double>?
    /// Transverse eigenvalue ≥ 0 and λ_max < 2/η.
    public let stableSegments: [ClosedRange<Double>]
    /// The band |λ| ≤ zeroBand counted as zero (EigenvalueTolerance at L(1/2)).
    public let zeroBand: Double

    /// - Throws: `SymmetricEigenError` if a Hessian on the grid is not finite.
    public init(line: Line, eta: Double, gridPoints: Int, gridMargin: Double, tolerance: EigenvalueTolerance)
        throws
    {
        precondition(gridPoints >= 2 && gridMargin >= 0 && eta > 0, "grid needs ≥ 2 points, margin ≥ 0, η > 0")
        self.line = line
        self.eta = eta
        let stability = line.stabilityInterval(eta: eta)
        let (lower, upper) = stability.map { ($0.lowerBound, $0.upperBound) } ?? (-1, 2)
        let pad = gridMargin * (upper - lower)
        let (g0, g1) = (min(lower, 0) - pad, max(upper, 1) + pad)
        grid = (0..<gridPoints).map { g0 + (g1 - g0) * Double($0) / Double(gridPoints - 1) }
        var spectra: [Double] = [], transverse: [Double] = [], largest: [Double] = []
        for gamma in grid {
            let values = try line.spectrum(at: gamma)
            spectra += values
            largest.append(values[values.count - 1])
            transverse.append(try line.transverseEigenvalue(at: gamma))
        }
        self.spectra = spectra
        self.transverse = transverse
        self.largest = largest
        zeroBand = tolerance.threshold(for: try line.spectrum(at: 0.5))
        signChanges = line.transverseSignChanges(grid: grid, zeroBand: zeroBand)
        self.stability = stability
        stableSegments = line.stableSegments(signChanges: signChanges, stability: stability, zeroBand: zeroBand)
    }
}
