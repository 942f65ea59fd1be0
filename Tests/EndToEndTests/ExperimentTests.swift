import Foundation
import TestSupport
import XCTest

/// Experiments from the command line on a small project: `run --set` recomputes only what the
/// override re-keys and publishes beside the base configuration, `metrics` and `diff` read both
/// sides from one store, the comparison page opens in a browser, `diff --rev` reads a committed
/// configuration, and a bad override is refused like a bad file.
final class ExperimentTests: ProjectTestCase {
    private let override = "train.eta=0.02"

    /// Runs the driver and decodes its JSON output.
    private func json(_ arguments: [String]) throws -> Any {
        let result = try pipeline(arguments)
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    /// Node → key from `status --json`.
    private func keys(_ extra: [String] = []) throws -> [String: String] {
        let items = try XCTUnwrap(try json(["status", "--json"] + extra) as? [[String: Any]])
        XCTAssertEqual(Set(items.compactMap { $0["state"] as? String }), ["fresh"], "\(extra)")
        return Dictionary(uniqueKeysWithValues: items.map { ($0["node"] as! String, $0["key"] as! String) })
    }

    /// The nodes a run's lines say ran.
    private func ran(_ output: String) -> Set<String> {
        Set(
            output.split(separator: "\n").compactMap { line in
                let words = line.split(separator: " ")
                return words.first == "ran" && words.count > 1 ? String(words[1]) : nil
            })
    }

    private func files(under folder: URL) throws -> [String: Data] {
        let names = try XCTUnwrap(FileManager.default.subpathsOfDirectory(atPath: folder.path))
        var contents: [String: Data] = [:]
        for name in names {
            var isDirectory: ObjCBool = false
            let url = folder.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                contents[name] = try Data(contentsOf: url)
            }
        }
        return contents
    }

