import MLPNumerics

/// A twice-differentiable function `F: Rᵈ → R` with its analytic gradient and Hessian.
///
/// The critical-point and Hessian analyses are written against this protocol so that they can be
/// tested on functions whose critical points are known in closed form.
public protocol TwiceDifferentiableObjective {
    /// The dimension d of the argument.
    var dimension: Int { get }
    /// `F(x)`.
    func value(at x: [Double]) -> Double
    /// `∇F(x)`, length d.
    func gradient(at x: [Double]) -> [Double]
    /// `∇²F(x)`, `d × d` row-major and symmetric.
    func hessian(at x: [Double]) -> [Double]
}

/// The training error `E_tr(θ)` of a width-m network on a fixed training set, as an objective of
/// the flat parameter vector `θ = (w_1..w_m, v_1..v_m)`.
public struct TrainingErrorObjective: TwiceDifferentiableObjective, Sendable {
    public let data: TrainingSet
    public let width: Int

    /// - Precondition: `width ≥ 1`.
    public init(data: TrainingSet, width: Int) {
        precondition(width >= 1, "width must be ≥ 1")
        self.data = data
        self.width = width
    }

    public var dimension: Int { 2 * width }

    public func value(at x: [Double]) -> Double {
        TrainingError.value(Network(flat: x), on: data)
    }

    public func gradient(at x: [Double]) -> [Double] {
        TrainingError.gradient(Network(flat: x), on: data)
    }

    public func hessian(at x: [Double]) -> [Double] {
        TrainingError.hessian(Network(flat: x), on: data)
    }
}
