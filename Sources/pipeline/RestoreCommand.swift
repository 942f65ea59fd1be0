import ArgumentParser
import Foundation
import PipelineCore
import PipelineEngine

#if canImport(Glibc)
    import Glibc
#endif

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract:
            "Unpack an archive made by `pipeline archive` into this configuration's store, after checking every file.",
        discussion: """
            The archive is unpacked into a temporary folder first and checked there: every file must be listed in its \
            ro-crate-metadata.json with the same SHA-256 (and nothing else may be in it), every artifact must match \
            its \
            .h5.sha256 record, its manifest entry and its own content hash, and each published folder (figures/, \
            report/) \
            must be a copy of its artifact's files. A damaged archive is refused with each bad file named, exit code \
            1, and \
            nothing is written to the store. Then the artifacts, their records and logs are copied into the store (an \
            existing artifact with other bytes is refused the same way), the published folders are rewritten from \
            their \
            artifacts, and the nodes' states are printed: in a clone with the same configuration, sources and data, \
            every \
            node is fresh and `pipeline run` recomputes nothing.
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The archive (.tar.gz) to restore.")
    var archive: String

    func run() throws {
        let pipeline = try options.load()
        let fm = FileManager.default
        let archiveURL = URL(fileURLWithPath: archive).standardizedFileURL
        guard fm.isReadableFile(atPath: archiveURL.path) else {
            warn("error: cannot read the archive \(archive)")
            throw ExitCode(2)
        }
        let staging = fm.temporaryDirectory.appendingPathComponent(
            "mlp-restore-\(getpid())-\(UUID().uuidString.prefix(8))")
        defer { try? fm.removeItem(at: staging) }
        try reportingErrors { try fm.createDirectory(at: staging, withIntermediateDirectories: true) }

        // 1. Unpack into the temporary folder (never into the store).
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = [
            "tar", "-xzf", archiveURL.path, "-C", staging.path, "--no-same-owner", "--no-same-permissions",
        ]
        let tarErrors = Pipe()
        tar.standardError = tarErrors
        tar.standardOutput = FileHandle.nullDevice
        try tar.run()
        let tarMessage = String(decoding: tarErrors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        tar.waitUntilExit()
        guard tar.terminationStatus == 0 else {
            let detail = tarMessage.split(separator: "\n").first.map { ": \($0)" } ?? ""
            refuse(["\(archive): cannot be unpacked (tar exited with status \(tar.terminationStatus))\(detail)"])
        }
        let tops = try reportingErrors { try fm.contentsOfDirectory(atPath: staging.path) }
        guard tops.count == 1, let name = tops.first else {
            refuse(["\(archive): expected one top-level folder, found \(tops.count)"])
        }
        let top = staging.appendingPathComponent(name)

        // 2. Check everything there.
        let check = try reportingErrors { try ArchiveCheck(top: top, stages: pipeline.stages) }
        let problems = check.problems()
        guard problems.isEmpty else { refuse(problems.map { "\(name)/\($0)" }) }

        // 3. Into the store: records before artifacts, each file by a temporary name and a rename.
        var restored = 0, present = 0
        try reportingErrors {
            let lock = try pipeline.store.lock(wait: true)
            defer { withExtendedLifetime(lock) {} }
            let store = pipeline.store.directory
            let conflicts = check.artifacts.compactMap { entry -> String? in
                let target = store.appendingPathComponent(entry.storePath)
                guard fm.fileExists(atPath: target.path) else { return nil }
                return (try? Hashing.sha256(fileAt: target)) == entry.sha256
                    ? nil
                    : "\(relative(target, to: pipeline.configuration.baseDirectory)): the store already holds another "
                        + "file under this key"
            }
            guard conflicts.isEmpty else { refuse(conflicts) }
            for entry in check.artifacts {
                let source = top.appendingPathComponent("results").appendingPathComponent(entry.storePath)
                let target = store.appendingPathComponent(entry.storePath)
                if fm.fileExists(atPath: target.path) {
                    present += 1
                } else {
                    try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try FileHashRecord.write(entry.sha256, for: target)
                    try RestoreCommand.place(source, at: target)
                    restored += 1
                }
                let log = RunLog.url(forArtifact: source), storeLog = RunLog.url(forArtifact: target)
                if fm.fileExists(atPath: log.path), !fm.fileExists(atPath: storeLog.path) {
                    try RestoreCommand.place(log, at: storeLog)
                }
            }
            for (folder, entry) in check.publishers {
                try Publisher.publish(
                    store.appendingPathComponent(entry.storePath), to: pipeline.store.publishedURL(folder))
            }
        }
        print(
            "restored \(restored) artifact(s)\(present > 0 ? " (\(present) already in the store)" : "") from "
                + "\(archive) into "
                + "\(relative(pipeline.store.directory, to: pipeline.configuration.baseDirectory))/; every file "
                + "matched its SHA-256"
        )

        // 4. What the configuration makes of them.
        let evaluations = try reportingErrors { try pipeline.status() }
        let notFresh = evaluations.filter { $0.state != .fresh }
        if notFresh.isEmpty {
            print("all \(evaluations.count) node(s) are fresh: `pipeline run` has nothing to recompute")
        } else {
            print(
                "\(evaluations.count - notFresh.count) of \(evaluations.count) node(s) are fresh; not fresh (this "
                    + "configuration, sources or data differ from the archive's):"
            )
            for e in notFresh { print("  \(e.state.rawValue) \(e.id): \(e.reasons.joined(separator: "; "))") }
        }
    }

    /// Prints each problem and exits with 1; nothing has been written to the store.
    private func refuse(_ problems: [String]) -> Never {
        for problem in problems { warn("damaged: \(problem)") }
        warn("error: refused \(archive): \(problems.count) problem(s); nothing was written to the store")
        Foundation.exit(1)
    }

    /// Copies `source` to `target` through a temporary file in the target's folder, made durable and renamed.
    static func place(_ source: URL, at target: URL) throws {
        let temporary = target.deletingLastPathComponent().appendingPathComponent(
            ".\(target.lastPathComponent).restore-\(getpid())")
        try? FileManager.default.removeItem(at: temporary)
        do {
            try FileManager.default.copyItem(at: source, to: temporary)
        } catch {
            throw StoreError.from(error, verb: "write", path: temporary.path)
        }
        let fd = open(temporary.path, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
        guard rename(temporary.path, target.path) == 0 else {
            unlink(temporary.path)
            throw StoreError.system("rename", temporary.path)
        }
    }
}

/// The checks `restore` makes on an unpacked archive, before anything is written.
struct ArchiveCheck {
    struct Artifact {
        /// `<stage>/<key>.h5`, as in the store.
        let storePath: String
        let sha256: String
        let contentHash: String
        let stage: String
    }

    let top: URL
    /// The manifest's artifacts.
    let artifacts: [Artifact]
    /// Published folder → the artifact whose files it holds.
    let publishers: [(folder: String, artifact: Artifact)]
    /// Path → SHA-256 from ro-crate-metadata.json; nil when it cannot be read.
    let crate: [String: String]?
    private var early: [String] = []

    init(top: URL, stages: [StageDefinition]) throws {
        self.top = top
        var early: [String] = []
        var crate: [String: String]?
        if let data = FileManager.default.contents(atPath: top.appendingPathComponent("ro-crate-metadata.json").path) {
            do {
                let document = try JSONValue.parse(data, source: "ro-crate-metadata.json")
                var hashes: [String: String] = [:]
                for entity in document["@graph"]?.arrayValue ?? [] {
                    guard let id = entity["@id"]?.stringValue, let sha = entity["sha256"]?.stringValue else { continue }
                    hashes[id] = sha
                }
                crate = hashes
            } catch {
                early.append("ro-crate-metadata.json: not valid JSON (\(error))")
            }
        } else {
            early.append("ro-crate-metadata.json: missing (not an archive made by `pipeline archive`)")
        }
        var artifacts: [Artifact] = []
        if let data = FileManager.default.contents(atPath: top.appendingPathComponent("manifest.json").path),
            let manifest = try? JSONValue.parse(data, source: "manifest.json")
        {
            for entry in manifest["artifacts"]?.arrayValue ?? [] {
                guard let path = entry["path"]?.stringValue, path.hasPrefix("results/"),
                    !path.split(separator: "/").contains(".."),
                    let sha = entry["sha256"]?.stringValue, let content = entry["content_hash"]?.stringValue,
                    let stage = entry["stage"]?.stringValue
                else {
                    early.append("manifest.json: an entry lacks path, stage, sha256 or content_hash: \(entry.brief)")
                    continue
                }
                artifacts.append(
                    Artifact(
                        storePath: String(path.dropFirst("results/".count)), sha256: sha, contentHash: content,
                        stage: stage))
            }
        } else {
            early.append("manifest.json: missing or not valid JSON")
        }
        self.crate = crate
        self.artifacts = artifacts
        var publishers: [(String, Artifact)] = []
        for stage in stages {
            guard let folder = stage.publishedFolder else { continue }
            let made = artifacts.filter { $0.stage == stage.name }
            if made.count == 1 { publishers.append((folder, made[0])) }
        }
        self.publishers = publishers
        self.early = early
    }

    /// Everything wrong with the unpacked archive, one line per file (path relative to its folder).
    func problems() -> [String] {
        var problems = early
        let fm = FileManager.default
        // Every entry a regular file or folder, listed in the crate with the same SHA-256.
        let entries = (try? ArchiveTree.entries(under: top)) ?? []
        var seen = Set<String>()
        for entry in entries {
            switch entry.kind {
            case .directory: continue
            case .other: problems.append("\(entry.path): not a regular file (links and devices are refused)")
            case .file:
                seen.insert(entry.path)
                guard entry.path != "ro-crate-metadata.json", let crate else { continue }
                guard let expected = crate[entry.path] else {
                    problems.append("\(entry.path): not listed in ro-crate-metadata.json")
                    continue
                }
                let actual = try? Hashing.sha256(fileAt: top.appendingPathComponent(entry.path))
                if actual != expected { problems.append("\(entry.path): SHA-256 differs from ro-crate-metadata.json") }
            }
        }
        for path in (crate ?? [:]).keys.sorted() where !seen.contains(path) {
            problems.append("\(path): listed in ro-crate-metadata.json but missing")
        }
        // Each artifact: its record, the manifest and its own content hash.
        for artifact in artifacts {
            let path = "results/\(artifact.storePath)"
            let url = top.appendingPathComponent(path)
            guard fm.fileExists(atPath: url.path) else {
                if !problems.contains(where: { $0.hasPrefix(path + ":") }) {
                    problems.append("\(path): in manifest.json but missing")
                }
                continue
            }
            if (try? Hashing.sha256(fileAt: url)) != artifact.sha256 {
                problems.append("\(path): SHA-256 differs from manifest.json")
                continue
            }
            let integrity = ArtifactIntegrity.problems(artifact: url)
            if !integrity.isEmpty {
                problems.append("\(path): \(integrity.map(\.description).joined(separator: "; "))")
                continue
            }
            if (try? ArtifactReader.storedContentHash(at: url)) != artifact.contentHash {
                problems.append("\(path): content hash differs from manifest.json")
            }
        }
        // Each published folder: a copy of its artifact's files.
        for (folder, artifact) in publishers {
            let url = top.appendingPathComponent("results/\(artifact.storePath)")
            guard fm.fileExists(atPath: url.path),
                !problems.contains(where: { $0.hasPrefix("results/\(artifact.storePath)") })
            else { continue }
            do {
                for difference in try Publisher.differences(
                    of: top.appendingPathComponent("results/\(folder)"), from: url)
                {
                    problems.append("results/\(folder)/\(difference)")
                }
            } catch {
                problems.append("results/\(artifact.storePath): its published files cannot be read (\(error))")
            }
        }
        return problems
    }
}
