import Foundation
import MLPNumerics
import PipelineCore

/// The GD kernel's speed on this machine, measured when a dry run estimates its cost: a step
/// costs time ∝ n, so the rate is timed per sample size that occurs (≈ 50 ms per n, once per
/// process).
public enum GradientDescentRate {
    private static var measured: [Int: Double] = [:]
    private static let lock = NSLock()

    /// GD steps per second of the kernel (width 2) on a sampled dataset of size n.
    public static func stepsPerSecond(n: Int) -> Double {
        lock.lock()
        defer { lock.unlock() }
        if let known = measured[n] { return known }
        let rate = measure(n: n)
        measured[n] = rate
        return rate
    }

    /// Doubling runs until one takes 10 ms, then the best of three at that length (a debug build's
    /// kernel is ~1000× slower than a release build's: the measurement takes as long on both).
    private static func measure(n: Int) -> Double {
        let data = SampledDataset.sample(n: n, sigma: 0.2, seed: 1, teacher: Network(w: [1], v: [2]))
        let kernel = GradientDescentKernel(data: TrainingSet(x: data.x, y: data.noisy), width: 2, learningRate: 0.01)
        func seconds(_ steps: Int) -> Double {
            var theta = Network(w: [-0.13, 0.13], v: [0.16, -0.15])
            let clock = ContinuousClock(), began = clock.now
            _ = kernel.run(&theta, steps: steps)
            let elapsed = clock.now - began
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
        var steps = 16
        while seconds(steps) < 0.01 { steps *= 2 }
        let best = (0..<3).map { _ in seconds(steps) }.min()!
        return Double(steps) / max(best, 1e-9)
    }

    /// The cost of `steps` GD steps of a run of `config` (at the rate measured for its n) plus a fixed
    /// cost per node, for a stage's dry-run estimate.
    public static func cost(steps: Double, run: String, fixedSeconds: Double, config: Configuration) -> Cost {
        guard let n = (try? StudyConfig.of(config))?.sampleCount(ofRun: run) else {
            return Cost(seconds: fixedSeconds, counts: ["GD steps": steps])
        }
        let rate = stepsPerSecond(n: n)
        return Cost(
            seconds: fixedSeconds + steps / rate, counts: ["GD steps": steps],
            note: "kernel rate measured now: \(String(format: "%.3g", rate)) GD steps/s at n = \(n) (width 2)")
    }
}
