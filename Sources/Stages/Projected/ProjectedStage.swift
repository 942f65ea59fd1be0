import Dataset
import DynamicsAnalysis
import Eigen
import Foundation
import HDF5Kit
import MLPNumerics
import PipelineCore
import Study
import Train

/// Suspicious alignment (Deng et al., ALT 2026) on the run's own trajectory: branches from θ_t0
/// of the training record and continues with plain, dominant-only (top-k Hessian eigenvectors)
/// and bulk-only (their complement) steps, by online SGD (the train stage's sampler) and by
/// full-batch GD, recording the excess E_tr over the eigen stage's refined final point, χ_k and
/// λ_max. A branch from the trajectory, not from a random offset: a projected variant started
/// off the trajectory stalls on the other subspace's error, which says nothing about alignment.
///
/// One node per run of `runs` whose targets `projected.run_targets` lists. Settings: the
/// `projected` section's experiments, checked against the run's `train.width`, `train.steps` and
/// `train.record_every` (a branch starts where θ was recorded); inputs `dataset`, `train`, `eigen`.
/// Layout: `ProjectedArtifact`.
public enum ProjectedStage: Stage {
    public static let name = "projected"
    public static let summary =
        "plain / dominant-only / bulk-only steps (SGD and GD) branched from the run's trajectory: excess E_tr, χ_k, "
        + "λ_max"

    /// One branch point and step size, run with every `StepProjection`.
    public struct Experiment: Codable, Equatable {
        public let method: DescentMethod
        public let t0: Int
        public let eta: Double
        public let steps: Int

        public init(method: DescentMethod, t0: Int, eta: Double, steps: Int) {
            self.method = method
            self.t0 = t0
            self.eta = eta
            self.steps = steps
        }

        /// The group name: `sgd_t10000_eta0.01`.
        public var name: String { "\(method.rawValue)_t\(t0)_eta\(eta)" }
    }

    public struct Settings: Codable, Equatable, RunSettings {
        public var targets: Targets
        public var dominantDimension: Int
        public var refreshEvery: Int
        public var pointsPerDecade: Int
        public var sgdSeed: UInt64
        public var experiments: [Experiment]
    }

    public static func instances(_ config: Configuration) throws -> [NodeSpec<Settings>] {
        let study = try StudyConfig.of(config)
        let runs = try study.runs(selectedBy: "projected.run_targets", in: config)
        if runs.isEmpty { return [] }
        let settings = try Settings(config)
        let k = try config.int("projected.dominant_dimension")
        return try runs.map { run in
            guard k <= 2 * run.width else {
                throw config.failure(
                    "projected.dominant_dimension", "must be at most 2m = \(2 * run.width) (run '\(run.name)')")
            }
            return run.node(
                settings,
                inputs: [
                    "dataset": run.datasetNode, "train": run.nodeID(TrainStage.name),
                    "eigen": run.nodeID(EigenStage.name),
                ])
        }
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let dataset = try DatasetArtifact(reading: try context.openInput("dataset"))
        let data = dataset.trainingSet(targets: settings.targets)
        let trainFile = try context.openInput("train")
        let reference = try EigenArtifact(reading: try context.openInput("eigen")).final
        let objective = TrainingErrorObjective(data: data, width: reference.point.width)
        let progress = context.progress(
            "projected \(settings.targets.rawValue)", total: settings.experiments.count * StepProjection.allCases.count)
        let stride = try TrainingArtifact.trajectory(trainFile, rows: 0..<1).stride
        var results: [ProjectedArtifact.Branch] = []
        for experiment in settings.experiments {
            let row = experiment.t0 / stride
            let start = try TrainingArtifact.trajectory(trainFile, rows: row..<(row + 1)).values
            let times = LogTimeGrid(steps: experiment.steps, pointsPerDecade: settings.pointsPerDecade).times
            for projection in StepProjection.allCases {
                let descent = ProjectedDescent(
                    objective: objective, projection: projection, learningRate: experiment.eta,
                    dominantDimension: settings.dominantDimension, refreshEvery: settings.refreshEvery)
                let record: ProjectedDescentRecord
                if experiment.method == .sgd {
                    // Every variant sees the same sample order (the train stage's sampler).
                    var sampler = OnlineGradientDescent(
                        data: data, learningRate: experiment.eta, seed: settings.sgdSeed)
                    record = try descent.run(
                        from: start, steps: experiment.steps, recordTimes: times, reference: reference.trainingError
                    ) { x in
                        let k = sampler.nextSample()
                        return TrainingError.gradient(Network(flat: x), on: TrainingSet(x: [data.x[k]], y: [data.y[k]]))
                    }
                } else {
                    record = try descent.run(
                        from: start, steps: experiment.steps, recordTimes: times, reference: reference.trainingError)
                }
                results.append(ProjectedArtifact.Branch(experiment: experiment, projection: projection, record: record))
                progress.update(results.count)
            }
        }
        progress.finish()
        let artifact = ProjectedArtifact(
            branches: results, reference: reference.trainingError, referenceConverged: reference.converged,
            dominantDimension: settings.dominantDimension, refreshEvery: settings.refreshEvery)
        let writer = try context.makeWriter(stage: name)
        try artifact.write(to: writer.root)
        try writer.commit()
        if !context.quiet {
            for row in artifact.ratios {
                print(
                    String(
                        format:
                            "projected %@ %@ t0 = %d η = %g: excess %.3g → plain %.3g, dominant %.3g, bulk %.3g; "
                            + "χ₁ "
                            + "(plain, late) %.3f; 2/λ_max %.4g%@",
                        settings.targets.rawValue, row.method.rawValue, row.t0, row.eta, row.startExcess,
                        row.finalExcess[0], row.finalExcess[1],
                        row.finalExcess[2], row.lateAlignment, row.startThreshold,
                        row.diverged.isEmpty ? "" : "; diverged: \(row.diverged)"))
            }
        }
    }
}

