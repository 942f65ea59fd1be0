import Foundation
import PipelineCore

#if canImport(Glibc)
    import Glibc
#endif

/// Brings the selected nodes of a pipeline up to date: the `Scheduler` decides what happens next;
/// the runner evaluates nodes against the store, takes each computed node's lock
/// (`ArtifactStore.nodeLockURL`, so several runners on one store compute each artifact once),
/// starts jobs on an executor, records and publishes what becomes current, and says one line per
/// node.
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

    public typealias Outcome = Scheduler.Outcome

    public struct Report {
        public let id: NodeID
        public let outcome: Outcome
        public let seconds: Double
        public let detail: String
    }

    let pipeline: Pipeline
    let options: Options
    let executor: NodeExecutor
    /// Receives one line per node as it settles.
    let say: (String) -> Void
    /// Draws a live status line (nodes done, each running node's progress, ETA) on standard
    /// output between the per-node lines; for terminals only.
    let live: Bool

    public init(
        pipeline: Pipeline, options: Options, executor: NodeExecutor, live: Bool = false,
        say: @escaping (String) -> Void
    ) {
        self.pipeline = pipeline
        self.options = options
        self.executor = executor
        self.live = live
        self.say = say
    }

    /// Brings the selected nodes up to date.
    /// - Returns: one report per selected node, in the order they settled.
    /// - Throws: only for failures of the driver itself (store I/O, a lock held with `wait` off);
    ///   stage failures are reports.
    public func run() throws -> [Report] {
        let targets =
            options.only.isEmpty
            ? (options.stages.isEmpty ? Set(pipeline.nodes.map(\.id)) : try pipeline.nodes(ofStages: options.stages))
            : Set(options.only)
        let selected = pipeline.withAncestors(targets)
        let order = pipeline.nodes.filter { selected.contains($0.id) }
        var run = Run(
            pipeline: pipeline, options: options, executor: executor, say: say,
            forced: pipeline.withDescendants(try pipeline.nodes(ofStages: options.force)),
            board: ProgressBoard(total: order.count, live: live),
            scheduler: Scheduler(
                order: order.map { Scheduler.Node(id: $0.id, inputs: $0.inputs) }, jobs: options.jobs,
                dryRun: options.dryRun, computable: options.only.isEmpty ? nil : targets))
        return try run.loop()
    }
}

/// One run's mutable state: the scheduler, the evaluations, locks and jobs in flight.
private struct Run {
    let pipeline: Pipeline
    let options: Runner.Options
    let executor: NodeExecutor
    let say: (String) -> Void
    let forced: Set<NodeID>
    let board: ProgressBoard
    var scheduler: Scheduler
    var reports: [Runner.Report] = []
    /// The last evaluation of each node.
    var evaluations: [NodeID: Pipeline.Evaluation] = [:]
    /// Node locks this run holds: while a node is computed and published, or re-evaluated after
    /// another process released it.
    var locks: [NodeID: FileLock] = [:]
    /// Nodes found current only once another process had finished them.
    var madeElsewhere: Set<NodeID> = []
    /// Notes about publishing, per node.
    var published: [NodeID: String] = [:]
    var running: [NodeID: RunningJob] = [:]
    /// How each computed node ended (its wall time and its line's detail), until the line is said.
    var endings: [NodeID: (seconds: Double, detail: String)] = [:]
    let events = EventQueue()

    mutating func loop() throws -> [Runner.Report] {
        while true {
            while let request = scheduler.nextRequest() {
                switch request {
                case .evaluate(let id, let inputHashes): try evaluate(id, inputHashes: inputHashes)
                case .start(let id): try start(id)
                }
            }
            reportSettled()
            if scheduler.isFinished { break }
            board.draw(running.values.sorted { $0.node < $1.node })
            guard let (id, event) = events.pop(until: Date().addingTimeInterval(board.refreshSeconds)) else { continue }
            try handle(event, of: id)
            reportSettled()
        }
        board.clear()
        return reports
    }

    // MARK: Requests

    mutating func evaluate(_ id: NodeID, inputHashes: [String: String]) throws {
        let node = pipeline.node(id)!
        let evaluation = try pipeline.evaluate(node, inputHashes: inputHashes, forced: forced.contains(id))
        evaluations[id] = evaluation
        try settleEvaluation(evaluation, node: node)
    }

    /// Tells the scheduler what an evaluation found; a current node is recorded and published.
    mutating func settleEvaluation(_ evaluation: Pipeline.Evaluation, node: PlannedNode) throws {
        guard evaluation.state == .fresh, let hash = evaluation.contentHash else {
            scheduler.evaluated(node.id, .outOfDate)
            return
        }
        if !options.dryRun {
            try pipeline.remember(evaluation, node: node)
            if let url = evaluation.artifact, let note = try publish(node, artifact: url, always: false) {
                published[node.id] = note
            }
        }
        // Current although this run took its lock to compute it: another process made it meanwhile.
        if locks.removeValue(forKey: node.id) != nil { madeElsewhere.insert(node.id) }
        scheduler.evaluated(node.id, .current(contentHash: hash))
    }

