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

    /// Reads a multistart artifact.
    /// - Throws: `HDF5Error` when a member is missing or of the wrong type.
    public init(_ file: HDF5File) throws {
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
            Cluster(count: Int(counts[k]), leader: Int(leaders[k]), record: try CriticalPointRecord(try critical.group(String(k))))
        }
        refinedDistance = try c.dataset("refined_distance").readDoubles()
        criticalClass = try c.dataset("critical_class").readInt64s().map { $0 >= 0 ? Int($0) : nil }
        unconvergedCount = try root.int("unconverged_count")
        divergedCount = try root.int("diverged_count")
    }
}
