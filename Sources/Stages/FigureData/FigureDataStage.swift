import Foundation
import HDF5Kit
import PipelineCore

/// Collects, from every run, exactly the arrays the figures plot, one group per figure, each
/// array with attributes label (matplotlib mathtext), unit ("" when dimensionless) and
/// description.
///
/// Slice: the `figures` section plus `runs` ({name: {dataset, targets}}); inputs
/// `dataset.<run>`, `train.<run>`, `eigen.<run>`, `phases.<run>`, `multistart.<run>` and
/// `line.<run>` for every run. Layout: `/<figure>/<run>[/<panel>]/<array>`; figures
/// learning_curves (with phases, t* and the sets the phases pass), trajectories (with the refined
/// attractor's symmetric copies), functions, spectrum, region_checks, multistart (limit functions),
/// embedded_line; with sweeps (inputs `sweep.<name>`, the sweep-summary nodes) sweep_cells and
/// sweep_line_basin (`SweepFigures`); with the related-paper studies (inputs `projected.<run>`,
/// `saddles.<run>` for the runs they are made for) alignment and saddle_to_saddle.
public enum FigureDataStage: Stage {
    public static let name = "figure-data"
    public static let scope = StageScope.global
    public static let summary = "one group per figure with the plotted arrays (label, unit, description on each)"
    public static let configSection: String? = "figures"
    public static let sliceOrigins = ["runs": "runs", "sweeps": "sweeps", "studies": "runs"]
    public static let sourcePaths = ["Sources/Stages/FigureData", "Sources/Stages/Shared", "Sources/Stages/Dataset/DatasetArtifact.swift",
                                     "Sources/Stages/Train/TrainingArtifact.swift", "Sources/Stages/Eigen/EigenArtifact.swift",
                                     "Sources/Stages/Phases/PhasesArtifact.swift", "Sources/Stages/MultiStart/MultiStartArtifact.swift",
                                     "Sources/Stages/Line/LineArtifact.swift", "Sources/Stages/Line/LineStage.swift",
                                     "Sources/Stages/SweepSummary/SweepSummaryArtifact.swift", "Sources/Stages/SweepSummary/CellSummary.swift",
                                     "Sources/Stages/Projected/ProjectedArtifact.swift", "Sources/Stages/Projected/ProjectedStage.swift",
                                     "Sources/Stages/Saddles/SaddlesArtifact.swift", "Sources/Stages/Saddles/SaddlesStage.swift",
                                     "Sources/MLPNumerics", "Sources/CVectorMath", "Sources/DynamicsAnalysis"]
    /// The stages whose artifacts of every run the figures draw on.
    static let perRunInputs = [DatasetStage.name, TrainStage.name, EigenStage.name, PhasesStage.name, MultiStartStage.name, LineStage.name]

    public typealias Settings = FigureDataSettings

    public static func node(_ config: PipelineConfig, instance: String) throws -> NodeSpec {
        var slice = config.section("figures").objectValue ?? [:]
        var runs: [String: JSONValue] = [:]
        var inputs: [String: NodeID] = [:]
        for (name, run) in config.runs {
            runs[name] = .object(["dataset": .string(run.dataset), "targets": .string(run.targets)])
            for stage in perRunInputs {
                inputs["\(stage).\(name)"] = NodeID(stage: stage, instance: stage == DatasetStage.name ? run.dataset : name)
            }
        }
        slice["runs"] = .object(runs)
        // The related-paper studies, for the runs they are made for.
        var studies: [String: JSONValue] = [:]
        for stage in [ProjectedStage.name, SaddlesStage.name] {
            let names = StudyRuns.names(stage, in: config)
            if names.isEmpty { continue }
            studies[stage] = .array(names.map { .string($0) })
            for run in names { inputs["\(stage).\(run)"] = NodeID(stage: stage, instance: run) }
        }
        if !studies.isEmpty { slice["studies"] = .object(studies) }
        // A sweep's summary is drawn by its own figures; its runs never enter the paper's.
        if !config.sweeps.isEmpty {
            slice["sweeps"] = .array(config.sweeps.keys.sorted().map { .string($0) })
            for name in config.sweeps.keys { inputs["sweep.\(name)"] = NodeID(stage: SweepSummaryStage.name, instance: name) }
        }
        return NodeSpec(slice: .object(slice), inputs: inputs)
    }

    public static func settings(_ slice: SliceReader) throws -> Settings {
        try FigureDataSettings(slice)
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let runs = try RunInputs.open(settings, stage: context)
        let writer = try context.makeWriter(stage: name)
        let sweeps = try settings.sweeps.map { name in
            (name: name, summary: try SweepSummaryArtifact.read(try context.openInput("sweep.\(name)")))
        }
        let title = { (run: String) in runs.first { $0.run.name == run }?.title ?? run }
        let projected = try settings.projectedRuns.map { run in
            (run: run, title: title(run), artifact: try ProjectedArtifact(reading: try context.openInput("projected.\(run)")))
        }
        let saddles = try settings.saddlesRuns.map { run in
            (run: run, title: title(run), artifact: try SaddlesArtifact(reading: try context.openInput("saddles.\(run)")))
        }
        let figures = ["learning_curves", "trajectories", "functions", "spectrum", "region_checks", "multistart", "embedded_line"]
            + (projected.isEmpty ? [] : ["alignment"]) + (saddles.isEmpty ? [] : ["saddle_to_saddle"])
            + (sweeps.isEmpty ? [] : SweepFigures.names)
        try writer.root.setAttribute("figures", .string(figures.joined(separator: ",")))
        try LearningCurvesFigure.write(runs, into: writer.root)
        try TrajectoriesFigure.write(runs, settings: settings, into: writer.root)
        try FunctionsFigure.write(runs, settings: settings, into: writer.root)
        try SpectrumFigure.write(runs, into: writer.root)
        try RegionChecksFigure.write(runs, into: writer.root)
        try MultiStartFigure.write(runs, settings: settings, into: writer.root)
        try EmbeddedLineFigure.write(runs, into: writer.root)
        if !projected.isEmpty { try AlignmentFigure.write(projected, into: writer.root) }
        if !saddles.isEmpty { try SaddleToSaddleFigure.write(saddles, into: writer.root) }
        if !sweeps.isEmpty { try SweepFigures.write(sweeps, into: writer.root) }
        try writer.commit()
        if !context.quiet {
            print("figure-data: \(runs.count) run(s): \(runs.map(\.run.name).joined(separator: ", "))")
        }
    }
}
