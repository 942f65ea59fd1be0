import Foundation
import TestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// The exported Snakefile against the native driver, on a small DAG of two datasets and three runs
/// plus a tiny sweep (two sampled datasets with their paper-start run, multistart and summary), up to
/// the figures: same content hash for every node, a second Snakemake run with nothing to
/// do, one config change re-running the same nodes under both engines; then Snakemake through a
/// single-node SLURM started for the test (scripts/with-local-slurm.sh).
final class SnakemakeEngineTests: XCTestCase {
    private var project: URL!
    private let snakemake = packageRoot.appendingPathComponent(".venv/bin/snakemake").path
    /// The workflow's default target: every node, the report page included.
    private let target = "html-report"

    override func setUpWithError() throws {
        try super.setUpWithError()
        guard FileManager.default.isExecutableFile(atPath: snakemake) else {
            throw XCTSkip("snakemake is not installed in .venv: run scripts/setup-debian.sh")
        }
        project = makeTemporaryDirectory("mlp-snakemake")
    }

    override func tearDown() {
        if let project { try? FileManager.default.removeItem(at: project) }
        super.tearDown()
    }

    /// Two sampled datasets, three runs and a sweep of two datasets, the small settings of
    /// `smallConfig`, in its own store.
    private func writeConfig(_ name: String, seedB: Int = 2) -> String {
        var config = smallConfig()
        let teacher: [String: Any] = ["w": [1.0], "v": [2.0]]
        config["store"] = name
        config["datasets"] = [
            "a": ["teacher": teacher, "sample": ["n": 40, "sigma": 0.2, "seed": 1]],
            "b": ["teacher": teacher, "sample": ["n": 30, "sigma": 0.5, "seed": seedB]],
        ]
        config["runs"] = [
            "a-noisy": ["dataset": "a", "targets": "noisy"], "a-clean": ["dataset": "a", "targets": "clean"],
            "b-noisy": ["dataset": "b", "targets": "noisy"],
        ]
        config["sweeps"] = [
            "tiny": [
                "n": [20], "sigma": [0.3], "seeds": ["first": 1, "count": 2], "starts": 4, "record_every": 100,
                "budget": ["train_steps": 2000, "multistart_max_steps": 2000],
            ] as [String: Any]
        ]
        let path = project.appendingPathComponent("\(name).json")
        write(jsonText(config), to: path)
        return path.path
    }

