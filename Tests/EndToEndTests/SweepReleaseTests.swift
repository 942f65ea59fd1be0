import Foundation
import TestSupport
import XCTest

/// The shipped CI sweep (`pipeline.sweep-ci.json`: n ∈ {25, 100}, σ ∈ {0.2, 0.8}, 6 datasets ×
/// 16 starts) end to end on the release build: every node fresh after one run, a second run
/// with nothing to do, and the summary equal to the independent reference. Needs the release
/// build's speed: `make test-slow` runs it with `MLP_RELEASE_TESTS=1`, otherwise it is skipped.
final class SweepReleaseTests: XCTestCase {
    private var driver: String { packageRoot.appendingPathComponent(".build/release/pipeline").path }
    private var project: URL?

    override func setUpWithError() throws {
        guard ProcessInfo.processInfo.environment["MLP_RELEASE_TESTS"] == "1" else {
            throw XCTSkip("CI sweep on the release build: run `make test-slow`")
        }
        guard FileManager.default.isExecutableFile(atPath: driver) else { throw XCTSkip("\(driver) is missing: run `make build`") }
    }

    override func tearDown() {
        if let project { try? FileManager.default.removeItem(at: project) }
        super.tearDown()
    }

    func testCISweepIsFreshAfterOneRunAndMatchesTheReference() throws {
        let config = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: packageRoot.appendingPathComponent("pipeline.sweep-ci.json"))) as? [String: Any])
        let project = makeProject(setting(config, "store", "results"))
        self.project = project
        let data = project.appendingPathComponent("data/maleknia-sato")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: authorsDataFile, to: data.appendingPathComponent("data.dat"))
        let path = project.appendingPathComponent("pipeline.json").path

        let first = try runProduct(driver, ["run", "-j", "2", "--config", path])
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        let second = try runProduct(driver, ["run", "-j", "2", "--config", path])
        XCTAssertTrue(second.stdout.contains(" 0 ran, 0 failed"), second.stdout)
        let status = try runProduct(driver, ["status", "--json", "--config", path])
        let nodes = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(nodes.count, 113, "24 sweep datasets × (dataset, train, line, multistart) and the summary; the paper's two runs (11 nodes) with the noisy run's projected and saddles; figure-data, render, html-report")
        XCTAssertTrue(nodes.allSatisfy { $0["state"] as? String == "fresh" })

        let summary = try currentArtifact("sweep-summary[ci]", config: URL(fileURLWithPath: path))
        let reference = try runTool([projectPython, packageRoot.appendingPathComponent("Tests/References/sweep_summary_reference.py").path,
                                     project.appendingPathComponent("results").path, summary.path])
        XCTAssertEqual(reference.status, 0, reference.stdout + reference.stderr)
        print("CI sweep, per cell [successes, trials, Wilson low, high]: \(reference.stdout)")
    }
}
