import Foundation

/// One step of a pipeline, as one type: which nodes it has for a configuration, each with its
/// typed settings and inputs, and how a node computes its artifact. A stage lives in one folder
/// and module (`Sources/Stages/<Name>/`), its executable `stage-<name>` is
/// `StageMain.run(<Name>Stage.self, …)`, and the package's stage list names it once.
///
/// The engine (planning, keys, store, scheduling) knows stages only through this protocol and
/// knows nothing of what their configurations mean.
public protocol Stage {
    /// Everything that determines a node's artifact besides its inputs' contents: decoded and
    /// checked once from the configuration when the driver plans; its canonical encoding is the
    /// node's slice, part of its key, and the stage process decodes it from `--slice`.
    associatedtype Settings: Codable

    /// The stage name; its executable is `stage-<name>`, its artifacts live under
    /// `<store>/<name>/`.
    static var name: String { get }
    /// One line for `pipeline dag` and the docs.
    static var summary: String { get }
    /// A folder under the store that holds a copy of the files the artifact carries
    /// (`PublishedFiles`), kept equal to the current artifact by the driver; nil for none.
    static var publishedFolder: String? { get }

    /// The stage's nodes for a configuration: instance names, settings, inputs.
    /// - Throws: `ConfigError` naming the configuration key and value of the first invalid setting.
    static func instances(_ config: Configuration) throws -> [NodeSpec<Settings>]

    /// Computes a node's artifact from its inputs and writes it through `context`.
    /// - Throws: `StageFailure` (or any error) when the artifact cannot be made; nothing is cached.
    static func run(_ settings: Settings, _ context: StageContext) throws

    /// What a node would cost, for `pipeline run --dry-run`.
    static func cost(_ node: NodeSpec<Settings>, _ config: Configuration) -> Cost

    /// Lines for the summary `pipeline dag` prints of a large DAG (the grids it expands).
    static func describe(_ nodes: [NodeSpec<Settings>], _ config: Configuration) -> [String]
}

extension Stage {
    public static var publishedFolder: String? { nil }
    public static var executable: String { "stage-\(name)" }
    public static func cost(_ node: NodeSpec<Settings>, _ config: Configuration) -> Cost { Cost(seconds: 0.1) }
    public static func describe(_ nodes: [NodeSpec<Settings>], _ config: Configuration) -> [String] { [] }
}

/// One node of a stage as the stage plans it.
public struct NodeSpec<Settings> {
    /// Names the node among its stage's (`a` → `stage[a]`); "" for a stage's only node.
    public var instance: String
    public var settings: Settings
    /// The input nodes by role; the stage opens each role's artifact.
    public var inputs: [String: NodeID]
    /// Files outside the store the node reads; their bytes are in its settings (a hash), and
    /// archives carry them.
    public var files: [ExternalFile]

    public init(instance: String, settings: Settings, inputs: [String: NodeID] = [:], files: [ExternalFile] = []) {
        self.instance = instance
        self.settings = settings
        self.inputs = inputs
        self.files = files
    }
}

/// A file outside the store that a node reads (imported data).
public struct ExternalFile: Equatable, Sendable {
    /// As the configuration names it (relative to the configuration's directory, or absolute).
    public let path: String
    public let url: URL
    /// Where it comes from, for people and archives (a URL), if the configuration says.
    public let source: String?

    public init(path: String, url: URL, source: String?) {
        self.path = path
        self.url = url
        self.source = source
    }
}

/// What a node is expected to cost: core-seconds, and counts of its main work units
/// (`["GD steps": 3e6]`) that the dry run totals per stage, and a note on how it was estimated.
public struct Cost: Equatable, Sendable {
    public var seconds: Double
    public var counts: [String: Double]
    /// Printed once under the dry run's table (e.g. the rate measured for the estimate).
    public var note: String?

    public init(seconds: Double, counts: [String: Double] = [:], note: String? = nil) {
        self.seconds = seconds
        self.counts = counts
        self.note = note
    }
}

/// A stage seen by the engine: the `Stage` type's facts and functions without its types.
public struct StageDefinition {
    public let name: String
    public let executable: String
    public let summary: String
    public let publishedFolder: String?
    /// The stage's nodes, settings encoded as slices.
    public let plan: (Configuration) throws -> [PlannedSpec]
    /// The dag summary's lines for the stage's nodes.
    public let describe: (Configuration) throws -> [String]
    /// Runs the stage's `main` in this process on an argument list: its exit status.
    public let main: ([String]) -> Int32

    public init<S: Stage>(_ stage: S.Type, codeTable: CodeTable? = nil) {
        name = S.name
        executable = S.executable
        summary = S.summary
        publishedFolder = S.publishedFolder
        plan = { config in
            try S.instances(config).map { node in
                PlannedSpec(
                    instance: node.instance, slice: try JSONValueEncoder().encode(node.settings), inputs: node.inputs,
                    files: node.files, cost: { S.cost(node, config) })
            }
        }
        describe = { S.describe(try S.instances($0), $0) }
        main = { StageMain.execute(S.self, arguments: $0, codeTable: codeTable) }
    }
}

/// A node as planned: its slice (the encoded settings), inputs, external files and cost estimate.
public struct PlannedSpec {
    public let instance: String
    public let slice: JSONValue
    public let inputs: [String: NodeID]
    public let files: [ExternalFile]
    public let cost: () -> Cost
}

/// One node of the pipeline DAG: a stage applied to one instance.
public struct NodeID: Hashable, Comparable, CustomStringConvertible, Sendable {
    public let stage: String
    /// The instance name; "" for a stage with one node.
    public let instance: String

    public init(stage: String, instance: String = "") {
        self.stage = stage
        self.instance = instance
    }

    public var description: String { instance.isEmpty ? stage : "\(stage)[\(instance)]" }

    public static func < (a: NodeID, b: NodeID) -> Bool { a.description < b.description }
}
