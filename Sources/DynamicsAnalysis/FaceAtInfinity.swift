import MLPNumerics

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// A face of the closure of the function class `{Σ v_i tanh(w_i x)}`: the functions a network
/// approaches while some of its parameters diverge (the class is not closed). Each unit keeps
/// its role:
/// - `.tanh`: an ordinary unit `v tanh(w x)`, parameters (w, v);
/// - `.linear`: `w → 0`, `|v| → ∞`, `v w → p`: the unit becomes `p x`, parameter p;
/// - `.step`: `|w| → ∞`, `v sgn(w) → s`: the unit becomes `s sgn(x)`, parameter s;
/// - `.dipole(partner)`: this unit and `partner` (> this index, role `.partner`) merge,
///   `w_i, w_j → w̄` (signs folded so that w > 0) with `v_i, v_j → ±∞`: the pair becomes
///   `c tanh(w̄ x) + q x sech²(w̄ x)` (a derivative unit), parameters (w̄, c, q).
/// Parameters ρ are laid out unit by unit in that order.
public struct Face: Sendable, Equatable, CustomStringConvertible {
    public enum Role: Sendable, Equatable {
        case tanh, linear, step, dipole(partner: Int), partner
    }

    public let roles: [Role]
    /// The number of parameters ρ.
    public let dimension: Int
    /// Offsets of each unit's parameters in ρ (computed once: `evaluate` reads them per sample).
    let offsets: [Int]

    public init(roles: [Role]) {
        self.roles = roles
        var offsets: [Int] = []
        var k = 0
        for role in roles {
            offsets.append(k)
            switch role {
            case .tanh: k += 2
            case .linear, .step: k += 1
            case .dipole: k += 3
            case .partner: break
            }
        }
        self.offsets = offsets
        dimension = k
    }

    /// Whether some unit is at infinity (an all-tanh face is the network itself).
    public var isAtInfinity: Bool { roles.contains { $0 != .tanh } }

    /// E.g. "tanh + linear" or "dipole(1,2)".
    public var description: String {
        roles.enumerated().compactMap { i, role in
            switch role {
            case .tanh: return "tanh"
            case .linear: return "linear"
            case .step: return "step"
            case .dipole(let j): return "dipole(\(i + 1),\(j + 1))"
            case .partner: return nil
            }
        }.joined(separator: " + ")
    }

    /// `g(x; ρ)`, its gradient in ρ (into `gradient`, length `dimension`) and, when `hessian` is
    /// given, its Hessian in ρ (row-major, added to).
    func evaluate(_ x: Double, _ rho: [Double], gradient: inout [Double], hessian: UnsafeMutablePointer<Double>?)
        -> Double
    {
        let d = dimension
        var f = 0.0
        for (i, role) in roles.enumerated() {
            let k = offsets[i]
            switch role {
            case .tanh:
                let (w, v) = (rho[k], rho[k + 1])
                let t = tanh(w * x), s = 1 - t * t
                f += v * t
                gradient[k] = v * s * x
                gradient[k + 1] = t
                if let h = hessian {
                    h[k * d + k] += -2 * v * t * s * x * x
                    h[k * d + k + 1] += s * x
                    h[(k + 1) * d + k] += s * x
                }
            case .linear:
                f += rho[k] * x
                gradient[k] = x
            case .step:
                let sign: Double = x > 0 ? 1 : (x < 0 ? -1 : 0)
                f += rho[k] * sign
                gradient[k] = sign
            case .dipole:
                let (w, c, q) = (rho[k], rho[k + 1], rho[k + 2])
                let t = tanh(w * x), s = 1 - t * t
                f += c * t + q * x * s
                gradient[k] = c * s * x - 2 * q * t * s * x * x
                gradient[k + 1] = t
                gradient[k + 2] = x * s
                if let h = hessian {
                    h[k * d + k] += -2 * c * t * s * x * x - 2 * q * x * x * x * s * (1 - 3 * t * t)
                    h[k * d + k + 1] += s * x
                    h[(k + 1) * d + k] += s * x
                    h[k * d + k + 2] += -2 * t * s * x * x
                    h[(k + 2) * d + k] += -2 * t * s * x * x
                }
            case .partner:
                break
            }
        }
        return f
    }

