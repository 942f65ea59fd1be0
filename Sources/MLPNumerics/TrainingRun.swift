/// Runs the gradient-descent kernel for T steps while recording (a) `θ_t` at every t divisible by
/// `recordEvery` (t = 0 included), handed out in chunks so a long trajectory can be streamed,
/// and (b) `t, θ_t, E_tr, ‖∇E_tr‖` and caller-defined extras at each of `logTimes`.
///
/// Recording is done inside the kernel's loop (a store of 2m doubles every k steps) and the
/// loop is cut only at log times and buffer flushes, so it costs a few percent at most
/// (measured by `bench-gd`).
public struct TrainingRun {
    public var kernel: GradientDescentKernel
    /// When set, the steps are online SGD steps; `kernel` then only evaluates E_tr and ∇E_tr at
    /// the log times (on the full batch).
    public var online: OnlineGradientDescent?
    /// The number of steps T.
    public var steps: Int
    /// Record `θ_t` for t ≡ 0 (mod k); `nil` records no trajectory.
    public var recordEvery: Int?
    /// Strictly increasing times in `0...steps` (e.g. `LogTimeGrid.times`).
    public var logTimes: [Int]
    /// Trajectory rows per chunk handed to the sink.
    public var rowsPerChunk = 4096
    /// Longest stretch run without a progress update.
    package var maxSegment = 1 << 16

    /// - Precondition: `steps ≥ 0`, `recordEvery ≥ 1` if set, `logTimes` strictly increasing
    ///   within `0...steps`.
    public init(kernel: GradientDescentKernel, steps: Int, recordEvery: Int?, logTimes: [Int]) {
        precondition(steps >= 0, "steps must be ≥ 0")
        precondition(recordEvery.map { $0 >= 1 } ?? true, "recordEvery must be ≥ 1")
        precondition(zip(logTimes, logTimes.dropFirst()).allSatisfy { $0 < $1 }, "logTimes must be strictly increasing")
        precondition(logTimes.allSatisfy { (0...steps).contains($0) }, "logTimes must lie in 0...steps")
        self.kernel = kernel
        self.steps = steps
        self.recordEvery = recordEvery
        self.logTimes = logTimes
    }

    /// Runs from `start`, handing trajectory rows to `sink` in chunks of `rowsPerChunk` rows.
    /// - Parameters:
    ///   - start: `θ_0`, of the kernel's width.
    ///   - progress: called with the steps done, at most every `maxSegment` steps and once with
    ///     `steps` at the end (numerics does no I/O: the caller reports).
    ///   - extras: computes extra per-log-point quantities from `θ_t`.
    ///   - sink: receives the trajectory chunks in order.
    /// - Returns: the final iterate and log points (`trajectory` empty, `trajectoryRowCount` set).
    /// - Throws: `TrainingDiverged` at the first non-finite iterate (or non-finite loss or gradient
    ///   at a log time); any error thrown by `extras` or `sink`.
    public func run(
        from start: Network, progress: ((Int) -> Void)? = nil,
        extras: (Network) throws -> [Double] = { _ in [] },
        trajectory sink: (TrajectoryChunk) throws -> Void
    ) throws -> TrainingRecord {
        precondition(start.width == kernel.width, "network width \(start.width) ≠ kernel width \(kernel.width)")
        let d = 2 * kernel.width
        let k = recordEvery ?? 0
        var th = start.flat
        var logPoints: [LogPoint] = []
        logPoints.reserveCapacity(logTimes.count)
        var nextLog = logTimes.startIndex
        let capacity = max(rowsPerChunk, 1)
        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: capacity * d)
        defer { buffer.deallocate() }
        var pending = 0  // rows in the buffer
        var chunkFirstStep = 0  // step of the buffer's first row
        var rowCount = 0

        func flush() throws {
            guard pending > 0 else { return }
            let values = Array(UnsafeBufferPointer(start: buffer, count: pending * d))
            try sink(TrajectoryChunk(firstStep: chunkFirstStep, stride: k, width: kernel.width, values: values))
            rowCount += pending
            chunkFirstStep += pending * k
            pending = 0
        }
        func logIfDue(_ t: Int) throws {
            guard nextLog < logTimes.endIndex, logTimes[nextLog] == t else { return }
            let net = Network(flat: th)
            let e = kernel.evaluate(net)
            if !e.loss.isFinite { throw TrainingDiverged(step: t, quantity: .loss, value: e.loss) }
            if let c = e.gradient.firstIndex(where: { !$0.isFinite }) {
                throw TrainingDiverged(
                    step: t, quantity: .gradient(component: c, width: kernel.width), value: e.gradient[c])
            }
            logPoints.append(
                LogPoint(
                    step: t, network: net, trainingError: e.loss,
                    gradientNorm: e.gradientNorm, extras: try extras(net)))
            nextLog += 1
        }

        if k > 0 {
            buffer.update(from: th, count: d)
            pending = 1
        }
        if pending == capacity { try flush() }
        try logIfDue(0)
        var t = 0
        var sgd = online
        while t < steps {
            var end = min(steps, t + maxSegment)
            if nextLog < logTimes.endIndex { end = min(end, logTimes[nextLog]) }
            if k > 0 { end = min(end, (t / k + capacity - pending) * k) }  // when the buffer fills
            let failure =
                sgd != nil
                ? sgd!.advance(&th, from: t, to: end, recordEvery: k, rows: buffer + pending * d)
                : kernel.advance(&th, from: t, to: end, recordEvery: k, rows: buffer + pending * d)
            if let failure {
                progress?(steps)
                throw failure
            }
            if k > 0 { pending += end / k - t / k }
            t = end
            if pending == capacity { try flush() }
            try logIfDue(t)
            progress?(t)
        }
        try flush()
        progress?(steps)
        return TrainingRecord(
            final: Network(flat: th), logPoints: logPoints, trajectory: [], trajectoryRowCount: rowCount)
    }

    /// Runs from `start` and keeps the whole trajectory in memory (`TrainingRecord.trajectory`).
    /// - Throws: as `run(from:progress:extras:trajectory:)`.
    public func run(
        from start: Network, progress: ((Int) -> Void)? = nil,
        extras: (Network) throws -> [Double] = { _ in [] }
    ) throws -> TrainingRecord {
        var rows: [Double] = []
        if let k = recordEvery { rows.reserveCapacity((steps / k + 1) * 2 * kernel.width) }
        var record = try run(from: start, progress: progress, extras: extras) { rows += $0.values }
        record.trajectory = rows
        return record
    }
}
