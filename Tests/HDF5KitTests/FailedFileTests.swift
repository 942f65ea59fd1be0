import Foundation
import HDF5Kit
import TestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// A file whose writes the operating system refuses (a full or read-only tmpfs): one clear
/// error, after which HDF5 is never called for the file again, and nothing crashes — not the
/// close, not the library's cleanup when the test process exits.
final class FailedFileTests: HDF5KitTestCase {
    private var mount: TmpfsMount!

    override func setUpWithError() throws {
        try super.setUpWithError()
        guard let mount = try TmpfsMount.make(size: "1m") else { throw XCTSkip("mounting a tmpfs needs root") }
        self.mount = mount
    }

    override func tearDownWithError() throws {
        mount?.unmount()
        try super.tearDownWithError()
    }

    func testFullDiskDuringAppendFailsOnceThenNeverCallsHDF5() throws {
        let path = mount.url("full.h5").path
        let file = try HDF5File.create(path)
        let theta = try file.root.createExtendableDataset("theta", columns: 4, chunkRows: 256, deflate: nil)
        var failure: HDF5Error?
        for batch in 0..<1_000 where failure == nil {
            do {
                try theta.append(rows: [Double](repeating: Double(batch), count: 4 * 256))
            } catch let error as HDF5Error {
                failure = error
            }
        }
        let error = try XCTUnwrap(failure, "1 MB never filled up")
        XCTAssertEqual(error.systemFailure?.code, ENOSPC)
        XCTAssertEqual(error.systemFailure?.action, .write)
        XCTAssertEqual(error.systemFailure?.path, path)
        XCTAssertTrue(error.description.hasPrefix("cannot write \(path): No space left on device"), error.description)
        XCTAssertFalse(error.description.contains("\n"), error.description)
        XCTAssertEqual(file.failure?.description, error.description)

        // Every later operation throws that error without reaching HDF5 (which could crash).
        let attempts: [() throws -> Void] = [
            { try theta.append(rows: [1, 2, 3, 4]) }, { _ = try theta.readDoubles() },
            { _ = try theta.attributeNames() },
            { try file.root.setAttribute("a", .int64(1)) }, { _ = try file.root.createGroup("g") },
            { _ = try file.root.dataset("theta") }, { _ = try file.root.memberNames() }, { try file.flush() },
            { try file.close() }, { try file.close() },
        ]
        for attempt in attempts {
            XCTAssertEqual(assertHDF5Error(try attempt())?.description, error.description)
        }
        XCTAssertFalse(file.root.contains("theta"))

        // Discarding the failed file deletes it and releases its space at once.
        file.discard()
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        XCTAssertLessThan(mount.usedBytes, 128 * 1024)
        try assertLibraryStillWrites()
    }

    func testFullDiskAtCloseThrowsInsteadOfCrashing() throws {
        let path = mount.url("late.h5").path
        let file = try HDF5File.create(path)
        // 20 000 rows (640 KB) stay in HDF5's 1 MB chunk cache: nothing reaches the disk yet.
        let theta = try file.root.createExtendableDataset("theta", columns: 4)
        try theta.append(rows: (0..<80_000).map { sin(Double($0)) })
        let filler = try mount.fill()
        let error = try XCTUnwrap(assertHDF5Error(try file.close()))
        XCTAssertEqual(error.systemFailure?.code, ENOSPC, error.description)
        XCTAssertTrue(error.description.hasPrefix("cannot write \(path): No space left on device"), error.description)
        XCTAssertEqual(assertHDF5Error(try file.close())?.description, error.description)
        XCTAssertEqual(assertHDF5Error(try theta.readDoubles())?.description, error.description)
        try FileManager.default.removeItem(at: filler)
        file.discard()
        XCTAssertLessThan(mount.usedBytes, 128 * 1024)
        try assertLibraryStillWrites()
    }

    func testReadOnlyFileSystemRefusesCreateInOneLine() throws {
        try mount.remount("ro")
        let path = mount.url("x.h5").path
        let error = try XCTUnwrap(assertHDF5Error(try HDF5File.create(path)))
        XCTAssertEqual(error.systemFailure?.code, EROFS)
        XCTAssertEqual(error.description, "cannot create \(path): Read-only file system (create file '\(path)')")
        try mount.remount("rw")
        try assertLibraryStillWrites()
    }

    /// A new file on the same mount is written and read back normally.
    private func assertLibraryStillWrites(file: StaticString = #filePath, line: UInt = #line) throws {
        let url = mount.url("after-\(UUID().uuidString).h5")
        let next = try HDF5File.create(url.path)
        try next.root.createDataset("x", doubles: [1, 2, 3])
        try next.close()
        let reopened = try HDF5File.open(url.path)
        XCTAssertEqual(try reopened.root.dataset("x").readDoubles(), [1, 2, 3], file: file, line: line)
        try reopened.close()
    }
}

/// Refused opens are reported in one line naming the file and the reason.
final class SystemFailureMessageTests: HDF5KitTestCase {
    func testMissingFileIsOneLineNamingIt() throws {
        let path = self.path("absent.h5")
        let error = try XCTUnwrap(assertHDF5Error(try HDF5File.open(path)))
        XCTAssertEqual(error.systemFailure?.code, ENOENT)
        XCTAssertTrue(error.description.hasPrefix("cannot open \(path): No such file or directory"), error.description)
    }
}
