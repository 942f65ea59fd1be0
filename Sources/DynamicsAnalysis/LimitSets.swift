import LinearAlgebra
import MLPNumerics

/// What kind of set a gradient-descent limit lies in.
public enum LimitSetKind: String, Sendable, CaseIterable {
    /// A critical point with a positive definite Hessian: one point modulo symmetry.
    case isolatedMinimum = "isolated minimum"
    /// A point of the embedded one-neuron line L (`EmbeddedLine`): one function, a continuum of points.
    case embeddedLine = "embedded line"
    /// A point of the optimal manifold M (f = f*), when M is a set of global minima (noiseless data).
    case optimalManifold = "optimal manifold M"
    /// Any other critical point (a saddle, or a degenerate point on no known set).
    case otherCriticalPoint = "other critical point"
    /// No critical point: parameters diverge while the function approaches a strict minimum of a
    /// face at infinity (a unit turning linear or into a step, or two merging; `LimitsAtInfinity`).
    case atInfinity = "at infinity"
    /// No critical point: GD settles on an attracting periodic orbit `θ = G^k(θ)`, k ≥ 2, of its map
    /// `G(θ) = θ − η∇E_tr(θ)` (`PeriodicOrbits`), E_tr alternating for ever.
    case periodicOrbit = "periodic orbit of GD"
    /// No critical point was reached or certified.
    case notConverged = "not converged"
}

/// The critical sets of one run known before any start runs, and how points are located on them.
public struct KnownSets: Sendable {
    public let data: TrainingSet
    /// The GD step size the limits are reached with.
    public let eta: Double
    /// The embedded line (width 2 only), nil when it does not apply.
    public let line: EmbeddedLine?
    /// The GD-stable segments of L for `eta` (`EmbeddedLine.stableSegments`).
    public let lineSegments: [ClosedRange<Double>]
    /// The teacher when M is a set of global minima of this run (the teacher reproduces the
    /// targets: `‖∇E_tr(f*)‖ < refiner.gradientTolerance` and `E_tr(f*) ≤ refiner.gradientTolerance`),
    /// else nil. Needs a one-neuron teacher (`Regions.optimalRegion`).
    public let optimalTeacher: Network?
    public private(set) var refiner: CriticalPointRefinerSettings
    /// A refined point within this distance of L or M is projected onto it; a point whose outputs
    /// fit the targets to this RMS (`E_tr − E_tr(f*) ≤ setTolerance²`) is on M when M is a set of
    /// global minima (M's degenerate points are approached like d⁴, so parameters lag outputs).
    public let setTolerance: Double

    public init(
        data: TrainingSet, eta: Double, line: EmbeddedLine?, lineSegments: [ClosedRange<Double>],
        teacher: Network, width: Int, refiner: CriticalPointRefinerSettings, setTolerance: Double
    ) {
        self.data = data
        self.eta = eta
        self.line = width == 2 && (line?.fit.c ?? 0) != 0 ? line : nil
        self.lineSegments = lineSegments
        self.refiner = refiner
        self.setTolerance = setTolerance
        var optimal: Network?
        if teacher.width == 1, teacher.w[0] != 0, teacher.v[0] != 0, width <= Regions.maximumOptimalRegionWidth {
            let g = Dense.norm(TrainingError.gradient(teacher, on: data))
            if g < refiner.gradientTolerance && TrainingError.value(teacher, on: data) <= refiner.gradientTolerance {
                optimal = teacher
            }
        }
        optimalTeacher = optimal
    }

    /// The same sets with other Newton settings.
    public func with(refiner: CriticalPointRefinerSettings) -> KnownSets {
        var copy = self
        copy.refiner = refiner
        return copy
    }

    /// `E_tr` on L, when L applies.
    public var lineLevel: Double? { line?.trainingError }
}

