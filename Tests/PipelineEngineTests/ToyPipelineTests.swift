import Foundation
import HDF5Kit
import PipelineCore
import PipelineEngine
import TestSupport
import XCTest

/// A pipeline of two stages defined here, with its own configuration and schema: the engine plans,
/// keys, runs (in this process), caches, cuts off early and stops at failures knowing nothing of
/// the study.
final class ToyPipelineTests: XCTestCase {
    /// Writes `count` numbers from `start` for each entry of `lists`.
    enum Numbers: Stage {
        static let name = "numbers"
        static let summary = "count numbers from start"

        struct Settings: Codable, Equatable {
            var count: Int
            var start: Double
        }

        static func instances(_ config: Configuration) throws -> [NodeSpec<Settings>] {
            try config.names("lists").map { list in
                let count = try config.int("lists.\(list).count")
                guard count >= 0 else { throw config.failure("lists.\(list).count", "must be ≥ 0") }
                return NodeSpec(
                    instance: list, settings: Settings(count: count, start: try config.double("lists.\(list).start")))
            }
        }

        static func run(_ settings: Settings, _ context: StageContext) throws {
            let writer = try context.makeWriter(stage: name)
            try writer.root.createDataset("values", doubles: (0..<settings.count).map { settings.start + Double($0) })
            try writer.commit()
        }
    }

    /// Sums every list's numbers, times `scale`.
    enum Sum: Stage {
        static let name = "sum"
        static let summary = "the sum of every list"

        struct Settings: Codable, Equatable {
            var scale: Double
        }

        static func instances(_ config: Configuration) throws -> [NodeSpec<Settings>] {
            let inputs = Dictionary(
                uniqueKeysWithValues: config.names("lists").map {
                    ("list.\($0)", NodeID(stage: Numbers.name, instance: $0))
                })
            return [NodeSpec(instance: "", settings: Settings(scale: try config.double("scale")), inputs: inputs)]
        }

        static func run(_ settings: Settings, _ context: StageContext) throws {
            var total = 0.0
            for (_, path) in try context.inputPaths().sorted(by: { $0.key < $1.key }) {
                let file = try HDF5File.open(path)
                total += try file.root.dataset("values").readDoubles().reduce(0, +)
                try file.close()
            }
            let writer = try context.makeWriter(stage: name)
            try writer.root.setAttribute("sum", .double(settings.scale * total))
            try writer.commit()
        }
    }

    private let schema = """
        {"type": "object", "additionalProperties": false, "properties": {
          "store": {"type": "string", "default": "store"},
          "scale": {"type": "number", "default": 1},
          "lists": {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": false,
            "properties": {"count": {"type": "integer"}, "start": {"type": "number", "default": 0}}, "required": \
        ["count"]}}}}
        """

    private var directory: URL!

