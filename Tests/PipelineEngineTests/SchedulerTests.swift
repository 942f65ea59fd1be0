import PipelineCore
import PipelineEngine
import XCTest

/// The scheduler as a state machine, driven by a fake world: a store that knows which node was
/// made from which input hashes, jobs that succeed, fail or are killed, and locks that another
/// process holds.
final class SchedulerTests: XCTestCase {
    /// What the fake store and executor do.
    private struct World {
        /// Node → the input hashes its current artifact was made from, and its content hash.
        var made: [NodeID: (inputs: [String: String], hash: String)] = [:]
        /// Jobs of these nodes fail (an error or a kill: the scheduler only sees no artifact).
        var failing: Set<NodeID> = []
        /// Another process holds these nodes' locks, once; it makes the node while it holds it.
        var lockedElsewhere: Set<NodeID> = []
        /// A re-run of these nodes reproduces this content (early cutoff).
        var reproduces: [NodeID: String] = [:]
        /// What happened, in order: "evaluate a", "start a", "busy a", "launch a", "finish a", …
        var log: [String] = []
        /// Jobs launched and not yet finished.
        var running: [NodeID] = []
        var waiting: [NodeID] = []

        func verdict(_ id: NodeID, _ inputs: [String: String]) -> Scheduler.Verdict {
            guard let made = made[id], made.inputs == inputs else { return .outOfDate }
            return .current(contentHash: made.hash)
        }
    }

    private func node(_ name: String, _ inputs: [String] = []) -> Scheduler.Node {
        Scheduler.Node(
            id: NodeID(stage: name), inputs: Dictionary(uniqueKeysWithValues: inputs.map { ($0, NodeID(stage: $0)) }))
    }

    /// Runs the scheduler to the end: requests are answered at once, then one job ends or one lock
    /// frees at a time (the oldest first).
    /// - Returns: each node's outcome, and the settlements in order.
    @discardableResult
    private func drive(_ scheduler: inout Scheduler, _ world: inout World, order: [Scheduler.Node])
        -> (outcomes: [String: Scheduler.Outcome], settled: [Scheduler.Settlement])
    {
        var settled: [Scheduler.Settlement] = []
        var inputsOf: [NodeID: [String: String]] = [:]
        var steps = 0
        while !scheduler.isFinished {
            steps += 1
            XCTAssertLessThan(steps, 1000, "the scheduler does not finish")
            if steps >= 1000 { break }
            if let request = scheduler.nextRequest() {
                switch request {
                case .evaluate(let id, let inputs):
                    world.log.append("evaluate \(id)")
                    inputsOf[id] = inputs
                    scheduler.evaluated(id, world.verdict(id, inputs))
                case .start(let id):
                    world.log.append("start \(id)")
                    if world.lockedElsewhere.remove(id) != nil {
                        world.log.append("busy \(id)")
                        world.waiting.append(id)
                        scheduler.lockBusy(id)
                    } else if case .current(let hash) = world.verdict(id, inputsOf[id]!) {
                        scheduler.evaluated(id, .current(contentHash: hash))
                    } else {
                        world.log.append("launch \(id)")
                        world.running.append(id)
                        scheduler.launched(id)
                    }
                }
            } else if !world.waiting.isEmpty {
                // The other process made the node, then released its lock.
                let id = world.waiting.removeFirst()
                world.made[id] = (inputsOf[id]!, "elsewhere-\(id)")
                world.log.append("released \(id)")
                scheduler.lockReleased(id)
            } else if !world.running.isEmpty {
                let id = world.running.removeFirst()
                world.log.append("finish \(id)")
                if world.failing.contains(id) {
                    scheduler.finished(id, contentHash: nil)
                } else {
                    let hash =
                        world.reproduces[id] ?? "\(id)-"
                        + inputsOf[id]!.sorted { $0.key < $1.key }.map(\.value).joined(separator: "+")
                    world.made[id] = (inputsOf[id]!, hash)
                    scheduler.finished(id, contentHash: hash)
                }
            } else if !scheduler.isFinished {
                XCTFail("nothing to do, yet not finished: \(world.log)")
                break
            }
            settled += scheduler.takeSettlements()
        }
        settled += scheduler.takeSettlements()
        return (Dictionary(uniqueKeysWithValues: settled.map { ($0.id.stage, $0.outcome) }), settled)
    }

    func testAChainRunsInOrderAndASecondPassHasNothingToDo() {
        let order = [node("a"), node("b", ["a"]), node("c", ["b"])]
        var world = World()
        var scheduler = Scheduler(order: order, jobs: 2)
        let first = drive(&scheduler, &world, order: order)
        XCTAssertEqual(first.outcomes, ["a": .ran, "b": .ran, "c": .ran])
        XCTAssertEqual(world.log.filter { $0.hasPrefix("launch") }, ["launch a", "launch b", "launch c"])
        var again = Scheduler(order: order, jobs: 2)
        world.log = []
        XCTAssertEqual(drive(&again, &world, order: order).outcomes, ["a": .fresh, "b": .fresh, "c": .fresh])
        XCTAssertFalse(world.log.contains { $0.hasPrefix("start") })
    }

