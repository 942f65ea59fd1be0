import Foundation
import PipelineCore

#if canImport(Glibc)
    import Glibc
#endif

/// The driver's live status line on a terminal: nodes done of total, each running node with its
/// own progress (read from the file the stage rewrites, see `ProgressReporter`), and an ETA.
/// Redrawn in place between the per-node lines, which `clear()` makes room for.
final class ProgressBoard {
    /// What the board needs to know of a running node.
    protocol Entry {
        var node: NodeID { get }
        var started: Date { get }
        var progressFile: URL { get }
    }

    let total: Int
    var finished = 0
    let live: Bool
    /// How often the scheduling loop wakes to redraw.
    var refreshSeconds: Double { live ? 0.25 : 3600 }
    private var shown = false

    init(total: Int, live: Bool) {
        self.total = total
        self.live = live
    }

    /// Draws the line for the running entries.
    func draw(_ running: [Entry]) {
        guard live else { return }
        var parts: [String] = []
        var eta = 0.0
        for entry in running {
            let elapsed = Date().timeIntervalSince(entry.started)
            if let (done, all) = Self.read(entry.progressFile), all > 0 {
                let fraction = Double(done) / Double(all)
                parts.append("\(entry.node) \(Int(fraction * 100))%")
                if fraction > 0 { eta = max(eta, elapsed / fraction - elapsed) }
            } else {
                parts.append("\(entry.node) \(Int(elapsed))s")
            }
        }
        var line = "[\(finished)/\(total) done] " + parts.joined(separator: " · ")
        if eta > 0 { line += String(format: " · ETA %.0fs", eta) }
        let width = Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 100
        if line.count > width - 1 { line = String(line.prefix(width - 2)) + "…" }
        print("\r\u{1B}[2K" + line, terminator: "")
        fflush(stdout)
        shown = true
    }

    /// Removes the line so a per-node line can be printed.
    func clear() {
        guard live, shown else { return }
        print("\r\u{1B}[2K", terminator: "")
        fflush(stdout)
        shown = false
    }

    /// "done total" from a progress file, or nil.
    static func read(_ url: URL) -> (Int, Int)? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        let fields = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        return fields.count >= 2 ? (fields[0], fields[1]) : nil
    }
}
