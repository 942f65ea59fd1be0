import ArgumentParser
import PipelineCore
import PipelineEngine

struct DagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dag", abstract: "Print the DAG of nodes, as text or Graphviz dot.",
        discussion:
            "A DAG of more than \(DagCommand.summaryThreshold) nodes (a sweep) is summarised: nodes per stage and each "
            + "sweep's grid; --all prints every node."
    )

    /// Above this many nodes the text output is a summary.
    static let summaryThreshold = 200

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Graphviz dot output (render with `dot -Tpng`).")
    var dot = false

    @Flag(help: "Print every node even when the DAG is large.")
    var all = false

    func run() throws {
        let pipeline = try options.load()
        if dot {
            print("digraph pipeline {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];")
            for node in pipeline.nodes {
                print("  \"\(node.id)\" [label=\"\(node.id)\\n\(node.definition.executable)\"];")
                for (role, input) in node.inputs.sorted(by: { $0.key < $1.key }) {
                    print("  \"\(input)\" -> \"\(node.id)\" [label=\"\(role)\"];")
                }
            }
            print("}")
            return
        }
        if pipeline.nodes.count > DagCommand.summaryThreshold && !all {
            print(try reportingErrors { try DagCommand.summary(pipeline) })
            return
        }
        for node in pipeline.nodes {
            let inputs = node.inputs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
            print(
                "\(node.id.description.padded(28)) \(node.definition.executable.padded(20)) "
                    + "\(inputs.isEmpty ? "(no inputs)" : "← " + inputs)"
            )
        }
    }

    /// Nodes per stage (with their inputs' stages), then what each stage says of its nodes (a
    /// sweep's grid).
    static func summary(_ pipeline: Pipeline) throws -> String {
        var lines = ["\(pipeline.nodes.count) nodes (pipeline dag --all lists them)", ""]
        lines.append("stage".padded(16) + "nodes".leftPadded(7) + "  inputs per node")
        var counts: [String: Int] = [:], inputs: [String: Set<String>] = [:]
        for node in pipeline.nodes {
            counts[node.id.stage, default: 0] += 1
            inputs[node.id.stage, default: []].formUnion(node.inputs.values.map(\.stage))
        }
        for stage in pipeline.stages where counts[stage.name] != nil {
            let from = inputs[stage.name]!.sorted()
            lines.append(
                stage.name.padded(16) + String(counts[stage.name]!).leftPadded(7)
                    + "  " + (from.isEmpty ? "(no inputs)" : "← " + from.joined(separator: ", ")))
        }
        let described = try pipeline.stages.flatMap { try $0.describe(pipeline.configuration) }
        if !described.isEmpty { lines += [""] + described }
        return lines.joined(separator: "\n")
    }
}