    override func setUp() {
        directory = makeTemporaryDirectory("mlp-toy")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Plans `config` with code identities `code`.
    private func plan(_ config: [String: Any], code: [String: String] = [:]) throws -> Pipeline {
        let path = directory.appendingPathComponent("toy.json")
        write(jsonText(config), to: path)
        let configuration = try Configuration.load(
            path: path.path, schema: try JSONValue.parse(Data(schema.utf8), source: "schema"))
        return try Pipeline(
            configuration: configuration, stages: [StageDefinition(Numbers.self), StageDefinition(Sum.self)],
            code: FixedCode(code), store: try configuration.storeDirectory())
    }

    /// Plans `config` with code identities `code`, runs it in this process and returns each node's outcome.
    private func run(_ config: [String: Any], code: [String: String] = [:], force: [String] = [])
        throws -> (outcomes: [String: Runner.Outcome], pipeline: Pipeline)
    {
        let pipeline = try plan(config, code: code)
        var options = Runner.Options()
        options.jobs = 2
        options.force = force
        let reports = try Runner(pipeline: pipeline, options: options, executor: InProcessExecutor()) { _ in }.run()
        return (Dictionary(uniqueKeysWithValues: reports.map { ($0.id.description, $0.outcome) }), pipeline)
    }

    private func sum(_ pipeline: Pipeline) throws -> Double {
        let evaluation = try pipeline.status(of: NodeID(stage: Sum.name))
        let file = try HDF5File.open(try XCTUnwrap(evaluation.artifact).path)
        defer { try? file.close() }
        return try file.root.double("sum")
    }

    /// The exported Snakefile's jobs run the driver on the node, or the image's driver in a container.
    func testTheSnakefileRunsItsJobsInTheContainerWhenOneIsGiven() throws {
        let pipeline = try plan(["lists": ["a": ["count": 2]]])
        let driver = URL(fileURLWithPath: "/home/me/mlp/bin/pipeline")
        let native = Snakefile.text(pipeline: pipeline, nodes: pipeline.nodes, driver: driver, configPath: "/c.json")
        XCTAssertFalse(native.contains("container:"))
        XCTAssertTrue(native.contains("\"/home/me/mlp/bin/pipeline run-node --config /c.json --stamp sum\""), native)
        let contained = Snakefile.text(
            pipeline: pipeline, nodes: pipeline.nodes, driver: driver, configPath: "/c.json",
            container: "/images/mlp dynamics.sif")
        XCTAssertTrue(contained.contains("\ncontainer: \"/images/mlp dynamics.sif\"\n"), contained)
        XCTAssertTrue(
            contained.contains("\"\(Snakefile.imageDriver) run-node --config /c.json --stamp sum\""), contained)
        XCTAssertFalse(contained.contains("/home/me/mlp"))
    }

    func testRunsCachesAndRerunsOnlyWhatAChangeAffects() throws {
        let config: [String: Any] = ["lists": ["a": ["count": 3, "start": 1], "b": ["count": 2]]]
        let first = try run(config)
        XCTAssertEqual(first.outcomes, ["numbers[a]": .ran, "numbers[b]": .ran, "sum": .ran])
        XCTAssertEqual(try sum(first.pipeline), 1 + 2 + 3 + 0 + 1)
        XCTAssertEqual(try run(config).outcomes, ["numbers[a]": .fresh, "numbers[b]": .fresh, "sum": .fresh])

        let changed = try run(setting(config, "lists.b.count", 4))
        XCTAssertEqual(changed.outcomes, ["numbers[a]": .fresh, "numbers[b]": .ran, "sum": .ran])
        XCTAssertEqual(try sum(changed.pipeline), 6 + 0 + 1 + 2 + 3)
        // Reverting finds the first artifacts again.
        XCTAssertEqual(try run(config).outcomes, ["numbers[a]": .fresh, "numbers[b]": .fresh, "sum": .fresh])
        // A setting that equals its schema default keys like the omitted one.
        XCTAssertEqual(try run(setting(config, "lists.b.start", 0)).outcomes["numbers[b]"], .fresh)
    }

    func testNewCodeThatReproducesItsContentLeavesDescendantsFresh() throws {
        let config: [String: Any] = ["lists": ["a": ["count": 3]]]
        XCTAssertEqual(try run(config, code: ["numbers": "v1"]).outcomes, ["numbers[a]": .ran, "sum": .ran])
        XCTAssertEqual(try run(config, code: ["numbers": "v2"]).outcomes, ["numbers[a]": .ran, "sum": .fresh])
        // --force re-runs a stage and what depends on it, whatever the content.
        XCTAssertEqual(
            try run(config, code: ["numbers": "v2"], force: ["numbers"]).outcomes, ["numbers[a]": .ran, "sum": .ran])
        XCTAssertEqual(
            try run(config, code: ["numbers": "v2", "sum": "s2"]).outcomes, ["numbers[a]": .fresh, "sum": .ran])
    }

    func testAnInvalidSettingIsRefusedWhilePlanningAndNothingIsWritten() throws {
        let config: [String: Any] = ["lists": ["a": ["count": 3, "start": 1], "b": ["count": -1]]]
        XCTAssertThrowsError(try run(config)) { error in
            XCTAssertEqual((error as? ConfigError)?.path, "lists.b.count", "\(error)")
            XCTAssertEqual((error as? ConfigError)?.value, "-1", "\(error)")
        }
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: directory.appendingPathComponent("store").path), "nothing written")
    }

    func testAStageErrorFailsItsNodeAndSkipsTheSum() throws {
        let config: [String: Any] = ["lists": ["a": ["count": 3, "start": 1]]]
        let path = directory.appendingPathComponent("toy.json")
        write(jsonText(config), to: path)
        let configuration = try Configuration.load(
            path: path.path, schema: try JSONValue.parse(Data(schema.utf8), source: "schema"))
        enum Broken: Stage {
            static let name = "numbers"
            static let summary = "fails"
            typealias Settings = Numbers.Settings
            static func instances(_ config: Configuration) throws -> [NodeSpec<Settings>] {
                try Numbers.instances(config)
            }
            static func run(_ settings: Settings, _ context: StageContext) throws {
                throw StageFailure("broken on purpose")
            }
        }
        let pipeline = try Pipeline(
            configuration: configuration, stages: [StageDefinition(Broken.self), StageDefinition(Sum.self)],
            code: FixedCode(), store: try configuration.storeDirectory())
        var lines: [String] = []
        let reports = try Runner(pipeline: pipeline, options: Runner.Options(), executor: InProcessExecutor()) {
            lines.append($0)
        }.run()
        XCTAssertEqual(reports.map(\.outcome), [.failed, .skipped])
        XCTAssertTrue(lines[1].contains("input numbers[a] did not complete"), lines[1])
        XCTAssertEqual(try pipeline.status().map(\.state), [.missing, .missing])
    }

    func testInputsThatNoStagePlansAndCyclesAreRefused() throws {
        enum Orphan: Stage {
            static let name = "orphan"
            static let summary = "needs a node that does not exist"
            struct Settings: Codable {}
            static func instances(_ config: Configuration) throws -> [NodeSpec<Settings>] {
                [NodeSpec(instance: "", settings: Settings(), inputs: ["x": NodeID(stage: "nowhere")])]
            }
            static func run(_ settings: Settings, _ context: StageContext) throws {}
        }
        let path = directory.appendingPathComponent("toy.json")
        write(jsonText(["lists": [:]] as [String: Any]), to: path)
        let configuration = try Configuration.load(
            path: path.path, schema: try JSONValue.parse(Data(schema.utf8), source: "schema"))
        XCTAssertThrowsError(
            try Pipeline(
                configuration: configuration, stages: [StageDefinition(Orphan.self)], code: FixedCode(),
                store: directory)
        ) { error in
            XCTAssertTrue("\(error)".contains("orphan needs nowhere, which no stage plans"), "\(error)")
        }
    }
}
