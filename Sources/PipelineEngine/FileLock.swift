import Foundation
import PipelineCore

#if canImport(Glibc)
    import Glibc
#endif

/// A shared or exclusive lock on a file, held by an open file description: an `fcntl` "OFD"
/// byte-range lock over the whole file, released when the lock is dropped or the process dies.
///
/// Why this kind: the kernel drops it with the process (a `kill -9` never wedges the store, unlike
/// an `O_EXCL` lock file, whose staleness needs pid and host guesses); Linux's NFS client forwards
/// fcntl locks to the server (NLM for NFSv3, in the protocol for NFSv4, released by the lease when
/// a client machine dies), whereas `flock` is only emulated on NFS and stays local on several
/// cluster file systems. The OFD flavour belongs to the open file, not the process, so one
/// process can hold many and closing an unrelated descriptor of the same file keeps it (classic
/// POSIX locks would be lost). The file itself is never removed: unlinking a lock file races.
public final class FileLock {
    public enum Kind { case shared, exclusive }

    // From <bits/fcntl-linux.h>; Swift's Glibc module does not import them (they need _GNU_SOURCE).
    private static let setLockCommand: Int32 = 37  // F_OFD_SETLK
    private static let setLockWaitCommand: Int32 = 38  // F_OFD_SETLKW

    public let path: String
    private let fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }

    /// Takes the lock without waiting.
    /// - Returns: the held lock, or nil when another open file holds a conflicting one.
    /// - Throws: `StoreError` when the file cannot be created or locked for another reason.
    public static func tryAcquire(_ url: URL, _ kind: Kind) throws -> FileLock? {
        let fd = try openFile(url)
        var request = description(kind)
        if fcntl(fd, setLockCommand, &request) == 0 { return FileLock(path: url.path, fd: fd).stamped(kind) }
        let reason = errno
        close(fd)
        guard reason == EAGAIN || reason == EACCES else {
            throw StoreError.io("cannot lock \(url.path): \(String(cString: strerror(reason)))")
        }
        return nil
    }

    /// Takes the lock, blocking until every conflicting holder has released it.
    /// - Throws: `StoreError` when the file cannot be created or locked.
    public static func acquire(_ url: URL, _ kind: Kind) throws -> FileLock {
        let fd = try openFile(url)
        var request = description(kind)
        while fcntl(fd, setLockWaitCommand, &request) != 0 {
            let reason = errno
            guard reason == EINTR else {
                close(fd)
                throw StoreError.io("cannot lock \(url.path): \(String(cString: strerror(reason)))")
            }
        }
        return FileLock(path: url.path, fd: fd).stamped(kind)
    }

    /// Who holds the lock, as its exclusive holder last wrote it ("host pid"); "?" when unknown.
    public static func holder(of url: URL) -> String {
        let text =
            (try? String(contentsOf: url, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return text.isEmpty ? "?" : text
    }

    private static func openFile(_ url: URL) throws -> Int32 {
        try Directories.create(url.deletingLastPathComponent(), verb: "create the lock folder")
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StoreError.io("cannot open lock file \(url.path): \(String(cString: strerror(errno)))")
        }
        return fd
    }

    private static func description(_ kind: Kind) -> flock {
        var request = flock()
        request.l_type = Int16(kind == .exclusive ? F_WRLCK : F_RDLCK)
        request.l_whence = Int16(SEEK_SET)
        request.l_start = 0
        request.l_len = 0  // to the end of the file, however long
        request.l_pid = 0  // required for OFD locks
        return request
    }

    /// An exclusive holder writes "host pid" into the file, for the message of whoever waits.
    private func stamped(_ kind: Kind) -> FileLock {
        if kind == .exclusive {
            var host = [CChar](repeating: 0, count: 256)
            gethostname(&host, host.count - 1)
            let line = "\(String(cString: host)) pid \(getpid())\n"
            ftruncate(fd, 0)
            _ = line.withCString { pwrite(fd, $0, strlen($0), 0) }
        }
        return self
    }
}
