import ArgumentParser
import MLPNumerics
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Benchmarks the gradient-descent kernel against reference implementations (driven by
/// bench/run.sh): writes the dataset, times the Swift kernel, and prints the comparison table.
@main
struct BenchGD: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-gd",
        abstract: "Benchmark full-batch gradient descent for the m = 2 tanh network.",
        subcommands: [WriteData.self, Run.self, Report.self]
    )
}

/// The paper's initial point w = (−0.13, 0.13), v = (0.16, −0.15).
let paperStart = Network(w: [-0.13, 0.13], v: [0.16, -0.15])

struct BenchError: Error, CustomStringConvertible {
    var description: String
}

/// Reads a text file of `x y` lines with the pipeline's parser (`TwoColumnText`).
func readData(_ path: String) throws -> TrainingSet {
    guard let file = fopen(path, "r") else { throw BenchError(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var block = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = fread(&block, 1, block.count, file)
        bytes += block.prefix(count)
        if count < block.count { break }
    }
    guard ferror(file) == 0 else { throw BenchError(description: "cannot read \(path)") }
    do {
        let parsed = try TwoColumnText.parse(String(decoding: bytes, as: UTF8.self))
        return TrainingSet(x: parsed.x, y: parsed.y)
    } catch {
        throw BenchError(description: "\(path): \(error)")
    }
}

/// Process CPU time: on a shared, busy machine it excludes the time other processes hold the core.
func nowSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// `printf`-style formatting of one double.
func cFormat(_ spec: String, _ v: Double) -> String {
    var buf = [CChar](repeating: 0, count: 64)
    _ = withVaList([v]) { vsnprintf(&buf, 64, spec, $0) }
    return String(cString: buf)
}

func exact(_ v: Double) -> String { cFormat("%.17g", v) }
func fixed(_ v: Double, _ digits: Int) -> String { cFormat("%.\(digits)f", v) }
func scientific(_ v: Double) -> String { cFormat("%.2e", v) }

struct WriteData: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write-data",
        abstract: "Write a dataset: x ~ N(0,1), y = 2 tanh(x) + σ ε, drawn by PortableRandom (all x first, then all ε)."
    )
    @Option(help: "Output path.") var out: String
    @Option(help: "Number of samples.") var n = 100
    @Option(help: "Noise standard deviation σ.") var sigma = 0.2
    @Option(help: "PortableRandom seed.") var seed: UInt64 = 20_260_401

    func validate() throws {
        guard n >= 1 else { throw ValidationError("--n must be ≥ 1") }
        guard sigma >= 0 else { throw ValidationError("--sigma must be ≥ 0") }
    }

    func run() throws {
        var rng = PortableRandom(seed: seed)
        let xs = (0..<n).map { _ in rng.nextNormal() }
        let noise = (0..<n).map { _ in rng.nextNormal() }
        var text = "# x y: n=\(n) sigma=\(exact(sigma)) seed=\(seed) teacher 2*tanh(x)\n"
        for k in 0..<n { text += "\(exact(xs[k])) \(exact(2 * tanh(xs[k]) + sigma * noise[k]))\n" }
        guard let file = fopen(out, "w") else { throw BenchError(description: "cannot write \(out)") }
        defer { fclose(file) }
        fputs(text, file)
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time the Swift kernel and print `RESULT impl=… steps=… ns_per_step=… theta=w1,w2,v1,v2` (ns_per_step: fastest timing window)."
    )
    @Option(help: "Dataset path (`x y` per line).") var data: String
    @Option(help: "Number of steps T.") var steps = 3_000_000
    @Option(help: "Learning rate η.") var eta = 0.01
    @Option(help: "Repetitions (the best time is reported).") var reps = 1
    @Option(help: "Record θ every k steps plus a log grid (0: plain kernel).") var recordEvery = 0
    @Option(help: "Log-grid points per decade when recording.") var pointsPerDecade = 20
    @Option(help: "Steps per timing window (the fastest window is reported).") var timingWindow = 100_000

    func validate() throws {
        guard steps >= 1, reps >= 1, recordEvery >= 0, pointsPerDecade >= 1, timingWindow >= 1 else {
            throw ValidationError("--steps, --reps, --points-per-decade, --timing-window must be ≥ 1 and --record-every ≥ 0")
        }
    }

    func run() throws {
        let set = try readData(data)
        let kernel = GradientDescentKernel(data: set, width: 2, learningRate: eta)
        let grid = LogTimeGrid(steps: steps, pointsPerDecade: pointsPerDecade).times
        let window = min(steps, timingWindow)
        var bestWindow = Double.infinity, bestTotal = Double.infinity
        var final = paperStart
        var rows = 0, logPoints = 0
        for _ in 0..<reps {
            // The run is timed in windows of `timingWindow` steps and the fastest full window is
            // reported: on a shared machine that filters out intervals when another job held the core.
            var theta = paperStart
            var t = 0
            var total = 0.0
            rows = 0
            logPoints = 0
            while t < steps {
                let w = min(window, steps - t)
                let start = nowSeconds()
                if recordEvery > 0 {
                    // This window's share of the full run's recording: rows at multiples of k and
                    // the log-grid times in (t, t + w] (and 0 in the first window).
                    let times = grid.filter { ($0 > t || ($0 == 0 && t == 0)) && $0 <= t + w }.map { $0 - t }
                    let run = TrainingRun(kernel: kernel, steps: w, recordEvery: recordEvery, logTimes: times)
                    let record = try run.run(from: theta)
                    theta = record.final
                    rows += record.trajectoryRowCount - (t == 0 ? 0 : 1)  // row at the window start was the previous window's last
                    logPoints += record.logPoints.count
                } else if case let .diverged(failure) = kernel.run(&theta, steps: w) {
                    throw failure
                }
                let elapsed = nowSeconds() - start
                total += elapsed
                if w == window { bestWindow = min(bestWindow, elapsed / Double(w)) }
                t += w
            }
            bestTotal = min(bestTotal, total / Double(steps))
            final = theta
        }
        let name = recordEvery > 0 ? "swift-kernel+recording" : "swift-kernel"
        let note = recordEvery > 0 ? " rows=\(rows) log_points=\(logPoints)" : ""
        print("RESULT impl=\(name) steps=\(steps) ns_per_step=\(fixed(bestWindow * 1e9, 1)) whole_run_ns_per_step=\(fixed(bestTotal * 1e9, 1)) theta=\(final.flat.map(exact).joined(separator: ","))\(note)")
    }
}

