import ArgumentParser
import Foundation
import PipelineCore
import PipelineEngine

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the pipeline as a workflow for another engine.",
        subcommands: [ExportSnakemakeCommand.self]
    )
}

struct ExportSnakemakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snakemake",
        abstract: "Write a Snakefile (one rule per stage) whose jobs run `pipeline run-node`.",
        discussion: """
            Also writes each node's definition file under <store>/.workflow/ when it changed, which is how Snakemake \
            learns that a node's configuration or code changed (docs/snakemake.md). Export again after editing the \
            configuration or the code, then run e.g. `snakemake -s Snakefile --cores 2`.
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "Stages whose nodes the workflow's default target makes, with their ancestors (default: all).")
    var stages: [String] = []

    @Option(name: .shortAndLong, help: "The Snakefile to write.")
    var output: String = "Snakefile"

    @Option(
        help: ArgumentHelp(
            "Run every job in this container image (a .sif file or an image URL; `make image` builds it).",
            discussion: "Run Snakemake with --software-deployment-method apptainer (docs/snakemake.md)."))
    var container: String?

    func run() throws {
        // The jobs load the configuration file themselves, so overrides would be lost on the way.
        guard options.overrides.isEmpty else {
            warn(
                "error: export writes jobs that read the configuration file: put the overrides in one "
                    + "(pipeline config --set … > variant.json) and export that")
            throw ExitCode(2)
        }
        let pipeline = try options.load()
        try reportingErrors {
            let selected =
                stages.isEmpty
                ? Set(pipeline.nodes.map(\.id)) : pipeline.withAncestors(try pipeline.nodes(ofStages: stages))
            let nodes = pipeline.nodes.filter { selected.contains($0.id) }
            try pipeline.store.prepareForWriting()
            let changed = try WorkflowStamps.writeDefinitions(of: pipeline, nodes: nodes)
            let configPath = URL(fileURLWithPath: options.config).standardizedFileURL.path
            let driver = ProjectLayout.current().executable("pipeline")
            let text = Snakefile.text(
                pipeline: pipeline, nodes: nodes, driver: driver, configPath: configPath, container: container)
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw StoreError.from(error, verb: "write", path: output)
            }
            print(
                "wrote \(output): \(Set(nodes.map(\.id.stage)).count) rules over \(nodes.count) nodes; "
                    + "\(changed.count) node definition(s) changed"
            )
        }
    }
}
