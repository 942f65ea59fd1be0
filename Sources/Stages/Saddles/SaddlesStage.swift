import DynamicsAnalysis
import Foundation
import HDF5Kit
import MLPNumerics
import PipelineCore

/// Saddle-to-saddle dynamics (Zhang, Saxe & Latham, ICLR 2026) on the run's data: full-batch GD of
/// several widths m from seeded random starts at several initial scales α. Per start: the learning
/// curve with the Hessian index and the effective width, the escape time from the origin, the
/// phase segments, and at each plateau's refined critical point its type (origin, embedded
/// narrower network with its zero and duplicated units and A_i, or a full-width minimum/saddle).
///
/// A stage of its own rather than one training run per (m, α, seed): those would each bring the
/// whole per-run chain (eigen, phases, multistart, figures) with them, and the figures compare the
/// starts with one another. Slice: the `saddles` section plus the run's `targets`, `refine` (the
/// eigen section's Newton settings) and `phases` (the phase detector's settings); inputs `dataset`
/// and `line` (the best width-1 fit, for the escape threshold). Layout: `SaddlesArtifact`.
public enum SaddlesStage: Stage {
    public static let name = "saddles"
    public static let scope = StageScope.run
    public static let summary = "GD of widths m from small random starts at scales α: plateaus, escape time from the origin, effective width, the saddles' types"
    public static let sliceOrigins = ["targets": "runs.*.targets", "refine": "eigen", "phases": "phases"]
    public static func applies(to run: PipelineConfig.Run, in config: PipelineConfig) -> Bool {
        StudyRuns.applies(name, to: run, in: config)
    }

    public static let sourcePaths = ["Sources/Stages/Saddles", "Sources/Stages/Line/LineArtifact.swift", "Sources/Stages/Line/LineStage.swift"]
        + Refinement.analysisSources

    /// One start: width, scale, seed.
    public struct Start: Equatable {
        public let width: Int
        public let scale: Double
        public let seed: UInt64
    }

    public struct Settings {
        let targets: String
        let starts: [Start]
        let normal: Bool
        let run: SaddleToSaddleRun.Settings
        let slopeMaxScale: Double
        let refiner: CriticalPointRefinerSettings
        let detection: PhaseDetectionSettings
    }

    static let phaseKeys = ["slope_window_decades", "fast_drop_slope", "gradient_tolerance", "minimum_segment_points"]

    public static func node(_ config: PipelineConfig, instance run: String) throws -> NodeSpec {
        let spec = config.runs[run]!
        var slice = config.section(name).objectValue ?? [:]
        slice["run_targets"] = nil
        slice["targets"] = .string(spec.targets)
        var refine = Refinement.slice(config).objectValue ?? [:]
        refine["set_tolerance"] = nil
        slice["refine"] = .object(refine)
        let phases = config.section(PhasesStage.name)
        slice["phases"] = .object(Dictionary(uniqueKeysWithValues: phaseKeys.map { ($0, phases[$0] ?? .null) }))
        return NodeSpec(slice: .object(slice), inputs: ["dataset": NodeID(stage: DatasetStage.name, instance: spec.dataset),
                                                        "line": NodeID(stage: LineStage.name, instance: run)])
    }

    public static func settings(_ slice: SliceReader) throws -> Settings {
        let widths = try slice.doubles("widths").map { Int($0) }
        let scales = try slice.doubles("init_scales")
        let first = try slice.seed("seed"), count = try slice.int("seeds")
        var starts: [Start] = []
        for m in widths {
            for scale in scales {
                for j in 0..<count { starts.append(Start(width: m, scale: scale, seed: first + UInt64(j))) }
            }
        }
        let refiner = try Refinement.settings(slice, prefix: "refine.")
        return Settings(
            targets: try slice.string("targets"), starts: starts, normal: try slice.string("distribution") == "normal",
            run: SaddleToSaddleRun.Settings(learningRate: try slice.double("eta"), maxSteps: try slice.int("max_steps"),
                                            pointsPerDecade: try slice.int("points_per_decade"),
                                            gradientTolerance: try slice.double("gradient_tolerance"),
                                            widthTolerance: try slice.double("width_tolerance"),
                                            eigenvalueTolerance: refiner.eigenvalueTolerance),
            slopeMaxScale: try slice.double("slope_max_scale"), refiner: refiner,
            detection: PhaseDetectionSettings(
                slopeWindowDecades: try slice.double("phases.slope_window_decades"), fastDropSlope: try slice.double("phases.fast_drop_slope"),
                gradientTolerance: try slice.double("phases.gradient_tolerance"), minimumSegmentPoints: try slice.int("phases.minimum_segment_points")))
    }

    /// The initial point: 2m weights drawn from the seed's own stream, times α (the same seed gives
    /// the same direction at every α).
    static func initialPoint(_ start: Start, normal: Bool) -> Network {
        var random = PortableRandom(seed: start.seed)
        return Network(flat: (0..<(2 * start.width)).map { _ in start.scale * (normal ? random.nextNormal() : random.nextUniform(in: -1, 1)) })
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let dataset = try DatasetArtifact(reading: try context.openInput("dataset"))
        let data = dataset.trainingSet(targets: settings.targets)
        let widthOne = try LineArtifact(reading: try context.openInput("line")).fit
        let threshold = SaddleToSaddleRun.escapeThreshold(data, widthOneError: widthOne.trainingError)
        let progress = context.progress("saddles \(settings.targets)", total: settings.starts.count)
        let outcomes = SaddleToSaddleRun.runAll(settings.starts.map { initialPoint($0, normal: settings.normal) }, data: data,
                                                teacher: dataset.teacher, escapeThreshold: threshold, settings: settings.run,
                                                finished: { progress.update($0) })
        progress.finish()
        var studied: [SaddlesArtifact.StartResult] = []
        for (start, outcome) in zip(settings.starts, outcomes) {
            let run: SaddleToSaddleRun
            do { run = try outcome.get() } catch {
                throw StageFailure("the start of width \(start.width), scale \(start.scale), seed \(start.seed) failed: \(error); no artifact written")
            }
            studied.append(try SaddlesArtifact.StartResult(start: start, run: run, data: data, settings: settings))
        }
        let artifact = SaddlesArtifact(starts: studied, originRate: SaddleToSaddleRun.originRate(data), eta: settings.run.learningRate,
                                       escapeThreshold: threshold, widthOneError: widthOne.trainingError, slopeMaxScale: settings.slopeMaxScale)
        let writer = try context.makeWriter(stage: name)
        try artifact.write(to: writer.root)
        try writer.commit()
        if !context.quiet {
            let slope = artifact.escapeSlope()
            print(String(format: "saddles %@: %d starts; s = %.5g; escape slope %.1f steps/decade (predicted ln10/(2ηs) = %.1f, discrete ln10/ln(1+2ηs) = %.1f)",
                         settings.targets, studied.count, artifact.originRate, slope, artifact.predictedSlope, artifact.discreteSlope))
            for result in studied {
                let path = result.plateaus.map { "\($0.phase)@\($0.t): \($0.summary)" }.joined(separator: " → ")
                print(String(format: "  m = %d α = %g seed %d: escape %@, stopped at %d%@, E_tr %.6g; %@", result.start.width, result.start.scale,
                             Int(result.start.seed), result.run.escapeTime.map(String.init) ?? "never", result.run.t.last ?? 0,
                             result.run.reachedMinimum ? " (minimum)" : "", result.run.trainingError.last ?? .nan, path))
            }
        }
    }
}
