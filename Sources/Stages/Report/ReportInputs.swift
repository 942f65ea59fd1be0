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
import SweepSummary
import Train

/// What an input artifact says about how it was made: its root provenance attributes. Not its
/// creation time, run-record attributes (`timing_*`) or the wall time in its log: those are
/// measurements of the machine, and the page must be the same for the same inputs
/// (`pipeline status --json` lists each node's wall time).
struct NodeProvenance {
    /// `train[noisy]`, `figure-data`.
    let node: String
    let stage: String
    let instance: String
    let key: String
    let contentHash: String
    let codeIdentity: String
    let gitCommit: String
    let hdf5Version: String
    let projectVersion: String
    /// The config slice.
    let config: JSONValue
    /// Input role → the input node's name and key.
    let inputs: [(role: String, node: String, key: String)]
    /// The artifact's file name in the store, `<stage>/<key>.h5`.
    var storePath: String { "\(stage)/\(key).h5" }

    init(reading file: HDF5File, at url: URL) throws {
        let root = file.root
        func text(_ name: String) -> String { (try? root.string(name)) ?? "" }
        stage = text("stage")
        instance = text("instance")
        node = instance.isEmpty ? stage : "\(stage)[\(instance)]"
        key = text("key")
        contentHash = text("content_hash")
        codeIdentity = text("code_identity")
        gitCommit = text("git_commit")
        hdf5Version = text("hdf5_version")
        projectVersion = text("project_version")
        config = (try? JSONValue.parse(Data(text("config").utf8), source: "config")) ?? .object([:])
        let inputJSON = (try? JSONValue.parse(Data(text("inputs").utf8), source: "inputs"))?.objectValue ?? [:]
        inputs = inputJSON.sorted { $0.key < $1.key }.map { role, value in
            (role, value["node"]?.stringValue ?? "?", value["key"]?.stringValue ?? "")
        }
    }

    /// The anchor of this node's row in the page's provenance table.
    var anchor: String { ReportInputs.anchor(node) }
}

/// One run's analysis artifacts, read through their layout types.
struct RunAnalysis {
    let run: ReportStage.Run
    let dataset: DatasetArtifact
    let train: TrainingArtifact
    let line: LineArtifact
    let eigen: EigenArtifact
    let phases: PhasesArtifact
    let multistart: MultiStartArtifact
    /// The related-paper studies, for the runs they are made for.
    let projected: ProjectedArtifact?
    let saddles: SaddlesArtifact?
    /// The richer case's study of this run (`richer.run_targets`).
    let richer: RicherArtifact?
    /// The nodes each artifact came from, by stage name.
    let nodes: [String: NodeProvenance]
}

/// Everything the page is made of: the runs' analyses, every node's provenance, and the render
/// artifact's files.
struct ReportInputs {
    let runs: [RunAnalysis]
    /// Every input node (by name), with the nodes they name as their own inputs.
    let nodes: [String: NodeProvenance]
    /// Figure names in order (the figure-data artifact's `figures` attribute), and the files
    /// the render artifact carries (relative to `<store>/figures/`).
    let figures: [String]
    let renderedFiles: [(path: String, contents: Data)]
    /// Sweep summaries (input roles `sweep.<name>`, the sweep-summary nodes), by sweep name.
    let sweeps: [(node: NodeProvenance, summary: SweepSummaryArtifact.Contents)]

