import MLPNumerics

/// Where a trajectory is heading at its end, judged from its distances to the named regions.
///
/// Rule (docs/phases.md): the run is *approaching the optimal region* M when its Euclidean
/// distance to M at the last grid point is below `nearDistance` and has shrunk over the last
/// decade of t; otherwise it *converged* when the gradient criterion of the phase detector held,
/// else it is *still moving*. A noiseless run (D_0) drifts towards M without reaching it in finite
/// time, while its gradient is already tiny: the distance, not the gradient, tells them apart.
public enum Destination: String, Sendable {
    case approachingOptimalRegion = "approaching the optimal region"
    case converged = "converged to a critical point"
    case stillMoving = "still moving"

    /// Classifies a trajectory.
    /// - Parameters:
    ///   - time: the log grid t (increasing).
    ///   - distanceToOptimal: distance to M at each grid point, or nil when M is not defined here.
    ///   - converged: whether the phase detector found convergence.
    ///   - nearDistance: the distance below which a shrinking run counts as approaching M.
    public static func classify(
        time: [Double], distanceToOptimal: [Double]?, converged: Bool,
        nearDistance: Double
    ) -> Destination {
        if let distance = distanceToOptimal, let last = distance.last, let tLast = time.last, tLast > 0 {
            let decadeEarlier = time.lastIndex { $0 <= tLast / 10 } ?? 0
            if last < nearDistance && last < distance[decadeEarlier] { return .approachingOptimalRegion }
        }
        return converged ? .converged : .stillMoving
    }
}
