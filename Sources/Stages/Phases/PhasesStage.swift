import Dataset
import DynamicsAnalysis
import Eigen
import Foundation
import HDF5Kit
import Line
import MLPNumerics
import PipelineCore
import Refinement
import Study
import Train

/// Cuts one run's learning curve into phases (plateau, transition, near-optimal saddle, approach,
/// converged), finds t*, the escapes and where the run is heading, and refines one critical point
/// per phase.
///
/// Each refined representative is located on the known sets (the embedded line L with its γ, or M
/// on noiseless data). The run's final point, when the run converged, is refined and located too:
/// whether the run stayed on the interior of L, next to the line stage's prediction.
///
/// One node per training run of `runs`. Settings: the `phases` section, the run's targets, the
/// eigen section's Newton settings and `set_tolerance`, and the multistart section's certificate
/// (`certify_*`); inputs `dataset`, `train`, `eigen`, `line`. Rules: docs/phases.md. Layout:
/// `PhasesArtifact`.
public enum PhasesStage: Stage {
    public static let name = "phases"
    public static let summary =
        "phase segments, t*, escapes, convergence time and the saddles passed (refined per segment)"

    public struct Settings: Codable, Equatable, RunSettings {
        public var targets: Targets
        public var detection: PhaseDetectionSettings
        /// How close to M counts as "near the optimal region" for the destination rule.
        public var nearOptimalDistance: Double
        /// Whether each segment's representative is refined.
        public var refineRepresentatives: Bool
        /// Refines the final point and locates points on the known sets.
        public var newton: NewtonSettings
        public var setTolerance: Double
        /// When the final point's limit set counts as certain (`multistart.certify_*`).
        public var certification: CertificationSettings
    }

