import ArgumentParser
import MLPNumerics

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// The Swift side of the gradient-descent benchmark (driven by bench/run.sh and bench/kernel.py,
/// which time whole processes and compare): writes a synthetic dataset, runs the kernel.
@main
struct BenchGD: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-gd",
        abstract: "Benchmark full-batch gradient descent for the m = 2 tanh network.",
        subcommands: [WriteData.self, Run.self]
    )
}

/// The paper's initial point w = (−0.13, 0.13), v = (0.16, −0.15).
let paperStart = Network(w: [-0.13, 0.13], v: [0.16, -0.15])

struct BenchError: Error, CustomStringConvertible {
    var description: String
}

/// Reads a text file of `x y` lines with the pipeline's parser (`TwoColumnText`).
func readData(_ path: String) throws -> TrainingSet {
    guard let file = fopen(path, "r") else {
        throw BenchError(description: "cannot open \(path): \(String(cString: strerror(errno)))")
    }
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

struct WriteData: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write-data",
        abstract: "Write a dataset: x ~ N(0,1), y = 2 tanh(x) + σ ε, drawn by PortableRandom (all x first, then all "
            + "ε)."
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
        abstract:
            "Run the Swift kernel from the paper's start and print `RESULT impl=swift-kernel steps=… ns_per_step=… "
            + "theta=w1,w2,v1,v2` (the loop's process CPU time per step)."
    )
    @Option(help: "Dataset path (`x y` per line).") var data: String
    @Option(help: "Number of steps T.") var steps = 3_000_000
    @Option(help: "Learning rate η.") var eta = 0.01

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps must be ≥ 1") }
    }

    func run() throws {
        let kernel = GradientDescentKernel(data: try readData(data), width: 2, learningRate: eta)
        var theta = paperStart
        let start = nowSeconds()
        if case .diverged(let failure) = kernel.run(&theta, steps: steps) { throw failure }
        let elapsed = nowSeconds() - start
        print(
            "RESULT impl=swift-kernel steps=\(steps) ns_per_step=\(fixed(elapsed / Double(steps) * 1e9, 1)) "
                + "theta=\(theta.flat.map(exact).joined(separator: ","))"
        )
    }
}
