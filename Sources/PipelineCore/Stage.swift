import Foundation

/// What a stage is instantiated over: each dataset, each run, each sweep (`sweeps` in
/// `pipeline.json`), or once for the whole configuration.
public enum StageScope: String, Sendable {
    case dataset, run, sweep, global
}

/// One step of the pipeline, as one type: what it is instantiated over, what it reads, how its
/// settings are decoded and checked, which sources make up its code, and how it computes its
/// artifact. A stage lives in one folder (`Sources/Stages/<Name>/`), its executable
/// `stage-<name>` is `StageMain.run(<Name>Stage.self)`, and the stage list names it once.
///
/// The engine (DAG, keys, store, runner) knows stages only through this protocol.
public protocol Stage {
    /// The stage's typed, checked settings, decoded from a node's config slice.
    associatedtype Settings

    /// The stage name, e.g. `train`; its executable is `stage-<name>`, its artifacts live under
    /// `<store>/<name>/`.
    static var name: String { get }
    static var scope: StageScope { get }
    /// One line for `pipeline dag` and the docs.
    static var summary: String { get }
    /// The section of `pipeline.json` the slice comes from (`train`), for naming keys in errors;
    /// nil when the slice is not one section.
    static var configSection: String? { get }
    /// Where slice keys that are not in `configSection` come from, by their first path component:
    /// `["targets": "runs.*.targets", "refine": "eigen"]`. Used to name the config key in errors
    /// and to find its schema.
    static var sliceOrigins: [String: String] { get }
    /// Files and folders (relative to the project root) whose bytes are the stage's code: its own
    /// folder, the layouts of the artifacts it reads, the numerical libraries it calls, scripts.
    /// Plumbing (PipelineCore, HDF5Kit) is left out, so improving the driver keeps results current.
    static var sourcePaths: [String] { get }
    /// Bump when the artifact changes without a change to `sourcePaths`.
    static var formatVersion: Int { get }
    /// A folder under the store that holds a copy of the files the artifact carries
    /// (`PublishedFiles`), kept equal to the current artifact by the driver; nil for none.
    static var publishedFolder: String? { get }

    /// Whether a per-run stage has a node for this run. The default: every run of `runs`, no run of
    /// a sweep — a sweep's runs need only what its summary reads, not every analysis of the paper.
    static func applies(to run: PipelineConfig.Run, in config: PipelineConfig) -> Bool

    /// The node's config slice (everything that determines its artifact) and its inputs by role.
    /// - Throws: `ConfigError` naming the key when the slice cannot be built.
    static func node(_ config: PipelineConfig, instance: String) throws -> NodeSpec

    /// Decodes and checks a slice. This is the one validation path: the driver calls it for every
    /// node before anything runs, the executable calls it again on the slice it is given.
    /// - Throws: `ConfigError` naming the config key and value.
    static func settings(_ slice: SliceReader) throws -> Settings

    /// Computes the node's artifact from its inputs and writes it through `context`.
    /// - Throws: `StageFailure` (or any error) when the artifact cannot be made; nothing is cached.
    static func run(_ settings: Settings, _ context: StageContext) throws
}

extension Stage {
    public static var configSection: String? { name }
    public static var sliceOrigins: [String: String] { [:] }
    public static var formatVersion: Int { 1 }
    public static var publishedFolder: String? { nil }
    public static var executable: String { "stage-\(name)" }
    public static func applies(to run: PipelineConfig.Run, in config: PipelineConfig) -> Bool { run.sweep == nil }

    /// A reader of `slice` that names keys as `pipeline.json` does.
    public static func reader(_ slice: JSONValue, instance: String?, schema: JSONValue?) -> SliceReader {
        SliceReader(slice, section: configSection, origins: sliceOrigins, instance: instance, schema: schema)
    }
}

/// What a node of a stage is: its config slice and its inputs by role.
public struct NodeSpec {
    public var slice: JSONValue
    public var inputs: [String: NodeID]

    public init(slice: JSONValue, inputs: [String: NodeID] = [:]) {
        self.slice = slice
        self.inputs = inputs
    }
}

/// A stage seen by the engine: the `Stage` type's static facts and functions, without its types.
public struct StageDefinition {
    public let name: String
    public let executable: String
    public let scope: StageScope
    public let summary: String
    public let sourcePaths: [String]
    public let formatVersion: Int
    public let publishedFolder: String?
    /// Builds a node's slice and inputs.
    public let node: (PipelineConfig, String) throws -> NodeSpec
    /// Decodes and checks a node's slice (slice, instance, schema), discarding the settings.
    public let check: (JSONValue, String, JSONValue?) throws -> Void
    /// Whether a per-run stage has a node for a run.
    public let applies: (PipelineConfig.Run, PipelineConfig) -> Bool

    public init<S: Stage>(_ stage: S.Type) {
        name = S.name
        executable = S.executable
        scope = S.scope
        summary = S.summary
        sourcePaths = S.sourcePaths
        formatVersion = S.formatVersion
        publishedFolder = S.publishedFolder
        node = { try S.node($0, instance: $1) }
        check = { slice, instance, schema in _ = try S.settings(S.reader(slice, instance: instance, schema: schema)) }
        applies = { S.applies(to: $0, in: $1) }
    }
}

/// One node of the pipeline DAG: a stage applied to one dataset, one run, one sweep, or all runs.
public struct NodeID: Hashable, Comparable, CustomStringConvertible, Sendable {
    public let stage: String
    /// The dataset, run or sweep name; "" for a stage that joins all runs.
    public let instance: String

    public init(stage: String, instance: String) {
        self.stage = stage
        self.instance = instance
    }

    public var description: String { instance.isEmpty ? stage : "\(stage)[\(instance)]" }

    public static func < (a: NodeID, b: NodeID) -> Bool { a.description < b.description }
}

/// A node with everything needed to key it.
public struct PlannedNode {
    public let id: NodeID
    public let definition: StageDefinition
    public let slice: JSONValue
    public let inputs: [String: NodeID]
}