/// One parsed `RESULT` line.
struct BenchResult {
    var impl: String
    var steps: Int
    var nsPerStep: Double
    var theta: [Double]

    init?(line: String) {
        guard line.hasPrefix("RESULT ") else { return nil }
        var fields: [String: String] = [:]
        for part in line.dropFirst(7).split(separator: " ") {
            let kv = part.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { fields[String(kv[0])] = String(kv[1]) }
        }
        guard let impl = fields["impl"], let s = fields["steps"].flatMap({ Int($0) }),
              let ns = fields["ns_per_step"].flatMap({ Double($0) }),
              let theta = fields["theta"]?.split(separator: ",").compactMap({ Double($0) }), theta.count == 4
        else { return nil }
        self.impl = impl
        self.steps = s
        self.nsPerStep = ns
        self.theta = theta
    }
}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the comparison table from a file of RESULT lines (best time per implementation and step count)."
    )
    @Argument(help: "File of RESULT lines.") var results: String
    @Option(help: "Dataset path, to evaluate E_tr and ‖∇E_tr‖ at the final θ.") var data: String
    @Option(help: "The full step count T.") var steps = 3_000_000
    @Option(help: "Largest acceptable Swift/tuned-C time ratio.") var maxRatio = 1.1
    @Option(help: "Largest acceptable recording overhead.") var maxOverhead = 0.10

    func run() throws {
        guard let file = fopen(results, "r") else { throw BenchError(description: "cannot open \(results)") }
        var lines: [String] = []
        var buf: UnsafeMutablePointer<CChar>? = nil
        var cap = 0
        while getline(&buf, &cap, file) > 0 { lines.append(String(cString: buf!)) }
        free(buf)
        fclose(file)
        let set = try readData(data)

        // Best time per (impl, steps); θ must agree across repetitions of one implementation.
        var best: [String: BenchResult] = [:]
        var order: [String] = []
        for line in lines {
            guard let r = BenchResult(line: line.trimmingTrailingNewline()) else { continue }
            let key = "\(r.impl)@\(r.steps)"
            if let old = best[key] {
                if old.theta != r.theta { throw BenchError(description: "\(r.impl): θ differs between repetitions") }
                if r.nsPerStep < old.nsPerStep { best[key] = r }
            } else {
                best[key] = r
                order.append(key)
            }
        }
        guard let swift = best["swift-kernel@\(steps)"] else {
            throw BenchError(description: "no swift-kernel result at \(steps) steps")
        }
        print("implementation              steps     ns/step  ratio to Swift kernel")
        for key in order {
            let r = best[key]!
            print(r.impl.padding(24) + String(r.steps).leftPadding(9) + fixed(r.nsPerStep, 1).leftPadding(12)
                  + fixed(r.nsPerStep / swift.nsPerStep, 2).leftPadding(10))
        }

        print("\nfinal θ (relative difference to the Swift kernel at the same step count, ‖Δθ‖∞/‖θ‖∞):")
        var worst = 0.0
        for key in order {
            let r = best[key]!
            guard let reference = best["swift-kernel@\(r.steps)"] else { continue }
            let diff = zip(r.theta, reference.theta).map { abs($0 - $1) }.max()!
            let rel = diff / reference.theta.map(abs).max()!
            if r.steps == steps { worst = max(worst, rel) }
            let net = Network(flat: r.theta)
            let gradNorm = TrainingError.gradient(net, on: set).reduce(0) { $0 + $1 * $1 }.squareRoot()
            print(r.impl.padding(24) + String(r.steps).leftPadding(9) + "  rel.diff " + scientific(rel)
                  + "  E_tr " + cFormat("%.12g", TrainingError.value(net, on: set)) + "  |grad E_tr| " + scientific(gradNorm))
        }
        print("θ_T (Swift kernel) = (\(swift.theta.map(exact).joined(separator: ", ")))")
        print("max relative difference of θ_T among full-length runs: \(scientific(worst)) "
              + (worst <= 1e-9 ? "PASS (≤ 1e-9)" : "FAIL (> 1e-9)"))

        if let tuned = best["c-tuned@\(steps)"] {
            let ratio = swift.nsPerStep / tuned.nsPerStep
            print("Swift kernel / tuned C = \(fixed(ratio, 3)): " + (ratio <= maxRatio ? "PASS" : "FAIL") + " (≤ \(maxRatio))")
        } else {
            print("Swift kernel / tuned C: FAIL (no c-tuned result)")
        }
        if let recording = best["swift-kernel+recording@\(steps)"] {
            let overhead = recording.nsPerStep / swift.nsPerStep - 1
            print("recording overhead = \(fixed(overhead * 100, 1))%: " + (overhead <= maxOverhead ? "PASS" : "FAIL")
                  + " (≤ \(fixed(maxOverhead * 100, 0))%)")
        } else {
            print("recording overhead: FAIL (no swift-kernel+recording result)")
        }
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    func leftPadding(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
    func trimmingTrailingNewline() -> String {
        var s = self
        while s.last == "\n" || s.last == "\r" { s.removeLast() }
        return s
    }
}
