import Dataset
import DynamicsAnalysis
import Foundation
import HDF5Kit
import Line
import MLPNumerics
import PipelineCore
import Refinement
import Study

/// Trains many seeded random starts and reports their limits as limit sets and limit functions
/// (Theorem 3.1: almost every start should reach the same function).
///
/// Each start runs full-batch GD until ‖∇E_tr‖ < `gradient_tolerance`, or — with `early_stop` —
/// until its limit set is certain (`LimitSetCertifier`), or `max_steps`. Every limit is refined
/// and located (`LimitSetRefiner`): an isolated minimum (which one, modulo symmetry), a point of
/// the embedded line L (its γ, and whether γ is in a GD-stable segment), a point of the optimal
/// manifold M (noiseless data), another critical point (its index), a minimum of a face at infinity
/// (`LimitsAtInfinity`: a unit turning linear or into a step, or two merging), an attracting periodic orbit
/// of GD at the end of the budget (`PeriodicOrbits`: where η·λ_max > 2 near a minimum), or not converged. Limits are
/// grouped into limit functions by the L² distance of their functions (`function_tolerance`), each
/// with its count and basin fraction (95 % Wilson interval).
///
/// The embedded line is computed here from the data with the line section's settings (the same
/// library calls as the line stage) and this section's η, so that the multistart nodes do not
/// depend on `train.eta`, which the line stage's artifact does.
///
/// One node per run of `runs`, and per run of a sweep that has starts (with the sweep's starts and
/// budget). Settings: the `multistart` section, the run's targets and width (`train.width`), the
/// eigen section's Newton settings and `set_tolerance`, and the line section; input `dataset`.
/// Starts run in parallel on all cores; the artifact is written afterwards. Layout:
/// `MultiStartArtifact`.
public enum MultiStartStage: Stage {
    public static let name = "multistart"
    public static let summary =
        "GD from N random starts until the limit set is certain; limits located on their sets and grouped into limit "
        + "functions with basin fractions"

    public struct Settings: Codable, Equatable, RunSettings {
        public var targets: Targets
        public var width: Int
        public var starts: Int
        public var distribution: Distribution
        public var scale: Double
        public var seed: UInt64
        public var eta: Double
        public var maxSteps: Int
        public var gradientTolerance: Double
        public var checkInterval: Int
        public var earlyStop: Bool
        /// The early stop's certificate; nil without the early stop.
        public var certification: CertificationSettings?
        /// Refined critical points on no known set this close modulo symmetry are one point.
        public var samePointTolerance: Double
        public var functionTolerance: Double
        public var setTolerance: Double
        public var newton: NewtonSettings
        /// The line section: the width-1 scan and the γ grid.
        public var line: LineSettings

        /// The starts θ_0^(1..N): all 2m·N weights drawn in order from one seeded stream.
        func initialPoints() -> [Network] {
            var random = PortableRandom(seed: seed)
            return (0..<starts).map { _ in Network(flat: distribution.draw(2 * width, scale: scale, from: &random)) }
        }
    }

    public static func instances(_ config: Configuration) throws -> [NodeSpec<Settings>] {
        let settings = try Settings(config)
        return try StudyConfig.of(config).allRuns.filter { ($0.sweep?.starts ?? 1) > 0 }.map { run in
            var own = settings
            if run.width != settings.width {
                try checkWidth(run.width, key: "runs.\(run.name).width", config)
                own.width = run.width
            }
            if let sweep = run.sweep {
                own.starts = sweep.starts
                own.maxSteps = sweep.multistartSteps
            }
            return run.node(own, inputs: ["dataset": run.datasetNode])
        }
    }

