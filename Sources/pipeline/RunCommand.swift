import ArgumentParser
import Foundation
import PipelineCore
import PipelineEngine

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Bring stages up to date: run the stale nodes in dependency order.",
        discussion:
            "With STAGE names, only those stages' nodes and their ancestors. Prints one line per node: fresh, ran, "
            + "failed or skipped, with its time."
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "Stages to bring up to date (default: all).")
    var stages: [String] = []

    @Option(name: .shortAndLong, help: "Number of nodes to run at once.")
    var jobs: Int = 1

    @Option(help: ArgumentHelp("Re-run this stage and its descendants even if fresh (repeatable).", valueName: "stage"))
    var force: [String] = []

    @Flag(help: "Show what would run and estimate its CPU time per stage; run nothing.")
    var dryRun = false

    @Flag(
        help: ArgumentHelp(
            "Fail at once instead of waiting when another command holds the store, or another run computes a node this "
                + "one needs.")
    )
    var noWait = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be ≥ 1, got \(jobs)") }
    }

    func run() throws {
        let pipeline = try options.load()
        let started = Date()
        var runnerOptions = Runner.Options()
        runnerOptions.wait = !noWait
        runnerOptions.stages = stages
        runnerOptions.force = force
        runnerOptions.jobs = jobs
        runnerOptions.dryRun = dryRun
        // A dry run of a large DAG (a sweep) prints the counts and the estimate, not a line per node.
        let quiet = dryRun && pipeline.nodes.count > DagCommand.summaryThreshold
        let reports = try bringUpToDate(pipeline, runnerOptions) { line in
            if !quiet { print(line); fflush(stdout) }
        }
        if dryRun {
            let wouldRun = reports.filter { $0.outcome == .wouldRun }.map(\.id)
            print("\(pipeline.nodes.count) nodes in the DAG, \(reports.count) selected, \(wouldRun.count) would run")
            if !wouldRun.isEmpty { print(WorkEstimate(pipeline: pipeline, nodes: wouldRun).text) }
        }
        let count = { (outcome: Runner.Outcome) in reports.filter { $0.outcome == outcome }.count }
        print(
            String(
                format: "%d fresh, %d ran, %d failed, %d skipped%@ in %.3fs", count(.fresh), count(.ran),
                count(.failed), count(.skipped),
                dryRun ? ", \(count(.wouldRun)) would run" : "", Date().timeIntervalSince(started)))
        if let variant = pipeline.store.variant, !dryRun {
            let folder = relative(
                pipeline.store.directory.appendingPathComponent("variants/\(variant)"),
                to: pipeline.configuration.baseDirectory)
            print("variant \(variant): its figures and report are in \(folder)/")
        }
        if count(.failed) > 0 { throw ExitCode(1) }
    }
}

/// Runs what `options` selects under the store's shared lock (none for a dry run), one line per node.
/// - Throws: `ExitCode` 2 or 3 after one message (`reportingErrors`).
func bringUpToDate(_ pipeline: Pipeline, _ options: Runner.Options, line: @escaping (String) -> Void) throws
    -> [Runner.Report]
{
    try reportingErrors { () -> [Runner.Report] in
        if !options.dryRun { try pipeline.checkBuild() }
        // Shared: other runs and run-node jobs may compute on the store at once, node by node.
        let lock = options.dryRun ? nil : try pipeline.store.lock(.shared, wait: options.wait)
        defer { withExtendedLifetime(lock) {} }
        return try Runner(
            pipeline: pipeline, options: options, executor: stageExecutor(), live: isatty(STDOUT_FILENO) != 0, say: line
        ).run()
    }
}
