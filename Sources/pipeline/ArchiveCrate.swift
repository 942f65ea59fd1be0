import Foundation
import HDF5Kit
import PipelineCore
import PipelineEngine

/// The RO-Crate 1.1 metadata of an archive (`ro-crate-metadata.json`): the root dataset (with
/// author and license for the user to fill in), every file with its SHA-256, size and
/// encodingFormat, the configuration as the `ComputationalWorkflow`, each stage as a
/// `SoftwareApplication` identified by its code identity, one `CreateAction` per node (instrument:
/// its stage; object: its inputs' artifacts or data file; result: its artifact, file-hash record,
/// log and published files), and where each imported data file comes from (`isBasedOn`).
struct ArchiveCrate {
    /// One node of the archive.
    struct Node {
        let id: NodeID
        let key: String
        let contentHash: String
        let summary: String
        let executable: String
        let codeIdentity: String
        let created: String
        /// Input role → the input node's name.
        let inputs: [String: String]
        /// Archive paths of the files the node made, and of the files it read that are no
        /// node's (imported data).
        let results: [String]
        let dataFiles: [String]
    }

    /// A file outside the store a node read (an imported dataset), as archived.
    struct DataFile {
        let path: String
        /// The node that read it, e.g. `dataset[authors]`.
        let node: String
        let source: String?
    }

    let top: URL
    let nodes: [Node]
    let dataFiles: [DataFile]
    let configName: String
    let authors: [String]
    let license: String?
    let gitCommit: String
    let datePublished: String

    static let placeholder = "TO FILL IN"

