import Foundation

/// Where the project's sources, schema and built executables are.
public final class ProjectLayout {
    /// The package root (holds Package.swift and Sources/), when found.
    public let root: URL?
    /// The directory holding the stage executables (the driver's own directory).
    public let binDirectory: URL
    /// Per source path, its files' digests, computed once: several stages share libraries.
    private var pathDigests: [String: [String: String]] = [:]

    public init(root: URL?, binDirectory: URL) {
        self.root = root
        self.binDirectory = binDirectory
    }

    /// Locates the layout from the running executable: `MLP_PROJECT_ROOT` if set, else the first
    /// ancestor of the executable's directory that holds `Package.swift` and `Sources/`.
    public static func current() -> ProjectLayout {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let bin = (Bundle.main.executableURL ?? executable).resolvingSymlinksInPath().deletingLastPathComponent()
        if let forced = ProcessInfo.processInfo.environment["MLP_PROJECT_ROOT"] {
            return ProjectLayout(root: URL(fileURLWithPath: forced).standardizedFileURL, binDirectory: bin)
        }
        var candidate = bin
        while candidate.path != "/" {
            let fm = FileManager.default
            if fm.fileExists(atPath: candidate.appendingPathComponent("Package.swift").path),
               fm.fileExists(atPath: candidate.appendingPathComponent("Sources").path) {
                return ProjectLayout(root: candidate, binDirectory: bin)
            }
            candidate = candidate.deletingLastPathComponent()
        }
        return ProjectLayout(root: nil, binDirectory: bin)
    }

    /// The schema file (`pipeline.schema.json` at the package root).
    public var schemaURL: URL? { root?.appendingPathComponent("pipeline.schema.json") }

    /// The parsed schema, or nil when there is no readable, valid schema file.
    public func loadSchema() -> JSONValue? {
        guard let url = schemaURL, let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return try? JSONValue.parse(data, source: "pipeline.schema.json")   // callers that need it report its absence
    }

    /// The path of a stage executable.
    public func executable(_ name: String) -> URL { binDirectory.appendingPathComponent(name) }

    /// The code identity of a stage in the source tree (`CodeIdentity`); without a source tree (an
    /// installed binary), the identity the binaries were built from.
    /// - Throws: when a source path cannot be read.
    public func codeIdentity(of stage: StageDefinition, built: [String: String]) throws -> String {
        guard root != nil else { return CodeIdentity.identity(of: stage, digests: built) }
        return CodeIdentity.identity(of: stage, digests: try treeDigests(of: stage))
    }

    /// The digests of the files under a stage's source paths, as they are in the tree now.
    /// - Throws: `StoreError.io` when a path is missing or unreadable.
    public func treeDigests(of stage: StageDefinition) throws -> [String: String] {
        var result: [String: String] = [:]
        for path in stage.sourcePaths {
            result.merge(try digests(under: path)) { $1 }
        }
        return result
    }

    private func digests(under path: String) throws -> [String: String] {
        if let known = pathDigests[path] { return known }
        guard let root else { return [:] }
        var result: [String: String] = [:]
        for file in try SourceTree.files(under: path, root: root) {
            result[file] = try Hashing.sha256(fileAt: root.appendingPathComponent(file))
        }
        pathDigests[path] = result
        return result
    }
}

/// The files that make up code: regular files below a path, hidden names (editor swap files,
/// `.DS_Store`) left out — the same rule the build-time digest plugin applies.
public enum SourceTree {
    /// Files at or below `path` (relative to `root`), as root-relative paths, sorted.
    /// - Throws: `StoreError.io` when `path` does not exist.
    public static func files(under path: String, root: URL) throws -> [String] {
        let fm = FileManager.default
        let base = root.appendingPathComponent(path)
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: base.path, isDirectory: &isDirectory) else {
            throw StoreError.io("source path \(path) not found under \(root.path)")
        }
        guard isDirectory.boolValue else { return [path] }
        guard let enumerator = fm.enumerator(atPath: base.path) else {
            throw StoreError.io("cannot list \(base.path)")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            var isFolder: ObjCBool = false
            if fm.fileExists(atPath: base.appendingPathComponent(relative).path, isDirectory: &isFolder), !isFolder.boolValue {
                files.append("\(path)/\(relative)")
            }
        }
        return files.sorted()
    }
}