/// A critical point reached from a GD limit (or from a point being certified), located on its set.
public struct LimitPoint: Sendable {
    public let kind: LimitSetKind
    /// The critical point; on L or M it is the projection onto the set (exactly critical there).
    public let point: Network
    public let trainingError: Double
    public let gradientNorm: Double
    /// The Hessian spectrum (ascending), index and zero count at `point` (empty/−1 when not finite).
    public let eigenvalues: [Double]
    public let index: Int
    public let zeroCount: Int
    /// γ of the point on L (folded, γ ≥ 1/2) and whether it lies in a GD-stable segment.
    public let gamma: Double?
    public let gammaStable: Bool?
    /// Whether the refinement reached `‖∇E_tr‖ < newton_tolerance` (after projecting onto its set).
    public let converged: Bool
    public let iterations: Int
    /// How the point was reached, e.g. "Levenberg-Marquardt, projected onto the embedded line".
    public let method: String
    /// The descent path of the refinement (start, accepted iterates, the projection), for the
    /// sublevel-set check of a certificate.
    public let path: [[Double]]
    /// For `.atInfinity`: the face and its minimum (the eigenvalues above are the face's Hessian
    /// there, `point` a finite network computing the face's function); nil otherwise.
    public var atInfinity: LimitAtInfinity? = nil
    /// For `.periodicOrbit`: the orbit (`point` is its point of lowest E_tr); nil otherwise.
    public var orbit: PeriodicOrbit? = nil
}

extension LimitPoint {
    /// `.stays` when the point lies on L with 0 < γ < 1 (folded: 1/2 ≤ γ < 1), else `.leaves`.
    public var interiorOutcome: InteriorOutcome {
        kind == .embeddedLine && (gamma ?? 1) < 1 ? .stays : .leaves
    }
}

/// Refines points to critical points located on known sets, and certifies GD limits early.
///
/// Refinement (`refine`): the safeguarded pseudo-inverse Newton iteration (`CriticalPointRefiner`,
/// attracted to critical points of any index), then, where it fails, Levenberg–Marquardt on E_tr
/// (`descend`; monotone: every accepted step lowers E_tr; step `−(H + μI)⁺ g` with the shift raised
/// past the most negative eigenvalue and the pseudo-inverse dropping |λ| ≤ cutoff·max|λ|, so on a
/// continuum of critical points it stops on the set instead of sliding along it). If the end lies
/// within `setTolerance` of M (when M is a set of global minima) or of L, the point is replaced by
/// its orthogonal projection onto that set, which is exactly critical: refinement on a continuum
/// does not fail, it says which set.
public enum LimitSetRefiner {
    /// Refines `net` to a nearby critical point of any index and says which set it lies on:
    /// safeguarded Newton first (attracted to saddles and minima alike); if it fails, or ends
    /// on no critical point, Levenberg–Marquardt (a descent method, for degenerate minima such as
    /// M's branch intersections). Either end is located on L or M when it lies within
    /// `setTolerance` of one.
    /// - Parameter descendIfNewtonFails: false keeps Newton's (failed) end, e.g. for points far
    ///   from any critical point whose nearest saddle is wanted, not a minimum below them.
    public static func refine(_ net: Network, known: KnownSets, descendIfNewtonFails: Bool = true) -> LimitPoint {
        let objective = TrainingErrorObjective(data: known.data, width: net.width)
        let newton = CriticalPointRefiner.refine(objective, from: net.flat, settings: known.refiner)
        let newtonPath = [net.flat, newton.point]
        // Newton may slide along a continuum (the eigenvalue along it is near zero off it): the
        // set is where it ends, the point reported is the set's point nearest to `net` (for a GD
        // limit close to a Morse–Bott set, where GD itself settles to first order).
        if let located = locate(
            Network(flat: newton.point), known: known, iterations: newton.iterations,
            method: "Newton", path: newtonPath, nearestTo: net)
        {
            return located
        }
        if newton.converged || !descendIfNewtonFails {
            return finish(
                Network(flat: newton.point), known: known, iterations: newton.iterations,
                method: newton.converged ? "Newton" : "Newton (\(newton.reason.rawValue))", path: newtonPath)
        }
        return descend(net, known: known)
    }

