import Foundation
import PipelineCore

/// A node's log, `<store>/<stage>/<key>.log`: the first line is the exact command (`# argv: […]`),
/// then the stage's output, and the driver's last line says how it ended and how long it took
/// (`# finished: exit status 0, wall time 12.345 s`). Logs are not hashed; they are provenance.
public enum RunLog {
    /// The log beside an artifact (`<key>.h5` → `<key>.log`).
    public static func url(forArtifact artifact: URL) -> URL {
        artifact.deletingPathExtension().appendingPathExtension("log")
    }

    /// Starts a node's log with the exact command, so that a node can be re-run or timed by hand.
    /// - Throws: `StoreError` when the log cannot be written.
    static func start(_ log: URL, command: [String]) throws {
        let argv = JSONValue.array(command.map { .string($0) }).canonical
        do {
            try Data("# argv: \(argv)\n".utf8).write(to: log)
        } catch {
            throw StoreError.from(error, verb: "write", path: log.path)
        }
    }

    static func finishLine(status: Int32, seconds: Double) -> String {
        "# finished: exit status \(status), wall time \(String(format: "%.3f", seconds)) s\n"
    }

    /// Ends a log with how the stage ended and its wall time (`wallSeconds` reads it back).
    static func appendFinishLine(to log: URL, status: Int32, seconds: Double) {
        guard let handle = try? FileHandle(forWritingTo: log) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data(finishLine(status: status, seconds: seconds).utf8))
    }

    /// The stage's last `error:` line in its log, without the prefix.
    static func errorLine(in log: URL) -> String? {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").last { $0.hasPrefix("error: ") }.map { String($0.dropFirst(7)) }
    }

    /// The wall time the driver recorded at the end of a log, nil when the log or the line is missing
    /// (a node run by hand, or a store from before the line was written).
    public static func wallSeconds(in log: URL) -> Double? {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return nil }
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("# finished: ") }),
            let range = line.range(of: "wall time ")
        else { return nil }
        return Double(line[range.upperBound...].split(separator: " ").first ?? "")
    }
}
