import Foundation
import HDF5Kit
import PipelineCore
import PipelineEngine
import TestSupport
import XCTest

/// The file-hash record beside every artifact, and what `verify` concludes from it.
final class ArtifactIntegrityTests: XCTestCase {
    private var directory: URL!

    override func setUp() {
        directory = makeTemporaryDirectory("mlp-integrity")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    private let marker = "provenance-marker-0123456789"

    /// Writes a small committed artifact whose `config` attribute holds `marker`.
    private func makeArtifact(_ name: String = "k.h5") throws -> URL {
        let url = directory.appendingPathComponent(name)
        let provenance = Provenance(
            stage: "test", instance: "", key: "k", config: .object(["note": .string(marker)]),
            inputs: .object([:]), codeIdentity: "c", gitCommit: "g")
        let writer = try ArtifactWriter(finalURL: url, provenance: provenance)
        try writer.root.createDataset("x", doubles: [1, 2, 3])
        try writer.commit()
        return url
    }

    private func flipByte(at offset: Int, of url: URL) throws {
        var bytes = try Data(contentsOf: url)
        bytes[offset] ^= 0x20
        try bytes.write(to: url)
    }

    func testCommitRecordsTheFileSHA256InSha256sumFormat() throws {
        let url = try makeArtifact()
        let record = try String(contentsOf: FileHashRecord.url(for: url), encoding: .utf8)
        XCTAssertEqual(record, "\(try Hashing.sha256(fileAt: url))  k.h5\n")
        XCTAssertEqual(try FileHashRecord.read(for: url), try Hashing.sha256(fileAt: url))
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["k.h5", "k.h5.sha256"])
        XCTAssertEqual(ArtifactIntegrity.problems(artifact: url), [])
    }

    func testFlippedByteInConfigAttributeIsCaught() throws {
        let url = try makeArtifact()
        let recordedBefore = try FileHashRecord.read(for: url)
        let bytes = try Data(contentsOf: url)
        let range = try XCTUnwrap(bytes.range(of: Data(marker.utf8)), "config attribute not found in the file")
        try flipByte(at: range.lowerBound + 3, of: url)
        // The attribute really changed, and the content hash alone cannot see it: provenance is outside it.
        let file = try HDF5File.open(url.path)
        XCTAssertEqual(try file.root.attribute("config"), .string(#"{"note":"proVenance-marker-0123456789"}"#))
        try file.close()
        XCTAssertNil(ArtifactReader.contentProblem(at: url))
        let problems = ArtifactIntegrity.problems(artifact: url)
        XCTAssertEqual(problems.count, 1)
        guard case .fileHashMismatch(let recorded, let actual)? = problems.first else { return XCTFail("\(problems)") }
        XCTAssertEqual(recorded, recordedBefore)
        XCTAssertEqual(actual, try Hashing.sha256(fileAt: url))
        XCTAssertTrue(problems[0].description.hasPrefix("file hash mismatch: recorded "), problems[0].description)
    }

    func testMissingRecordMeansTheArtifactCannotBeVouchedFor() throws {
        let url = try makeArtifact()
        try FileManager.default.removeItem(at: FileHashRecord.url(for: url))
        XCTAssertEqual(ArtifactIntegrity.problems(artifact: url), [.noFileHashRecorded])
        XCTAssertEqual(IntegrityProblem.noFileHashRecorded.description, "no file hash recorded")
    }

    func testRecordForAnotherFileOrGarbageIsReported() throws {
        let url = try makeArtifact()
        let record = FileHashRecord.url(for: url)
        try "\(String(repeating: "a", count: 64))  other.h5\n".write(to: record, atomically: true, encoding: .utf8)
        guard case .fileHashRecordUnreadable? = ArtifactIntegrity.problems(artifact: url).first else {
            return XCTFail("\(ArtifactIntegrity.problems(artifact: url))")
        }
        try "not a hash\n".write(to: record, atomically: true, encoding: .utf8)
        guard case .fileHashRecordUnreadable? = ArtifactIntegrity.problems(artifact: url).first else {
            return XCTFail("\(ArtifactIntegrity.problems(artifact: url))")
        }
    }

    func testDataFlipIsAFileHashMismatchAndTheFileIsNotParsed() throws {
        let url = try makeArtifact()
        var value = 2.0.bitPattern.littleEndian
        let needle = withUnsafeBytes(of: &value) { Data($0) }
        let offset = try XCTUnwrap(try Data(contentsOf: url).range(of: needle)).lowerBound
        try flipByte(at: offset, of: url)
        XCTAssertNotNil(ArtifactReader.contentProblem(at: url), "the data changed")
        guard case .fileHashMismatch? = ArtifactIntegrity.problems(artifact: url).first else {
            return XCTFail("\(ArtifactIntegrity.problems(artifact: url))")
        }
    }

    func testWriterRefusesEarlyWhenTheStoreLacksTheExpectedSpaceAndLeavesNothing() throws {
        let url = directory.appendingPathComponent("big.h5")
        let provenance = Provenance(
            stage: "t", instance: "", key: "big", config: .object([:]), inputs: .object([:]), codeIdentity: "c",
            gitCommit: "g")
        XCTAssertThrowsError(try ArtifactWriter(finalURL: url, provenance: provenance, expectedBytes: 1 << 60)) {
            error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("cannot write \(directory.path)/.big.h5.tmp-"), text)
            XCTAssertTrue(text.contains(": No space left on device (needs about "), text)
            XCTAssertFalse(text.contains("\n"), text)
        }
        let writer = try ArtifactWriter(finalURL: url, provenance: provenance)
        XCTAssertThrowsError(try writer.requireSpace(1 << 60))
        XCTAssertNoThrow(try writer.requireSpace(1))
        XCTAssertTrue(FileManager.default.fileExists(atPath: writer.temporaryURL.path))
        withExtendedLifetime(writer) {}
    }

    func testAbandonedWriterLeavesNoTemporaryFile() throws {
        let url = directory.appendingPathComponent("gone.h5")
        do {
            let provenance = Provenance(
                stage: "t", instance: "", key: "gone", config: .object([:]), inputs: .object([:]), codeIdentity: "c",
                gitCommit: "g")
            let writer = try ArtifactWriter(finalURL: url, provenance: provenance)
            try writer.root.createDataset("x", doubles: [1])
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
    }
}
