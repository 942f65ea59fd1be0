#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Parameters of the one-input, one-output tanh network `f(x; θ) = Σ_i v_i tanh(w_i x)` (no biases).
///
/// The flat layout used by every derivative routine is `θ = (w_1, …, w_m, v_1, …, v_m)`.
public struct Network: Equatable, Sendable {
    /// Input weights `w_i`.
    public var w: [Double]
    /// Output weights `v_i`.
    public var v: [Double]

    /// Creates a network of width `w.count`.
    /// - Precondition: `w.count == v.count` and `w.count ≥ 1`.
    public init(w: [Double], v: [Double]) {
        precondition(w.count == v.count && !w.isEmpty, "w and v must have the same length ≥ 1")
        self.w = w
        self.v = v
    }

    /// Creates a network from the flat vector `θ = (w, v)`.
    public init(flat theta: [Double]) {
        precondition(theta.count >= 2 && theta.count % 2 == 0, "θ must have even length ≥ 2")
        let m = theta.count / 2
        self.init(w: Array(theta[0..<m]), v: Array(theta[m...]))
    }

    /// The number of hidden neurons m.
    public var width: Int { w.count }

    /// The flat vector `θ = (w_1, …, w_m, v_1, …, v_m)`.
    public var flat: [Double] { w + v }

    /// The network output `f(x; θ)`.
    @inlinable
    public func callAsFunction(_ x: Double) -> Double {
        var sum = 0.0
        for i in 0..<w.count { sum += v[i] * tanh(w[i] * x) }
        return sum
    }
}

/// A fixed training set `{(x_k, y_k)}`.
public struct TrainingSet: Equatable, Sendable {
    public var x: [Double]
    public var y: [Double]

    /// - Precondition: `x.count == y.count` and at least one sample.
    public init(x: [Double], y: [Double]) {
        precondition(x.count == y.count && !x.isEmpty, "x and y must have the same nonzero length")
        self.x = x
        self.y = y
    }

    public var count: Int { x.count }
}
