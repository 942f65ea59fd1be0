import Foundation
import HDF5Kit
import PipelineCore

/// Renders the figures with matplotlib (`scripts/render_figures.py`) and publishes them (and
/// per-panel CSV files) to the store's `figures/` directory; its own artifact is the manifest of
/// what it wrote (`/files`, `/sha256`, `/bytes`).
///
/// Slice: the `render` section (colormap, width_inches, height_inches, dpi, formats, font_size);
/// input `figure_data`. The interpreter is `MLP_PYTHON`, else the project's `.venv/bin/python`,
/// else `python3`.
public enum RenderStage: Stage {
    public static let name = "render"
    public static let scope = StageScope.global
    public static let summary = "PNG/PDF figures in <store>/figures/ and per-panel CSV files in <store>/figures/csv/"
    public static let sourcePaths = ["Sources/Stages/Render", "scripts/render_figures.py"]

    public struct Settings {
        /// The render section, handed to the renderer as JSON.
        let options: JSONValue
    }

    public static func node(_ config: PipelineConfig, instance: String) throws -> NodeSpec {
        NodeSpec(slice: config.section(name), inputs: ["figure_data": NodeID(stage: FigureDataStage.name, instance: "")])
    }

    public static func settings(_ slice: SliceReader) throws -> Settings {
        for key in ["colormap"] { _ = try slice.string(key) }
        for key in ["width_inches", "height_inches", "font_size"] { _ = try slice.double(key) }
        _ = try slice.int("dpi")
        let formats = try slice.strings("formats")
        guard Set(formats).count == formats.count else { throw slice.failure("formats", "lists a format twice") }
        return Settings(options: slice.slice)
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let dataPath = try context.inputPath("figure_data")
        guard let root = ProjectLayout.current().root else {
            throw StageFailure("cannot find the project root (Package.swift and Sources/) holding scripts/render_figures.py; set MLP_PROJECT_ROOT")
        }
        let script = root.appendingPathComponent("scripts/render_figures.py")
        let output = URL(fileURLWithPath: context.output)
        let scratch = output.deletingLastPathComponent().appendingPathComponent(".render-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
        let fm = FileManager.default
        try? fm.removeItem(at: scratch)
        try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: scratch) }

        try runRenderer(script: script, python: python(root: root),
                        arguments: ["--data", dataPath, "--out", scratch.path, "--options", settings.options.canonical])
        let files = try regularFiles(under: scratch)
        guard !files.isEmpty else { throw StageFailure("the renderer wrote no files") }

        // The store's figures/ directory belongs to this stage: replace its previous output.
        let published = output.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("figures", isDirectory: true)
        try publish(files, from: scratch, to: published)

        let writer = try context.makeWriter(stage: name)
        var hashes: [String] = []
        var sizes: [Int64] = []
        for file in files {
            let url = scratch.appendingPathComponent(file)
            hashes.append(try Hashing.sha256(fileAt: url))
            sizes.append(Int64((try fm.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value ?? 0))
        }
        try writer.root.createDataset("files", strings: files).setAttribute("description", .string("files written, relative to <store>/figures/"))
        try writer.root.createDataset("sha256", strings: hashes).setAttribute("description", .string("SHA-256 of each file"))
        try writer.root.createDataset("bytes", int64s: sizes).setAttribute("description", .string("size of each file in bytes"))
        try writer.commit()
        if !context.quiet {
            print("render: \(files.count) files in \(published.path)")
        }
    }

    /// The Python interpreter: `MLP_PYTHON`, else the project's virtual environment, else python3.
    static func python(root: URL) -> String {
        if let chosen = ProcessInfo.processInfo.environment["MLP_PYTHON"] { return chosen }
        let venv = root.appendingPathComponent(".venv/bin/python")
        return FileManager.default.isExecutableFile(atPath: venv.path) ? venv.path : "python3"
    }

    /// Runs the Python renderer, its output going to this stage's own stdout and stderr (the log).
    /// - Throws: `StageFailure` when the interpreter cannot start or the script fails.
    static func runRenderer(script: URL, python: String, arguments: [String]) throws {
        guard FileManager.default.fileExists(atPath: script.path) else { throw StageFailure("renderer not found at \(script.path)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script.path] + arguments
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw StageFailure("cannot start \(python): \(error)")
        }
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw StageFailure("\(python) \(script.lastPathComponent) failed (status \(process.terminationStatus)); "
                + "are numpy, h5py and matplotlib installed? (./scripts/setup-debian.sh makes .venv/ with them)")
        }
    }

    /// Regular files under a directory, relative paths, sorted.
    static func regularFiles(under directory: URL) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else {
            throw StageFailure("cannot list \(directory.path)")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(relative).path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(relative)
            }
        }
        return files.sorted()
    }

    /// Replaces the figure and CSV files in `destination` with `files` from `source`; other files stay.
    static func publish(_ files: [String], from source: URL, to destination: URL) throws {
        let fm = FileManager.default
        let owned: Set<String> = ["png", "pdf", "svg", "csv"]
        for folder in [destination, destination.appendingPathComponent("csv")] {
            for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] where owned.contains((name as NSString).pathExtension) {
                try fm.removeItem(at: folder.appendingPathComponent(name))
            }
        }
        for file in files {
            let target = destination.appendingPathComponent(file)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.copyItem(at: source.appendingPathComponent(file), to: target)
        }
    }
}
