import Foundation

/// Where the project's files and built executables are: the package root (schema, the stages'
/// folders, the virtual environment) and the directory of the running executable.
public final class ProjectLayout {
    /// The package root (holds Package.swift and Sources/), when found.
    public let root: URL?
    /// The directory holding the stage executables (the driver's own directory).
    public let binDirectory: URL

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
                fm.fileExists(atPath: candidate.appendingPathComponent("Sources").path)
            {
                return ProjectLayout(root: candidate, binDirectory: bin)
            }
            candidate = candidate.deletingLastPathComponent()
        }
        return ProjectLayout(root: nil, binDirectory: bin)
    }

    /// The schema file (`pipeline.schema.json` at the package root).
    public var schemaURL: URL? { root?.appendingPathComponent("pipeline.schema.json") }

    /// The path of an executable beside the running one.
    public func executable(_ name: String) -> URL { binDirectory.appendingPathComponent(name) }

    /// The Python interpreter stages run: `MLP_PYTHON`, else the project's virtual environment
    /// (`.venv/bin/python`, made by scripts/setup-debian.sh), else `python3` on PATH.
    public var python: String {
        if let chosen = ProcessInfo.processInfo.environment["MLP_PYTHON"] { return chosen }
        if let venv = root?.appendingPathComponent(".venv/bin/python"),
            FileManager.default.isExecutableFile(atPath: venv.path)
        {
            return venv.path
        }
        return "python3"
    }
}
