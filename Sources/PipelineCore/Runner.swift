import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs the stale nodes of a pipeline in dependency order, independent nodes in parallel, each
/// stage as a subprocess. Keys downstream of a node are computed only once it is current, so an
/// upstream re-run that reproduces the same content leaves its descendants fresh (early cutoff).
public struct Runner {
    public struct Options {
        /// Stages to bring up to date (with their ancestors); empty means all.
        public var stages: [String] = []
        /// Stages to re-run regardless of state (with their descendants).
        public var force: [String] = []
        public var jobs: Int = 1
        public var dryRun = false
        public init() {}
    }

    public enum Outcome: String { case fresh, ran, failed, skipped, wouldRun = "would run" }

    public struct Report {
        public let id: NodeID
        public let outcome: Outcome
        public let seconds: Double
        public let detail: String
    }

    let pipeline: Pipeline
    let options: Options
    /// Receives one line per node as it finishes.
    let say: (String) -> Void
    /// Draws a live status line (nodes done, each running node's progress, ETA) on standard
    /// output between the per-node lines; for terminals only.
    let live: Bool

    public init(pipeline: Pipeline, options: Options, live: Bool = false, say: @escaping (String) -> Void) {
        self.pipeline = pipeline
        self.options = options
        self.live = live
        self.say = say
    }

