import ArgumentParser
import Foundation
import HDF5Kit
import PipelineCore

/// Collects, from every run, exactly the arrays the figures plot.
@main
struct FigureDataStage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stage-figure-data",
        abstract: "Export the arrays of every figure (one group per figure) with label, unit and description attributes.",
        discussion: """
        The slice is pipeline.json's "figures" section plus "runs" ({name: {dataset, targets}});
        inputs are dataset.<run>, train.<run>, eigen.<run>, phases.<run> and multistart.<run> for every
        run. Layout: /<figure>/<run>[/<panel>]/<array>, each array with attributes label (matplotlib
        mathtext), unit ("" when dimensionless) and description; groups carry a title. Figures:
        learning_curves (with phases and t*), trajectories (with the refined attractor's symmetric
        copies), functions, spectrum, region_checks, multistart.
        """
    )

    @OptionGroup var stage: StageOptions

    func run() throws {
        let settings = try FigureDataSettings(try stage.parsedSlice())
        let runs = try RunInputs.open(settings, stage: stage)
        let writer = try stage.makeWriter(stage: "figure-data")
        try writer.root.setAttribute("figures", .string("learning_curves,trajectories,functions,spectrum,region_checks,multistart"))
        try LearningCurvesFigure.write(runs, into: writer.root)
        try TrajectoriesFigure.write(runs, settings: settings, into: writer.root)
        try FunctionsFigure.write(runs, settings: settings, into: writer.root)
        try SpectrumFigure.write(runs, into: writer.root)
        try RegionChecksFigure.write(runs, into: writer.root)
        try MultiStartFigure.write(runs, settings: settings, into: writer.root)
        try writer.commit()
        if !stage.quiet {
            print("figure-data: \(runs.count) run(s): \(runs.map(\.run.name).joined(separator: ", "))")
        }
    }
}
