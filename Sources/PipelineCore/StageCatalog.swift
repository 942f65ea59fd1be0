import Foundation

/// One node of the pipeline DAG: a stage applied to one dataset, one run, or all runs.
public struct NodeID: Hashable, Comparable, CustomStringConvertible, Sendable {
    public let stage: String
    /// The dataset or run name; "" for a stage that joins all runs.
    public let instance: String

    public init(stage: String, instance: String) {
        self.stage = stage
        self.instance = instance
    }

    public var description: String { instance.isEmpty ? stage : "\(stage)[\(instance)]" }

    public static func < (a: NodeID, b: NodeID) -> Bool { a.description < b.description }
}

/// A stage: its executable, what it is instantiated over, which sources define its code, and how
/// a node's config slice and inputs are derived from the configuration.
public struct StageDefinition {
    public enum Scope: String { case dataset, run, global }

    public let name: String
    public let executable: String
    public let scope: Scope
    public let summary: String
    /// Targets under `Sources/` whose files make up the stage's code identity: the executable and
    /// the numerical libraries it calls. Plumbing (HDF5Kit, PipelineCore) is covered by
    /// `formatVersion` instead, so that a driver change does not invalidate every result.
    public let sourceTargets: [String]
    /// Bump when the artifact layout changes without a change to `sourceTargets`.
    public let formatVersion: Int
    /// Further files (relative to the project root) that are part of the stage's code, e.g. a
    /// script the stage runs.
    public var sourceFiles: [String] = []
    /// Cross-key checks of this stage's config section, run at load time.
    public let validate: (JSONValue) throws -> Void
    /// The node's config slice and its inputs by role.
    public let node: (PipelineConfig, _ instance: String) throws -> (slice: JSONValue, inputs: [String: NodeID])
}

/// A node with everything needed to key it.
public struct PlannedNode {
    public let id: NodeID
    public let definition: StageDefinition
    public let slice: JSONValue
    public let inputs: [String: NodeID]
}

/// The stages of this pipeline, in dependency order.
public enum StageCatalog {
    public static var all: [StageDefinition] { [dataset, train, eigen, phases, multistart, figureData, render] }

    public static func named(_ name: String) -> StageDefinition? { all.first { $0.name == name } }

    /// Every cross-key check of every stage.
    public static var validators: [(JSONValue) throws -> Void] { all.map(\.validate) }

    /// Builds the DAG of a configuration, nodes in a topological order.
    /// - Throws: `ConfigError` when a node's slice cannot be built (e.g. an unreadable data file).
    public static func plan(_ config: PipelineConfig) throws -> [PlannedNode] {
        var nodes: [PlannedNode] = []
        for stage in all {
            let instances: [String]
            switch stage.scope {
            case .dataset: instances = config.datasets.keys.sorted()
            case .run: instances = config.runs.keys.sorted()
            case .global: instances = [""]
            }
            for instance in instances {
                let (slice, inputs) = try stage.node(config, instance)
                nodes.append(PlannedNode(id: NodeID(stage: stage.name, instance: instance), definition: stage, slice: slice, inputs: inputs))
            }
        }
        return nodes
    }

    // MARK: Stages

    /// Samples or imports a dataset; builds the noisy and clean targets on the same x.
    static let dataset = StageDefinition(
        name: "dataset", executable: "stage-dataset", scope: .dataset,
        summary: "x, noisy targets y and clean targets f*(x) for one dataset",
        sourceTargets: ["stage-dataset", "Artifacts", "MLPNumerics"], formatVersion: 1,
        validate: { _ in },
        node: { config, name in
            var slice = config.datasets[name]!.objectValue!
            if let url = config.dataFile(ofDataset: name) {
                // The file's bytes, not its path, determine the data: its hash enters the key.
                let hash: String
                do { hash = try Hashing.sha256(fileAt: url) } catch {
                    throw ConfigError(path: "datasets.\(name).file.path", value: slice["file"]?["path"]?.brief,
                                      message: "cannot read data file: \(error)")
                }
                var file = slice["file"]!.objectValue!
                file["sha256"] = .string(hash)
                slice["file"] = .object(file)
            }
            return (.object(slice), [:])
        }
    )

    /// Trains one run from its initial point, recording the trajectory and the learning curve.
    static let train = StageDefinition(
        name: "train", executable: "stage-train", scope: .run,
        summary: "trajectory θ_t every k steps and the log-grid learning curve (E_tr, E_gen, ‖∇E_tr‖)",
        sourceTargets: ["stage-train", "Artifacts", "MLPNumerics"], formatVersion: 1,
        validate: { document in
            let train = document["train"] ?? .object([:])
            let width = train["width"]?.intValue ?? 2
            if let initial = train["init"], initial["kind"]?.stringValue == "explicit" {
                try PipelineConfig.checkSameLength(initial, path: "train.init", width: width)
            }
        },
        node: { config, run in
            let spec = config.runs[run]!
            var slice = config.section("train").objectValue ?? [:]
            slice["targets"] = .string(spec.targets)
            // Keys that do not apply to the chosen method or initial point stay out of the key.
            var initial = slice["init"]?.objectValue ?? [:]
            for unused in initial["kind"]?.stringValue == "random" ? ["w", "v"] : ["distribution", "scale", "seed"] {
                initial[unused] = nil
            }
            slice["init"] = .object(initial)
            if slice["method"]?.stringValue != "sgd" { slice["sgd_seed"] = nil }
            return (.object(slice), ["dataset": NodeID(stage: "dataset", instance: spec.dataset)])
        }
    )
}
