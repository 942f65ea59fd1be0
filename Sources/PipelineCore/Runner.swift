import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs the stale nodes of a pipeline in dependency order, independent nodes in parallel, each
/// stage as a subprocess. Keys downstream of a node are computed only once it is current, so an
/// upstream re-run that reproduces the same content leaves its descendants fresh (early cutoff).
/// A node is computed under its key's lock (`ArtifactStore.nodeLockURL`), so several runners on
/// one store (a `run` beside `run-node` jobs of a workflow engine) compute each artifact once.
public struct Runner {
    public struct Options {
        /// Stages to bring up to date (with their ancestors); empty means all.
        public var stages: [String] = []
        /// Stages to re-run regardless of state (with their descendants).
        public var force: [String] = []
        public var jobs: Int = 1
        public var dryRun = false
        /// Only these nodes (nodes of `stages` are then ignored); their ancestors must be current
        /// already and are never computed (`pipeline run-node`, one job of a workflow engine).
        public var only: [NodeID] = []
        /// Wait for a node another process is computing, or fail at once (`StoreError.locked`).
        public var wait = true
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
        let targets = options.only.isEmpty ? (options.stages.isEmpty ? Set(pipeline.nodes.map(\.id)) : try pipeline.nodes(ofStages: options.stages))
            : Set(options.only)
        let selected = pipeline.withAncestors(targets)
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
        /// Nodes whose lock another process holds, waited for by a thread each; and the locks
        /// those threads obtained, for nodes back in `ready` to be evaluated again.
        var waiting: [NodeID: Int] = [:]
        var locked: [Int: FileLock] = [:]
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

        while !ready.isEmpty || !running.isEmpty || !waiting.isEmpty {
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
                    if !options.dryRun, let url = evaluation.artifact, let restored = try publish(node, artifact: url, always: false, holding: locked[i]) {
                        detail += "  (\(restored))"
                    }
                    if locked.removeValue(forKey: i) != nil { detail += "  (made by another process meanwhile)" }
                    report(node.id, .fresh, 0, detail)
                    resolve(i)
                } else if !targets.contains(node.id) && !options.only.isEmpty {
                    // An input of a single-node job: computing it is another job's business.
                    blocked.insert(node.id)
                    report(node.id, .failed, 0, "\(evaluation.state.rawValue), and only \(options.only.map(\.description).joined(separator: ", ")) may be computed here: make its inputs first (\(evaluation.reasons.joined(separator: "; ")))")
                    resolve(i)
                } else if options.dryRun {
                    blocked.insert(node.id)
                    report(node.id, .wouldRun, 0, "\(evaluation.state.rawValue): \(evaluation.reasons.joined(separator: "; "))")
                    resolve(i)
                } else if running.count + waiting.count < max(1, options.jobs) {
                    let lockURL = pipeline.store.nodeLockURL(stage: node.id.stage, key: evaluation.key!)
                    guard let lock = try locked.removeValue(forKey: i) ?? FileLock.tryAcquire(lockURL, .exclusive) else {
                        // Another process computes this key: wait for it, then evaluate the node again.
                        let holder = "another pipeline run (\(FileLock.holder(of: lockURL)))"
                        guard options.wait else {
                            throw StoreError.locked("\(holder) is computing \(node.id) in \(pipeline.store.directory.path); try again when it ends")
                        }
                        board.clear()
                        FileHandle.standardError.write(Data("waiting for \(holder) to finish \(node.id) in \(pipeline.store.directory.path) …\n".utf8))
                        waiting[node.id] = i
                        evaluated[i] = nil
                        let id = node.id
                        Thread.detachNewThread {
                            do { finished.push(id, .locked(try FileLock.acquire(lockURL, .exclusive))) } catch { finished.push(id, .lockFailed("\(error)")) }
                        }
                        continue
                    }
                    // The other process may have finished it between the evaluation and the lock.
                    let recheck = try pipeline.evaluate(node, inputHashes: node.inputs.mapValues { hashes[$0] }, forced: forced.contains(node.id))
                    if recheck.state == .fresh {
                        locked[i] = lock
                        evaluated[i] = recheck
                        ready.insert(i)
                        continue
                    }
                    let inputKeys = node.inputs.mapValues { keys[$0]! }
                    running[node.id] = (try launch(node, evaluation, lock: lock, inputKeys: inputKeys, onExit: { finished.push($0, .exited($1)) }), i)
                } else {
                    waitingForSlot.append(i)
                }
            }
            for i in waitingForSlot { ready.insert(i) }
            guard !running.isEmpty || !waiting.isEmpty else { break }
            board.draw(running.values.map(\.job).sorted { $0.node < $1.node })
            guard let (id, event) = finished.pop(until: Date().addingTimeInterval(board.refreshSeconds)) else { continue }
            let status: Int32
            switch event {
            case .exited(let code): status = code
            case .locked(let lock):
                // The other process is done with the node: evaluate it again (fresh, most likely).
                guard let i = waiting.removeValue(forKey: id) else { continue }
                locked[i] = lock
                ready.insert(i)
                continue
            case .lockFailed(let message):
                throw StoreError.io(message)
            }
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
                _ = try publish(node, artifact: url, always: true, holding: job.lock)
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
    /// The folder is rewritten under the node's lock (taken here unless `holding` is it), so two
    /// processes never swap it at once.
    private func publish(_ node: PlannedNode, artifact: URL, always: Bool, holding: FileLock? = nil) throws -> String? {
        guard let name = node.definition.publishedFolder else { return nil }
        let folder = pipeline.store.publishedURL(name)
        let differences = always ? [] : try PublishedFiles.differences(of: folder, from: artifact)
        guard always || !differences.isEmpty else { return nil }
        let key = artifact.deletingPathExtension().lastPathComponent
        let lock = try holding ?? FileLock.acquire(pipeline.store.nodeLockURL(stage: node.id.stage, key: key), .exclusive)
        defer { withExtendedLifetime(lock) {} }
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
        /// The node's key lock, held until the driver has recorded and published the result.
        let lock: FileLock
    }

