import LinearAlgebra
import MLPNumerics

/// Settings of the safeguarded Newton iteration on `∇F = 0`.
public struct CriticalPointRefinerSettings: Codable, Equatable, Sendable {
    /// Stop (converged) when `‖∇F‖₂ <` this. Default 1e-12.
    public var gradientTolerance: Double
    /// Give up after this many iterations. Default 100.
    public var maxIterations: Int
    /// Eigenvalues with `|λ| ≤ pseudoInverseCutoff · max|λ|` are dropped from `H⁺`. Default 1e-10.
    public var pseudoInverseCutoff: Double
    /// Armijo constant c in `φ(x + αd) ≤ φ(x) + c α ∇φ·d`, `φ = ½‖∇F‖²`. Default 1e-4.
    public var armijo: Double
    /// Step shrink factor of the backtracking line search. Default 0.5.
    public var backtrackFactor: Double
    /// Maximum number of step halvings per line search. Default 50.
    public var maxBacktracks: Int
    /// Classification of eigenvalues at the refined point.
    public var eigenvalueTolerance: EigenvalueTolerance

    public init(
        gradientTolerance: Double = 1e-12, maxIterations: Int = 100, pseudoInverseCutoff: Double = 1e-10,
        armijo: Double = 1e-4, backtrackFactor: Double = 0.5, maxBacktracks: Int = 50,
        eigenvalueTolerance: EigenvalueTolerance = EigenvalueTolerance()
    ) {
        self.gradientTolerance = gradientTolerance
        self.maxIterations = maxIterations
        self.pseudoInverseCutoff = pseudoInverseCutoff
        self.armijo = armijo
        self.backtrackFactor = backtrackFactor
        self.maxBacktracks = maxBacktracks
        self.eigenvalueTolerance = eigenvalueTolerance
    }
}

/// Why the refinement stopped.
public enum RefinementStopReason: String, Codable, Equatable, Sendable {
    /// `‖∇F‖ < gradientTolerance`.
    case converged
    /// The iteration budget ran out.
    case maxIterations
    /// Neither the Newton step nor the merit-gradient step decreased `‖∇F‖²`.
    case lineSearchFailed
    /// The objective, gradient or Hessian became non-finite.
    case nonFinite
}

/// The outcome of a critical-point refinement.
public struct CriticalPointRefinement: Sendable {
    /// The last iterate.
    public let point: [Double]
    /// `F` at `point`.
    public let value: Double
    /// `‖∇F‖₂` at `point`.
    public let gradientNorm: Double
    /// Whether `gradientNorm < gradientTolerance`.
    public let converged: Bool
    /// The number of accepted steps.
    public let iterations: Int
    /// How many accepted steps were merit-gradient fallbacks rather than Newton steps.
    public let fallbackSteps: Int
    /// Why it stopped.
    public let reason: RefinementStopReason
    /// The Hessian analysis at `point` (spectrum, index, zero count); `nil` only when non-finite.
    public let analysis: HessianAnalysis?
}

