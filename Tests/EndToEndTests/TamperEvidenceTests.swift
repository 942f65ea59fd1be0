import Foundation
import TestSupport
import XCTest

/// A store that cannot be fooled: random single-byte flips in every kind of artifact, judged by
/// what h5py reads back, must all be reported corrupt by `pipeline verify` — a change in the
/// provenance attributes (`config`, `inputs`, `key`, …) as much as in the data.
final class TamperEvidenceTests: ProjectTestCase {

    /// Flips per artifact kind (dataset, train, eigen, phases, multistart): 240 in all.
    private let flipsPerKind = 48

    func testEveryByteFlipThatChangesReadableContentIsCaughtByVerify() throws {
        guard H5pyReadBack.isAvailable else {
            throw XCTSkip("\(H5pyReadBack.python) with h5py and numpy is not installed")
        }
        let build = try runProduct("pipeline", ["run", "phases", "multistart", "--config", configPath])
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
        let kinds = ["dataset[gaussian]", "train[noisy]", "eigen[noisy]", "phases[noisy]", "multistart[noisy]"]
        let artifacts = try kinds.map { try currentArtifact($0, config: URL(fileURLWithPath: configPath)) }

        // Every flipped copy is written first, so that one Python process reads them all back.
        let scratch = makeTemporaryDirectory("mlp-flips")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var random = SplitMix64(seed: 20_260_401)
        var flips: [Flip] = []
        for artifact in artifacts {
            let pristine = try Data(contentsOf: artifact)
            for index in 0..<flipsPerKind {
                let flip = Flip(
                    artifact: artifact, offset: Int(random.next() % UInt64(pristine.count)),
                    mask: UInt8(1 + random.next() % 255),
                    copy: scratch.appendingPathComponent(
                        "\(artifact.deletingLastPathComponent().lastPathComponent)-\(index).h5"))
                var bytes = pristine
                bytes[flip.offset] ^= flip.mask
                try bytes.write(to: flip.copy)
                flips.append(flip)
            }
        }
        let digests = try H5pyReadBack.digests(of: artifacts + flips.map(\.copy), scratch: scratch)
        for artifact in artifacts {
            XCTAssertEqual(
                digests[artifact.path]?.count, 64,
                "h5py cannot read the pristine \(artifact.path): \(digests[artifact.path] ?? "")")
        }

        // One verify run per round checks one flip of each kind (in different files) at once.
        var caughtFlips: Set<URL> = []
        for round in 0..<flipsPerKind {
            caughtFlips.formUnion(try verifyCatches(artifacts.indices.map { flips[$0 * flipsPerKind + round] }))
        }
        var changedReadable = 0, unreadable = 0, caughtReadable = 0
        var perKind: [String: (flips: Int, changed: Int, caught: Int)] = [:]
        for flip in flips {
            let digest = digests[flip.copy.path] ?? "missing"
            let changed = digest != digests[flip.artifact.path]
            let isCaught = caughtFlips.contains(flip.copy)
            changedReadable += changed ? 1 : 0
            unreadable += digest.hasPrefix("ERROR") || digest.hasPrefix("CRASH") ? 1 : 0
            caughtReadable += changed && isCaught ? 1 : 0
            let counts = perKind[flip.stage] ?? (0, 0, 0)
            perKind[flip.stage] = (
                counts.flips + 1, counts.changed + (changed ? 1 : 0), counts.caught + (isCaught ? 1 : 0)
            )
            if changed && !isCaught {
                XCTFail(
                    "\(flip.stage): flipping byte \(flip.offset) with \(flip.mask) changed what h5py reads, but verify "
                        + "did not report it"
                )
            }
        }
        let caught = caughtFlips.count
        print(
            "tamper evidence: \(flips.count) single-byte flips in \(kinds.count) artifact kinds; "
                + "\(changedReadable) changed what h5py reads back (\(unreadable) of them made the file unreadable to "
                + "h5py); "
                + "verify reported \(caught) of \(flips.count) flips corrupt, \(caughtReadable) of the "
                + "\(changedReadable) readable changes"
        )
        for (stage, counts) in perKind.sorted(by: { $0.key < $1.key }) {
            print(
                "  \(stage): \(counts.flips) flips, \(counts.changed) changed readable content, \(counts.caught) caught"
            )
        }
        XCTAssertGreaterThanOrEqual(flips.count, 200)
        XCTAssertGreaterThan(changedReadable, 0, "no flip changed readable content: the read-back sees nothing")
        XCTAssertEqual(caughtReadable, changedReadable)
        // The file hash covers every byte, so flips that h5py cannot see are caught as well.
        XCTAssertEqual(caught, flips.count)

        // Every artifact was restored after its flips: the store verifies clean and is current.
        let verify = try runProduct("pipeline", ["verify", "--config", configPath])
        XCTAssertEqual(verify.status, 0, verify.stdout)
        let rerun = try runProduct("pipeline", ["run", "phases", "multistart", "--config", configPath])
        XCTAssertTrue(rerun.stdout.contains(" 0 ran, 0 failed"), rerun.stdout)
    }

    /// Puts each flipped copy in place of its artifact (all different files), runs `pipeline
    /// verify` once, then restores the artifacts and their file-hash records.
    /// - Returns: the copies whose artifact verify reported corrupt (file hash mismatch) and
    ///   quarantined; every other artifact of the store must be reported ok.
    private func verifyCatches(_ round: [Flip]) throws -> Set<URL> {
        var originals: [(flip: Flip, bytes: Data, record: Data)] = []
        defer {
            for (flip, bytes, record) in originals {
                try? FileManager.default.removeItem(at: flip.quarantine)
                XCTAssertNoThrow(try bytes.write(to: flip.artifact))
                XCTAssertNoThrow(try record.write(to: flip.record))
            }
        }
        for flip in round {
            originals.append((flip, try Data(contentsOf: flip.artifact), try Data(contentsOf: flip.record)))
            try FileManager.default.removeItem(at: flip.artifact)
            try FileManager.default.copyItem(at: flip.copy, to: flip.artifact)
        }
        let result = try runProduct("pipeline", ["verify", "--config", configPath])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(result.status, 1, result.stdout)
        XCTAssertEqual(lines.filter { $0.hasPrefix("corrupt ") }.count, round.count, result.stdout)
        var caught: Set<URL> = []
        for flip in round {
            let name = "\(flip.stage)/\(flip.artifact.lastPathComponent)"
            let reported = lines.contains { $0.hasPrefix("corrupt  \(name): file hash mismatch") }
            let quarantined =
                FileManager.default.fileExists(atPath: flip.quarantine.path)
                && !FileManager.default.fileExists(atPath: flip.artifact.path)
                && !FileManager.default.fileExists(atPath: flip.record.path)
            if reported && quarantined { caught.insert(flip.copy) }
        }
        return caught
    }
}

/// One single-byte change of an artifact, applied to a copy.
private struct Flip {
    let artifact: URL
    let offset: Int
    /// XORed into the byte (never 0).
    let mask: UInt8
    let copy: URL

    var stage: String { artifact.deletingLastPathComponent().lastPathComponent }
    var record: URL { artifact.appendingPathExtension("sha256") }
    var quarantine: URL { artifact.appendingPathExtension("corrupt") }
}

/// A small seeded generator (SplitMix64), so the flips are the same on every run.
private struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
