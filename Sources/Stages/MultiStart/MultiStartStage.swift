import DynamicsAnalysis
import Foundation
import HDF5Kit
import MLPNumerics
import PipelineCore

/// Trains many seeded random starts to convergence and counts their limits modulo symmetry
/// (Theorem 3.1: almost every start should reach the same function).
///
/// Slice: the `multistart` section plus the run's `targets`, `width` (`train.width`) and `refine`
/// (the eigen section's Newton settings); input `dataset`. Starts run in parallel on all cores;
/// the artifact is written afterwards. Layout: `MultiStartArtifact`.
public enum MultiStartStage: Stage {
    public static let name = "multistart"
    public static let scope = StageScope.run
    public static let summary = "GD from N random starts to convergence; limits clustered modulo symmetry, each cluster refined"
    public static let sliceOrigins = ["targets": "runs.*.targets", "width": "train.width", "refine": "eigen"]
    public static let sourcePaths = ["Sources/Stages/MultiStart"] + Refinement.analysisSources

    public struct Settings {
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
        /// Refined critical points this close modulo symmetry are one point.
        let samePointTolerance: Double
        let refiner: CriticalPointRefinerSettings

        /// The starts θ_0^(1..N): all 2m·N weights drawn in order from one seeded stream, each
        /// i.i.d. uniform on [−scale, scale] or normal N(0, scale²).
        func initialPoints() -> [Network] {
            var random = PortableRandom(seed: seed)
            return (0..<starts).map { _ in
                Network(flat: (0..<(2 * width)).map { _ in normal ? scale * random.nextNormal() : random.nextUniform(in: -scale, scale) })
            }
        }
    }

    public static func node(_ config: PipelineConfig, instance run: String) throws -> NodeSpec {
        let spec = config.runs[run]!
        var slice = config.section(name).objectValue ?? [:]
        slice["targets"] = .string(spec.targets)
        slice["width"] = config.section(TrainStage.name)["width"]
        slice["refine"] = Refinement.slice(config)
        return NodeSpec(slice: .object(slice), inputs: ["dataset": NodeID(stage: DatasetStage.name, instance: spec.dataset)])
    }

    public static func settings(_ slice: SliceReader) throws -> Settings {
        let width = try slice.int("width")
        guard width <= Symmetry.maximumEnumeratedWidth else {
            throw slice.failure("width", "the multistart stage clusters modulo symmetry by enumerating m!·2^m elements; it needs width ≤ \(Symmetry.maximumEnumeratedWidth)")
        }
        let (interval, budget) = (try slice.int("check_interval"), try slice.int("max_steps"))
        guard interval <= budget else { throw slice.failure("check_interval", "exceeds multistart.max_steps = \(budget)") }
        return Settings(targets: try slice.string("targets"), width: width, starts: try slice.int("starts"),
                        normal: try slice.string("distribution") == "normal", scale: try slice.double("scale"),
                        seed: try slice.seed("seed"), eta: try slice.double("eta"), maxSteps: budget,
                        gradientTolerance: try slice.double("gradient_tolerance"), checkInterval: interval,
                        clusterTolerance: try slice.double("cluster_tolerance"),
                        samePointTolerance: try slice.double("same_point_tolerance"),
                        refiner: try Refinement.settings(slice, prefix: "refine."))
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let dataset = try DatasetArtifact(reading: try context.openInput("dataset"))
        let data = dataset.trainingSet(targets: settings.targets)
        let starts = settings.initialPoints()
        let kernel = GradientDescentKernel(data: data, width: settings.width, learningRate: settings.eta)

        let progress = context.progress("multistart \(settings.targets) (starts)", total: starts.count)
        let clock = ContinuousClock()
        let began = clock.now
        let outcomes = MultiStartDescent.descend(kernel, from: starts, maxSteps: settings.maxSteps,
                                                 gradientTolerance: settings.gradientTolerance,
                                                 checkInterval: settings.checkInterval,
                                                 finished: { [progress] done in progress.update(done) })
        progress.finish()
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
            return CriticalPointRecord(label: "cluster \(k)", refinement: refinement, data: data, teacher: dataset.teacher)
        }
        let refinedDistance = records.flatMap { a in records.map { b in Symmetry.distance(a.point, b.point) } }
        // Loose convergence can split one critical point into several clusters; the refined points
        // say which clusters are the same critical point.
        let refinedClusters = records.indices.filter { records[$0].converged }
        let classes = SymmetryClustering.leaderClusters(refinedClusters.map { records[$0].point }, tolerance: settings.samePointTolerance)
        var criticalClass = [Int](repeating: -1, count: records.count)
        for (j, k) in refinedClusters.enumerated() { criticalClass[k] = classes.assignment[j] }

        let writer = try context.makeWriter(stage: name)
        try MultiStartArtifact.write(to: writer.root, width: settings.width, starts: starts, outcomes: outcomes, clusterOf: clusterOf,
                                     distanceToLeader: distanceToLeader, clusters: clusters, convergedStarts: convergedStarts,
                                     records: records, refinedDistance: refinedDistance, criticalClass: criticalClass,
                                     samePointTolerance: settings.samePointTolerance, distinctCriticalPoints: classes.leaders.count,
                                     seconds: seconds)
        try writer.commit()
        if !context.quiet {
            let counts = clusters.counts.map(String.init).joined(separator: ", ")
            print(String(format: "multistart %@: %d starts in %.2f s (%.1f runs/s), %d converged, %d clusters [%@], %d distinct critical points, %d diverged",
                         settings.targets, starts.count, seconds, Double(starts.count) / max(seconds, 1e-9), convergedStarts.count, records.count, counts,
                         classes.leaders.count, outcomes.filter { $0.diverged != nil }.count))
        }
    }
}
