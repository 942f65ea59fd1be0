import Foundation
import TestSupport
import XCTest

/// `make bench` generates its own shrunk configurations (bench/orchestration.py, sweep_driver.py,
/// snakemake_overhead.py); a stage added to the pipeline can make them invalid (the related-paper
/// studies' branch times once outgrew the shrunk runs and all three scripts stopped with exit 2).
/// Every one must be accepted by the driver: `pipeline run --dry-run` plans it without running it.
final class BenchConfigTests: XCTestCase {
    func testEveryBenchConfigurationIsValid() throws {
        let directory = makeTemporaryDirectory("mlp-bench-configs")
        defer { try? FileManager.default.removeItem(at: directory) }
        // The scripts' own functions write the configurations, so the test follows them.
        let script = """
            import json, os, sys
            sys.path.insert(0, os.path.join(sys.argv[1], "bench"))
            import orchestration, snakemake_overhead, sweep_driver
            out = sys.argv[2]
            paper = orchestration.shrunk_config(os.path.join(sys.argv[1], "pipeline.json"))
            for dataset in paper.get("datasets", {}).values():
                if "file" in dataset:
                    dataset["file"]["path"] = os.path.join(sys.argv[1], dataset["file"]["path"])
            configs = {"orchestration": paper, "sweep_driver": sweep_driver.config(2),
                       "snakemake_overhead": snakemake_overhead.config(2, "results")}
            for name, config in configs.items():
                with open(os.path.join(out, name + ".json"), "w") as f:
                    json.dump(config, f)
            """
        let written = try runTool([projectPython, "-c", script, packageRoot.path, directory.path])
        XCTAssertEqual(written.status, 0, written.stderr)
        for name in ["orchestration", "sweep_driver", "snakemake_overhead"] {
            let config = directory.appendingPathComponent("\(name).json").path
            let plan = try runProduct("pipeline", ["run", "--dry-run", "--config", config])
            XCTAssertEqual(plan.status, 0, "bench/\(name).py's configuration: \(plan.stderr)")
            XCTAssertFalse(plan.stdout.isEmpty, "bench/\(name).py's plan")
        }
    }
}
