import CVectorMath

/// Fast full-batch gradient descent `θ ← θ − η ∇E_tr(θ)`, `E_tr = (1/n) Σ_k (f(x_k; θ) − y_k)²`.
///
/// Each step evaluates every `t_ik = tanh(w_i x_k)` once (by `vectorTanh` = `simdTanh`, eight samples per
/// `SIMD8<Double>`) and reuses it for the residual and all gradient sums, which are kept in vector
/// accumulators and reduced once per step. The batch is padded to a multiple of 8 with `x = y = 0`,
/// which adds exactly zero to every sum. Width 2 (the paper's model) has its own loop, one fused
/// pass per step; any other width uses the general loop (bit-identical results for width 2).
///
/// Finiteness is checked once per chunk of `checkInterval` steps; when a chunk ends non-finite it
/// is replayed step by step from its saved start to name the exact step and quantity.
public struct GradientDescentKernel: Sendable {
    /// The number of hidden neurons m.
    public let width: Int
    /// The learning rate η.
    public let learningRate: Double
    /// The number of training samples n (before padding).
    public let sampleCount: Int

    /// `x` and `−y`, padded with zeros to `8 · blockCount`, 64-byte aligned; never mutated after
    /// init, so sharing them between copies of the kernel is safe.
    let xBlocks: AlignedVectorBuffer
    let negatedYBlocks: AlignedVectorBuffer
    var blockCount: Int { xBlocks.count }
    /// `max_k |x_k|`: a step with `|w_i|·maxAbsX ≤ 20` for every i needs no clamp in the tanh.
    let maxAbsX: Double
    /// A step with `Σ|v_i| + max|y_k|` at most this has a finite `E_tr` (each `|r_k|` is below
    /// it, `|tanh| ≤ 1`), so its loss need not be summed to detect a divergence.
    let finiteLossBound: Double
    /// Forces the general-width loop even for width 2 (tests compare the two).
    package var forceGeneralPath = false
    /// Steps between finiteness checks (bounds the replay cost after a divergence).
    package var checkInterval = 1 << 16

    /// Prepares the padded data.
    /// - Parameters:
    ///   - data: the training set `{(x_k, y_k)}`.
    ///   - width: the number of hidden neurons m ≥ 1 of the networks this kernel will train.
    ///   - learningRate: the step size η.
    public init(data: TrainingSet, width: Int, learningRate: Double) {
        precondition(width >= 1, "width must be ≥ 1")
        self.width = width
        self.learningRate = learningRate
        self.sampleCount = data.count
        let blocks = (data.count + 7) / 8
        xBlocks = AlignedVectorBuffer(count: blocks)
        negatedYBlocks = AlignedVectorBuffer(count: blocks)
        var maxX = 0.0, maxY = 0.0
        for k in 0..<data.count {
            xBlocks.base[k / 8][k % 8] = data.x[k]
            negatedYBlocks.base[k / 8][k % 8] = -data.y[k]
            maxX = Swift.max(maxX, abs(data.x[k]))
            maxY = Swift.max(maxY, abs(data.y[k]))
        }
        maxAbsX = maxX
        // n·(bound·(1 + 1e-15))² must stay below the largest double; NaN or ∞ data disables the shortcut.
        let bound = (Double.greatestFiniteMagnitude / Double(8 * Swift.max(blocks, 1))).squareRoot() * 0.5 - maxY
        finiteLossBound = bound.isFinite && maxY.isFinite ? bound : -1
    }

    /// Runs `steps` steps of gradient descent from `theta`, in place.
    /// - Parameters:
    ///   - theta: the starting network (width must equal `width`); on return the final iterate,
    ///     or, after a divergence, the last finite iterate.
    ///   - steps: the number of steps T ≥ 0.
    /// - Returns: `.completed`, or `.diverged` naming the first time t at which `θ_t`,
    ///   `E_tr(θ_t)` or `∇E_tr(θ_t)` is not finite (t ≤ T; the loss and gradient at `θ_T` are
    ///   not computed, so not checked).
    public func run(_ theta: inout Network, steps: Int) -> KernelOutcome {
        precondition(theta.width == width, "network width \(theta.width) ≠ kernel width \(width)")
        var flat = theta.flat
        let failure = advance(&flat, from: 0, to: steps, recordEvery: 0, rows: nil)
        theta = Network(flat: flat)
        return failure.map { .diverged($0) } ?? .completed
    }

