import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A small tmpfs mounted on a fresh directory: a store that can fill up or turn read-only on
/// demand. Mounting needs root (as on the development and CI machines).
public final class TmpfsMount {
    /// The mount point.
    public let directory: URL
    private var isMounted = true

    private init(directory: URL) { self.directory = directory }

    /// Mounts a tmpfs of `size` (`mount -o size=…`, e.g. "1m").
    /// - Returns: nil when not running as root, where mounting is not permitted.
    /// - Throws: `MountFailure` when root cannot mount.
    public static func make(size: String) throws -> TmpfsMount? {
        guard getuid() == 0 else { return nil }
        let directory = makeTemporaryDirectory("mlp-tmpfs")
        let result = try runTool(["mount", "-t", "tmpfs", "-o", "size=\(size)", "tmpfs", directory.path])
        guard result.status == 0 else {
            try? FileManager.default.removeItem(at: directory)
            throw MountFailure(description: "mount -t tmpfs -o size=\(size) failed: \(result.stderr)")
        }
        return TmpfsMount(directory: directory)
    }

    /// A path inside the mount.
    public func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// Changes mount options, e.g. "ro", "rw" or "size=64m" (`mount -o remount,…`).
    public func remount(_ options: String) throws {
        let result = try runTool(["mount", "-o", "remount,\(options)", directory.path])
        guard result.status == 0 else { throw MountFailure(description: "remount \(options) failed: \(result.stderr)") }
    }

    /// Unmounts (lazily if something still holds a file open) and removes the mount point.
    public func unmount() {
        guard isMounted else { return }
        isMounted = false
        if (try? runTool(["umount", directory.path]))?.status != 0 {
            _ = try? runTool(["umount", "-l", directory.path])
        }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { unmount() }

    /// Bytes available to unprivileged writers.
    public var availableBytes: Int64 {
        var stats = statvfs()
        guard statvfs(directory.path, &stats) == 0 else { return -1 }
        return Int64(stats.f_bavail) * Int64(stats.f_frsize)
    }

    /// Bytes in use.
    public var usedBytes: Int64 {
        var stats = statvfs()
        guard statvfs(directory.path, &stats) == 0 else { return -1 }
        return Int64(stats.f_blocks - stats.f_bfree) * Int64(stats.f_frsize)
    }

    /// Writes a filler file until about `leaving` bytes are free (0: until the disk is full).
    /// - Returns: the filler, which frees the space again when deleted.
    @discardableResult
    public func fill(leaving: Int64 = 0, name: String = "filler") throws -> URL {
        let filler = url(name)
        let fd = open(filler.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw MountFailure(description: "cannot create \(filler.path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let block = [UInt8](repeating: 0xA5, count: 4096)
        while availableBytes > leaving {
            guard block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 else { break }
        }
        return filler
    }
}

/// A mount that root could not make or change.
public struct MountFailure: Error, CustomStringConvertible {
    public let description: String
}
