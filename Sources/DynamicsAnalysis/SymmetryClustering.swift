import MLPNumerics

/// Clusters of networks modulo the symmetry group (neuron permutations × sign flips).
public struct SymmetryClusters: Equatable, Sendable {
    /// `assignment[i]` = the cluster of point i.
    public let assignment: [Int]
    /// `leaders[k]` = the point that founded cluster k (clusters are numbered in founding order).
    public let leaders: [Int]
    /// `distanceToLeader[i]` = `Symmetry.distance(points[i], points[leaders[assignment[i]]])`.
    public let distanceToLeader: [Double]

    /// The number of points in each cluster.
    public var counts: [Int] {
        var result = [Int](repeating: 0, count: leaders.count)
        for k in assignment { result[k] += 1 }
        return result
    }
}

/// Greedy leader clustering of parameter points modulo symmetry.
public enum SymmetryClustering {
    /// Assigns each point, in the given order, to the first existing cluster whose leader is within
    /// `tolerance` in orbit distance (`Symmetry.distance`), or founds a new cluster led by it.
    ///
    /// Deterministic for a given order. Every point is within `tolerance` of its leader and the
    /// leaders are pairwise more than `tolerance` apart; two points of different clusters can still
    /// be closer than `tolerance` (leader clustering is not transitive), so `tolerance` should sit
    /// well between the spread of limits of one critical point and the gaps between critical points.
    /// - Parameters:
    ///   - points: networks of one width `1 ≤ m ≤ Symmetry.maximumEnumeratedWidth`.
    ///   - tolerance: the orbit-distance radius, ≥ 0.
    /// - Returns: the assignment, the leaders and each point's distance to its leader.
    public static func leaderClusters(_ points: [Network], tolerance: Double) -> SymmetryClusters {
        precondition(tolerance >= 0, "tolerance must be ≥ 0")
        var leaders: [Int] = []
        var assignment: [Int] = []
        var distances: [Double] = []
        for (i, point) in points.enumerated() {
            var joined = false
            for (k, leader) in leaders.enumerated() {
                let distance = Symmetry.distance(point, points[leader])
                if distance <= tolerance {
                    assignment.append(k)
                    distances.append(distance)
                    joined = true
                    break
                }
            }
            if !joined {
                assignment.append(leaders.count)
                distances.append(0)
                leaders.append(i)
            }
        }
        return SymmetryClusters(assignment: assignment, leaders: leaders, distanceToLeader: distances)
    }
}
