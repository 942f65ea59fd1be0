import ArgumentParser
import BuildProvenance
import Foundation
import PipelineCore
import PipelineEngine
import StageRegistry

/// Compares two configurations: parameters, node keys, metrics, figures.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two configurations: parameters, nodes whose keys differ, metrics side by side.",
        discussion: """
            The left side is the reference: the configuration file as it is, or as committed at --rev. The right \
            side is the configuration file with the --set overrides, or --against FILE (with the overrides). \
            Nothing runs unless --run. Writes the comparison page <store>/compare/<name>/index.html.
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: ArgumentHelp("Compare with this configuration file (the right side).", valueName: "file"))
    var against: String?

    @Option(
        help: ArgumentHelp(
            "Compare with the configuration file as committed at this git revision (the left side).",
            valueName: "rev"))
    var rev: String?

    @Option(help: "The comparison's name (default: from the overrides, the other file or the revision).")
    var name: String?

    @Flag(name: .customLong("run"), help: "Bring both sides up to date first.")
    var runFirst = false

    @Option(name: .shortAndLong, help: "With --run: number of nodes to run at once.")
    var jobs: Int = 1

    @Flag(help: "Machine-readable output.")
    var json = false

    func validate() throws {
        guard against == nil || rev == nil else { throw ValidationError("give --against or --rev, not both") }
        guard against != nil || rev != nil || !options.overrides.isEmpty else {
            throw ValidationError("nothing to compare: give --set key=value, --against FILE or --rev REV")
        }
        guard jobs >= 1 else { throw ValidationError("--jobs must be ≥ 1, got \(jobs)") }
    }

    func run() throws {
        let (left, right) = try sides()
        if runFirst {
            var runnerOptions = Runner.Options()
            runnerOptions.jobs = jobs
            for side in [left, right] {
                let reports = try bringUpToDate(side.pipeline, runnerOptions) { line in
                    if !json { print("\(side.tag): \(line)"); fflush(stdout) }
                }
                if reports.contains(where: { $0.outcome == .failed }) { throw ExitCode(1) }
            }
        }
        let page = try reportingErrors { () -> ComparisonPage in
            let leftStatus = try left.pipeline.status()
            let rightStatus = try right.pipeline.status()
            let metrics = MetricComparison.pair(
                try NodeMetrics.of(left.pipeline, declarations: StageRegistry.metrics, evaluations: leftStatus),
                try NodeMetrics.of(right.pipeline, declarations: StageRegistry.metrics, evaluations: rightStatus))
            return ComparisonPage(
                name: comparisonName(right), left: left.label, right: right.label,
                parameters: ConfigurationDiff.parameters(
                    left.pipeline.configuration.document, right.pipeline.configuration.document),
                nodes: try ConfigurationDiff.nodes(left.pipeline, leftStatus, right.pipeline, rightStatus),
                nodeCount: Set(left.pipeline.nodes.map(\.id)).union(right.pipeline.nodes.map(\.id)).count,
                metrics: metrics, leftImages: try ComparisonPage.images(of: left.pipeline, status: leftStatus),
                rightImages: try ComparisonPage.images(of: right.pipeline, status: rightStatus))
        }
        let folder = left.pipeline.store.directory.appendingPathComponent("compare/\(page.name)")
        let file = folder.appendingPathComponent("index.html")
        try reportingErrors {
            try Directories.create(folder)
            guard FileManager.default.createFile(atPath: file.path, contents: Data(page.html.utf8)) else {
                throw StoreError.system("write", file.path)
            }
        }
        let shown = relative(file, to: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        print(
            json ? Self.json(page, file: shown).prettyText : Self.text(page, file: shown), terminator: json ? "\n" : "")
    }

    /// One configuration of the comparison.
    struct Side {
        let pipeline: Pipeline
        /// How the user would name it (`pipeline.json --set train.eta=0.02`, `pipeline.json@HEAD~1`).
        let label: String
        let tag: String
    }

    func sides() throws -> (Side, Side) {
        let base = options.config
        let overrides = try options.parsedOverrides(options.overrides)
        let setText = options.overrides.map { " --set \($0)" }.joined()
        let left: Side
        if let rev {
            let url = URL(fileURLWithPath: base).standardizedFileURL
            let label = "\(base)@\(rev)"
            let pipeline = try options.loading(label, []) { layout in
                let configuration = try Configuration.load(
                    try GitRevision.contents(of: url, at: rev), file: url, schema: try Configuration.schema(of: layout))
                return try Pipeline(
                    configuration: configuration, stages: StageRegistry.stages,
                    code: BuiltCode(table: codeTable, root: InstalledBundle.sourceRoot(of: layout)),
                    store: try configuration.storeDirectory(),
                    variant: "rev-" + ConfigOverride.safeName(rev))
            }
            left = Side(pipeline: pipeline, label: label, tag: "left")
        } else {
            left = Side(pipeline: try options.load(configPath: base, overrides: []), label: base, tag: "left")
        }
        let rightPath = against ?? base
        var right = try options.load(configPath: rightPath, overrides: options.overrides)
        if let against, overrides.isEmpty, right.store.directory == left.pipeline.store.directory {
            // Another file sharing the store publishes beside it, never over the reference's folders.
            let stem = URL(fileURLWithPath: against).deletingPathExtension().lastPathComponent
            right = try options.loading(against, []) { _ in
                try Pipeline(
                    configuration: right.configuration, stages: right.stages, code: right.code,
                    store: right.store.directory, variant: ConfigOverride.safeName(stem))
            }
        }
        return (left, Side(pipeline: right, label: rightPath + setText, tag: "right"))
    }

    /// `--name`, else the right side's variant, else the revision's.
    func comparisonName(_ right: Side) -> String {
        if let name { return ConfigOverride.safeName(name) }
        return right.pipeline.store.variant ?? "rev-" + ConfigOverride.safeName(rev ?? "base")
    }

    static func text(_ page: ComparisonPage, file: String) -> String {
        var text = "left:  \(page.left)\nright: \(page.right)\n\n"
        text += "parameters that differ (\(page.parameters.count))\n"
        text += TextColumns.format(
            page.parameters.map {
                ["  " + $0.key, $0.left?.canonical ?? "(absent)", "→", $0.right?.canonical ?? "(absent)"]
            })
        text += "\nnodes whose keys differ (\(page.nodes.count) of \(page.nodeCount))\n"
        text += TextColumns.format(
            page.nodes.map {
                [
                    "  " + $0.id.description, $0.reason, ComparisonPage.short($0.left, $0.onLeft),
                    ComparisonPage.short($0.right, $0.onRight),
                ]
            })
        text += "\nmetrics\n"
        text += TextColumns.format(
            [["  node", "metric", "left", "right", "change"]]
                + page.metrics.map {
                    [
                        "  " + $0.node.description, $0.label.isEmpty ? $0.name : "\($0.name) (\($0.label))",
                        MetricComparison.cell($0.left, $0.leftState), MetricComparison.cell($0.right, $0.rightState),
                        $0.changeText,
                    ]
                })
        return text + "\ncomparison page: \(file)\n"
    }

    static func json(_ page: ComparisonPage, file: String) -> JSONValue {
        .object([
            "left": .string(page.left), "right": .string(page.right), "page": .string(file),
            "parameters": .array(
                page.parameters.map {
                    .object(["key": .string($0.key), "left": $0.left ?? .null, "right": $0.right ?? .null])
                }),
            "nodes": .array(
                page.nodes.map {
                    .object([
                        "node": .string($0.id.description), "reason": .string($0.reason),
                        "left_key": $0.left.map { .string($0) } ?? .null,
                        "right_key": $0.right.map { .string($0) } ?? .null,
                    ])
                }),
            "node_count": .number(Double(page.nodeCount)),
            "metrics": .array(page.metrics.map(\.json)),
        ])
    }
}
