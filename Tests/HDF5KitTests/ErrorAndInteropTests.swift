import Foundation
import HDF5Kit
import TestSupport
import XCTest

final class ErrorTests: HDF5KitTestCase {
    func testMissingObjectsWrongTypesAndBadRanges() throws {
        let file = try HDF5File.create(path("e.h5"))
        let doubles = try file.root.createDataset("doubles", doubles: [1, 2, 3, 4], shape: [2, 2])
        let strings = try file.root.createDataset("strings", strings: ["a"])

        let missing = assertHDF5Error(try file.root.dataset("nope"))
        XCTAssertTrue(missing?.operation.contains("nope") ?? false)
        XCTAssertTrue(missing?.description.contains("HDF5 error in") ?? false)
        assertHDF5Error(try file.root.group("nope/deeper"))
        assertHDF5Error(try file.root.createDataset("doubles", doubles: [1]))
        assertHDF5Error(try file.root.createGroup("doubles"))
        assertHDF5Error(try file.root.createGroup("no/parent"))

        let mismatch = assertHDF5Error(try doubles.readInt64s())
        XCTAssertTrue(mismatch?.message.contains("type mismatch") ?? false, mismatch?.description ?? "")
        assertHDF5Error(try doubles.readInt64Rows(0..<1))
        assertHDF5Error(try doubles.readStrings())
        assertHDF5Error(try strings.readDoubles())
        assertHDF5Error(try file.root.createDataset("ints", int64s: [1]).readDoubles())

        let range = assertHDF5Error(try doubles.readDoubleRows(1..<3))
        XCTAssertTrue(range?.message.contains("outside") ?? false, range?.description ?? "")
        assertHDF5Error(try doubles.readDoubleRows(-1..<1))

        assertHDF5Error(try file.root.createDataset("badShape", doubles: [1, 2, 3], shape: [2, 2]))
        assertHDF5Error(try file.root.createDataset("rank3", doubles: [1], shape: [1, 1, 1]))
        assertHDF5Error(
            try file.root.createDataset("badDeflate", doubles: [1], storage: .chunked(rows: 1, deflate: 10)))
        assertHDF5Error(
            try file.root.createDataset("zeroChunk", doubles: [1], storage: .chunked(rows: 0, deflate: nil)))
        assertHDF5Error(
            try file.root.createDataset("emptyChunked", doubles: [], storage: .chunked(rows: 4, deflate: nil)))
        assertHDF5Error(try file.root.createDataset("nul", strings: ["a\u{0}b"]))
        assertHDF5Error(try file.root.createExtendableDataset("noColumns", columns: 0))
        XCTAssertFalse(file.root.contains("badShape"))
        try file.close()
    }

    func testBadPathsAndNonHDF5FilesThrow() throws {
        assertHDF5Error(try HDF5File.create(path("no/such/directory/x.h5")))
        assertHDF5Error(try HDF5File.open(path("missing.h5")))

        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(
            to: directory.appendingPathComponent("garbage.h5"))
        assertHDF5Error(try HDF5File.open(path("garbage.h5")))
        try Data().write(to: directory.appendingPathComponent("empty.h5"))
        assertHDF5Error(try HDF5File.open(path("empty.h5")))

        let file = try HDF5File.create(path("full.h5"))
        try file.root.createDataset("x", doubles: (0..<5_000).map(Double.init), storage: .contiguous)
        try file.close()
        let bytes = try Data(contentsOf: directory.appendingPathComponent("full.h5"))
        try bytes.prefix(bytes.count / 2).write(to: directory.appendingPathComponent("truncated.h5"))
        let truncated = assertHDF5Error(try HDF5File.open(path("truncated.h5")))
        XCTAssertTrue(truncated?.message.contains("truncated") ?? false, truncated?.description ?? "")
    }
}

final class DeterminismAndInteropTests: HDF5KitTestCase {
    /// Writes one file with every kind of object this library produces.
    private func writeSample(_ path: String) throws {
        let file = try HDF5File.create(path)
        let run = try file.root.createGroup("run")
        let nested = try run.createGroup("nested")
        try file.root.setAttribute("title", .string("sample ✓"))
        try file.root.setAttribute("seed", .int64(12345))
        try run.setAttribute("rates", .doubles([0.1, 0.01]))
        try run.setAttribute("rates", .doubles([0.5]))
        try run.setAttribute("steps", .int64s([1, 2, 3]))
        let loss = try nested.createDataset(
            "loss", doubles: (0..<30_000).map { 1 / Double($0 + 1) }, shape: [10_000, 3])
        try loss.setAttribute("unit", .string("mean squared error"))
        try loss.setAttribute("scale", .double(0.5))
        try nested.createDataset("ids", int64s: Array(0..<100), shape: [25, 4], storage: .chunked(rows: 8, deflate: 1))
        try nested.createDataset("small", doubles: [1, 2, 3], storage: .contiguous)
        try run.createDataset("labels", strings: ["w", "v", "θ"])
        let trajectory = try run.createExtendableDataset("trajectory", columns: 4, chunkRows: 16)
        for batch in 0..<3 { try trajectory.append(rows: (0..<(4 * 10 * (batch + 1))).map { Double($0 * batch) }) }
        try file.close()
    }