    /// At most `starts × max_steps` GD steps: an upper bound, as starts end once their limit set is certain
    /// (on the paper's data after ~1 % of the budget).
    public static func cost(_ node: NodeSpec<Settings>, _ config: Configuration) -> Cost {
        GradientDescentRate.cost(
            steps: Double(node.settings.starts) * Double(node.settings.maxSteps), run: node.instance, fixedSeconds: 0.1,
            config: config)
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let dataset = try DatasetArtifact(reading: try context.openInput("dataset"))
        let data = dataset.trainingSet(targets: settings.targets)
        let analysis = try settings.line.analysis(of: data, eta: settings.eta, newton: settings.newton)
        let (line, segments) = (analysis.line, analysis.stableSegments)
        let known = KnownSets(
            data: data, eta: settings.eta, line: line, lineSegments: segments, teacher: dataset.teacher,
            width: settings.width, refiner: settings.newton.refiner, setTolerance: settings.setTolerance)
        let starts = settings.initialPoints()
        let kernel = GradientDescentKernel(data: data, width: settings.width, learningRate: settings.eta)

        let progress = context.progress("multistart \(settings.targets.rawValue) (starts)", total: starts.count)
        let clock = ContinuousClock()
        let began = clock.now
        let earlyStop = settings.earlyStop
        let certification =
            settings.certification ?? CertificationSettings(gradient: 0, energyGap: 0, lineMargin: 0, pathSamples: 1)
        let descents = MultiStartDescent.descend(
            kernel, from: starts, maxSteps: settings.maxSteps, gradientTolerance: settings.gradientTolerance,
            checkInterval: settings.checkInterval,
            certifier: {
                // Per start: skip attempts that cannot succeed until E_tr falls below the last landing level + gap.
                // An attempt that ran Levenberg–Marquardt and landed nowhere (a start drifting along a flat valley or
                // towards infinity) is retried at twice the check count, and so are the faces at infinity (several
                // Levenberg–Marquardt runs): a limit is then located at most twice as late, and the attempts cost
                // O(log checks) instead of one per check.
                var skipAbove = Double.infinity
                var (checks, nextFinite, nextInfinity) = (0, 1, 1)
                return { (theta: Network, evaluation: KernelEvaluation) -> LimitPoint? in
                    guard earlyStop else { return nil }
                    checks += 1
                    let (finite, atInfinity) = (checks >= nextFinite, checks >= nextInfinity)
                    guard finite || atInfinity else { return nil }
                    let gated = evaluation.gradientNorm <= certification.gradient
                    // skipAbove −∞ skips the finite attempt.
                    let result = LimitSetCertifier.certify(
                        theta, gradientNorm: evaluation.gradientNorm, known: known, settings: certification,
                        skipAbove: finite ? skipAbove : -.infinity, atInfinity: atInfinity)
                    if let point = result.point { return point }
                    if atInfinity && gated { nextInfinity = 2 * checks }
                    if finite {
                        if let level = result.landedLevel {
                            skipAbove = level + certification.energyGap
                        } else if gated && evaluation.loss <= skipAbove {
                            nextFinite = 2 * checks
                        }
                    }
                    return nil
                }
            },
            finished: { [progress] done in progress.update(done) })
        // Converged starts (gradient tolerance met before any certificate) are refined here; the others
        // are asked once more where they go at the end of their budget, a periodic orbit of GD included.
        let endCertificates: [LimitPoint?] = descents.map { descent in
            guard earlyStop, descent.certificate == nil, !descent.outcome.converged, descent.outcome.diverged == nil
            else { return nil }
            return LimitSetCertifier.certifyEndOfRun(
                descent.outcome.final, gradientNorm: descent.outcome.gradientNorm, known: known,
                settings: certification)
        }
        let limits: [LimitPoint?] = zip(descents, endCertificates).map { descent, end in
            if let located = descent.certificate ?? end { return located }
            guard descent.outcome.converged else { return nil }
            let refined = LimitSetRefiner.refine(descent.outcome.final, known: known)
            // On a nearly flat plateau the gradient tolerance can be met far from any critical point: ask where it
            // goes.
            guard refined.kind == .notConverged, earlyStop else { return refined }
            return LimitSetCertifier.certifyEndOfRun(
                descent.outcome.final, gradientNorm: descent.outcome.gradientNorm, known: known,
                settings: certification) ?? refined
        }
        progress.finish()
        let elapsed = clock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18

        let report = MultiStartReport(
            starts: starts, descents: descents.map(\.outcome),
            certified: zip(descents, endCertificates).map { $0.certificate != nil || $1 != nil },
            limits: limits, known: known, samePointTolerance: settings.samePointTolerance,
            functionTolerance: settings.functionTolerance, teacher: dataset.teacher)
        let writer = try context.makeWriter(stage: name)
        try MultiStartArtifact.write(
            to: writer.root, report: report, data: data, teacher: dataset.teacher, line: line,
            lineApplies: known.line != nil,
            segments: segments, eta: settings.eta, earlyStop: settings.earlyStop, seconds: seconds)
        try writer.commit()
        if !context.quiet {
            let functions = report.functions.map { f in
                String(
                    format: "%@ %d/%d (%.3f [%.3f, %.3f])", f.kind.rawValue, f.count, starts.count, f.basinFraction,
                    f.wilson.lowerBound, f.wilson.upperBound)
            }.joined(separator: "; ")
            print(
                String(
                    format:
                        "multistart %@: %d starts in %.2f s, %d certified early (%d at infinity, %d periodic orbits of "
                        + "GD), %d converged, %d not converged; %d limit function(s): %@",
                    settings.targets.rawValue, starts.count, seconds, report.certifiedCount, report.atInfinityCount,
                    report.periodicCount, report.convergedCount, report.unconvergedCount,
                    report.functions.count, functions))
        }
    }
}

/// The limits of a multistart run, located and grouped: what the artifact records.
struct MultiStartReport {
    struct Function {
        let kind: LimitSetKind
        let count: Int
        let basinFraction: Double
        let wilson: ClosedRange<Double>
        /// The first member's limit point (its function is the group's).
        let representative: LimitPoint
        let members: [Int]
        let trainingError: Double
        let generalizationError: Double
    }

