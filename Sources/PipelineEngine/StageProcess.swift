import Foundation
import PipelineCore

#if canImport(Glibc)
    import Glibc
#endif

/// Starts a stage executable with `posix_spawn`, its standard output and error appended to its
/// log and its standard input `/dev/null`, every other descriptor closed (the store lock must
/// not outlive the driver in a child); reports its end from a thread that waits for it.
///
/// Foundation's `Process` does the same at ~3 ms per start here (hundreds of `getrlimit` calls,
/// then a close of every descriptor up to the limit in the child), more than the driver's whole
/// budget per node of a large DAG (≤ 5 ms).
enum StageProcess {
    /// Starts `executable` and returns its pid; `onExit` gets the exit status, or −signal when it
    /// was killed.
    /// - Throws: `StoreError` when the log cannot be opened or the process cannot start.
    static func spawn(
        _ executable: String, arguments: [String], environment: [String: String], log: String,
        onExit: @escaping @Sendable (Int32) -> Void
    ) throws -> pid_t {
        let logDescriptor = open(log, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard logDescriptor >= 0 else { throw StoreError.system("open", log) }
        defer { close(logDescriptor) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, logDescriptor, 1)
        posix_spawn_file_actions_adddup2(&actions, logDescriptor, 2)
        guard let closeFrom = closeFrom else {
            throw StoreError.io("posix_spawn_file_actions_addclosefrom_np is missing (glibc < 2.34)")
        }
        _ = closeFrom(&actions, 3)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var spawned: pid_t = 0
        let status = posix_spawn(&spawned, executable, &actions, nil, argv, envp)
        guard status == 0 else {
            throw StoreError.io("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        let pid = spawned
        Thread.detachNewThread {
            var wait: Int32 = 0
            while waitpid(pid, &wait, 0) < 0 && errno == EINTR {}
            // The status word: low 7 bits the terminating signal (0: exited), bits 8–15 the exit code.
            let signal = wait & 0x7f
            onExit(signal == 0 ? (wait >> 8) & 0xff : -signal)
        }
        return pid
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc module
    /// does not declare: looked up once.
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? =
        {
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
            else { return nil }
            return unsafeBitCast(
                symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
        }()
}