    func testSameContentGivesByteIdenticalFiles() throws {
        try writeSample(path("first.h5"))
        // Recorded modification times would differ after a second has passed.
        Thread.sleep(forTimeInterval: 1.1)
        try writeSample(path("second.h5"))
        let first = try Data(contentsOf: directory.appendingPathComponent("first.h5"))
        let second = try Data(contentsOf: directory.appendingPathComponent("second.h5"))
        XCTAssertGreaterThan(first.count, 1_000)
        XCTAssertEqual(first, second)
    }

    func testH5dumpAcceptsWrittenFile() throws {
        guard let h5dump = executable("h5dump") else { throw XCTSkip("h5dump is not on PATH") }
        try writeSample(path("sample.h5"))
        let result = try run(h5dump, ["-A", path("sample.h5")])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("mean squared error"), result.output)
    }

    func testH5pyReadsDatasetsAndStringAttributes() throws {
        guard let python, try run(python, ["-c", "import h5py"]).status == 0 else {
            throw XCTSkip("\(projectPython) with h5py is not available (scripts/setup-debian.sh)")
        }
        try writeSample(path("sample.h5"))
        let script = """
            import h5py, json, sys
            with h5py.File(sys.argv[1], "r") as f:
                loss = f["run/nested/loss"]
                unit = loss.attrs["unit"]
                print(json.dumps({
                    "shape": list(loss.shape),
                    "rowBits": [str(bits) for bits in loss[2].view("<u8").tolist()],
                    "unit": unit, "unitIsStr": isinstance(unit, str),
                    "title": f.attrs["title"],
                    "labels": [s.decode() if isinstance(s, bytes) else s for s in f["run/labels"][()]],
                    "trajectory": list(f["run/trajectory"].shape),
                    "steps": f["run"].attrs["steps"].tolist(),
                }))
            """
        let result = try run(python, ["-c", script, path("sample.h5")])
        XCTAssertEqual(result.status, 0)
        let decoded = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        let json = try XCTUnwrap(decoded, result.output)
        XCTAssertEqual(json["shape"] as? [Int], [10_000, 3])
        // Bit patterns as strings: JSON number parsing need not round-trip doubles exactly.
        XCTAssertEqual(json["rowBits"] as? [String], [1 / 7.0, 1 / 8.0, 1 / 9.0].map { String($0.bitPattern) })
        XCTAssertEqual(json["unit"] as? String, "mean squared error")
        XCTAssertEqual(json["unitIsStr"] as? Bool, true)
        XCTAssertEqual(json["title"] as? String, "sample ✓")
        XCTAssertEqual(json["labels"] as? [String], ["w", "v", "θ"])
        XCTAssertEqual(json["trajectory"] as? [Int], [60, 4])
        XCTAssertEqual(json["steps"] as? [Int], [1, 2, 3])
    }
}

final class ForeignFileTests: HDF5KitTestCase {
    func testReadsFileWrittenByH5py() throws {
        guard let python, try run(python, ["-c", "import h5py"]).status == 0 else {
            throw XCTSkip("\(projectPython) with h5py is not available (scripts/setup-debian.sh)")
        }
        let script = """
            import h5py, numpy as np, sys
            with h5py.File(sys.argv[1], "w") as f:
                f["f32"] = np.array([[0.5, 1.5], [2.5, 3.5]], dtype="<f4")
                f["i32"] = np.array([-3, 4], dtype=">i4")
                f["u64"] = np.array([1], dtype="<u8")
                g = f.create_group("g")
                g.attrs["note"] = "from h5py ✓"
                g.attrs["fixed"] = np.bytes_("fixed")
                g.attrs["vector"] = np.array([1.0, 2.0])
            """
        XCTAssertEqual(try run(python, ["-c", script, path("py.h5")]).status, 0)
        let root = try HDF5File.open(path("py.h5")).root
        let f32 = try root.dataset("f32")
        XCTAssertEqual(f32.elementType, .other("float32"))
        XCTAssertEqual(try f32.readDoubleRows(1..<2), [2.5, 3.5])
        XCTAssertEqual(try root.dataset("i32").readInt64s(), [-3, 4])
        // uint64 values may not fit Int64, so the read is refused rather than clipped.
        XCTAssertEqual(try root.dataset("u64").elementType, .other("uint64"))
        assertHDF5Error(try root.dataset("u64").readInt64s())
        let group = try root.group("g")
        XCTAssertEqual(try group.attribute("note"), .string("from h5py ✓"))
        XCTAssertEqual(try group.attribute("vector"), .doubles([1, 2]))
        assertHDF5Error(try group.attribute("fixed"))
        XCTAssertEqual(try group.attributeNames(), ["fixed", "note", "vector"])
    }
}
