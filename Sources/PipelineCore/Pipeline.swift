import Foundation

/// A loaded pipeline: validated config, its DAG, the store, and node keys and states.
public final class Pipeline {
    public let config: PipelineConfig
    public let layout: ProjectLayout
    public let store: ArtifactStore
    /// The stages, in dependency order.
    public let stages: [StageDefinition]
    /// Nodes in topological order.
    public let nodes: [PlannedNode]
    /// Per-file SHA-256 of the sources the binaries were built from.
    public let builtDigests: [String: String]
    private var codeIdentities: [String: String] = [:]
    private let nodeIndex: [NodeID: Int]

    /// Loads and validates a configuration, builds its DAG and checks every node's settings, so
    /// that nothing runs unless every value is valid.
    /// - Parameters:
    ///   - stages: the pipeline's stages in dependency order (`PipelineStages.all`).
    ///   - builtDigests: what the binaries were built from (`BuildProvenance.builtSourceDigests`).
    /// - Throws: `ConfigError` (exit code 2) for any invalid key; `StoreError` when the schema is missing.
    public init(configPath: String, stages: [StageDefinition], builtDigests: [String: String], layout: ProjectLayout = .current()) throws {
        guard let schemaURL = layout.schemaURL, let schemaData = FileManager.default.contents(atPath: schemaURL.path) else {
            throw StoreError.io("cannot find pipeline.schema.json (project root: \(layout.root?.path ?? "not found"); set MLP_PROJECT_ROOT)")
        }
        let schema = try JSONValue.parse(schemaData, source: "pipeline.schema.json")
        config = try PipelineConfig.load(path: configPath, schema: schema)
        self.layout = layout
        self.stages = stages
        self.builtDigests = builtDigests
        store = ArtifactStore(directory: config.storeDirectory, stageNames: stages.map(\.name))
        nodes = try Pipeline.plan(config, stages: stages)
        nodeIndex = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1.id, $0) })
        // The document passed the schema already: here only the stages' own (cross-key) checks.
        // A slice that passed for one node of a stage passes for every other (the instance only
        // names keys in messages): a sweep's thousands of nodes share a few slices per stage.
        var checked: [String: Set<JSONValue>] = [:]
        for node in nodes where !checked[node.definition.name, default: []].contains(node.slice) {
            try node.definition.check(node.slice, node.id.instance, nil)
            checked[node.definition.name, default: []].insert(node.slice)
        }
    }

    /// Builds the DAG of a configuration, nodes in a topological order (stages in order, each
    /// over its scope's instances).
    static func plan(_ config: PipelineConfig, stages: [StageDefinition]) throws -> [PlannedNode] {
        var nodes: [PlannedNode] = []
        for stage in stages {
            let instances: [String]
            switch stage.scope {
            case .dataset: instances = config.allDatasetNames
            case .run: instances = config.allRunNames.filter { stage.applies(config.run($0)!, config) }
            case .sweep: instances = config.sweeps.keys.sorted()
            case .global: instances = [""]
            }
            for instance in instances {
                let spec = try stage.node(config, instance)
                nodes.append(PlannedNode(id: NodeID(stage: stage.name, instance: instance), definition: stage,
                                         slice: spec.slice, inputs: spec.inputs))
            }
        }
        return nodes
    }

    public func node(_ id: NodeID) -> PlannedNode? { nodeIndex[id].map { nodes[$0] } }

    public func stage(named name: String) -> StageDefinition? { stages.first { $0.name == name } }

    /// The code identity of a stage in the source tree (computed once per process).
    public func codeIdentity(of stage: StageDefinition) throws -> String {
        if let known = codeIdentities[stage.name] { return known }
        let identity = try layout.codeIdentity(of: stage, built: builtDigests)
        codeIdentities[stage.name] = identity
        return identity
    }

    /// Refuses sources the binaries were not built from: for each stage, the first file whose
    /// bytes in the tree differ from the build's.
    /// - Throws: `StoreError.staleBuild` naming the file.
    public func checkBuild(of stageNames: Set<String>? = nil) throws {
        guard layout.root != nil else { return }
        for stage in stages where stageNames?.contains(stage.name) ?? true {
            if let file = CodeIdentity.firstDifference(of: stage, try layout.treeDigests(of: stage), builtDigests) {
                throw StoreError.staleBuild("stage binaries are older than \(file): run make build")
            }
        }
    }

    /// A node's key: SHA-256 of the canonical JSON of its stage name, format version, code
    /// identity, config slice, and its inputs' content hashes.
    public func key(of node: PlannedNode, inputHashes: [String: String]) throws -> String {
        let material: JSONValue = .object([
            "stage": .string(node.id.stage),
            "code": .string(try codeIdentity(of: node.definition)),
            "config": node.slice,
            "inputs": .object(inputHashes.mapValues { .string($0) }),
        ])
        return Hashing.sha256(material.canonical)
    }

    // MARK: States

    public enum State: String, Codable { case fresh, stale, missing, corrupt }

    /// A node's state in the store, with the reasons when it is not fresh.
    public struct Evaluation {
        public let id: NodeID
        /// Nil while an input is not yet current (its content hash is unknown).
        public let key: String?
        public let state: State
        public let reasons: [String]
        public let artifact: URL?
        public let contentHash: String?
        public let inputHashes: [String: String]
        /// The store's record already describes this node as current (nothing to remember).
        public var recorded = false
    }

    /// Evaluates a node given the content hashes of its inputs (nil for an input not yet current).
    public func evaluate(_ node: PlannedNode, inputHashes: [String: String?], forced: Bool = false) throws -> Evaluation {
        let pendingInputs = inputHashes.filter { $0.value == nil }.keys.sorted()
        if !pendingInputs.isEmpty {
            let names = pendingInputs.map { node.inputs[$0]!.description }
            return Evaluation(id: node.id, key: nil, state: store.recordHeader(of: node.id) == nil ? .missing : .stale,
                              reasons: names.map { "input \($0) is not current" }, artifact: nil, contentHash: nil, inputHashes: [:])
        }
        let hashes = inputHashes.compactMapValues { $0 }
        let key = try key(of: node, inputHashes: hashes)
        let path = store.artifactPath(stage: node.id.stage, key: key)
        let url = URL(fileURLWithPath: path)
        func result(_ state: State, _ reasons: [String], _ hash: String? = nil) -> Evaluation {
            Evaluation(id: node.id, key: key, state: state, reasons: reasons, artifact: url, contentHash: hash, inputHashes: hashes)
        }
        if let size = ArtifactStore.fileSize(atPath: path) {
            // The record of the node's last current state holds the artifact's content hash: no
            // need to open a file of the recorded size (a large DAG's status stays cheap). A
            // truncated file is opened and found corrupt; `verify` checks every byte.
            if let header = store.recordHeader(of: node.id), header.key == key, header.artifactBytes == size {
                var known = forced ? result(.stale, ["forced"], header.contentHash) : result(.fresh, [], header.contentHash)
                known.recorded = true
                return known
            }
            do {
                let hash = try ArtifactReader.storedContentHash(at: url)
                return forced ? result(.stale, ["forced"], hash) : result(.fresh, [], hash)
            } catch {
                return result(.corrupt, ["artifact unreadable: \(error)"])
            }
        }
        if FileManager.default.fileExists(atPath: store.quarantineURL(stage: node.id.stage, key: key).path) {
            return result(.corrupt, ["verify found the artifact corrupt (kept as \(key).h5.corrupt)"])
        }
        let record = store.record(of: node.id)
        guard let record else { return result(.missing, ["never built"]) }
        var reasons: [String] = []
        reasons += configDifferences(record.config, node.slice).map { "config \($0)" }
        for role in Set(record.inputs.keys).union(hashes.keys).sorted() where record.inputs[role] != hashes[role] {
            let reason = "input \(node.inputs[role]?.description ?? role) changed"
            if !reasons.contains(reason) { reasons.append(reason) }   // two roles may name one node
        }
        if record.codeIdentity != (try codeIdentity(of: node.definition)) {
            reasons.append("code of stage \(node.id.stage) changed")
        }
        if reasons.isEmpty { reasons = [record.key == key ? "artifact was removed" : "key changed"] }
        return result(.stale, reasons)
    }

    /// Evaluates every node without running anything; inputs that are not fresh make their
    /// descendants' keys unknown.
    public func status() throws -> [Evaluation] {
        try status(of: nodes)
    }

    /// Evaluates one node, and its ancestors to know its inputs' content hashes.
    public func status(of id: NodeID) throws -> Evaluation {
        let needed = withAncestors([id])
        return try status(of: nodes.filter { needed.contains($0.id) }).last { $0.id == id }!
    }

    /// Evaluates nodes given in topological order, with every ancestor among them.
    private func status(of nodes: [PlannedNode]) throws -> [Evaluation] {
        var hashes: [NodeID: String] = [:]
        var result: [Evaluation] = []
        for node in nodes {
            let evaluation = try evaluate(node, inputHashes: node.inputs.mapValues { hashes[$0] })
            if evaluation.state == .fresh, let hash = evaluation.contentHash { hashes[node.id] = hash }
            result.append(evaluation)
        }
        return result
    }

    /// Records a current node so that a later change can be explained.
    func remember(_ evaluation: Evaluation, node: PlannedNode) throws {
        guard !evaluation.recorded, let key = evaluation.key, let hash = evaluation.contentHash else { return }
        try store.saveRecord(ArtifactStore.NodeRecord(key: key, config: node.slice, inputs: evaluation.inputHashes,
                                                      codeIdentity: try codeIdentity(of: node.definition), contentHash: hash,
                                                      artifactBytes: evaluation.artifact.flatMap(ArtifactStore.fileSize)),
                             of: node.id)
    }

    // MARK: Graph helpers

    /// The given nodes and everything downstream of them.
    public func withDescendants(_ roots: Set<NodeID>) -> Set<NodeID> {
        var result = roots
        for node in nodes where node.inputs.values.contains(where: result.contains) { result.insert(node.id) }
        return result
    }

    /// The given nodes and everything upstream of them.
    public func withAncestors(_ roots: Set<NodeID>) -> Set<NodeID> {
        var result = roots
        for node in nodes.reversed() where result.contains(node.id) { result.formUnion(node.inputs.values) }
        return result
    }

    /// The nodes of the named stages.
    /// - Throws: `ConfigError` for an unknown stage name.
    public func nodes(ofStages names: [String]) throws -> Set<NodeID> {
        var result: Set<NodeID> = []
        for name in names {
            guard stage(named: name) != nil else {
                throw ConfigError(path: "", value: JSONValue.string(name).canonical,
                                  message: "unknown stage (stages: \(stages.map(\.name).joined(separator: ", ")))")
            }
            result.formUnion(nodes.filter { $0.id.stage == name }.map(\.id))
        }
        return result
    }

    /// The project's current git commit, read from `.git` directly (spawning git costs ~30 ms
    /// per run); "unknown" outside a repository. Provenance only: keys never depend on it.
    public lazy var gitCommit: String = {
        guard let root = layout.root else { return "unknown" }
        return GitHead.commit(of: root) ?? "unknown"
    }()
}
