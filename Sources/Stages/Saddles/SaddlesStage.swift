import Dataset
import DynamicsAnalysis
import Foundation
import HDF5Kit
import Line
import MLPNumerics
import PipelineCore
import Refinement
import Study

/// Saddle-to-saddle dynamics (Zhang, Saxe & Latham, ICLR 2026) on the run's data: full-batch GD of
/// several widths m from seeded random starts at several initial scales α. Per start: the learning
/// curve with the Hessian index and the effective width, the escape time from the origin, the
/// phase segments, and at each plateau's refined critical point its type (origin, embedded
/// narrower network with its zero and duplicated units and A_i, or a full-width minimum/saddle).
///
/// A stage of its own rather than one training run per (m, α, seed): those would each bring the
/// whole per-run chain (eigen, phases, multistart, figures) with them, and the figures compare the
/// starts with one another. One node per run of `runs` whose targets `saddles.run_targets` lists.
/// Settings: the `saddles` section, the run's targets, the eigen section's Newton settings and the
/// phase detector's settings; inputs `dataset` and `line` (the best width-1 fit, for the escape
/// threshold). Layout: `SaddlesArtifact`.
public enum SaddlesStage: Stage {
    public static let name = "saddles"
    public static let summary =
        "GD of widths m from small random starts at scales α: plateaus, escape time from the origin, effective width, "
        + "the saddles' types"

    /// One start: width, scale, seed.
    public struct Start: Codable, Equatable {
        public let width: Int
        public let scale: Double
        public let seed: UInt64

        public init(width: Int, scale: Double, seed: UInt64) {
            self.width = width
            self.scale = scale
            self.seed = seed
        }
    }

    public struct Settings: Codable, Equatable, RunSettings, LogGridRunSettings {
        public var targets: Targets
        public var starts: [Start]
        public var distribution: Distribution
        public var eta: Double
        public var maxSteps: Int
        public var pointsPerDecade: Int
        public var gradientTolerance: Double
        public var widthTolerance: Double
        public var slopeMaxScale: Double
        public var newton: NewtonSettings
        public var detection: PhaseDetectionSettings

        var refiner: CriticalPointRefinerSettings { newton.refiner }
    }

    public static func instances(_ config: Configuration) throws -> [NodeSpec<Settings>] {
        let runs = try StudyConfig.of(config).runs(selectedBy: "saddles.run_targets", in: config)
        if runs.isEmpty { return [] }
        let settings = try Settings(config)
        return runs.map { run in
            run.node(settings, inputs: ["dataset": run.datasetNode, "line": run.nodeID(LineStage.name)])
        }
    }

    /// The initial point: 2m weights drawn from the seed's own stream, times α (the same seed gives
    /// the same direction at every α).
    static func initialPoint(_ start: Start, distribution: Distribution) -> Network {
        var random = PortableRandom(seed: start.seed)
        return Network(
            flat: (0..<(2 * start.width)).map { _ in
                start.scale * (distribution == .normal ? random.nextNormal() : random.nextUniform(in: -1, 1))
            })
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let dataset = try DatasetArtifact(reading: try context.openInput("dataset"))
        let data = dataset.trainingSet(targets: settings.targets)
        let widthOne = try LineArtifact(reading: try context.openInput("line")).fit
        let threshold = SaddleToSaddleRun.escapeThreshold(data, widthOneError: widthOne.trainingError)
        let progress = context.progress("saddles \(settings.targets.rawValue)", total: settings.starts.count)
        let outcomes = SaddleToSaddleRun.runAll(
            settings.starts.map { initialPoint($0, distribution: settings.distribution) }, data: data,
            teacher: dataset.teacher, escapeThreshold: threshold, settings: settings.run,
            finished: { progress.update($0) })
        progress.finish()
        var studied: [SaddlesArtifact.StartResult] = []
        for (start, outcome) in zip(settings.starts, outcomes) {
            let run: SaddleToSaddleRun
            do { run = try outcome.get() } catch {
                throw StageFailure(
                    "the start of width \(start.width), scale \(start.scale), seed \(start.seed) failed: \(error); no "
                        + "artifact written"
                )
            }
            studied.append(try SaddlesArtifact.StartResult(start: start, run: run, data: data, settings: settings))
        }
        let artifact = SaddlesArtifact(
            starts: studied, originRate: SaddleToSaddleRun.originRate(data), eta: settings.run.learningRate,
            escapeThreshold: threshold, widthOneError: widthOne.trainingError, slopeMaxScale: settings.slopeMaxScale)
        let writer = try context.makeWriter(stage: name)
        try artifact.write(to: writer.root)
        try writer.commit()
        if !context.quiet {
            let slope = artifact.escapeSlope()
            print(
                String(
                    format:
                        "saddles %@: %d starts; s = %.5g; escape slope %.1f steps/decade (predicted ln10/(2ηs) = "
                        + "%.1f, "
                        + "discrete ln10/ln(1+2ηs) = %.1f)",
                    settings.targets.rawValue, studied.count, artifact.originRate, slope, artifact.predictedSlope,
                    artifact.discreteSlope))
            for result in studied {
                let path = result.plateaus.map { "\($0.phase)@\($0.t): \($0.summary)" }.joined(separator: " → ")
                print(
                    String(
                        format: "  m = %d α = %g seed %d: escape %@, stopped at %d%@, E_tr %.6g; %@",
                        result.start.width, result.start.scale,
                        Int(result.start.seed), result.run.escapeTime.map(String.init) ?? "never",
                        result.run.t.last ?? 0,
                        result.run.reachedMinimum ? " (minimum)" : "", result.run.trainingError.last ?? .nan, path))
            }
        }
    }
}

extension SaddlesStage.Settings {
    /// The `saddles` section: every width × scale × seed, in that order.
    init(_ config: Configuration) throws {
        let first = try config.seed("saddles.seed"), count = try config.int("saddles.seeds")
        var starts: [SaddlesStage.Start] = []
        for m in try config.ints("saddles.widths") {
            for scale in try config.doubles("saddles.init_scales") {
                for j in 0..<count {
                    starts.append(SaddlesStage.Start(width: m, scale: scale, seed: first + UInt64(j)))
                }
            }
        }
        self.init(
            targets: .noisy, starts: starts, distribution: try config.choice(Distribution.self, "saddles.distribution"),
            eta: try config.double("saddles.eta"), maxSteps: try config.int("saddles.max_steps"),
            pointsPerDecade: try config.int("saddles.points_per_decade"),
            gradientTolerance: try config.double("saddles.gradient_tolerance"),
            widthTolerance: try config.double("saddles.width_tolerance"),
            slopeMaxScale: try config.double("saddles.slope_max_scale"), newton: try NewtonSettings(config),
            detection: try PhaseDetectionSettings(config))
    }
}