    func testAFailureStopsItsDescendantsAndNothingElse() {
        let order = [node("a"), node("b", ["a"]), node("c", ["b"]), node("d")]
        var world = World(failing: [NodeID(stage: "a")])
        var scheduler = Scheduler(order: order, jobs: 1)
        let result = drive(&scheduler, &world, order: order)
        XCTAssertEqual(result.outcomes, ["a": .failed, "b": .skipped, "c": .skipped, "d": .ran])
        XCTAssertEqual(result.settled.first { $0.id.stage == "b" }?.blockedBy, NodeID(stage: "a"))
        XCTAssertEqual(result.settled.first { $0.id.stage == "c" }?.blockedBy, NodeID(stage: "b"))
    }

    func testAKilledJobIsAFailureAndARunAfterItComputesTheNode() {
        let order = [node("a"), node("b", ["a"])]
        var world = World(failing: [NodeID(stage: "b")])
        var scheduler = Scheduler(order: order, jobs: 1)
        XCTAssertEqual(drive(&scheduler, &world, order: order).outcomes, ["a": .ran, "b": .failed])
        world.failing = []
        var again = Scheduler(order: order, jobs: 1)
        XCTAssertEqual(drive(&again, &world, order: order).outcomes, ["a": .fresh, "b": .ran])
    }

    func testANodeLockedByAnotherProcessIsWaitedForThenFoundCurrent() {
        let order = [node("a"), node("b", ["a"])]
        var world = World(lockedElsewhere: [NodeID(stage: "a")])
        var scheduler = Scheduler(order: order, jobs: 1)
        let result = drive(&scheduler, &world, order: order)
        XCTAssertEqual(result.outcomes, ["a": .fresh, "b": .ran])
        XCTAssertEqual(Array(world.log.prefix(5)), ["evaluate a", "start a", "busy a", "released a", "evaluate a"])
        XCTAssertFalse(world.log.contains("launch a"), "the other process made it")
    }

    func testAWaitedForLockHoldsItsSlot() {
        // jobs = 1: while a's lock is held elsewhere, b (independent) may not start.
        let order = [node("a"), node("b")]
        var world = World(lockedElsewhere: [NodeID(stage: "a")])
        var scheduler = Scheduler(order: order, jobs: 1)
        drive(&scheduler, &world, order: order)
        let busy = world.log.firstIndex(of: "busy a")!, released = world.log.firstIndex(of: "released a")!
        XCTAssertFalse(world.log[busy..<released].contains("start b"), "\(world.log)")
    }

    func testEarlyCutoffKeepsDescendantsFreshWhenARerunReproducesItsContent() {
        let order = [node("a"), node("b", ["a"])]
        var world = World()
        var scheduler = Scheduler(order: order, jobs: 1)
        drive(&scheduler, &world, order: order)
        // a's code changed (its record no longer matches), but its new artifact has the same content.
        let previous = world.made[NodeID(stage: "a")]!
        world.made[NodeID(stage: "a")] = nil
        world.reproduces[NodeID(stage: "a")] = previous.hash
        world.log = []
        var again = Scheduler(order: order, jobs: 1)
        XCTAssertEqual(drive(&again, &world, order: order).outcomes, ["a": .ran, "b": .fresh])
        XCTAssertFalse(world.log.contains("launch b"))
    }

    func testNoMoreThanJobsRunAtOnce() {
        let order = (0..<5).map { node("n\($0)") }
        var world = World()
        var scheduler = Scheduler(order: order, jobs: 2)
        var maximum = 0
        var running = 0
        while !scheduler.isFinished {
            if let request = scheduler.nextRequest() {
                switch request {
                case .evaluate(let id, _): scheduler.evaluated(id, .outOfDate)
                case .start(let id):
                    scheduler.launched(id)
                    running += 1
                    maximum = max(maximum, running)
                    world.running.append(id)
                }
            } else {
                scheduler.finished(world.running.removeFirst(), contentHash: "h")
                running -= 1
            }
        }
        XCTAssertEqual(maximum, 2)
        XCTAssertEqual(scheduler.takeSettlements().filter { $0.outcome == .ran }.count, 5)
    }

    func testADryRunStartsNothingAndNamesWhatWouldChange() {
        let order = [node("a"), node("b", ["a"]), node("c")]
        var world = World()
        world.made[NodeID(stage: "c")] = ([:], "c")
        var scheduler = Scheduler(order: order, jobs: 1, dryRun: true)
        let result = drive(&scheduler, &world, order: order)
        XCTAssertEqual(result.outcomes, ["a": .wouldRun, "b": .wouldRun, "c": .fresh])
        XCTAssertEqual(result.settled.first { $0.id.stage == "b" }?.blockedBy, NodeID(stage: "a"))
        XCTAssertFalse(world.log.contains { $0.hasPrefix("start") })
    }

    func testOnlyTheGivenNodesAreComputedAndAnOutOfDateInputFailsThem() {
        let order = [node("a"), node("b", ["a"])]
        var world = World()
        var scheduler = Scheduler(order: order, jobs: 1, computable: [NodeID(stage: "b")])
        let result = drive(&scheduler, &world, order: order)
        XCTAssertEqual(result.outcomes, ["a": .failed, "b": .skipped])
        XCTAssertTrue(result.settled.first { $0.id.stage == "a" }!.notComputable)
        world.made[NodeID(stage: "a")] = ([:], "a")
        var again = Scheduler(order: order, jobs: 1, computable: [NodeID(stage: "b")])
        XCTAssertEqual(drive(&again, &world, order: order).outcomes, ["a": .fresh, "b": .ran])
    }
}
