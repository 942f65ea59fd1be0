import Foundation
import TestSupport
import XCTest

/// `pipeline config` prints the effective configuration: schema defaults filled in, keys sorted;
/// an invalid configuration is refused like every other subcommand does (one line, exit code 2).
final class ConfigCommandTests: XCTestCase {
    private var project: URL!

    override func setUp() {
        project = makeTemporaryDirectory("mlp-config")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: project)
    }

    /// Writes a configuration into the project and runs `pipeline config` on it.
    private func printConfig(_ config: [String: Any], name: String = "pipeline.json") throws -> CommandResult {
        let file = project.appendingPathComponent(name)
        write(jsonText(config), to: file)
        return try runProduct("pipeline", ["config", "--config", file.path])
    }

    /// Parses the printed document.
    private func document(_ result: CommandResult, file: StaticString = #filePath, line: UInt = #line) throws
        -> [String: Any]
    {
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        return try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], file: file, line: line)
    }

    func testOmittedKeysShowTheirDefaults() throws {
        let config = setting(smallConfig(), "train.eta", nil)
        let printed = try document(try printConfig(config))
        let train = try XCTUnwrap(printed["train"] as? [String: Any])
        XCTAssertEqual(train["eta"] as? Double, 0.01, "train.eta's default")
        XCTAssertEqual(train["method"] as? String, "gd")
        XCTAssertEqual(train["steps"] as? Int, 2000, "a value written in the file stays")
        let initial = try XCTUnwrap(train["init"] as? [String: Any])
        XCTAssertEqual(initial["w"] as? [Double], [-0.13, 0.13])
        XCTAssertEqual(initial["v"] as? [Double], [0.16, -0.15])
        let phases = try XCTUnwrap(printed["phases"] as? [String: Any], "a section absent from the file appears whole")
        XCTAssertEqual(phases["minimum_segment_points"] as? Int, 3)
        XCTAssertEqual(printed["store"] as? String, "results")
    }

    func testKeysAreSorted() throws {
        let result = try printConfig(smallConfig())
        let topLevel = result.stdout.split(separator: "\n").filter { $0.hasPrefix("  \"") }
            .map { String($0.dropFirst(3).prefix { $0 != "\"" }) }
        XCTAssertEqual(topLevel, topLevel.sorted())
        // The file's sections and every section the schema gives a default, no other.
        let schema = try XCTUnwrap(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: packageRoot.appendingPathComponent("pipeline.schema.json"))) as? [String: Any])
        let sections = try XCTUnwrap(schema["properties"] as? [String: [String: Any]])
        let defaulted = sections.filter { $0.value["default"] != nil }.map(\.key)
        XCTAssertEqual(Set(topLevel), Set(defaulted).union(smallConfig().keys))
        XCTAssertTrue(topLevel.contains("richer"), "a section absent from the file appears")
    }

    func testInvalidValueExitsWithCodeTwo() throws {
        let result = try printConfig(setting(smallConfig(), "train.eta", -1))
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "one message expected, got: \(result.stderr)")
        XCTAssertTrue(result.stderr.contains("train.eta"), result.stderr)
        XCTAssertEqual(result.stdout, "")
    }

    /// The shipped `pipeline.json` spells out the paper's parameters; they must be the schema's
    /// defaults, so that it prints (and hashes) exactly like the same file with them omitted.
    func testShippedConfigurationWritesOnlyDefaults() throws {
        let shippedFile = packageRoot.appendingPathComponent("pipeline.json")
        let asShipped = try runProduct("pipeline", ["config", "--config", shippedFile.path])
        XCTAssertEqual(asShipped.status, 0, "the default configuration is valid in the project: \(asShipped.stderr)")
        let shipped = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: shippedFile)) as? [String: Any])
        let path = ((shipped["datasets"] as? [String: Any])?["authors"] as? [String: Any])?["file"] as? [String: Any]
        XCTAssertEqual(
            path?["path"] as? String, "data/maleknia-sato/data.dat", "the authors' data, shipped in the project")

        // The same document elsewhere (absolute data path), with and without the explicit defaults.
        let data = packageRoot.appendingPathComponent("data/maleknia-sato/data.dat").path
        let explicit = setting(shipped, "datasets.authors.file.path", data)
        var omitted = setting(setting(explicit, "train", nil), "multistart", nil)
        omitted = setting(setting(omitted, "store", nil), "datasets.authors.teacher", nil)
        let printedExplicit = try printConfig(explicit, name: "explicit.json")
        let printedOmitted = try printConfig(omitted, name: "omitted.json")
        XCTAssertEqual(printedExplicit.status, 0, printedExplicit.stderr)
        XCTAssertEqual(printedExplicit.stdout, printedOmitted.stdout)
        let train = try XCTUnwrap(shipped["train"] as? [String: Any])
        XCTAssertEqual(train["steps"] as? Int, 3_000_000, "the paper's T")
    }
}