    /// The face point a network lies near: tanh units as they are; a linear unit's `p = v w`; a
    /// step's `s = v sgn(w)`; a dipole's w̄ the mean of the folded |w|, `c = v_i + v_j` and
    /// `q = v_i (w_i − w̄) + v_j (w_j − w̄)` (first order in `w − w̄`).
    public func parameters(near net: Network) -> [Double] {
        var rho = [Double](repeating: 0, count: dimension)
        for (i, role) in roles.enumerated() {
            let k = offsets[i]
            let (w, v) = Face.folded(net, i)
            switch role {
            case .tanh: (rho[k], rho[k + 1]) = (w, v)
            case .linear: rho[k] = v * w
            case .step: rho[k] = v
            case .dipole(let j):
                let (wj, vj) = Face.folded(net, j)
                let mean = (w + wj) / 2
                (rho[k], rho[k + 1], rho[k + 2]) = (mean, v + vj, v * (w - mean) + vj * (wj - mean))
            case .partner: break
            }
        }
        return rho
    }

    /// Unit i with `w ≥ 0` (`v tanh(w x)` is unchanged by `(w, v) → (−w, −v)`).
    static func folded(_ net: Network, _ i: Int) -> (w: Double, v: Double) {
        net.w[i] < 0 ? (-net.w[i], -net.v[i]) : (net.w[i], net.v[i])
    }

    /// How far along its path to the face a unit is drawn when a face point is written as a
    /// network: linear `|w| = 1e-6` (function error `|p| w² |x|³/3`), step `|w| = 1e6` (exact in
    /// double precision for `|x| > 2·10⁻⁵`), dipole `|w_i − w_j| = 1e-5 · max(1, w̄)` (error
    /// O(δ²) from the expansion, O(ε/δ) from cancellation: ~1e-10 relative).
    public static let linearWidth = 1e-6, stepWidth = 1e6, dipoleSeparation = 1e-5

    /// A finite network whose function equals the face's `g(·; ρ)` to ~1e-10 relative, so that
    /// every routine that evaluates networks (E_tr, E_gen, grouping into limit functions) sees
    /// the limit function.
    public func network(_ rho: [Double]) -> Network {
        var w = [Double](repeating: 0, count: roles.count), v = w
        for (i, role) in roles.enumerated() {
            let k = offsets[i]
            switch role {
            case .tanh: (w[i], v[i]) = (rho[k], rho[k + 1])
            case .linear: (w[i], v[i]) = (Face.linearWidth, rho[k] / Face.linearWidth)
            case .step: (w[i], v[i]) = (Face.stepWidth, rho[k])
            case .dipole(let j):
                let (mean, c, q) = (rho[k], rho[k + 1], rho[k + 2])
                let delta = Face.dipoleSeparation * max(1, abs(mean))
                (w[i], v[i]) = (mean + delta / 2, c / 2 + q / delta)
                (w[j], v[j]) = (mean - delta / 2, c / 2 - q / delta)
            case .partner: break
            }
        }
        return Network(w: w, v: v)
    }

