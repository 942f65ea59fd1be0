import ArgumentParser
import BuildProvenance
import Foundation
import HDF5Kit
import PipelineCore
import PipelineEngine
import StageRegistry

@main
struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Run and inspect the content-hashed MLP learning-dynamics pipeline.",
        discussion:
            "Exit codes: 0 success; 1 a stage failed or verify found corruption; 2 invalid configuration or arguments; "
            + "3 store error.",
        subcommands: [
            RunCommand.self, RunNodeCommand.self, StatusCommand.self, DagCommand.self, ConfigCommand.self,
            VerifyCommand.self, GCCommand.self, ArchiveCommand.self, RestoreCommand.self, ExportCommand.self,
            MetricsCommand.self, DiffCommand.self, PathCommand.self, ShowCommand.self,
        ],
        defaultSubcommand: StatusCommand.self
    )

    /// Parses and runs a subcommand. Argument errors exit with 2, as documented, instead of
    /// ArgumentParser's 64 (`EX_USAGE`); help and every other outcome are ArgumentParser's.
    static func main() {
        OpenBLASThreads.restartWithOne()
        InstalledBundle.adoptAsProjectRoot(
            binDirectory: ProjectLayout.current().binDirectory, environment: ProcessInfo.processInfo.environment)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                warn(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Options every subcommand shares.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "The pipeline configuration file.")
    var config: String = "pipeline.json"

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Override a key of the configuration with a JSON value, e.g. train.eta=0.02 (repeatable); the variant "
                + "publishes under <store>/variants/<name>/.", valueName: "key.path=value"))
    var overrides: [String] = []

    /// Loads the pipeline, with the overrides. An invalid configuration or override prints one
    /// message and exits with code 2; a missing schema or a store path that is not a directory, one
    /// message and code 3.
    func load() throws -> Pipeline {
        try load(configPath: config, overrides: overrides)
    }

    /// Loads another configuration file with other overrides, reporting errors the same way.
    func load(configPath: String, overrides texts: [String]) throws -> Pipeline {
        let overrides = try parsedOverrides(texts)
        return try loading(configPath, overrides) { layout in
            try Pipeline.load(
                configPath: configPath, overrides: overrides, stages: StageRegistry.stages,
                code: BuiltCode(table: codeTable, root: InstalledBundle.sourceRoot(of: layout)), layout: layout)
        }
    }

    /// The overrides, parsed.
    /// - Throws: `ExitCode(2)` after one message naming the malformed override.
    func parsedOverrides(_ texts: [String]) throws -> [ConfigOverride] {
        do {
            return try texts.map(ConfigOverride.init(parsing:))
        } catch let error as ConfigError {
            warn("error: \(error.message)")
            throw ExitCode(2)
        }
    }

    /// Plans a configuration with `make`, turning its errors into one message and an exit code: a
    /// problem at an overridden key is reported under the override (`--set train.eta=-1: …`).
    func loading(_ source: String, _ overrides: [ConfigOverride], _ make: (ProjectLayout) throws -> Pipeline) throws
        -> Pipeline
    {
        do {
            let pipeline = try make(ProjectLayout.current())
            try pipeline.store.checkDirectory()
            return pipeline
        } catch let error as ConfigError {
            let origin = overrides.last { $0.concerns(error.path) }.map { "--set \($0.text)" } ?? source
            warn("error: \(origin): \(error)")
            throw ExitCode(2)
        } catch let error as StoreError {
            warn("error: \(error)")
            throw ExitCode(3)
        }
    }
}

/// Runs each stage as its executable beside the driver.
func stageExecutor() -> NodeExecutor { ProcessExecutor(binDirectory: ProjectLayout.current().binDirectory) }

/// Prints a message to standard error.
func warn(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Runs a body, turning config errors (exit 2) and store errors (exit 3) into a one-line message.
/// File-system and HDF5 failures of the driver itself count as store errors.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ConfigError {
        warn("error: \(error)")
        throw ExitCode(2)
    } catch let error as StoreError {
        warn("error: \(error)")
        throw ExitCode(3)
    } catch let error as HDF5Error {
        warn("error: \(error)")
        throw ExitCode(3)
    } catch let error as ExitCode {
        throw error
    } catch let error as CocoaError {
        warn("error: \(StoreError.from(error, verb: "access", path: "the store"))")
        throw ExitCode(3)
    }
}

/// The driver links the stages' code, and with it OpenBLAS, which starts a worker thread per core
/// when it is loaded and lets them spin (`sched_yield`) for ~0.3 s of CPU — a third of a no-op
/// run of 10⁴ nodes — although the driver never calls it. OpenBLAS reads its thread count from
/// the environment before `main`, so the driver starts itself once more with
/// `OPENBLAS_NUM_THREADS=1` (about 10 ms) unless it is set; the stages inherit it.
enum OpenBLASThreads {
    static func restartWithOne() {
        guard getenv("OPENBLAS_NUM_THREADS") == nil else { return }
        setenv("OPENBLAS_NUM_THREADS", "1", 1)
        // The binary's own path (exec of /proc/self/exe would name the process "exe").
        var path = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &path, path.count - 1)
        guard length > 0 else { return }
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        execv(path, arguments)
        // Not reached unless exec failed: go on with the threads.
    }
}
