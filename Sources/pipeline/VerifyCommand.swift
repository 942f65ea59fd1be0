import ArgumentParser
import Foundation
import PipelineCore
import PipelineEngine

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract:
            "Check every artifact's file SHA-256 and content hash; quarantine corrupt ones so they count as stale.",
        discussion: """
            An artifact is corrupt when its bytes differ from the SHA-256 recorded beside it (<key>.h5.sha256, \
            written when it was made), when no file hash is recorded (e.g. a store from an earlier version: \
            the artifact cannot be vouched for and is recomputed), or when its data no longer matches its \
            content hash. It is moved to <key>.h5.corrupt, its record removed; exit code 1.
            A published folder (figures/) that is not an exact copy of its current artifact's files is         \
            reported too (exit code 1); the next run restores it.
            With --manifest, check an unpacked archive instead: every listed file is present, byte-identical (sha256) \
            and internally consistent.
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "The manifest.json of an unpacked archive to check.")
    var manifest: String?

    func run() throws {
        if let manifest { return try verifyArchive(manifest) }
        let pipeline = try options.load()
        let store = pipeline.store
        var corrupt = 0
        var count = 0
        try reportingErrors {
            let lock = try store.lock(wait: true)
            defer { withExtendedLifetime(lock) {} }
            let artifacts = store.allArtifacts()
            count = artifacts.count
            for artifact in artifacts {
                let problems = ArtifactIntegrity.problems(artifact: artifact.url)
                guard !problems.isEmpty else {
                    print("ok       \(artifact.stage)/\(artifact.key).h5")
                    continue
                }
                corrupt += 1
                let quarantine = store.quarantineURL(stage: artifact.stage, key: artifact.key)
                try quarantineArtifact(
                    artifact.url, to: quarantine, record: store.fileHashURL(stage: artifact.stage, key: artifact.key))
                print(
                    "corrupt  \(artifact.stage)/\(artifact.key).h5: "
                        + "\(problems.map(\.description).joined(separator: "; ")) → moved to "
                        + "\(quarantine.lastPathComponent)"
                )
            }
        }
        let altered = try reportingErrors { try publishedDifferences(pipeline) }
        print(
            "\(count - corrupt) ok, \(corrupt) corrupt" + (altered > 0 ? ", \(altered) published file(s) differ" : ""))
        if corrupt + altered > 0 { throw ExitCode(1) }
    }

    /// Compares each publishing node's folder with its current artifact; prints one line per
    /// difference. - Returns: the number of differences.
    private func publishedDifferences(_ pipeline: Pipeline) throws -> Int {
        var count = 0
        for evaluation in try pipeline.status() where evaluation.state == .fresh {
            guard let folder = pipeline.node(evaluation.id)?.definition.publishedFolder,
                let artifact = evaluation.artifact
            else { continue }
            for difference in try Publisher.differences(of: pipeline.store.publishedURL(folder), from: artifact) {
                count += 1
                print("stale    \(folder)/\(difference) (pipeline run restores it from \(evaluation.id))")
            }
        }
        return count
    }

    /// Moves an artifact to its quarantine name (replacing an older one) and deletes its file-hash record.
    private func quarantineArtifact(_ artifact: URL, to quarantine: URL, record: URL) throws {
        guard rename(artifact.path, quarantine.path) == 0 else {
            throw StoreError.system("move \(artifact.path) to", quarantine.path)
        }
        guard unlink(record.path) == 0 || errno == ENOENT else { throw StoreError.system("remove", record.path) }
    }

    private func verifyArchive(_ path: String) throws {
        let url = URL(fileURLWithPath: path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            warn("error: cannot read manifest \(path)")
            throw ExitCode(2)
        }
        let manifest = try reportingErrors { try JSONValue.parse(data, source: url.lastPathComponent) }
        let base = url.deletingLastPathComponent()
        var bad = 0
        let entries = manifest["artifacts"]?.arrayValue ?? []
        for entry in entries {
            let relativePath = entry["path"]?.stringValue ?? "?"
            let file = base.appendingPathComponent(relativePath)
            let problem = archivedProblem(
                file, sha256: entry["sha256"]?.stringValue, contentHash: entry["content_hash"]?.stringValue)
            if problem != nil { bad += 1 }
            print("\(problem == nil ? "ok     " : "BAD    ") \(relativePath)\(problem.map { ": \($0)" } ?? "")")
        }
        for extra in ["pipeline.json"]
        where !FileManager.default.fileExists(atPath: base.appendingPathComponent(extra).path) {
            bad += 1
            print("BAD     \(extra): missing")
        }
        print("\(entries.count - min(bad, entries.count)) ok, \(bad) bad")
        if bad > 0 { throw ExitCode(1) }
    }

    /// What is wrong with one archived artifact, checked against its manifest entry.
    private func archivedProblem(_ file: URL, sha256 expected: String?, contentHash: String?) -> String? {
        guard FileManager.default.fileExists(atPath: file.path) else { return "missing" }
        guard let expected else { return "the manifest records no sha256" }
        do {
            guard try Hashing.sha256(fileAt: file) == expected else {
                return "file bytes differ from the manifest's sha256"
            }
            if let problem = ArtifactReader.contentProblem(at: file) { return problem.description }
            guard try ArtifactReader.storedContentHash(at: file) == contentHash else {
                return "content hash differs from the manifest"
            }
            return nil
        } catch {
            return "unreadable: \(error)"
        }
    }
}