    func testRunSetRecomputesWhatItReKeysAndDiffShowsBothSidesSideBySide() throws {
        guard toolAvailable([projectPython, "-c", "import matplotlib, h5py, numpy"]) else {
            throw XCTSkip("\(projectPython) with matplotlib, h5py and numpy is not installed (scripts/setup-debian.sh)")
        }
        try pipeline(["run", "-j", "2"])
        let base = try keys()
        let published = try files(under: results.appendingPathComponent("figures"))
        let report = try files(under: results.appendingPathComponent("report"))

        // Metrics of the base configuration, read without running anything.
        let metrics = try XCTUnwrap(try json(["metrics", "--json"]) as? [[String: Any]])
        let phases = try XCTUnwrap(metrics.first { $0["node"] as? String == "phases[noisy]" })
        XCTAssertEqual(phases["state"] as? String, "fresh")
        let names = (phases["metrics"] as? [[String: Any]] ?? []).compactMap { $0["metric"] as? String }
        XCTAssertTrue(names.contains("t_star") && names.contains("E_gen_star"), "\(names)")

        // Before the variant runs: its re-keyed nodes are listed as stale, nothing runs.
        let before = try pipeline(["diff", "--set", override])
        XCTAssertTrue(before.stdout.contains("(stale)"), before.stdout)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: results.path).contains("variants"), false)

        // The variant recomputes exactly the nodes whose keys differ; the dataset stays.
        let run = try pipeline(["run", "-j", "2", "--set", override])
        let variant = try keys(["--set", override])
        let rekeyed = Set(variant.keys.filter { variant[$0] != base[$0] })
        XCTAssertEqual(ran(run.stdout), rekeyed, run.stdout)
        XCTAssertFalse(rekeyed.contains("dataset[gaussian]"))
        XCTAssertTrue(rekeyed.isSuperset(of: ["train[noisy]", "train[clean]", "html-report"]), "\(rekeyed)")
        XCTAssertLessThan(rekeyed.count, base.count)
        // Both configurations are fresh in the one store, and the base one's published folders are untouched.
        XCTAssertEqual(try keys(), base)
        XCTAssertEqual(try files(under: results.appendingPathComponent("figures")), published)
        XCTAssertEqual(try files(under: results.appendingPathComponent("report")), report)
        let folder = results.appendingPathComponent("variants/\(override)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("report/index.html").path))
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: folder.appendingPathComponent("figures/learning_curves.png").path))
        // Each report shows its own effective configuration: the override is recorded with the variant's.
        let variantPage = try String(contentsOf: folder.appendingPathComponent("report/index.html"), encoding: .utf8)
        let basePage = try String(contentsOf: results.appendingPathComponent("report/index.html"), encoding: .utf8)
        XCTAssertTrue(variantPage.contains("&quot;eta&quot; : 0.02"))
        XCTAssertFalse(basePage.contains("&quot;eta&quot; : 0.02"))

        // An archive of the variant holds its effective configuration, not the file without the override.
        let archive = project.appendingPathComponent("variant.tar.gz")
        try pipeline(["archive", "--set", override, archive.path])
        let unpacked = project.appendingPathComponent("unpacked")
        try FileManager.default.createDirectory(at: unpacked, withIntermediateDirectories: true)
        XCTAssertEqual(try runTool(["tar", "-xzf", archive.path, "-C", unpacked.path]).status, 0)
        let archived = try String(
            contentsOf: unpacked.appendingPathComponent("variant/pipeline.json"), encoding: .utf8)
        XCTAssertTrue(archived.contains("\"eta\" : 0.02"), archived)

        // `path` names each configuration's artifact, `show` what it holds; a node not current is refused.
        let path = try pipeline(["path", "phases[noisy]", "--set", override]).stdout
        XCTAssertEqual(path, results.appendingPathComponent("phases/\(variant["phases[noisy]"]!).h5").path + "\n")
        XCTAssertTrue(try pipeline(["path", "phases[noisy]"]).stdout.contains(base["phases[noisy]"]!))
        let show = try pipeline(["show", "phases[noisy]"]).stdout
        XCTAssertTrue(
            show.contains("@t_star = ") && show.contains("segments/") && show.contains("t_start  float64"), show)
        let stale = try pipeline(["path", "phases[noisy]", "--set", "train.eta=0.03"], expect: 1)
        XCTAssertEqual(stale.stdout, "")
        XCTAssertTrue(stale.stderr.contains("phases[noisy] is stale"), stale.stderr)
        XCTAssertEqual(
            try pipeline(["show", "phases[nowhere]"], expect: 2).stderr.contains("no node phases[nowhere]"), true)

        // The diff: the parameter, the re-keyed nodes, and each side's metrics.
        let text = try pipeline(["diff", "--set", override]).stdout
        XCTAssertTrue(text.contains("train.eta  0.01  →  0.02"), text)
        XCTAssertTrue(text.contains("nodes whose keys differ (\(rekeyed.count) of \(base.count))"), text)
        for metric in ["t_star", "E_gen_star", "attractor_E_tr", "attractor_E_gen", "basin_fraction[0]"] {
            XCTAssertTrue(text.contains(metric), "\(metric) missing:\n\(text)")
        }
        XCTAssertFalse(text.contains("(missing)") || text.contains("(stale)"), text)
        let diff = try XCTUnwrap(try json(["diff", "--set", override, "--json"]) as? [String: Any])
        let parameters = try XCTUnwrap(diff["parameters"] as? [[String: Any]])
        XCTAssertEqual(parameters.map { $0["key"] as? String }, ["train.eta"])
        XCTAssertEqual(parameters.first?["right"] as? Double, 0.02)
        let nodes = try XCTUnwrap(diff["nodes"] as? [[String: Any]])
        XCTAssertEqual(Set(nodes.compactMap { $0["node"] as? String }), rekeyed)
        for node in nodes {
            XCTAssertEqual(node["left_key"] as? String, base[node["node"] as! String])
            XCTAssertEqual(node["right_key"] as? String, variant[node["node"] as! String])
        }
        let rows = try XCTUnwrap(diff["metrics"] as? [[String: Any]])
        let tStar = try XCTUnwrap(
            rows.first { $0["node"] as? String == "phases[noisy]" && $0["metric"] as? String == "t_star" })
        let left = try XCTUnwrap((tStar["left"] as? [String: Any])?["value"] as? Double)
        let right = try XCTUnwrap((tStar["right"] as? [String: Any])?["value"] as? Double)
        XCTAssertEqual(tStar["change"] as? Double ?? .nan, right - left, accuracy: 1e-9 * max(1, abs(right)))
        let fractions = rows.filter { ($0["metric"] as? String)?.hasPrefix("basin_fraction") ?? false }
        XCTAssertFalse(fractions.isEmpty)
        for row in fractions {
            let side = try XCTUnwrap(row["right"] as? [String: Any])
            let value = try XCTUnwrap(side["value"] as? Double)
            XCTAssertLessThanOrEqual(try XCTUnwrap(side["low"] as? Double), value)
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(side["high"] as? Double), value)
        }

        // The comparison page: self-contained, every image decoded in a real browser.
        let page = results.appendingPathComponent("compare/\(override)/index.html")
        XCTAssertTrue((diff["page"] as? String)?.hasSuffix("compare/\(override)/index.html") ?? false, "\(diff)")
        let html = try String(contentsOf: page, encoding: .utf8)
        XCTAssertTrue(html.contains("train.eta") && html.contains("t_star"))
        XCTAssertFalse(html.contains("src=\"../") || html.contains("src=\"figures"), "an image is not embedded")
        guard toolAvailable(["chromium", "--version"]) else {
            throw XCTSkip("chromium is not installed: scripts/setup-debian.sh installs the Debian package `chromium`")
        }
        let check = try runTool([
            projectPython, packageRoot.appendingPathComponent("scripts/browser_check.py").path, page.path,
            "--screenshot", project.appendingPathComponent("compare.png").path, "--viewport-screenshot",
            project.appendingPathComponent("compare-top.png").path,
        ])
        XCTAssertEqual(check.status, 0, check.stderr)
        let found = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any], check.stdout)
        let images = try XCTUnwrap(found["images"] as? [[String: Any]])
        let pngs = published.keys.filter { $0.hasSuffix(".png") }
        XCTAssertEqual(images.count, 2 * pngs.count, "each figure of both sides")
        XCTAssertGreaterThan(images.count, 0)
        for image in images {
            XCTAssertEqual(image["complete"] as? Bool, true, "\(image)")
            XCTAssertGreaterThan(image["naturalWidth"] as? Int ?? 0, 0, "an image did not decode: \(image)")
        }
        XCTAssertTrue((found["errors"] as? [Any])?.isEmpty ?? false, "console errors: \(found["console"] ?? "")")
    }

    func testDiffRevComparesWithTheCommittedConfiguration() throws {
        guard toolAvailable(["git", "--version"]) else { throw XCTSkip("git is not installed") }
        let git = { (arguments: [String]) throws -> CommandResult in
            try runTool(
                ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", "-C", self.project.path]
                    + arguments)
        }
        XCTAssertEqual(try git(["init", "-q"]).status, 0)
        XCTAssertEqual(try git(["add", "pipeline.json"]).status, 0)
        XCTAssertEqual(try git(["commit", "-q", "-m", "base"]).status, 0)
        write(jsonText(setting(smallConfig(), "multistart.starts", 4)), to: URL(fileURLWithPath: configPath))

        let text = try pipeline(["diff", "--rev", "HEAD"]).stdout
        XCTAssertTrue(text.contains("left:  \(configPath)@HEAD"), text)
        XCTAssertTrue(text.contains("multistart.starts  3  →  4"), text)
        let diff = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(try pipeline(["diff", "--rev", "HEAD", "--json"]).stdout.utf8))
                as? [String: Any])
        let nodes = Set((diff["nodes"] as? [[String: Any]] ?? []).compactMap { $0["node"] as? String })
        XCTAssertTrue(nodes.contains("multistart[noisy]") && nodes.contains("html-report"), "\(nodes)")
        XCTAssertFalse(nodes.contains("train[noisy]"), "\(nodes)")
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: results.appendingPathComponent("compare/rev-HEAD/index.html").path))

        // Another file, compared without running; then both sides of the revision brought up to date.
        let other = project.appendingPathComponent("other.json")
        write(jsonText(setting(smallConfig(), "multistart.starts", 5)), to: other)
        let against = try pipeline(["diff", "--against", other.path]).stdout
        XCTAssertTrue(against.contains("multistart.starts  4  →  5"), against)
        let run = try pipeline(["diff", "--rev", "HEAD", "--run", "-j", "2"]).stdout
        XCTAssertTrue(run.contains("left: ran ") && run.contains("right: ran "), run)
        XCTAssertFalse(run.contains("(missing)") || run.contains("(stale)"), run)
        XCTAssertTrue(run.contains("basin_fraction[0]"), run)
        // The revision's side publishes as a variant; the configuration file's own pages are the current ones.
        for folder in ["report/index.html", "variants/rev-HEAD/report/index.html"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: results.appendingPathComponent(folder).path), folder)
        }
        let page = try String(contentsOf: results.appendingPathComponent("report/index.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("&quot;starts&quot; : 4"))

        // A revision git does not know is refused in one line.
        let unknown = try pipeline(["diff", "--rev", "no-such-rev"], expect: 2)
        XCTAssertEqual(unknown.stderr.split(separator: "\n").count, 1, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("--rev no-such-rev"), unknown.stderr)
    }

    func testBadOverridesAreRefusedInOneLineAndNothingIsWritten() throws {
        let cases: [([String], String)] = [
            (["run", "--set", "train.eta=-1"], "--set train.eta=-1: invalid configuration at key 'train.eta'"),
            (["run", "--set", "train.colour=1"], "unknown key"),
            (["status", "--set", "train.eta"], "expected key.path=value"),
            (["diff", "--set", "multistart.starts=many"], "--set multistart.starts=many"),
            (["config", "--set", "train.method=adam"], "train.method"),
        ]
        for (arguments, message) in cases {
            let result = try pipeline(arguments, expect: 2)
            let lines = result.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: results.path), "\(arguments) wrote the store")
        }
        // A good override is what `config` prints, and `diff` needs something to compare.
        XCTAssertTrue(try pipeline(["config", "--set", "train.eta=0.5"]).stdout.contains("\"eta\" : 0.5"))
        XCTAssertEqual(try pipeline(["diff"], expect: 2).stderr.contains("nothing to compare"), true)
    }
}
