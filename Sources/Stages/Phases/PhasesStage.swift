import DynamicsAnalysis
import Foundation
import HDF5Kit
import MLPNumerics
import PipelineCore

/// Cuts one run's learning curve into phases (plateau, transition, near-optimal saddle, approach,
/// converged), finds t*, the escapes and where the run is heading, and refines one critical point
/// per phase.
///
/// Each refined representative is located on the known sets (the embedded line L with its γ, or M
/// on noiseless data). The run's final point, when the run converged, is refined and located too:
/// whether the run stayed on the interior of L, next to the line stage's prediction.
///
/// Slice: the `phases` section plus the run's `targets`, `refine` (the eigen section's Newton
/// settings and `set_tolerance`) and `certify` (the multistart section's `certify_*`); inputs
/// `dataset`, `train`, `eigen`, `line`. Rules:
/// docs/phases.md. Layout: `PhasesArtifact`.
public enum PhasesStage: Stage {
    public static let name = "phases"
    public static let scope = StageScope.run
    public static let summary = "phase segments, t*, escapes, convergence time and the saddles passed (refined per segment)"
    public static let sliceOrigins = ["targets": "runs.*.targets", "refine": "eigen", "certify": "multistart"]
    public static let sourcePaths = ["Sources/Stages/Phases", "Sources/Stages/Eigen/EigenArtifact.swift", "Sources/Stages/Line/LineArtifact.swift",
                                     "Sources/Stages/Line/LineStage.swift"] + Refinement.analysisSources

    public struct Settings {
        let targets: String
        let detection: PhaseDetectionSettings
        /// How close to M counts as "near the optimal region" for the destination rule.
        let nearOptimalDistance: Double
        /// nil when representatives are not refined.
        let refiner: CriticalPointRefinerSettings?
        /// Refines the final point and locates points on the known sets.
        let locator: CriticalPointRefinerSettings
        let setTolerance: Double
        /// When the final point's limit set counts as certain (`multistart.certify_*`).
        let certification: CertificationSettings
    }

    public static func node(_ config: PipelineConfig, instance run: String) throws -> NodeSpec {
        let spec = config.run(run)!
        var slice = config.section(name).objectValue ?? [:]
        slice["targets"] = .string(spec.targets)
        slice["refine"] = Refinement.slice(config)
        let multistart = config.section(MultiStartStage.name)
        slice["certify"] = .object(Dictionary(uniqueKeysWithValues: MultiStartStage.certificateKeys.map { ($0, multistart[$0] ?? .null) }))
        return NodeSpec(slice: .object(slice), inputs: ["dataset": NodeID(stage: DatasetStage.name, instance: spec.dataset),
                                                        "train": NodeID(stage: TrainStage.name, instance: run),
                                                        "eigen": NodeID(stage: EigenStage.name, instance: run),
                                                        "line": NodeID(stage: LineStage.name, instance: run)])
    }

