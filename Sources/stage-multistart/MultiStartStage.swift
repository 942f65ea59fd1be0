import ArgumentParser
import Artifacts
import DynamicsAnalysis
import Foundation
import HDF5Kit
import MLPNumerics
import PipelineCore

/// Trains many seeded random starts to convergence and counts their limits modulo symmetry
/// (Theorem 3.1: almost every start should reach the same function).
@main
struct MultiStartStage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stage-multistart",
        abstract: "GD from N seeded random starts until |grad E_tr| < tol; cluster the limits modulo symmetry and refine each cluster.",
        discussion: """
        The slice is pipeline.json's "multistart" section plus "targets", "width" (train.width)
        and "refine" (the eigen section's Newton settings); input 'dataset'. Starts run in
        parallel on all cores; the artifact is written afterwards. See MultiStartArtifact.
        """
    )

    @OptionGroup var stage: StageOptions

    func run() throws {
        let settings = try MultiStartSettings(try stage.parsedSlice())
        let dataset = try DatasetArtifact(try stage.openInput("dataset"))
        let data = dataset.trainingSet(targets: settings.targets)
        let starts = settings.initialPoints()
        let kernel = GradientDescentKernel(data: data, width: settings.width, learningRate: settings.eta)

        let clock = ContinuousClock()
        let began = clock.now
        let outcomes = MultiStartDescent.descend(kernel, from: starts, maxSteps: settings.maxSteps,
                                                 gradientTolerance: settings.gradientTolerance,
                                                 checkInterval: settings.checkInterval)
        let elapsed = clock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18

        // Cluster the converged limits in start order (deterministic), then refine each leader.
        let convergedStarts = outcomes.indices.filter { outcomes[$0].converged }
        let clusters = SymmetryClustering.leaderClusters(convergedStarts.map { outcomes[$0].final }, tolerance: settings.clusterTolerance)
        var clusterOf = [Int](repeating: -1, count: starts.count)
        var distanceToLeader = [Double](repeating: .nan, count: starts.count)
        for (j, start) in convergedStarts.enumerated() {
            clusterOf[start] = clusters.assignment[j]
            distanceToLeader[start] = clusters.distanceToLeader[j]
        }
        let records = clusters.leaders.enumerated().map { k, leader in
            let refinement = CriticalPointRefiner.refine(outcomes[convergedStarts[leader]].final, on: data, settings: settings.refiner)
            return CriticalPointRecord(
                label: "cluster \(k)", point: Network(flat: refinement.point),
                eigenvalues: refinement.analysis?.spectrum.values ?? [], index: refinement.analysis?.index ?? -1,
                zeroCount: refinement.analysis?.zeroCount ?? -1, gradientNorm: refinement.gradientNorm,
                converged: refinement.converged, iterations: refinement.iterations, reason: refinement.reason.rawValue,
                data: data, teacher: dataset.teacher)
        }
        let refinedDistance = records.flatMap { a in records.map { b in Symmetry.distance(a.point, b.point) } }
        // Loose convergence can split one critical point into several clusters; the refined points
        // say which clusters are the same critical point.
        let refinedClusters = records.indices.filter { records[$0].converged }
        let classes = SymmetryClustering.leaderClusters(refinedClusters.map { records[$0].point }, tolerance: MultiStartSettings.samePointTolerance)
        var criticalClass = [Int](repeating: -1, count: records.count)
        for (j, k) in refinedClusters.enumerated() { criticalClass[k] = classes.assignment[j] }

        let writer = try stage.makeWriter(stage: "multistart")
        let root = writer.root
        let n = starts.count, d = 2 * settings.width
        let columns = CriticalPointRecord.columnNames(settings.width)
        let s = try root.createGroup("starts")
        func describe(_ dataset: HDF5Dataset, _ text: String) throws { try dataset.setAttribute("description", .string(text)) }
        try s.createDataset("initial", doubles: starts.flatMap(\.flat), shape: [n, d]).setAttribute("columns", .string(columns))
        try s.createDataset("final", doubles: outcomes.flatMap(\.final.flat), shape: [n, d]).setAttribute("columns", .string(columns))
        try describe(s.createDataset("converged", int64s: outcomes.map { $0.converged ? 1 : 0 }), "1 if |grad E_tr| < gradient_tolerance within max_steps")
        try describe(s.createDataset("diverged", int64s: outcomes.map { $0.diverged == nil ? 0 : 1 }), "1 if a non-finite value appeared")
        try describe(s.createDataset("steps", int64s: outcomes.map { Int64($0.steps) }), "GD steps taken")
        try s.createDataset("final_E_tr", doubles: outcomes.map(\.trainingError))
        try s.createDataset("final_grad_norm", doubles: outcomes.map(\.gradientNorm))
        try describe(s.createDataset("cluster", int64s: clusterOf.map { Int64($0) }), "cluster of the limit modulo symmetry; -1 if not converged")
        try describe(s.createDataset("distance_to_leader", doubles: distanceToLeader), "orbit distance of the limit to its cluster's leader; NaN if not converged")

        let c = try root.createGroup("clusters")
        try describe(c.createDataset("count", int64s: clusters.counts.map { Int64($0) }), "number of converged starts in each cluster")
        try describe(c.createDataset("leader", int64s: clusters.leaders.map { Int64(convergedStarts[$0]) }), "the start that founded each cluster")
        try describe(c.createDataset("refined_distance", doubles: refinedDistance, shape: [records.count, records.count]),
                     "orbit distance (min over the symmetry group) between the clusters' refined critical points")
        try describe(c.createDataset("critical_class", int64s: criticalClass.map { Int64($0) }),
                     "clusters whose converged refined points are within \(MultiStartSettings.samePointTolerance) modulo symmetry share a class (the same critical point); -1 if the refinement did not converge")
        let critical = try c.createGroup("critical")
        for (k, record) in records.enumerated() { try record.write(to: critical.createGroup(String(k))) }

        let divergedCount = outcomes.filter { $0.diverged != nil }.count
        try root.setAttribute("converged_count", .int64(Int64(convergedStarts.count)))
        try root.setAttribute("unconverged_count", .int64(Int64(n - convergedStarts.count)))
        try root.setAttribute("diverged_count", .int64(Int64(divergedCount)))
        try root.setAttribute("cluster_count", .int64(Int64(records.count)))
        try root.setAttribute("distinct_critical_points", .int64(Int64(classes.leaders.count)))
        let totalSteps = outcomes.reduce(0) { $0 + $1.steps }
        try root.setAttribute("timing_wall_seconds", .double(seconds))
        try root.setAttribute("timing_runs_per_second", .double(Double(n) / max(seconds, 1e-9)))
        try root.setAttribute("timing_steps_per_second", .double(Double(totalSteps) / max(seconds, 1e-9)))
        try writer.commit()
        if !stage.quiet {
            let counts = clusters.counts.map(String.init).joined(separator: ", ")
            print(String(format: "multistart %@: %d starts in %.2f s (%.1f runs/s), %d converged, %d clusters [%@], %d distinct critical points, %d diverged",
                         settings.targets, n, seconds, Double(n) / max(seconds, 1e-9), convergedStarts.count, records.count, counts,
                         classes.leaders.count, divergedCount))
        }
    }
}

