import Foundation
import TestSupport
import XCTest

/// An end-to-end test on its own small project (`smallConfig()` in a temporary directory), with
/// the driver one call away.
class ProjectTestCase: XCTestCase {
    var project: URL!
    var configPath: String { project.appendingPathComponent("pipeline.json").path }
    var results: URL { project.appendingPathComponent("results") }

    /// The project's configuration; a subclass overrides it to study something else.
    var initialConfig: [String: Any] { smallConfig() }

    override func setUp() {
        super.setUp()
        project = makeProject(initialConfig)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: project)
        super.tearDown()
    }

    /// Runs the driver on the project and checks its exit status.
    /// - Parameter status: the expected status, nil to accept any.
    @discardableResult
    func pipeline(
        _ arguments: [String], expect status: Int32? = 0, environment: [String: String] = [:],
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> CommandResult {
        // A fixed creation time, so that recomputed artifacts can be compared byte for byte.
        let result = try runProduct(
            "pipeline", arguments + ["--config", configPath],
            environment: ["SOURCE_DATE_EPOCH": "1700000000"].merging(environment) { $1 })
        if let status {
            XCTAssertEqual(
                result.status, status, "pipeline \(arguments): \(result.stdout)\n\(result.stderr)", file: file,
                line: line)
        }
        return result
    }
}
