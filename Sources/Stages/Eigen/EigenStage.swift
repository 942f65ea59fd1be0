import Dataset
import DynamicsAnalysis
import Foundation
import HDF5Kit
import MLPNumerics
import PipelineCore
import Refinement
import Study
import Train

/// Hessian spectra along one run, its final point refined to a critical point, and Monte-Carlo
/// index checks on the named regions.
///
/// One node per training run of `runs`. Settings: the `eigen` section and the run's targets and
/// width (`train.width`); inputs `dataset` and `train`. Layout: `EigenArtifact`.
public enum EigenStage: Stage {
    public static let name = "eigen"
    public static let summary =
        "Hessian spectrum, index, alignment and stability along the log grid; refined final critical point; region "
        + "checks"

    public struct Settings: Codable, Equatable, RunSettings {
        public var targets: Targets
        public var alignmentDepth: Int
        public var newton: NewtonSettings
        public var regionSamples: Int
        public var regionSeed: UInt64
    }

    public static func instances(_ config: Configuration) throws -> [NodeSpec<Settings>] {
        let width = try config.int("train.width")
        let depth = try config.int("eigen.alignment_depth")
        guard depth <= 2 * width else {
            throw config.failure(
                "eigen.alignment_depth", "exceeds the parameter dimension 2·train.width = \(2 * width)")
        }
        let settings = Settings(
            targets: .noisy, alignmentDepth: depth, newton: try NewtonSettings(config),
            regionSamples: try config.int("eigen.region_samples"), regionSeed: try config.seed("eigen.region_seed"))
        return try StudyConfig.of(config).ownRuns.map { run in
            run.node(settings, inputs: ["dataset": run.datasetNode, "train": run.nodeID(TrainStage.name)])
        }
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let dataset = try DatasetArtifact(reading: try context.openInput("dataset"))
        let train = try TrainingArtifact(reading: try context.openInput("train"))
        let (curve, eta, final) = (train.curve, train.eta, train.final)
        let data = dataset.trainingSet(targets: settings.targets)
        let d = 2 * curve.width
        let depth = min(settings.alignmentDepth, d)

        let progress = context.progress("eigen \(settings.targets.rawValue)", total: curve.t.count)
        let analyses = try curve.t.indices.map { n in
            progress.update(n)
            return try HessianAnalysis(
                network: curve.network(at: n), data: data, tolerance: settings.newton.eigenvalueTolerance,
                alignmentDepth: depth)
        }
        progress.finish()
        let refinement = CriticalPointRefiner.refine(final, on: data, settings: settings.newton.refiner)

        let record = CriticalPointRecord(label: "final", refinement: refinement, data: data, teacher: dataset.teacher)
        // Region checks are defined for the paper's minimal model only.
        var regions: [EigenArtifact.RegionResult]?
        if curve.width == 2, dataset.teacher.width == 1 {
            regions = try RegionFamily.allCases.enumerated().map { ordinal, family in
                // One stream per family, so adding a family leaves the others' samples unchanged.
                let seed = settings.regionSeed &+ UInt64(ordinal)
                let result = try RegionChecks.check(
                    family, on: data, teacherW: dataset.teacher.w[0], teacherV: dataset.teacher.v[0],
                    sampleCount: settings.regionSamples, seed: seed, tolerance: settings.newton.eigenvalueTolerance)
                return EigenArtifact.RegionResult(family: family, result: result, seed: seed)
            }
        }
        let writer = try context.makeWriter(stage: name)
        try EigenArtifact.write(
            to: writer.root, t: curve.t, analyses: analyses, alignmentDepth: depth, eta: eta, final: record,
            regions: regions,
            skippedNote:
                "region checks are defined for width 2 and a one-neuron teacher (width \(curve.width), teacher width "
                + "\(dataset.teacher.width))"
        )
        try writer.commit()
        if !context.quiet {
            let indices = analyses.map(\.index)
            print(
                "eigen \(settings.targets.rawValue): \(analyses.count) points, index "
                    + "\(indices.first.map(String.init) ?? "-") → \(indices.last.map(String.init) ?? "-"); "
                    + "final refined: index \(record.index), |grad| = \(String(format: "%.3g", record.gradientNorm)), "
                    + "\(record.reason)"
            )
        }
    }
}
