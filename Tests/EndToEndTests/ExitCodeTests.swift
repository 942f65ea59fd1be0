import Foundation
import TestSupport
import XCTest

/// The driver's documented exit codes: 2 for invalid arguments (not ArgumentParser's 64), 3 for
/// a store that cannot be used or a missing schema — each with one clear line on stderr.
final class ExitCodeTests: ProjectTestCase {

    /// The driver with exactly these arguments (no `--config` added), any exit status.
    private func driver(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
        try runProduct("pipeline", arguments, environment: environment)
    }

    func testArgumentErrorsExitWith2() throws {
        let cases: [([String], String)] = [
            (["run", "--frobnicate", "--config", configPath], "Unknown option '--frobnicate'"),
            (["run", "-j", "0", "--config", configPath], "--jobs must be ≥ 1, got 0"),
            (["run", "--jobs", "many", "--config", configPath], "many"),
            (["status", "--config"], "Missing value for '--config"),
            (["verify", "extra", "--config", configPath], "Unexpected argument 'extra'"),
        ]
        for (arguments, fragment) in cases {
            let result = try driver(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(fragment), "\(arguments): '\(fragment)' missing from \(result.stderr)")
            XCTAssertTrue(result.stdout.isEmpty, result.stdout)
        }
    }

    /// An invalid configuration: every command that reads it prints one line naming the key and
    /// value and exits with 2, and the store stays as it was (the cases are `StagesTests`'
    /// `ConfigValidationTests`, checked in process).
    func testInvalidConfigurationExitsWith2InOneLineAndWritesNothing() throws {
        try pipeline(["run", "dataset"])
        let before = snapshot(of: results)
        for (path, value, fragment) in [
            ("train.eta", 0 as Any, "'train.eta'"), ("multistart.check_interval", 50000, "max_steps = 2000"),
        ] {
            write(jsonText(setting(smallConfig(), path, value)), to: URL(fileURLWithPath: configPath))
            for command in [
                ["run"], ["status"], ["run", "--dry-run"], ["gc"], ["export", "snakemake", "-o", "/dev/null"],
            ] {
                let result = try driver(command + ["--config", configPath])
                XCTAssertEqual(result.status, 2, "\(command): \(result.stderr)")
                XCTAssertEqual(
                    result.stderr.split(separator: "\n").count, 1, "one message expected, got: \(result.stderr)")
                XCTAssertTrue(result.stderr.contains(fragment), "\(command): \(result.stderr)")
            }
        }
        XCTAssertEqual(snapshot(of: results), before, "results/ changed")
    }

    func testHelpExitsWith0() throws {
        for arguments in [["--help"], ["run", "--help"], ["help", "verify"]] {
            let result = try driver(arguments)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("USAGE"), result.stdout)
        }
        XCTAssertTrue(try driver(["--help"]).stdout.contains("Exit codes: 0 success"))
    }

    func testStorePathThatIsAFileExitsWith3InOneLine() throws {
        let store = project.appendingPathComponent("not-a-directory")
        write("a file, not a store", to: store)
        write(jsonText(setting(smallConfig(), "store", store.path)), to: URL(fileURLWithPath: configPath))
        for command in [["run"], ["status"], ["verify"], ["gc"], ["run", "--dry-run"]] {
            let result = try driver(command + ["--config", configPath])
            XCTAssertEqual(result.status, 3, "\(command): \(result.stdout)\(result.stderr)")
            XCTAssertEqual(
                result.stderr, "error: cannot use \(store.path) as the store: it exists and is not a directory\n",
                "\(command)")
            XCTAssertFalse(result.stderr.contains("NSCocoaErrorDomain"))
        }
        XCTAssertEqual(try String(contentsOf: store, encoding: .utf8), "a file, not a store")
    }

    func testStoreInsideAFileExitsWith3InOneLine() throws {
        let blocker = project.appendingPathComponent("blocker")
        write("a file", to: blocker)
        write(
            jsonText(setting(smallConfig(), "store", blocker.appendingPathComponent("results").path)),
            to: URL(fileURLWithPath: configPath))
        let result = try driver(["run", "--config", configPath])
        XCTAssertEqual(result.status, 3, result.stdout + result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("error: cannot create the store \(blocker.path)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("Not a directory"), result.stderr)
        XCTAssertFalse(result.stderr.contains("NSCocoaErrorDomain"), result.stderr)
    }

    func testMissingSchemaExitsWith3() throws {
        let emptyRoot = makeTemporaryDirectory("mlp-no-schema")
        defer { try? FileManager.default.removeItem(at: emptyRoot) }
        let result = try driver(["status", "--config", configPath], environment: ["MLP_PROJECT_ROOT": emptyRoot.path])
        XCTAssertEqual(result.status, 3, result.stdout + result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("cannot find pipeline.schema.json"), result.stderr)
    }
}
