import Foundation
import PipelineCore

/// What the nodes of a dry run would cost, per stage: each node's estimate from its stage's
/// `cost` hook (core-seconds, and counts of its main work such as GD steps), totalled.
public struct WorkEstimate {
    public struct StageTotal {
        public let stage: String
        public let nodes: Int
        public let seconds: Double
        public let counts: [String: Double]
    }

    /// Per stage with nodes to run, in stage order.
    public let stages: [StageTotal]
    /// The stages' notes on their estimates, each once, sorted.
    public let notes: [String]

    public init(pipeline: Pipeline, nodes: [NodeID]) {
        var byStage: [String: (nodes: Int, seconds: Double, counts: [String: Double])] = [:]
        var notes: Set<String> = []
        for id in nodes {
            guard let node = pipeline.node(id) else { continue }
            let cost = node.cost()
            if let note = cost.note { notes.insert(note) }
            var entry = byStage[id.stage] ?? (0, 0, [:])
            entry.nodes += 1
            entry.seconds += cost.seconds
            entry.counts.merge(cost.counts, uniquingKeysWith: +)
            byStage[id.stage] = entry
        }
        self.notes = notes.sorted()
        stages = pipeline.stages.compactMap { stage in
            byStage[stage.name].map {
                StageTotal(stage: stage.name, nodes: $0.nodes, seconds: $0.seconds, counts: $0.counts)
            }
        }
    }

    /// The table the dry run prints: one column per kind of count.
    public var text: String {
        let kinds = Array(Set(stages.flatMap(\.counts.keys))).sorted()
        var lines = [
            "estimated CPU time of the nodes that would run (core-seconds: each stage's own estimate per node, "
                + "and the counts of its main work):"
        ]
        lines.append(
            "stage".padded(16) + "nodes".leftPadded(8) + kinds.map { $0.leftPadded(12) }.joined()
                + "core-s".leftPadded(12))
        for s in stages {
            lines.append(
                s.stage.padded(16) + String(s.nodes).leftPadded(8)
                    + kinds.map { kind in (s.counts[kind].map { String(format: "%.3g", $0) } ?? "").leftPadded(12) }
                    .joined()
                    + String(format: "%.1f", s.seconds).leftPadded(12))
        }
        let total = stages.reduce(0) { $0 + $1.seconds }
        lines.append(
            "total".padded(16) + String(stages.reduce(0) { $0 + $1.nodes }).leftPadded(8)
                + String(repeating: " ", count: 12 * kinds.count) + String(format: "%.1f", total).leftPadded(12)
                + String(format: "  (%.2g core-hours; %.0f s wall on 2 cores)", total / 3600, total / 2))
        lines += notes
        return lines.joined(separator: "\n")
    }
}
