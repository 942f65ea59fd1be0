import Foundation
import HDF5Kit
import PipelineCore

/// The tools the results depend on, as the html-report stage finds them when it runs: the Swift
/// compiler that built it, libhdf5, the renderer's Python and packages, Graphviz.
struct ToolVersions {
    /// (tool, version) in display order.
    let entries: [(tool: String, version: String)]

    static func collect(_ layout: ProjectLayout) -> ToolVersions {
        let root = layout.root
        var entries: [(String, String)] = [
            ("Swift compiler (built this stage)", swiftCompiler),
            ("HDF5 library (this stage)", HDF5File.libraryVersion),
        ]
        let python = layout.python  // the render stage's interpreter
        let script = """
            import importlib.metadata as m, platform
            print("Python", platform.python_version())
            for name in ("numpy", "h5py", "matplotlib"):
                try:
                    print(name, m.version(name))
                except m.PackageNotFoundError:
                    print(name, "not installed")
            """
        // The project's interpreter is named relative to the project root.
        let shown =
            root.map { python.hasPrefix($0.path + "/") ? String(python.dropFirst($0.path.count + 1)) : python }
            ?? python
        if let output = run(["/usr/bin/env", python, "-c", script]) {
            for line in output.split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                if parts.count == 2 {
                    entries.append((parts[0] == "Python" ? "Python (renderer: \(shown))" : parts[0], parts[1]))
                }
            }
        } else {
            entries.append(("Python (renderer: \(shown))", "not found"))
        }
        let dot = run(["/usr/bin/env", "dot", "-V"], stderr: true)?.trimmingCharacters(in: .whitespacesAndNewlines)
        entries.append(
            ("Graphviz", dot.map { $0.replacingOccurrences(of: "dot - graphviz version ", with: "") } ?? "not found"))
        entries.append(("operating system", ProcessInfo.processInfo.operatingSystemVersionString))
        return ToolVersions(entries: entries)
    }

    /// The compiler version this binary was built with (major.minor), from compile-time checks.
    static var swiftCompiler: String {
        #if compiler(>=6.5)
            return "≥ 6.5"
        #elseif compiler(>=6.4)
            return "6.4"
        #elseif compiler(>=6.3)
            return "6.3"
        #elseif compiler(>=6.2)
            return "6.2"
        #elseif compiler(>=6.1)
            return "6.1"
        #elseif compiler(>=6.0)
            return "6.0"
        #else
            return "< 6.0"
        #endif
    }

    /// Runs a command; its standard output (or error), nil when it cannot start or fails.
    static func run(_ arguments: [String], stderr: Bool = false) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let pipe = Pipe()
        if stderr {
            process.standardError = pipe; process.standardOutput = FileHandle.nullDevice
        } else {
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
        }
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
