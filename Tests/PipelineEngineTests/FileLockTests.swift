import Foundation
import PipelineCore
import PipelineEngine
import TestSupport
import XCTest

/// The OFD fcntl locks behind the store and node locks: they conflict between open files even in
/// one process (one driver holds a lock per running node), and go with their holder.
final class FileLockTests: XCTestCase {
    private var url: URL!

    override func setUp() {
        super.setUp()
        url = makeTemporaryDirectory("mlp-lock").appendingPathComponent("nested/node.lock")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: url.deletingLastPathComponent().deletingLastPathComponent())
        super.tearDown()
    }

    func testExclusiveExcludesEverythingUntilReleased() throws {
        var holder: FileLock? = try XCTUnwrap(try FileLock.tryAcquire(url, .exclusive))
        XCTAssertNil(try FileLock.tryAcquire(url, .exclusive))
        XCTAssertNil(try FileLock.tryAcquire(url, .shared))
        XCTAssertTrue(FileLock.holder(of: url).hasSuffix("pid \(getpid())"), FileLock.holder(of: url))
        withExtendedLifetime(holder) {}
        holder = nil
        XCTAssertNotNil(try FileLock.tryAcquire(url, .exclusive))
    }

    func testSharedHoldersExcludeOnlyAnExclusiveOne() throws {
        let first = try XCTUnwrap(try FileLock.tryAcquire(url, .shared))
        let second = try XCTUnwrap(try FileLock.tryAcquire(url, .shared))
        XCTAssertNil(try FileLock.tryAcquire(url, .exclusive))
        withExtendedLifetime((first, second)) {}
    }

    func testAWaiterGetsTheLockWhenItIsReleased() throws {
        var holder: FileLock? = try FileLock.acquire(url, .exclusive)
        let acquired = expectation(description: "the waiting thread holds the lock")
        let url = self.url!
        Thread.detachNewThread {
            let lock = try? FileLock.acquire(url, .exclusive)
            if lock != nil { acquired.fulfill() }
        }
        Thread.sleep(forTimeInterval: 0.2)
        withExtendedLifetime(holder) {}
        holder = nil
        wait(for: [acquired], timeout: 60)
    }

    func testALockHeldByADeadProcessIsFree() throws {
        // A child takes the lock and is killed with it held: the kernel releases it.
        let script =
            "import fcntl, os, signal, struct, sys\n" + "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
            + "fcntl.fcntl(fd, 38, struct.pack('hhqqi', fcntl.F_WRLCK, 0, 0, 0, 0))\n" + "print('held', flush=True)\n"
            + "os.kill(os.getpid(), signal.SIGKILL)\n"
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let result = try runTool([projectPython, "-c", script, url.path])
        XCTAssertEqual(result.stdout, "held\n", result.stderr)
        XCTAssertEqual(result.status, 9)
        XCTAssertNotNil(try FileLock.tryAcquire(url, .exclusive))
    }
}
