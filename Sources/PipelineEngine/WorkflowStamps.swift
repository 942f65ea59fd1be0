import Foundation
import PipelineCore

/// The small files through which a workflow engine (Snakemake) sees the DAG, under
/// `<store>/.workflow/<stage>/<instance>` (`_` for a global node); the store stays the source of
/// truth and the engine only schedules.
///
/// * `<instance>.definition` — what determines the node apart from its inputs' contents: stage,
///   code identity, config slice, input nodes. `pipeline export` rewrites it only when it changed,
///   so its modification time tells the engine that the node's own definition changed.
/// * `<instance>.done` — written by `pipeline run-node --stamp` after the node is current: the
///   node, its key and its content hash. A job's stamp is always newer than its inputs' stamps
///   and its definition, which makes a second engine run a no-op.
public enum WorkflowStamps {
    public static func directory(of store: ArtifactStore) -> URL {
        store.directory.appendingPathComponent(".workflow", isDirectory: true)
    }

    /// `<store>/.workflow/<stage>/<instance>` without the extension.
    public static func base(_ node: NodeID, in store: ArtifactStore) -> URL {
        directory(of: store).appendingPathComponent(node.stage).appendingPathComponent(fileName(node.instance))
    }

    public static func definitionURL(_ node: NodeID, in store: ArtifactStore) -> URL {
        base(node, in: store).appendingPathExtension("definition")
    }

    public static func stampURL(_ node: NodeID, in store: ArtifactStore) -> URL {
        base(node, in: store).appendingPathExtension("done")
    }

    /// A global node's instance ("") as a file name.
    public static func fileName(_ instance: String) -> String { instance.isEmpty ? "_" : instance }

    /// The node's definition file content: canonical JSON, one line.
    public static func definition(of node: PlannedNode, codeIdentity: String) -> String {
        JSONValue.object([
            "stage": .string(node.id.stage),
            "code": .string(codeIdentity),
            "config": node.slice,
            "inputs": .object(node.inputs.mapValues { .string($0.description) }),
        ]).canonical + "\n"
    }

    /// Writes every node's definition file whose content differs from `definition(of:)`.
    /// - Returns: the nodes whose definition was (re)written.
    /// - Throws: `StoreError` when a file cannot be written.
    @discardableResult
    public static func writeDefinitions(of pipeline: Pipeline, nodes: [PlannedNode]) throws -> [NodeID] {
        var written: [NodeID] = []
        for node in nodes {
            let url = definitionURL(node.id, in: pipeline.store)
            let text = definition(of: node, codeIdentity: try pipeline.codeIdentity(of: node.definition))
            if FileManager.default.contents(atPath: url.path) == Data(text.utf8) { continue }
            try writeAtomically(text, to: url)
            written.append(node.id)
        }
        return written
    }

    /// Writes the node's stamp (always, so its time is after its inputs').
    /// - Throws: `StoreError` when it cannot be written.
    public static func writeStamp(_ node: NodeID, key: String, contentHash: String, in store: ArtifactStore) throws {
        try writeAtomically("\(node) \(key) \(contentHash)\n", to: stampURL(node, in: store))
    }

    private static func writeAtomically(_ text: String, to url: URL) throws {
        try Directories.create(url.deletingLastPathComponent())
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw StoreError.from(error, verb: "write", path: url.path)
        }
    }
}