    let starts: [Network]
    let descents: [DescentOutcome]
    let certified: [Bool]
    let limits: [LimitPoint?]
    /// Per start: the distinct critical point (isolated/other) it reached, modulo symmetry.
    let criticalPoint: [Int]
    /// Per start: its limit function, −1 when none.
    let function: [Int]
    /// The distinct critical points on no known set, each the first limit of its class.
    let criticalPoints: [LimitPoint]
    let functions: [Function]
    /// Whether M is a set of global minima of this run.
    let optimalManifoldApplies: Bool

    var certifiedCount: Int { certified.filter { $0 }.count }
    var convergedCount: Int { descents.filter(\.converged).count }
    var unconvergedCount: Int { limits.filter { $0 == nil || $0!.kind == .notConverged }.count }
    var atInfinityCount: Int { limits.filter { $0?.kind == .atInfinity }.count }
    var periodicCount: Int { limits.filter { $0?.kind == .periodicOrbit }.count }

    init(
        starts: [Network], descents: [DescentOutcome], certified: [Bool], limits: [LimitPoint?], known: KnownSets,
        samePointTolerance: Double, functionTolerance: Double, teacher: Network
    ) {
        self.starts = starts
        self.descents = descents
        self.certified = certified
        self.limits = limits
        optimalManifoldApplies = known.optimalTeacher != nil
        let located = limits.indices.filter { limits[$0].map { $0.kind != .notConverged } ?? false }
        // Isolated and other critical points: which one, modulo symmetry (start order).
        let pointStarts = located.filter { [.isolatedMinimum, .otherCriticalPoint].contains(limits[$0]!.kind) }
        let classes = SymmetryClustering.leaderClusters(
            pointStarts.map { limits[$0]!.point }, tolerance: samePointTolerance)
        var criticalPoint = [Int](repeating: -1, count: starts.count)
        for (j, i) in pointStarts.enumerated() { criticalPoint[i] = classes.assignment[j] }
        self.criticalPoint = criticalPoint
        criticalPoints = classes.leaders.map { limits[pointStarts[$0]]! }
        // Limit functions (start order).
        let groups = LimitFunctions.group(located.map { limits[$0]!.point }, tolerance: functionTolerance)
        var function = [Int](repeating: -1, count: starts.count)
        for (j, i) in located.enumerated() { function[i] = groups.assignment[j] }
        self.function = function
        functions = groups.leaders.indices.map { k in
            let members = located.indices.filter { groups.assignment[$0] == k }.map { located[$0] }
            let representative = limits[located[groups.leaders[k]]]!
            return Function(
                kind: representative.kind, count: members.count,
                basinFraction: Double(members.count) / Double(starts.count),
                wilson: LimitFunctions.wilsonInterval(successes: members.count, trials: starts.count),
                representative: representative, members: members, trainingError: representative.trainingError,
                generalizationError: GeneralizationError.value(representative.point, teacher: teacher))
        }
    }
}

extension MultiStartStage {
    /// Limits are compared modulo symmetry by enumerating the m!·2^m elements: m ≤ 7.
    static func checkWidth(_ width: Int, key: String, _ config: Configuration) throws {
        guard width <= Symmetry.maximumEnumeratedWidth else {
            throw config.failure(
                key,
                "the multistart stage compares limits modulo symmetry by enumerating m!·2^m elements; "
                    + "it needs width ≤ \(Symmetry.maximumEnumeratedWidth)")
        }
    }
}

extension MultiStartStage.Settings {
    /// The `multistart` section with `train.width`, the eigen section's Newton settings and the line
    /// section, checked: width ≤ 7 (limits are compared modulo m!·2^m symmetries), `check_interval ≤
    /// max_steps`. The certificate's settings are read only with the early stop.
    init(_ config: Configuration) throws {
        let width = try config.int("train.width")
        try MultiStartStage.checkWidth(width, key: "train.width", config)
        let (interval, budget) = (try config.int("multistart.check_interval"), try config.int("multistart.max_steps"))
        guard interval <= budget else {
            throw config.failure("multistart.check_interval", "exceeds multistart.max_steps = \(budget)")
        }
        let earlyStop = try config.bool("multistart.early_stop")
        self.init(
            targets: .noisy, width: width, starts: try config.int("multistart.starts"),
            distribution: try config.choice(Distribution.self, "multistart.distribution"),
            scale: try config.double("multistart.scale"), seed: try config.seed("multistart.seed"),
            eta: try config.double("multistart.eta"), maxSteps: budget,
            gradientTolerance: try config.double("multistart.gradient_tolerance"), checkInterval: interval,
            earlyStop: earlyStop, certification: earlyStop ? try CertificationSettings(config) : nil,
            samePointTolerance: try config.double("multistart.same_point_tolerance"),
            functionTolerance: try config.double("multistart.function_tolerance"),
            setTolerance: try NewtonSettings.setTolerance(config), newton: try NewtonSettings(config),
            line: try LineSettings(config))
    }
}
