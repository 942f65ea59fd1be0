import Foundation
import HDF5Kit

#if canImport(Glibc)
    import Glibc
#endif

/// What the driver tells a stage about the artifact it is making; written as root attributes.
public struct Provenance: Sendable {
    public var stage: String
    /// The node's instance ("" for a stage's only node).
    public var instance: String
    public var key: String
    /// The node's canonical config slice.
    public var config: JSONValue
    /// Per input role: `{"key": …, "content_hash": …}`.
    public var inputs: JSONValue
    public var codeIdentity: String
    public var gitCommit: String

    public init(
        stage: String, instance: String, key: String, config: JSONValue, inputs: JSONValue,
        codeIdentity: String, gitCommit: String
    ) {
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
        self.init(
            stage: try string("stage"), instance: try string("instance"), key: try string("key"),
            config: json["config"] ?? .object([:]), inputs: json["inputs"] ?? .object([:]),
            codeIdentity: try string("code_identity"), gitCommit: try string("git_commit"))
    }
}

/// The version of this project, recorded in every artifact.
public let projectVersion = "0.1.0"

/// Writes one artifact atomically: data goes to a temporary file in the destination directory,
/// which `commit()` closes, fsyncs and renames to its final name, after recording the SHA-256 of
/// the whole file beside it (`<key>.h5.sha256`, see `FileHashRecord`). A crash or kill before that
/// leaves only the temporary file (`.<name>.tmp-<pid>`), which is never taken as an artifact; any
/// failure (a full disk, a read-only store) removes it.
public final class ArtifactWriter {
    public let finalURL: URL
    public let temporaryURL: URL
    /// The file being written; stages add their datasets and attributes under `root`.
    public let file: HDF5File
    private let provenance: Provenance
    private var committed = false

    public var root: HDF5Group { file.root }

    /// Starts an artifact that will be committed to `finalURL`.
    /// - Parameters:
    ///   - expectedBytes: the caller's estimate of the artifact's size before compression, if it
    ///     knows one; the writer then refuses at once when the store has less space free.
    /// - Throws: `StoreError` when the directory cannot be created or lacks the expected space;
    ///   `HDF5Error` (one line naming the path and the reason) when the file cannot be created.
    public init(finalURL: URL, provenance: Provenance, expectedBytes: Int64? = nil) throws {
        self.finalURL = finalURL
        self.provenance = provenance
        let directory = finalURL.deletingLastPathComponent()
        try Directories.create(directory)
        temporaryURL = directory.appendingPathComponent(".\(finalURL.lastPathComponent).tmp-\(getpid())")
        if let expectedBytes { try ArtifactWriter.requireSpace(expectedBytes, in: directory, for: temporaryURL) }
        file = try HDF5File.create(temporaryURL.path)
    }

    deinit {
        if !committed { discard() }
    }

    /// Refuses early when the store cannot hold about `bytes` more (see `init`'s `expectedBytes`).
    /// - Throws: `StoreError` naming the temporary file, "No space left on device", and both sizes.
    public func requireSpace(_ bytes: Int64) throws {
        try ArtifactWriter.requireSpace(bytes, in: finalURL.deletingLastPathComponent(), for: temporaryURL)
    }

    static func requireSpace(_ bytes: Int64, in directory: URL, for path: URL) throws {
        var stats = statvfs()
        guard statvfs(directory.path, &stats) == 0 else {
            throw StoreError.system("check free space in", directory.path)
        }
        let available = Int64(stats.f_bavail) * Int64(stats.f_frsize)
        guard available >= bytes else { throw StoreError.noSpace(path.path, needed: bytes, available: available) }
    }

    /// Writes the provenance and content hash, makes the file durable, records its SHA-256 and
    /// moves it into place.
    ///
    /// The creation time honours `SOURCE_DATE_EPOCH` (the reproducible-builds convention), so
    /// that two clones can produce byte-identical files; it is kept out of every hash.
    /// - Returns: the content hash.
    /// - Throws: on any HDF5 or file-system failure; the temporary files are then removed.
    @discardableResult
    public func commit() throws -> String {
        do {
            return try finish()
        } catch {
            discard()
            throw error
        }
    }

    private func finish() throws -> String {
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
        // The file hash is in place before the artifact, so an artifact never lacks one.
        try FileHashRecord.write(try Hashing.sha256(fileAt: temporaryURL), for: finalURL)
        TestHandshake.pause(temporary: temporaryURL)
        guard rename(temporaryURL.path, finalURL.path) == 0 else {
            let code = errno
            unlink(FileHashRecord.url(for: finalURL).path)
            throw StoreError.io(
                "cannot rename \(temporaryURL.path) to \(finalURL.path): \(String(cString: strerror(code)))")
        }
        committed = true
        try ArtifactWriter.fsync(finalURL.deletingLastPathComponent())
        return contentHash
    }

    /// Gives up the artifact: deletes the temporary files, releasing their space (a failed
    /// HDF5 file without calling HDF5 again, see `HDF5File.discard()`).
    private func discard() {
        file.discard()
        unlink(FileHashRecord.temporaryURL(for: finalURL).path)
    }

    /// Now (or `SOURCE_DATE_EPOCH`, for reproducible files), ISO 8601 in UTC.
    public static func creationTime() -> String {
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
        guard fd >= 0 else { throw StoreError.system("open", url.path) }
        defer { close(fd) }
        guard Glibc.fsync(fd) == 0 else { throw StoreError.system("sync", url.path) }
    }
}