    /// Refines `net` by Levenberg–Marquardt alone — a monotone descent, so it ends at a minimum
    /// (or a degenerate critical point), with its descent path — and locates the end. The
    /// certificate uses this: only minima can be certain limits, and the path is its evidence.
    public static func descend(_ net: Network, known: KnownSets) -> LimitPoint {
        let objective = TrainingErrorObjective(data: known.data, width: net.width)
        let lm = levenbergMarquardt(objective, from: net.flat, settings: known.refiner)
        if let located = locate(
            Network(flat: lm.point), known: known, iterations: lm.iterations,
            method: "Levenberg-Marquardt", path: lm.path)
        {
            return located
        }
        return finish(
            Network(flat: lm.point), known: known, iterations: lm.iterations, method: "Levenberg-Marquardt",
            path: lm.path)
    }

    /// The point on L or M that `x` lies on — within `setTolerance` of it — as the projection of
    /// `nearestTo` (default: x itself) onto that set, when it is critical; nil otherwise.
    public static func locate(
        _ x: Network, known: KnownSets, iterations: Int, method: String, path: [[Double]],
        nearestTo reference: Network? = nil
    ) -> LimitPoint? {
        let reference = reference ?? x
        if let teacher = known.optimalTeacher {
            let projection = Regions.optimalRegion(x, teacher: teacher)
            let excess = TrainingError.value(x, on: known.data) - TrainingError.value(teacher, on: known.data)
            if projection.distance <= known.setTolerance || excess <= known.setTolerance * known.setTolerance,
                let point = onSet(
                    Regions.optimalRegion(reference, teacher: teacher).nearest, kind: .optimalManifold, gamma: nil,
                    known: known, iterations: iterations, method: method + ", projected onto M", path: path)
            {
                return point
            }
        }
        if let line = known.line, line.project(x).distance <= known.setTolerance {
            let projection = line.project(reference)
            if let point = onSet(
                projection.nearest, kind: .embeddedLine, gamma: projection.gamma, known: known, iterations: iterations,
                method: method + ", projected onto the embedded line", path: path)
            {
                return point
            }
        }
        return nil
    }

    private static func onSet(
        _ point: Network, kind: LimitSetKind, gamma: Double?, known: KnownSets, iterations: Int,
        method: String, path: [[Double]]
    ) -> LimitPoint? {
        let g = TrainingError.gradient(point, on: known.data)
        guard Dense.norm(g) < known.refiner.gradientTolerance else { return nil }
        let analysis = try? HessianAnalysis(
            point: point.flat, gradient: g, hessian: TrainingError.hessian(point, on: known.data),
            tolerance: known.refiner.eigenvalueTolerance, alignmentDepth: 0)
        return LimitPoint(
            kind: kind, point: point, trainingError: TrainingError.value(point, on: known.data),
            gradientNorm: Dense.norm(g), eigenvalues: analysis?.spectrum.values ?? [],
            index: analysis?.index ?? -1, zeroCount: analysis?.zeroCount ?? -1,
            gamma: gamma, gammaStable: gamma.map { EmbeddedLine.contains(known.lineSegments, $0) },
            converged: true, iterations: iterations, method: method, path: path + [point.flat])
    }

    /// A point on no known set: an isolated minimum (index 0, no zero eigenvalue), another critical
    /// point, or not converged.
    private static func finish(_ x: Network, known: KnownSets, iterations: Int, method: String, path: [[Double]])
        -> LimitPoint
    {
        let g = TrainingError.gradient(x, on: known.data)
        let norm = Dense.norm(g)
        let analysis = try? HessianAnalysis(
            point: x.flat, gradient: g, hessian: TrainingError.hessian(x, on: known.data),
            tolerance: known.refiner.eigenvalueTolerance, alignmentDepth: 0)
        let converged = norm < known.refiner.gradientTolerance && analysis != nil
        let kind: LimitSetKind =
            !converged
            ? .notConverged
            : (analysis!.index == 0 && analysis!.zeroCount == 0 ? .isolatedMinimum : .otherCriticalPoint)
        return LimitPoint(
            kind: kind, point: x, trainingError: TrainingError.value(x, on: known.data), gradientNorm: norm,
            eigenvalues: analysis?.spectrum.values ?? [], index: analysis?.index ?? -1,
            zeroCount: analysis?.zeroCount ?? -1, gamma: nil, gammaStable: nil, converged: converged,
            iterations: iterations, method: method, path: path)
    }

