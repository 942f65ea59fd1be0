import Foundation
import PipelineCore
import PipelineEngine
import TestSupport
import XCTest

/// `--set key.path=value`: parsing, placing into the document, the schema's verdict on the result,
/// and the variant's folder name.
final class ConfigOverrideTests: XCTestCase {
    private let schema = """
        {"type": "object", "additionalProperties": false, "properties": {
          "store": {"type": "string", "default": "store"},
          "method": {"type": "string", "enum": ["gd", "sgd"], "default": "gd"},
          "train": {"type": "object", "additionalProperties": false, "properties": {
            "eta": {"type": "number", "exclusiveMinimum": 0, "default": 0.01},
            "w": {"type": "array", "items": {"type": "number"}, "default": [1]}}}}}
        """

    private func load(_ document: String, _ overrides: [String]) throws -> Configuration {
        try Configuration.load(
            Data(document.utf8), file: URL(fileURLWithPath: "/tmp/config.json"),
            schema: try JSONValue.parse(Data(schema.utf8), source: "schema"),
            overrides: try overrides.map(ConfigOverride.init(parsing:)))
    }

    func testValuesAreJSONAndOtherTextIsAString() throws {
        XCTAssertEqual(try ConfigOverride(parsing: "train.eta=0.02").value, .number(0.02))
        XCTAssertEqual(try ConfigOverride(parsing: "train.eta=0.02").key, "train.eta")
        XCTAssertEqual(try ConfigOverride(parsing: "train.w=[1, -2]").value, .array([.number(1), .number(-2)]))
        XCTAssertEqual(try ConfigOverride(parsing: "method=sgd").value, .string("sgd"))
        XCTAssertEqual(try ConfigOverride(parsing: "method=\"sgd\"").value, .string("sgd"))
        XCTAssertEqual(try ConfigOverride(parsing: "flag=true").value, .bool(true))
        // The first `=` splits: a string value may hold more.
        XCTAssertEqual(try ConfigOverride(parsing: "note=a=b").value, .string("a=b"))
        for malformed in ["train.eta", "=1", "train..eta=1", ".eta=1", "train.=1"] {
            XCTAssertThrowsError(try ConfigOverride(parsing: malformed), malformed) { error in
                XCTAssertTrue("\(error)".contains("expected key.path=value"), "\(error)")
            }
        }
    }

    func testOverridesReplaceTheFileValueBeforeValidationAndDefaultsFillTheRest() throws {
        let configuration = try load(#"{"train": {"eta": 0.5}}"#, ["train.eta=0.02", "method=sgd"])
        XCTAssertEqual(try configuration.double("train.eta"), 0.02)
        XCTAssertEqual(try configuration.string("method"), "sgd")
        XCTAssertEqual(try configuration.doubles("train.w"), [1])
        // A missing section is created; the later of two overrides of one key wins.
        let created = try load("{}", ["train.eta=0.3", "train.eta=0.4"])
        XCTAssertEqual(try created.double("train.eta"), 0.4)
    }

    func testABadOverrideIsRefusedLikeTheSameValueInTheFile() throws {
        let cases: [(String, String, String)] = [
            ("train.eta=-1", "train.eta", "must be > 0"),
            ("train.eta=fast", "train.eta", "got string"),
            ("method=adam", "method", "must be one of"),
            ("train.colour=1", "train.colour", "unknown key"),
        ]
        for (text, path, message) in cases {
            let fromFlag = try ConfigOverride(parsing: text)
            XCTAssertThrowsError(try load("{}", [text]), text) { error in
                let error = error as? ConfigError
                XCTAssertEqual(error?.path, path, text)
                XCTAssertTrue(error?.message.contains(message) ?? false, "\(String(describing: error))")
                XCTAssertTrue(fromFlag.concerns(path), text)
            }
        }
        XCTAssertThrowsError(try load(#"{"method": "gd"}"#, ["method.kind=1"])) { error in
            XCTAssertEqual((error as? ConfigError)?.path, "method", "\(error)")
            XCTAssertTrue("\(error)".contains("is not an object"), "\(error)")
        }
        XCTAssertFalse(try ConfigOverride(parsing: "train.eta=1").concerns("train.etab"))
    }

    func testVariantNamesAreSafeFolderNamesAndShortForLongLists() throws {
        let overrides = try ["train.eta=0.02", "method=\"sgd\""].map(ConfigOverride.init(parsing:))
        XCTAssertEqual(ConfigOverride.variantName(overrides), "train.eta=0.02,method=_sgd_")
        XCTAssertEqual(ConfigOverride.safeName("HEAD~1/../x"), "HEAD_1_.._x")
        XCTAssertEqual(ConfigOverride.safeName("..hidden"), "hidden")
        let long = try (0..<20).map { try ConfigOverride(parsing: "train.w=[\($0)]") }
        let name = ConfigOverride.variantName(long)
        XCTAssertEqual(name.count, 64 + 1 + 12)
        XCTAssertNotEqual(name, ConfigOverride.variantName(Array(long.dropLast())))
    }

    func testAVariantPublishesUnderItsOwnFolderAndSharesTheArtifacts() {
        let base = ArtifactStore(directory: URL(fileURLWithPath: "/r"), stageNames: ["render"])
        let variant = ArtifactStore(directory: URL(fileURLWithPath: "/r"), stageNames: ["render"], variant: "a=1")
        XCTAssertEqual(base.publishedURL("figures").path, "/r/figures")
        XCTAssertEqual(variant.publishedURL("figures").path, "/r/variants/a=1/figures")
        XCTAssertEqual(variant.artifactPath(stage: "render", key: "k"), base.artifactPath(stage: "render", key: "k"))
    }
}
