import Foundation
import HDF5Kit
import TestSupport
import XCTest

/// Imported data files: a file saved with Windows line endings imports like any other.
final class DataFileImportTests: XCTestCase {
    private var project: URL!

    override func tearDown() {
        if let project { try? FileManager.default.removeItem(at: project) }
    }

    func testWindowsLineEndingsImportLikeUnixOnes() throws {
        let rows = (0..<101).map { k in "\(Double(k) / 25 - 2) \(2 * tanh(Double(k) / 25 - 2) + 0.01 * Double(k % 7))" }
        var config = smallConfig()
        config = setting(
            config, "datasets",
            [
                "unix": ["teacher": ["w": [1.0], "v": [2.0]], "file": ["path": "unix.dat"]],
                "windows": ["teacher": ["w": [1.0], "v": [2.0]], "file": ["path": "windows.dat"]],
            ])
        config = setting(config, "runs", ["noisy": ["dataset": "windows", "targets": "noisy"]])
        project = makeProject(config)
        write("# x y\n" + rows.joined(separator: "\n") + "\n", to: project.appendingPathComponent("unix.dat"))
        write("# x y\r\n" + rows.joined(separator: "\r\n") + "\r\n", to: project.appendingPathComponent("windows.dat"))
        let configURL = project.appendingPathComponent("pipeline.json")

        let result = try runProduct("pipeline", ["run", "dataset", "--config", configURL.path])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let unix = try HDF5File.open(try currentArtifact("dataset[unix]", config: configURL).path)
        let windows = try HDF5File.open(try currentArtifact("dataset[windows]", config: configURL).path)
        for name in ["x", "y_noisy", "y_clean"] {
            let values = try windows.root.dataset(name).readDoubles()
            XCTAssertEqual(values.count, 101, name)
            XCTAssertEqual(values, try unix.root.dataset(name).readDoubles(), name)
        }
    }
}
