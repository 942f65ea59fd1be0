import Foundation
import Study
import TestSupport
import XCTest

/// Sweeps in pipeline.json: the section expands into ordinary nodes with ordinary keys, `dag` and
/// the dry run summarise, and the sweep-summary stage's numbers equal an independent NumPy/h5py
/// computation over the same artifacts (Tests/References/sweep_summary_reference.py).
final class SweepTests: ProjectTestCase {
    /// `smallConfig()` with a sweep of 2 × 2 cells, `seeds` datasets each, tiny budgets.
    private func sweepConfig(
        n: [Int] = [10, 20], sigma: [Double] = [0.2, 0.8], seeds: Int = 2, starts: Int = 4,
        extra: [String: Any] = [:], studies: Bool = false
    ) -> [String: Any] {
        var sweep: [String: Any] = [
            "n": n, "sigma": sigma, "seeds": ["first": 1, "count": seeds], "starts": starts,
            "record_every": 100, "budget": ["train_steps": 2000, "multistart_max_steps": 2000],
        ]
        sweep.merge(extra) { $1 }
        return setting(smallConfig(studies: studies), "sweeps", ["tiny": sweep])
    }

    private func write(_ config: [String: Any]) {
        TestSupport.write(jsonText(config), to: URL(fileURLWithPath: configPath))
    }

    /// `pipeline status --json`: node name → (stage, key, state).
    private func statusByNode() throws -> [String: (stage: String, key: String?, state: String)] {
        let result = try pipeline(["status", "--json"])
        let nodes = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        return Dictionary(
            uniqueKeysWithValues: nodes.map { node in
                (node["node"] as! String, (node["stage"] as! String, node["key"] as? String, node["state"] as! String))
            })
    }

