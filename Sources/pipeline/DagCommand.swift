import ArgumentParser
import PipelineCore

struct DagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dag", abstract: "Print the DAG of nodes, as text or Graphviz dot.")

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Graphviz dot output (render with `dot -Tpng`).")
    var dot = false

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
        for node in pipeline.nodes {
            let inputs = node.inputs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
            print("\(node.id.description.padding(toLength: 28, withPad: " ", startingAt: 0)) \(node.definition.executable.padding(toLength: 20, withPad: " ", startingAt: 0)) \(inputs.isEmpty ? "(no inputs)" : "← " + inputs)")
        }
    }
}
