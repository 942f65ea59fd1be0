import Foundation
import HDF5Kit
import PipelineCore

/// Renders the figures with matplotlib: the Python package `mlp_render` beside this file (in the
/// stage's folder, so its code is in the stage's code identity) writes PNG/PDF figures and
/// per-panel CSV files, which the artifact carries (`PublishedFiles` layout); the store's
/// `figures/` folder is a copy of them that the driver keeps current.
///
/// One node. Settings: the `render` section, handed to the renderer as its options; input
/// `figure_data`. The interpreter is `ProjectLayout.python`.
public enum RenderStage: Stage {
    public static let name = "render"
    public static let summary = "PNG/PDF figures in <store>/figures/ and per-panel CSV files in <store>/figures/csv/"
    public static let publishedFolder: String? = "figures"
    /// The figure-data stage's name (this stage's input), without importing its code.
    static let figureDataStage = "figure-data"

    public struct Settings: Codable, Equatable {
        public var colormap: String
        public var widthInches: Double
        public var heightInches: Double
        public var dpi: Int
        public var formats: [String]
        public var fontSize: Double
    }

    public static func instances(_ config: Configuration) throws -> [NodeSpec<Settings>] {
        let formats = try config.strings("render.formats")
        guard Set(formats).count == formats.count else {
            throw config.failure("render.formats", "lists a format twice")
        }
        let settings = Settings(
            colormap: try config.string("render.colormap"), widthInches: try config.double("render.width_inches"),
            heightInches: try config.double("render.height_inches"), dpi: try config.int("render.dpi"),
            formats: formats, fontSize: try config.double("render.font_size"))
        return [NodeSpec(instance: "", settings: settings, inputs: ["figure_data": NodeID(stage: figureDataStage)])]
    }

    /// Measured on the paper's configuration (docs/performance.md).
    public static func cost(_ node: NodeSpec<Settings>, _ config: Configuration) -> Cost { Cost(seconds: 6) }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let dataPath = try context.inputPath("figure_data")
        let layout = ProjectLayout.current()
        guard let root = layout.root else {
            throw StageFailure(
                "cannot find the project root (Package.swift and Sources/) holding the renderer; set MLP_PROJECT_ROOT")
        }
        let output = URL(fileURLWithPath: context.output)
        let scratch = output.deletingLastPathComponent().appendingPathComponent(
            ".render-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
        let fm = FileManager.default
        try? fm.removeItem(at: scratch)
        try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: scratch) }

        let options = try JSONValueEncoder().encode(settings).canonical
        try runRenderer(
            package: root.appendingPathComponent(rendererFolder), python: layout.python,
            arguments: ["--data", dataPath, "--out", scratch.path, "--options", options])
        let files = try SourceTree.files(under: ".", root: scratch)
        guard !files.isEmpty else { throw StageFailure("the renderer wrote no files") }

        // The artifact carries the files; the driver publishes them to <store>/figures/ from it.
        let writer = try context.makeWriter(stage: name)
        try PublishedFiles.write(
            try files.map { ($0, try Data(contentsOf: scratch.appendingPathComponent($0))) }, to: writer.root)
        try writer.commit()
        if !context.quiet {
            print(
                "render: \(files.count) files in the artifact (published to <store>/\(publishedFolder!)/ by the driver)"
            )
        }
    }

    /// The folder holding the `mlp_render` package, relative to the project root.
    static let rendererFolder = "Sources/Stages/Render"

    /// Runs `python -m mlp_render`, its output going to this stage's own stdout and stderr (the log).
    /// No byte-code is written beside the package: it is part of the stage's code.
    /// - Throws: `StageFailure` when the interpreter cannot start or the renderer fails.
    static func runRenderer(package folder: URL, python: String, arguments: [String]) throws {
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("mlp_render/__main__.py").path)
        else {
            throw StageFailure("renderer not found at \(folder.path)/mlp_render")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-m", "mlp_render"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = folder.path
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw StageFailure("cannot start \(python): \(error)")
        }
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw StageFailure(
                "\(python) -m mlp_render failed (status \(process.terminationStatus)); "
                    + "are numpy, h5py and matplotlib installed? (./scripts/setup-debian.sh makes .venv/ with them)")
        }
    }
}
