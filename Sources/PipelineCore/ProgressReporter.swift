#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Reports the progress of a long loop on standard error.
///
/// On a terminal: one bar with rate and ETA, redrawn in place (`\r`) at most `redrawsPerSecond`
/// times a second. Otherwise (CI logs, redirected output): a plain line each time another
/// `linePercent` % is done, or `lineSeconds` have passed. `.quiet` prints nothing.
public final class ProgressReporter {
    public enum Style: Equatable, Sendable {
        /// `.bar` if standard error is a terminal, else `.lines`.
        case automatic
        case bar
        case lines
        case quiet
    }

    public let label: String
    public let total: Int
    public let style: Style
    public var redrawsPerSecond = 10.0
    public var linePercent = 10
    public var lineSeconds = 30.0

    public var fileUpdatesPerSecond = 5.0

    private let start: Double
    private var lastFileWrite: Double
    private let progressFile: Int32
    private var lastPrint: Double
    private var lastPercentPrinted = 0
    private var finished = false
    private let write: (String) -> Void

    /// - Parameters:
    ///   - label: a short name printed before the progress.
    ///   - total: the count at completion (> 0).
    ///   - style: how to print; `.automatic` checks `isatty(STDERR_FILENO)`.
    ///   - file: a file rewritten with "done total" at most `fileUpdatesPerSecond` times a second
    ///     (the driver reads it to show the node's progress); nil for none.
    ///   - write: where the text goes (standard error by default; tests capture it).
    public init(
        label: String, total: Int, style: Style = .automatic, file: String? = nil,
        write: @escaping (String) -> Void = {
            fputs($0, stderr); fflush(stderr)
        }
    ) {
        self.label = label
        self.total = max(total, 1)
        self.style = style == .automatic ? (isatty(STDERR_FILENO) != 0 ? .bar : .lines) : style
        self.write = write
        start = monotonicSeconds()
        lastPrint = start
        lastFileWrite = -.infinity
        progressFile = file.map { open($0, O_WRONLY | O_CREAT | O_TRUNC, 0o644) } ?? -1
    }

    deinit {
        if progressFile >= 0 { close(progressFile) }
    }

    /// Rewrites the progress file in place: one short `pwrite`, so a reader sees the old or the
    /// new line, never a mix.
    private func writeFile(_ completed: Int, _ now: Double, force: Bool = false) {
        guard progressFile >= 0, force || now - lastFileWrite >= 1 / fileUpdatesPerSecond else { return }
        lastFileWrite = now
        let line = "\(min(completed, total)) \(total)\n"
        let padded = line + String(repeating: " ", count: max(0, 40 - line.utf8.count))
        _ = padded.withCString { pwrite(progressFile, $0, strlen($0), 0) }
    }

    /// Records that `completed` of `total` are done; prints if the style's schedule says so.
    public func update(_ completed: Int) {
        guard !finished else { return }
        let now = monotonicSeconds()
        writeFile(completed, now)
        guard style != .quiet else { return }
        switch style {
        case .bar:
            if now - lastPrint >= 1 / redrawsPerSecond {
                write("\r" + barLine(completed, now))
                lastPrint = now
            }
        case .lines:
            let percent = Int(Double(completed) / Double(total) * 100)
            if percent >= lastPercentPrinted + linePercent || now - lastPrint >= lineSeconds {
                write(plainLine(completed, now) + "\n")
                lastPercentPrinted = percent - percent % linePercent
                lastPrint = now
            }
        case .quiet, .automatic:
            break
        }
    }

    /// Prints the final state once (total reached and elapsed time).
    public func finish() {
        guard !finished else { return }
        finished = true
        let now = monotonicSeconds()
        writeFile(total, now, force: true)
        switch style {
        case .bar: write("\r" + barLine(total, now) + "\n")
        case .lines: write(plainLine(total, now) + " done\n")
        case .quiet, .automatic: break
        }
    }

    private func barLine(_ completed: Int, _ now: Double) -> String {
        let fraction = min(Double(completed) / Double(total), 1)
        let cells = 30
        let filled = Int(fraction * Double(cells))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: cells - filled)
        return "\(label) [\(bar)] \(Int(fraction * 100))% \(rateAndETA(completed, now))"
    }

    private func plainLine(_ completed: Int, _ now: Double) -> String {
        let percent = Int(min(Double(completed) / Double(total), 1) * 100)
        return "\(label): \(percent)% (\(completed)/\(total)) \(rateAndETA(completed, now))"
    }

    private func rateAndETA(_ completed: Int, _ now: Double) -> String {
        let elapsed = now - start
        guard elapsed > 0, completed > 0 else { return "" }
        let rate = Double(completed) / elapsed
        let eta = Double(total - completed) / rate
        return "\(formatRate(rate))/s, elapsed \(formatDuration(elapsed)), ETA \(formatDuration(eta))"
    }
}

private func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

private func formatRate(_ r: Double) -> String {
    if r >= 1e6 { return String(Int((r / 1e5).rounded())).withDecimal() + "M" }
    if r >= 1e3 { return String(Int((r / 1e2).rounded())).withDecimal() + "k" }
    return String(Int(r.rounded()))
}

private func formatDuration(_ s: Double) -> String {
    let total = Int(s.rounded())
    let (h, m, sec) = (total / 3600, (total / 60) % 60, total % 60)
    let two = { (v: Int) in v < 10 ? "0\(v)" : "\(v)" }
    return h > 0 ? "\(h):\(two(m)):\(two(sec))" : "\(m):\(two(sec))"
}

private extension String {
    /// "123" → "12.3" (one implied decimal).
    func withDecimal() -> String {
        let padded = count < 2 ? String(repeating: "0", count: 2 - count) + self : self
        return padded.dropLast() + "." + padded.suffix(1)
    }
}
