import Foundation
import TestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// `pipeline run-node` and the per-node locks: racing jobs compute a node once, a killed holder
/// never wedges its node, inputs must be current, and `run` shares the store with such jobs.
final class NodeLockingTests: ProjectTestCase {
    private func ranNodes(_ result: CommandResult) -> [String] {
        result.stdout.split(separator: "\n").filter { $0.hasPrefix("ran ") }.map {
            String($0.split(separator: " ", omittingEmptySubsequences: true)[1])
        }
    }

    /// Reads a started process's standard error until it contains `text` (or the process ends).
    private func readError(of started: (Process, Pipe, Pipe), until text: String) -> String {
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains(text) {
            let chunk = started.2.fileHandleForReading.availableData  // blocks until it writes or exits
            if chunk.isEmpty { break }
            seen += chunk
        }
        return String(decoding: seen, as: UTF8.self)
    }

    func testRacingJobsComputeANodeOnce() throws {
        try pipeline(["run", "dataset"])
        // A is stopped inside its stage, holding the node's lock; B asks for the same node.
        let handshake = StageHandshake()
        let a = try startProduct(
            "pipeline", ["run-node", "train[noisy]", "--config", configPath], environment: handshake.environment)
        _ = try handshake.waitUntilReached()
        let b = try startProduct("pipeline", ["run-node", "train[noisy]", "--stamp", "--config", configPath])
        let waited = readError(of: b, until: "waiting for another pipeline run")
        try handshake.resume()
        let first = finish(a.0, a.1, a.2)
        let second = finish(b.0, b.1, b.2)
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        XCTAssertTrue(
            waited.contains("waiting for another pipeline run") && waited.contains("to finish train[noisy]"),
            waited + second.stderr)
        XCTAssertEqual(ranNodes(first), ["train[noisy]"])
        XCTAssertEqual(ranNodes(second), [], "the second job finds the node made")
        XCTAssertTrue(second.stdout.contains("made by another process meanwhile"), second.stdout)

        // B's stamp names the node, its current key and content hash.
        let status = try pipeline(["status", "--json"])
        let node = try XCTUnwrap(
            (try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])?.first {
                $0["node"] as? String == "train[noisy]"
            })
        let stamp = try String(
            contentsOf: results.appendingPathComponent(".workflow/train/noisy.done"), encoding: .utf8)
        XCTAssertEqual(stamp, "train[noisy] \(node["key"] as! String) \(node["content_hash"] as! String)\n")
        try pipeline(["verify"])
    }

    func testAKilledJobNeverWedgesItsNode() throws {
        try pipeline(["run", "dataset"])
        let handshake = StageHandshake()
        let a = try startProduct(
            "pipeline", ["run-node", "train[noisy]", "--config", configPath], environment: handshake.environment)
        let (stagePID, temporary) = try handshake.waitUntilReached()
        // The driver holding the lock dies (its stage, paused before the rename, lives on).
        kill(a.0.processIdentifier, SIGKILL)
        _ = finish(a.0, a.1, a.2)
        defer { kill(stagePID, SIGKILL) }
        let b = try pipeline(["run-node", "train[noisy]", "--no-wait"])
        XCTAssertEqual(ranNodes(b), ["train[noisy]"], b.stdout)
        kill(stagePID, SIGKILL)
        try? FileManager.default.removeItem(atPath: temporary)
        try pipeline(["verify"])
    }

    func testRunNodeNeedsCurrentInputsAndAKnownNode() throws {
        let missing = try pipeline(["run-node", "eigen[noisy]"], expect: 1)
        XCTAssertTrue(missing.stdout.contains("failed    dataset[gaussian]"), missing.stdout)
        XCTAssertTrue(missing.stdout.contains("make its inputs first"), missing.stdout)
        XCTAssertTrue(
            missing.stdout.contains("skipped   train[noisy]") || missing.stdout.contains("skipped   eigen[noisy]"),
            missing.stdout)
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: results.appendingPathComponent("dataset").path),
            "nothing upstream is computed")
        let unknown = try pipeline(["run-node", "train[nosuchrun]"], expect: 2)
        XCTAssertTrue(unknown.stderr.contains("unknown node train[nosuchrun]"), unknown.stderr)

        // Inputs current: only the node itself runs; again, it is fresh.
        try pipeline(["run", "train"])
        XCTAssertEqual(ranNodes(try pipeline(["run-node", "eigen[noisy]"])), ["eigen[noisy]"])
        let again = try pipeline(["run-node", "eigen[noisy]", "--stamp"])
        XCTAssertEqual(ranNodes(again), [])
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: results.appendingPathComponent(".workflow/eigen/noisy.done").path))
    }

    func testVerifyWaitsForAJobOnTheStore() throws {
        try pipeline(["run", "dataset"])
        // run-node shares the store lock; verify (which moves corrupt artifacts) needs it alone.
        let handshake = StageHandshake()
        let job = try startProduct(
            "pipeline", ["run-node", "train[clean]", "--config", configPath], environment: handshake.environment)
        _ = try handshake.waitUntilReached()
        let verify = try startProduct("pipeline", ["verify", "--config", configPath])
        let waited = readError(of: verify, until: "waiting for another pipeline run")
        try handshake.resume()
        XCTAssertEqual(finish(job.0, job.1, job.2).status, 0)
        let verified = finish(verify.0, verify.1, verify.2)
        XCTAssertEqual(verified.status, 0, verified.stdout + verified.stderr)
        XCTAssertTrue(waited.contains("waiting for another pipeline run"), waited)
        XCTAssertTrue(
            verified.stdout.contains("ok       train/"), "verify ran after the job had committed: \(verified.stdout)")
    }
}
