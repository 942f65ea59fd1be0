import ArgumentParser
import Artifacts
import DynamicsAnalysis
import Foundation
import HDF5Kit
import MLPNumerics
import PipelineCore

/// Cuts one run's learning curve into phases and refines one critical point per phase.
@main
struct PhasesStage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stage-phases",
        abstract: "Phase segments (plateau, transition, near-optimal saddle, approach, converged), t*, escapes, and the saddles passed.",
        discussion: """
        The slice is pipeline.json's "phases" section plus "targets" and, when representatives are
        refined, "refine" (the eigen section's Newton settings); inputs 'dataset', 'train' and
        'eigen'. Rules: docs/phases.md. See PhasesArtifact for the output layout.
        """
    )

    @OptionGroup var stage: StageOptions

    func run() throws {
        let settings = try PhasesSettings(try stage.parsedSlice())
        let dataset = try DatasetArtifact(try stage.openInput("dataset"))
        let curve = try TrainingArtifact.curve(try stage.openInput("train"))
        let index = try EigenArtifact.index(try stage.openInput("eigen"))
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

        let writer = try stage.makeWriter(stage: "phases")
        let root = writer.root
        let segments = report.segments
        let s = try root.createGroup("segments")
        try s.createDataset("label", strings: segments.map(\.phase.rawValue))
            .setAttribute("description", .string("phase of each segment; rules in docs/phases.md"))
        try s.createDataset("t_start", doubles: segments.map(\.startTime))
        try s.createDataset("t_end", doubles: segments.map(\.endTime))
        try s.createDataset("E_tr_start", doubles: segments.map(\.trainingErrorAtStart))
        try s.createDataset("E_tr_end", doubles: segments.map(\.trainingErrorAtEnd))
        try s.createDataset("E_gen_start", doubles: segments.map(\.generalizationErrorAtStart))
        try s.createDataset("E_gen_end", doubles: segments.map(\.generalizationErrorAtEnd))
        try s.createDataset("min_grad_norm", doubles: segments.map(\.minimumGradientNorm))
            .setAttribute("description", .string("smallest |grad E_tr| over the segment's grid points"))
        try s.createDataset("index", int64s: segments.map { Int64($0.index) })
            .setAttribute("description", .string("most frequent Hessian index over the segment (smaller on ties)"))
        try s.createDataset("point_count", int64s: segments.map { Int64($0.pointCount) })

        let e = try root.createGroup("escapes")
        try e.setAttribute("description", .string("times where the debounced Hessian index drops: escapes from saddles"))
        try e.createDataset("t", doubles: report.escapes.map(\.time))
        try e.createDataset("from_index", int64s: report.escapes.map { Int64($0.fromIndex) })
        try e.createDataset("to_index", int64s: report.escapes.map { Int64($0.toIndex) })

        let slopes = try root.createGroup("slopes")
        try slopes.createDataset("t", doubles: times.filter { $0 >= 1 })
        try slopes.createDataset("slope", doubles: report.slopes)
            .setAttribute("description", .string("least-squares slope of log E_tr against log t over +-slope_window_decades"))

        try root.setAttribute("t_star", .double(report.earlyStoppingTime))
        try root.setAttribute("E_gen_star", .double(report.earlyStoppingGeneralizationError))
        try root.setAttribute("converged", .int64(report.convergenceTime == nil ? 0 : 1))
        if let time = report.convergenceTime { try root.setAttribute("convergence_time", .double(time)) }

        // Distances to the named regions along the grid, and where the run is heading.
        let networks = curve.t.indices.map { curve.network(at: $0) }
        let toSingular = networks.map { Regions.singularSet($0).distance }
        let toOptimal = CriticalPointRecord.optimalDistanceApplies(teacher: dataset.teacher, width: curve.width)
            ? networks.map { Regions.optimalRegion($0, teacher: dataset.teacher).distance } : nil
        let distances = try root.createGroup("distances")
        try distances.createDataset("to_singular", doubles: toSingular)
            .setAttribute("description", .string("Euclidean distance from theta_t to the singular set (w_i = 0, v_i = 0, w_i = +-w_j)"))
        if let toOptimal {
            try distances.createDataset("to_optimal", doubles: toOptimal)
                .setAttribute("description", .string("Euclidean distance from theta_t to the optimal region M (f = f*)"))
        }
        let destination = Destination.classify(time: times, distanceToOptimal: toOptimal, converged: report.convergenceTime != nil)
        try root.setAttribute("destination", .string(destination.rawValue))

        let critical = try root.createGroup("critical")
        if let refiner = settings.refiner {
            for (n, segment) in segments.enumerated() {
                // The segment's grid point closest to criticality is the best Newton start.
                let members = times.indices.filter { times[$0] >= segment.startTime && times[$0] <= segment.endTime }
                guard let best = members.min(by: { curve.gradientNorm[$0] < curve.gradientNorm[$1] }) else { continue }
                let refinement = CriticalPointRefiner.refine(curve.network(at: best), on: data, settings: refiner)
                let record = CriticalPointRecord(
                    label: segment.phase.rawValue, point: Network(flat: refinement.point),
                    eigenvalues: refinement.analysis?.spectrum.values ?? [], index: refinement.analysis?.index ?? -1,
                    zeroCount: refinement.analysis?.zeroCount ?? -1, gradientNorm: refinement.gradientNorm,
                    converged: refinement.converged, iterations: refinement.iterations, reason: refinement.reason.rawValue,
                    data: data, teacher: dataset.teacher)
                let group = try critical.createGroup(String(n))
                try record.write(to: group)
                try group.setAttribute("segment", .int64(Int64(n)))
                try group.setAttribute("representative_t", .double(times[best]))
            }
        }
        try writer.commit()
        if !stage.quiet {
            let summary = segments.map { "\($0.phase.rawValue) [\(Int($0.startTime)), \(Int($0.endTime))] index \($0.index)" }
            print("phases \(settings.targets): " + summary.joined(separator: "; ")
                  + String(format: "; t* = %.0f, E_gen* = %.3g", report.earlyStoppingTime, report.earlyStoppingGeneralizationError))
        }
    }
}

/// The phases slice, read and checked.
struct PhasesSettings {
    let targets: String
    let detection: PhaseDetectionSettings
    /// nil when representatives are not refined.
    let refiner: CriticalPointRefinerSettings?

    init(_ slice: JSONValue) throws {
        let reader = SliceReader(slice)
        targets = try reader.string("targets", oneOf: ["noisy", "clean"])
        detection = PhaseDetectionSettings(
            slopeWindowDecades: try reader.double("slope_window_decades", "a number > 0") { $0 > 0 },
            fastDropSlope: try reader.double("fast_drop_slope", "a number > 0") { $0 > 0 },
            gradientTolerance: try reader.double("gradient_tolerance", "a number > 0") { $0 > 0 },
            minimumSegmentPoints: try reader.int("minimum_segment_points", "an integer ≥ 1") { $0 >= 1 })
        if try reader.bool("refine_representatives") {
            refiner = CriticalPointRefinerSettings(
                gradientTolerance: try reader.double("refine.newton_tolerance", "a number > 0") { $0 > 0 },
                maxIterations: try reader.int("refine.newton_max_iterations", "an integer ≥ 0") { $0 >= 0 },
                eigenvalueTolerance: EigenvalueTolerance(relative: try reader.double("refine.zero_tolerance_relative", "a number ≥ 0") { $0 >= 0 }))
        } else {
            refiner = nil
        }
    }
}
