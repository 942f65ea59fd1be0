import Foundation
import LinearAlgebra
import MLPNumerics

/// An attracting periodic orbit of gradient descent's map `G(θ) = θ − η∇E_tr(θ)`: `G^k(θ*) = θ*`
/// for a least period k ≥ 2. Where the Hessian's largest eigenvalue near a minimum exceeds 2/η,
/// the minimum repels GD along that direction and GD settles on such an orbit instead — E_tr
/// alternates for ever and ‖∇E_tr‖ never falls below any tolerance (docs/analysis.md).
public struct PeriodicOrbit: Sendable, Equatable {
    /// The least period k ≥ 2.
    public let period: Int
    /// θ*, G(θ*), …, G^{k−1}(θ*), starting at the point of lowest E_tr.
    public let points: [Network]
    /// E_tr at each point.
    public let trainingErrors: [Double]
    /// The spectral radius of `DG^k(θ*) = Π_j (I − ηH(G^j θ*))`, below 1: the orbit attracts.
    public let multiplierRadius: Double
    /// `‖G^k(θ*) − θ*‖` after Newton's method.
    public let residual: Double
    /// The GD iterate's distance to the nearest orbit point, and the same after
    /// `PeriodicOrbits.confirmationCycles` more periods of GD from it.
    public let distance: Double
    public let distanceAfter: Double
}

/// Locates the periodic orbit of GD a run has settled on (`LimitSetKind.periodicOrbit`).
///
/// From the GD iterate θ: the least k ≤ `maximumPeriod` with `‖G^k(θ) − θ‖ ≤ closeness·‖G(θ) −
/// θ‖`
/// proposes a period; Newton's method on `G^k(x) − x` (Jacobian `DG^k − I`, backtracking on the
/// residual) finds the orbit; the least period is read off the converged orbit (period 1, a critical
/// point, is not an orbit); the orbit must attract (spectral radius ρ of `DG^k` below 1), θ must lie
/// within `reach·‖G(θ) − θ‖` of it, and GD from θ must approach it over `confirmationCycles` more
/// periods by at least half of what ρ predicts (or stay within the rounding floor 16·tolerance/(1 − ρ)
/// of it, as far as the orbit's position is known).
public enum PeriodicOrbits {
    public static let maximumPeriod = 8
    public static let closeness = 0.01
    public static let reach = 0.1
    public static let confirmationCycles = 1000
    public static let newtonIterations = 50