    /// - Throws: `StageFailure`/`HDF5Error` when an input is missing or unreadable.
    static func read(_ settings: ReportStage.Settings, _ context: StageContext) throws -> ReportInputs {
        var nodes: [String: NodeProvenance] = [:]
        /// Opens an input, records its provenance and hands it to `body`.
        func withInput<T>(_ role: String, _ body: (HDF5File, NodeProvenance) throws -> T) throws -> T {
            let path = try context.inputPath(role)
            let file = try HDF5File.open(path)
            defer { try? file.close() }
            let provenance = try NodeProvenance(reading: file, at: URL(fileURLWithPath: path))
            nodes[provenance.node] = provenance
            return try body(file, provenance)
        }
        var runs: [RunAnalysis] = []
        // D_σ before D_0, as in the paper.
        for run in settings.runs.sorted(by: {
            ($0.targets == .noisy ? 0 : 1, $0.name) < ($1.targets == .noisy ? 0 : 1, $1.name)
        }) {
            var runNodes: [String: NodeProvenance] = [:]
            func read<T>(_ stage: String, _ reader: (HDF5File) throws -> T) throws -> T {
                try withInput("\(stage).\(run.name)") { file, provenance in
                    runNodes[stage] = provenance
                    return try reader(file)
                }
            }
            func study<T>(_ stage: String, _ reader: (HDF5File) throws -> T) throws -> T? {
                try context.inputPaths()["\(stage).\(run.name)"] == nil ? nil : try read(stage, reader)
            }
            runs.append(
                RunAnalysis(
                    run: run, dataset: try read(DatasetStage.name, DatasetArtifact.init(reading:)),
                    train: try read(TrainStage.name, TrainingArtifact.init(reading:)),
                    line: try read(LineStage.name, LineArtifact.init(reading:)),
                    eigen: try read(EigenStage.name, EigenArtifact.init(reading:)),
                    phases: try read(PhasesStage.name, PhasesArtifact.init(reading:)),
                    multistart: try read(MultiStartStage.name, MultiStartArtifact.init(reading:)),
                    projected: try study(ProjectedStage.name, ProjectedArtifact.init(reading:)),
                    saddles: try study(SaddlesStage.name, SaddlesArtifact.init(reading:)),
                    richer: try study(RicherStage.name, RicherArtifact.init(reading:)),
                    nodes: runNodes))
        }
        let figures = try withInput("figure_data") { file, _ in
            try file.root.string("figures").split(separator: ",").map(String.init)
        }
        let rendered = try withInput("render") { file, _ in try PublishedFiles.read(file.root) }
        let sweepRoles = try context.inputPaths().keys.filter { $0.hasPrefix("sweep.") }.sorted()
        let sweeps = try sweepRoles.map { role in
            try withInput(role) { file, provenance in (provenance, try SweepSummaryArtifact.read(file)) }
        }
        return ReportInputs(runs: runs, nodes: nodes, figures: figures, renderedFiles: rendered, sweeps: sweeps)
    }

    /// The nodes `names` depend on, themselves included, in dependency order (ties by name).
    func chain(of names: Set<String>) -> [NodeProvenance] {
        var wanted = Set<String>()
        var stack = Array(names)
        while let name = stack.popLast() {
            guard wanted.insert(name).inserted, let node = nodes[name] else { continue }
            stack += node.inputs.map(\.node)
        }
        return ReportInputs.topologicalOrder(nodes.values.filter { wanted.contains($0.node) })
    }

    /// Nodes sorted so that every node comes after its inputs: by depth (the longest path from a
    /// node without inputs among them), then by name.
    static func topologicalOrder(_ nodes: [NodeProvenance]) -> [NodeProvenance] {
        let byName = Dictionary(nodes.map { ($0.node, $0) }, uniquingKeysWith: { a, _ in a })
        var depth: [String: Int] = [:]
        func depthOf(_ name: String, _ visiting: Set<String>) -> Int {
            if let known = depth[name] { return known }
            guard let node = byName[name], !visiting.contains(name) else { return -1 }
            let result = 1 + (node.inputs.map { depthOf($0.node, visiting.union([name])) }.max() ?? -1)
            depth[name] = result
            return result
        }
        return nodes.map { ($0, depthOf($0.node, [])) }.sorted { ($0.1, $0.0.node) < ($1.1, $1.0.node) }.map(\.0)
    }

    /// An HTML id for a node: `node-train-noisy`.
    static func anchor(_ node: String) -> String {
        "node-"
            + node.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined().trimmingCharacters(
                in: CharacterSet(charactersIn: "-"))
    }
}
