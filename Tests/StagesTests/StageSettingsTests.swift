import Dataset
import Foundation
import MultiStart
import PipelineCore
import PipelineEngine
import Report
import Richer
import StageRegistry
import Study
import TestSupport
import Train
import XCTest

/// Each stage's settings as the driver plans them: what a stage reads is exactly its slice (one
/// configuration key changed re-keys only the stages that read it), keys that do not apply stay
/// out, and every slice decodes back to the settings it encodes (what the stage process does).
final class StageSettingsTests: XCTestCase {
    private var project: URL!

    override func setUp() {
        project = makeTemporaryDirectory("mlp-settings")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: project)
    }

    /// The small configuration with the related-paper studies and a small sweep.
    private var base: [String: Any] {
        setting(
            smallConfig(studies: true), "sweeps",
            ["s": ["n": [10, 20], "sigma": [0.2], "seeds": ["count": 2], "starts": 2]])
    }

    private func path(_ config: [String: Any]) -> URL {
        let path = project.appendingPathComponent("pipeline-\(UUID().uuidString).json")
        write(jsonText(config), to: path)
        return path
    }

    private func configuration(_ config: [String: Any]) throws -> Configuration {
        try loadConfiguration(path(config))
    }

    /// Every node's slice, by node name.
    private func slices(_ config: [String: Any]) throws -> [String: JSONValue] {
        Dictionary(uniqueKeysWithValues: try plan(path(config)).nodes.map { ($0.id.description, $0.slice) })
    }

    /// The stages some of whose nodes' slices differ between two configurations.
    private func stagesChanged(_ path: String, _ value: Any, from config: [String: Any]) throws -> Set<String> {
        let before = try slices(config), after = try slices(setting(config, path, value))
        XCTAssertEqual(Set(before.keys), Set(after.keys), "\(path) added or removed nodes")
        return Set(before.keys.filter { before[$0] != after[$0] }.map { String($0.split(separator: "[")[0]) })
    }

    func testAKeyReKeysExactlyTheStagesThatReadIt() throws {
        // The report's slice holds the effective configuration it shows: every change re-makes the page.
        let cases: [(String, Any, Set<String>)] = [
            ("train.eta", 0.02, ["train", "line", "sweep-summary"]),
            ("train.steps", 3000, ["train"]),  // projected only checks its branch times against it
            ("eigen.newton_tolerance", 1e-11, ["line", "eigen", "phases", "multistart", "saddles", "sweep-summary"]),
            ("eigen.set_tolerance", 1e-3, ["eigen", "phases", "multistart", "sweep-summary"]),
            ("eigen.region_samples", 30, ["eigen"]),
            ("multistart.certify_gradient", 0.02, ["phases", "multistart", "sweep-summary"]),
            ("multistart.gradient_tolerance", 1e-3, ["multistart", "sweep-summary"]),
            ("line.gamma_points", 401, ["line", "multistart"]),
            ("phases.slope_window_decades", 0.2, ["phases", "saddles"]),
            ("phases.near_optimal_distance", 0.2, ["phases"]),
            ("saddles.eta", 0.02, ["saddles"]),
            ("projected.refresh_every", 5, ["projected"]),
            ("figures.plane_margin", 0.1, ["figure-data"]),
            ("render.dpi", 300, ["render"]),
            ("report.title", "another", []),
            ("sweeps.s.global_minimum_tolerance", 1e-6, ["sweep-summary"]),
            ("datasets.gaussian.sample.seed", 2, ["dataset"]),
        ]
        for (path, value, expected) in cases {
            XCTAssertEqual(try stagesChanged(path, value, from: base), expected.union(["html-report"]), path)
        }
    }

    func testAnExplicitDefaultKeysLikeTheOmittedKey() throws {
        var explicit = setting(base, "store", "results")
        explicit = setting(explicit, "runs.noisy.targets", "noisy")
        explicit = setting(explicit, "train.eta", 0.01)
        explicit = setting(explicit, "line.scan_range", [0.01, 100.0])
        XCTAssertEqual(try slices(explicit), try slices(base))
    }

    func testKeysThatDoNotApplyAreNotRead() throws {
        // An explicit initial point: the random draw's keys; full-batch GD: the sampler's seed;
        // no early stop: the certificate.
        for (path, value) in [("train.init.seed", 7 as Any), ("train.init.scale", 0.5), ("train.sgd_seed", 3)] {
            XCTAssertEqual(try stagesChanged(path, value, from: base), ["html-report"], path)
        }
        let noEarlyStop = setting(base, "multistart.early_stop", false)
        XCTAssertEqual(
            try stagesChanged("multistart.certify_energy_gap", 0.01, from: noEarlyStop),
            ["phases", "sweep-summary", "html-report"])
        let random = setting(base, "train.init", ["kind": "random"])
        XCTAssertEqual(try stagesChanged("train.init.w", [1, 2], from: random), ["html-report"])
        XCTAssertEqual(try stagesChanged("train.init.seed", 9, from: random), ["train", "html-report"])
        let sgd = setting(base, "train.method", "sgd")
        XCTAssertEqual(try stagesChanged("train.sgd_seed", 4, from: sgd), ["train", "html-report"])
    }

    func testEverySliceDecodesToTheSettingsItEncodes() throws {
        let configuration = try configuration(base)
        func check<S: Stage>(_ stage: S.Type) throws where S.Settings: Equatable {
            let nodes = try S.instances(configuration)
            XCTAssertFalse(nodes.isEmpty, S.name)
            for node in nodes {
                let slice = try JSONValueEncoder().encode(node.settings)
                let decoded = try StageMain.decodeSettings(S.Settings.self, from: Data(slice.canonical.utf8))
                XCTAssertEqual(decoded, node.settings, "\(S.name)[\(node.instance)]: \(slice.canonical)")
            }
        }
        try check(DatasetStage.self)
        try check(TrainStage.self)
        try check(MultiStartStage.self)
        try checkAll(configuration)
    }

    /// Every registered stage's slices decode (their settings' own types are checked above for a few).
    private func checkAll(_ configuration: Configuration) throws {
        for stage in StageRegistry.stages {
            for spec in try stage.plan(configuration) {
                // The stage's own main decodes the slice first: a bad slice exits with 2 before any work.
                let status = stage.main([
                    "--slice", spec.slice.canonical, "--output", project.appendingPathComponent("x.h5").path,
                    "--input", "none=/nonexistent", "--quiet",
                ])
                XCTAssertNotEqual(
                    status, 2, "\(stage.name)[\(spec.instance)]: its slice does not decode: \(spec.slice.canonical)")
            }
        }
    }

    func testSweepRunsTrainWithTheirBudgetsAndShareSampledDatasets() throws {
        var config = base
        config = setting(config, "datasets.handwritten", ["sample": ["n": 10, "sigma": 0.2, "seed": 1]])
        config = setting(
            config, "sweeps.s.budget", ["train_steps": 1000, "multistart_max_steps": 3000, "n_exponent": 1])
        let configuration = try configuration(config)
        let datasets = Dictionary(
            uniqueKeysWithValues: try DatasetStage.instances(configuration).map { ($0.instance, $0.settings) })
        // A sweep's dataset is an ordinary sampled dataset: the same settings, so the same artifact.
        XCTAssertEqual(datasets["s-n10-s0.2-d1"], datasets["handwritten"])
        let train = Dictionary(
            uniqueKeysWithValues: try TrainStage.instances(configuration).map { ($0.instance, $0.settings) })
        XCTAssertEqual(train["s-n10-s0.2-d1"]?.steps, 100, "1000 · (10/100)^1")
        XCTAssertEqual(train["s-n20-s0.2-d2"]?.steps, 200)
        XCTAssertEqual(train["noisy"]?.steps, 2000)
        let multistart = Dictionary(
            uniqueKeysWithValues: try MultiStartStage.instances(configuration).map { ($0.instance, $0.settings) })
        XCTAssertEqual(multistart["s-n10-s0.2-d1"]?.starts, 2)
        XCTAssertEqual(multistart["s-n20-s0.2-d1"]?.maxSteps, 600, "3000 · (20/100): three checks of 200")
        XCTAssertEqual(
            multistart["s-n10-s0.2-d1"]?.maxSteps, 400, "3000 · (10/100) = 300, rounded up to whole checks of 200")
        XCTAssertEqual(multistart["noisy"]?.starts, 3)
    }

    /// A run's own width reaches every per-run stage of that run, and only that run; the shipped richer
    /// configuration plans one richer node per run, the paper's none.
    func testARunsWidthReachesItsStagesAndTheRicherStudyPlansPerRun() throws {
        let config = setting(
            setting(base, "train.init", ["kind": "random", "distribution": "uniform", "scale": 0.15, "seed": 1]),
            "runs.wide", ["dataset": "gaussian", "targets": "noisy", "width": 4])
        let configuration = try configuration(config)
        let train = Dictionary(
            uniqueKeysWithValues: try TrainStage.instances(configuration).map { ($0.instance, $0.settings) })
        XCTAssertEqual(train["wide"]?.width, 4)
        XCTAssertEqual(train["noisy"]?.width, 2)
        XCTAssertEqual(train["wide"]?.initial, train["noisy"]?.initial, "the same seeded draw, of its own width")
        let multistart = Dictionary(
            uniqueKeysWithValues: try MultiStartStage.instances(configuration).map { ($0.instance, $0.settings) })
        XCTAssertEqual(multistart["wide"]?.width, 4)
        XCTAssertEqual(multistart["noisy"]?.width, 2)
        // Changing the wide run's width re-keys its nodes only.
        let before = try slices(config), after = try slices(setting(config, "runs.wide.width", 3))
        let changed = Set(before.keys.filter { before[$0] != after[$0] })
        XCTAssertEqual(
            changed, ["train[wide]", "multistart[wide]", "html-report"], "the report records the configuration")

        let richer = try plan(packageRoot.appendingPathComponent("pipeline.richer.json")).nodes
            .filter { $0.id.stage == RicherStage.name }.map(\.id.instance).sorted()
        XCTAssertEqual(richer, ["clean-m3", "clean-m4", "noisy-m3", "noisy-m4"])
        XCTAssertTrue(
            try plan(packageRoot.appendingPathComponent("pipeline.json")).nodes.allSatisfy {
                $0.id.stage != RicherStage.name
            })
    }

    func testAnImportedFileIsKeyedByItsBytes() throws {
        let data = project.appendingPathComponent("data.dat")
        try "0.5 1.0\n-0.25 -0.5\n".write(to: data, atomically: true, encoding: .utf8)
        var config = setting(
            smallConfig(), "datasets.gaussian", ["file": ["path": "data.dat", "source": "https://example.org/data"]])
        config = setting(config, "store", "results")
        let first = try slices(config)["dataset[gaussian]"]
        XCTAssertEqual(first?["file"]?["sha256"]?.stringValue, try Hashing.sha256(fileAt: data))
        XCTAssertNil(first?["file"]?["source"], "where the file comes from is not part of the data")
        try "0.5 1.0\n-0.25 -0.75\n".write(to: data, atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try slices(config)["dataset[gaussian]"], first)
    }
}

