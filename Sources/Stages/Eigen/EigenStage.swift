import DynamicsAnalysis
import Foundation
import HDF5Kit
import MLPNumerics
import PipelineCore

/// Hessian spectra along one run, its final point refined to a critical point, and Monte-Carlo
/// index checks on the named regions.
///
/// Slice: the `eigen` section plus the run's `targets` and `width` (`train.width`); inputs
/// `dataset` and `train`. Layout: `EigenArtifact`.
public enum EigenStage: Stage {
    public static let name = "eigen"
    public static let scope = StageScope.run
    public static let summary = "Hessian spectrum, index, alignment and stability along the log grid; refined final critical point; region checks"
    public static let sliceOrigins = ["targets": "runs.*.targets", "width": "train.width"]
    public static let sourcePaths = ["Sources/Stages/Eigen"] + Refinement.analysisSources

    public struct Settings {
        let targets: String
        let alignmentDepth: Int
        let tolerance: EigenvalueTolerance
        let refiner: CriticalPointRefinerSettings
        let regionSamples: Int
        let regionSeed: UInt64
    }

    public static func node(_ config: PipelineConfig, instance run: String) throws -> NodeSpec {
        let spec = config.run(run)!
        var slice = config.section(name).objectValue ?? [:]
        slice["targets"] = .string(spec.targets)
        slice["width"] = config.section(TrainStage.name)["width"]
        // set_tolerance lives in this section for the stages that locate points on known sets; eigen does not.
        slice["set_tolerance"] = nil
        return NodeSpec(slice: .object(slice), inputs: ["dataset": NodeID(stage: DatasetStage.name, instance: spec.dataset),
                                                        "train": NodeID(stage: TrainStage.name, instance: run)])
    }

    public static func settings(_ slice: SliceReader) throws -> Settings {
        let width = try slice.int("width")
        let depth = try slice.int("alignment_depth")
        guard depth <= 2 * width else {
            throw slice.failure("alignment_depth", "exceeds the parameter dimension 2·train.width = \(2 * width)")
        }
        return Settings(targets: try slice.string("targets"), alignmentDepth: depth,
                        tolerance: EigenvalueTolerance(relative: try slice.double("zero_tolerance_relative")),
                        refiner: try Refinement.settings(slice, prefix: ""),
                        regionSamples: try slice.int("region_samples"), regionSeed: try slice.seed("region_seed"))
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let dataset = try DatasetArtifact(reading: try context.openInput("dataset"))
        let train = try TrainingArtifact(reading: try context.openInput("train"))
        let (curve, eta, final) = (train.curve, train.eta, train.final)
        let data = dataset.trainingSet(targets: settings.targets)
        let d = 2 * curve.width
        let depth = min(settings.alignmentDepth, d)

        let progress = context.progress("eigen \(settings.targets)", total: curve.t.count)
        let analyses = try curve.t.indices.map { n in
            progress.update(n)
            return try HessianAnalysis(network: curve.network(at: n), data: data, tolerance: settings.tolerance, alignmentDepth: depth)
        }
        progress.finish()
        let refinement = CriticalPointRefiner.refine(final, on: data, settings: settings.refiner)

        let record = CriticalPointRecord(label: "final", refinement: refinement, data: data, teacher: dataset.teacher)
        // Region checks are defined for the paper's minimal model only.
        var regions: [EigenArtifact.RegionResult]?
        if curve.width == 2, dataset.teacher.width == 1 {
            regions = try RegionFamily.allCases.enumerated().map { ordinal, family in
                // One stream per family, so adding a family leaves the others' samples unchanged.
                let seed = settings.regionSeed &+ UInt64(ordinal)
                let result = try RegionChecks.check(family, on: data, teacherW: dataset.teacher.w[0], teacherV: dataset.teacher.v[0],
                                                    sampleCount: settings.regionSamples, seed: seed, tolerance: settings.tolerance)
                return EigenArtifact.RegionResult(family: family, result: result, seed: seed)
            }
        }
        let writer = try context.makeWriter(stage: name)
        try EigenArtifact.write(to: writer.root, t: curve.t, analyses: analyses, alignmentDepth: depth, eta: eta, final: record,
                                regions: regions, skippedNote: "region checks are defined for width 2 and a one-neuron teacher (width \(curve.width), teacher width \(dataset.teacher.width))")
        try writer.commit()
        if !context.quiet {
            let indices = analyses.map(\.index)
            print("eigen \(settings.targets): \(analyses.count) points, index \(indices.first.map(String.init) ?? "-") → \(indices.last.map(String.init) ?? "-"); "
                  + "final refined: index \(record.index), |grad| = \(String(format: "%.3g", record.gradientNorm)), \(record.reason)")
        }
    }
}
