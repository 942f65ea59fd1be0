import Foundation
import HDF5Kit
import PipelineCore

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps a stage's published folder (`<store>/<folder>`) a copy of its current artifact's files
/// (`PublishedFiles`).
public enum Publisher {
    /// How `folder` differs from the artifact's files: missing, altered and extra files, one line
    /// each (empty when it is an exact copy).
    public static func differences(of folder: URL, from artifact: URL) throws -> [String] {
        let entries = try PublishedFiles.manifest(of: artifact)
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
        for extra in (try? SourceTree.files(under: ".", root: folder)) ?? [] where !recorded.contains(extra) {
            problems.append("\(extra): not in the artifact")
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
        for leftover in [staging, retired] where fm.fileExists(atPath: leftover.path) {
            try fm.removeItem(at: leftover)
        }
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
