import MLPNumerics

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Limits grouped by the function they compute, not by their parameters.
public enum LimitFunctions {
    /// The squared L² distance between the functions of two networks,
    /// `E_{x~N(0,1)}[(f(x; a) − f(x; b))²]`, by the quadrature of `GeneralizationError` (b plays the
    /// teacher's part). Zero for two points of one orbit of the symmetry group, or of one line L.
    public static func distance(_ a: Network, _ b: Network) -> Double {
        GeneralizationError.value(a, teacher: b)
    }

    /// Greedy leader grouping in the given order: each point joins the first group whose leader's
    /// function is within `tolerance` (squared L² distance), else founds a new group.
    /// - Returns: the group of each point and the leaders (indices into `points`).
    public static func group(_ points: [Network], tolerance: Double) -> (assignment: [Int], leaders: [Int]) {
        var leaders: [Int] = []
        var assignment: [Int] = []
        for (i, point) in points.enumerated() {
            if let k = leaders.firstIndex(where: { distance(point, points[$0]) <= tolerance }) {
                assignment.append(k)
            } else {
                assignment.append(leaders.count)
                leaders.append(i)
            }
        }
        return (assignment, leaders)
    }

    /// The Wilson score interval for a binomial proportion `successes/trials` at normal quantile z
    /// (z = 1.959963984540054 for 95 %): `(p + z²/2N ± z √(p(1−p)/N + z²/4N²)) / (1 + z²/N)`.
    /// - Precondition: `0 ≤ successes ≤ trials`, `trials ≥ 1`.
    public static func wilsonInterval(successes: Int, trials: Int, z: Double = 1.959963984540054) -> ClosedRange<Double>
    {
        precondition(trials >= 1 && successes >= 0 && successes <= trials, "need 0 ≤ successes ≤ trials ≥ 1")
        let n = Double(trials), p = Double(successes) / n
        let z2 = z * z
        let center = p + z2 / (2 * n)
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        let denominator = 1 + z2 / n
        return max(0, (center - half) / denominator)...min(1, (center + half) / denominator)
    }
}