    /// `E_tr(θ)`, `∇E_tr(θ)` (flat layout) and `‖∇E_tr(θ)‖₂`, computed by the same fused pass as
    /// the steps (so consistent with them to the last bit).
    public func evaluate(_ theta: Network) -> KernelEvaluation {
        precondition(theta.width == width, "network width \(theta.width) ≠ kernel width \(width)")
        var g = [Double](repeating: 0, count: 2 * width)
        let loss = theta.flat.withUnsafeBufferPointer { th in
            g.withUnsafeMutableBufferPointer { gp in lossAndGradient(th.baseAddress!, into: gp.baseAddress!) }
        }
        var norm2 = 0.0
        for c in g { norm2 += c * c }
        return KernelEvaluation(loss: loss, gradient: g, gradientNorm: norm2.squareRoot())
    }

    // MARK: - Chunked driver with finiteness checks (also used by TrainingRun)

    /// Advances `th` from global step `t0` to `t1`, writing `θ_t` for every `t ∈ (t0, t1]` with
    /// `t % k == 0` consecutively to `rows` (when `k > 0`). Returns the divergence, if any, with
    /// `th` left at the last finite iterate.
    func advance(
        _ th: inout [Double], from t0: Int, to t1: Int, recordEvery k: Int,
        rows: UnsafeMutablePointer<Double>?
    ) -> TrainingDiverged? {
        precondition(th.count == 2 * width && t1 >= t0 && k >= 0)
        if let c = th.firstIndex(where: { !$0.isFinite }) {
            return TrainingDiverged(step: t0, quantity: .parameter(component: c, width: width), value: th[c])
        }
        var c0 = t0
        while c0 < t1 {
            let c1 = min(t1, c0 + checkInterval)
            let saved = th
            var firstRecord = Int.max
            var rowPointer: UnsafeMutablePointer<Double>? = nil
            if k > 0, let rows {
                firstRecord = (c0 / k + 1) * k - c0
                rowPointer = rows + (c0 / k - t0 / k) * 2 * width
            }
            let lossesFinite = th.withUnsafeMutableBufferPointer { p in
                if width == 2 && !forceGeneralPath {
                    return advance2(
                        p.baseAddress!, steps: c1 - c0, recordEvery: k, firstRecord: firstRecord, rows: rowPointer)
                } else {
                    return advanceGeneral(
                        p.baseAddress!, steps: c1 - c0, recordEvery: k, firstRecord: firstRecord, rows: rowPointer)
                }
            }
            if !lossesFinite || th.contains(where: { !$0.isFinite }) {
                th = saved
                return locateDivergence(&th, startStep: c0, steps: c1 - c0)
            }
            c0 = c1
        }
        return nil
    }

    /// Replays `steps` steps one at a time, checking every quantity, with the same arithmetic as
    /// the fast loops; stops at the first non-finite quantity and leaves `th` at the last finite
    /// iterate. The loss and gradient computed in step s belong to time s − 1.
    private func locateDivergence(_ th: inout [Double], startStep: Int, steps: Int) -> TrainingDiverged {
        let d = 2 * width
        var g = [Double](repeating: 0, count: d)
        var next = th
        for s in 1...steps {
            let loss = th.withUnsafeBufferPointer { tp in
                g.withUnsafeMutableBufferPointer { gp in lossAndGradient(tp.baseAddress!, into: gp.baseAddress!) }
            }
            if !loss.isFinite { return TrainingDiverged(step: startStep + s - 1, quantity: .loss, value: loss) }
            if let c = g.firstIndex(where: { !$0.isFinite }) {
                return TrainingDiverged(
                    step: startStep + s - 1, quantity: .gradient(component: c, width: width), value: g[c])
            }
            for c in 0..<d { next[c] = th[c] - learningRate * g[c] }
            if let c = next.firstIndex(where: { !$0.isFinite }) {
                return TrainingDiverged(
                    step: startStep + s, quantity: .parameter(component: c, width: width), value: next[c])
            }
            th = next
        }
        // Unreachable if the replay is bit-identical to the fast loop, which the tests check.
        let c = th.firstIndex(where: { !$0.isFinite }) ?? 0
        return TrainingDiverged(step: startStep + steps, quantity: .parameter(component: c, width: width), value: th[c])
    }

    /// `E_tr(θ)` and `∇E_tr(θ)` written to `g`, by the loop the steps use.
    private func lossAndGradient(_ th: UnsafePointer<Double>, into g: UnsafeMutablePointer<Double>) -> Double {
        let n = Double(sampleCount)
        let scale = 2 / n
        let x = UnsafePointer(xBlocks.base), negY = UnsafePointer(negatedYBlocks.base), blocks = blockCount
        return withExtendedLifetime((xBlocks, negatedYBlocks)) {
            if width == 2 && !forceGeneralPath {
                let s = fusedSums2(x, negY, blocks, th[0], th[1], th[2], th[3], safe: true)
                g[0] = th[2] * s.w1 * scale
                g[1] = th[3] * s.w2 * scale
                g[2] = s.v1 * scale
                g[3] = s.v2 * scale
                return s.squares / n
            }
            let scratch = AlignedVectorBuffer(count: width * (2 + blocks))
            let squares = fusedSumsGeneral(x, negY, blocks, th, width, scratch.base, scratch.base + 2 * width)
            gradientFromSums(th, width, scratch.base, scale, into: g)
            return squares / n
        }
    }

