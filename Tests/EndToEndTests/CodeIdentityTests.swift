import Foundation
import TestSupport
import XCTest

/// A stage's code identity is the closure of its executable in the build graph: an edit anywhere in
/// it makes the stage's nodes stale, an edit outside it does not. Checked on a private copy of the
/// sources (`MLP_PROJECT_ROOT`), whose files the driver reads as the tree the binaries keyed by.
final class CodeIdentityTests: ProjectTestCase {
    private var root: URL!
    private var environment: [String: String] { ["MLP_PROJECT_ROOT": root.path, "MLP_PYTHON": projectPython] }

    override func setUp() {
        super.setUp()
        root = makeTemporaryDirectory("mlp-root")
        for item in ["Sources", "pipeline.schema.json", "Package.swift"] {
            try! FileManager.default.copyItem(
                at: packageRoot.appendingPathComponent(item), to: root.appendingPathComponent(item))
        }
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: root)
        super.tearDown()
    }

    /// Node → state, as `pipeline status --json` reports it with the copy's sources.
    private func states() throws -> [String: String] {
        let status = try pipeline(["status", "--json"], environment: environment)
        let nodes = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: nodes.map { ($0["node"] as! String, $0["state"] as! String) })
    }

    /// Appends a comment to a file of the copy, calls `body`, and takes the comment out again.
    private func withEdit(_ path: String, _ body: () throws -> Void) throws {
        let url = root.appendingPathComponent(path)
        let original = try Data(contentsOf: url)
        try (original + Data((path.hasSuffix(".py") ? "\n# edited\n" : "\n// edited\n").utf8)).write(to: url)
        defer { try? original.write(to: url) }
        try body()
    }

    func testAnEditInMultistartsClosureMakesItAndItsDescendantsStaleAndAnEditOutsideDoesNot() throws {
        try pipeline(["run", "-j", "2"], environment: environment)
        let all = try states()
        XCTAssertEqual(Set(all.values), ["fresh"], "\(all)")
        let multistart: Set<String> = ["multistart[noisy]", "multistart[clean]"]
        let downstream: Set<String> = ["figure-data", "render", "html-report"]
        // Its own folder, the line module it calls, the analysis and numerical libraries, the HDF5
        // wrapper and the artifact writer: the closure of stage-multistart.
        for path in [
            "Sources/Stages/MultiStart/MultiStartStage.swift", "Sources/Stages/Line/LineStage.swift",
            "Sources/DynamicsAnalysis/LimitSets.swift", "Sources/MLPNumerics/Network.swift",
            "Sources/HDF5Kit/File.swift",
            "Sources/PipelineCore/Artifact.swift",
        ] {
            try withEdit(path) {
                let after = try states()
                for node in multistart.union(downstream) {
                    XCTAssertNotEqual(after[node], "fresh", "\(node) after editing \(path)")
                }
            }
        }
        // Another stage's folder (and what depends on it), the renderer's Python, another stage's
        // executable, and code only the driver links (nothing).
        let cases: [(String, Set<String>, Set<String>)] = [
            (
                "Sources/Stages/Eigen/EigenStage.swift", ["eigen[noisy]", "eigen[clean]"],
                downstream.union(["phases[noisy]", "phases[clean]"])
            ),
            ("Sources/Stages/Render/mlp_render/style.py", ["render"], ["html-report"]),
            (
                "Sources/Stages/Train/main/main.swift", ["train[noisy]", "train[clean]"],
                Set(all.keys.filter { ["eigen", "phases", "projected"].contains($0.split(separator: "[")[0]) }).union(
                    downstream)
            ),
            ("Sources/PipelineEngine/Runner.swift", [], []),
            ("Sources/pipeline/RunCommand.swift", [], []),
        ]
        for (path, stale, alsoAffected) in cases {
            try withEdit(path) {
                let changed = Set(try states().filter { $0.value != "fresh" }.keys)
                XCTAssertTrue(stale.isSubset(of: changed), "\(path): \(changed.sorted())")
                XCTAssertTrue(changed.isSubset(of: stale.union(alsoAffected)), "\(path): \(changed.sorted())")
            }
        }
    }

    func testAStaleBuildIsRefusedNamingTheFileAndWritesNothing() throws {
        try pipeline(["run", "dataset"], environment: environment)
        try withEdit("Sources/Stages/Dataset/DatasetStage.swift") {
            let status = try pipeline(["status"], environment: environment)
            XCTAssertTrue(status.stdout.contains("because code of stage dataset changed"), status.stdout)
            let before = snapshot(of: results)
            let refused = try pipeline(["run"], expect: 3, environment: environment)
            XCTAssertEqual(
                refused.stderr,
                "error: stage binaries are older than Sources/Stages/Dataset/DatasetStage.swift: run make build\n")
            XCTAssertEqual(
                snapshot(of: results).keys.filter { $0.hasSuffix(".h5") }.sorted(),
                before.keys.filter { $0.hasSuffix(".h5") }.sorted())
        }
    }

    func testAStageExecutableReportsTheIdentityTheDriverKeysItsNodesBy() throws {
        let reported = try runProduct("stage-multistart", ["--code-identity"])
        XCTAssertEqual(reported.status, 0, reported.stderr)
        try pipeline(["run", "dataset"])
        let log = try XCTUnwrap(
            FileManager.default.enumerator(atPath: results.appendingPathComponent("dataset").path)?
                .compactMap { $0 as? String }.first { $0.hasSuffix(".log") })
        let command = try String(
            contentsOf: results.appendingPathComponent("dataset").appendingPathComponent(log), encoding: .utf8)
        let datasetIdentity = try runProduct("stage-dataset", ["--code-identity"]).stdout.trimmingCharacters(
            in: .whitespacesAndNewlines)
        XCTAssertTrue(command.contains("\"--expect-code-identity\",\"\(datasetIdentity)\""), command)
        XCTAssertNotEqual(datasetIdentity, reported.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