    /// The metadata document.
    /// - Throws: when a file cannot be hashed.
    func metadata() throws -> JSONValue {
        var graph: [JSONValue] = []
        func ref(_ id: String) -> JSONValue { .object(["@id": .string(id)]) }
        let files = try ArchiveCrate.files(under: top).filter { $0 != "ro-crate-metadata.json" }
        let actions = nodes.map { "#node-\(ArchiveCrate.slug($0.id.description))" }

        var authorRefs: [JSONValue] = []
        var contextual: [JSONValue] = []
        if authors.isEmpty {
            authorRefs = [ref("#author")]
            contextual.append(
                .object([
                    "@id": .string("#author"), "@type": .string("Person"), "name": .string(""),
                    "description": .string(
                        "\(ArchiveCrate.placeholder): who made these results (replace the empty name; `pipeline "
                            + "archive --author NAME` fills it in)"
                    ),
                ]))
        } else {
            for (i, name) in authors.enumerated() {
                let id = "#author-\(i + 1)"
                authorRefs.append(ref(id))
                contextual.append(.object(["@id": .string(id), "@type": .string("Person"), "name": .string(name)]))
            }
        }
        let licenseID: String
        if let license, !license.isEmpty {
            licenseID = license.contains("://") ? license : "https://spdx.org/licenses/\(license)"
            contextual.append(
                .object([
                    "@id": .string(licenseID), "@type": .string("CreativeWork"), "name": .string(license),
                    "identifier": .string(license),
                ]))
        } else {
            licenseID = "#license"
            contextual.append(
                .object([
                    "@id": .string("#license"), "@type": .string("CreativeWork"), "name": .string(""),
                    "description": .string(
                        "\(ArchiveCrate.placeholder): the license of these results, e.g. "
                            + "https://spdx.org/licenses/CC-BY-4.0 (`pipeline archive --license CC-BY-4.0` fills it in)"
                    ),
                ]))
        }

        graph.append(
            .object([
                "@id": .string("ro-crate-metadata.json"), "@type": .string("CreativeWork"),
                "conformsTo": ref("https://w3id.org/ro/crate/1.1"), "about": ref("./"),
            ]))
        graph.append(
            .object([
                "@id": .string("./"), "@type": .string("Dataset"),
                "name": .string("mlp-dynamics results (\(configName))"),
                "description": .string(
                    "Artifacts, figures, report and logs of the mlp-dynamics pipeline (gradient descent on a "
                        + "two-neuron tanh "
                        + "network, reproducing Maleknia & Sato's saddle-saddle-attractor scenario), with the "
                        + "configuration and the imported data. "
                        + "Restore into a clone with `pipeline restore ARCHIVE`; every file's SHA-256 is below."),
                "datePublished": .string(datePublished),
                "author": .array(authorRefs), "license": ref(licenseID),
                "mainEntity": ref("pipeline.json"),
                "hasPart": .array(files.map(ref)),
                "mentions": .array((actions + ["#archive"]).map(ref)),
                "version": .string(projectVersion),
            ]))

        // The workflow: the configuration, read by the driver, whose stages are the applications.
        graph.append(
            .object([
                "@id": .string("#mlp-dynamics-pipeline"), "@type": .string("ComputerLanguage"),
                "name": .string("mlp-dynamics pipeline configuration"),
                "description": .string(
                    "JSON read by the mlp-dynamics driver (`pipeline run`); every key is described in "
                        + "pipeline.schema.json."
                ),
                "version": .string(projectVersion),
            ]))
        let stageNames = Array(Set(nodes.map(\.id.stage))).sorted()
        for stage in stageNames {
            guard let node = nodes.first(where: { $0.id.stage == stage }) else { continue }
            graph.append(
                .object([
                    "@id": .string("#stage-\(stage)"), "@type": .string("SoftwareApplication"),
                    "name": .string(node.executable), "description": .string(node.summary),
                    "identifier": .string("code-identity:sha256:\(node.codeIdentity)"),
                    "softwareVersion": .string(projectVersion),
                    "isPartOf": ref("pipeline.json"),
                ]))
        }
        graph.append(
            .object([
                "@id": .string("#driver"), "@type": .string("SoftwareApplication"), "name": .string("pipeline"),
                "description": .string("The mlp-dynamics driver (pipeline archive)"),
                "softwareVersion": .string(projectVersion),
            ]))

        for node in nodes {
            var action: [String: JSONValue] = [
                "@id": .string("#node-\(ArchiveCrate.slug(node.id.description))"), "@type": .string("CreateAction"),
                "name": .string("node \(node.id.description)"),
                "description": .string(
                    "\(node.executable) made the artifact of node \(node.id.description) (key \(node.key), content "
                        + "hash \(node.contentHash))"
                ),
                "identifier": .string(node.key),
                "instrument": ref("#stage-\(node.id.stage)"),
                "result": .array(node.results.map(ref)),
                "object": .array(
                    (node.inputs.values.sorted().compactMap { name in nodes.first { $0.id.description == name } }
                        .map { "results/\($0.id.stage)/\($0.key).h5" } + node.dataFiles).map(ref)),
            ]
            if !node.created.isEmpty { action["endTime"] = .string(node.created) }
            graph.append(.object(action))
        }
        graph.append(
            .object([
                "@id": .string("#archive"), "@type": .string("CreateAction"), "name": .string("pipeline archive"),
                "description": .string("Packed the current artifacts of \(configName) at git commit \(gitCommit)"),
                "instrument": ref("#driver"), "endTime": .string(datePublished),
                "result": .array([ref("manifest.json")]),
            ]))

        var sources = Set<String>()
        for file in dataFiles {
            if let source = file.source, !source.isEmpty, sources.insert(source).inserted {
                contextual.append(
                    .object([
                        "@id": .string(source), "@type": .string("CreativeWork"), "url": .string(source),
                        "name": .string(URL(string: source)?.lastPathComponent ?? source),
                        "description": .string(
                            "Where the file \(file.path) read by \(file.node) comes from (its source in the "
                                + "configuration)"
                        ),
                    ]))
            }
        }

        // Data entities: every file, with what made it.
        let madeBy = Dictionary(
            nodes.flatMap { node in node.results.map { ($0, node) } }, uniquingKeysWith: { a, _ in a })
        for path in files {
            let url = top.appendingPathComponent(path)
            let size =
                ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue ?? 0
            var entity: [String: JSONValue] = [
                "@id": .string(path), "name": .string(url.lastPathComponent),
                "encodingFormat": .string(ArchiveCrate.encodingFormat(path)),
                "sha256": .string(try Hashing.sha256(fileAt: url)), "contentSize": .string(String(size)),
            ]
            entity["@type"] = .string("File")
            if path == "pipeline.json" {
                entity["@type"] = .array([
                    .string("File"), .string("SoftwareSourceCode"), .string("ComputationalWorkflow"),
                ])
                entity["name"] = .string("mlp-dynamics pipeline: \(configName)")
                entity["description"] = .string(
                    "The workflow: the pipeline configuration (\(configName)) whose nodes made every artifact here; "
                        + "its DAG is in results/report/dag.svg when the report is archived.")
                entity["programmingLanguage"] = ref("#mlp-dynamics-pipeline")
                entity["hasPart"] = .array(stageNames.map { ref("#stage-\($0)") })
            } else if path == "pipeline.schema.json" {
                entity["description"] = .string(
                    "JSON Schema of the configuration: every key's meaning, unit and default")
            } else if path == "manifest.json" {
                entity["description"] = .string(
                    "Keys, content hashes and file SHA-256 of the archived artifacts (`pipeline verify --manifest`)")
            } else if let data = dataFiles.first(where: { $0.path == path }) {
                entity["description"] = .string("Data file read by \(data.node) (raw, unchanged)")
                if let source = data.source, !source.isEmpty { entity["isBasedOn"] = ref(source) }
            } else if let node = madeBy[path] {
                entity["description"] = .string(ArchiveCrate.describe(path, node: node))
            } else if path.hasSuffix("README.md") {
                entity["description"] = .string("What the data file beside it is and where it comes from")
            }
            graph.append(.object(entity))
        }
        graph += contextual
        return .object(["@context": .string("https://w3id.org/ro/crate/1.1/context"), "@graph": .array(graph)])
    }

