import Foundation
import PipelineCore

#if canImport(Glibc)
    import Glibc
#endif

/// The on-disk store: `<store>/<stage>/<key>.h5` artifacts with their logs, and per-node records
/// of the last current key under `<store>/.state/` (used only to explain *why* a node is stale).
public struct ArtifactStore {
    public let directory: URL
    /// The stage folders the store owns; other content (a published folder, a nested store) is never touched.
    public let stageNames: [String]
    /// `directory.path`: paths are joined as strings where a status of ~10⁴ nodes makes several
    /// per node (`URL.appendingPathComponent` was a tenth of its time).
    private let root: String

    /// The variant whose published folders this store view writes (nil: the configuration as is).
    public let variant: String?

    public init(directory: URL, stageNames: [String], variant: String? = nil) {
        self.directory = directory
        self.stageNames = stageNames
        self.variant = variant
        root = directory.path
    }

    public func artifactURL(stage: String, key: String) -> URL {
        URL(fileURLWithPath: artifactPath(stage: stage, key: key))
    }

    /// The path of `artifactURL`.
    public func artifactPath(stage: String, key: String) -> String { root + "/" + stage + "/" + key + ".h5" }

    public func logURL(stage: String, key: String) -> URL {
        directory.appendingPathComponent(stage).appendingPathComponent("\(key).log")
    }

    /// The arguments of a node too long for a command line (`<key>.args.json`, a JSON array of
    /// strings), kept beside its log so the command in the log can be run again.
    public func argumentsURL(stage: String, key: String) -> URL {
        directory.appendingPathComponent(stage).appendingPathComponent("\(key).args.json")
    }

    /// Where a stage's published files live: `<store>/<folder>`, or `<store>/variants/<variant>/<folder>`
    /// for a variant (artifacts are shared by key; only the published copies are per configuration).
    public func publishedURL(_ folder: String) -> URL {
        guard let variant else { return directory.appendingPathComponent(folder, isDirectory: true) }
        return directory.appendingPathComponent("variants/\(variant)/\(folder)", isDirectory: true)
    }

    /// The file a running stage reports its progress in (removed when it ends).
    public func progressURL(stage: String, key: String) -> URL {
        directory.appendingPathComponent(stage).appendingPathComponent(".\(key).progress")
    }

    /// Where `verify` moves an artifact whose bytes or data no longer match their hashes.
    public func quarantineURL(stage: String, key: String) -> URL {
        directory.appendingPathComponent(stage).appendingPathComponent("\(key).h5.corrupt")
    }

    /// The record of an artifact's file SHA-256, `<key>.h5.sha256` (see `FileHashRecord`).
    public func fileHashURL(stage: String, key: String) -> URL {
        FileHashRecord.url(for: artifactURL(stage: stage, key: key))
    }

    // MARK: The store directory