    public static func settings(_ slice: SliceReader) throws -> Settings {
        Settings(targets: try slice.string("targets"),
                 detection: PhaseDetectionSettings(
                    slopeWindowDecades: try slice.double("slope_window_decades"), fastDropSlope: try slice.double("fast_drop_slope"),
                    gradientTolerance: try slice.double("gradient_tolerance"), minimumSegmentPoints: try slice.int("minimum_segment_points")),
                 nearOptimalDistance: try slice.double("near_optimal_distance"),
                 refiner: try slice.bool("refine_representatives") ? try Refinement.settings(slice, prefix: "refine.") : nil,
                 locator: try Refinement.settings(slice, prefix: "refine."),
                 setTolerance: try Refinement.setTolerance(slice, prefix: "refine."),
                 certification: try Refinement.certification(slice, prefix: "certify."))
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let dataset = try DatasetArtifact(reading: try context.openInput("dataset"))
        let training = try TrainingArtifact(reading: try context.openInput("train"))
        let curve = training.curve
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

        let lineArtifact = try LineArtifact(reading: try context.openInput("line"))
        let known = KnownSets(data: data, eta: lineArtifact.eta, line: lineArtifact.line(on: data), lineSegments: lineArtifact.stableSegments,
                              teacher: dataset.teacher, width: curve.width, refiner: settings.locator, setTolerance: settings.setTolerance)
        // Where the run ended relative to L, next to the line's prediction: the limit set of θ_T when
        // it is certain (LimitSetCertifier, multistart.certify_*), else the refined θ_T when the run
        // converged, else unknown.
        let prediction = lineArtifact.prediction.destination
        let final = training.final
        let finalGradient = TrainingError.gradient(final, on: data).reduce(0) { $0 + $1 * $1 }.squareRoot()
        let certified = LimitSetCertifier.certifyEndOfRun(final, gradientNorm: finalGradient, known: known, settings: settings.certification)
        let limit = certified ?? (report.convergenceTime != nil ? LimitSetRefiner.refine(final, known: known) : nil)
        let unknown = report.convergenceTime == nil ? "not converged (\(destination.rawValue))"
            : "unknown: the run met the gradient criterion, but the refinement of theta_T did not converge"
        var lineOutcome = PhasesArtifact.LineOutcome(coefficient: lineArtifact.coefficient, prediction: prediction,
                                                     reached: unknown, agrees: nil)
        if let limit, limit.kind != .notConverged {
            let outcome = limit.interiorOutcome
            var reached = limit.kind.rawValue
            if let gamma = limit.gamma { reached += String(format: " at gamma = %.4g", gamma) }
            if let face = limit.atInfinity?.face { reached += " (\(face))" }
            if let orbit = limit.orbit { reached += String(format: " (period %d, E_tr %.6g to %.6g)", orbit.period,
                                                           orbit.trainingErrors.min()!, orbit.trainingErrors.max()!) }
            reached += ", index \(limit.index)" + (certified != nil ? " (limit set certain at T)" : " (converged)")
            if prediction != .notApplicable { reached += ": \(outcome.rawValue)" }
            lineOutcome = PhasesArtifact.LineOutcome(coefficient: lineArtifact.coefficient, prediction: prediction, reached: reached,
                                                     agrees: prediction == .notApplicable ? nil : prediction == outcome)
        }

        var representatives: [PhasesArtifact.Representative] = []
        if let refiner = settings.refiner {
            for (n, segment) in report.segments.enumerated() {
                // The segment's grid point closest to criticality is the best Newton start.
                let members = times.indices.filter { times[$0] >= segment.startTime && times[$0] <= segment.endTime }
                guard let best = members.min(by: { curve.gradientNorm[$0] < curve.gradientNorm[$1] }) else { continue }
                // Newton, located on L or M when it ends there (as the set's point nearest the grid point).
                let limit = LimitSetRefiner.refine(curve.network(at: best), known: known.with(refiner: refiner), descendIfNewtonFails: false)
                representatives.append(PhasesArtifact.Representative(
                    segment: n, t: times[best],
                    record: CriticalPointRecord(label: segment.phase.rawValue, limit: limit, data: data, teacher: dataset.teacher)))
            }
        }
        let writer = try context.makeWriter(stage: name)
        try PhasesArtifact.write(to: writer.root, report: report, times: times, toSingular: toSingular, toOptimal: toOptimal,
                                 destination: destination, representatives: representatives, line: lineOutcome)
        try writer.commit()
        if !context.quiet {
            let summary = report.segments.map { "\($0.phase.rawValue) [\(Int($0.startTime)), \(Int($0.endTime))] index \($0.index)" }
            print("phases \(settings.targets): " + summary.joined(separator: "; ")
                  + String(format: "; t* = %.0f, E_gen* = %.3g", report.earlyStoppingTime, report.earlyStoppingGeneralizationError))
        }
    }
}
