import ArgumentParser
import Foundation
import BuildProvenance
import PipelineCore
import Stages

@main
struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Run and inspect the content-hashed MLP learning-dynamics pipeline.",
        subcommands: [RunCommand.self, StatusCommand.self, DagCommand.self, ConfigCommand.self, VerifyCommand.self, GCCommand.self, ArchiveCommand.self],
        defaultSubcommand: StatusCommand.self
    )
}

/// Options every subcommand shares.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "The pipeline configuration file.")
    var config: String = "pipeline.json"

    /// Loads the pipeline; an invalid configuration prints one message and exits with code 2.
    func load() throws -> Pipeline {
        do {
            return try Pipeline(configPath: config, stages: PipelineStages.all, builtDigests: builtSourceDigests)
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("error: \(config): \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// Prints a message to standard error.
func warn(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Runs a body, turning store and config errors into a one-line message and an exit code.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ConfigError {
        warn("error: \(error)")
        throw ExitCode(2)
    } catch let error as StoreError {
        warn("error: \(error)")
        throw ExitCode(3)
    }
}
