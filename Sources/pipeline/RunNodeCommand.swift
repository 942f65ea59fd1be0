import ArgumentParser
import Foundation
import PipelineCore
import PipelineEngine

struct RunNodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-node",
        abstract: "Bring one node up to date, its inputs being current already (one job of a workflow engine).",
        discussion: """
            Keys NODE from the configuration and its inputs' content hashes, as `run` does, and computes it only when \
            its artifact is missing or stale, under the node's lock: jobs racing for one node compute it once. An \
            input \
            that is not current is an error (exit 1); nothing upstream is computed. With --stamp, writes \
            <store>/.workflow/<stage>/<instance>.done (node, key, content hash) once the node is current.
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The node, as `pipeline dag` names it: stage[instance], or the stage of a node over all runs.")
    var node: String

    @Flag(help: "Write the node's stamp file for a workflow engine once it is current.")
    var stamp = false

    @Flag(help: "Fail at once instead of waiting when another process computes this node.")
    var noWait = false

    func run() throws {
        let pipeline = try options.load()
        guard let target = pipeline.nodes.first(where: { $0.id.description == node }) else {
            warn("error: \(options.config): unknown node \(node) (`pipeline dag` lists the nodes)")
            throw ExitCode(2)
        }
        let reports = try reportingErrors { () -> [Runner.Report] in
            try pipeline.checkBuild(of: [target.id.stage])
            let lock = try pipeline.store.lock(.shared, wait: !noWait)
            defer { withExtendedLifetime(lock) {} }
            var runnerOptions = Runner.Options()
            runnerOptions.only = [target.id]
            runnerOptions.wait = !noWait
            return try Runner(pipeline: pipeline, options: runnerOptions, executor: stageExecutor()) {
                print($0); fflush(stdout)
            }.run()
        }
        guard let result = reports.first(where: { $0.id == target.id }), [.fresh, .ran].contains(result.outcome) else {
            throw ExitCode(1)
        }
        if stamp {
            try reportingErrors {
                // The evaluation now finds the node current: its record holds key and content hash.
                let evaluation = try pipeline.status(of: target.id)
                guard evaluation.state == .fresh, let key = evaluation.key, let hash = evaluation.contentHash else {
                    throw StoreError.io(
                        "\(target.id) is \(evaluation.state.rawValue) right after it was made: "
                            + "\(evaluation.reasons.joined(separator: "; "))"
                    )
                }
                try WorkflowStamps.writeStamp(target.id, key: key, contentHash: hash, in: pipeline.store)
            }
        }
    }
}
