import Foundation
import PipelineCore

/// A file as committed at a git revision (`git show REV:./file`, run in the file's directory so
/// the path is the file's own, wherever the repository's root is).
public enum GitRevision {
    /// - Throws: `ConfigError` naming the revision when git cannot show the file (no repository,
    ///   an unknown revision, a file the revision does not have).
    public static func contents(of file: URL, at revision: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "show", "\(revision):./\(file.lastPathComponent)"]
        process.currentDirectoryURL = file.deletingLastPathComponent()
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw ConfigError(path: "", value: nil, message: "--rev \(revision): cannot run git: \(error)")
        }
        // Read before waiting: a configuration larger than the pipe's buffer would block git.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let line =
                message.split(separator: "\n").first.map(String.init) ?? "exit status \(process.terminationStatus)"
            throw ConfigError(
                path: "", value: nil,
                message: "--rev \(revision): git show \(revision):./\(file.lastPathComponent) failed: \(line)")
        }
        return data
    }
}
