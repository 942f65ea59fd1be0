import Foundation
import HDF5Kit
import MLPNumerics
import PipelineCore

/// Trains one run by full-batch GD or online SGD from its initial point and records θ_t, E_tr,
/// E_gen and ‖∇E_tr‖.
///
/// Slice: the `train` section plus the run's `targets`; input `dataset`. A run that produces a
/// non-finite value stops with the step and the quantity, and writes nothing. Layout:
/// `TrainingArtifact`.
public enum TrainStage: Stage {
    public static let name = "train"
    public static let scope = StageScope.run
    public static let summary = "trajectory θ_t every k steps and the log-grid learning curve (E_tr, E_gen, ‖∇E_tr‖)"
    public static let sliceOrigins = ["targets": "runs.*.targets"]
    public static let sourcePaths = ["Sources/Stages/Train", "Sources/Stages/Dataset/DatasetArtifact.swift", "Sources/MLPNumerics", "Sources/CVectorMath"]

    /// Every run of `runs`; a sweep's run when the sweep trains from the initial point (`paper_init`).
    public static func applies(to run: PipelineConfig.Run, in config: PipelineConfig) -> Bool { run.sweep?.paperInit ?? true }

    public struct Settings {
        public let method: String
        public let eta: Double
        public let steps: Int
        public let width: Int
        public let recordEvery: Int
        public let pointsPerDecade: Int
        public let targets: String
        public let sgdSeed: UInt64
        /// θ_0.
        public let initial: Network
    }

    public static func node(_ config: PipelineConfig, instance run: String) throws -> NodeSpec {
        let spec = config.run(run)!
        var slice = config.section("train").objectValue ?? [:]
        slice["targets"] = .string(spec.targets)
        // A sweep's run: the configuration's initial point with the sweep's budget; its
        // trajectory is thinned (it is not plotted).
        if let sweep = spec.sweep {
            slice["steps"] = .number(Double(sweep.trainSteps))
            slice["record_every"] = .number(Double(min(sweep.recordEvery, sweep.trainSteps)))
        }
        // Keys that do not apply to the chosen method or initial point stay out of the key.
        var initial = slice["init"]?.objectValue ?? [:]
        for unused in initial["kind"]?.stringValue == "random" ? ["w", "v"] : ["distribution", "scale", "seed"] {
            initial[unused] = nil
        }
        slice["init"] = .object(initial)
        if slice["method"]?.stringValue != "sgd" { slice["sgd_seed"] = nil }
        return NodeSpec(slice: .object(slice), inputs: ["dataset": NodeID(stage: DatasetStage.name, instance: spec.dataset)])
    }

    public static func settings(_ slice: SliceReader) throws -> Settings {
        let method = try slice.string("method")
        let width = try slice.int("width")
        let initial: Network
        if try slice.string("init.kind") == "random" {
            let scale = try slice.double("init.scale")
            let normal = try slice.string("init.distribution") == "normal"
            var random = PortableRandom(seed: try slice.seed("init.seed"))
            initial = Network(flat: (0..<(2 * width)).map { _ in normal ? scale * random.nextNormal() : random.nextUniform(in: -scale, scale) })
        } else {
            let w = try slice.doubles("init.w"), v = try slice.doubles("init.v")
            guard w.count == width else { throw slice.failure("init.w", "has \(w.count) element(s) but the network width train.width is \(width)") }
            guard v.count == width else { throw slice.failure("init.v", "has \(v.count) element(s) but the network width train.width is \(width)") }
            initial = Network(w: w, v: v)
        }
        return Settings(method: method, eta: try slice.double("eta"), steps: try slice.int("steps"), width: width,
                        recordEvery: try slice.int("record_every"), pointsPerDecade: try slice.int("log_points_per_decade"),
                        targets: try slice.string("targets"), sgdSeed: method == "sgd" ? try slice.seed("sgd_seed") : 0,
                        initial: initial)
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let dataset = try DatasetArtifact(reading: try context.openInput("dataset"))
        let data = dataset.trainingSet(targets: settings.targets)
        // θ_t every record_every steps, uncompressed.
        let trajectoryBytes = Int64(settings.steps / settings.recordEvery + 1) * Int64(2 * settings.width) * 8
        let writer = try context.makeWriter(stage: name, expectedBytes: trajectoryBytes)
        let trajectory = try TrainingArtifact.createTrajectory(in: writer.root, width: settings.width, stride: settings.recordEvery)

        let progress = context.progress("train \(settings.targets)", total: settings.steps)
        let clock = ContinuousClock()
        let began = clock.now
        let record: TrainingRecord
        do {
            record = try trainer(settings, data).run(from: settings.initial, progress: progress.update, extras: { net in
                [GeneralizationError.value(net, teacher: dataset.teacher)]
            }, trajectory: { chunk in try trajectory.append(rows: chunk.values) })
        } catch let diverged as TrainingDiverged {
            throw StageFailure("training diverged: \(diverged) (η = \(settings.eta)); no artifact written")
        }
        progress.finish()
        let elapsed = clock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        guard let last = record.logPoints.last else { throw StageFailure("no log points were recorded") }
        let artifact = TrainingArtifact(settings: settings, record: record, wallSeconds: seconds)
        try artifact.write(to: writer.root)
        try writer.commit()
        if !context.quiet {
            print(String(format: "train %@: %d steps in %.2f s (%.0f ns/step); final E_tr = %.6g, E_gen = %.4g, |grad| = %.3g",
                         settings.targets, settings.steps, seconds, seconds / Double(settings.steps) * 1e9,
                         last.trainingError, last.extras[0], last.gradientNorm))
        }
    }

    private static func trainer(_ settings: Settings, _ data: TrainingSet) -> TrainingRun {
        var run = TrainingRun(kernel: GradientDescentKernel(data: data, width: settings.width, learningRate: settings.eta),
                              steps: settings.steps, recordEvery: settings.recordEvery,
                              logTimes: LogTimeGrid(steps: settings.steps, pointsPerDecade: settings.pointsPerDecade).times)
        if settings.method == "sgd" {
            run.online = OnlineGradientDescent(data: data, learningRate: settings.eta, seed: settings.sgdSeed)
        }
        return run
    }
}
