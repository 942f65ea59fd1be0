import Foundation
import TestSupport
import XCTest

/// The `<key>.h5.sha256` records through the driver: written before the artifact appears,
/// required by `verify`, collected by `gc`, reused and checked by `archive`.
final class FileHashRecordTests: ProjectTestCase {
    private var datasetFolder: URL { project.appendingPathComponent("results/dataset") }

    private func datasetFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: datasetFolder.path)) ?? []).filter {
            !$0.hasSuffix(".log")
        }.sorted()
    }

    func testKillAfterTheRecordLeavesAnOrphanThatGcRemovesAndRunReplaces() throws {
        let handshake = StageHandshake()
        let (process, out, err) = try startProduct(
            "pipeline", ["run", "dataset", "--config", configPath], environment: handshake.environment)
        // The record is in place when the stage stops: only the artifact's rename is pending.
        let (pid, temporary) = try handshake.waitUntilReached()
        let name = URL(fileURLWithPath: temporary).lastPathComponent
        XCTAssertTrue(
            ((try? FileManager.default.contentsOfDirectory(atPath: datasetFolder.path)) ?? []).contains {
                $0.hasSuffix(".h5.sha256")
            })
        XCTAssertEqual(Int32(name.components(separatedBy: ".tmp-").last ?? ""), pid)
        XCTAssertEqual(kill(pid, SIGKILL), 0)
        XCTAssertEqual(finish(process, out, err).status, 1)
        XCTAssertEqual(
            datasetFiles().filter { !$0.hasPrefix(".") }.map { String($0.split(separator: ".").last!) }, ["sha256"])

        let gc = try pipeline(["gc"])
        XCTAssertTrue(gc.stdout.contains(".h5.sha256"), gc.stdout)
        XCTAssertEqual(datasetFiles(), [])
        try pipeline(["run", "dataset"])
        XCTAssertEqual(
            datasetFiles().map { String($0.split(separator: ".", maxSplits: 1).last!) }, ["h5", "h5.sha256"])
        try pipeline(["verify"])
    }

    func testGcRemovesTheRecordsOfUnusedArtifacts() throws {
        try pipeline(["run", "dataset"])
        write(
            jsonText(setting(smallConfig(), "datasets.gaussian.sample.seed", 2)), to: URL(fileURLWithPath: configPath))
        try pipeline(["run", "dataset"])
        XCTAssertEqual(datasetFiles().count, 4)
        try pipeline(["gc"])
        XCTAssertEqual(datasetFiles().count, 2)
        try pipeline(["verify"])
    }

    func testArtifactWithoutRecordIsCorruptAndRecomputed() throws {
        // As in a store written before file hashes were recorded.
        try pipeline(["run", "dataset"])
        let record = try XCTUnwrap(datasetFiles().first { $0.hasSuffix(".sha256") })
        let original = try Data(contentsOf: datasetFolder.appendingPathComponent(String(record.dropLast(7))))
        try FileManager.default.removeItem(at: datasetFolder.appendingPathComponent(record))
        XCTAssertTrue(
            try pipeline(["status"]).stdout.contains("fresh    dataset[gaussian]"), "status does not hash files")
        let verify = try pipeline(["verify"], expect: 1)
        XCTAssertTrue(verify.stdout.contains("no file hash recorded"), verify.stdout)
        XCTAssertTrue(try pipeline(["status"]).stdout.contains("corrupt  dataset[gaussian]"))
        XCTAssertTrue(
            try pipeline(["run", "dataset"], environment: ["SOURCE_DATE_EPOCH": "1"]).stdout.contains(
                "ran       dataset[gaussian]"))
        XCTAssertEqual(
            try Data(contentsOf: datasetFolder.appendingPathComponent(String(record.dropLast(7)))).count, original.count
        )
        try pipeline(["verify"])
    }

    func testArchiveCarriesTheRecordedHashAndRefusesATamperedArtifact() throws {
        try pipeline(["run"])  // archive needs every node current
        let archive = project.appendingPathComponent("out.tar.gz")
        try pipeline(["archive", archive.path])
        let unpack = makeTemporaryDirectory("mlp-unpack")
        defer { try? FileManager.default.removeItem(at: unpack) }
        XCTAssertEqual(try runTool(["tar", "-xzf", archive.path, "-C", unpack.path]).status, 0)
        let manifest = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(contentsOf: unpack.appendingPathComponent("out/manifest.json")))
                as? [String: Any])
        let entries = try XCTUnwrap(manifest["artifacts"] as? [[String: Any]])
        let dataset = try XCTUnwrap(entries.first { $0["node"] as? String == "dataset[gaussian]" })
        let path = try XCTUnwrap(dataset["path"] as? String)
        let recorded = try String(contentsOf: project.appendingPathComponent(path + ".sha256"), encoding: .utf8)
        XCTAssertEqual(recorded.prefix(64), (dataset["sha256"] as? String)?.prefix(64))
        XCTAssertEqual(
            try String(contentsOf: unpack.appendingPathComponent("out/" + path + ".sha256"), encoding: .utf8), recorded)

        // A byte changed behind the store's back: archive refuses to vouch for it.
        let artifact = project.appendingPathComponent(path)
        var bytes = try Data(contentsOf: artifact)
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: artifact)
        let refused = try pipeline(["archive", project.appendingPathComponent("bad.tar.gz").path], expect: 1)
        XCTAssertTrue(refused.stderr.contains("does not match its recorded file hash"), refused.stderr)
    }
}
