import Dataset
import Foundation
import HDF5Kit
import MLPNumerics
import TestSupport
import Train
import XCTest

/// The training stage through the driver: recorded arrays, divergence handling, configuration.
final class TrainingStageTests: XCTestCase {
    private var project: URL!
    private var configPath: String { project.appendingPathComponent("pipeline.json").path }

    override func tearDown() {
        if let project { try? FileManager.default.removeItem(at: project) }
    }

    private func run(_ config: [String: Any], _ arguments: [String] = ["run", "-j", "2"]) throws -> CommandResult {
        project = project ?? makeTemporaryDirectory("mlp-train")
        write(jsonText(config), to: URL(fileURLWithPath: configPath))
        return try runProduct("pipeline", arguments + ["--config", configPath])
    }

    private func artifact(_ node: String) throws -> HDF5File {
        try HDF5File.open(try currentArtifact(node, config: URL(fileURLWithPath: configPath)).path)
    }

    private func trainArtifact(_ run: String) throws -> HDF5File { try artifact("train[\(run)]") }

    func testRecordsTrajectoryAndLearningCurve() throws {
        let result = try run(smallConfig(), ["run", "-j", "2", "train"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let file = try trainArtifact("noisy")
        let curve = try TrainingArtifact(reading: file).curve
        XCTAssertEqual(curve.t.first, 0)
        XCTAssertEqual(curve.t.last, 2000)
        XCTAssertEqual(curve.theta.count, curve.t.count * 4)
        XCTAssertEqual(
            Array(curve.theta.prefix(4)), [-0.13, 0.13, 0.16, -0.15], "log point 0 is the paper's initial point")
        let (rows, stride) = try TrainingArtifact.trajectory(file)
        XCTAssertEqual(stride, 10)
        XCTAssertEqual(rows.count, (2000 / 10 + 1) * 4)
        XCTAssertEqual(Array(rows.suffix(4)), try TrainingArtifact(reading: file).final.flat)
        // The recorded errors are those of the recorded parameters (checked with the reference routines).
        let dataset = try DatasetArtifact(reading: try artifact("dataset[gaussian]"))
        let data = dataset.trainingSet(targets: .noisy)
        for i in [0, curve.t.count / 2, curve.t.count - 1] {
            let net = curve.network(at: i)
            XCTAssertEqual(curve.trainingError[i], TrainingError.value(net, on: data), accuracy: 1e-12)
            let g = TrainingError.gradient(net, on: data)
            XCTAssertEqual(curve.gradientNorm[i], g.map { $0 * $0 }.reduce(0, +).squareRoot(), accuracy: 1e-12)
            XCTAssertEqual(
                curve.generalizationError[i], GeneralizationError.value(net, teacher: dataset.teacher), accuracy: 1e-14)
        }
        XCTAssertGreaterThan(try file.root.double("timing_steps_per_second"), 0)
    }

    func testDivergenceStopsWithStepAndCachesNothing() throws {
        let result = try run(setting(smallConfig(), "train.eta", 40.0))
        XCTAssertEqual(result.status, 1, result.stdout)
        XCTAssertTrue(result.stdout.contains("failed    train["), result.stdout)
        XCTAssertTrue(result.stdout.contains("diverged at step"), result.stdout)
        let trainDirectory = project.appendingPathComponent("results/train")
        let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: trainDirectory.path)) ?? []).filter {
            $0.hasSuffix(".h5")
        }
        XCTAssertTrue(leftovers.isEmpty, "a diverged run left \(leftovers)")
        let status = try runProduct("pipeline", ["status", "--config", configPath])
        XCTAssertTrue(status.stdout.contains("missing  train[noisy]"), status.stdout)
        XCTAssertTrue(status.stdout.contains("fresh    dataset[gaussian]"), status.stdout)
    }

    func testTrainConfigChangeRerunsTrainingOnly() throws {
        XCTAssertEqual(try run(smallConfig()).status, 0)
        let changed = try run(setting(smallConfig(), "train.eta", 0.02))
        XCTAssertEqual(changed.status, 0, changed.stdout)
        // Both trainings re-run (and the analyses of their trajectories, and the embedded line,
        // whose GD-stable interval is for train.eta); datasets and the multi-start runs, which have
        // their own η, stay fresh; the figures follow.
        let ran = changed.stdout.split(separator: "\n").filter { $0.hasPrefix("ran") }.map {
            $0.split(separator: " ", maxSplits: 1)[1]
        }
        let trains = ran.filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("train[") }
        XCTAssertEqual(trains.count, 2, changed.stdout)
        XCTAssertTrue(trains.allSatisfy { $0.contains("config eta: 0.01 → 0.02") }, changed.stdout)
        XCTAssertTrue(
            ran.allSatisfy { line in
                ["train[", "line[", "eigen[", "phases[", "figure-data", "render", "html-report"].contains {
                    line.trimmingCharacters(in: .whitespaces).hasPrefix($0)
                }
            }, changed.stdout)
        // A key that does not apply to full-batch GD recomputes nothing; only the report page,
        // which shows the effective configuration, is made again.
        let unused = try run(setting(setting(smallConfig(), "train.eta", 0.02), "train.sgd_seed", 5))
        XCTAssertTrue(unused.stdout.contains(" 1 ran, 0 failed"), unused.stdout)
        XCTAssertTrue(unused.stdout.contains("ran       html-report"), unused.stdout)
    }

    func testForcedRetrainingReproducesContentSoDownstreamStaysFresh() throws {
        XCTAssertEqual(try run(smallConfig()).status, 0)
        // Keys, states, artifacts and content hashes (every artifact, the report page's included, is
        // the same for the same inputs); the wall times of the runs aside.
        func status() throws -> [Substring] {
            try runProduct("pipeline", ["status", "--json", "--config", configPath]).stdout.split(separator: "\n")
                .filter { !$0.contains("\"wall_seconds\"") }
        }
        let before = try status()
        let forced = try run(smallConfig(), ["run", "--force", "dataset"])
        XCTAssertEqual(forced.status, 0, forced.stdout)
        // The dataset re-ran; its content is identical, so the training keys did not change.
        XCTAssertTrue(forced.stdout.contains("ran       dataset[gaussian]"), forced.stdout)
        XCTAssertEqual(try status(), before)
    }

    func testRandomInitialPointIsSeeded() throws {
        var config = setting(
            smallConfig(), "train.init", ["kind": "random", "distribution": "uniform", "scale": 2.5, "seed": 3])
        config = setting(config, "runs", ["noisy": ["dataset": "gaussian"]])
        XCTAssertEqual(try run(config, ["run", "train"]).status, 0)
        let first = try TrainingArtifact(reading: try trainArtifact("noisy")).curve.theta.prefix(4)
        XCTAssertTrue(first.allSatisfy { abs($0) <= 2.5 })
        XCTAssertNotEqual(Array(first), [-0.13, 0.13, 0.16, -0.15])
        var random = PortableRandom(seed: 3)
        XCTAssertEqual(Array(first), (0..<4).map { _ in random.nextUniform(in: -2.5, 2.5) })
    }
}

