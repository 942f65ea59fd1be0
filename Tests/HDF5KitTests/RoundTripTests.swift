import HDF5Kit
import TestSupport
import XCTest

final class RoundTripTests: HDF5KitTestCase {
    func testDoubleDatasetsOfEveryShapeRoundTrip() throws {
        let values: [Double] = [1.5, -0.0, .infinity, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, 1e-300]
        let file = try HDF5File.create(path("d.h5"))
        try file.root.createDataset("vector", doubles: values)
        try file.root.createDataset("matrix", doubles: values, shape: [2, 3])
        try file.root.createDataset("column", doubles: values, shape: [6, 1], storage: .contiguous)
        try file.root.createDataset("chunked", doubles: values, shape: [3, 2], storage: .chunked(rows: 2, deflate: 9))
        try file.root.createDataset("empty", doubles: [])
        try file.root.createDataset("emptyRows", doubles: [], shape: [0, 4])
        try file.close()

        let reopened = try HDF5File.open(path("d.h5"))
        let expectations: [(String, [Int])] = [
            ("vector", [6]), ("matrix", [2, 3]), ("column", [6, 1]), ("chunked", [3, 2]),
        ]
        for (name, shape) in expectations {
            let dataset = try reopened.root.dataset(name)
            XCTAssertEqual(dataset.shape, shape, name)
            XCTAssertEqual(dataset.elementType, .float64, name)
            // Bit patterns, so that -0.0 and +0.0 are told apart.
            XCTAssertEqual(try dataset.readDoubles().map(\.bitPattern), values.map(\.bitPattern), name)
        }
        XCTAssertEqual(try reopened.root.dataset("empty").shape, [0])
        XCTAssertEqual(try reopened.root.dataset("empty").readDoubles(), [])
        XCTAssertEqual(try reopened.root.dataset("emptyRows").shape, [0, 4])
        XCTAssertEqual(try reopened.root.dataset("emptyRows").readDoubles(), [])
    }

    func testInt64DatasetsRoundTrip() throws {
        let values: [Int64] = [.min, -1, 0, 1, .max, 42]
        let file = try HDF5File.create(path("i.h5"))
        try file.root.createDataset("vector", int64s: values)
        try file.root.createDataset("matrix", int64s: values, shape: [3, 2], storage: .chunked(rows: 1, deflate: nil))
        try file.close()

        let reopened = try HDF5File.open(path("i.h5"))
        XCTAssertEqual(try reopened.root.dataset("vector").readInt64s(), values)
        let matrix = try reopened.root.dataset("matrix")
        XCTAssertEqual(matrix.shape, [3, 2])
        XCTAssertEqual(matrix.elementType, .int64)
        XCTAssertEqual(try matrix.readInt64s(), values)
        XCTAssertEqual(try matrix.readInt64Rows(1..<3), Array(values[2...]))
    }

