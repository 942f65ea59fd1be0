/// Roots of a scalar function of one variable: sign-change brackets on a sampled grid, then
/// Brent's method inside each bracket.
public enum RootFinding {
    /// Brackets `[x_i, x_j]` of consecutive grid points whose values have strictly opposite signs,
    /// treating values with `|v| ≤ zeroBand` as unsigned (they neither start nor end a bracket, so
    /// a run of near-zero values between a positive and a negative value becomes one bracket, and
    /// a function that stays inside the band has no sign change at all).
    /// - Precondition: `xs` and `values` have equal lengths and `xs` increases.
    public static func signChangeBrackets(xs: [Double], values: [Double], zeroBand: Double) -> [(
        lower: Double, upper: Double
    )] {
        precondition(xs.count == values.count, "xs and values differ in length")
        var brackets: [(lower: Double, upper: Double)] = []
        var last: (x: Double, positive: Bool)?
        for (x, v) in zip(xs, values) where abs(v) > zeroBand && v.isFinite {
            let positive = v > 0
            if let previous = last, previous.positive != positive { brackets.append((previous.x, x)) }
            last = (x, positive)
        }
        return brackets
    }

    /// A root of `f` in `[a, b]` by Brent's method (inverse quadratic interpolation, secant and
    /// bisection; R. P. Brent, *Algorithms for Minimization without Derivatives*, 1973, ch. 4).
    /// - Parameters:
    ///   - f: a continuous function with `f(a)·f(b) ≤ 0`.
    ///   - tolerance: the absolute width at which the bracket counts as converged; the effective
    ///     tolerance is `2·ε·|x| + tolerance/2` (ε = machine epsilon).
    /// - Returns: the root (an endpoint if f vanishes there), or nil when `f(a)` and `f(b)` have the
    ///   same strict sign or a value is not finite.
    public static func brent(
        _ f: (Double) -> Double, _ a: Double, _ b: Double,
        tolerance: Double = 1e-15, maxIterations: Int = 200
    ) -> Double? {
        var a = a, b = b
        var fa = f(a), fb = f(b)
        guard fa.isFinite, fb.isFinite else { return nil }
        if fa == 0 { return a }
        if fb == 0 { return b }
        guard (fa > 0) != (fb > 0) else { return nil }
        var c = a, fc = fa
        var d = b - a, e = d
        for _ in 0..<maxIterations {
            if (fb > 0) == (fc > 0) {
                c = a; fc = fa
                d = b - a; e = d
            }
            if abs(fc) < abs(fb) {
                a = b; b = c; c = a
                fa = fb; fb = fc; fc = fa
            }
            let tol = 2 * Double.ulpOfOne * abs(b) + 0.5 * tolerance
            let m = 0.5 * (c - b)
            if abs(m) <= tol || fb == 0 { return b }
            if abs(e) >= tol && abs(fa) > abs(fb) {
                // Interpolation: secant when a == c, else inverse quadratic.
                let s = fb / fa
                var p: Double, q: Double
                if a == c {
                    p = 2 * m * s
                    q = 1 - s
                } else {
                    let qa = fa / fc, r = fb / fc
                    p = s * (2 * m * qa * (qa - r) - (b - a) * (r - 1))
                    q = (qa - 1) * (r - 1) * (s - 1)
                }
                if p > 0 { q = -q } else { p = -p }
                if 2 * p < min(3 * m * q - abs(tol * q), abs(e * q)) {
                    e = d
                    d = p / q
                } else {
                    d = m; e = m
                }
            } else {
                d = m; e = m
            }
            a = b; fa = fb
            b += abs(d) > tol ? d : (m > 0 ? tol : -tol)
            fb = f(b)
            guard fb.isFinite else { return nil }
        }
        return b
    }

    /// Every root of `f` found by sampling it on `grid` and refining each sign change by Brent.
    /// - Parameter zeroBand: values with `|f| ≤ zeroBand` on the grid count as unsigned (see
    ///   `signChangeBrackets`), so rounding noise around an identically-zero function is no root.
    public static func roots(of f: (Double) -> Double, grid: [Double], zeroBand: Double, tolerance: Double = 1e-15)
        -> [Double]
    {
        let values = grid.map(f)
        return signChangeBrackets(xs: grid, values: values, zeroBand: zeroBand).compactMap {
            brent(f, $0.lower, $0.upper, tolerance: tolerance)
        }
    }
}
