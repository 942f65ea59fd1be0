import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The SHA-256 of an artifact's whole file, recorded beside it as `<key>.h5.sha256` in the format
/// of `sha256sum` (`<hex>  <key>.h5`), so `sha256sum -c` in a stage folder checks it too.
///
/// The content hash inside an artifact covers its data but not its provenance attributes; this
/// record covers every byte, so `verify` notices a change anywhere in the file.
public enum FileHashRecord {
    /// `<artifact>.sha256`.
    public static func url(for artifact: URL) -> URL {
        artifact.deletingLastPathComponent().appendingPathComponent(artifact.lastPathComponent + ".sha256")
    }

    /// Where the record is written before it is renamed into place.
    static func temporaryURL(for artifact: URL) -> URL {
        artifact.deletingLastPathComponent().appendingPathComponent(
            ".\(artifact.lastPathComponent).sha256.tmp-\(getpid())")
    }

    /// Records `hash` for `artifact` atomically: a temporary file, fsynced, renamed into place.
    /// - Throws: `StoreError` (one line naming the path and the reason).
    public static func write(_ hash: String, for artifact: URL) throws {
        let temporary = temporaryURL(for: artifact)
        let text = "\(hash)  \(artifact.lastPathComponent)\n"
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw StoreError.system("write", temporary.path) }
        var failure: StoreError?
        let written = text.withCString { Glibc.write(fd, $0, strlen($0)) }
        if written != text.utf8.count {
            failure =
                written < 0 ? .system("write", temporary.path) : .io("cannot write \(temporary.path): short write")
        } else if fsync(fd) != 0 {
            failure = .system("sync", temporary.path)
        }
        if close(fd) != 0, failure == nil { failure = .system("write", temporary.path) }
        if failure == nil, rename(temporary.path, url(for: artifact).path) != 0 {
            failure = .system("rename", temporary.path)
        }
        if let failure {
            unlink(temporary.path)
            throw failure
        }
    }

    /// The recorded hash of `artifact`, or nil when none is recorded.
    /// - Throws: `StoreError.corrupt` when the record exists but holds no SHA-256 for this file.
    public static func read(for artifact: URL) throws -> String? {
        let record = url(for: artifact)
        let fd = open(record.path, O_RDONLY)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw StoreError.system("read", record.path)
        }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 512)
        let count = Glibc.read(fd, &bytes, bytes.count)
        guard count >= 0 else { throw StoreError.system("read", record.path) }
        let fields = String(decoding: bytes.prefix(count), as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard fields.count == 2, fields[1] == artifact.lastPathComponent, fields[0].count == 64,
            fields[0].allSatisfy({ $0.isHexDigit && !$0.isUppercase })
        else {
            throw StoreError.corrupt(record.path, "not a SHA-256 record of \(artifact.lastPathComponent)")
        }
        return String(fields[0])
    }
}
