import Foundation

/// What each stage executable is built from, as the package graph says at build time: per
/// executable its closure — the folders of every target it links, its own included, and the
/// external packages with their versions — and the SHA-256 of every file in those folders.
/// The build plugin `CodeTablePlugin` writes it into `BuildProvenance`, so the driver and every
/// stage binary carry the same table.
///
/// A stage's **code identity** is a SHA-256 over its closure: each file's path and digest, and
/// each package's name and version. It is never listed by hand: a new import is a new target
/// dependency, which the build graph — and so the closure — follows.
public struct CodeTable: Sendable {
    /// Executable → folders (root-relative, sorted), folders inside them that belong to other
    /// targets, and packages (`name@version`, sorted).
    public let closures: [String: Closure]
    /// Root-relative path → hex SHA-256 of every file in any closure, as built.
    public let digests: [String: String]

    public struct Closure: Equatable, Sendable {
        public let folders: [String]
        /// Folders of targets outside the closure that lie inside its folders (a stage's executable in
        /// its module's folder): their files are not the closure's.
        public let excluded: [String]
        public let packages: [String]

        public init(folders: [String], excluded: [String] = [], packages: [String] = []) {
            self.folders = folders
            self.excluded = excluded
            self.packages = packages
        }

        /// The files of a table (by path) that are this closure's, sorted.
        public func files(in digests: [String: String]) -> [String] {
            let inside = folders.map { $0 + "/" }, outside = excluded.map { $0 + "/" }
            return digests.keys.filter { path in
                inside.contains { path.hasPrefix($0) } && !outside.contains { path.hasPrefix($0) }
            }.sorted()
        }
    }

    public init(closures: [String: Closure], digests: [String: String]) {
        self.closures = closures
        self.digests = digests
    }

    /// Reads the generated text: closure lines `<executable> <folder>… !<excluded folder>…
    /// package:<name>@<version>…` and `sha256sum` lines `<hex>  <path>`.
    public init(closureLines: String, digestLines: String) {
        var closures: [String: Closure] = [:]
        for line in closureLines.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            guard let executable = words.first else { continue }
            let members = words.dropFirst()
            let packages = members.filter { $0.hasPrefix("package:") }.map { String($0.dropFirst(8)) }
            let excluded = members.filter { $0.hasPrefix("!") }.map { String($0.dropFirst()) }
            let folders = members.filter { !$0.hasPrefix("package:") && !$0.hasPrefix("!") }
            closures[executable] = Closure(
                folders: folders.sorted(), excluded: excluded.sorted(), packages: packages.sorted())
        }
        var digests: [String: String] = [:]
        for line in digestLines.split(separator: "\n") {
            let digest = line.prefix(64)
            let path = line.dropFirst(66)
            if digest.count == 64, !path.isEmpty { digests[String(path)] = String(digest) }
        }
        self.init(closures: closures, digests: digests)
    }

    /// The code identity of a closure, given the digests of its files (the build's, or the
    /// source tree's as it is now).
    public static func identity(of closure: Closure, digests: [String: String]) -> String {
        var material = "code identity 2\n"
        for file in closure.files(in: digests) {
            material += "\(file) \(digests[file]!)\n"
        }
        for package in closure.packages {
            material += "package \(package)\n"
        }
        return Hashing.sha256(material)
    }

    /// The identity an executable was built with; nil when the table does not know it.
    public func builtIdentity(of executable: String) -> String? {
        closures[executable].map { CodeTable.identity(of: $0, digests: digests) }
    }
}

/// The files that make up code: regular files below a folder, with hidden names (editor swap
/// files, `.DS_Store`) and Python's byte-code caches left out — the rule the build plugin applies.
public enum SourceTree {
    /// Whether a relative path's components make it a file that is not code.
    public static func isIgnored(_ relative: String) -> Bool {
        relative.split(separator: "/").contains { $0.hasPrefix(".") || $0 == "__pycache__" }
            || relative.hasSuffix(".pyc")
    }

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
            if isIgnored(relative) { continue }
            var isFolder: ObjCBool = false
            if fm.fileExists(atPath: base.appendingPathComponent(relative).path, isDirectory: &isFolder),
                !isFolder.boolValue
            {
                files.append(path == "." ? relative : "\(path)/\(relative)")
            }
        }
        return files.sorted()
    }
}
