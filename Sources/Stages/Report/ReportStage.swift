import Dataset
import Eigen
import FigureData
import Foundation
import HDF5Kit
import Line
import MultiStart
import Phases
import PipelineCore
import Projected
import Render
import Saddles
import Study
import SweepSummary
import Train

/// Writes the page a researcher opens: `<store>/report/index.html`, one self-contained HTML file
/// (figures embedded as data URIs, no scripts, nothing fetched) with every figure numbered and
/// captioned, a table comparing the run's numbers with the paper's, the provenance of every
/// figure (its chain of nodes, keys, config slices, code identities, commits), the tools'
/// versions, the DAG drawn by Graphviz, and the effective configuration. Nothing measured on the
/// machine (run times, creation dates) is on the page, so the same inputs give the same bytes.
///
/// The stage is called `html-report` because `<store>/report/` is the folder it publishes:
/// the store keeps each stage's artifacts in `<store>/<stage>/`, so the two names must differ.
///
/// One node. Settings: the `report` section (title), the runs, and the effective configuration
/// without `store`, so the page shows the configuration it was made from. Inputs: `figure_data`,
/// `render`, and per run `dataset.<run>`, `train.<run>`, `line.<run>`, `eigen.<run>`,
/// `phases.<run>`, `multistart.<run>` — every node of the runs, so the page holds the provenance
/// of the whole DAG — and per sweep its summary, `sweep.<name>` (not the sweep's runs), and the
/// related-paper studies of the runs they are made for, `projected.<run>` and `saddles.<run>`.
/// Layout: `ReportArtifact`.
public enum ReportStage: Stage {
    public static let name = "html-report"
    public static let summary =
        "one self-contained HTML page, <store>/report/index.html: figures, the paper comparison, provenance"
    public static let publishedFolder: String? = "report"

    /// A run as the report names it: which dataset and which targets.
    public struct Run: Codable, Equatable {
        public let name: String
        public let dataset: String
        public let targets: Targets
    }

    public struct Settings: Codable, Equatable {
        public var title: String
        /// The effective configuration (defaults filled in), without `store`.
        public var configuration: JSONValue
        /// Runs by name, with their dataset and targets.
        public var runs: [Run]
    }

    public static func instances(_ config: Configuration) throws -> [NodeSpec<Settings>] {
        let study = try StudyConfig.of(config)
        var configuration = config.document.objectValue ?? [:]
        configuration["store"] = nil
        let settings = Settings(
            title: try config.string("report.title"), configuration: .object(configuration),
            runs: study.ownRuns.map { Run(name: $0.name, dataset: $0.dataset, targets: $0.targets) })
        // Every analysis node of the runs (tables and provenance), each sweep's summary, and the figures.
        var inputs = try FigureDataStage.analysisInputs(config)
        inputs["figure_data"] = NodeID(stage: FigureDataStage.name)
        inputs["render"] = NodeID(stage: RenderStage.name)
        return [NodeSpec(instance: "", settings: settings, inputs: inputs)]
    }

    public static func cost(_ node: NodeSpec<Settings>, _ config: Configuration) -> Cost { Cost(seconds: 0.4) }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let inputs = try ReportInputs.read(settings, context)
        let own = try context.provenanceRecord()
        let tools = ToolVersions.collect(ProjectLayout.current())
        let graph = DagDrawing(nodes: inputs.nodes, report: own)
        let svg = try graph.svg()
        let page = ReportPage(settings: settings, inputs: inputs, own: own, tools: tools, dagSVG: svg).html

        let writer = try context.makeWriter(stage: name)
        try ReportArtifact.write(page: page, dagSVG: svg, dagDOT: graph.dot, to: writer.root)
        try writer.commit()
        if !context.quiet {
            print(
                "html-report: index.html (\(page.utf8.count / 1024) KiB, \(inputs.figures.count) figure(s), "
                    + "\(inputs.runs.count) run(s)) "
                    + "in the artifact (published to <store>/\(publishedFolder!)/ by the driver)")
        }
    }
}
