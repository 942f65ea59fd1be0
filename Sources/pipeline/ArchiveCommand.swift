import ArgumentParser
import Foundation
import PipelineCore

struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Pack the current artifacts, the configuration and a manifest of keys and hashes into a .tar.gz.",
        discussion: "Unpack it and run `pipeline verify --manifest <dir>/manifest.json` to check it."
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The archive to write, e.g. results.tar.gz.")
    var output: String

    func run() throws {
        let pipeline = try options.load()
        let evaluations = try reportingErrors { try pipeline.status() }
        let notFresh = evaluations.filter { $0.state != .fresh }
        guard notFresh.isEmpty else {
            warn("error: \(notFresh.count) node(s) are not current (\(notFresh.map(\.id.description).joined(separator: ", "))); run `pipeline run` first")
            throw ExitCode(1)
        }
        let name = URL(fileURLWithPath: output).lastPathComponent.replacingOccurrences(of: ".tar.gz", with: "")
        let staging = FileManager.default.temporaryDirectory.appendingPathComponent("mlp-archive-\(getpid())")
        let top = staging.appendingPathComponent(name)
        defer { try? FileManager.default.removeItem(at: staging) }
        var entries: [JSONValue] = []
        try FileManager.default.createDirectory(at: top, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: pipeline.config.file, to: top.appendingPathComponent("pipeline.json"))
        if let schema = pipeline.layout.schemaURL {
            try FileManager.default.copyItem(at: schema, to: top.appendingPathComponent("pipeline.schema.json"))
        }
        for e in evaluations {
            guard let artifact = e.artifact, let key = e.key, let contentHash = e.contentHash else { continue }
            let relativePath = "results/\(e.id.stage)/\(key).h5"
            let destination = top.appendingPathComponent(relativePath)
            let fileHash = try reportingErrors { () -> String? in
                try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                try FileManager.default.copyItem(at: artifact, to: destination)
                return try archivedFileHash(of: artifact, copy: destination)
            }
            guard let fileHash else {
                warn("error: \(relative(artifact, to: pipeline.config.baseDirectory)) does not match its recorded file hash, or has none; run `pipeline verify`, then `pipeline run`")
                throw ExitCode(1)
            }
            entries.append(.object([
                "node": .string(e.id.description), "stage": .string(e.id.stage), "instance": .string(e.id.instance),
                "key": .string(key), "content_hash": .string(contentHash), "path": .string(relativePath),
                "sha256": .string(fileHash),
            ]))
        }
        let manifest: JSONValue = .object([
            "project_version": .string(projectVersion), "git_commit": .string(pipeline.gitCommit),
            "config": .string("pipeline.json"), "artifacts": .array(entries),
        ])
        try Data((manifest.prettyText + "\n").utf8).write(to: top.appendingPathComponent("manifest.json"))
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
        print("archived \(entries.count) artifact(s) to \(destination.path); check with: tar xzf \(output) && pipeline verify --manifest \(name)/manifest.json")
    }

    /// The recorded file SHA-256 of an artifact, checked against the copy going into the archive
    /// (which also gets the record); nil when none is recorded or the copy differs from it.
    private func archivedFileHash(of artifact: URL, copy: URL) throws -> String? {
        guard let recorded = try FileHashRecord.read(for: artifact), try Hashing.sha256(fileAt: copy) == recorded else { return nil }
        try FileHashRecord.write(recorded, for: copy)
        return recorded
    }
}