/// The multistart slice, read and checked.
struct MultiStartSettings {
    let targets: String
    let width: Int
    let starts: Int
    let normal: Bool
    let scale: Double
    let seed: UInt64
    let eta: Double
    let maxSteps: Int
    let gradientTolerance: Double
    let checkInterval: Int
    let clusterTolerance: Double
    let refiner: CriticalPointRefinerSettings
    /// Refined critical points (‖∇E_tr‖ < newton_tolerance, ~1e-12) this close modulo symmetry are
    /// one point: their distance is ~‖∇E_tr‖/λ_min ≲ 1e-8, while distinct points are ≳ 1e-2 apart.
    static let samePointTolerance = 1e-6

    init(_ slice: JSONValue) throws {
        let reader = SliceReader(slice)
        targets = try reader.string("targets", oneOf: ["noisy", "clean"])
        width = try reader.int("width", "an integer in 1...\(Symmetry.maximumEnumeratedWidth)") { (1...Symmetry.maximumEnumeratedWidth).contains($0) }
        starts = try reader.int("starts", "an integer ≥ 1") { $0 >= 1 }
        normal = try reader.string("distribution", oneOf: ["uniform", "normal"]) == "normal"
        scale = try reader.double("scale", "a number > 0") { $0 > 0 }
        seed = UInt64(try reader.int("seed", "an integer ≥ 0") { $0 >= 0 })
        eta = try reader.double("eta", "a number > 0") { $0 > 0 }
        maxSteps = try reader.int("max_steps", "an integer ≥ 1") { $0 >= 1 }
        gradientTolerance = try reader.double("gradient_tolerance", "a number > 0") { $0 > 0 }
        checkInterval = try reader.int("check_interval", "an integer ≥ 1") { $0 >= 1 }
        clusterTolerance = try reader.double("cluster_tolerance", "a number > 0") { $0 > 0 }
        refiner = CriticalPointRefinerSettings(
            gradientTolerance: try reader.double("refine.newton_tolerance", "a number > 0") { $0 > 0 },
            maxIterations: try reader.int("refine.newton_max_iterations", "an integer ≥ 0") { $0 >= 0 },
            eigenvalueTolerance: EigenvalueTolerance(relative: try reader.double("refine.zero_tolerance_relative", "a number ≥ 0") { $0 >= 0 }))
    }

    /// The starts θ_0^(1..N): all 2m·N weights drawn in order from one seeded stream, each i.i.d.
    /// uniform on [−scale, scale] or normal N(0, scale²).
    func initialPoints() -> [Network] {
        var random = PortableRandom(seed: seed)
        return (0..<starts).map { _ in
            Network(flat: (0..<(2 * width)).map { _ in normal ? scale * random.nextNormal() : random.nextUniform(in: -scale, scale) })
        }
    }
}
