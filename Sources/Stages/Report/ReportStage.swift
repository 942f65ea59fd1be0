import Foundation
import HDF5Kit
import PipelineCore

/// Writes the page a researcher opens: `<store>/report/index.html`, one self-contained HTML file
/// (figures embedded as data URIs, no scripts, nothing fetched) with every figure numbered and
/// captioned, a table comparing the run's numbers with the paper's, the provenance of every
/// figure (its chain of nodes, keys, config slices, code identities, commits, run times), the
/// tools' versions, the DAG drawn by Graphviz, and the effective configuration.
///
/// The stage is called `html-report` because `<store>/report/` is the folder it publishes:
/// the store keeps each stage's artifacts in `<store>/<stage>/`, so the two names must differ.
///
/// Slice: the `report` section (title) and the effective configuration without `store`, so the
/// page shows the configuration it was made from. Inputs: `figure_data`, `render`, and per run
/// `dataset.<run>`, `train.<run>`, `eigen.<run>`, `phases.<run>`, `multistart.<run>` — every
/// node of the runs, so the page holds the provenance of the whole DAG — and per sweep its
/// summary, `sweep.<name>` (not the sweep's runs), and the related-paper studies of the runs they
/// are made for, `projected.<run>` and `saddles.<run>`. It reads the analysis artifacts only
/// through their layout types; its code identity is its folder and those layouts.
/// Layout: `ReportArtifact`.
public enum ReportStage: Stage {
    public static let name = "html-report"
    public static let scope = StageScope.global
    public static let summary = "one self-contained HTML page, <store>/report/index.html: figures, the paper comparison, provenance"
    public static let configSection: String? = "report"
    public static let sourcePaths = ["Sources/Stages/Report", "Sources/Stages/Shared/CriticalPointRecord.swift",
                                     "Sources/Stages/Dataset/DatasetArtifact.swift", "Sources/Stages/Train/TrainingArtifact.swift",
                                     "Sources/Stages/Eigen/EigenArtifact.swift", "Sources/Stages/Phases/PhasesArtifact.swift",
                                     "Sources/Stages/MultiStart/MultiStartArtifact.swift", "Sources/Stages/Line/LineArtifact.swift",
                                     "Sources/Stages/SweepSummary/SweepSummaryArtifact.swift", "Sources/Stages/SweepSummary/CellSummary.swift",
                                     "Sources/Stages/Projected/ProjectedArtifact.swift", "Sources/Stages/Projected/ProjectedStage.swift",
                                     "Sources/Stages/Saddles/SaddlesArtifact.swift", "Sources/Stages/Saddles/SaddlesStage.swift"]
    public static let publishedFolder: String? = "report"
    /// The stages whose artifact of every run the report reads (tables) or cites (provenance).
    static let perRunInputs = [DatasetStage.name, TrainStage.name, LineStage.name, EigenStage.name, PhasesStage.name, MultiStartStage.name]

    /// A run as the report names it: which dataset and which targets.
    struct Run {
        let name: String
        let dataset: String
        let targets: String
    }

    public struct Settings {
        let title: String
        /// The effective configuration (defaults filled in), without `store`.
        let configuration: JSONValue
        /// Run names in order, with their dataset and targets.
        let runs: [ReportStage.Run]
    }

    public static func node(_ config: PipelineConfig, instance: String) throws -> NodeSpec {
        var slice = config.section("report").objectValue ?? [:]
        var configuration = config.document.objectValue ?? [:]
        configuration["store"] = nil
        slice["configuration"] = .object(configuration)
        var inputs: [String: NodeID] = ["figure_data": NodeID(stage: FigureDataStage.name, instance: ""),
                                        "render": NodeID(stage: RenderStage.name, instance: "")]
        for (run, spec) in config.runs {
            for stage in perRunInputs {
                inputs["\(stage).\(run)"] = NodeID(stage: stage, instance: stage == DatasetStage.name ? spec.dataset : run)
            }
        }
        // A sweep's summary, not its runs: the page tabulates the summary.
        for name in config.sweeps.keys { inputs["sweep.\(name)"] = NodeID(stage: SweepSummaryStage.name, instance: name) }
        for stage in [ProjectedStage.name, SaddlesStage.name] {
            for run in StudyRuns.names(stage, in: config) { inputs["\(stage).\(run)"] = NodeID(stage: stage, instance: run) }
        }
        return NodeSpec(slice: .object(slice), inputs: inputs)
    }

    public static func settings(_ slice: SliceReader) throws -> Settings {
        let title = try slice.string("title")
        let configuration = slice.value("configuration") ?? .object([:])
        let runs = (configuration["runs"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { name, spec in
            Run(name: name, dataset: spec["dataset"]?.stringValue ?? "", targets: spec["targets"]?.stringValue ?? "noisy")
        }
        return Settings(title: title, configuration: configuration, runs: runs)
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let inputs = try ReportInputs.read(settings, context)
        let own = try context.provenance.map { try Provenance(json: try JSONValue.parse(Data($0.utf8), source: "--provenance")) }
        let tools = ToolVersions.collect(root: ProjectLayout.current().root)
        let graph = DagDrawing(nodes: inputs.nodes, report: own)
        let svg = try graph.svg()
        let page = ReportPage(settings: settings, inputs: inputs, own: own, tools: tools, dagSVG: svg).html

        let writer = try context.makeWriter(stage: name)
        try ReportArtifact.write(page: page, dagSVG: svg, dagDOT: graph.dot, to: writer.root)
        try writer.commit()
        if !context.quiet {
            print("html-report: index.html (\(page.utf8.count / 1024) KiB, \(inputs.figures.count) figure(s), \(inputs.runs.count) run(s)) "
                + "in the artifact (published to <store>/\(publishedFolder!)/ by the driver)")
        }
    }
}
