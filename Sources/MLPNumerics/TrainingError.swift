#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// The training error `E_tr(θ) = (1/n) Σ_k (f(x_k; θ) − y_k)²` (a mean, no factor 1/2) and its
/// analytic first and second derivatives. These are the reference routines: clear loops, used by
/// the analysis stages and as the oracle for the fast kernels.
public enum TrainingError {
    /// `E_tr(θ)`.
    public static func value(_ net: Network, on data: TrainingSet) -> Double {
        var sum = 0.0
        for k in 0..<data.count {
            let r = net(data.x[k]) - data.y[k]
            sum += r * r
        }
        return sum / Double(data.count)
    }

    /// The analytic gradient `∇E_tr` in the flat layout `(∂/∂w, ∂/∂v)`:
    /// `∂E/∂w_i = (2/n) Σ_k r_k v_i (1 − t_ik²) x_k`, `∂E/∂v_i = (2/n) Σ_k r_k t_ik`,
    /// with `t_ik = tanh(w_i x_k)` and residual `r_k = f(x_k) − y_k`.
    public static func gradient(_ net: Network, on data: TrainingSet) -> [Double] {
        let m = net.width
        var g = [Double](repeating: 0, count: 2 * m)
        var t = [Double](repeating: 0, count: m)
        for k in 0..<data.count {
            let x = data.x[k]
            var f = 0.0
            for i in 0..<m {
                t[i] = tanh(net.w[i] * x)
                f += net.v[i] * t[i]
            }
            let r = f - data.y[k]
            for i in 0..<m {
                g[i] += r * net.v[i] * (1 - t[i] * t[i]) * x
                g[m + i] += r * t[i]
            }
        }
        let scale = 2 / Double(data.count)
        return g.map { $0 * scale }
    }

    /// The analytic Hessian `∇²E_tr`, a `2m × 2m` symmetric matrix stored row-major:
    /// `(2/n) Σ_k [∇f_k ∇f_kᵀ + r_k ∇²f_k]`. The only nonzero second derivatives of f are
    /// `∂²f/∂w_i² = −2 v_i t (1 − t²) x²` and `∂²f/∂w_i∂v_i = (1 − t²) x`.
    public static func hessian(_ net: Network, on data: TrainingSet) -> [Double] {
        let m = net.width
        let d = 2 * m
        var h = [Double](repeating: 0, count: d * d)
        var df = [Double](repeating: 0, count: d)
        var t = [Double](repeating: 0, count: m)
        for k in 0..<data.count {
            let x = data.x[k]
            var f = 0.0
            for i in 0..<m {
                t[i] = tanh(net.w[i] * x)
                f += net.v[i] * t[i]
                df[i] = net.v[i] * (1 - t[i] * t[i]) * x
                df[m + i] = t[i]
            }
            let r = f - data.y[k]
            for a in 0..<d {
                for b in 0..<d { h[a * d + b] += df[a] * df[b] }
            }
            for i in 0..<m {
                let s = 1 - t[i] * t[i]
                h[i * d + i] += r * (-2 * net.v[i] * t[i] * s * x * x)
                h[i * d + (m + i)] += r * s * x
                h[(m + i) * d + i] += r * s * x
            }
        }
        let scale = 2 / Double(data.count)
        return h.map { $0 * scale }
    }
}
