import Foundation
import HDF5Kit
import TestSupport
import XCTest

/// Base class giving each test its own temporary directory.
class HDF5KitTestCase: XCTestCase {
    private(set) var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("HDF5KitTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    /// A path inside this test's directory.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Asserts that `body` throws an `HDF5Error` with a non-empty message and returns it.
    @discardableResult
    func assertHDF5Error<T>(_ body: @autoclosure () throws -> T, file: StaticString = #filePath, line: UInt = #line)
        -> HDF5Error?
    {
        do {
            _ = try body()
            XCTFail("expected an HDF5Error", file: file, line: line)
        } catch let error as HDF5Error {
            XCTAssertFalse(error.message.isEmpty, file: file, line: line)
            return error
        } catch {
            XCTFail("expected an HDF5Error, got \(error)", file: file, line: line)
        }
        return nil
    }

    /// The absolute path of executable `name` on PATH, if any.
    func executable(_ name: String) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return paths.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The absolute path of the project's Python (`.venv/bin/python`, else python3 on PATH), if any.
    var python: String? {
        projectPython.hasPrefix("/") ? projectPython : executable(projectPython)
    }

    /// Runs `executable` with `arguments`; returns exit status and standard output.
    func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
