import ArgumentParser
import Foundation
import PipelineCore

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the content hash of every artifact; quarantine corrupt ones so they count as stale.",
        discussion: "With --manifest, check an unpacked archive instead: every listed file is present, byte-identical (sha256) and internally consistent."
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "The manifest.json of an unpacked archive to check.")
    var manifest: String?

    func run() throws {
        if let manifest { return try verifyArchive(manifest) }
        let pipeline = try options.load()
        let store = pipeline.store
        var corrupt = 0
        let artifacts = store.allArtifacts()
        try reportingErrors {
            let lock = try store.lock(wait: true)
            defer { withExtendedLifetime(lock) {} }
            for artifact in artifacts {
                if let problem = ArtifactReader.integrityProblem(at: artifact.url) {
                    corrupt += 1
                    let quarantine = store.quarantineURL(stage: artifact.stage, key: artifact.key)
                    try? FileManager.default.removeItem(at: quarantine)
                    try FileManager.default.moveItem(at: artifact.url, to: quarantine)
                    print("corrupt  \(artifact.stage)/\(artifact.key).h5: \(problem) → moved to \(quarantine.lastPathComponent)")
                } else {
                    print("ok       \(artifact.stage)/\(artifact.key).h5")
                }
            }
        }
        print("\(artifacts.count - corrupt) ok, \(corrupt) corrupt")
        if corrupt > 0 { throw ExitCode(1) }
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
            var problem: String?
            if !FileManager.default.fileExists(atPath: file.path) {
                problem = "missing"
            } else if let expected = entry["sha256"]?.stringValue, (try? Hashing.sha256(fileAt: file)) != expected {
                problem = "file bytes differ from the manifest's sha256"
            } else if let integrity = ArtifactReader.integrityProblem(at: file) {
                problem = integrity
            } else if (try? ArtifactReader.storedContentHash(at: file)) != entry["content_hash"]?.stringValue {
                problem = "content hash differs from the manifest"
            }
            if problem != nil { bad += 1 }
            print("\(problem == nil ? "ok     " : "BAD    ") \(relativePath)\(problem.map { ": \($0)" } ?? "")")
        }
        for extra in ["pipeline.json"] where !FileManager.default.fileExists(atPath: base.appendingPathComponent(extra).path) {
            bad += 1
            print("BAD     \(extra): missing")
        }
        print("\(entries.count - min(bad, entries.count)) ok, \(bad) bad")
        if bad > 0 { throw ExitCode(1) }
    }
}
