#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Online (one sample per step) gradient descent on the per-sample loss `(f(x_k; θ) − y_k)²`:
/// `θ ← θ − η · 2 r_k ∇f(x_k; θ)`, `r_k = f(x_k; θ) − y_k`, so one epoch's mean step matches the
/// full-batch `E_tr` convention (no factor 1/2).
///
/// Samples are visited in a fresh uniformly random order each epoch, drawn from
/// `PortableRandom(seed:)` with `permutation(n)`; the position in the current epoch carries
/// over between calls to `run`, so `run(steps: a)` then `run(steps: b)` equals `run(steps: a + b)`.
public struct OnlineGradientDescent: Sendable {
    public let data: TrainingSet
    public let learningRate: Double
    private var rng: PortableRandom
    private var order: [Int] = []
    private var position = 0
    /// Steps taken so far (over all calls).
    public private(set) var stepsTaken = 0

    /// - Parameters:
    ///   - data: the training set.
    ///   - learningRate: the step size η.
    ///   - seed: seeds the visiting order.
    public init(data: TrainingSet, learningRate: Double, seed: UInt64) {
        self.data = data
        self.learningRate = learningRate
        self.rng = PortableRandom(seed: seed)
    }

    /// The index of the sample the next step uses, advancing the visiting order (and `stepsTaken`):
    /// callers that make their own steps from the same order (projected SGD) draw from here.
    public mutating func nextSample() -> Int {
        if position == order.count {
            order = rng.permutation(data.count)
            position = 0
        }
        let k = order[position]
        position += 1
        stepsTaken += 1
        return k
    }

    /// Takes `steps` online steps from `theta`, in place.
    /// - Returns: `.completed`, or `.diverged` at the first step (numbered from 1 over all calls)
    ///   whose iterate is not finite; `theta` is then the last finite iterate.
    public mutating func run(_ theta: inout Network, steps: Int) -> KernelOutcome {
        let m = theta.width
        var th = theta.flat
        if let c = th.firstIndex(where: { !$0.isFinite }) {
            return .diverged(
                TrainingDiverged(step: stepsTaken, quantity: .parameter(component: c, width: m), value: th[c]))
        }
        var t = [Double](repeating: 0, count: m)
        var next = th
        let eta = learningRate
        for _ in 0..<steps {
            let k = nextSample()
            let x = data.x[k]
            var f = 0.0
            for i in 0..<m {
                t[i] = tanh(th[i] * x)
                f += th[m + i] * t[i]
            }
            let r = f - data.y[k]
            for i in 0..<m {
                // ∂f/∂w_i = v_i (1 − t_i²) x, ∂f/∂v_i = t_i.
                next[i] = th[i] - eta * (2 * r * th[m + i] * (1 - t[i] * t[i]) * x)
                next[m + i] = th[m + i] - eta * (2 * r * t[i])
            }
            if let c = next.firstIndex(where: { !$0.isFinite }) {
                theta = Network(flat: th)
                return .diverged(
                    TrainingDiverged(step: stepsTaken, quantity: .parameter(component: c, width: m), value: next[c]))
            }
            swap(&th, &next)
        }
        theta = Network(flat: th)
        return .completed
    }

    /// Advances `th` from global step `t0` to `t1` with the same contract as
    /// `GradientDescentKernel.advance`: `θ_t` for every `t ∈ (t0, t1]` with `t % k == 0` is
    /// written consecutively to `rows` (when `k > 0`); a divergence is returned with `th` left
    /// at the last finite iterate.
    mutating func advance(
        _ th: inout [Double], from t0: Int, to t1: Int, recordEvery k: Int,
        rows: UnsafeMutablePointer<Double>?
    ) -> TrainingDiverged? {
        var net = Network(flat: th)
        var t = t0
        var row = rows
        while t < t1 {
            let next = k > 0 ? min(t1, (t / k + 1) * k) : t1
            if case .diverged(let failure) = run(&net, steps: next - t) {
                th = net.flat
                return failure
            }
            t = next
            if k > 0, t % k == 0, let pointer = row {
                pointer.update(from: net.flat, count: th.count)
                row = pointer + th.count
            }
        }
        th = net.flat
        return nil
    }
}