    func testByteDatasetsRoundTripAndH5pyReadsThem() throws {
        var generator = SystemRandomNumberGenerator()
        let large = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) }  // chunked + deflated
        let small: [UInt8] = [0, 255, 0x89, 0x50, 0x4E, 0x47, 0]
        let file = try HDF5File.create(path("b.h5"))
        try file.root.createDataset("large", bytes: large)
        try file.root.createDataset("small", bytes: small)
        try file.root.createDataset("empty", bytes: [])
        try file.close()
        let reopened = try HDF5File.open(path("b.h5"))
        XCTAssertEqual(try reopened.root.dataset("large").elementType, .uint8)
        XCTAssertEqual(try reopened.root.dataset("large").readBytes(), large)
        XCTAssertEqual(try reopened.root.dataset("small").readBytes(), small)
        XCTAssertEqual(try reopened.root.dataset("empty").readBytes(), [])
        XCTAssertThrowsError(try reopened.root.dataset("small").readDoubles())
        guard let python, try run(python, ["-c", "import h5py"]).status == 0 else {
            throw XCTSkip("\(projectPython) with h5py is not available (scripts/setup-debian.sh)")
        }
        let check = try run(
            python,
            [
                "-c", "import h5py, sys; d = h5py.File(sys.argv[1])['small']; print(d.dtype, [int(b) for b in d[()]])",
                path("b.h5"),
            ])
        XCTAssertEqual(check.output, "uint8 [0, 255, 137, 80, 78, 71, 0]\n")
    }

    func testStringDatasetsRoundTrip() throws {
        let values = ["plain", "", "αβγ ✓ 学习", "with\nnewline", String(repeating: "x", count: 10_000)]
        let file = try HDF5File.create(path("s.h5"))
        try file.root.createDataset("names", strings: values)
        try file.root.createDataset("none", strings: [])
        try file.close()

        let reopened = try HDF5File.open(path("s.h5"))
        let names = try reopened.root.dataset("names")
        XCTAssertEqual(names.elementType, .string)
        XCTAssertEqual(names.shape, [values.count])
        XCTAssertEqual(try names.readStrings(), values)
        XCTAssertEqual(try reopened.root.dataset("none").readStrings(), [])
    }

    func testAttributesOfEveryKindOnGroupsAndDatasets() throws {
        let attributes: [String: HDF5Value] = [
            "title": .string("saddle → attractor ✓"),
            "emptyTitle": .string(""),
            "rate": .double(-0.125),
            "seed": .int64(.min),
            "losses": .doubles([1, 0.5, .infinity]),
            "noLosses": .doubles([]),
            "steps": .int64s([1, 10, .max]),
            "single": .doubles([2]),
        ]
        let file = try HDF5File.create(path("a.h5"))
        let group = try file.root.createGroup("run")
        let dataset = try group.createDataset("x", doubles: [1, 2])
        for holder in [file.root, group, dataset] as [HDF5AttributeHolder] {
            for (name, value) in attributes { try holder.setAttribute(name, value) }
        }
        try file.close()

        let reopened = try HDF5File.open(path("a.h5"))
        let holders: [HDF5AttributeHolder] = [
            reopened.root, try reopened.root.group("run"), try reopened.root.dataset("run/x"),
        ]
        for holder in holders {
            XCTAssertEqual(try holder.attributeNames(), attributes.keys.sorted())
            for (name, value) in attributes {
                XCTAssertEqual(try holder.attribute(name), value, name)
                XCTAssertTrue(try holder.hasAttribute(name))
            }
            XCTAssertFalse(try holder.hasAttribute("absent"))
            assertHDF5Error(try holder.attribute("absent"))
        }
    }

    func testAttributeReplacementChangesValueAndType() throws {
        let file = try HDF5File.create(path("r.h5"))
        let dataset = try file.root.createDataset("x", int64s: [1])
        try dataset.setAttribute("note", .double(1))
        try dataset.setAttribute("note", .string("now a string"))
        try dataset.setAttribute("other", .int64s([1, 2, 3]))
        try dataset.setAttribute("other", .int64s([4]))
        XCTAssertEqual(try dataset.attribute("note"), .string("now a string"))
        XCTAssertEqual(try dataset.attribute("other"), .int64s([4]))
        XCTAssertEqual(try dataset.attributeNames(), ["note", "other"])
        try file.close()
        XCTAssertEqual(try HDF5File.open(path("r.h5")).root.dataset("x").attribute("note"), .string("now a string"))
    }

    func testNestedGroupsAndSortedMemberNames() throws {
        let file = try HDF5File.create(path("g.h5"))
        for name in ["zeta", "alpha", "Mid"] { _ = try file.root.createGroup(name) }
        let alpha = try file.root.group("alpha")
        _ = try alpha.createGroup("inner")
        _ = try file.root.createGroup("alpha/inner/deepest")
        try alpha.createDataset("data", doubles: [1])
        try file.close()

        let root = try HDF5File.open(path("g.h5")).root
        XCTAssertEqual(try root.memberNames(), ["Mid", "alpha", "zeta"])
        XCTAssertEqual(try root.group("alpha").memberNames(), ["data", "inner"])
        XCTAssertEqual(try root.group("alpha/inner").memberNames(), ["deepest"])
        XCTAssertEqual(try root.group("zeta").memberNames(), [])
        XCTAssertTrue(try root.isGroup("alpha/inner"))
        XCTAssertFalse(try root.isGroup("alpha/data"))
        XCTAssertTrue(root.contains("alpha/inner/deepest"))
        XCTAssertTrue(root.contains("/alpha/data"))
        XCTAssertTrue(try root.group("alpha").contains("data"))
        XCTAssertFalse(root.contains("alpha/missing"))
        XCTAssertFalse(root.contains("missing/deeper/still"))
        assertHDF5Error(try root.isGroup("missing"))
        assertHDF5Error(try root.group("alpha/data"))
        assertHDF5Error(try root.dataset("alpha"))
    }

    func testLargeDatasetIsChunkedCompressedAndReadsRowRanges() throws {
        let rows = 20_000, columns = 3
        // Smooth, compressible data with exactly representable values.
        let values = (0..<(rows * columns)).map { Double($0 / 7) * 0.25 }
        let counters = (0..<Int64(rows * columns)).map { $0 / 5 }
        let file = try HDF5File.create(path("big.h5"))
        try file.root.createDataset("values", doubles: values, shape: [rows, columns])
        try file.root.createDataset("counters", int64s: counters, shape: [rows, columns])
        try file.root.createDataset("raw", doubles: values, shape: [rows, columns], storage: .contiguous)
        try file.close()

        let root = try HDF5File.open(path("big.h5")).root
        let dataset = try root.dataset("values")
        XCTAssertEqual(dataset.shape, [rows, columns])
        XCTAssertEqual(try dataset.readDoubles(), values)
        XCTAssertEqual(
            try dataset.readDoubleRows(4_321..<15_000), Array(values[(4_321 * columns)..<(15_000 * columns)]))
        XCTAssertEqual(try dataset.readDoubleRows(rows - 1..<rows), Array(values.suffix(columns)))
        XCTAssertEqual(try dataset.readDoubleRows(7..<7), [])
        XCTAssertEqual(try root.dataset("counters").readInt64Rows(100..<103), Array(counters[300..<309]))
        XCTAssertEqual(try root.dataset("raw").readDoubleRows(0..<2), Array(values[0..<6]))

        // The compressed copies take far less than the 2 x 480 kB they would take raw.
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path("big.h5"))[.size] as? Int)
        XCTAssertLessThan(size, rows * columns * 8 + 200_000)
    }

    func testExtendableDatasetGrowsAcrossAppends() throws {
        let file = try HDF5File.create(path("e.h5"))
        let trajectory = try file.root.createExtendableDataset("trajectory", columns: 3, chunkRows: 4)
        XCTAssertEqual(trajectory.shape, [0, 3])
        var expected: [Double] = []
        for batch in 0..<5 {
            let rows = (0..<(3 * (batch + 2))).map { Double(batch * 100 + $0) }
            try trajectory.append(rows: rows)
            expected += rows
            XCTAssertEqual(trajectory.shape, [expected.count / 3, 3])
        }
        try trajectory.append(rows: [])
        assertHDF5Error(try trajectory.append(rows: [1, 2]))
        let fixed = try file.root.createDataset("fixed", doubles: [1, 2, 3], shape: [1, 3])
        assertHDF5Error(try fixed.append(rows: [1, 2, 3]))
        XCTAssertEqual(try trajectory.readDoubles(), expected)
        try file.close()

        let reopened = try HDF5File.open(path("e.h5"), writable: true)
        let dataset = try reopened.root.dataset("trajectory")
        XCTAssertEqual(dataset.shape, [expected.count / 3, 3])
        XCTAssertEqual(try dataset.readDoubleRows(3..<9), Array(expected[9..<27]))
        try dataset.append(rows: [7, 8, 9])
        XCTAssertEqual(try dataset.readDoubleRows(dataset.shape[0] - 1..<dataset.shape[0]), [7, 8, 9])
        try reopened.close()
    }

    func testCloseIsIdempotentAndCompletesTheFileWhileObjectsAreAlive() throws {
        let file = try HDF5File.create(path("c.h5"))
        let dataset = try file.root.createDataset("x", doubles: [1, 2, 3])
        try file.flush()
        try file.close()
        try file.close()
        // The strong close closed `dataset` too, so the file is complete and can be reopened.
        XCTAssertEqual(try HDF5File.open(path("c.h5")).root.dataset("x").readDoubles(), [1, 2, 3])
        assertHDF5Error(try dataset.readDoubles())
    }

    func testObjectsKeepTheirFileOpen() throws {
        try HDF5File.create(path("k.h5")).root.createDataset("x", int64s: [4, 5])
        let dataset = try HDF5File.open(path("k.h5")).root.dataset("x")
        XCTAssertEqual(try dataset.readInt64s(), [4, 5])
    }

    func testLibraryVersion() {
        XCTAssertNotNil(
            HDF5File.libraryVersion.range(of: #"^1\.\d+\.\d+$"#, options: .regularExpression), HDF5File.libraryVersion)
    }
}
