import Foundation
import HDF5Kit
import TestSupport
import XCTest

/// The figure-data export and the rendered figures, on a small configuration.
final class FiguresTests: XCTestCase {
    private var project: URL!
    private var configPath: String { project.appendingPathComponent("pipeline.json").path }
    private var results: URL { project.appendingPathComponent("results") }
    /// 3000 steps recorded every 10: 300 trajectory rows after t = 0, thinned to at most 50.
    private let config: [String: Any] = {
        var config = setting(smallConfig(), "figures", ["trajectory_max_points": 50, "function_grid_points": 101])
        config = setting(config, "train.steps", 3000)
        config = setting(config, "train.record_every", 10)
        config = setting(config, "train.log_points_per_decade", 20)
        return setting(config, "render.formats", ["png", "pdf"])
    }()

    override func setUp() {
        project = makeProject(config)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: project)
    }

    @discardableResult
    private func pipeline(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> CommandResult {
        let result = try runProduct("pipeline", arguments + ["--config", configPath])
        XCTAssertEqual(result.status, 0, "pipeline \(arguments): \(result.stdout)\n\(result.stderr)", file: file, line: line)
        return result
    }

    private func onlyArtifact(_ stage: String) throws -> URL {
        let folder = results.appendingPathComponent(stage)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".h5") && !$0.hasPrefix(".") }
        XCTAssertEqual(names.count, 1, "\(stage): \(names)")
        return folder.appendingPathComponent(try XCTUnwrap(names.first))
    }

    /// The log-grid times and E_tr of a run, read from its training artifact.
    private func trainingLog(_ run: String) throws -> (t: [Double], trainingError: [Double]) {
        let folder = results.appendingPathComponent("train")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".h5") && !name.hasPrefix(".") {
            let file = try HDF5File.open(folder.appendingPathComponent(name).path)
            defer { try? file.close() }
            guard case .string(let instance) = try file.root.attribute("instance"), instance == run else { continue }
            let log = try file.root.group("log")
            return (try log.dataset("t").readInt64s().map(Double.init), try log.dataset("E_tr").readDoubles())
        }
        XCTFail("no training artifact for run \(run)")
        return ([], [])
    }

    private func requireMatplotlib() throws {
        guard toolAvailable(["python3", "-c", "import matplotlib, h5py, numpy"]) else {
            throw XCTSkip("python3 with matplotlib, h5py and numpy is not installed")
        }
    }

    /// Opens `path` and checks the label, unit and description attributes every exported array carries.
    private func array(_ root: HDF5Group, _ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> HDF5Dataset {
        var parts = path.split(separator: "/").map(String.init)
        let name = parts.removeLast()
        var group = root
        for part in parts { group = try group.group(part) }
        let dataset = try group.dataset(name)
        for attribute in ["label", "unit", "description"] {
            XCTAssertTrue(try dataset.hasAttribute(attribute), "\(path) lacks '\(attribute)'", file: file, line: line)
        }
        return dataset
    }

    func testExportHoldsEveryPanelWithExpectedShapes() throws {
        try pipeline(["run", "figure-data"])
        let file = try HDF5File.open(try onlyArtifact("figure-data").path)
        defer { try? file.close() }
        let root = file.root

        for run in ["noisy", "clean"] {
            // Learning curve: the run's log grid without t = 0.
            let t = try array(root, "learning_curves/\(run)/t").readDoubles()
            let (trainT, trainE) = try trainingLog(run)
            XCTAssertEqual(t, trainT.filter { $0 > 0 })
            XCTAssertEqual(t.last, 3000)
            XCTAssertEqual(try array(root, "learning_curves/\(run)/E_tr").readDoubles(), Array(trainE.suffix(t.count)))
            XCTAssertEqual(try array(root, "learning_curves/\(run)/E_gen").shape, [t.count])
            XCTAssertTrue(try root.group("learning_curves").group(run).hasAttribute("title"))

            // Trajectories: ≤ 50 points, log-spaced, from t = 10 to the last recorded step.
            for plane in ["w", "v"] {
                let panel = "trajectories/\(run)/\(plane)_plane"
                let times = try array(root, "\(panel)/t").readDoubles()
                XCTAssertLessThanOrEqual(times.count, 50)
                XCTAssertGreaterThan(times.count, 30)
                XCTAssertEqual(times.first, 10)
                XCTAssertEqual(times.last, 3000)
                XCTAssertTrue(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "times not increasing")
                XCTAssertEqual(try array(root, "\(panel)/\(plane)_1").shape, [times.count])
                XCTAssertEqual(try array(root, "\(panel)/\(plane)_2").shape, [times.count])
                XCTAssertEqual(try array(root, "\(panel)/initial").shape, [2])
                XCTAssertEqual(try array(root, "\(panel)/final").shape, [2])
                // Every line passes through the frame: it holds the origin and the points (±w*, ±w*) or (±v*, ±v*).
                XCTAssertEqual(try array(root, "\(panel)/singular_segments").shape, [plane == "w" ? 4 : 2, 4])
                XCTAssertEqual(try array(root, "\(panel)/optimal_segments").shape, [plane == "w" ? 4 : 8, 4])
                let group = try root.group("trajectories").group(run).group("\(plane)_plane")
                guard case .doubles(let xlim) = try group.attribute("xlim"), case .doubles(let ylim) = try group.attribute("ylim") else {
                    return XCTFail("xlim/ylim missing in \(panel)")
                }
                let segments = try array(root, "\(panel)/optimal_segments").readDoubles()
                for (i, value) in segments.enumerated() {
                    let limits = i % 2 == 0 ? xlim : ylim
                    XCTAssertTrue(value >= limits[0] - 1e-9 && value <= limits[1] + 1e-9, "segment end \(value) outside \(limits)")
                }
            }

            // Functions: the grid, and the run's n = 40 data points.
            XCTAssertEqual(try array(root, "functions/\(run)/x").shape, [101])
            for curve in ["f_teacher", "f_initial", "f_final"] {
                XCTAssertEqual(try array(root, "functions/\(run)/\(curve)").shape, [101])
            }
            XCTAssertEqual(try array(root, "functions/\(run)/data_x").shape, [40])
            XCTAssertEqual(try array(root, "functions/\(run)/data_y").shape, [40])
        }
        // The teacher 2·tanh(x) at the grid's end, x = 3.5.
        XCTAssertEqual(try array(root, "functions/noisy/f_teacher").readDoubles().last!, 2 * tanh(3.5), accuracy: 1e-15)
        // The clean run's targets are the teacher's values.
        let x = try array(root, "functions/clean/data_x").readDoubles()
        let y = try array(root, "functions/clean/data_y").readDoubles()
        for (xi, yi) in zip(x, y) { XCTAssertEqual(yi, 2 * tanh(xi), accuracy: 1e-14) }
    }

    func testRenderWritesImagesAndCSVAndRerendersOnlyOnOptionChange() throws {
        try requireMatplotlib()
        try pipeline(["run"])
        let figures = results.appendingPathComponent("figures")
        for name in ["learning_curves", "trajectories", "functions"] {
            for format in ["png", "pdf"] {
                let data = try XCTUnwrap(FileManager.default.contents(atPath: figures.appendingPathComponent("\(name).\(format)").path),
                                         "\(name).\(format) missing")
                XCTAssertGreaterThan(data.count, 5000, "\(name).\(format) is suspiciously small")
                let magic: [UInt8] = format == "png" ? [0x89, 0x50, 0x4E, 0x47] : Array("%PDF".utf8)
                XCTAssertEqual(Array(data.prefix(4)), magic, "\(name).\(format) is not a \(format) file")
            }
        }
        let csv = try String(contentsOf: figures.appendingPathComponent("csv/learning_curves_noisy.csv"), encoding: .utf8)
        XCTAssertTrue(csv.contains("\nt,E_tr,E_gen\n1,"), String(csv.prefix(600)))
        XCTAssertTrue(FileManager.default.fileExists(atPath: figures.appendingPathComponent("csv/trajectories_clean_v_plane.csv").path))
        // The render artifact lists every file it published.
        let manifest = try HDF5File.open(try onlyArtifact("render").path)
        defer { try? manifest.close() }
        let files = try manifest.root.dataset("files").readStrings()
        XCTAssertTrue(files.contains("trajectories.png"), "\(files)")
        XCTAssertEqual(try manifest.root.dataset("sha256").readStrings().count, files.count)

        // Changing a rendering option re-runs the render node only.
        let png = results.appendingPathComponent("figures/learning_curves.png")
        let first = try Data(contentsOf: png)

        write(jsonText(setting(config, "render.dpi", 300)), to: URL(fileURLWithPath: configPath))
        let rerun = try pipeline(["run"])
        let ran = rerun.stdout.split(separator: "\n").filter { $0.hasPrefix("ran") }
        XCTAssertEqual(ran.count, 1, rerun.stdout)
        XCTAssertTrue(ran.first?.contains("render") ?? false, rerun.stdout)
        XCTAssertGreaterThan(try Data(contentsOf: png).count, first.count, "a 300 dpi image should be larger")

        // Back to 150 dpi: the old render artifact is current, and a forced re-render gives the same bytes.
        write(jsonText(config), to: URL(fileURLWithPath: configPath))
        try pipeline(["run", "--force", "render"])
        XCTAssertEqual(try Data(contentsOf: png), first, "re-rendering the same data is not byte-reproducible")
    }

    func testEditingTheRendererScriptMakesOnlyRenderStale() throws {
        try requireMatplotlib()
        // A private copy of the project sources, so that editing the script changes the code identity.
        let root = makeTemporaryDirectory("mlp-root")
        defer { try? FileManager.default.removeItem(at: root) }
        for item in ["Sources", "pipeline.schema.json", "Package.swift", "scripts"] {
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent(item), to: root.appendingPathComponent(item))
        }
        let environment = ["MLP_PROJECT_ROOT": root.path]
        XCTAssertEqual(try runProduct("pipeline", ["run", "--config", configPath], environment: environment).status, 0)
        let script = root.appendingPathComponent("scripts/render_figures.py")
        try (try String(contentsOf: script, encoding: .utf8) + "\n# edited\n").write(to: script, atomically: true, encoding: .utf8)
        let status = try runProduct("pipeline", ["status", "--config", configPath], environment: environment)
        XCTAssertTrue(status.stdout.contains("because code of stage render changed"), status.stdout)
        XCTAssertEqual(status.stdout.components(separatedBy: "stale").count - 1, 1, status.stdout)
    }
}
