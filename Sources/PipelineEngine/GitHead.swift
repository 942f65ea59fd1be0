import Foundation
import PipelineCore

/// Reads the commit a repository's HEAD points at, without running git.
enum GitHead {
    /// The full commit id, or nil when `root` is not in a git work tree or HEAD is unborn.
    static func commit(of root: URL) -> String? {
        guard let gitDir = gitDirectory(of: root) else { return nil }
        guard let head = read(gitDir.appendingPathComponent("HEAD")) else { return nil }
        guard head.hasPrefix("ref: ") else { return head }
        let ref = String(head.dropFirst(5))
        // A linked work tree keeps its refs in the common directory.
        let common =
            read(gitDir.appendingPathComponent("commondir")).map {
                URL(fileURLWithPath: $0, relativeTo: gitDir).standardizedFileURL
            } ?? gitDir
        for directory in [gitDir, common] {
            if let id = read(directory.appendingPathComponent(ref)) { return id }
            if let packed = read(directory.appendingPathComponent("packed-refs")) {
                for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
                    return String(line.prefix { $0 != " " })
                }
            }
        }
        return nil
    }

    private static func gitDirectory(of root: URL) -> URL? {
        let dotGit = root.appendingPathComponent(".git")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { return dotGit }
        guard let pointer = read(dotGit), pointer.hasPrefix("gitdir: ") else { return nil }
        return URL(fileURLWithPath: String(pointer.dropFirst(8)), relativeTo: root).standardizedFileURL
    }

    private static func read(_ url: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