    func testExpansionCountsNamesAndDagSummary() throws {
        write(sweepConfig(seeds: 3, studies: true))
        let nodes = try statusByNode()
        let count = { (stage: String) in nodes.values.filter { $0.stage == stage }.count }
        // 2 n × 2 σ × 3 seeds = 12 datasets, plus the project's own dataset; per sweep dataset one
        // train, line and multistart node; eigen and phases only for the project's two runs.
        XCTAssertEqual(count("dataset"), 13)
        XCTAssertEqual(count("train"), 14)
        XCTAssertEqual(count("line"), 14)
        XCTAssertEqual(count("multistart"), 14)
        XCTAssertEqual(count("eigen"), 2)
        XCTAssertEqual(count("phases"), 2)
        XCTAssertEqual(count("sweep-summary"), 1)
        // The related-paper studies: the project's noisy run only, never a sweep's runs.
        XCTAssertEqual(count("projected"), 1)
        XCTAssertEqual(count("saddles"), 1)
        for name in [
            "dataset[tiny-n10-s0.2-d1]", "train[tiny-n20-s0.8-d3]", "line[tiny-n10-s0.8-d2]",
            "multistart[tiny-n20-s0.2-d1]", "sweep-summary[tiny]",
        ] {
            XCTAssertNotNil(nodes[name], name)
        }
        // Without paper_init: no train or line node for the sweep; without starts: no multistart node.
        write(sweepConfig(seeds: 3, extra: ["paper_init": false]))
        XCTAssertEqual(try statusByNode().values.filter { $0.stage == "train" }.count, 2)
        write(sweepConfig(seeds: 3, extra: ["starts": 0]))
        XCTAssertEqual(try statusByNode().values.filter { $0.stage == "multistart" }.count, 2)

        // A large DAG is summarised; --all lists every node.
        write(sweepConfig(n: [10, 20, 30], sigma: [0.1, 0.2, 0.4, 0.8], seeds: 20, studies: true))
        let summary = try pipeline(["dag"]).stdout
        XCTAssertTrue(summary.contains("977 nodes"), summary)
        XCTAssertTrue(
            summary.contains("sweep tiny: n ∈ {10, 20, 30} × σ ∈ {0.1, 0.2, 0.4, 0.8} × 20 dataset seed(s)"),
            summary)
        XCTAssertLessThan(summary.split(separator: "\n").count, 40, summary)
        XCTAssertEqual(try pipeline(["dag", "--all"]).stdout.split(separator: "\n").count, 977)
        let dry = try pipeline(["run", "--dry-run"]).stdout
        XCTAssertTrue(dry.contains("977 nodes in the DAG, 977 selected, 977 would run"), dry)
        XCTAssertTrue(dry.contains("kernel rate measured now"), dry)
        XCTAssertNotNil(dry.range(of: #"multistart\s+242\s+"#, options: .regularExpression), dry)
        XCTAssertLessThan(dry.split(separator: "\n").count, 30, "a large dry run prints no line per node")
    }

    func testKeysAreOrdinaryAndStable() throws {
        // A sweep dataset has the key of the same dataset written by hand.
        var config = sweepConfig()
        config = setting(
            config, "datasets.byhand",
            ["teacher": ["w": [1.0], "v": [2.0]], "sample": ["n": 20, "sigma": 0.8, "seed": 2]])
        write(config)
        let before = try statusByNode()
        XCTAssertEqual(before["dataset[tiny-n20-s0.8-d2]"]?.key, before["dataset[byhand]"]?.key)
        XCTAssertNotNil(before["dataset[byhand]"]?.key)

        // Another σ adds nodes and leaves every existing key as it was.
        write(setting(config, "sweeps.tiny.sigma", [0.2, 0.8, 0.4]))
        let widened = try statusByNode()
        for (name, node) in before where node.key != nil && !name.hasPrefix("sweep-summary") {
            XCTAssertEqual(widened[name]?.key, node.key, name)
        }
        XCTAssertNotNil(widened["train[tiny-n10-s0.4-d1]"])

        // A budget growing as σ shrinks changes exactly the train and multistart keys of the cells it grows in.
        write(
            setting(setting(config, "sweeps.tiny.budget.sigma_exponent", 1), "sweeps.tiny.budget.reference_sigma", 0.8))
        let grown = try statusByNode()
        for (name, node) in before where node.key != nil {
            let growsHere = name.contains("-s0.2-") && (node.stage == "train" || node.stage == "multistart")
            if growsHere {
                XCTAssertNotEqual(grown[name]?.key, node.key, name)
            } else if !name.hasPrefix("sweep-summary") {
                XCTAssertEqual(grown[name]?.key, node.key, name)
            }
        }
    }

    func testSweepRunsSummaryMatchesReferenceAndReachesTheReport() throws {
        write(sweepConfig())
        try pipeline(["run", "-j", "2"])
        // Everything fresh, and a second run has nothing to do.
        let nodes = try statusByNode()
        XCTAssertTrue(nodes.values.allSatisfy { $0.state == "fresh" }, "\(nodes.filter { $0.value.state != "fresh" })")
        let again = try pipeline(["run", "-j", "2"]).stdout
        XCTAssertTrue(again.contains(" 0 ran, 0 failed"), again)

        // The aggregation against the independent reference.
        let summary = try currentArtifact("sweep-summary[tiny]", config: URL(fileURLWithPath: configPath))
        let reference = try runTool([
            projectPython, packageRoot.appendingPathComponent("Tests/References/sweep_summary_reference.py").path,
            results.path, summary.path,
        ])
        XCTAssertEqual(reference.status, 0, reference.stdout + reference.stderr)
        let report = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(reference.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((report["mismatches"] as? [String])?.isEmpty, true, reference.stdout)
        XCTAssertGreaterThan(report["checked"] as? Int ?? 0, 100)
        XCTAssertEqual((report["cells"] as? [Any])?.count, 4)

        // The sweep's own figures and CSV files; the paper's figures keep their runs.
        let figures = results.appendingPathComponent("figures")
        for file in [
            "sweep_cells.png", "sweep_line_basin.png", "csv/sweep_cells_tiny.csv", "csv/sweep_line_basin_tiny.csv",
        ] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: figures.appendingPathComponent(file).path), file)
        }
        let csv = try String(
            contentsOf: figures.appendingPathComponent("csv/multistart_noisy_w_plane.csv"), encoding: .utf8)
        XCTAssertFalse(csv.contains("tiny-"), "a sweep run in the paper's figures")
        let page = try String(contentsOf: results.appendingPathComponent("report/index.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("Sweep <code>tiny</code>"), "the report has no table for the sweep")
        XCTAssertTrue(page.contains("Sweeps: Theorem 3.1 over (n, σ)"), "the sweep figure is not in the report")
        XCTAssertFalse(page.contains("train[tiny-"), "the report lists a sweep run's node")
    }
}
