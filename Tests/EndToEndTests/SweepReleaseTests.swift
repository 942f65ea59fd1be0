import Foundation
import TestSupport
import XCTest

/// The shipped CI sweep (`pipeline.sweep-ci.json`: n ∈ {25, 100}, σ ∈ {0.2, 0.8}, 6 datasets ×
/// 16 starts) end to end on the release build: every node fresh after one run, a second run
/// with nothing to do, and the summary equal to the independent reference. Needs the release
/// build's speed: `make test` builds it and runs these with `MLP_SWEEP_TESTS=1` (`make test-slow` with
/// `MLP_RELEASE_TESTS=1`), otherwise they are skipped. Then the same sweep through Snakemake.
final class SweepReleaseTests: XCTestCase {
    private var driver: String { packageRoot.appendingPathComponent(".build/release/pipeline").path }
    private var project: URL?

    override func setUpWithError() throws {
        let environment = ProcessInfo.processInfo.environment
        guard environment["MLP_SWEEP_TESTS"] == "1" || environment["MLP_RELEASE_TESTS"] == "1" else {
            throw XCTSkip("CI sweep on the release build: run `make test` or `make test-slow`")
        }
        guard FileManager.default.isExecutableFile(atPath: driver) else {
            throw XCTSkip("\(driver) is missing: run `make build`")
        }
    }

    override func tearDown() {
        if let project { try? FileManager.default.removeItem(at: project) }
        super.tearDown()
    }

    /// A project holding the shipped CI sweep (store `results`) and the authors' data beside it; the
    /// configuration's path.
    private func makeCISweepProject() throws -> String {
        let config = try XCTUnwrap(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: packageRoot.appendingPathComponent("pipeline.sweep-ci.json"))) as? [String: Any])
        let project = makeProject(setting(config, "store", "results"))
        self.project = project
        let data = project.appendingPathComponent("data/maleknia-sato")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: authorsDataFile, to: data.appendingPathComponent("data.dat"))
        return project.appendingPathComponent("pipeline.json").path
    }

    /// The CI sweep by the driver: every node fresh after one run, a second run with nothing to do, the summary
    /// equal to the independent reference. Then every node of its DAG — the sweep's 97 (24 datasets × dataset,
    /// train, line, multistart, and the summary), the paper's runs, the figures and the report page — computed by
    /// the exported Snakefile (`snakemake --cores 2`, release build) into a second store has the key and content
    /// hash the driver's run gave it; a second Snakemake run has nothing to do. One native run serves both.
    func testCISweepByTheDriverMatchesTheReferenceAndTheSnakefile() throws {
        let native = try makeCISweepProject()
        let project = try XCTUnwrap(self.project)

        let first = try runProduct(driver, ["run", "-j", "2", "--config", native])
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        let second = try runProduct(driver, ["run", "-j", "2", "--config", native])
        XCTAssertTrue(second.stdout.contains(" 0 ran, 0 failed"), second.stdout)
        let status = try runProduct(driver, ["status", "--json", "--config", native])
        let nodes = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(
            nodes.count, 113,
            "24 sweep datasets × (dataset, train, line, multistart) and the summary; the paper's two runs (11 nodes) "
                + "with the noisy run's projected and saddles; figure-data, render, html-report"
        )
        XCTAssertTrue(nodes.allSatisfy { $0["state"] as? String == "fresh" })

        let summary = try currentArtifact("sweep-summary[ci]", config: URL(fileURLWithPath: native))
        let reference = try runTool([
            projectPython, packageRoot.appendingPathComponent("Tests/References/sweep_summary_reference.py").path,
            project.appendingPathComponent("results").path, summary.path,
        ])
        XCTAssertEqual(reference.status, 0, reference.stdout + reference.stderr)
        print("CI sweep, per cell [successes, trials, Wilson low, high]: \(reference.stdout)")

        let snakemake = packageRoot.appendingPathComponent(".venv/bin/snakemake").path
        guard FileManager.default.isExecutableFile(atPath: snakemake) else {
            throw XCTSkip("snakemake is not installed in .venv: run scripts/setup-debian.sh")
        }
        let config = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: native))) as? [String: Any])
        let snake = project.appendingPathComponent("snake.json")
        write(jsonText(setting(config, "store", "snake")), to: snake)
        let snakefile = project.appendingPathComponent("Snakefile").path
        let export = try runProduct(driver, ["export", "snakemake", "--config", snake.path, "-o", snakefile])
        XCTAssertEqual(export.status, 0, export.stdout + export.stderr)
        let command = ["timeout", "-s", "KILL", "600", snakemake, "-s", snakefile, "-d", project.path, "--cores", "2"]
        let engine = try runTool(command)
        XCTAssertEqual(engine.status, 0, engine.stdout + engine.stderr)
        let (a, b) = (
            try nodeHashes(config: native, driver: driver), try nodeHashes(config: snake.path, driver: driver)
        )
        XCTAssertEqual(b.filter { $0.value[1] != nil }.count, 113, "every node, the report page included")
        XCTAssertEqual(a, b)
        let again = try runTool(command)
        XCTAssertTrue((again.stdout + again.stderr).contains("Nothing to be done"), again.stdout + again.stderr)
    }
}
