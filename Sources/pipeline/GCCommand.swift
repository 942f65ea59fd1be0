import ArgumentParser
import Foundation
import HDF5Kit
import PipelineCore
import PipelineEngine

#if canImport(Glibc)
    import Glibc
#endif

struct GCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract:
            "Remove artifacts (with their logs and file-hash records) that no current node uses, plus quarantined and "
            + "abandoned temporary files and orphaned file-hash records.",
        discussion:
            "A node whose inputs are not current has no known key yet: every artifact of its stage and instance is "
            + "kept."
    )

    @OptionGroup var options: ConfigOptions

    @Flag(help: "List what would be removed, remove nothing.")
    var dryRun = false

    func run() throws {
        let pipeline = try options.load()
        let store = pipeline.store
        try reportingErrors {
            let lock = try store.lock(wait: true)
            defer { withExtendedLifetime(lock) {} }
            let evaluations = try pipeline.status()
            var keep = Set(evaluations.compactMap { e in e.key.map { "\(e.id.stage)/\($0)" } })
            let unknown = Set(evaluations.filter { $0.key == nil }.map(\.id))
            for artifact in store.allArtifacts() where !keep.contains("\(artifact.stage)/\(artifact.key)") {
                if let file = try? HDF5File.open(artifact.url.path),
                    case .string(let instance)? = try? file.root.attribute("instance"),
                    unknown.contains(NodeID(stage: artifact.stage, instance: instance))
                {
                    keep.insert("\(artifact.stage)/\(artifact.key)")
                }
            }
            var removed = 0
            var bytes: Int64 = 0
            for url in store.allFiles() {
                let name = url.lastPathComponent
                let stage = url.deletingLastPathComponent().lastPathComponent
                let key = name.split(separator: ".").first(where: { !$0.isEmpty }).map(String.init) ?? name
                let abandonedTemporary = name.hasPrefix(".") && name.contains(".tmp-") && !GCCommand.processAlive(name)
                let unused = !name.hasPrefix(".") && !keep.contains("\(stage)/\(key)")
                guard abandonedTemporary || unused || GCCommand.isOrphanedRecord(url) else { continue }
                bytes += ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size]) as? Int64) ?? 0
                removed += 1
                print("\(dryRun ? "would remove" : "removed") \(stage)/\(name)")
                if !dryRun { try FileManager.default.removeItem(at: url) }
            }
            print(
                String(
                    format: "%@ %d file(s), %.1f MB; kept %d artifact(s)", dryRun ? "would remove" : "removed", removed,
                    Double(bytes) / 1e6, keep.count))
        }
    }

    /// Whether `url` is a file-hash record (`<key>.h5.sha256`) whose artifact is gone.
    static func isOrphanedRecord(_ url: URL) -> Bool {
        let name = url.lastPathComponent
        return !name.hasPrefix(".") && name.hasSuffix(".h5.sha256")
            && !FileManager.default.fileExists(atPath: url.deletingPathExtension().path)
    }

    /// Whether the process that owns a temporary file `.<name>.tmp-<pid>` is still running.
    static func processAlive(_ temporaryName: String) -> Bool {
        guard let pid = temporaryName.components(separatedBy: ".tmp-").last.flatMap({ Int32($0) }) else { return false }
        return kill(pid, 0) == 0
    }
}
