import Foundation
import PipelineCore

/// The code each stage's nodes are keyed by, and whether the binaries were built from it.
public protocol CodeVersions {
    /// The code identity of a stage: what its nodes' keys depend on.
    /// - Throws: `StoreError` when the stage's code cannot be read.
    func identity(of stage: StageDefinition) throws -> String
    /// The first file of the stage's code whose bytes differ between the source tree and the build
    /// (present in one only, or changed); nil when the binary runs the tree's code.
    func fileChangedSinceBuild(of stage: StageDefinition) throws -> String?
}

/// Code identities from the build's `CodeTable`: each stage executable's closure of folders and
/// packages. With a source tree (a clone), a closure's files are read from the tree as they are
/// now — an edit makes the stages whose executables link it stale before any rebuild, and a run
/// is refused until the binaries are rebuilt; without one (installed binaries), the build's own
/// digests.
public final class BuiltCode: CodeVersions {
    public let table: CodeTable
    /// The package root, when the sources are there.
    public let root: URL?
    /// Per folder, its files' digests in the tree, read once (stages share most of their closures).
    private var folderDigests: [String: [String: String]] = [:]

    public init(table: CodeTable, root: URL?) {
        self.table = table
        self.root = root
    }

    public func identity(of stage: StageDefinition) throws -> String {
        let closure = try self.closure(of: stage)
        guard root != nil else { return CodeTable.identity(of: closure, digests: table.digests) }
        return CodeTable.identity(of: closure, digests: try treeDigests(of: closure))
    }

    public func fileChangedSinceBuild(of stage: StageDefinition) throws -> String? {
        guard root != nil else { return nil }
        let closure = try self.closure(of: stage)
        let tree = try treeDigests(of: closure)
        let files = Set(closure.files(in: tree)).union(closure.files(in: table.digests))
        return files.sorted().first { tree[$0] != table.digests[$0] }
    }

    private func closure(of stage: StageDefinition) throws -> CodeTable.Closure {
        guard let closure = table.closures[stage.executable] else {
            throw StoreError.staleBuild("the build has no code closure for \(stage.executable): run make build")
        }
        return closure
    }

    /// The digests of the files under a closure's folders, as they are in the tree now.
    private func treeDigests(of closure: CodeTable.Closure) throws -> [String: String] {
        var result: [String: String] = [:]
        for folder in closure.folders {
            result.merge(try digests(under: folder)) { $1 }
        }
        return result
    }

    private func digests(under folder: String) throws -> [String: String] {
        if let known = folderDigests[folder] { return known }
        guard let root else { return [:] }
        var result: [String: String] = [:]
        for file in try SourceTree.files(under: folder, root: root) {
            result[file] = try Hashing.sha256(fileAt: root.appendingPathComponent(file))
        }
        folderDigests[folder] = result
        return result
    }
}

/// Identities given outright, per stage name (a stage without one has the identity "").
public struct FixedCode: CodeVersions {
    public var identities: [String: String]

    public init(_ identities: [String: String] = [:]) {
        self.identities = identities
    }

    public func identity(of stage: StageDefinition) throws -> String { identities[stage.name] ?? "" }
    public func fileChangedSinceBuild(of stage: StageDefinition) throws -> String? { nil }
}
