import Dataset
import Foundation
import HDF5Kit
import MLPNumerics
import PipelineCore
import Study

/// Trains one run by full-batch GD or online SGD from its initial point and records θ_t, E_tr,
/// E_gen and ‖∇E_tr‖.
///
/// One node per run of `runs`, and per run of a sweep that trains from the initial point
/// (`paper_init`), with the sweep's step budget and a thinned trajectory. Settings: the `train`
/// section and the run's targets; input `dataset`. A run that produces a non-finite value stops
/// with the step and the quantity, and writes nothing. Layout: `TrainingArtifact`.
public enum TrainStage: Stage {
    public static let name = "train"
    public static let summary =
        "trajectory θ_t every k steps and the log-grid learning curve (E_tr, E_gen, "
        + "‖∇E_tr‖)"

    public struct Settings: Codable, Equatable, RunSettings {
        public var method: DescentMethod
        public var eta: Double
        public var steps: Int
        public var width: Int
        public var recordEvery: Int
        public var logPointsPerDecade: Int
        public var targets: Targets
        /// The sampler's seed (online SGD only).
        public var sgdSeed: UInt64?
        public var initial: InitialPoint

        /// θ_0.
        public var initialNetwork: Network { initial.network(width: width) }
    }

    /// θ_0: given explicitly, or drawn with a seed.
    public enum InitialPoint: Codable, Equatable {
        case explicit(w: [Double], v: [Double])
        case random(distribution: Distribution, scale: Double, seed: UInt64)

        func network(width: Int) -> Network {
            switch self {
            case .explicit(let w, let v): return Network(w: w, v: v)
            case .random(let distribution, let scale, let seed):
                var random = PortableRandom(seed: seed)
                return Network(flat: distribution.draw(2 * width, scale: scale, from: &random))
            }
        }
    }

    public static func instances(_ config: Configuration) throws -> [NodeSpec<Settings>] {
        let study = try StudyConfig.of(config)
        let settings = try Settings(config)
        return try study.allRuns.filter { $0.sweep?.paperInit ?? true }.map { run in
            var own = settings
            if run.width != settings.width {
                guard case .random = settings.initial else {
                    throw config.failure(
                        "runs.\(run.name).width",
                        "is \(run.width) but train.init is explicit with train.width = \(settings.width) weights per "
                            + "layer; give train.init a random kind")
                }
                own.width = run.width
            }
            // A sweep's run: the configuration's initial point with the sweep's budget; its trajectory
            // is thinned (it is not plotted).
            if let sweep = run.sweep {
                own.steps = sweep.trainSteps
                own.recordEvery = min(sweep.recordEvery, sweep.trainSteps)
            }
            return run.node(own, inputs: ["dataset": run.datasetNode])
        }
    }

    public static func cost(_ node: NodeSpec<Settings>, _ config: Configuration) -> Cost {
        GradientDescentRate.cost(
            steps: Double(node.settings.steps), run: node.instance, fixedSeconds: 0.15, config: config)
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let dataset = try DatasetArtifact(reading: try context.openInput("dataset"))
        let data = dataset.trainingSet(targets: settings.targets)
        // θ_t every record_every steps, uncompressed.
        let trajectoryBytes = Int64(settings.steps / settings.recordEvery + 1) * Int64(2 * settings.width) * 8
        let writer = try context.makeWriter(stage: name, expectedBytes: trajectoryBytes)
        let trajectory = try TrainingArtifact.createTrajectory(
            in: writer.root, width: settings.width, stride: settings.recordEvery)

        let progress = context.progress("train \(settings.targets.rawValue)", total: settings.steps)
        let clock = ContinuousClock()
        let began = clock.now
        let record: TrainingRecord
        do {
            record = try trainer(settings, data).run(
                from: settings.initialNetwork, progress: progress.update,
                extras: { net in
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
            print(
                String(
                    format:
                        "train %@: %d steps in %.2f s (%.0f ns/step); final E_tr = %.6g, E_gen = %.4g, |grad| = %.3g",
                    settings.targets.rawValue, settings.steps, seconds, seconds / Double(settings.steps) * 1e9,
                    last.trainingError, last.extras[0], last.gradientNorm))
        }
    }

    private static func trainer(_ settings: Settings, _ data: TrainingSet) -> TrainingRun {
        var run = TrainingRun(
            kernel: GradientDescentKernel(data: data, width: settings.width, learningRate: settings.eta),
            steps: settings.steps, recordEvery: settings.recordEvery,
            logTimes: LogTimeGrid(steps: settings.steps, pointsPerDecade: settings.logPointsPerDecade).times)
        if settings.method == .sgd, let seed = settings.sgdSeed {
            run.online = OnlineGradientDescent(data: data, learningRate: settings.eta, seed: seed)
        }
        return run
    }
}

extension TrainStage.Settings {
    /// The `train` section, checked: an explicit initial point has `train.width` weights per layer.
    /// Keys that do not apply (the random draw's for an explicit point, `sgd_seed` for full-batch GD)
    /// are not read, so changing them recomputes nothing.
    init(_ config: Configuration) throws {
        let width = try config.int("train.width")
        let initial: TrainStage.InitialPoint
        switch try config.choice(InitialPointKind.self, "train.init.kind") {
        case .random:
            initial = .random(
                distribution: try config.choice(Distribution.self, "train.init.distribution"),
                scale: try config.double("train.init.scale"), seed: try config.seed("train.init.seed"))
        case .explicit:
            let w = try config.doubles("train.init.w"), v = try config.doubles("train.init.v")
            for (key, vector) in [("w", w), ("v", v)] where vector.count != width {
                throw config.failure(
                    "train.init.\(key)", "has \(vector.count) element(s) but the network width train.width is \(width)")
            }
            initial = .explicit(w: w, v: v)
        }
        let method = try config.choice(DescentMethod.self, "train.method")
        self.init(
            method: method, eta: try config.double("train.eta"), steps: try config.int("train.steps"), width: width,
            recordEvery: try config.int("train.record_every"),
            logPointsPerDecade: try config.int("train.log_points_per_decade"),
            targets: .noisy, sgdSeed: method == .sgd ? try config.seed("train.sgd_seed") : nil, initial: initial)
    }
}

/// `train.init.kind`.
private enum InitialPointKind: String, CaseIterable {
    case explicit, random
}
