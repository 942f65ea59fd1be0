import Foundation
import HDF5Kit

/// Files a stage publishes outside the store's artifact files (the rendered figures), kept inside
/// its artifact so that the published folder is always a copy of the *current* artifact: the
/// driver restores the folder whenever it is missing or differs, `verify` reports a difference,
/// and reverting a setting brings back the matching files with the artifact.
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

    /// How `folder` differs from the artifact's files: missing, altered and extra files, one line
    /// each (empty when it is an exact copy).
    public static func differences(of folder: URL, from artifact: URL) throws -> [String] {
        let entries = try manifest(of: artifact)
        var problems: [String] = []
        let fm = FileManager.default
        for entry in entries {
            let url = folder.appendingPathComponent(entry.path)
            guard let attributes = try? fm.attributesOfItem(atPath: url.path) else {
                problems.append("\(entry.path): missing")
                continue
            }
            let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
            if size != entry.size || (try? Hashing.sha256(fileAt: url)) != entry.sha256 {
                problems.append("\(entry.path): differs from the artifact")
            }
        }
        let recorded = Set(entries.map(\.path))
        for extra in (try? SourceTree.files(under: ".", root: folder)) ?? [] {
            let relative = String(extra.dropFirst(2))
            if !recorded.contains(relative) { problems.append("\(relative): not in the artifact") }
        }
        return problems
    }

    /// Replaces `folder` with the artifact's files: written into a sibling temporary folder, then
    /// swapped in by two renames, so a kill leaves the old or the new folder (and a temporary one
    /// that the next publish removes), never a mix.
    /// - Throws: `HDF5Error` or `StoreError` when the artifact cannot be read or the files written.
    public static func publish(_ artifact: URL, to folder: URL) throws {
        let fm = FileManager.default
        let parent = folder.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(folder.lastPathComponent).new")
        let retired = parent.appendingPathComponent(".\(folder.lastPathComponent).old")
        for leftover in [staging, retired] where fm.fileExists(atPath: leftover.path) { try fm.removeItem(at: leftover) }
        let file = try HDF5File.open(artifact.path)
        defer { try? file.close() }
        let group = try file.root.group("published")
        let paths = try group.dataset("paths").readStrings()
        let contents = try group.group("contents")
        for (i, path) in paths.enumerated() {
            let target = staging.appendingPathComponent(path)
            try Directories.create(target.deletingLastPathComponent())
            guard fm.createFile(atPath: target.path, contents: Data(try contents.dataset(String(i)).readBytes())) else {
                throw StoreError.system("write", target.path)
            }
        }
        try Directories.create(staging)
        if fm.fileExists(atPath: folder.path) {
            guard rename(folder.path, retired.path) == 0 else { throw StoreError.system("rename", folder.path) }
        }
        guard rename(staging.path, folder.path) == 0 else { throw StoreError.system("rename", staging.path) }
        if fm.fileExists(atPath: retired.path) { try fm.removeItem(at: retired) }
    }
}