extension TrainingStageTests {
    func testOnlineSGDMatchesAStraightforwardLoop() throws {
        var config = setting(smallConfig(), "train.method", "sgd")
        config = setting(config, "train.sgd_seed", 4)
        config = setting(config, "train.steps", 500)
        XCTAssertEqual(try run(config, ["run", "train"]).status, 0)
        let file = try trainArtifact("noisy")
        XCTAssertEqual(try file.root.string("method"), "sgd")
        let data = try DatasetArtifact(reading: try artifact("dataset[gaussian]")).trainingSet(targets: .noisy)
        // Independent loop: epochs of seeded permutations, one sample per step, θ ← θ − η·2r∇f.
        var random = PortableRandom(seed: 4)
        var theta = [-0.13, 0.13, 0.16, -0.15]
        var order: [Int] = []
        var expected: [[Double]] = [theta]
        for step in 1...500 {
            if order.isEmpty { order = random.permutation(data.count).reversed() }
            let k = order.removeLast()
            let x = data.x[k]
            let t = [tanh(theta[0] * x), tanh(theta[1] * x)]
            let r = theta[2] * t[0] + theta[3] * t[1] - data.y[k]
            theta = [
                theta[0] - 0.01 * 2 * r * theta[2] * (1 - t[0] * t[0]) * x,
                theta[1] - 0.01 * 2 * r * theta[3] * (1 - t[1] * t[1]) * x,
                theta[2] - 0.01 * 2 * r * t[0], theta[3] - 0.01 * 2 * r * t[1],
            ]
            if step % 10 == 0 { expected.append(theta) }
        }
        let (rows, _) = try TrainingArtifact.trajectory(file)
        XCTAssertEqual(rows.count, expected.count * 4)
        for (i, row) in expected.enumerated() {
            for j in 0..<4 { XCTAssertEqual(rows[i * 4 + j], row[j], accuracy: 1e-13) }
        }
    }
}
