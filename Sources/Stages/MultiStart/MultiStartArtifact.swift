import DynamicsAnalysis
import HDF5Kit
import MLPNumerics

/// The multistart stage's artifact: N seeded random starts trained by GD, their limits clustered
/// modulo the symmetry group, and each cluster's refined critical point.
///
/// Layout (N starts, d = 2m, K clusters):
/// - `/starts/{initial (N × d), final (N × d), converged (N, int64 0/1: ‖∇E_tr‖ < tolerance),
///   diverged (N, int64 0/1), steps (N, int64, GD steps taken), final_E_tr (N), final_grad_norm (N),
///   cluster (N, int64, −1 for unconverged starts), distance_to_leader (N, orbit distance to the
///   cluster's leader, NaN when unclustered)}`.
/// - `/clusters/{count (K, int64), leader (K, int64: the start that founded the cluster),
///   refined_distance (K × K, orbit distances between the refined points), critical_class (K, int64:
///   clusters whose converged refined points coincide modulo symmetry within 1e-6 share a class;
///   −1 when the refinement did not converge)}` and
///   `/clusters/critical/<k>`: a `CriticalPointRecord` labelled "cluster k", refined from the
///   leader's final point.
/// - Root attributes `converged_count`, `unconverged_count`, `diverged_count`, `cluster_count`,
///   `distinct_critical_points` (the number of classes),
///   and the run-record attributes `timing_wall_seconds`, `timing_runs_per_second`,
///   `timing_steps_per_second` (excluded from the content hash).
public struct MultiStartArtifact {
    /// One start: where it began, where it ended and how.
    public struct Start: Equatable {
        public let initial: Network
        public let final: Network
        public let converged: Bool
        public let diverged: Bool
        public let steps: Int
        public let finalTrainingError: Double
        public let finalGradientNorm: Double
        /// The cluster number, nil when not converged.
        public let cluster: Int?
        public let distanceToLeader: Double?
    }

    /// One cluster of converged limits.
    public struct Cluster: Equatable {
        public let count: Int
        /// The start that founded the cluster.
        public let leader: Int
        public let record: CriticalPointRecord
    }

    public let starts: [Start]
    public let clusters: [Cluster]
    /// Row-major K × K orbit distances between the clusters' refined points.
    public let refinedDistance: [Double]
    /// Per cluster, the class of its refined critical point (nil if the refinement did not converge).
    public let criticalClass: [Int?]
    public let unconvergedCount: Int
    public let divergedCount: Int

    /// Writes the layout.
    /// - Throws: `HDF5Error` when a member cannot be written.
    static func write(to root: HDF5Group, width: Int, starts: [Network], outcomes: [DescentOutcome], clusterOf: [Int],
                      distanceToLeader: [Double], clusters: SymmetryClusters, convergedStarts: [Int], records: [CriticalPointRecord],
                      refinedDistance: [Double], criticalClass: [Int], samePointTolerance: Double, distinctCriticalPoints: Int,
                      seconds: Double) throws {
        let n = starts.count, d = 2 * width
        let columns = TrainingArtifact.columnNames(width)
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
                     "clusters whose converged refined points are within \(samePointTolerance) modulo symmetry share a class (the same critical point); -1 if the refinement did not converge")
        let critical = try c.createGroup("critical")
        for (k, record) in records.enumerated() { try record.write(to: critical.createGroup(String(k))) }

        let divergedCount = outcomes.filter { $0.diverged != nil }.count
        try root.setAttribute("converged_count", .int64(Int64(convergedStarts.count)))
        try root.setAttribute("unconverged_count", .int64(Int64(n - convergedStarts.count)))
        try root.setAttribute("diverged_count", .int64(Int64(divergedCount)))
        try root.setAttribute("cluster_count", .int64(Int64(records.count)))
        try root.setAttribute("distinct_critical_points", .int64(Int64(distinctCriticalPoints)))
        let totalSteps = outcomes.reduce(0) { $0 + $1.steps }
        try root.setAttribute("timing_wall_seconds", .double(seconds))
        try root.setAttribute("timing_runs_per_second", .double(Double(n) / max(seconds, 1e-9)))
        try root.setAttribute("timing_steps_per_second", .double(Double(totalSteps) / max(seconds, 1e-9)))
    }

    /// Reads a multistart artifact.
    /// - Throws: `HDF5Error` when a member is missing or of the wrong type.
    public init(reading file: HDF5File) throws {
        let root = file.root
        let s = try root.group("starts")
        let initial = try s.dataset("initial")
        let d = initial.shape.count == 2 ? initial.shape[1] : 0
        let first = try initial.readDoubles()
        let last = try s.dataset("final").readDoubles()
        let converged = try s.dataset("converged").readInt64s()
        let diverged = try s.dataset("diverged").readInt64s()
        let steps = try s.dataset("steps").readInt64s()
        let loss = try s.dataset("final_E_tr").readDoubles()
        let grad = try s.dataset("final_grad_norm").readDoubles()
        let cluster = try s.dataset("cluster").readInt64s()
        let distance = try s.dataset("distance_to_leader").readDoubles()
        starts = converged.indices.map { i in
            Start(initial: Network(flat: Array(first[(i * d)..<((i + 1) * d)])),
                  final: Network(flat: Array(last[(i * d)..<((i + 1) * d)])),
                  converged: converged[i] != 0, diverged: diverged[i] != 0, steps: Int(steps[i]),
                  finalTrainingError: loss[i], finalGradientNorm: grad[i],
                  cluster: cluster[i] >= 0 ? Int(cluster[i]) : nil,
                  distanceToLeader: cluster[i] >= 0 ? distance[i] : nil)
        }
        let c = try root.group("clusters")
        let counts = try c.dataset("count").readInt64s()
        let leaders = try c.dataset("leader").readInt64s()
        let critical = try c.group("critical")
        clusters = try counts.indices.map { k in
            Cluster(count: Int(counts[k]), leader: Int(leaders[k]), record: try CriticalPointRecord(reading: try critical.group(String(k))))
        }
        refinedDistance = try c.dataset("refined_distance").readDoubles()
        criticalClass = try c.dataset("critical_class").readInt64s().map { $0 >= 0 ? Int($0) : nil }
        unconvergedCount = try root.int("unconverged_count")
        divergedCount = try root.int("diverged_count")
    }
}
