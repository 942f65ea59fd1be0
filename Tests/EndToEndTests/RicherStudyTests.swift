import Dataset
import Foundation
import HDF5Kit
import MLPNumerics
import Richer
import TestSupport
import XCTest

/// The richer case on a small project: a two-neuron teacher, width-3 students by GD and online SGD, the
/// whole chain up to the report; refined plateaus checked point by point against an independent NumPy
/// script, and configurations the study cannot run refused.
final class RicherStudyTests: ProjectTestCase {
    override var initialConfig: [String: Any] {
        var config = smallConfig()
        config["datasets"] = [
            "teacher2": [
                "teacher": ["w": [0.5, 2.0], "v": [3.0, -2.0]], "sample": ["n": 100, "sigma": 0.2, "seed": 1],
            ]
        ]
        config["runs"] = [
            "noisy-m3": ["dataset": "teacher2", "targets": "noisy", "width": 3],
            "clean-m3": ["dataset": "teacher2", "targets": "clean", "width": 3],
        ]
        config["train"] = [
            "steps": 2000, "record_every": 10, "log_points_per_decade": 10,
            "init": ["kind": "random", "distribution": "uniform", "scale": 0.15, "seed": 1],
        ]
        config["richer"] = [
            "run_targets": ["noisy", "clean"], "seeds": 2, "max_steps": 300000,
            "fit_starts": 12,
        ]
        return config
    }

    func testTheStudyRunsToTheReportAndItsPlateausAreCriticalPoints() throws {
        try pipeline(["run", "html-report", "-j", "2"])
        let config = URL(fileURLWithPath: configPath)
        let artifact = try RicherArtifact(
            reading: try HDF5File.open(try currentArtifact("richer[noisy-m3]", config: config).path))
        let dataset = try DatasetArtifact(
            reading: try HDF5File.open(try currentArtifact("dataset[teacher2]", config: config).path))
        XCTAssertEqual(artifact.width, 3)
        XCTAssertEqual(artifact.starts.map(\.method), [.gd, .gd, .sgd, .sgd])
        XCTAssertEqual(artifact.starts.map(\.seed), [1, 2, 1, 2])
        XCTAssertEqual(artifact.teacherFit.network.width, 2)
        for start in artifact.starts {
            XCTAssertEqual(start.plateaus.last?.phase, "final")
            XCTAssertEqual(start.run.index.first, 3, "near the origin width 3 has index 3 (eigenvalues ±2s)")
            XCTAssertEqual(start.indexSequence.first, 3)
            XCTAssertEqual(start.appears, start.plateau && (start.fitIndex ?? 0) >= 1 && start.overfittingAttractor)
            XCTAssertEqual(start.run.t, start.run.t.sorted())
        }

        // Every converged refined point, checked by the NumPy script on the run's own data.
        guard toolAvailable([projectPython, "-c", "import numpy"]) else {
            throw XCTSkip("\(projectPython) with numpy is not installed (scripts/setup-debian.sh)")
        }
        let data = dataset.trainingSet(targets: .noisy)
        let file = project.appendingPathComponent("noisy.dat")
        try zip(data.x, data.y).map { "\($0) \($1)" }.joined(separator: "\n").write(
            to: file, atomically: true, encoding: .utf8)
        let script = packageRoot.appendingPathComponent("Tests/References/richer_reference.py").path
        var checked = 0
        for start in artifact.starts {
            for plateau in start.plateaus where plateau.converged {
                let theta = plateau.point.flat.map { "\($0)" }.joined(separator: ",")
                let result = try runTool([projectPython, script, file.path, "--critical", theta])
                XCTAssertEqual(result.status, 0, result.stderr)
                let reference = try XCTUnwrap(
                    try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
                let values = try XCTUnwrap(reference["eigenvalues"] as? [Double])
                let tau = 1e-8 * max(1, values.map(abs).max()!)
                XCTAssertLessThan(try XCTUnwrap(reference["gradient_norm"] as? Double), 1e-10, plateau.summary)
                XCTAssertEqual(values.filter { $0 < -tau }.count, plateau.index, plateau.summary)
                let energy = try XCTUnwrap(reference["E_tr"] as? Double)
                XCTAssertEqual(plateau.trainingError, energy, accuracy: 1e-10 * max(energy, 1e-12))
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 4, "refined points checked")

        let page = try String(contentsOf: results.appendingPathComponent("report/index.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("<section id=\"richer\"><h2>The richer case</h2>"))
        XCTAssertTrue(page.contains("both teacher neurons are needed") || page.contains("one neuron nearly suffices"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: results.appendingPathComponent("figures/richer.png").path))
    }

    func testStudentsNoWiderThanTheTeacherAndExplicitStartsOfAnotherWidthAreRefused() throws {
        let url = URL(fileURLWithPath: configPath)
        write(jsonText(setting(initialConfig, "runs.noisy-m3.width", 2)), to: url)
        var result = try pipeline(["status"], expect: 2)
        XCTAssertTrue(result.stderr.contains("runs.noisy-m3.width"), result.stderr)
        XCTAssertTrue(result.stderr.contains("wider than the teacher"), result.stderr)

        let explicit = setting(initialConfig, "train.init", ["kind": "explicit", "w": [0.1, -0.1], "v": [0.1, 0.1]])
        write(jsonText(setting(explicit, "train.width", 2)), to: url)
        result = try pipeline(["run", "train"], expect: 2)
        XCTAssertTrue(result.stderr.contains("runs.clean-m3.width") || result.stderr.contains("runs.noisy-m3.width"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: results.appendingPathComponent("train").path))
    }
}
