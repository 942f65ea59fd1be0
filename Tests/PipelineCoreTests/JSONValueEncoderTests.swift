import Foundation
import PipelineCore
import XCTest

/// The slice encoder against Foundation's `JSONEncoder` with `.convertToSnakeCase` (the reference),
/// and back through `JSONDecoder` with `.convertFromSnakeCase` (what a stage process does).
final class JSONValueEncoderTests: XCTestCase {
    enum Kind: String, Codable, Equatable { case gd, sgd }

    enum Start: Codable, Equatable {
        case explicit(w: [Double], v: [Double])
        case random(seed: UInt64, scale: Double)
    }

    struct Inner: Codable, Equatable {
        var gammaPoints: Int
        var scanRange: [Double]
        var functionXRange: [Double]
    }

    struct Settings: Codable, Equatable {
        var method: Kind
        var eta: Double
        var recordEvery: Int
        var sgdSeed: UInt64?
        var initialPoint: Start
        var inner: Inner
        var t0: [Int]
        var urlValue: String
        var flag: Bool
        var list: [Inner]
    }

    private let samples = [
        Settings(
            method: .gd, eta: 0.01, recordEvery: 10, sgdSeed: nil,
            initialPoint: .explicit(w: [-0.13, 0.13], v: [0.16, -0.15]),
            inner: Inner(gammaPoints: 801, scanRange: [0.01, 100], functionXRange: [-3.5, 3.5]), t0: [10_000],
            urlValue: "é \"q\"", flag: true, list: []),
        Settings(
            method: .sgd, eta: 1e-300, recordEvery: 1, sgdSeed: 9_007_199_254_740_992,
            initialPoint: .random(seed: 3, scale: 2.0 / 3.0),
            inner: Inner(gammaPoints: 5, scanRange: [], functionXRange: [0]),
            t0: [], urlValue: "", flag: false, list: [Inner(gammaPoints: 1, scanRange: [2], functionXRange: [3])]),
    ]

    func testEncodesLikeFoundationWithSnakeCaseKeys() throws {
        let foundation = JSONEncoder()
        foundation.keyEncodingStrategy = .convertToSnakeCase
        for settings in samples {
            let reference = try JSONValue.parse(try foundation.encode(settings), source: "reference")
            XCTAssertEqual(try JSONValueEncoder().encode(settings), reference)
        }
        let keys = try JSONValueEncoder().encode(samples[0]).objectValue?.keys.sorted()
        XCTAssertEqual(
            keys, ["eta", "flag", "initial_point", "inner", "list", "method", "record_every", "t0", "url_value"])
    }

    func testTheCanonicalSliceDecodesToTheSameSettings() throws {
        for settings in samples {
            let slice = try JSONValueEncoder().encode(settings).canonical
            XCTAssertEqual(try StageMain.decodeSettings(Settings.self, from: Data(slice.utf8)), settings, slice)
        }
    }

    func testASliceThatDoesNotDecodeNamesTheKey() {
        XCTAssertThrowsError(
            try StageMain.decodeSettings(Inner.self, from: Data(#"{"gamma_points":1,"scan_range":[1]}"#.utf8))
        ) {
            error in
            XCTAssertEqual((error as? ConfigError)?.path, "--slice function_x_range", "\(error)")
        }
        XCTAssertThrowsError(
            try StageMain.decodeSettings(
                Inner.self, from: Data(#"{"gamma_points":"x","scan_range":[],"function_x_range":[]}"#.utf8))
        ) { error in
            XCTAssertEqual((error as? ConfigError)?.path, "--slice gamma_points", "\(error)")
        }
    }
}