    /// Brings the selected nodes up to date.
    /// - Returns: one report per selected node, in completion order.
    /// - Throws: only for failures of the driver itself (store I/O); stage failures are reports.
    public func run() throws -> [Report] {
        let selected = options.stages.isEmpty ? Set(pipeline.nodes.map(\.id)) : pipeline.withAncestors(try pipeline.nodes(ofStages: options.stages))
        let forced = pipeline.withDescendants(try pipeline.nodes(ofStages: options.force))
        // The selection in topological order; each node waits for its distinct inputs, and a node
        // whose last input resolves becomes ready. Ready nodes are taken in topological order.
        let order = pipeline.nodes.filter { selected.contains($0.id) }
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1.id, $0) })
        var dependents = [[Int]](repeating: [], count: order.count)
        var unresolved = [Int](repeating: 0, count: order.count)
        for (i, node) in order.enumerated() {
            for input in Set(node.inputs.values) {
                guard let j = position[input] else { continue }
                dependents[j].append(i)
                unresolved[i] += 1
            }
        }
        var ready = MinHeap(order.indices.filter { unresolved[$0] == 0 })
        var hashes: [NodeID: String] = [:]
        var keys: [NodeID: String] = [:]
        var blocked: Set<NodeID> = []
        var reports: [Report] = []
        var running: [NodeID: (job: Job, index: Int)] = [:]
        var evaluated: [Int: Pipeline.Evaluation] = [:]
        let finished = FinishedQueue()
        let board = ProgressBoard(total: order.count, live: live)

        func report(_ id: NodeID, _ outcome: Outcome, _ seconds: Double, _ detail: String) {
            reports.append(Report(id: id, outcome: outcome, seconds: seconds, detail: detail))
            let time = String(format: "%8.2fs", seconds)
            board.clear()
            say("\(outcome.rawValue.padded(9)) \(id.description.padded(28)) \(time)  \(detail)")
            board.finished += 1
        }

        /// The node is settled (current, failed, skipped or would run): its dependents may go.
        func resolve(_ i: Int) {
            for d in dependents[i] {
                unresolved[d] -= 1
                if unresolved[d] == 0 { ready.insert(d) }
            }
        }

        while !ready.isEmpty || !running.isEmpty {
            // Settle every ready node that needs no process; launch stale ones while slots are free.
            var waitingForSlot: [Int] = []
            while let i = ready.popMin() {
                let node = order[i]
                if let failed = node.inputs.values.first(where: blocked.contains) {
                    blocked.insert(node.id)
                    report(node.id, options.dryRun ? .wouldRun : .skipped, 0,
                           options.dryRun ? "if \(failed) changes content" : "input \(failed) did not complete")
                    resolve(i)
                    continue
                }
                // A node waiting for a slot keeps its evaluation (its inputs are settled).
                let evaluation = try evaluated[i] ?? pipeline.evaluate(node, inputHashes: node.inputs.mapValues { hashes[$0] },
                                                                         forced: forced.contains(node.id))
                evaluated[i] = evaluation
                if evaluation.state == .fresh {
                    hashes[node.id] = evaluation.contentHash
                    keys[node.id] = evaluation.key
                    if !options.dryRun { try pipeline.remember(evaluation, node: node) }
                    var detail = evaluation.key.map { String($0.prefix(12)) } ?? ""
                    if !options.dryRun, let url = evaluation.artifact, let restored = try publish(node, artifact: url, always: false) {
                        detail += "  (\(restored))"
                    }
                    report(node.id, .fresh, 0, detail)
                    resolve(i)
                } else if options.dryRun {
                    blocked.insert(node.id)
                    report(node.id, .wouldRun, 0, "\(evaluation.state.rawValue): \(evaluation.reasons.joined(separator: "; "))")
                    resolve(i)
                } else if running.count < max(1, options.jobs) {
                    let inputKeys = node.inputs.mapValues { keys[$0]! }
                    running[node.id] = (try launch(node, evaluation, inputKeys: inputKeys, onExit: finished.push), i)
                } else {
                    waitingForSlot.append(i)
                }
            }
            for i in waitingForSlot { ready.insert(i) }
            guard !running.isEmpty else { break }
            board.draw(running.values.map(\.job).sorted { $0.node < $1.node })
            guard let (id, status) = finished.pop(until: Date().addingTimeInterval(board.refreshSeconds)) else { continue }
            guard let (job, index) = running.removeValue(forKey: id) else { continue }
            defer { resolve(index) }
            try? FileManager.default.removeItem(at: job.progressFile)
            let seconds = Date().timeIntervalSince(job.started)
            Runner.appendFinishLine(to: job.log, status: status, seconds: seconds)
            let node = order[index]
            if status == 0, let url = job.evaluation.artifact, let hash = try? ArtifactReader.storedContentHash(at: url) {
                hashes[id] = hash
                keys[id] = job.evaluation.key
                let current = Pipeline.Evaluation(id: id, key: job.evaluation.key, state: .fresh, reasons: [], artifact: url,
                                                  contentHash: hash, inputHashes: job.evaluation.inputHashes)
                try pipeline.remember(current, node: node)
                try? FileManager.default.removeItem(at: pipeline.store.quarantineURL(stage: id.stage, key: job.evaluation.key!))
                _ = try publish(node, artifact: url, always: true)
                report(id, .ran, seconds, "\(job.evaluation.key!.prefix(12))  (\(job.evaluation.reasons.joined(separator: "; ")))")
            } else {
                blocked.insert(id)
                let why = status == 0 ? "exited 0 but left no readable artifact" : Runner.describe(status: status)
                // The stage's own error line first; the command and the rest are in the log.
                let error = Runner.errorLine(in: job.log).map { "\($0) (\(why))" } ?? why
                report(id, .failed, seconds, "\(error)\n          log: \(job.log.path)")
            }
        }
        board.clear()
        return reports
    }

    /// Makes a publishing stage's folder a copy of its current artifact's files: always after the
    /// node ran, and for a fresh node only when the folder is missing or differs.
    /// - Returns: what was restored, for the node's line; nil when nothing was done.
    private func publish(_ node: PlannedNode, artifact: URL, always: Bool) throws -> String? {
        guard let name = node.definition.publishedFolder else { return nil }
        let folder = pipeline.store.publishedURL(name)
        let differences = always ? [] : try PublishedFiles.differences(of: folder, from: artifact)
        guard always || !differences.isEmpty else { return nil }
        try PublishedFiles.publish(artifact, to: folder)
        return "restored \(name)/: \(differences.count) file(s) missing or changed"
    }

    /// A running stage process.
    struct Job: ProgressBoard.Entry {
        let node: NodeID
        let pid: pid_t
        let started: Date
        let evaluation: Pipeline.Evaluation
        let log: URL
        let progressFile: URL
    }

    private func launch(_ node: PlannedNode, _ evaluation: Pipeline.Evaluation, inputKeys: [String: String],
                        onExit: @escaping @Sendable (NodeID, Int32) -> Void) throws -> Job {
        let key = evaluation.key!
        let output = pipeline.store.artifactURL(stage: node.id.stage, key: key)
        let log = pipeline.store.logURL(stage: node.id.stage, key: key)
        try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        var inputsJSON: [String: JSONValue] = [:]
        var arguments: [String] = []
        for (role, input) in node.inputs.sorted(by: { $0.key < $1.key }) {
            let inputKey = inputKeys[role]!
            inputsJSON[role] = .object(["node": .string(input.description), "key": .string(inputKey),
                                        "content_hash": .string(evaluation.inputHashes[role]!)])
            arguments += ["--input", "\(role)=\(pipeline.store.artifactURL(stage: input.stage, key: inputKey).path)"]
        }
        let provenance = Provenance(stage: node.id.stage, instance: node.id.instance, key: key, config: node.slice,
                                    inputs: .object(inputsJSON), codeIdentity: try pipeline.codeIdentity(of: node.definition),
                                    gitCommit: pipeline.gitCommit)
        let progressFile = pipeline.store.progressURL(stage: node.id.stage, key: key)
        arguments = ["--slice", node.slice.canonical, "--provenance", provenance.json.canonical,
                     "--output", output.path, "--base-dir", pipeline.config.baseDirectory.path,
                     "--expect-code-identity", try pipeline.codeIdentity(of: node.definition),
                     "--progress-file", progressFile.path] + arguments
        // A node with thousands of inputs (a sweep's summary) would exceed the kernel's limits on
        // one argument (128 KiB) and on all of them: its arguments go to a file beside its log.
        if arguments.reduce(0, { $0 + $1.utf8.count + 1 }) > Runner.argumentFileThreshold {
            let file = pipeline.store.argumentsURL(stage: node.id.stage, key: key)
            do {
                try Data(JSONValue.array(arguments.map { .string($0) }).canonical.utf8).write(to: file, options: .atomic)
            } catch {
                throw StoreError.from(error, verb: "write", path: file.path)
            }
            arguments = [StageMain.argumentsFileOption, file.path]
        }
        let executable = pipeline.layout.executable(node.definition.executable)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw StoreError.io("stage executable \(executable.path) not found: build the package first (make build)")
        }
        // The log starts with the exact command, so a node can be re-run or timed by hand.
        let argv = JSONValue.array(([executable.path] + arguments).map { .string($0) }).canonical
        do {
            try Data("# argv: \(argv)\n".utf8).write(to: log)
        } catch {
            throw StoreError.from(error, verb: "write", path: log.path)
        }
        // Progress reaches the terminal through the progress file; the stage's own output goes to the log.
        let id = node.id
        let pid = try StageProcess.spawn(executable.path, arguments: arguments, environment: Self.stageEnvironment(ProcessInfo.processInfo.environment),
                                         log: log.path) { status in onExit(id, status) }
        return Job(node: node.id, pid: pid, started: Date(), evaluation: evaluation, log: log, progressFile: progressFile)
    }

    /// The driver's environment, with `OPENBLAS_NUM_THREADS=1` unless it is set: every stage links
    /// OpenBLAS (through LinearAlgebra), which otherwise starts a worker thread per core when it is
    /// loaded and lets it spin for ~0.3 s of CPU — a quarter of a training run, taken from the
    /// other node running beside it — while the stages' matrices are 2m × 2m (docs/performance.md).
    static func stageEnvironment(_ environment: [String: String]) -> [String: String] {
        var stage = environment
        if stage["OPENBLAS_NUM_THREADS"] == nil { stage["OPENBLAS_NUM_THREADS"] = "1" }
        return stage
    }

    /// Arguments longer than this (bytes) are passed in a file (`StageMain.argumentsFileOption`).
    static let argumentFileThreshold = 64 * 1024

    /// The log's last line: how the stage ended and its wall time (`RunLog` reads it back).
    static func appendFinishLine(to log: URL, status: Int32, seconds: Double) {
        guard let handle = try? FileHandle(forWritingTo: log) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data(RunLog.finishLine(status: status, seconds: seconds).utf8))
    }

    static func describe(status: Int32) -> String {
        status < 0 ? "killed by signal \(-status)" : "exited with status \(status)"
    }

    /// The stage's last `error:` line in its log, without the prefix.
    static func errorLine(in log: URL) -> String? {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").last { $0.hasPrefix("error: ") }.map { String($0.dropFirst(7)) }
    }
}

/// Completed subprocesses, handed from termination handlers to the scheduling loop.
final class FinishedQueue: @unchecked Sendable {
    private var items: [(NodeID, Int32)] = []
    private let condition = NSCondition()

    func push(_ id: NodeID, _ status: Int32) {
        condition.lock()
        items.append((id, status))
        condition.signal()
        condition.unlock()
    }

    /// The next finished process, waiting at most until `deadline`; nil when none finished by then.
    func pop(until deadline: Date) -> (NodeID, Int32)? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty {
            if !condition.wait(until: deadline) { return nil }
        }
        return items.removeFirst()
    }
}
