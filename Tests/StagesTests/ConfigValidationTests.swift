import Foundation
import PipelineCore
import PipelineEngine
import StageRegistry
import TestSupport
import XCTest

/// Each invalid configuration is refused while planning, before anything runs, with one message
/// naming the key and value — the message `pipeline` prints with exit code 2 (`ExitCodeTests` checks
/// the process, and that nothing is written).
final class ConfigValidationTests: XCTestCase {
    private var project: URL!

    override func setUp() {
        project = makeTemporaryDirectory("mlp-config")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: project)
    }

    /// Plans `text` as `pipeline.json` with the shipped schema and every stage.
    private func plan(_ text: String) throws -> Pipeline {
        let path = project.appendingPathComponent("pipeline.json")
        try text.write(to: path, atomically: true, encoding: .utf8)
        return try StagesTests.plan(path)
    }

    /// Checks that planning `text` fails with a `ConfigError` whose one-line message has every fragment.
    private func assertRejected(
        _ text: String, mentions fragments: [String], file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try plan(text), file: file, line: line) { error in
            guard let error = error as? ConfigError else {
                return XCTFail("not a ConfigError: \(error)", file: file, line: line)
            }
            let message = "error: pipeline.json: \(error)"
            XCTAssertFalse(message.contains("\n"), "one line expected: \(message)", file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue(
                    message.contains(fragment), "'\(fragment)' missing from: \(message)", file: file, line: line)
            }
        }
    }

    private func assertRejected(
        _ path: String, _ value: Any?, mentions fragments: [String], file: StaticString = #filePath, line: UInt = #line
    ) {
        assertRejected(jsonText(setting(smallConfig(), path, value)), mentions: fragments, file: file, line: line)
    }

    /// `smallConfig()` with a small sweep `s`, then `path` set to `value`.
    private func assertSweepRejected(
        _ path: String, _ value: Any?, mentions fragments: [String], file: StaticString = #filePath, line: UInt = #line
    ) {
        let sweep: [String: Any] = ["n": [10, 20], "sigma": [0.2], "seeds": ["count": 2]]
        assertRejected(
            jsonText(setting(setting(smallConfig(), "sweeps", ["s": sweep]), path, value)), mentions: fragments,
            file: file, line: line)
    }

    func testTheSmallConfigurationPlans() throws {
        XCTAssertGreaterThan(try plan(jsonText(smallConfig())).nodes.count, 10)
    }

    func testSweepUnknownKey() throws {
        assertSweepRejected("sweeps.s.stars", 4, mentions: ["'sweeps.s.stars'", "unknown key"])
    }

    func testSweepSampleSizeTooSmall() throws {
        assertSweepRejected("sweeps.s.n", [10, 1], mentions: ["'sweeps.s.n[1]'", "≥ 2"])
    }

    func testSweepZeroSigma() throws {
        assertSweepRejected("sweeps.s.sigma", [0], mentions: ["'sweeps.s.sigma[0]'", "> 0"])
    }

    func testSweepRepeatedGridValue() throws {
        assertSweepRejected("sweeps.s.sigma", [0.2, 0.2], mentions: ["'sweeps.s.sigma'", "twice"])
    }

    func testSweepWithoutSeeds() throws {
        assertSweepRejected("sweeps.s.seeds", nil, mentions: ["'sweeps.s.seeds'", "required"])
    }

    func testSweepZeroDatasets() throws {
        assertSweepRejected("sweeps.s.seeds.count", 0, mentions: ["'sweeps.s.seeds.count'", "≥ 1"])
    }

    func testSweepNegativeBudgetExponent() throws {
        assertSweepRejected(
            "sweeps.s.budget", ["sigma_exponent": -1], mentions: ["'sweeps.s.budget.sigma_exponent'", "-1"])
    }

    func testSweepThatRunsNothing() throws {
        let config = setting(
            setting(
                setting(smallConfig(), "sweeps", ["s": ["n": [10], "sigma": [0.2], "seeds": ["count": 1]]]),
                "sweeps.s.paper_init", false), "sweeps.s.starts", 0)
        assertRejected(jsonText(config), mentions: ["'sweeps.s.starts'", "run nothing"])
    }

    func testSweepBadName() throws {
        assertRejected(
            jsonText(setting(smallConfig(), "sweeps", ["a.b": ["n": [10], "sigma": [0.2], "seeds": ["count": 1]]])),
            mentions: ["'sweeps.a.b'", "names may use only"])
    }

    func testSweepNameClash() throws {
        // σ = 1 makes the sweep's dataset name `s-n10-s1-d1`, a name a dataset may have.
        let config = setting(
            setting(smallConfig(), "sweeps", ["s": ["n": [10], "sigma": [1], "seeds": ["count": 1]]]),
            "datasets.s-n10-s1-d1", ["sample": ["n": 10]])
        assertRejected(jsonText(config), mentions: ["'sweeps.s'", "taken"])
    }

    func testUnknownTopLevelKey() throws {
        assertRejected("trian", ["eta": 0.1], mentions: ["'trian'", "unknown key"])
    }

    func testUnknownNestedKey() throws {
        assertRejected("datasets.gaussian.sample.nn", 3, mentions: ["'datasets.gaussian.sample.nn'", "unknown key"])
    }

    func testWrongType() throws {
        assertRejected(
            "datasets.gaussian.sample.n", "100", mentions: ["'datasets.gaussian.sample.n'", "\"100\"", "integer"])
    }

    func testNonIntegerCount() throws {
        assertRejected("datasets.gaussian.sample.n", 2.5, mentions: ["'datasets.gaussian.sample.n'", "2.5"])
    }

    func testZeroSamples() throws {
        assertRejected("datasets.gaussian.sample.n", 0, mentions: ["'datasets.gaussian.sample.n'", "value 0"])
    }

    func testNegativeSamples() throws {
        assertRejected("datasets.gaussian.sample.n", -5, mentions: ["'datasets.gaussian.sample.n'", "-5"])
    }

    func testNegativeSigma() throws {
        assertRejected(
            "datasets.gaussian.sample.sigma", -0.1, mentions: ["'datasets.gaussian.sample.sigma'", "-0.1", "≥ 0"])
    }

    func testNonFiniteNumber() throws {
        let text = jsonText(smallConfig()).replacingOccurrences(of: "\"sigma\" : 0.2", with: "\"sigma\" : 1e999")
        XCTAssertTrue(text.contains("1e999"))
        assertRejected(text, mentions: ["'datasets.gaussian.sample.sigma'", "finite"])
    }

    func testNegativeSeed() throws {
        assertRejected("datasets.gaussian.sample.seed", -1, mentions: ["'datasets.gaussian.sample.seed'", "-1"])
    }

    func testRunNamesMissingDataset() throws {
        assertRejected(
            "runs.noisy.dataset", "paper", mentions: ["'runs.noisy.dataset'", "\"paper\"", "no such dataset"])
    }

    func testMissingDataFile() throws {
        var config = smallConfig()
        config = setting(config, "datasets.gaussian.sample", nil)
        config = setting(config, "datasets.gaussian.file", ["path": "nowhere/data.dat"])
        assertRejected(jsonText(config), mentions: ["'datasets.gaussian.file.path'", "nowhere/data.dat", "not found"])
    }

    func testBothSampleAndFile() throws {
        assertRejected("datasets.gaussian.file", ["path": "x.dat"], mentions: ["'datasets.gaussian'", "exactly one"])
    }

    func testTeacherVectorsOfDifferentLength() throws {
        assertRejected(
            "datasets.gaussian.teacher.v", [2.0, 1.0],
            mentions: ["'datasets.gaussian.teacher.v'", "[2,1]", "same length"])
    }

    func testEmptyTeacher() throws {
        assertRejected(
            "datasets.gaussian.teacher.w", [Double](), mentions: ["'datasets.gaussian.teacher.w'", "at least 1"])
    }

    func testUnknownTargets() throws {
        assertRejected("runs.clean.targets", "dirty", mentions: ["'runs.clean.targets'", "\"dirty\"", "one of"])
    }

    func testBadRunName() throws {
        var config = smallConfig()
        config = setting(config, "runs", ["no/isy": ["dataset": "gaussian"]])
        assertRejected(jsonText(config), mentions: ["'runs.no/isy'", "names may use only"])
    }

    func testNoRuns() throws {
        assertRejected("runs", [String: Any](), mentions: ["'runs'", "at least one run"])
    }

    func testMissingRequiredKey() throws {
        assertRejected("runs", nil, mentions: ["'runs'", "required"])
    }

    func testZeroAlignmentDepth() throws {
        assertRejected("eigen.alignment_depth", 0, mentions: ["'eigen.alignment_depth'", "value 0", "≥ 1"])
    }

    func testAlignmentDepthBeyondDimension() throws {
        assertRejected("eigen.alignment_depth", 5, mentions: ["'eigen.alignment_depth'", "5", "2m = 4"])
    }

    func testNonBooleanRefineRepresentatives() throws {
        assertRejected(
            "phases.refine_representatives", "yes", mentions: ["'phases.refine_representatives'", "\"yes\"", "boolean"])
    }

    func testUnknownMultistartDistribution() throws {
        assertRejected(
            "multistart.distribution", "cauchy", mentions: ["'multistart.distribution'", "\"cauchy\"", "one of"])
    }

    func testCheckIntervalBeyondBudget() throws {
        assertRejected(
            "multistart.check_interval", 50000, mentions: ["'multistart.check_interval'", "50000", "max_steps = 2000"])
    }

    func testInvalidJSON() throws {
        assertRejected("{\"datasets\": {,}", mentions: ["pipeline.json", "not valid JSON"])
    }

    func testNonPositiveLearningRate() throws {
        assertRejected("train.eta", 0, mentions: ["'train.eta'", "value 0", "> 0"])
    }

    func testNonPositiveSteps() throws {
        assertRejected("train.steps", 0, mentions: ["'train.steps'", "value 0", "≥ 1"])
    }

    func testZeroWidth() throws {
        assertRejected("train.width", 0, mentions: ["'train.width'", "value 0", "≥ 1"])
    }

    func testInitialPointOfWrongLength() throws {
        assertRejected(
            "train.init", ["kind": "explicit", "w": [0.1, 0.2, 0.3], "v": [0.1, 0.2, 0.3]],
            mentions: ["'train.init.w'", "[0.1,0.2,0.3]", "width is 2"])
    }

    func testUnknownTrainingMethod() throws {
        assertRejected("train.method", "adam", mentions: ["'train.method'", "\"adam\"", "one of"])
    }

    // MARK: Values the schema's types allow but a stage refuses: checked before anything runs.

    func testStepsBeyondAnyRunnableCount() throws {
        assertRejected("train.steps", 1e30, mentions: ["'train.steps'", "1e+30"])
    }

    func testWidthTheMultistartStageCannotCluster() throws {
        var config = setting(smallConfig(), "train.width", 8)
        config = setting(config, "train.init", ["kind": "random"])
        assertRejected(jsonText(config), mentions: ["'train.width'", "value 8", "width ≤ 7"])
    }

    func testNewtonSettingsNamedByTheirSection() throws {
        assertRejected("eigen.newton_max_iterations", -1, mentions: ["'eigen.newton_max_iterations'", "value -1"])
    }
}