    // MARK: - Levenberg–Marquardt

    struct LMResult {
        let point: [Double]
        let converged: Bool
        let iterations: Int
        /// The start and every accepted iterate.
        let path: [[Double]]
    }

    /// Monotone Levenberg–Marquardt on F. A step is accepted when F does not increase, or, once F
    /// stagnates at rounding level (|ΔF| ≤ 16 ε |F|), when ‖∇F‖ does not increase. The shift μ is
    /// divided by 4 after an accepted step and multiplied by 4 after a rejected one.
    static func levenbergMarquardt<F: TwiceDifferentiableObjective>(
        _ objective: F, from start: [Double],
        settings: CriticalPointRefinerSettings
    ) -> LMResult {
        let d = start.count
        var x = start
        var value = objective.value(at: x)
        var g = objective.gradient(at: x)
        var path = [x]
        var iterations = 0
        var mu = -1.0
        while iterations < settings.maxIterations {
            guard value.isFinite else { break }
            if Dense.norm(g) < settings.gradientTolerance {
                return LMResult(point: x, converged: true, iterations: iterations, path: path)
            }
            guard let eig = try? SymmetricEigen.decompose(objective.hessian(at: x), dimension: d) else { break }
            let scale = eig.values.reduce(0) { max($0, abs($1)) }
            if mu < 0 { mu = 1e-3 * max(scale, 1e-300) }
            let cutoff = settings.pseudoInverseCutoff * scale
            let shiftFloor = max(0, -eig.values[0])
            let gNorm = Dense.norm(g)
            var accepted = false
            for _ in 0..<60 {
                let shift = mu + shiftFloor
                var step = [Double](repeating: 0, count: d)
                for (lambda, u) in zip(eig.values, eig.vectors) where abs(lambda) > cutoff {
                    let c = Dense.dot(u, g) / (lambda + shift)
                    for j in 0..<d { step[j] -= c * u[j] }
                }
                let trial = (0..<d).map { x[$0] + step[$0] }
                let trialValue = objective.value(at: trial)
                if trialValue.isFinite {
                    let stagnant = abs(trialValue - value) <= 16 * Double.ulpOfOne * abs(value)
                    let trialGradient = objective.gradient(at: trial)
                    if trialValue < value || (stagnant && Dense.norm(trialGradient) <= gNorm) {
                        (x, value, g) = (trial, trialValue, trialGradient)
                        path.append(x)
                        mu = max(mu / 4, 1e-300)
                        accepted = true
                        break
                    }
                }
                mu *= 4
            }
            guard accepted else { break }
            iterations += 1
        }
        return LMResult(
            point: x, converged: Dense.norm(g) < settings.gradientTolerance, iterations: iterations, path: path)
    }
}

/// Settings of the early stop (`LimitSetCertifier`).
public struct CertificationSettings: Codable, Sendable, Equatable {
    /// Try a certificate only when ‖∇E_tr‖ ≤ this.
    public var gradient: Double
    /// The largest `E_tr(θ) − E_tr(θ*)` accepted (θ* the critical point the certificate lands on).
    public var energyGap: Double
    /// On L: the landing γ must lie at least `lineMargin · ‖θ − θ*‖ / (√2 |c*|)` inside its stable segment.
    public var lineMargin: Double
    /// Points per segment of the refinement path at which `E_tr ≤ E_tr(θ)` is checked.
    public var pathSamples: Int

    public init(gradient: Double, energyGap: Double, lineMargin: Double, pathSamples: Int) {
        self.gradient = gradient
        self.energyGap = energyGap
        self.lineMargin = lineMargin
        self.pathSamples = pathSamples
    }
}

