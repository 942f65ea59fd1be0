import Foundation
import HDF5Kit

/// Files a stage publishes outside the store's artifact files (the rendered figures), kept inside
/// its artifact so that the published folder is always a copy of the *current* artifact: the
/// driver restores the folder whenever it is missing or differs (`Publisher`), `verify` reports a
/// difference, and reverting a setting brings back the matching files with the artifact.
///
/// Layout, group `/published` of the artifact: `paths` (relative file names), `sha256`, `bytes`
/// (sizes), and `contents/<i>` (uint8, the i-th file's bytes).
public enum PublishedFiles {
    /// One published file as the artifact records it.
    public struct Entry: Equatable {
        public let path: String
        public let sha256: String
        public let size: Int
    }

    /// Stores `files` (relative path → bytes) in the artifact.
    /// - Throws: `HDF5Error` when a member cannot be written.
    public static func write(_ files: [(path: String, contents: Data)], to root: HDF5Group) throws {
        let group = try root.createGroup("published")
        try group.createDataset("paths", strings: files.map(\.path))
            .setAttribute("description", .string("published files, relative to the stage's published folder"))
        try group.createDataset("sha256", strings: files.map { Hashing.sha256($0.contents) })
        try group.createDataset("bytes", int64s: files.map { Int64($0.contents.count) })
        let contents = try group.createGroup("contents")
        for (i, file) in files.enumerated() {
            try contents.createDataset(String(i), bytes: [UInt8](file.contents))
        }
    }

    /// The files an artifact records.
    /// - Throws: `HDF5Error` when the artifact has no `/published` group.
    public static func manifest(of artifact: URL) throws -> [Entry] {
        let file = try HDF5File.open(artifact.path)
        defer { try? file.close() }
        let group = try file.root.group("published")
        let paths = try group.dataset("paths").readStrings()
        let hashes = try group.dataset("sha256").readStrings()
        let sizes = try group.dataset("bytes").readInt64s()
        return paths.indices.map { Entry(path: paths[$0], sha256: hashes[$0], size: Int(sizes[$0])) }
    }

    /// The files an artifact carries, with their bytes, in the order written.
    /// - Throws: `HDF5Error` when the artifact has no `/published` group or a member is unreadable.
    public static func read(_ root: HDF5Group) throws -> [(path: String, contents: Data)] {
        let group = try root.group("published")
        let paths = try group.dataset("paths").readStrings()
        let contents = try group.group("contents")
        return try paths.enumerated().map { ($0.element, Data(try contents.dataset(String($0.offset)).readBytes())) }
    }
}