    /// The orbit θ is attracted to, as a located `LimitPoint` (kind `.periodicOrbit`, `point` the
    /// orbit's point of lowest E_tr, `orbit` set), or nil.
    public static func locate(_ net: Network, known: KnownSets) -> LimitPoint? {
        let (data, eta) = (known.data, known.eta)
        let theta = net.flat
        let ahead = iterates(theta, count: maximumPeriod, data: data, eta: eta)
        let step = Dense.distance(ahead[1], theta)
        guard step > 0, step.isFinite,
            let proposed = (2...maximumPeriod).first(where: { Dense.distance(ahead[$0], theta) <= closeness * step })
        else { return nil }
        func tolerance(_ x: [Double]) -> Double {
            max(eta * known.refiner.gradientTolerance, 64 * Double.ulpOfOne * max(1, Dense.norm(x)))
        }

        // Newton on F(x) = G^k(x) − x, to rounding level: GD's iterate may still be ~10⁻⁹ from an orbit whose
        // multiplier is close to 1 while its residual is already ~10⁻¹⁴ (measured), so Newton runs whatever θ's
        // residual, and stops once the residual is within tolerance and no longer halves (DG^k − I is then
        // ill-conditioned, and further steps only move x by rounding / (1 − ρ)).
        let d = theta.count
        var x = theta
        var residual = Dense.distance(ahead[proposed], theta)
        var iterations = 0
        while iterations < newtonIterations {
            let (orbit, jacobian) = cycle(x, period: proposed, data: data, eta: eta)
            var system = jacobian
            for i in 0..<d { system[i * d + i] -= 1 }
            let f = zip(orbit[proposed], x).map { $0 - $1 }
            guard let delta = try? GeneralMatrix.solve(system, dimension: d, f.map { -$0 }) else { return nil }
            let previous = residual
            var accepted = false
            var s = 1.0
            for _ in 0..<30 {
                let trial = zip(x, delta).map { $0 + s * $1 }
                let trialResidual = Dense.distance(
                    iterates(trial, count: proposed, data: data, eta: eta)[proposed], trial)
                if trialResidual.isFinite && (trialResidual < residual || trialResidual <= tolerance(trial)) {
                    (x, residual, accepted) = (trial, trialResidual, true)
                    break
                }
                s /= 2
            }
            guard accepted else { break }
            iterations += 1
            if residual <= tolerance(x) && !(2 * residual <= previous) { break }
        }
        guard residual <= tolerance(x) else { return nil }

        // The least period of the converged orbit; 1 would be a critical point.
        let orbit = iterates(x, count: proposed, data: data, eta: eta)
        guard
            let period = (1...proposed).first(where: {
                proposed % $0 == 0 && Dense.distance(orbit[$0], x) <= 16 * tolerance(x)
            }),
            period >= 2
        else { return nil }
        let points = Array(orbit.prefix(period + 1))
        let jacobian = jacobian(along: points, data: data, eta: eta)
        guard let radius = try? GeneralMatrix.spectralRadius(jacobian, dimension: d), radius < 1 else { return nil }

        // θ must lie close to the orbit next to the orbit's own step (`reach`), and GD from θ must approach it as
        // the multiplier says (at least half the predicted contraction over `confirmationCycles` periods), unless it
        // is on it as far as rounding can tell: the orbit is only known to rounding / (1 − ρ). Not close: a start
        // drifting along a near-continuum of 2-cycles (multiplier 1 − 2·10⁻⁷, measured), where Newton lands on a
        // cycle 0.03–1.5 away and GD does not approach it.
        let phases = Array(points.prefix(period))
        let before = phases.map { Dense.distance($0, theta) }.min()!
        guard before <= reach * step else { return nil }
        let later = iterates(theta, count: confirmationCycles * period, data: data, eta: eta, keep: false).last!
        let after = phases.map { Dense.distance($0, later) }.min()!
        let predicted = pow(radius, Double(confirmationCycles))
        let floor = 16 * tolerance(x) / max(1 - radius, Double.ulpOfOne)
        guard after <= floor || after <= before * (1 - (1 - predicted) / 2) else { return nil }

        // The phase of lowest E_tr represents the orbit.
        let errors = phases.map { TrainingError.value(Network(flat: $0), on: data) }
        let first = errors.indices.min { errors[$0] < errors[$1] }!
        let rotated = (0..<period).map { phases[(first + $0) % period] }
        let point = Network(flat: rotated[0])
        let gradient = TrainingError.gradient(point, on: data)
        let analysis = try? HessianAnalysis(
            point: point.flat, gradient: gradient, hessian: TrainingError.hessian(point, on: data),
            tolerance: known.refiner.eigenvalueTolerance, alignmentDepth: 0)
        var located = LimitPoint(
            kind: .periodicOrbit, point: point, trainingError: errors[first], gradientNorm: Dense.norm(gradient),
            eigenvalues: analysis?.spectrum.values ?? [], index: analysis?.index ?? -1,
            zeroCount: analysis?.zeroCount ?? -1, gamma: nil, gammaStable: nil, converged: true,
            iterations: iterations, method: "Newton on G^\(proposed)(theta) = theta, least period \(period)",
            path: [theta, x])
        located.orbit = PeriodicOrbit(
            period: period, points: rotated.map { Network(flat: $0) },
            trainingErrors: (0..<period).map { errors[(first + $0) % period] }, multiplierRadius: radius,
            residual: residual, distance: before, distanceAfter: after)
        return located
    }

    /// x, G(x), …, G^count(x) (with `keep: false` only x and the last).
    public static func iterates(_ x: [Double], count: Int, data: TrainingSet, eta: Double, keep: Bool = true)
        -> [[Double]]
    {
        var result = [x]
        var current = x
        for _ in 0..<count {
            let g = TrainingError.gradient(Network(flat: current), on: data)
            for i in current.indices { current[i] -= eta * g[i] }
            if keep { result.append(current) }
        }
        if !keep { result.append(current) }
        return result
    }

    /// The orbit segment x, G(x), …, G^period(x) and the Jacobian `DG^period(x) = Π_j (I − ηH(G^j x))`
    /// (row-major, the latest factor on the left).
    public static func cycle(_ x: [Double], period: Int, data: TrainingSet, eta: Double) -> (
        points: [[Double]], jacobian: [Double]
    ) {
        let points = iterates(x, count: period, data: data, eta: eta)
        return (points, jacobian(along: points, data: data, eta: eta))
    }

    /// `Π_j (I − ηH(points[j]))` over all points but the last (the chain rule along an orbit segment).
    static func jacobian(along points: [[Double]], data: TrainingSet, eta: Double) -> [Double] {
        let d = points[0].count
        var jacobian = (0..<(d * d)).map { $0 / d == $0 % d ? 1.0 : 0.0 }
        for point in points.dropLast() {
            var factor = TrainingError.hessian(Network(flat: point), on: data).map { -eta * $0 }
            for i in 0..<d { factor[i * d + i] += 1 }
            jacobian = GeneralMatrix.multiply(factor, jacobian, dimension: d)
        }
        return jacobian
    }

}
