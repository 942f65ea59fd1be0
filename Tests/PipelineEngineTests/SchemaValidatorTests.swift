import Foundation
import PipelineCore
import PipelineEngine
import XCTest

/// The schema check that fills defaults (so an omitted key and its explicit default hash the same)
/// and the explanations of a stale node's changed keys.
final class SchemaValidatorTests: XCTestCase {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONValue.parse(Data(text.utf8), source: "test.json")
    }

    func testOverflowingNumberIsKeptForTheSchemaToName() throws {
        let value = try parse(#"{"sigma": 1e999}"#)
        XCTAssertEqual(value["sigma"], .number(.infinity))
        let schema = try parse(#"{"type": "object", "properties": {"sigma": {"type": "number"}}}"#)
        XCTAssertThrowsError(try SchemaValidator(schema: schema).validate(value)) { error in
            XCTAssertEqual((error as? ConfigError)?.path, "sigma")
        }
    }

    func testSchemaFillsDefaultsSoOmittedEqualsExplicit() throws {
        let schema = try parse(
            """
            {"type": "object", "additionalProperties": false, "properties": {
              "train": {"type": "object", "default": {}, "additionalProperties": false, "properties": {
                "eta": {"type": "number", "exclusiveMinimum": 0, "default": 0.01},
                "steps": {"type": "integer", "minimum": 1, "default": 3000000}}}}}
            """)
        let validator = SchemaValidator(schema: schema)
        let omitted = try validator.validate(try parse("{}"))
        let explicit = try validator.validate(try parse(#"{"train": {"eta": 0.01, "steps": 3000000}}"#))
        XCTAssertEqual(omitted.canonical, explicit.canonical)
        XCTAssertThrowsError(try validator.validate(try parse(#"{"train": {"steps": 2.5}}"#))) { error in
            XCTAssertEqual((error as? ConfigError)?.path, "train.steps")
            XCTAssertEqual((error as? ConfigError)?.value, "2.5")
        }
        XCTAssertThrowsError(try validator.validate(try parse(#"{"train": {"eta": 0}}"#))) { error in
            XCTAssertTrue("\(error)".contains("must be > 0"), "\(error)")
        }
    }

    func testConfigDifferencesNameEveryChangedKey() throws {
        let old = try parse(#"{"eta": 0.01, "init": {"w": [1, 2]}, "gone": 1}"#)
        let new = try parse(#"{"eta": 0.02, "init": {"w": [1, 3]}, "added": true}"#)
        XCTAssertEqual(
            configDifferences(old, new),
            [
                "added: (absent) → true", "eta: 0.01 → 0.02", "gone: 1 → (removed)", "init.w: [1,2] → [1,3]",
            ])
        XCTAssertEqual(configDifferences(old, old), [])
    }
}