    /// Takes the node's lock — or waits for the process holding it — and computes the node unless
    /// that process made it meanwhile.
    mutating func start(_ id: NodeID) throws {
        let node = pipeline.node(id)!
        let key = evaluations[id]!.key!
        let lockURL = pipeline.store.nodeLockURL(stage: id.stage, key: key)
        guard let lock = try locks[id] ?? FileLock.tryAcquire(lockURL, .exclusive) else {
            let holder = "another pipeline run (\(FileLock.holder(of: lockURL)))"
            guard options.wait else {
                throw StoreError.locked(
                    "\(holder) is computing \(id) in \(pipeline.store.directory.path); try again when it ends")
            }
            board.clear()
            FileHandle.standardError.write(
                Data("waiting for \(holder) to finish \(id) in \(pipeline.store.directory.path) …\n".utf8))
            scheduler.lockBusy(id)
            let events = self.events
            Thread.detachNewThread {
                do { events.push(id, .locked(try FileLock.acquire(lockURL, .exclusive))) } catch {
                    events.push(id, .lockFailed("\(error)"))
                }
            }
            return
        }
        locks[id] = lock
        // Another process may have finished the node between the evaluation and the lock.
        let recheck = try pipeline.evaluate(
            node, inputHashes: evaluations[id]!.inputHashes, forced: forced.contains(id))
        evaluations[id] = recheck
        if recheck.state == .fresh {
            try settleEvaluation(recheck, node: node)
            return
        }
        running[id] = try launch(node, recheck)
        scheduler.launched(id)
    }

    // MARK: Events

    mutating func handle(_ event: EventQueue.Event, of id: NodeID) throws {
        switch event {
        case .locked(let lock):
            // The other process is done with the node: evaluate it again (current, most likely).
            locks[id] = lock
            scheduler.lockReleased(id)
        case .lockFailed(let message):
            throw StoreError.io(message)
        case .exited(let status):
            guard let job = running.removeValue(forKey: id) else { return }
            try? FileManager.default.removeItem(at: job.progressFile)
            let seconds = Date().timeIntervalSince(job.started)
            RunLog.appendFinishLine(to: job.log, status: status, seconds: seconds)
            let evaluation = evaluations[id]!
            defer { locks[id] = nil }
            guard status == 0, let url = evaluation.artifact, let hash = try? ArtifactReader.storedContentHash(at: url)
            else {
                let why = status == 0 ? "exited 0 but left no readable artifact" : Run.describe(status: status)
                // The stage's own error line first; the command and the rest are in the log.
                let error = RunLog.errorLine(in: job.log).map { "\($0) (\(why))" } ?? why
                endings[id] = (seconds, "\(error)\n          log: \(job.log.path)")
                scheduler.finished(id, contentHash: nil)
                return
            }
            let node = pipeline.node(id)!
            let current = Pipeline.Evaluation(
                id: id, key: evaluation.key, state: .fresh, reasons: [], artifact: url,
                contentHash: hash, inputHashes: evaluation.inputHashes)
            try pipeline.remember(current, node: node)
            try? FileManager.default.removeItem(at: pipeline.store.quarantineURL(stage: id.stage, key: evaluation.key!))
            _ = try publish(node, artifact: url, always: true)
            endings[id] = (seconds, "\(evaluation.key!.prefix(12))  (\(evaluation.reasons.joined(separator: "; ")))")
            scheduler.finished(id, contentHash: hash)
        }
    }

    // MARK: Jobs

    /// Starts a stale node's stage with its slice, inputs, output and provenance.
    func launch(_ node: PlannedNode, _ evaluation: Pipeline.Evaluation) throws -> RunningJob {
        let store = pipeline.store
        let key = evaluation.key!
        let output = store.artifactURL(stage: node.id.stage, key: key)
        let log = store.logURL(stage: node.id.stage, key: key)
        try Directories.create(output.deletingLastPathComponent())
        var inputsJSON: [String: JSONValue] = [:]
        var arguments: [String] = []
        for (role, input) in node.inputs.sorted(by: { $0.key < $1.key }) {
            let inputKey = evaluations[input]!.key!
            inputsJSON[role] = .object([
                "node": .string(input.description), "key": .string(inputKey),
                "content_hash": .string(evaluation.inputHashes[role]!),
            ])
            arguments += ["--input", "\(role)=\(store.artifactURL(stage: input.stage, key: inputKey).path)"]
        }
        let code = try pipeline.codeIdentity(of: node.definition)
        let provenance = Provenance(
            stage: node.id.stage, instance: node.id.instance, key: key, config: node.slice,
            inputs: .object(inputsJSON), codeIdentity: code, gitCommit: pipeline.gitCommit)
        let progressFile = store.progressURL(stage: node.id.stage, key: key)
        arguments =
            [
                "--slice", node.slice.canonical, "--provenance", provenance.json.canonical,
                "--output", output.path, "--base-dir", pipeline.configuration.baseDirectory.path,
                "--expect-code-identity", code, "--progress-file", progressFile.path,
            ] + arguments
        // A node with thousands of inputs would exceed the kernel's limits on
        // one argument (128 KiB) and on all of them: its arguments go to a file beside its log.
        if arguments.reduce(0, { $0 + $1.utf8.count + 1 }) > Run.argumentFileThreshold {
            let file = store.argumentsURL(stage: node.id.stage, key: key)
            do {
                try Data(JSONValue.array(arguments.map { .string($0) }).canonical.utf8).write(
                    to: file, options: .atomic)
            } catch {
                throw StoreError.from(error, verb: "write", path: file.path)
            }
            arguments = [StageMain.argumentsFileOption, file.path]
        }
        let id = node.id, events = self.events
        try executor.start(Job(node: id, stage: node.definition, arguments: arguments, log: log)) { status in
            events.push(id, .exited(status))
        }
        return RunningJob(node: id, started: Date(), log: log, progressFile: progressFile)
    }

