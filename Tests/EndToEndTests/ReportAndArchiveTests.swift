import Eigen
import Foundation
import HDF5Kit
import Phases
import Report
import Saddles
import TestSupport
import XCTest

/// The report page in a real browser, the archive's RO-Crate metadata, and the archive → restore
/// round trip, on one small project run once for the class: the authors' data file imported
/// (with its source), 2000 steps, PNG and PDF figures.
final class ReportAndArchiveTests: XCTestCase {
    private static var project: URL!
    private static var setupFailure: String?
    private static let source = "https://github.com/alexmare2/Dynamical-structure-of-MLP-with-overfitting"

    private var project: URL { Self.project }
    private var configPath: String { project.appendingPathComponent("pipeline.json").path }
    private var results: URL { project.appendingPathComponent("results") }

    static func config() -> [String: Any] {
        var config = setting(
            smallConfig(studies: true), "datasets",
            [
                "authors": [
                    "teacher": ["w": [1.0], "v": [2.0]],
                    "file": ["path": "data/points.dat", "source": source],
                ]
            ])
        config = setting(
            config, "runs",
            [
                "noisy": ["dataset": "authors", "targets": "noisy"],
                "clean": ["dataset": "authors", "targets": "clean"],
            ])
        return setting(config, "render.formats", ["png", "pdf"])
    }

    /// A project with the authors' data under `data/points.dat`.
    static func makeDataProject() throws -> URL {
        let project = makeProject(config())
        try FileManager.default.createDirectory(
            at: project.appendingPathComponent("data"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: authorsDataFile, to: project.appendingPathComponent("data/points.dat"))
        return project
    }

    override class func setUp() {
        super.setUp()
        guard toolAvailable([projectPython, "-c", "import matplotlib, h5py, numpy"]) else {
            setupFailure =
                "skip: \(projectPython) with matplotlib, h5py and numpy is not installed (scripts/setup-debian.sh)"
            return
        }
        do {
            project = try makeDataProject()
            let run = try runProduct(
                "pipeline", ["run", "-j", "2", "--config", project.appendingPathComponent("pipeline.json").path],
                environment: ["SOURCE_DATE_EPOCH": "1700000000"])
            if run.status != 0 { setupFailure = "pipeline run failed: \(run.stdout)\n\(run.stderr)" }
        } catch {
            setupFailure = "cannot set up the project: \(error)"
        }
    }

    override class func tearDown() {
        if let project { try? FileManager.default.removeItem(at: project) }
        super.tearDown()
    }

    override func setUpWithError() throws {
        if let failure = Self.setupFailure {
            if failure.hasPrefix("skip: ") { throw XCTSkip(String(failure.dropFirst(6))) }
            throw SetupFailure(description: failure)
        }
    }

    @discardableResult
    private func pipeline(
        _ arguments: [String], config: String? = nil, expect status: Int32 = 0,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> CommandResult {
        let result = try runProduct(
            "pipeline", arguments + ["--config", config ?? configPath], environment: ["SOURCE_DATE_EPOCH": "1700000000"]
        )
        XCTAssertEqual(
            result.status, status, "pipeline \(arguments): \(result.stdout)\n\(result.stderr)", file: file, line: line)
        return result
    }

    /// Every node's key, from `pipeline status --json`.
    private func keys(config: String? = nil) throws -> [String: String] {
        let status = try pipeline(["status", "--json"], config: config)
        let nodes = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]] ?? []
        return Dictionary(
            uniqueKeysWithValues: nodes.compactMap { node in
                (node["node"] as? String).flatMap { name in (node["key"] as? String).map { (name, $0) } }
            })
    }

    // MARK: The report

