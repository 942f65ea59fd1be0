#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// The generalization error `E_gen(θ) = E_{x~N(0,1)}[(f(x; θ) − f*(x))²]`, by deterministic quadrature.
///
/// Method (see docs/numerics.md). The integrand `g(x) = (f(x) − f*(x))² φ(x)` is even (f and f* are
/// odd), so `E_gen = 2 ∫_0^L g`. It is entire except for the poles of `tanh(w x)` at
/// `x = iπ(k + ½)/|w|`, all on the imaginary axis; the nearest lies at distance `d = π/(2W)`,
/// `W = max |w|` over student and teacher. That is why Gauss–Hermite (one global polynomial) converges
/// slowly for W ≳ 1. Here [0, L] is split into panels `[a, a + h]` with
/// `h = min(2, √(a² + d²))` — the panel is never wider than its distance to the nearest pole, so on
/// every panel the Bernstein-ellipse parameter is ≥ ~4.6 and a 16-point Gauss–Legendre rule errs by
/// ≲ ρ^(−32) ≈ 1e-21 relative; the cap of 2 keeps the Gaussian factor resolved. Panels grow
/// geometrically away from the origin, so even W = 10 needs only 8–9 panels (≈ 140 integrand
/// evaluations). `L` solves `2 B² φ(L)/L = 1e-17` with `B = Σ|v_i| + Σ|v*_j|` ≥ sup |f − f*|, a bound on
/// the dropped tail. Measured against a 30-digit reference: ≤ 2e-16 relative over W ≤ 12, m ≤ 4,
/// |v| ≤ 10 (absolute ≤ 3e-14, i.e. rounding).
public enum GeneralizationError {
    /// Nodes per panel.
    static let order = 16
    /// The cached 16-point rule.
    static let rule = GaussLegendreRule(order: order)
    /// The largest panel width (resolves the Gaussian factor to full precision with 16 nodes).
    static let maximumPanelWidth = 2.0
    /// The bound on the dropped tail `2 ∫_L^∞ g`.
    static let tailTolerance = 1e-17

    /// `E_gen` of `student` against `teacher`, with inputs `x ~ N(0, 1)`.
    /// - Parameters:
    ///   - student: the network θ (any width).
    ///   - teacher: the target network f* (any width).
    /// - Returns: `E_{x~N(0,1)}[(f(x; θ) − f*(x))²]`, accurate to ~1e-15 relative (plus 1e-17
    ///   absolute), for any finite weights; exactly 0 when `student == teacher`.
    public static func value(_ student: Network, teacher: Network) -> Double {
        var maxW = 0.0
        var bound = 0.0
        for i in 0..<student.width {
            maxW = max(maxW, abs(student.w[i]))
            bound += abs(student.v[i])
        }
        for j in 0..<teacher.width {
            maxW = max(maxW, abs(teacher.w[j]))
            bound += abs(teacher.v[j])
        }
        // tanh(0 · x) = 0 and v = 0 both make f − f* vanish identically.
        if maxW == 0 || bound == 0 { return 0 }
        precondition(maxW.isFinite && bound.isFinite, "E_gen needs finite weights")

        let length = tailCutoff(bound: bound)
        let poleDistance = Double.pi / (2 * maxW)
        let nodes = rule.nodes
        let weights = rule.weights
        let sw = student.w, sv = student.v, tw = teacher.w, tv = teacher.v

        var total = 0.0
        var a = 0.0
        while a < length {
            let h = min(maximumPanelWidth, (a * a + poleDistance * poleDistance).squareRoot(), length - a)
            let half = 0.5 * h
            let center = a + half
            var panel = 0.0
            for k in 0..<nodes.count {
                let x = center + half * nodes[k]
                var f = 0.0
                for i in 0..<sw.count { f += sv[i] * tanh(sw[i] * x) }
                var target = 0.0
                for j in 0..<tw.count { target += tv[j] * tanh(tw[j] * x) }
                let r = f - target
                panel += weights[k] * (r * r) * exp(-0.5 * x * x)
            }
            total += half * panel
            a += h
        }
        // 2 (evenness) × 1/√(2π) (the normal density).
        return total * (2 / (2 * Double.pi).squareRoot())
    }

    /// The `L` with `2 B² φ(L)/L = tailTolerance` (Mills' bound on `2 ∫_L^∞ B² φ`), by fixed-point
    /// iteration of `L = √(2 ln(2B² / (√(2π) L ε)))`, which contracts fast for L ≈ 8–10.
    static func tailCutoff(bound: Double) -> Double {
        let c = 2 * bound * bound / ((2 * Double.pi).squareRoot() * tailTolerance)
        var length = 8.0
        for _ in 0..<6 {
            length = (2 * log(max(c / length, 1))).squareRoot()
            length = max(length, 1)
        }
        return length
    }
}
