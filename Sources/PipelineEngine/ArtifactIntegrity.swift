import Foundation
import HDF5Kit
import PipelineCore

/// Reads an artifact's provenance and checks its integrity.
public enum ArtifactReader {
    /// The stored content hash (the cheap check `status` and `run` use: no file is hashed).
    /// - Throws: when the file cannot be opened or lacks the attribute (a corrupt artifact).
    public static func storedContentHash(at url: URL) throws -> String {
        let file = try HDF5File.open(url.path)
        defer { closeAfterReading(file) }
        guard case .string(let hash) = try file.root.attribute("content_hash") else {
            throw StoreError.corrupt(url.path, "content_hash is not a string")
        }
        return hash
    }

    /// Recomputes the content hash and compares it with the stored one.
    /// - Returns: nil when the data matches, else what is wrong.
    public static func contentProblem(at url: URL) -> IntegrityProblem? {
        do {
            let file = try HDF5File.open(url.path)
            defer { closeAfterReading(file) }
            guard case .string(let stored) = try file.root.attribute("content_hash") else {
                return .unreadable("content_hash is not a string")
            }
            let actual = try ArtifactContent.hash(of: file)
            return actual == stored ? nil : .contentHashMismatch(stored: stored, actual: actual)
        } catch {
            return .unreadable("\(error)")
        }
    }

    /// Closes a file opened for reading; a read-only close writes nothing, so it cannot lose data.
    private static func closeAfterReading(_ file: HDF5File) {
        do { try file.close() } catch { /* the read's own result stands */  }
    }
}

/// Something `verify` finds wrong with an artifact.
public enum IntegrityProblem: Equatable, CustomStringConvertible {
    /// No `<key>.h5.sha256` beside the artifact (e.g. written by a version before file hashes):
    /// its bytes cannot be vouched for, so it counts as corrupt and is recomputed.
    case noFileHashRecorded
    /// The record exists but cannot be read or holds no SHA-256 of this file.
    case fileHashRecordUnreadable(String)
    /// The file's bytes changed since they were recorded (data, provenance or HDF5 metadata).
    case fileHashMismatch(recorded: String, actual: String)
    /// The data no longer matches the content hash stored in the file.
    case contentHashMismatch(stored: String, actual: String)
    /// The file cannot be read or parsed.
    case unreadable(String)

    public var description: String {
        switch self {
        case .noFileHashRecorded: return "no file hash recorded"
        case .fileHashRecordUnreadable(let why): return "file hash record unreadable: \(why)"
        case .fileHashMismatch(let recorded, let actual):
            return "file hash mismatch: recorded \(recorded.prefix(12))…, file hashes to \(actual.prefix(12))…"
        case .contentHashMismatch(let stored, let actual):
            return "content hash mismatch: stored \(stored.prefix(12))…, data hashes to \(actual.prefix(12))…"
        case .unreadable(let why): return "unreadable: \(why)"
        }
    }
}

/// The two checks of `pipeline verify`.
public enum ArtifactIntegrity {
    /// Checks an artifact's bytes against its recorded SHA-256, then its data against its
    /// content hash. A file whose bytes differ from the record is not parsed at all (damaged
    /// HDF5 metadata is not fed to libhdf5); otherwise the content check runs too.
    /// - Returns: every problem found; empty when the artifact is intact.
    public static func problems(artifact: URL) -> [IntegrityProblem] {
        var problems: [IntegrityProblem] = []
        do {
            if let recorded = try FileHashRecord.read(for: artifact) {
                let actual = try Hashing.sha256(fileAt: artifact)
                if actual != recorded { return [.fileHashMismatch(recorded: recorded, actual: actual)] }
            } else {
                problems.append(.noFileHashRecorded)
            }
        } catch let error as StoreError {
            if case .corrupt(_, let why) = error {
                problems.append(.fileHashRecordUnreadable(why))
            } else {
                return [.unreadable("\(error)")]
            }
        } catch {
            return [.unreadable("\(error)")]
        }
        if let content = ArtifactReader.contentProblem(at: artifact) { problems.append(content) }
        return problems
    }
}
