import DynamicsAnalysis
import Foundation
import HDF5Kit
import MLPNumerics
import PipelineCore

/// Cuts one run's learning curve into phases (plateau, transition, near-optimal saddle, approach,
/// converged), finds t*, the escapes and where the run is heading, and refines one critical point
/// per phase.
///
/// Slice: the `phases` section plus the run's `targets` and, when representatives are refined,
/// `refine` (the eigen section's Newton settings); inputs `dataset`, `train`, `eigen`. Rules:
/// docs/phases.md. Layout: `PhasesArtifact`.
public enum PhasesStage: Stage {
    public static let name = "phases"
    public static let scope = StageScope.run
    public static let summary = "phase segments, t*, escapes, convergence time and the saddles passed (refined per segment)"
    public static let sliceOrigins = ["targets": "runs.*.targets", "refine": "eigen"]
    public static let sourcePaths = ["Sources/Stages/Phases", "Sources/Stages/Eigen/EigenArtifact.swift"] + Refinement.analysisSources

    public struct Settings {
        let targets: String
        let detection: PhaseDetectionSettings
        /// How close to M counts as "near the optimal region" for the destination rule.
        let nearOptimalDistance: Double
        /// nil when representatives are not refined.
        let refiner: CriticalPointRefinerSettings?
    }

    public static func node(_ config: PipelineConfig, instance run: String) throws -> NodeSpec {
        let spec = config.runs[run]!
        var slice = config.section(name).objectValue ?? [:]
        slice["targets"] = .string(spec.targets)
        // The Newton settings matter only when representatives are refined.
        if slice["refine_representatives"]?.boolValue ?? true { slice["refine"] = Refinement.slice(config) }
        return NodeSpec(slice: .object(slice), inputs: ["dataset": NodeID(stage: DatasetStage.name, instance: spec.dataset),
                                                        "train": NodeID(stage: TrainStage.name, instance: run),
                                                        "eigen": NodeID(stage: EigenStage.name, instance: run)])
    }

    public static func settings(_ slice: SliceReader) throws -> Settings {
        Settings(targets: try slice.string("targets"),
                 detection: PhaseDetectionSettings(
                    slopeWindowDecades: try slice.double("slope_window_decades"), fastDropSlope: try slice.double("fast_drop_slope"),
                    gradientTolerance: try slice.double("gradient_tolerance"), minimumSegmentPoints: try slice.int("minimum_segment_points")),
                 nearOptimalDistance: try slice.double("near_optimal_distance"),
                 refiner: try slice.bool("refine_representatives") ? try Refinement.settings(slice, prefix: "refine.") : nil)
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let dataset = try DatasetArtifact(reading: try context.openInput("dataset"))
        let curve = try TrainingArtifact(reading: try context.openInput("train")).curve
        let index = try EigenArtifact.index(try context.openInput("eigen"))
        guard index.count == curve.t.count else {
            throw StageFailure("the eigen artifact has \(index.count) grid points but the training artifact has \(curve.t.count)")
        }
        let times = curve.t.map(Double.init)
        let report: PhaseReport
        do {
            report = try PhaseDetector.detect(time: times, trainingError: curve.trainingError,
                                              generalizationError: curve.generalizationError,
                                              gradientNorm: curve.gradientNorm, index: index, settings: settings.detection)
        } catch let error as PhaseDetectionError {
            throw StageFailure("phase detection failed: \(error)")
        }
        let data = dataset.trainingSet(targets: settings.targets)

        // Distances to the named regions along the grid, and where the run is heading.
        let networks = curve.t.indices.map { curve.network(at: $0) }
        let toSingular = networks.map { Regions.singularSet($0).distance }
        let toOptimal = CriticalPointRecord.optimalDistanceApplies(teacher: dataset.teacher, width: curve.width)
            ? networks.map { Regions.optimalRegion($0, teacher: dataset.teacher).distance } : nil
        let destination = Destination.classify(time: times, distanceToOptimal: toOptimal, converged: report.convergenceTime != nil,
                                               nearDistance: settings.nearOptimalDistance)

        var representatives: [PhasesArtifact.Representative] = []
        if let refiner = settings.refiner {
            for (n, segment) in report.segments.enumerated() {
                // The segment's grid point closest to criticality is the best Newton start.
                let members = times.indices.filter { times[$0] >= segment.startTime && times[$0] <= segment.endTime }
                guard let best = members.min(by: { curve.gradientNorm[$0] < curve.gradientNorm[$1] }) else { continue }
                let refinement = CriticalPointRefiner.refine(curve.network(at: best), on: data, settings: refiner)
                representatives.append(PhasesArtifact.Representative(
                    segment: n, t: times[best],
                    record: CriticalPointRecord(label: segment.phase.rawValue, refinement: refinement, data: data, teacher: dataset.teacher)))
            }
        }
        let writer = try context.makeWriter(stage: name)
        try PhasesArtifact.write(to: writer.root, report: report, times: times, toSingular: toSingular, toOptimal: toOptimal,
                                 destination: destination, representatives: representatives)
        try writer.commit()
        if !context.quiet {
            let summary = report.segments.map { "\($0.phase.rawValue) [\(Int($0.startTime)), \(Int($0.endTime))] index \($0.index)" }
            print("phases \(settings.targets): " + summary.joined(separator: "; ")
                  + String(format: "; t* = %.0f, E_gen* = %.3g", report.earlyStoppingTime, report.earlyStoppingGeneralizationError))
        }
    }
}
