import Foundation

/// A stage's code identity: SHA-256 over its format version and the path and SHA-256 of every
/// file under its `sourcePaths` (each path's files sorted). The same function keys nodes by the
/// source tree and tells which sources a binary was built from, so the two can be compared.
public enum CodeIdentity {
    /// The identity from a table of per-file digests (path relative to the project root → hex
    /// SHA-256): the source tree's (`SourceTree.digests`) or a binary's build-time table.
    public static func identity(of stage: StageDefinition, digests: [String: String]) -> String {
        var material = "format \(stage.formatVersion)\n"
        for path in stage.sourcePaths {
            for file in files(under: path, in: digests) {
                material += "\(file) \(digests[file]!)\n"
            }
        }
        return Hashing.sha256(material)
    }

    /// The first file under the stage's paths whose digest differs between two tables (present
    /// in one only, or with other bytes), or nil when the stage's code is the same in both.
    public static func firstDifference(of stage: StageDefinition, _ a: [String: String], _ b: [String: String]) -> String? {
        for path in stage.sourcePaths {
            let names = Set(files(under: path, in: a)).union(files(under: path, in: b)).sorted()
            if let differing = names.first(where: { a[$0] != b[$0] }) { return differing }
        }
        return nil
    }

    /// The files of a table that are `path` itself or lie below the folder `path`, sorted.
    static func files(under path: String, in digests: [String: String]) -> [String] {
        let folder = path.hasSuffix("/") ? path : path + "/"
        return digests.keys.filter { $0 == path || $0.hasPrefix(folder) }.sorted()
    }
}
