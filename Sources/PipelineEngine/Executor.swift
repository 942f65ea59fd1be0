import Foundation
import PipelineCore

/// One node's computation: the stage, its arguments, and the log its output goes to.
public struct Job {
    public let node: NodeID
    public let stage: StageDefinition
    /// The stage's arguments (`--slice`, `--input`, `--output`, …), or `--arguments-file PATH`.
    public let arguments: [String]
    public let log: URL
}

/// Where a node's computation runs.
public protocol NodeExecutor {
    /// Starts a job; `onExit` is called once, from any thread, with its exit status (negative: the
    /// number of the signal that killed it).
    /// - Throws: `StoreError` when it cannot start.
    func start(_ job: Job, onExit: @escaping @Sendable (Int32) -> Void) throws
}

/// Runs each stage as its executable `stage-<name>` from one directory, its output appended to the log.
public struct ProcessExecutor: NodeExecutor {
    public let binDirectory: URL

    public init(binDirectory: URL) {
        self.binDirectory = binDirectory
    }

    public func start(_ job: Job, onExit: @escaping @Sendable (Int32) -> Void) throws {
        let executable = binDirectory.appendingPathComponent(job.stage.executable)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw StoreError.io("stage executable \(executable.path) not found: build the package first (make build)")
        }
        try RunLog.start(job.log, command: [executable.path] + job.arguments)
        _ = try StageProcess.spawn(
            executable.path, arguments: job.arguments,
            environment: ProcessExecutor.stageEnvironment(ProcessInfo.processInfo.environment),
            log: job.log.path, onExit: onExit)
    }

    /// The driver's environment with `OPENBLAS_NUM_THREADS=1`, whatever the caller set: a stage that
    /// links OpenBLAS otherwise starts a worker thread per core when it is loaded and lets it spin
    /// for ~0.3 s of CPU, taken from the node running beside it, for matrices too small to share
    /// (docs/performance.md). Always 1, because OpenBLAS's threaded paths change the last bits of
    /// eigenvalues (~1e-15 relative): Snakemake sets `OPENBLAS_NUM_THREADS` to a job's threads, and
    /// artifacts must not depend on the engine that ran them (docs/snakemake.md).
    static func stageEnvironment(_ environment: [String: String]) -> [String: String] {
        var stage = environment
        stage["OPENBLAS_NUM_THREADS"] = "1"
        return stage
    }
}

/// Runs each stage's `main` in this process, on a thread of its own: a whole pipeline without
/// executables, for the engine's tests (stage output goes to this process's standard output).
public struct InProcessExecutor: NodeExecutor {
    public init() {}

    public func start(_ job: Job, onExit: @escaping @Sendable (Int32) -> Void) throws {
        try RunLog.start(job.log, command: [job.stage.executable] + job.arguments)
        let main = job.stage.main, arguments = job.arguments
        Thread.detachNewThread { onExit(main(arguments)) }
    }
}
