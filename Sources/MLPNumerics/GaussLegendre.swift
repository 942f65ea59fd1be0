#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// An n-point Gauss–Legendre rule on [−1, 1]: `∫_{−1}^{1} g ≈ Σ_k weights[k] · g(nodes[k])`,
/// exact for polynomials of degree ≤ 2n − 1.
public struct GaussLegendreRule: Sendable {
    /// The nodes, ascending, in (−1, 1).
    public let nodes: [Double]
    /// The positive weights; they sum to 2.
    public let weights: [Double]

    /// Computes the rule by Newton's method on the Legendre polynomial `P_n` (three-term recurrence),
    /// started from Tricomi's estimate `cos(π(k − ¼)/(n + ½))`; nodes and weights are accurate to a
    /// few ulp. Weights are `2 / ((1 − x²) P_n'(x)²)`.
    /// - Precondition: `n ≥ 1`.
    public init(order n: Int) {
        precondition(n >= 1, "a Gauss–Legendre rule needs at least one node")
        var nodes = [Double](repeating: 0, count: n)
        var weights = [Double](repeating: 0, count: n)
        for k in 0..<(n + 1) / 2 {
            var x = cos(Double.pi * (Double(k) + 0.75) / (Double(n) + 0.5))
            for _ in 0..<100 {
                let (p, dp) = Self.legendre(n, at: x)
                let step = p / dp
                x -= step
                if abs(step) <= 1e-16 * max(1, abs(x)) { break }
            }
            let derivative = Self.legendre(n, at: x).derivative
            let weight = 2 / ((1 - x * x) * derivative * derivative)
            // Node k counts down from the largest; mirror it onto the negative side.
            nodes[n - 1 - k] = x
            nodes[k] = -x
            weights[n - 1 - k] = weight
            weights[k] = weight
        }
        if n % 2 == 1 { nodes[n / 2] = 0 }
        self.nodes = nodes
        self.weights = weights
    }

    /// `(P_n(x), P_n'(x))` by the recurrence `(j+1) P_{j+1} = (2j+1) x P_j − j P_{j−1}`.
    private static func legendre(_ n: Int, at x: Double) -> (value: Double, derivative: Double) {
        var previous = 1.0
        var current = x
        if n == 0 { return (1, 0) }
        for j in 1..<n {
            let next = (Double(2 * j + 1) * x * current - Double(j) * previous) / Double(j + 1)
            previous = current
            current = next
        }
        // P_n' = n (x P_n − P_{n−1}) / (x² − 1), valid strictly inside (−1, 1).
        return (current, Double(n) * (x * current - previous) / (x * x - 1))
    }
}
