import DynamicsAnalysis
import Foundation
import HDF5Kit
import MLPNumerics
import PipelineCore

/// Suspicious alignment (Deng et al., ALT 2026) on the run's own trajectory: branches from θ_t0
/// of the training record and continues with plain, dominant-only (top-k Hessian eigenvectors)
/// and bulk-only (their complement) steps, by online SGD (the train stage's sampler) and by
/// full-batch GD, recording the excess E_tr over the eigen stage's refined final point, χ_k and
/// λ_max. A branch from the trajectory, not from a random offset: a projected variant started
/// off the trajectory stalls on the other subspace's error, which says nothing about alignment.
///
/// Slice: the `projected` section plus the run's `targets` and `train.width`, `train.steps`,
/// `train.record_every` (to check the branch times); inputs `dataset`, `train`, `eigen`. Layout:
/// `ProjectedArtifact`.
public enum ProjectedStage: Stage {
    public static let name = "projected"
    public static let scope = StageScope.run
    public static let summary = "plain / dominant-only / bulk-only steps (SGD and GD) branched from the run's trajectory: excess E_tr, χ_k, λ_max"
    public static let sliceOrigins = ["targets": "runs.*.targets", "width": "train.width", "train_steps": "train.steps",
                                      "record_every": "train.record_every"]
    public static func applies(to run: PipelineConfig.Run, in config: PipelineConfig) -> Bool {
        StudyRuns.applies(name, to: run, in: config)
    }

    public static let sourcePaths = ["Sources/Stages/Projected", "Sources/Stages/Eigen/EigenArtifact.swift"] + Refinement.analysisSources

    /// One branch point and step size, run with every `StepProjection`.
    public struct Experiment: Equatable {
        public let method: String
        public let t0: Int
        public let eta: Double
        public let steps: Int

        /// The group name: `sgd_t10000_eta0.01`.
        public var name: String { "\(method)_t\(t0)_eta\(eta)" }
    }

    public struct Settings {
        let targets: String
        let dominantDimension: Int
        let refreshEvery: Int
        let pointsPerDecade: Int
        let sgdSeed: UInt64
        let experiments: [Experiment]
    }

    public static func node(_ config: PipelineConfig, instance run: String) throws -> NodeSpec {
        let spec = config.runs[run]!
        var slice = config.section(name).objectValue ?? [:]
        slice["run_targets"] = nil
        let train = config.section(TrainStage.name)
        slice["targets"] = .string(spec.targets)
        slice["width"] = train["width"]
        slice["train_steps"] = train["steps"]
        slice["record_every"] = train["record_every"]
        return NodeSpec(slice: .object(slice), inputs: [
            "dataset": NodeID(stage: DatasetStage.name, instance: spec.dataset),
            "train": NodeID(stage: TrainStage.name, instance: run),
            "eigen": NodeID(stage: EigenStage.name, instance: run),
        ])
    }

    public static func settings(_ slice: SliceReader) throws -> Settings {
        let width = try slice.int("width"), trainSteps = try slice.int("train_steps"), recordEvery = try slice.int("record_every")
        let k = try slice.int("dominant_dimension")
        guard k <= 2 * width else { throw slice.failure("dominant_dimension", "must be at most 2 * train.width = \(2 * width)") }
        func branchTime(_ t0: Double, key: String) throws -> Int {
            guard t0 <= Double(trainSteps) else { throw slice.failure(key, "branch time \(Int(t0)) is after the run's last step train.steps = \(trainSteps)") }
            guard Int(t0) % recordEvery == 0 else { throw slice.failure(key, "branch time \(Int(t0)) is not a multiple of train.record_every = \(recordEvery) (θ is recorded only there)") }
            return Int(t0)
        }
        let sgdTimes = try slice.doubles("sgd.t0").map { try branchTime($0, key: "sgd.t0") }
        let sgdSteps = try slice.int("sgd.steps"), gdSteps = try slice.int("gd.steps")
        let gdTime = try branchTime(Double(try slice.int("gd.t0")), key: "gd.t0")
        var experiments: [Experiment] = []
        for t0 in sgdTimes {
            for eta in try slice.doubles("sgd.eta") { experiments.append(Experiment(method: "sgd", t0: t0, eta: eta, steps: sgdSteps)) }
        }
        for eta in try slice.doubles("gd.eta") { experiments.append(Experiment(method: "gd", t0: gdTime, eta: eta, steps: gdSteps)) }
        return Settings(targets: try slice.string("targets"), dominantDimension: k, refreshEvery: try slice.int("refresh_every"),
                        pointsPerDecade: try slice.int("points_per_decade"), sgdSeed: try slice.seed("sgd.seed"), experiments: experiments)
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let dataset = try DatasetArtifact(reading: try context.openInput("dataset"))
        let data = dataset.trainingSet(targets: settings.targets)
        let trainFile = try context.openInput("train")
        let reference = try EigenArtifact(reading: try context.openInput("eigen")).final
        let objective = TrainingErrorObjective(data: data, width: reference.point.width)
        let progress = context.progress("projected \(settings.targets)", total: settings.experiments.count * StepProjection.allCases.count)
        let stride = try TrainingArtifact.trajectory(trainFile, rows: 0..<1).stride
        var results: [ProjectedArtifact.Branch] = []
        for experiment in settings.experiments {
            let row = experiment.t0 / stride
            let start = try TrainingArtifact.trajectory(trainFile, rows: row..<(row + 1)).values
            let times = LogTimeGrid(steps: experiment.steps, pointsPerDecade: settings.pointsPerDecade).times
            for projection in StepProjection.allCases {
                let descent = ProjectedDescent(objective: objective, projection: projection, learningRate: experiment.eta,
                                               dominantDimension: settings.dominantDimension, refreshEvery: settings.refreshEvery)
                let record: ProjectedDescentRecord
                if experiment.method == "sgd" {
                    // Every variant sees the same sample order (the train stage's sampler).
                    var sampler = OnlineGradientDescent(data: data, learningRate: experiment.eta, seed: settings.sgdSeed)
                    record = try descent.run(from: start, steps: experiment.steps, recordTimes: times, reference: reference.trainingError) { x in
                        let k = sampler.nextSample()
                        return TrainingError.gradient(Network(flat: x), on: TrainingSet(x: [data.x[k]], y: [data.y[k]]))
                    }
                } else {
                    record = try descent.run(from: start, steps: experiment.steps, recordTimes: times, reference: reference.trainingError)
                }
                results.append(ProjectedArtifact.Branch(experiment: experiment, projection: projection, record: record))
                progress.update(results.count)
            }
        }
        progress.finish()
        let artifact = ProjectedArtifact(branches: results, reference: reference.trainingError, referenceConverged: reference.converged,
                                         dominantDimension: settings.dominantDimension, refreshEvery: settings.refreshEvery)
        let writer = try context.makeWriter(stage: name)
        try artifact.write(to: writer.root)
        try writer.commit()
        if !context.quiet {
            for row in artifact.ratios {
                print(String(format: "projected %@ %@ t0 = %d η = %g: excess %.3g → plain %.3g, dominant %.3g, bulk %.3g; χ₁ (plain, late) %.3f; 2/λ_max %.4g%@",
                             settings.targets, row.method, row.t0, row.eta, row.startExcess, row.finalExcess[0], row.finalExcess[1],
                             row.finalExcess[2], row.lateAlignment, row.startThreshold, row.diverged.isEmpty ? "" : "; diverged: \(row.diverged)"))
            }
        }
    }
}
