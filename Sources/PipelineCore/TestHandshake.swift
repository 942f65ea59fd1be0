import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A test hook that stops a stage between its last write and the rename into place, so that
/// tests can kill it there or hold the store lock, by handshake rather than by timing.
///
/// With `MLP_TEST_HANDSHAKE=<dir>` (holding the FIFOs `reached` and `resume`), the stage writes
/// "<pid> <temporary path>" to `reached` (blocking until the test reads it), then waits until the
/// test writes to `resume` (or kills it). Without the variable it does nothing.
enum TestHandshake {
    static func pause(temporary: URL) {
        guard let directory = ProcessInfo.processInfo.environment["MLP_TEST_HANDSHAKE"] else { return }
        let reached = open(directory + "/reached", O_WRONLY)
        guard reached >= 0 else { return }
        let line = "\(getpid()) \(temporary.path)\n"
        _ = line.withCString { write(reached, $0, strlen($0)) }
        close(reached)
        let resume = open(directory + "/resume", O_RDONLY)
        guard resume >= 0 else { return }
        var byte: UInt8 = 0
        _ = read(resume, &byte, 1)
        close(resume)
    }
}
