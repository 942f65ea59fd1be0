import PipelineCore

/// Decides, from what it is told, which node to look at and which to start next: the runner's
/// plan as a state machine, with no I/O, so that failures, kills, nodes locked by another process
/// and early cutoff can be tested with a fake executor (`SchedulerTests`).
///
/// Ready nodes are taken in topological order. A node whose inputs are settled is evaluated with
/// its inputs' content hashes (`Request.evaluate`): so a re-run that reproduces its content leaves
/// its descendants current (early cutoff). An out-of-date node waits for a slot (`jobs`) and is
/// started (`Request.start`); the runner then reports whether another process holds its lock,
/// whether it turned out current after all, or that it was launched, and later how it ended.
/// A node that fails, and everything downstream of it, stops; the rest goes on.
public struct Scheduler {
    /// What the runner should do next.
    public enum Request: Equatable {
        /// Find the node's state given its inputs' content hashes (by role), then call `evaluated`.
        case evaluate(NodeID, inputHashes: [String: String])
        /// Take the node's lock and compute it; then call `lockBusy`, `evaluated` (current after all)
        /// or `launched`.
        case start(NodeID)
    }

    /// What an evaluation found.
    public enum Verdict: Equatable {
        case current(contentHash: String)
        case outOfDate
    }

    /// How a node ended up.
    public enum Outcome: String, Sendable {
        case fresh, ran, failed, skipped
        case wouldRun = "would run"
    }

    /// A node settled, with what the runner needs to say why.
    public struct Settlement: Equatable {
        public let id: NodeID
        public let outcome: Outcome
        /// The input that did not complete (skipped), or would change (dry run).
        public let blockedBy: NodeID?
        /// Failed because it is out of date and only other nodes may be computed here.
        public let notComputable: Bool
    }

    public struct Node {
        public let id: NodeID
        /// Inputs by role.
        public let inputs: [String: NodeID]

        public init(id: NodeID, inputs: [String: NodeID]) {
            self.id = id
            self.inputs = inputs
        }
    }

    private enum Phase: Equatable { case pending, evaluating, awaitingSlot, starting, waitingForLock, running, settled }

    private let order: [Node]
    private let jobs: Int
    private let dryRun: Bool
    /// Only these nodes may be computed (one job of a workflow engine); nil: any.
    private let computable: Set<NodeID>?
    private var phase: [Phase]
    private var unresolved: [Int]
    private var dependents: [[Int]]
    private var ready: MinHeap
    private var awaitingSlot: MinHeap
    private var hashes: [NodeID: String] = [:]
    private var blocked: Set<NodeID> = []
    private let position: [NodeID: Int]
    /// Nodes starting, waiting for a lock or running (they hold a slot), and nodes being evaluated.
    private var busy = 0
    private var evaluating = 0
    private var pending: [Settlement] = []

    /// - Parameters:
    ///   - order: the selected nodes in topological order; inputs outside it count as settled (and
    ///     unknown to this scheduler: a node needing one is evaluated without its hash).
    ///   - jobs: how many nodes may be computed (or waited for) at once.
    ///   - dryRun: out-of-date nodes are reported as "would run" and never started.
    ///   - computable: when given, an out-of-date node outside it fails instead of being started.
    public init(order: [Node], jobs: Int, dryRun: Bool = false, computable: Set<NodeID>? = nil) {
        self.order = order
        self.jobs = max(1, jobs)
        self.dryRun = dryRun
        self.computable = computable
        position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1.id, $0) })
        phase = Array(repeating: .pending, count: order.count)
        var unresolved = [Int](repeating: 0, count: order.count)
        var dependents = [[Int]](repeating: [], count: order.count)
        for (i, node) in order.enumerated() {
            for input in Set(node.inputs.values) {
                guard let j = position[input] else { continue }
                dependents[j].append(i)
                unresolved[i] += 1
            }
        }
        self.unresolved = unresolved
        self.dependents = dependents
        ready = MinHeap(order.indices.filter { unresolved[$0] == 0 })
        awaitingSlot = MinHeap([])
    }

    /// Every node is settled (or can never be reached).
    public var isFinished: Bool { ready.isEmpty && awaitingSlot.isEmpty && busy == 0 && evaluating == 0 }

    /// The settlements since the last call, in order.
    public mutating func takeSettlements() -> [Settlement] {
        defer { pending = [] }
        return pending
    }

    /// The content hash of a settled, current node.
    public func contentHash(of id: NodeID) -> String? { hashes[id] }

    /// The next thing to do, or nil when nothing can happen until a node ends or a lock frees.
    public mutating func nextRequest() -> Request? {
        while let i = ready.popMin() {
            let node = order[i]
            if let failed = node.inputs.values.sorted().first(where: blocked.contains) {
                settle(i, dryRun ? .wouldRun : .skipped, blockedBy: failed)
                continue
            }
            phase[i] = .evaluating
            evaluating += 1
            return .evaluate(node.id, inputHashes: node.inputs.compactMapValues { hashes[$0] })
        }
        if busy < jobs, let i = awaitingSlot.popMin() {
            phase[i] = .starting
            busy += 1
            return .start(order[i].id)
        }
        return nil
    }

    /// The state an `evaluate` request (or a start, which re-evaluates under the lock) found.
    public mutating func evaluated(_ id: NodeID, _ verdict: Verdict) {
        guard let i = position[id], [.evaluating, .starting].contains(phase[i]) else { return }
        if phase[i] == .starting { busy -= 1 } else { evaluating -= 1 }
        switch verdict {
        case .current(let hash):
            hashes[id] = hash
            settle(i, .fresh)
        case .outOfDate:
            if let computable, !computable.contains(id) {
                settle(i, .failed, notComputable: true)
            } else if dryRun {
                settle(i, .wouldRun)
            } else {
                phase[i] = .awaitingSlot
                awaitingSlot.insert(i)
            }
        }
    }

    /// Another process holds the node's lock; the runner waits for it (keeping the slot).
    public mutating func lockBusy(_ id: NodeID) {
        guard let i = position[id], phase[i] == .starting else { return }
        phase[i] = .waitingForLock
    }

    /// The other process released the node's lock: evaluate it again (it is most likely current).
    public mutating func lockReleased(_ id: NodeID) {
        guard let i = position[id], phase[i] == .waitingForLock else { return }
        busy -= 1
        phase[i] = .pending
        ready.insert(i)
    }

    /// The node's computation started.
    public mutating func launched(_ id: NodeID) {
        guard let i = position[id], phase[i] == .starting else { return }
        phase[i] = .running
    }

    /// The node's computation ended: with its artifact's content hash, or nil when it failed (an
    /// error, a kill, no readable artifact).
    public mutating func finished(_ id: NodeID, contentHash: String?) {
        guard let i = position[id], phase[i] == .running else { return }
        busy -= 1
        if let contentHash {
            hashes[id] = contentHash
            settle(i, .ran)
        } else {
            settle(i, .failed)
        }
    }

    private mutating func settle(_ i: Int, _ outcome: Outcome, blockedBy: NodeID? = nil, notComputable: Bool = false) {
        phase[i] = .settled
        if outcome != .fresh && outcome != .ran { blocked.insert(order[i].id) }
        pending.append(
            Settlement(id: order[i].id, outcome: outcome, blockedBy: blockedBy, notComputable: notComputable))
        for d in dependents[i] {
            unresolved[d] -= 1
            if unresolved[d] == 0 { ready.insert(d) }
        }
    }
}
