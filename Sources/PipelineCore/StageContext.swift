import ArgumentParser
import Foundation
import HDF5Kit

/// What a stage executable is given by the driver (or by a person running it alone): its slice,
/// inputs, output path and provenance; and what it gives back (the artifact, progress).
public struct StageContext: ParsableArguments {
    @Option(help: "The node's settings, as the JSON the driver encoded them in (its config slice).")
    public var slice: String = ""

    @Option(help: "Where to write the artifact (written to a temporary file first, then renamed).")
    public var output: String = ""

    @Option(
        name: .customLong("input"),
        help: ArgumentHelp("An input artifact, as ROLE=PATH (repeatable).", valueName: "role=path"))
    public var inputs: [String] = []

    @Option(
        help: ArgumentHelp(
            "Provenance JSON from the driver (stage, instance, key, inputs, code identity); defaults describe a manual "
                + "run.")
    )
    public var provenance: String?

    @Option(help: "Directory that relative paths in the slice are resolved against.")
    public var baseDir: String = FileManager.default.currentDirectoryPath

    @Option(
        help: ArgumentHelp(
            "The code identity the driver computed from the source tree; the stage refuses to run when it was built "
                + "from other sources.")
    )
    public var expectCodeIdentity: String?

    @Option(help: "A file the stage rewrites with \"done total\" as it progresses (the driver shows it).")
    public var progressFile: String?

    @Flag(help: "Print nothing but errors.")
    public var quiet = false

    @Flag(help: "Print the code identity this executable was built with (what the driver keys its nodes by) and exit.")
    public var codeIdentity = false

    public init() {}

    public func validate() throws {
        if codeIdentity { return }
        guard !slice.isEmpty else { throw ValidationError("Missing expected argument '--slice <slice>'") }
        guard !output.isEmpty else { throw ValidationError("Missing expected argument '--output <output>'") }
        _ = try parsedSlice()
        _ = try inputPaths()
    }

    /// The config slice.
    public func parsedSlice() throws -> JSONValue {
        do { return try JSONValue.parse(sliceData(), source: "--slice") } catch let error as ConfigError {
            throw ValidationError(error.message)
        }
    }

    /// The slice's bytes, for decoding the settings.
    public func sliceData() -> Data { Data(slice.utf8) }

    /// The provenance the driver passed, nil for a manual run.
    /// - Throws: `ConfigError` when it is not valid JSON or lacks a member.
    public func provenanceRecord() throws -> Provenance? {
        try provenance.map { try Provenance(json: try JSONValue.parse(Data($0.utf8), source: "--provenance")) }
    }

    /// Input paths by role.
    public func inputPaths() throws -> [String: String] {
        var result: [String: String] = [:]
        for item in inputs {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw ValidationError("--input must be ROLE=PATH, got '\(item)'")
            }
            result[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        return result
    }

    /// The path of an input artifact by role.
    /// - Throws: `StageFailure` when the role was not given.
    public func inputPath(_ role: String) throws -> String {
        guard let path = try inputPaths()[role] else { throw StageFailure("missing --input \(role)=PATH") }
        return path
    }

    /// Opens an input artifact by role.
    /// - Throws: `StageFailure` when the role was not given; `HDF5Error` when it cannot be opened.
    public func openInput(_ role: String) throws -> HDF5File {
        try HDF5File.open(try inputPath(role))
    }

    /// Starts the output artifact, with the driver's provenance (or a manual-run one).
    /// - Parameter expectedBytes: the artifact's size before compression, when it can be
    ///   estimated: a store too small for it is refused now rather than mid-run.
    public func makeWriter(stage: String, expectedBytes: Int64? = nil) throws -> ArtifactWriter {
        let record: Provenance
        if let provenance = try provenanceRecord() {
            record = provenance
        } else {
            record = Provenance(
                stage: stage, instance: "", key: URL(fileURLWithPath: output).deletingPathExtension().lastPathComponent,
                config: try parsedSlice(), inputs: .object(try inputPaths().mapValues { .string($0) }),
                codeIdentity: "manual run", gitCommit: "unknown")
        }
        return try ArtifactWriter(
            finalURL: URL(fileURLWithPath: output), provenance: record, expectedBytes: expectedBytes)
    }

    /// Resolves a path from the slice against `--base-dir`.
    public func resolve(_ path: String) -> URL {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: baseDir, isDirectory: true)).standardizedFileURL
    }

    /// A progress reporter for a loop of `total` steps: to the driver's progress file when given,
    /// and to standard error (a bar on a terminal, lines in a log) unless `--quiet`.
    public func progress(_ label: String, total: Int) -> ProgressReporter {
        ProgressReporter(label: label, total: total, style: quiet ? .quiet : .automatic, file: progressFile)
    }
}

/// A stage-level failure with a message meant for the person running it (exit code 1).
public struct StageFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
