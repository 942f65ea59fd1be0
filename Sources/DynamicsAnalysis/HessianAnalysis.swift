import LinearAlgebra
import MLPNumerics

/// The local second-order picture of an objective at one point: Hessian spectrum, saddle index,
/// number of (numerically) zero eigenvalues, gradient norm, gradient–eigenvector alignment and the
/// GD stability threshold.
public struct HessianAnalysis: Sendable {
    /// The point analysed.
    public let point: [Double]
    /// The gradient `g = ∇F` at the point.
    public let gradient: [Double]
    /// `‖g‖₂`.
    public let gradientNorm: Double
    /// Eigenvalues (ascending) and unit eigenvectors of `∇²F`.
    public let spectrum: SymmetricEigendecomposition
    /// The tolerance τ actually used (see `EigenvalueTolerance`).
    public let tolerance: Double
    /// The saddle index: the number of eigenvalues `< −τ` (escape directions of gradient flow).
    public let index: Int
    /// The number of eigenvalues with `|λ| ≤ τ`.
    public let zeroCount: Int
    /// `alignment[k−1] = χ_k = ‖P_k g‖/‖g‖`, with `P_k` the orthogonal projector onto the
    /// eigenvectors of the k largest eigenvalues, k = 1…K; `nil` when `g = 0`.
    public let alignment: [Double]?

    /// Analyses a generic objective at `x`.
    /// - Parameters:
    ///   - objective: the function.
    ///   - x: the point.
    ///   - tolerance: how eigenvalues are classified as negative / zero / positive.
    ///   - alignmentDepth: K, the largest k for which χ_k is reported (clamped to the dimension).
    /// - Throws: `SymmetricEigenError` if the Hessian is not finite and symmetric or LAPACK fails.
    public init<F: TwiceDifferentiableObjective>(
        _ objective: F, at x: [Double],
        tolerance: EigenvalueTolerance = EigenvalueTolerance(), alignmentDepth: Int = 2
    ) throws {
        try self.init(
            point: x, gradient: objective.gradient(at: x), hessian: objective.hessian(at: x),
            tolerance: tolerance, alignmentDepth: alignmentDepth)
    }

    /// Analyses `E_tr` of `network` on `data`.
    /// - Throws: `SymmetricEigenError` as above.
    public init(
        network: Network, data: TrainingSet,
        tolerance: EigenvalueTolerance = EigenvalueTolerance(), alignmentDepth: Int = 2
    ) throws {
        try self.init(
            TrainingErrorObjective(data: data, width: network.width), at: network.flat,
            tolerance: tolerance, alignmentDepth: alignmentDepth)
    }

    /// Analyses a point from its gradient and row-major Hessian.
    /// - Throws: `SymmetricEigenError` as above.
    public init(
        point: [Double], gradient: [Double], hessian: [Double],
        tolerance: EigenvalueTolerance = EigenvalueTolerance(), alignmentDepth: Int = 2
    ) throws {
        let d = gradient.count
        let spectrum = try SymmetricEigen.decompose(hessian, dimension: d)
        let tau = tolerance.threshold(for: spectrum.values)
        self.point = point
        self.gradient = gradient
        self.gradientNorm = Dense.norm(gradient)
        self.spectrum = spectrum
        self.tolerance = tau
        self.index = spectrum.values.filter { $0 < -tau }.count
        self.zeroCount = spectrum.values.filter { abs($0) <= tau }.count
        self.alignment = HessianAnalysis.alignment(
            of: gradient, spectrum: spectrum, depth: min(max(alignmentDepth, 0), d))
    }

    /// The largest eigenvalue λ_max.
    public var largestEigenvalue: Double { spectrum.values[spectrum.values.count - 1] }

    /// The smallest eigenvalue λ_min.
    public var smallestEigenvalue: Double { spectrum.values[0] }

    /// The GD linear-stability threshold `2/λ_max` (`+∞` when `λ_max ≤ 0`): GD with step η is
    /// linearly stable along every eigendirection iff `η < 2/λ_max`.
    public var stabilityThreshold: Double {
        largestEigenvalue > 0 ? 2 / largestEigenvalue : .infinity
    }

    /// Whether the step size is below the stability threshold, `η · λ_max < 2`.
    public func isStable(stepSize eta: Double) -> Bool { eta * largestEigenvalue < 2 }

    /// `χ_k = ‖P_k g‖/‖g‖` for k = 1…depth (top-k eigenvectors), or `nil` if `g = 0`.
    /// Cumulative sums of the squared components `⟨u_i, g⟩²`, from the largest eigenvalue down.
    static func alignment(of g: [Double], spectrum: SymmetricEigendecomposition, depth: Int) -> [Double]? {
        let gNorm = Dense.norm(g)
        guard gNorm > 0 else { return nil }
        let unit = g.map { $0 / gNorm }
        var result = [Double]()
        var sum = 0.0
        for k in 0..<depth {
            let c = Dense.dot(spectrum.vectors[spectrum.dimension - 1 - k], unit)
            sum += c * c
            result.append(min(1, sum.squareRoot()))
        }
        return result
    }
}
