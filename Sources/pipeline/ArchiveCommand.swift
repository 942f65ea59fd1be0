import ArgumentParser
import Foundation
import HDF5Kit
import PipelineCore
import PipelineEngine

struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract:
            "Pack the current artifacts, figures, report, logs, data, configuration and RO-Crate metadata into a "
            + ".tar.gz.",
        discussion: """
            The archive holds one folder <name>/ with results/<stage>/<key>.h5 (+ .h5.sha256 and .log) for every \
            current \
            node, the published folders (results/figures/, results/report/), the imported data file(s) at their \
            configured \
            paths, the configuration as pipeline.json, pipeline.schema.json, manifest.json and ro-crate-metadata.json \
            (RO-Crate 1.1: every file with its SHA-256 and the node that made it). `pipeline restore ARCHIVE` unpacks \
            it \
            into the store of a clone; `tar xzf` and `pipeline verify --manifest <name>/manifest.json` check it by hand.
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(
        help: ArgumentHelp(
            "An author for the RO-Crate metadata (repeatable); left empty for you to fill in when not given.",
            valueName: "name"))
    var author: [String] = []

    @Option(
        help: ArgumentHelp(
            "The results' license for the RO-Crate metadata: an SPDX id (CC-BY-4.0) or a URL; a placeholder when not "
                + "given.",
            valueName: "id"))
    var license: String?

    @Argument(help: "The archive to write, e.g. results.tar.gz.")
    var output: String

    func run() throws {
        let pipeline = try options.load()
        let evaluations = try reportingErrors { try pipeline.status() }
        let notFresh = evaluations.filter { $0.state != .fresh }
        guard notFresh.isEmpty else {
            warn(
                "error: \(notFresh.count) node(s) are not current "
                    + "(\(notFresh.map(\.id.description).joined(separator: ", "))); run `pipeline run` first"
            )
            throw ExitCode(1)
        }
        let name = URL(fileURLWithPath: output).lastPathComponent.replacingOccurrences(of: ".tar.gz", with: "")
            .replacingOccurrences(of: ".tgz", with: "")
        let staging = FileManager.default.temporaryDirectory.appendingPathComponent("mlp-archive-\(getpid())")
        let top = staging.appendingPathComponent(name)
        defer { try? FileManager.default.removeItem(at: staging) }
        let fm = FileManager.default
        var entries: [JSONValue] = []
        var nodes: [ArchiveCrate.Node] = []
        try reportingErrors {
            try? fm.removeItem(at: staging)
            try fm.createDirectory(at: top, withIntermediateDirectories: true)
            let archived = top.appendingPathComponent("pipeline.json")
            if pipeline.store.variant == nil {
                try fm.copyItem(at: pipeline.configuration.file, to: archived)
            } else {
                // A variant is the file with its overrides: the effective document (the same keys) stands for both.
                try Data((pipeline.configuration.document.prettyText + "\n").utf8).write(to: archived)
            }
            if let schema = ProjectLayout.current().schemaURL {
                try fm.copyItem(at: schema, to: top.appendingPathComponent("pipeline.schema.json"))
            }
        }
        let dataFiles = try reportingErrors { try copyDataFiles(pipeline, into: top) }
        for e in evaluations {
            guard let artifact = e.artifact, let key = e.key, let contentHash = e.contentHash,
                let node = pipeline.node(e.id)
            else { continue }
            let relativePath = "results/\(e.id.stage)/\(key).h5"
            let destination = top.appendingPathComponent(relativePath)
            let fileHash = try reportingErrors { () -> String? in
                try fm.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                try fm.copyItem(at: artifact, to: destination)
                return try archivedFileHash(of: artifact, copy: destination)
            }
            guard let fileHash else {
                warn(
                    "error: \(relative(artifact, to: pipeline.configuration.baseDirectory)) does not match its "
                        + "recorded file hash, or has none; run `pipeline verify`, then `pipeline run`"
                )
                throw ExitCode(1)
            }
            var results = [relativePath, relativePath + ".sha256"]
            let log = RunLog.url(forArtifact: artifact)
            if fm.fileExists(atPath: log.path) {
                try reportingErrors { try fm.copyItem(at: log, to: RunLog.url(forArtifact: destination)) }
                results.append("results/\(e.id.stage)/\(key).log")
            }
            if let folder = node.definition.publishedFolder {
                let published = top.appendingPathComponent("results/\(folder)")
                try reportingErrors { try Publisher.publish(destination, to: published) }
                results += try reportingErrors { try ArchiveCrate.files(under: published) }.map {
                    "results/\(folder)/\($0)"
                }
            }
            let provenance = try reportingErrors { try ArchiveCommand.provenance(of: destination) }
            nodes.append(
                ArchiveCrate.Node(
                    id: e.id, key: key, contentHash: contentHash, summary: node.definition.summary,
                    executable: node.definition.executable,
                    codeIdentity: provenance.codeIdentity, created: provenance.created,
                    inputs: Dictionary(
                        node.inputs.map { ($0.key, $0.value.description) }, uniquingKeysWith: { a, _ in a }),
                    results: results, dataFiles: dataFiles.filter { $0.node == e.id.description }.map(\.path)))
            entries.append(
                .object([
                    "node": .string(e.id.description), "stage": .string(e.id.stage), "instance": .string(e.id.instance),
                    "key": .string(key), "content_hash": .string(contentHash), "path": .string(relativePath),
                    "sha256": .string(fileHash),
                ]))
        }
        let manifest: JSONValue = .object([
            "project_version": .string(projectVersion), "git_commit": .string(pipeline.gitCommit),
            "config": .string("pipeline.json"), "artifacts": .array(entries),
        ])
        try reportingErrors {
            try Data((manifest.prettyText + "\n").utf8).write(to: top.appendingPathComponent("manifest.json"))
            let crate = ArchiveCrate(
                top: top, nodes: nodes, dataFiles: dataFiles, configName: pipeline.configuration.file.lastPathComponent,
                authors: author, license: license, gitCommit: pipeline.gitCommit,
                datePublished: ArtifactWriter.creationTime())
            try Data((try crate.metadata().prettyText + "\n").utf8).write(
                to: top.appendingPathComponent("ro-crate-metadata.json"))
        }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let destination = URL(fileURLWithPath: output).standardizedFileURL
        tar.arguments = ["tar", "-czf", destination.path, "-C", staging.path, name]
        try tar.run()
        tar.waitUntilExit()
        guard tar.terminationStatus == 0 else {
            warn("error: tar failed with status \(tar.terminationStatus)")
            throw ExitCode(1)
        }
        print(
            "archived \(entries.count) artifact(s) with their logs, \(dataFiles.count) data file(s) and RO-Crate "
                + "metadata to \(destination.path); "
                + "restore it into a clone with: pipeline restore \(output)")
    }

    /// The recorded file SHA-256 of an artifact, checked against the copy going into the archive
    /// (which also gets the record); nil when none is recorded or the copy differs from it.
    private func archivedFileHash(of artifact: URL, copy: URL) throws -> String? {
        guard let recorded = try FileHashRecord.read(for: artifact), try Hashing.sha256(fileAt: copy) == recorded else {
            return nil
        }
        try FileHashRecord.write(recorded, for: copy)
        return recorded
    }

    /// Copies each file a node reads from outside the store (and the README beside it, if any) to
    /// its configured path inside the archive, or to `data/<node>/<name>` when that path leaves the
    /// project.
    private func copyDataFiles(_ pipeline: Pipeline, into top: URL) throws -> [ArchiveCrate.DataFile] {
        var result: [ArchiveCrate.DataFile] = []
        let fm = FileManager.default
        for node in pipeline.nodes {
            for file in node.files {
                let inside = !file.path.hasPrefix("/") && !file.path.split(separator: "/").contains("..")
                let path =
                    inside
                    ? URL(fileURLWithPath: file.path, relativeTo: URL(fileURLWithPath: "/")).path.dropFirst()
                        .description
                    : "data/\(WorkflowStamps.fileName(node.id.instance))/\(file.url.lastPathComponent)"
                let destination = top.appendingPathComponent(path)
                if !fm.fileExists(atPath: destination.path) {
                    try fm.createDirectory(
                        at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try fm.copyItem(at: file.url, to: destination)
                    let readme = file.url.deletingLastPathComponent().appendingPathComponent("README.md")
                    let readmeCopy = destination.deletingLastPathComponent().appendingPathComponent("README.md")
                    if fm.fileExists(atPath: readme.path), !fm.fileExists(atPath: readmeCopy.path) {
                        try fm.copyItem(at: readme, to: readmeCopy)
                    }
                }
                result.append(ArchiveCrate.DataFile(path: path, node: node.id.description, source: file.source))
            }
        }
        return result
    }

    /// An artifact's code identity and creation time (root attributes).
    static func provenance(of artifact: URL) throws -> (codeIdentity: String, created: String) {
        let file = try HDF5File.open(artifact.path)
        defer { try? file.close() }
        return ((try? file.root.string("code_identity")) ?? "", (try? file.root.string("created")) ?? "")
    }
}