    // MARK: - Width 2

    /// Returns false if any loss along the way was not finite.
    private func advance2(
        _ th: UnsafeMutablePointer<Double>, steps: Int, recordEvery k: Int,
        firstRecord: Int, rows: UnsafeMutablePointer<Double>?
    ) -> Bool {
        let eta = learningRate
        let scale = 2 / Double(sampleCount)
        let maxX = maxAbsX, lossBound = finiteLossBound
        var w1 = th[0], w2 = th[1], v1 = th[2], v2 = th[3]
        var next = firstRecord
        var out = rows
        var lossCheck = 0.0  // stays 0 while every loss is finite, NaN after any non-finite one
        let x = UnsafePointer(xBlocks.base), negY = UnsafePointer(negatedYBlocks.base), blocks = blockCount
        withExtendedLifetime((xBlocks, negatedYBlocks)) {
            for s in 1...steps {
                // The fast pass (no clamp in the tanh, no Σ r²) when every |w_i x_k| ≤ 20 and
                // E_tr is certainly finite; both are false for a NaN parameter.
                let sums: FusedSums
                if abs(w1) * maxX <= 20 && abs(w2) * maxX <= 20 && abs(v1) + abs(v2) <= lossBound {
                    sums = fusedSums2(x, negY, blocks, w1, w2, v1, v2, safe: false)
                } else {
                    sums = fusedSums2(x, negY, blocks, w1, w2, v1, v2, safe: true)
                    lossCheck += sums.squares * 0
                }
                let gw1 = v1 * sums.w1 * scale
                let gw2 = v2 * sums.w2 * scale
                let gv1 = sums.v1 * scale
                let gv2 = sums.v2 * scale
                w1 = w1 - eta * gw1
                w2 = w2 - eta * gw2
                v1 = v1 - eta * gv1
                v2 = v2 - eta * gv2
                if s == next, let o = out {
                    o[0] = w1; o[1] = w2; o[2] = v1; o[3] = v2
                    out = o + 4
                    next += k
                }
            }
        }
        th[0] = w1; th[1] = w2; th[2] = v1; th[3] = v2
        return lossCheck == 0
    }

    // MARK: - General width

    /// Returns false if any loss along the way was not finite.
    private func advanceGeneral(
        _ th: UnsafeMutablePointer<Double>, steps: Int, recordEvery k: Int,
        firstRecord: Int, rows: UnsafeMutablePointer<Double>?
    ) -> Bool {
        let m = width, d = 2 * width
        let eta = learningRate
        let scale = 2 / Double(sampleCount)
        let scratchBuffer = AlignedVectorBuffer(count: m * (2 + blockCount))
        let scratch = scratchBuffer.base
        let g = UnsafeMutablePointer<Double>.allocate(capacity: d)
        defer { g.deallocate() }
        let x = UnsafePointer(xBlocks.base), negY = UnsafePointer(negatedYBlocks.base), blocks = blockCount
        var next = firstRecord
        var out = rows
        var lossCheck = 0.0
        withExtendedLifetime((xBlocks, negatedYBlocks, scratchBuffer)) {
            for s in 1...steps {
                lossCheck += 0 * fusedSumsGeneral(x, negY, blocks, UnsafePointer(th), m, scratch, scratch + 2 * m)
                gradientFromSums(UnsafePointer(th), m, scratch, scale, into: g)
                for c in 0..<d { th[c] = th[c] - eta * g[c] }
                if s == next, let o = out {
                    o.update(from: th, count: d)
                    out = o + d
                    next += k
                }
            }
        }
        return lossCheck == 0
    }
}

/// Loss, gradient and gradient norm at one point, from `GradientDescentKernel.evaluate`.
public struct KernelEvaluation: Equatable, Sendable {
    /// `E_tr(θ)`.
    public var loss: Double
    /// `∇E_tr(θ)` in the flat layout `(∂/∂w, ∂/∂v)`.
    public var gradient: [Double]
    /// `‖∇E_tr(θ)‖₂`.
    public var gradientNorm: Double
}

/// Unscaled batch sums of one step: `Σ r(1 − t_i²)x`, `Σ r t_i`, and `Σ r²` (0 unless asked for).
typealias FusedSums = (w1: Double, w2: Double, v1: Double, v2: Double, squares: Double)

