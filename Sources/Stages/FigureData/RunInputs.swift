import Dataset
import HDF5Kit
import Line
import MLPNumerics
import PipelineCore

/// One run's input artifacts, opened.
struct RunInputs {
    let run: FigureDataSettings.Run
    let dataset: DatasetArtifact
    let train: HDF5File
    /// The analysis artifacts of the run (`EigenArtifact`, `PhasesArtifact`, `MultiStartArtifact`).
    let eigen: HDF5File
    let phases: HDF5File
    let multistart: HDF5File
    /// The run's embedded line (`LineArtifact`).
    let line: LineArtifact
    /// The panel title: `$D_\sigma$ (σ = …)` or `$D_0$`, with the run name when two runs share targets.
    let title: String

    /// - Throws: `ValidationError`/`HDF5Error` when an input is missing or unreadable.
    static func open(_ settings: FigureDataSettings, stage: StageContext) throws -> [RunInputs] {
        let counts = Dictionary(grouping: settings.runs, by: \.targets).mapValues(\.count)
        return try settings.runs.map { run in
            let dataset = try DatasetArtifact(reading: try stage.openInput("dataset.\(run.name)"))
            var title = run.targets == .clean ? "$D_0$" : "$D_\\sigma$ ($\\sigma$ = \(shortNumber(dataset.sigma)))"
            if counts[run.targets, default: 0] > 1 { title += " [\(run.name)]" }
            return RunInputs(
                run: run, dataset: dataset, train: try stage.openInput("train.\(run.name)"),
                eigen: try stage.openInput("eigen.\(run.name)"), phases: try stage.openInput("phases.\(run.name)"),
                multistart: try stage.openInput("multistart.\(run.name)"),
                line: try LineArtifact(reading: try stage.openInput("line.\(run.name)")), title: title)
        }
    }

    /// A number with at most 3 significant digits, without trailing zeros.
    static func shortNumber(_ x: Double) -> String {
        var text = String(format: "%.3g", x)
        if text.contains("."), !text.contains("e") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
