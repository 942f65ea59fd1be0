import ArgumentParser
import Foundation
import PipelineCore
import PipelineEngine

/// Prints the artifact path of a node's current key, for scripts and notebooks.
struct PathCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "path",
        abstract: "Print the artifact of a node's current key (e.g. `pipeline path 'phases[noisy]'`).",
        discussion: "Exit 1 with one line when the node is not fresh (its artifact would not be this configuration's)."
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The node, as `pipeline status` names it: stage[instance], or stage for a single node.")
    var node: String

    func run() throws {
        let pipeline = try options.load()
        print(try freshArtifact(node, of: pipeline).path)
    }
}

/// The artifact of a node's current key.
/// - Throws: `ExitCode(2)` for an unknown node, `ExitCode(1)` when it is not fresh (one message each).
func freshArtifact(_ name: String, of pipeline: Pipeline) throws -> URL {
    guard let id = pipeline.nodes.first(where: { $0.id.description == name })?.id else {
        let stages = pipeline.stages.map(\.name).joined(separator: ", ")
        warn("error: no node \(name) in this configuration (stages: \(stages); `pipeline status` lists the nodes)")
        throw ExitCode(2)
    }
    let evaluation = try reportingErrors { try pipeline.status(of: id) }
    guard evaluation.state == .fresh, let artifact = evaluation.artifact else {
        let why = evaluation.reasons.first.map { " (\($0))" } ?? ""
        warn("error: \(name) is \(evaluation.state.rawValue)\(why): run `pipeline run` first")
        throw ExitCode(1)
    }
    return artifact
}
