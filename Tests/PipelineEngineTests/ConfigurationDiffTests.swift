import Foundation
import HDF5Kit
import PipelineCore
import PipelineEngine
import TestSupport
import XCTest

/// Comparing two configurations of the toy pipeline (`ToyPipelineTests`): the parameters that
/// differ, the nodes whose keys differ, and the declared metrics read from the artifacts.
final class ConfigurationDiffTests: XCTestCase {
    private typealias Numbers = ToyPipelineTests.Numbers
    private typealias Sum = ToyPipelineTests.Sum

    private let schema = """
        {"type": "object", "additionalProperties": false, "properties": {
          "store": {"type": "string", "default": "store"},
          "scale": {"type": "number", "default": 1},
          "lists": {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": false,
            "properties": {"count": {"type": "integer"}, "start": {"type": "number", "default": 0}}}}}}
        """
    private let declarations: [String: [MetricDeclaration]] = [
        "sum": [.attribute("sum", "@sum", "the scaled sum"), .attribute("absent", "@nothing", "not written")],
        "numbers": [.elements("value", "values", "each number")],
    ]
    private var directory: URL!

    override func setUp() { directory = makeTemporaryDirectory("mlp-diff") }
    override func tearDown() { try? FileManager.default.removeItem(at: directory) }

    private func plan(_ overrides: [String]) throws -> Pipeline {
        let path = directory.appendingPathComponent("toy.json")
        write(jsonText(["lists": ["a": ["count": 3, "start": 1], "b": ["count": 2]]] as [String: Any]), to: path)
        let configuration = try Configuration.load(
            path: path.path, schema: try JSONValue.parse(Data(schema.utf8), source: "schema"),
            overrides: try overrides.map(ConfigOverride.init(parsing:)))
        return try Pipeline(
            configuration: configuration, stages: [StageDefinition(Numbers.self), StageDefinition(Sum.self)],
            code: FixedCode(), store: try configuration.storeDirectory())
    }

    private func run(_ pipeline: Pipeline) throws {
        _ = try Runner(pipeline: pipeline, options: Runner.Options(), executor: InProcessExecutor()) { _ in }.run()
    }

    func testParametersThatDifferByDottedKeyWithAbsentSides() throws {
        let left = try JSONValue.parse(Data(#"{"a": {"x": 1, "y": [1, 2]}, "b": "s", "gone": 1}"#.utf8), source: "l")
        let right = try JSONValue.parse(
            Data(#"{"a": {"x": 2, "y": [1, 2]}, "b": "s", "new": {"z": true}}"#.utf8), source: "r")
        XCTAssertEqual(
            ConfigurationDiff.parameters(left, right).map { [$0.key, $0.left?.canonical, $0.right?.canonical] },
            [["a.x", "1", "2"], ["gone", "1", nil], ["new.z", nil, "true"]])
        XCTAssertEqual(ConfigurationDiff.parameters(left, left), [])
    }

    func testNodesWhoseKeysDifferBeforeAndAfterTheVariantRuns() throws {
        let base = try plan([])
        try run(base)
        let variant = try plan(["lists.b.count=4"])
        // Before the variant runs: numbers[b]'s settings differ, and the sum (pending) through its input.
        var nodes = try ConfigurationDiff.nodes(base, try base.status(), variant, try variant.status())
        XCTAssertEqual(nodes.map(\.id.description), ["numbers[b]", "sum"])
        XCTAssertEqual(nodes.map(\.reason), ["settings", "inputs"])
        XCTAssertNil(nodes[1].right, "the sum's key is pending on the right")
        try run(variant)
        nodes = try ConfigurationDiff.nodes(base, try base.status(), variant, try variant.status())
        XCTAssertEqual(nodes.map(\.id.description), ["numbers[b]", "sum"])
        XCTAssertEqual(nodes.map(\.reason), ["settings", "inputs or code"])
        XCTAssertTrue(nodes.allSatisfy { $0.left != nil && $0.right != nil && $0.left != $0.right })
        // Both configurations are fresh in the one store.
        XCTAssertEqual(Set(try base.status().map(\.state)), [.fresh])
        XCTAssertEqual(Set(try variant.status().map(\.state)), [.fresh])
        // A new list is a node on the right only.
        let wider = try plan(["lists.c.count=1"])
        XCTAssertEqual(
            try ConfigurationDiff.nodes(base, try base.status(), wider, try wider.status()).map(\.reason),
            ["only on the right", "inputs"])
    }

    func testMetricsAreReadFromFreshArtifactsAndComparedSideBySide() throws {
        let base = try plan([])
        let variant = try plan(["lists.b.count=4", "scale=2"])
        // Nothing built: the nodes are listed with their state and no value.
        XCTAssertEqual(
            try NodeMetrics.of(base, declarations: declarations).map(\.state), [.missing, .missing, .missing])
        try run(base)
        let left = try NodeMetrics.of(base, declarations: declarations)
        XCTAssertEqual(
            left.first { $0.id.stage == "sum" }?.values.map(\.name), ["sum"], "an absent attribute gives no value")
        XCTAssertEqual(
            left.first { $0.id.description == "numbers[a]" }?.values.map(\.value), [1, 2, 3].map { .number($0) })
        let right = try NodeMetrics.of(variant, declarations: declarations)
        // The variant's sum was built for the base: stale, with no value.
        XCTAssertEqual(right.first { $0.id.stage == "sum" }?.state, .stale)
        XCTAssertEqual(right.first { $0.id.stage == "sum" }?.values, [])

        try run(variant)
        let rows = MetricComparison.pair(left, try NodeMetrics.of(variant, declarations: declarations))
        let sum = try XCTUnwrap(rows.first { $0.name == "sum" })
        XCTAssertEqual(sum.left?.value, .number(6 + 0 + 1))
        XCTAssertEqual(sum.right?.value, .number(2 * (6 + 0 + 1 + 2 + 3)))
        XCTAssertEqual(sum.change, 2 * 12 - 7)
        XCTAssertEqual(sum.changeText, "+17 (+242.857%)")
        let added = try XCTUnwrap(rows.first { $0.node.description == "numbers[b]" && $0.name == "value[3]" })
        XCTAssertNil(added.left)
        XCTAssertEqual(added.changeText, "")
        XCTAssertEqual(rows.first { $0.node.description == "numbers[a]" && $0.name == "value[0]" }?.changeText, "=")
    }
}