extension ProjectedStage.Settings {
    /// The `projected` section, checked: k ≤ 2·train.width, and every branch time within the
    /// training run (`train.steps`) at a step where θ is recorded (`train.record_every`).
    init(_ config: Configuration) throws {
        let width = try config.int("train.width"), trainSteps = try config.int("train.steps")
        let recordEvery = try config.int("train.record_every")
        let k = try config.int("projected.dominant_dimension")
        guard k <= 2 * width else {
            throw config.failure("projected.dominant_dimension", "must be at most 2 * train.width = \(2 * width)")
        }
        func branchTime(_ t0: Double, key: String) throws -> Int {
            guard t0 <= Double(trainSteps) else {
                throw config.failure(
                    key, "branch time \(Int(t0)) is after the run's last step train.steps = \(trainSteps)")
            }
            guard Int(t0) % recordEvery == 0 else {
                throw config.failure(
                    key,
                    "branch time \(Int(t0)) is not a multiple of train.record_every = \(recordEvery) "
                        + "(θ is recorded only there)")
            }
            return Int(t0)
        }
        let sgdTimes = try config.doubles("projected.sgd.t0").map { try branchTime($0, key: "projected.sgd.t0") }
        let sgdSteps = try config.int("projected.sgd.steps"), gdSteps = try config.int("projected.gd.steps")
        let gdTime = try branchTime(Double(try config.int("projected.gd.t0")), key: "projected.gd.t0")
        var experiments: [ProjectedStage.Experiment] = []
        for t0 in sgdTimes {
            for eta in try config.doubles("projected.sgd.eta") {
                experiments.append(ProjectedStage.Experiment(method: .sgd, t0: t0, eta: eta, steps: sgdSteps))
            }
        }
        for eta in try config.doubles("projected.gd.eta") {
            experiments.append(ProjectedStage.Experiment(method: .gd, t0: gdTime, eta: eta, steps: gdSteps))
        }
        self.init(
            targets: .noisy, dominantDimension: k, refreshEvery: try config.int("projected.refresh_every"),
            pointsPerDecade: try config.int("projected.points_per_decade"),
            sgdSeed: try config.seed("projected.sgd.seed"),
            experiments: experiments)
    }
}
