import Dataset
import Foundation
import TestSupport
import Train
import XCTest

/// The driver's contract: staleness with reasons, reverting, code identity, atomic artifacts,
/// corruption handling, locking, reproducibility, archives.
final class PipelineBehaviourTests: ProjectTestCase {

    private func lines(_ result: CommandResult, starting prefix: String) -> [String] {
        result.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) }
    }

    private func ranNodes(_ result: CommandResult) -> [String] {
        lines(result, starting: "ran").map { String($0.split(separator: " ", omittingEmptySubsequences: true)[1]) }
    }

    private func artifacts(_ stage: String) -> [URL] {
        let folder = results.appendingPathComponent(stage)
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".h5") && !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
    }

    func testChangeRerunsOnlyAffectedNodeAndRevertRestores() throws {
        write(
            jsonText(setting(smallConfig(), "datasets.other", ["sample": ["n": 10, "seed": 7]])),
            to: URL(fileURLWithPath: configPath))
        let nodes = lines(try pipeline(["run", "dataset", "figure-data"]), starting: "ran").count
        let original = Set(artifacts("dataset"))
        XCTAssertEqual(original.count, 2)

        var changed = setting(smallConfig(), "datasets.other", ["sample": ["n": 10, "seed": 7]])
        changed = setting(changed, "datasets.gaussian.sample.sigma", 0.3)
        write(jsonText(changed), to: URL(fileURLWithPath: configPath))
        let status = try pipeline(["status"])
        XCTAssertTrue(status.stdout.contains("stale    dataset[gaussian]"), status.stdout)
        XCTAssertTrue(status.stdout.contains("because config sample.sigma: 0.2 → 0.3"), status.stdout)
        XCTAssertTrue(status.stdout.contains("fresh    dataset[other]"), status.stdout)
        let json = try pipeline(["status", "--json"])
        XCTAssertTrue(json.stdout.contains("\"state\" : \"stale\""), json.stdout)

        // The changed dataset and the runs trained on it re-run; the other dataset does not.
        let rerun = try pipeline(["run", "dataset", "figure-data"])
        // dataset[gaussian] and every node downstream of it; dataset[other] (no runs) stays fresh.
        XCTAssertEqual(lines(rerun, starting: "ran").count, nodes - 1, rerun.stdout)
        XCTAssertTrue(lines(rerun, starting: "ran")[0].contains("dataset[gaussian]"))
        XCTAssertTrue(lines(rerun, starting: "fresh")[0].contains("dataset[other]"), rerun.stdout)
        XCTAssertEqual(Set(artifacts("dataset")).count, 3)

        // Revert: the original artifact is current again, nothing recomputed.
        write(
            jsonText(setting(smallConfig(), "datasets.other", ["sample": ["n": 10, "seed": 7]])),
            to: URL(fileURLWithPath: configPath))
        let reverted = try pipeline(["run", "dataset", "figure-data"])
        XCTAssertTrue(lines(reverted, starting: "ran").isEmpty, reverted.stdout)
        XCTAssertEqual(lines(reverted, starting: "fresh").count, nodes)
    }

    func testStageBuiltFromOtherSourcesRefusesToRun() throws {
        let output = project.appendingPathComponent("out.h5")
        let slice = #"{"teacher":{"w":[1],"v":[2]},"sample":{"n":10,"sigma":0.2,"seed":1}}"#
        let result = try runProduct(
            "stage-dataset", ["--slice", slice, "--output", output.path, "--expect-code-identity", "not-this-build"])
        XCTAssertEqual(result.status, 4, result.stderr)
        XCTAssertTrue(result.stderr.contains("was built from other sources"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path))
    }

    func testForceAndDryRun() throws {
        let nodes = lines(try pipeline(["run", "figure-data"]), starting: "ran").count
        let dry = try pipeline(["run", "--dry-run", "--force", "dataset"])
        XCTAssertTrue(dry.stdout.contains("would run dataset[gaussian]"), dry.stdout)
        let before = snapshot(of: results)
        let dryAgain = try pipeline(["run", "--dry-run", "--force", "dataset"])
        XCTAssertTrue(dryAgain.stdout.contains("would run"))
        XCTAssertEqual(snapshot(of: results), before, "a dry run changed the store")
        let forced = try pipeline(["run", "figure-data", "--force", "dataset"])
        // Forcing a stage forces its descendants too.
        XCTAssertEqual(lines(forced, starting: "ran").count, nodes, forced.stdout)
        try pipeline(["run", "nosuchstage"], expect: 2)
    }

    func testKilledStageLeavesNoArtifactAndIsRecomputed() throws {
        let handshake = StageHandshake()
        let (process, out, err) = try startProduct(
            "pipeline", ["run", "--config", configPath], environment: handshake.environment)
        // The dataset stage stops before its rename; kill it there.
        let folder = results.appendingPathComponent("dataset")
        let (pid, temporary) = try handshake.waitUntilReached()
        XCTAssertTrue(FileManager.default.fileExists(atPath: temporary), temporary)
        XCTAssertEqual(kill(pid, SIGKILL), 0)
        let result = finish(process, out, err)
        XCTAssertEqual(result.status, 1, result.stdout)
        XCTAssertTrue(result.stdout.contains("killed by signal 9"), result.stdout)
        XCTAssertTrue(artifacts("dataset").isEmpty, "a killed stage left an artifact under its final name")
        XCTAssertTrue(try pipeline(["status"]).stdout.contains("missing"))
        XCTAssertTrue(result.stdout.contains("skipped   train[noisy]"), result.stdout)
        let rerun = try pipeline(["run", "figure-data"])
        XCTAssertTrue(lines(rerun, starting: "ran").contains { $0.contains("dataset[gaussian]") }, rerun.stdout)
        XCTAssertTrue(try pipeline(["status"]).stdout.contains("fresh    figure-data"))
        try pipeline(["gc"])
        XCTAssertFalse(
            ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).contains {
                $0.contains(".tmp-")
            })
    }

    func testTruncatedArtifactIsCorruptAndRecomputed() throws {
        try pipeline(["run", "dataset"])
        let artifact = try XCTUnwrap(artifacts("dataset").first)
        let bytes = try Data(contentsOf: artifact)
        try bytes.prefix(bytes.count / 2).write(to: artifact)
        let status = try pipeline(["status"])
        XCTAssertTrue(status.stdout.contains("corrupt  dataset[gaussian]"), status.stdout)
        try pipeline(["verify"], expect: 1)
        let rerun = try pipeline(["run", "dataset"])
        XCTAssertEqual(lines(rerun, starting: "ran").count, 1)
        XCTAssertEqual(try Data(contentsOf: artifact), bytes)
        try pipeline(["verify"])
    }

    func testBitFlipIsFoundByVerifyAndRecomputed() throws {
        try pipeline(["run", "dataset"])
        let artifact = try XCTUnwrap(artifacts("dataset").first)
        let original = try Data(contentsOf: artifact)
        // Flip one bit of the first stored x value (found by its bytes in the file).
        let x0 = try XCTUnwrap(
            try runTool(["h5dump", "-d", "/x", "-o", "/dev/stdout", "-y", "-w", "0", "-m", "%.17g", artifact.path])
                .stdout
                .split(whereSeparator: { $0 == "," || $0.isWhitespace }).compactMap { Double($0) }.first)
        var pattern = x0.bitPattern.littleEndian
        let needle = withUnsafeBytes(of: &pattern) { Data($0) }
        let range = try XCTUnwrap(original.range(of: needle), "x[0] not found in the file")
        var damaged = original
        damaged[range.lowerBound] ^= 0x01
        try damaged.write(to: artifact)
        XCTAssertTrue(try pipeline(["status"]).stdout.contains("fresh"), "a data bit flip is only visible to verify")
        let verify = try pipeline(["verify"], expect: 1)
        XCTAssertTrue(verify.stdout.contains("file hash mismatch"), verify.stdout)
        let status = try pipeline(["status"])
        XCTAssertTrue(status.stdout.contains("corrupt  dataset[gaussian]"), status.stdout)
        try pipeline(["run", "dataset"])
        XCTAssertEqual(try Data(contentsOf: artifact), original)
        try pipeline(["verify"])

        // With the file-hash record rewritten to match the damage, the content hash still catches it.
        try damaged.write(to: artifact)
        let record = artifact.appendingPathExtension("sha256")
        let sha256 = try XCTUnwrap(try runTool(["sha256sum", artifact.path]).stdout.split(separator: " ").first)
        try "\(sha256)  \(artifact.lastPathComponent)\n".write(to: record, atomically: true, encoding: .utf8)
        let contentCheck = try pipeline(["verify"], expect: 1)
        XCTAssertTrue(contentCheck.stdout.contains(": content hash mismatch: stored "), contentCheck.stdout)
        XCTAssertFalse(contentCheck.stdout.contains("file hash mismatch"), contentCheck.stdout)
    }

    func testConcurrentRunsShareTheStoreSafely() throws {
        // Only the dataset stage, so that the pause before each rename stays short.
        // A holds the node's lock, stopped inside its stage; B starts and says it waits; then A goes on.
        let handshake = StageHandshake()
        let a = try startProduct(
            "pipeline", ["run", "dataset", "--force", "dataset", "--config", configPath],
            environment: handshake.environment)
        _ = try handshake.waitUntilReached()
        let b = try startProduct("pipeline", ["run", "dataset", "--config", configPath])
        var waiting = Data()
        while !String(decoding: waiting, as: UTF8.self).contains("waiting for another pipeline run") {
            let chunk = b.2.fileHandleForReading.availableData  // blocks until B writes (or exits)
            if chunk.isEmpty { break }
            waiting += chunk
        }
        try handshake.resume()
        let first = finish(a.0, a.1, a.2)
        let second = finish(b.0, b.1, b.2)
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        let ran = [first, second].map { lines($0, starting: "ran").count }
        XCTAssertEqual(ran.sorted(), [0, 1], "exactly one run computes, the other finds it fresh")
        XCTAssertTrue(
            String(decoding: waiting, as: UTF8.self).contains("waiting for another pipeline run"), second.stderr)
        try pipeline(["verify"])
        let holder = StageHandshake()
        let noWait = try startProduct(
            "pipeline", ["run", "dataset", "--force", "dataset", "--config", configPath],
            environment: holder.environment)
        _ = try holder.waitUntilReached()
        // Runs share the store and lock nodes: a fresh node needs no lock, one being re-made does.
        XCTAssertEqual(
            try pipeline(["run", "dataset", "--no-wait"]).stdout.split(separator: "\n").first?.hasPrefix("fresh"), true)
        let refused = try pipeline(["run", "dataset", "--force", "dataset", "--no-wait"], expect: 3)
        XCTAssertTrue(
            refused.stderr.contains("another pipeline run")
                && refused.stderr.contains("is computing dataset[gaussian]"), refused.stderr)
        try holder.resume()
        XCTAssertEqual(finish(noWait.0, noWait.1, noWait.2).status, 0)
    }

    func testTwoClonesGiveByteIdenticalArtifacts() throws {
        let other = makeProject(smallConfig())
        defer { try? FileManager.default.removeItem(at: other) }
        let environment = ["SOURCE_DATE_EPOCH": "1700000000"]
        try pipeline(["run", "phases"], environment: environment)
        XCTAssertEqual(
            try runProduct(
                "pipeline", ["run", "phases", "--config", other.appendingPathComponent("pipeline.json").path],
                environment: environment
            ).status, 0)
        // Dataset artifacts are byte-identical; training artifacts differ only in their timing_*
        // attributes, so their keys and content hashes agree.
        let mine = snapshot(of: results).filter { $0.key.hasSuffix(".h5") }
        let theirs = snapshot(of: other.appendingPathComponent("results")).filter { $0.key.hasSuffix(".h5") }
        XCTAssertFalse(mine.isEmpty)
        // Same keys everywhere; byte-identical except the stages that record timing_* attributes.
        XCTAssertEqual(Set(mine.keys), Set(theirs.keys))
        let timed = ["train/", "multistart/"]
        XCTAssertEqual(
            mine.filter { k, _ in !timed.contains { k.hasPrefix($0) } },
            theirs.filter { k, _ in !timed.contains { k.hasPrefix($0) } })
        XCTAssertTrue(mine.keys.contains { $0.hasPrefix("eigen/") })
    }

    func testArtifactsOpenInH5dumpAndH5py() throws {
        try pipeline(["run", "dataset"])
        let artifact = try XCTUnwrap(artifacts("dataset").first)
        guard toolAvailable(["h5dump", "--version"]) else { throw XCTSkip("h5dump not installed") }
        let dump = try runTool(["h5dump", "-H", artifact.path])
        XCTAssertEqual(dump.status, 0, dump.stderr)
        XCTAssertTrue(dump.stdout.contains("DATASET \"y_noisy\""))
        guard toolAvailable([projectPython, "-c", "import h5py"]) else {
            throw XCTSkip("h5py not installed for \(projectPython)")
        }
        let script = """
            import h5py, json, sys
            with h5py.File(sys.argv[1], "r") as f:
                x = f["x"][...]
                a = f.attrs
                print(len(x), a["stage"], a["instance"], json.loads(a["config"])["sample"]["n"], a["content_hash"], \
            a["key"])
            """
        let python = try runTool([projectPython, "-c", script, artifact.path])
        XCTAssertEqual(python.status, 0, python.stderr)
        XCTAssertEqual(python.stdout.split(separator: " ").prefix(4).joined(separator: " "), "40 dataset gaussian 40")
        XCTAssertTrue(python.stdout.contains(artifact.deletingPathExtension().lastPathComponent))
    }

    func testGarbageCollectionKeepsCurrentArtifacts() throws {
        try pipeline(["run", "train"])
        write(
            jsonText(setting(smallConfig(), "datasets.gaussian.sample.seed", 2)), to: URL(fileURLWithPath: configPath))
        try pipeline(["run", "train"])
        XCTAssertEqual(artifacts("dataset").count, 2)
        let dry = try pipeline(["gc", "--dry-run"])
        XCTAssertTrue(dry.stdout.contains("would remove"), dry.stdout)
        XCTAssertEqual(artifacts("dataset").count, 2)
        // Files outside stage folders (rendered figures, a nested store) are never collected.
        let foreign = [
            results.appendingPathComponent("figures/plot.png"),
            results.appendingPathComponent("paper/dataset/other.h5"),
        ]
        for url in foreign { write("keep", to: url) }
        try pipeline(["gc"])
        XCTAssertEqual(artifacts("dataset").count, 1)
        for url in foreign { XCTAssertTrue(FileManager.default.fileExists(atPath: url.path), url.path) }
        XCTAssertTrue(try pipeline(["run", "train"]).stdout.contains("0 ran"))
    }

    func testArchiveRoundTrip() throws {
        try pipeline(["run"])
        let archive = project.appendingPathComponent("out.tar.gz")
        try pipeline(["archive", archive.path])
        let unpack = makeTemporaryDirectory("mlp-unpack")
        defer { try? FileManager.default.removeItem(at: unpack) }
        XCTAssertEqual(try runTool(["tar", "-xzf", archive.path, "-C", unpack.path]).status, 0)
        let manifest = unpack.appendingPathComponent("out/manifest.json")
        XCTAssertTrue(FileManager.default.fileExists(atPath: unpack.appendingPathComponent("out/pipeline.json").path))
        let check = try runProduct("pipeline", ["verify", "--manifest", manifest.path])
        XCTAssertEqual(check.status, 0, check.stdout)
        // Damage one archived artifact: the manifest check fails.
        let archived = try XCTUnwrap(
            FileManager.default.enumerator(atPath: unpack.path)?.compactMap { $0 as? String }.first {
                $0.hasSuffix(".h5")
            })
        let url = unpack.appendingPathComponent(archived)
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count - 1] ^= 0xFF
        try bytes.write(to: url)
        XCTAssertEqual(try runProduct("pipeline", ["verify", "--manifest", manifest.path]).status, 1)
    }

    func testDagOutput() throws {
        let text = try pipeline(["dag"])
        XCTAssertTrue(text.stdout.contains("dataset[gaussian]"))
        let dot = try pipeline(["dag", "--dot"])
        XCTAssertTrue(dot.stdout.hasPrefix("digraph pipeline {"))
    }

    func testEveryStageExecutableExplainsItself() throws {
        for stage in ["stage-dataset", "stage-train"] {
            let help = try runProduct(stage, ["--help"])
            XCTAssertEqual(help.status, 0, stage)
            XCTAssertTrue(help.stdout.contains("--slice") && help.stdout.contains("--output"), help.stdout)
        }
        let missing = try runProduct("stage-dataset", ["--output", "/tmp/never.h5"])
        XCTAssertNotEqual(missing.status, 0)
    }
}