    private func launch(_ node: PlannedNode, _ evaluation: Pipeline.Evaluation, lock: FileLock, inputKeys: [String: String],
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
        return Job(node: node.id, pid: pid, started: Date(), evaluation: evaluation, log: log, progressFile: progressFile, lock: lock)
    }

    /// The driver's environment with `OPENBLAS_NUM_THREADS=1`, whatever the caller set: every stage
    /// links OpenBLAS (through LinearAlgebra), which otherwise starts a worker thread per core when
    /// it is loaded and lets it spin for ~0.3 s of CPU — a quarter of a training run, taken from the
    /// other node running beside it — while the stages' matrices are 2m × 2m (docs/performance.md).
    /// Always 1, because OpenBLAS's threaded paths change the last bits of the multistart stage's
    /// eigenvalues (~1e-15 relative): Snakemake sets `OPENBLAS_NUM_THREADS` to a job's threads, and
    /// artifacts must not depend on the engine that ran them (docs/snakemake.md).
    static func stageEnvironment(_ environment: [String: String]) -> [String: String] {
        var stage = environment
        stage["OPENBLAS_NUM_THREADS"] = "1"
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

/// Completed subprocesses and obtained node locks, handed from termination handlers and waiting
/// threads to the scheduling loop.
final class FinishedQueue: @unchecked Sendable {
    enum Event {
        /// The stage process ended with this status (negative: killed by that signal).
        case exited(Int32)
        /// The lock another process held on the node is now this runner's.
        case locked(FileLock)
        case lockFailed(String)
    }

    private var items: [(NodeID, Event)] = []
    private let condition = NSCondition()

    func push(_ id: NodeID, _ event: Event) {
        condition.lock()
        items.append((id, event))
        condition.signal()
        condition.unlock()
    }

    /// The next finished process, waiting at most until `deadline`; nil when none finished by then.
    func pop(until deadline: Date) -> (NodeID, Event)? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty {
            if !condition.wait(until: deadline) { return nil }
        }
        return items.removeFirst()
    }
}