    static func describe(_ path: String, node: Node) -> String {
        if path.hasSuffix(".h5") {
            return "Artifact of node \(node.id.description) (HDF5; provenance in its root attributes)"
        }
        if path.hasSuffix(".h5.sha256") {
            return "SHA-256 of the artifact of node \(node.id.description) (sha256sum format)"
        }
        if path.hasSuffix(".log") {
            return
                "Log of node \(node.id.description): the exact command, the stage's output, exit status and wall time"
        }
        return "Published by node \(node.id.description) (a copy of a file its artifact carries)"
    }

    /// MIME type by file name.
    static func encodingFormat(_ path: String) -> String {
        let table: [(String, String)] = [
            (".h5.sha256", "text/plain"), (".h5", "application/x-hdf5"), (".log", "text/plain"),
            (".schema.json", "application/schema+json"), (".json", "application/json"),
            (".png", "image/png"), (".pdf", "application/pdf"), (".svg", "image/svg+xml"),
            (".csv", "text/csv"), (".html", "text/html"), (".dot", "text/vnd.graphviz"),
            (".md", "text/markdown"),
        ]
        return table.first { path.hasSuffix($0.0) }?.1 ?? "text/plain"
    }

    /// `train[noisy]` → `train-noisy`.
    static func slug(_ text: String) -> String {
        text.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined().trimmingCharacters(
            in: CharacterSet(charactersIn: "-"))
    }

    /// Every regular file under `root` (hidden ones included), relative, sorted.
    static func files(under root: URL) throws -> [String] {
        try ArchiveTree.entries(under: root).filter { $0.kind == .file }.map(\.path)
    }
}

/// The files of an unpacked (or to be packed) archive.
enum ArchiveTree {
    enum Kind { case file, directory, other }

    /// Every entry under `root`, symbolic links not followed, as relative paths, sorted.
    /// - Throws: `StoreError` when `root` cannot be listed.
    static func entries(under root: URL) throws -> [(path: String, kind: Kind)] {
        let keys: [URLResourceKey] = [.isRegularFileKey, .isDirectoryKey, .isSymbolicLinkKey]
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: keys, options: [])
        else {
            throw StoreError.io("cannot list \(root.path)")
        }
        let base = root.standardizedFileURL.resolvingSymlinksInPath().path + "/"
        var result: [(String, Kind)] = []
        for case let url as URL in enumerator {
            let values = try url.resourceValues(forKeys: Set(keys))
            let full = url.standardizedFileURL.deletingLastPathComponent().resolvingSymlinksInPath()
                .appendingPathComponent(url.lastPathComponent).path
            let relative = full.hasPrefix(base) ? String(full.dropFirst(base.count)) : url.lastPathComponent
            let kind: Kind =
                values.isSymbolicLink == true
                ? .other : values.isRegularFile == true ? .file : values.isDirectory == true ? .directory : .other
            result.append((relative, kind))
        }
        return result.sorted { $0.0 < $1.0 }
    }
}