    private func driver(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws
        -> CommandResult
    {
        let result = try runProduct("pipeline", arguments)
        XCTAssertEqual(
            result.status, 0, "pipeline \(arguments): \(result.stdout)\n\(result.stderr)", file: file, line: line)
        return result
    }

    /// Exports the Snakefile of `config` and runs it (`arguments`: the executor's), every run
    /// bounded by `timeout -s KILL`.
    private func runSnakemake(
        _ config: String, _ arguments: [String], wrapper: [String] = [],
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> CommandResult {
        let snakefile = project.appendingPathComponent(
            "Snakefile-" + URL(fileURLWithPath: config).deletingPathExtension().lastPathComponent
        ).path
        try driver(["export", "snakemake", target, "--config", config, "-o", snakefile], file: file, line: line)
        let command =
            wrapper + ["timeout", "-s", "KILL", "600", snakemake, "-s", snakefile, "-d", project.path] + arguments
        return try runTool(command)
    }

    /// The artifact files (stage/key.h5) in a store.
    private func artifacts(_ store: String) -> Set<String> {
        Set(
            snapshotNames(project.appendingPathComponent(store)).filter {
                $0.hasSuffix(".h5") && !$0.hasPrefix(".") && !$0.contains("/.")
            })
    }

    private func snapshotNames(_ directory: URL) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        return (enumerator?.allObjects as? [String]) ?? []
    }

    /// The nodes whose current artifact is not among `before`: those computed since.
    private func computed(_ config: String, store: String, since before: Set<String>) throws -> Set<String> {
        let status = try driver(["status", "--json", "--config", config])
        let nodes = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
        return Set(
            nodes.compactMap { node -> String? in
                guard let path = node["artifact"] as? String, node["state"] as? String == "fresh" else { return nil }
                let relative = path.components(separatedBy: "/").suffix(2).joined(separator: "/")
                return before.contains(relative) ? nil : node["node"] as? String
            })
    }

    private func assertSameHashes(
        _ native: [String: [String?]], _ other: [String: [String?]], file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertTrue(native.values.allSatisfy { $0[1] != nil }, "every node made: \(native)", file: file, line: line)
        XCTAssertEqual(native, other, file: file, line: line)
    }

    func testSnakemakeAndTheDriverAgreeNodeForNode() throws {
        let native = writeConfig("native")
        let snake = writeConfig("snake")
        try driver(["run", target, "-j", "2", "--config", native])
        let first = try runSnakemake(snake, ["--cores", "2"])
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        XCTAssertEqual(
            artifacts("snake").count, 29,
            "2 datasets, 3 runs × 5 stages, 2 sweep datasets × 4 stages, sweep-summary, figure-data, render, report"
        )
        assertSameHashes(try nodeHashes(config: native), try nodeHashes(config: snake))

        // Nothing to do the second time: no job starts.
        let second = try runSnakemake(snake, ["--cores", "2"])
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        XCTAssertTrue((second.stdout + second.stderr).contains("Nothing to be done"), second.stdout + second.stderr)

        // One value changes (dataset b's seed): both engines compute the same nodes, and only
        // those (dataset b, its run's stages, the figures).
        let beforeNative = artifacts("native")
        let beforeSnake = artifacts("snake")
        _ = writeConfig("native", seedB: 3)
        _ = writeConfig("snake", seedB: 3)
        let rerun = try driver(["run", target, "-j", "2", "--config", native])
        let third = try runSnakemake(snake, ["--cores", "2"])
        XCTAssertEqual(third.status, 0, third.stdout + third.stderr)
        let expected: Set<String> = [
            "dataset[b]", "train[b-noisy]", "line[b-noisy]", "eigen[b-noisy]", "phases[b-noisy]",
            "multistart[b-noisy]", "figure-data", "render", "html-report",
        ]
        XCTAssertEqual(try computed(native, store: "native", since: beforeNative), expected, rerun.stdout)
        XCTAssertEqual(try computed(snake, store: "snake", since: beforeSnake), expected, third.stdout + third.stderr)
        assertSameHashes(try nodeHashes(config: native), try nodeHashes(config: snake))
        let fourth = try runSnakemake(snake, ["--cores", "2"])
        XCTAssertTrue((fourth.stdout + fourth.stderr).contains("Nothing to be done"), fourth.stdout + fourth.stderr)
    }

    func testSnakemakeThroughALocalSLURM() throws {
        let native = writeConfig("native")
        let slurm = writeConfig("slurm")
        let scratch = makeTemporaryDirectory("mlp-slurm")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try driver(["run", target, "-j", "2", "--config", native])
        // The project's profile, with a short first status check for a 2-core test machine.
        let started = Date()
        let result = try runSnakemake(
            slurm,
            [
                "--profile", packageRoot.appendingPathComponent("profiles/slurm").path,
                "--slurm-init-seconds-before-status-checks", "2", "--jobs", "4", "--latency-wait", "5",
            ],
            wrapper: [
                "timeout", "-s", "KILL", "900", packageRoot.appendingPathComponent("scripts/with-local-slurm.sh").path,
                scratch.path, "700",
            ])
        if result.status == 77 {
            throw XCTSkip(result.stderr.split(separator: "\n").last.map(String.init) ?? "no local SLURM here")
        }
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        print("snakemake through SLURM: \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        assertSameHashes(try nodeHashes(config: native), try nodeHashes(config: slurm))
        // The jobs really went through the scheduler (grouped: a few jobs for 28 nodes).
        let log = try String(contentsOf: scratch.appendingPathComponent("log/slurmctld.log"), encoding: .utf8)
        let allocations = log.components(separatedBy: "Allocate JobId=").count - 1
        XCTAssertGreaterThanOrEqual(allocations, 2, log)
        XCTAssertLessThan(allocations, 29, "nodes share cluster jobs (profile groups)")
    }
}
