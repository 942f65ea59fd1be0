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
        /// A θ_T Newton cannot refine is located on M within this distance (`eigen.set_tolerance`).
        public var setTolerance: Double
    }

    public static func instances(_ config: Configuration) throws -> [NodeSpec<Settings>] {
        let depth = try config.int("eigen.alignment_depth")
        let settings = Settings(
            targets: .noisy, alignmentDepth: depth, newton: try NewtonSettings(config),
            regionSamples: try config.int("eigen.region_samples"), regionSeed: try config.seed("eigen.region_seed"),
            setTolerance: try NewtonSettings.setTolerance(config))
        return try StudyConfig.of(config).ownRuns.map { run in
            guard depth <= 2 * run.width else {
                throw config.failure(
                    "eigen.alignment_depth",
                    "exceeds the parameter dimension 2m = \(2 * run.width) of run '\(run.name)' (m = train.width or "
                        + "the run's width)")
            }
            return run.node(settings, inputs: ["dataset": run.datasetNode, "train": run.nodeID(TrainStage.name)])
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
        var record = CriticalPointRecord(label: "final", refinement: refinement, data: data, teacher: dataset.teacher)
        let approach = try locateOnOptimalManifold(
            refinement, final: final, settings: settings, data: data, teacher: dataset.teacher, curve: curve, eta: eta)
        if let approach { record = approach.located }
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
            approach: approach.map { ($0.record, $0.newton) }, regions: regions,
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

    /// Where Newton cannot refine θ_T because the run ends on M (noiseless data: the Hessian is singular
    /// along M), θ_T is located on M as the multistart and phases stages locate limits
    /// (`LimitSetRefiner.locate`): the located point replaces the failed refinement, which is kept beside it.
    static func locateOnOptimalManifold(
        _ refinement: CriticalPointRefinement, final: Network, settings: Settings, data: TrainingSet,
        teacher: Network, curve: TrainingArtifact.Curve, eta: Double
    ) throws -> (located: CriticalPointRecord, newton: CriticalPointRecord, record: ManifoldApproachRecord)? {
        guard !refinement.converged else { return nil }
        let known = KnownSets(
            data: data, eta: eta, line: nil, lineSegments: [], teacher: teacher, width: curve.width,
            refiner: settings.newton.refiner, setTolerance: settings.setTolerance)
        let method = "Newton stopped (\(refinement.reason.rawValue)) on M's flat directions; theta_T"
        guard known.optimalTeacher != nil,
            let limit = LimitSetRefiner.locate(
                Network(flat: refinement.point), known: known, iterations: refinement.iterations, method: method,
                path: [], nearestTo: final),
            limit.kind == .optimalManifold
        else { return nil }
        let approach = try ManifoldApproach(
            final: final, times: curve.t.map(Double.init), trajectory: curve.t.indices.map { curve.network(at: $0) },
            teacher: teacher, data: data, tolerance: settings.newton.eigenvalueTolerance)
        let newton = CriticalPointRecord(label: "final (Newton)", refinement: refinement, data: data, teacher: teacher)
        return (
            CriticalPointRecord(label: "final", limit: limit, data: data, teacher: teacher), newton,
            ManifoldApproachRecord(
                approach, final: final, newtonReason: refinement.reason.rawValue,
                newtonGradientNorm: refinement.gradientNorm)
        )
    }
}