/// The batch sums for width 2 in one pass over the blocks, `r = f − y`.
///
/// `safe: false` (a constant at each call site, so two loops are compiled) skips the clamp in the
/// tanh and the sum of squares: the caller guarantees `|w_i x_k| ≤ 20` and a finite `E_tr`. The
/// other sums are the same to the last bit either way.
@inline(__always)
private func fusedSums2(
    _ x: UnsafePointer<SIMD8<Double>>, _ negY: UnsafePointer<SIMD8<Double>>, _ blocks: Int,
    _ w1: Double, _ w2: Double, _ v1: Double, _ v2: Double, safe: Bool
) -> FusedSums {
    typealias V = SIMD8<Double>
    let w1v = V(repeating: w1), w2v = V(repeating: w2)
    let v1v = V(repeating: v1), v2v = V(repeating: v2)
    let one = V(repeating: 1)
    var aw1 = V.zero, aw2 = V.zero, av1 = V.zero, av2 = V.zero, ar = V.zero
    for b in 0..<blocks {
        let xv = x[b]
        let t1 = safe ? vectorTanh(w1v * xv) : vectorTanhUnclamped(w1v * xv)
        let t2 = safe ? vectorTanh(w2v * xv) : vectorTanhUnclamped(w2v * xv)
        let r = cvm_fma8(v2v, t2, cvm_fma8(v1v, t1, negY[b]))
        let rx = r * xv
        av1 = cvm_fma8(r, t1, av1)
        av2 = cvm_fma8(r, t2, av2)
        aw1 = cvm_fma8(rx, cvm_fnma8(t1, t1, one), aw1)
        aw2 = cvm_fma8(rx, cvm_fnma8(t2, t2, one), aw2)
        if safe { ar = cvm_fma8(r, r, ar) }
    }
    return (pairwiseSum(aw1), pairwiseSum(aw2), pairwiseSum(av1), pairwiseSum(av2), safe ? pairwiseSum(ar) : 0)
}

/// The sum of the eight lanes as a tree (halves, quarters, pair): three dependent additions.
@inline(__always)
func pairwiseSum(_ a: SIMD8<Double>) -> Double {
    let four = a.lowHalf + a.highHalf
    let two = four.lowHalf + four.highHalf
    return two[0] + two[1]
}

/// Unscaled batch sums for any width: on return `acc[i] = Σ r(1 − t_i²)x` and
/// `acc[m + i] = Σ r t_i`; returns `Σ r²`. `t` holds m × blocks tanh vectors, computed in a first
/// loop (a loop over neurons inside the block loop would keep m tanh bodies' constants live); the
/// arithmetic matches `fusedSums2` operation for operation at width 2.
@inline(__always)
private func fusedSumsGeneral(
    _ x: UnsafePointer<SIMD8<Double>>, _ negY: UnsafePointer<SIMD8<Double>>, _ blocks: Int,
    _ th: UnsafePointer<Double>, _ m: Int, _ acc: UnsafeMutablePointer<SIMD8<Double>>,
    _ t: UnsafeMutablePointer<SIMD8<Double>>
) -> Double {
    typealias V = SIMD8<Double>
    let aw = acc, av = acc + m
    let one = V(repeating: 1)
    for i in 0..<m {
        let wv = V(repeating: th[i])
        let ti = t + i * blocks
        for b in 0..<blocks { ti[b] = vectorTanh(wv * x[b]) }
    }
    for i in 0..<(2 * m) { acc[i] = .zero }
    var ar = V.zero
    for b in 0..<blocks {
        let xv = x[b]
        var r = negY[b]
        for i in 0..<m { r = cvm_fma8(V(repeating: th[m + i]), t[i * blocks + b], r) }
        let rx = r * xv
        for i in 0..<m {
            let ti = t[i * blocks + b]
            av[i] = cvm_fma8(r, ti, av[i])
            aw[i] = cvm_fma8(rx, cvm_fnma8(ti, ti, one), aw[i])
        }
        ar = cvm_fma8(r, r, ar)
    }
    return pairwiseSum(ar)
}

/// `g = scale · (v_i Σ_w[i], Σ_v[i])` from the sums left in `acc` by `fusedSumsGeneral`.
@inline(__always)
private func gradientFromSums(
    _ th: UnsafePointer<Double>, _ m: Int, _ acc: UnsafeMutablePointer<SIMD8<Double>>,
    _ scale: Double, into g: UnsafeMutablePointer<Double>
) {
    for i in 0..<m {
        g[i] = th[m + i] * pairwiseSum(acc[i]) * scale
        g[m + i] = pairwiseSum(acc[m + i]) * scale
    }
}