    /// Arguments longer than this (bytes) are passed in a file (`StageMain.argumentsFileOption`).
    static let argumentFileThreshold = 64 * 1024

    static func describe(status: Int32) -> String {
        status < 0 ? "killed by signal \(-status)" : "exited with status \(status)"
    }

    /// Makes a publishing stage's folder a copy of its current artifact's files: always after the
    /// node ran, and for a fresh node only when the folder is missing or differs. The folder is
    /// rewritten under the node's lock (taken here unless this run holds it), so two processes never
    /// swap it at once.
    /// - Returns: what was restored, for the node's line; nil when nothing was done.
    func publish(_ node: PlannedNode, artifact: URL, always: Bool) throws -> String? {
        guard let name = node.definition.publishedFolder else { return nil }
        let folder = pipeline.store.publishedURL(name)
        let differences = always ? [] : try Publisher.differences(of: folder, from: artifact)
        guard always || !differences.isEmpty else { return nil }
        let key = artifact.deletingPathExtension().lastPathComponent
        let lock =
            try locks[node.id]
            ?? FileLock.acquire(pipeline.store.nodeLockURL(stage: node.id.stage, key: key), .exclusive)
        defer { withExtendedLifetime(lock) {} }
        try Publisher.publish(artifact, to: folder)
        return "restored \(name)/: \(differences.count) file(s) missing or changed"
    }

    // MARK: Reports

    /// Says one line per node the scheduler settled.
    mutating func reportSettled() {
        for settlement in scheduler.takeSettlements() {
            let id = settlement.id
            let evaluation = evaluations[id]
            var seconds = 0.0
            let detail: String
            switch settlement.outcome {
            case .fresh:
                var text = evaluation?.key.map { String($0.prefix(12)) } ?? ""
                if let note = published[id] { text += "  (\(note))" }
                if madeElsewhere.contains(id) { text += "  (made by another process meanwhile)" }
                detail = text
            case .ran,
                .failed where endings[id] != nil:
                (seconds, detail) = endings.removeValue(forKey: id)!
            case .failed:
                let only = options.only.map(\.description).joined(separator: ", ")
                detail =
                    "\(evaluation?.state.rawValue ?? "stale"), and only \(only) may be computed here: make its inputs "
                    + "first "
                    + "(\(evaluation?.reasons.joined(separator: "; ") ?? ""))"
            case .skipped:
                detail = "input \(settlement.blockedBy!) did not complete"
            case .wouldRun:
                detail =
                    settlement.blockedBy.map { "if \($0) changes content" }
                    ?? "\(evaluation?.state.rawValue ?? "stale"): \(evaluation?.reasons.joined(separator: "; ") ?? "")"
            }
            reports.append(Runner.Report(id: id, outcome: settlement.outcome, seconds: seconds, detail: detail))
            board.clear()
            say(
                "\(settlement.outcome.rawValue.padded(9)) \(id.description.padded(28)) "
                    + "\(String(format: "%8.2fs", seconds))  \(detail)"
            )
            board.finished += 1
        }
    }
}

/// A job in flight, as the progress board shows it.
struct RunningJob: ProgressBoard.Entry {
    let node: NodeID
    let started: Date
    let log: URL
    let progressFile: URL
}

/// Ended jobs and obtained node locks, handed from executors and waiting threads to the loop.
final class EventQueue: @unchecked Sendable {
    enum Event {
        /// The stage ended with this status (negative: killed by that signal).
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

    /// The next event, waiting at most until `deadline`; nil when none came by then.
    func pop(until deadline: Date) -> (NodeID, Event)? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty {
            if !condition.wait(until: deadline) { return nil }
        }
        return items.removeFirst()
    }
}