    func testReportIsPublishedAndTabulatesTheArtifacts() throws {
        let page = try String(contentsOf: results.appendingPathComponent("report/index.html"), encoding: .utf8)
        // The published page is the current artifact's.
        let artifact = try HDF5File.open(
            try currentArtifact("html-report", config: URL(fileURLWithPath: configPath)).path)
        let report = try ReportArtifact(reading: artifact)
        try artifact.close()
        XCTAssertEqual(report.page, page)
        XCTAssertEqual(Set(report.files.keys), ["index.html", "dag.svg", "dag.dot"])
        XCTAssertEqual(try pipeline(["verify"]).status, 0)

        // Self-contained: nothing loaded from elsewhere, figures embedded.
        for attribute in ["src=\"http", "href=\"http", "url(", "<script", "<link"] {
            XCTAssertFalse(page.contains(attribute), "the page loads or links \(attribute)…")
        }
        XCTAssertEqual(page.components(separatedBy: "<img src=\"data:image/png;base64,").count - 1, 9)
        for number in 1...9 { XCTAssertTrue(page.contains("<b>Figure \(number). "), "Figure \(number)") }
        XCTAssertTrue(page.contains("href=\"../figures/learning_curves.pdf\""))
        XCTAssertTrue(page.contains("href=\"../figures/csv/learning_curves_noisy.csv\""))

        // The table holds the artifacts' numbers; the authors' data with 2000 steps is not the paper's setting.
        let phasesFile = try HDF5File.open(
            try currentArtifact("phases[noisy]", config: URL(fileURLWithPath: configPath)).path)
        let phases = try PhasesArtifact(reading: phasesFile)
        try phasesFile.close()
        XCTAssertTrue(page.contains("at <i>t</i>* = \(Int(phases.earlyStoppingTime))"), "t* missing")
        if let plateau = phases.segments.first(where: { $0.label == "plateau" }) {
            XCTAssertTrue(
                page.contains("<i>t</i> ≤ \(Int(plateau.tEnd)) (index \(plateau.index)"), "plateau end missing")
        }
        let eigenFile = try HDF5File.open(
            try currentArtifact("eigen[noisy]", config: URL(fileURLWithPath: configPath)).path)
        let eigen = try EigenArtifact(reading: eigenFile)
        try eigenFile.close()
        XCTAssertTrue(page.contains(String(format: "%.6g", eigen.final.trainingError)), "attractor E_tr missing")
        XCTAssertTrue(
            page.contains("train.steps = 2000 differs from the paper&#39;s 3000000"),
            "no reason why there is no verdict")
        XCTAssertTrue(page.contains("id=\"limits-noisy\"") && page.contains("id=\"limits-clean\""))
        XCTAssertTrue(page.contains("Embedded one-neuron line"), "no row for the line")
        XCTAssertTrue(page.contains("id=\"sweeps\""))
        // The related papers: the alignment table and the saddle-to-saddle slope, from the noisy run's artifacts.
        XCTAssertTrue(page.contains("id=\"alignment-noisy\"") && page.contains("id=\"saddles-noisy\""))
        let saddlesFile = try HDF5File.open(
            try currentArtifact("saddles[noisy]", config: URL(fileURLWithPath: configPath)).path)
        let saddles = try SaddlesArtifact(reading: saddlesFile)
        try saddlesFile.close()
        XCTAssertTrue(
            page.contains("<b>\(String(format: "%.4g", saddles.escapeSlope())) steps per decade</b>"),
            "escape slope missing")

        // Provenance: every node with its full key, the DAG drawn, tools, the configuration with the data's source.
        for (node, key) in try keys() where node != "html-report" {
            XCTAssertTrue(page.contains(key), "\(node)'s key \(key) is not on the page")
        }
        XCTAssertTrue(page.contains("<svg"), "no DAG drawing")
        XCTAssertTrue(
            report.files["dag.dot"].map {
                String(decoding: $0, as: UTF8.self).contains("\"render\" -> \"html-report\"")
            } ?? false)
        for tool in ["Swift compiler", "HDF5 library", "matplotlib", "numpy", "h5py", "Graphviz"] {
            XCTAssertTrue(page.contains(tool), tool)
        }
        XCTAssertTrue(page.contains("wall time") || page.contains(" s<"), "no run times")
        XCTAssertTrue(page.contains(Self.source), "the data's source is not in the effective configuration")
    }

