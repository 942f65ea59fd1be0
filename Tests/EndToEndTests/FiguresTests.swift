import Eigen
import Foundation
import HDF5Kit
import Line
import MLPNumerics
import MultiStart
import Phases
import Projected
import Saddles
import TestSupport
import XCTest

/// The figure-data export and the rendered figures, on a small configuration.
final class FiguresTests: XCTestCase {
    private var project: URL!
    private var configPath: String { project.appendingPathComponent("pipeline.json").path }
    private var results: URL { project.appendingPathComponent("results") }
    /// 3000 steps recorded every 10: 300 trajectory rows after t = 0, thinned to at most 50.
    private let config: [String: Any] = {
        var config = setting(
            smallConfig(studies: true), "figures", ["trajectory_max_points": 50, "function_grid_points": 101])
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
    private func pipeline(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws
        -> CommandResult
    {
        let result = try runProduct("pipeline", arguments + ["--config", configPath])
        XCTAssertEqual(
            result.status, 0, "pipeline \(arguments): \(result.stdout)\n\(result.stderr)", file: file, line: line)
        return result
    }

    private func onlyArtifact(_ stage: String) throws -> URL {
        let folder = results.appendingPathComponent(stage)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            $0.hasSuffix(".h5") && !$0.hasPrefix(".")
        }
        XCTAssertEqual(names.count, 1, "\(stage): \(names)")
        return folder.appendingPathComponent(try XCTUnwrap(names.first))
    }

    /// The current artifact of `stage[run]`; the caller closes it.
    private func runArtifact(_ stage: String, _ run: String) throws -> HDF5File {
        try HDF5File.open(try currentArtifact("\(stage)[\(run)]", config: URL(fileURLWithPath: configPath)).path)
    }

    /// The log-grid times and E_tr of a run, read from its training artifact.
    private func trainingLog(_ run: String) throws -> (t: [Double], trainingError: [Double]) {
        let file = try runArtifact("train", run)
        defer { try? file.close() }
        let log = try file.root.group("log")
        return (try log.dataset("t").readInt64s().map(Double.init), try log.dataset("E_tr").readDoubles())
    }

    private func requireMatplotlib() throws {
        guard toolAvailable([projectPython, "-c", "import matplotlib, h5py, numpy"]) else {
            throw XCTSkip("\(projectPython) with matplotlib, h5py and numpy is not installed (scripts/setup-debian.sh)")
        }
    }

    /// Opens `path` and checks the label, unit and description attributes every exported array carries.
    private func array(_ root: HDF5Group, _ path: String, file: StaticString = #filePath, line: UInt = #line) throws
        -> HDF5Dataset
    {
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
                guard case .doubles(let xlim) = try group.attribute("xlim"),
                    case .doubles(let ylim) = try group.attribute("ylim")
                else {
                    return XCTFail("xlim/ylim missing in \(panel)")
                }
                let segments = try array(root, "\(panel)/optimal_segments").readDoubles()
                for (i, value) in segments.enumerated() {
                    let limits = i % 2 == 0 ? xlim : ylim
                    XCTAssertTrue(
                        value >= limits[0] - 1e-9 && value <= limits[1] + 1e-9, "segment end \(value) outside \(limits)"
                    )
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
        guard case .string(let figures) = try root.attribute("figures") else { return XCTFail("root lacks 'figures'") }
        XCTAssertEqual(
            figures.split(separator: ",").map(String.init),
            [
                "learning_curves", "trajectories", "functions", "spectrum", "region_checks", "multistart",
                "embedded_line",
                "alignment", "saddle_to_saddle",
            ])
        for figure in figures.split(separator: ",").map(String.init) {
            XCTAssertTrue(try root.group(figure).hasAttribute("title"), figure)
            guard case .string(let runs) = try root.group(figure).attribute("runs") else {
                return XCTFail("\(figure) lacks 'runs'")
            }
            // The related-paper studies are made for the noisy run only (run_targets' default).
            let expected: Set<String> =
                ["alignment", "saddle_to_saddle"].contains(figure) ? ["noisy"] : ["noisy", "clean"]
            XCTAssertEqual(Set(runs.split(separator: ",").map(String.init)), expected, figure)
        }
        try checkRelatedStudies(root)
        // The teacher 2·tanh(x) at the grid's end, x = 3.5.
        XCTAssertEqual(try array(root, "functions/noisy/f_teacher").readDoubles().last!, 2 * tanh(3.5), accuracy: 1e-15)
        // The clean run's targets are the teacher's values.
        let x = try array(root, "functions/clean/data_x").readDoubles()
        let y = try array(root, "functions/clean/data_y").readDoubles()
        for (xi, yi) in zip(x, y) { XCTAssertEqual(yi, 2 * tanh(xi), accuracy: 1e-14) }
    }

    func testExportHoldsTheAnalysisPanels() throws {
        try pipeline(["run", "figure-data"])
        let file = try HDF5File.open(try onlyArtifact("figure-data").path)
        defer { try? file.close() }
        let root = file.root

        for run in ["noisy", "clean"] {
            let eigenFile = try runArtifact("eigen", run)
            defer { try? eigenFile.close() }
            let eigen = try EigenArtifact(reading: eigenFile)
            let phasesFile = try runArtifact("phases", run)
            defer { try? phasesFile.close() }
            let phases = try PhasesArtifact(reading: phasesFile)
            let multistartFile = try runArtifact("multistart", run)
            defer { try? multistartFile.close() }
            let multistart = try MultiStartArtifact(reading: multistartFile)

            // Phases on the learning curve: one entry per segment in three equal-length arrays; t* and E_gen(t*).
            let curve = "learning_curves/\(run)"
            XCTAssertFalse(phases.segments.isEmpty)
            XCTAssertEqual(try array(root, "\(curve)/phase_t_start").readDoubles(), phases.segments.map(\.tStart))
            XCTAssertEqual(try array(root, "\(curve)/phase_t_end").readDoubles(), phases.segments.map(\.tEnd))
            XCTAssertEqual(try array(root, "\(curve)/phase_label").readStrings(), phases.segments.map(\.label))
            XCTAssertEqual(try array(root, "\(curve)/t_star").readDoubles(), [phases.earlyStoppingTime])
            let genStar = try array(root, "\(curve)/E_gen_star").readDoubles()
            XCTAssertEqual(genStar, [phases.earlyStoppingGeneralizationError])
            // E_gen(t*) is the smallest exported E_gen (t* may be t = 0, which the curve leaves out).
            let generalization = try array(root, "\(curve)/E_gen").readDoubles()
            XCTAssertLessThanOrEqual(genStar[0], generalization.min()!)
            if phases.earlyStoppingTime > 0 {
                let t = try array(root, "\(curve)/t").readDoubles()
                XCTAssertEqual(generalization[try XCTUnwrap(t.firstIndex(of: phases.earlyStoppingTime))], genStar[0])
            }

            // Attractor stars: the distinct images of the refined final point under the 8 symmetries of m = 2.
            let refined = eigen.final
            let runGroup = try root.group("trajectories").group(run)
            guard case .string(let note) = try runGroup.attribute("attractor") else {
                return XCTFail("\(run): no 'attractor' note")
            }
            for (plane, offset) in [("w", 0), ("v", 2)] {
                let panel = try runGroup.group("\(plane)_plane")
                guard refined.converged else {
                    XCTAssertFalse(panel.contains("attractor"), "\(run) \(plane): unconverged point drawn")
                    XCTAssertTrue(note.hasPrefix("not drawn"), note)
                    continue
                }
                let stars = try array(root, "trajectories/\(run)/\(plane)_plane/attractor")
                XCTAssertEqual(stars.shape.count, 2)
                XCTAssertEqual(stars.shape.last, 2)
                let values = try stars.readDoubles()
                let found = stride(from: 0, to: values.count, by: 2).map { [values[$0], values[$0 + 1]] }
                // Independently: swap the neurons or not, flip each neuron's sign or not.
                let (a, b) = (refined.point.flat[offset], refined.point.flat[offset + 1])
                var expected: [[Double]] = []
                for (x, y) in [(a, b), (b, a)] {
                    for s1 in [1.0, -1.0] {
                        for s2 in [1.0, -1.0] where !expected.contains([s1 * x, s2 * y]) {
                            expected.append([s1 * x, s2 * y])
                        }
                    }
                }
                // Copies closer than 1e-12·max(1, |θ|) are drawn once.
                let tolerance = 1e-12 * max(1, refined.point.flat.map(abs).max()!)
                func near(_ p: [Double], _ q: [Double]) -> Bool {
                    abs(p[0] - q[0]) <= tolerance && abs(p[1] - q[1]) <= tolerance
                }
                XCTAssertTrue(found.allSatisfy { expected.contains($0) }, "\(run) \(plane): \(found) ⊄ \(expected)")
                XCTAssertTrue(
                    expected.allSatisfy { e in found.contains { near($0, e) } },
                    "\(run) \(plane): \(expected) not all drawn")
                for i in found.indices {
                    for j in found.indices where j > i {
                        XCTAssertFalse(near(found[i], found[j]), "duplicate stars \(found[i])")
                    }
                }
                XCTAssertTrue(found.contains([a, b]), "the refined point itself is drawn")
            }

            // Spectrum: N × 2m eigenvalues on the eigen artifact's log grid (t > 0), and per-point curves.
            let keep = eigen.along.t.indices.filter { eigen.along.t[$0] > 0 }
            let spectrum = "spectrum/\(run)"
            XCTAssertEqual(try array(root, "\(spectrum)/t").readDoubles(), keep.map { Double(eigen.along.t[$0]) })
            let values = try array(root, "\(spectrum)/eigenvalues")
            XCTAssertEqual(values.shape, [keep.count, 4])
            XCTAssertEqual(try values.readDoubles(), keep.flatMap { eigen.along.spectrum(at: $0) })
            for name in ["tolerance", "index", "grad_norm", "chi_1"] {
                XCTAssertEqual(try array(root, "\(spectrum)/\(name)").shape, [keep.count], name)
            }
            XCTAssertEqual(
                try array(root, "\(spectrum)/index").readDoubles(), keep.map { Double(eigen.along.index[$0]) })
            let chi = try array(root, "\(spectrum)/chi_1").readDoubles()
            XCTAssertTrue(chi.allSatisfy { $0.isNaN || ($0 >= 0 && $0 <= 1 + 1e-12) }, "χ_1 outside [0, 1]")

            // Region checks: one histogram of 2m + 1 counts per family, summing to the sample count.
            XCTAssertEqual(eigen.regions.count, 7)
            for region in eigen.regions {
                let histogram = try array(root, "region_checks/\(run)/\(region.family)").readDoubles()
                XCTAssertEqual(histogram, region.indexHistogram.map(Double.init), region.family)
                XCTAssertEqual(histogram.count, 5)
                XCTAssertEqual(histogram.reduce(0, +), 20, region.family)
            }

            // Multi-start: every located limit in both planes, with its function; the functions' counts and intervals.
            let located = multistart.starts.filter { $0.limit != nil && $0.function != nil }
            XCTAssertFalse(multistart.functions.isEmpty)
            let group = "multistart/\(run)"
            XCTAssertEqual(
                try array(root, "\(group)/function_count").readDoubles(), multistart.functions.map { Double($0.count) })
            XCTAssertEqual(try array(root, "\(group)/function_count").readDoubles().reduce(0, +), Double(located.count))
            XCTAssertEqual(
                try array(root, "\(group)/function_fraction").readDoubles(), multistart.functions.map(\.basinFraction))
            XCTAssertEqual(try array(root, "\(group)/function_kind").readStrings(), multistart.functions.map(\.kind))
            let low = try array(root, "\(group)/function_wilson_low").readDoubles()
            let high = try array(root, "\(group)/function_wilson_high").readDoubles()
            for (k, function) in multistart.functions.enumerated() {
                XCTAssertTrue(
                    low[k] <= function.basinFraction && function.basinFraction <= high[k],
                    "interval \(low[k])…\(high[k])")
            }
            for plane in ["w", "v"] {
                let panel = "\(group)/\(plane)_plane"
                XCTAssertEqual(try array(root, "\(panel)/limits").shape, [located.count, 2])
                XCTAssertEqual(
                    try array(root, "\(panel)/limit_function").readDoubles(), located.map { Double($0.function!) })
                // Off L a limit is drawn in canonical form; on L at (w*, w*, γc*, (1 − γ)c*) — both images of the
                // limit.
                let values = try array(root, "\(panel)/limits").readDoubles()
                let offset = plane == "w" ? 0 : 2
                for (k, start) in located.enumerated() {
                    let images = Symmetry.elements(width: 2).map { $0.apply(start.limit!).flat }
                    XCTAssertTrue(
                        images.contains {
                            abs($0[offset] - values[2 * k]) < 1e-9 && abs($0[offset + 1] - values[2 * k + 1]) < 1e-9
                        },
                        "limit \(k) is not drawn at an image of its refined point")
                }
                for name in ["line_stable_segments", "line_unstable_segments", "singular_segments", "optimal_segments"]
                {
                    XCTAssertEqual(try array(root, "\(panel)/\(name)").shape.last ?? 4, 4, name)
                }
            }
            // The embedded line: the line artifact's grid and structure, the γ of every limit on L.
            let lineFile = try runArtifact("line", run)
            defer { try? lineFile.close() }
            let line = try LineArtifact(reading: lineFile)
            XCTAssertEqual(try array(root, "embedded_line/\(run)/gamma").readDoubles(), line.grid)
            XCTAssertEqual(try array(root, "embedded_line/\(run)/transverse").readDoubles(), line.transverse)
            XCTAssertEqual(try array(root, "embedded_line/\(run)/threshold").readDoubles(), [2 / line.eta])
            XCTAssertEqual(
                try array(root, "embedded_line/\(run)/limit_gamma").readDoubles(), multistart.starts.compactMap(\.gamma)
            )
        }
    }

    /// The alignment and saddle_to_saddle groups hold the projected and saddles artifacts' numbers.
    private func checkRelatedStudies(_ root: HDF5Group) throws {
        let projectedFile = try runArtifact("projected", "noisy")
        defer { try? projectedFile.close() }
        let projected = try ProjectedArtifact(reading: projectedFile)
        for branch in projected.branches {
            let panel = "alignment/noisy/\(branch.experiment.name)"
            XCTAssertEqual(
                try array(root, "\(panel)/excess_\(branch.projection.rawValue)").readDoubles(), branch.record.excess)
            XCTAssertEqual(
                try array(root, "\(panel)/chi_\(branch.projection.rawValue)").readDoubles(), branch.record.fullAlignment
            )
            XCTAssertEqual(
                try array(root, "\(panel)/t").readDoubles(), branch.record.t.map(Double.init), "no branch diverged here"
            )
        }
        let rows = projected.ratios
        XCTAssertEqual(try array(root, "alignment/noisy/ratios/t0").readDoubles(), rows.map { Double($0.t0) })
        XCTAssertEqual(
            try array(root, "alignment/noisy/ratios/ratio_bulk").readDoubles(),
            rows.map { $0.finalExcess[2] / $0.finalExcess[0] })

        let saddlesFile = try runArtifact("saddles", "noisy")
        defer { try? saddlesFile.close() }
        let saddles = try SaddlesArtifact(reading: saddlesFile)
        XCTAssertEqual(
            try array(root, "saddle_to_saddle/noisy/escape/escape_time").readDoubles(),
            saddles.starts.map { Double($0.run.escapeTime!) })
        let predicted = try array(root, "saddle_to_saddle/noisy/escape/predicted_escape").readDoubles()
        let alphas = try array(root, "saddle_to_saddle/noisy/escape/predicted_alpha").readDoubles()
        // The drawn line has the predicted slope per decade of 1/α.
        XCTAssertEqual(
            (predicted[0] - predicted[1]) / log10(alphas[1] / alphas[0]), saddles.predictedSlope,
            accuracy: 1e-9 * saddles.predictedSlope)
        for (n, result) in saddles.starts.enumerated() {
            let panel = "saddle_to_saddle/noisy/m\(result.start.width)/" + String(format: "start%03d", n)
            let keep = result.run.t.indices.filter { result.run.t[$0] > 0 }
            XCTAssertEqual(
                try array(root, "\(panel)/effective_width").readDoubles(),
                keep.map { Double(result.run.effectiveWidth[$0]) })
            XCTAssertEqual(try array(root, "\(panel)/plateau_E_tr").readDoubles(), result.plateaus.map(\.trainingError))
        }
    }

    func testRenderWritesImagesAndCSVAndRerendersOnlyOnOptionChange() throws {
        try requireMatplotlib()
        try pipeline(["run"])
        let figures = results.appendingPathComponent("figures")
        for name in [
            "learning_curves", "trajectories", "functions", "spectrum", "region_checks", "multistart", "embedded_line",
            "alignment", "saddle_to_saddle",
        ] {
            for format in ["png", "pdf"] {
                let data = try XCTUnwrap(
                    FileManager.default.contents(atPath: figures.appendingPathComponent("\(name).\(format)").path),
                    "\(name).\(format) missing")
                XCTAssertGreaterThan(data.count, 5000, "\(name).\(format) is suspiciously small")
                let magic: [UInt8] = format == "png" ? [0x89, 0x50, 0x4E, 0x47] : Array("%PDF".utf8)
                XCTAssertEqual(Array(data.prefix(4)), magic, "\(name).\(format) is not a \(format) file")
            }
        }
        let csv = try String(
            contentsOf: figures.appendingPathComponent("csv/learning_curves_noisy.csv"), encoding: .utf8)
        XCTAssertTrue(
            csv.contains("\nt,E_tr,E_gen,phase_t_start,phase_t_end,phase_label,phase_note,t_star,E_gen_star\n1,"),
            String(csv.prefix(1500)))
        XCTAssertTrue(
            FileManager.default.fileExists(
                atPath: figures.appendingPathComponent("csv/trajectories_clean_v_plane.csv").path))
        // String columns (phase labels) are written as text.
        let firstRow =
            csv.split(separator: "\n").first { $0.hasPrefix("1,") }?.split(
                separator: ",", omittingEmptySubsequences: false) ?? []
        XCTAssertEqual(firstRow.count, 9, String(csv.prefix(1500)))
        if firstRow.count == 9 {
            XCTAssertTrue(
                ["plateau", "transition", "nearOptimalSaddle", "approachToAttractor", "converged"].contains(
                    String(firstRow[5])), "\(firstRow)")
        }
        for stem in ["spectrum_noisy", "region_checks_clean", "multistart_noisy_w_plane"] {
            XCTAssertTrue(
                FileManager.default.fileExists(atPath: figures.appendingPathComponent("csv/\(stem).csv").path), stem)
        }
        // The render artifact carries every published file, byte for byte.
        let manifest = try HDF5File.open(try onlyArtifact("render").path)
        let files = try manifest.root.group("published").dataset("paths").readStrings()
        XCTAssertTrue(files.contains("trajectories.png"), "\(files)")
        let index = try XCTUnwrap(files.firstIndex(of: "learning_curves.png"))
        let carried = try manifest.root.group("published").group("contents").dataset(String(index)).readBytes()
        try manifest.close()
        XCTAssertEqual(Data(carried), try Data(contentsOf: figures.appendingPathComponent("learning_curves.png")))

        // Changing a rendering option re-runs the render node only (and the report page, which shows the figures).
        let png = results.appendingPathComponent("figures/learning_curves.png")
        let first = try Data(contentsOf: png)

        write(jsonText(setting(config, "render.dpi", 300)), to: URL(fileURLWithPath: configPath))
        let rerun = try pipeline(["run"])
        let ran = rerun.stdout.split(separator: "\n").filter { $0.hasPrefix("ran") }.map {
            $0.split(separator: " ", omittingEmptySubsequences: true)[1]
        }
        XCTAssertEqual(ran, ["render", "html-report"], rerun.stdout)
        XCTAssertGreaterThan(try Data(contentsOf: png).count, first.count, "a 300 dpi image should be larger")

        // Back to 150 dpi: the old render artifact is current again, and so are its figures.
        write(jsonText(config), to: URL(fileURLWithPath: configPath))
        let reverted = try pipeline(["run"])
        XCTAssertFalse(reverted.stdout.contains("ran "), reverted.stdout)
        XCTAssertTrue(reverted.stdout.contains("restored figures/"), reverted.stdout)
        XCTAssertEqual(try Data(contentsOf: png), first, "the figures must follow the current render artifact")
        // A forced re-render gives the same bytes.
        try pipeline(["run", "--force", "render"])
        XCTAssertEqual(try Data(contentsOf: png), first, "re-rendering the same data is not byte-reproducible")

        // A deleted, an edited and a stray figure: verify reports each, the next run restores the copy.
        try FileManager.default.removeItem(at: png)
        try Data("edited".utf8).write(to: figures.appendingPathComponent("spectrum.pdf"))
        try Data("stray".utf8).write(to: figures.appendingPathComponent("stray.png"))
        let verify = try runProduct("pipeline", ["verify", "--config", configPath])
        XCTAssertEqual(verify.status, 1, verify.stdout + verify.stderr)
        for line in [
            "figures/learning_curves.png: missing", "figures/spectrum.pdf: differs from the artifact",
            "figures/stray.png: not in the artifact",
        ] {
            XCTAssertTrue(verify.stdout.contains(line), "\(line) not in: \(verify.stdout)")
        }
        let restore = try pipeline(["run"])
        XCTAssertTrue(restore.stdout.contains("restored figures/: 3 file(s)"), restore.stdout)
        XCTAssertEqual(try Data(contentsOf: png), first)
        XCTAssertFalse(FileManager.default.fileExists(atPath: figures.appendingPathComponent("stray.png").path))
        XCTAssertEqual(try runProduct("pipeline", ["verify", "--config", configPath]).status, 0)
    }
}
