import Foundation

/// Where the project's sources and built executables are.
public final class ProjectLayout {
    /// The package root (holds Package.swift and Sources/), when found.
    public let root: URL?
    /// The directory holding the stage executables (the driver's own directory).
    public let binDirectory: URL
    /// Per-target lines "path sha256", computed once: several stages share library targets.
    private var targetDigests: [String: String] = [:]

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

    /// The path of a stage executable.
    public func executable(_ name: String) -> URL { binDirectory.appendingPathComponent(name) }

    /// The code identity of a stage: SHA-256 over the relative path and bytes of every file under
    /// `Sources/<target>/` for its `sourceTargets`, sorted, then its `sourceFiles`, plus its format version. Without
    /// sources (an installed binary), the SHA-256 of the stage executable itself.
    /// - Throws: when neither sources nor the executable can be read.
    public func codeIdentity(of stage: StageDefinition) throws -> String {
        var material = "format \(stage.formatVersion)\n"
        guard let root else {
            return Hashing.sha256(material + (try Hashing.sha256(fileAt: executable(stage.executable))))
        }
        for target in stage.sourceTargets {
            material += try digest(ofTarget: target, root: root)
        }
        for file in stage.sourceFiles {
            let url = root.appendingPathComponent(file)
            guard let bytes = FileManager.default.contents(atPath: url.path) else {
                throw StoreError.io("cannot read \(file), a source file of stage \(stage.name), under \(root.path)")
            }
            material += "\(file) \(Hashing.sha256(bytes))\n"
        }
        return Hashing.sha256(material)
    }

    /// The newest modification time among a stage's source files (to spot a stale build).
    public func newestSourceDate(of stage: StageDefinition) -> Date? {
        guard let root else { return nil }
        let fm = FileManager.default
        let files = stage.sourceTargets.flatMap { (try? sourceFiles(ofTarget: $0, root: root)) ?? [] } + stage.sourceFiles
        return files.compactMap { try? fm.attributesOfItem(atPath: root.appendingPathComponent($0).path)[.modificationDate] as? Date }.max()
    }

    private func digest(ofTarget target: String, root: URL) throws -> String {
        if let known = targetDigests[target] { return known }
        var lines = ""
        for file in try sourceFiles(ofTarget: target, root: root) {
            lines += "\(file) \(Hashing.sha256(try Data(contentsOf: root.appendingPathComponent(file))))\n"
        }
        targetDigests[target] = lines
        return lines
    }

    private func sourceFiles(ofTarget target: String, root: URL) throws -> [String] {
        let directory = "Sources/\(target)"
        guard let enumerator = FileManager.default.enumerator(atPath: root.appendingPathComponent(directory).path) else {
            throw StoreError.io("no sources for target \(target) under \(root.path)/\(directory)")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = root.appendingPathComponent(directory).appendingPathComponent(relative).path
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append("\(directory)/\(relative)")
            }
        }
        return files.sorted()
    }
}