/// Finds critical points (minima and saddles alike) by safeguarded Newton on `∇F = 0`.
///
/// Each iteration takes the pseudo-inverse Newton step `δ = −H⁺g`, through the eigendecomposition
/// of `H = ∇²F`, with eigenvalues `|λ| ≤ cutoff·max|λ|` dropped. With the merit
/// `φ = ½‖g‖²`, `∇φ = Hg` and `∇φ·δ = −‖P g‖² ≤ 0` (P projects onto the kept eigenvectors), so
/// δ
/// is a descent direction for φ whatever the signs of the eigenvalues: Newton is attracted to
/// saddles as well as minima. When H is positive definite the step is first line-searched on F
/// itself (damped Newton for minimization, robust far from the minimum); otherwise, or if that
/// fails, a backtracking Armijo search on φ accepts the step; if it fails, the merit gradient
/// step `−Hg` is tried with the same search; if that fails too the refinement stops with
/// `lineSearchFailed`.
public enum CriticalPointRefiner {
    /// Refines `start` towards a nearby critical point of `objective`.
    /// - Parameters:
    ///   - objective: the function F.
    ///   - start: the initial point (length `objective.dimension`).
    ///   - settings: tolerances and safeguards.
    /// - Returns: the last iterate with its diagnostics; `converged` says whether it meets the
    ///   gradient tolerance. Never throws: a failed eigendecomposition stops with `nonFinite`.
    public static func refine<F: TwiceDifferentiableObjective>(
        _ objective: F, from start: [Double], settings: CriticalPointRefinerSettings = .init()
    ) -> CriticalPointRefinement {
        precondition(start.count == objective.dimension, "start has the wrong dimension")
        let d = start.count
        var x = start
        var g = objective.gradient(at: x)
        var phi = 0.5 * Dense.dot(g, g)
        var iterations = 0
        var fallbacks = 0
        var reason = RefinementStopReason.maxIterations

        func finish() -> CriticalPointRefinement {
            var analysis: HessianAnalysis?
            var finalReason = reason
            do {
                analysis = try HessianAnalysis(
                    point: x, gradient: g, hessian: objective.hessian(at: x),
                    tolerance: settings.eigenvalueTolerance, alignmentDepth: 0)
            } catch {
                finalReason = .nonFinite  // a finite symmetric Hessian always decomposes
            }
            let norm = Dense.norm(g)
            return CriticalPointRefinement(
                point: x, value: objective.value(at: x), gradientNorm: norm,
                converged: norm < settings.gradientTolerance, iterations: iterations,
                fallbackSteps: fallbacks, reason: finalReason, analysis: analysis)
        }

        /// Backtracking Armijo search along `direction` on the merit `merit` (value `m0`, slope
        /// `slope` = ∇merit·direction); the accepted point, its gradient and its φ.
        func lineSearch(
            _ direction: [Double], slope: Double, m0: Double,
            merit: ([Double], [Double]) -> Double
        ) -> ([Double], [Double], Double)? {
            guard slope < 0 else { return nil }
            var alpha = 1.0
            for _ in 0...settings.maxBacktracks {
                let trial = (0..<d).map { x[$0] + alpha * direction[$0] }
                let gTrial = objective.gradient(at: trial)
                let mTrial = merit(trial, gTrial)
                if mTrial.isFinite && mTrial <= m0 + settings.armijo * alpha * slope {
                    return (trial, gTrial, 0.5 * Dense.dot(gTrial, gTrial))
                }
                alpha *= settings.backtrackFactor
            }
            return nil
        }
        let gradientMerit: ([Double], [Double]) -> Double = { _, gTrial in 0.5 * Dense.dot(gTrial, gTrial) }
        let valueMerit: ([Double], [Double]) -> Double = { xTrial, _ in objective.value(at: xTrial) }

        while true {
            guard phi.isFinite else { reason = .nonFinite; break }
            if Dense.norm(g) < settings.gradientTolerance { reason = .converged; break }
            if iterations >= settings.maxIterations { reason = .maxIterations; break }

            let h = objective.hessian(at: x)
            let eig: SymmetricEigendecomposition
            do {
                eig = try SymmetricEigen.decompose(h, dimension: d)
            } catch {
                reason = .nonFinite  // the only failure for a finite-symmetric Hessian source
                break
            }
            let scale = eig.values.reduce(0) { max($0, abs($1)) }
            let cutoff = settings.pseudoInverseCutoff * scale
            var newton = [Double](repeating: 0, count: d)
            for (lambda, u) in zip(eig.values, eig.vectors) where abs(lambda) > cutoff {
                let c = Dense.dot(u, g) / lambda
                for j in 0..<d { newton[j] -= c * u[j] }
            }
            let meritGradient = Dense.multiply(h, rows: d, g)  // ∇φ = H g
            // Positive definite H: damped Newton on F itself (the classic globally convergent
            // minimizer; ‖g‖² may rise on the way, e.g. along Rosenbrock's valley). Otherwise the
            // merit ‖g‖², for which Newton is a descent direction whatever the inertia.
            let positiveDefinite = eig.values[0] > cutoff
            // Once the predicted decrease of F is below its rounding (|g·δ| ≤ 16 ε |F|), F cannot
            // judge a step (a search on it accepts whatever step rounding favours, and Newton
            // stalls): ‖g‖² decides from there.
            let valueSlope = Dense.dot(g, newton)
            let measurable = abs(valueSlope) > 16 * Double.ulpOfOne * abs(objective.value(at: x))
            if positiveDefinite, measurable,
                let (xn, gn, pn) = lineSearch(
                    newton, slope: valueSlope, m0: objective.value(at: x),
                    merit: valueMerit)
            {
                (x, g, phi) = (xn, gn, pn)
            } else if let (xn, gn, pn) = lineSearch(
                newton, slope: Dense.dot(meritGradient, newton), m0: phi,
                merit: gradientMerit)
            {
                (x, g, phi) = (xn, gn, pn)
            } else if let (xn, gn, pn) = lineSearch(
                meritGradient.map { -$0 },
                slope: -Dense.dot(meritGradient, meritGradient), m0: phi,
                merit: gradientMerit)
            {
                (x, g, phi) = (xn, gn, pn)
                fallbacks += 1
            } else {
                reason = .lineSearchFailed
                break
            }
            iterations += 1
        }
        return finish()
    }

    /// Refines a network towards a nearby critical point of `E_tr` on `data`.
    public static func refine(
        _ network: Network, on data: TrainingSet, settings: CriticalPointRefinerSettings = .init()
    ) -> CriticalPointRefinement {
        refine(TrainingErrorObjective(data: data, width: network.width), from: network.flat, settings: settings)
    }
}
