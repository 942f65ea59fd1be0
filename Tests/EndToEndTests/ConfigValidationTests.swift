import Foundation
import TestSupport
import XCTest

/// Each invalid configuration gives one message naming the key and value, exit code 2, and
/// leaves every file under results/ as it was.
final class ConfigValidationTests: XCTestCase {
    private var project: URL!
    private var before: [String: Data] = [:]

    override func setUpWithError() throws {
        project = makeProject(smallConfig())
        // The dataset stage suffices to have a store that must stay untouched.
        let result = try runProduct("pipeline", ["run", "dataset", "--config", project.appendingPathComponent("pipeline.json").path])
        XCTAssertEqual(result.status, 0, result.stderr + result.stdout)
        before = snapshot(of: project.appendingPathComponent("results"))
        XCTAssertFalse(before.isEmpty)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: project)
    }

    /// Writes `text` as the config, runs every subcommand that reads it, and checks the contract.
    private func assertRejected(_ text: String, mentions fragments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let config = project.appendingPathComponent("pipeline.json")
        try text.write(to: config, atomically: true, encoding: .utf8)
        for command in [["run"], ["status"], ["run", "--dry-run"], ["gc"]] {
            let result = try runProduct("pipeline", command + ["--config", config.path])
            XCTAssertEqual(result.status, 2, "\(command): \(result.stderr)", file: file, line: line)
            let lines = result.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "one message expected, got: \(result.stderr)", file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue(result.stderr.contains(fragment), "'\(fragment)' missing from: \(result.stderr)", file: file, line: line)
            }
        }
        XCTAssertEqual(snapshot(of: project.appendingPathComponent("results")), before, "results/ changed", file: file, line: line)
    }

    private func assertRejected(_ path: String, _ value: Any?, mentions fragments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        try assertRejected(jsonText(setting(smallConfig(), path, value)), mentions: fragments, file: file, line: line)
    }

    /// `smallConfig()` with a small sweep `s`, then `path` set to `value`.
    private func assertSweepRejected(_ path: String, _ value: Any?, mentions fragments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let sweep: [String: Any] = ["n": [10, 20], "sigma": [0.2], "seeds": ["count": 2]]
        try assertRejected(jsonText(setting(setting(smallConfig(), "sweeps", ["s": sweep]), path, value)), mentions: fragments, file: file, line: line)
    }

    func testSweepUnknownKey() throws {
        try assertSweepRejected("sweeps.s.stars", 4, mentions: ["'sweeps.s.stars'", "unknown key"])
    }

    func testSweepSampleSizeTooSmall() throws {
        try assertSweepRejected("sweeps.s.n", [10, 1], mentions: ["'sweeps.s.n[1]'", "≥ 2"])
    }

    func testSweepZeroSigma() throws {
        try assertSweepRejected("sweeps.s.sigma", [0], mentions: ["'sweeps.s.sigma[0]'", "> 0"])
    }

    func testSweepRepeatedGridValue() throws {
        try assertSweepRejected("sweeps.s.sigma", [0.2, 0.2], mentions: ["'sweeps.s.sigma'", "twice"])
    }

    func testSweepWithoutSeeds() throws {
        try assertSweepRejected("sweeps.s.seeds", nil, mentions: ["'sweeps.s.seeds'", "required"])
    }

    func testSweepZeroDatasets() throws {
        try assertSweepRejected("sweeps.s.seeds.count", 0, mentions: ["'sweeps.s.seeds.count'", "≥ 1"])
    }

    func testSweepNegativeBudgetExponent() throws {
        try assertSweepRejected("sweeps.s.budget", ["sigma_exponent": -1], mentions: ["'sweeps.s.budget.sigma_exponent'", "-1"])
    }

    func testSweepThatRunsNothing() throws {
        let config = setting(setting(setting(smallConfig(), "sweeps", ["s": ["n": [10], "sigma": [0.2], "seeds": ["count": 1]]]),
                                     "sweeps.s.paper_init", false), "sweeps.s.starts", 0)
        try assertRejected(jsonText(config), mentions: ["'sweeps.s.starts'", "run nothing"])
    }

    func testSweepBadName() throws {
        try assertRejected(jsonText(setting(smallConfig(), "sweeps", ["a.b": ["n": [10], "sigma": [0.2], "seeds": ["count": 1]]])),
                           mentions: ["'sweeps.a.b'", "names may use only"])
    }

    func testSweepNameClash() throws {
        // σ = 1 makes the sweep's dataset name `s-n10-s1-d1`, a name a dataset may have.
        let config = setting(setting(smallConfig(), "sweeps", ["s": ["n": [10], "sigma": [1], "seeds": ["count": 1]]]),
                             "datasets.s-n10-s1-d1", ["sample": ["n": 10]])
        try assertRejected(jsonText(config), mentions: ["'sweeps.s'", "taken"])
    }

    func testUnknownTopLevelKey() throws {
        try assertRejected("trian", ["eta": 0.1], mentions: ["'trian'", "unknown key"])
    }

    func testUnknownNestedKey() throws {
        try assertRejected("datasets.gaussian.sample.nn", 3, mentions: ["'datasets.gaussian.sample.nn'", "unknown key"])
    }

    func testWrongType() throws {
        try assertRejected("datasets.gaussian.sample.n", "100", mentions: ["'datasets.gaussian.sample.n'", "\"100\"", "integer"])
    }

    func testNonIntegerCount() throws {
        try assertRejected("datasets.gaussian.sample.n", 2.5, mentions: ["'datasets.gaussian.sample.n'", "2.5"])
    }

    func testZeroSamples() throws {
        try assertRejected("datasets.gaussian.sample.n", 0, mentions: ["'datasets.gaussian.sample.n'", "value 0"])
    }

    func testNegativeSamples() throws {
        try assertRejected("datasets.gaussian.sample.n", -5, mentions: ["'datasets.gaussian.sample.n'", "-5"])
    }

    func testNegativeSigma() throws {
        try assertRejected("datasets.gaussian.sample.sigma", -0.1, mentions: ["'datasets.gaussian.sample.sigma'", "-0.1", "≥ 0"])
    }

    func testNonFiniteNumber() throws {
        let text = jsonText(smallConfig()).replacingOccurrences(of: "\"sigma\" : 0.2", with: "\"sigma\" : 1e999")
        XCTAssertTrue(text.contains("1e999"))
        try assertRejected(text, mentions: ["'datasets.gaussian.sample.sigma'", "finite"])
    }

    func testNegativeSeed() throws {
        try assertRejected("datasets.gaussian.sample.seed", -1, mentions: ["'datasets.gaussian.sample.seed'", "-1"])
    }

    func testRunNamesMissingDataset() throws {
        try assertRejected("runs.noisy.dataset", "paper", mentions: ["'runs.noisy.dataset'", "\"paper\"", "no such dataset"])
    }

    func testMissingDataFile() throws {
        var config = smallConfig()
        config = setting(config, "datasets.gaussian.sample", nil)
        config = setting(config, "datasets.gaussian.file", ["path": "nowhere/data.dat"])
        try assertRejected(jsonText(config), mentions: ["'datasets.gaussian.file.path'", "nowhere/data.dat", "not found"])
    }

    func testBothSampleAndFile() throws {
        try assertRejected("datasets.gaussian.file", ["path": "x.dat"], mentions: ["'datasets.gaussian'", "exactly one"])
    }

    func testTeacherVectorsOfDifferentLength() throws {
        try assertRejected("datasets.gaussian.teacher.v", [2.0, 1.0], mentions: ["'datasets.gaussian.teacher.v'", "[2,1]", "same length"])
    }

    func testEmptyTeacher() throws {
        try assertRejected("datasets.gaussian.teacher.w", [Double](), mentions: ["'datasets.gaussian.teacher.w'", "at least 1"])
    }

    func testUnknownTargets() throws {
        try assertRejected("runs.clean.targets", "dirty", mentions: ["'runs.clean.targets'", "\"dirty\"", "one of"])
    }

    func testBadRunName() throws {
        var config = smallConfig()
        config = setting(config, "runs", ["no/isy": ["dataset": "gaussian"]])
        try assertRejected(jsonText(config), mentions: ["'runs.no/isy'", "names may use only"])
    }

    func testNoRuns() throws {
        try assertRejected("runs", [String: Any](), mentions: ["'runs'", "at least one run"])
    }

    func testMissingRequiredKey() throws {
        try assertRejected("runs", nil, mentions: ["'runs'", "required"])
    }

    func testZeroAlignmentDepth() throws {
        try assertRejected("eigen.alignment_depth", 0, mentions: ["'eigen.alignment_depth'", "value 0", "≥ 1"])
    }

    func testAlignmentDepthBeyondDimension() throws {
        try assertRejected("eigen.alignment_depth", 5, mentions: ["'eigen.alignment_depth'", "5", "2·train.width = 4"])
    }

    func testNonBooleanRefineRepresentatives() throws {
        try assertRejected("phases.refine_representatives", "yes", mentions: ["'phases.refine_representatives'", "\"yes\"", "boolean"])
    }

    func testUnknownMultistartDistribution() throws {
        try assertRejected("multistart.distribution", "cauchy", mentions: ["'multistart.distribution'", "\"cauchy\"", "one of"])
    }

    func testCheckIntervalBeyondBudget() throws {
        try assertRejected("multistart.check_interval", 50000, mentions: ["'multistart.check_interval'", "50000", "max_steps = 2000"])
    }

    func testInvalidJSON() throws {
        try assertRejected("{\"datasets\": {,}", mentions: ["pipeline.json", "not valid JSON"])
    }

    func testNonPositiveLearningRate() throws {
        try assertRejected("train.eta", 0, mentions: ["'train.eta'", "value 0", "> 0"])
    }

    func testNonPositiveSteps() throws {
        try assertRejected("train.steps", 0, mentions: ["'train.steps'", "value 0", "≥ 1"])
    }

    func testZeroWidth() throws {
        try assertRejected("train.width", 0, mentions: ["'train.width'", "value 0", "≥ 1"])
    }

    func testInitialPointOfWrongLength() throws {
        try assertRejected("train.init", ["kind": "explicit", "w": [0.1, 0.2, 0.3], "v": [0.1, 0.2, 0.3]],
                           mentions: ["'train.init.w'", "[0.1,0.2,0.3]", "width is 2"])
    }

    func testUnknownTrainingMethod() throws {
        try assertRejected("train.method", "adam", mentions: ["'train.method'", "\"adam\"", "one of"])
    }

    // MARK: Values the schema's types allow but a stage refuses: checked before anything runs.

    func testStepsBeyondAnyRunnableCount() throws {
        try assertRejected("train.steps", 1e30, mentions: ["'train.steps'", "1e+30"])
    }

    func testWidthTheMultistartStageCannotCluster() throws {
        var config = setting(smallConfig(), "train.width", 8)
        config = setting(config, "train.init", ["kind": "random"])
        try assertRejected(jsonText(config), mentions: ["'train.width'", "value 8", "width ≤ 7"])
    }

    func testNewtonSettingsNamedByTheirSection() throws {
        try assertRejected("eigen.newton_max_iterations", -1, mentions: ["'eigen.newton_max_iterations'", "value -1"])
    }
}