/// The report compares a run with the paper only in the paper's setting, read from the training
/// node's slice as its artifact records it.
final class PaperSettingTests: XCTestCase {
    private func trainSlice(_ config: [String: Any]) throws -> JSONValue {
        let project = makeTemporaryDirectory("mlp-paper")
        defer { try? FileManager.default.removeItem(at: project) }
        write(jsonText(config), to: project.appendingPathComponent("pipeline.json"))
        let data = project.appendingPathComponent("data/maleknia-sato")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: authorsDataFile, to: data.appendingPathComponent("data.dat"))
        let pipeline = try plan(project.appendingPathComponent("pipeline.json"))
        return try XCTUnwrap(pipeline.node(NodeID(stage: "train", instance: "noisy"))?.slice)
    }

    func testTheShippedConfigurationIsThePapersSettingAndAChangeIsNamed() throws {
        let shipped = try XCTUnwrap(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: packageRoot.appendingPathComponent("pipeline.json")))
                as? [String: Any])
        XCTAssertNil(PaperComparison.trainingDiffers(try trainSlice(shipped)))
        XCTAssertEqual(
            PaperComparison.trainingDiffers(try trainSlice(setting(shipped, "train.eta", 0.02))),
            "train.eta = 0.02 differs from the paper's 0.01")
        let random = try trainSlice(setting(shipped, "train.init", ["kind": "random"]))
        XCTAssertTrue(
            PaperComparison.trainingDiffers(random)?.hasPrefix("train.init = random") ?? false,
            PaperComparison.trainingDiffers(random) ?? "nil")
    }
}
