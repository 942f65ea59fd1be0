import LinearAlgebra
import MLPNumerics

/// Which part of each step is taken (Deng et al., "Suspicious alignment of SGD"): the whole step,
/// its projection onto the dominant Hessian subspace (top-k eigenvectors), or onto the bulk
/// (the orthogonal complement).
public enum StepProjection: String, CaseIterable, Sendable {
    case plain, dominant, bulk
}

/// A projected descent branch recorded at given times.
public struct ProjectedDescentRecord: Sendable {
    /// Recorded steps (from the branch point, t = 0 first).
    public var t: [Int] = []
    /// `F(x_t) − reference`.
    public var excess: [Double] = []
    /// `χ_k` of the full gradient ∇F(x_t) (NaN where it is 0).
    public var fullAlignment: [Double] = []
    /// `χ_k` of the stochastic gradient the step at t uses (NaN for full-batch descent).
    public var stochasticAlignment: [Double] = []
    /// λ_max of ∇²F(x_t).
    public var largestEigenvalue: [Double] = []
    /// The first step whose iterate is not finite, if any (recording stops before it).
    public var divergedAt: Int?
    /// The last finite iterate.
    public var final: [Double] = []

    public init() {}
}

/// Gradient descent whose every step is `x ← x − η Π g`, with `g` the full gradient (GD) or a
/// stochastic one (SGD) and `Π` the identity, `P_k` or `I − P_k`; `P_k` projects onto the top-k
/// eigenvectors of `∇²F` and is recomputed every `refreshEvery` steps (held fixed in between).
public struct ProjectedDescent<F: TwiceDifferentiableObjective> {
    public let objective: F
    public let projection: StepProjection
    public let learningRate: Double
    /// k, the dimension of the dominant subspace.
    public let dominantDimension: Int
    /// R ≥ 1: steps between recomputations of `P_k`.
    public let refreshEvery: Int

    public init(
        objective: F, projection: StepProjection, learningRate: Double, dominantDimension: Int, refreshEvery: Int
    ) {
        precondition(refreshEvery >= 1 && dominantDimension >= 1, "refreshEvery and k must be ≥ 1")
        self.objective = objective
        self.projection = projection
        self.learningRate = learningRate
        self.dominantDimension = dominantDimension
        self.refreshEvery = refreshEvery
    }

    /// Runs `steps` steps from `start`.
    /// - Parameters:
    ///   - recordTimes: strictly increasing times in `0...steps` at which to record.
    ///   - reference: subtracted from `F` (the run's refined limit).
    ///   - stochasticGradient: the gradient estimate for a step at x (each call draws the next
    ///     sample); nil for full-batch descent.
    /// - Throws: `SymmetricEigenError` when the Hessian is not finite at a finite iterate.
    public func run(
        from start: [Double], steps: Int, recordTimes: [Int], reference: Double,
        stochasticGradient: (([Double]) -> [Double])? = nil
    ) throws -> ProjectedDescentRecord {
        var x = start
        var record = ProjectedDescentRecord()
        var subspace: DominantSubspace?
        var next = recordTimes.startIndex
        let d = objective.dimension
        for t in 0...steps {
            let due = next < recordTimes.endIndex && recordTimes[next] == t
            if projection != .plain && t % refreshEvery == 0 && t < steps {
                subspace = try DominantSubspace(matrix: objective.hessian(at: x), dimension: d, k: dominantDimension)
            }
            guard t < steps || due else { break }
            let g = t < steps ? (stochasticGradient?(x) ?? objective.gradient(at: x)) : []
            if due {
                // Recorded against the Hessian at x_t itself, whatever the steps' projector.
                let fresh = try DominantSubspace(matrix: objective.hessian(at: x), dimension: d, k: dominantDimension)
                record.t.append(t)
                record.excess.append(objective.value(at: x) - reference)
                record.fullAlignment.append(fresh.alignment(objective.gradient(at: x)))
                record.stochasticAlignment.append(stochasticGradient != nil && t < steps ? fresh.alignment(g) : .nan)
                record.largestEigenvalue.append(fresh.largestEigenvalue)
                next += 1
            }
            guard t < steps else { break }
            let direction: [Double]
            switch projection {
            case .plain: direction = g
            case .dominant: direction = subspace!.project(g)
            case .bulk: direction = subspace!.complement(g)
            }
            let candidate = (0..<d).map { x[$0] - learningRate * direction[$0] }
            guard candidate.allSatisfy(\.isFinite) else {
                record.divergedAt = t + 1
                break
            }
            x = candidate
        }
        record.final = x
        return record
    }
}
