import Foundation
import PipelineCore

/// A planned pipeline: the configuration, its DAG of nodes in topological order, the store, and
/// each node's key and state. It knows nodes — stage, instance, slice, inputs — and nothing of
/// what a configuration means.
public final class Pipeline {
    public let configuration: Configuration
    public let store: ArtifactStore
    /// The stages, as given.
    public let stages: [StageDefinition]
    /// Nodes in topological order (a node after its inputs; ties in stage order, then by instance).
    public let nodes: [PlannedNode]
    /// The code each stage's nodes are keyed by.
    public let code: CodeVersions
    private let nodeIndex: [NodeID: Int]
    private var codeIdentities: [String: String] = [:]

    /// Plans a configuration: every stage's nodes, each node's settings checked, so that nothing
    /// runs unless every value is valid.
    /// - Parameters:
    ///   - store: the store's directory (`store` in the configuration, resolved).
    /// - Throws: `ConfigError` (exit code 2) for an invalid setting, an input no stage plans, or a cycle.
    ///   - variant: names a configuration derived from another (overrides): its published folders go
    ///     to `<store>/variants/<variant>/`, so they never replace the base configuration's.
    public init(
        configuration: Configuration, stages: [StageDefinition], code: CodeVersions, store: URL,
        variant: String? = nil
    ) throws {
        self.configuration = configuration
        self.stages = stages
        self.code = code
        self.store = ArtifactStore(directory: store, stageNames: stages.map(\.name), variant: variant)
        nodes = try Pipeline.plan(configuration, stages: stages)
        nodeIndex = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1.id, $0) })
    }

    /// Every stage's nodes in topological order.
    static func plan(_ configuration: Configuration, stages: [StageDefinition]) throws -> [PlannedNode] {
        var planned: [PlannedNode] = []
        for stage in stages {
            planned += try stage.plan(configuration).map { spec in
                PlannedNode(
                    id: NodeID(stage: stage.name, instance: spec.instance), definition: stage, slice: spec.slice,
                    inputs: spec.inputs, files: spec.files, cost: spec.cost)
            }
        }
        return try topologicalOrder(planned, stageOrder: stages.map(\.name))
    }

    /// Kahn's algorithm; among ready nodes the earliest stage, then the instance name.
    /// - Throws: `ConfigError` for a repeated node, an input that no stage plans, or a cycle.
    static func topologicalOrder(_ nodes: [PlannedNode], stageOrder: [String]) throws -> [PlannedNode] {
        var seen: Set<NodeID> = []
        for node in nodes where !seen.insert(node.id).inserted {
            throw ConfigError(path: "", value: nil, message: "two nodes are named \(node.id)")
        }
        let rank = Dictionary(uniqueKeysWithValues: stageOrder.enumerated().map { ($1, $0) })
        // Positions in the tie-break order: the ready nodes are a heap of positions.
        let sorted = nodes.sorted {
            (rank[$0.id.stage] ?? 0, $0.id.instance) < (rank[$1.id.stage] ?? 0, $1.id.instance)
        }
        let position = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1.id, $0) })
        var unresolved = [Int](repeating: 0, count: sorted.count)
        var dependents = [[Int]](repeating: [], count: sorted.count)
        for (i, node) in sorted.enumerated() {
            for input in Set(node.inputs.values) {
                guard let j = position[input] else {
                    throw ConfigError(
                        path: "", value: nil, message: "node \(node.id) needs \(input), which no stage plans")
                }
                dependents[j].append(i)
                unresolved[i] += 1
            }
        }
        var ready = MinHeap(sorted.indices.filter { unresolved[$0] == 0 })
        var order: [PlannedNode] = []
        order.reserveCapacity(sorted.count)
        while let i = ready.popMin() {
            order.append(sorted[i])
            for d in dependents[i] {
                unresolved[d] -= 1
                if unresolved[d] == 0 { ready.insert(d) }
            }
        }
        guard order.count == nodes.count else {
            let stuck = sorted.indices.filter { unresolved[$0] > 0 }.prefix(5).map { sorted[$0].id.description }
            throw ConfigError(
                path: "", value: nil, message: "the nodes form a cycle (among \(stuck.joined(separator: ", ")))")
        }
        return order
    }

    public func node(_ id: NodeID) -> PlannedNode? { nodeIndex[id].map { nodes[$0] } }

    public func stage(named name: String) -> StageDefinition? { stages.first { $0.name == name } }

    /// The code identity of a stage (computed once per process).
    public func codeIdentity(of stage: StageDefinition) throws -> String {
        if let known = codeIdentities[stage.name] { return known }
        let identity = try code.identity(of: stage)
        codeIdentities[stage.name] = identity
        return identity
    }

    /// Refuses sources the binaries were not built from: for each stage, the first file of its code
    /// whose bytes in the tree differ from the build's.
    /// - Throws: `StoreError.staleBuild` naming the file.
    public func checkBuild(of stageNames: Set<String>? = nil) throws {
        for stage in stages where stageNames?.contains(stage.name) ?? true {
            if let file = try code.fileChangedSinceBuild(of: stage) {
                throw StoreError.staleBuild("stage binaries are older than \(file): run make build")
            }
        }
    }

    /// A node's key: SHA-256 of the canonical JSON of its stage name, code identity, config slice,
    /// and its inputs' content hashes.
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
    public func evaluate(_ node: PlannedNode, inputHashes: [String: String?], forced: Bool = false) throws -> Evaluation
    {
        let pendingInputs = inputHashes.filter { $0.value == nil }.keys.sorted()
        if !pendingInputs.isEmpty {
            let names = pendingInputs.map { node.inputs[$0]!.description }
            return Evaluation(
                id: node.id, key: nil, state: store.recordHeader(of: node.id) == nil ? .missing : .stale,
                reasons: names.map { "input \($0) is not current" }, artifact: nil, contentHash: nil, inputHashes: [:])
        }
        let hashes = inputHashes.compactMapValues { $0 }
        let key = try key(of: node, inputHashes: hashes)
        let path = store.artifactPath(stage: node.id.stage, key: key)
        let url = URL(fileURLWithPath: path)
        func result(_ state: State, _ reasons: [String], _ hash: String? = nil) -> Evaluation {
            Evaluation(
                id: node.id, key: key, state: state, reasons: reasons, artifact: url, contentHash: hash,
                inputHashes: hashes)
        }
        if let size = ArtifactStore.fileSize(atPath: path) {
            // The record of the node's last current state holds the artifact's content hash: no
            // need to open a file of the recorded size (a large DAG's status stays cheap). A
            // truncated file is opened and found corrupt; `verify` checks every byte.
            if let header = store.recordHeader(of: node.id), header.key == key, header.artifactBytes == size {
                var known =
                    forced ? result(.stale, ["forced"], header.contentHash) : result(.fresh, [], header.contentHash)
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
        guard let record = store.record(of: node.id) else { return result(.missing, ["never built"]) }
        var reasons: [String] = []
        reasons += configDifferences(record.config, node.slice).map { "config \($0)" }
        for role in Set(record.inputs.keys).union(hashes.keys).sorted() where record.inputs[role] != hashes[role] {
            let reason = "input \(node.inputs[role]?.description ?? role) changed"
            if !reasons.contains(reason) { reasons.append(reason) }  // two roles may name one node
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
        try store.saveRecord(
            ArtifactStore.NodeRecord(
                key: key, config: node.slice, inputs: evaluation.inputHashes,
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
                throw ConfigError(
                    path: "", value: JSONValue.string(name).canonical,
                    message: "unknown stage (stages: \(stages.map(\.name).joined(separator: ", ")))")
            }
            result.formUnion(nodes.filter { $0.id.stage == name }.map(\.id))
        }
        return result
    }

    /// Whether a stage has exactly one node, named "" (a workflow rule without wildcards).
    public func isSingleton(_ stage: String) -> Bool {
        let ofStage = nodes.filter { $0.id.stage == stage }
        return ofStage.count == 1 && ofStage[0].id.instance.isEmpty
    }

    /// The project's current git commit, read from `.git` directly (spawning git costs ~30 ms
    /// per run), or the one a bundle was built from; "unknown" outside a repository. Provenance
    /// only: keys never depend on it.
    public lazy var gitCommit: String = {
        let root = ProjectLayout.current().root
        if let bundle = InstalledBundle(at: root) { return bundle.commit ?? "unknown" }
        guard let root else { return "unknown" }
        return GitHead.commit(of: root) ?? "unknown"
    }()
}

/// A node with everything needed to key and run it.
public struct PlannedNode {
    public let id: NodeID
    public let definition: StageDefinition
    public let slice: JSONValue
    public let inputs: [String: NodeID]
    /// Files outside the store it reads (archives carry them).
    public let files: [ExternalFile]
    /// Its estimated cost, for the dry run.
    public let cost: () -> Cost
}