    /// Checks that the store, if it exists, is a directory (reading needs nothing more).
    /// - Throws: `StoreError` naming the path when it is something else.
    public func checkDirectory() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw StoreError.io("cannot use \(directory.path) as the store: it exists and is not a directory")
        }
    }

    /// Creates the store if needed and checks that it can be written to.
    /// - Throws: `StoreError`, one line naming the path and the reason (not a directory,
    ///   read-only file system, permission denied …).
    public func prepareForWriting() throws {
        try checkDirectory()
        try Directories.create(directory, verb: "create the store")
        guard access(directory.path, W_OK) == 0 else { throw StoreError.system("write to the store", directory.path) }
    }

    // MARK: Node records

    /// What a node looked like the last time it was current.
    public struct NodeRecord: Codable, Equatable {
        public var key: String
        public var config: JSONValue
        /// Input role → "node content-hash".
        public var inputs: [String: String]
        public var codeIdentity: String
        public var contentHash: String
        /// The artifact's size when it was recorded; a file of another size is opened again.
        public var artifactBytes: Int?

        /// The record as `JSONEncoder` writes it (`saveRecord`); nil when a member is missing.
        init?(json: JSONValue) {
            guard let key = json["key"]?.stringValue, let config = json["config"],
                let code = json["codeIdentity"]?.stringValue,
                let hash = json["contentHash"]?.stringValue, let inputs = json["inputs"]?.objectValue
            else { return nil }
            self.key = key
            self.config = config
            self.inputs = inputs.compactMapValues(\.stringValue)
            codeIdentity = code
            contentHash = hash
            artifactBytes = json["artifactBytes"]?.intValue
        }

        init(
            key: String, config: JSONValue, inputs: [String: String], codeIdentity: String, contentHash: String,
            artifactBytes: Int?
        ) {
            self.key = key
            self.config = config
            self.inputs = inputs
            self.codeIdentity = codeIdentity
            self.contentHash = contentHash
            self.artifactBytes = artifactBytes
        }
    }

    /// The size of a file, or nil when it does not exist (one `stat`).
    public static func fileSize(_ url: URL) -> Int? { fileSize(atPath: url.path) }

    public static func fileSize(atPath path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    func recordURL(_ node: NodeID) -> URL { URL(fileURLWithPath: recordPath(node)) }

    func recordPath(_ node: NodeID) -> String {
        root + "/.state/" + node.stage + "/" + (node.instance.isEmpty ? "_" : node.instance) + ".json"
    }

    /// What the fresh check needs of a node's record: its key, content hash and artifact size.
    public struct RecordHeader: Equatable {
        public let key: String
        public let contentHash: String
        public let artifactBytes: Int?
    }

    /// The header of a node's record, its config and inputs skipped unparsed (a status of 10⁴
    /// fresh nodes reads only these), nil when there is none or it cannot be read.
    public func recordHeader(of node: NodeID) -> RecordHeader? {
        guard let data = FileManager.default.contents(atPath: recordPath(node)) else { return nil }
        var parser = JSONParser(data)
        guard let members = try? parser.parseObjectMembers(skipping: ["config", "inputs"]),
            let key = members["key"]?.stringValue, let hash = members["contentHash"]?.stringValue
        else { return nil }
        return RecordHeader(key: key, contentHash: hash, artifactBytes: members["artifactBytes"]?.intValue)
    }

    /// The record of a node, nil when there is none or it cannot be read (an unreadable record
    /// only loses the reason). Parsed by the project's JSON parser: `JSONDecoder` took half of a
    /// status of 10⁴ nodes.
    public func record(of node: NodeID) -> NodeRecord? {
        guard let data = FileManager.default.contents(atPath: recordPath(node)),
            let json = try? JSONValue.parse(data, source: "record")
        else { return nil }
        return NodeRecord(json: json)
    }

    /// - Throws: `StoreError` when the record cannot be written.
    public func saveRecord(_ record: NodeRecord, of node: NodeID) throws {
        if self.record(of: node) == record { return }
        let url = recordURL(node)
        try Directories.create(url.deletingLastPathComponent())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do { data = try encoder.encode(record) } catch { throw StoreError.from(error, verb: "write", path: url.path) }
        // Written aside and renamed, without the fsync of `Data.write(options: .atomic)` (a few
        // milliseconds per node under I/O load): a record lost in a crash only costs the next
        // status one artifact opened, since a missing or unreadable record is never trusted.
        let temporary = url.path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StoreError.system("write", temporary) }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let failure = errno
        close(descriptor)
        guard written == data.count, rename(temporary, url.path) == 0 else {
            unlink(temporary)
            throw StoreError.system("write", url.path, code: written == data.count ? errno : failure)
        }
    }

    // MARK: Listing

    /// The stage folders present in the store. Only folders named after a stage count, so other
    /// content (published folders, a nested store) is never touched by `gc` or `verify`.
    func stageFolders() -> [String] {
        let known = Set(stageNames)
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter(known.contains)
            .sorted()
    }

    /// Every artifact file in the store, as (stage, key, url): the `.h5` files among `allFiles()`.
    public func allArtifacts() -> [(stage: String, key: String, url: URL)] {
        allFiles().compactMap { url in
            let name = url.lastPathComponent
            guard name.hasSuffix(".h5"), !name.hasPrefix(".") else { return nil }
            return (url.deletingLastPathComponent().lastPathComponent, String(name.dropLast(3)), url)
        }
    }

    /// Every file in stage folders: artifacts, file-hash records, logs, quarantined and temporary files.
    public func allFiles() -> [URL] {
        let fm = FileManager.default
        var result: [URL] = []
        for stage in stageFolders() {
            let folder = directory.appendingPathComponent(stage)
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            for name in ((try? fm.contentsOfDirectory(atPath: folder.path)) ?? []).sorted() {
                result.append(folder.appendingPathComponent(name))
            }
        }
        return result
    }

    // MARK: Locking

    /// The store lock, `<store>/.lock`: commands that compute nodes (`run`, `run-node`) share it,
    /// so any number of them work on one store at once (each node under its own lock); commands
    /// that move or delete artifacts (`verify`, `gc`, `restore`) hold it alone.
    /// - Parameters:
    ///   - kind: `.shared` to compute nodes, `.exclusive` to rewrite the store.
    ///   - wait: block until the lock is free (after saying so once on stderr), or fail at once.
    /// - Throws: `StoreError.locked` when `wait` is false and another command holds it; `StoreError`
    ///   when the store is not a writable directory.
    public func lock(_ kind: FileLock.Kind = .exclusive, wait: Bool) throws -> FileLock {
        try prepareForWriting()
        let url = directory.appendingPathComponent(".lock")
        if let lock = try FileLock.tryAcquire(url, kind) { return lock }
        let holder = FileLock.holder(of: url)
        guard wait else {
            throw StoreError.locked(
                "another pipeline run (\(holder)) is using the store \(directory.path); try again when it ends")
        }
        FileHandle.standardError.write(
            Data("waiting for another pipeline run (\(holder)) to release \(url.path) …\n".utf8))
        return try FileLock.acquire(url, kind)
    }

    /// The lock a process holds while it computes (or publishes) the artifact of one key, so that
    /// racing processes compute it at most once: `<store>/.locks/<stage>/<key>.lock`.
    public func nodeLockURL(stage: String, key: String) -> URL {
        directory.appendingPathComponent(".locks").appendingPathComponent(stage).appendingPathComponent("\(key).lock")
    }
}

/// The differences between two JSON values, as "key.path: old → new" lines.
public func configDifferences(_ old: JSONValue, _ new: JSONValue, path: String = "") -> [String] {
    if old == new { return [] }
    if case .object(let a) = old, case .object(let b) = new {
        return Set(a.keys).union(b.keys).sorted().flatMap { key -> [String] in
            let child = path.isEmpty ? key : "\(path).\(key)"
            switch (a[key], b[key]) {
            case (let x?, let y?): return configDifferences(x, y, path: child)
            case (let x?, nil): return ["\(child): \(x.brief) → (removed)"]
            case (nil, let y?): return ["\(child): (absent) → \(y.brief)"]
            default: return []
            }
        }
    }
    return ["\(path.isEmpty ? "(config)" : path): \(old.brief) → \(new.brief)"]
}