/// Decides during gradient descent that a start's limit set is already certain (docs/analysis.md).
///
/// At θ with `‖∇E_tr(θ)‖ ≤ settings.gradient` the refinement (`LimitSetRefiner`) is run from θ. The
/// limit set is certain when all of these hold:
/// 1. it lands on a minimum set: an isolated minimum, a point of M (global minima), or a point of L
///    in a GD-stable segment — index 0, and `η·λ_max < 2` there (GD can stay);
/// 2. `0 ≤ E_tr(θ) − E_tr(θ*) ≤ settings.energyGap`: GD is monotone, so θ must lie above the set,
///    and only slightly, inside its basin;
/// 3. `E_tr ≤ E_tr(θ)` along the refinement's descent path (sampled): θ and θ* lie in one connected
///    component of the sublevel set `{E_tr ≤ E_tr(θ)}`, which GD from θ never leaves;
/// 4. below the line's level: when `E_tr(θ*) < E_1` (the value on L), `E_tr(θ) < E_1` too, so the
///    component holds no point of L;
/// 5. on L: the landing γ is inside its stable segment by at least
///    `lineMargin·‖θ − θ*‖/(√2|c*|)` (GD drifts along L by O(‖θ − θ*‖) before it settles; near the
///    segment's ends the transverse eigenvalue vanishes and the drift runs towards them).
/// Failing these, a limit at infinity is located (`LimitsAtInfinity`: a strict minimum of a face at
/// infinity within `energyGap` below θ, towards which E_tr falls).
/// The tests compare the counts per limit function with runs to the full gradient tolerance.
public enum LimitSetCertifier {
    /// With `followDescent` (the end of a run), the refinement's iteration limit is this many times larger.
    public static let endOfRunIterationFactor = 10

    /// The certified limit point, or nil when the limit set is not yet certain.
    /// - Parameters:
    ///   - net: the current iterate θ.
    ///   - gradientNorm: ‖∇E_tr(θ)‖ (from the GD kernel).
    ///   - skipAbove: when the previous attempt of this start landed at level E_prev with too large a
    ///     gap, no attempt can succeed while E_tr(θ) > E_prev + energyGap: pass that bound to skip.
    ///   - atInfinity: whether to try the faces at infinity when no finite set is certain (a few
    ///     Levenberg–Marquardt runs: callers checking often may try them less often).
    ///   - followDescent: at the end of a run (budget spent, or the gradient tolerance met away from
    ///     any critical point): also try the faces the Levenberg–Marquardt descent from θ ends near
    ///     (`LimitsAtInfinity.locate(_:known:energyGap:descent:pathSamples:)`), and let the
    ///     refinement run `endOfRunIterationFactor` times longer.
    public static func certify(
        _ net: Network, gradientNorm: Double, known: KnownSets, settings: CertificationSettings,
        skipAbove: Double = .infinity, atInfinity: Bool = true,
        followDescent: Bool = false
    ) -> (point: LimitPoint?, landedLevel: Double?) {
        var known = known
        if followDescent {
            // Across a nearly flat plateau Levenberg–Marquardt needs more iterations to land (measured: ~200 from a
            // start stalled at n = 400, σ = 0.05, A = −1.3·10⁻⁴); once per start, so the cost does not matter.
            var refiner = known.refiner
            refiner.maxIterations *= endOfRunIterationFactor
            known = known.with(refiner: refiner)
        }
        let finite = certifyFinite(
            net, gradientNorm: gradientNorm, known: known, settings: settings, skipAbove: skipAbove)
        guard finite.point == nil, atInfinity, gradientNorm <= settings.gradient else {
            return (finite.point, finite.landedLevel)
        }
        // At the end of a run the descent shows where θ is heading while θ itself suggests no face yet: a start
        // stalled on a nearly flat plateau (near L when A ≈ 0), from which GD leaves towards a unit turning linear
        // only after ~10⁷–10⁸ more steps. Not earlier: from a start still far from settling, the descent can end
        // on
        // another face than GD (measured: certified isolated minima were then located at infinity).
        let descent = followDescent ? finite.descent ?? LimitSetRefiner.descend(net, known: known) : nil
        guard
            let located = LimitsAtInfinity.locate(
                net, known: known, energyGap: settings.energyGap, descent: descent,
                pathSamples: settings.pathSamples)
        else { return (nil, finite.landedLevel) }
        return (located, nil)
    }

