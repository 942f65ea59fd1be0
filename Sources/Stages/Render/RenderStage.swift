import Foundation
import HDF5Kit
import PipelineCore

/// Renders the figures with matplotlib (`scripts/render_figures.py`): PNG/PDF figures and
/// per-panel CSV files, carried in the artifact (`PublishedFiles` layout), of which the store's
/// `figures/` folder is a copy that the driver keeps current.
///
/// Slice: the `render` section (colormap, width_inches, height_inches, dpi, formats, font_size);
/// input `figure_data`. The interpreter is `MLP_PYTHON`, else the project's `.venv/bin/python`,
/// else `python3`.
public enum RenderStage: Stage {
    public static let name = "render"
    public static let scope = StageScope.global
    public static let summary = "PNG/PDF figures in <store>/figures/ and per-panel CSV files in <store>/figures/csv/"
    public static let sourcePaths = ["Sources/Stages/Render", "scripts/render_figures.py"]
    public static let publishedFolder: String? = "figures"

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
        let files = try SourceTree.files(under: ".", root: scratch).map { String($0.dropFirst(2)) }
        guard !files.isEmpty else { throw StageFailure("the renderer wrote no files") }

        // The artifact carries the files; the driver publishes them to <store>/figures/ from it.
        let writer = try context.makeWriter(stage: name)
        try PublishedFiles.write(try files.map { ($0, try Data(contentsOf: scratch.appendingPathComponent($0))) }, to: writer.root)
        try writer.commit()
        if !context.quiet {
            print("render: \(files.count) files in the artifact (published to <store>/\(publishedFolder!)/ by the driver)")
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
}