    func testReportOpensInHeadlessChromiumWithEveryImageDecodedAndNoConsoleError() throws {
        guard toolAvailable(["chromium", "--version"]) else {
            throw XCTSkip("chromium is not installed: scripts/setup-debian.sh installs the Debian package `chromium`")
        }
        let page = results.appendingPathComponent("report/index.html")
        let screenshot = project.appendingPathComponent("report.png")
        let check = try runTool([
            projectPython, packageRoot.appendingPathComponent("scripts/browser_check.py").path, page.path,
            "--screenshot", screenshot.path, "--viewport-screenshot",
            project.appendingPathComponent("report-top.png").path,
        ])
        XCTAssertEqual(check.status, 0, check.stderr)
        let found = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any], check.stdout)
        if let directory = ProcessInfo.processInfo.environment["MLP_SCREENSHOT_DIR"] {
            for name in ["report.png", "report-top.png"] {
                let target = URL(fileURLWithPath: directory).appendingPathComponent(name)
                try? FileManager.default.removeItem(at: target)
                try FileManager.default.copyItem(at: project.appendingPathComponent(name), to: target)
            }
        }

        let images = try XCTUnwrap(found["images"] as? [[String: Any]])
        XCTAssertEqual(images.count, 9, "\(images)")
        for image in images {
            XCTAssertEqual(image["complete"] as? Bool, true, "\(image)")
            XCTAssertGreaterThan(image["naturalWidth"] as? Int ?? 0, 0, "an image did not decode: \(image)")
        }
        XCTAssertTrue((found["errors"] as? [Any])?.isEmpty ?? false, "console errors: \(found["console"] ?? "")")
        XCTAssertGreaterThanOrEqual(found["svgs"] as? Int ?? 0, 1, "the DAG is not drawn")
        XCTAssertEqual(found["title"] as? String, schemaDefault("report.title") as? String)

        // Every link leads somewhere: in-page anchors to an id, relative links to a file beside the store's copy.
        let html = try String(contentsOf: page, encoding: .utf8)
        let links = try XCTUnwrap(found["links"] as? [String])
        XCTAssertGreaterThan(links.filter { $0.hasPrefix("../figures/") }.count, 10)
        for link in Set(links) {
            if link.hasPrefix("#") {
                XCTAssertTrue(html.contains("id=\"\(link.dropFirst())\""), "anchor \(link) has no target")
            } else {
                XCTAssertFalse(link.contains("://"), "external link \(link)")
                let target = page.deletingLastPathComponent().appendingPathComponent(link).standardizedFileURL
                XCTAssertTrue(
                    FileManager.default.fileExists(atPath: target.path), "\(link) → \(target.path) does not exist")
            }
        }
        // The screenshot is the whole page: a PNG taller than one screen.
        let png = try Data(contentsOf: screenshot)
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        let height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        XCTAssertGreaterThan(height, 3000, "the screenshot is not the whole page")
    }

    // MARK: The archive

    func testArchiveHoldsEveryFileAndItsROCrateMetadataValidates() throws {
        let work = makeTemporaryDirectory("mlp-archive-test")
        defer { try? FileManager.default.removeItem(at: work) }
        let archive = work.appendingPathComponent("results-archive.tar.gz")
        try pipeline(["archive", archive.path])

        // The archive's contents.
        XCTAssertEqual(try runTool(["tar", "-xzf", archive.path, "-C", work.path]).status, 0)
        let unpacked = work.appendingPathComponent("results-archive")
        for path in [
            "ro-crate-metadata.json", "manifest.json", "pipeline.json", "pipeline.schema.json", "data/points.dat",
            "results/report/index.html", "results/report/dag.svg", "results/figures/learning_curves.pdf",
            "results/figures/csv/learning_curves_noisy.csv",
        ] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: unpacked.appendingPathComponent(path).path), path)
        }
        for (node, key) in try keys() {
            let stage = String(node.prefix { $0 != "[" })
            for suffix in [".h5", ".h5.sha256", ".log"] {
                let path = "results/\(stage)/\(key)\(suffix)"
                XCTAssertTrue(
                    FileManager.default.fileExists(atPath: unpacked.appendingPathComponent(path).path),
                    "\(node): \(path)")
            }
        }
        XCTAssertEqual(
            try runProduct("pipeline", ["verify", "--manifest", unpacked.appendingPathComponent("manifest.json").path])
                .status, 0)

        // Its RO-Crate metadata, read and checked with the rocrate package.
        guard toolAvailable([projectPython, "-c", "import rocrate"]) else {
            throw XCTSkip(
                "\(projectPython) has no rocrate package: scripts/setup-debian.sh installs requirements.txt into .venv")
        }
        let check = try runTool([
            projectPython, packageRoot.appendingPathComponent("scripts/check_rocrate.py").path, unpacked.path,
        ])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        let found = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any],
            check.stdout + check.stderr)
        XCTAssertEqual(found["problems"] as? [String], [], check.stdout)
        XCTAssertEqual(found["node_actions"] as? Int, try keys().count)
        XCTAssertEqual(found["workflow"] as? String, "pipeline.json")
        XCTAssertEqual(found["data_files"] as? [String], ["data/points.dat"])
        XCTAssertEqual(found["data_sources"] as? [String], [Self.source])
        XCTAssertEqual(found["license"] as? [String], ["#license"], "the license is a placeholder to fill in")
        print(
            "rocrate check of the archive: \(found["files"] ?? 0) files, \(found["create_actions"] ?? 0) "
                + "CreateActions, no problems"
        )

        // A changed byte is found by the same check.
        let figure = unpacked.appendingPathComponent("results/figures/spectrum.png")
        var bytes = try Data(contentsOf: figure)
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: figure)
        let damaged = try runTool([
            projectPython, packageRoot.appendingPathComponent("scripts/check_rocrate.py").path, unpacked.path,
        ])
        XCTAssertEqual(damaged.status, 1, damaged.stdout + damaged.stderr)
        XCTAssertTrue(damaged.stdout.contains("results/figures/spectrum.png: sha256 wrong or missing"), damaged.stdout)
    }

    func testArchiveRestoresIntoAFreshCloneWithNothingToRecompute() throws {
        let work = makeTemporaryDirectory("mlp-archive-test")
        defer { try? FileManager.default.removeItem(at: work) }
        let archive = work.appendingPathComponent("results-archive.tar.gz")
        try pipeline(["archive", "--author", "A. Person", "--license", "CC-BY-4.0", archive.path])

        // A fresh clone: the same configuration and data, an empty store.
        let clone = try Self.makeDataProject()
        defer { try? FileManager.default.removeItem(at: clone) }
        let cloneConfig = clone.appendingPathComponent("pipeline.json").path
        let restored = try pipeline(["restore", archive.path], config: cloneConfig)
        XCTAssertTrue(restored.stdout.contains("all \(try keys().count) node(s) are fresh"), restored.stdout)
        let status = try pipeline(["status"], config: cloneConfig)
        XCTAssertTrue(status.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("fresh") }, status.stdout)
        XCTAssertEqual(try keys(config: cloneConfig), try keys())
        let run = try pipeline(["run"], config: cloneConfig)
        XCTAssertTrue(run.stdout.contains(" 0 ran, 0 failed"), run.stdout)
        XCTAssertFalse(run.stdout.contains("restored"), "restore left a published folder to repair: \(run.stdout)")
        try pipeline(["verify"], config: cloneConfig)
        for path in ["results/report/index.html", "results/figures/multistart.png"] {
            XCTAssertEqual(
                try Data(contentsOf: clone.appendingPathComponent(path)),
                try Data(contentsOf: project.appendingPathComponent(path)), path)
        }
        // Restoring again finds everything in place.
        XCTAssertTrue(
            try pipeline(["restore", archive.path], config: cloneConfig).stdout.contains("already in the store"))
    }

    func testADamagedArchiveIsRefusedWithTheFileNamedAndNothingWritten() throws {
        let work = makeTemporaryDirectory("mlp-archive-test")
        defer { try? FileManager.default.removeItem(at: work) }
        let archive = work.appendingPathComponent("out.tar.gz")
        try pipeline(["archive", archive.path])
        let clone = try Self.makeDataProject()
        defer { try? FileManager.default.removeItem(at: clone) }
        let cloneConfig = clone.appendingPathComponent("pipeline.json").path
        let store = clone.appendingPathComponent("results")

        /// Unpacks the archive, changes it, packs it again.
        func damaged(_ name: String, _ change: (URL) throws -> Void) throws -> URL {
            let folder = work.appendingPathComponent("unpacked-\(name)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            XCTAssertEqual(try runTool(["tar", "-xzf", archive.path, "-C", folder.path]).status, 0)
            try change(folder.appendingPathComponent("out"))
            let result = work.appendingPathComponent("\(name).tar.gz")
            XCTAssertEqual(try runTool(["tar", "-czf", result.path, "-C", folder.path, "out"]).status, 0)
            return result
        }
        func flip(_ file: URL) throws {
            var bytes = try Data(contentsOf: file)
            bytes[bytes.count / 2] ^= 0x01
            try bytes.write(to: file)
        }
        let trainKey = try XCTUnwrap(try keys()["train[noisy]"])
        let cases: [(URL, String)] = [
            (
                try damaged("artifact") { try flip($0.appendingPathComponent("results/train/\(trainKey).h5")) },
                "damaged: out/results/train/\(trainKey).h5: SHA-256 differs from ro-crate-metadata.json"
            ),
            (
                try damaged("figure") { try flip($0.appendingPathComponent("results/figures/spectrum.png")) },
                "damaged: out/results/figures/spectrum.png: SHA-256 differs from ro-crate-metadata.json"
            ),
            (
                try damaged("extra") { write("not listed", to: $0.appendingPathComponent("results/train/extra.h5")) },
                "damaged: out/results/train/extra.h5: not listed in ro-crate-metadata.json"
            ),
            (
                try damaged("missing") {
                    try FileManager.default.removeItem(at: $0.appendingPathComponent("results/report/index.html"))
                },
                "damaged: out/results/report/index.html: listed in ro-crate-metadata.json but missing"
            ),
        ]
        for (bad, expected) in cases {
            let refused = try pipeline(["restore", bad.path], config: cloneConfig, expect: 1)
            XCTAssertTrue(refused.stderr.contains(expected), "\(expected) not in:\n\(refused.stderr)")
            XCTAssertTrue(refused.stderr.contains("nothing was written to the store"), refused.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: store.path), "a refused restore wrote \(store.path)")
        }
        // A truncated archive cannot be unpacked: refused, naming it.
        let bytes = try Data(contentsOf: archive)
        let truncated = work.appendingPathComponent("truncated.tar.gz")
        try bytes.prefix(bytes.count / 2).write(to: truncated)
        let refused = try pipeline(["restore", truncated.path], config: cloneConfig, expect: 1)
        XCTAssertTrue(refused.stderr.contains("\(truncated.path): cannot be unpacked"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: store.path))
    }
}

/// The class's project could not be made: every test fails with this.
private struct SetupFailure: Error, CustomStringConvertible {
    let description: String
}
