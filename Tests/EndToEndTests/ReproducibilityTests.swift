import Foundation
import TestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// Every artifact is a function of its key: two runs from empty stores, and a run killed in the
/// middle of the DAG then resumed, give every node — the report page included — the same content
/// hash. (The driver against the exported Snakefile: `SweepReleaseTests`.)
final class ReproducibilityTests: ProjectTestCase {
    /// A second project with the same configuration.
    private func twin() -> (project: URL, config: String) {
        let other = makeProject(initialConfig)
        return (other, other.appendingPathComponent("pipeline.json").path)
    }

    func testTwoRunsFromEmptyStoresAndAKilledThenResumedRunGiveEqualContentForEveryNode() throws {
        try pipeline(["run", "-j", "2"])
        let reference = try nodeHashes(config: configPath)
        XCTAssertTrue(reference.values.allSatisfy { $0[1] != nil }, "\(reference)")
        XCTAssertNotNil(reference["html-report"]?[1])

        let (second, secondConfig) = twin()
        defer { try? FileManager.default.removeItem(at: second) }
        XCTAssertEqual(try runProduct("pipeline", ["run", "-j", "2", "--config", secondConfig]).status, 0)
        XCTAssertEqual(try nodeHashes(config: secondConfig), reference)

        // A third store: everything up to the figure data first, then a run whose render node is
        // killed just before its rename (the report after it is skipped), then a run that resumes.
        let (third, thirdConfig) = twin()
        defer { try? FileManager.default.removeItem(at: third) }
        XCTAssertEqual(try runProduct("pipeline", ["run", "figure-data", "--config", thirdConfig]).status, 0)
        let handshake = StageHandshake()
        let (process, out, err) = try startProduct(
            "pipeline", ["run", "--config", thirdConfig], environment: handshake.environment)
        let (pid, temporary) = try handshake.waitUntilReached()
        XCTAssertTrue(temporary.contains("/render/"), temporary)
        XCTAssertEqual(kill(pid, SIGKILL), 0)
        let killed = finish(process, out, err)
        XCTAssertEqual(killed.status, 1, killed.stdout)
        XCTAssertTrue(killed.stdout.contains("killed by signal 9"), killed.stdout)
        XCTAssertTrue(killed.stdout.contains("skipped   html-report"), killed.stdout)
        let resumed = try runProduct("pipeline", ["run", "-j", "2", "--config", thirdConfig])
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertEqual(try nodeHashes(config: thirdConfig), reference)
    }
}
