import Foundation
import PipelineCore
import XCTest

/// The pieces that decide keys: parsing, canonical encoding, defaults, and change descriptions.
final class CanonicalConfigTests: XCTestCase {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONValue.parse(Data(text.utf8), source: "test.json")
    }

    func testCanonicalEncodingIgnoresKeyOrderAndWhitespace() throws {
        let a = try parse(#"{"b": [1, 2.5, -0.13], "a": {"y": true, "x": null}, "s": "é\n\"q\""}"#)
        let b = try parse(#"{ "s":"é\n\"q\"" ,"a":{"x":null,"y":true},"b":[1.0,2.5,-1.3e-1]}"#)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.canonical, b.canonical)
        XCTAssertEqual(a.canonical, #"{"a":{"x":null,"y":true},"b":[1,2.5,-0.13],"s":"é\n\"q\""}"#)
    }

    func testNumbersRoundTripExactly() throws {
        for value in [0.1, 1e-300, 3_000_000, 2.0 / 3.0, -1.5e20] {
            let text = JSONValue.number(value).canonical
            XCTAssertEqual(try parse(text), .number(value), text)
        }
    }

    func testParserReportsLineColumnAndDuplicates() {
        XCTAssertThrowsError(try parse("{\n  \"a\": 1,\n  \"a\": 2\n}")) { error in
            XCTAssertTrue("\(error)".contains("duplicate key 'a'"), "\(error)")
            XCTAssertTrue("\(error)".contains("line 3"), "\(error)")
        }
        XCTAssertThrowsError(try parse(#"{"a": [1, 2,]}"#)) { error in
            XCTAssertTrue("\(error)".contains("column 13"), "\(error)")
        }
        XCTAssertThrowsError(try parse(#"{"a": 01}"#))
        XCTAssertThrowsError(try parse(#"{"a": 1} x"#))
    }

    /// The JSON number grammar `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, exactly.
    func testNumberGrammar() throws {
        for text in ["0", "-0", "7", "-12", "0.5", "-0.25", "10.125", "1e5", "1E+5", "2e-3", "-3.5E-07", "0e0"] {
            XCTAssertEqual(try parse("[\(text)]"), .array([.number(Double(text)!)]), text)
        }
        for text in ["01", "-", "+1", "1.", ".5", "1e", "1e+", "-.5", "1.e5", "0x10", "1..2", "1e5.5", "--1", "1-2"] {
            XCTAssertThrowsError(try parse("[\(text)]"), text)
        }
    }

    func testContentHashOfStringsIsStable() {
        // SHA-256 of "abc" (FIPS 180-2 test vector): the hash every key is built on.
        XCTAssertEqual(Hashing.sha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