    public static func instances(_ config: Configuration) throws -> [NodeSpec<Settings>] {
        let settings = Settings(
            targets: .noisy, detection: try PhaseDetectionSettings(config),
            nearOptimalDistance: try config.double("phases.near_optimal_distance"),
            refineRepresentatives: try config.bool("phases.refine_representatives"),
            newton: try NewtonSettings(config), setTolerance: try NewtonSettings.setTolerance(config),
            certification: try CertificationSettings(config))
        return try StudyConfig.of(config).ownRuns.map { run in
            run.node(
                settings,
                inputs: [
                    "dataset": run.datasetNode, "train": run.nodeID(TrainStage.name),
                    "eigen": run.nodeID(EigenStage.name),
                    "line": run.nodeID(LineStage.name),
                ])
        }
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let dataset = try DatasetArtifact(reading: try context.openInput("dataset"))
        let training = try TrainingArtifact(reading: try context.openInput("train"))
        let curve = training.curve
        let index = try EigenArtifact.index(try context.openInput("eigen"))
        guard index.count == curve.t.count else {
            throw StageFailure(
                "the eigen artifact has \(index.count) grid points but the training artifact has \(curve.t.count)")
        }
        let times = curve.t.map(Double.init)
        let report: PhaseReport
        do {
            report = try PhaseDetector.detect(
                time: times, trainingError: curve.trainingError,
                generalizationError: curve.generalizationError,
                gradientNorm: curve.gradientNorm, index: index, settings: settings.detection)
        } catch let error as PhaseDetectionError {
            throw StageFailure("phase detection failed: \(error)")
        }
        let data = dataset.trainingSet(targets: settings.targets)

        // Distances to the named regions along the grid, and where the run is heading.
        let networks = curve.t.indices.map { curve.network(at: $0) }
        let toSingular = networks.map { Regions.singularSet($0).distance }
        let toOptimal =
            CriticalPointRecord.optimalDistanceApplies(teacher: dataset.teacher, width: curve.width)
            ? networks.map { Regions.optimalRegion($0, teacher: dataset.teacher).distance } : nil
        let destination = Destination.classify(
            time: times, distanceToOptimal: toOptimal, converged: report.convergenceTime != nil,
            nearDistance: settings.nearOptimalDistance)

        let lineArtifact = try LineArtifact(reading: try context.openInput("line"))
        let known = KnownSets(
            data: data, eta: lineArtifact.eta, line: lineArtifact.line(on: data),
            lineSegments: lineArtifact.stableSegments,
            teacher: dataset.teacher, width: curve.width, refiner: settings.newton.refiner,
            setTolerance: settings.setTolerance)
        // Where the run ended relative to L, next to the line's prediction: the limit set of θ_T when
        // it is certain (LimitSetCertifier, multistart.certify_*), else the refined θ_T when the run
        // converged, else unknown.
        let prediction = lineArtifact.prediction.destination
        let final = training.final
        let finalGradient = TrainingError.gradient(final, on: data).reduce(0) { $0 + $1 * $1 }.squareRoot()
        let certified = LimitSetCertifier.certifyEndOfRun(
            final, gradientNorm: finalGradient, known: known, settings: settings.certification)
        let limit = certified ?? (report.convergenceTime != nil ? LimitSetRefiner.refine(final, known: known) : nil)
        let unknown =
            report.convergenceTime == nil
            ? "not converged (\(destination.rawValue))"
            : "unknown: the run met the gradient criterion, but the refinement of theta_T did not converge"
        var lineOutcome = PhasesArtifact.LineOutcome(
            coefficient: lineArtifact.coefficient, prediction: prediction,
            reached: unknown, agrees: nil)
        if let limit, limit.kind != .notConverged {
            let outcome = limit.interiorOutcome
            var reached = limit.kind.rawValue
            if let gamma = limit.gamma { reached += String(format: " at gamma = %.4g", gamma) }
            if let face = limit.atInfinity?.face { reached += " (\(face))" }
            if let orbit = limit.orbit {
                reached += String(
                    format: " (period %d, E_tr %.6g to %.6g)", orbit.period,
                    orbit.trainingErrors.min()!, orbit.trainingErrors.max()!)
            }
            reached += ", index \(limit.index)" + (certified != nil ? " (limit set certain at T)" : " (converged)")
            if prediction != .notApplicable { reached += ": \(outcome.rawValue)" }
            lineOutcome = PhasesArtifact.LineOutcome(
                coefficient: lineArtifact.coefficient, prediction: prediction, reached: reached,
                agrees: prediction == .notApplicable ? nil : prediction == outcome)
        }

        var representatives: [PhasesArtifact.Representative] = []
        if settings.refineRepresentatives {
            let refiner = settings.newton.refiner
            for (n, segment) in report.segments.enumerated() {
                // The segment's grid point closest to criticality is the best Newton start.
                let members = times.indices.filter { times[$0] >= segment.startTime && times[$0] <= segment.endTime }
                guard let best = members.min(by: { curve.gradientNorm[$0] < curve.gradientNorm[$1] }) else { continue }
                // Newton, located on L or M when it ends there (as the set's point nearest the grid point).
                let limit = LimitSetRefiner.refine(
                    curve.network(at: best), known: known.with(refiner: refiner), descendIfNewtonFails: false)
                representatives.append(
                    PhasesArtifact.Representative(
                        segment: n, t: times[best],
                        record: CriticalPointRecord(
                            label: segment.phase.rawValue, limit: limit, data: data, teacher: dataset.teacher)))
            }
        }
        let writer = try context.makeWriter(stage: name)
        try PhasesArtifact.write(
            to: writer.root, report: report, times: times, toSingular: toSingular, toOptimal: toOptimal,
            destination: destination, representatives: representatives, line: lineOutcome)
        try writer.commit()
        if !context.quiet {
            let summary = report.segments.map {
                "\($0.phase.rawValue) [\(Int($0.startTime)), \(Int($0.endTime))] index \($0.index)"
            }
            print(
                "phases \(settings.targets.rawValue): " + summary.joined(separator: "; ")
                    + String(
                        format: "; t* = %.0f, E_gen* = %.3g", report.earlyStoppingTime,
                        report.earlyStoppingGeneralizationError))
        }
    }
}
