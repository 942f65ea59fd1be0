import Dataset
import Eigen
import Foundation
import HDF5Kit
import Line
import MultiStart
import Phases
import PipelineCore
import Projected
import Richer
import Saddles
import Study
import SweepSummary
import Train

/// Collects, from every run, exactly the arrays the figures plot, one group per figure, each
/// array with attributes label (matplotlib mathtext), unit ("" when dimensionless) and
/// description.
///
/// One node. Settings: the `figures` section and the runs of `runs` (`FigureDataSettings`); inputs
/// `dataset.<run>`, `train.<run>`, `eigen.<run>`, `phases.<run>`, `multistart.<run>` and
/// `line.<run>` for every run. Layout: `/<figure>/<run>[/<panel>]/<array>`; figures
/// learning_curves (with phases, t* and the sets the phases pass), trajectories (with the refined
/// attractor's symmetric copies), functions, spectrum, region_checks, multistart (limit functions),
/// embedded_line; with sweeps (inputs `sweep.<name>`, the sweep-summary nodes) sweep_cells and
/// sweep_line_basin (`SweepFigures`); with the related-paper studies (inputs `projected.<run>`,
/// `saddles.<run>` for the runs they are made for) alignment and saddle_to_saddle.
public enum FigureDataStage: Stage {
    public static let name = "figure-data"
    public static let summary = "one group per figure with the plotted arrays (label, unit, description on each)"
    /// The stages whose artifacts of every run the figures draw on.
    public static let perRunInputs = [
        DatasetStage.name, TrainStage.name, EigenStage.name, PhasesStage.name, MultiStartStage.name, LineStage.name,
    ]

    public typealias Settings = FigureDataSettings

    public static func instances(_ config: Configuration) throws -> [NodeSpec<Settings>] {
        let inputs = try analysisInputs(config)
        let runs = { (stage: String) in inputs.values.filter { $0.stage == stage }.map(\.instance).sorted() }
        let settings = try FigureDataSettings(
            config, study: try StudyConfig.of(config), projectedRuns: runs(ProjectedStage.name),
            saddlesRuns: runs(SaddlesStage.name), richerRuns: runs(RicherStage.name))
        return [NodeSpec(instance: "", settings: settings, inputs: inputs)]
    }

    /// Every analysis artifact of the runs of `runs`, by role `<stage>.<run>`: the per-run stages, the
    /// related-paper studies of the runs they are made for, and each sweep's summary as
    /// `sweep.<name>` (a sweep's runs never enter the paper's figures). The report reads the same.
    public static func analysisInputs(_ config: Configuration) throws -> [String: NodeID] {
        let study = try StudyConfig.of(config)
        var inputs: [String: NodeID] = [:]
        for run in study.ownRuns {
            for stage in perRunInputs {
                inputs["\(stage).\(run.name)"] = stage == DatasetStage.name ? run.datasetNode : run.nodeID(stage)
            }
        }
        let studies = [
            (ProjectedStage.name, try ProjectedStage.instances(config).map(\.instance)),
            (SaddlesStage.name, try SaddlesStage.instances(config).map(\.instance)),
            (RicherStage.name, try RicherStage.instances(config).map(\.instance)),
        ]
        for (stage, instances) in studies {
            for instance in instances { inputs["\(stage).\(instance)"] = NodeID(stage: stage, instance: instance) }
        }
        for name in study.sweeps.keys {
            inputs["sweep.\(name)"] = NodeID(stage: SweepSummaryStage.name, instance: name)
        }
        return inputs
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let runs = try RunInputs.open(settings, stage: context)
        let writer = try context.makeWriter(stage: name)
        let sweeps = try settings.sweeps.map { name in
            (name: name, summary: try SweepSummaryArtifact.read(try context.openInput("sweep.\(name)")))
        }
        let title = { (run: String) in runs.first { $0.run.name == run }?.title ?? run }
        let projected = try settings.projectedRuns.map { run in
            (
                run: run, title: title(run),
                artifact: try ProjectedArtifact(reading: try context.openInput("projected.\(run)"))
            )
        }
        let saddles = try settings.saddlesRuns.map { run in
            (
                run: run, title: title(run),
                artifact: try SaddlesArtifact(reading: try context.openInput("saddles.\(run)"))
            )
        }
        // In the figures' run order (D_σ first).
        let richer = try settings.runs.map(\.name).filter(settings.richerRuns.contains).map { run in
            (run: run, title: title(run), artifact: try RicherArtifact(reading: try context.openInput("richer.\(run)")))
        }
        let figures =
            [
                "learning_curves", "trajectories", "functions", "spectrum", "region_checks", "multistart",
                "embedded_line",
            ]
            + (projected.isEmpty ? [] : ["alignment"]) + (saddles.isEmpty ? [] : ["saddle_to_saddle"])
            + (richer.isEmpty ? [] : ["richer"])
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
        if !richer.isEmpty { try RicherFigure.write(richer, into: writer.root) }
        if !sweeps.isEmpty { try SweepFigures.write(sweeps, into: writer.root) }
        try writer.commit()
        if !context.quiet {
            print("figure-data: \(runs.count) run(s): \(runs.map(\.run.name).joined(separator: ", "))")
        }
    }
}
