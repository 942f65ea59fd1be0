import Foundation
import HDF5Kit

#if canImport(Glibc)
import Glibc
#endif

/// What the driver tells a stage about the artifact it is making; written as root attributes.
public struct Provenance: Sendable {
    public var stage: String
    /// The dataset or run the node belongs to ("" for nodes that join all runs).
    public var instance: String
    public var key: String
    /// The node's canonical config slice.
    public var config: JSONValue
    /// Per input role: `{"key": …, "content_hash": …}`.
    public var inputs: JSONValue
    public var codeIdentity: String
    public var gitCommit: String

    public init(stage: String, instance: String, key: String, config: JSONValue, inputs: JSONValue,
                codeIdentity: String, gitCommit: String) {
        self.stage = stage
        self.instance = instance
        self.key = key
        self.config = config
        self.inputs = inputs
        self.codeIdentity = codeIdentity
        self.gitCommit = gitCommit
    }

    public var json: JSONValue {
        .object([
            "stage": .string(stage), "instance": .string(instance), "key": .string(key), "config": config,
            "inputs": inputs, "code_identity": .string(codeIdentity), "git_commit": .string(gitCommit),
        ])
    }

    public init(json: JSONValue) throws {
        func string(_ key: String) throws -> String {
            guard let s = json[key]?.stringValue else {
                throw ConfigError(path: "provenance.\(key)", value: json[key]?.brief, message: "expected a string")
            }
            return s
        }
        self.init(stage: try string("stage"), instance: try string("instance"), key: try string("key"),
                  config: json["config"] ?? .object([:]), inputs: json["inputs"] ?? .object([:]),
                  codeIdentity: try string("code_identity"), gitCommit: try string("git_commit"))
    }
}

/// The version of this project, recorded in every artifact.
public let projectVersion = "0.1.0"

/// Writes one artifact atomically: data goes to a temporary file in the destination directory,
/// which `commit()` closes, fsyncs and renames to its final name. A crash or kill before that
/// leaves only the temporary file (`.<name>.tmp-<pid>`), which is never taken as an artifact.
public final class ArtifactWriter {
    public let finalURL: URL
    public let temporaryURL: URL
    /// The file being written; stages add their datasets and attributes under `root`.
    public let file: HDF5File
    private let provenance: Provenance
    private var committed = false

    public var root: HDF5Group { file.root }

    /// Starts an artifact that will be committed to `finalURL`.
    /// - Throws: when the directory cannot be created or the file cannot be opened.
    public init(finalURL: URL, provenance: Provenance) throws {
        self.finalURL = finalURL
        self.provenance = provenance
        let directory = finalURL.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        temporaryURL = directory.appendingPathComponent(".\(finalURL.lastPathComponent).tmp-\(getpid())")
        file = try HDF5File.create(temporaryURL.path)
    }

    deinit {
        if !committed {
            try? file.close()
            try? FileManager.default.removeItem(at: temporaryURL)
        }
    }

    /// Writes the provenance and content hash, makes the file durable and moves it into place.
    ///
    /// The creation time honours `SOURCE_DATE_EPOCH` (the reproducible-builds convention), so
    /// that two clones can produce byte-identical files; it is kept out of every hash.
    /// - Returns: the content hash.
    /// - Throws: on any HDF5 or file-system failure; the temporary file is then removed.
    @discardableResult
    public func commit() throws -> String {
        let contentHash = try ArtifactContent.hash(of: file)
        let root = file.root
        try root.setAttribute("stage", .string(provenance.stage))
        try root.setAttribute("instance", .string(provenance.instance))
        try root.setAttribute("key", .string(provenance.key))
        try root.setAttribute("config", .string(provenance.config.canonical))
        try root.setAttribute("inputs", .string(provenance.inputs.canonical))
        try root.setAttribute("code_identity", .string(provenance.codeIdentity))
        try root.setAttribute("project_version", .string(projectVersion))
        try root.setAttribute("git_commit", .string(provenance.gitCommit))
        try root.setAttribute("hdf5_version", .string(HDF5File.libraryVersion))
        try root.setAttribute("created", .string(ArtifactWriter.creationTime()))
        try root.setAttribute("content_hash", .string(contentHash))
        try file.close()
        try ArtifactWriter.fsync(temporaryURL)
        if let pause = ProcessInfo.processInfo.environment["MLP_TEST_PAUSE_BEFORE_RENAME"], let seconds = Double(pause) {
            // Test hook: lets the kill test catch a stage between its last write and the rename.
            Thread.sleep(forTimeInterval: seconds)
        }
        guard rename(temporaryURL.path, finalURL.path) == 0 else {
            throw StoreError.io("cannot rename \(temporaryURL.path) to \(finalURL.path): \(String(cString: strerror(errno)))")
        }
        try ArtifactWriter.fsync(finalURL.deletingLastPathComponent())
        committed = true
        return contentHash
    }

    static func creationTime() -> String {
        var date = Date()
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = TimeInterval(epoch) {
            date = Date(timeIntervalSince1970: seconds)
        }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static func fsync(_ url: URL) throws {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw StoreError.io("cannot open \(url.path) to sync it: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard Glibc.fsync(fd) == 0 else { throw StoreError.io("fsync \(url.path) failed: \(String(cString: strerror(errno)))") }
    }
}

/// Reads an artifact's provenance and checks its integrity.
public enum ArtifactReader {
    /// The stored content hash (the cheap check `status` and `run` use).
    /// - Throws: when the file cannot be opened or lacks the attribute (a corrupt artifact).
    public static func storedContentHash(at url: URL) throws -> String {
        let file = try HDF5File.open(url.path)
        defer { try? file.close() }
        guard case .string(let hash) = try file.root.attribute("content_hash") else {
            throw StoreError.corrupt(url.path, "content_hash is not a string")
        }
        return hash
    }

    /// Recomputes the content hash and compares it with the stored one (the check `verify` does).
    /// - Returns: nil when intact, else what is wrong.
    public static func integrityProblem(at url: URL) -> String? {
        do {
            let file = try HDF5File.open(url.path)
            defer { try? file.close() }
            guard case .string(let stored) = try file.root.attribute("content_hash") else { return "content_hash is not a string" }
            let actual = try ArtifactContent.hash(of: file)
            return actual == stored ? nil : "content hash mismatch: stored \(stored.prefix(12))…, data hashes to \(actual.prefix(12))…"
        } catch {
            return "unreadable: \(error)"
        }
    }
}

/// A failure of the artifact store or of the driver's bookkeeping.
public enum StoreError: Error, CustomStringConvertible {
    case io(String)
    case corrupt(String, String)
    case locked(String)
    /// The binaries were built from other sources than the tree keys are computed from.
    case staleBuild(String)

    public var description: String {
        switch self {
        case .io(let message): return message
        case .corrupt(let path, let why): return "corrupt artifact \(path): \(why)"
        case .locked(let message), .staleBuild(let message): return message
        }
    }
}