    /// Where a run goes that ended before its limit set was certain (its budget spent, or the gradient tolerance
    /// met away from any critical point): `certify(…, followDescent: true)`, else the attracting periodic orbit of GD
    /// it has settled on (`PeriodicOrbits.locate`), else nil.
    public static func certifyEndOfRun(
        _ net: Network, gradientNorm: Double, known: KnownSets,
        settings: CertificationSettings
    ) -> LimitPoint? {
        certify(net, gradientNorm: gradientNorm, known: known, settings: settings, followDescent: true).point
            ?? PeriodicOrbits.locate(net, known: known)
    }

    /// Conditions 1–5 above: a limit at a finite minimum set; `descent` is the Levenberg–Marquardt refinement
    /// from θ when it ran.
    static func certifyFinite(
        _ net: Network, gradientNorm: Double, known: KnownSets, settings: CertificationSettings,
        skipAbove: Double
    ) -> (point: LimitPoint?, landedLevel: Double?, descent: LimitPoint?) {
        guard gradientNorm <= settings.gradient else { return (nil, nil, nil) }
        let value = TrainingError.value(net, on: known.data)
        guard value <= skipAbove else { return (nil, nil, nil) }
        let point = LimitSetRefiner.descend(net, known: known)
        guard point.converged else { return (nil, nil, point) }
        let slack = 16 * Double.ulpOfOne * max(abs(value), 1e-300)
        let gap = value - point.trainingError
        // 2. Above the set, and close to its level.
        guard gap >= -slack else { return (nil, nil, point) }
        guard gap <= settings.energyGap else { return (nil, point.trainingError, point) }
        // 1. A minimum set that GD with step η does not leave.
        guard point.index == 0, let largest = point.eigenvalues.last, known.eta * largest < 2 else {
            return (nil, nil, point)
        }
        switch point.kind {
        case .isolatedMinimum, .optimalManifold:
            break
        case .embeddedLine:
            guard point.gammaStable == true, let gamma = point.gamma, let line = known.line else {
                return (nil, nil, point)
            }
            // Only the zero eigenvalue along L: the transverse curvature is positive.
            guard point.zeroCount == 1 else { return (nil, nil, point) }
            // 5. Far enough inside its stable segment.
            let distance = Dense.distance(net.flat, point.point.flat)
            let margin = EmbeddedLine.margin(known.lineSegments, gamma) * 2.0.squareRoot() * abs(line.fit.c)
            guard margin >= settings.lineMargin * distance else { return (nil, nil, point) }
        case .otherCriticalPoint, .atInfinity, .periodicOrbit, .notConverged:
            return (nil, nil, point)
        }
        // 4. Below the line's level, θ must be below it too.
        if let level = known.lineLevel, point.kind != .embeddedLine, point.trainingError < level - slack {
            guard value < level else { return (nil, nil, point) }
        }
        // 3. One sublevel component: the path stays below E_tr(θ).
        guard staysBelow(point.path, level: value + slack, samples: settings.pathSamples, data: known.data) else {
            return (nil, nil, point)
        }
        return (point, nil, point)
    }

    /// Whether E_tr ≤ `level` at `samples` points of every segment of `path` (its ends included): the
    /// path lies in one component of the sublevel set `{E_tr ≤ level}`.
    static func staysBelow(_ path: [[Double]], level: Double, samples: Int, data: TrainingSet) -> Bool {
        let samples = max(samples, 1)
        for (a, b) in zip(path, path.dropFirst()) {
            for s in 1...samples {
                let f = Double(s) / Double(samples)
                if TrainingError.value(Network(flat: zip(a, b).map { $0 + f * ($1 - $0) }), on: data) > level {
                    return false
                }
            }
        }
        return true
    }
}
