import Crypto
import Foundation
import HDF5Kit

#if canImport(Glibc)
    import Glibc
#endif

/// SHA-256 helpers (swift-crypto), hex-encoded.
public enum Hashing {
    public static func sha256(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    public static func sha256(_ text: String) -> String {
        sha256(Data(text.utf8))
    }

    /// Hashes a file by streaming it in 1 MiB blocks.
    /// - Throws: `StoreError` (one line naming the path and the reason) when it cannot be read.
    public static func sha256(fileAt url: URL) throws -> String {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw StoreError.system("read", url.path) }
        defer { close(fd) }
        var hasher = SHA256()
        var block = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = block.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw StoreError.system("read", url.path)
            }
            block.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
        }
        return hex(hasher.finalize())
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        // String(format:) per byte costs more than the SHA-256 itself on a large DAG.
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The content hash of an artifact: SHA-256 over its data and the attributes that describe the
/// data, never over its provenance (which holds the creation time and the artifact's own key).
///
/// Walks groups in sorted order; each dataset contributes its path, element type, shape and raw
/// little-endian values; each attribute its name and value. Changing any stored number changes it.
public enum ArtifactContent {
    /// Root attributes that record provenance and are excluded from the content hash.
    public static let provenanceAttributes: Set<String> = [
        "stage", "instance", "key", "config", "inputs", "code_identity", "project_version",
        "git_commit", "hdf5_version", "created", "content_hash",
    ]

    /// Root attributes with this prefix record how a computation went (wall time, speed): they
    /// vary between identical computations, so they are kept out of the content hash too.
    public static let runRecordPrefix = "timing_"

    /// Whether a root attribute is excluded from the content hash.
    public static func isExcluded(rootAttribute name: String) -> Bool {
        provenanceAttributes.contains(name) || name.hasPrefix(runRecordPrefix)
    }

    /// Computes the content hash of an open artifact.
    /// - Throws: `HDF5Error` when the file cannot be read.
    public static func hash(of file: HDF5File) throws -> String {
        var hasher = SHA256()
        try visit(file.root, path: "/", isRoot: true, into: &hasher)
        return Hashing.hex(hasher.finalize())
    }

    private static func visit(_ group: HDF5Group, path: String, isRoot: Bool, into hasher: inout SHA256) throws {
        hasher.update(token: "group \(path)")
        for name in try group.attributeNames() where !(isRoot && isExcluded(rootAttribute: name)) {
            try hashAttribute(name, of: group, into: &hasher)
        }
        for name in try group.memberNames() {
            let child = path + name
            if try group.isGroup(name) {
                try visit(try group.group(name), path: child + "/", isRoot: false, into: &hasher)
            } else {
                let dataset = try group.dataset(name)
                hasher.update(token: "dataset \(child) \(dataset.elementType) \(dataset.shape)")
                switch dataset.elementType {
                case .float64: hasher.update(values: try dataset.readDoubles())
                case .int64: hasher.update(values: try dataset.readInt64s())
                case .uint8: hasher.update(values: try dataset.readBytes())
                case .string: for s in try dataset.readStrings() { hasher.update(token: s) }
                case .other(let description):
                    throw HDF5Error(operation: "hash \(child)", message: "unsupported element type \(description)")
                }
                for attribute in try dataset.attributeNames() {
                    try hashAttribute(attribute, of: dataset, into: &hasher)
                }
            }
        }
    }

    private static func hashAttribute(_ name: String, of holder: HDF5AttributeHolder, into hasher: inout SHA256) throws
    {
        hasher.update(token: "attribute \(name)")
        switch try holder.attribute(name) {
        case .string(let s): hasher.update(token: "s " + s)
        case .double(let d): hasher.update(values: [d.bitPattern])
        case .int64(let i): hasher.update(values: [i])
        case .doubles(let ds): hasher.update(values: ds)
        case .int64s(let xs): hasher.update(values: xs)
        }
    }
}

extension SHA256 {
    /// Adds a length-prefixed string, so that token boundaries are unambiguous.
    mutating func update(token: String) {
        let bytes = Array(token.utf8)
        updateCount(bytes.count)
        update(data: bytes)
    }

    /// Adds fixed-width integers in little-endian order.
    mutating func update<T: FixedWidthInteger>(values: [T]) {
        updateCount(values.count)
        #if _endian(little)
            values.withUnsafeBytes { update(bufferPointer: $0) }  // already little-endian: no copy of a large dataset
        #else
            values.map(\.littleEndian).withUnsafeBytes { update(bufferPointer: $0) }
        #endif
    }

    /// Adds doubles as their IEEE 754 bit patterns in little-endian order (as `values: bitPatterns`).
    mutating func update(values: [Double]) {
        #if _endian(little)
            updateCount(values.count)
            values.withUnsafeBytes { update(bufferPointer: $0) }
        #else
            update(values: values.map(\.bitPattern))
        #endif
    }

    private mutating func updateCount(_ count: Int) {
        var n = UInt64(count).littleEndian
        withUnsafeBytes(of: &n) { update(bufferPointer: $0) }
    }
}