    /// For each unit at infinity, the first-order change of E_tr when it is moved back from the
    /// face to the network's current point (`residual`: `g(x_k; ρ*) − y_k` at the face's point):
    /// positive means E_tr falls towards the face, so GD keeps going there.
    /// - linear: `B = ∂E/∂(w²) = −(2p/3n) Σ r x³` (from `tanh u = u − u³/3 + …`), times `w_i²`;
    /// - step: `(2s/n) Σ r (tanh(W x) − sgn x)`, required positive at W = |w_i|·2^j for all j ≥ 0
    ///   (until every term underflows): E_tr falls all the way as |w_i| grows;
    /// - dipole: `δ² (2/n) Σ r [q x³ tanh'''(w̄x)/24 + c x² tanh''(w̄x)/8]`, δ = |w_i − w_j|.
    /// - Returns: the smallest of these (over the units at infinity); `−∞` if a step fails.
    public func boundaryExcess(_ rho: [Double], residual: [Double], data: TrainingSet, near net: Network) -> Double {
        let n = Double(data.count)
        var smallest = Double.infinity
        for (i, role) in roles.enumerated() {
            let k = offsets[i]
            let (wi, _) = Face.folded(net, i)
            switch role {
            case .linear:
                var cubic = 0.0
                for (x, r) in zip(data.x, residual) { cubic += r * x * x * x }
                smallest = min(smallest, -2 * rho[k] * cubic / (3 * n) * wi * wi)
            case .step:
                var scale = max(wi, 1e-3)
                var first = Double.nan
                for _ in 0..<64 {
                    var change = 0.0
                    for (x, r) in zip(data.x, residual) where x != 0 {
                        change += r * (tanh(scale * x) - (x > 0 ? 1 : -1))
                    }
                    change *= 2 * rho[k] / n
                    if first.isNaN { first = change }
                    if change == 0 { break }
                    if !(change > 0) { return -.infinity }
                    scale *= 2
                }
                smallest = min(smallest, first)
            case .dipole(let j):
                let (mean, c, q) = (rho[k], rho[k + 1], rho[k + 2])
                let delta = wi - Face.folded(net, j).w
                var sum = 0.0
                for (x, r) in zip(data.x, residual) {
                    let t = tanh(mean * x), s = 1 - t * t
                    sum += r * (q * x * x * x * (-2 * s * (1 - 3 * t * t)) / 24 + c * x * x * (-2 * t * s) / 8)
                }
                smallest = min(smallest, 2 * sum / n * delta * delta)
            case .tanh, .partner:
                break
            }
        }
        return smallest
    }
}

/// `E_tr` as a function of a face's parameters ρ: `(1/n) Σ (g(x_k; ρ) − y_k)²`.
public struct FaceObjective: TwiceDifferentiableObjective, Sendable {
    public let data: TrainingSet
    public let face: Face

    public init(data: TrainingSet, face: Face) {
        self.data = data
        self.face = face
    }

    public var dimension: Int { face.dimension }

    public func value(at rho: [Double]) -> Double {
        residual(at: rho).reduce(0) { $0 + $1 * $1 } / Double(data.count)
    }

    /// `g(x_k; ρ) − y_k` for every sample.
    public func residual(at rho: [Double]) -> [Double] {
        var scratch = [Double](repeating: 0, count: dimension)
        return zip(data.x, data.y).map { face.evaluate($0, rho, gradient: &scratch, hessian: nil) - $1 }
    }

    public func gradient(at rho: [Double]) -> [Double] {
        let d = dimension
        var g = [Double](repeating: 0, count: d), df = g
        for (x, y) in zip(data.x, data.y) {
            let r = face.evaluate(x, rho, gradient: &df, hessian: nil) - y
            for a in 0..<d { g[a] += r * df[a] }
        }
        return g.map { $0 * 2 / Double(data.count) }
    }

    /// `(2/n) Σ [∇g ∇gᵀ + r ∇²g]`.
    public func hessian(at rho: [Double]) -> [Double] {
        let d = dimension
        var h = [Double](repeating: 0, count: d * d), df = [Double](repeating: 0, count: d)
        var second = [Double](repeating: 0, count: d * d)
        for (x, y) in zip(data.x, data.y) {
            for a in 0..<(d * d) { second[a] = 0 }
            let r =
                second.withUnsafeMutableBufferPointer { face.evaluate(x, rho, gradient: &df, hessian: $0.baseAddress) }
                - y
            for a in 0..<d {
                for b in 0..<d { h[a * d + b] += df[a] * df[b] + r * second[a * d + b] }
            }
        }
        return h.map { $0 * 2 / Double(data.count) }
    }
}
