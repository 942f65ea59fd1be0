/// Euclidean distances in θ = (w, v) from a parameter point to the distinguished regions of parameter
/// space: the singular set (here) and the optimal region (OptimalRegion.swift).
public enum Regions {}

/// One hyperplane of the singular set `S`, where the network equals a narrower one.
public enum SingularComponent: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// `w_i = 0`: neuron i is silent.
    case inputWeightZero(Int)
    /// `v_i = 0`: neuron i is disconnected.
    case outputWeightZero(Int)
    /// `w_i = w_j` (i < j): neurons i and j merge into one.
    case inputWeightsEqual(Int, Int)
    /// `w_i = −w_j` (i < j): neurons i and j merge after a sign flip.
    case inputWeightsOpposite(Int, Int)

    public var description: String {
        switch self {
        case .inputWeightZero(let i): return "w_\(i + 1) = 0"
        case .outputWeightZero(let i): return "v_\(i + 1) = 0"
        case .inputWeightsEqual(let i, let j): return "w_\(i + 1) = w_\(j + 1)"
        case .inputWeightsOpposite(let i, let j): return "w_\(i + 1) = -w_\(j + 1)"
        }
    }
}

/// The distance from θ to the singular set, the nearest hyperplane, and the orthogonal projection.
public struct SingularSetProjection: Equatable, Sendable {
    /// `dist(θ, S)`.
    public let distance: Double
    /// The nearest component (the first in the order w_i = 0, v_i = 0, w_i = w_j, w_i = −w_j on ties).
    public let component: SingularComponent
    /// The orthogonal projection of θ onto `component`, a nearest point of S.
    public let nearest: Network
}

extension Regions {
    /// The Euclidean distance from `net` to `S = ∪_i {w_i = 0} ∪ {v_i = 0} ∪ ∪_{i<j} {w_i = w_j} ∪ {w_i =
    /// −w_j}`.
    ///
    /// Each component is a hyperplane, so the distance is the minimum of `|w_i|`, `|v_i|`,
    /// `|w_i − w_j|/√2` and `|w_i + w_j|/√2`.
    /// - Returns: the distance, the nearest component and the projection onto it.
    public static func singularSet(_ net: Network) -> SingularSetProjection {
        let m = net.width
        var best = Double.infinity
        var component = SingularComponent.inputWeightZero(0)
        func consider(_ d: Double, _ c: SingularComponent) {
            if d < best { (best, component) = (d, c) }
        }
        for i in 0..<m { consider(abs(net.w[i]), .inputWeightZero(i)) }
        for i in 0..<m { consider(abs(net.v[i]), .outputWeightZero(i)) }
        let invSqrt2 = 1 / 2.0.squareRoot()
        for i in 0..<m {
            for j in 0..<m where j > i {
                consider(abs(net.w[i] - net.w[j]) * invSqrt2, .inputWeightsEqual(i, j))
            }
        }
        for i in 0..<m {
            for j in 0..<m where j > i {
                consider(abs(net.w[i] + net.w[j]) * invSqrt2, .inputWeightsOpposite(i, j))
            }
        }
        var nearest = net
        switch component {
        case .inputWeightZero(let i):
            nearest.w[i] = 0
        case .outputWeightZero(let i):
            nearest.v[i] = 0
        case .inputWeightsEqual(let i, let j):
            let mean = 0.5 * (net.w[i] + net.w[j])
            nearest.w[i] = mean
            nearest.w[j] = mean
        case .inputWeightsOpposite(let i, let j):
            let mean = 0.5 * (net.w[i] - net.w[j])
            nearest.w[i] = mean
            nearest.w[j] = -mean
        }
        return SingularSetProjection(distance: best, component: component, nearest: nearest)
    }
}
