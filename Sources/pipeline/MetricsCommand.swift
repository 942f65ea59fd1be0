import ArgumentParser
import Foundation
import PipelineCore
import PipelineEngine
import StageRegistry

/// Prints the metrics the stages declare, read from the current configuration's artifacts.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Print the scalars each stage declares worth comparing (t*, E_gen(t*), basin fractions, …).",
        discussion: """
            Read from the artifacts of the configuration's current keys; nothing runs. A node that is not \
            fresh is listed with its state (run `pipeline run` first).
            """
    )

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Machine-readable output.")
    var json = false

    func run() throws {
        let pipeline = try options.load()
        let nodes = try reportingErrors { try NodeMetrics.of(pipeline, declarations: StageRegistry.metrics) }
        if json {
            let items: [JSONValue] = nodes.map { node in
                .object([
                    "node": .string(node.id.description), "state": .string(node.state.rawValue),
                    "metrics": .array(node.values.map(\.json)),
                ])
            }
            print(JSONValue.array(items).prettyText)
            return
        }
        var rows: [[String]] = []
        for node in nodes {
            if node.state != .fresh { rows.append([node.id.description, "(\(node.state.rawValue))"]) }
            for value in node.values { rows.append([node.id.description, value.title, value.text]) }
        }
        print(TextColumns.format(rows), terminator: "")
    }
}
