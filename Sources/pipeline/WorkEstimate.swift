import Foundation
import MLPNumerics
import PipelineCore
import Stages

/// An estimate of the CPU time the nodes of a dry run would take, per stage.
///
/// Gradient descent dominates: a training node runs `train.steps` steps, a multistart node at most
/// `starts × max_steps` (an upper bound: with the early stop, starts end once their limit set is
/// certain, on the paper's data after ~1 % of the budget). A step costs time ∝ n; the rate is
/// measured here, on this machine, by timing `GradientDescentKernel` on a sampled dataset of each
/// n that occurs (≈ 20 ms per n). Every node also pays a fixed cost (process start, reading its
/// inputs, its analysis, the HDF5 write): `fixedSeconds`, measured on the CI sweep (docs/sweeps.md).
struct WorkEstimate {
    /// Core-seconds per stage and node count, in stage order.
    var stages: [(stage: String, nodes: Int, seconds: Double, gdSteps: Double)] = []
    /// The measured kernel rate, steps per second, by n.
    var rates: [Int: Double] = [:]

    /// Per-node seconds besides gradient descent, by stage: the mean wall time per node of the CI
    /// sweep (`make sweep-ci`, -j 2, load average 3, on the 2-core machine of docs/performance.md),
    /// less its GD share for train.
    static let fixedSeconds: [String: Double] = [
        "dataset": 0.08, "train": 0.15, "line": 0.1, "multistart": 0.1, "sweep-summary": 0.1,
        "eigen": 0.1, "phases": 0.16, "figure-data": 0.1, "render": 6.0, "html-report": 0.4,
    ]

    init(pipeline: Pipeline, nodes: [NodeID]) {
        let config = pipeline.config
        var byStage: [String: (nodes: Int, steps: [Int: Double])] = [:]
        for id in nodes {
            guard let node = pipeline.node(id) else { continue }
            var entry = byStage[id.stage] ?? (0, [:])
            entry.nodes += 1
            if let run = config.run(id.instance), let n = WorkEstimate.sampleCount(config, dataset: run.dataset) {
                switch id.stage {
                case TrainStage.name:
                    entry.steps[n, default: 0] += node.slice["steps"]?.doubleValue ?? 0
                case MultiStartStage.name:
                    entry.steps[n, default: 0] += (node.slice["starts"]?.doubleValue ?? 0) * (node.slice["max_steps"]?.doubleValue ?? 0)
                default: break
                }
            }
            byStage[id.stage] = entry
        }
        let sizes = Set(byStage.values.flatMap(\.steps.keys))
        for n in sizes.sorted() { rates[n] = WorkEstimate.measureRate(n: n) }
        for stage in pipeline.stages {
            guard let entry = byStage[stage.name] else { continue }
            let gd = entry.steps.reduce(0.0) { $0 + $1.value / rates[$1.key]! }
            stages.append((stage.name, entry.nodes, gd + Double(entry.nodes) * (WorkEstimate.fixedSeconds[stage.name] ?? 0.1),
                           entry.steps.values.reduce(0, +)))
        }
    }

    /// n of a dataset: its `sample.n`, or the number of data lines of its file.
    static func sampleCount(_ config: PipelineConfig, dataset: String) -> Int? {
        guard let spec = config.dataset(dataset) else { return nil }
        if let n = spec["sample"]?["n"]?.intValue { return n }
        guard let url = config.dataFile(ofDataset: dataset), let text = try? String(contentsOf: url, encoding: .utf8),
              let parsed = try? TwoColumnText.parse(text) else { return nil }
        return parsed.x.count
    }

    /// GD steps per second of the kernel (width 2) on a sampled dataset of size n.
    static func measureRate(n: Int) -> Double {
        let data = SampledDataset.sample(n: n, sigma: 0.2, seed: 1, teacher: Network(w: [1], v: [2]))
        let kernel = GradientDescentKernel(data: TrainingSet(x: data.x, y: data.noisy), width: 2, learningRate: 0.01)
        // Doubling runs until one takes 10 ms, then the best of three at that length: ~50 ms per n
        // on any build (a debug build's kernel is ~1000× slower).
        func seconds(_ steps: Int) -> Double {
            var theta = Network(w: [-0.13, 0.13], v: [0.16, -0.15])
            let clock = ContinuousClock(), began = clock.now
            _ = kernel.run(&theta, steps: steps)
            let elapsed = clock.now - began
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
        var steps = 16
        while seconds(steps) < 0.01 { steps *= 2 }
        let best = (0..<3).map { _ in seconds(steps) }.min()!
        return Double(steps) / max(best, 1e-9)
    }

    /// The table the dry run prints.
    var text: String {
        var lines = ["estimated CPU time of the nodes that would run (core-seconds; gradient descent at the rate measured now, "
            + "multistart at its whole step budget — an upper bound with the early stop — plus a fixed cost per node):"]
        lines.append("stage".padded(16) + "nodes".leftPadded(8) + "GD steps".leftPadded(12) + "core-s".leftPadded(12))
        for s in stages {
            lines.append(s.stage.padded(16) + String(s.nodes).leftPadded(8)
                + String(format: "%.3g", s.gdSteps).leftPadded(12) + String(format: "%.1f", s.seconds).leftPadded(12))
        }
        let total = stages.reduce(0) { $0 + $1.seconds }
        lines.append("total".padded(16) + String(stages.reduce(0) { $0 + $1.nodes }).leftPadded(8)
            + "".leftPadded(12) + String(format: "%.1f", total).leftPadded(12)
            + String(format: "  (%.2g core-hours; %.0f s wall on 2 cores)", total / 3600, total / 2))
        lines.append("kernel rate measured now (GD steps/s, width 2): "
            + rates.keys.sorted().map { "n = \($0): \(String(format: "%.3g", rates[$0]!))" }.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}
